"""gc.keras.callbacks: what fit calls at each epoch and batch (TF1 Keras' Callback,
History, EarlyStopping, ModelCheckpoint, LambdaCallback, LearningRateScheduler).

    stop = gc.keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[stop])
"""
import numpy as np

import graphc as gc

from . import backend as K

__all__ = ["Callback", "History", "EarlyStopping", "ModelCheckpoint", "LambdaCallback",
           "LearningRateScheduler", "CallbackList", "BaseLogger", "TerminateOnNaN",
           "ReduceLROnPlateau", "CSVLogger", "ProgbarLogger", "TensorBoard",
           "RemoteMonitor"]


class Callback:
    """The base class: override on_epoch_begin/end, on_batch_begin/end (also
    on_train_batch_*), on_train_begin/end; `self.model` and `self.params` are set."""

    def __init__(self):
        self.model, self.params, self.validation_data = None, {}, None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass


class CallbackList:
    """Calls each callback's method in turn."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)

    def call(self, method, *args):
        for cb in self.callbacks:
            getattr(cb, method)(*args)


class History(Callback):
    """Records each epoch's logs: `history.history["loss"]`, `history.epoch`."""

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


def _mode_op(mode, monitor):
    if mode not in ("auto", "min", "max"):
        mode = "auto"
    if mode == "max" or (mode == "auto" and ("acc" in monitor
                                             or monitor.startswith("fmeasure"))):
        return np.greater
    return np.less


class EarlyStopping(Callback):
    """Stops training when `monitor` has not improved by min_delta for `patience`
    epochs; restore_best_weights puts back the weights of the best epoch."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0,
                 mode="auto", baseline=None, restore_best_weights=False):
        super().__init__()
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.monitor_op = _mode_op(mode, monitor)
        self.min_delta = abs(min_delta) if self.monitor_op is np.greater else -abs(min_delta)
        self.wait, self.stopped_epoch, self.best_weights = 0, 0, None

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch = 0, 0
        if self.baseline is not None:
            self.best = self.baseline
        else:
            self.best = np.inf if self.monitor_op is np.less else -np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best, self.wait = current, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                if self.restore_best_weights and self.best_weights is not None:
                    self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1:05d}: early stopping")


class ModelCheckpoint(Callback):
    """Saves the model (model.save) or only its weights (save_weights_only=True), in
    graphc's .npz format or, for .h5 paths (with h5py), tf_keras' HDF5 layout, after
    each `period` epochs, or with an int `save_freq` every save_freq batches (across
    epochs, as tf_keras), or only when `monitor` improves (save_best_only); `filepath`
    may hold format fields such as "w.{epoch:02d}.npz" (and {batch} then)."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", period=1, save_freq="epoch"):
        super().__init__()
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"Unrecognized save_freq: {save_freq}")
        self.save_weights_only, self.save_freq = save_weights_only, save_freq
        self.filepath, self.monitor, self.verbose = filepath, monitor, verbose
        self.save_best_only, self.period = save_best_only, period
        self.monitor_op = _mode_op(mode, monitor)
        self.best = np.inf if self.monitor_op is np.less else -np.inf
        self._since = self._batches = 0
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches += 1
        if self._batches >= self.save_freq:
            self._batches = 0
            self._save(self._epoch, logs or {},
                       batch=batch + 1 if "{batch" in self.filepath else None)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq != "epoch":
            return
        self._since += 1
        if self._since < self.period:
            return
        self._since = 0
        self._save(epoch, logs or {})

    def _save(self, epoch, logs, batch=None):
        fields = {**logs, "epoch": epoch + 1}
        if batch is not None:
            fields["batch"] = batch
        path = self.filepath.format(**fields)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                gc.get_logger().warning(f"Can save best model only with {self.monitor} "
                                        f"available, skipping.")
                return
            if not self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1:05d}: {self.monitor} did not improve from "
                          f"{self.best:0.5f}")
                return
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1:05d}: {self.monitor} improved from "
                      f"{self.best:0.5f} to {current:0.5f}, saving model to {path}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1:05d}: saving model to {path}")
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path, overwrite=True)


class LambdaCallback(Callback):
    """A callback of functions: LambdaCallback(on_epoch_end=lambda epoch, logs: ...)."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        for name, fn in dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                             on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                             on_train_begin=on_train_begin,
                             on_train_end=on_train_end, **kwargs).items():
            if fn is not None:
                setattr(self, name, fn)


class LearningRateScheduler(Callback):
    """Sets the optimizer's lr to schedule(epoch) (or schedule(epoch, lr)) before each
    epoch; the optimizer must be a gc.keras optimizer (its lr is a variable)."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        if not hasattr(opt, "lr"):
            raise ValueError('Optimizer must have a "lr" attribute.')
        try:
            lr = self.schedule(epoch, float(K.get_value(opt.lr)))
        except TypeError:
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, int, np.floating)):
            raise ValueError('The output of the "schedule" function should be float.')
        K.set_value(opt.lr, lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1:05d}: LearningRateScheduler reducing learning "
                  f"rate to {lr}.")                     # (TF 1.15's words)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = float(K.get_value(self.model.optimizer.lr))


from .callbacks_more import (BaseLogger, CSVLogger, ProgbarLogger,  # noqa: E402
                             ReduceLROnPlateau, RemoteMonitor, TensorBoard, TerminateOnNaN)
