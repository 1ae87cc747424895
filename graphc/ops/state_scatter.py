"""Sparse updates: scatter_* ops that update a Variable in place (TF1 state ops) and the
pure tensor_scatter_nd_* ops (with vjp and jvp). (init_checks.py has the initialization
checks.)

A scatter_* op returns the variable's value after the update, as assign_add does; gradients
do not flow through it (like Assign). Repeated indices: add/sub/mul/div/max/min combine
every update, one after another, in index order; for update (and tensor_scatter_nd_update)
the last update of a repeated index wins (TF1 leaves the order unspecified). Indices out
of range are a run-time error naming the op, never dropped or wrapped.
"""
import sys

import numpy as np

from ..shapes import InferError, TensorShape
from .array import reshape, shape, size
from .core import convert_to_tensor
from .creation import fill, range as range_, zeros_like
from .elementwise import cast, equal
from .indexing import _int_index
from .registry import OpDef, apply, apply1, constant_value, register
from .scatter import _check_indices, _depth, _key, gather_nd, scatter_nd
from .state import Variable, VariableUpdate, _stored, after_update, updated

__all__ = ["scatter_update", "scatter_add", "scatter_sub", "scatter_mul", "scatter_div",
           "scatter_max", "scatter_min", "scatter_nd_update", "scatter_nd_add",
           "scatter_nd_sub", "tensor_scatter_nd_update", "tensor_scatter_nd_add",
           "tensor_scatter_nd_sub", "tensor_scatter_update", "tensor_scatter_add",
           "tensor_scatter_sub"]

_MODES = ("update", "add", "sub", "mul", "div", "max", "min")
_COMBINE = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
            "max": np.maximum, "min": np.minimum}


# ---- shared checks and the update itself ------------------------------------------------
def _check_updates(ctx, i, updates, want, what):
    """updates (input i) has shape `want` where both are known."""
    udims = updates.shape._dims
    if udims is None or want is None:
        return
    if len(udims) != len(want) or not all(ctx.compatible(a, b) for a, b in zip(udims, want)):
        raise InferError(f"updates {{{i}}} must have shape {what} = {TensorShape(want)}, "
                         f"not {updates.shape}")


def _check_nd(ctx, dims, i, indices, updates, target):
    """indices (input i) of tuples into `dims`, updates (input i + 1) of the slices."""
    _int_index(ctx, i, indices, "indices")
    q = _depth(ctx, indices, i)
    if q == 0:
        raise InferError(f"indices {{{i}}} hold empty index tuples (their last dim is 0)")
    _check_indices(ctx, indices, i, dims, q, target)
    idims = indices.shape._dims
    if dims is not None and q is not None and idims is not None:
        _check_updates(ctx, i + 1, updates, tuple(idims[:-1]) + tuple(dims[q:]),
                       f"indices.shape[:-1] + shape[{q}:]")


def _combine(out, key, updates, mode, api):
    """out[key] (op)= updates, in place; repeated index tuples combine one after another
    (mode 'update': the last one wins)."""
    updates = updates.reshape((key[0].size,) + out.shape[len(key):])
    key = tuple(k.reshape(-1) for k in key)
    if not key[0].size:
        return
    if mode == "update":
        ids = np.ravel_multi_index(key, out.shape[:len(key)])
        _, first = np.unique(ids[::-1], return_index=True)
        last = ids.size - 1 - first
        out[tuple(k[last] for k in key)] = updates[last]
    elif mode == "div" and out.dtype.kind in "iu":      # C's truncating integer division
        den = np.ones_like(out)
        np.multiply.at(den, key, updates)
        if not den.all():
            raise ZeroDivisionError(f"{api}: integer division by zero")
        q = np.abs(out) // np.abs(den)
        out[...] = np.where((out < 0) != (den < 0), -q, q)
    else:
        with np.errstate(all="ignore"):         # x / 0 is inf, as TF1
            _COMBINE[mode].at(out, key, updates)


# ---- scatter_* on variables ---------------------------------------------------------------
def _infer_var_scatter(ctx, indices, updates, *, var, mode, nd):
    want = var.outputs[0]
    if updates.dtype is not want.dtype:
        raise InferError(f"updates {{1}} of dtype {updates.dtype.name} cannot update variable "
                         f"'{var.name}' of dtype {want.dtype.name}", "dtype")
    if mode != "update" and not want.dtype.is_numeric:
        raise InferError(f"variable '{var.name}' is {want.dtype.name}: scatter_{mode} needs "
                         "numbers", "dtype")
    dims, target = want.shape._dims, f"variable '{var.name}'"
    if nd:
        _check_nd(ctx, dims, 0, indices, updates, target)
        return want.shape, want.dtype
    _int_index(ctx, 0, indices, "indices")
    if dims is not None and not dims:
        raise InferError(f"{target} is a scalar: scatter_{mode} indexes its first dim")
    v = None if dims is None else ctx.constant_value(indices)
    if v is not None and v.size:
        n = ctx.resolve(dims[0])
        bad = (v < 0) | (v >= (np.inf if n is None else n))
        if bad.any():
            raise InferError(f"indices {{0}} hold {int(v[bad][0])}, out of range for the "
                             f"first dim of {target}, of size {n}")
    if dims is not None and indices.shape._dims is not None and updates.shape.rank != 0:
        _check_updates(ctx, 1, updates, tuple(indices.shape._dims) + tuple(dims[1:]),
                       "indices.shape + shape[1:] (or a scalar)")
    return want.shape, want.dtype


def _var_scatter_kernel(rt, indices, updates, *, var, mode, nd):
    api = f"scatter_{'nd_' if nd else ''}{mode}"
    old = _stored(rt.session, var)
    idx = indices if nd else indices[..., None]
    try:
        key = _key(idx, old.shape, api)                 # raises when out of range
    except ValueError as e:
        raise ValueError(f"{e} (variable '{var.name}')") from None
    want = idx.shape[:-1] + old.shape[idx.shape[-1]:]
    if not nd and updates.ndim == 0:
        updates = np.broadcast_to(updates, want)
    if updates.shape != want:
        raise ValueError(f"{api}: updates of shape {updates.shape} do not match indices of "
                         f"shape {indices.shape} into variable '{var.name}' of shape "
                         f"{old.shape} (want {want})")
    # references to old: the store, `old` and getrefcount's argument: nothing else sees
    # it (no fetched result, no live read), so it is updated in place
    if sys.getrefcount(old) == 3 and old.flags.owndata:
        new = old
        new.setflags(write=True)
    else:
        new = old.copy()
    del old
    try:
        _combine(new, key, updates, mode, api)
    finally:
        new.setflags(write=False)
    rt.session._variables[var] = new
    return new


def _var_scatter_op(mode, nd):
    """The OpDef of scatter_<mode> (nd: scatter_nd_<mode>), TF1's op type."""
    api = f"scatter_{'nd_' if nd else ''}{mode}"
    what = "index tuples" if nd else "rows (first-dim indices)"
    return register(OpDef(
        "Scatter" + ("Nd" if nd else "") + mode.capitalize(),
        lambda ctx, i, u, *, var: _infer_var_scatter(ctx, i, u, var=var, mode=mode, nd=nd),
        lambda rt, i, u, *, var: _var_scatter_kernel(rt, i, u, var=var, mode=mode, nd=nd),
        stateful=True, uses_state=True, differentiable=False, api=api,
        signature=f"{api}(ref, indices, updates)", shape_rule="shape of the variable",
        dtypes="dtype of the variable; indices int",
        doc=f"Applies {mode} to the variable at {what}; returns the new value."))


VAR_SCATTER = {(m, nd): _var_scatter_op(m, nd) for nd in (False, True)
               for m in (("update", "add", "sub") if nd else _MODES)}


def _scatter(ref, indices, updates, mode, nd, name):
    if isinstance(ref, VariableUpdate):     # TF1's ref output of an update: after it
        return after_update(ref, lambda v: _scatter(v, indices, updates, mode, nd, name))
    api = f"scatter_{'nd_' if nd else ''}{mode}"
    if not isinstance(ref, Variable):
        raise TypeError(f"{api}: ref must be a gc.Variable, not {type(ref).__name__} "
                        f"{ref!r}: scatter ops update variables; for tensors use "
                        "tensor_scatter_nd_update/add/sub")
    indices = convert_to_tensor(indices)
    updates = convert_to_tensor(updates, dtype=ref.dtype)
    return updated(apply(VAR_SCATTER[mode, nd], (indices, updates), name=name, var=ref.node),
                   ref)


def _public(mode, nd, doc):
    """The TF1 function scatter_<mode> (nd: scatter_nd_<mode>)."""
    def fn(ref, indices, updates, use_locking=False, name=None):
        return _scatter(ref, indices, updates, mode, nd, name)
    fn.__name__ = fn.__qualname__ = f"scatter_{'nd_' if nd else ''}{mode}"
    fn.__doc__ = doc
    return fn


scatter_update = _public("update", False, """ref[indices] = updates (updates of shape
    indices.shape + ref.shape[1:], or a scalar); returns the new value:
    `gc.scatter_update(v, [0, 2], [[1., 1.], [2., 2.]])`. The last of repeats wins.""")
scatter_add = _public("add", False, "ref[indices] += updates; repeats add up.")
scatter_sub = _public("sub", False, "ref[indices] -= updates; repeats subtract each.")
scatter_mul = _public("mul", False, "ref[indices] *= updates; repeats multiply each.")
scatter_div = _public("div", False, "ref[indices] /= updates (integers truncate, as C's "
                      "division); repeats divide each.")
scatter_max = _public("max", False, "ref[indices] = maximum(ref[indices], updates).")
scatter_min = _public("min", False, "ref[indices] = minimum(ref[indices], updates).")
scatter_nd_update = _public("update", True, """ref[t] = update for each index tuple t in
    indices' last dim (slices when t is shorter than ref's rank); the last of repeats
    wins: `gc.scatter_nd_update(v, [[0, 1]], [5.])`.""")
scatter_nd_add = _public("add", True, "ref[t] += update for each index tuple t; repeats "
                         "add up.")
scatter_nd_sub = _public("sub", True, "ref[t] -= update for each index tuple t.")


def variable_method(var, mode, nd, args, name):
    """Variable.scatter_<mode>(sparse_delta) (TF1: an IndexedSlices; here any object with
    .indices and .values) and Variable.scatter_nd_<mode>(indices, updates)."""
    if len(args) != 1 + nd:
        raise TypeError(f"Variable.scatter_{'nd_' if nd else ''}{mode} takes "
                        f"{'(indices, updates)' if nd else '(sparse_delta)'}, got "
                        f"{len(args)} arguments")
    if nd:
        return _scatter(var, args[0], args[1], mode, True, name)
    delta = args[0]
    if not (hasattr(delta, "indices") and hasattr(delta, "values")):
        raise TypeError(f"Variable.scatter_{mode}: sparse_delta must have .indices and "
                        f".values (TF1's IndexedSlices), not {type(delta).__name__}")
    return _scatter(var, delta.indices, delta.values, mode, False, name)


# ---- tensor_scatter_nd_*: pure ops --------------------------------------------------------
def _infer_tensor_scatter(ctx, tensor, indices, updates, mode):
    ctx.same_dtype(0, 2)
    if mode != "update":
        ctx.require(0, "numeric")
    _check_nd(ctx, tensor.shape._dims, 1, indices, updates, "tensor {0}")
    return tensor.shape, tensor.dtype


def _tensor_scatter_kernel(tensor, indices, updates, mode):
    api = f"tensor_scatter_nd_{mode}"
    key = _key(indices, tensor.shape, api)
    want = indices.shape[:-1] + tensor.shape[indices.shape[-1]:]
    if updates.shape != want:
        raise ValueError(f"{api}: updates of shape {updates.shape} do not match indices of "
                         f"shape {indices.shape} into a tensor of shape {tensor.shape}")
    out = tensor.copy()
    _combine(out, key, updates, mode, api)
    return out


def _may_repeat(indices):
    """Whether indices may hold an index tuple twice (unknown until run time: yes)."""
    v = constant_value(indices)
    if v is None:
        return True
    rows = v.reshape(-1, v.shape[-1])
    return len(np.unique(rows, axis=0)) < len(rows)


def _update_vjp(node, gs):
    """tensor: g with zeros where written; updates: gather_nd(g, indices) for the update
    that landed (the last of repeated tuples), 0 for those overwritten."""
    tensor, indices, updates = node.inputs
    g = gs[0]
    g_updates = gather_nd(g, indices)
    if _may_repeat(indices):
        ids = reshape(range_(size(updates)), shape(updates))
        owner = tensor_scatter_nd_update(fill(shape(tensor), -1), indices, ids)
        g_updates = g_updates * cast(equal(gather_nd(owner, indices), ids), g.dtype)
    return [tensor_scatter_nd_update(g, indices, zeros_like(updates)), None, g_updates]


def _update_jvp(node, ts):
    """tensor_scatter_nd_update(t_tensor, indices, t_updates), zeros for absent tangents."""
    tensor, indices, updates = node.inputs
    if ts[0] is None and ts[2] is None:
        return None
    t0 = zeros_like(tensor) if ts[0] is None else ts[0]
    return tensor_scatter_nd_update(t0, indices, zeros_like(updates) if ts[2] is None
                                    else ts[2])


def _add_rules(sign):
    """vjp: g for tensor, +-gather_nd(g, indices) for updates; jvp: the op on tangents."""
    def vjp(node, gs):
        g = gs[0]
        g_updates = gather_nd(g, node.inputs[1])
        return [g, None, g_updates if sign > 0 else -g_updates]

    def jvp(node, ts):
        tensor, indices, _ = node.inputs
        if ts[2] is None:
            return ts[0]
        if ts[0] is None:
            spread = scatter_nd(indices, ts[2], shape(tensor))
            return spread if sign > 0 else -spread
        fn = tensor_scatter_nd_add if sign > 0 else tensor_scatter_nd_sub
        return fn(ts[0], indices, ts[2])
    return vjp, jvp


def _tensor_scatter_op(name, mode, vjp, jvp, doc):
    api = f"tensor_scatter_nd_{mode}"
    return register(OpDef(
        name, lambda ctx, t, i, u: _infer_tensor_scatter(ctx, t, i, u, mode),
        lambda t, i, u: _tensor_scatter_kernel(t, i, u, mode), vjp=vjp, jvp=jvp, api=api,
        signature=f"{api}(tensor, indices, updates, name=None)", shape_rule="same as tensor",
        dtypes=("any" if mode == "update" else "numeric") + "; indices int", doc=doc))


TENSOR_SCATTER_UPDATE = _tensor_scatter_op(
    "TensorScatterUpdate", "update", _update_vjp, _update_jvp,
    "A copy of tensor with updates written at the index tuples (the last of repeats wins).")
TENSOR_SCATTER_ADD = _tensor_scatter_op(
    "TensorScatterAdd", "add", *_add_rules(1),
    "A copy of tensor with updates added at the index tuples (repeats add up).")
TENSOR_SCATTER_SUB = _tensor_scatter_op(
    "TensorScatterSub", "sub", *_add_rules(-1),
    "A copy of tensor with updates subtracted at the index tuples (repeats add up).")


def _tensor_scatter(op, tensor, indices, updates, name):
    tensor = convert_to_tensor(tensor)
    updates = convert_to_tensor(updates, dtype=tensor.dtype)
    return apply1(op, (tensor, convert_to_tensor(indices), updates), name=name)


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """tensor with tensor[index tuple] = update for each tuple in indices' last dim:
    `gc.tensor_scatter_nd_update([1., 2., 3.], [[0], [2]], [9., 8.])` is [9, 2, 8]."""
    return _tensor_scatter(TENSOR_SCATTER_UPDATE, tensor, indices, updates, name)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """tensor with each update added at its index tuple (repeats add up)."""
    return _tensor_scatter(TENSOR_SCATTER_ADD, tensor, indices, updates, name)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """tensor with each update subtracted at its index tuple (repeats add up)."""
    return _tensor_scatter(TENSOR_SCATTER_SUB, tensor, indices, updates, name)


tensor_scatter_update = tensor_scatter_nd_update     # TF 1.14 names
tensor_scatter_add = tensor_scatter_nd_add
tensor_scatter_sub = tensor_scatter_nd_sub
