"""gc.contrib.nn (TF 1.15's tf.contrib.nn): conv1d_transpose (gc.nn's), alpha_dropout,
scaled_softplus, and the deprecated_flipped_* cross entropies that take (logits, labels)
positionally. nth_element, rank_sampled_softmax_loss and sampled_sparse_softmax_loss are
not here.

    h = gc.contrib.nn.alpha_dropout(gc.nn.selu(x), keep_prob=0.9)
"""
import numbers

from .. import nn as _nn
from ..graph import name_scope
from ..nn import conv1d_transpose  # noqa: F401
from ..ops.core import convert_to_tensor

__all__ = ["alpha_dropout", "conv1d_transpose", "scaled_softplus",
           "deprecated_flipped_softmax_cross_entropy_with_logits",
           "deprecated_flipped_sparse_softmax_cross_entropy_with_logits",
           "deprecated_flipped_sigmoid_cross_entropy_with_logits"]

# SELU's saturation value -scale * alpha, to which alpha_dropout sets dropped units
_SELU_SATURATION = -1.7580993408473766


def _gc():
    import graphc
    return graphc


def alpha_dropout(x, keep_prob, noise_shape=None, seed=None, name=None):
    """Dropout for SELU networks (Klambauer et al. 2017): each unit is kept with
    probability keep_prob, else set to SELU's saturation value alpha' = -1.7581, then
    a * x + b with a = (p + p (1 - p) alpha'^2)^-1/2 and b = -a alpha' (1 - p) restores
    zero mean and unit variance. keep_prob == 1 returns x."""
    gc = _gc()
    with name_scope(name, "alpha_dropout", [x]):
        x = convert_to_tensor(x, name="x")
        if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1.0:
            raise ValueError("keep_prob must be a scalar tensor or a float in the range "
                             "(0, 1], got %g" % keep_prob)
        keep_prob = convert_to_tensor(keep_prob, dtype=x.dtype, name="keep_prob")
        keep_prob.shape.assert_has_rank(0)
        if gc.get_static_value(keep_prob) == 1:
            return x
        shape = noise_shape if noise_shape is not None else gc.shape(x)
        draw = gc.random_uniform(shape, seed=seed, dtype=x.dtype)
        kept = gc.cast(gc.greater_equal(draw, 1 - keep_prob), x.dtype)
        x = x * kept + _SELU_SATURATION * (1 - kept)
        a = (keep_prob + keep_prob * (1 - keep_prob) * _SELU_SATURATION ** 2) ** -0.5
        b = -a * _SELU_SATURATION * (1 - keep_prob)
        return a * x + b


def scaled_softplus(x, alpha, clip=None, name=None):
    """alpha * softplus(x / alpha), and min(that, clip) where clip is given; alpha and
    clip broadcast against x."""
    gc = _gc()
    with name_scope(name, "scaled_softplus", [x, alpha]):
        x = convert_to_tensor(x, name="x")
        alpha = convert_to_tensor(alpha, dtype=x.dtype, name="alpha")
        y = alpha * _nn.softplus(x / alpha)
        if clip is not None:
            y = gc.minimum(y, convert_to_tensor(clip, dtype=x.dtype, name="clip"))
        return y


def deprecated_flipped_softmax_cross_entropy_with_logits(logits, labels, dim=-1,
                                                          name=None):
    """gc.nn.softmax_cross_entropy_with_logits with (logits, labels) in TF 0.x's order."""
    return _nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, dim=dim,
                                                 name=name)


def deprecated_flipped_sparse_softmax_cross_entropy_with_logits(logits, labels,
                                                                 name=None):
    """gc.nn.sparse_softmax_cross_entropy_with_logits with (logits, labels) in TF 0.x's
    order."""
    return _nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                        name=name)


def deprecated_flipped_sigmoid_cross_entropy_with_logits(logits=None, targets=None,
                                                          name=None):
    """gc.nn.sigmoid_cross_entropy_with_logits with (logits, targets) in TF 0.x's
    order."""
    return _nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits, name=name)
