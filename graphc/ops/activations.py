"""The activation functions of gc.nn (softplus, softsign, relu and its gradient op,
relu6, elu, selu, leaky_relu): elementwise ops declared like those of elementwise.py."""
import numpy as np

from .core import convert_to_tensor
from .broadcast import select
from .elementwise import (_binary, _mask, _typed, _unary, _unary_rules, abs, greater, less,
                          logical_and, ones_like_, reciprocal, sigmoid, square)
from .registry import OpDef, apply1, register

__all__ = ["softplus", "softsign", "relu", "relu_grad", "relu6", "elu", "selu", "leaky_relu"]


SOFTPLUS, softplus = _unary("Softplus", "nn.softplus", _typed(lambda x: np.logaddexp(0, x)),
                            lambda x, y, a: sigmoid(x), kind="float",
                            doc="log(1 + e^x), stable for large |x|; d = sigmoid(x).",
                            kernel_out=lambda x, out: np.logaddexp(0, x, out=out), arg="features")
SOFTSIGN, softsign = _unary("Softsign", "nn.softsign", lambda x: x / (1 + np.abs(x)),
                            lambda x, y, a: reciprocal(square(1 + abs(x))), kind="float",
                            doc="x / (1 + |x|).", arg="features")
RELU, relu = _unary("Relu", "nn.relu", _typed(lambda x: np.maximum(x, 0)),
                    lambda x, y, a: _mask(greater(y, 0), y), doc="max(x, 0).",
                    kernel_out=lambda x, out: np.maximum(x, 0, out=out), arg="features")
# relu's rules go through ReluGrad (TF1 does the same): one pass, no float mask made
RELU.vjp = lambda node, gs: [relu_grad(gs[0], node.outputs[0])]
RELU.jvp = lambda node, ts: None if ts[0] is None else relu_grad(ts[0], node.outputs[0])
RELU_GRAD, _relu_grad = _binary(
    "ReluGrad", "relu_grad", lambda g, y: np.multiply(g, y > 0),
    lambda g, y, z: (_mask(greater(y, 0), y), None), kind="float",
    doc="g where y > 0 else 0: relu's vjp (y = relu(x)); d/dy is 0 almost everywhere.")
RELU_GRAD.kernel_out = lambda g, y, out: np.multiply(g, y > 0, out=out)
# linear in g with the same mask: vjp/jvp are ReluGrad again; nothing flows to y
RELU_GRAD.vjp = lambda node, gs: [relu_grad(gs[0], node.inputs[1]), None]
RELU_GRAD.jvp = lambda node, ts: None if ts[0] is None else relu_grad(ts[0], node.inputs[1])


def relu_grad(g, y, name=None):
    """g * (y > 0), the cotangent of x for y = relu(x)."""
    return _relu_grad(g, y, name=name)
RELU6, relu6 = _unary("Relu6", "nn.relu6", _typed(lambda x: np.clip(x, 0, 6)),
                      lambda x, y, a: _mask(logical_and(greater(x, 0), less(x, 6)), x),
                      doc="min(max(x, 0), 6).", arg="features")
ELU, elu = _unary("Elu", "nn.elu", _typed(lambda x: np.where(x > 0, x, np.expm1(x))),
                  lambda x, y, a: select(greater(x, 0), ones_like_(x), y + 1), kind="float",
                  doc="x if x > 0 else e^x - 1.", arg="features")
_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
SELU, selu = _unary(
    "Selu", "nn.selu",
    _typed(lambda x: _SELU_S * np.where(x > 0, x, _SELU_A * np.expm1(x))),
    lambda x, y, a: select(less(x, 0), y + _SELU_S * _SELU_A, _SELU_S * ones_like_(x)),
    kind="float", doc="scale * elu(x) with SELU's alpha and scale.", arg="features")


def _infer_leaky(ctx, x, *, alpha):
    ctx.require(0, "float")
    return x.shape, x.dtype


_leaky_vjp, _leaky_jvp = _unary_rules(
    lambda x, y, a: select(greater(x, 0), ones_like_(x), a["alpha"] * ones_like_(x)))
LEAKY_RELU = register(OpDef(
    "LeakyRelu", _infer_leaky, _typed(lambda x, alpha: np.where(x > 0, x, alpha * x)),
    vjp=_leaky_vjp, jvp=_leaky_jvp, api="nn.leaky_relu", elementwise=True,
    signature="nn.leaky_relu(features, alpha=0.2)", shape_rule="same as x",
    dtypes="float", doc="x if x > 0 else alpha x."))


def leaky_relu(features, alpha=0.2, name=None):
    return apply1(LEAKY_RELU, (convert_to_tensor(features),), name=name, alpha=float(alpha))
