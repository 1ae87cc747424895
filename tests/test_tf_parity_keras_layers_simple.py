"""gc.keras activation, reshaping, noise, 3-D pooling, Dot and LayerNormalization layers
against tf_keras (legacy Keras 2) in TF1 graph mode: outputs and input gradients with the
same weights, static shapes, compute_output_shape, get_config, the training phase and a
fit step of a model made of them."""
import numpy as np
import pytest

import graphc as gc
from keras_parity import run_both, tfk
from keras_parity import tfk_backend
from tf_parity import tf

RNG = np.random.default_rng(0)


def _layer_norm(k, **kwargs):
    """k.layers.LayerNormalization (graphc's lives in layers_normalization until
    gc.keras.layers exports it)."""
    if k is gc.keras and not hasattr(k.layers, "LayerNormalization"):
        from graphc.keras.layers_normalization import LayerNormalization
        return LayerNormalization(**kwargs)
    return k.layers.LayerNormalization(**kwargs)


def _session(m):
    return (gc.keras.backend.get_session() if isinstance(m, gc.keras.Model)
            else tfk_backend.get_session())


def _forward_and_grads(xs):
    """run(m): the model's outputs, static shape, dtype, and d sum(out * w) / d inputs."""
    def run(m):
        lib = gc if isinstance(m, gc.keras.Model) else tf.compat.v1
        ins = m.inputs
        out = m.outputs[0]
        w = lib.constant(np.linspace(-1.0, 1.5, int(np.prod(out.shape.as_list()[1:])))
                         .reshape(out.shape.as_list()[1:]).astype(np.float32))
        loss = lib.reduce_sum(out * w)
        grads = lib.gradients(loss, ins)
        grads = [g for g in grads if g is not None]
        sess = _session(m)
        vals = sess.run([out] + grads, dict(zip(ins, xs)))
        return vals, tuple(out.shape.as_list()), out.dtype.name
    return run


def _compare(build, xs, rtol=1e-5, atol=1e-6):
    (gv, gs, gd), (tv, ts, td) = run_both(build, _forward_and_grads(xs))
    assert gs == ts and gd == td
    assert len(gv) == len(tv)
    for a, b in zip(gv, tv):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def _model(layer_fn, shape):
    def build(k):
        x = k.Input(shape=shape)
        return k.Model(x, layer_fn(k)(x))
    return build


X2 = (RNG.standard_normal((3, 7)) * 3).astype(np.float32)
X3 = RNG.standard_normal((2, 6, 5)).astype(np.float32)
X4 = RNG.standard_normal((2, 5, 6, 3)).astype(np.float32)
X5 = RNG.standard_normal((2, 4, 5, 6, 3)).astype(np.float32)
X2[0, :3] = [0.0, 6.0, 1.5]        # the kinks of relu6 and thresholds, on purpose

ELEMENTWISE = {
    "relu": lambda k: k.layers.ReLU(),
    "relu6": lambda k: k.layers.ReLU(max_value=6.0),
    "relu_max": lambda k: k.layers.ReLU(max_value=2.5),
    "relu_all": lambda k: k.layers.ReLU(max_value=4.0, negative_slope=0.1, threshold=0.5),
    "relu_slope": lambda k: k.layers.ReLU(negative_slope=0.2),
    "relu_slope_max": lambda k: k.layers.ReLU(max_value=3.0, negative_slope=0.2),
    "relu_thresh": lambda k: k.layers.ReLU(threshold=1.0),
    "leaky": lambda k: k.layers.LeakyReLU(),
    "leaky01": lambda k: k.layers.LeakyReLU(alpha=0.1),
    "prelu": lambda k: k.layers.PReLU(alpha_initializer=k.initializers.RandomUniform(
        0.1, 0.5, seed=1)),
    "elu": lambda k: k.layers.ELU(),
    "elu05": lambda k: k.layers.ELU(alpha=0.5),
    "thresholded": lambda k: k.layers.ThresholdedReLU(theta=0.7),
    "softmax": lambda k: k.layers.Softmax(),
    "softmax0": lambda k: k.layers.Softmax(axis=[1]),
    "identity": lambda k: k.layers.Identity(),
    "repeat": lambda k: k.layers.RepeatVector(3),
    "layernorm": lambda k: _layer_norm(
        k, gamma_initializer=k.initializers.RandomUniform(0.5, 1.5, seed=2),
        beta_initializer=k.initializers.RandomUniform(-1, 1, seed=3)),
    "noise_inference": lambda k: k.layers.GaussianNoise(0.5),
    "gdrop_inference": lambda k: k.layers.GaussianDropout(0.3),
    "alpha_inference": lambda k: k.layers.AlphaDropout(0.3),
    "actreg": lambda k: k.layers.ActivityRegularization(l1=0.1, l2=0.01),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_rank2_layers(name):
    _compare(_model(ELEMENTWISE[name], (7,)), [X2])


SEQ = {
    "permute": lambda k: k.layers.Permute((2, 1)),
    "crop1d": lambda k: k.layers.Cropping1D((1, 2)),
    "crop1d_end0": lambda k: k.layers.Cropping1D((2, 0)),
    "pad1d": lambda k: k.layers.ZeroPadding1D((2, 1)),
    "up1d": lambda k: k.layers.UpSampling1D(3),
    "prelu_shared": lambda k: k.layers.PReLU(
        alpha_initializer=k.initializers.RandomUniform(0.1, 0.5, seed=1), shared_axes=1),
    "softmax_axes": lambda k: k.layers.Softmax(axis=[1, 2]),
    "softmax_axis1": lambda k: k.layers.Softmax(axis=1),
    "layernorm_12": lambda k: _layer_norm(k, axis=[1, 2], epsilon=1e-6),
    "layernorm_1": lambda k: _layer_norm(
        k, axis=1, gamma_initializer=k.initializers.RandomUniform(0.5, 1.5, seed=2),
        beta_initializer=k.initializers.RandomUniform(-1, 1, seed=3)),
    "layernorm_plain": lambda k: _layer_norm(k, center=False, scale=False),
    "spatial1d_inference": lambda k: k.layers.SpatialDropout1D(0.5),
    "gmaxpool1d_alias": lambda k: k.layers.GlobalMaxPool1D(),
    "gavgpool1d_alias": lambda k: k.layers.GlobalAvgPool1D(),
}


@pytest.mark.parametrize("name", sorted(SEQ))
def test_rank3_layers(name):
    _compare(_model(SEQ[name], (6, 5)), [X3])


IMAGES = {
    "crop2d": lambda k, f: k.layers.Cropping2D(((1, 2), (0, 1)), data_format=f),
    "crop2d_int": lambda k, f: k.layers.Cropping2D(1, data_format=f),
    "crop2d_pair": lambda k, f: k.layers.Cropping2D((1, 0), data_format=f),
    "pad2d": lambda k, f: k.layers.ZeroPadding2D(((1, 0), (2, 3)), data_format=f),
    "pad2d_int": lambda k, f: k.layers.ZeroPadding2D(2, data_format=f),
    "up2d": lambda k, f: k.layers.UpSampling2D((2, 3), data_format=f),
    "up2d_bilinear": lambda k, f: k.layers.UpSampling2D(
        (2, 3), data_format=f, interpolation="bilinear"),
    "spatial2d_inference": lambda k, f: k.layers.SpatialDropout2D(0.5, data_format=f),
    "permute3": lambda k, f: k.layers.Permute((3, 1, 2)),
    "prelu_shared12": lambda k, f: k.layers.PReLU(
        alpha_initializer=k.initializers.RandomUniform(0.1, 0.5, seed=1),
        shared_axes=[1, 2]),
}


@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
@pytest.mark.parametrize("name", sorted(IMAGES))
def test_rank4_layers(name, fmt):
    _compare(_model(lambda k: IMAGES[name](k, fmt), (5, 6, 3)), [X4])


VOLUMES = {
    "crop3d": lambda k, f: k.layers.Cropping3D(((1, 0), (0, 2), (1, 1)), data_format=f),
    "crop3d_default": lambda k, f: k.layers.Cropping3D(data_format=f),
    "pad3d": lambda k, f: k.layers.ZeroPadding3D(((1, 0), (0, 2), (1, 1)), data_format=f),
    "pad3d_ints": lambda k, f: k.layers.ZeroPadding3D((1, 0, 2), data_format=f),
    "up3d": lambda k, f: k.layers.UpSampling3D((2, 1, 3), data_format=f),
    "maxpool3d": lambda k, f: k.layers.MaxPooling3D(2, data_format=f),
    "maxpool3d_same": lambda k, f: k.layers.MaxPool3D((2, 3, 2), strides=(1, 2, 3),
                                                      padding="same", data_format=f),
    "avgpool3d": lambda k, f: k.layers.AveragePooling3D((2, 2, 3), data_format=f),
    "avgpool3d_same": lambda k, f: k.layers.AvgPool3D(3, strides=2, padding="same",
                                                      data_format=f),
    "gavg3d": lambda k, f: k.layers.GlobalAveragePooling3D(data_format=f),
    "gmax3d_keep": lambda k, f: k.layers.GlobalMaxPool3D(data_format=f, keepdims=True),
    "gavg3d_keep": lambda k, f: k.layers.GlobalAvgPool3D(data_format=f, keepdims=True),
    "spatial3d_inference": lambda k, f: k.layers.SpatialDropout3D(0.5, data_format=f),
}


@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
@pytest.mark.parametrize("name", sorted(VOLUMES))
def test_rank5_layers(name, fmt):
    if (name, fmt) != ("maxpool3d_same", "channels_first"):
        _compare(_model(lambda k: VOLUMES[name](k, fmt), (4, 5, 6, 3)), [X5])
        return
    # TF 2.21's MaxPool3DGrad gives one input of this case a second window's gradient
    # (it is the maximum of one window only: the values are distinct); graphc's outputs
    # are compared with TF's and its gradient with the exact one, summed over windows
    (gv, gs, gd), (tv, ts, td) = run_both(
        _model(lambda k: VOLUMES[name](k, fmt), (4, 5, 6, 3)), _forward_and_grads([X5]))
    assert (gs, gd) == (ts, td)
    np.testing.assert_allclose(gv[0], tv[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gv[1], _max_pool3d_grad(X5, (2, 3, 2), (1, 2, 3)),
                               rtol=1e-5, atol=1e-6)


def _max_pool3d_grad(x, ksize, strides):
    """d sum(max_pool3d(x) * w) / dx for channels_first x, SAME padding, w as
    _forward_and_grads makes it: each window's weight goes to its maximum."""
    spatial = x.shape[2:]
    outs = [-(-n // s) for n, s in zip(spatial, strides)]
    pads = [max((o - 1) * s + k - n, 0) // 2
            for o, s, k, n in zip(outs, strides, ksize, spatial)]
    w = np.linspace(-1.0, 1.5, x.shape[1] * int(np.prod(outs))).reshape(
        [x.shape[1]] + outs).astype(np.float32)
    g = np.zeros_like(x)
    for n, c, *o in np.ndindex(x.shape[0], x.shape[1], *outs):
        lo = [i * s - p for i, s, p in zip(o, strides, pads)]
        box = tuple(slice(max(a, 0), a + k) for a, k in zip(lo, ksize))
        window = x[(n, c) + box]
        at = np.unravel_index(np.argmax(window), window.shape)
        g[(n, c) + tuple(b.start + i for b, i in zip(box, at))] += w[(c, *o)]
    return g


DOTS = [((5,), (5,), 1, False), ((5,), (5,), -1, True), ((3, 5), (4, 5), (2, 2), False),
        ((3, 5), (5, 4), (2, 1), True), ((3, 5), (5,), (2, 1), False),
        ((5,), (5, 4), (1, 1), False), ((2, 3, 5), (5, 4), (-1, 1), False),
        ((3, 5), (2, 5, 4), (2, 2), False)]


@pytest.mark.parametrize("s1,s2,axes,normalize", DOTS)
def test_dot(s1, s2, axes, normalize):
    a = RNG.standard_normal((3,) + s1).astype(np.float32)
    b = RNG.standard_normal((3,) + s2).astype(np.float32)

    def build(k):
        x, y = k.Input(shape=s1), k.Input(shape=s2)
        return k.Model([x, y], k.layers.dot([x, y], axes=axes, normalize=normalize))
    _compare(build, [a, b], rtol=1e-4, atol=1e-5)


def test_softmax_mask_and_implicit_mask():
    xs = RNG.standard_normal((4, 4)).astype(np.float32)
    mask = np.array([[True, False, True, True], [False, False, True, False]] * 2)
    # Softmax(s) gets the (batch, 4) mask of s (batch, 4, 4) implicitly, as tf_keras;
    # with batch 4 the mask broadcasts (over the first axis, not the batch), in both.
    ids = np.array([[1, 2, 0, 0], [3, 0, 4, 5], [0, 0, 1, 1], [2, 2, 2, 0]], np.int32)

    def build(k):
        x = k.Input(shape=(4,))
        m = k.Input(shape=(4,), dtype="bool")
        i = k.Input(shape=(4,), dtype="int32")
        e = k.layers.Embedding(6, 4, mask_zero=True)(i)
        s = k.layers.Dense(4)(e)
        return k.Model([x, m, i], [k.layers.Softmax()(x, mask=m),
                                   k.layers.Softmax(robust_masking=True)(x, mask=m),
                                   k.layers.Softmax()(s)])
    got, want = run_both(build, lambda m: m.predict([xs, mask, ids]))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def _jsonable(v):
    """A config as plain lists and numbers; serialized objects as class_name and config
    (tf_keras adds 'module' and 'registered_name'; graphc's initializers keep TF1's
    'dtype' in their config: both outside this file's layers)."""
    if isinstance(v, dict) and "class_name" in v:
        config = {k: x for k, x in v.get("config", {}).items() if k != "dtype"}
        return {"class_name": v["class_name"], "config": _jsonable(config)}
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray) or isinstance(v, np.generic):
        return v.tolist()
    return v


CONFIGS = [
    ("ReLU", {"max_value": 6.0, "negative_slope": 0.1}, (4,)),
    ("ReLU", {}, (4,)), ("LeakyReLU", {"alpha": 0.2}, (4,)), ("ELU", {}, (4,)),
    ("PReLU", {"shared_axes": 1, "alpha_regularizer": "l2"}, (3, 4)),
    ("PReLU", {"alpha_constraint": "non_neg"}, (4,)),
    ("ThresholdedReLU", {}, (4,)), ("Softmax", {"axis": [1, 2]}, (3, 4)),
    ("Softmax", {"robust_masking": True}, (4,)),
    ("Permute", {"dims": (2, 1)}, (3, 4)), ("RepeatVector", {"n": 2}, (4,)),
    ("Cropping1D", {}, (5, 4)), ("Cropping2D", {"cropping": 1}, (5, 6, 3)),
    ("Cropping3D", {"cropping": (1, 0, 1)}, (4, 5, 6, 3)),
    ("ZeroPadding1D", {"padding": (1, 2)}, (5, 4)),
    ("ZeroPadding2D", {"data_format": "channels_first"}, (5, 6, 3)),
    ("ZeroPadding3D", {}, (4, 5, 6, 3)), ("UpSampling1D", {}, (5, 4)),
    ("UpSampling2D", {"interpolation": "bilinear"}, (5, 6, 3)),
    ("UpSampling3D", {"size": 3}, (4, 5, 6, 3)), ("Identity", {}, (4,)),
    ("GaussianNoise", {"stddev": 0.3, "seed": 2}, (4,)),
    ("GaussianDropout", {"rate": 0.3}, (4,)), ("AlphaDropout", {"rate": 0.2}, (4,)),
    ("SpatialDropout1D", {"rate": 0.2}, (5, 4)),
    ("SpatialDropout2D", {"rate": 0.2, "data_format": "channels_first"}, (5, 6, 3)),
    ("SpatialDropout3D", {"rate": 0.2}, (4, 5, 6, 3)),
    ("ActivityRegularization", {"l1": 0.01}, (4,)),
    ("MaxPooling3D", {"pool_size": 2}, (4, 5, 6, 3)),
    ("AveragePooling3D", {"strides": 1, "padding": "same"}, (4, 5, 6, 3)),
    ("GlobalMaxPooling3D", {"keepdims": True}, (4, 5, 6, 3)),
    ("GlobalAveragePooling3D", {"data_format": "channels_first"}, (4, 5, 6, 3)),
    ("LayerNormalization", {"axis": (1, 2), "gamma_regularizer": "l1"}, (3, 4)),
    ("LayerNormalization", {"beta_constraint": "max_norm"}, (4,)),
]


@pytest.mark.parametrize("cls,kwargs,shape", CONFIGS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CONFIGS)])
def test_config_and_output_shape(cls, kwargs, shape):
    res = []
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            layer = (_layer_norm(lib, **kwargs) if cls == "LayerNormalization"
                     else getattr(lib.layers, cls)(**kwargs))
            before = _jsonable(layer.get_config())
            x = lib.Input(shape=shape)
            y = layer(x)
            full = (None,) + tuple(shape)
            out = None
            if cls != "Identity":      # tf_keras' base Layer cannot say in graph mode
                out = tuple(layer.compute_output_shape(
                    gc.TensorShape(full) if lib is gc.keras else tf.TensorShape(full))
                    .as_list())
            res.append((before, _jsonable(layer.get_config()),
                        tuple(y.shape.as_list()), out))
    for a, b in zip(*res):
        assert a == b


@pytest.mark.parametrize("axes,s1,s2", [(1, (3, 4), (3, 2)), ((1, 2), (3, 4), (2, 3)),
                                        ((2, 1), (3, 4), (4, 2)), (-1, (4,), (2, 4))])
def test_dot_config_and_output_shape(axes, s1, s2):
    res = []
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            layer = lib.layers.Dot(axes, normalize=True)
            x, y = lib.Input(shape=s1), lib.Input(shape=s2)
            z = layer([x, y])
            res.append((_jsonable(layer.get_config()), tuple(z.shape.as_list()),
                        layer.compute_output_shape([(None,) + s1, (None,) + s2])))
    assert res[0] == res[1]


@pytest.mark.parametrize("make,shape", [
    (lambda k: k.layers.Cropping2D(((1, 2), (0, 3)), data_format="channels_first"),
     (5, 6, 3)),
    (lambda k: k.layers.Cropping1D((3, 3)), (6, 2)),
    (lambda k: k.layers.Dot(axes=1), None),
    (lambda k: k.layers.RepeatVector(2), (3, 4)),
    (lambda k: k.layers.Permute((2, 1)), (3, 4, 5))])
def test_both_reject(make, shape):
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default(), pytest.raises(ValueError):
            if shape is None:
                make(lib)([lib.Input(shape=(3,)), lib.Input(shape=(4,))])
            else:
                make(lib)(lib.Input(shape=shape))


def _train_phase(build, xs):
    def run(m):
        lib = gc.keras if isinstance(m, gc.keras.Model) else tfk
        f = lib.backend.function(m.inputs + [lib.backend.learning_phase()], m.outputs)
        return f([xs, True]), f([xs, False])
    return run_both(build, run)


def test_noise_training_phase_statistics():
    xs = np.full((400, 50), 2.0, np.float32)

    def build(k):
        x = k.Input(shape=(50,))
        return k.Model(x, [k.layers.GaussianNoise(0.5, seed=1)(x),
                           k.layers.GaussianDropout(0.2, seed=2)(x),
                           k.layers.AlphaDropout(0.3, seed=3)(x)])
    (g_train, g_test), (t_train, t_test) = _train_phase(build, xs)
    for a, b in zip(g_test, t_test):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(g_train, t_train):       # different generators, same distribution
        assert abs(a.mean() - b.mean()) < 0.03
        assert abs(a.std() - b.std()) < 0.03
    alpha_vals = [np.unique(np.round(v[2], 4)) for v in (g_train, t_train)]
    np.testing.assert_allclose(alpha_vals[0], alpha_vals[1], rtol=1e-4)
    assert len(alpha_vals[0]) == 2


@pytest.mark.parametrize("cls,shape,fmt", [("SpatialDropout1D", (20, 30), None),
                                           ("SpatialDropout2D", (6, 5, 40), None),
                                           ("SpatialDropout2D", (40, 6, 5), "channels_first"),
                                           ("SpatialDropout3D", (3, 4, 5, 40), None)])
def test_spatial_dropout_training_phase(cls, shape, fmt):
    xs = np.ones((8,) + shape, np.float32)

    def build(k):
        x = k.Input(shape=shape)
        kw = {} if fmt is None else {"data_format": fmt}
        return k.Model(x, getattr(k.layers, cls)(0.5, seed=5, **kw)(x))
    (g_train, g_test), (t_train, t_test) = _train_phase(build, xs)
    np.testing.assert_array_equal(g_test[0], t_test[0])
    for out in (g_train[0], t_train[0]):
        assert set(np.unique(out)) <= {0.0, 2.0}
        chan = 1 if fmt == "channels_first" else -1
        spatial = tuple(i for i in range(1, out.ndim) if i != out.ndim + chan
                        and i != chan)
        assert np.all(out.min(axis=spatial) == out.max(axis=spatial))   # whole channels
        assert 0.35 < (out == 0).mean() < 0.65


def test_fit_step_of_a_model_of_these_layers():
    xs = RNG.standard_normal((8, 6, 3)).astype(np.float32)
    ys = RNG.standard_normal((8, 2)).astype(np.float32)

    def build(k):
        x = k.Input(shape=(6, 3))
        h = k.layers.ZeroPadding1D((1, 2))(x)
        h = k.layers.Cropping1D((2, 0))(h)
        h = k.layers.UpSampling1D(2)(h)
        h = k.layers.Dense(4)(h)
        h = k.layers.PReLU(alpha_initializer=k.initializers.Constant(0.2))(h)
        h = _layer_norm(k)(h)
        h = k.layers.GaussianNoise(0.0)(h)
        h = k.layers.SpatialDropout1D(0.0)(h)
        h = k.layers.ELU(0.7)(h)
        h = k.layers.Permute((2, 1))(h)
        h = k.layers.ActivityRegularization(l1=0.01, l2=0.02)(h)
        h = k.layers.LeakyReLU(0.2)(h)
        a = k.layers.GlobalMaxPool1D()(h)
        b = k.layers.GlobalAvgPool1D()(h)
        d = k.layers.Dot(axes=1, normalize=True)([a, b])
        y = k.layers.Dense(2)(k.layers.concatenate([a, d]))
        return k.Model(x, k.layers.ReLU(max_value=3.0, negative_slope=0.1)(y))

    def run(m):
        opt = gc.keras.optimizers.SGD(lr=0.1) if isinstance(m, gc.keras.Model) else \
            tfk.optimizers.legacy.SGD(0.1)
        m.compile(opt, "mse")
        losses = [m.train_on_batch(xs, ys) for _ in range(2)]
        return losses, m.get_weights(), m.predict(xs)
    (gl, gw, gp), (tl, tw, tp) = run_both(build, run)
    np.testing.assert_allclose(gl, np.asarray(tl, np.float32), rtol=1e-5)
    for a, b in zip(gw, tw):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gp, tp, rtol=1e-4, atol=1e-5)
