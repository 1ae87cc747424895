"""tf.keras.applications.vgg19: VGG19 (Simonyan & Zisserman, 2014), tf_keras' layers,
names and weights ("caffe" preprocessing).

    model = gc.keras.applications.vgg19.VGG19(weights=None, include_top=False)
"""
from .vgg16 import decode_predictions, preprocess_input, vgg

__all__ = ["VGG19", "preprocess_input", "decode_predictions"]


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.VGG19: 16 convolutions and 3 dense layers (default input
    224x224x3, at least 32x32 without the top).

        model = gc.keras.applications.VGG19(weights=None, classes=10)
    """
    return vgg((2, 2, 4, 4, 4), "vgg19", include_top, weights, input_tensor, input_shape,
               pooling, classes, classifier_activation)
