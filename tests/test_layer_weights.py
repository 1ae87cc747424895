"""The weight lists gc.keras' Layer and gc.layers' Layer share (layers_base.LayerWeights):
each `*_variables` name returns its `*_weights` property, so a Model, a wrapper or a
metric that overrides `trainable_weights` changes `trainable_variables` too (TF1)."""
import numpy as np

import graphc as gc


def _names(vs):
    return [v.name for v in vs]


def _lists(layer):
    return {k: _names(getattr(layer, k)) for k in (
        "weights", "variables", "trainable_weights", "trainable_variables",
        "non_trainable_weights", "non_trainable_variables")}


def test_keras_model_variables_follow_its_weights():
    with gc.Graph().as_default():
        x = gc.keras.Input(shape=(3,))
        h = gc.keras.layers.Dense(4)(x)
        y = gc.keras.layers.BatchNormalization()(h)
        m = gc.keras.Model(x, y)
        got = _lists(m)
    train = ["dense/kernel:0", "dense/bias:0", "batch_normalization/gamma:0",
             "batch_normalization/beta:0"]
    frozen = ["batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert got["trainable_weights"] == got["trainable_variables"] == train
    assert got["non_trainable_weights"] == got["non_trainable_variables"] == frozen
    assert got["weights"] == got["variables"] == train + frozen


def test_keras_untrainable_model_and_layer():
    with gc.Graph().as_default():
        x = gc.keras.Input(shape=(3,))
        d = gc.keras.layers.Dense(2)
        m = gc.keras.Model(x, d(x))
        m.trainable = False
        assert m.trainable_variables == [] and d.trainable_variables != []
        assert _names(m.non_trainable_variables) == ["dense/kernel:0", "dense/bias:0"]
        d.trainable = False
        assert d.trainable_variables == d.trainable_weights == []
        assert _names(d.non_trainable_variables) == ["dense/kernel:0", "dense/bias:0"]


def test_keras_wrapper_and_metric():
    with gc.Graph().as_default():
        w = gc.keras.layers.TimeDistributed(gc.keras.layers.Dense(2))
        w(gc.keras.Input(shape=(4, 3)))
        assert _names(w.trainable_variables) == _names(w.trainable_weights)
        assert len(w.trainable_variables) == 2 and w.non_trainable_variables == []
        metric = gc.keras.metrics.Mean()
        metric.update_state(gc.constant([1.0, 2.0]))
        assert _names(metric.non_trainable_variables) == _names(metric.weights)
        assert len(metric.variables) == 2 and metric.trainable_variables == []


def test_tf_layers_lists():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        d = gc.layers.Dense(2)
        d(x)
        got = _lists(d)
        assert got["trainable_variables"] == got["trainable_weights"] == \
            ["dense/kernel:0", "dense/bias:0"]
        assert got["variables"] == got["weights"] == got["trainable_variables"]
        assert got["non_trainable_variables"] == []
        frozen = gc.layers.Dense(2, trainable=False)
        frozen(x)
        assert frozen.trainable_variables == []
        assert _names(frozen.non_trainable_weights) == ["dense_1/kernel:0", "dense_1/bias:0"]


def test_updates_and_losses_are_copies():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        bn = gc.layers.BatchNormalization()
        bn(x, training=True)
        assert len(bn.updates) == 2 and bn.updates is not bn._updates
        bn.updates.clear()
        assert len(bn.updates) == 2
        reg = gc.keras.layers.Dense(2, kernel_regularizer=gc.keras.regularizers.l2(0.1))
        reg(gc.keras.Input(shape=(3,)))
        assert len(reg.losses) == 1 and reg.losses is not reg._losses
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            assert np.isfinite(sess.run(reg.losses[0]))
