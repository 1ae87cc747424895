"""Variable scatter ops, tensor_scatter_nd_*, and the initialization checks, beyond the
registry-wide samples: state across runs, repeated indices against numpy, in-place
updates that never change earlier results, control dependencies, gradients (refused
through variable updates, exact through tensor_scatter_nd_update with repeats) and
errors that name the op and the line."""
from collections import namedtuple

import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_jvp, check_transpose, check_vjp

Slices = namedtuple("Slices", "values indices")     # what TF1's IndexedSlices carries


def test_updates_persist_and_combine_repeated_indices_like_numpy():
    r = np.random.default_rng(0)
    x0 = r.standard_normal((6, 4))
    v = gc.Variable(x0, name="v")
    idx = np.array([[1, 4, 1], [1, 0, 5]])
    upd = r.uniform(0.5, 2.0, (2, 3, 4))
    ops = {"add": (gc.scatter_add, np.add), "sub": (gc.scatter_sub, np.subtract),
           "mul": (gc.scatter_mul, np.multiply), "div": (gc.scatter_div, np.divide),
           "max": (gc.scatter_max, np.maximum), "min": (gc.scatter_min, np.minimum)}
    built = {k: fn(v, idx, upd) for k, (fn, _) in ops.items()}
    want = x0.copy()
    with gc.Session() as s:
        s.run(v.initializer)
        for k, (_, ufunc) in ops.items():          # each run starts where the last ended
            ufunc.at(want, idx.ravel(), upd.reshape(-1, 4))
            np.testing.assert_allclose(s.run(built[k]), want, rtol=1e-12, err_msg=k)
        np.testing.assert_allclose(s.run(v), want, rtol=1e-12)


def test_update_last_write_wins_and_scalar_updates_broadcast():
    v = gc.Variable(np.zeros((3, 2)), name="v")
    last = gc.scatter_update(v, [1, 2, 1], [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    nd = gc.scatter_nd_update(v, [[0, 1], [0, 1], [2, 0]], [5.0, 6.0, 7.0])
    fill = gc.scatter_add(v, [0, 0], 0.5)
    with gc.Session() as s:
        s.run(v.initializer)
        np.testing.assert_array_equal(s.run(last), [[0, 0], [3, 3], [2, 2]])
        np.testing.assert_array_equal(s.run(nd), [[0, 6], [3, 3], [7, 2]])
        np.testing.assert_array_equal(s.run(fill), [[1, 7], [3, 3], [7, 2]])


def test_integer_division_truncates_toward_zero():
    v = gc.Variable(np.array([-7, 7, 9, 5], np.int32), name="v")
    d = gc.scatter_div(v, [0, 1, 2, 2], np.array([2, -2, 2, 2], np.int32))
    with gc.Session() as s:
        s.run(v.initializer)
        np.testing.assert_array_equal(s.run(d), [-3, -3, 2, 5])
        with pytest.raises(gc.errors.ExecutionError, match="division by zero"):
            s.run(gc.scatter_div(v, [3], np.array([0], np.int32)))
        np.testing.assert_array_equal(s.run(v), [-3, -3, 2, 5])   # unchanged by the failure


def test_results_already_fetched_never_change():
    v = gc.Variable(np.zeros(4), name="v")
    add = gc.scatter_add(v, [1, 3], [1.0, 2.0])
    read = gc.identity(v)
    with gc.Session() as s:
        s.run(v.initializer)
        results = [s.run([add, read]) for _ in range(3)]
        held = s.run(v)
        s.run(add)
    for k, (new, seen) in enumerate(results, 1):
        np.testing.assert_array_equal(new, [0, k, 0, 2 * k])
    np.testing.assert_array_equal(held, [0, 3, 0, 6])


def test_control_dependencies_order_reads_after_the_update():
    v = gc.Variable([1.0, 2.0, 3.0], name="v")
    upd = gc.scatter_nd_add(v, [[2]], [10.0])
    with gc.control_dependencies([upd]):
        after = gc.identity(v) * 1.0
    with gc.Session() as s:
        s.run(v.initializer)
        np.testing.assert_array_equal(s.run(after), [1, 2, 13])
        np.testing.assert_array_equal(s.run(after), [1, 2, 23])


def test_variable_methods_delegate():
    v = gc.Variable(np.ones((3, 2)), name="v")
    a = v.scatter_add(Slices(values=[[1.0, 2.0]], indices=[2]))
    u = v.scatter_update(Slices(values=[[9.0, 9.0]], indices=[0]))
    n = v.scatter_nd_sub([[1, 1]], [4.0])
    assert v.scatter_add.__name__ == "scatter_add" and a.node.name == "ScatterAdd"
    with gc.Session() as s:
        s.run(v.initializer)
        s.run(a), s.run(u)
        np.testing.assert_array_equal(s.run(n), [[9, 9], [1, -3], [2, 3]])
    with pytest.raises(TypeError, match="indices"):
        v.scatter_sub([1.0])
    with pytest.raises(TypeError, match=r"\(indices, updates\)"):
        v.scatter_nd_add([[0, 0]])


def test_gradients_do_not_flow_through_variable_updates():
    v = gc.Variable(np.zeros(3), name="v")
    upd = gc.placeholder(gc.float64, (2,))
    out = gc.scatter_add(v, [0, 1], upd)
    assert gc.gradients(gc.reduce_sum(out), [upd]) == [None]
    assert gc.gradients(gc.reduce_sum(out), [upd], unconnected_gradients="zero")[0] \
        is not None


def test_build_errors_name_the_op_and_the_line():
    v = gc.Variable(np.zeros((4, 3)), name="weights")
    with pytest.raises(gc.errors.ShapeError, match=r"scatter_add(.|\n)*hold 4, out of "
                       r"range(.|\n)*'weights'(.|\n)*test_state_scatter.py"):
        gc.scatter_add(v, [0, 4], np.ones((2, 3)))
    with pytest.raises(gc.errors.ShapeError, match="-1"):
        gc.scatter_sub(v, [-1], np.ones((1, 3)))
    with pytest.raises(gc.errors.ShapeError, match=r"updates(.|\n)*\(2, 3\)"):
        gc.scatter_update(v, [0, 1], np.ones((2, 2)))
    with pytest.raises(gc.errors.ShapeError, match="tuples of 3 indices"):
        gc.scatter_nd_add(v, [[0, 1, 2]], [1.0])
    with pytest.raises(gc.errors.DTypeError):
        gc.scatter_add(v, [0], gc.constant([[1, 2, 3]], dtype=gc.int32))
    with pytest.raises(gc.errors.DTypeError, match="integer"):
        gc.scatter_add(v, [0.5], np.ones((1, 3)))
    with pytest.raises(TypeError, match="tensor_scatter_nd"):
        gc.scatter_add(gc.constant(np.zeros(3)), [0], [1.0])
    with pytest.raises(gc.errors.ShapeError, match="out of range"):
        gc.tensor_scatter_nd_update(np.zeros((2, 2)), [[0, 2]], [1.0])


@pytest.mark.parametrize("bad", [[4], [-1]])
def test_indices_out_of_range_at_run_time_raise_never_wrap(bad):
    v = gc.Variable(np.zeros((4, 3)), name="weights")
    i = gc.placeholder(gc.int32, (None,))
    i2 = gc.placeholder(gc.int32, (None, 2))
    ops = [gc.scatter_add(v, i, np.ones((1, 3))),
           gc.scatter_nd_update(v, i2, [1.0]),
           gc.tensor_scatter_nd_add(np.zeros((4, 3)), i2, [1.0])]
    feeds = [{i: bad}, {i2: [[bad[0], 0]]}, {i2: [[0, bad[0]]]}]
    names = ["ScatterAdd", "ScatterNdUpdate", "TensorScatterAdd"]
    with gc.Session() as s:
        s.run(v.initializer)
        for op, feed, name in zip(ops, feeds, names):
            with pytest.raises(gc.errors.ExecutionError,
                               match=rf"'{name}'(.|\n)*does not index(.|\n)*"
                                     r"test_state_scatter.py"):
                s.run(op, feed)
        np.testing.assert_array_equal(s.run(v), np.zeros((4, 3)))


def test_tensor_scatter_matches_numpy_and_tf_names():
    x = np.arange(8.0).reshape(4, 2)
    idx = [[1], [3], [1]]
    upd = np.array([[10.0, 10.0], [20.0, 20.0], [30.0, 30.0]])
    got = [gc.tensor_scatter_nd_update(x, idx, upd), gc.tensor_scatter_add(x, idx, upd),
           gc.tensor_scatter_sub(x, idx, upd), gc.tensor_scatter_nd_add(x, [[0, 1]], [5.0])]
    u, a, sb, one = [np.asarray(t) for t in gc.Session().run(got)]
    np.testing.assert_array_equal(u, [[0, 1], [30, 30], [4, 5], [20, 20]])
    np.testing.assert_array_equal(a, [[0, 1], [42, 43], [4, 5], [26, 27]])
    np.testing.assert_array_equal(sb, [[0, 1], [-38, -37], [4, 5], [-14, -13]])
    np.testing.assert_array_equal(one, [[0, 6], [2, 3], [4, 5], [6, 7]])
    assert gc.tensor_scatter_update is gc.tensor_scatter_nd_update


@pytest.mark.parametrize("fn", [gc.tensor_scatter_nd_update, gc.tensor_scatter_nd_add,
                                gc.tensor_scatter_nd_sub])
def test_tensor_scatter_derivatives_with_repeated_fed_indices(fn):
    """Indices fed at run time may repeat: the update overwritten by a later one gets
    no gradient (update); repeats each get theirs (add, sub)."""
    r = np.random.default_rng(1)
    idx = np.array([[2, 0], [1, 1], [2, 0], [0, 1]], np.int32)

    def f(x, u, i):
        return gc.square(fn(x, i, u))
    inputs = [r.standard_normal((3, 2)), r.standard_normal(4), idx]
    check_vjp(f, inputs, wrt=(0, 1))
    check_jvp(f, inputs, wrt=(0, 1))
    check_transpose(f, inputs, wrt=(0, 1))
    if fn is gc.tensor_scatter_nd_update:       # the overwritten update: zero gradient
        x, u, i = (gc.constant(a) for a in inputs)
        g, = gc.gradients(gc.reduce_sum(fn(x, i, u)), [u])
        np.testing.assert_array_equal(gc.Session().run(g), [0, 1, 1, 1])


def test_initialization_checks():
    a = gc.Variable(1.0, name="a")
    b = gc.Variable(np.zeros(2), name="scope/b")
    gc.Variable(2.0, name="c", collections=["local_variables"])
    flag = gc.is_variable_initialized(b)
    names = gc.report_uninitialized_variables()
    some = gc.report_uninitialized_variables([a])
    check = gc.assert_variables_initialized([a, b])
    assert flag.dtype == gc.bool and flag.shape == () and names.shape.as_list() == [None]
    assert names.dtype == gc.string
    with gc.Session() as s:
        assert not s.run(flag)
        got = s.run(names)
        assert got.dtype == object and list(got) == [b"a", b"scope/b", b"c"]
        with pytest.raises(gc.errors.UninitializedVariableError,
                           match=r"'a' \(created at .*test_state_scatter.py:\d+\), "
                                 r"'scope/b'"):
            s.run(check)
        s.run([a.initializer, b.initializer])
        assert s.run(flag) and list(s.run(names)) == [b"c"] and s.run(some).size == 0
        s.run(check)
        assert s.run(gc.size(names)) == 1
    assert gc.assert_variables_initialized([]) is None
    with pytest.raises(TypeError, match="Variable"):
        gc.is_variable_initialized(gc.constant(1.0))
