"""Datasets to and from storage in tf.data.experimental: TFRecordWriter (a graph op
that writes a dataset of strings to a TFRecord file) and SqlDataset (the rows of an
SQLite query, through Python's sqlite3, as TF's "sqlite" driver).

    write = gc.data.experimental.TFRecordWriter("out.tfrecord").write(records)
    sess.run(write)
    rows = gc.data.experimental.SqlDataset("sqlite", "db.sqlite",
                                           "SELECT name, age FROM people",
                                           (gc.string, gc.int32))
"""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..io.tfrecord import RecordWriter
from ..ops.core import convert_to_tensor
from ..ops.parsing_files import compression_name
from ..ops.registry import OpDef, apply, register
from ..shapes import InferError, TensorShape
from .dataset import Dataset, _invalid
from .iterator import _Handle, _Pipeline, _sources
from .structure import flatten

__all__ = ["TFRecordWriter", "SqlDataset"]


def _infer_write(ctx, filename, *inputs, handle, compression):
    if filename.dtype is not dtypes.string or filename.shape.rank not in (0, None):
        raise InferError("filename must be a scalar string tensor, not {0}", "dtype")
    return []


def _write_kernel(rt, filename, *arrays, handle, compression):
    """Reads the whole dataset (a pipeline of its own) and writes each record."""
    path = filename.item() if isinstance(filename, np.ndarray) else filename
    path = path.decode() if isinstance(path, bytes) else str(path)
    n = len(handle.init_tensors)
    run = _Pipeline(rt.session, handle, dict(zip(handle.init_tensors, arrays[:n])))
    run.values.update(zip(handle.live, arrays[n:]))
    try:
        writer = RecordWriter(path, compression)
    except FileNotFoundError:
        raise errors.NotFoundError(f"{path}; No such file or directory") from None
    try:
        while True:
            element = run.next()
            if element is None:
                return ()
            record = np.asarray(element[0], object).item()
            writer.write(record.encode() if isinstance(record, str) else record)
    finally:
        writer.close()


DATASET_TO_TFRECORD = register(OpDef(
    "DatasetToTFRecord", _infer_write, _write_kernel, uses_state=True, stateful=True,
    differentiable=False, api="data.experimental.TFRecordWriter.write",
    signature="TFRecordWriter(filename, compression_type=None).write(dataset)",
    shape_rule="no outputs", dtypes="a scalar string filename",
    doc="Writes a dataset of scalar strings to a TFRecord file, each run anew."))


class TFRecordWriter:
    """Writes a dataset of scalar strings to a TFRecord file (TF's
    tf.data.experimental.TFRecordWriter): write(dataset) is an op; each run of it
    reads the dataset from its start and writes the file anew.

        w = gc.data.experimental.TFRecordWriter("out.tfrecord", compression_type="GZIP")
        sess.run(w.write(gc.data.Dataset.from_tensor_slices([b"a", b"b"])))
    """

    def __init__(self, filename, compression_type=None):
        self._filename = filename
        self._compression = compression_name(compression_type, "TFRecordWriter")

    def write(self, dataset):
        """The op that writes `dataset` (scalar tf.string elements) to the file."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"Invalid `dataset.` Expected a `tf.data.Dataset` object but got "
                            f"{type(dataset)}.")
        types, shapes = dataset.output_types, dataset.output_shapes
        if (dataset._structure is not None or types is not dtypes.string
                or not shapes.is_compatible_with(TensorShape(()))):
            raise TypeError("Invalid `dataset`. Expected a`dataset` that produces scalar "
                            "`tf.string` elements, but got a dataset which produces elements "
                            f"with shapes {shapes} and types {types}.")
        filename = self._filename
        if not isinstance(filename, Tensor):
            filename = convert_to_tensor(str(filename) if not isinstance(filename, bytes)
                                         else filename, name="filename")
        h = _Handle()
        h.dataset, h.one_shot, h.site = dataset, True, dataset._site
        h.name = "DatasetToTFRecord"
        h.init_tensors, h.live = _sources(dataset)
        return apply(DATASET_TO_TFRECORD, [filename] + h.init_tensors + h.live,
                     name="DatasetToTFRecord", handle=h, compression=self._compression)


# ---- SqlDataset --------------------------------------------------------------------------------
_SQL_TYPES = (dtypes.string, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64,
              dtypes.uint8, dtypes.uint16, dtypes.bool, dtypes.float64)


def _as_int(conn, v):
    """SQLite's integer value of a column (sqlite3_column_int64's conversions)."""
    if v is None:
        return 0
    if isinstance(v, int):
        return v
    if isinstance(v, float):        # SQLite clamps a real to the int64 range
        if v != v:
            return 0
        return (1 << 63) - 1 if v >= 2.0 ** 63 else -(1 << 63) if v < -2.0 ** 63 else int(v)
    return conn.execute("SELECT CAST(? AS INTEGER)", (v,)).fetchone()[0] or 0


def _as_float(conn, v):
    if v is None:
        return 0.0
    if isinstance(v, (int, float)):
        return float(v)
    return conn.execute("SELECT CAST(? AS REAL)", (v,)).fetchone()[0] or 0.0


def _as_bytes(conn, v):
    if v is None:
        return b""
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode()
    return conn.execute("SELECT CAST(? AS TEXT)", (v,)).fetchone()[0].encode()


class SqlDataset(Dataset):
    """The rows of an SQL query, one tuple of scalars per row (TF's
    tf.data.experimental.SqlDataset). driver_name must be "sqlite"; output_types are
    string, int8/16/32/64, uint8/16, bool or float64, one per column (a single dtype:
    elements are scalars). NULL reads as 0 or b"".

        ds = gc.data.experimental.SqlDataset("sqlite", "db.sqlite",
                                             "SELECT a, b FROM t", (gc.int32, gc.string))
    """
    _unwritable = "a SqlDataset, which graphc cannot write"

    def __init__(self, driver_name, data_source_name, query, output_types):
        leaves = []
        structure = flatten(output_types, leaves)
        types = [dtypes.as_dtype(t) for t in leaves]
        bad = [t.name for t in types if t not in _SQL_TYPES]
        if bad:
            raise TypeError(f"SqlDataset: output_types {bad} are not supported: each must be "
                            "one of string, int8, int16, int32, int64, uint8, uint16, bool, "
                            "float64")
        tensors = [t if isinstance(t, Tensor) else convert_to_tensor(t, name=n)
                   for t, n in ((driver_name, "driver_name"),
                                (data_source_name, "data_source_name"), (query, "query"))]
        for t in tensors:
            if t.dtype is not dtypes.string or t.shape.rank not in (0, None):
                raise errors.DTypeError("SqlDataset: driver_name, data_source_name and query "
                                        f"must be scalar strings, got "
                                        f"{errors.describe_tensor(t)}")
        super().__init__(structure, types, [TensorShape(())] * len(types), tensors=tensors)

    def _check(self, values):
        driver = _text(values[self._tensors[0]])
        if driver != "sqlite":
            raise _invalid(self, f"The database type, {driver}, is not supported by "
                                 "SqlDataset. The set of supported databases is: {'sqlite'}.")

    def _iter(self, run):
        import sqlite3
        source, query = (_text(run.values[t]) for t in self._tensors[1:])
        try:
            conn = sqlite3.connect(source)
        except sqlite3.Error as e:
            raise errors.UnknownError(f"Failed to open database {source}: {e}") from None
        try:
            try:
                cur = conn.execute(query)
            except sqlite3.Error as e:
                code = getattr(e, "sqlite_errorcode", 1)
                raise errors.UnknownError(f"Prepare() failed: [{code}] {e}: {query}") from None
            width = len(cur.description or ())
            if width != len(self._types):
                raise _invalid(self, f"The number of columns in query ({width}) must match the "
                                     "number of elements in output_types "
                                     f"({len(self._types)}).")
            for row in cur:
                yield [self._value(conn, v, t) for v, t in zip(row, self._types)]
        finally:
            conn.close()

    @staticmethod
    def _value(conn, v, t):
        if t is dtypes.string:
            return np.asarray(_as_bytes(conn, v), object)
        if t is dtypes.float64:
            return np.float64(_as_float(conn, v))
        if t is dtypes.bool:
            return np.bool_(_as_int(conn, v) != 0)
        return np.asarray(_as_int(conn, v), np.int64).astype(t.np)   # wraps, as C casts


def _text(a):
    v = a.item() if isinstance(a, np.ndarray) else a
    return v.decode() if isinstance(v, bytes) else str(v)
