"""tf.signal's framing ops: frame and overlap_and_add, each the other's transpose.

Frame(signal, pad_value[, like]) cuts overlapping windows of frame_length samples, every
frame_step samples, along one axis: that axis becomes two, (frames, frame_length).
OverlapAndAdd(frames[, like]) adds such windows back into one axis (TF1's overlap_and_add
on the last two axes). With a `like` operand an op takes the sizes it cannot know from
its attrs (the frame count and length, or the signal length) from that tensor's shape at
run time: the vjp of each op is the other one, shaped like the primal input.
"""
import numpy as np

from .. import dtypes
from ..graph import Tensor, name_scope
from ..shapes import InferError
from .array import (as_int, expand_dims, rank, reshape, run_time, shape, static_value,
                    transpose)
from .cast import cast
from .core import constant, convert_to_tensor
from .creation import range as range_, zeros
from .elementwise import maximum
from .join import concat, stack
from .registry import OpDef, apply1, register

__all__ = ["frame", "overlap_and_add"]


# ---- numpy kernels -------------------------------------------------------------------------
def num_frames(length, frame_length, frame_step, pad_end):
    """How many frames TF1's frame cuts from `length` samples."""
    if pad_end:
        return -(-length // frame_step)
    return max(0, (length - frame_length + frame_step) // frame_step)


def _frames_last(x, pad_value, count, length, step):
    """(..., d) -> (..., count, length): windows every `step` samples; samples past the
    end read pad_value."""
    need = (count - 1) * step + length if count > 0 else 0
    d = x.shape[-1]
    if d < need:
        fill = np.full(x.shape[:-1] + (need - d,), pad_value, dtype=x.dtype)
        x = np.concatenate([x, fill], axis=-1)
    if count == 0 or length == 0:
        return np.zeros(x.shape[:-1] + (count, length), x.dtype)
    win = np.lib.stride_tricks.sliding_window_view(x[..., :need], length, axis=-1)
    return win[..., ::step, :]


def _add_frames_last(y, step, out_len):
    """(..., count, length) -> (..., out_len): frame f added at sample f * step; sums past
    out_len are dropped, samples no frame covers are 0."""
    count, length = y.shape[-2:]
    lead = y.shape[:-2]
    k = -(-length // step) if length else 0            # blocks of `step` samples per frame
    if count == 0 or k == 0:
        return np.zeros(lead + (out_len,), y.dtype)
    blocks = np.zeros(lead + (count, k * step), y.dtype)
    blocks[..., :length] = y
    blocks = blocks.reshape(lead + (count, k, step))
    buf = np.zeros(lead + (count + k - 1, step), y.dtype)
    for c in range(k):                                  # block c of frame f lands at f + c
        buf[..., c:c + count, :] += blocks[..., c, :]
    flat = buf.reshape(lead + ((count + k - 1) * step,))
    if flat.shape[-1] >= out_len:
        return flat[..., :out_len]
    return np.concatenate([flat, np.zeros(lead + (out_len - flat.shape[-1],), y.dtype)], -1)


def _frame_kernel(signal, pad_value, *like, frame_length, frame_step, axis, pad_end):
    a = axis % signal.ndim
    x = np.moveaxis(signal, a, -1)
    if like:
        count, length = like[0].shape[a], like[0].shape[a + 1]
    else:
        length = frame_length
        count = num_frames(x.shape[-1], length, frame_step, pad_end)
    out = _frames_last(x, pad_value, count, length, frame_step)
    # a copy: the windows are a read-only view of the input
    return np.array(np.moveaxis(out, (-2, -1), (a, a + 1)), signal.dtype, order="C")


def _overlap_add_kernel(frames, *like, frame_step, axis):
    a = axis % frames.ndim
    y = np.moveaxis(frames, (a, a + 1), (-2, -1))
    count, length = y.shape[-2:]
    out_len = like[0].shape[a] if like else max(0, (count - 1) * frame_step + length)
    out = _add_frames_last(y, frame_step, out_len)
    return np.ascontiguousarray(np.moveaxis(out, -1, a), frames.dtype)


# ---- shape rules ---------------------------------------------------------------------------
def _infer_frame(ctx, signal, pad_value, *like, frame_length, frame_step, axis, pad_end):
    ctx.same_dtype(0, 1)
    if pad_value.shape.rank not in (None, 0):
        raise InferError(f"pad_value {{1}} must be a scalar, got shape {pad_value.shape}")
    dims = signal.shape._dims
    if dims is None:
        return None, signal.dtype
    if not dims:
        raise InferError("signal {0} must have rank at least 1 (frames are cut along an axis)")
    a = ctx.axis(axis, len(dims), 0)
    if like:
        ld = like[0].shape._dims
        count, length = (None, None) if ld is None else (ld[a], ld[a + 1])
    else:
        d, length = ctx.resolve(dims[a]), frame_length
        count = None if d is None else num_frames(d, length, frame_step, pad_end)
    return dims[:a] + (count, length) + dims[a + 1:], signal.dtype


def _infer_overlap_add(ctx, frames, *like, frame_step, axis):
    dims = frames.shape._dims
    if dims is None:
        return None, frames.dtype
    if len(dims) < 2:
        raise InferError(f"{{0}} must have rank at least 2 (frames, frame_length), "
                         f"got rank {len(dims)}")
    a = ctx.axis(axis, len(dims), 0)
    if a + 1 >= len(dims):
        raise InferError(f"axis {axis} of {{0}} must leave a frame_length axis after it")
    if like:
        ld = like[0].shape._dims
        out = None if ld is None else ld[a]
    else:
        count, length = ctx.resolve(dims[a]), ctx.resolve(dims[a + 1])
        out = None if count is None or length is None else \
            max(0, (count - 1) * frame_step + length)
    return dims[:a] + (out,) + dims[a + 2:], frames.dtype


# ---- derivatives ---------------------------------------------------------------------------
def _frames_axis(axis):
    """The frames axis of Frame's output for a signal axis (negative axes count one more)."""
    return axis if axis >= 0 else axis - 1


def _zero(t):
    return constant(np.zeros((), t.dtype.np))


def _frame_vjp(node, gs):
    """g_signal = overlap_and_add(g) into the signal's length (padding gets nothing);
    pad_value gets none (TF1 neither)."""
    signal = node.inputs[0]
    gx = apply1(OVERLAP_AND_ADD, (gs[0], signal), frame_step=node.attrs["frame_step"],
                axis=_frames_axis(node.attrs["axis"]))
    return [gx] + [None] * (len(node.inputs) - 1)


def _frame_jvp(node, ts):
    """Linear in the signal: frame(t) with zero padding."""
    if ts[0] is None:
        return None
    return apply1(FRAME, (ts[0], _zero(ts[0])) + tuple(node.inputs[2:]), **node.attrs)


def _overlap_add_vjp(node, gs):
    """g_frames = frame(g) with the frames' count and length."""
    frames, axis = node.inputs[0], node.attrs["axis"]
    signal_axis = axis if axis >= 0 else axis + 1
    gf = apply1(FRAME, (gs[0], _zero(gs[0]), frames), frame_length=None,
                frame_step=node.attrs["frame_step"], axis=signal_axis, pad_end=False)
    return [gf] + [None] * (len(node.inputs) - 1)


def _overlap_add_jvp(node, ts):
    """Linear in the frames: overlap_and_add(t)."""
    if ts[0] is None:
        return None
    return apply1(OVERLAP_AND_ADD, (ts[0],) + tuple(node.inputs[1:]), **node.attrs)


FRAME = register(OpDef(
    "Frame", _infer_frame, _frame_kernel, vjp=_frame_vjp, jvp=_frame_jvp,
    api="signal.frame",
    signature="signal.frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, "
              "axis=-1, name=None)",
    shape_rule="(..., d, ...) at axis -> (..., frames, frame_length, ...); frames = "
               "ceil(d / step) with pad_end, else max(0, (d - length + step) // step)",
    dtypes="any; pad_value the signal's dtype",
    doc="Overlapping windows of a signal along an axis (with a third operand, the frame "
        "count and length come from its shape); the vjp is OverlapAndAdd."))
OVERLAP_AND_ADD = register(OpDef(
    "OverlapAndAdd", _infer_overlap_add, _overlap_add_kernel, vjp=_overlap_add_vjp,
    jvp=_overlap_add_jvp, api="signal.overlap_and_add",
    signature="signal.overlap_and_add(signal, frame_step, name=None)",
    shape_rule="(..., frames, frame_length) -> (..., (frames - 1) * step + frame_length)",
    dtypes="numeric",
    doc="Adds overlapping frames back into one signal (with a second operand, into its "
        "length along the axis); the vjp is Frame."))


# ---- public functions ----------------------------------------------------------------------
def _scalar_int(value, api, what):
    v = as_int(static_value(value, f"{api}: {what}"))
    if not isinstance(v, int):
        raise TypeError(f"{api}: {what} must be an int (or a constant int tensor), got {v!r}")
    return v


def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Overlapping frames of `signal` along `axis` (TF1 tf.signal.frame).

        gc.signal.frame(gc.range(10), 4, 3)      # [[0 1 2 3] [3 4 5 6] [6 7 8 9]]
        gc.signal.frame(x, 4, 3, pad_end=True)   # a 4th frame [9 0 0 0]
    """
    api = "signal.frame"
    signal = convert_to_tensor(signal)
    axis = _scalar_int(axis, api, "axis")
    if run_time(frame_length) is not None or run_time(frame_step) is not None:
        return _run_time_frame(signal, frame_length, frame_step, pad_end, pad_value, axis,
                               name)
    length = _scalar_int(frame_length, api, "frame_length")
    step = _scalar_int(frame_step, api, "frame_step")
    if length < 0:
        raise ValueError(f"{api}: frame_length must be non-negative, got {length}")
    if step <= 0:
        raise ValueError(f"{api}: frame_step must be positive, got {step}")
    pad = pad_value if isinstance(pad_value, Tensor) else \
        convert_to_tensor(pad_value, dtype=signal.dtype)
    return apply1(FRAME, (signal, pad), name=name, frame_length=length, frame_step=step,
                  axis=axis, pad_end=bool(pad_end))


def _int32(value, api, what):
    """A size given as a tensor: a scalar int, as int32."""
    t = convert_to_tensor(value)
    if not t.dtype.is_integer or t.shape.rank not in (None, 0):
        raise TypeError(f"{api}: {what} must be a scalar int, got {t.dtype.name} of "
                        f"shape {t.shape}")
    return t if t.dtype is dtypes.int32 else cast(t, dtypes.int32)


def _positions(count, length, step):
    """[count, length] sample indices: frame f holds f * step + range(length)."""
    return (expand_dims(range_(count) * step, 1) + expand_dims(range_(length), 0))


def _signal_axis(x, axis, api):
    if axis >= 0:
        return axis
    if x.shape.rank is None:
        raise ValueError(f"{api}: a negative axis needs a signal of known rank when "
                         "frame_length or frame_step is a run-time tensor")
    return axis + x.shape.rank


def _run_time_frame(signal, frame_length, frame_step, pad_end, pad_value, axis, name):
    """frame with a frame_length or frame_step known only at run time (TF1 takes scalar
    int tensors, e.g. sample_rate * 25 // 1000): a gather of each frame's sample
    positions from the (end-padded) signal; its derivatives are gather's and pad's."""
    from .gather import gather
    from .slice_pad import pad
    api = "signal.frame"
    axis = _signal_axis(signal, axis, api)
    with name_scope(name, "frame"):
        length = _int32(frame_length, api, "frame_length")
        step = _int32(frame_step, api, "frame_step")
        n = shape(signal, out_type=dtypes.int32)[axis]
        if pad_end:
            count = (n + step - 1) // step
            extra = maximum(maximum(count - 1, 0) * step + length - n, 0)
            paddings = concat([zeros([axis, 2], dtypes.int32),
                               reshape(stack([0, extra]), [1, 2]),
                               zeros(stack([rank(signal) - axis - 1, 2]), dtypes.int32)], 0)
            signal = pad(signal, paddings, constant_values=pad_value)
        else:
            count = maximum((n - length + step) // step, 0)
        return gather(signal, _positions(count, length, step), axis=axis)


def overlap_and_add(signal, frame_step, name=None):
    """Adds frames [..., frames, frame_length] overlapping by frame_step into a signal
    [..., (frames - 1) * frame_step + frame_length] (TF1 tf.signal.overlap_and_add).

        gc.signal.overlap_and_add(gc.ones([3, 4]), 2)   # [1 1 2 2 2 2 1 1]
    """
    api = "signal.overlap_and_add"
    signal = convert_to_tensor(signal)
    if run_time(frame_step) is not None:
        return _run_time_overlap_and_add(signal, frame_step, name)
    step = _scalar_int(frame_step, api, "frame_step")
    if step <= 0:
        raise ValueError(f"{api}: frame_step must be positive, got {step}")
    if signal.dtype.np.kind not in "iuf":
        raise TypeError(f"{api}: signal must be numeric, got {signal.dtype.name}")
    return apply1(OVERLAP_AND_ADD, (signal,), name=name, frame_step=step, axis=-2)


def _run_time_overlap_and_add(signal, frame_step, name):
    """overlap_and_add with a frame_step known only at run time: each sample summed into
    its position by unsorted_segment_sum (frame's transpose), the frames' axes first."""
    from .gather import unsorted_segment_sum
    r = signal.shape.rank
    if r is None or r < 2:
        raise ValueError("signal.overlap_and_add: with a run-time frame_step the frames "
                         f"need a known rank of at least 2, got shape {signal.shape}")
    with name_scope(name, "overlap_and_add"):
        step = _int32(frame_step, "signal.overlap_and_add", "frame_step")
        dims = shape(signal, out_type=dtypes.int32)
        count, length = dims[r - 2], dims[r - 1]
        rows = reshape(transpose(signal, [r - 2, r - 1] + list(range(r - 2))),
                       concat([[-1], dims[:r - 2]], 0))
        out = unsorted_segment_sum(rows, reshape(_positions(count, length, step), [-1]),
                                   maximum((count - 1) * step + length, 0))
        return transpose(out, list(range(1, r - 1)) + [0])
