"""The reader ops (TF1's io_ops readers): a reader's handle op (TFRecordReaderV2, ...)
makes its state in the Session on first use and outputs its handle, a string scalar;
ReaderReadV2(reader, queue) returns the next (key, value) record, taking the next file
name (a work unit) from the string queue when the current one is done.

Keys are TF's: "file:offset" (TFRecord: the record's byte offset), "file:line" (text
lines, from 1), "file:index" (fixed-length records, from 0), "file" (whole files) and
the work string itself (IdentityReader). A reader serves one run at a time (TF holds
its lock while it waits for a work unit).
"""
import threading

import numpy as np

from .. import dtypes, errors
from ..io.events import _fields, _int, _bytes
from ..io.tfrecord import masked_crc32c
from .parsing_files import decompress
from .queue_ops import fail, queue_of
from .queue_state import state_of
from .registry import OpDef, register

__all__ = []


# ---- the records of one work unit: (key, value, last) ----------------------------------
def _open(name):
    try:
        with open(name, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(f"{name}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(f"{name}; Is a directory") from None


def _tfrecords(work, compression_type=""):
    import struct
    name = work.decode("utf-8", "surrogateescape")
    data = _open(name)
    if compression_type:
        data = decompress(data, compression_type)
    pos = 0
    while pos < len(data):
        if len(data) - pos < 12:
            raise errors.DataLossError(f"truncated record at {pos} in {name}")
        length, crc = struct.unpack_from("<QI", data, pos)
        if masked_crc32c(data[pos:pos + 8]) != crc:
            raise errors.DataLossError(f"corrupted record at {pos} in {name}")
        body = data[pos + 12:pos + 12 + length]
        tail = data[pos + 12 + length:pos + 16 + length]
        if len(body) < length or len(tail) < 4:
            raise errors.DataLossError(f"truncated record at {pos} in {name}")
        if masked_crc32c(body) != struct.unpack("<I", tail)[0]:
            raise errors.DataLossError(f"corrupted record at {pos} in {name}")
        yield work + b":%d" % pos, body, False
        pos += 16 + length


def _text_lines(work, skip_header_lines=0):
    lines = _open(work.decode("utf-8", "surrogateescape")).split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()                         # the file ends with a newline
    for i, line in enumerate(lines):
        if i >= skip_header_lines:
            yield work + b":%d" % (i + 1), line[:-1] if line.endswith(b"\r") else line, False


def _fixed_length(work, record_bytes, header_bytes=0, footer_bytes=0, hop_bytes=0,
                  encoding=""):
    data = _open(work.decode("utf-8", "surrogateescape"))
    if encoding:
        data = decompress(data, encoding)
    end, step = len(data) - footer_bytes, hop_bytes or record_bytes
    start, i = header_bytes, 0
    while start + record_bytes <= end:
        yield work + b":%d" % i, data[start:start + record_bytes], False
        start, i = start + step, i + 1


def _whole_file(work):
    yield work, _open(work.decode("utf-8", "surrogateescape")), True


def _identity(work):
    yield work, work, True


# ---- a reader's state in one Session -------------------------------------------------
class ReaderState:
    def __init__(self, records, params, serializable):
        self.records, self.params, self.serializable = records, params, serializable
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.work, self.it = None, None
        self.started = self.finished = self.produced = 0

    def _start(self, queue):
        if queue.np_dtypes != [object]:
            raise errors.ExecutionError("a reader's work queue must hold string scalars "
                                        "(one component of dtype string)")
        work = queue.dequeue(1)[0][0]
        self.work = work.item() if isinstance(work, np.ndarray) else work
        self.started += 1
        self.it = self.records(self.work, **self.params)

    def _finish(self):
        self.finished += 1
        self.work, self.it = None, None

    def read(self, queue, n):
        """Up to n records of one work unit (at least one), waiting for work."""
        out = []
        while True:
            if self.work is None:
                self._start(queue)
            for key, value, last in self.it:
                self.produced += 1
                out.append((key, value))
                if last:
                    break
                if len(out) == n:
                    return out
            self._finish()
            if out:
                return out

    def serialize(self):
        if not self.serializable:
            raise errors.UnimplementedError("Reader SerializeState")
        return (_int(1, self.started) + _int(2, self.finished) + _int(3, self.produced)
                + (_bytes(4, self.work) if self.work else b""))

    def restore(self, data):
        if not self.serializable:
            raise errors.UnimplementedError("Reader RestoreState")
        vals = {1: 0, 2: 0, 3: 0, 4: b""}
        try:
            for field, _, value, _ in _fields(data):
                vals[field] = value
        except Exception:                   # noqa: BLE001  (any malformed proto)
            raise errors.ExecutionError("Could not parse state for reader") from None
        if not (vals[2] <= vals[1]) or any(not isinstance(vals[k], int) for k in (1, 2, 3)):
            raise errors.ExecutionError("Inconsistent work started vs. finished in "
                                        "reader state")
        self.started, self.finished, self.produced = vals[1], vals[2], vals[3]
        self.work = bytes(vals[4]) or None
        self.it = None if self.work is None else self.records(self.work, **self.params)


_KINDS = {"TFRecordReaderV2": (_tfrecords, False), "TextLineReaderV2": (_text_lines, False),
          "FixedLengthRecordReaderV2": (_fixed_length, False),
          "WholeFileReaderV2": (_whole_file, True), "IdentityReaderV2": (_identity, True)}


def _key(handle):
    h = handle.item() if isinstance(handle, np.ndarray) else handle
    return ("reader", h)


def reader_of(rt, handle):
    st = rt.session._op_state.get(_key(handle))
    if st is None:
        fail(rt, errors.NotFoundError(f"no reader with handle {_key(handle)[1]!r}"))
    return st


# ---- the ops ---------------------------------------------------------------------------
def _infer_handle(ctx, **params):
    return (), dtypes.string


def _handle_kernel(rt, **params):
    records, serializable = _KINDS[rt.node.type]
    handle = rt.node.name.encode()
    state_of(rt, _key(handle), lambda: ReaderState(records, params, serializable))
    return np.array(handle, dtype=object)


def _reader_op(name, api, doc):
    return register(OpDef(
        name, _infer_handle, _handle_kernel, uses_state=True, stateful=True,
        differentiable=False, api=api, signature=f"{api}(...).reader_ref",
        shape_rule="() string (TF: a resource)", dtypes="string", doc=doc))


TFRECORD_READER = _reader_op("TFRecordReaderV2", "TFRecordReader",
                             "A reader of the records of TFRecord files.")
TEXT_LINE_READER = _reader_op("TextLineReaderV2", "TextLineReader",
                              "A reader of the lines of text files.")
FIXED_LENGTH_READER = _reader_op("FixedLengthRecordReaderV2", "FixedLengthRecordReader",
                                 "A reader of fixed-length records of binary files.")
WHOLE_FILE_READER = _reader_op("WholeFileReaderV2", "WholeFileReader",
                               "A reader giving each file's contents as one record.")
IDENTITY_READER = _reader_op("IdentityReaderV2", "IdentityReader",
                             "A reader giving each work string as key and value.")


def _need_scalar_string(t, i, what):
    from ..shapes import InferError
    if t.dtype is not dtypes.string or t.shape.rank not in (None, 0):
        raise InferError(f"{what} must be a string scalar, not {{{i}}} of {t.dtype.name} "
                         f"{t.shape}", "dtype")


def _infer_read(ctx, reader, queue, *n):
    _need_scalar_string(reader, 0, "a reader handle")
    _need_scalar_string(queue, 1, "a queue handle")
    if not n:
        return [((), dtypes.string), ((), dtypes.string)]
    if n[0].dtype is not dtypes.int64 or n[0].shape.rank not in (None, 0):
        from ..shapes import InferError
        raise InferError("num_records must be an int64 scalar, not {2}", "dtype")
    return [((None,), dtypes.string), ((None,), dtypes.string)]


def _read_kernel(rt, reader, queue, *n):
    st, q = reader_of(rt, reader), queue_of(rt, queue)
    try:
        count = int(n[0]) if n else 1
        if count <= 0:
            raise errors.ExecutionError(f"num_records ({count}) must be > 0")
        with st.lock:
            recs = st.read(q, count)
    except errors.OpError as e:
        fail(rt, e)
    if not n:
        return np.array(recs[0][0], object), np.array(recs[0][1], object)
    keys, values = np.empty(len(recs), object), np.empty(len(recs), object)
    keys[:] = [k for k, _ in recs]
    values[:] = [v for _, v in recs]
    return keys, values


READ = register(OpDef(
    "ReaderReadV2", _infer_read, _read_kernel, uses_state=True, stateful=True,
    differentiable=False, api="ReaderBase.read", signature="reader.read(queue, name=None)",
    shape_rule="reader, queue -> key (), value ()", dtypes="string",
    doc="The next record (key, value), taking work units (file names) from a queue."))
READ_UP_TO = register(OpDef(
    "ReaderReadUpToV2", _infer_read, _read_kernel, uses_state=True, stateful=True,
    differentiable=False, api="ReaderBase.read_up_to",
    signature="reader.read_up_to(queue, num_records, name=None)",
    shape_rule="reader, queue, n -> keys (?,), values (?,)", dtypes="string",
    doc="Up to num_records records of the current work unit (at least one)."))


def _infer_on_reader(out):
    def infer(ctx, reader, *state):
        _need_scalar_string(reader, 0, "a reader handle")
        if state:
            _need_scalar_string(state[0], 1, "a reader state")
        return out
    return infer


def _locked(fn):
    def kernel(rt, reader, *args):
        st = reader_of(rt, reader)
        try:
            with st.lock:
                return fn(st, *args)
        except errors.OpError as e:
            fail(rt, e)
    return kernel


def _restore(st, data):
    st.restore(data.item() if isinstance(data, np.ndarray) else data)
    return ()


def _reset(st):
    st.reset()
    return ()


def _small_op(name, out, fn, api, shape_rule, doc):
    return register(OpDef(
        name, _infer_on_reader(out), _locked(fn), uses_state=True, stateful=True,
        differentiable=False, api=f"ReaderBase.{api}", signature=f"reader.{api}",
        shape_rule=shape_rule, dtypes="-", doc=doc))


NUM_RECORDS = _small_op(
    "ReaderNumRecordsProducedV2", ((), dtypes.int64),
    lambda st: np.asarray(st.produced, np.int64), "num_records_produced(name=None)",
    "reader -> () int64", "How many records a reader has produced.")
NUM_WORK_UNITS = _small_op(
    "ReaderNumWorkUnitsCompletedV2", ((), dtypes.int64),
    lambda st: np.asarray(st.finished, np.int64), "num_work_units_completed(name=None)",
    "reader -> () int64", "How many work units (files) a reader has finished.")
SERIALIZE = _small_op(
    "ReaderSerializeStateV2", ((), dtypes.string),
    lambda st: np.array(st.serialize(), object), "serialize_state(name=None)",
    "reader -> () string",
    "A reader's state as TF's ReaderBaseState proto (Whole file and identity readers).")
RESTORE = _small_op(
    "ReaderRestoreStateV2", [], _restore, "restore_state(state, name=None)",
    "reader, state () string -> no outputs", "Restores a state from serialize_state.")
RESET = _small_op(
    "ReaderResetV2", [], _reset, "reset(name=None)", "reader -> no outputs",
    "Restarts a reader: no work in progress, counts at zero.")
