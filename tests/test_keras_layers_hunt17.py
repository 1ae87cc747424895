"""Bug hunt 17 (gc.keras layers against tf_keras in TF1 graph mode): TimeDistributed
masks and activity regularizers, merges of inputs of different rank, Flatten under
channels_first, unique output names, compute_output_shape, causal SeparableConv1D,
Bidirectional(backward_layer=...) and BatchNormalization(axis=[...]). The expected
values are tf_keras 2.21's (legacy Keras), written as literals or computed with numpy."""
import numpy as np
import pytest

import graphc as gc

K = gc.keras
L = gc.keras.layers


@pytest.fixture(autouse=True)
def _graph():
    with gc.Graph().as_default():
        yield


def _rnn1(xs):
    """SimpleRNN(1) with ones kernels and zero bias over the rows of `xs` (summed)."""
    h = 0.0
    for x in xs:
        h = np.tanh(np.sum(x) + h)
    return h


def _ones_rnn(**kw):
    return L.SimpleRNN(1, kernel_initializer="ones", recurrent_initializer="ones", **kw)


# ---- 2. TimeDistributed masks ---------------------------------------------------------
def test_time_distributed_propagates_inner_embedding_mask():
    chars = K.Input((None, None), dtype="int32")                 # (batch, words, chars)
    e = L.TimeDistributed(L.Embedding(6, 2, mask_zero=True,
                                      embeddings_initializer="ones"))(chars)
    mask = K.backend.get_mask(e)
    assert mask is not None and mask.shape.ndims == 3
    w = L.TimeDistributed(_ones_rnn())(e)
    got = K.Model(chars, w).predict(np.array([[[1, 2, 0, 0], [3, 0, 0, 0]]])).ravel()
    want = [_rnn1(np.ones((2, 2))), _rnn1(np.ones((1, 2)))]      # padding skipped
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(got, [0.9946868, 0.9640276], rtol=1e-6)


def test_time_distributed_on_3d_mask():
    ids = np.array([[[1, 2, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0]]])
    j = K.Input((3, 4), dtype="int32")
    e = L.Embedding(5, 2, mask_zero=True, embeddings_initializer="ones")(j)
    gap = L.TimeDistributed(L.GlobalAveragePooling1D())(e)
    assert K.backend.get_mask(gap).shape.as_list() == [None, 3]     # any over words
    with np.errstate(invalid="ignore"):
        got = K.Model(j, gap).predict(ids).ravel()
    np.testing.assert_array_equal(got, [1, 1, 1, 1, np.nan, np.nan])   # empty: 0/0
    s = _ones_rnn()(L.TimeDistributed(_ones_rnn())(e))
    got = K.Model(j, s).predict(ids).ravel()
    want = _rnn1([[_rnn1(np.ones((2, 2)))], [_rnn1(np.ones((1, 2)))]])  # 3rd skipped
    np.testing.assert_allclose(got, [want], rtol=1e-6)
    np.testing.assert_allclose(got, [0.93826884], rtol=1e-6)


def test_time_distributed_mask_to_layer_without_masking_raises():
    j = K.Input((3, 4), dtype="int32")
    e = L.Embedding(5, 2, mask_zero=True)(j)
    with pytest.raises(TypeError, match="does not support masking"):
        L.TimeDistributed(L.Conv1D(1, 2))(e)


# ---- 5. TimeDistributed calls the inner layer: its activity regularizer --------------
def test_time_distributed_applies_activity_regularizer():
    i = K.Input((3, 2))
    td = L.TimeDistributed(L.Dense(2, kernel_initializer="ones",
                                   activity_regularizer=K.regularizers.l1(0.1)))
    m = K.Model(i, td(i))
    m.compile("sgd", "mse")
    assert len(m.losses) == 1
    x = np.ones((4, 3, 2), np.float32)
    # mse 2**2 + 0.1 * sum|out| / (batch * time) = 4 + 0.1 * 48 / 12
    got = m.evaluate(x, np.zeros((4, 3, 2), np.float32), verbose=0)
    np.testing.assert_allclose(got, 4.4, rtol=1e-6)


# ---- 3. merges of inputs of different rank --------------------------------------------
@pytest.mark.parametrize("batch", [2, 3])
def test_merge_expands_lower_rank_input_at_axis_1(batch):
    s, v = K.Input((2, 3)), K.Input((3,))
    m = K.Model([s, v], [L.Add()([s, v]), L.Maximum()([s, v]), L.Average()([s, v]),
                         L.Subtract()([s, v])])
    seq = np.arange(batch * 6, dtype=np.float32).reshape(batch, 2, 3)
    vec = 10 * np.arange(batch * 3, dtype=np.float32).reshape(batch, 3)
    add, mx, ave, sub = m.predict([seq, vec])
    np.testing.assert_allclose(add, seq + vec[:, None])
    np.testing.assert_allclose(mx, np.maximum(seq, vec[:, None]))
    np.testing.assert_allclose(ave, (seq + vec[:, None]) / 2)
    np.testing.assert_allclose(sub, seq - vec[:, None])


def test_merge_compute_output_shape():
    assert L.Add().compute_output_shape([(None, 2, 3), (None, 3)]).as_list() == \
        [None, 2, 3]
    assert L.Multiply().compute_output_shape([(None, 1, 3), (5, 4, 3)]).as_list() == \
        [5, 4, 3]
    with pytest.raises(ValueError, match="incompatible shapes"):
        L.Add().compute_output_shape([(None, 2), (None, 3)])


# ---- 4. Flatten follows image_data_format ---------------------------------------------
def test_flatten_follows_image_data_format():
    K.backend.set_image_data_format("channels_first")
    try:
        f = L.Flatten()
        i = K.Input((2, 2, 2))
        m = K.Model(i, f(i))
    finally:
        K.backend.set_image_data_format("channels_last")
    assert f.get_config()["data_format"] == "channels_first"
    x = np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2)
    np.testing.assert_array_equal(m.predict(x)[0], [0, 4, 1, 5, 2, 6, 3, 7])
    assert L.Flatten().data_format == "channels_last"


# ---- 6. unique output names ------------------------------------------------------------
def test_outputs_of_one_layer_get_unique_names():
    a, b = K.Input((2,)), K.Input((2,))
    enc = L.Dense(1, kernel_initializer="ones", name="enc")
    m = K.Model([a, b, a], [enc(a), enc(b), enc(a)])
    assert m.output_names == ["enc", "enc_1", "enc_2"]
    m = K.Model([a, b], [enc(a), enc(b)])
    m.compile(K.optimizers.SGD(0.0), "mse")
    x = np.ones((4, 2), np.float32)
    y = [np.zeros((4, 1)), np.ones((4, 1))]
    assert m.metrics_names == ["loss", "enc_loss", "enc_1_loss"]
    h = m.fit([x, 2 * x], y, verbose=0).history
    assert h == {"loss": [13.0], "enc_loss": [4.0], "enc_1_loss": [9.0]}
    np.testing.assert_allclose(m.evaluate([x, 2 * x], y, verbose=0), [13.0, 4.0, 9.0])


# ---- 8. compute_output_shape ---------------------------------------------------------
def _shape(s):
    if isinstance(s, list):
        return [_shape(x) for x in s]
    return tuple(gc.TensorShape(s).as_list())


SHAPES = [     # (layer, input shape, tf_keras' output shape)
    (lambda: L.Dense(3), (None, 4, 5), (None, 4, 3)),
    (lambda: L.Dense(4), (8, 2), (8, 4)),
    (lambda: L.Flatten(), (None, 3, 4), (None, 12)),
    (lambda: L.Flatten(), (None, None, 4), (None, None)),
    (lambda: L.Embedding(10, 3), (None, 5), (None, 5, 3)),
    (lambda: L.Embedding(10, 3), (None, 5, 2), (None, 5, 2, 3)),
    (lambda: L.Embedding(10, 3, input_length=5), (None, None), (None, 5, 3)),
    (lambda: L.MaxPooling1D(2), (None, 8, 2), (None, 4, 2)),
    (lambda: L.AveragePooling2D(2, data_format="channels_first"), (None, 3, 7, 8),
     (None, 3, 3, 4)),
    (lambda: L.MaxPooling2D(3, strides=2, padding="same"), (None, 7, 8, 3),
     (None, 4, 4, 3)),
    (lambda: L.GlobalAveragePooling1D(), (None, 4, 2), (None, 2)),
    (lambda: L.GlobalAveragePooling1D(data_format="channels_first", keepdims=True),
     (None, 7, 3), (None, 7, 1)),
    (lambda: L.GlobalAveragePooling2D(keepdims=True), (None, 7, 8, 3), (None, 1, 1, 3)),
    (lambda: L.LSTM(3), (None, 5, 2), (None, 3)),
    (lambda: L.LSTM(3, return_sequences=True), (None, 5, 2), (None, 5, 3)),
    (lambda: L.LSTM(3, return_state=True), (None, 5, 2),
     [(None, 3), (None, 3), (None, 3)]),
    (lambda: L.GRU(4, return_sequences=True, return_state=True), (7, 5, 2),
     [(7, 5, 4), (7, 4)]),
    (lambda: L.SimpleRNN(2), (None, None, 2), (None, 2)),
    (lambda: L.Bidirectional(L.LSTM(3)), (None, 5, 2), (None, 6)),
    (lambda: L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum"),
     (None, 5, 2), (None, 5, 3)),
    (lambda: L.Bidirectional(L.LSTM(3, return_state=True), merge_mode=None),
     (None, 5, 2), [(None, 3)] * 6),
    (lambda: L.Bidirectional(L.GRU(3, return_state=True, return_sequences=True)),
     (None, 5, 2), [(None, 5, 6), (None, 3), (None, 3)]),
    (lambda: L.TimeDistributed(L.Dense(3)), (None, 5, 2), (None, 5, 3)),
    (lambda: L.TimeDistributed(L.Conv2D(3, 2)), (None, 5, 6, 6, 2), (None, 5, 5, 5, 3)),
    (lambda: L.TimeDistributed(L.LSTM(3)), (2, 5, 4, 2), (2, 5, 3)),
    (lambda: L.Reshape((-1, 2)), (None, 3, 4), (None, 6, 2)),
    (lambda: L.Reshape((-1, 2)), (None, None, 4), (None, None, 2)),
    (lambda: L.Concatenate(), [(None, 3), (None, 4)], (None, 7)),
    (lambda: L.Concatenate(axis=1), [(None, 3, 2), (None, 4, 2)], (None, 7, 2)),
    (lambda: L.Concatenate(), [(None, 3), (None, None)], (None, None)),
    (lambda: L.Lambda(lambda t: t[:, :, :2], output_shape=(4, 5)), (None, 4, 3),
     (None, 4, 5)),
    (lambda: L.Lambda(lambda t: t, output_shape=lambda s: (s[0], 12)), (None, 4, 3),
     (None, 12)),
    (lambda: L.Lambda(lambda t: [t, t], output_shape=[(4,), (5,)]), (None, 3),
     [(None, 4), (None, 5)]),
    (lambda: L.Lambda(lambda t: gc.concat(t, 1)), [(None, 3), (None, 4)], (None, 7)),
]


@pytest.mark.parametrize("make, shape, want", SHAPES)
def test_compute_output_shape(make, shape, want):
    assert _shape(make().compute_output_shape(shape)) == want


def test_compute_output_shape_of_built_dense_and_errors():
    d = L.Dense(3)
    d(K.Input((5,)))
    assert _shape(d.compute_output_shape((None, 5))) == (None, 3)
    with pytest.raises(ValueError):
        L.Dense(3).compute_output_shape((None, None))
    with pytest.raises(ValueError):
        L.Reshape((5, -1)).compute_output_shape((None, 3, 4))
    with pytest.raises(ValueError):
        L.Embedding(10, 3, input_length=4).compute_output_shape((None, 5))


# ---- 9. SeparableConv1D(padding="causal") ---------------------------------------------
def test_separable_conv1d_causal():
    i = K.Input((None, 2))
    layer = L.SeparableConv1D(2, 3, padding="causal", dilation_rate=2,
                              depthwise_initializer="ones", pointwise_initializer="ones")
    m = K.Model(i, layer(i))
    x = np.arange(10, dtype=np.float32).reshape(1, 5, 2)
    got = m.predict(x)[0]
    s = x[0].sum(1)                                      # ones kernels: channel sums
    pad = np.concatenate([np.zeros(4), s])               # dilation 2 * (3 - 1) zeros
    want = pad[:5] + pad[2:7] + pad[4:9]
    np.testing.assert_allclose(got, np.stack([want, want], 1))
    np.testing.assert_allclose(got[:, 0], [1, 5, 10, 18, 27])
    assert _shape(layer.compute_output_shape((None, 5, 2))) == (None, 5, 2)


# ---- minor: Bidirectional(backward_layer=...) and BatchNormalization(axis=[...]) ------
def test_bidirectional_uses_the_backward_layer_given():
    i = K.Input((4, 2))
    bwd = L.GRU(2, go_backwards=True, return_sequences=True)
    bi = L.Bidirectional(L.GRU(2, return_sequences=True), backward_layer=bwd)
    m = K.Model(i, bi(i))
    assert bi.backward_layer is bwd and bwd.built and bwd.name == "backward_gru"
    assert len(bwd.get_weights()) == 3
    bwd.set_weights([np.zeros_like(w) for w in bwd.get_weights()])
    got = m.predict(np.ones((1, 4, 2), np.float32))[0, :, 2:]
    np.testing.assert_array_equal(got, np.zeros((4, 2)))


def test_batch_normalization_axis_list():
    i = K.Input((3, 4, 2))
    bn = L.BatchNormalization(axis=[1, 3], momentum=0.5)
    m = K.Model(i, bn(i))
    assert [w.shape for w in bn.get_weights()] == [(1, 3, 1, 2)] * 4
    m.compile("sgd", "mse")
    x = np.arange(48, dtype=np.float32).reshape(2, 3, 4, 2) ** 1.5 / 10
    m.fit(x, np.zeros_like(x), batch_size=2, epochs=1, verbose=0)
    mean, var = x.mean((0, 2), keepdims=True), x.var((0, 2), keepdims=True)
    _, _, moving_mean, moving_var = bn.get_weights()
    np.testing.assert_allclose(moving_mean, 0.5 * mean, rtol=1e-5)
    np.testing.assert_allclose(moving_var, 0.5 + 0.5 * var, rtol=1e-5)
    np.testing.assert_allclose(moving_mean.ravel(),       # tf_keras' values
                               [3.67596, 3.93727, 6.11076, 6.46063, 9.13764, 9.55021],
                               rtol=1e-5)
    got = m.predict(x)
    np.testing.assert_allclose(got, (x - moving_mean) / np.sqrt(moving_var + 1e-3)
                               * bn.get_weights()[0] + bn.get_weights()[1],
                               rtol=1e-4, atol=1e-5)
