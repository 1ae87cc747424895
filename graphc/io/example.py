"""tf.train.Example and its relatives, by hand (TF's core/example/{example,feature}.proto):

    Example         {Features features = 1}
    SequenceExample {Features context = 1; FeatureLists feature_lists = 2}
    Features        {map<string, Feature> feature = 1}
    FeatureLists    {map<string, FeatureList> feature_list = 1}
    FeatureList     {repeated Feature feature = 1}
    Feature         {oneof kind {BytesList bytes_list = 1; FloatList float_list = 2;
                                 Int64List int64_list = 3}}
    BytesList {repeated bytes value = 1}; FloatList {repeated float value = 1 [packed]};
    Int64List {repeated int64 value = 1 [packed]}

    ex = gc.train.Example(features=gc.train.Features(feature={
        "x": gc.train.Feature(float_list=gc.train.FloatList(value=[1., 2.]))}))
    data = ex.SerializeToString()          # what TF writes with deterministic=True

Map entries are written in key order (protobuf's deterministic serialization); TF's
default order follows its hash table, which parsers do not depend on.
"""
import struct

import numpy as np

from .events import I32, LEN, VARINT, DecodeError, _bytes, _fields, _read_varint, _varint
from .proto import (_as_bytes, _as_float, _as_int64, _MessageMap, _Repeated, _text,
                    _text_bytes, _text_float)

__all__ = ["Example", "SequenceExample", "Features", "Feature", "FeatureList",
           "FeatureLists", "BytesList", "FloatList", "Int64List"]

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


def _signed(n):
    return n - (1 << 64) if n >= 1 << 63 else n


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
            list.append(self.value, _signed(value))
            return
        pos, out = 0, []
        while pos < len(value):
            n, pos = _read_varint(value, pos)
            out.append(_signed(n))
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


def _map_bytes(field, mapping):
    """Map entries {string key = 1; Message value = 2}, in key order."""
    return b"".join(_bytes(field, _bytes(1, k.encode("utf-8"))
                           + _bytes(2, mapping[k].SerializeToString()))
                    for k in sorted(mapping))


def _merge_entry(mapping, cls, data):
    key, value = "", None
    for f, wire, v, _ in _fields(data):
        if f == 1 and wire == LEN:
            try:
                key = v.decode("utf-8")
            except UnicodeDecodeError as e:
                raise DecodeError(f"a map key is not UTF-8: {e}") from None
        elif f == 2 and wire == LEN:
            value = cls.FromString(v)
    dict.__setitem__(mapping, key, value if value is not None else cls())


def _map_text(name, mapping):
    return [(name, _Entry(k, mapping[k])) for k in sorted(mapping)]


class _Entry:
    __slots__ = ("key", "value")

    def __init__(self, key, value):
        self.key, self.value = key, value

    def _text_fields(self):
        return [("key", _text_bytes(self.key.encode("utf-8"))), ("value", self.value)]


class Features(_Message):
    """tf.train.Features: a map from names to Features (`feature={"x": Feature(...)}`)."""
    __slots__ = ("feature",)

    def __init__(self, feature=None):
        self.feature = _MessageMap(Feature, feature)

    def Clear(self):
        self.feature.clear()

    def _state(self):
        return {k: v._state() for k, v in self.feature.items()}

    def SerializeToString(self):
        return _map_bytes(1, self.feature)

    def _merge_field(self, field, wire, value):
        if field == 1:
            _want(self, field, wire, (LEN,))
            _merge_entry(self.feature, Feature, value)

    def _text_fields(self):
        return _map_text("feature", self.feature)


class FeatureList(_Message):
    """tf.train.FeatureList: a sequence of Features (one per time step)."""
    __slots__ = ("feature",)

    def __init__(self, feature=()):
        self.feature = list(feature)
        for f in self.feature:
            if not isinstance(f, Feature):
                raise TypeError(f"FeatureList.feature holds Features, not {type(f).__name__}")

    def add(self, **kwargs):
        f = Feature(**kwargs)
        self.feature.append(f)
        return f

    def Clear(self):
        del self.feature[:]

    def _state(self):
        return [f._state() for f in self.feature]

    def SerializeToString(self):
        return b"".join(_bytes(1, f.SerializeToString()) for f in self.feature)

    def _merge_field(self, field, wire, value):
        if field == 1:
            _want(self, field, wire, (LEN,))
            self.feature.append(Feature.FromString(value))

    def _text_fields(self):
        return [("feature", f) for f in self.feature]


class FeatureLists(_Message):
    """tf.train.FeatureLists: a map from names to FeatureLists."""
    __slots__ = ("feature_list",)

    def __init__(self, feature_list=None):
        self.feature_list = _MessageMap(FeatureList, feature_list)

    def Clear(self):
        self.feature_list.clear()

    def _state(self):
        return {k: v._state() for k, v in self.feature_list.items()}

    def SerializeToString(self):
        return _map_bytes(1, self.feature_list)

    def _merge_field(self, field, wire, value):
        if field == 1:
            _want(self, field, wire, (LEN,))
            _merge_entry(self.feature_list, FeatureList, value)

    def _text_fields(self):
        return _map_text("feature_list", self.feature_list)


def _present(msg, name):
    """A message field is set when given, parsed, or holding anything (protobuf's
    presence: filling a field through its getter sets it)."""
    if name not in msg._set:
        raise ValueError(f'Protocol message has no "{name}" field.')
    return msg._set[name] or bool(getattr(msg, name).SerializeToString())


def _sub(cls, value, name):
    if value is None:
        return cls()
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__}, not {type(value).__name__}")
    return value


class Example(_Message):
    """tf.train.Example: one record of named features.

        ex = Example(features=Features(feature={"y": Feature(int64_list=Int64List(value=[1]))}))
        ex.features.feature["y"].int64_list.value     # [1]
    """
    __slots__ = ("features", "_set")

    def __init__(self, features=None):
        self.features = _sub(Features, features, "features")
        self._set = {"features": features is not None}

    def Clear(self):
        self.features, self._set = Features(), {"features": False}

    def _state(self):
        return self.features._state()

    def HasField(self, name):
        return _present(self, name)

    def SerializeToString(self):
        return _bytes(1, self.features.SerializeToString()) if self.HasField("features") else b""

    def _merge_field(self, field, wire, value):
        if field == 1:
            _want(self, field, wire, (LEN,))
            self.features.MergeFromString(value)
            self._set["features"] = True

    def _text_fields(self):
        return [("features", self.features)] if self.HasField("features") else []


class SequenceExample(_Message):
    """tf.train.SequenceExample: context Features plus named FeatureLists (sequences)."""
    __slots__ = ("context", "feature_lists", "_set")

    def __init__(self, context=None, feature_lists=None):
        self.context = _sub(Features, context, "context")
        self.feature_lists = _sub(FeatureLists, feature_lists, "feature_lists")
        self._set = {"context": context is not None,
                     "feature_lists": feature_lists is not None}

    def Clear(self):
        self.context, self.feature_lists = Features(), FeatureLists()
        self._set = {"context": False, "feature_lists": False}

    def _state(self):
        return (self.context._state(), self.feature_lists._state())

    def HasField(self, name):
        return _present(self, name)

    def SerializeToString(self):
        return b"".join(_bytes(i, getattr(self, n).SerializeToString())
                        for i, n in ((1, "context"), (2, "feature_lists")) if self.HasField(n))

    def _merge_field(self, field, wire, value):
        if field in (1, 2):
            _want(self, field, wire, (LEN,))
            name = "context" if field == 1 else "feature_lists"
            getattr(self, name).MergeFromString(value)
            self._set[name] = True

    def _text_fields(self):
        return [(n, getattr(self, n)) for n in ("context", "feature_lists") if self.HasField(n)]

