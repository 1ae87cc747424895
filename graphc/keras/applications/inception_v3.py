"""tf.keras.applications.inception_v3: InceptionV3 (Szegedy et al., 2015), tf_keras'
layers, names (automatic ones included) and weights ("tf" preprocessing).

    model = gc.keras.applications.inception_v3.InceptionV3(
        weights=None, include_top=False, input_shape=(75, 75, 3))
"""
from .. import backend, layers
from . import _base, imagenet_utils

__all__ = ["InceptionV3", "preprocess_input", "decode_predictions"]

_URL = _base.BASE_URL + "inception_v3/"
_HASHES = ("9a0d58056eeedaa3f26cb7ebd46da564", "bcbd6486424b2319ff4ef7d526e38f63")


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """A convolution without bias, a batch norm without scale, relu (named name_conv,
    name_bn, name when name is given)."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=None if name is None else name + "_conv")(x)
    x = layers.BatchNormalization(axis=_base.channel_axis(), scale=False,
                                  name=None if name is None else name + "_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    branch = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(branch, filters, 1, 1)


def _chain(x, specs):
    """conv2d_bn applied in turn for each (filters, rows, cols)."""
    for filters, rows, cols in specs:
        x = conv2d_bn(x, filters, rows, cols)
    return x


def _block_35(x, pool_filters, name):
    """mixed0..2: 1x1, 5x5, double 3x3 and average-pooled branches."""
    branches = [_chain(x, [(64, 1, 1)]),
                _chain(x, [(48, 1, 1), (64, 5, 5)]),
                _chain(x, [(64, 1, 1), (96, 3, 3), (96, 3, 3)]),
                _avg_branch(x, pool_filters)]
    return layers.concatenate(branches, axis=_base.channel_axis(), name=name)


def _block_17(x, width, name):
    """mixed4..7: 1x1, factorized 7x7, double factorized 7x7 and pooled branches."""
    branches = [_chain(x, [(192, 1, 1)]),
                _chain(x, [(width, 1, 1), (width, 1, 7), (192, 7, 1)]),
                _chain(x, [(width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1),
                           (192, 1, 7)]),
                _avg_branch(x, 192)]
    return layers.concatenate(branches, axis=_base.channel_axis(), name=name)


def _block_8(x, i):
    """mixed9/10: 1x1, split 3x3, double split 3x3 and pooled branches."""
    axis = _base.channel_axis()
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = layers.concatenate([conv2d_bn(branch3x3, 384, 1, 3),
                                    conv2d_bn(branch3x3, 384, 3, 1)],
                                   axis=axis, name=f"mixed9_{i}")
    dbl = _chain(x, [(448, 1, 1), (384, 3, 3)])
    dbl = layers.concatenate([conv2d_bn(dbl, 384, 1, 3), conv2d_bn(dbl, 384, 3, 1)],
                             axis=axis)
    return layers.concatenate([branch1x1, branch3x3, dbl, _avg_branch(x, 192)],
                              axis=axis, name=f"mixed{9 + i}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None,
                input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax"):
    """tf.keras.applications.InceptionV3 (default input 299x299x3, at least 75x75).

        model = gc.keras.applications.InceptionV3(weights=None, classes=10)
    """
    _base.check_weights(weights, include_top, classes)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _base.image_input(input_tensor, input_shape)
    axis = _base.channel_axis()
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = _block_35(x, pool_filters, f"mixed{i}")
    # mixed3: reduction to 17x17
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    dbl = _chain(x, [(64, 1, 1), (96, 3, 3)])
    dbl = conv2d_bn(dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    pooled = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([branch3x3, dbl, pooled], axis=axis, name="mixed3")
    for i, width in enumerate((128, 160, 160, 192)):
        x = _block_17(x, width, f"mixed{4 + i}")
    # mixed8: reduction to 8x8
    branch3x3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2),
                          padding="valid")
    branch7x7x3 = _chain(x, [(192, 1, 1), (192, 1, 7), (192, 7, 1)])
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    pooled = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([branch3x3, branch7x7x3, pooled], axis=axis, name="mixed8")
    for i in range(2):
        x = _block_8(x, i)
    if include_top:
        x = _base.classifier(x, classes, classifier_activation, weights)
    else:
        x = _base.pool(x, pooling)
    model = _base.make_model(input_tensor, img_input, x, "inception_v3")
    fname = (f"inception_v3_weights_tf_dim_ordering_tf_kernels"
             f"{'' if include_top else '_notop'}.h5")
    return _base.load_weights(model, weights, fname, _URL + fname,
                              _HASHES[0 if include_top else 1])


preprocess_input, decode_predictions = imagenet_utils.module_functions("inception_v3", "tf")
