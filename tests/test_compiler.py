"""The compiler's passes, one targeted test each: the pass or rule fired, the result is
right, and the verifier accepts the Program after every pass (verify=True)."""
import collections

import numpy as np
import pytest

import graphc as gc
from graphc.compiler.program import lower
from graphc.compiler.verify import VerifyError, verify


def compiled(fetches, feeds=(), **kw):
    kw.setdefault("verify", True)
    return gc.compile(fetches, list(feeds), **kw)


def fired(exe, name=None):
    """{change: count} over all passes (or the pass `name`)."""
    c = collections.Counter()
    for ch in exe.log:
        if name is None or ch.name == name:
            c.update(ch.counts)
    return c


def both(fetches, feeds):
    """(optimized, unoptimized) results of fetches given {placeholder: value}."""
    out = []
    for opt in (True, False):
        with gc.Session(optimize=opt) as s:
            out.append(s.run(fetches, feeds))
    return out


def f32(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# ---- prune, fold ------------------------------------------------------------------------------
def test_prune_keeps_only_what_fetches_need():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = gc.tanh(x)
    gc.exp(x) * 2.0                       # not fetched: never lowered
    exe = compiled(y, [x])
    assert [n.type for n in exe.program.nodes] == ["Tanh"]


def test_fold_constants_and_shapes():
    x = gc.placeholder(gc.float32, (2, 3), name="x")
    c = gc.constant(2.0) * gc.constant(3.0) + 1.0      # folds to 7
    n = gc.cast(gc.size(x), gc.float32)                # static: 6
    y = x * c + n
    exe = compiled(y, [x])
    ch = fired(exe, "fold")
    assert ch["constants folded"] >= 2 and ch["shape computations folded"] == 1
    assert sorted(n.type for n in exe.program.nodes if n.inputs) == ["Add", "Mul"]
    np.testing.assert_allclose(exe(np.ones((2, 3), np.float32)), np.full((2, 3), 13.0))


def test_fold_respects_the_size_cap():
    big = gc.fill(gc.constant([1000, 600]), 1.0) * 2.0      # 2.4 MB: over the 1 MiB cap
    exe = compiled(gc.reduce_sum(big))
    assert fired(exe, "fold")["not folded (over the size cap)"] >= 1
    assert exe() == pytest.approx(1.2e6)


def test_random_ops_are_never_folded_or_merged():
    r1 = gc.random_normal((4,)) * 2.0
    r2 = gc.random_normal((4,)) * 2.0
    with gc.Session() as s:
        a, b = s.run([r1, r2])
        c, _ = s.run([r1, r2])
    assert not np.allclose(a, b) and not np.allclose(a, c)


# ---- algebraic simplification --------------------------------------------------------------
@pytest.mark.parametrize("rule, build", [
    ("x*1 -> x", lambda x: x * 1.0),
    ("x*1 -> x", lambda x: 1.0 * x),
    ("x+0 -> x", lambda x: x + 0.0),
    ("x-0 -> x", lambda x: x - 0.0),
    ("x/1 -> x", lambda x: x / 1.0),
    ("--x -> x", lambda x: -(-x)),
    ("transpose(transpose(x)) -> x", lambda x: gc.transpose(gc.transpose(x))),
    ("reshape(reshape(x)) -> reshape(x)", lambda x: gc.reshape(gc.reshape(x, [6]), [3, 2])),
    ("identity(x) -> x", lambda x: gc.identity(gc.stop_gradient(x))),
    ("cast(x, dtype(x)) -> x", lambda x: gc.cast(x, gc.float32)),
    ("add_n(add_n(a, b), c) -> add_n(a, b, c)", lambda x: gc.add_n([gc.add_n([x, x]), x])),
    ("(x*c1)*c2 -> x*(c1*c2)", lambda x: (x * 2.0) * 3.0),
    ("matmul(transpose(a), b) -> matmul(a, b, transpose_a)",
     lambda x: gc.matmul(gc.transpose(x), x)),
    ("matmul(a, b)*c -> scaled_matmul(a, b, c)",     # scales the (2, 1) product
     lambda x: gc.matmul(x, gc.ones((3, 1))) * 0.5),
    ("matmul(a, b)*c -> scaled_matmul(a, b, c)",     # scales a = x, (2, 3)
     lambda x: 0.5 * gc.matmul(x, gc.ones((4, 3)), transpose_b=True)),
    ("matmul(a, b)*c -> scaled_matmul(a, b, c)",     # scales b = x, (2, 3)
     lambda x: gc.matmul(gc.ones((2, 4)), x, transpose_a=True) * -2.0),
])
def test_simplify_rule_fires_and_keeps_the_value(rule, build):
    """Each named rule fires on its pattern and the value is unchanged."""
    x = gc.placeholder(gc.float32, (2, 3), name="x")
    y = gc.tanh(build(x))
    exe = compiled(y, [x])
    assert fired(exe)[rule] >= 1, exe.report(quiet=True)
    xv = f32(2, 3)
    opt, raw = both(y, {x: xv})
    np.testing.assert_allclose(opt, raw, rtol=1e-6)


def test_rules_respect_broadcasting():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = x * np.ones((2, 3), np.float32)        # x*1 would change the shape: no rewrite
    z = x + np.zeros((2, 1), np.float32)
    exe = compiled([y, z], [x])
    assert not fired(exe, "simplify")
    a, b = exe(np.arange(3, dtype=np.float32))
    assert a.shape == (2, 3) and b.shape == (2, 3)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unoptimized run overflows
def test_unsafe_rules_only_on_request():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = [x * 0.0, x - x]
    safe = compiled(y, [x])
    unsafe = compiled(y, [x], unsafe_math=True)
    assert not fired(safe, "simplify")
    f = fired(unsafe, "simplify")
    assert f["x*0 -> 0"] == 1 and f["x-x -> 0"] == 1
    inf = np.array([np.inf, 1, 2], np.float32)
    assert np.isnan(safe(inf)[0][0]) and unsafe(inf)[0][0] == 0


# ---- numerical stability ---------------------------------------------------------------------
def _stable(build, value, want, rule, dtype=gc.float64):
    x = gc.placeholder(dtype, np.shape(value), name="x")
    y = build(x)
    opt, raw = both(y, {x: value})
    assert not np.all(np.isfinite(raw))
    np.testing.assert_allclose(opt, want, rtol=1e-6)
    assert fired(compiled(y, [x]))[rule] == 1


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unoptimized run overflows
def test_log_softmax_rewrite():
    _stable(lambda x: gc.log(gc.nn.softmax(x)), [1000.0, 0.0], [0.0, -1000.0],
            "log(softmax(x)) -> log_softmax(x)")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unoptimized run overflows
def test_log1p_rewrite():
    _stable(lambda x: x / gc.log(1.0 + x), [1e-20], [1.0], "log(1+x) -> log1p(x)")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unoptimized run overflows
def test_expm1_rewrite():
    _stable(lambda x: x / (gc.exp(x) - 1.0), [1e-20], [1.0], "exp(x)-1 -> expm1(x)")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unoptimized run overflows
def test_log_sigmoid_rewrite():
    _stable(lambda x: gc.log(gc.sigmoid(x)), [-1000.0, 0.0], [-1000.0, -np.log(2)],
            "log(sigmoid(x)) -> -softplus(-x)")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unoptimized run overflows
def test_softmax_cross_entropy_fuses():
    labels = np.array([[1.0, 0.0]])
    _stable(lambda x: -gc.reduce_sum(labels * gc.log(gc.nn.softmax(x)), axis=-1),
            [[-1000.0, 0.0]], [1000.0],
            "-sum(labels*log_softmax(x)) -> softmax_cross_entropy(labels, x)")


CANCEL = "(a/s)*s -> a for s = softmax(x) or sigmoid(x)"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unoptimized run overflows
@pytest.mark.parametrize("case", ["log_softmax", "log_sigmoid", "cross_entropy"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_gradients_are_stabilized_too(case, mode):
    """The rewritten value is stable; its gradient (and jvp) come from the rules of the
    ops as built: log's 1/s meets softmax's or sigmoid's s, which underflowed to 0."""
    gc.reset_default_graph()
    xv = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    labels = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    tv = np.random.default_rng(0).standard_normal(xv.shape)
    x = gc.placeholder(gc.float64, xv.shape, name="x")
    e = np.exp(xv - xv.max(1, keepdims=True))
    soft = e / e.sum(1, keepdims=True)
    sig = np.array([[1.0, 0.5, 0.0], 1 / (1 + np.exp(-xv[1]))])
    f, grad, jvp = {        # f(x), the gradient of sum(f(x)), the jvp along tv
        "log_softmax": (lambda x: gc.log(gc.nn.softmax(x)), 1 - 3 * soft,
                        tv - (soft * tv).sum(1, keepdims=True)),
        "log_sigmoid": (lambda x: gc.log(gc.sigmoid(x)), 1 - sig, (1 - sig) * tv),
        "cross_entropy": (lambda x: -gc.reduce_sum(labels * gc.log(gc.nn.softmax(x)), -1),
                          soft - labels, ((soft - labels) * tv).sum(1)),
    }[case]
    y = f(x)
    if mode == "grad":
        out, want = gc.gradients(gc.reduce_sum(y), [x])[0], grad
    else:
        out, want = gc.jvp(y, [x], [gc.constant(tv)])[0], jvp
    opt, raw = both(out, {x: xv})
    assert not np.all(np.isfinite(raw))         # as built: inf * 0
    np.testing.assert_allclose(opt, want, rtol=1e-9, atol=1e-12)
    assert fired(compiled(out, [x]))[CANCEL] >= 1


# ---- CSE --------------------------------------------------------------------------------------
def test_cse_merges_equal_and_commuted_expressions():
    a = gc.placeholder(gc.float32, (3,), name="a")
    b = gc.placeholder(gc.float32, (3,), name="b")
    y = gc.tanh(a * b) + gc.tanh(b * a)
    exe = compiled(y, [a, b])
    assert fired(exe, "cse")["merged"] == 2
    assert len(exe.program.nodes) == 3


def test_gradient_graphs_shrink_under_cse():
    x = gc.placeholder(gc.float64, (4,), name="x")
    y = gc.reduce_sum(gc.sin(x) * gc.sin(x) + gc.sigmoid(x) * gc.sigmoid(x))
    g, = gc.gradients(y, [x])
    exe = compiled(g, [x])
    cse = next(c for c in exe.log if c.name == "cse")
    assert cse.after < cse.before and cse.counts["merged"] >= 3
    xv = np.linspace(-1, 1, 4)
    want = 2 * np.sin(xv) * np.cos(xv) + 2 * (s := 1 / (1 + np.exp(-xv))) * s * (1 - s)
    np.testing.assert_allclose(exe(xv), want, rtol=1e-12)


def _loops(exe):
    return [n for n in exe.program.nodes if n.type == "StatelessLoop"]


def test_narrow_drops_loop_outputs_nobody_uses():
    """d/dx of an RNN scan: the backward loop's weight cotangent (a matmul a step) goes;
    a while_loop fetched for one carry keeps only what that carry needs."""
    x = gc.placeholder(gc.float64, (5, 2, 3), name="x")
    w = gc.placeholder(gc.float64, (3, 3), name="w")
    hs = gc.scan(lambda h, xt: gc.tanh(xt + gc.matmul(h, w)), x,
                 initializer=gc.zeros((2, 3), gc.float64))
    gx, = gc.gradients(gc.reduce_sum(hs), [x])
    exe = compiled(gx, [x, w])
    assert fired(exe, "narrow")["narrowed"] == 1
    back = [n for n in _loops(exe) if "loop_grad" in n.name]
    assert len(back) == 1 and len(back[0].outputs) < len(back[0].src.outputs)
    rng = np.random.default_rng(0)
    feeds = {x: rng.standard_normal((5, 2, 3)), w: rng.standard_normal((3, 3)) * 0.5}
    got, want = both(gx, feeds)
    np.testing.assert_allclose(got, want, rtol=1e-12)

    n = gc.placeholder(gc.int32, (), name="n")
    _, a, b = gc.while_loop(lambda i, a, b: i < n,
                            lambda i, a, b: (i + 1, gc.sin(a) * 2.0, b + 1.0),
                            [0, gc.zeros((3,), gc.float64), gc.constant(0.0, gc.float64)])
    exe = compiled(b, [n])
    loop, = _loops(exe)
    assert [t.dtype for t in loop.outputs] == [gc.int32, gc.float64]   # a is gone
    assert loop.outputs[1].shape.as_list() == []
    assert exe(4) == 4.0 and exe(0) == 0.0


def test_narrow_drops_cond_outputs_nobody_uses():
    """d/dx of one output of a cond: the forward If keeps that output, the gradient If
    computes no cotangent for w."""
    x = gc.placeholder(gc.float64, (3,), name="x")
    w = gc.placeholder(gc.float64, (3,), name="w")
    p = gc.placeholder(gc.bool, (), name="p")
    a, b = gc.cond(p, lambda: (gc.sin(x) * w, gc.exp(w)), lambda: (x * x, w + 1.0))
    gx, = gc.gradients(gc.reduce_sum(a), [x])
    exe = compiled([gx, a], [p, x, w])
    assert fired(exe, "narrow")["narrowed"] == 2
    assert all(len(n.outputs) == 1 for n in exe.program.nodes if n.type == "StatelessIf")
    xv, wv = np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.2, 0.1])
    for pv in (True, False):
        got, want = both([gx, a], {p: pv, x: xv, w: wv})
        np.testing.assert_allclose(got[0], want[0])
        np.testing.assert_allclose(got[0], np.cos(xv) * wv if pv else 2 * xv)


# ---- scheduling and memory ----------------------------------------------------------------------
def test_schedule_lowers_the_planned_peak():
    x = gc.placeholder(gc.float32, (1024, 1024), name="x")     # 4 MiB values: worth it
    bigs = [gc.tanh(x * float(k)) for k in range(1, 6)]
    sums = [gc.reduce_sum(b) for b in bigs]
    y = gc.add_n(sums)
    exe = compiled(y, [x], inplace=False)
    sch = next(c for c in exe.log if c.name == "schedule")
    assert sch.extra["peak after"] < sch.extra["peak before"]
    xv = f32(1024, 1024)
    opt, raw = both(y, {x: xv})
    np.testing.assert_allclose(opt, raw, rtol=1e-5)


def test_schedule_skips_programs_of_small_values():
    x = gc.placeholder(gc.float32, (16, 16), name="x")
    y = gc.add_n([gc.reduce_sum(gc.tanh(x * float(k))) for k in range(1, 6)])
    exe = compiled(y, [x], inplace=False)
    sch = next(c for c in exe.log if c.name == "schedule")
    assert "skipped" in sch.extra and "peak after" not in sch.extra


def test_memory_plan_writes_in_place_on_a_chain():
    x = gc.placeholder(gc.float32, (4096,), name="x")
    y = x
    for _ in range(6):
        y = gc.tanh(y * 1.5 + 0.5)
    exe = compiled(y, [x])
    assert exe.plan.inplace >= 10
    xv = f32(4096)
    keep = xv.copy()
    out = exe(xv)
    np.testing.assert_array_equal(xv, keep)            # the feed is never overwritten
    opt, raw = both(y, {x: xv})
    np.testing.assert_allclose(out, raw, rtol=1e-6)


def test_report_lists_passes_and_peak(capsys):
    x = gc.placeholder(gc.float32, (3,), name="x")
    exe = compiled(gc.tanh(x * 1.0), [x])
    text = exe.report()
    assert "x*1 -> x x1" in text and "planned peak bytes" in text
    for name in ("prune", "fold", "simplify", "stability", "cse", "schedule", "memory"):
        assert name in text
    assert "x*1 -> x" in capsys.readouterr().out


def test_optimize_false_runs_the_graph_as_built():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = x * 1.0
    exe = compiled(y, [x], optimize=False)
    assert [n.type for n in exe.program.nodes] == ["Const", "Mul"]
    assert not fired(exe)


IDIOMS = {        # built under control_dependencies([v += 1]); each must bump v
    "identity(const)": lambda x: gc.identity(gc.constant(3.0)),
    "const": lambda x: gc.constant(3.0),
    "x*1": lambda x: x * 1.0,
    "const*2": lambda x: gc.constant(2.0) * 2.0,
    "log(1+x)": lambda x: gc.log(1.0 + x),
    "identity(x)": lambda x: gc.identity(x),
}


@pytest.mark.parametrize("idiom", list(IDIOMS))
@pytest.mark.parametrize("via", ["itself", "consumer", "shape"])
def test_passes_keep_control_dependencies(idiom, via):
    # TF1's `with control_dependencies([update]): y = identity(...)`: folding, rewriting
    # or folding a consumer must not drop the update
    v = gc.Variable(0.0)
    x = gc.placeholder(gc.float32, ())
    with gc.control_dependencies([v.assign_add(1.0)]):
        y = IDIOMS[idiom](x)
    y = {"itself": y, "consumer": y * 2.0, "shape": gc.size(y)}[via]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(y, {x: 0.5})
        s.run(y, {x: 0.5})
        assert s.run(v) == 2.0


def test_compiling_adds_nothing_to_the_users_graph():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = gc.log(1.0 + (x * 2.0) * 3.0) - gc.log(gc.sigmoid(x))
    fetches = [y] + gc.gradients(y, [x])
    g = gc.get_default_graph()
    n = len(g.nodes)
    exe = compiled(fetches, [x], unsafe_math=True)
    assert sum(fired(exe).values()) >= 3
    assert len(g.nodes) == n


def test_verifier_catches_a_broken_program():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = gc.tanh(x) + 1.0
    prog = lower([y], (), [x])
    verify(prog)
    bad = prog.replace(nodes=tuple(reversed(prog.nodes)))
    with pytest.raises(VerifyError, match="before it is defined"):
        verify(bad, "a test")


@pytest.mark.parametrize("enabled", [True, False])
def test_compiling_leaves_the_cyclic_collector_as_it_was(enabled):
    import gc as pygc
    x = gc.placeholder(gc.float32, (3,), name="x")
    was = pygc.isenabled()
    (pygc.enable if enabled else pygc.disable)()
    try:
        seen = []
        real = gc.compiler.pipeline.lower

        def spy(*a):                        # the collector is paused while it compiles
            seen.append(pygc.isenabled())
            return real(*a)
        gc.compiler.pipeline.lower = spy
        try:
            exe = compiled(gc.tanh(x) * 2.0, [x])
        finally:
            gc.compiler.pipeline.lower = real
        assert seen == [False] and pygc.isenabled() is enabled
        np.testing.assert_allclose(exe(np.ones(3, np.float32)), 2 * np.tanh(1.0), rtol=1e-6)
    finally:
        (pygc.enable if was else pygc.disable)()


def test_a_pass_that_changes_nothing_returns_the_same_program():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = gc.tanh(x) + 2.0
    prog = lower([y], (), [x])
    for name, fn in gc.compiler.pipeline.PASSES:
        if name not in ("fuse", "schedule"):
            out, ch = fn(prog, gc.compiler.pipeline.Options())
            assert out is prog and not ch, name
    exe = compiled(y * 1.0, [x])            # a rule fired: the second prune ran
    assert fired(exe, "simplify")["x*1 -> x"] == 1


def test_reshape_of_reshape_kept_where_zero_elements_decide_the_minus_one():
    """With no elements, reshape's -1 comes from the input's nonzero dims (TF's rule), so
    reshape(reshape(x, [0, 2]), [0, -1]) is (0, 2), not reshape(x, [0, -1]) = (0, 6)."""
    x = gc.placeholder(gc.float32, [None, 6])
    y = gc.reshape(gc.reshape(x, [0, 2]), [0, -1])
    feed = {x: np.zeros((0, 6), np.float32)}
    with gc.Session() as s:
        assert s.run(y, feed).shape == (0, 2)
    with gc.Session(optimize=False) as s:
        assert s.run(y, feed).shape == (0, 2)
