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

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import InferError, TensorShape
from .array import SHAPE, _computed, _reduce_sum, _shape_tensor, shape, shape_of, zeros_like
from .core import convert_to_tensor
from .join import stack
from .registry import OpDef, apply1, constant_value, register, shape_value

__all__ = ["slice", "pad", "gather", "unsorted_segment_sum"]     # (the last two: gather.py)


def _int_index(ctx, i, t, what):
    if not t.dtype.is_integer:
        raise InferError(f"{what} {{{i}}} must be an integer tensor, not {t.dtype.name}",
                         "dtype")


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
        else:
            raise TypeError(
                f"cannot index a tensor with {type(k).__name__} {k!r}: use ints, slices, "
                "..., None or scalar int tensors (gc.gather picks several elements) "
                f"(at {errors.format_site(errors.user_site())})")
    return tuple(spec), tensors


def _bound(b):
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
    dims = x.shape.dims
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
    return None if s.dims is None else TensorShape(s.dims[builtins.slice(*spec[0][1:])])


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
    dims = None if s_i is None else shape_value(s_i[0]).dims
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


# ---- slice and pad ------------------------------------------------------------------------
def _infer_slice(ctx, x, begin, size):
    _int_index(ctx, 1, begin, "begin")
    _int_index(ctx, 2, size, "size")
    b, s = ctx.constant_value(begin), ctx.constant_value(size)
    dims = x.shape.dims
    if dims is None:
        r = next((len(v) for v in (b, s) if v is not None), begin.shape[0])
        return (None if not isinstance(r, int) else (None,) * r), x.dtype
    r = len(dims)
    for what, v in (("begin", b), ("size", s)):
        if v is not None and (v.ndim != 1 or len(v) != r):
            raise InferError(f"{what} {v.tolist()} must have one entry per dim of {{0}} "
                             f"(rank {r})")
    sizes = [int(n) for n in s] if s is not None else ctx.shape_value(size).dims
    sizes = sizes if sizes is not None and len(sizes) == r else [None] * r
    out = []
    for k, d in enumerate(dims):
        n, bk, sk = ctx.resolve(d), None if b is None else int(b[k]), sizes[k]
        if bk is not None and bk < 0 or isinstance(sk, int) and sk < -1:
            raise InferError("begin must be >= 0 and size >= -1 (-1: to the end), got "
                             f"begin {'?' if b is None else b.tolist()} and size {sizes}")
        end = None if bk is None or not isinstance(sk, int) else \
            (bk if sk == -1 else bk + sk)
        if n is not None and end is not None and end > n:
            raise InferError(f"slice out of bounds at dim {k} of {{0}}: begin {bk} + size "
                             f"{sk} > {n}")
        if sk != -1:
            out.append(sk)                         # an int, a named dim or None
        else:
            out.append(d if bk == 0 else None if None in (n, bk) else n - bk)
    return tuple(out), x.dtype


def _slice_kernel(x, begin, size):
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise ValueError(f"slice: begin and size need {x.ndim} entries")
    key = []
    for n, b, s in zip(x.shape, begin.tolist(), size.tolist()):
        end = n if s == -1 else b + s
        if b < 0 or s < -1 or end > n or b > n:
            raise ValueError(f"slice begin {begin.tolist()}, size {size.tolist()} is out of "
                             f"bounds for shape {x.shape}")
        key.append(builtins.slice(b, end))
    return x[tuple(key)]


def _slice_vjp(node, gs):
    """g padded with zeros back to x's shape: [begin, dim - begin - size] per dim."""
    x, begin, _ = node.inputs
    y = node.outputs[0]
    b = constant_value(begin)
    if b is not None and x.shape.is_fully_defined() and y.shape.is_fully_defined():
        paddings = [[bk, n - bk - m] for bk, n, m in zip(b.tolist(), x.shape.dims,
                                                          y.shape.dims)]
    else:
        after = shape(x, out_type=begin.dtype) - begin - shape(y, out_type=begin.dtype)
        paddings = stack([begin, after], axis=1)
    return [pad(gs[0], paddings), None, None]


SLICE = register(OpDef(
    "Slice", _infer_slice, _slice_kernel, vjp=_slice_vjp,
    jvp=lambda node, ts: None if ts[0] is None else slice(ts[0], *node.inputs[1:]),
    api="slice", signature="slice(input_, begin, size, name=None)",
    shape_rule="size (a -1 runs to the end of the dim)", dtypes="any; begin, size int",
    doc="The block of input_ that starts at begin and has shape size."))


def slice(input_, begin, size, name=None):  # noqa: A001 (TF1 name)
    """The block starting at begin of shape size (-1: to the end of that dim).

        gc.slice(x, [0, 1], [2, -1])    # x[0:2, 1:]
    """
    return apply1(SLICE, (convert_to_tensor(input_), _shape_tensor(begin),
                          _shape_tensor(size)), name=name)


_MIRROR_LIMIT = {"REFLECT": 1, "SYMMETRIC": 0}   # pad <= dim - limit


def _infer_pad(ctx, x, paddings, cval, *, mode):
    _int_index(ctx, 1, paddings, "paddings")
    ctx.same_dtype(0, 2)
    if cval.shape.rank not in (0, None):
        raise InferError(f"constant_values {{2}} must be a scalar, not of shape {cval.shape}")
    dims, p = x.shape.dims, ctx.constant_value(paddings)
    if p is None or dims is None:
        r = len(dims) if dims is not None else len(p) if p is not None else \
            paddings.shape[0] if paddings.shape.rank == 2 else None
        return (None if not isinstance(r, int) else (None,) * r), x.dtype
    if p.ndim != 2 or p.shape[1:] != (2,) or (p < 0).any() or len(p) != len(dims):
        raise InferError(f"paddings must be {len(dims)} pairs [before, after] of sizes "
                         f">= 0, one per dim of {{0}}, got {p.tolist()}")
    out = []
    for k, (d, (a, b)) in enumerate(zip(dims, p.tolist())):
        n, limit = ctx.resolve(d), _MIRROR_LIMIT.get(mode)
        if limit is not None and n is not None and max(a, b) > n - limit:
            raise InferError(f"{mode} padding of {max(a, b)} is too large for dim {k} of "
                             f"{{0}}, of size {n} (at most {n - limit})")
        out.append(d if a == b == 0 else None if n is None else n + a + b)
    return tuple(out), x.dtype


def _pad_kernel(x, paddings, cval, *, mode):
    widths = [(int(a), int(b)) for a, b in paddings]
    if mode == "CONSTANT":
        return np.pad(x, widths, constant_values=cval)
    return np.pad(x, widths, mode=mode.lower())


def _pad_vjp(node, gs):
    """CONSTANT: x gets the slice of g where x sits; constant_values the rest,
    sum(g) - sum(that slice). REFLECT/SYMMETRIC fold the borders back (MirrorPadGrad)."""
    x, paddings, cval = node.inputs
    g, mode = gs[0], node.attrs["mode"]
    if mode != "CONSTANT":
        return [apply1(MIRROR_PAD_GRAD, (g, paddings), mode=mode), None, None]
    p = constant_value(paddings)
    gx = slice(g, p[:, 0].tolist() if p is not None else paddings[:, 0], shape_of(x))
    return [gx, None, _reduce_sum(g, None) - _reduce_sum(gx, None)]


def _pad_jvp(node, ts):
    x, paddings, cval = node.inputs
    tx, _, tc = ts
    mode = node.attrs["mode"]
    if tx is None and (tc is None or mode != "CONSTANT"):
        return None
    tx = zeros_like(x) if tx is None else tx
    return pad(tx, paddings, mode, constant_values=0 if tc is None else tc)


PAD = register(OpDef(
    "Pad", _infer_pad, _pad_kernel, vjp=_pad_vjp, jvp=_pad_jvp, api="pad",
    signature="pad(tensor, paddings, mode='CONSTANT', name=None, constant_values=0)",
    shape_rule="out[i] = tensor[i] + paddings[i][0] + paddings[i][1]",
    dtypes="any; paddings int",
    doc="Pads with constant_values, or mirrors the edges (REFLECT / SYMMETRIC)."))


def _infer_mirror_pad_grad(ctx, g, paddings, *, mode):
    _int_index(ctx, 1, paddings, "paddings")
    dims, p = g.shape.dims, ctx.constant_value(paddings)
    if dims is None or p is None:
        return (None if dims is None else (None,) * len(dims)), g.dtype
    out = []
    for d, (a, b) in zip(dims, p.tolist()):
        n = ctx.resolve(d)
        out.append(d if a == b == 0 else None if n is None else n - a - b)
    return tuple(out), g.dtype


def _mirror_pad_grad_kernel(g, paddings, *, mode):
    """Adds each mirrored border of g onto the element it copies (pad's transpose)."""
    off = 1 if mode == "REFLECT" else 0
    for k, (a, b) in enumerate(paddings.tolist()):
        g = np.moveaxis(g, k, 0)
        n = g.shape[0] - a - b
        core = g[a:a + n].copy()
        # border row j before x copies x[a - 1 + off - j]; after x, x[n - 1 - off - j]
        np.add.at(core, a - 1 + off - np.arange(a), g[:a])
        np.add.at(core, n - 1 - off - np.arange(b), g[a + n:])
        g = np.moveaxis(core, 0, k)
    return g


MIRROR_PAD_GRAD = register(OpDef(
    "MirrorPadGrad", _infer_mirror_pad_grad, _mirror_pad_grad_kernel,
    vjp=lambda node, gs: [pad(gs[0], node.inputs[1], node.attrs["mode"]), None],
    jvp=lambda node, ts: None if ts[0] is None else apply1(
        MIRROR_PAD_GRAD, (ts[0], node.inputs[1]), mode=node.attrs["mode"]),
    api="mirror_pad_grad", signature="(the vjp of pad with REFLECT or SYMMETRIC)",
    shape_rule="out[i] = g[i] - paddings[i][0] - paddings[i][1]", dtypes="numeric",
    doc="Folds a mirror-padded gradient back onto the unpadded shape."))


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """tensor padded by paddings[i] = [before, after] along each dim i.

        gc.pad(x, [[1, 1], [0, 2]])                 # zeros around x
        gc.pad(x, [[2, 2]], mode="REFLECT")         # [3 2 1 2 3 2 1] from [1 2 3]
    """
    x = convert_to_tensor(tensor)
    mode = str(mode).upper()
    if mode not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: mode must be CONSTANT, REFLECT or SYMMETRIC, not {mode!r}")
    if x.dtype is dtypes.string and type(constant_values) is int and constant_values == 0:
        constant_values = b""                  # TF1 pads strings with b"" by default
    cval = convert_to_tensor(constant_values, dtype=x.dtype) \
        if not isinstance(constant_values, Tensor) else constant_values
    return apply1(PAD, (x, _paddings(paddings), cval), name=name, mode=mode)


def _paddings(p):
    """An int tensor of shape (rank, 2) from paddings given as a tensor or nested list."""
    if isinstance(p, Tensor):
        return p
    if any(_computed(q) for q in p):
        return stack([_shape_tensor(q) for q in p])
    return convert_to_tensor(np.asarray(p, dtype=np.int32).reshape(-1, 2))


from .gather import *  # noqa: E402,F401,F403  (gather and its transpose use the helpers above)
from .gather import GATHER, SEGMENT_SUM  # noqa: E402,F401
