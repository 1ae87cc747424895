"""tf.keras.applications.efficientnet: EfficientNetB0 ... B7 (Tan and Le, 2019), with
tf_keras' layers, names and weights. The input scaling is part of the model
(Rescaling to [0, 1], then a Normalization whose mean and variance come with the
ImageNet weights), so preprocess_input returns its input unchanged.

    model = gc.keras.applications.efficientnet.EfficientNetB0(
        weights=None, include_top=False, input_shape=(64, 64, 3))
"""
import copy
import math

import numpy as np

import graphc as gc
from .. import backend, layers
from . import _base, imagenet_utils

__all__ = ["EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
           "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
           "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"
WEIGHTS_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}


def _args(kernel_size, repeats, filters_in, filters_out, expand_ratio, strides):
    return {"kernel_size": kernel_size, "repeats": repeats, "filters_in": filters_in,
            "filters_out": filters_out, "expand_ratio": expand_ratio, "id_skip": True,
            "strides": strides, "se_ratio": 0.25}


DEFAULT_BLOCKS_ARGS = [_args(3, 1, 32, 16, 1, 1), _args(3, 2, 16, 24, 6, 2),
                       _args(5, 2, 24, 40, 6, 2), _args(3, 3, 40, 80, 6, 2),
                       _args(5, 3, 80, 112, 6, 1), _args(5, 4, 112, 192, 6, 2),
                       _args(3, 1, 192, 320, 6, 1)]
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out",
                                      "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out",
                                       "distribution": "uniform"}}
IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]


def _round_filters(filters, width_coefficient, divisor):
    """filters * width_coefficient to a multiple of divisor, never below 0.9 of it."""
    filters *= width_coefficient
    new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    if new_filters < 0.9 * filters:
        new_filters += divisor
    return int(new_filters)


def EfficientNet(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                 drop_connect_rate=0.2, depth_divisor=8, activation="swish",
                 blocks_args="default", model_name="efficientnet", include_top=True,
                 weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                 classes=1000, classifier_activation="softmax"):
    """An EfficientNet: stem, the MBConv blocks of blocks_args (filters scaled by
    width_coefficient, repeats by depth_coefficient), top_conv and the head."""
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS
    _base.check_weights(weights, include_top, classes, received=False)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top,
        weights=weights)
    img_input = _base.image_input(input_tensor, input_shape)
    bn_axis = _base.channel_axis()

    def round_filters(filters):
        return _round_filters(filters, width_coefficient, depth_divisor)

    def round_repeats(repeats):
        return int(math.ceil(depth_coefficient * repeats))

    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=bn_axis)(x)
    if weights == "imagenet":
        shape = [1, 3, 1, 1] if bn_axis == 1 else [1, 1, 1, 3]
        scale = np.array([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB], np.float32)
        x = gc.multiply(x, scale.reshape(shape))         # op layer "tf_op_layer_Mul"
    x = layers.ZeroPadding2D(padding=_base.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    blocks = float(sum(round_repeats(args["repeats"]) for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["repeats"] <= 0:
            raise ValueError(f"EfficientNet: each block needs repeats > 0; Received "
                             f"blocks_args[{i}]={args}")
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for j in range(round_repeats(args.pop("repeats"))):
            if j > 0:
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = block(x, activation, drop_connect_rate * b / blocks,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)
            b += 1
    x = layers.Conv2D(round_filters(1280), 1, padding="same", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="top_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    x = _base.efficientnet_top(x, include_top, pooling, dropout_rate, classes,
                               classifier_activation, weights,
                               kernel_initializer=DENSE_KERNEL_INITIALIZER)
    model = _base.make_model(input_tensor, img_input, x, model_name)
    return _base.efficientnet_weights(model, weights, include_top, WEIGHTS_HASHES,
                                      BASE_WEIGHTS_PATH)


def block(inputs, activation="swish", drop_rate=0.0, name="", filters_in=32,
          filters_out=16, kernel_size=3, strides=1, expand_ratio=1, se_ratio=0.0,
          id_skip=True):
    """An inverted residual (MBConv) block: 1x1 expansion, depthwise convolution,
    squeeze and excite, 1x1 projection; with id_skip, stride 1 and equal filters, the
    input is added after a per-example dropout of drop_rate."""
    bn_axis = _base.channel_axis()
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False,
                          kernel_initializer=CONV_KERNEL_INITIALIZER,
                          name=name + "expand_conv")(inputs)
        x = layers.BatchNormalization(axis=bn_axis, name=name + "expand_bn")(x)
        x = layers.Activation(activation, name=name + "expand_activation")(x)
    else:
        x = inputs
    if strides == 2:
        x = layers.ZeroPadding2D(padding=_base.correct_pad(x, kernel_size),
                                 name=name + "dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides,
                               padding="valid" if strides == 2 else "same",
                               use_bias=False,
                               depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               name=name + "dwconv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name=name + "bn")(x)
    x = layers.Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        filters_se = max(1, int(filters_in * se_ratio))
        se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
        se_shape = (filters, 1, 1) if bn_axis == 1 else (1, 1, filters)
        se = layers.Reshape(se_shape, name=name + "se_reshape")(se)
        se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                           kernel_initializer=CONV_KERNEL_INITIALIZER,
                           name=name + "se_reduce")(se)
        se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                           kernel_initializer=CONV_KERNEL_INITIALIZER,
                           name=name + "se_expand")(se)
        x = layers.multiply([x, se], name=name + "se_excite")
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER,
                      name=name + "project_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name=name + "project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
        x = layers.add([x, inputs], name=name + "add")
    return x


def EfficientNetB0(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", **kwargs):
    """tf.keras.applications.EfficientNetB0: width 1.0, depth 1.0, default input
    224x224, top dropout 0.2; **kwargs go to EfficientNet (drop_connect_rate,
    depth_divisor, activation, blocks_args).

        model = gc.keras.applications.EfficientNetB0(weights=None, classes=10)
    """
    return EfficientNet(1.0, 1.0, 224, 0.2, model_name="efficientnetb0",
                        include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, **kwargs)


def EfficientNetB1(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", **kwargs):
    """tf.keras.applications.EfficientNetB1: width 1.0, depth 1.1, default input
    240x240, top dropout 0.2; **kwargs go to EfficientNet (drop_connect_rate,
    depth_divisor, activation, blocks_args).

        model = gc.keras.applications.EfficientNetB1(weights=None, include_top=False)
    """
    return EfficientNet(1.0, 1.1, 240, 0.2, model_name="efficientnetb1",
                        include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, **kwargs)


def EfficientNetB2(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", **kwargs):
    """tf.keras.applications.EfficientNetB2: width 1.1, depth 1.2, default input
    260x260, top dropout 0.3; **kwargs go to EfficientNet (drop_connect_rate,
    depth_divisor, activation, blocks_args).

        model = gc.keras.applications.EfficientNetB2(weights=None, classes=10)
    """
    return EfficientNet(1.1, 1.2, 260, 0.3, model_name="efficientnetb2",
                        include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, **kwargs)


def EfficientNetB3(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", **kwargs):
    """tf.keras.applications.EfficientNetB3: width 1.2, depth 1.4, default input
    300x300, top dropout 0.3; **kwargs go to EfficientNet (drop_connect_rate,
    depth_divisor, activation, blocks_args).

        model = gc.keras.applications.EfficientNetB3(weights=None, include_top=False)
    """
    return EfficientNet(1.2, 1.4, 300, 0.3, model_name="efficientnetb3",
                        include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, **kwargs)


def EfficientNetB4(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", **kwargs):
    """tf.keras.applications.EfficientNetB4: width 1.4, depth 1.8, default input
    380x380, top dropout 0.4; **kwargs go to EfficientNet (drop_connect_rate,
    depth_divisor, activation, blocks_args).

        model = gc.keras.applications.EfficientNetB4(weights=None, classes=10)
    """
    return EfficientNet(1.4, 1.8, 380, 0.4, model_name="efficientnetb4",
                        include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, **kwargs)


def EfficientNetB5(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", **kwargs):
    """tf.keras.applications.EfficientNetB5: width 1.6, depth 2.2, default input
    456x456, top dropout 0.4; **kwargs go to EfficientNet (drop_connect_rate,
    depth_divisor, activation, blocks_args).

        model = gc.keras.applications.EfficientNetB5(weights=None, include_top=False)
    """
    return EfficientNet(1.6, 2.2, 456, 0.4, model_name="efficientnetb5",
                        include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, **kwargs)


def EfficientNetB6(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", **kwargs):
    """tf.keras.applications.EfficientNetB6: width 1.8, depth 2.6, default input
    528x528, top dropout 0.5; **kwargs go to EfficientNet (drop_connect_rate,
    depth_divisor, activation, blocks_args).

        model = gc.keras.applications.EfficientNetB6(weights=None, classes=10)
    """
    return EfficientNet(1.8, 2.6, 528, 0.5, model_name="efficientnetb6",
                        include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, **kwargs)


def EfficientNetB7(include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", **kwargs):
    """tf.keras.applications.EfficientNetB7: width 2.0, depth 3.1, default input
    600x600, top dropout 0.5; **kwargs go to EfficientNet (drop_connect_rate,
    depth_divisor, activation, blocks_args).

        model = gc.keras.applications.EfficientNetB7(weights=None, include_top=False)
    """
    return EfficientNet(2.0, 3.1, 600, 0.5, model_name="efficientnetb7",
                        include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, **kwargs)


preprocess_input, decode_predictions = imagenet_utils.module_functions("efficientnet", None)
