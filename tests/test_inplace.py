"""Kernels with kernel_out (in-place / buffer reuse) give the same values as without."""
import weakref

import numpy as np
import pytest

import graphc as gc


def test_large_inplace_chain_matches_unoptimized():
    rng = np.random.default_rng(0)
    x = gc.placeholder(gc.float64, (None, 64), name="x")
    W = gc.constant(rng.standard_normal((64, 64)) * 0.2)
    h = x
    for _ in range(3):
        h = gc.nn.relu(gc.matmul(h, W) + 0.1)
        h = gc.sigmoid(h) * 2.0 - gc.nn.softplus(-h)
    loss = gc.reduce_sum(h * h)
    g, = gc.gradients(loss, [x])
    xv = rng.standard_normal((128, 64))
    exe = gc.compile([h, g], feed_list=[x])
    with gc.Session() as s, gc.Session(optimize=False) as ref:
        got = s.run([h, g], {x: xv})
        want = ref.run([h, g], {x: xv})
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert exe.plan.inplace > 0                       # the rewrite really happened
    np.testing.assert_array_equal(xv, xv.copy())      # the feed is untouched


def _recycling_graph():
    x = gc.placeholder(gc.float32, (256, 256), name="x")
    W = gc.placeholder(gc.float32, (256, 256), name="W")
    return x, W, [gc.matmul(x, W), gc.nn.relu(x) * 2.0]


@pytest.mark.parametrize("codegen", [True, False])
def test_fetched_buffers_are_recycled_only_when_the_caller_let_go(monkeypatch, codegen):
    """A big fetched value is written into the array the previous run returned, when
    nothing but the executable holds it; a held result, a view of one or a read-only
    one is never overwritten."""
    if not codegen:
        monkeypatch.setattr(gc.compiler.executable, "CODEGEN_MAX", 0)
    x, W, ys = _recycling_graph()
    f = gc.Session().make_callable(ys, [x, W])
    rng = np.random.default_rng(1)
    feeds = [rng.standard_normal((256, 256)).astype(np.float32) for _ in range(4)]
    want = [(a @ b, np.maximum(a, 0) * 2) for a, b in zip(feeds, feeds[1:] + feeds[:1])]

    held = f(feeds[0], feeds[1])                # kept: never overwritten
    ptrs = [a.ctypes.data for a in held]
    out = f(feeds[1], feeds[2])
    assert all(a.ctypes.data != p for a, p in zip(out, ptrs))
    ptrs = [a.ctypes.data for a in out]
    ref = [weakref.ref(a) for a in out]
    del out                                     # let go: the next run writes into them
    out = f(feeds[2], feeds[3])
    assert [a.ctypes.data for a in out] == ptrs and all(r() is a for r, a in zip(ref, out))
    view = out[0][:3]                           # a view holds the first; the second is read-only
    out[1].flags.writeable = False
    second = out[1]
    del out
    out = f(feeds[3], feeds[0])
    assert out[0].ctypes.data != ptrs[0] and out[1] is not second
    for got, w in zip([held, f(feeds[1], feeds[2])], [want[0], want[1]]):
        for a, b in zip(got, w):
            np.testing.assert_allclose(a, b, rtol=1e-5)
    np.testing.assert_allclose(view, want[2][0][:3], rtol=1e-5)
    np.testing.assert_allclose(second, want[2][1], rtol=1e-5)
    for a, b in zip(out, want[3]):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_session_run_results_are_recycled_too():
    x, W, ys = _recycling_graph()
    s = gc.Session()
    a = np.ones((256, 256), np.float32)
    first = s.run(ys[0], {x: a, W: a})
    ptr = first.ctypes.data
    second = s.run(ys[0], {x: a, W: 2 * a})     # first is held: a new array
    assert second.ctypes.data != ptr and first[0, 0] == 256 and second[0, 0] == 512
    ptr = second.ctypes.data
    del second
    third = s.run(ys[0], {x: a, W: 3 * a})
    assert third.ctypes.data == ptr and third[0, 0] == 768


def test_recycling_is_safe_when_threads_share_an_executable():
    """Threads running one executable at once: a result one of them holds is never the
    buffer another run writes into."""
    import threading
    x, W, ys = _recycling_graph()
    f = gc.Session().make_callable(ys[0], [x, W])
    eye = np.eye(256, dtype=np.float32)
    errors = []

    def worker(k):
        held = []
        for i in range(40):
            a = np.full((256, 256), k * 100 + i, np.float32)
            out = f(a, eye)
            if i % 2:
                held.append((k * 100 + i, out))     # kept: must keep its value
        for v, out in held:
            if not (out == v).all():
                errors.append((k, v))
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_closing_the_session_releases_recycled_results():
    x, W, ys = _recycling_graph()
    s = gc.Session()
    f = s.make_callable(ys[0], [x, W])
    a = np.ones((256, 256), np.float32)
    ref = weakref.ref(f(a, a))                 # dropped at once: the executable keeps it
    assert ref() is not None
    s.close()
    assert ref() is None
