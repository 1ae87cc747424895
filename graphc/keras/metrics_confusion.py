"""Confusion-matrix metric objects of gc.keras (tf.keras.metrics): TruePositives,
FalsePositives, TrueNegatives, FalseNegatives, Precision, Recall and AUC. A prediction
is positive when it is greater than the threshold; all entries are pooled (y_pred
flattened), optionally after keeping the top_k per row or one class_id column.

    auc = gc.keras.metrics.AUC()          # 200 thresholds, ROC, trapezoids
    model.compile("adam", "binary_crossentropy", metrics=[auc])     # history "auc"
"""
import numpy as np

import graphc as gc
from . import backend as K
from .metrics_classes import Metric, _squeeze_pair
from .training_weights import _match_rank

__all__ = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives",
           "Precision", "Recall", "AUC"]

_NEG_INF = -1e10
_NAMES = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives",
          "fn": "false_negatives"}


def _top_k_only(x, k):
    """x where it is among the top k of its row, -1e10 elsewhere."""
    _, idx = gc.nn.top_k(x, k, sorted=False)
    keep = gc.reduce_sum(gc.one_hot(idx, x.shape.as_list()[-1], dtype=x.dtype), axis=-2)
    return x * keep + _NEG_INF * (1.0 - keep)


class _Confusion(Metric):
    """Counts of `kinds` (some of tp, fp, tn, fn) per threshold."""
    kinds = ()

    def __init__(self, thresholds, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.top_k, self.class_id = top_k, class_id
        self._scalar = np.ndim(thresholds) == 0
        self.thresholds = [float(t) for t in np.atleast_1d(thresholds)]
        self._cuts = self.thresholds            # what update_state compares with
        for kind in self.kinds:
            setattr(self, _NAMES[kind], self.add_weight(_NAMES[kind],
                                                        (len(self.thresholds),)))

    def _counts(self):
        return dict(zip(self.kinds, (v.value() for v in self._state())))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = gc.cast(gc.convert_to_tensor(y_pred), self.dtype)
        y_true = gc.cast(gc.convert_to_tensor(y_true), self.dtype)
        y_true, y_pred = _squeeze_pair(y_true, y_pred)
        if self.top_k is not None:
            y_pred = _top_k_only(y_pred, self.top_k)
        if self.class_id is not None:
            y_true, y_pred = y_true[..., self.class_id], y_pred[..., self.class_id]
        w = gc.ones_like(y_pred) if sample_weight is None else \
            _match_rank(gc.cast(sample_weight, y_pred.dtype), y_pred) * gc.ones_like(y_pred)
        pred = gc.reshape(y_pred, [1, -1])
        label = gc.reshape(gc.cast(y_true, gc.bool), [1, -1])
        w = gc.reshape(w, [1, -1])
        thr = gc.constant(np.asarray(self._cuts, np.float32)[:, None], self.dtype)
        is_pos = gc.greater(pred, thr)                        # (thresholds, entries)
        is_true = gc.logical_and(label, gc.ones_like(is_pos))
        cond = {"tp": gc.logical_and(is_true, is_pos),
                "fp": gc.logical_and(gc.logical_not(is_true), is_pos),
                "tn": gc.logical_and(gc.logical_not(is_true), gc.logical_not(is_pos)),
                "fn": gc.logical_and(is_true, gc.logical_not(is_pos))}
        ups = [v.assign_add(gc.reduce_sum(gc.cast(cond[k], self.dtype) * w, axis=1))
               for k, v in zip(self.kinds, self._state())]
        return gc.group(*ups)

    def _value(self, x):
        return x[0] if self._scalar else x

    def _config(self):
        thr = self.thresholds[0] if self._scalar else self.thresholds
        return {"thresholds": thr, "top_k": self.top_k, "class_id": self.class_id}


def _count_metric(cls_name, kind):
    class Count(_Confusion):
        kinds = (kind,)

        def __init__(self, thresholds=None, name=None, dtype=None):
            super().__init__(0.5 if thresholds is None else thresholds, name=name,
                             dtype=dtype)

        def result(self):
            return self._value(self._counts()[kind])

        def _config(self):
            return {"thresholds": super()._config()["thresholds"]}
    Count.__name__ = Count.__qualname__ = cls_name
    Count.__doc__ = f"The weighted count of {_NAMES[kind].replace('_', ' ')}."
    return Count


TruePositives = _count_metric("TruePositives", "tp")
FalsePositives = _count_metric("FalsePositives", "fp")
TrueNegatives = _count_metric("TrueNegatives", "tn")
FalseNegatives = _count_metric("FalseNegatives", "fn")


class Precision(_Confusion):
    """tp / (tp + fp) at each threshold (0.5 by default; -inf with top_k).

        gc.keras.metrics.Precision(thresholds=[0.3, 0.7])
    """
    kinds = ("tp", "fp")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        default = 0.5 if top_k is None else _NEG_INF
        super().__init__(default if thresholds is None else thresholds, top_k, class_id,
                         name, dtype)
        self._given = thresholds

    def result(self):
        c = self._counts()
        return self._value(gc.div_no_nan(c["tp"], c["tp"] + c["fp"]))

    def _config(self):
        return dict(super()._config(), thresholds=self._given)


class Recall(Precision):
    """tp / (tp + fn) at each threshold (0.5 by default; -inf with top_k)."""
    kinds = ("tp", "fn")

    def result(self):
        c = self._counts()
        return self._value(gc.div_no_nan(c["tp"], c["tp"] + c["fn"]))


class AUC(_Confusion):
    """The area under the ROC (or PR) curve from counts at `num_thresholds` thresholds
    0 - 1e-7, 1/(n-1), ..., 1 + 1e-7: trapezoids ('interpolation'; for PR, Davis and
    Goadrich's interpolation), or 'minoring' / 'majoring' Riemann sums.

        gc.keras.metrics.AUC(num_thresholds=200, curve="ROC")
    """
    kinds = ("tp", "tn", "fp", "fn")

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False,
                 label_weights=None):
        if multi_label or label_weights is not None:
            raise NotImplementedError("AUC: multi_label and label_weights are not "
                                      "supported")
        curve, summation_method = str(curve).upper(), str(summation_method).lower()
        if curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid curve: "{curve}". Valid options are: '
                             f'"{{\'ROC\', \'PR\'}}"')
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid summation method: "{summation_method}". Valid '
                             f'options are ["interpolation", "majoring", "minoring"].')
        if thresholds is None:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        else:
            inner = sorted(float(t) for t in thresholds)
            num_thresholds = len(inner) + 2
        self.num_thresholds, self.curve = num_thresholds, curve
        self.summation_method = summation_method
        eps = K.epsilon()
        super().__init__([0.0 - eps] + inner + [1.0 + eps], name=name, dtype=dtype)

    def _pr_interpolated(self, c):
        """Davis & Goadrich: precision interpolated between thresholds, integrated."""
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = gc.div_no_nan(dtp, gc.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both = gc.logical_and(gc.greater(p[:-1], 0.0), gc.greater(p[1:], 0.0))
        ratio = gc.where_v2(both, gc.div_no_nan(p[:-1], gc.maximum(p[1:], 0.0)),
                            gc.ones_like(p[1:]))
        step = gc.div_no_nan(slope * (dtp + intercept * gc.log(ratio)),
                             gc.maximum(tp[1:] + fn[1:], 0.0))
        return gc.reduce_sum(step)

    def result(self):
        c = self._counts()
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._pr_interpolated(c)
        recall = gc.div_no_nan(c["tp"], c["tp"] + c["fn"])
        if self.curve == "ROC":
            x, y = gc.div_no_nan(c["fp"], c["fp"] + c["tn"]), recall
        else:
            x, y = recall, gc.div_no_nan(c["tp"], c["tp"] + c["fp"])
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = gc.minimum(y[:-1], y[1:])
        else:
            heights = gc.maximum(y[:-1], y[1:])
        return gc.reduce_sum((x[:-1] - x[1:]) * heights)

    def _config(self):
        return {"num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method}


class _AtConstraint(_Confusion):
    """tp, tn, fp, fn at num_thresholds thresholds 0, 1/(n-1), ..., 1 (a prediction of
    0 counts as positive at threshold 0, as tf.keras' bucketing has it); the result is
    the largest `dependent` rate where the `constrained` rate is >= value (0 if none)."""
    kinds = ("tp", "tn", "fp", "fn")
    arg = None

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if value < 0 or value > 1:
            raise ValueError(f"Argument `{self.arg}` must be in the range [0, 1]. "
                             f"Received: {self.arg}={value}")
        if num_thresholds <= 0:
            raise ValueError(f"Argument `num_thresholds` must be an integer > 0. "
                             f"Received: num_thresholds={num_thresholds}")
        if num_thresholds == 1:
            thresholds = [0.5]
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            thresholds = [-K.epsilon()] + inner + [1.0]
        super().__init__(thresholds, class_id=class_id, name=name, dtype=dtype)
        self.thresholds = [0.5] if num_thresholds == 1 else [0.0] + inner + [1.0]
        self.num_thresholds, self.value = num_thresholds, value
        setattr(self, self.arg, value)

    def _rates(self):
        c = self._counts()
        return {"sensitivity": gc.div_no_nan(c["tp"], c["tp"] + c["fn"]),
                "specificity": gc.div_no_nan(c["tn"], c["tn"] + c["fp"]),
                "precision": gc.div_no_nan(c["tp"], c["tp"] + c["fp"])}

    def result(self):
        rates = self._rates()
        rates["recall"] = rates["sensitivity"]
        constrained, dependent = rates[self.arg], rates[self.dependent]
        feasible = gc.greater_equal(constrained, self.value)
        best = gc.reduce_max(gc.where_v2(feasible, dependent, gc.zeros_like(dependent)))
        return gc.where_v2(gc.reduce_any(feasible), best, gc.zeros_like(best))

    def _config(self):
        return {"class_id": self.class_id, "num_thresholds": self.num_thresholds,
                self.arg: self.value}


class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity where specificity >= `specificity`.

        gc.keras.metrics.SensitivityAtSpecificity(0.5, num_thresholds=200)
    """
    arg, dependent = "specificity", "sensitivity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None,
                 dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity where sensitivity >= `sensitivity`.

        gc.keras.metrics.SpecificityAtSensitivity(0.5)
    """
    arg, dependent = "sensitivity", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None,
                 dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtConstraint):
    """The best precision where recall >= `recall`.

        gc.keras.metrics.PrecisionAtRecall(0.8)
    """
    arg, dependent = "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtConstraint):
    """The best recall where precision >= `precision`.

        gc.keras.metrics.RecallAtPrecision(0.8)
    """
    arg, dependent = "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None,
                 dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)


__all__ += ["SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall",
            "RecallAtPrecision"]
