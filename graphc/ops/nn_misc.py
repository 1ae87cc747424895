"""The rest of TF1's tf.nn: two ops and, as TF1 builds them, composites of existing ops.

Ops: LRN (local_response_normalization; its vjp and jvp are graphs of existing ops, so
derivatives of any order follow) and InTopKV2 (in_top_k, not differentiable).
Composites (their derivatives are those of the ops they use): convolution and pool
(dispatching on the number of spatial dims to conv1d/conv2d/conv3d and the pooling ops;
dilated pooling is a max or mean over shifted slices), atrous_conv2d, crelu, xw_plus_b,
log_poisson_loss, sufficient_statistics, normalize_moments and gelu.
"""
import math

import numpy as np

from .. import dtypes
from ..graph import Tensor, name_scope
from ..shapes import InferError
from . import array as A
from . import elementwise as E
from . import reduce as R
from .broadcast import select
from .conv import _padding, conv2d
from .conv3d import avg_pool3d, conv3d_windows, max_pool3d
from .conv_extra import conv1d, shape_error
from .core import constant, convert_to_tensor
from .creation import range as range_
from .creation import zeros_like
from .elementwise import operands
from .gather import gather
from .join import concat, stack
from .linalg import matmul
from .nn import bias_add
from .pool import avg_pool, max_pool
from .registry import OpDef, apply1, register

__all__ = ["convolution", "atrous_conv2d", "pool", "crelu", "xw_plus_b", "log_poisson_loss",
           "sufficient_statistics", "normalize_moments", "gelu",
           "local_response_normalization", "lrn", "in_top_k"]


# ---- LRN -----------------------------------------------------------------------------------
# y = x * s^-beta with s = bias + alpha * W(x^2), where W sums each depth window:
# W(v)[..., c] = sum of v[..., d] over |d - c| <= depth_radius (zero beyond the ends).
def _window_sum(v, r):
    """W(v) in numpy: one shifted add per offset in [-r, r]."""
    depth = v.shape[-1]
    r = min(r, max(depth - 1, 0))
    padded = np.pad(v, [(0, 0)] * (v.ndim - 1) + [(r, r)])
    out = np.zeros_like(v)
    for k in range(2 * r + 1):
        out += padded[..., k:k + depth]
    return out


def _lrn_kernel(x, *, depth_radius, bias, alpha, beta):
    s = bias + alpha * _window_sum(x * x, depth_radius)
    return (x * s ** -beta).astype(x.dtype, copy=False)


def _band(x, r):
    """The (depth, depth) matrix B[c, d] = [|c - d| <= r]: W(v) = v @ B, and B = B^T."""
    depth = x.shape._dims[-1] if x.shape.rank else None
    if isinstance(depth, int):
        i = np.arange(depth)
        band = np.abs(i[:, None] - i[None, :]) <= r
        return constant(band.astype(x.dtype.np), dtype=x.dtype)
    i = range_(A.shape(x)[-1])
    return E.cast(E.less_equal(E.abs(i[:, None] - i[None, :]), r), x.dtype)


def _lrn_parts(node):
    """(x, y, s, band, attrs) of an LRN node, s rebuilt as a graph."""
    x, a = node.inputs[0], node.attrs
    band = _band(x, a["depth_radius"])
    s = a["bias"] + a["alpha"] * matmul(E.square(x), band)
    return x, node.outputs[0], s, band, a


def _lrn_vjp(node, gs):
    """gx = g s^-beta - 2 alpha beta x W(g y / s) (W is symmetric)."""
    x, y, s, band, a = _lrn_parts(node)
    g = gs[0]
    return [g * s ** -a["beta"] - (2 * a["alpha"] * a["beta"]) * x * matmul(g * y / s, band)]


def _lrn_jvp(node, ts):
    """dy = dx s^-beta - 2 alpha beta (y / s) W(x dx)."""
    x, y, s, band, a = _lrn_parts(node)
    t = ts[0]
    return t * s ** -a["beta"] - (2 * a["alpha"] * a["beta"]) * (y / s) * matmul(x * t, band)


def _infer_lrn(ctx, x, **attrs):
    ctx.require(0, "float")
    if x.shape.rank not in (None, 4):
        raise InferError(f"{{0}} must have rank 4, [batch, height, width, depth], not shape "
                         f"{x.shape}")
    return x.shape, x.dtype


def _batch_lrn(node, args, batched):
    """vmap: the batch folded into the batch dim (LRN acts on each pixel alone)."""
    from ..autodiff.batching import _batch_into_leading_dim
    return _batch_into_leading_dim(node, args, batched)


LRN = register(OpDef(
    "LRN", _infer_lrn, _lrn_kernel, vjp=_lrn_vjp, jvp=_lrn_jvp, batch=_batch_lrn,
    api="nn.local_response_normalization",
    signature="nn.local_response_normalization(input, depth_radius=5, bias=1, alpha=1, "
              "beta=0.5, name=None)",
    shape_rule="(N, H, W, D) -> (N, H, W, D)", dtypes="float",
    doc="x / (bias + alpha * sum of x^2 over depth - r..depth + r) ** beta (TF1 LRN)."))


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None):
    """Local response normalization over the last (depth) dim, TF1's LRN (also gc.nn.lrn):

        y = gc.nn.lrn(h, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75)
    y[n, i, j, c] = h[n, i, j, c] / (bias + alpha * sum of h[n, i, j, d]^2 over
    |d - c| <= depth_radius) ** beta."""
    if isinstance(depth_radius, bool) or int(depth_radius) != depth_radius or depth_radius < 0:
        raise ValueError(f"local_response_normalization: depth_radius must be an int >= 0, "
                         f"not {depth_radius!r}")
    return apply1(LRN, (convert_to_tensor(input),), name=name, depth_radius=int(depth_radius),
                  bias=float(bias), alpha=float(alpha), beta=float(beta))


lrn = local_response_normalization


# ---- in_top_k ------------------------------------------------------------------------------
def _infer_in_top_k(ctx, p, t, k):
    ctx.require(0, "float")
    ctx.require(1, "int")
    ctx.require(2, "int")
    for i, u, rank, what in ((0, p, 2, "predictions, [batch, classes],"),
                             (1, t, 1, "targets, [batch],"), (2, k, 0, "k, a scalar,")):
        if u.shape.rank not in (None, rank):
            raise InferError(f"{{{i}}} ({what}) must have rank {rank}, not shape {u.shape}")
    rows = p.shape._dims[0] if p.shape.rank else None
    n = t.shape._dims[0] if t.shape.rank else None
    return (ctx.merge_dims(rows, n, "{{0}} has {a} rows but {{1}} has {b} targets"),), \
        dtypes.bool_


def _in_top_k_kernel(predictions, targets, k):
    """TF's rule: fewer than k classes score strictly higher than the target (so ties
    count as in); false where the target is out of range or the row is not finite."""
    n, classes = predictions.shape
    t = targets.astype(np.int64)
    ok = (t >= 0) & (t < classes) & np.isfinite(predictions).all(axis=1)
    if classes == 0:
        return ok
    score = predictions[np.arange(n), np.clip(t, 0, classes - 1)]
    return ok & ((predictions > score[:, None]).sum(axis=1) < int(k))


IN_TOP_K = register(OpDef(
    "InTopKV2", _infer_in_top_k, _in_top_k_kernel, differentiable=False, api="nn.in_top_k",
    signature="nn.in_top_k(predictions, targets, k, name=None)",
    shape_rule="(N, C), (N,), () -> (N,)", dtypes="float predictions; int targets, k -> bool",
    doc="Whether each target's prediction is among the k largest of its row (ties count)."))


def in_top_k(predictions, targets, k, name=None):
    """Whether targets[i] is among the top k predictions of row i, TF1 semantics:

        hit = gc.nn.in_top_k(logits, labels, 5)     # (batch,) bool: top-5 accuracy
    A target ties into the top k when fewer than k classes score strictly higher; an
    out-of-range target or a row holding inf or nan gives False."""
    p = convert_to_tensor(predictions)
    t = convert_to_tensor(targets)
    if not isinstance(k, Tensor):
        k = convert_to_tensor(k, dtype=t.dtype if t.dtype.is_integer else dtypes.int32)
    return apply1(IN_TOP_K, (p, t, k), name=name)


# ---- convolution, atrous_conv2d, pool ------------------------------------------------------
_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def _layout(api, n, data_format):
    """The data_format of n spatial dims: channels last (default) or first ("NC...")."""
    if n not in _FORMATS:
        raise ValueError(f"{api}: {n} spatial dims; only 1, 2 or 3 are supported")
    if data_format is not None and data_format not in _FORMATS[n]:
        a, b = _FORMATS[n]
        raise ValueError(f'{api}: data_format must be "{a}" or "{b}" for {n} spatial dims, '
                         f"not {data_format!r}")
    return data_format or _FORMATS[n][0]


def _strides_and_rates(api, n, strides, dilation_rate):
    """TF1's checks: n positive ints each (default 1s), never a stride > 1 with a dilation
    rate > 1."""
    out = []
    for v, what in ((strides, "strides"), (dilation_rate, "dilation_rate")):
        v = [1] * n if v is None else [int(d) for d in np.reshape(v, -1)]
        if len(v) != n:
            raise ValueError(f"{api}: len({what})={len(v)} but should be {n}")
        if min(v) < 1:
            raise ValueError(f"{api}: all values of {what} must be positive, got {v}")
        out.append(v)
    if max(out[0]) > 1 and max(out[1]) > 1:
        raise ValueError(f"{api}: strides > 1 not supported in conjunction with "
                         f"dilation_rate > 1 (strides {out[0]}, dilation_rate {out[1]})")
    return out


def convolution(input, filter=None, padding=None, strides=None, dilation_rate=None, name=None,
                data_format=None, filters=None, dilations=None):
    """N-D convolution, N = 1, 2 or 3 from the filter's rank (TF1 tf.nn.convolution):

        y = gc.nn.convolution(x, W, "SAME", dilation_rate=[2, 2])
    strides and dilation_rate hold N ints; data_format "NWC"/"NCW", "NHWC"/"NCHW" or
    "NDHWC"/"NCDHW" (default channels last). Runs conv1d, conv2d or conv3d."""
    filter = filters if filter is None else filter
    dilation_rate = dilations if dilation_rate is None else dilation_rate
    if filter is None or padding is None:
        raise TypeError("convolution needs filter and padding")
    x, f = operands(input, filter, "convolution")
    rank = f.shape.rank if f.shape.rank is not None else x.shape.rank
    if rank is None:
        raise ValueError("convolution: the rank of the input or of the filter must be known")
    n = rank - 2
    fmt = _layout("convolution", n, data_format)
    strides, rates = _strides_and_rates("convolution", n, strides, dilation_rate)
    if n == 1:
        return conv1d(x, f, strides[0], padding, data_format=fmt, dilations=rates[0],
                      name=name)
    conv = conv2d if n == 2 else conv3d_windows
    return conv(x, f, strides=strides, padding=padding, data_format=fmt, dilations=rates,
                name=name)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """2-D convolution with holes (TF1): filters (kh, kw, C, O) read value (N, H, W, C)
    every `rate` pixels, i.e. conv2d with dilations [1, rate, rate, 1]:

        y = gc.nn.atrous_conv2d(x, W, rate=2, padding="SAME")"""
    return convolution(value, filters, padding, dilation_rate=[rate, rate], name=name)


def _dilated_pool(x, window, rates, pooling_type, channels_first, name):
    """VALID pooling with holes and strides 1 (TF1 gets it through space_to_batch): the
    max or mean over the window's taps of x shifted by tap * rate along each spatial dim."""
    first = 2 if channels_first else 1
    dims = x.shape._dims
    for ax, k, r in zip(range(first, first + len(window)), window, rates):
        if dims is not None and isinstance(dims[ax], int) and dims[ax] <= (k - 1) * r:
            shape_error("pool", f"the dilated window spans {(k - 1) * r + 1} but dim {ax} of "
                        f"the input is {dims[ax]} (VALID padding)", x)
    taps = []
    for tap in np.ndindex(*window):
        key = [slice(None)] * x.shape.rank
        for ax, t, k, r in zip(range(first, first + len(window)), tap, window, rates):
            key[ax] = slice(t * r, (t - k + 1) * r or None)
        taps.append(x[tuple(key)])
    if pooling_type == "MAX":       # TF's max pool gradient: the first maximal tap only
        from .nn_composites import _first_max
        with name_scope(name, "pool"):
            return _first_max(stack(taps, axis=-1))
    return R.reduce_mean(stack(taps, axis=-1), axis=-1, name=name)


_POOLS = {(2, "MAX"): max_pool, (2, "AVG"): avg_pool, (3, "MAX"): max_pool3d,
          (3, "AVG"): avg_pool3d}


def pool(input, window_shape, pooling_type, padding, dilation_rate=None, strides=None,
         name=None, data_format=None, dilations=None):
    """N-D max or average pooling, N = len(window_shape) = 1, 2 or 3 (TF1 tf.nn.pool):

        y = gc.nn.pool(x, [3, 3], "MAX", "SAME", strides=[2, 2])
    Padded values are ignored. A dilation_rate > 1 needs padding "VALID" and strides 1."""
    dilation_rate = dilations if dilation_rate is None else dilation_rate
    x = convert_to_tensor(input)
    window = [int(w) for w in window_shape]
    n = len(window)
    fmt = _layout("pool", n, data_format)
    if x.shape.rank not in (None, n + 2):
        shape_error("pool", f"input must have rank {n + 2} for a {n}-D window_shape", x)
    strides, rates = _strides_and_rates("pool", n, strides, dilation_rate)
    padding = _padding(padding)
    if padding == "SAME" and max(rates) > 1:
        raise ValueError("pool: pooling with SAME padding is not implemented for "
                         f"dilation_rate > 1 (got {rates})")
    if any(s > w for s, w in zip(strides, window)):
        raise ValueError(f"pool: strides {strides} > window_shape {window} is not supported")
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"pool: {n}-D {pooling_type} pooling is not supported (use 'MAX' "
                         "or 'AVG')")
    first = fmt.startswith("NC")
    if max(rates) > 1:
        if x.shape.rank is None:
            raise ValueError("pool: dilated pooling needs an input of known rank")
        return _dilated_pool(x, window, rates, pooling_type, first, name)
    if n == 1:                  # TF1 too pools a unit height dim
        axis = 2 if first else 1
        y = pool(A.expand_dims(x, axis), [1] + window, pooling_type, padding,
                 strides=[1] + strides, data_format="NCHW" if first else "NHWC")
        return A.squeeze(y, [axis], name=name)
    return _POOLS[n, pooling_type](x, window, strides, padding, data_format=fmt, name=name)


# ---- small composites ----------------------------------------------------------------------
def crelu(features, name=None, axis=-1):
    """relu(concat([x, -x], axis)): `gc.nn.crelu(x)` doubles the size of axis."""
    x = convert_to_tensor(features)
    return E.relu(concat([x, E.negative(x)], axis), name=name)


def xw_plus_b(x, weights, biases, name=None):
    """matmul(x, weights) + biases (bias_add): `gc.nn.xw_plus_b(x, W, b)`."""
    x, w = operands(x, weights, "xw_plus_b")
    mm, b = operands(matmul(x, w), biases, "xw_plus_b")
    return bias_add(mm, b, name=name)


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(c) - z c for c = log_input and z = targets, elementwise (TF1); with
    compute_full_loss, plus Stirling's approximation of log(z!), z log z - z +
    0.5 log(2 pi z), where z > 1 (0 for 0 <= z <= 1):

        loss = gc.nn.log_poisson_loss(counts, log_rate, compute_full_loss=True)"""
    z, c = operands(targets, log_input, "log_poisson_loss")
    s, t = z.shape, c.shape
    if s.rank is not None and t.rank is not None and (s.rank != t.rank or any(
            isinstance(a, int) and isinstance(b, int) and a != b
            for a, b in zip(s._dims, t._dims))):
        shape_error("log_poisson_loss", f"log_input and targets must have the same shape "
                    f"({t} vs {s})", c)
    with name_scope(name, "log_poisson_loss", [z, c]):
        loss = E.exp(c) - c * z
        if compute_full_loss:
            stirling = z * E.log(z) - z + 0.5 * E.log((2 * math.pi) * z)
            small = E.logical_and(z >= 0.0, z <= 1.0)
            loss = loss + select(small, zeros_like(z), stirling)
    return loss


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """(count, sum of x - shift, sum of (x - shift)^2, shift) over `axes` (TF1): the
    count is a constant when the reduced dims are known, else computed from shape(x).

        n, m_ss, v_ss, _ = gc.nn.sufficient_statistics(x, [0])
        mean, var = gc.nn.normalize_moments(n, m_ss, v_ss, None)"""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axes = sorted(set(int(a) for a in axes))
    x = convert_to_tensor(x)
    with name_scope(name, "sufficient_statistics", [x]):
        dims = x.shape._dims
        if dims is not None and all(isinstance(dims[d], int) for d in axes):
            count = constant(np.prod([dims[d] for d in axes]), dtype=x.dtype)
        else:                       # (a negative axis counts from the end)
            at = E.floormod(constant(axes, dtype=dtypes.int32), A.rank(x))
            count = R.reduce_prod(gather(E.cast(A.shape(x), x.dtype), at), name="count")
        if shift is not None:
            x, shift = operands(x, shift, "sufficient_statistics")
            m_ss, v_ss = x - shift, E.squared_difference(x, shift)
        else:
            m_ss, v_ss = x, E.square(x)
        m_ss = R.reduce_sum(m_ss, axes, keepdims=keep, name="mean_ss")
        v_ss = R.reduce_sum(v_ss, axes, keepdims=keep, name="var_ss")
    return count, m_ss, v_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """(mean, variance) from sufficient_statistics' sums (TF1): mean = mean_ss / counts
    + shift, variance = variance_ss / counts - (mean_ss / counts)^2."""
    m_ss, v_ss = operands(mean_ss, variance_ss, "normalize_moments")
    with name_scope(name, "normalize", [m_ss, v_ss]):
        divisor = E.reciprocal(operands(m_ss, counts, "normalize_moments")[1], name="divisor")
        if shift is None:
            shifted = mean = E.multiply(m_ss, divisor, name="mean")
        else:
            shifted = E.multiply(m_ss, divisor, name="shifted_mean")
            mean = E.add(*operands(shifted, shift, "normalize_moments"), name="mean")
        variance = E.subtract(v_ss * divisor, E.square(shifted), name="variance")
    return mean, variance


def gelu(features, approximate=False, name=None):
    """The Gaussian error linear unit (TF 2.4): x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), or
    with approximate, 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))):

        h = gc.nn.gelu(x @ W)"""
    x = convert_to_tensor(features)
    with name_scope(name, "Gelu", [x]):
        if approximate:
            inner = 0.7978845608028654 * (x + 0.044715 * E.pow(x, 3.0))
            return 0.5 * x * (1.0 + E.tanh(inner))
        return 0.5 * x * (1.0 + E.erf(x / 1.4142135623730951))
