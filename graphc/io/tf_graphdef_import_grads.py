"""More of the import table (tf_graphdef_ops.py's form): the ops TF's own gradient code
writes into a training graph, so TF1 training graphs of dense, conv and batch-norm
models import whole. DynamicStitch / ParallelDynamicStitch (the gradient of a reduction
over axes of a tensor of unknown shape), ShapeN and ConcatOffset (the gradient of
concat), PreventGradient, BiasAddGrad, the activations' gradient ops (TanhGrad,
SigmoidGrad, SqrtGrad ...: each TF kernel's formula) and
FusedBatchNormGrad/V2/V3 (TF's CPU kernel: reserve_space_1/2 are the mean and the
variance, batch statistics when is_training, the population ones otherwise).

Each is built from graphc ops, so graphc differentiates it again (TF's second
derivatives of these ops are the derivatives of the same formulas).
"""
import numpy as np

import graphc as gc

from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}


_op = table_op(OPS)


# ---- stitching, shapes and offsets --------------------------------------------------------
@_op("DynamicStitch ParallelDynamicStitch", "N*=int32 N*T", "T")
def _dynamic_stitch(n, *args):
    """merged[indices[i][j...]] = data[i][j...]; a repeated index takes the later slice
    (DynamicStitch's rule; ParallelDynamicStitch leaves the choice open)."""
    k = n.attr("N", len(args) // 2)
    return gc.dynamic_stitch(list(args[:k]), list(args[k:]), name=n.name)


@_op("ShapeN", "N*T", "N*out_type")
def _shape_n(n, *xs):
    return gc.shape_n(list(xs), out_type=n.attr("out_type", gc.int32))


@_op("ConcatOffset", "=int32 N*shape_type", "N*shape_type")
def _concat_offset(n, axis, *shapes):
    """offset[i] = the start of input i in concat(inputs, axis): zeros but at axis, the
    sum of shape[j][axis] for j < i (a negative axis counts from the back)."""
    t = shapes[0].dtype
    rank = gc.size(shapes[0], out_type=t, name=n.sub("rank"))
    axis = gc.floormod(gc.cast(axis, t), rank, name=n.sub("axis"))
    mask = gc.cast(gc.equal(gc.range(rank, dtype=t), axis), t, name=n.sub("mask"))
    outs, running = [], gc.zeros_like(shapes[0], name=n.sub("zeros"))
    for s in shapes:
        outs.append(running)
        running = running + s * mask
    return outs


# ---- PreventGradient ----------------------------------------------------------------------
def _prevent_gradient_rule(message):
    """The name of a registered gradient that raises TF's LookupError with message."""
    key = "graphc.io.PreventGradient:" + message
    if key not in _PREVENT_RULES:
        def raise_lookup(op, *grads):
            raise LookupError(f"Gradient explicitly disabled. Reason: {message}")
        gc.RegisterGradient(key)(raise_lookup)
        _PREVENT_RULES.add(key)
    return key


_PREVENT_RULES = set()


@_op("PreventGradient", "T", "T")
def _prevent_gradient(n, x):
    """The input; differentiating it raises LookupError naming the message (TF's op).
    It is an Identity whose gradient is overridden (exported back as an Identity)."""
    rule = _prevent_gradient_rule(n.attr("message", ""))
    with gc.get_default_graph().gradient_override_map({"Identity": rule}):
        return gc.identity(x, name=n.name)


# ---- BiasAddGrad --------------------------------------------------------------------------
def _channel_axis(n, x, what):
    """Where the channels of x are: the last axis (N...C), or 1 (NC...)."""
    fmt = n.attr("data_format", "NHWC")
    if fmt not in ("NHWC", "NCHW", "NDHWC", "NCDHW"):
        raise n.fail(f"data_format {fmt!r} is not NHWC, NCHW, NDHWC or NCDHW")
    if not fmt.startswith("NC"):
        return -1
    if x.shape.rank is None or x.shape.rank < 3:     # TF's shape function
        raise n.fail(f"{what} ({x.name}) must be at least 3-D (a known rank) with "
                     f"data_format {fmt}, not of shape {x.shape}", ValueError)
    return 1


@_op("BiasAddGrad", "T", "T")
def _bias_add_grad(n, g):
    """The sum of out_backprop over every axis but the channel one."""
    c = _channel_axis(n, g, "out_backprop")
    if c == -1 and g.shape.rank is None:
        flat = gc.reshape(g, gc.stack([-1, gc.shape(g)[-1]]), name=n.sub("flat"))
        return gc.reduce_sum(flat, axis=0, name=n.name)
    axes = [a for a in range(g.shape.rank) if a != c % g.shape.rank]
    return gc.reduce_sum(g, axis=axes, name=n.name)


# ---- activation gradients: TF's kernels' formulas -----------------------------------------
def _conj(y):
    return gc.math.conj(y) if y.dtype.is_complex else y


def _of_output(formula):
    """An op (y, dy) -> dx, formula(conj(y), dy) (y: the forward op's output)."""
    def build(n, y, dy):
        return formula(n, _conj(y), dy)
    return build


@_op("TanhGrad", "T T", "T")
def _tanh_grad(n, y, dy):
    """dy * (1 - y^2) (no conj for complex y: TF's kernel)."""
    return gc.multiply(dy, 1 - y * y, name=n.name)


@_op("SigmoidGrad", "T T", "T")
def _sigmoid_grad(n, y, dy):
    """dy * y * (1 - y) (no conj for complex y: TF's kernel)."""
    return gc.multiply(dy * y, 1 - y, name=n.name)


_GRADS = {
    # 0.5 * dy / y
    "SqrtGrad": lambda n, y, dy: gc.realdiv(0.5 * dy, y, name=n.name),
    # -0.5 * dy * y^3
    "RsqrtGrad": lambda n, y, dy: gc.multiply(-0.5 * (dy * y), y * y, name=n.name),
    # -dy * y^2
    "ReciprocalGrad": lambda n, y, dy: gc.multiply(-dy, y * y, name=n.name),
}
for _name, _f in _GRADS.items():
    OPS[_name] = (("T", "T"), ("T",), _of_output(_f))


@_op("SoftplusGrad", "T T", "T")
def _softplus_grad(n, g, features):
    """gradients / (exp(-features) + 1)."""
    return gc.realdiv(g, gc.exp(-features) + 1, name=n.name)


@_op("SoftsignGrad", "T T", "T")
def _softsign_grad(n, g, features):
    """gradients / (1 + |features|)^2."""
    return gc.realdiv(g, gc.square(1 + gc.abs(features)), name=n.name)


@_op("EluGrad", "T T", "T")
def _elu_grad(n, g, y):
    """gradients * (outputs + 1) where outputs < 0, else gradients."""
    return gc.where_v2(y < 0, g * (y + 1), g, name=n.name)


_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123


@_op("SeluGrad", "T T", "T")
def _selu_grad(n, g, y):
    """gradients * (outputs + scale * alpha) where outputs < 0, else gradients * scale."""
    return gc.where_v2(y < 0, g * (y + _SELU_SCALE_ALPHA), g * _SELU_SCALE, name=n.name)


# ---- FusedBatchNormGrad -------------------------------------------------------------------
def _fused_batch_norm_grad(n, dy, x, scale, mean, var, *reserve_3):
    """TF's CPU kernel, with mean, var = reserve_space_1, reserve_space_2 and
    r = rsqrt(var + epsilon) per channel, sums and means over all axes but channels:
      is_training: x_backprop = scale * r * (dy - mean(dy) - (x - mean) *
                                             mean(dy * (x - mean)) / (var + epsilon))
      else:        x_backprop = dy * scale * r
      scale_backprop = sum(dy * (x - mean)) * r, offset_backprop = sum(dy);
    outputs 3 and 4 are empty. x and dy are computed in scale's dtype (U)."""
    del reserve_3                       # V3's: unused by the CPU kernel
    eps = n.attr("epsilon", 1e-4)
    training = n.attr("is_training", True)
    c = _channel_axis(n, x, "x")
    rank = x.shape.rank
    if rank is None:
        raise n.fail(f"x ({x.name}) of unknown rank")
    u = scale.dtype
    xu = x if x.dtype == u else gc.cast(x, u, name=n.sub("x_cast"))
    gu = dy if dy.dtype == u else gc.cast(dy, u, name=n.sub("dy_cast"))
    axes = [a for a in range(rank) if a != c % rank]

    def per_channel(v):             # (C,) -> broadcasts along x's channel axis
        return v if c == -1 else gc.reshape(v, [-1] + [1] * (rank - 2))

    # TF's gradient of this op (nn_fused_batch_norm_grad.py) takes the statistics as
    # constants, or, when is_training, as x's batch mean and biased variance
    # (the variance's own mean held constant): the values given, those derivatives
    mean, var = gc.stop_gradient(mean), gc.stop_gradient(var)
    if training:
        batch_mean = gc.reduce_mean(xu, axes, keepdims=True)
        batch_var = gc.reduce_mean(gc.squared_difference(xu, gc.stop_gradient(batch_mean)),
                                   axes)
        batch_mean = gc.reshape(batch_mean, [-1])
        mean = mean + (batch_mean - gc.stop_gradient(batch_mean))
        var = var + (batch_var - gc.stop_gradient(batch_var))
    var_eps = gc.add(var, np.asarray(eps, u.np), name=n.sub("var_eps"))
    r = gc.rsqrt(var_eps)
    xc = xu - per_channel(mean)
    offset_bp = gc.reduce_sum(gu, axes, name=n.sub("offset_backprop"))
    dy_xc = gc.reduce_sum(gu * xc, axes, name=n.sub("dy_xc"))
    scale_bp = gc.multiply(dy_xc, r, name=n.sub("scale_backprop"))
    if training:
        count = gc.cast(gc.size(xu), u) / gc.cast(gc.shape(xu)[c % rank], u)
        dy_mean = offset_bp / count
        dy_xc_mean = dy_xc / count
        x_bp = per_channel(scale * r) * (gu - per_channel(dy_mean)
                                         - xc * per_channel(dy_xc_mean / var_eps))
    else:
        x_bp = gu * per_channel(scale * r)
    if x_bp.dtype != x.dtype:
        x_bp = gc.cast(x_bp, x.dtype, name=n.sub("x_backprop_cast"))
    # empty, as TF's shape function and Eigen kernel (oneDNN's float32 one: scalar zeros)
    empty = [gc.zeros([0], u, name=n.sub(f"reserve_space_{k}")) for k in (4, 5)]
    return [x_bp, scale_bp, offset_bp] + empty


OPS["FusedBatchNormGrad"] = (("T",) * 5, ("T",) * 5, _fused_batch_norm_grad)
OPS["FusedBatchNormGradV2"] = (("T", "T", "=float32", "U", "U"), ("T", "U", "U", "U", "U"),
                               _fused_batch_norm_grad)
OPS["FusedBatchNormGradV3"] = (("T", "T", "=float32", "U", "U", "U"),
                               ("T", "U", "U", "U", "U"), _fused_batch_norm_grad)
