"""gc.keras.applications' MobileNetV3, EfficientNet and InceptionResNetV2: models built with
weights=None at small input sizes (layer and weight counts, names, output shapes,
layer order), forward runs, the argument checks, weights from a file, the op layers
tf_keras makes implicitly, and the pass-through preprocess_input. The TF parity file
compares all of it with tf_keras."""
import sys

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


# NASNet and EfficientNetV2 (tests/test_tf_parity_keras_apps_more.py compares them
# with tf_keras). Each model is built once here: the file must stay fast.

def test_nasnet_mobile():
    """NASNetMobile at 32x32: tf_keras' counts and names (scoped weight names), a
    softmax forward."""
    with gc.Graph().as_default():
        model = A.NASNetMobile(weights=None, input_shape=S32, classes=3)
        y = model.predict(RNG.uniform(-1, 1, (2, *S32)).astype(np.float32))
    assert model.name == "NASNet"
    assert (len(model.layers), len(model.weights), len(model.trainable_weights)) == \
        (771, 1126, 742)
    assert model.count_params() == 4272887
    names = [l.name for l in model.layers]
    assert names[:4] == ["input_1", "stem_conv1", "stem_bn1", "activation"]
    assert names[-3:] == ["activation_187", "global_average_pooling2d", "predictions"]
    assert "normal_concat_11" in names and "reduction_concat_reduce_8" in names
    assert model.weights[5].name == \
        "reduction_A_block_stem_1/reduction_conv_1_stem_1/kernel:0"
    assert y.shape == (2, 3) and np.isfinite(y).all()
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-5)


def test_efficientnet_v2_b0():
    """EfficientNetV2B0 headless with pooling: Rescaling and a fixed Normalization
    (no weights) first, FusedMBConv then MBConv blocks, tf_keras' per-block dropout
    rates (its survival_probability), an avg_pool output."""
    with gc.Graph().as_default():
        model = A.EfficientNetV2B0(weights=None, include_top=False, input_shape=S32,
                                   pooling="avg")
        assert model.name == "efficientnetv2-b0"
        assert (len(model.layers), len(model.weights), len(model.trainable_weights)) \
            == (271, 359, 241)
        names = [l.name for l in model.layers]
        assert names[:4] == ["input_1", "rescaling", "normalization", "stem_conv"]
        assert names[-1] == "avg_pool" and model.output_shape == (None, 1280)
        assert "block1a_project_activation" in names        # fused, expand_ratio 1
        assert "block2a_expand_conv" in names and "block2a_dwconv2" not in names
        assert "block4a_dwconv2" in names and "block4a_se_excite" in names
        assert "block1a_drop" not in names                  # survival 0 in block 0
        assert model.get_layer("block6h_drop").rate == pytest.approx(0.2 * 20 / 21)
        assert model.get_layer("normalization").weights == []
        y = model.predict(RNG.uniform(0, 255, (2, *S32)).astype(np.float32))
    assert y.shape == (2, 1280) and np.isfinite(y).all()


def test_efficientnet_v2_preprocessing_and_defaults():
    """include_preprocessing: B models Rescaling(1/255) + Normalization, S/M/L
    Rescaling(1/128, offset=-1), none when False; default input sizes; the helpers."""
    ev2 = A.efficientnet_v2
    assert ev2.EfficientNetV2S is A.EfficientNetV2S
    x = np.arange(6.0)
    assert ev2.preprocess_input(x) is x and callable(ev2.decode_predictions)
    np.testing.assert_allclose(A.nasnet.preprocess_input(np.array([0.0, 255.0])),
                               [-1.0, 1.0])
    assert ev2.round_filters(32, 1.1, 8, 8) == 32 and ev2.round_repeats(3, 1.4) == 5
    stage = [dict(kernel_size=3, num_repeat=1, input_filters=8, output_filters=8,
                  expand_ratio=1, se_ratio=0, strides=1, conv_type=1)]
    with gc.Graph().as_default():
        small = ev2.EfficientNetV2(1.0, 1.0, 384, model_name="efficientnetv2-s",
                                   blocks_args=stage, weights=None, include_top=False)
        assert small.input_shape == (None, None, None, 3)
        rescale = small.layers[1]
        assert (rescale.scale, rescale.offset) == (1.0 / 128.0, -1)
        assert small.layers[2].name == "stem_conv"
        bare = ev2.EfficientNetV2(1.0, 1.0, 260, model_name="efficientnetv2-b2",
                                  blocks_args=stage, weights=None, classes=2,
                                  include_preprocessing=False)
        assert bare.input_shape == (None, 260, 260, 3)
        assert bare.layers[1].name == "stem_conv"
        assert bare.get_layer("top_dropout").rate == 0.2


@pytest.mark.parametrize("fn,kwargs,match", [
    (A.NASNetMobile, dict(weights="imagenet", classes=10), "classes` should be 1000"),
    (A.NASNetLarge, dict(weights="no/such/file.h5"), "weights` argument should be"),
    (A.NASNetMobile, dict(weights=None, input_shape=(31, 40, 3), include_top=False),
     "at least 32x32"),
    (A.NASNetMobile, dict(weights="imagenet", include_top=False,
                          input_shape=(None, None, 3)), "must be static"),
    (A.NASNetLarge, dict(weights="imagenet", input_shape=(224, 224, 3)),
     r"`input_shape` should be \(331, 331, 3\)"),
    (A.EfficientNetV2B0, dict(weights="imagenet", classes=10),
     "`classes` should be 1000Received: classes=10"),
    (A.EfficientNetV2S, dict(weights="no/such/file.h5"), "loaded.Received: weights="),
    (A.EfficientNetV2B1, dict(weights="imagenet", input_shape=(64, 64, 3)),
     r"`input_shape` should be \(240, 240, 3\)"),
    (A.EfficientNetV2M, dict(weights=None, input_shape=(16, 64, 3), include_top=False),
     "at least 32x32"),
    (A.EfficientNetV2L, dict(weights="imagenet", input_shape=(64, 64, 1),
                             include_top=False), "must have 3 channels"),
])
def test_nasnet_and_v2_argument_errors(fn, kwargs, match):
    with gc.Graph().as_default(), pytest.raises(ValueError, match=match):
        fn(**kwargs)


def test_nasnet_custom_errors(monkeypatch):
    """NASNet's own checks; under channels_first it builds channels_last (as tf_keras,
    with a warning) and restores the setting, also when it raises."""
    nasnet = A.nasnet
    K = gc.keras.backend
    K.set_image_data_format("channels_first")
    try:
        with gc.Graph().as_default(), pytest.raises(ValueError, match="multiple of 24"):
            nasnet.NASNet(input_shape=(3, 32, 32), penultimate_filters=100, weights=None)
        assert K.image_data_format() == "channels_first"
    finally:
        K.set_image_data_format("channels_last")
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="multiple of 24"):
            nasnet.NASNet(input_shape=S32, penultimate_filters=100, weights=None)
        with pytest.raises(ValueError, match="only be loaded with NASNetLarge or"):
            nasnet.NASNet(input_shape=S32, penultimate_filters=96, num_blocks=1,
                          stem_block_filters=4, weights="imagenet", include_top=False,
                          default_size=100)
        monkeypatch.setitem(sys.modules, "h5py", None)
        stage = [dict(kernel_size=3, num_repeat=1, input_filters=8, output_filters=8,
                      expand_ratio=1, se_ratio=0.25, strides=1, conv_type=0)]
        with pytest.raises(ImportError, match="h5py"):
            A.efficientnet_v2.EfficientNetV2(
                1.0, 1.0, 224, model_name="efficientnetv2-b0", blocks_args=stage,
                weights="imagenet", include_top=False, input_shape=S32)
