"""Write TensorFlow's V2 checkpoint files (a tensor bundle), as TF's Saver does:
"<prefix>.data-00000-of-00001" (the tensors' bytes) and "<prefix>.index" (a LevelDB
table, uncompressed, of the header and one BundleEntryProto per tensor, by name).

Partitioned variables are written whole, one entry each: TF restores a part's slice from
a whole tensor. The layout is described in graphc/train/checkpoint_tf.py.
"""
import os
import struct

import numpy as np

from .. import errors
from ..io.crc32c import crc32c, mask
from ..io.wire import _bytes, _int, _key, _varint, I32
from .checkpoint_tf import DT_NUMBER, INDEX_SUFFIX, TABLE_MAGIC, FOOTER_SIZE, data_file

__all__ = []

_BLOCK_SIZE = 1 << 16           # bytes of entries per data block of the table
_RESTART_INTERVAL = 16          # entries between two restart points (full keys)


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


def _entry(dtype, shape, offset, size, crc):
    dims = b"".join(_bytes(2, _int(1, d)) for d in shape)
    return (_int(1, dtype) + _bytes(2, dims) + _int(4, offset) + _int(5, size)
            + _key(6, I32) + struct.pack("<I", crc))


def _block(entries):
    """A table block of sorted (key, value) entries, keys prefix-compressed between
    restart points, with its trailer (no compression, masked crc32c)."""
    out, restarts, last = bytearray(), [], b""
    for i, (key, value) in enumerate(entries):
        shared = 0
        if i % _RESTART_INTERVAL == 0:
            restarts.append(len(out))
        else:
            while shared < min(len(key), len(last)) and key[shared] == last[shared]:
                shared += 1
        out += _varint(shared) + _varint(len(key) - shared) + _varint(len(value))
        out += key[shared:] + value
        last = key
    restarts = restarts or [0]
    out += struct.pack(f"<{len(restarts)}I", *restarts) + struct.pack("<I", len(restarts))
    out += b"\x00"
    return bytes(out) + struct.pack("<I", mask(crc32c(out)))


def table_bytes(entries):
    """A LevelDB table of `entries` ((key bytes, value bytes), sorted by key)."""
    out, index, block = bytearray(), [], []
    size = 0
    for key, value in entries:
        block.append((key, value))
        size += len(key) + len(value) + 8
        if size >= _BLOCK_SIZE:
            index.append((key, len(out), _flush(out, block)))
            block, size = [], 0
    if block:
        index.append((block[-1][0], len(out), _flush(out, block)))
    meta = (len(out), _flush(out, []))
    index_at = len(out)
    out += _block([(key, _varint(at) + _varint(n)) for key, at, n in index])
    handles = (_varint(meta[0]) + _varint(meta[1]) + _varint(index_at)
               + _varint(len(out) - index_at - 5))
    out += handles + bytes(FOOTER_SIZE - 8 - len(handles)) + struct.pack("<Q", TABLE_MAGIC)
    return bytes(out)


def _flush(out, block):
    data = _block(block)
    out += data
    return len(data) - 5                # a handle's size leaves out the trailer


def write_bundle(prefix, arrays, write_atomic):
    """Write `arrays` ({name: array}) as TF's checkpoint `prefix` (one data shard);
    write_atomic(path, write) writes one file through a temporary name."""
    tensors = {name: _as_tensor(name, arrays[name]) for name in arrays}
    names = sorted(tensors, key=lambda n: n.encode("utf-8"))
    entries, offset = [(b"", _int(1, 1) + _bytes(3, _int(1, 1)))], 0
    for name in names:
        dtype, shape, raw, crc = tensors[name]
        entries.append((name.encode("utf-8"), _entry(dtype, shape, offset, len(raw), crc)))
        offset += len(raw)

    def data(f):
        for name in names:
            f.write(tensors[name][2])
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
