"""gc.contrib.losses.metric_learning: TF 1.15's tf.contrib.losses.metric_learning.

    loss = gc.contrib.losses.metric_learning.triplet_semihard_loss(labels, embeddings)

Every loss is a scalar built from dense ops, so gradients come from the ordinary reverse
sweep. Mining (semi-hard negatives, the lifted-struct log-sum-exp over negatives) is done
with masks over the [batch, batch] distance matrix, the way contrib did it, so values agree
with contrib's to rounding. The embeddings' float dtype is kept (contrib computed in
float32 only); labels are any integer dtype of rank 1.
"""
from .. import errors
from ..graph import name_scope
from ..ops import array as A, elementwise as E, reduce as R
from ..ops.broadcast import where
from ..ops.core import convert_to_tensor
from ..ops.creation import ones
from ..ops.linalg import matmul
from ..ops.matrix import diag
from ..ops.nn_softmax import softmax_cross_entropy_with_logits_v2
from ..ops.tile_reverse import tile
from ..sparse import SparseTensor, sparse_reduce_sum
from ..sparse_math import sparse_minimum

__all__ = ["pairwise_distance", "contrastive_loss", "masked_maximum", "masked_minimum",
           "triplet_semihard_loss", "npairs_loss", "npairs_loss_multilabel",
           "lifted_struct_loss"]


def _float(x, name):
    x = convert_to_tensor(x, name=name)
    if not x.dtype.is_floating:
        raise TypeError(f"metric_learning: {name} must be floating, got {x.dtype.name}\n  "
                        + errors.describe_tensor(x, name))
    return x


def _labels_column(api, labels):
    """labels [batch] -> [batch, 1]; contrib asserts rank 1."""
    labels = convert_to_tensor(labels, name="labels")
    if labels.shape.rank is not None and labels.shape.rank != 1:
        raise ValueError(f"{api}: labels must have rank 1, got shape {labels.shape}\n  "
                         + errors.describe_tensor(labels, "labels"))
    return A.reshape(labels, [-1, 1])


def _off_diagonal(like):
    """ones_like(like) - I: the mask that drops each item's pair with itself."""
    return A.ones_like(like) - diag(ones(A.shape(like)[:1], like.dtype))


def pairwise_distance(feature, squared=False):
    """The [n, n] matrix of Euclidean distances ||feature[i] - feature[j]||, from
    |a|^2 + |b|^2 - 2ab clipped at 0, with a zero diagonal and a zero gradient where the
    distance is 0 (contrib's 1e-16 trick).

        d = gc.contrib.losses.metric_learning.pairwise_distance(emb)          # [n, n]
        d2 = gc.contrib.losses.metric_learning.pairwise_distance(emb, True)   # squared
    """
    feature = _float(feature, "feature")
    sq = R.reduce_sum(E.square(feature), axis=[1], keepdims=True)
    d2 = E.add(sq, A.transpose(sq)) - 2.0 * matmul(feature, feature, transpose_b=True)
    d2 = E.maximum(d2, 0.0)
    zero = E.less_equal(d2, 0.0)
    zero_f = E.cast(zero, feature.dtype)
    d = d2 if squared else E.sqrt(d2 + zero_f * 1e-16)
    d = E.multiply(d, E.cast(E.logical_not(zero), feature.dtype))
    return E.multiply(d, _off_diagonal(d))


def contrastive_loss(labels, embeddings_anchor, embeddings_positive, margin=1.0):
    """mean(y * d^2 + (1 - y) * max(margin - d, 0)^2), d = ||anchor - positive|| per
    pair, y in {0, 1} (1 for a positive pair).

        loss = gc.contrib.losses.metric_learning.contrastive_loss(y, a, p, margin=1.0)
    """
    a = _float(embeddings_anchor, "embeddings_anchor")
    p = convert_to_tensor(embeddings_positive, dtype=a.dtype, name="embeddings_positive")
    d = E.sqrt(R.reduce_sum(E.square(a - p), 1))
    y = E.cast(labels, a.dtype)
    return R.reduce_mean(y * E.square(d) + (1.0 - y) * E.square(E.maximum(margin - d, 0.0)),
                         name="contrastive_loss")


def masked_maximum(data, mask, dim=1):
    """max over `dim` of data where mask is set (keepdims); a row with no mask gives the
    row's minimum, as in contrib.

        m = gc.contrib.losses.metric_learning.masked_maximum(d, negatives)   # [n, 1]
    """
    data = convert_to_tensor(data)
    mask = E.cast(mask, data.dtype)
    low = R.reduce_min(data, dim, keepdims=True)
    return R.reduce_max(E.multiply(data - low, mask), dim, keepdims=True) + low


def masked_minimum(data, mask, dim=1):
    """min over `dim` of data where mask is set (keepdims); a row with no mask gives the
    row's maximum, as in contrib.

        m = gc.contrib.losses.metric_learning.masked_minimum(d, positives)   # [n, 1]
    """
    data = convert_to_tensor(data)
    mask = E.cast(mask, data.dtype)
    high = R.reduce_max(data, dim, keepdims=True)
    return R.reduce_min(E.multiply(data - high, mask), dim, keepdims=True) + high


def triplet_semihard_loss(labels, embeddings, margin=1.0):
    """FaceNet's triplet loss with semi-hard mining: for every positive pair (a, p), the
    negative n is the closest with D(a, n) > D(a, p) (squared distances), or the farthest
    negative when none is; loss = sum(max(margin + D(a, p) - D(a, n), 0)) / #pairs.

        loss = gc.contrib.losses.metric_learning.triplet_semihard_loss(y, emb, 1.0)
    """
    labels = _labels_column("triplet_semihard_loss", labels)
    pdist = pairwise_distance(embeddings, squared=True)
    dt = pdist.dtype
    same = E.equal(labels, A.transpose(labels))
    other = E.logical_not(same)
    n = A.size(labels)
    # Row block a of the tiled matrix holds D(a, .); rows i*n+j ask "D(i, k) > D(i, j)?".
    tiled = tile(pdist, [n, 1])
    farther = E.greater(tiled, A.reshape(A.transpose(pdist), [-1, 1]))
    mask = E.logical_and(tile(other, [n, 1]), farther)
    has_semi = A.transpose(A.reshape(
        E.greater(R.reduce_sum(E.cast(mask, dt), 1, keepdims=True), 0.0), [n, n]))
    outside = A.transpose(A.reshape(masked_minimum(tiled, mask), [n, n]))
    inside = tile(masked_maximum(pdist, other), [1, n])
    negatives = where(has_semi, outside, inside)
    loss_mat = margin + pdist - negatives
    positives = E.cast(same, dt) * _off_diagonal(pdist)
    total = R.reduce_sum(E.maximum(E.multiply(loss_mat, positives), 0.0))
    return E.divide(total, R.reduce_sum(positives), name="triplet_semihard_loss")


def _npairs(labels_remapped, a, p, reg_lambda):
    reg = (R.reduce_mean(R.reduce_sum(E.square(a), 1))
           + R.reduce_mean(R.reduce_sum(E.square(p), 1)))
    l2loss = E.multiply(0.25 * reg_lambda, reg, name="l2loss")
    logits = matmul(a, p, transpose_b=True)
    target = labels_remapped / R.reduce_sum(labels_remapped, 1, keepdims=True)
    xent = R.reduce_mean(softmax_cross_entropy_with_logits_v2(labels=target, logits=logits),
                         name="xentropy")
    return l2loss + xent


def npairs_loss(labels, embeddings_anchor, embeddings_positive, reg_lambda=0.002,
                print_losses=False):
    """N-pairs loss: softmax cross entropy of the similarity rows a_i . p_j against the
    row-normalized same-label matrix, plus reg_lambda/4 * (mean |a|^2 + mean |p|^2).

        loss = gc.contrib.losses.metric_learning.npairs_loss(y, anchors, positives)
    """
    a = _float(embeddings_anchor, "embeddings_anchor")
    p = convert_to_tensor(embeddings_positive, dtype=a.dtype, name="embeddings_positive")
    labels = _labels_column("npairs_loss", labels)
    same = E.cast(E.equal(labels, A.transpose(labels)), a.dtype)
    return _npairs(same, a, p, reg_lambda)


def npairs_loss_multilabel(sparse_labels, embeddings_anchor, embeddings_positive,
                           reg_lambda=0.002, print_losses=False):
    """npairs_loss where the label matrix counts shared labels: L[i, j] = sum of
    min(sparse_labels[i], sparse_labels[j]), for a list of 0/1 SparseTensors.

        loss = gc.contrib.losses.metric_learning.npairs_loss_multilabel(
            [sp0, sp1], anchors, positives)
    """
    if not all(isinstance(s, SparseTensor) for s in sparse_labels):
        raise TypeError("sparse_labels must be a list of SparseTensors, but got "
                        f"{sparse_labels!r}")
    with name_scope("NpairsLossMultiLabel"):
        a = _float(embeddings_anchor, "embeddings_anchor")
        p = convert_to_tensor(embeddings_positive, dtype=a.dtype, name="embeddings_positive")
        rows = []
        for si in sparse_labels:
            rows.append(A.stack([E.cast(sparse_reduce_sum(sparse_minimum(si, sj)), a.dtype)
                                 for sj in sparse_labels]))
        return _npairs(A.stack(rows), a, p, reg_lambda)


def lifted_struct_loss(labels, embeddings, margin=1.0):
    """Lifted structured loss (Song et al. 2016): for each positive pair (i, j),
    J = log(sum_neg_i exp(margin - D) + sum_neg_j exp(margin - D)) + D(i, j), and the loss
    is sum(max(J, 0)^2) / (2 * #positive pairs), with Euclidean (not squared) distances.

        loss = gc.contrib.losses.metric_learning.lifted_struct_loss(y, emb, margin=1.0)
    """
    labels = _labels_column("lifted_struct_loss", labels)
    pdist = pairwise_distance(embeddings)
    dt = pdist.dtype
    same = E.equal(labels, A.transpose(labels))
    neg = E.cast(E.logical_not(same), dt)
    n = A.size(labels)
    diff = margin - pdist
    row_max = masked_maximum(diff, neg)
    # M[i, j] = max(m_i, m_j) keeps the log-sum-exp stable for both rows at once.
    big = E.maximum(row_max, A.transpose(row_max))
    shifted = E.exp(tile(diff, [n, 1]) - A.reshape(A.transpose(big), [-1, 1]))
    left = A.reshape(R.reduce_sum(E.multiply(shifted, tile(neg, [n, 1])), 1, keepdims=True),
                     [n, n])
    loss_mat = big + E.log(left + A.transpose(left)) + pdist
    positives = E.cast(same, dt) * _off_diagonal(pdist)
    num = R.reduce_sum(positives) / 2.0
    total = 0.25 * R.reduce_sum(E.square(E.maximum(E.multiply(loss_mat, positives), 0.0)))
    return E.divide(total, num, name="liftedstruct_loss")
