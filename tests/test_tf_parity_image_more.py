"""TF parity for the image_more functions: NMS, crop_and_resize, colour, quality, PNG."""
import numpy as np
import pytest

from tf_parity import check, tf, v1  # noqa: F401 (tf: skips without TensorFlow)

import graphc as gc


def _boxes(rng, n, flip=True):
    c = rng.uniform(0, 1, (n, 2))
    s = rng.uniform(0.05, 0.5, (n, 2))
    b = np.concatenate([c - s / 2, c + s / 2], 1)
    if flip:                                   # some boxes with their corners swapped
        sw = rng.random(n) < 0.3
        b[sw] = b[sw][:, [2, 3, 0, 1]]
    return b.astype(np.float32)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("iou,score", [(0.5, float("-inf")), (0.3, 0.2), (0.0, 0.5)])
def test_non_max_suppression(seed, iou, score):
    rng = np.random.default_rng(seed)
    b = _boxes(rng, 30)
    s = rng.uniform(0, 1, 30).astype(np.float32)
    s[:6] = s[6:12]                         # equal scores: lower index first
    check(lambda m, b, s: m.image.non_max_suppression(b, s, 12, iou, score), b, s)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("sigma", [0.0, 0.3, 1.0])
def test_non_max_suppression_with_scores(seed, sigma):
    rng = np.random.default_rng(seed)
    b, s = _boxes(rng, 25), rng.uniform(0, 1, 25).astype(np.float32)
    check(lambda m, b, s: m.image.non_max_suppression_with_scores(
        b, s, 20, 0.6, 0.1, soft_nms_sigma=sigma), b, s, grad=False)


def test_non_max_suppression_degenerate_boxes():
    b = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 2], [.5, .5, 0, 0],
                  [0, 0, .9, 1], [1, 1, 0, 0]], np.float32)
    s = np.array([.9, .8, .7, .6, .95, .9], np.float32)
    check(lambda m, b, s: m.image.non_max_suppression_with_scores(b, s, 6, 0.5), b, s,
          grad=False)


@pytest.mark.parametrize("pad", [False, True])
def test_non_max_suppression_padded(pad):
    rng = np.random.default_rng(7)
    b, s = _boxes(rng, 20), rng.uniform(0, 1, 20).astype(np.float32)
    # TF 2's endpoint runs a tiled approximation; TF1's was NonMaxSuppressionV4 (greedy)

    def fn(m, b, s):
        if m is v1:
            return tf.raw_ops.NonMaxSuppressionV4(
                boxes=b, scores=s, max_output_size=15, iou_threshold=0.2,
                score_threshold=0.3, pad_to_max_output_size=pad)
        return m.image.non_max_suppression_padded(b, s, 15, 0.2, 0.3,
                                                  pad_to_max_output_size=pad)
    check(fn, b, s)


def test_non_max_suppression_overlaps():
    rng = np.random.default_rng(3)
    o = rng.uniform(0, 1, (12, 12)).astype(np.float32)
    s = rng.uniform(0, 1, 12).astype(np.float32)
    check(lambda m, o, s: m.image.non_max_suppression_overlaps(o, s, 8, 0.6, 0.2), o, s)


@pytest.mark.parametrize("q", [1, 3])
@pytest.mark.parametrize("pad,clip", [(False, True), (True, False), (True, True)])
def test_combined_non_max_suppression(q, pad, clip):
    rng = np.random.default_rng(q)
    b = np.stack([np.stack([_boxes(rng, 10) * 1.4 - 0.2 for _ in range(q)], 1)
                  for _ in range(2)])
    s = rng.uniform(0, 1, (2, 10, 3)).astype(np.float32)
    check(lambda m, b, s: m.image.combined_non_max_suppression(
        b, s, 4, 7, 0.4, 0.3, pad_per_class=pad, clip_boxes=clip), b, s, grad=False)


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("crop", [(3, 4), (1, 5), (4, 1)])
def test_crop_and_resize(method, crop):
    rng = np.random.default_rng(1)
    img = rng.standard_normal((2, 5, 6, 3)).astype(np.float32)
    boxes = np.array([[0.1, 0.2, 0.7, 0.9], [0.8, 0.9, 0.15, 0.05], [-0.2, 0.3, 0.6, 1.3],
                      [0.33, 0.12, 0.61, 0.77]], np.float32)
    ind = np.array([1, 0, 1, 0], np.int32)
    check(lambda m, x, b: m.image.crop_and_resize(x, b, ind, crop, method=method,
                                                  extrapolation_value=-1.5),
          img, boxes, rtol=1e-5, atol=1e-5)


def test_crop_and_resize_int_image_and_box_indices():
    img = np.arange(2 * 4 * 5 * 2, dtype=np.uint8).reshape(2, 4, 5, 2)
    b = np.array([[0.1, 0.2, 0.7, 0.9], [0.5, 0.0, 1.0, 0.5]], np.float32)
    check(lambda m, x, b: m.image.crop_and_resize(x, b, box_ind=[1, 0], crop_size=[3, 2]),
          img, b, rtol=1e-5, atol=1e-5)


def _rgb(*shape, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, shape).astype(np.float32)


@pytest.mark.parametrize("delta", [0.3, -0.7, 0.0])
def test_adjust_hue(delta):
    check(lambda m, x: m.image.adjust_hue(x, delta), _rgb(2, 3, 4, 3), grad=False,
          rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("factor", [0.0, 0.4, 2.5])
def test_adjust_saturation(factor):
    check(lambda m, x: m.image.adjust_saturation(x, factor), _rgb(3, 4, 3), grad=False,
          rtol=1e-5, atol=1e-5)


def test_adjust_hue_saturation_uint8():
    x = np.random.default_rng(2).integers(0, 256, (4, 5, 3)).astype(np.uint8)
    check(lambda m, x: [m.image.adjust_hue(x, 0.25), m.image.adjust_saturation(x, 1.7)],
          x, atol=1)


@pytest.mark.parametrize("fn", ["rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"])
def test_colour_spaces(fn):
    check(lambda m, x: getattr(m.image, fn)(x), _rgb(2, 3, 4, 3).astype(np.float64),
          rtol=1e-6, atol=1e-6)


def test_psnr():
    a, b = _rgb(2, 5, 6, 3, seed=1), _rgb(2, 5, 6, 3, seed=2)
    check(lambda m, a, b: m.image.psnr(a, b, 1.0), a, b, rtol=1e-5, atol=1e-5)
    u, v = (a * 255).astype(np.uint8), (b * 255).astype(np.uint8)
    check(lambda m, a, b: m.image.psnr(a, b, 255), u, v, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kw", [{}, dict(filter_size=5, filter_sigma=0.8, k1=0.02, k2=0.05)])
def test_ssim(kw):
    a, b = _rgb(2, 13, 12, 3, seed=1), _rgb(2, 13, 12, 3, seed=2)
    b = 0.6 * a + 0.4 * b
    check(lambda m, a, b: m.image.ssim(a, b, 1.0, **kw), a, b, rtol=1e-4, atol=1e-5)


def test_ssim_multiscale():
    a, b = _rgb(1, 23, 26, 2, seed=3), _rgb(1, 23, 26, 2, seed=4)
    b = 0.7 * a + 0.3 * b
    check(lambda m, a, b: m.image.ssim_multiscale(a, b, 1.0, power_factors=(0.3, 0.3, 0.4),
                                                  filter_size=5), a, b, rtol=1e-4,
          atol=1e-5)


# ---- codecs: graphc and TF decode the same bytes --------------------------------------
def _decode_both(fn_name, data, **kw):
    g = gc.Graph()
    with g.as_default():
        s = gc.placeholder(gc.string, [])
        gkw = {k: (gc.as_dtype(v.name) if k == "dtype" else v) for k, v in kw.items()}
        out = getattr(gc.image, fn_name)(s, **gkw)
        with gc.Session() as sess:
            got = sess.run(out, {s: np.array(data, dtype=object)})
    with tf.Graph().as_default():
        out = getattr(v1.image, fn_name)(tf.constant(data), **kw)
        with v1.Session() as sess:
            want = sess.run(out)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_array_equal(got, want)


def _png_cases():
    from png_writer import png
    rng = np.random.default_rng(0)
    pal = rng.integers(0, 256, (7, 3))
    cases = []
    for depth in (1, 2, 4, 8, 16):
        cases.append(("gray%d" % depth, png(rng.integers(0, 2 ** depth, (5, 11, 1)),
                                             depth, 0)))
    for depth in (1, 2, 4, 8):
        cases.append(("palette%d" % depth, png(rng.integers(0, min(7, 2 ** depth),
                                                            (4, 9, 1)), depth, 3, pal)))
    cases.append(("palette_trns", png(rng.integers(0, 7, (4, 6, 1)), 8, 3, pal,
                                      trns=[0, 128, 255])))
    for depth in (8, 16):
        for ctype, count in ((2, 3), (4, 2), (6, 4)):
            cases.append((f"c{ctype}d{depth}", png(rng.integers(0, 2 ** depth,
                                                                 (6, 7, count)),
                                                    depth, ctype)))
    return cases


@pytest.mark.parametrize("case", _png_cases(), ids=lambda c: c[0])
@pytest.mark.parametrize("channels", [0, 1, 3, 4])
@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
def test_decode_png_matches_tf(case, channels, dtype):
    _decode_both("decode_png", case[1], channels=channels, dtype=getattr(tf, dtype))


@pytest.mark.parametrize("shape,dtype", [((5, 7, 1), np.uint8), ((4, 3, 3), np.uint8),
                                         ((6, 2, 4), np.uint16), ((3, 5, 2), np.uint16)])
def test_encode_png_round_trips_through_tf(shape, dtype):
    x = np.random.default_rng(1).integers(0, np.iinfo(dtype).max, shape).astype(dtype)
    with gc.Graph().as_default():
        s = gc.image.encode_png(x, compression=9)
        with gc.Session() as sess:
            data = sess.run(s)
    with tf.Graph().as_default():
        back = v1.image.decode_png(tf.constant(data), dtype=tf.as_dtype(dtype))
        tf_png = v1.image.encode_png(x)
        with v1.Session() as sess:
            got, theirs = sess.run([back, tf_png])
    np.testing.assert_array_equal(got, x)
    _decode_both("decode_png", theirs, dtype=tf.as_dtype(dtype))


@pytest.mark.parametrize("c", [3, 4])
@pytest.mark.parametrize("top_down", [False, True])
def test_decode_bmp_matches_tf(c, top_down):
    from png_writer import bmp
    x = np.random.default_rng(c).integers(0, 256, (5, 7, c)).astype(np.uint8)
    _decode_both("decode_bmp", bmp(x, top_down))


def test_decode_image_and_is_jpeg():
    from png_writer import bmp, png
    x = np.random.default_rng(5).integers(0, 256, (3, 4, 3)).astype(np.uint8)
    for data in (png(x, 8, 2), bmp(x)):
        _decode_both("decode_image", data, channels=3, expand_animations=False)
    for data in (png(x, 8, 2), b"\xff\xd8\xff\xe0rest"):
        _decode_both("is_jpeg", data)


# ---- boxes: drawing, glimpses, padding resize, random crops ---------------------------
@pytest.mark.parametrize("depth", [1, 3, 4])
@pytest.mark.parametrize("colors", [None, [[0.2, 0.4, 0.6, 0.8], [0.9, 0.1, 0.3, 0.5]]])
def test_draw_bounding_boxes(depth, colors):
    if colors is not None and depth == 1:
        pytest.skip("TF's gray rule only for the default table is checked")
    img = np.random.default_rng(depth).uniform(0, 0.5, (2, 6, 7, depth)).astype(np.float32)
    boxes = np.array([[[0.1, 0.2, 0.9, 0.95], [-0.2, -0.1, 0.5, 1.2], [0.6, 0.5, 0.2, 0.9]],
                      [[0.0, 0.0, 1.0, 1.0], [0.3, 0.3, 0.31, 0.32], [1.2, 0, 1.5, 1]]],
                     np.float32)
    kw = {} if colors is None else {"colors": np.asarray(colors, np.float32)}
    check(lambda m, x, b: m.image.draw_bounding_boxes(x, b, **kw), img, boxes, grad=False)


@pytest.mark.parametrize("centered,normalized,offsets", [
    (True, True, [[0.1, 0.13], [-0.35, 0.45]]), (False, False, [[2.6, 3.5], [1.5, 2.5]]),
    (True, False, [[-1.5, 2.5], [0.0, 0.0]])])
def test_extract_glimpse_inside(centered, normalized, offsets):
    x = np.random.default_rng(0).standard_normal((2, 6, 7, 2)).astype(np.float32)
    off = np.asarray(offsets, np.float32)
    check(lambda m, x, o: m.image.extract_glimpse(x, [3, 4], o, centered=centered,
                                                  normalized=normalized), x, off,
          grad=False)


@pytest.mark.parametrize("shape,target", [((5, 7, 3), (6, 6)), ((2, 4, 9, 1), (8, 5)),
                                          ((6, 3, 2), (6, 3))])
@pytest.mark.parametrize("method", [0, 1])
def test_resize_image_with_pad(shape, target, method):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    check(lambda m, x: m.image.resize_image_with_pad(x, *target, method=method), x,
          rtol=1e-5, atol=1e-5)


def test_sample_distorted_bounding_box_shapes_and_dtypes():
    for dt in (np.int32, np.int64, np.uint8):
        check(lambda m, s: m.image.sample_distorted_bounding_box(
            s, [[[0.1, 0.1, 0.8, 0.9]]], seed=3, min_object_covered=0.3),
            np.array([40, 50, 3], dt), values=False, placeholders=False)
