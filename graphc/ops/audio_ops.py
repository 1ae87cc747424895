"""TF's tf.audio: 16-bit PCM WAV files to float samples and back (DecodeWav, EncodeWav).
Samples are float32 in [-1, 1): an int16 s reads as s / 32768, and a float x is written
as round(32768 x) clipped to int16, as TF's wav_io does.

    audio, rate = gc.audio.decode_wav(gc.read_file("speech.wav"), desired_channels=1)
"""
import collections
import struct

import numpy as np

from .. import dtypes
from ..shapes import InferError, TensorShape
from .core import convert_to_tensor
from .image_png import CodecError
from .registry import OpDef, apply, apply1, register

__all__ = ["decode_wav", "encode_wav"]


def _wav_samples(data):
    """(int16 [frames, channels] samples, sample rate) of 16-bit PCM WAV bytes; the
    chunks other than 'fmt ' and 'data' are skipped, as TF's decoder does."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise CodecError("Header mismatch: the contents are not a RIFF WAVE file")
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            if len(body) < 16:
                raise CodecError("Bad file size for WAV: the fmt chunk is too short")
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif cid == b"data":
            if fmt is None:
                raise CodecError("The WAV data chunk comes before its fmt chunk")
            kind, channels, rate, _, _, bits = fmt
            if kind != 1 or bits != 16:
                raise CodecError(f"Can only read 16-bit PCM WAV files, not format {kind} "
                                 f"with {bits} bits per sample")
            if channels < 1:
                raise CodecError("The WAV file has no channels")
            if len(body) != size or size % (2 * channels):
                raise CodecError("Bad file size for WAV: the data chunk is cut short")
            pcm = np.frombuffer(body, "<i2").reshape(-1, channels)
            return pcm, rate
        pos += 8 + size + (size & 1)        # chunks are padded to an even size
    raise CodecError("The WAV file has no data chunk")


def _infer_decode(ctx, contents, *, desired_channels, desired_samples):
    if contents.dtype is not dtypes.string or contents.shape.rank not in (None, 0):
        raise InferError(f"contents {{0}} must be a string scalar, not {contents.dtype.name} "
                         f"of shape {contents.shape}")
    shape = TensorShape([desired_samples if desired_samples > 0 else None,
                         desired_channels if desired_channels > 0 else None])
    return [(shape, dtypes.float32), (TensorShape(()), dtypes.int32)]


def _decode_kernel(contents, *, desired_channels, desired_samples):
    data = contents.item() if isinstance(contents, np.ndarray) else contents
    pcm, rate = _wav_samples(bytes(data))
    audio = pcm.astype(np.float32) * np.float32(1.0 / 32768.0)
    if desired_samples > 0:                 # truncate, or pad with silence
        audio = np.pad(audio[:desired_samples],
                       ((0, max(0, desired_samples - len(audio))), (0, 0)))
    if desired_channels > 0:                # keep the first, or repeat the last channel
        pick = np.minimum(np.arange(desired_channels), audio.shape[1] - 1)
        audio = audio[:, pick]
    return np.ascontiguousarray(audio), np.array(rate, np.int32)


DECODE_WAV = register(OpDef(
    "DecodeWav", _infer_decode, _decode_kernel, differentiable=False, api="audio.decode_wav",
    signature="decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None)",
    shape_rule="() string -> (samples, channels) float32, () int32",
    dtypes="string -> float32, int32",
    doc="A 16-bit PCM WAV file as float samples in [-1, 1) and its sample rate."))


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """(audio, sample_rate) of a 16-bit PCM WAV file (TF's tf.audio.decode_wav): audio is
    float32 [samples, channels]; desired_samples truncates or pads with zeros, and
    desired_channels keeps the first channels or repeats the last one.

        audio, rate = gc.audio.decode_wav(gc.read_file("a.wav"), desired_channels=1)
    """
    contents = convert_to_tensor(contents, dtypes.string, name="contents")
    node = apply(DECODE_WAV, (contents,), name=name or "DecodeWav",
                 desired_channels=int(desired_channels), desired_samples=int(desired_samples))
    return _DecodedWav(*node.outputs)


# decode_wav's result, also by name (TF's namedtuple)
_DecodedWav = collections.namedtuple("DecodeWav", ["audio", "sample_rate"])


def _infer_encode(ctx, audio, rate):
    if audio.dtype is not dtypes.float32 or audio.shape.rank not in (None, 2):
        raise InferError(f"audio {{0}} must be float32 [samples, channels], not "
                         f"{audio.dtype.name} of shape {audio.shape}")
    if rate.dtype is not dtypes.int32 or rate.shape.rank not in (None, 0):
        raise InferError(f"sample_rate {{1}} must be an int32 scalar, not "
                         f"{rate.dtype.name} of shape {rate.shape}", "dtype")
    return TensorShape(()), dtypes.string


def _encode_kernel(audio, rate):
    from ..summary_media import wav_encode
    return np.array(wav_encode(np.asarray(audio), int(rate)), object)


ENCODE_WAV = register(OpDef(
    "EncodeWav", _infer_encode, _encode_kernel, differentiable=False, api="audio.encode_wav",
    signature="encode_wav(audio, sample_rate, name=None)",
    shape_rule="(samples, channels) float32, () int32 -> () string",
    dtypes="float32, int32 -> string",
    doc="Float samples as a 16-bit PCM WAV file (round(32768 x), clipped)."))


def encode_wav(audio, sample_rate, name=None):
    """A 16-bit PCM WAV file of float32 [samples, channels] audio (TF's
    tf.audio.encode_wav).

        wav = gc.audio.encode_wav(waveform, 16000)
    """
    audio = convert_to_tensor(audio, dtypes.float32, name="audio")
    rate = convert_to_tensor(sample_rate, dtypes.int32, name="sample_rate")
    return apply1(ENCODE_WAV, (audio, rate), name=name or "EncodeWav")
