"""Samples for DecodeWav and EncodeWav: a round trip through WAV bytes (values exact for
multiples of 1/32768), and decoding with desired channels and samples."""
import numpy as np

import graphc as gc
from samples import Sample


def _pcm_audio(rng, frames=None, channels=None):
    frames = frames or int(rng.integers(1, 7))
    channels = channels or int(rng.integers(1, 4))
    return (rng.integers(-32768, 32767, (frames, channels)) / 32768.0).astype(np.float32)


def _resized(a, samples, channels):
    a = np.pad(a[:samples], ((0, max(0, samples - len(a))), (0, 0)))
    return a[:, np.minimum(np.arange(channels), a.shape[1] - 1)]


SAMPLES = [
    Sample("EncodeWav", lambda a: gc.audio.decode_wav(gc.audio.encode_wav(a, 8000)).audio,
           lambda rng: [_pcm_audio(rng)], lambda a: a, grad=False, id="round trip"),
    Sample("DecodeWav", lambda a: list(gc.audio.decode_wav(
        gc.audio.encode_wav(a, 22050), desired_channels=3, desired_samples=4)),
        lambda rng: [_pcm_audio(rng)], lambda a: [_resized(a, 4, 3), np.int32(22050)],
        grad=False, id="resized"),
]
