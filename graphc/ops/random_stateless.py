"""TF1's stateless random ops: deterministic functions of (shape, seed), the same
numbers in every run and Session. Moved out of random_extra.py (which re-exports them)
to keep it small."""
import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..shapes import InferError
from .core import convert_to_tensor
from .elementwise import cast, floor
from .random import _normal_kernel, _scaled, _shape_tensor, _truncated_kernel, _uniform_kernel
from .registry import OpDef, apply1, register

__all__ = ["stateless_random_uniform", "stateless_random_normal",
           "stateless_truncated_normal"]


# ---- stateless ops: deterministic functions of (shape, seed) -------------------------------
class _Fixed:
    """A stand-in for the Runtime whose rng() is a generator made from the seed tensor."""
    __slots__ = ("gen",)

    def __init__(self, seed):
        self.gen = np.random.default_rng(list(seed.astype(np.int64).view(np.uint64)))

    def rng(self):
        return self.gen


def _infer_stateless(ctx, shape, seed, *, dtype):
    if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
        raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
    if not seed.dtype.is_integer:
        raise InferError(f"the seed {{1}} must hold 2 ints, not {seed.dtype.name}", "dtype")
    if not ctx.compatible(seed.shape.rank, 1) or \
            seed.shape.dims is not None and not ctx.compatible(seed.shape.dims[0], 2):
        raise InferError(f"the seed {{1}} must hold 2 ints (shape [2]), not {seed.shape}")
    if not dtype.is_floating:
        raise InferError(f"dtype {dtype.name} is not a float dtype", "dtype")
    return ctx.shape_value(shape), dtype


def _stateless(name, api, kernel, doc):
    def run(shape, seed, *, dtype):
        if seed.shape != (2,):
            raise ValueError(f"{api}: the seed must hold 2 ints, got shape {seed.shape}")
        return kernel(_Fixed(seed), shape, dtype=dtype, seed=None)
    return register(OpDef(
        name, _infer_stateless, run, api=api, differentiable=False,
        signature=f"{api}(shape, seed, ..., dtype=float32)", shape_rule="`shape`",
        dtypes="shape, seed int -> float", doc=doc))


STATELESS_UNIFORM = _stateless("StatelessRandomUniform", "stateless_random_uniform",
                               _uniform_kernel, "Uniform [0, 1) values fixed by `seed`.")
STATELESS_NORMAL = _stateless("StatelessRandomNormal", "stateless_random_normal",
                              _normal_kernel, "Standard normal values fixed by `seed`.")
STATELESS_TRUNCATED = _stateless("StatelessTruncatedNormal", "stateless_truncated_normal",
                                 _truncated_kernel, "Normal values within 2 stddev, "
                                 "fixed by `seed`.")


def _stateless_call(op, shape, seed, dtype, name, scale, shift):
    shape = _shape_tensor(shape)
    seed = convert_to_tensor(seed)
    x = apply1(op, (shape, seed), name=name or op.api, dtype=dtypes.as_dtype(dtype))
    return _scaled(x, scale, shift)


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32,
                             name=None):
    """Uniform values in [minval, maxval) (maxval defaults to 1), the same for the same
    `seed` (2 ints) in every run and Session: `gc.stateless_random_uniform([3], [1, 2])`.
    An integer dtype needs maxval: floor(u * (maxval - minval)) + minval from a float64 u."""
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"stateless_random_uniform: an integer dtype ({dtype.name}) "
                             f"needs maxval")
        with name_scope(name, "stateless_random_uniform"):
            lo = convert_to_tensor(minval, dtype=dtype)
            hi = convert_to_tensor(maxval, dtype=dtype)
            u = _stateless_call(STATELESS_UNIFORM, shape, seed, dtypes.float64, None, 1, 0)
            span = cast(hi - lo, dtypes.float64)
            return cast(floor(u * span), dtype) + lo
    maxval = 1 if maxval is None else maxval
    return _stateless_call(STATELESS_UNIFORM, shape, seed, dtype, name,
                           maxval - minval, minval)


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                            name=None):
    """Normal values fixed by `seed` (2 ints): the same in every run and Session."""
    return _stateless_call(STATELESS_NORMAL, shape, seed, dtype, name, stddev, mean)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None):
    """Normal values within 2 stddev of the mean, fixed by `seed` (2 ints)."""
    return _stateless_call(STATELESS_TRUNCATED, shape, seed, dtype, name, stddev, mean)

