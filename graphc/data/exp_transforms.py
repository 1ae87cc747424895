"""tf.data.experimental's transformations graphc builds of its own datasets (each returns
a function for Dataset.apply): map_and_batch, parallel_interleave, shuffle_and_repeat,
group_by_reducer (with Reducer), assert_cardinality, copy_to_device and
prefetch_to_device, pad_to_cardinality; and from_list, a dataset of a list of elements.

    ds = ds.apply(gc.data.experimental.map_and_batch(lambda x: x * 2, 32))
    ds = ds.apply(gc.data.experimental.assert_cardinality(10))
"""
import numpy as np

from .. import dtypes, errors
from ..ops.control import _unflatten
from ..shapes import TensorShape
from .dataset import Dataset, Failed, _count, _tensor_args, _value, strict
from .functions import _Function
from .nested import _relaxed, _Spec
from .structure import shown, to_tensors

__all__ = ["map_and_batch", "parallel_interleave", "shuffle_and_repeat", "Reducer",
           "group_by_reducer", "assert_cardinality", "copy_to_device", "prefetch_to_device",
           "from_list", "pad_to_cardinality"]


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    """map(map_func) then batch(batch_size, drop_remainder), fused in TF; the parallelism
    arguments are checked and ignored (graphc makes one element at a time).

        ds.apply(gc.data.experimental.map_and_batch(lambda x: x * 2, 3))
    """
    if num_parallel_batches is not None and num_parallel_calls is not None:
        raise ValueError("`map_and_batch` allows only one of `num_parallel_batches` and "
                         "`num_parallel_calls` to be set, but `num_parallel_batches` was set "
                         f"to {num_parallel_batches} and `num_parallel_calls` as set to "
                         f"{num_parallel_calls}.")
    return lambda ds: ds.map(map_func).batch(batch_size, drop_remainder=drop_remainder)


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    """interleave(map_func, cycle_length, block_length) in TF's deterministic order
    (sloppy=False's; graphc gives that order for sloppy=True too). The buffer sizes
    are accepted and ignored.

        ds.apply(gc.data.experimental.parallel_interleave(gc.data.TFRecordDataset, 4))
    """
    return lambda ds: ds.interleave(map_func, cycle_length=cycle_length,
                                    block_length=block_length)


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """shuffle(buffer_size, seed) then repeat(count): each epoch its own order.

        ds.apply(gc.data.experimental.shuffle_and_repeat(100, count=2, seed=1))
    """
    return lambda ds: ds.shuffle(buffer_size, seed=seed).repeat(count)


def copy_to_device(target_device, source_device="/cpu:0"):
    """The dataset itself: graphc runs on the CPU only, so a copy to a CPU device is
    the identity; any other device raises ValueError (no such device here)."""
    _cpu(target_device, "copy_to_device")
    return lambda ds: ds


def prefetch_to_device(device, buffer_size=None):
    """The dataset itself when `device` is a CPU (graphc's only device; elements are
    made when get_next runs); any other device raises ValueError."""
    _cpu(device, "prefetch_to_device")
    return lambda ds: ds


def _cpu(device, what):
    from ..device_spec import DeviceSpec
    spec = DeviceSpec.from_string(device or "")
    if (spec.device_type or "CPU").upper() != "CPU":
        raise ValueError(f"{what}: graphc has no device {device!r}; its only device is the "
                         "CPU ('/cpu:0')")


# ---- assert_cardinality ---------------------------------------------------------------------
class _AssertCardinality(Dataset):
    _unwritable = "an assert_cardinality dataset, which graphc cannot write"

    def __init__(self, ds, expected):
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         tensors=_tensor_args(expected))
        self._expected = expected

    def _iter(self, run):
        want, n = _value(run, self._expected), 0
        for element in self._parents[0]._iter(run):
            if type(element) is Failed:         # passed on, not counted (TF's)
                yield element
                continue
            n += 1
            if 0 <= want < n:
                raise errors.FailedPreconditionError(
                    f"Input dataset was expected to contain {_elements(want)} but contained "
                    f"at least {_elements(n)}.")
            yield element
        if want == -1 or n < want:
            raise errors.FailedPreconditionError(
                f"Input dataset was expected to contain {_elements(want)} but contained "
                f"only {_elements(n)}.")


def _elements(n):
    if n == -1:
        return "an infinite number of elements"
    return f"{n} element" + ("" if n == 1 else "s")


def assert_cardinality(expected_cardinality):
    """The dataset's elements, with a FailedPreconditionError when it turns out to have
    more or fewer than expected_cardinality (an int or int64 scalar tensor;
    INFINITE_CARDINALITY: it must never end).

        ds.apply(gc.data.experimental.assert_cardinality(3))
    """
    expected = _count(expected_cardinality, "expected_cardinality", -2)
    return lambda ds: _AssertCardinality(ds, expected)


# ---- from_list --------------------------------------------------------------------------------
class _List(Dataset):
    _unwritable = "a from_list dataset, which graphc cannot write"

    def __init__(self, structure, rows):
        types = [t.dtype for t in rows[0]]
        shapes = [t.shape for t in rows[0]]
        for row in rows[1:]:
            shapes = [a.most_specific_compatible_shape(t.shape) for a, t in zip(shapes, row)]
        super().__init__(structure, types, shapes, tensors=[t for r in rows for t in r])
        self._width = len(types)

    def _iter(self, run):
        values = [run.values[t] for t in self._tensors]
        for i in range(0, len(values), self._width):
            yield values[i:i + self._width]


def from_list(elements, name=None):
    """A dataset of `elements` (a list of elements of one structure and dtypes; shapes
    may differ: the element shape is the most specific one they all fit).

        gc.data.experimental.from_list([(1, "a"), (2, "b")])
    """
    if not elements:
        raise ValueError("Invalid `elements`. `elements` should not be empty. If you want an "
                         "empty dataset, use `tf.data.Dataset.range(0)`.")
    first, rows = None, []
    for k, e in enumerate(elements):
        structure, tensors = to_tensors(e)
        if k == 0:
            first = structure
        elif structure != first:
            raise ValueError("The two structures don't have the same nested structure: "
                             f"elements[0] is {shown(first)}, elements[{k}] is "
                             f"{shown(structure)}.")
        if rows and [t.dtype for t in tensors] != [t.dtype for t in rows[0]]:
            raise TypeError(f"from_list: elements[{k}] has dtypes "
                            f"{[t.dtype.name for t in tensors]}, elements[0] "
                            f"{[t.dtype.name for t in rows[0]]}; all elements need one dtype "
                            "per component")
        rows.append(tensors)
    return _List(first, rows)


# ---- group_by_reducer ---------------------------------------------------------------------------
class Reducer:
    """How group_by_reducer folds a group: init_func(key) -> initial state,
    reduce_func(state, element) -> state, finalize_func(state) -> output element.

        gc.data.experimental.Reducer(lambda key: np.int64(0), lambda s, x: s + x,
                                     lambda s: s)
    """

    def __init__(self, init_func, reduce_func, finalize_func):
        self._init_func, self._reduce_func = init_func, reduce_func
        self._finalize_func = finalize_func

    init_func = property(lambda self: self._init_func)
    reduce_func = property(lambda self: self._reduce_func)
    finalize_func = property(lambda self: self._finalize_func)


def _key_spec():
    return _Spec(None, [dtypes.int64], [TensorShape(())])


class _GroupByReducer(Dataset):
    _unwritable = "a group_by_reducer dataset, which graphc cannot write"

    def __init__(self, ds, key_func, reducer):
        key = _Function("key_func", key_func, ds)
        out = key.outs[0]
        if key.structure is not None or out.dtype is not dtypes.int64 or out.shape.rank != 0:
            types = _unflatten(key.structure, iter(t.dtype for t in key.outs))
            shapes = _unflatten(key.structure, iter(t.shape for t in key.outs))
            raise ValueError("Invalid `key_func`. Expected `key_func` to return a scalar "
                             f"tf.int64 tensor, but instead `key_func` has output types={types}"
                             f" and shapes={shapes}.")
        init = _Function("init_func", reducer.init_func, _key_spec())
        structure = init.structure
        types, shapes = [t.dtype for t in init.outs], [t.shape for t in init.outs]
        for _ in range(len(shapes) * 8 + 2):      # relax the state's shapes to a fixpoint
            spec = _Spec((tuple, [structure, ds._structure]), types + ds._types,
                         shapes + ds._shapes)
            reduce = _Function("reduce_func", reducer.reduce_func, spec)
            got = [t.dtype for t in reduce.outs]
            if reduce.structure != structure or got != types:
                raise TypeError(
                    "The element types for the new state must match the initial state. "
                    f"Expected {_unflatten(structure, iter(types))}; got "
                    f"{_unflatten(reduce.structure, iter(got))}.")
            new = [_relaxed(a, t.shape) for a, t in zip(shapes, reduce.outs)]
            if [s._dims for s in new] == [s._dims for s in shapes]:
                break
            shapes = new
        final = _Function("finalize_func", reducer.finalize_func,
                          _Spec(structure, types, shapes))
        super().__init__(final.structure, [t.dtype for t in final.outs],
                         [t.shape for t in final.outs], parents=(ds,),
                         functions=(key, init, reduce, final))

    def _iter(self, run):
        key, init, reduce, final = self._functions
        states = {}                 # key -> state, in order of first appearance (TF's)
        for element in strict(self._parents[0]._iter(run)):
            k = int(np.asarray(key(run, element)[0]))
            if k not in states:
                states[k] = init(run, [np.int64(k)])
            states[k] = reduce(run, list(states[k]) + list(element))
        for state in states.values():
            yield final(run, list(state))


def group_by_reducer(key_func, reducer):
    """Groups the elements by key_func(element) (a scalar int64) and folds each group
    with `reducer` (a Reducer); one output element per key, in order of first
    appearance, when the input ends.

        r = gc.data.experimental.Reducer(lambda k: np.int64(0), lambda s, x: s + x,
                                         lambda s: s)
        ds.apply(gc.data.experimental.group_by_reducer(lambda x: x % 2, r))
    """
    if not isinstance(reducer, Reducer):
        raise TypeError(f"group_by_reducer: `reducer` must be a Reducer, got "
                        f"{type(reducer).__name__}")
    return lambda ds: _GroupByReducer(ds, key_func, reducer)



# ---- pad_to_cardinality ------------------------------------------------------------------------
class _Pad(Dataset):
    _unwritable = "a pad_to_cardinality dataset, which graphc cannot write"

    def __init__(self, ds, cardinality):
        for t, s in zip(ds._types, ds._shapes):
            if not s.is_fully_defined():
                raise ValueError(f"Cannot convert a partially known TensorShape {s} to a "
                                 "Tensor.")
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,))
        self._cardinality = cardinality

    def _iter(self, run):
        n = 0
        for element in self._parents[0]._iter(run):
            if type(element) is Failed:
                yield element
                continue
            n += 1
            if n > self._cardinality:
                raise errors.InvalidArgumentError(
                    f"pad_to_cardinality: the dataset has more than {self._cardinality} "
                    f"elements, the cardinality to pad to\n  in the dataset built at "
                    f"{errors.format_site(self._site)}")
            yield element
        zeros = [np.zeros(s._dims, object if t is dtypes.string else t.np)
                 for t, s in zip(self._types, self._shapes)]
        for k, t in enumerate(self._types):
            if t is dtypes.string:
                zeros[k][...] = b""
        for _ in range(self._cardinality - n):
            yield list(zeros)


def pad_to_cardinality(cardinality, mask_key="valid"):
    """Pads a dataset of dicts to `cardinality` elements with elements of zeros (b""
    for strings), adding a bool `mask_key` entry: True for the dataset's own elements,
    False for the padding (it replaces a feature of that name). Shapes must be fully
    known. A dataset longer than `cardinality` fails when it passes that length.

        ds.apply(gc.data.experimental.pad_to_cardinality(8))
    """
    def apply(ds):
        if ds._structure is None or ds._structure[0] is not dict:
            raise ValueError("`pad_to_cardinality` requires its input dataset to be a "
                             "dictionary.")
        masked = ds.map(lambda features: dict(features, **{mask_key: True}))
        return _Pad(masked, int(cardinality))
    return apply
