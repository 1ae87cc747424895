"""Bug hunt 20 (float16, mixed precision, float64) against TF 2.21: the expected values
were taken by running the same programs in TF (tf.compat.v1, tf_keras' legacy
optimizers)."""
import numpy as np
import pytest

import graphc as gc

K = gc.keras


def run(fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feed)


# ---- float16 sums that TF accumulates in float32 ----------------------------------------
def test_bias_add_grad_float16_accumulates_in_float32():
    b = gc.placeholder(gc.float16, [3])
    g, = gc.gradients(gc.nn.bias_add(gc.ones([5000, 3], gc.float16), b), b)
    v = gc.placeholder(gc.float16)                  # rank known only at run time
    gv, = gc.gradients(gc.nn.bias_add(v, b), b)
    out = run([g, gv], {b: [0, 0, 0], v: np.ones((50, 10, 10, 3), np.float16)})
    np.testing.assert_array_equal(out[0], [5000, 5000, 5000])     # TF; was 2048
    np.testing.assert_array_equal(out[1], [5000, 5000, 5000])
    assert out[0].dtype == np.float16


def test_conv_layer_bias_grad_float16():
    x = gc.placeholder(gc.float16, [None, None, None, 3])
    y = gc.layers.conv2d(x, 4, 3, padding="same", name="c",
                         kernel_initializer=gc.ones_initializer(),
                         bias_initializer=gc.zeros_initializer())
    loss = gc.reduce_mean(gc.cast(y, gc.float32) ** 2)
    g, = gc.gradients(loss, [gc.trainable_variables()[1]])
    xv = np.random.RandomState(0).rand(8, 32, 32, 3).astype(np.float16) * 0.1
    np.testing.assert_array_equal(run(g, {x: xv}), np.full(4, 0.6426, np.float16))


def test_depthwise_filter_grad_and_einsum_float16():
    x = gc.placeholder(gc.float16, [None, None, None, 8])
    w = gc.Variable(np.full((3, 3, 8, 1), 0.5, np.float32))
    y = gc.nn.depthwise_conv2d(x, gc.cast(w, gc.float16), [1, 1, 1, 1], "SAME")
    gw, = gc.gradients(gc.reduce_sum(gc.cast(y, gc.float32)), [w])
    a, b = gc.placeholder(gc.float16, [None, None]), gc.placeholder(gc.float16, [None, None])
    e = gc.einsum("ij,jk->ik", a, b)
    out = run([gw, e], {x: np.full((4, 32, 32, 8), 0.25, np.float16),
                        a: np.full((2, 4096), 0.1, np.float16),
                        b: np.full((4096, 3), 1.0, np.float16)})
    assert out[0][1, 1, 0, 0] == 1024                   # TF; was 512
    np.testing.assert_array_equal(out[1], np.full((2, 3), 409.5, np.float16))  # was 256
    assert out[1].dtype == np.float16


def test_depthwise_input_grad_float16_sums_taps_in_float16():
    x = gc.constant(np.full((1, 1, 127, 1), 0.1, np.float16))
    f = gc.constant(np.full((1, 64, 1, 1), 0.1, np.float16))
    gx, = gc.gradients(gc.reduce_sum(gc.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "VALID")), x)
    # a pixel that all 64 taps read: TF adds the taps up in float16 (6.426, not 6.4)
    assert run(gx)[0, 0, 63, 0] == np.float16(6.426)


# ---- Keras optimizers --------------------------------------------------------------------
def test_nadam_float64_momentum_cache():
    K.backend.set_floatx("float64")
    try:
        m = K.Sequential([K.layers.Dense(1, input_shape=(2,), kernel_initializer="ones")])
        opt = K.optimizers.Nadam(learning_rate=0.1)
        m.compile(opt, "mse")
        X, Y = np.array([[1., 2.], [3., -1.]]), np.array([[0.], [1.]])
        for _ in range(5):
            m.train_on_batch(X, Y)
        cache = [w for w in opt.weights if "momentum_cache" in w.name][0]
        assert cache.dtype == gc.float64
        np.testing.assert_allclose(K.backend.get_value(cache), 0.018498035198638102,
                                   rtol=1e-14)
        np.testing.assert_allclose(m.get_weights()[0].ravel(), [0.66659994, 0.62384423],
                                   rtol=1e-7)
    finally:
        K.backend.set_floatx("float32")


# TF's rows after three steps on a (4, 2) embedding of ones: ids [0, 1], then [2, 0],
# then [3], loss sum(lookup * [1, -2])
_SPARSE = {
    ("Adamax", ()): [0.8000000715255737, 1.2000000476837158, 0.9000000357627869,
                     1.100000023841858, 0.9473684430122375, 1.0526316165924072,
                     0.9630996584892273, 1.0369004011154175],
    ("Nadam", ()): [0.8159866333007812, 1.1840133666992188, 0.8943548202514648,
                    1.1056451797485352, 0.8955023288726807, 1.1044976711273193,
                    0.8871404528617859, 1.1128594875335693],
    ("Adadelta", ()): [0.9997153282165527, 1.0002845525741577, 0.999858558177948,
                       1.0001413822174072, 0.999858558177948, 1.0001413822174072,
                       0.999858558177948, 1.0001413822174072],
    ("RMSprop", (("momentum", 0.9),)): [
        0.16975200176239014, 1.830248236656189, 0.6837724447250366, 1.316227674484253,
        0.6837724447250366, 1.316227674484253, 0.6837724447250366, 1.316227674484253],
    ("RMSprop", (("momentum", 0.5), ("centered", True))): [
        0.24509406089782715, 1.754906177520752, 0.6666668653488159, 1.3333332538604736,
        0.6666668653488159, 1.3333332538604736, 0.6666668653488159, 1.3333332538604736],
}
_SPARSE_SLOTS = {     # TF's first slot (m, accum_grad, rms) after the three steps
    "Adamax": [0.1900000423192978, -0.3800000846385956, 0.10000002384185791,
               -0.20000004768371582, 0.10000002384185791, -0.20000004768371582,
               0.10000002384185791, -0.20000004768371582],
    "Nadam": [0.17100003361701965, -0.3420000672340393, 0.08100001513957977,
              -0.16200003027915955, 0.09000001847743988, -0.18000003695487976,
              0.10000002384185791, -0.20000004768371582],
    "Adadelta": [0.0975000262260437, 0.3900001049041748, 0.050000011920928955,
                 0.20000004768371582, 0.050000011920928955, 0.20000004768371582,
                 0.050000011920928955, 0.20000004768371582],
}


@pytest.mark.parametrize("name,kw", list(_SPARSE))
def test_keras_sparse_updates_touch_only_looked_up_rows(name, kw):
    ids = gc.placeholder(gc.int32, [None])
    emb = gc.Variable(np.ones((4, 2), np.float32))
    loss = gc.reduce_sum(gc.nn.embedding_lookup(emb, ids) * [1.0, -2.0])
    opt = getattr(K.optimizers, name)(0.1, **dict(kw))
    grads = gc.gradients(loss, [emb])
    assert isinstance(grads[0], gc.IndexedSlices)
    train = opt.apply_gradients(zip(grads, [emb]))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        for batch in ([0, 1], [2, 0], [3]):
            s.run(train, {ids: batch})
        np.testing.assert_allclose(s.run(emb).ravel(), _SPARSE[name, kw], rtol=1e-6)
        if name in _SPARSE_SLOTS:
            slot = [w for w in opt.weights if len(w.shape) == 2][0]
            np.testing.assert_allclose(s.run(slot).ravel(), _SPARSE_SLOTS[name], rtol=1e-6)


def test_keras_minimize_takes_var_list_positionally():
    w = gc.Variable([1.0, -2.0])
    steps = [K.optimizers.SGD(0.1).minimize(lambda: gc.reduce_sum(w * w), [w]),
             K.mixed_precision.LossScaleOptimizer(K.optimizers.SGD(0.1)).minimize(
                 lambda: gc.reduce_sum(w * w), lambda: [w])]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(steps[0])
        np.testing.assert_allclose(s.run(w), [0.8, -1.6], rtol=1e-6)       # TF
        s.run(steps[1])
        np.testing.assert_allclose(s.run(w), [0.64, -1.28], rtol=1e-6)


def test_tf1_minimize_keeps_global_step_second():
    w = gc.Variable([1.0, -2.0])
    step = gc.train.get_or_create_global_step()
    train = gc.train.GradientDescentOptimizer(0.1).minimize(gc.reduce_sum(w * w), step)
    keras_train = K.optimizers.SGD(0.1).minimize(gc.reduce_sum(w * w), var_list=[w],
                                                  global_step=step)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(train)
        s.run(keras_train)
        assert s.run(step) == 2


# ---- TF1 optimizers ----------------------------------------------------------------------
def test_adam_sparse_update_in_dynamic_loss_scale_cond():
    ids = gc.placeholder(gc.int32, [None])
    emb = gc.get_variable("emb", initializer=np.arange(12, dtype=np.float32).reshape(6, 2) / 10)
    loss = gc.reduce_sum(gc.square(gc.cast(gc.nn.embedding_lookup(emb, ids), gc.float16)))
    opt = gc.train.experimental.MixedPrecisionLossScaleOptimizer(
        gc.train.AdamOptimizer(0.1), "dynamic")
    train = opt.minimize(gc.cast(loss, gc.float32))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        for _ in range(3):
            s.run(train, {ids: [1, 3, 1]})
        np.testing.assert_allclose(s.run(emb)[[1, 3]].ravel(),
                                   [-0.06718059, 0.01329834, 0.3035456, 0.40275103],
                                   rtol=1e-6)


# ---- compiler and gradients --------------------------------------------------------------
def test_float16_constant_multiplies_are_not_folded():
    u8 = gc.placeholder(gc.uint8, [None])
    f = gc.image.convert_image_dtype(u8, gc.float16)
    out = gc.image.convert_image_dtype(f * 1.2, gc.uint8, saturate=True)
    np.testing.assert_array_equal(run(out, {u8: [69, 207, 138, 113, 54]}),
                                  [82, 248, 165, 135, 64])                  # TF


def test_rsqrt_grad_float16_order():
    v = gc.placeholder(gc.float16, [None])
    g, = gc.gradients(gc.rsqrt(v), v,
                      grad_ys=gc.fill(gc.shape(v), gc.constant(1e-4, gc.float16)))
    np.testing.assert_array_equal(run(g, {v: [3e-4, 1e-3, 0.5]}),
                                  np.array([-9.633, -1.581, -1.414e-4], np.float16))
