"""gc.keras (graph-mode tf.keras of TF 1.x): layers, models, training, callbacks."""
import numpy as np
import pytest

import graphc as gc

keras = gc.keras
L = keras.layers
K = keras.backend


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


def run(t, feed=None):
    return K.get_session().run(t, feed)


def test_names_sharing_and_weights():
    x = keras.Input(shape=(3,))
    assert x.name == "input_1:0"
    d = L.Dense(4, activation="relu")
    y1, y2 = d(x), d(x)
    assert [w.name for w in d.weights] == ["dense/kernel:0", "dense/bias:0"]
    assert y1.op.name == "dense/Relu" and y2.op.name == "dense_1/Relu"
    assert L.Dense(2).name == "dense_1"
    assert len(d.trainable_weights) == 2 and d.non_trainable_weights == []
    k = np.arange(12, dtype=np.float32).reshape(3, 4) / 10
    d.set_weights([k, np.ones(4, np.float32)])
    xs = np.array([[1.0, -2.0, 0.5]], np.float32)
    np.testing.assert_allclose(run(y2, {x: xs}), np.maximum(xs @ k + 1, 0), rtol=1e-6)
    np.testing.assert_allclose(d.get_weights()[0], k)
    assert d.get_config()["units"] == 4 and d.get_config()["activation"] == "relu"
    with pytest.raises(ValueError, match="expecting 2 weights"):
        d.set_weights([k])
    d.trainable = False
    assert d.trainable_weights == [] and len(d.non_trainable_weights) == 2


def test_default_initializers():
    d = L.Dense(50)
    d(gc.placeholder(gc.float32, (None, 30)))
    kernel, bias = d.get_weights()
    limit = np.sqrt(6.0 / 80)
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > limit / 2
    assert not bias.any()
    e = L.Embedding(10, 4)
    e(gc.placeholder(gc.int32, (None, 2)))
    assert np.abs(e.get_weights()[0]).max() <= 0.05


def test_core_layers_values():
    x = keras.Input(shape=(2, 3))
    xs = np.arange(12, dtype=np.float32).reshape(2, 2, 3) - 5
    f, r = L.Flatten()(x), L.Reshape((3, -1))(x)
    a = L.Activation("tanh")(x)
    lam = L.Lambda(lambda t, k: t * k, arguments={"k": 2.0})(x)
    assert f.shape.as_list() == [None, 6] and r.shape.as_list() == [None, 3, 2]
    fv, rv, av, lv = run([f, r, a, lam], {x: xs})
    np.testing.assert_array_equal(fv, xs.reshape(2, 6))
    np.testing.assert_array_equal(rv, xs.reshape(2, 3, 2))
    np.testing.assert_allclose(av, np.tanh(xs), rtol=1e-6)
    np.testing.assert_array_equal(lv, xs * 2)
    d3 = L.Dense(5)(x)                    # rank 3: contracts the last axis
    assert d3.shape.as_list() == [None, 2, 5]
    s, p, c = L.add([x, x]), L.multiply([x, x]), L.Concatenate(axis=1)([x, x])
    sv, pv, cv = run([s, p, c], {x: xs})
    np.testing.assert_array_equal(sv, 2 * xs)
    np.testing.assert_array_equal(pv, xs * xs)
    assert cv.shape == (2, 4, 3)
    with pytest.raises(ValueError, match="at least 2 inputs"):
        L.Add()([x])


def test_dropout_learning_phase():
    x = gc.placeholder(gc.float32, (None, 1000))
    y = L.Dropout(0.5)(x)
    ones = np.ones((2, 1000), np.float32)
    np.testing.assert_array_equal(run(y, {x: ones}), ones)          # test phase
    out = run(y, {x: ones, K.learning_phase(): True})
    assert set(np.unique(out)) <= {0.0, 2.0} and 0.3 < (out == 0).mean() < 0.7
    np.testing.assert_array_equal(run(L.Dropout(0.5)(x, training=False), {x: ones}), ones)


def test_conv_pool_shapes_and_values():
    x = keras.Input(shape=(6, 5, 2))
    conv = L.Conv2D(3, (3, 2), padding="same", activation="relu")
    y = conv(x)
    assert [w.name for w in conv.weights] == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert conv.kernel.shape.as_list() == [3, 2, 2, 3] and y.shape.as_list() == [None, 6, 5, 3]
    assert L.Conv2D(4, 3, strides=2)(x).shape.as_list() == [None, 2, 2, 4]
    t = L.Conv2DTranspose(4, 3, strides=2)(x)
    assert t.shape.as_list() == [None, 13, 11, 4]
    assert L.Conv2DTranspose(4, 3, strides=2, padding="same")(x).shape.as_list() == \
        [None, 12, 10, 4]
    assert L.MaxPooling2D()(x).shape.as_list() == [None, 3, 2, 2]
    assert L.AveragePooling2D(2, padding="same")(x).shape.as_list() == [None, 3, 3, 2]
    g = L.GlobalAveragePooling2D()(x)
    gm = L.GlobalMaxPooling2D()(x)
    xs = np.random.default_rng(0).standard_normal((2, 6, 5, 2)).astype(np.float32)
    gv, gmv, tv = run([g, gm, t], {x: xs})
    np.testing.assert_allclose(gv, xs.mean((1, 2)), rtol=1e-5)
    np.testing.assert_allclose(gmv, xs.max((1, 2)))
    assert tv.shape == (2, 13, 11, 4)
    s = keras.Input(shape=(7, 3))
    assert L.Conv1D(4, 3)(s).shape.as_list() == [None, 5, 4]
    m1 = L.MaxPooling1D(2)(s)
    a1 = L.AveragePooling1D(3, strides=1)(s)
    ss = np.arange(42, dtype=np.float32).reshape(2, 7, 3)
    mv, av = run([m1, a1], {s: ss})
    np.testing.assert_array_equal(mv, ss[:, 1:7:2])
    np.testing.assert_allclose(av, (ss[:, :5] + ss[:, 1:6] + ss[:, 2:7]) / 3, rtol=1e-6)


def test_batch_normalization():
    x = keras.Input(shape=(3,))
    bn = L.BatchNormalization(momentum=0.5)
    y = bn(x)
    assert [w.name for w in bn.weights] == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert len(bn.trainable_weights) == 2 and len(bn.updates) == 2
    xs = np.random.default_rng(1).standard_normal((8, 3)).astype(np.float32) * 3 + 1
    np.testing.assert_allclose(run(y, {x: xs}), xs / np.sqrt(1 + 1e-3), rtol=1e-5)
    out = run([y] + bn.updates, {x: xs, K.learning_phase(): True})[0]
    ref = (xs - xs.mean(0)) / np.sqrt(xs.var(0) + 1e-3)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    mean, var = run([bn.moving_mean, bn.moving_variance])
    np.testing.assert_allclose(mean, 0.5 * xs.mean(0), rtol=1e-5)
    np.testing.assert_allclose(var, 0.5 + 0.5 * xs.var(0), rtol=1e-5)


def _np_lstm(xs, k, rk, b, units, hard=True):
    act = (lambda z: np.clip(0.2 * z + 0.5, 0, 1)) if hard else (lambda z: 1 / (1 + np.exp(-z)))
    h = np.zeros((xs.shape[0], units)); c = np.zeros_like(h)
    outs = []
    for t in range(xs.shape[1]):
        z = xs[:, t] @ k + h @ rk + b
        i, f, g, o = (z[:, j * units:(j + 1) * units] for j in range(4))
        c = act(f) * c + act(i) * np.tanh(g)
        h = act(o) * np.tanh(c)
        outs.append(h)
    return np.stack(outs, 1)


def test_recurrent_layers():
    x = keras.Input(shape=(4, 3))
    lstm = L.LSTM(5, return_sequences=True)
    seq = lstm(x)
    assert [w.name for w in lstm.weights] == ["lstm/kernel:0", "lstm/recurrent_kernel:0",
                                              "lstm/bias:0"]
    assert seq.shape.as_list() == [None, 4, 5]
    xs = np.random.default_rng(2).standard_normal((2, 4, 3)).astype(np.float32)
    k, rk, b = lstm.get_weights()
    np.testing.assert_array_equal(b[5:10], 1.0)                 # unit_forget_bias
    np.testing.assert_allclose(run(seq, {x: xs}), _np_lstm(xs, k, rk, b, 5), rtol=1e-4,
                               atol=1e-5)
    rnn = L.SimpleRNN(3, return_state=True)
    out, state = rnn(x)
    kk, rr, bb = rnn.get_weights()
    h = np.zeros((2, 3))
    for t in range(4):
        h = np.tanh(xs[:, t] @ kk + h @ rr + bb)
    ov, sv = run([out, state], {x: xs})
    np.testing.assert_allclose(ov, h, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(sv, h, rtol=1e-4, atol=1e-5)
    gru = L.GRU(2)
    assert gru(x).shape.as_list() == [None, 2]
    assert gru.bias.shape.as_list() == [6]
    assert L.GRU(2, reset_after=True)(x).shape.as_list() == [None, 2]
    g = gc.gradients(gc.reduce_sum(seq), lstm.kernel)[0]
    assert run(g, {x: xs}).shape == (3, 20)


def test_sequential_and_functional_models(tmp_path):
    model = keras.Sequential([L.Dense(8, activation="relu", input_shape=(4,)),
                              L.Dense(3, activation="softmax")])
    assert model.name == "sequential" and model.inputs[0].name == "dense_input:0"
    assert [la.name for la in model.layers] == ["dense", "dense_1"]
    assert model.output.shape.as_list() == [None, 3]
    assert len(model.trainable_weights) == 4 and model.count_params() == 8 * 5 + 3 * 9
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == 'Model: "sequential"' and "Total params: 67" in lines
    z = gc.placeholder(gc.float32, (None, 4))
    xs = np.random.default_rng(3).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(run(model(z), {z: xs}), model.predict(xs), rtol=1e-6)
    path = str(tmp_path / "w.npz")
    model.save_weights(path)
    before = model.predict(xs)
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    model.load_weights(path)
    np.testing.assert_allclose(model.predict(xs), before)

    inp = keras.Input(shape=(4,), name="features")
    a, b = L.Dense(2)(inp), L.Dense(2)(inp)
    out = L.Dense(1)(L.concatenate([a, b]))
    fm = keras.Model(inputs=inp, outputs=out)
    assert [la.name for la in fm.layers] == ["features", "dense_2", "dense_3",
                                             "concatenate", "dense_4"]
    assert fm.predict(xs).shape == (5, 1)
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(keras.Input(shape=(4,)), out)

    later = keras.Sequential()
    later.add(L.Dense(2))
    assert later.predict(xs).shape == (5, 2)          # built from the data's shape
    assert later.layers[0].kernel.shape.as_list() == [4, 2]


def test_fit_history_and_evaluate():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((100, 4)).astype(np.float32)
    ys = (xs[:, 0] > xs[:, 1]).astype(np.int32)
    gc.set_random_seed(1)
    np.random.seed(0)                                # fit shuffles with np.random
    model = keras.Sequential([L.Dense(16, activation="relu", input_shape=(4,)),
                              L.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    h = model.fit(xs, ys, batch_size=10, epochs=30, verbose=0, validation_split=0.2)
    assert sorted(h.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert h.epoch == list(range(30)) and h.params["samples"] == 80
    assert h.history["loss"][-1] < h.history["loss"][0]
    loss, acc = model.evaluate(xs, ys, verbose=0)
    assert model.metrics_names == ["loss", "acc"] and acc > 0.8
    probs = model.predict(xs)
    ref = -np.log(np.clip(probs[np.arange(100), ys], 1e-7, 1 - 1e-7)).mean()
    assert abs(loss - ref) < 1e-4
    assert model.test_on_batch(xs, ys)[0] == pytest.approx(loss, rel=1e-5)


def test_compile_variants_and_train_on_batch():
    xs = np.random.default_rng(4).standard_normal((6, 3)).astype(np.float32)
    ys = xs.sum(1, keepdims=True)
    model = keras.Sequential([L.Dense(1, input_shape=(3,), kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(lr=0.1), "mse", metrics=["mae", "mse"])
    assert model.metrics_names == ["loss", "mean_absolute_error", "mean_squared_error"]
    loss, mae, mse = model.train_on_batch(xs, ys)
    assert loss == pytest.approx((ys ** 2).mean(), rel=1e-5) and mse == pytest.approx(loss)
    assert mae == pytest.approx(np.abs(ys).mean(), rel=1e-5)
    grad = -2 * (xs * ys).mean(0)                    # d mse / d kernel at zero
    np.testing.assert_allclose(model.get_weights()[0][:, 0], -0.1 * grad, rtol=1e-5)
    for name in ("sgd", "adam", "rmsprop", "adagrad"):
        model.compile(name, "mae")
        model.train_on_batch(xs, ys)
    model.compile(gc.train.GradientDescentOptimizer(0.01), "mse")
    assert isinstance(model.train_on_batch(xs, ys), float)
    with pytest.raises(ValueError, match="Unknown loss"):
        model.compile("sgd", "nope")


@pytest.mark.parametrize("opt,update", [
    ("adam", lambda g: -0.001 * g / (np.abs(g) + 1e-7)),
    ("rmsprop", lambda g: -0.001 * g / (np.sqrt(0.1 * g * g) + 1e-7)),
    ("adagrad", lambda g: -0.001 * g / (np.sqrt(0.1 + g * g) + 1e-7)),
    ("sgd", lambda g: -0.01 * g)])
def test_optimizer_defaults_first_step(opt, update):
    w = gc.Variable(np.array([1.0, -2.0], np.float32))
    loss = gc.reduce_sum(w * np.array([3.0, 0.5], np.float32))
    step = keras.optimizers.get(opt).minimize(loss)
    run(step)
    np.testing.assert_allclose(run(w), [1.0, -2.0] + update(np.array([3.0, 0.5])),
                               rtol=1e-5)


def test_losses_and_metrics_values():
    p = np.array([[0.2, 0.7, 0.1], [1.0, 0.0, 0.0]], np.float32)
    y = np.array([1, 2])
    oh = keras.utils.to_categorical(y, 3)
    eps = 1e-7
    sce = keras.losses.sparse_categorical_crossentropy(y, p)
    cce = keras.losses.categorical_crossentropy(oh, p)
    ref = -np.log(np.clip(p[[0, 1], y], eps, 1 - eps))
    np.testing.assert_allclose(run(sce), ref, rtol=1e-4)
    np.testing.assert_allclose(run(cce), ref, rtol=1e-4)
    logits = np.array([[1.0, 2.0, 0.5]], np.float32)
    lp = logits - np.log(np.exp(logits).sum())
    np.testing.assert_allclose(run(keras.losses.sparse_categorical_crossentropy(
        [2], logits, from_logits=True)), -lp[:, 2], rtol=1e-5)
    bp = np.array([[0.9, 0.0]], np.float32)
    by = np.array([[1.0, 0.0]], np.float32)
    q = np.clip(bp, eps, 1 - eps)
    ref_b = -(by * np.log(q) + (1 - by) * np.log(1 - q)).mean(-1)
    np.testing.assert_allclose(run(keras.losses.binary_crossentropy(by, bp)), ref_b,
                               rtol=1e-3)
    np.testing.assert_allclose(run(keras.metrics.sparse_categorical_accuracy(
        y[:, None], p)), [1.0, 0.0])
    np.testing.assert_allclose(run(keras.metrics.categorical_accuracy(oh, p)), [1.0, 0.0])
    np.testing.assert_allclose(run(keras.metrics.binary_accuracy(by, bp)), [1.0])
    np.testing.assert_allclose(run(keras.losses.MeanSquaredError()(by, bp)), 0.005,
                               rtol=1e-5)


def test_callbacks(tmp_path):
    xs = np.random.default_rng(5).standard_normal((20, 2)).astype(np.float32)
    ys = xs @ np.array([[1.0], [-1.0]], np.float32)
    model = keras.Sequential([L.Dense(1, input_shape=(2,))])
    model.compile(keras.optimizers.SGD(lr=0.0), "mse")
    seen, lrs = [], []
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=1)
    sched = keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 * (epoch + 1))
    log = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))
    probe = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda e, logs: lrs.append(K.get_value(model.optimizer.lr)))
    ckpt = keras.callbacks.ModelCheckpoint(str(tmp_path / "w{epoch}.npz"),
                                           save_weights_only=True)
    h = model.fit(xs, ys, epochs=4, verbose=0, shuffle=False,
                  callbacks=[sched, probe, log, ckpt, stop])
    assert seen == [0, 1, 2, 3] and h.history["lr"] == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert lrs == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert (tmp_path / "w4.npz").exists()
    model.compile(keras.optimizers.SGD(lr=0.0), "mse")
    h = model.fit(xs, ys, epochs=10, verbose=0, callbacks=[stop], initial_epoch=2,
                  shuffle=False)
    assert h.epoch == [2, 3]                         # no improvement: stops after 2


def test_backend_and_utils():
    assert K.epsilon() == 1e-7 and K.floatx() == "float32"
    assert K.int_shape(gc.placeholder(gc.float32, (None, 3))) == (None, 3)
    x = gc.placeholder(gc.float32, (None, 2))
    f = K.function([x], [x * 2])
    np.testing.assert_array_equal(f([np.ones((1, 2))])[0], [[2.0, 2.0]])
    assert K.learning_phase().op.name == "keras_learning_phase"
    np.testing.assert_array_equal(keras.utils.to_categorical([[0], [2]]),
                                  [[1, 0, 0], [0, 0, 1]])
    assert keras.activations.get("linear")(x) is x
    with pytest.raises(ValueError, match="Unknown activation"):
        keras.activations.get("nope")


def test_dataset_fit_and_tf1_optimizer_on_keras_layers():
    xs = np.random.default_rng(6).standard_normal((32, 3)).astype(np.float32)
    ys = xs.sum(1, keepdims=True)
    ds = gc.data.Dataset.from_tensor_slices((xs, ys)).batch(8).repeat()
    model = keras.Sequential([L.Dense(1, input_shape=(3,))])
    model.compile(keras.optimizers.SGD(lr=0.05), "mse")
    h = model.fit(ds, epochs=3, steps_per_epoch=4, verbose=0)
    assert len(h.history["loss"]) == 3 and h.history["loss"][2] < h.history["loss"][0]

    x = gc.placeholder(gc.float32, (None, 3))
    pred = L.Dense(1)(x)
    loss = gc.losses.mean_squared_error(ys, pred)
    train = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
    sess = K.get_session()
    first = sess.run(loss, {x: xs})
    for _ in range(20):
        sess.run(train, {x: xs})
    assert sess.run(loss, {x: xs}) < first / 2


def test_predict_on_an_empty_batch():
    """No samples: an empty prediction of the outputs' shape (TF1's predict_on_batch;
    hunt 21)."""
    inp = L.Input((4,))
    m = keras.models.Model(inp, L.Dense(2, activation="softmax")(inp))
    out = m.predict_on_batch(np.zeros((0, 4), np.float32))
    assert out.shape == (0, 2) and out.dtype == np.float32
    assert m.predict(np.zeros((0, 4), np.float32)).shape == (0, 2)
