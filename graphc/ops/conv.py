"""2-D convolution (TF1 tf.nn.conv2d) and its gradient ops, plus the window geometry
that pooling (pool.py) shares.

Padding follows TF exactly, per spatial dim, with k_eff = (k - 1) * dilation + 1:
    VALID: out = ceil((in - k_eff + 1) / stride), no padding;
    SAME:  out = ceil(in / stride), pad_total = max((out - 1) * stride + k_eff - in, 0),
           pad_before = pad_total // 2 (the odd extra row/column goes after).
Kernels work in NHWC. The windows come from sliding_window_view (an im2col that copies
only when contracted); gradients scatter window columns back with one strided add per
kernel tap (col2im), never a Python loop over pixels. The geometry and the kernels work
for any number of spatial dims: conv3d.py's ops (NDHWC) use them too. Each gradient op is
linear in its cotangent input, so its vjp is built from the adjoint ops: conv2d,
conv2d_backprop_input and conv2d_backprop_filter are each other's adjoints.
"""
import os
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import InferError
from .core import constant
from .elementwise import maximum, operands
from .registry import OpDef, apply1, register

__all__ = ["conv2d", "conv2d_backprop_input", "conv2d_backprop_filter"]

# ---- geometry ------------------------------------------------------------------------------
def _spatial(n, k, stride, dilation, padding):
    """(out, pad_before, pad_after) of one spatial dim (TF's rule, see the module doc);
    n an int, or a tensor known at run time (dilation2d of fed images): then tensors."""
    k_eff = (k - 1) * dilation + 1
    if padding == "VALID":
        if isinstance(n, Tensor):
            return -(-(n - k_eff + 1) // stride), 0, 0
        # TF's (n - k + s) / s in C's division toward zero: 0 for a window a little
        # wider than n (an empty output), negative (an error) for a much wider one
        v = n - k_eff + stride
        return (v // stride if v >= 0 else -(-v // stride)), 0, 0
    out = -(-n // stride)
    total = (out - 1) * stride + k_eff - n
    total = max(total, 0) if isinstance(total, int) else maximum(total, 0)
    return out, total // 2, total - total // 2


def _axes(data_format):
    """Positions of (H, W, C) in a 4-D tensor of this layout."""
    return (1, 2, 3) if data_format == "NHWC" else (2, 3, 1)


def _channels_last(data_format):
    return data_format[-1] == "C"           # NHWC, NDHWC (not NCHW, NCDHW)


def to_nhwc(x, data_format):
    return x if _channels_last(data_format) else np.moveaxis(x, 1, -1)


def from_nhwc(x, data_format):
    return x if _channels_last(data_format) else np.moveaxis(x, -1, 1)


def sizes_nhwc(sizes, data_format):
    s = tuple(int(d) for d in sizes)
    return s if _channels_last(data_format) else (s[0],) + s[2:] + (s[1],)


def _every(steps):
    return tuple(slice(None, None, s) for s in steps)


class _Geometry:
    """Output size and padding of a window op on a channels-last input of spatial size hw:
    2 spatial dims for conv2d and pooling, 3 for conv3d (conv3d.py)."""
    __slots__ = ("hw", "k", "strides", "dilations", "out", "pads")

    def __init__(self, hw, k, strides, dilations, padding):
        self.hw, self.k, self.strides, self.dilations = tuple(hw), tuple(k), strides, dilations
        dims = [_spatial(n, kk, s, d, padding) for n, kk, s, d in zip(hw, k, strides, dilations)]
        self.out = tuple(d[0] for d in dims)
        if any(o < 0 for o in self.out):
            raise errors.InvalidArgumentError(
                f"Computed output size would be negative: the window {tuple(k)} (dilations "
                f"{tuple(dilations)}, strides {tuple(strides)}) does not fit the input's "
                f"spatial size {tuple(hw)} with VALID padding")
        self.pads = ((0, 0),) + tuple((d[1], d[2]) for d in dims) + ((0, 0),)

    def windows(self, x, fill=0):
        """The (N, OH, OW, C, kh, kw) view of padded x whose element [n, i, j, c, a, b]
        is xp[n, i*sh + a*dh, j*sw + b*dw, c] (in 3-D: (N, OD, OH, OW, C, kd, kh, kw))."""
        if 0 in self.out:               # no whole window fits (TF: an empty output)
            return np.zeros((x.shape[0],) + self.out + (x.shape[-1],) + self.k, x.dtype)
        xp = np.pad(x, self.pads, constant_values=fill)
        span = tuple((k - 1) * d + 1 for k, d in zip(self.k, self.dilations))
        v = sliding_window_view(xp, span, axis=tuple(range(1, len(span) + 1)))
        v = v[(slice(None),) + _every(self.strides) + (slice(None),) + _every(self.dilations)]
        return v[(slice(None),) + tuple(slice(o) for o in self.out)]

    def col2im(self, cols):
        """The adjoint of windows(): sums cols (N, OH, OW, C, kh, kw) into the input."""
        padded = tuple(n + a + b for n, (a, b) in zip(self.hw, self.pads[1:-1]))
        xp = np.zeros((cols.shape[0],) + padded + (cols.shape[len(self.k) + 1],), cols.dtype)
        for tap in np.ndindex(*self.k):     # one strided add per kernel tap
            at = tuple(tap_rows(t * d, o, s) for t, d, o, s in
                       zip(tap, self.dilations, self.out, self.strides))
            xp[(slice(None),) + at] += cols[(Ellipsis,) + tap]
        return xp[(slice(None),) + tuple(slice(a, a + n) for n, (a, _) in
                                         zip(self.hw, self.pads[1:-1]))]


def tap_rows(start, out, stride):
    """The input positions one kernel tap reads for `out` outputs, from `start` (a slice;
    an empty one for out = 0, where start + (out - 1) * stride + 1 would wrap round)."""
    span = (out - 1) * stride + 1
    span = maximum(span, 0) if isinstance(span, Tensor) else max(span, 0)   # out: a tensor
    return slice(start, start + span, stride)                                 # or an int


def geometry(x_nhwc_shape, k, attrs):
    return _Geometry(x_nhwc_shape[1:-1], k, attrs["strides"],
                     attrs.get("dilations", (1,) * len(k)), attrs["padding"])


# ---- static shapes -------------------------------------------------------------------------
def ranked_dims(ctx, t, i, what, rank=4):
    """The dims of input i, which must have `rank` (unknown dims if its rank is unknown)."""
    if t.shape.rank not in (None, rank):
        raise InferError(f"{{{i}}} ({what}) must have rank {rank}, not shape {t.shape}")
    return t.shape._dims if t.shape.rank == rank else (None,) * rank


def out_dims(ctx, dims, k, attrs, i):
    """The output (N, OH, OW) dims of a window op on input dims `dims` (in NHWC order;
    (N, OD, OH, OW) from NDHWC dims)."""
    out = []
    for axis, (n, kk, s, d) in enumerate(zip(dims[1:-1], k, attrs["strides"],
                                             attrs.get("dilations", (1,) * len(k)))):
        n, kk = ctx.resolve(n), ctx.resolve(kk)
        if n is None or kk is None:
            out.append(None)
            continue
        o = _spatial(n, kk, s, d, attrs["padding"])[0]
        if o <= 0:          # TF's static shapes refuse what its kernels leave empty
            what = ("depth", "height", "width")[axis - len(k)]
            raise InferError(f"the window's effective {what} {(kk - 1) * d + 1} is larger "
                             f"than the {what} {n} of {{{i}}} with VALID padding")
        out.append(o)
    return [dims[0]] + out


def nhwc_dims(dims, data_format):
    """`data_format`-ordered dims in channels-last order (NHWC, or NDHWC in 3-D)."""
    dims = tuple(dims)
    return dims if _channels_last(data_format) else (dims[0],) + dims[2:] + (dims[1],)


def to_layout(dims, data_format):
    """Channels-last (NHWC, NDHWC) dims back to `data_format` order."""
    dims = tuple(dims)
    return dims if _channels_last(data_format) else (dims[0], dims[-1]) + dims[1:-1]


def _infer_conv(ctx, x, f, **attrs):
    ctx.same_dtype()
    ctx.require(0, "float")
    xd = nhwc_dims(ranked_dims(ctx, x, 0, "the input"), attrs["data_format"])
    fd = ranked_dims(ctx, f, 1, "the filter, [height, width, in_channels, out_channels]")
    ctx.merge_dims(xd[3], fd[2], "{{0}} has {a} input channels but {{1}} expects {b}")
    return to_layout(out_dims(ctx, xd, fd[:2], attrs, 0) + [fd[3]], attrs["data_format"]), x.dtype


def sizes_value(ctx, sizes, i, n=4):
    if not sizes.dtype.is_integer:
        raise InferError(f"the sizes {{{i}}} must be an int tensor", "dtype")
    dims = ctx.shape_value(sizes)._dims
    if dims is not None and len(dims) != n:
        raise InferError(f"the sizes {{{i}}} must have {n} elements, not {len(dims)}")
    return dims or (None,) * n


def check_backprop(ctx, xd, fd, gd, attrs, ix, ig):
    """The cotangent g must have the shape conv2d(x, f) (conv3d's, for 5-D dims) has."""
    nd = len(xd) - 2
    ctx.merge_dims(xd[-1], fd[-2], f"{{{{{ix}}}}} has {{a}} input channels but the filter "
                                   "expects {b}")
    want = out_dims(ctx, xd, fd[:nd], attrs, ix) + [fd[-1]]
    layout = "NHWC" if nd == 2 else "NDHWC"
    for k, (a, b) in enumerate(zip(gd, want)):
        ctx.merge_dims(a, b, f"the gradient {{{{{ig}}}}} has {{a}} at dim {k} ({layout}) but "
                             f"conv{nd}d's output has {{b}}")


def backprop_infers(check, rank=4):
    """The infer rules of a convolution's two gradient ops (input, filter) on inputs of
    `rank`, whose output geometry `check(ctx, x_dims, filter_dims, g_dims, attrs, ix, ig)`
    verifies."""
    def infer_input(ctx, sizes, f, g, **attrs):
        ctx.same_dtype(1, 2)
        ctx.require(1, "float")
        fmt = attrs["data_format"]
        xd = nhwc_dims(sizes_value(ctx, sizes, 0, rank), fmt)
        fd = ranked_dims(ctx, f, 1, "the filter", rank)
        gd = nhwc_dims(ranked_dims(ctx, g, 2, "the gradient", rank), fmt)
        check(ctx, xd, fd, gd, attrs, 0, 2)
        return to_layout(xd, fmt), f.dtype

    def infer_filter(ctx, x, sizes, g, **attrs):
        ctx.same_dtype(0, 2)
        ctx.require(0, "float")
        fmt = attrs["data_format"]
        xd = nhwc_dims(ranked_dims(ctx, x, 0, "the input", rank), fmt)
        fd = sizes_value(ctx, sizes, 1, rank)
        gd = nhwc_dims(ranked_dims(ctx, g, 2, "the gradient", rank), fmt)
        check(ctx, xd, fd, gd, attrs, 0, 2)
        return fd, x.dtype
    return infer_input, infer_filter


_infer_backprop_input, _infer_backprop_filter = backprop_infers(check_backprop)


# ---- convolution kernels -------------------------------------------------------------------
# The kernels work for any number nd of spatial dims (conv3d.py's ops use them too).
def _conv_kernel(x, f, **attrs):
    fmt, nd = attrs["data_format"], f.ndim - 2
    if x.ndim != len(fmt) or f.ndim != len(fmt) or x.shape[fmt.index("C")] != f.shape[-2]:
        _conv_inputs_error(x, f, fmt)
    x = to_nhwc(x, fmt)
    win = geometry(x.shape, f.shape[:nd], attrs).windows(x)       # (N, OH, OW, C, kh, kw)
    out = np.tensordot(win, f, axes=(list(range(nd + 1, 2 * nd + 2)),   # (N, OH, OW, O)
                                     [nd] + list(range(nd))))
    return from_nhwc(out.astype(x.dtype, copy=False), fmt)


def _conv_inputs_error(x, f, fmt):
    """The run-time checks static shapes left open, in graphc's words (TF's at the end)."""
    nd = len(fmt) - 2
    if x.ndim != len(fmt) or f.ndim != len(fmt):
        t, what = (x, "input") if x.ndim != len(fmt) else (f, "filter")
        raise errors.InvalidArgumentError(
            f"conv{nd}d: the {what} must be {nd + 2}-D, not of shape {t.shape} (input shape "
            f"{x.shape}, filter shape {f.shape}, data_format {fmt})")
    c = x.shape[fmt.index("C")]
    raise errors.InvalidArgumentError(
        f"conv{nd}d: the input of shape {x.shape} ({fmt}) has {c} channels but the filter "
        f"of shape {f.shape} expects {f.shape[-2]} (input depth must be evenly divisible by "
        f"filter depth: {c} vs {f.shape[-2]})")


def _backprop_input_kernel(sizes, f, g, **attrs):
    """dx = col2im(g . f^T): each output pixel sends g f[a, b]^T back to its taps."""
    fmt, nd = attrs["data_format"], f.ndim - 2
    g = to_nhwc(g, fmt)
    want = tuple(int(d) for d in sizes_nhwc(sizes, fmt))
    geo = geometry(want, f.shape[:nd], attrs)
    expected = (want[0],) + geo.out + (f.shape[-1],)
    if g.shape != expected:         # output_shape fed when run (TF's check)
        raise errors.InvalidArgumentError(
            f"Conv{nd}DCustomBackpropInput: the input of shape {list(g.shape)} does not fit "
            f"output_shape {list(want)}: a convolution of that shape gives "
            f"{list(expected)}")
    cols = np.tensordot(g, f, axes=(-1, -1))                      # (N, OH, OW, kh, kw, C)
    cols = np.moveaxis(cols, -1, nd + 1)                            # (N, OH, OW, C, kh, kw)
    return from_nhwc(geo.col2im(cols).astype(f.dtype, copy=False), fmt)


def _backprop_filter_kernel(x, sizes, g, **attrs):
    """df[a, b, c, o] = sum over n, i, j of window(x)[n, i, j, c, a, b] g[n, i, j, o]."""
    fmt, nd = attrs["data_format"], len(sizes) - 2
    x, g = to_nhwc(x, fmt), to_nhwc(g, fmt)
    win = geometry(x.shape, tuple(int(d) for d in sizes[:nd]), attrs).windows(x)
    df = np.tensordot(win, g, axes=(list(range(nd + 1)), list(range(nd + 1))))  # (C, kh, kw, O)
    return np.moveaxis(df, 0, -2).astype(x.dtype, copy=False)


def shape_of(t):
    """t's shape as a tensor: a constant when static."""
    if t.shape.is_fully_defined():
        return constant(np.array(t.shape._dims, np.int32), dtype=dtypes.int32)
    from .array import shape
    return shape(t)


def _conv_vjp(node, gs):
    """y = conv(x, f): gx = backprop_input(g, f), gf = backprop_filter(x, g)."""
    x, f = node.inputs
    kw = dict(node.attrs)
    return [_bpi(shape_of(x), f, gs[0], **kw), _bpf(x, shape_of(f), gs[0], **kw)]


def bilinear_jvp(op, a=0, b=1):
    """The jvp rule of an op bilinear in its inputs a and b (others held fixed):
    d op(.., x, .., f, ..) = op(.., dx, .., f, ..) + op(.., x, .., df, ..)."""
    def jvp(node, ts):
        kw = dict(node.attrs)
        terms = []
        for k in (a, b):
            if ts[k] is not None:
                args = list(node.inputs)
                args[k] = ts[k]
                terms.append(op(*args, **kw))
        return None if not terms else terms[0] if len(terms) == 1 else terms[0] + terms[1]
    return jvp


# d conv(x, f) = conv(dx, f) + conv(x, df) (_conv is defined below: looked up when run)
_conv_jvp = bilinear_jvp(lambda x, f, **kw: _conv(x, f, **kw))


def _bpi_vjp(node, gs):
    """dx = bpi(f, g) is bilinear; its adjoints: h -> conv(h, f) and bpf(h, g)."""
    sizes, f, g = node.inputs
    h, kw = gs[0], dict(node.attrs)
    return [None, _bpf(h, shape_of(f), g, **kw), _conv(h, f, **kw)]


_bpi_jvp = bilinear_jvp(lambda *args, **kw: _bpi(*args, **kw), 1, 2)


def _bpf_vjp(node, gs):
    """df = bpf(x, g) is bilinear; its adjoints: H -> bpi(H, g) for x and conv(x, H) for g."""
    x, sizes, g = node.inputs
    h, kw = gs[0], dict(node.attrs)
    return [_bpi(shape_of(x), h, g, **kw), None, _conv(x, h, **kw)]


_bpf_jvp = bilinear_jvp(lambda *args, **kw: _bpf(*args, **kw), 0, 2)


_CONV_SIG = "strides, padding, data_format='NHWC', dilations=None, name=None"
CONV2D = register(OpDef(
    "Conv2D", _infer_conv, _conv_kernel, vjp=_conv_vjp, jvp=_conv_jvp, api="nn.conv2d",
    signature=f"nn.conv2d(input, filter, {_CONV_SIG})",
    shape_rule="(N, H, W, C) * (kh, kw, C, O) -> (N, OH, OW, O); TF SAME/VALID",
    dtypes="float (input, filter same)", doc="2-D cross-correlation (TF1 conv2d)."))
CONV2D_BACKPROP_INPUT = register(OpDef(
    "Conv2DBackpropInput", _infer_backprop_input, _backprop_input_kernel, vjp=_bpi_vjp,
    jvp=_bpi_jvp, api="nn.conv2d_backprop_input",
    signature=f"nn.conv2d_backprop_input(input_sizes, filter, out_backprop, {_CONV_SIG})",
    shape_rule="input_sizes", dtypes="float; input_sizes int",
    doc="The gradient of conv2d with respect to its input (a transposed convolution)."))
CONV2D_BACKPROP_FILTER = register(OpDef(
    "Conv2DBackpropFilter", _infer_backprop_filter, _backprop_filter_kernel, vjp=_bpf_vjp,
    jvp=_bpf_jvp, api="nn.conv2d_backprop_filter",
    signature=f"nn.conv2d_backprop_filter(input, filter_sizes, out_backprop, {_CONV_SIG})",
    shape_rule="filter_sizes", dtypes="float; filter_sizes int",
    doc="The gradient of conv2d with respect to its filter."))


def _conv(x, f, **kw):
    return apply1(CONV2D, (x, f), **kw)


def _bpi(sizes, f, g, **kw):
    return apply1(CONV2D_BACKPROP_INPUT, (sizes, f, g), **kw)


def _bpf(x, sizes, g, **kw):
    return apply1(CONV2D_BACKPROP_FILTER, (x, sizes, g), **kw)


# ---- public functions ----------------------------------------------------------------------
_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def attr_error(msg, cls=errors.UsageError):
    """A window op's bad attribute (strides, ksize, dilations, padding, data_format): a
    UsageError (TF's ValueError; DTypeError where TF raises a TypeError) naming the
    graphc function the user called and their line."""
    f, api = sys._getframe(1), None
    while f is not None and f.f_code.co_filename.startswith(_PKG_DIR):
        api, f = f.f_code.co_name, f.f_back
    api = api if api and not api.startswith("_") else "the call"
    site = (f.f_code.co_filename, f.f_lineno) if f else ("<unknown>", 0)
    return cls(f"{api}: {msg}" + errors.called_at(api, site))


def _format(data_format):
    if data_format not in ("NHWC", "NCHW"):
        raise attr_error(f"data_format must be 'NHWC' or 'NCHW', not {data_format!r}")
    return data_format


def _padding(padding):
    """'SAME' or 'VALID', exactly (TF's attr: 'same' is an error); bytes as TF takes."""
    if isinstance(padding, bytes):
        padding = padding.decode("latin-1")
    if not isinstance(padding, str):
        raise attr_error(f"padding must be a string, 'SAME' or 'VALID', not {padding!r}",
                         errors.DTypeError)
    if padding not in ("SAME", "VALID"):
        hint = ("use upper case, as TF does" if padding.upper() in ("SAME", "VALID") else
                "explicit paddings are a list, and only for conv2d; elsewhere use gc.pad "
                "and 'VALID'")
        raise attr_error(f"padding must be 'SAME' or 'VALID', not {padding!r} ({hint})")
    return padding


_LEAST = {"strides": "Stride must be > 0", "ksize": "`ksize` must be > 0"}


def hw_pair(v, what, data_format, default=1):
    """(h, w) from an int, a pair, or TF1's 4-list whose batch and channel entries are 1;
    (d, h, w) from an int, a triple or a 5-list for a 5-D data_format (NDHWC, NCDHW)."""
    n = len(data_format) - 2
    if v is None:
        return (default,) * n
    if isinstance(v, (int, np.integer)):
        v = (int(v),) * n
    v = tuple(int(d) for d in v)
    if len(v) not in (1, n, n + 2):
        raise attr_error(f"{what} should be of length 1, {n} or {n + 2}, not {list(v)} of "
                         f"length {len(v)}")
    if min(v) < 1:
        least = _LEAST.get(what, "Dilation rate must be >= 1")
        raise attr_error(f"{what} {list(v)}: {least}, but got {min(v)}")
    if len(v) == 1:
        v = v * n
    elif len(v) == n + 2:
        c = data_format.index("C")
        if v[0] != 1 or v[c] != 1:
            raise attr_error(f"{what} {list(v)}: the batch and channel entries must be 1 "
                             f"(TF: not yet supported in the batch and depth dimensions)")
        v = tuple(d for k, d in enumerate(v) if k not in (0, c))
    return v


def window_attrs(strides, padding, data_format, **more):
    data_format = _format(data_format)
    return dict(strides=hw_pair(strides, "strides", data_format), padding=_padding(padding),
                data_format=data_format, **more)


def sizes_tensor(s):
    if isinstance(s, Tensor):
        return s
    return constant(np.array(s, np.int32).reshape(-1), dtype=dtypes.int32)


def _conv_attrs(strides, padding, data_format, dilations):
    attrs = window_attrs(strides, padding, data_format)
    attrs["dilations"] = hw_pair(dilations, "dilations", attrs["data_format"])
    return attrs


def _explicit(x, padding, data_format):
    """x padded by TF's explicit conv2d paddings (4 pairs in data_format's order)."""
    pairs = [list(p) if isinstance(p, (list, tuple)) else None for p in padding]
    if len(pairs) != 4 or any(p is None or len(p) != 2 for p in pairs):
        raise attr_error(f"explicit padding must be 4 (before, after) pairs, one per "
                         f"dimension of {data_format}, not {padding!r}")
    if any(int(v) < 0 for p in pairs for v in p):
        raise attr_error(f"explicit paddings cannot be negative: {padding!r}")
    channels = 3 if data_format.endswith("C") else 1
    if any(pairs[i] != [0, 0] for i in (0, channels)):
        raise attr_error(f"the explicit padding of the batch and channel dimensions "
                         f"must be 0 ({data_format}), not {padding!r}")
    from .array import pad
    return pad(x, [[int(v) for v in p] for p in pairs]) if any(map(any, pairs)) else x


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,
           data_format="NHWC", dilations=None, name=None, filters=None):
    """2-D cross-correlation, TF1 semantics.

        y = gc.nn.conv2d(images, W, strides=[1, 2, 2, 1], padding="SAME")
    images (N, H, W, C) and W (kh, kw, C, O) give (N, ceil(H/2), ceil(W/2), O).
    padding may also list explicit (before, after) pads per dimension of data_format
    (those of the batch and channels 0), as TF's: [[0, 0], [1, 1], [2, 2], [0, 0]]."""
    filter = filters if filter is None else filter
    if strides is None or padding is None:
        missing = [k for k, v in (("strides", strides), ("padding", padding)) if v is None]
        raise errors.UsageTypeError(
            f"conv2d() missing required argument(s): {', '.join(missing)} (TF1's TypeError)"
            + errors.called_at("conv2d"))
    x, f = operands(input, filter, "conv2d")
    if isinstance(padding, (list, tuple)):
        x, padding = _explicit(x, padding, data_format or "NHWC"), "VALID"
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    return apply1(CONV2D, (x, f), name=name, **attrs)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=None, name=None, filters=None):
    """The gradient of conv2d with respect to an input of shape input_sizes (`filters`:
    TF1's later name of `filter`)."""
    if (filter is None) == (filters is None):
        raise attr_error("give one of filter and filters")
    f, g = operands(filter if filters is None else filters, out_backprop,
                    "conv2d_backprop_input")
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    return apply1(CONV2D_BACKPROP_INPUT, (sizes_tensor(input_sizes), f, g), name=name, **attrs)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=None,
                           name=None):
    """The gradient of conv2d with respect to a filter of shape filter_sizes."""
    x, g = operands(input, out_backprop, "conv2d_backprop_filter")
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    return apply1(CONV2D_BACKPROP_FILTER, (x, sizes_tensor(filter_sizes), g), name=name, **attrs)
