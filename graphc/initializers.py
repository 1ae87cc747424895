"""Initializers (TF1 tf.initializers and the tf.*_initializer names): objects called as
`init(shape, dtype=None, partition_info=None)` that build a variable's initial value.

    init = gc.truncated_normal_initializer(stddev=0.1, seed=1)
    W = gc.get_variable("W", [784, 100], initializer=init)

The value is a graphc tensor made of constants or gc.random_* ops, so `seed` works as it
does for those ops (with the graph seed of gc.set_random_seed). Each run of a variable's
initializer draws anew. Shapes are lists of ints (a 1-D int tensor works for zeros,
ones and the random initializers).
"""
import math

import numpy as np

from . import dtypes, errors
from .graph import Tensor
from .ops.creation import fill
from .ops.core import constant as _constant
from .ops.random import random_normal as _normal
from .ops.random import random_uniform as _uniform
from .ops.random import truncated_normal as _truncated
from .ops.state import (global_variables_initializer, local_variables_initializer,
                        variables_initializer)
from .ops.lookup_ops import tables_initializer  # noqa: F401  (TF1 has it here too)
from .shapes import as_shape

__all__ = ["tables_initializer", "Initializer", "Zeros", "Ones", "Constant", "RandomUniform",
           "RandomNormal",
           "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal", "Identity",
           "Orthogonal", "orthogonal_initializer", "orthogonal", "UniformUnitScaling",
           "uniform_unit_scaling_initializer", "uniform_unit_scaling",
           "zeros_initializer", "ones_initializer", "constant_initializer",
           "random_uniform_initializer", "random_normal_initializer",
           "truncated_normal_initializer", "variance_scaling_initializer",
           "glorot_uniform_initializer", "glorot_normal_initializer", "zeros", "ones",
           "constant", "random_uniform", "random_normal", "truncated_normal",
           "variance_scaling", "glorot_uniform", "glorot_normal", "identity", "he_normal",
           "he_uniform", "lecun_normal", "lecun_uniform", "global_variables",
           "local_variables", "variables"]

# the standard deviation of a standard normal truncated to [-2, 2]
# (scipy.stats.truncnorm.std(a=-2, b=2)); TF1 divides by it to keep the wanted variance
_TRUNCATED_STD = .87962566103423978


def _float(dtype, who):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise errors.DTypeError(f"{who}: expected a floating point dtype, got {dtype.name}")
    return dtype


def _static(shape, who):
    """The shape as a tuple of ints; an error if it is not fully known."""
    if isinstance(shape, Tensor):
        raise ValueError(f"{who}: needs a shape of known ints, not the tensor {shape.name}")
    s = as_shape(shape)
    if not s.is_fully_defined():
        raise ValueError(f"{who}: needs a fully known shape, got {s}")
    return tuple(s._dims)


def _shape_arg(shape, who):
    return shape if isinstance(shape, Tensor) else _static(shape, who)


def _compute_fans(shape):
    """(fan_in, fan_out) of a weight shape: (in, out) for a matrix; for a convolution
    kernel (..., in, out) both are multiplied by the receptive field (TF1)."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    field = int(np.prod(shape[:-2]))
    return shape[-2] * field, shape[-1] * field


class Initializer:
    """Base class: `__call__(shape, dtype=None, partition_info=None)` returns a tensor."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    """Zeros (False for bool): `gc.get_variable("b", [10], initializer=gc.zeros_initializer())`."""
    _value = 0

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = dtypes.as_dtype(self.dtype if dtype is None else dtype)
        value = np.array(self._value, dtype.np)
        shape = _shape_arg(shape, type(self).__name__.lower())
        if isinstance(shape, Tensor):
            return fill(shape, _constant(value, dtype=dtype))
        return _constant(value, dtype=dtype, shape=shape, name=type(self).__name__.lower())

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Zeros):
    """Ones (True for bool): `gc.ones_initializer()`."""
    _value = 1


class Constant(Initializer):
    """A given value: a scalar fills the shape; an array (list, numpy) must have exactly
    the shape's number of elements (with verify_shape, the shape itself).

        gc.get_variable("b", [3], initializer=gc.constant_initializer([0.1, 0.2, 0.3]))

    (TF1 repeats the last value when there are too few; graphc refuses.)"""

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(f"Invalid type for initial value: {type(value).__name__} "
                            "(expected Python scalar, list or tuple of values, or "
                            "numpy.ndarray).")
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        dtype = dtypes.as_dtype(self.dtype if dtype is None else dtype)
        verify = self._verify_shape if verify_shape is None else verify_shape
        shape = _static(shape, "constant_initializer")
        arr = np.asarray(self.value)
        if verify and arr.shape != shape:
            raise errors.ShapeError(f"constant_initializer: expected a value of shape "
                                    f"{shape}, got {arr.shape} (verify_shape=True)")
        n = int(np.prod(shape))
        if arr.size > n:
            raise errors.ShapeError(
                f"constant_initializer: a value of {arr.size} elements cannot initialize "
                f"shape {shape} ({n} elements)")
        if 1 < arr.size < n:        # TF1: the last value fills the rest
            arr = np.concatenate([arr.ravel(), np.repeat(arr.ravel()[-1:], n - arr.size)])
            return _constant(arr.reshape(shape), dtype=dtype, shape=shape)
        return _constant(self.value, dtype=dtype, shape=shape)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Uniform in [minval, maxval) (maxval defaults to 1 for floats; ints need it)."""

    def __init__(self, minval=0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = dtypes.as_dtype(self.dtype if dtype is None else dtype)
        return _uniform(_shape_arg(shape, "random_uniform_initializer"), self.minval,
                              self.maxval, dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class UniformUnitScaling(Initializer):
    """Uniform in [-m, m), m = factor * sqrt(3 / input_size), input_size the product of
    all dims but the last (at least 1): TF1's uniform_unit_scaling_initializer, which
    keeps a linear layer's output scale equal to its input's."""

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        self.factor, self.seed = factor, seed
        self.dtype = _float(dtype, "uniform_unit_scaling_initializer")

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float(self.dtype if dtype is None else dtype,
                       "uniform_unit_scaling_initializer")
        shape = _static(shape, "uniform_unit_scaling_initializer")
        # a part of a partitioned variable is scaled by the full variable's shape (TF1)
        full = shape if partition_info is None else partition_info.full_shape
        m = self.factor * math.sqrt(3.0 / max(float(np.prod(full[:-1])), 1.0))
        return _uniform(shape, -m, m, dtype, seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


class RandomNormal(Initializer):
    """Normal with `mean` and `stddev`: `gc.random_normal_initializer(stddev=0.01)`."""
    _draw = staticmethod(_normal)

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float(dtype, type(self).__name__)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float(self.dtype if dtype is None else dtype, type(self).__name__)
        return self._draw(_shape_arg(shape, type(self).__name__), self.mean, self.stddev,
                          dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """Normal with `mean` and `stddev`, redrawn beyond 2 stddev from the mean."""
    _draw = staticmethod(_truncated)


class VarianceScaling(Initializer):
    """Values of variance scale / n, n = fan_in, fan_out or their average (`mode`):

        gc.variance_scaling_initializer(scale=2.0, mode="fan_in")     # He et al.

    distribution "truncated_normal" (or "normal"): a normal cut at 2 stddev, stddev
    sqrt(scale / n) / .8796 (the cut's correction); "untruncated_normal": stddev
    sqrt(scale / n); "uniform": in [-limit, limit], limit = sqrt(3 scale / n). For a
    kernel (..., in, out) the fans are in and out times the receptive field size.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if scale <= 0.:
            raise ValueError(f"`scale` must be positive float, got {scale!r}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode!r} (fan_in, fan_out, fan_avg)")
        distribution = distribution.lower()
        if distribution not in ("normal", "uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution!r} (uniform, "
                             "truncated_normal, untruncated_normal, normal)")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.seed = seed
        self.dtype = _float(dtype, "variance_scaling_initializer")

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float(self.dtype if dtype is None else dtype, "variance_scaling_initializer")
        shape = _static(shape, "variance_scaling_initializer")
        full = shape if partition_info is None else tuple(partition_info.full_shape)
        fan_in, fan_out = _compute_fans(full)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.}
        scale = self.scale / max(1., n[self.mode])
        if self.distribution in ("normal", "truncated_normal"):
            return _truncated(shape, 0.0, math.sqrt(scale) / _TRUNCATED_STD, dtype,
                                    seed=self.seed)
        if self.distribution == "untruncated_normal":
            return _normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return _uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio);
    get_variable's default for float variables."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(GlorotUniform):
    """Truncated normal, stddev sqrt(2 / (fan_in + fan_out)) before the truncation."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        VarianceScaling.__init__(self, 1.0, "fan_avg", "truncated_normal", seed, dtype)


class Identity(Initializer):
    """gain times the identity matrix (2-D shapes only; rectangular ones allowed)."""

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _float(dtype, "identity initializer")

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float(self.dtype if dtype is None else dtype, "identity initializer")
        shape = _static(shape, "identity initializer")
        if len(shape) != 2:
            raise ValueError(f"Identity matrix initializer can only be used for 2D "
                             f"matrices, not shape {shape}")
        return _constant(self.gain * np.eye(*shape), dtype=dtype)

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


class Orthogonal(Initializer):
    """gain times a random orthogonal matrix (TF1: Q of the QR factorization of a normal
    matrix, columns signed by diag(R)), reshaped: the shape's leading dims are flattened
    into rows, its last dim is the columns; rows or columns orthonormal, whichever are
    fewer. Shapes of rank >= 2."""

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain, self.seed = gain, seed
        self.dtype = _float(dtype, "orthogonal initializer")

    def __call__(self, shape, dtype=None, partition_info=None):
        from .ops.array import reshape
        from .ops.decomp import qr
        from .ops.elementwise import sign
        from .ops.matrix import matrix_diag_part, matrix_transpose
        dtype = _float(self.dtype if dtype is None else dtype, "orthogonal initializer")
        shape = _static(shape, "orthogonal initializer")
        if len(shape) < 2:
            raise ValueError(f"The tensor to initialize must be at least two-dimensional, "
                             f"not of shape {shape}")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        q, r = qr(_normal((max(rows, cols), min(rows, cols)), dtype=dtype, seed=self.seed))
        q = q * sign(matrix_diag_part(r))
        if rows < cols:
            q = matrix_transpose(q)
        return self.gain * reshape(q, shape)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


def he_normal(seed=None):
    """VarianceScaling(2.0, "fan_in", "truncated_normal") (He et al., 2015)."""
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
    """VarianceScaling(2.0, "fan_in", "uniform")."""
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed=None):
    """VarianceScaling(1.0, "fan_in", "truncated_normal") (LeCun et al., 1998)."""
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    """VarianceScaling(1.0, "fan_in", "uniform")."""
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


# TF1 names: tf.zeros_initializer, ... and tf.initializers.zeros, ...
zeros_initializer = zeros = Zeros
ones_initializer = ones = Ones
constant_initializer = constant = Constant
random_uniform_initializer = random_uniform = RandomUniform
random_normal_initializer = random_normal = RandomNormal
truncated_normal_initializer = truncated_normal = TruncatedNormal
variance_scaling_initializer = variance_scaling = VarianceScaling
glorot_uniform_initializer = glorot_uniform = GlorotUniform
glorot_normal_initializer = glorot_normal = GlorotNormal
identity = Identity
orthogonal_initializer = orthogonal = Orthogonal
uniform_unit_scaling_initializer = uniform_unit_scaling = UniformUnitScaling
global_variables = global_variables_initializer
local_variables = local_variables_initializer
variables = variables_initializer
