"""gc.contrib: the parts of TF 1.x's tf.contrib that TF1 model code used most, as
tf-slim keeps them (tf.contrib.layers, tf.contrib.framework, tf.contrib.slim) and
tf.contrib.rnn's cells, tf.contrib.crf, tf.contrib.seq2seq, tf.contrib.legacy_seq2seq,
tf.contrib.image, tf.contrib.summary, tf.contrib.predictor, tf.contrib.metrics,
tf.contrib.losses, tf.contrib.data, tf.contrib.util, tf.contrib.cudnn_rnn (on the CPU),
tf.contrib.training's HParams and tf.contrib.opt's optimizers. See docs/contrib.md."""
from . import (crf, cudnn_rnn, data, framework, image, layers,  # noqa: F401
               legacy_seq2seq, losses, metrics, opt, predictor, rnn, seq2seq, slim,
               summary, training, util)

__all__ = ["crf", "cudnn_rnn", "data", "framework", "image", "layers", "legacy_seq2seq",
           "losses", "metrics", "opt", "predictor", "rnn", "seq2seq", "slim", "summary",
           "training", "util"]
