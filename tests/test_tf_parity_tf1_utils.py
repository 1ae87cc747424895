"""Parity with TF1 for the small utilities and function transforms (tests/test_tf1_utils.py
has the behaviour tests): saturate_cast, clip_by_average_norm, tf.nest,
grad_pass_through, recompute_grad, vectorized_map, custom_gradient with variables."""
import collections

import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc

CASES = {
    "saturate_f32_u8": (lambda m, x: m.saturate_cast(x, m.uint8),
                        np.array([-5.0, 0.4, 254.6, 300.0, 1e10], np.float32)),
    "saturate_f32_i32": (lambda m, x: m.saturate_cast(x, m.int32),
                         np.array([-3e9, 3e9, 7.9, -7.9], np.float32)),
    "saturate_i32_i16": (lambda m, x: m.saturate_cast(x, m.int16),
                         np.array([-40000, 40000, 5], np.int32)),
    "saturate_f64_f32": (lambda m, x: m.saturate_cast(x, m.float32),
                         np.array([1e300, -1e300, 0.5])),
    "saturate_f64_f64": (lambda m, x: m.saturate_cast(x, m.float64), rand(3, 2)),
    "clip_by_average_norm": (lambda m, x: m.clip_by_average_norm(x, 0.2),
                             rand(3, 4, dtype=np.float32)),
    "clip_by_average_norm_big": (lambda m, x: m.clip_by_average_norm(x, 50.0),
                                 rand(2, 5, dtype=np.float32)),
    "grad_pass_through": (lambda m, x: m.grad_pass_through(m.round)(x) * x, rand(3, 4)),
    "recompute_grad": (lambda m, x, w: m.recompute_grad(
        lambda h: m.tanh(m.matmul(h, w)))(x), rand(3, 4), rand(4, 5)),
    "recompute_grad_twice": (lambda m, x, w: (lambda f: f(m.matmul(f(x), w, transpose_b=True)))(
        m.recompute_grad(lambda h: m.sin(m.matmul(h, w)))), rand(3, 4), rand(4, 4)),
    "vectorized_map": (lambda m, x, w: m.vectorized_map(
        lambda r: m.reduce_sum(m.tanh(r * w), axis=0), x), rand(5, 3, 2), rand(3, 2)),
    "vectorized_map_matmul": (lambda m, x, w: m.vectorized_map(
        lambda r: m.matmul(r, w), x), rand(4, 2, 3), rand(3, 5)),
    "vectorized_map_tuple": (lambda m, x, y: m.vectorized_map(
        lambda t: m.nn.softmax(t[0] + t[1]), (x, y)), rand(4, 3), rand(4, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    check(fn, *args, grad=not name.startswith("saturate"))


Point = collections.namedtuple("Point", ["x", "y"])
STRUCTURES = [
    {"b": [1, (2, None)], "a": Point(3, {"z": "s", "c": 4})},
    [(), [], {}, [[5]]],
    Point([1, 2], (3,)),
    7,
]


@pytest.mark.parametrize("i", range(len(STRUCTURES)))
def test_nest(i):
    s = STRUCTURES[i]
    assert gc.nest.flatten(s) == tf.nest.flatten(s)
    flat = list(range(len(tf.nest.flatten(s))))
    assert gc.nest.pack_sequence_as(s, flat) == tf.nest.pack_sequence_as(s, flat)
    assert gc.nest.map_structure(str, s) == tf.nest.map_structure(str, s)
    assert gc.nest.is_nested(s) == tf.nest.is_nested(s)


def test_nest_errors_match():
    for a, b in [([1, 2], [1]), ([1, 2], (1, 2)), ({"a": 1}, {"b": 1}), ([1], 1)]:
        with pytest.raises((ValueError, TypeError)) as tf_err:
            tf.nest.assert_same_structure(a, b)
        with pytest.raises(tf_err.type):
            gc.nest.assert_same_structure(a, b)


def test_custom_gradient_with_variables():
    def build(m):
        w = m.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), name="w")
        x = m.constant([[1.0, -1.0], [0.5, 2.0]], m.float64)

        @m.custom_gradient
        def scaled(x):
            y = m.matmul(x, w)

            def grad(dy, variables=None):
                return (m.matmul(dy, w, transpose_b=True),
                        [10.0 * m.matmul(x, dy, transpose_a=True)])
            return y, grad
        grads = m.gradients(m.reduce_sum(scaled(x) ** 2), [x, w])
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return sess.run(grads)
    outs = []
    for m in (gc, v1):
        with m.Graph().as_default():
            outs.append(build(m))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_sparse_mask():
    def build(m):
        a = m.IndexedSlices(m.constant([[1.0, 0.5], [2.0, 1.5], [3.0, 2.5], [4.0, 3.5]]),
                            m.constant([12, 26, 37, 45]), m.constant([50, 2]))
        b = m.sparse_mask(a, m.constant([45, 12, 7]))
        with m.Session() as sess:
            return sess.run(b)
    outs = []
    for m in (gc, v1):
        with m.Graph().as_default():
            outs.append(build(m))
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
        assert np.asarray(a).dtype == np.asarray(b).dtype
