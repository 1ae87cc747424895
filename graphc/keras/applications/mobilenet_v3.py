"""tf.keras.applications.mobilenet_v3: MobileNetV3Small and MobileNetV3Large (Howard et
al., 2019), with tf_keras' layers, names and weights. The rescaling of [0, 255] pixels
to [-1, 1] is the model's first layer (include_preprocessing=True), so preprocess_input
returns its input unchanged.

    model = gc.keras.applications.mobilenet_v3.MobileNetV3Small(
        input_shape=(96, 96, 3), alpha=0.75, weights=None)
"""
import logging

from .. import backend, layers
from . import _base, imagenet_utils

__all__ = ["MobileNetV3Small", "MobileNetV3Large", "preprocess_input",
           "decode_predictions"]

BASE_WEIGHT_PATH = _base.BASE_URL + "mobilenet_v3/"
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb",
                             "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7",
                            "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7",
                             "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862",
                            "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}
# (expansion, filters, kernel ("k": 5, or 3 when minimalistic), stride, squeeze-and-
# excite, activation ("hs": hard swish, or relu when minimalistic))
_SMALL = ((1, 16, 3, 2, True, "relu"), (72 / 16, 24, 3, 2, False, "relu"),
          (88 / 24, 24, 3, 1, False, "relu"), (4, 40, "k", 2, True, "hs"),
          (6, 40, "k", 1, True, "hs"), (6, 40, "k", 1, True, "hs"),
          (3, 48, "k", 1, True, "hs"), (3, 48, "k", 1, True, "hs"),
          (6, 96, "k", 2, True, "hs"), (6, 96, "k", 1, True, "hs"),
          (6, 96, "k", 1, True, "hs"))
_LARGE = ((1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"),
          (3, 24, 3, 1, False, "relu"), (3, 40, "k", 2, True, "relu"),
          (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
          (6, 80, 3, 2, False, "hs"), (2.5, 80, 3, 1, False, "hs"),
          (2.3, 80, 3, 1, False, "hs"), (2.3, 80, 3, 1, False, "hs"),
          (6, 112, 3, 1, True, "hs"), (6, 112, 3, 1, True, "hs"),
          (6, 160, "k", 2, True, "hs"), (6, 160, "k", 1, True, "hs"),
          (6, 160, "k", 1, True, "hs"))


def _depth(v, divisor=8, min_value=None):
    """v rounded to a multiple of divisor (at least min_value), never below 0.9 v."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def relu(x):
    """A ReLU layer."""
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """relu6(x + 3) / 6 as tf_keras writes it: plain ops round a ReLU(6) layer, which the
    model wraps in op layers "tf_op_layer_add" and "tf_op_layer_mul"."""
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    """x * hard_sigmoid(x) (a Multiply layer)."""
    return layers.Multiply()([x, hard_sigmoid(x)])


def _bn(x, name):
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)(x)


def _se_block(inputs, filters, se_ratio, prefix):
    """Squeeze and excite: the input scaled per channel by a hard sigmoid of two 1x1
    convolutions of its spatial mean."""
    x = layers.GlobalAveragePooling2D(keepdims=True,
                                      name=prefix + "squeeze_excite/AvgPool")(inputs)
    x = layers.Conv2D(_depth(filters * se_ratio), kernel_size=1, padding="same",
                      name=prefix + "squeeze_excite/Conv")(x)
    x = layers.ReLU(name=prefix + "squeeze_excite/Relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same",
                      name=prefix + "squeeze_excite/Conv_1")(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=prefix + "squeeze_excite/Mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                        block_id):
    """1x1 expansion (not in block 0), depthwise convolution, optional squeeze and
    excite, linear 1x1 projection; added to the input when the shapes allow."""
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    shortcut = x
    prefix = "expanded_conv/"
    infilters = backend.int_shape(x)[axis]
    if block_id:
        prefix = f"expanded_conv_{block_id}/"
        x = layers.Conv2D(_depth(infilters * expansion), kernel_size=1, padding="same",
                          use_bias=False, name=prefix + "expand")(x)
        x = activation(_bn(x, prefix + "expand/BatchNorm"))
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_base.correct_pad(x, kernel_size),
                                 name=prefix + "depthwise/pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride,
                               padding="same" if stride == 1 else "valid",
                               use_bias=False, name=prefix + "depthwise")(x)
    x = activation(_bn(x, prefix + "depthwise/BatchNorm"))
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False,
                      name=prefix + "project")(x)
    x = _bn(x, prefix + "project/BatchNorm")
    if stride == 1 and infilters == filters:
        x = layers.Add(name=prefix + "Add")([shortcut, x])
    return x


def _input_shape(input_shape, input_tensor):
    """tf_keras' input shape of MobileNetV3: input_shape (its columns checked against a
    Keras input_tensor's), else (cols, rows, 3) of the input_tensor, else unknown
    rows and columns."""
    first = backend.image_data_format() == "channels_first"
    if input_shape is not None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            raise ValueError(f"input_tensor specified: {input_tensor} is not a keras "
                             f"tensor")
        shape = backend.int_shape(input_tensor)
        if shape[1 if first else 2] != input_shape[1]:
            where = "[1]" if first else "[2]"
            raise ValueError(f"input_shape[1] must equal backend.int_shape(input_tensor)"
                             f"{where}.  Received input_shape={input_shape}, "
                             f"backend.int_shape(input_tensor)={shape}")
    if input_shape is None and input_tensor is not None:
        if backend.is_keras_tensor(input_tensor):
            shape = backend.int_shape(input_tensor)
            rows, cols = shape[2:4] if first else shape[1:3]
            input_shape = (3, cols, rows) if first else (cols, rows, 3)
    if input_shape is None:
        input_shape = (3, None, None) if first else (None, None, 3)
    return input_shape


def MobileNetV3(stack, last_point_ch, input_shape=None, alpha=1.0, model_type="large",
                minimalistic=False, include_top=True, weights="imagenet",
                input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                classifier_activation="softmax", include_preprocessing=True):
    """A MobileNetV3 of the inverted residual blocks in `stack` (rows of _SMALL or
    _LARGE); last_point_ch: the channels of the classifier's Conv_2."""
    _base.check_weights(weights, include_top, classes)
    input_shape = _input_shape(input_shape, input_tensor)
    first = 1 if backend.image_data_format() == "channels_first" else 0
    rows, cols = input_shape[first], input_shape[first + 1]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape="
                         f"{input_shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in [0.75, 1.0]
                or minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of "
                             "`0.75`, `1.0` for non minimalistic or `1.0` for "
                             "minimalistic only.")
        if rows != cols or rows != 224:
            logging.warning("`input_shape` is undefined or non-square, or `rows` is not "
                            "224. Weights for input shape (224, 224) will be loaded as "
                            "the default.")
    img_input = _base.image_input(input_tensor, input_shape)
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    kernel, activation, se_ratio = ((3, relu, None) if minimalistic
                                    else (5, hard_swish, 0.25))
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv")(x)
    x = activation(_bn(x, "Conv/BatchNorm"))
    for block_id, (expansion, filters, size, stride, se, act) in enumerate(stack):
        x = _inverted_res_block(x, expansion, _depth(filters * alpha),
                                kernel if size == "k" else size, stride,
                                se_ratio if se else None,
                                activation if act == "hs" else relu, block_id)
    last_conv_ch = _depth(backend.int_shape(x)[axis] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False,
                      name="Conv_1")(x)
    x = activation(_bn(x, "Conv_1/BatchNorm"))
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True,
                          name="Conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="Logits")(x)
        x = layers.Flatten()(x)
        _base.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="Predictions")(x)
    else:
        x = _base.pool(x, pooling, "avg_pool", "max_pool")
    model = _base.make_model(input_tensor, img_input, x, "MobilenetV3" + model_type)
    if weights != "imagenet":
        return _base.load_weights(model, weights)
    model_name = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    fname = (f"weights_mobilenet_v3_{model_name}"
             f"{'.h5' if include_top else '_no_top_v2.h5'}")
    file_hash = WEIGHTS_HASHES[model_name][0 if include_top else 1]
    return _base.load_weights(model, weights, fname, BASE_WEIGHT_PATH + fname, file_hash)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True):
    """tf.keras.applications.MobileNetV3Small: 11 inverted residual blocks (hard swish
    and squeeze-and-excite unless minimalistic), Conv_1, and a top of pooling, Conv_2
    (1024 channels), dropout, the `Logits` 1x1 convolution and `Predictions`. Inputs in
    [0, 255] (or [-1, 1] with include_preprocessing=False).

        model = gc.keras.applications.MobileNetV3Small(weights=None, classes=10)
    """
    return MobileNetV3(_SMALL, 1024, input_shape, alpha, "small", minimalistic,
                       include_top, weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True):
    """tf.keras.applications.MobileNetV3Large: 15 inverted residual blocks, Conv_1, and
    the top of MobileNetV3Small with a 1280-channel Conv_2.

        model = gc.keras.applications.MobileNetV3Large(weights=None, include_top=False,
                                                       pooling="avg")
    """
    return MobileNetV3(_LARGE, 1280, input_shape, alpha, "large", minimalistic,
                       include_top, weights, input_tensor, classes, pooling, dropout_rate,
                       classifier_activation, include_preprocessing)


preprocess_input, decode_predictions = imagenet_utils.module_functions("mobilenet_v3", None)
