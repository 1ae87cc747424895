"""gc.image: values against numpy written from TF1's formulas, gradients by finite
differences, TF1's build-time and run-time checks."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp
from helpers import draw_twice, raises, run
from samples_image import bilinear_ref, nearest_ref

I = gc.image
rng = np.random.default_rng(0)


def img(*s):
    return rng.standard_normal(s)


# ---- resize -------------------------------------------------------------------------------
def test_resize_images_bilinear_is_float32_and_nearest_keeps_the_dtype():
    x = rng.integers(0, 255, (2, 3, 5, 3)).astype(np.int32)
    b = I.resize_images(x, [4, 7])
    n = I.resize_images(x, [4, 7], method=I.ResizeMethod.NEAREST_NEIGHBOR)
    assert b.dtype is gc.float32 and n.dtype is gc.int32 and b.shape.as_list() == [2, 4, 7, 3]
    bv, nv = run([b, n])
    np.testing.assert_allclose(bv, bilinear_ref(x.astype(np.float64), (4, 7)), rtol=1e-5)
    np.testing.assert_array_equal(nv, nearest_ref(x, (4, 7)))


def test_resize_images_of_one_image_and_align_corners():
    x = img(4, 3, 2)
    y = run(I.resize_images(x.astype(np.float32), [7, 5], align_corners=True))
    np.testing.assert_allclose(y, bilinear_ref(x[None], (7, 5), True)[0], rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(y[[0, -1]][:, [0, -1]], x[[0, -1]][:, [0, -1]], rtol=1e-6)


def test_resize_images_to_the_same_size_returns_the_images():
    x = gc.placeholder(gc.float64, [None, 4, 5, 3])
    assert I.resize_images(x, [4, 5]) is x


def test_resize_images_preserve_aspect_ratio_uses_the_smaller_scale():
    y = I.resize_images(np.zeros((4, 6, 1), np.float32), [10, 10], preserve_aspect_ratio=True)
    assert run(y).shape == (7, 10, 1)       # scale min(10/4, 10/6): round(6.67), 10


def test_resize_images_methods_and_ranks_are_checked():
    with pytest.raises(ValueError, match="unknown resize method"):
        I.resize_images(np.zeros((2, 2, 1)), [3, 3], method=7)
    z = gc.placeholder(gc.float32, [1, None, 5, 1])     # bicubic of a run-time size
    assert I.resize_images(z, [3, 3], method=I.ResizeMethod.BICUBIC).shape.as_list() == \
        [1, 3, 3, 1]
    x = gc.placeholder(gc.float32, [4, 5])
    raises(gc.errors.ShapeError, lambda: I.resize_images(x, [2, 2]), "3 or 4 dimensions")
    y = gc.placeholder(gc.float32, [1, 4, 5, 1])
    raises(gc.errors.ShapeError, lambda: I.resize_images(y, [2, 2, 2]), "2 elements")


@pytest.mark.parametrize("fn", [I.resize_bilinear, I.resize_nearest_neighbor,
                                I.resize_bicubic, I.resize_area])
def test_resize_gradients(fn):
    x = img(2, 3, 4, 2).astype(np.float32)
    check_vjp(lambda t: fn(t, [5, 3]), [x], eps=1e-2, rtol=1e-3, atol=1e-3)


def test_resize_with_a_size_tensor_and_unknown_shapes():
    x = gc.placeholder(gc.float32, [None, None, None, 2])
    s = gc.placeholder(gc.int32, [2])
    v = img(1, 3, 4, 2).astype(np.float32)
    y = run(I.resize_bilinear(x, s), {x: v, s: [5, 2]})
    np.testing.assert_allclose(y, bilinear_ref(v, (5, 2)), rtol=1e-5, atol=1e-6)


# ---- flips and rotations ------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 4, 2), (2, 3, 4, 2)])
def test_flips_transpose_and_rotations(shape):
    x = img(*shape)
    h = len(shape) - 3                       # the height axis
    got = run([I.flip_left_right(x), I.flip_up_down(x), I.transpose_image(x)]
              + [I.rot90(x, k) for k in range(-1, 5)])
    want = [np.flip(x, h + 1), np.flip(x, h), np.swapaxes(x, h, h + 1)] + \
        [np.rot90(x, k, axes=(h, h + 1)) for k in range(-1, 5)]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    k = gc.placeholder(gc.int32, [])
    r = I.rot90(x, k)
    for kv in range(4):
        np.testing.assert_array_equal(run(r, {k: kv}), np.rot90(x, kv, axes=(h, h + 1)))
    check_vjp(lambda t: I.rot90(I.flip_left_right(t), 1) * t[..., :1, :1, :], [x])


def test_random_flips_are_seeded_and_per_image():
    x = img(16, 2, 3, 1)
    (a, a2), (b, _) = draw_twice(lambda: I.random_flip_left_right(x, seed=4))
    np.testing.assert_array_equal(a, b)
    flipped = [np.array_equal(a[i], x[i, :, ::-1]) for i in range(16)]
    kept = [np.array_equal(a[i], x[i]) for i in range(16)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)
    ups = draw_twice(lambda: [I.random_flip_up_down(x[0], seed=s) for s in range(12)])[0][0]
    assert {bool(np.array_equal(u, x[0, ::-1])) for u in ups} == {True, False}
    assert all(np.array_equal(u, x[0]) or np.array_equal(u, x[0, ::-1]) for u in ups)


# ---- crops and pads -----------------------------------------------------------------------
def test_crop_pad_and_central_crop_values():
    x = img(2, 6, 5, 3)
    got = run([I.crop_to_bounding_box(x, 1, 2, 3, 2), I.pad_to_bounding_box(x[0], 2, 1, 9, 7),
               I.central_crop(x, 0.5), I.central_crop(x[0], 0.34)])
    np.testing.assert_array_equal(got[0], x[:, 1:4, 2:4])
    want = np.zeros((9, 7, 3))
    want[2:8, 1:6] = x[0]
    np.testing.assert_array_equal(got[1], want)
    # TF1: start = int((d - d * f) / 2), size = d - 2 * start
    np.testing.assert_array_equal(got[2], x[:, 1:5, 1:4])
    np.testing.assert_array_equal(got[3], x[0, 1:5, 1:4])


@pytest.mark.parametrize("th, tw", [(3, 9), (8, 2), (6, 5), (1, 1)])
def test_resize_image_with_crop_or_pad(th, tw):
    x = img(6, 5, 2)
    want = np.zeros((th, tw, 2))
    oy, ox = max((6 - th) // 2, 0), max((5 - tw) // 2, 0)      # crop offsets
    py, px = max((th - 6) // 2, 0), max((tw - 5) // 2, 0)      # pad offsets
    hh, ww = min(th, 6), min(tw, 5)
    want[py:py + hh, px:px + ww] = x[oy:oy + hh, ox:ox + ww]
    np.testing.assert_array_equal(run(I.resize_image_with_crop_or_pad(x, th, tw)), want)
    ph = gc.placeholder(gc.float64, [None, None, 2])
    out = run(I.resize_image_with_crop_or_pad(ph, th, tw), {ph: x})
    np.testing.assert_array_equal(out, want)
    check_vjp(lambda t: I.resize_image_with_crop_or_pad(t, th, tw), [x])


def test_crop_and_pad_checks_static_and_at_run_time():
    x = gc.placeholder(gc.float32, [4, 5, 1])
    raises(gc.errors.ShapeError, lambda: I.crop_to_bounding_box(x, 2, 0, 3, 5),
           "height must be >= target + offset")
    raises(gc.errors.ShapeError, lambda: I.pad_to_bounding_box(x, 0, 1, 4, 5),
           "width must be <= target - offset")
    raises(gc.errors.ShapeError, lambda: I.crop_to_bounding_box(x, -1, 0, 1, 1),
           "offset_height must be >= 0")
    raises(gc.errors.ShapeError, lambda: I.flip_left_right(gc.placeholder(gc.float32, [3, 3])),
           "3 or 4 dimensions")
    y = gc.placeholder(gc.float32, [None, None, 1])
    with pytest.raises(gc.errors.ExecutionError, match="width must be >= target"):
        run(I.crop_to_bounding_box(y, 0, 2, 1, 3), {y: np.zeros((4, 4, 1))})


# ---- pixel values -------------------------------------------------------------------------
def test_per_image_standardization():
    x = img(2, 3, 4, 3)
    m = x.mean(axis=(1, 2, 3), keepdims=True)
    s = np.maximum(x.std(axis=(1, 2, 3), keepdims=True), 1 / np.sqrt(36))
    y = I.per_image_standardization(x)
    assert y.dtype is gc.float32
    np.testing.assert_allclose(run(y), (x - m) / s, rtol=1e-4, atol=1e-5)
    flat = run(I.per_image_standardization(np.full((2, 2, 1), 7, np.int32)))
    np.testing.assert_array_equal(flat, np.zeros((2, 2, 1)))   # stddev floor 1/sqrt(N)
    check_vjp(I.per_image_standardization, [x[0].astype(np.float32)], eps=1e-2, rtol=1e-2,
              atol=1e-3)


def test_convert_image_dtype_scales_as_tf1():
    i32 = np.array([0, 1, 2147483647], np.int32)
    f = np.array([0.0, 0.25, 0.5], np.float32)
    got = run([I.convert_image_dtype(i32, gc.float64), I.convert_image_dtype(f, gc.int32),
               I.convert_image_dtype(i32, gc.int64), I.convert_image_dtype(
                   np.array([2**40, -2**63], np.int64), gc.int32),
               I.convert_image_dtype(np.array([2.0, -3.0], np.float32), gc.int32, True),
               I.convert_image_dtype(f, gc.float64)])
    np.testing.assert_allclose(got[0], i32 / 2147483647.0)
    np.testing.assert_array_equal(got[1], (f * np.float32(2147483647.5)).astype(np.int32))
    np.testing.assert_array_equal(got[2], i32.astype(np.int64) * 2**32)
    np.testing.assert_array_equal(got[3], [2**8, -2**31])
    np.testing.assert_array_equal(got[4], [2147483520, -2147483648])   # float32 below 2**31
    assert got[5].dtype == np.float64
    with pytest.raises(AttributeError, match="floating point or integer"):
        I.convert_image_dtype(f, gc.bool)


def test_brightness_contrast_and_grayscale():
    x = rng.random((2, 3, 4, 3)).astype(np.float32)
    got = run([I.adjust_brightness(x, 0.25), I.adjust_contrast(x, 1.5), I.rgb_to_grayscale(x),
               I.grayscale_to_rgb(x[..., :1]), I.adjust_brightness(x.astype(np.float64), 1.0)])
    np.testing.assert_allclose(got[0], x + 0.25, rtol=1e-6)
    m = x.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(got[1], (x - m) * 1.5 + m, rtol=1e-5, atol=1e-6)
    gray = 0.2989 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]
    np.testing.assert_allclose(got[2], gray[..., None], rtol=1e-5)
    np.testing.assert_array_equal(got[3], np.repeat(x[..., :1], 3, -1))
    assert got[4].dtype == np.float64                    # float32 inside, cast back
    ints = rng.integers(0, 2**31 - 1, (2, 2, 3)).astype(np.int32)
    g = run(I.rgb_to_grayscale(ints))
    want = ((ints / 2147483647.0) @ [0.2989, 0.587, 0.114]) * 2147483647.5
    np.testing.assert_allclose(g[..., 0], want, rtol=1e-6)
    raises(gc.errors.ShapeError, lambda: I.grayscale_to_rgb(gc.placeholder(gc.float32, [2, 3])),
           "last dimension of size 1")
    check_vjp(lambda t: I.adjust_contrast(t, 2.0) * I.rgb_to_grayscale(t),
              [x[0]], eps=1e-2, rtol=1e-2, atol=1e-3)


def test_total_variation_image_gradients_and_sobel():
    x = img(2, 4, 5, 2)
    tv = np.abs(np.diff(x, axis=1)).sum((1, 2, 3)) + np.abs(np.diff(x, axis=2)).sum((1, 2, 3))
    dy, dx = np.zeros_like(x), np.zeros_like(x)
    dy[:, :-1], dx[:, :, :-1] = np.diff(x, axis=1), np.diff(x, axis=2)
    p = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)], mode="reflect")
    k = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float64)
    sob = np.stack([sum(kk[i, j] * p[:, i:i + 4, j:j + 5] for i in range(3) for j in range(3))
                    for kk in (k, k.T)], -1)
    got = run([I.total_variation(x), I.total_variation(x[0]), *I.image_gradients(x),
               I.sobel_edges(x)])
    for g, w in zip(got, [tv, tv[0], dy, dx, sob]):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
    check_vjp(lambda t: I.total_variation(t) + I.sobel_edges(t)[0, 0, 0, 0, 1], [x])
    check_vjp(lambda t: I.image_gradients(t)[0] * I.image_gradients(t)[1], [x])


def test_resize_area_halving_averages_two_by_two_blocks():
    x = img(2, 4, 6, 3)
    with gc.Session() as sess:
        got = sess.run(I.resize_area(x, [2, 3]))
    want = x.reshape(2, 2, 2, 3, 2, 3).mean(axis=(2, 4))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5)


@pytest.mark.parametrize("kw", [{}, {"align_corners": True}, {"half_pixel_centers": True}])
def test_resize_bicubic_keeps_a_constant_image(kw):
    x = np.full((1, 4, 5, 2), 3.0)
    with gc.Session() as sess:
        got = sess.run(I.resize_bicubic(x, [7, 3], **kw))
    np.testing.assert_allclose(got, np.full((1, 7, 3, 2), 3.0), rtol=1e-5)


def test_rgb_to_hsv_matches_colorsys_and_hsv_to_rgb_inverts_it():
    import colorsys
    x = np.random.default_rng(2).uniform(0, 1, size=(4, 5, 3))
    x[0, 0] = [0.3, 0.3, 0.3]                              # gray: hue and saturation 0
    hsv = run(I.rgb_to_hsv(x))
    want = np.array([colorsys.rgb_to_hsv(*p) for p in x.reshape(-1, 3)]).reshape(x.shape)
    np.testing.assert_allclose(hsv, want, atol=1e-12)
    np.testing.assert_allclose(run(I.hsv_to_rgb(hsv)), x, atol=1e-12)


def test_adjust_gamma_is_gain_times_the_power():
    x = np.abs(img(4, 5, 3))
    got = run(I.adjust_gamma(x.astype(np.float32), 2.5, 0.5))
    np.testing.assert_allclose(got, 0.5 * x.astype(np.float32) ** 2.5, rtol=1e-5)
    with pytest.raises(ValueError, match="non-negative"):
        I.adjust_gamma(x, -1.0)
