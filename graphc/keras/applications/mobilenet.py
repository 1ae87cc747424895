"""tf.keras.applications.mobilenet: MobileNet (Howard et al., 2017) with width
multiplier alpha and depth_multiplier, tf_keras' layers, names and weights ("tf"
preprocessing).

    model = gc.keras.applications.mobilenet.MobileNet(
        input_shape=(128, 128, 3), alpha=0.25, weights=None)
"""
import logging

from .. import backend, layers
from . import _base, imagenet_utils

__all__ = ["MobileNet", "preprocess_input", "decode_predictions"]

_SIZES = (128, 160, 192, 224)
_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
# (pointwise filters, strides) of the 13 depthwise-separable blocks
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def _rows_cols(input_shape):
    if backend.image_data_format() == "channels_first":
        return input_shape[1], input_shape[2]
    return input_shape[0], input_shape[1]


def square_default_size(input_shape, sizes):
    """The default size: input_shape's rows when square and one of `sizes`, else 224."""
    if input_shape is None:
        return 224
    rows, cols = _rows_cols(input_shape)
    return rows if rows == cols and rows in sizes else 224


def weights_rows(weights, rows, cols, sizes):
    """The input size of the ImageNet weights to load (224 when rows/cols have none)."""
    if weights == "imagenet" and (rows != cols or rows not in sizes):
        logging.warning("`input_shape` is undefined or non-square, or `rows` is not in "
                        "[%s]. Weights for input shape (224, 224) will be loaded as the "
                        "default.", ", ".join(str(s) for s in sizes))
        return 224
    return rows


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3,
              include_top=True, weights="imagenet", input_tensor=None, pooling=None,
              classes=1000, classifier_activation="softmax", **kwargs):
    """tf.keras.applications.MobileNet: a 3x3/2 convolution then 13 depthwise-separable
    blocks (ReLU6), alpha scaling every width; the top is global pooling, dropout, a
    1x1 convolution `conv_preds` and the activation `predictions`.

        model = gc.keras.applications.MobileNet(alpha=0.5, weights=None, classes=10)
    """
    _base.check_kwargs(kwargs)
    _base.check_weights(weights, include_top, classes)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=square_default_size(input_shape, _SIZES), min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top,
        weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(f"If imagenet weights are being loaded, depth multiplier "
                             f"must be 1.  Received depth_multiplier={depth_multiplier}")
        if alpha not in [0.25, 0.5, 0.75, 1.0]:
            raise ValueError(f"If imagenet weights are being loaded, alpha can be one "
                             f"of`0.25`, `0.50`, `0.75` or `1.0` only.  Received "
                             f"alpha={alpha}")
    rows = weights_rows(weights, rows, cols, _SIZES)
    img_input = _base.image_input(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(_BLOCKS, 1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier,
                                  strides=(stride, stride), block_id=block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        _base.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _base.pool(x, pooling)
    model = _base.make_model(input_tensor, img_input, x, f"mobilenet_{alpha:0.2f}_{rows}")
    fname = None
    if weights == "imagenet":
        fname = (f"mobilenet_{_ALPHA_TEXT.get(alpha, '2_5')}_{rows}_tf"
                 f"{'' if include_top else '_no_top'}.h5")
    return _base.load_weights(model, weights, fname, f"{_base.BASE_URL}mobilenet/{fname}")


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    """conv1 (no bias), conv1_bn, conv1_relu (ReLU6)."""
    x = layers.Conv2D(int(filters * alpha), kernel, padding="same", use_bias=False,
                      strides=strides, name="conv1")(inputs)
    x = layers.BatchNormalization(axis=_channel(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _channel():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _depthwise_conv_block(inputs, pointwise_filters, alpha, depth_multiplier=1,
                          strides=(1, 1), block_id=1):
    """A 3x3 depthwise convolution (padded on the bottom/right before a stride 2) and a
    1x1 pointwise one, each with batch norm and ReLU6."""
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides,
                               use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_channel(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(pointwise_filters * alpha), (1, 1), padding="same",
                      use_bias=False, strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_channel(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


preprocess_input, decode_predictions = imagenet_utils.module_functions("mobilenet", "tf")
