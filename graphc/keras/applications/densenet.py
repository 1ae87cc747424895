"""tf.keras.applications.densenet: DenseNet121, DenseNet169, DenseNet201 (Huang et
al., 2016), tf_keras' layers, names and weights ("torch" preprocessing).

    model = gc.keras.applications.densenet.DenseNet121(weights=None, include_top=False,
                                                       input_shape=(32, 32, 3))
"""
from .. import backend, layers
from . import _base, imagenet_utils

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "preprocess_input",
           "decode_predictions"]

_EPS = 1.001e-5
_NAMES = {(6, 12, 24, 16): "densenet121", (6, 12, 32, 32): "densenet169",
          (6, 12, 48, 32): "densenet201"}
_HASHES = {
    "densenet121": ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    "densenet169": ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    "densenet201": ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}


def _bn(x, name):
    return layers.BatchNormalization(axis=_base.channel_axis(), epsilon=_EPS, name=name)(x)


def dense_block(x, blocks, name):
    """`blocks` conv_blocks, each adding 32 channels."""
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """Batch norm, relu, a 1x1 convolution to `reduction` of the channels, 2x2 average
    pooling."""
    x = _bn(x, name + "_bn")
    x = layers.Activation("relu", name=name + "_relu")(x)
    channels = backend.int_shape(x)[_base.channel_axis()]
    x = layers.Conv2D(int(channels * reduction), 1, use_bias=False, name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def conv_block(x, growth_rate, name):
    """BN-relu-1x1 conv (4 * growth_rate) then BN-relu-3x3 conv (growth_rate),
    concatenated to the input."""
    x1 = _bn(x, name + "_0_bn")
    x1 = layers.Activation("relu", name=name + "_0_relu")(x1)
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(x1)
    x1 = _bn(x1, name + "_1_bn")
    x1 = layers.Activation("relu", name=name + "_1_relu")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False,
                       name=name + "_2_conv")(x1)
    return layers.Concatenate(axis=_base.channel_axis(), name=name + "_concat")([x, x1])


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """A DenseNet with len(blocks) == 4 dense blocks of blocks[i] conv_blocks, joined
    by transition blocks (default input 224x224x3, at least 32x32)."""
    _base.check_weights(weights, include_top, classes)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _base.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1/conv")(x)
    x = _bn(x, "conv1/bn")
    x = layers.Activation("relu", name="conv1/relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, count in enumerate(blocks):
        x = dense_block(x, count, name=f"conv{i + 2}")
        if i < 3:
            x = transition_block(x, 0.5, name=f"pool{i + 2}")
    x = _bn(x, "bn")
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = _base.classifier(x, classes, classifier_activation, weights)
    else:
        x = _base.pool(x, pooling, "avg_pool", "max_pool")
    name = _NAMES.get(tuple(blocks), "densenet")
    model = _base.make_model(input_tensor, img_input, x, name)
    fname = f"{name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    file_hash = _HASHES.get(name, ("", ""))[0 if include_top else 1]
    return _base.load_weights(model, weights, fname,
                              f"{_base.BASE_URL}densenet/{fname}", file_hash)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.DenseNet121 (dense blocks of 6, 12, 24, 16 layers).

        model = gc.keras.applications.DenseNet121(weights=None, classes=10)
    """
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.DenseNet169 (dense blocks of 6, 12, 32, 32 layers).

        model = gc.keras.applications.DenseNet169(weights=None, include_top=False)
    """
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.DenseNet201 (dense blocks of 6, 12, 48, 32 layers).

        model = gc.keras.applications.DenseNet201(weights=None, include_top=False)
    """
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape,
                    pooling, classes, classifier_activation)


preprocess_input, decode_predictions = imagenet_utils.module_functions("densenet", "torch")
