"""tf.random.experimental.stateless_shuffle: `value` with its first dimension in a
pseudorandom order fixed by a seed of 2 ints.

The order is the argsort of one 64-bit stateless draw per row (stateless_random_uniform
over the whole int64 range: Philox-4x32-10, TF's stream for that seed), so the same
seed gives the same permutation in every Session and graph, and every permutation is
equally likely (ties need two equal 64-bit draws). It is not TF's permutation: TF's
kernel walks its own Fisher-Yates order over the Philox stream.
"""
from .. import dtypes
from ..graph import name_scope
from .array import shape as shape_of
from .core import convert_to_tensor, identity, stop_gradient
from .gather import gather
from .random_stateless import stateless_random_uniform
from .sorting import argsort

__all__ = ["stateless_shuffle"]

_ALGS = ("philox", "threefry", "auto_select", 1, 2, 3)


def stateless_shuffle(value, seed, alg="auto_select", name=None):
    """`value` shuffled along its first dimension, the order fixed by `seed` (a shape
    [2] int32/int64 tensor); a scalar comes back unchanged, as in TF. There is no
    gradient through it (TF's op has none; graphc gives None for `value`).

        gc.random.experimental.stateless_shuffle(gc.range(5), seed=[1, 2])  # e.g. [2 1 3 4 0]
    """
    if hasattr(alg, "value") and not isinstance(alg, (int, str)):       # an Algorithm
        alg = alg.value
    if isinstance(alg, bool) or alg not in _ALGS:
        raise ValueError(f"Argument `alg` got unsupported value {alg}. Supported values "
                         f"are philox for the Philox algorithm, threefry for the ThreeFry "
                         f"algorithm, and auto_select")
    with name_scope(name, "stateless_shuffle"):
        value = convert_to_tensor(value, name="value")
        seed = convert_to_tensor(seed, name="seed")
        if value.shape.rank == 0:
            return identity(value, name="StatelessShuffle")
        n = shape_of(value, out_type=dtypes.int32)[:1]
        keys = stateless_random_uniform(n, seed, minval=None, maxval=None,
                                        dtype=dtypes.int64, name="keys")
        order = argsort(keys, name="order")
        return gather(stop_gradient(value), order, name="StatelessShuffle")
