"""More gc.keras callbacks (tf.compat.v1.keras.callbacks): BaseLogger, TerminateOnNaN,
ReduceLROnPlateau, CSVLogger, ProgbarLogger, TensorBoard (scalar summaries through
gc.summary.FileWriter: TF event files) and RemoteMonitor (an HTTP POST per epoch).

    cbs = [gc.keras.callbacks.CSVLogger("log.csv"),
           gc.keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=2)]
    model.fit(x, y, epochs=10, callbacks=cbs)
"""
import collections
import csv
import json
import os
import warnings

import numpy as np

from . import backend as K
from .callbacks import Callback

__all__ = ["BaseLogger", "TerminateOnNaN", "ReduceLROnPlateau", "CSVLogger",
           "ProgbarLogger", "TensorBoard", "RemoteMonitor"]

_BATCH_KEYS = ("batch", "size", "num_steps")


class BaseLogger(Callback):
    """Sets each epoch's metrics to the average of its batches' values, weighted by
    batch size (stateful_metrics: the last value).

        gc.keras.callbacks.BaseLogger(stateful_metrics=["auc"])
    """

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])

    def on_epoch_begin(self, epoch, logs=None):
        self.seen, self.totals = 0, {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        size = logs.get("size", 0)
        self.seen += size * logs.get("num_steps", 1)
        for k, v in logs.items():
            if k in self.stateful_metrics:
                self.totals[k] = v
            else:
                self.totals[k] = self.totals.get(k, 0) + v * size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for k in self.params.get("metrics", []):
            if k in self.totals:
                logs[k] = self.totals[k] if k in self.stateful_metrics \
                    else self.totals[k] / self.seen


class TerminateOnNaN(Callback):
    """Stops training at the first batch whose loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class ReduceLROnPlateau(Callback):
    """Multiplies the optimizer's lr variable by `factor` (not below min_lr) when
    `monitor` has not improved by min_delta for `patience` epochs, then waits
    `cooldown` epochs; adds 'lr' to the epoch logs.

        gc.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3)
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0,
                 mode="auto", min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
        super().__init__()
        self.monitor = monitor
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. "
                             f"Got {factor}")
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            warnings.warn("`epsilon` argument is deprecated and will be removed, use "
                          "`min_delta` instead.")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau: unexpected arguments {sorted(kwargs)}")
        self.factor, self.min_lr, self.min_delta = factor, min_lr, min_delta
        self.patience, self.verbose, self.cooldown = patience, verbose, cooldown
        self.mode = mode
        self._reset()

    def _reset(self):
        if self.mode not in ("auto", "min", "max"):
            warnings.warn(f"Learning rate reduction mode {self.mode} is unknown, fallback "
                          f"to auto mode.")
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter, self.wait = 0, 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        lr_var = self.model.optimizer.lr
        logs["lr"] = K.get_value(lr_var)           # a float32 scalar, as tf.keras logs it
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric "
                          f"`{self.monitor}` which is not available. Available metrics "
                          f"are: {','.join(logs)}")
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = K.get_value(lr_var)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    K.set_value(lr_var, new_lr)
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1:05d}: ReduceLROnPlateau reducing "
                              f"learning rate to {new_lr}.")
                    self.cooldown_counter, self.wait = self.cooldown, 0


def _csv_value(v):
    """A log value as tf.keras writes it: sequences (not 0-d arrays, not strings) as
    "[a, b]", anything else as it is."""
    if isinstance(v, str):
        return v
    if isinstance(v, collections.abc.Iterable) and not (isinstance(v, np.ndarray)
                                                         and v.ndim == 0):
        return f'"[{", ".join(map(str, v))}]"'
    return v


class CSVLogger(Callback):
    """Writes one CSV row per epoch: 'epoch' then the first epoch's log keys in sorted
    order, plus 'val_<key>' columns when it had none ('NA' where a value is missing);
    append=True continues an existing file without a second header.

        gc.keras.callbacks.CSVLogger("training.log", separator=",", append=False)
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep, self.filename, self.append = separator, os.fspath(filename), append
        self.writer, self.keys, self.append_header, self.csv_file = None, None, True, None

    def on_train_begin(self, logs=None):
        mode = "w"
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        self.csv_file = open(self.filename, mode, newline="")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if not any(k.startswith("val_") for k in self.keys):
                self.keys.extend(["val_" + k for k in self.keys])
        if not self.writer:
            fieldnames = ["epoch"] + self.keys
            self.writer = csv.DictWriter(self.csv_file, fieldnames=fieldnames,
                                         delimiter=self.sep, lineterminator="\r\n")
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((k, _csv_value(logs.get(k, "NA"))) for k in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self.csv_file.close()
        self.writer = None


class ProgbarLogger(Callback):
    """Prints a progress bar (gc.keras.utils.Progbar) of each epoch's batches and its
    metrics; count_mode 'samples' or 'steps'.

        gc.keras.callbacks.ProgbarLogger(count_mode="steps")
    """

    def __init__(self, count_mode="samples", stateful_metrics=None):
        super().__init__()
        if count_mode not in ("samples", "steps"):
            raise ValueError(f"Unknown `count_mode`: {count_mode}. Expected values are "
                             f"['samples', 'steps']")
        self.use_steps = count_mode == "steps"
        self.stateful_metrics = set(stateful_metrics or [])

    def on_train_begin(self, logs=None):
        self.verbose, self.epochs = self.params.get("verbose", 1), self.params["epochs"]

    def on_epoch_begin(self, epoch, logs=None):
        from .utils_progbar import Progbar
        self.seen, self.log_values = 0, []
        self.target = self.params.get("steps") if self.use_steps else \
            self.params.get("samples")
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}")
        self.progbar = Progbar(target=self.target, verbose=self.verbose,
                               stateful_metrics=self.stateful_metrics,
                               unit_name="step" if self.use_steps else "sample")

    def on_batch_begin(self, batch, logs=None):
        self.log_values = []

    def on_batch_end(self, batch, logs=None):
        """Shows the batch's values; the last batch's wait for on_epoch_end, which
        shows them together with the epoch's (TF 1.15's ProgbarLogger)."""
        logs = logs or {}
        self.seen += 1 if self.use_steps else logs.get("size", 0)
        self.log_values = [(k, logs[k]) for k in self.params.get("metrics", []) if k in logs]
        if self.verbose and (self.target is None or self.seen < self.target):
            self.progbar.update(self.seen, self.log_values)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.log_values += [(k, logs[k]) for k in self.params.get("metrics", []) if k in logs]
        if self.verbose:
            self.progbar.update(self.seen, self.log_values)


class TestProgbar(ProgbarLogger):
    """evaluate's progress bar over the samples (TF 1.15 shows one with verbose=1)."""

    def on_test_begin(self, logs=None):
        self.on_train_begin()
        self.on_epoch_begin(0)

    def on_test_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_test_end(self, logs=None):
        self.on_epoch_end(0, logs)


class TensorBoard(Callback):
    """Writes the epoch logs as scalar summaries 'epoch_<name>' (step: the epoch) to an
    event file in log_dir, with the graph when write_graph; update_freq 'batch' or N
    also writes 'batch_<name>' every N samples (step: the batch count).

        gc.keras.callbacks.TensorBoard(log_dir="./logs", update_freq="epoch")
    """

    def __init__(self, log_dir="./logs", histogram_freq=0, batch_size=32, write_graph=True,
                 write_grads=False, write_images=False, embeddings_freq=0,
                 embeddings_layer_names=None, embeddings_metadata=None,
                 embeddings_data=None, update_freq="epoch", profile_batch=2):
        super().__init__()
        if histogram_freq or write_grads or write_images or embeddings_freq:
            raise NotImplementedError("TensorBoard: histograms, gradients, images and "
                                      "embeddings are not written by graphc; only scalars "
                                      "and the graph")
        self.log_dir, self.batch_size, self.write_graph = log_dir, batch_size, write_graph
        self.histogram_freq = histogram_freq
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.writer = None
        self._samples_seen = self._samples_seen_at_last_write = 0
        self._total_batches_seen = 0

    def set_model(self, model):
        import graphc as gc
        self.model = model
        graph = model.outputs[0].graph if getattr(model, "outputs", None) else None
        self.writer = gc.summary.FileWriter(self.log_dir,
                                            graph if self.write_graph else None)

    def _write(self, step, logs):
        import graphc as gc
        for name, value in logs.items():
            if isinstance(value, np.ndarray):
                value = value.item()
            summary = gc.summary.Summary(value=[gc.summary.Summary.Value(
                tag=name, simple_value=float(value))])
            self.writer.add_summary(summary, step)
        self.writer.flush()

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        self._samples_seen += logs.get("size", 1)
        since = self._samples_seen - self._samples_seen_at_last_write
        if self.update_freq != "epoch" and since >= self.update_freq:
            self._write(self._total_batches_seen, {"batch_" + k: v for k, v in logs.items()
                                                   if k not in _BATCH_KEYS})
            self._samples_seen_at_last_write = self._samples_seen
        self._total_batches_seen += 1

    def on_epoch_end(self, epoch, logs=None):
        logs = {"epoch_" + k: v for k, v in (logs or {}).items() if k not in _BATCH_KEYS}
        self._write(epoch if self.update_freq == "epoch" else self._samples_seen, logs)

    def on_train_end(self, logs=None):
        self.writer.close()


class RemoteMonitor(Callback):
    """POSTs {"epoch": epoch, **logs} to root + path at each epoch's end (urllib):
    as JSON when send_as_json, else form-encoded as field=<json>.

        gc.keras.callbacks.RemoteMonitor(root="http://localhost:9000")
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/",
                 field="data", headers=None, send_as_json=False):
        super().__init__()
        self.root, self.path, self.field = root, path, field
        self.headers, self.send_as_json = headers, send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            send[k] = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
        import urllib.error     # here: urllib.request brings http, ssl and email
        import urllib.parse
        import urllib.request
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body,
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Warning: could not reach RemoteMonitor root server at "
                          f"{self.root}")
