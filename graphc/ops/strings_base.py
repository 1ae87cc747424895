"""The helpers graphc's string ops share (graphc/ops/strings.py re-exports them):
dtype and rank checks for infer rules, object arrays of bytes and a map over their
elements, the string tensor of a value, a factory for non-differentiable elementwise
string ops, UTF-8 character offsets, and TF1's deprecated argument pairs."""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, register


def need_string(ctx, i):
    """InferError unless input i is a string tensor."""
    d = ctx.inputs[i].dtype
    if d is not dtypes.string:
        raise InferError(f"{{{i}}} has dtype {d.name}, but this op needs a string tensor",
                         "dtype")


def need_scalar(ctx, i, what):
    if ctx.inputs[i].shape.rank not in (0, None):
        raise InferError(f"{what} {{{i}}} must be a scalar, not of shape "
                         f"{ctx.inputs[i].shape}")


def obj(x):
    """x as an object array: some kernels (unstack, gather_nd) hand on a 0-d string as
    bare bytes, which np.asarray would turn into a NUL-stripping 'S' array."""
    return x if isinstance(x, np.ndarray) else np.array(x, dtype=object)


def map_array(fn, x, dtype=object):
    """fn applied to every element of array x, as an array of x's shape and `dtype`."""
    x = obj(x)
    out = np.empty(x.shape, dtype=dtype)
    out.reshape(-1)[:] = [fn(v) for v in x.ravel().tolist()]
    return out


def strings(value, name=None):
    """A string tensor of value (a Tensor must already be string)."""
    return convert_to_tensor(value, dtype=dtypes.string, name=name)


def _elementwise(name, api, fn, out, signature, doc, check=None):
    """A non-differentiable op applying fn(element, **attrs) to each string."""
    def infer(ctx, x, **attrs):
        need_string(ctx, 0)
        if check is not None:
            check(**attrs)
        return x.shape, out or x.dtype

    def kernel(x, **attrs):
        return map_array(lambda v: fn(v, **attrs), x, (out or dtypes.string).np)
    return register(OpDef(name, infer, kernel, differentiable=False, api=api,
                          signature=signature, shape_rule="same as input",
                          dtypes="string", doc=doc))


def char_starts(v):
    """Byte offsets where UTF-8 characters start (bytes that are not 0b10xxxxxx)."""
    return [i for i, b in enumerate(v) if b & 0xC0 != 0x80]


def _either(a, b, api):
    """TF1's deprecated argument pairs (string_tensor / input): exactly one given."""
    if (a is None) == (b is None):
        raise ValueError(f"{api}: give exactly one of string_tensor and input")
    return a if a is not None else b
