"""The pooling sequences of TF's fractional pooling (Graham 2015), drawn as TF's CPU kernel
draws them, so that the same (seed, seed2) give TF's sequences; and the numpy kernels
that pool over (and differentiate) the regions the sequences cut (fractional_pool.py
holds the ops).

A pooling sequence cuts an input dim of n_in into n_out intervals of K or K + 1 (K =
n_in // n_out): [0, a_1, ..., n_in]. The generator is Philox-4x32-10 keyed by `seed`,
with the 128-bit counter (0, 0, seed2) (TF's GuardedPhiloxRandom). Each sequence reserves
its samples (ceil(n / 4) blocks of four 32-bit words) from the next unused block: the
rows' sequence first, then the columns'.

- random: the n_in % n_out intervals of K + 1 first, then those of K, shuffled by the
  swaps i <-> i + (word_i mod (n_out - i)), i = 0 .. n_out - 2 (n_out words reserved).
- pseudo-random: a_i = ceil(alpha (i + u)) - 1 for alpha = n_in / n_out and u uniform in
  [0, min((K + 2) / alpha - 1, (n_in + 1 - K) / alpha - (n_out - 1))), the uniform double
  made of two words (two words reserved).
"""
import math

import numpy as np

from .random_stateless_philox import philox, to_float64

_M32 = (1 << 32) - 1


class PhiloxStream:
    """TF's GuardedPhiloxRandom(seed, seed2) as the fractional pooling kernels use it."""

    def __init__(self, seed, seed2):
        seed, seed2 = int(seed) % 2**64, int(seed2) % 2**64      # int64 attrs, as uint64
        self.key = (seed & _M32, seed >> 32)
        self.high = (seed2 & _M32, seed2 >> 32)
        self.next_block = 0

    def reserve(self, n):
        """n 32-bit words (uint32) from the next unused block; skips ceil(n / 4) blocks."""
        nblocks = -(-n // 4)
        b = np.arange(self.next_block, self.next_block + nblocks, dtype=np.uint64)
        self.next_block += nblocks
        counters = np.stack([b & np.uint64(_M32), b >> np.uint64(32),
                             np.full_like(b, self.high[0]), np.full_like(b, self.high[1])], 1)
        return philox(counters.astype(np.uint32), self.key).ravel()[:n]


def _random_diffs(n_in, n_out, stream):
    """Interval sizes K + 1 (n_in % n_out of them) and K, shuffled as TF shuffles them."""
    k, extra = divmod(n_in, n_out)
    diff = [k + 1] * extra + [k] * (n_out - extra)
    words = stream.reserve(n_out)
    for i in range(n_out - 1):          # sequential: each swap sees the previous ones
        j = i + int(words[i]) % (n_out - i)
        diff[i], diff[j] = diff[j], diff[i]
    return np.cumsum([0] + diff)


def _pseudo_random_cuts(n_in, n_out, stream):
    """ceil(alpha (i + u)) - 1 for i = 1 .. n_out - 1, between 0 and n_in."""
    alpha = n_in / n_out
    k = n_in // n_out
    u_max = min((k + 2) / alpha - 1, (n_in + 1 - k) / alpha - (n_out - 1))
    w = stream.reserve(2)
    u = float(to_float64(w[0], w[1])) * u_max
    inner = [math.ceil(alpha * (i + u)) - 1 for i in range(1, n_out)]
    return np.array([0] + inner + [n_in])


def pooling_sequence(n_in, n_out, stream, pseudo_random):
    """The n_out + 1 cuts [0, ..., n_in] of one dim (int64)."""
    cuts = (_pseudo_random_cuts if pseudo_random else _random_diffs)(n_in, n_out, stream)
    return np.asarray(cuts, np.int64)


def regions(seq, n, overlapping):
    """(start, stop) of each pooling interval: [seq[i], seq[i+1]) or, overlapping, up to
    seq[i+1] itself, clipped to the dim's n elements."""
    seq = np.asarray(seq, np.int64)
    return seq[:-1], np.minimum(seq[1:] + (1 if overlapping else 0), n)


def taps(seq, n, overlapping, what):
    """(index [m, w], valid [m, w]): the input positions of each of the m intervals, padded
    to the widest (w) with index 0 marked invalid. Raises on a malformed sequence."""
    seq = np.asarray(seq, np.int64).reshape(-1)
    if seq.size < 2 or seq[0] < 0 or np.any(np.diff(seq) <= 0) or seq[-1] > n:
        raise ValueError(f"the {what} pooling sequence {seq.tolist()} must increase strictly "
                         f"from >= 0 to at most the dim's size {n}")
    lo, hi = regions(seq, n, overlapping)
    width = int((hi - lo).max())
    index = lo[:, None] + np.arange(width)
    valid = index < hi[:, None]
    return np.where(valid, index, 0), valid


# ---- pooling kernels -------------------------------------------------------------------------------
def _windows(x, row, col, overlapping):
    """x's regions as (N, OH, OW, C, taps) with a validity mask (OH, OW, taps); taps run
    over each region in row-major order."""
    n, h, w, c = x.shape
    ri, rv = taps(row, h, overlapping, "row")
    ci, cv = taps(col, w, overlapping, "col")
    win = x[:, ri][:, :, :, ci]                      # (N, OH, kr, OW, kc, C)
    win = win.transpose(0, 1, 3, 5, 2, 4)            # (N, OH, OW, C, kr, kc)
    valid = rv[:, None, :, None] & cv[None, :, None, :]
    shape = win.shape[:4] + (ri.shape[1] * ci.shape[1],)
    return win.reshape(shape), valid.reshape(valid.shape[:2] + (shape[-1],)), (ri, ci)


def first_max(x, row, col, overlapping):
    """(max, flat input index) of each region's first maximum (row-major, as TF)."""
    win, valid, (ri, ci) = _windows(x, row, col, overlapping)
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    mask = valid[None, :, :, None]
    best = np.where(mask, win, low).max(axis=-1, initial=low)
    tap = np.argmax((win == best[..., None]) & mask, axis=-1)   # (N, OH, OW, C)
    kc = ci.shape[1]
    rows = np.take_along_axis(ri[None, :, None, None, :], (tap // kc)[..., None], -1)[..., 0]
    cols = np.take_along_axis(ci[None, None, :, None, :], (tap % kc)[..., None], -1)[..., 0]
    n, h, w, c = x.shape
    flat = ((np.arange(n)[:, None, None, None] * h + rows) * w + cols) * c + np.arange(c)
    return best.astype(x.dtype, copy=False), flat


def region_mean(x, row, col, overlapping):
    """The mean of each region: sums in the dtype, integers divided truncating (TF)."""
    win, valid, _ = _windows(x, row, col, overlapping)
    count = valid.sum(axis=-1)[None, :, :, None]
    total = np.where(valid[None, :, :, None], win, 0).sum(axis=-1, dtype=x.dtype)
    if x.dtype.kind == "f":
        return (total / count.astype(x.dtype)).astype(x.dtype, copy=False)
    q = np.abs(total) // count
    return np.where(total < 0, -q, q).astype(x.dtype, copy=False)


def spread_mean(sizes, g, row, col, overlapping):
    """The adjoint of _region_mean: each g / count added over its region, in float64 and
    then cast (truncating for integers), as TF's FractionalAvgPoolGrad."""
    n, h, w, c = (int(s) for s in sizes)
    ri, rv = taps(row, h, overlapping, "row")
    ci, cv = taps(col, w, overlapping, "col")
    _check_pooled(g, ri, ci)
    valid = rv[:, None, :, None] & cv[None, :, None, :]           # (OH, OW, kr, kc)
    share = g.astype(np.float64) / valid.sum(axis=(2, 3))[None, :, :, None]
    rows = np.broadcast_to(ri[:, None, :, None], valid.shape)[valid]
    cols = np.broadcast_to(ci[None, :, None, :], valid.shape)[valid]
    src = np.broadcast_to(np.arange(ri.shape[0] * ci.shape[0]).reshape(
        ri.shape[0], ci.shape[0], 1, 1), valid.shape)[valid]
    share = share.reshape(n, -1, c)[:, src]                         # (N, pairs, C)
    out = np.zeros((n, h * w, c))
    np.add.at(out, (slice(None), rows * w + cols), share)
    return out.reshape(n, h, w, c).astype(g.dtype)


def _check_pooled(g, ri, ci):
    if g.shape[1:3] != (ri.shape[0], ci.shape[0]):
        raise ValueError(f"the gradient has shape {g.shape}, but the pooling sequences make "
                         f"{ri.shape[0]} x {ci.shape[0]} regions")


def scatter_max(x, g, row, col, overlapping):
    """Each g added at its region's first max (FractionalMaxPoolGrad)."""
    _, flat = first_max(x, row, col, overlapping)
    if g.shape != flat.shape:
        raise ValueError(f"the gradient has shape {g.shape}, but pooling makes {flat.shape}")
    out = np.zeros(x.size, g.dtype)
    np.add.at(out, flat.ravel(), g.ravel())
    return out.reshape(x.shape)


def gather_max(x, h, row, col, overlapping):
    """h (shaped like x) read at each region's first max (FractionalMaxPoolGradGrad)."""
    _, flat = first_max(x, row, col, overlapping)
    return h.reshape(-1)[flat].astype(h.dtype, copy=False)
