"""The rest of the LinearOperator subset (graphc/ops/linalg_operator.py): Identity,
ScaledIdentity, Composition, Adjoint and Inversion. For complex operators the adjoint
is the conjugate transpose, as in TF."""
from .. import dtypes
from ..graph import Tensor
from ..shapes import TensorShape
from .array import expand_dims
from .broadcast import broadcast_to
from .cast import cast
from .complex_ops import conj
from .core import convert_to_tensor
from .creation import ones
from .elementwise import abs as abs_, log
from .linalg_operator import (LinearOperator, _adjoint, _check_dtype, _log_abs_prod,
                              real_self_adjoint)
from .math_extra import broadcast_static_shape
from .matrix import eye
from .registry import constant_value

__all__ = ["LinearOperatorIdentity", "LinearOperatorScaledIdentity",
           "LinearOperatorComposition", "LinearOperatorAdjoint", "LinearOperatorInversion"]


def _num_rows(num_rows, name):
    """(num_rows: an int or a scalar int tensor, its static value or None), as TF's."""
    if isinstance(num_rows, Tensor):
        if num_rows.shape.rank not in (0, None) or not num_rows.dtype.is_integer:
            raise ValueError(f"{name}: num_rows must be an int scalar, not {num_rows!r}")
        known = constant_value(num_rows)
        if known is None:
            return num_rows, None
        num_rows = int(known)
    if not isinstance(num_rows, int) or isinstance(num_rows, bool) or num_rows < 0:
        raise ValueError(f"{name}: num_rows must be a non-negative int, not "
                         f"{num_rows!r}")
    return num_rows, num_rows


def _as(n, dtype):
    """num_rows as a scalar of dtype (a float for int num_rows)."""
    return float(n) if isinstance(n, int) else cast(n, dtype)


class LinearOperatorIdentity(LinearOperator):
    """The num_rows x num_rows identity (a batch of them with batch_shape); matmul
    returns x (broadcast against batch_shape):

        gc.linalg.LinearOperatorIdentity(3).matvec([1., 2., 3.])    # [1., 2., 3.]
    """

    def __init__(self, num_rows, batch_shape=None, dtype=None, is_non_singular=True,
                 is_self_adjoint=True, is_positive_definite=True, is_square=True,
                 assert_proper_shapes=False, name="LinearOperatorIdentity"):
        self._n, self._n_static = _num_rows(num_rows, name)
        self._batch = () if batch_shape is None else tuple(int(d) for d in batch_shape)
        super().__init__(dtypes.float32 if dtype is None else dtype, is_non_singular,
                         is_self_adjoint, is_positive_definite, is_square, name)

    def _shape(self):
        return TensorShape(self._batch + (self._n_static, self._n_static))

    def _to_dense(self):
        return eye(self._n, batch_shape=list(self._batch) or None, dtype=self._dtype)

    def _batched(self, x):
        if not self._batch:
            return x
        shape = x.shape._dims
        if shape is not None and all(isinstance(d, int) for d in shape):
            out = broadcast_static_shape(TensorShape(self._batch + (1, 1)), x.shape)
            return broadcast_to(x, list(out._dims))
        return x * ones(list(self._batch) + [1, 1], dtype=self._dtype)

    def _matmul(self, x, adjoint):
        return self._batched(x)

    def _solve(self, rhs, adjoint):
        return self._batched(rhs)

    def _determinant(self):
        return ones(list(self._batch), dtype=self._dtype)

    def _log_abs_determinant(self):
        return ones(list(self._batch), dtype=self._dtype) * 0.0

    def _diag_part(self):
        return ones(list(self._batch) + [self._n], dtype=self._dtype)


class LinearOperatorScaledIdentity(LinearOperator):
    """multiplier * I, num_rows x num_rows; a batch of them for a multiplier (...,):

        gc.linalg.LinearOperatorScaledIdentity(2, 3.).determinant()   # 9.
    """

    def __init__(self, num_rows, multiplier, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorScaledIdentity"):
        self._n, self._n_static = _num_rows(num_rows, name)
        self._multiplier = convert_to_tensor(multiplier)
        _check_dtype(self._multiplier, "multiplier", name)
        super().__init__(self._multiplier.dtype, is_non_singular,
                         real_self_adjoint(self._multiplier.dtype, is_self_adjoint, name),
                         is_positive_definite, is_square, name)

    def _shape(self):
        m = self._multiplier.shape
        return TensorShape(None) if m.rank is None else \
            TensorShape(m._dims + (self._n_static, self._n_static))

    def _scale(self, adjoint=False):
        m = conj(self._multiplier) if adjoint and self._dtype.is_complex else self._multiplier
        return expand_dims(expand_dims(m, -1), -1)

    def _to_dense(self):
        return self._scale() * eye(self._n, dtype=self._dtype)

    def _matmul(self, x, adjoint):
        return self._scale(adjoint) * x

    def _solve(self, rhs, adjoint):
        return rhs / self._scale(adjoint)

    def _determinant(self):
        return self._multiplier ** _as(self._n, self._dtype)

    def _log_abs_determinant(self):
        m = abs_(self._multiplier)                      # real, complex too (TF)
        return _as(self._n, m.dtype) * log(m)

    def _diag_part(self):
        return expand_dims(self._multiplier, -1) * ones([self._n], dtype=self._dtype)


class LinearOperatorComposition(LinearOperator):
    """operators[0] @ operators[1] @ ... (applied right to left):

        op = gc.linalg.LinearOperatorComposition([a_op, b_op])   # a @ b
    """

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        operators = list(operators)
        if not operators or not all(isinstance(o, LinearOperator) for o in operators):
            raise TypeError("LinearOperatorComposition: operators must be a non-empty list "
                            "of LinearOperators")
        if len({o.dtype for o in operators}) != 1:
            raise TypeError("LinearOperatorComposition: the operators' dtypes differ: "
                            f"{[o.dtype.name for o in operators]}")
        for left, right in zip(operators, operators[1:]):
            a, b = left.domain_dimension, right.range_dimension
            if isinstance(a, int) and isinstance(b, int) and a != b:
                raise ValueError(f"LinearOperatorComposition: {left.name} has domain "
                                 f"dimension {a} but {right.name} range dimension {b}")
        self.operators = operators
        super().__init__(operators[0].dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square,
                         name or "_o_".join(o.name for o in operators))

    def _shape(self):
        batch = TensorShape(())
        for o in self.operators:
            batch = broadcast_static_shape(batch, o.batch_shape)
        if batch.rank is None:
            return TensorShape(None)
        return TensorShape(batch._dims + (self.operators[0].range_dimension,
                                         self.operators[-1].domain_dimension))

    def _to_dense(self):
        out = self.operators[-1].to_dense()
        for o in reversed(self.operators[:-1]):
            out = o.matmul(out)
        return out

    def _matmul(self, x, adjoint):
        ops = self.operators if adjoint else reversed(self.operators)
        for o in ops:
            x = o.matmul(x, adjoint=adjoint)
        return x

    def _solve(self, rhs, adjoint):
        ops = reversed(self.operators) if adjoint else self.operators
        for o in ops:
            rhs = o.solve(rhs, adjoint=adjoint)
        return rhs

    def _determinant(self):
        out = self.operators[0].determinant()
        for o in self.operators[1:]:
            out = out * o.determinant()
        return out

    def _log_abs_determinant(self):
        out = self.operators[0].log_abs_determinant()
        for o in self.operators[1:]:
            out = out + o.log_abs_determinant()
        return out


class LinearOperatorAdjoint(LinearOperator):
    """The adjoint (conjugate transpose) of operator: what operator.adjoint() returns."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self.operator = operator
        super().__init__(operator.dtype, operator.is_non_singular, operator.is_self_adjoint,
                         operator.is_positive_definite, operator.is_square,
                         name or operator.name + "_adjoint")

    def _shape(self):
        s = self.operator.shape
        return s if s.rank is None else TensorShape(s._dims[:-2] + (s._dims[-1], s._dims[-2]))

    def _to_dense(self):
        return _adjoint(self.operator.to_dense())

    def _matmul(self, x, adjoint):
        return self.operator.matmul(x, adjoint=not adjoint)

    def _solve(self, rhs, adjoint):
        return self.operator.solve(rhs, adjoint=not adjoint)

    def _determinant(self):
        return self._conj(self.operator.determinant())

    def _log_abs_determinant(self):
        return self.operator.log_abs_determinant()

    def _diag_part(self):
        return self._conj(self.operator.diag_part())

    def _conj(self, x):
        return conj(x) if self._dtype.is_complex else x

    def adjoint(self, name=None):
        return self.operator


class LinearOperatorInversion(LinearOperator):
    """The inverse of operator: what operator.inverse() returns."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self.operator = operator
        super().__init__(operator.dtype, True, operator.is_self_adjoint,
                         operator.is_positive_definite, True,
                         name or operator.name + "_inverse")

    def _shape(self):
        return self.operator.shape

    def _to_dense(self):
        return self.operator.solve(self._eye())

    def _eye(self):
        from .array import shape
        s = shape(self.operator.to_dense())
        return eye(s[-1], batch_shape=s[:-2], dtype=self._dtype)

    def _matmul(self, x, adjoint):
        return self.operator.solve(x, adjoint=adjoint)

    def _solve(self, rhs, adjoint):
        return self.operator.matmul(rhs, adjoint=adjoint)

    def _determinant(self):
        return 1.0 / self.operator.determinant()

    def _log_abs_determinant(self):
        return -self.operator.log_abs_determinant()

    def inverse(self, name=None):
        return self.operator


