"""get_variable's partitioned case (TF1 _VariableStore._get_partitioned_variable): the
PartitionedVariable `name` of the store, or its new parts 'name/part_0', ...

Each part is made as get_variable makes one variable (graphc/ops/varstore.py), its
initializer called with the part's shape and a PartitionInfo (full shape and offset); a
tensor or value initializer is sliced to the part. The store keeps the parts by name,
like any variable, and the PartitionedVariable by the full name.
"""
from . import dtypes, errors
from .graph import Tensor, get_default_graph
from .ops.core import convert_to_tensor
from .ops.indexing import slice as slice_
from .partitioned import PartitionedVariable, PartitionInfo, SaveSliceInfo, SlicedVariable
from .shapes import TensorShape, as_shape

__all__ = []


def get_partitioned(name, shape, dtype, initializer, regularizer, reuse, trainable,
                    collections, validate_shape, explicit_dtype, partitioner):
    """The stored PartitionedVariable `name` (checked), or a new one (TF1 rules)."""
    from .ops.scope import _root, _store
    from .ops.varstore import _get_single
    if partitioner is not None and not callable(partitioner):
        raise ValueError(f"Partitioner must be callable, but received: {partitioner!r}")
    store = _store()
    if name in store.vars:
        raise ValueError(f"A partitioner was provided, but an unpartitioned version of the "
                         f"variable was found: {name}.  Perhaps a variable of the same name "
                         "was already created without partitioning?")
    dtype = dtypes.as_dtype(dtype)
    shape = TensorShape(None) if shape is None else as_shape(shape)
    if isinstance(initializer, Tensor):
        shape = shape.merge_with(initializer.shape)
    partitions = None
    if not reuse or partitioner:        # reuse=True may leave the partitioner out
        partitions = _call_partitioner(partitioner, shape, dtype)
    found = store.partitioned.get(name)
    if found is not None:
        return _shared(found, name, shape, dtype, partitions, reuse)
    if reuse is True:
        raise ValueError(f"PartitionedVariable {name} does not exist, or was not created "
                         "with gc.get_variable(). Did you mean to set reuse=False or "
                         "reuse=gc.AUTO_REUSE in VarScope?")
    graph = get_default_graph()
    root = _root(graph)
    if graph is not root:
        raise errors.GraphError(
            f"get_variable: cannot create partitioned variable {name} inside a cond or "
            f"while_loop branch (at {errors.format_site(errors.user_site())}): create it "
            "outside; getting an existing one with reuse works inside")
    axis, n = _slice_axis(partitions)
    _check_existing_parts(store, name, n)
    full = shape.as_list()
    parts = []
    for i, (offset, part_shape) in enumerate(iter_slices(full, n, axis)):
        part_name = f"{name}/part_{i}"
        info = PartitionInfo(full, offset)
        init, init_shape, part_dtype = initializer, part_shape, dtype
        if initializer is not None and not callable(initializer):
            # a value: this part's slice of it, under 'name/part_i/PartitionedInitializer/'
            with root.name_scope(part_name + "/PartitionedInitializer/"):
                value = initializer if isinstance(initializer, Tensor) else \
                    convert_to_tensor(initializer, dtype=dtype)
                init = slice_(value, offset, part_shape)
            init_shape, part_dtype = None, value.dtype
        v = _get_single(store, part_name, init_shape, part_dtype, init, regularizer, reuse,
                        trainable, collections, validate_shape, explicit_dtype,
                        partition_info=info, cls=SlicedVariable)
        if not isinstance(v, SlicedVariable):
            raise ValueError(f"Variable {part_name} exists but is not a part of a "
                             f"partitioned variable {name}")
        v._save_slice_info = SaveSliceInfo(name, full, offset, part_shape)
        parts.append(v)
    pv = PartitionedVariable(name, shape, parts[0].dtype, parts, partitions)
    store.partitioned[name] = pv
    return pv


def _shared(found, name, shape, dtype, partitions, reuse):
    if reuse is False:
        raise ValueError(f"Partitioned variable with name {name} already exists. Did you "
                         "mean to set reuse=True or reuse=gc.AUTO_REUSE in VarScope?")
    if not shape.is_compatible_with(found.get_shape()):
        raise errors.ShapeError(f"Trying to reuse partitioned variable {name}, but "
                                f"specified shape {shape} and found shape "
                                f"{found.get_shape()}.")
    if dtype is not found.dtype:
        raise errors.DTypeError(f"Trying to reuse partitioned variable {name}, but "
                                f"specified dtype {dtype.name} and found dtype "
                                f"{found.dtype.name}.")
    if partitions is not None and partitions != found.get_partitions():
        raise ValueError(f"Trying to reuse partitioned variable {name}, but specified "
                         f"partitions {partitions} and found partitions "
                         f"{found.get_partitions()}.")
    return found


def _call_partitioner(partitioner, shape, dtype):
    """The partitioner's list of parts per axis, checked (TF1's rules)."""
    if not shape.is_fully_defined():
        raise ValueError(f"Shape of a new partitioned variable must be fully defined, but "
                         f"instead was {_show(shape)}.")
    if len(shape._dims) < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1, shape: "
                         f"{_show(shape)}")
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, (list, tuple)):
        raise ValueError(f"Partitioner must return a sequence, but saw: {slicing}")
    if len(slicing) != len(shape._dims):
        raise ValueError(f"Partitioner returned a partition list that does not match the "
                         f"Variable's rank: {slicing} vs. {_show(shape)}")
    if any(p < 1 for p in slicing):
        raise ValueError(f"Partitioner returned zero partitions for some axes: {slicing}")
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError(f"Can only slice a variable along one dimension: shape: "
                         f"{_show(shape)}, partitioning: {slicing}")
    return [int(p) for p in slicing]


def _show(shape):
    """A shape as TF1 prints it in these messages: '(10, 4)', '<unknown>'."""
    if shape._dims is None:
        return "<unknown>"
    dims = ", ".join("None" if d is None else str(d) for d in shape._dims)
    return f"({dims},)" if len(shape._dims) == 1 else f"({dims})"


def _slice_axis(partitions):
    """(the sliced axis, the number of parts): (0, 1) when nothing is sliced."""
    for axis, n in enumerate(partitions):
        if n > 1:
            return axis, n
    return 0, 1


def iter_slices(full_shape, n, axis):
    """(offset, shape) of each of n parts along axis: the first full % n parts one
    longer than full // n."""
    base, extra = divmod(full_shape[axis], n)
    start = 0
    for i in range(n):
        shape = list(full_shape)
        shape[axis] = base + (1 if i < extra else 0)
        offset = [0] * len(full_shape)
        offset[axis] = start
        yield offset, shape
        start += shape[axis]


def _check_existing_parts(store, name, n):
    """Parts left from another partitioning of `name` (TF1 refuses a different count)."""
    if f"{name}/part_0" not in store.vars:
        return
    if f"{name}/part_{n - 1}" not in store.vars:
        raise ValueError(f"Partitioner returned a different partitioning than what was "
                         f"already found.  Partitioner returned {n} shards, and shard "
                         f"{name}/part_0 was found, but {name}/part_{n - 1} was not.")
    if f"{name}/part_{n}" in store.vars:
        raise ValueError(f"Partitioner returned a different partitioning than what was "
                         f"already found.  Partitioner returned {n} shards, and shard "
                         f"{name}/part_0 was found, but so was the extra shard "
                         f"{name}/part_{n}.")
