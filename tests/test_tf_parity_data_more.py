"""TF parity of gc.data's padded_batch, flat_map, interleave, cache, shard, unbatch,
reduce, tensors as counts, and reinitializable/feedable iterators: the same pipeline
built in graphc and in tf.compat.v1 (graph mode) gives the same elements, static
shapes, dtypes and errors."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import v1


def _as_np(x):
    if isinstance(x, dict):
        return {k: _as_np(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(_as_np(v) for v in x)
    return np.asarray(x)


def kind(m, e):
    """The TF error class name of e (graphc's InvalidArgumentError is ExecutionError)."""
    for name in ("OutOfRangeError", "DataLossError", "FailedPreconditionError",
                 "InvalidArgumentError"):
        if isinstance(e, getattr(m.errors, name)):
            return name
    return type(e).__name__


def run_both(build, feed=None, limit=200):
    """build(m) -> (dataset) in m = graphc and m = tf.compat.v1: each one's
    (elements, static shapes, dtype names, end error class name)."""
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            ds, feeds = build(m)
            it = m.data.make_initializable_iterator(ds)
            nxt = it.get_next()
            shapes = m.nest.map_structure(lambda t: t.shape.as_list()
                                          if t.shape.rank is not None else None, nxt)
            types = m.nest.map_structure(lambda t: t.dtype.name, nxt)
            got, end = [], None
            with m.Session() as sess:
                try:
                    sess.run(it.initializer, dict(zip(feeds, feed or [])))
                    for _ in range(limit):
                        got.append(_as_np(sess.run(nxt)))
                except Exception as e:      # OutOfRangeError, or a pipeline error
                    end = kind(m, e)
        out.append((got, shapes, types, end))
    return out


def assert_same(build, feed=None):
    (g, gs, gt, ge), (t, ts, tt, te) = run_both(build, feed)
    assert gs == ts and gt == tt and ge == te, ((gs, gt, ge), (ts, tt, te))
    assert len(g) == len(t)
    for a, b in zip(g, t):
        fa, fb = gc.nest.flatten(a), gc.nest.flatten(b)
        for x, y in zip(fa, fb):
            assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
            np.testing.assert_array_equal(x, y)


def fill(m, x):
    return m.fill(m.reshape(m.cast(x, m.int32), [1]), x)


CASES = {
    "padded_batch_none": lambda m: (m.data.Dataset.range(5).map(lambda x: fill(m, x))
                                    .padded_batch(2), []),
    "padded_batch_shape": lambda m: (m.data.Dataset.range(5).map(lambda x: fill(m, x))
                                     .padded_batch(2, [6], np.int64(-1), True), []),
    "padded_batch_small": lambda m: (m.data.Dataset.range(5).map(lambda x: fill(m, x))
                                     .padded_batch(2, [3]), []),
    "padded_batch_2d_tuple": lambda m: (m.data.Dataset.range(1, 5).map(
        lambda x: (m.fill(m.stack([m.cast(x, m.int32), 2]), m.cast(x, m.float32)),
                   m.as_string(x))).padded_batch(3, ([None, 3], []), (np.float32(-1), "z")), []),
    "padded_batch_strings": lambda m: (m.data.Dataset.range(4).map(
        lambda x: m.fill(m.reshape(m.cast(x, m.int32), [1]), m.as_string(x)))
        .padded_batch(3, [None]), []),
    "unbatch": lambda m: (m.data.Dataset.from_tensor_slices(
        np.arange(24).reshape(3, 4, 2)).batch(2).unbatch(), []),
    "unbatch_mismatch": lambda m: (m.data.Dataset.range(1, 3).map(
        lambda x: (fill(m, x), m.fill([2], x))).unbatch(), []),
    "shard": lambda m: (m.data.Dataset.range(11).shard(4, 3), []),
    "cache_repeat": lambda m: (m.data.Dataset.range(3).map(lambda x: x * 2).cache()
                               .repeat(3), []),
    "flat_map": lambda m: (m.data.Dataset.from_tensor_slices(
        (np.arange(3), np.arange(3) * 10)).flat_map(
        lambda a, b: m.data.Dataset.from_tensor_slices(m.stack([a, b])).repeat(a + 1)), []),
    "flat_map_nested_map": lambda m: (m.data.Dataset.range(1, 4).flat_map(
        lambda x: m.data.Dataset.range(x).map(lambda y: y * x).batch(2)), []),
    "interleave_3_2": lambda m: (m.data.Dataset.range(1, 8).interleave(
        lambda x: m.data.Dataset.from_tensors(x).repeat(x), 3, 2), []),
    "interleave_4_3": lambda m: (m.data.Dataset.range(0, 9).interleave(
        lambda x: m.data.Dataset.range(x % 4 + 1).map(lambda y: y + 10 * x), 4, 3), []),
    "interleave_default": lambda m: (m.data.Dataset.range(1, 6).interleave(
        lambda x: m.data.Dataset.from_tensors(x).repeat(x)), []),
    "reduce_then_slices": lambda m: (m.data.Dataset.from_tensors(
        m.data.Dataset.range(6).reduce(np.int64(1), lambda s, x: s * (x + 1))), []),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pipelines_match_tf(name):
    assert_same(CASES[name])


def with_count(method, *extra):
    def build(m):
        n = m.placeholder(m.int64, [])
        ds = m.data.Dataset.range(7).map(lambda x: fill(m, x) if method == "padded_batch"
                                          else x)
        return getattr(ds, method)(n, *extra), [n]
    return build


@pytest.mark.parametrize("method,extra,value", [
    ("batch", (), 3), ("batch", (), 0), ("batch", (), -1), ("batch", (True,), 3),
    ("repeat", (), 2), ("repeat", (), -2), ("take", (), 3), ("take", (), -3),
    ("skip", (), 3), ("skip", (), -3), ("shuffle", (), 0), ("padded_batch", ([None],), 3),
    ("padded_batch", ([None],), 0), ("shard", (1,), 3), ("shard", (1,), 1),
    ("shard", (1,), 0)])
def test_tensor_counts_match_tf(method, extra, value):
    assert_same(with_count(method, *extra), [value])


def test_range_with_tensor_args_and_interleave_cycle_tensor():
    def rng(m):
        a = m.placeholder(m.int64, [])
        return m.data.Dataset.range(a, 20, 4), [a]
    assert_same(rng, [3])

    def inter(m):
        c = m.placeholder(m.int64, [])
        return m.data.Dataset.range(1, 6).interleave(
            lambda x: m.data.Dataset.from_tensors(x).repeat(x), c, 2), [c]
    assert_same(inter, [2])
    assert_same(inter, [0])


def test_reduce_matches_tf():
    vals = []
    for m in (gc, v1):
        with m.Graph().as_default():
            ds = m.data.Dataset.range(5)
            a = ds.reduce((np.int64(0), np.float32(1)), lambda s, x: (s[0] + x, s[1] * 2.0))
            b = ds.reduce(m.zeros([0], m.int64),
                          lambda s, x: m.concat([s, m.reshape(x, [1])], 0))
            assert b.shape.as_list() == [None]
            with m.Session() as sess:
                vals.append(sess.run((a, b)))
    (ga, gb), (ta, tb) = vals
    assert ga == ta and gb.tolist() == tb.tolist()
    for m in (gc, v1):
        with m.Graph().as_default(), pytest.raises(TypeError, match="must match the initial"):
            m.data.Dataset.range(5).reduce(np.int64(0), lambda s, x: m.cast(s, m.int32))


def test_iterators_match_tf():
    """from_structure with two datasets, and feedable string handles: the same elements
    and the same error classes in both libraries."""
    logs = []
    for m in (gc, v1):
        log = []
        with m.Graph().as_default():
            it = m.data.Iterator.from_structure(m.int64, m.TensorShape([]))
            nxt = it.get_next()
            a = it.make_initializer(m.data.Dataset.range(3))
            b = it.make_initializer(m.data.Dataset.range(10, 12))
            h = m.placeholder(m.string, shape=[])
            fnx = m.data.Iterator.from_string_handle(h, m.int64, m.TensorShape([])).get_next()
            tr = m.data.make_one_shot_iterator(m.data.Dataset.range(100).repeat())
            fl = m.data.make_one_shot_iterator(m.data.Dataset.range(3).map(
                lambda x: m.cast(x, m.float32)))
            sh = m.data.make_one_shot_iterator(m.data.Dataset.range(3).batch(2))
            for bad in (m.data.Dataset.range(3).map(lambda x: m.cast(x, m.int32)),
                        m.data.Dataset.range(3).batch(2),
                        m.data.Dataset.range(3).map(lambda x: (x, x))):
                try:
                    it.make_initializer(bad)
                except Exception as e:
                    log.append(type(e).__name__)
            with m.Session() as sess:
                def attempt(f):
                    try:
                        log.append(np.asarray(f()).tolist())
                    except Exception as e:
                        log.append(kind(m, e))
                attempt(lambda: sess.run(nxt))
                for init in (a, b, a):
                    sess.run(init)
                    attempt(lambda: [sess.run(nxt) for _ in range(2)])
                th = sess.run(tr.string_handle())
                sth = sess.run(it.string_handle())
                attempt(lambda: [sess.run(fnx, {h: th}) for _ in range(3)])
                attempt(lambda: sess.run(fnx, {h: sth}))
                attempt(lambda: [sess.run(fnx, {h: th}) for _ in range(2)])
                attempt(lambda: sess.run(nxt))
                attempt(lambda: sess.run(nxt))
                attempt(lambda: sess.run(fnx, {h: sess.run(fl.string_handle())}))
                attempt(lambda: sess.run(fnx, {h: sess.run(sh.string_handle())}))
                attempt(lambda: sess.run(fnx, {h: b"garbage"}))
        logs.append(log)
    assert logs[0] == logs[1]
