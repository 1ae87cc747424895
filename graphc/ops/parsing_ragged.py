"""tf.io.RaggedFeature: a feature parsed to a RaggedTensor by gc.io.parse_example and
parse_single_example (parsing_example.py calls the hooks below).

    spec = {"words": gc.io.RaggedFeature(gc.string),              # -> [B, (words)]
            "sents": gc.io.RaggedFeature(gc.int64, value_key="tok",
                                         partitions=[gc.io.RaggedFeature.RowLengths("n")])}
    feats = gc.io.parse_example(records, spec)                    # sents: [B, (s), (t)]

The values come from the feature value_key (default: the spec's key); each partition,
outermost first, splits them into rows, with the row partition read from an int64
feature of the same record (RowSplits, RowLengths, RowStarts, RowLimits, ValueRowIds)
or fixed (UniformRowLength). Partitions are applied innermost first, each on the rows
the inner ones made. Innermost UniformRowLength partitions become dense inner dims of
the flat values, as in TF. The kernel turns every partition into row_splits per record
and joins the records (offsetting each level's splits); parse_example adds the batch
as the outermost ragged dim.
"""
import collections

import numpy as np

from .. import dtypes
from .parsing_kinds import _NP

__all__ = ["RaggedFeature"]

_PARTITION_KINDS = (("RowSplits", "key", "row_splits"), ("RowLengths", "key", "row_lengths"),
                    ("RowStarts", "key", "row_starts"), ("RowLimits", "key", "row_limits"),
                    ("ValueRowIds", "key", "value_rowids"),
                    ("UniformRowLength", "length", "uniform"))
_PARTITIONS = {name: collections.namedtuple(name, [field]) for name, field, _ in
               _PARTITION_KINDS}
_KIND_OF = {_PARTITIONS[name]: kind for name, _, kind in _PARTITION_KINDS}


class RaggedFeature(collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype",
                          "validate"])):
    """A feature parsed to a RaggedTensor (tf.io.RaggedFeature):

        gc.io.RaggedFeature(gc.float32, value_key="v", partitions=[
            gc.io.RaggedFeature.RowSplits("s"), gc.io.RaggedFeature.UniformRowLength(2)],
            row_splits_dtype=gc.int64)
    dtype: int64, float32 or string; partitions outermost first; row_splits_dtype:
    int32 (default) or int64. graphc checks the partitions whether or not validate is
    set."""
    __slots__ = ()
    RowSplits = _PARTITIONS["RowSplits"]
    RowLengths = _PARTITIONS["RowLengths"]
    RowStarts = _PARTITIONS["RowStarts"]
    RowLimits = _PARTITIONS["RowLimits"]
    ValueRowIds = _PARTITIONS["ValueRowIds"]
    UniformRowLength = _PARTITIONS["UniformRowLength"]
    _PARTITION_TYPES = tuple(_KIND_OF)

    def __new__(cls, dtype, value_key=None, partitions=(), row_splits_dtype=dtypes.int32,
                validate=False):
        if value_key is not None and not isinstance(value_key, str):
            raise ValueError(f"Argument `value_key` must be a string; got {value_key}")
        dtype = dtypes.as_dtype(dtype)
        if dtype not in (dtypes.int64, dtypes.float32, dtypes.string):
            raise ValueError(f"Argument `dtype` must be int64, float32, or bytes; got "
                             f"{dtype!r}")
        row_splits_dtype = dtypes.as_dtype(row_splits_dtype)
        if row_splits_dtype not in (dtypes.int32, dtypes.int64):
            raise ValueError(f"Argument `row_splits_dtype` must be int32 or int64; got "
                             f"{row_splits_dtype!r}")
        if not isinstance(partitions, (list, tuple)):
            raise TypeError(f"Argument `partitions` must be a list or tuple. Received "
                            f"partitions={partitions} of type {type(partitions).__name__}.")
        for p in partitions:
            if type(p) not in _KIND_OF:
                raise TypeError(f"Argument `partitions` must be a list of partition "
                                f"objects {tuple(t.__name__ for t in _KIND_OF)}; got: {p!r}")
        if not isinstance(validate, bool):
            raise TypeError(f"Argument `validate` must be a bool; got {validate!r}")
        return super().__new__(cls, dtype, value_key, tuple(partitions), row_splits_dtype,
                               validate)


# ---- hooks of parsing_example -----------------------------------------------------------
def ragged_spec(f, key):
    """The hashable spec ("ragged", key, dtype, inner dims, None, (value_key, levels,
    row_splits dtype)): levels are the (kind, key or length) partitions outermost first,
    less the innermost UniformRowLengths, which are the inner dims."""
    parts = [(_KIND_OF[type(p)], p[0]) for p in f.partitions]
    for kind, arg in parts:
        if kind == "uniform" and (not isinstance(arg, (int, np.integer)) or arg < 1):
            raise ValueError(f"RaggedFeature '{key}': UniformRowLength needs a positive "
                             f"int length, got {arg!r}")
        if kind != "uniform" and not isinstance(arg, str):
            raise ValueError(f"RaggedFeature '{key}': the key of a {kind} partition must "
                             f"be a string, got {arg!r}")
    inner = []
    while parts and parts[-1][0] == "uniform":
        inner.insert(0, int(parts.pop()[1]))
    levels = tuple((k, int(a) if k == "uniform" else a) for k, a in parts)
    return ("ragged", key, f.dtype.name, tuple(inner), None,
            (f.value_key or key, levels, f.row_splits_dtype.name))


def ragged_keys(spec):
    """[(feature key, dtype)] the spec reads: the values, then the partitions (int64)."""
    value_key, levels, _ = spec[5]
    return [(value_key, spec[2])] + [(a, "int64") for k, a in levels if k != "uniform"]


def ragged_count(spec):
    """The number of outputs: flat values, the batch's row_splits, one per level."""
    return 2 + len(spec[5][1])


def ragged_types(spec, lead):
    """Output types: values [N, inner...], row_splits [B + 1] then [None] per level."""
    _, _, dtype, inner, _, (_, levels, sdt) = spec
    sdt = dtypes.as_dtype(sdt)
    batch = lead[0] + 1 if lead and isinstance(lead[0], int) else (2 if not lead else None)
    return ([((None,) + inner, dtypes.as_dtype(dtype)), ((batch,), sdt)] +
            [((None,), sdt)] * len(levels))


def _fail(key, b, why):
    return ValueError(f"Name: <unknown>, Key: {key}, Index: {b}.  {why}")


def _nondecreasing(p):
    return bool(np.all(p[1:] >= p[:-1]))


def _level_splits(kind, arg, p, units, key, b):
    """One record's row_splits of a partition over `units` inner rows (p: the partition
    feature's values, empty when the record lacks it)."""
    what = f"partition {kind} ('{arg}')" if kind != "uniform" else "UniformRowLength"
    if kind == "uniform":
        if units % arg:
            raise _fail(key, b, f"{what} {arg} does not divide the {units} inner rows")
        return np.arange(0, units + 1, arg, dtype=np.int64)
    if kind == "row_lengths":
        if np.any(p < 0) or int(p.sum()) != units:
            raise _fail(key, b, f"{what}: row lengths {p.tolist()} must be >= 0 and sum "
                                f"to the {units} inner rows")
        return np.concatenate([[0], np.cumsum(p)]).astype(np.int64)
    if kind == "value_rowids":
        if len(p) != units or np.any(p < 0) or not _nondecreasing(p):
            raise _fail(key, b, f"{what}: needs one sorted row id >= 0 per inner row "
                                f"({units}), got {p.tolist()}")
        counts = np.bincount(p, minlength=int(p[-1]) + 1 if len(p) else 0)
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    if kind == "row_starts":
        splits = np.concatenate([p, [units]]).astype(np.int64)
    elif kind == "row_limits":
        splits = np.concatenate([[0], p]).astype(np.int64)
    else:
        splits = p.astype(np.int64) if len(p) else np.zeros(1, np.int64)
    if splits[0] != 0 or splits[-1] != units or not _nondecreasing(splits):
        raise _fail(key, b, f"{what} {p.tolist()} does not give row_splits from 0 to the "
                            f"{units} inner rows, in order")
    return splits


def parse_ragged(spec, found):
    """The outputs of a RaggedFeature over a batch: found[key] is the list of each
    record's values of that feature (None: absent)."""
    _, key, dtype, inner, _, (value_key, levels, sdt) = spec
    stride = int(np.prod(inner, dtype=np.int64))
    empty = np.zeros(0, np.int64)
    values, rows = [], []
    joined = [[np.zeros(1, np.int64)] for _ in levels]
    offsets = [0] * len(levels)      # each level's rows so far
    for b, vals in enumerate(found[value_key]):
        n = 0 if vals is None else len(vals)
        if n % stride:
            raise _fail(key, b, f"the {n} values do not split into rows of shape "
                                f"{list(inner)} (UniformRowLength)")
        units = n // stride
        for i in reversed(range(len(levels))):
            kind, arg = levels[i]
            p = None if kind == "uniform" else found[arg][b]
            splits = _level_splits(kind, arg, empty if p is None else p, units, key, b)
            joined[i].append(splits[1:] + offsets[i])
            offsets[i] += int(splits[-1])
            units = len(splits) - 1
        rows.append(units)
        if n:
            values.append(vals)
    flat = (np.concatenate(values) if values else np.zeros(0, _NP[dtype])).astype(_NP[dtype])
    np_sdt = np.dtype(sdt)
    out = [flat.reshape((-1,) + inner),
           np.concatenate([[0], np.cumsum(rows, dtype=np.int64)]).astype(np_sdt)]
    return out + [np.concatenate(j).astype(np_sdt) for j in joined]


def ragged_result(outputs, spec, single):
    """The RaggedTensor (or, for one record with no ragged level, the Tensor) of a
    RaggedFeature's outputs."""
    from ..ragged_tensor import RaggedTensor
    levels = spec[5][1]
    splits = list(outputs[1:]) if not single else list(outputs[2:])
    uniform = ([None] if not single else []) + [a if k == "uniform" else None
                                                 for k, a in levels]
    rt = outputs[0]
    for s, length in reversed(list(zip(splits, uniform))):
        rt = RaggedTensor(rt, s, internal=True)
        rt._uniform = length
    return rt
