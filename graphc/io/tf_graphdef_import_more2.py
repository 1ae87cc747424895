"""More of the import table (tf_graphdef_ops.py's form), merged into
tf_graphdef_import_more.py's OPS: the rest of the math, array, complex, special-function
and linear-algebra ops graphc's exporter writes (Cumsum, ReverseV2, Segment*, ScatterNd,
Einsum, Matrix*, Igamma, Betainc, LRN, SpaceToDepth, Bincount, GatherNd, BroadcastTo,
the bitwise and remaining elementwise ops ...)."""
import numpy as np

import graphc as gc

from ..ops.counting import BINCOUNT
from ..ops.registry import REGISTRY, apply1
from .tf_graphdef_ops import ref_variable, table_op

__all__ = ["OPS"]

OPS = {}


_op = table_op(OPS)


# ---- elementwise ------------------------------------------------------------------------
_UNARY = {"Tan": gc.tan, "Asin": gc.asin, "Acos": gc.acos, "Atan": gc.atan, "Sinh": gc.sinh,
          "Cosh": gc.cosh, "Asinh": gc.asinh, "Acosh": gc.acosh, "Atanh": gc.atanh,
          "Lgamma": gc.math.lgamma, "Digamma": gc.math.digamma, "Erfc": gc.math.erfc,
          "Conj": gc.math.conj, "InvertPermutation": gc.invert_permutation,
          "Erfinv": gc.math.erfinv, "Ndtri": gc.math.ndtri,
          "Dawsn": gc.math.special.dawsn, "Expint": gc.math.special.expint,
          "FresnelCos": gc.math.special.fresnel_cos,
          "FresnelSin": gc.math.special.fresnel_sin, "Spence": gc.math.special.spence,
          "Invert": gc.bitwise.invert, "GuaranteeConst": gc.guarantee_const,
          "MatrixDiag": gc.matrix_diag, "MatrixDiagPart": gc.matrix_diag_part,
          "MatrixInverse": gc.matrix_inverse, "MatrixDeterminant": gc.matrix_determinant,
          "Cholesky": gc.cholesky, "MatrixSquareRoot": gc.linalg.sqrtm}
for _k in ("I0e", "I1e", "J0", "J1", "K0", "K0e", "K1", "K1e", "Y0", "Y1"):
    _UNARY["Bessel" + _k] = getattr(gc.math.special, "bessel_" + _k.lower())
_BINARY = {"Atan2": gc.atan2, "TruncateDiv": gc.truncatediv, "TruncateMod": gc.truncatemod,
           "Polygamma": gc.math.polygamma, "Zeta": gc.math.zeta, "Igamma": gc.math.igamma,
           "Igammac": gc.math.igammac, "MulNoNan": gc.math.multiply_no_nan,
           "NextAfter": gc.math.nextafter, "BitwiseAnd": gc.bitwise.bitwise_and,
           "BitwiseOr": gc.bitwise.bitwise_or, "BitwiseXor": gc.bitwise.bitwise_xor,
           "LeftShift": gc.bitwise.left_shift, "RightShift": gc.bitwise.right_shift,
           "MatrixSetDiag": gc.matrix_set_diag}

for _name, _fn in _UNARY.items():
    OPS[_name] = (("T",), ("T",), lambda n, x, f=_fn: f(x, name=n.name))
for _name, _fn in _BINARY.items():
    OPS[_name] = (("T", "T"), ("T",), lambda n, x, y, f=_fn: f(x, y, name=n.name))


for _name in ("IgammaGradA", "BroadcastArgs"):      # graphc's ops, without a public name
    OPS[_name] = (("T", "T"), ("T",), lambda n, x, y, op=REGISTRY[_name]:
                  apply1(op, (x, y), name=n.name))


@_op("Betainc", "T T T", "T")
def _betainc(n, a, b, x):
    return gc.math.betainc(a, b, x, name=n.name)


for _name, _fn in (("Real", gc.math.real), ("Imag", gc.math.imag),
                   ("ComplexAbs", gc.abs), ("Angle", gc.math.angle)):
    OPS[_name] = (("T",), ("Tout",), lambda n, x, f=_fn: f(x, name=n.name))
OPS["IsInf"] = (("T",), ("=bool",), lambda n, x: gc.math.is_inf(x, name=n.name))


@_op("IsVariableInitialized", "dtype", "=bool")
def _is_variable_initialized(n, ref):
    """TF1's is_variable_initialized (initialized_value's and EMA's cond reads it)."""
    var = ref_variable(n, ref, None)
    from ..ops.init_checks import IS_VARIABLE_INITIALIZED
    return apply1(IS_VARIABLE_INITIALIZED, (), name=n.name, var=var)
OPS["Complex"] = (("T", "T"), ("Tout",), lambda n, x, y: gc.complex(x, y, name=n.name))


@_op("CheckNumerics", "T", "T")
def _check_numerics(n, x):
    return gc.debugging.check_numerics(x, n.attr("message"), name=n.name)


# ---- scans, reversal, segments, scatter and gather ---------------------------------------
def _scan(fn):
    def build(n, x, axis):
        return fn(x, axis=int(n.static(axis, "axis")), exclusive=n.attr("exclusive", False),
                  reverse=n.attr("reverse", False), name=n.name)
    return build


OPS["Cumsum"] = (("T", "Tidx"), ("T",), _scan(gc.cumsum))
OPS["Cumprod"] = (("T", "Tidx"), ("T",), _scan(gc.cumprod))


@_op("ReverseV2", "T Tidx", "T")
def _reverse(n, x, axis):
    return gc.reverse(x, [int(a) for a in np.reshape(n.static(axis, "axis"), -1)],
                      name=n.name)


for _kind in ("Sum", "Mean", "Max", "Min", "Prod"):
    OPS["Segment" + _kind] = (("T", "Tindices"), ("T",), lambda n, x, ids, f=getattr(
        gc, "segment_" + _kind.lower()): f(x, ids, name=n.name))
for _kind in ("Sum", "Max", "Min", "Prod"):
    OPS["UnsortedSegment" + _kind] = (
        ("T", "Tindices", "Tnumsegments"), ("T",), lambda n, x, ids, num, f=getattr(
            gc, "unsorted_segment_" + _kind.lower()): f(x, ids, num, name=n.name))


def _bad_indices(n):
    policy = n.attr("bad_indices_policy", "")
    if policy not in ("", "DEFAULT", "ERROR"):
        raise n.fail(f"bad_indices_policy {policy!r}: graphc raises on bad indices")


@_op("ScatterNd", "Tindices T Tindices", "T")
def _scatter_nd(n, indices, updates, shape):
    _bad_indices(n)
    return gc.scatter_nd(indices, updates, shape, name=n.name)


@_op("GatherNd", "Tparams Tindices", "Tparams")
def _gather_nd(n, params, indices):
    _bad_indices(n)
    return gc.gather_nd(params, indices, name=n.name)


@_op("BroadcastTo", "T Tidx", "T")
def _broadcast_to(n, x, shape):
    return gc.broadcast_to(x, shape, name=n.name)


@_op("Einsum", "N*T", "T")
def _einsum(n, *xs):
    return gc.einsum(n.attr("equation"), *xs, name=n.name)


@_op("Bincount", "=int32 =int32 T", "T")
def _bincount(n, arr, size, weights):
    """TF: an empty weights counts; else out[i] sums the weights of the entries i."""
    if weights.shape.num_elements() == 0:
        return apply1(BINCOUNT, (arr, size), name=n.name, dtype=n.attr("T"))
    if weights.shape._dims is None or not weights.shape.is_compatible_with(arr.shape):
        raise n.fail(f"weights ({weights.name}) must be empty or of arr's shape "
                     f"{arr.shape} when the graph is built, not {weights.shape}", ValueError)
    ids = gc.where_v2(gc.less(arr, size), arr, -1, name=n.sub("ids"))   # -1: dropped
    return gc.unsorted_segment_sum(weights, ids, size, name=n.name)


@_op("Roll", "T Tshift Taxis", "T")
def _roll(n, x, shift, axis):
    return gc.roll(x, shift, axis, name=n.name)


@_op("LinSpace", "T T Tidx", "T")
def _lin_space(n, start, stop, num):
    return gc.linspace(start, stop, num, name=n.name)


# ---- linear algebra ----------------------------------------------------------------------
@_op("MatrixBandPart", "T Tindex Tindex", "T")
def _band_part(n, x, lower, upper):
    return gc.matrix_band_part(x, int(n.static(lower, "num_lower")),
                               int(n.static(upper, "num_upper")), name=n.name)


# MatrixInverse reads `adjoint` (the inverse of the adjoint)
OPS["MatrixInverse"] = (("T",), ("T",), lambda n, x: gc.matrix_inverse(
    x, adjoint=n.attr("adjoint", False), name=n.name))


@_op("MatrixSolve", "T T", "T")
def _matrix_solve(n, a, b):
    return gc.matrix_solve(a, b, adjoint=n.attr("adjoint", False), name=n.name)


@_op("MatrixTriangularSolve", "T T", "T")
def _triangular_solve(n, a, b):
    return gc.matrix_triangular_solve(a, b, lower=n.attr("lower", True),
                                      adjoint=n.attr("adjoint", False), name=n.name)


# ---- nn ----------------------------------------------------------------------------------
@_op("InTopKV2", "=float32 T T", "=bool")
def _in_top_k(n, predictions, targets, k):
    return gc.nn.in_top_k(predictions, targets, k, name=n.name)


@_op("LRN", "T", "T")
def _lrn(n, x):
    return gc.nn.local_response_normalization(
        x, depth_radius=n.attr("depth_radius", 5), bias=n.attr("bias", 1.0),
        alpha=n.attr("alpha", 1.0), beta=n.attr("beta", 0.5), name=n.name)


def _space_depth(fn):
    def build(n, x):
        fmt = n.attr("data_format", "NHWC")
        if fmt not in ("NHWC", "NCHW"):
            raise n.fail(f"data_format {fmt!r} is not NHWC or NCHW")
        return fn(x, n.attr("block_size"), data_format=fmt, name=n.name)
    return build


OPS["SpaceToDepth"] = (("T",), ("T",), _space_depth(gc.space_to_depth))
OPS["DepthToSpace"] = (("T",), ("T",), _space_depth(gc.depth_to_space))


# ---- the banded diagonal ops (what TF 2's matrix_diag & co. build, even for k = 0) -----
def _band_args(n, k, align=True):
    """k as graphc takes it, and align (TF's V2 ops pack every diagonal to the left)."""
    k = n.static(k, "k")
    k = int(k) if np.ndim(k) == 0 else tuple(int(v) for v in np.ravel(k))
    return k, (n.attr("align", "RIGHT_LEFT") if align else "LEFT_LEFT")


def _diag_v3(n, diagonal, k, num_rows, num_cols, padding_value):
    k, align = _band_args(n, k, n.op == "MatrixDiagV3")
    return gc.linalg.diag(diagonal, k=k, num_rows=int(n.static(num_rows, "num_rows")),
                          num_cols=int(n.static(num_cols, "num_cols")),
                          padding_value=n.static(padding_value, "padding_value").item(),
                          align=align, name=n.name)


def _diag_part_v3(n, x, k, padding_value):
    k, align = _band_args(n, k, n.op == "MatrixDiagPartV3")
    return gc.linalg.diag_part(x, k=k, align=align, name=n.name,
                               padding_value=n.static(padding_value, "padding_value").item())


def _set_diag_v3(n, x, diagonal, k):
    k, align = _band_args(n, k, n.op == "MatrixSetDiagV3")
    return gc.linalg.set_diag(x, diagonal, k=k, align=align, name=n.name)


for _v in ("V2", "V3"):
    OPS["MatrixDiag" + _v] = (("T", "=int32", "=int32", "=int32", "T"), ("T",), _diag_v3)
    OPS["MatrixDiagPart" + _v] = (("T", "=int32", "T"), ("T",), _diag_part_v3)
    OPS["MatrixSetDiag" + _v] = (("T", "T", "=int32"), ("T",), _set_diag_v3)
