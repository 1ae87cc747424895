"""The layers tf_keras makes by itself, in graph mode, when a model function applies a
plain TF op to a Keras tensor (`x + 3.0` in MobileNetV3's hard sigmoid, the
tf.math.multiply of EfficientNet's ImageNet rescaling): a weightless TensorFlowOpLayer
named "tf_op_layer_<op name>" ("tf_op_layer_add", "tf_op_layer_add_1", ...). graphc
does not wrap ops on Keras tensors automatically, so the applications build these
layers explicitly, with the same class name, layer names and place in the model."""
import numpy as np

import graphc as gc
from .. import backend
from ..engine import Layer

__all__ = ["TensorFlowOpLayer", "op_layer"]

_OPS = {"add": gc.add, "mul": gc.multiply, "Mul": gc.multiply}


class TensorFlowOpLayer(Layer):
    """inputs <op> constant as a layer without weights: op "add" (x + constant), "mul"
    or "Mul" (x * constant); constant broadcasts against the inputs.

        y = TensorFlowOpLayer("add", 3.0, name="tf_op_layer_add")(x)
    """

    def __init__(self, op, constant, **kwargs):
        if op not in _OPS:
            raise ValueError(f"TensorFlowOpLayer: op must be one of {sorted(_OPS)}; "
                             f"Received: op={op!r}")
        super().__init__(**kwargs)
        self.op, self.constant = op, constant

    def call(self, inputs):
        constant = gc.constant(np.asarray(self.constant), inputs.dtype)
        return _OPS[self.op](inputs, constant)

    def _config(self):
        constant = self.constant
        if isinstance(constant, np.ndarray):
            constant = constant.tolist()
        return {"op": self.op, "constant": constant}


def op_layer(x, op, constant):
    """x <op> constant through a TensorFlowOpLayer named as tf_keras names it in graph
    mode: "tf_op_layer_<op>", then "tf_op_layer_<op>_1", ... per graph."""
    name = backend.unique_name(f"tf_op_layer_{op}")
    return TensorFlowOpLayer(op, constant, name=name)(x)
