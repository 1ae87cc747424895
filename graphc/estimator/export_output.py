"""tf.estimator.export's ExportOutputs (TF1): what a PREDICT EstimatorSpec exports as
SavedModel signatures (graphc/saved_model's own format).

    export_outputs={"serving_default": gc.estimator.export.PredictOutput({"y": y})}
"""
from .. import dtypes
from ..graph import Tensor
from ..saved_model import signature_constants as sc
from ..saved_model.signature_def_utils import (classification_signature_def,
                                               predict_signature_def,
                                               regression_signature_def)

__all__ = ["ExportOutput", "ClassificationOutput", "RegressionOutput", "PredictOutput"]


class ExportOutput:
    """Base of the export outputs: as_signature_def(receiver_tensors) makes the
    SignatureDef."""

    def as_signature_def(self, receiver_tensors):
        raise NotImplementedError

    def _wrap_and_check_outputs(self, outputs, single_name, error_label):
        if not isinstance(outputs, dict):
            outputs = {single_name: outputs}
        for key, value in outputs.items():
            if not isinstance(key, str):
                raise ValueError(f"{error_label} output key must be a string; got {key}.")
            if not isinstance(value, Tensor):
                raise ValueError(f"{error_label} output value must be a Tensor; got "
                                 f"{value}.")
        return outputs


def _single_string_input(kind, receiver_tensors):
    """The one string tensor a classification or regression signature reads."""
    examples = next(iter(receiver_tensors.values())) if len(receiver_tensors) == 1 \
        else None
    if examples is None or examples.dtype != dtypes.string:
        raise ValueError(
            f"{kind} signatures can only accept a single tensor input of type tf.string. "
            "Please check to make sure that you have structured the "
            "serving_input_receiver_fn so that it creates a single string placeholder. "
            "If your model function expects multiple inputs, then use "
            "`tf.io.parse_example()` to parse the string into multiple tensors.\n "
            f"Received: {receiver_tensors}")
    return examples


class ClassificationOutput(ExportOutput):
    """Scores (float) and/or classes (string) of a classifier (TF1); its signature
    reads one serialized-Example string tensor.

        ClassificationOutput(scores=probabilities, classes=class_names)
    """

    def __init__(self, scores=None, classes=None):
        if scores is not None and not (isinstance(scores, Tensor) and
                                       scores.dtype.is_floating):
            raise ValueError(f"Classification scores must be a float32 Tensor; got {scores}")
        if classes is not None and not (isinstance(classes, Tensor) and
                                        classes.dtype == dtypes.string):
            raise ValueError("Classification classes must be a string Tensor; got "
                             f"{classes}")
        if scores is None and classes is None:
            raise ValueError("Cannot create a ClassificationOutput with empty arguments. "
                             "At least one of `scores` and `classes` must be defined.")
        self.scores, self.classes = scores, classes

    def as_signature_def(self, receiver_tensors):
        examples = _single_string_input("Classification", receiver_tensors)
        return classification_signature_def(examples, self.classes, self.scores)


class RegressionOutput(ExportOutput):
    """The float predictions of a regressor (TF1)."""

    def __init__(self, value):
        if not (isinstance(value, Tensor) and value.dtype.is_floating):
            raise ValueError(f"Regression output value must be a float32 Tensor; got {value}")
        self.value = value

    def as_signature_def(self, receiver_tensors):
        examples = _single_string_input("Regression", receiver_tensors)
        return regression_signature_def(examples, self.value)


class PredictOutput(ExportOutput):
    """Any named outputs (a tensor becomes {'output': tensor}) (TF1)."""

    def __init__(self, outputs):
        self.outputs = self._wrap_and_check_outputs(outputs, "output", "Prediction")

    def as_signature_def(self, receiver_tensors):
        return predict_signature_def(receiver_tensors, self.outputs)


def default_export_outputs(export_outputs, predictions):
    """export_outputs checked, with a PredictOutput of predictions as the default
    signature when none is given (TF1's get_export_outputs)."""
    if export_outputs is None:
        export_outputs = {sc.DEFAULT_SERVING_SIGNATURE_DEF_KEY: PredictOutput(predictions)}
    if not isinstance(export_outputs, dict):
        raise TypeError(f"`export_outputs` must be dict, received: {export_outputs}.")
    for v in export_outputs.values():
        if not isinstance(v, ExportOutput):
            raise TypeError("Values in `export_outputs` must be ExportOutput objects, "
                            f"received: {export_outputs}.")
    if len(export_outputs) == 1:
        (key, value), = export_outputs.items()
        if key != sc.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
            export_outputs[sc.DEFAULT_SERVING_SIGNATURE_DEF_KEY] = value
    if len(export_outputs) > 1 and sc.DEFAULT_SERVING_SIGNATURE_DEF_KEY not in export_outputs:
        raise ValueError("Multiple `export_outputs` were provided, but none of them are "
                         "specified as the default.  Use"
                         "`tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY` to "
                         "specify a default.")
    return export_outputs
