"""norm: vector and matrix norms composed of reductions, as TF1's tf.norm composes
them. The euclidean norm's gradient is x / norm: not finite at 0 (TF1 neither). For a
complex tensor the euclidean norm is sqrt(sum(x * conj(x))), of the complex dtype (TF1)."""
import numbers

import numpy as np

from ..graph import name_scope
from .array import expand_dims, squeeze, transpose
from .complex_ops import conj
from .core import convert_to_tensor
from .elementwise import abs, pow, sqrt
from .reduce import reduce_max, reduce_min, reduce_sum

__all__ = ["norm"]

_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)


def _check(ord, axis):
    """(axis tuple or None, is a matrix norm); ValueError for what TF1 rejects."""
    if isinstance(axis, (tuple, list)) and len(axis) == 2:
        if not all(isinstance(a, int) for a in axis) or axis[0] == axis[1]:
            raise ValueError(f"norm: axis must be None, an int or 2 distinct ints, not {axis}")
        if not any(ord == o and type(ord) is not bool for o in _MATRIX_ORDS):
            raise ValueError(f"norm: ord must be one of 'euclidean', 'fro', 1, np.inf for "
                             f"a matrix norm, not {ord!r}")
        return tuple(axis), True
    if axis is not None and not isinstance(axis, int):
        raise ValueError(f"norm: axis must be None, an int or 2 distinct ints, not {axis}")
    real = isinstance(ord, numbers.Real) and not isinstance(ord, bool)
    if ord != "euclidean" and not (real and ord > 0):
        raise ValueError(f"norm: ord must be 'euclidean' or a number > 0 (1, 2, np.inf...) "
                         f"for a vector norm, not {ord!r}")
    return (None if axis is None else (axis,)), False


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """The norm of tensor: over all of it as one vector (axis=None), along one axis
    (vector norms: 'euclidean' = 2, 1, np.inf or any p > 0), or over two axes (matrix
    norms: 'fro' = 'euclidean', 1 = max column sum, np.inf = max row sum, 2 = the largest
    singular value).

        gc.norm([3., 4.])                      # 5
        gc.norm(x, ord=1, axis=-1)             # sum of |x| along the last axis
        gc.norm(w, ord='fro', axis=[-2, -1])   # Frobenius norm of each matrix
    """
    if keep_dims is not None:
        if keepdims is not None:
            raise ValueError("norm: pass keepdims or keep_dims, not both")
        keepdims = keep_dims
    axis, is_matrix = _check(ord, axis)
    with name_scope(name, "norm"):
        x = convert_to_tensor(tensor)
        if is_matrix and ord == 2:
            return _spectral(x, axis, keepdims)
        if ord in ("euclidean", "fro") or ord == 2:
            xx = x * conj(x) if x.dtype.is_complex else x * x
            out = sqrt(reduce_sum(xx, axis, keepdims=True))
        elif ord == 1:
            out = reduce_sum(abs(x), None if axis is None else axis[0], keepdims=True)
            if is_matrix:
                out = reduce_max(out, axis[1], keepdims=True)
        elif ord == np.inf:
            out = abs(x)
            if is_matrix:
                out = reduce_sum(out, axis[1], keepdims=True)
            out = reduce_max(out, None if axis is None else axis[0], keepdims=True)
        else:
            out = pow(reduce_sum(pow(abs(x), float(ord)), axis, keepdims=True), 1.0 / ord)
        return out if keepdims else squeeze(out, axis)


def _spectral(x, axis, keepdims):
    """The largest singular value of the matrices over the two axes (TF1: an SVD). With
    an unknown rank the transpose that moves the two axes last is read at run time."""
    from .decomp import svd             # decomp builds on this module's neighbours
    r = x.shape.rank
    if r is None:
        from .array import rank
        from .counting import setdiff1d
        from .creation import range as range_
        from .join import concat
        n = rank(x)
        ab = convert_to_tensor(list(axis)) % n
        rest = setdiff1d(range_(n), ab)[0]
        out = reduce_max(svd(transpose(x, concat([rest, ab], 0)), compute_uv=False), -1)
        if keepdims:
            lo, hi = reduce_min(ab), reduce_max(ab)
            out = expand_dims(expand_dims(out, lo), hi)
        return out
    a, b = (k % r for k in axis)
    rest = [k for k in range(r) if k not in (a, b)]
    out = reduce_max(svd(transpose(x, rest + [a, b]), compute_uv=False), -1)
    if keepdims:
        for k in sorted((a, b)):
            out = expand_dims(out, k)
    return out
