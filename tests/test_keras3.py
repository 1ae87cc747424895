"""gc.keras wrappers (Bidirectional, TimeDistributed), RNN dropout, constraints and
regularizers, metric objects, optimizer options and generator training."""
import json

import numpy as np
import pytest

import graphc as gc

k = gc.keras
RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 5, 4)).astype(np.float32)


@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes(mode):
    with gc.Graph().as_default():
        inp = k.Input((5, 4))
        layer = k.layers.Bidirectional(k.layers.GRU(3, return_sequences=True),
                                       merge_mode=mode)
        out = layer(inp)
        fw, bw = layer.forward_layer, layer.backward_layer
        f = k.backend.function([inp], gc.nest.flatten(out) + [
            fw(inp), bw(inp)])
        vals = f([X])
        y, y_rev = vals[-2], vals[-1][:, ::-1]
        want = {"concat": [np.concatenate([y, y_rev], -1)], "sum": [y + y_rev],
                "mul": [y * y_rev], "ave": [(y + y_rev) / 2], None: [y, y_rev]}[mode]
        for got, exp in zip(vals[:-2], want):
            np.testing.assert_allclose(got, exp, rtol=1e-5, atol=1e-6)
        assert [w.name for w in layer.weights][:1] == ["bidirectional/forward_gru/kernel:0"]
        assert layer.weights[3].name == "bidirectional/backward_gru/kernel:0"


def test_bidirectional_state_mask_and_config():
    with gc.Graph().as_default():
        ids = np.array([[1, 2, 0], [3, 0, 0]], np.int32)
        inp = k.Input((3,), dtype="int32")
        emb = k.layers.Embedding(5, 4, mask_zero=True)(inp)
        outs = k.layers.Bidirectional(k.layers.LSTM(2, return_state=True,
                                                    return_sequences=True))(emb)
        assert len(outs) == 5 and outs[0].shape.as_list() == [None, 3, 4]
        assert k.backend.get_mask(outs[0]) is k.backend.get_mask(emb)
        model = k.Model(inp, outs[0])
        first = model.predict(ids)
        np.testing.assert_allclose(first[1, 1:], 0.0)     # zeros where masked
        config = json.loads(json.dumps(model.get_config()))
        layer_cfg = config["layers"][2]["config"]
        assert layer_cfg["merge_mode"] == "concat"
        assert layer_cfg["layer"]["class_name"] == "LSTM"
        again = k.Model.from_config(config)
        again.set_weights(model.get_weights())
        np.testing.assert_allclose(again.predict(ids), first, rtol=1e-6)
    with pytest.raises(ValueError, match="Invalid merge mode"):
        k.layers.Bidirectional(k.layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="with a `Layer` instance"):
        k.layers.Bidirectional(3)


def test_bidirectional_initial_state_and_sequential():
    with gc.Graph().as_default():
        seq = k.Sequential([k.layers.Bidirectional(k.layers.SimpleRNN(2),
                                                   input_shape=(5, 4)),
                            k.layers.Dense(1)])
        seq.compile("sgd", "mse")
        seq.fit(X, np.zeros((3, 1)), verbose=0)
        assert seq.predict(X).shape == (3, 1)
        inp = k.Input((5, 4))
        h = [k.Input((2,)) for _ in range(2)]
        out = k.layers.Bidirectional(k.layers.SimpleRNN(2))(inp, initial_state=h)
        assert out.shape.as_list() == [None, 4]
        with pytest.raises(ValueError, match="initial_state"):
            k.layers.Bidirectional(k.layers.SimpleRNN(2))(inp, initial_state=h[:1])


def test_time_distributed():
    with gc.Graph().as_default():
        inp = k.Input((5, 4))
        td = k.layers.TimeDistributed(k.layers.Dense(2))
        out = td(inp)
        assert out.shape.as_list() == [None, 5, 2]
        assert [w.name for w in td.weights] == ["time_distributed/kernel:0",
                                               "time_distributed/bias:0"]
        model = k.Model(inp, out)
        kern, bias = td.get_weights()
        np.testing.assert_allclose(model.predict(X), X @ kern + bias, rtol=1e-5)
        with pytest.raises(ValueError, match="at least 3 dimensions"):
            k.layers.TimeDistributed(k.layers.Dense(2))(k.Input((4,)))


def _steps_equal(layer_factory, impl=None):
    """Linear SimpleRNN with zero recurrent kernel: every step is x_t * mask."""
    with gc.Graph().as_default():
        inp = k.Input((6, 3))
        layer = layer_factory()
        out = layer(inp)
        f = k.backend.function([inp, k.backend.learning_phase()], [out])
        ones = np.ones((4, 6, 3), np.float32)
        return f([ones, True])[0], f([ones, False])[0]


def test_rnn_dropout_mask_shared_across_steps():
    def make():
        return k.layers.SimpleRNN(3, activation=None, dropout=0.5, use_bias=False,
                                  kernel_initializer="identity",
                                  recurrent_initializer="zeros", return_sequences=True)
    train, test = _steps_equal(make)
    np.testing.assert_allclose(train, np.repeat(train[:, :1], 6, 1))  # same each step
    assert set(np.unique(train)) <= {0.0, 2.0} and (train == 0).any()
    np.testing.assert_allclose(test, 1.0)


@pytest.mark.parametrize("cls", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("impl", [1, 2])
def test_rnn_dropout_train_vs_test(cls, impl):
    with gc.Graph().as_default():
        kw = {} if cls == "SimpleRNN" else {"implementation": impl}
        layer = getattr(k.layers, cls)(3, dropout=0.3, recurrent_dropout=0.4, **kw)
        inp = k.Input((5, 4))
        out = layer(inp)
        f = k.backend.function([inp, k.backend.learning_phase()], [out])
        plain = getattr(k.layers, cls)(3, **kw)
        ref = plain(inp)
        plain.set_weights(layer.get_weights())
        g = k.backend.function([inp], [ref])
        np.testing.assert_allclose(f([X, False])[0], g([X])[0], rtol=1e-6)
        assert np.abs(f([X, True])[0] - g([X])[0]).max() > 1e-4
        config = layer.get_config()
        assert config["dropout"] == 0.3 and config["recurrent_dropout"] == 0.4
        cell = k.layers.RNN(getattr(k.layers, cls + "Cell")(3, dropout=0.5,
                                                           recurrent_dropout=0.5))
        assert cell(inp).shape.as_list() == [None, 3]


def test_regularizers_and_constraints():
    r = k.regularizers
    with gc.Graph().as_default():
        w = gc.constant([[1.0, -2.0], [3.0, 0.5]])
        sess = gc.Session()
        assert np.isclose(sess.run(r.l1(0.1)(w)), 0.65)
        assert np.isclose(sess.run(r.L2(0.1)(w)), 1.425)
        assert np.isclose(sess.run(r.l1_l2(0.1, 0.1)(w)), 2.075)
        assert np.isclose(sess.run(r.L1L2()(w)), 0.0)
        c = k.constraints
        np.testing.assert_allclose(sess.run(c.NonNeg()(w)), [[1, 0], [3, 0.5]])
        norms = np.linalg.norm(sess.run(c.UnitNorm()(w)), axis=0)
        np.testing.assert_allclose(norms, 1.0, rtol=1e-5)
        mx = sess.run(c.MaxNorm(2.0)(w))
        np.testing.assert_allclose(np.linalg.norm(mx, axis=0), [2.0, 2.0], rtol=1e-5)
        mm = sess.run(c.MinMaxNorm(3.0, 4.0, rate=0.5)(w))
        np.testing.assert_allclose(np.linalg.norm(mm, axis=0),
                                   [np.sqrt(10), (np.sqrt(4.25) + 3) / 2],
                                   rtol=1e-5)
    assert r.get("l2").get_config() == {"l2": float(np.float32(0.01))}
    assert r.serialize(r.l1(0.5)) == {"class_name": "L1", "config": {"l1": 0.5}}
    assert isinstance(r.get({"class_name": "L1L2", "config": {"l1": 1.0}}), r.L1L2)
    assert c.get("max_norm").max_value == 2 and isinstance(c.get("nonneg"), c.NonNeg)
    assert c.deserialize(c.serialize(c.MaxNorm(3, axis=1))).get_config() == \
        {"max_value": 3, "axis": 1}
    with pytest.raises(ValueError, match="Unknown regularizer"):
        r.get("l3")
    with pytest.raises(ValueError, match="Unknown constraint"):
        c.get("positive")


def test_regularizers_constraints_in_layers():
    with gc.Graph().as_default():
        d = k.layers.Dense(2, kernel_regularizer="l2", kernel_constraint="non_neg",
                           bias_constraint=k.constraints.MaxNorm(0.1),
                           input_shape=(4,))
        model = k.Sequential([d])
        model.compile(k.optimizers.SGD(0.5), "mse")
        model.fit(RNG.standard_normal((32, 4)), RNG.standard_normal((32, 2)) * 5,
                  epochs=3, verbose=0)
        kern, bias = d.get_weights()
        assert (kern >= 0).all() and np.linalg.norm(bias) <= 0.1 + 1e-6
        assert len(d.losses) == 1
        config = d.get_config()
        assert config["kernel_regularizer"]["class_name"] == "L2"
        assert config["kernel_constraint"] == {"class_name": "NonNeg", "config": {}}
        assert config["activity_regularizer"] is None and config["bias_regularizer"] is None
        again = k.layers.Dense.from_config(json.loads(json.dumps(config)))
        assert isinstance(again.kernel_constraint, dict) or again.get_config() == config
        lstm = k.layers.LSTM(2, recurrent_constraint="unit_norm", bias_regularizer="l1")
        assert lstm.get_config()["recurrent_constraint"]["class_name"] == "UnitNorm"
        lstm(k.Input((3, 4)))
        assert lstm.recurrent_kernel.constraint is not None and len(lstm.losses) == 1


def test_metric_objects_standalone():
    with gc.Graph().as_default():
        yt = gc.placeholder(gc.float32, (None,))
        yp = gc.placeholder(gc.float32, (None,))
        mean, acc = k.metrics.Mean(), k.metrics.BinaryAccuracy()
        prec, rec, auc = k.metrics.Precision(), k.metrics.Recall(), k.metrics.AUC()
        assert [v.name for v in mean.variables] == ["total:0", "count:0"]
        assert (mean.name, acc.name, auc.name) == ("mean", "binary_accuracy", "auc")
        sess = k.backend.get_session()
        a = np.array([0, 1, 1, 0, 1.0], np.float32)
        b = np.array([0.1, 0.8, 0.4, 0.6, 0.9], np.float32)
        sess.run([mean.update_state(yp, sample_weight=yt + 1.0),
                  acc.update_state(yt, yp), prec.update_state(yt, yp),
                  rec.update_state(yt, yp), auc.update_state(yt, yp)], {yt: a, yp: b})
        got = sess.run([m.result() for m in (mean, acc, prec, rec, auc)])
        np.testing.assert_allclose(got, [(b * (a + 1)).sum() / (a + 1).sum(), 0.6,
                                         2 / 3, 2 / 3, 5 / 6], rtol=1e-5)
        assert np.isclose(sess.run(mean(yp), {yp: [100.0]}), (4.9 + 100) / 9.0)
        for m in (mean, acc, auc):
            m.reset_states()
        assert sess.run([m.result() for m in (mean, acc, auc)]) == [0.0, 0.0, 0.0]


def test_metric_objects_in_compile():
    xs = RNG.standard_normal((40, 4)).astype(np.float32)
    ys = (xs[:, 0] > 0).astype(np.float32)
    with gc.Graph().as_default():
        model = k.Sequential([k.layers.Dense(1, activation="sigmoid", input_shape=(4,))])
        model.compile("sgd", "binary_crossentropy",
                      metrics=["acc", k.metrics.BinaryAccuracy(), k.metrics.AUC(),
                               "Precision", k.metrics.MeanSquaredError()])
        assert model.metrics_names == ["loss", "acc", "binary_accuracy", "auc",
                                       "precision", "mean_squared_error"]
        hist = model.fit(xs, ys, epochs=1, batch_size=8, verbose=0, shuffle=False)
        assert np.isclose(hist.history["acc"][0], hist.history["binary_accuracy"][0])
        vals = model.evaluate(xs, ys, batch_size=7, verbose=0)
        p = model.predict(xs)[:, 0]
        np.testing.assert_allclose(vals[2], np.mean((p > 0.5) == ys), rtol=1e-6)
        np.testing.assert_allclose(vals[5], np.mean((p - ys) ** 2), rtol=1e-4)


def test_train_on_batch_accumulates_metrics_until_reset_as_tf1_keras():
    # the figures are TF 2.21's tf_keras (its TF1 training loop) on the same model
    rng = np.random.RandomState(0)
    x = rng.standard_normal((20, 3)).astype(np.float32)
    y = (rng.rand(20, 1) > 0.5).astype(np.float32)
    with gc.Graph().as_default():
        model = k.Sequential([
            k.layers.Dense(4, activation="relu", input_shape=(3,),
                           kernel_initializer=k.initializers.Constant(0.1)),
            k.layers.Dense(1, activation="sigmoid",
                           kernel_initializer=k.initializers.Constant(-0.2))])
        model.compile(k.optimizers.SGD(0.1), "binary_crossentropy",
                      metrics=["accuracy", "mse", k.metrics.AUC(name="auc")])
        assert [m.name for m in model.metrics] == ["acc", "mean_squared_error", "auc"]
        assert isinstance(model.metrics[0], k.metrics.MeanMetricWrapper)
        got = [model.train_on_batch(x[:10], y[:10], reset_metrics=False) for _ in range(3)]
        np.testing.assert_allclose(got, [[0.65052, 0.7, 0.22877, 0.80952],
                                         [0.64466, 0.7, 0.22733, 0.79762],
                                         [0.63898, 0.7, 0.22592, 0.7963]], atol=2e-5)
        np.testing.assert_allclose(model.train_on_batch(x[10:], y[10:]),     # reset after
                                   [0.68673, 0.65, 0.23115, 0.7761], atol=2e-5)
        first = model.test_on_batch(x[:10], y[:10], reset_metrics=False)
        both = model.test_on_batch(x[10:], y[10:], reset_metrics=False)
        model.reset_metrics()
        assert model.test_on_batch(x, y)[1:] == pytest.approx(both[1:], abs=1e-6)
        assert first[1:] != pytest.approx(both[1:])


def test_per_output_metric_lists_and_cloned_metric_objects_as_tf1_keras():
    rng = np.random.RandomState(0)
    x = rng.standard_normal((20, 3)).astype(np.float32)
    y1 = (rng.rand(20, 1) > 0.5).astype(np.float32)
    y2 = rng.standard_normal((20, 2)).astype(np.float32)
    with gc.Graph().as_default():
        inp = k.Input((3,))
        h = k.layers.Dense(4, activation="relu", name="h",
                           kernel_initializer=k.initializers.Constant(0.1))(inp)
        o1 = k.layers.Dense(1, activation="sigmoid", name="o1",
                            kernel_initializer=k.initializers.Constant(-0.2))(h)
        o2 = k.layers.Dense(2, name="o2", kernel_initializer=k.initializers.Constant(0.3))(h)
        model = k.Model(inp, [o1, o2])
        msq = k.metrics.MeanSquaredError(name="msq")
        want = {      # TF 2.21's tf_keras: names, metric objects, train_on_batch, evaluate
            0: (["loss", "o1_loss", "o2_loss", "o1_acc", "o1_auc", "o2_mean_absolute_error"],
                ["o1_acc", "o1_auc", "o2_mean_absolute_error"],
                [1.95894, 0.66885, 1.29009, 0.6, 0.72917, 0.97282],
                [1.91968, 0.66849, 1.25883, 0.6, 0.71875, 0.95666]),
            2: (["loss", "o1_loss", "o2_loss", "o1_mean_absolute_error", "o1_msq",
                 "o2_mean_absolute_error", "o2_msq"],
                ["o1_mean_absolute_error", "o1_msq", "o2_mean_absolute_error", "o2_msq"],
                [1.88859, 0.66582, 1.22277, 0.4852, 0.23641, 0.94508, 1.22277],
                [1.86358, 0.6662, 1.20305, 0.48454, 0.23592, 0.93483, 1.19876])}
        for case, metrics in enumerate(([["accuracy", k.metrics.AUC(name="auc")], ["mae"]],
                                        {"o2": ["mse", k.metrics.MeanAbsoluteError()]},
                                        ["mae", msq])):
            model.compile(k.optimizers.SGD(0.1), ["binary_crossentropy", "mse"],
                          metrics=metrics)
            tob = model.train_on_batch(x, [y1, y2])
            ev = model.evaluate(x, [y1, y2], batch_size=7, verbose=0)
            if case in want:
                names, objects, t, e = want[case]
                assert model.metrics_names == names
                assert [m.name for m in model.metrics] == objects
                np.testing.assert_allclose(tob, t, atol=2e-5)
                np.testing.assert_allclose(ev, e, atol=2e-5)
        assert msq.name == "msq"                # each output got its own copy
        with pytest.raises(ValueError, match="one entry per model output"):
            model.compile("sgd", ["mse", "mse"], metrics=[["mae"]])
        with pytest.raises(ValueError, match=r"Unknown entries in metrics dictionary"):
            model.compile("sgd", ["mse", "mse"], metrics={"zz": "mae"})


def _train(opt, steps=3):
    xs = np.arange(8, dtype=np.float32).reshape(4, 2) / 8
    ys = np.ones((4, 1), np.float32)
    with gc.Graph().as_default():
        model = k.Sequential([k.layers.Dense(1, input_shape=(2,), use_bias=False,
                                             kernel_initializer="ones")])
        model.compile(opt, "mse")
        for _ in range(steps):
            model.train_on_batch(xs, ys)
        return model.get_weights()[0], k.backend.get_value(opt.iterations), xs, ys


def test_sgd_decay():
    w, it, xs, ys = _train(k.optimizers.SGD(0.1, decay=0.5))
    ref = np.ones((2, 1))
    for t in range(3):
        g = 2 * xs.T @ (xs @ ref - ys) / 4
        ref = ref - 0.1 / (1 + 0.5 * t) * g
    np.testing.assert_allclose(w, ref, rtol=1e-5)
    assert it == 3


def test_adam_amsgrad_and_rmsprop_centered():
    w, _, xs, ys = _train(k.optimizers.Adam(0.1, amsgrad=True))
    ref, m, v, vh = np.ones((2, 1)), 0, 0, 0
    for t in range(1, 4):
        g = 2 * xs.T @ (xs @ ref - ys) / 4
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        vh = np.maximum(vh, v)
        lr = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        ref = ref - lr * m / (np.sqrt(vh) + 1e-7)
    np.testing.assert_allclose(w, ref, rtol=1e-4)
    w, _, xs, ys = _train(k.optimizers.RMSprop(0.1, centered=True))
    ref, ms, mg = np.ones((2, 1)), 0, 0
    for _ in range(3):
        g = 2 * xs.T @ (xs @ ref - ys) / 4
        ms, mg = 0.9 * ms + 0.1 * g * g, 0.9 * mg + 0.1 * g
        ref = ref - 0.1 * g / (np.sqrt(ms - mg * mg) + 1e-7)
    np.testing.assert_allclose(w, ref, rtol=1e-4)
    assert k.optimizers.Adam(amsgrad=True).get_config()["amsgrad"] is True


class _Seq(k.utils.Sequence):
    def __init__(self, xs, ys):
        self.xs, self.ys, self.ends = xs, ys, 0

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return self.xs[i * 10:(i + 1) * 10], self.ys[i * 10:(i + 1) * 10]

    def on_epoch_end(self):
        self.ends += 1


def test_generators():
    xs = RNG.standard_normal((40, 4)).astype(np.float32)
    ys = xs.sum(1, keepdims=True)

    def gen():
        while True:
            for i in range(4):
                yield xs[i * 10:(i + 1) * 10], ys[i * 10:(i + 1) * 10]
    with gc.Graph().as_default():
        model = k.Sequential([k.layers.Dense(1, input_shape=(4,))])
        model.compile(k.optimizers.SGD(0.05), "mse", metrics=["mae"])
        seq = _Seq(xs, ys)
        hist = model.fit_generator(gen(), steps_per_epoch=4, epochs=3, verbose=0,
                                   validation_data=seq)
        assert sorted(hist.history) == ["loss", "mean_absolute_error", "val_loss",
                                        "val_mean_absolute_error"]
        assert hist.history["loss"][-1] < hist.history["loss"][0]
        model.fit(seq, epochs=2, verbose=0)
        assert seq.ends == 2
        loss, mae = model.evaluate_generator(seq)
        assert np.allclose([loss, mae], model.evaluate(xs, ys, batch_size=10, verbose=0),
                           rtol=1e-5)
        np.testing.assert_allclose(model.predict_generator(seq), model.predict(xs),
                                   rtol=1e-6)
        with pytest.raises(ValueError, match="steps_per_epoch=None"):
            model.fit_generator(gen())


def test_keras_object_serialization_round_trips():
    from graphc.keras.utils import deserialize_keras_object, serialize_keras_object
    reg = gc.keras.regularizers.L1L2(l1=0.5, l2=0.25)
    cfg = serialize_keras_object(reg)
    back = deserialize_keras_object(cfg, {"L1L2": gc.keras.regularizers.L1L2})
    assert cfg["class_name"] == "L1L2" and back.get_config() == reg.get_config()
    with pytest.raises(ValueError, match="Unknown thing: Nope"):
        deserialize_keras_object({"class_name": "Nope"}, {}, None, "thing")
    assert gc.keras.utils.serialize_keras_object(None) is None


def test_fit_on_outputs_of_rank_three_with_and_without_sample_weights():
    m = gc.keras.Sequential([gc.keras.layers.Dense(2, input_shape=(3, 4, 5),
                                                   kernel_initializer="ones")])
    m.compile("sgd", "mse")
    x = np.ones((2, 3, 4, 5), np.float32)
    y = np.zeros((2, 3, 4, 2), np.float32)
    y[1] = 3                                    # squared errors 25 and 4 per element
    assert m.evaluate(x, y, verbose=0) == pytest.approx(14.5)
    # per-sample weights apply to every element of their sample (TF fails to broadcast)
    w = np.float32([1.0, 2.0])
    assert m.evaluate(x, y, sample_weight=w, verbose=0) == pytest.approx((25 + 2 * 4) / 2)
    assert m.train_on_batch(x, y, sample_weight=w) == pytest.approx(16.5)


@pytest.mark.parametrize("loss, want", [
    (lambda L: L.MeanSquaredError(), lambda e: e ** 2),
    (lambda L: L.Huber(reduction="sum"), lambda e: 8 * 0.5 * e ** 2),
    (lambda L: L.BinaryCrossentropy(), lambda e: -(0.5 * np.log(0.5 + e) + 0.5 * np.log(0.5 - e))),
])
def test_loss_objects_in_compile_train_with_their_reduction(loss, want):
    m = gc.keras.Sequential([gc.keras.layers.Dense(1, input_shape=(3,), activation="sigmoid",
                                                   kernel_initializer="ones")])
    m.compile("sgd", loss(gc.keras.losses), metrics=["accuracy"])
    h = m.fit(np.ones((8, 3), np.float32), np.full((8, 1), 0.5, np.float32), epochs=2,
              batch_size=8, verbose=0)
    err = 1 / (1 + np.exp(-3.0)) - 0.5         # the first epoch's prediction error
    assert h.history["loss"][0] == pytest.approx(want(err), rel=1e-5)
    assert h.history["loss"][1] < h.history["loss"][0]
    assert set(h.history) == {"loss", "acc"}


def test_sequential_takes_an_input_tensor_and_rnn_passes_on_its_cells_losses():
    cell = gc.keras.layers.SimpleRNNCell(2, kernel_regularizer="l2")
    m = gc.keras.Sequential([gc.keras.Input((3, 4)), gc.keras.layers.RNN(cell)])
    assert m.input_shape == (None, 3, 4) and m.output_shape == (None, 2)
    assert len(m.layers[0].losses) == 1 and len(m.losses) == 1
    m.compile("sgd", "mse")
    x, y = np.ones((2, 3, 4), np.float32), np.zeros((2, 2), np.float32)
    with gc.keras.backend.get_session().as_default() as s:
        kernel = cell.kernel.eval(session=s)
    pred = m.predict(x)
    want = np.mean(pred ** 2) + 0.01 * np.sum(kernel ** 2)
    assert m.evaluate(x, y, verbose=0) == pytest.approx(want, rel=1e-5)
    with pytest.raises(TypeError, match="must be an instance of class Layer"):
        gc.keras.Sequential([gc.constant(1.0)])


def test_dropout_rate_out_of_range_is_refused():
    for rate in (-0.1, 1.5):
        with pytest.raises(ValueError, match=f"Invalid value {rate} received for `rate`"):
            gc.keras.layers.Dropout(rate)
    assert gc.keras.layers.Dropout(1).rate == 1.0


def test_activation_names_from_custom_objects():
    def cubed(x):
        return x * x * x
    with pytest.raises(ValueError, match="Unknown activation function: cubed"):
        gc.keras.activations.get("cubed")
    with gc.keras.utils.custom_object_scope({"cubed": cubed}):
        assert gc.keras.activations.get("cubed") is cubed
        layer = gc.keras.layers.Dense(2, activation="cubed")
    assert layer.activation is cubed
    gc.keras.utils.get_custom_objects()["cubed"] = cubed
    try:
        assert gc.keras.activations.get("cubed") is cubed
    finally:
        del gc.keras.utils.get_custom_objects()["cubed"]


def test_npz_model_files_keep_the_optimizers_iterations(tmp_path):
    def build():
        m = gc.keras.Sequential([gc.keras.layers.Dense(1, input_shape=(2,))])
        m.compile(gc.keras.optimizers.SGD(0.1, decay=0.5), "mse")
        return m
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32)
    m = build()
    for _ in range(3):
        m.train_on_batch(x, y)
    path = str(tmp_path / "m.npz")
    m.save(path)
    loaded = gc.keras.models.load_model(path)
    sess = gc.keras.backend.get_session()
    assert sess.run(loaded.optimizer.iterations) == 3
    assert loaded.train_on_batch(x, y) == pytest.approx(m.train_on_batch(x, y), rel=1e-6)
    np.testing.assert_allclose(loaded.get_weights()[0], m.get_weights()[0], rtol=1e-6)


def test_layers_take_the_backends_image_data_format_by_default():
    K = gc.keras.backend
    K.set_image_data_format("channels_first")
    try:
        x = gc.keras.Input((4, 8, 8))
        L = gc.keras.layers
        assert L.Conv2D(5, 3)(x).shape.as_list() == [None, 5, 6, 6]
        assert L.MaxPooling2D(2)(x).shape.as_list() == [None, 4, 4, 4]
        assert L.ZeroPadding2D(((0, 1), (0, 1)))(x).shape.as_list() == [None, 4, 9, 9]
        assert L.GlobalAveragePooling2D()(x).shape.as_list() == [None, 4]
        assert L.UpSampling2D()(x).shape.as_list() == [None, 4, 16, 16]
        assert L.Conv2D(5, 3).data_format == "channels_first"
    finally:
        K.set_image_data_format("channels_last")
    assert gc.keras.layers.Conv2D(5, 3).data_format == "channels_last"


def test_functional_models_list_layers_in_keras_order():
    x = gc.keras.Input((4,))
    short = gc.keras.layers.Dense(3, name="short")(x)
    long = gc.keras.layers.Dense(3, name="m2")(gc.keras.layers.Dense(3, name="m1")(x))
    model = gc.keras.Model(x, gc.keras.layers.Add(name="add")([short, long]))
    # tf_keras: by decreasing depth from the outputs, ties in first-met order
    assert [la.name for la in model.layers] == ["input_1", "m1", "short", "m2", "add"]
    a, b = gc.keras.Input((3,), name="a"), gc.keras.Input((3,), name="b")
    h = gc.keras.layers.Dense(3, name="h")(a)
    model = gc.keras.Model([a, b], gc.keras.layers.Add(name="o")([h, b]))
    assert [la.name for la in model.layers] == ["a", "h", "b", "o"]


def test_dropout_noise_shape_with_none_and_identity_layers_keep_the_model_whole():
    x = gc.keras.Input((3, 3, 4))
    y = gc.keras.layers.Dropout(0.5, noise_shape=(None, 1, 1, 4))(x, training=True)
    assert y.shape.as_list() == [None, 3, 3, 4]
    v = gc.keras.backend.get_session().run(y, {x: np.ones((8, 3, 3, 4), np.float32)})
    assert (v == v[:, :1, :1, :]).all()             # one draw per example and channel
    i = gc.keras.Input((3,))
    d = gc.keras.layers.Dense(3, name="d")(i)
    out = gc.keras.layers.Activation(None, name="act")(d)
    assert out is not d
    assert [la.name for la in gc.keras.Model(i, out).layers] == ["input_2", "d", "act"]
    h = gc.placeholder(gc.float32, (None, 1, 1, 5))
    assert gc.nn.dropout(h, rate=0.5, noise_shape=gc.shape(h)).shape.as_list() == \
        [None, 1, 1, 5]
