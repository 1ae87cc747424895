"""gc.keras.applications' MobileNetV3, EfficientNet and InceptionResNetV2 models against tf_keras (graph
mode): built with weights=None at small input sizes in both, equal layer names and
classes (TensorFlowOpLayers included), weight names and shapes, model names and output
shapes; the same weights (batch-norm statistics randomized) give the same predictions.
weights="imagenet" is checked on cached HDF5 files written by tf_keras."""
import hashlib

import numpy as np
import pytest

import graphc as gc
import graphc.keras.applications  # noqa: F401 (gc.keras.applications)
from keras_parity import run_both, tfk

RNG = np.random.default_rng(0)


def _randomize(model):
    """Batch-norm gammas/betas/statistics, biases and Normalization's mean/variance
    drawn, so that no layer is an identity."""
    values = []
    for w, v in zip(model.weights, model.get_weights()):
        name = w.name.rsplit("/", 1)[-1]
        if name.startswith(("gamma", "moving_variance", "variance")):
            v = RNG.uniform(0.5, 1.5, v.shape)
        elif name.startswith(("beta", "moving_mean", "bias", "mean")):
            v = RNG.uniform(-0.2, 0.2, v.shape)
        values.append(np.asarray(v).astype(v.dtype if v.dtype == np.int64 else np.float32))
    model.set_weights(values)


def _check(fn_path, kwargs, batch=2, scale=1.0):
    shape = kwargs["input_shape"]
    x = RNG.uniform(-scale, scale, (batch, *shape)).astype(np.float32)

    def build(keras):
        name = fn_path.split(".")[1]    # tf_keras' modules export only the helpers
        model = getattr(keras.applications, name)(weights=None, **kwargs)
        if keras is gc.keras:
            _randomize(model)
        return model

    def run(model):
        return ([(l.name, type(l).__name__) for l in model.layers],
                [(w.name, tuple(w.shape.as_list())) for w in model.weights],
                model.name, tuple(model.output_shape), model.predict(x))

    (gl, gw, gn, gs, gy), (tl, tw, tn, ts, ty) = run_both(build, run)
    assert gl == tl
    assert gw == tw
    assert gn == tn and gs == ts
    big = max(1.0, float(np.abs(ty).max()))
    np.testing.assert_allclose(gy, ty, rtol=1e-4, atol=1e-4 * big)


def SLOW(path, kwargs):
    """A deep variant (the same blocks as a checked shallower one): -m slow."""
    return pytest.param(path, kwargs, marks=pytest.mark.slow, id=path)


CASES = [
    ("mobilenet_v3.MobileNetV3Small", dict(input_shape=(32, 32, 3), alpha=0.75,
                                           classes=5)),
    ("mobilenet_v3.MobileNetV3Small", dict(input_shape=(33, 35, 3), minimalistic=True,
                                           include_top=False, pooling="max")),
    ("mobilenet_v3.MobileNetV3Large", dict(input_shape=(32, 32, 3), alpha=1.25,
                                           classes=4, classifier_activation=None,
                                           include_preprocessing=False)),
    SLOW("mobilenet_v3.MobileNetV3Large", dict(input_shape=(40, 40, 3),
                                               minimalistic=True, include_top=False,
                                               pooling="avg")),
    ("efficientnet.EfficientNetB0", dict(input_shape=(32, 32, 3), classes=5)),
    SLOW("efficientnet.EfficientNetB1", dict(input_shape=(33, 33, 3),
                                             include_top=False, pooling="max")),
    SLOW("efficientnet.EfficientNetB2", dict(input_shape=(32, 32, 3), classes=3,
                                             classifier_activation=None)),
    SLOW("efficientnet.EfficientNetB3", dict(input_shape=(32, 32, 3),
                                             include_top=False)),
    SLOW("efficientnet.EfficientNetB4", dict(input_shape=(32, 32, 3),
                                             include_top=False, pooling="avg")),
    SLOW("efficientnet.EfficientNetB5", dict(input_shape=(32, 32, 3),
                                             include_top=False)),
    SLOW("efficientnet.EfficientNetB6", dict(input_shape=(32, 32, 3),
                                             include_top=False)),
    SLOW("efficientnet.EfficientNetB7", dict(input_shape=(32, 32, 3),
                                             include_top=False)),
    ("inception_resnet_v2.InceptionResNetV2", dict(input_shape=(75, 75, 3), classes=5)),
]


@pytest.mark.parametrize("path,kwargs", CASES,
                         ids=[c[0] if isinstance(c, tuple) else c.id for c in CASES])
def test_architecture(path, kwargs):
    _check(path, kwargs, scale=1.0 if not kwargs.get("include_preprocessing", True)
           else 255.0)


def test_efficientnet_kwargs():
    """**kwargs reach EfficientNet: activation, depth_divisor, blocks_args and
    drop_connect_rate=0 (no drop layers)."""
    blocks = [dict(kernel_size=3, repeats=2, filters_in=32, filters_out=24,
                   expand_ratio=2, id_skip=True, strides=2, se_ratio=0.5)]
    _check("efficientnet.EfficientNetB0", dict(
        input_shape=(32, 32, 3), include_top=False, activation="relu",
        depth_divisor=4, blocks_args=blocks, drop_connect_rate=0.0), scale=255.0)


def _imagenet_case(tmp_path, monkeypatch, build, fname, module_name, key):
    """tf_keras' model build(tfk, None) with random weights saved as
    ~/.keras/models/fname, both hash tables patched to its md5; then both libraries
    build weights="imagenet" from the cache: equal layers and predictions."""
    pytest.importorskip("h5py")
    import importlib
    import tensorflow as tf
    from keras_parity import tfk_backend
    monkeypatch.setenv("HOME", str(tmp_path))
    models = tmp_path / ".keras" / "models"
    models.mkdir(parents=True)
    x = RNG.uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        tfk_backend.set_session(sess)
        model = build(tfk, None)
        sess.run(tf.compat.v1.global_variables_initializer())
        _randomize(model)
        model.save_weights(str(models / fname))
    digest = hashlib.md5((models / fname).read_bytes()).hexdigest()
    ours = importlib.import_module(f"graphc.keras.applications.{module_name}")
    theirs = importlib.import_module(f"tf_keras.src.applications.{module_name}")
    for table in (ours.WEIGHTS_HASHES, theirs.WEIGHTS_HASHES):
        monkeypatch.setitem(table, key, (digest, digest))

    def run(m):
        return [(l.name, type(l).__name__) for l in m.layers], m.predict(x)

    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        tfk_backend.set_session(sess)
        want_layers, want = run(build(tfk, "imagenet"))
    with gc.Graph().as_default():
        got_layers, got = run(build(gc.keras, "imagenet"))
    assert got_layers == want_layers
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


def test_imagenet_weights_efficientnet(tmp_path, monkeypatch):
    """EfficientNet with ImageNet weights adds tf_keras' "tf_op_layer_Mul" (the
    ImageNet std scaling) after the Normalization layer."""
    _imagenet_case(tmp_path, monkeypatch, lambda k, w: k.applications.EfficientNetB0(
        weights=w, include_top=False, input_shape=(32, 32, 3), pooling="avg"),
        "efficientnetb0_notop.h5", "efficientnet", "b0")


def test_inception_resnet_v2_helpers():
    """preprocess_input ("tf" mode) and CustomScaleLayer's config equal tf_keras'."""
    from tf_keras.src.applications import inception_resnet_v2 as theirs
    ours = gc.keras.applications.inception_resnet_v2
    x = RNG.uniform(0, 255, (2, 4, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(ours.preprocess_input(x.copy()),
                               theirs.preprocess_input(x.copy()), rtol=1e-6)
    import tensorflow as tf
    with gc.Graph().as_default():
        a = ours.CustomScaleLayer(0.17)
    with tf.Graph().as_default():
        b = theirs.CustomScaleLayer(0.17)
    assert a.name == b.name == "custom_scale_layer"
    assert a.get_config() == b.get_config()


def test_imagenet_weights_mobilenet_v3(tmp_path, monkeypatch):
    _imagenet_case(tmp_path, monkeypatch, lambda k, w: k.applications.MobileNetV3Small(
        weights=w, include_top=False, input_shape=(32, 32, 3), minimalistic=True),
        "weights_mobilenet_v3_small_minimalistic_224_1.0_float_no_top_v2.h5",
        "mobilenet_v3", "small_minimalistic_224_1.0_float")
