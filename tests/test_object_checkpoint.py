"""gc.train.Checkpoint, CheckpointManager, CheckpointOptions and gc.Module (graph mode).
The expected key sets are those real TF (tf.compat.v1 graph mode, tf_keras) writes."""
import json
import os

import numpy as np
import pytest

import graphc as gc

VAL = "/.ATTRIBUTES/VARIABLE_VALUE"


def keys(path):
    return [n for n, _ in gc.train.list_variables(path)]


def _linear():
    x = gc.placeholder(gc.float32, [None, 3])
    w = gc.get_variable("w", [3, 2])
    b = gc.Variable(gc.zeros([2]), name="b")
    return x, w, b, gc.reduce_sum(gc.matmul(x, w) + b)


def _feed(x):
    return {x: np.arange(6, dtype=np.float32).reshape(2, 3)}


# ---- keys -------------------------------------------------------------------------------
def test_keys_of_variables_optimizers_and_containers(tmp_path):
    with gc.Graph().as_default():
        x, w, b, loss = _linear()
        opt, mom = gc.train.AdamOptimizer(0.1), gc.train.MomentumOptimizer(0.1, 0.9)
        step = gc.train.get_or_create_global_step()
        opt.minimize(loss, global_step=step)
        mom.minimize(loss)
        m = gc.Module(name="mod")
        m.vs = [w, {"z": b, "a": w}]
        ck = gc.train.Checkpoint(optimizer=opt, w=w, mod=m, lst=[b, w], step=step, mom=mom,
                                 dd={"a/b.c": gc.Variable(1.0)})
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            path = ck.save(str(tmp_path / "ck"))
    slot = ".OPTIMIZER_SLOT"
    assert keys(path) == sorted([
        "_CHECKPOINTABLE_OBJECT_GRAPH", "dd/a.Sb..c" + VAL, "lst/0" + VAL,
        f"lst/0/{slot}/mom/momentum" + VAL, f"lst/0/{slot}/optimizer/m" + VAL,
        f"lst/0/{slot}/optimizer/v" + VAL, "optimizer/beta1_power" + VAL,
        "optimizer/beta2_power" + VAL, "save_counter" + VAL, "step" + VAL, "w" + VAL,
        f"w/{slot}/mom/momentum" + VAL, f"w/{slot}/optimizer/m" + VAL,
        f"w/{slot}/optimizer/v" + VAL])
    assert gc.train.load_variable(path, "save_counter" + VAL) == 1
    graph = json.loads(gc.train.load_variable(path, "_CHECKPOINTABLE_OBJECT_GRAPH")[()])
    root = graph["nodes"][0]["children"]
    assert [c["local_name"] for c in root] == ["dd", "lst", "mod", "mom", "optimizer", "step",
                                               "w", "save_counter"]


def test_keras_keys(tmp_path):
    keras = gc.keras
    with gc.Graph().as_default():
        seq = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)),
                                keras.layers.Dropout(0.1), keras.layers.Dense(2),
                                keras.layers.BatchNormalization()])
        inp = keras.Input((3,))
        fm = keras.Model(inp, keras.layers.Dense(1)(keras.layers.Dense(5, name="hid")(inp)))

        class Scale(keras.layers.Layer):
            def build(self, s):
                self.scale_attr = self.add_weight("w", shape=(int(s[-1]),),
                                                  initializer="ones")

            def call(self, x):
                return x * self.scale_attr
        sc = Scale()
        sc(gc.placeholder(gc.float32, [None, 3]))
        ck = gc.train.Checkpoint(model=seq, fm=fm, sc=sc)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            path = ck.write(str(tmp_path / "k"))
    lw = "layer_with_weights-"
    assert path == str(tmp_path / "k")
    assert keys(path) == sorted(
        ["_CHECKPOINTABLE_OBJECT_GRAPH", "sc/w" + VAL]
        + [f"fm/{lw}{i}/{n}" + VAL for i in (0, 1) for n in ("kernel", "bias")]
        + [f"model/{lw}{i}/{n}" + VAL for i in (0, 1) for n in ("kernel", "bias")]
        + [f"model/{lw}2/{n}" + VAL for n in ("gamma", "beta", "moving_mean",
                                             "moving_variance")])
    assert not os.path.exists(tmp_path / "checkpoint")    # write() records no state


# ---- save -------------------------------------------------------------------------------
def test_save_counts_and_records_state(tmp_path):
    with gc.Graph().as_default():
        v = gc.Variable(np.arange(3.0), name="v")
        ck = gc.train.Checkpoint(v=v)
        with gc.Session() as s:
            s.run(v.initializer)
            prefix = str(tmp_path / "sub" / "run")      # the directory is made
            assert ck.save(prefix) == prefix + "-1"
            assert ck.save(prefix) == prefix + "-2"
            assert s.run(ck.save_counter) == 2 and ck.save_counter.dtype == gc.int64
            assert ck.save_counter in gc.global_variables()
    assert gc.train.latest_checkpoint(str(tmp_path / "sub")) == prefix + "-2"
    state = gc.train.get_checkpoint_state(str(tmp_path / "sub"))
    assert state.all_model_checkpoint_paths == [prefix + "-2"]     # TF: only the latest
    np.testing.assert_array_equal(gc.train.load_variable(prefix + "-1", "v" + VAL),
                                  np.arange(3.0))


def test_save_errors(tmp_path):
    with gc.Graph().as_default():
        v = gc.Variable(1.0, name="v")
        ck = gc.train.Checkpoint(v=v)
        with pytest.raises(gc.errors.GraphcError, match="no default session"):
            ck.save(str(tmp_path / "a"))
        with gc.Session():
            with pytest.raises(gc.errors.UninitializedVariableError, match="'v'"):
                ck.save(str(tmp_path / "a"))
            with pytest.raises(TypeError, match="CheckpointOptions"):
                ck.write(str(tmp_path / "a"), options={"x": 1})
    with pytest.raises(ValueError, match="expecting a trackable object.*got 3"):
        gc.train.Checkpoint(a=3)
    with pytest.raises(ValueError, match="expecting a trackable"):
        gc.train.Checkpoint(a=np.zeros(2))


def test_options_are_kept(tmp_path):
    opts = gc.train.CheckpointOptions(experimental_io_device="/job:localhost",
                                      enable_async=True)
    assert opts.experimental_io_device == "/job:localhost" and opts.enable_async
    assert opts.experimental_skip_slot_variables is False
    with gc.Graph().as_default():
        v = gc.Variable(2.0)
        with gc.Session() as s:
            s.run(v.initializer)
            path = gc.train.Checkpoint(v=v).save(str(tmp_path / "o"), options=opts)
    assert gc.train.load_variable(path, "v" + VAL) == 2.0


# ---- restore ----------------------------------------------------------------------------
def _saved_adam(tmp_path):
    with gc.Graph().as_default():
        x, w, b, loss = _linear()
        opt = gc.train.AdamOptimizer(0.1)
        step = gc.train.get_or_create_global_step()
        train = opt.minimize(loss, global_step=step)
        ck = gc.train.Checkpoint(optimizer=opt, w=w, b=b, step=step)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            s.run(train, _feed(x))
            s.run(train, _feed(x))
            path = ck.save(str(tmp_path / "adam"))
            want = s.run([w, b, opt.get_slot(w, "m"), opt.get_slot(b, "v")])
    return path, want


def test_restore_defers_slots_until_they_exist(tmp_path):
    path, want = _saved_adam(tmp_path)
    with gc.Graph().as_default():
        x, w, b, loss = _linear()
        opt = gc.train.AdamOptimizer(0.1)
        step = gc.train.get_or_create_global_step()
        ck = gc.train.Checkpoint(optimizer=opt, w=w, b=b, step=step)
        status = ck.restore(path)
        assert status.assert_existing_objects_matched() is status
        status.assert_nontrivial_match()
        with pytest.raises(AssertionError, match=r"Unresolved object in checkpoint "
                                                 r"\(root\).optimizer.beta1_power"):
            status.assert_consumed()
        train = opt.minimize(loss, global_step=step)      # slots made after restore()
        assert status.assert_consumed() is status
        with gc.Session() as s:
            status.run_restore_ops()
            got = s.run([w, b, opt.get_slot(w, "m"), opt.get_slot(b, "v"), step,
                         ck.save_counter])
            for g, e in zip(got, want):
                np.testing.assert_array_equal(g, e)
            assert got[4:] == [2, 1]
            s.run(train, _feed(x))                  # every variable has a value
            assert ck.save(str(tmp_path / "adam")).endswith("adam-2")


def test_restore_into_keras_layer_built_later(tmp_path):
    keras = gc.keras
    with gc.Graph().as_default():
        model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            kernel = s.run(model.layers[0].kernel)
            path = gc.train.Checkpoint(model=model).save(str(tmp_path / "m"))
    with gc.Graph().as_default():
        layer = keras.layers.Dense(2)
        ck = gc.train.Checkpoint(model=keras.Sequential([layer]))
        status = ck.restore(path)
        with pytest.raises(AssertionError, match="Unresolved object"):
            status.assert_consumed()
        ck.model.build((None, 3))
        status.assert_consumed()
        with gc.Session() as s:
            status.run_restore_ops(s)
            np.testing.assert_array_equal(s.run(layer.kernel), kernel)


def test_unmatched_objects_and_initialize_or_restore(tmp_path):
    path, want = _saved_adam(tmp_path)
    with gc.Graph().as_default():
        x, w, b, loss = _linear()
        extra = gc.Variable(5.0, name="extra")
        ck = gc.train.Checkpoint(w=w, b=b, extra=extra)
        status = ck.restore(path)
        with pytest.raises(AssertionError, match=r"Found 1 Python objects that were not "
                                                 r"bound.*'extra:0'.*\(root\).extra"):
            status.assert_existing_objects_matched()
        with pytest.raises(AssertionError, match="Found 1 Python objects"):
            status.assert_consumed()
        status.expect_partial().assert_nontrivial_match()
        with gc.Session() as s:
            status.initialize_or_restore(s)
            np.testing.assert_array_equal(s.run(w), want[0])
            assert s.run(extra) == 5.0 and s.run(ck.save_counter) == 1


def test_nontrivial_and_mismatches(tmp_path):
    path, _ = _saved_adam(tmp_path)
    with gc.Graph().as_default():
        status = gc.train.Checkpoint(other=gc.Variable(1.0)).restore(path)
        status.assert_nontrivial_match()        # save_counter matched (as in TF)
        with pytest.raises(AssertionError, match="not bound"):
            status.assert_existing_objects_matched()
    with gc.Graph().as_default():
        w = gc.Variable(np.zeros((2, 2), np.float32), name="w")
        status = gc.train.Checkpoint(w=w).restore(path)
        with gc.Session() as s:
            with pytest.raises(gc.errors.ShapeError, match=r"'w'.*shape \(3, 2\)"):
                status.run_restore_ops(s)
    with gc.Graph().as_default():
        w = gc.Variable(np.zeros((3, 2), np.float64), name="w")
        with gc.Session() as s:
            with pytest.raises(gc.errors.DTypeError, match="never casts"):
                gc.train.Checkpoint(w=w).restore(path).run_restore_ops(s)
    with gc.Graph().as_default():
        ck = gc.train.Checkpoint(w=gc.Module(name="not_a_variable"))
        with pytest.raises(AssertionError, match="holds a variable at"):
            ck.restore(path).assert_existing_objects_matched()
    with pytest.raises(gc.errors.NotFoundError, match="no checkpoint"):
        gc.train.Checkpoint().restore(str(tmp_path / "missing"))


def test_restore_none_initializes(tmp_path):
    with gc.Graph().as_default():
        v = gc.Variable(3.0)
        ck = gc.train.Checkpoint(v=v)
        status = ck.restore(None)
        for check in (status.assert_consumed, status.assert_existing_objects_matched,
                      status.assert_nontrivial_match):
            with pytest.raises(AssertionError, match="save_path=None"):
                check()
        with gc.Session() as s:
            status.run_restore_ops(s)
            status.initialize_or_restore(s)
            assert s.run([v, ck.save_counter]) == [3.0, 0]


def test_restore_name_based_saver_checkpoint(tmp_path):
    with gc.Graph().as_default():
        v = gc.Variable(np.arange(4.0), name="dense/v")
        with gc.Session() as s:
            s.run(v.initializer)
            path = gc.train.Saver([v]).save(s, str(tmp_path / "saver"))
    with gc.Graph().as_default():
        v = gc.Variable(np.zeros(4), name="dense/v")
        other = gc.Variable(7.0, name="other")
        ck = gc.train.Checkpoint(model=[v, other])
        status = ck.restore(path)
        assert type(status).__name__ == "NameBasedSaverStatus"
        with pytest.raises(AssertionError, match="not bound"):
            status.assert_consumed()
        with gc.Session() as s:
            status.initialize_or_restore(s)
            np.testing.assert_array_equal(s.run(v), np.arange(4.0))
            assert s.run(other) == 7.0


# ---- CheckpointManager -------------------------------------------------------------------
def test_manager_keeps_max_to_keep(tmp_path):
    d = str(tmp_path / "mgr")
    with gc.Graph().as_default():
        v = gc.Variable(np.arange(3.0), name="v")
        ck = gc.train.Checkpoint(v=v)
        mgr = gc.train.CheckpointManager(ck, d, max_to_keep=2)
        assert mgr.latest_checkpoint is None and mgr.checkpoints == []
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            paths = [mgr.save() for _ in range(4)]
            assert paths == [os.path.join(d, f"ckpt-{i}") for i in range(1, 5)]
            assert mgr.save(checkpoint_number=10) == os.path.join(d, "ckpt-10")
            assert s.run(ck.save_counter) == 5
    assert mgr.checkpoints == [os.path.join(d, "ckpt-4"), os.path.join(d, "ckpt-10")]
    assert mgr.latest_checkpoint == gc.train.latest_checkpoint(d) == os.path.join(d, "ckpt-10")
    assert sorted(os.listdir(d)) == ["checkpoint", "ckpt-10.npz", "ckpt-4.npz"]
    assert gc.train.get_checkpoint_state(d).all_model_checkpoint_paths == mgr.checkpoints
    with gc.Graph().as_default():
        v = gc.Variable(np.zeros(3), name="v")
        mgr2 = gc.train.CheckpointManager(gc.train.Checkpoint(v=v), d, max_to_keep=2,
                                          checkpoint_name="ckpt")
        assert mgr2.checkpoints == mgr.checkpoints          # adopted from the state file
        with gc.Session() as s:
            assert mgr2.restore_or_initialize() == os.path.join(d, "ckpt-10")
            np.testing.assert_array_equal(s.run(v), np.arange(3.0))
            mgr2.save()
        assert not os.path.exists(os.path.join(d, "ckpt-4.npz"))


def test_manager_interval_init_fn_and_errors(tmp_path):
    d = str(tmp_path / "m2")
    with gc.Graph().as_default():
        step = gc.train.get_or_create_global_step()
        ck = gc.train.Checkpoint(step=step)
        calls = []
        mgr = gc.train.CheckpointManager(ck, d, max_to_keep=None, step_counter=step,
                                         checkpoint_interval=5,
                                         init_fn=lambda: calls.append(1))
        assert mgr.restore_or_initialize() is None and calls == [1]
        inc = step.assign_add(3)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            got = []
            for _ in range(5):
                got.append(mgr.save(checkpoint_number=step))
                s.run(inc)
        assert [os.path.basename(p) if p else p for p in got] == [
            "ckpt-0", None, "ckpt-6", None, "ckpt-12"]
        assert len(mgr.checkpoints) == 3 and mgr.checkpoint_interval == 5
        with pytest.raises(ValueError, match="positive integer or `None`.*got 0"):
            gc.train.CheckpointManager(ck, d, max_to_keep=0)
        with pytest.raises(ValueError, match="`step_counter` should be passed"):
            gc.train.CheckpointManager(ck, d, max_to_keep=2, checkpoint_interval=3)
        with pytest.raises(TypeError, match="gc.train.Checkpoint"):
            gc.train.CheckpointManager(step, d, max_to_keep=2)


# ---- Module -------------------------------------------------------------------------------
class Dense(gc.Module):
    def __init__(self, i, o, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.w = gc.Variable(gc.ones([i, o]), name="w")
            self.b = gc.Variable(gc.zeros([o]), name="b", trainable=False)

    @gc.Module.with_name_scope
    def __call__(self, x):
        return gc.matmul(x, self.w) + self.b


class MLP(gc.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.layers = [Dense(3, 4), Dense(4, 2, name="out")]
            self.extra = {"zz": gc.Variable(1.0, name="zz"), "aa": gc.Variable(2.0, name="aa")}
            self.tup = (gc.Variable(3.0, name="t"),)


def test_module_names_variables_and_scopes():
    with gc.Graph().as_default():
        m = MLP()
        assert (m.name, m.name_scope.name) == ("mlp", "mlp/")
        assert [v.name for v in m.variables] == [
            "mlp/aa:0", "mlp/zz:0", "mlp/t:0", "mlp/dense/b:0", "mlp/dense/w:0",
            "mlp/out/b:0", "mlp/out/w:0"]
        assert [v.name for v in m.trainable_variables] == [
            "mlp/aa:0", "mlp/zz:0", "mlp/t:0", "mlp/dense/w:0", "mlp/out/w:0"]
        assert [v.name for v in m.non_trainable_variables] == ["mlp/dense/b:0",
                                                               "mlp/out/b:0"]
        assert [s.name for s in m.submodules] == ["dense", "out"]
        assert isinstance(m.variables, tuple)
        y = m.layers[0](gc.placeholder(gc.float32, [None, 3]))
        assert y.name.startswith("mlp/dense/")
        paths = [p for p, _ in m._flatten(predicate=lambda x: isinstance(x, gc.Variable),
                                         with_path=True)]
        assert paths[:3] == [("extra", "aa"), ("extra", "zz"), ("tup", 0)]
        assert ("layers", 0, "w") in paths
        assert gc.Module().name == "module"
        assert type("HTTPServerModule", (gc.Module,), {})().name == "http_server_module"
        for bad in ["a b", "1x", "", 3]:
            with pytest.raises(ValueError, match="not a valid module name"):
                gc.Module(name=bad)


def test_module_cycles_and_keras_submodules():
    with gc.Graph().as_default():
        a, b = gc.Module(name="a"), gc.Module(name="b")
        a.child, b.parent = b, a            # a cycle: each module visited once
        b.v = gc.Variable(1.0, name="v")
        assert [v.name for v in a.variables] == ["v:0"]
        dense = gc.keras.layers.Dense(2)
        dense(gc.placeholder(gc.float32, [None, 3]))
        a.dense = dense
        assert dense in a.submodules
        assert set(v.name for v in a.variables) >= {"dense/kernel:0", "dense/bias:0"}


def test_module_checkpoint_keys_and_roundtrip(tmp_path):
    with gc.Graph().as_default():
        m = MLP()
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            m.layers[1].w.load(np.full((4, 2), 7.0, np.float32), s)
            path = gc.train.Checkpoint(model=m).save(str(tmp_path / "mod"))
    assert keys(path) == sorted(
        ["_CHECKPOINTABLE_OBJECT_GRAPH", "model/extra/aa" + VAL, "model/extra/zz" + VAL,
         "model/layers/0/b" + VAL, "model/layers/0/w" + VAL, "model/layers/1/b" + VAL,
         "model/layers/1/w" + VAL, "model/tup/0" + VAL, "save_counter" + VAL])
    with gc.Graph().as_default():
        m = MLP()
        status = gc.train.Checkpoint(model=m).restore(path).assert_consumed()
        with gc.Session() as s:
            status.run_restore_ops(s)
            np.testing.assert_array_equal(s.run(m.layers[1].w), np.full((4, 2), 7.0))


def test_doc_blocks_run(tmp_path, monkeypatch, capsys):
    """docs/object-checkpoints.md's python blocks run in order, in one namespace."""
    import re
    doc = os.path.join(os.path.dirname(__file__), "..", "docs", "object-checkpoints.md")
    with open(doc, encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    gc.reset_default_graph()
    for i, block in enumerate(blocks):
        exec(compile(block, f"object-checkpoints.md[{i}]", "exec"), namespace)
    gc.reset_default_graph()
    out = capsys.readouterr().out.split("\n")
    assert out[1] == "1" and out[2] == os.path.join("ckpt", "ckpt-1")
    assert out[3] == os.path.join("ckpt", "ckpt-2")
    assert out[5].startswith("mlp [")
