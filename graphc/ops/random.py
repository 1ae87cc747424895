"""Random ops (TF1 seeding): random_normal, random_uniform, truncated_normal,
random_shuffle, set_random_seed, and the composite random_crop.

Each op draws from its own numpy Generator in the Session (Runtime.rng), seeded from the
node's `seed` attr: (graph seed, op seed), or None for fresh entropy. The same seeds give
the same numbers in every fresh Session; successive runs of an op give new numbers.
"""
import numpy as np

from .. import dtypes
from ..graph import Tensor, get_default_graph
from ..shapes import InferError
from .array import _shape_tensor as _checked_shape
from .core import convert_to_tensor
from .registry import OpDef, apply1, constant_value, register

__all__ = ["random_normal", "random_uniform", "truncated_normal", "random_shuffle",
           "set_random_seed", "random_crop"]

DEFAULT_GRAPH_SEED = 87654321   # TF1's graph seed when only the op seed is set
_UNSEEDED = [None]   # the Generator unseeded draws take their seeds from; None: the OS


def fresh_entropy():
    """Seed words for a random op, shuffle or queue that has no seed: fresh entropy from
    the OS (TF1), or the next words of the sequence `seed_unseeded` fixed."""
    source = _UNSEEDED[0]
    if source is None:
        return [int(w) for w in np.random.SeedSequence().generate_state(2)]
    return [int(w) for w in source.integers(0, 2**32, size=2)]


def seed_unseeded(seed):
    """Makes every later unseeded draw in this process repeatable from `seed` (None: back
    to fresh OS entropy). Not TF1 API: test harnesses use it (as TF's test case sets a
    graph seed) so that a run of a test suite cannot pass or fail by chance."""
    _UNSEEDED[0] = None if seed is None else np.random.default_rng(seed)


def set_random_seed(seed):
    """Sets the graph-level seed of the default graph (TF1 tf.set_random_seed).

    Random ops built afterwards without a seed get a deterministic op seed, so a
    program's random numbers repeat from run to run of the program."""
    get_default_graph().seed = None if seed is None else int(seed)


_MAXINT32 = 2 ** 31 - 1


def get_seed(graph, op_seed):
    """The (graph seed, op seed) pair of a new random op, or None (TF1's get_seed)."""
    if graph.seed is not None:
        # an op seed from the number of nodes so far: deterministic for a given program
        seeds = (graph.seed, len(graph.nodes) if op_seed is None else int(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, int(op_seed))
    else:
        return None
    # TF1 keeps both seeds below 2**31 - 1, and (0, 0) means "unseeded" to its kernels
    seeds = tuple(s % _MAXINT32 for s in seeds)
    return (0, _MAXINT32) if seeds == (0, 0) else seeds


def _shape_tensor(shape, api=None):
    """The shape argument of a random op as a 1-D int tensor named "shape" (array.py's
    checked conversion: a non-int size is a DTypeError)."""
    return _checked_shape(shape, api, "shape", name="shape")


def _graph_of(*xs):
    for x in xs:
        if isinstance(x, Tensor):
            return x.graph
    return get_default_graph()


def _infer_random(kind):
    def infer(ctx, shape, *, dtype, seed):
        if not shape.dtype.is_integer:
            raise InferError(f"the shape {{0}} must be an int tensor, not {shape.dtype.name}",
                             "dtype")
        if shape.shape.rank not in (1, None):
            raise InferError(f"the shape {{0}} must be 1-D, not of shape {shape.shape}")
        ok = dtype.is_floating if kind == "float" else dtype.is_integer
        if not ok:
            raise InferError(f"dtype {dtype.name} is not a {kind} dtype", "dtype")
        return ctx.shape_value(shape), dtype
    return infer


def _dims(shape):
    return tuple(int(d) for d in shape)


def _normal_kernel(rt, shape, *, dtype, seed):
    return rt.rng().standard_normal(_dims(shape)).astype(dtype.np, copy=False)


def _uniform_kernel(rt, shape, *, dtype, seed):
    """[0, 1) in dtype: a draw that rounds up to 1 there (float16, float32) becomes the
    largest value below 1, as TF's never reach 1 (-log(1 - u) stays finite)."""
    u = rt.rng().random(_dims(shape)).astype(dtype.np, copy=False)
    if dtype.np != np.float64:
        t = np.dtype(dtype.np).type
        np.minimum(u, np.nextafter(t(1), t(0)), out=u)
    return u


def _truncated_kernel(rt, shape, *, dtype, seed):
    """Standard normal values, redrawn until all lie within 2 standard deviations."""
    gen = rt.rng()
    x = gen.standard_normal(_dims(shape))
    bad = np.abs(x) > 2
    while bad.any():        # each round keeps ~95% of the redrawn values
        x[bad] = gen.standard_normal(int(bad.sum()))
        bad = np.abs(x) > 2
    return x.astype(dtype.np, copy=False)


def _random_op(name, api, kernel, doc, kind="float"):
    return register(OpDef(
        name, _infer_random(kind), kernel, api=api, random=True, uses_state=True,
        differentiable=False, signature=f"{api}(shape, ..., dtype=float32, seed=None)",
        shape_rule="`shape` (a 1-D int tensor)", dtypes=f"shape int -> {kind}", doc=doc))


RANDOM_NORMAL = _random_op("RandomStandardNormal", "random_normal", _normal_kernel,
                           "Standard normal samples (mean and stddev are applied after).")
RANDOM_UNIFORM = _random_op("RandomUniform", "random_uniform", _uniform_kernel,
                            "Uniform samples in [0, 1) (scaled to [minval, maxval) after).")
TRUNCATED_NORMAL = _random_op("TruncatedNormal", "truncated_normal", _truncated_kernel,
                              "Standard normal samples redrawn beyond 2 stddev.")


def _infer_uniform_int(ctx, shape, minval, maxval, *, seed):
    infer = _infer_random("int")
    out = infer(ctx, shape, dtype=minval.dtype, seed=seed)
    ctx.same_dtype(1, 2)
    for i, t in ((1, minval), (2, maxval)):
        if t.shape.rank not in (0, None):
            raise InferError(f"{{{i}}} must be a scalar, not of shape {t.shape}")
    return out


def _uniform_int_kernel(rt, shape, minval, maxval, *, seed):
    if not minval < maxval:
        raise ValueError(f"random_uniform needs minval < maxval, got {minval} and {maxval}")
    return rt.rng().integers(minval, maxval, size=_dims(shape), dtype=minval.dtype)


RANDOM_UNIFORM_INT = register(OpDef(
    "RandomUniformInt", _infer_uniform_int, _uniform_int_kernel, api="random_uniform",
    random=True, uses_state=True, differentiable=False,
    signature="random_uniform(shape, minval, maxval, dtype=int32, seed=None)",
    shape_rule="`shape` (a 1-D int tensor)", dtypes="shape int; minval, maxval int",
    doc="Uniform integers in [minval, maxval)."))


def _infer_shuffle(ctx, value, *, seed):
    if value.shape.rank == 0:
        raise InferError("{0} is a scalar: random_shuffle needs rank >= 1")
    return value.shape, value.dtype


def _shuffle_kernel(rt, value, *, seed):
    return value[rt.rng().permutation(value.shape[0])]


RANDOM_SHUFFLE = register(OpDef(
    "RandomShuffle", _infer_shuffle, _shuffle_kernel, api="random_shuffle", random=True,
    uses_state=True, differentiable=False,
    signature="random_shuffle(value, seed=None, name=None)", shape_rule="same as value",
    dtypes="any", doc="value with its first dimension randomly permuted."))


def _scaled(x, scale, shift):
    """x * scale + shift, skipping the identity cases (TF1 always multiplies)."""
    if not (isinstance(scale, (int, float)) and scale == 1):
        x = x * scale
    if not (isinstance(shift, (int, float)) and shift == 0):
        x = x + shift
    return x


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples of `shape`: `gc.random_normal([784, 10], stddev=0.1)`."""
    shape = _shape_tensor(shape, "random_normal")
    dtype = dtypes.as_dtype(dtype)
    x = apply1(RANDOM_NORMAL, (shape,), name=name or "random_normal", dtype=dtype,
               seed=get_seed(_graph_of(shape, mean, stddev), seed))
    return _scaled(x, stddev, mean)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None,
                     name=None):
    """Normal samples of `shape`, redrawn where beyond 2 stddev from the mean."""
    shape = _shape_tensor(shape, "truncated_normal")
    dtype = dtypes.as_dtype(dtype)
    x = apply1(TRUNCATED_NORMAL, (shape,), name=name or "truncated_normal", dtype=dtype,
               seed=get_seed(_graph_of(shape, mean, stddev), seed))
    return _scaled(x, stddev, mean)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None,
                   name=None):
    """Uniform samples in [minval, maxval) (maxval defaults to 1 for floats; integer
    dtypes need maxval): `gc.random_uniform([2, 3], -1.0, 1.0)`."""
    shape = _shape_tensor(shape, "random_uniform")
    dtype = dtypes.as_dtype(dtype)
    graph_seed = get_seed(_graph_of(shape, minval, maxval), seed)
    if dtype.is_integer:
        if maxval is None:
            raise ValueError(f"random_uniform: an integer dtype ({dtype.name}) needs maxval")
        lo = convert_to_tensor(minval, dtype=dtype)
        hi = convert_to_tensor(maxval, dtype=dtype)
        return apply1(RANDOM_UNIFORM_INT, (shape, lo, hi), name=name or "random_uniform",
                      seed=graph_seed)
    x = apply1(RANDOM_UNIFORM, (shape,), name=name or "random_uniform", dtype=dtype,
               seed=graph_seed)
    maxval = 1 if maxval is None else maxval
    if isinstance(minval, (int, float)) and isinstance(maxval, (int, float)):
        return _scaled(x, float(maxval - minval), float(minval))
    return x * (maxval - minval) + minval


def random_shuffle(value, seed=None, name=None):
    """value with its first dimension randomly permuted (a scalar as it is, TF1)."""
    value = convert_to_tensor(value)
    if value.shape.rank == 0:
        from .core import identity
        return identity(value, name=name or "RandomShuffle")
    return apply1(RANDOM_SHUFFLE, (value,), name=name,
                  seed=get_seed(value.graph, seed))


def random_crop(value, size, seed=None, name=None):
    """A size-shaped slice of value at a uniformly drawn offset (TF1: offset =
    random_uniform(int32) % (shape - size + 1)); needs shape >= size in every dim.

        patch = gc.random_crop(image, [24, 24, 3])
    """
    from .. import errors
    from ..graph import control_dependencies, name_scope
    from .array import shape as shape_of, slice as slice_
    from .asserts import Assert
    from .core import identity
    from .elementwise import greater_equal, mod
    from .reduce import reduce_all
    with name_scope(name, "random_crop"):
        value = convert_to_tensor(value)
        size = convert_to_tensor(size, dtype=dtypes.int32)
        want = constant_value(size)
        dims = value.shape._dims
        if want is not None and dims is not None:
            want = np.asarray(want).reshape(-1)
            if len(want) != len(dims) or any(isinstance(d, int) and d < w
                                             for d, w in zip(dims, want)):
                raise errors.ShapeError(
                    f"random_crop: need value.shape >= size, got size {want.tolist()}\n"
                    f"  {errors.describe_tensor(value, 'value')}" + errors.called_at("random_crop"))
        full = shape_of(value)
        if dims is None or want is None or None in dims:
            check = Assert(reduce_all(greater_equal(full, size)),
                           ["Need value.shape >= size, got ", full, size])
            with control_dependencies([check]):
                full = identity(full)
        limit = full - size + 1
        offset = random_uniform(shape_of(full), maxval=np.iinfo(np.int32).max,
                                dtype=dtypes.int32, seed=seed)
        return slice_(value, mod(offset, limit), size)
