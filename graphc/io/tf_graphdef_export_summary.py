"""The export side of tf_graphdef_summary.py: graphc's summary ops with their tags as
Consts, Print, and PrintV2 as TF's tf.print writes it (a StringFormat of the text, then
PrintV2 of it)."""
import numpy as np

from .. import dtypes
from .tf_graphdef_export import export, in_dtype
from .tf_graphdef_summary import TF_STREAMS

__all__ = []


def _tag(ex, n, what="tag"):
    return ex.const(n, what, np.array(n.attrs["tag"].encode("utf-8"), object), dtypes.string)


@export("ScalarSummary")
def _scalar(ex, n):
    ex.emit(n, "ScalarSummary", (_tag(ex, n, "tags"), n.inputs[0]), T=in_dtype(n))


@export("HistogramSummary")
def _histogram(ex, n):
    ex.emit(n, "HistogramSummary", (_tag(ex, n), n.inputs[0]), T=in_dtype(n))


@export("ImageSummary")
def _image(ex, n):
    color = np.asarray(n.attrs["bad_color"], np.uint8)
    ex.emit(n, "ImageSummary", (_tag(ex, n), n.inputs[0]), T=in_dtype(n),
            max_images=n.attrs["max_images"], bad_color=color)


@export("AudioSummaryV2")
def _audio(ex, n):
    ex.emit(n, "AudioSummaryV2", (_tag(ex, n), *n.inputs), max_outputs=n.attrs["max_outputs"])


@export("TensorSummaryV2")
def _tensor(ex, n):
    meta = ex.const(n, "serialized_summary_metadata",
                    np.array(n.attrs["metadata"], object), dtypes.string)
    ex.emit(n, "TensorSummaryV2", (_tag(ex, n), n.inputs[0], meta), T=in_dtype(n))


@export("MergeSummary")
def _merge(ex, n):
    ex.emit(n, "MergeSummary", n.inputs, N=len(n.inputs))


@export("Print")
def _print(ex, n):
    """TF's Print takes its data as tensors: a Python value among graphc's (a string
    label) becomes a Const, which TF prints the same way."""
    a, tensors = n.attrs, iter(n.inputs[1:])
    data, types = [], []
    for k, part in enumerate(a["parts"]):
        if part is None:
            t = next(tensors)
            data.append(t)
            types.append(t.dtype)
            continue
        value = np.asarray(part.encode("utf-8") if isinstance(part, str) else part)
        dtype = dtypes.string if value.dtype.kind in "SUO" else dtypes.as_dtype(value.dtype)
        data.append(ex.const(n, f"data_{k}", value.astype(dtype.np), dtype))
        types.append(dtype)
    ex.emit(n, "Print", (n.inputs[0], *data), T=in_dtype(n), U=types,
            message=a["message"], first_n=a["first_n"], summarize=a["summarize"])


@export("PrintV2")
def _print_v2(ex, n):
    a = n.attrs
    texts = [p for p in a["parts"] if p is not None]
    placeholder = "{}"
    while any(placeholder in t for t in texts):         # a marker the text lacks
        placeholder = "{" + placeholder + "}"
    template = "".join(placeholder if p is None else p for p in a["parts"])
    fmt = ex.emit(n, "StringFormat", n.inputs, name="StringFormat",
                  T=[t.dtype for t in n.inputs], template=template, placeholder=placeholder,
                  summarize=a["summarize"])
    stream = {v: k for k, v in TF_STREAMS.items()}.get(a["output_stream"], a["output_stream"])
    ex.emit(n, "PrintV2", (fmt,), output_stream=stream, end=a["end"])
