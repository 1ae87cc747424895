"""TF's op dispatch for RaggedTensor: `gc.reduce_sum(rt, axis=1)`, `gc.add(rt, 1.)`,
`gc.strings.lower(tokens)` and the other dense functions TF sends to their ragged
versions (TF's ragged_dispatch.py, ragged_*_ops.py) do so here too.

`install()` (run once by graphc/__init__.py) replaces each such function in the gc,
gc.math, gc.nn, gc.strings, gc.bitwise, gc.debugging and gc.compat.v1 namespaces by a wrapper
(functools.wraps: the same name, docstring and signature) that calls the original at
once unless an argument (or an item of a list argument) is a RaggedTensor. graphc's
internals call the ops modules (or go through a wrapper to the same call), so nothing
else changes.

    rt = gc.ragged.constant([[1., 2.], [], [3.]])
    gc.reduce_sum(rt * 2., axis=1)        # [6, 0, 6], as tf.reduce_sum on a RaggedTensor

Handlers take (op, args, kwargs): `op` is the original function.
"""
import functools
import inspect

import numpy as np

from . import dtypes, errors
from .graph import Tensor, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops.core import constant, convert_to_tensor
from .ops.creation import ones_like, zeros_like
from .ops.creation import range as range_
from .ops.gather import gather as dense_gather
from .ops.tile_reverse import tile as dense_tile
from .ops.join import concat as dense_concat
from .ragged_index import _wrap, gather_rows
from .ragged_strings import _nest
from .ragged_math import _dense_for_flat, _same_splits, elementwise, map_flat_values
from .ragged_matmul import matmul as ragged_matmul
from .ragged_tensor import RaggedTensor, fail, is_ragged, rowids_of, splits_of_lengths

__all__ = ["DynamicRaggedShape", "install", "dispatched"]


# ---- the mechanism ----------------------------------------------------------------------
def _has_ragged(values):
    """Whether one of values, or an item of a list/tuple among them, is a RaggedTensor."""
    for a in values:
        t = type(a)
        if t is RaggedTensor:
            return True
        if t is list or t is tuple:
            for b in a:
                if type(b) is RaggedTensor:
                    return True
    return False


def _wrap_api(op, handler):
    @functools.wraps(op)
    def api(*args, **kwargs):
        if _has_ragged(args) or (kwargs and _has_ragged(kwargs.values())):
            return handler(op, args, kwargs)
        return op(*args, **kwargs)
    api._ragged_handler = handler
    return api


def _bound(op, args, kwargs):
    """The call's arguments by parameter name, defaults filled in."""
    b = inspect.signature(op).bind(*args, **kwargs)
    b.apply_defaults()
    return dict(b.arguments)


def _axis_keep(a):
    """(axis, keepdims) of a reduction's bound arguments, TF1's older names too."""
    axis = a.get("axis")
    if axis is None:
        axis = a.get("reduction_indices")
    keep = a.get("keepdims")
    if keep is None:
        keep = a.get("keep_dims")
    return axis, keep


def _first_params(op, n):
    return list(inspect.signature(op).parameters)[:n]


def _unsupported(op, why=""):
    return TypeError(f"{op.__name__}: a RaggedTensor argument is not supported{why} (TF "
                     "does not dispatch it either); use gc.ragged.map_flat_values or "
                     "RaggedTensor.to_tensor()")


# ---- elementwise ------------------------------------------------------------------------
def _unary(op, args, kwargs):
    """op on the flat_values of the RaggedTensors among the arguments (one row
    structure): TF's dispatch_for_unary_elementwise_apis."""
    return map_flat_values(op, *args, **kwargs)


def _binary(op, args, kwargs):
    """op(x, y) with x, y or both ragged; a dense operand broadcasts as the operators do
    (TF's dispatch_for_binary_elementwise_apis)."""
    a = _bound(op, args, kwargs)
    px, py = _first_params(op, 2)
    x, y = a.pop(px), a.pop(py)
    name = a.pop("name", None)
    if not (is_ragged(x) or is_ragged(y)):
        raise _unsupported(op, " in this argument")
    return elementwise(lambda u, v: op(u, v, **a), x, y, op.__name__, name=name)


def _scalar_mul(op, args, kwargs):
    a = _bound(op, args, kwargs)
    x = a["x"]
    if not is_ragged(x):
        raise _unsupported(op, " as the scalar")
    return x.with_flat_values(op(a["scalar"], x.flat_values, name=a.get("name")))


def _add_n(op, args, kwargs):
    a = _bound(op, args, kwargs)
    inputs = list(a["inputs"])
    with name_scope(a.get("name"), "RaggedAddN"):
        out = inputs[0]
        for x in inputs[1:]:
            out = elementwise(E.add, out, x, "add_n")
        return out


def _where(op, args, kwargs):
    """where(condition) on a RaggedTensor: the coordinates of its true values (a dense
    [n, rank] int64, as TF); where(c, x, y): elementwise, dense operands broadcast."""
    a = _bound(op, args, kwargs)
    c, x, y = a["condition"], a["x"], a["y"]
    with name_scope(a.get("name"), "RaggedWhere"):
        if x is None and y is None:
            if not is_ragged(c):
                raise _unsupported(op, " as x or y without condition")
            st = c.to_sparse()
            from .ops.mask import boolean_mask
            return boolean_mask(st.indices, st.values)
        if x is None or y is None:
            raise ValueError("where: give both x and y, or neither")
        ref = next(t for t in (c, x, y) if is_ragged(t))
        flats = []
        for t in (c, x, y):
            if is_ragged(t):
                flats.append(_same_splits(t, ref, "where"))
            else:
                t = t if isinstance(t, Tensor) else convert_to_tensor(
                    t, dtype=None if t is c else ref.dtype if not is_ragged(x) or t is x
                    else x.dtype)
                flats.append(_dense_for_flat(ref, t, "where"))
        from .ops.broadcast import select
        return ref.with_flat_values(select(*flats))


# ---- reductions -------------------------------------------------------------------------
def _reducer(kind):
    def handler(op, args, kwargs):
        from .ragged_math import _reduce
        a = _bound(op, args, kwargs)
        rt = a.get("input_tensor")
        if not is_ragged(rt):
            raise _unsupported(op, " except as input_tensor")
        axis, keep = _axis_keep(a)
        if kind in ("variance", "std"):
            return _variance(kind, rt, axis, bool(keep), a.get("name"))
        return _reduce(kind, "reduce_" + kind, rt, axis, bool(keep), a.get("name"))
    return handler


def _variance(kind, rt, axis, keepdims, name):
    """TF's ragged reduce_variance: max(mean(x^2) - mean(x)^2, 0); std its sqrt."""
    from .ragged_math import _reduce
    with name_scope(name, "RaggedReduceVariance"):
        if not rt.dtype.is_floating:
            raise fail(errors.DTypeError, "reduce_" + kind, "needs floating values, not "
                       f"{rt.dtype.name}", flat_values=rt.flat_values)
        sq = _reduce("mean", "reduce_variance", rt.with_flat_values(
            E.square(rt.flat_values)), axis, keepdims, None)
        mean = _reduce("mean", "reduce_variance", rt, axis, keepdims, None)
        var = _lift2(lambda u, v: E.maximum(u - E.square(v), zeros_like(u)), sq, mean)
        return _lift2(lambda u, _: E.sqrt(u), var, var) if kind == "std" else var


def _lift2(fn, x, y):
    if is_ragged(x):
        return elementwise(fn, x, y, "reduce_variance")
    return fn(x, y)


# ---- shape facts --------------------------------------------------------------------------
class DynamicRaggedShape:
    """What `gc.shape(rt)` returns (TF's tf.experimental.DynamicRaggedShape, in part):
    index it at a uniform dim for a scalar (`gc.shape(rt)[0]` is the number of rows);
    a ragged dim raises ValueError, as TF."""

    def __init__(self, rt, out_type):
        self._rt, self.dtype = rt, out_type

    rank = property(lambda self: self._rt.rank)
    num_row_partitions = property(lambda self: self._rt.ragged_rank)

    def static_lengths(self):
        """The static shape as a list: ints for known dims, None for unknown ones."""
        return list(self._rt.shape._dims)

    def __getitem__(self, index):
        rank = self.rank
        if not isinstance(index, (int, np.integer)):
            raise TypeError("DynamicRaggedShape: graphc indexes it with a Python int only")
        i = int(index) + rank if isinstance(rank, int) and index < 0 else int(index)
        rt = self._rt
        if i == 0:
            n = rt.nrows(out_type=self.dtype)
            return n
        k = rt.ragged_rank
        dims = rt.shape._dims
        if i <= k:
            if isinstance(dims[i], int):
                return constant(np.asarray(dims[i], self.dtype.np))
            raise ValueError(f"Index {i} is not uniform")
        return A.shape(rt.flat_values, out_type=self.dtype)[i - k]

    def __len__(self):
        return self.rank

    def __repr__(self):
        dims = [d if isinstance(d, int) else None for d in self._rt.shape._dims]
        return (f"<DynamicRaggedShape lengths={dims} "
                f"num_row_partitions={self.num_row_partitions}>")


def _shape(op, args, kwargs):
    a = _bound(op, args, kwargs)
    return DynamicRaggedShape(a["input"], dtypes.as_dtype(a.get("out_type") or
                                                          dtypes.int32))


def _size(op, args, kwargs):
    a = _bound(op, args, kwargs)
    out_type = dtypes.as_dtype(a.get("out_type") or dtypes.int32)
    return A.size(a["input"].flat_values, name=a.get("name"), out_type=out_type)


def _rank(op, args, kwargs):
    a = _bound(op, args, kwargs)
    rank = a["input"].rank
    if rank is None:
        raise ValueError("rank: the RaggedTensor's rank is not known")
    return constant(np.int32(rank), name=a.get("name") or "Rank")


# ---- structure ----------------------------------------------------------------------------
def _ragged_first(op, args, kwargs, name):
    a = _bound(op, args, kwargs)
    x = a.pop(name)
    if not is_ragged(x):
        raise _unsupported(op, f" except as {name}")
    return x, a


def _gather(op, args, kwargs):
    """tf.gather: rows of ragged params; ragged indices give their row structure."""
    a = _bound(op, args, kwargs)
    params, indices = a["params"], a["indices"]
    if is_ragged(indices):
        if a.get("axis") not in (None, 0) or a.get("batch_dims", 0):
            raise ValueError("gather: ragged indices need axis=0 and batch_dims=0")
        with name_scope(a.get("name"), "RaggedGather"):
            flat = _gather(op, (params, indices.flat_values), {}) if is_ragged(params) \
                else op(params, indices.flat_values)
            return _nest(flat, indices)
    from .ragged_index import gather
    return gather(params, indices, a.get("validate_indices"), a.get("axis"),
                  a.get("batch_dims", 0), a.get("name"))


def _gather_nd(op, args, kwargs):
    """tf.gather_nd on ragged params: each index row picks a value or a row (a dense
    result when it reaches the flat values, else a RaggedTensor)."""
    a = _bound(op, args, kwargs)
    params, indices = a["params"], a["indices"]
    if is_ragged(indices) or not is_ragged(params) or a.get("batch_dims", 0):
        raise _unsupported(op, " as indices or with batch_dims")
    with name_scope(a.get("name"), "RaggedGatherNd"):
        indices = convert_to_tensor(indices, name="indices")
        k = indices.shape._dims[-1] if indices.shape.rank else None
        if indices.shape.rank not in (1, 2) or not isinstance(k, int):
            raise fail(errors.ShapeError, "gather_nd", "graphc needs indices of rank 1 or "
                       "2 with a known last dim for a RaggedTensor", indices=indices)
        if indices.shape.rank == 1:
            out = _gather_nd(op, (params, A.reshape(indices, [1, k])), {})
            return out[0]
        dt = params.row_splits.dtype
        idx = E.cast(indices, dt) if indices.dtype is not dt else indices
        if k == 0:
            raise ValueError("gather_nd: index rows of length 0 are not supported")
        x, pos = params, idx[:, 0]
        j = 1
        while j < k and is_ragged(x):
            pos = dense_gather(x.row_splits, pos) + idx[:, j]
            x, j = x.values, j + 1
        if j == k:
            return gather_rows(x, pos)
        rest = dense_concat([A.reshape(E.cast(pos, dt), [-1, 1]), idx[:, j:]], 1)
        return op(x, rest)


def _expand_dims(op, args, kwargs):
    from .ragged_index import expand_dims
    rt, a = _ragged_first(op, args, kwargs, "input")
    axis = a.get("axis")
    return expand_dims(rt, a.get("dim") if axis is None else axis, a.get("name"))


def _inner_axis(op, values, axis, extra):
    """op on the flat_values, when every input is a RaggedTensor of one row structure
    and axis is past the ragged dims (None otherwise)."""
    values = list(values)
    if not all(is_ragged(v) for v in values) or not isinstance(axis, (int, np.integer)):
        return None
    rank, k = values[0].rank, values[0].ragged_rank
    if not isinstance(rank, int):
        return None
    axis = int(axis) + rank + extra if axis < 0 else int(axis)
    if axis <= k:
        return None
    flats = [_same_splits(v, values[0], op.__name__) for v in values]
    return values[0].with_flat_values(op(flats, axis=axis - k))


def _concat(op, args, kwargs):
    from .ragged_index import concat
    a = _bound(op, args, kwargs)
    out = _inner_axis(op, a["values"], a["axis"], 0)
    return out if out is not None else concat(a["values"], a["axis"], a.get("name"))


def _stack(op, args, kwargs):
    from .ragged_index import stack
    a = _bound(op, args, kwargs)
    out = _inner_axis(op, a["values"], a.get("axis", 0), 1)
    return out if out is not None else stack(a["values"], a.get("axis", 0), a.get("name"))


def _reshape(op, args, kwargs):
    """tf.reshape of a RaggedTensor to a dense shape: its values in row-major order
    (the flat_values) reshaped, a dense tensor as TF."""
    rt, a = _ragged_first(op, args, kwargs, "tensor")
    if is_ragged(a["shape"]):
        raise _unsupported(op, " as shape")
    return op(rt.flat_values, a["shape"], name=a.get("name"))


def _axis_list(axis, rank, api):
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    if any(not isinstance(v, (int, np.integer)) for v in axes):
        raise TypeError(f"{api}: axis must be Python ints for a RaggedTensor")
    if not isinstance(rank, int):
        raise ValueError(f"{api}: the RaggedTensor's rank is not known")
    if any(not -rank <= v < rank for v in axes):
        raise ValueError(f"{api}: axis {axis} is out of range for rank {rank}")
    return sorted({int(v) % rank for v in axes})


def _squeeze(op, args, kwargs):
    """tf.squeeze of a RaggedTensor: axis is required; a uniform dim of size 1 goes."""
    rt, a = _ragged_first(op, args, kwargs, "input")
    axis = a.get("axis") if a.get("axis") is not None else a.get("squeeze_dims")
    if axis is None:
        raise ValueError("Ragged.squeeze must have an axis argument.")
    with name_scope(a.get("name"), "RaggedSqueeze"):
        out = rt
        for ax in reversed(_axis_list(axis, rt.rank, "squeeze")):
            out = _squeeze1(out, ax)
        return out


def _squeeze1(x, axis):
    if not is_ragged(x):
        return A.squeeze(x, [axis])
    dims = x.shape._dims
    if axis == 0:
        if dims[0] != 1:
            raise ValueError(f"squeeze: dim 0 of a RaggedTensor of shape {x.shape} is not "
                             "1 (graphc squeezes dims known to be 1)")
        return x.values
    if axis == 1 and x._uniform == 1:
        inner = x.values
        if is_ragged(inner):
            return _wrap(inner.values, inner.row_splits, inner._uniform)
        return inner
    if axis == 1:
        raise ValueError(f"squeeze: dim 1 of a RaggedTensor of shape {x.shape} is ragged")
    return x.with_values(_squeeze1(x.values, axis - 1))


def _reverse(op, args, kwargs):
    """tf.reverse of a RaggedTensor: axis 0 reverses the rows, a ragged axis the values
    within each row, an inner axis the flat_values."""
    rt, a = _ragged_first(op, args, kwargs, "tensor")
    with name_scope(a.get("name"), "RaggedReverse"):
        out = rt
        for ax in _axis_list(a["axis"], rt.rank, "reverse"):
            out = _reverse1(out, ax)
        return out


def _reverse1(x, axis):
    if not is_ragged(x):
        return _dense_reverse(x, axis)
    splits = x.row_splits
    if axis == 0:
        n = x.nrows()
        return gather_rows(x, range_(n - 1, -1, -1, dtype=splits.dtype))
    if axis == 1:
        rows = rowids_of(splits)
        pos = range_(0, splits[-1], 1, dtype=splits.dtype)
        src = dense_gather(splits[:-1] + splits[1:] - 1, rows) - pos
        return _wrap(gather_rows(x.values, src), splits, x._uniform)
    return x.with_values(_reverse1(x.values, axis - 1))


def _dense_reverse(x, axis):
    from .ops.tile_reverse import reverse
    return reverse(x, [axis])


def _tile(op, args, kwargs):
    """tf.tile of a RaggedTensor of ragged_rank 1: each row repeated multiples[1] times
    within itself, the rows multiples[0] times, the inner dims as tf.tile."""
    rt, a = _ragged_first(op, args, kwargs, "input")
    if rt.ragged_rank != 1:
        raise ValueError("tile: graphc tiles RaggedTensors of ragged_rank 1 only")
    with name_scope(a.get("name"), "RaggedTile"):
        dt = rt.row_splits.dtype
        mult = convert_to_tensor(a["multiples"], dtype=dt, name="multiples")
        if mult.dtype is not dt:
            mult = E.cast(mult, dt)
        from .ops.registry import constant_value
        static = constant_value(mult)
        splits = rt.row_splits
        lengths = splits[1:] - splits[:-1]
        new = splits_of_lengths(lengths * mult[1])
        rows = rowids_of(new)
        pos = range_(0, new[-1], 1, dtype=dt) - dense_gather(new, rows)
        src = dense_gather(splits, rows) + E.floormod(
            pos, E.maximum(dense_gather(lengths, rows), 1))
        values = dense_gather(rt.values, src)
        if rt.rank > 2:
            values = dense_tile(values, dense_concat([ones_like(mult[:1]), mult[2:]], 0))
        m0 = mult[0]
        total = new[-1]
        offsets = range_(0, m0, 1, dtype=dt) * total
        tiled = A.reshape(A.expand_dims(offsets, 1) + A.expand_dims(new[1:], 0), [-1])
        out_splits = dense_concat([new[:1], tiled], 0)
        lead = dense_concat([A.reshape(m0, [1]),
                             ones_like(A.shape(values, out_type=dt)[1:])], 0)
        out_values = dense_tile(values, lead)
        n = rt.shape._dims[0]
        if static is not None and isinstance(n, int):
            out_splits.set_shape([n * int(static[0]) + 1])
        return _wrap(out_values, out_splits)


def _cumsum(op, args, kwargs):
    """tf.cumsum of a RaggedTensor: along its last ragged axis within each row, along an
    inner axis of the flat_values, or (ragged_rank 1, axis 0) over the padded rows."""
    rt, a = _ragged_first(op, args, kwargs, "x")
    axis = _axis_list(a.get("axis", 0), rt.rank, "cumsum")[0]
    kw = dict(exclusive=a.get("exclusive", False), reverse=a.get("reverse", False))
    with name_scope(a.get("name"), "RaggedCumSum"):
        return _cumsum1(op, rt, axis, kw)


def _cumsum1(op, x, axis, kw):
    k = x.ragged_rank
    if axis > k:
        return x.with_flat_values(op(x.flat_values, axis=axis - k, **kw))
    if axis == k and k > 1:
        return x.with_values(_cumsum1(op, x.values, axis - 1, kw))
    if k != 1:
        raise ValueError(f"cumsum: graphc sums a RaggedTensor of ragged_rank {k} along "
                         f"axis {k} or an inner axis, not {axis}")
    from .ragged_convert import from_tensor
    dense = op(x.to_tensor(), axis=axis, **kw)
    return from_tensor(dense, lengths=x.row_lengths(), row_splits_dtype=x.row_splits.dtype)


def _nested_ids(name):
    """ids ragged: op on its flat_values, under its row partitions (embedding_lookup,
    one_hot)."""
    def handler(op, args, kwargs):
        a = _bound(op, args, kwargs)
        ids = a.pop(name)
        if not is_ragged(ids) or _has_ragged(a.values()):
            raise _unsupported(op, f" except as {name}")
        if name == "indices" and a.get("axis") not in (None, -1):
            raise ValueError("one_hot: a RaggedTensor of indices needs axis=-1")
        return _nest(op(**{name: ids.flat_values}, **a), ids)
    return handler


# ---- strings --------------------------------------------------------------------------
def _string_join(op, args, kwargs):
    a = _bound(op, args, kwargs)
    inputs = list(a["inputs"])
    ref = next(t for t in inputs if is_ragged(t))
    with name_scope(a.get("name"), "RaggedStringJoin"):
        flats = []
        for t in inputs:
            if is_ragged(t):
                flats.append(_same_splits(t, ref, "strings.join"))
            else:
                t = t if isinstance(t, Tensor) else convert_to_tensor(t, dtype=dtypes.string)
                flats.append(_dense_for_flat(ref, t, "strings.join"))
        return ref.with_flat_values(op(flats, separator=a.get("separator", "")))


def _reduce_join(op, args, kwargs):
    from .ragged_strings import reduce_join
    a = _bound(op, args, kwargs)
    axis, keep = _axis_keep(a)
    return reduce_join(a["inputs"], axis, bool(keep), a.get("separator", ""),
                       a.get("name"))


# ---- the table ------------------------------------------------------------------------
_UNARY = """
abs acos acosh angle asin asinh atan atanh bessel_i0 bessel_i0e bessel_i1 bessel_i1e ceil
conj cos cosh digamma erf erfc erfcinv erfinv exp expm1 floor imag is_finite is_inf is_nan
lgamma log1p log_sigmoid log logical_not negative ndtri real reciprocal reciprocal_no_nan
rint round rsqrt sigmoid sign sin sinh softplus softsign sqrt square tan tanh
cast saturate_cast to_float to_double to_int32 to_int64 to_bfloat16 to_complex64
to_complex128 check_numerics ones_like zeros_like clip_by_value identity
relu relu6 elu selu leaky_relu silu swish log_softmax dropout
as_string string_to_number string_to_hash_bucket string_to_hash_bucket_fast
string_to_hash_bucket_strong substr regex_replace regex_full_match decode_base64
encode_base64 string_strip
length lower upper strip to_hash_bucket to_hash_bucket_fast to_hash_bucket_strong
to_number unicode_transcode unicode_script invert
""".split()

_BINARY = """
add subtract multiply divide truediv realdiv div floordiv floor_div floormod mod
truncatediv truncatemod maximum minimum pow squared_difference equal not_equal less
less_equal greater greater_equal logical_and logical_or logical_xor atan2 xdivy xlogy
xlog1py zeta nextafter multiply_no_nan divide_no_nan div_no_nan complex polygamma igamma
igammac bitwise_and bitwise_or bitwise_xor left_shift right_shift
""".split()

_SPECIAL = {
    "scalar_mul": _scalar_mul, "add_n": _add_n, "where": _where, "where_v2": _where,
    "reduce_sum": _reducer("sum"), "reduce_mean": _reducer("mean"),
    "reduce_max": _reducer("max"), "reduce_min": _reducer("min"),
    "reduce_prod": _reducer("prod"), "reduce_any": _reducer("any"),
    "reduce_all": _reducer("all"), "reduce_variance": _reducer("variance"),
    "reduce_std": _reducer("std"),
    "shape": _shape, "size": _size, "rank": _rank,
    "gather": _gather, "gather_nd": _gather_nd, "expand_dims": _expand_dims,
    "concat": _concat, "stack": _stack, "squeeze": _squeeze, "reverse": _reverse,
    "tile": _tile, "cumsum": _cumsum, "reshape": _reshape,
    "embedding_lookup": _nested_ids("ids"), "one_hot": _nested_ids("indices"),
    "join": _string_join, "string_join": _string_join, "reduce_join": _reduce_join,
    "matmul": lambda op, args, kwargs: ragged_matmul(**_bound(op, args, kwargs)),
}

_NAMESPACES = ("", "math", "nn", "strings", "bitwise", "debugging", "compat.v1")


def _handler(name):
    if name in _SPECIAL:
        return _SPECIAL[name]
    if name in _BINARY:
        return _binary
    if name in _UNARY:
        return _unary
    return None


_DISPATCHED = {}     # (namespace, name) -> handler


def install():
    """Wraps the dispatched functions in graphc's namespaces (once; the same function
    object under several names gets one wrapper)."""
    import graphc
    wrappers = {}
    for ns in _NAMESPACES:
        mod = graphc
        for part in ns.split(".") if ns else ():
            mod = getattr(mod, part, None)
        if mod is None:
            continue
        for name in list(vars(mod)):
            h = _handler(name)
            f = vars(mod)[name]
            if h is None or not callable(f) or isinstance(f, type) or \
                    hasattr(f, "_ragged_handler"):
                continue
            if id(f) not in wrappers:
                wrappers[id(f)] = _wrap_api(f, h)
            setattr(mod, name, wrappers[id(f)])
            _DISPATCHED[(ns, name)] = h
    _alias_everywhere(wrappers)


_INTERNAL = ("graphc.ops", "graphc.compiler", "graphc.autodiff", "graphc.io.tf_graphdef",
             "graphc.ragged")


def _alias_everywhere(wrappers):
    """The other public names of a wrapped function (gc.manip.reverse is gc.reverse)
    get its wrapper too; graphc's internal modules keep the originals."""
    import sys
    for modname, mod in list(sys.modules.items()):
        if mod is None or not modname.startswith("graphc.") or \
                modname.startswith(_INTERNAL):
            continue
        for name, f in list(vars(mod).items()):
            w = wrappers.get(id(f))
            if w is not None and callable(f) and not name.startswith("_"):
                setattr(mod, name, w)


def dispatched():
    """The names (`math.add`, `strings.lower`, ...) that dispatch on RaggedTensors."""
    return sorted(f"{ns}.{n}" if ns else n for ns, n in _DISPATCHED)
