"""gc.metrics' top-k metrics: values (checked against TF1's by hand-worked examples),
local variable names and collections, NaN before counting, sparse labels, class_id,
weights and errors."""
import numpy as np
import pytest

import graphc as gc

# precision and average precision are 0/0 = NaN before any label is seen, as in TF
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")

LABELS = [[0, 3], [1, -1]]
PREDS = [[.1, .2, .3, .4], [.5, .1, .3, .2]]


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


def stream(metric, feeds=1):
    """(value before, update, value after) of a (value, update_op) pair."""
    value, update = metric
    with gc.Session() as sess:
        sess.run(gc.local_variables_initializer())
        before = sess.run(value)
        ups = [sess.run(update) for _ in range(feeds)]
        return before, ups[-1], sess.run(value)


def labels64(x=LABELS):
    return gc.constant(x, gc.int64)


def test_precision_at_k_names_nan_and_value():
    m = gc.metrics.precision_at_k(labels64(), PREDS, 2)
    names = sorted(v.op.name for v in gc.local_variables())
    assert names == ["precision_at_2/false_positive_at_2", "precision_at_2/true_positive_at_2"]
    assert set(gc.get_collection(gc.GraphKeys.METRIC_VARIABLES)) == set(gc.local_variables())
    assert m[0].name == "precision_at_2:0" and m[1].name == "precision_at_2/update:0"
    assert m[0].dtype is gc.float64
    before, update, after = stream(m)
    assert np.isnan(before) and update == after == 0.25      # top 2: {3, 2}, {0, 2}


def test_class_id_recall_weights_and_streaming():
    p = gc.metrics.precision_at_k(labels64(), PREDS, 2, class_id=3)
    assert p[0].name == "precision_at_2_class3:0"
    assert stream(p)[1:] == (1.0, 1.0)
    r = gc.metrics.recall_at_k(labels64(), PREDS, 2, weights=[1., 2.])
    assert stream(r, feeds=2)[1:] == (1 / 6, 1 / 6)           # tp 1, fn 1 + 2 * 2


def test_top_k_variants_and_default_names():
    idx = gc.constant([[3, 2], [0, 2]])
    a = gc.metrics.precision_at_top_k(labels64(), idx)
    b = gc.metrics.recall_at_top_k(labels64(), idx, k=2, name="r")
    assert a[0].name == "precision_at_k:0" and b[1].name == "r/update:0"
    # dense labels are sets of all their entries, -1 too (TF1): fn = {0}, {1, -1}
    assert stream(a)[1] == 0.25 and stream(b)[1] == 0.25


def test_sparse_labels_and_duplicates():
    sp = gc.SparseTensor([[0, 0], [0, 1], [1, 0]], gc.constant([3, 7, 0], gc.int64), [2, 3])
    assert stream(gc.metrics.precision_at_k(sp, PREDS, 2))[1] == 0.5
    assert stream(gc.metrics.recall_at_k(sp, PREDS, 2, class_id=0))[1] == 1.0
    dup = labels64([[3, 3], [0, 0]])
    assert stream(gc.metrics.recall_at_k(dup, PREDS, 2))[1] == 1.0


def test_labels_of_one_dim_less_are_expanded():
    m = gc.metrics.recall_at_k(gc.constant([3, 1], gc.int64), PREDS, 1)
    assert stream(m)[1] == 0.5


def test_average_precision_at_k():
    m = gc.metrics.average_precision_at_k(labels64([[3, 7], [0, 9]]), PREDS, 2)
    names = sorted(v.op.name for v in gc.local_variables())
    assert names == ["average_precision_at_2/max_1", "average_precision_at_2/total"]
    assert m[0].name == "average_precision_at_2/mean:0"
    assert m[1].name == "average_precision_at_2:0"
    assert stream(m) == (0.0, 1.0, 1.0)         # labels >= num_classes are dropped
    dup = gc.metrics.sparse_average_precision_at_k(labels64([[3, 3], [0, 0]]), PREDS, 2)
    assert stream(dup)[1] == 0.5                # dense labels count duplicates as relevant


def test_average_precision_nan_for_a_row_without_labels_and_weights():
    m = gc.metrics.average_precision_at_k(labels64([[3, 7], [-1, -1]]), PREDS, 2)
    assert np.isnan(stream(m)[1])
    w = gc.metrics.average_precision_at_k(labels64([[3, 2], [1, -1]]), PREDS, 3,
                                          weights=[1., 3.])
    # row 0: hits at ranks 1, 2 -> 1; row 1: ranks [0, 2, 3], hit 1 nowhere -> 0
    assert stream(w)[1] == pytest.approx(0.25)


def test_errors():
    with pytest.raises(ValueError, match="k=0"):
        gc.metrics.average_precision_at_k(labels64(), PREDS, 0)
    with pytest.raises(gc.errors.ShapeError, match="Unexpected labels shape"):
        gc.metrics.precision_at_top_k(gc.constant([[[1]]], gc.int64), [1, 2])
    with pytest.raises(gc.errors.ShapeError, match="cannot be broadcast"):
        gc.metrics.average_precision_at_k(labels64(), PREDS, 2, weights=[1., 2., 3.])


def test_collections():
    v, u = gc.metrics.recall_at_k(labels64(), PREDS, 2, metrics_collections=["m"],
                                  updates_collections=["u"])
    assert gc.get_collection("m") == [v] and gc.get_collection("u") == [u]
