"""gc.keras.backend's tensor functions against tf_keras.backend in TF graph mode: values,
dtypes, shapes and (where cheap) gradients, through tf_parity.check."""
import types

import numpy as np
import pytest

import graphc as gc
from tf_parity import check, rand, tf, v1
from keras_parity import tfk

TK = tfk.backend


def kb(m):
    """The Keras backend of module m (graphc or tf.compat.v1)."""
    return gc.keras.backend if m is gc else TK


X = rand(2, 3, 4, seed=1)
X32 = X.astype(np.float32)
P = rand(2, 3, 4, seed=2, low=0.05, high=1.0)
P32 = P.astype(np.float32)

UNARY = ["abs", "cos", "sin", "exp", "sign", "square", "round", "sqrt", "sigmoid", "tanh",
         "softplus", "softsign", "hard_sigmoid", "transpose", "flatten", "batch_flatten",
         "elu", "relu", "softmax", "stop_gradient", "cast_to_floatx"]


@pytest.mark.parametrize("name", UNARY)
def test_unary(name):
    grad = name not in ("round", "sign", "sqrt")
    check(lambda m, x: getattr(kb(m), name)(x), X, grad=grad)


def test_sqrt_gradient_of_positive_inputs():
    check(lambda m, x: kb(m).sqrt(x), P)


def test_log_pow_clip():
    check(lambda m, x: [kb(m).log(x), kb(m).pow(x, 3), kb(m).clip(x, 0.2, 0.5),
                        kb(m).clip(x, 0.6, 0.1)], P)


@pytest.mark.parametrize("name", ["sum", "prod", "max", "min", "mean", "std", "var"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, True), ([0, 2], False)])
def test_reductions(name, axis, keepdims):
    check(lambda m, x: getattr(kb(m), name)(x, axis=axis, keepdims=keepdims), X)


def test_bool_reductions_and_comparisons():
    def fn(m, x, y):
        k = kb(m)
        return [k.all(k.greater(x, 0.0), 1), k.any(x, axis=None), k.mean(k.less(x, y)),
                k.equal(x, y), k.not_equal(x, y), k.greater_equal(x, y), k.less_equal(x, y),
                k.maximum(x, y), k.minimum(x, y), k.argmax(x), k.argmin(x, 1),
                k.std(k.less(x, 0.0), 0)]
    check(fn, X, rand(2, 3, 4, seed=3))


def test_shapes():
    def fn(m, x):
        k = kb(m)
        return [k.reshape(x, (4, 6)), k.permute_dimensions(x, (2, 0, 1)),
                k.expand_dims(x), k.expand_dims(x, 1), k.squeeze(k.expand_dims(x, 1), 1),
                k.stack([x, x], 1), k.concatenate([x, x]), k.concatenate([x, x], -2),
                k.tile(x, (1, 2, 1)), k.tile(x[0, 0], 2), k.reverse(x, 1),
                k.reverse(x, [0, 2]), k.repeat(x[:, 0], 3), k.repeat_elements(x, 2, 1),
                k.gather(x, [1, 0, 1]), k.cumsum(x, 1), k.cumprod(x), k.shape(x)]
    check(fn, X)


@pytest.mark.parametrize("xs,ys,axes", [((2, 5), (2, 5), 1), ((2, 3, 4), (2, 4, 5), None),
                                        ((2, 3, 4), (2, 3, 5), 1), ((2, 3), (2, 3, 5), None),
                                        ((2, 3, 4, 5), (2, 5, 2), (3, 1)),
                                        ((2, 3, 4), (2, 4), None), ((2, 4, 3), (2, 4), (1, 1))])
def test_batch_dot(xs, ys, axes):
    check(lambda m, x, y: kb(m).batch_dot(x, y, axes=axes), rand(*xs, seed=4),
          rand(*ys, seed=5))


@pytest.mark.parametrize("xs,ys", [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)),
                                   ((2, 3), (4, 3, 5)), ((2, 3, 4), (6, 4, 5))])
def test_dot(xs, ys):
    check(lambda m, x, y: kb(m).dot(x, y), rand(*xs, seed=6), rand(*ys, seed=7))


def test_creation_and_info():
    def fn(m):
        k = kb(m)
        return [k.arange(5), k.arange(-3), k.arange(1, 7, 2, dtype="float32"),
                k.one_hot(k.constant([0, 2], dtype="int32"), 3), k.constant([1, 2]),
                k.constant(1.5, shape=(2, 2), dtype="float64"), k.ones((2, 3)),
                k.zeros((2,), dtype="int32"), k.eye(3), k.zeros_like(k.constant([1.0])),
                k.ones_like(k.constant([[1, 2]]), dtype="float64")]
    check(fn, grad=False)
    with tf.Graph().as_default():
        want = [TK.dtype(TK.ones((2, 3))), TK.ndim(TK.placeholder((None, 2))),
                TK.count_params(TK.zeros((2, 3))), TK.backend(), TK.image_data_format()]
    with gc.Graph().as_default():
        K = gc.keras.backend
        got = [K.dtype(K.ones((2, 3))), K.ndim(K.placeholder((None, 2))),
               K.count_params(K.zeros((2, 3))), K.backend(), K.image_data_format()]
    assert got == want


def test_switch_and_phases():
    def fn(m, x):
        k = kb(m)
        c = k.greater(x, 0.0)
        return [k.switch(c, x, -x), k.switch(c[0, 0], x, x * 2), k.switch(c[:, :, 0], x, -x),
                k.switch(k.constant(True, dtype="bool"), lambda: x, lambda: x * 3),
                k.in_train_phase(x, x * 2), k.in_test_phase(x, x * 2),
                k.in_train_phase(x, x * 2, training=1), k.in_test_phase(x, -x, training=1)]
    check(fn, X)


def test_map_fold():
    def fn(m, x):
        k = kb(m)
        return [k.map_fn(lambda r: r * 2.0, x), k.foldl(lambda a, r: a + r, x),
                k.foldr(lambda a, r: a * 0.5 + r, x, initializer=x[0] * 0.0)]
    check(fn, X)


@pytest.mark.parametrize("masked,backwards,zero_out,all_out", [
    (False, False, False, True), (True, False, False, True), (True, True, True, True),
    (True, False, True, False), (False, True, False, False)])
def test_rnn(masked, backwards, zero_out, all_out):
    w = rand(4, 3, seed=8)
    mask = np.array([[True, True, False, True], [True, False, False, False]])

    def fn(m, x, h0):
        k = kb(m)

        def step(x_t, states):
            h = k.tanh(k.dot(x_t, k.constant(w, dtype="float64")) + states[0] * 0.5)
            return h * 2.0, [h]
        mk = k.constant(mask, dtype="bool") if masked else None
        last, outs, states = k.rnn(step, x, [h0], go_backwards=backwards, mask=mk,
                                   zero_output_for_mask=zero_out,
                                   return_all_outputs=all_out)
        return [last, outs, states[0]]
    check(fn, rand(2, 4, 4, seed=9), rand(2, 3, seed=10), rtol=1e-5, atol=1e-6)


def test_crossentropies():
    t = (rand(2, 3, 4, seed=11, low=0, high=1) > 0.5).astype(np.float64)
    onehot = np.eye(4)[[[0, 3, 1], [2, 2, 0]]]       # rows summing to 1 (see docs)

    def fn(m, tt, oh, p, z):
        k = kb(m)
        return [k.binary_crossentropy(tt, p), k.binary_crossentropy(tt, z, from_logits=True),
                k.binary_crossentropy(tt, k.sigmoid(z)),
                k.categorical_crossentropy(tt, p), k.categorical_crossentropy(tt, p, axis=1),
                k.categorical_crossentropy(oh, z, from_logits=True),
                k.categorical_crossentropy(oh, k.softmax(z)),
                k.binary_focal_crossentropy(tt, p),
                k.binary_focal_crossentropy(tt, z, apply_class_balancing=True, gamma=1.5,
                                            from_logits=True),
                k.categorical_focal_crossentropy(tt, p, alpha=0.5),
                k.categorical_focal_crossentropy(tt, z, from_logits=True, axis=1)]
    check(fn, t, onehot, P, X, rtol=1e-5)


def test_sparse_categorical_crossentropy():
    labels = np.array([[0, 3, 1], [2, 2, 0]], np.int32)

    def fn(m, p, z):
        k = kb(m)
        return [k.sparse_categorical_crossentropy(labels, p),
                k.sparse_categorical_crossentropy(labels.reshape(2, 3, 1), p),
                k.sparse_categorical_crossentropy(labels, z, from_logits=True),
                k.sparse_categorical_crossentropy(labels, k.softmax(z)),
                k.sparse_categorical_crossentropy(labels[:, :2] % 3, z[:, :, :2],
                                                  from_logits=True, axis=1),
                k.sparse_categorical_crossentropy(labels, z, from_logits=True,
                                                  ignore_class=2)]
    check(fn, P, X, rtol=1e-5)


def test_batch_normalization():
    def fn(m, x, mean, var, beta, gamma):
        k = kb(m)
        return [k.batch_normalization(x, mean, var, beta, gamma, epsilon=1e-3),
                k.batch_normalization(x, mean, var, None, gamma)]
    check(fn, X, rand(4, seed=12), rand(4, seed=13, low=0.5), rand(4, seed=14),
          rand(4, seed=15), rtol=1e-5)
    x4 = rand(2, 3, 3, 4, seed=16).astype(np.float32)

    def fn4(m, x, mean, var, beta, gamma):
        return kb(m).batch_normalization(x, mean, var, beta, gamma, axis=-1)
    check(fn4, x4, *(rand(4, seed=s, low=0.5).astype(np.float32) for s in range(17, 21)),
          grad=False, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axes", [[0], [0, 1], [0, 2], [0, 1, 2]])
def test_normalize_batch_in_training(axes):
    x = rand(3, 4, 5, 2, seed=21).astype(np.float32)
    shape = [x.shape[a] for a in range(4) if a not in axes]
    if axes == [0, 1, 2]:
        shape = [2]

    def fn(m, x, gamma, beta):
        return list(kb(m).normalize_batch_in_training(x, gamma, beta, axes))
    check(fn, x, rand(*shape, seed=22).astype(np.float32),
          rand(*shape, seed=23).astype(np.float32), grad=False, rtol=1e-4, atol=1e-5)


def test_nn_misc():
    def fn(m, x, b):
        k = kb(m)
        return [k.l2_normalize(x, axis=1), k.l2_normalize(x), k.bias_add(x, b),
                k.bias_add(x, k.constant(np.ones((3, 4)), dtype="float64")),
                k.bias_add(x, k.constant(np.ones(3), dtype="float64"),
                           data_format="channels_first"),
                k.relu(x, alpha=0.1), k.relu(x, max_value=6), k.relu(x, 0.2, 0.5, 0.1),
                k.relu(x, threshold=0.5), k.elu(x, 0.5), k.softmax(x, 1)]
    check(fn, X, rand(4, seed=24))
    check(lambda m, p: kb(m).in_top_k(p, [1, 3], 2), rand(2, 4, seed=25).astype(np.float32))


CONV = [("conv1d", (2, 7, 3), (3, 3, 2), dict(strides=2, padding="same")),
        ("conv1d", (2, 7, 3), (3, 3, 2), dict(padding="causal", dilation_rate=2)),
        ("conv1d", (2, 3, 7), (3, 3, 2), dict(data_format="channels_first")),
        ("conv2d", (2, 6, 5, 3), (3, 2, 3, 2), dict(strides=(2, 1), padding="same")),
        ("conv2d", (2, 3, 6, 5), (3, 3, 3, 2), dict(data_format="channels_first",
                                                    dilation_rate=(2, 1))),
        ("conv3d", (1, 4, 5, 4, 2), (2, 2, 2, 2, 3), dict(padding="same")),
        ("depthwise_conv2d", (2, 6, 5, 3), (3, 3, 3, 2), dict(padding="same")),
        ("depthwise_conv2d", (2, 3, 6, 5), (2, 2, 3, 1), dict(data_format="channels_first"))]


@pytest.mark.parametrize("name,xs,ks,kw", CONV)
def test_conv(name, xs, ks, kw):
    check(lambda m, x, k: getattr(kb(m), name)(x, k, **kw), rand(*xs, seed=26),
          rand(*ks, seed=27), rtol=1e-5, atol=1e-6)


def test_separable_and_transpose():
    def fn(m, x, dk, pk, tk):
        k = kb(m)
        return [k.separable_conv2d(x, dk, pk, padding="same"),
                k.separable_conv2d(x, dk, pk, strides=(2, 2)),
                k.conv2d_transpose(x, tk, (2, 12, 10, 2), strides=(2, 2), padding="same"),
                k.conv2d_transpose(x, tk, (None, 8, 7, 2)),
                k.conv2d_transpose(x, tk, (2, 10, 9, 2), dilation_rate=(2, 2))]
    check(fn, rand(2, 6, 5, 3, seed=28), rand(3, 3, 3, 2, seed=29), rand(1, 1, 6, 4, seed=30),
          rand(3, 3, 2, 3, seed=31), rtol=1e-5, atol=1e-6)
    check(lambda m, x, tk: kb(m).conv2d_transpose(x, tk, (2, 2, 12, 10), (2, 2), "same",
                                                  "channels_first"),
          rand(2, 3, 6, 5, seed=32), rand(3, 3, 2, 3, seed=33), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool(mode):
    def fn(m, x2, x3):
        k = kb(m)
        return [k.pool2d(x2, (2, 2), (2, 2), pool_mode=mode),
                k.pool2d(x2, (3, 2), padding="same", pool_mode=mode),
                k.pool2d(k.permute_dimensions(x2, (0, 3, 1, 2)), (2, 2), (1, 2),
                         data_format="channels_first", pool_mode=mode),
                k.pool3d(x3, (2, 2, 2), (1, 2, 1), "same", pool_mode=mode)]
    check(fn, rand(2, 6, 5, 3, seed=34).astype(np.float32),
          rand(1, 4, 5, 4, 2, seed=35).astype(np.float32), rtol=1e-5)


@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
def test_local_conv(fmt):
    def fn(m, x1, k1, x2, k2):
        k = kb(m)
        return [k.local_conv1d(x1, k1, (3,), (2,), data_format="channels_last"),
                k.local_conv2d(x2, k2, (2, 2), (1, 2), (3, 2), data_format=fmt)]
    x2 = rand(2, 4, 4, 3, seed=36) if fmt == "channels_last" else rand(2, 3, 4, 4, seed=36)
    check(fn, rand(2, 7, 3, seed=37), rand(3, 9, 2, seed=38), x2, rand(6, 12, 5, seed=39))


def test_resize_and_padding():
    def fn(m, x, x5):
        k = kb(m)
        return [k.resize_images(x, 2, 3, "channels_last"),
                k.resize_images(x, 2, 2, "channels_last", "bilinear"),
                k.resize_images(x, 2, 1, "channels_first", "bicubic"),
                k.resize_volumes(x5, 2, 1, 3, "channels_last"),
                k.resize_volumes(x5, 1, 2, 2, "channels_first"),
                k.temporal_padding(x[:, 0], (2, 1)), k.spatial_2d_padding(x),
                k.spatial_2d_padding(x, ((0, 1), (2, 0)), "channels_first"),
                k.spatial_3d_padding(x5, ((1, 0), (0, 2), (1, 1)))]
    check(fn, rand(2, 3, 4, 2, seed=40).astype(np.float32),
          rand(1, 2, 3, 2, 2, seed=41).astype(np.float32), rtol=1e-5, atol=1e-5)
    # TF has no gradient for ResizeArea
    check(lambda m, x: kb(m).resize_images(x, 2, 2, "channels_last", "area"),
          rand(2, 3, 4, 2, seed=40).astype(np.float32), grad=False, rtol=1e-5)


def test_ctc():
    probs = rand(2, 6, 4, seed=42, low=0.1, high=1.0)
    probs = (probs / probs.sum(-1, keepdims=True)).astype(np.float32)
    labels = np.array([[1, 2, 0], [2, 0, 0]], np.int32)

    def fn(m, y):
        k = kb(m)
        sp = k.ctc_label_dense_to_sparse(k.constant(labels, dtype="int32"),
                                         k.constant([3, 1], dtype="int32"))
        greedy, lp = k.ctc_decode(y, [6, 4])
        beams, blp = k.ctc_decode(y, [6, 5], greedy=False, beam_width=4, top_paths=2)
        cost = k.ctc_batch_cost(labels, y, np.array([[6], [5]]), np.array([[3], [1]]))
        return [sp.indices, sp.values, sp.dense_shape, greedy[0], lp, beams[0], beams[1],
                blp, cost]
    check(fn, probs, rtol=1e-4, atol=1e-5)


def test_random_shapes_and_dtypes():
    def fn(m):
        k = kb(m)
        return [k.random_normal((2, 3), seed=1), k.random_uniform((3,), 1.0, 2.0, seed=2),
                k.truncated_normal((2, 2), dtype="float64", seed=3),
                k.random_bernoulli((4,), p=0.5, seed=4),
                k.random_binomial((2,), p=0.3, dtype="float64", seed=5),
                k.random_normal_variable((2, 2), 0.0, 1.0, seed=6),
                k.random_uniform_variable((3,), 0.0, 1.0, dtype="float64", seed=7),
                k.dropout(k.ones((5, 4)), 0.5, seed=8)]
    check(fn, grad=False, values=False)


def test_updates_and_moving_average():
    """moving_average_update is TF1's assign_moving_average(zero_debias=True), what
    tf_keras runs with v2 behaviour off."""
    from tensorflow.python.training import moving_averages

    def run(m):
        g = gc.Graph() if m is gc else tf.Graph()
        with g.as_default():
            k = kb(m)
            v = k.variable(np.array([1.0, 2.0]))
            w = k.variable(np.array([1.0, 2.0]))
            if m is gc:
                avg = k.moving_average_update(v, k.constant([3.0, 5.0]), 0.9)
            else:
                avg = moving_averages.assign_moving_average(v, tf.constant([3.0, 5.0]), 0.9,
                                                            zero_debias=True)
            ups = [k.update(w, w * 2.0), k.update_add(w, [1.0, 1.0]),
                   k.update_sub(w, [0.5, 0.5])]
            with (gc.Session() if m is gc else v1.Session()) as s:
                s.run((gc if m is gc else v1).global_variables_initializer())
                out = [s.run(avg) for _ in range(3)]
                return out + [s.run(u) for u in ups]
    for a, b in zip(run(gc), run(v1)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_gradients_and_is_sparse():
    def fn(m, x):
        k = kb(m)
        return k.gradients(k.sum(k.square(x)), [x])
    check(fn, X, grad=False)
    for m in (gc, v1):
        g = gc.Graph() if m is gc else tf.Graph()
        with g.as_default():
            k = kb(m)
            lib = gc if m is gc else tf
            sp = lib.SparseTensor([[0, 1]], [2.0], [2, 3])
            assert k.is_sparse(sp) and not k.is_sparse(k.constant([1.0]))
            dense = k.to_dense(sp)
            assert k.int_shape(dense) == (2, 3)
            inp = (gc.keras if m is gc else tfk).Input((3,))
            assert k.is_keras_tensor(inp)
            with pytest.raises(ValueError):
                k.is_keras_tensor(np.zeros(2))


# ---- optimizers -------------------------------------------------------------------------------
def _opt_steps(lib, make, steps=3, dtype=np.float32):
    """The variables after each of `steps` minimize steps of a small quadratic loss."""
    w0 = np.array([[0.5, -1.0], [2.0, 0.3]], dtype)
    b0 = np.array([0.1, -0.2], dtype)
    x = np.array([[1.0, 2.0], [-0.5, 0.3], [0.7, -1.2]], dtype)
    if lib is gc:
        g = gc.Graph()
        with g.as_default():
            w, b = gc.Variable(w0, name="w"), gc.Variable(b0, name="b")
            loss = gc.reduce_sum(gc.square(gc.matmul(x, w) + b - 1.0)) + gc.reduce_sum(w ** 3)
            opt = make(gc.keras.optimizers)
            train = opt.minimize(loss, var_list=[w, b])
            with gc.Session() as s:
                s.run(gc.global_variables_initializer())
                return [(s.run(train), s.run([w, b]))[1] for _ in range(steps)], opt.get_config()
    g = tf.Graph()
    with g.as_default():
        w, b = v1.Variable(w0, name="w"), v1.Variable(b0, name="b")
        loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b - 1.0)) + tf.reduce_sum(w ** 3)
        legacy = tfk.optimizers.legacy
        opt = make(types.SimpleNamespace(schedules=tfk.optimizers.schedules, **{
            n: getattr(legacy, n) for n in ("Adadelta", "Adamax", "Ftrl", "Nadam", "Adam",
                                            "SGD")}))
        train = opt.apply_gradients(zip(v1.gradients(loss, [w, b]), [w, b]))
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            return [(s.run(train), s.run([w, b]))[1] for _ in range(steps)], opt.get_config()


OPTS = [lambda o: o.Adadelta(), lambda o: o.Adadelta(1.0, rho=0.9, epsilon=1e-6),
        lambda o: o.Adamax(), lambda o: o.Adamax(0.01, beta_1=0.8, decay=0.1),
        lambda o: o.Ftrl(0.1), lambda o: o.Ftrl(0.1, l1_regularization_strength=0.01,
                                                  l2_regularization_strength=0.1, beta=0.5),
        lambda o: o.Ftrl(0.1, learning_rate_power=-0.3,
                         l2_shrinkage_regularization_strength=0.2),
        lambda o: o.Nadam(), lambda o: o.Nadam(0.05, beta_1=0.8, schedule_decay=0.01),
        lambda o: o.Adam(o.schedules.ExponentialDecay(0.1, 2, 0.5)),
        lambda o: o.SGD(o.schedules.PiecewiseConstantDecay([0, 1], [0.1, 0.05, 0.01])),
        lambda o: o.SGD(o.schedules.PolynomialDecay(0.1, 2, power=2.0, cycle=True)),
        lambda o: o.SGD(o.schedules.InverseTimeDecay(0.1, 1, 0.5, staircase=True)),
        lambda o: o.SGD(o.schedules.CosineDecay(0.1, 3, alpha=0.1)),
        lambda o: o.SGD(o.schedules.CosineDecay(0.1, 3, warmup_target=0.2, warmup_steps=2)),
        lambda o: o.SGD(o.schedules.CosineDecayRestarts(0.1, 1, t_mul=1.5, m_mul=0.5))]


@pytest.mark.parametrize("i", range(len(OPTS)))
def test_optimizer_steps(i):
    got, gcfg = _opt_steps(gc, OPTS[i], steps=4)
    want, tcfg = _opt_steps(tfk, OPTS[i], steps=4)
    for a, b in zip(got, want):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=2e-5, atol=1e-6)
    tcfg.pop("is_legacy_optimizer", None)
    assert sorted(gcfg) == sorted(tcfg)
    for key, value in tcfg.items():
        if isinstance(value, dict):
            assert gcfg[key]["class_name"] == value["class_name"]
            assert gcfg[key]["config"] == value["config"]
        else:
            assert gcfg[key] == pytest.approx(value), key


def test_optimizer_names():
    for name in ("adadelta", "adamax", "ftrl", "nadam"):
        assert type(gc.keras.optimizers.get(name)).__name__ == \
            type(tfk.optimizers.legacy.get(name) if hasattr(tfk.optimizers.legacy, "get")
                 else tfk.optimizers.get(name)).__name__


def test_activations_swish_mish():
    acts = {gc: gc.keras.activations, v1: tfk.activations}
    check(lambda m, x: [acts[m].swish(x), acts[m].mish(x), acts[m].get("swish")(x),
                        acts[m].get("mish")(x)], X)


@pytest.mark.parametrize("size", [2, 3, 4, 5])
def test_radial_constraint(size):
    cons = {gc: gc.keras.constraints, v1: tfk.constraints}
    check(lambda m, w: cons[m].RadialConstraint()(w), rand(size, size, 2, 3, seed=size),
          grad=False)
    check(lambda m, w: cons[m].get("radial_constraint")(w), rand(size, size, 1, 2, seed=9),
          grad=False)


def test_initializer_aliases():
    for name in ("random_normal", "random_uniform", "truncated_normal"):
        mine = getattr(gc.keras.initializers, name)()
        theirs = getattr(tfk.initializers, name)()
        assert type(mine).__name__ == type(theirs).__name__
        got = mine.get_config()
        want = theirs.get_config()
        assert {k: got[k] for k in want if k in got} == {k: want[k] for k in want if k in got}
        back = gc.keras.initializers.deserialize(gc.keras.initializers.serialize(mine))
        assert type(back) is type(mine) and back.get_config() == got
