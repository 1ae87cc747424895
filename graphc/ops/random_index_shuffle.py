"""random_index_shuffle (TF1 tf.random_index_shuffle) and
tf.random.experimental.index_shuffle: the position of `index` in a pseudorandom
permutation of [0, max_index], with TF's values.

The permutation is a Simon-style Feistel cipher on blocks of B bits (B the even bit
count of max_index, at least 16), with `rounds` round keys made from the seed's 3
words (32 bits each); indices the block holds above max_index are walked through the
cipher again until they land inside (cycle walking, Black and Rogaway 2002).
"""
import math

import numpy as np

from .. import dtypes
from ..shapes import InferError, TensorShape
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["random_index_shuffle"]

_INTS = (dtypes.int32, dtypes.int64, dtypes.uint32, dtypes.uint64)
_Z = 0x7369F885192C0EF5          # the Simon z sequence, one bit per round key


def _rotl(x, r, w, mask):
    return ((x << r) | (x >> (w - r))) & mask


def _round_keys(seed, w, rounds):
    """`rounds` round keys of w bits: the 3 seed words, then Simon's key schedule."""
    mask = (1 << w) - 1
    keys = [int(s) & mask for s in seed[:3]]
    z, c = _Z & mask, 0xFFFFFFFC & mask
    for i in range(3, rounds):
        x = keys[i - 1]
        keys.append(c ^ (z & 1) ^ keys[i - 3] ^ _rotl(x, w - 3, w, mask)
                    ^ _rotl(x, w - 4, w, mask))
        z >>= 1
    return keys[:rounds]


def _encrypt(v, keys, w):
    """Feistel rounds in pairs over v (uint64 array) split in two w-bit halves."""
    mask = np.uint64((1 << w) - 1)
    W = np.uint64(w)
    left, right = (v >> W) & mask, v & mask

    def f(x):
        rot = [((x << np.uint64(r)) | (x >> np.uint64(w - r))) & mask for r in (1, 8, 2)]
        return (rot[0] & rot[1]) ^ rot[2]

    for k1, k2 in zip(keys[0::2], keys[1::2]):
        left = left ^ f(right) ^ np.uint64(k1)
        right = right ^ f(left) ^ np.uint64(k2)
    return (left << W) | right


def _shuffle(index, seed, max_index, rounds):
    """One seed and one max_index: the shuffled positions of `index` (uint64 array)."""
    if max_index == 0:
        return np.zeros_like(index)
    bits = int(math.ceil(math.log2(float(max_index))))
    block = max(bits + bits % 2, 16)
    keys = _round_keys(seed, block // 2, rounds)
    out, todo = index.copy(), np.arange(index.size)
    while todo.size:                        # cycle walking
        out[todo] = _encrypt(out[todo], keys, block // 2)
        todo = todo[out[todo] > np.uint64(max_index)]
    return out


def _infer(ctx, index, seed, max_index, *, rounds):
    if index.dtype not in _INTS or max_index.dtype is not index.dtype:
        raise InferError("index {0} and max_index {2} must have one of the dtypes int32, "
                         "int64, uint32, uint64", "dtype")
    if seed.dtype not in _INTS:
        raise InferError(f"seed {{1}} must be int32, int64, uint32 or uint64, not "
                         f"{seed.dtype.name}", "dtype")
    if rounds < 4 or rounds % 2:
        raise InferError(f"rounds must be an even number >= 4, got {rounds}")
    ri, rs, rm = index.shape.rank, seed.shape.rank, max_index.shape.rank
    if ri not in (0, 1, None) or rm not in (0, 1, None):
        raise InferError("index {0} and max_index {2} must be scalars or vectors")
    sdims = seed.shape._dims
    if rs not in (1, 2, None) or sdims is not None and not ctx.compatible(sdims[-1], 3):
        raise InferError(f"Seed must have shape [3] or [n, 3] but got {seed.shape}")
    if ri == 0 and rs == 1 and rm == 0:
        return TensorShape(()), index.dtype
    n = None
    for t in (index, max_index):
        if t.shape.rank == 1:
            n = t.shape._dims[0] if n is None else n
    if rs == 2 and n is None:
        n = sdims[0]
    return TensorShape((n,)), index.dtype


def _kernel(index, seed, max_index, *, rounds):
    n = max(index.size, max_index.size, seed.size // 3)
    scalar = index.ndim == 0 and seed.ndim == 1 and max_index.ndim == 0
    for what, t, ok in (("Index", index, index.ndim == 0 or index.shape == (n,)),
                        ("Maxval", max_index, max_index.ndim == 0 or max_index.shape == (n,)),
                        ("Seed", seed, seed.shape == (3,) or seed.shape == (n, 3))):
        if not ok:
            raise ValueError(f"random_index_shuffle: {what} must be a scalar or a vector "
                             f"of size {n} (seed: [3] or [{n}, 3]), got {list(t.shape)}")
    dt = index.dtype
    idx = np.broadcast_to(index, (n,)).astype(dt).astype(np.uint64)
    top = np.broadcast_to(max_index, (n,)).astype(dt).astype(np.uint64)
    seeds = np.broadcast_to(seed.reshape(-1, 3), (n, 3)).astype(np.uint64) & np.uint64(
        0xFFFFFFFF)
    out = np.empty(n, np.uint64)
    groups = np.stack([top, seeds[:, 0], seeds[:, 1], seeds[:, 2]], 1)
    uniq, which = np.unique(groups, axis=0, return_inverse=True) if n else (groups, [])
    for g, row in enumerate(uniq):           # one cipher per (max_index, seed)
        sel = np.flatnonzero(np.asarray(which).ravel() == g)
        out[sel] = _shuffle(idx[sel], [int(v) for v in row[1:]], int(row[0]), rounds)
    out = out.astype(dt)
    return out.reshape(()) if scalar else out


RANDOM_INDEX_SHUFFLE = register(OpDef(
    "RandomIndexShuffle", _infer, _kernel, differentiable=False,
    api="random_index_shuffle",
    signature="random_index_shuffle(index, seed, max_index, rounds=4)",
    shape_rule="scalars -> (); vectors / [n, 3] seed -> [n]",
    dtypes="index, max_index int32/int64/uint32/uint64; seed int",
    doc="The position of index in a permutation of [0, max_index] fixed by seed."))


def random_index_shuffle(index, seed, max_index, rounds=4, name=None):
    """The position of `index` in a pseudorandom permutation of [0, max_index] fixed by
    `seed` (3 ints, or [n, 3]), the same as TF's (tf.compat.v1.random_index_shuffle):

        gc.random_index_shuffle(gc.range(10), [5, 8, 3], 9)   # a permutation of 0..9
    """
    index = convert_to_tensor(index, name="index")
    max_index = convert_to_tensor(max_index, dtype=index.dtype, name="max_index")
    seed = convert_to_tensor(seed, name="seed")
    return apply1(RANDOM_INDEX_SHUFFLE, (index, seed, max_index),
                  name=name or "RandomIndexShuffle", rounds=int(rounds))


def index_shuffle(index, seed, max_index):
    """tf.random.experimental.index_shuffle: `seed` of 2 ints (TF pads it in front with
    498247692 to the 3 words of random_index_shuffle), 4 rounds:

        gc.random.experimental.index_shuffle(gc.range(4), seed=[5, 9], max_index=3)
    """
    from .slice_pad import pad
    seed = convert_to_tensor(seed, name="seed")
    rank = seed.shape.rank
    paddings = [[1, 0]] + [[0, 0]] * ((rank or 1) - 1)
    seed = pad(seed, paddings, constant_values=498247692)
    return random_index_shuffle(index, seed, max_index, rounds=4)
