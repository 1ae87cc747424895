"""More of TF1's tf.nn, as TF1 builds them: composites of existing ops (their derivatives
are those of the ops they use): dilation2d and erosion2d (a max-plus over shifted
slices; the gradient goes to the first maximal tap, as TF's), relu_layer,
weighted_moments, batch_norm_with_global_normalization and safe_embedding_lookup_sparse.
(nn_more.py has MaxPoolWithArgmax, the pooling wrappers and the transposed convolutions.)
"""
import numpy as np

from .. import dtypes
from ..graph import name_scope
from . import array as A
from . import elementwise as E
from . import reduce as R
from .array_extra import where_v2
from .broadcast import where
from .conv import _padding, _spatial, hw_pair, tap_rows
from .conv_extra import shape_error
from .core import convert_to_tensor
from .creation import one_hot, ones_like, zeros_like
from .elementwise import operands
from .gather import gather, unsorted_segment_sum
from .join import concat, stack
from .linalg import matmul
from .nn import bias_add

__all__ = ["dilation2d", "erosion2d", "relu_layer", "weighted_moments",
           "safe_embedding_lookup_sparse", "batch_norm_with_global_normalization"]


# ---- morphological dilation and erosion ----------------------------------------------------
def _known(api, t, axes, what):
    dims = [t.shape._dims[k] if t.shape.rank is not None else None for k in axes]
    if not all(isinstance(d, int) for d in dims):
        shape_error(api, f"the {what} must be known when the graph is built", t)
    return dims


def _first_max(stacked, axis=-1):
    """The max over `axis`, differentiating into the first maximal entry only (TF's rule
    for dilation2d): stacked where it is the argmax, summed over axis."""
    first = one_hot(R.argmax(stacked, axis), stacked.shape._dims[axis], on_value=True,
                    off_value=False, dtype=dtypes.bool_)
    return R.reduce_sum(where_v2(first, stacked, zeros_like(stacked)), axis)


def _dilation(api, x, f, strides, rates, padding, name):
    """max over taps (a, b) of x[i * sh + a * rh - pad_top, j * sw + b * rw - pad_left, c]
    + f[a, b, c], out-of-range pixels left out (padded with -inf)."""
    if x.shape.rank not in (None, 4):
        shape_error(api, "the input must have rank 4 (NHWC)", x)
    if f.shape.rank not in (None, 3):
        shape_error(api, "the filter must have rank 3: [height, width, channels]", f)
    kh, kw = _known(api, f, (0, 1), "height and width of the filter")
    h, w = (d if isinstance(d, int) else A.shape(x)[k] for k, d in
            zip((1, 2), x.shape._dims[1:3] if x.shape.rank == 4 else (None, None)))
    c, fc = x.shape._dims[3], f.shape._dims[2]
    if isinstance(c, int) and isinstance(fc, int) and c != fc:
        shape_error(api, f"the input has {c} channels but the filter {fc}", f)
    (sh, sw), (rh, rw) = (hw_pair(v, what, "NHWC") for v, what in ((strides, "strides"),
                                                                   (rates, "rates")))
    padding = _padding(padding)
    (oh, top, bottom), (ow, left, right) = (_spatial(n, k, s, r, padding)
                                            for n, k, s, r in ((h, kh, sh, rh), (w, kw, sw, rw)))
    if isinstance(oh, int) and oh <= 0 or isinstance(ow, int) and ow <= 0:
        shape_error(api, f"the dilated filter ({(kh - 1) * rh + 1}, {(kw - 1) * rw + 1}) is "
                    f"larger than the input ({h}, {w}) with VALID padding", x)
    with name_scope(name, api, [x, f]):
        if any(not isinstance(p, int) or p for p in (top, bottom, left, right)):
            low = -np.inf if x.dtype.is_floating else np.iinfo(x.dtype.np).min
            x = A.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]],
                      constant_values=low)
        taps = [x[:, tap_rows(a * rh, oh, sh), tap_rows(b * rw, ow, sw), :] + f[a, b]
                for a, b in np.ndindex(kh, kw)]
        return _first_max(stack(taps, axis=-1))


def dilation2d(input, filter=None, strides=None, rates=None, padding=None, name=None,
               filters=None, dilations=None):
    """Grayscale morphological dilation (TF1), a max-plus convolution of NHWC input with
    filter (kh, kw, C):

        y = gc.nn.dilation2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "SAME")
    y[n, i, j, c] = max over (a, b) of x[n, i*sh + a*rh, j*sw + b*rw, c] + k[a, b, c]
    (strides and rates 4-lists [1, s, s, 1]; TF's SAME/VALID padding, padded pixels left
    out). The gradient goes to the first maximal tap, row-major, as TF's. The filter's
    height and width must be known when the graph is built; the input's may be fed."""
    filter = filters if filter is None else filter
    rates = dilations if rates is None else rates
    if filter is None or strides is None or rates is None or padding is None:
        raise TypeError("dilation2d needs filter, strides, rates and padding")
    x, f = operands(input, filter, "dilation2d")
    return _dilation("dilation2d", x, f, strides, rates, padding, name)


def erosion2d(value, kernel, strides, rates, padding, name=None):
    """Grayscale morphological erosion (TF1), by duality with dilation2d:
    -dilation2d(-value, kernel reversed in height and width):

        y = gc.nn.erosion2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    y[n, i, j, c] = min over (a, b) of x[n, i*sh - a*rh, j*sw - b*rw, c] - k[a, b, c]."""
    x, k = operands(value, kernel, "erosion2d")
    with name_scope(name, "erosion2d", [x, k]):
        flipped = A.reverse(k, [0, 1])
        return E.negative(_dilation("erosion2d", E.negative(x), flipped, strides, rates,
                                    padding, None))


# ---- small composites ----------------------------------------------------------------------
def relu_layer(x, weights, biases, name=None):
    """relu(matmul(x, weights) + biases) (TF1): `h = gc.nn.relu_layer(x, W, b)`."""
    x, w = operands(x, weights, "relu_layer")
    with name_scope(name, "relu_layer", [x, w]):
        mm, b = operands(matmul(x, w), biases, "relu_layer")
        return E.relu(bias_add(mm, b))


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """The frequency-weighted mean and variance of x over `axes` (TF1's formulas):

        mean, var = gc.nn.weighted_moments(x, [0], w)
    mean = sum(w x) / sum(w), variance = sum(w (x - mean)^2) / sum(w), the sums over axes
    of w broadcast to x; float16 is computed in float32."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    x = convert_to_tensor(x)
    with name_scope(name, "weighted_moments", [x]):
        w = convert_to_tensor(frequency_weights)
        half = x.dtype is dtypes.float16
        if half:
            x = E.cast(x, dtypes.float32)
        if w.dtype is not x.dtype:
            w = E.cast(w, x.dtype)
        axes = list(axes) if isinstance(axes, (list, tuple)) else axes
        total = R.reduce_sum(w * x, axes, keepdims=True, name="weighted_input_sum")
        weight_sum = R.reduce_sum(w + zeros_like(x), axes, keepdims=True,
                                  name="sum_of_weights")
        divisor = E.reciprocal(weight_sum, name="inv_weight_sum")
        mean = E.multiply(total, divisor)
        distsq = R.reduce_sum(w * E.squared_difference(x, mean), axes, keepdims=True,
                              name="weighted_distsq")
        variance = E.multiply(distsq, divisor)
        if not keep:
            mean, variance = A.squeeze(mean, axes), A.squeeze(variance, axes)
        if half:
            mean, variance = E.cast(mean, dtypes.float16), E.cast(variance, dtypes.float16)
    return mean, variance


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None,
                                         variance_epsilon=None,
                                         scale_after_normalization=None, name=None,
                                         input=None, mean=None, variance=None):
    """TF1's old batch norm: (t - m) / sqrt(v + variance_epsilon) * gamma + beta, gamma
    used only with scale_after_normalization:

        y = gc.nn.batch_norm_with_global_normalization(x, m, v, beta, gamma, 1e-3, True)"""
    from .nn_extra import batch_normalization
    t = input if t is None else t
    m = mean if m is None else m
    v = variance if v is None else v
    if t is None or m is None or v is None or variance_epsilon is None or \
            scale_after_normalization is None:
        raise TypeError("batch_norm_with_global_normalization needs t, m, v, beta, gamma, "
                        "variance_epsilon and scale_after_normalization")
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                               variance_epsilon, name=name)


# ---- safe_embedding_lookup_sparse ----------------------------------------------------------
def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, name=None,
                                 partition_strategy="div", max_norm=None,
                                 allow_fast_lookup=False):
    """embedding_lookup_sparse made safe for bad input (TF1): ids < 0 are dropped, and
    with combiner "mean" or "sqrtn" so are entries of weight <= 0; a row left empty gives
    the embedding of default_id, or zeros if default_id is None. sparse_ids [d0, ..., dk]
    gives a result [d0, ..., d(k-1), embedding dims...]:

        emb = gc.nn.safe_embedding_lookup_sparse(table, sp_ids, combiner="sum")
    embedding_weights is one table or a list of shards (split by partition_strategy);
    sparse_ids may be of unknown rank (>= 2 when run); allow_fast_lookup is accepted and
    changes nothing."""
    from ..sparse import SparseTensor, _row_major, _sparse, embedding_lookup_sparse
    api = "safe_embedding_lookup_sparse"
    if embedding_weights is None:
        raise ValueError(f"{api}: missing embedding_weights")
    from ..partitioned import PartitionedVariable
    shards = list(embedding_weights) if isinstance(
        embedding_weights, (list, tuple, PartitionedVariable)) else [embedding_weights]
    if not shards:
        raise ValueError(f"{api}: missing embedding_weights")
    sp = _sparse(sparse_ids, api)
    wsp = None if sparse_weights is None else _sparse(sparse_weights, api)
    dtype = None if wsp is None else wsp.dtype
    shards = [convert_to_tensor(p, dtype=dtype) for p in shards]
    rank = sp.rank
    if isinstance(rank, int) and rank < 2:
        raise ValueError(f"{api}: sparse_ids must have rank >= 2, not {rank}")
    with name_scope(name, "embedding_lookup"):
        lead = sp.dense_shape[:-1]
        n = R.reduce_prod(lead)
        if rank == 2:
            rows = sp.indices[:, 0]
        else:               # the row-major flat index over the leading dims
            rows = _row_major(sp.indices[:, :-1], lead)
        ids, weights = sp.values, None if wsp is None else wsp.values
        keep = E.greater_equal(ids, 0)
        if weights is not None and combiner != "sum":
            keep = E.logical_and(keep, E.greater(weights, 0))
        # TF1's sparse_retain: gather at where(keep), which (unlike boolean_mask) needs
        # no static rank, so ids from a feature of unknown rank work
        kept = A.reshape(where(keep), [-1])
        rows, ids = gather(rows, kept), gather(ids, kept)
        if weights is not None:
            weights = gather(weights, kept)
        # fill each empty row with one entry: default_id (0 if None) of weight 1
        count = unsorted_segment_sum(ones_like(rows, dtype=dtypes.int32), rows, n)
        empty = E.equal(count, 0)
        fill = A.reshape(where(empty), [-1])
        rows = concat([rows, fill], 0)
        ids = concat([ids, E.cast(zeros_like(fill), ids.dtype) + (default_id or 0)], 0)
        indices = stack([rows, zeros_like(rows)], 1)
        if weights is not None:
            weights = concat([weights, ones_like(fill, dtype=weights.dtype)], 0)
            weights = SparseTensor(indices, weights, stack([n, 1]))
        result = embedding_lookup_sparse(shards, SparseTensor(indices, ids, stack([n, 1])),
                                         weights, partition_strategy=partition_strategy,
                                         combiner=combiner, max_norm=max_norm)
        r = result.shape.rank
        if default_id is None:
            result = where_v2(A.reshape(empty, [-1] + [1] * (r - 1)), zeros_like(result),
                              result)
        shape = concat([E.cast(lead, dtypes.int32), A.shape(result)[1:]], 0)
        return A.reshape(result, shape)
