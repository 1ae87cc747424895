"""tf.keras.applications.resnet_v2: ResNet50V2, ResNet101V2, ResNet152V2 (He et al.,
2016: pre-activation blocks), tf_keras' layers, names and weights ("tf" preprocessing).

    model = gc.keras.applications.resnet_v2.ResNet50V2(weights=None, include_top=False)
"""
from . import imagenet_utils
from .resnet import ResNet, stack2

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "preprocess_input",
           "decode_predictions"]


def _v2_stacks(depths):
    """stack_fn of a ResNet v2: stages conv2..conv5; conv5 keeps its resolution."""
    def stack_fn(x):
        for i, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths)):
            x = stack2(x, filters, blocks, stride1=1 if i == 3 else 2, name=f"conv{i + 2}")
        return x
    return stack_fn


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.ResNet50V2 (stages of 3, 4, 6, 3 blocks; default input
    224x224x3, at least 32x32).

        model = gc.keras.applications.ResNet50V2(weights=None, classes=10)
    """
    return ResNet(_v2_stacks((3, 4, 6, 3)), True, True, "resnet50v2", include_top,
                  weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation=classifier_activation)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.ResNet101V2 (stages of 3, 4, 23, 3 blocks).

        model = gc.keras.applications.ResNet101V2(weights=None, include_top=False)
    """
    return ResNet(_v2_stacks((3, 4, 23, 3)), True, True, "resnet101v2", include_top,
                  weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation=classifier_activation)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax"):
    """tf.keras.applications.ResNet152V2 (stages of 3, 8, 36, 3 blocks).

        model = gc.keras.applications.ResNet152V2(weights=None, include_top=False)
    """
    return ResNet(_v2_stacks((3, 8, 36, 3)), True, True, "resnet152v2", include_top,
                  weights, input_tensor, input_shape, pooling, classes,
                  classifier_activation=classifier_activation)


preprocess_input, decode_predictions = imagenet_utils.module_functions("resnet_v2", "tf")
