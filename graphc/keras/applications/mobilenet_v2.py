"""tf.keras.applications.mobilenet_v2: MobileNetV2 (Sandler et al., 2018), inverted
residual blocks with linear bottlenecks, tf_keras' layers, names and weights ("tf"
preprocessing).

    model = gc.keras.applications.mobilenet_v2.MobileNetV2(
        input_shape=(96, 96, 3), alpha=0.35, weights=None)
"""
from .. import backend, layers
from . import _base, imagenet_utils
from .mobilenet import square_default_size, weights_rows

__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]

_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of the 17 inverted residual blocks
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _make_divisible(v, divisor, min_value=None):
    """v rounded to a multiple of divisor (at least min_value), never below 0.9 v."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _check_input_tensor(input_tensor, input_shape):
    """tf_keras' checks of an input_tensor given with an input_shape: a Keras tensor
    whose columns equal input_shape[1]."""
    if not backend.is_keras_tensor(input_tensor):
        raise ValueError(f"input_tensor is not a TF-Keras tensor; Received "
                         f"`input_tensor={input_tensor}`")
    shape = backend.int_shape(input_tensor)
    if backend.image_data_format() == "channels_first":
        if shape[1] != input_shape[1]:
            raise ValueError(f"input_shape[1] must equal shape(input_tensor)[1] when "
                             f"`image_data_format` is `channels_first`; Received "
                             f"`input_tensor.shape={input_tensor.shape}`, "
                             f"`input_shape={input_shape}`")
    elif shape[2] != input_shape[1]:
        raise ValueError(f"input_tensor.shape[2] must equal input_shape[1]; Received "
                         f"`input_tensor.shape={input_tensor.shape}`, "
                         f"`input_shape={input_shape}`")


def _default_size(input_tensor, input_shape):
    """The default size from input_shape, else from a Keras input_tensor's shape."""
    if input_shape is None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            return 224
        shape = backend.int_shape(input_tensor)
        first = 2 if backend.image_data_format() == "channels_first" else 1
        rows, cols = shape[first], shape[first + 1]
        return rows if rows == cols and rows in _SIZES else 224
    return square_default_size(input_shape, _SIZES)


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000,
                classifier_activation="softmax", **kwargs):
    """tf.keras.applications.MobileNetV2: Conv1 (3x3/2), 17 inverted residual blocks,
    Conv_1 (1x1 to 1280, more for alpha > 1), ReLU6 activations; the top is global
    average pooling and `predictions`.

        model = gc.keras.applications.MobileNetV2(alpha=0.5, weights=None, classes=10)
    """
    _base.check_kwargs(kwargs)
    _base.check_weights(weights, include_top, classes)
    if input_shape is not None and input_tensor is not None:
        _check_input_tensor(input_tensor, input_shape)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=_default_size(input_tensor, input_shape), min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top,
        weights=weights)
    first = 0 if backend.image_data_format() == "channels_last" else 1
    rows, cols = input_shape[first], input_shape[first + 1]
    if weights == "imagenet" and alpha not in [0.35, 0.5, 0.75, 1.0, 1.3, 1.4]:
        raise ValueError(f"If imagenet weights are being loaded, alpha must be one of "
                         f"`0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received "
                         f"`alpha={alpha}`")
    rows = weights_rows(weights, rows, cols, _SIZES)
    img_input = _base.image_input(input_tensor, input_shape)
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                      padding="same", use_bias=False, name="Conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                  name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                  name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = _base.classifier(x, classes, classifier_activation, weights, pool_name=None)
    else:
        x = _base.pool(x, pooling)
    model = _base.make_model(input_tensor, img_input, x, f"mobilenetv2_{alpha:0.2f}_{rows}")
    fname = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
             f"{'' if include_top else '_no_top'}.h5")
    return _base.load_weights(model, weights, fname, f"{_base.BASE_URL}mobilenet_v2/{fname}")


def _bn(x, name):
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)(x)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """A 1x1 expansion (not in block 0), a 3x3 depthwise convolution and a linear 1x1
    projection; added to the input when the shapes allow."""
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    in_channels = backend.int_shape(inputs)[axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same",
                          use_bias=False, activation=None, name=prefix + "expand")(x)
        x = _bn(x, prefix + "expand_BN")
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_base.correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None,
                               use_bias=False, padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = _bn(x, prefix + "depthwise_BN")
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                      activation=None, name=prefix + "project")(x)
    x = _bn(x, prefix + "project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


preprocess_input, decode_predictions = imagenet_utils.module_functions("mobilenet_v2", "tf")
