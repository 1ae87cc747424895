"""tf.math's composites (ops/math_composite.py) and the gc.math namespace."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp
from helpers import run

RNG = np.random.default_rng(0)


def test_the_namespace_holds_the_same_functions():
    for name in gc.math._NAMES:
        assert getattr(gc.math, name) is getattr(gc, name), name
    assert gc.math.divide_no_nan is gc.div_no_nan and gc.math.softmax is gc.nn.softmax


@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, False), ((0, 2), True)])
def test_variance_std_and_euclidean_norm(axis, keepdims):
    x = RNG.standard_normal((3, 4, 2))
    for fn, ref in [(gc.math.reduce_variance, np.var), (gc.math.reduce_std, np.std)]:
        np.testing.assert_allclose(run(fn(gc.constant(x), axis, keepdims)),
                                   ref(x, axis=axis, keepdims=keepdims))
        check_vjp(lambda t: fn(t, axis, keepdims), [x])
    want = np.sqrt((x ** 2).sum(axis=axis, keepdims=keepdims))
    np.testing.assert_allclose(run(gc.math.reduce_euclidean_norm(gc.constant(x), axis,
                                                                  keepdims)), want)


def test_cumulative_logsumexp_does_not_overflow():
    x = np.array([1000.0, 1000.0, 999.0])
    got = run(gc.math.cumulative_logsumexp(gc.constant(x)))
    np.testing.assert_allclose(got, 1000 + np.log(np.cumsum(np.exp(x - 1000))))
    y = RNG.standard_normal((3, 4))
    got = run(gc.math.cumulative_logsumexp(gc.constant(y), axis=1, reverse=True))
    np.testing.assert_allclose(got, np.log(np.cumsum(np.exp(y)[:, ::-1], 1)[:, ::-1]))
    check_vjp(lambda t: gc.math.cumulative_logsumexp(t, axis=1), [y])


def test_lbeta():
    x = RNG.uniform(0.5, 3.0, (2, 3))
    from math import lgamma
    want = [sum(lgamma(v) for v in row) - lgamma(row.sum()) for row in x]
    np.testing.assert_allclose(run(gc.lbeta(gc.constant(x))), want)
    check_vjp(gc.lbeta, [x])


def test_xlogy_and_xdivy_are_zero_with_finite_gradients_where_x_is_zero():
    x = gc.placeholder(gc.float64, (3,))
    y = gc.placeholder(gc.float64, (3,))
    xv, yv = np.array([0.0, 2.0, 0.0]), np.array([0.0, 3.0, 5.0])
    for fn, ref in [(gc.math.xlogy, lambda a, b: a * np.log(b)),
                    (gc.math.xdivy, lambda a, b: a / b)]:
        z = fn(x, y)
        gx, gy = gc.gradients(gc.reduce_sum(z), [x, y])
        with gc.Session() as s:
            v, dx, dy = s.run([z, gx, gy], {x: xv, y: yv})
        assert v[0] == 0 and v[2] == 0 and v[1] == pytest.approx(ref(2.0, 3.0))
        assert np.isfinite(dx).all() and np.isfinite(dy).all()
        assert dy[0] == 0 and dy[2] == 0
    check_vjp(gc.math.xlogy, [RNG.uniform(0.5, 2, (3,)), RNG.uniform(0.5, 2, (3,))])


def test_reciprocal_no_nan_and_accumulate_n():
    assert run(gc.math.reciprocal_no_nan(gc.constant([0.0, 4.0]))).tolist() == [0.0, 0.25]
    assert run(gc.accumulate_n([gc.constant(1.0), gc.constant(2.0), 3.0])) == 6.0


def test_monotone_checks():
    assert run(gc.is_non_decreasing([1, 2, 2, 5])) and not run(gc.is_non_decreasing([2, 1]))
    assert run(gc.is_strictly_increasing([[1, 2], [3, 4]]))
    assert not run(gc.is_strictly_increasing([1, 1]))
    assert run(gc.is_strictly_increasing(gc.zeros((0,))))


def test_confusion_matrix():
    labels, preds = [0, 1, 1, 2, 2, 2], [0, 1, 0, 2, 1, 2]
    want = np.zeros((3, 3), np.int32)
    np.add.at(want, (labels, preds), 1)
    assert run(gc.confusion_matrix(labels, preds)).tolist() == want.tolist()
    got = run(gc.confusion_matrix(labels, preds, num_classes=4, weights=[1.0] * 5 + [0.5],
                                  dtype=gc.float32))
    assert got.shape == (4, 4) and got[2, 2] == 1.5 and got.dtype == np.float32
    with pytest.raises(gc.errors.ExecutionError, match="labels"):
        run(gc.confusion_matrix([0, 3], [0, 1], num_classes=3))
    with pytest.raises(gc.errors.ExecutionError, match="predictions"):
        run(gc.confusion_matrix([0, 1], [0, -1]))


def test_diag_and_diag_part_of_higher_rank():
    d = RNG.standard_normal((2, 3))
    got = run(gc.diag(gc.constant(d)))
    np.testing.assert_array_equal(got, np.diag(d.ravel()).reshape(2, 3, 2, 3))
    np.testing.assert_array_equal(run(gc.diag_part(gc.constant(got))), d)
    check_vjp(gc.diag, [d])
    check_vjp(gc.diag_part, [RNG.standard_normal((2, 3, 2, 3))])
    assert gc.diag(gc.placeholder(gc.float64, (2, None))).shape.as_list() == [2, None, 2, None]
    assert gc.diag_part(gc.placeholder(gc.float64, (None, 3, 2, None))).shape.as_list() == [2, 3]
    with pytest.raises(gc.errors.ShapeError, match=r"\(D1..Dk, D1..Dk\), not \(2, 3\)"):
        gc.diag_part(gc.zeros((2, 3)))
