"""Differential testing of the compiler: hypothesis draws random graphs (elementwise ops,
broadcasting, reductions, matmuls, reshapes, transposes, the patterns the rules rewrite,
and cond/while_loop/map_fn/scan around random pieces) and their gradients; optimized and unoptimized runs agree, and the verifier
accepts the Program after every pass."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphc as gc

SHAPES = [(3, 4), (4,), (3, 1), ()]
# big enough for in-place writes and buffer reuse (>= 1024 elements) and for recycled
# fetches (>= 128 KiB): the memory plan's paths that the small shapes never take
BIG_SHAPES = [(128, 160), (160,), (128, 1), ()]


def _unary(x, k):
    return [gc.tanh, gc.sigmoid, lambda t: t * t, lambda t: -t, lambda t: gc.exp(gc.tanh(t)),
            gc.identity, lambda t: t * 1.0, lambda t: t + 0.0, lambda t: (t * 2.0) * 0.5,
            lambda t: gc.log(1.0 + t * t), lambda t: -(-t), gc.sin,
            lambda t: gc.cast(t, gc.float64)][k](x)


def _binary(x, y, k):
    return [gc.add, gc.subtract, gc.multiply, gc.maximum,
            lambda a, b: a * b + a * b][k](x, y)


def _shaped(x, k, m, n):
    """An op that needs an (m, n) input and gives one of the shapes back."""
    if x.shape.as_list() != [m, n]:
        return x
    w = gc.constant(np.random.default_rng(1).standard_normal((n, n)) * (2 / n) ** 0.5)
    return [lambda t: gc.matmul(t, w),
            lambda t: gc.matmul(gc.transpose(gc.transpose(t)), w),
            lambda t: gc.reduce_sum(t, axis=1, keepdims=True),
            lambda t: gc.reduce_mean(t, axis=0),
            lambda t: gc.reshape(gc.reshape(t, [n, -1]), [-1, n]),
            lambda t: gc.transpose(gc.matmul(w, t, transpose_b=True)),
            lambda t: gc.add_n([t, gc.add_n([t, t])])][k](x)


def _control(x, y, k):
    """Control flow around random pieces: each inner graph is compiled by the same passes,
    and gradients of the whole go through it."""
    if k == 0:
        return gc.cond(gc.reduce_sum(x) > 0.0, lambda: _unary(x, 0) * y, lambda: x - y)
    if x.shape.rank == 0:
        return gc.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, gc.tanh(v) + x),
                             [0, y])[1] if y.shape.rank == 0 else x
    if k == 1:
        return gc.map_fn(lambda r: gc.sigmoid(r) * 2.0 - r, x)
    return gc.scan(lambda a, r: gc.tanh(a) * 0.5 + r, x)


@st.composite
def programs(draw, control=False):
    n = draw(st.integers(2, 9))
    return [(draw(st.integers(0, 3 if control else 2)), draw(st.integers(0, 100)),
             draw(st.integers(0, 100)), draw(st.integers(0, 100))) for _ in range(n)]


def _build(ops, xs):
    m, n = xs[0].shape.as_list()
    pool = list(xs)
    for kind, a, b, k in ops:
        x, y = pool[a % len(pool)], pool[b % len(pool)]
        if kind == 0:
            pool.append(_unary(x, k % 13))
        elif kind == 1:
            pool.append(_binary(x, y, k % 5))
        elif kind == 2:
            pool.append(_shaped(x, k % 7, m, n))
        else:
            pool.append(_control(x, y if y.shape == x.shape else x, k % 3))
    out = [t for t in pool[len(xs):]]
    loss = gc.add_n([gc.reduce_sum(t) for t in out[-3:]])
    return loss


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(0, 2**31 - 1))
def test_optimized_equals_unoptimized(ops, seed):
    _differential(ops, seed, SHAPES)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(control=True), st.integers(0, 2**31 - 1))
def test_optimized_equals_unoptimized_with_control_flow(ops, seed):
    _differential(ops, seed, SHAPES)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(0, 2**31 - 1))
def test_optimized_equals_unoptimized_on_big_arrays(ops, seed):
    _differential(ops, seed, BIG_SHAPES)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(0, 2**31 - 1))
def test_optimized_equals_unoptimized_with_unknown_dims(ops, seed):
    """Placeholders of unknown leading dims: Session.run compiles a plan for the fed
    shapes (exact shapes downstream), gc.compile the general one; both agree."""
    _differential(ops, seed, BIG_SHAPES, unknown=True)


def _differential(ops, seed, shapes, unknown=False):
    gc.reset_default_graph()
    rng = np.random.default_rng(seed)
    xs = [gc.placeholder(gc.float64, (None,) + s[1:] if unknown and s else s, name=f"x{i}")
          for i, s in enumerate(shapes)]
    loss = _build(ops, xs)
    grads = [g for g in gc.gradients(loss, xs) if g is not None]
    fetches = [loss] + grads
    values = [rng.standard_normal(s) for s in shapes]
    feeds = dict(zip(xs, values))
    exe = gc.compile(fetches, xs, verify=True)          # lints after every pass
    exe(*[rng.standard_normal(s) for s in shapes])      # its results let go: recycled
    opt = exe(*values)
    # fusing every elementwise group, 2-element chunks on two threads
    fused = gc.compile(fetches, xs, verify=True, fuse_chunk_bytes=16, threads=2)(*values)
    with gc.Session(optimize=False) as s:
        raw = s.run(fetches, feeds)
    with gc.Session() as s:
        via_run = s.run(fetches, feeds)
    for a, b, c, d in zip(opt, raw, via_run, fused):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(c, b, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(d, b, rtol=1e-9, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(0, 2**31 - 1))
def test_big_elementwise_chains_in_place(depth, seed):
    """Chains on arrays big enough for in-place writes, with fan-out and broadcasting:
    values fetched mid-chain and the feeds stay intact."""
    gc.reset_default_graph()
    rng = np.random.default_rng(seed)
    x = gc.placeholder(gc.float32, (64, 32), name="x")
    b = gc.placeholder(gc.float32, (32,), name="b")
    mids, y = [], x
    for k in range(depth):
        y = gc.tanh(y * 0.9 + b) if k % 2 else gc.sigmoid(y) - y
        if rng.random() < 0.4:
            mids.append(y)
    fetches = [y] + mids + [gc.reshape(y, [32, 64])]
    xv = rng.standard_normal((64, 32)).astype(np.float32)
    bv = rng.standard_normal(32).astype(np.float32)
    keep = xv.copy(), bv.copy()
    outs = []
    for opt in (True, False):
        with gc.Session(optimize=opt) as s:
            outs.append(s.run(fetches, {x: xv, b: bv}))
    for a, c in zip(*outs):
        np.testing.assert_allclose(a, c, rtol=1e-6)
    np.testing.assert_array_equal(xv, keep[0])
    np.testing.assert_array_equal(bv, keep[1])
