"""cond: one branch runs, structures, errors, derivatives (both modes, second order,
random draws), nesting, and the compiler around it."""
import collections

import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.testing import check_vjp


@pytest.fixture(autouse=True)
def fresh_graph():
    gc.reset_default_graph()


def run(fetches, feeds, **kw):
    with gc.Session(**kw) as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feeds)


def test_only_the_taken_branch_runs_its_effects():
    v = gc.Variable(0.0)
    p = gc.placeholder(gc.bool, ())
    out = gc.cond(p, lambda: v.assign_add(1.0), lambda: v.assign_sub(10.0))
    assert out.op.type == "If"
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(out, {p: True}) == 1.0
        assert s.run(out, {p: True}) == 2.0
        assert s.run(out, {p: False}) == -8.0
        assert s.run(v) == -8.0


def test_untaken_branch_is_not_evaluated():
    # the false branch would fail at run time (a reshape that cannot hold)
    x = gc.placeholder(gc.float64, (None,))
    p = gc.placeholder(gc.bool, ())
    y = gc.cond(p, lambda: x * 2.0, lambda: gc.reshape(x, (7,)))
    assert y.op.type == "StatelessIf"
    np.testing.assert_allclose(run(y, {x: np.ones(3), p: True}), [2.0, 2.0, 2.0])
    with pytest.raises(errors.GraphcError, match="test_control.py"):
        run(y, {x: np.ones(3), p: False})


def test_ops_built_in_a_branch_but_not_returned_do_not_run():
    v = gc.Variable(0.0)
    p = gc.constant(True)

    def branch():
        v.assign_add(5.0)           # not returned, not a control dependency: TF1 skips it
        return gc.constant(1.0)
    y = gc.cond(p, branch, lambda: gc.constant(2.0))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(y) == 1.0
        assert s.run(v) == 0.0


def test_structures_and_strict():
    x = gc.placeholder(gc.float64, (2,))
    p = gc.placeholder(gc.bool, ())
    Pair = collections.namedtuple("Pair", "a b")
    out = gc.cond(p, lambda: {"s": Pair(x, x * 2.0), "n": [gc.reduce_sum(x)]},
                  lambda: {"s": Pair(x + 1.0, x), "n": [gc.constant(0.0, gc.float64)]})
    assert isinstance(out["s"], Pair) and isinstance(out["n"], list)
    got = run(out, {x: np.array([1.0, 2.0]), p: False})
    np.testing.assert_allclose(got["s"].a, [2.0, 3.0])
    assert got["n"][0] == 0.0
    one = gc.cond(p, lambda: [x], lambda: [x * 3.0])
    assert isinstance(one, gc.Tensor)                   # unpacked: strict=False
    kept = gc.cond(p, lambda: [x], lambda: [x * 3.0], strict=True)
    assert isinstance(kept, list) and len(kept) == 1


def test_shapes_are_what_both_branches_agree_on():
    x = gc.placeholder(gc.float32, (None, 3))
    y = gc.placeholder(gc.float32, (2, 3))
    p = gc.placeholder(gc.bool, ())
    assert gc.cond(p, lambda: x, lambda: y).shape == (None, 3)
    assert gc.cond(p, lambda: y, lambda: y * 2.0).shape == (2, 3)
    assert gc.cond(p, lambda: gc.reduce_sum(y), lambda: y).shape.dims is None
    assert gc.cond(p, lambda: y[0], lambda: y[:, 0]).shape == (None,)


def test_errors_name_the_branches_and_the_predicate():
    x = gc.placeholder(gc.float32, (3,), name="x")
    p = gc.placeholder(gc.bool, (), name="p")
    with pytest.raises(ValueError, match=r"same structure.*tuple\(tensor, tensor\).*tensor"):
        gc.cond(p, lambda: (x, x), lambda: x)
    with pytest.raises(errors.DTypeError, match="float32 in true_fn but int32 in false_fn"):
        gc.cond(p, lambda: x, lambda: gc.cast(x, gc.int32))
    with pytest.raises(errors.DTypeError, match="predicate x must be bool, not float32"):
        gc.cond(x, lambda: x, lambda: x)
    with pytest.raises(errors.ShapeError, match="predicate.*must be a scalar"):
        gc.cond(gc.placeholder(gc.bool, (2,)), lambda: x, lambda: x)
    with pytest.raises(ValueError, match=r"Initializer for variable cond_\d+/v/ is from "
                       "inside a control-flow construct.*use a lambda"):
        gc.cond(p, lambda: gc.Variable(gc.sin(x), name="v"), lambda: x)
    with pytest.raises(ValueError, match="false branch returned None"):
        gc.cond(p, lambda: x, lambda: None)
    with pytest.raises(TypeError, match="callables"):
        gc.cond(p, x, x)


@pytest.mark.parametrize("taken", [True, False])
def test_gradient_and_jvp_match_finite_differences(taken):
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))

    def f(x, w):
        p = gc.constant(taken)
        return gc.cond(p, lambda: gc.tanh(gc.matmul(x, w)),
                       lambda: gc.matmul(x * x, w) - gc.reduce_sum(w))
    check_vjp(f, [xv, wv])


def test_gradient_through_a_captured_variable_trains():
    w = gc.Variable(np.array([1.0, -2.0]))
    x = gc.placeholder(gc.float64, (2,))
    p = gc.placeholder(gc.bool, ())
    loss = gc.reduce_sum(gc.cond(p, lambda: gc.square(w - x), lambda: gc.abs(w)))
    step = gc.train.GradientDescentOptimizer(0.25).minimize(loss)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(step, {x: np.zeros(2), p: True})              # w -= 0.25 * 2 (w - x)
        np.testing.assert_allclose(s.run(w), [0.5, -1.0])
        s.run(step, {x: np.zeros(2), p: False})             # w -= 0.25 * sign(w)
        np.testing.assert_allclose(s.run(w), [0.25, -0.75])


def test_hessian_and_jacobian_through_cond():
    x = gc.placeholder(gc.float64, (3,))
    p = gc.placeholder(gc.bool, ())
    y = gc.cond(p, lambda: gc.reduce_sum(x ** 3.0), lambda: gc.reduce_sum(gc.sin(x)))
    h = gc.hessians(y, x)[0]
    xv = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(run(h, {x: xv, p: True}), np.diag(6 * xv))
    np.testing.assert_allclose(run(h, {x: xv, p: False}), np.diag(-np.sin(xv)))
    z = gc.cond(p, lambda: x * x, lambda: gc.exp(x))
    for mode in ("forward", "reverse"):
        j = gc.jacobian(z, x, mode=mode)
        np.testing.assert_allclose(run(j, {x: xv, p: False}), np.diag(np.exp(xv)))


def test_dropout_in_a_cond_differentiates_with_the_mask_it_drew():
    # the gradient recomputes the branch: it must see the forward pass's mask, not a new one
    x = gc.placeholder(gc.float64, (2000,))
    train = gc.placeholder(gc.bool, ())
    y = gc.cond(train, lambda: gc.nn.dropout(x, rate=0.5), lambda: x)
    g, = gc.gradients(gc.reduce_sum(y * 3.0), [x])
    assert y.op.type == "If" and len(y.op.outputs) > 1     # the draw is a hidden output
    yv, gv = run([y, g], {x: np.ones(2000), train: True})
    kept = yv != 0
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_allclose(gv, np.where(kept, 6.0, 0.0))
    yv, gv = run([y, g], {x: np.ones(2000), train: False})
    np.testing.assert_allclose(gv, np.full(2000, 3.0))


def test_gradient_refuses_to_run_a_branch_effect_twice():
    v = gc.Variable(0.0, dtype=gc.float64)
    x = gc.placeholder(gc.float64, ())
    y = gc.cond(gc.constant(True), lambda: v.assign_add(1.0) * x, lambda: x)
    with pytest.raises(errors.GradientError, match="would run a second time"):
        gc.gradients(y, [x])


def test_nested_cond_captures_through_two_levels():
    x = gc.placeholder(gc.float64, (2,))
    p = gc.placeholder(gc.bool, ())
    q = gc.placeholder(gc.bool, ())
    y = gc.cond(p, lambda: gc.cond(q, lambda: x * 2.0, lambda: x * 3.0) + 1.0,
                lambda: -x)
    g, = gc.gradients(gc.reduce_sum(y * y), [x])
    xv = np.array([1.0, 2.0])
    for pv, qv, c, d in ((True, True, 2.0, 1.0), (True, False, 3.0, 1.0),
                         (False, True, -1.0, 0.0)):
        yv, gv = run([y, g], {x: xv, p: pv, q: qv})
        np.testing.assert_allclose(yv, c * xv + d)
        np.testing.assert_allclose(gv, 2 * (c * xv + d) * c)


def test_outer_control_dependencies_inside_a_branch_order_the_cond():
    v = gc.Variable(1.0)
    bump = v.assign(5.0)

    def branch():
        with gc.control_dependencies([bump]):
            return gc.constant(2.0) * 1.0
    y = gc.cond(gc.constant(True), branch, lambda: gc.constant(0.0))
    assert bump.op in y.op.control_inputs
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(y)
        assert s.run(v) == 5.0


def test_a_branch_returning_an_op_gives_a_flag_that_it_ran():
    v = gc.Variable(0.0)
    p = gc.placeholder(gc.bool, ())
    ran = gc.cond(p, lambda: gc.group(v.assign_add(1.0)), lambda: gc.no_op())
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(ran, {p: True}) == True          # noqa: E712  (a numpy bool)
        assert s.run(ran, {p: False}) == False        # noqa: E712
        assert s.run(v) == 1.0


@pytest.mark.parametrize("optimize", [True, False])
def test_cond_in_compiled_plans(optimize):
    x = gc.placeholder(gc.float32, (None, 4))
    p = gc.placeholder(gc.bool, ())
    y = gc.cond(p, lambda: gc.nn.relu(x) * 2.0 + 1.0 * 0.0, lambda: gc.reduce_mean(x) - x)
    z = gc.reduce_sum(y * y)
    xv = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    with gc.Session(optimize=optimize) as s:
        f = s.make_callable(z, [x, p])
        want = {True: np.sum((np.maximum(xv, 0) * 2) ** 2),
                False: np.sum((xv.mean() - xv) ** 2)}
        for pv in (True, False, True):
            np.testing.assert_allclose(f(xv, pv), want[pv], rtol=1e-5)
        exe = s.compile(z, [x, p])
        assert any(n.type == "StatelessIf" for n in exe.program.nodes)
    assert "If" in gc.to_dot(z)


def test_cond_builds_from_a_python_bool():
    x = gc.placeholder(gc.float64, ())
    y = gc.cond(False, lambda: x, lambda: x + 1.0)
    assert run(y, {x: 1.0}) == 2.0


def test_a_placeholder_with_default_is_not_a_build_time_constant():
    # fed or not is decided at run time: cond on it must stay a cond, not fold to a branch
    from graphc.ops.registry import constant_value
    flag = gc.placeholder_with_default(False, [])
    assert constant_value(flag) is None
    x = gc.constant(1.0)
    y = gc.cond(flag, lambda: x * 2.0, lambda: x)
    assert run(y, {}) == 1.0 and run(y, {flag: True}) == 2.0
    z = gc.layers.dropout(gc.ones((1000,)), rate=0.5, training=flag)
    with gc.Session() as s:
        assert (s.run(z) == 1.0).all()
        assert 0.4 < (s.run(z, {flag: True}) == 0.0).mean() < 0.6


def test_switch_case_picks_the_branch_or_the_default():
    i = gc.placeholder(gc.int32, [])
    x = gc.constant([1.0, 2.0])
    y = gc.switch_case(i, [lambda: x * 2.0, lambda: x * 3.0], default=lambda: -x)
    z = gc.switch_case(i, {1: lambda: x * 3.0, 0: lambda: x})     # no default: the last
    dy = gc.gradients(y, x)[0]
    with gc.Session() as sess:
        for k, want_y, want_z in [(0, [2, 4], [1, 2]), (1, [3, 6], [3, 6]),
                                  (5, [-1, -2], [3, 6]), (-1, [-1, -2], [3, 6])]:
            got_y, got_z, got_dy = sess.run([y, z, dy], {i: k})
            np.testing.assert_allclose(got_y, want_y)
            np.testing.assert_allclose(got_z, want_z)
            np.testing.assert_allclose(got_dy, np.array(want_y) / [1, 2])


def test_switch_case_checks_keys_and_index():
    x = gc.constant(1.0)
    with pytest.raises(ValueError, match="0..1"):
        gc.switch_case(gc.constant(0), {0: lambda: x, 2: lambda: x})
    with pytest.raises(TypeError, match="int32"):
        gc.switch_case(gc.constant(0.5), [lambda: x])


def test_case_without_default_fails_when_no_pred_holds():
    """TF1: the last pair's fn is the default, guarded by an Assert of its pred."""
    k = gc.placeholder(gc.int32, [])
    x = gc.placeholder(gc.float32, [None])
    y = gc.case([(k < 1, lambda: x + 1.0), (k > 5, lambda: x * 100.0)])
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(y, {k: 0, x: [1, 2]}), [2, 3])
        np.testing.assert_array_equal(s.run(y, {k: 7, x: [1, 2]}), [100, 200])
        with pytest.raises(errors.InvalidArgumentError,
                           match="None of conditions evaluated as True"):
            s.run(y, {k: 3, x: [1, 2]})
    # switch_case keeps running its last branch for an index out of range (TF1)
    z = gc.switch_case(k, [lambda: x, lambda: x * 2.0])
    np.testing.assert_array_equal(run(z, {k: 9, x: [1, 2]}), [2, 4])


def test_cond_takes_tf1s_deprecated_fn1_fn2():
    p = gc.placeholder(gc.bool, [])
    y = gc.cond(p, fn1=lambda: gc.constant(1.0), fn2=lambda: gc.constant(2.0))
    assert run(y, {p: False}) == 2.0
    with pytest.raises(TypeError, match="fn1 and true_fn"):
        gc.cond(p, lambda: 1.0, lambda: 2.0, fn1=lambda: 3.0)


def test_a_sparse_tensor_is_a_cond_output_and_a_loop_variable():
    """Its indices, values and dense_shape travel as three tensors; in a loop its number
    of values may change from iteration to iteration (TF1's relaxed invariants). Values
    and gradients checked against TF 2.21's v1 control flow."""
    ind = gc.placeholder(gc.int64, [None, 2])
    val = gc.placeholder(gc.float32, [None])
    sp = gc.SparseTensor(ind, val, [3, 4])
    p = gc.placeholder(gc.bool, [])
    chosen = gc.cond(p, lambda: gc.SparseTensor(sp.indices, sp.values * 2, sp.dense_shape),
                     lambda: sp)
    assert isinstance(chosen, gc.SparseTensor)
    n = gc.placeholder(gc.int32, [])

    def body(i, sp, acc):
        new = gc.SparseTensor(gc.concat([sp.indices, [[gc.cast(i, gc.int64) % 3, 0]]], 0),
                              gc.concat([sp.values, [gc.cast(i, gc.float32)]], 0),
                              sp.dense_shape)
        return i + 1, gc.sparse.reorder(new), acc + gc.reduce_sum(new.values * new.values)
    _, grown, acc = gc.while_loop(lambda i, s, a: i < n, body, (0, sp, 0.0))
    assert grown.indices.shape.as_list() == [None, 2]
    (g,) = gc.gradients(acc, val)
    feed = {ind: [[0, 1], [2, 3]], val: [1., 2.], n: 3, p: True}
    with gc.Session() as s:
        got = s.run([gc.sparse.to_dense(chosen), gc.sparse.to_dense(grown), acc, g], feed)
    np.testing.assert_array_equal(got[0], [[0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 4]])
    np.testing.assert_array_equal(got[1], [[0, 1, 0, 0], [1, 0, 0, 0], [2, 0, 0, 2]])
    assert got[2] == 21.0
    np.testing.assert_array_equal(got[3], [6, 12])
