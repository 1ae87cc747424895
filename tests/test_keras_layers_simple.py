"""gc.keras activation, reshaping, noise, 3-D pooling, Dot and LayerNormalization layers:
values against numpy, static shapes, compute_output_shape, configs, the training phase,
seeds, masks and error messages (no TensorFlow needed)."""
import json

import numpy as np
import pytest

import graphc as gc
from graphc.keras.layers_normalization import LayerNormalization

k = gc.keras
L = gc.keras.layers
RNG = np.random.default_rng(0)


def _run(outputs, feed=None):
    sess = k.backend.get_session()
    return sess.run(outputs, feed or {})


def _apply(layer, value, **kwargs):
    """layer(placeholder of value's shape with a None batch) evaluated on value."""
    value = np.asarray(value)
    x = gc.placeholder(gc.as_dtype(value.dtype.name), (None,) + value.shape[1:])
    y = layer(x, **kwargs)
    return y, _run(y, {x: value})


@pytest.fixture(autouse=True)
def _graph():
    with gc.Graph().as_default():
        yield


X = np.array([[-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 6.0, 8.0]], np.float32)


@pytest.mark.parametrize("layer,want", [
    (lambda: L.ReLU(), np.maximum(X, 0)),
    (lambda: L.ReLU(max_value=6.0), np.clip(X, 0, 6)),
    (lambda: L.ReLU(max_value=1.5), np.clip(X, 0, 1.5)),
    (lambda: L.ReLU(negative_slope=0.1), np.where(X > 0, X, 0.1 * X)),
    (lambda: L.ReLU(max_value=4.0, negative_slope=0.1, threshold=1.0),
     np.where(X > 1.0, np.minimum(X, 4.0), 0.1 * (X - 1.0))),
    (lambda: L.ReLU(threshold=0.5), np.where(X > 0.5, X, 0.0)),
    (lambda: L.LeakyReLU(), np.where(X > 0, X, np.float32(0.3) * X)),
    (lambda: L.ELU(), np.where(X > 0, X, np.expm1(X))),
    (lambda: L.ELU(alpha=0.5), np.where(X > 0, X, 0.5 * np.expm1(X))),
    (lambda: L.ThresholdedReLU(), np.where(X > 1.0, X, 0.0)),
    (lambda: L.PReLU(alpha_initializer="ones"), X),
    (lambda: L.Softmax(), np.exp(X) / np.exp(X).sum()),
    (lambda: L.Identity(), X),
    (lambda: L.ActivityRegularization(l1=1.0), X),
])
def test_activation_values(layer, want):
    y, got = _apply(layer(), X)
    assert y.shape.as_list() == [None, 8]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_relu_config_and_errors():
    cfg = L.ReLU(max_value=6, negative_slope=0.3).get_config()
    assert cfg["max_value"] == 6.0 and cfg["negative_slope"] == pytest.approx(0.3)
    assert cfg["threshold"] == 0.0 and L.ReLU().get_config()["max_value"] is None
    assert L.LeakyReLU().get_config()["alpha"] == float(np.float32(0.3))
    for kwargs, what in [({"max_value": -1.0}, "max_value"),
                         ({"negative_slope": -0.1}, "negative_slope"),
                         ({"threshold": None}, "threshold")]:
        with pytest.raises(ValueError, match=what):
            L.ReLU(**kwargs)
    with pytest.raises(ValueError, match="cannot be None"):
        L.LeakyReLU(alpha=None)
    with pytest.raises(ValueError, match="cannot be None"):
        L.ELU(alpha=None)
    with pytest.raises(ValueError, match="should be >=0"):
        L.ThresholdedReLU(theta=-1)
    with pytest.raises(TypeError, match="not understood"):
        L.ReLU(maxvalue=3)


def test_prelu_weight_shapes_config_and_training():
    layer4 = L.PReLU(shared_axes=[1, 2])
    layer4(k.Input((3, 4, 2)))
    assert layer4.alpha.shape.as_list() == [1, 1, 2] and layer4.input_spec.axes == {3: 2}
    x = k.Input((3, 2))
    layer = L.PReLU(shared_axes=[1], alpha_regularizer="l2", alpha_constraint="non_neg")
    y = layer(x)
    assert layer.alpha.name == "p_re_lu_1/alpha:0"
    assert layer.alpha.shape.as_list() == [1, 2] and len(layer.trainable_weights) == 1
    assert len(layer.losses) == 1
    cfg = layer.get_config()
    assert cfg["shared_axes"] == [1]
    assert cfg["alpha_regularizer"]["class_name"] == "L2"
    assert cfg["alpha_constraint"]["class_name"] == "NonNeg"
    assert cfg["alpha_initializer"]["class_name"] == "Zeros"
    assert L.PReLU(shared_axes=1).shared_axes == [1]
    model = k.Model(x, y)
    model.compile(k.optimizers.SGD(lr=0.5), "mse")
    xs = -np.ones((2, 3, 2), np.float32)
    model.train_on_batch(xs, np.ones((2, 3, 2), np.float32))
    alpha = layer.get_weights()[0]
    assert np.all(alpha < 0.0) or np.all(alpha == 0.0)     # non_neg clips at 0
    with pytest.raises(ValueError, match="must be known|needs the non-batch"):
        L.PReLU()(k.Input((None, 3)))


def test_softmax_axes_mask_and_rank():
    xs = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    x = gc.placeholder(gc.float32, (None, 3, 4))
    m = gc.placeholder(gc.bool, (None, 3, 4))
    joint = L.Softmax(axis=[1, 2])(x)
    masked = L.Softmax()(x, mask=m)
    robust = L.Softmax(robust_masking=True)(x, mask=m)
    mask = RNG.uniform(size=xs.shape) > 0.3
    mask[..., 0] = True
    a, b, c = _run([joint, masked, robust], {x: xs, m: mask})
    e = np.exp(xs - xs.max((1, 2), keepdims=True))
    np.testing.assert_allclose(a, e / e.sum((1, 2), keepdims=True), rtol=1e-5)
    e = np.where(mask, np.exp(xs), 0.0)
    np.testing.assert_allclose(b, e / e.sum(-1, keepdims=True), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(c, b, rtol=1e-5, atol=1e-7)
    assert L.Softmax(axis=[1, 2]).get_config()["axis"] == [1, 2]
    assert "robust_masking" not in L.Softmax().get_config()
    with pytest.raises(ValueError, match="1D"):
        L.Softmax()(gc.placeholder(gc.float32, (None,)))


def test_masks_pass_through_activations_and_noise():
    ids = k.Input((4,), dtype="int32")
    e = L.Embedding(5, 3, mask_zero=True)(ids)
    for layer in (L.ReLU(), L.LeakyReLU(), L.ELU(), L.PReLU(), L.ThresholdedReLU(),
                  L.GaussianNoise(0.1), L.GaussianDropout(0.1), L.AlphaDropout(0.1),
                  L.ActivityRegularization(), LayerNormalization(), L.SpatialDropout1D(0.1)):
        assert k.backend.get_mask(layer(e)) is k.backend.get_mask(e)
    d = L.Dot(axes=2)([e, e])
    assert k.backend.get_mask(d) is None and d.shape.as_list() == [None, 4, 4]


RESHAPES = [
    (lambda: L.Permute((2, 1)), (2, 3, 4), lambda v: v.transpose(0, 2, 1)),
    (lambda: L.Permute((3, 1, 2)), (2, 3, 4, 5), lambda v: v.transpose(0, 3, 1, 2)),
    (lambda: L.RepeatVector(3), (2, 4), lambda v: np.repeat(v[:, None], 3, 1)),
    (lambda: L.Cropping1D((1, 2)), (2, 6, 3), lambda v: v[:, 1:-2]),
    (lambda: L.Cropping1D((2, 0)), (2, 6, 3), lambda v: v[:, 2:]),
    (lambda: L.Cropping2D(((1, 0), (2, 1))), (2, 5, 6, 3), lambda v: v[:, 1:, 2:-1]),
    (lambda: L.Cropping2D(1, data_format="channels_first"), (2, 3, 5, 6),
     lambda v: v[:, :, 1:-1, 1:-1]),
    (lambda: L.Cropping3D(((1, 1), (0, 2), (1, 0))), (2, 4, 5, 6, 3),
     lambda v: v[:, 1:-1, :-2, 1:]),
    (lambda: L.ZeroPadding1D((2, 1)), (2, 3, 2),
     lambda v: np.pad(v, [(0, 0), (2, 1), (0, 0)])),
    (lambda: L.ZeroPadding2D((1, 2)), (2, 3, 4, 2),
     lambda v: np.pad(v, [(0, 0), (1, 1), (2, 2), (0, 0)])),
    (lambda: L.ZeroPadding2D(((1, 0), (0, 2)), data_format="channels_first"),
     (2, 2, 3, 4), lambda v: np.pad(v, [(0, 0), (0, 0), (1, 0), (0, 2)])),
    (lambda: L.ZeroPadding3D(1), (1, 2, 3, 4, 2),
     lambda v: np.pad(v, [(0, 0), (1, 1), (1, 1), (1, 1), (0, 0)])),
    (lambda: L.UpSampling1D(3), (2, 3, 2), lambda v: v.repeat(3, 1)),
    (lambda: L.UpSampling2D((2, 3)), (2, 3, 4, 2), lambda v: v.repeat(2, 1).repeat(3, 2)),
    (lambda: L.UpSampling2D(2, data_format="channels_first"), (1, 2, 3, 4),
     lambda v: v.repeat(2, 2).repeat(2, 3)),
    (lambda: L.UpSampling3D((1, 2, 3)), (1, 2, 3, 2, 2),
     lambda v: v.repeat(2, 2).repeat(3, 3)),
]


@pytest.mark.parametrize("make,shape,want", RESHAPES)
def test_reshaping_values_and_shapes(make, shape, want):
    xs = RNG.standard_normal(shape).astype(np.float32)
    layer = make()
    y, got = _apply(layer, xs)
    np.testing.assert_array_equal(got, want(xs))
    static = tuple(y.shape.as_list())
    assert static == (None,) + got.shape[1:]
    assert tuple(layer.compute_output_shape((None,) + shape[1:]).as_list()) == static


def test_upsampling_bilinear_half_pixel():
    xs = np.arange(4, dtype=np.float32).reshape(1, 1, 4, 1)
    y, got = _apply(L.UpSampling2D((1, 2), interpolation="bilinear"), xs)
    # half-pixel centres: out j samples (j + 0.5) / 2 - 0.5, clamped at the edges
    np.testing.assert_allclose(got[0, 0, :, 0], [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3])
    assert y.shape.as_list() == [None, 1, 8, 1] and y.dtype == gc.float32
    with pytest.raises(NotImplementedError, match="not recognized"):
        L.UpSampling2D(interpolation="cubic")


def test_reshaping_unknown_dims_and_gradients():
    x = gc.placeholder(gc.float32, (None, None, 3))
    up = L.UpSampling1D(2)(x)
    crop = L.Cropping1D((1, 1))(x)
    pad = L.ZeroPadding1D(1)(x)
    assert up.shape.as_list() == [None, None, 3] and crop.shape.as_list() == [None, None, 3]
    g = gc.gradients(gc.reduce_sum(up) + gc.reduce_sum(crop) + gc.reduce_sum(pad), x)[0]
    xs = np.ones((2, 4, 3), np.float32)
    got_up, got_g = _run([up, g], {x: xs})
    assert got_up.shape == (2, 8, 3)
    np.testing.assert_array_equal(got_g[0, :, 0], [3.0, 4.0, 4.0, 3.0])   # 2 + crop + 1
    assert L.Cropping1D().compute_output_shape((None, None, 3)).as_list() == [None, None, 3]


def test_reshaping_configs_and_errors():
    assert L.Cropping2D(2).get_config()["cropping"] == ((2, 2), (2, 2))
    assert L.Cropping2D((1, 2)).cropping == ((1, 1), (2, 2))
    assert L.ZeroPadding3D(((1, 2), 3, (0, 1))).padding == ((1, 2), (3, 3), (0, 1))
    assert L.ZeroPadding1D().get_config()["padding"] == (1, 1)
    assert L.UpSampling2D(3).get_config() == {
        "name": "up_sampling2d", "trainable": True, "dtype": "float32", "size": (3, 3),
        "data_format": "channels_last", "interpolation": "nearest"}
    assert L.Permute((2, 1)).get_config()["dims"] == (2, 1)
    with pytest.raises(ValueError, match="Invalid permutation"):
        L.Permute((1, 3))
    with pytest.raises(TypeError, match="integer value for `n`"):
        L.RepeatVector(2.0)
    with pytest.raises(ValueError, match="should have two elements"):
        L.Cropping2D((1, 2, 3))
    with pytest.raises(ValueError, match="should have 3 elements"):
        L.ZeroPadding3D((1, 2))
    with pytest.raises(ValueError, match="does not satisfy the requirement `>= 0`"):
        L.ZeroPadding1D((-1, 2))
    with pytest.raises(ValueError, match=r"`size` argument must be a tuple of 3"):
        L.UpSampling3D((2, 2))
    with pytest.raises(ValueError, match="data_format"):
        L.Cropping2D(data_format="NHWC")
    with pytest.raises(ValueError, match="must be smaller than the input shape"):
        L.Cropping1D((2, 2))(gc.placeholder(gc.float32, (None, 4, 2)))
    with pytest.raises(ValueError, match=r'"repeat_vector.*expected ndim=2, found ndim=3'):
        L.RepeatVector(2)(gc.placeholder(gc.float32, (None, 4, 2)))


def test_pooling3d_values_shapes_and_config():
    xs = RNG.standard_normal((2, 4, 4, 6, 3)).astype(np.float32)
    y, got = _apply(L.MaxPooling3D(2), xs)
    want = xs.reshape(2, 2, 2, 2, 2, 3, 2, 3).max(axis=(2, 4, 6))
    np.testing.assert_allclose(got, want)
    layer = L.AvgPool3D((2, 2, 3), data_format="channels_first")
    y, got = _apply(layer, xs)
    want = xs.reshape(2, 4, 2, 2, 3, 2, 1, 3).mean(axis=(3, 5, 7))
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert layer.compute_output_shape((None, 4, 4, 6, 3)).as_list() == [None, 4, 2, 3, 1]
    same = L.MaxPool3D(3, strides=2, padding="same")
    assert same.compute_output_shape((None, 5, 4, None, 1)).as_list() == [None, 3, 2, None, 1]
    assert same.get_config()["strides"] == (2, 2, 2)
    assert same(k.Input((5, 4, 7, 1))).shape.as_list() == [None, 3, 2, 4, 1]
    with pytest.raises(ValueError, match="pool_size"):
        L.MaxPooling3D((2, 2))


def test_global_pooling3d_and_aliases():
    xs = RNG.standard_normal((2, 3, 4, 5, 6)).astype(np.float32)
    _, got = _apply(L.GlobalAveragePooling3D(), xs)
    np.testing.assert_allclose(got, xs.mean((1, 2, 3)), rtol=1e-5)
    y, got = _apply(L.GlobalMaxPool3D(data_format="channels_first", keepdims=True), xs)
    np.testing.assert_allclose(got, xs.max((2, 3, 4), keepdims=True))
    assert y.shape.as_list() == [None, 3, 1, 1, 1]
    cfg = L.GlobalAvgPool3D(keepdims=True).get_config()
    assert cfg["keepdims"] is True and cfg["data_format"] == "channels_last"
    assert L.GlobalMaxPool3D().compute_output_shape((None, 2, 3, 4, 5)).as_list() == [None, 5]
    assert L.GlobalAvgPool1D is L.GlobalAveragePooling1D
    assert L.GlobalMaxPool1D is L.GlobalMaxPooling1D
    assert L.MaxPool3D is L.MaxPooling3D and L.AvgPool3D is L.AveragePooling3D
    with pytest.raises(ValueError, match="dimension 0"):
        L.GlobalMaxPooling3D()(gc.placeholder(gc.float32, (None, 0, 2, 2, 3)))


@pytest.mark.parametrize("s1,s2,axes,fn", [
    ((4,), (4,), 1, lambda a, b: (a * b).sum(-1, keepdims=True)),
    ((3, 4), (5, 4), (2, 2), lambda a, b: np.einsum("bik,bjk->bij", a, b)),
    ((3, 4), (3, 5), 1, lambda a, b: np.einsum("bki,bkj->bij", a, b)),
    ((3, 4), (4,), (2, 1), lambda a, b: np.einsum("bik,bk->bi", a, b)),
    ((4,), (4, 5), (-1, 1), lambda a, b: np.einsum("bk,bkj->bj", a, b)),
    ((2, 3, 4), (4, 5), (-1, 1), lambda a, b: np.einsum("bijk,bkl->bijl", a, b)),
])
def test_dot_values(s1, s2, axes, fn):
    a = RNG.standard_normal((2,) + s1).astype(np.float32)
    b = RNG.standard_normal((2,) + s2).astype(np.float32)
    x, y = gc.placeholder(gc.float32, (None,) + s1), gc.placeholder(gc.float32, (None,) + s2)
    layer = L.Dot(axes)
    out = layer([x, y])
    got = _run(out, {x: a, y: b})
    np.testing.assert_allclose(got, fn(a, b), rtol=1e-5, atol=1e-6)
    assert tuple(out.shape.as_list()) == (None,) + got.shape[1:]
    assert layer.compute_output_shape([(None,) + s1, (None,) + s2]) == (None,) + got.shape[1:]


def test_dot_normalize_config_and_errors():
    a = RNG.standard_normal((3, 5)).astype(np.float32)
    x = k.Input((5,))
    cos = L.dot([x, x * 2.0], axes=1, normalize=True)
    np.testing.assert_allclose(_run(cos, {x: a}), np.ones((3, 1)), rtol=1e-5)
    assert L.Dot((1, 2)).get_config()["axes"] == (1, 2)
    assert L.Dot(1).get_config()["normalize"] is False
    with pytest.raises(TypeError, match="a list or an int"):
        L.Dot("1")
    with pytest.raises(ValueError, match="two elements"):
        L.Dot((1, 2, 3))
    with pytest.raises(ValueError, match="should be integers"):
        L.Dot((1, 2.0))
    with pytest.raises(ValueError, match=r"axis values 5 \(at axis 1\) != 4"):
        L.Dot(1)([x, k.Input((4,))])
    with pytest.raises(ValueError, match="list of 2 inputs"):
        L.Dot(1)([x, x, x])
    with pytest.raises(ValueError, match="axis 0"):
        L.Dot(0)([x, x])


def test_layer_normalization():
    xs = (RNG.standard_normal((2, 3, 4)) * 3 + 1).astype(np.float32)
    layer = LayerNormalization(axis=[1, 2], epsilon=1e-6)
    y, got = _apply(layer, xs)
    mean, var = xs.mean((1, 2), keepdims=True), xs.var((1, 2), keepdims=True)
    np.testing.assert_allclose(got, (xs - mean) / np.sqrt(var + 1e-6), rtol=1e-4, atol=1e-5)
    assert [w.name for w in layer.weights] == ["layer_normalization/gamma:0",
                                               "layer_normalization/beta:0"]
    assert layer.gamma.shape.as_list() == [3, 4] and layer.axis == [1, 2]
    cfg = layer.get_config()
    assert cfg["axis"] == [1, 2] and cfg["epsilon"] == 1e-6
    assert cfg["gamma_initializer"]["class_name"] == "Ones"
    assert cfg["beta_regularizer"] is None and cfg["gamma_constraint"] is None
    plain = LayerNormalization(center=False, scale=False)
    _, got = _apply(plain, xs)
    assert plain.weights == []
    mean, var = xs.mean(-1, keepdims=True), xs.var(-1, keepdims=True)
    np.testing.assert_allclose(got, (xs - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    mid = LayerNormalization(axis=1, gamma_initializer="zeros", beta_initializer="ones")
    _, got = _apply(mid, xs)
    np.testing.assert_allclose(got, np.ones_like(xs))
    assert mid.get_config()["axis"] == [1]
    with pytest.raises(TypeError, match="an int or a list"):
        LayerNormalization(axis="last")
    with pytest.raises(ValueError, match="Invalid value for `axis`"):
        LayerNormalization(axis=3)(gc.placeholder(gc.float32, (None, 3, 4)))
    with pytest.raises(ValueError, match="Duplicate axis"):
        LayerNormalization(axis=[2, -1])(gc.placeholder(gc.float32, (None, 3, 4)))


NOISE = [(lambda: L.GaussianNoise(1.0, seed=1), (200, 50)),
         (lambda: L.GaussianDropout(0.5, seed=1), (200, 50)),
         (lambda: L.AlphaDropout(0.5, seed=1), (200, 50)),
         (lambda: L.SpatialDropout1D(0.5, seed=1), (20, 10, 50)),
         (lambda: L.SpatialDropout2D(0.5, seed=1), (20, 4, 5, 50)),
         (lambda: L.SpatialDropout3D(0.5, seed=1, data_format="channels_first"),
          (20, 50, 2, 3, 4))]


@pytest.mark.parametrize("make,shape", NOISE)
def test_noise_only_in_training(make, shape):
    xs = np.full(shape, 2.0, np.float32)
    x = gc.placeholder(gc.float32, (None,) + shape[1:])
    layer = make()
    phase = layer(x)
    forced = layer(x, training=True)
    off = layer(x, training=False)
    lp = k.backend.learning_phase()
    test, on, never = _run([phase, forced, off], {x: xs})
    np.testing.assert_array_equal(test, xs)
    np.testing.assert_array_equal(never, xs)
    assert not np.allclose(on, xs)
    train = _run(phase, {x: xs, lp: True})
    assert not np.allclose(train, xs)
    if isinstance(layer, L.AlphaDropout):        # kept: a * 2 + b, dropped: a * alpha' + b
        assert len(np.unique(train)) == 2
    else:
        assert abs(train.mean() - 2.0) < 0.1       # the mean is kept
    if "Spatial" in type(layer).__name__:
        assert set(np.unique(train)) <= {0.0, 4.0}
        first = getattr(layer, "data_format", None) == "channels_first"
        chan = 1 if first else train.ndim - 1
        spatial = tuple(i for i in range(1, train.ndim) if i != chan)
        assert np.all(train.min(spatial) == train.max(spatial))


def test_seeds_repeat_across_graphs_and_advance_per_call():
    def draw():
        with gc.Graph().as_default():
            x = gc.placeholder(gc.float32, (None, 6))
            layer = L.GaussianNoise(1.0, seed=7)
            a, b = layer(x, training=True), layer(x, training=True)
            return _run([a, b], {x: np.zeros((2, 6), np.float32)})
    (a1, b1), (a2, b2) = draw(), draw()
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(b1, b2)
    assert not np.allclose(a1, b1)        # seed 7, then seed 8 (tf_keras' legacy seeds)
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (None, 6))
        c = gc.random.normal(gc.shape(x), seed=8)
        np.testing.assert_array_equal(_run(c, {x: np.zeros((2, 6), np.float32)}), b1)


def test_noise_configs_rates_and_learning_phase_constant():
    assert L.GaussianNoise(0.2, seed=3).get_config()["seed"] == 3
    assert L.AlphaDropout(0.2, noise_shape=(None, 1)).get_config() == {
        "name": "alpha_dropout", "trainable": True, "dtype": "float32", "rate": 0.2,
        "seed": None}
    cfg = L.SpatialDropout2D(0.3, data_format="channels_first").get_config()
    assert cfg["rate"] == 0.3 and "data_format" not in cfg      # as tf_keras
    with pytest.raises(ValueError, match="between 0 and 1"):
        L.SpatialDropout1D(1.5)
    with pytest.raises(ValueError, match="data_format"):
        L.SpatialDropout2D(0.1, data_format="NCHW")
    with pytest.raises(ValueError, match="expected ndim=4"):
        L.SpatialDropout2D(0.1)(gc.placeholder(gc.float32, (None, 3, 4)))
    x = gc.placeholder(gc.float32, (None, 4))
    xs = np.ones((2, 4), np.float32)
    for layer in (L.GaussianDropout(0.0), L.AlphaDropout(1.0), L.SpatialDropout1D(0.0)):
        inp = gc.placeholder(gc.float32, (None, 3, 4)) \
            if isinstance(layer, L.SpatialDropout1D) else x
        out = layer(inp, training=True)
        assert out is not inp and out.op.type == "Identity"
    k.backend.set_learning_phase(1)
    np.testing.assert_array_equal(_run(L.GaussianNoise(0.0)(x), {x: xs}), xs)
    assert not np.allclose(_run(L.GaussianNoise(1.0)(x), {x: xs}), xs)


def test_activity_regularization_adds_model_loss():
    x = k.Input((3,))
    layer = L.ActivityRegularization(l1=0.5, l2=0.25)
    y = layer(x)
    model = k.Model(x, y)
    assert layer.get_config()["l1"] == 0.5 and layer.get_config()["l2"] == 0.25
    assert len(model.losses) == 1
    xs = np.array([[1.0, -2.0, 3.0], [0.0, 1.0, -1.0]], np.float32)
    want = (0.5 * np.abs(xs).sum() + 0.25 * (xs ** 2).sum()) / 2
    np.testing.assert_allclose(_run(model.losses[0], {x: xs}), want, rtol=1e-5)
    model.compile("sgd", "mse")
    loss = model.test_on_batch(xs, xs)
    np.testing.assert_allclose(loss, want, rtol=1e-5)


def test_model_config_round_trip():
    x = k.Input((6, 3))
    h = L.ZeroPadding1D(1)(x)
    h = L.ReLU(max_value=2.0)(L.Cropping1D((1, 0))(h))
    h = L.PReLU(shared_axes=[1])(L.UpSampling1D(2)(h))
    h = L.GaussianNoise(0.3)(L.Permute((2, 1))(h))
    y = L.Dot(axes=2)([h, L.Softmax()(h)])
    model = k.Model(x, L.GlobalMaxPool1D()(y))
    config = json.loads(json.dumps(model.get_config()))
    again = k.Model.from_config(config)
    again.set_weights(model.get_weights())
    xs = RNG.standard_normal((2, 6, 3)).astype(np.float32)
    np.testing.assert_allclose(again.predict(xs), model.predict(xs), rtol=1e-6)
    assert [type(la).__name__ for la in again.layers][-3:] == ["Softmax", "Dot",
                                                                "GlobalMaxPooling1D"]
