"""Mixed mode: Hessian-vector products (forward over reverse), dense Hessians and
Jacobians that pick the cheaper mode.

All three are graph transformations composed from `gradients` (reverse.py), `jvp`
(forward.py) and `vmap` (batching.py): a Jacobian is the jvp (or the vjp) batched over
the identity basis, so it runs as one Session.run, not one run per basis vector.
"""
import contextlib
import math

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..ops import array, core
from .batching import vmap
from .forward import jvp
from .reverse import as_list, builds_here, gradients

__all__ = ["hessian_vector_product", "hessians", "jacobian"]


def _in(graph):
    """graph as the default graph where another graph is (TF1 builds a derivative in its
    ys' graph)."""
    return contextlib.nullcontext() if builds_here(graph) else graph.as_default()


def _check_tensors(api, ts):
    for t in ts:
        if not isinstance(t, Tensor):
            raise TypeError(f"{api}: expected tensors, got {type(t).__name__} {t!r}")


def hessian_vector_product(ys, xs, vs, name="hessian_vector_product"):
    """H v, where H is the Hessian of sum(ys) with respect to xs, without forming H.

        x = gc.placeholder(gc.float64, (n,))
        loss = gc.reduce_sum(gc.square(A @ x))
        hv, = gc.hessian_vector_product(loss, [x], [v])     # = 2 A^T A v

    Forward over reverse: the jvp of the gradient graph along vs. It adds O(size of the
    gradient graph) nodes. Returns one tensor per x (zeros where ys do not depend on x).
    """
    ys, xs, vs = as_list(ys), as_list(xs), as_list(vs)
    _check_tensors("hessian_vector_product", ys + xs)
    if len(vs) != len(xs):
        raise ValueError(f"hessian_vector_product: {len(xs)} xs but {len(vs)} vs")
    graph = ys[0].graph
    with _in(graph), graph.name_scope(name):
        grads = gradients(ys, xs, unconnected_gradients="zero", _dense=True)
        return jvp(grads, xs, vs)


def _static_size(t, api, what):
    dims = t.shape._dims
    if dims is None or not all(isinstance(d, int) for d in dims):
        resolved = None if dims is None else [t.graph.dims.resolve(d) for d in dims]
        if resolved is None or any(d is None for d in resolved):
            raise errors.ShapeError(
                f"{api}: {what} needs a static shape, but\n  "
                f"{errors.describe_tensor(t, t.name)}\n  has shape {t.shape}")
        dims = resolved
    return tuple(dims), math.prod(dims)


_CONST_BASIS = 1 << 16      # a larger identity basis is computed (one_hot), not stored


def _basis(shape, n, dtype):
    """The identity basis of a space of `shape`: n unit vectors, shape (n,) + shape."""
    if n * n <= _CONST_BASIS:
        return core.constant(np.eye(n, dtype=dtype.np).reshape((n,) + shape), dtype=dtype)
    eye = array.one_hot(array.range(n), n, dtype=dtype)
    return array.reshape(eye, [n] + list(shape))


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False,
             gate_gradients=False, aggregation_method=None):
    """The dense Hessian of sum(ys) with respect to each x (TF1), of shape
    x.shape + x.shape.

        H, = gc.hessians(0.5 * gc.reduce_sum(x * (A @ x)), [x])   # (A + A^T) / 2

    Built as the Hessian-vector product batched over the identity basis of x (vmap), so
    the whole Hessian comes from one Session.run. An x whose shape is known only at run
    time gets its Hessian row by row in a map_fn (TF1's way).
    """
    ys, xs = as_list(ys), as_list(xs)
    _check_tensors("hessians", ys + xs)
    graph = ys[0].graph
    out = []
    with _in(graph), graph.name_scope(name):
        grads = gradients(ys, xs, unconnected_gradients="zero", _dense=True)
        for x, g in zip(xs, grads):
            try:
                shape, n = _static_size(x, "hessians", "x")
            except errors.ShapeError:
                out.append(_hessian_by_rows(g, x))
                continue
            v = array.zeros_like(x, name="v")      # stands for the tangent; vmap replaces it
            hv, = jvp([g], [x], [v])
            rows, = vmap([hv], {v: _basis(shape, n, x.dtype)})
            # row k is H e_k = column k of H; H is symmetric
            out.append(array.reshape(rows, list(shape + shape)))
    return out


def _hessian_by_rows(g, x):
    """The Hessian of x (shape known at run time) from its gradient g: one row
    d(g[j])/dx per element j of x, in a map_fn."""
    from ..ops.functional import map_fn
    from ..ops.join import concat
    flat = array.reshape(g, [-1])
    rows = map_fn(lambda j: array.reshape(gradients(flat[j], x, unconnected_gradients="zero",
                                                    _dense=True)[0], [-1]),
                  array.range(array.size(x)), dtype=x.dtype)
    return array.reshape(rows, concat([array.shape(x), array.shape(x)], 0))


def _mode(mode, x, y):
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian: mode must be 'auto', 'forward' or 'reverse', "
                         f"not {mode!r}")
    if mode != "auto":
        return mode
    try:
        _, nx = _static_size(x, "jacobian", "x")
    except errors.ShapeError:
        return "reverse"
    try:
        _, ny = _static_size(y, "jacobian", "y")
    except errors.ShapeError:
        return "forward"
    return "forward" if nx < ny else "reverse"


def jacobian(y, x, mode="auto", name="jacobian"):
    """The Jacobian dy/dx, of shape y.shape + x.shape, computed in one Session.run.

        J = gc.jacobian(gc.tanh(A @ x), x)                 # (m,) + (n,)
        J = gc.jacobian(f, x, mode="forward")              # n jvps, batched

    mode="forward" batches the jvp over the n = size(x) basis vectors of x (cheap when x
    is small), mode="reverse" batches the vjp over the m = size(y) basis vectors of y
    (cheap when y is small); "auto" picks forward when size(x) < size(y), else reverse.
    A basis whose size is known only at run time (an unknown batch dim) is built then,
    and the batched graph handles the run-time batch size.
    """
    _check_tensors("jacobian", [y, x])
    mode = _mode(mode, x, y)
    graph = y.graph
    with _in(graph), graph.name_scope(name):
        if mode == "forward":
            return _forward_jacobian(y, x)
        return _reverse_jacobian(y, x)


def _basis_of(t, what):
    """(the identity basis of t's space, (size,) + t's shape; t's static shape or None
    where its size is known only at run time)."""
    try:
        shape, n = _static_size(t, "jacobian", what)
    except errors.ShapeError:
        return _run_time_basis(t), None
    return _basis(shape, n, t.dtype), shape


def _run_time_basis(t):
    """The identity basis of t's space built at run time: eye(size(t)) reshaped to
    (size(t),) + shape(t)."""
    from ..ops import elementwise
    from ..ops.join import concat
    k = array.range(array.size(t, out_type=dtypes.int32))
    eye = elementwise.cast(elementwise.equal(array.expand_dims(k, 1),
                                             array.expand_dims(k, 0)), t.dtype)
    return array.reshape(eye, concat([array.reshape(array.size(t, out_type=dtypes.int32),
                                                    [1]),
                                      array.shape(t, out_type=dtypes.int32)], 0))


def _shape_of(t, static):
    """t's shape as an int32 vector: its static dims where known, else computed."""
    return _dims(static) if static is not None else array.shape(t, out_type=dtypes.int32)


def _joined(flat, y, x, yshape, xshape):
    """flat (y's dims, x's dims in one tensor) reshaped to y.shape + x.shape, with the
    static dims known of both."""
    if yshape is not None and xshape is not None:
        return array.reshape(flat, list(yshape) + list(xshape))
    from ..ops.join import concat
    out = array.reshape(flat, concat([_shape_of(y, yshape), _shape_of(x, xshape)], 0))
    if y.shape.rank is not None and x.shape.rank is not None:
        out.set_shape(y.shape.concatenate(x.shape))
    return out


def _static_shape(t):
    try:
        return _static_size(t, "jacobian", "")[0]
    except errors.ShapeError:
        return None


def _forward_jacobian(y, x):
    if not (y.dtype.is_differentiable and x.dtype.is_differentiable):
        return _zeros(y, x)
    v = array.zeros_like(x, name="v")          # stands for the tangent; vmap replaces it
    t, = jvp([y], [x], [v])
    basis, xshape = _basis_of(x, "x (forward mode)")
    cols, = vmap([t], {v: basis})
    # cols: (n,) + y.shape; J[..., k] = cols[k]
    r = y.shape.rank
    if r is not None:
        moved = array.transpose(cols, list(range(1, r + 1)) + [0])
    else:                       # (n, size(y)) -> (size(y), n)
        moved = array.transpose(array.reshape(cols, array.stack(
            [array.shape(cols, out_type=dtypes.int32)[0], -1])), [1, 0])
    return _joined(moved, y, x, _static_shape(y), xshape)


def _reverse_jacobian(y, x, only=None):
    if not (y.dtype.is_differentiable and x.dtype.is_differentiable):
        return _zeros(y, x)
    w = array.zeros_like(y, name="w")          # stands for the cotangent; vmap replaces it
    g, = gradients([y], [x], grad_ys=[w], unconnected_gradients="zero", _only=only, _dense=True)
    basis, yshape = _basis_of(y, "y (reverse mode)")
    rows, = vmap([g], {w: basis})
    # rows: (m,) + x.shape; J[i...] = rows[flat i]
    return _joined(rows, y, x, yshape, _static_shape(x))


def _dims(dims):
    """Static dims as an int32 vector (a scalar's () too, which would default to float)."""
    return core.constant(list(dims), dtype=dtypes.int32)


def _zeros(y, x):
    """The Jacobian of a y that carries no derivative (an integer y or x, or one that
    does not reach y): zeros of y.shape + x.shape."""
    if y.shape.is_fully_defined() and x.shape.is_fully_defined():
        return array.zeros(list(y.shape._dims) + list(x.shape._dims), dtype=y.dtype)
    from ..ops.join import concat
    return array.zeros(concat([array.shape(y, out_type=dtypes.int32),
                               array.shape(x, out_type=dtypes.int32)], 0), dtype=y.dtype)
