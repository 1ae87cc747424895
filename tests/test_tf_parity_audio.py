"""gc.audio against TensorFlow's tf.audio (skipped without it)."""
import numpy as np
import pytest

from tf_parity import tf, v1  # noqa: F401

import graphc as gc


def _run(m, build):
    with m.Graph().as_default():
        out = build(m)
        with m.Session() as s:
            return s.run(out)


@pytest.mark.parametrize("seed", range(4))
def test_encode_bytes_and_decode_values(seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1.3, 1.3, (int(rng.integers(1, 9)), int(rng.integers(1, 4)))).astype(
        np.float32)
    a[0, 0] = 0.5 / 32768                   # a half-way case of the rounding
    rate = int(rng.integers(8000, 48000))
    wav_g = _run(gc, lambda m: m.audio.encode_wav(a, rate))
    wav_t = _run(v1, lambda m: m.audio.encode_wav(a, rate))
    assert wav_g == wav_t
    for channels, samples in [(-1, -1), (1, 3), (3, 12), (2, 1)]:
        def build(m):
            d = m.audio.decode_wav(wav_t, desired_channels=channels, desired_samples=samples)
            return [d.audio, d.sample_rate]
        g, t = _run(gc, build), _run(v1, build)
        assert g[0].dtype == t[0].dtype and g[0].shape == t[0].shape
        np.testing.assert_array_equal(g[0], t[0])
        assert g[1] == t[1]


def test_static_shapes():
    for m in (gc, v1):
        with m.Graph().as_default():
            s = m.placeholder(m.string, [])
            assert m.audio.decode_wav(s).audio.shape.as_list() == [None, None]
            assert m.audio.decode_wav(s, desired_channels=2, desired_samples=7
                                      ).audio.shape.as_list() == [7, 2]
