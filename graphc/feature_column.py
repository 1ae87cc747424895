"""gc.feature_column: TF1's tf.feature_column."""
__all__ = []
