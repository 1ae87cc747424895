"""gc.keras.preprocessing.image: the numpy resampler against values scipy.ndimage gives,
the affine / flip / shift / brightness transforms, ImageDataGenerator (fit, standardize,
flow, seeds, subsets, errors) and the PIL-free image helpers."""
import numpy as np
import pytest

import graphc as gc
import graphc.keras.preprocessing  # noqa: F401 (until gc.keras imports it itself)
from graphc.keras.preprocessing import image
from graphc.keras.preprocessing.image_transform import _resample

COORDS = [-5.3, -4.0, -3.6, -1.5, -0.75, -0.5, -0.25, 2.9, 3.0, 3.2, 3.5, 3.7, 4.0, 6.2, 9.9]
# scipy.ndimage.affine_transform([[1, 2, 3, 4]], eye(2), [0, c], order, mode, cval=-9)
SCIPY = {
    ("reflect", 0): [4, 4, 4, 2, 1, 1, 1, 4, 4, 4, 4, 4, 4, 2, 3],
    ("reflect", 1): [3.7, 4, 3.6, 1.5, 1, 1, 1, 3.9, 4, 4, 4, 4, 4, 1.8, 2.9],
    ("mirror", 0): [2, 3, 3, 3, 2, 2, 1, 4, 4, 4, 3, 3, 3, 1, 3],
    ("mirror", 1): [1.7, 3, 3.4, 2.5, 1.75, 1.5, 1.25, 3.9, 4, 3.8, 3.5, 3.3, 3, 1.2, 3.1],
    ("wrap", 0): [2, 3, 3, 3, 3, 4, 4, 4, 4, 1, 2, 2, 2, 1, 2],
    ("wrap", 1): [1.7, 3, 3.4, 2.5, 3.25, 3.5, 3.75, 3.9, 4, 1.2, 1.5, 1.7, 2, 1.2, 1.9],
    ("constant", 0): [-9] * 7 + [4, 4] + [-9] * 6,
    ("constant", 1): [-9] * 7 + [3.9, 4] + [-9] * 6,
    ("nearest", 0): [1] * 7 + [4] * 8,
    ("nearest", 1): [1] * 7 + [3.9] + [4] * 7,
}


@pytest.mark.parametrize("mode, order", sorted(SCIPY))
def test_resample_boundary_modes(mode, order):
    row = np.array([[1, 2, 3, 4]], dtype=np.float64)
    got = [_resample(row, np.eye(2), np.array([0.0, c]), order, mode, -9.0)[0, 0]
           for c in COORDS]
    np.testing.assert_allclose(got, SCIPY[(mode, order)], atol=1e-12)


def test_resample_bilinear_and_dtype():
    img = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = _resample(img, np.eye(2), np.array([0.5, 0.25]), 1, "nearest", 0.0)
    assert out.dtype == np.float32
    # value at (r + .5, c + .25) of the plane 4r + c, clamped at the far edges
    assert out[0, 0] == pytest.approx(2.25) and out[1, 2] == pytest.approx(8.25)
    np.testing.assert_array_equal(_resample(img, np.eye(2), np.zeros(2), 1, "constant", 0),
                                  img)
    swap = _resample(np.arange(9.0).reshape(3, 3), np.array([[0, 1], [1, 0]]), np.zeros(2),
                     0, "constant", 0)
    np.testing.assert_array_equal(swap, np.arange(9.0).reshape(3, 3).T)


def test_apply_affine_transform():
    x = np.arange(2 * 5 * 6, dtype=np.float32).reshape(2, 5, 6)        # channels first
    assert image.apply_affine_transform(x) is x
    # as in tf.keras, with col_axis > row_axis tx moves along the columns, ty the rows
    shifted = image.apply_affine_transform(x, tx=1, fill_mode="constant", cval=-1)
    np.testing.assert_array_equal(shifted[:, :, :5], x[:, :, 1:])
    assert (shifted[:, :, 5] == -1).all()
    down = image.apply_affine_transform(x, ty=-2, fill_mode="nearest")
    np.testing.assert_array_equal(down[:, 2:], x[:, :3])
    np.testing.assert_array_equal(down[:, 0], x[:, 0])
    last = np.moveaxis(x, 0, 2)                                       # channels last
    turned = image.apply_affine_transform(last, theta=90, row_axis=0, col_axis=1,
                                          channel_axis=2, fill_mode="constant")
    square = np.arange(16.0).reshape(4, 4, 1)
    rot = image.apply_affine_transform(square, theta=90, row_axis=0, col_axis=1,
                                       channel_axis=2)
    np.testing.assert_allclose(rot[..., 0], np.rot90(square[..., 0], 1), atol=1e-9)
    assert turned.shape == last.shape
    zoomed = image.apply_affine_transform(square, zx=0.5, zy=0.5, row_axis=0, col_axis=1,
                                          channel_axis=2, order=0)
    assert zoomed.shape == square.shape and set(zoomed.ravel()) <= set(square.ravel())


def test_apply_affine_transform_errors():
    x = np.zeros((3, 4, 4))
    with pytest.raises(ValueError, match="must be distinct"):
        image.apply_affine_transform(x, theta=1, row_axis=1, col_axis=1)
    with pytest.raises(ValueError, match="Invalid axis"):
        image.apply_affine_transform(x, theta=1, row_axis=3)
    with pytest.raises(ValueError, match="multi-channel 2D"):
        image.apply_affine_transform(np.zeros((4, 4)), theta=1)
    with pytest.raises(ValueError, match="Channels are allowed"):
        image.apply_affine_transform(x, theta=1, row_axis=0, col_axis=2, channel_axis=1)
    with pytest.raises(ValueError, match="fill_mode"):
        image.apply_affine_transform(x, theta=1, fill_mode="edge")
    with pytest.raises(ValueError, match="order"):
        image.apply_affine_transform(x, theta=1, order=3)


def test_channel_and_brightness_shift():
    x = np.array([[[0.0, 1.0], [2.0, 3.0]]], dtype=np.float32)          # (1, 2, 2)
    np.testing.assert_array_equal(image.apply_channel_shift(x, 1.5), [[[1.5, 2.5], [3, 3]]])
    rgb = np.full((2, 2, 3), 100.0, dtype=np.float32)
    rgb[0, 0] = 250.0
    out = image.apply_brightness_shift(rgb, 1.5, scale=False)
    # PIL: trunc(1.5 * v) clipped to 255
    assert out.dtype == np.float32 and out[0, 0, 0] == 255 and out[1, 1, 2] == 150
    dark = image.apply_brightness_shift(rgb, 0.33, scale=False)
    assert dark[1, 1, 0] == 33
    wide = np.array([[[-10.0], [10.0]]], dtype=np.float32)           # outside [0, 255]
    back = image.apply_brightness_shift(wide, 1.0, scale=False)
    np.testing.assert_allclose(back, wide, atol=0.1)
    scaled = image.apply_brightness_shift(wide, 1.0, scale=True)
    np.testing.assert_array_equal(scaled, [[[0.0], [255.0]]])
    rgba = np.full((1, 1, 4), 200.0, dtype=np.float32)
    assert image.apply_brightness_shift(rgba, 0.5, False).tolist() == [[[100, 100, 100, 200]]]
    with pytest.raises(ValueError, match="Unsupported channel number"):
        image.apply_brightness_shift(np.ones((2, 2, 2)), 1.0)


def test_random_transform_functions_are_seeded():
    x = np.random.default_rng(0).normal(size=(1, 6, 6)).astype(np.float32)
    for fn, args in ((image.random_rotation, (30,)), (image.random_shift, (0.2, 0.2)),
                     (image.random_shear, (15,)), (image.random_zoom, ((0.8, 1.2),)),
                     (image.random_channel_shift, (0.3,)),
                     (image.random_brightness, ((0.5, 1.5),))):
        x_in = np.abs(x) if fn is image.random_brightness else x
        if fn is image.random_brightness:
            x_in = np.moveaxis(x_in, 0, 2)
        np.random.seed(1)
        a = fn(x_in, *args)
        np.random.seed(1)
        np.testing.assert_array_equal(a, fn(x_in, *args))
    with pytest.raises(ValueError, match="zoom_range"):
        image.random_zoom(x, (1.0,))
    np.testing.assert_array_equal(image.random_zoom(x, (1, 1)), x)


def test_generator_fit_and_standardize():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 2, size=(10, 4, 5, 3)).astype(np.float32)
    gen = image.ImageDataGenerator(featurewise_center=True,
                                   featurewise_std_normalization=True, rescale=0.5)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean.ravel(), (x * 0.5).mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(gen.std.ravel(), (x * 0.5).std(axis=(0, 1, 2)), rtol=1e-4)
    assert gen.mean.shape == (1, 1, 3)
    z = gen.standardize(x.copy())
    np.testing.assert_allclose(z.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(z.std(axis=(0, 1, 2)), 1, atol=1e-3)
    sample = image.ImageDataGenerator(samplewise_std_normalization=True)
    assert sample.samplewise_center
    s = sample.standardize(x[0].copy())
    assert abs(s.mean()) < 1e-5 and s.std() == pytest.approx(1, abs=1e-4)
    zca = image.ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-9,
                                   featurewise_std_normalization=True)
    assert zca.featurewise_center and not zca.featurewise_std_normalization
    flat = rng.normal(size=(60, 2, 2, 1)).astype(np.float64)
    zca.fit(flat)
    white = zca.standardize(flat.astype(np.float32)).reshape(60, -1)
    np.testing.assert_allclose(white.T @ white / 60, np.eye(4), atol=1e-3)
    with pytest.warns(UserWarning, match="hasn't been fit"):
        image.ImageDataGenerator(featurewise_center=True).standardize(x[0].copy())
    with pytest.raises(ValueError, match="rank 4"):
        gen.fit(x[0])


def test_generator_params_and_errors():
    gen = image.ImageDataGenerator(zoom_range=0.2, width_shift_range=[1, 3],
                                   height_shift_range=2, horizontal_flip=True)
    assert gen.zoom_range == [0.8, 1.2]
    p1 = gen.get_random_transform((8, 9, 3), seed=4)
    assert p1 == gen.get_random_transform((8, 9, 3), seed=4)
    assert abs(p1["ty"]) in (1, 3) and abs(p1["tx"]) in (0, 1)
    assert set(p1) == {"theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal",
                       "flip_vertical", "channel_shift_intensity", "brightness"}
    frac = image.ImageDataGenerator(width_shift_range=0.5)
    ty = frac.get_random_transform((8, 10, 3), seed=1)["ty"]
    assert -5 <= ty <= 5
    flip = image.ImageDataGenerator().apply_transform(
        np.arange(6.0).reshape(1, 2, 3).transpose(1, 2, 0),
        {"flip_horizontal": True, "flip_vertical": True})
    np.testing.assert_array_equal(flip[..., 0], [[5, 4, 3], [2, 1, 0]])
    for kw, msg in (({"zoom_range": (1, 2, 3)}, "zoom_range"),
                    ({"data_format": "nhwc"}, "data_format"),
                    ({"validation_split": 1.5}, "validation_split"),
                    ({"brightness_range": 0.5}, "brightness_range")):
        with pytest.raises(ValueError, match=msg):
            image.ImageDataGenerator(**kw)


def test_flow_batches_seed_and_subset():
    x = np.arange(10 * 2 * 2 * 1, dtype=np.float32).reshape(10, 2, 2, 1)
    y = np.arange(10) % 2
    gen = image.ImageDataGenerator(rescale=2.0)
    it = gen.flow(x, y, batch_size=4, shuffle=False)
    assert len(it) == 3 and isinstance(it, image.Iterator)
    xb, yb = next(it)
    np.testing.assert_array_equal(xb, 2 * x[:4])
    np.testing.assert_array_equal(yb, y[:4])
    next(it)
    assert len(next(it)[0]) == 2 and len(next(it)[0]) == 4            # wraps around
    a = [next(gen.flow(x, y, batch_size=3, seed=5))[1] for _ in range(2)]
    np.testing.assert_array_equal(a[0], a[1])
    sub = image.ImageDataGenerator(validation_split=0.2)
    val = sub.flow(x, y, batch_size=10, shuffle=False, subset="validation")
    train = sub.flow(x, y, batch_size=10, shuffle=False, subset="training")
    assert val.n == 2 and train.n == 8
    with pytest.raises(ValueError, match="different number of classes"):
        sub.flow(x, np.sort(y), subset="training")
    with pytest.raises(ValueError, match="Asked to retrieve element 5"):
        val[5]
    only_x = gen.flow(x, batch_size=4, shuffle=False)[0]
    assert isinstance(only_x, np.ndarray) and only_x.shape == (4, 2, 2, 1)
    w = gen.flow(x, y, sample_weight=np.arange(10.0), shuffle=False, batch_size=2)[1]
    assert len(w) == 3 and w[2].tolist() == [2.0, 3.0]
    extra = gen.flow((x, np.arange(10)), y, shuffle=False, batch_size=2)[0][0]
    assert isinstance(extra, list) and extra[1].tolist() == [0, 1]
    with pytest.warns(UserWarning, match="channels"):
        gen.flow(np.zeros((2, 3, 3, 2)))


def test_flow_trains_with_fit():
    rng = np.random.default_rng(2)
    x = rng.uniform(size=(16, 6, 6, 1)).astype(np.float32)
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype(np.float32)
    gen = image.ImageDataGenerator(rotation_range=10, horizontal_flip=True)
    with gc.Graph().as_default():
        model = gc.keras.Sequential([gc.keras.layers.Flatten(input_shape=(6, 6, 1)),
                                     gc.keras.layers.Dense(1, activation="sigmoid")])
        model.compile("adam", "binary_crossentropy")
        hist = model.fit(gen.flow(x, y, batch_size=8, seed=0), epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2


def test_img_to_array_and_pil_helpers():
    a = image.img_to_array(np.zeros((4, 5)))
    assert a.shape == (4, 5, 1) and a.dtype == np.float32
    assert image.img_to_array(np.zeros((4, 5, 3)), data_format="channels_first").shape == \
        (3, 4, 5)
    with pytest.raises(ValueError, match="Unsupported image shape"):
        image.img_to_array(np.zeros(3))
    try:
        import PIL  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="requires PIL"):
            image.array_to_img(np.zeros((2, 2, 3)))
        with pytest.raises(ImportError, match="requires PIL"):
            image.load_img("missing.png")
    else:
        img = image.array_to_img(np.arange(12.0).reshape(2, 2, 3))
        assert img.mode == "RGB" and image.img_to_array(img).max() == 255
