"""Estimator.export_saved_model (TF1): the PREDICT graph of a model_fn fed by a
serving_input_receiver_fn, with a checkpoint's variables, written as a SavedModel in
graphc's format (graphc/saved_model) under export_dir_base/<timestamp>."""
import os
import shutil
import time

from ..graph import Graph
from ..ops.graphkeys import GraphKeys, get_collection
from ..ops.random import set_random_seed
from ..saved_model import tag_constants
from ..saved_model.builder import SavedModelBuilder
from ..saved_model.signature_def_utils import is_valid_signature
from ..session import Session
from ..tf_logging import get_logger
from ..train.saver import Saver
from ..train.session_manager import Scaffold
from ..train.step import create_global_step
from .model_fn import ModeKeys

_log = get_logger
_EXPORT_TAGS = {ModeKeys.PREDICT: [tag_constants.SERVING],
                ModeKeys.TRAIN: [tag_constants.TRAINING], ModeKeys.EVAL: ["eval"]}


def timestamped_export_dir(export_dir_base):
    """export_dir_base/<seconds since the epoch>, not yet existing (TF1: 10 tries)."""
    for attempt in range(1, 11):
        result = os.path.join(os.fsdecode(export_dir_base), str(int(time.time())))
        if not os.path.exists(result):
            return result
        time.sleep(1)
        _log().warning("Directory %s already exists; retrying (attempt %d/10)", result,
                       attempt)
    raise RuntimeError("Failed to obtain a unique export directory name after 10 "
                       "attempts.")


def build_all_signature_defs(receiver_tensors, export_outputs,
                             receiver_tensors_alternatives=None):
    """{name: SignatureDef} of every export output that fits the receivers; the
    others are left out with a log line (TF1)."""
    if not isinstance(receiver_tensors, dict):
        receiver_tensors = {"input": receiver_tensors}
    if export_outputs is None or not isinstance(export_outputs, dict):
        raise ValueError(f"`export_outputs` must be a dict. Received {export_outputs} with "
                         f"type {type(export_outputs).__name__}.")
    receivers = [("", receiver_tensors)]
    for name, alt in (receiver_tensors_alternatives or {}).items():
        receivers.append((f"{name or 'None'}:", alt if isinstance(alt, dict)
                          else {"input": alt}))
    signatures, excluded = {}, {}
    for prefix, tensors in receivers:
        for key, output in export_outputs.items():
            name = f"{prefix}{key or 'None'}"
            try:
                signatures[name] = output.as_signature_def(tensors)
            except ValueError as e:
                excluded[name] = str(e)
    signatures = {k: v for k, v in signatures.items() if is_valid_signature(v)}
    for name, why in excluded.items():
        _log().warning("Signature %s is not exported: %s", name, why)
    if not signatures:
        _log().warning("Export includes no signatures!")
    elif "serving_default" not in signatures:
        _log().warning("Export includes no default signature!")
    return signatures


def export_saved_model(estimator, export_dir_base, serving_input_receiver_fn,
                       assets_extra=None, as_text=False, checkpoint_path=None,
                       mode=ModeKeys.PREDICT):
    """See Estimator.export_saved_model."""
    if serving_input_receiver_fn is None:
        raise ValueError("An input_receiver_fn must be defined.")
    if mode != ModeKeys.PREDICT:
        raise NotImplementedError("graphc's export_saved_model exports the PREDICT graph "
                                  f"only, not experimental_mode={mode!r}")
    if not checkpoint_path:
        checkpoint_path = estimator.latest_checkpoint()
    if not checkpoint_path:
        raise ValueError(f"Couldn't find trained model at {estimator.model_dir}.")
    export_dir = timestamped_export_dir(export_dir_base)
    temp_dir = os.path.join(os.path.dirname(export_dir),
                            "temp-" + os.path.basename(export_dir))
    builder = SavedModelBuilder(temp_dir)
    with Graph().as_default() as g:
        create_global_step(g)
        set_random_seed(estimator.config.tf_random_seed)
        receiver = serving_input_receiver_fn()
        spec = estimator._call_model_fn(receiver.features, getattr(receiver, "labels", None),
                                        mode, estimator.config)
        signatures = build_all_signature_defs(
            receiver.receiver_tensors, spec.export_outputs,
            getattr(receiver, "receiver_tensors_alternatives", None))
        local_init_op = spec.scaffold.local_init_op
        if local_init_op is None:
            local_init_op = Scaffold.default_local_init_op()
        saver = spec.scaffold.saver or Saver(sharded=True)
        with Session(config=estimator._session_config) as sess:
            saver.restore(sess, checkpoint_path)
            builder.add_meta_graph_and_variables(
                sess, _EXPORT_TAGS[mode], signature_def_map=signatures,
                assets_collection=get_collection(GraphKeys.ASSET_FILEPATHS),
                main_op=local_init_op, saver=saver)
    builder.save(as_text)
    if assets_extra:
        extra_dir = os.path.join(temp_dir, "assets.extra")
        for dest, source in assets_extra.items():
            dest_path = os.path.join(extra_dir, dest)
            os.makedirs(os.path.dirname(dest_path), exist_ok=True)
            shutil.copyfile(source, dest_path)
    os.rename(temp_dir, export_dir)
    _log().info("SavedModel written to: %s", export_dir)
    return os.fsencode(export_dir)
