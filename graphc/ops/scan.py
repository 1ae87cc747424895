"""Cumulative sums and products along an axis: cumsum and cumprod (TF1's Cumsum and
Cumprod, with the exclusive and reverse flags).

cumsum is linear: its vjp is the cumsum of g in the other direction, its jvp the cumsum
of the tangent. cumprod's rules divide by x with div_no_nan (TF does the same), so they
give 0 for an x that is 0.
"""
import numpy as np

from ..shapes import InferError
from .array import as_int, run_time, static_value
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["cumsum", "cumprod"]


def _infer_scan(ctx, x, *, axis, exclusive, reverse):
    ctx.require(0, "numeric or complex")
    if x.shape.rank == 0:
        raise InferError("{0} must have at least one dim to scan along")
    if x.shape.rank is not None:
        ctx.axis(axis, x.shape.rank)
    elif not isinstance(axis, int) or isinstance(axis, bool):
        raise InferError(f"axis must be an int, got {axis!r}", "dtype")    # TF1: TypeError
    return x.shape, x.dtype


def _scan_kernel(fn, identity):
    def kernel(x, *, axis, exclusive, reverse):
        if reverse:
            x = np.flip(x, axis)
        y = fn(x, axis=axis, dtype=x.dtype)
        if exclusive and y.shape[axis]:    # shift by one along axis, the identity in front
            y = np.moveaxis(y, axis, 0)
            y = np.concatenate([np.full((1,) + y.shape[1:], identity, y.dtype), y[:-1]])
            y = np.moveaxis(y, 0, axis)
        return np.ascontiguousarray(np.flip(y, axis) if reverse else y)
    return kernel


def _batch_scan(node, args, batched):
    """vmap: the batch dim goes in front; a non-negative axis moves by one."""
    axis = node.attrs["axis"]
    attrs = dict(node.attrs, axis=axis if axis < 0 else axis + 1)
    return [apply1(node.op, args, **attrs)]


def _cumsum_vjp(node, gs):
    """cumsum(g) in the other direction, with the same exclusive flag."""
    a = node.attrs
    return [cumsum(gs[0], a["axis"], a["exclusive"], not a["reverse"])]


def _cumprod_vjp(node, gs):
    """div_no_nan(cumsum(g * y, other direction, same exclusive), x): y_i holds x_j for
    each j it is a product over. TF's rule: 0, not the true partial, where x is 0 (the
    gradient of cumprod([2, 0, 3]) is [1, 0, 0])."""
    from .math_extra import div_no_nan
    x, y, a = node.inputs[0], node.outputs[0], node.attrs
    return [div_no_nan(cumsum(gs[0] * y, a["axis"], a["exclusive"], not a["reverse"]), x)]


def _cumprod_jvp(node, ts):
    """y * cumsum(div_no_nan(t, x)) with the same flags: the vjp's Jacobian, 0 for
    each x that is 0."""
    from .math_extra import div_no_nan
    if ts[0] is None:
        return None
    return node.outputs[0] * cumsum(div_no_nan(ts[0], node.inputs[0]), **node.attrs)


_SIGNATURE = "(x, axis=0, exclusive=False, reverse=False, name=None)"
CUMSUM = register(OpDef(
    "Cumsum", _infer_scan, _scan_kernel(np.cumsum, 0), vjp=_cumsum_vjp,
    jvp=lambda node, ts: None if ts[0] is None else cumsum(ts[0], **node.attrs),
    batch=_batch_scan, api="cumsum", signature="cumsum" + _SIGNATURE,
    shape_rule="same as x", dtypes="numeric or complex",
    doc="Running sums along axis; exclusive leaves out the element itself, reverse "
        "runs from the end."))
CUMPROD = register(OpDef(
    "Cumprod", _infer_scan, _scan_kernel(np.cumprod, 1), vjp=_cumprod_vjp,
    jvp=_cumprod_jvp, batch=_batch_scan, api="cumprod", signature="cumprod" + _SIGNATURE,
    shape_rule="same as x", dtypes="numeric or complex",
    doc="Running products along axis (flags as cumsum); the gradient divides by x "
        "with div_no_nan, so it is 0 for an x that is 0 (as in TF)."))


def _scan(op, x, axis, exclusive, reverse, name):
    if run_time(axis) is not None:                  # TF1 takes a run-time axis
        from .dynamic_axis import along
        return along(convert_to_tensor(x), run_time(axis), lambda m: apply1(
            op, (m,), axis=0, exclusive=bool(exclusive), reverse=bool(reverse)), name=name)
    return apply1(op, (convert_to_tensor(x),), name=name,
                  axis=as_int(static_value(axis, f"{op.api}: axis")),
                  exclusive=bool(exclusive), reverse=bool(reverse))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sums along axis: gc.cumsum([a, b, c]) is [a, a + b, a + b + c];
    exclusive=True gives [0, a, a + b]; reverse=True gives [a + b + c, b + c, c]."""
    return _scan(CUMSUM, x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running products along axis: gc.cumprod([a, b, c]) is [a, a b, a b c];
    exclusive=True gives [1, a, a b]; reverse=True gives [a b c, b c, c]."""
    return _scan(CUMPROD, x, axis, exclusive, reverse, name)
