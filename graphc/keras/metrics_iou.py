"""Intersection-over-union metric objects of gc.keras (tf.keras.metrics): IoU,
MeanIoU, BinaryIoU, OneHotIoU and OneHotMeanIoU. Each keeps a (num_classes,
num_classes) weighted confusion matrix (rows: true class, columns: predicted class);
the result is the mean over the target classes that occurred of
tp / (tp + fp + fn).

    miou = gc.keras.metrics.MeanIoU(num_classes=3)
    sess.run(miou.update_state(labels, predicted_labels)); sess.run(miou.result())
"""
import numpy as np

import graphc as gc
from .metrics_classes import Metric

__all__ = ["IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU"]


class IoU(Metric):
    """The mean IoU of the classes `target_class_ids`. Labels and predictions are class
    ids (argmax along `axis` of one-hot ones when sparse_y_true / sparse_y_pred are
    False); entries whose label is `ignore_class` are left out.

        gc.keras.metrics.IoU(num_classes=2, target_class_ids=[0])
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None,
                 ignore_class=None, sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, "
                             f"which is [0, {num_classes}).")
        self.num_classes, self.ignore_class = num_classes, ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        self.target_class_ids = list(target_class_ids)
        self.total_cm = self.add_weight("total_confusion_matrix", (num_classes, num_classes))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = gc.convert_to_tensor(y_true), gc.convert_to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = gc.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = gc.argmax(y_pred, axis=self.axis)
        y_true = gc.reshape(gc.cast(y_true, self.dtype), [-1])
        y_pred = gc.reshape(gc.cast(y_pred, self.dtype), [-1])
        if sample_weight is not None:
            sample_weight = gc.reshape(gc.cast(sample_weight, self.dtype), [-1])
        if self.ignore_class is not None:
            valid = gc.not_equal(y_true, gc.cast(self.ignore_class, self.dtype))
            y_true, y_pred = gc.boolean_mask(y_true, valid), gc.boolean_mask(y_pred, valid)
            if sample_weight is not None:
                sample_weight = gc.boolean_mask(sample_weight, valid)
        cm = gc.math.confusion_matrix(gc.cast(y_true, gc.int64), gc.cast(y_pred, gc.int64),
                                      self.num_classes, weights=sample_weight,
                                      dtype=self.dtype)
        return self._state()[0].assign_add(cm).op

    def result(self):
        cm = self._state()[0].value()
        tp = gc.linalg.diag_part(cm)
        denominator = gc.reduce_sum(cm, axis=0) + gc.reduce_sum(cm, axis=1) - tp
        tp = gc.gather(tp, self.target_class_ids)
        denominator = gc.gather(denominator, self.target_class_ids)
        valid = gc.reduce_sum(gc.cast(gc.not_equal(denominator, 0.0), self.dtype))
        return gc.div_no_nan(gc.reduce_sum(gc.div_no_nan(tp, denominator)), valid)

    def _config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}

    def reset_states(self):
        from . import backend as K
        K.batch_set_value([(self._state()[0], np.zeros((self.num_classes,) * 2))])

    reset_state = reset_states


class BinaryIoU(IoU):
    """IoU of binary labels, predictions >= threshold counting as class 1.

        gc.keras.metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = gc.cast(gc.convert_to_tensor(y_pred), self.dtype)
        y_pred = gc.cast(gc.greater_equal(y_pred, self.threshold), self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


class MeanIoU(IoU):
    """IoU averaged over all num_classes classes.

        gc.keras.metrics.MeanIoU(num_classes=2)([0, 0, 1, 1], [0, 1, 0, 1])   # 1/3
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """IoU of one-hot labels and class scores (argmax along axis).

        gc.keras.metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None,
                 ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """MeanIoU of one-hot labels and class scores (argmax along axis).

        gc.keras.metrics.OneHotMeanIoU(num_classes=3)
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
