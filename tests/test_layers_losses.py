"""gc.layers (dense, dropout, flatten, conv2d, pooling) and gc.losses against numpy."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp

R = gc.losses.Reduction
RNG = np.random.default_rng(0)


def _run(fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feed)


# ---- dense ---------------------------------------------------------------------------------
def test_dense_names_variables_and_ops_like_tf1():
    x = gc.placeholder(gc.float32, (None, 4))
    h = gc.layers.dense(x, 8, activation=gc.nn.relu)
    y = gc.layers.dense(h, 3, use_bias=False)
    z = gc.layers.dense(h, 3, use_bias=False, name="dense_1", reuse=True)
    with gc.variable_scope("net"):
        w = gc.layers.dense(x, 2, name="out")
    assert [v.name for v in gc.trainable_variables()] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "net/out/kernel:0",
        "net/out/bias:0"]
    assert (h.op.name, y.op.name, z.op.name, w.op.name) == (
        "dense/Relu", "dense_1/MatMul", "dense_1_1/MatMul", "net/out/BiasAdd")
    assert h.shape == (None, 8) and y.shape == (None, 3)
    xv = RNG.standard_normal((5, 4)).astype(np.float32)
    hv, yv, zv, k0, b0, k1 = _run([h, y, z] + gc.trainable_variables()[:3], {x: xv})
    np.testing.assert_allclose(hv, np.maximum(xv @ k0 + b0, 0), rtol=1e-5)
    np.testing.assert_allclose(yv, hv @ k1, rtol=1e-5)
    np.testing.assert_array_equal(yv, zv)                 # reuse shares the kernel


def test_dense_on_rank_3_inputs_multiplies_the_last_axis():
    x = gc.placeholder(gc.float64, (None, 5, 4))
    y = gc.layers.dense(x, 3, kernel_initializer=gc.random_normal_initializer(seed=1),
                        bias_initializer=gc.constant_initializer(0.5))
    assert y.shape == (None, 5, 3) and gc.trainable_variables()[0].dtype is gc.float64
    xv = RNG.standard_normal((2, 5, 4))
    yv, k = _run([y, gc.trainable_variables()[0]], {x: xv})
    np.testing.assert_allclose(yv, xv @ k + 0.5)


def test_dense_errors_name_the_input_and_the_clash():
    with pytest.raises(gc.errors.ShapeError, match="expected min_ndim=2, found ndim=1"):
        gc.layers.dense(gc.placeholder(gc.float32, (4,)), 2)
    with pytest.raises(gc.errors.ShapeError, match="last dimension .* should be defined"):
        gc.layers.dense(gc.placeholder(gc.float32, (None, None)), 2)
    with pytest.raises(gc.errors.DTypeError, match="non-floating point dtype int32"):
        gc.layers.dense(gc.placeholder(gc.int32, (None, 2)), 2)
    x = gc.placeholder(gc.float32, (None, 2), name="x")
    gc.layers.dense(x, 2, name="fc")
    with pytest.raises(ValueError, match="Variable fc/kernel already exists"):
        gc.layers.dense(x, 2, name="fc")
    with pytest.raises(ValueError, match="Variable other/kernel does not exist"):
        gc.layers.dense(x, 2, name="other", reuse=True)
    with pytest.raises(gc.errors.ShapeError, match="Trying to share variable fc/kernel"):
        gc.layers.dense(x, 3, name="fc", reuse=True)


def test_regularizers_of_layers_feed_the_total_loss():
    x = gc.constant(np.ones((4, 3), np.float32))
    y = gc.layers.dense(x, 2, kernel_initializer=gc.ones_initializer(),
                        kernel_regularizer=lambda w: 0.1 * gc.reduce_sum(w),
                        activity_regularizer=lambda h: gc.reduce_sum(h))
    loss = gc.losses.mean_squared_error(gc.zeros_like(y), y)
    regs = gc.losses.get_regularization_losses()
    assert [r.op.name.split("/")[:2] for r in regs] == [["dense", "kernel"],
                                                        ["dense", "ActivityRegularizer"]]
    total, reg, lv = _run([gc.losses.get_total_loss(), gc.losses.get_regularization_loss(),
                           loss])
    # kernel of ones: y = 3 everywhere; 0.1 * 6 + sum(y) / batch = 0.6 + 24 / 4
    np.testing.assert_allclose([lv, reg, total], [9.0, 6.6, 15.6], rtol=1e-6)
    assert gc.losses.get_total_loss(add_regularization_losses=False).shape == ()


def test_two_layer_mlp_with_adam_reduces_the_loss():
    gc.set_random_seed(0)
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((256, 2)).astype(np.float32)
    labels = (xs[:, 0] * xs[:, 1] > 0).astype(np.int32)     # XOR of the signs
    x = gc.placeholder(gc.float32, (None, 2))
    y = gc.placeholder(gc.int32, (None,))
    h = gc.layers.dense(x, 32, activation=gc.nn.relu)
    logits = gc.layers.dense(h, 2)
    loss = gc.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    train = gc.train.AdamOptimizer(0.02).minimize(loss)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        first = s.run(loss, {x: xs, y: labels})
        for _ in range(150):
            s.run(train, {x: xs, y: labels})
        last, lg = s.run([loss, logits], {x: xs, y: labels})
    assert last < 0.3 * first and (lg.argmax(1) == labels).mean() > 0.9


# ---- dropout, flatten, conv2d, pooling ---------------------------------------------------
def test_dropout_follows_training_statically_or_at_run_time():
    x = gc.placeholder(gc.float32, (200, 50))
    training = gc.placeholder_with_default(False, [])
    off = gc.layers.dropout(x, 0.25)
    on = gc.layers.dropout(x, 0.25, training=True, seed=1)
    dyn = gc.layers.dropout(x, 0.25, training=training, seed=2)
    rows = gc.layers.dropout(x, 0.5, noise_shape=[None, 1], training=True, seed=3)
    assert off.op.type == "Identity" and dyn.op.type == "If"
    ones = np.ones((200, 50), np.float32)
    with gc.Session() as s:
        a, b, c, d, r = s.run([off, on, dyn, rows, rows], {x: ones})
        e = s.run(dyn, {x: ones, training: True})
    np.testing.assert_array_equal(a, ones)
    np.testing.assert_array_equal(c, ones)
    assert set(np.unique(b)) == {0.0, np.float32(1 / 0.75)}
    assert abs((b == 0).mean() - 0.25) < 0.02 and abs((e == 0).mean() - 0.25) < 0.02
    assert all(len(set(row)) == 1 for row in d)            # one draw per row
    with pytest.raises(TypeError, match="training must be"):
        gc.layers.dropout(x, training="yes")
    with pytest.raises(TypeError, match="training must be"):
        gc.layers.dropout(x, training=2)
    # TF1's smart_cond takes 1 and 0 for True and False
    assert gc.layers.dropout(x, training=0).op.type == "Identity"
    assert gc.layers.dropout(x, training=1).op.type != "Identity"


def test_flatten_keeps_the_batch_dim():
    a = gc.placeholder(gc.float32, (None, 2, 3, 4))
    b = gc.placeholder(gc.float32, (5, None))
    c = gc.placeholder(gc.float32, (None,))
    fa, fb, fc = gc.layers.flatten(a), gc.layers.flatten(b), gc.layers.flatten(c)
    ff = gc.layers.flatten(a, data_format="channels_first")
    assert (fa.shape, fb.shape, fc.shape) == ((None, 24), (5, None), (None, 1))
    av = RNG.standard_normal((3, 2, 3, 4)).astype(np.float32)
    ra, rf, rb = _run([fa, ff, fb], {a: av, b: np.ones((5, 7), np.float32)})
    np.testing.assert_array_equal(ra, av.reshape(3, 24))
    np.testing.assert_array_equal(rf, av.transpose(0, 2, 3, 1).reshape(3, 24))
    assert rb.shape == (5, 7) and fa.op.name == "flatten/Reshape"


def test_conv2d_and_pooling_layers_match_the_nn_ops():
    x = gc.placeholder(gc.float32, (None, 8, 7, 3))
    y = gc.layers.conv2d(x, 4, (3, 2), strides=2, padding="same", activation=gc.nn.relu,
                         bias_initializer=gc.constant_initializer(0.1))
    kernel, bias = gc.trainable_variables()
    assert kernel.name == "conv2d/kernel:0" and kernel.shape == (3, 2, 3, 4)
    ref = gc.nn.relu(gc.nn.conv2d(x, kernel, [1, 2, 2, 1], "SAME") + bias)
    mp = gc.layers.max_pooling2d(y, 2, 2)
    ap = gc.layers.average_pooling2d(y, (2, 2), 1, padding="same")
    assert y.shape == (None, 4, 4, 4) and mp.shape == (None, 2, 2, 4)
    xv = RNG.standard_normal((2, 8, 7, 3)).astype(np.float32)
    yv, rv, mv, av = _run([y, ref, mp, ap], {x: xv})
    np.testing.assert_allclose(yv, rv, rtol=1e-6)
    np.testing.assert_array_equal(mv, yv.reshape(2, 2, 2, 2, 2, 4).max(axis=(2, 4)))
    np.testing.assert_allclose(av[:, -1, -1], yv[:, -1, -1], rtol=1e-6)   # corner: itself
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        gc.layers.conv2d(x, 4, 3, padding="full")
    with pytest.raises(ValueError, match="data_format must be"):
        gc.layers.conv2d(x, 4, 3, data_format="NHWC")


def test_data_format_none_and_upper_case_are_tf1s_channels_last_or_first():
    # TF1 Keras normalize_data_format: None is the default (channels_last), case ignored
    x = gc.placeholder(gc.float32, (None, 3, 8, 6))
    first = gc.layers.conv2d(x, 5, 3, padding="SAME", data_format="Channels_First")
    assert first.shape == (None, 5, 8, 6) and gc.trainable_variables()[0].shape == (3, 3, 3, 5)
    assert gc.layers.max_pooling2d(x, 2, 2, data_format=None).shape == (None, 1, 4, 6)
    assert gc.layers.flatten(x, data_format="CHANNELS_FIRST").shape == (None, 144)
    with pytest.raises(gc.errors.ShapeError, match="expected ndim=4"):
        gc.layers.max_pooling2d(gc.placeholder(gc.float32, (2, 3)), 2, 2)


# ---- losses --------------------------------------------------------------------------------
def _reduce_np(losses, w, reduction):
    weighted = losses * w
    if reduction == R.NONE:
        return weighted
    total = weighted.sum()
    den = {R.SUM: 1.0, R.MEAN: (np.ones_like(losses) * w).sum(),
           R.SUM_OVER_BATCH_SIZE: losses.size,
           R.SUM_BY_NONZERO_WEIGHTS: (np.ones_like(losses) * (w != 0)).sum()}[reduction]
    return 0.0 if den == 0 else total / den


def _log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


Y = RNG.random((4, 3))
P = RNG.standard_normal((4, 3))
ONEHOT = np.eye(3)[[0, 2, 1, 2]]
IDS = np.array([0, 2, 1, 2], np.int32)
LOSSES = {   # name: (call, labels, predictions, per-element numpy loss)
    "absolute_difference": (gc.losses.absolute_difference, Y, P, np.abs(P - Y)),
    "mean_squared_error": (gc.losses.mean_squared_error, Y, P, (P - Y) ** 2),
    "huber_loss": (lambda y, p, **k: gc.losses.huber_loss(y, p, delta=0.8, **k), Y, P,
                   np.where(np.abs(P - Y) <= 0.8, 0.5 * (P - Y) ** 2,
                            0.8 * (np.abs(P - Y) - 0.4))),
    "hinge_loss": (gc.losses.hinge_loss, (Y > 0.5) * 1.0, P,
                   np.maximum(0, 1 - (2 * (Y > 0.5) - 1) * P)),
    "sigmoid_cross_entropy": (gc.losses.sigmoid_cross_entropy, Y, P,
                              _softplus(P) - P * Y),
    "log_loss": (gc.losses.log_loss, Y, 1 / (1 + np.exp(-P)),
                 -Y * np.log(1 / (1 + np.exp(-P)) + 1e-7)
                 - (1 - Y) * np.log(1 - 1 / (1 + np.exp(-P)) + 1e-7)),
}


@pytest.mark.parametrize("reduction", R.all()[:5])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_losses_match_numpy_for_each_reduction(name, reduction):
    fn, yv, pv, ref = LOSSES[name]
    w = np.array([[1.0], [0.0], [2.0], [0.5]])
    loss = fn(gc.constant(yv), gc.constant(pv), weights=w, reduction=reduction)
    scalar = fn(gc.constant(yv), gc.constant(pv), reduction=reduction)
    got, got1 = _run([loss, scalar])
    np.testing.assert_allclose(got, _reduce_np(ref, w, reduction), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(got1, _reduce_np(ref, 1.0, reduction), rtol=1e-6)
    assert gc.get_collection(gc.GraphKeys.LOSSES) == [loss, scalar]
    assert loss.dtype is gc.float64


def test_cross_entropies_and_label_smoothing_match_numpy():
    w = np.array([1.0, 0.0, 3.0, 1.0])
    soft = gc.losses.softmax_cross_entropy(ONEHOT, P, weights=w, label_smoothing=0.3)
    sparse = gc.losses.sparse_softmax_cross_entropy(IDS[:, None], P, weights=w[:, None])
    sig = gc.losses.sigmoid_cross_entropy(ONEHOT, P, label_smoothing=0.2,
                                          reduction=R.NONE)
    cos = gc.losses.cosine_distance(ONEHOT, P, axis=1, reduction=R.SUM)
    a, b, c, d = _run([soft, sparse, sig, cos])
    smooth = ONEHOT * 0.7 + 0.1
    np.testing.assert_allclose(a, (-(smooth * _log_softmax(P)).sum(1) * w).sum() / 3)
    np.testing.assert_allclose(b, (-_log_softmax(P)[range(4), IDS] * w).sum() / 3)
    z = ONEHOT * 0.8 + 0.1
    np.testing.assert_allclose(c, _softplus(P) - P * z)
    np.testing.assert_allclose(d, (1 - (ONEHOT * P).sum(1)).sum())
    assert sparse.op.name == "sparse_softmax_cross_entropy_loss/value"


def test_all_zero_weights_give_zero_not_nan():
    w = gc.placeholder(gc.float32, (3,))
    loss = gc.losses.absolute_difference([1.0, 2.0, 3.0], [0.0, 0.0, 0.0], weights=w)
    with gc.Session() as s:
        assert s.run(loss, {w: np.zeros(3, np.float32)}) == 0.0
        assert s.run(loss, {w: np.array([1, 0, 1], np.float32)}) == 2.0


def test_loss_errors_name_the_tensors():
    y = gc.placeholder(gc.float32, (None,), name="y")
    p = gc.placeholder(gc.float32, (None, 1), name="p")
    with pytest.raises(gc.errors.ShapeError) as e:
        gc.losses.mean_squared_error(y, p)
    assert "compatible shapes, not (?,) and (?, 1)" in str(e.value)
    assert "placeholder 'y'" in str(e.value) and "test_layers_losses.py" in str(e.value)
    with pytest.raises(gc.errors.ShapeError, match=r"weights of shape \(3,\) cannot be "
                                                   r"broadcast to the losses of shape \(\?, 1\)"):
        gc.losses.mean_squared_error(p, p, weights=np.ones(3))
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        gc.losses.mean_squared_error(p, p, reduction="mean")
    with pytest.raises(ValueError, match="labels must not be None"):
        gc.losses.absolute_difference(None, p)
    with pytest.raises(ValueError, match="You must specify 'axis'"):
        gc.losses.cosine_distance(p, p)
    gc.reset_default_graph()
    with pytest.raises(ValueError, match="no losses to add"):
        gc.losses.get_total_loss()
    assert _run(gc.losses.get_regularization_loss()) == 0.0


def test_weights_the_static_shapes_cannot_vouch_for_are_checked_when_run():
    # TF1's assert_broadcastable: a scalar, or the losses' rank with each dim 1 or equal;
    # numpy's broadcasting would otherwise stretch the losses to the weights silently
    p = gc.placeholder(gc.float32, (None,), name="p")
    w = gc.placeholder(gc.float32, (None,), name="w")
    anyw = gc.placeholder(gc.float32, name="anyw")
    dyn = gc.losses.absolute_difference(p, 2.0 * p, weights=w)
    free = gc.losses.mean_squared_error(np.ones((2, 3)), np.zeros((2, 3)), weights=anyw,
                                        reduction=R.SUM)
    x = gc.placeholder(gc.float32, (None, 3))
    grad = gc.gradients(gc.losses.mean_squared_error(x, 0.0 * x, weights=anyw), x)[0]
    with gc.Session() as s:
        assert s.run(dyn, {p: [1.0, 2.0], w: [1.0, 0.0]}) == 1.0
        assert s.run(free, {anyw: [[2.0], [1.0]]}) == 9.0
        assert s.run(free, {anyw: 3.0}) == 18.0
        np.testing.assert_allclose(s.run(grad, {x: np.ones((2, 3)), anyw: [[1.0], [0.0]]}),
                                   [[2 / 3] * 3, [0.0] * 3], rtol=1e-6)
        with pytest.raises(gc.errors.ExecutionError, match=r"absolute_difference: weights "
                                                           r"can not be broadcast to values"):
            s.run(dyn, {p: [1.0], w: [1.0, 1.0, 1.0, 1.0]})
        for bad in ([1.0, 1.0, 1.0], [[[1.0]]], [[1.0, 1.0, 1.0]] * 3):
            with pytest.raises(gc.errors.ExecutionError, match=r"values.shape=\] \[2 3\]"):
                s.run(free, {anyw: bad})


LABELS = RNG.random((3, 4))


@pytest.mark.parametrize("fn", [
    lambda p: gc.losses.mean_squared_error(LABELS, p, weights=[[1.0], [2.0], [0.0]]),
    lambda p: gc.losses.absolute_difference(LABELS, p, reduction=R.MEAN),
    lambda p: gc.losses.huber_loss(LABELS, p, delta=0.5, reduction=R.SUM),
    lambda p: gc.losses.log_loss(LABELS, gc.sigmoid(p)),
    lambda p: gc.losses.hinge_loss(LABELS > 0.5, p, reduction=R.SUM_OVER_BATCH_SIZE),
    lambda p: gc.losses.sigmoid_cross_entropy(LABELS, p, label_smoothing=0.1),
    # rows of a distribution: for others TF1's gradient is softmax - labels (not the
    # derivative; test_grad_corners.py)
    lambda p: gc.losses.softmax_cross_entropy(LABELS / LABELS.sum(1, keepdims=True), p,
                                              weights=[1.0, 0.5, 2.0]),
    lambda p: gc.losses.sparse_softmax_cross_entropy([3, 0, 1], p, reduction=R.NONE),
    lambda p: gc.losses.cosine_distance(LABELS, p, axis=1),
], ids=["mse", "abs", "huber", "log", "hinge", "sigmoid", "softmax", "sparse", "cosine"])
def test_loss_gradients_match_finite_differences(fn):
    p = RNG.standard_normal((3, 4)) * 2
    check_vjp(fn, [p])


def test_a_scope_regularizer_and_a_layer_regularizer_both_apply():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3])
        with gc.variable_scope("s", regularizer=lambda w: 0.01 * gc.reduce_sum(w * w)):
            gc.layers.dense(x, 2, kernel_regularizer=lambda w: 0.001 * gc.reduce_sum(w))
            layer = gc.layers.Dense(2, kernel_regularizer=lambda w: gc.reduce_sum(w))
            layer(x)
            layer(x)                            # reused: no second loss
        losses = g.get_collection(gc.GraphKeys.REGULARIZATION_LOSSES)
        # TF1: kernel (scope + layer) and bias (scope) for each of the two layers
        assert [t.name.split("/")[1:3] for t in losses] == [
            ["dense", "kernel"], ["dense", "kernel"], ["dense", "bias"],
            ["dense_1", "kernel"], ["dense_1", "kernel"], ["dense_1", "bias"]]
