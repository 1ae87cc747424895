"""gc.contrib.framework's variable helpers, optimize_loss, the summarize_* functions and
slim.learning's create_train_op / train (no TensorFlow needed)."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import framework as fw
from graphc.contrib import framework_learning as learning
from graphc.contrib import framework_training as training
from graphc.contrib.framework_optimizers import (OPTIMIZER_SUMMARIES, adaptive_clipping_fn,
                                                 optimize_loss)
from graphc.contrib import framework_summaries as summ


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default() as g:
        yield g


def names(vs):
    return [v.op.name for v in vs]


# ---- making variables ----------------------------------------------------------------
def test_model_variable_collections_and_defaults():
    with gc.variable_scope("conv1"):
        w = fw.model_variable("weights", [2, 3])
        b = fw.variable("biases", [3], initializer=gc.zeros_initializer())
    assert w.op.name == "conv1/weights" and w.dtype == gc.float32 and b.dtype == gc.float32
    assert names(gc.get_collection("model_variables")) == ["conv1/weights"]
    assert names(gc.global_variables()) == ["conv1/weights", "conv1/biases"]
    assert names(gc.trainable_variables()) == ["conv1/weights", "conv1/biases"]
    fw.model_variable("extra", [1], collections=["mine"], trainable=False)
    assert names(gc.get_collection("mine")) == ["extra"]
    assert "extra" not in names(gc.trainable_variables())


def test_variable_collections_and_arg_scope_device():
    fw.variable("v", [2], collections=["a", "a", "b"])
    assert names(gc.get_collection("a")) == ["v"] and names(gc.get_collection("b")) == ["v"]
    assert gc.global_variables() == []          # collections given: not "variables"
    with fw.arg_scope([fw.model_variable], device="/cpu:0"):
        m = fw.model_variable("m", [1])
    assert "CPU:0" in m.op.device
    chooser = fw.VariableDeviceChooser(2)
    with fw.arg_scope([fw.variable], device=chooser):
        p0, p1, p2 = (fw.variable(f"p{i}", [1]) for i in range(3))
    assert [p.op.device for p in (p0, p1, p2)] == [
        "/job:ps/task:0/device:CPU:0", "/job:ps/task:1/device:CPU:0",
        "/job:ps/task:0/device:CPU:0"]
    assert fw.has_arg_scope(fw.variable) and fw.has_arg_scope(fw.model_variable)


def test_variable_custom_getter_gets_reuse():
    seen = {}

    def getter(name, reuse=None, **kwargs):
        seen["reuse"] = reuse
        return gc.get_variable(name, **kwargs)

    with gc.variable_scope("s", reuse=gc.AUTO_REUSE):
        a = fw.variable("x", [2], custom_getter=getter)
        b = fw.variable("x", [2], custom_getter=getter)
    assert a is b and seen["reuse"] is gc.AUTO_REUSE


def test_local_global_variable():
    c = fw.local_variable(0, name="count")
    g = fw.global_variable([1.0, 2.0], name="gv")
    assert names(gc.local_variables()) == ["count"]
    assert names(gc.global_variables()) == ["gv"] and gc.trainable_variables() == []
    fw.add_model_variable(g)
    fw.add_model_variable(g)
    assert names(gc.get_collection("model_variables")) == ["gv"]
    with gc.Session() as s:
        s.run([gc.global_variables_initializer(), gc.local_variables_initializer()])
        assert s.run(c) == 0 and s.run(g).tolist() == [1.0, 2.0]


# ---- finding variables ---------------------------------------------------------------
def _model():
    with gc.variable_scope("net") as scope:
        for layer in ("conv1", "conv2", "logits"):
            with gc.variable_scope(layer):
                fw.model_variable("weights", [2])
                fw.model_variable("biases", [2])
    fw.variable("weights", [1])
    fw.local_variable(0, name="net/count")
    return scope


def test_get_variables_filters():
    scope = _model()
    assert names(fw.get_variables("net/conv1")) == ["net/conv1/weights", "net/conv1/biases"]
    assert names(fw.get_variables(scope, suffix="biases")) == [
        "net/conv1/biases", "net/conv2/biases", "net/logits/biases"]
    assert names(fw.get_variables_by_suffix("ases", "net/l")) == ["net/logits/biases"]
    assert len(fw.get_variables_by_suffix("ts")) == 4      # every .../weights
    assert names(fw.get_variables_by_name("weights")) == [
        "net/conv1/weights", "net/conv2/weights", "net/logits/weights", "weights"]
    # as TF's: the '|' makes "^weights:" match outside the scope too
    assert names(fw.get_variables_by_name("weights", scope="net/conv2")) == [
        "net/conv2/weights", "weights"]
    assert len(fw.get_model_variables()) == 6 and len(fw.get_trainable_variables()) == 7
    assert names(fw.get_local_variables("net")) == ["net/count"]
    assert names(fw.get_model_variables("net/logits", "weights")) == ["net/logits/weights"]


def test_get_variables_to_restore_and_unique():
    _model()
    assert names(fw.get_variables_to_restore(exclude=["net/logits", "weights"])) == [
        "net/conv1/weights", "net/conv1/biases", "net/conv2/weights", "net/conv2/biases"]
    assert names(fw.get_variables_to_restore(include=["net/conv2"], exclude=("net/conv2/b",))
                 ) == ["net/conv2/weights"]
    with pytest.raises(TypeError, match="include is provided"):
        fw.get_variables_to_restore(include="net")
    with pytest.raises(TypeError, match="exclude is provided"):
        fw.get_variables_to_restore(exclude="net")
    assert fw.get_unique_variable("net/conv1/weights").op.name == "net/conv1/weights"
    with pytest.raises(ValueError, match="Couldn't find variable nope"):
        fw.get_unique_variable("nope")
    with pytest.raises(ValueError, match="does not uniquely identify"):
        fw.get_unique_variable("net/conv1")


def test_filter_variables():
    _model()
    mv = fw.get_model_variables()
    assert names(fw.filter_variables(mv, ["conv"], ["biases"])) == [
        "net/conv1/weights", "net/conv2/weights"]
    assert fw.filter_variables(mv, ["conv"], reg_search=False) == []
    assert len(fw.filter_variables(mv, ["^net"], reg_search=False)) == 6
    assert fw.filter_variables(mv) == mv


def test_global_step_helpers():
    assert fw.get_global_step() is None and fw.assert_or_get_global_step() is None
    step = fw.get_or_create_global_step()
    assert fw.get_global_step() is step and fw.assert_or_get_global_step() is step
    assert fw.assert_or_get_global_step(global_step_tensor=step) is step
    with pytest.raises(ValueError):
        fw.create_global_step()
    with pytest.raises(TypeError):
        fw.assert_or_get_global_step(global_step_tensor=gc.constant(1.0))
    assert fw.get_or_create_global_step is gc.train.get_or_create_global_step


# ---- assigning -----------------------------------------------------------------------
def test_assign_from_values():
    _model()
    op, feed = fw.assign_from_values({"net/conv1/weights": np.array([[1.0], [2.0]]),
                                      "^weights": np.array([5.0])})
    assert sorted(p.op.name for p in feed) == ["placeholder/net/conv1/weights",
                                               "placeholder/weights"]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        fn = fw.assign_from_values_fn({"net/conv2/biases": [7.0, 8.0]})
        s.run(op, feed)
        fn(s)
        assert s.run(fw.get_unique_variable("net/conv1/weights")).tolist() == [1.0, 2.0]
        assert s.run(fw.get_unique_variable("weights")).tolist() == [5.0]
        assert s.run(fw.get_unique_variable("net/conv2/biases")).tolist() == [7.0, 8.0]
    with pytest.raises(ValueError, match="Variable nope wasn't found"):
        fw.assign_from_values({"nope": 1.0})
    with pytest.raises(ValueError, match="doesn't uniquely identify"):
        fw.assign_from_values({"net/conv1": [1.0, 2.0]})


def _checkpoint(tmp_path, write_version=None):
    with gc.Graph().as_default():
        gc.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="a")
        gc.Variable(np.float32(3.5), name="s/b")
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            return gc.train.Saver(write_version=write_version).save(s, str(tmp_path / "m"))


@pytest.mark.parametrize("version", [None, "V2"])
def test_assign_from_checkpoint(tmp_path, version):
    path = _checkpoint(tmp_path, gc.train.SaverDef.V2 if version else None)
    a = gc.Variable(np.zeros((2, 3), np.float32), name="a")
    b2 = gc.Variable(np.float32(0), name="other")
    op, feed = fw.assign_from_checkpoint(path, [a])
    op2, feed2 = fw.assign_from_checkpoint(path, {"s/b": b2, "a": [a]})
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(op, feed)
        np.testing.assert_array_equal(s.run(a), np.arange(6).reshape(2, 3))
        s.run(a.initializer)
        s.run(op2, feed2)
        assert s.run(b2) == 3.5 and s.run(a)[1, 2] == 5
    with pytest.raises(ValueError, match=r"Checkpoint is missing variable \[other\]"):
        fw.assign_from_checkpoint(path, [b2])
    op3, feed3 = fw.assign_from_checkpoint(path, [b2, a], ignore_missing_vars=True)
    assert [p.op.name.rsplit("_", 1)[0] for p in feed3] == ["placeholder/a"]
    wrong = gc.Variable(np.zeros((3, 2), np.float32), name="w")
    with pytest.raises(ValueError, match="Total size of new array must be unchanged for a"):
        fw.assign_from_checkpoint(path, {"a": wrong})


def test_assign_from_checkpoint_partitioned(tmp_path):
    path = _checkpoint(tmp_path)
    pv = gc.get_variable("a", [2, 3], partitioner=gc.fixed_size_partitioner(2, axis=1))
    parts = list(pv)
    assert fw.get_variable_full_name(parts[1]) == "a"
    op, feed = fw.assign_from_checkpoint(path, parts)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(op, feed)
        np.testing.assert_array_equal(np.concatenate(s.run(parts), axis=1),
                                      np.arange(6).reshape(2, 3))


def test_assign_from_checkpoint_fn(tmp_path):
    path = _checkpoint(tmp_path)
    a = gc.Variable(np.zeros((2, 3), np.float32), name="a")
    c = gc.Variable(np.float32(1), name="c")
    flat = gc.Variable(np.zeros(6, np.float32), name="flat")
    with pytest.raises(ValueError, match="var_list cannot be empty"):
        fw.assign_from_checkpoint_fn(path, [])
    assert fw.assign_from_checkpoint_fn(path, [c], ignore_missing_vars=True) is None
    fn = fw.assign_from_checkpoint_fn(path, [a, c], ignore_missing_vars=True)
    fn_flat = fw.assign_from_checkpoint_fn(path, {"a": flat}, reshape_variables=True)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        fn(s)
        fn_flat(s)
        assert s.run(a)[1, 1] == 4 and s.run(c) == 1
        assert s.run(flat).tolist() == list(range(6))


# ---- optimize_loss -------------------------------------------------------------------
def _problem():
    x = gc.constant([[1.0, 2.0], [3.0, 4.0]])
    w = gc.get_variable("w", [2, 1], initializer=gc.constant_initializer(0.5))
    b = gc.get_variable("b", [1], initializer=gc.zeros_initializer())
    return w, b, gc.reduce_sum(gc.square(gc.matmul(x, w) + b - 1.0))


def _run(train, steps=3, extra=()):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        losses = [float(s.run(train)) for _ in range(steps)]
        return losses, s.run(list(extra))


def test_optimize_loss_sgd_matches_numpy():
    w, b, loss = _problem()
    step = gc.train.get_or_create_global_step()
    train = optimize_loss(loss, step, 0.01, "SGD")
    assert train.name == "OptimizeLoss/control_dependency:0"
    assert "OptimizeLoss/learning_rate" in names(gc.global_variables())
    assert [t.op.name for t in gc.get_collection("summaries")] == [
        "OptimizeLoss/global_norm/gradient_norm", "OptimizeLoss/loss"]
    losses, (wv, bv, sv) = _run(train, 3, [w, b, step])
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    W, B = np.full((2, 1), 0.5), np.zeros(1)
    for i in range(3):
        r = x @ W + B - 1.0
        assert losses[i] == pytest.approx((r ** 2).sum(), rel=1e-5)
        W, B = W - 0.01 * 2 * x.T @ r, B - 0.01 * 2 * r.sum(0)
    np.testing.assert_allclose(wv, W, rtol=1e-5)
    assert sv == 3


def test_optimize_loss_options():
    w, b, loss = _problem()
    step = gc.train.get_or_create_global_step()
    upd = gc.Variable(0, name="upd")
    gc.add_to_collection(gc.GraphKeys.UPDATE_OPS, upd.assign_add(1))
    train = optimize_loss(loss, step, 0.1, gc.train.MomentumOptimizer(0.05, 0.9),
                          clip_gradients=1.0, gradient_multipliers={w: 0.0},
                          summaries=OPTIMIZER_SUMMARIES, increment_global_step=False,
                          name="opt")
    tags = [t.op.name for t in gc.get_collection("summaries")]
    assert "opt/global_norm/clipped_gradient_norm" in tags and "opt/gradients/w_0" in tags
    losses, (wv, sv, uv) = _run(train, 2, [w, step, upd])
    np.testing.assert_array_equal(wv, np.full((2, 1), 0.5))     # multiplier 0
    assert sv == 0 and uv == 2 and losses[1] < losses[0]


def test_optimize_loss_optimizer_kinds_and_decay():
    w, b, loss = _problem()
    step = gc.train.get_or_create_global_step()
    decay = lambda lr, s: gc.train.exponential_decay(lr, s, 1, 0.5)  # noqa: E731
    t1 = optimize_loss(loss, step, 0.01, gc.train.GradientDescentOptimizer,
                       learning_rate_decay_fn=decay, name="a")
    t2 = optimize_loss(loss, step, 0.01, lambda lr: gc.train.AdamOptimizer(lr), name="b",
                       summaries=["learning_rate"])
    t3 = optimize_loss(loss, None, None, lambda: gc.train.AdagradOptimizer(0.1), name="c",
                       clip_gradients=adaptive_clipping_fn(global_step=step))
    assert "a/learning_rate_1" in [t.op.name for t in gc.get_collection("summaries")]
    assert "c/AdaptiveMaxNorm/mean" in names(gc.global_variables())
    for t in (t1, t2, t3):
        losses, _ = _run(t, 2)
        assert losses[1] < losses[0]


def test_optimize_loss_noise_changes_gradients():
    w, b, loss = _problem()
    gc.set_random_seed(1)
    train = optimize_loss(loss, None, 0.01, "SGD", gradient_noise_scale=10.0)
    _, (w1,) = _run(train, 1, [w])
    with gc.Graph().as_default():
        w, b, loss = _problem()
        _, (w2,) = _run(optimize_loss(loss, None, 0.01, "SGD"), 1, [w])
    assert not np.allclose(w1, w2)


def test_optimize_loss_errors():
    w, b, loss = _problem()
    with pytest.raises(ValueError, match="Expected scalar"):
        optimize_loss(gc.stack([loss, loss]), None, 0.1, "SGD")
    with pytest.raises(ValueError, match="Invalid learning_rate -1.0"):
        optimize_loss(loss, None, -1.0, "SGD")
    with pytest.raises(ValueError, match="Learning rate should be 0d Tensor or float"):
        optimize_loss(loss, None, 1, "SGD")
    with pytest.raises(ValueError, match="Optimizer name should be one of"):
        optimize_loss(loss, None, 0.1, "Nope")
    with pytest.raises(ValueError, match="Learning rate is None"):
        optimize_loss(loss, None, None, "SGD")
    with pytest.raises(ValueError, match="Summaries should be one of"):
        optimize_loss(loss, None, 0.1, "SGD", summaries=["bad"])
    with pytest.raises(ValueError, match="global_step is required"):
        optimize_loss(loss, None, 0.1, "SGD", learning_rate_decay_fn=lambda lr, s: lr)
    with pytest.raises(ValueError, match="function should return subclass of Optimizer"):
        optimize_loss(loss, None, 0.1, lambda lr: 3)
    with pytest.raises(ValueError, match="Unrecognized optimizer"):
        optimize_loss(loss, None, 0.1, 3)
    with pytest.raises(ValueError, match="Unknown type"):
        optimize_loss(loss, None, 0.1, "SGD", clip_gradients=1)
    with pytest.raises(TypeError):
        optimize_loss(loss, gc.constant(1.0), 0.1, "SGD")


# ---- summaries -----------------------------------------------------------------------
def test_summarize_tensor_and_collection():
    x = gc.placeholder(gc.float32, [2, 3], name="x")
    m = gc.reduce_mean(x, name="m")
    assert summ.summarize_tensor(m).op.name == "m_summary"
    assert summ.summarize_tensor(x, tag="hx").op.name == "hx"
    assert summ.summarize_tensor(gc.constant("s")) is None
    assert summ.summarize_tensor(gc.constant(True)) is None
    fw.model_variable("conv/w", [2])
    fw.model_variable("fc/w", [2])
    out = summ.summarize_variables(name_filter="conv")
    assert [t.op.name for t in out] == ["conv/w_summary"]
    gc.add_to_collection(gc.GraphKeys.BIASES, gc.constant([1.0], name="bias"))
    assert [t.op.name for t in summ.summarize_biases()] == ["bias_summary"]
    assert summ.summarize_weights() == []


def test_summarize_activation():
    x = gc.placeholder(gc.float32, [4], name="x")
    r, r6, t = gc.nn.relu(x), gc.nn.relu6(x), gc.tanh(x)
    for a in (r, r6, t):
        gc.add_to_collection(gc.GraphKeys.ACTIVATIONS, a)
    out = summ.summarize_activations()
    assert [o.op.name for o in out] == ["Relu/activation", "Relu6/activation",
                                        "Tanh/activation"]
    tags = [s.op.name for s in gc.get_collection("summaries")]
    assert tags == ["Relu/zeros", "Relu/activation", "Relu6/zeros", "Relu6/sixes",
                    "Relu6/activation", "Tanh/activation"]
    with gc.Session() as s:
        frac = gc.get_default_graph().get_tensor_by_name("Relu6/sixes:0").op.inputs[0]
        assert s.run(frac, {x: [-1.0, 7.0, 8.0, 1.0]}) == 0.5


# ---- slim.training / slim.learning ---------------------------------------------------
def test_gradient_helpers():
    w, b, loss = _problem()
    opt = gc.train.GradientDescentOptimizer(0.1)
    gv = opt.compute_gradients(loss)
    clipped = training.clip_gradient_norms(gv, 0.5)
    multiplied = training.multiply_gradients(gv, {"w": 2.0, b: 0.0})
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        g, c, m = s.run([[g for g, _ in gv], [g for g, _ in clipped],
                         [g for g, _ in multiplied]])
    assert np.linalg.norm(c[0]) == pytest.approx(0.5, rel=1e-5)
    np.testing.assert_allclose(m[0], 2 * g[0])
    assert m[1].tolist() == [0.0]
    with pytest.raises(ValueError, match="must be a list"):
        training.multiply_gradients(tuple(gv), {"w": 1.0})
    with pytest.raises(ValueError, match="is empty"):
        training.multiply_gradients(gv, {})
    with pytest.raises(ValueError, match="Requested multiple of `None` gradient"):
        training.multiply_gradients([(None, w)], {"w": 1.0})
    sums = training.add_gradients_summaries(gv + [(None, w)])
    assert [t.op.name for t in sums] == ["w_gradient", "w_gradient_norm", "b_gradient",
                                         "b_gradient_norm"]


def test_create_train_op():
    w, b, loss = _problem()
    upd = gc.Variable(0, name="upd")
    gc.add_to_collection(gc.GraphKeys.UPDATE_OPS, upd.assign_add(1))
    train = learning.create_train_op(loss, gc.train.GradientDescentOptimizer(0.01),
                                     gradient_multipliers={"b": 0.0},
                                     clip_gradient_norm=100.0)
    assert train.name == "train_op/control_dependency:0"
    assert gc.get_collection(gc.GraphKeys.TRAIN_OP)[-1] is train
    step = gc.train.get_global_step()
    losses, (bv, sv, uv) = _run(train, 3, [b, step, upd])
    assert bv.tolist() == [0.0] and sv == 3 and uv == 3 and losses[2] < losses[0]
    with pytest.raises(AssertionError):
        learning.create_train_op(loss, gc.train.GradientDescentOptimizer(0.1),
                                 variables_to_train=[gc.Variable(1.0, trainable=False)])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # log(0), on purpose
def test_create_train_op_check_numerics():
    v = gc.Variable(1.0, name="v")
    train = training.create_train_op(gc.math.log(v - 1.0),
                                     gc.train.GradientDescentOptimizer(0.1),
                                     global_step=None)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        with pytest.raises(gc.errors.InvalidArgumentError, match="LossTensor is inf or nan"):
            s.run(train)


# slim's train stops its Supervisor, whose summary writer then closes once more; TF's
# tf_slim warns the same way
@pytest.mark.filterwarnings("ignore:Attempting to use a closed FileWriter")
def test_learning_train_loop(tmp_path):
    w, b, loss = _problem()
    train = learning.create_train_op(loss, gc.train.GradientDescentOptimizer(0.01))
    final = learning.train(train, str(tmp_path), number_of_steps=4, log_every_n_steps=2,
                           save_summaries_secs=0, save_interval_secs=0)
    assert gc.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-4")
    reader = gc.train.load_checkpoint(str(tmp_path))
    assert reader.get_tensor("global_step") == 4
    with gc.Graph().as_default():       # the loop resumes from the checkpoint
        w, b, loss = _problem()
        train = learning.create_train_op(loss, gc.train.GradientDescentOptimizer(0.01))
        again = learning.train(train, str(tmp_path), number_of_steps=6,
                               save_summaries_secs=0, save_interval_secs=0)
    assert gc.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-6")
    assert again < final
    with pytest.raises(ValueError, match="number_of_steps"):
        learning.train(train, None, number_of_steps=0)
    with pytest.raises(ValueError, match="Cannot provide saver"):
        learning.train(train, None, saver=gc.train.Saver())


def test_learning_train_without_logdir():
    w, b, loss = _problem()
    train = learning.create_train_op(loss, gc.train.GradientDescentOptimizer(0.01))
    assert learning.train(train, None, number_of_steps=2) > 0
