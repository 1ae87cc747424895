"""gc.keras.backend's tensor functions (tf.compat.v1.keras.backend): elementwise maths,
comparisons, reductions, shapes and creation (backend_misc.py: products, updates and
helpers; backend_control.py: switch, phases, loops), with
Keras' argument names and defaults (floatx outputs, keepdims=False, axis=-1 ...).

    K = gc.keras.backend
    y = K.sum(K.square(x), axis=-1, keepdims=True)
    w = K.ones((3, 4))                 # a Variable, as in TF1 Keras
"""
import numpy as np

import graphc as gc
from .. import dtypes
from ..graph import Tensor
from ..ops.state import Variable
from ..sparse_tensor import SparseTensor
from .backend import floatx
from .backend_misc import is_sparse, to_dense

__all__ = ["backend", "image_data_format", "set_image_data_format", "abs", "all", "any",
           "arange", "argmax", "argmin", "batch_flatten", "cast", "cast_to_floatx", "clip",
           "concatenate", "constant", "cos", "count_params", "cumprod", "cumsum", "dtype",
           "equal", "exp", "expand_dims", "eye", "flatten", "gather", "greater",
           "greater_equal", "less", "less_equal", "log", "max", "maximum", "mean", "min",
           "minimum", "ndim", "not_equal", "one_hot", "ones", "ones_like",
           "permute_dimensions", "pow", "prod", "repeat", "repeat_elements", "reshape",
           "reverse", "round", "shape", "sign", "sin", "sqrt", "square", "squeeze", "stack",
           "std", "sum", "tile", "transpose", "var", "zeros", "zeros_like"]

_IMAGE_DATA_FORMAT = ["channels_last"]
_py_all, _py_any = all, any


def backend():
    """The name of the backend Keras runs on: 'tensorflow' (graphc stands in for it)."""
    return "tensorflow"


def image_data_format():
    """'channels_last' (the default) or 'channels_first': the data_format of the conv,
    pooling and padding functions when they get none."""
    return _IMAGE_DATA_FORMAT[0]


def set_image_data_format(data_format):
    """Set the default data_format: K.set_image_data_format('channels_first')."""
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}")
    _IMAGE_DATA_FORMAT[0] = str(data_format)


def _tensor(x):
    return x if isinstance(x, (Tensor, SparseTensor)) else gc.convert_to_tensor(x)


# ---- elementwise --------------------------------------------------------------------------
def abs(x):
    return gc.abs(x)


def cos(x):
    return gc.cos(x)


def sin(x):
    return gc.sin(x)


def exp(x):
    return gc.exp(x)


def log(x):
    return gc.log(x)


def sign(x):
    return gc.sign(x)


def square(x):
    return gc.square(x)


def round(x):
    """Round half to even (tf.round)."""
    return gc.round(x)


def sqrt(x):
    """sqrt(max(x, 0)): Keras clips negatives to 0 first."""
    x = _tensor(x)
    return gc.sqrt(gc.maximum(x, gc.constant(0.0, dtype=x.dtype)))


def pow(x, a):
    """x ** a: K.pow(x, 2)."""
    return gc.pow(x, a)


def clip(x, min_value, max_value):
    """clip_by_value(x, min_value, max_value); None bounds are +-inf, and a max below
    the min (both numbers) becomes the min.

        K.clip(x, 0.0, 1.0)
    """
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) \
            and max_value < min_value:
        max_value = min_value
    min_value = -np.inf if min_value is None else min_value
    max_value = np.inf if max_value is None else max_value
    x = _tensor(x)
    return gc.clip_by_value(x, gc.cast(min_value, x.dtype), gc.cast(max_value, x.dtype))


# K's min/max and comparisons are graphc's own (x, y) functions
maximum, minimum, equal, not_equal = gc.maximum, gc.minimum, gc.equal, gc.not_equal
greater, greater_equal, less, less_equal = (gc.greater, gc.greater_equal, gc.less,
                                            gc.less_equal)


def cast(x, dtype):
    """x as `dtype` (a name or a dtype): K.cast(mask, 'float32')."""
    return gc.cast(x, dtype)


def cast_to_floatx(x):
    """A tensor cast to floatx, or a numpy array of floatx for anything else."""
    if isinstance(x, (Tensor, SparseTensor)):
        return gc.cast(x, floatx())
    return np.asarray(x, dtype=floatx())


# ---- reductions ---------------------------------------------------------------------------
def _floating(x):
    x = _tensor(x)
    return gc.cast(x, floatx()) if x.dtype is gc.bool else x


def sum(x, axis=None, keepdims=False):
    """reduce_sum: K.sum(x, axis=1, keepdims=True)."""
    return gc.reduce_sum(x, axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return gc.reduce_prod(x, axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):
    return gc.reduce_max(x, axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):
    return gc.reduce_min(x, axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """reduce_mean; a bool tensor is cast to floatx first."""
    return gc.reduce_mean(_floating(x), axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """The (biased) variance; a bool tensor is cast to floatx first."""
    return gc.reduce_variance(_floating(x), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """The (biased) standard deviation; a bool tensor is cast to floatx first."""
    return gc.reduce_std(_floating(x), axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    """Logical AND over `axis` of x cast to bool."""
    return gc.reduce_all(gc.cast(x, gc.bool), axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    """Logical OR over `axis` of x cast to bool."""
    return gc.reduce_any(gc.cast(x, gc.bool), axis, keepdims=keepdims)


def argmax(x, axis=-1):
    """The int64 index of the largest value along `axis` (last by default)."""
    return gc.argmax(x, axis)


def argmin(x, axis=-1):
    return gc.argmin(x, axis)


def cumsum(x, axis=0):
    return gc.cumsum(x, axis=axis)


def cumprod(x, axis=0):
    return gc.cumprod(x, axis=axis)


# ---- shapes -------------------------------------------------------------------------------
def shape(x):
    """The dynamic shape, an int32 tensor (K.int_shape gives the static one)."""
    return gc.shape(x)


def ndim(x):
    """The rank as an int (None when unknown)."""
    return _tensor(x).shape.ndims


def dtype(x):
    """The dtype's name: K.dtype(K.placeholder((2,))) == 'float32'."""
    return _tensor(x).dtype.base_dtype.name


def count_params(x):
    """The number of elements of a variable or tensor of fully known shape."""
    return np.prod(_tensor(x).shape.as_list())


def reshape(x, shape):
    return gc.reshape(x, shape)


def permute_dimensions(x, pattern):
    """transpose(x, pattern): K.permute_dimensions(x, (0, 2, 1))."""
    return gc.transpose(x, perm=pattern)


def transpose(x):
    """All axes reversed."""
    return gc.transpose(x)


def expand_dims(x, axis=-1):
    return gc.expand_dims(x, axis)


def squeeze(x, axis):
    """Drop the size-1 axis `axis`."""
    return gc.squeeze(x, [axis])


def flatten(x):
    """x as a vector."""
    return gc.reshape(x, [-1])


def batch_flatten(x):
    """x as (batch, everything else): K.batch_flatten(images) -> (n, h*w*c)."""
    x = _tensor(x)
    return gc.reshape(x, gc.stack([-1, gc.reduce_prod(gc.shape(x)[1:])]))


def stack(x, axis=0):
    return gc.stack(x, axis=axis)


def concatenate(tensors, axis=-1):
    """concat along `axis` (negative counted from the first tensor's rank); all-sparse
    inputs give a SparseTensor, a mix is densified."""
    if axis < 0:
        rank = ndim(tensors[0])
        axis = axis % rank if rank else 0
    if _py_all(is_sparse(t) for t in tensors):
        return gc.sparse.concat(axis, list(tensors))
    return gc.concat([to_dense(t) for t in tensors], axis)


def tile(x, n):
    """tile(x, n); an int n is [n]."""
    return gc.tile(x, [n] if isinstance(n, int) else n)


def reverse(x, axes):
    """x reversed along `axes` (an int or a list)."""
    return gc.reverse(x, [axes] if isinstance(axes, int) else list(axes))


def repeat(x, n):
    """(batch, dim) -> (batch, n, dim), each row repeated n times."""
    x = _tensor(x)
    if x.shape.ndims != 2:
        raise ValueError(f"K.repeat takes a 2D tensor (batch, dim); got rank "
                         f"{x.shape.ndims}: {x}")
    return gc.tile(gc.expand_dims(x, 1), gc.stack([1, n, 1]))


def repeat_elements(x, rep, axis):
    """Each slice along `axis` repeated `rep` times (np.repeat):
    K.repeat_elements(x, 2, axis=1) turns (2, 3) into (2, 6)."""
    return gc.repeat(x, rep, axis=axis)


def gather(reference, indices):
    """reference[indices] along the first axis."""
    return gc.gather(reference, indices)


def one_hot(indices, num_classes):
    """A float32 one-hot of integer `indices` on a new last axis."""
    return gc.one_hot(indices, depth=num_classes, axis=-1)


def arange(start, stop=None, step=1, dtype="int32"):
    """range(start, stop, step) as a tensor of `dtype` (int32 by default); a single
    negative argument gives an empty range."""
    if stop is None and not isinstance(start, Tensor) and start < 0:
        start = 0
    result = gc.range(start, limit=stop, delta=step, name="arange")
    return result if dtype == "int32" else gc.cast(result, dtype)


# ---- creation -----------------------------------------------------------------------------
def constant(value, dtype=None, shape=None, name=None):
    """A constant of floatx by default: K.constant([1, 2]) is float32 (and, as
    tf_keras, K.constant(True) is 1.0)."""
    dtype = dtype or floatx()
    if not isinstance(value, gc.Tensor) and np.asarray(value).dtype == np.bool_:
        value = np.asarray(value).astype(dtypes.as_dtype(dtype).np)
    return gc.constant(value, dtype=dtype, shape=shape, name=name)


def _filled(fill, shape, dtype, name):
    """A Variable of `fill` when `shape` is static and non-empty (TF1 Keras), else a
    tensor."""
    dtype = dtypes.as_dtype(dtype or floatx())
    if isinstance(shape, int):
        shape = (shape,)
    if isinstance(shape, (list, tuple)) and _py_all(
            isinstance(d, (int, np.integer)) and d > 0 for d in shape):
        return Variable(np.full(shape, fill, dtype.np), name=name or "Variable")
    return (gc.ones if fill else gc.zeros)(shape, dtype=dtype, name=name)


def zeros(shape, dtype=None, name=None):
    """A Variable of zeros (floatx): K.zeros((2, 3)); a tensor if a dim is 0 or
    unknown."""
    return _filled(0, shape, dtype, name)


def ones(shape, dtype=None, name=None):
    """A Variable of ones (floatx): K.ones((2, 3))."""
    return _filled(1, shape, dtype, name)


def eye(size, dtype=None, name=None):
    """A Variable holding the size x size identity (floatx)."""
    dtype = dtypes.as_dtype(dtype or floatx())
    return Variable(np.eye(size, dtype=dtype.np), name=name or "Variable")


def zeros_like(x, dtype=None, name=None):
    return gc.zeros_like(x, dtype=dtype, name=name)


def ones_like(x, dtype=None, name=None):
    return gc.ones_like(x, dtype=dtype, name=name)


from . import backend_control as _control, backend_misc as _misc  # noqa: E402
from .backend_control import *  # noqa: E402,F401,F403
from .backend_misc import *  # noqa: E402,F401,F403

__all__ = __all__ + _control.__all__ + _misc.__all__
