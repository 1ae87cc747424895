"""tf.contrib.seq2seq.sequence_loss (TF 1.15): weighted cross-entropy of a sequence of
logits, averaged or summed over time and batch as its flags say.

    loss = gc.contrib.seq2seq.sequence_loss(logits, targets, weights)   # a scalar
"""
from .. import errors
from ..graph import name_scope
from ..ops.array import reshape, shape
from ..ops.cast import cast
from ..ops.core import convert_to_tensor
from ..ops.math_extra import div_no_nan as divide_no_nan
from ..ops.nn_softmax import sparse_softmax_cross_entropy_with_logits
from ..ops.reduce import count_nonzero, reduce_sum

__all__ = ["sequence_loss"]


def _check_rank(t, rank, message):
    if t.shape.rank != rank:
        raise ValueError(f"{message}\n  {errors.describe_tensor(t, t.name)}")


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):
    """Weighted cross-entropy of logits [batch, time, classes] against targets
    [batch, time] (int), with weights [batch, time] (TF 1.15).

        mask = gc.sequence_mask(lengths, gc.shape(targets)[1], dtype=gc.float32)
        loss = gc.contrib.seq2seq.sequence_loss(logits, targets, mask)   # scalar

    Each of time and batch is reduced by at most one flag: average_across_* divides the
    weighted sum by the sum of the weights, sum_over_* by the number of nonzero weights
    (TF's meaning); an axis with neither flag stays. The result has rank 0, 1 or 2.
    softmax_loss_function(labels=, logits=) replaces the sparse softmax cross-entropy.
    """
    logits, targets, weights = (convert_to_tensor(t) for t in (logits, targets, weights))
    _check_rank(logits, 3, "Logits must be a [batch_size x sequence_length x logits] tensor")
    _check_rank(targets, 2, "Targets must be a [batch_size x sequence_length] tensor")
    _check_rank(weights, 2, "Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to "
                         "True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at "
                         "same time.")
    with name_scope(name, "sequence_loss", [logits, targets, weights]):
        logits_flat = reshape(logits, [-1, shape(logits)[2]])
        flat_targets = reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = sparse_softmax_cross_entropy_with_logits(labels=flat_targets,
                                                                logits=logits_flat)
        else:
            crossent = softmax_loss_function(labels=flat_targets, logits=logits_flat)
        crossent = crossent * reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return divide_no_nan(reduce_sum(crossent), reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            count = cast(count_nonzero(weights), crossent.dtype)
            return divide_no_nan(reduce_sum(crossent), count)
        crossent = reshape(crossent, shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return divide_no_nan(reduce_sum(crossent, axis=axis),
                                 reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            count = cast(count_nonzero(weights, axis=axis), crossent.dtype)
            return divide_no_nan(reduce_sum(crossent, axis=axis), count)
        return crossent
