"""TF1's small top-level utilities and function transforms: tf.nest, is_tensor,
get_static_value, saturate_cast, clip_by_average_norm, init_scope, the extra debugging
checks, deprecated aliases, UnconnectedGradients / AggregationMethod / no_gradient,
custom_gradient with variables, grad_pass_through, recompute_grad, vectorized_map."""
import collections

import numpy as np
import pytest

import graphc as gc


def run(fetches, feed=None):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(fetches, feed)


# ---- tf.nest --------------------------------------------------------------------------------
Point = collections.namedtuple("Point", ["x", "y"])


def test_nest_flatten_and_pack_round_trip():
    s = {"b": [1, (2, None)], "a": Point(3, {"z": "s", "c": 4})}
    flat = gc.nest.flatten(s)
    assert flat == [3, 4, "s", 1, 2, None]          # sorted keys, depth first
    back = gc.nest.pack_sequence_as(s, flat)
    assert back == s and list(back) == ["b", "a"] and isinstance(back["a"], Point)
    assert gc.nest.flatten(7) == [7] and gc.nest.pack_sequence_as(0, [5]) == 5
    with pytest.raises(ValueError, match="6 leaves"):
        gc.nest.pack_sequence_as(s, [1, 2])


def test_nest_map_structure_and_assert_same_structure():
    got = gc.nest.map_structure(lambda a, b: a + b, (1, [2, 3]), (10, [20, 30]))
    assert got == (11, [22, 33])
    with pytest.raises(ValueError, match="same number"):
        gc.nest.assert_same_structure([1, 2], [1])
    with pytest.raises(TypeError, match="sequence type"):
        gc.nest.assert_same_structure([1, 2], (1, 2))
    gc.nest.assert_same_structure([1, 2], (1, 2), check_types=False)
    with pytest.raises(ValueError, match="same keys"):
        gc.nest.assert_same_structure({"a": 1}, {"b": 1})
    assert gc.nest.is_nested([]) and not gc.nest.is_nested("ab")


def test_nest_deep_structure_has_no_recursion_limit():
    deep = 0
    for _ in range(5000):
        deep = [deep]
    assert gc.nest.flatten(deep) == [0]
    assert gc.nest.flatten(gc.nest.pack_sequence_as(deep, [9])) == [9]


# ---- small utilities ------------------------------------------------------------------------
def test_is_tensor_and_get_static_value():
    x = gc.placeholder(gc.float32, (None, 3))
    assert gc.is_tensor(x) and gc.is_tensor(gc.SparseTensor([[0]], [1.0], [2]))
    assert not gc.is_tensor(np.ones(2)) and gc.newaxis is None
    assert gc.get_static_value(x) is None
    np.testing.assert_array_equal(gc.get_static_value(gc.constant([1, 2]) * 2), [2, 4])
    assert gc.get_static_value(gc.shape(x)) is None
    assert gc.get_static_value(gc.shape(gc.zeros((2, 5)))).tolist() == [2, 5]
    assert gc.is_numeric_tensor(x) and not gc.is_numeric_tensor(gc.constant(True))


@pytest.mark.parametrize("values, src, dst, want", [
    ([-5.0, 0.4, 300.0, 1e10], np.float32, gc.uint8, [0, 0, 255, 255]),
    ([-3e9, 3e9, 7.9], np.float32, gc.int32, [-2147483648, 2147483520, 7]),
    ([-40000, 40000, 5], np.int32, gc.int16, [-32768, 32767, 5]),
    ([-1, 70000], np.int64, gc.uint16, [0, 65535]),
    ([1e300, -1e300], np.float64, gc.float32, [np.finfo(np.float32).max,
                                               np.finfo(np.float32).min]),
    ([200, 3], np.uint8, gc.int8, [127, 3]),
])
def test_saturate_cast_clamps_to_the_target_range(values, src, dst, want):
    got = run(gc.saturate_cast(gc.constant(np.array(values, src)), dst))
    assert got.dtype == dst.np
    np.testing.assert_array_equal(got, np.array(want, dst.np))


def test_clip_by_average_norm():
    t = np.array([[3.0, -4.0], [1.0, 2.0]], np.float32)
    got = run(gc.clip_by_average_norm(gc.constant(t), 0.5))
    avg = np.sqrt((t * t).sum()) / t.size
    np.testing.assert_allclose(got, t * 0.5 / max(avg, 0.5), rtol=1e-6)
    np.testing.assert_allclose(run(gc.clip_by_average_norm(gc.constant(t), 10.0)), t)


def test_init_scope_leaves_control_dependencies():
    a = gc.constant(1.0)
    with gc.control_dependencies([a]):
        inside = gc.identity(a)
        with gc.init_scope():
            outside = gc.constant(2.0)
    assert a.node in inside.node.control_inputs
    assert not outside.node.control_inputs


def test_debugging_checks():
    x = gc.placeholder(gc.float32, (2, 3))
    s = gc.constant(1.0)
    assert gc.assert_scalar(s) is s
    with pytest.raises(gc.errors.ShapeError, match="Expected scalar"):
        gc.assert_scalar(x)
    with pytest.raises(gc.errors.DTypeError, match="integer"):
        gc.debugging.assert_integer(x)
    gc.debugging.assert_integer(gc.constant([1, 2]))
    with pytest.raises(gc.errors.ShapeError, match=r"rank in \[0, 1\]"):
        gc.debugging.assert_rank_in(x, [0, 1])
    y = gc.placeholder(gc.float32, None)
    check = gc.debugging.assert_rank_in(y, [1, 3])
    with gc.control_dependencies([check]):
        z = gc.identity(y)
    assert run(z, {y: np.ones(3)}).shape == (3,)
    with pytest.raises(gc.errors.ExecutionError):
        run(z, {y: np.ones((2, 2))})
    assert gc.assert_same_float_dtype([x, s]) is gc.float32
    with pytest.raises(gc.errors.DTypeError):
        gc.assert_same_float_dtype([x, gc.constant(1.0, gc.float64)])
    with pytest.raises(TypeError, match="proper"):
        gc.debugging.assert_proper_iterable("abc")
    gc.debugging.assert_proper_iterable([1, 2])
    v = gc.debugging.assert_all_finite(gc.constant([1.0, np.inf]), "bad")
    with pytest.raises(gc.errors.ExecutionError, match="bad"):
        run(v)


def test_deprecated_aliases():
    v = gc.Variable(3.0, name="v")
    assert gc.all_variables() == gc.global_variables()
    with gc.Session() as sess:
        sess.run(gc.initialize_all_variables())
        sess.run(gc.initialize_variables([v]))
        sess.run(gc.initialize_local_variables())
        assert sess.run(v) == 3.0
    with gc.op_scope([v], None, "outer"):
        assert gc.constant(1.0, name="c").name == "outer/c:0"
    with gc.variable_op_scope([v], "vs"):
        assert gc.get_variable("w", (), initializer=gc.zeros_initializer()).name == "vs/w:0"


# ---- gradients: options, no_gradient, custom gradients with variables ------------------------
def test_unconnected_gradients_enum_and_aggregation_method():
    x, y = gc.constant(1.0), gc.constant(2.0)
    z = x * 3.0
    assert gc.gradients(z, y, unconnected_gradients=gc.UnconnectedGradients.NONE) == [None]
    got = gc.gradients(z, y, unconnected_gradients=gc.UnconnectedGradients.ZERO)
    assert run(got) == [0.0]
    for method in (gc.AggregationMethod.ADD_N, gc.AggregationMethod.EXPERIMENTAL_TREE,
                   gc.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N):
        g, = gc.gradients(x * x + x, x, aggregation_method=method)
        assert run(g) == 3.0
    with pytest.raises(ValueError, match="aggregation_method"):
        gc.gradients(z, x, aggregation_method=7)


def test_no_gradient_stops_an_op_type():
    with gc.Graph().as_default() as g:
        x = gc.constant([1.0, 2.0])
        y = gc.reduce_sum(gc.floor(x * 2.5) + x)
        before, = gc.gradients(y, x)
        gc.no_gradient("Floor")
        try:
            after, = gc.gradients(y, x)
            np.testing.assert_array_equal(run(after), [1.0, 1.0])
            np.testing.assert_array_equal(run(before), [1.0, 1.0])
            gc.NotDifferentiable("Sin")
            assert gc.gradients(gc.sin(x), x) == [None]
        finally:
            from graphc.autodiff import reverse
            reverse._NOT_DIFFERENTIABLE.difference_update({"Floor", "Sin"})
    with pytest.raises(TypeError):
        gc.no_gradient(3)


def test_custom_gradient_with_variables():
    w = gc.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), name="w")
    x = gc.constant([[1.0, -1.0]], gc.float64)

    @gc.custom_gradient
    def scaled(x):
        y = gc.matmul(x, w)

        def grad(dy, variables=None):
            assert variables == [w]
            return gc.matmul(dy, w, transpose_b=True), [10.0 * gc.matmul(x, dy,
                                                                         transpose_a=True)]
        return y, grad
    gx, gw = gc.gradients(gc.reduce_sum(scaled(x)), [x, w])
    np.testing.assert_allclose(run(gx), [[3.0, 7.0]])
    np.testing.assert_allclose(run(gw), 10.0 * np.array([[1.0, 1.0], [-1.0, -1.0]]))
    with pytest.raises(TypeError, match="variables="):
        gc.custom_gradient(lambda x: (gc.matmul(x, w), lambda dy: dy))(x)


def test_grad_pass_through():
    x = gc.constant([0.3, 1.6, -2.4])
    y = gc.grad_pass_through(gc.round)(x)
    g, = gc.gradients(gc.reduce_sum(y * y), x)
    val, grad = run([y, g])
    np.testing.assert_array_equal(val, [0.0, 2.0, -2.0])
    np.testing.assert_allclose(grad, 2 * val)


def _blocks(recompute, width=1024, depth=6):
    rng = np.random.default_rng(0)
    x = gc.placeholder(gc.float32, (128, 256))
    h, weights = x, []
    for _ in range(depth):
        w1 = gc.Variable((rng.standard_normal((256, width)) * 0.05).astype(np.float32))
        w2 = gc.Variable((rng.standard_normal((width, 256)) * 0.05).astype(np.float32))
        weights += [w1, w2]

        def block(h, w1=w1, w2=w2):
            return h + gc.matmul(gc.tanh(gc.matmul(h, w1)), w2)
        h = (gc.recompute_grad(block) if recompute else block)(h)
    return x, gc.reduce_sum(h * h), weights


def test_recompute_grad_gives_the_same_gradients_with_less_memory():
    feed = np.random.default_rng(1).standard_normal((128, 256)).astype(np.float32) * 0.1
    results, peaks = [], []
    for recompute in (False, True):
        with gc.Graph().as_default():
            x, loss, weights = _blocks(recompute)
            grads = gc.gradients(loss, [x] + weights)
            with gc.Session() as sess:
                sess.run(gc.global_variables_initializer())
                results.append(sess.run(grads, {x: feed}))
                peaks.append(sess.compile(grads[:1], feed_list=[x]).peak_bytes)
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=1e-5)
    assert peaks[1] < 0.6 * peaks[0], peaks     # inner activations are not kept


def test_vectorized_map_matches_map_fn():
    x = gc.constant(np.arange(12.0).reshape(4, 3))
    w = gc.constant([1.0, -1.0, 2.0], gc.float64)
    got = gc.vectorized_map(lambda row: gc.reduce_sum(row * w) + gc.reduce_max(row), x)
    want = gc.map_fn(lambda row: gc.reduce_sum(row * w) + gc.reduce_max(row), x)
    np.testing.assert_allclose(*run([got, want]))
    pair = gc.vectorized_map(lambda t: {"s": t[0] + t[1], "d": t[0] - t[1]},
                             (x, x * 2.0))
    out = run(pair)
    np.testing.assert_allclose(out["s"], 3 * np.arange(12.0).reshape(4, 3))
    np.testing.assert_allclose(out["d"], -np.arange(12.0).reshape(4, 3))
    const = run(gc.vectorized_map(lambda row: gc.constant(5.0, gc.float64), x))
    np.testing.assert_array_equal(const, [5.0] * 4)
    with pytest.raises(ValueError, match="scalar"):
        gc.vectorized_map(lambda t: t, gc.constant(1.0))


def test_get_seed_follows_tf1s_rules():
    assert gc.get_seed(None) == (None, None)
    assert gc.get_seed(3) == (87654321, 3)
    gc.set_random_seed(5)
    assert gc.get_seed(7) == (5, 7) and gc.get_seed(None)[0] == 5
    assert gc.random.uniform_candidate_sampler is gc.nn.uniform_candidate_sampler
