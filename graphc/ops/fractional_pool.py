"""Fractional max and average pooling (TF1 tf.nn.fractional_max_pool / fractional_avg_pool,
Graham 2015): NHWC pooling over intervals of K or K + 1 rows and columns, cut by random
pooling sequences (fractional_seq.py draws them as TF does for the same seeds).

Ops: FractionalMaxPool, FractionalAvgPool (value -> output, row_pooling_sequence,
col_pooling_sequence), TF's gradient ops FractionalMaxPoolGrad, FractionalAvgPoolGrad,
and their adjoints FractionalMaxPoolGradGrad (a tensor read at each region's first max)
and FractionalAvgPoolGradGrad (the mean over each region), which are also pooling with
given sequences. The gradient ops are linear in their cotangent and come in adjoint
pairs, so derivatives of any order close (TF has none for its gradient ops).
"""
import math

from .. import dtypes
from ..shapes import InferError
from .conv import shape_of
from .core import convert_to_tensor
from .fractional_seq import (PhiloxStream, first_max, gather_max, pooling_sequence,
                             region_mean, scatter_max, spread_mean)
from .registry import OpDef, apply, apply1, register

__all__ = ["fractional_max_pool", "fractional_avg_pool"]

_DTYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)


def _out_size(n, ratio):
    return int(math.floor(n / ratio))


def _seeds(rt, deterministic, seeds):
    """TF's seeding: fixed seeds when deterministic (random ones, drawn once per session,
    for (0, 0)); otherwise fresh random seeds on every run."""
    if deterministic and seeds != (0, 0):
        return seeds
    if deterministic:
        key = ("FractionalPool seeds", rt.node)
        if key not in rt.session._op_state:
            rt.session._op_state[key] = tuple(int(s) for s in rt.rng().integers(
                1, 2**63, size=2))
        return rt.session._op_state[key]
    return tuple(int(s) for s in rt.rng().integers(1, 2**63, size=2))


def _pool_kernel(reduce):
    def kernel(rt, x, *, pooling_ratio, pseudo_random, overlapping, deterministic, seeds):
        out = [_out_size(n, r) for n, r in zip(x.shape, pooling_ratio)]
        for i, (n, o) in enumerate(zip(x.shape, out)):
            if o <= 0:
                raise ValueError(f"Pooling ratio is higher than input dimension size for "
                                 f"dimension {i}. Input dim size: {n} pooling ratio: "
                                 f"{pooling_ratio[i]:g}")
        stream = PhiloxStream(*_seeds(rt, deterministic, seeds))
        row = pooling_sequence(x.shape[1], out[1], stream, pseudo_random)
        col = pooling_sequence(x.shape[2], out[2], stream, pseudo_random)
        return reduce(x, row, col, overlapping), row, col
    return kernel


# ---- infer rules ---------------------------------------------------------------------------
def _rank4(ctx, t, i, what):
    if t.shape.rank not in (None, 4):
        raise InferError(f"{{{i}}} ({what}) must have rank 4 (NHWC), not shape {t.shape}")
    return list(t.shape._dims) if t.shape.rank == 4 else [None] * 4


def _pool_dtype(ctx, i):
    d = ctx.inputs[i].dtype
    if d not in _DTYPES:
        raise InferError(f"{{{i}}} has dtype {d.name}; fractional pooling takes float32, "
                         "float64, int32 or int64", "dtype")
    return d


def _seq_len(ctx, i):
    """The number of regions a sequence input makes (its length - 1), or None."""
    t = ctx.inputs[i]
    if not t.dtype.is_integer:
        raise InferError(f"the pooling sequence {{{i}}} must be an int tensor", "dtype")
    if t.shape.rank not in (None, 1):
        raise InferError(f"the pooling sequence {{{i}}} must be 1-D, not of shape {t.shape}")
    d = ctx.resolve(t.shape._dims[0]) if t.shape.rank == 1 else None
    return None if d is None else d - 1


def _infer_pool(ctx, x, *, pooling_ratio, **attrs):
    dtype = _pool_dtype(ctx, 0)
    dims = _rank4(ctx, x, 0, "the input")
    out = []
    for k, (d, r) in enumerate(zip(dims, pooling_ratio)):
        n = ctx.resolve(d)
        o = None if n is None else _out_size(n, r)
        if o is not None and o <= 0:
            raise InferError(f"pooling ratio {r:g} is higher than dim {k} of {{0}} ({n}): "
                             "the output would be empty")
        out.append(o if k in (1, 2) else d)     # batch, channels: ratio 1
    seq = [None if o is None else o + 1 for o in out[1:3]]
    return [(tuple(out), dtype), ((seq[0],), dtypes.int64), ((seq[1],), dtypes.int64)]


def _merge_pooled(ctx, dims, i, rows, cols, what):
    """dims (N, OH, OW, C) of input i, with OH, OW merged with the sequences' counts."""
    for k, want in ((1, rows), (2, cols)):
        dims[k] = ctx.merge_dims(dims[k], want, f"{{{{{i}}}}} ({what}) has {{a}} at dim {k} "
                                 "but the pooling sequences make {b} regions")
    return dims


def _infer_max_grad(ctx, x, y, g, row, col, *, overlapping):
    ctx.same_dtype(0, 1, 2)
    _pool_dtype(ctx, 0)
    _rank4(ctx, x, 0, "the pooled input")
    rows, cols = _seq_len(ctx, 3), _seq_len(ctx, 4)
    for i, t in ((1, y), (2, g)):
        _merge_pooled(ctx, _rank4(ctx, t, i, "pooled"), i, rows, cols, "pooled")
    return x.shape if x.shape.rank is not None else (None,) * 4, x.dtype


def _infer_max_grad_grad(ctx, x, h, row, col, *, overlapping):
    ctx.same_dtype(0, 1)
    _pool_dtype(ctx, 0)
    xd = _rank4(ctx, x, 0, "the pooled input")
    hd = _rank4(ctx, h, 1, "shaped like the input")
    dims = [ctx.merge_dims(a, b, f"{{{{1}}}} has {{a}} at dim {k} but the input has {{b}}")
            for k, (a, b) in enumerate(zip(hd, xd))]
    rows, cols = _seq_len(ctx, 2), _seq_len(ctx, 3)
    return (dims[0], rows, cols, dims[3]), x.dtype


def _infer_avg_grad(ctx, sizes, g, row, col, *, overlapping):
    if not sizes.dtype.is_integer:
        raise InferError("the input shape {0} must be an int tensor", "dtype")
    dims = ctx.shape_value(sizes)._dims
    if dims is not None and len(dims) != 4:
        raise InferError(f"the input shape {{0}} must have 4 elements, not {len(dims)}")
    dtype = _pool_dtype(ctx, 1)
    gd = _rank4(ctx, g, 1, "the gradient")
    _merge_pooled(ctx, gd, 1, _seq_len(ctx, 2), _seq_len(ctx, 3), "the gradient")
    dims = list(dims) if dims is not None else [None] * 4
    for k in (0, 3):
        dims[k] = ctx.merge_dims(dims[k], gd[k], f"the input shape has {{a}} at dim {k} "
                                 "but the gradient {1} has {b}")
    return tuple(dims), dtype


def _infer_avg_grad_grad(ctx, h, row, col, *, overlapping):
    dtype = _pool_dtype(ctx, 0)
    hd = _rank4(ctx, h, 0, "the input")
    return (hd[0], _seq_len(ctx, 1), _seq_len(ctx, 2), hd[3]), dtype


# ---- gradient rules ------------------------------------------------------------------------
def _max_grad(x, y, g, row, col, overlapping):
    return apply1(FRACTIONAL_MAX_POOL_GRAD, (x, y, g, row, col), overlapping=overlapping)


def _max_grad_grad(x, h, row, col, overlapping):
    return apply1(FRACTIONAL_MAX_POOL_GRAD_GRAD, (x, h, row, col), overlapping=overlapping)


def _avg_grad(sizes, g, row, col, overlapping):
    return apply1(FRACTIONAL_AVG_POOL_GRAD, (sizes, g, row, col), overlapping=overlapping)


def _avg_grad_grad(h, row, col, overlapping):
    return apply1(FRACTIONAL_AVG_POOL_GRAD_GRAD, (h, row, col), overlapping=overlapping)


def _max_pool_vjp(node, gs):
    """gx = fractional_max_pool_grad(x, y, g, rows, cols): g at each region's first max."""
    y, row, col = node.outputs
    return [_max_grad(node.inputs[0], y, gs[0], row, col, node.attrs["overlapping"])]


def _max_pool_jvp(node, ts):
    """dy = dx read at each region's first max."""
    _, row, col = node.outputs
    return [_max_grad_grad(node.inputs[0], ts[0], row, col, node.attrs["overlapping"]),
            None, None]


def _avg_pool_vjp(node, gs):
    """gx = fractional_avg_pool_grad(shape(x), g, rows, cols): g / count over each region."""
    _, row, col = node.outputs
    x = node.inputs[0]
    return [_avg_grad(shape_of(x), gs[0], row, col, node.attrs["overlapping"])]


def _avg_pool_jvp(node, ts):
    """dy = the regions' means of dx."""
    _, row, col = node.outputs
    return [_avg_grad_grad(ts[0], row, col, node.attrs["overlapping"]), None, None]


def _max_grad_vjp(node, gs):
    """Linear in g: its adjoint reads the cotangent at each region's first max."""
    x, _, _, row, col = node.inputs
    return [None, None, _max_grad_grad(x, gs[0], row, col, node.attrs["overlapping"]),
            None, None]


def _max_grad_grad_vjp(node, gs):
    """Linear in h: its adjoint is fractional_max_pool_grad (whose orig_output input is
    only a shape there: the kernel finds the maxima in x)."""
    x, _, row, col = node.inputs
    y = node.outputs[0]
    return [None, _max_grad(x, y, gs[0], row, col, node.attrs["overlapping"]), None, None]


MAX_POOL_ATTRS = "pooling_ratio, pseudo_random, overlapping, deterministic, seeds"
FRACTIONAL_MAX_POOL = register(OpDef(
    "FractionalMaxPool", _infer_pool, _pool_kernel(lambda x, r, c, o: first_max(x, r, c, o)[0]),
    vjp=_max_pool_vjp, jvp=_max_pool_jvp, random=True, uses_state=True,
    api="nn.fractional_max_pool",
    signature="nn.fractional_max_pool(value, pooling_ratio, pseudo_random=False, "
              "overlapping=False, deterministic=False, seed=0, seed2=0, name=None)",
    shape_rule="(N, H, W, C) -> (N, floor(H / rh), floor(W / rw), C), (OH + 1,), (OW + 1,)",
    dtypes="float32, float64, int32, int64 -> (same, int64, int64)",
    doc="Max over random regions of K or K + 1 rows and columns, and the row and column "
        "pooling sequences."))
FRACTIONAL_AVG_POOL = register(OpDef(
    "FractionalAvgPool", _infer_pool, _pool_kernel(region_mean),
    vjp=_avg_pool_vjp, jvp=_avg_pool_jvp, random=True, uses_state=True,
    api="nn.fractional_avg_pool",
    signature="nn.fractional_avg_pool(value, pooling_ratio, pseudo_random=False, "
              "overlapping=False, deterministic=False, seed=0, seed2=0, name=None)",
    shape_rule="(N, H, W, C) -> (N, floor(H / rh), floor(W / rw), C), (OH + 1,), (OW + 1,)",
    dtypes="float32, float64, int32, int64 -> (same, int64, int64)",
    doc="Mean over random regions of K or K + 1 rows and columns (integers truncated), and "
        "the pooling sequences."))
FRACTIONAL_MAX_POOL_GRAD = register(OpDef(
    "FractionalMaxPoolGrad", _infer_max_grad,
    lambda x, y, g, row, col, *, overlapping: scatter_max(x, g, row, col, overlapping),
    vjp=_max_grad_vjp,
    jvp=lambda node, ts: None if ts[2] is None else _max_grad(
        *node.inputs[:2], ts[2], *node.inputs[3:], node.attrs["overlapping"]),
    api="raw_ops.FractionalMaxPoolGrad",
    signature="FractionalMaxPoolGrad(orig_input, orig_output, out_backprop, "
              "row_pooling_sequence, col_pooling_sequence, overlapping=False)",
    shape_rule="shape of orig_input", dtypes="float32, float64, int32, int64",
    doc="The gradient of fractional_max_pool: each out_backprop added at its region's "
        "first max."))
FRACTIONAL_MAX_POOL_GRAD_GRAD = register(OpDef(
    "FractionalMaxPoolGradGrad", _infer_max_grad_grad,
    lambda x, h, row, col, *, overlapping: gather_max(x, h, row, col, overlapping),
    vjp=_max_grad_grad_vjp,
    jvp=lambda node, ts: None if ts[1] is None else _max_grad_grad(
        node.inputs[0], ts[1], *node.inputs[2:], node.attrs["overlapping"]),
    api="FractionalMaxPoolGradGrad",
    signature="graphc only: (orig_input, grad, row_pooling_sequence, col_pooling_sequence, "
              "overlapping)",
    shape_rule="(N, len(rows) - 1, len(cols) - 1, C)", dtypes="float32, float64, int32, int64",
    doc="The adjoint of FractionalMaxPoolGrad: grad (input-shaped) read at each region's "
        "first max of orig_input (fractional max pooling with given sequences when grad is "
        "orig_input)."))
FRACTIONAL_AVG_POOL_GRAD = register(OpDef(
    "FractionalAvgPoolGrad", _infer_avg_grad,
    lambda sizes, g, row, col, *, overlapping: spread_mean(sizes, g, row, col, overlapping),
    vjp=lambda node, gs: [None, _avg_grad_grad(gs[0], *node.inputs[2:],
                                               node.attrs["overlapping"]), None, None],
    jvp=lambda node, ts: None if ts[1] is None else _avg_grad(
        node.inputs[0], ts[1], *node.inputs[2:], node.attrs["overlapping"]),
    api="raw_ops.FractionalAvgPoolGrad",
    signature="FractionalAvgPoolGrad(orig_input_tensor_shape, out_backprop, "
              "row_pooling_sequence, col_pooling_sequence, overlapping=False)",
    shape_rule="orig_input_tensor_shape", dtypes="float32, float64, int32, int64",
    doc="The gradient of fractional_avg_pool: each out_backprop / count spread over its "
        "region (summed in float64)."))
FRACTIONAL_AVG_POOL_GRAD_GRAD = register(OpDef(
    "FractionalAvgPoolGradGrad", _infer_avg_grad_grad,
    lambda h, row, col, *, overlapping: region_mean(h, row, col, overlapping),
    vjp=lambda node, gs: [_avg_grad(shape_of(node.inputs[0]), gs[0], *node.inputs[1:],
                                    node.attrs["overlapping"]), None, None],
    jvp=lambda node, ts: None if ts[0] is None else _avg_grad_grad(
        ts[0], *node.inputs[1:], node.attrs["overlapping"]),
    api="FractionalAvgPoolGradGrad",
    signature="graphc only: (input, row_pooling_sequence, col_pooling_sequence, "
              "overlapping)",
    shape_rule="(N, len(rows) - 1, len(cols) - 1, C)", dtypes="float32, float64, int32, int64",
    doc="The adjoint of FractionalAvgPoolGrad: the mean over each region of the given "
        "sequences (fractional average pooling with given sequences)."))


# ---- public functions ----------------------------------------------------------------------
def _ratio(pooling_ratio, api):
    if not isinstance(pooling_ratio, (list, tuple)):
        raise TypeError(f"Expected list for 'pooling_ratio' argument to '{api}' Op, not "
                        f"{pooling_ratio!r}.")
    if len(pooling_ratio) != 4:
        raise ValueError(f"{api}: pooling_ratio must have 4 entries (batch, rows, cols, "
                         f"channels), not {len(pooling_ratio)}: {list(pooling_ratio)}")
    r = tuple(float(v) for v in pooling_ratio)
    for v in r:
        if v < 1:
            raise ValueError(f"{api}: pooling_ratio cannot be smaller than 1, got: {v:g}")
    if r[0] != 1 or r[3] != 1:
        raise ValueError(f"{api}: only pooling on the rows and columns is supported: "
                         f"pooling_ratio[0] and pooling_ratio[3] must be 1, not {list(r)}")
    return r


def _fractional(op, api, value, pooling_ratio, pseudo_random, overlapping, deterministic,
                seed, seed2, name):
    r = _ratio(pooling_ratio, api)
    if not deterministic and (seed or seed2):
        raise ValueError(f"{api}: Both seed and seed2 should be 0 if deterministic is false "
                         f"(got seed={seed}, seed2={seed2}).")
    node = apply(op, (convert_to_tensor(value),), name=name, pooling_ratio=r,
                 pseudo_random=bool(pseudo_random), overlapping=bool(overlapping),
                 deterministic=bool(deterministic), seeds=(int(seed), int(seed2)))
    return tuple(node.outputs)


def fractional_max_pool(value, pooling_ratio, pseudo_random=False, overlapping=False,
                        deterministic=False, seed=0, seed2=0, name=None):
    """Max over random regions of K or K + 1 rows and columns (TF1, NHWC), returning
    (output, row_pooling_sequence, col_pooling_sequence):

        y, rows, cols = gc.nn.fractional_max_pool(x, [1.0, 1.44, 1.73, 1.0])
    x (N, H, W, C) gives y (N, floor(H / 1.44), floor(W / 1.73), C); rows cuts 0..H into
    the regions (int64, OH + 1 entries). deterministic=True with seed, seed2 gives TF's
    sequences for those seeds; otherwise they are new on every run."""
    return _fractional(FRACTIONAL_MAX_POOL, "fractional_max_pool", value, pooling_ratio,
                       pseudo_random, overlapping, deterministic, seed, seed2, name)


def fractional_avg_pool(value, pooling_ratio, pseudo_random=False, overlapping=False,
                        deterministic=False, seed=0, seed2=0, name=None):
    """Mean over random regions of K or K + 1 rows and columns (TF1, NHWC), returning
    (output, row_pooling_sequence, col_pooling_sequence):

        y, rows, cols = gc.nn.fractional_avg_pool(x, [1, 1.5, 1.5, 1], overlapping=True)
    Integer inputs give truncated means. See fractional_max_pool for the sequences."""
    return _fractional(FRACTIONAL_AVG_POOL, "fractional_avg_pool", value, pooling_ratio,
                       pseudo_random, overlapping, deterministic, seed, seed2, name)


def fractional_max_pool_grad(orig_input, orig_output, out_backprop, row_pooling_sequence,
                             col_pooling_sequence, overlapping=False, name=None):
    """TF's FractionalMaxPoolGrad: out_backprop added at each region's first max."""
    x = convert_to_tensor(orig_input)
    y = convert_to_tensor(orig_output, dtype=x.dtype)
    g = convert_to_tensor(out_backprop, dtype=x.dtype)
    seqs = [convert_to_tensor(s, dtype=dtypes.int64)
            for s in (row_pooling_sequence, col_pooling_sequence)]
    return apply1(FRACTIONAL_MAX_POOL_GRAD, (x, y, g, *seqs), name=name,
                  overlapping=bool(overlapping))


def fractional_avg_pool_grad(orig_input_tensor_shape, out_backprop, row_pooling_sequence,
                             col_pooling_sequence, overlapping=False, name=None):
    """TF's FractionalAvgPoolGrad: each out_backprop / count spread over its region."""
    sizes = convert_to_tensor(orig_input_tensor_shape, dtype=dtypes.int64)
    seqs = [convert_to_tensor(s, dtype=dtypes.int64)
            for s in (row_pooling_sequence, col_pooling_sequence)]
    return apply1(FRACTIONAL_AVG_POOL_GRAD, (sizes, convert_to_tensor(out_backprop), *seqs),
                  name=name, overlapping=bool(overlapping))


def fractional_max_pool_with_sequences(value, row_pooling_sequence, col_pooling_sequence,
                                       overlapping=False, name=None):
    """graphc only: fractional max pooling over the regions of given sequences."""
    x = convert_to_tensor(value)
    seqs = [convert_to_tensor(s, dtype=dtypes.int64)
            for s in (row_pooling_sequence, col_pooling_sequence)]
    return apply1(FRACTIONAL_MAX_POOL_GRAD_GRAD, (x, x, *seqs), name=name,
                  overlapping=bool(overlapping))


def fractional_avg_pool_with_sequences(value, row_pooling_sequence, col_pooling_sequence,
                                       overlapping=False, name=None):
    """graphc only: fractional average pooling over the regions of given sequences."""
    seqs = [convert_to_tensor(s, dtype=dtypes.int64)
            for s in (row_pooling_sequence, col_pooling_sequence)]
    return apply1(FRACTIONAL_AVG_POOL_GRAD_GRAD, (convert_to_tensor(value), *seqs), name=name,
                  overlapping=bool(overlapping))
