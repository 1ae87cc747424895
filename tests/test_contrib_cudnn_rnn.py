"""gc.contrib.cudnn_rnn: the cuDNN-compatible cells and layers against cuDNN's equations
written in numpy from cuDNN's own (per-gate W, R, b_W, b_R) parameters, against stacks of
the compatible cells, and finite-difference gradients."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import cudnn_rnn

GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}
LAYERS = {"lstm": cudnn_rnn.CudnnLSTM, "gru": cudnn_rnn.CudnnGRU,
          "rnn_tanh": cudnn_rnn.CudnnRNNTanh, "rnn_relu": cudnn_rnn.CudnnRNNRelu}


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def cudnn_params(rng, mode, depth, n):
    """cuDNN canonical params of one layer and direction: W[g] (n, depth), R[g] (n, n),
    bW[g], bR[g]; gate order i, f, c, o (LSTM), r, u, h (GRU)."""
    g = GATES[mode]
    return dict(W=rng.randn(g, n, depth) * 0.5, R=rng.randn(g, n, n) * 0.5,
                bW=rng.randn(g, n) * 0.5, bR=rng.randn(g, n) * 0.5)


def to_tf(mode, p):
    """cuDNN canonical -> TF canonical variables, in the cell's variable order."""
    W, R, bW, bR = p["W"], p["R"], p["bW"], p["bR"]
    if mode == "lstm":
        order = [0, 2, 1, 3]                              # TF i, j(c), f, o
        kernel = np.concatenate([np.concatenate([W[k].T, R[k].T], 0) for k in order], 1)
        return [kernel, np.concatenate([bW[k] + bR[k] for k in order])]
    if mode == "gru":
        gates = np.concatenate([np.concatenate([W[k].T, R[k].T], 0) for k in (0, 1)], 1)
        return [gates, np.concatenate([bW[0] + bR[0], bW[1] + bR[1]]),
                W[2].T, bW[2], R[2].T, bR[2]]
    return [np.concatenate([W[0].T, R[0].T], 0), bW[0] + bR[0]]


def cudnn_step(mode, p, x, h, c):
    """cuDNN's equations (cuDNN developer guide, cudnnRNNMode_t)."""
    W, R, bW, bR = p["W"], p["R"], p["bW"], p["bR"]
    lin = [x @ W[k].T + bW[k] for k in range(len(W))]
    rec = [h @ R[k].T + bR[k] for k in range(len(W))]
    if mode == "lstm":
        i, f = sigmoid(lin[0] + rec[0]), sigmoid(lin[1] + rec[1])
        g, o = np.tanh(lin[2] + rec[2]), sigmoid(lin[3] + rec[3])
        c = f * c + i * g
        return o * np.tanh(c), c
    if mode == "gru":
        r, u = sigmoid(lin[0] + rec[0]), sigmoid(lin[1] + rec[1])
        hh = np.tanh(lin[2] + r * rec[2])
        return (1 - u) * hh + u * h, c
    act = np.tanh if mode == "rnn_tanh" else (lambda v: np.maximum(v, 0))
    return act(lin[0] + rec[0]), c


def numpy_stack(mode, params, x, lengths, h0, c0, num_dirs):
    """The whole cuDNN RNN in numpy: x (time, batch, depth) -> outputs, h, c."""
    T, B, _ = x.shape
    hs, cs = [], []
    for layer, row in enumerate(params):
        outs = []
        for d, p in enumerate(row):
            k = layer * num_dirs + d
            out = np.zeros((T, B, h0.shape[-1]))
            h_fin, c_fin = np.zeros_like(h0[k]), np.zeros_like(c0[k])
            for b in range(B):
                h, c = h0[k, b:b + 1], c0[k, b:b + 1]
                steps = range(lengths[b]) if d == 0 else range(lengths[b] - 1, -1, -1)
                for t in steps:
                    h, c = cudnn_step(mode, p, x[t, b:b + 1], h, c)
                    out[t, b] = h[0]
                h_fin[b], c_fin[b] = h[0], c[0]
            outs.append(out)
            hs.append(h_fin)
            cs.append(c_fin)
        x = np.concatenate(outs, 2)
    return x, np.stack(hs), np.stack(cs)


def make_params(rng, mode, num_layers, depth, n, num_dirs):
    return [[cudnn_params(rng, mode, depth if layer == 0 else n * num_dirs, n)
             for _ in range(num_dirs)] for layer in range(num_layers)]


def weight_feeds(layer, mode, params):
    values = [v for row in params for p in row for v in to_tf(mode, p)]
    assert len(values) == len(layer.variables)
    return dict(zip(layer.variables, values))


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("direction", ["unidirectional", "bidirectional"])
def test_layer_matches_cudnn_equations(mode, direction):
    rng = np.random.RandomState(0)
    T, B, D, N, L = 4, 3, 5, 2, 2
    dirs = 1 if direction == "unidirectional" else 2
    x = gc.placeholder(gc.float64, (T, None, D))
    layer = LAYERS[mode](L, N, direction=direction, dtype=gc.float64)
    lengths = gc.placeholder(gc.int32, (None,))
    h0 = gc.placeholder(gc.float64, (L * dirs, None, N))
    c0 = gc.placeholder(gc.float64, (L * dirs, None, N))
    init = (h0, c0) if mode == "lstm" else (h0,)
    out, states = layer(x, initial_state=init, sequence_lengths=lengths)
    assert out.shape.as_list() == [T, None, dirs * N]
    assert len(states) == (2 if mode == "lstm" else 1)
    params = make_params(rng, mode, L, D, N, dirs)
    xv, lv = rng.randn(T, B, D), np.array([4, 2, 1], np.int32)
    h0v, c0v = rng.randn(L * dirs, B, N), rng.randn(L * dirs, B, N)
    feeds = {x: xv, lengths: lv, h0: h0v, c0: c0v, **weight_feeds(layer, mode, params)}
    with gc.Session() as sess:
        got = sess.run([out, states], feeds)
    want_out, want_h, want_c = numpy_stack(mode, params, xv, lv, h0v, c0v, dirs)
    np.testing.assert_allclose(got[0], want_out, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got[1][0], want_h, rtol=1e-10, atol=1e-12)
    if mode == "lstm":
        np.testing.assert_allclose(got[1][1], want_c, rtol=1e-10, atol=1e-12)


def test_compatible_cells_one_step_match_cudnn():
    rng = np.random.RandomState(1)
    for mode, cell in (("lstm", cudnn_rnn.CudnnCompatibleLSTMCell(3)),
                       ("gru", cudnn_rnn.CudnnCompatibleGRUCell(3))):
        x = gc.placeholder(gc.float64, (2, 5))
        h, c = gc.placeholder(gc.float64, (2, 3)), gc.placeholder(gc.float64, (2, 3))
        state = gc.nn.rnn_cell.LSTMStateTuple(c, h) if mode == "lstm" else h
        out, new = cell(x, state)
        p = cudnn_params(rng, mode, 5, 3)
        xv, hv, cv = rng.randn(2, 5), rng.randn(2, 3), rng.randn(2, 3)
        feeds = {x: xv, h: hv, c: cv, **dict(zip(cell.variables, to_tf(mode, p)))}
        with gc.Session() as sess:
            got_out, got_new = sess.run([out, new], feeds)
        want_h, want_c = cudnn_step(mode, p, xv, hv, cv)
        np.testing.assert_allclose(got_out, want_h, rtol=1e-10)
        if mode == "lstm":
            np.testing.assert_allclose(got_new.c, want_c, rtol=1e-10)


def test_cell_variable_names_and_defaults():
    x = gc.placeholder(gc.float32, (2, 5))
    gru = cudnn_rnn.CudnnCompatibleGRUCell(3)
    gru(x, gru.zero_state(2, gc.float32))
    assert [v.name for v in gru.variables] == [
        "cudnn_compatible_gru_cell/gates/kernel:0", "cudnn_compatible_gru_cell/gates/bias:0",
        "cudnn_compatible_gru_cell/candidate/input_projection/kernel:0",
        "cudnn_compatible_gru_cell/candidate/input_projection/bias:0",
        "cudnn_compatible_gru_cell/candidate/hidden_projection/kernel:0",
        "cudnn_compatible_gru_cell/candidate/hidden_projection/bias:0"]
    assert [v.shape.as_list() for v in gru.variables] == [[8, 6], [6], [5, 3], [3], [3, 3], [3]]
    lstm = cudnn_rnn.CudnnCompatibleLSTMCell(3)
    lstm(x, lstm.zero_state(2, gc.float32))
    assert [v.name for v in lstm.variables] == ["cudnn_compatible_lstm_cell/kernel:0",
                                                "cudnn_compatible_lstm_cell/bias:0"]
    assert isinstance(gru, gc.nn.rnn_cell.GRUCell)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(gru.variables[1]), np.ones(6))
        np.testing.assert_array_equal(sess.run(lstm.variables[1]), np.zeros(12))


def test_layer_equals_stacked_compatible_cells():
    rng = np.random.RandomState(2)
    x = gc.placeholder(gc.float64, (4, 3, 5))
    layer = cudnn_rnn.CudnnGRU(2, 3, dtype=gc.float64)
    out, (h,) = layer(x)
    cells = [cudnn_rnn.CudnnCompatibleGRUCell(3) for _ in range(2)]
    multi = gc.nn.rnn_cell.MultiRNNCell(cells)
    ref_out, ref_state = gc.nn.dynamic_rnn(multi, x, dtype=gc.float64, time_major=True,
                                           scope="ref")
    values = [rng.randn(*v.shape.as_list()) for v in layer.variables]
    ref_vars = [v for c in cells for v in c.variables]
    feeds = {x: rng.randn(4, 3, 5), **dict(zip(layer.variables, values)),
             **dict(zip(ref_vars, values))}
    with gc.Session() as sess:
        a, b, hv, sv = sess.run([out, ref_out, h, ref_state], feeds)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(hv, np.stack(sv), rtol=1e-12)


def test_layer_names_shapes_and_reuse():
    x = gc.placeholder(gc.float32, (None, 3, 5))
    lstm = cudnn_rnn.CudnnLSTM(2, 4, direction="bidirectional")
    lstm(x)
    names = [v.name for v in lstm.variables]
    assert names[0] == ("cudnn_lstm/stack_bidirectional_rnn/cell_0/bidirectional_rnn/fw/"
                        "cudnn_compatible_lstm_cell/kernel:0")
    assert [v.shape.as_list() for v in lstm.variables[::2]] == [[9, 16], [9, 16], [12, 16],
                                                                 [12, 16]]
    assert lstm.num_dirs == 2 and lstm.input_size == 5 and lstm.rnn_mode == "lstm"
    assert lstm.state_shape(7) == ([4, 7, 4], [4, 7, 4])
    assert lstm.canonical_weight_shapes[:5] == [[4, 5]] * 4 + [[4, 4]]
    assert len(lstm.canonical_weight_shapes) == 32 == len(lstm.canonical_bias_shapes)
    n_vars = len(gc.global_variables())
    out, (h, c) = lstm(x, time_major=True)
    assert len(gc.global_variables()) == n_vars and out.shape.as_list() == [None, 3, 8]
    y = gc.placeholder(gc.float32, (3, 6, 5))           # batch-major
    out2, _ = lstm(y, time_major=False)
    assert out2.shape.as_list() == [3, 6, 8]


def test_time_major_false_is_a_transpose():
    rng = np.random.RandomState(3)
    x = gc.placeholder(gc.float64, (2, 4, 3))
    layer = cudnn_rnn.CudnnRNNTanh(1, 2, dtype=gc.float64, direction="bidirectional")
    a, (ha,) = layer(x, time_major=False)
    b, (hb,) = layer(gc.transpose(x, [1, 0, 2]))
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        av, bv, hav, hbv = sess.run([a, b, ha, hb], {x: rng.randn(2, 4, 3)})
    np.testing.assert_allclose(av, bv.transpose(1, 0, 2))
    np.testing.assert_allclose(hav, hbv)


def test_dropout_only_between_layers_and_when_training():
    x = gc.constant(np.random.RandomState(4).randn(3, 2, 4).astype(np.float32))
    one = cudnn_rnn.CudnnLSTM(1, 8, dropout=0.5, seed=1)
    two = cudnn_rnn.CudnnLSTM(2, 8, dropout=0.5, seed=1)
    o1a, _ = one(x)
    o1b, _ = one(x, training=False)
    o2a, _ = two(x)
    o2b, _ = two(x, training=False)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        v = sess.run([o1a, o1b, o2a, o2b])
    np.testing.assert_allclose(v[0], v[1])          # one layer: no dropout anywhere
    assert not np.allclose(v[2], v[3])


def test_errors():
    with pytest.raises(ValueError, match="Invalid direction"):
        cudnn_rnn.CudnnGRU(1, 2, direction="sideways")
    with pytest.raises(NotImplementedError, match="linear_input"):
        cudnn_rnn.CudnnGRU(1, 2, input_mode="skip_input")
    with pytest.raises(ValueError, match="num_layers"):
        cudnn_rnn.CudnnGRU(0, 2)
    with pytest.raises(ValueError, match="should be defined"):
        cudnn_rnn.CudnnGRU(1, 2)(gc.placeholder(gc.float32, (3, 2, None)))
    with pytest.raises(ValueError, match="3 dims"):
        cudnn_rnn.CudnnGRU(1, 2)(gc.placeholder(gc.float32, (3, 2)))
    x = gc.placeholder(gc.float32, (3, 2, 4))
    with pytest.raises(ValueError, match="tuple of 2"):
        cudnn_rnn.CudnnLSTM(1, 2)(x, initial_state=(gc.zeros([1, 2, 2]),))
    with pytest.raises(RuntimeError, match="before input shape"):
        cudnn_rnn.CudnnGRU(1, 2).canonical_weight_shapes


@pytest.mark.parametrize("mode,direction", [("lstm", "bidirectional"),
                                            ("gru", "unidirectional")])
def test_gradients_finite_differences(mode, direction):
    rng = np.random.RandomState(5)
    x = gc.placeholder(gc.float64, (3, 2, 2))
    layer = LAYERS[mode](2, 2, direction=direction, dtype=gc.float64)
    out, states = layer(x, sequence_lengths=[3, 2])
    y = gc.reduce_sum(out * gc.constant(rng.randn(3, 2, out.shape.as_list()[-1]))) \
        + gc.reduce_sum(states[-1] * 0.7)
    ws = layer.variables[:3]
    with gc.Session():
        gc.global_variables_initializer().run()
        err = gc.test.compute_gradient_error(
            [x] + ws, [[3, 2, 2]] + [w.shape.as_list() for w in ws], y, [],
            x_init_value=[rng.randn(3, 2, 2)] + [rng.randn(*w.shape.as_list()) * 0.5
                                                 for w in ws],
            extra_feed_dict={x: rng.randn(3, 2, 2)})
    assert err < 1e-5
