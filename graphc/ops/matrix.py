"""Matrix ops over the last two dims (any leading dims are a batch): matrix_inverse,
matrix_determinant, the diagonal ops (matrix_diag, matrix_diag_part, matrix_set_diag:
each one's vjp is another of the three), and the composites matrix_transpose, trace
and eye. (gc.linalg re-exports them under tf.linalg's names.)

The diagonal ops take TF's k (one diagonal, or a band k = (lo, hi) packed as
(..., hi - lo + 1, max_diag_len), row 0 holding diagonal hi), num_rows, num_cols,
padding_value and align ("RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT": where
the short super- and subdiagonals sit in their rows), as TF 2's MatrixDiagV3,
MatrixDiagPartV3 and MatrixSetDiagV3 do. k, num_rows, num_cols and padding_value must
be known when the graph is built (python values or constant tensors). The main
diagonal with the default sizes and padding builds MatrixDiag, MatrixDiagPart and
MatrixSetDiag; anything else the V3 ops (matrix_bands.py).
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, name_scope
from ..shapes import InferError
from .array import (_shape_tensor, as_int, expand_dims, int_array, rank, reshape, shape,
                    tile, transpose, zeros_like)
from .core import convert_to_tensor
from .creation import range as range_
from .elementwise import broadcast_to, cast, equal
from .join import concat, stack
from .linalg import matmul
from .reduce import reduce_prod, reduce_sum
from .registry import OpDef, apply, apply1, register, shape_value

__all__ = ["matrix_inverse", "matrix_determinant", "matrix_transpose", "matrix_diag",
           "matrix_diag_part", "matrix_set_diag", "trace", "eye", "diag", "diag_part"]


def _square(ctx, x):
    """(batch dims, n) of a batch of square float matrices {0}, or None if rank unknown."""
    ctx.require(0, "float")
    dims = x.shape._dims
    if dims is None:
        return None
    if len(dims) < 2:
        raise InferError(f"{{0}} must be a matrix or a batch of them (rank >= 2), not of "
                         f"rank {len(dims)}")
    return dims[:-2], ctx.merge_dims(dims[-2], dims[-1],
                                     "{{0}} must hold square matrices, not {a} x {b}")


def _same_op(node, args, batched):
    """vmap of a one-input op on the last dims: the batch dim is one more leading dim."""
    return list(apply(node.op, args, **node.attrs).outputs)


def _linalg_dtype(x):
    return np.float32 if x.dtype == np.float16 else x.dtype     # numpy has no half linalg


# ---- inverse, determinant -----------------------------------------------------------------
def _infer_inverse(ctx, x):
    """(..., n, n), n merged from both matrix dims (TF: [?, 4, ?] gives [?, 4, 4])."""
    sq = _square(ctx, x)
    return (None if sq is None else tuple(sq[0]) + (sq[1], sq[1])), x.dtype


def _inverse_vjp(node, gs):
    """-Y^T g Y^T, Y = inverse(A) (the output, reused)."""
    y = node.outputs[0]
    return [-matmul(y, matmul(gs[0], y, transpose_b=True), transpose_a=True)]


MATRIX_INVERSE = register(OpDef(
    "MatrixInverse", _infer_inverse,
    lambda x: np.linalg.inv(x.astype(_linalg_dtype(x))).astype(x.dtype),
    vjp=_inverse_vjp,
    jvp=lambda node, ts: None if ts[0] is None else
    -matmul(node.outputs[0], matmul(ts[0], node.outputs[0])),
    batch=_same_op, api="matrix_inverse",
    signature="matrix_inverse(input, adjoint=False, name=None)",
    shape_rule="same as input (..., n, n)", dtypes="float",
    doc="The inverse of each square matrix (an error if one is singular); d = -Y dA Y."))


def _infer_det(ctx, x):
    sq = _square(ctx, x)
    return (None if sq is None else sq[0]), x.dtype


def _det_vjp(node, gs):
    """g det(A) A^-T (TF1's rule; A must be invertible)."""
    a, y = node.inputs[0], node.outputs[0]
    scale = expand_dims(expand_dims(gs[0] * y, -1), -1)
    return [scale * matrix_transpose(matrix_inverse(a))]


def _det_jvp(node, ts):
    """det(A) trace(A^-1 dA)."""
    if ts[0] is None:
        return None
    a, y = node.inputs[0], node.outputs[0]
    return y * reduce_sum(matrix_transpose(matrix_inverse(a)) * ts[0], axis=[-2, -1])


MATRIX_DETERMINANT = register(OpDef(
    "MatrixDeterminant", _infer_det,
    lambda x: np.asarray(np.linalg.det(x.astype(_linalg_dtype(x))), x.dtype),
    vjp=_det_vjp, jvp=_det_jvp, batch=_same_op, api="matrix_determinant",
    signature="matrix_determinant(input, name=None)", shape_rule="(..., n, n) -> (...)",
    dtypes="float", doc="The determinant of each square matrix; d = det(A) A^-T."))


def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002 (TF1 names)
    """The inverse of each square matrix in the last two dims (adjoint=True: of its
    transpose). `gc.matrix_inverse(a) @ a` is the identity, up to rounding."""
    x = convert_to_tensor(input)
    if adjoint:
        x = matrix_transpose(x)
    return apply1(MATRIX_INVERSE, (x,), name=name)


def matrix_determinant(input, name=None):  # noqa: A002 (TF1 names)
    """The determinant of each square matrix in the last two dims: shape (..., n, n)
    gives (...). `gc.matrix_determinant([[2., 0.], [0., 3.]])` is 6."""
    return apply1(MATRIX_DETERMINANT, (convert_to_tensor(input),), name=name)


# ---- the main diagonal: diag, diag_part, set_diag -------------------------------------------
def _diag_len(ctx, m, n):
    """min(m, n) as far as it is known."""
    rm, rn = ctx.resolve(m), ctx.resolve(n)
    if rm is not None and rn is not None:
        return min(rm, rn)
    return m if m == n else None


def _matrix_dims(ctx, x, what):
    dims = x.shape._dims
    if dims is not None and len(dims) < 2:
        raise InferError(f"{what} must have rank >= 2, not {len(dims)}")
    return dims


def _infer_diag(ctx, d):
    dims = d.shape._dims
    if dims is not None and not dims:
        raise InferError("diagonal {0} must have at least one dim")
    return (None if dims is None else tuple(dims) + (dims[-1],)), d.dtype


def _diag_kernel(d):
    out = np.zeros(d.shape + d.shape[-1:], d.dtype)
    i = np.arange(d.shape[-1])
    out[..., i, i] = d
    return out


def _infer_diag_part(ctx, x):
    dims = _matrix_dims(ctx, x, "{0}")
    return (None if dims is None else
            tuple(dims[:-2]) + (_diag_len(ctx, dims[-2], dims[-1]),)), x.dtype


def _infer_set_diag(ctx, x, d):
    ctx.same_dtype()
    dims, ddims = _matrix_dims(ctx, x, "input {0}"), d.shape._dims
    if dims is None or ddims is None:
        return x.shape, x.dtype
    want = tuple(dims[:-2]) + (_diag_len(ctx, dims[-2], dims[-1]),)
    if len(ddims) != len(want) or not all(ctx.compatible(a, b) for a, b in zip(ddims, want)):
        raise InferError(f"diagonal {{1}} must have shape input.shape[:-2] + "
                         f"(min(rows, cols),) = {want}, not {d.shape}")
    merged = [ctx.merge(a, b) for a, b in zip(ddims, want)]
    return tuple(merged[:-1]) + tuple(dims[-2:]), x.dtype


def _set_diag_kernel(x, d):
    out = x.copy()
    i = np.arange(min(x.shape[-2:]))
    out[..., i, i] = d
    return out


def _set_diag_jvp(node, ts):
    if ts[0] is None and ts[1] is None:
        return None
    x, d = node.inputs
    return matrix_set_diag(zeros_like(x) if ts[0] is None else ts[0],
                           zeros_like(d) if ts[1] is None else ts[1])


MATRIX_DIAG = register(OpDef(
    "MatrixDiag", _infer_diag, _diag_kernel,
    vjp=lambda node, gs: [matrix_diag_part(gs[0])],
    jvp=lambda node, ts: None if ts[0] is None else matrix_diag(ts[0]),
    batch=_same_op, api="matrix_diag", signature="matrix_diag(diagonal, name='diag')",
    shape_rule="(..., n) -> (..., n, n)", dtypes="any",
    doc="Square matrices with diagonal on the main diagonal, zeros elsewhere."))
MATRIX_DIAG_PART = register(OpDef(
    "MatrixDiagPart", _infer_diag_part,
    lambda x: np.ascontiguousarray(np.diagonal(x, 0, -2, -1)),
    vjp=lambda node, gs: [matrix_set_diag(zeros_like(node.inputs[0]), gs[0])],
    jvp=lambda node, ts: None if ts[0] is None else matrix_diag_part(ts[0]),
    batch=_same_op, api="matrix_diag_part",
    signature="matrix_diag_part(input, name='diag_part')",
    shape_rule="(..., m, n) -> (..., min(m, n))", dtypes="any",
    doc="The main diagonal of each matrix."))
MATRIX_SET_DIAG = register(OpDef(
    "MatrixSetDiag", _infer_set_diag, _set_diag_kernel,
    vjp=lambda node, gs: [matrix_set_diag(gs[0], zeros_like(node.inputs[1])),
                          matrix_diag_part(gs[0])],
    jvp=_set_diag_jvp, api="matrix_set_diag",
    signature="matrix_set_diag(input, diagonal, name='set_diag')",
    shape_rule="same as input; diagonal (..., min(m, n))", dtypes="any (input, diagonal same)",
    doc="input with its main diagonal replaced by diagonal."))


def matrix_diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
                align="RIGHT_LEFT"):
    """Batched matrices with `diagonal` on their diagonals k (TF's MatrixDiagV3):
    `gc.matrix_diag([1., 2.])` is [[1, 0], [0, 2]], and
    `gc.matrix_diag([[1., 2.], [3., 4.]], k=(0, 1))` is [[3, 2], [0, 4]] (row 0 of the
    band holds diagonal k[1]; superdiagonals are right-aligned under "RIGHT_LEFT", so
    the 1 is padding).

    k is an int or a (lo, hi) pair known at build time; diagonal is (..., max_diag_len)
    for one diagonal, (..., hi - lo + 1, max_diag_len) for a band. num_rows and num_cols
    default (-1) to the smallest matrices that hold the diagonals (square when both are
    unspecified); padding_value fills the matrix outside the band."""
    d = convert_to_tensor(diagonal)
    lo, hi = _diag_index("matrix_diag", k)
    align = _align("matrix_diag", align)
    num_rows = _static_int("matrix_diag", "num_rows", num_rows)
    num_cols = _static_int("matrix_diag", "num_cols", num_cols)
    padding = _padding("matrix_diag", padding_value, d.dtype)
    if (lo, hi) == (0, 0) and num_rows == -1 and num_cols == -1 and padding in (0, b""):
        return apply1(MATRIX_DIAG, (d,), name=name)
    return apply1(MATRIX_DIAG_V3, (d,), name=name, k=(lo, hi), num_rows=num_rows,
                  num_cols=num_cols, padding_value=padding, align=align)


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0,  # noqa: A002
                     align="RIGHT_LEFT"):
    """Diagonals k of each matrix (TF's MatrixDiagPartV3): (..., m, n) -> (..., len) for
    one diagonal, (..., hi - lo + 1, len) for a band k = (lo, hi), row 0 holding diagonal
    hi, len = min(m + min(hi, 0), n - max(lo, 0)); shorter diagonals are padded with
    padding_value as align says. `gc.matrix_diag_part([[1., 2.], [3., 4.]])` is [1, 4]."""
    x = convert_to_tensor(input)
    lo, hi = _diag_index("matrix_diag_part", k)
    align = _align("matrix_diag_part", align)
    padding = _padding("matrix_diag_part", padding_value, x.dtype)
    if (lo, hi) == (0, 0):
        return apply1(MATRIX_DIAG_PART, (x,), name=name)
    return apply1(MATRIX_DIAG_PART_V3, (x,), name=name, k=(lo, hi), padding_value=padding,
                  align=align)


def diag(diagonal, name=None):
    """TF1's tf.diag: a tensor of rank 2k with `diagonal` (rank k) on its diagonal,
    out[i1..ik, i1..ik] = diagonal[i1..ik]. `gc.diag([1., 2.])` is [[1, 0], [0, 2]]."""
    with name_scope(name, "Diag"):
        d = convert_to_tensor(diagonal)
        dims = shape(d)
        square = matrix_diag(reshape(d, [-1]))
        out = reshape(square, concat([dims, dims], 0))
        if d.shape._dims is not None:
            out.set_shape(d.shape._dims + d.shape._dims)
        return out


def diag_part(input, name=None):  # noqa: A002 (TF1 names)
    """TF1's tf.diag_part, the inverse of diag: input of shape (D1..Dk, D1..Dk) gives
    out[i1..ik] = input[i1..ik, i1..ik]. `gc.diag_part([[1., 2.], [3., 4.]])` is [1, 4]."""
    with name_scope(name, "DiagPart"):
        x = convert_to_tensor(input)
        dims = x.shape._dims
        if dims is None:
            raise errors.ShapeError(f"diag_part needs the rank of its input, which is "
                                    f"unknown\n  {errors.describe_tensor(x, x.name)}")
        k = len(dims) // 2
        if len(dims) % 2 or not all(a is None or b is None or a == b
                                    for a, b in zip(dims[:k], dims[k:])):
            raise errors.ShapeError(
                f"diag_part: the input's shape must be (D1..Dk, D1..Dk), not {x.shape}\n"
                f"  {errors.describe_tensor(x, x.name)}" + errors.called_at("diag_part"))
        half = shape(x)[:k]
        n = reshape(reduce_prod(half), [1])
        out = reshape(matrix_diag_part(reshape(x, concat([n, n], 0))), half)
        out.set_shape(tuple(a if a is not None else b for a, b in zip(dims[:k], dims[k:])))
        return out


def matrix_set_diag(input, diagonal, name="set_diag", k=0,  # noqa: A002 (TF1 names)
                    align="RIGHT_LEFT"):
    """input with its diagonals k replaced by diagonal (TF's MatrixSetDiagV3; diagonal is
    packed as matrix_diag_part(input, k, align=align) gives it):
    `gc.matrix_set_diag(gc.zeros([2, 3]), [1., 2.])` is [[1, 0, 0], [0, 2, 0]]."""
    x = convert_to_tensor(input)
    d = diagonal if isinstance(diagonal, Tensor) else convert_to_tensor(diagonal, dtype=x.dtype)
    lo, hi = _diag_index("matrix_set_diag", k)
    align = _align("matrix_set_diag", align)
    if (lo, hi) == (0, 0):
        return apply1(MATRIX_SET_DIAG, (x, d), name=name)
    return apply1(MATRIX_SET_DIAG_V3, (x, d), name=name, k=(lo, hi), align=align)


# ---- composites -----------------------------------------------------------------------------
def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swaps the last two dims: (..., m, n) -> (..., n, m); with conjugate, complex
    values are conjugated too (the adjoint). An unknown rank is read at run time (TF1)."""
    a = convert_to_tensor(a)
    r = a.shape.rank
    if r is None:
        with name_scope(name):
            n = rank(a)
            perm = concat([range_(n - 2), stack([n - 1, n - 2])], 0)
            return transpose(a, perm, conjugate=conjugate)
    if r < 2:
        raise ValueError(f"matrix_transpose: needs a rank >= 2, got shape {a.shape}")
    return transpose(a, list(range(r - 2)) + [r - 1, r - 2], name=name, conjugate=conjugate)


def trace(x, name=None):
    """The sum of the main diagonal of each matrix: (..., m, n) -> (...)."""
    return reduce_sum(matrix_diag_part(x), axis=-1, name=name or "trace")


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """The identity matrix (num_rows x num_columns, ones where row == column), repeated
    over batch_shape: `gc.eye(2, 3)` is [[1, 0, 0], [0, 1, 0]]; sizes may be tensors."""
    num_rows = _eye_size(num_rows, "num_rows")
    num_columns = None if num_columns is None else _eye_size(num_columns, "num_columns")
    with name_scope(name, "eye"):
        cols = num_rows if num_columns is None else num_columns
        out = cast(equal(expand_dims(range_(num_rows), 1), range_(cols)), dtype)
        if batch_shape is None:
            return out
        if isinstance(batch_shape, (list, tuple)) and all(isinstance(d, int)
                                                          for d in batch_shape):
            for _ in batch_shape:
                out = expand_dims(out, 0)
            return tile(out, list(batch_shape) + [1, 1])
        batch = _shape_tensor(batch_shape, "eye", "batch_shape")
        full = broadcast_to(out, concat([batch, shape(out)], 0))
        full.set_shape(shape_value(batch).concatenate(out.shape))    # TF1's static shape
        return full


def _eye_size(v, what):
    """eye's num_rows or num_columns: a tensor, or an int (a float, even 2.0, is a
    DTypeError, as TF1's TypeError: never truncated)."""
    return v if isinstance(v, Tensor) else as_int(int_array(v, "eye", what))


from .matrix_bands import (MATRIX_DIAG_PART_V3, MATRIX_DIAG_V3,  # noqa: E402 (they use
                           MATRIX_SET_DIAG_V3, _align, _diag_index,  # the functions above)
                           _padding, _static_int)
