"""More of the export table (see tf_graphdef_export_ops.py): 3-D convolution and pooling,
special functions, bitwise ops, set and search ops, partitions, decompositions, tensor
scatters, crops and FFTs. Fake quantization and the random ops are in
tf_graphdef_export_more2.py."""
import numpy as np

from .. import dtypes
from .tf_graphdef_export import export, in_dtype as _T, rank_of as _rank

__all__ = []

_i32 = dtypes.int32




# ---- elementwise ---------------------------------------------------------------------------
@export("IsInf", "MulNoNan", "NextAfter", "Erfinv", "Ndtri", "Dawsn", "Expint", "FresnelCos",
        "FresnelSin", "Spence", "BesselI0e", "BesselI1e", "BesselJ0", "BesselJ1", "BesselK0",
        "BesselK0e", "BesselK1", "BesselK1e", "BesselY0", "BesselY1", "BitwiseAnd",
        "BitwiseOr", "BitwiseXor", "Invert", "LeftShift", "RightShift", "BroadcastArgs",
        "LogMatrixDeterminant", "MatrixLogarithm", "GuaranteeConst")
def _t_only(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n))


@export("CheckNumerics")
def _check_numerics(ex, n):
    ex.emit(n, "CheckNumerics", n.inputs, T=_T(n), message=str(n.attrs.get("message", "")))


# ---- 3-D convolution and pooling -----------------------------------------------------------
def _five(triple, data_format):
    """graphc's (d, h, w) strides / dilations / ksize as TF's five-element list."""
    d, h, w = triple
    return [1, 1, d, h, w] if data_format == "NCDHW" else [1, d, h, w, 1]


def _window3(ex, n):
    fmt, padding = n.attrs.get("data_format", "NDHWC"), n.attrs["padding"]
    if not isinstance(padding, str):
        raise ex.fail(n, f"explicit padding {padding!r}")
    return fmt, padding


@export("Conv3D", "Conv3DBackpropInputV2", "Conv3DBackpropFilterV2")
def _conv3d(ex, n):
    fmt, padding = _window3(ex, n)
    extra = {"Tshape": _T(n)} if n.type == "Conv3DBackpropInputV2" else {}
    ex.emit(n, n.type, n.inputs, T=n.outputs[0].dtype, strides=_five(n.attrs["strides"], fmt),
            padding=padding, data_format=fmt,
            dilations=_five(n.attrs.get("dilations", (1, 1, 1)), fmt), **extra)


_HALF_FLOATS = (dtypes.float16, dtypes.float32)


@export("MaxPool3D", "AvgPool3D", "MaxPool3DGrad", "AvgPool3DGrad", "MaxPool3DGradGrad")
def _pool3d(ex, n):
    fmt, padding = _window3(ex, n)
    if n.outputs[0].dtype not in _HALF_FLOATS:
        raise ex.fail(n, f"TF's 3-D pooling takes float16/bfloat16/float32, not "
                         f"{n.outputs[0].dtype.name} (TF's OpDef or CPU kernels)")
    extra = {"TInput": _T(n)} if n.type == "MaxPool3DGrad" else {}
    ex.emit(n, n.type, n.inputs, T=n.outputs[0].dtype, ksize=_five(n.attrs["ksize"], fmt),
            strides=_five(n.attrs["strides"], fmt), padding=padding, data_format=fmt, **extra)


@export("MaxPoolWithArgmax")
def _max_pool_argmax(ex, n):
    padding = n.attrs["padding"]
    if n.attrs.get("data_format", "NHWC") != "NHWC":
        raise ex.fail(n, "data_format NCHW (TF's MaxPoolWithArgmax is NHWC only)")
    if not isinstance(padding, str):
        raise ex.fail(n, f"explicit padding {padding!r}")
    (kh, kw), (sh, sw) = n.attrs["ksize"], n.attrs["strides"]
    ex.emit(n, "MaxPoolWithArgmax", n.inputs, T=_T(n), ksize=[1, kh, kw, 1],
            strides=[1, sh, sw, 1], padding=padding, Targmax=n.outputs[1].dtype,
            include_batch_in_index=bool(n.attrs.get("include_batch_in_index", False)))


@export("ExtractVolumePatches")
def _volume_patches(ex, n):
    padding = n.attrs["padding"]
    if not isinstance(padding, str):
        raise ex.fail(n, f"explicit padding {padding!r}")
    ex.emit(n, "ExtractVolumePatches", n.inputs, T=_T(n),
            ksizes=_five(n.attrs["ksizes"], "NDHWC"),
            strides=_five(n.attrs["strides"], "NDHWC"), padding=padding)


# ---- array, set and search ops -------------------------------------------------------------
@export("Roll")
def _roll(ex, n):
    ex.emit(n, "Roll", n.inputs, T=_T(n), Tshift=_T(n, 1), Taxis=_T(n, 2))


@export("LinSpace")
def _lin_space(ex, n):
    ex.emit(n, "LinSpace", n.inputs, T=_T(n), Tidx=_T(n, 2))


@export("ListDiff", "Unique", "UniqueWithCounts")
def _set_ops(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), out_idx=n.outputs[1].dtype)


@export("LowerBound", "UpperBound")
def _bounds(ex, n):
    """TF's ops search the rows of 2-D tensors: other ranks are reshaped to
    [-1, last dim] around them and back, as tf.searchsorted does."""
    seq, values = n.inputs
    t, out = seq.dtype, n.outputs[0].dtype
    if _rank(seq) == 2 and _rank(values) == 2:
        ex.emit(n, n.type, n.inputs, T=t, out_type=out)
        return
    if _rank(seq) is None or _rank(values) is None or None in (seq.shape._dims[-1],
                                                               values.shape._dims[-1]):
        raise ex.fail(n, "inputs of unknown rank or last dim (TF's op takes 2-D inputs)")
    flat = [ex.emit(n, "Reshape", (x, ex.const(n, "shape", [-1, x.shape._dims[-1]])),
                    name="Reshape", T=t, Tshape=_i32) for x in (seq, values)]
    shape = ex.emit(n, "Shape", (values,), name="Shape", T=t, out_type=_i32)
    op = ex.emit(n, n.type, flat, name=n.type, T=t, out_type=out)
    ex.emit(n, "Reshape", (op, shape), T=out, Tshape=_i32)


@export("HistogramFixedWidth")
def _histogram(ex, n):
    ex.emit(n, "HistogramFixedWidth", n.inputs, T=_T(n), dtype=n.outputs[0].dtype)


@export("ReverseSequence")
def _reverse_sequence(ex, n):
    """TF's seq_dim and batch_dim count from the front only."""
    seq, batch, rank = int(n.attrs["seq_axis"]), int(n.attrs["batch_axis"]), _rank(n.inputs[0])
    if (seq < 0 or batch < 0) and rank is None:
        raise ex.fail(n, "a negative axis on an input of unknown rank")
    if seq < 0 or batch < 0:
        seq, batch = seq % rank, batch % rank
    ex.emit(n, "ReverseSequence", n.inputs, T=_T(n), Tlen=_T(n, 1), seq_dim=seq,
            batch_dim=batch)


@export("DynamicPartition")
def _dynamic_partition(ex, n):
    ex.emit(n, "DynamicPartition", n.inputs, T=_T(n),
            num_partitions=int(n.attrs["num_partitions"]))


@export("DynamicStitch")
def _dynamic_stitch(ex, n):
    k = len(n.inputs) // 2
    ex.emit(n, "DynamicStitch", n.inputs, N=k, T=_T(n, k))


@export("Bitcast")
def _bitcast(ex, n):
    ex.emit(n, "Bitcast", n.inputs, T=_T(n), type=n.outputs[0].dtype)


@export("TensorScatterAdd", "TensorScatterSub", "TensorScatterMax", "TensorScatterMin",
        "TensorScatterUpdate")
def _tensor_scatter(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), Tindices=_T(n, 1), bad_indices_policy="")


@export("Tensordot")
def _tensordot(ex, n):
    """tf.tensordot as one Einsum (TF's Python API reshapes around a MatMul; the
    contraction is the same)."""
    a, b = n.inputs
    ra, rb = _rank(a), _rank(b)
    if ra is None or rb is None:
        raise ex.fail(n, "operands of unknown rank")
    axes = n.attrs["axes"]
    if np.ndim(axes) == 0:
        axes = (list(range(ra - int(axes), ra)), list(range(int(axes))))
    xa, xb = ([int(v) % r for v in (np.atleast_1d(ax))] for ax, r in zip(axes, (ra, rb)))
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    sa = list(letters[:ra])
    sb = list(letters[ra:ra + rb])
    for i, j in zip(xa, xb):
        sb[j] = sa[i]
    out = [c for k, c in enumerate(sa) if k not in xa] + \
        [c for k, c in enumerate(sb) if k not in xb]
    ex.emit(n, "Einsum", (a, b), equation=f"{''.join(sa)},{''.join(sb)}->{''.join(out)}",
            N=2, T=a.dtype)


# ---- linear algebra ------------------------------------------------------------------------
def _column_signs(ex, n, v, rows, rank, t):
    """graphc's sign convention for the columns of v (Svd's u and v, the eigenvectors):
    +-1 per column, the sign of its largest-magnitude entry (the first such), 1 for 0."""
    i32 = _i32
    big = ex.emit(n, "ArgMax", (ex.emit(n, "Abs", (v,), name="Abs", T=t),
                                ex.const(n, "rows_axis", rank - 2)),
                  name="ArgMax", T=t, Tidx=i32, output_type=i32)
    pick = ex.emit(n, "OneHot", (big, ex.const(n, "rows", rows), ex.const(n, "on", 1, t),
                                 ex.const(n, "off", 0, t)),
                   name="OneHot", axis=rank - 2, T=t, TI=i32)
    entry = ex.emit(n, "Sum", (ex.emit(n, "Mul", (v, pick), name="mul", T=t),
                               ex.const(n, "rows_axis", rank - 2)),
                    name="Sum", T=t, Tidx=i32, keep_dims=False)
    sign = ex.emit(n, "Sign", (entry,), name="Sign", T=t)
    zero = ex.emit(n, "Equal", (sign, ex.const(n, "zero", 0, t)), name="Equal", T=t,
                   incompatible_shape_error=True)
    return ex.emit(n, "SelectV2", (zero, ex.const(n, "one", 1, t), sign), name="SelectV2",
                   T=t)


def _columns(ex, n, x, lo, hi, t):
    """x[..., lo:hi] (hi None: to the end)."""
    end = 0 if hi is None else hi
    return ex.emit(n, "StridedSlice", (x, ex.const(n, "begin", [0, lo]),
                                       ex.const(n, "end", [0, end]),
                                       ex.const(n, "strides", [1, 1])),
                   name="StridedSlice", T=t, Index=_i32, begin_mask=0,
                   end_mask=0 if hi is not None else 2, ellipsis_mask=1, new_axis_mask=0,
                   shrink_axis_mask=0)


def _flip(ex, n, v, sign, t):
    return ex.emit(n, "Mul", (v, ex.emit(n, "ExpandDims", (sign, ex.const(n, "dim", -2)),
                                         name="ExpandDims", T=t, Tdim=_i32)),
                   name="mul", T=t)


def _matrix_dims(ex, n):
    x = n.inputs[0]
    rank = _rank(x)
    if rank is None or None in x.shape._dims[-2:]:
        raise ex.fail(n, "matrices of unknown rank or size (graphc's sign convention "
                         "for the vectors needs them)")
    return rank, x.shape._dims[-2], x.shape._dims[-1]


@export("SelfAdjointEigV2")
def _eig(ex, n):
    """TF's eigenvectors are LAPACK's; graphc flips each so that its largest-magnitude
    entry is positive, rebuilt after TF's op (an IdentityN carries the node's name)."""
    t, compute_v = _T(n), bool(n.attrs["compute_v"])
    if not compute_v:
        ex.emit(n, "SelfAdjointEigV2", n.inputs, T=t, compute_v=False)
        return
    rank, rows, _ = _matrix_dims(ex, n)
    op = ex.emit(n, "SelfAdjointEigV2", n.inputs, name="SelfAdjointEigV2", T=t,
                 compute_v=True)
    v = op + ":1"
    if rows:
        v = _flip(ex, n, v, _column_signs(ex, n, v, rows, rank, t), t)
    ex.emit(n, "IdentityN", (op, v), T=[t, t])


@export("Svd")
def _svd(ex, n):
    """As SelfAdjointEigV2: graphc's u columns get the sign convention and v's first
    min(m, n) columns follow u's (v's further columns, full_matrices, their own)."""
    t, full = _T(n), bool(n.attrs["full_matrices"])
    attrs = dict(T=t, compute_uv=bool(n.attrs["compute_uv"]), full_matrices=full)
    if not attrs["compute_uv"]:
        ex.emit(n, "Svd", n.inputs, **attrs)
        return
    rank, m, cols = _matrix_dims(ex, n)
    k = min(m, cols)
    if full and abs(m - cols) > 1:
        raise ex.fail(n, f"full_matrices for {m} x {cols} matrices: the last "
                         f"{abs(m - cols)} columns of {'u' if m > cols else 'v'} are any "
                         f"orthonormal basis of a {abs(m - cols)}-D space, and TF's kernel "
                         f"picks another one than graphc's")
    op = ex.emit(n, "Svd", n.inputs, name="Svd", **attrs)
    u, v = op + ":1", op + ":2"
    if k:
        su = _column_signs(ex, n, u, m, rank, t)
        sv = su if m == k or not full else _columns(ex, n, su, 0, k, t)
        if full and cols > k:
            own = _column_signs(ex, n, v, cols, rank, t)
            sv = ex.emit(n, "ConcatV2", (sv, _columns(ex, n, own, k, None, t),
                                         ex.const(n, "axis", -1)),
                         name="concat", N=2, T=t, Tidx=_i32)
        u, v = _flip(ex, n, u, su, t), _flip(ex, n, v, sv, t)
    ex.emit(n, "IdentityN", (op, u, v), T=[t, t, t])


@export("Qr")
def _qr(ex, n):
    ex.emit(n, "Qr", n.inputs, T=_T(n), full_matrices=bool(n.attrs["full_matrices"]))


@export("Lu")
def _lu(ex, n):
    ex.emit(n, "Lu", n.inputs, T=_T(n), output_idx_type=n.outputs[1].dtype)


@export("TridiagonalSolve")
def _tridiagonal_solve(ex, n):
    ex.emit(n, "TridiagonalSolve", n.inputs, T=_T(n),
            partial_pivoting=bool(n.attrs.get("partial_pivoting", True)),
            perturb_singular=False)


# ---- image crops ---------------------------------------------------------------------------
@export("CropAndResize")
def _crop_and_resize(ex, n):
    ex.emit(n, "CropAndResize", n.inputs, T=_T(n), method=n.attrs.get("method", "bilinear"),
            extrapolation_value=float(n.attrs.get("extrapolation_value", 0.0)))


@export("CropAndResizeGradImage")
def _crop_grad_image(ex, n):
    ex.emit(n, "CropAndResizeGradImage", n.inputs, T=n.outputs[0].dtype,
            method=n.attrs.get("method", "bilinear"))


@export("CropAndResizeGradBoxes")
def _crop_grad_boxes(ex, n):
    ex.emit(n, "CropAndResizeGradBoxes", n.inputs, T=_T(n, 1), method="bilinear")


# ---- FFTs ----------------------------------------------------------------------------------
@export("FFT", "FFT2D", "FFT3D", "IFFT", "IFFT2D", "IFFT3D")
def _fft(ex, n):
    ex.emit(n, n.type, n.inputs, Tcomplex=_T(n))


def _padded_for_rfft(ex, n):
    """TF's RFFT kernels crop an inner dim longer than fft_length but refuse a shorter
    one: tf.signal pads it with zeros first (IRFFT's last dim to fft_length // 2 + 1),
    as graphc's ops do."""
    from ..ops.registry import constant_value
    x, lengths = n.inputs
    k = 3 if n.type.endswith("3D") else 2 if n.type.endswith("2D") else 1
    want = constant_value(lengths)
    rank = _rank(x)
    if want is None or rank is None:
        raise ex.fail(n, "an fft_length that is not a constant, or an input of unknown "
                         "rank (TF's op needs inner dims at least fft_length long)")
    want = [int(v) for v in np.reshape(want, -1)]
    if n.type.startswith("I"):
        want[-1] = want[-1] // 2 + 1
    dims = x.shape._dims[rank - k:]
    short = [max(w - d, 0) if d is not None else None for w, d in zip(want, dims)]
    if None in short:
        raise ex.fail(n, "an inner dim of unknown size (TF's op refuses one shorter than "
                         "fft_length, graphc's pads it)")
    if not any(short):
        return x
    pads = [[0, 0]] * (rank - k) + [[0, s] for s in short]
    return ex.emit(n, "Pad", (x, ex.const(n, "paddings", pads)), name="Pad", T=x.dtype,
                   Tpaddings=_i32)


@export("RFFT", "RFFT2D", "RFFT3D")
def _rfft(ex, n):
    ex.emit(n, n.type, (_padded_for_rfft(ex, n), n.inputs[1]), Treal=_T(n),
            Tcomplex=n.outputs[0].dtype)


@export("IRFFT", "IRFFT2D", "IRFFT3D")
def _irfft(ex, n):
    ex.emit(n, n.type, (_padded_for_rfft(ex, n), n.inputs[1]), Treal=n.outputs[0].dtype,
            Tcomplex=_T(n))


from . import (tf_graphdef_export_checkpoint, tf_graphdef_export_flow,  # noqa: E402,F401
               tf_graphdef_export_lookup,
               tf_graphdef_export_more2, tf_graphdef_export_parsing,
               tf_graphdef_export_queues, tf_graphdef_export_strings,
               tf_graphdef_export_strops, tf_graphdef_export_summary)
# (a Saver's nodes, control flow, lookup tables, fake quantization, random, parsing,
# queues, strings, summaries)
