"""Stateful metric objects of gc.keras (tf.keras.metrics classes in graph mode): each
keeps its totals in variables; `update_state(...)` is an op adding one batch,
`result()` a tensor of the value so far, `reset_states()` zeroes the totals, and
`metric(y_true, y_pred)` is the result after the update. compile(metrics=[...]) takes
them and reports them by their name.

    acc = gc.keras.metrics.BinaryAccuracy()
    sess.run(acc.update_state(y, p)); sess.run(acc.result())
"""
import numpy as np

import graphc as gc
from . import backend as K
from . import losses as L
from . import metrics as F
from .engine import Layer
from .training_weights import _match_rank

__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy",
           "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
           "SparseTopKCategoricalAccuracy", "MeanSquaredError", "MeanAbsoluteError",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
           "RootMeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy", "Hinge", "SquaredHinge", "KLDivergence",
           "Poisson"]


class Metric(Layer):
    """The base of metric objects: subclasses call `add_weight` (zeros, not trainable)
    in __init__ and define update_state and result."""

    _is_metric = True     # not a tracked child of the layer holding it (engine_track)

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype or K.floatx(), **kwargs)
        self._specs, self._by_graph = [], {}
        self.stateful, self.built = True, True

    def add_weight(self, name, shape=(), dtype=None, initializer="zeros", **kwargs):
        """A zero-initialized, non-trainable total ('total:0', 'count:0', ...)."""
        self._specs.append((name, tuple(shape), gc.as_dtype(dtype or self.dtype)))
        return self._state()[-1]

    def _state(self):
        """This metric's variables in the default graph (made on first use there)."""
        graph = gc.get_default_graph()
        made = self._by_graph.setdefault(graph, [])
        with graph.name_scope(""), graph.control_dependencies(None):
            for name, shape, dtype in self._specs[len(made):]:
                made.append(gc.Variable(np.zeros(shape, dtype.np), trainable=False,
                                        name=name))
        return made

    @property
    def weights(self):
        return list(self._state())

    variables = weights

    @property
    def trainable_weights(self):
        return []

    @property
    def non_trainable_weights(self):
        return self.weights

    def reset_states(self):
        """Zero the totals in the Keras session."""
        K.batch_set_value([(v, np.zeros(v.shape.as_list(), v.dtype.np))
                           for v in self._state()])

    reset_state = reset_states

    def __call__(self, *args, **kwargs):
        """The result after adding this batch (TF1 graph mode)."""
        with gc.name_scope(self.name):
            update = self.update_state(*args, **kwargs)
            with gc.control_dependencies([update]):
                out = gc.identity(self.result())
        K._state().metric_results[id(out)] = (out, self)    # TF1: out._metric_obj
        return out

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} does not define update_state")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} does not define result")

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self._config()}

    def __repr__(self):
        return f"<gc.keras.metrics.{type(self).__name__} '{self.name}'>"


def _weighted(values, sample_weight):
    """(values * w, w) with w broadcast to the values (ones without weights)."""
    values = gc.cast(values, K.floatx())
    if sample_weight is None:
        return values, gc.ones_like(values)
    w = _match_rank(gc.cast(sample_weight, values.dtype), values) * gc.ones_like(values)
    return values * w, w


class Sum(Metric):
    """The weighted sum of the values: gc.keras.metrics.Sum()(values)."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total")

    def update_state(self, values, sample_weight=None):
        vw, _ = _weighted(values, sample_weight)
        total = self._state()[0]
        return total.assign_add(gc.cast(gc.reduce_sum(vw), total.dtype)).op

    def result(self):
        return gc.identity(self._state()[0])


class Mean(Metric):
    """The weighted mean sum(v * w) / sum(w) of the values seen so far.

        m = gc.keras.metrics.Mean(); m.update_state([1.0, 3.0])     # result 2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total")
        self.count = self.add_weight("count")

    def update_state(self, values, sample_weight=None):
        vw, w = _weighted(values, sample_weight)
        total, count = self._state()
        return gc.group(total.assign_add(gc.cast(gc.reduce_sum(vw), total.dtype)),
                        count.assign_add(gc.cast(gc.reduce_sum(w), count.dtype)))

    def result(self):
        total, count = self._state()
        return gc.div_no_nan(total.value(), count.value())


def _squeeze_pair(y_true, y_pred):
    """Drop a trailing 1 from whichever of y_true, y_pred has one more axis (Keras)."""
    rt, rp = y_true.shape.ndims, y_pred.shape.ndims
    if rt is not None and rp is not None:
        if rp - rt == 1 and y_pred.shape.as_list()[-1] == 1:
            y_pred = gc.squeeze(y_pred, [-1])
        elif rt - rp == 1 and y_true.shape.as_list()[-1] == 1:
            y_true = gc.squeeze(y_true, [-1])
    return y_true, y_pred


class MeanMetricWrapper(Mean):
    """The mean of fn(y_true, y_pred, **kwargs) per sample.

        gc.keras.metrics.MeanMetricWrapper(gc.keras.metrics.mae, name="mae")
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn, self._fn_kwargs = fn, kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = gc.cast(gc.convert_to_tensor(y_pred), self.dtype)
        y_true = gc.cast(gc.convert_to_tensor(y_true), self.dtype)
        y_true, y_pred = _squeeze_pair(y_true, y_pred)
        return super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs),
                                    sample_weight)

    def _config(self):
        return dict(self._fn_kwargs)


def accuracy(y_true, y_pred):
    """y_true == y_pred, as floats."""
    return gc.cast(gc.equal(y_true, gc.cast(y_pred, y_true.dtype)), K.floatx())


def _wrapper(cls_name, fn, default, doc, **defaults):
    """A MeanMetricWrapper subclass for `fn` with keyword defaults."""
    def __init__(self, name=default, dtype=None, **kwargs):
        opts = dict(defaults)
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise TypeError(f"{cls_name}: unexpected argument {sorted(unknown)[0]!r}")
        opts.update(kwargs)
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **opts)
    return type(cls_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc})


Accuracy = _wrapper("Accuracy", accuracy, "accuracy", "How often y_pred equals y_true.")
BinaryAccuracy = _wrapper("BinaryAccuracy", F.binary_accuracy, "binary_accuracy",
                          "How often y_true equals (y_pred > threshold).", threshold=0.5)
CategoricalAccuracy = _wrapper("CategoricalAccuracy", F.categorical_accuracy,
                               "categorical_accuracy", "argmax(y_true) == argmax(y_pred).")
SparseCategoricalAccuracy = _wrapper(
    "SparseCategoricalAccuracy", F.sparse_categorical_accuracy,
    "sparse_categorical_accuracy", "y_true == argmax(y_pred).")
TopKCategoricalAccuracy = _wrapper(
    "TopKCategoricalAccuracy", F.top_k_categorical_accuracy,
    "top_k_categorical_accuracy", "argmax(y_true) in the top k of y_pred.", k=5)
SparseTopKCategoricalAccuracy = _wrapper(
    "SparseTopKCategoricalAccuracy", F.sparse_top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy", "y_true in the top k of y_pred.", k=5)
MeanSquaredError = _wrapper("MeanSquaredError", L.mean_squared_error,
                            "mean_squared_error", "mean((y_true - y_pred)^2).")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", L.mean_absolute_error,
                             "mean_absolute_error", "mean(|y_true - y_pred|).")
MeanAbsolutePercentageError = _wrapper(
    "MeanAbsolutePercentageError", L.mean_absolute_percentage_error,
    "mean_absolute_percentage_error", "100 * mean(|y_true - y_pred| / |y_true|).")
MeanSquaredLogarithmicError = _wrapper(
    "MeanSquaredLogarithmicError", L.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error", "mean((log(1 + y_true) - log(1 + y_pred))^2).")
BinaryCrossentropy = _wrapper("BinaryCrossentropy", L.binary_crossentropy,
                              "binary_crossentropy", "The binary cross entropy.",
                              from_logits=False, label_smoothing=0)
CategoricalCrossentropy = _wrapper("CategoricalCrossentropy", L.categorical_crossentropy,
                                   "categorical_crossentropy", "The cross entropy.",
                                   from_logits=False, label_smoothing=0)
SparseCategoricalCrossentropy = _wrapper(
    "SparseCategoricalCrossentropy", L.sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy", "The cross entropy of integer labels.",
    from_logits=False, axis=-1)
Hinge = _wrapper("Hinge", L.hinge, "hinge", "mean(max(1 - y_true * y_pred, 0)).")
SquaredHinge = _wrapper("SquaredHinge", L.squared_hinge, "squared_hinge",
                        "mean(max(1 - y_true * y_pred, 0)^2).")
KLDivergence = _wrapper("KLDivergence", L.kullback_leibler_divergence,
                        "kullback_leibler_divergence", "sum(y_true * log(y_true/y_pred)).")
Poisson = _wrapper("Poisson", L.poisson, "poisson", "mean(y_pred - y_true*log(y_pred)).")


class RootMeanSquaredError(Mean):
    """sqrt of the weighted mean of (y_true - y_pred)^2 over all entries."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = gc.cast(gc.convert_to_tensor(y_pred), self.dtype)
        y_true = gc.cast(gc.convert_to_tensor(y_true), self.dtype)
        y_true, y_pred = _squeeze_pair(y_true, y_pred)
        return super().update_state(gc.square(y_pred - y_true), sample_weight)

    def result(self):
        return gc.sqrt(super().result())
