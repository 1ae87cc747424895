"""The on-disk format of tf.data's save / load (TF 2.x's, by hand), for exp_save.py:

    path/dataset_spec.pb          StructuredValue of the element_spec (nested_structure_coder)
    path/snapshot.metadata        SnapshotMetadataRecord {run_id = 2; creation_timestamp = 3;
                                  version = 4 (2); dtype = 5 (packed); num_elements = 6;
                                  finalized = 1000}
    path/<run_id>/<shard:08d>.shard/00000000.snapshot
                                  TFRecord-framed records, one serialized TensorProto per
                                  component of each element (AsProtoTensorContent),
                                  the whole file GZIP- or SNAPPY-compressed or not

A SNAPPY file is blocks of `uint32 big-endian length | raw snappy block` (TF's
SnappyOutputBuffer); graphc writes literal-only snappy blocks (valid, not smaller) and
reads any snappy block.
"""
import collections
import struct
import zlib

import numpy as np

from .. import dtypes, errors
from ..io.tfrecord import encode_record, read_records
from ..io.wire import (LEN, VARINT, _bytes, _fields, _int, _read_varint, _string, _varint,
                       _varints)
from ..ops.parsing_misc import _DT_ENUM, _DT_OF, parse_tensor_proto, tensor_proto
from ..shapes import TensorShape
from .structure import Ragged, Sparse

__all__ = []

SPEC_FILE, METADATA_FILE = "dataset_spec.pb", "snapshot.metadata"
COMPRESSIONS = ("", "GZIP", "SNAPPY")
_BLOCK = 1 << 16        # uncompressed bytes per snappy block graphc writes


# ---- the element spec: StructuredValue ------------------------------------------------
def _shape_proto(shape):
    if shape.rank is None:
        return _int(3, 1)                           # unknown_rank
    return b"".join(_bytes(2, _int(1, -1 if d is None else d)) for d in shape._dims)


def encode_spec(structure, types, shapes, what="save"):
    """StructuredValue bytes of an element (graphc structure + leaf dtypes and shapes)."""
    leaves = iter(zip(types, shapes))
    values, order = {}, []                          # key -> StructuredValue bytes
    stack = [(structure, ())]
    while stack:                                    # pre-order: leaves in flat order
        s, key = stack.pop()
        order.append((s, key))
        if s is not None and s[0] is not Sparse and not isinstance(s[0], Ragged):
            parts = s[1].items() if s[0] is dict else enumerate(s[1])
            stack.extend((sub, key + (k,)) for k, sub in reversed(list(parts)))
    for s, key in order:
        if s is None:
            dtype, shape = next(leaves)
            if dtype.name not in _DT_ENUM:
                raise TypeError(f"{what}: graphc cannot write {dtype.name} components")
            spec = _bytes(2, _shape_proto(shape)) + _int(3, _DT_ENUM[dtype.name])
            values[key] = _bytes(33, spec)
        elif s[0] is Sparse or isinstance(s[0], Ragged):
            raise TypeError(f"{what}: graphc saves dense tensor components only, not "
                            f"{'SparseTensor' if s[0] is Sparse else 'RaggedTensor'}s")
    for s, key in reversed(order):                  # children before their parent
        if s is None:
            continue
        kind, parts = s
        if kind is dict:
            body = b"".join(_bytes(1, _string(1, str(k)) + _bytes(2, values[key + (k,)]))
                            for k in parts)
            values[key] = _bytes(53, body)
        elif hasattr(kind, "_fields"):              # a namedtuple
            body = _string(1, kind.__name__) + b"".join(
                _bytes(2, _string(1, f) + _bytes(2, values[key + (i,)]))
                for i, f in enumerate(kind._fields))
            values[key] = _bytes(54, body)
        else:
            body = b"".join(_bytes(1, values[key + (i,)]) for i in range(len(parts)))
            values[key] = _bytes(51 if kind is list else 52, body)
    return values[()]


def _decode_shape(data):
    dims, unknown = [], False
    for f, w, v, _ in _fields(data):
        if f == 2 and w == LEN:
            size = dict((ff, vv) for ff, ww, vv, _ in _fields(v) if ww == VARINT).get(1, 0)
            size = size - (1 << 64) if size >= 1 << 63 else size
            dims.append(None if size < 0 else size)
        elif f == 3 and w == VARINT:
            unknown = bool(v)
    return TensorShape(None if unknown else dims)


def decode_spec(data, path):
    """(structure, dtypes, shapes) of StructuredValue bytes; TypeSpecs graphc lacks
    (sparse, ragged, ...) raise TypeError."""
    types, shapes, out = [], [], [None]
    stack = [(bytes(data), out, 0)]                 # (bytes, container, key) to fill
    while stack:                                    # pre-order: leaves in flat order
        buf, box, key = stack.pop()
        f, v = next(((f, v) for f, w, v, _ in _fields(buf)), (None, None))
        if f == 33:
            spec = {ff: vv for ff, ww, vv, _ in _fields(v)}
            name = _DT_OF.get(spec.get(3, 0))
            if name is None:
                raise TypeError(f"{path}: graphc cannot load components of DataType "
                                f"enum {spec.get(3, 0)}")
            box[key] = None
            types.append(dtypes.as_dtype(name))
            shapes.append(_decode_shape(spec.get(2, b"")))
            continue
        if f in (51, 52):
            kind, items = list if f == 51 else tuple, [vv for ff, _, vv, _ in _fields(v)]
        elif f == 53:
            entries = {}
            for _, _, e, _ in _fields(v):
                e = {ff: vv for ff, ww, vv, _ in _fields(e)}
                entries[e.get(1, b"").decode()] = e.get(2, b"")
            kind, items = dict, {k: entries[k] for k in sorted(entries)}
        elif f == 54:
            head = {ff: vv for ff, ww, vv, _ in _fields(v) if ff == 1}
            pairs = [{ff: vv for ff, ww, vv, _ in _fields(p)}
                     for ff, _, p, _ in _fields(v) if ff == 2]
            kind = collections.namedtuple(head.get(1, b"NamedTuple").decode(),
                                          [p.get(1, b"").decode() for p in pairs])
            items = [p.get(2, b"") for p in pairs]
        else:
            raise TypeError(f"{path}: graphc loads elements of dense tensors in tuples, "
                            f"dicts and namedtuples only (StructuredValue field {f})")
        parts = dict.fromkeys(items) if kind is dict else [None] * len(items)
        box[key] = (kind, parts)
        keys = list(items) if kind is dict else range(len(items))
        stack.extend((items[k], parts, k) for k in reversed(list(keys)))
    return out[0], types, shapes


# ---- snapshot.metadata ----------------------------------------------------------------
def encode_metadata(run_id, timestamp, types, num_elements):
    """SnapshotMetadataRecord bytes of a finalized save."""
    enums = b"".join(_varint(_DT_ENUM[t.name]) for t in types)
    return (_string(2, run_id) + _int(3, timestamp) + _int(4, 2)
            + (_bytes(5, enums) if enums else b"") + _int(6, num_elements) + _int(1000, 1))


def decode_metadata(data):
    """{run_id, num_elements, finalized, dtypes (enums)} of SnapshotMetadataRecord bytes."""
    out = {"run_id": "", "num_elements": 0, "finalized": False, "dtypes": []}
    for f, w, v, _ in _fields(data):
        if f == 2 and w == LEN:
            out["run_id"] = v.decode()
        elif f == 6 and w == VARINT:
            out["num_elements"] = v
        elif f == 1000 and w == VARINT:
            out["finalized"] = bool(v)
        elif f == 5:
            out["dtypes"].extend(_varints(w, v))
    return out


# ---- snappy -----------------------------------------------------------------------------
def snappy_block(data):
    """A raw snappy block of data holding literals only."""
    out = [_varint(len(data))]
    for i in range(0, len(data), 1 << 16):
        chunk = data[i:i + (1 << 16)]
        n = len(chunk) - 1
        if n < 60:
            out.append(bytes([n << 2]))
        elif n < 256:
            out.append(bytes([60 << 2, n]))
        else:
            out.append(bytes([61 << 2]) + struct.pack("<H", n))
        out.append(chunk)
    return b"".join(out)


def unsnappy(block, name):
    """The bytes of a raw snappy block (literals and back-references)."""
    try:
        size, pos = _read_varint(block, 0)
        out = bytearray()
        while pos < len(block):
            tag = block[pos]
            pos += 1
            kind = tag & 3
            if kind == 0:                           # a literal
                n = tag >> 2
                if n >= 60:
                    extra = n - 59
                    n = int.from_bytes(block[pos:pos + extra], "little")
                    pos += extra
                out += block[pos:pos + n + 1]
                pos += n + 1
                continue
            if kind == 1:
                n, offset = ((tag >> 2) & 7) + 4, (tag >> 5) << 8 | block[pos]
                pos += 1
            else:
                width = 2 if kind == 2 else 4
                n = (tag >> 2) + 1
                offset = int.from_bytes(block[pos:pos + width], "little")
                pos += width
            if offset == 0 or offset > len(out):
                raise ValueError("bad back-reference")
            start = len(out) - offset
            while n > 0:                            # an overlapping copy repeats bytes
                piece = out[start:start + min(n, offset)]
                out += piece
                start, n = start + len(piece), n - len(piece)
        if len(out) != size:
            raise ValueError("wrong length")
        return bytes(out)
    except (ValueError, IndexError) as e:
        raise errors.DataLossError(f"{name}: corrupted snappy block ({e})") from None


# ---- shard files --------------------------------------------------------------------------
class ShardWriter:
    """Writes one element at a time (its components as TensorProto records) to a file."""

    def __init__(self, path, compression, types):
        self._f, self._types, self._compression = open(path, "wb"), types, compression
        self._z = zlib.compressobj(-1, zlib.DEFLATED, 31, 9) if compression == "GZIP" else None
        self._pending = []

    def write(self, element):
        data = b"".join(encode_record(tensor_proto(np.asarray(a, t.np), t, content=True))
                        for a, t in zip(element, self._types))
        if self._z is not None:
            self._f.write(self._z.compress(data))
        elif self._compression == "SNAPPY":
            self._pending.append(data)
            if sum(map(len, self._pending)) >= _BLOCK:
                self._flush_snappy()
        else:
            self._f.write(data)

    def _flush_snappy(self):
        data = b"".join(self._pending)
        self._pending = []
        for i in range(0, len(data), _BLOCK):
            block = snappy_block(data[i:i + _BLOCK])
            self._f.write(struct.pack(">I", len(block)) + block)

    def close(self):
        if self._f.closed:
            return
        if self._z is not None:
            self._f.write(self._z.flush())
        elif self._pending:
            self._flush_snappy()
        self._f.close()


class _Bytes:
    """A readable file over bytes (read(n) only)."""

    def __init__(self, data):
        self._data, self._pos = data, 0

    def read(self, n):
        out = self._data[self._pos:self._pos + n]
        self._pos += len(out)
        return out


def _file_bytes(path, compression):
    with open(path, "rb") as f:
        raw = f.read()
    if compression == "GZIP":
        try:
            return zlib.decompress(raw, 31)
        except zlib.error:
            raise errors.DataLossError(f"corrupted record at 0 (Is this even a TFRecord "
                                       f"file?): {path} is not GZIP-compressed") from None
    if compression == "SNAPPY":
        out, pos = [], 0
        while pos < len(raw):
            if pos + 4 > len(raw):
                raise errors.DataLossError(f"{path}: truncated snappy block header")
            (n,) = struct.unpack(">I", raw[pos:pos + 4])
            out.append(unsnappy(raw[pos + 4:pos + 4 + n], path))
            pos += 4 + n
        return b"".join(out)
    return raw


def read_shard(path, compression, types, shapes, where):
    """The elements (lists of arrays) of one shard file, checked against types and
    shapes; `where` names the dataset in errors."""
    records = read_records(_Bytes(_file_bytes(path, compression)), path)
    n = len(types)
    while True:
        element = []
        for k in range(n):
            data = next(records, None)
            if data is None:
                if k:
                    raise errors.DataLossError(f"{path}: the file ends inside an element")
                return
            element.append(_tensor(data, k, types[k], shapes[k], where))
        yield element


def _tensor(data, k, dtype, shape, where):
    got = {f: v for f, w, v, _ in _fields(data) if f == 1 and w == VARINT}.get(1, 0)
    if _DT_OF.get(got) != dtype.name:
        from .iterator import tf_dtype
        name = _DT_OF.get(got)
        raise errors.InvalidArgumentError(
            f"Data type mismatch at component {k}: expected {tf_dtype(dtype)} but got "
            f"{tf_dtype(dtypes.as_dtype(name)) if name else got}.{where}")
    a = parse_tensor_proto(data, dtype)
    if not shape.is_compatible_with(TensorShape(a.shape)):
        from .iterator import tf_shape
        raise errors.InvalidArgumentError(
            f"Incompatible shapes at component {k}: expected {tf_shape(shape)} but got "
            f"{tf_shape(TensorShape(a.shape))}.{where}")
    return a
