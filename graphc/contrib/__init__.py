"""gc.contrib: the parts of TF 1.x's tf.contrib that TF1 model code used most, as
tf-slim keeps them (tf.contrib.layers, tf.contrib.framework, tf.contrib.slim) and
tf.contrib.rnn's cells, tf.contrib.crf, tf.contrib.seq2seq, tf.contrib.legacy_seq2seq,
tf.contrib.image, tf.contrib.summary, tf.contrib.predictor, tf.contrib.metrics,
tf.contrib.losses, tf.contrib.data, tf.contrib.distributions (with its bijectors),
tf.contrib.integrate, tf.contrib.lookup,
tf.contrib.nn, tf.contrib.signal, tf.contrib.util, tf.contrib.cudnn_rnn (on the CPU),
tf.contrib.training's HParams and tf.contrib.opt's optimizers. The module path
tf.contrib.layers.python.layers is registered too (layers_python.py). See
docs/contrib.md."""
from . import (crf, cudnn_rnn, data, distributions, framework, image, integrate,  # noqa: F401
               layers, layers_python, legacy_seq2seq, lookup, losses, metrics, nn, opt,
               predictor, rnn, seq2seq, signal, slim, summary, training, util)

layers_python.register()

__all__ = ["crf", "cudnn_rnn", "data", "distributions", "framework", "image", "integrate",
           "layers", "legacy_seq2seq", "lookup", "losses", "metrics", "nn", "opt",
           "predictor", "rnn", "seq2seq", "signal", "slim", "summary", "training", "util"]
