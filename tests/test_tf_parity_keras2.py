"""gc.keras masks, sample/class weights, stateful RNNs and saving against tf_keras (the
legacy Keras 2 of TF 2.21) in TF1 graph mode."""
import numpy as np
import pytest

import graphc as gc
from keras_parity import run_both as _run_both, tfk

RNG = np.random.default_rng(0)
IDS = np.array([[1, 2, 0, 0, 0], [3, 0, 4, 0, 5], [0, 0, 6, 7, 1]], np.int32)


RNNS = [
    ("lstm", lambda k, **kw: k.layers.LSTM(3, recurrent_activation="hard_sigmoid", **kw)),
    ("gru", lambda k, **kw: k.layers.GRU(3, recurrent_activation="hard_sigmoid",
                                         reset_after=False, **kw)),
    ("gru_after", lambda k, **kw: k.layers.GRU(3, recurrent_activation="sigmoid",
                                               reset_after=True, **kw)),
    ("simple", lambda k, **kw: k.layers.SimpleRNN(3, **kw)),
]


@pytest.mark.parametrize("kind,make", RNNS, ids=[r[0] for r in RNNS])
@pytest.mark.parametrize("opts", [{"return_sequences": True},
                                  {"return_state": True},
                                  {"go_backwards": True, "return_sequences": True},
                                  {"unroll": True, "return_sequences": True}],
                         ids=["seq", "state", "backwards", "unroll"])
def test_masked_rnn_forward(kind, make, opts):
    def build(k):
        x = k.Input(shape=(5,), dtype="int32")
        e = k.layers.Embedding(8, 4, mask_zero=True)(x)
        y = make(k, **opts)(e)
        return k.Model(x, y)
    got, want = _run_both(build, lambda m: m.predict(IDS))
    for a, b in zip(got if isinstance(got, list) else [got],
                    want if isinstance(want, list) else [want]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_masking_layer_and_merge_masks():
    xs = RNG.standard_normal((3, 4, 2)).astype(np.float32)
    xs[0, 2:] = 0.0
    xs[2, 0] = 0.0

    def build(k):
        x = k.Input(shape=(4, 2))
        h = k.layers.Masking(0.0)(x)
        a = k.layers.Dense(3)(h)
        b = k.layers.LSTM(3, recurrent_activation="hard_sigmoid",
                          return_sequences=True)(h)
        c = k.layers.concatenate([a, b])
        d = k.layers.add([a, b])
        y = k.layers.GRU(2, recurrent_activation="hard_sigmoid", reset_after=False)(
            k.layers.concatenate([c, d]))
        return k.Model(x, [y, k.layers.GlobalAveragePooling1D()(b)])
    got, want = _run_both(build, lambda m: m.predict(xs))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _seq_model(k, temporal):
    x = k.Input(shape=(5,), dtype="int32")
    e = k.layers.Embedding(8, 4, mask_zero=True)(x)
    h = k.layers.LSTM(3, recurrent_activation="hard_sigmoid",
                      return_sequences=temporal)(e)
    return k.Model(x, k.layers.Dense(2, activation="softmax")(h))


@pytest.mark.parametrize("case", ["plain", "sample", "class", "both"])
def test_weighted_train_and_test_on_batch(case):
    ys = np.array([0, 1, 1])
    sw = np.array([0.5, 2.0, 1.0], np.float32) if case in ("sample", "both") else None
    cw = {0: 3.0, 1: 0.5} if case in ("class", "both") else None

    def run(m):
        opt = gc.keras.optimizers.SGD(lr=0.5) if isinstance(m, gc.keras.Model) else \
            tfk.optimizers.legacy.SGD(0.5)
        m.compile(opt, "sparse_categorical_crossentropy", metrics=["acc"],
                  weighted_metrics=["acc"])
        first = m.train_on_batch(IDS, ys, sample_weight=sw, class_weight=cw)
        second = m.test_on_batch(IDS, ys, sample_weight=sw)
        return first, second, m.get_weights()
    (g1, g2, gw), (t1, t2, tw) = _run_both(lambda k: _seq_model(k, False), run)
    np.testing.assert_allclose(g1, t1, rtol=1e-5)
    np.testing.assert_allclose(g2, t2, rtol=1e-5)
    for a, b in zip(gw, tw):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_temporal_weights_and_output_mask():
    """The output mask weights the loss: TF 1.15 divides the weighted sum by all
    entries, tf_keras 2.x by the unmasked ones (apply_valid_mask): the TF value is
    rescaled by valid/total here. Metrics (weighted means) agree directly."""
    ys = RNG.integers(0, 2, (3, 5))
    sw = RNG.uniform(0.5, 2.0, (3, 5)).astype(np.float32)
    valid = (IDS != 0).sum() / IDS.size

    def run(m):
        opt = gc.keras.optimizers.SGD(lr=0.0) if isinstance(m, gc.keras.Model) else \
            tfk.optimizers.legacy.SGD(0.0)
        m.compile(opt, "sparse_categorical_crossentropy", metrics=["acc"],
                  weighted_metrics=["acc"], sample_weight_mode="temporal")
        return m.evaluate(IDS, ys[..., None], sample_weight=sw, verbose=0)
    got, want = _run_both(lambda k: _seq_model(k, True), run)
    np.testing.assert_allclose(got[0], want[0] * valid, rtol=1e-5)
    np.testing.assert_allclose(got[1:], want[1:], rtol=1e-5)


def test_fit_with_weights_history():
    xs = RNG.standard_normal((20, 4)).astype(np.float32)
    ys = RNG.integers(0, 3, 20)
    sw = RNG.uniform(0.1, 2.0, 20).astype(np.float32)

    def build(k):
        return k.Sequential([k.layers.Dense(5, activation="relu", input_shape=(4,)),
                             k.layers.Dense(3, activation="softmax")])

    def run(m):
        opt = gc.keras.optimizers.SGD(lr=0.1) if isinstance(m, gc.keras.Model) else \
            tfk.optimizers.legacy.SGD(0.1)
        m.compile(opt, "sparse_categorical_crossentropy", weighted_metrics=["acc"])
        h = m.fit(xs, ys, batch_size=8, epochs=2, shuffle=False, verbose=0,
                  sample_weight=sw, class_weight={0: 1.0, 1: 2.0, 2: 0.5},
                  validation_data=(xs[:7], ys[:7], sw[:7]))
        return h.history
    got, want = _run_both(build, run)
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(got[key], want[key], rtol=1e-4)
    # TF 1.15 names a weighted metric 'weighted_acc'; tf_keras (TF2 naming) 'acc'
    np.testing.assert_allclose(got["weighted_acc"], want["acc"], rtol=1e-5)
    np.testing.assert_allclose(got["val_weighted_acc"], want["val_acc"], rtol=1e-5)


def test_stateful_lstm_predict_and_reset():
    xs = RNG.standard_normal((2, 3, 4)).astype(np.float32)

    def build(k):
        return k.Sequential([k.layers.LSTM(3, recurrent_activation="hard_sigmoid",
                                           stateful=True, batch_input_shape=(2, 3, 4))])

    def run(m):
        a = m.predict(xs, batch_size=2)
        b = m.predict(xs, batch_size=2)
        m.reset_states()
        c = m.predict(xs, batch_size=2)
        return a, b, c
    got, want = _run_both(build, run)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(got[0], got[1])


def test_config_round_trip_builds_same_outputs():
    """A tf_keras model's weights in a graphc model rebuilt from graphc's JSON."""
    def build(k):
        x = k.Input(shape=(5,), dtype="int32")
        e = k.layers.Embedding(8, 4, mask_zero=True)(x)
        h = k.layers.GRU(3, recurrent_activation="hard_sigmoid", reset_after=False,
                         return_sequences=True)(e)
        h = k.layers.LSTM(2, recurrent_activation="hard_sigmoid")(h)
        return k.Model(x, k.layers.Dense(2)(h))

    def run(m):
        if isinstance(m, gc.keras.Model):
            text, weights = m.to_json(), m.get_weights()
            with gc.Graph().as_default():
                clone = gc.keras.models.model_from_json(text)
                clone.set_weights(weights)
                return clone.predict(IDS)
        return m.predict(IDS)
    got, want = _run_both(build, run)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_multi_output_weights_and_loss_history():
    xs = RNG.standard_normal((20, 4)).astype(np.float32)
    ya = RNG.integers(0, 3, 20)
    yb = RNG.standard_normal((20, 2)).astype(np.float32)
    wa = RNG.uniform(0.1, 2.0, 20).astype(np.float32)

    def build(k):
        x = k.Input(shape=(4,))
        h = k.layers.Dense(5, activation="tanh")(x)
        a = k.layers.Dense(3, activation="softmax", name="a")(h)
        b = k.layers.Dense(2, name="b")(h)
        return k.Model(x, [a, b])

    def run(m):
        opt = gc.keras.optimizers.SGD(lr=0.1) if isinstance(m, gc.keras.Model) else \
            tfk.optimizers.legacy.SGD(0.1)
        m.compile(opt, {"a": "sparse_categorical_crossentropy", "b": "mse"},
                  loss_weights={"a": 1.0, "b": 0.5})
        h = m.fit(xs, [ya, yb], batch_size=8, epochs=2, shuffle=False, verbose=0,
                  sample_weight={"a": wa}, validation_data=(xs[:7], [ya[:7], yb[:7]]))
        return h.history
    got, want = _run_both(build, run)
    for key in ("loss", "a_loss", "b_loss", "val_loss", "val_a_loss", "val_b_loss"):
        np.testing.assert_allclose(got[key], want[key], rtol=1e-4, err_msg=key)


def test_rnn_cell_layer_and_stateful_names():
    xs = RNG.standard_normal((2, 5, 3)).astype(np.float32)

    def build(k):
        x = k.Input(batch_shape=(2, 5, 3))
        a = k.layers.RNN(k.layers.LSTMCell(3, recurrent_activation="hard_sigmoid"),
                         return_sequences=True)(x)
        b = k.layers.RNN(k.layers.GRUCell(2, recurrent_activation="hard_sigmoid",
                                          reset_after=False), go_backwards=True)(a)
        c = k.layers.SimpleRNN(2, stateful=True)(a)
        return k.Model(x, [a, b, c])

    def run(m):
        names = [w.name for w in m.weights] + [s.name for s in m.layers[-1].states]
        return names, m.predict(xs, batch_size=2)
    (gn, gv), (tn, tv) = _run_both(build, run)
    assert gn[:-2] == [n.replace("simple_rnn_cell/", "") for n in tn[:-2]]
    assert gn[-1] == tn[-1] == "simple_rnn/Variable:0"
    for a, b in zip(gv, tv):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
