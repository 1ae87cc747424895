"""TF1's tf.python_io (also in gc.io): write and read TFRecord files from Python.

    with gc.python_io.TFRecordWriter("/tmp/data.tfrecord") as w:
        w.write(example.SerializeToString())
    records = list(gc.python_io.tf_record_iterator("/tmp/data.tfrecord"))
"""
from .io.tfrecord import RecordWriter, open_records, read_records

__all__ = ["TFRecordWriter", "tf_record_iterator", "TFRecordOptions",
           "TFRecordCompressionType"]


class TFRecordCompressionType:
    """The compression of a TFRecord file: NONE, ZLIB or GZIP."""
    NONE, ZLIB, GZIP = 0, 1, 2


_NAMES = {TFRecordCompressionType.NONE: "", TFRecordCompressionType.ZLIB: "ZLIB",
          TFRecordCompressionType.GZIP: "GZIP", None: "", "": "", "ZLIB": "ZLIB",
          "GZIP": "GZIP"}


class TFRecordOptions:
    """How a TFRecord file is compressed: TFRecordOptions("GZIP") or
    TFRecordOptions(TFRecordCompressionType.ZLIB, compression_level=9). The zlib
    tuning knobs graphc uses are compression_level, mem_level and compression_strategy;
    the buffer sizes, flush_mode, window_bits and compression_method are accepted."""
    compression_type_map = {TFRecordCompressionType.ZLIB: "ZLIB",
                            TFRecordCompressionType.GZIP: "GZIP",
                            TFRecordCompressionType.NONE: ""}

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None,
                 output_buffer_size=None, window_bits=None, compression_level=None,
                 compression_method=None, mem_level=None, compression_strategy=None):
        if compression_type not in _NAMES:
            raise ValueError(f'Not a valid compression_type: "{compression_type}"')
        self.compression_type = compression_type
        self.flush_mode, self.window_bits = flush_mode, window_bits
        self.input_buffer_size, self.output_buffer_size = input_buffer_size, output_buffer_size
        self.compression_level, self.compression_method = compression_level, compression_method
        self.mem_level, self.compression_strategy = mem_level, compression_strategy

    @classmethod
    def get_compression_type_string(cls, options):
        """'', 'ZLIB' or 'GZIP' for options (None, a TFRecordOptions or a string)."""
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return _NAMES[options.compression_type]
        if options not in _NAMES:
            raise ValueError(f'Not a valid compression_type: "{options}"')
        return _NAMES[options]

    def __repr__(self):
        return f"TFRecordOptions(compression_type={self.compression_type!r})"


def _options(options):
    if isinstance(options, TFRecordOptions):
        return options
    return TFRecordOptions(TFRecordOptions.get_compression_type_string(options))


class TFRecordWriter:
    """Writes records (bytes) to a TFRecord file, compressed per `options`; a
    context manager. `w = TFRecordWriter(path, "GZIP"); w.write(b"..."); w.close()`."""

    def __init__(self, path, options=None):
        opts = _options(options)
        self._path = str(path)
        self._w = RecordWriter(self._path, TFRecordOptions.get_compression_type_string(opts),
                               opts.compression_level, opts.mem_level,
                               opts.compression_strategy)

    def write(self, record):
        """Appends one record (bytes; a str is written as UTF-8)."""
        if self._w._f.closed:
            raise ValueError(f"TFRecordWriter for {self._path} is closed")
        self._w.write(record.encode("utf-8") if isinstance(record, str) else record)

    def flush(self):
        self._w.flush()

    def close(self):
        self._w.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def tf_record_iterator(path, options=None):
    """The records of a TFRecord file, one bytes object each (a generator); a
    corrupted or truncated record raises DataLossError naming its offset."""
    f = open_records(str(path), TFRecordOptions.get_compression_type_string(_options(options)))
    try:
        yield from read_records(f, str(path))
    finally:
        f.close()
