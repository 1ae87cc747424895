"""The Summary.Value kinds beyond scalars and histograms, as hand-written protobuf
classes (graphc/io/events.py holds the wire format and Summary/Value):

    Summary.Image   {int32 height = 1, width = 2, colorspace = 3;
                     bytes encoded_image_string = 4}
    Summary.Audio   {float sample_rate = 1; int64 num_channels = 2, length_frames = 3;
                     bytes encoded_audio_string = 4; string content_type = 5}
    SummaryMetadata {PluginData plugin_data = 1 {string plugin_name = 1; bytes
                     content = 2}; string display_name = 2, summary_description = 3;
                     DataClass data_class = 4}
    TensorProto     {DataType dtype = 1; TensorShapeProto tensor_shape = 2;
                     bytes tensor_content = 4; repeated bytes string_val = 8; ...}

Attribute names follow TF's generated classes (value.image.height, value.metadata.
plugin_data.plugin_name). A TensorProto's value fields other than tensor_content and
string_val (float_val, int_val...) are kept as raw bytes and written back unchanged.
"""
import struct

from .events import (I32, LEN, VARINT, DecodeError, _bytes, _fields, _int, _key,
                     _parse, _repr, _same, _string, _utf8, signed64)

__all__ = ["Image", "Audio", "PluginData", "SummaryMetadata", "TensorShapeProto",
           "TensorProto", "to_numpy"]


def _float_field(field, x):
    """A proto3 float: left out when +0.0."""
    raw = struct.pack("<f", x)
    return _key(field, I32) + raw if raw != bytes(4) else b""


def _blob(field, b):
    return _bytes(field, bytes(b)) if b else b""


class Image:
    """tensorflow.Summary.Image: an encoded (PNG) image and its size; colorspace is the
    channel count (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA)."""
    __slots__ = ("height", "width", "colorspace", "encoded_image_string")

    def __init__(self, height=0, width=0, colorspace=0, encoded_image_string=b""):
        self.height, self.width, self.colorspace = int(height), int(width), int(colorspace)
        self.encoded_image_string = bytes(encoded_image_string)

    def SerializeToString(self):
        return (_int(1, self.height) + _int(2, self.width) + _int(3, self.colorspace)
                + _blob(4, self.encoded_image_string))

    @classmethod
    def FromString(cls, data):
        m = cls()
        _parse(m, data, {1: ("height", (VARINT,), signed64), 2: ("width", (VARINT,), signed64),
                         3: ("colorspace", (VARINT,), signed64),
                         4: ("encoded_image_string", (LEN,), bytes)})
        return m

    __eq__, __repr__ = _same, _repr


class Audio:
    """tensorflow.Summary.Audio: an encoded (WAV) clip, its sample rate (Hz), channel
    and frame counts and MIME type."""
    __slots__ = ("sample_rate", "num_channels", "length_frames", "encoded_audio_string",
                 "content_type")

    def __init__(self, sample_rate=0.0, num_channels=0, length_frames=0,
                 encoded_audio_string=b"", content_type=""):
        self.sample_rate = float(struct.unpack("<f", struct.pack("<f", sample_rate))[0])
        self.num_channels, self.length_frames = int(num_channels), int(length_frames)
        self.encoded_audio_string, self.content_type = bytes(encoded_audio_string), content_type

    def SerializeToString(self):
        return (_float_field(1, self.sample_rate) + _int(2, self.num_channels)
                + _int(3, self.length_frames) + _blob(4, self.encoded_audio_string)
                + _string(5, self.content_type))

    @classmethod
    def FromString(cls, data):
        m = cls()
        _parse(m, data, {1: ("sample_rate", (I32,), lambda b: struct.unpack("<f", b)[0]),
                         2: ("num_channels", (VARINT,), signed64),
                         3: ("length_frames", (VARINT,), signed64),
                         4: ("encoded_audio_string", (LEN,), bytes),
                         5: ("content_type", (LEN,), _utf8)})
        return m

    __eq__, __repr__ = _same, _repr


class PluginData:
    """tensorflow.SummaryMetadata.PluginData: which TensorBoard plugin reads the value."""
    __slots__ = ("plugin_name", "content")

    def __init__(self, plugin_name="", content=b""):
        self.plugin_name, self.content = plugin_name, bytes(content)

    def SerializeToString(self):
        return _string(1, self.plugin_name) + _blob(2, self.content)

    @classmethod
    def FromString(cls, data):
        m = cls()
        _parse(m, data, {1: ("plugin_name", (LEN,), _utf8), 2: ("content", (LEN,), bytes)})
        return m

    __eq__, __repr__ = _same, _repr


class SummaryMetadata:
    """tensorflow.SummaryMetadata: the plugin, display name and description of a value.

        SummaryMetadata(plugin_data=PluginData(plugin_name="text"))"""
    __slots__ = ("_plugin_data", "display_name", "summary_description", "data_class")
    PluginData = PluginData

    def __init__(self, plugin_data=None, display_name="", summary_description="",
                 data_class=0):
        self._plugin_data = plugin_data
        self.display_name, self.summary_description = display_name, summary_description
        self.data_class = int(data_class)

    @property
    def plugin_data(self):
        if self._plugin_data is None:      # protobuf: reading a message field sets it
            self._plugin_data = PluginData()
        return self._plugin_data

    @plugin_data.setter
    def plugin_data(self, value):
        self._plugin_data = value

    def HasField(self, name):
        return name == "plugin_data" and self._plugin_data is not None

    def SerializeToString(self):
        plugin = (b"" if self._plugin_data is None
                  else _bytes(1, self._plugin_data.SerializeToString()))
        return (plugin + _string(2, self.display_name) + _string(3, self.summary_description)
                + _int(4, self.data_class))

    @classmethod
    def FromString(cls, data):
        m = cls()
        _parse(m, data, {1: ("plugin_data", (LEN,), PluginData.FromString),
                         2: ("display_name", (LEN,), _utf8),
                         3: ("summary_description", (LEN,), _utf8),
                         4: ("data_class", (VARINT,), signed64)})
        return m

    __eq__ = _same

    def __repr__(self):
        return (f"SummaryMetadata(plugin_data={self._plugin_data!r}, display_name="
                f"{self.display_name!r}, summary_description={self.summary_description!r})")


class Dim:
    """tensorflow.TensorShapeProto.Dim: a size (-1: unknown) and an optional name."""
    __slots__ = ("size", "name")

    def __init__(self, size=0, name=""):
        self.size, self.name = int(size), name

    __eq__, __repr__ = _same, _repr


class TensorShapeProto:
    """tensorflow.TensorShapeProto: dims (each with .size), or unknown_rank."""
    __slots__ = ("dim", "unknown_rank")
    Dim = Dim

    def __init__(self, dim=(), unknown_rank=False):
        self.dim, self.unknown_rank = list(dim), bool(unknown_rank)

    def SerializeToString(self):
        return b"".join(_bytes(2, _int(1, d.size) + _string(2, d.name))
                        for d in self.dim) + _int(3, int(self.unknown_rank))

    @classmethod
    def FromString(cls, data):
        m = cls()
        for field, wire, value, _ in _fields(data):
            if field == 2 and wire == LEN:
                d = Dim()
                _parse(d, value, {1: ("size", (VARINT,), signed64), 2: ("name", (LEN,), _utf8)})
                m.dim.append(d)
            elif field == 3 and wire == VARINT:
                m.unknown_rank = bool(value)
        return m

    __eq__, __repr__ = _same, _repr


class TensorProto:
    """tensorflow.TensorProto: dtype (TF's DataType number: 1 float32, 7 string...),
    tensor_shape, and the values in tensor_content (raw little-endian bytes) or
    string_val. graphc.io.summary_protos.to_numpy(proto) gives the array."""
    __slots__ = ("dtype", "tensor_shape", "tensor_content", "string_val", "_unknown")

    def __init__(self, dtype=0, tensor_shape=None, tensor_content=b"", string_val=()):
        self.dtype = int(dtype)
        self.tensor_shape = TensorShapeProto() if tensor_shape is None else tensor_shape
        self.tensor_content, self.string_val = bytes(tensor_content), list(string_val)
        self._unknown = b""

    def SerializeToString(self):
        return (_int(1, self.dtype) + _bytes(2, self.tensor_shape.SerializeToString())
                + _blob(4, self.tensor_content)
                + b"".join(_bytes(8, bytes(s)) for s in self.string_val) + self._unknown)

    @classmethod
    def FromString(cls, data):
        m = cls()
        m._unknown = _parse(m, data, {1: ("dtype", (VARINT,), int),
                                      2: ("tensor_shape", (LEN,), TensorShapeProto.FromString),
                                      4: ("tensor_content", (LEN,), bytes),
                                      8: ("string_val", (LEN,), lambda b: [bytes(b)])})
        return m

    __eq__, __repr__ = _same, _repr


def to_numpy(proto):
    """The numpy array a TensorProto holds (TF's tf.make_ndarray)."""
    from ..ops.parsing_misc import _DT_OF, parse_tensor_proto
    from .. import dtypes
    name = _DT_OF.get(proto.dtype)
    if name is None:
        raise DecodeError(f"TensorProto has a dtype graphc does not read ({proto.dtype})")
    return parse_tensor_proto(proto.SerializeToString(), dtypes.as_dtype(name))
