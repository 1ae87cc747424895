"""Queue and input-pipeline details checked against TF 2.21's tf.compat.v1 (the expected
values are TF's): SparseTensors through tf.train.batch and friends, make_callable under
ConfigProto(operation_timeout_in_ms), queue runners in meta graphs, the closed-Session
error, and close() without cancel_pending_enqueues. Every session has a timeout and
every thread is joined, so nothing can hang."""
import threading
import time

import numpy as np
import pytest

import graphc as gc

T = 10.0            # seconds a thread may take before the test fails


def _config(ms=5000):
    return gc.ConfigProto(operation_timeout_in_ms=ms)


def _sp(v):
    return (v.indices.tolist(), v.values.tolist(), v.dense_shape.tolist())


def _drain(fetch, convert, limit=10):
    """What running `fetch` gives until OutOfRangeError ("OOR"), through queue runners."""
    out = []
    with gc.Session(config=_config()) as sess:
        sess.run(gc.local_variables_initializer())
        coord = gc.train.Coordinator()
        threads = gc.train.start_queue_runners(sess, coord)
        try:
            for _ in range(limit):
                out.append(convert(sess.run(fetch)))
        except gc.errors.OutOfRangeError:
            out.append("OOR")
        finally:
            coord.request_stop()
            coord.join(threads, stop_grace_period_secs=T)
    return out


def _sparse_row(i):
    """Element i: i+1 values (0, 10, 20...) in a vector of length i+2."""
    i64 = gc.cast(i, gc.int64)
    return gc.SparseTensor(gc.reshape(gc.range(i64 + 1), [-1, 1]), gc.range(i + 1) * 10,
                           gc.stack([i64 + 2]))


def _rows(n):
    return gc.train.range_input_producer(n, num_epochs=1, shuffle=False).dequeue()


# ---- SparseTensors through the batchers ----------------------------------------------------
def test_batch_of_a_parsed_var_len_feature():
    exs = [gc.train.Example(features=gc.train.Features(feature={"ids": gc.train.Feature(
        int64_list=gc.train.Int64List(value=list(range(i))))})).SerializeToString()
        for i in range(1, 4)]
    ser = gc.train.input_producer(gc.constant(exs), num_epochs=1, shuffle=False).dequeue()
    ids = gc.parse_single_example(ser, {"ids": gc.VarLenFeature(gc.int64)})["ids"]
    b = gc.train.batch([ids], batch_size=2, allow_smaller_final_batch=True)
    assert isinstance(b, gc.SparseTensor)
    assert _drain(b, _sp) == [([[0, 0], [1, 0], [1, 1]], [0, 0, 1], [2, 2]),
                              ([[0, 0], [0, 1], [0, 2]], [0, 1, 2], [1, 3]), "OOR"]


def test_batch_of_a_sparse_and_a_dense_tensor_in_a_list_and_a_dict():
    sp, d = gc.train.batch([_sparse_row(_rows(3)), _rows(3)], batch_size=2,
                           allow_smaller_final_batch=True)
    assert sp.indices.shape.as_list() == [None, 2] and sp.values.shape.as_list() == [None]
    assert sp.dense_shape.shape.as_list() == [2] and d.shape.as_list() == [None]
    got = _drain([sp, d], lambda v: (_sp(v[0]), v[1].tolist()))
    assert got == [(([[0, 0], [1, 0], [1, 1]], [0, 0, 10], [2, 3]), [0, 1]),
                   (([[0, 0], [0, 1], [0, 2]], [0, 10, 20], [1, 4]), [2]), "OOR"]
    with gc.Graph().as_default():
        i = _rows(3)
        b = gc.train.batch({"sp": _sparse_row(i), "d": i}, batch_size=2,
                           allow_smaller_final_batch=True)
        got = _drain(b, lambda v: (_sp(v["sp"]), v["d"].tolist()))
    assert got == [(([[0, 0], [1, 0], [1, 1]], [0, 0, 10], [2, 3]), [0, 1]),
                   (([[0, 0], [0, 1], [0, 2]], [0, 10, 20], [1, 4]), [2]), "OOR"]
    with gc.Graph().as_default():
        b = gc.train.batch({"sp": _sparse_row(_rows(3))}, batch_size=3)
        assert _drain(b, lambda v: _sp(v["sp"])) == [
            ([[0, 0], [1, 0], [1, 1], [2, 0], [2, 1], [2, 2]], [0, 0, 10, 0, 10, 20],
             [3, 4]), "OOR"]


def test_batch_of_a_sparse_tensor_with_enqueue_many():
    sp = gc.SparseTensor([[0, 0], [0, 3], [2, 1], [3, 2]], [1., 2., 3., 4.], [4, 5])
    b = gc.train.batch([sp], batch_size=3, enqueue_many=True)
    assert b.indices.shape.as_list() == [None, 2]
    assert _drain(b, _sp, 3) == [([[0, 0], [0, 3], [2, 1]], [1., 2., 3.], [3, 5]),
                                 ([[0, 2], [1, 0], [1, 3]], [4., 1., 2.], [3, 5]),
                                 ([[0, 1], [1, 2], [2, 0], [2, 3]], [3., 4., 1., 2.], [3, 5])]
    with gc.Graph().as_default():
        sp = gc.SparseTensor([[0, 0], [0, 3], [2, 1], [3, 2]], [1., 2., 3., 4.], [4, 5])
        x = gc.train.limit_epochs(gc.constant([7, 8, 9, 10]), num_epochs=1)
        b = gc.train.batch([x, sp], batch_size=3, enqueue_many=True,
                           allow_smaller_final_batch=True)
        assert _drain(b, lambda v: (v[0].tolist(), _sp(v[1]))) == [
            ([7, 8, 9], ([[0, 0], [0, 3], [2, 1]], [1., 2., 3.], [3, 5])),
            ([10], ([[0, 2]], [4.], [1, 5])), "OOR"]
    with gc.Graph().as_default():
        sp = gc.SparseTensor([[0, 1], [1, 0]], ["a", "bc"], [2, 2])
        b = gc.train.batch([sp], batch_size=2, enqueue_many=True)
        assert _drain(b, _sp, 1) == [([[0, 1], [1, 0]], [b"a", b"bc"], [2, 2])]


def test_batch_of_a_sparse_tensor_with_dynamic_pad():
    i = _rows(3)
    b = gc.train.batch([gc.range(i + 1), _sparse_row(i)], batch_size=2, dynamic_pad=True,
                       allow_smaller_final_batch=True)
    assert _drain(b, lambda v: (v[0].tolist(), _sp(v[1]))) == [
        ([[0, 0], [0, 1]], ([[0, 0], [1, 0], [1, 1]], [0, 0, 10], [2, 3])),
        ([[0, 1, 2]], ([[0, 0], [0, 1], [0, 2]], [0, 10, 20], [1, 4])), "OOR"]


def test_maybe_batch_of_a_sparse_tensor():
    i = _rows(5)
    b = gc.train.maybe_batch([_sparse_row(i)], keep_input=gc.equal(i % 2, 0), batch_size=2,
                             allow_smaller_final_batch=True)
    assert _drain(b, _sp) == [([[0, 0], [1, 0], [1, 1], [1, 2]], [0, 0, 10, 20], [2, 4]),
                              ([[0, 0], [0, 1], [0, 2], [0, 3], [0, 4]],
                               [0, 10, 20, 30, 40], [1, 6]), "OOR"]
    with gc.Graph().as_default():
        sp = gc.SparseTensor([[0, 0], [0, 3], [2, 1], [3, 2]], [1., 2., 3., 4.], [4, 5])
        b = gc.train.maybe_batch([sp], keep_input=gc.constant([True, False, True, True]),
                                 batch_size=3, enqueue_many=True)
        assert _drain(b, _sp, 1) == [([[0, 0], [0, 3], [1, 1], [2, 2]], [1., 2., 3., 4.],
                                      [3, 5])]


def test_shuffle_batch_and_the_joins_of_sparse_tensors():
    i = _rows(4)
    b = gc.train.shuffle_batch([_sparse_row(i), i], batch_size=4, capacity=10,
                               min_after_dequeue=2, seed=1, allow_smaller_final_batch=True)
    got = _drain(b, lambda v: (sorted(v[0].values.tolist()), v[0].dense_shape.tolist(),
                               sorted(v[1].tolist())))
    assert got == [([0, 0, 0, 0, 10, 10, 10, 20, 20, 30], [4, 5], [0, 1, 2, 3]), "OOR"]
    for join in (gc.train.batch_join, gc.train.shuffle_batch_join):
        with gc.Graph().as_default():
            i = _rows(4)
            kw = {} if join is gc.train.batch_join else dict(
                capacity=10, min_after_dequeue=2, seed=1)
            b = join([[_sparse_row(i)], [_sparse_row(i)]], batch_size=8,
                     allow_smaller_final_batch=True, **kw)
            got = _drain(b, lambda v: (sorted(v.values.tolist()), v.dense_shape.tolist()))
            assert got == [([0, 0, 0, 0, 10, 10, 10, 20, 20, 30], [4, 5]), "OOR"]


def test_batch_join_needs_the_same_sparse_entries_in_every_list():
    i = gc.constant(1)
    with pytest.raises(ValueError, match="Inconsistent SparseTensors list"):
        gc.train.batch_join([[_sparse_row(i)], [i]], batch_size=2)
    a = gc.SparseTensor([[0]], [1], [3])
    c = gc.SparseTensor([[0, 0]], [1], [3, 3])
    with pytest.raises(ValueError, match="Inconsistent SparseTensors list"):
        gc.train.batch_join([[a], [c]], batch_size=2)


# ---- make_callable and the Session's operation timeout ---------------------------------------
def test_make_callable_honours_operation_timeout_in_ms():
    q = gc.FIFOQueue(1, gc.int32, shapes=[])
    d = q.dequeue()
    x = gc.placeholder(gc.int32, [])
    y = gc.placeholder(gc.int32, [None])
    with gc.Session(config=_config(200)) as sess:
        calls = [sess.make_callable(d), sess.make_callable(d, accept_options=True),
                 sess.make_callable([d, x], [x]), sess.make_callable(d + y, [y])]
        args = [(), (), (1,), (np.ones(2, np.int32),)]
        for f, a in zip(calls, args):
            start = time.monotonic()
            with pytest.raises(gc.errors.DeadlineExceededError):
                f(*a)
            assert 0.15 < time.monotonic() - start < 5
        fill = sess.make_callable(q.enqueue(x), [x])
        fill(3)
        assert calls[0]() == 3          # the timeout stops only what waits


def test_a_queue_runner_stops_at_the_session_timeout():
    """TF1: the runner's blocked enqueue raises DeadlineExceededError, the Coordinator
    records it and join re-raises it."""
    b = gc.train.batch([gc.train.range_input_producer(100, shuffle=False).dequeue()],
                       batch_size=2, capacity=2)
    with gc.Session(config=_config(1000)) as sess:
        coord = gc.train.Coordinator()
        threads = gc.train.start_queue_runners(sess, coord)
        assert sess.run(b).tolist() == [0, 1]
        assert coord.wait_for_stop(T)
        assert sess.run(b).tolist() == [2, 3]
        coord.request_stop()
        with pytest.raises(gc.errors.DeadlineExceededError):
            coord.join(threads, stop_grace_period_secs=T)
    assert not any(t.is_alive() for t in threads)


# ---- queue runners in meta graphs ------------------------------------------------------------
def test_queue_runner_to_proto_and_from_proto():
    with gc.name_scope("outer"):
        gc.train.batch([gc.train.range_input_producer(7, shuffle=False).dequeue()],
                       batch_size=3, num_threads=2)
    producer, batcher = gc.get_collection(gc.GraphKeys.QUEUE_RUNNERS)
    assert producer.to_proto() == {
        "queue_name": "outer/input_producer",
        "enqueue_op_name": ["outer/input_producer/input_producer_EnqueueMany"],
        "close_op_name": "outer/input_producer/input_producer_Close",
        "cancel_op_name": "outer/input_producer/input_producer_Close_1",
        "queue_closed_exception_types": [gc.errors.OUT_OF_RANGE]}
    assert batcher.to_proto()["enqueue_op_name"] == ["outer/batch/fifo_queue_enqueue"] * 2
    assert producer.to_proto(export_scope="outer/batch") is None
    assert batcher.to_proto(export_scope="outer/batch")["queue_name"] == "fifo_queue"
    qr = gc.train.QueueRunner(batcher.queue, batcher.enqueue_ops, queue_closed_exception_types=(
        gc.errors.OutOfRangeError, gc.errors.CancelledError))
    qr_def = qr.to_proto()
    assert qr_def["queue_closed_exception_types"] == [11, 1]
    back = gc.train.QueueRunner.from_proto(qr_def)
    assert (back.name, back.queue.name) == ("outer/batch/fifo_queue",) * 2
    assert [op.name for op in back.enqueue_ops] == ["outer/batch/fifo_queue_enqueue"] * 2
    assert (back.close_op.name, back.cancel_op.name) == ("fifo_queue_Close",
                                                         "fifo_queue_Close_1")
    assert back.queue_closed_exception_types == (gc.errors.OutOfRangeError,
                                                 gc.errors.CancelledError)
    assert back.queue.dtypes == [gc.int32] and back.queue.shapes[0].as_list() == []
    with pytest.raises(ValueError, match="mutually exclusive"):
        gc.train.QueueRunner(batcher.queue, queue_runner_def=qr_def)
    assert sorted(gc.train.export_meta_graph().collection_def) == ["queue_runners",
                                                                   "summaries"]


def test_import_meta_graph_brings_the_queue_runners(tmp_path):
    prefix = str(tmp_path / "model")
    with gc.Graph().as_default():
        i = gc.train.range_input_producer(7, num_epochs=None, shuffle=False).dequeue()
        gc.add_to_collection("batch", gc.train.batch([i], batch_size=3))
        w = gc.Variable(1.0, name="w")
        with gc.Session() as sess:
            sess.run(w.initializer)
            gc.train.Saver().save(sess, prefix)
    for scope in (None, "again"):
        with gc.Graph().as_default():
            saver = gc.train.import_meta_graph(prefix + ".meta", import_scope=scope)
            runners = gc.get_collection(gc.GraphKeys.QUEUE_RUNNERS)
            assert len(runners) == 2
            if scope:
                assert runners[1].name == "again/batch/fifo_queue"
            b = gc.get_collection("batch")[0]
            with gc.Session(config=_config()) as sess:
                saver.restore(sess, prefix)
                coord = gc.train.Coordinator()
                threads = gc.train.start_queue_runners(sess, coord)
                got = [sess.run(b).tolist(), sess.run(b).tolist()]
                coord.request_stop()
                coord.join(threads, stop_grace_period_secs=T)
            assert got == [[0, 1, 2], [3, 4, 5]]


# ---- a closed Session ------------------------------------------------------------------------
def test_a_closed_session_raises_runtime_error(tmp_path):
    x = gc.constant(1.0)
    v = gc.Variable(2.0)
    sess = gc.Session()
    sess.run(v.initializer)
    f = sess.make_callable(x)
    saver = gc.train.Saver()
    handle = sess.run(gc.get_session_handle(x))
    sess.close()
    for use in (lambda: sess.run(x), f, lambda: saver.save(sess, str(tmp_path / "m")),
                handle.eval):
        with pytest.raises(RuntimeError, match="^Attempted to use a closed Session.$") as e:
            use()
        assert isinstance(e.value, gc.errors.GraphcError)
        assert isinstance(e.value, gc.errors.ClosedSessionError)


# ---- close() without cancel_pending_enqueues -------------------------------------------------
def _start(sess, op, out, key):
    def run():
        try:
            sess.run(op)
            out[key] = "ok"
        except Exception as e:          # noqa: BLE001
            out[key] = type(e).__name__ + ": " + str(e).split("\n")[0]
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_close_waits_behind_a_blocked_enqueue():
    """TF: the close joins the enqueues' line; the blocked enqueue completes once a
    dequeue makes room, then the queue closes; an enqueue behind the close fails."""
    q = gc.FIFOQueue(2, gc.int32, shapes=[])
    enq5, enq7, close = q.enqueue(5), q.enqueue(7), q.close()
    with gc.Session(config=_config(int(T * 1000))) as sess:
        sess.run(q.enqueue_many([[1, 2]]))
        out = {}
        threads = [_start(sess, enq5, out, "enq5")]
        time.sleep(0.2)
        threads.append(_start(sess, close, out, "close"))
        time.sleep(0.2)
        threads.append(_start(sess, enq7, out, "enq7"))
        time.sleep(0.2)
        assert out == {} and not sess.run(q.is_closed()) and sess.run(q.size()) == 2
        assert sess.run(q.dequeue()) == 1
        for t in threads:
            t.join(T)
            assert not t.is_alive()
        assert (out["enq5"], out["close"]) == ("ok", "ok")
        assert out["enq7"].startswith("CancelledError: FIFOQueue '")
        assert out["enq7"].endswith("' is closed.")
        assert sess.run(q.is_closed())
        assert sess.run(q.dequeue_up_to(5)).tolist() == [2, 5]
        with pytest.raises(gc.errors.CancelledError, match="is already closed"):
            sess.run(close)
        sess.run(q.close(cancel_pending_enqueues=True))     # no error, as in TF


def test_a_blocked_enqueue_still_blocks_a_close_until_its_deadline():
    """The hunt's case: TF's close waits for the blocked enqueue, which times out."""
    q = gc.FIFOQueue(2, gc.int32, shapes=[])
    enq = q.enqueue(5)
    with gc.Session(config=_config(600)) as sess:
        sess.run(q.enqueue_many([[1, 2]]))
        out = {}
        t = _start(sess, enq, out, "enq")
        time.sleep(0.3)
        sess.run(q.close())
        t.join(T)
        assert out["enq"].startswith("DeadlineExceededError")
        assert sess.run(q.dequeue_up_to(5)).tolist() == [1, 2]


def test_close_with_cancel_cancels_a_waiting_close():
    q = gc.FIFOQueue(1, gc.int32, shapes=[])
    enq, close = q.enqueue(5), q.close()
    with gc.Session(config=_config(int(T * 1000))) as sess:
        sess.run(enq)
        out = {}
        threads = [_start(sess, enq, out, "enq")]
        time.sleep(0.2)
        threads.append(_start(sess, close, out, "close"))
        time.sleep(0.2)
        sess.run(q.close(cancel_pending_enqueues=True))
        for t in threads:
            t.join(T)
            assert not t.is_alive()
        assert out == {"enq": "CancelledError: Enqueue operation was cancelled",
                       "close": "CancelledError: Enqueue operation was cancelled"}
