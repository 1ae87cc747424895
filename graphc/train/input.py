"""TF1's queue-based input pipelines: tf.train.batch, shuffle_batch, the input producers."""
__all__ = []
