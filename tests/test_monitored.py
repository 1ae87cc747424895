"""MonitoredSession, hooks, Scaffold/SessionManager, Coordinator and the TF1 error
classes (graphc only; tests/test_tf_parity_monitored.py compares with TF1)."""
import json
import os
import pickle
import threading
import time

import numpy as np
import pytest

import graphc as gc
from graphc import errors


def model():
    """(train_op, loss, global step, scale placeholder) of a tiny linear model."""
    x = gc.constant(np.ones((4, 2), np.float32))
    w = gc.Variable(np.zeros((2, 1), np.float32), name="w")
    scale = gc.placeholder_with_default(np.float32(1.0), shape=())
    loss = gc.reduce_mean(gc.square(gc.matmul(x, w) - 1.0)) * scale
    step = gc.train.get_or_create_global_step()
    train = gc.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    return train, loss, step, scale


@pytest.fixture(autouse=True)
def fresh_graph():
    gc.reset_default_graph()
    yield
    gc.summary.FileWriterCache.clear()
    gc.reset_default_graph()


# ---- errors ---------------------------------------------------------------------------
def test_run_time_errors_are_op_errors_with_codes():
    assert issubclass(errors.ExecutionError, errors.OpError)
    assert errors.InvalidArgumentError is errors.ExecutionError
    assert issubclass(errors.UninitializedVariableError, errors.FailedPreconditionError)
    assert issubclass(errors.NotFoundError, KeyError)
    w = gc.Variable(1.0, name="w")
    with gc.Session() as sess:
        with pytest.raises(errors.OpError) as info:
            sess.run(w)
    assert info.value.error_code == errors.FAILED_PRECONDITION
    assert "before it is initialized" in info.value.message
    e = errors.ExecutionError("bad", op="node")
    assert (str(e), e.op, e.error_code, e.node_def) == ("bad", "node", 3, None)
    e = pickle.loads(pickle.dumps(errors.AbortedError(None, None, "again")))
    assert (type(e), str(e), e.error_code) == (errors.AbortedError, "again", 10)
    assert errors.exception_type_from_error_code(11) is errors.OutOfRangeError
    with pytest.warns(UserWarning, match="Unknown class"):
        assert errors.error_code_from_exception_type(ValueError) == errors.UNKNOWN


# ---- MonitoredSession ---------------------------------------------------------------
def test_stop_at_step_checkpoints_and_restore(tmp_path):
    d = str(tmp_path)
    train, loss, step, _ = model()
    with gc.train.MonitoredTrainingSession(
            checkpoint_dir=d, save_checkpoint_steps=2,
            hooks=[gc.train.StopAtStepHook(last_step=5)]) as sess:
        n = 0
        while not sess.should_stop():
            sess.run(train)
            n += 1
        with pytest.raises(RuntimeError, match="even after should_stop"):
            sess.run(train)
    assert n == 5 and not gc.get_default_graph().finalized
    assert gc.train.latest_checkpoint(d).endswith("model.ckpt-5")
    names = set(os.listdir(d))
    assert {"checkpoint", "graph.pbtxt", "model.ckpt-0.npz", "model.ckpt-4.npz"} <= names
    assert any(n.startswith("events.out.tfevents.") for n in names)
    with gc.train.MonitoredTrainingSession(
            checkpoint_dir=d, hooks=[gc.train.StopAtStepHook(num_steps=2)]) as sess:
        assert sess.run(step) == 5
        while not sess.should_stop():
            last = sess.run([train, step])[1]
    assert last == 7


def test_hook_order_feeds_and_close_twice():
    train, loss, step, scale = model()
    calls = []

    class Hook(gc.train.SessionRunHook):
        def begin(self):
            calls.append("begin")

        def after_create_session(self, session, coord):
            assert gc.get_default_graph().finalized
            calls.append("create")

        def before_run(self, run_context):
            calls.append("before")
            return gc.train.SessionRunArgs(loss, feed_dict={scale: np.float32(2.0)})

        def after_run(self, run_context, run_values):
            calls.append(("after", float(run_values.results)))
            run_context.request_stop()

        def end(self, session):
            calls.append("end")

    sess = gc.train.MonitoredSession(hooks=[Hook()])
    assert sess.run(loss) == 2.0                  # the hook's feed doubles it
    with pytest.raises(RuntimeError, match="fed by a SessionRunHook and user"):
        gc.train.MonitoredSession(hooks=[Hook()]).run(loss, {scale: np.float32(1.0)})
    assert sess.should_stop()
    sess.close()
    with pytest.raises(RuntimeError, match="already closed"):
        sess.close()
    assert calls[:4] == ["begin", "create", "before", ("after", 2.0)]
    # the 2nd session, then end() at each close() (TF1 calls it again on a closed one)
    assert calls[4:] == ["begin", "create", "before", "end", "end"]


def test_recovers_from_aborted_error():
    train, loss, step, _ = model()
    events = []

    class Flaky(gc.train.SessionRunHook):
        def after_create_session(self, session, coord):
            events.append("create")

        def before_run(self, run_context):
            if len(events) == 1:
                events.append("abort")
                raise errors.AbortedError(None, None, "preempted")

    with gc.train.MonitoredSession(hooks=[Flaky()]) as sess:
        assert sess.run(step) == 0
    assert events == ["create", "abort", "create"]


def test_errors_leave_the_with_block_without_end():
    train, loss, step, _ = model()
    ended = []

    class End(gc.train.SessionRunHook):
        def end(self, session):
            ended.append(True)

    with pytest.raises(gc.train.NanLossDuringTrainingError, match="NaN loss"):
        with gc.train.MonitoredSession(hooks=[End(), gc.train.NanTensorHook(loss)]) as sess:
            sess.run(train, feed_dict={"PlaceholderWithDefault:0": np.float32(np.nan)})
    assert ended == []
    assert issubclass(gc.train.NanLossDuringTrainingError, RuntimeError)


def test_coordinator_error_wins_over_the_run():
    train, loss, step, _ = model()

    class Reporter(gc.train.SessionRunHook):
        def after_create_session(self, session, coord):
            coord.request_stop(ValueError("from a thread"))

    with pytest.raises(ValueError, match="from a thread"):
        with gc.train.MonitoredSession(hooks=[Reporter()]) as sess:
            sess.should_stop()


def test_scaffold_and_session_manager(tmp_path):
    train, loss, step, _ = model()
    seen = []
    scaffold = gc.train.Scaffold(init_fn=lambda scaffold, sess: seen.append(scaffold))
    with gc.train.SingularMonitoredSession(scaffold=scaffold) as sess:
        assert sess.raw_session().run(step) == 0
    assert seen == [scaffold] and scaffold.init_op is not None
    gc.add_to_collection("init_op", gc.no_op())
    with pytest.raises(RuntimeError, match="More than one item in collection init_op"):
        gc.train.Scaffold().finalize()
    gc.reset_default_graph()
    gc.Variable(1.0, name="v")
    sm = gc.train.SessionManager(ready_op=gc.report_uninitialized_variables(),
                                 recovery_wait_secs=0)
    with pytest.raises(errors.DeadlineExceededError, match="not ready after waiting 0"):
        sm.wait_for_session("", max_wait_secs=0)
    with pytest.raises(RuntimeError, match="Variables not initialized: v"):
        sm.prepare_session("", init_op=gc.no_op())


def test_summary_saver_and_step_counter_write_events(tmp_path):
    train, loss, step, _ = model()
    gc.summary.scalar("loss", loss)
    d = str(tmp_path)
    with gc.train.MonitoredTrainingSession(
            checkpoint_dir=d, save_summaries_steps=2, log_step_count_steps=2,
            save_checkpoint_secs=None, hooks=[gc.train.StopAtStepHook(last_step=6)]) as sess:
        while not sess.should_stop():
            sess.run(train)
    gc.summary.FileWriterCache.clear()
    (path,) = [os.path.join(d, n) for n in os.listdir(d) if n.startswith("events")]
    tags = [(e.step, v.tag) for e in gc.summary.summary_iterator(path)
            for v in (e.summary.value if e.summary else ())]
    assert [s for s, t in tags if t == "loss"] == [1, 3, 5]
    assert {t for _, t in tags} == {"loss", "global_step/sec"}
    assert not os.path.exists(os.path.join(d, "checkpoint"))


def test_logging_profiler_final_ops_and_feed_fn(tmp_path, caplog):
    train, loss, step, scale = model()
    final = gc.train.FinalOpsHook(loss)
    hooks = [gc.train.LoggingTensorHook(["w"], every_n_iter=2, at_end=True),
             gc.train.ProfilerHook(save_steps=2, output_dir=str(tmp_path)),
             gc.train.FeedFnHook(lambda: {scale: np.float32(0.5)}), final,
             gc.train.StopAtStepHook(num_steps=4)]
    with caplog.at_level("INFO", logger="graphc"):
        with gc.train.MonitoredSession(hooks=hooks) as sess:
            while not sess.should_stop():
                sess.run(train)
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("w = ")]
    assert len(logged) == 3                         # runs 0 and 2, and at the end
    assert 0 < final.final_ops_values < 0.5         # fed scale 0.5, loss below 1
    traces = sorted(os.listdir(tmp_path))          # not the first run; every 2 steps
    assert traces and all(t.startswith("timeline-") for t in traces)
    with open(tmp_path / traces[0]) as f:
        assert json.load(f)["traceEvents"]


def test_hook_argument_errors():
    with pytest.raises(ValueError, match="One of num_steps or last_step"):
        gc.train.StopAtStepHook()
    with pytest.raises(ValueError, match="Can not provide both"):
        gc.train.SecondOrStepTimer(every_secs=1, every_steps=1)
    with pytest.raises(ValueError, match="Exactly one of scaffold or summary_op"):
        gc.train.SummarySaverHook(save_steps=1)
    with pytest.raises(ValueError, match="exactly one of every_n_iter"):
        gc.train.LoggingTensorHook(["x"])
    with pytest.raises(RuntimeError, match="Global step should be created"):
        gc.train.MonitoredSession(hooks=[gc.train.StopAtStepHook(last_step=1)])


def test_run_step_fn_checks_its_argument():
    model()
    with gc.train.MonitoredSession() as sess:
        with pytest.raises(ValueError, match="step_context"):
            sess.run_step_fn(lambda ctx: None)


# ---- Coordinator and friends -----------------------------------------------------------
def test_coordinator_looper_and_stragglers():
    coord = gc.train.Coordinator()
    ticks = []
    gc.train.LooperThread.loop(coord, 0.001, target=ticks.append, args=(1,))
    while len(ticks) < 3:
        time.sleep(0.001)
    coord.request_stop()
    coord.join(stop_grace_period_secs=5)
    assert coord.joined and coord.wait_for_stop(0)
    with pytest.raises(ValueError):                  # after join: raised at once
        coord.request_stop(ValueError("late"))
    stuck = gc.train.Coordinator()
    gate = threading.Event()
    t = threading.Thread(target=gate.wait, name="stuck")
    t.start()
    stuck.request_stop()
    with pytest.raises(RuntimeError, match="threads still running: stuck"):
        stuck.join([t], stop_grace_period_secs=0.01)
    gate.set()
    t.join()
    with pytest.raises(ValueError, match="must be a Coordinator"):
        gc.train.LooperThread(None, 1)


def test_basic_train_loop_and_checkpoints_iterator(tmp_path):
    class Supervisor:
        def __init__(self):
            self.steps = 0

        def managed_session(self, master):
            return gc.Session()

        def should_stop(self):
            return self.steps >= 3

    sup = Supervisor()
    gc.train.basic_train_loop(sup, lambda sess, k: setattr(sup, "steps", sup.steps + k),
                              args=(1,))
    assert sup.steps == 3
    d = str(tmp_path)
    assert list(gc.train.checkpoints_iterator(d, timeout=0.01)) == []
    v = gc.Variable(1.0, name="v")
    saver = gc.train.Saver()
    with gc.Session() as sess:
        sess.run(v.initializer)
        saver.save(sess, os.path.join(d, "m"), global_step=1)
    calls = []
    got = list(gc.train.checkpoints_iterator(
        d, timeout=0.01, timeout_fn=lambda: calls.append(1) or len(calls) >= 2))
    assert got == [os.path.join(d, "m-1")] and len(calls) == 2


def test_run_errors_carry_the_failing_node_and_data_loss_is_an_op_error(tmp_path):
    x = gc.placeholder(gc.int32, [2])
    bad = gc.floordiv(x, gc.constant([1, 0]), name="bad_div")
    with gc.Session() as sess:
        with pytest.raises(gc.errors.InvalidArgumentError) as e:
            sess.run(bad, {x: [4, 5]})
    assert e.value.op is bad.node and e.value.error_code == gc.errors.INVALID_ARGUMENT
    from graphc.io import tfrecord
    path = tmp_path / "broken.tfrecord"
    path.write_bytes(tfrecord.encode_record(b"abc")[:-2])
    with open(path, "rb") as f:
        with pytest.raises(gc.errors.DataLossError):
            list(tfrecord.read_records(f, "broken"))
    assert issubclass(tfrecord.DataLossError, ValueError)
