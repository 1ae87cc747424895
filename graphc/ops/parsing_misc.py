"""Byte-level parsing ops of tf.io (TF1 names): decode_raw, decode_csv, serialize_tensor /
parse_tensor (TensorProto bytes). decode_compressed and the file ops are in
parsing_files.py.

    x = gc.decode_raw(records, gc.float32)          # string [B] -> float32 [B, n]
    a, b = gc.decode_csv(lines, record_defaults=[[0.0], [0]])
"""
import struct

import numpy as np

from .. import dtypes
from ..graph import Tensor
from ..io.events import (I32, I64, LEN, VARINT, DecodeError, _bytes, _fields, _int,
                         _read_varint, _varint)
from ..io.wire import _varints, signed64
from ..shapes import InferError, TensorShape
from .core import convert_to_tensor
from .registry import OpDef, apply, apply1, constant_value, register
from .strings import parse_number

__all__ = ["decode_raw", "decode_csv", "serialize_tensor", "parse_tensor"]


def _strings(arr):
    """An object array of bytes (str elements are UTF-8 encoded)."""
    arr = np.asarray(arr, object)
    out = np.empty(arr.shape, object)
    out.ravel()[:] = [v.encode("utf-8") if isinstance(v, str) else bytes(v)
                      for v in arr.ravel()]
    return out


def _need_string(t, what):
    if t.dtype is not dtypes.string:
        raise InferError(f"{what} must be a string tensor, not {{0}}'s {t.dtype.name}",
                         kind="dtype")


def _string_tensor(x, name):
    return x if isinstance(x, Tensor) else convert_to_tensor(x, dtype=dtypes.string,
                                                             name=name)


# ---- decode_raw ------------------------------------------------------------------------
def _infer_decode_raw(ctx, x, *, out_type, little_endian):
    _need_string(x, "input_bytes")
    dims = x.shape._dims
    return (None if dims is None else dims + (None,)), out_type


def _decode_raw_kernel(x, *, out_type, little_endian):
    x = _strings(x)
    dt = np.dtype(out_type.np).newbyteorder("<" if little_endian else ">")
    flat = x.ravel()
    n = len(flat[0]) if flat.size else 0
    for i, b in enumerate(flat):
        if len(b) != n:
            raise ValueError(f"DecodeRaw requires input strings to all be the same size, "
                             f"but element {i} has size {len(b)} != {n}")
    if n % dt.itemsize:
        raise ValueError(f"Input to DecodeRaw has length {n} that is not a multiple of "
                         f"{dt.itemsize}, the size of {out_type.name}")
    data = b"".join(flat.tolist())
    return np.frombuffer(data, dt).astype(out_type.np).reshape(x.shape + (n // dt.itemsize,))


DECODE_RAW = register(OpDef(
    "DecodeRaw", _infer_decode_raw, _decode_raw_kernel, differentiable=False,
    api="decode_raw", signature="decode_raw(input_bytes, out_type, little_endian=True, "
    "name=None)", shape_rule="S -> S + [n]", dtypes="string -> numeric or bool",
    doc="Reinterprets the bytes of each string as a vector of out_type."))


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """The bytes of each string as numbers: string S -> out_type S + [n] (all strings
    of one length). `gc.decode_raw(records, gc.int16, little_endian=False)`."""
    if (input_bytes is None) == (bytes is None):
        raise ValueError("decode_raw: give exactly one of input_bytes and bytes")
    out_type = dtypes.as_dtype(out_type)
    if out_type is dtypes.string:
        raise TypeError("decode_raw: out_type must be a numeric or bool dtype, not string")
    x = _string_tensor(input_bytes if bytes is None else bytes, "input_bytes")
    return apply1(DECODE_RAW, (x,), name=name or "DecodeRaw", out_type=out_type,
                  little_endian=bool(little_endian))


# ---- decode_csv ------------------------------------------------------------------------
def _split(record, delim, quotes, index):
    """The fields of one CSV record (TF's rules: a quoted field may hold the delimiter
    and "" for a quote; it must end at a delimiter or the record's end; an unquoted one
    holds no quote, CR or LF; an empty record has no field)."""
    fields, i, n = [], 0, len(record)
    if not n:                           # no field at all (TF: "have 0"), not one empty one
        return fields
    while True:
        if quotes and i < n and record[i:i + 1] == b'"':
            j, field = i + 1, bytearray()
            while True:
                if j >= n:
                    raise ValueError(f"Quoted field has to end with quote followed by "
                                     f"delim or end (record {index})")
                if record[j:j + 1] == b'"':
                    if record[j + 1:j + 2] == b'"':
                        field += b'"'
                        j += 2
                        continue
                    break
                field += record[j:j + 1]
                j += 1
            j += 1
            if j < n and record[j:j + 1] != delim:
                raise ValueError(f"Quoted field has to end with quote followed by delim "
                                 f"or end (record {index})")
            fields.append(bytes(field))
            i = j
        else:
            j = record.find(delim, i)
            j = n if j < 0 else j
            if quotes and any(c in record[i:j] for c in (b'"', b"\r", b"\n")):
                raise ValueError(f"Unquoted fields cannot have quotes/CRLFs inside "
                                 f"(record {index})")
            fields.append(record[i:j])
            i = j
        if i >= n:
            return fields
        i += 1                          # past the delimiter: a trailing one ends a field


def _convert(field, dtype, col, index):
    if dtype == "string":
        return field
    v = parse_number(field, dtypes.as_dtype(dtype))     # TF's parsers (string_to_number)
    if v is None:
        raise ValueError(f"Field {col} in record {index} is not a valid {dtype}: "
                         f"{field.decode('utf-8', 'replace')}")
    return v


def _infer_csv(ctx, records, *, defaults, delim, quotes, na_value, select_cols):
    _need_string(records, "records")
    return [(records.shape, dt) for dt, _ in defaults]


def _csv_kernel(records, *, defaults, delim, quotes, na_value, select_cols):
    records = _strings(records)
    flat = records.ravel()
    cols = list(range(len(defaults))) if select_cols is None else list(select_cols)
    outs = [np.empty(flat.shape, dt.np) for dt, _ in defaults]
    for r, record in enumerate(flat):
        fields = _split(record, delim.encode(), quotes, r)
        if select_cols is None and len(fields) != len(defaults):
            raise ValueError(f"Expect {len(defaults)} fields but have {len(fields)} in "
                             f"record {r}")
        if select_cols is not None and len(fields) <= cols[-1]:
            raise ValueError(f"Expect {cols[-1] + 1} fields but have {len(fields)} in "
                             f"record {r}")
        for k, c in enumerate(cols):
            dt, default = defaults[k]
            field = fields[c]
            if field == b"" or field == na_value.encode():
                if default is None:
                    raise ValueError(f"Field {k} is required but missing in record {r}!")
                outs[k][r] = default
            else:
                outs[k][r] = _convert(field, dt.name, k, r)
    outs = tuple(o.reshape(records.shape) for o in outs)
    return outs[0] if len(outs) == 1 else outs


DECODE_CSV = register(OpDef(
    "DecodeCSV", _infer_csv, _csv_kernel, differentiable=False, api="decode_csv",
    signature="decode_csv(records, record_defaults, field_delim=',', use_quote_delim="
    "True, name=None, na_value='', select_cols=None)",
    shape_rule="S -> one S tensor per column", dtypes="string -> the defaults' dtypes",
    doc="Splits CSV records into columns, converted to the defaults' dtypes."))

_CSV_TYPES = ("float32", "float64", "int32", "int64", "string")


def _record_default(d, k):
    """(dtype, default value or None) of one column's record_defaults entry."""
    if isinstance(d, Tensor):
        value = constant_value(d)
        if value is None:
            raise ValueError(f"decode_csv: record_defaults[{k}] must be a constant (graphc "
                             f"reads it when building), got {d.name}")
        dt, arr = d.dtype, np.asarray(value)
    else:
        arr = np.asarray(d)
        if arr.dtype.kind in "SUO":
            dt, arr = dtypes.string, _strings(arr)
        elif arr.dtype.kind == "f" and not isinstance(d, np.ndarray):
            dt = dtypes.float32             # Python floats (and []) are float32, as in TF
        elif arr.dtype.kind == "i" and not isinstance(d, np.ndarray):
            dt = dtypes.int32
        else:
            dt = dtypes.as_dtype(arr.dtype)
    if dt.name not in _CSV_TYPES:
        raise TypeError(f"decode_csv: record_defaults[{k}] has dtype {dt.name}; columns "
                        f"are one of {', '.join(_CSV_TYPES)}")
    if arr.size > 1:
        raise ValueError(f"decode_csv: record_defaults[{k}] must have one value or none, "
                         f"got {arr.size}")
    if arr.size == 0:
        return dt, None
    v = arr.ravel()[0]
    return dt, (bytes(v) if dt is dtypes.string else v.item())


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """The columns of CSV records: one tensor per record_defaults entry, each of
    records' shape. An entry [value] is the column's default (and dtype); an empty one
    makes the column required.

        a, b = gc.decode_csv(lines, [[0.0], [b"none"]])
    """
    if not isinstance(field_delim, str) or len(field_delim) != 1:
        raise ValueError(f"decode_csv: field_delim must be one character, got {field_delim!r}")
    defaults = tuple(_record_default(d, k) for k, d in enumerate(record_defaults))
    if not defaults:
        raise ValueError("decode_csv: record_defaults must not be empty")
    if select_cols is not None:
        select_cols = tuple(int(c) for c in select_cols)
        if any(b <= a for a, b in zip(select_cols, select_cols[1:])) or \
                (select_cols and select_cols[0] < 0):
            raise ValueError("select_cols is not strictly increasing.")
        if len(select_cols) != len(defaults):
            raise ValueError("Length of select_cols and record_defaults do not match.")
    x = _string_tensor(records, "records")
    node = apply(DECODE_CSV, (x,), name=name or "DecodeCSV", defaults=defaults,
                 delim=field_delim, quotes=bool(use_quote_delim), na_value=str(na_value),
                 select_cols=select_cols)
    return list(node.outputs)


# ---- TensorProto -----------------------------------------------------------------------
# tensorflow.DataType numbers, and the TensorProto fields that hold values one by one
_DT_ENUM = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
            "string": 7, "int64": 9, "bool": 10, "uint16": 17, "float16": 19,
            "uint32": 22, "uint64": 23, "complex64": 8, "complex128": 18}
_DT_OF = {v: k for k, v in _DT_ENUM.items()}
_VAL_FIELD = {"float32": 5, "float64": 6, "int32": 7, "uint8": 7, "int16": 7, "int8": 7,
              "uint16": 7, "float16": 13, "int64": 10, "uint32": 16, "uint64": 17,
              "bool": 11, "string": 8, "complex64": 9, "complex128": 12}
_SIGNED = ("int8", "int16", "int32", "int64")   # varints of two's complement 64 bits


def _shape_bytes(shape):
    return b"".join(_bytes(2, _int(1, d)) for d in shape)


def tensor_proto(arr, dtype, content=False):
    """TensorProto bytes of arr as TF's SerializeTensor writes them: the dtype, the
    shape, then tensor_content (raw little-endian) or, for strings, string_val (or, with
    `content`, tensor_content as TF's AsProtoTensorContent: every length as a varint,
    then the bytes)."""
    out = _int(1, _DT_ENUM[dtype.name]) + _bytes(2, _shape_bytes(arr.shape))
    if dtype is dtypes.string:
        flat = _strings(arr).ravel()
        if content:
            blob = b"".join(_varint(len(v)) for v in flat) + b"".join(flat)
            return out + (_bytes(4, blob) if len(flat) else b"")
        return out + b"".join(_bytes(8, v) for v in flat)
    raw = np.ascontiguousarray(arr, np.dtype(dtype.np).newbyteorder("<")).tobytes()
    return out + (_bytes(4, raw) if raw else b"")


def _infer_serialize(ctx, x):
    return (), dtypes.string


def _serialize_kernel(x):
    arr = np.asarray(x)
    dtype = dtypes.string if arr.dtype == object else dtypes.as_dtype(arr.dtype)
    return np.array(tensor_proto(arr, dtype), object)


SERIALIZE_TENSOR = register(OpDef(
    "SerializeTensor", _infer_serialize, _serialize_kernel, differentiable=False,
    api="serialize_tensor", signature="serialize_tensor(tensor, name=None)",
    shape_rule="any -> scalar", dtypes="any -> string",
    doc="A tensor as serialized TensorProto bytes (TF's encoding)."))


def serialize_tensor(tensor, name=None):
    """The serialized TensorProto of a tensor (a string scalar), as TF writes it.
    `gc.serialize_tensor(x)`; parse_tensor reads it back."""
    return apply1(SERIALIZE_TENSOR, (convert_to_tensor(tensor),), name=name or "SerializeTensor")


def _values_of(field, wire, value, dtype):
    """The values one *_val field holds (packed or one)."""
    if dtype == "string":
        return [value]
    if dtype in ("float32", "complex64"):     # a complex value is two floats
        return (list(np.frombuffer(value, "<f4")) if wire == LEN
                else [struct.unpack("<f", value)[0]])
    if dtype in ("float64", "complex128"):
        return (list(np.frombuffer(value, "<f8")) if wire == LEN
                else [struct.unpack("<d", value)[0]])
    return _varints(wire, value)


def _strings_of_content(content, n):
    """The n strings of a string tensor_content: n varint lengths, then the bytes."""
    lengths, pos = [], 0
    for _ in range(n):
        size, pos = _read_varint(content, pos)
        lengths.append(size)
    out = np.empty(n, object)
    for i, size in enumerate(lengths):
        out[i] = bytes(content[pos:pos + size])
        pos += size
    if pos != len(content):
        raise ValueError("a string TensorProto's tensor_content does not match its shape")
    return out


def parse_tensor_proto(data, out_type):
    """The array a serialized TensorProto holds, checked to be of out_type."""
    dt_num, dims, content, vals = 0, [], None, []
    for field, wire, value, _ in _fields(bytes(data)):
        if field == 1 and wire == VARINT:
            dt_num = value
        elif field == 2 and wire == LEN:
            for f, w, v, _ in _fields(value):
                if f == 2 and w == LEN:
                    size = dict((ff, vv) for ff, ww, vv, _ in _fields(v) if ww == VARINT)
                    dims.append(int(size.get(1, 0)))
        elif field == 4 and wire == LEN:
            content = value
        elif field in (5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17) and \
                wire in (VARINT, I32, I64, LEN):
            vals.append((field, wire, value))
    name = _DT_OF.get(dt_num)
    if name != out_type.name:
        raise ValueError(f"Type mismatch between parsed tensor ({name or dt_num}) and dtype "
                         f"({out_type.name})")
    shape, n = tuple(dims), int(np.prod(dims, dtype=np.int64))
    if content is not None and name == "string":
        return _strings_of_content(content, n).reshape(shape)
    if content is not None:
        arr = np.frombuffer(content, np.dtype(out_type.np).newbyteorder("<"))
        if arr.size != n:
            raise ValueError(f"TensorProto holds {arr.size} values for shape {list(shape)}")
        return arr.astype(out_type.np).reshape(shape)
    flat = [x for f, w, v in vals if f == _VAL_FIELD[name] for x in _values_of(f, w, v, name)]
    if name == "float16":
        flat = np.array(flat, np.uint16).view(np.float16).tolist()
    elif name in _SIGNED:
        flat = [signed64(v) for v in flat]
    elif name.startswith("complex"):
        flat = [complex(a, b) for a, b in zip(flat[::2], flat[1::2])]
    if n and not flat:
        flat = [b"" if name == "string" else 0]
    if len(flat) > n:
        raise ValueError(f"TensorProto holds {len(flat)} values for shape {list(shape)}")
    flat = flat + [flat[-1]] * (n - len(flat)) if flat else flat   # the last value repeats
    if name == "string":
        return _strings(np.array(flat, object)).reshape(shape) if n else \
            np.empty(shape, object)
    kind = {"uint64": np.uint64, "float16": np.float64, "float32": np.float64,
            "float64": np.float64, "complex64": np.complex128,
            "complex128": np.complex128}.get(name, np.int64)
    return np.array(flat, kind).astype(out_type.np).reshape(shape)


def _infer_parse_tensor(ctx, serialized, *, out_type):
    _need_string(serialized, "serialized")
    if serialized.shape.rank not in (0, None):
        raise InferError(f"serialized must be a scalar, not of shape {serialized.shape}")
    return TensorShape(None), out_type


def _parse_tensor_kernel(serialized, *, out_type):
    try:
        return parse_tensor_proto(np.asarray(serialized, object).item(), out_type)
    except DecodeError as e:
        raise ValueError(f"Could not parse `serialized` as TensorProto: {e}") from None


PARSE_TENSOR = register(OpDef(
    "ParseTensor", _infer_parse_tensor, _parse_tensor_kernel, differentiable=False,
    api="parse_tensor", signature="parse_tensor(serialized, out_type, name=None)",
    shape_rule="scalar -> unknown shape", dtypes="string -> out_type",
    doc="The tensor a serialized TensorProto holds."))


def parse_tensor(serialized, out_type, name=None):
    """The tensor of a serialized TensorProto (its dtype must be out_type); the static
    shape is unknown. `gc.parse_tensor(gc.serialize_tensor(x), gc.float32)`."""
    return apply1(PARSE_TENSOR, (_string_tensor(serialized, "serialized"),),
                  name=name or "ParseTensor", out_type=dtypes.as_dtype(out_type))
