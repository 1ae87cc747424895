"""gc.keras.applications (tf.keras.applications): the classic ImageNet models with
tf_keras' architectures (layer names and order, weight names, shapes and order), so
that weights move between the two by set_weights or an HDF5 file; weights="imagenet"
downloads tf_keras' files (the same URLs, names and hashes) with get_file. Each module
has the model functions, preprocess_input and decode_predictions.

    model = gc.keras.applications.ResNet50(weights=None, include_top=False,
                                           input_shape=(64, 64, 3), pooling="avg")
"""
from . import (densenet, efficientnet, efficientnet_v2, imagenet_utils, inception_resnet_v2,
               inception_v3, mobilenet, mobilenet_v2, mobilenet_v3, nasnet, resnet, resnet50,
               resnet_v2, vgg16, vgg19, xception)
from .densenet import DenseNet121, DenseNet169, DenseNet201
from .efficientnet import (EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3,
                           EfficientNetB4, EfficientNetB5, EfficientNetB6, EfficientNetB7)
from .efficientnet_v2 import (EfficientNetV2B0, EfficientNetV2B1, EfficientNetV2B2,
                              EfficientNetV2B3, EfficientNetV2L, EfficientNetV2M,
                              EfficientNetV2S)
from .inception_resnet_v2 import InceptionResNetV2
from .inception_v3 import InceptionV3
from .mobilenet import MobileNet
from .mobilenet_v2 import MobileNetV2
from .mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from .nasnet import NASNetLarge, NASNetMobile
from .resnet import ResNet50, ResNet101, ResNet152
from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from .vgg16 import VGG16
from .vgg19 import VGG19
from .xception import Xception

__all__ = ["densenet", "efficientnet", "efficientnet_v2", "imagenet_utils",
           "inception_resnet_v2", "inception_v3", "mobilenet", "mobilenet_v2",
           "mobilenet_v3", "nasnet", "resnet", "resnet50", "resnet_v2", "vgg16", "vgg19",
           "xception", "DenseNet121", "DenseNet169", "DenseNet201", "EfficientNetB0",
           "EfficientNetB1", "EfficientNetB2", "EfficientNetB3", "EfficientNetB4",
           "EfficientNetB5", "EfficientNetB6", "EfficientNetB7", "EfficientNetV2B0",
           "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3", "EfficientNetV2S",
           "EfficientNetV2M", "EfficientNetV2L", "InceptionResNetV2", "InceptionV3",
           "MobileNet", "MobileNetV2", "MobileNetV3Large", "MobileNetV3Small",
           "NASNetLarge", "NASNetMobile", "ResNet50", "ResNet101", "ResNet152",
           "ResNet50V2", "ResNet101V2", "ResNet152V2", "VGG16", "VGG19", "Xception"]
