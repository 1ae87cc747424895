"""TF1's tf.nn.with_space_to_batch: run a VALID window op on the space-to-batch form of
its input, so that the op sees the input sampled at dilation_rate ("atrous" ops). A
composite of space_batch.py's space_to_batch_nd and batch_to_space_nd: no new op.

The block shape covers dims 1 .. max(spatial_dims) (block 1 and no padding for the dims
in between, which space_to_batch_nd then leaves alone); with SAME padding the dilated
filter's padding, (k - 1) * rate split as conv2d splits it, is added before the padding
that makes each spatial dim a multiple of its rate (which batch_to_space_nd crops again).
"""
import numpy as np

from ..graph import Tensor
from ..tf1_misc import required_space_to_batch_paddings
from .array import shape as shape_op
from .core import convert_to_tensor
from .join import stack
from .registry import constant_value
from .space_batch import batch_to_space_nd, space_to_batch_nd

__all__ = ["with_space_to_batch"]


def _rate(dilation_rate):
    v = constant_value(dilation_rate) if isinstance(dilation_rate, Tensor) else dilation_rate
    if v is None:
        raise ValueError("with_space_to_batch: dilation_rate must be known when the graph is "
                         "built (graphc's space_to_batch_nd needs a static block shape)")
    v = np.asarray(v)
    if v.ndim != 1:
        raise ValueError(f"`dilation_rate.shape.rank` must be 1. Received: dilation_rate="
                         f"{v.tolist()} of rank {v.ndim}")
    if v.size and not np.issubdtype(v.dtype, np.integer):
        raise TypeError(f"with_space_to_batch: dilation_rate must hold ints, not "
                        f"{v.tolist()}")
    if np.any(v < 1):
        raise ValueError(f"`dilation_rate` must be positive. Received: dilation_rate="
                         f"{v.tolist()}")
    return [int(r) for r in v]


def _spatial_dims(spatial_dims, m, data_format):
    start = 2 if data_format is not None and data_format.startswith("NC") else 1
    dims = list(range(start, start + m)) if spatial_dims is None else list(spatial_dims)
    if sorted(set(int(d) for d in dims)) != dims or any(d < 1 for d in dims):
        raise ValueError("`spatial_dims` must be a monotonically increasing sequence of "
                         f"positive integers. Received: spatial_dims={dims}")
    if len(dims) != m:
        raise ValueError(f"with_space_to_batch: spatial_dims {dims} must name one dim per "
                         f"dilation_rate entry ({m})")
    return dims


def _base_paddings(filter_shape, rate, padding):
    """[[before, after]] per spatial dim of the dilated filter (zeros for VALID)."""
    m = len(rate)
    if padding == "VALID":
        return np.zeros((m, 2), np.int64)
    if padding != "SAME":
        raise ValueError("`padding` must be one of 'SAME' or 'VALID'. Received: padding="
                         f"{padding}")
    if filter_shape is None:
        raise ValueError("`filter_shape` must be specified for `padding='SAME'`. Received: "
                         f"filter_shape={filter_shape} and padding={padding}")
    f = constant_value(filter_shape) if isinstance(filter_shape, Tensor) else filter_shape
    if f is None:
        raise ValueError("with_space_to_batch: filter_shape must be known when the graph is "
                         "built")
    f = np.asarray(f, np.int64).reshape(-1)[:m]
    if f.size < m:
        raise ValueError(f"with_space_to_batch: filter_shape {f.tolist()} needs at least "
                         f"{m} entries")
    extra = (f - 1) * np.asarray(rate)
    return np.stack([extra // 2, extra - extra // 2], axis=1)


def _adjust(rows, fill, dims):
    """rows[i] placed at dims[i] - 1 in a list of max(dims) rows, `fill` elsewhere."""
    out = [fill] * dims[-1]
    for d, r in zip(dims, rows):
        out[d - 1] = r
    return out


def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None,  # noqa: A002
                        spatial_dims=None, data_format=None):
    """op(input, num_spatial_dims, padding) on the input sampled at dilation_rate (TF1):
    with all rates 1 simply op(input, num_spatial_dims, padding), otherwise

        batch_to_space_nd(op(space_to_batch_nd(input, rate, paddings), n, "VALID"),
                          rate, crops)

        y = gc.nn.with_space_to_batch(
            x, [2, 2], "SAME",
            lambda v, n, p: gc.nn.conv2d(v, w, [1, 1, 1, 1], p), filter_shape=[3, 3])
    is conv2d of x with w dilated by 2 (NHWC). dilation_rate and filter_shape must be
    known when the graph is built."""
    x = convert_to_tensor(input, name="input")
    rate = _rate(dilation_rate)
    m = len(rate)
    dims = _spatial_dims(spatial_dims, m, data_format)
    channels_first = data_format is not None and data_format.startswith("NC")
    need = dims[-1] if channels_first else dims[-1] + 1
    if x.shape.rank is not None and x.shape.rank < need:
        raise ValueError(f"`input.shape.rank` must be at least {need}. Received: "
                         f"input.shape={x.shape} with rank {x.shape.rank}")
    if all(r == 1 for r in rate):
        return op(x, m, padding)
    base = _base_paddings(filter_shape, rate, padding)
    sizes = [x.shape._dims[d] if x.shape.rank is not None else None for d in dims]
    if all(isinstance(s, int) for s in sizes):
        full = np.asarray(sizes) + base.sum(axis=1)
        extra = (-full) % np.asarray(rate)
        paddings = [[int(a), int(b + e)] for (a, b), e in zip(base, extra)]
        crops = [[0, int(e)] for e in extra]
    else:
        whole = shape_op(x)
        paddings, crops = required_space_to_batch_paddings(
            stack([whole[d] for d in dims]), rate, base.astype(np.int32))
        paddings, crops = [paddings[i] for i in range(m)], [crops[i] for i in range(m)]
        paddings = stack(_adjust(paddings, np.zeros(2, np.int32), dims))
        crops = stack(_adjust(crops, np.zeros(2, np.int32), dims))
    block = _adjust(rate, 1, dims)
    if isinstance(paddings, list):
        paddings, crops = _adjust(paddings, [0, 0], dims), _adjust(crops, [0, 0], dims)
    y = op(space_to_batch_nd(x, block, paddings), m, "VALID")
    return batch_to_space_nd(y, block, crops)
