"""gc.contrib: the parts of TF 1.x's tf.contrib that TF1 model code used most, as
tf-slim keeps them (tf.contrib.layers, tf.contrib.framework, tf.contrib.slim) and
tf.contrib.rnn's cell names and tf.contrib.crf. See docs/contrib.md."""
from . import crf, framework, layers, rnn, slim  # noqa: F401

__all__ = ["crf", "framework", "layers", "rnn", "slim"]
