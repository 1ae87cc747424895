"""tf.keras.applications.xception: Xception (Chollet, 2016), depthwise-separable
convolutions with residual connections, tf_keras' layers, names (automatic ones
included) and weights ("tf" preprocessing).

    model = gc.keras.applications.xception.Xception(weights=None, include_top=False,
                                                    input_shape=(71, 71, 3))
"""
from .. import backend, layers
from . import _base, imagenet_utils

__all__ = ["Xception", "preprocess_input", "decode_predictions"]

_HASHES = ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")


def _axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _sep_bn(x, filters, name):
    """A 3x3 "same" separable convolution without bias and its batch norm."""
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=_axis(), name=name + "_bn")(x)


def _residual(x, filters):
    """The 1x1/2 projection (with batch norm) of an entry or exit block's input."""
    r = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=_axis())(r)


def _down_block(x, block, filters1, filters2, first_relu=True):
    """Two separable convolutions (relu before each; not before the first in block 2),
    a 3x3/2 max pooling, added to the projected input."""
    residual = _residual(x, filters2)
    prefix = f"block{block}"
    if first_relu:
        x = layers.Activation("relu", name=prefix + "_sepconv1_act")(x)
    x = _sep_bn(x, filters1, prefix + "_sepconv1")
    x = layers.Activation("relu", name=prefix + "_sepconv2_act")(x)
    x = _sep_bn(x, filters2, prefix + "_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=prefix + "_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.Xception: entry flow (blocks 1-4), middle flow (blocks
    5-12 of three separable convolutions), exit flow (13-14); default input 299x299x3,
    at least 71x71.

        model = gc.keras.applications.Xception(weights=None, classes=10)
    """
    _base.check_weights(weights, include_top, classes)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _base.image_input(input_tensor, input_shape)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False,
                      name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=_axis(), name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=_axis(), name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _down_block(x, 2, 128, 128, first_relu=False)
    x = _down_block(x, 3, 256, 256)
    x = _down_block(x, 4, 728, 728)
    for i in range(8):
        residual, prefix = x, f"block{i + 5}"
        for j in range(1, 4):
            x = layers.Activation("relu", name=f"{prefix}_sepconv{j}_act")(x)
            x = _sep_bn(x, 728, f"{prefix}_sepconv{j}")
        x = layers.add([x, residual])
    x = _down_block(x, 13, 728, 1024)
    x = _sep_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sep_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    if include_top:
        x = _base.classifier(x, classes, classifier_activation, weights)
    else:
        x = _base.pool(x, pooling)
    model = _base.make_model(input_tensor, img_input, x, "xception")
    fname = f"xception_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return _base.load_weights(model, weights, fname, f"{_base.BASE_URL}xception/{fname}",
                              _HASHES[0 if include_top else 1])


preprocess_input, decode_predictions = imagenet_utils.module_functions("xception", "tf")
