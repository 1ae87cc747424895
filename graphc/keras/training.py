"""compile, fit, evaluate and predict of gc.keras models (TF 1.x graph-mode Keras):
compile builds the target placeholders, the loss and the metrics; the first fit builds
the training op; each batch is one Session.run feeding the Keras learning phase.

    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(xs, ys, batch_size=32, epochs=5, validation_split=0.1)
    history.history["acc"]          # TF 1.15's name for 'accuracy'
"""
import numpy as np

import graphc as gc
from . import backend as K
from . import callbacks as cbks
from . import losses as losses_mod
from . import metrics as metrics_mod
from . import optimizers

__all__ = ["TrainingMixin"]


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _metric_fn(name, loss_fn, output):
    """Keras' metric for a name: 'accuracy'/'acc' picks binary, sparse or categorical
    accuracy from the loss and the output's last dim (TF 1.15); the History name."""
    if name in ("accuracy", "acc"):
        last = output.shape.as_list()[-1] if output.shape.ndims else None
        if loss_fn is losses_mod.binary_crossentropy or last == 1:
            return metrics_mod.binary_accuracy, "acc"
        if loss_fn is losses_mod.sparse_categorical_crossentropy:
            return metrics_mod.sparse_categorical_accuracy, "acc"
        return metrics_mod.categorical_accuracy, "acc"
    if name in ("crossentropy", "ce"):
        return loss_fn, "ce"
    fn = metrics_mod.get(name)
    return fn, getattr(fn, "name", None) or fn.__name__


class TrainingMixin:
    """The training methods of gc.keras.Model."""

    def _init_training(self):
        self.optimizer, self._compile_args, self._compiled = None, None, False
        self._train_op, self.stop_training, self.history = None, False, None

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                **kwargs):
        """Set the optimizer (name, gc.keras optimizer or gc.train.Optimizer), the loss
        (name or function, one per output as a list or dict) and the metrics.

            model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        """
        if kwargs or sample_weight_mode or weighted_metrics or target_tensors:
            raise NotImplementedError(f"compile: {sorted(kwargs) or 'sample weights or '}"
                                      f"target_tensors are not supported")
        self.optimizer = optimizers.get(optimizer)
        self._compile_args = (loss, metrics, loss_weights)
        self._compiled, self._train_op = False, None
        if self.outputs:
            self._build_compiled()

    def _per_output(self, value, what, default=None):
        names = [K._state().history[id(o)][1].name for o in self.outputs]
        if isinstance(value, dict):
            return [value.get(n, default) for n in names]
        if isinstance(value, (list, tuple)) and what != "metrics":
            if len(value) != len(names):
                raise ValueError(f"When passing a list as {what}, it should have one entry "
                                 f"per model output. The model has {len(names)} outputs, "
                                 f"but you passed {what}={value}")
            return list(value)
        return [value] * len(names)

    def _build_compiled(self):
        loss, metrics, loss_weights = self._compile_args
        if loss is None:
            raise ValueError("compile: a `loss` is required")
        history = K._state().history
        names = [history[id(o)][1].name for o in self.outputs]
        loss_fns = [losses_mod.get(x) for x in self._per_output(loss, "loss")]
        weights = self._per_output(loss_weights, "loss_weights", 1.0) \
            if loss_weights is not None else [1.0] * len(names)
        metric_lists = [_as_list(m) for m in self._per_output(metrics, "metrics")] \
            if isinstance(metrics, dict) else [_as_list(metrics)] * len(names)
        self.targets, self._metric_tensors, self.metrics_names = [], [], ["loss"]
        multi = len(self.outputs) > 1
        out_losses = []
        with gc.name_scope("loss"):
            for out, name, fn, w in zip(self.outputs, names, loss_fns, weights):
                rank = out.shape.ndims
                target = gc.placeholder(out.dtype, (None,) * (rank or 1),
                                        name=f"{name}_target")
                self.targets.append(target)
                with gc.name_scope(f"{name}_loss"):
                    value = gc.reduce_mean(fn(target, out))
                out_losses.append(value if w == 1.0 else value * w)
                if multi:
                    self.metrics_names.append(f"{name}_loss")
                    self._metric_tensors.append(value)
            total = gc.add_n(out_losses) if multi else out_losses[0]
            reg = self.losses
            if reg:
                total = total + gc.add_n([gc.cast(r, total.dtype) for r in reg])
        self.total_loss = total
        with gc.name_scope("metrics"):
            for out, name, fn, target, mlist in zip(self.outputs, names, loss_fns,
                                                    self.targets, metric_lists):
                for m in mlist:
                    mfn, mname = _metric_fn(m, fn, out) if isinstance(m, str) else \
                        (m, getattr(m, "__name__", type(m).__name__))
                    with gc.name_scope(mname):
                        self._metric_tensors.append(gc.reduce_mean(mfn(target, out)))
                    self.metrics_names.append(f"{name}_{mname}" if multi else mname)
        self._compiled = True

    def _ensure_compiled(self, x=None):
        if self._compile_args is None:
            raise RuntimeError("You must compile your model before using it.")
        if not self.outputs and x is not None:
            self._build_from_data(_as_list(x)[0])
        if not self._compiled:
            self._build_compiled()

    def _training_op(self):
        if self._train_op is None:
            with gc.name_scope("training"):
                with gc.control_dependencies([self.total_loss] + self._metric_tensors):
                    step = self.optimizer.minimize(self.total_loss,
                                                   var_list=self.trainable_weights)
                    self._train_op = gc.group(step, *self.updates)
        return self._train_op

    # ---- data --------------------------------------------------------------------------
    def _standardize(self, x, y=None):
        xs = [np.asarray(a) for a in _as_list(x)]
        if len(xs) != len(self.inputs):
            raise ValueError(f"Error when checking model input: the list of Numpy arrays "
                             f"that you are passing to your model is not the size the "
                             f"model expected. Expected to see {len(self.inputs)} "
                             f"array(s), but instead got {len(xs)}")
        if y is None:
            return xs, None
        ys = []
        for a, t in zip(_as_list(y), self.targets):
            a = np.asarray(a)
            if a.ndim == 1 and t.shape.ndims and t.shape.ndims > 1:
                a = a[:, None]                      # Keras: 1-D targets become (n, 1)
            ys.append(a)
        if len(ys) != len(self.targets):
            raise ValueError(f"Expected {len(self.targets)} target arrays, got {len(ys)}")
        counts = {len(a) for a in xs + ys}
        if len(counts) > 1:
            raise ValueError(f"Input arrays should have the same number of samples as "
                             f"target arrays. Found sizes {sorted(counts)}.")
        return xs, ys

    def _feed(self, xs, ys, idx, phase):
        feed = {t: a[idx] for t, a in zip(self.inputs, xs)}
        if ys is not None:
            feed.update({t: a[idx] for t, a in zip(self.targets, ys)})
        lp = K._phase_tensor()
        if lp is not None:
            feed[lp] = phase
        return feed

    def _run_batches(self, xs, ys, batch_size, fetches, phase, index=None):
        """Run `fetches` batch by batch; the batch-size-weighted means of the results."""
        n = len(xs[0])
        index = np.arange(n) if index is None else index
        sess = K.get_session()
        totals, seen = None, 0
        for start in range(0, n, batch_size):
            idx = index[start:start + batch_size]
            vals = sess.run(fetches, self._feed(xs, ys, idx, phase))
            vals = np.array(vals, dtype=np.float64) * len(idx)
            totals = vals if totals is None else totals + vals
            seen += len(idx)
        return list(totals / max(seen, 1)) if totals is not None else []

    # ---- training ----------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None,
            validation_steps=None, **kwargs):
        """Train for `epochs` epochs; returns the History (loss, metrics and val_*).

            history = model.fit(xs, ys, batch_size=32, epochs=3, validation_split=0.2)
        """
        if class_weight is not None or sample_weight is not None or kwargs:
            raise NotImplementedError("fit: class_weight, sample_weight and "
                                      f"{sorted(kwargs)} are not supported")
        if isinstance(x, gc.data.Dataset):
            return self._fit_dataset(x, epochs, verbose, callbacks, steps_per_epoch,
                                     initial_epoch, validation_data)
        self._ensure_compiled(x)
        xs, ys = self._standardize(x, y)
        batch_size = batch_size or 32
        val = None
        if validation_data is not None:
            vx, vy = validation_data[:2]
            val = self._standardize(vx, vy)
        elif validation_split and 0.0 < validation_split < 1.0:
            split = int(len(xs[0]) * (1.0 - validation_split))
            val = ([a[split:] for a in xs], [a[split:] for a in ys])
            xs, ys = [a[:split] for a in xs], [a[:split] for a in ys]
        n = len(xs[0])
        fetches = [self.total_loss] + self._metric_tensors + [self._training_op()]

        def epoch_fn(epoch, cb):
            index = np.random.permutation(n) if shuffle is True else np.arange(n)
            totals, seen = None, 0
            for b, start in enumerate(range(0, n, batch_size)):
                idx = index[start:start + batch_size]
                cb.call("on_train_batch_begin", b, {"batch": b, "size": len(idx)})
                vals = K.get_session().run(fetches, self._feed(xs, ys, idx, True))[:-1]
                logs = dict(zip(self.metrics_names, (float(v) for v in vals)),
                            batch=b, size=len(idx))
                cb.call("on_train_batch_end", b, logs)
                vals = np.array(vals, dtype=np.float64) * len(idx)
                totals = vals if totals is None else totals + vals
                seen += len(idx)
                if self.stop_training:
                    break
            return list(totals / max(seen, 1)) if totals is not None else []
        return self._loop(epoch_fn, epochs, verbose, callbacks, initial_epoch, val,
                          batch_size, {"samples": n, "steps": None})

    def _fit_dataset(self, dataset, epochs, verbose, callbacks, steps, initial_epoch,
                     validation_data):
        if steps is None:
            raise ValueError("fit on a Dataset needs steps_per_epoch")
        next_batch = gc.data.make_one_shot_iterator(dataset).get_next()
        first = K.get_session().run(next_batch)
        pending = [first]
        self._ensure_compiled(first[0])
        fetches = [self.total_loss] + self._metric_tensors + [self._training_op()]
        val = None if validation_data is None else self._standardize(*validation_data[:2])

        def epoch_fn(epoch, cb):
            totals = None
            for b in range(steps):
                bx, by = pending.pop() if pending else K.get_session().run(next_batch)
                xs, ys = self._standardize(bx, by)
                cb.call("on_train_batch_begin", b, {"batch": b, "size": len(xs[0])})
                idx = np.arange(len(xs[0]))
                vals = K.get_session().run(fetches, self._feed(xs, ys, idx, True))[:-1]
                cb.call("on_train_batch_end", b, dict(zip(self.metrics_names, vals)))
                vals = np.array(vals, dtype=np.float64)
                totals = vals if totals is None else totals + vals
            return list(totals / steps)
        return self._loop(epoch_fn, epochs, verbose, callbacks, initial_epoch, val, 32,
                          {"samples": None, "steps": steps})

    def _loop(self, epoch_fn, epochs, verbose, callbacks, initial_epoch, val, batch_size,
              extra):
        self.history = cbks.History()
        names = list(self.metrics_names)
        if val is not None:
            names += ["val_" + m for m in self.metrics_names]
        params = {"batch_size": batch_size, "epochs": epochs, "verbose": verbose,
                  "do_validation": val is not None, "metrics": names, **extra}
        cb = cbks.CallbackList(_as_list(callbacks) + [self.history], self, params)
        self.stop_training = False
        cb.call("on_train_begin", None)
        for epoch in range(initial_epoch, epochs):
            cb.call("on_epoch_begin", epoch, {})
            logs = dict(zip(self.metrics_names, (float(v) for v in epoch_fn(epoch, cb))))
            if val is not None:
                vals = self._evaluate_arrays(val[0], val[1], batch_size)
                logs.update({"val_" + k: float(v) for k, v in zip(self.metrics_names,
                                                                   vals)})
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
                print(" - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
            cb.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        cb.call("on_train_end", None)
        return self.history

    def _evaluate_arrays(self, xs, ys, batch_size):
        fetches = [self.total_loss] + self._metric_tensors
        return self._run_batches(xs, ys, batch_size, fetches, False)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None):
        """The loss (and metrics) over the data, in the test phase: a scalar, or a list
        in the order of `model.metrics_names`."""
        if sample_weight is not None:
            raise NotImplementedError("evaluate: sample_weight is not supported")
        self._ensure_compiled(x)
        xs, ys = self._standardize(x, y)
        vals = [float(v) for v in self._evaluate_arrays(xs, ys, batch_size or 32)]
        return vals[0] if len(vals) == 1 else vals

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None):
        """The outputs for `x`, batch by batch, in the test phase (numpy arrays)."""
        if not self.outputs:
            self._build_from_data(_as_list(x)[0])
        xs, _ = self._standardize(x)
        batch_size = batch_size or 32
        sess, n = K.get_session(), len(xs[0])
        parts = []
        for start in range(0, n, batch_size):
            idx = np.arange(start, min(n, start + batch_size))
            parts.append(sess.run(self.outputs, self._feed(xs, None, idx, False)))
        outs = [np.concatenate([p[i] for p in parts]) for i in range(len(self.outputs))]
        return outs[0] if len(outs) == 1 else outs

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        """One training step on one batch: the loss (and metrics) before the update."""
        if sample_weight is not None or class_weight is not None:
            raise NotImplementedError("train_on_batch: sample and class weights are not "
                                      "supported")
        self._ensure_compiled(x)
        xs, ys = self._standardize(x, y)
        fetches = [self.total_loss] + self._metric_tensors + [self._training_op()]
        vals = K.get_session().run(fetches,
                                   self._feed(xs, ys, np.arange(len(xs[0])), True))[:-1]
        vals = [float(v) for v in vals]
        return vals[0] if len(vals) == 1 else vals

    def test_on_batch(self, x, y, sample_weight=None):
        """The loss (and metrics) of one batch in the test phase."""
        self._ensure_compiled(x)
        xs, ys = self._standardize(x, y)
        vals = [float(v) for v in self._run_batches(xs, ys, len(xs[0]),
                                                    [self.total_loss]
                                                    + self._metric_tensors, False)]
        return vals[0] if len(vals) == 1 else vals

    def predict_on_batch(self, x):
        """The outputs for one batch."""
        return self.predict(x, batch_size=len(_as_list(x)[0]))

    @property
    def metrics(self):
        return list(getattr(self, "metrics_names", [])[1:])
