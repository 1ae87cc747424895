"""tf.random.Generator in TF1 graph mode: a random number generator whose state lives
in an int64 variable [counter low, counter high, key] (Philox), with TF's bits.

    gen = gc.random.Generator.from_seed(1234)
    x = gen.normal([3])           # each run reads the state and advances it
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        a, b = sess.run(x), sess.run(x)      # TF's numbers, different each run

Each draw is an RngReadAndSkip (stateful: never folded or merged) feeding a pure op of
(key, counter): graphc/ops/random_generator_ops.py.
"""
import enum
import weakref

import numpy as np

from . import dtypes
from .graph import Tensor, get_default_graph, name_scope
from .ops import random_generator_ops as R
from .ops.random_generator_binomial import STATEFUL_BINOMIAL
from .ops.random_index_shuffle import index_shuffle
from .ops.registry import apply1

__all__ = ["Generator", "Algorithm", "create_rng_state", "get_global_generator",
           "set_global_generator", "experimental"]


class Algorithm(enum.Enum):
    """The RNG algorithms (TF's ids). graphc runs PHILOX (and AUTO_SELECT, which is
    Philox on CPU); THREEFRY states can be made but not drawn from, as on TF's CPU."""
    PHILOX = R.PHILOX
    THREEFRY = R.THREEFRY
    AUTO_SELECT = R.AUTO_SELECT


def _alg_int(alg):
    """An algorithm given as an int, Algorithm or name, as TF's int id."""
    if isinstance(alg, Algorithm):
        return alg.value
    if isinstance(alg, (int, np.integer)) and not isinstance(alg, bool):
        alg = int(alg)
        if alg in R.STATE_SIZE:
            return alg
    elif isinstance(alg, str):
        canon = alg.strip().lower().replace("-", "").replace("_", "")
        found = {"philox": R.PHILOX, "threefry": R.THREEFRY,
                 "autoselect": R.AUTO_SELECT}.get(canon)
        if found is not None:
            return found
    raise ValueError(f"Argument `alg` got unsupported value {alg!r}. Supported values are "
                     f"{R.PHILOX} for the Philox algorithm, {R.THREEFRY} for the ThreeFry "
                     f"algorithm, and {R.AUTO_SELECT} for auto-selection.")


def _to_int64(v):
    """Ints above 2^63 - 1 wrap to negative int64 (TF's _uint_to_int)."""
    v = int(v)
    return v - (1 << 64) if v >= (1 << 63) else v


def _state_value(seed, size):
    """A seed (int or list) as `size` int64s: a Python int in 64-bit chunks, lowest
    first; a list cut to `size` or padded with zeros in front."""
    if isinstance(seed, (int, np.integer)):
        seed, chunks = int(seed), []
        for _ in range(size):
            chunks.append(seed & ((1 << 64) - 1))
            seed >>= 64
        seed = chunks
    flat = [_to_int64(v) for v in np.asarray(seed, dtype=object).reshape(-1)][:size]
    return np.array([0] * (size - len(flat)) + flat, np.int64)


def create_rng_state(seed, alg):
    """A Generator state (int64 tensor, 3 for Philox, 2 for ThreeFry) from an int or a
    vector, as TF's tf.random.create_rng_state:

        gc.random.create_rng_state(1234, "philox")     # [1234, 0, 0]
    """
    from .ops import array as A
    from .ops.core import constant
    size = R.STATE_SIZE[_alg_int(alg)]
    if not isinstance(seed, Tensor):
        return constant(_state_value(seed, size), dtype=dtypes.int64)
    from .ops.cast import cast
    from .ops.creation import zeros
    from .ops.join import concat
    s = A.reshape(cast(seed, dtypes.int64), [-1])[:size]
    pad = zeros(A.reshape(size - A.shape(s)[0], [1]), dtypes.int64)
    out = concat([pad, s], 0)
    out.set_shape([size])
    return out


def _state_tensor(state):
    from .ops.cast import cast
    from .ops.core import constant
    if isinstance(state, Tensor):
        return cast(state, dtypes.int64)
    return constant(np.array([_to_int64(v) for v in np.asarray(state, object).ravel()],
                             np.int64).reshape(np.shape(state)), dtype=dtypes.int64)


def _check_size(state, alg, what="state"):
    size = R.STATE_SIZE[alg]
    dims = state.shape._dims
    if dims is not None and (len(dims) != 1 or dims[0] not in (None, size)):
        raise ValueError(f"Generator: the {what} must have shape [{size}] for algorithm "
                         f"{alg}, got {state.shape}")


class Generator:
    """TF's tf.random.Generator: draws advance a state variable (`gen.state`).

        gen = gc.random.Generator.from_seed(1)
        x = gen.uniform([2, 3], minval=-1.0, maxval=1.0)
    """

    @classmethod
    def from_state(cls, state, alg):
        """A generator whose variable starts at `state`."""
        return cls(state=state, alg=alg)

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose state is create_rng_state(seed, alg) (alg: Philox)."""
        alg = _alg_int(Algorithm.PHILOX if alg is None else alg)
        return cls(state=create_rng_state(seed, alg), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator whose state comes from the OS's entropy (new in each init run)."""
        from .ops.random import _shape_tensor
        alg = _alg_int(Algorithm.PHILOX if alg is None else alg)
        state = apply1(R.NON_DETERMINISTIC_INTS, (_shape_tensor([R.STATE_SIZE[alg]]),),
                       name="NonDeterministicInts", dtype=dtypes.int64)
        return cls(state=state, alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        """A generator whose state is counter + [key]."""
        alg = _alg_int(alg)
        return cls(state=cls._key_counter_state(key, counter, alg), alg=alg)

    @staticmethod
    def _key_counter_state(key, counter, alg):
        from .ops import array as A
        from .ops.join import concat
        counter, key = _state_tensor(counter), _state_tensor(key)
        _check_size(concat([counter, A.reshape(key, [1])], 0), alg, "counter + key")
        if key.shape.rank not in (0, None):
            raise ValueError(f"Generator: the key must be a scalar, got {key.shape}")
        return concat([counter, A.reshape(key, [1])], 0)

    def __init__(self, copy_from=None, state=None, alg=None):
        from .ops.state import Variable
        if copy_from is not None:
            if state is not None or alg is not None:
                raise ValueError("Generator: give copy_from, or state and alg, not both")
            state, alg = copy_from.state, copy_from.algorithm
        elif state is None or alg is None:
            raise ValueError("Generator: state and alg must be given together")
        alg = _alg_int(alg)
        if isinstance(state, Variable) and copy_from is None:
            _check_size(state, alg)
            self._state_var = state
        else:
            state = _state_tensor(state)
            _check_size(state, alg)
            with name_scope("random_generator"):
                self._state_var = Variable(state, dtype=dtypes.int64, trainable=False,
                                           name="StateVar")
        self._alg = alg

    @property
    def state(self):
        """The state variable (int64 [3] for Philox)."""
        return self._state_var

    @property
    def algorithm(self):
        """The algorithm's int id (1 Philox, 2 ThreeFry, 3 auto-select)."""
        return self._alg

    @property
    def key(self):
        """The key part of the state (its last element), an int64 scalar tensor."""
        return self._state_var[-1]

    def reset(self, state):
        """An op setting the state (TF runs it at once in eager mode and returns None;
        graph mode needs the op: run it)."""
        state = _state_tensor(state)
        _check_size(state, self._alg)
        return self._state_var.assign(state)

    def reset_from_seed(self, seed):
        """An op setting the state to create_rng_state(seed, alg)."""
        return self._state_var.assign(create_rng_state(seed, self._alg))

    def reset_from_key_counter(self, key, counter):
        """An op setting the state to counter + [key]."""
        return self._state_var.assign(self._key_counter_state(key, counter, self._alg))

    def skip(self, delta):
        """The state, then advances it as drawing `delta` values would (int64 [3])."""
        from .ops.core import convert_to_tensor
        delta = convert_to_tensor(delta, name="delta")
        return apply1(R.RNG_READ_AND_SKIP, (delta,), name="RngReadAndSkip",
                      var=self._state_var.node, alg=self._alg)

    def _key_counter(self, shape):
        from .ops.misc_ops import bitcast
        from .ops.reduce import reduce_prod
        state = self.skip(reduce_prod(shape))
        return (bitcast(state[2:3], dtypes.uint64), bitcast(state[:2], dtypes.uint64))

    def _draw(self, op, shape, dtype, *extra, name=None):
        if self._alg == R.THREEFRY:
            raise NotImplementedError(
                "Generator: graphc (like TF on CPU: 'Non-XLA devices don't support the "
                "ThreeFry algorithm') cannot draw with ThreeFry; use Algorithm.PHILOX")
        key, counter = self._key_counter(shape)
        return apply1(op, (shape, key, counter) + extra, name=name or op.name,
                      dtype=dtypes.as_dtype(dtype), alg=self._alg)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        """Normal values: `gen.normal([2, 3], stddev=0.1)`."""
        from .ops.core import convert_to_tensor
        from .ops.elementwise import add
        from .ops.random import _shape_tensor
        with name_scope(name, "stateful_normal") as scope:
            shape = _shape_tensor(shape)
            mean = convert_to_tensor(mean, dtype=dtype, name="mean")
            stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
            x = self._draw(R.NORMAL_V2, shape, dtype)
            return add(x * stddev, mean, name=scope)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                         name=None):
        """Normal values within 2 stddev of the mean: `gen.truncated_normal([3])`."""
        from .ops.core import convert_to_tensor
        from .ops.elementwise import add
        from .ops.random import _shape_tensor
        with name_scope(name, "truncated_normal") as scope:
            shape = _shape_tensor(shape)
            mean = convert_to_tensor(mean, dtype=dtype, name="mean")
            stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
            x = self._draw(R.TRUNCATED_V2, shape, dtype)
            return add(x * stddev, mean, name=scope)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        """Uniform values in [minval, maxval) (floats: maxval 1 by default; ints: both
        bounds, or neither for the whole range): `gen.uniform([3], 0, 10, gc.int32)`."""
        from .ops.core import convert_to_tensor
        from .ops.elementwise import add
        from .ops.random import _shape_tensor
        dtype = dtypes.as_dtype(dtype)
        if dtype.is_integer:
            if (minval is None) != (maxval is None):
                raise ValueError(f"For integer dtype {dtype.name}, minval and maxval must "
                                 f"be both `None` or both non-`None`; got minval={minval} "
                                 f"and maxval={maxval}")
        elif maxval is None:
            maxval = 1
        with name_scope(name, "stateful_uniform") as scope:
            leaf = scope
            shape = _shape_tensor(shape)
            if dtype.is_integer and minval is None:
                return self._draw(R.FULL_INT_V2, shape, dtype, name=leaf)
            lo = convert_to_tensor(minval, dtype=dtype, name="min")
            hi = convert_to_tensor(maxval, dtype=dtype, name="max")
            if dtype.is_integer:
                return self._draw(R.INT_V2, shape, dtype, lo, hi, name=leaf)
            return add(self._draw(R.UNIFORM_V2, shape, dtype) * (hi - lo), lo, name=leaf)

    def uniform_full_int(self, shape, dtype=dtypes.uint64, name=None):
        """Integers over the dtype's whole range: `gen.uniform_full_int([2], gc.int64)`."""
        from .ops.random import _shape_tensor
        with name_scope(name, "stateful_uniform_full_int") as scope:
            return self._draw(R.FULL_INT_V2, _shape_tensor(shape), dtype,
                              name=scope)

    def binomial(self, shape, counts, probs, dtype=dtypes.int32, name=None):
        """Binomial(counts, probs) samples; counts and probs broadcast to the last dims
        of `shape`: `gen.binomial([5, 2], counts=[10., 20.], probs=0.3)`."""
        from .ops.core import convert_to_tensor
        from .ops.random import _shape_tensor
        if self._alg == R.THREEFRY:
            self._draw(None, None, None)          # raises the ThreeFry error
        with name_scope(name, "binomial") as scope:
            counts = convert_to_tensor(counts, name="counts")
            probs = convert_to_tensor(probs, name="probs")
            return apply1(STATEFUL_BINOMIAL, (_shape_tensor(shape), counts, probs),
                          name=scope,
                          var=self._state_var.node, alg=self._alg,
                          dtype=dtypes.as_dtype(dtype))

    def make_seeds(self, count=1):
        """Seeds for the stateless ops, int64 [2, count]: column i is seed i."""
        from .ops.creation import zeros_like
        from .ops.join import stack
        keys = self.uniform_full_int([count], dtype=dtypes.int64)
        return stack([keys, zeros_like(keys)])

    def split(self, count=1):
        """`count` new generators, state [0, 0, key_i] with keys drawn from this one
        (TF raises NotImplementedError for split in graph mode; graphc allows it: a
        child's initializer draws its key, so initialize this generator first)."""
        from .ops.join import stack, unstack
        from .ops.creation import zeros
        keys = self.uniform_full_int([count], dtype=dtypes.int64)
        size = R.STATE_SIZE[self._alg]
        return [Generator(state=stack([zeros([], dtypes.int64)] * (size - 1) + [k]),
                          alg=self._alg) for k in unstack(keys, num=count)]


_GLOBAL = weakref.WeakKeyDictionary()      # graph -> its global Generator


def get_global_generator():
    """The default graph's global Generator, made from the OS's entropy on the first
    call (TF keeps one per process, outside any graph; graphc keeps one per graph)."""
    graph = get_default_graph()
    if graph not in _GLOBAL:
        _GLOBAL[graph] = Generator.from_non_deterministic_state()
    return _GLOBAL[graph]


def set_global_generator(generator):
    """Makes `generator` the global Generator of its state variable's graph."""
    _GLOBAL[generator.state.graph] = generator


def _experimental():
    from .namespaces import _namespace
    from .ops.random_shuffle_stateless import stateless_shuffle
    from .ops.random_stateless_more import fold_in, split
    g = dict(globals(), index_shuffle=index_shuffle, stateless_fold_in=fold_in,
             stateless_split=split, stateless_shuffle=stateless_shuffle)
    return _namespace("random.experimental", "tf.random.experimental (TF1 names).",
                      ["Algorithm", "Generator", "create_rng_state", "get_global_generator",
                       "set_global_generator", "index_shuffle", "stateless_fold_in",
                       "stateless_split", "stateless_shuffle"], g)


experimental = _experimental()
