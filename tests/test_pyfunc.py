"""py_func / numpy_function: a Python function as a node (TF1 semantics)."""
import numpy as np
import pytest

import graphc as gc
from helpers import run


def test_value_shape_and_dtype():
    x = gc.placeholder(gc.float32, (None, 3))
    y = gc.py_func(lambda a: (a * 2).astype(np.float32), [x], gc.float32)
    assert y.shape.dims is None and y.dtype == gc.float32
    y.set_shape((None, 3))
    z = gc.reduce_sum(y, axis=1)
    assert z.shape.as_list() == [None]
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(run(z, {x: v}), (v * 2).sum(1))


def test_lists_numbers_and_no_outputs():
    x = gc.constant([1.0, 2.0])
    s, n = gc.py_func(lambda a: (a.sum(), len(a)), [x], [gc.float32, gc.int64])
    assert run([s, n]) == [3.0, 2]
    seen = []
    op = gc.py_func(lambda a: seen.append(a.copy()), [x], [])
    assert isinstance(op, gc.Operation)
    with gc.Session() as sess:
        sess.run(op)
        sess.run(op)
    assert len(seen) == 2 and seen[0].tolist() == [1.0, 2.0]


def test_stateful_runs_each_time_and_is_not_merged():
    calls = []

    def count(a):
        calls.append(1)
        return a

    x = gc.constant([1.0])
    a = gc.py_func(count, [x], gc.float32)
    b = gc.py_func(count, [x], gc.float32)          # same function and input: not merged
    run(a + b)
    assert len(calls) == 2
    pure = gc.py_func(count, [x], gc.float32, stateful=False)
    pure2 = gc.py_func(count, [x], gc.float32, stateful=False)
    del calls[:]
    run(pure + pure2)
    assert len(calls) >= 1


def test_inputs_are_copies_and_scalars_come_as_tf1_passes_them():
    x = gc.placeholder(gc.float64, (3,))
    s = gc.placeholder(gc.string, [])

    def scribble(a):
        a[0] = 99.0                 # TF1's func may change its arrays: they are its own
        return a

    y = gc.py_func(scribble, [x], gc.float64)
    seen = gc.py_func(lambda p, n: f"{p.decode()}:{type(n).__name__}", [s, gc.constant(3)],
                      gc.string)                     # bytes and a numpy int32 scalar
    pair = gc.py_func(lambda a: [np.ones((2, 2))], [x], [gc.float64])     # a list Tout
    with gc.Session() as sess:
        got, shown, (ones,) = sess.run([y, seen, pair], {x: np.zeros(3), s: b"path\x00"})
        again = sess.run(x, {x: np.zeros(3)})
    assert got.tolist() == [99.0, 0, 0] and again.tolist() == [0, 0, 0]
    assert shown == b"path\x00:int32" and ones.shape == (2, 2)


def test_wrong_dtype_count_and_shape_are_clear_errors():
    x = gc.constant([1.0, 2.0])
    bad_dtype = gc.py_func(lambda a: a.astype(np.float64), [x], gc.float32)
    with pytest.raises(gc.errors.ExecutionError, match="float64 value .* Tout says float32"):
        run(bad_dtype)
    bad_count = gc.py_func(lambda a: (a, a, a), [x], [gc.float32, gc.float32])
    with pytest.raises(gc.errors.ExecutionError, match="returned 3 values, but Tout names 2"):
        run(bad_count)
    bad_shape = gc.py_func(lambda a: a[:1], [x], gc.float32)
    bad_shape.set_shape((2,))
    with pytest.raises(gc.errors.ExecutionError, match=r"returned shape \(1,\) .*\(2,\)"):
        run(bad_shape * 2.0)


def test_user_exception_names_the_node():
    def boom(a):
        raise RuntimeError("no luck")

    y = gc.py_func(boom, [gc.constant(1.0)], gc.float32, name="boomer")
    with pytest.raises(gc.errors.UnknownError, match="boomer.*no luck") as e:   # TF's class
        run(y)
    assert isinstance(e.value.__cause__, RuntimeError)


def test_no_gradient_unless_overridden():
    x = gc.placeholder(gc.float64, (3,))
    y = gc.py_func(np.square, [x], gc.float64)
    y.set_shape((3,))
    assert gc.gradients(gc.reduce_sum(y), x) == [None]      # TF1: NotDifferentiable
    dx, = gc.gradients(gc.reduce_sum(y) + gc.reduce_sum(3.0 * x), x)
    np.testing.assert_allclose(run(dx, {x: np.zeros(3)}), [3.0, 3.0, 3.0])
    z = gc.numpy_function(np.square, [x], gc.float64)
    assert gc.gradients(z, x) == [None]

    @gc.RegisterGradient("PyFuncSquareGrad")
    def _square_grad(op, g):
        return [2.0 * op.inputs[0] * g]

    g = gc.get_default_graph()
    with g.gradient_override_map({"PyFunc": "PyFuncSquareGrad"}):
        y2 = gc.py_func(np.square, [x], gc.float64)
    y2.set_shape((3,))
    dx, = gc.gradients(gc.reduce_sum(y2), x)
    v = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(run(dx, {x: v}), 2 * v)


def test_numpy_function_and_optimize_off():
    x = gc.placeholder(gc.int32, (2,))
    y = gc.numpy_function(lambda a: np.cumsum(a).astype(np.int32), [x], gc.int32)
    for optimize in (True, False):
        with gc.Session(optimize=optimize) as sess:
            assert sess.run(y, {x: [2, 5]}).tolist() == [2, 7]
