"""tf.math details checked against TF (2.21, compat.v1): cumulative_logsumexp far below
the row's maximum, reduce_prod's gradient without division, gradients of segment ops and
gather on inputs of unknown rank, segment reductions with a zero-size inner dim,
histogram_fixed_width_bins at +-inf and confusion_matrix with an int64 num_classes.
Expected values are TF's outputs; gradients are also checked by finite differences."""
import warnings

import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_jvp, check_vjp
from helpers import run

# inf and -1e9 inputs on purpose: numpy's overflow/invalid warnings are expected here
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

RNG = np.random.default_rng(18)


def _run(fetches, feed=None):
    with gc.Session() as s:
        return s.run(fetches, feed)


def _unranked(t):
    """t with neither its rank nor its dims known when the graph is built."""
    return gc.placeholder_with_default(t, shape=None)


# ---- cumulative_logsumexp ------------------------------------------------------------------
def test_cumulative_logsumexp_is_finite_far_below_the_maximum_f32():
    x = gc.placeholder(gc.float32, [None, None])
    c = gc.math.cumulative_logsumexp(x, axis=1)
    ce = gc.math.cumulative_logsumexp(x, axis=1, exclusive=True, reverse=True)
    g = gc.gradients(gc.reduce_sum(c[:, 0]), x)[0]
    xv = np.array([[-200., 0., 1.], [100., 100., -100.], [np.inf, 0., 1.],
                   [-1e9, -1e9, 5.]], np.float32)
    cv, cev, gv = _run([c, ce, g], {x: xv})
    np.testing.assert_allclose(cv, [[-200, 0, 1.3132616], [100, 100.693146, 100.693146],
                                    [np.inf] * 3, [-1e9, -1e9, 5]], rtol=1e-6)
    np.testing.assert_allclose(cev, [[1.3132617, 1, -np.inf], [100, -100, -np.inf],
                                     [1.3132617, 1, -np.inf], [5, 5, -np.inf]], rtol=1e-6)
    np.testing.assert_array_equal(gv, [[1, 0, 0], [1, 0, 0], [np.nan, 0, 0], [1, 0, 0]])


def test_cumulative_logsumexp_values_and_gradients_match_tf_f64():
    x = gc.placeholder(gc.float64, [None, None])
    xv = np.array([[-200., 0., 1.], [100., 100., -100.], [-1e9, -1e9, 5.]])
    w = gc.constant([[1., -2., 0.5]], gc.float64)      # both signs in the cotangent
    c = gc.math.cumulative_logsumexp(x, axis=1)
    ce = gc.math.cumulative_logsumexp(x, axis=1, exclusive=True, reverse=True)
    g = gc.gradients(gc.reduce_sum(c * w), x)[0]
    ge = gc.gradients(gc.reduce_sum(ce * w), x)[0]
    cv, cev, gv, gev = _run([c, ce, g, ge], {x: xv})
    np.testing.assert_allclose(cv, [[-200., 1.3838965267367376e-87, 1.3132616875182228],
                                    [100., 100.69314718055995, 100.69314718055995],
                                    [-1e9, -999999999.30685282, 5.]], rtol=1e-12)
    np.testing.assert_allclose(cev, [[1.3132616875182228, 1., -np.inf],
                                     [100., -100., -np.inf], [5., 5., -np.inf]], rtol=1e-12)
    np.testing.assert_allclose(gv, [[1., -1.8655292893150024, 0.3655292893150025],
                                    [0.25, -0.75, 3.4597413168418311e-88],
                                    [0., -1., 0.5]], rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(gev, [[0., 0.2689414213699951, -1.268941421369995],
                                     [0., 1., -2.0000000000000036], [0., 0., -1.]],
                               rtol=1e-9)


def test_cumulative_logsumexp_exclusive_prefixes_before_a_huge_value():
    x = gc.placeholder(gc.float32, [None])
    y = gc.math.cumulative_logsumexp(x, exclusive=True)
    got = _run(y, {x: [1., 1e8, 1., 3e-8, 1e30, 1e10, 1e-30]})
    np.testing.assert_allclose(got, [-np.inf, 1., 1e8, 1e8, 1e8, 1e30, 1e30], rtol=1e-6)


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (False, True),
                                               (True, True)])
def test_cumulative_logsumexp_gradients_by_finite_differences(exclusive, reverse):
    x = RNG.standard_normal((3, 4)) * 3
    x[0, 0] = -60.0            # far below the rest: the old formula lost its prefix
    # exclusive: the first output (last with reverse) is a constant -inf, left out
    keep = slice(None) if not exclusive else slice(None, -1) if reverse else slice(1, None)
    check_vjp(lambda t: gc.math.cumulative_logsumexp(t, 1, exclusive, reverse)[:, keep], [x])
    check_vjp(lambda t: gc.math.cumulative_logsumexp(t, 0, exclusive, reverse)[keep], [x],
              dynamic=True)


def test_cumulative_logsumexp_second_order_and_jvp():
    x = RNG.standard_normal((2, 3))
    check_vjp(lambda t: gc.gradients(gc.reduce_sum(gc.square(
        gc.math.cumulative_logsumexp(t, 1))), t)[0], [x])
    check_jvp(lambda t: gc.math.cumulative_logsumexp(t, 1, True, True), [x])
    check_jvp(lambda t: gc.math.cumulative_logsumexp(t, 0), [x])


# ---- reduce_prod's gradient ----------------------------------------------------------------
def test_reduce_prod_gradient_does_not_divide():
    x = gc.placeholder(gc.float32, [None, None])
    g = gc.gradients(gc.reduce_sum(gc.reduce_prod(x, axis=1)), x)[0]
    xv = np.array([[np.inf, 2., 3.], [1e-30, 1e-30, 1e30], [np.nan, 2., 3.],
                   [1e20, 1e20, 1e-20]], np.float32)
    np.testing.assert_array_equal(_run(g, {x: xv}), [[6, np.inf, np.inf], [1, 1, 0],
                                                      [6, np.nan, np.nan], [1, 1, np.inf]])


def test_reduce_prod_gradient_over_several_axes_of_unknown_rank():
    x = gc.placeholder(gc.float32)
    g = gc.gradients(gc.reduce_sum(gc.reduce_prod(x, axis=[0, 2])), x)[0]
    xv = np.array([[[0., 2.], [3., 0.]], [[1e-30, 1e30], [np.inf, 2.]]], np.float32)
    np.testing.assert_array_equal(_run(g, {x: xv}), [[[2, 0], [np.nan, np.inf]],
                                                      [[0, 0], [0, np.nan]]])


@pytest.mark.parametrize("axis", [None, 1, (0, 2), (-1, 0)])
def test_reduce_prod_gradient_by_finite_differences(axis):
    x = RNG.uniform(0.5, 2.0, (2, 3, 4))
    x[1, 1, 1] = 0.0
    check_vjp(lambda t: gc.reduce_prod(t, axis), [x])
    check_vjp(lambda t: gc.reduce_prod(_unranked(t), axis), [x])
    if axis is not None:       # the axes known only at run time
        ax = np.array(axis, np.int32).reshape(-1)
        check_vjp(lambda t: gc.reduce_prod(t, gc.placeholder_with_default(ax, [None])), [x])


# ---- gradients on inputs of unknown rank ---------------------------------------------------
def test_unsorted_segment_sum_gradient_with_unknown_ranks():
    x = gc.placeholder(gc.float32, [None, 2])
    ids = gc.placeholder(gc.int32)
    y = gc.unsorted_segment_sum(x, ids, 3)
    g = gc.gradients(gc.reduce_sum(y * y), x)[0]
    # TF: rows with the dropped id -1 get 0, the others 2 * their segment's sum
    got = _run(g, {x: np.arange(6.).reshape(3, 2), ids: [2, -1, 2]})
    np.testing.assert_array_equal(got, [[8, 12], [0, 0], [8, 12]])


@pytest.mark.parametrize("name,fn,want", [
    ("unsorted_segment_sqrt_n", lambda x, i, n: gc.math.unsorted_segment_sqrt_n(x, i, n),
     [0., 2., 6., 8., 6., 8.]),
    ("unsorted_segment_mean", lambda x, i, n: gc.math.unsorted_segment_mean(x, i, n),
     [0., 2., 3., 4., 3., 4.]),
    ("sparse.segment_sqrt_n", lambda x, i, n: gc.sparse.segment_sqrt_n(x, i, i,
                                                                       num_segments=n),
     [0., 2., 8., 12., 0., 0.]),
    ("sparse.segment_sum", lambda x, i, n: gc.sparse.segment_sum(x, i, i, num_segments=n),
     [0., 2., 16., 24., 0., 0.])])
def test_segment_gradients_with_unknown_ranks(name, fn, want):
    x, i, n = gc.placeholder(gc.float32), gc.placeholder(gc.int32), gc.placeholder(gc.int32)
    g = gc.gradients(gc.reduce_sum(fn(x, i, n) ** 2), x)[0]
    got = _run(g, {x: np.arange(6, dtype=np.float32).reshape(3, 2), i: [0, 1, 1], n: 3})
    np.testing.assert_allclose(got.ravel(), want, rtol=1e-6)


def test_segment_gradients_with_unknown_ranks_by_finite_differences():
    x = RNG.standard_normal((4, 3))
    ids = np.array([1, -1, 0, 1])
    check_vjp(lambda t: gc.unsorted_segment_sum(_unranked(t), _unranked(ids), 3), [x])
    check_vjp(lambda t: gc.math.unsorted_segment_sqrt_n(_unranked(t), _unranked(ids), 3),
              [x])


def test_gather_gradient_along_other_axes_with_unknown_ranks():
    x, ids = gc.placeholder(gc.float32), gc.placeholder(gc.int32)
    g1 = gc.gradients(gc.reduce_sum(gc.gather(x, [2, 0, 2], axis=1) ** 2), x)[0]
    g2 = gc.gradients(gc.reduce_sum(gc.gather(x, ids, axis=-1) ** 2), x)[0]
    g3 = gc.gradients(gc.reduce_sum(gc.batch_gather(x, [[0], [1]]) ** 2), x)[0]
    got = _run([g1, g2, g3], {x: np.arange(6, dtype=np.float32).reshape(2, 3), ids: [1, 1]})
    np.testing.assert_array_equal(got[0], [[0, 0, 8], [6, 0, 20]])
    np.testing.assert_array_equal(got[1], [[0, 4, 0], [0, 16, 0]])
    np.testing.assert_array_equal(got[2], [[0, 0, 0], [0, 8, 0]])


@pytest.mark.parametrize("axis", [1, 2, -1, -2])
def test_gather_gradient_with_unknown_ranks_by_finite_differences(axis):
    x = RNG.standard_normal((2, 3, 4))
    ids = np.array([[0, 2], [1, 1], [2, 0]])
    check_vjp(lambda t: gc.gather(_unranked(t), ids, axis=axis), [x])
    check_vjp(lambda t: gc.gather(t, _unranked(ids), axis=axis), [x])


def test_batch_gather_of_unknown_rank_params():
    x = RNG.standard_normal((2, 4, 3))
    idx = np.array([[3, 0], [1, 1]])
    got = _run(gc.batch_gather(_unranked(gc.constant(x)), idx))
    np.testing.assert_array_equal(got, np.stack([x[0][[3, 0]], x[1][[1, 1]]]))
    check_vjp(lambda t: gc.batch_gather(_unranked(t), idx), [x])


# ---- segment reductions with a zero-size inner dim -----------------------------------------
def test_segment_reductions_of_data_with_an_empty_inner_dim():
    x, ids = gc.placeholder(gc.float32, [None, None]), gc.placeholder(gc.int32, [None])
    cases = {(2, 0): [gc.segment_sum(x, ids), gc.segment_mean(x, ids), gc.segment_max(x, ids),
                      gc.sparse.segment_sqrt_n(x, ids, ids)],
             (3, 0): [gc.unsorted_segment_max(x, ids, 3), gc.unsorted_segment_prod(x, ids, 3),
                      gc.unsorted_segment_sum(x, ids, 3)]}
    for want, ys in cases.items():
        for v in _run(ys, {x: np.zeros((2, 0), np.float32), ids: [0, 1]}):
            assert v.shape == want and v.dtype == np.float32
    g = gc.gradients(gc.reduce_sum(gc.segment_max(x, ids)), x)[0]
    assert _run(g, {x: np.zeros((2, 0), np.float32), ids: [0, 1]}).shape == (2, 0)


# ---- histogram_fixed_width_bins, confusion_matrix ------------------------------------------
def test_histogram_fixed_width_bins_puts_inf_and_huge_values_in_the_end_bins():
    v = gc.constant([0.5, 2., 1e9, np.inf, -1e9, -np.inf], gc.float32)
    got = _run(gc.histogram_fixed_width_bins(v, [0., 1.], nbins=10))
    assert got.tolist() == [5, 9, 9, 9, 0, 0] and got.dtype == np.int32


def test_confusion_matrix_takes_an_int64_num_classes():
    labels, preds = gc.placeholder(gc.int64, [None]), gc.placeholder(gc.int64, [None])
    n = gc.placeholder(gc.int64, [])
    cm = gc.confusion_matrix(labels, preds, num_classes=n)
    cm2 = gc.confusion_matrix(labels, preds, num_classes=gc.constant(3, gc.int64))
    got = _run([cm, cm2], {labels: [0, 1, 2], preds: [0, 2, 2], n: 3})
    for v in got:
        assert v.dtype == np.int32
        assert v.tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 1]]


def test_an_axis_or_perm_list_may_hold_scalar_tensors():
    x = gc.placeholder(gc.float32)                          # unknown rank
    y = gc.placeholder(gc.float32, [None, None])
    a = gc.placeholder(gc.int32, [])
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    outs = [gc.reduce_sum(x, [gc.rank(x) - 1]), gc.reduce_mean(x, [gc.constant(1)]),
            gc.reduce_max(x, [a, 0]), gc.reverse(y, [gc.rank(y) - 1]),
            gc.transpose(x, [a, 0])]
    with gc.Session() as s:
        got = s.run(outs, {x: v, y: v, a: 1})
    assert got[0].tolist() == [3, 12] and got[1].tolist() == [1, 4] and got[2] == 5
    assert got[3].tolist() == [[2, 1, 0], [5, 4, 3]] and got[4].shape == (3, 2)


def test_sparse_segment_ops_of_float16_add_in_float32():
    x = gc.placeholder(gc.float16, [None])
    n = gc.size(x)
    ids, zeros = gc.range(n), gc.zeros([n], gc.int32)
    outs = [gc.sparse.segment_sum(x, ids, zeros), gc.sparse.segment_mean(x, ids, zeros),
            gc.sparse.segment_sqrt_n(x, ids, zeros)]
    with gc.Session() as s:
        got = s.run(outs, {x: np.ones(5000, np.float16)})
    assert [g.dtype for g in got] == [np.float16] * 3
    assert got[0][0] == 5000 and got[1][0] == 1     # TF's kernel; half alone stops at 2048
    assert abs(float(got[2][0]) - np.sqrt(5000)) < 0.1


def test_complex_variance_scans_segments_and_sigmoid_as_tf():
    """TF 2.21's values and gradients (of a loss of the first three values y: the sum of
    re(y conj(w)) + im(y)^2 over w's two rows): a complex variance is real, mean(|x -
    mean|^2); cumsum, cumprod, segment sum/mean/prod and sigmoid take complex inputs."""
    x = gc.placeholder(gc.complex64, [None, 3])
    v = (np.arange(6).reshape(2, 3) + 1j * np.arange(6)[::-1].reshape(2, 3)) / 4 + 0.1
    w = gc.constant(np.array([[1 + 2j, 0.5 - 1j, 2j]] * 2, np.complex64))

    def first_row_loss(y):
        y = gc.reshape(y, [-1])[:3]
        return gc.reduce_sum(gc.real(y * gc.conj(w)) + gc.imag(y) ** 2)
    var = gc.math.reduce_variance(x, 0)
    assert var.dtype == gc.float32
    cases = {
        "var": (gc.cast(var, gc.complex64), [0.2812] * 3,
                [-0.75 + 0.75j, -0.375 + 0.375j, 0, 0.75 - 0.75j, 0.375 - 0.375j, 0]),
        "sigmoid": (gc.sigmoid(x), [0.5379 + 0.3594j, 0.6115 + 0.2626j, 0.666 + 0.1778j],
                    [0.6072 + 2.1083j, 0.3621 - 0.2325j, -0.2781 + 1.1968j, 0, 0, 0]),
        "cumprod": (gc.cumprod(x, 1, exclusive=True), [1, 0.1 + 1.25j, -1.215 + 0.5375j],
                    [-5.15 + 5.1525j, -7.6875 + 0.615j, 0, 0, 0, 0]),
        "segment_prod": (gc.math.segment_prod(x, [0, 0]),
                         [-0.54 + 1.1125j, 0.135 + 1.1875j, 0.81 + 1.0125j],
                         [-2.525 + 8.1825j, 0.4125 + 3.275j, 10.8675j,
                          -10.3625 + 3.345j, -2.4 + 1.9625j, -6.0375 + 4.83j]),
    }
    with gc.Session() as s:
        for name, (y, value, grad) in cases.items():
            (g,) = gc.gradients(first_row_loss(y), x)
            out, dx = s.run([y, g], {x: v})
            np.testing.assert_allclose(out.ravel()[:3], value, atol=1e-4, err_msg=name)
            np.testing.assert_allclose(dx.ravel(), grad, atol=1e-4, err_msg=name)
        v32 = v.astype(np.complex64)
        np.testing.assert_allclose(s.run(gc.cumsum(x, 1), {x: v}), np.cumsum(v32, 1),
                                   rtol=1e-6)
        np.testing.assert_allclose(s.run(gc.math.segment_mean(x, [0, 0]), {x: v}),
                                   v32.mean(0, keepdims=True), rtol=1e-6)
        np.testing.assert_allclose(s.run(gc.math.reduce_std(x, 1), {x: v}),
                                   np.sqrt(np.mean(np.abs(v32 - v32.mean(1, keepdims=True))
                                                   ** 2, 1)), rtol=1e-6)


def test_elu_and_selu_of_large_inputs_warn_of_no_overflow():
    """np.where evaluated expm1 on every input: x > 88 printed 'overflow in expm1'
    (TF is silent); the values are TF's."""
    x = gc.placeholder(gc.float32, [None])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        elu, selu = run([gc.nn.elu(x), gc.nn.selu(x)], {x: [100.0, -1.0, np.nan]})
    np.testing.assert_allclose(elu, [100.0, np.expm1(-1.0), np.nan], rtol=1e-6)
    np.testing.assert_allclose(selu, [105.07009873554805, -1.1113307, np.nan], rtol=1e-6)
