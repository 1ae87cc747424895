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
from . import training_weights as tw
from . import training_standardize as std
from .losses_classes import SparseCategoricalCrossentropy
from .losses_classes import _per_sample as per_sample_loss
from .metrics_classes import Mean, MeanMetricWrapper, Metric
from .training_generator import GeneratorMixin, is_generator
from .callbacks_more import TestProgbar

__all__ = ["TrainingMixin"]


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _validates(freq, epoch):
    """Whether epoch (from 0) validates: every `freq` epochs, or those listed (from 1)."""
    if isinstance(freq, int):
        if freq < 1:
            raise ValueError(f"`validation_freq` can not be less than 1, got {freq}")
        return (epoch + 1) % freq == 0
    return epoch + 1 in freq


def _metric_fn(name, loss_fn, output):
    """Keras' metric for a name: 'accuracy'/'acc' picks binary, sparse or categorical
    accuracy from the loss and the output's last dim (TF 1.15); the History name."""
    if name in ("accuracy", "acc"):
        last = output.shape.as_list()[-1] if output.shape.ndims else None
        loss_fn = getattr(loss_fn, "fn", None) or loss_fn     # a Loss object's function
        if loss_fn is losses_mod.binary_crossentropy or last == 1:
            return metrics_mod.binary_accuracy, "acc"
        if loss_fn is losses_mod.sparse_categorical_crossentropy:
            return metrics_mod.sparse_categorical_accuracy, "acc"
        return metrics_mod.categorical_accuracy, "acc"
    if name in ("crossentropy", "ce"):
        return loss_fn, "ce"
    fn = metrics_mod.get(name)
    return fn, getattr(fn, "name", None) or fn.__name__


def _per_output_metrics(metrics, names, what):
    """One list of metrics per output (tf_keras' collect_per_output_metric_info): a
    list of lists gives one per output, a dict one per output name, a flat list all to
    each; with several outputs each gets its own copy of a metric object."""
    if not metrics:
        return [[] for _ in names]
    if isinstance(metrics, dict):
        extra = sorted(set(metrics) - set(names))
        if extra:
            raise ValueError(f"Unknown entries in {what} dictionary: {extra}. Only "
                             f"expected following keys: {names}")
        lists = [_as_list(metrics.get(n, [])) for n in names]
    elif isinstance(metrics, (list, tuple)) and any(isinstance(m, (list, tuple))
                                                   for m in metrics):
        if len(metrics) != len(names):
            raise ValueError(f"When passing a list of lists as `{what}`, it should have "
                             f"one entry per model output. The model has {len(names)} "
                             f"outputs, but you passed {what}={metrics}")
        lists = [_as_list(m) for m in metrics]
    else:
        lists = [_as_list(metrics) for _ in names]
    if len(names) > 1:
        lists = [[_clone_metric(m) for m in ms] for ms in lists]
    return lists


def _is_sparse_loss(loss):
    """Whether a compiled loss takes integer class targets (sparse_categorical_crossentropy
    or a SparseCategoricalCrossentropy object: tf_keras' feed_output_shape rule)."""
    return isinstance(loss, SparseCategoricalCrossentropy) or \
        getattr(loss, "fn", loss) is losses_mod.sparse_categorical_crossentropy


def _to_target_rank(a, target, sparse):
    """A target array with its placeholder's rank where TF1 feeds it unchecked (graphc
    checks each feed's rank): a rank-1 output's (n, 1) targets lose the axis the 1-D
    rule gave them; a sparse loss's integer targets, which it flattens, get or lose
    their trailing axes ((batch, time) for a (batch, time, classes) output)."""
    rank = target.shape.ndims
    if rank is None or a.ndim == rank:
        return a
    if rank == 1 and a.ndim == 2 and a.shape[1] == 1:
        return a[:, 0]
    if sparse and a.ndim == rank - 1:
        return a[..., None]
    if sparse and rank > 1 and a.ndim > rank:
        return a.reshape(a.shape[:rank - 1] + (-1,))
    return a


def _clone_metric(m):
    """A fresh metric object with m's configuration (tf_keras' clone_metric)."""
    if not isinstance(m, Metric):
        return m
    if type(m) is MeanMetricWrapper:
        return MeanMetricWrapper(m._fn, name=m.name, dtype=m.dtype, **m._fn_kwargs)
    return type(m).from_config(m.get_config())


class TrainingMixin(GeneratorMixin):
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
        if kwargs:
            raise NotImplementedError(f"compile: {sorted(kwargs)} not supported")
        self._target_tensors = target_tensors   # tensors for the targets (TF1 pipelines)
        from .mixed_precision import wrap_for_policy     # mixed_float16: loss scaling
        self.optimizer = wrap_for_policy(self, optimizers.get(optimizer))
        self._compile_args = (loss, metrics, loss_weights, sample_weight_mode,
                              weighted_metrics)
        self._compiled, self._train_op = False, None
        self._collected_trainable = None     # the weights to train: fixed when compiled
        if self.outputs:
            self._build_compiled()

    def _output_names(self):
        """The names of the layers making the outputs (Keras' output names), made
        unique as tf_keras does: two outputs of layer 'enc' are 'enc' and 'enc_1'."""
        names, counts = [], {}
        for o in self.outputs:
            name = proposal = K._state(o.graph).history[id(o)][1].name
            while proposal in names:
                counts[name] = counts.get(name, 1) + 1
                proposal = f"{name}_{counts[name] - 1}"
            names.append(proposal)
        return names

    @property
    def input_names(self):
        """The names of the layers making the inputs (Keras' input names)."""
        history = K._state().history
        return [history[id(t)][1].name if id(t) in history else t.op.name
                for t in self.inputs]

    output_names = property(_output_names)

    @staticmethod
    def _by_name(data, names, what):
        """A dict of arrays keyed by input / output names as a list in `names`' order
        (tf_keras' errors for a missing or an unknown key)."""
        if not isinstance(data, dict):
            return data
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"No data provided for \"{missing[0]}\". Need data for each "
                             f"key in: {names}")
        extra = sorted(set(data) - set(names))
        if extra:
            raise ValueError(f"Unknown entries in {what} dictionary: {extra}. Only expected "
                             f"following keys: {names}")
        return [data[n] for n in names]

    def _per_output(self, value, what, default=None):
        names = self._output_names()
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
        loss, metrics, loss_weights, sw_mode, weighted = self._compile_args
        if getattr(self, "_collected_trainable", None) is None:
            # tf_keras: the trainable weights when compiled (built) are trained, even if
            # `trainable` changes later (the GAN idiom: compile D, freeze it, compile GAN)
            self._collected_trainable = list(self.trainable_weights)
        names = self._output_names()
        # Loss objects: their call(); an output without a loss gets no target (its
        # model is trained on add_loss's losses alone, as the Keras VAE example)
        given_losses = [losses_mod.get(x) for x in self._per_output(loss, "loss")]
        loss_fns = [None if x is None else per_sample_loss(x) for x in given_losses]
        if all(fn is None for fn in loss_fns) and not self.losses:
            raise ValueError("The model cannot be compiled because it has no loss to "
                             "optimize.")
        weights = self._per_output(loss_weights, "loss_weights", 1.0) \
            if loss_weights is not None else [1.0] * len(names)
        modes = tw.per_output(sw_mode, names, "sample_weight_mode")
        metric_lists = _per_output_metrics(metrics, names, "metrics")
        weighted_lists = _per_output_metrics(weighted, names, "weighted_metrics")
        self.targets, self.sample_weights = [], []
        self._metric_objects, self._metric_tensors = [], []
        self._loss_means = []
        self.metrics_names = ["loss"]
        multi = len(self.outputs) > 1
        kept = [i for i, fn in enumerate(loss_fns) if fn is not None]
        self._loss_outputs = kept               # the outputs with a target
        self._target_losses = [given_losses[i] for i in kept]
        self._sparse_targets = [_is_sparse_loss(given_losses[i]) for i in kept]
        given = getattr(self, "_target_tensors", None)
        given = self._per_output(given, "target_tensors") if given is not None else \
            [None] * len(names)
        # the targets fed from y (tf_keras' feedable ones): not those given as tensors
        self._fed_targets = [j for j, i in enumerate(kept) if given[i] is None]
        self._sample_weight_modes = [modes[i] for i in kept]
        out_losses = []
        with gc.name_scope("loss"):
            for out, name, fn, w, mode, tt in zip(self.outputs, names, loss_fns, weights,
                                                  modes, given):
                if fn is None:
                    continue
                rank = out.shape.ndims
                target = gc.placeholder(out.dtype, (None,) * (rank or 1),
                                        name=f"{name}_target") if tt is None else \
                    gc.convert_to_tensor(tt)
                self.targets.append(target)
                w_rank = 2 if mode == "temporal" else 1
                ones = gc.ones(gc.shape(out)[:w_rank], K.floatx())
                sw = gc.placeholder_with_default(ones, (None,) * w_rank,
                                                 name=f"{name}_sample_weights")
                self.sample_weights.append(sw)
                with gc.name_scope(f"{name}_loss"):
                    value = tw.weighted_loss(fn(target, out), sw, K.get_mask(out))
                out_losses.append(value if w == 1.0 else value * w)
                if multi:      # TF 1.15: a Mean of the batches' losses, unweighted
                    self._add_metric(Mean(name=f"{name}_loss"), value, of_loss=True)
            reg = tw.own_feeds_only(self, self.losses)
            total = gc.add_n(out_losses) if len(out_losses) > 1 else \
                out_losses[0] if out_losses else None
            if reg:
                dtype = total.dtype if total is not None else K.floatx()
                extra = gc.add_n([gc.cast(r, dtype) for r in reg])
                total = extra if total is None else total + extra
        self.total_loss = total
        with gc.name_scope("metrics"):
            for j, i in enumerate(kept):
                out, name, fn, target = self.outputs[i], names[i], loss_fns[i], \
                    self.targets[j]
                mask = K.get_mask(out)
                todo = [(m, None, "") for m in metric_lists[i]] + \
                    [(m, self.sample_weights[j], "weighted_") for m in weighted_lists[i]]
                for m, sw, prefix in todo:
                    if isinstance(m, str) and m in metrics_mod._CLASSES:
                        m = metrics_mod.get(m)
                    if isinstance(m, Metric):
                        mname = prefix + m.name
                        if multi:       # a clone of the user's (tf_keras renames it)
                            m.name = f"{name}_{mname}"
                    else:    # TF1's Keras wraps a function in a stateful Mean of it
                        mfn, mname = _metric_fn(m, fn, out) if isinstance(m, str) else \
                            (m, getattr(m, "__name__", None) or m.name)
                        mname = prefix + mname
                        with gc.name_scope(mname):
                            m = MeanMetricWrapper(mfn, name=f"{name}_{mname}" if multi
                                                  else mname)
                    with gc.name_scope(mname):
                        self._metric_tensors.append(tw.stateful_part(m, target, out, sw,
                                                                     mask))
                    self._metric_objects.append(m)
                    self.metrics_names.append(f"{name}_{mname}" if multi else mname)
            for mname, value, metric in self._all_added_metrics():   # add_metric's
                if metric is None:      # a Mean of all its elements over the batches
                    self._add_metric(Mean(name=mname), value)
                else:
                    self._metric_objects.append(metric)
                    self._metric_tensors.append(value)
                    self.metrics_names.append(mname)
        self._compiled = True

    def _add_metric(self, metric, values, of_loss=False):
        """A Mean-like metric object updated with `values` at each run (an output's
        loss's is not one of model.metrics, as in tf_keras)."""
        with gc.name_scope(metric.name):
            update = metric.update_state(gc.cast(values, K.floatx()))
            with gc.control_dependencies([update]):
                self._metric_tensors.append(gc.identity(metric.result()))
        (self._loss_means if of_loss else self._metric_objects).append(metric)
        self.metrics_names.append(metric.name)

    def _fetches(self, train):
        """The total loss and each metric's running result; with the training op last
        when `train` (the stateful RNNs' updates otherwise)."""
        flat = [self.total_loss] + self._metric_tensors
        return flat + ([self._training_op()] if train else self._state_update_ops())

    def _state_update_ops(self):
        ups = self.state_updates
        return [gc.group(*ups)] if ups else []

    def _reduce(self, vals, sizes):
        """The loss averaged over the batches by batch size; the metrics' results
        after the last batch (Keras' stateful metrics accumulate over the batches)."""
        vals = np.asarray(vals, dtype=np.float64)
        sizes = np.asarray(sizes, dtype=np.float64)
        return [float((vals[:, 0] * sizes).sum() / max(sizes.sum(), 1))] + \
            [float(v) for v in vals[-1, 1:]]

    def reset_metrics(self):
        """Zero the metrics' totals (fit does at each epoch, evaluate at its start,
        train_on_batch and test_on_batch after each batch unless reset_metrics=False)."""
        for m in getattr(self, "_loss_means", []) + getattr(self, "_metric_objects", []):
            m.reset_states()


    def _ensure_compiled(self, x=None):
        if self._compile_args is None:
            raise RuntimeError("You must compile your model before using it.")
        if not self.outputs and x is not None:
            self._build_from_data(x)
        if not self._compiled:
            self._build_compiled()

    def _training_op(self):
        if self._train_op is None:
            with gc.name_scope("training"):
                with gc.control_dependencies([self.total_loss] + self._metric_tensors):
                    step = self._optimizer_step()
                    self._train_op = gc.group(step, *tw.own_feeds_only(self, self.updates))
        return self._train_op

    def _optimizer_step(self):
        """A Keras optimizer steps through get_updates, as tf_keras' v1 fit does, so a
        trainable weight the loss does not reach is an error; a TF1 optimizer
        minimizes (skipping such weights)."""
        params = self._collected_trainable
        if params and isinstance(self.optimizer, optimizers._KerasHypers):
            return self.optimizer.get_updates(self.total_loss, params)[0]
        return self.optimizer.minimize(self.total_loss, var_list=params)

    # ---- data --------------------------------------------------------------------------
    def _standardize(self, x, y=None, sample_weight=None, class_weight=None):
        """(inputs, targets, weights) as lists of arrays, checked before anything runs
        as tf_keras' v1 _standardize_user_data does (training_standardize.py); targets
        and weights hold one array (or None weights) per target fed from y."""
        xs = std.standardize_input_data(self._by_name(x, self.input_names, "data"),
                                        self.input_names,
                                        [K.int_shape(t) for t in self.inputs], "input")
        if y is None:
            return xs, None, None
        out_names = self._output_names()
        fed = self._fed_targets
        names = [out_names[self._loss_outputs[j]] for j in fed]
        ys = std.standardize_input_data(y, names, None, "target")
        sws = std.standardize_sample_or_class_weights(sample_weight, names, "sample_weight")
        cws = std.standardize_sample_or_class_weights(class_weight, names, "class_weight")
        ws = [tw.standardize_weights(a, s, c, self._sample_weight_modes[j]) for
              a, s, c, j in zip(ys, sws, cws, fed)]
        std.check_array_lengths(xs, ys, ws)
        if self._graph_network:         # (tf_keras: not for a subclassed model)
            outs = [self.outputs[self._loss_outputs[j]] for j in fed]
            std.check_loss_and_target_compatibility(
                ys, [self._target_losses[j] for j in fed], [K.int_shape(o) for o in outs])
        ys = [_to_target_rank(a, self.targets[j], self._sparse_targets[j])
              for a, j in zip(ys, fed)]
        return xs, ys, ws

    def _feed(self, xs, ys, idx, phase, ws=None):
        feed = {t: a[idx] for t, a in zip(self.inputs, xs)}
        if ys is not None:
            for j, a, w in zip(self._fed_targets, ys, ws or [None] * len(ys)):
                feed[self.targets[j]] = a[idx]
                if w is not None:
                    feed[self.sample_weights[j]] = w[idx]
        lp = K._phase_tensor()
        if lp is not None:
            feed[lp] = phase
        return feed

    def _run_batches(self, data, batch_size, fetches, phase, index=None, cb=None,
                     reset=True, mode="train"):
        """Run `fetches` batch by batch; the loss and metrics (see _reduce); cb gets
        the on_<mode>_batch_* calls."""
        if reset:
            self.reset_metrics()
        xs, ys, ws = data
        n = len(xs[0])
        index = np.arange(n) if index is None else index
        sess = K.get_session()
        vals, sizes = [], []
        for b, start in enumerate(range(0, n, batch_size)):
            idx = index[start:start + batch_size]
            if cb is not None:
                cb.call(f"on_{mode}_batch_begin", b, {"batch": b, "size": len(idx)})
            out = sess.run(fetches, self._feed(xs, ys, idx, phase, ws))
            vals.append(out[:1 + len(self._metric_tensors)])
            sizes.append(len(idx))
            if cb is not None:
                logs = dict(zip(self.metrics_names, self._reduce(vals[-1:], [1])),
                            batch=b, size=len(idx))
                cb.call(f"on_{mode}_batch_end", b, logs)
                if mode == "train" and self.stop_training:
                    break
        return self._reduce(vals, sizes) if vals else []

    # ---- training ----------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None,
            validation_steps=None, validation_freq=1, max_queue_size=10, workers=1,
            use_multiprocessing=False, **kwargs):
        """Train for `epochs` epochs; returns the History (loss, metrics and val_*).
        sample_weight: per sample (per timestep with sample_weight_mode="temporal");
        class_weight: {class: weight}; validation_data may be (x, y, sample_weight).
        validation_freq: validate every n epochs, or at the epochs (from 1) in a list.
        max_queue_size and use_multiprocessing are accepted and ignored: batches are
        read in this thread; workers and shuffle act on a Sequence as in fit_generator.

            history = model.fit(xs, ys, batch_size=32, epochs=3, validation_split=0.2)
        """
        if kwargs:
            raise NotImplementedError(f"fit: {sorted(kwargs)} are not supported")
        if is_generator(x):
            return self.fit_generator(x, steps_per_epoch, epochs, verbose, callbacks,
                                      validation_data, validation_steps,
                                      validation_freq=validation_freq,
                                      class_weight=class_weight, workers=workers,
                                      shuffle=shuffle, initial_epoch=initial_epoch)
        self._ensure_compiled(x)
        xs, ys, ws = self._standardize(x, y, sample_weight, class_weight)
        batch_size = batch_size or 32
        val, val_fn = self._validation(validation_data, validation_steps)
        if validation_data is None and validation_split and 0.0 < validation_split < 1.0:
            split = int(len(xs[0]) * (1.0 - validation_split))
            cut = [lambda arrs, sl=sl: [None if a is None else a[sl] for a in arrs]
                   for sl in (slice(split, None), slice(None, split))]
            val = tuple(cut[0](part) for part in (xs, ys, ws))
            xs, ys, ws = (cut[1](part) for part in (xs, ys, ws))
        n = len(xs[0])
        if verbose and val is not None:     # (TF 1.15's _print_train_info)
            print(f"Train on {n} samples, validate on {len(val[0][0])} samples")
        fetches = self._fetches(True)

        def epoch_fn(epoch, cb):
            index = np.random.permutation(n) if shuffle is True and \
                getattr(self, "_target_tensors", None) is None else np.arange(n)  # (targets
            #                                         given as tensors: rows stay aligned)
            return self._run_batches((xs, ys, ws), batch_size, fetches, True, index, cb)
        return self._loop(epoch_fn, epochs, verbose, callbacks, initial_epoch, val,
                          batch_size, {"samples": n, "steps": None}, val_fn,
                          validation_freq)

    def _loop(self, epoch_fn, epochs, verbose, callbacks, initial_epoch, val, batch_size,
              extra, val_fn=None, validation_freq=1):
        self.history = cbks.History()
        names = list(self.metrics_names)
        if val is not None or val_fn is not None:
            names += ["val_" + m for m in self.metrics_names]
        params = {"batch_size": batch_size, "epochs": epochs, "verbose": verbose,
                  "do_validation": names != self.metrics_names, "metrics": names, **extra}
        bar = [cbks.ProgbarLogger("samples" if extra.get("samples") else "steps",
                                  stateful_metrics=self.metrics_names[1:])] if verbose else []
        cb = cbks.CallbackList(_as_list(callbacks) + [self.history] + bar, self, params)
        self.stop_training = False
        cb.call("on_train_begin", None)
        for epoch in range(initial_epoch, epochs):
            cb.call("on_epoch_begin", epoch, {})
            logs = dict(zip(self.metrics_names, (float(v) for v in epoch_fn(epoch, cb))))
            if (val is not None or val_fn is not None) and not self.stop_training and \
                    _validates(validation_freq, epoch):       # (TF1: none once stopped)
                cb.call("on_test_begin", None)              # (TF1's hooks)
                vals = val_fn() if val_fn is not None else \
                    self._run_batches(val, batch_size, self._fetches(False), False, cb=cb,
                                      mode="test")
                cb.call("on_test_end", dict(zip(self.metrics_names, vals)))
                logs.update({"val_" + k: float(v) for k, v in zip(self.metrics_names,
                                                                   vals)})
            cb.call("on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        cb.call("on_train_end", None)
        return self.history

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None, callbacks=None, max_queue_size=10, workers=1,
                 use_multiprocessing=False):
        """The loss (and metrics) over the data, in the test phase: a scalar, or a list
        in the order of `model.metrics_names`."""
        if is_generator(x):
            return self.evaluate_generator(x, steps, callbacks=callbacks)
        self._ensure_compiled(x)
        data = self._standardize(x, y, sample_weight)
        bar = [TestProgbar(stateful_metrics=self.metrics_names[1:])] if verbose else []
        cb = cbks.CallbackList(_as_list(callbacks) + bar, self, {
            "batch_size": batch_size or 32, "verbose": verbose, "samples": len(data[0][0]),
            "steps": steps, "epochs": 1, "metrics": list(self.metrics_names)}) \
            if callbacks or bar else None
        if cb is not None:
            cb.call("on_test_begin", None)
        vals = self._run_batches(data, batch_size or 32, self._fetches(False), False, cb=cb,
                                 mode="test")
        if cb is not None:
            cb.call("on_test_end", dict(zip(self.metrics_names, vals)))
        return vals[0] if len(vals) == 1 else vals

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None,
                max_queue_size=10, workers=1, use_multiprocessing=False):
        """The outputs for `x`, batch by batch, in the test phase (numpy arrays)."""
        if is_generator(x):
            return self.predict_generator(x, steps)
        if not self.outputs:
            self._build_from_data(x)
        xs, _, _ = self._standardize(x)
        batch_size = batch_size or 32
        sess, n = K.get_session(), len(xs[0])
        ups = self._state_update_ops()
        cb = cbks.CallbackList(_as_list(callbacks), self, {
            "batch_size": batch_size, "verbose": verbose, "samples": n, "steps": steps,
            "metrics": []}) if callbacks else None
        if cb is not None:
            cb.call("on_predict_begin", None)
        parts = []
        # no samples: one empty batch, so the outputs keep their shapes (0, ...)
        for b, start in enumerate(range(0, n, batch_size) or [0]):
            idx = np.arange(start, min(n, start + batch_size))
            if cb is not None:
                cb.call("on_predict_batch_begin", b, {"batch": b, "size": len(idx)})
            outs = sess.run(self.outputs + ups, self._feed(xs, None, idx, False))
            parts.append(outs[:len(self.outputs)])
            if cb is not None:
                got = parts[-1][0] if len(self.outputs) == 1 else parts[-1]
                cb.call("on_predict_batch_end", b, {"batch": b, "size": len(idx),
                                                    "outputs": got})
        if cb is not None:
            cb.call("on_predict_end", None)
        outs = [np.concatenate([p[i] for p in parts]) for i in range(len(self.outputs))]
        return outs[0] if len(outs) == 1 else outs

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None,
                       reset_metrics=True):
        """One training step on one batch: the loss before the update and the metrics
        (those of this batch, or with reset_metrics=False, of all batches since the
        last reset)."""
        self._ensure_compiled(x)
        data = self._standardize(x, y, sample_weight, class_weight)
        return self._on_batch(data, True, reset_metrics)

    def test_on_batch(self, x, y, sample_weight=None, reset_metrics=True):
        """The loss (and metrics, as train_on_batch's) of one batch in the test phase."""
        self._ensure_compiled(x)
        data = self._standardize(x, y, sample_weight)
        return self._on_batch(data, False, reset_metrics)

    def _on_batch(self, data, train, reset_metrics):
        vals = self._run_batches(data, len(data[0][0]), self._fetches(train), train,
                                 reset=False)
        if reset_metrics:
            self.reset_metrics()
        return vals[0] if len(vals) == 1 else vals

    def predict_on_batch(self, x):
        """The outputs for one batch."""
        return self.predict(x, batch_size=len(_as_list(x)[0]))

    @property
    def metrics(self):
        """The metric objects of compile and add_metric, in metrics_names' order (a
        function metric is a MeanMetricWrapper of it, as in TF1's Keras)."""
        return list(getattr(self, "_metric_objects", []))
