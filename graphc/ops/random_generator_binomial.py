"""Generator.binomial's op, StatefulRandomBinomial, with TF's bits: output i draws from
its own Philox stream from the Generator's counter + 256 i (BTRS) or + 42 i
(inversion: TF's strides, found by experiment), taking doubles two per block
(the block's second double first). count * p >= 10 (p = min(prob, 1 - prob), in the
counts' dtype) samples by Hormann's BTRS rejection (one block per try), smaller means
by inversion, counting geometric waiting times ceil(log u / log1p(-p)) until their sum
passes count. prob > 1/2 samples count - Binomial(count, 1 - prob). A run advances the
counter by 51200 blocks per value, as TF's kernel does.

Output i of shape [samples..., batch...] belongs to batch member i // samples_per_batch
and sits at (i % samples_per_batch) * num_batches + i // samples_per_batch (TF's order).
"""
import math

import numpy as np

from .. import dtypes
from ..shapes import InferError
from . import random_stateless_philox as P
from .random_generator_ops import blocks, read_and_skip
from .registry import OpDef, register

_BLOCKS_PER_VALUE = 51200     # how far a run advances the counter, per value
_STRIDE = {"btrs": 256, "inversion": 42}   # blocks between outputs' streams (TF's)


def _stirling_tail(k):
    """log k! - (k + 1/2) log(k + 1) + (k + 1) - log(2 pi) / 2: a table for k <= 9
    (indexed by int(k)), else the series 1/12 - (1/360 - 1/1260 / (k+1)^2) / (k+1)^2,
    over k + 1."""
    small = np.array([math.lgamma(j + 1.0) - (j + 0.5) * math.log(j + 1.0) + (j + 1.0)
                      - 0.5 * math.log(2 * math.pi) for j in range(10)])
    kp1sq = (k + 1.0) ** 2
    big = (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1.0)
    idx = np.clip(k, 0, 9).astype(np.int64)
    return np.where(k <= 9, small[idx], big)


def _doubles(key, counter, offset):
    """The block at counter + offset (one per element) as its two doubles (d0, d1)."""
    w = blocks(key, counter, offset, 1)[:, 0]
    return P.to_float64(w[:, 0], w[:, 1]), P.to_float64(w[:, 2], w[:, 3])


def _btrs(key, counter, base, count, p):
    """BTRS (Hormann 1993) samples of Binomial(count, p), p <= 1/2, count * p >= 10."""
    out = np.zeros(count.shape)
    stddev = np.sqrt(count * p * (1 - p))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = count * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1 - p)
    alpha = (2.83 + 5.1 / b) * stddev
    m = np.floor((count + 1) * p)
    todo, j = np.arange(count.size), 0
    while todo.size:
        v, u = _doubles(key, counter, base[todo] + np.uint64(j))
        j += 1
        u = u - 0.5
        us = 0.5 - np.abs(u)
        t = todo
        k = np.floor((2 * a[t] / us + b[t]) * u + c[t])
        done = (us >= 0.07) & (v <= v_r[t])
        inside = (k >= 0) & (k <= count[t])
        n_, m_, r_ = count[t], m[t], r[t]
        with np.errstate(all="ignore"):
            lv = np.log(v * alpha[t] / (a[t] / (us * us) + b[t]))
            bound = ((m_ + 0.5) * np.log((m_ + 1) / (r_ * (n_ - m_ + 1)))
                     + (n_ + 1) * np.log((n_ - m_ + 1) / (n_ - k + 1))
                     + (k + 0.5) * np.log(r_ * (n_ - k + 1) / (k + 1))
                     + _stirling_tail(m_) + _stirling_tail(n_ - m_)
                     - _stirling_tail(k) - _stirling_tail(n_ - k))
        done |= inside & (lv <= bound)
        out[t[done]] = k[done]
        todo = t[~done]
    return out


def _inversion(key, counter, base, count, p):
    """Binomial(count, p) as the number of geometric(p) waiting times that fit in count."""
    out = np.zeros(count.shape)
    total = np.zeros(count.shape)
    todo, t = np.arange(count.size), 0
    while todo.size:
        d0, d1 = _doubles(key, counter, base[todo] + np.uint64(t // 2))
        u = d1 if t % 2 == 0 else d0
        t += 1
        with np.errstate(divide="ignore"):
            total[todo] += np.ceil(np.log(u) / np.log1p(-p[todo]))
        stop = total[todo] > count[todo]
        out[todo[~stop]] += 1
        todo = todo[~stop]
    return out


def _infer_binomial(ctx, shape, counts, probs, *, var, alg, dtype):
    if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
        raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
    if counts.dtype is not probs.dtype or not (counts.dtype.is_floating or
                                               counts.dtype.is_integer):
        raise InferError("counts {1} and probs {2} must have one numeric dtype", "dtype")
    if not (dtype.is_floating or dtype in (dtypes.int32, dtypes.int64)):
        raise InferError(f"dtype {dtype.name} is not a float, int32 or int64", "dtype")
    return ctx.shape_value(shape), dtype


def _binomial_kernel(rt, shape, counts, probs, *, var, alg, dtype):
    name = rt.node.name
    dims = tuple(int(d) for d in shape)
    try:
        batch = np.broadcast_shapes(counts.shape, probs.shape)
    except ValueError:
        raise ValueError(f"{name}: counts {list(counts.shape)} and probs "
                         f"{list(probs.shape)} do not broadcast") from None
    if len(batch) > len(dims) or tuple(dims[len(dims) - len(batch):]) != batch:
        raise ValueError(f"{name}: the shape {list(dims)} must end with the broadcast "
                         f"shape {list(batch)} of counts and probs")
    n = int(np.prod(dims, dtype=np.int64))
    state = read_and_skip(rt, var, alg, _BLOCKS_PER_VALUE * n)
    s = state.view(np.uint64)
    key, counter = int(s[2]), s[:2]
    num_batches = int(np.prod(batch, dtype=np.int64))
    per_batch = n // num_batches if num_batches else 0
    i = np.arange(n, dtype=np.int64)
    b = i // max(per_batch, 1)
    count_t = np.broadcast_to(counts, batch).ravel()[b]
    prob_t = np.broadcast_to(probs, batch).ravel()[b]
    if count_t.dtype.kind != "f":
        count_t, prob_t = count_t.astype(np.float64), prob_t.astype(np.float64)
    one = prob_t.dtype.type(1)
    q_t = np.where(prob_t > 0.5, one - prob_t, prob_t)          # in the counts' dtype
    count, q = count_t.astype(np.float64), q_t.astype(np.float64)
    out = np.where(prob_t >= 1, count, 0.0)
    draw = (count > 0) & (prob_t > 0) & (prob_t < 1)
    big = draw & (count_t * q_t >= 10)
    small = draw & ~big
    for sel, fn, stride in ((big, _btrs, _STRIDE["btrs"]),
                            (small, _inversion, _STRIDE["inversion"])):
        if sel.any():
            base = (i[sel] * stride).astype(np.uint64)
            x = fn(key, counter, base, count[sel], q[sel])
            out[sel] = np.where(prob_t[sel] > 0.5, count[sel] - x, x)
    with np.errstate(invalid="ignore"):
        out = np.where(np.isnan(prob_t), np.nan, out)
    flat = np.empty(n, np.float64)
    flat[(i % max(per_batch, 1)) * num_batches + b] = out
    with np.errstate(invalid="ignore"):
        return flat.astype(dtype.np).reshape(dims)


STATEFUL_BINOMIAL = register(OpDef(
    "StatefulRandomBinomial", _infer_binomial, _binomial_kernel, stateful=True,
    uses_state=True, differentiable=False, api="Generator.binomial",
    signature="Generator.binomial(shape, counts, probs, dtype=int32)",
    shape_rule="`shape` (its last dims: counts and probs broadcast)",
    dtypes="counts, probs one numeric dtype -> int32/int64/float",
    doc="Binomial(counts, probs) samples drawn from a Generator's state (TF's bits)."))

