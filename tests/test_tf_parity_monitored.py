"""MonitoredSession, its hooks, Coordinator and the error classes against TF1: the same
small training script runs on graphc and on tf.compat.v1, and what a user observes
(steps run, hook call order, files in checkpoint_dir, restored steps, logged values,
NaN handling, final ops) must agree."""
import os
import re
import threading

import numpy as np
import pytest

import graphc as gc
from tf_parity import v1

LIBS = [("graphc", gc), ("tf", v1)]


class Recorder:
    """A hook recording each call (and the loss it fetches) in order; each library
    gets its own SessionRunHook base class."""

    @staticmethod
    def make(m, loss, calls):
        class _Rec(m.train.SessionRunHook):
            def begin(self):
                calls.append("begin")

            def after_create_session(self, session, coord):
                calls.append(("after_create_session", type(coord).__name__))

            def before_run(self, run_context):
                calls.append("before_run")
                return m.train.SessionRunArgs({"loss": loss})

            def after_run(self, run_context, run_values):
                calls.append(("after_run", round(float(run_values.results["loss"]), 5)))

            def end(self, session):
                calls.append("end")
        return _Rec()


def build(m, nan_at=None):
    """A linear model trained by gradient descent with a global step; (train_op, loss,
    step, scale placeholder)."""
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((8, 3)).astype(np.float32)
    ys = (xs @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    scale = m.placeholder_with_default(np.float32(1.0), shape=())
    w = m.Variable(np.zeros((3, 1), np.float32), name="w")
    loss = m.reduce_mean(m.square(m.matmul(m.constant(xs), w) - m.constant(ys))) * scale
    step = m.train.get_or_create_global_step()
    m.summary.scalar("loss", loss)
    train = m.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=step)
    return train, loss, step, scale


def files(d):
    """checkpoint_dir's files, with each library's checkpoint data files and event file
    names reduced to one form."""
    out = set()
    for name in os.listdir(d):
        if name.startswith("events.out.tfevents."):
            out.add("events")
        elif re.match(r".*\.(index|data-\d+-of-\d+|npz)$", name):
            out.add(re.sub(r"\.(index|data-\d+-of-\d+|npz)$", ".data", name))
        else:
            out.add(name)
    return sorted(out)


def train_run(m, d, last_step, extra=()):
    """Steps run, hook calls, the steps seen, the logged losses, final-op values."""
    g = m.Graph()
    calls, logged, seen = [], [], []
    with g.as_default():
        train, loss, step, _ = build(m)
        final = m.train.FinalOpsHook({"loss": loss})
        log = m.train.LoggingTensorHook({"loss": loss}, every_n_iter=2,
                                        formatter=lambda v: logged.append(
                                            round(float(v["loss"]), 5)) or "")
        hooks = [Recorder.make(m, loss, calls), m.train.StopAtStepHook(last_step=last_step),
                 log, final, *extra]
        with m.train.MonitoredTrainingSession(checkpoint_dir=d, hooks=hooks,
                                              save_checkpoint_steps=3,
                                              save_summaries_steps=2) as sess:
            assert g.finalized
            seen.append(int(sess.run(step)))
            n = 0
            while not sess.should_stop():
                sess.run(train)
                n += 1
            assert sess.should_stop()
        finalized_after = g.finalized
    return dict(n=n, calls=calls, seen=seen, logged=logged,
                final=round(float(final.final_ops_values["loss"]), 5),
                finalized_after=finalized_after)


def test_training_script_behaves_as_in_tf1(tmp_path):
    got = {}
    for name, m in LIBS:
        d = str(tmp_path / name)
        first = train_run(m, d, last_step=5)
        files_first = files(d)
        again = train_run(m, d, last_step=8)          # restores step 5 from d
        got[name] = (first, files_first, again, files(d))
    assert got["graphc"] == got["tf"]
    first, files_first, again, _ = got["graphc"]
    assert first["n"] == 5 and again["seen"] == [5] and again["n"] == 3
    assert "model.ckpt-3.data" in files_first and "graph.pbtxt" in files_first


@pytest.mark.parametrize("fail", [True, False])
def test_nan_tensor_hook(tmp_path, fail):
    outcome = {}
    for name, m in LIBS:
        g = m.Graph()
        with g.as_default():
            train, loss, step, scale = build(m)
            hook = m.train.NanTensorHook(loss, fail_on_nan_loss=fail)
            n, raised = 0, None
            try:
                with m.train.MonitoredSession(hooks=[hook]) as sess:
                    while not sess.should_stop():
                        feed = {scale: np.float32(np.nan)} if n == 2 else None
                        sess.run(train, feed_dict=feed)
                        n += 1
            except RuntimeError as e:
                raised = (type(e).__name__, str(e))
            outcome[name] = (n, raised)
    assert outcome["graphc"] == outcome["tf"]
    assert outcome["graphc"] == ((2, ("NanLossDuringTrainingError", "NaN loss during "
                                      "training.")) if fail else (3, None))


def test_out_of_range_ends_the_with_block_and_calls_end():
    got = {}
    for name, m in LIBS:
        g = m.Graph()
        calls, vals = [], []
        with g.as_default():
            x = m.data.make_one_shot_iterator(m.data.Dataset.range(3)).get_next() \
                if m is v1 else m.data.Dataset.range(3).make_one_shot_iterator().get_next()
            with m.train.MonitoredSession(hooks=[Recorder.make(m, m.constant(1.0), calls)]) \
                    as sess:
                while not sess.should_stop():
                    vals.append(int(sess.run(x)))
        got[name] = (vals, calls)
    assert got["graphc"] == got["tf"]
    assert got["graphc"][1][-1] == "end"


def test_run_step_fn_and_raw_session():
    got = {}
    for name, m in LIBS:
        g = m.Graph()
        with g.as_default():
            train, loss, step, _ = build(m)
            out = []

            def step_fn(step_context):
                out.append(int(step_context.session.run(step)))
                step_context.run_with_hooks(train)
                if len(out) == 3:
                    step_context.request_stop()

            with m.train.SingularMonitoredSession() as sess:
                out.append(int(sess.raw_session().run(step)))
                while not sess.should_stop():       # ends by StopIteration, absorbed
                    sess.run_step_fn(step_fn)
                out.append("not reached")
        got[name] = out
    assert got["graphc"] == got["tf"] == [0, 0, 1]


def test_coordinator_join_reraises_and_clean_stop():
    got = {}
    for name, m in LIBS:
        coord = m.train.Coordinator()

        def work(coord=coord):
            with coord.stop_on_exception():
                raise ValueError("boom")

        t = threading.Thread(target=work)
        coord.register_thread(t)
        t.start()
        try:
            coord.join(stop_grace_period_secs=1)
            first = None
        except ValueError as e:
            first = str(e)
        clean = m.train.Coordinator()
        clean.request_stop(m.errors.OutOfRangeError(None, None, "end"))
        clean.join()
        got[name] = (first, coord.should_stop(), clean.should_stop(), coord.joined)
    assert got["graphc"] == got["tf"] == ("boom", True, True, True)


def test_error_classes_and_codes():
    names = ["OpError", "CancelledError", "UnknownError", "InvalidArgumentError",
             "DeadlineExceededError", "NotFoundError", "AlreadyExistsError",
             "PermissionDeniedError", "ResourceExhaustedError", "FailedPreconditionError",
             "AbortedError", "OutOfRangeError", "UnimplementedError", "InternalError",
             "UnavailableError", "DataLossError", "UnauthenticatedError"]
    for n in names[1:]:
        ours, theirs = getattr(gc.errors, n), getattr(v1.errors, n)
        e1, e2 = ours(None, None, "msg"), theirs(None, None, "msg")
        assert (e1.error_code, str(e1), e1.message, e1.op) == \
            (e2.error_code, str(e2), e2.message, e2.op)
        assert gc.errors.error_code_from_exception_type(ours) == \
            v1.errors.error_code_from_exception_type(theirs)
        code = e2.error_code
        assert gc.errors.exception_type_from_error_code(code).__name__ in (
            v1.errors.exception_type_from_error_code(code).__name__, "ExecutionError")
        assert isinstance(e1, gc.errors.OpError)
    for code in range(17):
        assert getattr(gc.errors, [k for k in dir(v1.errors) if k.isupper() and
                                   getattr(v1.errors, k) == code][0]) == code
    e = gc.errors.OpError(None, None, "m", gc.errors.ABORTED)
    assert e.error_code == v1.errors.OpError(None, None, "m", v1.errors.ABORTED).error_code
    with pytest.raises(KeyError):
        gc.errors.exception_type_from_error_code(gc.errors.OK)
    with pytest.raises(KeyError):
        v1.errors.exception_type_from_error_code(v1.errors.OK)
