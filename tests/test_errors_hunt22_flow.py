"""Control flow against TF 2.21's tf.compat.v1 (v1 control flow) from the error hunt:
while_loop's maximum_iterations (negative and float limits), TensorArray elements written
twice, the error classes of cond and while_loop, and where their errors point.

The values and error classes were checked by running the same programs under TF (see
the hunt's REPORT.md, A5, A6, B3, D3, E6, B9)."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.autodiff.forward import jvp
from helpers import run

HERE = r"\S*test_errors_hunt22_flow\.py:\d+"
TWICE = "Could not write to TensorArray index {} because it has already been written to"


def _count(limit, feed=None, dtype=None):
    """The number of calls of `i < 3: i + 1` under maximum_iterations=limit (fed with
    `feed` through a placeholder of `dtype` when given)."""
    m = gc.placeholder(dtype, []) if dtype is not None else limit
    r = gc.while_loop(lambda i: i < 3, lambda i: i + 1, [gc.constant(0)],
                      maximum_iterations=m)
    return run(r, {m: feed} if dtype is not None else None)


# ---- A5, D3: maximum_iterations ----------------------------------------------------------
@pytest.mark.parametrize("limit, want", [(-1, 0), (-5, 0), (0, 0), (1, 1), (2, 2), (10, 3),
                                         (1.5, 2), (2.5, 3), (0.5, 1), (-0.5, 0), (2.9, 3),
                                         (np.int64(2), 2), (np.float32(1.5), 2)])
def test_maximum_iterations_counts_calls_from_zero_while_below_it(limit, want):
    """TF1 counts calls in the limit's dtype while count < limit: none for a limit <= 0
    (graphc used to run on), ceil(limit) for a float one."""
    assert _count(limit) == want


@pytest.mark.parametrize("dtype, value, want", [(gc.int32, -1, 0), (gc.int64, -3, 0),
                                                (gc.float32, 1.5, 2), (gc.float32, 2.5, 3),
                                                (gc.float64, -0.5, 0), (gc.int32, 2, 2)])
def test_maximum_iterations_fed_at_run_time(dtype, value, want):
    assert _count(None, value, dtype) == want


def test_constant_tensor_limits_and_the_loop_gradient():
    assert _count(gc.constant(-1)) == 0
    assert _count(gc.constant(1.5)) == 2
    x = gc.placeholder(gc.float64, [])
    m = gc.placeholder(gc.int32, [])
    _, y = gc.while_loop(lambda i, y: i < 5, lambda i, y: [i + 1, y * x], [0, x],
                         maximum_iterations=m)
    g = gc.gradients(y, x)[0]
    assert run([y, g], {x: 2.0, m: -1}) == [2.0, 1.0]          # no call: y = x
    assert run([y, g], {x: 2.0, m: 2}) == [8.0, 12.0]          # y = x^3


def test_maximum_iterations_of_the_wrong_kind():
    """TF1: a TypeError for a bool, string or complex limit, a ValueError for a
    non-scalar one."""
    body = (lambda i: i < 3, lambda i: i + 1, [0])
    for bad in (gc.constant(True), gc.constant("a"), gc.constant(1 + 1j)):
        with pytest.raises(errors.DTypeError, match="maximum_iterations.*real number"):
            gc.while_loop(*body, maximum_iterations=bad)
    with pytest.raises(errors.ShapeError, match=r"must be a scalar, not of shape \(1,\)"):
        gc.while_loop(*body, maximum_iterations=[2])


# ---- A6: an element written twice ---------------------------------------------------------
def _fails(t, index, feed=None):
    with pytest.raises(errors.InvalidArgumentError, match=TWICE.format(index)):
        run(t, feed)


def test_a_second_write_fails_as_in_tf1():
    ta = gc.TensorArray(gc.float32, size=2, name="acts")
    twice = ta.write(0, 1.0).write(0, 2.0).write(1, 3.0)
    with pytest.raises(errors.InvalidArgumentError,
                       match="TensorArray acts: " + TWICE.format(0) + r"(.|\n)*" + HERE):
        run(twice.stack())
    assert run(ta.write(0, 1.0).write(1, 3.0).stack()).tolist() == [1.0, 3.0]


def test_clear_after_read_false_and_dynamic_size_fail_too():
    kept = gc.TensorArray(gc.float32, size=2, clear_after_read=False)
    _fails(kept.write(0, 1.0).write(0, 2.0).stack(), 0)
    grown = gc.TensorArray(gc.float32, size=0, dynamic_size=True)
    _fails(grown.write(0, 1.0).write(0, 2.0).stack(), 0)
    _fails(grown.write(3, 1.0).write(1, 1.0).write(3, 2.0).stack(), 3)
    assert run(grown.write(3, 1.0).write(1, 2.0).stack()).tolist() == [0, 2, 0, 1]


def test_scatter_unstack_and_split_over_written_elements():
    ta = gc.TensorArray(gc.float32, size=3)
    _fails(ta.write(0, 1.0).scatter([2, 0], [5.0, 6.0]).stack(), 0)
    _fails(ta.scatter([1, 1], [5.0, 6.0]).stack(), 1)           # repeated in one scatter
    _fails(ta.write(0, 1.0).unstack([5.0, 6.0]).stack(), 0)
    _fails(ta.unstack([5.0, 6.0]).write(1, 1.0).stack(), 1)
    pairs = gc.TensorArray(gc.float32, size=2)
    _fails(pairs.split([1.0, 2.0, 3.0, 4.0], [2, 2]).write(0, [1.0, 1.0]).stack(), 0)
    both = ta.unstack([5.0, 6.0]).scatter([2], [7.0])
    assert run(both.stack()).tolist() == [5.0, 6.0, 7.0]


def test_writes_in_a_loop_a_cond_and_after_a_loop():
    ta = gc.TensorArray(gc.float32, size=3)
    i0 = gc.constant(0)
    _, again = gc.while_loop(lambda i, ta: i < 2,
                             lambda i, ta: (i + 1, ta.write(0, gc.cast(i, gc.float32))),
                             [i0, ta])
    _fails(again.stack(), 0)
    _, full = gc.while_loop(lambda i, ta: i < 3,
                            lambda i, ta: (i + 1, ta.write(i, gc.cast(i, gc.float32))),
                            [i0, ta])
    assert run(full.stack()).tolist() == [0.0, 1.0, 2.0]
    _fails(full.write(1, 5.0).stack(), 1)
    one = ta.write(0, 1.0)
    p = gc.placeholder(gc.bool, [])
    branch = gc.cond(p, lambda: one.write(0, 2.0), lambda: one.write(1, 2.0))
    _fails(branch.stack(), 0, {p: True})
    assert run(branch.stack(), {p: False}).tolist() == [1.0, 2.0, 0.0]


def test_every_run_and_every_loop_starts_from_unwritten_elements():
    """A loop owns (writes in place) a copy of the buffer it starts from, with its own
    record of written elements: running again is not a second write. (Two loops from
    one array: graphc's arrays are values, so each is checked on its own, where TF1's
    one resource fails the second loop; see ops/tensor_array.py.)"""
    x = gc.placeholder(gc.float64, [None])
    n = gc.shape(x)[0]
    start = gc.TensorArray(gc.float64, size=n)

    def fill(scale):
        return gc.while_loop(lambda i, ta: i < n,
                             lambda i, ta: (i + 1, ta.write(i, x[i] * scale)), [0, start])[1]
    a, b = fill(2.0), fill(3.0)
    with gc.Session() as s:
        for _ in range(2):
            got = s.run([a.stack(), b.stack()], {x: [1.0, 2.0]})
            np.testing.assert_array_equal(got, [[2.0, 4.0], [3.0, 6.0]])


def test_derivatives_through_written_arrays_still_work():
    """The writes derivatives make (cotangents cleared or added up, tangents, replays of
    the loop) are not the user's: they never fail as second writes."""
    x = gc.placeholder(gc.float64, [None])
    n = gc.shape(x)[0]
    _, ta = gc.while_loop(lambda i, ta: i < n,
                          lambda i, ta: (i + 1, ta.write(i, gc.sin(x[i]) * x[i])),
                          [0, gc.TensorArray(gc.float64, size=n)])
    loss = gc.reduce_sum(ta.stack() ** 2) + ta.read(0) * ta.read(0)
    g = gc.gradients(loss, x)[0]
    hv = gc.gradients(gc.reduce_sum(g * x), x)[0]
    t, = jvp([loss], [x], [gc.ones_like(x)])
    xv = np.array([0.3, -1.2, 2.0])
    f = np.sin(xv) * xv
    df = np.cos(xv) * xv + np.sin(xv)
    want_g = 2 * f * df + np.array([2 * f[0] * df[0], 0, 0])     # read(0) ** 2
    got_g, got_t, got_hv = run([g, t, hv], {x: xv})
    np.testing.assert_allclose(got_g, want_g)
    np.testing.assert_allclose(got_t, want_g.sum())
    eps = 1e-6
    fd = (run(g, {x: xv * (1 + eps)}) - run(g, {x: xv * (1 - eps)})) / (2 * eps)
    np.testing.assert_allclose(got_hv, fd + got_g, rtol=1e-5)


# ---- B3, E6, B9: error classes and where they point ---------------------------------------
def test_cond_branches_of_different_dtypes_raise_a_value_error():
    """TF1 raises ValueError: graphc's DTypeError is also one, and names the line."""
    with pytest.raises(ValueError, match=r"output 0 is float32 in true_fn but int32(.|\n)*"
                       r"in cond called at " + HERE) as e:
        gc.cond(gc.constant(True), lambda: gc.constant(1.0), lambda: gc.constant(1))
    assert isinstance(e.value, errors.DTypeError)


def test_structure_errors_are_graphc_errors_with_the_line():
    t = gc.constant(True)
    one = lambda: gc.constant(1.0)      # noqa: E731
    cases = [
        (lambda: gc.cond(t, lambda: (one(), one()), one), "same structure"),
        (lambda: gc.cond(t, lambda: None, one), "returned None"),
        (lambda: gc.cond(t, lambda: [], lambda: []), "return no tensors"),
        (lambda: gc.while_loop(lambda i, x: i < 2, lambda i, x: [i + 1], [0, 1.0]),
         "structure of loop_vars"),
        (lambda: gc.while_loop(lambda i: (i < 2, i < 3), lambda i: i + 1, [0]),
         "one bool tensor"),
        (lambda: gc.while_loop(lambda: True, lambda: (), []), "loop_vars is empty"),
    ]
    for build, what in cases:
        with pytest.raises(errors.StructureError, match=what + r"(.|\n)*called at " + HERE):
            build()
    assert issubclass(errors.StructureError, ValueError)      # TF1: ValueError, or
    assert issubclass(errors.StructureError, TypeError)       # TypeError by the case
    for build in (lambda: gc.cond(t, 1, one), lambda: gc.while_loop(1, one, [0]),
                  lambda: gc.cond(t, one, one, fn1=one)):
        with pytest.raises(errors.UsageTypeError):
            build()
    assert issubclass(errors.UsageTypeError, TypeError)


def test_tensor_array_errors_name_the_array_and_the_line():
    ta = gc.TensorArray(gc.float32, size=2, name="acts").write(0, gc.ones([2]))
    with pytest.raises(errors.ShapeError, match=r"TensorArray 'acts': writing an element of "
                       r"shape \(3,\) into an array of elements of shape \(2,\)\n  value: "
                       r"(.|\n)*in TensorArray.write called at " + HERE):
        ta.write(1, gc.ones([3]))
    with pytest.raises(errors.ShapeError, match=r"in TensorArray.unstack called at " + HERE):
        ta.unstack(gc.ones([2, 3]))
    with pytest.raises(errors.UsageError, match="give a size(.|\n)*" + HERE):
        gc.TensorArray(gc.float32)
