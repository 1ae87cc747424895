"""Queues, queue runners, readers and the queue-based input pipelines (tf.train.batch...).
Every test that starts threads joins them with a timeout and fails if they do not end."""
import os
import threading
import time

import numpy as np
import pytest

import graphc as gc

T = 10.0            # seconds a thread may take before the test fails


def _thread(fn, *args):
    out = {}

    def run():
        try:
            out["value"] = fn(*args)
        except Exception as e:          # noqa: BLE001
            out["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def _join(t):
    t.join(T)
    assert not t.is_alive(), "a thread did not end"


def _msg(e):
    return str(e).split("\n")[0]


# ---- queues ------------------------------------------------------------------------------
def test_fifo_order_static_shapes_and_names():
    q = gc.FIFOQueue(5, [gc.int32, gc.float32], shapes=[[], [2]])
    assert q.name == "fifo_queue" and q.queue_ref.dtype is gc.string
    d, dm, du = q.dequeue(), q.dequeue_many(2), q.dequeue_up_to(2)
    assert [t.shape.as_list() for t in d] == [[], [2]]
    assert [t.shape.as_list() for t in dm] == [[2], [2, 2]]
    assert [t.shape.as_list() for t in du] == [[None], [None, 2]]
    assert d[0].name == "fifo_queue_Dequeue:0" and dm[1].name == "fifo_queue_DequeueMany:1"
    assert gc.FIFOQueue(3, gc.int32).dequeue_many(2).shape.rank is None
    with gc.Session() as sess:
        sess.run(q.enqueue((1, [1., 2.])))
        sess.run(q.enqueue_many(([2, 3], [[3., 4.], [5., 6.]])))
        assert sess.run(q.size()) == 3
        a, b = sess.run(d)
        assert a == 1 and b.tolist() == [1., 2.]
        ids, xs = sess.run(dm)
        assert ids.tolist() == [2, 3] and xs.tolist() == [[3., 4.], [5., 6.]]
        assert xs.dtype == np.float32


def test_dict_enqueue_and_build_errors():
    q = gc.FIFOQueue(3, [gc.float32, gc.int32], names=["a", "b"])
    enq = q.enqueue({"a": 1., "b": 2})
    out = q.dequeue()
    assert sorted(out) == ["a", "b"]
    with gc.Session() as sess:
        sess.run(enq)
        assert sess.run(out) == {"a": 1., "b": 2}
    with pytest.raises(ValueError, match="Keys in dictionary to enqueue do not match"):
        q.enqueue({"a": 1.})
    with pytest.raises(ValueError, match="You must enqueue a dictionary"):
        q.enqueue([1., 2])
    with pytest.raises(ValueError, match="Queue must have names"):
        gc.FIFOQueue(3, gc.float32).enqueue({"a": 1.})
    s = gc.FIFOQueue(3, gc.float32, shapes=[[]])
    with pytest.raises(ValueError, match=r"Shapes \(2,\) and \(\) are incompatible"):
        s.enqueue([[1., 2.]])
    with pytest.raises(ValueError, match="must have rank at least 1"):
        s.enqueue_many(1.)
    with pytest.raises(ValueError, match="All shapes must be fully defined"):
        gc.FIFOQueue(3, gc.float32, shapes=[[None]])
    with pytest.raises(ValueError, match="Queue shapes must have the same length"):
        gc.FIFOQueue(3, [gc.float32, gc.int32], shapes=[[2]])
    with pytest.raises(ValueError, match="List of names must have the same length"):
        gc.FIFOQueue(3, [gc.float32, gc.int32], names=["a"])
    with pytest.raises(ValueError, match="a list of shapes must be provided"):
        gc.PaddingFIFOQueue(3, gc.float32, shapes=[None])
    with pytest.raises(TypeError, match="Expected list for 'shapes'"):
        gc.PriorityQueue(3, [gc.string])
    with pytest.raises(gc.errors.DTypeError):
        s.enqueue(gc.constant(1, gc.int32))


def test_closed_queue_errors():
    q = gc.FIFOQueue(3, gc.int32, shapes=[[]])
    with gc.Session() as sess:
        sess.run(q.enqueue_many([[1, 2]]))
        sess.run(q.close())
        assert sess.run(q.is_closed())
        with pytest.raises(gc.errors.CancelledError, match="FIFOQueue '_[0-9]+_fifo_queue'"
                           " is closed."):
            sess.run(q.enqueue(3))
        sess.run(q.enqueue_many([np.zeros(0, np.int32)]))       # nothing to add: no error
        with pytest.raises(gc.errors.OutOfRangeError, match=r"is closed and has "
                           r"insufficient elements \(requested 3, current size 2\)"):
            sess.run(q.dequeue_many(3))
        assert sess.run(q.dequeue_up_to(3)).tolist() == [1, 2]
        assert sess.run(q.dequeue_many(0)).shape == (0,)
        with pytest.raises(gc.errors.OutOfRangeError, match="requested 1, current size 0"):
            sess.run(q.dequeue())
        with pytest.raises(gc.errors.InvalidArgumentError, match="requested -1 < 0"):
            sess.run(q.dequeue_many(-1))
    u = gc.FIFOQueue(3, gc.int32)
    with gc.Session() as sess:
        sess.run(u.enqueue([[1, 2]]))
        with pytest.raises(gc.errors.InvalidArgumentError, match="require the components "
                           "to have specified shapes"):
            sess.run(u.dequeue_many(1))
    s = gc.FIFOQueue(3, gc.int32, shapes=[[2]])
    p = gc.placeholder(gc.int32)
    with gc.Session() as sess:
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match=r"Shape mismatch in tuple component 0. Expected \[2\], "
                                 r"got \[3\]"):
            sess.run(s.enqueue(p), {p: [1, 2, 3]})


def test_dequeue_blocks_until_another_thread_enqueues():
    q = gc.FIFOQueue(2, gc.int32, shapes=[[]])
    deq, enq = q.dequeue_many(5), q.enqueue(gc.placeholder_with_default(0, []))
    with gc.Session() as sess:
        t, out = _thread(sess.run, deq)         # needs more than the capacity
        time.sleep(0.1)
        assert t.is_alive()
        for i in range(5):
            sess.run(enq, {enq.inputs[1]: i})
        _join(t)
        assert out["value"].tolist() == [0, 1, 2, 3, 4]


def test_enqueue_blocks_while_full_and_close_cancels_it():
    q = gc.FIFOQueue(1, gc.int32, shapes=[[]])
    with gc.Session() as sess:
        sess.run(q.enqueue(1))
        t, out = _thread(sess.run, q.enqueue(2))
        time.sleep(0.1)
        assert t.is_alive()
        assert sess.run(q.dequeue()) == 1       # room: the waiting enqueue completes
        _join(t)
        assert sess.run(q.size()) == 1
        t, out = _thread(sess.run, q.enqueue(3))
        time.sleep(0.1)
        sess.run(q.close(cancel_pending_enqueues=True))
        _join(t)
        assert isinstance(out["error"], gc.errors.CancelledError)
        assert _msg(out["error"]) == "Enqueue operation was cancelled"
        assert sess.run(q.dequeue()) == 2


def test_session_close_wakes_blocked_runs():
    q = gc.FIFOQueue(1, gc.int32, shapes=[[]])
    sess = gc.Session()
    t, out = _thread(sess.run, q.dequeue())
    time.sleep(0.1)
    sess.close()
    _join(t)
    assert isinstance(out["error"], gc.errors.CancelledError)
    assert _msg(out["error"]) == "Dequeue operation was cancelled"


def test_each_session_has_its_own_queue_and_ops_are_never_merged():
    q = gc.FIFOQueue(5, gc.int32, shapes=[[]])
    enq = q.enqueue_many([[1, 2, 3]])
    a, b = q.dequeue(), q.dequeue()
    with gc.Session() as s1, gc.Session() as s2:
        s1.run(enq)
        assert sorted(s1.run([a, b])) == [1, 2]         # two dequeues, not one merged
        assert s2.run(q.size()) == 0 and s1.run(q.size()) == 1


def test_padding_shuffle_priority_and_from_list():
    p = gc.PaddingFIFOQueue(5, [gc.int32, gc.string], shapes=[[None, 2], [None]])
    x, s = gc.placeholder(gc.int32, [None, 2]), gc.placeholder(gc.string, [None])
    r = gc.RandomShuffleQueue(10, 3, gc.int32, shapes=[[]], seed=7)
    pr = gc.PriorityQueue(5, [gc.string], shapes=[[]])
    with gc.Session() as sess:
        sess.run(p.enqueue((x, s)), {x: [[1, 2]], s: ["a", "bb"]})
        sess.run(p.enqueue((x, s)), {x: [[1, 2], [3, 4], [5, 6]], s: []})
        ints, strs = sess.run(p.dequeue_many(2))
        assert ints.shape == (2, 3, 2) and ints[0, 1:].sum() == 0
        assert strs.tolist() == [[b"a", b"bb"], [b"", b""]]
        sess.run(r.enqueue_many([np.arange(5, dtype=np.int32)]))
        t, out = _thread(sess.run, r.dequeue_many(3))   # keeps 3: only 2 may leave
        time.sleep(0.1)
        assert t.is_alive()
        sess.run(r.close())                             # closed: the rest may leave
        _join(t)
        rest = sess.run(r.dequeue_up_to(5))
        assert sorted(out["value"].tolist() + rest.tolist()) == [0, 1, 2, 3, 4]
        sess.run(pr.enqueue_many(([3, 1, 2, 1], ["c", "a", "b", "a2"])))
        pri, val = sess.run(pr.dequeue_many(4))
        assert pri.tolist() == [1, 1, 2, 3] and val.tolist() == [b"a", b"a2", b"b", b"c"]
    orders = []
    for _ in range(2):      # the same seed: the same order in every Session
        with gc.Session() as sess:
            sess.run(r.enqueue_many([np.arange(10, dtype=np.int32)]))
            sess.run(r.close())
            orders.append(sess.run(r.dequeue_many(10)).tolist())
    assert orders[0] == orders[1] and sorted(orders[0]) == list(range(10))
    q0, q1 = gc.FIFOQueue(3, gc.int32, shapes=[[]]), gc.FIFOQueue(3, gc.int32, shapes=[[]])
    which = gc.placeholder(gc.int32, [])
    sel = gc.QueueBase.from_list(which, [q0, q1])
    with gc.Session() as sess:
        sess.run(sel.enqueue(5), {which: 1})
        assert sess.run([q0.size(), q1.size()]) == [0, 1]
    with pytest.raises(TypeError, match="matching component dtypes"):
        gc.QueueBase.from_list(which, [q0, gc.FIFOQueue(3, gc.float32)])


# ---- readers -----------------------------------------------------------------------------
@pytest.fixture()
def files(tmp_path):
    out = {}
    for i in range(2):
        p = str(tmp_path / f"r{i}.tfrecord")
        with gc.python_io.TFRecordWriter(p, "GZIP" if i else None) as w:
            for j in range(3):
                w.write(b"rec%d_%d" % (i, j) * (j + 1))
        out.setdefault("tfrecord", []).append(p)
    (tmp_path / "t0.txt").write_bytes(b"h1\nl1\r\nl2\n\nl4")
    (tmp_path / "t1.txt").write_bytes(b"a\nb\n")
    (tmp_path / "f0.bin").write_bytes(bytes(range(23)))
    out["text"] = [str(tmp_path / "t0.txt"), str(tmp_path / "t1.txt")]
    out["bin"] = [str(tmp_path / "f0.bin")]
    return out


def _read_all(reader, names, up_to=None):
    q = gc.FIFOQueue(10, gc.string)
    fill = q.enqueue_many([names])
    kv = reader.read(q) if up_to is None else reader.read_up_to(q, up_to)
    counts = [reader.num_records_produced(), reader.num_work_units_completed()]
    got = []
    with gc.Session() as sess:
        sess.run(fill)
        sess.run(q.close())
        while True:
            try:
                got.append((sess.run(kv), sess.run(counts)))
            except gc.errors.OutOfRangeError:
                return got


def test_tfrecord_reader_keys_offsets_and_gzip(files):
    reader = gc.TFRecordReader()
    got = _read_all(reader, files["tfrecord"][:1])
    f = files["tfrecord"][0].encode()
    assert [kv.key for kv, _ in got] == [f + b":0", f + b":22", f + b":50"]
    assert [c for _, c in got] == [[1, 0], [2, 0], [3, 0]]
    got = _read_all(gc.TFRecordReader(options="GZIP"), files["tfrecord"][1:], up_to=2)
    assert [kv.values.tolist() for kv, _ in got] == [
        [b"rec1_0", b"rec1_1rec1_1"], [b"rec1_2rec1_2rec1_2"]]
    assert [c for _, c in got] == [[2, 0], [3, 1]]


def test_text_fixed_whole_identity_readers(files):
    got = _read_all(gc.TextLineReader(skip_header_lines=1), files["text"])
    t0, t1 = (f.encode() for f in files["text"])
    assert [(kv.key, kv.value) for kv, _ in got] == [
        (t0 + b":2", b"l1"), (t0 + b":3", b"l2"), (t0 + b":4", b""), (t0 + b":5", b"l4"),
        (t1 + b":2", b"b")]
    got = _read_all(gc.FixedLengthRecordReader(5, header_bytes=2, footer_bytes=3,
                                               hop_bytes=3), files["bin"])
    assert [kv.value for kv, _ in got] == [bytes(range(k, k + 5)) for k in (2, 5, 8, 11, 14)]
    got = _read_all(gc.WholeFileReader(), files["bin"])
    assert got[0][0].value == bytes(range(23)) and got[0][1] == [1, 1]
    got = _read_all(gc.IdentityReader(), ["x", "y"], up_to=3)
    assert [kv.keys.tolist() for kv, _ in got] == [[b"x"], [b"y"]]


def test_reader_state_reset_and_errors(files):
    r = gc.IdentityReader()
    q = gc.FIFOQueue(5, gc.string)
    with gc.Session() as sess:
        sess.run(q.enqueue_many([["a"]]))
        sess.run(r.read(q))
        state = sess.run(r.serialize_state())
        assert state == b"\x08\x01\x10\x01\x18\x01"
        sess.run(r.restore_state(b"\x08\x02\x10\x01\x18\x05\x22\x01z"))
        assert sess.run([r.num_records_produced(), r.num_work_units_completed()]) == [5, 1]
        assert tuple(sess.run(r.read(q))) == (b"z", b"z")     # the restored work
        sess.run(r.reset())
        assert sess.run(r.num_records_produced()) == 0
        t = gc.TFRecordReader()
        with pytest.raises(gc.errors.UnimplementedError, match="Reader SerializeState"):
            sess.run(t.serialize_state())
        sess.run(q.enqueue(os.path.join(os.path.dirname(files["bin"][0]), "missing")))
        with pytest.raises(gc.errors.NotFoundError, match="missing; No such file"):
            sess.run(t.read(q))


# ---- queue runners and pipelines ---------------------------------------------------------
def _examples(tmp_path, n_files=3, per_file=5):
    names = []
    for i in range(n_files):
        p = str(tmp_path / f"e{i}.tfrecord")
        with gc.python_io.TFRecordWriter(p) as w:
            for j in range(per_file):
                ex = gc.train.Example(features=gc.train.Features(feature={
                    "id": gc.train.Feature(int64_list=gc.train.Int64List(
                        value=[i * per_file + j])),
                    "x": gc.train.Feature(float_list=gc.train.FloatList(
                        value=[float(i), float(j)]))}))
                w.write(ex.SerializeToString())
        names.append(p)
    return names


def _pipeline(names, shuffle):
    fq = gc.train.string_input_producer(names, num_epochs=2, shuffle=shuffle, seed=3)
    _, ser = gc.TFRecordReader().read(fq)
    feat = gc.parse_single_example(ser, {"id": gc.FixedLenFeature([], gc.int64),
                                         "x": gc.FixedLenFeature([2], gc.float32)})
    b = gc.train.shuffle_batch(feat, batch_size=4, capacity=20, min_after_dequeue=5,
                               allow_smaller_final_batch=True, seed=1)
    w = gc.Variable(gc.zeros([2]))
    step = gc.train.GradientDescentOptimizer(0.1).minimize(gc.reduce_sum(b["x"] * w))
    return b, step


def test_classic_pipeline_sees_every_record_twice(tmp_path):
    names = _examples(tmp_path)
    b, step = _pipeline(names, shuffle=True)
    assert b["x"].shape.as_list() == [None, 2] and b["id"].dtype is gc.int64
    seen = []
    with gc.Session() as sess:
        sess.run([gc.global_variables_initializer(), gc.local_variables_initializer()])
        coord = gc.train.Coordinator()
        threads = gc.train.start_queue_runners(sess, coord)
        try:
            while not coord.should_stop():
                ids, _ = sess.run([b["id"], step])
                seen.extend(ids.tolist())
        except gc.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads, stop_grace_period_secs=T)
    assert not any(t.is_alive() for t in threads)
    assert sorted(seen) == sorted(list(range(15)) * 2)


def test_pipeline_under_monitored_training_session(tmp_path):
    names = _examples(tmp_path, 2, 4)
    b, step = _pipeline(names, shuffle=False)
    seen = []
    with gc.train.MonitoredTrainingSession() as sess:
        while not sess.should_stop():
            seen.extend(sess.run([b["id"], step])[0].tolist())
    assert sorted(seen) == sorted(list(range(8)) * 2)
    deadline = time.time() + T
    while any(t.name.startswith("QueueRunnerThread") for t in threading.enumerate()):
        assert time.time() < deadline, "queue runner threads did not end"
        time.sleep(0.01)


def _drain(fetch, n_max=100):
    out = []
    with gc.Session() as sess:
        sess.run(gc.local_variables_initializer())
        coord = gc.train.Coordinator()
        threads = gc.train.start_queue_runners(sess, coord)
        try:
            for _ in range(n_max):
                out.append(sess.run(fetch))
        except gc.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=T)
    return out


def test_batch_forms():
    x = gc.train.range_input_producer(7, num_epochs=1, shuffle=False).dequeue()
    b = gc.train.batch([x], batch_size=3, allow_smaller_final_batch=True)
    assert isinstance(b, gc.Tensor) and b.name == "batch:0"     # a one-tensor list: a tensor
    assert [v.tolist() for v in _drain(b)] == [[0, 1, 2], [3, 4, 5], [6]]
    gc.reset_default_graph()
    rows = gc.constant(np.arange(12).reshape(6, 2))
    img, lab = gc.train.slice_input_producer([rows, gc.range(6)], num_epochs=1,
                                             shuffle=False)
    out = gc.train.batch({"img": img, "lab": lab}, batch_size=2)
    got = _drain(out)
    assert [g["lab"].tolist() for g in got] == [[0, 1], [2, 3], [4, 5]]
    assert got[2]["img"].tolist() == [[8, 9], [10, 11]]
    gc.reset_default_graph()
    v = gc.train.range_input_producer(6, num_epochs=1, shuffle=False).dequeue()
    kept = gc.train.maybe_batch([v], gc.equal(v % 2, 0), batch_size=3)
    assert [k.tolist() for k in _drain(kept)] == [[0, 2, 4]]
    gc.reset_default_graph()
    n = gc.train.range_input_producer(4, num_epochs=1, shuffle=False).dequeue()
    seq = gc.range(n + 1)
    padded = gc.train.batch([seq], batch_size=2, dynamic_pad=True)
    assert padded.shape.as_list() == [2, None]
    assert [p.tolist() for p in _drain(padded)] == [[[0, 0], [0, 1]],
                                                     [[0, 1, 2, 0], [0, 1, 2, 3]]]
    gc.reset_default_graph()
    many = gc.train.batch([gc.constant([[1, 2], [3, 4], [5, 6]])], batch_size=2,
                          enqueue_many=True)
    assert _drain(many, 2)[1].tolist() == [[5, 6], [1, 2]]
    assert [s.name for s in gc.get_collection(gc.GraphKeys.SUMMARIES)] == [
        "batch/fraction_of_32_full:0"]
    with pytest.raises(ValueError, match="must be fully defined"):
        gc.train.batch([gc.placeholder(gc.float32, [None])], 2)
    with pytest.raises(ValueError, match="capacity 5 must be bigger than min_after_dequeue"):
        gc.train.shuffle_batch([gc.constant(1)], 2, capacity=5, min_after_dequeue=5)


def test_join_forms_and_limit_epochs():
    a = gc.train.limit_epochs(gc.constant([1, 2]), num_epochs=2)
    b = gc.train.limit_epochs(gc.constant([10, 20]), num_epochs=1)
    out = gc.train.batch_join([[a], [b]], batch_size=2, enqueue_many=True,
                              allow_smaller_final_batch=True)
    got = sorted(v for arr in _drain(out) for v in arr.tolist())
    assert got == [1, 1, 2, 2, 10, 20]
    gc.reset_default_graph()
    c = gc.train.limit_epochs(gc.constant([1, 2, 3]), num_epochs=1)
    d = gc.train.limit_epochs(gc.constant([10, 20, 30]), num_epochs=1)
    sb = gc.train.shuffle_batch_join([[c], [d]], batch_size=2, capacity=10,
                                     min_after_dequeue=1, enqueue_many=True,
                                     allow_smaller_final_batch=True, seed=2)
    assert sorted(v for arr in _drain(sb) for v in arr.tolist()) == [1, 2, 3, 10, 20, 30]
    with pytest.raises(ValueError, match="num_epochs must be > 0"):
        gc.train.limit_epochs(c, 0)


def test_queue_runner_api():
    q = gc.FIFOQueue(1, gc.int32, shapes=[[]])
    counter = gc.train.limit_epochs(gc.constant(1), num_epochs=3)
    qr = gc.train.QueueRunner(q, [q.enqueue(counter)])
    assert qr.name == "fifo_queue" and qr.queue_closed_exception_types == (
        gc.errors.OutOfRangeError,)
    with pytest.raises(ValueError, match="Must provide queue and enqueue_ops"):
        gc.train.QueueRunner(q, [])
    with pytest.raises(TypeError, match="queue_closed_exception_types"):
        gc.train.QueueRunner(q, [q.enqueue(1)], queue_closed_exception_types=(ValueError,))
    with gc.Session() as sess:
        sess.run(gc.local_variables_initializer())
        threads = qr.create_threads(sess, start=True)
        assert qr.create_threads(sess) == []        # already running in this session
        assert sess.run(q.dequeue_many(3)).tolist() == [1, 1, 1]
        for t in threads:
            _join(t)
        assert sess.run(q.is_closed()) and sess.run(q.size()) == 0   # close_op ran
        assert qr.exceptions_raised == []
    with pytest.raises(ValueError, match="No default session is registered"):
        gc.train.start_queue_runners()
    with pytest.raises(TypeError, match="sess must be a `tf.Session` object"):
        gc.train.start_queue_runners(sess=object())


def test_coordinator_stop_cancels_blocked_enqueues():
    q = gc.FIFOQueue(1, gc.int32, shapes=[[]])
    gc.train.add_queue_runner(gc.train.QueueRunner(q, [q.enqueue(1)] * 2))
    with gc.Session() as sess:
        coord = gc.train.Coordinator()
        threads = gc.train.start_queue_runners(sess, coord)
        assert len(threads) == 3
        assert sess.run(q.dequeue()) == 1
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=T)   # the cancel thread freed them
    assert not any(t.is_alive() for t in threads)


def test_match_filenames_once(tmp_path):
    for n in ("a.txt", "b.txt", "c.csv"):
        (tmp_path / n).write_bytes(b"")
    files = gc.train.match_filenames_once(str(tmp_path / "*.txt"))
    assert files in gc.local_variables()
    with gc.Session() as sess:
        sess.run(gc.local_variables_initializer())
        got = sess.run(files)
    assert sorted(os.path.basename(f.decode()) for f in got) == ["a.txt", "b.txt"]


def test_a_negative_capacity_is_no_bound():
    q = gc.FIFOQueue(-1, gc.int32, shapes=[()])
    with gc.Session() as sess:
        sess.run(q.enqueue_many([list(range(100))]))     # TF: unbounded, never blocks
        assert sess.run(q.size()) == 100
        assert sess.run(q.dequeue_many(100)).tolist() == list(range(100))
