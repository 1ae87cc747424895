"""tf.contrib.layers.rev_block / RevBlock (graphc/contrib/layers_rev.py): forward values
against numpy, the efficient gradient against plain autodiff, finite differences."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import layers

D = 3
RNG = np.random.RandomState(0)
W = {k: (RNG.randn(D, D) * 0.5).astype(np.float32) for k in ("f0", "g0", "f1", "g1")}
B = {k: (RNG.randn(D) * 0.1).astype(np.float32) for k in W}
X1 = RNG.randn(2, D).astype(np.float32)
X2 = RNG.randn(2, D).astype(np.float32)
S = RNG.randn(D).astype(np.float32)


def _dense(key, side=None):
    """A small dense layer with fixed starting values (one per layer and f/g)."""
    def fn(x, side_list=None):
        w = gc.get_variable("w", initializer=W[key])
        b = gc.get_variable("b", initializer=B[key])
        h = gc.matmul(x, w) + b
        if side_list:
            h = h * side_list[0]
        return gc.tanh(h)
    return fn


def _np_dense(key, x, side=None):
    h = x @ W[key] + B[key]
    return np.tanh(h * side if side is not None else h)


def _block(x1, x2, efficient, side=False, name="revblock"):
    f = [_dense("f0"), _dense("f1")]
    g = [_dense("g0"), _dense("g1")]
    kw = dict(f_side_input=[side], g_side_input=[side]) if side is not False else {}
    block = layers.RevBlock(f, g, num_layers=2, use_efficient_backprop=efficient,
                            name=name, **kw)
    return block, block.forward(x1, x2)


def _run(fetches):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(fetches)


def test_forward_matches_numpy_and_names_variables_like_tf():
    with gc.Graph().as_default():
        block, (y1, y2) = _block(gc.constant(X1), gc.constant(X2), True)
        names = [v.op.name for v in gc.trainable_variables()]
        got = _run([y1, y2])
    a, b = X1, X2
    for i in range(2):
        a = a + _np_dense(f"f{i}", b)
        b = b + _np_dense(f"g{i}", a)
    np.testing.assert_allclose(got[0], a, rtol=1e-5)
    np.testing.assert_allclose(got[1], b, rtol=1e-5)
    assert names == [f"revblock/revlayer_{i}/{k}/{v}" for i in range(2) for k in "fg"
                     for v in "wb"]
    assert y1.shape.as_list() == [2, D] and y2.shape.as_list() == [2, D]
    assert len(block.trainable_weights) == 8


def test_rev_block_function_and_unique_block_names():
    with gc.Graph().as_default():
        x1 = gc.placeholder(gc.float32, [None, D])
        x2 = gc.placeholder(gc.float32, [None, D])
        f = lambda x: gc.layers.dense(x, D, activation=gc.nn.tanh)  # noqa: E731
        y1, y2 = layers.rev_block(x1, x2, f, f, num_layers=1)
        layers.rev_block(x1, x2, f, f)
        names = [v.op.name for v in gc.trainable_variables()]
        assert y1.shape.as_list() == [None, D]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            v1, v2 = sess.run([y1, y2], {x1: X1, x2: X2})
        assert v1.shape == (2, D) and v2.shape == (2, D)
    assert names[0] == "revblock/revlayer_0/f/dense/kernel"
    assert "revblock/revlayer_0/g/dense/bias" in names
    assert names[-1] == "revblock_1/revlayer_0/g/dense/bias"


@pytest.mark.parametrize("side", [False, True])
def test_efficient_gradient_equals_plain_autodiff(side):
    grads = []
    for efficient in (True, False):
        with gc.Graph().as_default():
            x1, x2 = gc.constant(X1), gc.constant(X2)
            s = gc.constant(S) if side else False
            _, (y1, y2) = _block(x1, x2, efficient, side=s)
            loss = gc.reduce_sum(y1 * y2) + gc.reduce_sum(gc.square(y1))
            xs = [x1, x2] + ([s] if side else []) + gc.trainable_variables()
            grads.append(_run(gc.gradients(loss, xs)))
    assert len(grads[0]) == len(grads[1])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_gradient_of_one_output_only_and_f_recomputed():
    calls = []

    def f(x):
        calls.append(gc.tanh(x * gc.get_variable("w", initializer=np.float32(0.7))))
        return calls[-1]
    with gc.Graph().as_default():
        x1, x2 = gc.constant(X1), gc.constant(X2)
        y1, _ = layers.rev_block(x1, x2, f, f, num_layers=2)
        assert len(calls) == 4
        n_forward = len(gc.get_default_graph().nodes)
        d = gc.gradients(gc.reduce_sum(y1), [x1, x2])
        assert len(calls) == 8            # the backward pass rebuilt every f and g
        kept = {t for n in gc.get_default_graph().nodes[n_forward:] for t in n.inputs}
        assert not kept & set(calls[:4])  # the gradient reads no forward activation
        got = _run(d)
    a0 = X1 + np.tanh(.7 * X2)
    b0 = X2 + np.tanh(.7 * a0)
    # y1 = a0 + tanh(.7 b0): d/dx1 = (1 + .7 s1 .7 s0) with s = 1 - tanh^2
    s0, s1 = 1 - np.tanh(.7 * a0) ** 2, 1 - np.tanh(.7 * b0) ** 2
    np.testing.assert_allclose(got[0], 1 + .49 * s1 * s0, rtol=1e-5)


def test_finite_differences():
    with gc.Graph().as_default():
        x1 = gc.constant(X1[:1, :2])
        x2 = gc.constant(X2[:1, :2])
        f = lambda x: gc.tanh(x * gc.get_variable("w", initializer=np.float32(0.9)))  # noqa
        g = lambda x: gc.sin(x)  # noqa: E731
        y1, y2 = layers.rev_block(x1, x2, f, g, num_layers=2)
        out = gc.reduce_sum(y1 * y2, axis=1)
        with gc.Session():
            gc.global_variables_initializer().run()
            err = gc.test.compute_gradient_error([x1, x2], [[1, 2], [1, 2]], out, [1])
    assert err < 1e-2


def test_backward_inverts_forward():
    with gc.Graph().as_default():
        block, (y1, y2) = _block(gc.constant(X1), gc.constant(X2), True)
        x1, x2 = block.backward(y1, y2)
        assert len(gc.trainable_variables()) == 8      # the same variables
        a, b = _run([x1, x2])
    np.testing.assert_allclose(a, X1, atol=1e-5)
    np.testing.assert_allclose(b, X2, atol=1e-5)


def test_list_of_wrong_length_raises():
    with pytest.raises(ValueError, match="num_layers"):
        layers.RevBlock([lambda x: x], lambda x: x, num_layers=2)


def test_rev_block_under_reuse_shares_the_block_variables():
    with gc.Graph().as_default():
        x = gc.constant(X1)
        f = lambda x: gc.layers.dense(x, D)  # noqa: E731
        with gc.variable_scope("m"):
            a = layers.rev_block(x, x, f, f)
        with gc.variable_scope("m", reuse=True):
            b = layers.rev_block(x, x, f, f)
        assert len(gc.trainable_variables()) == 4
        ra, rb = _run([a, b])
    np.testing.assert_allclose(ra, rb)
