"""Parity with TF for TF1's Dimension-indexed shapes (disable_v2_tensorshape): what
shape[i], iteration, Dimension arithmetic and comparisons give, and the graphs TF1 code
builds when it passes Dimensions back as sizes (tests/test_tensorshape_v1.py has the
behaviour tests)."""
import numpy as np
import pytest
from tf_parity import check, rand, v1

import graphc as gc


def _dim(d):
    return type(d).__name__, d.value


INSPECT = {
    "getitem": lambda m, x: [_dim(x.shape[0]), _dim(x.shape[1]), _dim(x.get_shape()[-1])],
    "iterate": lambda m, x: [_dim(d) for d in x.shape],
    "unpack": lambda m, x: [_dim(d) for d in tuple(x.shape)],
    "slice": lambda m, x: [x.shape[1:].as_list(), x.shape[:1].as_list()],
    "as_list": lambda m, x: x.shape.as_list(),
    "arithmetic": lambda m, x: [(x.shape[1] * 2).value, (x.shape[0] + 1).value,
                                (x.shape[1] // 2).value, (x.shape[2] - 1).value],
    "compare": lambda m, x: [x.shape[1] == 3, x.shape[0] == 3, x.shape[1] != 4,
                             x.shape[0] is None, x.shape[1] < 4],
    "dimension_value": lambda m, x: [m.dimension_value(x.shape[i]) for i in range(3)],
    "unknown_rank": lambda m, x: _dim(m.placeholder(m.float32).shape[0]),
    "tensorshape": lambda m, x: [_dim(m.TensorShape([2, None])[k]) for k in (0, 1)],
    "int_and_index": lambda m, x: [int(x.shape[1]), list(range(x.shape[2]))],
}


@pytest.fixture
def tf1_shapes():
    v1.disable_v2_tensorshape()
    gc.disable_v2_tensorshape()
    yield
    v1.enable_v2_tensorshape()
    gc.enable_v2_tensorshape()


def _inspect(m, fn):
    g = m.Graph()
    with g.as_default():
        return fn(m, m.placeholder(m.float32, [None, 3, 2]))


@pytest.mark.parametrize("name", sorted(INSPECT))
def test_shape_indexing_matches_tf(name, tf1_shapes):
    assert _inspect(gc, INSPECT[name]) == _inspect(v1, INSPECT[name])


SIZES = {
    "reshape": lambda m, x: m.reshape(x, [-1, x.shape[1] * x.shape[2]]),
    "reshape_value": lambda m, x: m.reshape(x, [-1, x.shape[1].value * x.shape[2].value]),
    "zeros_like_dims": lambda m, x: m.zeros([x.shape[2], x.shape[1]]) + m.reduce_sum(x),
    "ones_plus": lambda m, x: x + m.ones([x.shape[1], 1]),
    "fill": lambda m, x: m.fill([x.shape[1], x.shape[2]], 2.0) * x[0],
    "tile": lambda m, x: m.tile(x, [1, 1, x.shape[1]]),
    "split": lambda m, x: m.split(x, x.shape[1], axis=1),
    "one_hot": lambda m, x: m.one_hot(m.argmax(x, axis=1), x.shape[1]) * m.reduce_sum(x),
    "slice": lambda m, x: m.slice(x, [0, 0, 0], [-1, x.shape[1] - 1, x.shape[2]]),
    "expand_tile": lambda m, x: m.tile(m.expand_dims(x[:, 0], 0), [x.shape[1], 1, 1]),
}


@pytest.mark.parametrize("name", sorted(SIZES))
def test_dimensions_as_sizes_build_what_tf_builds(name, tf1_shapes):
    check(SIZES[name], rand(4, 3, 2, dtype=np.float32, seed=1))


def test_static_shapes_from_dimension_sizes_match_tf(tf1_shapes):
    def shapes(m):
        g = m.Graph()
        with g.as_default():
            x = m.placeholder(m.float32, [None, 3, 2])
            outs = [fn(m, x) for fn in SIZES.values()]
            return [[t.shape.as_list() for t in (o if isinstance(o, list) else [o])]
                    for o in outs]
    assert shapes(gc) == shapes(v1)


@pytest.mark.parametrize("make", [lambda m, x: m.fill([x.shape[0], x.shape[2]], 2.0),
                                  lambda m, x: m.reshape(x, [x.shape[0], -1]),
                                  lambda m, x: m.zeros([x.shape[0]])])
def test_an_unknown_dimension_as_a_size_is_a_type_error_in_both(make, tf1_shapes):
    for m in (gc, v1):
        with m.Graph().as_default():
            with pytest.raises(TypeError):
                make(m, m.placeholder(m.float32, [None, 3, 2]))


def test_get_variable_with_dimension_shapes_matches_tf(tf1_shapes):
    def build(m):
        g = m.Graph()
        with g.as_default():
            x = m.placeholder(m.float32, [None, 5])
            w = m.get_variable("w", [x.get_shape()[1], 2 * x.shape[1]],
                               initializer=m.ones_initializer())
            b = m.get_variable("b", [w.shape[1]], initializer=m.zeros_initializer())
            y = m.matmul(x, w) + b
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                return w.shape.as_list(), sess.run(y, {x: np.ones((2, 5), np.float32)})
    (ws, yg), (wt, yt) = build(gc), build(v1)
    assert ws == wt
    np.testing.assert_allclose(yg, yt)
