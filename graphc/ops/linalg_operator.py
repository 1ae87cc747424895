"""A small subset of TF's tf.linalg.LinearOperator family: FullMatrix, Diag, Identity,
ScaledIdentity, LowerTriangular, Composition, and the Adjoint and Inversion that
adjoint() and inverse() return. Each is a Python object over tensors; its methods build
ops (matmul, matvec, solve, solvevec, determinant, log_abs_determinant, to_dense,
diag_part, trace), so gradients flow through them. Structure is used where it helps
(a diagonal solve divides, a triangular one substitutes); the rest goes through the
dense matrix, with batch dims broadcast against the right-hand side's as TF does.
Complex operators work too: adjoint means the conjugate transpose, and a dense complex
solve goes through the real 2n x 2n form [[Re A, -Im A], [Im A, Re A]].
"""
from .. import dtypes, errors
from ..graph import name_scope
from ..shapes import TensorShape
from .array import expand_dims, squeeze
from .cast import cast
from .complex_ops import complex as complex_, conj, imag, real
from .core import convert_to_tensor
from .elementwise import abs as abs_, log
from .join import concat
from .linalg import matmul as matmul_
from .linalg_operator_util import adjoint_arg as _arg, broadcast_batch, dim
from .matrix import matrix_determinant, matrix_diag, matrix_diag_part, matrix_transpose
from .reduce import reduce_prod, reduce_sum
from .solve import matrix_band_part, matrix_solve, matrix_triangular_solve, slogdet

__all__ = ["LinearOperator", "LinearOperatorFullMatrix", "LinearOperatorDiag",
           "LinearOperatorLowerTriangular"]


def _check_dtype(t, what, name):
    """TF's operators take float and complex tensors."""
    if not (t.dtype.is_floating or t.dtype.is_complex):
        raise TypeError(f"{name}: {what} must be float or complex, not {t.dtype.name}")


def _adjoint(x):
    """The conjugate transpose of a (batch of) matrix."""
    return matrix_transpose(conj(x) if x.dtype.is_complex else x)


def _realified(a):
    """[[Re a, -Im a], [Im a, Re a]]: the real (..., 2n, 2n) form of a complex matrix."""
    re, im = real(a), imag(a)
    return concat([concat([re, -im], -1), concat([im, re], -1)], -2)


def dense_solve(matrix, rhs, adjoint):
    """X with op(matrix) X = rhs, op = conjugate transpose when adjoint, the batch dims
    of matrix and rhs broadcast together (TF's solve through the dense matrix)."""
    matrix, rhs = broadcast_batch([matrix, rhs], [2, 2])
    if not matrix.dtype.is_complex:
        return matrix_solve(matrix, rhs, adjoint=adjoint)
    if adjoint:
        matrix = _adjoint(matrix)
    n = dim(matrix, -1)
    x = matrix_solve(_realified(matrix), concat([real(rhs), imag(rhs)], -2))
    return complex_(x[..., :n, :], x[..., n:, :])


def dense_log_abs_determinant(matrix):
    """log|det matrix|, in the matrix's dtype (for a complex matrix, half the log-det of
    its real form, which is |det|^2)."""
    if not matrix.dtype.is_complex:
        return slogdet(matrix)[1]
    return cast(0.5 * slogdet(_realified(matrix))[1], matrix.dtype)


class LinearOperator:
    """The base: a (batch of) M x N linear operator of `dtype`. Subclasses give
    `_shape()`, `_to_dense()` and `_matmul(x, adjoint)`, and may override the others."""

    def __init__(self, dtype, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        self.is_non_singular = is_non_singular
        self.is_self_adjoint = is_self_adjoint
        self.is_positive_definite = is_positive_definite
        self._is_square = is_square
        self._name = name

    # ---- shape and properties
    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._name

    @property
    def shape(self):
        """The static TensorShape batch_shape + [M, N]."""
        return self._shape()

    @property
    def batch_shape(self):
        return self.shape[:-2]

    @property
    def range_dimension(self):
        return self.shape._dims[-2] if self.shape.rank else None

    @property
    def domain_dimension(self):
        return self.shape._dims[-1] if self.shape.rank else None

    @property
    def tensor_rank(self):
        return self.shape.rank

    @property
    def is_square(self):
        if self._is_square is not None:
            return self._is_square
        m, n = self.range_dimension, self.domain_dimension
        return None if m is None or n is None else m == n

    def shape_tensor(self, name="shape_tensor"):
        from .array import shape
        return shape(self.to_dense(), name=name)

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        """The batch dims as a 1-D int32 tensor (the shape less its last two dims)."""
        with name_scope(self._name):
            return self.shape_tensor(name)[:-2]

    def range_dimension_tensor(self, name="range_dimension_tensor"):
        with name_scope(self._name):
            return self.shape_tensor(name)[-2]

    def domain_dimension_tensor(self, name="domain_dimension_tensor"):
        with name_scope(self._name):
            return self.shape_tensor(name)[-1]

    def tensor_rank_tensor(self, name="tensor_rank_tensor"):
        from .array import size
        with name_scope(self._name):
            return size(self.shape_tensor(name))

    def add_to_tensor(self, x, name="add_to_tensor"):
        """x + the dense matrix of the operator."""
        with name_scope(self._name):
            with name_scope(name):
                return self.to_dense() + convert_to_tensor(x, dtype=self._dtype)

    def assert_non_singular(self, name="assert_non_singular"):
        """An op failing when the operator is singular up to precision (TF1's check of
        the condition number against 100 n / eps; positive-definite operators: by
        Cholesky)."""
        if self.is_self_adjoint and self.is_positive_definite:
            return self.assert_positive_definite(name)
        import numpy as np
        from .asserts import assert_less
        with name_scope(self._name):
            with name_scope(name):
                dense = self.to_dense()
                n = cast(self.domain_dimension_tensor(), dense.dtype.real_dtype)
                eps = np.finfo(dense.dtype.real_dtype.np).eps
                return assert_less(self.cond(), 100.0 * n / eps,
                                   message="Singular matrix up to precision epsilon.")

    def assert_positive_definite(self, name="assert_positive_definite"):
        """An op failing unless the (self-adjoint) operator is positive definite: its
        Cholesky factor's diagonal is positive (TF1's check)."""
        from .asserts import assert_positive
        from .solve import cholesky
        with name_scope(self._name):
            with name_scope(name):
                return assert_positive(real(matrix_diag_part(cholesky(self.to_dense()))),
                                       message="Matrix was not positive definite.")

    def assert_self_adjoint(self, name="assert_self_adjoint"):
        """An op failing unless the operator equals its adjoint (TF1's check)."""
        from .asserts import assert_equal
        with name_scope(self._name):
            with name_scope(name):
                dense = self.to_dense()
                return assert_equal(dense, matrix_transpose(dense, conjugate=True),
                                    message="Matrix was not equal to its adjoint.")

    def cholesky(self, name="cholesky"):
        """The lower-triangular Cholesky factor of a self-adjoint positive-definite
        operator, as a LinearOperatorLowerTriangular."""
        if not (self.is_self_adjoint and self.is_positive_definite):
            raise ValueError("Cholesky decomposition only applies to self-adjoint positive "
                             "definite operators.")
        from .solve import cholesky
        with name_scope(self._name):
            with name_scope(name):
                return LinearOperatorLowerTriangular(cholesky(self.to_dense()),
                                                     is_non_singular=True)

    def cond(self, name="cond"):
        """The condition number: the largest singular value over the smallest."""
        from .decomp import svd
        from .reduce import reduce_max, reduce_min
        with name_scope(self._name):
            with name_scope(name):
                s = svd(self.to_dense(), compute_uv=False)
                return reduce_max(s, -1) / reduce_min(s, -1)

    def eigvals(self, name="eigvals"):
        """The eigenvalues of a self-adjoint operator, ascending (TF1: others are not
        supported)."""
        if not self.is_self_adjoint:
            raise NotImplementedError("Only self-adjoint matrices are supported.")
        from .decomp import self_adjoint_eigvals
        with name_scope(self._name):
            with name_scope(name):
                return self_adjoint_eigvals(self.to_dense())

    def _checked(self, x, self_axis, arg_axis):
        """x as a tensor whose dim arg_axis fits the operator's dim self_axis (TF)."""
        x = convert_to_tensor(x, dtype=self._dtype)
        a = self.shape._dims[self_axis] if self.shape.rank is not None else None
        b = x.shape._dims[arg_axis] if x.shape.rank not in (None, 0) else None
        if isinstance(a, int) and isinstance(b, int) and a != b:
            raise errors.ShapeError(f"Dimensions {a} and {b} are not compatible: "
                                    f"{self._name} is {self.shape}\n  "
                                    + errors.describe_tensor(x, "argument"))
        return x

    # ---- the operations
    def to_dense(self, name="to_dense"):
        """The dense matrix (or batch of them) of the operator."""
        with name_scope(self._name):
            with name_scope(name):
                return self._to_dense()

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        """A @ x (A^H @ x with adjoint; x^H with adjoint_arg)."""
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            from .linalg_operator_more import LinearOperatorComposition
            return LinearOperatorComposition([left, right])
        with name_scope(self._name):
            with name_scope(name):
                x = self._checked(x, -2 if adjoint else -1, -1 if adjoint_arg else -2)
                return self._matmul(_arg(x, adjoint_arg, self._dtype), adjoint)

    def __matmul__(self, x):
        return self.matmul(x)

    def matvec(self, x, adjoint=False, name="matvec"):
        """A @ x for a (batch of) vector x."""
        with name_scope(self._name):
            with name_scope(name):
                x = self._checked(x, -2 if adjoint else -1, -1)
                return squeeze(self._matmul(expand_dims(x, -1), adjoint), [-1])

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        """X with A @ X = rhs (A^H @ X = rhs with adjoint)."""
        with name_scope(self._name):
            with name_scope(name):
                rhs = self._checked(rhs, -1 if adjoint else -2, -1 if adjoint_arg else -2)
                return self._solve(_arg(rhs, adjoint_arg, self._dtype), adjoint)

    def solvevec(self, rhs, adjoint=False, name="solve"):
        """x with A @ x = rhs for a (batch of) vector rhs."""
        with name_scope(self._name):
            with name_scope(name):
                rhs = self._checked(rhs, -1 if adjoint else -2, -1)
                return squeeze(self._solve(expand_dims(rhs, -1), adjoint), [-1])

    def determinant(self, name="det"):
        with name_scope(self._name):
            with name_scope(name):
                return self._determinant()

    def log_abs_determinant(self, name="log_abs_det"):
        with name_scope(self._name):
            with name_scope(name):
                return self._log_abs_determinant()

    def diag_part(self, name="diag_part"):
        with name_scope(self._name):
            with name_scope(name):
                return self._diag_part()

    def trace(self, name="trace"):
        with name_scope(self._name):
            with name_scope(name):
                return reduce_sum(self._diag_part(), -1)

    def adjoint(self, name=None):
        """The adjoint (conjugate transpose) operator; self-adjoint operators return
        themselves."""
        if self.is_self_adjoint:
            return self
        from .linalg_operator_more import LinearOperatorAdjoint
        return LinearOperatorAdjoint(self, name=name)

    def inverse(self, name=None):
        """The inverse operator (its matmul solves and its solve multiplies)."""
        if self.is_square is False:
            raise ValueError(f"{self._name}: cannot invert a non-square operator")
        if self.is_non_singular is False:
            raise ValueError(f"{self._name}: cannot invert a singular operator")
        from .linalg_operator_more import LinearOperatorInversion
        return LinearOperatorInversion(self, name=name)

    # ---- defaults, from the dense matrix
    def _solve(self, rhs, adjoint):
        return dense_solve(self._to_dense(), rhs, adjoint)

    def _determinant(self):
        if self._dtype.is_complex:
            raise NotImplementedError(f"{self._name}: the determinant of a dense complex "
                                      "operator is not supported in graphc (use "
                                      "log_abs_determinant)")
        return matrix_determinant(self._to_dense())

    def _log_abs_determinant(self):
        return dense_log_abs_determinant(self._to_dense())

    def _diag_part(self):
        return matrix_diag_part(self._to_dense())


class LinearOperatorFullMatrix(LinearOperator):
    """The operator of a dense (batch of) matrix:

        op = gc.linalg.LinearOperatorFullMatrix([[1., 2.], [3., 4.]])
        op.matvec([1., 1.])          # [3., 7.]
    """

    def __init__(self, matrix, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorFullMatrix"):
        self._matrix = convert_to_tensor(matrix)
        _check_dtype(self._matrix, "matrix", name)
        if self._matrix.shape.rank is not None and self._matrix.shape.rank < 2:
            raise ValueError(f"{name}: matrix must have rank >= 2, not shape "
                             f"{self._matrix.shape}")
        super().__init__(self._matrix.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)

    def _shape(self):
        return self._matrix.shape

    def _to_dense(self):
        return self._matrix

    def _matmul(self, x, adjoint):
        return matmul_(self._matrix, x, adjoint_a=adjoint)


class LinearOperatorLowerTriangular(LinearOperator):
    """The lower triangle of tril (the rest is ignored): solves by substitution and its
    determinant is the product of the diagonal:

        op = gc.linalg.LinearOperatorLowerTriangular([[2., 9.], [1., 4.]])
        op.solvevec([2., 5.])        # [1., 1.]
    """

    def __init__(self, tril, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorLowerTriangular"):
        tril = LinearOperatorFullMatrix(tril, name=name)._matrix      # the same checks
        self._tril = matrix_band_part(tril, -1, 0)
        super().__init__(tril.dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         True if is_square is None else is_square, name)

    def _shape(self):
        return self._tril.shape

    def _to_dense(self):
        return self._tril

    def _matmul(self, x, adjoint):
        return matmul_(self._tril, x, adjoint_a=adjoint)

    def _solve(self, rhs, adjoint):
        if self._dtype.is_complex:
            return dense_solve(self._tril, rhs, adjoint)
        tril, rhs = broadcast_batch([self._tril, rhs], [2, 2])
        return matrix_triangular_solve(tril, rhs, lower=True, adjoint=adjoint)

    def _diag_part(self):
        return matrix_diag_part(self._tril)

    def _determinant(self):
        return reduce_prod(self._diag_part(), -1)

    def _log_abs_determinant(self):
        return reduce_sum(log(abs_(self._diag_part())), -1)     # real, complex too (TF)


class LinearOperatorDiag(LinearOperator):
    """The diagonal operator of diag (..., N):

        op = gc.linalg.LinearOperatorDiag([2., 4.])
        op.solvevec([2., 2.])        # [1., 0.5]
    """

    def __init__(self, diag, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name="LinearOperatorDiag"):
        self._diag = convert_to_tensor(diag)
        _check_dtype(self._diag, "diag", name)
        if self._diag.shape.rank == 0:
            raise ValueError(f"{name}: diag must have rank >= 1, not be a scalar")
        if is_square is False:
            raise ValueError(f"{name}: a diagonal operator is square")
        super().__init__(self._diag.dtype, is_non_singular,
                         real_self_adjoint(self._diag.dtype, is_self_adjoint, name),
                         is_positive_definite, True, name)

    def _shape(self):
        d = self._diag.shape
        return TensorShape(None) if d.rank is None else TensorShape(d._dims + d._dims[-1:])

    def _to_dense(self):
        return matrix_diag(self._diag)

    def _d(self, adjoint):
        d = conj(self._diag) if adjoint and self._dtype.is_complex else self._diag
        return expand_dims(d, -1)

    def _matmul(self, x, adjoint):
        return self._d(adjoint) * x

    def _solve(self, rhs, adjoint):
        return rhs / self._d(adjoint)

    def _diag_part(self):
        return self._diag

    def _determinant(self):
        return reduce_prod(self._diag, -1)

    def _log_abs_determinant(self):
        return _log_abs_prod(self._diag)


def real_self_adjoint(dtype, is_self_adjoint, name):
    """A real diagonal (or scaled identity) operator is self-adjoint; a complex one only
    when the caller says so (TF)."""
    if dtype.is_complex:
        return is_self_adjoint
    if is_self_adjoint is False:
        raise ValueError(f"{name}: A real diagonal operator is always self adjoint.")
    return True


def _log_abs_prod(d):
    """sum(log|d|) over the last axis, in d's dtype (complex too, as TF)."""
    out = reduce_sum(log(abs_(d)), -1)
    return cast(out, d.dtype) if d.dtype.is_complex else out
