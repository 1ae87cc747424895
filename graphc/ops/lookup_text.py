"""InitializeTableFromTextFileV2: a static table filled from a text file, one entry per
line (TF1's TextFileInitializer). A key or value is a column of the line (split on the
delimiter), the whole line (WHOLE_LINE = -2) or the line number (LINE_NUMBER = -1, plus
`offset`). Empty lines are an error, as are too few lines for vocab_size."""
import re

import numpy as np

from .. import dtypes, errors
from ..shapes import InferError
from .lookup_ops import _state_key, fill_static, with_spec
from .registry import OpDef, register

WHOLE_LINE, LINE_NUMBER = -2, -1
_NUMBER_NAMES = {dtypes.int32: "int32", dtypes.int64: "int64", dtypes.float32: "float",
                 dtypes.float64: "double"}


def _infer(ctx, filename, *, table, key_index, value_index, vocab_size, delimiter, offset):
    if filename.dtype is not dtypes.string or filename.shape.rank not in (None, 0):
        raise InferError("filename must be a string scalar: {0}", "dtype")
    return []


def _lines(path, vocab_size):
    """(line bytes, byte position after it) for the first vocab_size lines (all: -1)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise errors.NotFoundError(f"{path}; {e.strerror}") from None
    out, pos = [], 0
    while pos < len(data) and (vocab_size < 0 or len(out) < vocab_size):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        line = data[pos:end]
        pos = end + 1
        out.append((line[:-1] if line.endswith(b"\r") else line, min(pos, len(data))))
    return out


def _field(tok, dtype, lineno):
    """A column's text as a value of dtype (TF's strict number parsing)."""
    if dtype is dtypes.string:
        return tok
    try:
        text = tok.decode("ascii").strip()
        if dtype.is_integer:
            v = int(text, 10)
            if not -(1 << (dtype.size * 8 - 1)) <= v < 1 << (dtype.size * 8 - 1):
                raise ValueError(text)
            return v
        return float(text)
    except (UnicodeDecodeError, ValueError):
        raise errors.ExecutionError(
            f"Field {tok.decode('utf-8', 'replace')} in line {lineno} is not a valid "
            f"{_NUMBER_NAMES.get(dtype, dtype.name)}.") from None


def _kernel(rt, filename, *, table, key_index, value_index, vocab_size, delimiter, offset):
    if rt.session._op_state.get(_state_key(table)) is not None:
        return ()
    path = filename.item().decode("utf-8") if isinstance(filename.item(), bytes) \
        else str(filename.item())
    lines = _lines(path, vocab_size)
    if vocab_size >= 0 and len(lines) < vocab_size:
        raise errors.ExecutionError(f"Invalid vocab_size in {path}: expected {vocab_size} "
                                    f"but got {len(lines)}")
    delimiter = delimiter.encode()
    split = (lambda s: s.split(delimiter)) if len(delimiter) == 1 else \
        re.compile(b"[" + re.escape(delimiter) + b"]").split
    need = max(key_index, value_index) + 1
    keys, values = [], []
    for i, (line, pos) in enumerate(lines):
        if not line:
            raise errors.ExecutionError(f"Invalid content in {path}: empty line found at "
                                        f"position {pos}.")
        cols = split(line) if need > 0 else ()
        if need > 0 and len(cols) < need:
            raise errors.ExecutionError(
                f"Invalid number of columns in {path} line {i} "
                f"({line.decode('utf-8', 'replace')}) : expected at least {need} got "
                f"{len(cols)}")
        for index, dtype, out in ((key_index, table.key_dtype, keys),
                                  (value_index, table.value_dtype, values)):
            if index == LINE_NUMBER:
                out.append(i + offset)
            else:
                out.append(_field(line if index == WHOLE_LINE else cols[index], dtype, i))
    if not keys:
        raise errors.ExecutionError(f"Invalid content in {path}: the file has no lines")
    k = np.empty(len(keys), table.key_dtype.np)
    k[:] = keys
    v = np.empty(len(values), table.value_dtype.np)
    v[:] = values
    return fill_static(rt, table, k, v)


INITIALIZE_TABLE_FROM_TEXT_FILE = register(OpDef(
    "InitializeTableFromTextFileV2", _infer, with_spec(_kernel), uses_state=True, stateful=True,
    differentiable=False, api="lookup.TextFileInitializer",
    signature="TextFileInitializer(filename, key_dtype, key_index, value_dtype, "
              "value_index, vocab_size=None, delimiter='\\t').initialize(table)",
    shape_rule="filename () -> no outputs", dtypes="filename: string",
    doc="Fills a static table from the lines of a text file (once per session)."))
