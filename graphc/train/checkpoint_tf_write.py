"""Write TensorFlow's V2 checkpoint files (a tensor bundle), as TF's Saver does:
"<prefix>.data-00000-of-00001" (the tensors' bytes) and "<prefix>.index" (a LevelDB
table, uncompressed, of the header and one BundleEntryProto per tensor, by name).

A partitioned variable is written as TF's Saver writes it: one entry under its full name
(dtype, full shape and the list of its slices, no bytes), and one entry per slice under
the slice's key (graphc/train/checkpoint_tf.py's slice_key), the slices' bytes in order.
The layout is described in graphc/train/checkpoint_tf.py.
"""
import collections
import os
import struct

import numpy as np

from .. import errors
from ..io.crc32c import crc32c, mask
from ..io.wire import _bytes, _int, _key, _varint, I32, VARINT
from .checkpoint_tf import (DT_NUMBER, INDEX_SUFFIX, TABLE_MAGIC, FOOTER_SIZE, data_file,
                            slice_key)

__all__ = []

_BLOCK_SIZE = 262144            # a data block's size estimate that flushes it (TF)
_RESTART_INTERVAL = 16          # entries between two restart points (full keys)

Slices = collections.namedtuple("Slices", ["shape", "parts"])
Slices.__doc__ = """A tensor saved as slices (a partitioned variable): its full shape and
parts [(extents, array)], extents [(start, length)] per axis (length -1: the whole
axis), in the order they are written (TF: the parts' order, by offset). A single
slice that covers the whole tensor is written as a plain tensor, as TF writes it."""


def _as_tensor(name, value):
    """(DataType number, shape, bytes, masked crc32c) of one value."""
    arr = np.asarray(value)
    if arr.dtype.kind in "OSU":
        return (7,) + _string_bytes(name, arr)
    number = DT_NUMBER.get(arr.dtype.newbyteorder("="))
    if number is None:
        raise errors.DTypeError(f"Saver (V2): variable '{name}' is {arr.dtype}, which TF's "
                                "checkpoint format has no DataType for")
    raw = np.ascontiguousarray(arr, arr.dtype.newbyteorder("<")).tobytes()
    return number, arr.shape, raw, mask(crc32c(raw))


def _string_bytes(name, arr):
    items = [x.encode("utf-8") if isinstance(x, str) else bytes(x) for x in arr.ravel()]
    lengths = np.array([len(x) for x in items], np.uint64)
    if len(items) and lengths.max() >= 1 << 32:
        raise errors.UnimplementedError(f"Saver (V2): variable '{name}' holds a string of "
                                        "4 GB or more")
    packed = lengths.astype("<u4").tobytes()
    crc = crc32c(packed)
    checksum = struct.pack("<I", mask(crc))
    body = b"".join(items)
    raw = b"".join(_varint(int(n)) for n in lengths) + checksum + body
    return arr.shape, raw, mask(crc32c(body, crc32c(checksum, crc)))


def _entry(dtype, shape, offset=0, size=0, crc=0, slices=()):
    """A BundleEntryProto; fields at their defaults are left out (proto3, as TF)."""
    dims = b"".join(_bytes(2, _int(1, d)) for d in shape)
    out = _int(1, dtype) + _bytes(2, dims) + _int(4, offset) + _int(5, size)
    if crc:
        out += _key(6, I32) + struct.pack("<I", crc)
    return out + b"".join(_bytes(7, _slice_proto(extents)) for extents in slices)


def _slice_proto(extents):
    """A TensorSliceProto: one Extent per axis, its length left out for a full axis
    (-1); a length of 0 is written (it is a oneof)."""
    out = b""
    for start, length in extents:
        ext = _int(1, start)
        if length >= 0:
            ext += _key(2, VARINT) + _varint(length)
        out += _bytes(1, ext)
    return out


def _shared(key, last):
    """The length of the prefix key shares with the key before it."""
    n = 0
    while n < min(len(key), len(last)) and key[n] == last[n]:
        n += 1
    return n


def _encoded(key, value, shared):
    return (_varint(shared) + _varint(len(key) - shared) + _varint(len(value))
            + key[shared:] + value)


def _block(entries, restart_interval=_RESTART_INTERVAL):
    """A table block of sorted (key, value) entries, keys prefix-compressed between
    restart points, with its trailer (no compression, masked crc32c)."""
    out, restarts, last = bytearray(), [], b""
    for i, (key, value) in enumerate(entries):
        if i % restart_interval == 0:
            restarts.append(len(out))
        out += _encoded(key, value, 0 if i % restart_interval == 0 else _shared(key, last))
        last = key
    restarts = restarts or [0]
    out += struct.pack(f"<{len(restarts)}I", *restarts) + struct.pack("<I", len(restarts))
    out += b"\x00"
    return bytes(out) + struct.pack("<I", mask(crc32c(out)))


def _separator(start, limit):
    """A short key >= start and < limit (TF's bytewise FindShortestSeparator)."""
    n = _shared(start, limit)
    if n < min(len(start), len(limit)) and start[n] < 0xFF and start[n] + 1 < limit[n]:
        return start[:n] + bytes([start[n] + 1])
    return start


def _successor(key):
    """A short key >= key (TF's bytewise FindShortSuccessor)."""
    for i, b in enumerate(key):
        if b != 0xFF:
            return key[:i] + bytes([b + 1])
    return key


def table_bytes(entries):
    """A LevelDB table of `entries` ((key bytes, value bytes), sorted by key), byte for
    byte as TF's TableBuilder (tsl/lib/io/table_builder.cc) builds it: a data block is
    flushed once its size estimate (entries, restart offsets, count) reaches
    _BLOCK_SIZE; a block's index key is a short separator of its last key and the next
    block's first key (a short successor for the last block); the index block has a
    restart point at every entry."""
    out, index, block, size, last, pending = bytearray(), [], [], 0, b"", None
    for key, value in entries:
        if pending is not None:
            index.append((_separator(last, key), pending))
            pending = None
        restart = len(block) % _RESTART_INTERVAL == 0
        size += len(_encoded(key, value, 0 if restart else _shared(key, last)))
        block.append((key, value))
        last = key
        if size + 4 * (1 + (len(block) - 1) // _RESTART_INTERVAL) + 4 >= _BLOCK_SIZE:
            pending, block, size = _flush(out, block), [], 0
    if block:
        pending = _flush(out, block)
    meta = _flush(out, [])
    if pending is not None:
        index.append((_successor(last), pending))
    index_at = len(out)
    out += _block(index, restart_interval=1)
    handles = meta + _varint(index_at) + _varint(len(out) - index_at - 5)
    out += handles + bytes(FOOTER_SIZE - 8 - len(handles)) + struct.pack("<Q", TABLE_MAGIC)
    return bytes(out)


def _flush(out, block):
    """Append block's bytes to out; its handle (offset, size without the trailer)."""
    at = len(out)
    out += _block(block)
    return _varint(at) + _varint(len(out) - at - 5)


def write_bundle(prefix, arrays, write_atomic):
    """Write `arrays` ({name: array or Slices}) as TF's checkpoint `prefix` (one data
    shard), the bytes in the order of the names (then of a Slices' parts), as TF's
    Saver does; write_atomic(path, write) writes one file through a temporary name."""
    entries, chunks, offset = [(b"", _int(1, 1) + _bytes(3, _int(1, 1)))], [], 0
    for name in sorted(arrays, key=lambda n: n.encode("utf-8")):
        value = arrays[name]
        if isinstance(value, Slices) and len(value.parts) == 1 and all(
                start == 0 and length in (-1, d)
                for (start, length), d in zip(value.parts[0][0], value.shape)):
            value = value.parts[0][1]       # one slice that is the whole: TF adds it so
        parts = value.parts if isinstance(value, Slices) else [(None, value)]
        for extents, part in parts:
            dtype, shape, raw, crc = _as_tensor(name, part)
            key = name.encode("utf-8") if extents is None else slice_key(name, extents)
            entries.append((key, _entry(dtype, shape, offset, len(raw), crc)))
            chunks.append(raw)
            offset += len(raw)
        if isinstance(value, Slices):      # the full name: dtype, shape, slices; no bytes
            entries.append((name.encode("utf-8"),
                            _entry(dtype, value.shape, slices=[e for e, _ in parts])))
    entries.sort(key=lambda kv: kv[0])

    def data(f):
        for raw in chunks:
            f.write(raw)
    write_atomic(data_file(prefix, 0, 1), data)
    table = table_bytes(entries)
    write_atomic(prefix + INDEX_SUFFIX, lambda f: f.write(table))


def bundle_files(prefix):
    """The files of TF checkpoint `prefix` that exist: its index and data shards."""
    directory, base = os.path.split(os.path.abspath(prefix))
    out = [prefix + INDEX_SUFFIX] if os.path.exists(prefix + INDEX_SUFFIX) else []
    if os.path.isdir(directory):
        start = base + ".data-"
        out += [os.path.join(os.path.dirname(prefix), n) for n in sorted(os.listdir(directory))
                if n.startswith(start) and "-of-" in n[len(start):]]
    return out
