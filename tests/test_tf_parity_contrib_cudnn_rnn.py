"""gc.contrib.cudnn_rnn against TF 2.21's tf.compat.v1 ops composed the way TF 1.15's
CudnnCompatibleLSTMCell / CudnnCompatibleGRUCell and stack_bidirectional_dynamic_rnn
compose them (tf.contrib is gone from TF 2): outputs, states and gradients."""
import numpy as np
import pytest
from tf_parity import tf

import graphc as gc
from graphc.contrib import cudnn_rnn

v1 = tf.compat.v1
T, B, D, N = 4, 3, 2, 3
LENGTHS = np.array([4, 1, 3], np.int32)


def tf_step(mode, w, x, h, c):
    """TF 1.15's compatible cells on TF ops (w: the cell's variables, as constants)."""
    if mode == "lstm":                                   # LSTMBlockCell, forget_bias 0
        i, j, f, o = tf.split(tf.matmul(tf.concat([x, h], 1), w[0]) + w[1], 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(j)
        return tf.sigmoid(o) * tf.tanh(c), c
    r, u = tf.split(tf.sigmoid(tf.matmul(tf.concat([x, h], 1), w[0]) + w[1]), 2, axis=1)
    cand = tf.tanh(tf.matmul(x, w[2]) + w[3] + r * (tf.matmul(h, w[4]) + w[5]))
    return u * h + (1 - u) * cand, c


def tf_layer(mode, weights, x, num_layers, num_dirs):
    """The stacked (bi)directional RNN with sequence lengths, unrolled on TF ops."""
    mask = tf.constant((np.arange(T)[:, None] < LENGTHS[None, :]).astype(np.float64))[..., None]
    k = 0
    for _ in range(num_layers):
        outs = []
        for d in range(num_dirs):
            w = weights[k]
            k += 1
            xs = x if d == 0 else tf.reverse_sequence(x, LENGTHS, seq_axis=0, batch_axis=1)
            h = c = tf.zeros([B, N], tf.float64)
            steps = []
            for t in range(T):
                nh, nc = tf_step(mode, w, xs[t], h, c)
                h = mask[t] * nh + (1 - mask[t]) * h         # state frozen past the length
                c = mask[t] * nc + (1 - mask[t]) * c
                steps.append(mask[t] * nh)
            out = tf.stack(steps)
            if d == 1:
                out = tf.reverse_sequence(out, LENGTHS, seq_axis=0, batch_axis=1)
            outs.append(out)
        x = tf.concat(outs, 2)
    return x


@pytest.mark.parametrize("mode,layer_cls", [("lstm", cudnn_rnn.CudnnLSTM),
                                            ("gru", cudnn_rnn.CudnnGRU)])
@pytest.mark.parametrize("direction", ["unidirectional", "bidirectional"])
def test_layer_matches_tf_ops(mode, layer_cls, direction):
    rng = np.random.RandomState(0)
    num_dirs = 1 if direction == "unidirectional" else 2
    xv = rng.randn(T, B, D)
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float64, (T, B, D))
        layer = layer_cls(2, N, direction=direction, dtype=gc.float64)
        out, _ = layer(x, sequence_lengths=LENGTHS)
        cot = rng.randn(T, B, N * num_dirs)
        grad, = gc.gradients(gc.reduce_sum(out * cot), [x])
        values = [rng.randn(*v.shape.as_list()) * 0.5 for v in layer.variables]
        with gc.Session(graph=g) as sess:
            got, got_grad = sess.run([out, grad], {x: xv, **dict(zip(layer.variables, values))})
    per_cell = 2 if mode == "lstm" else 6
    weights = [values[i:i + per_cell] for i in range(0, len(values), per_cell)]
    with tf.Graph().as_default():
        tx = v1.placeholder(tf.float64, (T, B, D))
        tout = tf_layer(mode, [[tf.constant(w) for w in ws] for ws in weights], tx, 2,
                        num_dirs)
        tgrad, = tf.gradients(tf.reduce_sum(tout * cot), [tx])
        with v1.Session() as sess:
            want, want_grad = sess.run([tout, tgrad], {tx: xv})
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-10, atol=1e-12)
