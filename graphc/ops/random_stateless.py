"""TF1's stateless random ops: deterministic functions of (shape, seed), the same numbers
in every run and Session, and the same bits as TF's for the same seed: Philox-4x32-10
with TF's key and counter (random_stateless_philox.py). Uniform floats take one word
each (two for float64), normals two words per pair of values (four for float64), ints
a word (two for 64-bit) modulo maxval - minval. A truncated normal group of 4 values (2
for float64) starts 256 words apart and keeps the Box-Muller values below 2 in size.
random_extra.py re-exports the ops; random_stateless_more.py has the other stateless
distributions."""
import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..shapes import InferError
from . import random_stateless_philox as P
from .core import convert_to_tensor
from .random import _scaled, _shape_tensor
from .registry import OpDef, apply1, register

__all__ = ["stateless_random_uniform", "stateless_random_normal",
           "stateless_truncated_normal"]

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
_INTS = (dtypes.int32, dtypes.int64, dtypes.uint32, dtypes.uint64)


def check_seed(api, seed):
    """The seed as 2 int64s; a ValueError when it is not 2 ints."""
    if seed.shape != (2,):
        raise ValueError(f"{api}: the seed must hold 2 ints, got shape {seed.shape}")
    return seed.astype(np.int64)


def infer_seed(ctx, seed, i):
    """The shared checks of a seed operand (input i)."""
    if not seed.dtype.is_integer:
        raise InferError(f"the seed {{{i}}} must hold 2 ints, not {seed.dtype.name}", "dtype")
    if not ctx.compatible(seed.shape.rank, 1) or \
            seed.shape._dims is not None and not ctx.compatible(seed.shape._dims[0], 2):
        raise InferError(f"the seed {{{i}}} must hold 2 ints (shape [2]), not {seed.shape}")


def _infer_stateless(ctx, shape, seed, *, dtype):
    if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
        raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
    infer_seed(ctx, seed, 1)
    if dtype not in _FLOATS:
        raise InferError(f"dtype {dtype.name} is not float16, float32 or float64", "dtype")
    return ctx.shape_value(shape), dtype


def _size(shape):
    dims = tuple(int(d) for d in shape)
    if any(d < 0 for d in dims):
        raise ValueError(f"stateless random op: negative dim in shape {list(dims)}")
    return dims, int(np.prod(dims, dtype=np.int64))


def _uniform(seed, n, dtype):
    """n uniform [0, 1) values of dtype from the start of the seed's stream."""
    if dtype is dtypes.float64:
        w = P.stream(seed, 2 * n)
        return P.to_float64(w[0::2], w[1::2])
    w = P.stream(seed, n)
    return P.to_float16(w) if dtype is dtypes.float16 else P.to_float32(w)


def _uniform_kernel(shape, seed, *, dtype):
    dims, n = _size(shape)
    return _uniform(check_seed("stateless_random_uniform", seed), n, dtype).reshape(dims)


def _normal_kernel(shape, seed, *, dtype):
    dims, n = _size(shape)
    seed = check_seed("stateless_random_normal", seed)
    if dtype is dtypes.float64:
        w = P.stream(seed, 4 * -(-n // 2)).reshape(-1, 4)
        x = P.box_muller64(*w.T)
    else:
        w = P.stream(seed, 2 * -(-n // 2)).reshape(-1, 2)
        x = P.box_muller32(*w.T)
    return x.ravel()[:n].astype(dtype.np).reshape(dims)


def _truncated_kernel(shape, seed, *, dtype):
    """TF's StatelessTruncatedNormal: truncated_groups over the seed's Philox blocks."""
    dims, n = _size(shape)
    seed = check_seed("stateless_truncated_normal", seed)
    return truncated_groups(n, dims, dtype,
                            lambda at, more: P.blocks(seed, at.astype(np.uint64), more))


def truncated_groups(n, dims, dtype, blocks_at):
    """n truncated normals as TF draws them: groups of 4 (float64: 2) values, group g from
    block 256 g (128 g) on, each the Box-Muller values with |x| < 2, in order, from as
    many blocks as it needs. blocks_at(block offsets, count) gives [groups, count, 4]
    Philox words (random_generator_ops.py passes its key and counter's)."""
    wide = dtype is dtypes.float64
    group, skip = (2, 128) if wide else (4, 256)
    starts = np.arange(-(-n // group), dtype=np.int64) * skip
    out = np.zeros((starts.size, group), np.float64 if wide else np.float32)
    todo, taken, used = np.arange(starts.size), np.zeros(starts.size, np.int64), 0
    while todo.size:
        more = 2 if used == 0 else used        # enough for nearly every group at once
        w = blocks_at(starts[todo] + used, more)                  # [groups, more, 4]
        used += more
        x = P.box_muller64(*np.moveaxis(w, -1, 0)) if wide else \
            P.box_muller32(*np.moveaxis(w.reshape(w.shape[0], -1, 2), -1, 0))
        x = x.reshape(x.shape[0], -1)
        keep = np.abs(x) < 2.0
        rank = np.cumsum(keep, axis=1) - 1 + taken[todo, None]
        put = keep & (rank < group)
        rows = np.broadcast_to(todo[:, None], put.shape)
        out[rows[put], rank[put]] = x[put]
        taken[todo] = np.minimum(rank[:, -1] + 1, group)
        todo = todo[taken[todo] < group]
    return out.ravel()[:n].astype(dtype.np).reshape(dims)


def _stateless(name, api, kernel, doc):
    return register(OpDef(
        name, _infer_stateless, kernel, api=api, differentiable=False,
        signature=f"{api}(shape, seed, ..., dtype=float32)", shape_rule="`shape`",
        dtypes="shape, seed int -> float", doc=doc))


STATELESS_UNIFORM = _stateless("StatelessRandomUniform", "stateless_random_uniform",
                               _uniform_kernel, "Uniform [0, 1) values fixed by `seed` "
                               "(TF's bits).")
STATELESS_NORMAL = _stateless("StatelessRandomNormal", "stateless_random_normal",
                              _normal_kernel, "Standard normal values fixed by `seed` "
                              "(TF's bits).")
STATELESS_TRUNCATED = _stateless("StatelessTruncatedNormal", "stateless_truncated_normal",
                                 _truncated_kernel, "Normal values within 2 stddev, "
                                 "fixed by `seed` (TF's bits).")


# ---- integers -----------------------------------------------------------------------------
def _infer_int(ctx, shape, seed, minval, maxval, *, dtype):
    if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
        raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
    infer_seed(ctx, seed, 1)
    for i, t in ((2, minval), (3, maxval)):
        if t.dtype is not dtype or t.shape.rank not in (0, None):
            raise InferError(f"minval and maxval {{{i}}} must be {dtype.name} scalars")
    return ctx.shape_value(shape), dtype


def _words64(seed, n):
    w = P.stream(seed, 2 * n)
    return P.to_uint64(w[0::2], w[1::2])


def _uniform_int_kernel(shape, seed, minval, maxval, *, dtype):
    """lo + (bits mod (hi - lo)): TF's method (a bias of at most range / 2^32 or 2^64)."""
    api = "stateless_random_uniform"
    dims, n = _size(shape)
    seed = check_seed(api, seed)
    if not minval < maxval:
        raise ValueError(f"{api}: Need minval < maxval, got {minval} >= {maxval}")
    wide = dtype.np.itemsize == 8
    u = np.uint64 if wide else np.uint32
    span = (maxval.astype(dtype.np).astype(u) - minval.astype(dtype.np).astype(u))
    bits = _words64(seed, n) if wide else P.stream(seed, n)
    return (minval.astype(dtype.np).astype(u) + bits % span).astype(dtype.np).reshape(dims)


STATELESS_UNIFORM_INT = register(OpDef(
    "StatelessRandomUniformInt", _infer_int, _uniform_int_kernel,
    api="stateless_random_uniform", differentiable=False,
    signature="stateless_random_uniform(shape, seed, minval, maxval, dtype=int32)",
    shape_rule="`shape`", dtypes="int32/int64/uint32/uint64",
    doc="Integers in [minval, maxval) fixed by `seed` (TF's bits)."))


def _infer_full_int(ctx, shape, seed, *, dtype):
    if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
        raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
    infer_seed(ctx, seed, 1)
    if dtype not in _INTS:
        raise InferError(f"dtype {dtype.name} is not int32, int64, uint32 or uint64", "dtype")
    return ctx.shape_value(shape), dtype


def _full_int_kernel(shape, seed, *, dtype):
    dims, n = _size(shape)
    seed = check_seed("stateless_random_uniform", seed)
    bits = _words64(seed, n) if dtype.np.itemsize == 8 else P.stream(seed, n)
    return bits.astype(dtype.np).reshape(dims)


STATELESS_UNIFORM_FULL_INT = register(OpDef(
    "StatelessRandomUniformFullInt", _infer_full_int, _full_int_kernel,
    api="stateless_random_uniform", differentiable=False,
    signature="stateless_random_uniform(shape, seed, minval=None, maxval=None, dtype=int64)",
    shape_rule="`shape`", dtypes="int32/int64/uint32/uint64",
    doc="Integers over the dtype's whole range fixed by `seed` (TF's bits)."))


def _stateless_call(op, shape, seed, dtype, name, scale, shift):
    shape = _shape_tensor(shape, op.api)
    seed = convert_to_tensor(seed)
    x = apply1(op, (shape, seed), name=name or op.api, dtype=dtypes.as_dtype(dtype))
    return _scaled(x, scale, shift)


def _in(dtype, v):
    """v in dtype when a Python number (TF computes maxval - minval in dtype)."""
    return dtype.np.type(v) if isinstance(v, (int, float)) else v


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32,
                             name=None):
    """Uniform values in [minval, maxval) (maxval defaults to 1), the same as TF's for
    the same `seed` (2 ints): `gc.random.stateless_uniform([3], seed=[1, 2])`. An int
    dtype needs maxval (lo + bits mod (maxval - minval), TF's method) or, with
    minval=None and maxval=None, gives the dtype's whole range."""
    dtype = dtypes.as_dtype(dtype)
    api = "stateless_random_uniform"
    if dtype.is_integer:
        if dtype not in _INTS:
            raise ValueError(f"{api}: dtype {dtype.name} is not int32, int64, uint32 or uint64")
        if minval is None and maxval is None:
            return _stateless_call(STATELESS_UNIFORM_FULL_INT, shape, seed, dtype, name, 1, 0)
        if minval is None or maxval is None:
            raise ValueError(f"{api}: Must specify both maxval and minval for integer "
                             f"dtype {dtype.name} (or neither, for its whole range)")
        with name_scope(name, "stateless_random_uniform"):
            lo = convert_to_tensor(minval, dtype=dtype, name="min")
            hi = convert_to_tensor(maxval, dtype=dtype, name="max")
            return apply1(STATELESS_UNIFORM_INT, (_shape_tensor(shape, api),
                          convert_to_tensor(seed), lo, hi), name="StatelessRandomUniformInt",
                          dtype=dtype)
    if dtype not in _FLOATS:
        raise ValueError(f"{api}: dtype {dtype.name} is not a float or int dtype")
    maxval = 1 if maxval is None else maxval
    if isinstance(minval, (int, float)) and isinstance(maxval, (int, float)):
        span = dtype.np.type(maxval) - dtype.np.type(minval)
    else:
        span = maxval - minval
    return _stateless_call(STATELESS_UNIFORM, shape, seed, dtype, name, span,
                           _in(dtype, minval))


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                            name=None):
    """Normal values, the same as TF's for the same `seed` (2 ints):
    `gc.random.stateless_normal([2, 3], seed=[1, 2])`."""
    dtype = dtypes.as_dtype(dtype)
    return _stateless_call(STATELESS_NORMAL, shape, seed, dtype, name, _in(dtype, stddev),
                           _in(dtype, mean))


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None):
    """Normal values within 2 stddev of the mean, the same as TF's for the same `seed`:
    `gc.random.stateless_truncated_normal([3], seed=[3, 4])`."""
    dtype = dtypes.as_dtype(dtype)
    return _stateless_call(STATELESS_TRUNCATED, shape, seed, dtype, name,
                           _in(dtype, stddev), _in(dtype, mean))
