"""Ops that take parts of tensors, in pairs that are each other's transpose: x[key]
(StridedSlice) and StridedSliceGrad, slice and pad (MirrorPadGrad for the mirror modes),
gather and unsorted_segment_sum (in gather.py, re-exported here). (concat/split and
stack/unstack are in join.py.)
Each op's vjp is the other op of its pair, whose vjp is the first again, so derivatives
of any order work.

This module defines gc.slice: Python's own is spelled builtins.slice here.
"""
import builtins

import numpy as np

from .. import errors
from ..dimension import Dimension
from ..graph import Tensor
from ..shapes import InferError, TensorShape
from .array import SHAPE, _shape_tensor, shape_of
from .core import convert_to_tensor
from .registry import OpDef, apply1, constant_value, register, shape_value
from .slice_pad import (MIRROR_PAD_GRAD, PAD, SLICE, _int_index, pad,  # noqa: F401 (re-exports)
                        slice)

__all__ = ["slice", "pad", "gather", "unsorted_segment_sum"]     # (the last two: gather.py)


# ---- x[key]: StridedSlice and its transpose -----------------------------------------------
# A key is stored as a hashable spec, one entry per item: ("int", i), ("slice", start,
# stop, step), ("tensor", k) (a scalar int tensor, input k), ("...",) or ("new",). A
# slice bound is an int, None or ("tensor", k).
def _parse_key(key):
    """(spec, tensor indices) of a numpy basic-indexing key."""
    spec, tensors = [], []

    def bound(b):
        if not isinstance(b, Tensor):
            return _bound(b)
        v = constant_value(b)
        if v is not None and v.ndim == 0 and b.dtype.is_integer:
            return int(v)
        tensors.append(b)
        return ("tensor", len(tensors))

    for k in key if isinstance(key, tuple) else (key,):
        if k is Ellipsis:
            spec.append(("...",))
        elif k is None:
            spec.append(("new",))
        elif isinstance(k, builtins.slice):
            spec.append(("slice",) + tuple(bound(b) for b in (k.start, k.stop, k.step)))
        elif isinstance(k, Tensor):
            v = constant_value(k)
            if v is not None and v.ndim == 0 and k.dtype.is_integer:
                spec.append(("int", int(v)))
            else:
                tensors.append(k)
                spec.append(("tensor", len(tensors)))
        elif isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
            spec.append(("int", int(k)))
        elif isinstance(k, Dimension):          # TF1: x[:, y.shape[1] - 1]
            spec.append(("int", _dimension(k)))
        else:
            raise TypeError(
                f"cannot index a tensor with {type(k).__name__} {k!r}: use ints, slices, "
                "..., None or scalar int tensors (gc.gather picks several elements) "
                f"(at {errors.format_site(errors.user_site())})")
    return tuple(spec), tensors


def _dimension(d):
    """A TF1 Dimension used as an index or bound: its int value (known, not named)."""
    if not isinstance(d.value, int):
        raise TypeError(f"cannot index with {d!r}: its size is not known when the graph is "
                        f"built (use gc.shape(x)[i]) (at "
                        f"{errors.format_site(errors.user_site())})")
    return d.value


def _bound(b):
    if isinstance(b, Dimension):                # TF1: x[:, :y.shape[1]]
        return _dimension(b)
    if b is None or isinstance(b, (int, np.integer)) and not isinstance(b, bool):
        return None if b is None else int(b)
    raise TypeError(f"slice bounds must be ints, None or scalar int tensors, got {b!r} "
                    f"(at {errors.format_site(errors.user_site())})")


def _numpy_key(spec, idx):
    """The numpy key of a spec, given the values idx of its tensor indices."""
    key = []
    for tag, *args in spec:
        if tag == "slice":
            key.append(builtins.slice(*(int(idx[a[1] - 1]) if isinstance(a, tuple) else a
                                        for a in args)))
        elif tag == "int":
            key.append(args[0])
        elif tag == "tensor":
            key.append(int(idx[args[0] - 1]))
        else:
            key.append(Ellipsis if tag == "..." else None)
    return tuple(key)


def _slice_len(bounds, dim, n):
    """The length of dim (n if known) sliced by (start, stop, step)."""
    start, stop, step = bounds
    if step == 0:
        raise InferError("slice step cannot be zero")
    if any(isinstance(b, tuple) for b in bounds):     # a bound known when the graph runs
        return None
    if n is not None:
        return len(builtins.range(n)[builtins.slice(start, stop, step)])
    return dim if start is None and stop is None and step in (None, 1, -1) else None


def _infer_strided_slice(ctx, x, *idx, spec):
    for i, t in enumerate(idx, 1):
        _int_index(ctx, i, t, "the index")
        if t.shape.rank not in (0, None):
            raise InferError(f"the index {{{i}}} must be a scalar, not of shape {t.shape} "
                             "(gc.gather picks several elements)")
    if sum(e[0] == "..." for e in spec) > 1:
        raise InferError("an index can have only one Ellipsis (...)")
    dims = x.shape._dims
    if dims is None:
        return None, x.dtype
    used = sum(e[0] in ("int", "slice", "tensor") for e in spec)
    if used > len(dims):
        raise InferError(f"too many indices: {used} for {{0}} of rank {len(dims)}")
    if not any(e[0] == "..." for e in spec):
        spec = spec + (("...",),)
    out, k = [], 0
    for e in spec:
        if e[0] == "...":
            out.extend(dims[k:k + len(dims) - used])
            k += len(dims) - used
        elif e[0] == "new":
            out.append(1)
        else:
            n = ctx.resolve(dims[k])
            if e[0] == "int" and n is not None and not -n <= e[1] < n:
                raise InferError(f"index {e[1]} is out of bounds for dim {k} of {{0}}, "
                                 f"of size {n}")
            if e[0] == "slice":
                out.append(_slice_len(e[1:], dims[k], n))
            k += 1
    return tuple(out), x.dtype


def _strided_slice_partial(node):
    """shape(x)[a:b] of a partly known shape(x) is that part of it."""
    spec = node.attrs["spec"]
    if len(spec) != 1 or spec[0][0] != "slice" or any(isinstance(b, tuple)
                                                     for b in spec[0][1:]):
        return None
    s = shape_value(node.inputs[0])
    return None if s._dims is None else TensorShape(s._dims[builtins.slice(*spec[0][1:])])


def _element_of(t):
    """(s, i) if t is s[i], one element of a 1-D tensor s, else None."""
    spec = t.node.attrs.get("spec") if t.node.op is STRIDED_SLICE else None
    if spec is None or len(spec) != 1 or spec[0][0] != "int" or len(t.node.inputs) != 1:
        return None
    return t.node.inputs[0], spec[0][1]


def scalar_dim(t):
    """What is known of scalar int tensor t used as a dim: an int >= 0, a named dim or
    None. shape(x)[i] is dim i of x, even where x's other dims are unknown."""
    v = constant_value(t)
    if v is not None:
        return int(v) if v.ndim == 0 and v >= 0 else None
    s_i = _element_of(t)
    dims = None if s_i is None else shape_value(s_i[0])._dims
    if dims is not None and -len(dims) <= s_i[1] < len(dims):
        return dims[s_i[1]]
    return None


def dim_of(t):
    """(y, i) if t is shape(y)[i] for a y of known rank, else None."""
    s_i = _element_of(t)
    if s_i is None or s_i[0].node.op is not SHAPE:
        return None
    y, i = s_i[0].node.inputs[0], s_i[1]
    r = y.shape.rank
    return (y, i % r) if r is not None and -r <= i < r else None


def _strided_slice_vjp(node, gs):
    """g written into zeros of x's shape at the indexed places (StridedSliceGrad)."""
    x, *idx = node.inputs
    g = apply1(STRIDED_SLICE_GRAD, (gs[0], _shape_tensor(shape_of(x)), *idx),
               spec=node.attrs["spec"])
    return [g] + [None] * len(idx)


STRIDED_SLICE = register(OpDef(
    "StridedSlice", _infer_strided_slice,
    lambda x, *idx, spec: np.asarray(x[_numpy_key(spec, idx)], x.dtype),  # 0-d: an array
    vjp=_strided_slice_vjp,
    jvp=lambda node, ts: None if ts[0] is None else apply1(
        STRIDED_SLICE, (ts[0],) + tuple(node.inputs[1:]), spec=node.attrs["spec"]),
    partial=_strided_slice_partial, api="Tensor.__getitem__",
    signature="x[i, a:b:s, ..., None, t]  (Tensor.__getitem__)",
    shape_rule="numpy basic indexing", dtypes="any; tensor indices scalar int",
    doc="numpy basic indexing: ints, slices with steps, ..., None, scalar int tensors."))


def _infer_strided_slice_grad(ctx, g, shape, *idx, spec):
    _int_index(ctx, 1, shape, "the shape")
    return ctx.shape_value(shape), g.dtype


def _strided_slice_grad_kernel(g, shape, *idx, spec):
    out = np.zeros(tuple(int(d) for d in shape), g.dtype)
    out[_numpy_key(spec, idx)] = g        # basic indexing reaches each element once
    return out


STRIDED_SLICE_GRAD = register(OpDef(
    "StridedSliceGrad", _infer_strided_slice_grad, _strided_slice_grad_kernel,
    vjp=lambda node, gs: [apply1(STRIDED_SLICE, (gs[0],) + tuple(node.inputs[2:]),
                                 spec=node.attrs["spec"])] + [None] * (len(node.inputs) - 1),
    jvp=lambda node, ts: None if ts[0] is None else apply1(
        STRIDED_SLICE_GRAD, (ts[0],) + tuple(node.inputs[1:]), spec=node.attrs["spec"]),
    api="strided_slice_grad", signature="(the vjp of x[key])",
    shape_rule="`shape`", dtypes="any; shape int",
    doc="zeros of `shape` with g written at x[key]: the transpose of indexing."))


def strided_slice_(x, key):
    """x[key] (Tensor.__getitem__): numpy basic indexing with ints (negative count from
    the end), slices with any step, ..., None (np.newaxis) and scalar int tensors.

        x[:, 0]    x[1:-1, ::2]    x[..., None]    x[i]   (i a scalar int tensor)
    """
    spec, idx = _parse_key(key)
    return apply1(STRIDED_SLICE, (convert_to_tensor(x), *idx), name="strided_slice",
                  spec=spec)


from .gather import *  # noqa: E402,F401,F403  (gather and its transpose use the helpers above)
from .gather import GATHER, SEGMENT_SUM  # noqa: E402,F401
