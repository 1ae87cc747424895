"""More of TF1's tf.nn, all composites of existing ops (so their gradients, jvps and
vmaps are exact without rules of their own): l2_normalize, embedding_lookup,
batch_normalization, fused_batch_norm, weighted_cross_entropy_with_logits,
zero_fraction, swish/silu.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, name_scope
from . import array as A
from . import elementwise as E
from . import reduce as R
from .broadcast import select
from .clip import clip_by_norm
from .core import constant, convert_to_tensor, stop_gradient
from .elementwise import operands
from .gather import gather
from .nn import _check_same_shape, _moments

__all__ = ["l2_normalize", "embedding_lookup", "batch_normalization", "fused_batch_norm",
           "weighted_cross_entropy_with_logits", "zero_fraction", "swish", "silu"]


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x^2, axis), epsilon)) (TF1: x * rsqrt(max(sum(x^2), epsilon))).

        u = gc.nn.l2_normalize(v, axis=1)      # each row of v scaled to unit length
    axis None normalizes over every axis; `dim` is TF1's old name for axis. A complex x
    has its real and imaginary parts scaled by the same real factor (TF)."""
    axis = dim if axis is None else axis
    x = convert_to_tensor(x)
    with name_scope(name, "l2_normalize", [x]) as scope:     # TF1's names
        if x.dtype.is_complex:
            from .complex_ops import complex as cplx, imag, real
            re, im = real(x), imag(x)
            square_sum = R.reduce_sum(E.square(re) + E.square(im), axis=axis, keepdims=True)
            inv = E.rsqrt(E.maximum(square_sum, epsilon))
            return cplx(re * inv, im * inv, name=scope)
        square_sum = R.reduce_sum(E.square(x), axis=axis, keepdims=True)
        return E.multiply(x, E.rsqrt(E.maximum(square_sum, epsilon)), name=scope)


def swish(features, beta=1.0, name=None):
    """features * sigmoid(beta * features): `h = gc.nn.swish(x @ W)` (also gc.nn.silu)."""
    x = convert_to_tensor(features)
    z = x if isinstance(beta, (int, float)) and beta == 1 else x * beta
    return E.multiply(x, E.sigmoid(z), name=name)


silu = swish


def zero_fraction(value, name=None):
    """The fraction of zeros in value, a float32 scalar (NaN if value is empty).

        sparsity = gc.nn.zero_fraction(gc.nn.relu(h))"""
    value = convert_to_tensor(value)
    size = A.size(value, out_type=dtypes.int64)
    zeros = size - R.count_nonzero(value, dtype=dtypes.int64)
    return E.divide(E.cast(zeros, dtypes.float32), E.cast(size, dtypes.float32), name=name)


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """sigmoid_cross_entropy_with_logits with the positive term weighted by pos_weight:
    (1 - z) x + (1 + (q - 1) z) (log(1 + exp(-|x|)) + max(-x, 0)), stable for any x.

        loss = gc.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=3.0)"""
    labels = targets if labels is None else labels
    if labels is None or logits is None or pos_weight is None:
        raise ValueError("weighted_cross_entropy_with_logits: give labels, logits and "
                         "pos_weight")
    x, z = operands(logits, labels, "weighted_cross_entropy_with_logits")
    _check_same_shape("weighted_cross_entropy_with_logits", z, x)
    log_weight = 1 + (pos_weight - 1) * z
    softplus_neg = E.log1p(E.exp(-E.abs(x))) + E.relu(-x)
    return E.add((1 - z) * x, log_weight * softplus_neg, name=name)


# ---- batch normalization -----------------------------------------------------------------
def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) * scale / sqrt(variance + epsilon) + offset, as TF1 computes it:
    inv = rsqrt(variance + epsilon) * scale; x * inv + (offset - mean * inv).

        mean, var = gc.nn.moments(h, axes=[0])
        h = gc.nn.batch_normalization(h, mean, var, beta, gamma, 1e-3)
    offset and scale may be None (0 and 1)."""
    x = convert_to_tensor(x)
    mean, variance = convert_to_tensor(mean), convert_to_tensor(variance)
    inv = E.rsqrt(variance + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shift = offset - mean * inv if offset is not None else -mean * inv
    return E.add(x * _as(inv, x.dtype), _as(shift, x.dtype), name=name)


def _as(t, dtype):
    return t if t.dtype is dtype else E.cast(t, dtype)


def _check_channels(api, t, what, channels):
    dims = t.shape._dims
    c = channels if isinstance(channels, int) else None
    if dims is not None and (len(dims) != 1 or c is not None and isinstance(dims[0], int)
                             and dims[0] != c):
        raise errors.ShapeError(
            f"{api}: {what} must be 1-D with one value per channel ({channels}), not of "
            f"shape {t.shape}\n  {errors.describe_tensor(t, t.name)}" + errors.called_at(api))


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None):
    """Batch normalization of a 4-D x over N, H, W (TF1's fused op, as a composite).

        y, batch_mean, batch_var = gc.nn.fused_batch_norm(x, gamma, beta)
    Training (mean and variance None): y uses the batch's mean and biased variance; the
    returned variance is the unbiased one (n / (n - 1)), as TF's kernel returns. Inference
    (is_training=False): y uses the given mean and variance, which are returned. As in
    TF, no gradient flows back through the returned mean and variance, nor into given
    ones; epsilon is at least 1.001e-5. A float16 x is computed in scale's dtype."""
    api = "nn.fused_batch_norm"
    x = convert_to_tensor(x)
    # non-tensor parameters take x's dtype (float32 for a float16 x, as TF's kernel wants)
    like = dtypes.float32 if x.dtype is dtypes.float16 else x.dtype
    scale = scale if isinstance(scale, Tensor) else convert_to_tensor(scale, dtype=like)
    offset = convert_to_tensor(offset, dtype=scale.dtype)
    if is_training and (mean is not None or variance is not None):
        raise ValueError("Both 'mean' and 'variance' must be None if is_training is True.")
    if not is_training and (mean is None or variance is None):
        raise ValueError("Both 'mean' and 'variance' must be a 1D tensor when is_training "
                         "is False.")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"{api}: data_format must be NHWC or NCHW, not {data_format!r}")
    if x.shape.rank != 4:
        raise errors.ShapeError(
            f"{api}: x must be 4-dimensional (a known rank), not of shape {x.shape}\n"
            f"  {errors.describe_tensor(x, x.name)}" + errors.called_at(api))
    c = 3 if data_format == "NHWC" else 1
    channels = x.shape._dims[c]
    for t, what in ((scale, "scale"), (offset, "offset")):
        _check_channels(api, t, what, channels)
    epsilon = max(float(epsilon), 1.001e-5)
    with name_scope(name, "FusedBatchNorm", [x]):
        xc = _as(x, scale.dtype)
        if is_training:
            mean, var = _moments(xc, [k for k in range(4) if k != c], False)   # exact
        else:
            mean = stop_gradient(convert_to_tensor(mean, dtype=scale.dtype))
            var = stop_gradient(convert_to_tensor(variance, dtype=scale.dtype))
            _check_channels(api, mean, "mean", channels)
            _check_channels(api, var, "variance", channels)
        y = batch_normalization(xc, _per_channel(mean, c), _per_channel(var, c),
                                _per_channel(offset, c), _per_channel(scale, c), epsilon)
        y = _as(y, x.dtype)
        if not is_training:
            return y, mean, var
        n = _per_channel_count(xc, c)
        unbiased = var * (n / E.maximum(n - 1, 1)) if isinstance(n, Tensor) \
            else var * (n / max(n - 1, 1))
        return y, stop_gradient(mean), stop_gradient(unbiased)


def _per_channel(t, c):
    """A (C,) vector shaped to broadcast along x's channel axis c (C, 1, 1 for NCHW)."""
    return t if c == 3 else A.reshape(t, [-1, 1, 1])


def _per_channel_count(x, c):
    """The number of values averaged per channel: a Python int when static."""
    dims = x.shape._dims
    if all(isinstance(d, int) for d in dims):
        return int(np.prod([d for k, d in enumerate(dims) if k != c]))
    return E.cast(A.size(x), x.dtype) / E.cast(A.shape(x)[c], x.dtype)


# ---- embedding_lookup ----------------------------------------------------------------------
def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """The rows of params at ids: `emb = gc.nn.embedding_lookup(table, word_ids)`.

    params is one tensor, a list of shards of one table, or a PartitionedVariable (its
    parts are the shards): with partition_strategy "mod" id i lives in shard i % n at
    row i // n; with "div" the shards hold consecutive ranges of ids (the first
    total % n shards one row more). Each shard is read by its own gather, so
    Optimizer.compute_gradients gives each an IndexedSlices gradient, as in TF1. An id
    outside its shard is an error when run (TF1's too). max_norm clips each looked-up
    embedding to that L2 norm."""
    from ..partitioned import PartitionedVariable
    if params is None:
        raise ValueError("embedding_lookup: params must be given")
    if isinstance(params, PartitionedVariable):
        shards = list(params)
    else:
        shards = list(params) if isinstance(params, (list, tuple)) else [params]
    if not shards:
        raise ValueError("Length of params is currently 0. Need at least one param.")
    shards = [convert_to_tensor(p) for p in shards]
    ids = convert_to_tensor(ids)
    if len(shards) == 1:
        return _clip(gather(shards[0], ids, name=name), ids, max_norm)
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"Unrecognized partition strategy: {partition_strategy}.Must be "
                         "one of either `mod` or `div`.")
    with name_scope(name, "embedding_lookup", shards + [ids]):
        result = _sharded_lookup(shards, ids, partition_strategy)
    return _clip(result, ids, max_norm)


def _sharded_lookup(shards, ids, strategy):
    """TF1's lookup in n shards: each id's shard and row there, one gather per shard of
    the ids it holds (dynamic_partition), the rows put back in order (dynamic_stitch)."""
    from .partition import dynamic_partition, dynamic_stitch
    n = len(shards)
    rest, element_shape = _element_shape(shards)
    flat = A.reshape(ids, [-1])
    sizes, total = _shard_sizes(shards, flat.dtype)
    if strategy == "mod":
        p, new = E.floormod(flat, n), E.floordiv(flat, n)
    else:
        per, extras = E.floordiv(total, n), E.floormod(total, n)
        p = E.maximum(E.floordiv(flat, per + 1), E.floordiv(flat - extras, per))
        new = select(E.less(p, extras), E.floormod(flat, per + 1),
                    E.floormod(flat - extras, per))
    shard = E.minimum(E.maximum(p, 0), n - 1)
    size = gather(sizes, shard)
    # an id outside its shard reads the row past the shard's end, so the gather fails
    # as TF's does
    bad = E.logical_or(E.logical_or(E.less(flat, 0), E.not_equal(p, shard)),
                       E.logical_or(E.less(new, 0), E.greater_equal(new, size)))
    new = select(bad, size, new)
    shard = E.cast(shard, dtypes.int32)
    rows = dynamic_partition(new, shard, n)
    where = dynamic_partition(A.range(A.size(flat)), shard, n)
    found = dynamic_stitch(where, [gather(s, r) for s, r in zip(shards, rows)])
    out = A.reshape(found, A.concat([A.shape(ids), element_shape], 0))
    if ids.shape.rank is not None and rest is not None:
        out.set_shape(list(ids.shape._dims) + list(rest))
    return out


def _shard_sizes(shards, dtype):
    """(the shards' row counts as a vector, their total), in `dtype`."""
    sizes = [p.shape._dims[0] if p.shape.rank else None for p in shards]
    if all(isinstance(s, int) for s in sizes):
        return constant(np.array(sizes), dtype=dtype), constant(sum(sizes), dtype=dtype)
    dyn = A.stack([E.cast(A.shape(p)[0], dtype) for p in shards])
    return dyn, R.reduce_sum(dyn)


def _element_shape(shards):
    """(the static shape of one row, or None), and that shape as an int32 vector
    (a constant when the shards fix it)."""
    rest = shards[0].shape
    rest = None if rest.rank is None else rest._dims[1:]
    for p in shards[1:]:
        other = None if p.shape.rank is None else p.shape._dims[1:]
        if rest is None or other is None:
            rest = rest if other is None else other
            continue
        if len(rest) != len(other) or any(isinstance(a, int) and isinstance(b, int)
                                          and a != b for a, b in zip(rest, other)):
            raise errors.ShapeError(
                f"embedding_lookup: the shards' rows differ in shape: {shards[0].shape} "
                f"and {p.shape}\n  {errors.describe_tensor(shards[0], shards[0].name)}\n"
                f"  {errors.describe_tensor(p, p.name)}")
        rest = [a if isinstance(a, int) else b for a, b in zip(rest, other)]
    if rest is not None and all(isinstance(d, int) for d in rest):
        return rest, constant(np.array(rest, dtype=np.int32))
    return rest, A.shape(shards[0])[1:]


def _clip(result, ids, max_norm):
    """Each embedding of result (its axes after ids' axes) clipped to L2 norm max_norm."""
    if max_norm is None:
        return result
    r, k = result.shape.rank, ids.shape.rank
    if r is None or k is None:          # the axes known when the graph runs
        from .creation import range as range_
        return clip_by_norm(result, max_norm, axes=range_(A.rank(ids), A.rank(result)))
    return clip_by_norm(result, max_norm, axes=list(range(k, r)))
