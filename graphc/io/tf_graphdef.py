"""TensorFlow's GraphDef protobufs, by hand on wire.py's helpers: what a frozen `.pb`
holds (TF1 tf.GraphDef, tf.NodeDef, tf.AttrValue, tf.NameAttrList):

    GraphDef     {repeated NodeDef node = 1; FunctionDefLibrary library = 2;
                  int32 version = 3; VersionDef versions = 4; GraphDebugInfo debug_info = 5}
    NodeDef      {string name = 1, op = 2; repeated string input = 3; string device = 4;
                  map<string, AttrValue> attr = 5; ...}
    AttrValue    {oneof value {ListValue list = 1; bytes s = 2; int64 i = 3; float f = 4;
                  bool b = 5; DataType type = 6; TensorShapeProto shape = 7;
                  TensorProto tensor = 8; string placeholder = 9; NameAttrList func = 10}}
    ListValue    {repeated bytes s = 2; int64 i = 3 [packed]; float f = 4 [packed];
                  bool b = 5 [packed]; DataType type = 6 [packed];
                  TensorShapeProto shape = 7; TensorProto tensor = 8; NameAttrList func = 9}
    NameAttrList {string name = 1; map<string, AttrValue> attr = 2}
    VersionDef   {int32 producer = 1, min_consumer = 2; repeated int32 bad_consumers = 3}

    gd = gc.GraphDef()
    with open("frozen.pb", "rb") as f:
        gd.ParseFromString(f.read())

TensorProto and TensorShapeProto are summary_protos.py's. A FunctionDef of the library
is kept as its bytes (its signature's name is readable); fields not modelled (a
NodeDef's experimental_debug_info, a GraphDef's debug_info) are kept as raw bytes and
written back. Maps are written in key order (TF's deterministic serialization).
"""
from .tf_graphdef_attr import (AttrValue, ListValue, NameAttrList,  # noqa: F401
                               _attr_map_bytes, _int32, _Message, _packed,
                               _read_attr_entry, _Repeated, _varints)
from .proto import _MessageMap
from .wire import LEN, VARINT, _bytes, _fields, _int, _key, _string, _utf8, _varint

__all__ = ["GraphDef", "NodeDef", "AttrValue", "NameAttrList", "VersionDef",
           "FunctionDefLibrary", "FunctionDef"]


class VersionDef(_Message):
    """tensorflow.VersionDef: the producer's GraphDef version and the consumers it
    supports."""
    __slots__ = ("producer", "min_consumer", "bad_consumers")

    def __init__(self, producer=0, min_consumer=0, bad_consumers=()):
        self.producer, self.min_consumer = int(producer), int(min_consumer)
        self.bad_consumers = [int(x) for x in bad_consumers]

    def SerializeToString(self):
        return (_int(1, self.producer) + _int(2, self.min_consumer)
                + _packed(3, self.bad_consumers))

    def _merge(self, data):
        for f, w, v, _ in _fields(data):
            if f == 1 and w == VARINT:
                self.producer = _int32(v)
            elif f == 2 and w == VARINT:
                self.min_consumer = _int32(v)
            elif f == 3 and w in (VARINT, LEN):
                self.bad_consumers.extend(_int32(n) for n in _varints(w, v))


class FunctionDef(_Message):
    """tensorflow.FunctionDef, kept as its bytes (tf_graphdef_functiondef.py parses it
    when an If/While/Case/PartitionedCall node calls it).
    `signature.name` is the function's name."""
    __slots__ = ("_raw",)

    def __init__(self, raw=b""):
        self._raw = bytes(raw)

    def SerializeToString(self):
        return self._raw

    def _merge(self, data):
        self._raw += data

    @property
    def signature(self):
        name = ""
        for f, w, v, _ in _fields(self._raw):
            if f == 1 and w == LEN:
                for ff, ww, vv, _ in _fields(v):
                    if ff == 1 and ww == LEN:
                        name = _utf8(vv)
        return NameAttrList(name=name)      # an object with .name, as OpDef has


class FunctionDefLibrary(_Message):
    """tensorflow.FunctionDefLibrary: the functions a graph calls (kept, not imported)
    and their gradients (kept as bytes)."""
    __slots__ = ("function", "_rest")

    def __init__(self, function=()):
        self.function = _Repeated(FunctionDef, function)
        self._rest = b""

    def SerializeToString(self):
        return b"".join(_bytes(1, f.SerializeToString()) for f in self.function) + self._rest

    def _merge(self, data):
        for f, w, v, raw in _fields(data):
            if f == 1 and w == LEN:
                self.function.append(FunctionDef(v))
            else:
                self._rest += raw


class NodeDef(_Message):
    """tensorflow.NodeDef: one node of a GraphDef: its name, op type, inputs ("x",
    "x:1", "^ctrl"), device and attrs.

        gc.NodeDef(name="y", op="Relu", input=["x"], attr={"T": gc.AttrValue(type=1)})"""
    __slots__ = ("name", "op", "input", "device", "attr", "_rest")

    def __init__(self, name="", op="", input=(), device="", attr=None):  # noqa: A002
        self.name, self.op, self.input, self.device = name, op, list(input), device
        self.attr = _MessageMap(AttrValue, attr)
        self._rest = b""

    def SerializeToString(self):
        return (_string(1, self.name) + _string(2, self.op)
                + b"".join(_bytes(3, s.encode("utf-8")) for s in self.input)
                + _string(4, self.device) + _attr_map_bytes(5, self.attr) + self._rest)

    def _merge(self, data):
        for f, w, v, raw in _fields(data):
            if f in (1, 2, 3, 4) and w == LEN:
                s = _utf8(v)
                if f == 3:
                    self.input.append(s)
                else:
                    setattr(self, ("name", "op", "", "device")[f - 1], s)
            elif f == 5 and w == LEN:
                _read_attr_entry(self.attr, v)
            else:
                self._rest += raw


class GraphDef(_Message):
    """tensorflow.GraphDef: the nodes of a graph (a frozen model's `.pb`), its versions
    and function library (TF1 tf.GraphDef).

        gd = gc.GraphDef.FromString(open("frozen.pb", "rb").read())
        y, = gc.import_graph_def(gd, return_elements=["y:0"])"""
    __slots__ = ("node", "versions", "version", "library", "_has", "_rest")

    def __init__(self, node=(), versions=None, version=0, library=None):
        self.node = _Repeated(NodeDef, node)
        self.versions = VersionDef() if versions is None else versions
        self.library = FunctionDefLibrary() if library is None else library
        self.version = int(version)
        self._has = {"versions": versions is not None, "library": library is not None}
        self._rest = b""

    def HasField(self, name):
        if name not in self._has:
            raise ValueError(f'Protocol message GraphDef has no singular "{name}" field.')
        return self._has[name] or bool(getattr(self, name).SerializeToString())

    def SerializeToString(self):
        lib = self.library.SerializeToString()
        ver = self.versions.SerializeToString()
        return (b"".join(_bytes(1, n.SerializeToString()) for n in self.node)
                + (_bytes(2, lib) if lib or self._has["library"] else b"")
                + (_key(3, VARINT) + _varint(self.version) if self.version else b"")
                + (_bytes(4, ver) if ver or self._has["versions"] else b"") + self._rest)

    def _merge(self, data):
        for f, w, v, raw in _fields(data):
            if f == 1 and w == LEN:
                self.node.append(NodeDef.FromString(v))
            elif f == 2 and w == LEN:
                self.library.MergeFromString(v)
                self._has["library"] = True
            elif f == 3 and w == VARINT:
                self.version = _int32(v)
            elif f == 4 and w == LEN:
                self.versions.MergeFromString(v)
                self._has["versions"] = True
            else:
                self._rest += raw
