"""gc.io.decode_json_example: the JSON form (proto3 JSON mapping) of tf.train.Example
protos to their binary serialization, byte for byte as TF writes it.

TF converts the JSON token stream straight to wire format, so the bytes follow the
JSON: map entries (features) in the order written, repeated values unpacked (one key
per value), an empty list or Feature still written (as a zero-length field), a null
field left out and a null feature written as its key alone. Field names are accepted in
both forms (bytesList / bytes_list); int64s as numbers or strings; floats as numbers or
"NaN" / "Infinity" / "-Infinity" strings (out of float32 range is an error); bytes as
base64 (standard or URL-safe, padding optional); a single value stands for a list.
"""
import base64
import binascii
import json
import math

import numpy as np

from .. import dtypes, errors
from ..ops.core import convert_to_tensor
from ..ops.registry import OpDef, apply1, register
from ..ops.strings_base import map_array, need_string
from .wire import I32, LEN, VARINT, _key, _varint

__all__ = ["decode_json_example"]

_LISTS = {"bytesList": 1, "bytes_list": 1, "floatList": 2, "float_list": 2,
          "int64List": 3, "int64_list": 3}
_INT64 = (-(1 << 63), (1 << 63) - 1)
_FLT_OVER = 3.4028235677973366e38      # FLT_MAX + half an ulp: rounds to inf


class _JsonError(ValueError):
    """Text that is not the JSON of a tf.train.Example."""


class _Obj(list):
    """A JSON object as its (key, value) pairs, in order."""


def _pairs(items):
    """json's object hook: the pairs in order, refusing repeated keys."""
    seen = set()
    for k, _ in items:
        if k in seen:
            raise _JsonError(f"duplicate key {k!r}")
        seen.add(k)
    return _Obj(items)


def _fields(obj, allowed, where):
    if not isinstance(obj, _Obj):
        raise _JsonError(f"{where}: expected an object, got {obj!r}")
    for k, _ in obj:
        if k not in allowed:
            raise _JsonError(f"{where}: no such field: {k!r}")
    return obj


def _len_field(field, payload):
    return _key(field, LEN) + _varint(len(payload)) + payload


def _int64(v, where):
    if isinstance(v, bool) or v is None:
        raise _JsonError(f"{where}: invalid int64 value {v!r}")
    if isinstance(v, str):
        try:
            v = int(v.strip()) if v.strip().lstrip("-").isdigit() else float(v)
        except ValueError:
            raise _JsonError(f"{where}: invalid int64 value {v!r}") from None
    if isinstance(v, float):
        if not math.isfinite(v) or v != int(v):
            raise _JsonError(f"{where}: invalid int64 value {v!r}")
        v = int(v)
    if not _INT64[0] <= v <= _INT64[1]:
        raise _JsonError(f"{where}: int64 value {v} out of range")
    return v


def _float(v, where):
    if isinstance(v, str):
        if v not in ("NaN", "Infinity", "-Infinity"):
            try:
                v = float(v)
            except ValueError:
                raise _JsonError(f"{where}: invalid float value {v!r}") from None
        else:
            return float(v.replace("Infinity", "inf"))
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _JsonError(f"{where}: invalid float value {v!r}")
    v = float(v)
    if math.isfinite(v) and abs(v) >= _FLT_OVER:
        raise _JsonError(f"{where}: float out of range")
    return v


def _bytes(v, where):
    if not isinstance(v, str):
        raise _JsonError(f"{where}: expected a base64 string, got {v!r}")
    s = v.replace("-", "+").replace("_", "/").rstrip("=")
    try:
        return base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise _JsonError(f"{where}: invalid base64 {v!r}") from None


def _value_list(kind, obj, where):
    out = b""
    for k, vals in _fields(obj, ("value",), where):
        if vals is None:
            continue
        for v in vals if isinstance(vals, list) and not isinstance(vals, _Obj) else [vals]:
            if kind == 1:
                out += _len_field(1, _bytes(v, where))
            elif kind == 2:
                out += _key(1, I32) + np.asarray(_float(v, where), "<f4").tobytes()
            else:
                out += _key(1, VARINT) + _varint(_int64(v, where))
    return out


def _feature(obj, where):
    out, kind_set = b"", None
    for k, v in _fields(obj, tuple(_LISTS), where):
        if v is None:
            continue
        if kind_set is not None:
            raise _JsonError(f"{where}: {k!r} has already been set (either directly or as "
                             f"part of a oneof)")
        kind_set = _LISTS[k]
        out += _len_field(kind_set, _value_list(kind_set, v, f"{where}.{k}"))
    return out


def _example(text):
    try:
        obj = json.loads(text, object_pairs_hook=_pairs)
    except _JsonError:
        raise
    except ValueError as e:
        raise _JsonError(f"invalid JSON: {e}") from None
    out = b""
    for _, features in _fields(obj, ("features",), "Example"):
        if features is None:
            continue
        body = b""
        for _, fmap in _fields(features, ("feature",), "features"):
            if fmap is None:
                continue
            if not isinstance(fmap, _Obj):
                raise _JsonError(f"features.feature: expected an object, got {fmap!r}")
            for name, feat in fmap:
                entry = _len_field(1, name.encode("utf-8"))
                if feat is not None:
                    entry += _len_field(2, _feature(feat, f"features.feature[{name!r}]"))
                body += _len_field(1, entry)
        out += _len_field(1, body)
    return out


def _decode(v):
    text = v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v)
    try:
        return _example(text)
    except _JsonError as e:
        raise errors.InvalidArgumentError(
            f"Error while parsing JSON: {e} (in type.googleapis.com/tensorflow.Example)"
        ) from None


def _infer(ctx, x):
    need_string(ctx, 0)
    return x.shape, dtypes.string


DECODE_JSON_EXAMPLE = register(OpDef(
    "DecodeJSONExample", _infer, lambda x: map_array(_decode, x), differentiable=False,
    api="io.decode_json_example", signature="decode_json_example(json_examples, name=None)",
    shape_rule="same as input", dtypes="string",
    doc="JSON tf.train.Example protos to serialized binary ones."))


def decode_json_example(json_examples, name=None):
    """Each JSON text of a tf.train.Example (proto3 JSON mapping) as the serialized binary
    Example, byte-identical to TF's (TF1 tf.io.decode_json_example):

        ex = gc.io.decode_json_example(
            '{"features": {"feature": {"x": {"int64List": {"value": ["7"]}}}}}')
        gc.io.parse_single_example(ex, {"x": gc.io.FixedLenFeature([], gc.int64)})
    """
    x = convert_to_tensor(json_examples, dtype=dtypes.string)
    return apply1(DECODE_JSON_EXAMPLE, (x,), name=name)
