"""The numpy value of a Const's TensorProto, in every encoding TF writes: tensor_content
(raw little-endian), or the typed *_val fields (packed or not), where fewer values
than the shape holds means the last one repeats (TF's compact splat constants)."""
import numpy as np

from .. import dtypes
from .wire import I32, I64, LEN, VARINT, DecodeError, _fields, _read_varint

__all__ = ["tensor_value"]

# DataType number -> (graphc dtype name, *_val field, how the field's values are read)
_KINDS = {1: ("float32", 5, "f4"), 2: ("float64", 6, "f8"), 3: ("int32", 7, "int"),
          4: ("uint8", 7, "int"), 5: ("int16", 7, "int"), 6: ("int8", 7, "int"),
          7: ("string", 8, "bytes"), 8: ("complex64", 9, "f4"), 9: ("int64", 10, "int"),
          10: ("bool", 11, "int"), 17: ("uint16", 7, "int"), 18: ("complex128", 12, "f8"),
          19: ("float16", 13, "int"), 22: ("uint32", 16, "uint"), 23: ("uint64", 17, "uint")}


def _numbers(wire, value, how):
    if how in ("f4", "f8"):
        size = 4 if how == "f4" else 8
        if wire not in (LEN, I32 if size == 4 else I64) or len(value) % size:
            raise DecodeError("a TensorProto float field is malformed")
        return np.frombuffer(value, "<" + how).tolist()
    if wire == VARINT:
        raw = [value]
    elif wire == LEN:
        raw, pos = [], 0
        while pos < len(value):
            n, pos = _read_varint(value, pos)
            raw.append(n)
    else:
        raise DecodeError("a TensorProto integer field is malformed")
    if how == "int":            # int32/int64 are sign-extended to 64 bits on the wire
        return [n - (1 << 64) if n >= 1 << 63 else n for n in raw]
    return raw


def tensor_value(proto):
    """The array a TensorProto (summary_protos.TensorProto) holds."""
    kind = _KINDS.get(proto.dtype)
    if kind is None:
        raise DecodeError(f"TensorProto has a dtype graphc does not read ({proto.dtype})")
    name, field, how = kind
    dtype = dtypes.as_dtype(name)
    shape = tuple(d.size for d in proto.tensor_shape.dim)
    n = int(np.prod(shape, dtype=np.int64))
    content, values = None, []
    for f, w, v, _ in _fields(proto.SerializeToString()):
        if f == 4 and w == LEN:
            content = v
        elif f == field:
            values.extend([bytes(v)] if how == "bytes" else _numbers(w, v, how))
    if content is not None and name == "string":
        from ..ops.parsing_misc import _strings_of_content
        return _strings_of_content(content, n).reshape(shape)
    if content is not None:
        arr = np.frombuffer(content, np.dtype(dtype.np).newbyteorder("<"))
        if arr.size != n:
            raise DecodeError(f"TensorProto holds {arr.size} values for shape {list(shape)}")
        return arr.astype(dtype.np).reshape(shape)
    if name.startswith("complex"):
        values = [complex(r, i) for r, i in zip(values[::2], values[1::2])]
    if len(values) > n:
        raise DecodeError(f"TensorProto holds {len(values)} values for shape {list(shape)}")
    if n and not values:
        values = [b"" if name == "string" else 0]
    values = values + values[-1:] * (n - len(values))       # the last value repeats
    if name == "string":
        out = np.empty(n, object)
        out[:] = values
        return out.reshape(shape)
    if name == "float16":       # half_val holds the float16 bits
        return np.array(values, np.uint16).view(np.float16).reshape(shape)
    return np.array(values, dtype.np).reshape(shape)
