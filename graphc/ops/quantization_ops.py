"""TF1's fake-quantization ops and quantize_and_dequantize, with TF's arithmetic.

Fake quantization (FakeQuantWithMinMaxArgs/Vars/VarsPerChannel) first nudges [min, max]
so that 0.0 is exactly representable, all in float32 as TF does:
    qmin, qmax = (1 if narrow_range else 0), 2^num_bits - 1
    scale = (max - min) / (qmax - qmin);  zp = qmin - min / scale
    nzp = clip(round_half_away(zp), qmin, qmax)
    nudged_min, nudged_max = (qmin - nzp) scale, (qmax - nzp) scale
    out = (floor((clip(x, nudged_min, nudged_max) - nudged_min) / scale + 0.5) + qmin - nzp) scale
Gradients are TF's straight-through ones: g where nudged_min <= x <= nudged_max, else 0;
for the _vars ops d/dmin = sum(g where x < nudged_min), d/dmax = sum(g where x > nudged_max)
(per channel: summed over all but the last axis).

quantize_and_dequantize (TF's QuantizeAndDequantizeV2 for v1, V4 for v2) rounds to the
signed/unsigned num_bits grid of the range [input_min, input_max] (or the data's own range
per slice along `axis` when range_given is False), scaled from the side that keeps the
other end in range.
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, apply, apply1, register

__all__ = [
    "fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
    "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
    "fake_quant_with_min_max_vars_per_channel",
    "fake_quant_with_min_max_vars_per_channel_gradient"]

_F32 = np.float32


def _nudge(mn, mx, num_bits, narrow_range):
    """(nudged_min, nudged_max, scale, qmin - nzp) in float32, elementwise over min/max."""
    mn, mx = np.asarray(mn, _F32), np.asarray(mx, _F32)
    qmin, qmax = _F32(1 if narrow_range else 0), _F32((1 << num_bits) - 1)
    with np.errstate(all="ignore"):
        scale = (mx - mn) / (qmax - qmin)
        zp = qmin - mn / scale
        rounded = np.sign(zp) * np.floor(np.abs(zp) + _F32(0.5))       # half away from 0
        nzp = np.where(zp < qmin, qmin, np.where(zp > qmax, qmax, rounded)).astype(_F32)
        return (qmin - nzp) * scale, (qmax - nzp) * scale, scale, qmin - nzp


def _fake_quant(x, nmin, nmax, scale, offset, divide=False):
    """(floor((clip(x) - nudged_min) / scale + 1/2) + qmin - nzp) scale: one rounding at
    the end, as TF's (bit for bit; f scale + nudged_min rounds twice). TF's _args op
    multiplies by 1/scale, its _vars ops divide (ties can land apart)."""
    with np.errstate(all="ignore"):
        shifted = np.clip(x, nmin, nmax) - nmin
        steps = shifted / scale if divide else shifted * (_F32(1.0) / scale)
        return ((np.floor(steps + _F32(0.5)) + offset) * scale).astype(_F32)


def _check_bits(num_bits, narrow_range):
    if not isinstance(num_bits, (int, np.integer)) or not 2 <= num_bits <= 16:
        raise InferError(f"num_bits must be an int in [2, 16], got {num_bits!r}")
    if not isinstance(narrow_range, (bool, np.bool_)):
        raise InferError(f"narrow_range must be a bool, got {narrow_range!r}")


def _require_f32(ctx, *idx):
    for i in idx:
        if ctx.inputs[i].dtype is not dtypes.float32:
            raise InferError(f"{{{i}}} must be float32 (TF's fake_quant ops take float32 "
                             f"only), not {ctx.inputs[i].dtype.name}", "dtype")


def _same_shape(ctx, i, j):
    """The merged shape of inputs i and j, which must match (TF: gradients like inputs)."""
    a, b = ctx.inputs[i].shape, ctx.inputs[j].shape
    if a._dims is None:
        return b
    if b._dims is None:
        return a
    if len(a._dims) != len(b._dims):
        raise InferError(f"{{{i}}} and {{{j}}} must have the same shape")
    return tuple(ctx.merge_dims(x, y, f"{{{{{i}}}}} and {{{{{j}}}}} must have the same "
                                f"shape: {{a}} vs {{b}}") for x, y in zip(a._dims, b._dims))


# ---- FakeQuantWithMinMaxArgs ------------------------------------------------------------
def _infer_args(ctx, *xs, min, max, num_bits, narrow_range):  # noqa: A002
    _check_bits(num_bits, narrow_range)
    if not min < max:
        raise InferError(f"min has to be smaller than max, was: {min} >= {max}")
    _require_f32(ctx, *range(len(xs)))
    return (_same_shape(ctx, 0, 1) if len(xs) == 2 else xs[0].shape), dtypes.float32


def _args_kernel(x, *, min, max, num_bits, narrow_range):  # noqa: A002
    return _fake_quant(x, *_nudge(min, max, num_bits, narrow_range))


def _args_grad_kernel(g, x, *, min, max, num_bits, narrow_range):  # noqa: A002
    nmin, nmax, _, _ = _nudge(min, max, num_bits, narrow_range)
    return np.where((x >= nmin) & (x <= nmax), g, _F32(0)).astype(_F32)


def _args_vjp(node, gs):
    """g where nudged_min <= x <= nudged_max, else 0 (straight through)."""
    return [apply1(FAKE_QUANT_ARGS_GRAD, (gs[0], node.inputs[0]), **node.attrs)]


def _args_jvp(node, ts):
    return apply1(FAKE_QUANT_ARGS_GRAD, (ts[0], node.inputs[0]), **node.attrs)


FAKE_QUANT_ARGS = register(OpDef(
    "FakeQuantWithMinMaxArgs", _infer_args, _args_kernel, api="fake_quant_with_min_max_args",
    vjp=_args_vjp, jvp=_args_jvp,
    signature="fake_quant_with_min_max_args(inputs, min=-6, max=6, num_bits=8, "
              "narrow_range=False, name=None)",
    shape_rule="same as inputs", dtypes="float32",
    doc="Fake-quantizes float32 inputs to num_bits levels of the nudged [min, max]."))
FAKE_QUANT_ARGS_GRAD = register(OpDef(
    "FakeQuantWithMinMaxArgsGradient", _infer_args, _args_grad_kernel,
    api="fake_quant_with_min_max_args_gradient", differentiable=False,
    signature="fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6, max=6, "
              "num_bits=8, narrow_range=False, name=None)",
    shape_rule="same as inputs", dtypes="float32",
    doc="The gradients where inputs lie in the nudged [min, max], else 0."))


def fake_quant_with_min_max_args(inputs, min=-6, max=6, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """Fake-quantizes float32 `inputs` to 2^num_bits levels spanning [min, max], nudged so
    that 0 is exact (TF1's tf.fake_quant_with_min_max_args); straight-through gradient.

    `gc.fake_quant_with_min_max_args([0.3, 7.0], min=0.0, max=1.0, num_bits=2)` gives
    [1/3, 1.0].
    """
    x = convert_to_tensor(inputs)
    return apply1(FAKE_QUANT_ARGS, (x,), name=name, min=float(min), max=float(max),
                  num_bits=num_bits, narrow_range=narrow_range)


def fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6, max=6,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """The gradient of fake_quant_with_min_max_args: `gradients` where `inputs` lie in the
    nudged [min, max], else 0. `..._gradient([1., 1.], [0.5, 9.])` is [1, 0]."""
    g, x = convert_to_tensor(gradients), convert_to_tensor(inputs)
    return apply1(FAKE_QUANT_ARGS_GRAD, (g, x), name=name, min=float(min), max=float(max),
                  num_bits=num_bits, narrow_range=narrow_range)


# ---- FakeQuantWithMinMaxVars (and PerChannel) --------------------------------------------
def _infer_vars(per_channel, with_grad):
    def infer(ctx, *ins, num_bits, narrow_range):
        _check_bits(num_bits, narrow_range)
        _require_f32(ctx, *range(len(ins)))
        k = 1 if with_grad else 0             # position of inputs
        x, mn, mx = ins[k], ins[k + 1], ins[k + 2]
        shape = _same_shape(ctx, 0, 1) if with_grad else x.shape
        want = 1 if per_channel else 0
        depth = None
        if per_channel and x.shape.rank is not None:
            if x.shape.rank < 1:
                raise InferError(f"{{{k}}} must have rank >= 1 (channels last)")
            depth = x.shape._dims[-1]
        for i, t in ((k + 1, mn), (k + 2, mx)):
            if t.shape.rank is not None and t.shape.rank != want:
                raise InferError(f"{{{i}}} must be a {'vector' if want else 'scalar'}, "
                                 f"not of rank {t.shape.rank}")
            if per_channel and t.shape.rank == 1:
                depth = ctx.merge_dims(depth, t.shape._dims[0],
                                       f"{{{{{i}}}}} has {{b}} entries but the inputs' "
                                       f"last dim is {{a}}")
        if not with_grad:
            return shape, dtypes.float32
        mm = (depth,) if per_channel else ()
        return [(shape, dtypes.float32), (mm, dtypes.float32), (mm, dtypes.float32)]
    return infer


def _vars_kernel(x, mn, mx, *, num_bits, narrow_range):
    return _fake_quant(x, *_nudge(mn, mx, num_bits, narrow_range), divide=True)


def _vars_grad_kernel(g, x, mn, mx, *, num_bits, narrow_range):
    nmin, nmax, _, _ = _nudge(mn, mx, num_bits, narrow_range)
    axes = tuple(range(x.ndim - np.ndim(mn)))   # per channel: all but the last
    below, above = x < nmin, x > nmax
    dx = np.where(below | above, _F32(0), g).astype(_F32)
    dmin = np.sum(np.where(below, g, _F32(0)), axis=axes, dtype=_F32)
    dmax = np.sum(np.where(above, g, _F32(0)), axis=axes, dtype=_F32)
    return dx, np.asarray(dmin, _F32), np.asarray(dmax, _F32)


def _vars_vjp(grad_op):
    def vjp(node, gs):
        """(g inside, sum(g below nudged_min), sum(g above nudged_max))."""
        return list(apply(grad_op, (gs[0],) + tuple(node.inputs), **node.attrs).outputs)
    return vjp


def _jvp_kernel(tx, tmin, tmax, x, mn, mx, *, num_bits, narrow_range):
    nmin, nmax, _, _ = _nudge(mn, mx, num_bits, narrow_range)
    below, above = x < nmin, x > nmax
    out = np.where(below, tmin, np.where(above, tmax, tx))
    return np.broadcast_to(out, x.shape).astype(_F32)


def _infer_jvp(ctx, tx, tmin, tmax, x, mn, mx, *, num_bits, narrow_range):
    _require_f32(ctx, *range(6))
    return x.shape, dtypes.float32


FAKE_QUANT_VARS_JVP = register(OpDef(
    "FakeQuantWithMinMaxVarsJvp", _infer_jvp, _jvp_kernel, api="fake_quant_vars_jvp",
    differentiable=False,
    signature="(internal) fake_quant_vars_jvp(t_x, t_min, t_max, x, min, max, ...)",
    shape_rule="same as x", dtypes="float32",
    doc="The jvp of the fake_quant _vars ops: t_min below, t_max above, t_x inside."))


def _vars_jvp(node, ts):
    """t_x inside the nudged range, t_min below it, t_max above it."""
    if all(t is None for t in ts):
        return None
    from .creation import zeros_like
    ts = [zeros_like(i) if t is None else t for t, i in zip(ts, node.inputs)]
    return apply1(FAKE_QUANT_VARS_JVP, tuple(ts) + tuple(node.inputs), **node.attrs)


def _vars_ops(name, api, per_channel):
    grad = register(OpDef(
        name + "Gradient", _infer_vars(per_channel, True), _vars_grad_kernel,
        api=api + "_gradient", differentiable=False,
        signature=f"{api}_gradient(gradients, inputs, min, max, num_bits=8, "
                  "narrow_range=False, name=None)",
        shape_rule="(inputs' shape, min's shape, max's shape)", dtypes="float32",
        doc="The straight-through gradients w.r.t. inputs, min and max."))
    op = register(OpDef(
        name, _infer_vars(per_channel, False), _vars_kernel, api=api,
        vjp=_vars_vjp(grad), jvp=_vars_jvp,
        signature=f"{api}(inputs, min, max, num_bits=8, narrow_range=False, name=None)",
        shape_rule="same as inputs", dtypes="float32",
        doc="Fake-quantizes float32 inputs to the nudged [min, max] of the min/max tensors"
            + (" (one pair per last-axis channel)." if per_channel else ".")))
    return op, grad


FAKE_QUANT_VARS, FAKE_QUANT_VARS_GRAD = _vars_ops(
    "FakeQuantWithMinMaxVars", "fake_quant_with_min_max_vars", False)
FAKE_QUANT_PER_CHANNEL, FAKE_QUANT_PER_CHANNEL_GRAD = _vars_ops(
    "FakeQuantWithMinMaxVarsPerChannel", "fake_quant_with_min_max_vars_per_channel", True)


def _vars_call(op, tensors, name, num_bits, narrow_range):
    ts = tuple(convert_to_tensor(t, dtype=dtypes.float32) for t in tensors)
    return apply(op, ts, name=name, num_bits=num_bits, narrow_range=narrow_range).outputs


def fake_quant_with_min_max_vars(inputs, min, max, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """fake_quant_with_min_max_args with min and max scalar float32 tensors (variables,
    usually), which get gradients too: d/dmin sums the gradients below the range.

    `gc.fake_quant_with_min_max_vars(x, gc.constant(-1.0), gc.constant(1.0))`
    """
    return _vars_call(FAKE_QUANT_VARS, (inputs, min, max), name, num_bits, narrow_range)[0]


def fake_quant_with_min_max_vars_gradient(gradients, inputs, min, max,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """(backprops w.r.t. inputs, min, max) of fake_quant_with_min_max_vars."""
    return tuple(_vars_call(FAKE_QUANT_VARS_GRAD, (gradients, inputs, min, max), name,
                            num_bits, narrow_range))


def fake_quant_with_min_max_vars_per_channel(inputs, min, max, num_bits=8,  # noqa: A002
                                             narrow_range=False, name=None):
    """fake_quant_with_min_max_vars with one [min, max] per channel of the last axis
    (min and max of shape [d]). `..._per_channel(x, [-1., 0.], [1., 2.])` for x [..., 2]."""
    return _vars_call(FAKE_QUANT_PER_CHANNEL, (inputs, min, max), name, num_bits,
                      narrow_range)[0]


def fake_quant_with_min_max_vars_per_channel_gradient(gradients, inputs, min,  # noqa: A002
                                                      max, num_bits=8, narrow_range=False,
                                                      name=None):
    """(backprops w.r.t. inputs, min [d], max [d]) of the per-channel op."""
    return tuple(_vars_call(FAKE_QUANT_PER_CHANNEL_GRAD, (gradients, inputs, min, max),
                            name, num_bits, narrow_range))
