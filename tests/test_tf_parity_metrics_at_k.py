"""Parity of the top-k metrics with TF1's tf.metrics: the same values before and after
each of several updates (fed batches), the same dtypes, the same local variable names
and the same value/update op names."""
import numpy as np
import pytest
from tf_parity import tf, v1  # noqa: F401

import graphc as gc

rng = np.random.default_rng(0)
PREDS = [rng.standard_normal((4, 6)).astype(np.float32) for _ in range(3)]
DENSE = [rng.integers(-1, 8, size=(4, 3)).astype(np.int64) for _ in range(3)]
WEIGHTS = [rng.uniform(0, 2, size=(4,)).astype(np.float32) for _ in range(3)]


def _sparse(m, dense):
    idx = np.argwhere(dense >= 0)
    return m.SparseTensor(idx.astype(np.int64), dense[dense >= 0], dense.shape)


CASES = {
    "precision": lambda m, y, p, w: m.metrics.precision_at_k(y, p, 2),
    "precision_class": lambda m, y, p, w: m.metrics.precision_at_k(y, p, 3, class_id=2),
    "precision_weights": lambda m, y, p, w: m.metrics.precision_at_k(y, p, 2, weights=w),
    "recall": lambda m, y, p, w: m.metrics.recall_at_k(y, p, 3),
    "recall_class_w": lambda m, y, p, w: m.metrics.recall_at_k(y, p, 2, class_id=1,
                                                                weights=w, name="rc"),
    "precision_top_k": lambda m, y, p, w: m.metrics.precision_at_top_k(
        y, m.nn.top_k(p, 2)[1]),
    "recall_top_k": lambda m, y, p, w: m.metrics.recall_at_top_k(
        y, m.nn.top_k(p, 3)[1], k=3, class_id=4),
    "average_precision": lambda m, y, p, w: m.metrics.average_precision_at_k(y, p, 3),
    "average_precision_w": lambda m, y, p, w: m.metrics.average_precision_at_k(
        y, p, 2, weights=w),
    "sparse_precision": lambda m, y, p, w: m.metrics.sparse_precision_at_k(y, p, 1),
    "sparse_average_precision": lambda m, y, p, w: m.metrics.sparse_average_precision_at_k(
        y, p, 4),
}


def _stream(m, case, sparse, one_label):
    g = m.Graph()
    with g.as_default():
        p = m.placeholder(m.float32, [4, 6])
        w = m.placeholder(m.float32, [4])
        if sparse:
            y = m.sparse_placeholder(m.int64, [4, 3])
        else:
            y = m.placeholder(m.int64, [4] if one_label else [4, 3])
        value, update = CASES[case](m, y, p, w)
        names = sorted(v.op.name for v in g.get_collection(m.GraphKeys.LOCAL_VARIABLES))
        out = [value.name, update.name, value.dtype.name, names]
        with m.Session() as sess:
            sess.run(m.local_variables_initializer())
            out.append(sess.run(value))
            for labels, preds, weights in zip(DENSE, PREDS, WEIGHTS):
                if sparse:
                    idx = np.argwhere(labels >= 0).astype(np.int64)
                    labels = (idx, labels[labels >= 0], np.array(labels.shape, np.int64))
                elif one_label:
                    labels = labels[:, 0]
                out.append(sess.run(update, {y: labels, p: preds, w: weights}))
                out.append(sess.run(value))
    return out


@pytest.mark.parametrize("labels", ["dense", "sparse", "one_label"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_as_tf(case, labels):
    got = _stream(gc, case, labels == "sparse", labels == "one_label")
    want = _stream(v1, case, labels == "sparse", labels == "one_label")
    assert got[:4] == want[:4]
    np.testing.assert_allclose(np.array(got[4:], float), np.array(want[4:], float),
                               rtol=1e-12, equal_nan=True)
