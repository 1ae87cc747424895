"""Sample weights, class weights and output masks in gc.keras training (TF 1.15):
the loss of an output is sum(loss * w) / size(loss) (SUM_OVER_BATCH_SIZE), with w the
sample weights times the output's Keras mask; a metric is the weighted mean
sum(v * w) / sum(w) over the epoch, w the mask (times the sample weights for
`weighted_metrics`).

    model.compile("adam", "mse", sample_weight_mode="temporal")
    model.fit(x, y, sample_weight=np.ones((n, timesteps)))
"""
import numpy as np

import graphc as gc
from . import backend as K

__all__ = ["standardize_weights", "per_output", "weighted_loss", "stateful_part"]


def per_output(value, names, what):
    """One entry per output from None, one value, a list or a dict by output name."""
    if value is None:
        return [None] * len(names)
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(f"When passing a list as {what}, it should have one entry "
                             f"per model output. The model has {len(names)} outputs, "
                             f"but you passed {what} of length {len(value)}")
        return list(value)
    if isinstance(value, dict) and (len(names) > 1 or names[0] in value):
        unknown = sorted(set(value) - set(names), key=str)
        if unknown and all(isinstance(k, str) for k in value):
            raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only "
                             f"expected following keys: {names}")
        return [value.get(n) for n in names]
    return [value] * len(names) if len(names) > 1 else [value]


def standardize_weights(y, sample_weight=None, class_weight=None,
                        sample_weight_mode=None):
    """The weights of one output's samples (or timesteps, mode 'temporal'): the
    sample weights times the class weights of y's classes (argmax of one-hot rows),
    or None when neither is given (Keras' standardize_weights).

        standardize_weights(np.array([0, 1, 1]), class_weight={0: 1.0, 1: 3.0})
        # array([1., 3., 3.])
    """
    y = np.asarray(y)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight)
    if sample_weight_mode is not None:
        if sample_weight_mode != "temporal":
            raise ValueError(f'"sample_weight_mode should be None or "temporal". '
                             f'Found: {sample_weight_mode}')
        if y.ndim < 3:
            raise ValueError(f"Found a sample_weight array for an input with shape "
                             f"{y.shape}. Timestep-wise sample weighting (use of "
                             f'sample_weight_mode="temporal") is restricted to outputs '
                             f"that are at least 3D, i.e. that have a time dimension.")
        if sample_weight is not None and sample_weight.ndim != 2:
            raise ValueError(f"Found a sample_weight array with shape "
                             f"{sample_weight.shape}. In order to use timestep-wise "
                             f"sample weighting, you should pass a 2D sample_weight "
                             f"array.")
    elif sample_weight is not None and sample_weight.ndim != 1:
        raise ValueError(f"Found a sample_weight array with shape {sample_weight.shape}."
                         f" In order to use timestep-wise sample weights, you should "
                         f'specify sample_weight_mode="temporal" in compile(). If you '
                         f"just mean to use sample-wise weights, make sure your "
                         f"sample_weight array is 1D.")
    if sample_weight is not None and y.shape[:sample_weight.ndim] != sample_weight.shape:
        raise ValueError(f"Found a sample_weight array with shape {sample_weight.shape} "
                         f"for an input with shape {y.shape}. sample_weight cannot be "
                         f"broadcast.")
    class_sample_weight = None
    if isinstance(class_weight, dict):
        if y.ndim > 2:
            raise ValueError("`class_weight` not supported for 3+ dimensional targets.")
        classes = y
        if y.ndim == 2:
            classes = np.argmax(y, axis=1) if y.shape[1] > 1 else y.reshape(len(y))
        missing = {c.item() for c in np.unique(classes)} - set(class_weight)
        if missing:
            raise ValueError(f"`class_weight` must contain all classes in the data. The "
                             f"classes {missing} exist in the data but not in "
                             f"`class_weight`.")
        class_sample_weight = np.asarray([class_weight[c.item()] for c in classes],
                                         dtype=np.float64)
    if class_sample_weight is not None and sample_weight is not None:
        return class_sample_weight * sample_weight
    return sample_weight if sample_weight is not None else class_sample_weight


def _match_rank(w, values):
    """Weights of rank r-1 get a trailing axis, of rank r+1 lose it (Keras'
    squeeze_or_expand_dimensions), so that they broadcast against `values`. Weights of
    a lower rank still (per-sample weights of a loss per timestep and feature) get
    trailing axes until they do, where TF fails to broadcast (batch,) against
    (batch, t, f)."""
    wr, vr = w.shape.ndims, values.shape.ndims
    if wr is None or vr is None:
        return w
    if 0 < wr < vr:
        return gc.reshape(w, gc.concat([gc.shape(w), gc.ones([vr - wr], gc.int32)], 0)) \
            if wr < vr - 1 else gc.expand_dims(w, -1)
    if wr == vr + 1:
        return gc.squeeze(w, [-1])
    return w


def _weights(values, sample_weight, mask):
    """sample_weight * mask (either may be None), cast to the values' dtype."""
    w = None if sample_weight is None else gc.cast(sample_weight, values.dtype)
    if mask is not None:
        m = gc.cast(mask, values.dtype)
        w = m if w is None else _match_rank(w, m) * m
    return None if w is None else _match_rank(w, values)


def weighted_loss(per_sample, sample_weight, mask):
    """sum(per_sample * w) / size(per_sample) (TF 1.15's SUM_OVER_BATCH_SIZE). A loss
    function that already returns a scalar gets it times the weights' mean (TF's
    broadcast of the scalar against them)."""
    if per_sample.shape.ndims == 0 and sample_weight is not None and mask is None:
        return per_sample * gc.reduce_mean(gc.cast(sample_weight, per_sample.dtype))
    w = _weights(per_sample, sample_weight, mask)
    if w is None:
        return gc.reduce_mean(per_sample)
    total = gc.reduce_sum(per_sample * w)
    return gc.div_no_nan(total, gc.cast(gc.size(per_sample), per_sample.dtype))


def stateful_part(metric, target, output, sample_weight, mask):
    """The result of a metric object after adding this batch, weighted by the sample
    weights (weighted_metrics) times the output's mask."""
    w = None if sample_weight is None else gc.cast(sample_weight, K.floatx())
    if mask is not None:
        m = gc.cast(mask, K.floatx())
        w = m if w is None else _match_rank(w, m) * m
    update = metric.update_state(target, output, sample_weight=w)
    with gc.control_dependencies([update]):
        return gc.identity(metric.result())


def own_feeds_only(model, items):
    """The updates or losses of `items` a run of `model` can compute: those reading no
    placeholder but the model's inputs (tf_keras trains the updates and losses of a
    shared layer or nested model that depend on this model's inputs, or on none, not
    those of its calls on other inputs)."""
    inputs = list(getattr(model, "inputs", None) or [])
    if not items or not inputs:
        return list(items)
    from ..ops.core import PLACEHOLDER
    own = {t.node for t in inputs}
    foreign = set()
    for n in inputs[0].graph.nodes:                 # ids: a topological order
        if n.op is PLACEHOLDER and n not in own or \
                any(t.node in foreign for t in n.inputs) or \
                any(c in foreign for c in n.control_inputs):
            foreign.add(n)
    return [x for x in items if getattr(x, "node", x) not in foreign]
