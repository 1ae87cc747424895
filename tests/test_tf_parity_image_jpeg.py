"""TF parity of the JPEG and GIF codecs: TF-made JPEGs (qualities, 4:2:0 / 4:4:4,
progressive, gray) and graphc-made ones (4:2:2, 4:4:0, restart markers) decoded by both
libraries with every dct_method, ratio and channels; GIFs from tests/gif_writer.py;
errors. Pixels must be identical; graphc's encoder must decode well in TF."""
import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc
from gif_writer import gif
from graphc.ops.image_jpeg_encode import jpeg_encode

pytestmark = pytest.mark.skipif(tf is None, reason="TensorFlow is not installed")


def _image(h, w, c=3, seed=0):
    r = np.random.default_rng(seed)
    x = np.cumsum(np.cumsum(r.integers(-6, 7, (h, w, c)), 0), 1)
    return ((x - x.min()) / (np.ptp(x) + 1) * 255).astype(np.uint8)


def _tf_run(fn):
    g = tf.Graph()
    with g.as_default():
        out = fn(v1)
        with v1.Session(graph=g) as s:
            return s.run(out)


def _gc_run(fn):
    with gc.Session() as s:
        return s.run(fn(gc))


def _tf_jpegs():
    out = []
    for h, w in ((37, 45), (9, 23), (1, 1), (64, 50)):
        x = _image(h, w)
        for kw in (dict(quality=30), dict(quality=75), dict(quality=95),
                   dict(chroma_downsampling=False), dict(progressive=True, quality=80),
                   dict(progressive=True, chroma_downsampling=False)):
            out.append((f"tf{h}x{w}{kw}", _tf_run(lambda m: m.image.encode_jpeg(x, **kw))))
        out.append((f"tfgray{h}x{w}", _tf_run(lambda m: m.image.encode_jpeg(x[..., :1]))))
        out.append((f"tfgrayprog{h}x{w}", _tf_run(
            lambda m: m.image.encode_jpeg(x[..., :1], progressive=True))))
        for sampling in ((2, 1), (1, 2), (2, 2)):
            for restart in (0, 3):
                out.append((f"gc{h}x{w}{sampling}r{restart}",
                            jpeg_encode(x, 85, sampling=sampling, restart=restart)))
    return out


JPEGS = _tf_jpegs() if tf is not None else []
OPTIONS = [dict(), dict(dct_method="INTEGER_ACCURATE"), dict(dct_method="INTEGER_FAST"),
           dict(ratio=2), dict(ratio=4), dict(ratio=8), dict(fancy_upscaling=False),
           dict(channels=1), dict(channels=3, ratio=2, dct_method="INTEGER_ACCURATE")]


@pytest.mark.parametrize("name,data", JPEGS, ids=[n for n, _ in JPEGS])
def test_decode_jpeg_pixels_identical(name, data):
    for kw in OPTIONS:
        want = _tf_run(lambda m: m.image.decode_jpeg(data, **kw))
        got = _gc_run(lambda m: m.image.decode_jpeg(data, **kw))
        assert got.dtype == want.dtype and got.shape == want.shape, kw
        np.testing.assert_array_equal(got, want, err_msg=str(kw))


def test_small_widths_and_heights_every_subsampling():
    for h in (1, 2, 5, 9, 17):
        for w in (1, 2, 3, 4, 5, 8, 17):
            for sampling in ((2, 2), (2, 1), (1, 2)):
                data = jpeg_encode(_image(h, w, seed=h * w), 80, sampling=sampling)
                for kw in (dict(), dict(ratio=2), dict(ratio=4)):
                    want = _tf_run(lambda m: m.image.decode_jpeg(data, **kw))
                    got = _gc_run(lambda m: m.image.decode_jpeg(data, **kw))
                    np.testing.assert_array_equal(got, want, err_msg=f"{h}x{w} {sampling}")


def test_decode_image_and_extract_shape_and_recovery():
    from png_writer import bmp
    small = np.random.default_rng(1).integers(0, 256, (3, 4, 3)).astype(np.uint8)
    wide = lambda m: m.image.decode_image(bmp(small, False), dtype=m.uint16)  # noqa: E731
    np.testing.assert_array_equal(_gc_run(wide), _tf_run(wide))
    x = np.random.default_rng(0).integers(0, 256, (64, 64, 3)).astype(np.uint8)
    data = _tf_run(lambda m: m.image.encode_jpeg(x))
    for fn in (lambda m: m.image.decode_image(data),
               lambda m: m.image.decode_image(data, channels=1, dtype=m.uint16),
               lambda m: m.image.decode_image(data, dtype=m.float32),
               lambda m: m.image.extract_jpeg_shape(data),
               lambda m: m.image.extract_jpeg_shape(data, output_type=m.int64)):
        want, got = _tf_run(fn), _gc_run(fn)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    # a truncated file: the rows decoded before the data ends agree (TF's rows after
    # it are libjpeg's leftovers, graphc's are gray: a documented difference)
    cut = lambda m: m.image.decode_jpeg(data[:len(data) // 2],  # noqa: E731
                                        try_recover_truncated=True)
    want, got = _tf_run(cut), _gc_run(cut)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got[:15], want[:15])


def test_encoder_output_decodes_in_tf():
    x = _image(48, 70, seed=3)
    for kw in (dict(), dict(quality=50), dict(chroma_downsampling=False)):
        data = _gc_run(lambda m: m.image.encode_jpeg(x, **kw))
        back = _tf_run(lambda m: m.image.decode_jpeg(data))
        np.testing.assert_array_equal(back, _gc_run(lambda m: m.image.decode_jpeg(data)))
        mse = np.mean((back.astype(float) - x) ** 2)
        assert 10 * np.log10(255 ** 2 / mse) > (30 if kw.get("quality") else 35)
    gray = _gc_run(lambda m: m.image.encode_jpeg(x[..., :1]))
    assert _tf_run(lambda m: m.image.decode_jpeg(gray)).shape == (48, 70, 1)


def test_adjust_jpeg_quality_close_to_tf():
    x = _image(20, 30).astype(np.float32) / 255
    want = _tf_run(lambda m: m.image.adjust_jpeg_quality(x, 60))
    got = _gc_run(lambda m: m.image.adjust_jpeg_quality(x, 60))
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.abs(got - want).max() < 0.1     # different encoders, same decoder


_PAL = [(0, 0, 0), (250, 10, 10), (10, 250, 10), (10, 10, 250), (7, 77, 177), (1, 2, 3)]


def _gifs():
    r = np.random.default_rng(5)
    a, b, c = r.integers(0, 6, (20, 30)), r.integers(0, 6, (5, 8)), r.integers(0, 6, (10, 40))
    big = r.integers(0, 6, (120, 150))
    big[30:70] = 4
    return [gif(30, 20, [dict(pixels=a)], _PAL),
            gif(30, 20, [dict(pixels=a)], _PAL, interlace=True),
            gif(30, 20, [dict(pixels=a), dict(pixels=b, left=3, top=4, transparent=2,
                                              disposal=2)], _PAL),
            gif(30, 20, [dict(pixels=b, left=3, top=4, transparent=1),
                         dict(pixels=b, left=10, top=1, disposal=3),
                         dict(pixels=a, transparent=0, disposal=1)], _PAL),
            gif(30, 20, [dict(pixels=c, left=25, top=15)], _PAL),
            gif(30, 20, [dict(pixels=a, palette=_PAL[::-1])], _PAL),
            gif(150, 120, [dict(pixels=big)], _PAL)]


@pytest.mark.parametrize("k", range(7))
def test_decode_gif_identical(k):
    data = _gifs()[k]
    for fn in (lambda m: m.image.decode_gif(data), lambda m: m.image.decode_image(data),
               lambda m: m.image.decode_image(data, expand_animations=False)):
        want, got = _tf_run(fn), _gc_run(fn)
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("fn", [
    lambda m: m.image.decode_jpeg(b""),
    lambda m: m.image.decode_jpeg(b"\xff\xd8\xff" + b"abc"),
    lambda m: m.image.decode_jpeg(jpeg_encode(_image(30, 30), 95)[:-2]),
    lambda m: m.image.decode_jpeg(jpeg_encode(_image(40, 40), 95)[:700]),
    lambda m: m.image.decode_and_crop_jpeg(jpeg_encode(_image(16, 16), 95), [10, 0, 8, 8]),
    lambda m: m.image.encode_jpeg(np.zeros((4, 4, 3), np.uint8), quality=101),
    lambda m: m.image.encode_jpeg(np.zeros((4, 4, 3), np.uint8), format="grayscale"),
    lambda m: m.image.decode_gif(b"GIF89a"),
    lambda m: m.image.decode_gif(gif(5, 4, [dict(pixels=np.ones((4, 5), int))], _PAL)[:30]),
])
def test_errors_are_invalid_argument(fn):
    with pytest.raises(tf.errors.InvalidArgumentError):
        _tf_run(fn)
    with pytest.raises(gc.errors.InvalidArgumentError):
        _gc_run(fn)
