"""gc.keras.experimental (TF 1.x's tf.keras.experimental): SequenceFeatures, the layer
that turns sequence feature columns into a padded [batch, steps, features] tensor and the
sequence lengths (graphc/feature_column_sequence.py); the premade LinearModel and
WideDeepModel (linear_models.py); CosineDecay and CosineDecayRestarts, the learning rate
schedules of gc.keras.optimizers.schedules.

    model = gc.keras.experimental.LinearModel(units=1)
"""
from ..feature_column_sequence import SequenceFeatures
from .linear_models import LinearModel, WideDeepModel
from .optimizer_schedules import CosineDecay, CosineDecayRestarts

__all__ = ["SequenceFeatures", "LinearModel", "WideDeepModel", "CosineDecay",
           "CosineDecayRestarts"]
