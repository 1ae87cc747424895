"""slice and pad, each the other's transpose (MirrorPadGrad for the mirror modes);
indexing.py re-exports them beside x[key].

This module defines gc.slice: Python's own is spelled builtins.slice here.
"""
import builtins

import numpy as np

from .. import dtypes
from ..graph import Tensor
from ..shapes import InferError
from .array import (_computed, _reduce_sum, _shape_tensor, int_array, shape, shape_of,
                    zeros_like)
from .core import convert_to_tensor
from .join import stack
from .registry import OpDef, apply1, constant_value, register

__all__ = ["slice", "pad"]


def _int_index(ctx, i, t, what):
    if not t.dtype.is_integer:
        raise InferError(f"{what} {{{i}}} must be an integer tensor, not {t.dtype.name}",
                         "dtype")


def _infer_slice(ctx, x, begin, size):
    _int_index(ctx, 1, begin, "begin")
    _int_index(ctx, 2, size, "size")
    b, s = ctx.constant_value(begin), ctx.constant_value(size)
    dims = x.shape._dims
    if dims is None:
        r = next((len(v) for v in (b, s) if v is not None), begin.shape[0])
        return (None if not isinstance(r, int) else (None,) * r), x.dtype
    r = len(dims)
    for what, v in (("begin", b), ("size", s)):
        if v is not None and (v.ndim != 1 or len(v) != r):
            raise InferError(f"{what} {v.tolist()} must have one entry per dim of {{0}} "
                             f"(rank {r})")
    sizes = [int(n) for n in s] if s is not None else ctx.shape_value(size)._dims
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
        paddings = [[bk, n - bk - m] for bk, n, m in zip(b.tolist(), x.shape._dims,
                                                          y.shape._dims)]
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
    return apply1(SLICE, (convert_to_tensor(input_), _shape_tensor(begin, "slice", "begin"),
                          _shape_tensor(size, "slice", "size")), name=name)


_MIRROR_LIMIT = {"REFLECT": 1, "SYMMETRIC": 0}   # pad <= dim - limit


def _infer_pad(ctx, x, paddings, cval, *, mode):
    _int_index(ctx, 1, paddings, "paddings")
    ctx.same_dtype(0, 2)
    if cval.shape.rank not in (0, None):
        raise InferError(f"constant_values {{2}} must be a scalar, not of shape {cval.shape}")
    dims, p = x.shape._dims, ctx.constant_value(paddings)
    if p is None and dims is not None:          # rows stacked: each known one keeps its dim
        rows = _known_rows(ctx, paddings, len(dims))
        if rows is not None:
            return tuple(None if r is None or ctx.resolve(d) is None or (r < 0).any()
                         else d if not r.any() else ctx.resolve(d) + int(r.sum())
                         for d, r in zip(dims, rows)), x.dtype
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


def _known_rows(ctx, paddings, rank):
    """The rows of paddings made by stacking `rank` pairs: each an array where constant,
    else None (TF1 pads a dim whose pair it knows to its exact size)."""
    node = paddings.node
    if node.op.name != "Pack" or node.attrs.get("axis") != 0 or len(node.inputs) != rank:
        return None
    rows = [ctx.constant_value(t) for t in node.inputs]
    return [None if r is None or np.shape(r) != (2,) else np.asarray(r) for r in rows]


def _pad_kernel(x, paddings, cval, *, mode):
    widths = [(int(a), int(b)) for a, b in paddings]
    limit = _MIRROR_LIMIT.get(mode)
    for k, (n, (a, b)) in enumerate(zip(x.shape, widths)):
        if min(a, b) < 0 or limit is not None and max(a, b) > n - limit:
            from ..errors import ExecutionError
            raise ExecutionError(f"paddings {widths[k]} of dim {k} (of size {n}) must be "
                                 f">= 0" + ("" if limit is None else
                                            f" and at most {n - limit} for {mode}"))
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
    dims, p = g.shape._dims, ctx.constant_value(paddings)
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
    if type(constant_values) is int and constant_values == 0:
        # the default pads with the dtype's zero: b"" for strings, False for bool (TF1)
        constant_values = b"" if x.dtype is dtypes.string else \
            False if x.dtype is dtypes.bool_ else 0
    cval = convert_to_tensor(constant_values, dtype=x.dtype) \
        if not isinstance(constant_values, Tensor) else constant_values
    return apply1(PAD, (x, _paddings(paddings), cval), name=name, mode=mode)


def _paddings(p):
    """An int tensor of shape (rank, 2) from paddings given as a tensor or nested list
    (array.py's checked conversion: 0.5 is a DTypeError, not 0)."""
    if isinstance(p, Tensor):
        return p
    if any(_computed(q) for q in p):
        return stack([_shape_tensor(q, "pad", "paddings") for q in p])
    return convert_to_tensor(int_array(p, "pad", "paddings").reshape(-1, 2))
