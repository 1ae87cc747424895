"""TF1 tf.train: optimizers (being written)."""
