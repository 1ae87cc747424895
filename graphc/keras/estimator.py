"""gc.keras.estimator: tf.keras.estimator's model_to_estimator (written in
graphc/estimator/keras_estimator.py).

    est = gc.keras.estimator.model_to_estimator(keras_model=model, model_dir="m")
"""
from ..estimator.keras_estimator import model_to_estimator

__all__ = ["model_to_estimator"]
