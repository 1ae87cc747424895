"""The ops behind gc.random.Generator (graphc/random_generator.py), with TF's bits.

A Generator's state is an int64 variable [counter low, counter high, key] (Philox). A
draw runs RngReadAndSkip, a stateful op that returns the state and advances the
128-bit counter by 256 blocks per value, then a pure *V2 op that turns (key, counter)
into numbers exactly as the stateless ops do from a seed's key and counter (Philox of
counter + i under the key; random_stateless_philox.py has the word conversions).
StatefulRandomBinomial reads and advances the state itself; NonDeterministicInts
gives a fresh state from the OS's entropy each run.
"""
import threading

import numpy as np

from .. import dtypes
from ..shapes import InferError, TensorShape
from . import random_stateless_philox as P
from .random_stateless import truncated_groups
from .registry import OpDef, register

PHILOX, THREEFRY, AUTO_SELECT = 1, 2, 3
STATE_SIZE = {PHILOX: 3, THREEFRY: 2, AUTO_SELECT: 3}
_MASK64 = (1 << 64) - 1
_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
_INTS = (dtypes.int32, dtypes.int64, dtypes.uint32, dtypes.uint64)


# ---- the Philox stream of a (key, counter) ------------------------------------------------
def blocks(key, counter, starts, n):
    """Philox blocks [len(starts), n, 4] (uint32) of counter + start + j, j < n, under
    key (a uint64): counter is 2 uint64 words, the 128-bit counter, lowest first."""
    k = int(key)
    c = int(counter[0]) | (int(counter[1]) << 64)
    starts = np.asarray(starts, np.uint64).reshape(-1, 1)
    i = (starts + np.arange(n, dtype=np.uint64)).ravel()
    words, carry = np.zeros((i.size, 4), np.uint32), np.zeros(i.size, np.uint64)
    for w, add in enumerate((i & np.uint64(0xFFFFFFFF), i >> np.uint64(32), 0, 0)):
        v = np.uint64((c >> (32 * w)) & 0xFFFFFFFF) + add + carry   # 128-bit add
        words[:, w], carry = v & np.uint64(0xFFFFFFFF), v >> np.uint64(32)
    return P.philox(words, (k & 0xFFFFFFFF, k >> 32)).reshape(starts.shape[0], n, 4)


def stream(key, counter, n):
    """The first n 32-bit words of the (key, counter) stream."""
    return blocks(key, counter, [0], -(-n // 4))[0].ravel()[:n]


# ---- RngReadAndSkip -------------------------------------------------------------------------
def _lock(session):
    return session._op_state.setdefault("rng_state_lock", threading.Lock())


def advance(state, blocks_):
    """The Philox state (int64 [3]) with its 128-bit counter advanced by blocks_."""
    s = state.astype(np.int64).view(np.uint64)
    c = (int(s[0]) | (int(s[1]) << 64)) + int(blocks_)
    c &= (1 << 128) - 1
    return np.array([c & _MASK64, c >> 64, int(s[2])], np.uint64).view(np.int64)


def _check_alg(alg, node):
    if alg == THREEFRY:
        raise NotImplementedError(
            f"{node.name}: graphc (like TF's CPU kernels: 'Non-XLA devices don't support "
            f"the ThreeFry algorithm') has no ThreeFry; use Algorithm.PHILOX")


def read_and_skip(rt, var, alg, blocks_):
    """The variable's state, then the state advanced by blocks_, under the session's lock."""
    from .state import _stored
    _check_alg(alg, rt.node)
    with _lock(rt.session):
        old = _stored(rt.session, var)
        if old.shape != (STATE_SIZE[alg],):
            raise ValueError(f"{rt.node.name}: the RNG state must have shape "
                             f"[{STATE_SIZE[alg]}], got {list(old.shape)}")
        new = advance(old, blocks_)
        new.setflags(write=False)
        rt.session._variables[var] = new
    return old


def _infer_skip(ctx, delta, *, var, alg):
    if not delta.dtype.is_integer or delta.shape.rank not in (0, None):
        raise InferError("delta {0} must be an int scalar", "dtype")
    t = var.outputs[0]
    if t.dtype is not dtypes.int64:
        raise InferError(f"the RNG state variable '{var.name}' must be int64, not "
                         f"{t.dtype.name}", "dtype")
    return TensorShape((3,)), dtypes.int64


def _skip_kernel(rt, delta, *, var, alg):
    old = read_and_skip(rt, var, alg, 256 * (int(delta) & _MASK64))
    out = np.zeros(3, np.int64)
    out[:old.size] = old
    return out


RNG_READ_AND_SKIP = register(OpDef(
    "RngReadAndSkip", _infer_skip, _skip_kernel, stateful=True, uses_state=True,
    differentiable=False, api="Generator.skip", signature="Generator.skip(delta)",
    shape_rule="() -> (3,)", dtypes="int delta -> int64",
    doc="A Generator's state, then advances its counter by 256 blocks per value."))


# ---- (key, counter) -> numbers: the pure *V2 ops --------------------------------------------
def _infer_kc(ctx, shape, key, counter, i=1):
    if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
        raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
    for j, t, n in ((i, key, 1), (i + 1, counter, 2)):
        if t.dtype is not dtypes.uint64:
            raise InferError(f"{{{j}}} must be uint64, not {t.dtype.name}", "dtype")
        if t.shape.rank not in (1, None) or t.shape._dims is not None and \
                not ctx.compatible(t.shape._dims[0], n):
            raise InferError(f"{{{j}}} must have shape [{n}], not {t.shape}")


def _infer_v2(kinds):
    def infer(ctx, shape, key, counter, *, dtype, alg):
        _infer_kc(ctx, shape, key, counter)
        if dtype not in kinds:
            names = ", ".join(d.name for d in kinds)
            raise InferError(f"dtype {dtype.name} is not one of {names}", "dtype")
        return ctx.shape_value(shape), dtype
    return infer


def _size(shape):
    dims = tuple(int(d) for d in shape)
    if any(d < 0 for d in dims):
        raise ValueError(f"random generator op: negative dim in shape {list(dims)}")
    return dims, int(np.prod(dims, dtype=np.int64))


def _kc(key, counter):
    return int(key.ravel()[0]), counter.ravel()[:2]


def _uniform_v2(shape, key, counter, *, dtype, alg):
    dims, n = _size(shape)
    k, c = _kc(key, counter)
    if dtype is dtypes.float64:
        w = stream(k, c, 2 * n)
        x = P.to_float64(w[0::2], w[1::2])
    else:
        w = stream(k, c, n)
        x = P.to_float16(w) if dtype is dtypes.float16 else P.to_float32(w)
    return x.reshape(dims)


def _normal_v2(shape, key, counter, *, dtype, alg):
    dims, n = _size(shape)
    k, c = _kc(key, counter)
    if dtype is dtypes.float64:
        x = P.box_muller64(*stream(k, c, 4 * -(-n // 2)).reshape(-1, 4).T)
    else:
        x = P.box_muller32(*stream(k, c, 2 * -(-n // 2)).reshape(-1, 2).T)
    return x.ravel()[:n].astype(dtype.np).reshape(dims)


def _truncated_v2(shape, key, counter, *, dtype, alg):
    """TF's StatelessTruncatedNormalV2: random_stateless.truncated_groups over the key
    and counter's Philox blocks."""
    dims, n = _size(shape)
    k, c = _kc(key, counter)
    return truncated_groups(n, dims, dtype, lambda at, more: blocks(k, c, at, more))


def _bits(k, c, n, dtype):
    if dtype.np.itemsize == 8:
        w = stream(k, c, 2 * n)
        return P.to_uint64(w[0::2], w[1::2])
    return stream(k, c, n)


def _full_int_v2(shape, key, counter, *, dtype, alg):
    dims, n = _size(shape)
    k, c = _kc(key, counter)
    return _bits(k, c, n, dtype).astype(dtype.np).reshape(dims)


def _infer_int_v2(ctx, shape, key, counter, minval, maxval, *, dtype, alg):
    _infer_kc(ctx, shape, key, counter)
    for i, t in ((3, minval), (4, maxval)):
        if t.dtype is not dtype or t.shape.rank not in (0, None):
            raise InferError(f"minval and maxval {{{i}}} must be {dtype.name} scalars")
    return ctx.shape_value(shape), dtype


def _int_v2(shape, key, counter, minval, maxval, *, dtype, alg):
    """lo + bits mod (hi - lo), TF's method."""
    dims, n = _size(shape)
    if not minval < maxval:
        raise ValueError(f"Generator.uniform: Need minval < maxval, got {minval} >= "
                         f"{maxval}")
    k, c = _kc(key, counter)
    u = np.uint64 if dtype.np.itemsize == 8 else np.uint32
    lo = np.asarray(minval.astype(dtype.np).astype(u))
    span = np.subtract(np.asarray(maxval.astype(dtype.np).astype(u)), lo)   # mod 2^bits
    return (lo + _bits(k, c, n, dtype) % span).astype(dtype.np).reshape(dims)


def _v2(name, kernel, kinds, doc, infer=None):
    return register(OpDef(
        name, infer or _infer_v2(kinds), kernel, api="Generator", differentiable=False,
        signature=f"{name}(shape, key, counter, alg, dtype)", shape_rule="`shape`",
        dtypes="shape int, key/counter uint64 -> " + "/".join(d.name for d in kinds),
        doc=doc))


UNIFORM_V2 = _v2("StatelessRandomUniformV2", _uniform_v2, _FLOATS,
                 "Uniform [0, 1) values of a Philox key and counter (TF's bits).")
NORMAL_V2 = _v2("StatelessRandomNormalV2", _normal_v2, _FLOATS,
                "Standard normal values of a Philox key and counter (TF's bits).")
TRUNCATED_V2 = _v2("StatelessTruncatedNormalV2", _truncated_v2, _FLOATS,
                   "Normal values within 2 stddev of a Philox key and counter (TF's bits).")
FULL_INT_V2 = _v2("StatelessRandomUniformFullIntV2", _full_int_v2, _INTS,
                  "Integers over the dtype's range from a Philox key and counter.")
INT_V2 = _v2("StatelessRandomUniformIntV2", _int_v2, _INTS,
             "Integers in [minval, maxval) from a Philox key and counter (TF's bits).",
             infer=_infer_int_v2)


# ---- a fresh state from the OS --------------------------------------------------------------
def _infer_nondet(ctx, shape, *, dtype):
    if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
        raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
    return ctx.shape_value(shape), dtype


def _nondet_kernel(shape, *, dtype):
    dims, n = _size(shape)
    bits = np.random.default_rng().integers(0, 2**64, size=n, dtype=np.uint64)
    return bits.astype(dtype.np).reshape(dims)


NON_DETERMINISTIC_INTS = register(OpDef(
    "NonDeterministicInts", _infer_nondet, _nondet_kernel, stateful=True, random=True,
    differentiable=False, api="Generator.from_non_deterministic_state",
    signature="NonDeterministicInts(shape, dtype=int64)", shape_rule="`shape`",
    dtypes="-> int", doc="Integers from the OS's entropy, new in every run."))
