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
from .events import LEN, DecodeError, _bytes, _fields
from .feature import (BytesList, Feature, FloatList, Int64List,  # noqa: F401 (re-exports)
                      _Message, _want)
from .proto import RepeatedMessages, _MessageMap, _text_bytes

__all__ = ["Example", "SequenceExample", "Features", "Feature", "FeatureList",
           "FeatureLists", "BytesList", "FloatList", "Int64List"]


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
        self.feature = RepeatedMessages(Feature, feature)
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

