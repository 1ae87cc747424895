"""Pieces of protobuf's Python behaviour that io/example.py's messages share: checked
repeated fields, message maps that add a missing key on read, and the text format
(what str() and repr() of a message show). The wire format is in io/events.py."""
import math

import numpy as np

_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


# ---- value checks (protobuf's type checkers) -------------------------------------------
def _as_bytes(v):
    if not isinstance(v, (bytes, bytearray, np.bytes_)):
        raise TypeError(f"expected bytes, {type(v).__name__} found")
    return bytes(v)


def _as_float(v):
    if isinstance(v, (str, bytes)) or not isinstance(v, (int, float, np.number)):
        raise TypeError(f"must be real number, not {type(v).__name__}")
    with np.errstate(over="ignore"):
        return float(np.float32(v))


def _as_int64(v):
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("Field tensorflow.Int64List.value: Expected an int, got a boolean.")
    if not isinstance(v, (int, np.integer)):
        raise TypeError(f"'{type(v).__name__}' object cannot be interpreted as an integer")
    v = int(v)
    if not _I64_MIN <= v <= _I64_MAX:
        raise ValueError(f"Value out of range: {v}")
    return v


class _Repeated(list):
    """A repeated scalar field: a list that checks each value as protobuf does."""
    __slots__ = ("_check",)

    def __init__(self, check, values=()):
        super().__init__(check(v) for v in values)
        self._check = check

    def append(self, v):
        super().append(self._check(v))

    def extend(self, vs):
        super().extend(self._check(v) for v in vs)

    def __setitem__(self, i, v):
        super().__setitem__(i, [self._check(x) for x in v] if isinstance(i, slice)
                            else self._check(v))


class RepeatedMessages(list):
    """A repeated message field: a list whose add(**fields) appends a new message and
    returns it, as protobuf's (summary.value.add(tag="loss", simple_value=0.5))."""
    __slots__ = ("_cls",)

    def __init__(self, cls, items=()):
        super().__init__(items)
        self._cls = cls

    def add(self, **fields):
        message = self._cls(**fields)
        self.append(message)
        return message


class _MessageMap(dict):
    """A map<string, Message>: reading a missing key adds an empty message (protobuf)."""
    __slots__ = ("_cls",)

    def __init__(self, cls, items=None):
        super().__init__()
        self._cls = cls
        for k, v in dict(items or {}).items():
            self[k] = v

    def __missing__(self, key):
        value = self[key] = self._cls()
        return value

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError(f"map keys must be str, not {type(key).__name__}")
        if not isinstance(value, self._cls):
            raise TypeError(f"map values must be {self._cls.__name__}, not "
                            f"{type(value).__name__}")
        super().__setitem__(key, value)

    def get_or_create(self, key):
        return self[key]


# ---- text format (what repr and str show: protobuf's text_format) ----------------------
def _text_float(x):
    """Shortest of %.6g / %.9g that reads back as the same float32 (upb's rule)."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    s = "%.6g" % x
    return s if float(np.float32(float(s))) == x else "%.9g" % x


_ESCAPES = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x22: '\\"', 0x27: "\\'", 0x5C: "\\\\"}


def _text_bytes(b):
    return '"' + "".join(_ESCAPES.get(c) or (chr(c) if 32 <= c < 127 else "\\%03o" % c)
                         for c in b) + '"'


def _text(msg, indent=0):
    pad, out = "  " * indent, []
    for name, value in msg._text_fields():
        if isinstance(value, str):            # a scalar already formatted
            out.append(f"{pad}{name}: {value}\n")
        else:
            out.append(f"{pad}{name} {{\n{_text(value, indent + 1)}{pad}}}\n")
    return "".join(out)
