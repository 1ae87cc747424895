"""Dataset: a Python description of an input pipeline (TF1 tf.data.Dataset).

    ds = gc.data.Dataset.from_tensor_slices((x, y)).shuffle(100, seed=1).batch(32)
    features, labels = ds.make_one_shot_iterator().get_next()

A dataset holds its element structure, each leaf's dtype and static shape, the datasets
it reads and the tensors it is built from. Nothing runs when it is built: an iterator's
ops (data/iterator.py) evaluate those tensors in a Session and call `_iter(run)`, a
generator of elements, each a flat list of numpy arrays (one per leaf). map and filter
functions are traced once into a FuncGraph (data/functions.py) and run per element.

An element whose making failed (a map function's error, a batch of unlike shapes)
travels down the generators as a `Failed` in its place: get_next raises its error and
the next get_next goes on with the next element, as TF's iterators do, and ignore_errors
drops it. A stage that cannot carry one reads its input through `strict`: the error
then ends the pipeline (a generator that raised cannot resume).
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Node, Tensor, get_default_graph
from ..ops.random import get_seed
from ..ops.registry import constant_value
from ..shapes import TensorShape
from .specs import dense_shapes, element_spec
from .structure import to_tensors

__all__ = ["Dataset"]

INFINITE, UNKNOWN = -1, -2      # TF's cardinality codes (gc.data.INFINITE_CARDINALITY, ...)


def _nest(structure, inner):
    """`structure` with each leaf replaced by the next structure of `inner`."""
    if structure is None:
        return next(inner)
    kind, parts = structure
    if kind is dict:
        return (dict, {k: _nest(s, inner) for k, s in parts.items()})
    return (kind, [_nest(s, inner) for s in parts])


def _describe(tensors):
    return "".join(f"\n  {errors.describe_tensor(t, t.name)}" for t in tensors)


class Dataset:
    """A pipeline of elements (TF1 tf.data.Dataset); build one with from_tensor_slices,
    from_tensors, range or zip, and transform it with the methods below."""
    _saved = ()     # the attributes a graph_def keeps besides structure, parents, tensors

    _own_options = None     # the Options given to with_options on this dataset

    def __init__(self, structure, types, shapes, parents=(), tensors=(), functions=(),
                 dense=None, nested=None):
        self._structure = structure
        self._types = list(types)
        self._shapes = [TensorShape(s._dims) if isinstance(s, TensorShape) else TensorShape(s)
                        for s in shapes]
        self._parents = tuple(parents)
        self._tensors = tuple(tensors)      # evaluated when an iterator is initialized
        self._functions = tuple(functions)  # traced map/filter functions (their captures)
        self._site = errors.user_site()
        # a pass-through of one parent's elements keeps its SparseTensors' dense shapes
        # and its window components unless told otherwise (specs.py)
        same = (len(self._parents) == 1 and self._parents[0]._structure == structure
                and self._parents[0]._types == self._types)
        if dense is None:
            dense = self._parents[0]._dense if same else dense_shapes(structure, self._shapes)
        if nested is None:
            nested = self._parents[0]._nested if same else [False] * len(self._types)
        self._dense, self._nested = list(dense), list(nested)

    # ---- what an element is -----------------------------------------------------------
    @property
    def output_types(self):
        """The dtypes of an element, in its structure, as TF1's: a SparseTensor's or
        RaggedTensor's values dtype, a window component's DatasetSpec."""
        return _legacy(self.element_spec, "dtype")

    @property
    def output_shapes(self):
        """The static shapes of an element, in its structure, as TF1's: a
        SparseTensor's dense shape, a window component's DatasetSpec."""
        return _legacy(self.element_spec, "shape")

    @property
    def element_spec(self):
        """The type of an element: TypeSpecs (TensorSpec, SparseTensorSpec, a window
        component's DatasetSpec) in the element's structure, as TF.

            gc.data.Dataset.range(3).element_spec   # gc.TensorSpec([], gc.int64)
        """
        return element_spec(self)

    # ---- options ---------------------------------------------------------------------
    def with_options(self, options, name=None):
        """This dataset with `options` (a gc.data.Options) merged over its own; options
        graphc cannot act on are kept (options() returns them) and reported in a
        warning. See docs/data.md."""
        from .options import with_options
        return with_options(self, options)

    def options(self):
        """The Options of this dataset: those of the datasets it reads, merged in order,
        then its own."""
        from .options import options_of
        return options_of(self)

    def __repr__(self):
        return (f"<{type(self).__name__} shapes: {self.output_shapes}, "
                f"types: {self.output_types}>")

    @property
    def output_classes(self):
        """The classes of an element's parts (Tensor or SparseTensor), in its structure."""
        from . import get_output_classes
        return get_output_classes(self)

    def _iter(self, run):
        """A generator of this dataset's elements (flat lists of arrays) in `run`."""
        raise NotImplementedError(f"{type(self).__name__} must define _iter")

    def _cardinality(self, values, n):
        """The number of elements (INFINITE, UNKNOWN) given the values of the tensors
        and `n`, the cardinalities of the parents (single.py walks the pipeline)."""
        return UNKNOWN

    def _check(self, values):
        """Checks of the tensor arguments' values (tensor -> array) when a pipeline
        starts; raises InvalidArgumentError as TF's dataset kernels do."""

    # ---- sources -----------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        """The slices of `tensors` along dim 0 (a tensor, array, or tuple/dict of them;
        a list is one tensor, as in TF1). All components must have the same dim 0."""
        from .sources import _Slices
        return _Slices(*to_tensors(tensors))

    @staticmethod
    def from_tensors(tensors):
        """One element: `tensors` (a tensor, array, or tuple/dict of them)."""
        from .sources import _Tensors
        return _Tensors(*to_tensors(tensors))

    @staticmethod
    def range(*args):
        """range(stop), range(start, stop) or range(start, stop, step), as int64."""
        from .sources import _Range
        return _Range(*args)

    @staticmethod
    def zip(datasets):
        """Elements of several datasets side by side (a tuple or dict of datasets);
        ends with the shortest."""
        from .sources import _Zip
        return _Zip(datasets)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """The elements generator(*args) yields, as output_types (a dtype or a tuple/dict
        of them) of output_shapes (default: unknown), or as output_signature (TensorSpecs
        in the element's structure); args are tensors, evaluated when the iterator
        starts. A graph holding one cannot be serialized (Python code).

            gc.data.Dataset.from_generator(lambda: iter([[1, 2], [3]]),
                                           output_signature=gc.TensorSpec([None], gc.int32))
        """
        from .generator import from_generator
        return from_generator(generator, output_types, output_shapes, args,
                              output_signature)

    # ---- transformations ----------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False):
        """Consecutive elements stacked along a new dim 0 (None unless drop_remainder).
        batch_size is an int or an int64 scalar tensor (read when the iterator starts)."""
        from .batching import _Batch
        return _Batch(self, _count(batch_size, "batch_size", 1), drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True):
        """Elements in a random order, drawn from a buffer of `buffer_size` (TF's
        algorithm). With a seed (or a graph seed) the order repeats in every session and
        after every initialization; reshuffle_each_iteration gives each repeat() epoch
        its own order."""
        from .transforms import _Shuffle
        seed = get_seed(get_default_graph(), seed)
        return _Shuffle(self, _count(buffer_size, "buffer_size", 1), seed,
                        reshuffle_each_iteration)

    def repeat(self, count=None):
        """The elements `count` times (None or -1: forever; a tensor < 0 too)."""
        from .transforms import _Repeat
        return _Repeat(self, -1 if count is None else _count(count, "count", -1))

    def take(self, count):
        """The first `count` elements (-1: all)."""
        from .transforms import _Islice
        return _Islice(self, 0, _count(count, "count", -1), "take")

    def skip(self, count):
        """All but the first `count` elements (-1: none)."""
        from .transforms import _Islice
        return _Islice(self, _count(count, "count", -1), -1, "skip")

    def prefetch(self, buffer_size):
        """A no-op here: graphc makes each element when get_next runs, on one thread."""
        _count(buffer_size, "buffer_size", -1)
        return self

    def concatenate(self, dataset):
        """This dataset's elements, then `dataset`'s (same structure and dtypes)."""
        from .sources import _Concat
        return _Concat(self, dataset)

    def map(self, map_func, num_parallel_calls=None):
        """map_func applied to each element (a tuple element is passed as arguments).
        map_func is traced once into a graph; num_parallel_calls is accepted and
        ignored (elements are made one at a time)."""
        return _Map(self, _Function("map", map_func, self))

    def filter(self, predicate):
        """The elements for which predicate (traced once) returns a scalar bool True."""
        return _Filter(self, _Function("filter", predicate, self))

    # ---- the rest of TF1's transformations: transforms.py and nested.py -----------------
    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False):
        """Batches of elements padded to padded_shapes (-1/None dims: the longest in the
        batch; default: the element shapes) with padding_values (default 0 / b"").

            ds.map(lambda x: gc.fill([x], x)).padded_batch(2, padded_shapes=[None])
        """
        from .batching import padded_batch
        return padded_batch(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self):
        """The slices of each element along dim 0 (the inverse of batch)."""
        from .batching import _Unbatch
        return _Unbatch(self)

    def shard(self, num_shards, index):
        """Every num_shards-th element, starting with element `index`."""
        from .transforms import _Shard
        return _Shard(self, num_shards, index)

    def cache(self, filename=""):
        """The elements kept on the first complete pass and replayed after: in memory
        per iterator initialization (filename ""), or in a file (a path or a scalar
        string tensor) that every later pass, session and process reads instead of
        the input, once a pass has written it completely (graphc's own file format,
        `<filename>.graphc-cache`, see docs/data.md)."""
        from .transforms import _Cache
        if isinstance(filename, Tensor) or filename not in ("", None):
            from .cache_file import _FileCache
            return _FileCache(self, filename)
        return _Cache(self, filename)

    def save(self, path, compression=None, shard_func=None, checkpoint_args=None):
        """Writes this dataset at `path` in TF's format: dataset_spec.pb now, the elements
        when the returned Operation runs (as TF 1 graph mode); see docs/data-save.md."""
        from .exp_save import save
        return save(self, path, compression, shard_func, checkpoint_args)

    @staticmethod
    def load(path, element_spec=None, compression=None, reader_func=None, wait=False):
        """The dataset saved at `path` (by save, here or in TF); see docs/data-save.md."""
        from .exp_save import load
        return load(path, element_spec, compression, reader_func, wait)

    def snapshot(self, path, compression="AUTO", reader_func=None, shard_func=None,
                 name=None):
        """This dataset's elements; the first complete pass writes them under `path`,
        later passes read them instead (see docs/data-save.md)."""
        from .exp_save import dataset_snapshot
        return dataset_snapshot(self, path, compression, reader_func, shard_func)

    def window(self, size, shift=None, stride=1, drop_remainder=False):
        """Windows of `size` elements, one every `shift` (default size) elements, each
        taking every `stride`-th element; each component of a window is a dataset.

            ds.window(3, shift=1).flat_map(lambda w: w.batch(3))
        """
        from .window import _Window
        return _Window(self, size, shift, stride, drop_remainder)

    def apply(self, transformation_func):
        """transformation_func(self), which must return a Dataset."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError("`transformation_func` must return a `tf.data.Dataset` "
                            f"object. Got {type(out)}.")
        return out

    def flat_map(self, map_func):
        """The elements of the datasets map_func(element) returns, one after another.

            ds.flat_map(lambda x: gc.data.Dataset.from_tensors(x).repeat(2))
        """
        from .nested import interleave
        return interleave(self, map_func, 1, 1, "flat_map")

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None):
        """The elements of the datasets map_func(element) returns, cycle_length of them
        open at a time, block_length elements from each in turn (TF's deterministic
        order; cycle_length None: the number of CPU cores, as TF's AUTOTUNE)."""
        from .nested import interleave
        return interleave(self, map_func, cycle_length, block_length, "interleave")

    def reduce(self, initial_state, reduce_func):
        """The state reduce_func(state, element) leaves after the last element, as
        tensors (a ReduceDataset op reads the whole dataset on every run).

            total = gc.data.Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x)
        """
        from .nested import reduce
        return reduce(self, initial_state, reduce_func)

    # ---- the methods TF 2 added to DatasetV1: methods.py --------------------------------
    from .methods import (  # noqa: E402  (bound as methods of this class)
        as_numpy_iterator, bucket_by_sequence_length, cardinality, choose_from_datasets,
        counter, enumerate, filter_with_legacy_function, from_sparse_tensor_slices,
        get_single_element, group_by_window, ignore_errors, list_files,
        map_with_legacy_function, ragged_batch, random, rebatch, rejection_resample,
        sample_from_datasets, scan, sparse_batch, take_while, unique)
    choose_from_datasets, counter = staticmethod(choose_from_datasets), staticmethod(counter)
    from_sparse_tensor_slices = staticmethod(from_sparse_tensor_slices)
    list_files, random = staticmethod(list_files), staticmethod(random)
    sample_from_datasets = staticmethod(sample_from_datasets)

    def make_one_shot_iterator(self):
        """An iterator that starts on its first get_next run in each session."""
        from .iterator import Iterator
        return Iterator(self, one_shot=True)

    def make_initializable_iterator(self, shared_name=None):
        """An iterator started (and restarted) by running its `initializer`."""
        from .iterator import Iterator
        return Iterator(self, one_shot=False)


def _legacy(spec, part):
    """The `part` ("dtype" or "shape") of each TypeSpec in the structure `spec`; a
    DatasetSpec stands for itself (TF1's legacy output types and shapes)."""
    from ..nest import map_structure
    from .specs import DatasetSpec
    return map_structure(lambda s: s if isinstance(s, DatasetSpec) else getattr(s, part),
                         spec)


def _count(value, what, low):
    """A Python int >= low, or an int64 scalar tensor (TF1 converts to int64) whose value
    the datasets read when the pipeline starts (checked then by their _check)."""
    if isinstance(value, Node):
        raise TypeError(f"{what} must be an int or an int64 tensor, got {value!r}")
    if isinstance(value, Tensor):
        if value.dtype is not dtypes.int64:
            raise ValueError(f"{what}: Tensor conversion requested dtype int64 for Tensor "
                             f"with dtype {value.dtype.name}: {value!r}")
        if value.shape.rank not in (0, None):
            raise errors.ShapeError(f"{what} must be a scalar (shape must be rank 0 but is "
                                    f"rank {value.shape.rank}):{_describe([value])}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{what} must be an int >= {low}, got {value!r}")
    return int(value)


def _value(run, v):
    """The int value of a count argument (a Python int or a tensor read at the start)."""
    return int(run.values[v]) if isinstance(v, Tensor) else v


def _static(v):
    """The value of a count argument if known when the pipeline is built, else None."""
    if isinstance(v, Tensor):
        c = constant_value(v)
        return None if c is None else int(c)
    return v


def _tensor_args(*args):
    """The tensors among count arguments (evaluated when the iterator starts)."""
    return tuple(a for a in args if isinstance(a, Tensor))


def _invalid(ds, message):
    """TF's InvalidArgumentError of a dataset kernel, naming where `ds` was built."""
    return errors.InvalidArgumentError(
        f"{message}\n  in the {type(ds).__name__.lstrip('_')} dataset built at "
        f"{errors.format_site(ds._site)}")


class Failed:
    """An element that failed, in the element's place in a pipeline (see above)."""
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


def strict(elements):
    """The elements, raising a Failed one's error (for a stage that cannot go past it)."""
    for element in elements:
        if type(element) is Failed:
            raise element.error
        yield element


def check_pipeline(root, values):
    """Runs _check of `root` and every dataset it reads (iteratively)."""
    stack, seen = [root], set()
    while stack:
        ds = stack.pop()
        if id(ds) not in seen:
            seen.add(id(ds))
            ds._check(values)
            stack.extend(ds._parents)


from .functions import _Filter, _Function, _Map  # noqa: E402,F401  (their home)
