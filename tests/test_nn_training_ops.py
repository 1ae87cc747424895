"""gc.nn's extra functions, norm clipping, check_numerics, Print/print and the asserts:
values against numpy, gradients against finite differences (graphc.testing.check_vjp),
run-time errors naming node and site, and what the compiler may not do to them."""
import re
import sys

import numpy as np
import pytest

import graphc as gc
from graphc.ops.debug import summarize_v1, summarize_v2
from graphc.testing import check_vjp

RNG = np.random.default_rng(0)
# the NaN and Inf these tests make on purpose
pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning",
                                        "ignore:invalid value:RuntimeWarning")


def run(fetches, feed=None, optimize=True):
    with gc.Session(optimize=optimize) as s:
        return s.run(fetches, feed)


def line_of(text):
    """The line number in this file of the (first) line containing text."""
    with open(__file__) as f:
        return next(i for i, line in enumerate(f, 1) if text in line)


# ---- gc.nn extras ---------------------------------------------------------------------------
def test_l2_normalize_matches_tf1_formula():
    x = RNG.standard_normal((3, 4))
    x[1] = 0.0
    want = x / np.sqrt(np.maximum((x * x).sum(1, keepdims=True), 1e-12))
    np.testing.assert_allclose(run(gc.nn.l2_normalize(gc.constant(x), axis=1)), want)
    all_axes = x / np.sqrt((x * x).sum())
    np.testing.assert_allclose(run(gc.nn.l2_normalize(gc.constant(x))), all_axes)
    np.testing.assert_allclose(run(gc.nn.l2_normalize(gc.constant(x), dim=0)),
                               x / np.sqrt((x * x).sum(0, keepdims=True)))
    check_vjp(lambda t: gc.nn.l2_normalize(t, axis=-1), [RNG.standard_normal((2, 5))])


def test_swish_silu_zero_fraction():
    x = RNG.standard_normal((3, 4))
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(run(gc.nn.swish(gc.constant(x))), x * sig)
    np.testing.assert_allclose(run(gc.nn.silu(gc.constant(x), beta=2.0)),
                               x / (1 + np.exp(-2 * x)))
    check_vjp(lambda t: gc.nn.swish(t), [x])
    v = gc.constant(np.array([[0.0, 1.0], [0.0, 0.0], [2.0, 0.0]], np.float32))
    frac = gc.nn.zero_fraction(v)
    assert frac.dtype is gc.float32
    assert run(frac) == pytest.approx(4 / 6)
    assert run(gc.nn.zero_fraction(gc.constant([1, 0, 3, 0]))) == 0.5
    assert np.isnan(run(gc.nn.zero_fraction(gc.zeros((0, 3)))))


def test_weighted_cross_entropy_is_stable_and_matches_the_naive_formula():
    x, z = RNG.standard_normal((4, 3)) * 3, RNG.uniform(0, 1, (4, 3))
    q = 2.5
    sig = 1 / (1 + np.exp(-x))
    naive = -(q * z * np.log(sig) + (1 - z) * np.log(1 - sig))
    loss = gc.nn.weighted_cross_entropy_with_logits(labels=z, logits=gc.constant(x),
                                                    pos_weight=q)
    np.testing.assert_allclose(run(loss), naive, rtol=1e-10)
    big = gc.nn.weighted_cross_entropy_with_logits(
        targets=gc.constant([0.0, 1.0]), logits=gc.constant([1e4, -1e4]), pos_weight=3.0)
    np.testing.assert_allclose(run(big), [1e4, 3e4])
    check_vjp(lambda a, b, w: gc.nn.weighted_cross_entropy_with_logits(b, a, w),
              [x, z, np.array(1.7)])
    with pytest.raises(gc.errors.ShapeError, match="same shape"):
        gc.nn.weighted_cross_entropy_with_logits(gc.zeros((2, 3)), gc.zeros((3, 2)), 2.0)


def test_batch_normalization_matches_numpy_and_differentiates():
    x, m, v = RNG.standard_normal((5, 3)), RNG.standard_normal(3), RNG.uniform(.5, 2, 3)
    b, s = RNG.standard_normal(3), RNG.standard_normal(3)
    want = (x - m) / np.sqrt(v + 1e-3) * s + b
    got = gc.nn.batch_normalization(gc.constant(x), m, v, b, s, 1e-3)
    np.testing.assert_allclose(run(got), want, rtol=1e-12)
    plain = gc.nn.batch_normalization(gc.constant(x), m, v, None, None, 1e-3)
    np.testing.assert_allclose(run(plain), (x - m) / np.sqrt(v + 1e-3), rtol=1e-12)
    check_vjp(lambda *a: gc.nn.batch_normalization(*a, 1e-3), [x, m, v, b, s])


def _bn_ref(x, scale, offset, eps, axes):
    mean, var = x.mean(axes), x.var(axes)
    shape = [-1 if k not in axes else 1 for k in range(4)]
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    y = y * scale.reshape(shape) + offset.reshape(shape)
    n = x.size // x.shape[[k for k in range(4) if k not in axes][0]]
    return y, mean, var * n / (n - 1)


def test_fused_batch_norm_training_nhwc_and_nchw():
    x = RNG.standard_normal((2, 3, 4, 5))
    s, b = RNG.uniform(.5, 2, 5), RNG.standard_normal(5)
    got = run(gc.nn.fused_batch_norm(gc.constant(x), s, b))
    for g, w in zip(got, _bn_ref(x, s, b, 1e-3, (0, 1, 2))):
        np.testing.assert_allclose(g, w, rtol=1e-10)
    xt = x.transpose(0, 3, 1, 2)
    got = run(gc.nn.fused_batch_norm(gc.constant(xt), s, b, data_format="NCHW"))
    np.testing.assert_allclose(got[0].transpose(0, 2, 3, 1), _bn_ref(x, s, b, 1e-3,
                                                                     (0, 1, 2))[0])
    check_vjp(lambda t, a, c: gc.nn.fused_batch_norm(t, a, c, epsilon=0.1)[0],
              [RNG.standard_normal((2, 3, 2, 4)), RNG.uniform(.5, 2, 4),
               RNG.standard_normal(4)])


def test_fused_batch_norm_inference_and_its_checks():
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    m, v = RNG.standard_normal(5), RNG.uniform(.5, 2, 5)
    s, b = np.ones(5, np.float32), np.zeros(5, np.float32)
    y, mean, var = gc.nn.fused_batch_norm(gc.constant(x), s, b, m.astype(np.float32),
                                          v.astype(np.float32), epsilon=0,
                                          is_training=False)
    got = run([y, mean, var])
    np.testing.assert_allclose(got[0], (x - m) / np.sqrt(v + 1.001e-5), rtol=1e-5)
    np.testing.assert_allclose(got[2], v, rtol=1e-6)
    with pytest.raises(ValueError, match="must be None if is_training"):
        gc.nn.fused_batch_norm(x, s, b, mean=m.astype(np.float32))
    with pytest.raises(ValueError, match="must be a 1D tensor"):
        gc.nn.fused_batch_norm(x, s, b, is_training=False)
    with pytest.raises(gc.errors.ShapeError, match="4-dimensional"):
        gc.nn.fused_batch_norm(x[0], s, b)
    with pytest.raises(gc.errors.ShapeError, match="one value per channel"):
        gc.nn.fused_batch_norm(x, s[:3], b)


def test_fused_batch_norm_returns_no_gradient_through_its_statistics():
    x = gc.constant(RNG.standard_normal((2, 2, 2, 3)))
    _, mean, var = gc.nn.fused_batch_norm(x, np.ones(3), np.zeros(3))
    g = gc.gradients(gc.reduce_sum(mean) + gc.reduce_sum(var), [x],
                     unconnected_gradients="zero")[0]
    np.testing.assert_array_equal(run(g), 0.0)


def test_embedding_lookup_value_and_dense_gradient():
    table = RNG.standard_normal((6, 3))
    ids = np.array([[4, 1], [4, 0]], np.int32)
    params = gc.constant(table)
    out = gc.nn.embedding_lookup(params, ids)
    np.testing.assert_array_equal(run(out), table[ids])
    w = RNG.standard_normal((2, 2, 3))
    g = gc.gradients(out, [params], grad_ys=[gc.constant(w)])[0]
    assert isinstance(g, gc.IndexedSlices)          # TF1: the looked-up rows
    g = gc.convert_to_tensor(g)
    want = np.zeros_like(table)
    np.add.at(want, ids, w)                 # id 4 twice: its rows add up
    np.testing.assert_allclose(run(g), want)
    check_vjp(lambda p: gc.nn.embedding_lookup(p, ids), [table])


@pytest.mark.parametrize("strategy", ["mod", "div"])
@pytest.mark.parametrize("dynamic", [False, True])
def test_embedding_lookup_over_shards_reads_tf1s_rows(strategy, dynamic):
    table = RNG.standard_normal((7, 2))
    n = 3
    if strategy == "mod":
        shards = [table[p::n] for p in range(n)]
    else:                                   # 7 ids over 3 shards: 3, 2, 2 rows
        shards = [table[:3], table[3:5], table[5:]]
    phs = [gc.placeholder(gc.float64, (None, 2) if dynamic else s.shape) for s in shards]
    ids = np.array([6, 0, 3, 4, 2, 5, 1, 3], np.int64)
    out = gc.nn.embedding_lookup(phs, ids, partition_strategy=strategy)
    feed = dict(zip(phs, shards))
    np.testing.assert_array_equal(run(out, feed), table[ids])
    check_vjp(lambda *p: gc.nn.embedding_lookup(list(p), ids,
                                                partition_strategy=strategy), shards)


def test_embedding_lookup_fails_on_ids_outside_the_table():
    shards = [gc.constant(np.zeros((2, 2))), gc.constant(np.ones((2, 2)))]
    ids = gc.placeholder(gc.int32, (None,))
    out = gc.nn.embedding_lookup(shards, ids)
    with gc.Session() as s:
        for bad in ([4], [-1], [0, 5]):
            with pytest.raises(gc.errors.ExecutionError, match=r"is not in \[0, 2\)"):
                s.run(out, {ids: bad})
    with pytest.raises(gc.errors.ShapeError, match="out of range"):     # known at build
        gc.nn.embedding_lookup(shards, [3, 4])
    with pytest.raises(ValueError, match="partition strategy"):
        gc.nn.embedding_lookup(shards, [0], partition_strategy="hash")


def test_embedding_lookup_max_norm_clips_each_embedding():
    table = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]])
    got = run(gc.nn.embedding_lookup(gc.constant(table), [[0, 1, 2]], max_norm=1.0))
    np.testing.assert_allclose(got, [[[0.6, 0.8], [0.3, 0.4], [0.0, 0.0]]])


# ---- clipping -------------------------------------------------------------------------------
def test_clip_by_norm():
    t = np.array([[3.0, 4.0], [0.3, 0.4]])
    np.testing.assert_allclose(run(gc.clip_by_norm(gc.constant(t), 1.0)),
                               t / np.linalg.norm(t))
    np.testing.assert_allclose(run(gc.clip_by_norm(gc.constant(t), 1.0, axes=[1])),
                               [[0.6, 0.8], [0.3, 0.4]])
    zero = gc.constant(np.zeros(3))
    g = gc.gradients(gc.reduce_sum(gc.clip_by_norm(zero, 1.0)), [zero])[0]
    val, grad = run([gc.clip_by_norm(zero, 1.0), g])
    assert np.all(val == 0) and np.all(np.isfinite(grad))
    check_vjp(lambda a: gc.clip_by_norm(a, 0.5, axes=[0]), [RNG.standard_normal((3, 2))])
    with pytest.raises(gc.errors.ShapeError, match="broadcast"):
        gc.clip_by_norm(gc.zeros((3,)), gc.ones((2, 3)))


def test_global_norm_ignores_none_and_checks_its_argument():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal(4)
    got = run(gc.global_norm([gc.constant(a), None, gc.constant(b)]))
    assert got == pytest.approx(np.sqrt((a * a).sum() + (b * b).sum()))
    with pytest.raises(TypeError, match="sequence"):
        gc.global_norm(gc.constant(a))
    with pytest.raises(ValueError, match="no tensors"):
        gc.global_norm([None])


def test_clip_by_global_norm_passes_none_and_uses_norm():
    a, b = np.array([3.0, 0.0]), np.array([[0.0], [4.0]])
    clipped, norm = gc.clip_by_global_norm([gc.constant(a), None, gc.constant(b)], 2.0)
    assert clipped[1] is None
    got_a, got_b, got_norm = run([clipped[0], clipped[2], norm])
    assert got_norm == 5.0
    np.testing.assert_allclose(got_a, a * 2 / 5)
    np.testing.assert_allclose(got_b, b * 2 / 5)
    kept, _ = gc.clip_by_global_norm([gc.constant(a)], 10.0)
    np.testing.assert_allclose(run(kept[0]), a)
    given, n = gc.clip_by_global_norm([gc.constant(a)], 1.0, use_norm=gc.constant(6.0,
                                                                              gc.float64))
    np.testing.assert_allclose(run(given[0]), a / 6)
    assert run(n) == 6.0
    inf, _ = gc.clip_by_global_norm([gc.constant([np.inf, 1.0])], 1.0)
    assert np.isnan(run(inf[0])).all()
    check_vjp(lambda x, y: gc.clip_by_global_norm([x, y], 1.5)[0],
              [RNG.standard_normal(3), RNG.standard_normal((2, 2))])


def test_clip_by_global_norm_keeps_each_dtype():
    a32 = gc.constant(np.ones(4, np.float32))
    b64 = gc.constant(np.ones(2))
    (c32, c64), norm = gc.clip_by_global_norm([a32, b64], 1.0,
                                              use_norm=gc.constant(4.0, gc.float64))
    assert (c32.dtype, c64.dtype) == (gc.float32, gc.float64)
    np.testing.assert_allclose(run(c32), 0.25)


# ---- check_numerics -------------------------------------------------------------------------
def _checked():
    x = gc.placeholder(gc.float32, (None, 2), name="x")
    y = gc.check_numerics(gc.log(x), "log of x", name="checked")  # site: check-line
    return x, gc.reduce_sum(y * 2.0)


@pytest.mark.parametrize("optimize", [True, False])
def test_check_numerics_passes_finite_values_and_names_node_and_site(optimize):
    x, loss = _checked()
    with gc.Session(optimize=optimize) as s:
        assert s.run(loss, {x: np.ones((3, 2), np.float32)}) == 0.0
        with pytest.raises(gc.errors.ExecutionError) as e:
            s.run(loss, {x: np.array([[1.0, 0.0]], np.float32)})
    msg = str(e.value)
    assert "log of x : Tensor had Inf values" in msg
    assert "CheckNumerics 'checked'" in msg
    assert f"test_nn_training_ops.py:{line_of('# site: check-line')}" in msg


def test_check_numerics_in_a_compiled_callable_and_on_nan_and_inf():
    x, loss = _checked()
    with gc.Session() as s:
        f = s.make_callable(loss, [x])
        assert f(np.full((2, 2), np.e, np.float32)) == pytest.approx(8.0)
        with pytest.raises(gc.errors.ExecutionError, match="Tensor had Inf and NaN values"):
            f(np.array([[0.0, -1.0]], np.float32))
        with pytest.raises(gc.errors.ExecutionError, match="Tensor had NaN values"):
            f(np.array([[-1.0, 1.0]], np.float32))
    exe = gc.compile(loss, feed_list=[x])
    with pytest.raises(gc.errors.ExecutionError, match="checked"):
        exe(np.zeros((1, 2), np.float32))


def test_check_numerics_of_a_constant_is_not_folded_away():
    bad = gc.check_numerics(gc.constant([1.0, np.nan]), "const")
    for optimize in (True, False):
        with pytest.raises(gc.errors.ExecutionError, match="const : Tensor had NaN"):
            run(bad * 2.0, optimize=optimize)
    fine = gc.check_numerics(gc.constant([1.0, 2.0]), "fine")
    np.testing.assert_array_equal(run(fine * 2.0), [2.0, 4.0])


def test_check_numerics_checks_the_gradient_as_tf1_does():
    x = gc.placeholder(gc.float64, (2,))
    y = gc.check_numerics(x, "x")
    g = gc.gradients(gc.reduce_sum(gc.sqrt(y)), [x])[0]
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(g, {x: [1.0, 4.0]}), [0.5, 0.25])
        with pytest.raises(gc.errors.ExecutionError,
                           match=re.escape("values detected in gradient. x : Tensor had "
                                           "Inf values")):
            s.run(g, {x: [0.0, 4.0]})


def test_verify_tensor_all_finite_runs_the_check_first():
    x = gc.placeholder(gc.float64, (2,))
    y = gc.verify_tensor_all_finite(x, "x is bad") * 2.0
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
        with pytest.raises(gc.errors.ExecutionError, match="x is bad : Tensor had NaN"):
            s.run(y, {x: [1.0, np.nan]})


def test_add_check_numerics_ops_checks_every_float_output():
    x = gc.placeholder(gc.float32, (2,), name="x")
    gc.log(x, name="log")
    check = gc.add_check_numerics_ops()
    with gc.Session() as s:
        s.run(check, {x: np.ones(2, np.float32)})
        with pytest.raises(gc.errors.ExecutionError, match="log:0 : Tensor had Inf"):
            s.run(check, {x: np.zeros(2, np.float32)})


# ---- Print and print ------------------------------------------------------------------------
def test_summaries_match_tensorflows():
    assert summarize_v1(np.arange(10), 3) == "0 1 2..."
    assert summarize_v1(np.array([[1, 2], [3, 4]]), 3) == "[1 2][3...]..."
    assert summarize_v1(np.array(2.5, np.float32), 3) == "2.5"
    assert summarize_v1(np.array([0.1, 1 / 3], np.float32), -1) == "0.1 0.333333343"
    assert summarize_v1(np.array([True, False]), 3) == "1 0"
    assert summarize_v2(np.arange(10), 3) == "[0 1 2 ... 7 8 9]"
    assert summarize_v2(np.arange(4).reshape(2, 2), 3) == "[[0 1]\n [2 3]]"
    assert summarize_v2(np.arange(6).reshape(6, 1), 1) == "[[0]\n ...\n [5]]"
    assert summarize_v2(np.zeros((0, 2)), 3) == "[]"


def test_print_writes_to_stderr_every_run_even_when_optimized(capfd):
    x = gc.placeholder(gc.float32, (None, 3))
    y = gc.Print(x * 2.0, ["y is", x * 2.0, gc.reduce_sum(x)], "msg: ", summarize=4)
    c = gc.Print(gc.constant(1.0), [gc.constant(7)], "const ")     # not folded
    c2 = gc.Print(gc.constant(1.0), [gc.constant(7)], "const ")    # not merged
    with gc.Session() as s:
        for _ in range(2):
            out = s.run([y, c + c2], {x: np.ones((2, 3), np.float32)})
    np.testing.assert_array_equal(out[0], 2.0)
    err = capfd.readouterr().err
    assert err.count("msg: [y is][[2 2 2][2...]...][6]\n") == 2
    assert err.count("const [7]\n") == 4


def test_print_first_n_and_gradient(capfd):
    x = gc.placeholder(gc.float64, (3,))
    y = gc.Print(x, [x], first_n=2, summarize=-1)
    g = gc.gradients(gc.reduce_sum(y * y), [x])[0]
    with gc.Session() as s:
        for _ in range(3):
            got = s.run(g, {x: [1.0, 2.0, 3.0]})
    np.testing.assert_allclose(got, [2.0, 4.0, 6.0])
    assert capfd.readouterr().err == "[1 2 3]\n" * 2
    check_vjp(lambda t: gc.Print(t, [t], first_n=0), [np.arange(3.0)])


def test_tf_print_as_a_control_dependency(capfd):
    x = gc.constant(np.arange(10))
    p = gc.print("tensors:", x, {2: x * 2}, output_stream=sys.stdout)
    with gc.control_dependencies([p]):
        tripled = x * 3
    np.testing.assert_array_equal(run(tripled), np.arange(10) * 3)
    out = capfd.readouterr().out
    assert out == "tensors: [0 1 2 ... 7 8 9] {2: [0 2 4 ... 14 16 18]}\n"
    run(gc.print(x, summarize=-1, sep="", end="!"))
    assert capfd.readouterr().err == "[0 1 2 3 4 5 6 7 8 9]!"
    with pytest.raises(ValueError, match="output stream"):
        gc.print(x, output_stream="/tmp/x")


def test_tf_print_of_sparse_tensors_and_indexed_slices_as_tf(capfd):
    """TF 2.21's text: a SparseTensor as a quoted SparseTensor(...), an IndexedSlices
    (a gather's gradient) dense."""
    sp = gc.SparseTensor([[0, 1], [2, 0]], [5.0, 6.0], [3, 2])
    v = gc.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    (ix,) = gc.gradients(gc.reduce_sum(gc.gather(v, [0, 2])), v)
    with gc.Session() as s:
        s.run(v.initializer)
        s.run(gc.print("sp:", sp, {"a": sp}, [ix], output_stream=sys.stdout))
    assert capfd.readouterr().out == (
        "sp: 'SparseTensor(indices=[[0 1]\n [2 0]], values=[5 6], shape=[3 2])' "
        "{'a': 'SparseTensor(indices=[[0 1]\n [2 0]], values=[5 6], shape=[3 2])'} "
        "[[[1 1]\n [0 0]\n [1 1]]]\n")


def test_tf_print_appends_to_a_file_stream(tmp_path):
    path = tmp_path / "log.txt"
    op = gc.print("x is", gc.constant([1, 2]), output_stream=f"file://{path}")
    with gc.Session() as s:
        s.run(op)
        s.run(op)
    assert path.read_text() == "x is [1 2]\nx is [1 2]\n"


def test_prints_in_loop_bodies_and_branches_print_once_under_gradients(capfd):
    """A derivative's replay of a while body or a cond branch prints nothing: the lines
    are TF1's, once per forward value (checked against TF 2.21)."""
    x = gc.placeholder(gc.float32, [None])
    w = gc.Variable(0.5)

    def body(i, h):
        with gc.control_dependencies([gc.print("i =", i)]):
            return i + 1, gc.tanh(gc.Print(h, [i], "h at ") * w + 0.1)
    _, h = gc.while_loop(lambda i, h: i < 3, body, (0, x))
    c = gc.cond(gc.reduce_sum(h) > 0, lambda: gc.Print(h * w, [], "taken "), lambda: h)
    (g,) = gc.gradients(gc.reduce_sum(c), [w])
    with gc.Session() as s:
        s.run(w.initializer)
        s.run([c, g], {x: [1.0]})
    assert capfd.readouterr().err == (
        "i = 0\nh at [0]\ni = 1\nh at [1]\ni = 2\nh at [2]\ntaken \n")


# ---- assertions ----------------------------------------------------------------------------
def test_assert_equal_fails_at_run_time_with_tf1s_message():
    x = gc.placeholder(gc.int32, (None,), name="x")
    check = gc.assert_equal(x, [1, 2, 3], message="bad x")   # site: assert-line
    with gc.control_dependencies([check]):
        y = gc.identity(x * 2)
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(y, {x: [1, 2, 3]}), [2, 4, 6])
        with pytest.raises(gc.errors.ExecutionError) as e:
            s.run(y, {x: [1, 2, 4]})
    msg = str(e.value)
    assert ("assertion failed: [bad x] [Condition x == y did not hold element-wise:] "
            "[x (x:0) = ] [1 2 4] [y (assert_equal/y:0) = ] [1 2 3]") in msg
    assert f"test_nn_training_ops.py:{line_of('# site: assert-line')}" in msg


def test_asserts_on_values_known_when_built_are_decided_then_as_tf():
    """TF 2.21 (the session-19 asserts hunt): both sides known (constants, the shape of
    a placeholder of known shape) -> InvalidArgumentError when the op is built, even in
    an untaken cond branch; a message leads given data."""
    x = gc.placeholder(gc.float32, [3, 4])
    for build, msg in [(lambda: gc.assert_equal(gc.shape(x), [3, 5], message="shape"),
                        "shape\nCondition x == y"),
                       (lambda: gc.assert_less(gc.size(x), 10, message="too big"),
                        "too big"),
                       (lambda: gc.assert_positive(gc.constant([1.0, -2.0])), "x > 0")]:
        with pytest.raises(gc.errors.InvalidArgumentError, match=msg) as e:
            build()
        assert "decided when the graph was built" in str(e.value)
    p = gc.placeholder(gc.bool, [])
    with pytest.raises(gc.errors.InvalidArgumentError, match="in branch"):
        gc.cond(p, lambda: gc.assert_equal(gc.constant(1), 2, message="in branch"),
                lambda: gc.no_op())
    gc.assert_equal(gc.shape(x), [3, 4])                    # true: built, no error
    i = gc.placeholder(gc.int32, [])
    check = gc.assert_less(i, 5, data=["i =", i], message="loop ran too long")
    with pytest.raises(gc.errors.InvalidArgumentError, match=re.escape(
            "assertion failed: [loop ran too long] [i =] [7]")):
        run(check, {i: 7})
    with pytest.raises(ValueError, match="float"):
        gc.assert_near(gc.constant([1]), 1)


@pytest.mark.parametrize("fn, good, bad, cond", [
    (gc.assert_positive, [1.0, 2.0], [1.0, 0.0], "x > 0"),
    (gc.assert_negative, [-1.0], [-1.0, 0.0], "x < 0"),
    (gc.assert_non_negative, [0.0, 2.0], [-1.0], "x >= 0"),
    (gc.assert_non_positive, [0.0, -2.0], [1.0], "x <= 0"),
])
def test_sign_asserts(fn, good, bad, cond):
    x = gc.placeholder(gc.float32, (None,), name="v")
    check = fn(x)
    with gc.Session() as s:
        s.run(check, {x: good})
        with pytest.raises(gc.errors.ExecutionError,
                           match=re.escape(f"[Condition {cond} did not hold element-wise:]")):
            s.run(check, {x: bad})


def test_binary_asserts_and_assert_near():
    a = gc.placeholder(gc.float64, (2,))
    checks = [gc.assert_less(a, 3.0), gc.assert_less_equal(a, 2.0),
              gc.assert_greater(a, 0.0), gc.assert_greater_equal(a, 1.0),
              gc.assert_none_equal(a, 5.0), gc.assert_near(a, [1.0, 2.0 + 1e-9], atol=1e-6)]
    with gc.Session() as s:
        s.run(checks, {a: [1.0, 2.0]})
        for c in checks:
            with pytest.raises(gc.errors.ExecutionError, match="assertion failed"):
                s.run(c, {a: [5.0, -1.0]})


def test_assert_with_data_and_summarize():
    x = gc.constant(np.arange(6).reshape(2, 3))
    check = gc.Assert(gc.reduce_all(x < 3), ["x is", x, 1.5], summarize=2)
    with pytest.raises(gc.errors.ExecutionError,
                       match=re.escape("assertion failed: [x is] [[0 1...]...] [1.5]")):
        run(check)
    with pytest.raises(gc.errors.DTypeError, match="must be bool"):
        gc.Assert(x, ["not bool"])


def test_assert_rank_static_and_dynamic():
    x = gc.placeholder(gc.float32, (None, 3), name="m")
    assert gc.assert_rank(x, 2).type == "NoOp"
    assert gc.assert_rank_at_least(x, 1).type == "NoOp"
    with pytest.raises(gc.errors.ShapeError, match="Tensor m:0 must have rank 3"):
        gc.assert_rank(x, 3)
    u = gc.placeholder(gc.float32, None, name="u")
    check = gc.assert_rank(u, 2, message="rank?")
    with gc.Session() as s:
        s.run(check, {u: np.zeros((2, 2))})
        with pytest.raises(gc.errors.ExecutionError,
                           match=re.escape("[rank?] [Tensor u:0 must have rank] [2] "
                                           "[Received shape: ] [4]")):
            s.run(check, {u: np.zeros(4)})


def test_assert_type():
    assert gc.assert_type(gc.constant(1), gc.int32).type == "NoOp"
    with pytest.raises(gc.errors.DTypeError, match="must be of type float32"):
        gc.assert_type(gc.constant(1), gc.float32)
