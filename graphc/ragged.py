"""gc.ragged: TF's tf.ragged namespace."""
__all__ = []
