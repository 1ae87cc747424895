"""gc.contrib: the parts of TF 1.x's tf.contrib that TF1 model code used most, as
tf-slim keeps them (tf.contrib.layers, tf.contrib.framework, tf.contrib.slim) and
tf.contrib.rnn's cells, tf.contrib.crf, tf.contrib.seq2seq, tf.contrib.legacy_seq2seq,
tf.contrib.image, tf.contrib.summary, tf.contrib.predictor, tf.contrib.metrics,
tf.contrib.losses, tf.contrib.training's HParams and tf.contrib.opt's optimizers. See
docs/contrib.md."""
from . import (crf, framework, image, layers, legacy_seq2seq, losses,  # noqa: F401
               metrics, opt, predictor, rnn, seq2seq, slim, summary, training)

__all__ = ["crf", "framework", "image", "layers", "legacy_seq2seq", "losses", "metrics",
           "opt", "predictor", "rnn", "seq2seq", "slim", "summary", "training"]
