"""gc.keras.applications against tf_keras' applications (graph mode): each model built
with weights=None at a small input size in both, with equal layer names and classes,
weight names and shapes; the same weights (batch-norm statistics randomized) give the
same predictions. weights="imagenet" is checked on a cached HDF5 file written by
tf_keras (no download)."""

import numpy as np
import pytest

import graphc as gc
import graphc.keras.applications  # noqa: F401 (gc.keras.applications)
from keras_parity import run_both, tfk

RNG = np.random.default_rng(0)


def _randomize_bn(model):
    """Batch-norm gammas/betas/statistics and biases drawn, so that BN is no identity."""
    values = []
    for w, v in zip(model.weights, model.get_weights()):
        name = w.name.rsplit("/", 1)[-1]
        if name.startswith(("gamma", "moving_variance")):
            v = RNG.uniform(0.5, 1.5, v.shape)
        elif name.startswith(("beta", "moving_mean", "bias")):
            v = RNG.uniform(-0.2, 0.2, v.shape)
        values.append(v.astype(np.float32))
    model.set_weights(values)


def _check(fn_path, kwargs, batch=2, predict=True):
    shape = kwargs["input_shape"]
    x = RNG.uniform(-1, 1, (batch, *shape)).astype(np.float32)

    def build(keras):
        module, name = fn_path.split(".")
        model = getattr(getattr(keras.applications, module), name)(weights=None, **kwargs)
        if keras is gc.keras:
            _randomize_bn(model)
        return model

    def run(model):
        out = model.predict(x) if predict else None
        return ([(l.name, type(l).__name__) for l in model.layers],
                [(w.name, tuple(w.shape.as_list())) for w in model.weights],
                model.name, tuple(model.output_shape), out)

    (gl, gw, gn, gs, gy), (tl, tw, tn, ts, ty) = run_both(build, run)
    assert gl == tl
    assert gw == tw
    assert gn == tn and gs == ts
    if predict:
        scale = max(1.0, float(np.abs(ty).max()))
        np.testing.assert_allclose(gy, ty, rtol=1e-4, atol=1e-4 * scale)


def SLOW(path, kwargs):
    """A deep variant (the same blocks as a checked shallower one): -m slow."""
    return pytest.param(path, kwargs, marks=pytest.mark.slow, id=path)


CASES = [
    ("vgg16.VGG16", dict(input_shape=(32, 32, 3), classes=5)),
    ("vgg19.VGG19", dict(input_shape=(32, 32, 3), include_top=False, pooling="max")),
    SLOW("resnet.ResNet50", dict(input_shape=(32, 32, 3), classes=6)),
    SLOW("resnet.ResNet101", dict(input_shape=(32, 32, 3), include_top=False,
                                  pooling="avg")),
    SLOW("resnet.ResNet152", dict(input_shape=(32, 32, 3), include_top=False)),
    ("resnet_v2.ResNet50V2", dict(input_shape=(32, 32, 3), classes=4,
                                  classifier_activation=None)),
    SLOW("resnet_v2.ResNet101V2", dict(input_shape=(32, 32, 3), include_top=False)),
    SLOW("resnet_v2.ResNet152V2", dict(input_shape=(32, 32, 3), include_top=False,
                                       pooling="max")),
    ("mobilenet.MobileNet", dict(input_shape=(35, 35, 3), alpha=0.5, classes=7)),
    ("mobilenet.MobileNet", dict(input_shape=(32, 32, 3), depth_multiplier=2,
                                 include_top=False, pooling="avg")),
    ("mobilenet_v2.MobileNetV2", dict(input_shape=(33, 33, 3), alpha=0.35, classes=3)),
    ("inception_v3.InceptionV3", dict(input_shape=(75, 75, 3), classes=5)),
    ("densenet.DenseNet121", dict(input_shape=(32, 32, 3), classes=5)),
    SLOW("densenet.DenseNet169", dict(input_shape=(32, 32, 3), include_top=False,
                                      pooling="avg")),
    SLOW("densenet.DenseNet201", dict(input_shape=(32, 32, 3), include_top=False,
                                      pooling="max")),
    ("xception.Xception", dict(input_shape=(71, 71, 3), classes=5)),
]


@pytest.mark.parametrize("path,kwargs", CASES,
                         ids=[c[0] if isinstance(c, tuple) else c.id for c in CASES])
def test_architecture(path, kwargs):
    _check(path, kwargs)


def test_unknown_input_size():
    """Headless models on (None, None, 3) inputs: equal weights, names and shapes."""
    def build(keras):
        return keras.applications.MobileNetV2(weights=None, include_top=False, alpha=1.4)

    def run(model):
        return ([(w.name, tuple(w.shape.as_list())) for w in model.weights], model.name,
                tuple(model.output_shape))

    gc_out, tf_out = run_both(build, run)
    assert gc_out == tf_out


def _write_tf_weights(path, build):
    """tf_keras' model of build(tfk) with randomized weights saved as HDF5 at path;
    its predictions on X."""
    import tensorflow as tf
    from keras_parity import tfk_backend
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        tfk_backend.set_session(sess)
        model = build(tfk)
        sess.run(tf.compat.v1.global_variables_initializer())
        _randomize_bn(model)
        model.save_weights(str(path))
        out = model.predict(X)
    assert np.isfinite(out).all() and np.abs(out).max() > 0
    return out


X = RNG.uniform(-1, 1, (2, 32, 32, 3)).astype(np.float32)


def test_imagenet_weights_from_cache(tmp_path, monkeypatch):
    """weights="imagenet" loads tf_keras' file from ~/.keras/models (get_file finds it
    cached, with the expected hash) by layer order: ResNet50's order is Keras'."""
    pytest.importorskip("h5py")
    import hashlib
    from graphc.keras.applications import resnet
    monkeypatch.setenv("HOME", str(tmp_path))
    models = tmp_path / ".keras" / "models"
    models.mkdir(parents=True)
    path = models / "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    want = _write_tf_weights(path, lambda k: k.applications.ResNet50(
        weights=None, include_top=False, input_shape=(32, 32, 3)))
    digest = hashlib.md5(path.read_bytes()).hexdigest()
    monkeypatch.setitem(resnet._HASHES, "resnet50", ("", digest))
    with gc.Graph().as_default():
        model = gc.keras.applications.ResNet50(include_top=False, input_shape=(32, 32, 3))
        got = model.predict(X)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


@pytest.mark.slow
def test_imagenet_weights_mobilenet_unhashed(tmp_path, monkeypatch):
    """MobileNet's files have no hash: a cached file of the right name is used."""
    pytest.importorskip("h5py")
    monkeypatch.setenv("HOME", str(tmp_path))
    models = tmp_path / ".keras" / "models"
    models.mkdir(parents=True)
    want = _write_tf_weights(models / "mobilenet_2_5_224_tf_no_top.h5",
                             lambda k: k.applications.MobileNet(
                                 weights=None, alpha=0.25, include_top=False,
                                 input_shape=(32, 32, 3)))
    with gc.Graph().as_default():
        model = gc.keras.applications.MobileNet(alpha=0.25, include_top=False,
                                                input_shape=(32, 32, 3))
        assert model.name == "mobilenet_0.25_224"
        got = model.predict(X)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_preprocess_input(mode, data_format):
    import tensorflow as tf
    ours, theirs = gc.keras.applications.imagenet_utils, tfk.applications.imagenet_utils
    for shape in [(2, 3, 4, 3), (3, 4, 3)]:
        x = RNG.uniform(0, 255, shape).astype(np.float32)
        for dtype in (np.float32, np.float64, np.uint8):
            a = ours.preprocess_input(x.astype(dtype), data_format, mode)
            b = theirs.preprocess_input(x.astype(dtype), data_format, mode)
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=1e-6)
        if len(shape) == 3 and data_format == "channels_first" and mode != "tf":
            # TF's bias_add (NCHW) reads axis 1 of a 3-D image: both refuse it
            with gc.Graph().as_default(), pytest.raises(ValueError, match="bias"):
                ours.preprocess_input(gc.constant(x), data_format, mode)
            continue
        with gc.Graph().as_default():
            t = ours.preprocess_input(gc.constant(x), data_format, mode)
            with gc.Session() as sess:
                got = sess.run(t)
        g = tf.Graph()
        with g.as_default():
            t = theirs.preprocess_input(tf.constant(x), data_format, mode)
            with tf.compat.v1.Session(graph=g) as sess:
                want = sess.run(t)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)


def test_decode_predictions(tmp_path, monkeypatch):
    """The class index JSON found cached in ~/.keras/models (its hash patched to the
    local file's); the decoded lists equal tf_keras' (given the same index)."""
    import hashlib
    import json
    from graphc.keras.applications import imagenet_utils
    from tf_keras.src.applications import imagenet_utils as tf_utils
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    monkeypatch.setenv("HOME", str(tmp_path))
    models = tmp_path / ".keras" / "models"
    models.mkdir(parents=True)
    path = models / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH",
                        hashlib.md5(path.read_bytes()).hexdigest())
    monkeypatch.setattr(tf_utils, "CLASS_INDEX", index)
    preds = RNG.random((3, 1000)).astype(np.float32)
    assert (gc.keras.applications.resnet.decode_predictions(preds, top=4)
            == tfk.applications.resnet.decode_predictions(preds, top=4))
