"""The activation functions of gc.nn (softplus, softsign, relu and its gradient op,
relu6, elu, selu, leaky_relu): elementwise ops declared like those of elementwise.py."""
import numpy as np

from .core import convert_to_tensor
from .broadcast import select
from .elementwise import (_typed, _unary, abs, less, ones_like_, reciprocal, sigmoid,
                          square, zeros_like_)
from .registry import OpDef, apply1, register

__all__ = ["softplus", "softsign", "relu", "relu_grad", "relu6", "relu6_grad", "elu", "selu",
           "leaky_relu", "leaky_relu_grad"]


SOFTPLUS, softplus = _unary("Softplus", "nn.softplus", _typed(lambda x: np.logaddexp(0, x)),
                            lambda x, y, a: sigmoid(x), kind="float",
                            doc="log(1 + e^x), stable for large |x|; d = sigmoid(x).",
                            kernel_out=lambda x, out: np.logaddexp(0, x, out=out), arg="features")
SOFTSIGN, softsign = _unary("Softsign", "nn.softsign", lambda x: x / (1 + np.abs(x)),
                            lambda x, y, a: reciprocal(square(1 + abs(x))), kind="float",
                            doc="x / (1 + |x|).", arg="features")


def _through(grad_fn, of_output=True):
    """The (vjp, jvp) of an activation whose derivative is its gradient op grad_fn(g,
    features) (TF1's way: one pass, no float mask made); features are the op's output
    (of_output) or input."""
    def features(node):
        return node.outputs[0] if of_output else node.inputs[0]
    return (lambda node, gs: [grad_fn()(gs[0], features(node), **node.attrs)],
            lambda node, ts: None if ts[0] is None else grad_fn()(ts[0], features(node),
                                                                  **node.attrs))


RELU, relu = _unary("Relu", "nn.relu", _typed(lambda x: np.maximum(x, 0)),
                    rules=_through(lambda: relu_grad), doc="max(x, 0).",
                    kernel_out=lambda x, out: np.maximum(x, 0, out=out), arg="features")
RELU6, relu6 = _unary("Relu6", "nn.relu6", _typed(lambda x: np.clip(x, 0, 6)),
                      rules=_through(lambda: relu6_grad), doc="min(max(x, 0), 6).",
                      arg="features")


def _infer_grad(ctx, g, features, **attrs):
    ctx.same_dtype()
    ctx.require(0, "numeric")
    return ctx.broadcast(), g.dtype


def _grad_op(name, api, mask, doc, **attrs):
    """An activation's gradient op (gradients, features) -> gradients * mask(features):
    linear in gradients, so its vjp is itself again; features get zeros (TF's rule:
    second derivatives of relu-like ops are zeros, not None)."""
    def vjp(node, gs):
        return [op_fn(gs[0], node.inputs[1], **node.attrs), zeros_like_(node.inputs[1])]

    def jvp(node, ts):
        return None if ts[0] is None else op_fn(ts[0], node.inputs[1], **node.attrs)

    op = register(OpDef(
        name, _infer_grad, lambda g, f, **a: np.multiply(g, mask(f, **a), dtype=g.dtype),
        vjp=vjp, jvp=jvp, api=api, elementwise=True, signature=f"{api}(gradients, features)",
        shape_rule="same as gradients", dtypes="numeric", doc=doc,
        kernel_out=(lambda g, f, out: np.multiply(g, mask(f), out=out)) if not attrs else None))

    def op_fn(g, features, name=None, **a):
        return apply1(op, (g, features), name=name, **{k: float(a.get(k, v))
                                                         for k, v in attrs.items()})
    return op, op_fn


RELU_GRAD, relu_grad = _grad_op(
    "ReluGrad", "relu_grad", lambda f: f > 0,
    "gradients where features > 0 else 0: relu's vjp (features: relu's input or output).")
RELU6_GRAD, relu6_grad = _grad_op(
    "Relu6Grad", "relu6_grad", lambda f: (f > 0) & (f < 6),
    "gradients where 0 < features < 6 else 0: relu6's vjp (features: its input or output).")
LEAKY_RELU_GRAD, leaky_relu_grad = _grad_op(
    "LeakyReluGrad", "leaky_relu_grad",
    lambda f, alpha: np.where(f > 0, 1, alpha).astype(f.dtype),
    "gradients where features > 0 else alpha * gradients: leaky_relu's vjp.", alpha=0.2)
def _expm1_below_0(x):
    """expm1(min(x, 0)): the negative branch of elu and selu, without overflow warnings
    from the positive inputs that np.where discards."""
    return np.expm1(np.minimum(x, 0))


ELU, elu = _unary("Elu", "nn.elu", _typed(lambda x: np.where(x > 0, x, _expm1_below_0(x))),
                  lambda x, y, a: select(less(x, 0), y + 1, ones_like_(x)), kind="float",
                  doc="x if x > 0 else e^x - 1.", arg="features")
_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
SELU, selu = _unary(
    "Selu", "nn.selu",
    _typed(lambda x: _SELU_S * np.where(x > 0, x, _SELU_A * _expm1_below_0(x))),
    lambda x, y, a: select(less(x, 0), y + _SELU_S * _SELU_A, _SELU_S * ones_like_(x)),
    kind="float", doc="scale * elu(x) with SELU's alpha and scale.", arg="features")


def _infer_leaky(ctx, x, *, alpha):
    ctx.require(0, "float")
    return x.shape, x.dtype


_leaky_vjp, _leaky_jvp = _through(lambda: leaky_relu_grad, of_output=False)
LEAKY_RELU = register(OpDef(
    "LeakyRelu", _infer_leaky, _typed(lambda x, alpha: np.where(x > 0, x, alpha * x)),
    vjp=_leaky_vjp, jvp=_leaky_jvp, api="nn.leaky_relu", elementwise=True,
    signature="nn.leaky_relu(features, alpha=0.2)", shape_rule="same as x",
    dtypes="float", doc="x if x > 0 else alpha x."))


def leaky_relu(features, alpha=0.2, name=None):
    """x if x > 0 else alpha x; int features are cast to float32 first (TF1)."""
    x = convert_to_tensor(features)
    if x.dtype.is_integer:
        from .elementwise import cast
        x = cast(x, "float32")
    return apply1(LEAKY_RELU, (x,), name=name, alpha=float(alpha))
