"""tf.summary.image, audio, text and tensor_summary (TF1), re-exported by
graphc/summary.py. Each op's kernel returns a serialized Summary, as scalar's does.

    gc.summary.image("inputs", images, max_outputs=2)    # tags inputs/image/0, /1
    gc.summary.text("notes", gc.constant("**bold**"))
"""
import struct

import numpy as np

from . import dtypes
from .io.events import Summary
from .io.summary_protos import Audio, Image, PluginData, SummaryMetadata, TensorProto
from .ops.core import convert_to_tensor
from .ops.graphkeys import GraphKeys
from .ops.image_png import png_encode
from .ops.parsing_misc import tensor_proto
from .ops.registry import OpDef, apply1, register
from .shapes import InferError

__all__ = ["image", "audio", "text", "tensor_summary"]

_BAD_COLOR = (255, 0, 0, 255)       # TF's default: opaque red (first `depth` channels)


def _string_scalar(data):
    out = np.empty((), dtype=object)
    out[()] = data
    return out


def _media_tag(tag, kind, max_outputs, i):
    """TF's rule: "tag/image" when max_outputs is 1, else "tag/image/0", ..."""
    return f"{tag}/{kind}" if max_outputs == 1 else f"{tag}/{kind}/{i}"


# ---- image -------------------------------------------------------------------------------
def _infer_image(ctx, x, *, tag, max_images, bad_color):
    d = x.dtype
    if d not in (dtypes.uint8, dtypes.float32, dtypes.float16, dtypes.float64):
        raise InferError(f"{{0}} has dtype {d.name}, but summary.image takes uint8, "
                         "float16, float32 or float64 images", "dtype")
    dims = x.shape._dims
    if dims is not None:
        depth = ctx.resolve(dims[-1]) if dims else None
        if len(dims) != 4 or depth not in (None, 1, 3, 4):
            raise InferError(f"{{0}} must be 4-D [batch, height, width, channels] with 1, "
                             f"3 or 4 channels to be summarized as '{tag}', but has shape "
                             f"{x.shape}")
    return (), dtypes.string


def _normalize(img, bad_color):
    """TF's float image rule: all finite values >= 0: scale by 255 / max; else scale by
    127 / max(|min|, |max|) and add 128 (a scale of 0 when that max is below 1e-6). The
    scaled value is truncated to uint8; a pixel with a non-finite channel is bad_color.
    min/max are float32, the affine map runs in the image's dtype."""
    t = img.dtype.type
    finite = np.isfinite(img).all(axis=-1)
    vals = img[finite].astype(np.float32)
    lo = vals.min() if vals.size else np.float32(np.inf)
    hi = vals.max() if vals.size else np.float32(-np.inf)
    if lo < 0:
        top = max(abs(lo), abs(hi))
        scale, offset = (0.0 if top < 1e-6 else np.float32(127.0) / top), 128.0
    else:
        scale, offset = (0.0 if hi < 1e-6 else np.float32(255.0) / hi), 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        out = (img * t(scale) + t(offset)).astype(np.uint8)
    out[~finite] = np.asarray(bad_color[:img.shape[-1]], np.uint8)
    return out


def _image_kernel(x, *, tag, max_images, bad_color):
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[-1] not in (1, 3, 4):
        raise ValueError(f"Tensor must be 4-D with last dim 1, 3, or 4, not "
                         f"{list(x.shape)} (summary '{tag}')")
    batch, h, w, depth = x.shape
    if h == 0 or w == 0:
        raise ValueError(f"summary.image '{tag}': images of shape {list(x.shape)} are "
                         "empty and cannot be encoded")
    values = []
    for i in range(min(batch, max_images)):
        img = x[i] if x.dtype == np.uint8 else _normalize(x[i], bad_color)
        values.append(Summary.Value(_media_tag(tag, "image", max_images, i), image=Image(
            height=h, width=w, colorspace=depth, encoded_image_string=png_encode(img))))
    return _string_scalar(Summary(values).SerializeToString())


IMAGE = register(OpDef(
    "ImageSummary", _infer_image, _image_kernel, differentiable=False,
    api="summary.image", signature="summary.image(name, tensor, max_outputs=3, "
                                   "collections=None, family=None)",
    shape_rule="() string (tensor [batch, h, w, 1|3|4])",
    dtypes="uint8, float16, float32, float64 -> string",
    doc="A serialized Summary: the first max_outputs images as PNGs (float images "
        "rescaled to uint8 by TF's rule)."))


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """A summary op recording up to max_outputs images of a [batch, height, width,
    channels] tensor (1, 3 or 4 channels) as PNGs, tagged "name/image/0", ... (just
    "name/image" when max_outputs is 1).

        gc.summary.image("inputs", images, max_outputs=2)
    uint8 images are written as they are. Float images are rescaled one by one: with no
    negative value by 255 / max, else by 127 / max(|min|, max) plus 128; a pixel holding
    NaN or Inf is drawn red."""
    from .summary import _collect, _summary_scope
    tensor = convert_to_tensor(tensor)
    max_outputs = int(max_outputs)
    if max_outputs < 1:
        raise ValueError(f"summary.image: max_outputs must be at least 1, not {max_outputs}")
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        val = apply1(IMAGE, (tensor,), name=scope, tag=tag, max_images=max_outputs,
                     bad_color=_BAD_COLOR)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


# ---- audio -------------------------------------------------------------------------------
def _infer_audio(ctx, x, rate, *, tag, max_outputs):
    for i, t in ((0, x), (1, rate)):
        if t.dtype is not dtypes.float32:
            raise InferError(f"{{{i}}} has dtype {t.dtype.name}, but summary.audio takes "
                             "float32 audio and sample_rate", "dtype")
    if x.shape.rank not in (None, 2, 3):
        raise InferError(f"{{0}} must be [batch, frames] or [batch, frames, channels] to be "
                         f"summarized as '{tag}', but has shape {x.shape}")
    if rate.shape.rank not in (None, 0):
        raise InferError(f"sample_rate {{1}} must be a scalar, but has shape {rate.shape}")
    return (), dtypes.string


def wav_encode(samples, rate):
    """16-bit PCM WAV bytes of float [frames, channels] samples: each round(x * 32768)
    (halves away from 0) clipped to int16 (TF's EncodeAudioAsS16LEWav)."""
    frames, channels = samples.shape
    v = samples.astype(np.float32) * np.float32(32768.0)
    whole = np.trunc(v)
    v = np.where(np.abs(v - whole) >= 0.5, whole + np.sign(v), whole)   # C's roundf
    pcm = np.clip(v, -32768, 32767).astype("<i2").tobytes()
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ",
                         16, 1, channels, rate, rate * channels * 2, channels * 2, 16,
                         b"data", len(pcm))
    return header + pcm


def _audio_kernel(x, rate, *, tag, max_outputs):
    x, rate = np.asarray(x, np.float32), np.asarray(rate, np.float32)
    if rate.size != 1:
        raise ValueError(f"sample_rate must be rank-0 or contain a single value, not "
                         f"{list(rate.shape)} (summary '{tag}')")
    if x.ndim not in (2, 3):
        raise ValueError(f"Tensor must be 3-D or 2-D, got: {list(x.shape)} "
                         f"(summary '{tag}')")
    rate = float(rate.ravel()[0])     # the WAV header's rate: rounded half to even
    if not rate > 0:
        raise ValueError(f"sample_rate must be > 0, not {rate} (summary '{tag}')")
    if x.ndim == 2:
        x = x[:, :, None]
    values = []
    for i in range(min(x.shape[0], max_outputs)):
        clip = Audio(sample_rate=rate, num_channels=x.shape[2], length_frames=x.shape[1],
                     encoded_audio_string=wav_encode(x[i], int(np.rint(rate))),
                     content_type="audio/wav")
        values.append(Summary.Value(_media_tag(tag, "audio", max_outputs, i), audio=clip))
    return _string_scalar(Summary(values).SerializeToString())


AUDIO = register(OpDef(
    "AudioSummaryV2", _infer_audio, _audio_kernel, differentiable=False,
    api="summary.audio", signature="summary.audio(name, tensor, sample_rate, "
                                   "max_outputs=3, collections=None, family=None)",
    shape_rule="() string (tensor [batch, frames] or [batch, frames, channels])",
    dtypes="float32 -> string",
    doc="A serialized Summary: the first max_outputs clips as 16-bit PCM WAV."))


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """A summary op recording up to max_outputs clips of a float32 [batch, frames] or
    [batch, frames, channels] tensor with values in [-1, 1] as 16-bit WAV, tagged
    "name/audio/0", ... ("name/audio" when max_outputs is 1).

        gc.summary.audio("speech", waves, sample_rate=16000.0)"""
    from .summary import _collect, _summary_scope
    tensor = convert_to_tensor(tensor)
    max_outputs = int(max_outputs)
    if max_outputs < 1:
        raise ValueError(f"summary.audio: max_outputs must be at least 1, not {max_outputs}")
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        val = apply1(AUDIO, (tensor, rate), name=scope, tag=tag, max_outputs=max_outputs)
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


# ---- tensor summaries --------------------------------------------------------------------
def _infer_tensor_summary(ctx, x, *, tag, metadata):
    return (), dtypes.string


def _tensor_summary_kernel(x, *, tag, metadata):
    arr = np.asarray(x)
    dtype = dtypes.string if arr.dtype == object else dtypes.as_dtype(arr.dtype)
    value = Summary.Value(tag, tensor=TensorProto.FromString(tensor_proto(arr, dtype)),
                          metadata=SummaryMetadata.FromString(metadata))
    return _string_scalar(Summary([value]).SerializeToString())


TENSOR_SUMMARY = register(OpDef(
    "TensorSummaryV2", _infer_tensor_summary, _tensor_summary_kernel, differentiable=False,
    api="summary.tensor_summary",
    signature="summary.tensor_summary(name, tensor, summary_description=None, "
              "collections=None, summary_metadata=None, family=None, display_name=None)",
    shape_rule="() string", dtypes="any -> string",
    doc="A serialized Summary: the tensor as a TensorProto, with its SummaryMetadata."))


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """A summary op recording a whole tensor (any dtype and shape) as a TensorProto,
    with a SummaryMetadata (summary_metadata, or an empty one) whose
    summary_description and display_name are set when given.

        gc.summary.tensor_summary("logits", logits, summary_description="raw")"""
    from .summary import _collect, _summary_scope
    tensor = convert_to_tensor(tensor)
    meta = (SummaryMetadata() if summary_metadata is None
            else SummaryMetadata.FromString(summary_metadata.SerializeToString()))
    if summary_description is not None:
        meta.summary_description = summary_description
    if display_name is not None:
        meta.display_name = display_name
    with _summary_scope(name, family, values=[tensor]) as (tag, scope):
        val = apply1(TENSOR_SUMMARY, (tensor,), name=scope, tag=tag,
                     metadata=meta.SerializeToString())
        _collect(val, collections, [GraphKeys.SUMMARIES])
    return val


def text(name, tensor, collections=None):
    """A summary op recording a string tensor (any shape) for TensorBoard's text
    dashboard, which renders it as Markdown: a tensor_summary with plugin "text".

        gc.summary.text("notes", gc.constant("**loss** went down"))"""
    tensor = convert_to_tensor(tensor)
    if tensor.dtype is not dtypes.string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got "
                         f"{tensor.dtype.name}")
    meta = SummaryMetadata(plugin_data=PluginData(plugin_name="text"))
    return tensor_summary(name, tensor, collections=collections, summary_metadata=meta)
