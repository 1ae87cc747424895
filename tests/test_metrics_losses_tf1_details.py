"""tf.metrics and tf.losses on inputs of unknown rank, and tf.layers' regularization
losses in a tower's name scope (session-18 hunt; expected values from TF 2.21 compat.v1)."""
import numpy as np

import graphc as gc


def test_metrics_squeeze_a_trailing_dim_of_unknown_rank_inputs_when_run():
    logits = gc.placeholder(gc.float32, [None, 3])
    labels = gc.placeholder(gc.int64)           # no shape: TF1's usual style
    w = gc.placeholder(gc.float32)
    pred = gc.argmax(logits, 1)
    acc, acc_up = gc.metrics.accuracy(labels, pred)
    mse, mse_up = gc.metrics.mean_squared_error(gc.cast(labels, gc.float32),
                                                gc.cast(pred, gc.float32))
    prec, prec_up = gc.metrics.precision(gc.equal(labels, 2), gc.equal(pred, 2))
    mean, mean_up = gc.metrics.mean(logits, weights=w)      # w [B] expands to [B, 1]
    lg = np.eye(3, dtype=np.float32)[[0, 1, 2, 2]]          # predictions 0 1 2 2
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        got = s.run([acc_up, mse_up, prec_up], {logits: lg, labels: [[0], [1], [2], [0]]})
        np.testing.assert_allclose(got, [0.75, 1.0, 0.5], rtol=1e-6)   # TF's values
        assert s.run(mean_up, {logits: lg, w: [1., 0., 1., 1.]}) == np.float32(1 / 3)


def test_sparse_softmax_cross_entropy_with_unknown_rank_labels_and_weights():
    logits = gc.constant([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0], [2.0, 0.0, 0.0]])
    labels = gc.placeholder(gc.int32)
    weights = gc.placeholder(gc.float32)
    plain = gc.losses.sparse_softmax_cross_entropy(labels, logits)
    weighted = gc.losses.sparse_softmax_cross_entropy(labels, logits, weights=weights)
    lab = [[0], [1], [2]]
    p = np.exp([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0], [2.0, 0.0, 0.0]])
    ce = -np.log((p / p.sum(1, keepdims=True))[[0, 1, 2], [0, 1, 2]])
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(plain, {labels: lab}), ce.mean(), rtol=1e-5)
        w = np.array([[1.0], [2.0], [0.0]])
        np.testing.assert_allclose(s.run(weighted, {labels: lab, weights: w}),
                                   (ce * w[:, 0]).sum() / 2, rtol=1e-5)


def test_tf_layers_regularization_losses_live_in_the_tower_name_scope():
    x = gc.placeholder(gc.float32, [None, 3])
    for t in range(2):
        with gc.name_scope(f"tower_{t}") as scope:
            with gc.variable_scope("model", reuse=t > 0):
                gc.layers.dense(x, 2, kernel_regularizer=lambda w: 0.01 * gc.nn.l2_loss(w),
                                name="fc")
            names = [l.name for l in gc.losses.get_regularization_losses(scope)]
            assert names == (["tower_0/model/fc/kernel/Regularizer/mul:0"] if t == 0 else [])
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(gc.global_variables()[0].assign(gc.ones([3, 2])))
        assert s.run(gc.losses.get_regularization_loss(scope="tower_0")) == 0.03
