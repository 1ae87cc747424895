"""TensorBoard's file format, by hand: protobuf messages (io/tfrecord.py frames them).

An event file is a sequence of TFRecord records whose data is a serialized
tensorflow.Event. The messages
here are the subset of TF's protos that tf.summary's v1 ops and FileWriter use:

    Event     {double wall_time = 1; int64 step = 2; oneof what {string file_version = 3;
               bytes graph_def = 4; Summary summary = 5; ...}}
    Summary   {repeated Value value = 1}
    Value     {string tag = 1; oneof value {float simple_value = 2; HistogramProto histo = 5;
               ...}}
    HistogramProto {double min = 1, max = 2, num = 3, sum = 4, sum_squares = 5;
                    repeated double bucket_limit = 6 [packed], bucket = 7 [packed]}

A Value's image, audio, tensor and metadata are the classes of summary_protos.py.
Fields neither module models (a Value's node_name, an Event's log_message) are kept as
raw bytes when read and written back unchanged. Encoding is proto3's: a
field equal to its default (0, "", +0.0) is left out, except the member of a oneof
that is set. The attribute names follow the generated protobuf classes, so code that
reads `event.summary.value[0].simple_value` works on either.
"""
import struct

import numpy as np

from .tfrecord import (DataLossError, crc32c, encode_record,  # noqa: F401  (re-exported)
                       masked_crc32c, read_records)
from .wire import (  # noqa: F401  (re-exported: other modules import them from here)
    DecodeError, I32, I64, LEN, VARINT, Message, _bytes, _double, _doubles, _f64, _fields,
    _float, _has_field, _int, _key, _oneof, _packed_doubles, _parse, _read_varint,
    _repr, _same, _string, _utf8, _varint, _which_oneof, signed64)

__all__ = ["crc32c", "masked_crc32c", "encode_record", "read_records", "DataLossError",
           "DecodeError", "HistogramProto", "Value", "Summary", "SessionLog", "Event",
           "TaggedRunMetadata",
           "histogram_proto", "graph_def"]

from . import summary_protos as sp  # noqa: E402  (it uses the wire helpers above)


class HistogramProto:
    """tensorflow.HistogramProto: counts in buckets; bucket i holds the values in
    [bucket_limit[i-1], bucket_limit[i])."""
    __slots__ = ("min", "max", "num", "sum", "sum_squares", "bucket_limit", "bucket")
    _DOUBLES = ("min", "max", "num", "sum", "sum_squares")

    def __init__(self, min=0.0, max=0.0, num=0.0, sum=0.0,   # noqa: A002  (proto names)
                 sum_squares=0.0, bucket_limit=(), bucket=()):
        self.min, self.max, self.num, self.sum = float(min), float(max), float(num), float(sum)
        self.sum_squares = float(sum_squares)
        self.bucket_limit = [float(x) for x in bucket_limit]
        self.bucket = [float(x) for x in bucket]

    def SerializeToString(self):
        out = b"".join(_double(i, getattr(self, n)) for i, n in enumerate(self._DOUBLES, 1))
        return out + _packed_doubles(6, self.bucket_limit) + _packed_doubles(7, self.bucket)

    @classmethod
    def FromString(cls, data):
        h = cls()       # repeated doubles: packed, or one a field
        table = {i: (n, (I64,), _f64) for i, n in enumerate(cls._DOUBLES, 1)}
        table.update({6: ("bucket_limit", (LEN, I64), _doubles),
                      7: ("bucket", (LEN, I64), _doubles)})
        _parse(h, data, table)
        return h

    __eq__, __repr__ = _same, _repr


class Value:
    """tensorflow.Summary.Value: a tag, one of simple_value, image, histo, audio, tensor
    (or a kind this module keeps as raw bytes: WhichOneof("value") names it), and
    metadata (a SummaryMetadata; graphc/io/summary_protos.py holds those classes)."""
    __slots__ = ("tag", "_which", "_payload", "_metadata", "_unknown")
    _KINDS = {3: "obsolete_old_style_histogram"}
    _FIELDS = {"simple_value": 2, "image": 4, "histo": 5, "audio": 6, "tensor": 8}
    simple_value = _oneof("simple_value", float)
    image = _oneof("image", sp.Image)
    histo = _oneof("histo", HistogramProto)
    audio = _oneof("audio", sp.Audio)
    tensor = _oneof("tensor", sp.TensorProto)

    def __init__(self, tag="", simple_value=None, histo=None, image=None, audio=None,
                 tensor=None, metadata=None):
        self.tag, self._which, self._payload, self._unknown = tag, None, None, b""
        self._metadata = metadata
        if simple_value is not None:
            self.simple_value = float(simple_value)
        for name, v in (("histo", histo), ("image", image), ("audio", audio),
                        ("tensor", tensor)):
            if v is not None:
                setattr(self, name, v)

    @property
    def metadata(self):
        if self._metadata is None:      # protobuf: reading a message field sets it
            self._metadata = sp.SummaryMetadata()
        return self._metadata

    @metadata.setter
    def metadata(self, value):
        self._metadata = value

    WhichOneof, __eq__, __repr__ = _which_oneof, _same, _repr

    def HasField(self, name):
        return self._metadata is not None if name == "metadata" else self._which == name

    def SerializeToString(self):
        out = _string(1, self.tag)
        if self._which == "simple_value":
            out += _float(2, self._payload)
        elif self._which in self._FIELDS and self._payload is not None:
            out += _bytes(self._FIELDS[self._which], self._payload.SerializeToString())
        if self._metadata is not None:
            out += _bytes(9, self._metadata.SerializeToString())
        return out + self._unknown

    @classmethod
    def FromString(cls, data):
        v = cls()
        v._unknown = _parse(v, data, {
            1: ("tag", (LEN,), _utf8),
            2: ("simple_value", (I32,), lambda b: struct.unpack("<f", b)[0]),
            4: ("image", (LEN,), sp.Image.FromString),
            5: ("histo", (LEN,), HistogramProto.FromString),
            6: ("audio", (LEN,), sp.Audio.FromString),
            8: ("tensor", (LEN,), sp.TensorProto.FromString),
            9: ("metadata", (LEN,), sp.SummaryMetadata.FromString)}, cls._KINDS)
        return v



class Summary:
    """tensorflow.Summary: a list of Values.

        s = Summary(value=[Summary.Value(tag="loss", simple_value=0.5)])"""
    __slots__ = ("value",)
    Value = Value
    Image, Audio = sp.Image, sp.Audio       # tf.Summary.Image(...), as TF's nested types

    def __init__(self, value=()):
        from .proto import RepeatedMessages
        self.value = RepeatedMessages(Value, value)

    def SerializeToString(self):
        return b"".join(_bytes(1, v.SerializeToString()) for v in self.value)

    @classmethod
    def FromString(cls, data):
        s = cls()
        _parse(s, data, {1: ("value", (LEN,), lambda b: [Value.FromString(b)])})
        return s

    def ParseFromString(self, data):
        """Replace this message's fields by those in `data` (protobuf's)."""
        del self.value[:]
        self.value.extend(Summary.FromString(data).value)

    __eq__, __repr__ = _same, _repr


class SessionLog:
    """tensorflow.SessionLog: a session's START, STOP or CHECKPOINT (with the checkpoint's
    path), as a Supervisor writes them; TensorBoard restarts a run's curves at START."""
    __slots__ = ("status", "checkpoint_path", "msg", "_unknown")
    STATUS_UNSPECIFIED, START, STOP, CHECKPOINT = 0, 1, 2, 3

    def __init__(self, status=0, checkpoint_path="", msg=""):
        self.status, self.checkpoint_path, self.msg = int(status), checkpoint_path, msg
        self._unknown = b""

    def SerializeToString(self):
        return (_int(1, self.status) + _string(2, self.checkpoint_path)
                + _string(3, self.msg) + self._unknown)

    @classmethod
    def FromString(cls, data):
        m = cls()
        m._unknown = _parse(m, data, {1: ("status", (VARINT,), int),
                                      2: ("checkpoint_path", (LEN,), _utf8),
                                      3: ("msg", (LEN,), _utf8)})
        return m

    __eq__, __repr__ = _same, _repr


class TaggedRunMetadata(Message):
    """tensorflow.TaggedRunMetadata: a serialized RunMetadata under a tag, as event
    files hold them.

        m = gc.summary.TaggedRunMetadata(tag="step1", run_metadata=b"...")
    """
    __slots__ = ("tag", "run_metadata")

    def __init__(self, tag="", run_metadata=b""):
        self.tag = tag
        self.run_metadata = bytes(run_metadata)

    def SerializeToString(self):
        return _string(1, self.tag) + (_bytes(2, self.run_metadata)
                                       if self.run_metadata else b"")

    def ParseFromString(self, data):
        self.tag, self.run_metadata = "", b""
        _parse(self, data, {1: ("tag", (LEN,), _utf8), 2: ("run_metadata", (LEN,), bytes)})
        return len(data)

    __eq__, __repr__ = _same, _repr


class Event:
    """tensorflow.Event: a wall time, a step and one of file_version, graph_def,
    summary, session_log (or a kind kept as raw bytes, named by WhichOneof("what"))."""
    __slots__ = ("wall_time", "step", "_which", "_payload", "_unknown")
    _KINDS = {6: "log_message", 9: "meta_graph_def"}
    file_version = _oneof("file_version", str)
    graph_def = _oneof("graph_def", bytes)
    summary = _oneof("summary", Summary)
    session_log = _oneof("session_log", SessionLog)
    tagged_run_metadata = _oneof("tagged_run_metadata", TaggedRunMetadata)

    def __init__(self, wall_time=0.0, step=0, file_version=None, graph_def=None,
                 summary=None, session_log=None, tagged_run_metadata=None):
        self.wall_time, self.step = float(wall_time), int(step)
        self._which, self._payload, self._unknown = None, None, b""
        for name, v in (("file_version", file_version), ("graph_def", graph_def),
                        ("summary", summary), ("session_log", session_log),
                        ("tagged_run_metadata", tagged_run_metadata)):
            if v is not None:
                setattr(self, name, v)

    WhichOneof, HasField, __eq__, __repr__ = _which_oneof, _has_field, _same, _repr

    def SerializeToString(self):
        out = _double(1, self.wall_time) + _int(2, self.step)
        if self._which == "file_version":
            out += _bytes(3, self._payload.encode("utf-8"))
        elif self._which == "graph_def":
            out += _bytes(4, bytes(self._payload))
        elif self._which in ("summary", "session_log", "tagged_run_metadata"):
            field = {"summary": 5, "session_log": 7, "tagged_run_metadata": 8}[self._which]
            out += _bytes(field, self._payload.SerializeToString())
        return out + self._unknown

    @classmethod
    def FromString(cls, data):
        e = cls()
        e._unknown = _parse(e, data, {
            1: ("wall_time", (I64,), _f64),
            2: ("step", (VARINT,), signed64),
            3: ("file_version", (LEN,), _utf8),
            4: ("graph_def", (LEN,), bytes),
            5: ("summary", (LEN,), Summary.FromString),
            7: ("session_log", (LEN,), SessionLog.FromString),
            8: ("tagged_run_metadata", (LEN,), TaggedRunMetadata.FromString)}, cls._KINDS)
        return e

    def ParseFromString(self, data):
        """Replace this event's fields by those in `data` (protobuf's)."""
        other = Event.FromString(data)
        for name in Event.__slots__:
            setattr(self, name, getattr(other, name))


# ---- histograms (TF's core/lib/histogram/histogram.cc) ---------------------------------
def _default_bucket_limits():
    """TF's default limits: -DBL_MAX, -1e20/1.1^k..., -1e-12, 0, 1e-12 ... 1e20-ish,
    DBL_MAX (each 10% above the last, from 1e-12 while below 1e20)."""
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(np.finfo(np.float64).max)
    return np.array([-x for x in reversed(pos)] + [0.0] + pos)


BUCKET_LIMITS = _default_bucket_limits()


def histogram_proto(values):
    """The HistogramProto TF's Histogram::EncodeToProto(preserve_zero_buckets=false)
    writes for finite float64 `values`: a run of empty buckets is one bucket (count 0,
    the run's last limit); sums are sequential, in value order, as TF adds them."""
    values = np.asarray(values, np.float64).ravel()
    limits = BUCKET_LIMITS
    # std::upper_bound: the first limit above the value (DBL_MAX itself: the last one)
    idx = np.minimum(np.searchsorted(limits, values, side="right"), len(limits) - 1)
    counts = np.bincount(idx, minlength=len(limits)).astype(np.float64)
    keep = (counts > 0) | np.append(counts[1:] > 0, True)   # non-empty, or a run's end
    if values.size:
        lo, hi = float(values.min()), float(values.max())
        with np.errstate(over="ignore"):        # an overflow is inf, as in C++
            total, squares = np.cumsum(values)[-1], np.cumsum(values * values)[-1]
    else:       # TF's Clear(): min at the last limit, max at -DBL_MAX
        lo, hi, total, squares = float(limits[-1]), -float(limits[-1]), 0.0, 0.0
    return HistogramProto(min=lo, max=hi, num=values.size, sum=total, sum_squares=squares,
                          bucket_limit=limits[keep], bucket=counts[keep])


# ---- graphs ----------------------------------------------------------------------------
def _shape_proto(shape):
    """tensorflow.TensorShapeProto {repeated Dim dim = 2 {int64 size = 1; string name =
    2}; bool unknown_rank = 3}; an unknown dim is -1 (a named one keeps its name)."""
    if shape._dims is None:
        return _int(3, 1)
    return b"".join(
        _bytes(2, _int(1, d if isinstance(d, int) else -1)
               + (_string(2, d) if isinstance(d, str) else b""))
        for d in shape._dims)


def graph_def(graph):
    """A serialized tensorflow.GraphDef of graph's structure, for TensorBoard's graph
    tab: each node's name, op type (graphc's), inputs ("x", "x:1", "^ctrl"), device and
    an "_output_shapes" attr. The op attributes are not written, so TensorFlow cannot
    import it as a model; the inner graphs of cond and while_loop are not drawn."""
    out = []
    for node in graph.nodes:
        nd = [_string(1, node.name), _string(2, node.type)]
        nd += [_string(3, t.node.name if t.index == 0 else f"{t.node.name}:{t.index}")
               for t in node.inputs]
        nd += [_string(3, "^" + c.name) for c in node.control_inputs]
        if isinstance(node.device, str):
            nd.append(_string(4, node.device))
        if node.outputs:    # attr map entry {key = 1; AttrValue value = 2 {list = 1
            shapes = b"".join(_bytes(7, _shape_proto(t.shape)) for t in node.outputs)
            nd.append(_bytes(5, _string(1, "_output_shapes") + _bytes(2, _bytes(1, shapes))))
        out.append(_bytes(1, b"".join(nd)))             # {shape = 7}}}
    return b"".join(out)
