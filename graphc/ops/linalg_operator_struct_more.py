"""TF1's Toeplitz, Tridiag and Zeros LinearOperators (the rest of
linalg_operator_struct.py). A Toeplitz matmul embeds the N x N matrix in a 2N x 2N
circulant and multiplies by FFT; Tridiag uses graphc's tridiagonal matmul and solve."""
import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..shapes import TensorShape
from .array import expand_dims, reverse
from .cast import cast
from .complex_ops import real
from .core import convert_to_tensor
from .creation import ones, range as range_, zeros, zeros_like
from .fft import fft, ifft
from .gather import gather
from .join import concat, stack
from .linalg_operator import LinearOperator
from .linalg_operator_util import as_shape, broadcast_batch, dim, lead
from .linalg_tridiag import _compact, tridiagonal_matmul, tridiagonal_solve
from .math_extra import broadcast_dynamic_shape, broadcast_static_shape
from .matrix import eye, matrix_transpose
from .solve import matrix_solve

__all__ = ["LinearOperatorToeplitz", "LinearOperatorTridiag", "LinearOperatorZeros"]

_REAL = (dtypes.float32, dtypes.float64)


def _float(x, what, api, dtype=None):
    """x as a float32/float64 tensor of rank >= 1 (Python ints become float32)."""
    if dtype is None and isinstance(x, (list, tuple)):
        t = convert_to_tensor(x)
        x = cast(t, dtypes.float32) if t.dtype.is_integer else t
    x = convert_to_tensor(x, dtype=dtype)
    if x.dtype not in _REAL:
        raise TypeError(f"{api}: {what} must be float32 or float64, not {x.dtype.name}")
    if x.shape.rank == 0:
        raise ValueError(f"{api}: {what} must have at least 1 dimension, not be a scalar")
    return x


class LinearOperatorToeplitz(LinearOperator):
    """The Toeplitz matrix with first column col and first row row (row[0] is ignored:
    the diagonal is col[0]); matmul is O(N log N) through the FFT:

        op = gc.linalg.LinearOperatorToeplitz(col=[1., 2., 3.], row=[1., 4., 5.])
        op.to_dense()                # [[1, 4, 5], [2, 1, 4], [3, 2, 1]]
    """

    def __init__(self, col, row, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorToeplitz"):
        self.col = _float(col, "col", name)
        self.row = _float(row, "row", name, dtype=self.col.dtype)
        n, m = (t.shape._dims[-1] if t.shape.rank else None for t in (self.col, self.row))
        if isinstance(n, int) and isinstance(m, int) and n != m:
            raise ValueError(f"{name}: expected square matrix, got row and col with "
                             f"mismatched dimensions ({m} and {n})")
        super().__init__(self.col.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True if is_square is None else is_square, name)

    def _shape(self):
        c, r = self.col.shape, self.row.shape
        if c.rank is None or r.rank is None:
            return TensorShape(None)
        batch = broadcast_static_shape(TensorShape(c._dims[:-1]), TensorShape(r._dims[:-1]))
        n = c._dims[-1] if isinstance(c._dims[-1], int) else r._dims[-1]
        return TensorShape(None) if batch.rank is None else TensorShape(batch._dims + (n, n))

    def _parts(self):
        return broadcast_batch([self.col, self.row], [1, 1])

    def _matmul(self, x, adjoint):
        col, row = self._parts()
        if adjoint:       # T^T is the Toeplitz matrix of (row with col[0], col)
            col, row = concat([col[..., :1], row[..., 1:]], -1), col
        # the first column of a 2N circulant holding T in its top-left block
        c = concat([col, zeros_like(col[..., :1]), reverse(row[..., 1:], [-1])], -1)
        cdt = dtypes.complex128 if self._dtype == dtypes.float64 else dtypes.complex64
        xt = matrix_transpose(x)
        xt = cast(concat([xt, zeros_like(xt)], -1), cdt)
        y = ifft(expand_dims(fft(cast(c, cdt)), -2) * fft(xt))
        return matrix_transpose(real(y[..., :dim(x, -2)]))

    def _solve(self, rhs, adjoint):
        a, rhs = broadcast_batch([self._to_dense(), rhs], [2, 2])
        return matrix_solve(a, rhs, adjoint=adjoint)

    def _to_dense(self):
        col, row = self._parts()
        n = dim(col, -1)
        v = concat([reverse(row[..., 1:], [-1]), col], -1)      # T[i, j] = v[n - 1 + i - j]
        i = range_(n)
        idx = (n - 1) + expand_dims(i, -1) - expand_dims(i, 0)
        return gather(v, idx, axis=v.shape.rank - 1)

    def _diag_part(self):
        col, _ = self._parts()
        return col[..., :1] * ones(as_shape([[dim(col, -1)]]), dtype=self._dtype)


class LinearOperatorTridiag(LinearOperator):
    """The tridiagonal operator of diagonals: 'compact' (..., 3, N) = [superdiag,
    maindiag, subdiag] (superdiag's last and subdiag's first entries ignored), a
    'sequence' of the three (..., N) tensors, or the (..., N, N) 'matrix':

        op = gc.linalg.LinearOperatorTridiag([[1., 1., 0.], [4., 4., 4.], [0., 1., 1.]])
        op.solvevec([5., 6., 5.])    # [1., 1., 1.]
    """

    def __init__(self, diagonals, diagonals_format="compact", is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name="LinearOperatorTridiag"):
        if diagonals_format not in ("compact", "matrix", "sequence"):
            raise ValueError(f"{name}: argument `diagonals_format` must be one of compact, "
                             f"matrix, or sequence. Received : {diagonals_format}.")
        if diagonals_format == "sequence":
            if not isinstance(diagonals, (list, tuple)) or len(diagonals) != 3:
                raise ValueError(f"{name}: diagonals_format='sequence' needs a list of three "
                                 f"tensors [superdiag, maindiag, subdiag]")
            main = _float(diagonals[1], "diagonals[1]", name)
            parts = [_float(d, f"diagonals[{i}]", name, dtype=main.dtype) if i != 1 else main
                     for i, d in enumerate(diagonals)]
            self.diagonals = parts
            self._compact = _compact(broadcast_batch(parts, [1, 1, 1]), "sequence", name)
        else:
            self.diagonals = _float(diagonals, "diagonals", name)
            r = self.diagonals.shape.rank
            if r is not None and r < 2:
                raise ValueError(f"{name}: diagonals must have rank >= 2, not shape "
                                 f"{self.diagonals.shape}")
            self._compact = _compact(self.diagonals, diagonals_format, name)
        self.diagonals_format = diagonals_format
        super().__init__(self._compact.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)

    def _shape(self):
        s = self._compact.shape
        return TensorShape(None) if s.rank is None else TensorShape(s._dims[:-2] + s._dims[-1:] * 2)

    def _adjoint_compact(self):
        """The compact diagonals of the transpose: super'[i] = sub[i+1], sub'[i] = super[i-1]."""
        c = self._compact
        sup, main, sub = c[..., 0, :], c[..., 1, :], c[..., 2, :]
        z = zeros_like(main[..., :1])
        return stack([concat([sub[..., 1:], z], -1), main, concat([z, sup[..., :-1]], -1)], -2)

    def _diagonals_for(self, adjoint):
        return self._adjoint_compact() if adjoint else self._compact

    def _matmul(self, x, adjoint):
        return tridiagonal_matmul(self._diagonals_for(adjoint), x)

    def _solve(self, rhs, adjoint):
        d, rhs = broadcast_batch([self._diagonals_for(adjoint), rhs], [2, 2])
        return tridiagonal_solve(d, rhs)

    def _diag_part(self):
        return self._compact[..., 1, :]

    def _to_dense(self):
        return tridiagonal_matmul(self._compact, eye(dim(self._compact, -1), dtype=self._dtype))


def _size(value, what, api):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{api}: argument {what} must be integer type. Found: {value!r}")
    if value < 0:
        raise ValueError(f"{api}: argument {what} must be non-negative. Found: {value}")
    return int(value)


class LinearOperatorZeros(LinearOperator):
    """The num_rows x num_columns zero operator (a batch of them with batch_shape):

        z = gc.linalg.LinearOperatorZeros(2, 3, is_square=False, is_self_adjoint=False)
        z.matvec([1., 2., 3.])       # [0., 0.]
    """

    def __init__(self, num_rows, num_columns=None, batch_shape=None, dtype=None,
                 is_non_singular=False, is_self_adjoint=True, is_positive_definite=False,
                 is_square=True, assert_proper_shapes=False, name="LinearOperatorZeros"):
        self._rows = _size(num_rows, "num_rows", name)
        self._cols = self._rows if num_columns is None else \
            _size(num_columns, "num_columns", name)
        self._batch = () if batch_shape is None else tuple(
            _size(d, "batch_shape", name) for d in batch_shape)
        if is_non_singular:
            raise ValueError(f"{name}: a zero operator is always singular")
        if is_positive_definite:
            raise ValueError(f"{name}: a zero operator is always not positive-definite")
        if is_self_adjoint is False and is_square and self._rows == self._cols:
            raise ValueError(f"{name}: a zero operator is always self adjoint")
        if is_self_adjoint and is_square is False:
            raise ValueError(f"{name}: a self-adjoint matrix is always square")
        if is_square and self._rows != self._cols:
            raise ValueError(f"{name}: initialized as is_square=True, but got "
                             f"num_rows({self._rows}) != num_columns({self._cols})")
        super().__init__(dtypes.float32 if dtype is None else dtype, is_non_singular,
                         is_self_adjoint, is_positive_definite, is_square, name)

    def _shape(self):
        return TensorShape(self._batch + (self._rows, self._cols))

    def _zeros(self, tail):
        return zeros(list(self._batch) + tail, dtype=self._dtype)

    def _matmul(self, x, adjoint):
        k, m = (self._rows, self._cols) if adjoint else (self._cols, self._rows)
        n = x.shape._dims[-2] if x.shape.rank else None
        if isinstance(n, int) and n != k:
            raise ValueError(f"{self._name}: matmul: dimensions {k} and {n} are not "
                             f"compatible (x has shape {x.shape})")
        xb = TensorShape(None) if x.shape.rank is None else TensorShape(x.shape._dims[:-2])
        batch = broadcast_static_shape(TensorShape(self._batch), xb)
        if batch.rank is not None and all(isinstance(d, int) for d in batch._dims) and \
                isinstance(x.shape._dims[-1], int):
            return zeros(list(batch._dims) + [m, x.shape._dims[-1]], dtype=self._dtype)
        b = broadcast_dynamic_shape(convert_to_tensor(list(self._batch), dtype=dtypes.int32),
                                    lead(x, 2) if not isinstance(lead(x, 2), list)
                                    else convert_to_tensor(lead(x, 2), dtype=dtypes.int32))
        return zeros(as_shape([b, [m, dim(x, -1)]]), dtype=self._dtype)

    def _solve(self, rhs, adjoint):
        raise NotImplementedError(f"{self._name}: exact solve not implemented for an "
                                  f"operator that is expected to be singular")

    def _square_only(self, what):
        if self._rows != self._cols:
            raise NotImplementedError(f"{self._name}: {what} not implemented for an operator "
                                      f"that is expected to not be square")

    def _determinant(self):
        self._square_only("determinant")
        return self._zeros([])

    def _log_abs_determinant(self):
        self._square_only("log_abs_determinant")
        return self._zeros([]) - float("inf")

    def _diag_part(self):
        return self._zeros([min(self._rows, self._cols)])

    def _to_dense(self):
        return self._zeros([self._rows, self._cols])

    def add_to_tensor(self, mat, name="add_to_tensor"):
        """mat + 0: mat broadcast against the operator's batch shape (as TF)."""
        with name_scope(self._name):
            with name_scope(name):
                return convert_to_tensor(mat, dtype=self._dtype) + self._zeros([1, 1])
