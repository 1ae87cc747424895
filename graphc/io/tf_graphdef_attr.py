"""AttrValue, its ListValue and NameAttrList (TF's attr_value.proto), and what every
message class of tf_graphdef.py shares: the wire helpers for packed fields, the
repeated-message list with add(), and the _Message base (parse, merge, copy, compare).
"""
import struct

import numpy as np

from .proto import RepeatedMessages as _Repeated, _MessageMap
from .summary_protos import TensorProto, TensorShapeProto
from .wire import (I32, LEN, VARINT, DecodeError, Message, _bytes, _fields, _float, _key,
                   _string, _utf8, _varint, _varints, signed64)

__all__ = ["AttrValue", "NameAttrList", "ListValue"]

def _int32(n):
    n &= 0xFFFFFFFF
    return n - (1 << 32) if n >= 1 << 31 else n


def _floats(wire, value):
    if wire == I32:
        return [struct.unpack("<f", value)[0]]
    if len(value) % 4:
        raise DecodeError("a packed float field is not a whole number of floats")
    return np.frombuffer(value, "<f4").tolist()


def _packed(field, ints):
    return _bytes(field, b"".join(_varint(int(n)) for n in ints)) if len(ints) else b""


def _as_bytes(v):
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


class _Message(Message):
    """What every message here shares: parse, merge, copy, compare, show."""
    __slots__ = ()

    def ParseFromString(self, data):
        self.Clear()
        return self.MergeFromString(data)

    def MergeFromString(self, data):
        self._merge(bytes(data))
        return len(data)

    def Clear(self):
        type(self).__init__(self)

    def CopyFrom(self, other):
        if other is not self:
            self.ParseFromString(other.SerializeToString())

    def MergeFrom(self, other):
        self.MergeFromString(other.SerializeToString())

    def ByteSize(self):
        return len(self.SerializeToString())

    def __eq__(self, other):
        return type(self) is type(other) and \
            self.SerializeToString() == other.SerializeToString()

    __hash__ = None

    def __repr__(self):
        return f"{type(self).__name__}.FromString({self.SerializeToString()!r})"


def _attr_map_bytes(field, attr):
    """map<string, AttrValue>: one {key = 1; value = 2} entry per key, in key order."""
    return b"".join(_bytes(field, _string(1, k) + _bytes(2, attr[k].SerializeToString()))
                    for k in sorted(attr))


def _read_attr_entry(attr, value):
    key, val = "", b""
    for f, w, v, _ in _fields(value):
        if f == 1 and w == LEN:
            key = _utf8(v)
        elif f == 2 and w == LEN:
            val = v
    attr[key] = AttrValue.FromString(val)


class NameAttrList(_Message):
    """tensorflow.NameAttrList: a function name and its attrs.

        gc.NameAttrList(name="f", attr={"T": gc.AttrValue(type=1)})"""
    __slots__ = ("name", "attr")

    def __init__(self, name="", attr=None):
        self.name, self.attr = name, _MessageMap(AttrValue, attr)

    def SerializeToString(self):
        return _string(1, self.name) + _attr_map_bytes(2, self.attr)

    def _merge(self, data):
        for f, w, v, _ in _fields(data):
            if f == 1 and w == LEN:
                self.name = _utf8(v)
            elif f == 2 and w == LEN:
                _read_attr_entry(self.attr, v)


class ListValue(_Message):
    """tensorflow.AttrValue.ListValue: the values of a list attr (one kind is used)."""
    __slots__ = ("s", "i", "f", "b", "type", "shape", "tensor", "func")

    def __init__(self, s=(), i=(), f=(), b=(), type=(), shape=(), tensor=(), func=()):  # noqa: A002
        self.s, self.i = [_as_bytes(x) for x in s], [int(x) for x in i]
        self.f, self.b = [float(np.float32(x)) for x in f], [bool(x) for x in b]
        self.type = [int(x) for x in type]
        self.shape = _Repeated(TensorShapeProto, shape)
        self.tensor = _Repeated(TensorProto, tensor)
        self.func = _Repeated(NameAttrList, func)

    def SerializeToString(self):
        return (b"".join(_bytes(2, _as_bytes(x)) for x in self.s) + _packed(3, self.i)
                + (_bytes(4, np.asarray(self.f, "<f4").tobytes()) if self.f else b"")
                + _packed(5, self.b) + _packed(6, self.type)
                + b"".join(_bytes(7, x.SerializeToString()) for x in self.shape)
                + b"".join(_bytes(8, x.SerializeToString()) for x in self.tensor)
                + b"".join(_bytes(9, x.SerializeToString()) for x in self.func))

    def _merge(self, data):
        for f, w, v, _ in _fields(data):
            if f == 2 and w == LEN:
                self.s.append(bytes(v))
            elif f == 3 and w in (VARINT, LEN):
                self.i.extend(signed64(n) for n in _varints(w, v))
            elif f == 4 and w in (I32, LEN):
                self.f.extend(_floats(w, v))
            elif f == 5 and w in (VARINT, LEN):
                self.b.extend(bool(n) for n in _varints(w, v))
            elif f == 6 and w in (VARINT, LEN):
                self.type.extend(_int32(n) for n in _varints(w, v))
            elif f in (7, 8, 9) and w == LEN:
                cls = {7: TensorShapeProto, 8: TensorProto, 9: NameAttrList}[f]
                getattr(self, ("shape", "tensor", "func")[f - 7]).append(cls.FromString(v))


_MESSAGES = {"list": ListValue, "shape": TensorShapeProto, "tensor": TensorProto,
             "func": NameAttrList}
_SCALARS = {"s": bytes, "i": int, "f": float, "b": bool, "type": int, "placeholder": str}
_ORDER = ("list", "s", "i", "f", "b", "type", "shape", "tensor", "placeholder", "func")


def _member(name):
    """A property for one member of AttrValue's oneof: setting it selects it; reading an
    unset message member gives a message that is selected once it is changed (as a
    protobuf submessage is set when one of its fields is)."""
    def get(self):
        if self._which == name:
            return self._payload
        if name in _MESSAGES:
            if self._which is not None:
                return _MESSAGES[name]()
            return self._pending.setdefault(name, _MESSAGES[name]())
        return _SCALARS[name]()

    def set_(self, value):
        if name in _MESSAGES and not isinstance(value, _MESSAGES[name]):
            raise AttributeError(f"assignment to a message field '{name}' is not allowed: "
                                 "use CopyFrom")
        if name == "s":
            value = _as_bytes(value)
        elif name == "f":
            value = float(np.float32(value))
        elif name in ("i", "type"):
            value = int(value)
        elif name == "b":
            value = bool(value)
        self._which, self._payload, self._pending = name, value, {}
    return property(get, set_)


class AttrValue(_Message):
    """tensorflow.AttrValue: one attr of a NodeDef; exactly one of list, s, i, f, b,
    type (a DataType number), shape, tensor, placeholder, func is set.

        gc.AttrValue(s=b"SAME"); gc.AttrValue(list=gc.AttrValue.ListValue(i=[1, 2, 2, 1]))
    """
    __slots__ = ("_which", "_payload", "_pending")
    ListValue = ListValue

    def __init__(self, **value):
        self._which = self._payload = None
        self._pending = {}
        if len(value) > 1:
            raise ValueError(f"AttrValue: set one of {', '.join(_ORDER)}, not {sorted(value)}")
        for k, v in value.items():
            if k not in _ORDER:
                raise ValueError(f'Protocol message AttrValue has no "{k}" field.')
            setattr(self, k, v)

    for _n in _ORDER:
        locals()[_n] = _member(_n)
    del _n

    def _settle(self):
        """Select a message member read while unset and changed since."""
        if self._which is None:
            for name, m in self._pending.items():
                if m.SerializeToString():
                    self._which, self._payload = name, m
                    break
        self._pending = {}

    def WhichOneof(self, group):
        if group != "value":
            raise ValueError(f'Protocol message has no oneof "{group}" field.')
        self._settle()
        return self._which

    def HasField(self, name):
        return self.WhichOneof("value") == name

    def SerializeToString(self):
        self._settle()
        which, v = self._which, self._payload
        if which is None:
            return b""
        field = _ORDER.index(which) + 1
        if which in _MESSAGES:
            return _bytes(field, v.SerializeToString())
        if which == "f":
            return _float(4, v)
        if which in ("s", "placeholder"):
            return _bytes(field, _as_bytes(v))
        return _key(field, VARINT) + _varint(int(v))

    def _merge(self, data):
        for f, w, v, _ in _fields(data):
            name = _ORDER[f - 1] if 1 <= f <= len(_ORDER) else None
            if name is None:
                continue
            if name in _MESSAGES and w == LEN:
                self._which, self._payload = name, _MESSAGES[name].FromString(v)
            elif name in ("s", "placeholder") and w == LEN:
                self._which, self._payload = name, bytes(v) if name == "s" else _utf8(v)
            elif name == "f" and w == I32:
                self._which, self._payload = name, struct.unpack("<f", v)[0]
            elif name in ("i", "b", "type") and w == VARINT:
                val = {"i": signed64, "b": bool, "type": _int32}[name](v)
                self._which, self._payload = name, val
            else:
                raise DecodeError(f"AttrValue.{name} (field {f}) has wire type {w}")


def attr_python(v):
    """An AttrValue as TF1's Operation.get_attr gives it: bytes for strings, DTypes for
    types, ints/floats/bools and lists of them, a TensorShape for a shape, the
    TensorProto of a tensor."""
    from ..dtypes import as_dtype
    from ..shapes import TensorShape
    from .tf_graphdef_import import _DTYPE_OF

    def shape(s):
        return TensorShape(None if s.unknown_rank else
                           [d.size if d.size >= 0 else None for d in s.dim])
    which = v.WhichOneof("value")
    if which == "s":
        return bytes(v.s)
    if which in ("i", "f", "b"):
        return getattr(v, which)
    if which == "type":
        return as_dtype(_DTYPE_OF[v.type]) if v.type in _DTYPE_OF else v.type
    if which == "shape":
        return shape(v.shape)
    if which == "tensor":
        return v.tensor
    if which == "list":
        lv = v.list
        if lv.s:
            return [bytes(s) for s in lv.s]
        if lv.type:
            return [as_dtype(_DTYPE_OF[t]) if t in _DTYPE_OF else t for t in lv.type]
        if lv.shape:
            return [shape(s) for s in lv.shape]
        return list(lv.i or lv.f or lv.b)
    return getattr(v, which) if which else []
