"""protobuf's wire format, by hand: varints, keys, length-delimited fields, and a parser
to fields; the message classes of events.py and summary_protos.py are built on it (and
events.py re-exports these helpers, where other modules import them from)."""
import struct

import numpy as np


class DecodeError(ValueError):
    """Bytes that are not a valid serialization of the message asked for."""


# ---- protobuf wire format --------------------------------------------------------------
VARINT, I64, LEN, I32 = 0, 1, 2, 5


def _varint(n):
    n &= (1 << 64) - 1                  # int64 is two's complement: -1 takes 10 bytes
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(field, wire):
    return _varint(field << 3 | wire)


def _int(field, n):
    return _key(field, VARINT) + _varint(n) if n else b""


def _double(field, x):
    raw = struct.pack("<d", x)
    return _key(field, I64) + raw if raw != bytes(8) else b""   # -0.0 is written


def _float(field, x):
    with np.errstate(over="ignore"):            # 1e300 -> inf, as C++'s cast does
        raw = np.asarray(x, "<f4").tobytes()
    return _key(field, I32) + raw               # a oneof member: written even when 0


def _bytes(field, b):
    """A length-delimited field, written even when empty (messages, oneof members)."""
    return _key(field, LEN) + _varint(len(b)) + b


def _string(field, s):
    return _bytes(field, s.encode("utf-8")) if s else b""


def _packed_doubles(field, xs):
    return _bytes(field, np.asarray(xs, "<f8").tobytes()) if len(xs) else b""


def _read_varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise DecodeError("truncated or overlong varint")
        b = buf[pos]
        result |= (b & 0x7F) << shift
        pos += 1
        if b < 0x80:
            return result, pos
        shift += 7


def _varints(wire, value):
    """The ints of a repeated varint field: packed (LEN) or one."""
    if wire == VARINT:
        return [value]
    out, pos = [], 0
    while pos < len(value):
        n, pos = _read_varint(value, pos)
        out.append(n)
    return out


def signed64(v):
    """A varint's unsigned 64-bit value read as protobuf's int64 (two's complement)."""
    return v - (1 << 64) if v >= 1 << 63 else v


def _fields(buf):
    """(field, wire type, value, raw bytes of the whole field) of each field of buf; a
    value is an int (varint), or the payload bytes (fixed64, fixed32, length-delimited)."""
    buf, pos = bytes(buf), 0
    while pos < len(buf):
        start = pos
        key, pos = _read_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == VARINT:
            value, pos = _read_varint(buf, pos)
        elif wire in (I64, I32):
            size = 8 if wire == I64 else 4
            value, pos = buf[pos:pos + size], pos + size
        elif wire == LEN:
            size, pos = _read_varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        else:
            raise DecodeError(f"unsupported wire type {wire} (field {field})")
        if pos > len(buf) or field == 0:
            raise DecodeError(f"truncated or invalid field {field}")
        yield field, wire, value, buf[start:pos]


def _parse(msg, data, table, kinds=()):
    """Set msg's fields from data: table is {field: (attribute, wire types, convert)}
    (a list attribute is extended). The fields not in table are returned as raw bytes;
    one of them that is a member of the message's oneof (kinds) is named in _which."""
    unknown = []
    for field, wire, value, raw in _fields(data):
        if field not in table:
            if field in kinds:
                msg._which, msg._payload = kinds[field], None
            unknown.append(raw)
            continue
        name, wires, convert = table[field]
        if wire not in wires:
            raise DecodeError(f"{type(msg).__name__}.{name} (field {field}) has wire "
                              f"type {wire}, not {wires[0]}")
        current = getattr(msg, name)
        if isinstance(current, list):
            current.extend(convert(value))
        else:
            setattr(msg, name, convert(value))
    return b"".join(unknown)


def _utf8(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(f"a string field is not UTF-8: {e}") from None


def _f64(b):
    return struct.unpack("<d", b)[0]


def _doubles(b):
    if len(b) % 8:
        raise DecodeError("a repeated double field is not a whole number of doubles")
    return np.frombuffer(b, "<f8").tolist()


# ---- messages --------------------------------------------------------------------------
def _same(a, b):
    """Messages are equal when of one class with equal fields (protobuf's ==)."""
    return type(a) is type(b) and all(getattr(a, n) == getattr(b, n) for n in a.__slots__)


def _repr(msg):
    """Message(field=value, ...): the public fields, and the oneof member that is set."""
    names = [n for n in msg.__slots__ if not n.startswith("_")]
    which = getattr(msg, "_which", None)
    shown = [f"{n}={getattr(msg, n)!r}" for n in names + ([which] if which else [])
             if not (n == which and msg._payload is None)]   # a kind kept as raw bytes
    return f"{type(msg).__name__}({', '.join(shown)})"


def _which_oneof(msg, group):
    """The name of the oneof member that is set (None: none)."""
    return msg._which


def _has_field(msg, name):
    return msg._which == name


class Message:
    """A message read from bytes protobuf's way: Cls.FromString(data) is a new message on
    which ParseFromString(data) (the subclass's) has run."""
    __slots__ = ()

    @classmethod
    def FromString(cls, data):
        m = cls()
        m.ParseFromString(data)
        return m


def _oneof(name, default):
    """A property for one member of a oneof: setting it selects it (protobuf's rule)."""
    def get(self):
        return self._payload if self._which == name else default()

    def set_(self, value):
        self._which, self._payload = name, value
    return property(get, set_)
