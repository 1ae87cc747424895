"""tf.train.Supervisor (graphc/train/supervisor.py): sessions made ready or restored,
services on (tiny) timers, clean stops, errors carried out of managed_session."""
import glob
import os
import threading
import time

import pytest

import graphc as gc
from graphc.train.supervisor import Supervisor


def _model():
    step = gc.train.get_or_create_global_step()
    x = gc.Variable(1.0, name="x")
    gc.summary.scalar("x_value", x)
    train = gc.group(x.assign_add(1.0), step.assign_add(1))
    return step, x, train


def _events(logdir):
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    return list(gc.train.summary_iterator(path))


def test_public_names():
    assert gc.train.Supervisor is Supervisor


def test_defaults_from_collections(tmp_path):
    step, x, _ = _model()
    sv = Supervisor(logdir=str(tmp_path))
    assert sv.global_step is step
    assert sv.is_chief and sv.saver is not None and sv.summary_op is not None
    assert sv.save_path == os.path.join(str(tmp_path), "model.ckpt")
    assert sv.save_model_secs == 600 and sv.save_summaries_secs == 120
    assert gc.get_collection(gc.GraphKeys.INIT_OP) == [sv.init_op]
    assert gc.get_collection(gc.GraphKeys.READY_OP) == [sv.ready_op]
    assert gc.get_default_graph().finalized
    with pytest.raises(gc.errors.GraphError):
        gc.constant(1.0)
    sv.summary_writer.close()


def test_none_turns_pieces_off():
    _model()
    sv = Supervisor(saver=None, summary_op=None, global_step=None)
    assert sv.saver is None and sv.summary_op is None and sv.global_step is None
    assert sv.summary_writer is None and sv.save_path is None
    with sv.managed_session() as sess:
        assert sess.run(gc.get_default_graph().get_tensor_by_name("x:0")) == 1.0


def test_managed_session_trains_checkpoints_and_restores(tmp_path):
    d = str(tmp_path)
    step, x, train = _model()
    sv = Supervisor(logdir=d, save_model_secs=0.02, save_summaries_secs=0.02)
    with sv.managed_session() as sess:
        for _ in range(6):
            sess.run(train)
            time.sleep(0.01)
    assert sv.should_stop()
    assert gc.train.latest_checkpoint(d) is not None
    assert os.path.exists(os.path.join(d, "graph.pbtxt"))
    events = _events(d)
    kinds = [e.WhichOneof("what") for e in events]
    assert kinds[:2] == ["file_version", "graph_def"]
    assert kinds.count("session_log") >= 3           # START, CHECKPOINT(s), STOP
    tags = {v.tag for e in events if e.WhichOneof("what") == "summary"
            for v in e.summary.value}
    assert {"x_value", "global_step/sec"} <= tags
    # a new supervisor on the same logdir restores the latest checkpoint (TF1 saves on
    # its timer only, not at stop)
    last = int(gc.train.latest_checkpoint(d).rsplit("-", 1)[1])
    gc.reset_default_graph()
    step, x, train = _model()
    sv = Supervisor(logdir=d, save_model_secs=100, save_summaries_secs=100)
    with sv.managed_session() as sess:
        assert sess.run(step) == last
        assert sess.run(x) == 1.0 + last


def test_error_in_block_is_raised_after_stop(tmp_path):
    _model()
    sv = Supervisor(logdir=str(tmp_path), save_model_secs=100, save_summaries_secs=100)
    with pytest.raises(ValueError, match="boom"):
        with sv.managed_session():
            raise ValueError("boom")
    assert sv.should_stop()


def test_out_of_range_ends_cleanly():
    _model()
    sv = Supervisor(summary_op=None)
    with sv.managed_session():
        raise gc.errors.OutOfRangeError("input exhausted")
    assert sv.should_stop()


def test_loop_and_request_stop():
    _, x, train = _model()
    sv = Supervisor(saver=None)
    calls = []
    with sv.managed_session() as sess:
        looper = sv.loop(0.005, lambda: calls.append(sess.run(x)))
        while len(calls) < 3:
            time.sleep(0.005)
        sv.request_stop()
    looper.join(1)
    assert not looper.is_alive() and len(calls) >= 3


def test_error_in_service_thread_reaches_stop():
    _model()
    sv = Supervisor(saver=None, summary_op=None)
    with pytest.raises(RuntimeError, match="service failed"):
        with sv.managed_session():
            sv.loop(0.001, lambda: (_ for _ in ()).throw(RuntimeError("service failed")))
            sv.wait_for_stop()


def test_summary_computed_and_start_services_by_hand(tmp_path):
    d = str(tmp_path)
    step, x, train = _model()
    sv = Supervisor(logdir=d, save_model_secs=0, save_summaries_secs=0)
    sess = sv.prepare_or_wait_for_session(start_standard_services=False)
    sess.run(train)
    sv.summary_computed(sess, sess.run(sv.summary_op))
    assert sv.start_standard_services(sess) == []        # both intervals are 0
    sv.stop()
    sess.close()
    found = [(e.step, v.tag, v.simple_value) for e in _events(d)
             if e.WhichOneof("what") == "summary" for v in e.summary.value]
    assert found == [(1, "x_value", 2.0)]


def test_init_feed_dict_and_init_fn():
    p = gc.placeholder(gc.float32, [])
    v = gc.Variable(p, name="v")
    w = gc.Variable(0.0, name="w")
    seen = []
    sv = Supervisor(init_feed_dict={p: 4.0}, init_fn=lambda sess: seen.append(sess),
                    saver=None)
    with sv.managed_session() as sess:
        assert sess.run(v) == 4.0 and sess.run(w) == 0.0
        assert seen == [sess]


def test_queue_runners_start_under_the_coordinator():
    q = gc.FIFOQueue(4, gc.float32, shapes=[[]])
    gc.train.add_queue_runner(gc.train.QueueRunner(q, [q.enqueue(2.0)]))
    got = q.dequeue()
    sv = Supervisor(saver=None)
    with sv.managed_session() as sess:
        assert [sess.run(got) for _ in range(3)] == [2.0] * 3
    assert not any(t.name.startswith("QueueRunner") and t.is_alive()
                   for t in threading.enumerate())


def test_non_chief_checks_devices_and_cannot_start_services():
    gc.Variable(1.0, name="v")
    with pytest.raises(ValueError, match="must have their device set"):
        Supervisor(is_chief=False)
    gc.reset_default_graph()
    with gc.device("/job:ps/task:0"):
        gc.Variable(1.0, name="v")
    sv = Supervisor(is_chief=False, logdir="unused")
    assert sv.summary_writer is None and sv.save_path is None
    with pytest.raises(RuntimeError, match="Only chief"):
        sv.start_standard_services(None)


def test_camel_case_aliases():
    assert Supervisor.PrepareSession is Supervisor.prepare_or_wait_for_session
    assert Supervisor.ShouldStop is Supervisor.should_stop


def test_basic_train_loop_drives_a_supervisor():
    _, x, train = _model()
    sv = Supervisor(saver=None, summary_op=None)
    steps = []

    def step_fn(sess):
        steps.append(sess.run(train))
        if len(steps) == 4:
            sv.request_stop()
    gc.train.basic_train_loop(sv, step_fn)
    assert len(steps) == 4
