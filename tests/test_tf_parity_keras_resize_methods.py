"""gc.keras' resizes with every method of TF 2's tf.image.resize (bilinear, nearest,
bicubic, area and ScaleAndTranslate's lanczos3, lanczos5, gaussian, mitchellcubic)
against tf_keras in TF graph mode: K.resize_images, UpSampling2D, Resizing (also
experimental.preprocessing's, with crop_to_aspect_ratio), smart_resize (graphc's is
internal: layers_preprocessing._smart_resize) and image_dataset_from_directory; values
to 1e-5, dtypes, run-time and static shapes, and input gradients (TF has none for area)."""
from tf_parity import check, needs_eager, rand, tf, v1  # noqa: F401 (needs_eager: a fixture)

import os

import numpy as np
import pytest

import graphc as gc
from graphc.keras.layers_preprocessing import _smart_resize
from keras_parity import tfk

METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]
X = rand(2, 5, 7, 3, seed=11).astype(np.float32)      # distinct dims
TOL = dict(rtol=1e-5, atol=1e-5)


def keras(m):
    return gc.keras if m is gc else tfk


def _unknown_dims(m, x):
    """x with only its rank and channels known statically."""
    return m.placeholder_with_default(x, [None, None, None, x.shape.as_list()[-1]])


def _static(fn, x):
    """The static shapes and dtypes fn(m, placeholder) gives in graphc and in TF."""
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            ys = fn(m, m.placeholder(x.dtype, (None,) + x.shape[1:]))
            out.append([(y.shape.as_list(), y.dtype.name) for y in ys])
    assert out[0] == out[1]


@pytest.mark.parametrize("method", METHODS)
def test_backend_resize_images(method):
    def fn(m, x):
        K = keras(m).backend
        return [K.resize_images(x, 2, 3, "channels_last", method),
                K.resize_images(x, 1, 2, "channels_first", method),
                K.resize_images(_unknown_dims(m, x), 3, 1, "channels_last", method)]
    check(fn, X, grad=method != "area", **TOL)
    _static(fn, X)


@pytest.mark.parametrize("dtype", [np.uint8, np.float16, np.float64])
@pytest.mark.parametrize("method", METHODS)
def test_backend_resize_images_dtypes(method, dtype):
    """nearest keeps the dtype; the others give float32 from any real type."""
    x = rand(1, 4, 3, 2, seed=12, low=0, high=200).astype(dtype)
    check(lambda m, t: keras(m).backend.resize_images(t, 2, 2, "channels_last", method),
          x, grad=False, **TOL)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("method", METHODS)
def test_upsampling2d(method, data_format):
    def fn(m, x):
        return [keras(m).layers.UpSampling2D((2, 3), data_format, interpolation=method)(x)]
    check(fn, X, grad=method != "area", **TOL)
    _static(fn, X)
    for m in (gc, v1):     # config and compute_output_shape
        with m.Graph().as_default():
            up = keras(m).layers.UpSampling2D((2, 3), data_format,
                                              interpolation=method.upper())
            assert up.get_config()["interpolation"] == method
            shape = up.compute_output_shape((None, 5, 7, 3)).as_list()
            assert shape == ([None, 10, 21, 3] if data_format == "channels_last"
                             else [None, 5, 14, 9])


@pytest.mark.parametrize("crop", [False, True])
@pytest.mark.parametrize("method", METHODS)
def test_resizing(method, crop):
    def fn(m, x):
        k = keras(m).layers
        layers = [k.Resizing(3, 4, interpolation=method, crop_to_aspect_ratio=crop),
                  k.Resizing(9, 6, interpolation=method, crop_to_aspect_ratio=crop),
                  k.experimental.preprocessing.Resizing(
                      8, 11, interpolation=method.capitalize(), crop_to_aspect_ratio=crop)]
        return [layers[0](x), layers[1](x[0]), layers[2](_unknown_dims(m, x))]
    check(fn, X, grad=method != "area", **TOL)
    _static(fn, X)


@pytest.mark.parametrize("method", METHODS)
def test_smart_resize(method):
    def fn(m, x):
        if m is gc:
            return [_smart_resize(x, (4, 4), method), _smart_resize(x[1], (6, 3), method)]
        smart = tfk.preprocessing.image.smart_resize
        return [smart(x, (4, 4), method), smart(x[1], (6, 3), method)]
    check(fn, X, grad=method != "area", **TOL)


# ---- image_dataset_from_directory (tf_keras' datasets iterate eagerly) -------------------
@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("imgs")
    rng = np.random.RandomState(0)
    for c, shapes in (("a", [(9, 13, 3), (6, 6, 3)]), ("b", [(4, 7, 3), (12, 5, 3)])):
        os.makedirs(root / c)
        for i, shape in enumerate(shapes):
            tf.io.write_file(str(root / c / f"im{i}.png"), tf.io.encode_png(
                rng.randint(0, 256, shape).astype(np.uint8)))
    return str(root)


@pytest.mark.usefixtures("needs_eager")
@pytest.mark.parametrize("crop", [False, True])
@pytest.mark.parametrize("image_size", [(5, 4), (11, 17)])
@pytest.mark.parametrize("method", METHODS)
def test_image_dataset_from_directory(tree, method, image_size, crop, capsys):
    args = dict(image_size=image_size, batch_size=3, shuffle=False, interpolation=method,
                crop_to_aspect_ratio=crop)
    want = tfk.utils.image_dataset_from_directory(tree, **args)
    got = gc.keras.utils.image_dataset_from_directory(tree, **args)
    assert got.output_types[0].name == want.element_spec[0].dtype.name
    assert got.output_shapes[0].as_list() == want.element_spec[0].shape.as_list()
    pairs = list(zip(got.as_numpy_iterator(), want, strict=True))
    for (gx, gy), (wx, wy) in pairs:
        np.testing.assert_allclose(gx, np.asarray(wx), rtol=1e-5, atol=3e-3)  # [0, 255]
        np.testing.assert_array_equal(gy, np.asarray(wy))
    capsys.readouterr()
