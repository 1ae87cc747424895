"""Ops along an axis known only when the graph runs (TF1 takes an axis tensor: argmax(x,
tf.rank(x) - k), a fed axis): graphc's ops take static axes, so the axis is moved first
(or last) by a transpose with a run-time perm, the op runs along that fixed axis and the
result moves back. Gradients flow through the transposes. The result's rank is known
where the input's is; its dims only when the graph runs.

    moved, back = to_front(x, axis)         # x's `axis` as dim 0; back undoes it
"""
from .. import dtypes
from ..graph import Tensor


def _at(x, axis):
    """(axis as a non-negative int32 scalar, x's rank as a scalar tensor)."""
    from .array import shape
    from .broadcast import select
    from .elementwise import add, cast, less
    axis = axis if axis.dtype == dtypes.int32 else cast(axis, dtypes.int32)
    r = shape(shape(x))[0]
    return select(less(axis, 0), add(axis, r), axis), r


def _moved(x, perm):
    from .array import transpose
    from .array_more import invert_permutation
    out = transpose(x, perm)
    if x.shape.ndims is not None:
        out.set_shape([None] * x.shape.ndims)
    return out, invert_permutation(perm)


def front_perm(x, axis):
    """The perm moving x's run-time `axis` to dim 0 (the others keep their order)."""
    from .creation import range as range_
    from .join import concat
    at, r = _at(x, axis)
    return concat([at[None], range_(at), range_(at + 1, r)], 0)


def to_front(x, axis):
    """(x with run-time `axis` moved to dim 0, the perm that moves it back)."""
    return _moved(x, front_perm(x, axis))


def to_back(x, axis):
    """(x with run-time `axis` moved to the last dim, the perm that moves it back)."""
    from .creation import range as range_
    from .join import concat
    at, r = _at(x, axis)
    return _moved(x, concat([range_(at), range_(at + 1, r), at[None]], 0))


def back(y, perm, rank=None, name=None):
    """y transposed by perm (what to_front / to_back gave), of static `rank` if known."""
    from .array import transpose
    out = transpose(y, perm, name=name)
    if rank is not None:
        out.set_shape([None] * rank)
    return out


def along(x, axis, fn, last=False, name=None):
    """fn(x with axis moved first (last=True: last)) moved back: fn keeps the moved
    tensor's dims (cumsum, softmax, reverse)."""
    moved, perm = (to_back if last else to_front)(x, axis)
    return back(fn(moved), perm, x.shape.ndims, name)


def is_run_time(axis):
    """Whether `axis` is a tensor (or holds one) known only when the graph runs."""
    from .array import run_time
    return isinstance(axis, (Tensor, list, tuple)) and run_time(axis) is not None
