"""TF GraphDef import of the summary and print ops of TF1 training graphs: ScalarSummary,
HistogramSummary, ImageSummary, AudioSummaryV2, TensorSummaryV2, MergeSummary, Print and
PrintV2 (export: tf_graphdef_export_summary.py). graphc's summary ops keep the tag (and
metadata) as attrs, so TF's tag inputs must be Consts. TF's tf.print formats its text with
a StringFormat node that PrintV2 prints; graphc's PrintV2 formats its own inputs, so a
PrintV2 of a StringFormat takes the format's template and tensors.
"""
import numpy as np

from ..ops.registry import REGISTRY, apply, apply1
from .tf_graphdef_ops import table_op

__all__ = ["OPS", "TF_STREAMS"]

OPS = {}
_op = table_op(OPS)

# TF's output_stream attr values <-> graphc's PrintV2 stream names
TF_STREAMS = {"log(info)": "log:info", "log(warning)": "log:warning",
              "log(error)": "log:error"}


def _tag(n, t, what="tag"):
    v = np.asarray(n.static(t, what), object)
    if v.size != 1:
        raise n.fail(f"{what} has {v.size} values: graphc's summaries take one tag")
    v = v.ravel()[0]
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def _summary(op, *inputs, **attrs):
    return apply1(REGISTRY[op], inputs, **attrs)


@_op("ScalarSummary", "=string T", "=string")
def _scalar(n, tags, values):
    return _summary("ScalarSummary", values, name=n.name, tag=_tag(n, tags, "tags"))


@_op("HistogramSummary", "=string T", "=string")
def _histogram(n, tag, values):
    return _summary("HistogramSummary", values, name=n.name, tag=_tag(n, tag))


@_op("ImageSummary", "=string T", "=string")
def _image(n, tag, tensor):
    color = n.attr("bad_color", None)
    color = (255, 0, 0, 255) if color is None else tuple(int(c) for c in np.ravel(color))
    return _summary("ImageSummary", tensor, name=n.name, tag=_tag(n, tag),
                    max_images=n.attr("max_images", 3), bad_color=color)


@_op("AudioSummaryV2", "=string =float32 =float32", "=string")
def _audio(n, tag, tensor, sample_rate):
    return _summary("AudioSummaryV2", tensor, sample_rate, name=n.name, tag=_tag(n, tag),
                    max_outputs=n.attr("max_outputs", 3))


@_op("TensorSummaryV2", "=string T =string", "=string")
def _tensor(n, tag, tensor, metadata):
    meta = np.asarray(n.static(metadata, "serialized_summary_metadata"), object).item()
    return _summary("TensorSummaryV2", tensor, name=n.name, tag=_tag(n, tag),
                    metadata=meta if isinstance(meta, bytes) else str(meta).encode())


@_op("MergeSummary", "N*=string", "=string")
def _merge(n, *inputs):
    return _summary("MergeSummary", *inputs, name=n.name)


@_op("Print", "T *U", "T")
def _print(n, x, *data):
    return apply1(REGISTRY["Print"], (x, *data), name=n.name, message=n.attr("message", ""),
                  first_n=n.attr("first_n", -1), summarize=n.attr("summarize", 3),
                  parts=(None,) * len(data))


@_op("PrintV2", "=string", "")
def _print_v2(n, text):
    stream = n.attr("output_stream", "stderr")
    stream = TF_STREAMS.get(stream, stream)
    if stream not in ("stderr", "stdout") and not stream.startswith(("file://", "log:")):
        raise n.fail(f"output_stream {stream!r}: graphc prints to stderr, stdout, "
                     "file://<path> and log(info/warning/error)")
    fmt = text.node
    if fmt.type == "StringFormat":          # tf.print's: print the format's pieces
        pieces = fmt.attrs["template"].split(fmt.attrs["placeholder"])
        parts = [pieces[0]]
        for p in pieces[1:]:
            parts += [None, p]
        tensors, summarize = fmt.inputs, fmt.attrs["summarize"]
    else:
        parts, tensors, summarize = (None,), (text,), 3
    return apply(REGISTRY["PrintV2"], tuple(tensors), name=n.name, parts=tuple(parts),
                 summarize=summarize, output_stream=stream, end=n.attr("end", "\n"))
