"""Datasets that pick among datasets or resample: choose_from_datasets,
sample_from_datasets, rejection_resample, and list_files (methods.py's entry points).

    ds = gc.data.Dataset.sample_from_datasets([a, b], weights=[0.75, 0.25], seed=1)
    ds = ds.rejection_resample(lambda x: gc.cast(x % 2, gc.int32), [0.5, 0.5], seed=2)

sample_from_datasets draws with numpy's generator from the op and graph seeds (TF's
rule of which seed applies, not TF's stream). rejection_resample is TF's algorithm
composed of datasets: acceptance probabilities from the (given or running-estimated)
class distribution, and a mix of the original stream with the filtered one.
"""
import numpy as np

from .. import dtypes
from ..graph import Tensor, get_default_graph
from ..ops.control import _common_shape
from ..ops.core import convert_to_tensor
from ..ops.random import get_seed
from ..ops.registry import constant_value
from ..shapes import TensorShape
from .dataset import INFINITE, UNKNOWN, Dataset, _invalid, _tensor_args, strict
from .specs import nested_leaves

__all__ = []


def _datasets(datasets):
    """The datasets as a list, checked to have one element structure and dtypes; the
    shapes they share (TF's most specific compatible ones)."""
    datasets = list(datasets)
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    for d in datasets:
        if not isinstance(d, Dataset):
            raise TypeError(f"Invalid `datasets`. `datasets` must be a list of `tf.data."
                            f"Dataset` objects, got {type(d).__name__}")
        nested_leaves(d, "Dataset.sample_from_datasets")
    first = datasets[0]
    if any(d._structure != first._structure or d._types != first._types for d in datasets):
        specs = "\n".join(f"Dataset {i} element_spec={d.element_spec}."
                          for i, d in enumerate(datasets))
        raise TypeError("Invalid `datasets`. `datasets` must have compatible element specs.\n "
                        + specs)
    shapes, dense = list(first._shapes), list(first._dense)
    for d in datasets[1:]:
        shapes = [_common_shape(a, b) for a, b in zip(shapes, d._shapes)]
        dense = [a.most_specific_compatible_shape(b) for a, b in zip(dense, d._dense)]
    return datasets, shapes, dense


class _Picked(Dataset):
    """Elements of `datasets` (the first len(datasets) parents) picked one at a time."""

    def __init__(self, datasets, extra, tensors=()):
        datasets, shapes, dense = _datasets(datasets)
        first = datasets[0]
        super().__init__(first._structure, first._types, shapes,
                         parents=tuple(datasets) + tuple(extra), tensors=tensors, dense=dense)
        self._n = len(datasets)

    def _cardinality(self, values, n):     # TF's: infinite if an input is, else unknown
        return INFINITE if INFINITE in n[:self._n] else UNKNOWN


class _Choose(_Picked):
    _saved = ("_n", "_stop")

    def __init__(self, datasets, choice, stop):
        super().__init__(datasets, (choice,))
        self._stop = bool(stop)

    def _iter(self, run):
        its = [d._iter(run) for d in self._parents[:self._n]]
        done = set()
        for choice in strict(self._parents[-1]._iter(run)):
            k = int(choice[0])
            if not 0 <= k < self._n:
                raise _invalid(self, f"Selector index out of range: {k} >= {self._n}")
            if k in done:
                continue
            element = next(its[k], None)
            if element is not None:
                yield element
                continue
            done.add(k)
            if self._stop or len(done) == self._n:
                return


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset):
    """Dataset.choose_from_datasets: see methods.py."""
    if not isinstance(choice_dataset, Dataset):
        raise TypeError(f"Invalid `choice_dataset`. `choice_dataset` must be a `tf.data."
                        f"Dataset` object, got {type(choice_dataset).__name__}")
    c = choice_dataset
    if c._structure is not None or c._types[0] is not dtypes.int64 or \
            not c._shapes[0].is_compatible_with(TensorShape(())):
        raise TypeError("Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar "
                        f"`tf.int64` tensors but are {c.element_spec}.")
    return _Choose(datasets, choice_dataset, stop_on_empty_dataset)


class _Sample(_Picked):
    _saved = ("_n", "_seed", "_stop", "_rerandomize", "_weights")

    def __init__(self, datasets, weights, seed, stop, rerandomize):
        extra = (weights,) if isinstance(weights, Dataset) else ()
        super().__init__(datasets, extra, tensors=_tensor_args(weights))
        self._weights = None if isinstance(weights, Dataset) else weights
        self._seed, self._stop, self._rerandomize = seed, bool(stop), bool(rerandomize)

    def _iter(self, run):
        epoch = run.started(self)
        base = list(self._seed) if self._seed is not None else run.entropy(self)
        rng = np.random.default_rng(base + [epoch if self._rerandomize else 0])
        its = [d._iter(run) for d in self._parents[:self._n]]
        weighed = (strict(self._parents[self._n]._iter(run)) if len(self._parents) > self._n
                   else None)
        fixed = np.ones(self._n) if self._weights is None else \
            np.asarray(run.values[self._weights], np.float64)
        active = np.ones(self._n)
        while True:
            w = fixed
            if weighed is not None:
                w = next(weighed, None)
                if w is None:
                    return
                w = np.asarray(w[0], np.float64).reshape(-1)
            if w.shape != (self._n,) or not np.all(np.isfinite(w)) or np.any(w < 0):
                raise _invalid(self, f"sample_from_datasets: weights must be {self._n} finite "
                                     f"non-negative numbers, got {w}")
            p = w if self._stop else w * active
            if p.sum() <= 0:                # no dataset with weight is left
                return
            k = int(rng.choice(self._n, p=p / p.sum()))
            element = next(its[k], None)
            if element is not None:
                yield element
            elif self._stop:
                return
            else:
                active[k] = 0


def sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset, rerandomize):
    """Dataset.sample_from_datasets: see methods.py."""
    datasets = list(datasets)
    n = len(datasets)
    if weights is not None and not isinstance(weights, (Dataset, Tensor)):
        w = np.asarray(weights, np.float64)
        if w.ndim != 1 or len(w) != n:
            raise ValueError("Invalid `weights`. `weights` should have the same length as "
                             f"`datasets` but got `len(weights)={w.size}` vs. "
                             f"`len(datasets)={n}`.")
        kept = [(d, x) for d, x in zip(datasets, w) if x > 0]    # TF drops zero weights
        datasets, w = ([d for d, _ in kept], [x for _, x in kept]) if kept else \
            ([datasets[0].take(0)], [1.0]) if datasets else ([], [])
        weights = convert_to_tensor(np.asarray(w, np.float32), name="weights")
    elif isinstance(weights, Tensor) and (
            not weights.dtype.is_floating or weights.shape.rank not in (1, None)
            or not weights.shape.is_compatible_with(TensorShape((n,)))):
        raise ValueError(f"Invalid `weights`. `weights` must be a float vector of length {n}, "
                         f"got {weights!r}")
    if len(datasets) == 1 and isinstance(datasets[0], Dataset):
        return datasets[0]          # TF's shortcut: one dataset (with weight) is itself
    return _Sample(datasets, weights, get_seed(get_default_graph(), seed),
                   stop_on_empty_dataset, rerandomize)


# ---- rejection_resample ----------------------------------------------------------------------
def _acceptance(initial, target):
    """(per-class acceptance probabilities, probability of taking the original element):
    TF's mixing of rejection sampling with the original stream."""
    import graphc as gc
    ratio = target / (initial + np.finfo(np.float32).tiny)
    most, least = gc.reduce_max(ratio), gc.reduce_min(ratio)
    return (ratio - least) / (most - least), least


def _estimated(target, classes, num_classes, batch=32, smoothing=10):
    """A dataset of running estimates of the class distribution: per block of `batch`
    class values, the counts so far (from `smoothing` each) normalized, for each value."""
    import graphc as gc

    def update(counts, c):
        counts = counts + gc.reduce_sum(gc.one_hot(c, num_classes, dtype=gc.int64), 0)
        dist = gc.cast(counts, gc.float32) / gc.cast(gc.reduce_sum(counts), gc.float32)
        return counts, gc.tile(gc.expand_dims(dist, 0), [batch, 1])
    start = np.full([num_classes], smoothing, np.int64)
    return classes.batch(batch).scan(start, update).unbatch()


def rejection_resample(ds, class_func, target_dist, initial_dist, seed):
    """Dataset.rejection_resample: see methods.py."""
    import graphc as gc
    target_given = convert_to_tensor(target_dist, name="target_dist")
    target = gc.cast(target_given, gc.float32)
    num_classes = target.shape._dims[0] if target.shape.rank == 1 else None
    if not isinstance(num_classes, int):
        raise ValueError("Dataset.rejection_resample: target_dist must be a vector of a "
                         f"known length, got {target!r}")

    def classify(x):
        return class_func(*x) if isinstance(x, tuple) else class_func(x)

    static = None
    if initial_dist is not None:
        given = convert_to_tensor(initial_dist, name="initial_dist")
        initial = gc.cast(given, gc.float32)
        accept, original = _acceptance(initial, target)
        initial_ds = Dataset.from_tensors(initial).repeat()
        accept_ds, original_ds = (Dataset.from_tensors(t).repeat() for t in (accept, original))
        i, t = constant_value(given), constant_value(target_given)
        if i is not None and t is not None:     # TF's static shortcut: no mixing needed
            static = float(np.min(np.asarray(t, np.float64) / np.asarray(i, np.float64)))
    else:
        initial_ds = _estimated(target, ds.map(classify), num_classes)
        mixed = initial_ds.map(lambda d: _acceptance(d, target))
        accept_ds, original_ds = mixed.map(lambda a, m: a), mixed.map(lambda a, m: m)

    def gathered(accept, x):
        c = classify(x)
        return c, gc.gather(accept, c), x
    filtered = (Dataset.zip((accept_ds, ds)).map(gathered)
                .filter(lambda c, p, x: gc.random_uniform([], seed=seed, dtype=p.dtype) < p)
                .map(lambda c, p, x: (c, x)))
    with_class = ds.map(lambda *x: (classify(x[0] if len(x) == 1 else x), x[0] if len(x) == 1
                                    else x))
    if static == 1:
        return with_class
    if static == 0:
        return filtered
    weights = original_ds.map(lambda m: gc.stack([m, 1.0 - m]))
    return Dataset.sample_from_datasets([with_class, filtered], weights=weights, seed=seed,
                                        stop_on_empty_dataset=True)


# ---- list_files ---------------------------------------------------------------------------------
def list_files(file_pattern, shuffle, seed):
    """Dataset.list_files: see methods.py."""
    import graphc as gc
    with gc.name_scope("list_files"):
        pattern = convert_to_tensor(file_pattern, dtype=dtypes.string, name="file_pattern")
        files = gc.io.matching_files(pattern)
        message = gc.strings.join(["No files matched pattern: ", gc.strings.reduce_join(
            pattern, separator=", ")], name="message")
        found = gc.greater(gc.size(files, out_type=gc.int64), np.int64(0))
        check = gc.Assert(found, [message], summarize=1, name="assert_not_empty")
        with gc.control_dependencies([check]):
            files = gc.identity(files)
        ds = Dataset.from_tensor_slices(files)
        if shuffle is None or shuffle:
            ds = ds.shuffle(gc.size(files, out_type=gc.int64), seed=seed)
    return ds
