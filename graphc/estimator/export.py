"""tf.estimator.export (TF1): the serving input receivers that Estimator.export_saved_model
calls, and the ExportOutputs (export_output.py) a PREDICT EstimatorSpec names.

    fn = gc.estimator.export.build_parsing_serving_input_receiver_fn(
        {"x": gc.FixedLenFeature([3], gc.float32)})
    est.export_saved_model("export", fn)        # export/<timestamp>/saved_model.pb
"""
import collections

from .. import dtypes
from ..graph import Tensor
from ..ops.core import placeholder
from ..ops.parsing_example import parse_example
from ..ragged_tensor import RaggedTensor
from ..shapes import TensorShape
from ..sparse import SparseTensor
from .export_output import (ClassificationOutput, ExportOutput,  # noqa: F401
                            PredictOutput, RegressionOutput)

__all__ = ["ServingInputReceiver", "build_parsing_serving_input_receiver_fn",
           "build_raw_serving_input_receiver_fn", "ExportOutput", "ClassificationOutput",
           "RegressionOutput", "PredictOutput"]

_SINGLE_NAMES = {"feature": "feature", "receiver_tensor": "input",
                 "receiver_tensors_alternative": "input"}


def _wrap_and_check(tensors, field, allow_int_keys=False):
    """tensors as a dict {name: Tensor/SparseTensor/RaggedTensor} (TF1's checks)."""
    if tensors is None:
        raise ValueError(f"{field}s must be defined.")
    if not isinstance(tensors, dict):
        tensors = {_SINGLE_NAMES[field]: tensors}
    for name, t in tensors.items():
        if not isinstance(name, str):
            if not allow_int_keys:
                raise ValueError(f"{field} keys must be strings: {name}.")
            if not isinstance(name, int):
                raise ValueError(f"{field} keys must be strings or ints: {name}.")
        if not isinstance(t, (Tensor, SparseTensor, RaggedTensor)):
            shown = f" {name}" if name else ""
            raise ValueError(f"{field}{shown} must be a Tensor, SparseTensor, or "
                             "RaggedTensor.")
    return tensors


class ServingInputReceiver(collections.namedtuple(
        "ServingInputReceiver",
        ["features", "receiver_tensors", "receiver_tensors_alternatives"])):
    """What a serving_input_receiver_fn returns (TF1): the features the model_fn
    gets, and the receiver tensors (placeholders) a served request feeds. A single
    tensor becomes {'feature': t} / {'input': t}.

        x = gc.placeholder(gc.float32, [None, 3])
        gc.estimator.export.ServingInputReceiver({"x": x}, {"x": x})
    """

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        features = _wrap_and_check(features, "feature", allow_int_keys=True)
        receiver_tensors = _wrap_and_check(receiver_tensors, "receiver_tensor")
        if receiver_tensors_alternatives is not None:
            if not isinstance(receiver_tensors_alternatives, dict):
                raise ValueError("receiver_tensors_alternatives must be a dict: "
                                 f"{receiver_tensors_alternatives}.")
            for name, alt in list(receiver_tensors_alternatives.items()):
                receiver_tensors_alternatives[name] = _wrap_and_check(
                    alt, "receiver_tensors_alternative")
        return super().__new__(cls, features, receiver_tensors,
                               receiver_tensors_alternatives)


def build_parsing_serving_input_receiver_fn(feature_spec, default_batch_size=None):
    """A serving_input_receiver_fn that reads serialized tf.Examples from the string
    placeholder 'input_example_tensor' (receiver key 'examples') and parses them with
    feature_spec (TF1).

        fn = build_parsing_serving_input_receiver_fn({"x": gc.FixedLenFeature([3],
                                                                              gc.float32)})
    """
    def serving_input_receiver_fn():
        serialized = placeholder(dtypes.string, shape=[default_batch_size],
                                 name="input_example_tensor")
        features = parse_example(serialized, feature_spec)
        return ServingInputReceiver(features, {"examples": serialized})
    return serving_input_receiver_fn


def build_raw_serving_input_receiver_fn(features, default_batch_size=None):
    """A serving_input_receiver_fn whose receivers are placeholders shaped like
    `features` (a dict of tensors) with batch dim default_batch_size, named after the
    tensors' ops (TF1).

        fn = build_raw_serving_input_receiver_fn({"x": gc.constant([[1., 2., 3.]])})
    """
    def serving_input_receiver_fn():
        receivers = {}
        for name, t in features.items():
            shape = TensorShape([default_batch_size]).concatenate(t.shape[1:])
            receivers[name] = placeholder(t.dtype, shape=shape, name=t.op.name)
        return ServingInputReceiver(receivers, dict(receivers))
    return serving_input_receiver_fn
