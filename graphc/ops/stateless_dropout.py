"""tf.nn.experimental's dropouts (TF 2's, in tf.compat.v1 too): stateless_dropout, whose
mask is TF's for the same seed (graphc's stateless_random_uniform draws TF's Philox bits),
and general_dropout, which draws its mask from a sampler the user gives. Composites, so
their gradients are those of the ops they are made of:

    out = where(u >= rate, x * (1 / (1 - rate)), 0),    u ~ U[0, 1) of noise_shape

(x / (1 - rate) when rate is a tensor, differentiable in rate too). TF's _dropout, step
by step; gc.nn.experimental holds both (graphc/nn.py).
"""
import enum
import numbers

from ..graph import Tensor, name_scope
from ..shapes import TensorShape, as_shape
from . import array as A
from . import elementwise as E
from .array_extra import where_v2
from .core import convert_to_tensor
from .random_stateless import stateless_random_uniform

__all__ = ["stateless_dropout", "general_dropout"]

_PHILOX, _THREEFRY, _AUTO_SELECT = 1, 2, 3


def _unsupported_alg(alg):
    """TF's unsupported_alg_error_msg: the choices named as `alg` was given."""
    if isinstance(alg, int):
        names = (_PHILOX, _THREEFRY, _AUTO_SELECT)
    elif isinstance(alg, str):
        names = ("philox", "threefry", "auto_select")
    else:
        names = ("Algorithm.PHILOX", "Algorithm.THREEFRY", "Algorithm.AUTO_SELECT")
    return ValueError(f"Argument `alg` got unsupported value {alg}. Supported values are "
                      f"{names[0]} for the Philox algorithm, {names[1]} for the ThreeFry "
                      f"algorithm, and {names[2]} for auto-selection.")


def _check_alg(alg):
    """TF's convert_alg_to_int and choice of key and counter. Philox and auto_select
    (Philox on CPU) draw the same bits, graphc's; ThreeFry is refused now, where TF's CPU
    kernel fails when the graph runs ('counter must be a vector with length at least
    2')."""
    if alg is None:
        return
    value = alg
    if isinstance(alg, enum.Enum):                  # gc.random.experimental.Algorithm
        value = alg.value
    elif isinstance(alg, str):
        value = {"philox": _PHILOX, "threefry": _THREEFRY, "autoselect": _AUTO_SELECT}.get(
            alg.strip().lower().replace("-", "").replace("_", ""))
        if value is None:
            raise _unsupported_alg(alg)
    elif not isinstance(alg, (int, Tensor)):
        raise TypeError(f"Can't convert argument `alg` (of value {alg} and type "
                        f"{type(alg)}) to int.")
    if isinstance(value, Tensor) or value not in (_PHILOX, _THREEFRY, _AUTO_SELECT):
        raise _unsupported_alg(value if isinstance(value, int) else alg)
    if value == _THREEFRY:
        raise NotImplementedError(
            "stateless_dropout: rng_alg threefry: graphc has no ThreeFry (TF's CPU "
            "kernels fail on it when the graph runs); use philox or auto_select")


def _noise_shape(x, noise_shape):
    """TF's _get_noise_shape: x's dynamic shape; else noise_shape, its None dims taken
    from x's static shape where the ranks agree (a TensorShape then)."""
    if noise_shape is None:
        return A.shape(x)
    try:
        given = as_shape(noise_shape)
    except (TypeError, ValueError):
        return noise_shape
    dims = x.shape._dims
    if dims is not None and given._dims is not None and len(dims) == len(given._dims):
        return TensorShape([d if n is None and isinstance(d, int) else n
                            for d, n in zip(dims, given._dims)])
    return noise_shape


def _dropout(x, rate, noise_shape, uniform_sampler, name, default_name):
    """TF's _dropout: the checks in TF's order, then the scaled x where the draw keeps it."""
    with name_scope(name, default_name, [x]):
        is_number = isinstance(rate, numbers.Real)
        if is_number and (rate < 0 or rate >= 1):
            raise ValueError("`rate` must be a scalar tensor or a float in the range [0, 1). "
                             f"Received: rate={rate}")
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("`x.dtype` must be a floating point tensor as `x` will be "
                             f"scaled. Received: x_dtype={x.dtype!r}")
        if is_number and rate == 0:
            return x                            # TF's fast path: x itself
        if isinstance(rate, Tensor):
            rate.shape.assert_has_rank(0)
            if rate.dtype is not x.dtype:
                raise ValueError("`x.dtype` must be compatible with `rate.dtype`. Received: "
                                 f"x.dtype={x.dtype!r} and rate.dtype={rate.dtype!r}")
            one = convert_to_tensor(1, dtype=x.dtype)
            ret = E.divide(x, E.subtract(one, rate))
        elif is_number:
            scale = convert_to_tensor(1 / (1 - rate), dtype=x.dtype)
            ret = E.multiply(x, scale)
        else:
            raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")
        noise = uniform_sampler(shape=_noise_shape(x, noise_shape), dtype=x.dtype)
        keep = E.greater_equal(noise, convert_to_tensor(rate, dtype=x.dtype))
        out = where_v2(keep, ret, convert_to_tensor(0, dtype=x.dtype), name="SelectV2")
        out.set_shape(x.shape)
        return out


def stateless_dropout(x, rate, seed, rng_alg=None, noise_shape=None, name=None):
    """Dropout whose mask is fixed by `seed` (2 ints): the same in every run, and TF's
    for the same seed. Elements are kept where a stateless uniform draw is >= rate and
    scaled by 1 / (1 - rate); rate=0 (a number) returns x.

        y = gc.nn.experimental.stateless_dropout(x, rate=0.5, seed=[1, 0])
    """
    _check_alg(rng_alg)

    def sampler(shape, dtype):
        if isinstance(shape, TensorShape) and not shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a "
                             "Tensor.")
        return stateless_random_uniform(shape, seed, dtype=dtype)
    return _dropout(x, rate, noise_shape, sampler, name, "stateless_dropout")


def general_dropout(x, rate, uniform_sampler, noise_shape=None, name=None):
    """Dropout with the mask drawn by `uniform_sampler(shape=..., dtype=...)`, a U[0, 1)
    tensor of that shape and dtype (a Generator's uniform, say):

        g = gc.random.experimental.Generator.from_seed(7)
        y = gc.nn.experimental.general_dropout(x, 0.5, g.uniform)
    """
    return _dropout(x, rate, noise_shape, uniform_sampler, name, "general_dropout")

