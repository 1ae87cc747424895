"""TF1's space_to_batch(_nd) and batch_to_space(_nd): pad, reshape, transpose, reshape
(and the inverse), composites of existing ops, so gradients, jvps and vmap come from
those ops. Moved out of array_more.py (which re-exports them) to keep it small."""
import numpy as np

from .. import dtypes
from ..graph import Tensor, name_scope
from . import elementwise as E
from .array import _shape_tensor, as_int, reshape, static_value, transpose
from .array_more import _dim, _known_rank, _shape_error
from .core import convert_to_tensor
from .creation import fill
from .indexing import pad, slice as slice_
from .join import concat
from .registry import constant_value

__all__ = ["space_to_batch_nd", "batch_to_space_nd", "space_to_batch", "batch_to_space"]


# ---- space_to_batch_nd, batch_to_space_nd -------------------------------------------------
def _block_shape(block_shape, api):
    """block_shape as a tuple of ints >= 1, or of scalar int tensors for a 1-D tensor
    known only at run time (its length must be known: TF1's static rank)."""
    if isinstance(block_shape, Tensor) and constant_value(block_shape) is None:
        dims = block_shape.shape._dims
        if dims is None or len(dims) != 1 or not isinstance(dims[0], int) or not dims[0]:
            raise ValueError(f"{api}: a block_shape known only at run time must be a 1-D "
                             f"int tensor of known length, not {block_shape.shape}")
        if not block_shape.dtype.is_integer:
            raise TypeError(f"{api}: block_shape must be int32 or int64, not "
                            f"{block_shape.dtype.name}")
        b = E.cast(block_shape, dtypes.int32)
        return tuple(b[k] for k in range(dims[0]))
    v = np.asarray(static_value(block_shape, f"{api}: block_shape"))
    if v.ndim != 1 or not v.size or not np.issubdtype(v.dtype, np.integer) or (v < 1).any():
        raise ValueError(f"{api}: block_shape must be a non-empty 1-D list of ints >= 1, "
                         f"not {v.tolist()}")
    return tuple(int(b) for b in v)


def _product(bs):
    """The product of the block sizes (an int, or a tensor if one is)."""
    out = 1
    for b in bs:
        out = out * b
    return out


def _pairs(p, m, api, what):
    """paddings/crops as an (m, 2) list of ints (when known) or an int tensor."""
    if isinstance(p, Tensor):
        v = constant_value(p)
        if v is None:
            if p.shape._dims is not None and (p.shape.rank != 2 or p.shape._dims[0] not in
                                             (m, None) or p.shape._dims[1] not in (2, None)):
                raise _shape_error(api, f"{what} must have shape ({m}, 2), not {p.shape}", p)
            return E.cast(p, dtypes.int32)
        p = v
    v = np.asarray(p)
    if v.shape != (m, 2) or (v.size and not np.issubdtype(v.dtype, np.integer)):
        raise ValueError(f"{api}: {what} must be {m} [before, after] pairs of ints, not "
                         f"{v.tolist()}")
    if (v < 0).any():
        raise ValueError(f"{api}: {what} must be >= 0, not {v.tolist()}")
    return [[int(a), int(b)] for a, b in v]


def _rows(x, m, api):
    """x's rank, checked to be >= 1 + m."""
    r = _known_rank(x, api)
    if r < 1 + m:
        raise _shape_error(api, f"input must have rank >= {1 + m} (batch + {m} block dims),"
                           f" not {r}", x)
    return r


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """Each spatial dim i (1..m) zero-padded by paddings[i-1] and split into blocks of
    block_shape[i-1]; the position within the blocks moves into the batch (TF1's order:
    batch index = block offset * batch + b):

        gc.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]])  # (1, 4, 4, 1) -> (4, 2, 2, 1)
    """
    api = "space_to_batch_nd"
    with name_scope(name, "SpaceToBatchND"):
        x = convert_to_tensor(input)
        bs = _block_shape(block_shape, api)
        m = len(bs)
        r = _rows(x, m, api)
        p = _pairs(paddings, m, api, "paddings")
        if isinstance(p, Tensor):
            full = concat([fill([1, 2], 0), p, fill([r - 1 - m, 2], 0)], 0)
        else:
            full = [[0, 0]] + p + [[0, 0]] * (r - 1 - m)
        y = pad(x, full) if isinstance(p, Tensor) or any(map(any, p)) else x
        batch, rest = _dim(x, 0), [_dim(x, k) for k in range(1 + m, r)]  # not padded
        outer = []
        for k, b in enumerate(bs):
            d = _dim(y, 1 + k)
            if isinstance(d, int) and isinstance(b, int) and d % b:
                raise _shape_error(api, f"padded dim {1 + k} of input, {d}, is not a "
                                   f"multiple of block_shape[{k}] = {b}", x)
            outer.append(d // b)
        split = [batch] + [v for k in range(m) for v in (outer[k], bs[k])] + rest
        y = reshape(y, _shape_tensor(split))
        perm = [2 + 2 * k for k in range(m)] + [0] + [1 + 2 * k for k in range(m)] + \
            list(range(1 + 2 * m, r + m))
        y = transpose(y, perm)
        return reshape(y, _shape_tensor([batch * _product(bs)] + outer + rest))


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """The inverse of space_to_batch_nd: the batch split into blocks of block_shape,
    interleaved back into the spatial dims 1..m, then cropped by crops[i-1]:

        gc.batch_to_space_nd(y, [2, 2], [[0, 0], [0, 0]])  # (4, 2, 2, 1) -> (1, 4, 4, 1)
    """
    api = "batch_to_space_nd"
    with name_scope(name, "BatchToSpaceND"):
        x = convert_to_tensor(input)
        bs = _block_shape(block_shape, api)
        m = len(bs)
        r = _rows(x, m, api)
        c = _pairs(crops, m, api, "crops")
        nb = _product(bs)
        batch = _dim(x, 0)
        if isinstance(batch, int) and isinstance(nb, int) and batch % nb:
            raise _shape_error(api, f"the batch of input, {batch}, is not a multiple of "
                               f"prod(block_shape) = {nb}", x)
        inner = [_dim(x, k) for k in range(1, 1 + m)]
        rest = [_dim(x, k) for k in range(1 + m, r)]
        y = reshape(x, _shape_tensor(list(bs) + [batch // nb] + inner + rest))
        perm = [m] + [v for k in range(m) for v in (m + 1 + k, k)] + \
            list(range(2 * m + 1, r + m))
        y = transpose(y, perm)
        spatial = [inner[k] * bs[k] for k in range(m)]
        y = reshape(y, _shape_tensor([batch // nb] + spatial + rest))
        if isinstance(c, Tensor):
            begin = concat([fill([1], 0), c[:, 0], fill([r - 1 - m], 0)], 0)
            size = concat([fill([1], -1), _shape_tensor(spatial) - c[:, 0] - c[:, 1],
                           fill([r - 1 - m], -1)], 0)
            out = slice_(y, begin, size)
            out.set_shape([batch // nb if isinstance(batch, int) else None] + [None] * m
                          + [d if isinstance(d, int) else None for d in rest])
            return out
        if not any(map(any, c)):
            return y
        for k in range(m):
            if isinstance(spatial[k], int) and c[k][0] + c[k][1] > spatial[k]:
                raise _shape_error(api, f"crops[{k}] = {c[k]} remove more than the "
                                   f"{spatial[k]} elements of dim {1 + k}", x)
        begin = [0] + [c[k][0] for k in range(m)] + [0] * (r - 1 - m)
        size = [batch // nb] + [spatial[k] - c[k][0] - c[k][1] for k in range(m)] + rest
        return slice_(y, _shape_tensor(begin), _shape_tensor(size))


def _square_block(block_size, block_shape, api):
    if block_shape is not None:
        if block_size is not None:
            raise ValueError(f"{api}: give block_size or block_shape, not both")
        block_size = block_shape
    b = as_int(static_value(block_size, f"{api}: block_size"))
    if not isinstance(b, int) or b < 2:
        raise ValueError(f"{api}: block_size must be an int >= 2, not {block_size!r}")
    return [b, b]


def _rank4(x, api):
    x = convert_to_tensor(x)
    if x.shape.rank not in (4, None):
        raise _shape_error(api, f"input must have rank 4 (NHWC), not {x.shape.rank}", x)
    return x


def space_to_batch(input, paddings, block_size=None, name=None,  # noqa: A002
                   block_shape=None):
    """space_to_batch_nd of a 4-D NHWC input with a square block (TF1's signature):
    `gc.space_to_batch(x, [[0, 0], [2, 0]], 2)`."""
    b = _square_block(block_size, block_shape, "space_to_batch")
    return space_to_batch_nd(_rank4(input, "space_to_batch"), b, paddings, name=name)


def batch_to_space(input, crops, block_size, name=None, block_shape=None):  # noqa: A002
    """batch_to_space_nd of a 4-D NHWC input with a square block (TF1's signature):
    `gc.batch_to_space(y, [[0, 0], [2, 0]], 2)`."""
    b = _square_block(block_size, block_shape, "batch_to_space")
    return batch_to_space_nd(_rank4(input, "batch_to_space"), b, crops, name=name)
