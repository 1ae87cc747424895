"""Ops that put tensors together and take them apart again, in pairs that are each
other's transpose: concat and split, stack and unstack. Each op's vjp is the other op of
its pair, so derivatives of any order work.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import InferError, TensorShape
from .array import _shape_tensor, as_int, run_time, shape, static_value, zeros_like
from .core import convert_to_tensor
from .registry import OpDef, apply, apply1, register

__all__ = ["concat", "split", "stack", "unstack"]


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
    known = [i for i, x in enumerate(xs) if x.shape._dims is not None]
    if not known:
        return None
    f = known[0]
    dims, owner = list(xs[f].shape._dims), [f] * len(xs[f].shape._dims)
    for i in known[1:]:
        s = xs[i].shape
        if len(s._dims) != len(dims):
            raise InferError(f"{{{f}}} has shape {xs[f].shape} but {{{i}}} has shape {s}: "
                             f"ranks differ ({len(dims)} vs {len(s._dims)}); {need}")
        for k, d in enumerate(s._dims):
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


# ---- concat, stack, unstack, split --------------------------------------------------------
def _infer_concat(ctx, *xs, axis):
    if not xs:
        raise InferError("concat needs at least one value")
    ctx.same_dtype()
    ranked = [i for i, x in enumerate(xs) if x.shape._dims is not None]
    if not ranked:
        return None, xs[0].dtype
    a = ctx.axis(axis, xs[ranked[0]].shape.rank, ranked[0])
    dims = _same_rank_shapes(ctx, xs, f"concat along axis {a} needs equal ranks and all "
                                      "other dims equal", skip=a)
    sizes = [ctx.resolve(x.shape._dims[a]) if x.shape._dims is not None else None for x in xs]
    if all(s is not None for s in sizes):
        dims[a] = sum(sizes)
    elif len(xs) > 1:
        dims[a] = None
    return tuple(dims), xs[0].dtype


def _concat_vjp(node, gs):
    """Each value's part of g: split(g, [n_0, n_1, ...], axis)."""
    axis = node.attrs["axis"]
    sizes = [x.shape._dims[axis] if x.shape._dims is not None and isinstance(
        x.shape._dims[axis], int) else shape(x)[axis] for x in node.inputs]
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


def _concat_partial(node):
    """Vectors joined as a shape: each part's known dims (TF1's constant_value_as_shape:
    concat([shape(x)[:3], [4]]) is (?, ?, ?, 4))."""
    if node.outputs[0].shape.rank != 1:
        return None
    from .registry import shape_value
    out = TensorShape([])
    for t in node.inputs:
        out = out.concatenate(shape_value(t))
    return out


CONCAT = register(OpDef(
    "ConcatV2", _infer_concat, lambda *xs, axis: np.concatenate(xs, axis=axis),
    vjp=_concat_vjp, jvp=_join_jvp(lambda xs, axis: concat(xs, axis)),
    partial=_concat_partial, api="concat",
    signature="concat(values, axis, name='concat')",
    shape_rule="dims equal except axis, which adds up", dtypes="any (all the same)",
    doc="Joins tensors along an existing axis."))


def concat(values, axis, name="concat"):
    """Joins values along `axis`: (2, 3) and (2, 5) along axis 1 give (2, 8). axis may
    be a tensor computed at run time. One tensor (not in a list) is returned as it is
    (TF's concat takes it as a list of one)."""
    if isinstance(values, Tensor):
        values = [values]
    xs = _tensors(values, "concat")
    if len(xs) == 1:                # TF1: an identity, named concat/concat
        from ..graph import name_scope
        from .core import identity
        with name_scope(name):
            return identity(xs[0], name=name)
    if run_time(axis) is not None:
        return _concat_dynamic(xs, axis, name)
    return apply1(CONCAT, xs, name=name, axis=as_int(static_value(axis, "concat: axis")))


def _concat_dynamic(xs, axis, name):
    """concat along an axis known only at run time: each value's axis moved first,
    joined along 0, moved back."""
    from .array import transpose
    from .array_more import invert_permutation
    from .dynamic_axis import back, front_perm
    perm = front_perm(xs[0], axis)
    out = concat([transpose(x, perm) for x in xs], 0)
    ranks = {x.shape.ndims for x in xs} - {None}
    return back(out, invert_permutation(perm), ranks.pop() if len(ranks) == 1 else None,
                name)


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
    from .indexing import scalar_dim     # indexing builds on stack: import at use
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
    dims = x.shape._dims
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
    moved = np.moveaxis(x, axis, 0)
    parts = tuple(moved[i, ...] for i in range(len(moved)))   # arrays, strings too
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
    dims = x.shape._dims
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
            parts = list(ctx.shape_value(sizes[0])._dims or (None,) * num)
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
    if run_time(axis) is not None:          # moved first, split along 0, moved back
        from .dynamic_axis import back, to_front
        moved, perm = to_front(value, run_time(axis))
        return [back(p, perm, value.shape.ndims)
                for p in split(moved, num_or_size_splits, 0, num, name)]
    axis = as_int(static_value(axis, "split: axis"))
    n = as_int(num_or_size_splits)
    if isinstance(n, int):
        if n < 1:
            raise ValueError(f"split: the number of parts must be >= 1, got {n}")
        return list(apply(SPLIT, (value,), name=name, axis=axis, num=n).outputs)
    s = num_or_size_splits
    if s.shape.rank == 0 if isinstance(s, Tensor) else \
            not isinstance(s, (list, tuple)) and np.ndim(s) == 0:
        raise errors.ShapeError(         # TF1's ValueError: a scalar is not a size list
            f"split: Rank-0 tensors are not supported as the num_or_size_splits argument "
            f"to split: pass an int for equal parts or a list of sizes, got {s!r}"
            + errors.called_at("split"))
    sizes = _shape_tensor(s, "split", "num_or_size_splits")
    n = (sizes.shape._dims or (None,))[0] if num is None else num
    if not isinstance(n, int):
        raise ValueError("split: size_splits has an unknown length: pass num=")
    return list(apply(SPLIT, (value, sizes), name=name, axis=axis, num=n).outputs)
