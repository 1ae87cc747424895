"""Partitioned variables (TF1): one big variable kept as shards along one axis.

    with gc.variable_scope("emb", partitioner=gc.fixed_size_partitioner(3)):
        table = gc.get_variable("words", [10, 4])   # parts 'emb/words/part_0' .. part_2
    rows = gc.nn.embedding_lookup(table, ids)       # looks each id up in its shard

A partitioner maps (shape, dtype) to the number of shards per axis (at most one axis
above 1). The parts split that axis as TF1 splits it: the first `dim % n` parts one row
longer. Each part is a Variable with `_save_slice_info` (the full name and shape, its
offset and shape); a PartitionedVariable groups them, converts to their concatenation,
and a Saver saves them as one tensor under the full name (graphc/partitioned_ckpt.py).
The store logic of get_variable's partitioned case is in graphc/partitioned_store.py.
"""
import math

from . import dtypes
from .ops.core import identity, register_tensor_conversion_function
from .ops.join import concat, split
from .ops.state import Variable
from .shapes import TensorShape, as_shape

__all__ = ["PartitionedVariable", "fixed_size_partitioner", "variable_axis_size_partitioner",
           "min_max_variable_partitioner", "create_partitioned_variables"]


class SaveSliceInfo:
    """Where a part lies in its full variable (TF1 Variable.SaveSliceInfo)."""

    def __init__(self, full_name=None, full_shape=None, var_offset=None, var_shape=None):
        self.full_name = full_name
        self.full_shape = list(full_shape)
        self.var_offset = list(var_offset)
        self.var_shape = list(var_shape)

    @property
    def spec(self):
        """TF1's slice spec: the full shape, then 'offset,length' per axis, ':'-joined
        ("10 4 4,3:0,4" for rows 4..6 of a [10, 4] variable)."""
        full = " ".join(str(d) for d in self.full_shape)
        sl = ":".join(f"{o},{n}" for o, n in zip(self.var_offset, self.var_shape))
        return f"{full} {sl}"

    def slices(self):
        """The numpy index of this part in the full value."""
        return tuple(slice(o, o + n) for o, n in zip(self.var_offset, self.var_shape))

    def __repr__(self):
        return f"SaveSliceInfo({self.full_name!r}, {self.spec!r})"


class PartitionInfo:
    """What an initializer learns about the part it builds (TF1 _PartitionInfo): the
    full shape and the part's offset in it."""

    def __init__(self, full_shape, var_offset):
        for what, v in (("full_shape", full_shape), ("var_offset", var_offset)):
            if not isinstance(v, (list, tuple)):
                raise TypeError(f"`{what}` must be a sequence (like tuple or list) instead "
                                f"of {type(v).__name__}")
        if len(var_offset) != len(full_shape):
            raise ValueError(f"Expected equal length, but `var_offset` is of length "
                             f"{len(var_offset)} while full_shape is of length "
                             f"{len(full_shape)}.")
        for o, d in zip(var_offset, full_shape):
            if not 0 <= o < d:
                raise ValueError(f"Expected 0 <= offset < shape but found offset={o}, "
                                 f"shape={d} for var_offset={list(var_offset)}, "
                                 f"full_shape={list(full_shape)}")
        self.full_shape, self.var_offset = list(full_shape), list(var_offset)

    def single_offset(self, shape):
        """The part's offset along its one sliced axis (0 when it is whole)."""
        axis = self.single_slice_dim(shape)
        return 0 if axis is None else self.var_offset[axis]

    def single_slice_dim(self, shape):
        """The one axis where a part of `shape` is shorter than the full shape, or None."""
        if not isinstance(shape, (list, tuple)):
            raise TypeError(f"`shape` must be a sequence (like tuple or list) instead of "
                            f"{type(shape).__name__}")
        if len(shape) != len(self.full_shape):
            raise ValueError(f"Expected equal length, but received shape={list(shape)} of "
                             f"length {len(shape)} while self.full_shape={self.full_shape} "
                             f"is of length {len(self.full_shape)}.")
        found = None
        for i, (o, n, d) in enumerate(zip(self.var_offset, shape, self.full_shape)):
            if o + n > d:
                raise ValueError(f"With self.var_offset={self.var_offset}, a partition of "
                                 f"shape={list(shape)} would exceed self.full_shape="
                                 f"{self.full_shape} in dimension {i}.")
            if n != d:
                if found is not None:
                    raise ValueError(f"Cannot use single_slice_dim() with shape="
                                     f"{list(shape)} and self.full_shape={self.full_shape} "
                                     f"since slice dim could be either dimension {found} "
                                     f"or {i}.")
                found = i
        return found


class SlicedVariable(Variable):
    """A part of a partitioned variable: a Variable that knows its slice
    (_save_slice_info, in the Tensor's __dict__: no slot of its own, so the import of a
    TF .meta can make an imported Variable one, graphc/io/tf_meta_graph.py)."""
    __slots__ = ()

    def _set_save_slice_info(self, save_slice_info):
        self._save_slice_info = save_slice_info


def slice_info(v):
    """v's SaveSliceInfo, or None for a whole variable."""
    return getattr(v, "_save_slice_info", None)


class PartitionedVariable:
    """The parts of one variable (TF1 tf.PartitionedVariable), as get_variable returns it
    with a partitioner. Iterating gives the parts in order; ops take it as the
    concatenation of the parts (`as_tensor()`).

        W = gc.get_variable("W", [10, 4], partitioner=gc.fixed_size_partitioner(2))
        [v.name for v in W]         # ['W/part_0:0', 'W/part_1:0']
        y = gc.matmul(x, W)         # x @ concat(parts)
    """

    def __init__(self, name, shape, dtype, variable_list, partitions):
        if not isinstance(variable_list, (list, tuple)):
            raise TypeError(f"variable_list is not a list or tuple: {variable_list!r}")
        if not isinstance(partitions, (list, tuple)):
            raise TypeError(f"partitions is not a list or tuple: {partitions!r}")
        if not all(p >= 1 for p in partitions):
            raise ValueError(f"partition values must be positive: {list(partitions)}")
        if not variable_list:
            raise ValueError("Empty variable_list")
        if not all(slice_info(v) is not None for v in variable_list):
            raise ValueError(f"All variables must have a save_slice_info available: "
                             f"{[v.name for v in variable_list]}")
        shape = as_shape(shape)
        if len(shape._dims) != len(partitions):
            raise ValueError(f"len(shape) != len(partitions): {shape} vs. {list(partitions)}")
        self._name, self._shape = name, shape
        self._dtype = dtypes.as_dtype(dtype)
        self._partitions = list(partitions)
        self._variable_list = sorted(variable_list, key=lambda v: slice_info(v).var_offset)

    def __iter__(self):
        return iter(self._variable_list)

    def __len__(self):
        axes = self._partition_axes()
        if len(axes) > 1:
            raise ValueError(f"Cannot get a length for {len(axes)} > 1 partition axes")
        return len(self._variable_list)

    def __repr__(self):
        return (f"<gc.PartitionedVariable '{self._name}' shape={self._shape} "
                f"dtype={self._dtype.name} partitions={self._partitions}>")

    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)
    graph = property(lambda self: self._variable_list[0].graph)

    def get_shape(self):
        return self._shape

    def get_variable_list(self):
        """The parts, in order of their offsets."""
        return list(self._variable_list)

    def get_partitions(self):
        """The number of parts along each axis, e.g. [3, 1]."""
        return list(self._partitions)

    _get_variable_list, _get_partitions = get_variable_list, get_partitions

    def _partition_axes(self):
        axes = [i for i, p in enumerate(self._partitions) if p > 1]
        return axes or [0]

    def as_tensor(self):
        """The full value: the parts concatenated along the partitioned axis, as a
        tensor named like the variable (outside any control dependencies)."""
        graph = self.graph
        with graph.as_default(), graph.control_dependencies(None):
            if len(self._variable_list) == 1:
                with graph.name_scope(""):
                    return identity(self._variable_list[0], name=self._name)
            axes = self._partition_axes()
            if len(axes) > 1:
                raise NotImplementedError(f"Cannot concatenate along more than one "
                                          f"dimension: {axes}.  Multi-axis partition "
                                          "concat is not supported")
            with graph.name_scope(self._name + "/ConcatPartitions/"):
                whole = concat(self._variable_list, axes[0])
            with graph.name_scope(""):
                return identity(whole, name=self._name)

    _as_tensor = as_tensor

    def _split(self, value):
        """value as one value per part: a list as given, another PartitionedVariable's
        parts, or a tensor split along the partitioned axis."""
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError(f"Cannot do assign action along more than one "
                                      f"dimension: {axes}.  Multi-axis partition assign "
                                      "action is not supported ")
        if isinstance(value, list):
            if len(value) != len(self._variable_list):
                raise ValueError(f"assign: {len(value)} values for "
                                 f"{len(self._variable_list)} parts of {self._name}")
            return value
        if isinstance(value, PartitionedVariable):
            return list(value)
        sizes = [v.shape._dims[axes[0]] for v in self._variable_list]
        return split(value, sizes, axis=axes[0])

    def _assign_each(self, method, value, name, read_value):
        outs = [getattr(v, method)(x, name=name) for v, x in
                zip(self._variable_list, self._split(value))]
        return outs if read_value else [t.node for t in outs]

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Assign ops, one per part (the parts of `value` along the partitioned axis);
        with read_value=False their nodes."""
        return self._assign_each("assign", value, name, read_value)

    def assign_add(self, value, use_locking=False, name=None, read_value=True):
        return self._assign_each("assign_add", value, name, read_value)

    def assign_sub(self, value, use_locking=False, name=None, read_value=True):
        return self._assign_each("assign_sub", value, name, read_value)


def _to_tensor(v, dtype=None, name=None, as_ref=False):
    if as_ref:
        raise NotImplementedError("PartitionedVariable doesn't support being used as a "
                                  "reference.")
    if dtype is not None and dtypes.as_dtype(dtype) is not v.dtype:
        raise ValueError(f"Incompatible type conversion requested to type "
                         f"'{dtypes.as_dtype(dtype).name}' for variable of type "
                         f"'{v.dtype.name}'")
    return v.as_tensor()


register_tensor_conversion_function(PartitionedVariable, _to_tensor)


# ---- partitioners --------------------------------------------------------------------------
def fixed_size_partitioner(num_shards, axis=0):
    """A partitioner that splits `axis` into num_shards parts (fewer if the axis is
    shorter): `gc.get_variable("W", [10, 4], partitioner=gc.fixed_size_partitioner(3))`."""
    def _partitioner(shape, **unused_args):
        parts = [1] * len(shape)
        parts[axis] = min(num_shards, _dim(shape, axis))
        return parts
    return _partitioner


def variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16,
                                   max_shards=None):
    """A partitioner that splits `axis` into the fewest parts of at most max_shard_bytes
    each (at least one slice of the axis per part; at most max_shards parts).

        p = gc.variable_axis_size_partitioner(64 << 20)     # 64 MiB shards
    Strings count bytes_per_string_element bytes per element."""
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError(f"Both max_shard_bytes and bytes_per_string_element must be "
                         f"positive. Currently, max_shard_bytes is {max_shard_bytes} and "
                         f"bytes_per_string_element is {bytes_per_string_element}")
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        shape, dtype = _check_shape_dtype(shape, dtype)
        size = bytes_per_string_element if dtype is dtypes.string else dtype.size
        parts = [1] * len(shape)
        n = shape._dims[axis]
        slice_bytes = 1.0 * (shape.num_elements() / n) * size
        slices_per_shard = max(1, math.floor(max_shard_bytes / slice_bytes))
        shards = int(math.ceil(1.0 * n / slices_per_shard))
        parts[axis] = min(max_shards, shards) if max_shards else shards
        return parts
    return _partitioner


def min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10,
                                 bytes_per_string_element=16):
    """A partitioner that splits `axis` into parts of at least min_slice_size bytes,
    at most max_partitions of them (and at most the axis' length).

        p = gc.min_max_variable_partitioner(max_partitions=8, min_slice_size=1 << 20)"""
    def _partitioner(shape, dtype):
        shape = as_shape(shape)
        if shape._dims is None or axis >= len(shape._dims):
            raise ValueError(f"Can not partition variable along axis {axis} when shape is "
                             f"only {shape}")
        dtype = dtypes.as_dtype(dtype)
        size = bytes_per_string_element if dtype is dtypes.string else dtype.size
        wanted = shape.num_elements() * size / min_slice_size
        parts = [1] * len(shape._dims)
        parts[axis] = max(1, min(shape._dims[axis], max_partitions, int(math.ceil(wanted))))
        return parts
    return _partitioner


def _dim(shape, axis):
    d = as_shape(shape)._dims[axis]
    if not isinstance(d, int):
        raise ValueError(f"fixed_size_partitioner: axis {axis} of shape {shape} is unknown")
    return d


def _check_shape_dtype(shape, dtype):
    if not isinstance(shape, TensorShape):
        raise ValueError(f"shape is not a TensorShape: {shape}")
    if not shape.is_fully_defined():
        raise ValueError(f"shape is not fully defined: {shape}")
    if not isinstance(dtype, dtypes.DType):
        raise ValueError(f"dtype is not a DType: {dtype}")
    return shape, dtype


def create_partitioned_variables(shape, slicing, initializer, dtype=dtypes.float32,
                                 trainable=True, collections=None, name=None, reuse=None):
    """The parts (a list of Variables) of a new partitioned variable sliced as `slicing`
    says (TF1's deprecated form of get_variable with a partitioner).

        parts = gc.create_partitioned_variables([10, 4], [2, 1], gc.zeros_initializer(),
                                                name="W")      # 'W/part_0', 'W/part_1'
    Without a name the variable is 'PartitionedVariable' (made unique)."""
    from .ops.scope import variable_scope
    from .partitioned_store import get_partitioned
    if len(shape) != len(slicing):
        raise ValueError(f"The 'shape' and 'slicing' of a partitioned Variable must have "
                         f"the length: shape: {list(shape)}, slicing: {list(slicing)}")
    if len(shape) < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1: shape: "
                         f"{list(shape)}")
    with variable_scope(name, "PartitionedVariable", reuse=reuse) as scope:
        pv = get_partitioned(scope.name, shape, dtype, initializer, None, scope.reuse,
                             trainable, collections, True, True,
                             lambda **unused: slicing)
    return list(pv)

