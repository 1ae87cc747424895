"""The ops behind gc.contrib.summary (TF's gen_summary_ops): a writer's handle op, its
create / flush / close ops and the write ops. The writer itself, a gc.summary.FileWriter,
lives in the Session (session._op_state["summary_writer", shared_name]) from the run of
CreateSummaryFileWriter until CloseSummaryWriter or the end of the Session.

    SummaryWriter() -> handle                            a string scalar: the shared name
    CreateSummaryFileWriter(handle, logdir, max_queue, flush_millis, filename_suffix)
    FlushSummaryWriter(handle), CloseSummaryWriter(handle)
    WriteScalarSummary(handle, step, should, tensor) -> bool     (and Histogram, Image,
    Audio, and WriteSummary for any tensor): writes one event when `should` is True and
    returns `should`
    WriteGraphSummary(handle, step, graph_bytes), ImportEvent(handle, event_bytes)
"""
import numpy as np

from .. import dtypes, errors
from ..io.events import Event, Summary
from ..io.summary_protos import SummaryMetadata, TensorProto
from ..shapes import InferError
from ..summary import _histogram_kernel, _scalar_kernel
from ..summary_media import _audio_kernel, _image_kernel
from ..ops.registry import OpDef, register

__all__ = []


def _key(handle):
    h = handle.item() if isinstance(handle, np.ndarray) else handle
    return ("summary_writer", h.decode() if isinstance(h, bytes) else h)


def _writer(rt, handle):
    """The session's writer of `handle`, or TF's NotFoundError naming the node."""
    writer = rt.session._op_state.get(_key(handle))
    if writer is None:
        raise errors.NotFoundError(
            f"Resource {_key(handle)[1]} (a summary writer) does not exist in this "
            f"Session: run the writer's init() or summary_writer_initializer_op() first "
            f"(node {errors.describe_node(rt.node)})", op=rt.node)
    return writer


def _scalar_of(x):
    return np.asarray(x).ravel()[0].item()


def _string_of(x):
    v = np.asarray(x, dtype=object).ravel()[0]
    return v.decode() if isinstance(v, bytes) else str(v)


def _no_outputs(ctx, *inputs, **attrs):
    return []


# ---- the writer's life -----------------------------------------------------------------
def _handle_kernel(*, shared_name):
    return np.array(shared_name.encode(), dtype=object)


HANDLE = register(OpDef(
    "SummaryWriter", lambda ctx, **a: ((), dtypes.string), _handle_kernel, stateful=True,
    differentiable=False, api="contrib.summary.create_file_writer",
    signature="SummaryWriter(shared_name)", shape_rule="() string (TF: a resource)",
    dtypes="string", doc="A summary writer's handle: its shared name."))


def _create_kernel(rt, handle, logdir, max_queue, flush_millis, suffix):
    from ..summary import FileWriter
    state = rt.session._op_state
    if _key(handle) in state:        # TF's LookupOrCreate: a live writer stays as it is
        return ()
    writer = FileWriter(_string_of(logdir), max_queue=int(_scalar_of(max_queue)),
                        flush_secs=_scalar_of(flush_millis) / 1000.0,
                        filename_suffix=_string_of(suffix))
    state[_key(handle)] = writer
    rt.session._on_close.append(writer.close)
    return ()


CREATE = register(OpDef(
    "CreateSummaryFileWriter", _no_outputs, _create_kernel, stateful=True, uses_state=True,
    differentiable=False, api="SummaryWriter.init",
    signature="CreateSummaryFileWriter(writer, logdir, max_queue, flush_millis, "
              "filename_suffix)", shape_rule="no outputs", dtypes="-",
    doc="Opens the writer's event file in logdir (nothing when it is open already)."))


def _flush_kernel(rt, handle):
    _writer(rt, handle).flush()
    return ()


def _close_kernel(rt, handle):
    writer = _writer(rt, handle)
    writer.close()
    del rt.session._op_state[_key(handle)]
    return ()


FLUSH = register(OpDef(
    "FlushSummaryWriter", _no_outputs, _flush_kernel, stateful=True, uses_state=True,
    differentiable=False, api="SummaryWriter.flush",
    signature="FlushSummaryWriter(writer)", shape_rule="no outputs", dtypes="-",
    doc="Writes the writer's pending events to disk."))
CLOSE = register(OpDef(
    "CloseSummaryWriter", _no_outputs, _close_kernel, stateful=True, uses_state=True,
    differentiable=False, api="SummaryWriter.close",
    signature="CloseSummaryWriter(writer)", shape_rule="no outputs", dtypes="-",
    doc="Flushes and closes the writer; a later write needs init() again."))


# ---- the write ops ------------------------------------------------------------------------
def _write(rt, handle, step, summary_bytes):
    if isinstance(summary_bytes, np.ndarray):       # the 0-d object arrays of gc.summary
        summary_bytes = summary_bytes.item()
    _writer(rt, handle).add_summary(Summary.FromString(summary_bytes), int(_scalar_of(step)))


def _write_infer(kind):
    def infer(ctx, handle, step, should, *rest, **attrs):
        if should.dtype is not dtypes.bool:
            raise InferError("{2} must be bool (should_record_summaries)", "dtype")
        if step.shape.rank not in (None, 0) and step.shape.num_elements() not in (None, 1):
            raise InferError(f"{{1}} (the step) must be a scalar, not {step.shape}")
        if kind and rest[0].dtype.name not in kind:
            raise InferError(f"{{3}} has dtype {rest[0].dtype.name}, but "
                             f"{attrs['tag']!r} takes {', '.join(kind)}", "dtype")
        return (), dtypes.bool
    return infer


def _guarded(encode):
    """A write kernel: encode(*values, **attrs) -> a serialized Summary, written at
    step when `should` holds; returns `should`."""
    def kernel(rt, handle, step, should, *values, **attrs):
        if bool(np.asarray(should)):
            try:
                data = encode(*values, **attrs)
            except ValueError as e:
                raise errors.InvalidArgumentError(
                    f"{e} (node {errors.describe_node(rt.node)})", op=rt.node) from None
            _write(rt, handle, step, data)
        return np.asarray(bool(np.asarray(should)))
    return kernel


def _scalar(x, *, tag):
    x = np.asarray(x)
    if x.size != 1:
        raise ValueError(f"a scalar summary needs one value, got shape {list(x.shape)}")
    return _scalar_kernel(x.reshape(()).astype(np.float32), tag=tag)


def _image(x, bad_color, *, tag, max_images):
    return _image_kernel(x, tag=tag, max_images=max_images,
                         bad_color=tuple(int(c) for c in np.asarray(bad_color).ravel()))


def _audio(x, rate, *, tag, max_outputs):
    return _audio_kernel(x, rate, tag=tag, max_outputs=max_outputs)


def _tensor(x, *, tag, metadata):
    from ..ops.parsing_misc import tensor_proto
    arr = np.asarray(x)
    dtype = dtypes.string if arr.dtype == object else dtypes.as_dtype(arr.dtype)
    value = Summary.Value(tag, tensor=TensorProto.FromString(tensor_proto(arr, dtype)),
                          metadata=SummaryMetadata.FromString(metadata))
    return Summary([value]).SerializeToString()


_NUMERIC = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
            "uint16", "uint32", "uint64")


def _write_op(name, encode, kind, doc):
    return register(OpDef(
        name, _write_infer(kind), _guarded(encode), stateful=True, uses_state=True,
        differentiable=False, api=f"contrib.summary.{name}",
        signature=f"{name}(writer, step, should, tensor, ...)", shape_rule="() bool",
        dtypes="bool", doc=doc))


WRITE_SCALAR = _write_op("WriteScalarSummary", _scalar, _NUMERIC,
                         "Writes a one-value tensor as a float simple_value.")
WRITE_HISTOGRAM = _write_op("WriteHistogramSummary", _histogram_kernel, _NUMERIC,
                            "Writes a histogram of the tensor (TF's default buckets).")
WRITE_IMAGE = _write_op("WriteImageSummary", _image, ("uint8", "float16", "float32",
                                                      "float64"),
                        "Writes the first max_images images as PNGs.")
WRITE_AUDIO = _write_op("WriteAudioSummary", _audio, ("float32",),
                        "Writes the first max_outputs clips as 16-bit WAV.")
WRITE_TENSOR = _write_op("WriteSummary", _tensor, None,
                         "Writes the tensor as a TensorProto with its SummaryMetadata.")


def _graph_kernel(rt, handle, step, data):
    writer = _writer(rt, handle)
    writer._add_event(Event(graph_def=bytes(np.asarray(data, dtype=object).item())),
                      int(_scalar_of(step)))
    return ()


def _import_kernel(rt, handle, data):
    writer = _writer(rt, handle)
    try:
        event = Event.FromString(bytes(np.asarray(data, dtype=object).item()))
    except Exception:       # any decoding failure: TF's "Unable to parse"
        raise errors.InvalidArgumentError(
            f"Unable to parse tf.Event (node {errors.describe_node(rt.node)})",
            op=rt.node) from None
    writer.add_event(event)
    return ()


def _infer_string_input(i):
    def infer(ctx, *inputs):
        if inputs[i].dtype is not dtypes.string:
            raise InferError(f"{{{i}}} must be a string tensor (serialized bytes)", "dtype")
        return []
    return infer


WRITE_GRAPH = register(OpDef(
    "WriteGraphSummary", _infer_string_input(2), _graph_kernel, stateful=True,
    uses_state=True, differentiable=False, api="contrib.summary.graph",
    signature="WriteGraphSummary(writer, step, tensor)", shape_rule="no outputs",
    dtypes="-", doc="Writes a serialized GraphDef as a graph event."))
IMPORT_EVENT = register(OpDef(
    "ImportEvent", _infer_string_input(1), _import_kernel, stateful=True, uses_state=True,
    differentiable=False, api="contrib.summary.import_event",
    signature="ImportEvent(writer, event)", shape_rule="no outputs", dtypes="-",
    doc="Writes a serialized tf.Event as it is."))
