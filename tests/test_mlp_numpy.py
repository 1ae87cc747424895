"""An MLP's gradients from graphc equal a hand-written numpy backward pass (issue 3)."""
import numpy as np

import graphc as gc


def _numpy_mlp_grads(x, y, W1, b1, W2, b2):
    z1 = x @ W1 + b1
    h = np.maximum(z1, 0)
    logits = h @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = np.mean(-np.sum(y * np.log(p), axis=1))
    dlogits = (p - y) / x.shape[0]
    dW2 = h.T @ dlogits
    db2 = dlogits.sum(0)
    dz1 = (dlogits @ W2.T) * (z1 > 0)
    return loss, [x.T @ dz1, dz1.sum(0), dW2, db2]


def test_mlp_784_256_10_gradients_match_numpy_to_1e10():
    rng = np.random.default_rng(42)
    B = 32
    xv = rng.standard_normal((B, 784))
    yv = np.eye(10)[rng.integers(0, 10, B)]
    init = [rng.standard_normal((784, 256)) * 0.05, rng.standard_normal(256) * 0.1,
            rng.standard_normal((256, 10)) * 0.05, rng.standard_normal(10) * 0.1]
    x = gc.placeholder(gc.float64, (None, 784), name="x")
    y = gc.placeholder(gc.float64, (None, 10), name="y")
    W1, b1, W2, b2 = [gc.Variable(v, name=n) for v, n in zip(init, ["W1", "b1", "W2", "b2"])]
    h = gc.nn.relu(gc.matmul(x, W1) + b1)
    logits = gc.matmul(h, W2) + b2
    loss = gc.reduce_mean(gc.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    grads = gc.gradients(loss, [W1, b1, W2, b2])
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        got_loss, got = s.run([loss, grads], {x: xv, y: yv})
    want_loss, want = _numpy_mlp_grads(xv, yv, *init)
    np.testing.assert_allclose(got_loss, want_loss, rtol=1e-12)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-10)
