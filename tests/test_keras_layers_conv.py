"""gc.keras Conv3D, Conv1D/3DTranspose, SeparableConv1D/2D, DepthwiseConv1D/2D,
LocallyConnected1D/2D, StackedRNNCells, AbstractRNNCell and ConvLSTM1D/2D/3D: shapes,
weights, numpy references, identities between layers, configs and errors (no
TensorFlow needed; tests/test_tf_parity_keras_layers_conv.py compares with tf_keras)."""
import json

import numpy as np
import pytest

import graphc as gc

keras = gc.keras
L = keras.layers
RNG = np.random.default_rng(3)


@pytest.fixture(autouse=True)
def _graph():
    with gc.Graph().as_default():
        yield


def _init():
    keras.backend.get_session().run(gc.global_variables_initializer())


def _run(t, feed):
    return keras.backend.get_session().run(t, feed)


def _apply(layer, shape, x=None, **kw):
    p = gc.placeholder(gc.float32, (None,) + tuple(shape[1:]))
    y = layer(p, **kw)
    _init()
    x = RNG.standard_normal(shape).astype(np.float32) if x is None else x
    return x, _run(y, {p: x}), y


SHAPES = [
    (lambda: L.Conv3D(3, 2, strides=(1, 2, 1)), (2, 4, 5, 3, 2),
     [("conv3d/kernel:0", (2, 2, 2, 2, 3)), ("conv3d/bias:0", (3,))]),
    (lambda: L.Conv3D(4, 2, groups=2, data_format="channels_first"), (2, 4, 3, 4, 5),
     [("conv3d/kernel:0", (2, 2, 2, 2, 4)), ("conv3d/bias:0", (4,))]),
    (lambda: L.Conv1DTranspose(3, 3, strides=2, output_padding=1), (2, 5, 4),
     [("conv1d_transpose/kernel:0", (3, 3, 4)), ("conv1d_transpose/bias:0", (3,))]),
    (lambda: L.Conv3DTranspose(2, 3, strides=2, padding="same"), (2, 2, 3, 4, 3),
     [("conv3d_transpose/kernel:0", (3, 3, 3, 2, 3)), ("conv3d_transpose/bias:0", (2,))]),
    (lambda: L.SeparableConv1D(3, 3, depth_multiplier=2, use_bias=False), (2, 7, 4),
     [("separable_conv1d/depthwise_kernel:0", (3, 4, 2)),
      ("separable_conv1d/pointwise_kernel:0", (1, 8, 3))]),
    (lambda: L.SeparableConv2D(3, 3, data_format="channels_first"), (2, 4, 6, 5),
     [("separable_conv2d/depthwise_kernel:0", (3, 3, 4, 1)),
      ("separable_conv2d/pointwise_kernel:0", (1, 1, 4, 3)),
      ("separable_conv2d/bias:0", (3,))]),
    (lambda: L.DepthwiseConv1D(3, strides=2, padding="same"), (2, 7, 4),
     [("depthwise_conv1d/depthwise_kernel:0", (3, 4, 1)),
      ("depthwise_conv1d/bias:0", (4,))]),
    (lambda: L.DepthwiseConv2D(3, depth_multiplier=2), (2, 6, 5, 3),
     [("depthwise_conv2d/depthwise_kernel:0", (3, 3, 3, 2)),
      ("depthwise_conv2d/bias:0", (6,))]),
    (lambda: L.LocallyConnected1D(3, 2, strides=2), (2, 7, 4),
     [("locally_connected1d/kernel:0", (3, 8, 3)), ("locally_connected1d/bias:0", (3, 3))]),
    (lambda: L.LocallyConnected2D(2, 2, data_format="channels_first", implementation=2,
                                  padding="same"), (2, 3, 4, 5),
     [("locally_connected2d/kernel:0", (3, 4, 5, 2, 4, 5)),
      ("locally_connected2d/bias:0", (4, 5, 2))]),
    (lambda: L.ConvLSTM2D(3, 2, return_sequences=True), (2, 4, 5, 6, 2),
     [("conv_lstm2d/kernel:0", (2, 2, 2, 12)), ("conv_lstm2d/recurrent_kernel:0",
                                                (2, 2, 3, 12)), ("conv_lstm2d/bias:0", (12,))]),
    (lambda: L.ConvLSTM1D(2, 3, padding="same", data_format="channels_first"),
     (2, 3, 2, 5), [("conv_lstm1d/kernel:0", (3, 2, 8)),
                    ("conv_lstm1d/recurrent_kernel:0", (3, 2, 8)),
                    ("conv_lstm1d/bias:0", (8,))]),
]


@pytest.mark.parametrize("make,shape,weights", SHAPES)
def test_output_shapes_and_weights(make, shape, weights):
    layer = make()
    _, out, y = _apply(layer, shape)
    assert [(w.name, tuple(w.shape.as_list())) for w in layer.weights] == weights
    expected = layer.compute_output_shape(shape).as_list()
    assert list(out.shape) == expected
    assert y.shape.as_list()[1:] == expected[1:]


def _conv3d_numpy(x, w, b):
    k = w.shape[:3]
    out = np.zeros((x.shape[0],) + tuple(n - kk + 1 for n, kk in zip(x.shape[1:4], k))
                   + (w.shape[-1],))
    for i, j, m in np.ndindex(*out.shape[1:4]):
        patch = x[:, i:i + k[0], j:j + k[1], m:m + k[2], :]
        out[:, i, j, m] = np.tensordot(patch, w, axes=4)
    return out + b


def test_conv3d_matches_numpy_and_channels_first():
    layer = L.Conv3D(3, (2, 3, 2), bias_initializer="ones")
    x, out, _ = _apply(layer, (2, 4, 5, 3, 2))
    w, b = layer.get_weights()
    np.testing.assert_allclose(out, _conv3d_numpy(x, w, b), rtol=1e-5, atol=1e-5)
    first = L.Conv3D(3, (2, 3, 2), data_format="channels_first", activation="relu")
    p = gc.placeholder(gc.float32, (None, 2, 4, 5, 3))
    y = first(p)
    first.set_weights([w, b])
    got = _run(y, {p: np.moveaxis(x, -1, 1)})
    np.testing.assert_allclose(got, np.moveaxis(np.maximum(out, 0), -1, 1), rtol=1e-5,
                               atol=1e-5)


def test_conv3d_groups_is_two_convolutions():
    layer = L.Conv3D(4, 2, groups=2, use_bias=False)
    x, out, _ = _apply(layer, (2, 3, 4, 3, 4))
    (w,) = layer.get_weights()
    ref = np.concatenate([_conv3d_numpy(x[..., :2], w[..., :2], 0),
                          _conv3d_numpy(x[..., 2:], w[..., 2:], 0)], -1)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("padding,strides,dil", [("valid", 1, 1), ("same", 2, 1),
                                                 ("valid", 1, 2)])
def test_conv1d_transpose_is_adjoint_of_conv1d(padding, strides, dil):
    conv = L.Conv1D(3, 3, strides=strides, padding=padding, dilation_rate=dil,
                    use_bias=False)
    deconv = L.Conv1DTranspose(2, 3, strides=strides, padding=padding,
                               dilation_rate=dil, use_bias=False)
    x = gc.placeholder(gc.float32, (2, 8, 2))
    y = conv(x)
    g = gc.placeholder(gc.float32, y.shape)
    back = deconv(g)
    _init()
    deconv.set_weights(conv.get_weights())                  # (k, out=3... ) shared
    xv = RNG.standard_normal((2, 8, 2)).astype(np.float32)
    gv = RNG.standard_normal(y.shape.as_list()).astype(np.float32)
    yv, bv = _run([y, back], {x: xv, g: gv})
    assert bv.shape == xv.shape
    np.testing.assert_allclose(np.sum(yv * gv), np.sum(xv * bv), rtol=1e-4,
                               atol=1e-5)       # float32 sums that may nearly cancel


def test_conv3d_transpose_output_padding_and_dynamic_sizes():
    layer = L.Conv3DTranspose(2, 3, strides=2, output_padding=1, dilation_rate=2)
    p = gc.placeholder(gc.float32, (None, None, 3, None, 2))
    y = layer(p)
    assert y.shape.as_list() == [None, None, 8, None, 2]     # dilation unused (tf_keras)
    _init()
    assert _run(y, {p: np.ones((1, 2, 3, 4, 2), np.float32)}).shape == (1, 6, 8, 10, 2)
    assert "dilation_rate" not in layer.get_config()


def test_separable_is_depthwise_then_pointwise():
    sep = L.SeparableConv2D(3, 3, depth_multiplier=2, strides=2, padding="same",
                            bias_initializer="ones")
    dw = L.DepthwiseConv2D(3, depth_multiplier=2, strides=2, padding="same",
                           use_bias=False)
    pw = L.Conv2D(3, 1, bias_initializer="ones")
    p = gc.placeholder(gc.float32, (None, 7, 6, 2))
    a, b = sep(p), pw(dw(p))
    _init()
    d, q, bias = sep.get_weights()
    dw.set_weights([d])
    pw.set_weights([q, bias])
    x = RNG.standard_normal((2, 7, 6, 2)).astype(np.float32)
    va, vb = _run([a, b], {p: x})
    np.testing.assert_allclose(va, vb, rtol=1e-5, atol=1e-5)


def test_depthwise1d_matches_numpy():
    layer = L.DepthwiseConv1D(3, depth_multiplier=2, dilation_rate=2)
    x, out, _ = _apply(layer, (2, 9, 3))
    w, b = layer.get_weights()
    ref = np.zeros((2, 5, 3, 2))
    for t in range(5):
        ref[:, t] = np.einsum("bkc,kcm->bcm", x[:, t:t + 5:2], w)
    np.testing.assert_allclose(out, ref.reshape(2, 5, 6) + b, rtol=1e-5, atol=1e-5)


def test_locally_connected1d_matches_numpy():
    layer = L.LocallyConnected1D(2, 3, strides=2, bias_initializer="ones")
    x, out, _ = _apply(layer, (2, 7, 3))
    w, b = layer.get_weights()
    ref = np.stack([x[:, 2 * p:2 * p + 3].reshape(2, -1) @ w[p] for p in range(3)], 1)
    np.testing.assert_allclose(out, ref + b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
def test_locally_connected2d_implementations_agree(fmt):
    shape = (2, 5, 4, 3) if fmt == "channels_last" else (2, 3, 5, 4)
    layers = [L.LocallyConnected2D(2, (2, 3), strides=(2, 1), data_format=fmt,
                                   implementation=i, bias_initializer="ones")
              for i in (1, 2, 3)]
    p = gc.placeholder(gc.float32, shape)
    ys = [la(p) for la in layers]
    _init()
    w1, b = layers[0].get_weights()
    # implementation 1's kernel (position, patch, filter) as 2's dense (in, out) map
    mask = layers[1]._dense_mask()
    dense = np.zeros(layers[1].kernel.shape.as_list(), np.float32)
    idx = layers[0]._patch_index()
    c = 3
    for pos, flat in enumerate(idx):
        for j, q in enumerate(flat):
            r_in = np.unravel_index(q, layers[0]._in_sp)
            r_out = np.unravel_index(pos, layers[0]._out_sp)
            for ch in range(c):
                row = j * c + ch if fmt == "channels_last" else ch * len(flat) + j
                if fmt == "channels_last":
                    dense[r_in + (ch,) + r_out] = w1[pos, row]
                else:
                    dense[(ch,) + r_in + (slice(None),) + r_out] = w1[pos, row]
    assert np.all(dense * (1 - mask) == 0)
    layers[1].set_weights([dense, b])
    flat = dense.reshape(int(np.prod(shape[1:])), -1).T
    layers[2].set_weights([flat[np.nonzero(flat)], b])
    outs = _run(ys, {p: RNG.standard_normal(shape).astype(np.float32)})
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(outs[0], outs[2], rtol=1e-5, atol=1e-5)


def test_conv_lstm1d_with_unit_kernel_is_lstm():
    """ConvLSTM1D(kernel_size=1) over one spatial position is an LSTM (same weights)."""
    x = RNG.standard_normal((3, 4, 1, 2)).astype(np.float32)
    mask = np.array([[1, 1, 0, 1], [1, 0, 0, 0], [1, 1, 1, 1]], bool)
    p, m = gc.placeholder(gc.float32, (None, 4, 1, 2)), gc.placeholder(gc.bool, (None, 4))
    conv = L.ConvLSTM1D(3, 1, return_sequences=True, return_state=True,
                        go_backwards=True)
    lstm = L.LSTM(3, return_sequences=True, return_state=True, go_backwards=True)
    a = conv(p, mask=m)
    b = lstm(gc.squeeze(p, [2]), mask=m)
    _init()
    k, rk, bias = conv.get_weights()
    lstm.set_weights([k[0], rk[0], bias])
    va, vb = _run([a, b], {p: x, m: mask})
    np.testing.assert_allclose(va[0][:, :, 0], vb[0], rtol=1e-5, atol=1e-6)
    for s, t in zip(va[1:], vb[1:]):
        np.testing.assert_allclose(s[:, 0], t, rtol=1e-5, atol=1e-6)


def test_conv_lstm_dropout_phases_and_training_step():
    layer = L.ConvLSTM2D(2, 2, dropout=0.5, recurrent_dropout=0.5)
    plain = L.ConvLSTM2D(2, 2)
    p = gc.placeholder(gc.float32, (None, 3, 4, 4, 1))
    y_test, y_train, y_plain = layer(p, training=False), layer(p, training=True), plain(p)
    _init()
    plain.set_weights(layer.get_weights())
    x = RNG.standard_normal((2, 3, 4, 4, 1)).astype(np.float32)
    a, b, c = _run([y_test, y_train, y_plain], {p: x})
    np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-7)    # float32: two graphs, op orders differ
    assert not np.allclose(b, c)
    model = keras.Sequential([L.ConvLSTM3D(2, 2, input_shape=(2, 3, 3, 3, 1)),
                              L.Flatten(), L.Dense(1)])
    model.compile(keras.optimizers.SGD(0.05), "mse")
    xs = RNG.standard_normal((4, 2, 3, 3, 3, 1)).astype(np.float32)
    ys = np.ones((4, 1), np.float32)
    losses = [model.train_on_batch(xs, ys) for _ in range(4)]
    assert losses[-1] < losses[0]


def test_conv_lstm_stateful_reset_and_errors():
    layer = L.ConvLSTM2D(2, 2, stateful=True)
    p = gc.placeholder(gc.float32, (2, 3, 4, 4, 1))
    y = layer(p)
    assert [v.shape.as_list() for v in layer.states] == [[2, 3, 3, 2]] * 2
    _init()
    x = RNG.standard_normal((2, 3, 4, 4, 1)).astype(np.float32)
    sess = keras.backend.get_session()
    first = sess.run([y] + layer.updates, {p: x})[0]
    second = sess.run([y] + layer.updates, {p: x})[0]
    layer.reset_states()
    third = sess.run(y, {p: x})
    assert not np.allclose(first, second)
    np.testing.assert_allclose(first, third, rtol=1e-6)
    with pytest.raises(ValueError, match="stateful"):
        L.ConvLSTM2D(2, 2, stateful=True)(gc.placeholder(gc.float32, (None, 3, 4, 4, 1)))
    with pytest.raises(ValueError, match="Unrolling is not possible"):
        L.ConvLSTM2D(2, 2, unroll=True)
    with pytest.raises(ValueError, match="expected ndim=5"):
        L.ConvLSTM2D(2, 2)(gc.placeholder(gc.float32, (None, 3, 4, 1)))


def test_stacked_cells_equal_layered_rnns():
    x = RNG.standard_normal((2, 5, 3)).astype(np.float32)
    p = gc.placeholder(gc.float32, (None, 5, 3))
    c1, c2 = L.LSTMCell(4, dropout=0.0), L.GRUCell(2)
    rnn = L.RNN([c1, c2], return_state=True)
    out = rnn(p)
    assert isinstance(rnn.cell, L.StackedRNNCells)
    assert rnn.cell.state_size == ([4, 4], 2) and rnn.cell.output_size == 2
    assert [w.name for w in rnn.weights][0] == "rnn/stacked_rnn_cells/lstm_cell/kernel:0"
    r1, r2 = L.RNN(L.LSTMCell(4), return_sequences=True), L.RNN(L.GRUCell(2))
    ref = r2(r1(p))
    _init()
    r1.set_weights(c1.get_weights())
    r2.set_weights(c2.get_weights())
    got, want = _run([out, ref], {p: x})
    assert len(got) == 4                     # output, h and c of the LSTM, h of the GRU
    np.testing.assert_allclose(got[0], want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[3], want, rtol=1e-5, atol=1e-6)


def test_stacked_cells_dropout_masks_and_config_round_trip():
    cells = [L.SimpleRNNCell(3, dropout=0.5, recurrent_dropout=0.5), L.SimpleRNNCell(2)]
    inp = keras.Input((4, 3))
    model = keras.Model(inp, L.RNN(cells)(inp))
    x = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    _init()
    before = model.predict(x)
    clone = keras.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x), before, rtol=1e-6)
    cell_cfg = json.loads(model.to_json())["config"]["layers"][1]["config"]["cell"]
    assert cell_cfg["class_name"] == "StackedRNNCells"
    assert [c["class_name"] for c in cell_cfg["config"]["cells"]] == ["SimpleRNNCell"] * 2
    stack = L.StackedRNNCells([L.LSTMCell(2), L.SimpleRNNCell(3)])
    h = stack.get_initial_state(batch_size=2, dtype=gc.float32)
    assert [[t.shape.as_list() for t in h[0]], h[1].shape.as_list()] == \
        [[[2, 2], [2, 2]], [2, 3]]
    with pytest.raises(ValueError, match="state_size"):
        L.StackedRNNCells([L.Dense(2)])


def test_abstract_rnn_cell_subclass():
    class Minimal(L.AbstractRNNCell):
        def __init__(self, units, **kw):
            super().__init__(**kw)
            self.units = units
        state_size = property(lambda self: self.units)
        output_size = property(lambda self: self.units)

        def build(self, input_shape):
            self.kernel = self.add_weight("kernel", (int(input_shape[-1]), self.units),
                                          initializer="ones")

        def call(self, inputs, states):
            h = gc.matmul(inputs, self.kernel) + states[0]
            return h, [h]
    x = np.ones((2, 3, 2), np.float32)
    _, out, _ = _apply(L.RNN(Minimal(4)), x.shape, x)
    np.testing.assert_allclose(out, np.full((2, 4), 6.0))
    assert Minimal(2).get_initial_state(batch_size=3, dtype=gc.float32).shape.as_list() \
        == [3, 2]
    with pytest.raises(NotImplementedError):
        L.AbstractRNNCell().state_size


def test_configs_round_trip():
    for layer in [L.Conv3D(2, 3, groups=1, padding="same", activation="relu"),
                  L.Conv1DTranspose(2, 3, strides=2, output_padding=1),
                  L.SeparableConv1D(2, 3, depth_multiplier=2),
                  L.DepthwiseConv2D(3, depth_multiplier=3),
                  L.LocallyConnected2D(2, 2, implementation=3),
                  L.ConvLSTM2D(2, 3, return_state=True, go_backwards=True)]:
        config = layer.get_config()
        clone = type(layer).from_config(dict(config, name=None))
        assert clone.get_config() == dict(config, name=clone.name)
    assert "filters" not in L.DepthwiseConv1D(3).get_config()
    assert L.Convolution3D is L.Conv3D and L.Convolution2DTranspose is L.Conv2DTranspose
    assert L.SeparableConvolution2D is L.SeparableConv2D
    assert L.Convolution1DTranspose is L.Conv1DTranspose
    assert L.Convolution3DTranspose is L.Conv3DTranspose
    assert L.SeparableConvolution1D is L.SeparableConv1D


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="evenly divisible by the number of groups"):
        L.Conv3D(3, 2, groups=2)
    with pytest.raises(ValueError, match="input channels must be evenly divisible"):
        L.Conv3D(4, 2, groups=2)(gc.placeholder(gc.float32, (None, 3, 3, 3, 3)))
    with pytest.raises(ValueError, match="must be greater than output padding"):
        L.Conv1DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="only \"valid\" is supported"):
        L.LocallyConnected1D(2, 3, padding="same")
    with pytest.raises(ValueError, match="Unrecognized implementation"):
        L.LocallyConnected2D(2, 3, implementation=4)
    with pytest.raises(ValueError, match="fully-defined"):
        L.LocallyConnected1D(2, 3)(gc.placeholder(gc.float32, (None, None, 3)))
    with pytest.raises(ValueError, match="strides > 1"):
        L.DepthwiseConv2D(3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="expected ndim=5"):
        L.Conv3D(2, 2)(gc.placeholder(gc.float32, (None, 4, 4, 2)))
    with pytest.raises(ValueError, match="kernel_size"):
        L.SeparableConv2D(2, (3, 3, 3))
