"""gc.distributions: TF1's tf.distributions."""
__all__ = []
