"""gc.keras' resizes with every method of TF 2's tf.image.resize (no TF needed): each
Keras entry point (K.resize_images, UpSampling2D, Resizing with crop_to_aspect_ratio,
image_dataset_from_directory) is resize_images_v2 where tf_keras calls tf.image.resize;
lanczos3 and mitchellcubic upsampling against a float64 reference of the kernels; static
shapes and dtypes; input gradients against finite differences; the errors that remain.
(tests/test_tf_parity_keras_resize_methods.py checks the values against tf_keras.)"""
import os

import numpy as np
import pytest

import graphc as gc
from graphc.keras.preprocessing.image_pil import load_image_array
from graphc.ops.image_png import png_encode
from graphc.ops.image_resize import resize_images_v2
from graphc.testing import check_vjp

K = gc.keras.backend
L = gc.keras.layers
METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]
NEW = ["lanczos3", "lanczos5", "gaussian", "mitchellcubic"]
RNG = np.random.default_rng(0)
X = RNG.uniform(-2, 2, (2, 5, 7, 3)).astype(np.float32)       # distinct dims


def _run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


def _v2(x, size, method):
    """graphc's tf.image.resize (TF 2) of the array x."""
    return resize_images_v2(gc.constant(x), size, method)


# ---- a float64 reference of two kernels (upsampling: no antialias widening) -------------
def _lanczos3(d):
    with np.errstate(divide="ignore", invalid="ignore"):
        v = 3 * np.sin(np.pi * d) * np.sin(np.pi * d / 3) / (np.pi * d) ** 2
    return np.where(d < 1e-3, 1.0, np.where(d > 3, 0.0, v))


def _mitchell(d):
    near = (7 / 6 * d - 2) * d * d + 8 / 9
    far = ((-7 / 18 * d + 2) * d - 10 / 3) * d + 16 / 9
    return np.where(d >= 2, 0.0, np.where(d >= 1, far, near))


def _weights(n_in, n_out, k):
    """(n_out, n_in): output o samples the input at (o + 0.5) n_in / n_out, weights
    k(|i + 0.5 - sample|) normalised to sum 1."""
    sample = (np.arange(n_out) + 0.5) * n_in / n_out
    w = k(np.abs(np.arange(n_in)[None] + 0.5 - sample[:, None]))
    return w / w.sum(1, keepdims=True)


@pytest.mark.parametrize("method,k", [("lanczos3", _lanczos3), ("mitchellcubic", _mitchell)])
def test_upsampling_against_the_kernel_formula(method, k):
    with gc.Graph().as_default():
        got = _run(L.UpSampling2D((2, 3), interpolation=method)(gc.constant(X)))
    wy, wx = _weights(5, 10, k), _weights(7, 21, k)
    want = np.einsum("ph,nhwc,qw->npqc", wy, X.astype(np.float64), wx)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("method", NEW)
def test_constant_images_stay_constant(method):
    """The weights of each output pixel sum to 1, up or down."""
    x = np.full((1, 6, 9, 2), 3.5, np.float32)
    with gc.Graph().as_default():
        got = _run([L.Resizing(4, 13, interpolation=method)(x),
                    L.UpSampling2D(2, interpolation=method)(x)])
    for g in got:
        np.testing.assert_allclose(g, 3.5, rtol=1e-6)


# ---- each entry point is resize_images_v2 ----------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_backend_resize_images(method):
    with gc.Graph().as_default():
        last = K.resize_images(X, 2, 3, "channels_last", method)
        first = K.resize_images(X.transpose(0, 3, 1, 2), 2, 3, "channels_first", method)
        p = gc.placeholder(gc.float32, (None, None, None, 3))
        dyn = K.resize_images(p, 2, 3, "channels_last", method)
        assert last.shape.as_list() == [2, 10, 21, 3] and last.dtype == gc.float32
        assert first.shape.as_list() == [2, 3, 10, 21]
        assert dyn.shape.as_list() == [None, None, None, 3]
        got = _run([last, first, dyn, _v2(X, [10, 21], method)], {p: X})
    np.testing.assert_allclose(got[0], got[3], rtol=1e-6)
    np.testing.assert_allclose(got[1], got[3].transpose(0, 3, 1, 2), rtol=1e-6)
    np.testing.assert_allclose(got[2], got[3], rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float16, np.float64])
def test_backend_resize_images_dtypes(dtype):
    x = RNG.integers(0, 200, (1, 4, 3, 2)).astype(dtype)
    with gc.Graph().as_default():
        near = K.resize_images(x, 2, 2, "channels_last", "nearest")
        lanczos = K.resize_images(x, 2, 2, "channels_last", "lanczos5")
        assert near.dtype == gc.as_dtype(dtype) and lanczos.dtype == gc.float32
        got = _run([near, lanczos, _v2(x.astype(np.float32), [8, 6], "lanczos5")])
    np.testing.assert_array_equal(got[0], x.repeat(2, 1).repeat(2, 2))
    np.testing.assert_allclose(got[1], got[2], rtol=1e-6)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("method", METHODS)
def test_upsampling2d(method, data_format):
    x = X if data_format == "channels_last" else X.transpose(0, 3, 1, 2)
    with gc.Graph().as_default():
        layer = L.UpSampling2D((3, 2), data_format, interpolation=method.upper())
        inp = gc.keras.Input(x.shape[1:])
        y = layer(inp)
        want = K.resize_images(x, 3, 2, data_format, method)
        got = _run([y, want], {inp: x})
    assert layer.get_config()["interpolation"] == method
    assert y.shape.as_list() == [None] + list(got[1].shape[1:])
    np.testing.assert_allclose(got[0], got[1], rtol=1e-6)
    if method == "nearest":                   # integer factors: a repeat
        rows = 1 if data_format == "channels_last" else 2
        np.testing.assert_array_equal(got[0], x.repeat(3, rows).repeat(2, rows + 1))


def _centre_crop(x, th, tw):
    """Keras' smart_resize crop (float32 arithmetic) of (n, h, w, c) x."""
    h, w = x.shape[1:3]
    ch = min(h, int(np.float32(w * th) / np.float32(tw)))
    cw = min(w, int(np.float32(h * tw) / np.float32(th)))
    top, left = int(np.float32(h - ch) / 2), int(np.float32(w - cw) / 2)
    return x[:, top:top + ch, left:left + cw]


@pytest.mark.parametrize("crop", [False, True])
@pytest.mark.parametrize("method", METHODS)
def test_resizing(method, crop):
    with gc.Graph().as_default():
        layers = [L.Resizing(3, 4, interpolation=method, crop_to_aspect_ratio=crop),
                  L.experimental.preprocessing.Resizing(
                      9, 6, interpolation=method.capitalize(), crop_to_aspect_ratio=crop)]
        inp = gc.keras.Input((None, None, 3))
        ys = [layers[0](inp), layers[1](inp[0])]
        assert ys[0].shape.as_list() == [None, 3, 4, 3]
        assert ys[1].shape.as_list() == [9, 6, 3] and ys[1].dtype == gc.float32
        src = [_centre_crop(X, 3, 4), _centre_crop(X[:1], 9, 6)[0]] if crop else [X, X[0]]
        got = _run(ys + [_v2(src[0], [3, 4], method), _v2(src[1], [9, 6], method)],
                   {inp: X})
        config = layers[1].get_config()
    assert config["interpolation"] == method.capitalize()
    assert config["crop_to_aspect_ratio"] == crop
    np.testing.assert_allclose(got[0], got[2], rtol=1e-6)
    np.testing.assert_allclose(got[1], got[3], rtol=1e-6)


def test_resizing_mixed_precision_keeps_the_compute_dtype():
    with gc.Graph().as_default():
        layer = L.Resizing(4, 5, interpolation="lanczos3", dtype="mixed_float16")
        y = layer(gc.constant(X))
        assert y.dtype == gc.float16
        got = _run([y, _v2(X.astype(np.float16), [4, 5], "lanczos3")])
    np.testing.assert_allclose(got[0], got[1].astype(np.float16), rtol=1e-3)


@pytest.mark.parametrize("build", [
    lambda t: L.UpSampling2D((2, 3), interpolation="lanczos3")(t),
    lambda t: L.Resizing(3, 4, interpolation="mitchellcubic", crop_to_aspect_ratio=True)(t),
    lambda t: K.resize_images(t, 1, 2, "channels_first", "gaussian"),
    lambda t: L.Resizing(8, 3, interpolation="lanczos5")(t)])
def test_input_gradients(build):
    check_vjp(build, [X], eps=1e-2, rtol=1e-3, atol=1e-3)


# ---- image_dataset_from_directory: its numpy resize is the graph op's ----------------------
@pytest.fixture
def tree(tmp_path):
    rng = np.random.RandomState(0)
    for c, shapes in (("a", [(9, 13, 3), (6, 6, 3)]), ("b", [(4, 7, 3)])):
        os.makedirs(tmp_path / c)
        for i, shape in enumerate(shapes):
            with open(tmp_path / c / f"{i}.png", "wb") as f:
                f.write(png_encode(rng.randint(0, 256, shape).astype(np.uint8)))
    return str(tmp_path)


@pytest.mark.parametrize("crop", [False, True])
@pytest.mark.parametrize("method", NEW + ["bicubic"])
def test_image_dataset_from_directory(tree, method, crop, capsys):
    ds = gc.keras.utils.image_dataset_from_directory(
        tree, image_size=(5, 8), batch_size=None, shuffle=False, crop_to_aspect_ratio=crop,
        interpolation=method.upper())
    assert ds.output_types[0] == gc.float32 and ds.output_shapes[0].as_list() == [5, 8, 3]
    got = [x for x, _ in ds.as_numpy_iterator()]
    srcs = [load_image_array(os.path.join(tree, p)) for p in ("a/0.png", "a/1.png",
                                                              "b/0.png")]
    srcs = [_centre_crop(s[None], 5, 8)[0] if crop else s for s in srcs]
    with gc.Graph().as_default():
        want = _run([_v2(s, [5, 8], method) for s in srcs])
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-4)
    capsys.readouterr()


# ---- the errors that remain ---------------------------------------------------------------
def test_unknown_interpolations():
    with pytest.raises(ValueError, match="`interpolation` argument should be one of"):
        K.resize_images(X, 2, 2, "channels_last", "cubic")
    with pytest.raises(NotImplementedError, match="Value not recognized"):
        L.Resizing(2, 2, interpolation="lanczos")
    with pytest.raises(NotImplementedError, match="Value not recognized"):
        L.UpSampling2D(interpolation="cubic")
    with pytest.raises(NotImplementedError, match="Value not recognized"):
        gc.keras.utils.image_dataset_from_directory("unused", interpolation="hamming")
