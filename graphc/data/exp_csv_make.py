"""gc.data.experimental.make_csv_dataset: batches of CSV rows as dicts of columns, the
column names read from the header and the column types inferred from the first rows
(TF's rules), built from CsvDataset, interleave, shuffle, repeat, batch and map.

    ds = gc.data.experimental.make_csv_dataset("train*.csv", batch_size=32,
                                               label_name="y", num_epochs=1)
    features, label = ds.make_one_shot_iterator().get_next()
"""
import csv
import glob as _glob
import io

import numpy as np

from .. import dtypes
from ..io.tfrecord import open_records
from ..ops.core import convert_to_tensor
from ..ops.parsing_files import compression_name
from .dataset import Dataset
from .exp_csv import CsvDataset

__all__ = ["make_csv_dataset"]

_INFER = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64, dtypes.string)


def _file_names(pattern):
    """The files matching `pattern` (a pattern or a list of them), sorted (TF's order
    before the optional shuffle of the files)."""
    if isinstance(pattern, (list, tuple)):
        if not pattern:
            raise ValueError("Argument `file_pattern` should not be empty.")
        names = [n for p in pattern for n in _glob.glob(str(p))]
    else:
        names = _glob.glob(str(pattern))
    if not names:
        raise ValueError(f"No files match `file_pattern` {pattern}.")
    return sorted(names)


def _rows(names, compression, delim, quote, encoding):
    """(file name, csv.reader) of each file, read whole (decompressed)."""
    kw = {"delimiter": delim, "quoting": csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE}
    for name in names:
        f = open_records(name, compression)
        try:
            text = (f.read(1 << 62) if compression else f.read()).decode(encoding)
        finally:
            f.close()
        yield name, csv.reader(io.StringIO(text, newline=""), **kw)


def _header_names(names, compression, delim, quote, encoding):
    """The column names of the files' header rows (all files must agree)."""
    first = None
    for name, reader in _rows(names, compression, delim, quote, encoding):
        row = next(reader, None)
        if row is None:
            raise ValueError(f"Failed when reading the header line of {name}. Is it an "
                             "empty file?")
        if first is None:
            first = row
        elif row != first:
            raise ValueError("All input CSV files should have the same column names in the "
                             f"header row. File {name} has different column names.")
    return first


def _selected(select_columns, column_names):
    """The sorted column indices of select_columns (names or indices)."""
    index = {n: i for i, n in enumerate(column_names)}
    out = []
    for v in select_columns:
        if isinstance(v, (int, np.integer)):
            if not 0 <= v < len(column_names):
                raise ValueError(f"Column index {v} specified in `select_columns` should be "
                                 f"> 0  and <= {len(column_names)}, which is the number of "
                                 "columns.")
            out.append(int(v))
        elif v not in index:
            raise ValueError(f"Column {v} specified in `select_columns` must be of one of the "
                             f"columns: {index.keys()}.")
        else:
            out.append(index[v])
    out = sorted(set(out))
    if len(out) != len(select_columns):
        raise ValueError("Argument `select_columns` contains duplicate columns "
                         f"{select_columns}.")
    return out


def _infer_type(value, na_value, prev):
    """The narrowest of int32, int64, float32, float64, string from `prev` on that
    parses `value` (TF's make_csv_dataset inference; Python's int/float parsing)."""
    if value in ("", na_value):
        return prev
    for t in _INFER[_INFER.index(prev) if prev is not None else 0:]:
        if t is dtypes.string:
            return t
        try:
            if t.is_integer:
                v = int(value)
                lo, hi = (-(1 << 31), 1 << 31) if t is dtypes.int32 else (-(1 << 63), 1 << 63)
                if lo <= v < hi:
                    return t
            else:
                with np.errstate(over="ignore"):
                    if t.np.type(value) < np.inf:
                        return t
        except (ValueError, OverflowError):
            pass
    return dtypes.string


def _infer_defaults(rows, num_cols, na_value, header, limit, select):
    """One [0] or [""] default per selected column, of the inferred type."""
    types = [None] * len(select)
    k = 0
    for _, reader in rows:
        if header:
            next(reader, None)
        for row in reader:
            if len(row) != num_cols:
                raise ValueError(f"Problem inferring types: CSV row {reader.line_num} has "
                                 f"{len(row)} number of fields. Expected: {num_cols}.")
            if limit is not None and k >= limit:
                break
            k += 1
            types = [_infer_type(row[c], na_value, t) for c, t in zip(select, types)]
        else:
            continue
        break
    types = [t or dtypes.string for t in types]
    return [convert_to_tensor(np.array([""] if t is dtypes.string else [0], t.np))
            for t in types]


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False,
                     encoding="utf-8"):
    """Batches of CSV rows: a dict column name -> (batch,) tensor, and the label column
    apart if label_name is given (TF's tf.data.experimental.make_csv_dataset). Column
    names come from the header, types from the first num_rows_for_inference rows unless
    column_defaults is given; num_epochs=None repeats forever and drops the last short
    batch. A dtype in column_defaults makes that column required.

        ds = gc.data.experimental.make_csv_dataset("a.csv", 2, num_epochs=1, shuffle=False)
    """
    compression = compression_name(compression_type, "make_csv_dataset")
    names = _file_names(file_pattern)
    args = (compression, field_delim, use_quote_delim, encoding)
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` arguments. Neither is "
                             "provided.")
        column_names = _header_names(names, *args)
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        dups = {n for n in column_names if column_names.count(n) > 1}
        raise ValueError("Either `column_names` argument or CSV header row contains duplicate "
                         f"column names: {dups}.")
    select = None
    if select_columns is not None:
        select = _selected(select_columns, column_names)
    if column_defaults is not None:
        column_defaults = [convert_to_tensor(np.zeros(0, dtypes.as_dtype(x).np))
                           if isinstance(x, dtypes.DType) else x for x in column_defaults]
        if select is not None and len(column_defaults) != len(select):
            raise ValueError("If specified, `column_defaults` and `select_columns` must have "
                             f"the same length: `column_defaults` has length "
                             f"{len(column_defaults)}, `select_columns` has length "
                             f"{len(select)}.")
    num_cols = len(column_names)
    if select is not None:
        column_names = [column_names[i] for i in select]
    if label_name is not None and label_name not in column_names:
        raise ValueError(f"`label_name` provided must be one of the columns: {column_names}. "
                         f"Received: {label_name}.")
    if column_defaults is None:
        column_defaults = _infer_defaults(_rows(names, *args), num_cols, na_value, header,
                                          num_rows_for_inference,
                                          select if select is not None else range(num_cols))

    def read(filename):
        ds = CsvDataset(filename, column_defaults, compression_type=compression_type,
                        header=header, field_delim=field_delim,
                        use_quote_delim=use_quote_delim, na_value=na_value,
                        select_cols=select)
        ds._skip_bad = bool(ignore_errors)
        return ds

    def to_dict(*columns):
        features = dict(zip(column_names, columns))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label

    ds = Dataset.from_tensor_slices(np.array(names, object))
    if shuffle:
        ds = ds.shuffle(len(names), seed=shuffle_seed)
    cycle = 1 if num_parallel_reads is None else num_parallel_reads
    ds = ds.interleave(read, cycle_length=cycle, block_length=1)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        ds = ds.repeat(num_epochs)
    ds = ds.batch(batch_size, drop_remainder=num_epochs is None)
    return ds.map(to_dict)

