"""gc.image's JPEG and GIF codecs (graphc/image_jpeg.py, ops/image_jpeg*.py,
ops/image_gif.py) without TensorFlow: round trips, exact pixels of a TF-made progressive
JPEG (CRC-32 of TF's own decodes), GIF composition, static shapes and errors."""
import base64
import zlib

import numpy as np
import pytest

import graphc as gc
from gif_writer import gif
from graphc.ops.image_jpeg_encode import jpeg_encode
from graphc.ops.image_jpeg_pixels import decode_jpeg_pixels

# tf.io.encode_jpeg(image, quality=80, progressive=True) of _pattern(), by TF 2.21
_TF_PROGRESSIVE = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEBLAEsAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUf"
    "GhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgo"
    "KCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wgARCAANABUDASIAAhEBAxEB/8QAFgABAQEAAAAA"
    "AAAAAAAAAAAABgAF/8QAFgEBAQEAAAAAAAAAAAAAAAAABAMG/9oADAMBAAIQAxAAAAEhrotiQzU6laX/xAAZ"
    "EAADAQEBAAAAAAAAAAAAAAAAAgMEESH/2gAIAQEAAQUClkJZBMvkoqSiokV5/8QAGREAAgMBAAAAAAAAAAAA"
    "AAAAAAECBAUR/9oACAEDAQE/AaOmyOo+H//EABYRAQEBAAAAAAAAAAAAAAAAAAADE//aAAgBAgEBPwGdmz//"
    "xAAWEAEBAQAAAAAAAAAAAAAAAAAxACD/2gAIAQEABj8CIjH/xAAUEAEAAAAAAAAAAAAAAAAAAAAg/9oACAEB"
    "AAE/IUAiSf/aAAwDAQACAAMAAAAQJx//xAAWEQEBAQAAAAAAAAAAAAAAAAAAESH/2gAIAQMBAT8Qxpb/xAAW"
    "EQEBAQAAAAAAAAAAAAAAAAABABH/2gAIAQIBAT8QWHl//8QAGhAAAgMBAQAAAAAAAAAAAAAAACExocFB8f/a"
    "AAgBAQABPxCDBBg8YRVCKo4dH//Z")
# CRC-32 of TF's decode_jpeg(_TF_PROGRESSIVE, **kwargs) pixels (their shape in the key)
_TF_CRC = [({}, (13, 21, 3), 1150098060),
           ({"dct_method": "INTEGER_ACCURATE"}, (13, 21, 3), 131071401),
           ({"ratio": 2}, (7, 11, 3), 3276503808),
           ({"channels": 1}, (13, 21, 1), 272390151),
           ({"fancy_upscaling": False}, (13, 21, 3), 1529230403)]


def _pattern():
    y, x = np.mgrid[0:13, 0:21]
    return np.stack([(x * 12) % 256, (y * 19) % 256, ((x + y) * 7) % 256], -1).astype(np.uint8)


def _smooth(h, w, c=3, seed=0):
    y, x = np.mgrid[0:h, 0:w]
    base = [(np.sin(x / 6 + k) + np.cos(y / 9 - k)) * 60 + 128 for k in range(c)]
    noise = np.random.default_rng(seed).integers(-2, 3, (h, w, c))
    return np.clip(np.stack(base, -1) + noise, 0, 255).astype(np.uint8)


def _psnr(a, b):
    mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return 10 * np.log10(255 ** 2 / max(mse, 1e-12))


def _run(t, feed=None):
    with gc.Session() as s:
        return s.run(t, feed)


@pytest.mark.parametrize("kwargs,shape,crc", _TF_CRC)
def test_tf_progressive_jpeg_pixels_match_tf_exactly(kwargs, shape, crc):
    out = _run(gc.image.decode_jpeg(_TF_PROGRESSIVE, **kwargs))
    assert out.shape == shape and out.dtype == np.uint8
    assert zlib.crc32(out.tobytes()) == crc


@pytest.mark.parametrize("sampling", [(1, 1), (2, 1), (1, 2), (2, 2)])
@pytest.mark.parametrize("restart", [0, 2])
def test_round_trip_every_subsampling_and_restart_interval(sampling, restart):
    x = _smooth(19, 27)
    data = jpeg_encode(x, 95, sampling=sampling, restart=restart)
    assert data.count(b"\xff\xd0") == (restart > 0)
    for method in ("fast", "accurate"):
        assert _psnr(decode_jpeg_pixels(data, method=method), x) > 30
    small = decode_jpeg_pixels(data, ratio=2)
    assert small.shape == (10, 14, 3)
    for ratio, hw in ((4, (5, 7)), (8, (3, 4))):
        assert decode_jpeg_pixels(data, ratio=ratio).shape == hw + (3,)


def test_encode_jpeg_op_quality_and_gray():
    x = _smooth(30, 41)
    low, high = gc.image.encode_jpeg(x, quality=10), gc.image.encode_jpeg(x, quality=95)
    lo, hi = _run([low, high])
    assert len(lo) < len(hi)
    assert lo[:2] == b"\xff\xd8" and b"JFIF" in lo[:20]
    back = _run(gc.image.decode_jpeg(hi))
    assert _psnr(back, x) > 32
    gray = _run(gc.image.decode_jpeg(gc.image.encode_jpeg(x[..., :1], format="grayscale")))
    assert gray.shape == (30, 41, 1) and _psnr(gray, x[..., :1]) > 35
    assert _run(gc.image.extract_jpeg_shape(hi, output_type=gc.int64)).tolist() == [30, 41, 3]
    xmp = _run(gc.image.encode_jpeg(x, xmp_metadata="<x/>", density_unit="cm"))
    assert b"http://ns.adobe.com/xap/1.0/\x00<x/>" in xmp


def test_channels_conversions_and_crop():
    x = _smooth(16, 24)
    data = jpeg_encode(x, 90)
    rgb = _run(gc.image.decode_jpeg(data))
    gray = _run(gc.image.decode_jpeg(data, channels=1))
    assert gray.shape == (16, 24, 1)
    crop = _run(gc.image.decode_and_crop_jpeg(data, [3, 5, 7, 9]))
    np.testing.assert_array_equal(crop, rgb[3:10, 5:14])
    g3 = _run(gc.image.decode_jpeg(jpeg_encode(x[..., :1], 90), channels=3))
    assert g3.shape == (16, 24, 3) and (g3[..., 0] == g3[..., 2]).all()


def test_adjust_and_random_jpeg_quality_keep_dtype_and_shape():
    x = _smooth(12, 20).astype(np.float32) / 255
    out = gc.image.adjust_jpeg_quality(x, 90)
    assert out.dtype == gc.float32 and out.shape.as_list() == [None, None, 3]
    v = _run(out)
    assert v.shape == x.shape and np.abs(v - x).mean() < 0.03
    r = _run(gc.image.random_jpeg_quality(x, 50, 90, seed=3))
    assert r.shape == x.shape
    with pytest.raises(ValueError, match="between 0 and 100"):
        gc.image.random_jpeg_quality(x, -1, 90)
    with pytest.raises(ValueError, match="less than"):
        gc.image.random_jpeg_quality(x, 90, 90)


_PAL = [(0, 0, 0), (250, 10, 10), (10, 250, 10), (10, 10, 250), (7, 77, 177)]


def test_decode_gif_frames_transparency_offsets_interlace():
    r = np.random.default_rng(0)
    a, b = r.integers(0, 5, (9, 14)), r.integers(0, 5, (4, 5))
    data = gif(14, 9, [dict(pixels=a), dict(pixels=b, left=6, top=3, transparent=2,
                                            disposal=2)], _PAL, interlace=True)
    out = _run(gc.image.decode_gif(data))
    pal = np.array(_PAL, np.uint8)
    assert out.shape == (2, 9, 14, 3)
    np.testing.assert_array_equal(out[0], pal[a])
    want = pal[a].copy()
    keep = b == 2
    want[3:7, 6:11][~keep] = pal[b][~keep]
    np.testing.assert_array_equal(out[1], want)      # disposal is not applied (as TF)
    first = _run(gc.image.decode_image(data, expand_animations=False))
    np.testing.assert_array_equal(first, pal[a])


def test_decode_gif_long_lzw_stream_and_local_palette():
    r = np.random.default_rng(1)
    big = r.integers(0, 4, (60, 90))
    big[10:40] = 3
    local = [(1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12)]
    out = _run(gc.image.decode_gif(gif(90, 60, [dict(pixels=big, palette=local)], _PAL)))
    np.testing.assert_array_equal(out[0], np.array(local, np.uint8)[big])


def test_decode_image_dispatches_every_format():
    x = _smooth(8, 10)
    jpg = jpeg_encode(x, 95)
    t = gc.image.decode_image(jpg)
    assert t.shape.rank is None
    np.testing.assert_array_equal(_run(t), decode_jpeg_pixels(jpg))
    wide = _run(gc.image.decode_image(jpg, dtype=gc.uint16, expand_animations=False))
    assert wide.dtype == np.uint16 and (wide % 256 == 0).all()
    assert _run(gc.image.is_jpeg(jpg))
    png = _run(gc.image.encode_png(x))
    np.testing.assert_array_equal(_run(gc.image.decode_image(png)), x)
    with pytest.raises(gc.errors.InvalidArgumentError, match="Unknown image file format"):
        _run(gc.image.decode_image(b"nothing"))


def test_static_shapes():
    p = gc.placeholder(gc.string, [])
    assert gc.image.decode_jpeg(p, channels=3).shape.as_list() == [None, None, 3]
    assert gc.image.decode_jpeg(p).shape.as_list() == [None, None, None]
    assert gc.image.decode_gif(p).shape.as_list() == [None, None, None, 3]
    assert gc.image.decode_and_crop_jpeg(p, [1, 2, 3, 4], 1).shape.as_list() == [3, 4, 1]
    assert gc.image.extract_jpeg_shape(p).shape.as_list() == [3]
    assert gc.image.decode_image(p, expand_animations=False).shape.as_list() == [None] * 3
    assert gc.image.encode_jpeg(gc.placeholder(gc.uint8, [None, None, 3])).shape.rank == 0


def test_build_time_errors():
    p = gc.placeholder(gc.string, [])
    with pytest.raises(gc.errors.ShapeError, match="ratio"):
        gc.image.decode_jpeg(p, ratio=3)
    with pytest.raises(gc.errors.ShapeError, match="channels"):
        gc.image.decode_jpeg(p, channels=2)
    with pytest.raises(gc.errors.ShapeError, match="1 or 3 channels"):
        gc.image.encode_jpeg(np.zeros((4, 4, 4), np.uint8))
    with pytest.raises((TypeError, ValueError), match="uint8"):
        gc.image.encode_jpeg(np.zeros((4, 4, 3), np.float32))
    with pytest.raises((TypeError, ValueError), match="string"):
        gc.image.decode_gif(np.zeros(3, np.uint8))


@pytest.mark.parametrize("data,match", [
    (b"", "empty"),
    (b"\xff\xd8\xff" + b"abc", "Invalid JPEG data"),
    (b"\x89PNG\r\n\x1a\n", "Invalid JPEG data"),
])
def test_corrupt_jpeg_is_an_invalid_argument_error(data, match):
    with pytest.raises(gc.errors.InvalidArgumentError, match=match):
        _run(gc.image.decode_jpeg(data))


def test_truncated_jpeg_errors_or_recovers():
    x = np.random.default_rng(0).integers(0, 256, (64, 64, 3)).astype(np.uint8)
    data = jpeg_encode(x, 95)
    full = decode_jpeg_pixels(data)
    for cut in (data[:len(data) // 2], data[:-2]):
        with pytest.raises(gc.errors.InvalidArgumentError, match="premature end"):
            _run(gc.image.decode_jpeg(cut))
    out = _run(gc.image.decode_jpeg(data[:len(data) // 2], try_recover_truncated=True))
    assert out.shape == (64, 64, 3)
    assert (out[-16:] == 128).all()                   # missing blocks decode as gray
    np.testing.assert_array_equal(out[:15], full[:15])   # row 15: chroma context


def test_corrupt_gif_is_an_invalid_argument_error():
    data = gif(5, 4, [dict(pixels=np.ones((4, 5), int))], _PAL)
    for bad in (data[:30], b"GIF89a", b"GIF89a" + bytes(7) + b"\x3b"):
        with pytest.raises(gc.errors.InvalidArgumentError, match="Invalid GIF data"):
            _run(gc.image.decode_gif(bad))
