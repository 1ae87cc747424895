"""quantize_and_dequantize (TF's QuantizeAndDequantizeV2 op, v1) and _v2 (V4, whose
gradient masks to [input_min, input_max]); see quantization_ops.py for the arithmetic:

    qmin, qmax = signed: (-2^(b-1) (+1 if narrow_range), 2^(b-1) - 1); unsigned: (0, 2^b - 1)
    [lo, hi] = [input_min, input_max] if range_given else [min(x), max(x)] (per slice)
    scale = min(qmin / lo if qmin lo > 0, qmax / hi if qmax hi > 0)   (the other: max float)
    the side not chosen is widened to q / scale; out = round(clip(x, lo, hi) scale) / scale
computed in the input's dtype, round being rint (HALF_TO_EVEN) or floor(v + 0.5) (HALF_UP).
"""
import numpy as np

from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, apply, apply1, register

__all__ = ["quantize_and_dequantize", "quantize_and_dequantize_v2"]

_ROUND_MODES = ("HALF_TO_EVEN", "HALF_UP")


def _qdq_kernel(x, lo, hi, *, signed_input, num_bits, range_given, round_mode,
                narrow_range, axis):
    t = x.dtype.type
    moved = x if axis == -1 else np.moveaxis(x, axis, -1)
    if range_given:
        lo, hi = np.asarray(lo, x.dtype), np.asarray(hi, x.dtype)
        if np.any(lo > hi):
            raise ValueError(f"quantize_and_dequantize: invalid range: input_min {lo} > "
                             f"input_max {hi}")
    elif moved.size == 0:
        return x.copy()
    elif axis == -1:
        lo, hi = np.min(x), np.max(x)
    else:
        flat = moved.reshape(-1, moved.shape[-1])
        lo, hi = np.min(flat, axis=0), np.max(flat, axis=0)
    if signed_input:
        qmin = -(1 << (num_bits - 1)) + (1 if narrow_range else 0)
        qmax = (1 << (num_bits - 1)) - 1
    else:
        qmin, qmax = 0, (1 << num_bits) - 1
    qmin, qmax = t(qmin), t(qmax)
    big = np.finfo(x.dtype).max
    with np.errstate(all="ignore"):
        s_min = np.where(qmin * lo > 0, qmin / lo, big).astype(x.dtype)
        s_max = np.where(qmax * hi > 0, qmax / hi, big).astype(x.dtype)
        use_min = s_min < s_max
        scale = np.where(use_min, s_min, s_max)
        inv = np.where(use_min, lo / qmin, hi / qmax).astype(x.dtype)
        hi = np.where(use_min, qmax * inv, hi).astype(x.dtype)
        lo = np.where(use_min, lo, qmin * inv).astype(x.dtype)
        v = np.clip(moved, lo, hi) * scale
        v = np.rint(v) if round_mode == "HALF_TO_EVEN" else np.floor(v + t(0.5))
        out = (v * inv).astype(x.dtype)
    return out if axis == -1 else np.moveaxis(out, -1, axis)


def _infer_qdq(ctx, x, lo, hi, *, signed_input, num_bits, range_given, round_mode,
               narrow_range, axis):
    ctx.require(0, "float")
    ctx.same_dtype()
    if round_mode not in _ROUND_MODES:
        raise InferError(f"round_mode must be one of {_ROUND_MODES}, got {round_mode!r}")
    if not isinstance(num_bits, (int, np.integer)) or not 1 <= num_bits <= 63 or \
            signed_input and num_bits == 1:
        raise InferError(f"num_bits {num_bits!r} is out of range")
    range_shape(ctx, x, lo, hi, axis)
    return x.shape, x.dtype


def range_shape(ctx, x, lo, hi, axis):
    """The shape inputs 1 and 2 (a range) must have: scalars (axis -1) or vectors as long
    as x's `axis` dim (quantize_ops.py checks its ranges with it too)."""
    want = 0 if axis == -1 else 1
    depth = None
    if axis != -1 and x.shape.rank is not None:
        if not 0 <= axis < x.shape.rank:
            raise InferError(f"axis {axis} is out of range for {{0}} of rank {x.shape.rank}")
        depth = x.shape._dims[axis]
    for i, t in ((1, lo), (2, hi)):
        if t.shape.rank is not None and t.shape.rank != want:
            raise InferError(f"{{{i}}} must be a {'vector' if want else 'scalar'} "
                             f"(axis={axis}), not of rank {t.shape.rank}")
        if want and t.shape.rank == 1:
            depth = ctx.merge_dims(depth, t.shape._dims[0],
                                   f"{{{{{i}}}}} has {{b}} entries but axis {axis} has {{a}}")
    return (depth,) if want else ()


def _v2_vjp(node, gs):
    """g (TF: the V2 op passes the gradient straight through, none to min/max)."""
    return [gs[0], None, None]


def _v4_vjp(node, gs):
    """(g where input_min <= x <= input_max else 0, 0, 0): QuantizeAndDequantizeV4Grad."""
    x, lo, hi = node.inputs
    return list(apply(QDQ_V4_GRAD, (gs[0], x, lo, hi), axis=node.attrs["axis"]).outputs)


def _infer_v4_grad(ctx, g, x, lo, hi, *, axis):
    ctx.same_dtype()
    ctx.require(0, "float")
    return [(x.shape, x.dtype), (lo.shape, x.dtype), (hi.shape, x.dtype)]


def _v4_grad_kernel(g, x, lo, hi, *, axis):
    if axis != -1:
        shape = [1] * x.ndim
        shape[axis] = -1
        lo_b, hi_b = np.reshape(lo, shape), np.reshape(hi, shape)
    else:
        lo_b, hi_b = lo, hi
    inside = (x >= lo_b) & (x <= hi_b)
    return (np.where(inside, g, 0).astype(x.dtype), np.zeros_like(lo), np.zeros_like(hi))


_SIG = ("(input, input_min, input_max, signed_input=True, num_bits=8, range_given=False, "
        "round_mode='HALF_TO_EVEN', name=None, narrow_range=False, axis=None)")
QDQ_V2 = register(OpDef(
    "QuantizeAndDequantizeV2", _infer_qdq, _qdq_kernel, api="quantize_and_dequantize",
    vjp=_v2_vjp, jvp=lambda node, ts: ts[0], signature="quantize_and_dequantize" + _SIG,
    shape_rule="same as input", dtypes="float",
    doc="Rounds to the num_bits grid of [input_min, input_max] (or the data's range); "
        "straight-through gradient."))
QDQ_V4 = register(OpDef(
    "QuantizeAndDequantizeV4", _infer_qdq, _qdq_kernel, api="quantize_and_dequantize_v2",
    vjp=_v4_vjp, jvp=lambda node, ts: None if ts[0] is None else _v4_vjp(node, ts)[0],
    signature="quantize_and_dequantize_v2" + _SIG,
    shape_rule="same as input", dtypes="float",
    doc="quantize_and_dequantize whose gradient is 0 outside [input_min, input_max]."))
QDQ_V4_GRAD = register(OpDef(
    "QuantizeAndDequantizeV4Grad", _infer_v4_grad, _v4_grad_kernel,
    api="quantize_and_dequantize_v4_grad", differentiable=False,
    signature="quantize_and_dequantize_v4_grad(gradients, input, input_min, input_max, "
              "axis=-1)", shape_rule="(input, input_min, input_max) shapes", dtypes="float",
    doc="The gradients where input_min <= input <= input_max, else 0; zeros for the range."))


def _qdq(op, input, input_min, input_max, signed_input, num_bits, range_given, round_mode,
         name, narrow_range, axis):
    x = convert_to_tensor(input)
    lo = convert_to_tensor(input_min, dtype=x.dtype)
    hi = convert_to_tensor(input_max, dtype=x.dtype)
    if axis is None:
        axis = -1
    elif axis < 0:
        if x.shape.rank is None:
            raise ValueError("input should have known rank to use negative axis.")
        axis %= x.shape.rank
    return apply1(op, (x, lo, hi), name=name, signed_input=bool(signed_input),
                  num_bits=int(num_bits), range_given=bool(range_given),
                  round_mode=round_mode, narrow_range=bool(narrow_range), axis=int(axis))


def quantize_and_dequantize(input, input_min, input_max, signed_input=True,  # noqa: A002
                            num_bits=8, range_given=False, round_mode="HALF_TO_EVEN",
                            name=None, narrow_range=False, axis=None):
    """Quantizes then dequantizes `input` (TF1's tf.quantization.quantize_and_dequantize,
    op QuantizeAndDequantizeV2); the gradient passes straight through.

    `gc.quantization.quantize_and_dequantize([0.1, 1.0], 0.0, 1.0, num_bits=2,
    range_given=True, signed_input=False)` gives [0.0, 1.0].
    """
    return _qdq(QDQ_V2, input, input_min, input_max, signed_input, num_bits, range_given,
                round_mode, name, narrow_range, axis)


def quantize_and_dequantize_v2(input, input_min, input_max, signed_input=True,  # noqa: A002
                               num_bits=8, range_given=False, round_mode="HALF_TO_EVEN",
                               name=None, narrow_range=False, axis=None):
    """quantize_and_dequantize (op QuantizeAndDequantizeV4) whose gradient is zero where
    `input` lies outside [input_min, input_max] (TF's quantize_and_dequantize_v2)."""
    return _qdq(QDQ_V4, input, input_min, input_max, signed_input, num_bits, range_given,
                round_mode, name, narrow_range, axis)
