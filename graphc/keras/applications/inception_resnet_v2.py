"""tf.keras.applications.inception_resnet_v2: InceptionResNetV2 (Szegedy et al.,
2016), tf_keras' layers, names and weights ("tf" preprocessing).

    model = gc.keras.applications.inception_resnet_v2.InceptionResNetV2(
        weights=None, include_top=False, input_shape=(75, 75, 3))
"""
import graphc as gc
from .. import backend, layers
from ..engine import Layer
from . import _base, imagenet_utils

__all__ = ["InceptionResNetV2", "CustomScaleLayer", "preprocess_input",
           "decode_predictions"]

BASE_WEIGHT_URL = _base.BASE_URL + "inception_resnet_v2/"
_FILES = {True: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
                 "e693bd0210a403b3192acc6073ad2e96"),
          False: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                  "d19885ff4a710c122648d3b5c3b684e4")}


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):
    """Conv2D, then (without a bias) BatchNormalization without scale ("<name>_bn"),
    then the activation ("<name>_ac")."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_axis(), scale=False,
                                      name=None if name is None else name + "_bn")(x)
    if activation is not None:
        x = layers.Activation(activation,
                              name=None if name is None else name + "_ac")(x)
    return x


class CustomScaleLayer(Layer):
    """inputs[0] + inputs[1] * scale: a residual added with a scale.

        x = CustomScaleLayer(0.17)([shortcut, residual])
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale

    def _config(self):
        return {"scale": self.scale}


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """An Inception-ResNet block ("block35", "block17" or "block8"): its branches
    concatenated ("<type>_<idx>_mixed"), a 1x1 convolution with bias back to the
    input's channels ("_conv"), added with `scale`, then the activation ("_ac")."""
    if block_type == "block35":
        branch_0 = conv2d_bn(x, 32, 1)
        branch_1 = conv2d_bn(conv2d_bn(x, 32, 1), 32, 3)
        branch_2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3)
        branches = [branch_0, branch_1, branch_2]
    elif block_type == "block17":
        branch_0 = conv2d_bn(x, 192, 1)
        branch_1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7]), 192, [7, 1])
        branches = [branch_0, branch_1]
    elif block_type == "block8":
        branch_0 = conv2d_bn(x, 192, 1)
        branch_1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3]), 256, [3, 1])
        branches = [branch_0, branch_1]
    else:
        raise ValueError(f'Unknown Inception-ResNet block type. Expects "block35", '
                         f'"block17" or "block8", but got: {block_type}')
    block_name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=_axis(), name=block_name + "_mixed")(branches)
    up = conv2d_bn(mixed, backend.int_shape(x)[_axis()], 1, activation=None,
                   use_bias=True, name=block_name + "_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=block_name + "_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None,
                      input_shape=None, pooling=None, classes=1000,
                      classifier_activation="softmax", **kwargs):
    """tf.keras.applications.InceptionResNetV2: the Inception stem, mixed_5b, 10
    block35, mixed_6a, 20 block17, mixed_7a, 10 block8 (the last one linear) and
    conv_7b (default input 299x299x3, at least 75x75).

        model = gc.keras.applications.InceptionResNetV2(weights=None, classes=10)
    """
    _base.check_kwargs(kwargs)
    _base.check_weights(weights, include_top, classes, received=False)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=299, min_size=75,
        data_format=backend.image_data_format(), require_flatten=include_top,
        weights=weights)
    img_input = _base.image_input(input_tensor, input_shape)
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    branch_0 = conv2d_bn(x, 96, 1)
    branch_1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    branch_2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    branch_pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    branch_pool = conv2d_bn(branch_pool, 64, 1)
    x = layers.Concatenate(axis=_axis(), name="mixed_5b")(
        [branch_0, branch_1, branch_2, branch_pool])
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35",
                                   block_idx=block_idx)
    branch_0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2,
                         padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=_axis(), name="mixed_6a")([branch_0, branch_1,
                                                           branch_pool])
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17",
                                   block_idx=block_idx)
    branch_0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    branch_2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2,
                         padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=_axis(), name="mixed_7a")(
        [branch_0, branch_1, branch_2, branch_pool])
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8",
                                   block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8",
                               block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    if include_top:
        x = _base.classifier(x, classes, classifier_activation, weights)
    else:
        x = _base.pool(x, pooling)
    model = _base.make_model(input_tensor, img_input, x, "inception_resnet_v2")
    fname, file_hash = _FILES[bool(include_top)]
    return _base.load_weights(model, weights, fname, BASE_WEIGHT_URL + fname, file_hash)


preprocess_input, decode_predictions = imagenet_utils.module_functions("inception_resnet_v2", "tf")
