"""gc.contrib: the parts of TF 1.x's tf.contrib that TF1 model code used most, as
tf-slim keeps them (tf.contrib.layers, tf.contrib.framework, tf.contrib.slim) and
tf.contrib.rnn's cells, tf.contrib.crf, tf.contrib.seq2seq, tf.contrib.image,
tf.contrib.training's HParams and tf.contrib.opt's optimizers. See docs/contrib.md."""
from . import crf, framework, image, layers, opt, rnn, seq2seq, slim, training  # noqa: F401

__all__ = ["crf", "framework", "image", "layers", "opt", "rnn", "seq2seq", "slim",
           "training"]
