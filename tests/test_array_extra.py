"""The ops of graphc.ops.array_extra, math_extra and counting beyond the registry-wide
checks: TF1's documented examples, build-time errors (naming this file's line), static
shapes with unknown dims, the edges of bincount/histogram/searchsorted, derivatives of
div_no_nan where y == 0, and values and derivatives of the composites (polyval,
identity_n, meshgrid, strided_slice...)."""
import math

import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ExecutionError, ShapeError
from graphc.testing import check_jvp, check_vjp
from helpers import raises, run


def f64(shape, name=None):
    return gc.placeholder(gc.float64, shape, name=name)


# ---- roll ---------------------------------------------------------------------------------
def test_roll_tf1_examples():
    t = [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    np.testing.assert_array_equal(run(gc.roll([0, 1, 2, 3, 4], shift=2, axis=0)),
                                  [3, 4, 0, 1, 2])
    np.testing.assert_array_equal(run(gc.roll(t, shift=[1, -2], axis=[0, 1])),
                                  [[7, 8, 9, 5, 6], [2, 3, 4, 0, 1]])
    # shifts along a repeated axis add up
    np.testing.assert_array_equal(run(gc.roll(t, shift=[2, -3], axis=[1, 1])),
                                  [[1, 2, 3, 4, 0], [6, 7, 8, 9, 5]])


def test_roll_errors_and_unknown_dims():
    x = f64((2, 3), "x")
    raises(ShapeError, lambda: gc.roll(x, 1, 2), "axis 2 is out of range for x of rank 2")
    raises(ShapeError, lambda: gc.roll(x, [1, 2], [0]), "as many entries, not 2 and 1")
    raises(DTypeError, lambda: gc.roll(x, 1.5, 0), "shift", "integer")
    y = gc.roll(f64((None, 3)), 1, -1)
    assert y.shape.as_list() == [None, 3]


def test_roll_gradient_with_a_run_time_shift_and_its_batching():
    s = np.array([2, -1], np.int32)
    check_vjp(lambda x, s: gc.roll(x, s, [0, 1]), [np.random.randn(3, 4), s])
    check_jvp(lambda x, s: gc.roll(x, s, [0, 1]), [np.random.randn(3, 4), s])
    x = f64((3, 4))
    jac = run(gc.jacobian(gc.roll(x, 1, -1), x, mode="forward"), {x: np.zeros((3, 4))})
    want = np.zeros((3, 4, 3, 4))
    for i, j in np.ndindex(3, 4):
        want[i, (j + 1) % 4, i, j] = 1.0
    np.testing.assert_array_equal(jac, want)


# ---- lin_space ----------------------------------------------------------------------------
def test_linspace_values_end_exactly_at_stop():
    np.testing.assert_array_equal(run(gc.linspace(10.0, 12.0, 3)), [10.0, 11.0, 12.0])
    v = run(gc.lin_space(0.1, 0.7, 7))
    assert v.dtype == np.float32 and v[-1] == np.float32(0.7) and v[0] == np.float32(0.1)
    np.testing.assert_allclose(v, np.linspace(0.1, 0.7, 7), rtol=1e-6)


def test_linspace_static_length_and_errors():
    x = f64((5, None))
    assert gc.linspace(0.0, 1.0, gc.shape(x)[0]).shape.as_list() == [5]
    n = gc.placeholder(gc.int32, ())
    y = gc.linspace(0.0, 1.0, n)
    assert y.shape.as_list() == [None]
    np.testing.assert_allclose(run(y, {n: 4}), [0, 1 / 3, 2 / 3, 1], rtol=1e-6)
    with pytest.raises(ExecutionError, match="num must be > 0"):
        run(y, {n: 0})
    raises(ShapeError, lambda: gc.linspace(0.0, 1.0, 0), "num", "must be > 0, got 0")
    raises(DTypeError, lambda: gc.linspace(0, 4, 3), "float")
    raises(ShapeError, lambda: gc.linspace([0.0, 1.0], 2.0, 3), "start", "must be a scalar")


def test_linspace_gradient():
    """d out_i / d start = 1 - i/(n-1), d out_i / d stop = i/(n-1); num = 1: [1, 0]."""
    a, b = f64(()), f64(())
    for n, w in ((5, np.arange(5) / 4), (1, np.zeros(1))):
        g = np.random.randn(n)
        ga, gb = gc.gradients(gc.linspace(a, b, n), [a, b], grad_ys=[g])
        got = run([ga, gb], {a: 0.3, b: -2.0})
        np.testing.assert_allclose(got, [np.sum(g * (1 - w)), np.sum(g * w)], atol=1e-12)
    check_jvp(lambda a, b: gc.linspace(a, b, 6), [np.array(0.5), np.array(3.0)])


# ---- space_to_depth, depth_to_space -------------------------------------------------------
def test_space_to_depth_tf1_examples():
    x = [[[[1], [2]], [[3], [4]]]]
    np.testing.assert_array_equal(run(gc.space_to_depth(x, 2)), [[[[1, 2, 3, 4]]]])
    y = [[[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]]
    np.testing.assert_array_equal(run(gc.space_to_depth(y, 2)), [[[list(range(1, 13))]]])
    np.testing.assert_array_equal(run(gc.depth_to_space([[[list(range(1, 13))]]], 2)), y)
    z = np.arange(16).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(run(gc.space_to_depth(z, 2))[0, :, :, 0], [[0, 2], [8, 10]])
    nchw = z.transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(run(gc.space_to_depth(nchw, 2, data_format="NCHW")),
                                  run(gc.space_to_depth(z, 2)).transpose(0, 3, 1, 2))


def test_space_to_depth_shapes_and_errors():
    y = gc.space_to_depth(f64((None, 4, None, 3)), 2)
    assert y.shape.as_list() == [None, 2, None, 12]
    assert gc.depth_to_space(y, 2).shape.as_list() == [None, 4, None, 3]
    assert gc.space_to_depth(f64((2, 3, 4, 6)), 2, data_format="NCHW").shape.as_list() == \
        [2, 12, 2, 3]
    x = f64((1, 5, 4, 3), "x")
    raises(ShapeError, lambda: gc.space_to_depth(x, 2), "height", "x, 5", "multiple of 2")
    raises(ShapeError, lambda: gc.depth_to_space(x, 2), "depth", "x, 3", "multiple of 4")
    raises(ShapeError, lambda: gc.space_to_depth(x, 1), "block_size must be an int >= 2")
    raises(ShapeError, lambda: gc.space_to_depth(f64((4, 4, 3)), 2), "rank 4")
    with pytest.raises(ValueError, match="data_format"):
        gc.space_to_depth(x, 2, data_format="NCHW_VECT_C")


def test_space_to_depth_and_depth_to_space_are_each_others_vjp():
    x = f64((2, 4, 6, 3))
    g, = gc.gradients(gc.space_to_depth(x, 2), [x])
    assert g.node.op.name == "DepthToSpace"
    gy = np.random.randn(2, 2, 3, 12)
    g2, = gc.gradients(gc.space_to_depth(x, 2), [x], grad_ys=[gy])
    np.testing.assert_array_equal(run(g2, {x: np.zeros((2, 4, 6, 3))}),
                                  run(gc.depth_to_space(gy, 2)))
    y = f64((1, 2, 2, 8))
    assert gc.gradients(gc.depth_to_space(y, 2), [y])[0].node.op.name == "SpaceToDepth"


# ---- broadcast shapes ---------------------------------------------------------------------
def test_broadcast_dynamic_shape_values_static_shapes_and_errors():
    np.testing.assert_array_equal(run(gc.broadcast_dynamic_shape([2, 1, 3], [4, 1])),
                                  [2, 4, 3])
    x, y = f64((None, 1, 3)), f64((4, 1))
    s = gc.broadcast_dynamic_shape(gc.shape(x), gc.shape(y))
    assert s.shape.as_list() == [3]
    assert gc.broadcast_to(x, s).shape.as_list() == [None, 4, 3]
    raises(ShapeError, lambda: gc.broadcast_dynamic_shape([2, 3], [4, 3]), "cannot be "
           "broadcast", "2 vs 4")
    u, v = f64((None, 3)), f64((None, 3))
    t = gc.broadcast_dynamic_shape(gc.shape(u), gc.shape(v))
    with pytest.raises(ExecutionError, match="cannot be broadcast"):
        run(t, {u: np.zeros((2, 3)), v: np.zeros((5, 3))})


def test_broadcast_static_shape():
    s = gc.broadcast_static_shape(gc.TensorShape([None, 1, 3]), gc.TensorShape([4, 1]))
    assert s.as_list() == [None, 4, 3]
    assert gc.broadcast_static_shape(gc.TensorShape([None]), gc.TensorShape([1])) \
        .as_list() == [None]
    assert gc.broadcast_static_shape(gc.TensorShape([1, 5]), gc.TensorShape([7, 1])) \
        .as_list() == [7, 5]
    assert gc.broadcast_static_shape(gc.TensorShape(None), gc.TensorShape([2])).rank is None
    with pytest.raises(ValueError, match="Incompatible shapes for broadcasting"):
        gc.broadcast_static_shape(gc.TensorShape([2]), gc.TensorShape([3]))


# ---- setdiff1d, where_v2, identity_n, shape_n --------------------------------------------
def test_setdiff1d_tf1_example_and_errors():
    out, idx = run(list(gc.setdiff1d([1, 2, 3, 4, 5, 6], [1, 3, 5])))
    np.testing.assert_array_equal(out, [2, 4, 6])
    np.testing.assert_array_equal(idx, [1, 3, 5])
    r = gc.setdiff1d([3, 1, 3, 2], [2])
    assert r.out.shape.as_list() == [3] and r.idx.dtype is gc.int32     # constants: known
    np.testing.assert_array_equal(run(r.out), [3, 1, 3])
    x = gc.placeholder(gc.int32, (2, 2), name="x")
    raises(ShapeError, lambda: gc.setdiff1d(x, [1]), "x must be 1-D")
    with pytest.raises(TypeError, match="index_dtype"):
        gc.setdiff1d([1], [1], index_dtype=gc.float32)


def test_where_v2_broadcasts_and_has_the_one_argument_form():
    c = np.array([True, False, True])
    x, y = np.arange(6.0).reshape(2, 3), np.array([-1.0])
    np.testing.assert_array_equal(run(gc.where_v2(c, x, y)), np.where(c, x, y))
    np.testing.assert_array_equal(run(gc.where_v2([[True, False], [False, True]])),
                                  [[0, 0], [1, 1]])
    xt = f64((2, 3))
    gx, = gc.gradients(gc.reduce_sum(gc.where_v2(c, xt, 0.0)), [xt])
    np.testing.assert_array_equal(run(gx, {xt: x}), np.broadcast_to(c, (2, 3)).astype(float))


def test_identity_n_and_shape_n():
    a, b = f64((2, 3)), f64((None,))
    ia, ib = gc.identity_n([a, b])
    assert ia.shape == a.shape and ib.shape.as_list() == [None]
    check_vjp(lambda a, b: gc.identity_n([a * 2.0, b]), [np.random.randn(2, 3),
                                                          np.random.randn(4)])
    sa, sb = gc.shape_n([a, b], out_type=gc.int64)
    assert sa.dtype is gc.int64 and sb.shape.as_list() == [1]
    got = run([sa, sb], {a: np.zeros((2, 3)), b: np.zeros(5)})
    np.testing.assert_array_equal(got[0], [2, 3])
    np.testing.assert_array_equal(got[1], [5])


# ---- meshgrid, strided_slice, polyval -----------------------------------------------------
def test_meshgrid_tf1_example_kwargs_and_errors():
    X, Y = gc.meshgrid([1, 2, 3], [4, 5, 6, 7])
    assert X.shape.as_list() == [4, 3]
    np.testing.assert_array_equal(run(X), np.meshgrid([1, 2, 3], [4, 5, 6, 7])[0])
    np.testing.assert_array_equal(run(Y), np.meshgrid([1, 2, 3], [4, 5, 6, 7])[1])
    I, J = gc.meshgrid([1, 2, 3], [4, 5], indexing="ij")
    assert I.shape.as_list() == [3, 2]
    u = f64((None,))
    M, N = gc.meshgrid(u, np.array([1.0, 2.0]))
    assert M.shape.as_list() == [2, None]
    assert run(N, {u: np.zeros(4)}).shape == (2, 4)
    with pytest.raises(ValueError, match="indexing"):
        gc.meshgrid([1], [2], indexing="xyz")
    with pytest.raises(TypeError, match="'sparse' is an invalid keyword"):
        gc.meshgrid([1], [2], sparse=True)
    with pytest.raises(DTypeError, match="one dtype"):
        gc.meshgrid([1], [2.0])


def test_strided_slice_tf1_examples():
    t = gc.constant([[[1, 1, 1], [2, 2, 2]], [[3, 3, 3], [4, 4, 4]],
                     [[5, 5, 5], [6, 6, 6]]])
    np.testing.assert_array_equal(run(gc.strided_slice(t, [1, 0, 0], [2, 1, 3], [1, 1, 1])),
                                  [[[3, 3, 3]]])
    np.testing.assert_array_equal(run(gc.strided_slice(t, [1, 0, 0], [2, 2, 3], [1, 1, 1])),
                                  [[[3, 3, 3], [4, 4, 4]]])
    np.testing.assert_array_equal(run(gc.strided_slice(t, [1, -1, 0], [2, -3, 3],
                                                       [1, -1, 1])),
                                  [[[4, 4, 4], [3, 3, 3]]])
    # shrink ignores the begin mask, end and stride of its entry (TF1)
    np.testing.assert_array_equal(run(gc.strided_slice(t, [2, 0], [0, 0], [5, 1],
                                                       begin_mask=1, end_mask=2,
                                                       shrink_axis_mask=1)),
                                  [[5, 5, 5], [6, 6, 6]])


def test_strided_slice_gradient_run_time_begin_and_errors():
    x = np.random.randn(4, 3, 5)
    check_vjp(lambda x: gc.strided_slice(x, [3, 0], [0, 5], [-1, 2], end_mask=1),
              [x])
    b = gc.placeholder(gc.int32, (2,))
    xt = f64((4, 3, 5))
    y = gc.strided_slice(xt, b, [0, 0], shrink_axis_mask=3)
    assert y.shape.as_list() == [5]
    np.testing.assert_array_equal(run(y, {b: [2, -1], xt: x}), x[2, -1])
    z = gc.strided_slice(xt, b, [3, 2])          # run-time slice bounds (TF1 takes them)
    assert z.shape.as_list() == [None, None, 5]
    np.testing.assert_array_equal(run(z, {b: [1, 0], xt: x}), x[1:3, 0:2])
    with pytest.raises(TypeError, match="slice bounds"):
        xt[1.5:]
    with pytest.raises(ValueError, match="one length"):
        gc.strided_slice(xt, [0, 0], [1])
    raises(ShapeError, lambda: gc.strided_slice(xt, [0, 0], [1, 1], ellipsis_mask=3),
           "only one Ellipsis")


def test_polyval_values_gradients_and_edges():
    x = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(run(gc.polyval([1.0, 2.0, 3.0], x)), x * x + 2 * x + 3)
    np.testing.assert_array_equal(run(gc.polyval([], gc.constant(x))), np.zeros(7))
    c = [np.random.randn(), np.random.randn(3), np.random.randn(), np.random.randn(3)]
    check_vjp(lambda a, b, c, d, x: gc.polyval([a, b, c, d], x), c + [np.random.randn(3)])
    check_jvp(lambda a, b, c, d, x: gc.polyval([a, b, c, d], x), c + [np.random.randn(3)])
    coeffs = np.array([0.5, -1.0, 2.0, 0.25])
    xt = f64((7,))
    d, = gc.gradients(gc.reduce_sum(gc.polyval(list(coeffs), xt)), [xt])
    np.testing.assert_allclose(run(d, {xt: x}), np.polyval(np.polyder(coeffs), x))
    with pytest.raises(ValueError, match="must be list type"):
        gc.polyval((1.0, 2.0), x)


# ---- bincount, searchsorted, histogram_fixed_width ----------------------------------------
def test_bincount_tf1_examples_and_edges():
    v = [1, 1, 2, 3, 2, 4, 4, 5]
    np.testing.assert_array_equal(run(gc.bincount(v)), [0, 2, 2, 1, 2, 1])
    w = gc.bincount(v, weights=[1.0, 5, 0, 1, 0, 5, 4, 5])
    np.testing.assert_array_equal(run(w), [0, 6, 0, 1, 9, 5])
    empty = gc.placeholder(gc.int32, (None,))
    assert run(gc.bincount(empty), {empty: np.zeros(0, np.int32)}).shape == (0,)
    np.testing.assert_array_equal(run(gc.bincount(empty, minlength=3),
                                      {empty: np.zeros(0, np.int32)}), [0, 0, 0])
    np.testing.assert_array_equal(run(gc.bincount(v, maxlength=3)), [0, 2, 2])
    b = gc.bincount(empty, minlength=4, maxlength=4, dtype=gc.float64)
    assert b.shape.as_list() == [4] and b.dtype is gc.float64
    with pytest.raises(ExecutionError, match="non-negative"):
        run(gc.bincount(empty), {empty: np.array([1, -2], np.int32)})
    a = gc.placeholder(gc.float32, (3,), name="a")
    raises(DTypeError, lambda: gc.bincount(a), "arr a must be an integer tensor")
    with pytest.raises(TypeError, match="dtype"):
        gc.bincount(v, dtype=gc.bool)


def test_weighted_bincount_gradient_skips_values_past_maxlength():
    ids = gc.placeholder(gc.int32, (6,))
    wt = f64((6,))
    y = gc.bincount(ids, weights=wt, maxlength=3)
    g, = gc.gradients(y, [wt], grad_ys=[np.array([1.0, 10.0, 100.0])])
    feed = {ids: [0, 5, 2, 1, 3, 2], wt: np.ones(6)}
    np.testing.assert_array_equal(run(g, feed), [1, 0, 100, 10, 0, 100])
    np.testing.assert_array_equal(run(y, feed), [1, 1, 2])


def test_searchsorted_tf1_example_and_errors():
    seq = [[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]]
    vals = [[2, 4, 9], [0, 2, 6]]
    np.testing.assert_array_equal(run(gc.searchsorted(seq, vals)), [[1, 2, 2], [0, 1, 5]])
    np.testing.assert_array_equal(run(gc.searchsorted(seq, vals, side="right")),
                                  [[1, 2, 4], [0, 2, 5]])
    s, v = f64((None, 5), "s"), f64((None, 4), "v")
    assert gc.searchsorted(s, v).shape.as_list() == [None, 4]
    q = f64((3, 4), "q")
    raises(ShapeError, lambda: gc.searchsorted(f64((2, 5), "s"), q), "same leading dims")
    raises(ShapeError, lambda: gc.searchsorted(f64((5,), "s"), q), "same rank")
    raises(DTypeError, lambda: gc.searchsorted(s, gc.cast(v, gc.int32)), "dtypes differ")
    with pytest.raises(ValueError, match="side must be either"):
        gc.searchsorted(seq, vals, side="middle")
    assert gc.searchsorted(s, v, out_type=gc.int64).dtype is gc.int64


def test_searchsorted_of_empty_values_or_sequences():
    empty = np.zeros((0,), np.float32)
    assert run(gc.searchsorted(gc.constant([1.0, 2.0]), empty)).shape == (0,)
    assert run(gc.searchsorted(np.zeros((2, 0), np.float32), [[1.0], [2.0]])).tolist() == \
        [[0], [0]]
    assert run(gc.searchsorted(np.zeros((0, 3)), np.zeros((0, 2)))).shape == (0, 2)


def test_histogram_fixed_width_tf1_example_and_binning_rule():
    got = run(gc.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], nbins=5))
    np.testing.assert_array_equal(got, [2, 1, 1, 0, 2])
    # a value on an inner edge starts the next bin; hi itself and beyond go to the last
    edges = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 1e30, -1e30])
    np.testing.assert_array_equal(run(gc.histogram_fixed_width(edges, [0.0, 1.0], 4)),
                                  [2, 1, 1, 3])
    h = gc.histogram_fixed_width(f64((None, 3)), [0.0, 1.0])
    assert h.shape.as_list() == [100] and h.dtype is gc.int32
    v = f64((4,), "v")
    raises(ShapeError, lambda: gc.histogram_fixed_width(v, [0.0, 1.0, 2.0]), "shape (2,)")
    raises(ShapeError, lambda: gc.histogram_fixed_width(v, [1.0, 1.0]), "value_range[0] <")
    raises(ShapeError, lambda: gc.histogram_fixed_width(v, [0.0, 1.0], 0), "must be > 0")
    with pytest.raises(ExecutionError, match="NaN"):
        run(gc.histogram_fixed_width(v, [0.0, 1.0]), {v: [0.0, np.nan, 1.0, 2.0]})


# ---- realdiv, div_no_nan, erfc, rint ------------------------------------------------------
def test_div_no_nan_is_zero_with_finite_derivatives_where_y_is_zero():
    x, y = f64((3,)), f64((3,))
    z = gc.div_no_nan(x, y)
    gx, gy = gc.gradients(z, [x, y])
    tz, = gc.jvp([z], [x, y], [np.ones(3), np.ones(3)])
    hx, = gc.hessians(gc.reduce_sum(z), [y])
    feed = {x: [1e300, -3.0, 6.0], y: [0.0, 0.0, 2.0]}
    vz, vgx, vgy, vtz, vh = run([z, gx, gy, tz, hx], feed)
    np.testing.assert_array_equal(vz, [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(vgx, [0.0, 0.0, 0.5])
    np.testing.assert_array_equal(vgy, [0.0, 0.0, -1.5])
    np.testing.assert_array_equal(vtz, [0.0, 0.0, 0.5 - 1.5])
    np.testing.assert_array_equal(vh, np.diag([0.0, 0.0, 1.5]))     # 2x/y^3
    check_vjp(gc.div_no_nan, [np.random.randn(2, 3), np.random.uniform(0.5, 2, (3,))])
    raises(DTypeError, lambda: gc.div_no_nan(gc.constant([1]), gc.constant([2])), "float")


def test_realdiv_erfc_rint():
    np.testing.assert_allclose(run(gc.realdiv([1.0, 3.0], [4.0, 2.0])), [0.25, 1.5])
    raises(DTypeError, lambda: gc.realdiv(gc.constant([1]), gc.constant([2])), "float")
    check_vjp(lambda x, y: gc.realdiv(x, y), [np.random.randn(3), np.random.uniform(1, 2, 3)])
    xe = f64((3,))
    got = run(gc.erfc(xe), {xe: [0.0, 10.0, -1.0]})
    assert got[1] == pytest.approx(math.erfc(10.0), rel=1e-13) and got[1] > 0
    np.testing.assert_allclose(got[[0, 2]], [1.0, math.erfc(-1.0)], rtol=1e-14)
    raises(DTypeError, lambda: gc.erfc(gc.constant([1])), "float")
    halves = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.7, -3.7]
    np.testing.assert_array_equal(run(gc.rint(halves)), [-2, -2, -0, 0, 2, 2, 4, -4])
    xr = f64((2,))
    assert gc.gradients(gc.rint(xr), [xr]) == [None]          # no gradient, as in TF1
    raises(DTypeError, lambda: gc.rint(gc.constant([1])), "float")


# ---- TF1 forms found by the TensorFlow parity tests --------------------------------------
def test_where_vector_condition_picks_rows_as_in_tf1():
    x, y = np.arange(9.0).reshape(3, 3), -np.ones((3, 3))
    c = [True, False, True]
    np.testing.assert_array_equal(run(gc.where(c, x, y)), np.where(np.reshape(c, (3, 1)), x, y))
    # where_v2 broadcasts as numpy does: the condition picks columns
    np.testing.assert_array_equal(run(gc.where_v2(c, x, y)), np.where(c, x, y))
    check_vjp(lambda x, y: gc.where([False, True], x, y),
              [np.random.randn(2, 3), np.random.randn(2, 3)])


def test_gather_batch_dims():
    x, ids = np.random.randn(2, 3, 4), np.array([[3, 0], [1, 2]])
    want = np.stack([x[b][:, ids[b]] for b in range(2)])        # (2, 3, 2)
    y = gc.gather(x, ids, axis=2, batch_dims=1)
    assert y.shape.as_list() == [2, 3, 2]
    np.testing.assert_allclose(run(y), want)
    np.testing.assert_allclose(run(gc.gather(x, [[1], [0]], batch_dims=1)),
                               np.stack([x[0, [1]], x[1, [0]]]))
    check_vjp(lambda x: gc.gather(x, ids, axis=-1, batch_dims=-1), [x])


def test_bool_zeros_and_ones():
    np.testing.assert_array_equal(run(gc.ones([2], dtype=gc.bool)), [True, True])
    np.testing.assert_array_equal(run(gc.zeros_like(gc.constant([True]))), [False])


def test_einsum_diagonals_and_traces():
    a, b = np.random.randn(4, 4), np.random.randn(2, 3, 3, 5)
    np.testing.assert_allclose(run(gc.einsum("ii->", a)), np.trace(a))
    np.testing.assert_allclose(run(gc.einsum("ii", a)), np.trace(a))
    np.testing.assert_allclose(run(gc.einsum("...jjk->...k", b)), np.einsum("...jjk->...k", b))
    check_vjp(lambda a: gc.einsum("ii,i->i", a, a[0]), [a])
    with pytest.raises(ValueError, match="repeated in the output"):
        gc.einsum("i->ii", gc.zeros([3]))
