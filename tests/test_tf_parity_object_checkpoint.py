"""Parity of gc.train.Checkpoint / CheckpointManager / gc.Module with TF's
tf.compat.v1.train.Checkpoint in graph mode: the same objects give the same checkpoint
keys (tf.train.list_variables vs gc.train.list_variables), the same saved and restored
values, the same status outcomes, Module variable order and manager numbering."""
import os

import numpy as np
import pytest

import graphc as gc
from tf_parity import tf, v1

OPTIMIZERS = [("AdamOptimizer", (0.1,)), ("MomentumOptimizer", (0.1, 0.9)),
              ("AdagradOptimizer", (0.1,)), ("RMSPropOptimizer", (0.1,)),
              ("AdadeltaOptimizer", (1.0,)), ("FtrlOptimizer", (0.1,)),
              ("GradientDescentOptimizer", (0.1,))]
W0 = np.linspace(-1, 1, 6).reshape(3, 2).astype(np.float32)
X = np.arange(6, dtype=np.float32).reshape(2, 3) / 6


def _model(m, opt_name, args, with_module):
    x = m.placeholder(m.float32, [None, 3])
    w = m.get_variable("w", initializer=W0)
    b = m.Variable(np.array([0.5, -0.5], np.float32), name="b")
    loss = m.reduce_sum(m.square(m.matmul(x, w) + b))
    opt = getattr(m.train, opt_name)(*args)
    step = m.train.get_or_create_global_step()
    kw = dict(optimizer=opt, w=w, lst=[b, w], step=step,
              dd={"a/b.c": m.Variable(1.5, name="dd")})
    if with_module:
        mod = (gc.Module if m is gc else tf.Module)(name="mod")
        mod.vs = [w, {"z": b}]
        kw["mod"] = mod
    return x, loss, opt, step, m.train.Checkpoint(**kw)


def _save(m, tmp, opt_name, args, train_steps=2):
    with m.Graph().as_default():
        x, loss, opt, step, ck = _model(m, opt_name, args, True)
        train = opt.minimize(loss, global_step=step)
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            for _ in range(train_steps):
                s.run(train, {x: X})
            return ck.save(os.path.join(tmp, "ck"))


def _contents(m, path):
    names = [n for n, _ in m.train.list_variables(path)]
    return {n: m.train.load_variable(path, n) for n in names
            if n != "_CHECKPOINTABLE_OBJECT_GRAPH"}, names


@pytest.mark.parametrize("opt_name,args", OPTIMIZERS)
def test_keys_and_saved_values(tmp_path, opt_name, args):
    tp, gp = _save(v1, str(tmp_path / "tf"), opt_name, args), \
        _save(gc, str(tmp_path / "gc"), opt_name, args)
    assert os.path.basename(tp) == os.path.basename(gp) == "ck-1"
    t_vals, t_names = _contents(tf, tp)
    g_vals, g_names = _contents(gc, gp)
    assert g_names == t_names
    for k in t_vals:
        np.testing.assert_allclose(g_vals[k], t_vals[k], rtol=2e-5, atol=1e-6, err_msg=k)
        assert g_vals[k].dtype == t_vals[k].dtype, k


def _restore_check(m, path, opt_name, args):
    """(consumed before minimize, consumed after, restored values) on module m."""
    outcome = []
    with m.Graph().as_default():
        x, loss, opt, step, ck = _model(m, opt_name, args, False)
        status = ck.restore(path)
        for check in (status.assert_existing_objects_matched, status.assert_consumed):
            try:
                check()
                outcome.append(True)
            except AssertionError:
                outcome.append(False)
        opt.minimize(loss, global_step=step)
        status.assert_consumed()
        with m.Session() as s:
            status.run_restore_ops(s)
            vars_ = [v for v in m.global_variables() if "dd" not in v.name]
            return outcome, {v.name: s.run(v) for v in vars_}


@pytest.mark.parametrize("opt_name,args", OPTIMIZERS[:3])
def test_restore_status_and_values(tmp_path, opt_name, args):
    tp, gp = _save(v1, str(tmp_path / "tf"), opt_name, args), \
        _save(gc, str(tmp_path / "gc"), opt_name, args)
    t_out, t_vals = _restore_check(v1, tp, opt_name, args)
    g_out, g_vals = _restore_check(gc, gp, opt_name, args)
    assert g_out == t_out
    assert sorted(g_vals) == sorted(t_vals)
    for k in t_vals:
        np.testing.assert_allclose(g_vals[k], t_vals[k], rtol=2e-5, atol=1e-6, err_msg=k)


def _module_facts(m, Module, tmp):
    class Dense(Module):
        def __init__(self, i, o, name=None):
            super().__init__(name=name)
            with self.name_scope:
                self.w = m.Variable(np.ones((i, o), np.float32), name="w")
                self.b = m.Variable(np.zeros(o, np.float32), name="b", trainable=False)

        @Module.with_name_scope
        def __call__(self, x):
            return m.matmul(x, self.w) + self.b

    class MLP(Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            with self.name_scope:
                self.layers = [Dense(3, 4), Dense(4, 2, name="out")]
                self.extra = {"zz": m.Variable(1.0, name="zz"), "aa": m.Variable(2.0)}

    with m.Graph().as_default():
        a, b = MLP(), MLP(name="MLP2")
        y = a.layers[0](m.placeholder(m.float32, [None, 3]))
        facts = [a.name, a.name_scope.name, b.name, b.name_scope.name, y.name,
                 [v.name for v in a.variables], [v.name for v in a.trainable_variables],
                 [v.name for v in a.non_trainable_variables],
                 [s.name for s in a.submodules], Module().name]
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            path = m.train.Checkpoint(model=a).save(os.path.join(tmp, "m"))
    return facts, [n for n, _ in m.train.list_variables(path)]


def test_module(tmp_path):
    t = _module_facts(v1, tf.Module, str(tmp_path / "tf"))
    g = _module_facts(gc, gc.Module, str(tmp_path / "gc"))
    assert g == t


def _manager_run(m, d):
    with m.Graph().as_default():
        w = m.Variable(np.arange(3.0), name="w")
        ck = m.train.Checkpoint(w=w)
        mgr = m.train.CheckpointManager(ck, d, max_to_keep=2)
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            saved = [mgr.save() for _ in range(3)] + [mgr.save(checkpoint_number=10)]
            counter = s.run(ck.save_counter)
        kept, latest = mgr.checkpoints, mgr.latest_checkpoint
    state = m.train.get_checkpoint_state(d)
    rel = [os.path.relpath(p, d) for p in saved + kept + [latest]
           + list(state.all_model_checkpoint_paths)]
    return rel, counter, m.train.latest_checkpoint(d) == latest


def test_manager(tmp_path):
    assert _manager_run(gc, str(tmp_path / "gc")) == _manager_run(v1, str(tmp_path / "tf"))


def _keras_keys(m, keras, tmp):
    with m.Graph().as_default():
        seq = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)),
                                keras.layers.Dropout(0.1), keras.layers.Dense(2),
                                keras.layers.BatchNormalization()])
        inp = keras.Input((3,))
        fm = keras.Model(inp, keras.layers.Dense(1)(keras.layers.Dense(5)(inp)))

        class Sub(keras.Model):
            def __init__(self):
                super().__init__()
                self.d1 = keras.layers.Dense(3)
                self.blocks = [keras.layers.Dense(2)]

            def call(self, x):
                return self.blocks[0](self.d1(x))
        sub = Sub()
        sub(m.placeholder(m.float32, [None, 3]))
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            path = m.train.Checkpoint(model=seq, fm=fm, sub=sub).save(
                os.path.join(tmp, "k"))
    return [n for n, _ in m.train.list_variables(path)]


def test_keras_keys(tmp_path):
    tf_keras = pytest.importorskip("tf_keras")      # Keras 2: graph mode, as TF 1.15
    assert _keras_keys(gc, gc.keras, str(tmp_path / "gc")) == \
        _keras_keys(v1, tf_keras, str(tmp_path / "tf"))
