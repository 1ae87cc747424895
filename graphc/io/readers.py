"""TF1's readers (TFRecordReader, TextLineReader, WholeFileReader, FixedLengthRecordReader,
IdentityReader): each read takes its work units (file names) from a string queue.

    files = gc.train.string_input_producer(["a.tfrecord", "b.tfrecord"], num_epochs=1)
    key, value = gc.TFRecordReader().read(files)     # b"a.tfrecord:0", the record
"""
import collections

from .. import dtypes
from ..graph import Tensor
from ..ops import reader_ops as R
from ..ops.core import convert_to_tensor
from ..ops.registry import apply, apply1

__all__ = ["ReaderBase", "TFRecordReader", "TextLineReader", "WholeFileReader",
           "FixedLengthRecordReader", "IdentityReader"]


def _queue_ref(queue):
    return queue if isinstance(queue, Tensor) else queue.queue_ref


class ReaderBase:
    """The operations of a reader (TF1 tf.ReaderBase) on its handle `reader_ref`."""

    def __init__(self, reader_ref, supports_serialize=False):
        self._reader_ref = reader_ref
        self._supports_serialize = supports_serialize

    @property
    def reader_ref(self):
        """The reader's handle: a string scalar tensor (TF1: a resource)."""
        return self._reader_ref

    @property
    def supports_serialize(self):
        """Whether serialize_state/restore_state work (whole-file and identity readers)."""
        return self._supports_serialize

    def read(self, queue, name=None):
        """(key, value): the next record; a run waits for a work unit from `queue` (a
        queue or its queue_ref) and fails with OutOfRangeError once it is closed and empty.

            key, value = reader.read(filename_queue)"""
        node = apply(R.READ, (self._reader_ref, _queue_ref(queue)), name=name)
        return ReaderReadV2(*node.outputs)

    def read_up_to(self, queue, num_records, name=None):
        """(keys, values): 1 to num_records records of the current work unit.

            keys, values = reader.read_up_to(filename_queue, 100)"""
        n = convert_to_tensor(num_records, dtype=dtypes.int64)
        node = apply(R.READ_UP_TO, (self._reader_ref, _queue_ref(queue), n), name=name)
        return ReaderReadUpToV2(*node.outputs)

    def num_records_produced(self, name=None):
        """An int64 scalar: the records this reader has produced."""
        return apply1(R.NUM_RECORDS, (self._reader_ref,), name=name)

    def num_work_units_completed(self, name=None):
        """An int64 scalar: the work units (files) this reader has finished."""
        return apply1(R.NUM_WORK_UNITS, (self._reader_ref,), name=name)

    def serialize_state(self, name=None):
        """A string scalar: the reader's state (UnimplementedError at run time for
        readers without supports_serialize, as TF)."""
        return apply1(R.SERIALIZE, (self._reader_ref,), name=name)

    def restore_state(self, state, name=None):
        """The op restoring a state that serialize_state produced."""
        state = convert_to_tensor(state, dtype=dtypes.string)
        return apply(R.RESTORE, (self._reader_ref, state), name=name)

    def reset(self, name=None):
        """The op restarting the reader (no work in progress, counts at zero)."""
        return apply(R.RESET, (self._reader_ref,), name=name)


ReaderReadV2 = collections.namedtuple("ReaderReadV2", ["key", "value"])
ReaderReadUpToV2 = collections.namedtuple("ReaderReadUpToV2", ["keys", "values"])


class TFRecordReader(ReaderBase):
    """Reads the records of TFRecord files (TF1 tf.TFRecordReader); options: a
    TFRecordOptions or "GZIP"/"ZLIB". Keys are "file:offset".

        _, serialized = gc.TFRecordReader().read(filename_queue)"""

    def __init__(self, name=None, options=None):
        from ..python_io import TFRecordOptions
        compression = TFRecordOptions.get_compression_type_string(options)
        super().__init__(apply1(R.TFRECORD_READER, (), name=name,
                                compression_type=compression))


class TextLineReader(ReaderBase):
    """Reads the lines of text files, without their newline (TF1 tf.TextLineReader);
    keys are "file:line" counted from 1, skip_header_lines lines skipped per file.

        _, line = gc.TextLineReader(skip_header_lines=1).read(filename_queue)"""

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__(apply1(R.TEXT_LINE_READER, (), name=name,
                                skip_header_lines=int(skip_header_lines or 0)))


class WholeFileReader(ReaderBase):
    """Reads each file whole: key the file name, value its contents (TF1).

        name, contents = gc.WholeFileReader().read(filename_queue)"""

    def __init__(self, name=None):
        super().__init__(apply1(R.WHOLE_FILE_READER, (), name=name), supports_serialize=True)


class FixedLengthRecordReader(ReaderBase):
    """Reads records of record_bytes bytes after header_bytes, every hop_bytes (default
    record_bytes), stopping footer_bytes before the end (TF1); keys "file:index".
    encoding: "" / "ZLIB" / "GZIP" for compressed files.

        _, rec = gc.FixedLengthRecordReader(record_bytes=3073).read(filename_queue)"""

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None,
                 name=None, encoding=None):
        super().__init__(apply1(R.FIXED_LENGTH_READER, (), name=name,
                                record_bytes=int(record_bytes),
                                header_bytes=int(header_bytes or 0),
                                footer_bytes=int(footer_bytes or 0),
                                hop_bytes=int(hop_bytes or 0), encoding=encoding or ""))


class IdentityReader(ReaderBase):
    """Gives each work string from the queue as both key and value (TF1).

        key, value = gc.IdentityReader().read(string_queue)"""

    def __init__(self, name=None):
        super().__init__(apply1(R.IDENTITY_READER, (), name=name), supports_serialize=True)
