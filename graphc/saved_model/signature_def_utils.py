"""TF1 tf.saved_model.signature_def_utils: SignatureDefs, the named inputs and outputs
a served model is called with, and the method (predict, classify, regress) it serves.

    sig = gc.saved_model.signature_def_utils.predict_signature_def(
        inputs={"x": x}, outputs={"y": y})
    sig.inputs["x"].name                    # "x:0"
    sig.method_name                         # "tensorflow/serving/predict"
"""
from . import signature_constants as sc
from .utils import DT_ENUM, TensorInfo, _Record, build_tensor_info

__all__ = ["SignatureDef", "build_signature_def", "predict_signature_def",
           "classification_signature_def", "regression_signature_def",
           "is_valid_signature"]

# TF1 takes float32 only where it says "float"
_STRING, _FLOATS = DT_ENUM["string"], (DT_ENUM["float32"],)


class SignatureDef(_Record):
    """TF1's SignatureDef proto: inputs and outputs ({key: TensorInfo}) and
    method_name."""
    __slots__ = ("inputs", "outputs", "method_name")

    def __init__(self, inputs=None, outputs=None, method_name=""):
        self.inputs, self.outputs = dict(inputs or {}), dict(outputs or {})
        self.method_name = method_name

    def to_json(self):
        return {"inputs": {k: v.to_json() for k, v in sorted(self.inputs.items())},
                "outputs": {k: v.to_json() for k, v in sorted(self.outputs.items())},
                "method_name": self.method_name}

    @classmethod
    def from_json(cls, d):
        return cls({k: TensorInfo.from_json(v) for k, v in d["inputs"].items()},
                   {k: TensorInfo.from_json(v) for k, v in d["outputs"].items()},
                   d["method_name"])

    def __str__(self):
        def part(kind, infos):
            return [f'{kind} {{ key: "{k}" value {{ ' + " ".join(str(v).splitlines()) +
                    " } }" for k, v in sorted(infos.items())]
        lines = part("inputs", self.inputs) + part("outputs", self.outputs)
        return "\n".join(lines + [f'method_name: "{self.method_name}"'])


def build_signature_def(inputs=None, outputs=None, method_name=None, defaults=None):
    """A SignatureDef from {key: TensorInfo} maps (TF1).

        info = gc.saved_model.utils.build_tensor_info
        sig = gc.saved_model.signature_def_utils.build_signature_def(
            {"x": info(x)}, {"y": info(y)}, "tensorflow/serving/predict")

    `defaults` (TF2's default values of inputs) is not supported.
    """
    if defaults:
        raise NotImplementedError("build_signature_def: defaults (default input values) "
                                  "are not supported by graphc")
    for kind, infos in (("inputs", inputs), ("outputs", outputs)):
        for key, info in (infos or {}).items():
            if not isinstance(info, TensorInfo):
                raise TypeError(f"build_signature_def: {kind}[{key!r}] must be a "
                                f"TensorInfo (from build_tensor_info), got "
                                f"{type(info).__name__} {info!r}")
    return SignatureDef(inputs, outputs, method_name or "")


def predict_signature_def(inputs, outputs):
    """The predict SignatureDef of {key: tensor} inputs and outputs (TF1).

        sig = predict_signature_def({"x": x}, {"y": y})
    """
    if not inputs:
        raise ValueError("Prediction `inputs` cannot be None or empty.")
    if not outputs:
        raise ValueError("Prediction `outputs` cannot be None or empty.")
    return build_signature_def({k: build_tensor_info(t) for k, t in inputs.items()},
                               {k: build_tensor_info(t) for k, t in outputs.items()},
                               sc.PREDICT_METHOD_NAME)


def classification_signature_def(examples, classes, scores):
    """The classify SignatureDef (TF1): `examples` a string tensor (serialized
    tf.Examples), `classes` a string tensor, `scores` a float tensor; one of classes and
    scores may be None.

        sig = classification_signature_def(serialized, None, probabilities)
    """
    if examples is None:
        raise ValueError("Classification `examples` cannot be None.")
    if _dtype(examples) != _STRING:
        raise ValueError("Classification input tensors must be of type string. Found "
                         f"tensors of type {_dtype(examples)}")
    if classes is None and scores is None:
        raise ValueError("Classification `classes` and `scores` cannot both be None.")
    outputs = {}
    if classes is not None:
        if _dtype(classes) != _STRING:
            raise ValueError("Classification classes must be of type string Tensor. "
                             f"Found tensors of type {_dtype(classes)}.`")
        outputs[sc.CLASSIFY_OUTPUT_CLASSES] = build_tensor_info(classes)
    if scores is not None:
        if _dtype(scores) not in _FLOATS:
            raise ValueError("Classification scores must be a float Tensor.")
        outputs[sc.CLASSIFY_OUTPUT_SCORES] = build_tensor_info(scores)
    return build_signature_def({sc.CLASSIFY_INPUTS: build_tensor_info(examples)}, outputs,
                               sc.CLASSIFY_METHOD_NAME)


def regression_signature_def(examples, predictions):
    """The regress SignatureDef (TF1): `examples` a string tensor (serialized
    tf.Examples), `predictions` a float32 tensor.

        sig = regression_signature_def(serialized, y)
    """
    if examples is None:
        raise ValueError("Regression `examples` cannot be None.")
    if _dtype(examples) != _STRING:
        raise ValueError("Regression input tensors must be of type string. Found tensors "
                         f"with type {_dtype(examples)}.")
    if predictions is None:
        raise ValueError("Regression `predictions` cannot be None.")
    if _dtype(predictions) not in _FLOATS:
        raise ValueError("Regression output tensors must be of type float. Found tensors "
                         f"with type {_dtype(predictions)}.")
    return build_signature_def({sc.REGRESS_INPUTS: build_tensor_info(examples)},
                               {sc.REGRESS_OUTPUTS: build_tensor_info(predictions)},
                               sc.REGRESS_METHOD_NAME)


def _dtype(t):
    """TF1's DataType number of tensor t (what TF1's messages print)."""
    return build_tensor_info(t).dtype


def is_valid_signature(signature_def):
    """Whether a SignatureDef is a valid predict, classify or regress signature (TF1):
    its method name is one of the three and its keys and dtypes fit that method.

        is_valid_signature(predict_signature_def({"x": x}, {"y": y}))     # True
    """
    if not isinstance(signature_def, SignatureDef):
        return False
    ins, outs, method = signature_def.inputs, signature_def.outputs, \
        signature_def.method_name
    if method == sc.PREDICT_METHOD_NAME:
        return bool(ins) and bool(outs)
    if method == sc.CLASSIFY_METHOD_NAME:
        if set(ins) != {sc.CLASSIFY_INPUTS} or ins[sc.CLASSIFY_INPUTS].dtype != _STRING:
            return False
        allowed = {sc.CLASSIFY_OUTPUT_CLASSES: (_STRING,), sc.CLASSIFY_OUTPUT_SCORES: _FLOATS}
        return bool(outs) and all(k in allowed and v.dtype in allowed[k]
                                  for k, v in outs.items())
    if method == sc.REGRESS_METHOD_NAME:
        return (set(ins) == {sc.REGRESS_INPUTS} and set(outs) == {sc.REGRESS_OUTPUTS}
                and ins[sc.REGRESS_INPUTS].dtype == _STRING
                and outs[sc.REGRESS_OUTPUTS].dtype in _FLOATS)
    return False
