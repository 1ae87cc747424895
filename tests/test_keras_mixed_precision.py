"""gc.keras layers under dtype policies (graphc/keras/engine_dtype.py): Layer(dtype=...)
with a name or a Policy, the global policy, autocast of inputs, float32 variables read
as float16 under 'mixed_float16', BatchNormalization/LayerNormalization/Embedding in
float32, training with a LossScaleOptimizer, and V1 dtype behaviour."""
import numpy as np
import pytest

import graphc as gc
import graphc.keras.mixed_precision as mp

K = gc.keras
L = gc.keras.layers
RNG = np.random.default_rng(5)


@pytest.fixture(autouse=True)
def _reset():
    yield
    L.enable_v2_dtype_behavior()
    mp.set_global_policy(None)


def _run(fetches, feeds=None):
    sess = K.backend.get_session()
    sess.run(gc.global_variables_initializer())
    return sess.run(fetches, feeds)


# ---- policies of layers ------------------------------------------------------------------------
def test_layer_dtype_and_policy():
    with gc.Graph().as_default():
        d = L.Dense(2)
        assert (d.dtype, d.compute_dtype, d.variable_dtype) == ("float32",) * 3
        assert repr(d.dtype_policy) == '<Policy "float32">'
        assert d.get_config()["dtype"] == "float32"
        m = L.Dense(2, dtype="mixed_float16")
        assert (m.dtype, m.compute_dtype) == ("float32", "float16")
        assert m.get_config()["dtype"] == {
            "module": "keras.mixed_precision", "class_name": "Policy",
            "config": {"name": "mixed_float16"}, "registered_name": None}
        again = L.Dense.from_config(m.get_config())
        assert again.dtype_policy.name == "mixed_float16"
        p = L.Dense(2, dtype=mp.Policy("float64"))
        assert (p.dtype, p.compute_dtype, p.get_config()["dtype"]) == ("float64",) * 3
        assert L.Dense(2, dtype=gc.float64).dtype == "float64"
        assert L.Dense(2, dtype=np.dtype("float64")).dtype == "float64"


def test_global_policy_is_the_default_of_new_layers():
    with gc.Graph().as_default():
        before = L.Dense(2)
        mp.set_global_policy("mixed_float16")
        after = L.Dense(2)
        assert before.compute_dtype == "float32"
        assert after.dtype_policy.name == "mixed_float16"
        assert L.Dense(2, dtype="float32").compute_dtype == "float32"
        mp.set_global_policy(None)
        assert L.Dense(2).compute_dtype == "float32"


def test_bfloat16_is_refused():
    with pytest.raises(NotImplementedError, match="no bfloat16"):
        mp.set_global_policy("mixed_bfloat16")
    with gc.Graph().as_default(), pytest.raises(NotImplementedError, match="no bfloat16"):
        L.Dense(2, dtype="mixed_bfloat16")
    assert mp.global_policy().name == "float32"


def test_unknown_layer_keyword_still_fails():
    with pytest.raises(TypeError, match="Keyword argument not understood: 'bogus'"):
        L.Dense(2, bogus=1)


# ---- autocast of inputs ------------------------------------------------------------------------
def test_floating_inputs_cast_to_compute_dtype():
    with gc.Graph().as_default():
        x64 = gc.constant(RNG.standard_normal((2, 3)))
        assert L.Flatten()(x64).dtype == gc.float32
        assert L.Flatten(dtype="float64")(gc.ones((2, 3))).dtype == gc.float64
        ints = gc.constant([[1, 2]])
        assert L.Lambda(lambda t: t)(ints).dtype == gc.int32
        assert L.Flatten(autocast=False)(x64).dtype == gc.float64
        y = L.Dense(2, kernel_initializer="ones")(x64)
        assert y.dtype == gc.float32
        np.testing.assert_allclose(_run(y), _run(x64).sum(1, keepdims=True) * [1, 1],
                                   rtol=1e-6)


def test_mixed_dense_values_dtypes_and_gradients():
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    with gc.Graph().as_default():
        mp.set_global_policy("mixed_float16")
        d = L.Dense(2, activation="relu", bias_initializer="ones")
        inp = gc.constant(x)
        y = d(inp)
        assert y.dtype == gc.float16
        assert d.kernel.dtype == gc.float32 and isinstance(d.kernel, gc.Variable)
        assert [w.dtype for w in d.weights] == [gc.float32, gc.float32]
        loss = gc.reduce_sum(gc.cast(y, gc.float32))
        grads = gc.gradients(loss, d.trainable_weights)
        assert [g.dtype for g in grads] == [gc.float32, gc.float32]
        out, kernel, bias, gk = _run([y, d.kernel, d.bias, grads[0]])
        want = np.maximum(x @ kernel + bias, 0)
        assert out.dtype == np.float16
        np.testing.assert_allclose(out, want, rtol=1e-2, atol=1e-2)
        np.testing.assert_allclose(gk, x.T @ (want > 0).astype(np.float32), rtol=1e-2,
                                   atol=1e-2)


def test_variable_attribute_restored_and_shared_on_second_call():
    with gc.Graph().as_default():
        d = L.Dense(2, dtype="mixed_float16")
        y1 = d(gc.ones((1, 3)))
        y2 = d(gc.ones((1, 3), gc.float64))
        assert isinstance(d.kernel, gc.Variable) and len(d.weights) == 2
        assert y1.dtype == y2.dtype == gc.float16
        a, b = _run([y1, y2])
        np.testing.assert_array_equal(a, b)


def test_float32_layer_inside_mixed_model():
    with gc.Graph().as_default():
        mp.set_global_policy("mixed_float16")
        x = K.Input((3,))
        h = L.Dense(4)(x)
        out = L.Activation("softmax", dtype="float32")(h)
        assert (h.dtype, out.dtype) == (gc.float16, gc.float32)
        model = K.Model(x, out)
        assert model.dtype_policy.name == "mixed_float16"
        assert model.predict(np.ones((2, 3), np.float32)).dtype == np.float32


def test_sublayer_weights_read_in_the_callers_dtype():
    """RNN calls its cell's `call` directly: the cell's weights are cast too."""
    with gc.Graph().as_default():
        mp.set_global_policy("mixed_float16")
        rnn = L.RNN(L.GRUCell(3))
        y = rnn(gc.constant(RNG.standard_normal((2, 4, 2)).astype(np.float32)))
        assert y.dtype == gc.float16
        assert {w.dtype for w in rnn.weights} == {gc.float32}
        assert isinstance(rnn.cell.kernel, gc.Variable)
        assert np.isfinite(_run(y)).all()


def test_nested_layer_with_other_policy_recasts_from_the_variable():
    class Outer(L.Layer):
        def build(self, input_shape):
            self.inner = L.Dense(2, dtype="float32")
            self.w = self.add_weight("w", (3,), initializer="ones")

        def call(self, inputs):
            return self.inner(inputs * self.w)

    with gc.Graph().as_default():
        outer = Outer(dtype="mixed_float16")
        y = outer(gc.ones((1, 3)))
        # the inner float32 Dense gets float16 inputs cast back to float32
        assert y.dtype == gc.float32
        assert outer.inner.kernel.dtype == gc.float32
        assert outer.w.dtype == gc.float32
        assert _run(y).shape == (1, 2)


# ---- layers that keep float32 --------------------------------------------------------------------
def test_batch_normalization_float32_statistics():
    x = (RNG.standard_normal((6, 3)) * 3 + 2).astype(np.float32)
    with gc.Graph().as_default():
        bn = L.BatchNormalization(dtype="mixed_float16")
        y = bn(gc.constant(x), training=True)
        assert y.dtype == gc.float16
        assert [w.dtype for w in bn.weights] == [gc.float32] * 4
        assert isinstance(bn.moving_mean, gc.Variable)
        out = _run(y)
        _run(bn.updates)
        mean = x.astype(np.float16).astype(np.float32).mean(0)
        np.testing.assert_allclose(out, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3),
                                   atol=2e-2)
        np.testing.assert_allclose(K.backend.get_value(bn.moving_mean), 0.01 * mean,
                                   rtol=1e-3)
        pure = L.BatchNormalization(dtype="float16")
        pure(gc.ones((2, 3), gc.float16))
        assert [w.dtype for w in pure.weights] == [gc.float32] * 4


def test_layer_normalization_and_embedding():
    with gc.Graph().as_default():
        mp.set_global_policy("mixed_float16")
        ln = L.LayerNormalization()
        y = ln(gc.constant(RNG.standard_normal((2, 5)).astype(np.float32)))
        assert y.dtype == gc.float16 and ln.gamma.dtype == gc.float32
        np.testing.assert_allclose(_run(y).mean(1), 0, atol=1e-2)
        emb = L.Embedding(4, 2)
        e = emb(gc.constant([[1, 3]]))
        assert e.dtype == gc.float16 and emb.embeddings.dtype == gc.float32
        table, rows = _run([emb.embeddings, e])
        np.testing.assert_allclose(rows[0], table[[1, 3]].astype(np.float16))


# ---- training ------------------------------------------------------------------------------------
def test_fit_under_mixed_float16_with_loss_scaling():
    xs = RNG.standard_normal((32, 4)).astype(np.float32)
    ys = (xs[:, :1] > 0).astype(np.int64).ravel()
    with gc.Graph().as_default():
        mp.set_global_policy("mixed_float16")
        model = K.Sequential([L.Dense(8, activation="relu", input_shape=(4,)),
                              L.BatchNormalization(),
                              L.Dense(2),
                              L.Activation("softmax", dtype="float32")])
        opt = mp.LossScaleOptimizer(K.optimizers.SGD(0.2), initial_scale=2.0 ** 8)
        model.compile(opt, "sparse_categorical_crossentropy")
        hist = model.fit(xs, ys, batch_size=8, epochs=4, shuffle=False, verbose=0)
        losses = hist.history["loss"]
        assert losses[-1] < losses[0]
        assert all(w.dtype == np.float32 for w in model.get_weights())
        assert K.backend.get_value(opt.loss_scale) == 2.0 ** 8


def test_wrap_for_policy():
    with gc.Graph().as_default():
        sgd = K.optimizers.SGD(0.1)
        mp.set_global_policy("mixed_float16")
        mixed = K.Model(*(lambda x: (x, L.Dense(1)(x)))(K.Input((2,))))
        assert isinstance(mp.wrap_for_policy(mixed, sgd), mp.LossScaleOptimizer)
        lso = mp.LossScaleOptimizer(sgd)
        assert mp.wrap_for_policy(mixed, lso) is lso
        with pytest.raises(ValueError, match="only pass a single optimizer"):
            mp.wrap_for_policy(mixed, [sgd, sgd])
        mp.set_global_policy(None)
        plain = K.Model(*(lambda x: (x, L.Dense(1)(x)))(K.Input((2,))))
        assert mp.wrap_for_policy(plain, sgd) is sgd


# ---- V1 dtype behaviour --------------------------------------------------------------------------
def test_v1_dtype_behavior_infers_from_first_input():
    with gc.Graph().as_default():
        L.disable_v2_dtype_behavior()
        assert mp.global_policy().name == "_infer"
        d = L.Dense(3)
        assert d.dtype is None and d.compute_dtype is None and not d._autocast
        assert d.get_config()["dtype"] is None
        y = d(gc.constant(np.ones((2, 4))))
        assert y.dtype == gc.float64 and d.kernel.dtype == gc.float64
        assert d.dtype == "float64" and d.get_config()["dtype"] == "float64"
        assert L.Dense(2)(gc.ones((1, 2), gc.float16)).dtype == gc.float16
        assert L.Flatten()(gc.ones((1, 2), gc.float64)).dtype == gc.float64
        assert K.Input((3,)).dtype == gc.float32
        with pytest.raises(ValueError, match="enable_v2_dtype_behavior"):
            mp.set_global_policy("mixed_float16")
        L.enable_v2_dtype_behavior()
        assert L.Flatten()(gc.ones((1, 2), gc.float64)).dtype == gc.float32
        assert mp.global_policy().name == "float32"


def test_v1_add_weight_sets_the_policy():
    class W(L.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", (2,), dtype="float64", initializer="ones")

        def call(self, inputs):
            return inputs

    with gc.Graph().as_default():
        L.disable_v2_dtype_behavior()
        layer = W()
        layer.build(None)
        assert layer.dtype_policy.name == "float64"


def test_multi_head_attention_computes_in_the_policys_dtype():
    mp = gc.keras.mixed_precision
    mp.set_global_policy("mixed_float16")
    try:
        q = gc.keras.Input((4, 8))
        layer = gc.keras.layers.MultiHeadAttention(2, 4)
        assert layer(q, q).dtype == gc.float16
        assert all(w.dtype.base_dtype == gc.float32 for w in layer.weights)
    finally:
        mp.set_global_policy(None)
