"""Mixed mode: Hessian-vector products (forward over reverse), dense Hessians and
Jacobians that pick the cheaper mode.

All three are graph transformations composed from `gradients` (reverse.py), `jvp`
(forward.py) and `vmap` (batching.py): a Jacobian is the jvp (or the vjp) batched over
the identity basis, so it runs as one Session.run, not one run per basis vector.
"""
import math

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..ops import array, core
from .batching import vmap
from .forward import jvp
from .reverse import as_list, gradients

__all__ = ["hessian_vector_product", "hessians", "jacobian"]


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
    with graph.name_scope(name):
        grads = gradients(ys, xs, unconnected_gradients="zero", _dense=True)
        return jvp(grads, xs, vs)


def _static_size(t, api, what):
    dims = t.shape.dims
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
    with graph.name_scope(name):
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
    The batched mode needs the static shape of its basis (x for forward, y for reverse).
    """
    _check_tensors("jacobian", [y, x])
    mode = _mode(mode, x, y)
    graph = y.graph
    with graph.name_scope(name):
        if mode == "forward":
            return _forward_jacobian(y, x)
        return _reverse_jacobian(y, x)


def _forward_jacobian(y, x):
    xshape, n = _static_size(x, "jacobian", "x (forward mode)")
    if not (y.dtype.is_differentiable and x.dtype.is_differentiable):
        return _zeros(y, xshape)
    v = array.zeros_like(x, name="v")          # stands for the tangent; vmap replaces it
    t, = jvp([y], [x], [v])
    cols, = vmap([t], {v: _basis(xshape, n, x.dtype)})
    # cols: (n,) + y.shape; J[..., k] = cols[k]
    r = y.shape.rank
    moved = array.transpose(cols, list(range(1, r + 1)) + [0])
    if y.shape.is_fully_defined():
        return array.reshape(moved, list(y.shape.dims) + list(xshape))
    target = array.concat([array.shape(y), _dims(xshape)], 0)
    return array.reshape(moved, target)


def _reverse_jacobian(y, x, only=None):
    yshape, m = _static_size(y, "jacobian", "y (reverse mode)")
    xshape = x.shape.dims
    if not (y.dtype.is_differentiable and x.dtype.is_differentiable):
        return _zeros(y, x.shape.dims)
    w = array.zeros_like(y, name="w")          # stands for the cotangent; vmap replaces it
    g, = gradients([y], [x], grad_ys=[w], unconnected_gradients="zero", _only=only, _dense=True)
    rows, = vmap([g], {w: _basis(yshape, m, y.dtype)})
    # rows: (m,) + x.shape; J[i...] = rows[flat i]
    if x.shape.is_fully_defined():
        return array.reshape(rows, list(yshape) + list(xshape))
    target = array.concat([_dims(yshape), array.shape(x)], 0)
    return array.reshape(rows, target)


def _dims(dims):
    """Static dims as an int32 vector (a scalar's () too, which would default to float)."""
    return core.constant(list(dims), dtype=dtypes.int32)


def _zeros(y, xshape):
    """The Jacobian of a y that carries no derivative (an integer y or x)."""
    if y.shape.is_fully_defined():
        return array.zeros(list(y.shape.dims) + list(xshape), dtype=y.dtype)
    return array.zeros(array.concat([array.shape(y), _dims(xshape)], 0),
                       dtype=y.dtype)

