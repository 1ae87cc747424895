"""gc.estimator: TF1's tf.estimator."""
__all__ = []
