"""The fuse pass (loop fusion with tiling): which records it groups, and that the fused
kernel computes what the records compute one by one, for every way it can run: chunked
(one thread or several, a short last chunk), and whole-array when the run-time shapes
are not what static shapes promised."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc.compiler.passes.fuse import FUSED

SMALL = 64          # fuse_chunk_bytes for tests: 16 float32 elements per chunk


def groups(exe):
    return [n.attrs["body"] for n in exe.program.nodes if n.op is FUSED]


def unfused(fetches, feeds):
    with gc.Session(optimize=False) as s:
        return s.run(fetches, feeds)


def data(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def chain(x):
    return gc.sqrt(gc.abs(gc.square(gc.tanh(x * 1.01 + 0.1) * 0.5 + 0.5) - 0.1)) * 2.0


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("n", [32, 33, 100, 1000])
def test_chain_fuses_into_one_record_and_keeps_its_value(threads, n):
    x = gc.placeholder(gc.float32, (n,), name="x")
    y = chain(x)
    exe = gc.compile(y, [x], verify=True, fuse_chunk_bytes=SMALL, threads=threads)
    (body,) = groups(exe)
    assert len(body.members) == 10 and body.chunk == 16 and len(body.scratch) == 1
    ch = next(c for c in exe.log if c.name == "fuse")
    assert ch.counts["fused groups"] == 1 and ch.counts["records fused"] == 10
    xv = data(n)
    keep = xv.copy()
    np.testing.assert_allclose(exe(xv), unfused(y, {x: xv}), rtol=1e-6)
    np.testing.assert_array_equal(xv, keep)             # the feed is never written


def test_one_large_record_runs_on_threads():
    """A record alone (no chain to fuse) of a static size of two chunks or more still
    gets the chunked kernel, split over the threads; unknown sizes are left alone."""
    x = gc.placeholder(gc.float32, (100,), name="x")
    exe = gc.compile(gc.exp(x), [x], verify=True, fuse_chunk_bytes=SMALL, threads=3)
    (body,) = groups(exe)
    assert len(body.members) == 1
    xv = data(100)
    np.testing.assert_allclose(exe(xv), np.exp(xv), rtol=1e-6)
    u = gc.placeholder(gc.float32, (None,), name="u")
    assert not groups(gc.compile(gc.exp(u), [u], fuse_chunk_bytes=SMALL))


def test_small_arrays_are_not_fused():
    x = gc.placeholder(gc.float32, (1000,), name="x")
    exe = gc.compile(chain(x), [x])                     # default chunk: 1 MiB
    assert not groups(exe)


def test_values_used_outside_the_group_stay_out():
    x = gc.placeholder(gc.float32, (8, 40), name="x")
    a = gc.tanh(x * 2.0)
    b = gc.exp(-a) + 1.0
    mid = a + 3.0                   # a is fetched and used twice: it ends a group
    y = b * mid
    fetches = [y, a]
    exe = gc.compile(fetches, [x], verify=True, fuse_chunk_bytes=SMALL)
    made = {m.outputs[0] for g in groups(exe) for m in g.members[:-1]}
    assert a not in made
    assert sorted(len(g.members) for g in groups(exe)) == [2, 5]   # x*2, tanh | the rest
    xv = data(8, 40)
    for got, want in zip(exe(xv), unfused(fetches, {x: xv})):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_diamond_inside_a_group():
    x = gc.placeholder(gc.float64, (50,), name="x")
    a = gc.sin(x)
    y = a * gc.cos(a) + a           # a has three uses, all inside the group
    exe = gc.compile(y, [x], verify=True, fuse_chunk_bytes=SMALL)
    (body,) = groups(exe)
    assert len(body.members) == 4
    xv = data(50, dtype=np.float64)
    np.testing.assert_allclose(exe(xv), unfused(y, {x: xv}), rtol=1e-12)


@pytest.mark.parametrize("threads", [1, 2])
def test_a_bias_is_taken_in_and_chunks_are_whole_rows(threads):
    x = gc.placeholder(gc.float32, (10, 40), name="x")
    b = gc.placeholder(gc.float32, (40,), name="b")
    y = gc.tanh(gc.tanh(x * 2.0) + b) * 3.0
    exe = gc.compile(y, [x, b], verify=True, fuse_chunk_bytes=SMALL, threads=threads)
    assert [len(g.members) for g in groups(exe)] == [5]
    xv, bv = data(10, 40), data(40, seed=1)
    np.testing.assert_allclose(exe(xv, bv), unfused(y, {x: xv, b: bv}), rtol=1e-6)


def test_columns_and_rows_are_taken_in(monkeypatch):
    """A column (10, 1) repeats along each row, a (1, 40) row is a bias: one group of
    five, run chunk by chunk (whole rows each) on two threads."""
    x = gc.placeholder(gc.float32, (10, 40), name="x")
    col = gc.placeholder(gc.float32, (10, 1), name="col")
    row = gc.placeholder(gc.float32, (1, 40), name="row")
    y = gc.tanh(gc.tanh(x * 2.0) + col) * row
    exe = gc.compile(y, [x, col, row], verify=True, fuse_chunk_bytes=SMALL, threads=2)
    assert [len(g.members) for g in groups(exe)] == [5]
    vals = {x: data(10, 40), col: data(10, 1, seed=1), row: data(1, 40, seed=2)}
    spans = []
    cls = type(groups(exe)[0])
    real = cls.run_span
    monkeypatch.setattr(cls, "run_span", lambda self, *a: spans.append(a[2:4]) or real(self, *a))
    np.testing.assert_allclose(exe(*vals.values()), unfused(y, vals), rtol=1e-6)
    assert len(spans) == 2 and spans[0][0] == 0 and spans[-1][1] == 10


def test_a_layer_norm_is_one_group():
    """(x - mean) * rsqrt(var + eps) * gamma + beta: the statistics are columns, gamma
    and beta biases; everything after the reductions is one fused group."""
    x = gc.placeholder(gc.float32, (None, 64), name="x")
    gamma = gc.constant(data(64, seed=1))
    beta = gc.constant(data(64, seed=2))
    mean, var = gc.nn.moments(x, axes=[1], keep_dims=True)
    y = (x - mean) * gc.rsqrt(var + 1e-5) * gamma + beta
    exe = gc.compile(y, [x], verify=True, fuse_chunk_bytes=SMALL, threads=2)
    assert max(len(g.members) for g in groups(exe)) == 4
    xv = data(300, 64)
    np.testing.assert_allclose(exe(xv), unfused(y, {x: xv}), rtol=1e-5, atol=1e-6)


def test_other_broadcasts_stay_out():
    """A (4, 1, 40) input broadcasts along a middle dim: that record is not taken in
    (each side of it can be a group); a (1, 1, 40) row is a bias and is."""
    x = gc.placeholder(gc.float32, (4, 10, 40), name="x")
    mid = gc.placeholder(gc.float32, (4, 1, 40), name="mid")
    row = gc.placeholder(gc.float32, (1, 1, 40), name="row")
    y = gc.tanh(gc.tanh(x * 2.0) + mid) * row
    exe = gc.compile(y, [x, mid, row], verify=True, fuse_chunk_bytes=SMALL)
    assert sorted(len(g.members) for g in groups(exe)) == [2, 2]
    assert sum(n.type == "Add" for n in exe.program.nodes) == 1
    vals = {x: data(4, 10, 40), mid: data(4, 1, 40, seed=1), row: data(1, 1, 40, seed=2)}
    np.testing.assert_allclose(exe(*vals.values()), unfused(y, vals), rtol=1e-6)


def test_run_time_broadcast_falls_back_to_whole_arrays():
    """Unknown dims: the static shapes agree, the run-time ones need broadcasting."""
    x = gc.placeholder(gc.float32, (None,), name="x")
    s = gc.placeholder(gc.float32, (None,), name="s")
    y = gc.tanh(x * s + 1.0) * s
    exe = gc.compile(y, [x, s], verify=True, fuse_chunk_bytes=4)
    assert groups(exe)
    xv, sv = data(100), data(1, seed=2)
    np.testing.assert_allclose(exe(xv, sv), unfused(y, {x: xv, s: sv}), rtol=1e-6)
    sv = data(100, seed=3)                      # and the tiled path on the same plan
    np.testing.assert_allclose(exe(xv, sv), unfused(y, {x: xv, s: sv}), rtol=1e-6)


def test_non_contiguous_inputs_fall_back():
    x = gc.placeholder(gc.float32, (20, 30), name="x")
    t = gc.transpose(x)                         # a view: not C-contiguous
    y = gc.exp(t * 0.5) - t
    exe = gc.compile(y, [x], verify=True, fuse_chunk_bytes=SMALL)
    assert groups(exe)
    xv = data(20, 30)
    np.testing.assert_allclose(exe(xv), unfused(y, {x: xv}), rtol=1e-6)


def test_group_writes_in_place_into_a_dead_input():
    x = gc.placeholder(gc.float32, (32, 32), name="x")
    m = gc.matmul(x, x)                         # owned by the plan, dead after the group
    y = gc.tanh(m * 0.1) + m
    exe = gc.compile(y, [x], verify=True, fuse_chunk_bytes=SMALL)
    assert groups(exe) and exe.plan.inplace >= 1
    xv = data(32, 32)
    np.testing.assert_allclose(exe(xv), unfused(y, {x: xv}), rtol=1e-5)


def test_mixed_dtypes_get_their_own_scratch():
    x = gc.placeholder(gc.float32, (64,), name="x")
    y = gc.cast(gc.tanh(x) * 2.0, gc.float64) + 1.0
    exe = gc.compile(y, [x], verify=True, fuse_chunk_bytes=SMALL)
    (body,) = groups(exe)
    assert body.chunk == SMALL // 8 and len(body.members) == 4
    assert [np.dtype(d).name for d in body.scratch] == ["float32", "float64"]
    xv = data(64)
    np.testing.assert_allclose(exe(xv), unfused(y, {x: xv}), rtol=1e-6)


def test_threads_come_from_config_proto():
    x = gc.placeholder(gc.float32, (4 << 20,), name="x")
    s = gc.Session(config=gc.ConfigProto(intra_op_parallelism_threads=1))
    (body,) = groups(s.compile(chain(x), [x]))
    assert body.threads == 1
    with pytest.raises(ValueError, match='no "intra_op_threads" field'):     # protobuf's
        gc.ConfigProto(intra_op_threads=2)


def test_fuse_can_be_left_out():
    x = gc.placeholder(gc.float32, (100,), name="x")
    passes = ["prune", "fold", "simplify", "stability", "cse", "dce", "schedule"]
    exe = gc.compile(chain(x), [x], fuse_chunk_bytes=SMALL, passes=passes)
    assert not groups(exe)


_UNARY = [gc.tanh, gc.sigmoid, gc.nn.relu, lambda t: t * t, lambda t: -t, gc.abs,
          lambda t: t * 0.5 + 0.25, gc.nn.softplus, lambda t: gc.maximum(t, 0.1),
          lambda t: gc.cast(gc.greater(t, 0.1), gc.float64) * t,       # a bool scratch
          lambda t: gc.cast(gc.cast(t, gc.float32) * 2.0, gc.float64)]  # a float32 one
_BINARY = [gc.add, gc.subtract, gc.multiply, gc.maximum, gc.minimum]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 99), st.integers(0, 99)),
                min_size=2, max_size=12),
       st.integers(1, 20), st.integers(1, 30), st.integers(1, 3), st.sampled_from([8, 20, 64]),
       st.integers(0, 2**31 - 1))
def test_random_elementwise_dags(ops, rows, cols, threads, chunk_bytes, seed):
    """Random elementwise DAGs (fan-out, fetched middles, control dependencies, a bias
    row broadcast along the rows, a column along each row) and their gradients: fused
    equals unfused for any shape, chunk and thread count."""
    gc.reset_default_graph()
    xs = [gc.placeholder(gc.float64, (rows, cols), name=f"x{i}") for i in range(2)]
    xs.append(gc.placeholder(gc.float64, (cols,), name="bias"))
    xs.append(gc.placeholder(gc.float64, (rows, 1), name="column"))
    pool = list(xs)
    for binary, a, b in ops:
        u, v = pool[a % len(pool)], pool[b % len(pool)]
        deps = [pool[(a + b) % len(pool)].op] if (a + b) % 5 == 0 else []
        with gc.control_dependencies(deps):         # now and then, an ordering constraint
            pool.append(_BINARY[a % 5](u, v) if binary else _UNARY[b % len(_UNARY)](u))
    fetches = [pool[-1], pool[len(pool) // 2]]
    fetches += [g for g in gc.gradients(gc.reduce_sum(pool[-1]), xs) if g is not None]
    rng = np.random.default_rng(seed)
    values = [rng.standard_normal(x.shape.as_list()) for x in xs]
    exe = gc.compile(fetches, xs, verify=True, fuse_chunk_bytes=chunk_bytes, threads=threads)
    for got, want in zip(exe(*values), unfused(fetches, dict(zip(xs, values)))):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_a_failing_member_is_named():
    x = gc.placeholder(gc.float32, (None,), name="x")
    s = gc.placeholder(gc.float32, (None,), name="s")
    y = gc.tanh(gc.multiply(x, s, name="scaled") + 1.0)
    exe = gc.compile(y, [x, s], fuse_chunk_bytes=SMALL)
    assert groups(exe)
    with pytest.raises(gc.errors.ExecutionError) as e:
        exe(data(5), data(7))
    msg = str(e.value)
    assert "Mul 'scaled'" in msg and "test_fuse.py" in msg and "fused" in msg


def test_a_forked_child_runs_fused_groups():
    """The worker threads do not survive fork: the child must make its own."""
    import multiprocessing as mp
    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork on this platform")
    x = gc.placeholder(gc.float32, (1000,), name="x")
    exe = gc.compile(chain(x), [x], fuse_chunk_bytes=SMALL, threads=2)
    xv = data(1000)
    want = exe(xv)                      # the parent's pool exists now
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    child = ctx.Process(target=lambda: q.put(exe(xv)), daemon=True)   # nothing pickled
    child.start()
    got = q.get(timeout=60)
    child.join(timeout=60)
    np.testing.assert_array_equal(got, want)


def test_worker_threads_keep_the_callers_errstate():
    x = gc.placeholder(gc.float32, (64,), name="x")
    exe = gc.compile(gc.log(x * 2.0) + 1.0, [x], fuse_chunk_bytes=SMALL, threads=4)
    xv = np.abs(data(64)) + 1
    xv[-1] = -1.0                       # log gives NaN ("invalid") in the last span only
    with np.errstate(invalid="raise"), pytest.raises(gc.errors.ExecutionError) as e:
        exe(xv)
    assert "FloatingPointError" in str(e.value) and "Log" in str(e.value)


@pytest.mark.parametrize("n", [1, 10, 5000, 1 << 17, 300000])
def test_unknown_sizes_fuse_and_run_at_any_size(n):
    """A size known only at run time: fused at compile time; at run time arrays under
    SMALL_ELEMENTS go through the generated whole-array function, larger ones through
    the chunks (two of them at 300000 float32 elements)."""
    x = gc.placeholder(gc.float32, (None,), name="x")
    y = chain(x)
    exe = gc.compile(y, [x], verify=True)               # the default 1 MiB chunk
    (body,) = groups(exe)
    assert body.small == 1 << 17
    xv = data(n)
    np.testing.assert_allclose(exe(xv), unfused(y, {x: xv}), rtol=1e-6)


def test_records_others_wait_for_stay_records():
    """A control dependency on a would-be member keeps that record out of the group."""
    x = gc.placeholder(gc.float32, (64,), name="x")
    m = x * 2.0
    y = gc.tanh(m) + 1.0
    with gc.control_dependencies([m.op]):
        w = x * 3.0
    exe = gc.compile([y, w], [x], verify=True, fuse_chunk_bytes=SMALL)
    # x*2 is a group of its own (others wait for it); tanh and + 1 are one group
    assert sorted(len(g.members) for g in groups(exe)) == [1, 2]
    xv = data(64)
    for got, want in zip(exe(xv), unfused([y, w], {x: xv})):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_concurrent_runs_share_the_workers():
    """Several Python threads running fused plans at once: the shared pool serves them
    all (its workers never wait on each other), and every result is right."""
    import threading
    x = gc.placeholder(gc.float32, (4000,), name="x")
    y = chain(x)
    exe = gc.compile(y, [x], fuse_chunk_bytes=SMALL, threads=3)
    inputs = [data(4000, seed=k) for k in range(4)]
    wants = [unfused(y, {x: v}) for v in inputs]
    bad = []

    def work(k):
        for _ in range(20):
            if not np.allclose(exe(inputs[k]), wants[k], rtol=1e-6):
                bad.append(k)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and not bad
