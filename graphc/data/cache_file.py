"""Dataset.cache(filename): elements kept in a file (graphc's own format).

    ds = gc.data.TextLineDataset(files).map(parse).cache("/tmp/parsed")

A pass that finds `<filename>.graphc-cache` reads its elements instead of the input
(in any session or process, as TF's file cache). A pass that does not find it reads the
input and writes each element to a temporary file beside it; only a pass that reaches
the end renames that file into place, so a partly written cache is never read (an
unfinished pass deletes its temporary file; TF also discards it).

The format: the line `GRAPHC-DATASET-CACHE 1`, a JSON line with the element's dtypes and
static shapes, then per element `R` and per leaf: rank (u8), dims (int64 each), and the values
(C order, little-endian; a string as u64 length + bytes); then `END` and the element
count (u64). All integers little-endian. No pickle.
"""
import json
import os
import struct
import uuid

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import TensorShape
from .dataset import Dataset, Failed, _invalid
from .iterator import tf_dtype, tf_shape
from .specs import nested_leaves

__all__ = []

MAGIC = b"GRAPHC-DATASET-CACHE 1\n"
SUFFIX = ".graphc-cache"


class _FileCache(Dataset):
    _saved = ("_filename",)

    def __init__(self, ds, filename):
        nested_leaves(ds, "Dataset.cache")
        if isinstance(filename, Tensor):
            if filename.dtype is not dtypes.string or filename.shape.rank not in (0, None):
                raise errors.DTypeError("Dataset.cache: filename must be a scalar string, "
                                        f"got {errors.describe_tensor(filename, 'filename')}")
            tensors = (filename,)
        else:
            if not isinstance(filename, (str, bytes, os.PathLike)):
                raise TypeError(f"Dataset.cache: filename must be a string, got {filename!r}")
            filename, tensors = os.fsdecode(filename), ()
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         tensors=tensors)
        self._filename = filename

    def _cardinality(self, values, n):
        return n[0]

    def _path(self, run):
        f = self._filename
        if isinstance(f, Tensor):
            f = np.asarray(run.values[f], dtype=object).item()
            f = f.decode() if isinstance(f, bytes) else f
        return f + SUFFIX

    def _iter(self, run):
        path = self._path(run)
        if os.path.exists(path):
            yield from self._read(path)
            return
        tmp = f"{path}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            f = open(tmp, "wb")
        except FileNotFoundError:
            raise errors.NotFoundError(f"{tmp}; No such file or directory\n  in the cache "
                                       f"dataset built at {errors.format_site(self._site)}"
                                       ) from None
        done = False
        try:
            header = {"types": [t.name for t in self._types],
                      "shapes": [None if s._dims is None else list(s._dims)
                                 for s in self._shapes]}
            f.write(MAGIC + json.dumps(header).encode() + b"\n")
            n = 0
            for element in self._parents[0]._iter(run):
                if type(element) is Failed:     # passed on, not kept (TF's cache)
                    yield element
                    continue
                f.write(b"R")
                for a, t in zip(element, self._types):
                    _write(f, np.asarray(a, dtype=t.np))
                n += 1
                yield element
            f.write(b"END" + struct.pack("<Q", n))
            f.close()
            os.replace(tmp, path)           # only a complete pass becomes the cache
            done = True
        finally:
            if not done:                    # an unfinished pass: its elements are dropped
                f.close()
                os.remove(tmp)

    def _read(self, path):
        with open(path, "rb") as f:
            if f.readline() != MAGIC:
                raise _invalid(self, f"{path} is not a graphc dataset cache file")
            header = json.loads(f.readline())
            types = [dtypes.as_dtype(t) for t in header["types"]]
            if len(types) != len(self._types):
                raise _invalid(self, f"Number of components does not match: expected "
                                     f"{len(self._types)} types but got {len(types)}.")
            for k, (a, b) in enumerate(zip(self._types, types)):
                if a is not b:
                    raise _invalid(self, f"Data type mismatch at component {k}: expected "
                                         f"{tf_dtype(a)} but got {tf_dtype(b)}.")
            while True:
                tag = f.read(1)
                if tag == b"E":
                    return
                if tag != b"R":
                    raise errors.DataLossError(f"{path}: the cache file is truncated or "
                                               "corrupt (no element or END record here)")
                try:
                    element = [_read(f, t) for t in types]
                except EOFError:
                    raise errors.DataLossError(f"{path}: the cache file is truncated "
                                               "(it ends inside an element)") from None
                for k, (a, s) in enumerate(zip(element, self._shapes)):
                    if not s.is_compatible_with(TensorShape(a.shape)):
                        raise _invalid(self, f"Incompatible shapes at component {k}: "
                                             f"expected {tf_shape(s)} but got "
                                             f"{tf_shape(TensorShape(a.shape))}.")
                yield element


def _write(f, a):
    f.write(struct.pack("<B", a.ndim) + struct.pack(f"<{a.ndim}q", *a.shape))
    if a.dtype == object:
        for v in a.reshape(-1):
            b = v.encode() if isinstance(v, str) else bytes(v)
            f.write(struct.pack("<Q", len(b)) + b)
    else:
        f.write(np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes())


def _bytes(f, n):
    """Exactly n bytes of f (EOFError if it ends first)."""
    b = f.read(n)
    if len(b) != n:
        raise EOFError
    return b


def _read(f, t):
    """One array of dtype t."""
    ndim = _bytes(f, 1)[0]
    shape = struct.unpack(f"<{ndim}q", _bytes(f, 8 * ndim))
    n = int(np.prod(shape, dtype=np.int64))
    if t is dtypes.string:
        out = np.empty(n, dtype=object)
        for i in range(n):
            (size,) = struct.unpack("<Q", _bytes(f, 8))
            out[i] = _bytes(f, size)
        return out.reshape(shape)
    dt = np.dtype(t.np).newbyteorder("<")
    return np.frombuffer(_bytes(f, n * dt.itemsize), dtype=dt).astype(t.np).reshape(shape)
