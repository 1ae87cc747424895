"""gc.keras.experimental (TF 1.15's tf.keras.experimental): SequenceFeatures, the layer
that turns sequence feature columns into a padded [batch, steps, features] tensor and the
sequence lengths (graphc/feature_column_sequence.py)."""
from ..feature_column_sequence import SequenceFeatures

__all__ = ["SequenceFeatures"]
