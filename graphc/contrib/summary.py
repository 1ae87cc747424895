"""gc.contrib.summary: TF 1.15's tf.contrib.summary (summary_ops_v2) in graph mode.

Summary ops here write to a default writer when they run, instead of returning a
serialized Summary for a FileWriter (gc.summary). They record only inside
always_record_summaries() or record_summaries_every_n_global_steps(n) (the contrib
default is not to record), and the writer must be initialized in the Session first.

    writer = summary.create_file_writer("logs/run1")
    with writer.as_default(), summary.always_record_summaries():
        loss_op = summary.scalar("loss", loss)            # step: the global step
    with gc.Session() as sess:
        sess.run(summary.summary_writer_initializer_op())
        sess.run(loss_op)                                 # writes one event
"""
import contextlib
import logging
import os
import threading

from .. import dtypes
from ..graph import Tensor, get_default_graph
from ..io import events
from ..ops.core import constant, convert_to_tensor, identity, no_op, placeholder
from ..ops.graphkeys import add_to_collection, get_collection
from ..ops.registry import apply, apply1
from ..summary import _summary_scope
from ..summary_media import _BAD_COLOR
from . import summary_ops as ops

__all__ = ["SummaryWriter", "create_file_writer", "create_db_writer",
           "always_record_summaries", "never_record_summaries",
           "record_summaries_every_n_global_steps", "should_record_summaries", "scalar",
           "histogram", "image", "audio", "generic", "graph", "import_event",
           "all_summary_ops", "summary_writer_initializer_op", "initialize", "flush",
           "eval_dir", "create_summary_file_writer"]

_SUMMARY_COLLECTION = "_SUMMARY_V2"             # TF's GraphKeys._SUMMARY_COLLECTION
_WRITER_INIT_COLLECTION = "_SUMMARY_WRITER_V2"  # TF's _SUMMARY_WRITER_INIT_COLLECTION_NAME


class _State(threading.local):
    def __init__(self):
        self.writer = None          # the default SummaryWriter of this thread
        self.is_recording = None    # None (contrib: off), a bool or a bool tensor


_state = _State()


class SummaryWriter:
    """A summary writer (TF's ResourceSummaryWriter): a handle in the graph, whose event
    file the Session opens when init() runs.

        writer = summary.create_file_writer("logs")
        with writer.as_default():
            ...                                   # summary ops write to `writer`
        sess.run(writer.init())
    """

    def __init__(self, shared_name, init_fn):
        self._resource = apply1(ops.HANDLE, (), name="SummaryWriter",
                                shared_name=shared_name)
        self._init_fn = init_fn
        add_to_collection(_WRITER_INIT_COLLECTION, self.init())

    def set_as_default(self):
        """Make this the default writer of the current thread (until another is)."""
        _state.writer = self

    @contextlib.contextmanager
    def as_default(self):
        """A context in which this is the default writer; yields the writer."""
        old = _state.writer
        try:
            _state.writer = self
            yield self
            self.flush()        # TF builds a flush op here, and (graph mode) never runs it
        finally:
            _state.writer = old

    def init(self):
        """A new op opening the writer's event file (a no-op on an open writer)."""
        return self._init_fn(self._resource)

    def flush(self):
        """An op writing the pending events to disk."""
        return apply(ops.FLUSH, (self._resource,), name="FlushSummaryWriter")

    def close(self):
        """An op flushing and closing the writer; writing later needs init() again."""
        flushed = self.flush()
        with get_default_graph().control_dependencies([flushed]):
            return apply(ops.CLOSE, (self._resource,), name="CloseSummaryWriter")


class _NoopSummaryWriter(SummaryWriter):
    """What create_file_writer(None) gives: a writer doing nothing (TF's
    NoopSummaryWriter); as_default() leaves the default writer unchanged."""

    def __init__(self):
        pass

    def set_as_default(self):
        pass

    @contextlib.contextmanager
    def as_default(self):
        yield

    def init(self):
        pass

    def flush(self):
        pass

    def close(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None):
    """A SummaryWriter writing to an event file in logdir (None: one doing nothing).

        writer = summary.create_file_writer("logs", flush_millis=10000)
    The file is events.out.tfevents.{time}.{host}{filename_suffix} (default ".v2"),
    opened when writer.init() runs. max_queue (10) and flush_millis (120000) may be
    ints or tensors; writers with one `name` (default "logdir:" + logdir) share one
    file in a Session."""
    if logdir is None:
        return _NoopSummaryWriter()
    logdir = str(logdir)
    max_queue = constant(10) if max_queue is None else max_queue
    flush_millis = constant(2 * 60 * 1000) if flush_millis is None else flush_millis
    filename_suffix = constant(".v2") if filename_suffix is None else filename_suffix
    name = "logdir:" + logdir if name is None else name

    def init(resource):
        args = [convert_to_tensor(logdir, dtypes.string), convert_to_tensor(max_queue),
                convert_to_tensor(flush_millis), convert_to_tensor(filename_suffix)]
        return apply(ops.CREATE, [resource] + args, name="CreateSummaryFileWriter")
    return SummaryWriter(name, init)


def create_summary_file_writer(*args, **kwargs):
    """Deprecated name of create_file_writer (logs a warning, as TF does)."""
    logging.getLogger("graphc").warning("Deprecation Warning: create_summary_file_writer "
                                        "was renamed to create_file_writer")
    return create_file_writer(*args, **kwargs)


def create_db_writer(db_uri, experiment_name=None, run_name=None, user_name=None,
                     name=None):
    """TF's SQLite summary writer: not in graphc (raises NotImplementedError)."""
    raise NotImplementedError("contrib.summary.create_db_writer: graphc writes event "
                              "files only (create_file_writer), not SQLite databases")


# ---- when to record --------------------------------------------------------------------
@contextlib.contextmanager
def _record_if(condition):
    old = _state.is_recording
    try:
        _state.is_recording = condition
        yield
    finally:
        _state.is_recording = old


def always_record_summaries():
    """A context in which summary ops record (when a default writer is set).

        with summary.always_record_summaries():
            summary.scalar("loss", loss)"""
    return _record_if(True)


def never_record_summaries():
    """A context in which summary ops record nothing.

        with summary.never_record_summaries():
            summary.scalar("loss", loss)        # a constant False"""
    return _record_if(False)


def record_summaries_every_n_global_steps(n, global_step=None):
    """A context in which summary ops record when global_step % n == 0 (at run time).

        with summary.record_summaries_every_n_global_steps(100):
            summary.scalar("loss", loss)"""
    if global_step is None:
        from ..train import get_or_create_global_step
        global_step = get_or_create_global_step()
    from ..math import equal
    return _record_if(equal(global_step % n, 0))


def should_record_summaries():
    """A bool tensor: whether summary ops built here record (False without a default
    writer or a recording context).

        summary.should_record_summaries()"""
    from ..math import logical_and
    if _state.writer is None:
        return constant(False)
    cond = False if _state.is_recording is None else _state.is_recording
    return logical_and(True, cond)


# ---- the summary ops ---------------------------------------------------------------------
def _choose_step(step):
    if step is None:
        from ..train import get_or_create_global_step
        return get_or_create_global_step()
    step = convert_to_tensor(step)
    if step.shape.num_elements() not in (None, 1):
        raise ValueError(f"Argument `step` must be a scalar. Received step with shape "
                         f"{step.shape}.")
    return step


def _summary(name, tensor, family, step, op, args_fn, **attrs):
    """TF's summary_writer_function: the write op under the recording condition (a
    constant False when it is False when built), added to all_summary_ops()."""
    writer = _state.writer
    if writer is None:
        return no_op()
    cond = False if _state.is_recording is None else _state.is_recording
    step = _choose_step(step)
    if isinstance(cond, Tensor):
        should = cond
    elif not bool(cond):
        out = constant(False)
        add_to_collection(_SUMMARY_COLLECTION, out)
        return out
    else:
        should = None
    tensor = convert_to_tensor(tensor)
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        if should is None:
            should = constant(True)
        out = apply1(op, [writer._resource, step, should, identity(tensor)] + args_fn(),
                     name=scope, tag=tag, **attrs)
    add_to_collection(_SUMMARY_COLLECTION, out)
    return out


def scalar(name, tensor, family=None, step=None):
    """Write a one-value numeric tensor as a float scalar (simple_value) at `step`
    (default: the global step). Returns a bool tensor (True when it wrote), or a no_op
    without a default writer.

        summary.scalar("loss", loss)"""
    return _summary(name, tensor, family, step, ops.WRITE_SCALAR, list)


def histogram(name, tensor, family=None, step=None):
    """Write a histogram of a numeric tensor (TF's default buckets; NaN or Inf fail).

        summary.histogram("weights", W)"""
    return _summary(name, tensor, family, step, ops.WRITE_HISTOGRAM, list)


def image(name, tensor, bad_color=None, max_images=3, family=None, step=None):
    """Write up to max_images images of a [batch, h, w, 1|3|4] tensor as PNGs, tagged
    name/image/0... ("name/image" when max_images is 1); bad_color (uint8 [4], default
    red) paints non-finite pixels.

        summary.image("inputs", images, max_images=2)"""
    def extra():
        color = _BAD_COLOR if bad_color is None else bad_color
        return [convert_to_tensor(color, dtypes.uint8)]
    return _summary(name, tensor, family, step, ops.WRITE_IMAGE, extra,
                    max_images=int(max_images))


def audio(name, tensor, sample_rate, max_outputs, family=None, step=None):
    """Write up to max_outputs float32 clips ([batch, frames(, channels)], in [-1, 1])
    as 16-bit WAV, tagged name/audio/0... ("name/audio" when max_outputs is 1).

        summary.audio("speech", waves, 16000, 2)"""
    return _summary(name, tensor, family, step, ops.WRITE_AUDIO,
                    lambda: [convert_to_tensor(sample_rate, dtypes.float32)],
                    max_outputs=int(max_outputs))


def generic(name, tensor, metadata=None, family=None, step=None):
    """Write any tensor as a TensorProto with `metadata` (a SummaryMetadata or its
    serialized bytes; None: an empty one).

        summary.generic("logits", logits)"""
    if metadata is None:
        metadata = b""
    elif hasattr(metadata, "SerializeToString"):
        metadata = metadata.SerializeToString()
    elif isinstance(metadata, str):
        metadata = metadata.encode()
    elif not isinstance(metadata, bytes):
        raise TypeError(f"generic: metadata must be a SummaryMetadata or its serialized "
                        f"bytes, not {type(metadata).__name__} (graphc takes no tensor)")
    return _summary(name, tensor, family, step, ops.WRITE_TENSOR, list, metadata=metadata)


def graph(param, step=None, name=None):
    """Write a serialized GraphDef (a string tensor, e.g. a placeholder fed
    gc.io.events.graph_def(g)) as a graph event, whatever the recording condition.
    Returns an op (a no_op without a default writer).

        x = gc.placeholder(gc.string)
        sess.run(summary.graph(x, 0), {x: events.graph_def(sess.graph)})"""
    if not isinstance(param, Tensor):
        raise TypeError(f"graph() needs a argument `param` to be tf.Tensor (e.g. "
                        f"tf.placeholder) in graph mode, but received param={param} of "
                        f"type {type(param).__name__}.")
    writer = _state.writer
    if writer is None:
        return no_op()
    step = _choose_step(step)
    return apply(ops.WRITE_GRAPH, (writer._resource, step, identity(param)),
                 name=name or "WriteGraphSummary")


_graph_summary = graph       # initialize's `graph` argument hides the function


def import_event(tensor, name=None):
    """Write a serialized tf.Event (a string tensor) as it is, whatever the recording
    condition (needs a default writer).

        summary.import_event(gc.constant(event.SerializeToString()))"""
    writer = _state.writer
    if writer is None:
        raise AttributeError("import_event needs a default summary writer "
                             "(writer.as_default())")
    return apply(ops.IMPORT_EVENT, (writer._resource, convert_to_tensor(tensor)),
                 name=name or "ImportEvent")


# ---- the rest ----------------------------------------------------------------------------
def all_summary_ops():
    """The summary ops built in the default graph (TF's "_SUMMARY_V2" collection: not
    graph() nor import_event(), nor gc.summary's ops).

        sess.run(summary.all_summary_ops())"""
    return get_collection(_SUMMARY_COLLECTION)


def summary_writer_initializer_op():
    """The init ops of every writer made in the default graph.

        sess.run(summary.summary_writer_initializer_op())"""
    return get_collection(_WRITER_INIT_COLLECTION)


def initialize(graph=None, session=None):
    """Run the writers' init ops in `session` (default: the default session) and, if
    `graph` is given (a gc.Graph or bytes), write it to the default writer at step 0.

        summary.initialize(graph=sess.graph, session=sess)"""
    if _state.writer is None:
        raise RuntimeError("No default tf.contrib.summary.SummaryWriter found")
    if session is None:
        from ..session import get_default_session
        session = get_default_session()
        if session is None:
            raise ValueError("session must be passed if no default session exists")
    session.run(summary_writer_initializer_op())
    if graph is not None:
        data = events.graph_def(graph) if hasattr(graph, "nodes") else (
            graph if isinstance(graph, bytes) else graph.SerializeToString())
        x = placeholder(dtypes.string)
        session.run(_graph_summary(x, 0), feed_dict={x: data})


def flush(writer=None, name=None):
    """An op flushing `writer` (default: the default writer; a no_op when there is none).

        sess.run(summary.flush())"""
    if writer is None:
        writer = _state.writer
        if writer is None:
            return no_op()
    if isinstance(writer, SummaryWriter):
        return writer.flush()
    raise ValueError("Invalid argument to flush(): %r" % (writer,))


def eval_dir(model_dir, name=None):
    """model_dir/eval, or model_dir/eval_<name>.

        summary.eval_dir("model")      # 'model/eval'"""
    return os.path.join(model_dir, "eval" if not name else "eval_" + name)
