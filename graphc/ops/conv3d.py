"""3-D convolution and pooling (TF1 tf.nn.conv3d, conv3d_transpose, max_pool3d, avg_pool3d)
and their gradient ops: conv.py's and pool.py's machinery with one more spatial dim.

The window geometry (TF's SAME/VALID rule per spatial dim, the windows view and col2im)
and the numpy kernels are conv.py's and pool.py's, which work for any number of spatial
dims; this module adds the 5-D shape rules (NDHWC or NCDHW), the op records and the public
functions. As in 2-D, Conv3D and its two gradient ops are bilinear and each other's
adjoints, and the pooling gradient ops come in adjoint pairs (max_pool3d_grad <->
max_pool3d_grad_grad, avg_pool3d_grad <-> avg_pool3d), so derivatives of any order are
built from these eight ops.
"""
from .. import errors
from . import pool
from .conv import (_backprop_filter_kernel, _backprop_input_kernel, _conv_kernel, _padding,
                   backprop_infers, bilinear_jvp, check_backprop, hw_pair, nhwc_dims,
                   out_dims, ranked_dims, shape_of, sizes_tensor, to_layout)
from .conv_extra import conv_transpose
from .core import convert_to_tensor
from .elementwise import operands
from .registry import OpDef, apply1, register

__all__ = ["conv3d", "conv3d_backprop_input_v2", "conv3d_backprop_filter_v2",
           "conv3d_backprop_filter", "conv3d_transpose", "max_pool3d", "avg_pool3d",
           "max_pool3d_grad", "max_pool3d_grad_grad", "avg_pool3d_grad"]


# ---- static shapes (dims are handled in NDHWC order, as conv.py handles NHWC) ---------------
def _rank5(ctx, t, i, what):
    return ranked_dims(ctx, t, i, what, 5)


def _infer_conv(ctx, x, f, **attrs):
    ctx.same_dtype()
    ctx.require(0, "float")
    fmt = attrs["data_format"]
    xd = nhwc_dims(_rank5(ctx, x, 0, "the input"), fmt)
    fd = _rank5(ctx, f, 1, "the filter, [depth, height, width, in_channels, out_channels]")
    ctx.merge_dims(xd[4], fd[3], "{{0}} has {a} input channels but {{1}} expects {b}")
    return to_layout(out_dims(ctx, xd, fd[:3], attrs, 0) + [fd[4]], fmt), x.dtype


_infer_input, _infer_filter = backprop_infers(check_backprop, rank=5)


# ---- derivatives ---------------------------------------------------------------------------
def _conv_vjp(node, gs):
    """y = conv3d(x, f): gx = backprop_input(g, f), gf = backprop_filter(x, g)."""
    x, f = node.inputs
    return [_input(shape_of(x), f, gs[0], **node.attrs),
            _filter(x, shape_of(f), gs[0], **node.attrs)]


def _input_vjp(node, gs):
    """dx = backprop_input(f, g) is bilinear; its adjoints: h -> backprop_filter(h, g) for
    f and conv3d(h, f) for g."""
    _, f, g = node.inputs
    return [None, _filter(gs[0], shape_of(f), g, **node.attrs), _conv(gs[0], f, **node.attrs)]


def _filter_vjp(node, gs):
    """df = backprop_filter(x, g) is bilinear; its adjoints: H -> backprop_input(H, g) for
    x and conv3d(x, H) for g."""
    x, _, g = node.inputs
    return [_input(shape_of(x), gs[0], g, **node.attrs), None, _conv(x, gs[0], **node.attrs)]


def _batch(node, args, batched):
    """vmap: the batch folded into the inputs' batch dim, as for conv2d and pooling."""
    from ..autodiff.batching import _batch_into_leading_dim
    return _batch_into_leading_dim(node, args, batched)


# ---- ops -----------------------------------------------------------------------------------
_SIG = "strides, padding, data_format='NDHWC', dilations=[1, 1, 1, 1, 1], name=None"
_POOL_SIG = "ksize, strides, padding, data_format='NDHWC', name=None"
_POOL_RULE = "(N, D, H, W, C) -> (N, OD, OH, OW, C); TF SAME/VALID"
CONV3D = register(OpDef(
    "Conv3D", _infer_conv, _conv_kernel, vjp=_conv_vjp,
    jvp=bilinear_jvp(lambda x, f, **kw: _conv(x, f, **kw)), batch=_batch, api="nn.conv3d",
    signature=f"nn.conv3d(input, filter, {_SIG})",
    shape_rule="(N, D, H, W, C) * (kd, kh, kw, C, O) -> (N, OD, OH, OW, O); TF SAME/VALID",
    dtypes="float (input, filter same)", doc="3-D cross-correlation (TF1 conv3d)."))
CONV3D_INPUT = register(OpDef(
    "Conv3DBackpropInputV2", _infer_input, _backprop_input_kernel, vjp=_input_vjp,
    jvp=bilinear_jvp(lambda *args, **kw: _input(*args, **kw), 1, 2),
    api="nn.conv3d_backprop_input_v2",
    signature=f"nn.conv3d_backprop_input_v2(input_sizes, filter, out_backprop, {_SIG})",
    shape_rule="input_sizes", dtypes="float; input_sizes int",
    doc="The gradient of conv3d with respect to its input (conv3d_transpose)."))
CONV3D_FILTER = register(OpDef(
    "Conv3DBackpropFilterV2", _infer_filter, _backprop_filter_kernel, vjp=_filter_vjp,
    jvp=bilinear_jvp(lambda *args, **kw: _filter(*args, **kw), 0, 2),
    api="nn.conv3d_backprop_filter_v2",
    signature=f"nn.conv3d_backprop_filter_v2(input, filter_sizes, out_backprop, {_SIG})",
    shape_rule="filter_sizes", dtypes="float; filter_sizes int",
    doc="The gradient of conv3d with respect to its filter."))
MAX_POOL3D = register(OpDef(
    "MaxPool3D", pool.infer_pool("float", 5), pool._max_pool_kernel,
    vjp=lambda node, gs: [_max_grad(node.inputs[0], node.outputs[0], gs[0], **node.attrs)],
    jvp=lambda node, ts: _max_grad_grad(node.inputs[0], node.outputs[0], ts[0],
                                        **node.attrs),
    batch=_batch, api="nn.max_pool3d", signature=f"nn.max_pool3d(input, {_POOL_SIG})",
    shape_rule=_POOL_RULE, dtypes="float",
    doc="Max over each 3-D window; padding is ignored. The gradient goes to the first max."))
MAX_POOL3D_GRAD = register(OpDef(
    "MaxPool3DGrad", pool.infer_max_grad("input", 5), pool._max_pool_grad_kernel,
    vjp=lambda node, gs: pool._zeros_for(node) + [_max_grad_grad(*node.inputs[:2], gs[0],
                                                                **node.attrs)],
    jvp=lambda node, ts: None if ts[2] is None else _max_grad(
        *node.inputs[:2], ts[2], **node.attrs),
    api="nn.max_pool3d_grad",
    signature=f"nn.max_pool3d_grad(orig_input, orig_output, grad, {_POOL_SIG})",
    shape_rule="shape of orig_input", dtypes="float",
    doc="The gradient of max_pool3d: each grad value added at its window's argmax."))
MAX_POOL3D_GRAD_GRAD = register(OpDef(
    "MaxPool3DGradGrad", pool.infer_max_grad("output", 5), pool._max_pool_grad_grad_kernel,
    vjp=lambda node, gs: pool._zeros_for(node) + [_max_grad(*node.inputs[:2], gs[0],
                                                           **node.attrs)],
    jvp=lambda node, ts: None if ts[2] is None else _max_grad_grad(
        *node.inputs[:2], ts[2], **node.attrs),
    api="nn.max_pool3d_grad_grad",
    signature=f"nn.max_pool3d_grad_grad(orig_input, orig_output, grad, {_POOL_SIG})",
    shape_rule="shape of orig_output", dtypes="float",
    doc="The adjoint of max_pool3d_grad: grad (input-shaped) read at each window's argmax."))
AVG_POOL3D = register(OpDef(
    "AvgPool3D", pool.infer_pool("float", 5), pool._avg_pool_kernel,
    vjp=lambda node, gs: [_avg_grad(shape_of(node.inputs[0]), gs[0], **node.attrs)],
    jvp=lambda node, ts: _avg(ts[0], **node.attrs),
    batch=_batch, api="nn.avg_pool3d", signature=f"nn.avg_pool3d(input, {_POOL_SIG})",
    shape_rule=_POOL_RULE, dtypes="float",
    doc="Mean over each 3-D window of the real (unpadded) inputs."))
AVG_POOL3D_GRAD = register(OpDef(
    "AvgPool3DGrad", pool.infer_avg_grad(5), pool._avg_pool_grad_kernel,
    vjp=lambda node, gs: [None, _avg(gs[0], **node.attrs)],
    jvp=lambda node, ts: None if ts[1] is None else _avg_grad(
        node.inputs[0], ts[1], **node.attrs),
    api="nn.avg_pool3d_grad",
    signature=f"nn.avg_pool3d_grad(orig_input_shape, grad, {_POOL_SIG})",
    shape_rule="orig_input_shape", dtypes="float; orig_input_shape int",
    doc="The gradient of avg_pool3d: each grad value spread evenly over its window."))


def _conv(x, f, **kw):
    return apply1(CONV3D, (x, f), **kw)


def _input(sizes, f, g, **kw):
    return apply1(CONV3D_INPUT, (sizes, f, g), **kw)


def _filter(x, sizes, g, **kw):
    return apply1(CONV3D_FILTER, (x, sizes, g), **kw)


def _max_grad(x, y, g, **kw):
    return apply1(MAX_POOL3D_GRAD, (x, y, g), **kw)


def _max_grad_grad(x, y, h, **kw):
    return apply1(MAX_POOL3D_GRAD_GRAD, (x, y, h), **kw)


def _avg(x, **kw):
    return apply1(AVG_POOL3D, (x,), **kw)


def _avg_grad(sizes, g, **kw):
    return apply1(AVG_POOL3D_GRAD, (sizes, g), **kw)


# ---- public functions ----------------------------------------------------------------------
def _format(data_format):
    if data_format not in ("NDHWC", "NCDHW"):
        raise ValueError(f"data_format must be 'NDHWC' or 'NCDHW', not {data_format!r}")
    return data_format


def _attrs(strides, padding, data_format, **windows):
    """The attrs of a 3-D window op: strides and each of `windows` (ksize or dilations)
    as (d, h, w) from an int, a triple or TF1's 5-list."""
    fmt = _format(data_format)
    attrs = dict(strides=hw_pair(strides, "strides", fmt), padding=_padding(padding),
                 data_format=fmt)
    attrs.update((k, hw_pair(v, k, fmt)) for k, v in windows.items())
    return attrs


def _five(api, **lists):
    """TF1's rule for conv3d's strides and dilations (the raw op's attrs): lists of 5 ints,
    one per dim of the input (TypeError for an int, ValueError for another length)."""
    for what, v in lists.items():
        if v is None:                       # dilations=None: TF's default, all 1s
            continue
        if not isinstance(v, (list, tuple)):
            raise errors.UsageTypeError(
                f"{api}: {what} must be a list of 5 ints, one per dim of the 5-D input, not "
                f"{v!r} (TF1's TypeError)" + errors.called_at(api))
        if len(v) != 5:
            raise errors.UsageError(
                f"{api}: {what} must have 5 entries, one per dim of the 5-D input, not "
                f"{list(v)} of length {len(v)} (TF1 takes no shorter form)"
                + errors.called_at(api))


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",
           dilations=(1, 1, 1, 1, 1), name=None, filters=None):
    """3-D cross-correlation, TF1 semantics:

        y = gc.nn.conv3d(clips, W, strides=[1, 1, 2, 2, 1], padding="SAME")
    clips (N, D, H, W, C) and W (kd, kh, kw, C, O) give (N, D, ceil(H/2), ceil(W/2), O).
    strides and dilations are lists of 5, in data_format's order, as TF1's."""
    filter = filters if filter is None else filter
    if filter is None or strides is None or padding is None:
        missing = [k for k, v in (("filter", filter), ("strides", strides),
                                  ("padding", padding)) if v is None]
        raise errors.UsageTypeError(
            f"conv3d() missing required argument(s): {', '.join(missing)} (TF1's TypeError)"
            + errors.called_at("conv3d"))
    _five("conv3d", strides=strides, dilations=dilations)
    return conv3d_windows(input, filter, strides, padding, data_format, dilations, name)


def conv3d_windows(input, filter, strides, padding, data_format="NDHWC", dilations=1,
                   name=None):
    """conv3d with strides and dilations also as an int or a (d, h, w) triple (graphc's
    own callers: nn.convolution); tf.nn.conv3d itself takes 5-lists only."""
    x, f = operands(input, filter, "conv3d")
    return apply1(CONV3D, (x, f), name=name,
                  **_attrs(strides, padding, data_format, dilations=dilations))


def conv3d_backprop_input_v2(input_sizes, filter, out_backprop, strides, padding,
                             data_format="NDHWC", dilations=(1, 1, 1, 1, 1), name=None):
    """The gradient of conv3d with respect to an input of shape input_sizes."""
    f, g = operands(filter, out_backprop, "conv3d_backprop_input_v2")
    return apply1(CONV3D_INPUT, (sizes_tensor(input_sizes), f, g), name=name,
                  **_attrs(strides, padding, data_format, dilations=dilations))


def conv3d_backprop_filter_v2(input, filter_sizes, out_backprop, strides, padding,
                              data_format="NDHWC", dilations=(1, 1, 1, 1, 1), name=None):
    """The gradient of conv3d with respect to a filter of shape filter_sizes."""
    _five("conv3d_backprop_filter_v2", strides=strides, dilations=dilations)
    x, g = operands(input, out_backprop, "conv3d_backprop_filter_v2")
    return apply1(CONV3D_FILTER, (x, sizes_tensor(filter_sizes), g), name=name,
                  **_attrs(strides, padding, data_format, dilations=dilations))


conv3d_backprop_filter = conv3d_backprop_filter_v2      # TF1 exports both names


def conv3d_transpose(value=None, filter=None, output_shape=None, strides=None, padding="SAME",
                     data_format="NDHWC", name=None, input=None, filters=None, dilations=None):
    """The transpose of conv3d (its gradient with respect to its input), TF1:

        y = gc.nn.conv3d_transpose(x, W, [8, 4, 14, 14, 3], [1, 1, 2, 2, 1], "SAME")
    x (8, 4, 7, 7, 16) and W (kd, kh, kw, 3, 16) -- [depth, height, width,
    output_channels, in_channels] -- give y of output_shape."""
    return conv_transpose("conv3d_transpose", conv3d_backprop_input_v2, _format(data_format),
                          input if value is None else value,
                          filters if filter is None else filter, output_shape, strides,
                          padding, dilations, name)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """Max over 3-D windows: `gc.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID")`."""
    return apply1(MAX_POOL3D, (convert_to_tensor(input),), name=name,
                  **_attrs(strides, padding, data_format, ksize=ksize))


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """Mean over 3-D windows (of the real inputs only, under SAME padding)."""
    return apply1(AVG_POOL3D, (convert_to_tensor(input),), name=name,
                  **_attrs(strides, padding, data_format, ksize=ksize))


def max_pool3d_grad(orig_input, orig_output, grad, ksize, strides, padding,
                    data_format="NDHWC", name=None):
    """The gradient of max_pool3d(orig_input) for the output cotangent grad."""
    x, y = operands(orig_input, orig_output, "max_pool3d_grad")
    g = convert_to_tensor(grad, dtype=x.dtype)
    return apply1(MAX_POOL3D_GRAD, (x, y, g), name=name,
                  **_attrs(strides, padding, data_format, ksize=ksize))


def max_pool3d_grad_grad(orig_input, orig_output, grad, ksize, strides, padding,
                         data_format="NDHWC", name=None):
    """grad (shaped like orig_input) read at each max_pool3d window's argmax."""
    x, y = operands(orig_input, orig_output, "max_pool3d_grad_grad")
    g = convert_to_tensor(grad, dtype=x.dtype)
    return apply1(MAX_POOL3D_GRAD_GRAD, (x, y, g), name=name,
                  **_attrs(strides, padding, data_format, ksize=ksize))


def avg_pool3d_grad(orig_input_shape, grad, ksize, strides, padding, data_format="NDHWC",
                    name=None):
    """The gradient of avg_pool3d over an input of shape orig_input_shape."""
    return apply1(AVG_POOL3D_GRAD, (sizes_tensor(orig_input_shape), convert_to_tensor(grad)),
                  name=name, **_attrs(strides, padding, data_format, ksize=ksize))
