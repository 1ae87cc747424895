"""tf.summary (TF1): summary ops, FileWriter and summary_iterator, writing TensorBoard's
event files (graphc/io/events.py holds the format).

    loss_summary = gc.summary.scalar("loss", loss)
    merged = gc.summary.merge_all()
    writer = gc.summary.FileWriter("logs/run1", sess.graph)
    writer.add_summary(sess.run(merged, feed), global_step=step)

A summary op is a graph node whose value is a serialized tensorflow.Summary: a gc.string
scalar, which graphc's Session returns as a 0-d numpy object array holding the bytes
(TF1 returns the bytes themselves; FileWriter.add_summary takes either).
"""
import contextlib
import os
import re
import threading
import time
import warnings

import numpy as np

from . import dtypes
from .graph import Graph, get_default_graph, name_scope
from .io import events
from .io.events import Event, HistogramProto, SessionLog, Summary, TaggedRunMetadata
from .ops.core import convert_to_tensor
from .ops.graphkeys import GraphKeys, add_to_collection, get_collection
from .ops.registry import OpDef, apply1, register
from .shapes import InferError
from .summary_media import audio, image, tensor_summary, text  # noqa: F401  (re-exported)

__all__ = ["scalar", "histogram", "image", "audio", "text", "tensor_summary", "merge",
           "merge_all", "FileWriter", "FileWriterCache", "summary_iterator", "Summary",
           "Event", "HistogramProto", "SessionLog"]


# ---- names and tags (TF1's summary_op_util) ----------------------------------------------
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w.]")


def clean_tag(name):
    """name with characters TF1 does not allow in a tag replaced by "_", leading
    slashes removed."""
    if name is None:
        return None
    return _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


@contextlib.contextmanager
def _summary_scope(name, family=None, default_name=None, values=None):
    """TF1's summary_scope: a name scope for the summary; yields (tag, scope). The tag
    is the unique scope name (under family/ when given, which also prefixes the tag)."""
    name, family = clean_tag(name), clean_tag(family)
    with name_scope(name if family is None else f"{family}/{name}", default_name,
                    values) as scope:
        tag = scope.rstrip("/")
        yield (tag if family is None else f"{family}/{tag}"), scope


def _collect(value, collections, default):
    for key in default if collections is None else collections:
        add_to_collection(key, value)


def _string_scalar(data):
    out = np.empty((), dtype=object)
    out[()] = data
    return out


# ---- the ops -----------------------------------------------------------------------------
def _infer_scalar(ctx, x, *, tag):
    ctx.require(0, "numeric")
    if x.shape.rank not in (None, 0):
        raise InferError(f"{{0}} must be a scalar (shape ()) to be summarized as "
                         f"'{tag}', but has shape {x.shape}: reduce it first (e.g. "
                         "gc.reduce_mean), or use gc.summary.histogram")
    return (), dtypes.string


def _scalar_kernel(x, *, tag):
    x = np.asarray(x)
    if x.ndim:          # only when the static shape was unknown
        raise ValueError(f"tags and values are not the same shape: [] != "
                         f"{list(x.shape)} (tag '{tag}')")
    return _string_scalar(Summary([Summary.Value(tag, simple_value=x)]).SerializeToString())


SCALAR = register(OpDef(
    "ScalarSummary", _infer_scalar, _scalar_kernel, differentiable=False,
    api="summary.scalar", signature="summary.scalar(name, tensor, collections=None, "
                                    "family=None)",
    shape_rule="() string (tensor must be a scalar)", dtypes="numeric -> string",
    doc="A serialized Summary: one value, the tensor as float32, tagged by the name "
        "scope."))


def _infer_histogram(ctx, x, *, tag):
    ctx.require(0, "numeric")
    return (), dtypes.string


def _histogram_kernel(x, *, tag):
    x = np.asarray(x, np.float64)
    bad = ~np.isfinite(x)
    if bad.any():       # TF names the first bad value's kind
        kind = "Nan" if np.isnan(x[bad].ravel()[0]) else "Infinity"
        raise ValueError(f"{kind} in summary histogram for: {tag}")
    value = Summary.Value(tag, histo=events.histogram_proto(x))
    return _string_scalar(Summary([value]).SerializeToString())


HISTOGRAM = register(OpDef(
    "HistogramSummary", _infer_histogram, _histogram_kernel, differentiable=False,
    api="summary.histogram", signature="summary.histogram(name, values, "
                                       "collections=None, family=None)",
    shape_rule="() string", dtypes="numeric -> string",
    doc="A serialized Summary: a histogram of values in TF's default buckets (NaN or "
        "Inf fail at run time)."))


def _infer_merge(ctx, *inputs):
    for i, t in enumerate(inputs):
        if t.dtype is not dtypes.string:
            raise InferError(f"{{{i}}} has dtype {t.dtype.name}, but merge takes the "
                             "string tensors of summary ops", "dtype")
    return (), dtypes.string


def _merge_kernel(*inputs):
    values, tags = [], set()
    for arr in inputs:
        for data in np.asarray(arr, dtype=object).ravel():
            if not isinstance(data, (bytes, bytearray)):
                raise TypeError(f"merge: a summary input holds {type(data).__name__}, "
                                "not bytes")
            try:
                summary = Summary.FromString(data)
            except events.DecodeError:
                raise ValueError("Could not parse one of the summary inputs") from None
            for v in summary.value:
                if v.tag and v.tag in tags:
                    raise ValueError(f"Duplicate tag {v.tag} found in summary inputs")
                tags.add(v.tag)
                values.append(v)
    return _string_scalar(Summary(values).SerializeToString())


MERGE = register(OpDef(
    "MergeSummary", _infer_merge, _merge_kernel, differentiable=False,
    api="summary.merge", signature="summary.merge(inputs, collections=None, name=None)",
    shape_rule="() string", dtypes="string -> string",
    doc="One serialized Summary holding the values of all inputs (a duplicate tag "
        "fails at run time)."))


def scalar(name, tensor, collections=None, family=None):
    """A summary op recording a scalar tensor under the tag `name` (prefixed by the
    name scope, and by family/ when given), added to the "summaries" collection.

        gc.summary.scalar("loss", loss)
    tensor must be a numeric scalar (else ShapeError / DTypeError when built); it is
    recorded as a float32 simple_value."""
    tensor = convert_to_tensor(tensor)
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        val = apply1(SCALAR, (tensor,), name=scope, tag=tag)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def histogram(name, values, collections=None, family=None):
    """A summary op recording a histogram of `values` (any numeric shape) under the
    tag `name`, in TF's default exponential buckets; NaN or Inf values fail when run.

        gc.summary.histogram("weights", W)"""
    values = convert_to_tensor(values)
    with _summary_scope(name, family, "HistogramSummary", [values]) as (tag, scope):
        val = apply1(HISTOGRAM, (values,), name=scope, tag=tag)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def merge(inputs, collections=None, name=None):
    """One summary op holding the values of all `inputs` (summary op outputs); two
    values with one tag fail when run. Added to no collection unless asked.

        both = gc.summary.merge([loss_summary, weights_summary])"""
    inputs = [convert_to_tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("summary.merge: inputs is empty; it needs at least one summary")
    name = clean_tag(name)
    with name_scope(name, "Merge", inputs):
        val = apply1(MERGE, inputs, name=name or "MergeSummary")
        _collect(val, collections, [])
    return val


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """merge() of every summary in collection `key` (those whose names match `scope`),
    or None when there are none.

        merged = gc.summary.merge_all()"""
    summaries = get_collection(key, scope=scope)
    return merge(summaries, name=name) if summaries else None


# ---- writing ------------------------------------------------------------------------------
def _as_summary(summary):
    """A Summary from a Summary, serialized bytes, or what Session.run returns."""
    if isinstance(summary, np.ndarray) and summary.dtype == object and summary.ndim == 0:
        summary = summary.item()
    if isinstance(summary, (bytes, bytearray)):
        return Summary.FromString(summary)
    if isinstance(summary, Summary):
        return summary
    raise TypeError(f"add_summary: expected a Summary, its serialized bytes or the value "
                    f"of a summary op, got {type(summary).__name__}")


class FileWriter:
    """Writes Summary values and graphs to an event file in logdir (TF1's FileWriter).

        writer = gc.summary.FileWriter("logs/run1", sess.graph)
        writer.add_summary(sess.run(merged), global_step=step)
        writer.close()
    The file is events.out.tfevents.{seconds}.{hostname}{filename_suffix}, created at
    once with its file_version event; should a writer in the same directory have taken
    that name in the same second, ".1", ".2"... is appended. Events are written to the
    file as they come and flushed (and fsynced) on the first one, then at the first one
    after each flush_secs, and by flush() and close(). There is no writer thread, so
    max_queue bounds nothing; `session` is accepted and not needed: graphc writes from
    Python either way. The file is a log TensorBoard reads while it grows, so it is
    appended to, never written to a temporary name and renamed.
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        self._logdir = os.fspath(logdir)
        os.makedirs(self._logdir, exist_ok=True)
        self._max_queue, self._flush_secs = max_queue, flush_secs
        self._suffix = filename_suffix or ""
        self._lock = threading.Lock()
        self._file = None
        self._closed = False
        self._run_tags = set()
        self._seen_tags = set()         # summary tags written with their metadata
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _open(self):
        import socket
        now = int(time.time())
        base = os.path.join(self._logdir, f"events.out.tfevents.{now:010d}."
                                          f"{socket.gethostname()}{self._suffix}")
        path, k = base, 0
        while True:
            try:
                self._file = open(path, "xb")
                break
            except FileExistsError:
                k += 1
                path = f"{base}.{k}"
        self._path = path
        # the first event, flushed at once, says which format follows (TF's EventsWriter)
        self._file.write(events.encode_record(
            Event(wall_time=now, file_version="brain.Event:2").SerializeToString()))
        self._flush()
        self._next_flush = 0.0          # and the first one added is flushed at once too

    def _write(self, event):
        with self._lock:
            self._file.write(events.encode_record(event.SerializeToString()))
            now = time.time()
            if now > self._next_flush:
                self._flush()
                self._next_flush = now + self._flush_secs

    def _flush(self):
        self._file.flush()
        os.fsync(self._file.fileno())

    def _warn_if_closed(self):
        if self._closed:
            warnings.warn("Attempting to use a closed FileWriter. The operation will be a "
                          "noop unless the FileWriter is explicitly reopened.")
        return self._closed

    def _add_event(self, event, step):
        if self._warn_if_closed():
            return
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self._write(event)

    def add_summary(self, summary, global_step=None):
        """Add a Summary (an object, its bytes, or what sess.run gave for a summary op)
        as an event at global_step (an int, or a scalar array). As TF1's, it keeps a
        value's metadata only on the first event of its tag (clearing it in a Summary
        object passed again)."""
        summary = _as_summary(summary)
        for value in summary.value:
            if value.tag in self._seen_tags:
                value.metadata = None
            self._seen_tags.add(value.tag)
        self._add_event(Event(summary=summary), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Add a graph event: graph's structure as a GraphDef (events.graph_def: nodes,
        op types, inputs, devices and output shapes; no op attributes)."""
        if graph_def is not None or not isinstance(graph, Graph):
            given = graph if graph_def is None else graph_def
            raise TypeError(f"add_graph: expected a gc.Graph, got {type(given).__name__}; "
                            "graphc writes GraphDefs of its own graphs only")
        self._add_event(Event(graph_def=events.graph_def(graph)), global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Add a traced run's RunMetadata under `tag` (TF1: a TaggedRunMetadata event,
        which TensorBoard's graph page shows as that step's compute time).

            writer.add_run_metadata(meta, "step%d" % step, step)
        """
        if tag in self._run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._run_tags.add(tag)
        tagged = TaggedRunMetadata(tag=tag, run_metadata=run_metadata.SerializeToString())
        self._add_event(Event(tagged_run_metadata=tagged), global_step)

    def add_session_log(self, session_log, global_step=None):
        """Add a SessionLog (START, STOP, CHECKPOINT) as an event at global_step (TF1)."""
        if not isinstance(session_log, events.SessionLog):
            raise TypeError(f"add_session_log: expected a gc.SessionLog, got "
                            f"{type(session_log).__name__}")
        self._add_event(Event(session_log=session_log), global_step)

    def add_event(self, event):
        """Add an Event as it is (its wall_time and step are not set)."""
        if not isinstance(event, Event):
            raise TypeError(f"add_event: expected a gc.summary.Event, got "
                            f"{type(event).__name__}")
        if not self._warn_if_closed():
            self._write(event)

    def flush(self):
        """Write every event added so far to disk."""
        if not self._warn_if_closed():
            with self._lock:
                self._flush()

    def close(self):
        """Flush and close the event file; reopen() starts a new one."""
        if not self._closed:
            with self._lock:
                self._flush()
                self._file.close()
            self._closed = True

    def reopen(self):
        """After close(): continue in a new event file in the same logdir."""
        if self._closed:
            self._open()
            self._closed = False

    def get_logdir(self):
        """The directory this writer writes to."""
        return self._logdir

    def get_filename(self):
        """The path of the event file being written (not in TF1's FileWriter)."""
        return self._path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FileWriterCache:
    """One FileWriter per logdir, made with the default graph (TF1's FileWriterCache).

        writer = gc.summary.FileWriterCache.get("logs/run1")"""
    _cache = {}
    _lock = threading.RLock()

    @staticmethod
    def clear():
        """Close and forget every cached writer."""
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache = {}

    @staticmethod
    def get(logdir):
        """The cached writer of logdir, made on first use."""
        with FileWriterCache._lock:
            if logdir not in FileWriterCache._cache:
                FileWriterCache._cache[logdir] = FileWriter(logdir,
                                                            graph=get_default_graph())
            return FileWriterCache._cache[logdir]


def summary_iterator(path):
    """The Events of an event file, in order (TF1's tf.train.summary_iterator); a
    truncated or corrupted record raises events.DataLossError.

        for event in gc.summary.summary_iterator(path):
            for v in event.summary.value:
                print(event.step, v.tag, v.simple_value)"""
    with open(path, "rb") as f:
        for data in events.read_records(f, os.fspath(path)):
            yield Event.FromString(data)


from .summary_extra import (SummaryDescription,  # noqa: E402,F401
                            all_v2_summary_ops, get_summary_description, initialize)
__all__ += ["SummaryDescription", "TaggedRunMetadata", "all_v2_summary_ops",
            "get_summary_description", "initialize"]
