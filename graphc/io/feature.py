"""The values of tf.train.Example (TF's core/example/feature.proto), by hand:
BytesList, FloatList, Int64List and Feature (a oneof of the three), and the _Message
base that they and io/example.py's messages share; io/example.py re-exports them.

    f = gc.train.Feature(float_list=gc.train.FloatList(value=[1., 2.]))
    f.WhichOneof("kind")      # 'float_list'
"""
import struct

import numpy as np

from .events import I32, LEN, VARINT, DecodeError, _bytes, _fields, _read_varint, _varint
from .wire import signed64
from .proto import (_as_bytes, _as_float, _as_int64, _Repeated, _text, _text_bytes,
                    _text_float)

__all__ = ["Feature", "BytesList", "FloatList", "Int64List"]


class _Message:
    """What every message here shares: equality, repr, parsing, copying."""
    __slots__ = ()

    def __eq__(self, other):
        return type(self) is type(other) and self._state() == other._state()

    def __ne__(self, other):
        return not self == other

    __hash__ = None

    def __repr__(self):
        return _text(self)

    __str__ = __repr__

    def ByteSize(self):
        return len(self.SerializeToString())

    @classmethod
    def FromString(cls, data):
        msg = cls()
        msg.MergeFromString(data)
        return msg

    def ParseFromString(self, data):
        """Replaces this message's contents; returns the number of bytes read."""
        self.Clear()
        return self.MergeFromString(data)

    def MergeFromString(self, data):
        for field, wire, value, _ in _fields(data):
            self._merge_field(field, wire, value)
        return len(data)

    def CopyFrom(self, other):
        if type(other) is not type(self):
            raise TypeError(f"CopyFrom: expected {type(self).__name__}, got "
                            f"{type(other).__name__}")
        self.ParseFromString(other.SerializeToString())

    def MergeFrom(self, other):
        self.MergeFromString(other.SerializeToString())

    def _merge_field(self, field, wire, value):
        """Unknown fields are skipped (TF's parsers do the same)."""


def _want(msg, field, wire, wires):
    if wire not in wires:
        raise DecodeError(f"{type(msg).__name__} field {field} has wire type {wire}")


# ---- the lists -------------------------------------------------------------------------
class BytesList(_Message):
    """tf.train.BytesList: `BytesList(value=[b"a", b"bc"])` (bytes only, as TF)."""
    __slots__ = ("value",)

    def __init__(self, value=()):
        self.value = _Repeated(_as_bytes, value)

    def Clear(self):
        del self.value[:]

    def _state(self):
        return list(self.value)

    def SerializeToString(self):
        return b"".join(_bytes(1, v) for v in self.value)

    def _merge_field(self, field, wire, value):
        if field == 1:
            _want(self, field, wire, (LEN,))
            self.value.append(value)

    def _text_fields(self):
        return [("value", _text_bytes(v)) for v in self.value]


class FloatList(_Message):
    """tf.train.FloatList: `FloatList(value=[1.5, 2.])`; values are float32s."""
    __slots__ = ("value",)

    def __init__(self, value=()):
        self.value = _Repeated(_as_float, value)

    def Clear(self):
        del self.value[:]

    def _state(self):
        return [struct.pack("<f", v) for v in self.value]     # nan == nan, as protobuf

    def SerializeToString(self):
        if not self.value:
            return b""
        return _bytes(1, np.asarray(self.value, "<f4").tobytes())

    def _merge_field(self, field, wire, value):
        if field == 1:
            _want(self, field, wire, (LEN, I32))
            if len(value) % 4:
                raise DecodeError("a packed float field is not a whole number of floats")
            list.extend(self.value, np.frombuffer(value, "<f4").tolist())

    def _text_fields(self):
        return [("value", _text_float(v)) for v in self.value]


class Int64List(_Message):
    """tf.train.Int64List: `Int64List(value=[1, -2])`."""
    __slots__ = ("value",)

    def __init__(self, value=()):
        self.value = _Repeated(_as_int64, value)

    def Clear(self):
        del self.value[:]

    def _state(self):
        return list(self.value)

    def SerializeToString(self):
        if not self.value:
            return b""
        return _bytes(1, b"".join(_varint(v) for v in self.value))

    def _merge_field(self, field, wire, value):
        if field != 1:
            return
        _want(self, field, wire, (LEN, VARINT))
        if wire == VARINT:
            list.append(self.value, signed64(value))
            return
        pos, out = 0, []
        while pos < len(value):
            n, pos = _read_varint(value, pos)
            out.append(signed64(n))
        list.extend(self.value, out)

    def _text_fields(self):
        return [("value", str(v)) for v in self.value]


# ---- Feature: a oneof of the three lists -----------------------------------------------
_KINDS = (("bytes_list", BytesList), ("float_list", FloatList), ("int64_list", Int64List))


def _kind_property(name, cls):
    def get(self):
        if self._which == name:
            return self._payload
        child = self._lazy.get(name)
        if child is None:       # protobuf: reading gives an empty list, and filling it
            child = self._lazy[name] = cls()          # selects this kind
        return child

    def set_(self, value):
        if not isinstance(value, cls):
            raise TypeError(f"{name} must be a {cls.__name__}, not {type(value).__name__}")
        self._which, self._payload = name, value
        self._lazy.clear()
    return property(get, set_)


class Feature(_Message):
    """tf.train.Feature: one of bytes_list, float_list, int64_list.

        f = Feature(int64_list=Int64List(value=[3]))
        f.WhichOneof("kind")      # 'int64_list'
    """
    __slots__ = ("_which", "_payload", "_lazy")
    bytes_list = _kind_property("bytes_list", BytesList)
    float_list = _kind_property("float_list", FloatList)
    int64_list = _kind_property("int64_list", Int64List)

    def __init__(self, bytes_list=None, float_list=None, int64_list=None):
        self._which, self._payload, self._lazy = None, None, {}
        for name, v in (("bytes_list", bytes_list), ("float_list", float_list),
                        ("int64_list", int64_list)):
            if v is not None:
                setattr(self, name, v)

    def _settle(self):
        """A lazily read list that got values selects its kind."""
        for name, child in list(self._lazy.items()):
            if child.value:
                self._which, self._payload = name, child
                self._lazy.clear()
                break
        return self._which

    def WhichOneof(self, group):
        if group != "kind":
            raise ValueError(f'Protocol message has no "{group}" field.')
        return self._settle()

    def HasField(self, name):
        return self._settle() == name

    def Clear(self):
        self._which, self._payload = None, None
        self._lazy.clear()

    def _state(self):
        which = self._settle()
        return (which, self._payload._state() if which else None)

    def SerializeToString(self):
        which = self._settle()
        if which is None:
            return b""
        field = [n for n, _ in _KINDS].index(which) + 1
        return _bytes(field, self._payload.SerializeToString())

    def _merge_field(self, field, wire, value):
        if 1 <= field <= 3:
            _want(self, field, wire, (LEN,))
            name, cls = _KINDS[field - 1]
            if self._settle() != name:
                self._which, self._payload = name, cls()
                self._lazy.clear()
            self._payload.MergeFromString(value)

    def _text_fields(self):
        which = self._settle()
        return [(which, self._payload)] if which else []
