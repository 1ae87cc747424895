"""Parity with TF1 (graph mode) for queues, readers and the queue-based input pipelines:
the same files read by both libraries give the same records, keys, batches (in order
where deterministic: FIFO, one thread), static shapes, dtypes and errors."""
import re

import numpy as np
import pytest

from tf_parity import tf, v1  # noqa: F401  (skips the module without TensorFlow)

import graphc as gc

T = 10.0


def _tf_msg(e):
    lines = [line for line in e.message.split("\n") if line and "[[" not in line]
    return lines[-1]


def _norm(msg):
    return re.sub(r"'_[0-9]+_", "'_N_", msg)


@pytest.fixture()
def files(tmp_path):
    out = []
    for i in range(3):
        p = str(tmp_path / f"e{i}.tfrecord")
        with gc.python_io.TFRecordWriter(p) as w:
            for j in range(4):
                ex = gc.train.Example(features=gc.train.Features(feature={
                    "id": gc.train.Feature(int64_list=gc.train.Int64List(value=[i * 4 + j])),
                    "x": gc.train.Feature(float_list=gc.train.FloatList(
                        value=[i + 0.5, j - 0.25, float(i * j)]))}))
                w.write(ex.SerializeToString())
        out.append(p)
    (tmp_path / "t0.txt").write_bytes(b"head\nl1\r\nl2\n\nl4")
    (tmp_path / "t1.txt").write_bytes(b"a\nb\n")
    (tmp_path / "f.bin").write_bytes(bytes(range(40)))
    return {"tfrecord": out, "text": [str(tmp_path / "t0.txt"), str(tmp_path / "t1.txt")],
            "bin": [str(tmp_path / "f.bin")]}


def _pipeline(m, names, batch_size, fn="batch"):
    """string_input_producer -> TFRecordReader -> parse_single_example -> batch, run with
    a Coordinator until OutOfRange; returns (static shapes, batches)."""
    g = m.Graph()
    with g.as_default():
        fq = m.train.string_input_producer(names, num_epochs=2, shuffle=False)
        key, ser = m.TFRecordReader().read(fq)
        feat = m.parse_single_example(ser, {"id": m.FixedLenFeature([], m.int64),
                                            "x": m.FixedLenFeature([3], m.float32)})
        feat["key"] = key
        if fn == "batch":
            b = m.train.batch(feat, batch_size, allow_smaller_final_batch=True)
        else:
            b = m.train.batch_join([feat], batch_size, allow_smaller_final_batch=False)
        shapes = {k: (v.shape.as_list() if v.shape.rank is not None else None, v.dtype.name)
                  for k, v in b.items()}
        out = []
        with m.Session() as sess:
            sess.run([m.global_variables_initializer(), m.local_variables_initializer()])
            coord = m.train.Coordinator()
            threads = m.train.start_queue_runners(sess, coord)
            try:
                while True:
                    out.append(sess.run(b))
            except m.errors.OutOfRangeError:
                pass
            finally:
                coord.request_stop()
            coord.join(threads, stop_grace_period_secs=T)
        return shapes, out


@pytest.mark.parametrize("fn", ["batch", "batch_join"])
def test_classic_pipeline_same_batches_in_order(files, fn):
    gs, gout = _pipeline(gc, files["tfrecord"], 5, fn)
    ts, tout = _pipeline(v1, files["tfrecord"], 5, fn)
    assert gs == ts
    assert len(gout) == len(tout)
    for a, b in zip(gout, tout):
        for k in a:
            assert a[k].dtype == b[k].dtype
            np.testing.assert_array_equal(a[k], b[k])


def _read(m, reader_fn, names, up_to=None, n=30):
    g = m.Graph()
    with g.as_default():
        q = m.FIFOQueue(10, m.string)
        fill = q.enqueue_many([names])
        close = q.close()
        r = reader_fn(m)
        kv = r.read(q) if up_to is None else r.read_up_to(q, up_to)
        counts = [r.num_records_produced(), r.num_work_units_completed()]
        shapes = [t.shape.as_list() for t in kv]
        out = []
        with m.Session() as sess:
            sess.run(fill)
            sess.run(close)
            for _ in range(n):
                try:
                    vals = sess.run(kv)
                    out.append((np.asarray(vals[0]).tolist(), np.asarray(vals[1]).tolist(),
                                sess.run(counts)))
                except m.errors.OutOfRangeError as e:
                    out.append(("OutOfRange", _norm(str(e).split("\n")[0]) if m is gc
                                else _norm(_tf_msg(e))))
                    break
            try:
                out.append(sess.run(r.serialize_state()))
            except m.errors.UnimplementedError:
                out.append("Unimplemented")
        return shapes, out


READERS = {
    "tfrecord": (lambda m: m.TFRecordReader(), "tfrecord"),
    "text": (lambda m: m.TextLineReader(skip_header_lines=1), "text"),
    "text0": (lambda m: m.TextLineReader(), "text"),
    "fixed": (lambda m: m.FixedLengthRecordReader(6, header_bytes=3, footer_bytes=4,
                                                  hop_bytes=5), "bin"),
    "fixed_plain": (lambda m: m.FixedLengthRecordReader(7), "bin"),
    "whole": (lambda m: m.WholeFileReader(), "text"),
    "identity": (lambda m: m.IdentityReader(), "text"),
}


@pytest.mark.parametrize("up_to", [None, 1, 3])
@pytest.mark.parametrize("which", sorted(READERS))
def test_readers_same_records_keys_counts(files, which, up_to):
    make, kind = READERS[which]
    assert _read(gc, make, files[kind], up_to) == _read(v1, make, files[kind], up_to)


def _queue_script(m):
    """Queue operations and their results or errors, in order."""
    g = m.Graph()
    res = []
    with g.as_default():
        q = m.FIFOQueue(4, [m.int32, m.float32], shapes=[[], [2]])
        p = m.PaddingFIFOQueue(5, [m.int32], shapes=[[None]])
        pr = m.PriorityQueue(5, [m.string], shapes=[[]])
        ph = m.placeholder(m.int32, [None])
        ops = [q.enqueue_many(([1, 2, 3], [[1, 2], [3, 4], [5, 6]])), q.dequeue(),
               q.dequeue_many(2), q.size(), q.close(), q.dequeue_up_to(3), q.is_closed(),
               q.enqueue((1, [0., 0.])), q.dequeue_many(0),
               pr.enqueue_many(([3, 1, 2, 1], ["c", "a", "b", "a2"])), pr.dequeue_many(4),
               pr.close(), pr.dequeue()]
        res.append([[t.shape.as_list() for t in x] if isinstance(x, list) else
                    (x.shape.as_list() if hasattr(x, "shape") else None) for x in ops])
        with m.Session() as sess:
            for op in ops:
                try:
                    v = sess.run(op)
                    res.append([np.asarray(x).tolist() for x in v]
                               if isinstance(v, list) else v)
                except m.errors.OpError as e:
                    msg = str(e).split("\n")[0] if m is gc else _tf_msg(e)
                    res.append((type(e).__name__, _norm(msg)))
            for lens in ([2], [3, 1], [0]):
                for n in lens:
                    sess.run(p.enqueue([ph]), {ph: np.arange(n)})
                v = sess.run(p.dequeue_many(len(lens)))
                res.append((v.shape, v.tolist()))
    return res


def test_queue_operations_results_shapes_and_errors():
    def canon(r):
        return [x if not isinstance(x, np.ndarray) else x.tolist() for x in r]
    got, want = _queue_script(gc), _queue_script(v1)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert repr(canon([a])) == repr(canon([b])), (a, b)


def test_build_time_errors_match():
    def errs(m):
        out = []
        g = m.Graph()
        with g.as_default():
            q = m.FIFOQueue(3, m.float32, shapes=[[]])
            qn = m.FIFOQueue(3, [m.float32, m.int32], names=["a", "b"])
            cases = [lambda: q.enqueue([[1., 2.]]), lambda: q.enqueue_many(1.),
                     lambda: m.FIFOQueue(3, m.float32, shapes=[[None]]),
                     lambda: m.FIFOQueue(3, [m.float32, m.int32], shapes=[[2]]),
                     lambda: m.FIFOQueue(3, [m.float32, m.int32], names=["a"]),
                     lambda: m.PaddingFIFOQueue(3, [m.float32], shapes=[None]),
                     lambda: m.PriorityQueue(3, [m.string]),
                     lambda: qn.enqueue({"a": 1.}), lambda: qn.enqueue([1., 2]),
                     lambda: q.enqueue({"a": 1.}),
                     lambda: m.train.shuffle_batch([m.constant(1)], 2, 5, 5),
                     lambda: m.train.limit_epochs(m.constant(1), 0),
                     lambda: m.train.batch([m.placeholder(m.float32, [None])], 2),
                     lambda: m.train.string_input_producer([])]
            for c in cases:
                try:
                    c()
                    out.append(None)
                except (ValueError, TypeError) as e:
                    msg = str(e).replace("TensorShape([None])", "TensorShape([None])")
                    out.append((isinstance(e, ValueError), re.sub(r"\s+", " ", msg)[:60]))
        return out
    got, want = errs(gc), errs(v1)
    for a, b in zip(got, want):
        assert a == b
