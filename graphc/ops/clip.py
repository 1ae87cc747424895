"""Norm clipping (TF1 clip_ops): clip_by_norm, global_norm, clip_by_global_norm.

All three are composites of existing ops, written as TF1 writes them, so their values,
NaN behaviour and gradients are TF1's.
"""
import collections.abc

from .. import errors
from ..graph import Tensor, name_scope
from . import elementwise as E
from . import reduce as R
from .broadcast import select
from .core import constant, convert_to_tensor
from .array import size
from .join import stack
from .nn import l2_loss

__all__ = ["clip_by_norm", "global_norm", "clip_by_global_norm", "clip_by_average_norm"]


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """t * clip_norm / max(l2norm(t), clip_norm): t unchanged if its L2 norm (over
    `axes`, default all) is at most clip_norm, else scaled down to norm clip_norm.

        g = gc.clip_by_norm(g, 5.0)
        rows = gc.clip_by_norm(embeddings, 1.0, axes=[1])     # each row separately
    A zero t gives zero (and a finite gradient: the sqrt only sees positive sums)."""
    slices = _slices(t)
    if slices is not None:      # TF1: the values are clipped by their own norm
        return type(t)(clip_by_norm(t.values, clip_norm, axes, name), t.indices,
                       t.dense_shape)
    with name_scope(name, "clip_by_norm", [t]) as scope:
        t = convert_to_tensor(t)
        l2sum = R.reduce_sum(t * t, axis=axes, keepdims=True)
        pred = E.greater(l2sum, 0)
        # two wheres keep sqrt's gradient at 0 out of the graph (TF1's trick)
        l2sum_safe = select(pred, l2sum, E.ones_like_(l2sum))
        l2norm = select(pred, E.sqrt(l2sum_safe), l2sum)
        intermediate = t * clip_norm
        if intermediate.shape != t.shape and intermediate.shape._dims is not None \
                and t.shape._dims is not None:
            raise errors.ShapeError(
                f"clip_by_norm: clip_norm would broadcast t of shape {t.shape} to "
                f"{intermediate.shape}; it must be a scalar (or broadcast to t)\n"
                f"  {errors.describe_tensor(t, t.name)}" + errors.called_at("clip_by_norm"))
        return E.divide(intermediate, E.maximum(l2norm, clip_norm), name=scope)  # TF1:
        #                                                       the result takes the name


def _slices(t):
    """t if it is an IndexedSlices (a sparse gradient), else None."""
    from ..indexed_slices import IndexedSlices
    return t if isinstance(t, IndexedSlices) else None


def _sequence(t_list, api):
    """The tensors of t_list (an IndexedSlices stands for its values, as in TF1)."""
    if not isinstance(t_list, collections.abc.Sequence) or isinstance(t_list, str):
        raise TypeError(f"{api}: t_list should be a sequence (a list or tuple of tensors "
                        f"or None), not {type(t_list).__name__}")
    return [None if t is None else t.values if _slices(t) is not None
            else convert_to_tensor(t) for t in t_list]


def global_norm(t_list, name=None):
    """sqrt(sum of every element squared) over the tensors of t_list (None ignored).

        norm = gc.global_norm([g for g, v in grads_and_vars])"""
    values = _sequence(t_list, "global_norm")
    present = [v for v in values if v is not None]
    if not present:
        raise ValueError("global_norm: t_list holds no tensors (only None)")
    with name_scope(name, "global_norm", present):
        half_squared = R.reduce_sum(stack([l2_loss(v) for v in present]))
        return E.sqrt(half_squared * constant(2.0, dtype=half_squared.dtype),
                      name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """(list_clipped, global_norm): each t * clip_norm / max(global_norm, clip_norm).

        grads, norm = gc.clip_by_global_norm(grads, 5.0)
        train = opt.apply_gradients(zip(grads, variables))
    None entries stay None. use_norm, if given, stands for global_norm(t_list). If the
    norm is inf or NaN, every clipped value is NaN (as in TF1)."""
    values = _sequence(t_list, "clip_by_global_norm")
    if use_norm is None:
        use_norm = global_norm(values, name)
    use_norm = convert_to_tensor(use_norm)
    with name_scope(name, "clip_by_global_norm", [use_norm]):
        one = constant(1.0, dtype=use_norm.dtype)
        clip = clip_norm if isinstance(clip_norm, Tensor) else \
            convert_to_tensor(clip_norm, dtype=use_norm.dtype)
        scale_for_finite = clip * E.minimum(1.0 / use_norm, one / clip)
        # + (n - n): nothing for a finite norm, NaN for inf or NaN
        scale = scale_for_finite + (use_norm - use_norm)
        clipped = [None if v is None else
                   E.multiply(v, scale if scale.dtype is v.dtype else E.cast(scale, v.dtype),
                              name=f"clipped_{i}")
                   for i, v in enumerate(values)]
    clipped = [c if _slices(t) is None else type(t)(c, t.indices, t.dense_shape)
               for c, t in zip(clipped, t_list)]
    return clipped, use_norm


def clip_by_average_norm(t, clip_norm, name=None):
    """t * clip_norm / max(l2norm(t) / size(t), clip_norm) (TF1, deprecated there): t
    scaled down so that its L2 norm divided by its number of elements is at most
    clip_norm.

        g = gc.clip_by_average_norm(g, 0.01)"""
    with name_scope(name, "clip_by_average_norm", [t]):
        t = convert_to_tensor(t)
        n = E.cast(size(t), t.dtype)
        l2norm_inv = E.rsqrt(R.reduce_sum(t * t))
        one = constant(1.0, dtype=t.dtype)
        return E.multiply(t * clip_norm, E.minimum(l2norm_inv * n, one / clip_norm),
                          name="clip_by_average_norm")
