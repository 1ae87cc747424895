"""gc.keras.applications' NASNet and EfficientNetV2 models against tf_keras (graph mode):
built with weights=None at small input sizes in both, equal layer names, classes and
order, weight names and shapes in order, count_params, model names and output shapes;
the same weights (batch-norm statistics randomized) give the same predictions. Also
weights="imagenet" from a cached HDF5 file written by tf_keras, the argument errors'
messages and preprocess_input."""
import hashlib

import numpy as np
import pytest

import graphc as gc
import graphc.keras.applications  # noqa: F401 (gc.keras.applications)
from keras_parity import run_both, tfk, tfk_backend
from tf_parity import tf

RNG = np.random.default_rng(0)


def _randomize(model):
    """Batch-norm gammas/betas/statistics and biases drawn, so that no layer is an
    identity; each batch norm shrinks (gamma < 1 < variance), so that activations do
    not grow through the deep EfficientNetV2s to where float32 rounding, amplified by
    the squeeze-and-excite sigmoids, dominates."""
    values = []
    for w, v in zip(model.weights, model.get_weights()):
        name = w.name.rsplit("/", 1)[-1]
        if name.startswith("gamma"):
            v = RNG.uniform(0.5, 1.0, v.shape)
        elif name.startswith("moving_variance"):
            v = RNG.uniform(1.0, 2.0, v.shape)
        elif name.startswith(("beta", "moving_mean", "bias")):
            v = RNG.uniform(-0.2, 0.2, v.shape)
        values.append(np.asarray(v, np.float32))
    model.set_weights(values)


def _check(name, kwargs, scale=255.0):
    x = RNG.uniform(-scale if scale == 1.0 else 0.0, scale,
                    (2, *kwargs["input_shape"])).astype(np.float32)

    def build(keras):
        model = getattr(keras.applications, name)(weights=None, **kwargs)
        if keras is gc.keras:
            _randomize(model)
        return model

    def run(model):
        return ([(l.name, type(l).__name__) for l in model.layers],
                [(w.name, tuple(w.shape.as_list())) for w in model.weights],
                model.count_params(), model.name, tuple(model.output_shape),
                model.predict(x))

    (gl, gw, gc_n, gn, gs, gy), (tl, tw, tc_n, tn, ts, ty) = run_both(build, run)
    assert gl == tl
    assert gw == tw
    assert gc_n == tc_n
    assert gn == tn and gs == ts
    big = max(1.0, float(np.abs(ty).max()))
    np.testing.assert_allclose(gy, ty, rtol=1e-4, atol=1e-4 * big)


def SLOW(name, kwargs, scale=255.0):
    """A big variant (more of the blocks a faster case checks): -m slow."""
    return pytest.param(name, kwargs, scale, marks=pytest.mark.slow, id=name)


S32 = (32, 32, 3)
CASES = [
    ("NASNetMobile", dict(input_shape=S32, classes=5), 1.0),
    ("NASNetMobile", dict(input_shape=(47, 40, 3), include_top=False, pooling="max"), 1.0),
    SLOW("NASNetLarge", dict(input_shape=S32, include_top=False, pooling="avg"), 1.0),
    ("EfficientNetV2B0", dict(input_shape=S32, classes=5), 255.0),
    ("EfficientNetV2B1", dict(input_shape=(33, 35, 3), include_top=False,
                              pooling="max"), 255.0),
    ("EfficientNetV2B2", dict(input_shape=S32, classes=3, classifier_activation=None,
                              include_preprocessing=False), 1.0),
    ("EfficientNetV2B3", dict(input_shape=S32, include_top=False), 255.0),
    ("EfficientNetV2S", dict(input_shape=S32, include_top=False, pooling="avg"), 255.0),
    SLOW("EfficientNetV2M", dict(input_shape=S32, classes=4), 255.0),
    SLOW("EfficientNetV2L", dict(input_shape=S32, include_top=False), 255.0),
]


@pytest.mark.parametrize("name,kwargs,scale", CASES,
                         ids=[c[0] if isinstance(c, tuple) else c.id for c in CASES])
def test_architecture(name, kwargs, scale):
    _check(name, kwargs, scale)


def test_efficientnet_v2_without_preprocessing_one_channel():
    """B models with include_preprocessing=True but not 3 channels rescale to [-1, 1)
    (tf_keras' rule); a 1-channel input warns in both."""
    with pytest.warns(UserWarning):
        _check("EfficientNetV2B0", dict(input_shape=(32, 32, 1), include_top=False))


X255 = RNG.uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)


@pytest.mark.parametrize("name,module,fname,key", [
    pytest.param("NASNetMobile", "nasnet", "nasnet_mobile_no_top.h5", None,
                 marks=pytest.mark.slow),                 # ~3 minutes in tf_keras
    ("EfficientNetV2B0", "efficientnet_v2", "efficientnetv2-b0_notop.h5", "b0"),
    pytest.param("EfficientNetV2S", "efficientnet_v2", "efficientnetv2-s_notop.h5", "-s",
                 marks=pytest.mark.slow),                 # ~100 s
])
def test_imagenet_weights_from_cache(tmp_path, monkeypatch, name, module, fname, key):
    """A tf_keras model's random weights saved as ~/.keras/models/<tf_keras' file name>,
    graphc's hash patched to its md5: graphc's weights="imagenet" loads it and predicts
    as tf_keras does with the same file."""
    pytest.importorskip("h5py")
    import importlib
    monkeypatch.setenv("HOME", str(tmp_path))
    models = tmp_path / ".keras" / "models"
    models.mkdir(parents=True)

    def build(keras, weights):
        return getattr(keras.applications, name)(weights=weights, include_top=False,
                                                 input_shape=(32, 32, 3), pooling="avg")

    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        tfk_backend.set_session(sess)
        model = build(tfk, None)
        sess.run(tf.compat.v1.global_variables_initializer())
        _randomize(model)
        model.save_weights(str(models / fname))
        want_layers = [(l.name, type(l).__name__) for l in model.layers]
        want = model.predict(X255)
    digest = hashlib.md5((models / fname).read_bytes()).hexdigest()
    ours = importlib.import_module(f"graphc.keras.applications.{module}")
    if key is None:
        fn, url, _ = ours.WEIGHT_FILES[224][False]
        assert fn == fname
        monkeypatch.setitem(ours.WEIGHT_FILES, 224, {False: (fn, url, digest)})
    else:
        monkeypatch.setitem(ours.WEIGHTS_HASHES, key, (digest, digest))
    with gc.Graph().as_default():
        got_model = build(gc.keras, "imagenet")
        got_layers = [(l.name, type(l).__name__) for l in got_model.layers]
        got = got_model.predict(X255)
    assert got_layers == want_layers
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


def _error(keras, fn, kwargs):
    g = gc.Graph() if keras is gc.keras else tf.Graph()
    with g.as_default(), pytest.raises(ValueError) as info:
        getattr(keras.applications, fn)(**kwargs)
    return str(info.value)


@pytest.mark.parametrize("fn,kwargs", [
    ("NASNetMobile", dict(weights="imagenet", classes=10)),
    ("NASNetMobile", dict(weights="nowhere.h5")),
    ("NASNetMobile", dict(weights="imagenet", include_top=False,
                          input_shape=(None, None, 3))),
    ("NASNetMobile", dict(weights=None, input_shape=(31, 40, 3), include_top=False)),
    ("NASNetLarge", dict(weights="imagenet", input_shape=(224, 224, 3))),
    ("NASNetMobile", dict(weights=None, input_shape=(32, 32))),
    ("EfficientNetV2B0", dict(weights="imagenet", classes=10)),
    ("EfficientNetV2S", dict(weights="nowhere.h5")),
    ("EfficientNetV2B1", dict(weights="imagenet", input_shape=(32, 32, 3))),
    ("EfficientNetV2L", dict(weights=None, input_shape=(16, 64, 3), include_top=False)),
    ("EfficientNetV2B0", dict(weights="imagenet", input_shape=(64, 64, 1),
                              include_top=False)),
])
def test_argument_errors(fn, kwargs):
    """The same ValueError messages as tf_keras."""
    assert _error(gc.keras, fn, kwargs) == _error(tfk, fn, kwargs)


def test_classifier_activation_with_weights():
    """Only softmax/None with pretrained weights (message as tf_keras')."""
    kwargs = dict(weights="imagenet", classifier_activation="relu",
                  input_shape=(224, 224, 3))
    # tf_keras checks the activation after building the body, before any download;
    # the message ends in the activation function's repr
    for fn in ("NASNetMobile", "EfficientNetV2B0"):
        ours, theirs = _error(gc.keras, fn, kwargs), _error(tfk, fn, kwargs)
        assert ours.split("Received")[0] == theirs.split("Received")[0]
        assert "classifier_activation=<function relu" in ours


def test_preprocess_input_and_helpers():
    from tf_keras.src.applications import efficientnet_v2 as ev2
    from tf_keras.src.applications import nasnet
    ours = gc.keras.applications
    x = RNG.uniform(0, 255, (2, 4, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(ours.nasnet.preprocess_input(x.copy()),
                               nasnet.preprocess_input(x.copy()), rtol=1e-6)
    assert ours.efficientnet_v2.preprocess_input(x) is x
    assert ev2.preprocess_input(x) is x
    for f in (0.5, 1.0, 1.1, 1.2, 2.0):
        for filters in (16, 24, 32, 48, 112, 1280):
            assert (ours.efficientnet_v2.round_filters(filters, f, 8, 8)
                    == ev2.round_filters(filters, f, 8, 8))
    assert ours.efficientnet_v2.WEIGHTS_HASHES == ev2.WEIGHTS_HASHES
    assert ours.efficientnet_v2.BASE_WEIGHTS_PATH == ev2.BASE_WEIGHTS_PATH
    for size, top, path in [(224, True, nasnet.NASNET_MOBILE_WEIGHT_PATH),
                            (224, False, nasnet.NASNET_MOBILE_WEIGHT_PATH_NO_TOP),
                            (331, True, nasnet.NASNET_LARGE_WEIGHT_PATH),
                            (331, False, nasnet.NASNET_LARGE_WEIGHT_PATH_NO_TOP)]:
        assert ours.nasnet.WEIGHT_FILES[size][top][1] == path
