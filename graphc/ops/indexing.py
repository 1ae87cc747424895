"""Ops that take parts of tensors and put parts together, in pairs that are each other's
transpose: x[key] (StridedSlice) and StridedSliceGrad, slice and pad (MirrorPadGrad for
the mirror modes), concat and split, stack and unstack, gather and unsorted_segment_sum.
Each op's vjp is the other op of its pair, whose vjp is the first again, so derivatives
of any order work.

This module defines gc.slice: Python's own is spelled builtins.slice here.
"""
import builtins

import numpy as np

from .. import errors
from ..graph import Tensor
from ..shapes import InferError, TensorShape
from .array import (SHAPE, _computed, _reduce_sum, _shape_tensor, as_int, shape, shape_of,
                    static_value, transpose, zeros_like)
from .core import convert_to_tensor
from .registry import OpDef, apply, apply1, constant_value, register, shape_value

__all__ = ["slice", "pad", "concat", "split", "stack", "unstack", "gather",
           "unsorted_segment_sum"]


def _int_index(ctx, i, t, what):
    if not t.dtype.is_integer:
        raise InferError(f"{what} {{{i}}} must be an integer tensor, not {t.dtype.name}",
                         "dtype")


def _tensors(values, api):
    """Tensors from a list of tensors and Python values (these take the tensors' dtype)."""
    if isinstance(values, Tensor):
        raise TypeError(f"{api}: expected a list of tensors, got the tensor '{values.name}' "
                        "(use gc.unstack to split a tensor into a list)")
    values = list(values)
    first = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = first.dtype if first is not None else None
    return [v if isinstance(v, Tensor) else convert_to_tensor(v, dtype=dtype) for v in values]


def _same_rank_shapes(ctx, xs, need, skip=None):
    """The merged dims of xs (all of one rank, equal dims except dim `skip`), or None if no
    rank is known. `need` ends the error message."""
    known = [i for i, x in enumerate(xs) if x.shape.dims is not None]
    if not known:
        return None
    f = known[0]
    dims, owner = list(xs[f].shape.dims), [f] * len(xs[f].shape.dims)
    for i in known[1:]:
        s = xs[i].shape
        if len(s.dims) != len(dims):
            raise InferError(f"{{{f}}} has shape {xs[f].shape} but {{{i}}} has shape {s}: "
                             f"ranks differ ({len(dims)} vs {len(s.dims)}); {need}")
        for k, d in enumerate(s.dims):
            if k == skip:
                continue
            if not ctx.compatible(dims[k], d):
                o = owner[k]
                raise InferError(
                    f"{{{o}}} has shape {xs[o].shape} but {{{i}}} has shape {s}: dim {k} "
                    f"differs ({ctx.dim_str(dims[k])} vs {ctx.dim_str(d)}); {need}")
            if dims[k] is None and d is not None:
                owner[k] = i
            dims[k] = ctx.merge(dims[k], d)
    return dims


# ---- x[key]: StridedSlice and its transpose -----------------------------------------------
# A key is stored as a hashable spec, one entry per item: ("int", i), ("slice", start,
# stop, step), ("tensor", k) (a scalar int tensor, input k), ("...",) or ("new",).
def _parse_key(key):
    """(spec, tensor indices) of a numpy basic-indexing key."""
    spec, tensors = [], []
    for k in key if isinstance(key, tuple) else (key,):
        if k is Ellipsis:
            spec.append(("...",))
        elif k is None:
            spec.append(("new",))
        elif isinstance(k, builtins.slice):
            spec.append(("slice",) + tuple(_bound(b) for b in (k.start, k.stop, k.step)))
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
    raise TypeError(f"slice bounds must be ints or None, got {b!r}: use gc.slice for "
                    f"computed bounds (at {errors.format_site(errors.user_site())})")


def _numpy_key(spec, idx):
    """The numpy key of a spec, given the values idx of its tensor indices."""
    key = []
    for tag, *args in spec:
        if tag == "slice":
            key.append(builtins.slice(*args))
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
    if len(spec) != 1 or spec[0][0] != "slice":
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
    lambda x, *idx, spec: np.asarray(x[_numpy_key(spec, idx)]),
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


# ---- concat, stack, unstack, split --------------------------------------------------------
def _infer_concat(ctx, *xs, axis):
    if not xs:
        raise InferError("concat needs at least one value")
    ctx.same_dtype()
    ranked = [i for i, x in enumerate(xs) if x.shape.dims is not None]
    if not ranked:
        return None, xs[0].dtype
    a = ctx.axis(axis, xs[ranked[0]].shape.rank, ranked[0])
    dims = _same_rank_shapes(ctx, xs, f"concat along axis {a} needs equal ranks and all "
                                      "other dims equal", skip=a)
    sizes = [ctx.resolve(x.shape.dims[a]) if x.shape.dims is not None else None for x in xs]
    if all(s is not None for s in sizes):
        dims[a] = sum(sizes)
    elif len(xs) > 1:
        dims[a] = None
    return tuple(dims), xs[0].dtype


def _concat_vjp(node, gs):
    """Each value's part of g: split(g, [n_0, n_1, ...], axis)."""
    axis = node.attrs["axis"]
    sizes = [x.shape.dims[axis] if x.shape.dims is not None and isinstance(
        x.shape.dims[axis], int) else shape(x)[axis] for x in node.inputs]
    return split(gs[0], sizes, axis=axis, num=len(sizes))


def _join_jvp(join):
    """The jvp of a join (concat, stack): the same join of the tangents, zeros filling in
    for the inputs without one. (`join` is a lambda: concat/stack are defined below.)"""
    def jvp(node, ts):
        if all(t is None for t in ts):
            return None
        return join([zeros_like(x) if t is None else t for x, t in zip(node.inputs, ts)],
                    node.attrs["axis"])
    return jvp


CONCAT = register(OpDef(
    "ConcatV2", _infer_concat, lambda *xs, axis: np.concatenate(xs, axis=axis),
    vjp=_concat_vjp, jvp=_join_jvp(lambda xs, axis: concat(xs, axis)), api="concat",
    signature="concat(values, axis, name='concat')",
    shape_rule="dims equal except axis, which adds up", dtypes="any (all the same)",
    doc="Joins tensors along an existing axis."))


def concat(values, axis, name="concat"):
    """Joins values along `axis`: (2, 3) and (2, 5) along axis 1 give (2, 8)."""
    return apply1(CONCAT, _tensors(values, "concat"), name=name,
                  axis=as_int(static_value(axis, "concat: axis")))


def _infer_pack(ctx, *xs, axis):
    if not xs:
        raise InferError("stack needs at least one value")
    ctx.same_dtype()
    dims = _same_rank_shapes(ctx, xs, "stack needs equal shapes")
    if dims is None:
        return None, xs[0].dtype
    dims.insert(ctx.axis(axis, len(dims), extra=1), len(xs))
    return tuple(dims), xs[0].dtype


def _pack_partial(node):
    """Stacked scalars as a shape: each dim is its scalar's value where that is known."""
    if node.outputs[0].shape.rank != 1:
        return None
    return TensorShape(tuple(scalar_dim(t) for t in node.inputs))


PACK = register(OpDef(
    "Pack", _infer_pack, lambda *xs, axis: np.stack(xs, axis=axis),
    vjp=lambda node, gs: unstack(gs[0], len(node.inputs), node.attrs["axis"]),
    jvp=_join_jvp(lambda xs, axis: stack(xs, axis)), partial=_pack_partial, api="stack",
    signature="stack(values, axis=0, name='stack')",
    shape_rule="values' common shape with len(values) inserted at axis",
    dtypes="any (all the same)", doc="Stacks equal-shaped tensors along a new axis."))


def stack(values, axis=0, name="stack"):
    """Stacks equal-shaped values along a new axis: three (4,) give (3, 4) (axis=0)."""
    return apply1(PACK, _tensors(values, "stack"), name=name,
                  axis=as_int(static_value(axis, "stack: axis")))


def _infer_unpack(ctx, x, *, num, axis):
    dims = x.shape.dims
    if dims is None:
        if num is None:
            raise InferError("cannot unstack {0} of unknown rank without num=")
        return [(None, x.dtype)] * num
    a = ctx.axis(axis, len(dims))
    n = ctx.resolve(dims[a])
    if num is None and n is None:
        raise InferError(f"cannot infer num: dim {a} of {{0}} is {ctx.dim_str(dims[a])}; "
                         "pass num=")
    if num is not None and n is not None and n != num:
        raise InferError(f"num={num} but {{0}} has size {n} along axis {a}")
    return [(tuple(dims[:a]) + tuple(dims[a + 1:]), x.dtype)] * (n if num is None else num)


def _unpack_kernel(x, *, num, axis):
    if num is not None and x.shape[axis] != num:
        raise ValueError(f"unstack: expected {num} along axis {axis}, got shape {x.shape}")
    parts = tuple(np.moveaxis(x, axis, 0))
    return parts[0] if len(parts) == 1 else parts


def _unpack_vjp(node, gs):
    parts = [zeros_like(y) if g is None else g for g, y in zip(gs, node.outputs)]
    return [stack(parts, node.attrs["axis"])]


UNPACK = register(OpDef(
    "Unpack", _infer_unpack, _unpack_kernel, vjp=_unpack_vjp,
    jvp=lambda node, ts: None if ts[0] is None else unstack(
        ts[0], len(node.outputs), node.attrs["axis"]),
    api="unstack", signature="unstack(value, num=None, axis=0, name='unstack')",
    shape_rule="num outputs, each value's shape without axis", dtypes="any",
    doc="Splits a tensor into the list of its slices along axis (num must be static)."))


def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of value along axis, as a list: (3, 4) gives three (4,) tensors."""
    node = apply(UNPACK, (convert_to_tensor(value),), name=name,
                 num=None if num is None else as_int(num),
                 axis=as_int(static_value(axis, "unstack: axis")))
    return list(node.outputs)


def _infer_split(ctx, x, *sizes, axis, num):
    dims = x.shape.dims
    if dims is None:
        return [(None, x.dtype)] * num
    a = ctx.axis(axis, len(dims))
    n = ctx.resolve(dims[a])
    if not sizes:
        if n is not None and n % num:
            raise InferError(f"cannot split {{0}} into {num} equal parts along axis {a}: "
                             f"its size there is {n}")
        parts = [dims[a]] if num == 1 else [None if n is None else n // num] * num
    else:
        if not sizes[0].dtype.is_integer:
            raise InferError("the sizes {1} must be an integer tensor", "dtype")
        v = ctx.constant_value(sizes[0])
        if v is None:
            parts = list(ctx.shape_value(sizes[0]).dims or (None,) * num)
        else:
            parts = [int(p) for p in np.reshape(v, -1)]
            rest = sum(p for p in parts if p != -1)
            if any(p < -1 for p in parts) or parts.count(-1) > 1 or \
                    (n is not None and (rest > n if -1 in parts else rest != n)):
                raise InferError(f"split sizes {parts} do not fit {{0}}, which has size "
                                 f"{ctx.dim_str(dims[a])} along axis {a} (sizes are >= 0, "
                                 "at most one -1, and add up to that size)")
            if -1 in parts:
                parts[parts.index(-1)] = None if n is None else n - rest
    return [(tuple(dims[:a]) + (p,) + tuple(dims[a + 1:]), x.dtype) for p in parts]


def _split_kernel(x, *sizes, axis, num):
    if not sizes:
        parts = np.split(x, num, axis=axis)
    else:
        s = [int(p) for p in sizes[0]]
        if -1 in s:
            s[s.index(-1)] = x.shape[axis] - sum(s) - 1
        if sum(s) != x.shape[axis] or min(s, default=0) < 0:
            raise ValueError(f"split sizes {list(sizes[0])} do not add up to "
                             f"{x.shape[axis]}, the size of axis {axis} of {x.shape}")
        parts = np.split(x, np.cumsum(s)[:-1], axis=axis)
    return parts[0] if num == 1 else tuple(parts)


def _split_vjp(node, gs):
    parts = [zeros_like(y) if g is None else g for g, y in zip(gs, node.outputs)]
    return [concat(parts, node.attrs["axis"])] + [None] * (len(node.inputs) - 1)


SPLIT = register(OpDef(
    "Split", _infer_split, _split_kernel, vjp=_split_vjp,
    jvp=lambda node, ts: None if ts[0] is None else list(
        apply(SPLIT, (ts[0],) + tuple(node.inputs[1:]), **node.attrs).outputs),
    api="split", signature="split(value, num_or_size_splits, axis=0, num=None, name='split')",
    shape_rule="num parts of value along axis (equal, or the given sizes; one may be -1)",
    dtypes="any; sizes int", doc="Splits a tensor along axis into a list of parts."))


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """A list of parts of value along axis: an int n gives n equal parts, a list of sizes
    parts of those sizes (one may be -1). `gc.split(x, [2, 3], axis=1)`."""
    value = convert_to_tensor(value)
    axis = as_int(static_value(axis, "split: axis"))
    n = as_int(num_or_size_splits)
    if isinstance(n, int):
        if n < 1:
            raise ValueError(f"split: the number of parts must be >= 1, got {n}")
        return list(apply(SPLIT, (value,), name=name, axis=axis, num=n).outputs)
    sizes = _shape_tensor(num_or_size_splits)
    n = sizes.shape[0] if num is None else num
    if not isinstance(n, int):
        raise ValueError("split: size_splits has an unknown length: pass num=")
    return list(apply(SPLIT, (value, sizes), name=name, axis=axis, num=n).outputs)


# ---- gather and unsorted_segment_sum ------------------------------------------------------
def _infer_gather(ctx, params, indices, *, axis):
    _int_index(ctx, 1, indices, "indices")
    dims, idims = params.shape.dims, indices.shape.dims
    if dims is None:
        return None, params.dtype
    a = ctx.axis(axis, len(dims))
    n, v = ctx.resolve(dims[a]), ctx.constant_value(indices)
    if n is not None and v is not None and v.size and (v.max() >= n or v.min() < -n):
        raise InferError(f"indices {{1}} reach {v.max() if v.max() >= n else v.min()}, "
                         f"out of range for dim {a} of {{0}}, of size {n}")
    if idims is None:
        return None, params.dtype
    return tuple(dims[:a]) + tuple(idims) + tuple(dims[a + 1:]), params.dtype


def _gather_vjp(node, gs):
    """Scatter-add g back into params' shape (unsorted_segment_sum over the indices).
    For axis a > 0, g (P[:a], I, P[a+1:]) is first brought to (I, P[:a], P[a+1:])."""
    params, indices = node.inputs
    r, ni, g = params.shape.rank, indices.shape.rank, gs[0]
    axis = node.attrs["axis"]
    if axis != 0 and (r is None or ni is None):
        raise NotImplementedError("the gradient of gather along axis != 0 needs known ranks")
    a = axis % r if axis else 0
    d = params.shape.dims[a] if r is not None else None
    n = d if isinstance(d, int) else shape(params)[a]
    if a == 0:
        return [unsorted_segment_sum(g, indices, n), None]
    lead = list(builtins.range(a, a + ni)) + list(builtins.range(a)) + \
        list(builtins.range(a + ni, r - 1 + ni))
    s = unsorted_segment_sum(transpose(g, lead), indices, n)    # (n, P[:a], P[a+1:])
    back = list(builtins.range(1, a + 1)) + [0] + list(builtins.range(a + 1, r))
    return [transpose(s, back), None]


GATHER = register(OpDef(
    "GatherV2", _infer_gather,
    lambda params, indices, *, axis: np.take(params, indices, axis=axis),
    vjp=_gather_vjp,
    jvp=lambda node, ts: None if ts[0] is None else gather(
        ts[0], node.inputs[1], axis=node.attrs["axis"]),
    api="gather", signature="gather(params, indices, validate_indices=None, name=None, "
                            "axis=0)",
    shape_rule="params[:axis] + indices + params[axis+1:]", dtypes="any; indices int",
    doc="Picks slices of params along axis (negative indices count from the end)."))


def gather(params, indices, validate_indices=None, name=None, axis=0):
    """Slices of params at indices along axis: `gc.gather(embeddings, ids)` gives one
    row of embeddings per id."""
    return apply1(GATHER, (convert_to_tensor(params), convert_to_tensor(indices)),
                  name=name, axis=as_int(static_value(axis, "gather: axis")))


def _infer_segment_sum(ctx, data, ids, num):
    ctx.require(0, "numeric")
    _int_index(ctx, 1, ids, "segment_ids")
    _int_index(ctx, 2, num, "num_segments")
    if num.shape.rank not in (0, None):
        raise InferError(f"num_segments {{2}} must be a scalar, not of shape {num.shape}")
    dims, idims = data.shape.dims, ids.shape.dims
    if dims is None or idims is None:
        return None, data.dtype
    if len(idims) > len(dims) or not all(ctx.compatible(a, b) for a, b in zip(dims, idims)):
        raise InferError(f"the shape {ids.shape} of segment_ids {{1}} must be a prefix of "
                         f"the shape {data.shape} of data {{0}}")
    return (scalar_dim(num),) + tuple(dims[len(idims):]), data.dtype


def _segment_sum_kernel(data, ids, num):
    out = np.zeros((int(num),) + data.shape[ids.ndim:], data.dtype)
    np.add.at(out, ids, data)               # repeated ids add up
    return out


SEGMENT_SUM = register(OpDef(
    "UnsortedSegmentSum", _infer_segment_sum, _segment_sum_kernel,
    vjp=lambda node, gs: [gather(gs[0], node.inputs[1]), None, None],
    jvp=lambda node, ts: None if ts[0] is None else unsorted_segment_sum(
        ts[0], *node.inputs[1:]),
    api="unsorted_segment_sum",
    signature="unsorted_segment_sum(data, segment_ids, num_segments, name=None)",
    shape_rule="(num_segments,) + data[rank(segment_ids):]",
    dtypes="numeric; segment_ids int",
    doc="out[i] = sum of the data[j...] with segment_ids[j...] == i (gather's transpose)."))


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """out[i] = sum of data[j] over the j with segment_ids[j] == i. Ids must be below
    num_segments; negative ids count from the end, as gather's indices do."""
    return apply1(SEGMENT_SUM, (convert_to_tensor(data), convert_to_tensor(segment_ids),
                                convert_to_tensor(num_segments)), name=name)
