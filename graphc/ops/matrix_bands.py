"""The diagonal ops' general form, TF 2's MatrixDiagV3, MatrixDiagPartV3 and
MatrixSetDiagV3: diagonals k = (lo, hi), num_rows, num_cols, padding_value and align
(see graphc/ops/matrix.py, whose matrix_diag, matrix_diag_part and matrix_set_diag build
these ops for anything but the main diagonal with the default sizes and padding).
"""
import numpy as np

from .. import errors
from ..graph import Tensor
from ..shapes import Dimension, InferError, TensorShape
from .array import expand_dims, zeros_like
from .core import to_array
from .matrix import (_diag_len, _matrix_dims, _same_op, matrix_diag, matrix_diag_part,
                     matrix_set_diag)
from .registry import OpDef, constant_value, register
from .slice_pad import pad

# ---- diagonals k = (lo, hi), num_rows, num_cols, padding, align (TF's V3 ops) ------------
# A band k = (lo, hi) is packed as (..., hi - lo + 1, max_diag_len): row m holds diagonal
# d = hi - m. A diagonal shorter than max_diag_len is left-aligned iff (d >= 0 and
# superdiagonals are LEFT) or (d <= 0 and subdiagonals are LEFT), else shifted right by
# max_diag_len - its length. align names the superdiagonals' side, then the subdiagonals'.
_ALIGNS = ("RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT")


def _known(api, what, value):
    """The build-time value of a python value, a TF1 Dimension or a constant tensor."""
    if type(value) is Dimension and value.value is not None:
        return value.value
    if isinstance(value, Tensor):
        v = constant_value(value)
        if v is None:
            raise NotImplementedError(
                f"{api}: {what} must be known when the graph is built (a python value or "
                f"a constant tensor); {value.name} is only known at run time")
        if value.dtype.np.kind not in "iu" and what != "padding_value":
            raise errors.DTypeError(f"{api}: {what} must be an int32 tensor, not "
                                    f"{value.dtype.name}")
        return v
    return value


def _diag_index(api, k):
    """(lo, hi) of an int or a one- or two-element k (TF's diag_index)."""
    v = np.asarray(_known(api, "k", k))
    if v.ndim > 1 or not 1 <= v.size <= 2:
        raise ValueError(f"{api}: k must be an int or a (lo, hi) pair, not {k!r} (TF: "
                         f"diag_index must be a vector with one or two elements)")
    if v.dtype.kind not in "iu":
        raise TypeError(f"{api}: k must be an int or a pair of ints, not {k!r}")
    return int(v.flat[0]), int(v.flat[-1])


def _align(api, align):
    if align not in _ALIGNS:
        raise ValueError(f"{api}: align must be one of {', '.join(_ALIGNS)}, not {align!r}")
    return align


def _static_int(api, what, value):
    v = np.asarray(_known(api, what, value))
    if v.ndim or v.dtype.kind not in "iu":
        raise ValueError(f"{api}: {what} must be an int (a scalar), not {value!r}")
    return int(v)


def _padding(api, value, dtype):
    """padding_value as a hashable scalar of dtype (TF: bool(value) for a bool input)."""
    v = _known(api, "padding_value", value)
    if isinstance(value, Tensor) and value.dtype is not dtype:
        raise errors.DTypeError(f"{api}: padding_value is {value.dtype.name} but the "
                                f"input is {dtype.name}")
    if dtype.is_bool:
        v = bool(v)
    elif dtype.np.kind == "O" and not isinstance(value, Tensor) and type(v) is int and v == 0:
        v = b""                     # graphc's string diagonals keep the empty string
    arr = to_array(v, dtype, f"{api}: padding_value")
    if arr.ndim:
        raise ValueError(f"{api}: padding_value must be a scalar, not of shape {arr.shape}")
    return arr[()] if arr.dtype.kind == "c" else arr.item()


def _check_k(k, align):
    lo, hi = k
    if lo > hi:
        raise InferError(f"k = ({lo}, {hi}): the lower diagonal must not be above the upper "
                         f"one (TF: lower_diag_index is greater than upper_diag_index)")
    if align not in _ALIGNS:
        raise InferError(f"align must be one of {', '.join(_ALIGNS)}, not {align!r}")
    return lo, hi


def _band_rows(k):
    """The band dim of a packed diagonal: (hi - lo + 1,), or () for one diagonal."""
    return () if k[0] == k[1] else (k[1] - k[0] + 1,)


def _diag_matrix_size(n, k, num_rows, num_cols):
    """(rows, cols) of matrix_diag's matrices for diagonals of length n (TF's kernel:
    the smallest that hold them, square if neither is given), or what is wrong."""
    lo, hi = k
    min_rows, min_cols = n - min(hi, 0), n + max(lo, 0)
    for what, got, least in (("num_rows", num_rows, min_rows), ("num_cols", num_cols, min_cols)):
        if got != -1 and got < least:
            return (f"{what} = {got} is too small: diagonals of length {n} with k = "
                    f"({lo}, {hi}) need at least {least}")
    if num_rows == -1 and num_cols == -1:
        rows = cols = max(min_rows, min_cols)
    else:
        rows = min_rows if num_rows == -1 else num_rows
        cols = min_cols if num_cols == -1 else num_cols
    if rows != min_rows and cols != min_cols:
        return (f"num_rows = {rows} and num_cols = {cols} are not consistent with k = "
                f"({lo}, {hi}) and diagonals of length {n}: one of them must be the "
                f"smallest that holds the diagonals ({min_rows} rows, {min_cols} columns)")
    return rows, cols


def _out_of_bound(rows, cols, k):
    """What is wrong with diagonals k of rows x cols matrices (None: k is in bounds); an
    unknown size (None) is not checked. k = 0 is fine even for empty matrices (TF)."""
    for what, d in (("lower", k[0]), ("upper", k[1])):
        if d != 0 and (rows is not None and d <= -rows or cols is not None and d >= cols):
            return (f"k = {k}: the {what} diagonal {d} is out of bound for "
                    f"{'?' if rows is None else rows} x {'?' if cols is None else cols} "
                    f"matrices (it must be between -rows and cols, exclusive; TF: "
                    f"{what}_diag_index is out of bound)")
    return None


def _band_len(rows, cols, k):
    """max_diag_len of diagonals k of rows x cols matrices."""
    return min(rows + min(k[1], 0), cols - max(k[0], 0))


def _band_index(rows, cols, k, n, align):
    """(i, j, inside): inside marks the entries (m, t) of the packed band (hi - lo + 1, n)
    that fall inside the rows x cols matrix, at rows i and columns j (in inside's order),
    so that matrix[..., i, j] = band[..., inside]."""
    lo, hi = k
    d = hi - np.arange(hi - lo + 1)[:, None]
    length = np.minimum(cols - np.maximum(d, 0), rows + np.minimum(d, 0))
    left = (d >= 0) & align.startswith("LEFT") | (d <= 0) & align.endswith("LEFT")
    t = np.arange(n) - np.where(left, 0, n - length)
    i, j = t + np.maximum(-d, 0), t + np.maximum(d, 0)
    inside = (i >= 0) & (i < rows) & (j >= 0) & (j < cols)
    return i[inside], j[inside], inside


def _shifted(ctx, dim, c):
    """dim + c as far as it is known (dim itself when c is 0, even a named dim)."""
    if c == 0:
        return dim
    r = ctx.resolve(dim)
    return None if r is None else r + c


def _infer_diag_v3(ctx, d, *, k, num_rows, num_cols, padding_value, align):
    """(..., [hi - lo + 1,] n) -> (..., rows, cols), sized as _diag_matrix_size says."""
    k = _check_k(k, align)
    dims = d.shape._dims
    if dims is None:
        return None, d.dtype
    band = _band_rows(k)
    if len(dims) < 1 + len(band):
        raise InferError(f"diagonal {{0}} must have rank >= {1 + len(band)} for k = {k}, "
                         f"not {len(dims)}")
    if band:
        ctx.merge_dims(dims[-2], band[0], f"diagonal {{{{0}}}} holds {{a}} diagonals (dim "
                       f"-2) but k = {k} needs {{b}}")
    for what, v in (("num_rows", num_rows), ("num_cols", num_cols)):
        if v < -1:
            raise InferError(f"{what} = {v} is too small (-1: the smallest that fits)")
    n = ctx.resolve(dims[-1])
    if n is not None:
        size = _diag_matrix_size(n, k, num_rows, num_cols)
        if isinstance(size, str):
            raise InferError(size + " (diagonal {0})")
        rows, cols = size
    else:                           # the smallest sizes, n - min(hi, 0) and n + max(lo, 0)
        least_rows, least_cols = (_shifted(ctx, dims[-1], -min(k[1], 0)),
                                  _shifted(ctx, dims[-1], max(k[0], 0)))
        if num_rows == -1 and num_cols == -1:
            rows = cols = least_rows if least_rows == least_cols else None
        else:
            rows = least_rows if num_rows == -1 else num_rows
            cols = least_cols if num_cols == -1 else num_cols
    return tuple(dims[:len(dims) - 1 - len(band)]) + (rows, cols), d.dtype


def _diag_v3_kernel(d, *, k, num_rows, num_cols, padding_value, align):
    band = _band_rows(k)
    if d.ndim < 1 + len(band) or band and d.shape[-2] != band[0]:
        raise errors.InvalidArgumentError(
            f"matrix_diag: the diagonal of shape {d.shape} does not hold the "
            f"{band[0] if band else 1} diagonals of k = {k} (TF: the number of diagonals "
            "provided in the input does not match the lower_diag_index and "
            "upper_diag_index range)")
    size = _diag_matrix_size(d.shape[-1], k, num_rows, num_cols)
    if isinstance(size, str):
        raise errors.InvalidArgumentError("matrix_diag: " + size)
    packed = d if band else d[..., None, :]
    i, j, inside = _band_index(*size, k, d.shape[-1], align)
    out = np.full(packed.shape[:-2] + size, padding_value, d.dtype)
    out[..., i, j] = packed[..., inside]
    return out


def _infer_diag_part_v3(ctx, x, *, k, padding_value, align):
    """(..., m, n) -> (..., [hi - lo + 1,] min(m + min(hi, 0), n - max(lo, 0)))."""
    k = _check_k(k, align)
    dims = _matrix_dims(ctx, x, "{0}")
    if dims is None:
        return None, x.dtype
    rows, cols = ctx.resolve(dims[-2]), ctx.resolve(dims[-1])
    bad = _out_of_bound(rows, cols, k)
    if bad:
        raise InferError(bad + " ({0})")
    length = _diag_len(ctx, _shifted(ctx, dims[-2], min(k[1], 0)),
                       _shifted(ctx, dims[-1], -max(k[0], 0)))
    return tuple(dims[:-2]) + _band_rows(k) + (length,), x.dtype


def _matrix_size(api, x, k):
    """(rows, cols) of x's matrices, checked to hold the diagonals k (at run time)."""
    if x.ndim < 2:
        raise errors.InvalidArgumentError(f"{api}: the input must have rank >= 2, not "
                                          f"shape {x.shape}")
    rows, cols = x.shape[-2:]
    bad = _out_of_bound(rows, cols, k)
    if bad:
        raise errors.InvalidArgumentError(f"{api}: " + bad)
    return rows, cols


def _diag_part_v3_kernel(x, *, k, padding_value, align):
    rows, cols = _matrix_size("matrix_diag_part", x, k)
    n = _band_len(rows, cols, k)
    i, j, inside = _band_index(rows, cols, k, n, align)
    out = np.full(x.shape[:-2] + inside.shape, padding_value, x.dtype)
    out[..., inside] = x[..., i, j]
    return out if k[0] < k[1] else out[..., 0, :]


def _infer_set_diag_v3(ctx, x, d, *, k, align):
    """Same as input; diagonal (..., [hi - lo + 1,] max_diag_len) as diag_part gives it."""
    ctx.same_dtype()
    k = _check_k(k, align)
    dims, ddims, band = _matrix_dims(ctx, x, "input {0}"), d.shape._dims, _band_rows(k)
    if ddims is not None and len(ddims) < 1 + len(band):
        raise InferError(f"diagonal {{1}} must have rank >= {1 + len(band)} for k = {k}, "
                         f"not {len(ddims)}")
    if dims is None:
        return (None if ddims is None else
                tuple(ddims[:len(ddims) - 1 - len(band)]) + (None, None)), x.dtype
    rows, cols = ctx.resolve(dims[-2]), ctx.resolve(dims[-1])
    bad = _out_of_bound(rows, cols, k)
    if bad:
        raise InferError(bad + " (input {0})")
    if ddims is None:
        return x.shape, x.dtype
    want = tuple(dims[:-2]) + band + (_diag_len(ctx, _shifted(ctx, dims[-2], min(k[1], 0)),
                                                _shifted(ctx, dims[-1], -max(k[0], 0))),)
    if len(ddims) != len(want) or not all(ctx.compatible(a, b) for a, b in zip(ddims, want)):
        raise InferError(f"diagonal {{1}} must have shape input.shape[:-2] + "
                         f"{'(num_diags, max_diag_len)' if band else '(max_diag_len,)'} = "
                         f"{TensorShape(want)} for k = {k}, not {d.shape}")
    batch = [ctx.merge(a, b) for a, b in zip(dims[:-2], ddims)]
    return tuple(batch) + tuple(dims[-2:]), x.dtype


def _set_diag_v3_kernel(x, d, *, k, align):
    rows, cols = _matrix_size("matrix_set_diag", x, k)
    band, n = _band_rows(k), _band_len(rows, cols, k)
    want = x.shape[:-2] + band + (n,)
    if d.shape != want:
        raise errors.InvalidArgumentError(
            f"matrix_set_diag: the diagonal must have shape {want} (input.shape[:-2] + "
            f"{'(num_diags, max_diag_len)' if band else '(max_diag_len,)'} for k = {k}), "
            f"not {d.shape}")
    i, j, inside = _band_index(rows, cols, k, n, align)
    out = x.copy()
    out[..., i, j] = (d if band else d[..., None, :])[..., inside]
    return out


def _diag_v3_vjp(node, gs):
    """diag_part(g, k, align) (TF's rule). A diagonal of k that misses the matrices (k =
    (0, 2) for 2 x 2 ones, which TF's rule refuses) gets zeros: diag_part takes the
    diagonals inside (max_diag_len stays the same) and zero rows stand for the others."""
    a = node.attrs
    (lo, hi), dims = a["k"], node.outputs[0].shape._dims
    rows, cols = (None, None) if dims is None else dims[-2:]
    if isinstance(rows, int) and isinstance(cols, int):
        inside = (max(lo, 1 - rows), min(hi, cols - 1))
        if inside[0] > inside[1] or not rows * cols:    # nothing reached the matrices
            return [zeros_like(node.inputs[0])]
        if inside != (lo, hi):
            part = matrix_diag_part(gs[0], k=inside, align=a["align"])
            band = part if inside[0] < inside[1] else expand_dims(part, -2)
            edges = [[hi - inside[1], inside[0] - lo], [0, 0]]
            return [pad(band, [[0, 0]] * (len(dims) - 2) + edges)]
    return [matrix_diag_part(gs[0], k=(lo, hi), align=a["align"])]


def _diag_v3_jvp(node, ts):
    """diag(x_dot) with the same k, sizes and align, padded with zeros."""
    if ts[0] is None:
        return None
    a = node.attrs
    return matrix_diag(ts[0], k=a["k"], num_rows=a["num_rows"], num_cols=a["num_cols"],
                       align=a["align"])


def _diag_part_v3_vjp(node, gs):
    """set_diag(zeros_like(x), g, k, align)."""
    a = node.attrs
    return [matrix_set_diag(zeros_like(node.inputs[0]), gs[0], k=a["k"], align=a["align"])]


def _diag_part_v3_jvp(node, ts):
    """diag_part(x_dot, k, align), padded with zeros."""
    a = node.attrs
    return None if ts[0] is None else matrix_diag_part(ts[0], k=a["k"], align=a["align"])


def _set_diag_v3_vjp(node, gs):
    """set_diag(g, zeros, k, align) for the input, diag_part(g, k, align) for diagonal."""
    a = node.attrs
    return [matrix_set_diag(gs[0], zeros_like(node.inputs[1]), k=a["k"], align=a["align"]),
            matrix_diag_part(gs[0], k=a["k"], align=a["align"])]


def _set_diag_v3_jvp(node, ts):
    """set_diag(x_dot, diagonal_dot, k, align)."""
    if ts[0] is None and ts[1] is None:
        return None
    x, d = node.inputs
    return matrix_set_diag(zeros_like(x) if ts[0] is None else ts[0],
                           zeros_like(d) if ts[1] is None else ts[1],
                           k=node.attrs["k"], align=node.attrs["align"])


MATRIX_DIAG_V3 = register(OpDef(
    "MatrixDiagV3", _infer_diag_v3, _diag_v3_kernel, vjp=_diag_v3_vjp, jvp=_diag_v3_jvp,
    batch=_same_op, api="matrix_diag",
    signature="matrix_diag(diagonal, name='diag', k=0, num_rows=-1, num_cols=-1, "
              "padding_value=0, align='RIGHT_LEFT')",
    shape_rule="(..., [hi-lo+1,] n) -> (..., rows, cols)", dtypes="any",
    doc="Matrices with the diagonals k = (lo, hi) from a packed band, padding_value "
        "elsewhere (k = 0 with default sizes and padding: MatrixDiag)."))
MATRIX_DIAG_PART_V3 = register(OpDef(
    "MatrixDiagPartV3", _infer_diag_part_v3, _diag_part_v3_kernel, vjp=_diag_part_v3_vjp,
    jvp=_diag_part_v3_jvp, batch=_same_op, api="matrix_diag_part",
    signature="matrix_diag_part(input, name='diag_part', k=0, padding_value=0, "
              "align='RIGHT_LEFT')",
    shape_rule="(..., m, n) -> (..., [hi-lo+1,] max_diag_len)", dtypes="any",
    doc="The diagonals k = (lo, hi) of each matrix as a packed band, short ones padded "
        "(k = 0: MatrixDiagPart)."))
MATRIX_SET_DIAG_V3 = register(OpDef(
    "MatrixSetDiagV3", _infer_set_diag_v3, _set_diag_v3_kernel, vjp=_set_diag_v3_vjp,
    jvp=_set_diag_v3_jvp, api="matrix_set_diag",
    signature="matrix_set_diag(input, diagonal, name='set_diag', k=0, align='RIGHT_LEFT')",
    shape_rule="same as input; diagonal (..., [hi-lo+1,] max_diag_len)",
    dtypes="any (input, diagonal same)",
    doc="input with its diagonals k = (lo, hi) replaced by a packed band (k = 0: "
        "MatrixSetDiag)."))
