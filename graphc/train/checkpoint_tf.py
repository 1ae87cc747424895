"""TensorFlow's checkpoint files ("V2" tensor bundles), read without TensorFlow.

A TF checkpoint "ckpt/model.ckpt-1000" is two or more files:

  model.ckpt-1000.index                  a LevelDB table (SSTable): key "" -> the
                                         BundleHeaderProto; each tensor's name -> its
                                         BundleEntryProto (dtype, shape, shard, offset,
                                         size, masked crc32c, slices)
  model.ckpt-1000.data-00000-of-00001    the tensors' bytes, little-endian, one after
                                         the other (strings: varint lengths, a masked
                                         crc32c of the lengths, then the bytes)

A partitioned variable is one entry with its full shape and the list of its slices; each
slice's bytes are under a key that encodes the name and the slice (TF's "ordered code").
Every block of the table carries a masked crc32c (checked), and every tensor one of its
bytes (checked on read). graphc/train/checkpoint_tf_write.py writes this format.
"""
import os
import struct

import numpy as np

from .. import errors
from ..io.crc32c import crc32c, mask
from ..io.wire import DecodeError, _fields, _read_varint, signed64

__all__ = []

INDEX_SUFFIX = ".index"
TABLE_MAGIC = 0xDB4775248B80FB57        # the last 8 bytes of a LevelDB table
FOOTER_SIZE = 48
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"

# TF's DataType numbers of the dtypes graphc has (strings: object arrays of bytes)
DTYPES = {1: np.dtype("<f4"), 2: np.dtype("<f8"), 3: np.dtype("<i4"), 4: np.dtype("u1"),
          5: np.dtype("<i2"), 6: np.dtype("i1"), 7: np.dtype(object), 8: np.dtype("<c8"),
          9: np.dtype("<i8"), 10: np.dtype("?"), 17: np.dtype("<u2"), 18: np.dtype("<c16"),
          19: np.dtype("<f2"), 22: np.dtype("<u4"), 23: np.dtype("<u8")}
DT_NUMBER = {d.newbyteorder("=") if d.kind != "O" else d: n for n, d in DTYPES.items()}
_DT_NAMES = {14: "DT_BFLOAT16", 11: "DT_QINT8", 12: "DT_QUINT8", 13: "DT_QINT32",
             15: "DT_QINT16", 16: "DT_QUINT16", 20: "DT_RESOURCE", 21: "DT_VARIANT"}


def data_file(prefix, shard, num_shards):
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def is_tf_checkpoint(prefix):
    """Whether `prefix`.index is a LevelDB table (TF's bundle index), by its magic."""
    path = prefix + INDEX_SUFFIX
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() < FOOTER_SIZE:
                return False
            f.seek(-8, os.SEEK_END)
            return struct.unpack("<Q", f.read(8))[0] == TABLE_MAGIC
    except OSError:
        return False


def _loss(path, what):
    return errors.DataLossError(f"TF checkpoint file '{path}' is corrupted: {what}")


# ---- the LevelDB table ------------------------------------------------------------------
def _handle(buf, pos, path):
    try:
        offset, pos = _read_varint(buf, pos)
        size, pos = _read_varint(buf, pos)
    except DecodeError as e:
        raise _loss(path, f"bad block handle ({e})") from None
    return offset, size, pos


def _block(data, offset, size, path):
    """The contents of the block at offset (its crc checked)."""
    if offset + size + 5 > len(data):
        raise _loss(path, f"block at offset {offset} of size {size} runs past the end "
                          f"({len(data)} bytes)")
    contents = data[offset:offset + size]
    kind = data[offset + size]
    stored = struct.unpack_from("<I", data, offset + size + 1)[0]
    if mask(crc32c(data[offset:offset + size + 1])) != stored:
        raise _loss(path, f"checksum mismatch in the block at offset {offset}")
    if kind != 0:
        what = {1: "Snappy", 2: "Zlib", 3: "LZ4", 4: "ZSTD"}.get(kind, f"type {kind}")
        raise errors.UnimplementedError(
            f"TF checkpoint file '{path}': block at offset {offset} is {what}-compressed; "
            "graphc reads uncompressed tables only (what TF writes for checkpoints)")
    return contents


def _entries(block, path):
    """[(key, value)] of a block: prefix-compressed keys, restart array at the end."""
    if len(block) < 4:
        raise _loss(path, "block too short for its restart count")
    restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end = len(block) - 4 - 4 * restarts
    if end < 0:
        raise _loss(path, f"block claims {restarts} restart points")
    out, pos, key = [], 0, b""
    try:
        while pos < end:
            shared, pos = _read_varint(block, pos)
            own, pos = _read_varint(block, pos)
            size, pos = _read_varint(block, pos)
            if shared > len(key) or pos + own + size > end:
                raise DecodeError("entry runs past the block")
            key = key[:shared] + block[pos:pos + own]
            pos += own
            out.append((key, block[pos:pos + size]))
            pos += size
    except DecodeError as e:
        raise _loss(path, f"bad block entry ({e})") from None
    return out


def read_table(path):
    """[(key, value)] of every entry of the LevelDB table file `path`, in order."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < FOOTER_SIZE or struct.unpack_from("<Q", data, len(data) - 8)[0] \
            != TABLE_MAGIC:
        raise _loss(path, "no LevelDB table magic at its end (truncated, or not a TF "
                          "checkpoint index)")
    footer = data[len(data) - FOOTER_SIZE:]
    _, _, pos = _handle(footer, 0, path)                # the metaindex: nothing for TF
    offset, size, _ = _handle(footer, pos, path)
    out = []
    for _, handle in _entries(_block(data, offset, size, path), path):
        b_offset, b_size, _ = _handle(handle, 0, path)
        out += _entries(_block(data, b_offset, b_size, path), path)
    return out


# ---- the protos ---------------------------------------------------------------------------
def parse_header(buf):
    """BundleHeaderProto -> (num_shards, endianness, producer version)."""
    num_shards, endianness, producer = 0, 0, 0
    for field, _, value, _ in _fields(buf):
        if field == 1:
            num_shards = value
        elif field == 2:
            endianness = value
        elif field == 3:
            producer = dict((f, v) for f, _, v, _ in _fields(value)).get(1, 0)
    return num_shards, endianness, producer


def _shape(buf):
    dims = []
    for field, _, value, _ in _fields(buf):
        if field == 2:
            size = dict((f, v) for f, _, v, _ in _fields(value)).get(1, 0)
            dims.append(signed64(size))
        elif field == 3 and value:
            raise DecodeError("unknown rank")
    return tuple(dims)


def _slice(buf):
    """TensorSliceProto -> [(start, length or -1 for all)] per dimension."""
    extents = []
    for field, _, value, _ in _fields(buf):
        if field == 1:
            ext = dict((f, v) for f, _, v, _ in _fields(value))
            extents.append((signed64(ext.get(1, 0)), signed64(ext[2]) if 2 in ext else -1))
    return extents


def parse_entry(buf):
    """BundleEntryProto -> dict(dtype, shape, shard_id, offset, size, crc32c, slices)."""
    e = {"dtype": 0, "shape": (), "shard_id": 0, "offset": 0, "size": 0, "crc32c": 0,
         "slices": []}
    for field, _, value, _ in _fields(buf):
        if field == 1:
            e["dtype"] = value
        elif field == 2:
            e["shape"] = _shape(value)
        elif field in (3, 4, 5):
            e[("shard_id", "offset", "size")[field - 3]] = value
        elif field == 6:
            e["crc32c"] = struct.unpack("<I", value)[0]
        elif field == 7:
            e["slices"].append(_slice(value))
    return e


# ---- the slice keys (TF's "ordered code") -------------------------------------------------
def _num_increasing(n):
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([len(raw)]) + raw


def _signed_increasing(x):
    """x as bytes that sort as the integers do: the length in unary in the top bits,
    then the value; a negative x is the complement of the encoding of ~x."""
    positive = x if x >= 0 else ~x
    n = 1
    while positive >= 1 << (7 * n - 1):
        n += 1
    if n > 7:
        raise ValueError(f"slice bound {x} too large")
    header = (0xFF << (8 - n)) & 0xFF
    raw = bytearray((positive | header << (8 * n - 8)).to_bytes(n, "big"))
    return bytes(raw) if x >= 0 else bytes(b ^ 0xFF for b in raw)


def slice_key(name, extents):
    """The table key of slice `extents` of tensor `name`."""
    escaped = name.encode("utf-8").replace(b"\xff", b"\xff\x00").replace(b"\x00", b"\x00\xff")
    key = _num_increasing(0) + escaped + b"\x00\x01" + _num_increasing(len(extents))
    for start, length in extents:
        key += _signed_increasing(start) + _signed_increasing(length)
    return key


# ---- the bundle ---------------------------------------------------------------------------
class Bundle:
    """The entries of a TF checkpoint: headers() and read(names), as graphc's .npz.

        bundle = Bundle("ckpt/model.ckpt-1000")
        bundle.headers()            # {"dense/kernel": ((3, 2), dtype('float32')), ...}
    """

    def __init__(self, prefix):
        self.prefix = prefix
        self.index = prefix + INDEX_SUFFIX
        self.entries, self.slices = {}, {}
        header = None
        try:
            for key, value in read_table(self.index):
                if key == b"":
                    header = parse_header(value)
                elif key[:1] == b"\x00":
                    self.slices[key] = parse_entry(value)
                else:
                    self.entries[key.decode("utf-8")] = parse_entry(value)
        except (DecodeError, UnicodeDecodeError) as e:
            raise _loss(self.index, f"bad entry ({e})") from None
        if header is None:
            raise _loss(self.index, "no bundle header (key \"\")")
        self.num_shards, endianness, _ = header
        if endianness != 0:
            raise errors.UnimplementedError(f"TF checkpoint '{prefix}' is big-endian; "
                                            "graphc reads little-endian bundles only")
        for name, e in self.entries.items():
            if e["dtype"] not in DTYPES:
                what = _DT_NAMES.get(e["dtype"], f"DataType {e['dtype']}")
                raise errors.UnimplementedError(
                    f"TF checkpoint '{prefix}': tensor '{name}' is {what}, which graphc "
                    "has no dtype for")

    def headers(self):
        """{name: (shape, numpy dtype)} of every tensor (slices count as their whole)."""
        return {n: (e["shape"], DTYPES[e["dtype"]]) for n, e in self.entries.items()}

    def read(self, names):
        """{name: ndarray} for `names`; strings are object arrays of bytes."""
        out = {}
        files = {}
        try:
            for name in names:
                e = self.entries[name]
                out[name] = (self._whole(name, e, files) if e["slices"]
                             else self._tensor(e, e["shape"], files))
        finally:
            for f in files.values():
                f.close()
        return out

    def _whole(self, name, e, files):
        dtype = DTYPES[e["dtype"]]
        whole = np.zeros(e["shape"], dtype) if dtype.kind != "O" else \
            np.full(e["shape"], b"", object)
        covered = np.zeros(e["shape"], bool)
        for extents in e["slices"]:
            where = tuple(slice(None) if n < 0 else slice(s, s + n) for s, n in extents)
            part = self.slices.get(slice_key(name, extents))
            if part is None:
                raise _loss(self.index, f"slice {extents} of '{name}' has no entry")
            whole[where] = self._tensor(part, covered[where].shape, files)
            covered[where] = True
        if not covered.all():
            raise _loss(self.index, f"the slices of '{name}' do not cover its shape "
                                    f"{list(e['shape'])}")
        return whole

    def _tensor(self, e, shape, files):
        shard = e["shard_id"]
        path = data_file(self.prefix, shard, self.num_shards)
        if shard not in files:
            try:
                files[shard] = open(path, "rb")
            except FileNotFoundError:
                raise errors.NotFoundError(f"TF checkpoint '{self.prefix}': data file "
                                           f"'{path}' does not exist") from None
        f = files[shard]
        f.seek(e["offset"])
        raw = f.read(e["size"])
        if len(raw) != e["size"]:
            raise _loss(path, f"{e['size']} bytes at offset {e['offset']} run past the "
                              "end of the file")
        dtype = DTYPES[e["dtype"]]
        if dtype.kind == "O":
            return _strings(raw, shape, e["crc32c"], path, e["offset"])
        if mask(crc32c(raw)) != e["crc32c"]:
            raise _loss(path, f"checksum mismatch in the tensor at offset {e['offset']}")
        count = int(np.prod(shape, dtype=np.int64))
        if count * dtype.itemsize != len(raw):
            raise _loss(path, f"tensor at offset {e['offset']} has {len(raw)} bytes, not "
                              f"{count * dtype.itemsize} for shape {list(shape)}")
        return np.frombuffer(raw, dtype).astype(dtype.newbyteorder("="), copy=True) \
            .reshape(shape)


def _strings(raw, shape, stored_crc, path, offset):
    """A string tensor: varint lengths, masked crc32c of the lengths, then the bytes."""
    count = int(np.prod(shape, dtype=np.int64))
    lengths, pos = [], 0
    try:
        for _ in range(count):
            n, pos = _read_varint(raw, pos)
            lengths.append(n)
    except DecodeError:
        raise _loss(path, f"bad string lengths in the tensor at offset {offset}") from None
    # the checksums cover the lengths as 4-byte little-endian integers
    as_u32 = np.asarray(lengths, np.uint64)
    if count and as_u32.max() >= 1 << 32:
        raise errors.UnimplementedError(f"'{path}': a string of 4 GB or more")
    packed = as_u32.astype("<u4").tobytes()
    crc = crc32c(packed)
    if pos + 4 > len(raw) or struct.unpack_from("<I", raw, pos)[0] != mask(crc) or \
            pos + 4 + sum(lengths) != len(raw):
        raise _loss(path, f"string lengths fail their checksum at offset {offset}")
    if mask(crc32c(raw[pos + 4:], crc32c(raw[pos:pos + 4], crc))) != stored_crc:
        raise _loss(path, f"checksum mismatch in the tensor at offset {offset}")
    out, pos = np.empty(count, object), pos + 4
    for i, n in enumerate(lengths):
        out[i] = raw[pos:pos + n]
        pos += n
    return out.reshape(shape)
