"""tf.keras.applications.vgg16: VGG16 (Simonyan & Zisserman, 2014), tf_keras' layers,
names and weights ("caffe" preprocessing).

    model = gc.keras.applications.vgg16.VGG16(weights=None, input_shape=(64, 64, 3),
                                              include_top=False, pooling="avg")
"""
from .. import layers
from . import _base, imagenet_utils

__all__ = ["VGG16", "preprocess_input", "decode_predictions"]

_HASHES = {"vgg16": ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
           "vgg19": ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6")}


def vgg(convs, name, include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation):
    """A VGG net: five blocks of convs[i] 3x3 relu convolutions (64, 128, 256, 512, 512
    filters) each closed by a 2x2 max pooling; the top is flatten, fc1, fc2 (4096 relu
    units each) and predictions."""
    _base.check_weights(weights, include_top, classes)
    input_shape = _base.obtain_input_shape(
        input_shape, default_size=224, min_size=32,
        data_format=_base.backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _base.image_input(input_tensor, input_shape)
    x = img_input
    for block, (count, filters) in enumerate(zip(convs, (64, 128, 256, 512, 512)), 1):
        for i in range(1, count + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        _base.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _base.pool(x, pooling)
    model = _base.make_model(input_tensor, img_input, x, name)
    fname = f"{name}_weights_tf_dim_ordering_tf_kernels{'' if include_top else '_notop'}.h5"
    return _base.load_weights(model, weights, fname, f"{_base.BASE_URL}{name}/{fname}",
                              _HASHES[name][0 if include_top else 1])


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.VGG16: 13 convolutions and 3 dense layers (default input
    224x224x3, at least 32x32 without the top).

        model = gc.keras.applications.VGG16(weights=None, classes=10)
    """
    return vgg((2, 2, 3, 3, 3), "vgg16", include_top, weights, input_tensor, input_shape,
               pooling, classes, classifier_activation)


preprocess_input, decode_predictions = imagenet_utils.module_functions("vgg16", "caffe")
