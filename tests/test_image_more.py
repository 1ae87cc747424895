"""gc.image's detection, colour, quality and codec functions (no TensorFlow needed):
behaviour, edge cases and errors. test_tf_parity_image_more.py compares with TF1."""
import numpy as np
import pytest

import graphc as gc
from png_writer import png


def run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


# ---- non-max suppression --------------------------------------------------------------
BOXES = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11],
                  [0, 10.1, 1, 11.1], [0, 100, 1, 101]], np.float32)
SCORES = np.array([0.9, 0.75, 0.6, 0.95, 0.5, 0.3], np.float32)


def test_nms_picks_best_non_overlapping_boxes():
    keep = gc.image.non_max_suppression(BOXES, SCORES, 3, iou_threshold=0.5)
    assert keep.dtype == gc.int32 and keep.shape.as_list() == [None]
    np.testing.assert_array_equal(run(keep), [3, 0, 5])


def test_nms_corner_order_score_threshold_and_ties():
    flipped = BOXES[:, [2, 3, 0, 1]]
    np.testing.assert_array_equal(run(gc.image.non_max_suppression(flipped, SCORES, 3)),
                                  [3, 0, 5])
    np.testing.assert_array_equal(
        run(gc.image.non_max_suppression(BOXES, SCORES, 10, score_threshold=0.55)), [3, 0])
    same = np.zeros(4, np.float32)            # equal scores: lower index first
    far = np.array([[0, 0, 1, 1], [2, 2, 3, 3], [4, 4, 5, 5], [6, 6, 7, 7]], np.float32)
    np.testing.assert_array_equal(run(gc.image.non_max_suppression(far, same, 4)),
                                  [0, 1, 2, 3])


def test_soft_nms_decays_scores_and_padded_counts():
    idx, sc = gc.image.non_max_suppression_with_scores(BOXES, SCORES, 6,
                                                       soft_nms_sigma=0.5)
    i, s = run([idx, sc])
    assert s.dtype == np.float32 and len(i) == len(s)
    assert list(i[:2]) == [3, 0] and np.all(np.diff(s) <= 0)
    assert s[2] < 0.75                        # box 1's score decayed by box 0
    idx, n = gc.image.non_max_suppression_padded(BOXES, SCORES, 5,
                                                 pad_to_max_output_size=True)
    assert idx.shape.as_list() == [5]
    i, n = run([idx, n])
    np.testing.assert_array_equal(i, [3, 0, 5, 0, 0])
    assert n == 3


def test_nms_errors():
    with pytest.raises(gc.errors.ShapeError, match="num_boxes, 4"):
        gc.image.non_max_suppression(np.zeros((3, 5), np.float32), np.zeros(3), 2)
    with pytest.raises(gc.errors.ShapeError, match="number of boxes"):
        gc.image.non_max_suppression(np.zeros((3, 4), np.float32), np.zeros(2), 2)
    with pytest.raises(gc.errors.ExecutionError, match="iou_threshold"):
        run(gc.image.non_max_suppression(BOXES, SCORES, 2, iou_threshold=1.5))


def test_nms_overlaps_and_combined():
    o = np.array([[1, .8, .1], [.8, 1, .1], [.1, .1, 1]], np.float32)
    keep = gc.image.non_max_suppression_overlaps(o, [0.5, 0.9, 0.2], 3, 0.5)
    np.testing.assert_array_equal(run(keep), [1, 2])
    b = np.broadcast_to(BOXES[None, :, None], (2, 6, 1, 4))
    s = np.stack([np.stack([SCORES, SCORES[::-1]], 1)] * 2)
    out = gc.image.combined_non_max_suppression(b, s, 2, 3, clip_boxes=False)
    assert [t.shape.as_list() for t in out] == [[2, 3, 4], [2, 3], [2, 3], [2]]
    bx, sc, cl, n = run(list(out))
    np.testing.assert_allclose(sc[0], [0.95, 0.95, 0.9])
    np.testing.assert_array_equal(n, [3, 3])
    out = gc.image.combined_non_max_suppression(b, s, 1, 5, pad_per_class=True)
    assert out[0].shape.as_list() == [2, 2, 4]
    assert run(out[0]).max() <= 1.0          # clip_boxes


# ---- crop_and_resize ------------------------------------------------------------------
def test_crop_and_resize_values_and_extrapolation():
    img = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4, 1)
    crops = gc.image.crop_and_resize(img, [[0, 0, 1, 1], [0.5, 0, 1.5, 1]], [1, 0], [3, 4],
                                     extrapolation_value=-1)
    assert crops.dtype == gc.float32 and crops.shape.as_list() == [2, 3, 4, 1]
    c = run(crops)
    np.testing.assert_array_equal(c[0, ..., 0], img[1, ..., 0])
    assert (c[1, 2] == -1).all() and c[1, 0, 0, 0] == 4.0   # y = 0.5 * 2: row 1


def test_crop_and_resize_gradients():
    img = gc.placeholder(gc.float32, [1, 4, 5, 2])
    boxes = gc.placeholder(gc.float32, [2, 4])
    out = gc.image.crop_and_resize(img, boxes, box_indices=[0, 0], crop_size=[3, 3])
    g_img, g_box = gc.gradients(gc.reduce_sum(out), [img, boxes])
    x = np.random.default_rng(0).standard_normal((1, 4, 5, 2)).astype(np.float32)
    b = np.array([[0.1, 0.1, 0.9, 0.8], [0.2, 0.3, 0.6, 0.7]], np.float32)
    gi, gb = run([g_img, g_box], {img: x, boxes: b})
    assert gi.shape == x.shape and gb.shape == (2, 4)
    np.testing.assert_allclose(gi.sum(), 2 * 9 * 2, rtol=1e-5)    # weights sum to 1


def test_crop_and_resize_errors():
    with pytest.raises(ValueError, match="box_ind"):
        gc.image.crop_and_resize(np.zeros((1, 2, 2, 1)), [[0, 0, 1, 1]], crop_size=[2, 2])
    with pytest.raises(gc.errors.ShapeError, match="4-D"):
        gc.image.crop_and_resize(np.zeros((2, 2, 1)), [[0, 0, 1, 1]], [0], [2, 2])
    with pytest.raises(gc.errors.ShapeError, match="method"):
        gc.image.crop_and_resize(np.zeros((1, 2, 2, 1)), [[0, 0, 1, 1]], [0], [2, 2],
                                 method="bicubic")
    out = gc.image.crop_and_resize(np.zeros((1, 2, 2, 1)), [[0, 0, 1, 1]], [3], [2, 2])
    with pytest.raises(gc.errors.ExecutionError, match="box_ind"):
        run(out)


# ---- colour ---------------------------------------------------------------------------
def test_adjust_hue_and_saturation():
    red = np.array([[[1.0, 0.0, 0.0]]], np.float32)
    np.testing.assert_allclose(run(gc.image.adjust_hue(red, 1 / 3)), [[[0, 1, 0]]],
                               atol=1e-6)
    np.testing.assert_allclose(run(gc.image.adjust_hue(red, -1 / 3)), [[[0, 0, 1]]],
                               atol=1e-6)
    np.testing.assert_allclose(run(gc.image.adjust_saturation(red * 0.5 + 0.25, 0.0)),
                               [[[0.75, 0.75, 0.75]]], atol=1e-6)
    u8 = gc.image.adjust_hue(np.full((2, 2, 3), 200, np.uint8), 0.5)
    assert u8.dtype == gc.uint8
    with pytest.raises(ValueError, match="max_delta"):
        gc.image.random_hue(red, 0.7)
    with pytest.raises(ValueError, match="upper"):
        gc.image.random_saturation(red, 1.0, 0.5)
    x = run(gc.image.random_saturation(np.random.rand(3, 4, 3).astype(np.float32), 0.5, 1.5,
                                       seed=1))
    assert x.shape == (3, 4, 3)


def test_yiq_yuv_round_trip_and_gradient():
    x = np.random.default_rng(0).uniform(0, 1, (2, 3, 3))
    for there, back in ((gc.image.rgb_to_yiq, gc.image.yiq_to_rgb),
                        (gc.image.rgb_to_yuv, gc.image.yuv_to_rgb)):
        np.testing.assert_allclose(run(back(there(x))), x, atol=1e-4)
    np.testing.assert_allclose(run(gc.image.rgb_to_yuv(x))[..., 0],
                               x @ [0.299, 0.587, 0.114], rtol=1e-12)
    gc.testing.check_vjp(lambda t: gc.image.adjust_hue(gc.image.rgb_to_yiq(t), 0.2),
                         [x.astype(np.float32) * 0.6 + 0.2], eps=1e-3, rtol=1e-2, atol=1e-3)


# ---- quality --------------------------------------------------------------------------
def test_psnr_and_ssim():
    a = np.random.default_rng(1).uniform(0, 1, (2, 16, 16, 3)).astype(np.float32)
    assert np.isinf(run(gc.image.psnr(a, a, 1.0))).all()
    b = np.clip(a + 0.1, 0, 1)
    p = run(gc.image.psnr(a, b, 1.0))
    mse = ((a - b) ** 2).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(p, 10 * np.log10(1 / mse), rtol=1e-5)
    np.testing.assert_allclose(run(gc.image.ssim(a, a, 1.0)), [1, 1], rtol=1e-5)
    s = gc.image.ssim(a, b, 1.0)
    assert s.shape.as_list() == [2] and (run(s) < 1).all()
    with pytest.raises(gc.errors.ShapeError, match="filter_size"):
        gc.image.ssim(a[:, :8], b[:, :8], 1.0)
    with pytest.raises(gc.errors.ShapeError, match="differ"):
        gc.image.ssim(a, b[:, :, :15], 1.0)


def test_ssim_multiscale_gradient():
    a = np.random.default_rng(2).uniform(0, 1, (1, 12, 13, 1))
    b = np.clip(a + np.random.default_rng(3).normal(0, 0.1, a.shape), 0, 1)
    ms = gc.image.ssim_multiscale(a.astype(np.float32), b.astype(np.float32), 1.0,
                                  power_factors=(0.5, 0.5), filter_size=5)
    assert ms.shape.as_list() == [1] and 0 < run(ms)[0] < 1
    gc.testing.check_vjp(lambda x, y: gc.image.ssim(x, y, 1.0, filter_size=5), [a, b],
                         eps=1e-4, rtol=1e-3, atol=1e-5)


# ---- codecs ---------------------------------------------------------------------------
def _bytes(b):
    return np.array(b, dtype=object)


def test_png_round_trip_and_channels():
    x = np.random.default_rng(4).integers(0, 256, (3, 5, 3)).astype(np.uint8)
    s = gc.placeholder(gc.string, [])
    enc = gc.image.encode_png(x)
    assert enc.dtype == gc.string and enc.shape.as_list() == []
    data = run(enc)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    dec = gc.image.decode_png(s, channels=4)
    assert dec.shape.as_list() == [None, None, 4]
    out = run(dec, {s: _bytes(data)})
    np.testing.assert_array_equal(out[..., :3], x)
    assert (out[..., 3] == 255).all()
    g = run(gc.image.decode_png(s, dtype=gc.uint16), {s: _bytes(data)})
    np.testing.assert_array_equal(g, x.astype(np.uint16) * 257)


def test_png_low_bit_depths_palette_and_filters():
    s = gc.placeholder(gc.string, [])
    bits = np.random.default_rng(5).integers(0, 2, (4, 9, 1))
    out = run(gc.image.decode_png(s), {s: _bytes(png(bits, 1, 0))})
    np.testing.assert_array_equal(out, bits * 255)
    pal = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 90]])
    idx = np.random.default_rng(6).integers(0, 3, (3, 5, 1))
    out = run(gc.image.decode_png(s), {s: _bytes(png(idx, 2, 3, pal))})
    np.testing.assert_array_equal(out, pal[idx[..., 0]])
    rgb16 = np.random.default_rng(7).integers(0, 65536, (3, 4, 3))
    out = run(gc.image.decode_png(s, dtype=gc.uint16), {s: _bytes(png(rgb16, 16, 2))})
    np.testing.assert_array_equal(out, rgb16)


def test_decode_image_dispatch_and_errors():
    s = gc.placeholder(gc.string, [])
    x = np.random.default_rng(8).integers(0, 256, (2, 3, 3)).astype(np.uint8)
    f = gc.image.decode_image(s, dtype=gc.float32)
    np.testing.assert_allclose(run(f, {s: _bytes(png(x, 8, 2))}), x / 255.0, rtol=1e-6)
    dec = gc.image.decode_image(s)
    with pytest.raises(gc.errors.ExecutionError, match="Invalid JPEG data"):
        run(dec, {s: _bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20)})
    with pytest.raises(gc.errors.ExecutionError, match="Unknown image file format"):
        run(dec, {s: _bytes(b"hello")})
    with pytest.raises(gc.errors.ExecutionError, match="not a PNG"):
        run(gc.image.decode_png(s), {s: _bytes(b"BM" + b"\0" * 60)})
    assert run(gc.image.is_jpeg(s), {s: _bytes(b"\xff\xd8\xff\xe1")})
    with pytest.raises(gc.errors.DTypeError, match="string"):
        gc.image.decode_png(gc.zeros([]))
    with pytest.raises(gc.errors.DTypeError, match="uint8 or uint16"):
        gc.image.encode_png(np.zeros((2, 2, 3), np.float32))


# ---- boxes ----------------------------------------------------------------------------
def test_sample_distorted_bounding_box_properties():
    box = [[[0.2, 0.1, 0.7, 0.8]]]
    begin, size, bbox = gc.image.sample_distorted_bounding_box(
        [60, 80, 3], box, seed=4, min_object_covered=0.5, aspect_ratio_range=(0.5, 2.0),
        area_range=(0.1, 0.8))
    for _ in range(20):
        b, s, bb = run([begin, size, bbox])
        h, w = s[:2]
        assert s[2] == -1 and b[2] == 0
        assert 0.5 <= w / h <= 2.0 + 0.1 and 0.1 * 4800 <= h * w <= 0.8 * 4800
        assert 0 <= b[0] and b[0] + h <= 60 and 0 <= b[1] and b[1] + w <= 80
        inter = max(0, min(b[0] + h, 42) - max(b[0], 12)) * \
            max(0, min(b[1] + w, 64) - max(b[1], 8))
        assert inter / (30 * 56) >= 0.5
        np.testing.assert_allclose(bb[0, 0], [b[0] / 60, b[1] / 80, (b[0] + h) / 60,
                                              (b[1] + w) / 80], rtol=1e-6)
    with pytest.raises(gc.errors.ExecutionError, match="no bounding boxes"):
        run(gc.image.sample_distorted_bounding_box([10, 10, 3], np.zeros((1, 0, 4))))
    b, s, _ = run(list(gc.image.sample_distorted_bounding_box(
        [10, 10, 3], np.zeros((1, 0, 4)), use_image_if_no_bounding_boxes=True,
        min_object_covered=2.0)))
    np.testing.assert_array_equal(s, [10, 10, -1])      # nothing fits: the whole image


def test_draw_glimpse_and_resize_with_pad():
    img = np.zeros((1, 4, 5, 3), np.float32)
    out = run(gc.image.draw_bounding_boxes(img, [[[0, 0, 1, 1]]]))
    assert (out[0, 0, :, :] == [1, 1, 0]).all() and (out[0, 1:3, 1:4] == 0).all()
    x = np.random.default_rng(9).standard_normal((1, 6, 7, 1)).astype(np.float32)
    g = run(gc.image.extract_glimpse(x, [10, 10], [[0.0, 0.0]], seed=1))
    assert g.shape == (1, 10, 10, 1)
    np.testing.assert_array_equal(g[0, 2:8, 1:8], x[0])        # the image, centred
    assert x.min() <= g.min() and g.max() <= x.max()           # uniform noise in range
    p = gc.image.resize_image_with_pad(np.ones((4, 8, 2), np.float32), 6, 6)
    assert p.shape.as_list() == [6, 6, 2]
    np.testing.assert_array_equal(run(p)[:, 0, 0], [0, 1, 1, 1, 0, 0])


@pytest.mark.parametrize("sigma", [0.0, 0.5])
def test_nms_compares_each_candidate_with_the_selected_boxes_only(sigma):
    """The per-candidate IoU rows give the selections of the full (n, n) matrix (the
    greedy loop of TF's kernel) on SSD-like anchors, soft-NMS included."""
    from graphc.ops.image_nms import greedy_nms, iou_rows
    r = np.random.RandomState(0)
    yx = r.rand(400, 2).astype(np.float32)
    boxes = np.concatenate([yx, yx + 0.05 + 0.2 * r.rand(400, 2).astype(np.float32)], 1)
    boxes[::37] = boxes[::37, [2, 3, 0, 1]]                 # corners in either order
    scores = r.rand(400).astype(np.float32)
    rows = iou_rows(boxes)
    full = np.stack([rows(i, np.arange(400)) for i in range(400)])
    for thr, s_thr, k in [(0.5, 0.3, 50), (0.3, float("-inf"), 400)]:
        fast = greedy_nms(rows, scores, k, thr, s_thr, sigma)
        slow = greedy_nms(lambda i, js: full[i, js], scores, k, thr, s_thr, sigma)
        np.testing.assert_array_equal(fast[0], slow[0])
        np.testing.assert_array_equal(fast[1], slow[1])
    b = gc.placeholder(gc.float32, [None, 4])
    s = gc.placeholder(gc.float32, [None])
    sel = gc.image.non_max_suppression(b, s, 100, 0.5, score_threshold=0.3)
    with gc.Session() as sess:
        got = sess.run(sel, {b: boxes, s: scores})
    np.testing.assert_array_equal(got, greedy_nms(rows, scores, 100, 0.5, 0.3)[0])


def test_resize_skips_only_what_tf1_knows_is_the_same_size_and_keeps_static_shapes():
    x = gc.placeholder(gc.uint8, [None, 112, 224, 3])
    assert gc.image.resize_image_with_pad(x, 224, 224).dtype == gc.float32     # resized
    assert gc.image.resize_images(x, gc.shape(x)[1:3]) is x                 # skipped
    y = gc.placeholder(gc.float32, [None, 10, 12, 3])
    kept = gc.image.resize_images(y, [5, 8], preserve_aspect_ratio=True)
    assert kept.shape.as_list() == [None, 5, 6, 3]                          # TF1's
    with gc.Session() as s:
        assert s.run(kept, {y: np.ones((1, 10, 12, 3))}).shape == (1, 5, 6, 3)
    gray = gc.placeholder(gc.float32, [None, None, None, None])
    assert gc.image.grayscale_to_rgb(gray).shape.as_list() == [None, None, None, 3]


def test_decode_png_reads_interlaced_files_and_gray_or_rgb_colour_keys():
    from graphc.ops.image_png import png_decode
    r = np.random.RandomState(0)
    img = r.randint(0, 256, (9, 11, 3)).astype(np.uint8)
    img[0, 0] = img[1, 1] = (7, 8, 9)
    raw = bytearray()                       # Adam7 passes of filter-0 scanlines
    for r0, c0, rs, cs in [(0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4),
                           (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1)]:
        part = img[r0::rs, c0::cs]
        for row in part if part.size else []:
            raw += b"\x00" + row.tobytes()
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + \
            struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 11, 9, 8, 2, 0, 0, 1))
           + chunk(b"tRNS", struct.pack(">HHH", 7, 8, 9))
           + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))
    np.testing.assert_array_equal(png_decode(png), img)     # TF: no alpha unless asked
    rgba = png_decode(png, channels=4)
    assert rgba[0, 0, 3] == 0 and rgba[1, 1, 3] == 0 and (rgba[..., 3] == 255).sum() == 97
