"""Reductions over axes computed when the graph runs (TF1 takes an axis tensor): the
Dynamic twins of Sum, Mean, Max, Min, Prod, All, Any. Values, gradients and shapes are
checked by their op samples (tests/samples_reduce.py); this file checks the rest."""
import numpy as np
import pytest

import graphc as gc


def test_static_axes_keep_the_static_op():
    x = gc.placeholder(gc.float32, [None, 3, 4])
    assert gc.reduce_sum(x, axis=gc.constant([1])).op.type == "Sum"
    assert gc.reduce_sum(x, gc.range(1, gc.rank(x))).op.type == "Sum"   # folded: rank 3


def test_run_time_axes():
    x = gc.placeholder(gc.float32, [None, 3, 4])
    a = gc.placeholder(gc.int32, [None], name="axes")
    y = gc.reduce_mean(x, reduction_indices=a, keep_dims=True, name="m")
    z = gc.reduce_max(x, a)
    assert (y.op.type, y.op.name, y.shape.as_list()) == ("DynamicMean", "m", [None] * 3)
    assert z.op.type == "DynamicMax" and z.shape.rank is None and z.op.name == "Max"
    assert gc.reduce_sum(x, gc.placeholder(gc.int32, [2])).shape.as_list() == [None]
    xv = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    with gc.Session() as s:
        for axes in ([0], [1, -1], []):
            got, top = s.run([y, z], {x: xv, a: axes})
            np.testing.assert_allclose(got, xv.mean(tuple(axes), keepdims=True))
            np.testing.assert_array_equal(top, xv.max(tuple(axes)))
        with pytest.raises(gc.errors.ExecutionError, match="Invalid reduction dimension 3"):
            s.run(y, {x: xv, a: [3]})
        with pytest.raises(gc.errors.ExecutionError, match="repeat"):
            s.run(y, {x: xv, a: [1, -2]})


def test_errors_at_build_time():
    x = gc.placeholder(gc.float32, [None, 3])
    with pytest.raises(gc.errors.DTypeError):
        gc.reduce_sum(x, gc.placeholder(gc.float32, [1]))
    with pytest.raises(gc.errors.ShapeError, match="scalar or a vector"):
        gc.reduce_sum(x, gc.placeholder(gc.int32, [1, 1]))
    with pytest.raises(ValueError, match="not both"):
        a = gc.placeholder(gc.int32, [1])
        gc.reduce_sum(x, axis=a, reduction_indices=a)


def test_gradient_through_run_time_axes():
    x = gc.placeholder(gc.float64, [None, 3])
    a = gc.placeholder(gc.int32, [])
    g, = gc.gradients(gc.reduce_sum(gc.reduce_prod(x, a) ** 2), [x])
    xv = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with gc.Session() as s:
        for axis in (0, 1):
            p = xv.prod(axis, keepdims=True)
            np.testing.assert_allclose(s.run(g, {x: xv, a: axis}), 2 * p * p / xv)
