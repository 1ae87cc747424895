"""gc.metrics' top-k metrics (TF1): precision_at_k, recall_at_k, precision_at_top_k,
recall_at_top_k, average_precision_at_k and the deprecated sparse_* aliases.

    p, update = gc.metrics.precision_at_k(labels=ids, predictions=logits, k=5)

`labels` are class ids: a dense int64 tensor [D1, ... DN, num_labels] (or [D1, ... DN],
one label each) or a SparseTensor; each row is a set (duplicates count once). As in TF1
these metrics open a name scope (not a variable scope), keep float64 counts in local
variables named after it ('precision_at_5/true_positive_at_5', ...) and give NaN (0/0)
for precision and recall before anything is counted; average precision gives 0.
"""
from . import dtypes
from .graph import control_dependencies, name_scope
from .losses import _assert_broadcastable
from .metrics import _finish, _metric_variable, _shape_error
from .ops import array as A, elementwise as E, reduce as R
from .ops.control import cond
from .ops.core import convert_to_tensor
from .ops.creation import fill, ones_like
from .ops.math_extra import div_no_nan
from .ops.scan import cumsum
from .ops.sets import set_difference, set_intersection, set_size
from .ops.sorting import top_k
from .sparse import SparseTensor, sparse_retain
from .sparse_misc import convert_to_tensor_or_sparse_tensor
from .sparse_ops import sparse_concat, sparse_reshape

__all__ = ["precision_at_k", "recall_at_k", "precision_at_top_k", "recall_at_top_k",
           "average_precision_at_k", "sparse_precision_at_k",
           "sparse_average_precision_at_k"]

F64 = dtypes.float64


def _at_k_name(name, k=None, class_id=None):
    """TF1's default scope names: 'precision_at_5', 'recall_at_k_class3'."""
    name = f"{name}_at_{k}" if k is not None else f"{name}_at_k"
    return name if class_id is None else f"{name}_class{class_id}"


def _is_sparse(x):
    return isinstance(x, SparseTensor)


def _sparse_rank(sp):
    dims = sp.dense_shape.shape._dims
    return dims[0] if dims is not None and isinstance(dims[0], int) else None


def _sparse_add_last_dim(sp, name=None):
    """sp with a trailing dim of size 1: [D1, ... DN] -> [D1, ... DN, 1]."""
    return sparse_reshape(sp, A.concat([sp.dense_shape, [1]], 0), name=name)


def _maybe_expand_labels(api, labels, predictions):
    """labels with a trailing dim of 1 added when they have one dim less than predictions
    (TF1's _maybe_expand_labels): [D1, ... DN] -> [D1, ... DN, 1]."""
    with name_scope(None, "expand_labels", (labels, predictions)) as scope:
        labels = convert_to_tensor_or_sparse_tensor(labels)
        rp = predictions.shape.rank
        if _is_sparse(labels):
            rl = _sparse_rank(labels)
            if rl is not None and rp is not None:
                return _sparse_add_last_dim(labels, scope) if rp == rl - 1 else labels
            grown = _sparse_add_last_dim(labels, scope)
            parts = cond(E.equal(A.rank(predictions), A.size(labels.dense_shape) - 1),
                         lambda: (grown.indices, grown.values, grown.dense_shape),
                         lambda: (labels.indices, labels.values, labels.dense_shape))
            return SparseTensor(*parts)
        rl = labels.shape.rank
        if rl is not None and rp is not None:
            if rp == rl:
                return labels
            if rp == rl + 1:
                return A.expand_dims(labels, -1, name=scope)
            raise _shape_error(api, f"Unexpected labels shape {labels.shape} for "
                                    f"predictions shape {predictions.shape}: predictions "
                                    f"must have the labels' rank or one more",
                               ("labels", labels), ("predictions", predictions))
        return cond(E.equal(A.rank(predictions), A.rank(labels) + 1),
                    lambda: A.expand_dims(labels, -1, name=scope), lambda: labels)


def _select_class_id(ids, selected_id):
    """The entries of ids equal to selected_id, a SparseTensor of ids' shape."""
    ids = convert_to_tensor_or_sparse_tensor(ids)
    if _is_sparse(ids):
        return sparse_retain(ids, E.equal(ids.values, selected_id))
    ids_shape = A.shape(ids, out_type=dtypes.int64)
    rows = A.concat([ids_shape[:-1], [1]], 0)
    filled = fill(rows, E.cast(convert_to_tensor(selected_id), dtypes.int64))
    result = set_intersection(filled, ids)
    return SparseTensor(result.indices, result.values, ids_shape)


def _weighted(api, values, weights, broadcast):
    """values * weights in float64 after TF1's assert_broadcastable: weights a scalar
    or of values' rank with each dim 1 or equal. `broadcast`: also return the weights
    broadcast to values' shape."""
    w = E.cast(convert_to_tensor(weights), F64)
    ws, vs = w.shape, values.shape
    known = ws.rank is not None and vs.rank is not None
    if known and ws.rank != 0 and (ws.rank != vs.rank or any(
            isinstance(a, int) and isinstance(b, int) and a not in (1, b)
            for a, b in zip(ws._dims, vs._dims))):
        raise _shape_error(api, f"weights of shape {ws} cannot be broadcast to values of "
                                f"shape {vs}: weights must be a scalar or have the values' "
                                f"rank, each dim 1 or equal", ("weights", w),
                           ("values", values))
    with control_dependencies([_assert_broadcastable(api, w, values)]):
        if broadcast:
            w = w * ones_like(values)
        return values * w, w


def _set_count(api, kind, labels, predictions_idx, class_id, weights, name):
    """Per-row float64 counts (TF1's _sparse_{true_positive,false_positive,
    false_negative}_at_k): |P & L|, |P - L| or |L - P|, times weights."""
    with name_scope(name, kind, (predictions_idx, labels, weights)):
        if class_id is not None:
            labels = _select_class_id(labels, class_id)
            predictions_idx = _select_class_id(predictions_idx, class_id)
        if kind == "true_positives":
            found = set_intersection(predictions_idx, labels)
        else:
            found = set_difference(predictions_idx, labels,
                                   aminusb=kind == "false_positives")
        counts = E.cast(set_size(found), F64)
        if weights is not None:
            counts, _ = _weighted(api, counts, weights, broadcast=False)
        return counts


def _streaming_count(api, kind, labels, predictions_idx, k, class_id, weights):
    """(total, update): a float64 local variable named after the scope, and its
    assign_add of the batch's count."""
    scope_name = _at_k_name(kind[:-1], k, class_id)
    with name_scope(None, scope_name, (predictions_idx, labels, weights)) as scope:
        counts = _set_count(api, kind, labels, predictions_idx, class_id, weights, None)
        batch = E.cast(R.reduce_sum(counts), F64)
        var = _metric_variable([], F64, scope)
        return var, var.assign_add(batch, name="update")


def _ratio_at_top_k(api, miss, labels, predictions_idx, k, class_id, weights,
                    metrics_collections, updates_collections, name):
    default = _at_k_name(api.split("_at_")[0], k, class_id)
    with name_scope(name, default, (predictions_idx, labels, weights)) as scope:
        predictions_idx = convert_to_tensor(predictions_idx)
        labels = _maybe_expand_labels(api, labels, predictions_idx)
        top_k_idx = E.cast(predictions_idx, dtypes.int64)
        tp, tp_update = _streaming_count(api, "true_positives", labels, top_k_idx, k,
                                         class_id, weights)
        other, other_update = _streaming_count(api, miss, labels, top_k_idx, k, class_id,
                                               weights)
        value = E.divide(tp, tp + other, name=scope)          # 0/0 -> NaN, as TF1
        update = E.divide(tp_update, tp_update + other_update, name="update")
        return _finish(value, update, metrics_collections, updates_collections)


def precision_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    """Precision of the predicted class ids `predictions_idx` [D1, ... DN, k] against
    `labels`: tp / (tp + fp) over all runs, counted per row as sets; with class_id only
    that class counts. NaN until a prediction is counted.

        p, update = gc.metrics.precision_at_top_k(labels, gc.nn.top_k(logits, 5)[1])
    """
    return _ratio_at_top_k("precision_at_top_k", "false_positives", labels,
                           predictions_idx, k, class_id, weights, metrics_collections,
                           updates_collections, name)


def recall_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                    metrics_collections=None, updates_collections=None, name=None):
    """Recall of the predicted class ids `predictions_idx` [D1, ... DN, k]:
    tp / (tp + fn) over all runs; NaN until a label is counted.

        r, update = gc.metrics.recall_at_top_k(labels, gc.nn.top_k(logits, 5)[1])
    """
    return _ratio_at_top_k("recall_at_top_k", "false_negatives", labels, predictions_idx,
                           k, class_id, weights, metrics_collections,
                           updates_collections, name)


def precision_at_k(labels, predictions, k, class_id=None, weights=None,
                   metrics_collections=None, updates_collections=None, name=None):
    """Precision of the k highest-scoring classes of `predictions` [D1, ... DN,
    num_classes] against `labels` (class ids); see precision_at_top_k.

        p, update = gc.metrics.precision_at_k(labels=ids, predictions=logits, k=5)
    """
    with name_scope(name, _at_k_name("precision", k, class_id),
                    (predictions, labels, weights)) as scope:
        _, top_k_idx = top_k(predictions, k)
        return precision_at_top_k(labels, top_k_idx, k, class_id, weights,
                                  metrics_collections, updates_collections, scope)


def recall_at_k(labels, predictions, k, class_id=None, weights=None,
                metrics_collections=None, updates_collections=None, name=None):
    """Recall of the k highest-scoring classes of `predictions` against `labels`:
    the fraction of labels found among them; see recall_at_top_k.

        r, update = gc.metrics.recall_at_k(labels=ids, predictions=logits, k=5)
    """
    with name_scope(name, _at_k_name("recall", k, class_id),
                    (predictions, labels, weights)) as scope:
        predictions = convert_to_tensor(predictions)
        labels = _maybe_expand_labels("recall_at_k", labels, predictions)
        _, top_k_idx = top_k(predictions, k)
        return recall_at_top_k(labels, top_k_idx, k, class_id, weights,
                               metrics_collections, updates_collections, scope)


def sparse_precision_at_k(labels, predictions, k, class_id=None, weights=None,
                          metrics_collections=None, updates_collections=None, name=None):
    """Deprecated TF1 alias of precision_at_k."""
    return precision_at_k(labels, predictions, k, class_id, weights, metrics_collections,
                          updates_collections, name)


# ---- average precision --------------------------------------------------------------------
def _expand_and_tile(labels, multiple):
    """labels [D1, ... DN, n] -> [D1, ... DN, multiple, n] (dense or sparse)."""
    with name_scope(None, "labels_per_k", (labels,)) as scope:
        if _is_sparse(labels):
            n = A.size(labels.dense_shape)
            shape = A.concat([labels.dense_shape[:n - 1], [1], labels.dense_shape[n - 1:]],
                             0)
            expanded = sparse_reshape(labels, shape, name="expand")
            return expanded if multiple == 1 else sparse_concat(-2, [expanded] * multiple)
        expanded = A.expand_dims(labels, -2, name="expand")
        if multiple == 1:
            return expanded
        ones = ones_like(A.shape(labels))
        n = A.size(ones)
        multiples = A.concat([ones[:n - 1], [multiple], ones[n - 1:]], 0)
        return A.tile(expanded, multiples, name=scope)


def _num_relevant(labels, k):
    """min(k, the number of labels of each row): distinct ids of a SparseTensor, the
    non-negative entries of a dense tensor."""
    with name_scope(None, "num_relevant", (labels,)) as scope:
        if _is_sparse(labels):
            return E.minimum(set_size(labels), k, name=scope)
        present = E.cast(E.greater_equal(labels, 0), labels.dtype)
        return E.minimum(R.reduce_sum(present, axis=-1), E.cast(k, labels.dtype), name=scope)


def _average_precision_per_row(api, labels, predictions_idx):
    """Per-row average precision of the ranked ids predictions_idx [D1, ... DN, k]:
    sum over hits of precision@i, divided by min(k, number of labels)."""
    with name_scope(None, "average_precision", (predictions_idx, labels)) as scope:
        predictions_idx = E.cast(predictions_idx, dtypes.int64, name="predictions_idx")
        if predictions_idx.shape.rank == 0:
            raise _shape_error(api, "The rank of predictions_idx must be at least 1.",
                               ("predictions_idx", predictions_idx))
        k = predictions_idx.shape._dims[-1] if predictions_idx.shape.rank else None
        if not isinstance(k, int):
            raise _shape_error(api, "The last dimension of predictions_idx must be set.",
                               ("predictions_idx", predictions_idx))
        labels = _maybe_expand_labels(api, labels, predictions_idx)
        predictions_per_k = A.expand_dims(predictions_idx, -1, name="predictions_idx_per_k")
        labels_per_k = _expand_and_tile(labels, k)
        relevant = _set_count(api, "true_positives", labels_per_k, predictions_per_k, None,
                              None, "relevant_per_k")
        tp_per_k = cumsum(relevant, axis=-1, name="tp_per_k")
        retrieved_per_k = cumsum(ones_like(relevant), axis=-1, name="retrieved_per_k")
        precision_per_k = E.divide(tp_per_k, retrieved_per_k, name="precision_per_k")
        relevant_precision = E.multiply(precision_per_k, relevant,
                                        name="relevant_precision_per_k")
        precision_sum = R.reduce_sum(relevant_precision, axis=(-1,), name="precision_sum")
        num_relevant = E.cast(_num_relevant(labels, k), F64)
        return E.divide(precision_sum, num_relevant, name=scope)


def _without_unknown_classes(labels, num_classes):
    """labels with every id >= num_classes replaced by -1 (no prediction can hit it)."""
    labels = convert_to_tensor_or_sparse_tensor(labels)
    values = labels.values if _is_sparse(labels) else labels
    n = E.cast(num_classes, values.dtype)
    cleaned = E.select(E.greater_equal(values, n), -ones_like(values), values)
    if _is_sparse(labels):
        return SparseTensor(labels.indices, cleaned, labels.dense_shape)
    return cleaned


def average_precision_at_k(labels, predictions, k, weights=None, metrics_collections=None,
                           updates_collections=None, name=None):
    """Mean average precision of the k highest-scoring classes: per row, the mean of
    precision@i over the ranks i that hit a label, divided by min(k, number of labels);
    averaged (weighted) over all rows seen. A row without labels gives NaN (TF1).

        m, update = gc.metrics.average_precision_at_k(labels=ids, predictions=logits, k=5)
    """
    api = "average_precision_at_k"
    if k < 1:
        raise ValueError(f"{api}: Invalid k={k}. `k` should be >= 1.")
    with name_scope(name, _at_k_name("average_precision", k),
                    (predictions, labels, weights)) as scope:
        predictions = convert_to_tensor(predictions)
        _, predictions_idx = top_k(predictions, k)
        labels = _without_unknown_classes(labels, A.shape(predictions)[-1])
        average_precision = _average_precision_per_row(api, labels, predictions_idx)
        if weights is not None:
            average_precision, weights = _weighted(api, average_precision, weights,
                                                   broadcast=True)
        # TF1's scope names are unique ignoring case: its 'Max' op takes 'max'
        with name_scope("max_1") as max_scope:
            max_var = _metric_variable([], F64, max_scope)
            if weights is None:
                batch_max = E.cast(A.size(average_precision), F64, name="batch_max")
            else:
                batch_max = R.reduce_sum(weights, name="batch_max")
            max_update = max_var.assign_add(batch_max, name="update")
        with name_scope("total") as total_scope:
            total_var = _metric_variable([], F64, total_scope)
            batch_total = R.reduce_sum(average_precision, name="batch_total")
            total_update = total_var.assign_add(batch_total, name="update")
        value = div_no_nan(total_var, max_var, name="mean")
        update = div_no_nan(total_update, max_update, name=scope)
        return _finish(value, update, metrics_collections, updates_collections)


def sparse_average_precision_at_k(labels, predictions, k, weights=None,
                                  metrics_collections=None, updates_collections=None,
                                  name=None):
    """Deprecated TF1 alias of average_precision_at_k."""
    return average_precision_at_k(labels, predictions, k, weights, metrics_collections,
                                  updates_collections, name)
