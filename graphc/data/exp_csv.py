"""gc.data.experimental.CsvDataset: the records of CSV files parsed as TF's CSV kernel
parses them (the module's make_csv_dataset builds on it: exp_csv_make.py).

    ds = gc.data.experimental.CsvDataset("a.csv", [gc.int32, [0.0], [""]], header=True)

A record ends at "\\n", "\\r\\n" or "\\r" (kept inside quotes); a quoted field may hold
delimiters, line ends and doubled quotes; an empty field (or one equal to na_value)
takes its column's default, and a column whose default is a dtype (an empty tensor) is
required. Parse errors are InvalidArgumentErrors with TF's messages when get_next runs.
"""
import re

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..io.tfrecord import open_records
from ..ops.core import convert_to_tensor
from ..ops.parsing_files import compression_name
from ..shapes import TensorShape
from .dataset import Dataset, _invalid
from .readers import _path

__all__ = ["CsvDataset"]

_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)
_INT = re.compile(rb"\s*[+-]?\d+\s*\Z")
_FLOAT = re.compile(rb"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*\Z"
                    rb"|\s*[+-]?(inf|infinity|nan)\s*\Z", re.IGNORECASE)
_HEX = re.compile(rb"\s*[+-]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*([pP][+-]?\d+)?\s*\Z")
_RANGE = {dtypes.int32: (-(1 << 31), 1 << 31), dtypes.int64: (-(1 << 63), 1 << 63)}


def _default(value, k):
    """Column k's default as a tensor: a dtype is an empty (required) default."""
    if isinstance(value, dtypes.DType) or (isinstance(value, type) and value is not str):
        value = convert_to_tensor(np.zeros(0, dtypes.as_dtype(value).np))
    elif not isinstance(value, Tensor):
        value = convert_to_tensor(value, name=f"record_default_{k}")
    if value.dtype not in _TYPES:
        raise TypeError(f"Value passed to parameter 'record_defaults' has DataType "
                        f"{value.dtype.name} not in list of allowed values: float32, float64, "
                        "int32, int64, string")
    dims = value.shape._dims
    if dims is not None and (len(dims) > 1 or dims and dims[0] not in (0, 1, None)):
        raise ValueError(f"CsvDataset: record_defaults[{k}] has shape {value.shape}. Shape of "
                         "a default must be a length-0 or length-1 vector, or a scalar.")
    return value


def _columns(cols, what):
    if cols is None:
        return ()
    cols = [int(c) for c in cols]
    if any(c < 0 for c in cols):
        raise ValueError(f"CsvDataset: {what} should be non-negative indices")
    if any(b <= a for a, b in zip(cols, cols[1:])):
        raise ValueError(f"CsvDataset: {what} should be strictly increasing indices")
    return tuple(cols)


class CsvDataset(Dataset):
    """A dataset of CSV records, each a tuple of scalars of the record_defaults' dtypes
    (TF's tf.data.experimental.CsvDataset; exclude_cols as in TF2's).

    CsvDataset(filenames, record_defaults, compression_type=None, buffer_size=None,
               header=False, field_delim=",", use_quote_delim=True, na_value="",
               select_cols=None, exclude_cols=None)

        ds = gc.data.experimental.CsvDataset("a.csv", [[0], [0.0], gc.string], header=True)
    """
    _unwritable = "a CsvDataset, which graphc cannot write"

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None, exclude_cols=None):
        self._compression = compression_name(compression_type, "CsvDataset")
        if buffer_size is not None and (isinstance(buffer_size, bool) or buffer_size <= 0):
            raise ValueError("CsvDataset: buffer_size should be positive")
        delim = field_delim.encode() if isinstance(field_delim, str) else field_delim
        if len(delim) != 1:
            raise ValueError("CsvDataset: field_delim should be only 1 char")
        defaults = [_default(v, k) for k, v in enumerate(record_defaults)]
        if not defaults:
            raise ValueError("CsvDataset: record_defaults must hold at least one default")
        self._select = _columns(select_cols, "select_cols")
        self._exclude = _columns(exclude_cols, "exclude_cols")
        if self._select and self._exclude:
            raise ValueError("CsvDataset: Either select_cols or exclude_cols should be empty")
        if self._select and len(self._select) != len(defaults):
            raise ValueError("CsvDataset: select_cols should match output size")
        tensors = list(defaults)
        if isinstance(filenames, Tensor):
            if filenames.dtype is not dtypes.string or filenames.shape.rank not in (0, 1, None):
                raise errors.DTypeError("CsvDataset: filenames must be a string scalar or "
                                        f"vector, got {errors.describe_tensor(filenames)}")
            self._files = filenames
            tensors.append(filenames)
        else:
            names = [filenames] if isinstance(filenames, (str, bytes)) or hasattr(
                filenames, "__fspath__") else list(filenames)
            self._files = [_path(n, "CsvDataset") for n in names]
        self._defaults, self._header, self._quote = defaults, bool(header), bool(use_quote_delim)
        self._delim = delim
        self._na = na_value.encode() if isinstance(na_value, str) else na_value
        self._skip_bad = False      # make_csv_dataset(ignore_errors=True): drop bad records
        super().__init__((tuple, [None] * len(defaults)), [d.dtype for d in defaults],
                         [TensorShape(())] * len(defaults), tensors=tensors)

    def _check(self, values):
        for k, d in enumerate(self._defaults):
            if np.size(values[d]) > 1:
                raise _invalid(self, f"record_defaults[{k}] has {np.size(values[d])} values. "
                                     "Shape of a default must be a length-0 or length-1 "
                                     "vector, or a scalar.")

    def _iter(self, run):
        files = self._files
        if isinstance(files, Tensor):
            files = [_path(n, "CsvDataset") for n in
                     np.asarray(run.values[files], object).reshape(-1)]
        defaults = [np.asarray(run.values[d]).reshape(-1) for d in self._defaults]
        for path in files:
            try:
                f = open_records(path, self._compression)
            except FileNotFoundError:
                if self._skip_bad:
                    continue
                raise errors.NotFoundError(f"CsvDataset (made at {errors.format_site(self._site)}"
                                           f"): {path}; No such file or directory") from None
            try:
                data = f.read(1 << 62) if self._compression else f.read()
            finally:
                f.close()
            yield from self._parse_file(data, defaults)

    def _parse_file(self, data, defaults):
        ends = re.compile(b"[" + re.escape(self._delim) + b"\r\n]")
        i, n = 0, len(data)
        if self._header and n:
            i = self._record(data, 0, ends)[1]
        while i < n:
            try:
                fields, i = self._record(data, i, ends)
                yield self._convert(fields, defaults)
            except _BadRecord as e:
                if not self._skip_bad:
                    raise _invalid(self, str(e)) from None
                if e.end is not None:
                    i = e.end
                elif e.fatal:
                    return

    def _record(self, data, i, ends):
        """(fields of the record starting at i, where the next record starts)."""
        fields, n, delim = [], len(data), self._delim[0]
        while True:
            if self._quote and i < n and data[i] == 34:        # a quoted field
                out, bad, i = bytearray(), False, i + 1
                while True:
                    j = data.find(b'"', i)
                    if j < 0:
                        raise _BadRecord("Reached end of file without closing quoted field "
                                         "in record", fatal=True)
                    out += data[i:j]
                    nxt = data[j + 1] if j + 1 < n else None
                    if nxt == 34:
                        out += b'"'
                        i = j + 2
                    elif nxt in (None, delim, 10, 13):
                        if bad:
                            raise _BadRecord("Quote inside a string has to be escaped by "
                                             "another quote", end=_line_end(data, j + 1))
                        i = j + 1
                        break
                    else:
                        bad, i = True, j + 1
                fields.append(bytes(out))
                j = i
            else:
                m = ends.search(data, i)
                j = n if m is None else m.start()
                field = data[i:j]
                if self._quote and b'"' in field:
                    raise _BadRecord("Unquoted fields cannot have quotes inside",
                                     end=_line_end(data, j))
                fields.append(field)
            if j < n and data[j] == delim:
                i = j + 1
                continue
            if j + 1 < n and data[j] == 13 and data[j + 1] == 10:
                j += 1
            return fields, j + 1

    def _convert(self, fields, defaults):
        want = len(self._types)
        if self._select:
            picked = [fields[c] for c in self._select if c < len(fields)]
            if len(picked) < want:
                raise _BadRecord(f"Expect {want} fields but have {len(picked)} in record")
        else:
            picked = [f for c, f in enumerate(fields) if c not in self._exclude]
            if len(picked) > want:
                raise _BadRecord(f"Expect {want} fields but have more in record")
            if len(picked) < want:
                raise _BadRecord(f"Expect {want} fields but have {len(picked)} in record")
        out = []
        for k, (field, t, d) in enumerate(zip(picked, self._types, defaults)):
            if field == b"" or field == self._na:
                if d.size == 0:
                    raise _BadRecord(f"Field {k} is required but missing in record!")
                out.append(np.asarray(d[0], t.np))
                continue
            out.append(_parse(field, t, k))
        return out


class _BadRecord(Exception):
    """A record TF's CSV kernel rejects; `end`: where the next record starts (None:
    unknown), `fatal`: nothing after it can be read."""

    def __init__(self, message, end=None, fatal=False):
        super().__init__(message)
        self.end, self.fatal = end, fatal


def _line_end(data, i):
    """Where the record holding position i ends (for skipping a bad record)."""
    m = re.compile(b"\r\n|\r|\n").search(data, i)
    return len(data) if m is None else m.end()


def _parse(field, t, k):
    """One field's value as dtype t (TF's safe_strto32/64 and strtof/strtod rules)."""
    if t is dtypes.string:
        return np.asarray(field, object)
    if t in _RANGE:
        lo, hi = _RANGE[t]
        if _INT.match(field) and lo <= int(field) < hi:
            return np.asarray(int(field), t.np)
        raise _BadRecord(f"Field {k} in record is not a valid {t.name}: {_shown(field)}")
    value = None
    if _FLOAT.match(field):
        value = float(field)
    elif _HEX.match(field):
        value = float.fromhex(field.decode().strip())
    if value is not None:
        with np.errstate(over="ignore"):         # float32 overflows to inf, as strtof
            return np.asarray(value, np.float64).astype(t.np)
    name = "float" if t is dtypes.float32 else "double"
    raise _BadRecord(f"Field {k} in record is not a valid {name}: {_shown(field)}")


def _shown(field):
    return field.decode("utf-8", "replace")
