"""gc.keras masks, sample/class weights, stateful RNNs, RNN(cell) and model saving
(no TensorFlow needed; tests/test_tf_parity_keras2.py compares with tf_keras)."""
import json

import numpy as np
import pytest

import graphc as gc
from graphc.keras.training_weights import standardize_weights

keras = gc.keras
IDS = np.array([[1, 2, 0, 0], [3, 0, 4, 5]], np.int32)


@pytest.fixture(autouse=True)
def _graph():
    with gc.Graph().as_default():
        yield


def _run(t, feed):
    return keras.backend.get_session().run(t, feed)


def test_embedding_mask_propagates_and_is_dropped():
    x = keras.Input(shape=(4,), dtype="int32")
    e = keras.layers.Embedding(6, 3, mask_zero=True)(x)
    d = keras.layers.Dense(2)(e)
    f = keras.layers.Flatten()(d)
    assert keras.backend.get_mask(d) is keras.backend.get_mask(e)
    assert keras.backend.get_mask(f) is None            # TF1: dropped silently
    np.testing.assert_array_equal(_run(keras.backend.get_mask(e), {x: IDS}), IDS != 0)
    with pytest.raises(TypeError, match="does not support masking"):
        keras.layers.Flatten().compute_mask(d, keras.backend.get_mask(e))


def test_masking_layer_and_merge():
    xs = np.ones((2, 3, 2), np.float32)
    xs[0, 1] = 0.0
    x = keras.Input(shape=(3, 2))
    m = keras.layers.Masking()(x)
    y = keras.layers.Input(shape=(3, 2))
    c = keras.layers.concatenate([m, y])
    a = keras.layers.add([m, m])
    out, cm, am = _run([m, keras.backend.get_mask(c), keras.backend.get_mask(a)],
                       {x: xs, y: xs})
    np.testing.assert_array_equal(cm, [[True, False, True], [True, True, True]])
    np.testing.assert_array_equal(am, cm)
    assert out[0, 1].sum() == 0


def _np_simple(xs, mask, k, rk, b):
    """SimpleRNN with Keras' masking: masked steps repeat output and state."""
    h = np.zeros((xs.shape[0], k.shape[1]), np.float32)
    outs = []
    for t in range(xs.shape[1]):
        new = np.tanh(xs[:, t] @ k + h @ rk + b)
        h = np.where(mask[:, t:t + 1], new, h)
        outs.append(h)
    return np.stack(outs, 1)


@pytest.mark.parametrize("unroll", [False, True])
def test_masked_simple_rnn_matches_numpy(unroll):
    x = keras.Input(shape=(4,), dtype="int32")
    emb = keras.layers.Embedding(6, 3, mask_zero=True)
    layer = keras.layers.SimpleRNN(2, return_sequences=True, unroll=unroll)
    y = layer(emb(x))
    assert keras.backend.get_mask(y) is keras.backend.get_mask(emb.output)
    got = _run(y, {x: IDS})
    table, (k, rk, b) = emb.get_weights()[0], layer.get_weights()
    np.testing.assert_allclose(got, _np_simple(table[IDS], IDS != 0, k, rk, b),
                               rtol=1e-5, atol=1e-6)


def test_rnn_cell_equals_fused_layer():
    xs = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    x = keras.Input(shape=(5, 3))
    fused = keras.layers.LSTM(4, return_state=True)
    cell_rnn = keras.layers.RNN(keras.layers.LSTMCell(4), return_state=True)
    a, b = fused(x), cell_rnn(x)
    assert [w.name for w in cell_rnn.weights] == [
        "rnn/lstm_cell/kernel:0", "rnn/lstm_cell/recurrent_kernel:0",
        "rnn/lstm_cell/bias:0"]
    cell_rnn.set_weights(fused.get_weights())
    for u, v in zip(*_run([a, b], {x: xs})):
        np.testing.assert_allclose(u, v, rtol=1e-6)


def test_unroll_needs_known_time_and_stateful_needs_batch():
    with pytest.raises(ValueError, match="Cannot unroll"):
        keras.layers.GRU(2, unroll=True)(keras.Input(shape=(None, 3)))
    with pytest.raises(ValueError, match="stateful, it needs to know its batch size"):
        keras.layers.LSTM(2, stateful=True)(keras.Input(shape=(4, 3)))
    with pytest.raises(AttributeError, match="must be stateful"):
        keras.layers.LSTM(2).reset_states()


def test_stateful_rnn_carries_and_resets():
    xs = np.random.default_rng(1).standard_normal((2, 3, 4)).astype(np.float32)
    m = keras.Sequential([keras.layers.SimpleRNN(3, stateful=True,
                                                 batch_input_shape=(2, 3, 4))])
    rnn = m.layers[0]
    assert len(rnn.weights) == 3 and len(rnn.states) == 1
    a, b = m.predict(xs, batch_size=2), m.predict(xs, batch_size=2)
    assert not np.allclose(a, b)
    np.testing.assert_allclose(keras.backend.get_value(rnn.states[0]), b)
    m.reset_states()
    np.testing.assert_allclose(m.predict(xs, batch_size=2), a, rtol=1e-6)
    rnn.reset_states([np.ones((2, 3), np.float32)])
    assert keras.backend.get_value(rnn.states[0]).sum() == 6
    with pytest.raises(ValueError, match="expected shape"):
        rnn.reset_states([np.ones((3, 3), np.float32)])


def test_standardize_weights_rules():
    y = np.array([0, 1, 1])
    np.testing.assert_allclose(standardize_weights(y, [1.0, 2.0, 3.0], {0: 2, 1: 1}),
                               [2.0, 2.0, 3.0])
    np.testing.assert_allclose(standardize_weights(np.eye(2)[[1, 0]], None, {0: 5, 1: 7}),
                               [7.0, 5.0])
    assert standardize_weights(y) is None
    with pytest.raises(ValueError, match="must contain all classes"):
        standardize_weights(y, class_weight={0: 1.0})
    with pytest.raises(ValueError, match="timestep-wise"):
        standardize_weights(y, np.ones((3, 2)))
    with pytest.raises(ValueError, match="at least 3D"):
        standardize_weights(y, np.ones((3, 2)), sample_weight_mode="temporal")
    with pytest.raises(ValueError, match="cannot be broadcast"):
        standardize_weights(y, np.ones(4))
    with pytest.raises(ValueError, match="3\\+ dimensional"):
        standardize_weights(np.zeros((3, 2, 2)), class_weight={0: 1.0},
                            sample_weight_mode="temporal")


def test_sample_weight_loss_is_sum_over_batch_size():
    m = keras.Sequential([keras.layers.Dense(1, input_shape=(2,), use_bias=False,
                                             kernel_initializer="zeros")])
    m.compile("sgd", "mse", metrics=["mae"], weighted_metrics=["mae"])
    assert m.metrics_names == ["loss", "mean_absolute_error",
                               "weighted_mean_absolute_error"]
    xs, ys = np.zeros((4, 2), np.float32), np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    sw = np.array([1.0, 0.0, 2.0, 0.0], np.float32)
    loss, mae, wmae = m.evaluate(xs, ys, sample_weight=sw, batch_size=3, verbose=0)
    # batch 1: (1 + 9*2)/3, batch 2: 0/1; the loss is their batch-size-weighted mean
    assert loss == pytest.approx((19 / 3 * 3 + 0) / 4)
    assert mae == pytest.approx(2.5)
    assert wmae == pytest.approx((1 + 3 * 2) / 3)
    assert m.test_on_batch(xs, ys, sample_weight=sw)[0] == pytest.approx(19 / 4)


def test_temporal_mode_and_output_mask_in_loss():
    x = keras.Input(shape=(4,), dtype="int32")
    h = keras.layers.Embedding(6, 1, mask_zero=True, embeddings_initializer="zeros")(x)
    m = keras.Model(x, h)
    m.compile("sgd", "mse", sample_weight_mode="temporal")
    ys = np.ones((2, 4, 1), np.float32)
    # per-step losses are 1; 5 steps unmasked of 8: TF 1.15 divides by all 8
    assert m.evaluate(IDS, ys, verbose=0) == pytest.approx(5 / 8)
    sw = np.array([[2, 2, 2, 2], [1, 1, 1, 0]], np.float32)
    assert m.evaluate(IDS, ys, sample_weight=sw, verbose=0) == pytest.approx(6 / 8)


def test_fit_with_class_weight_trains_and_validation_split_weights():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((30, 3)).astype(np.float32)
    ys = (xs[:, 0] > 0).astype(np.int32)
    m = keras.Sequential([keras.layers.Dense(2, activation="softmax", input_shape=(3,))])
    m.compile(keras.optimizers.SGD(lr=0.5), "sparse_categorical_crossentropy",
              weighted_metrics=["acc"])
    h = m.fit(xs, ys, epochs=5, verbose=0, class_weight={0: 1.0, 1: 2.0},
              sample_weight=np.ones(30), validation_split=0.2)
    assert sorted(h.history) == ["loss", "val_loss", "val_weighted_acc", "weighted_acc"]
    assert h.history["loss"][-1] < h.history["loss"][0]


def _model():
    x = keras.Input(shape=(4,), dtype="int32")
    e = keras.layers.Embedding(6, 3, mask_zero=True)(x)
    h = keras.layers.GRU(3, return_sequences=True)(e)
    a = keras.layers.LSTM(2)(h)
    b = keras.layers.Lambda(lambda t: t[:, -1, :2] * 2.0)(h)
    out = keras.layers.Dense(2, activation="softmax")(keras.layers.add([a, b]))
    return keras.Model(x, out)


def test_save_and_load_model_restores_weights_and_optimizer(tmp_path):
    ys = np.array([0, 1])
    m = _model()
    m.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy",
              metrics=["acc"])
    m.train_on_batch(IDS, ys)
    path = str(tmp_path / "model.gck")
    m.save(path)
    with gc.Graph().as_default():
        loaded = keras.models.load_model(path)
        assert loaded.metrics_names == ["loss", "acc"]
        after_load = loaded.train_on_batch(IDS, ys)
        w_loaded = loaded.get_weights()
    after = m.train_on_batch(IDS, ys)
    assert after_load == pytest.approx(after, rel=1e-6)
    for u, v in zip(w_loaded, m.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-7)
    with pytest.raises(FileExistsError):
        m.save(path, overwrite=False)


def test_load_uncompiled_and_weights_file_error(tmp_path):
    m = _model()
    path = str(tmp_path / "m")
    m.save(path)
    with gc.Graph().as_default():
        loaded = keras.models.load_model(path)
        assert loaded._compile_args is None
    m.save_weights(str(tmp_path / "w.npz"))
    with pytest.raises(ValueError, match="not a model file"):
        keras.models.load_model(str(tmp_path / "w.npz"))


def test_json_round_trips():
    m = _model()
    text = m.to_json()
    config = json.loads(text)
    assert config["class_name"] == "Model"
    assert config["config"]["output_layers"] == [["dense", 0, 0]]
    seq = keras.Sequential([keras.layers.Dense(3, activation="relu", input_shape=(2,)),
                            keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    seq_text = seq.to_json()
    with gc.Graph().as_default():
        clone = keras.models.model_from_json(text)
        assert [la.name for la in clone.layers] == [la.name for la in m.layers]
        again = json.loads(clone.to_json())
        for c in (again, config):       # marshal's bytes of the lambda may differ
            c["config"]["layers"][4]["config"]["function"].pop("code")
        assert again == config
        seq2 = keras.models.model_from_json(seq_text)
        assert isinstance(seq2, keras.Sequential)
        assert json.loads(seq2.to_json()) == json.loads(seq_text)


def _my_act(t):
    return t * 3.0


def test_layer_configs_round_trip_with_custom_objects():
    layers = [keras.layers.LSTM(3, return_sequences=True, stateful=False,
                                go_backwards=True, unit_forget_bias=False),
              keras.layers.GRU(2, reset_after=True, recurrent_activation="sigmoid"),
              keras.layers.RNN(keras.layers.GRUCell(2), return_state=True),
              keras.layers.Embedding(5, 2, mask_zero=True, input_length=3),
              keras.layers.Masking(-1.0), keras.layers.Dense(2, activation=_my_act),
              keras.layers.Conv1D(2, 3), keras.layers.BatchNormalization()]
    for layer in layers:
        config = layer.get_config()
        again = type(layer).from_config(
            {k: ({"_my_act": _my_act}.get(v, v) if k == "activation" else v)
             for k, v in config.items()}) \
            if not isinstance(layer, keras.layers.RNN) or type(layer) is not \
            keras.layers.RNN else keras.layers.RNN.from_config(config)
        assert again.get_config() == config
    with pytest.raises(ValueError, match="Unknown layer"):
        keras.models.model_from_config({"class_name": "Nope", "config": {}})


def test_all_layer_configs_round_trip():
    L = keras.layers
    made = [L.Dense(2), L.Activation("tanh"), L.Dropout(0.3, seed=1), L.Flatten(),
            L.Reshape((2, -1)), L.Embedding(4, 2), L.Masking(), L.Conv2D(2, 3),
            L.Conv2DTranspose(2, 3, strides=2), L.MaxPooling2D(2), L.AveragePooling1D(),
            L.GlobalAveragePooling1D(), L.GlobalMaxPooling2D(), L.Concatenate(axis=1),
            L.Add(), L.Average(), L.SimpleRNN(2), L.RNN(L.SimpleRNNCell(3)),
            L.LSTMCell(2), L.InputLayer(input_shape=(3,))]
    for layer in made:
        config = layer.get_config()
        again = type(layer).from_config(json.loads(json.dumps(config)))
        assert json.loads(json.dumps(again.get_config())) == \
            json.loads(json.dumps(config)), type(layer).__name__


def test_initial_state_list_input_and_nested_model_masks():
    x = keras.Input(shape=(4,), dtype="int32")
    e = keras.layers.Embedding(6, 3, mask_zero=True)(x)
    inner = keras.Model(x, keras.layers.Dense(3)(e))
    y = keras.Input(shape=(4,), dtype="int32")
    z = inner(y)
    assert keras.backend.get_mask(z) is not None
    h0 = keras.Input(shape=(2,))
    out = keras.layers.SimpleRNN(2)([z, h0])
    ones = np.ones((2, 2), np.float32)
    a = _run(out, {y: IDS, h0: ones})
    b = _run(out, {y: IDS, h0: ones * 0})
    assert not np.allclose(a, b)


def test_masked_global_average_and_lambda_mask():
    xs = np.arange(12, dtype=np.float32).reshape(2, 3, 2) + 1
    xs[1, 2] = 0
    x = keras.Input(shape=(3, 2))
    m = keras.layers.Masking()(x)
    avg = keras.layers.GlobalAveragePooling1D()(m)
    lam = keras.layers.Lambda(lambda t: t * 2, mask=lambda t, mk: mk)(m)
    got, lm = _run([avg, keras.backend.get_mask(lam)], {x: xs})
    np.testing.assert_allclose(got, [xs[0].mean(0), xs[1, :2].mean(0)])
    np.testing.assert_array_equal(lm, [[True] * 3, [True, True, False]])
    assert keras.backend.get_mask(avg) is None


def test_model_checkpoint_saves_whole_model(tmp_path):
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal((16, 3)).astype(np.float32), rng.standard_normal(16)
    m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    m.compile(keras.optimizers.SGD(lr=0.1, momentum=0.9), "mse")
    path = str(tmp_path / "ckpt.{epoch}")
    m.fit(xs, ys, epochs=2, verbose=0,
          callbacks=[keras.callbacks.ModelCheckpoint(path)])
    want = m.evaluate(xs, ys, verbose=0)
    with gc.Graph().as_default():
        loaded = keras.models.load_model(str(tmp_path / "ckpt.2"))
        assert isinstance(loaded, keras.Sequential)
        assert loaded.evaluate(xs, ys, verbose=0) == pytest.approx(want, rel=1e-6)


def test_multi_output_weight_dicts():
    x = keras.Input(shape=(2,))
    a = keras.layers.Dense(1, name="a")(x)
    b = keras.layers.Dense(1, name="b")(x)
    m = keras.Model(x, [a, b])
    m.compile("sgd", "mse")
    xs, ys = np.ones((3, 2), np.float32), np.zeros((3, 1), np.float32)
    loss = m.test_on_batch(xs, [ys, ys], sample_weight={"a": np.zeros(3)})
    assert loss[0] == pytest.approx(loss[2]) and loss[1] == 0.0
    with pytest.raises(ValueError, match="Unknown entries"):
        m.test_on_batch(xs, [ys, ys], sample_weight={"c": np.zeros(3)})
    with pytest.raises(ValueError, match="one entry per model output"):
        m.test_on_batch(xs, [ys, ys], sample_weight=[np.zeros(3)])


def test_weight_constraints_run_after_each_fit_step():
    with gc.Graph().as_default():
        nonneg = lambda w: gc.nn.relu(w)  # noqa: E731
        model = gc.keras.Sequential([gc.keras.layers.Dense(
            3, input_shape=(4,), kernel_constraint=nonneg, bias_constraint=nonneg)])
        model.compile(gc.keras.optimizers.SGD(1.0), "mse")
        x = np.ones((8, 4), np.float32)
        model.fit(x, np.full((8, 3), -5.0, np.float32), epochs=2, verbose=0)
        kernel, bias = model.get_weights()
        assert (kernel >= 0).all() and (bias >= 0).all()
        assert (kernel == 0).any()              # pushed below zero, clipped back
