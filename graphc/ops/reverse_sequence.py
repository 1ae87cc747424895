"""reverse_sequence (TF1 tf.reverse_sequence): in each batch entry b, the first
seq_lengths[b] elements along seq_axis reversed and the rest left in place.

    gc.reverse_sequence([[1, 2, 3, 4], [5, 6, 7, 8]], [3, 1], seq_axis=1, batch_axis=0)
    # [[3, 2, 1, 4], [5, 6, 7, 8]]

It permutes elements, and the permutation is its own inverse: its vjp (and jvp) is
reverse_sequence again with the same lengths. bidirectional_dynamic_rnn reads its
backward direction through it.
"""
import numpy as np

from ..shapes import InferError
from .array import as_int, static_value
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["reverse_sequence"]


def _infer_reverse_sequence(ctx, x, lengths, *, seq_axis, batch_axis):
    ctx.require(1, "int")
    if lengths.shape.rank not in (1, None):
        raise InferError(f"seq_lengths {{1}} must be a vector, not of shape {lengths.shape}")
    rank = x.shape.rank
    if rank is None:
        return x.shape, x.dtype
    s, b = ctx.axis(seq_axis, rank), ctx.axis(batch_axis, rank)
    if s == b:
        raise InferError(f"seq_axis {seq_axis} and batch_axis {batch_axis} are the same "
                         f"axis of {{0}}")
    if lengths.shape.rank == 1:
        ctx.merge_dims(x.shape._dims[b], lengths.shape._dims[0],
                       f"seq_lengths {{{{1}}}} has {{b}} entries but {{{{0}}}} has {{a}} "
                       f"along batch_axis {batch_axis}")
    v = ctx.constant_value(lengths)
    n = ctx.resolve(x.shape._dims[s])
    if v is not None and n is not None and (np.any(v > n) or np.any(v < 0)):
        raise InferError(f"seq_lengths {{1}} must be in [0, {n}] (the size of {{0}} along "
                         f"seq_axis {seq_axis}), got {np.asarray(v).tolist()}")
    return x.shape, x.dtype


def _kernel(x, lengths, *, seq_axis, batch_axis):
    n, out = x.shape[seq_axis], np.array(x, copy=True)
    if len(lengths) != x.shape[batch_axis]:
        raise ValueError(f"seq_lengths has {len(lengths)} entries but the input has "
                         f"{x.shape[batch_axis]} along batch_axis {batch_axis}")
    view, src = np.moveaxis(out, (batch_axis, seq_axis), (0, 1)), \
        np.moveaxis(x, (batch_axis, seq_axis), (0, 1))
    for b, k in enumerate(lengths):
        if not 0 <= k <= n:
            raise ValueError(f"seq_lengths[{b}] = {k} is outside [0, {n}] (the size of "
                             f"the input along seq_axis {seq_axis})")
        if k:
            view[b, :k] = src[b, k - 1::-1]
    return out


def _vjp(node, gs):
    """reverse_sequence(g) with the same lengths: the permutation is an involution."""
    return [reverse_sequence(gs[0], node.inputs[1], **node.attrs), None]


def _jvp(node, ts):
    return None if ts[0] is None else reverse_sequence(ts[0], node.inputs[1], **node.attrs)


def _batch(node, args, batched):
    """vmap: with only input batched, both axes move one place right; batched lengths
    go slice by slice."""
    rank = node.inputs[0].shape.rank
    if batched[1] or rank is None:
        from ..autodiff.batching import batch_by_slices
        return batch_by_slices(node, args, batched)
    a = node.attrs
    return [apply1(node.op, args, seq_axis=a["seq_axis"] % rank + 1,
                   batch_axis=a["batch_axis"] % rank + 1)]


REVERSE_SEQUENCE = register(OpDef(
    "ReverseSequence", _infer_reverse_sequence, _kernel, vjp=_vjp, jvp=_jvp, batch=_batch,
    api="reverse_sequence",
    signature="reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, "
              "name=None, seq_dim=None, batch_dim=None)",
    shape_rule="same as input", dtypes="any input; int seq_lengths",
    doc="Reverses the first seq_lengths[b] elements along seq_axis of each batch entry b."))


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,
                     seq_dim=None, batch_dim=None):
    """input with, for each b, input[b, :seq_lengths[b]] reversed along seq_axis (TF1).

        x = gc.constant([[1, 2, 3, 4], [5, 6, 7, 8]])
        gc.reverse_sequence(x, [3, 1], seq_axis=1, batch_axis=0)   # [[3, 2, 1, 4], [5, 6, 7, 8]]

    seq_dim and batch_dim are TF1's older names of seq_axis and batch_axis (batch_axis
    defaults to 0). Each length must lie in [0, input's size along seq_axis].
    """
    seq_axis = _axis_arg(seq_axis, seq_dim, "seq_axis", "seq_dim", None)
    batch_axis = _axis_arg(batch_axis, batch_dim, "batch_axis", "batch_dim", 0)
    return apply1(REVERSE_SEQUENCE, (convert_to_tensor(input), convert_to_tensor(seq_lengths)),
                  name=name, seq_axis=seq_axis, batch_axis=batch_axis)


def _axis_arg(new, old, new_name, old_name, default):
    if new is not None and old is not None and as_int(new) != as_int(old):
        raise ValueError(f"reverse_sequence: give {new_name} or {old_name}, not both")
    v = new if new is not None else old if old is not None else default
    if v is None:
        raise TypeError(f"reverse_sequence: {new_name} is required")
    v = as_int(static_value(v, f"reverse_sequence: {new_name}"))
    if not isinstance(v, int):
        raise TypeError(f"reverse_sequence: {new_name} must be an int, not {v!r}")
    return v
