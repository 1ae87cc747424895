"""Keras details found by running TF1 Keras programs against tf_keras: causal Conv1D,
Keras' momentum form of SGD under a changing learning rate, 0/1 fed for a bool."""
import numpy as np
import pytest

import graphc as gc

keras = gc.keras


def test_causal_conv1d_pads_on_the_left_only():
    x = np.arange(12, dtype=np.float32).reshape(1, 6, 2)
    with gc.Graph().as_default():
        inp = keras.Input((6, 2))
        conv = keras.layers.Conv1D(1, 2, padding="causal", dilation_rate=2,
                                   kernel_initializer="ones", use_bias=False)
        m = keras.Model(inp, conv(inp))
        assert m.output_shape == (None, 6, 1)
        np.testing.assert_allclose(m.predict(x)[0, :, 0], [1, 5, 10, 18, 26, 34])  # tf_keras
        with pytest.raises(ValueError, match="only supported for `Conv1D`"):
            keras.layers.Conv2D(1, 2, padding="causal")


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_is_keras_form_when_the_rate_changes(nesterov):
    rng = np.random.RandomState(0)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    y = x.sum(1, keepdims=True)
    with gc.Graph().as_default():
        m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,), use_bias=False,
                                                 kernel_initializer="zeros")])
        m.compile(keras.optimizers.SGD(0.1, momentum=0.9, nesterov=nesterov), "mse")
        w, v = np.zeros((3, 1)), np.zeros((3, 1))
        for i in range(5):
            lr = 0.1 if i < 3 else 0.01
            if i == 3:
                keras.backend.set_value(m.optimizer.lr, 0.01)
            g = x.T @ (2 * (x @ w - y) / len(x))
            v = 0.9 * v - lr * g                  # Keras: v = m v - lr g; w += v
            w = w + (0.9 * v - lr * g if nesterov else v)
            m.train_on_batch(x, y)
        np.testing.assert_allclose(m.get_weights()[0], w, rtol=1e-4, atol=1e-5)


def test_zero_and_one_feed_a_bool_placeholder_as_in_tf1():
    with gc.Graph().as_default():
        inp = keras.Input((2,))
        out = keras.layers.Dropout(0.5)(inp)
        f = keras.backend.function([inp, keras.backend.learning_phase()], [out])
        x = np.ones((3, 2), np.float32)
        np.testing.assert_array_equal(f([x, 0])[0], x)             # test phase
        assert set(np.unique(f([x, 1])[0])) <= {0.0, 2.0}          # training phase
        p = gc.placeholder(gc.bool, [2])
        with gc.Session() as sess:
            assert sess.run(p, {p: [1, 0]}).tolist() == [True, False]
            with pytest.raises(gc.errors.FeedError, match="cannot convert"):
                sess.run(p, {p: [2, 0]})


def test_layers_reached_through_call_keywords_belong_to_the_model():
    x = [np.ones((2, 5, 3), np.float32), np.ones((2, 4, 3), np.float32)]
    with gc.Graph().as_default():
        enc_in, dec_in = keras.Input((5, 3)), keras.Input((4, 3))
        encoder = keras.layers.LSTM(4, return_state=True, name="enc")
        _, h, c = encoder(enc_in)
        seq = keras.layers.LSTM(4, return_sequences=True, name="dec")(
            dec_in, initial_state=[h, c])
        m = keras.Model([enc_in, dec_in], keras.layers.Dense(3, name="out")(seq))
        assert [la.name for la in m.layers] == ["input_1", "input_2", "enc", "dec", "out"]
        assert len(m.trainable_weights) == 8                   # tf_keras: the encoder too
        m.compile("sgd", "mse")
        before = keras.backend.get_value(encoder.weights[0])
        m.fit(x, np.ones((2, 4, 3), np.float32), verbose=0)
        assert np.abs(keras.backend.get_value(encoder.weights[0]) - before).max() > 0
        clone = keras.models.clone_model(m)
        clone.set_weights(m.get_weights())
        np.testing.assert_allclose(clone.predict(x), m.predict(x), rtol=1e-6)
        again = m([keras.Input((5, 3)), keras.Input((4, 3))])   # replayed with new states
        assert again.shape.as_list() == [None, 4, 3]


def test_the_weights_to_train_are_fixed_when_compiled():
    x = np.random.RandomState(0).standard_normal((8, 4)).astype(np.float32)
    with gc.Graph().as_default():
        d = keras.Sequential([keras.layers.Dense(1, input_shape=(4,), activation="sigmoid")])
        d.compile("sgd", "binary_crossentropy")
        g = keras.Sequential([keras.layers.Dense(4, input_shape=(2,))])
        d.trainable = False                           # the Keras GAN idiom
        gan = keras.Sequential([g, d])
        gan.compile("sgd", "binary_crossentropy")
        before = d.get_weights()[0].copy()
        d.train_on_batch(x, np.ones((8, 1), np.float32))       # still trains: compiled so
        assert np.abs(d.get_weights()[0] - before).max() > 0
        after_d = d.get_weights()[0].copy()
        gan.train_on_batch(np.ones((8, 2), np.float32), np.ones((8, 1), np.float32))
        np.testing.assert_array_equal(d.get_weights()[0], after_d)   # frozen in the GAN
        assert len(gan._collected_trainable) == 2


def test_keras_optimizers_clip_and_have_get_updates():
    x = np.ones((4, 3), np.float32) * 5
    for kwargs, want in [({"clipnorm": 1.0}, 0.942265), ({"clipvalue": 0.1}, 0.99)]:
        with gc.Graph().as_default():
            m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,),
                                                     kernel_initializer="ones")])
            opt = keras.optimizers.SGD(0.1, **kwargs)
            m.compile(opt, "mse")
            m.train_on_batch(x, np.zeros((4, 1), np.float32))
            np.testing.assert_allclose(m.get_weights()[0].ravel(), [want] * 3, rtol=1e-5)
            assert opt.get_config()[next(iter(kwargs))] == next(iter(kwargs.values()))
    with gc.Graph().as_default():
        m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,),
                                                 kernel_initializer="ones")])
        target = keras.backend.placeholder(shape=(None, 1))
        loss = keras.backend.mean(keras.backend.square(m.output - target))
        opt = keras.optimizers.Adam(0.1)
        step = keras.backend.function([m.input, target], [loss],
                                      updates=opt.get_updates(loss, m.trainable_weights))
        losses = [step([np.ones((4, 3), np.float32), np.zeros((4, 1))])[0] for _ in range(2)]
        np.testing.assert_allclose(losses, [9.0, 6.76], rtol=1e-5)    # 3 -> 2.6 after a step
        assert opt.weights[0] is opt.iterations and opt.get_weights()[0] == 2


def test_a_stateful_rnn_step_uses_the_state_it_read_for_its_gradient():
    x = np.random.RandomState(2).standard_normal((2, 3, 2)).astype(np.float32)
    y = np.ones((2, 1), np.float32)
    with gc.Graph().as_default():
        m = keras.Sequential([keras.layers.SimpleRNN(3, stateful=True,
                                                     batch_input_shape=(2, 3, 2)),
                              keras.layers.Dense(1)])
        m.set_weights([(np.random.RandomState(i).standard_normal(w.shape) * 0.4)
                       .astype(np.float32) for i, w in enumerate(m.get_weights())])
        m.compile(keras.optimizers.SGD(1.0), "mse")
        m.train_on_batch(x, y)
        # tf_keras 2.21's values for the same weights and data
        np.testing.assert_allclose(m.get_weights()[1][0],
                                   [0.65191555, -0.48506236, -0.22191083], rtol=1e-5)


@pytest.mark.parametrize("freq, want", [(2, [1, 3]), ([1, 4], [0, 3])])
def test_validation_freq_and_the_loader_arguments(freq, want):
    rng = np.random.RandomState(0)
    x = rng.standard_normal((16, 3)).astype(np.float32)
    y = x.sum(1, keepdims=True)
    with gc.Graph().as_default():
        m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
        m.compile("sgd", "mse")
        seen = []
        cb = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: "val_loss" in logs and seen.append(epoch))
        m.fit(x, y, epochs=4, validation_data=(x, y), validation_freq=freq, verbose=0,
              callbacks=[cb], workers=4, use_multiprocessing=True, max_queue_size=5)
        assert seen == want
        m.evaluate(x, y, verbose=0, workers=2)
        m.predict(x, use_multiprocessing=True)


def test_node_accessors_and_sequential_predict_classes():
    with gc.Graph().as_default():
        dense = keras.layers.Dense(2)
        a, b = keras.Input((3,)), keras.Input((3,))
        out_a, out_b = dense(a), dense(b)
        assert dense.get_input_at(1) is b and dense.get_output_at(0) is out_a
        assert dense.get_output_shape_at(1) == (None, 2)
        with pytest.raises(ValueError, match="only 2 inbound nodes"):
            dense.get_output_at(2)
        with pytest.raises(RuntimeError, match="never been called"):
            keras.layers.Dense(1).get_input_at(0)
        m = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(2,))])
        x = np.random.RandomState(0).standard_normal((5, 2)).astype(np.float32)
        np.testing.assert_array_equal(m.predict_classes(x), m.predict(x).argmax(-1))
        np.testing.assert_allclose(m.predict_proba(x), m.predict(x))
        binary = keras.Sequential([keras.layers.Dense(1, activation="sigmoid",
                                                      input_shape=(2,))])
        want = (binary.predict(x) > 0.5).astype("int32")
        np.testing.assert_array_equal(binary.predict_classes(x), want)


def test_scalar_losses_list_targets_loss_weight_variables_and_k_function_updates():
    # four TF1 Keras idioms, checked against TF 2.21's tf_keras on the same programs
    with gc.Graph().as_default():
        K = gc.keras
        B = K.backend
        x, y = np.ones((10, 4), np.float32), np.zeros((10, 2), np.float32)
        m = K.Sequential([K.layers.Dense(2, input_shape=(4,), kernel_initializer="ones")])
        m.compile("sgd", lambda yt, yp: B.mean(B.square(yp - yt)))    # a scalar loss
        hist = m.fit(x, y, batch_size=4, epochs=1, verbose=0).history["loss"]
        assert hist == pytest.approx([14.782419586181641], rel=1e-6)
        assert m.evaluate(x, y, batch_size=4, verbose=0) == pytest.approx(11.761471, rel=1e-6)
    with gc.Graph().as_default():
        K = gc.keras
        xs = np.random.RandomState(0).rand(6, 4).astype(np.float32)
        m = K.Sequential([K.layers.Dense(1, activation="sigmoid", input_shape=(4,),
                                         kernel_initializer="ones")])
        m.compile("sgd", "binary_crossentropy")
        assert m.evaluate(xs, [0, 1, 1, 0, 1, 0], verbose=0) == pytest.approx(1.2708338,
                                                                             rel=1e-6)
    with gc.Graph().as_default():
        K = gc.keras
        B = K.backend
        inp = K.Input((3,))
        a, b = K.layers.Dense(1, name="a")(inp), K.layers.Dense(1, name="b")(inp)
        beta = B.variable(0.5)                          # KL annealing's weight
        m = K.Model(inp, [a, b])
        m.compile("sgd", ["mse", "mse"], loss_weights=[1.0, beta])
        m.fit(np.ones((4, 3)), [np.ones((4, 1)), np.ones((4, 1))], verbose=0)
        assert len(m.trainable_weights) == 4 and B.get_value(beta) == 0.5
        v = B.variable(1.0)
        f = B.function(inp, a * 2.0, updates=[(v, v + 1.0)])   # single in/out, a pair
        out = f(np.ones((2, 3), np.float32))
        assert out.shape == (2, 1) and B.get_value(v) == 2.0


def test_a_sequence_fits_epoch_loss_is_weighted_by_batch_size():
    with gc.Graph().as_default():
        K = gc.keras
        x = np.arange(40 * 3, dtype=np.float32).reshape(40, 3) / 100
        y = x[:, :1] * 2

        class Batches(K.utils.Sequence):          # batches of 11, 11, 11 and 7
            def __len__(self):
                return 4

            def __getitem__(self, i):
                return x[i * 11:(i + 1) * 11], y[i * 11:(i + 1) * 11]
        m = K.Sequential([K.layers.Dense(1, input_shape=(3,), kernel_initializer="ones")])
        m.compile(K.optimizers.SGD(0.0), "mse")
        h = m.fit(Batches(), epochs=1, verbose=0, shuffle=False)
        assert h.history["loss"] == pytest.approx([0.4981499705463648], rel=1e-6)  # TF's
        steps = m.evaluate_generator(Batches(), steps=4)          # a step mean there
        assert steps == pytest.approx(0.5651999525725842, rel=1e-6)


def _fit_on_a_dataset(**kwargs):
    """(model, the batches seen, history) of a fit on 5 batches of a dataset that is
    also the validation data."""
    K = gc.keras
    x = np.arange(30, dtype=np.float32).reshape(10, 3) / 30
    ds = gc.data.Dataset.from_tensor_slices((x, x[:, :1])).batch(2)     # 5 batches
    m = K.Sequential([K.layers.Dense(1, input_shape=(3,))])
    m.compile("sgd", "mse")
    seen = []
    cb = K.callbacks.LambdaCallback(on_batch_end=lambda b, logs: seen.append(b))
    h = m.fit(ds, verbose=0, callbacks=[cb], validation_data=ds, **kwargs)
    return m, seen, h


def test_data_running_out_stops_fit_with_a_warning():
    with gc.Graph().as_default():
        m, seen, h = _fit_on_a_dataset(steps_per_epoch=5, epochs=3)
    assert seen == [0, 1, 2, 3, 4] and h.epoch == [0, 1] and m.stop_training
    assert len(h.history["loss"]) == 1


def test_the_training_dataset_as_validation_data_keeps_its_own_passes():
    with gc.Graph().as_default():
        _, seen, _ = _fit_on_a_dataset(epochs=2, validation_steps=2)
    assert seen == [0, 1, 2, 3, 4] * 2                  # TF's


def test_optimizer_hyperparameters_as_attributes_and_a_settable_lr():
    with gc.Graph().as_default():
        K = gc.keras
        B = K.backend
        opt = K.optimizers.Adam(0.1, decay=0.01)
        m = K.Sequential([K.layers.Dense(1, input_shape=(3,))])
        m.compile(opt, "mse")
        m.fit(np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32), verbose=0)
        assert (opt.beta_1, opt.beta_2, opt.epsilon, opt.decay) == (0.9, 0.999, 1e-7, 0.01)
        assert K.optimizers.SGD(0.1, momentum=0.9).momentum == 0.9
        m.optimizer.lr = 0.05                       # Keras' idiom
        assert B.get_value(m.optimizer.lr) == pytest.approx(0.05)
        B.set_value(m.optimizer.lr, 0.02)
        assert m.optimizer.get_config()["learning_rate"] == 0.02      # the current one
        with pytest.raises(AttributeError):
            opt.no_such_thing


def test_get_updates_for_and_get_losses_for():
    with gc.Graph().as_default():
        K = gc.keras
        x = gc.placeholder(gc.float32, [None, 4])
        m = K.Sequential([K.layers.Dense(3, input_shape=(4,),
                                         kernel_regularizer=K.regularizers.l2(0.1)),
                          K.layers.BatchNormalization()])
        m(x)
        assert len(m.get_updates_for(x)) == 2 and m.get_updates_for(None) == []
        assert m.get_losses_for(x) == [] and len(m.get_losses_for(None)) == 1


def test_evaluate_predict_and_validation_call_the_test_and_predict_hooks():
    calls = []

    class Recorder(gc.keras.callbacks.Callback):
        def __getattribute__(self, name):
            if name.startswith(("on_test", "on_predict")):
                calls.append(name)
            return super().__getattribute__(name)
    with gc.Graph().as_default():
        K = gc.keras
        m = K.Sequential([K.layers.Dense(1, input_shape=(3,))])
        m.compile("sgd", "mse")
        x, y = np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32)
        m.evaluate(x, y, batch_size=2, verbose=0, callbacks=[Recorder()])
        assert calls == ["on_test_begin"] + ["on_test_batch_begin",
                                             "on_test_batch_end"] * 2 + ["on_test_end"]
        calls.clear()
        m.predict(x, batch_size=4, callbacks=[Recorder()])
        assert calls == ["on_predict_begin", "on_predict_batch_begin",
                         "on_predict_batch_end", "on_predict_end"]
        calls.clear()
        m.fit(x, y, batch_size=4, verbose=0, validation_data=(x, y), callbacks=[Recorder()])
        assert calls == ["on_test_begin", "on_test_batch_begin", "on_test_batch_end",
                         "on_test_end"]


def test_evaluate_generator_calls_the_test_hooks():
    calls = []
    with gc.Graph().as_default():
        K = gc.keras
        m = K.Sequential([K.layers.Dense(1, input_shape=(3,))])
        m.compile("sgd", "mse")
        batches = [(np.ones((2, 3), np.float32), np.zeros((2, 1), np.float32))] * 2
        cb = K.callbacks.LambdaCallback()
        cb.on_test_batch_end = lambda b, logs: calls.append((b, sorted(logs)))
        m.evaluate_generator(iter(batches), steps=2, callbacks=[cb])
    assert calls == [(0, ["batch", "loss", "size"]), (1, ["batch", "loss", "size"])]


def test_compile_with_target_tensors_trains_on_them():
    with gc.Graph().as_default():
        K = gc.keras
        x = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
        m = K.Sequential([K.layers.Dense(1, input_shape=(3,), kernel_initializer="ones")])
        m.compile(K.optimizers.SGD(0.1), "mse", target_tensors=[gc.constant(x[:, :1] * 2)])
        h = m.fit(x, epochs=2, batch_size=4, verbose=0)
        assert h.history["loss"] == pytest.approx([0.675, 0.23235184], rel=1e-5)  # TF's
        assert m.evaluate(x, batch_size=4, verbose=0) == pytest.approx(0.083212174,
                                                                       rel=1e-5)


def test_predict_generator_calls_the_predict_hooks():
    calls = []
    with gc.Graph().as_default():
        K = gc.keras
        m = K.Sequential([K.layers.Dense(1, input_shape=(3,))])
        cb = K.callbacks.LambdaCallback()
        cb.on_predict_batch_end = lambda b, logs: calls.append((b, logs["outputs"].shape))
        out = m.predict_generator(iter([np.ones((2, 3), np.float32)] * 2), steps=2,
                                  callbacks=[cb])
    assert out.shape == (4, 1) and calls == [(0, (2, 1)), (1, (2, 1))]


def test_keras_layers_on_raw_tensors_mix_with_plain_ops():
    """TF1: a layer's outputs are Keras tensors only when all its inputs are, so a layer
    on a raw placeholder gives a plain tensor that plain ops (a residual, a fed keep
    scale, a concat of real and generated batches) can mix into the next layer."""
    x = gc.placeholder(gc.float32, [None, 3])
    keep = gc.placeholder(gc.float32, [])
    h = keras.layers.Dense(3, kernel_initializer="ones")(x)
    o = keras.layers.Dense(1, kernel_initializer="ones")(h + x)
    o2 = keras.layers.Dense(1, kernel_initializer="ones")(gc.concat([h * keep, x], 1))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        got = s.run([o, o2], {x: np.ones((2, 3), np.float32), keep: 0.5})
    assert got[0].ravel().tolist() == [12, 12] and got[1].ravel().tolist() == [7.5, 7.5]
    # from keras.Input, ops between layers still become TensorFlowOpLayers
    i = keras.Input((3,))
    m = keras.Model(i, keras.layers.Dense(1)(keras.layers.Dense(3)(i) + i))
    names = [la.name for la in m.layers]
    assert names[0] == "input_1" and names[2].startswith("tf_op_layer_add") and len(names) == 4


def test_training_learning_phase_argument_inside_a_functional_model():
    """layer(x, training=K.learning_phase()): the phase tensor is a fixed argument of the
    call, not a model input (values from TF 2.21)."""
    K = keras.backend
    i = keras.Input((2,))
    X = np.array([[1., 2.], [3., 6.]], np.float32)
    for layer, phase1 in ((keras.layers.BatchNormalization(momentum=0.0),
                           [-0.9995004, -0.99987507, 0.9995005, 0.99987507]),
                          (keras.layers.Dropout(0.0), [1, 2, 3, 6])):
        m = keras.Model(i, layer(i, training=K.learning_phase()))
        f = K.function([i, K.learning_phase()], [m.output])
        np.testing.assert_allclose(f([X, 1])[0].ravel(), phase1, rtol=1e-5)
        assert m.predict(X).shape == (2, 2)


def test_tf_layers_after_keras_layers_of_the_same_default_name():
    """tf.layers.dense after keras Dense 'dense': the new variables' ops are named
    dense/kernel_1 and dense/bias_1, kept in the store as dense/kernel (TF1's names)."""
    x = gc.placeholder(gc.float32, [None, 3])
    h = keras.layers.Dense(4, activation="relu")(x)
    gc.layers.dense(h, 1)
    c = gc.layers.conv1d(gc.expand_dims(x, -1), 2, 2)
    keras.layers.Conv1D(2, 2)(c)
    assert sorted(v.op.name for v in gc.global_variables()) == [
        "conv1d/bias", "conv1d/kernel", "conv1d_1/bias", "conv1d_1/kernel", "dense/bias",
        "dense/bias_1", "dense/kernel", "dense/kernel_1"]
    with gc.variable_scope("dense", reuse=True):
        assert gc.get_variable("kernel").op.name == "dense/kernel_1"


def test_compute_output_shape_of_a_custom_layer_raises_rather_than_guess():
    class Twice(gc.keras.layers.Layer):
        def call(self, x):
            return gc.concat([x, x], -1)
    with pytest.raises(NotImplementedError, match="compute_output_shape.*Twice"):
        Twice().compute_output_shape(gc.TensorShape([None, 3]))     # TF1 graph mode too
    L = gc.keras.layers
    for layer in [L.Dropout(0.5), L.BatchNormalization(), L.Activation("relu"), L.Softmax(),
                  L.GaussianNoise(0.1), L.SpatialDropout1D(0.1), L.LayerNormalization()]:
        assert layer.compute_output_shape(gc.TensorShape([None, 3])).as_list() == [None, 3]


def test_a_functional_model_of_a_dict_of_inputs():
    K = gc.keras
    inputs = {"a": K.Input((2,), name="a"), "b": K.Input((3,), name="b")}
    x = K.layers.Concatenate()([inputs["a"], inputs["b"]])
    m = K.Model(inputs, K.layers.Dense(1, kernel_initializer="ones")(x))
    out = m.predict({"a": np.ones((2, 2), np.float32), "b": np.ones((2, 3), np.float32)})
    assert out.ravel().tolist() == [5.0, 5.0]               # TF 2.21 compat.v1


def test_sequential_dense_features_on_dict_data_and_deferred_weight_names():
    K, fc = gc.keras, gc.feature_column
    cols = [fc.numeric_column("a"), fc.numeric_column("b", shape=[2])]
    m = K.Sequential([K.layers.DenseFeatures(cols), K.layers.Dense(1, kernel_initializer="ones")])
    m.compile("sgd", "mse")
    x = {"a": np.array([1., 2.], np.float32), "b": np.array([[1., 1.], [2., 2.]], np.float32)}
    assert m.predict(x).ravel().tolist() == [3.0, 6.0]
    ds = gc.data.Dataset.from_tensor_slices((x, np.zeros(2, np.float32))).batch(2)
    assert m.fit(ds, epochs=1, verbose=0).history["loss"] == [pytest.approx(22.5)]
    # tf_keras builds a Sequential without an input shape under its name
    s = K.Sequential([K.layers.Dense(3), K.layers.Dense(1)])
    s.predict(np.ones((4, 2), np.float32))
    assert [w.name for w in s.weights][:2] == [f"{s.name}/dense_1/kernel:0",
                                               f"{s.name}/dense_1/bias:0"]
    built = K.Sequential([K.layers.Dense(3, name="top")])
    built.build((None, 2))
    assert built.weights[0].name == "top/kernel:0"


def test_layers_experimental_namespace_as_tf1():
    """tf.compat.v1.keras.layers.experimental of TF 2.21 (less DynamicEmbedding,
    DynamicLookup, RandomFourierFeatures and the PreprocessingLayer base)."""
    e = gc.keras.layers.experimental
    assert e.EinsumDense is gc.keras.layers.EinsumDense
    for name in ("CategoryEncoding", "CenterCrop", "Discretization", "Hashing",
                 "Normalization", "Rescaling", "Resizing"):
        assert getattr(e.preprocessing, name) is getattr(gc.keras.layers, name)
    x = gc.placeholder(gc.float32, [None, 2])
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(e.preprocessing.Rescaling(0.5)(x), {x: [[2.0, 4.0]]}),
                                   [[1.0, 2.0]])
