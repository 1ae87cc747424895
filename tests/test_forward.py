"""Forward mode: gc.jvp builds a tangent subgraph in one forward sweep."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc import errors
from graphc.ops.registry import OpDef, apply1
from graphc.testing import check_jvp, check_transpose

RNG = np.random.default_rng(0)


def run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


def jvp_nodes(graph, start):
    return [n for n in graph.nodes[start:] if n.role == "jvp"]


def test_jvp_of_tanh_Ax_is_diag_sech2_A_v():
    A = RNG.standard_normal((5, 3))
    x0, v = RNG.standard_normal((3, 1)), RNG.standard_normal((3, 1))
    x = gc.placeholder(gc.float64, (3, 1))
    y = gc.tanh(gc.constant(A) @ x)
    y_dot, = gc.jvp([y], [x], [v])
    assert y_dot.shape.as_list() == [5, 1]
    want = (1 - np.tanh(A @ x0) ** 2) * (A @ v)
    np.testing.assert_allclose(run(y_dot, {x: x0}), want, rtol=1e-12)


def test_jvp_sums_over_xs_and_gives_zeros_for_unconnected_ys():
    a = gc.placeholder(gc.float64, (3,))
    b = gc.placeholder(gc.float64, (3,))
    c = gc.placeholder(gc.float64, (3,))
    y1 = a * b
    y2 = gc.exp(c)
    a0, b0, va, vb = (RNG.standard_normal(3) for _ in range(4))
    t1, t2 = gc.jvp([y1, y2], [a, b], [va, vb])
    got1, got2 = run([t1, t2], {a: a0, b: b0, c: np.zeros(3)})
    np.testing.assert_allclose(got1, va * b0 + a0 * vb, rtol=1e-12)
    np.testing.assert_array_equal(got2, np.zeros(3))


def test_jvp_accepts_single_tensors_and_a_tensor_tangent():
    x = gc.placeholder(gc.float64, (2,))
    v = gc.placeholder(gc.float64, (2,))
    t, = gc.jvp(gc.square(x), x, v)
    np.testing.assert_allclose(run(t, {x: [1., 2.], v: [3., 4.]}), [6., 16.])


def test_symbolic_zero_tangents_build_nothing_on_their_path():
    a = gc.placeholder(gc.float64, (3,))
    b = gc.placeholder(gc.float64, (3,))
    y = a + gc.exp(gc.sin(b))
    g = gc.get_default_graph()
    start = len(g.nodes)
    t, = gc.jvp([y], [a, b], [np.ones(3), None])
    origins = {n.origin.type for n in jvp_nodes(g, start) if n.origin is not None}
    assert not origins & {"Exp", "Sin"}, origins
    np.testing.assert_allclose(run(t, {a: np.zeros(3), b: np.zeros(3)}), np.ones(3))


def test_the_sweep_broadcasts_a_smaller_tangent_to_the_output_shape():
    x = gc.placeholder(gc.float64, (4,))
    c = gc.placeholder(gc.float64, (3, 4))
    y = x + c           # Add's rule returns x_dot, of shape (4,)
    t, = gc.jvp([y], [x], [np.arange(4.)])
    assert t.shape.as_list() == [3, 4]
    np.testing.assert_allclose(run(t, {x: np.zeros(4), c: np.zeros((3, 4))}),
                               np.tile(np.arange(4.), (3, 1)))


def test_broadcast_with_unknown_dims_uses_the_runtime_shape():
    x = gc.placeholder(gc.float64, (4,))
    c = gc.placeholder(gc.float64, (None, 4))
    t, = gc.jvp([x * 2.0 + c], [x], [np.ones(4)])
    assert run(t, {x: np.zeros(4), c: np.zeros((5, 4))}).shape == (5, 4)


def test_stop_gradient_and_integer_paths_carry_no_tangent():
    x = gc.placeholder(gc.float64, (3,))
    y = gc.stop_gradient(x) * 2.0 + gc.cast(gc.cast(x, gc.int32), gc.float64)
    t, = gc.jvp([y], [x], [np.ones(3)])
    np.testing.assert_array_equal(run(t, {x: np.ones(3)}), np.zeros(3))
    i = gc.placeholder(gc.int32, (3,))
    t2, = gc.jvp([i * 2], [i], [np.ones(3, np.int32)])
    np.testing.assert_array_equal(run(t2, {i: np.ones(3, np.int32)}), np.zeros(3))


def test_stop_gradients_argument_blocks_a_tensor():
    x = gc.placeholder(gc.float64, (2,))
    h = gc.exp(x)
    y = h * x
    t, = gc.jvp([y], [x], [np.ones(2)], stop_gradients=[h])
    np.testing.assert_allclose(run(t, {x: np.zeros(2)}), np.ones(2))   # h x_dot only


def test_tangent_nodes_live_under_jvp_scope_and_role():
    x = gc.placeholder(gc.float64, (3,), name="x")
    y = gc.sigmoid(gc.tanh(x) * x)
    g = gc.get_default_graph()
    start = len(g.nodes)
    gc.jvp([y], [x], [np.ones(3)])
    new = g.nodes[start:]
    assert new and all(n.name.startswith("jvp/") for n in new)
    assert all(n.role == "jvp" for n in new)
    assert {n.origin.type for n in new if n.origin is not None} >= {"Tanh", "Mul", "Sigmoid"}


def test_dependent_xs_add_up_and_stay_the_transpose_of_gradients():
    # x2 is computed from x1: jvp seeds both, gradients sums over both paths
    def f(x1):
        x2 = gc.sin(x1)
        return x2, gc.tanh(x2) * x1

    x1 = gc.placeholder(gc.float64, (3,))
    x2, y = f(x1)
    v1, v2, w = (RNG.standard_normal(3) for _ in range(3))
    t, = gc.jvp([y], [x1, x2], [v1, v2])
    g1, g2 = gc.gradients([y], [x1, x2], grad_ys=[w])
    x0 = RNG.standard_normal(3)
    tv, g1v, g2v = run([t, g1, g2], {x1: x0})
    assert abs(np.dot(w, tv) - (np.dot(g1v, v1) + np.dot(g2v, v2))) < 1e-12


def test_forward_over_forward_gives_second_derivatives():
    x = gc.placeholder(gc.float64, (4,))
    y = gc.sin(x)
    t, = gc.jvp([y], [x], [np.ones(4)])
    tt, = gc.jvp([t], [x], [np.ones(4)])
    x0 = RNG.standard_normal(4)
    np.testing.assert_allclose(run(tt, {x: x0}), -np.sin(x0), rtol=1e-12)


def test_a_rule_error_is_a_gradient_error_naming_the_forward_node():
    def bad_jvp(node, ts):
        raise errors.ShapeError("this rule is broken")
    op = OpDef("BrokenForTest", lambda ctx, x: (x.shape, x.dtype), lambda x: x,
               vjp=lambda node, gs: gs, jvp=bad_jvp)
    x = gc.placeholder(gc.float64, (2,))
    y = apply1(op, (x,), name="broken")
    with pytest.raises(errors.GradientError, match="BrokenForTest 'broken' created at") as e:
        gc.jvp([y], [x], [np.ones(2)])
    assert "this rule is broken" in str(e.value)
    assert "test_forward.py" in str(e.value)


def test_a_differentiable_op_without_a_jvp_rule_is_named():
    op = OpDef("NoJvpForTest", lambda ctx, x: (x.shape, x.dtype), lambda x: x)
    x = gc.placeholder(gc.float64, (2,))
    y = apply1(op, (x,), name="nojvp")
    with pytest.raises(errors.GradientError, match="NoJvpForTest has no jvp rule"):
        gc.jvp([y], [x], [np.ones(2)])


def test_bad_arguments():
    x = gc.placeholder(gc.float64, (2,))
    with pytest.raises(ValueError, match="2 xs but 1 tangents"):
        gc.jvp([x * 2.0], [x, x], [np.ones(2)])
    with pytest.raises(TypeError, match="expected tensors"):
        gc.jvp([np.ones(2)], [x], [np.ones(2)])
    with pytest.raises(errors.DTypeError):
        gc.jvp([x * 2.0], [x], [gc.placeholder(gc.float32, (2,))])


@pytest.mark.slow     # test_deep.py checks a 100k chain in the default run
def test_a_100000_node_chain_does_not_recurse():
    x = gc.placeholder(gc.float64, (2,))
    y = x
    for _ in range(100_000):
        y = -y
    v = gc.placeholder(gc.float64, (2,))     # fed, so the compiler has nothing to fold
    t, = gc.jvp([y], [x], [v])
    np.testing.assert_array_equal(run(t, {x: np.zeros(2), v: [1.0, -2.0]}), [1.0, -2.0])


@pytest.mark.parametrize("fn, shapes", [
    (lambda x, W: gc.tanh(x @ W), [(2, 3), (3, 4)]),
    (lambda x, b: gc.sigmoid(x * b) / (1.0 + gc.square(b)), [(3, 4), (4,)]),
    (lambda x, y: gc.where_v2(x > y, gc.exp(x), gc.sin(y)), [(3, 1), (1, 4)]),
    (lambda x: [gc.nn.softplus(x), gc.cast(x > 0.0, gc.float64) * x], [(5,)]),
])
def test_composites_match_finite_differences_and_transpose(fn, shapes):
    inputs = [RNG.standard_normal(s) for s in shapes]
    check_jvp(fn, inputs)
    check_transpose(fn, inputs)


def test_unknown_shapes():
    fn = lambda x, b: gc.tanh(x) * b + x    # noqa: E731
    inputs = [RNG.standard_normal((3, 4)), RNG.standard_normal((4,))]
    check_jvp(fn, inputs, dynamic=True)
    check_transpose(fn, inputs, dynamic=True)


# ---- the transpose identity on random composite graphs ------------------------------------
SHAPES = [(3, 4), (4,), (1, 4), (3, 1), (4, 2), (3, 2), ()]
UNARY = [gc.tanh, gc.sin, gc.cos, gc.sigmoid, gc.square, gc.negative, gc.nn.softplus,
         lambda t: gc.exp(gc.tanh(t))]
BINARY = [gc.add, gc.subtract, gc.multiply, gc.maximum,
          lambda a, b: a / (1.0 + gc.square(b))]


def _reductions():
    out = []
    if hasattr(gc, "reduce_sum"):
        out.append(lambda t: gc.reduce_sum(t, axis=-1) if t.shape.rank else t)
    if hasattr(gc, "reduce_mean"):
        out.append(lambda t: gc.reduce_mean(t, axis=0, keepdims=True) if t.shape.rank else t)
    if hasattr(gc, "transpose"):
        out.append(lambda t: gc.transpose(t) if t.shape.rank == 2 else t)
    return out


@st.composite
def random_graph(draw):
    """A recipe: a list of steps over a pool of tensors that starts with the inputs."""
    n_in = draw(st.integers(1, 3))
    in_shapes = [draw(st.sampled_from(SHAPES)) for _ in range(n_in)]
    steps = []
    pool = list(in_shapes)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["unary", "binary", "binary", "matmul", "reduce"]))
        i = draw(st.integers(0, len(pool) - 1))
        if kind == "unary":
            steps.append(("unary", draw(st.integers(0, len(UNARY) - 1)), i))
            pool.append(pool[i])
        elif kind == "reduce" and _reductions():
            steps.append(("reduce", draw(st.integers(0, len(_reductions()) - 1)), i))
            pool.append(None)
        else:
            j = draw(st.integers(0, len(pool) - 1))
            steps.append((kind, draw(st.integers(0, len(BINARY) - 1)), i, j))
            pool.append(None)
    n_out = draw(st.integers(1, 2))
    return in_shapes, steps, n_out


def _apply_recipe(recipe):
    in_shapes, steps, n_out = recipe

    def fn(*xs):
        pool = list(xs)
        for step in steps:
            kind, k, i = step[:3]
            a = pool[i]
            if kind == "unary":
                pool.append(UNARY[k](a))
            elif kind == "reduce":
                pool.append(_reductions()[k](a))
            elif kind == "matmul":
                b = pool[step[3]]
                ok = a.shape.rank == 2 and b.shape.rank == 2 and a.shape[1] == b.shape[0]
                pool.append(gc.matmul(a, b) if ok else a)
            else:
                b = pool[step[3]]
                try:
                    np.broadcast_shapes(tuple(a.shape.as_list()), tuple(b.shape.as_list()))
                except ValueError:
                    pool.append(a)
                    continue
                pool.append(BINARY[k](a, b))
        return pool[-n_out:]
    return fn


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipe=random_graph(), seed=st.integers(0, 2**31 - 1))
def test_transpose_identity_on_random_graphs(recipe, seed):
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal(s) for s in recipe[0]]
    check_transpose(_apply_recipe(recipe), inputs, seed=seed % 1000, rtol=1e-10)
