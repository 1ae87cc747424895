"""TF1's structured LinearOperators: Householder (a reflection), Permutation, Toeplitz
(matmul through a 2N circulant embedding and the FFT), Tridiag (graphc's tridiagonal
matmul and solve) and Zeros; the circulant ones live in linalg_operator_circulant.py."""
from .. import dtypes
from ..graph import name_scope
from ..shapes import TensorShape
from .array import expand_dims
from .cast import cast
from .core import convert_to_tensor
from .creation import ones, one_hot, range as range_, zeros
from .elementwise import equal, greater
from .gather import gather
from .linalg import matmul as matmul_
from .linalg_operator import LinearOperator
from .linalg_operator_circulant import (LinearOperatorCirculant,  # noqa: F401
                                        LinearOperatorCirculant2D, LinearOperatorCirculant3D)
from .linalg_operator_util import as_shape, broadcast_batch, dim, lead
from .matrix import eye
from .reduce import reduce_sum
from .solve import matrix_band_part

__all__ = ["LinearOperatorCirculant", "LinearOperatorCirculant2D",
           "LinearOperatorCirculant3D", "LinearOperatorHouseholder",
           "LinearOperatorPermutation", "LinearOperatorToeplitz", "LinearOperatorTridiag",
           "LinearOperatorZeros"]

_REAL = (dtypes.float16, dtypes.float32, dtypes.float64)


def _real_tensor(x, what, api, dtype=None):
    """x as a real float tensor of rank >= 1 (Python ints become float32)."""
    if dtype is None and isinstance(x, (list, tuple)):
        t = convert_to_tensor(x)
        x = cast(t, dtypes.float32) if t.dtype.is_integer else t
    x = convert_to_tensor(x, dtype=dtype)
    if x.dtype not in _REAL:
        raise TypeError(f"{api}: {what} must be float16, float32 or float64, not "
                        f"{x.dtype.name}")
    if x.shape.rank == 0:
        raise ValueError(f"{api}: argument {what} must have at least 1 dimension. "
                         f"Found shape {x.shape}")
    return x


def _vector_shape(v):
    """(..., N) -> the static shape (..., N, N)."""
    s = v.shape
    return TensorShape(None) if s.rank is None else TensorShape(s._dims + s._dims[-1:])


class LinearOperatorHouseholder(LinearOperator):
    """The reflection I - 2 v v^T / (v^T v) about the hyperplane orthogonal to
    reflection_axis v (..., N): self-adjoint, its own inverse, determinant -1.

        op = gc.linalg.LinearOperatorHouseholder([1., 0.])
        op.matvec([3., 4.])          # [-3., 4.]
    """

    def __init__(self, reflection_axis, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorHouseholder"):
        self._v = _real_tensor(reflection_axis, "reflection_axis", name)
        if is_self_adjoint is False:
            raise ValueError(f"{name}: a Householder operator is always self adjoint")
        if is_positive_definite is True:
            raise ValueError(f"{name}: a Householder operator is always non-positive "
                             f"definite")
        if is_square is False:
            raise ValueError(f"{name}: a Householder operator is always square")
        super().__init__(self._v.dtype, is_non_singular, True, False, True, name)

    @property
    def reflection_axis(self):
        return self._v

    def _shape(self):
        return _vector_shape(self._v)

    def _col(self):
        """v as a column (..., N, 1) and v^T v as (..., 1, 1)."""
        col = expand_dims(self._v, -1)
        return col, expand_dims(reduce_sum(self._v * self._v, -1, keepdims=True), -1)

    def _matmul(self, x, adjoint):
        col, norm2 = self._col()
        return x - (2.0 / norm2) * col * matmul_(col, x, transpose_a=True)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, adjoint)            # H^-1 = H

    def _to_dense(self):
        col, norm2 = self._col()
        return eye(dim(self._v, -1), dtype=self._dtype) - \
            (2.0 / norm2) * matmul_(col, col, transpose_b=True)

    def _diag_part(self):
        return 1.0 - 2.0 * self._v * self._v / reduce_sum(self._v * self._v, -1,
                                                           keepdims=True)

    def _determinant(self):
        return -ones(as_shape([lead(self._v, 1)]), dtype=self._dtype)

    def _log_abs_determinant(self):
        return zeros(as_shape([lead(self._v, 1)]), dtype=self._dtype)

    def trace(self, name="trace"):
        with name_scope(self._name):
            with name_scope(name):
                n = dim(self._v, -1)
                n = float(n) if isinstance(n, int) else cast(n, self._dtype)
                return (n - 2.0) * ones(as_shape([lead(self._v, 1)]), dtype=self._dtype)

    def inverse(self, name=None):
        """Itself: a reflection is its own inverse."""
        return self


class LinearOperatorPermutation(LinearOperator):
    """The permutation matrix P with P[i, perm[i]] = 1, so (P x)[i] = x[perm[i]]; matmul
    gathers rows:

        op = gc.linalg.LinearOperatorPermutation([2, 0, 1])
        op.matvec([10., 20., 30.])   # [30., 10., 20.]
    """

    def __init__(self, perm, dtype=dtypes.float32, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorPermutation"):
        self._perm = convert_to_tensor(perm)
        if not self._perm.dtype.is_integer:
            raise TypeError(f"{name}: argument `perm` must be integer dtype, not "
                            f"{self._perm.dtype.name}")
        if self._perm.shape.rank == 0:
            raise ValueError(f"{name}: argument `perm` must have at least 1 dimension")
        if is_non_singular is False:
            raise ValueError(f"{name}: a Permutation operator is always non-singular")
        if is_square is False:
            raise ValueError(f"{name}: a Permutation operator is always square")
        super().__init__(dtype, True, is_self_adjoint, is_positive_definite, True, name)

    @property
    def perm(self):
        return self._perm

    def _shape(self):
        return _vector_shape(self._perm)

    def _matmul(self, x, adjoint):
        # P^T = P^-1 gathers by the inverse permutation, argsort(perm)
        p = _argsort(self._perm) if adjoint else self._perm
        if p.shape.rank == 1 and x.shape.rank is not None:
            return gather(x, p, axis=x.shape.rank - 2)
        p, x = broadcast_batch([p, x], [1, 2])
        b = p.shape.rank - 1
        return gather(x, p, axis=b, batch_dims=b)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, not adjoint)

    def _to_dense(self):
        return one_hot(self._perm, dim(self._perm, -1), dtype=self._dtype)

    def _diag_part(self):
        return cast(equal(self._perm, cast(range_(dim(self._perm, -1)), self._perm.dtype)),
                    self._dtype)

    def _determinant(self):
        # the sign of perm: -1 to the number of inversions (i < j with perm[i] > perm[j])
        gt = cast(greater(expand_dims(self._perm, -1), expand_dims(self._perm, -2)),
                  self._dtype)
        count = reduce_sum(matrix_band_part(gt, 0, -1), [-2, -1])
        return 1.0 - 2.0 * (count - 2.0 * cast(cast(count / 2.0, dtypes.int64), self._dtype))

    def _log_abs_determinant(self):
        return zeros(as_shape([lead(self._perm, 1)]), dtype=self._dtype)


def _argsort(perm):
    """The inverse permutation of each perm (..., N) (no gradient is needed)."""
    from .sorting import argsort
    return cast(argsort(perm, axis=-1), perm.dtype)


from .linalg_operator_struct_more import (LinearOperatorToeplitz,  # noqa: E402,F401
                                          LinearOperatorTridiag, LinearOperatorZeros)
