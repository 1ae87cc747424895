"""gc.contrib.framework (variables), optimize_loss, summarize_* and slim.learning's
create_train_op against tf_slim on tf.compat.v1: names, collections, filters, assigned
values and training trajectories."""
import numpy as np
import pytest

from tf_parity import tf, v1  # noqa: F401  (skips without TensorFlow)

import graphc as gc
from graphc.contrib import framework_learning as gc_learning
from graphc.contrib import framework_optimizers as gc_opt
from graphc.contrib import framework_summaries as gc_summ

tf_slim = pytest.importorskip("tf_slim")
from tensorflow.python.framework import ops as _tf_ops  # noqa: E402
from tensorflow.python.ops import variable_scope as _tf_vs  # noqa: E402

# tf_slim still names ops.Tensor / ops.IndexedSlices, gone from TF 2.21
for _name in ("Tensor", "IndexedSlices"):
    if not hasattr(_tf_ops, _name):
        setattr(_tf_ops, _name, getattr(tf, _name))
if not hasattr(_tf_vs, "variable"):        # local_variable / global_variable call it
    _tf_vs.variable = v1.Variable

from tf_slim.layers import optimizers as tf_opt, summaries as tf_summ  # noqa: E402


class Lib:
    """One library's pieces under common names."""

    def __init__(self, m, slim, opt, summ, learning):
        self.m, self.slim, self.opt, self.summ, self.learning = m, slim, opt, summ, learning


GC = Lib(gc, gc.contrib.framework, gc_opt, gc_summ, gc_learning)
TF = Lib(v1, tf_slim, tf_opt, tf_summ, tf_slim.learning)


def both(fn):
    """fn(lib) in a fresh graph of each library: (graphc's result, TF's result)."""
    out = []
    for lib in (GC, TF):
        with lib.m.Graph().as_default():
            out.append(fn(lib))
    return out


def names(vs):
    return [v.op.name for v in vs]


def _model(lib):
    m, slim = lib.m, lib.slim
    with m.variable_scope("net"):
        for layer in ("conv1", "conv2", "logits"):
            with m.variable_scope(layer):
                slim.model_variable("weights", [2, 3],
                                    initializer=m.constant_initializer(1.5))
                slim.variable("biases", [3], initializer=m.zeros_initializer(),
                              regularizer=lambda w: m.reduce_sum(w))
    slim.variable("weights", [1], collections=["mine"], trainable=False)
    slim.model_variable("extra", [2], collections=["mine"], dtype=m.float64,
                        initializer=m.ones_initializer())
    slim.local_variable(np.zeros(2, np.float32), name="net/count")
    slim.global_variable(np.int64(3), name="epoch")
    slim.add_model_variable(slim.get_unique_variable("net/conv1/biases"))


COLLECTIONS = ["variables", "trainable_variables", "model_variables", "local_variables",
               "mine"]


def test_variables_collections_and_filters():
    def run(lib):
        _model(lib)
        s, m = lib.slim, lib.m
        out = {k: names(m.get_collection(k)) for k in COLLECTIONS}
        out["dtypes"] = [v.dtype.name for v in m.global_variables()]
        out["shapes"] = [v.shape.as_list() for v in m.global_variables()]
        out["reg"] = len(m.get_collection(m.GraphKeys.REGULARIZATION_LOSSES))
        out["filters"] = [names(x) for x in (
            s.get_variables("net/conv"), s.get_variables(suffix="biases"),
            s.get_variables("net", "ts"), s.get_model_variables("net/logits"),
            s.get_local_variables(), s.get_trainable_variables("net/conv2"),
            s.get_variables_by_name("weights"), s.get_variables_by_name("weights", "net/c"),
            s.get_variables_by_suffix("ases"), s.get_variables_to_restore(),
            s.get_variables_to_restore(exclude=["net/logits", "epoch"]),
            s.get_variables_to_restore(include=["net/conv1", "extra"], exclude=["net/conv1/b"]),
            s.filter_variables(m.global_variables(), ["conv"], ["biases"]),
            s.filter_variables(m.global_variables(), ["conv"], reg_search=False),
            s.filter_variables(m.global_variables(), ["^net/.*s:0$"], reg_search=False))]
        out["unique"] = s.get_unique_variable("net/conv2/weights").op.name
        with m.variable_scope("net") as scope:
            pass
        out["by_scope"] = names(s.get_variables(scope, "weights"))
        with m.Session() as sess:
            sess.run([m.global_variables_initializer(), m.local_variables_initializer()])
            out["values"] = [sess.run(v).tolist() for v in m.global_variables()]
        return out

    g, t = both(run)
    assert g == t


def test_global_step_and_device_chooser():
    def run(lib):
        s = lib.slim
        out = [s.get_global_step() is None, s.assert_or_get_global_step() is None]
        step = s.get_or_create_global_step()
        out += [s.get_global_step().op.name, s.assert_or_get_global_step(None, step).op.name,
                step.dtype.name]
        out.append(s.VariableDeviceChooser(3, job_name="w", replica=1)(None))
        out.append(s.VariableDeviceChooser(device_type="GPU", device_index=1)(None))
        out.append(s.VariableDeviceChooser(2, device_index=None)(None))
        with s.arg_scope([s.variable], device=s.VariableDeviceChooser(2)):
            out.append([s.variable(f"p{i}", [1]).op.device for i in range(3)])
        return out

    g, t = both(run)
    assert g == t


def test_assign_from_values():
    vals = {"net/conv1/weights": np.arange(6.0).reshape(3, 2),   # reshaped to (2, 3)
            "net/logits/biases": np.array([7.0, 8, 9]),
            "net/conv2/b": np.ones(3)}

    def run(lib):
        _model(lib)
        op, feed = lib.slim.assign_from_values(vals)
        fn = lib.slim.assign_from_values_fn({"extra": np.array([1.0, 2.0])})
        m = lib.m
        with m.Session() as sess:
            sess.run([m.global_variables_initializer(), m.local_variables_initializer()])
            sess.run(op, feed)
            fn(sess)
            values = [sess.run(v).tolist()
                      for v in m.global_variables() + m.local_variables()]
        errors = []
        for bad in ({"nope": 1.0}, {"net/conv1": 1.0}):
            try:
                lib.slim.assign_from_values(bad)
            except ValueError as e:
                errors.append(str(e))
        return sorted(p.op.name for p in feed), op.type, op.name, values, errors

    g, t = both(run)
    assert g == t


@pytest.mark.parametrize("writer", ["tf", "gc"])
def test_assign_from_checkpoint(tmp_path, writer):
    """A checkpoint written by one library restored by each with assign_from_checkpoint
    and assign_from_checkpoint_fn."""
    lib_w = TF if writer == "tf" else GC
    rng = np.random.default_rng(0)
    values = {"net/conv1/weights": rng.normal(size=(2, 3)).astype(np.float32),
              "net/conv1/biases": rng.normal(size=3).astype(np.float32),
              "epoch": np.int64(9)}
    with lib_w.m.Graph().as_default():
        vs = [lib_w.m.Variable(v, name=n) for n, v in values.items()]
        with lib_w.m.Session() as sess:
            sess.run(lib_w.m.global_variables_initializer())
            kw = {"write_version": gc.train.SaverDef.V2} if writer == "gc" else {}
            path = lib_w.m.train.Saver(**kw).save(sess, str(tmp_path / "model"))
    del vs

    def run(lib):
        m, s = lib.m, lib.slim
        _model(lib)
        flat = m.Variable(np.zeros(6, np.float32), name="flat")
        missing = s.get_variables_to_restore(include=["net/conv1", "net/conv2", "epoch"])
        op, feed = s.assign_from_checkpoint(path, missing, ignore_missing_vars=True)
        op2, feed2 = s.assign_from_checkpoint(
            path, {"net/conv1/biases": [s.get_unique_variable("net/logits/biases")]})
        fn = s.assign_from_checkpoint_fn(path, {"net/conv1/weights": flat},
                                         reshape_variables=True)
        fn_none = s.assign_from_checkpoint_fn(path, [s.get_unique_variable("extra")],
                                              ignore_missing_vars=True)
        errs = []
        try:
            s.assign_from_checkpoint(path, [s.get_unique_variable("extra")])
        except ValueError as e:
            errs.append(str(e))
        with m.Session() as sess:
            sess.run([m.global_variables_initializer(), m.local_variables_initializer()])
            sess.run(op, feed)
            sess.run(op2, feed2)
            fn(sess)
            out = [sess.run(v).tolist() for v in m.global_variables()]
        return sorted(p.op.name for p in feed), out, fn_none, errs

    g, t = both(run)
    np.testing.assert_equal(g, t)


# ---- optimize_loss -------------------------------------------------------------------
X = np.random.default_rng(1).normal(size=(8, 3)).astype(np.float32)
Y = np.random.default_rng(2).normal(size=(8, 1)).astype(np.float32)


def _problem(m):
    x, y = m.constant(X), m.constant(Y)
    w = m.get_variable("w", [3, 1], initializer=m.constant_initializer(0.3))
    b = m.get_variable("b", [1], initializer=m.constant_initializer(-0.2))
    return m.reduce_mean(m.square(m.matmul(x, w) + b - y))


SETTINGS = {
    "sgd": lambda m: dict(learning_rate=0.1, optimizer="SGD"),
    "adam_clip": lambda m: dict(learning_rate=0.05, optimizer="Adam", clip_gradients=0.1,
                                summaries=["loss", "gradients", "gradient_norm",
                                           "global_gradient_norm", "learning_rate"]),
    "momentum_mult": lambda m: dict(learning_rate=0.05, optimizer="Momentum",
                                    gradient_multipliers={"w:0": 3.0}),
    "adagrad_decay": lambda m: dict(
        learning_rate=0.3, optimizer="Adagrad",
        learning_rate_decay_fn=lambda lr, s: m.train.exponential_decay(lr, s, 2, 0.5)),
    "rmsprop_class": lambda m: dict(learning_rate=0.01, optimizer=m.train.RMSPropOptimizer,
                                    increment_global_step=False, name="rms"),
    "ftrl_fn_clipfn": lambda m: dict(
        learning_rate=None, optimizer=lambda: m.train.FtrlOptimizer(0.5),
        clip_gradients=lambda gv: [(g * 0.5, v) for g, v in gv]),
    "instance_lr_tensor": lambda m: dict(
        learning_rate=m.constant(0.2), optimizer=m.train.GradientDescentOptimizer(0.1)),
}


@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_optimize_loss_trajectory(setting):
    def run(lib):
        m = lib.m
        loss = _problem(m)
        step = m.train.get_or_create_global_step()
        counter = m.Variable(0, name="counter", trainable=False)
        m.add_to_collection(m.GraphKeys.UPDATE_OPS, m.assign_add(counter, 1))
        train = lib.opt.optimize_loss(loss, step, **SETTINGS[setting](m))
        summaries = [s.op.name for s in m.get_collection(m.GraphKeys.SUMMARIES)]
        var_names = [v.op.name for v in m.global_variables()
                     if not v.op.name.endswith(("/Adam", "/Adam_1", "/Momentum", "/Adagrad",
                                                "/RMSProp", "/RMSProp_1", "/Ftrl",
                                                "/Ftrl_1", "_power"))]
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            losses = [float(sess.run(train)) for _ in range(5)]
            final = sess.run(m.trainable_variables() + [step, counter])
        return train.name, summaries, var_names, losses, final

    (gname, gsum, gvars, gl, gf), (tname, tsum, tvars, tl, tfinal) = both(run)
    assert (gname, gsum, gvars) == (tname, tsum, tvars)
    np.testing.assert_allclose(gl, tl, rtol=2e-5, atol=1e-6)
    for a, b in zip(gf, tfinal):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def test_optimize_loss_adaptive_clipping():
    def run(lib):
        m = lib.m
        loss = _problem(m)
        step = m.train.get_or_create_global_step()
        clip = lib.opt.adaptive_clipping_fn(decay=0.5, global_step=step, static_max_norm=1.0,
                                            report_summary=True)
        train = lib.opt.optimize_loss(loss, step, 0.1, "SGD", clip_gradients=clip)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            losses = [float(sess.run(train)) for _ in range(4)]
        return ([v.op.name for v in m.global_variables()],
                [s.op.name for s in m.get_collection(m.GraphKeys.SUMMARIES)], losses)

    (gv, gs, gl), (tv, ts, tl) = both(run)
    assert (gv, gs) == (tv, ts)
    np.testing.assert_allclose(gl, tl, rtol=2e-5)


def test_optimize_loss_errors():
    def run(lib):
        m = lib.m
        loss = _problem(m)
        out = []
        for kwargs in (dict(learning_rate=-0.5, optimizer="SGD"),
                       dict(learning_rate=1, optimizer="SGD"),
                       dict(learning_rate=0.1, optimizer="Nope"),
                       dict(learning_rate=None, optimizer="SGD"),
                       dict(learning_rate=0.1, optimizer="SGD", summaries=["x"]),
                       dict(learning_rate=0.1, optimizer="SGD",
                            learning_rate_decay_fn=lambda lr, s: lr),
                       dict(learning_rate=0.1, optimizer=lambda lr: 1),
                       dict(learning_rate=0.1, optimizer="SGD", clip_gradients=2)):
            try:
                lib.opt.optimize_loss(loss, None, **kwargs)
                out.append(None)
            except ValueError as e:
                out.append(str(e).split(" Got")[0].split("<")[0])
        return out

    g, t = both(run)
    assert g == t


# ---- summaries -----------------------------------------------------------------------
def test_summarize_names():
    def run(lib):
        m, s = lib.m, lib.summ
        x = m.placeholder(m.float32, [4], name="x")
        for a in (m.nn.relu(x), m.nn.relu6(x), m.nn.softplus(x), m.tanh(x)):
            m.add_to_collection(m.GraphKeys.ACTIVATIONS, a)
        m.add_to_collection(m.GraphKeys.WEIGHTS, m.get_variable("W", [2]))
        m.add_to_collection(m.GraphKeys.BIASES, m.get_variable("B", []))
        m.add_to_collection("strs", m.constant("a"))
        out = [[t.op.name for t in s.summarize_activations()],
               [t.op.name for t in s.summarize_activations("Relu")],
               [t.op.name for t in s.summarize_weights()],
               [t.op.name for t in s.summarize_biases()],
               [t.op.name for t in s.summarize_variables()],
               s.summarize_collection("strs"),
               s.summarize_tensor(m.reduce_sum(x), tag="total").op.name,
               [t.op.name for t in s.summarize_tensors([x, m.reduce_max(x)])]]
        out.append([t.op.name for t in m.get_collection(m.GraphKeys.SUMMARIES)])
        return out

    g, t = both(run)
    assert g == t


# ---- slim.learning -------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [dict(), dict(clip_gradient_norm=0.05),
                                    dict(gradient_multipliers={"w": 0.5, "b": 2.0},
                                         summarize_gradients=True),
                                    dict(global_step=None, check_numerics=False)])
def test_create_train_op_trajectory(kwargs):
    def run(lib):
        m = lib.m
        loss = _problem(m)
        counter = m.Variable(0, name="counter", trainable=False)
        m.add_to_collection(m.GraphKeys.UPDATE_OPS, m.assign_add(counter, 1))
        train = lib.learning.create_train_op(loss, m.train.MomentumOptimizer(0.1, 0.5),
                                             **kwargs)
        summaries = [s.op.name for s in m.get_collection(m.GraphKeys.SUMMARIES)]
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            losses = [float(sess.run(train)) for _ in range(4)]
            final = sess.run(m.trainable_variables() + [counter])
        return (train.name, summaries, [v.op.name for v in m.global_variables()],
                losses, final)

    (gn, gs, gv, gl, gf), (tn, ts, tv, tl, tfinal) = both(run)
    assert (gn, gs, gv) == (tn, ts, tv)
    np.testing.assert_allclose(gl, tl, rtol=2e-5, atol=1e-6)
    for a, b in zip(gf, tfinal):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def test_learning_train_loop(tmp_path):
    def run(lib):
        m = lib.m
        loss = _problem(m)
        train = lib.learning.create_train_op(loss, m.train.GradientDescentOptimizer(0.1))
        logdir = str(tmp_path / lib.m.__name__.split(".")[0])
        final = lib.learning.train(train, logdir, number_of_steps=5, log_every_n_steps=0,
                                   save_summaries_secs=0, save_interval_secs=0)
        latest = m.train.latest_checkpoint(logdir)
        return float(final), latest.rsplit("/", 1)[1], \
            int(m.train.load_variable(logdir, "global_step"))

    g, t = both(run)
    assert g[1:] == t[1:]
    np.testing.assert_allclose(g[0], t[0], rtol=1e-5)
