"""tf.keras.applications.resnet50: ResNet50 and its preprocessing (resnet's).

    model = gc.keras.applications.resnet50.ResNet50(weights=None, include_top=False)
"""
from .resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "preprocess_input", "decode_predictions"]
