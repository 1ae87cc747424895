"""gc.summary.image / audio / text / tensor_summary without TensorFlow: what the
serialized Summaries hold, the float image rule, WAV bytes, errors, and the round trip
through FileWriter and summary_iterator (tests/test_tf_parity_summary_media.py compares
with TensorFlow)."""
import io
import wave

import numpy as np
import pytest

import graphc as gc
from graphc.io.events import Summary
from graphc.io.summary_protos import (Audio, Image, PluginData, SummaryMetadata,
                                      TensorProto, to_numpy)
from graphc.ops.image_png import png_decode


def run(fetch, feed=None):
    with gc.Session() as sess:
        return sess.run(fetch, feed)


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


def image_values(x, **kw):
    s = Summary.FromString(run(gc.summary.image("img", gc.constant(x), **kw)))
    return s.value


def test_uint8_images_tags_and_fields():
    x = np.random.default_rng(0).integers(0, 256, (4, 3, 5, 3)).astype(np.uint8)
    vals = image_values(x)
    assert [v.tag for v in vals] == ["img/image/0", "img/image/1", "img/image/2"]
    for i, v in enumerate(vals):
        assert v.WhichOneof("value") == "image" and v.HasField("image")
        assert (v.image.height, v.image.width, v.image.colorspace) == (3, 5, 3)
        np.testing.assert_array_equal(png_decode(v.image.encoded_image_string), x[i])
    one = image_values(x, max_outputs=1)
    assert [v.tag for v in one] == ["img_1/image"]          # a second "img": unique scope
    assert len(image_values(x, max_outputs=10)) == 4


def test_float_rule_nonnegative_and_signed():
    pos = np.array([0.0, 0.5, 1.0, 2.0], np.float32).reshape(1, 2, 2, 1)
    px = png_decode(image_values(pos)[0].image.encoded_image_string)
    np.testing.assert_array_equal(px.ravel(), [0, 63, 127, 255])    # x * 255/2, truncated
    neg = np.array([-2.0, -1.0, 0.0, 1.0], np.float32).reshape(1, 2, 2, 1)
    px = png_decode(image_values(neg)[0].image.encoded_image_string)
    np.testing.assert_array_equal(px.ravel(), [1, 64, 128, 191])    # x * 127/2 + 128
    tiny = np.full((1, 1, 2, 1), 1e-7, np.float32)                  # max < 1e-6: scale 0
    assert png_decode(image_values(tiny)[0].image.encoded_image_string).max() == 0


def test_float_images_one_by_one_and_nonfinite_red():
    x = np.zeros((2, 1, 2, 3), np.float32)
    x[0, 0, 0], x[0, 0, 1] = 1.0, [np.nan, 0.0, 0.0]
    x[1, 0, 0], x[1, 0, 1] = 10.0, 5.0
    a, b = (png_decode(v.image.encoded_image_string) for v in image_values(x))
    np.testing.assert_array_equal(a[0], [[255, 255, 255], [255, 0, 0]])
    np.testing.assert_array_equal(b[0], [[255, 255, 255], [127, 127, 127]])


def test_image_errors():
    with pytest.raises(gc.errors.ShapeError, match="4-D"):
        gc.summary.image("img", gc.zeros((2, 3, 4, 2)))
    with pytest.raises(gc.errors.ShapeError, match="4-D"):
        gc.summary.image("img", gc.zeros((3, 4, 3)))
    with pytest.raises(gc.errors.DTypeError, match="uint8"):
        gc.summary.image("img", gc.zeros((1, 3, 4, 3), gc.int32))
    with pytest.raises(ValueError, match="max_outputs"):
        gc.summary.image("img", gc.zeros((1, 3, 4, 3)), max_outputs=0)
    p = gc.placeholder(gc.float32, None)
    s = gc.summary.image("img", p)
    with pytest.raises(Exception, match="4-D with last dim 1, 3, or 4"):
        run(s, {p: np.zeros((1, 2, 2, 2), np.float32)})


def test_collections_family_merge_and_file_round_trip(tmp_path):
    x = gc.placeholder(gc.float32, (None, 4, 4, 1))
    gc.summary.image("a", x, family="fam")
    gc.summary.audio("b", gc.zeros((1, 5)), 100.0)
    gc.summary.text("c", gc.constant(["hi", "there"]))
    gc.summary.tensor_summary("d", gc.constant([1.0, 2.0]), collections=["mine"])
    assert len(gc.get_collection(gc.GraphKeys.SUMMARIES)) == 3
    assert len(gc.get_collection("mine")) == 1
    merged = gc.summary.merge_all()
    data = np.random.default_rng(1).uniform(size=(2, 4, 4, 1)).astype(np.float32)
    with gc.summary.FileWriter(str(tmp_path)) as w:
        w.add_summary(run(merged, {x: data}), global_step=7)
        path = w.get_filename()
    values = [v for e in gc.summary.summary_iterator(path) if e.HasField("summary")
              for v in e.summary.value]
    assert [v.tag for v in values] == ["fam/fam/a/image/0", "fam/fam/a/image/1",
                                       "b/audio/0", "c"]
    assert values[2].audio.sample_rate == 100.0
    assert values[3].metadata.plugin_data.plugin_name == "text"
    assert to_numpy(values[3].tensor).tolist() == [b"hi", b"there"]


def test_audio_wav():
    x = np.array([[[0.0, 1.0], [-1.0, 0.5 / 32768], [2.0, -1.5 / 32768]]], np.float32)
    v = Summary.FromString(run(gc.summary.audio("s", gc.constant(x), 22050.5,
                                                max_outputs=1))).value
    assert [u.tag for u in v] == ["s/audio"]
    a = v[0].audio
    assert (a.sample_rate, a.num_channels, a.length_frames, a.content_type) == \
        (22050.5, 2, 3, "audio/wav")
    with wave.open(io.BytesIO(a.encoded_audio_string)) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (2, 22050, 2)
        pcm = np.frombuffer(w.readframes(3), "<i2")
    np.testing.assert_array_equal(pcm, [0, 32767, -32768, 1, 32767, -2])   # roundf


def test_audio_errors():
    with pytest.raises(gc.errors.DTypeError, match="float32"):
        gc.summary.audio("s", gc.zeros((1, 3), gc.float64), 10.0)
    with pytest.raises(gc.errors.ShapeError, match="frames"):
        gc.summary.audio("s", gc.zeros((3,)), 10.0)
    with pytest.raises(gc.errors.ShapeError, match="scalar"):
        gc.summary.audio("s", gc.zeros((1, 3)), gc.constant([1.0, 2.0]))
    s = gc.summary.audio("s", gc.zeros((1, 3)), 0.0)
    with pytest.raises(Exception, match="sample_rate must be > 0"):
        run(s)


def test_text_and_tensor_summary():
    v = Summary.FromString(run(gc.summary.text("t", gc.constant("**x**")))).value[0]
    assert v.tag == "t" and v.WhichOneof("value") == "tensor"
    assert v.metadata == SummaryMetadata(plugin_data=PluginData(plugin_name="text"))
    assert to_numpy(v.tensor) == b"**x**" and v.tensor.dtype == 7
    with pytest.raises(ValueError, match="dtype string"):
        gc.summary.text("t", gc.constant(1.0))
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    v = Summary.FromString(run(gc.summary.tensor_summary(
        "u", gc.constant(x), summary_description="d", display_name="D"))).value[0]
    assert [d.size for d in v.tensor.tensor_shape.dim] == [2, 3]
    np.testing.assert_array_equal(to_numpy(v.tensor), x)
    assert (v.metadata.summary_description, v.metadata.display_name) == ("d", "D")
    assert not v.metadata.HasField("plugin_data")


def test_proto_round_trips():
    v = Summary.Value("a", audio=Audio(8000.0, 1, 3, b"RIFF", "audio/wav"),
                      metadata=SummaryMetadata(display_name="n"))
    s = Summary([v, Summary.Value("b", image=Image(1, 2, 3, b"png")),
                 Summary.Value("c", tensor=TensorProto(dtype=1))])
    back = Summary.FromString(s.SerializeToString())
    assert back == s and back.SerializeToString() == s.SerializeToString()
    assert back.value[0].HasField("metadata") and not back.value[1].HasField("metadata")
    assert back.value[1].image.width == 2 and back.value[0].audio.content_type == "audio/wav"
    assert Summary.Value("x").image == Image()          # an unset kind reads as default


def test_the_docs_section_runs(tmp_path, monkeypatch):
    """docs/summaries.md's image/audio/text section (its ```py block)."""
    import os
    import re
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    monkeypatch.chdir(tmp_path)
    with open(os.path.join(root, "docs", "summaries.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```py\n(.*?)```", f.read(), re.S)
    assert len(blocks) == 1
    exec(compile(blocks[0], "summaries.md[media]", "exec"), {"__name__": "__main__"})
