"""Behaviour of the array, indexing and reduction ops beyond the registry-wide checks:
error messages (which name this file and the offending line), numpy indexing semantics,
static shapes of computed shapes, ties and zeros in gradients, second derivatives."""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ShapeError
from graphc.testing import check_infer, check_vjp
from helpers import raises, run


def check_error(cls, build, *fragments):
    """helpers.raises; the message."""
    return str(raises(cls, build, *fragments))


# ---- error messages -------------------------------------------------------------------------
def test_reshape_to_an_impossible_size():
    x = gc.placeholder(gc.float32, (2, 3), name="x")
    check_error(ShapeError, lambda: gc.reshape(x, [4, 2]), "reshape", "'x'", "6 elements",
                "8 elements")
    check_error(ShapeError, lambda: gc.reshape(x, [4, -1]), "6 is not a multiple of 4")
    check_error(ShapeError, lambda: gc.reshape(x, [-1, -1]), "at most one may be -1")
    y = gc.placeholder(gc.float32, (None, 3))
    check_error(ShapeError, lambda: gc.reshape(y, [5, 2]), "not a multiple of the 3")


def test_concat_mismatch_names_both_operands_and_the_dims():
    a = gc.placeholder(gc.float32, (2, 3), name="a")
    b = gc.placeholder(gc.float32, (4, 5), name="b")
    msg = check_error(ShapeError, lambda: gc.concat([a, b], 1), "'a'", "'b'", "dim 0",
                      "(2 vs 4)", "axis 1")
    assert "(2, 3)" in msg and "(4, 5)" in msg
    c = gc.placeholder(gc.float32, (2, 3, 1), name="c")
    check_error(ShapeError, lambda: gc.concat([a, c], 0), "ranks differ (2 vs 3)")
    check_error(DTypeError, lambda: gc.concat([a, gc.cast(c, gc.int32)], 0), "dtypes differ")


def test_bad_axis():
    x = gc.placeholder(gc.float32, (2, 3), name="x")
    check_error(ShapeError, lambda: gc.reduce_sum(x, axis=3),
                "axis 3 is out of range for x of rank 2")
    check_error(ShapeError, lambda: gc.reduce_max(x, axis=[0, -2]), "axis -2 is repeated")
    check_error(ShapeError, lambda: gc.argmax(x, -3), "axis -3 is out of range")
    check_error(ShapeError, lambda: gc.expand_dims(x, 3), "axis 3 is out of range")
    check_error(ShapeError, lambda: gc.stack([x, x], axis=-4), "axis -4 is out of range")
    check_error(ShapeError, lambda: gc.unstack(x, axis=2), "axis 2 is out of range")


def test_bad_perm():
    x = gc.placeholder(gc.float32, (2, 3, 4), name="x")
    check_error(ShapeError, lambda: gc.transpose(x, [0, 0, 1]), "not a permutation of 0..2")
    check_error(ShapeError, lambda: gc.transpose(x, [1, 0]), "has 2 entries", "rank 3")


def test_other_shape_errors():
    x = gc.placeholder(gc.float32, (2, 3), name="x")
    check_error(ShapeError, lambda: gc.squeeze(x, [1]), "cannot squeeze dim 1", "size is 3")
    check_error(ShapeError, lambda: gc.stack([x, gc.transpose(x)]), "stack needs equal")
    check_error(ShapeError, lambda: gc.split(x, 2, axis=1), "into 2 equal parts")
    check_error(ShapeError, lambda: gc.split(x, [1, 1], axis=1), "sizes [1, 1] do not fit")
    check_error(ShapeError, lambda: gc.unstack(gc.placeholder(gc.float32, (None, 2))),
                "cannot infer num")
    check_error(ShapeError, lambda: x[2], "index 2 is out of bounds for dim 0")
    check_error(ShapeError, lambda: x[0, 0, 0], "too many indices: 3")
    check_error(ShapeError, lambda: x[::0], "step cannot be zero")
    check_error(ShapeError, lambda: gc.gather(x, [0, 3], axis=1), "reach 3, out of range")
    check_error(ShapeError, lambda: gc.slice(x, [1, 1], [2, 1]), "out of bounds at dim 0")
    check_error(ShapeError, lambda: gc.pad(x, [[0, 0], [3, 0]], "REFLECT"), "at most 2")
    check_error(ShapeError, lambda: gc.tile(x, [2]), "multiples has 1 entries")
    check_error(DTypeError, lambda: gc.reduce_all(x), "needs a bool dtype")
    with pytest.raises(TypeError, match="gc.gather"):
        x[[0, 1]]


def test_kernels_check_what_infer_could_not():
    x = gc.placeholder(gc.float32, (None, 3))
    parts = gc.unstack(x, num=2)
    with pytest.raises(gc.errors.ExecutionError, match="unstack"):
        run(parts, {x: np.zeros((3, 3))})
    s = gc.slice(x, [1, 0], [2, -1])
    with pytest.raises(gc.errors.ExecutionError, match="out of bounds"):
        run(s, {x: np.zeros((2, 3))})


# ---- indexing semantics -----------------------------------------------------------------
KEYS = [np.s_[:, 0], np.s_[1:-1, ::2], np.s_[..., None], np.s_[-1], np.s_[::-1, 1:, -2],
        np.s_[None, 2:0:-1, ..., ::3], np.s_[..., 1], np.s_[:, None, :, None, 0],
        np.s_[5:], np.s_[-100:100], np.s_[1, ...]]


@pytest.mark.parametrize("key", KEYS, ids=[str(k) for k in KEYS])
def test_indexing_matches_numpy(key):
    x = np.arange(4 * 3 * 5.0).reshape(4, 3, 5)
    for dynamic in (False, True):
        (got,) = check_infer(lambda t: t[key], [x], dynamic=dynamic)
        np.testing.assert_array_equal(got, x[key])


def test_indexing_static_shapes_keep_unknown_and_named_dims():
    x = gc.placeholder(gc.float32, ("batch", None, 5))
    assert x[:, 0].shape == ("batch", 5)
    assert x[::-1, 1:].shape == ("batch", None, 5)
    assert x[..., None, 1:4].shape == ("batch", None, 1, 3)
    i = gc.placeholder(gc.int32, ())
    y = x[0, i]
    assert y.shape == (5,)
    v = np.arange(2 * 3 * 5.0).reshape(2, 3, 5)
    np.testing.assert_array_equal(run(y, {x: v, i: 2}), v[0, 2])
    assert x[gc.constant(1)].node.inputs == (x,)           # a constant index is static


def test_shape_arithmetic_gives_exact_static_shapes():
    x = gc.placeholder(gc.float32, (None, 4, 5))
    assert gc.reshape(x, [gc.shape(x)[0], -1]).shape == (None, 20)
    assert gc.reshape(x, gc.shape(x)[1:]).shape == (4, 5)
    assert gc.zeros(gc.shape(x)[1:]).shape == (4, 5)
    n = gc.placeholder(gc.float32, ("n", 6))
    assert gc.reshape(n, [gc.shape(n)[0], 2, 3]).shape == ("n", 2, 3)
    assert gc.reshape(n, [-1, 2]).shape == (None, 2)
    assert gc.tile(n, [1, 2]).shape == ("n", 12)
    assert gc.range(3, 11, 3).shape == (3,) and gc.range(1.0, 0.0, -0.3).shape == (4,)


# ---- reductions: ties, zeros, unknown ranks, stability --------------------------------------
def _grad(f, x0):
    x = gc.placeholder(gc.float64, np.shape(x0))
    return run(gc.gradients(f(x), x)[0], {x: x0})


def test_reduce_max_shares_the_gradient_among_ties():
    x0 = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    np.testing.assert_allclose(_grad(lambda x: gc.reduce_max(x, 1), x0),
                               [[0, 0.5, 0.5], [0.5, 0.5, 0]])
    np.testing.assert_allclose(_grad(lambda x: gc.reduce_min(x), np.ones((2, 2))),
                               np.full((2, 2), 0.25))


def test_reduce_prod_gradient_with_zeros_is_the_product_of_the_others():
    x0 = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 4.0]])
    g = _grad(lambda x: gc.reduce_prod(x, -1), x0)
    np.testing.assert_allclose(g, [[0, 6, 0], [0, 0, 0], [8, 4, 2]])


def test_reductions_of_unknown_rank():
    x = gc.placeholder(gc.float64, None)
    v = np.random.default_rng(0).standard_normal((2, 3, 4))
    for axis, keepdims in [(1, False), ((-1, 0), False), (None, False), (-2, True)]:
        y = gc.reduce_mean(x, axis, keepdims=keepdims)
        g = gc.gradients(gc.reduce_sum(y * y), x)[0]
        want = v.mean(axis, keepdims=keepdims)
        got_y, got_g = run([y, g], {x: v})
        np.testing.assert_allclose(got_y, want)
        n = v.size // want.size
        np.testing.assert_allclose(got_g, np.broadcast_to(
            2 * v.mean(axis, keepdims=True) / n, v.shape))
    assert gc.reduce_sum(x).shape == ()


def test_logsumexp_is_stable():
    x = gc.constant([[1000.0, 1000.0], [-np.inf, -np.inf], [0.0, -1000.0]], gc.float64)
    got = run(gc.reduce_logsumexp(x, 1))
    np.testing.assert_allclose(got, [1000 + np.log(2), -np.inf, 0.0])


def test_one_hot_and_integer_reductions():
    got = run(gc.one_hot([0, 3, -1, 1], 3, dtype=gc.int32))
    np.testing.assert_array_equal(got, [[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 1, 0]])
    big = gc.constant(np.full((3,), 2**30, np.int32))
    assert run(gc.reduce_sum(big)).dtype == np.int32       # numpy would widen to int64
    assert run(gc.reduce_mean(gc.constant([-3, -4]))) == -3  # rounds toward zero
    assert run(gc.count_nonzero([[1, 0], [2, 3]], axis=1)).tolist() == [1, 2]


# ---- second derivatives: each vjp is built from differentiable ops -----------------------
SECOND = [
    ("index", lambda x: x[1:, ::-2]),
    ("gather", lambda x: gc.gather(x, [2, 0, 2], axis=1)),
    ("slice", lambda x: gc.slice(x, [1, 0], [2, -1])),
    ("pad", lambda x: gc.pad(x, [[1, 1], [2, 0]])),
    ("reflect", lambda x: gc.pad(x, [[2, 1], [1, 1]], "REFLECT")),
    ("tile", lambda x: gc.tile(x, [2, 3])),
    ("concat/split", lambda x: gc.concat(gc.split(x, [1, 2], axis=1)[::-1], 1)),
    ("stack/unstack", lambda x: gc.stack(gc.unstack(x, axis=1)[1:])),
    ("transpose", lambda x: gc.transpose(gc.expand_dims(x, 1), [2, 0, 1])),
    ("max", lambda x: gc.reduce_max(x, 0)),
    ("prod", lambda x: gc.reduce_prod(x, 1, keepdims=True)),
    ("mean", lambda x: gc.reduce_mean(x, [-1])),
    ("logsumexp", lambda x: gc.reduce_logsumexp(x, 1)),
]


@pytest.mark.parametrize("f", [f for _, f in SECOND], ids=[n for n, _ in SECOND])
def test_second_derivatives(f):
    x0 = np.random.default_rng(1).uniform(0.5, 2.0, (4, 3))

    def grad_of_cube(x):
        return gc.gradients(gc.reduce_sum(f(x) ** 3), x)[0]
    check_vjp(grad_of_cube, [x0])
