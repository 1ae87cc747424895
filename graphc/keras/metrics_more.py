"""More metric objects of gc.keras (tf.keras.metrics): CosineSimilarity, LogCoshError,
CategoricalHinge, MeanRelativeError, MeanTensor, R2Score, FBetaScore and F1Score.
The last four size their totals from the first batch they see.

    f1 = gc.keras.metrics.F1Score(average="macro", threshold=0.5)
    sess.run(f1.update_state(y_true, y_pred)); sess.run(f1.result())
"""
import graphc as gc
from . import losses as L
from . import metrics as F
from .metrics_classes import Mean, Metric, _squeeze_pair, _wrapper
from .training_weights import _match_rank

__all__ = ["CosineSimilarity", "LogCoshError", "CategoricalHinge", "MeanRelativeError",
           "MeanTensor", "R2Score", "FBetaScore", "F1Score"]

CosineSimilarity = _wrapper("CosineSimilarity", F.cosine_similarity, "cosine_similarity",
                            "The mean cosine similarity of y_true and y_pred along axis.",
                            axis=-1)
LogCoshError = _wrapper("LogCoshError", L.log_cosh, "logcosh",
                        "The mean log(cosh(y_pred - y_true)).")
CategoricalHinge = _wrapper("CategoricalHinge", L.categorical_hinge, "categorical_hinge",
                            "The mean categorical hinge loss.")


class MeanRelativeError(Mean):
    """The weighted mean of |y_true - y_pred| / normalizer (0 where it is 0).

        gc.keras.metrics.MeanRelativeError(normalizer=[1., 3., 2., 3.])
    """

    def __init__(self, normalizer, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._normalizer_value = normalizer
        self.normalizer = gc.cast(normalizer, self.dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = gc.cast(gc.convert_to_tensor(y_pred), self.dtype)
        y_true = gc.cast(gc.convert_to_tensor(y_true), self.dtype)
        y_true, y_pred = _squeeze_pair(y_true, y_pred)
        normalizer = gc.cast(self._normalizer_value, self.dtype)
        normalizer, y_pred = _squeeze_pair(normalizer, y_pred)
        errors = gc.div_no_nan(gc.abs(y_true - y_pred), normalizer)
        return super().update_state(errors, sample_weight)

    def _config(self):
        n = self._normalizer_value
        return {"normalizer": n.tolist() if hasattr(n, "tolist") else n}


class MeanTensor(Metric):
    """The elementwise weighted mean of the tensors seen (their shape fixed by the
    first one, or `shape`).

        m = gc.keras.metrics.MeanTensor(); m.update_state([0., 1., 2.])
    """

    def __init__(self, name="mean_tensor", dtype=None, shape=None):
        super().__init__(name=name, dtype=dtype)
        self._shape = None
        if shape is not None:
            self._build(tuple(shape))

    def _build(self, shape):
        self._shape = shape
        self.total = self.add_weight("total", shape)
        self.count = self.add_weight("count", shape)

    def update_state(self, values, sample_weight=None):
        values = gc.cast(gc.convert_to_tensor(values), self.dtype)
        shape = tuple(values.shape.as_list())
        if self._shape is None:
            if None in shape:
                raise ValueError(f"MeanTensor '{self.name}': the first values need a "
                                 f"fully known shape, got {shape}")
            self._build(shape)
        elif shape != self._shape:
            raise ValueError(f"MeanTensor input values must always have the same shape. "
                             f"Expected shape (set during the first call): {self._shape}. "
                             f"Got: {shape}.")
        count = gc.ones_like(values)
        if sample_weight is not None:
            w = _match_rank(gc.cast(sample_weight, self.dtype), values)
            count = count * w
            values = values * w
        total_v, count_v = self._state()
        return gc.group(total_v.assign_add(values), count_v.assign_add(count))

    def result(self):
        if self._shape is None:
            raise ValueError("MeanTensor does not have any value yet. Please call the "
                             "MeanTensor instance or use `.update_state(value)` before "
                             "retrieving the result.")
        total_v, count_v = self._state()
        return gc.div_no_nan(total_v.value(), count_v.value())


def _check_2d(cls_name, y_true, y_pred):
    ts, ps = y_true.shape.as_list(), y_pred.shape.as_list()
    if y_pred.shape.ndims != 2 or y_true.shape.ndims != 2:
        raise ValueError(f"{cls_name} expects 2D inputs with shape (batch_size, "
                         f"output_dim). Received input shapes: y_pred.shape={ps} and "
                         f"y_true.shape={ts}.")
    if ps[-1] is None or ts[-1] is None:
        raise ValueError(f"{cls_name} expects 2D inputs with shape (batch_size, "
                         f"output_dim), with output_dim fully defined (not None). "
                         f"Received input shapes: y_pred.shape={ps} and "
                         f"y_true.shape={ts}.")
    return ps[-1]


class R2Score(Metric):
    """The coefficient of determination 1 - SS_res / SS_tot per output column,
    averaged ('uniform_average'), variance-weighted ('variance_weighted_average') or
    not (None); num_regressors > 0 gives the adjusted R2 (when n - p - 1 > 0, n the
    number of values seen).

        gc.keras.metrics.R2Score()(y_true, y_pred)
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0,
                 name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(f"Invalid value for argument `class_aggregation`. Expected "
                             f"one of {valid}. Received: "
                             f"class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError(f"Invalid value for argument `num_regressors`. Expected a "
                             f"value >= 0. Received: num_regressors={num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        self.num_samples = self.add_weight("num_samples", dtype="int32")
        self._n = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = gc.cast(gc.convert_to_tensor(y_true), self.dtype)
        y_pred = gc.cast(gc.convert_to_tensor(y_pred), self.dtype)
        if self._n is None:
            self._n = _check_2d("R2Score", y_true, y_pred)
            for name in ("squared_sum", "sum", "residual", "count"):
                self.add_weight(name, (self._n,))
        w = gc.ones([], self.dtype) if sample_weight is None else \
            gc.cast(sample_weight, self.dtype)
        if w.shape.ndims == 1:
            w = gc.expand_dims(w, 1)
        w = w * gc.ones_like(y_true)
        n_samples, squared_sum, total, residual, count = self._state()
        weighted = y_true * w
        return gc.group(
            total.assign_add(gc.reduce_sum(weighted, axis=0)),
            squared_sum.assign_add(gc.reduce_sum(y_true * weighted, axis=0)),
            residual.assign_add(gc.reduce_sum(gc.square(y_true - y_pred) * w, axis=0)),
            count.assign_add(gc.reduce_sum(w, axis=0)),
            n_samples.assign_add(gc.size(y_true)))

    def result(self):
        n_samples, squared_sum, total, residual, count = (v.value() for v in self._state())
        mean = total / count
        ss_tot = squared_sum - total * mean
        raw = 1.0 - residual / ss_tot
        raw = gc.where_v2(gc.math.is_inf(raw), gc.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = gc.reduce_mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = gc.reduce_sum(ss_tot * raw) / gc.reduce_sum(ss_tot)
        else:
            score = raw
        if self.num_regressors:
            n = gc.cast(n_samples, self.dtype)
            p = float(self.num_regressors)
            adjusted = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
            score = gc.where_v2(gc.greater(n - p - 1.0, 0.0), adjusted, score)
        return score

    def _config(self):
        return {"class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


class FBetaScore(Metric):
    """(1 + beta^2) * precision * recall / (beta^2 * precision + recall) per class
    (average None), pooled ('micro'), averaged ('macro') or weighted by support
    ('weighted'); y_pred is 1 where > threshold (or, without one, at each row's max).

        gc.keras.metrics.FBetaScore(average="micro", beta=2.0, threshold=0.5)
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"Invalid `average` argument value. Expected one of: "
                             f"{{None, 'micro', 'macro', 'weighted'}}. Received: "
                             f"average={average}")
        if not isinstance(beta, float):
            raise ValueError(f"Invalid `beta` argument value. It should be a Python "
                             f"float. Received: beta={beta} of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. "
                             f"Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(f"Invalid `threshold` argument value. It should be a "
                                 f"Python float. Received: threshold={threshold} of type "
                                 f"'{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(f"Invalid `threshold` argument value. It should verify "
                                 f"0 < threshold <= 1. Received: threshold={threshold}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0
        self._n = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = gc.cast(gc.convert_to_tensor(y_true), self.dtype)
        y_pred = gc.cast(gc.convert_to_tensor(y_pred), self.dtype)
        if self._n is None:
            self._n = _check_2d(type(self).__name__, y_true, y_pred)
            shape = () if self.average == "micro" else (self._n,)
            for name in ("true_positives", "false_positives", "false_negatives",
                         "intermediate_weights"):
                self.add_weight(name, shape)
        if self.threshold is None:
            top = gc.reduce_max(y_pred, axis=-1, keepdims=True)
            hit = gc.logical_and(gc.greater_equal(y_pred, top),
                                 gc.greater(gc.abs(y_pred), 1e-9))
        else:
            hit = gc.greater(y_pred, self.threshold)
        y_pred = gc.cast(hit, self.dtype)

        def weighted_sum(x):
            if sample_weight is not None:
                x = x * gc.expand_dims(gc.cast(sample_weight, self.dtype), 1)
            return gc.reduce_sum(x, axis=self.axis)
        tp, fp, fn, support = self._state()
        return gc.group(tp.assign_add(weighted_sum(y_pred * y_true)),
                        fp.assign_add(weighted_sum(y_pred * (1.0 - y_true))),
                        fn.assign_add(weighted_sum((1.0 - y_pred) * y_true)),
                        support.assign_add(weighted_sum(y_true)))

    def result(self):
        tp, fp, fn, support = (v.value() for v in self._state())
        precision = gc.div_no_nan(tp, tp + fp)
        recall = gc.div_no_nan(tp, tp + fn)
        b2 = self.beta ** 2
        score = gc.div_no_nan(precision * recall, b2 * precision + recall) * (1.0 + b2)
        if self.average == "weighted":
            score = gc.reduce_sum(score * gc.div_no_nan(support, gc.reduce_sum(support)))
        elif self.average is not None:
            score = gc.reduce_mean(score)
        return score

    def _config(self):
        return {"average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """FBetaScore with beta = 1: 2 * precision * recall / (precision + recall).

        gc.keras.metrics.F1Score(average="macro", threshold=0.5)
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name,
                         dtype=dtype)

    def _config(self):
        return {"average": self.average, "threshold": self.threshold}
