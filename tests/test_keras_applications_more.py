"""gc.keras.applications' MobileNetV3, EfficientNet and InceptionResNetV2: models built with
weights=None at small input sizes (layer and weight counts, names, output shapes,
layer order), forward runs, the argument checks, weights from a file, the op layers
tf_keras makes implicitly, and the pass-through preprocess_input. The TF parity file
compares all of it with tf_keras."""
import numpy as np
import pytest

import graphc as gc
import graphc.keras.applications  # noqa: F401 (gc.keras.applications)
from test_keras_applications import check_build, check_forward

A = gc.keras.applications
RNG = np.random.default_rng(0)
S32 = (32, 32, 3)

# name, kwargs, layers, weights, trainable weights, last layer, output shape
MODELS = [
    ("MobileNetV3Small", dict(input_shape=S32, alpha=0.75, classes=3), 239, 210, 142,
     "Predictions", (None, 3)),
    ("MobileNetV3Small", dict(input_shape=S32, minimalistic=True, include_top=False),
     103, 170, 102, "re_lu_22", (None, 1, 1, 576)),
    ("MobileNetV3Large", dict(input_shape=S32, include_top=False, pooling="avg"), 264,
     262, 170, "avg_pool", (None, 960)),
    ("EfficientNetB0", dict(input_shape=S32, classes=3), 240, 314, 213, "predictions",
     (None, 3)),
    ("InceptionResNetV2", dict(input_shape=(75, 75, 3), include_top=False), 780, 896,
     488, "conv_7b_ac", (None, 1, 1, 1536)),
]


@pytest.mark.parametrize("name,kwargs,n_layers,n_weights,n_trainable,last,out_shape",
                         MODELS, ids=[m[0] for m in MODELS])
def test_build(name, kwargs, n_layers, n_weights, n_trainable, last, out_shape):
    check_build(name, kwargs, n_layers, n_weights, n_trainable, last, out_shape)


@pytest.mark.parametrize("name,kwargs", [
    ("MobileNetV3Small", dict(input_shape=(40, 36, 3), alpha=0.75, classes=3)),
    ("MobileNetV3Large", dict(input_shape=(33, 33, 3), minimalistic=True,
                              include_top=False, pooling="max")),
    ("EfficientNetB0", dict(input_shape=(33, 35, 3), classes=4)),
])
def test_forward(name, kwargs):
    check_forward(name, kwargs, RNG.uniform(0, 255, (2, *kwargs["input_shape"])))


def test_names_and_modules():
    assert A.mobilenet_v3.MobileNetV3Small is A.MobileNetV3Small
    assert A.efficientnet.EfficientNetB7 is A.EfficientNetB7
    for module in (A.mobilenet_v3, A.efficientnet):
        x = np.arange(6.0)
        assert module.preprocess_input(x) is x                 # models rescale inputs
        assert module.decode_predictions is not None
    with gc.Graph().as_default():
        assert A.MobileNetV3Large(weights=None, include_top=False).name == \
            "MobilenetV3large"
        model = A.EfficientNetB3(weights=None)
        assert model.name == "efficientnetb3"
        assert model.input_shape == (None, 300, 300, 3)
        assert model.get_layer("block7b_drop").noise_shape == (None, 1, 1, 1)


def test_mobilenet_v3_layers():
    """hard_swish as tf_keras builds it: op layers add/mul round a ReLU(6), then a
    Multiply; the top ends in Logits, Flatten and the Predictions activation."""
    with gc.Graph().as_default():
        model = A.MobileNetV3Small(weights=None, input_shape=S32, classes=3,
                                   classifier_activation=None)
        names = [l.name for l in model.layers]
        assert names[:8] == ["input_1", "rescaling", "Conv", "Conv/BatchNorm",
                             "tf_op_layer_add", "re_lu", "tf_op_layer_mul", "multiply"]
        assert names[-4:] == ["dropout", "Logits", "flatten", "Predictions"]
        assert model.get_layer("tf_op_layer_add").constants == {1: 3.0}
        assert type(model.get_layer("tf_op_layer_mul")).__name__ == "TensorFlowOpLayer"
        logits = model.predict(RNG.uniform(0, 255, (2, *S32)).astype(np.float32))
        assert not np.allclose(logits.sum(-1), 1.0)            # no softmax
        small = A.MobileNetV3Small(weights=None, input_shape=S32, include_top=False,
                                   alpha=1.25, include_preprocessing=False)
        assert "rescaling" not in [l.name for l in small.layers]


def test_layers_the_models_rely_on():
    """Activation(None) ends a model (a new tensor); Dropout's None noise dims take
    the input's sizes: one mask per example."""
    with gc.Graph().as_default():
        x = gc.keras.Input((4,))
        d = gc.keras.layers.Dense(2)(x)
        out = gc.keras.layers.Activation(None, name="act")(d)
        assert out is not d
        model = gc.keras.Model(x, out)
        assert [l.name for l in model.layers][-1] == "act"
        images = gc.keras.Input((3, 3, 2))
        layer = gc.keras.layers.Dropout(0.5, noise_shape=(None, 1, 1, 1), seed=1)
        dropped = layer(images, training=True)
        ones = gc.keras.Input((1, 1, 2))
        assert layer(ones).shape.as_list() == [None, 1, 1, 2]     # static sizes kept
        assert layer.get_config()["noise_shape"] == (None, 1, 1, 1)
        with gc.Session() as sess:
            v = sess.run(dropped, {images: np.ones((64, 3, 3, 2), np.float32)})
    per_example = v.reshape(64, -1)
    assert set(np.unique(per_example)) <= {0.0, 2.0}
    assert (per_example.min(1) == per_example.max(1)).all()   # whole example kept/dropped
    assert 0 < per_example[:, 0].sum() < 128


def test_weights_from_file(tmp_path):
    path = str(tmp_path / "w.npz")
    with gc.Graph().as_default():
        model = A.MobileNetV3Small(weights=None, input_shape=S32, minimalistic=True,
                                   include_top=False)
        model.set_weights([RNG.standard_normal(w.shape).astype(w.dtype)
                           for w in model.get_weights()])
        model.save_weights(path)
        again = A.MobileNetV3Small(weights=path, input_shape=S32, minimalistic=True,
                                   include_top=False)
        for a, b in zip(model.get_weights(), again.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_input_tensor():
    with gc.Graph().as_default():
        images = gc.keras.Input(shape=(40, 32, 3), name="images")
        model = A.MobileNetV3Small(weights=None, input_tensor=images, include_top=False)
        assert model.inputs == [images] and model.layers[0].name == "images"
        # tf_keras' shape from an input_tensor swaps rows and columns (32, 40, 3)
        plain = gc.placeholder(gc.float32, (None, 32, 32, 3))
        model = A.EfficientNetB0(weights=None, input_tensor=plain, include_top=False,
                                 pooling="avg")
        assert model.inputs[0] is plain
        with pytest.raises(ValueError, match="must equal"):
            A.MobileNetV3Large(weights=None, input_tensor=gc.keras.Input((32, 40, 3)),
                               input_shape=(32, 32, 3))
        with pytest.raises(ValueError, match="is not a keras tensor"):
            A.MobileNetV3Large(weights=None, input_shape=S32,
                               input_tensor=gc.placeholder(gc.float32, (None, *S32)))


@pytest.mark.parametrize("fn,kwargs,match", [
    (A.MobileNetV3Small, dict(weights="no/such/file.h5"), "weights` argument should be"),
    (A.MobileNetV3Large, dict(weights="imagenet", classes=10), "classes` should be 1000"),
    (A.MobileNetV3Small, dict(weights=None, input_shape=(31, 64, 3)), "at least 32x32"),
    (A.MobileNetV3Small, dict(weights="imagenet", alpha=0.5), "alpha can be one of"),
    (A.MobileNetV3Large, dict(weights="imagenet", alpha=0.75, minimalistic=True),
     "or `1.0` for minimalistic"),
    (A.MobileNetV3Small, dict(weights="imagenet", classifier_activation="relu"),
     "Only `None` and `softmax`"),
    (A.EfficientNetB0, dict(weights="no/such/file.h5"), "weights` argument should be"),
    (A.InceptionResNetV2, dict(weights=None, input_shape=(74, 80, 3), include_top=False),
     "at least 75x75"),
    (A.InceptionResNetV2, dict(weights="imagenet", classes=3), "classes` should be 1000"),
    (A.InceptionResNetV2, dict(weights=None, layers=None), r"Unknown argument\(s\)"),
    (A.EfficientNetB1, dict(weights="imagenet", classes=3), "classes` should be 1000"),
    (A.EfficientNetB2, dict(weights=None, input_shape=(16, 16, 3), include_top=False),
     "at least 32x32"),
    (A.EfficientNetB0, dict(weights="imagenet", input_shape=(64, 64, 3)),
     r"`input_shape` should be \(224, 224, 3\)"),
    (A.EfficientNetB0, dict(weights=None, include_top=False, blocks_args=[dict(
        kernel_size=3, repeats=0, filters_in=32, filters_out=16, expand_ratio=1,
        id_skip=True, strides=1, se_ratio=0.25)]), "repeats > 0"),
])
def test_argument_errors(fn, kwargs, match):
    with gc.Graph().as_default(), pytest.raises(ValueError, match=match):
        fn(**kwargs)


def test_efficientnet_kwargs():
    with gc.Graph().as_default():
        with pytest.raises(TypeError):
            A.EfficientNetB0(weights=None, foo=1)
        model = A.EfficientNetB0(weights=None, include_top=False, input_shape=S32,
                                 drop_connect_rate=0.0, activation="relu")
        names = [l.name for l in model.layers]
        assert not any(n.endswith("_drop") for n in names)
        assert model.get_layer("stem_activation").get_config()["activation"] == "relu"


def test_imagenet_needs_h5py(monkeypatch):
    """weights="imagenet" names h5py when it is missing, before any download."""
    import sys
    monkeypatch.setitem(sys.modules, "h5py", None)
    with gc.Graph().as_default():
        with pytest.raises(ImportError, match="h5py"):
            A.MobileNetV3Small(weights="imagenet", include_top=False, input_shape=S32)
        with pytest.raises(ImportError, match="h5py"):
            A.EfficientNetB0(weights="imagenet", include_top=False, input_shape=S32)


def test_inception_resnet_v2_parts():
    irv2 = A.inception_resnet_v2
    x = RNG.uniform(0, 255, (2, 3, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(irv2.preprocess_input(x.copy()), x / 127.5 - 1, rtol=1e-6)
    with gc.Graph().as_default():
        a, b = gc.keras.Input((2, 3)), gc.keras.Input((2, 3))
        layer = irv2.CustomScaleLayer(0.5)
        model = gc.keras.Model([a, b], layer([a, b]))
        assert layer.name == "custom_scale_layer" and layer.get_config()["scale"] == 0.5
        ones = np.ones((1, 2, 3), np.float32)
        np.testing.assert_allclose(model.predict([ones, 4 * ones]), 3 * ones)
        stem = gc.keras.Input((8, 8, 5))
        with pytest.raises(ValueError, match="Unknown Inception-ResNet block type"):
            irv2.inception_resnet_block(stem, 0.1, "block99", 1)
        out = irv2.inception_resnet_block(stem, 0.1, "block17", 3, activation=None)
        assert out.shape.as_list() == [None, 8, 8, 5]
        model = A.InceptionResNetV2(weights=None, input_shape=(75, 75, 3), classes=4)
        names = [l.name for l in model.layers]
        assert names[-3:] == ["conv_7b_ac", "avg_pool", "predictions"]
        assert "block8_10_ac" not in names and "block8_9_ac" in names
        assert model.get_layer("block35_1_conv").use_bias
        assert not model.get_layer("conv_7b_bn").scale
