"""The pieces of Estimator (estimator.py) that are not its methods: reading an
input_fn's result, the evaluation loop and its summaries, warm-start settings and the
checks of hooks and listeners, all as TF1's tf.estimator does them."""
import collections
import inspect
import os
import time

import numpy as np

from .. import dtypes, nest
from ..data.dataset import Dataset
from ..graph import Tensor, control_dependencies
from ..io.events import Summary
from ..io.summary_protos import TensorProto
from ..ops.core import group, identity
from ..ops.graphkeys import GraphKeys, add_to_collection, get_collection
from ..ops.parsing_misc import tensor_proto
from ..ops.creation import zeros
from ..ops.state import Variable, assign_add
from ..saved_model import loader as saved_model_loader, meta_graph
from ..summary import FileWriterCache
from ..tf_logging import get_logger
from ..train.checkpoint import latest_checkpoint
from ..train.checkpoint_reader import NewCheckpointReader
from ..train.hooks import CheckpointSaverListener, FinalOpsHook
from ..train.monitored import ChiefSessionCreator, MonitoredSession
from ..train.session_run_hook import SessionRunArgs, SessionRunHook

__all__ = ["WarmStartSettings"]

_log = get_logger
VALID_MODEL_FN_ARGS = {"features", "labels", "mode", "params", "self", "config"}


class WarmStartSettings(collections.namedtuple("WarmStartSettings", [
        "ckpt_to_initialize_from", "vars_to_warm_start", "var_name_to_vocab_info",
        "var_name_to_prev_var_name"])):
    """Which checkpoint (or SavedModel dir) to initialize a new model's variables from
    (TF1); used by Estimator(warm_start_from=...) when model_dir has no checkpoint.

        gc.estimator.WarmStartSettings("old_model_dir", vars_to_warm_start="dense.*")
    """

    def __new__(cls, ckpt_to_initialize_from, vars_to_warm_start=".*",
                var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
        if not ckpt_to_initialize_from:
            raise ValueError("`ckpt_to_initialize_from` MUST be set in WarmStartSettings")
        return super().__new__(cls, ckpt_to_initialize_from, vars_to_warm_start,
                               var_name_to_vocab_info or {},
                               var_name_to_prev_var_name or {})


def warm_start_settings(warm_start_from):
    """WarmStartSettings from Estimator's warm_start_from (a path or settings)."""
    if warm_start_from is None:
        return None
    if isinstance(warm_start_from, (str, bytes, os.PathLike)):
        path = os.fsdecode(warm_start_from)
        if saved_model_loader.contains_saved_model(path):
            return WarmStartSettings(meta_graph.variables_prefix(path))
        return WarmStartSettings(path)
    if isinstance(warm_start_from, WarmStartSettings):
        path = os.fsdecode(warm_start_from.ckpt_to_initialize_from)
        if saved_model_loader.contains_saved_model(path):
            return warm_start_from._replace(
                ckpt_to_initialize_from=meta_graph.variables_prefix(path))
        return warm_start_from
    raise ValueError("warm_start_from must be a string or a WarmStartSettings, instead "
                     f"got {type(warm_start_from)}")


def fn_args(fn):
    """The argument names of a function, a functools.partial or a callable object."""
    params = inspect.signature(fn).parameters
    return tuple(name for name, p in params.items()
                 if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))


def verify_model_fn_args(model_fn, params):
    """TF1's checks of a model_fn's argument names."""
    args = set(fn_args(model_fn))
    if "features" not in args:
        raise ValueError(f"model_fn ({model_fn}) must include features argument.")
    if params is not None and "params" not in args:
        raise ValueError(f"model_fn ({model_fn}) does not include params argument, but "
                         f"params ({params}) is passed to Estimator.")
    if params is None and "params" in args:
        _log().warning("Estimator's model_fn (%s) includes params argument, but params "
                       "are not passed to Estimator.", model_fn)
    bad = sorted(args - VALID_MODEL_FN_ARGS)
    if bad:
        raise ValueError(f"model_fn ({model_fn}) has following not expected args: {bad}")


def check_hooks_type(hooks):
    hooks = list(hooks or [])
    for h in hooks:
        if not isinstance(h, SessionRunHook):
            raise TypeError(f"Hooks must be a SessionRunHook, given: {h}")
    return hooks


def check_listeners_type(saving_listeners):
    listeners = list(saving_listeners or [])
    for listener in listeners:
        if not isinstance(listener, CheckpointSaverListener):
            raise TypeError("saving_listeners must be a list of CheckpointSaverListener, "
                            f"given: {listener}")
    return listeners


class DatasetInitializerHook(SessionRunHook):
    """Runs an initializable iterator's initializer when the session is made."""

    def __init__(self, iterator):
        self._iterator = iterator

    def begin(self):
        self._initializer = self._iterator.initializer

    def after_create_session(self, session, coord):
        session.run(self._initializer)


def parse_input_fn_result(result):
    """(features, labels, input hooks) from what an input_fn returned: a Dataset (read
    by an initializable iterator) or tensors, a 2-tuple meaning (features, labels)."""
    hooks = []
    if isinstance(result, Dataset):
        iterator = result.make_initializable_iterator()
        hooks.append(DatasetInitializerHook(iterator))
        result = iterator.get_next()
    if isinstance(result, (list, tuple)):
        if len(result) != 2:
            raise ValueError("input_fn should return (features, labels) as a len 2 tuple.")
        return result[0], result[1], hooks
    return result, None, hooks


def has_dataset_or_queue_runner(features):
    """Whether the features come from an iterator or the graph has queue runners."""
    leaves = [t for t in nest.flatten(features) if isinstance(t, Tensor)]
    if any(t.op.type == "IteratorGetNext" for t in leaves):
        return True
    return bool(get_collection(GraphKeys.QUEUE_RUNNERS))


def load_global_step(checkpoint_dir):
    """The global step of checkpoint_dir's latest checkpoint, 0 if there is none."""
    try:
        reader = NewCheckpointReader(latest_checkpoint(checkpoint_dir))
        return int(reader.get_tensor(GraphKeys.GLOBAL_STEP))
    except Exception:       # noqa: BLE001  (TF1: no checkpoint or no step -> 0)
        return 0


# ---- evaluation ------------------------------------------------------------------------
def get_or_create_eval_step():
    """The local int64 'eval_step' counter of the EVAL_STEP collection (TF1)."""
    found = get_collection(GraphKeys.EVAL_STEP)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise ValueError("Multiple tensors added to tf.GraphKeys.EVAL_STEP")
    return Variable(lambda: zeros([], dtypes.int64), trainable=False, name="eval_step",
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.EVAL_STEP])


class StopAfterNEvalsHook(SessionRunHook):
    """Stops an evaluation after num_evals runs of its update op (TF1's
    _StopAfterNEvalsHook), reading the eval step the run left."""

    def __init__(self, num_evals, log_progress=True):
        self._num_evals, self._log_progress = num_evals, log_progress
        self._evals_completed = None
        self._log_frequency = 1 if num_evals is None or num_evals > 20 \
            else max(1, num_evals // 10)

    def _set_evals_completed_tensor(self, updated_eval_step):
        self._evals_completed = updated_eval_step

    def before_run(self, run_context):
        return SessionRunArgs({"evals_completed": self._evals_completed})

    def after_run(self, run_context, run_values):
        done = run_values.results["evals_completed"]
        if self._log_progress and (done % self._log_frequency == 0 or
                                   done == self._num_evals):
            _log().info("Evaluation [%d/%s]", done, self._num_evals)
        if self._num_evals is not None and done >= self._num_evals:
            run_context.request_stop()


def extract_metric_update_ops(eval_dict):
    """(one op grouping every update op, {name: value}) in sorted name order."""
    update_ops, values = [], {}
    for name, (value, update_op) in sorted(eval_dict.items()):
        values[name] = value
        update_ops.append(update_op)
    return (group(*update_ops) if update_ops else None), values


def evaluate_once(checkpoint_path, scaffold, eval_ops, final_ops, hooks, config):
    """Run eval_ops until a hook stops or the input ends, in a session restored from
    checkpoint_path (else initialized); the values of final_ops at the end (TF1's
    evaluation._evaluate_once)."""
    eval_step = get_or_create_eval_step()
    hooks = list(hooks or [])
    if eval_ops is not None:
        update_eval_step = assign_add(eval_step, 1)
        eval_ops = [eval_ops, update_eval_step]
        with control_dependencies(eval_ops):
            eval_step_value = identity(eval_step.read_value())
        for h in hooks:
            if isinstance(h, StopAfterNEvalsHook):
                h._set_evals_completed_tensor(eval_step_value)
    _log().info("Starting evaluation at %s", time.strftime("%Y-%m-%dT%H:%M:%S"))
    start = time.time()
    creator = ChiefSessionCreator(scaffold=scaffold, config=config,
                                  checkpoint_filename_with_path=checkpoint_path)
    final_ops_hook = FinalOpsHook(final_ops)
    hooks.append(final_ops_hook)
    with MonitoredSession(session_creator=creator, hooks=hooks) as session:
        if eval_ops is not None:
            while not session.should_stop():
                session.run(eval_ops)
    _log().info("Inference Time : %0.5fs", time.time() - start)
    _log().info("Finished evaluation at %s", time.strftime("%Y-%m-%d-%H:%M:%S"))
    return final_ops_hook.final_ops_values


def dict_to_str(dictionary):
    return ", ".join(f"{k} = {v}" for k, v in sorted(dictionary.items())
                     if not isinstance(v, bytes))


def write_dict_to_summary(output_dir, dictionary, current_global_step):
    """The eval results as summaries at current_global_step in output_dir (TF1):
    floats and ints as simple values, arrays as tensors, bytes as Summary protos."""
    _log().info("Saving dict for global step %d: %s", current_global_step,
                dict_to_str(dictionary))
    writer = FileWriterCache.get(output_dir)
    summary = Summary()
    for key, value in dictionary.items():
        if value is None or key == "global_step":
            continue
        if isinstance(value, (np.float32, float)):
            summary.value.append(Summary.Value(key, simple_value=float(value)))
        elif isinstance(value, (np.int64, np.int32, int)):
            summary.value.append(Summary.Value(key, simple_value=int(value)))
        elif isinstance(value, bytes):
            try:
                inner = Summary.FromString(value)
            except Exception:       # noqa: BLE001  (TF1: a DecodeError skips it)
                _log().warning("Skipping summary for %s, cannot parse string to Summary.",
                               key)
                continue
            for i, v in enumerate(inner.value):
                v.tag = f"{key}/{i}"
            summary.value.extend(inner.value)
        elif isinstance(value, np.ndarray):
            dtype = dtypes.as_dtype(value.dtype)
            proto = TensorProto.FromString(tensor_proto(value, dtype))
            summary.value.append(Summary.Value(key, tensor=proto))
        else:
            _log().warning("Skipping summary for %s, must be a float, np.float32, np.int64, "
                           "np.int32 or int or np.ndarray or a serialized string of "
                           "Summary.", key)
    writer.add_summary(summary, current_global_step)
    writer.flush()


def write_checkpoint_path_to_summary(output_dir, checkpoint_path, current_global_step):
    """The checkpoint evaluated, as the string tensor summary 'checkpoint_path'."""
    _log().info("Saving 'checkpoint_path' summary for global step %d: %s",
                current_global_step, checkpoint_path)
    proto = TensorProto.FromString(tensor_proto(
        np.array(os.fsencode(checkpoint_path), dtype=object), dtypes.string))
    writer = FileWriterCache.get(output_dir)
    writer.add_summary(Summary([Summary.Value("checkpoint_path", tensor=proto)]),
                       current_global_step)
    writer.flush()


def add_loss_summary_and_saver(spec, config, scalar, saver_cls):
    """TF1's training additions: a 'loss' scalar summary unless one exists, the loss in
    LOSSES, and a Saver (keep_checkpoint_max) unless the scaffold or SAVERS has one."""
    if not any(s.op.name == "loss" for s in get_collection(GraphKeys.SUMMARIES)):
        scalar("loss", spec.loss)
    add_to_collection(GraphKeys.LOSSES, spec.loss)
    if not (spec.scaffold.saver or get_collection(GraphKeys.SAVERS)):
        add_to_collection(GraphKeys.SAVERS, saver_cls(
            sharded=True, max_to_keep=config.keep_checkpoint_max,
            keep_checkpoint_every_n_hours=config.keep_checkpoint_every_n_hours,
            defer_build=True, save_relative_paths=True))
