"""TF1's block LinearOperators: BlockDiag (a direct sum), BlockLowerTriangular,
Kronecker and LowRankUpdate (L + U D V^H, solved by Woodbury). Each uses its structure:
block operators work block by block, a Kronecker product factor by factor, a low-rank
update through its K x K capacitance matrix. Gradients flow through the ops they build.
"""
import numpy as np

from ..graph import name_scope
from ..shapes import TensorShape
from .array import expand_dims, squeeze
from .creation import zeros
from .join import concat
from .linalg_operator import LinearOperator
from .linalg_operator_util import (adjoint_arg, as_shape, broadcast_batch, dim, known,
                                   lead, op_dim)
from .math_extra import broadcast_static_shape

__all__ = ["LinearOperatorBlockDiag", "LinearOperatorBlockLowerTriangular",
           "LinearOperatorKronecker", "LinearOperatorLowRankUpdate"]


def _check_operators(operators, api):
    operators = list(operators)
    if not operators:
        raise ValueError(f"{api}: expected a non-empty list of operators. Found: []")
    for o in operators:
        if not isinstance(o, LinearOperator):
            raise TypeError(f"{api}: operators must be LinearOperators, not {type(o).__name__}")
    if len({o.dtype for o in operators}) != 1:
        raise TypeError(f"{api}: expected all operators to have the same dtype. Found "
                        f"{[(o.name, o.dtype.name) for o in operators]}")
    return operators


def _implied(operators, attr, given, what, api):
    """`given`, or True where every operator has the property (False is then an error)."""
    if all(getattr(o, attr) for o in operators):
        if given is False:
            raise ValueError(f"{api}: the {what} of {attr[3:].replace('_', '-')} operators "
                             f"is always {attr[3:].replace('_', '-')}")
        return True
    return given


def _batch_shape(operators):
    batch = TensorShape(())
    for o in operators:
        batch = broadcast_static_shape(batch, o.batch_shape)
    return batch


def _sum(dims):
    return sum(dims) if known(*dims) else None


def _split(x, sizes):
    """x cut along axis -2 into pieces of the given sizes (ints or scalar tensors)."""
    out, start = [], 0
    for s in sizes:
        out.append(x[..., start:start + s, :])
        start = start + s
    return out


def _join(blocks):
    """Tensors (..., m_i, R) broadcast over their batch and concatenated along -2."""
    return concat(broadcast_batch(blocks, [2] * len(blocks)), -2) if len(blocks) > 1 \
        else blocks[0]


def _add(terms):
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def _dense_rows(rows, domain_dims):
    """The dense matrix of block rows: rows[i] maps column index j to a dense block, the
    missing blocks are zeros."""
    dense = [d for row in rows for d in row.values()]
    batch = lead(broadcast_batch(dense, [2] * len(dense))[0], 2) if len(dense) > 1 \
        else lead(dense[0], 2)
    out = []
    for row in rows:
        m = dim(next(iter(row.values())), -2)
        pieces = []
        for j, n in enumerate(domain_dims):
            if j in row:
                pieces.append(row[j])
            elif not (isinstance(n, int) and n == 0):
                pieces.append(zeros(as_shape([batch, [m, n]]), dtype=row[next(iter(row))].dtype))
        out.append(concat(broadcast_batch(pieces, [2] * len(pieces)), -1))
    return _join(out)


def _blockwise(op, x):
    """Whether x is a list of per-block arguments (not one nested-list tensor): a list of
    one non-scalar per block."""
    return isinstance(x, (list, tuple)) and len(x) == len(op._diagonal()) and all(
        np.ndim(e) >= 1 if not hasattr(e, "shape") else e.shape.rank != 0 for e in x)


class _Blocks(LinearOperator):
    """The shared list-of-blocks interface of BlockDiag and BlockLowerTriangular:
    matmul/matvec/solve/solvevec also take a list of per-block tensors, as TF."""

    def _apply_list(self, xs, adjoint, adjoint_arg_, vec, solve, name):
        with name_scope(self._name):
            with name_scope(name):
                xs = [adjoint_arg(x, adjoint_arg_, self._dtype) for x in xs]
                xs = [expand_dims(x, -1) for x in xs] if vec else xs
                ys = (self._block_solve if solve else self._block_matmul)(xs, adjoint)
                return [squeeze(y, [-1]) for y in ys] if vec else ys

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        """A @ x; x may be a list of per-block tensors (a list is returned)."""
        if _blockwise(self, x):
            return self._apply_list(x, adjoint, adjoint_arg, False, False, name)
        return super().matmul(x, adjoint, adjoint_arg, name)

    def matvec(self, x, adjoint=False, name="matvec"):
        if _blockwise(self, x):
            return self._apply_list(x, adjoint, False, True, False, name)
        return super().matvec(x, adjoint, name)

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        """X with A @ X = rhs; rhs may be a list of per-block tensors."""
        if _blockwise(self, rhs):
            return self._apply_list(rhs, adjoint, adjoint_arg, False, True, name)
        return super().solve(rhs, adjoint, adjoint_arg, name)

    def solvevec(self, rhs, adjoint=False, name="solve"):
        if _blockwise(self, rhs):
            return self._apply_list(rhs, adjoint, False, True, True, name)
        return super().solvevec(rhs, adjoint, name)

    def _split_for(self, x, adjoint):
        return _split(x, [op_dim(o, -2 if adjoint else -1) for o in self._diagonal()])

    def _matmul(self, x, adjoint):
        return _join(self._block_matmul(self._split_for(x, adjoint), adjoint))

    def _solve(self, rhs, adjoint):
        return _join(self._block_solve(self._split_for(rhs, not adjoint), adjoint))

    def _determinant(self):
        return reduce_prod_list([o.determinant() for o in self._diagonal()])

    def _log_abs_determinant(self):
        return _add([o.log_abs_determinant() for o in self._diagonal()])

    def _diag_part(self):
        if not all(o.is_square for o in self._diagonal()):
            return super()._diag_part()
        parts = [o.diag_part() for o in self._diagonal()]
        return concat(broadcast_batch(parts, [1] * len(parts)), -1) if len(parts) > 1 \
            else parts[0]

    def trace(self, name="trace"):
        with name_scope(self._name):
            with name_scope(name):
                return _add([o.trace() for o in self._diagonal()])


def reduce_prod_list(values):
    """values[0] * values[1] * ..."""
    out = values[0]
    for v in values[1:]:
        out = out * v
    return out


class LinearOperatorBlockDiag(_Blocks):
    """The block diagonal operator (direct sum) of operators:

        L = gc.linalg
        op = L.LinearOperatorBlockDiag([L.LinearOperatorDiag([2.]),
                                        L.LinearOperatorFullMatrix([[1., 2.], [3., 4.]])])
        op.matvec([1., 1., 1.])         # [2., 3., 7.]
    """

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name=None):
        api = "LinearOperatorBlockDiag"
        self.operators = operators = _check_operators(operators, api)
        is_non_singular = _implied(operators, "is_non_singular", is_non_singular,
                                   "direct sum", api)
        is_self_adjoint = _implied(operators, "is_self_adjoint", is_self_adjoint,
                                   "direct sum", api)
        is_positive_definite = _implied(operators, "is_positive_definite",
                                        is_positive_definite, "direct sum", api)
        super().__init__(operators[0].dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square,
                         name or "_ds_".join(o.name for o in operators))

    def _diagonal(self):
        return self.operators

    def _shape(self):
        batch = _batch_shape(self.operators)
        if batch.rank is None:
            return TensorShape(None)
        return TensorShape(batch._dims + (_sum([o.range_dimension for o in self.operators]),
                                         _sum([o.domain_dimension for o in self.operators])))

    def _block_matmul(self, xs, adjoint):
        if len(xs) != len(self.operators):
            raise ValueError(f"{self._name}: expected {len(self.operators)} blocks, got "
                             f"{len(xs)}")
        return [o.matmul(x, adjoint=adjoint) for o, x in zip(self.operators, xs)]

    def _block_solve(self, xs, adjoint):
        if len(xs) != len(self.operators):
            raise ValueError(f"{self._name}: expected {len(self.operators)} blocks, got "
                             f"{len(xs)}")
        return [o.solve(x, adjoint=adjoint) for o, x in zip(self.operators, xs)]

    def _to_dense(self):
        return _dense_rows([{i: o.to_dense()} for i, o in enumerate(self.operators)],
                           [op_dim(o, -1) for o in self.operators])

    def adjoint(self, name=None):
        """The BlockDiag of the blocks' adjoints."""
        if self.is_self_adjoint:
            return self
        return LinearOperatorBlockDiag([o.adjoint() for o in self.operators],
                                       self.is_non_singular, self.is_self_adjoint,
                                       self.is_positive_definite, self._is_square,
                                       name or self._name + "_adjoint")

    def inverse(self, name=None):
        """The BlockDiag of the blocks' inverses."""
        LinearOperator.inverse(self)                       # its checks
        return LinearOperatorBlockDiag([o.inverse() for o in self.operators], True,
                                       self.is_self_adjoint, self.is_positive_definite,
                                       True, name or self._name + "_inverse")


class LinearOperatorBlockLowerTriangular(_Blocks):
    """The block lower triangular operator of operators[i][j] (row i holds i + 1 blocks;
    the diagonal ones are square). Solves by block forward substitution:

        L = gc.linalg
        op = L.LinearOperatorBlockLowerTriangular([[L.LinearOperatorDiag([2.])],
            [L.LinearOperatorFullMatrix([[1.]]), L.LinearOperatorDiag([4.])]])
        op.solvevec([2., 5.])           # [1., 1.]
    """

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorBlockLowerTriangular"):
        api = "LinearOperatorBlockLowerTriangular"
        rows = [list(r) for r in operators]
        if not rows:
            raise ValueError(f"{api}: expected a non-empty list of operators. Found: []")
        for i, row in enumerate(rows):
            if len(row) != i + 1:
                raise ValueError(f"{api}: argument `operators[{i}]` must contain `{i + 1}` "
                                 f"blocks. Received: {len(row)} blocks.")
        _check_operators([o for row in rows for o in row], api)
        for i, row in enumerate(rows):
            if row[-1].is_square is False:
                raise ValueError(f"{api}: the matrices on the diagonal must be square; "
                                 f"operators[{i}][-1] ({row[-1].name}) is not")
            for j, o in enumerate(row[:-1]):
                self._check_dims(o, row[-1].range_dimension, rows[j][-1].domain_dimension,
                                 f"operators[{i}][{j}]", api)
        if is_square is False:
            raise ValueError(f"{api}: a block lower triangular operator is always square")
        self.operators = rows
        is_non_singular = _implied(self._diagonal(), "is_non_singular", is_non_singular,
                                   "block lower triangular", api)
        super().__init__(rows[0][0].dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    @staticmethod
    def _check_dims(o, m, n, where, api):
        if isinstance(m, int) and isinstance(o.range_dimension, int) and m != o.range_dimension:
            raise ValueError(f"{api}: {where} has range dimension {o.range_dimension}, but its "
                             f"row's diagonal block has {m}")
        if isinstance(n, int) and isinstance(o.domain_dimension, int) and n != o.domain_dimension:
            raise ValueError(f"{api}: {where} has domain dimension {o.domain_dimension}, but "
                             f"its column's diagonal block has {n}")

    def _diagonal(self):
        return [row[-1] for row in self.operators]

    def _shape(self):
        ops = [o for row in self.operators for o in row]
        batch = _batch_shape(ops)
        if batch.rank is None:
            return TensorShape(None)
        n = _sum([o.domain_dimension for o in self._diagonal()])
        return TensorShape(batch._dims + (n, n))

    def _block_matmul(self, xs, adjoint):
        rows, k = self.operators, len(self.operators)
        if adjoint:       # y_j = sum_{i >= j} A_ij^H x_i
            return [_add([rows[i][j].matmul(xs[i], adjoint=True) for i in range(j, k)])
                    for j in range(k)]
        return [_add([rows[i][j].matmul(xs[j]) for j in range(i + 1)]) for i in range(k)]

    def _block_solve(self, bs, adjoint):
        rows, k = self.operators, len(self.operators)
        xs = [None] * k
        if adjoint:       # back substitution with the blocks' adjoints
            for j in reversed(range(k)):
                r = _add([bs[j]] + [-rows[i][j].matmul(xs[i], adjoint=True)
                                    for i in range(j + 1, k)])
                xs[j] = rows[j][j].solve(r, adjoint=True)
            return xs
        for i in range(k):
            r = _add([bs[i]] + [-rows[i][j].matmul(xs[j]) for j in range(i)])
            xs[i] = rows[i][i].solve(r)
        return xs

    def _to_dense(self):
        return _dense_rows([{j: o.to_dense() for j, o in enumerate(row)}
                            for row in self.operators],
                           [op_dim(o, -1) for o in self._diagonal()])


from .linalg_operator_kronecker import LinearOperatorKronecker  # noqa: E402,F401
from .linalg_operator_lowrank import LinearOperatorLowRankUpdate  # noqa: E402,F401
