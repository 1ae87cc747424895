"""gc.summary.image / audio / text / tensor_summary against TensorFlow's tf.compat.v1:
the same summaries built and run in both, both serialized Summaries parsed with TF's
protobuf, and tags, sizes, decoded pixels, audio samples, tensors and metadata compared."""
import io
import wave

import numpy as np
import pytest

import graphc as gc
from graphc.io.summary_protos import SummaryMetadata
from tf_parity import tf, v1


def both(fn, *arrays):
    """TF's parsed Summary of fn(m, *placeholders) run on arrays, for m = graphc and TF."""
    out = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            xs = [m.placeholder(a.dtype if a.dtype != object else m.string, a.shape)
                  for a in arrays]
            s = fn(m, *xs)
            with m.Session(graph=g) as sess:
                data = sess.run(s, dict(zip(xs, arrays)))
        out.append(v1.Summary.FromString(np.asarray(data, object).item()
                                         if isinstance(data, np.ndarray) else data))
    return out


def png_pixels(data):
    """TF's own decoding of a PNG, in a graph (another parity file may have turned eager
    execution off in this process)."""
    with v1.Graph().as_default(), v1.Session() as sess:
        return sess.run(v1.image.decode_png(data))


def same_images(ours, theirs):
    assert [v.tag for v in ours.value] == [v.tag for v in theirs.value]
    for a, b in zip(ours.value, theirs.value):
        assert a.WhichOneof("value") == b.WhichOneof("value") == "image"
        assert (a.image.height, a.image.width, a.image.colorspace) == \
            (b.image.height, b.image.width, b.image.colorspace)
        np.testing.assert_array_equal(png_pixels(a.image.encoded_image_string),
                                      png_pixels(b.image.encoded_image_string))


def images(shape, dtype, seed, low=-3.0, high=3.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("low,high", [(-3.0, 3.0), (0.0, 2.0), (-5.0, -1.0), (0.0, 1e-7),
                                      (-1e-7, 1e-7), (0.0, 300.0)])
@pytest.mark.parametrize("depth", [1, 3, 4])
def test_float_images(dtype, low, high, depth):
    x = images((4, 3, 5, depth), dtype, depth, low, high)
    same_images(*both(lambda m, t: m.summary.image("img", t), x))


@pytest.mark.parametrize("max_outputs", [1, 2, 5])
def test_uint8_images_and_tags(max_outputs):
    x = np.random.default_rng(1).integers(0, 256, (3, 4, 2, 3)).astype(np.uint8)
    same_images(*both(lambda m, t: m.summary.image("in put", t, max_outputs=max_outputs),
                      x))


def test_nonfinite_pixels_and_scopes():
    x = images((2, 3, 4, 3), np.float32, 2)
    x[0, 1, 2, 1], x[0, 0, 0, 0], x[1, 2, 3, 2] = np.nan, np.inf, -np.inf
    x[1, 0, 0] = np.nan          # a whole pixel; the rest scale by the finite values

    def fn(m, t):
        with m.name_scope("outer"):
            return m.summary.merge([m.summary.image("a", t, family="fam"),
                                    m.summary.image("a", t[:, :, :, :1], max_outputs=1)])
    same_images(*both(fn, x))
    g = np.full((1, 2, 2, 1), np.nan, np.float32)
    same_images(*both(lambda m, t: m.summary.image("nan", t), g))


def test_empty_batch():
    x = np.zeros((0, 3, 4, 1), np.float32)
    ours, theirs = both(lambda m, t: m.summary.image("e", t), x)
    assert len(ours.value) == len(theirs.value) == 0


@pytest.mark.parametrize("arr", [
    np.array([b"hello", b"**bold**", "caf\u00e9".encode()], object),
    np.array(b"one", object),
    np.array([[b"a", b""], [b"c", b"d"]], object)])
def test_text(arr):
    ours, theirs = both(lambda m, t: m.summary.text("notes", t), arr)
    assert ours == theirs          # tag, TensorProto and metadata, field by field
    assert ours.SerializeToString() == theirs.SerializeToString()
    assert ours.value[0].metadata.plugin_data.plugin_name == "text"


@pytest.mark.parametrize("arr", [np.arange(6, dtype=np.float32).reshape(2, 3),
                                 np.array(3, np.int64), np.array([True, False]),
                                 np.arange(4, dtype=np.float64), np.zeros((0, 2), np.int32)])
@pytest.mark.parametrize("kw", [{}, {"summary_description": "desc"},
                                {"display_name": "Shown", "family": "fam"}])
def test_tensor_summary(arr, kw):
    ours, theirs = both(lambda m, t: m.summary.tensor_summary("ten", t, **kw), arr)
    assert ours.SerializeToString() == theirs.SerializeToString()
    np.testing.assert_array_equal(tf.make_ndarray(ours.value[0].tensor), arr)


def test_tensor_summary_with_metadata():
    x = np.ones((2,), np.float32)
    meta = {gc: SummaryMetadata(), v1: v1.SummaryMetadata()}
    for m in meta:
        meta[m].plugin_data.plugin_name = "custom"
        meta[m].plugin_data.content = b"\x01\x02"
    ours, theirs = both(lambda m, t: m.summary.tensor_summary(
        "ten", t, summary_metadata=meta[m], summary_description="d"), x)
    assert ours.SerializeToString() == theirs.SerializeToString()


def wav_samples(data):
    with wave.open(io.BytesIO(data)) as w:
        return (w.getnchannels(), w.getframerate(), w.getsampwidth(),
                np.frombuffer(w.readframes(w.getnframes()), "<i2"))


@pytest.mark.parametrize("shape", [(2, 50), (3, 40, 2), (1, 7, 1)])
@pytest.mark.parametrize("max_outputs", [1, 3])
@pytest.mark.parametrize("rate", [8000.0, 22050.7, 22050.5, 22051.5])
def test_audio(shape, max_outputs, rate):
    x = np.random.default_rng(3).uniform(-1.3, 1.3, shape).astype(np.float32)
    x.flat[:7] = [1.0, -1.0, 0.5 / 32768, -1.5 / 32768, 2.5 / 32768, 0.49999997 / 32768, 0]
    ours, theirs = both(lambda m, t: m.summary.audio("speech", t, rate,
                                                     max_outputs=max_outputs), x)
    assert [v.tag for v in ours.value] == [v.tag for v in theirs.value]
    for a, b in zip(ours.value, theirs.value):
        assert a.audio.sample_rate == b.audio.sample_rate
        assert (a.audio.num_channels, a.audio.length_frames, a.audio.content_type) == \
            (b.audio.num_channels, b.audio.length_frames, b.audio.content_type)
        wa, wb = wav_samples(a.audio.encoded_audio_string), \
            wav_samples(b.audio.encoded_audio_string)
        assert wa[:3] == wb[:3]
        np.testing.assert_array_equal(wa[3], wb[3])
        assert a.audio.encoded_audio_string == b.audio.encoded_audio_string
