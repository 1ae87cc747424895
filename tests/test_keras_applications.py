"""gc.keras.applications: every model built with weights=None at a small input size
(layer and weight counts, names, output shapes, tf_keras' layer order), forward runs,
the argument checks (weights, classes, input_shape, alpha...), weights from a file,
preprocess_input and decode_predictions (a cached class index). The TF parity file
compares all of it with tf_keras."""
import hashlib
import json
import sys

import numpy as np
import pytest

import graphc as gc
import graphc.keras.applications  # noqa: F401 (gc.keras.applications)

A = gc.keras.applications
RNG = np.random.default_rng(0)
S32 = (32, 32, 3)

# name, kwargs, layers, weights, trainable weights, last layer, output shape
MODELS = [
    ("VGG16", dict(input_shape=S32, classes=3), 23, 32, 32, "predictions", (None, 3)),
    ("VGG19", dict(input_shape=S32, include_top=False, pooling="avg"), 23, 32, 32,
     "global_average_pooling2d", (None, 512)),
    ("ResNet50", dict(input_shape=S32, include_top=False), 175, 318, 212,
     "conv5_block3_out", (None, 1, 1, 2048)),
    ("ResNet101", dict(input_shape=S32, include_top=False), 345, 624, 416,
     "conv5_block3_out", (None, 1, 1, 2048)),
    ("ResNet152", dict(input_shape=S32, include_top=False), 515, 930, 620,
     "conv5_block3_out", (None, 1, 1, 2048)),
    ("ResNet50V2", dict(input_shape=S32, include_top=False), 190, 270, 172, "post_relu",
     (None, 1, 1, 2048)),
    ("ResNet101V2", dict(input_shape=S32, include_top=False), 377, 542, 342, "post_relu",
     (None, 1, 1, 2048)),
    ("ResNet152V2", dict(input_shape=S32, include_top=False), 564, 814, 512, "post_relu",
     (None, 1, 1, 2048)),
    ("MobileNet", dict(input_shape=S32, alpha=0.25, classes=3), 91, 137, 83,
     "predictions", (None, 3)),
    ("MobileNetV2", dict(input_shape=S32, alpha=0.35, classes=3), 156, 262, 158,
     "predictions", (None, 3)),
    ("InceptionV3", dict(input_shape=(75, 75, 3), include_top=False), 311, 376, 188,
     "mixed10", (None, 1, 1, 2048)),
    ("DenseNet121", dict(input_shape=S32, include_top=False), 427, 604, 362, "relu",
     (None, 1, 1, 1024)),
    ("DenseNet169", dict(input_shape=S32, include_top=False), 595, 844, 506, "relu",
     (None, 1, 1, 1664)),
    ("DenseNet201", dict(input_shape=S32, include_top=False), 707, 1004, 602, "relu",
     (None, 1, 1, 1920)),
    ("Xception", dict(input_shape=(71, 71, 3), include_top=False), 132, 234, 154,
     "block14_sepconv2_act", (None, 3, 3, 2048)),
]


@pytest.mark.parametrize("name,kwargs,n_layers,n_weights,n_trainable,last,out_shape",
                         MODELS, ids=[m[0] for m in MODELS])
def test_build(name, kwargs, n_layers, n_weights, n_trainable, last, out_shape):
    check_build(name, kwargs, n_layers, n_weights, n_trainable, last, out_shape)


def check_build(name, kwargs, n_layers, n_weights, n_trainable, last, out_shape):
    """Model `name` built with kwargs has these layer/weight counts, last layer and
    output shape, and unique layer names (also used by test_keras_applications_more)."""
    with gc.Graph().as_default():
        model = getattr(A, name)(weights=None, **kwargs)
        assert len(model.layers) == n_layers
        assert len(model.weights) == n_weights
        assert len(model.trainable_weights) == n_trainable
        assert model.layers[0].name == "input_1"
        assert model.layers[-1].name == last
        assert tuple(model.output_shape) == out_shape
        assert len({l.name for l in model.layers}) == n_layers


@pytest.mark.parametrize("name,kwargs", [
    ("MobileNet", dict(input_shape=(40, 36, 3), alpha=0.25, classes=3)),
    ("MobileNetV2", dict(input_shape=(33, 33, 3), alpha=0.35, include_top=False,
                         pooling="max")),
    ("MobileNet", dict(input_shape=S32, alpha=0.25, depth_multiplier=2,
                       include_top=False, pooling="avg")),
])
def test_forward(name, kwargs):
    check_forward(name, kwargs, RNG.uniform(-1, 1, (2, *kwargs["input_shape"])))


def check_forward(name, kwargs, x):
    """Model `name` runs on batch x: finite outputs of its output shape, softmax rows
    summing to 1 with a top."""
    x = x.astype(np.float32)
    with gc.Graph().as_default():
        model = getattr(A, name)(weights=None, **kwargs)
        y = model.predict(x)
    assert y.shape == (2, *model.output_shape[1:]) and np.isfinite(y).all()
    if kwargs.get("include_top", True):
        np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-5)   # softmax


def test_names_and_modules():
    assert A.resnet50.ResNet50 is A.ResNet50 is A.resnet.ResNet50
    assert A.vgg19.preprocess_input is A.vgg16.preprocess_input
    for module in (A.vgg16, A.resnet, A.resnet_v2, A.mobilenet, A.mobilenet_v2,
                   A.inception_v3, A.densenet, A.xception):
        assert callable(module.preprocess_input) and callable(module.decode_predictions)
    with gc.Graph().as_default():
        assert A.MobileNet(weights=None, alpha=0.5).name == "mobilenet_0.50_224"
        assert A.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3),
                             include_top=False).name == "mobilenetv2_0.35_96"


def test_keras_layer_order():
    """Layers in tf_keras' order (by depth from the outputs): a block's main path
    before its shortcut projection, so get_weights matches tf_keras' list."""
    with gc.Graph().as_default():
        model = A.ResNet50(weights=None, include_top=False, input_shape=S32)
        names = [l.name for l in model.layers]
        assert names[:8] == ["input_1", "conv1_pad", "conv1_conv", "conv1_bn",
                             "conv1_relu", "pool1_pad", "pool1_pool",
                             "conv2_block1_1_conv"]
        assert names.index("conv2_block1_0_conv") > names.index("conv2_block1_2_relu")
        assert model.weights[:2][0].name == "conv1_conv/kernel:0"


def test_weights_from_file(tmp_path):
    path = str(tmp_path / "w.npz")
    with gc.Graph().as_default():
        model = A.MobileNet(weights=None, alpha=0.25, input_shape=S32, classes=3)
        model.set_weights([RNG.standard_normal(w.shape).astype(np.float32)
                           for w in model.get_weights()])
        model.save_weights(path)
        again = A.MobileNet(weights=path, alpha=0.25, input_shape=S32, classes=3)
        for a, b in zip(model.get_weights(), again.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_input_tensor():
    with gc.Graph().as_default():
        images = gc.keras.Input(shape=S32, name="images")
        model = A.VGG16(weights=None, input_tensor=images, include_top=False)
        assert model.inputs == [images] and model.layers[0].name == "images"
        plain = gc.placeholder(gc.float32, (None, 32, 32, 3))
        model = A.MobileNetV2(weights=None, input_tensor=plain, alpha=0.35,
                              include_top=False, pooling="avg")
        assert model.inputs[0] is plain
        feeds = RNG.uniform(size=(1, 32, 32, 3)).astype(np.float32)
        assert model.predict(feeds).shape == (1, 1280)
        with pytest.raises(ValueError, match="must equal input_shape"):
            A.MobileNetV2(weights=None, input_tensor=gc.keras.Input((32, 40, 3)),
                          input_shape=(32, 32, 3))
        with pytest.raises(ValueError, match="not a TF-Keras tensor"):
            A.MobileNetV2(weights=None, input_shape=S32,
                          input_tensor=gc.placeholder(gc.float32, (None, 32, 32, 3)))


def test_default_shapes():
    with gc.Graph().as_default():
        assert A.InceptionV3(weights=None).input_shape == (None, 299, 299, 3)
        assert A.Xception(weights=None, include_top=False).input_shape == (
            None, None, None, 3)
        assert A.MobileNet(weights=None, input_shape=(160, 160, 3)).name == \
            "mobilenet_1.00_160"


@pytest.mark.parametrize("fn,kwargs,match", [
    (A.VGG16, dict(weights="no/such/file.h5"), "weights` argument should be"),
    (A.ResNet50, dict(weights="imagenet", classes=10), "classes` should be 1000"),
    (A.VGG16, dict(weights=None, input_shape=(16, 16, 3), include_top=False),
     "at least 32x32"),
    (A.InceptionV3, dict(weights=None, input_shape=(74, 80, 3), include_top=False),
     "at least 75x75"),
    (A.Xception, dict(weights=None, input_shape=(80, 80), include_top=False),
     "tuple of three integers"),
    (A.DenseNet121, dict(weights=None, input_shape=(None, None, 3)),
     "specify a static `input_shape`"),
    (A.VGG19, dict(weights="imagenet", input_shape=(64, 64, 3)),
     r"`input_shape` should be \(224, 224, 3\)"),
    (A.ResNet50V2, dict(weights="imagenet", include_top=False, input_shape=(64, 64, 1)),
     "must have 3 channels"),
    (A.VGG16, dict(weights="imagenet", classifier_activation="relu"),
     "Only `None` and `softmax`"),
    (A.MobileNet, dict(weights="imagenet", depth_multiplier=2), "depth multiplier"),
    (A.MobileNet, dict(weights="imagenet", alpha=0.3), "alpha can be one of"),
    (A.MobileNetV2, dict(weights="imagenet", alpha=0.3), "alpha must be one of"),
    (A.ResNet50, dict(weights=None, foo=1), r"Unknown argument\(s\)"),
    (A.MobileNet, dict(weights=None, layers=None), r"Unknown argument\(s\)"),
])
def test_argument_errors(fn, kwargs, match):
    with gc.Graph().as_default(), pytest.raises(ValueError, match=match):
        fn(**kwargs)


def test_channels_warning():
    with gc.Graph().as_default(), pytest.warns(UserWarning, match="1 or 3 input"):
        A.VGG16(weights=None, include_top=False, input_shape=(32, 32, 5))


def test_imagenet_needs_h5py(monkeypatch):
    """weights="imagenet" names h5py when it is missing, before any download."""
    monkeypatch.setitem(sys.modules, "h5py", None)
    with gc.Graph().as_default(), pytest.raises(ImportError, match="h5py"):
        A.MobileNet(weights="imagenet", alpha=0.25, include_top=False, input_shape=S32)


def test_preprocess_numpy():
    x = RNG.uniform(0, 255, (2, 3, 4, 3)).astype(np.float32)
    u = A.imagenet_utils
    np.testing.assert_allclose(u.preprocess_input(x.copy(), mode="tf"), x / 127.5 - 1,
                               rtol=1e-6)
    torch = (x / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    np.testing.assert_allclose(u.preprocess_input(x.copy(), mode="torch"), torch,
                               rtol=1e-5, atol=1e-5)
    caffe = x[..., ::-1] - [103.939, 116.779, 123.68]
    np.testing.assert_allclose(A.vgg16.preprocess_input(x.copy()), caffe, rtol=1e-5)
    first = np.moveaxis(x, -1, 1).copy()
    np.testing.assert_allclose(A.resnet.preprocess_input(first, "channels_first"),
                               np.moveaxis(caffe, -1, 1), rtol=1e-5)
    same = x.copy()
    assert A.mobilenet.preprocess_input(same) is same          # float input: in place
    ints = A.densenet.preprocess_input(x.astype(np.uint8))
    assert ints.dtype == np.float32
    with pytest.raises(ValueError, match="mode to be one of"):
        u.preprocess_input(x, mode="keras")
    with pytest.raises(ValueError, match="data_format to be one of"):
        u.preprocess_input(x, data_format="NHWC")


def test_preprocess_tensor():
    x = RNG.uniform(0, 255, (2, 3, 4, 3)).astype(np.float32)
    with gc.Graph().as_default():
        ph = gc.placeholder(gc.float32, (None, 3, 4, 3))
        outs = [A.imagenet_utils.preprocess_input(ph, mode=m)
                for m in ("caffe", "tf", "torch")]
        with gc.Session() as sess:
            caffe, tf_mode, torch = sess.run(outs, {ph: x})
    np.testing.assert_allclose(caffe, x[..., ::-1] - [103.939, 116.779, 123.68],
                               rtol=1e-5)
    np.testing.assert_allclose(tf_mode, x / 127.5 - 1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        torch, (x / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225], rtol=1e-5,
        atol=1e-5)


def test_decode_predictions(tmp_path, monkeypatch):
    """The class index read from ~/.keras/models (cached: its hash matches)."""
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".keras" / "models").mkdir(parents=True)
    path = tmp_path / ".keras" / "models" / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    monkeypatch.setattr(A.imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(A.imagenet_utils, "CLASS_INDEX_HASH",
                        hashlib.md5(path.read_bytes()).hexdigest())
    preds = np.zeros((2, 1000), np.float32)
    preds[0, [7, 3, 900]] = [0.5, 0.3, 0.2]
    preds[1, 42] = 1.0
    out = A.vgg16.decode_predictions(preds, top=3)
    assert [r[:2] for r in out[0]] == [("n00000007", "class_7"), ("n00000003", "class_3"),
                                       ("n00000900", "class_900")]
    assert out[0][0][2] == np.float32(0.5) and out[1][0][:2] == ("n00000042", "class_42")
    assert len(A.imagenet_utils.decode_predictions(preds)[1]) == 5
    with pytest.raises(ValueError, match=r"shape: \(2, 10\)"):
        A.imagenet_utils.decode_predictions(np.zeros((2, 10)))
