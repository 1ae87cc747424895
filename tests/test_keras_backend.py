"""gc.keras.backend's tensor functions, the added Keras optimizers and schedules,
initializer aliases, swish/mish and RadialConstraint (numpy references; no TF)."""
import numpy as np
import pytest

import graphc as gc

K = gc.keras.backend
RNG = np.random.default_rng(0)


def run(*fetches):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(list(fetches))


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


def test_reductions_shapes_and_dtypes():
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    t = K.constant(x)
    got = run(K.sum(t, 1, keepdims=True), K.mean(K.greater(t, 0.0)), K.std(t, [0, 2]),
              K.var(t), K.argmax(t), K.batch_flatten(t), K.flatten(t), K.cumsum(t, 2),
              K.repeat_elements(t, 2, 1), K.repeat(t[:, 0], 3), K.reverse(t, 1))
    want = [x.sum(1, keepdims=True), (x > 0).mean(), x.std((0, 2)), x.var(),
            x.argmax(-1), x.reshape(2, 12), x.ravel(), x.cumsum(2), x.repeat(2, 1),
            np.repeat(x[:, None, 0], 3, 1), x[:, ::-1]]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert got[4].dtype == np.int64
    assert K.dtype(K.mean(K.greater(t, 0.0))) == "float32"
    assert K.ndim(t) == 3 and K.int_shape(K.expand_dims(t)) == (2, 3, 4, 1)


def test_creation_defaults():
    assert isinstance(K.ones((2, 3)), gc.Variable)
    assert isinstance(K.zeros((0, 3)), gc.Tensor)          # an empty shape: a tensor
    assert isinstance(K.eye(3), gc.Variable)
    assert K.constant([1, 2]).dtype == gc.float32
    assert K.count_params(K.zeros((2, 3))) == 6
    a, b, c = run(K.arange(-3), K.arange(1, 7, 2, dtype="float32"), K.eye(2))
    assert a.shape == (0,) and b.dtype == np.float32 and (c == np.eye(2)).all()
    assert K.cast_to_floatx([1, 2]).dtype == np.float32
    assert K.backend() == "tensorflow"


def test_dot_and_batch_dot():
    x, y = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((4, 5))
    z = RNG.standard_normal((2, 4, 5))
    d, bd, v = run(K.dot(K.constant(x), K.constant(y)),
                   K.batch_dot(K.constant(x), K.constant(z)),
                   K.batch_dot(K.constant(x[:, 0]), K.constant(x[:, 1]), axes=1))
    np.testing.assert_allclose(d, x @ y, rtol=1e-5)
    np.testing.assert_allclose(bd, np.einsum("bij,bjk->bik", x, z), rtol=1e-5)
    np.testing.assert_allclose(v, (x[:, 0] * x[:, 1]).sum(1, keepdims=True), rtol=1e-5)
    with pytest.raises(ValueError, match="batch_dot over axis 0"):
        K.batch_dot(K.constant(x), K.constant(z), axes=(0, 1))
    with pytest.raises(ValueError, match="rank < 2"):
        K.batch_dot(K.constant([1.0]), K.constant(z))
    with pytest.raises(ValueError, match="different batch sizes"):
        K.batch_dot(K.constant(x), K.constant(z[:1]))


def test_switch_and_phases():
    x = K.constant([[-1.0, 2.0], [3.0, -4.0]])
    a, b, c = run(K.switch(K.greater(x, 0.0), x, -x), K.in_train_phase(x, -x),
                  K.in_train_phase(x, -x, training=1))
    np.testing.assert_allclose(a, np.abs(run(x)[0]))
    np.testing.assert_allclose(b, -run(x)[0])      # learning phase defaults to False
    np.testing.assert_allclose(c, run(x)[0])
    with gc.Session() as s:
        assert s.run(K.in_train_phase(x, -x), {K.learning_phase(): True})[0, 1] == 2.0
    with K.learning_phase_scope(1):
        assert K.learning_phase() == 1
        assert K.in_test_phase(x, -x) is not x
    assert isinstance(K.learning_phase(), gc.Tensor)
    with pytest.raises(ValueError, match="Rank of `condition`"):
        K.switch(gc.constant([[[True]]]), K.constant([1.0]), K.constant([2.0]))
    with pytest.raises(ValueError, match="0 or 1"):
        with K.learning_phase_scope(2):
            pass


def test_rnn_against_numpy():
    x = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    mask = np.array([[1, 1, 0, 1], [1, 0, 0, 0]], bool)

    def step(x_t, states):
        h = K.tanh(x_t + states[0])
        return h * 2.0, [h]
    last, outs, (h,) = K.rnn(step, K.constant(x), [K.zeros_like(K.constant(x[:, 0]))],
                             mask=gc.constant(mask))
    got = run(last, outs, h)
    hs, prev_out, want = np.zeros((2, 3), np.float32), np.zeros((2, 3), np.float32), []
    for t in range(4):
        new = np.tanh(x[:, t] + hs)
        m = mask[:, t:t + 1]
        prev_out = np.where(m, new * 2.0, prev_out)
        hs = np.where(m, new, hs)
        want.append(prev_out)
    want = np.stack(want, 1)
    np.testing.assert_allclose(got[1], want, rtol=1e-5)
    np.testing.assert_allclose(got[0], want[:, -1], rtol=1e-5)
    np.testing.assert_allclose(got[2], hs, rtol=1e-5)


def test_crossentropy_clipping():
    t, p = K.constant([[0.0, 1.0]]), K.constant([[0.0, 1.0]])
    bce, cce = run(K.binary_crossentropy(t, p), K.categorical_crossentropy(t, p))
    eps = 1e-7
    np.testing.assert_allclose(bce, -np.log(1 - eps + eps) * np.ones((1, 2)), rtol=1e-3)
    np.testing.assert_allclose(cce, [-np.log(1 - eps)], atol=1e-6)
    scce = run(K.sparse_categorical_crossentropy([1, 0], K.constant([[0.2, 0.8], [0.0, 1.0]]),
                                                 ignore_class=0))[0]
    np.testing.assert_allclose(scce, [-np.log(0.8), 0.0], rtol=1e-5)
    with pytest.raises(ValueError, match="incompatible"):
        K.categorical_crossentropy(K.constant([[1.0, 0.0]]), K.constant([[1.0, 0, 0]]))


def test_data_format_and_errors():
    assert K.image_data_format() == "channels_last"
    with pytest.raises(ValueError, match="Unknown data_format"):
        K.set_image_data_format("nchw")
    K.set_image_data_format("channels_first")
    try:
        x = K.constant(np.ones((1, 2, 3, 3), np.float32))
        assert K.int_shape(K.spatial_2d_padding(x)) == (1, 2, 5, 5)
        assert K.int_shape(K.pool2d(x, (2, 2))) == (1, 2, 2, 2)
    finally:
        K.set_image_data_format("channels_last")
    x = K.constant(np.ones((1, 4, 4, 2), np.float32))
    with pytest.raises(ValueError, match="Invalid pooling mode"):
        K.pool2d(x, (2, 2), pool_mode="min")
    with pytest.raises(ValueError, match="Invalid padding"):
        K.conv2d(x, K.constant(np.ones((2, 2, 2, 1), np.float32)), padding="full")
    with pytest.raises(ValueError, match="`interpolation` argument should be one of"):
        K.resize_images(x, 2, 2, "channels_last", "lanczos")
    with pytest.raises(ValueError, match="Unexpected bias dimensions"):
        K.bias_add(x, K.constant(np.ones((2, 2), np.float32)))
    assert K.int_shape(K.resize_images(x, 2, 3, "channels_last")) == (1, 8, 12, 2)
    assert K.int_shape(K.resize_volumes(K.expand_dims(x, 1), 2, 1, 1, "channels_last")) \
        == (1, 2, 4, 4, 2)


def test_sparse_and_keras_tensors():
    sp = gc.SparseTensor([[0, 1], [1, 0]], [2.0, 3.0], [2, 2])
    assert K.is_sparse(sp) and not K.is_sparse(K.constant(1.0))
    dense, both = run(K.to_dense(sp), K.to_dense(K.concatenate([sp, sp])))
    np.testing.assert_array_equal(dense, [[0, 2], [3, 0]])
    np.testing.assert_array_equal(both, [[0, 2, 0, 2], [3, 0, 3, 0]])
    assert K.is_keras_tensor(gc.keras.Input((3,)))
    assert not K.is_keras_tensor(K.constant(1.0))
    with pytest.raises(ValueError, match="Expected a symbolic tensor"):
        K.is_keras_tensor(np.zeros(2))


def test_ctc_label_dense_to_sparse_and_updates():
    sp = K.ctc_label_dense_to_sparse(K.constant([[1, 2, 0], [3, 0, 0]], dtype="int32"),
                                     K.constant([2, 1], dtype="int32"))
    idx, vals = run(sp.indices, sp.values)
    np.testing.assert_array_equal(idx, [[0, 0], [0, 1], [1, 0]])
    np.testing.assert_array_equal(vals, [1, 2, 3])
    v = K.variable([1.0, 2.0])
    avg = K.moving_average_update(v, K.constant([3.0, 5.0]), 0.9)
    w = K.variable([1.0])
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        np.testing.assert_allclose(s.run(avg), [3.0, 5.0], rtol=1e-6)   # zero-debiased
        assert s.run(K.update_add(w, [2.0]))[0] == 3.0
        assert s.run(K.update_sub(w, [1.0]))[0] == 2.0
        assert s.run(K.update(w, [7.0]))[0] == 7.0
        assert s.run(K.print_tensor(K.constant([1.0]), "x="))[0] == 1.0


def _quadratic_steps(opt, steps=2):
    w = gc.Variable(np.array([1.0, -2.0], np.float32))
    train = opt.minimize(gc.reduce_sum(gc.square(w)), var_list=[w])
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return [(s.run(train), s.run(w))[1] for _ in range(steps)]


def test_adamax_and_nadam_against_numpy():
    w = np.array([1.0, -2.0])
    m, v, out = np.zeros(2), np.zeros(2), []
    for t in (1, 2):
        g = 2 * w
        m = 0.9 * m + 0.1 * g
        v = np.maximum(0.999 * v, np.abs(g))
        w = w - 0.1 / (1 - 0.9 ** t) * m / (v + 1e-7)
        out.append(w)
    got = _quadratic_steps(gc.keras.optimizers.Adamax(0.1))
    np.testing.assert_allclose(got, out, rtol=1e-5)
    w, m, v, cache, out = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2), 1.0, []
    for t in (1, 2):
        g = 2 * w
        u_t = 0.9 * (1 - 0.5 * 0.96 ** (0.004 * t))
        u_n = 0.9 * (1 - 0.5 * 0.96 ** (0.004 * (t + 1)))
        cache = cache * u_t
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_bar = (1 - u_t) * g / (1 - cache) + u_n * m / (1 - cache * u_n)
        w = w - 0.1 * m_bar / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-7)
        out.append(w)
    np.testing.assert_allclose(_quadratic_steps(gc.keras.optimizers.Nadam(0.1)), out,
                               rtol=1e-5)


def test_optimizer_registry_and_schedules():
    O = gc.keras.optimizers
    for name, cls in (("adadelta", O.Adadelta), ("adamax", O.Adamax), ("ftrl", O.Ftrl),
                      ("nadam", O.Nadam)):
        opt = O.get(name)
        assert type(opt) is cls
        back = O.deserialize(O.serialize(opt))
        assert type(back) is cls and back.get_config() == opt.get_config()
    assert O.Nadam().get_config()["decay"] == 0.004
    sched = O.schedules.ExponentialDecay(0.1, 1, 0.5, staircase=True)
    opt = O.SGD(sched)
    assert opt.lr is sched
    back = O.deserialize(O.serialize(opt))
    assert isinstance(back.lr, O.schedules.ExponentialDecay)
    assert back.lr.get_config() == sched.get_config()
    got = _quadratic_steps(opt, steps=3)
    w, want = np.array([1.0, -2.0]), []
    for lr in (0.1, 0.05, 0.025):
        w = w - lr * 2 * w
        want.append(w)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    with pytest.raises(ValueError, match="1 less than"):
        O.schedules.PiecewiseConstantDecay([1, 2], [0.1])
    with pytest.raises(TypeError, match="Unexpected keyword"):
        O.Adamax(foo=1)


def test_initializers_activations_constraints():
    I = gc.keras.initializers
    assert I.random_normal is I.RandomNormal and I.truncated_normal is I.TruncatedNormal
    init = I.deserialize({"class_name": "RandomUniform", "config": {"maxval": 0.5}})
    assert isinstance(init, I.RandomUniform) and init.get_config()["maxval"] == 0.5
    x = np.linspace(-3, 3, 7).astype(np.float32)
    A = gc.keras.activations
    sw, mi = run(A.get("swish")(K.constant(x)), A.mish(K.constant(x)))
    np.testing.assert_allclose(sw, x / (1 + np.exp(-x)), rtol=1e-5)
    np.testing.assert_allclose(mi, x * np.tanh(np.log1p(np.exp(x))), rtol=1e-5)
    w = np.arange(9, dtype=np.float32).reshape(3, 3, 1, 1)
    out = run(gc.keras.constraints.get("radial_constraint")(K.constant(w)))[0][..., 0, 0]
    np.testing.assert_array_equal(out, [[4, 4, 4], [4, 0, 4], [4, 4, 4]])   # tf_keras picks
    with pytest.raises(ValueError, match="rank 4"):
        gc.keras.constraints.RadialConstraint()(K.constant(np.ones((3, 3))))
