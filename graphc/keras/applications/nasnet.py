"""tf.keras.applications.nasnet: NASNetMobile and NASNetLarge (NASNet-A, Zoph et al.,
2018), with tf_keras' layers, names and weights. Every cell runs in tf_keras' name
scopes ("normal_A_block_3/block_1/..."), so the weight names match too. Inputs are
scaled to [-1, 1] by preprocess_input ("tf" mode).

    model = gc.keras.applications.nasnet.NASNetMobile(
        weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg")
"""
import logging

import graphc as gc
from .. import backend, layers
from . import _base, imagenet_utils

__all__ = ["NASNetMobile", "NASNetLarge", "preprocess_input", "decode_predictions"]

BASE_WEIGHTS_PATH = _base.BASE_URL + "nasnet/"
NASNET_MOBILE_WEIGHT_PATH = BASE_WEIGHTS_PATH + "NASNet-mobile.h5"
NASNET_MOBILE_WEIGHT_PATH_NO_TOP = BASE_WEIGHTS_PATH + "NASNet-mobile-no-top.h5"
NASNET_LARGE_WEIGHT_PATH = BASE_WEIGHTS_PATH + "NASNet-large.h5"
NASNET_LARGE_WEIGHT_PATH_NO_TOP = BASE_WEIGHTS_PATH + "NASNet-large-no-top.h5"
# default_size -> {include_top: (file name, url, md5)}
WEIGHT_FILES = {
    224: {True: ("nasnet_mobile.h5", NASNET_MOBILE_WEIGHT_PATH,
                 "020fb642bf7360b370c678b08e0adf61"),
          False: ("nasnet_mobile_no_top.h5", NASNET_MOBILE_WEIGHT_PATH_NO_TOP,
                  "1ed92395b5b598bdda52abe5c0dbfd63")},
    331: {True: ("nasnet_large.h5", NASNET_LARGE_WEIGHT_PATH,
                 "11577c9a518f0070763c2b964a382f17"),
          False: ("nasnet_large_no_top.h5", NASNET_LARGE_WEIGHT_PATH_NO_TOP,
                  "d81d89dc07e6e56530c4e77faddd61b5")},
}


def _channel_dim():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _bn(x, name):
    return layers.BatchNormalization(axis=_channel_dim(), momentum=0.9997, epsilon=1e-3,
                                     name=name)(x)


def _conv1x1(x, filters, name, strides=(1, 1)):
    return layers.Conv2D(filters, (1, 1), strides=strides, padding="same", use_bias=False,
                         name=name, kernel_initializer="he_normal")(x)


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
           skip_reduction=True, filter_multiplier=2, include_top=True, weights="imagenet",
           input_tensor=None, pooling=None, classes=1000, default_size=None,
           classifier_activation="softmax"):
    """A NASNet-A: a stem convolution, two stem reduction cells, then three stacks of
    num_blocks normal cells separated by reduction cells (filters doubling by
    filter_multiplier); penultimate_filters = 24 * the last stack's filters.

        model = NASNet(input_shape=(32, 32, 3), penultimate_filters=192, num_blocks=1,
                       stem_block_filters=8, weights=None, default_size=224)
    """
    _base.check_weights(weights, include_top, classes, received=False)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(f"When specifying the input shape of a NASNet and loading "
                         f"`ImageNet` weights, the input_shape argument must be static "
                         f"(no None entries). Got: `input_shape={input_shape}`.")
    if default_size is None:
        default_size = 331
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top,
        weights=weights)
    old_data_format = None
    if backend.image_data_format() != "channels_last":
        logging.warning('The NASNet family of models is only available for the input data '
                        'format "channels_last" (width, height, channels). However your '
                        'settings specify the default data format "channels_first" '
                        '(channels, width, height). The model being returned right now '
                        'will expect inputs to follow the "channels_last" data format.')
        backend.set_image_data_format("channels_last")
        old_data_format = "channels_first"
    try:
        return _nasnet(input_shape, penultimate_filters, num_blocks, stem_block_filters,
                       skip_reduction, filter_multiplier, include_top, weights,
                       input_tensor, pooling, classes, default_size,
                       classifier_activation)
    finally:
        if old_data_format:
            backend.set_image_data_format(old_data_format)


def _nasnet(input_shape, penultimate_filters, num_blocks, stem_block_filters,
            skip_reduction, filter_multiplier, include_top, weights, input_tensor,
            pooling, classes, default_size, classifier_activation):
    """NASNet's body once the arguments are checked (channels_last)."""
    img_input = _base.image_input(input_tensor, input_shape)
    if penultimate_filters % (24 * (filter_multiplier ** 2)) != 0:
        raise ValueError(f"For NASNet-A models, the `penultimate_filters` must be a "
                         f"multiple of 24 * (`filter_multiplier` ** 2). Current value: "
                         f"{int(penultimate_filters)}")
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                      use_bias=False, name="stem_conv1",
                      kernel_initializer="he_normal")(img_input)
    x = _bn(x, "stem_bn1")
    p = None
    x, p = _reduction_a_cell(x, p, filters // (filter_multiplier ** 2), "stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, "stem_2")
    for stack in range(3):
        width = filters * filter_multiplier ** stack
        if stack:
            x, p0 = _reduction_a_cell(x, p, width, f"reduce_{stack * num_blocks}")
            p = p if skip_reduction else p0
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, width, f"{stack * num_blocks + i + (stack > 0)}")
    x = layers.Activation("relu")(x)
    if include_top:
        x = _base.classifier(x, classes, classifier_activation, weights, pool_name=None)
    else:
        x = _base.pool(x, pooling)
    model = _base.make_model(input_tensor, img_input, x, "NASNet")
    if weights != "imagenet":
        return _base.load_weights(model, weights)
    if default_size not in WEIGHT_FILES:
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or "
                         "NASNetMobile")
    fname, url, file_hash = WEIGHT_FILES[default_size][bool(include_top)]
    return _base.load_weights(model, weights, fname, url, file_hash)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.NASNetMobile: NASNet-A (4 @ 1056), default input 224x224
    (at least 32x32), inputs scaled by nasnet.preprocess_input.

        model = gc.keras.applications.NASNetMobile(weights=None, input_shape=(32, 32, 3),
                                                   classes=10)
    """
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4,
                  stem_block_filters=32, skip_reduction=False, filter_multiplier=2,
                  include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=224,
                  classifier_activation=classifier_activation)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.NASNetLarge: NASNet-A (6 @ 4032), default input 331x331
    (at least 32x32), inputs scaled by nasnet.preprocess_input.

        model = gc.keras.applications.NASNetLarge(weights=None, include_top=False,
                                                  input_shape=(64, 64, 3))
    """
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6,
                  stem_block_filters=96, skip_reduction=True, filter_multiplier=2,
                  include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=331,
                  classifier_activation=classifier_activation)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Twice ReLU, SeparableConv2D, BatchNormalization; the first convolution strided
    (after tf_keras' correct_pad zero padding) when strides == (2, 2)."""
    with backend.name_scope(f"separable_conv_block_{block_id}"):
        x = layers.Activation("relu")(ip)
        conv_pad = "same"
        if strides == (2, 2):
            x = layers.ZeroPadding2D(padding=_base.correct_pad(x, kernel_size),
                                     name=f"separable_conv_1_pad_{block_id}")(x)
            conv_pad = "valid"
        x = layers.SeparableConv2D(filters, kernel_size, strides=strides,
                                   name=f"separable_conv_1_{block_id}", padding=conv_pad,
                                   use_bias=False, kernel_initializer="he_normal")(x)
        x = _bn(x, f"separable_conv_1_bn_{block_id}")
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}",
                                   padding="same", use_bias=False,
                                   kernel_initializer="he_normal")(x)
        return _bn(x, f"separable_conv_2_bn_{block_id}")


def _adjust_block(p, ip, filters, block_id=None):
    """The previous cell's output p matched to ip: ip itself when p is None; halved
    spatially by two offset stride-2 1x1 paths (concatenated) when the sizes differ;
    projected by a 1x1 convolution when only the channels differ."""
    channel_dim = _channel_dim()
    img_dim = 2 if backend.image_data_format() == "channels_first" else -2
    ip_shape = backend.int_shape(ip)
    p_shape = backend.int_shape(p) if p is not None else None
    with backend.name_scope("adjust_block"):
        if p is None:
            return ip
        if p_shape[img_dim] != ip_shape[img_dim]:
            with backend.name_scope(f"adjust_reduction_block_{block_id}"):
                p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
                p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name=f"adjust_avg_pool_1_{block_id}")(p)
                p1 = _conv1x1(p1, filters // 2, f"adjust_conv_1_{block_id}")
                # the second path sees the input shifted by one pixel
                p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
                p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
                p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                             name=f"adjust_avg_pool_2_{block_id}")(p2)
                p2 = _conv1x1(p2, filters // 2, f"adjust_conv_2_{block_id}")
                p = layers.concatenate([p1, p2], axis=channel_dim)
                return _bn(p, f"adjust_bn_{block_id}")
        if p_shape[channel_dim] != filters:
            with backend.name_scope(f"adjust_projection_block_{block_id}"):
                p = layers.Activation("relu")(p)
                p = _conv1x1(p, filters, f"adjust_conv_projection_{block_id}")
                return _bn(p, f"adjust_bn_{block_id}")
    return p


def _normal_a_cell(ip, p, filters, block_id=None):
    """NASNet-A's normal cell (Fig. 4 of the paper): five sums of separable
    convolutions, 3x3 average poolings and identities of h (ip after ReLU, 1x1
    convolution, batch norm) and p, concatenated with p. Returns (output, ip)."""
    with backend.name_scope(f"normal_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = layers.Activation("relu")(ip)
        h = _bn(_conv1x1(h, filters, f"normal_conv_1_{block_id}"), f"normal_bn_1_{block_id}")
        with backend.name_scope("block_1"):
            x1_1 = _separable_conv_block(h, filters, kernel_size=(5, 5),
                                         block_id=f"normal_left1_{block_id}")
            x1_2 = _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")
            x1 = layers.add([x1_1, x1_2], name=f"normal_add_1_{block_id}")
        with backend.name_scope("block_2"):
            x2_1 = _separable_conv_block(p, filters, (5, 5),
                                         block_id=f"normal_left2_{block_id}")
            x2_2 = _separable_conv_block(p, filters, (3, 3),
                                         block_id=f"normal_right2_{block_id}")
            x2 = layers.add([x2_1, x2_2], name=f"normal_add_2_{block_id}")
        with backend.name_scope("block_3"):
            x3 = _avg3(h, (1, 1), "same", f"normal_left3_{block_id}")
            x3 = layers.add([x3, p], name=f"normal_add_3_{block_id}")
        with backend.name_scope("block_4"):
            x4_1 = _avg3(p, (1, 1), "same", f"normal_left4_{block_id}")
            x4_2 = _avg3(p, (1, 1), "same", f"normal_right4_{block_id}")
            x4 = layers.add([x4_1, x4_2], name=f"normal_add_4_{block_id}")
        with backend.name_scope("block_5"):
            x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
            x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")
        x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=_channel_dim(),
                               name=f"normal_concat_{block_id}")
    return x, ip


def _avg3(x, strides, padding, name):
    return layers.AveragePooling2D((3, 3), strides=strides, padding=padding, name=name)(x)


def _max3(x, name):
    return layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid", name=name)(x)


def _reduction_a_cell(ip, p, filters, block_id=None):
    """NASNet-A's reduction cell (Fig. 4 of the paper): stride-2 separable convolutions
    and 3x3 poolings of h and p summed in pairs, four sums concatenated. Returns
    (output, ip)."""
    with backend.name_scope(f"reduction_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = layers.Activation("relu")(ip)
        h = _bn(_conv1x1(h, filters, f"reduction_conv_1_{block_id}"),
                f"reduction_bn_1_{block_id}")
        h3 = layers.ZeroPadding2D(padding=_base.correct_pad(h, 3),
                                  name=f"reduction_pad_1_{block_id}")(h)
        with backend.name_scope("block_1"):
            x1_1 = _separable_conv_block(h, filters, (5, 5), strides=(2, 2),
                                         block_id=f"reduction_left1_{block_id}")
            x1_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                         block_id=f"reduction_right1_{block_id}")
            x1 = layers.add([x1_1, x1_2], name=f"reduction_add_1_{block_id}")
        with backend.name_scope("block_2"):
            x2_1 = _max3(h3, f"reduction_left2_{block_id}")
            x2_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                         block_id=f"reduction_right2_{block_id}")
            x2 = layers.add([x2_1, x2_2], name=f"reduction_add_2_{block_id}")
        with backend.name_scope("block_3"):
            x3_1 = _avg3(h3, (2, 2), "valid", f"reduction_left3_{block_id}")
            x3_2 = _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                         block_id=f"reduction_right3_{block_id}")
            x3 = layers.add([x3_1, x3_2], name=f"reduction_add3_{block_id}")
        with backend.name_scope("block_4"):
            x4 = _avg3(x1, (1, 1), "same", f"reduction_left4_{block_id}")
            x4 = layers.add([x2, x4])
        with backend.name_scope("block_5"):
            x5_1 = _separable_conv_block(x1, filters, (3, 3),
                                         block_id=f"reduction_left4_{block_id}")
            x5_2 = _max3(h3, f"reduction_right5_{block_id}")
            x5 = layers.add([x5_1, x5_2], name=f"reduction_add4_{block_id}")
        x = layers.concatenate([x2, x3, x4, x5], axis=_channel_dim(),
                               name=f"reduction_concat_{block_id}")
    return x, ip


preprocess_input, decode_predictions = imagenet_utils.module_functions("nasnet", "tf")
