"""gc.keras' Conv3D, the transposed, separable, depthwise and locally connected layers,
StackedRNNCells and ConvLSTM1D/2D/3D against tf_keras (legacy Keras 2) in graph mode:
values, shapes, weight names and shapes (tf_keras loads graphc's weights), configs and
a few training steps."""
import numpy as np
import pytest

import graphc as gc
from keras_parity import run_both, tfk

RNG = np.random.default_rng(7)
B = {"bias_initializer": "random_uniform"}


def _close(a, b, rtol=1e-5, atol=1e-5):
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


def _plain(config):
    """The config values that are not serialized objects (those differ in format)."""
    return {k: v for k, v in config.items() if not isinstance(v, dict)}


CASES = [
    # the convolutions of layers_conv.py: configs, groups, output_padding, dilation
    ("conv1d_groups", lambda k: k.layers.Conv1D(4, 3, groups=2, **B), (2, 7, 6)),
    ("conv2d_groups_cf", lambda k: k.layers.Conv2D(6, 2, groups=3, padding="same",
                                                  data_format="channels_first", **B),
     (2, 3, 5, 4)),
    ("conv2d_plain", lambda k: k.layers.Conv2D(3, 3, strides=2, **B), (2, 7, 6, 2)),
    ("conv2dT_outpad", lambda k: k.layers.Conv2DTranspose(3, 3, strides=2, output_padding=1,
                                                         **B), (2, 4, 5, 2)),
    ("conv2dT_same_outpad", lambda k: k.layers.Conv2DTranspose(
        2, (3, 2), strides=(2, 3), padding="same", output_padding=(1, 2), **B), (2, 4, 3, 2)),
    ("conv2dT_dil", lambda k: k.layers.Conv2DTranspose(2, 2, dilation_rate=2, **B),
     (2, 4, 5, 3)),
    ("conv2dT_cf", lambda k: k.layers.Conv2DTranspose(3, 3, strides=2, padding="same",
                                                      data_format="channels_first", **B),
     (2, 2, 4, 3)),
    ("conv1dT", lambda k: k.layers.Conv1DTranspose(3, 3, **B), (2, 5, 4)),
    ("conv1dT_same_s2", lambda k: k.layers.Conv1DTranspose(3, 3, strides=2, padding="same",
                                                           **B), (2, 5, 4)),
    ("conv1dT_outpad", lambda k: k.layers.Conv1DTranspose(2, 3, strides=2,
                                                          output_padding=1, **B), (2, 5, 3)),
    ("conv1dT_dil", lambda k: k.layers.Conv1DTranspose(3, 2, dilation_rate=2,
                                                       activation="relu", **B), (2, 5, 2)),
    ("conv1dT_cf", lambda k: k.layers.Convolution1DTranspose(
        3, 3, strides=2, data_format="channels_first", **B), (2, 2, 5)),
    ("conv3d", lambda k: k.layers.Conv3D(3, 2, **B), (2, 4, 5, 6, 2)),
    ("conv3d_same_s2", lambda k: k.layers.Conv3D(2, (3, 2, 3), strides=(2, 1, 2),
                                                 padding="same", **B), (2, 5, 4, 6, 3)),
    ("conv3d_dil", lambda k: k.layers.Convolution3D(3, 2, dilation_rate=2, **B),
     (2, 5, 6, 7, 2)),
    ("conv3d_groups", lambda k: k.layers.Conv3D(4, 2, groups=2, **B), (2, 4, 5, 3, 2)),
    ("conv3d_cf", lambda k: k.layers.Conv3D(4, 2, data_format="channels_first",
                                            activation="softmax", **B), (2, 2, 4, 5, 3)),
    ("conv3dT", lambda k: k.layers.Conv3DTranspose(3, 2, **B), (2, 3, 4, 5, 2)),
    ("conv3dT_same_op", lambda k: k.layers.Convolution3DTranspose(
        3, 3, strides=2, padding="same", output_padding=1, **B), (2, 3, 4, 2, 2)),
    ("conv3dT_dil", lambda k: k.layers.Conv3DTranspose(2, 2, dilation_rate=2, **B),
     (2, 3, 4, 3, 2)),
    ("conv3dT_cf", lambda k: k.layers.Conv3DTranspose(3, 3, strides=2,
                                                      data_format="channels_first", **B),
     (2, 2, 3, 4, 2)),
    ("sep1d", lambda k: k.layers.SeparableConv1D(3, 3, depth_multiplier=2, **B), (2, 7, 4)),
    ("sep1d_dil", lambda k: k.layers.SeparableConvolution1D(3, 2, dilation_rate=2,
                                                            padding="same", **B),
     (2, 9, 2)),
    ("sep1d_cf_s2", lambda k: k.layers.SeparableConv1D(3, 3, strides=2,
                                                       data_format="channels_first", **B),
     (2, 2, 9)),
    ("sep2d", lambda k: k.layers.SeparableConv2D(3, 3, depth_multiplier=2, **B),
     (2, 6, 5, 3)),
    ("sep2d_s2_same", lambda k: k.layers.SeparableConvolution2D(3, 3, strides=2,
                                                                padding="same", **B),
     (2, 9, 8, 2)),
    ("sep2d_cf_dil", lambda k: k.layers.SeparableConv2D(2, 2, dilation_rate=2,
                                                        data_format="channels_first", **B),
     (2, 2, 7, 6)),
    ("dw1d", lambda k: k.layers.DepthwiseConv1D(3, depth_multiplier=2, **B), (2, 7, 3)),
    ("dw1d_cf_s2", lambda k: k.layers.DepthwiseConv1D(3, strides=2, padding="same",
                                                      data_format="channels_first", **B),
     (2, 2, 9)),
    ("dw2d", lambda k: k.layers.DepthwiseConv2D(3, depth_multiplier=2, **B), (2, 6, 5, 3)),
    ("dw2d_dil", lambda k: k.layers.DepthwiseConv2D(2, dilation_rate=2, padding="same",
                                                    **B), (2, 7, 6, 2)),
    ("dw2d_cf_s2", lambda k: k.layers.DepthwiseConv2D((3, 2), strides=2,
                                                      data_format="channels_first", **B),
     (2, 2, 7, 6)),
    ("lc1d", lambda k: k.layers.LocallyConnected1D(3, 2, **B), (2, 5, 4)),
    ("lc1d_s2_cf", lambda k: k.layers.LocallyConnected1D(3, 3, strides=2,
                                                         data_format="channels_first", **B),
     (2, 2, 9)),
    ("lc1d_i2_same", lambda k: k.layers.LocallyConnected1D(3, 2, padding="same",
                                                           implementation=2, **B),
     (2, 7, 2)),
    ("lc1d_i3_same_s2", lambda k: k.layers.LocallyConnected1D(
        2, 3, strides=2, padding="same", implementation=3, **B), (2, 8, 2)),
    ("lc2d", lambda k: k.layers.LocallyConnected2D(3, 2, **B), (2, 5, 4, 2)),
    ("lc2d_cf_s2", lambda k: k.layers.LocallyConnected2D(2, (2, 3), strides=2,
                                                         data_format="channels_first", **B),
     (2, 2, 7, 6)),
    ("lc2d_i2_cf_same", lambda k: k.layers.LocallyConnected2D(
        2, 2, padding="same", implementation=2, data_format="channels_first", **B),
     (2, 2, 5, 4)),
    ("lc2d_i3", lambda k: k.layers.LocallyConnected2D(3, 3, strides=(1, 2), padding="same",
                                                      implementation=3, **B), (2, 5, 6, 2)),
]


@pytest.mark.parametrize("name,make,shape", CASES, ids=[c[0] for c in CASES])
def test_conv_layer_forward_weights_config(name, make, shape):
    x = RNG.standard_normal(shape).astype(np.float32)

    def build(k):
        inp = k.Input(shape[1:])
        return k.Model(inp, make(k)(inp))

    def run(m):
        layer = m.layers[1]
        return (m.predict(x), [w.name for w in layer.weights],
                [tuple(w.shape.as_list()) for w in layer.weights],
                tuple(layer.compute_output_shape((None,) + shape[1:]).as_list()),
                layer.get_config())
    a, b = run_both(build, run)
    _close([a[0]], [b[0]])
    assert a[1:4] == b[1:4]
    assert set(a[4]) == set(b[4])
    assert _plain(a[4]) == _plain(b[4])


TRAIN = [
    ("conv3d", lambda k: k.layers.Conv3D(2, 2, strides=(1, 2, 1), **B), (3, 4, 5, 3, 2)),
    ("conv1dT", lambda k: k.layers.Conv1DTranspose(2, 3, strides=2, padding="same", **B),
     (3, 5, 2)),
    ("conv3dT", lambda k: k.layers.Conv3DTranspose(2, 2, strides=2, **B), (3, 2, 3, 2, 2)),
    ("sep1d", lambda k: k.layers.SeparableConv1D(2, 3, depth_multiplier=2, **B), (3, 7, 2)),
    ("sep2d", lambda k: k.layers.SeparableConv2D(2, 3, strides=2, **B), (3, 7, 6, 2)),
    ("dw1d", lambda k: k.layers.DepthwiseConv1D(3, depth_multiplier=2, **B), (3, 7, 2)),
    ("dw2d", lambda k: k.layers.DepthwiseConv2D(2, dilation_rate=2, **B), (3, 6, 5, 2)),
    ("lc1d", lambda k: k.layers.LocallyConnected1D(2, 3, strides=2, **B), (3, 9, 2)),
    ("lc2d_i2", lambda k: k.layers.LocallyConnected2D(2, 2, implementation=2,
                                                      padding="same", **B), (3, 4, 3, 2)),
    ("lc2d_i3", lambda k: k.layers.LocallyConnected2D(2, 2, implementation=3, **B),
     (3, 4, 3, 2)),
    ("convlstm2d", lambda k: k.layers.ConvLSTM2D(2, 2, dropout=0.0, **B), (3, 3, 4, 4, 2)),
    ("convlstm1d_seq", lambda k: k.layers.ConvLSTM1D(2, 3, padding="same",
                                                     return_sequences=True, **B),
     (3, 3, 5, 2)),
]


@pytest.mark.parametrize("name,make,shape", TRAIN, ids=[c[0] for c in TRAIN])
def test_training_steps(name, make, shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    y = RNG.standard_normal((shape[0], 1)).astype(np.float32)

    def build(k):
        m = k.Sequential([make(k), k.layers.Flatten(), k.layers.Dense(1)])
        m.build((None,) + shape[1:])
        m.compile(k.optimizers.SGD(0.05) if k is gc.keras
                  else tfk.optimizers.legacy.SGD(0.05), "mse")
        return m

    def run(m):
        losses = [m.train_on_batch(x, y) for _ in range(3)]
        return [np.asarray(losses)] + m.get_weights()
    a, b = run_both(build, run)
    _close(a, b, rtol=1e-4, atol=1e-5)


LSTM_CASES = [
    ("2d", lambda k: k.layers.ConvLSTM2D(3, 2, **B), (2, 3, 5, 4, 2)),
    ("2d_seq_same", lambda k: k.layers.ConvLSTM2D(2, 3, padding="same",
                                                  return_sequences=True, **B),
     (2, 3, 5, 4, 2)),
    ("2d_state_back", lambda k: k.layers.ConvLSTM2D(2, 2, return_state=True,
                                                    go_backwards=True, **B),
     (2, 4, 4, 3, 2)),
    ("2d_seq_back", lambda k: k.layers.ConvLSTM2D(2, 2, return_sequences=True,
                                                  go_backwards=True,
                                                  recurrent_activation="sigmoid", **B),
     (2, 3, 4, 3, 2)),
    ("2d_cf_stride", lambda k: k.layers.ConvLSTM2D(2, 3, strides=2, padding="same",
                                                   data_format="channels_first",
                                                   return_sequences=True,
                                                   return_state=True, **B),
     (2, 3, 2, 7, 6)),
    ("2d_dil", lambda k: k.layers.ConvLSTM2D(2, 2, dilation_rate=2, activation="relu",
                                             unit_forget_bias=False, **B),
     (2, 3, 5, 5, 1)),
    ("1d", lambda k: k.layers.ConvLSTM1D(3, 2, return_sequences=True, **B), (2, 3, 6, 2)),
    ("2d_dropout_test_phase", lambda k: k.layers.ConvLSTM2D(2, 2, dropout=0.4,
                                                            recurrent_dropout=0.3, **B),
     (2, 3, 4, 4, 2)),
    ("3d", lambda k: k.layers.ConvLSTM3D(2, 2, padding="same", return_state=True, **B),
     (2, 2, 3, 4, 3, 2)),
]


@pytest.mark.parametrize("name,make,shape", LSTM_CASES, ids=[c[0] for c in LSTM_CASES])
def test_conv_lstm_forward(name, make, shape):
    x = RNG.standard_normal(shape).astype(np.float32)

    def build(k):
        inp = k.Input(shape[1:])
        return k.Model(inp, make(k)(inp))

    def run(m):
        layer = m.layers[1]
        out = m.predict(x)
        shapes = layer.compute_output_shape((None,) + shape[1:])
        shapes = [tuple(s.as_list()) for s in (shapes if isinstance(shapes, list)
                                               else [shapes])]
        return (out if isinstance(out, list) else [out], [w.name for w in layer.weights],
                [tuple(w.shape.as_list()) for w in layer.weights], shapes,
                layer.get_config())
    a, b = run_both(build, run)
    _close(a[0], b[0])
    assert a[1:4] == b[1:4]
    assert [o.shape for o in a[0]] == [tuple(2 if d is None else d for d in s)
                                       for s in b[3]]
    assert set(a[4]) == set(b[4])
    assert _plain(a[4]) == _plain(b[4])


def test_conv_lstm_initial_state_and_stateful():
    x = RNG.standard_normal((2, 3, 4, 4, 2)).astype(np.float32)
    h0 = RNG.standard_normal((2, 3, 3, 2)).astype(np.float32)
    c0 = RNG.standard_normal((2, 3, 3, 2)).astype(np.float32)

    def build(k):
        inp, h, c = k.Input((3, 4, 4, 2)), k.Input((3, 3, 2)), k.Input((3, 3, 2))
        out = k.layers.ConvLSTM2D(2, 2, **B)(inp, initial_state=[h, c])
        return k.Model([inp, h, c], out)
    a, b = run_both(build, lambda m: m.predict([x, h0, c0]))
    _close([a], [b])

    def build_stateful(k):
        return k.Sequential([k.layers.ConvLSTM2D(2, 2, stateful=True,
                                                 batch_input_shape=(2, 3, 4, 4, 2), **B)])

    def run(m):
        first, second = m.predict(x, batch_size=2), m.predict(x, batch_size=2)
        m.layers[0].reset_states()
        return [first, second, m.predict(x, batch_size=2)]
    a, b = run_both(build_stateful, run)
    _close(a, b)
    assert not np.allclose(a[0], a[1])


@pytest.mark.parametrize("train", [False, True])
def test_stacked_cells(train):
    x = RNG.standard_normal((3, 4, 5)).astype(np.float32)
    y = RNG.standard_normal((3, 4, 2)).astype(np.float32)

    def build(k):
        cells = [k.layers.LSTMCell(3, recurrent_activation="hard_sigmoid"),
                 k.layers.GRUCell(2, recurrent_activation="sigmoid", reset_after=False),
                 k.layers.SimpleRNNCell(2)]
        inp = k.Input((4, 5))
        out = k.layers.RNN(cells, return_sequences=True, return_state=True)(inp)
        m = k.Model(inp, out[0] if train else out)
        if train:
            m.compile(k.optimizers.SGD(0.1) if k is gc.keras
                      else tfk.optimizers.legacy.SGD(0.1), "mse")
        return m

    def run(m):
        names = [w.name for w in m.weights]
        if train:
            losses = [m.train_on_batch(x, y) for _ in range(3)]
            return [np.asarray(losses)] + m.get_weights(), names
        rnn = m.layers[1]
        sizes = list(rnn.cell.state_size)
        return m.predict(x), names, [sizes[0] if isinstance(sizes[0], int)
                                     else list(sizes[0])] + sizes[1:]
    a, b = run_both(build, run)
    _close(a[0], b[0], rtol=1e-4)
    assert a[1:] == b[1:]


def test_stacked_cells_explicit_and_config():
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)

    def build(k):
        stack = k.layers.StackedRNNCells([k.layers.SimpleRNNCell(3),
                                          k.layers.SimpleRNNCell(2, activation="relu")])
        inp = k.Input((3, 4))
        return k.Model(inp, k.layers.RNN(stack, go_backwards=True)(inp))

    def run(m):
        config = m.layers[1].get_config()["cell"]["config"]
        return (m.predict(x), sorted(config), [c["class_name"] for c in config["cells"]],
                m.layers[1].cell.output_size)
    a, b = run_both(build, run)
    _close([a[0]], [b[0]])
    assert a[2:] == b[2:]
    assert set(a[1]) <= set(b[1])


@pytest.mark.parametrize("cls", ["GlobalAveragePooling1D", "GlobalMaxPooling1D",
                                 "GlobalAveragePooling2D", "GlobalMaxPooling2D"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_pooling_keepdims(cls, data_format):
    shape = (2, 3, 4) if cls.endswith("1D") else (2, 3, 4, 5)
    x = RNG.standard_normal(shape).astype(np.float32)

    def build(k):
        inp = k.Input(shape[1:])
        return k.Model(inp, getattr(k.layers, cls)(data_format=data_format,
                                                   keepdims=True)(inp))

    def run(m):
        return m.predict(x), m.layers[1].get_config()
    a, b = run_both(build, run)
    _close([a[0]], [b[0]])
    assert a[1] == {k: v for k, v in b[1].items() if k in a[1]} and set(a[1]) == set(b[1])
