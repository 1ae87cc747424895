"""File datasets (TF1's tf.data readers): each element is one scalar string.

    ds = gc.data.TFRecordDataset(["a.tfrecord", "b.tfrecord"], compression_type="GZIP")
    ds = ds.map(lambda r: gc.parse_single_example(r, {"x": gc.FixedLenFeature([], gc.int64)}))

`filenames` is a path, a list of paths, or a string tensor (scalar or vector: a fed
placeholder or a matching_files result), read when the iterator starts. Files are read
one after another; with num_parallel_reads=n, n files at a time are interleaved one
record each, in order (TF's deterministic parallel interleave).
"""
import os

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..io.tfrecord import DataLossError, open_records, read_records
from ..ops.parsing_files import compression_name
from ..shapes import TensorShape
from .dataset import Dataset

__all__ = ["TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset"]


class _FileDataset(Dataset):
    """Records of files, one file at a time or interleaved; subclasses read one file.
    TF1's signature: buffer_size is accepted and ignored."""
    _api = "Dataset"
    _saved = ("_files", "_compression", "_parallel")

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None):
        if isinstance(compression_type, Tensor):    # a string read when the pipeline starts
            if compression_type.dtype is not dtypes.string:
                raise errors.DTypeError(f"{self._api}: compression_type must be a string, got "
                                        f"{errors.describe_tensor(compression_type, 'it')}")
            self._compression = compression_type
        else:
            self._compression = compression_name(compression_type, self._api)
        if num_parallel_reads is not None and (
                isinstance(num_parallel_reads, (bool, Tensor))
                or not isinstance(num_parallel_reads, (int, np.integer))
                or num_parallel_reads < 1 and num_parallel_reads != -1):
            raise ValueError(f"{self._api}: num_parallel_reads must be a Python int >= 1 "
                             f"(or -1, AUTOTUNE), got {num_parallel_reads!r}")
        self._parallel = 1 if num_parallel_reads in (None, -1) else int(num_parallel_reads)
        tensors = ()
        if isinstance(filenames, Tensor):
            if filenames.dtype is not dtypes.string or filenames.shape.rank not in (0, 1, None):
                raise errors.DTypeError(
                    f"{self._api}: filenames must be a string scalar or vector, got "
                    f"{errors.describe_tensor(filenames, filenames.name)}")
            self._files, tensors = filenames, (filenames,)
        else:
            names = [filenames] if isinstance(filenames, (str, bytes, os.PathLike)) \
                else list(filenames)
            self._files = [_path(n, self._api) for n in names]
        if isinstance(self._compression, Tensor):
            tensors += (self._compression,)
        super().__init__(None, [dtypes.string], [TensorShape(())], tensors=tensors)

    def _names(self, run):
        if isinstance(self._files, Tensor):
            return [_path(n, self._api) for n in np.asarray(run.values[self._files],
                                                            object).reshape(-1)]
        return self._files

    def _codec(self, run):
        """The compression ('', 'ZLIB' or 'GZIP'), a tensor's read in this run."""
        c = self._compression
        if not isinstance(c, Tensor):
            return c
        c = np.asarray(run.values[c], object).item()
        return compression_name(c.decode() if isinstance(c, bytes) else c, self._api)

    def _open(self, path, compression):
        try:
            return open_records(path, compression)
        except FileNotFoundError:
            raise errors.NotFoundError(f"{self._api} (made at {errors.format_site(self._site)}"
                                       f"): {path}; No such file or directory") from None

    def _iter(self, run):
        files, codec = iter(self._names(run)), self._codec(run)
        slots = []
        for _ in range(self._parallel):       # TF's interleave: a cycle of open files
            name = next(files, None)
            if name is not None:
                slots.append(self._records(name, codec))
        i = 0
        while slots:
            i %= len(slots)
            record = next(slots[i], None)
            if record is None:              # refill the slot; its turn passes (TF)
                name = next(files, None)
                if name is None:
                    del slots[i]
                else:
                    slots[i] = self._records(name, codec)
                    i += 1
                continue
            yield [np.array(record, object)]
            i += 1

    def _records(self, path, compression):
        raise NotImplementedError


def _path(name, api):
    if isinstance(name, bytes):
        return name.decode("utf-8")
    if isinstance(name, (str, os.PathLike)):
        return os.fspath(name)
    raise TypeError(f"{api}: filenames must be strings, got {type(name).__name__}")


class TFRecordDataset(_FileDataset):
    """The records of TFRecord files (compression_type None, "", "ZLIB" or "GZIP").
    buffer_size is accepted and ignored.

        ds = gc.data.TFRecordDataset("train.tfrecord")
    """
    _api = "TFRecordDataset"

    def _records(self, path, compression):
        f = self._open(path, compression)
        try:
            yield from read_records(f, path)
        finally:
            f.close()


class TextLineDataset(_FileDataset):
    """The lines of text files, without their line ends ("\\n" or "\\r\\n").

        ds = gc.data.TextLineDataset(["a.csv", "b.csv"]).skip(1)
    """
    _api = "TextLineDataset"

    def _records(self, path, compression):
        f = self._open(path, compression)
        try:
            rest = b""
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    break
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    yield line[:-1] if line.endswith(b"\r") else line
            if rest:
                yield rest[:-1] if rest.endswith(b"\r") else rest
        finally:
            f.close()


class FixedLengthRecordDataset(_FileDataset):
    """Records of record_bytes bytes each, after header_bytes and before footer_bytes
    of each file. `gc.data.FixedLengthRecordDataset("x.bin", 12, header_bytes=4)`."""
    _api = "FixedLengthRecordDataset"
    _saved = _FileDataset._saved + ("_sizes",)

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None, num_parallel_reads=None):
        for what, v in (("record_bytes", record_bytes), ("header_bytes", header_bytes or 0),
                        ("footer_bytes", footer_bytes or 0)):
            if isinstance(v, (bool, Tensor)) or not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"FixedLengthRecordDataset: {what} must be a Python int "
                                 f">= 0, got {v!r}")
        if record_bytes < 1:
            raise ValueError("FixedLengthRecordDataset: record_bytes must be at least 1")
        self._sizes = (int(record_bytes), int(header_bytes or 0), int(footer_bytes or 0))
        super().__init__(filenames, compression_type, num_parallel_reads=num_parallel_reads)

    def _records(self, path, compression):
        size, header, footer = self._sizes
        f = self._open(path, compression)
        try:
            data = f.read(1 << 62) if compression else f.read()
        finally:
            f.close()
        body = len(data) - header - footer
        if body % size and not compression:
            raise DataLossError(
                f"Excluding the header ({header} bytes) and footer ({footer} bytes), input "
                f"file \"{path}\" has body length {body} bytes, which is not an exact "
                f"multiple of the record length ({size} bytes).")
        for start in range(header, header + body - size + 1, size):
            yield data[start:start + size]
