"""parse_example and friends: serialized tf.train.Example protos -> tensors (TF1 names).

    feats = gc.parse_example(serialized, {                  # serialized: string [B]
        "x": gc.FixedLenFeature([3], gc.float32),           # -> float32 [B, 3]
        "y": gc.VarLenFeature(gc.int64)})                   # -> SparseTensor [B, ?]

One ParseExample node decodes every requested feature of every record (the wire format
is read by hand, io/example.py documents it). A feature spec becomes a hashable tuple
attribute; each dense feature is one output, each sparse one three (indices, values,
dense_shape). Run-time errors name the feature key and the record index, as TF's do.
"""
import collections

import numpy as np

from .. import dtypes
from ..io.events import LEN, DecodeError, _fields, _read_varint
from ..shapes import InferError, TensorShape
from .core import convert_to_tensor
# _dims is imported from here by parsing_sequence
from .parsing_kinds import (_KIND, _NP, _TYPE_NAME, _dense, _dims,  # noqa: F401
                            _sequence, _sparse, _var)
from .parsing_ragged import (RaggedFeature, parse_ragged, ragged_count, ragged_keys,
                             ragged_result, ragged_spec, ragged_types)
from .registry import OpDef, apply, register

__all__ = ["FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature", "SparseFeature",
           "parse_example", "parse_single_example"]

FixedLenFeature = collections.namedtuple("FixedLenFeature",
                                         ["shape", "dtype", "default_value"])
FixedLenFeature.__new__.__defaults__ = (None,)
FixedLenFeature.__doc__ = ("A dense feature of a fixed shape: FixedLenFeature([3], "
                           "gc.float32, default_value=None) (None: required).")
VarLenFeature = collections.namedtuple("VarLenFeature", ["dtype"])
VarLenFeature.__doc__ = "A feature of any length, parsed to a SparseTensor: VarLenFeature(gc.int64)."
FixedLenSequenceFeature = collections.namedtuple(
    "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])
FixedLenSequenceFeature.__new__.__defaults__ = (False, None)
FixedLenSequenceFeature.__doc__ = ("Rows of a fixed shape, as many as the record holds "
                                   "(padded with default_value in a batch).")
SparseFeature = collections.namedtuple(
    "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])
SparseFeature.__new__.__defaults__ = (False,)
SparseFeature.__doc__ = ("A SparseTensor from an index feature (or several) and a value "
                         "feature: SparseFeature('ix', 'val', gc.float32, 100).")

# ---- reading the wire format -----------------------------------------------------------
def _map_entries(buf, wanted):
    """{key: value bytes} of the map entries of buf (a Features or FeatureLists) whose key
    is in wanted; a later entry of one key replaces an earlier one (protobuf's maps)."""
    out = {}
    for field, wire, entry, _ in _fields(buf):
        if field != 1 or wire != LEN:
            continue
        key, value = None, b""
        for f, w, v, _ in _fields(entry):
            if f == 1 and w == LEN:
                key = v
            elif f == 2 and w == LEN:
                value = v
        if key is not None:
            key = key.decode("utf-8", "replace")
            if key in wanted:
                out[key] = value
    return out


def _feature_values(feature):
    """(kind, values) of a serialized Feature: kind 0 when no list is set."""
    kind, payload = 0, b""
    for field, wire, v, _ in _fields(feature):
        if 1 <= field <= 3 and wire == LEN:
            kind, payload = field, v     # a later member of the oneof wins
    if kind == 0:
        return 0, None
    if kind == 2:
        floats = bytearray()
        for f, w, v, _ in _fields(payload):
            if f == 1:
                floats += v
        if len(floats) % 4:
            raise DecodeError("a FloatList is not a whole number of floats")
        return 2, np.frombuffer(bytes(floats), "<f4").astype(np.float32)
    if kind == 3:
        ints = []
        for f, w, v, _ in _fields(payload):
            if f != 1:
                continue
            if w == LEN:
                pos = 0
                while pos < len(v):
                    n, pos = _read_varint(v, pos)
                    ints.append(n)
            else:
                ints.append(v)
        return 3, np.array(ints, np.uint64).view(np.int64)
    values = [v for f, w, v, _ in _fields(payload) if f == 1]
    arr = np.empty(len(values), object)
    arr[:] = values
    return 1, arr


def _features_of(record, wanted, index):
    """{key: serialized Feature} of one serialized Example."""
    try:
        data = b""
        for field, wire, v, _ in _fields(bytes(record)):
            if field == 1 and wire == LEN:
                data += v               # repeated occurrences of a message field merge
        return _map_entries(data, wanted)
    except DecodeError as e:
        raise ValueError(f"Name: <unknown>, Index: {index}.  Could not parse example "
                         f"input, value: {bytes(record)[:40]!r} ({e})") from None


def _typed(spec_key, dtype, feature, index):
    """The values of one feature, checked against the spec's dtype (None: absent)."""
    kind, values = _feature_values(feature)
    if kind == 0:
        return None
    if kind != _KIND[dtype]:
        raise ValueError(f"Name: <unknown>, Key: {spec_key}, Index: {index}.  Data types "
                         f"don't match. Data type: {_TYPE_NAME[kind]} but expected type: "
                         f"{_TYPE_NAME[_KIND[dtype]]}")
    return values


def _parse_batch(records, specs):
    """The flat outputs of ParseExample for records (a 1-D object array)."""
    wanted = set()
    for spec in specs:
        if spec[0] == "ragged":
            wanted.update(k for k, _ in ragged_keys(spec))
        else:
            wanted.update(spec[5][0] + (spec[5][1],) if spec[0] == "sparse" else (spec[1],))
    maps = [_features_of(r, wanted, b) for b, r in enumerate(records)]

    def found(key, dtype):
        return [_typed(key, dtype, m[key], b) if key in m else None
                for b, m in enumerate(maps)]
    out = []
    for spec in specs:
        kind, key, dtype = spec[:3]
        if kind == "sparse":
            index_keys, value_key, _ = spec[5]
            ix = list(zip(*[found(k, "int64") for k in index_keys]))
            out += _sparse(spec, ix, found(value_key, dtype))
        elif kind == "ragged":
            out += parse_ragged(spec, {k: found(k, dt) for k, dt in ragged_keys(spec)})
        else:
            out += {"dense": _dense, "seq": _sequence, "var": _var}[kind](spec, found(key, dtype))
    return out


def _unbatch(outs, specs):
    """parse_single_example's outputs from a batch of one: drop the batch dim."""
    res, i = [], 0
    for spec in specs:
        if spec[0] in ("dense", "seq"):
            res.append(outs[i][0])
            i += 1
        elif spec[0] == "ragged":         # the same arrays; the batch's splits go unused
            res += outs[i:i + ragged_count(spec)]
            i += ragged_count(spec)
        else:
            ind, val, shp = outs[i:i + 3]
            res += [np.ascontiguousarray(ind[:, 1:]), val, shp[1:]]
            i += 3
    return res


def one_or_tuple(outs):
    """A kernel's result: the array itself for one output (a tuple is several)."""
    outs = tuple(outs)
    return outs[0] if len(outs) == 1 else outs


# ---- the op ----------------------------------------------------------------------------
def _out_types(specs, lead):
    out = []
    for spec in specs:
        kind, _, dtype, shape, _, _ = spec
        dt = dtypes.as_dtype(dtype)
        if kind == "ragged":
            out += ragged_types(spec, lead)
        elif kind == "dense":
            out.append((lead + shape, dt))
        elif kind == "seq":
            out.append((lead + (None,) + shape, dt))
        else:
            rank = len(lead) + (1 if kind == "var" else len(shape))
            out += [((None, rank), dtypes.int64), ((None,), dt), ((rank,), dtypes.int64)]
    return out


def check_serialized(serialized, single):
    """InferError unless serialized is a string scalar (single) or vector (a batch)."""
    if serialized.dtype is not dtypes.string:
        raise InferError("serialized must be a string tensor, not {0}'s "
                         f"{serialized.dtype.name}", kind="dtype")
    if serialized.shape.rank not in (None, 0 if single else 1):
        raise InferError(f"serialized must be {'a scalar' if single else 'a vector'}, "
                         f"not of shape {serialized.shape}")
    if single:
        return ()
    return (serialized.shape._dims[0] if serialized.shape.rank == 1 else None,)


def _infer_parse(ctx, serialized, *, specs, single):
    return _out_types(specs, check_serialized(serialized, single))


def _parse_kernel(serialized, *, specs, single):
    arr = np.asarray(serialized, object)
    if single:
        return one_or_tuple(_unbatch(_parse_batch(arr.reshape(1), specs), specs))
    return one_or_tuple(_parse_batch(arr, specs))


PARSE_EXAMPLE = register(OpDef(
    "ParseExample", _infer_parse, _parse_kernel, differentiable=False,
    api="parse_example", signature="parse_example(serialized, features, name=None, "
    "example_names=None)", shape_rule="[B] -> per feature [B, ...] or SparseTensor",
    dtypes="string -> float32, int64, string",
    doc="Decodes serialized tf.train.Example protos into the features asked for."))


def _spec_dtype(dtype, key):
    dt = dtypes.as_dtype(dtype)
    if dt.name not in _KIND:
        raise TypeError(f"feature '{key}': dtype {dt.name} is not supported; an Example "
                        "holds float32, int64 or string values")
    return dt.name


def _shape_tuple(shape, key, what):
    dims = TensorShape(shape)._dims if not isinstance(shape, TensorShape) else shape._dims
    if dims is None or any(not isinstance(d, int) for d in dims):
        raise ValueError(f"{what} for feature '{key}' needs a fully known shape, got "
                         f"{shape!r}" + (". Consider using FixedLenSequenceFeature."
                                         if what == "FixedLenFeature" else ""))
    return tuple(dims)


def _default(value, dtype, shape, key, scalar=False):
    if value is None:
        return None
    arr = np.asarray(value, _NP[dtype])
    want = 1 if scalar else int(np.prod(shape, dtype=np.int64))
    if arr.size != want:
        raise ValueError(f"feature '{key}': default_value has {arr.size} elements but "
                         f"must have {want} (shape {list(shape)})")
    if _NP[dtype] == object:        # a str default is bytes, as a parsed value is
        return tuple(v.encode() if isinstance(v, str) else v for v in arr.ravel().tolist())
    return tuple(arr.ravel().tolist())


def specs_of(features, api):
    """The hashable specs of a features dict, in key order."""
    if not isinstance(features, dict) or not features:
        raise ValueError(f"{api}: features must be a non-empty dict of feature specs")
    specs = []
    for key in sorted(features):
        f = features[key]
        if isinstance(f, FixedLenFeature):
            dt = _spec_dtype(f.dtype, key)
            shape = _shape_tuple(f.shape, key, "FixedLenFeature")
            specs.append(("dense", key, dt, shape, _default(f.default_value, dt, shape, key),
                          None))
        elif isinstance(f, FixedLenSequenceFeature):
            if not f.allow_missing:
                raise ValueError("Unsupported: FixedLenSequenceFeature requires "
                                 f"allow_missing to be True (feature '{key}').")
            dt = _spec_dtype(f.dtype, key)
            shape = _shape_tuple(f.shape, key, "FixedLenSequenceFeature")
            specs.append(("seq", key, dt, shape,
                          _default(f.default_value, dt, shape, key, scalar=True), None))
        elif isinstance(f, VarLenFeature):
            specs.append(("var", key, _spec_dtype(f.dtype, key), (), None, None))
        elif isinstance(f, SparseFeature):
            index_keys = (f.index_key,) if isinstance(f.index_key, str) else tuple(f.index_key)
            size = (f.size,) if isinstance(f.size, int) else tuple(f.size)
            if len(size) != len(index_keys) or not all(isinstance(s, int) for s in size):
                raise ValueError(f"SparseFeature '{key}': size must be one int per index "
                                 f"key, got size={f.size!r} for index_key={f.index_key!r}")
            specs.append(("sparse", key, _spec_dtype(f.dtype, key), size, None,
                          (index_keys, f.value_key, bool(f.already_sorted))))
        elif isinstance(f, RaggedFeature) and api in ("parse_example",
                                                      "parse_single_example"):
            specs.append(ragged_spec(f, key))
        else:
            raise ValueError(f"{api}: unsupported feature spec for '{key}': {f!r}")
    return tuple(specs)


def results(node, specs, start=0, single=False):
    """{key: output tensor, SparseTensor or RaggedTensor} of a parse node's outputs from
    `start` (single: parse_single_example's)."""
    from ..sparse import SparseTensor
    out, i = {}, start
    for spec in specs:
        if spec[0] == "ragged":
            out[spec[1]] = ragged_result(node.outputs[i:i + ragged_count(spec)], spec, single)
            i += ragged_count(spec)
        elif spec[0] in ("dense", "seq"):
            out[spec[1]] = node.outputs[i]
            i += 1
        else:
            out[spec[1]] = SparseTensor(*node.outputs[i:i + 3])
            i += 3
    return out


def parse_example(serialized, features, name=None, example_names=None):
    """Parses a batch of serialized Examples (string [B]) into a dict of tensors:
    FixedLenFeature -> [B] + shape; FixedLenSequenceFeature -> [B, longest] + shape;
    VarLenFeature and SparseFeature -> SparseTensor; RaggedFeature -> RaggedTensor.

        out = gc.parse_example(records, {"x": gc.FixedLenFeature([2], gc.float32)})
    """
    specs = specs_of(features, "parse_example")
    serialized = convert_to_tensor(serialized, dtype=dtypes.string)
    return results(apply(PARSE_EXAMPLE, (serialized,), name=name or "ParseExample",
                          specs=specs, single=False), specs)


def parse_single_example(serialized, features, name=None, example_names=None):
    """parse_example for one scalar serialized Example: no batch dim in the results (a
    RaggedFeature with no ragged partition gives a Tensor).

        out = gc.parse_single_example(record, {"y": gc.VarLenFeature(gc.int64)})
    """
    specs = specs_of(features, "parse_single_example")
    serialized = convert_to_tensor(serialized, dtype=dtypes.string)
    return results(apply(PARSE_EXAMPLE, (serialized,), name=name or "ParseSingleExample",
                          specs=specs, single=True), specs, single=True)
