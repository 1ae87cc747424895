"""tf.lookup.experimental (TF1 compat.v1): MutableHashTable and DenseHashTable, tables
the graph writes with insert and remove. Their contents live in each Session (empty at
first)."""
import types

import numpy as np

from . import dtypes
from .graph import Tensor, get_default_graph, name_scope
from .lookup import _key_dtype, _Table
from .ops import lookup_ops as L
from .ops.core import convert_to_tensor
from .ops.registry import constant_value

__all__ = ["MutableHashTable", "DenseHashTable", "experimental"]

DEFAULT_BUCKETS = 131072    # TF's MutableDenseHashTableV2 initial_num_buckets default


class MutableHashTable(_Table):
    """A table of keys (string, int32, int64) to values of any dtype and a fixed shape
    (that of default_value), changed by insert and remove (TF1).

        table = gc.lookup.experimental.MutableHashTable(gc.string, gc.int64, -1)
        ins = table.insert(gc.constant(["a", "b"]), gc.constant([1, 2], gc.int64))
        ids = table.lookup(gc.constant(["b", "c"]))        # [2, -1] after ins ran
    """

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 checkpoint=True, experimental_is_anonymous=False, _reserved=(),
                 _buckets=()):
        key_dtype = _key_dtype(dtypes.as_dtype(key_dtype), "MutableHashTable")
        value_dtype = dtypes.as_dtype(value_dtype)
        name = get_default_graph().unique_name(name)
        with name_scope(name + "/"):
            default = convert_to_tensor(default_value, dtype=value_dtype, name="Const")
        if not default.shape.is_fully_defined():
            raise ValueError(f"MutableHashTable: default_value needs a fully known shape, "
                             f"got {default.shape}")
        self._make(name, key_dtype, value_dtype, tuple(default.shape._dims), mutable=True,
                   reserved=_reserved(key_dtype) if _reserved else (), unique=False)
        if _buckets:                    # a DenseHashTable's (see ops/lookup_ops.py)
            self._ref = L.table_attr(*self._ref[:6], buckets=_buckets)
            self._spec = L.Spec(*self._ref)
        self._default = default

    default_value = property(lambda self: self._default)

    def lookup(self, keys, dynamic_default_values=None, name=None):
        """Each key's value; missing keys give default_value (or, where given, the
        matching element of dynamic_default_values, of shape keys.shape + value_shape)."""
        with name_scope(name, f"{self.name}_lookup_table_find"):
            default = self._default if dynamic_default_values is None else \
                convert_to_tensor(dynamic_default_values, dtype=self.value_dtype)
            return self._find(keys, default, name)

    def insert(self, keys, values, name=None):
        """The op that sets keys to values (values: keys.shape + value_shape)."""
        with name_scope(name, f"{self.name}_lookup_table_insert"):
            keys = convert_to_tensor(keys, dtype=self.key_dtype, name="keys")
            values = convert_to_tensor(values, dtype=self.value_dtype, name="values")
            return L.table_op(L.LOOKUP_INSERT, (keys, values), self._ref,
                              "LookupTableInsertV2")

    def remove(self, keys, name=None):
        """The op that removes keys (missing ones are ignored)."""
        with name_scope(name, f"{self.name}_lookup_table_remove"):
            keys = convert_to_tensor(keys, dtype=self.key_dtype, name="keys")
            return L.table_op(L.LOOKUP_REMOVE, (keys,), self._ref, "LookupTableRemoveV2")


def _key_value(key, dtype, what):
    """A DenseHashTable's empty_key/deleted_key as the Python value a key array holds."""
    if isinstance(key, Tensor):
        value = constant_value(key)
        if value is None:
            raise ValueError(f"DenseHashTable: {what} must be a constant, got {key.name}")
        key = value
    arr = np.asarray(key.encode() if isinstance(key, str) else key, dtype.np)
    if arr.ndim:
        raise ValueError(f"DenseHashTable: {what} must be a scalar (graphc has scalar keys "
                         f"only), got shape {arr.shape}")
    value = arr.item()          # an int, or bytes kept as str (a serializable attr)
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


class DenseHashTable(MutableHashTable):
    """TF1's open-addressing table: a MutableHashTable whose empty_key and deleted_key
    may never be used as keys (an InvalidArgumentError when they are). graphc keeps its
    entries as TF's MutableDenseHashTable does, in initial_num_buckets buckets (131072
    by default; a power of 2, at least 4) doubled when more than max_load_factor (0.8)
    of them would be used, so export() gives TF's bucket arrays: keys [buckets, 1]
    (empty_key in free buckets, deleted_key in removed ones) and values [buckets, value
    size], what TF's checkpoints of the table hold (docs/lookup.md).

        table = gc.lookup.experimental.DenseHashTable(gc.int64, gc.int64, -1,
                                                      empty_key=0, deleted_key=-1)
    """

    def __init__(self, key_dtype, value_dtype, default_value, empty_key, deleted_key,
                 initial_num_buckets=None, name="MutableDenseHashTable", checkpoint=True,
                 experimental_is_anonymous=False, _max_load_factor=0.8):
        key_dtype = dtypes.as_dtype(key_dtype)
        empty = _key_value(empty_key, key_dtype, "empty_key")
        deleted = _key_value(deleted_key, key_dtype, "deleted_key")
        if empty == deleted:
            raise ValueError("Empty and deleted keys cannot be equal")
        buckets = DEFAULT_BUCKETS if initial_num_buckets is None else int(initial_num_buckets)
        if buckets < 4 or buckets & (buckets - 1):
            raise ValueError(f"DenseHashTable: initial_num_buckets must be a power of 2 "
                             f"and at least 4 (TF's kernel refuses others), got {buckets}")
        if not 0 < _max_load_factor < 1:
            raise ValueError(f"max_load_factor must be between 0 and 1, got: "
                             f"{_max_load_factor}")
        super().__init__(key_dtype, value_dtype, default_value, name=name,
                         _reserved=lambda _: ((empty, "empty_key"), (deleted, "deleted_key")),
                         _buckets=(buckets, float(_max_load_factor)))
        if len(self._spec.value_shape) > 1:
            raise ValueError(f"DenseHashTable: default_value must be a scalar or a vector "
                             f"(TF), got shape {self._spec.value_shape}")
        self._empty_key, self._deleted_key = empty, deleted


experimental = types.SimpleNamespace(MutableHashTable=MutableHashTable,
                                     DenseHashTable=DenseHashTable)
