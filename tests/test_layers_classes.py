"""gc.layers' layer objects (TF1's tf.layers.Dense, Conv2D, ...): a layer called twice
shares its variables, TF1's scope and variable names, shapes, batch normalization's
updates, regularization losses, gradients to the layer's variables, and training."""
import numpy as np
import pytest

import graphc as gc


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default() as g:
        yield g


def _run(fetches, feed=None):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(fetches, feed)


def test_a_layer_called_twice_shares_its_variables():
    x = gc.placeholder(gc.float32, (None, 4), name="x")
    fc = gc.layers.Dense(3, activation=gc.nn.relu)
    assert not fc.built and fc.variables == []
    y1 = fc(x)
    with gc.variable_scope("elsewhere"):
        y2 = fc.apply(2.0 * x)            # another scope: still the same variables
    assert fc.built and fc.name == "dense" and fc.scope_name == "dense"
    assert [v.name for v in gc.global_variables()] == ["dense/kernel:0", "dense/bias:0"]
    assert fc.variables == fc.weights == [fc.kernel, fc.bias]
    assert fc.trainable_variables == fc.trainable_weights == fc.variables
    assert fc.non_trainable_variables == [] and fc.updates == [] and fc.losses == []
    assert (y1.op.name, y2.op.name) == ("dense/Relu", "dense/Relu_1")
    xs = np.arange(8, dtype=np.float32).reshape(2, 4) / 8 - 0.3
    a, b, w, bias = _run([y1, y2, fc.kernel, fc.bias], {x: xs})
    np.testing.assert_allclose(a, np.maximum(xs @ w + bias, 0), rtol=1e-6)
    np.testing.assert_allclose(b, np.maximum(2 * xs @ w + bias, 0), rtol=1e-6)


def test_unique_and_given_names():
    x = gc.placeholder(gc.float32, (None, 4))
    a, b = gc.layers.Dense(3), gc.layers.Dense(2)
    b(a(x))
    h1, h2 = gc.layers.Dense(2, name="head"), gc.layers.Dense(2, name="head")
    h1(x), h2(x)                      # two objects named "head": scopes head, head_1
    gc.layers.dense(x, 2)             # the functional layer counts on: dense_2
    with gc.variable_scope("block"):
        c = gc.layers.Conv1D(2, 1)
        c(gc.placeholder(gc.float32, (None, 5, 4)))
    assert (a.name, b.name, h1.name, h2.name, c.name) == (
        "dense", "dense_1", "head", "head", "conv1d")
    assert (h2.scope_name, c.scope_name) == ("head_1", "block/conv1d")
    assert [v.op.name for v in gc.trainable_variables()] == [
        "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias", "head/kernel",
        "head/bias", "head_1/kernel", "head_1/bias", "dense_2/kernel", "dense_2/bias",
        "block/conv1d/kernel", "block/conv1d/bias"]
    with pytest.raises(ValueError, match="has not been used yet"):
        gc.layers.Dense(1).scope_name


@pytest.mark.parametrize("layer, shape, want", [
    (lambda: gc.layers.Dense(5), (None, 2, 3), [None, 2, 5]),
    (lambda: gc.layers.Conv1D(4, 3, dilation_rate=2), (2, 9, 3), [2, 5, 4]),
    (lambda: gc.layers.Conv1D(4, 3, strides=2, padding="same"), (2, 9, 3), [2, 5, 4]),
    (lambda: gc.layers.Conv2D(4, (3, 2), strides=(2, 1)), (2, 9, 7, 3), [2, 4, 6, 4]),
    (lambda: gc.layers.Conv3D(4, 2, data_format="channels_first"), (2, 3, 4, 5, 6),
     [2, 4, 3, 4, 5]),
    (lambda: gc.layers.Conv2DTranspose(5, 3, strides=2), (2, 4, 6, 3), [2, 9, 13, 5]),
    (lambda: gc.layers.Conv2DTranspose(5, 3, strides=2, padding="same"), (None, 4, None, 3),
     [None, 8, None, 5]),
    (lambda: gc.layers.MaxPooling1D(2, 2), (2, 9, 3), [2, 4, 3]),
    (lambda: gc.layers.AveragePooling1D(3, 2, padding="same"), (2, 9, 3), [2, 5, 3]),
    (lambda: gc.layers.MaxPooling2D(2, 2), (None, 28, 28, 1), [None, 14, 14, 1]),
    (lambda: gc.layers.AveragePooling3D(2, 1, padding="same"), (2, 3, 4, 5, 6),
     [2, 3, 4, 5, 6]),
    (lambda: gc.layers.MaxPooling3D(2, 2), (2, 4, 5, 6, 3), [2, 2, 2, 3, 3]),
    (lambda: gc.layers.Flatten(), (None, 3, 4), [None, 12]),
    (lambda: gc.layers.Dropout(0.5), (2, 3), [2, 3]),
    (lambda: gc.layers.BatchNormalization(axis=1), (2, 3, 4), [2, 3, 4]),
])
def test_output_shapes_match_the_run(layer, shape, want):
    x = gc.placeholder(gc.float32, shape)
    y = layer()(x)
    assert y.shape.as_list() == want
    fed = [d or 3 for d in shape]
    got = _run(y, {x: np.random.default_rng(0).standard_normal(fed).astype(np.float32)})
    assert all(w is None or w == g for w, g in zip(want, got.shape))


def _sine(shape, dtype=None, partition_info=None):
    """Distinct kernel values (an initializer)."""
    return gc.constant(np.sin(np.arange(np.prod(shape)) + 1.0).reshape(shape), dtype)


_INIT = dict(kernel_initializer=_sine, bias_initializer=gc.constant_initializer(0.5))


@pytest.mark.parametrize("make, shape", [
    (lambda fmt: gc.layers.Conv1D(3, 2, data_format=fmt, **_INIT), (2, 6, 4)),
    (lambda fmt: gc.layers.Conv2D(3, 2, strides=2, padding="same", data_format=fmt, **_INIT),
     (2, 5, 6, 4)),
    (lambda fmt: gc.layers.Conv3D(3, 2, data_format=fmt, **_INIT), (2, 3, 4, 5, 2)),
    (lambda fmt: gc.layers.Conv2DTranspose(3, 2, strides=2, data_format=fmt, **_INIT),
     (2, 3, 4, 2)),
    (lambda fmt: gc.layers.MaxPooling1D(2, 1, data_format=fmt), (2, 6, 4)),
    (lambda fmt: gc.layers.AveragePooling3D(2, 2, padding="same", data_format=fmt),
     (2, 3, 4, 5, 2)),
    (lambda fmt: gc.layers.Flatten(data_format=fmt), (2, 3, 4, 2)),
])
def test_channels_first_is_channels_last_transposed(make, shape):
    rank = len(shape)
    to_first = [0, rank - 1] + list(range(1, rank - 1))
    to_last = [0] + list(range(2, rank)) + [1]
    xs = np.random.default_rng(1).standard_normal(shape)
    last = make("channels_last")(gc.constant(xs))
    first = make("channels_first")(gc.constant(xs.transpose(to_first)))
    if first.shape.rank == rank:
        first = gc.transpose(first, to_last)
    a, b = _run([last, first])
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_batch_normalization_updates_and_training_at_call_time():
    x = gc.placeholder(gc.float32, (None, 3))
    training = gc.placeholder_with_default(False, [])
    bn = gc.layers.BatchNormalization(momentum=0.5)
    y_eval = bn(x)                               # training=False: no updates
    assert bn.updates == []
    y = bn(x, training=training)
    y_train = bn(x, training=True)
    assert [v.op.name for v in bn.variables] == [
        "batch_normalization/gamma", "batch_normalization/beta",
        "batch_normalization/moving_mean", "batch_normalization/moving_variance"]
    assert bn.trainable_variables == [bn.gamma, bn.beta]
    assert bn.non_trainable_variables == [bn.moving_mean, bn.moving_variance]
    assert len(bn.updates) == 4
    assert gc.get_collection(gc.GraphKeys.UPDATE_OPS) == bn.updates
    xs = np.array([[1.0, 2.0, -1.0], [3.0, 0.0, 1.0], [5.0, 4.0, 0.0]], np.float32)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        a, b, c = sess.run([y_eval, y, y_train], {x: xs})
        np.testing.assert_allclose(a, xs / np.sqrt(1 + 1e-3), rtol=1e-6)
        np.testing.assert_allclose(b, a, rtol=1e-6)
        want = (xs - xs.mean(0)) / np.sqrt(xs.var(0) + 1e-3)
        np.testing.assert_allclose(c, want, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(y, {x: xs, training: True}), want,
                                   rtol=1e-5, atol=1e-6)
        sess.run(bn.updates[2:], {x: xs})
        mean, var = sess.run([bn.moving_mean, bn.moving_variance])
    np.testing.assert_allclose(mean, 0.5 * xs.mean(0), rtol=1e-6)
    np.testing.assert_allclose(var, 0.5 + 0.5 * xs.var(0), rtol=1e-6)


def test_batch_normalization_class_matches_the_function():
    xs = np.random.default_rng(2).standard_normal((4, 3, 5, 2)).astype(np.float32)
    bn = gc.layers.BatchNormalization(axis=1, center=False, momentum=0.9, name="bn")
    y_class = bn(gc.constant(xs), training=True)
    y_func = gc.layers.batch_normalization(gc.constant(xs), axis=1, center=False,
                                           momentum=0.9, training=True, name="bn_f")
    assert [v.op.name.split("/")[-1] for v in bn.variables] == [
        "gamma", "moving_mean", "moving_variance"]
    a, b = _run([y_class, y_func])
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_dropout_training_at_call_time():
    x = gc.ones((200, 50))
    training = gc.placeholder_with_default(False, [])
    drop = gc.layers.Dropout(0.4, seed=3)
    off, on, switch = drop(x), drop(x, training=True), drop(x, training=training)
    a, b, c = _run([off, on, switch])
    np.testing.assert_array_equal(a, 1.0)
    assert set(np.unique(b)) <= {0.0, np.float32(1 / 0.6)}
    assert abs((b == 0).mean() - 0.4) < 0.02
    np.testing.assert_array_equal(c, 1.0)
    assert (_run(switch, {training: True}) == 0).any()
    assert drop.variables == []


def test_gradients_reach_every_trainable_variable():
    x = gc.placeholder(gc.float32, (None, 6, 6, 2))
    conv = gc.layers.Conv2D(3, 3, padding="same", activation=gc.nn.relu)
    up = gc.layers.Conv2DTranspose(2, 2, strides=2)
    bn = gc.layers.BatchNormalization()
    fc = gc.layers.Dense(1)
    h = gc.layers.Flatten()(bn(up(gc.layers.MaxPooling2D(2, 2)(conv(x))), training=True))
    loss = gc.reduce_sum(fc(h)) + gc.reduce_sum(fc(2.0 * h))      # fc twice: summed
    layers = [conv, up, bn, fc]
    params = [v for layer in layers for v in layer.trainable_variables]
    assert len(params) == 8
    grads = gc.gradients(loss, params)
    assert all(g is not None for g in grads)
    xs = np.random.default_rng(3).standard_normal((2, 6, 6, 2)).astype(np.float32)
    *values, hs = _run(grads + [h], {x: xs})
    assert all(np.abs(v).sum() > 0 for v in values)
    # fc's kernel gradient is the sum over both calls: h + 2h
    np.testing.assert_allclose(values[-2], 3 * hs.sum(0)[:, None], rtol=1e-4)


def test_a_small_training_loop_reduces_the_loss():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((64, 8, 3)).astype(np.float32)
    ys = (xs[:, :, 0].sum(1) > 0).astype(np.int32)
    x = gc.placeholder(gc.float32, (None, 8, 3))
    labels = gc.placeholder(gc.int32, (None,))
    training = gc.placeholder_with_default(False, [])
    conv = gc.layers.Conv1D(8, 3, padding="same", activation=gc.nn.relu)
    bn = gc.layers.BatchNormalization(momentum=0.8)    # the moving averages catch up
    pool = gc.layers.AveragePooling1D(2, 2)
    out = gc.layers.Dense(2, kernel_regularizer=lambda w: 1e-4 * gc.nn.l2_loss(w))
    logits = out(gc.layers.Flatten()(pool(bn(conv(x), training=training))))
    loss = gc.losses.sparse_softmax_cross_entropy(labels, logits)
    assert len(out.losses) == 1
    total = loss + gc.add_n(out.losses)
    with gc.control_dependencies(bn.updates):
        train_op = gc.train.AdamOptimizer(0.05).minimize(total)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        before = sess.run(loss, {x: xs, labels: ys})
        for _ in range(60):
            sess.run(train_op, {x: xs, labels: ys, training: True})
        after = sess.run(loss, {x: xs, labels: ys})
    assert after < before / 3


def test_not_trainable_layers():
    fc = gc.layers.Dense(2, trainable=False)
    fc(gc.placeholder(gc.float32, (None, 3)))
    assert fc.trainable_variables == [] and len(fc.non_trainable_variables) == 2
    assert gc.trainable_variables() == []


def test_a_custom_layer_builds_its_weights_once():
    class Scale(gc.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", [input_shape[-1]],
                                     initializer=gc.constant_initializer(2.0))
            super().build(input_shape)

        def call(self, inputs):
            return inputs * self.w

    layer = Scale()
    x = gc.constant([[1.0, 2.0]])
    y1, y2 = layer(x), layer(x + 1.0)
    assert layer.name == "scale" and [v.op.name for v in layer.variables] == ["scale/w"]
    np.testing.assert_allclose(_run([y1, y2]), [[[2.0, 4.0]], [[4.0, 6.0]]])
    with pytest.raises(gc.errors.GraphError, match="call it from build or call"):
        layer.add_weight("v", [1])


def test_errors():
    with pytest.raises(TypeError, match="unexpected keyword"):
        gc.layers.Dense(2, unit=3)
    fc = gc.layers.Dense(2, dtype=gc.float64)
    with pytest.raises(gc.errors.DTypeError, match="has dtype float64"):
        fc(gc.placeholder(gc.float32, (None, 3)))
    assert fc(np.ones((1, 3))).dtype is gc.float64        # a value takes the layer's dtype
    with pytest.raises(gc.errors.ShapeError, match="expected ndim=3"):
        gc.layers.Conv1D(2, 3)(gc.placeholder(gc.float32, (None, 4)))


def test_batch_normalization_adjustment_scales_and_shifts_while_training():
    """TF's layer: adjustment(shape) -> (scale, bias) applied to the normalized values
    before gamma and beta, only when training (checked against TF 2.21)."""
    x = gc.placeholder(gc.float32, [None, 3])
    t = gc.placeholder(gc.bool, [])
    a_s, a_b = np.array([1.5, 0.5, 2.0]), np.array([0.1, -0.2, 0.3])
    y = gc.layers.batch_normalization(
        x, training=t, adjustment=lambda shape: (gc.constant(a_s, gc.float32),
                                                 gc.constant(a_b, gc.float32)),
        gamma_initializer=gc.constant_initializer(2.0),
        beta_initializer=gc.constant_initializer(0.5))
    xv = (np.arange(12, dtype=np.float32).reshape(4, 3) ** 1.5)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        train, infer = s.run(y, {x: xv, t: True}), s.run(y, {x: xv, t: False})
    norm = (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3)
    np.testing.assert_allclose(train, norm * a_s * 2.0 + a_b * 2.0 + 0.5, rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(infer, xv / np.sqrt(1 + 1e-3) * 2.0 + 0.5, rtol=1e-5)
    with pytest.raises(ValueError, match="fused=True"):
        gc.layers.batch_normalization(x, adjustment=lambda s: (1.0, 0.0), fused=True)


def test_flatten_of_unknown_rank():
    x = gc.placeholder(gc.float32)
    y = gc.layers.flatten(x)
    with gc.Session() as s:
        assert [s.run(y, {x: np.ones(sh)}).shape for sh in [(2, 3, 4), (5,), (2, 3)]] == \
            [(2, 12), (5, 1), (2, 3)]                          # TF 2.21's shapes


def test_get_config_is_the_keras_layers_config_as_tf1():
    """TF1's tf.layers classes are Keras layers: TF 2.21's configs of these (but names,
    which TF numbers from its Keras counter), and from_config rebuilds the layer."""
    zeros = {"class_name": "Zeros", "config": {"dtype": "float32"}}
    dense = gc.layers.Dense(3, activation=gc.nn.relu, name="d")
    assert dense.get_config() == {
        "name": "d", "trainable": True, "dtype": None, "units": 3, "activation": "relu",
        "use_bias": True, "kernel_initializer": None, "bias_initializer": zeros,
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None}
    conv = gc.layers.Conv2D(4, 3, padding="same").get_config()
    assert {k: conv[k] for k in ("kernel_size", "strides", "dilation_rate", "groups",
                                 "activation", "padding", "data_format")} == {
        "kernel_size": (3, 3), "strides": (1, 1), "dilation_rate": (1, 1), "groups": 1,
        "activation": "linear", "padding": "same", "data_format": "channels_last"}
    bn = gc.layers.BatchNormalization().get_config()
    assert bn["moving_variance_initializer"] == {"class_name": "Ones",
                                                 "config": {"dtype": "float32"}}
    assert "renorm" not in bn and "fused" not in bn
    assert gc.layers.MaxPooling2D(2, 2).get_config()["pool_size"] == (2, 2)
    assert gc.layers.Dropout(0.3).get_config()["rate"] == 0.3
    again = gc.layers.Dense.from_config(dense.get_config())
    x = gc.placeholder(gc.float32, [None, 2])
    assert again(x).shape.as_list() == [None, 3] and again.activation is gc.keras.activations.relu
    assert gc.layers.BatchNormalization.from_config(bn).momentum == 0.99
    # an op function serializes by its short name, so TF can load what graphc saves
    assert gc.keras.layers.Dense(2, activation=gc.nn.relu).get_config()["activation"] == "relu"
    with pytest.raises(NotImplementedError, match="no Keras counterpart"):
        gc.layers.BatchNormalization(adjustment=lambda shape: (1.0, 0.0)).get_config()

    class Scale(gc.layers.Layer):
        def __init__(self, k, **kw):
            super().__init__(**kw)
            self.k = k
    assert gc.layers.Layer(name="plain").get_config() == {"name": "plain",
                                                           "trainable": True, "dtype": None}
    with pytest.raises(NotImplementedError, match="must override"):
        Scale(2).get_config()
