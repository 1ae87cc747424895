"""Training from Python generators and keras.utils.Sequence objects (TF 1.15):
fit_generator, evaluate_generator, predict_generator, and fit/evaluate/predict given a
generator. Each step takes one batch (x, y) or (x, y, sample_weight); the epoch's loss
is the mean of the steps' losses (each step counts once) and each metric is
accumulated over the epoch, as TF 1.15's generator loops report them.

    def batches():
        while True:
            idx = np.random.randint(0, len(xs), 32)
            yield xs[idx], ys[idx]
    model.fit_generator(batches(), steps_per_epoch=20, epochs=3)

A gc.data.Dataset is read the same way, through one initializable iterator per dataset:
each evaluate, predict and validation pass starts a fresh pass over it and, with
steps=None, runs until the dataset ends (an infinite one needs steps, as in TF).
"""
import inspect
import itertools

import numpy as np

import graphc as gc
from . import backend as K
from . import callbacks as cbks
from .utils import Sequence

__all__ = ["GeneratorMixin", "is_generator"]


def is_generator(x):
    """Whether fit/evaluate/predict should read `x` batch by batch."""
    return inspect.isgenerator(x) or isinstance(x, (Sequence, gc.data.Dataset))


class DatasetPasses:
    """Passes over a gc.data.Dataset in the Keras session: `fresh()` (re)starts a pass
    and returns the callable giving its next batch (StopIteration at the end)."""

    def __init__(self, dataset):
        self.iterator = gc.data.make_initializable_iterator(dataset)
        self.get_next = self.iterator.get_next()
        self.cardinality = dataset.cardinality()

    def fresh(self):
        K.get_session().run(self.iterator.initializer)
        return self.batch

    def batch(self):
        try:
            return K.get_session().run(self.get_next)
        except gc.errors.OutOfRangeError:
            raise StopIteration from None

    def infinite(self):
        return K.get_session().run(self.cardinality) == -1


def dataset_passes(model, dataset, role="train"):
    """The model's DatasetPasses of `dataset` (one iterator per dataset, model and role:
    a dataset that is also the validation data gets its own iterator there, so its
    passes do not restart training's)."""
    cache = model.__dict__.setdefault("_dataset_passes", {})
    key = (id(dataset), role)
    if key not in cache:
        cache[key] = (dataset, DatasetPasses(dataset))
    return cache[key][1]


def _batches(source, model=None, shuffle=False):
    """A callable giving the next batch of a generator, iterator, Sequence or (a fresh
    pass over) a gc.data.Dataset; shuffle: each pass over a Sequence takes its batches
    in a new random order (tf_keras' OrderedEnqueuer, used when workers > 0)."""
    if isinstance(source, gc.data.Dataset):
        return dataset_passes(model, source).fresh()
    if isinstance(source, Sequence):
        state = {"i": 0, "order": list(range(len(source)))}

        def next_batch():
            k = state["i"] % len(source)
            if k == 0 and shuffle:
                np.random.shuffle(state["order"])
            state["i"] += 1
            return source[state["order"][k]]
        return next_batch
    it = iter(source)
    return lambda: next(it)


def _steps(source, steps, what, model=None):
    """The number of steps, or None: until a finite gc.data.Dataset ends."""
    if steps is not None:
        return int(steps)
    if isinstance(source, Sequence):
        return len(source)
    if isinstance(source, gc.data.Dataset):
        if dataset_passes(model, source).infinite():
            raise ValueError(f"When providing an infinite dataset, you must specify the "
                             f"number of steps to run (`{what}`).")
        return None
    raise ValueError(f"`{what}=None` is only valid for a generator based on the "
                     f"`keras.utils.Sequence` class. Please specify `{what}` or use the "
                     f"`keras.utils.Sequence` class.")


def _unpack(batch):
    if not isinstance(batch, tuple) or len(batch) not in (2, 3):
        raise ValueError(f"Output of generator should be a tuple `(x, y, sample_weight)` "
                         f"or `(x, y)`. Found: {batch}")
    return batch if len(batch) == 3 else batch + (None,)


class GeneratorMixin:
    """The generator methods of gc.keras.Model."""

    def _steps_epoch(self, next_batch, steps, fetches, phase, cb=None, class_weight=None,
                     first=None):
        """Run `steps` batches; the loss and metrics (_reduce); cb gets the
        on_train_batch_* (phase) or on_test_batch_* calls."""
        mode = "train" if phase else "test"
        self.reset_metrics()
        n_vals = 1 + len(self._metric_tensors)
        sess, vals, sizes = K.get_session(), [], []
        for b in (itertools.count() if steps is None else range(steps)):
            try:
                batch = first.pop() if first else next_batch()
            except StopIteration:
                if steps is not None and phase:     # TF1: warn, stop training there
                    from ..tf_logging import warning
                    warning("Your dataset iterator ran out of data; interrupting training. "
                            "Make sure that your iterator can generate at least "
                            "`steps_per_epoch * epochs` batches. You may need to use the "
                            "repeat() function when building your dataset.")
                    self.stop_training = True
                elif steps is not None:
                    raise ValueError(f"The data ended after {b} of {steps} steps") from None
                break
            x, y, sw = _unpack(batch)
            xs, ys, ws = self._standardize(x, y, sw, class_weight)
            idx = np.arange(len(xs[0]))
            if cb is not None:
                cb.call(f"on_{mode}_batch_begin", b, {"batch": b, "size": len(idx)})
            vals.append(sess.run(fetches, self._feed(xs, ys, idx, phase, ws))[:n_vals])
            sizes.append(len(idx))
            if cb is not None:
                logs = dict(zip(self.metrics_names, self._reduce(vals[-1:], [1])),
                            batch=b, size=len(idx))
                cb.call(f"on_{mode}_batch_end", b, logs)
                if phase and self.stop_training:
                    break
        # the loss: fit's (BaseLogger's) weighted by batch size, evaluate's a step mean
        return self._reduce(vals, sizes if phase else [1] * len(vals)) if vals else []

    def _fit_steps(self, next_batch, first, steps, epochs, verbose, callbacks,
                   initial_epoch, validation_data, validation_steps=None,
                   class_weight=None, on_epoch_end=None, validation_freq=1):
        """fit over `steps` batches per epoch of next_batch() (first: the first batch,
        already read to build the model)."""
        self._ensure_compiled(_unpack(first)[0])
        fetches = self._fetches(True)
        pending = [first]
        val, val_fn = self._validation(validation_data, validation_steps)

        def epoch_fn(epoch, cb):
            logs = self._steps_epoch(next_batch, steps, fetches, True, cb, class_weight,
                                     pending)
            if on_epoch_end is not None:
                on_epoch_end()
            return logs
        return self._loop(epoch_fn, epochs, verbose, callbacks, initial_epoch, val, 32,
                          {"samples": None, "steps": steps}, val_fn, validation_freq)

    def _validation(self, validation_data, validation_steps):
        """(arrays, None) for (x, y[, sample_weight]) validation data; (None, a function
        of the validation pass) for a generator, Sequence or Dataset (a fresh pass over
        a dataset each epoch)."""
        if validation_data is None:
            return None, None
        if not is_generator(validation_data):
            return self._standardize(*validation_data[:3]), None
        steps = _steps(validation_data, validation_steps, "validation_steps", self)
        if isinstance(validation_data, gc.data.Dataset):
            passes = dataset_passes(self, validation_data, "validation")
            return None, lambda: self._steps_epoch(passes.fresh(), steps,
                                                   self._fetches(False), False)
        batches = _batches(validation_data)
        return None, lambda: self._steps_epoch(batches, steps, self._fetches(False), False)

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      validation_freq=1, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        """fit on batches (x, y[, sample_weight]) from a generator, Sequence or
        gc.data.Dataset; steps_per_epoch defaults to len(sequence), or to one pass over
        a finite dataset (else the dataset's pass continues from epoch to epoch, as
        in TF). Batches are read in this thread (queues are accepted and ignored);
        with workers > 0 a Sequence is read as tf_keras' enqueuer reads it: in a
        shuffled order when `shuffle`, and its on_epoch_end called after each epoch;
        with workers=0 in order and without on_epoch_end, as tf_keras.

            model.fit_generator(batches(), steps_per_epoch=20, epochs=3)
        """
        steps = _steps(generator, steps_per_epoch, "steps_per_epoch", self)
        enqueued = isinstance(generator, Sequence) and workers > 0
        next_batch = _batches(generator, self, shuffle=bool(shuffle) and enqueued)
        end = generator.on_epoch_end if enqueued else None
        if isinstance(generator, gc.data.Dataset) and steps is None:
            end = dataset_passes(self, generator).fresh     # each epoch: one whole pass
        return self._fit_steps(next_batch, next_batch(), steps, epochs, verbose,
                               callbacks, initial_epoch, validation_data,
                               validation_steps, class_weight, end, validation_freq)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        """The loss (and metrics) over `steps` batches of a generator or Sequence (or
        over a gc.data.Dataset: to its end with steps=None)."""
        steps = _steps(generator, steps, "steps", self)
        next_batch = _batches(generator, self)
        first = next_batch()
        self._ensure_compiled(_unpack(first)[0])
        cb = cbks.CallbackList(list(callbacks), self, {
            "steps": steps, "verbose": verbose, "metrics": list(self.metrics_names)}) \
            if callbacks else None
        if cb is not None:
            cb.call("on_test_begin", None)
        vals = self._steps_epoch(next_batch, steps, self._fetches(False), False, cb=cb,
                                 first=[first])
        if cb is not None:
            cb.call("on_test_end", dict(zip(self.metrics_names, vals)))
        return vals[0] if len(vals) == 1 else vals

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                          workers=1, use_multiprocessing=False, verbose=0):
        """The outputs for `steps` batches of inputs (x, or (x, ...) tuples)."""
        steps = _steps(generator, steps, "steps", self)
        next_batch = _batches(generator, self)
        cb = cbks.CallbackList(list(callbacks), self, {"steps": steps, "verbose": verbose,
                                                       "metrics": []}) if callbacks else None
        if cb is not None:
            cb.call("on_predict_begin", None)
        parts = []
        for b in (itertools.count() if steps is None else range(steps)):
            try:
                batch = next_batch()
            except StopIteration:
                if steps is not None:
                    raise
                break
            x = batch[0] if isinstance(batch, tuple) else batch
            first = next(iter(x.values())) if isinstance(x, dict) else \
                x[0] if isinstance(x, (list, tuple)) else x
            n = len(np.asarray(first))
            if cb is not None:
                cb.call("on_predict_batch_begin", b, {"batch": b, "size": n})
            outs = self.predict(x, batch_size=n)
            parts.append(outs if isinstance(outs, list) else [outs])
            if cb is not None:
                cb.call("on_predict_batch_end", b, {"batch": b, "size": n, "outputs": outs})
        if cb is not None:
            cb.call("on_predict_end", None)
        outs = [np.concatenate([p[i] for p in parts]) for i in range(len(parts[0]))]
        return outs[0] if len(outs) == 1 else outs
