"""The rows of a table's IndexedSlices gradient come in TF1's order: its sweep is a
queue from ys (a node enters once all its consumers have passed their gradients back),
and the sampled losses look up labels and sampled classes in one lookup, then slice
(a word2vec step: nce_loss + sampled_softmax_loss on one table)."""
import numpy as np

import graphc as gc


def _indices(loss, table):
    g, = gc.gradients(loss, [table])
    assert isinstance(g, gc.IndexedSlices)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(g.indices).tolist()


def test_lookups_are_joined_in_tf1s_sweep_order():
    w = gc.Variable(np.ones((4, 2), np.float32))
    a = gc.reduce_sum(gc.gather(w, [0]))
    b = gc.reduce_sum(gc.gather(w, [1])) * 2.0
    c = gc.exp(gc.reduce_sum(gc.gather(w, [2])))
    # TF1: the queue reaches gather([0]) first, then gather([2]), then gather([1])
    assert _indices(a + b + c, w) == [0, 2, 1]
    assert _indices(c + b + a, w) == [0, 2, 1]
    assert _indices(a * b + c, w) == [0, 2, 1]


def test_sampled_losses_look_up_true_and_sampled_classes_together():
    w = gc.Variable(np.arange(12, dtype=np.float32).reshape(6, 2) / 10)
    b = gc.Variable(np.arange(6, dtype=np.float32) / 7)
    x = gc.constant([[1.0, -1.0], [0.5, 2.0]])
    labels = gc.constant([[2, 1], [3, 3]], gc.int64)
    sv = (gc.constant([4, 5, 0], gc.int64), gc.fill([2, 2], 0.3), gc.constant([0.2, 0.5, 0.1]))
    nce = gc.nn.nce_loss(w, b, labels, x, 3, 6, num_true=2, sampled_values=sv)
    ssm = gc.nn.sampled_softmax_loss(w, b, labels, x, 3, 6, num_true=2, sampled_values=sv)
    # each loss: its true classes then its sampled ones, as TF1's single lookup gives
    each = [2, 1, 3, 3, 4, 5, 0]
    assert _indices(gc.reduce_mean(nce) + gc.reduce_mean(ssm), b) == each + each
    assert _indices(gc.reduce_mean(nce) + gc.reduce_mean(ssm), w) == each + each
