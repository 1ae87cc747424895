"""gc.keras.backend's neural-network functions (tf.compat.v1.keras.backend):
activations, the crossentropies (focal ones too) with Keras' epsilon clipping, batch
normalization, dropout, l2_normalize, in_top_k, CTC and random tensors. The conv,
pooling, resizing and padding ones are in backend_conv.py.

    K = gc.keras.backend
    loss = K.categorical_crossentropy(onehot, probs)     # probs clipped to [eps, 1-eps]
"""
import warnings

import numpy as np

import graphc as gc
from .. import dtypes
from ..graph import Tensor
from ..ops.state import Variable
from .backend import _state, epsilon, floatx

__all__ = ["relu", "elu", "softmax", "softplus", "softsign", "sigmoid", "hard_sigmoid",
           "tanh", "binary_crossentropy", "binary_focal_crossentropy",
           "categorical_crossentropy", "categorical_focal_crossentropy",
           "sparse_categorical_crossentropy", "batch_normalization",
           "normalize_batch_in_training", "dropout", "l2_normalize", "in_top_k",
           "ctc_label_dense_to_sparse", "ctc_batch_cost", "ctc_decode", "random_normal",
           "random_uniform", "truncated_normal", "random_bernoulli", "random_binomial",
           "random_normal_variable", "random_uniform_variable"]


def _tensor(x):
    return x if isinstance(x, Tensor) else gc.convert_to_tensor(x)


# ---- activations --------------------------------------------------------------------------
def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """max(x, 0) with a leak `alpha` below `threshold` and a cap `max_value`:
    x >= max_value -> max_value; threshold <= x < max_value -> x;
    otherwise alpha * (x - threshold).

        K.relu(x, alpha=0.1, max_value=6.0)
    """
    x = _tensor(x)
    negative = None
    if alpha != 0.0:
        if max_value is None and threshold == 0:
            return gc.nn.leaky_relu(x, alpha=alpha)
        negative = gc.nn.relu(-x + threshold) if threshold != 0 else gc.nn.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = x * gc.cast(gc.greater(x, threshold), x.dtype)
    elif max_value == 6:
        x, clip_max = gc.nn.relu6(x), False
    else:
        x = gc.nn.relu(x)
    if clip_max:
        x = gc.clip_by_value(x, gc.constant(0.0, x.dtype), gc.cast(max_value, x.dtype))
    if negative is not None:
        x = x - gc.cast(alpha, x.dtype) * negative
    return x


def elu(x, alpha=1.0):
    """exp(x) - 1 below 0 (times alpha), x above."""
    y = gc.nn.elu(x)
    return y if alpha == 1 else gc.where(x > 0, y, alpha * y)


def softmax(x, axis=-1):
    return gc.nn.softmax(x, axis=axis)


def softplus(x):
    return gc.nn.softplus(x)


def softsign(x):
    return gc.nn.softsign(x)


def sigmoid(x):
    return gc.sigmoid(x)


def tanh(x):
    return gc.tanh(x)


def hard_sigmoid(x):
    """clip(0.2 * x + 0.5, 0, 1)."""
    return gc.clip_by_value(_tensor(x) * 0.2 + 0.5, 0.0, 1.0)


# ---- crossentropies -----------------------------------------------------------------------
def _logits(output, op_type):
    """(logits, True) when `output` is a Softmax/Sigmoid op's output that no Keras layer
    made (tf_keras then uses the op's input), else (output, False)."""
    if isinstance(output, Variable) or output.op.type != op_type:
        return output, False
    entry = _state(output.graph).history.get(id(output))
    if entry is not None and entry[0] is output:
        return output, False
    return output.op.inputs[0], True


def _clipped(output):
    eps = gc.constant(epsilon(), dtype=output.dtype)
    return gc.clip_by_value(output, eps, 1.0 - eps)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise -(t * log(p + eps) + (1 - t) * log(1 - p + eps)), p clipped to
    [eps, 1 - eps] (no mean: the loss function takes that); a Sigmoid's logits are
    used directly.

        K.binary_crossentropy(y, K.sigmoid(logits))   # == from logits
    """
    output, target = _tensor(output), _tensor(target)
    if not from_logits:
        output, from_logits = _logits(output, "Sigmoid")
    if from_logits:
        return gc.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    p = _clipped(output)
    bce = target * gc.log(p + epsilon())
    bce = bce + (1 - target) * gc.log(1 - p + epsilon())
    return -bce


def binary_focal_crossentropy(target, output, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False):
    """(1 - p_t)^gamma * binary_crossentropy, p_t = t * p + (1 - t) * (1 - p); with
    apply_class_balancing also weighted by t * alpha + (1 - t) * (1 - alpha)."""
    output, target = _tensor(output), _tensor(target)
    p = gc.sigmoid(output) if from_logits else output
    p_t = target * p + (1 - target) * (1 - p)
    focal = gc.pow(1.0 - p_t, gamma) * binary_crossentropy(target, output, from_logits)
    if apply_class_balancing:
        focal = (target * alpha + (1 - target) * (1 - alpha)) * focal
    return focal


def _check_compatible(target, output):
    if not target.shape.is_compatible_with(output.shape):
        raise ValueError(f"Shapes {tuple(target.shape.as_list())} and "
                         f"{tuple(output.shape.as_list())} are incompatible")


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(p), axis): p = output / sum(output, axis) clipped to
    [eps, 1 - eps]; from logits (or a Softmax's input): softmax cross entropy.

        K.categorical_crossentropy(onehot, probs)       # shape: batch
    """
    target, output = _tensor(target), _tensor(output)
    _check_compatible(target, output)
    if not from_logits:
        output, from_logits = _logits(output, "Softmax")
    if from_logits:
        return gc.nn.softmax_cross_entropy_with_logits_v2(labels=target, logits=output,
                                                          axis=axis)
    p = _clipped(output / gc.reduce_sum(output, axis, keepdims=True))
    return -gc.reduce_sum(target * gc.log(p), axis)


def categorical_focal_crossentropy(target, output, alpha=0.25, gamma=2.0,
                                   from_logits=False, axis=-1):
    """sum(alpha * (1 - p)^gamma * -target * log(p), axis), p the normalized and
    clipped probabilities (softmax of logits)."""
    target, output = _tensor(target), _tensor(output)
    _check_compatible(target, output)
    if not from_logits:
        output, from_logits = _logits(output, "Softmax")
    if from_logits:
        output = gc.nn.softmax(output, axis=axis)
    p = _clipped(output / gc.reduce_sum(output, axis=axis, keepdims=True))
    cce = -target * gc.log(p)
    return gc.reduce_sum(gc.pow(1.0 - p, gamma) * alpha * cce, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1,
                                    ignore_class=None):
    """Cross entropy with integer class targets; probabilities are clipped to
    [eps, 1 - eps] before the log. `axis` is the class axis of output. Targets equal
    to ignore_class give a loss of 0.

        K.sparse_categorical_crossentropy([1, 0], probs)    # (2,)
    """
    target = gc.cast(_tensor(target), gc.int64)
    output = _tensor(output)
    if not from_logits:
        output, from_logits = _logits(output, "Softmax")
    if not from_logits:
        output = gc.log(_clipped(output))
    rank = output.shape.ndims
    if rank is not None:
        axis %= rank
        if axis != rank - 1:
            perm = list(range(axis)) + list(range(axis + 1, rank)) + [axis]
            output = gc.transpose(output, perm)
    elif axis != -1:
        raise ValueError(f"Cannot compute sparse categorical crossentropy with `axis="
                         f"{axis}` on an output tensor with unknown rank.")
    output_shape = gc.shape(output)
    target_rank = target.shape.ndims
    update_shape = target_rank is not None and rank is not None and target_rank != rank - 1
    if update_shape:
        target = gc.reshape(target, [-1])
        output = gc.reshape(output, gc.stack([-1, output_shape[-1]]))
    if ignore_class is not None:
        valid = gc.not_equal(target, gc.cast(ignore_class, target.dtype))
        target, output = gc.boolean_mask(target, valid), gc.boolean_mask(output, valid)
    res = gc.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
    if ignore_class is not None:
        res_shape = gc.cast(output_shape[:-1], gc.int64)
        valid = gc.reshape(valid, res_shape)
        return gc.scatter_nd(gc.where(valid), res, res_shape)
    if update_shape and rank >= 3:
        res = gc.reshape(res, output_shape[:-1])
    return res


# ---- normalization, dropout ---------------------------------------------------------------
def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=0.001):
    """gamma * (x - mean) / sqrt(var + epsilon) + beta (beta/gamma may be None).

        y = K.batch_normalization(x, m, v, beta, gamma, epsilon=1e-3)
    """
    x = _tensor(x)
    if x.shape.ndims == 4 and axis in (-1, 3):
        # TF1 Keras takes the fused kernel here: flat statistics of size channels
        mean, var = gc.reshape(mean, [-1]), gc.reshape(var, [-1])
        beta = None if beta is None else gc.reshape(beta, [-1])
        gamma = None if gamma is None else gc.reshape(gamma, [-1])
    return gc.nn.batch_normalization(x, mean, var, beta, gamma, epsilon)


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=0.001):
    """(normalized x, mean, variance) over `reduction_axes` of the batch. Reducing all
    axes but the last (the fused kernel in TF1 Keras) gives the unbiased variance, other
    axes the biased one (as TF1 Keras).

        y, m, v = K.normalize_batch_in_training(x, gamma, beta, [0])
    """
    x = _tensor(x)
    nd = x.shape.ndims
    axes = sorted(a % nd for a in reduction_axes)
    if nd == 4 and axes == [0, 1, 2]:
        channels = x.shape.as_list()[-1]
        if gamma is None:
            gamma = gc.constant(1.0, dtype=x.dtype, shape=[channels])
        if beta is None:
            beta = gc.constant(0.0, dtype=x.dtype, shape=[channels])
        return gc.nn.fused_batch_norm(x, gamma, beta, epsilon=epsilon)
    mean, variance = gc.nn.moments(x, reduction_axes)
    if axes == list(range(nd))[:-1]:
        return gc.nn.batch_normalization(x, mean, variance, beta, gamma, epsilon), \
            mean, variance
    target = [1 if a in axes else gc.shape(x)[a] for a in range(nd)]
    target = gc.stack(target)

    def bcast(t):
        return None if t is None else gc.reshape(t, target)
    normed = gc.nn.batch_normalization(x, bcast(mean), bcast(variance), bcast(beta),
                                       bcast(gamma), epsilon)
    return normed, mean, variance


def dropout(x, level, noise_shape=None, seed=None):
    """x with a fraction `level` of entries zeroed, the rest scaled by 1 / (1 - level).

        K.dropout(x, 0.5, seed=1)
    """
    if seed is None:
        seed = np.random.randint(10e6)
    return gc.nn.dropout(x, rate=level, noise_shape=noise_shape, seed=seed)


def l2_normalize(x, axis=None):
    """x / sqrt(max(sum(x^2, axis), 1e-12))."""
    return gc.nn.l2_normalize(x, axis=axis)


def in_top_k(predictions, targets, k):
    """Whether targets[i] is among the k largest predictions[i] (bool (batch,))."""
    return gc.nn.in_top_k(predictions, targets, k)


# ---- CTC ----------------------------------------------------------------------------------
def ctc_label_dense_to_sparse(labels, label_lengths):
    """The first label_lengths[i] labels of each row of `labels` as a SparseTensor
    (int64 indices and dense_shape, labels' dtype).

        K.ctc_label_dense_to_sparse([[1, 2, 0]], [2])   # values [1, 2]
    """
    labels = _tensor(labels)
    shape = gc.shape(labels)
    mask = gc.sequence_mask(label_lengths, shape[1])
    indices = gc.where(mask)
    return gc.SparseTensor(indices, gc.gather_nd(labels, indices), gc.cast(shape, gc.int64))


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """The CTC loss of each sample, (batch, 1): y_true (batch, max_label_len) labels,
    y_pred (batch, time, classes) softmax outputs (blank: the last class),
    input_length and label_length (batch, 1)."""
    label_length = gc.cast(gc.squeeze(label_length, axis=-1), gc.int32)
    input_length = gc.cast(gc.squeeze(input_length, axis=-1), gc.int32)
    sparse = ctc_label_dense_to_sparse(y_true, label_length)
    sparse = gc.SparseTensor(sparse.indices, gc.cast(sparse.values, gc.int32),
                             sparse.dense_shape)
    y_pred = gc.log(gc.transpose(_tensor(y_pred), [1, 0, 2]) + epsilon())
    loss = gc.nn.ctc_loss(inputs=y_pred, labels=sparse, sequence_length=input_length)
    return gc.expand_dims(loss, 1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """([dense decoded (batch, time), -1 padded] per path, log probabilities) of the
    softmax outputs y_pred (batch, time, classes): greedy, or a beam search."""
    y_pred = _tensor(y_pred)
    shape = gc.shape(y_pred)
    logp = gc.log(gc.transpose(y_pred, [1, 0, 2]) + epsilon())
    input_length = gc.cast(input_length, gc.int32)
    if greedy:
        decoded, log_prob = gc.nn.ctc_greedy_decoder(inputs=logp, sequence_length=input_length)
    else:
        decoded, log_prob = gc.nn.ctc_beam_search_decoder(
            inputs=logp, sequence_length=input_length, beam_width=beam_width,
            top_paths=top_paths)
    dense_shape = gc.cast(shape[:2], gc.int64)
    dense = [gc.sparse.to_dense(gc.SparseTensor(st.indices, st.values, dense_shape),
                                default_value=-1) for st in decoded]
    return dense, log_prob


# ---- random -------------------------------------------------------------------------------
def _seed(seed):
    return np.random.randint(10e6) if seed is None else seed


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal(mean, stddev) draws of `shape` (floatx)."""
    return gc.random_normal(shape, mean=mean, stddev=stddev,
                            dtype=dtypes.as_dtype(dtype or floatx()), seed=_seed(seed))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform draws in [minval, maxval) of `shape` (floatx)."""
    return gc.random_uniform(shape, minval=minval, maxval=maxval,
                             dtype=dtypes.as_dtype(dtype or floatx()), seed=_seed(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal draws redrawn beyond 2 stddev (floatx)."""
    return gc.truncated_normal(shape, mean=mean, stddev=stddev,
                               dtype=dtypes.as_dtype(dtype or floatx()), seed=_seed(seed))


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    """1 with probability p, else 0 (floatx): uniform draws <= p."""
    dtype = dtypes.as_dtype(dtype or floatx())
    u = gc.random_uniform(shape, dtype=dtype, seed=_seed(seed))
    return gc.where(u <= p, gc.ones(shape, dtype), gc.zeros(shape, dtype))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """The old name of random_bernoulli (deprecated, as in tf_keras)."""
    warnings.warn("`tf.keras.backend.random_binomial` is deprecated, and will be removed "
                  "in a future version.Please use `tf.keras.backend.random_bernoulli` "
                  "instead.", stacklevel=2)
    return random_bernoulli(shape, p=p, dtype=dtype, seed=seed)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    """A Variable initialized with Normal(mean, scale) draws."""
    dtype = dtypes.as_dtype(dtype or floatx())
    seed = np.random.randint(10e8) if seed is None else seed
    init = gc.random_normal_initializer(mean, scale, dtype=dtype, seed=seed)
    return Variable(init(shape), name=name or "Variable")


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    """A Variable initialized with Uniform(low, high) draws."""
    dtype = dtypes.as_dtype(dtype or floatx())
    seed = np.random.randint(10e8) if seed is None else seed
    init = gc.random_uniform_initializer(low, high, dtype=dtype, seed=seed)
    return Variable(init(shape), name=name or "Variable")


from . import backend_conv as _conv  # noqa: E402
from .backend_conv import *  # noqa: E402,F401,F403

__all__ = __all__ + _conv.__all__
