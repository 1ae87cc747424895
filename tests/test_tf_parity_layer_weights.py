"""The layers' weight lists against TF1: tf_keras (the legacy Keras 2 of TF 2.21) models,
wrappers, metrics and untrainable layers, and TF's legacy tf.layers Dense, in graph mode.
Each `*_variables` list must hold the same variables, by name, as TF's."""
import os
import sys

import pytest
from tf_parity import tf, v1

import graphc as gc

_TFK = "/tmp/p8/tfkeras"
if os.path.isdir(_TFK) and _TFK not in sys.path:
    sys.path.insert(0, _TFK)
tfk = pytest.importorskip("tf_keras")

from tensorflow.python.keras.legacy_tf_layers import core  # noqa: E402

KEYS = ("weights", "variables", "trainable_weights", "trainable_variables",
        "non_trainable_weights", "non_trainable_variables")


def _lists(obj):
    return {k: [v.name for v in getattr(obj, k)] for k in KEYS}


def _both(build):
    """build(keras, placeholder, dense) in a fresh graphc graph and a fresh TF graph."""
    out = []
    for lib, ph, dense in ((gc.keras, gc.placeholder, gc.layers.Dense),
                           (tfk, v1.placeholder, core.Dense)):
        with (gc.Graph() if lib is gc.keras else tf.Graph()).as_default():
            out.append(build(lib, ph, dense))
    return out


def _model(keras, ph, dense):
    x = keras.Input(shape=(3,))
    y = keras.layers.BatchNormalization()(keras.layers.Dense(4)(x))
    return _lists(keras.Model(x, y))


def _frozen_model(keras, ph, dense):
    x = keras.Input(shape=(3,))
    m = keras.Model(x, keras.layers.Dense(2)(x))
    m.trainable = False
    return _lists(m)


def _frozen_layer(keras, ph, dense):
    d = keras.layers.Dense(2, trainable=False)
    d(keras.Input(shape=(3,)))
    return _lists(d)


def _wrapper(keras, ph, dense):
    w = keras.layers.TimeDistributed(keras.layers.Dense(2))
    w(keras.Input(shape=(4, 3)))
    return _lists(w)


def _metric(keras, ph, dense):
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 2.0])
    return _lists(metric)


def _tf_layers(keras, ph, dense):
    x = ph("float32", [None, 3])
    a, b = dense(2), dense(2, trainable=False)
    a(x), b(x)
    return _lists(a), _lists(b)


@pytest.mark.parametrize("build", [_model, _frozen_model, _frozen_layer, _wrapper, _metric,
                                   _tf_layers], ids=lambda f: f.__name__.strip("_"))
def test_weight_lists_match_tf(build):
    got, want = _both(build)
    assert got == want
