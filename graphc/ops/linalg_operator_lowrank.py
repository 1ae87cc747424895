"""TF1's LinearOperatorLowRankUpdate: A = L + U D V^H with a K-column update, solved by
the Woodbury identity and its determinant by the matrix determinant lemma, both through
the K x K capacitance matrix C = D^-1 + V^H L^-1 U."""
from ..shapes import TensorShape
from .complex_ops import conj
from .core import convert_to_tensor
from .creation import ones_like
from .elementwise import abs as abs_, log
from .linalg import matmul as matmul_
from .linalg_operator import LinearOperator
from .linalg_operator_more import LinearOperatorIdentity
from .linalg_operator import LinearOperatorDiag
from .linalg_operator_util import broadcast_batch
from .math_extra import broadcast_static_shape
from .matrix import matrix_determinant, matrix_diag
from .reduce import reduce_prod, reduce_sum
from .solve import matrix_solve, slogdet
from .array import expand_dims

__all__ = ["LinearOperatorLowRankUpdate"]


def _compatible(a, b, what, api):
    if isinstance(a, int) and isinstance(b, int) and a != b:
        raise ValueError(f"{api}: {what}: dimensions {a} and {b} are not compatible")


class LinearOperatorLowRankUpdate(LinearOperator):
    """base_operator + u @ diag(diag_update) @ v^H (v defaults to u, diag_update to ones):

        base = gc.linalg.LinearOperatorDiag([1., 2., 3.])
        op = gc.linalg.LinearOperatorLowRankUpdate(base, [[1.], [0.], [1.]])
        op.solvevec([2., 2., 4.])    # Woodbury, never forming the dense matrix
    """

    def __init__(self, base_operator, u, diag_update=None, v=None,
                 is_diag_update_positive=None, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorLowRankUpdate"):
        api = name
        if not isinstance(base_operator, LinearOperator):
            raise TypeError(f"{api}: base_operator must be a LinearOperator, not "
                            f"{type(base_operator).__name__}")
        dtype = base_operator.dtype
        self.base_operator = base_operator
        self.u = convert_to_tensor(u, dtype=dtype)
        self.v = self.u if v is None else convert_to_tensor(v, dtype=dtype)
        self.diag_update = None if diag_update is None else \
            convert_to_tensor(diag_update, dtype=dtype)
        for t, what in ((self.u, "u"), (self.v, "v")):
            if t.shape.rank is not None and t.shape.rank < 2:
                raise ValueError(f"{api}: {what} must have rank >= 2, not shape {t.shape}")
        _compatible(base_operator.range_dimension, self.u.shape._dims[-2]
                    if self.u.shape.rank else None, "base_operator's rows and u's", api)
        _compatible(base_operator.domain_dimension, self.v.shape._dims[-2]
                    if self.v.shape.rank else None, "base_operator's columns and v's", api)
        k = self.u.shape._dims[-1] if self.u.shape.rank else None
        _compatible(k, self.v.shape._dims[-1] if self.v.shape.rank else None,
                    "u's and v's columns", api)
        if self.diag_update is not None:
            d = self.diag_update
            if d.shape.rank == 0:
                raise ValueError(f"{api}: diag_update must have rank >= 1, not be a scalar")
            _compatible(k, d.shape._dims[-1] if d.shape.rank else None,
                        "u's columns and diag_update's length", api)
            self.diag_operator = LinearOperatorDiag(d, is_positive_definite=is_diag_update_positive)
        else:
            is_diag_update_positive = True
            self.diag_operator = LinearOperatorIdentity(k, dtype=dtype) if isinstance(k, int) \
                else None
        self.is_diag_update_positive = is_diag_update_positive
        if v is None and base_operator.is_self_adjoint:
            if is_self_adjoint is False:
                raise ValueError(f"{api}: A = L + UDU^H, with L self-adjoint and D real "
                                 f"diagonal. Since UDU^H is self-adjoint, this must be a "
                                 f"self-adjoint operator.")
            is_self_adjoint = True
            if base_operator.is_positive_definite and is_diag_update_positive:
                if is_positive_definite is False or is_non_singular is False:
                    raise ValueError(f"{api}: arguments imply this is self-adjoint "
                                     f"positive-definite operator.")
                is_positive_definite = is_non_singular = True
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         True if is_square is None else is_square, name)

    def _shape(self):
        batch = self.base_operator.batch_shape
        for t, keep in ((self.u, 2), (self.v, 2), (self.diag_update, 1)):
            if t is not None:
                s = t.shape
                batch = broadcast_static_shape(batch, TensorShape(None) if s.rank is None
                                               else TensorShape(s._dims[:s.rank - keep]))
        if batch.rank is None:
            return TensorShape(None)
        return TensorShape(batch._dims + (self.base_operator.range_dimension,
                                         self.base_operator.domain_dimension))

    def _d(self):
        """diag_update, or ones (..., K) where there is none."""
        return ones_like(self.u[..., 0, :]) if self.diag_update is None else self.diag_update

    def _matmul(self, x, adjoint):
        out = self.base_operator.matmul(x, adjoint=adjoint)
        left, right = (self.v, self.u) if adjoint else (self.u, self.v)
        d = self._d()
        d = conj(d) if adjoint and self._dtype.is_complex else d
        # U D V^H x (adjoint: V D^H U^H x)
        return out + matmul_(left, expand_dims(d, -1) * matmul_(right, x, adjoint_a=True))

    def _capacitance(self):
        """C = D^-1 + V^H L^-1 U."""
        lu = self.base_operator.solve(self.u)
        return matrix_diag(1.0 / self._d()) + matmul_(self.v, lu, adjoint_a=True)

    def _solve(self, rhs, adjoint):
        # Woodbury: A^-1 b = L^-1 b - L^-1 U C^-1 V^H L^-1 b (adjoint: U, V swapped, C^H)
        left, right = (self.v, self.u) if adjoint else (self.u, self.v)
        lb = self.base_operator.solve(rhs, adjoint=adjoint)
        c, w = broadcast_batch([self._capacitance(), matmul_(right, lb, adjoint_a=True)],
                               [2, 2])
        z = matrix_solve(c, w, adjoint=adjoint)
        return lb - self.base_operator.solve(matmul_(left, z), adjoint=adjoint)

    def _determinant(self):
        # det(L + U D V^H) = det(L) det(D) det(C)
        return (self.base_operator.determinant() * reduce_prod(self._d(), -1)
                * matrix_determinant(self._capacitance()))

    def _log_abs_determinant(self):
        return (self.base_operator.log_abs_determinant()
                + reduce_sum(log(abs_(self._d())), -1) + slogdet(self._capacitance())[1])

    def _diag_part(self):
        uv = self.u * expand_dims(self._d(), -2) * conj(self.v)
        return self.base_operator.diag_part() + reduce_sum(uv, -1)

    def _to_dense(self):
        return self.base_operator.to_dense() + matmul_(self.u * expand_dims(self._d(), -2),
                                                       self.v, adjoint_b=True)

    def adjoint(self, name=None):
        """L^H + V D^H U^H (itself when self-adjoint)."""
        if self.is_self_adjoint:
            return self
        d = self.diag_update
        return LinearOperatorLowRankUpdate(
            self.base_operator.adjoint(), self.v,
            None if d is None else (conj(d) if self._dtype.is_complex else d), self.u,
            self.is_diag_update_positive, self.is_non_singular, self.is_self_adjoint,
            self.is_positive_definite, self._is_square, name or self._name + "_adjoint")
