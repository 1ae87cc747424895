"""TF1's Dimension-indexed shapes (gc.disable_v2_tensorshape / disable_v2_behavior):
shape[i] and iteration give Dimension objects, and TF1 code that passes them back as
sizes builds the same graph as with ints."""
import numpy as np
import pytest

import graphc as gc
from graphc import Dimension


@pytest.fixture
def tf1_shapes():
    gc.disable_v2_tensorshape()
    yield
    gc.enable_v2_tensorshape()


def test_v2_shapes_index_to_ints_or_none():
    gc.enable_v2_tensorshape()
    try:
        x = gc.placeholder(gc.float32, [None, 3])
        assert x.shape[1] == 3 and type(x.shape[1]) is int and x.shape[0] is None
        assert list(x.shape) == [None, 3]
    finally:
        gc.disable_v2_tensorshape()


def test_the_default_is_tf1s_dimensions():
    import subprocess
    import sys
    code = ("import graphc as tf; x = tf.placeholder(tf.float32, [None, 3]); "
            "print(x.get_shape()[1].value, x.shape[0].value)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["3", "None"], out.stderr


def test_switch_gives_dimensions_and_switches_back():
    x = gc.placeholder(gc.float32, [None, 3])
    gc.disable_v2_tensorshape()
    try:
        d0, d1 = x.get_shape()
        assert isinstance(d1, Dimension) and d1.value == 3 and d0.value is None
        assert [d.value for d in x.shape] == [None, 3]
        assert x.shape[-1].value == 3 and x.shape[0].value is None
        assert x.shape[1:] == gc.TensorShape([3])          # a slice is still a shape
        assert x.shape.as_list() == [None, 3]              # as_list gives ints
        assert gc.dimension_value(x.shape[1]) == 3
        assert gc.TensorShape(None)[0].value is None       # unknown rank
    finally:
        gc.enable_v2_tensorshape()
    assert x.shape[1] == 3 and type(x.shape[1]) is int


def test_disable_v2_behavior_switches_shapes_as_in_tf():
    x = gc.placeholder(gc.float32, [2, 3])
    gc.compat.v1.disable_v2_behavior()
    try:
        assert x.shape[0].value == 2
    finally:
        gc.enable_v2_tensorshape()


def test_dimension_arithmetic_and_comparisons(tf1_shapes):
    x = gc.placeholder(gc.float32, [None, 3])
    assert (x.shape[1] * 2).value == 6 and (x.shape[0] * 2).value is None
    assert (x.shape[1] == 3) is True and (x.shape[0] == 3) is None
    with pytest.raises(TypeError, match="unhashable"):
        hash(x.shape[1])


def test_tf1_model_code_builds_and_trains_the_same(tf1_shapes):
    """A TF1-style model written with .value and Dimension sizes, against the same
    model built from ints."""
    rng = np.random.default_rng(0)
    xv = rng.standard_normal((8, 6, 6, 2)).astype(np.float32)
    yv = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]

    def build(dim):
        gc.reset_default_graph()
        gc.set_random_seed(1)
        x = gc.placeholder(gc.float32, [None, 6, 6, 2])
        y = gc.placeholder(gc.float32, [None, 3])
        k = gc.get_variable("k", [3, 3, dim(x.get_shape()[-1]), 4])
        h = gc.nn.relu(gc.nn.conv2d(x, k, [1, 1, 1, 1], "SAME"))
        s = h.get_shape()
        flat = gc.reshape(h, [-1, dim(s[1]) * dim(s[2]) * dim(s[3])])
        w = gc.get_variable("w", [dim(flat.get_shape()[1]), dim(y.get_shape()[1])])
        b = gc.get_variable("b", [dim(y.shape[-1])], initializer=gc.zeros_initializer())
        logits = gc.matmul(flat, w) + b
        extra = gc.layers.dense(logits, units=dim(logits.shape[1]), name="d")
        loss = gc.reduce_mean(gc.nn.softmax_cross_entropy_with_logits_v2(
            labels=y, logits=extra))
        step = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
        assert flat.shape.as_list() == [None, 144] and extra.shape.as_list() == [None, 3]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            losses = [sess.run([loss, step], {x: xv, y: yv})[0] for _ in range(3)]
        return losses

    with_dims = build(lambda d: d)                   # Dimension objects as sizes
    with_values = build(lambda d: d.value)           # TF1's .value
    gc.enable_v2_tensorshape()
    with_ints = build(lambda d: d)                   # TF2's ints
    np.testing.assert_allclose(with_dims, with_ints, rtol=1e-6)
    np.testing.assert_allclose(with_values, with_ints, rtol=1e-6)


def test_dimensions_as_sizes_of_common_ops(tf1_shapes):
    x = gc.placeholder(gc.float32, [4, 6])
    n, m = x.shape
    assert gc.zeros([n, m]).shape == (4, 6)
    assert gc.ones([m]).shape == (6,)
    assert gc.fill([n, 2], 1.0).shape == (4, 2)
    assert gc.random_normal([m, n]).shape == (6, 4)
    assert gc.placeholder(gc.float32, [None, m]).shape.as_list() == [None, 6]
    assert gc.one_hot(gc.constant([0, 1]), m).shape == (2, 6)
    assert gc.tile(x, [1, n]).shape == (4, 24)
    assert [t.shape for t in gc.split(x, m // 3, axis=1)] == [(4, 3), (4, 3)]
    assert gc.range(n).shape == (4,)
    assert gc.slice(x, [0, 0], [n, m // 2]).shape == (4, 3)
    assert np.zeros((n, m)).shape == (4, 6) and len(range(m)) == 6
    with gc.Session() as sess:
        assert sess.run(gc.reduce_sum(gc.ones([n, m]))) == 24.0


def test_an_unknown_dimension_as_a_size_says_so(tf1_shapes):
    x = gc.placeholder(gc.float32, [None, 3])
    with pytest.raises(TypeError, match=r"unknown dimension.*gc.shape"):
        gc.zeros([x.shape[0], x.shape[1]])
    with pytest.raises(TypeError, match="unknown dimension"):
        gc.reshape(x, [x.shape[0], -1])
