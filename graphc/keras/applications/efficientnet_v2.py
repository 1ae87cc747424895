"""tf.keras.applications.efficientnet_v2: EfficientNetV2B0 ... B3, S, M and L (Tan and
Le, 2021), with tf_keras' layers, names and weights. The input scaling is part of the
model (include_preprocessing=True): the B models rescale [0, 255] pixels to [0, 1] and
normalize them by ImageNet's mean and standard deviation, S/M/L rescale them to
[-1, 1); so preprocess_input returns its input unchanged.

    model = gc.keras.applications.efficientnet_v2.EfficientNetV2B0(
        weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg")
"""
import copy
import math

import graphc as gc
from .. import backend, layers
from . import _base, imagenet_utils

__all__ = ["EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
           "EfficientNetV2S", "EfficientNetV2M", "EfficientNetV2L", "preprocess_input",
           "decode_predictions"]

BASE_WEIGHTS_PATH = _base.BASE_URL + "efficientnet_v2/"
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}


def _args(conv_type, num_repeat, input_filters, output_filters, expand_ratio, se_ratio,
          strides):
    """One stage of blocks: conv_type 1 is FusedMBConv, 0 MBConv; kernels are 3x3."""
    return {"kernel_size": 3, "num_repeat": num_repeat, "input_filters": input_filters,
            "output_filters": output_filters, "expand_ratio": expand_ratio,
            "se_ratio": se_ratio, "strides": strides, "conv_type": conv_type}


_B = [_args(1, 1, 32, 16, 1, 0, 1), _args(1, 2, 16, 32, 4, 0, 2),
      _args(1, 2, 32, 48, 4, 0, 2), _args(0, 3, 48, 96, 4, 0.25, 2),
      _args(0, 5, 96, 112, 6, 0.25, 1), _args(0, 8, 112, 192, 6, 0.25, 2)]
DEFAULT_BLOCKS_ARGS = {
    "efficientnetv2-s": [_args(1, 2, 24, 24, 1, 0.0, 1), _args(1, 4, 24, 48, 4, 0.0, 2),
                         _args(1, 4, 48, 64, 4, 0, 2), _args(0, 6, 64, 128, 4, 0.25, 2),
                         _args(0, 9, 128, 160, 6, 0.25, 1),
                         _args(0, 15, 160, 256, 6, 0.25, 2)],
    "efficientnetv2-m": [_args(1, 3, 24, 24, 1, 0, 1), _args(1, 5, 24, 48, 4, 0, 2),
                         _args(1, 5, 48, 80, 4, 0, 2), _args(0, 7, 80, 160, 4, 0.25, 2),
                         _args(0, 14, 160, 176, 6, 0.25, 1),
                         _args(0, 18, 176, 304, 6, 0.25, 2),
                         _args(0, 5, 304, 512, 6, 0.25, 1)],
    "efficientnetv2-l": [_args(1, 4, 32, 32, 1, 0, 1), _args(1, 7, 32, 64, 4, 0, 2),
                         _args(1, 7, 64, 96, 4, 0, 2), _args(0, 10, 96, 192, 4, 0.25, 2),
                         _args(0, 19, 192, 224, 6, 0.25, 1),
                         _args(0, 25, 224, 384, 6, 0.25, 2),
                         _args(0, 7, 384, 640, 6, 0.25, 1)],
    "efficientnetv2-b0": _B, "efficientnetv2-b1": _B, "efficientnetv2-b2": _B,
    "efficientnetv2-b3": _B,
}
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out",
                                      "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out",
                                       "distribution": "uniform"}}


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """filters * width_coefficient to the nearest multiple of depth_divisor, at least
    min_depth (or depth_divisor).

        round_filters(32, 1.1, 8, 8)   # 32
    """
    filters *= width_coefficient
    minimum_depth = min_depth or depth_divisor
    return int(max(minimum_depth,
                   int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats, depth_coefficient):
    """ceil(depth_coefficient * repeats).

        round_repeats(3, 1.4)   # 5
    """
    return int(math.ceil(depth_coefficient * repeats))


def _conv(x, filters, kernel_size, name, strides=1, activation=None):
    return layers.Conv2D(filters, kernel_size=kernel_size, strides=strides,
                         kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                         use_bias=False, activation=activation, name=name)(x)


def _bn_act(x, bn_momentum, activation, name, act_name=None):
    x = layers.BatchNormalization(axis=_base.channel_axis(), momentum=bn_momentum,
                                  name=name)(x)
    return x if act_name is None else layers.Activation(activation, name=act_name)(x)


def _squeeze_excite(x, filters, input_filters, se_ratio, activation, name):
    """x scaled per channel by sigmoid(conv(act(conv(mean of x))))."""
    filters_se = max(1, int(input_filters * se_ratio))
    se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
    se_shape = (filters, 1, 1) if _base.channel_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(se_shape, name=name + "se_reshape")(se)
    se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                       kernel_initializer=CONV_KERNEL_INITIALIZER,
                       name=name + "se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                       kernel_initializer=CONV_KERNEL_INITIALIZER,
                       name=name + "se_expand")(se)
    return layers.multiply([x, se], name=name + "se_excite")


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability,
              name):
    """x + inputs when the shapes match; tf_keras drops whole examples with rate
    survival_probability (its argument name, kept) before the sum, except in block 0."""
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            x = layers.Dropout(survival_probability, noise_shape=(None, 1, 1, 1),
                               name=name + "drop")(x)
        x = layers.add([x, inputs], name=name + "add")
    return x


def mb_conv_block(inputs, input_filters, output_filters, expand_ratio=1, kernel_size=3,
                  strides=1, se_ratio=0.0, bn_momentum=0.9, activation="swish",
                  survival_probability=0.8, name=""):
    """MBConv: 1x1 expansion (unless expand_ratio is 1), depthwise convolution, squeeze
    and excite (0 < se_ratio <= 1), linear 1x1 projection, residual.

        y = mb_conv_block(x, 48, 96, expand_ratio=4, strides=2, name="block4a_")
    """
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(x, filters, 1, name + "expand_conv")
        x = _bn_act(x, bn_momentum, activation, name + "expand_bn",
                    name + "expand_activation")
    x = layers.DepthwiseConv2D(kernel_size=kernel_size, strides=strides,
                               depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               padding="same", use_bias=False, name=name + "dwconv2")(x)
    x = _bn_act(x, bn_momentum, activation, name + "bn", name + "activation")
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
    x = _conv(x, output_filters, 1, name + "project_conv")
    x = _bn_act(x, bn_momentum, activation, name + "project_bn")
    return _residual(x, inputs, strides, input_filters, output_filters,
                     survival_probability, name)


def fused_mb_conv_block(inputs, input_filters, output_filters, expand_ratio=1,
                        kernel_size=3, strides=1, se_ratio=0.0, bn_momentum=0.9,
                        activation="swish", survival_probability=0.8, name=""):
    """FusedMBConv: one full kxk (strided) expansion convolution in place of MBConv's 1x1
    and depthwise pair, then squeeze and excite, 1x1 projection, residual; with
    expand_ratio 1 the projection is the kxk convolution and has an activation.

        y = fused_mb_conv_block(x, 16, 32, expand_ratio=4, strides=2, name="block2a_")
    """
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(x, filters, kernel_size, name + "expand_conv", strides=strides)
        x = _bn_act(x, bn_momentum, activation, name + "expand_bn",
                    name + "expand_activation")
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
    fused = expand_ratio == 1
    x = _conv(x, output_filters, kernel_size if fused else 1, name + "project_conv",
              strides=strides if fused else 1)
    x = _bn_act(x, bn_momentum, activation, name + "project_bn",
                name + "project_activation" if fused else None)
    return _residual(x, inputs, strides, input_filters, output_filters,
                     survival_probability, name)


def _check_weights(weights, include_top, classes):
    """tf_keras' EfficientNetV2 messages (no space before "Received")."""
    if not (weights in {"imagenet", None} or gc.io.gfile.exists(weights)):
        raise ValueError(f"The `weights` argument should be either `None` (random "
                         f"initialization), `imagenet` (pre-training on ImageNet), or the "
                         f"path to the weights file to be loaded.Received: "
                         f"weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"If using `weights` as `'imagenet'` with `include_top` as true, "
                         f"`classes` should be 1000Received: classes={classes}")


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                   drop_connect_rate=0.2, depth_divisor=8, min_depth=8, bn_momentum=0.9,
                   activation="swish", blocks_args="default", model_name="efficientnetv2",
                   include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000,
                   classifier_activation="softmax", include_preprocessing=True):
    """An EfficientNetV2: optional input scaling, stem, the (Fused)MBConv stages of
    blocks_args (filters scaled by width_coefficient, repeats by depth_coefficient),
    top_conv and the head. blocks_args="default" takes model_name's stages.

        model = EfficientNetV2(1.0, 0.5, 224, model_name="efficientnetv2-b0",
                               weights=None, input_shape=(32, 32, 3), classes=10)
    """
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS[model_name]
    _check_weights(weights, include_top, classes)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top,
        weights=weights)
    img_input = _base.image_input(input_tensor, input_shape)
    bn_axis = _base.channel_axis()

    def filters_of(filters):
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = img_input
    if include_preprocessing:
        num_channels = input_shape[bn_axis - 1]
        if model_name.split("-")[-1].startswith("b") and num_channels == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406],
                                     variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                                     axis=bn_axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = _conv(x, filters_of(blocks_args[0]["input_filters"]), 3, "stem_conv", strides=2)
    x = _bn_act(x, bn_momentum, activation, "stem_bn", "stem_activation")
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    blocks = float(sum(args["num_repeat"] for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError(f"EfficientNetV2: each stage needs num_repeat > 0; Received "
                             f"blocks_args[{i}]={args}")
        args["input_filters"] = filters_of(args["input_filters"])
        args["output_filters"] = filters_of(args["output_filters"])
        block = (mb_conv_block, fused_mb_conv_block)[args.pop("conv_type")]
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(x, activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / blocks,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)
            b += 1
    x = _conv(x, filters_of(1280), 1, "top_conv")
    x = _bn_act(x, bn_momentum, activation, "top_bn", "top_activation")
    x = _base.efficientnet_top(x, include_top, pooling, dropout_rate, classes,
                               classifier_activation, weights,
                               kernel_initializer=DENSE_KERNEL_INITIALIZER,
                               bias_initializer=gc.constant_initializer(0))
    model = _base.make_model(input_tensor, img_input, x, model_name)
    return _base.efficientnet_weights(model, weights, include_top, WEIGHTS_HASHES,
                                      BASE_WEIGHTS_PATH)


def _variant(width, depth, size, name):
    """The model function of one variant (tf_keras' signature)."""

    def model_fn(include_top=True, weights="imagenet", input_tensor=None,
                 input_shape=None, pooling=None, classes=1000,
                 classifier_activation="softmax", include_preprocessing=True):
        return EfficientNetV2(width, depth, size, model_name=name,
                              include_top=include_top, weights=weights,
                              input_tensor=input_tensor, input_shape=input_shape,
                              pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing)

    public = "EfficientNetV2" + name.split("-")[-1].upper()
    model_fn.__name__ = model_fn.__qualname__ = public
    model_fn.__doc__ = (
        f"tf.keras.applications.{public}: width {width}, depth {depth}, default input "
        f"{size}x{size} (at least 32x32); [0, 255] pixels (or [-1, 1] with "
        f"include_preprocessing=False).\n\n"
        f"        model = gc.keras.applications.{public}(weights=None, include_top=False,\n"
        f"                                               input_shape=(32, 32, 3))\n")
    return model_fn


EfficientNetV2B0 = _variant(1.0, 1.0, 224, "efficientnetv2-b0")
EfficientNetV2B1 = _variant(1.0, 1.1, 240, "efficientnetv2-b1")
EfficientNetV2B2 = _variant(1.1, 1.2, 260, "efficientnetv2-b2")
EfficientNetV2B3 = _variant(1.2, 1.4, 300, "efficientnetv2-b3")
EfficientNetV2S = _variant(1.0, 1.0, 384, "efficientnetv2-s")
EfficientNetV2M = _variant(1.0, 1.0, 480, "efficientnetv2-m")
EfficientNetV2L = _variant(1.0, 1.0, 480, "efficientnetv2-l")


preprocess_input, decode_predictions = imagenet_utils.module_functions("efficientnet_v2", None)
