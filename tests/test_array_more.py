"""graphc/ops/array_more.py's functions and gc.image.resize, without TensorFlow: TF1's
documented examples and numpy references, static shapes (known and unknown dims),
build-time errors naming this file's line, run-time checks, and derivatives of the
composites (the ops InvertPermutation, TensorScatterMax/Min have registry samples)."""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ExecutionError, ShapeError
from graphc.testing import check_jvp, check_vjp
from helpers import raises, run


def f64(shape, name=None):
    return gc.placeholder(gc.float64, shape, name=name)


# ---- ensure_shape -------------------------------------------------------------------------
def test_ensure_shape_merges_the_static_shape():
    x = f64((None, 3), "x")
    y = gc.ensure_shape(x, [2, None])
    assert y.shape.as_list() == [2, 3]
    assert gc.ensure_shape(f64(None), [None, 4, 5]).shape.as_list() == [None, 4, 5]
    assert gc.ensure_shape(x, None).shape.as_list() == [None, 3]
    v = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(run(y, {x: v}), v)


def test_ensure_shape_conflict_is_a_shape_error_at_the_callers_line():
    x = f64((2, 3), "x")
    raises(ShapeError, lambda: gc.ensure_shape(x, [3, 3]), "ensure_shape", "[2,3]",
           "[3,3]", "'x'")
    raises(ShapeError, lambda: gc.ensure_shape(x, [2, 3, 1]), "expected shape [2,3,1]")


def test_ensure_shape_checks_unknown_dims_when_run():
    x = f64((None, None), "x")
    y = gc.ensure_shape(x, [None, 3])
    with gc.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: np.ones((4, 3))}), np.ones((4, 3)))
        with pytest.raises(ExecutionError) as e:
            sess.run(y, {x: np.ones((4, 2))})
    msg = str(e.value)
    assert "Shape of tensor x:0" in msg and "[4 2]" in msg and "[?,3]" in msg, msg


def test_ensure_shape_checks_an_unknown_rank_when_run():
    x = gc.placeholder(gc.float32, None, name="z")
    y = gc.ensure_shape(x, [2, None])
    assert y.shape.as_list() == [2, None]
    with gc.Session() as sess:
        sess.run(y, {x: np.ones((2, 5))})
        for bad in (np.ones(2), np.ones((3, 5)), np.ones((2, 5, 1))):
            with pytest.raises(ExecutionError, match="Shape of tensor z:0"):
                sess.run(y, {x: bad})


def test_ensure_shape_passes_gradients():
    check_vjp(lambda x: gc.ensure_shape(x, [None, 4]) ** 2, [np.random.randn(3, 4)],
              dynamic=True)
    check_jvp(lambda x: gc.ensure_shape(x, [3, 4]) * 3.0, [np.random.randn(3, 4)])


# ---- repeat -------------------------------------------------------------------------------
@pytest.mark.parametrize("repeats, axis", [(2, None), (3, 0), (2, 1), ([1, 0, 3], 1),
                                          ([2, 1], 0), ([2], -1), (0, 1), ([0, 0, 0], -1)])
def test_repeat_matches_numpy(repeats, axis):
    x = np.arange(6.0).reshape(2, 3)
    y = gc.repeat(x, repeats, axis=axis)
    want = np.repeat(x, repeats, axis=axis)
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(y), want)


def test_repeat_tf1_examples():
    np.testing.assert_array_equal(run(gc.repeat([7, 8, 9], repeats=[3, 0, 2], axis=0)),
                                  [7, 7, 7, 9, 9])
    np.testing.assert_array_equal(run(gc.repeat([[1, 2], [3, 4]], repeats=[2, 3], axis=1)),
                                  [[1, 1, 2, 2, 2], [3, 3, 4, 4, 4]])
    np.testing.assert_array_equal(run(gc.repeat(3, repeats=4)), [3, 3, 3, 3])


def test_repeat_with_run_time_repeats_and_dims():
    x, r = f64((None, 3), "x"), gc.placeholder(gc.int32, (None,), name="r")
    y = gc.repeat(x, r, axis=0)
    assert y.shape.as_list() == [None, 3]
    v = np.arange(12.0).reshape(4, 3)
    for reps in ([1, 0, 3, 2], [2], [0, 0, 0, 0]):
        np.testing.assert_array_equal(run(y, {x: v, r: reps}), np.repeat(v, reps, axis=0))
    s = gc.placeholder(gc.int64, (), name="s")
    np.testing.assert_array_equal(run(gc.repeat(x, s, axis=1), {x: v, s: 2}),
                                  np.repeat(v, 2, axis=1))


def test_repeat_gradients():
    check_vjp(lambda x: gc.repeat(x, [2, 0, 1, 3], axis=1), [np.random.randn(2, 4)])
    check_vjp(lambda x: gc.repeat(x, 3), [np.random.randn(2, 3)], dynamic=True)
    check_jvp(lambda x: gc.repeat(x, [1, 2], axis=-2), [np.random.randn(2, 3)])


def test_repeat_errors():
    x = f64((2, 3), "x")
    raises(ShapeError, lambda: gc.repeat(x, [1, 2], axis=1), "repeats has 2 entries",
           "3 elements")
    raises(ShapeError, lambda: gc.repeat(x, 2, axis=2), "axis 2 is out of range")
    raises(ShapeError, lambda: gc.repeat(x, [[1, 2]], axis=0), "scalar or a 1-D")
    raises(ShapeError, lambda: gc.repeat(x, -1, axis=0), "must be >= 0")
    raises(DTypeError, lambda: gc.repeat(x, gc.constant(1.5), axis=0), "must be int")
    raises(ShapeError, lambda: gc.repeat(f64(None), 2, axis=0), "known")


# ---- unravel_index ------------------------------------------------------------------------
def test_unravel_index_tf1_example_and_shapes():
    y = gc.unravel_index([22, 41, 37], [7, 6])
    assert y.shape.as_list() == [2, 3] and y.dtype is gc.int32
    np.testing.assert_array_equal(run(y), [[3, 6, 6], [4, 5, 1]])
    z = gc.unravel_index(gc.constant(1621, gc.int64), [6, 7, 8, 9])
    assert z.shape.as_list() == [4] and z.dtype is gc.int64
    np.testing.assert_array_equal(run(z), np.unravel_index(1621, (6, 7, 8, 9)))


def test_unravel_index_run_time_values_and_bounds():
    i = gc.placeholder(gc.int32, (None,), name="i")
    d = gc.placeholder(gc.int32, (3,), name="d")
    y = gc.unravel_index(i, d)
    assert y.shape.as_list() == [3, None]
    idx = np.array([0, 59, 17, 33])
    np.testing.assert_array_equal(run(y, {i: idx, d: [3, 4, 5]}),
                                  np.array(np.unravel_index(idx, (3, 4, 5))))
    with gc.Session() as sess:
        for bad in ([60], [-1]):
            with pytest.raises(ExecutionError, match="index out of bound"):
                sess.run(y, {i: bad, d: [3, 4, 5]})


def test_unravel_index_errors():
    raises(DTypeError, lambda: gc.unravel_index(gc.constant([1.0]), [3]), "indices",
           "must be int")
    raises(ShapeError, lambda: gc.unravel_index([[1]], [3]), "scalar or 1-D")
    raises(ShapeError, lambda: gc.unravel_index([1], 3), "dims must be 1-D")


# ---- invert_permutation -------------------------------------------------------------------
def test_invert_permutation():
    y = gc.invert_permutation([3, 4, 0, 2, 1])
    assert y.shape.as_list() == [5] and y.dtype is gc.int32
    np.testing.assert_array_equal(run(y), [2, 4, 3, 0, 1])
    x = gc.placeholder(gc.int64, (None,), name="p")
    np.testing.assert_array_equal(run(gc.invert_permutation(x), {x: [1, 2, 0]}), [2, 0, 1])
    with gc.Session() as sess:
        for bad in ([0, 0, 1], [0, 3, 1]):
            with pytest.raises(ExecutionError, match="is not a permutation"):
                sess.run(gc.invert_permutation(x), {x: bad})


def test_invert_permutation_errors():
    raises(ShapeError, lambda: gc.invert_permutation([1, 1, 0]), "must be a permutation")
    raises(ShapeError, lambda: gc.invert_permutation([[0]]), "must be 1-D")
    raises(DTypeError, lambda: gc.invert_permutation(gc.constant([0.0])), "integer")


# ---- parallel_stack -----------------------------------------------------------------------
def test_parallel_stack():
    a, b = np.random.randn(2, 3), np.random.randn(2, 3)
    y = gc.parallel_stack([a, b])
    assert y.shape.as_list() == [2, 2, 3]
    np.testing.assert_allclose(run(y), np.stack([a, b]))
    check_vjp(lambda x, z: gc.parallel_stack([x, z, x]), [a, b])
    raises(ShapeError, lambda: gc.parallel_stack([f64((None, 3), "u")]),
           "fully known", "'u'")


# ---- tensor_scatter_nd_max / min ----------------------------------------------------------
def test_tensor_scatter_nd_max_min_tf_examples():
    t = [[1.0, 5.0], [2.0, 0.0], [3.0, 3.0]]
    np.testing.assert_array_equal(
        run(gc.tensor_scatter_nd_max(t, [[0], [2], [0]], [[4.0, 1.0], [2.0, 9.0],
                                                          [0.0, 6.0]])),
        [[4, 6], [2, 0], [3, 9]])
    np.testing.assert_array_equal(
        run(gc.tensor_scatter_nd_min(t, [[0, 1], [1, 0]], [3.0, 7.0])),
        [[1, 3], [2, 0], [3, 3]])
    assert gc.tensor_scatter_max is gc.tensor_scatter_nd_max


def test_tensor_scatter_nd_max_splits_ties():
    # out[1] = max(2, 2, 2): x and both updates tie and share the cotangent in thirds
    t, i = gc.constant([1.0, 2.0]), [[1], [1]]
    u = gc.constant([2.0, 2.0])
    gt, gu = gc.gradients(gc.tensor_scatter_nd_max(t, i, u), [t, u])
    np.testing.assert_allclose(run(gt), [1.0, 1 / 3])
    np.testing.assert_allclose(run(gu), [1 / 3, 1 / 3])


def test_tensor_scatter_nd_max_errors():
    t = f64((3, 2), "t")
    raises(ShapeError, lambda: gc.tensor_scatter_nd_max(t, [[3]], [[1.0, 2.0]]),
           "out of range")
    raises(ShapeError, lambda: gc.tensor_scatter_nd_min(t, [[0]], [1.0, 2.0, 3.0]),
           "updates")


# ---- batch_gather -------------------------------------------------------------------------
def test_batch_gather():
    p = np.random.randn(2, 5, 3)
    i = np.array([[4, 0, 4, 1], [2, 2, 3, 0]])
    y = gc.batch_gather(p, i)
    assert y.shape.as_list() == [2, 4, 3]
    np.testing.assert_array_equal(run(y), np.stack([p[0][i[0]], p[1][i[1]]]))
    check_vjp(lambda q: gc.batch_gather(q, i), [p])
    raises(ShapeError, lambda: gc.batch_gather(p, gc.placeholder(gc.int32, None, name="k")),
           "unknown shape")


# ---- space_to_batch_nd, batch_to_space_nd ---------------------------------------------
def _s2b_ref(x, block, pads):
    """space_to_batch_nd element by element: out[(o_1..o_m) * batch + n, i_1.., rest] =
    padded[n, i_1 * b_1 + o_1, ..., rest], o in row-major order over the block."""
    m = len(block)
    padded = np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)] * (x.ndim - 1 - m))
    n = x.shape[0]
    outer = [padded.shape[1 + k] // block[k] for k in range(m)]
    out = np.zeros((n * int(np.prod(block)),) + tuple(outer) + x.shape[1 + m:], x.dtype)
    for j, offs in enumerate(np.ndindex(*block)):
        for pos in np.ndindex(*outer):
            src = tuple(pos[k] * block[k] + offs[k] for k in range(m))
            out[(j * n):(j + 1) * n][(slice(None),) + pos] = padded[(slice(None),) + src]
    return out


def _b2s_ref(y, block, crops):
    """batch_to_space_nd as the inverse of _s2b_ref, then the crop."""
    m = len(block)
    nb = int(np.prod(block))
    n = y.shape[0] // nb
    full = np.zeros((n,) + tuple(y.shape[1 + k] * block[k] for k in range(m))
                    + y.shape[1 + m:], y.dtype)
    for j, offs in enumerate(np.ndindex(*block)):
        for pos in np.ndindex(*y.shape[1:1 + m]):
            dst = tuple(pos[k] * block[k] + offs[k] for k in range(m))
            full[(slice(None),) + dst] = y[j * n:(j + 1) * n][(slice(None),) + pos]
    key = (slice(None),) + tuple(slice(c[0], full.shape[1 + k] - c[1])
                                 for k, c in enumerate(crops))
    return full[key]


S2B_CASES = [((2, 4, 6, 3), [2, 3], [[0, 0], [0, 0]]),
             ((2, 3, 5, 2), [2, 2], [[1, 0], [2, 1]]),
             ((3, 7, 2), [3], [[1, 1]]),
             ((2, 4, 2, 2, 3), [2, 1, 2], [[0, 0], [0, 1], [1, 1]])]


@pytest.mark.parametrize("shape, block, pads", S2B_CASES)
def test_space_to_batch_nd_and_back(shape, block, pads):
    x = np.random.randn(*shape)
    y = gc.space_to_batch_nd(x, block, pads)
    want = _s2b_ref(x, block, pads)
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(y), want)
    back = gc.batch_to_space_nd(want, block, pads)
    assert back.shape.as_list() == list(x.shape)
    np.testing.assert_array_equal(run(back), _b2s_ref(want, block, pads))
    np.testing.assert_array_equal(run(back), x)


def test_space_to_batch_tf1_example():
    x = np.arange(1, 5).reshape(1, 2, 2, 1)
    np.testing.assert_array_equal(run(gc.space_to_batch(x, [[0, 0], [0, 0]], 2)),
                                  [[[[1]]], [[[2]]], [[[3]]], [[[4]]]])
    np.testing.assert_array_equal(run(gc.batch_to_space([[[[1]]], [[[2]]], [[[3]]],
                                                         [[[4]]]], [[0, 0], [0, 0]], 2)),
                                  x)


def test_space_to_batch_nd_unknown_dims_and_tensor_paddings():
    x = f64((None, None, 5, 2), "x")
    p = gc.placeholder(gc.int32, (2, 2), name="p")
    y = gc.space_to_batch_nd(x, [2, 2], p)
    assert y.shape.rank == 4 and y.shape.as_list()[3] == 2
    v = np.random.randn(2, 3, 5, 2)
    np.testing.assert_array_equal(run(y, {x: v, p: [[1, 0], [2, 1]]}),
                                  _s2b_ref(v, [2, 2], [[1, 0], [2, 1]]))
    z = gc.batch_to_space_nd(x, [2, 1], [[1, 0], [0, 2]])
    assert z.shape.as_list() == [None, None, 3, 2]
    w = np.random.randn(4, 3, 5, 2)
    np.testing.assert_array_equal(run(z, {x: w}), _b2s_ref(w, [2, 1], [[1, 0], [0, 2]]))


def test_space_to_batch_nd_gradients():
    check_vjp(lambda x: gc.space_to_batch_nd(x, [2, 3], [[1, 0], [0, 1]]),
              [np.random.randn(2, 3, 5, 2)], dynamic=True)
    check_jvp(lambda x: gc.batch_to_space_nd(x, [2, 2], [[0, 1], [1, 0]]),
              [np.random.randn(8, 2, 3, 1)])


def test_space_to_batch_errors():
    x = f64((2, 3, 5, 2), "x")
    raises(ShapeError, lambda: gc.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]]),
           "not a multiple of block_shape[0] = 2", "'x'")
    raises(ShapeError, lambda: gc.batch_to_space_nd(x, [2, 2], [[0, 0], [0, 0]]),
           "not a multiple of prod(block_shape) = 4")
    raises(ShapeError, lambda: gc.space_to_batch_nd(f64((2, 4), "v"), [2, 2],
                                                    [[0, 0], [0, 0]]), "rank >= 3")
    raises(ShapeError, lambda: gc.batch_to_space_nd(f64((4, 2, 3), "w"), [2, 2],
                                                    [[3, 2], [0, 0]]), "crops[0]")
    raises(ShapeError, lambda: gc.space_to_batch(f64((2, 4, 4)), [[0, 0], [0, 0]], 2),
           "rank 4")
    with pytest.raises(ValueError, match="block_shape"):
        gc.space_to_batch_nd(x, [[2]], [[0, 0]])
    with pytest.raises(ValueError, match="paddings"):
        gc.space_to_batch_nd(x, [2, 2], [[0, 0]])
    with pytest.raises(ValueError, match="block_size"):
        gc.batch_to_space(x, [[0, 0], [0, 0]], 1)


# ---- image.resize -------------------------------------------------------------------------
def test_image_resize_is_tf1_resize_images():
    x = np.random.rand(2, 4, 5, 3).astype(np.float32)
    for method in range(4):
        a = gc.image.resize(x, [6, 7], method)
        b = gc.image.resize_images(x, [6, 7], method)
        assert a.shape.as_list() == [2, 6, 7, 3] and a.dtype is b.dtype
        np.testing.assert_array_equal(run(a), run(b))
    # legacy coordinates (no half-pixel centres): output (0, 0) is input (0, 0)
    up = run(gc.image.resize(x, [8, 10]))
    np.testing.assert_allclose(up[:, 0, 0], x[:, 0, 0])
    np.testing.assert_allclose(up[:, 1, 1], x[:, 0, 0] * 0.25 + x[:, 0, 1] * 0.25
                               + x[:, 1, 0] * 0.25 + x[:, 1, 1] * 0.25, rtol=1e-6)
    y = gc.image.resize(x[0], [5, 3], align_corners=True)
    assert y.shape.as_list() == [5, 3, 3]
    raises(ShapeError, lambda: gc.image.resize(np.zeros((4, 5)), [2, 2]), "dimensions")


def test_bool_pad_and_scatter_nd():
    """Bool tensors pad with False by default, in every mode, and scatter_nd takes bool
    updates, repeats or-ed (TF1; hunt 21)."""
    m = gc.placeholder(gc.bool, [None, None])
    mv = np.array([[True, False, True], [False, False, True]])
    got = run([gc.pad(m, [[1, 0], [0, 1]]), gc.pad(m, [[1, 1], [0, 0]], mode="REFLECT"),
               gc.image.pad_to_bounding_box(m[:, :, None], 1, 1, 4, 5)[..., 0],
               gc.scatter_nd([[0], [0], [2]], [True, False, True], [3])], {m: mv})
    np.testing.assert_array_equal(got[0], np.pad(mv, [[1, 0], [0, 1]]))
    np.testing.assert_array_equal(got[1], np.pad(mv, [[1, 1], [0, 0]], mode="reflect"))
    np.testing.assert_array_equal(got[2], np.pad(mv, [[1, 1], [1, 1]]))
    assert got[3].dtype == np.bool_ and got[3].tolist() == [True, False, True]
    raises(DTypeError, lambda: gc.scatter_nd([[0]], ["a"], [2]), "numeric or bool")
