"""decode_compressed and the file ops of tf.io (TF1 names): read_file, write_file,
matching_files. File ops are stateful: they read or change the file system."""
import glob
import gzip
import os
import zlib

import numpy as np

from .. import dtypes
from ..shapes import InferError
from .parsing_misc import _need_string, _string_tensor, _strings
from .registry import OpDef, apply, apply1, register

__all__ = ["read_file", "write_file", "matching_files", "decode_compressed"]


# ---- decode_compressed -----------------------------------------------------------------
def _infer_same_string(ctx, x, **attrs):
    _need_string(x, "bytes")
    return x.shape, dtypes.string


def decompress(data, compression_type):
    """data inflated per compression_type ("" / "ZLIB" / "GZIP")."""
    try:
        if compression_type == "ZLIB":
            return zlib.decompress(data)
        if compression_type == "GZIP":
            return gzip.decompress(data)
    except (zlib.error, OSError, EOFError) as e:
        raise ValueError(f"{compression_type} decompression failed: {e}") from None
    return data


def _decompress_kernel(x, *, compression_type):
    x = _strings(x)
    out = np.empty(x.shape, object)
    out.ravel()[:] = [decompress(v, compression_type) for v in x.ravel()]
    return out


DECODE_COMPRESSED = register(OpDef(
    "DecodeCompressed", _infer_same_string, _decompress_kernel, differentiable=False,
    api="decode_compressed", signature="decode_compressed(bytes, compression_type='', "
    "name=None)", shape_rule="S -> S", dtypes="string -> string",
    doc="Decompresses each string (ZLIB or GZIP; '' copies)."))


def compression_name(compression_type, api):
    """'', 'ZLIB' or 'GZIP' from TF's spellings (None is '')."""
    name = "" if compression_type is None else compression_type
    if name not in ("", "ZLIB", "GZIP"):
        raise ValueError(f"{api}: compression_type must be '', 'ZLIB' or 'GZIP', got "
                         f"{compression_type!r}")
    return name


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002  (TF's name)
    """Each string decompressed: `gc.decode_compressed(x, compression_type="GZIP")`."""
    return apply1(DECODE_COMPRESSED, (_string_tensor(bytes, "bytes"),),
                  name=name or "DecodeCompressed",
                  compression_type=compression_name(compression_type, "decode_compressed"))


# ---- files -----------------------------------------------------------------------------
def _path(v):
    v = np.asarray(v, object).item()
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def _infer_read_file(ctx, filename):
    _need_string(filename, "filename")
    return (), dtypes.string


def _read_file_kernel(filename):
    with open(_path(filename), "rb") as f:
        return np.array(f.read(), object)


READ_FILE = register(OpDef(
    "ReadFile", _infer_read_file, _read_file_kernel, differentiable=False, stateful=True,
    api="read_file", signature="read_file(filename, name=None)",
    shape_rule="scalar -> scalar", dtypes="string -> string",
    doc="The contents of a file, as one string."))


def read_file(filename, name=None):
    """The bytes of the file `filename` (a string scalar): `gc.read_file("/tmp/a.txt")`."""
    return apply1(READ_FILE, (_string_tensor(filename, "filename"),), name=name or "ReadFile")


def _infer_write_file(ctx, filename, contents):
    _need_string(filename, "filename")
    if contents.dtype is not dtypes.string:
        raise InferError(f"contents must be a string tensor, not {{1}}'s "
                         f"{contents.dtype.name}", kind="dtype")
    return []


def _write_file_kernel(filename, contents):
    path = _path(filename)
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(np.asarray(contents, object).item())
    return ()


WRITE_FILE = register(OpDef(
    "WriteFile", _infer_write_file, _write_file_kernel, differentiable=False, stateful=True,
    api="write_file", signature="write_file(filename, contents, name=None)",
    shape_rule="no outputs", dtypes="string",
    doc="Writes a string to a file (making its directory), replacing the file."))


def write_file(filename, contents, name=None):
    """An op that writes `contents` (string scalar) to `filename`; run it to write."""
    return apply(WRITE_FILE, (_string_tensor(filename, "filename"),
                              _string_tensor(contents, "contents")), name=name or "WriteFile")


def _infer_matching(ctx, pattern):
    _need_string(pattern, "pattern")
    if pattern.shape.rank not in (0, 1, None):
        raise InferError(f"pattern must be a scalar or a vector, not of shape {pattern.shape}")
    return (None,), dtypes.string


def _matching_kernel(pattern):
    names = set()
    for p in _strings(pattern).ravel():
        names.update(glob.glob(p.decode("utf-8")))
    out = np.empty(len(names), object)
    out[:] = [n.encode("utf-8") for n in sorted(names)]
    return out


MATCHING_FILES = register(OpDef(
    "MatchingFiles", _infer_matching, _matching_kernel, differentiable=False, stateful=True,
    api="matching_files", signature="matching_files(pattern, name=None)",
    shape_rule="scalar or [n] -> [?]", dtypes="string -> string",
    doc="The sorted names of the files matching glob patterns."))


def matching_files(pattern, name=None):
    """The files that match a glob pattern (or patterns), sorted: `gc.matching_files(
    "/data/train-*.tfrecord")`."""
    return apply1(MATCHING_FILES, (_string_tensor(pattern, "pattern"),),
                  name=name or "MatchingFiles")
