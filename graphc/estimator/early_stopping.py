"""Early stopping of Estimator.train on the eval metrics evaluate() wrote
(tf.estimator.experimental's stop_if_* hooks, TF1's early_stopping.py).

    hook = gc.estimator.experimental.stop_if_no_decrease_hook(
        est, "loss", max_steps_without_decrease=1000, run_every_steps=100)
    gc.estimator.train_and_evaluate(est, gc.estimator.TrainSpec(input_fn, hooks=[hook]),
                                    gc.estimator.EvalSpec(eval_input_fn))

The hooks read the event files of the estimator's eval_dir() every run_every_secs
(or run_every_steps); when should_stop_fn() is true they set the variable
'signal_early_stopping/STOP' and request a stop.
"""
import collections
import glob
import logging
import operator
import os

from .. import dtypes
from ..initializers import constant_initializer
from ..io.events import DataLossError
from ..ops.graphkeys import GraphKeys
from ..ops.scope import AUTO_REUSE, variable_scope
from ..ops.state import assign
from ..ops.varstore import get_variable
from ..summary import summary_iterator
from ..train.session_run_hook import SecondOrStepTimer, SessionRunArgs, SessionRunHook
from ..train.step import get_global_step
from .estimator import Estimator

__all__ = ["make_early_stopping_hook", "stop_if_higher_hook", "stop_if_lower_hook",
           "stop_if_no_increase_hook", "stop_if_no_decrease_hook", "read_eval_metrics"]

_EVENT_FILE_GLOB_PATTERN = "events.out.tfevents.*"


def _log():
    return logging.getLogger("graphc")


def make_early_stopping_hook(estimator, should_stop_fn, run_every_secs=60,
                             run_every_steps=None):
    """A hook that stops training when should_stop_fn() (a no-argument callable) returns
    True, asked every run_every_secs seconds or run_every_steps steps (TF1).

        hook = make_early_stopping_hook(est, lambda: time.time() > deadline)
    """
    if not isinstance(estimator, Estimator):
        raise TypeError("`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")
    if run_every_secs is not None and run_every_steps is not None:
        raise ValueError("Only one of `run_every_secs` and `run_every_steps` must be set.")
    if estimator.config.is_chief:
        return _StopOnPredicateHook(should_stop_fn, run_every_secs, run_every_steps)
    return _CheckForStoppingHook()


def _threshold_hook(estimator, metric_name, threshold, higher_is_better, eval_dir,
                    min_steps, run_every_secs, run_every_steps):
    eval_dir = estimator.eval_dir() if eval_dir is None else eval_dir
    better = operator.gt if higher_is_better else operator.lt
    words = "greater than" if higher_is_better else "less than"

    def stop_if_threshold_crossed_fn():
        for step, metrics in read_eval_metrics(eval_dir).items():
            if step < min_steps:
                continue
            val = metrics[metric_name]
            if better(val, threshold):
                _log().info('At step %s, metric "%s" has value %s which is %s the '
                            "configured threshold (%s) for early stopping.", step,
                            metric_name, val, words, threshold)
                return True
        return False

    return make_early_stopping_hook(estimator, stop_if_threshold_crossed_fn,
                                    run_every_secs, run_every_steps)


def _no_improvement_hook(estimator, metric_name, max_steps_without_improvement,
                         higher_is_better, eval_dir, min_steps, run_every_secs,
                         run_every_steps):
    eval_dir = estimator.eval_dir() if eval_dir is None else eval_dir
    better = operator.gt if higher_is_better else operator.lt
    word = "increase" if higher_is_better else "decrease"

    def stop_if_no_metric_improvement_fn():
        best_val = best_step = None
        for step, metrics in read_eval_metrics(eval_dir).items():
            if step < min_steps:
                continue
            val = metrics[metric_name]
            if best_val is None or better(val, best_val):
                best_val, best_step = val, step
            if step - best_step >= max_steps_without_improvement:
                _log().info('No %s in metric "%s" for %s steps, which is greater than or '
                            "equal to max steps (%s) configured for early stopping.",
                            word, metric_name, step - best_step,
                            max_steps_without_improvement)
                return True
        return False

    return make_early_stopping_hook(estimator, stop_if_no_metric_improvement_fn,
                                    run_every_secs, run_every_steps)


def stop_if_higher_hook(estimator, metric_name, threshold, eval_dir=None, min_steps=0,
                        run_every_secs=60, run_every_steps=None):
    """Stops training once an evaluation at step >= min_steps has metric_name greater
    than threshold (TF1).

        hook = stop_if_higher_hook(est, "accuracy", 0.9, run_every_steps=10)
    """
    return _threshold_hook(estimator, metric_name, threshold, True, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_lower_hook(estimator, metric_name, threshold, eval_dir=None, min_steps=0,
                       run_every_secs=60, run_every_steps=None):
    """Stops training once an evaluation at step >= min_steps has metric_name less
    than threshold (TF1).

        hook = stop_if_lower_hook(est, "loss", 0.01, run_every_steps=10)
    """
    return _threshold_hook(estimator, metric_name, threshold, False, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_no_increase_hook(estimator, metric_name, max_steps_without_increase,
                             eval_dir=None, min_steps=0, run_every_secs=60,
                             run_every_steps=None):
    """Stops training when metric_name has not increased for max_steps_without_increase
    global steps of evaluations (TF1).

        hook = stop_if_no_increase_hook(est, "auc", 500, run_every_steps=50)
    """
    return _no_improvement_hook(estimator, metric_name, max_steps_without_increase, True,
                                eval_dir, min_steps, run_every_secs, run_every_steps)


def stop_if_no_decrease_hook(estimator, metric_name, max_steps_without_decrease,
                             eval_dir=None, min_steps=0, run_every_secs=60,
                             run_every_steps=None):
    """Stops training when metric_name has not decreased for max_steps_without_decrease
    global steps of evaluations (TF1).

        hook = stop_if_no_decrease_hook(est, "loss", 500, run_every_steps=50)
    """
    return _no_improvement_hook(estimator, metric_name, max_steps_without_decrease, False,
                                eval_dir, min_steps, run_every_secs, run_every_steps)


def read_eval_metrics(eval_dir):
    """{step: {tag: simple_value}} of the event files in eval_dir, sorted by step (TF1).

        read_eval_metrics(est.eval_dir())    # OrderedDict([(100, {'loss': ...}), ...])
    """
    by_step = collections.defaultdict(dict)
    for event in _summaries(eval_dir):
        if not event.HasField("summary"):
            continue
        metrics = {v.tag: v.simple_value for v in event.summary.value
                   if v.HasField("simple_value")}
        if metrics:
            by_step[event.step].update(metrics)
    return collections.OrderedDict(sorted(by_step.items(), key=lambda t: t[0]))


def _summaries(eval_dir):
    if not os.path.exists(eval_dir):
        return
    for path in glob.glob(os.path.join(eval_dir, _EVENT_FILE_GLOB_PATTERN)):
        try:
            yield from summary_iterator(path)
        except DataLossError as e:
            _log().warning("Skipping rest of the file due to encountering data corruption "
                           "error; file path: %s; original error raised by "
                           "`tf.train.summary_iterator`: %s", path, e)


def _get_or_create_stop_var():
    with variable_scope("signal_early_stopping", values=[], reuse=AUTO_REUSE):
        return get_variable("STOP", shape=[], dtype=dtypes.bool,
                            initializer=constant_initializer(False),
                            collections=[GraphKeys.GLOBAL_VARIABLES], trainable=False)


class _StopOnPredicateHook(SessionRunHook):
    """Sets the stop variable and requests a stop when should_stop_fn() is true."""

    def __init__(self, should_stop_fn, run_every_secs=60, run_every_steps=None):
        if not callable(should_stop_fn):
            raise TypeError("`should_stop_fn` must be callable.")
        self._should_stop_fn = should_stop_fn
        self._timer = SecondOrStepTimer(every_secs=run_every_secs,
                                        every_steps=run_every_steps)
        self._global_step_tensor = self._stop_var = self._stop_op = None

    def begin(self):
        self._global_step_tensor = get_global_step()
        self._stop_var = _get_or_create_stop_var()
        self._stop_op = assign(self._stop_var, True)

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        global_step = run_values.results
        if self._timer.should_trigger_for_step(global_step):
            self._timer.update_last_triggered_step(global_step)
            if self._should_stop_fn():
                _log().info("Requesting early stopping at global step %d", global_step)
                run_context.session.run(self._stop_op)
                run_context.request_stop()


class _CheckForStoppingHook(SessionRunHook):
    """Requests a stop once the stop variable is set (a non-chief's hook)."""

    def begin(self):
        self._stop_var = _get_or_create_stop_var()

    def before_run(self, run_context):
        return SessionRunArgs(self._stop_var)

    def after_run(self, run_context, run_values):
        if run_values.results:
            _log().info("Early stopping requested, suspending run.")
            run_context.request_stop()
