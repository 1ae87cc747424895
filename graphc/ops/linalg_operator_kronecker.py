"""TF1's LinearOperatorKronecker: the Kronecker product of operators, applied factor by
factor (reshape so one factor's axis leads, apply it, rotate that axis to the end), so
matmul and solve never form the product."""
from ..graph import name_scope
from ..shapes import TensorShape
from .array import expand_dims, reshape
from .cast import cast
from .linalg_operator import LinearOperator
from .linalg_operator_blocks import (_batch_shape, _check_operators, _implied,
                                     reduce_prod_list)
from .linalg_operator_util import as_shape, dim, known, lead, op_dim
from .matrix import matrix_transpose

__all__ = ["LinearOperatorKronecker"]


class LinearOperatorKronecker(LinearOperator):
    """The Kronecker product operators[0] x operators[1] x ...; matmul and solve work
    factor by factor, never forming the product:

        a = gc.linalg.LinearOperatorDiag([1., 2.])
        b = gc.linalg.LinearOperatorFullMatrix([[0., 1.], [1., 0.]])
        gc.linalg.LinearOperatorKronecker([a, b]).matvec([1., 2., 3., 4.])   # [2, 1, 8, 6]
    """

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        api = "LinearOperatorKronecker"
        self.operators = operators = _check_operators(operators, api)
        is_non_singular = _implied(operators, "is_non_singular", is_non_singular,
                                   "Kronecker product", api)
        is_self_adjoint = _implied(operators, "is_self_adjoint", is_self_adjoint,
                                   "Kronecker product", api)
        is_positive_definite = _implied(operators, "is_positive_definite",
                                        is_positive_definite, "Kronecker product", api)
        super().__init__(operators[0].dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square,
                         name or "_x_".join(o.name for o in operators))

    def _shape(self):
        batch = _batch_shape(self.operators)
        if batch.rank is None:
            return TensorShape(None)
        m = [o.range_dimension for o in self.operators]
        n = [o.domain_dimension for o in self.operators]
        return TensorShape(batch._dims + (_prod(m) if known(*m) else None,
                                         _prod(n) if known(*n) else None))

    def _factorwise(self, x, adjoint, method):
        """Applies each factor to its axis of x (..., n_1 * ... * n_k, R): reshape so the
        factor's axis leads, apply, and rotate it to the end."""
        r = dim(x, -1)
        for o in self.operators:
            n = op_dim(o, -2 if adjoint else -1)
            x = reshape(x, as_shape([lead(x, 2), [n, -1]]))
            x = getattr(o, method)(x, adjoint=adjoint)
            x = reshape(matrix_transpose(x), as_shape([lead(x, 2), [-1, 1]]))
        return matrix_transpose(reshape(x, as_shape([lead(x, 2), [r, -1]])))

    def _matmul(self, x, adjoint):
        return self._factorwise(x, adjoint, "matmul")

    def _solve(self, rhs, adjoint):
        return self._factorwise(rhs, adjoint, "solve")

    def _sizes(self):
        """Each factor's order n_i and the product's N (ints or int32 scalar tensors)."""
        n = [op_dim(o, -1) for o in self.operators]
        return n, _prod(n)

    def _determinant(self):
        # det(A_1 x ... x A_k) = prod_i det(A_i) ** (N / n_i)
        n, total = self._sizes()
        out = None
        for o, ni in zip(self.operators, n):
            e = total // ni if known(ni, total) else cast(total // ni, self._dtype)
            t = o.determinant() ** (float(e) if isinstance(e, int) else e)
            out = t if out is None else out * t
        return out

    def _log_abs_determinant(self):
        n, total = self._sizes()
        out = None
        for o, ni in zip(self.operators, n):
            e = float(total // ni) if known(ni, total) else cast(total // ni, self._dtype)
            t = e * o.log_abs_determinant()
            out = t if out is None else out + t
        return out

    def trace(self, name="trace"):
        with name_scope(self._name):
            with name_scope(name):
                return reduce_prod_list([o.trace() for o in self.operators])

    def _diag_part(self):
        d = self.operators[0].diag_part()
        for o in self.operators[1:]:
            p = expand_dims(d, -1) * expand_dims(o.diag_part(), -2)
            d = reshape(p, as_shape([lead(p, 2), [-1]]))
        return d

    def _to_dense(self):
        d = self.operators[0].to_dense()
        for o in self.operators[1:]:
            e = o.to_dense()
            p = expand_dims(expand_dims(d, -1), -3) * expand_dims(expand_dims(e, -2), -4)
            d = reshape(p, as_shape([lead(p, 4), [dim(p, -4) * dim(p, -3),
                                                  dim(p, -2) * dim(p, -1)]]))
        return d

    def adjoint(self, name=None):
        """The Kronecker product of the factors' adjoints."""
        if self.is_self_adjoint:
            return self
        return LinearOperatorKronecker([o.adjoint() for o in self.operators],
                                       self.is_non_singular, self.is_self_adjoint,
                                       self.is_positive_definite, self._is_square,
                                       name or self._name + "_adjoint")

    def inverse(self, name=None):
        """The Kronecker product of the factors' inverses."""
        LinearOperator.inverse(self)                       # its checks
        return LinearOperatorKronecker([o.inverse() for o in self.operators], True,
                                       self.is_self_adjoint, self.is_positive_definite,
                                       True, name or self._name + "_inverse")


def _prod(dims):
    out = 1
    for d in dims:
        out = out * d
    return out
