"""gc.audio: WAV decoding and encoding (16-bit PCM), their shapes and errors."""
import struct

import numpy as np
import pytest

import graphc as gc


def run(*fetches, feed=None):
    with gc.Session() as s:
        return s.run(list(fetches), feed)


def _wav(pcm, rate=16000, extra=b""):
    """WAV bytes of int16 [frames, channels] samples, with `extra` chunks before data."""
    frames, channels = pcm.shape
    data = pcm.astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 2, channels * 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + extra + b"data" + \
        struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_decode_reads_samples_rate_and_skips_other_chunks():
    pcm = np.array([[16384, -8192], [32767, -32768], [0, 3277]], np.int16)
    s = gc.placeholder(gc.string, [])
    audio, rate = gc.audio.decode_wav(s)
    got = run(audio, rate, feed={s: _wav(pcm, 44100, extra=b"LIST" + struct.pack("<I", 3)
                                         + b"abc\0")})
    np.testing.assert_array_equal(got[0], pcm / np.float32(32768))
    assert got[0].dtype == np.float32 and got[1] == 44100 and got[1].dtype == np.int32
    assert audio.shape.as_list() == [None, None] and rate.shape.as_list() == []


def test_desired_channels_and_samples():
    pcm = np.array([[1, 2], [3, 4], [5, 6]], np.int16) * 1024
    d = gc.audio.decode_wav(_wav(pcm), desired_channels=3, desired_samples=5)
    assert d.audio.shape.as_list() == [5, 3]
    got = run(d.audio)[0] * 32
    np.testing.assert_array_equal(got, [[1, 2, 2], [3, 4, 4], [5, 6, 6], [0, 0, 0],
                                        [0, 0, 0]])
    mono = run(gc.audio.decode_wav(_wav(pcm), desired_channels=1, desired_samples=2).audio)
    np.testing.assert_array_equal(mono[0] * 32, [[1], [3]])


def test_encode_rounds_and_clips_like_tf():
    a = np.array([[0.5, -0.25], [1.5, -2.0], [0.0, 0.1]], np.float32)
    wav = run(gc.audio.encode_wav(a, 16000))[0]
    # TF's bytes for the same audio (tf.audio.encode_wav)
    assert wav.hex() == ("524946463000000057415645666d74201000000001000200803e000000fa00"
                         "0004001000646174610c000000004000e0ff7f00800000cd0c")
    back = run(gc.audio.decode_wav(wav).audio)[0]
    np.testing.assert_array_equal(back, [[0.5, -0.25], [32767 / 32768, -1.0],
                                         [0.0, 3277 / 32768]])


def test_errors():
    with pytest.raises(gc.errors.ShapeError, match="float32"):
        gc.audio.encode_wav(np.zeros(3, np.float32), 8000)
    with pytest.raises(gc.errors.ExecutionError, match="RIFF"):
        run(gc.audio.decode_wav(b"not a wav file"))
    eight_bit = _wav(np.zeros((2, 1), np.int16)).replace(
        struct.pack("<HH", 2, 16), struct.pack("<HH", 2, 8))
    with pytest.raises(gc.errors.ExecutionError, match="16-bit PCM"):
        run(gc.audio.decode_wav(eight_bit))
    with pytest.raises(gc.errors.ExecutionError, match="cut short"):
        run(gc.audio.decode_wav(_wav(np.zeros((4, 2), np.int16))[:-3]))
