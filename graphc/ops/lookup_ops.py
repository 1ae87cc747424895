"""Lookup tables: state kept per Session, read and written by stateful ops (TF1's
LookupTable* ops). A table is the `table` attribute of every op that uses it: a plain
tuple (name, key/value dtypes, value shape, ...: see table_attr), so such graphs
serialize. Each Session keeps a table's contents in session._op_state under its name, a
dict key -> value row: the same graph run in two Sessions has two tables, as in TF1.

    InitializeTableV2(keys, values)          fills a static table once (later runs: no-op)
    InitializeTableFromTextFileV2(filename)  the same from a text file (lookup_text.py)
    LookupTableFindV2(keys, default_value)   values of keys.shape + value_shape
    LookupTableSizeV2()                      int64 entry count
    LookupTableExportV2()                    (keys, values) in insertion order; a
                                             DenseHashTable's bucket arrays (DenseBuckets)
    LookupTableInsertV2(keys, values), LookupTableRemoveV2(keys)   mutable tables only
    TableHandle()                            the table's name, a string scalar: what
                                             stands for TF's resource handle (HashTableV2)

A static table read before its initializer ran fails with FailedPreconditionError
"Table not initialized." (TF1); a mutable table starts empty in each Session. A
DenseHashTable's contents are TF's own open-addressing buckets (DenseBuckets, in
lookup_dense.py), so
its export, import and checkpoints are TF's bucket arrays, bucket for bucket.
"""
import collections

import numpy as np

from .. import dtypes, errors
from ..graph import get_default_graph
from ..shapes import InferError, TensorShape
from .core import group, no_op
from .lookup_dense import DenseBuckets, _key_bytes, _show
from .registry import OpDef, apply, register

__all__ = ["tables_initializer", "initialize_all_tables"]

TABLE_INITIALIZERS = "table_initializer"        # TF1's GraphKeys.TABLE_INITIALIZERS
KEY_DTYPES = (dtypes.string, dtypes.int32, dtypes.int64)


# A table's identity and types, as a node attribute: a plain tuple, so graphs holding
# tables serialize (graphc/io/serialize.py). Each Session keys the table's contents by
# its name (TF1 keys a table resource by its shared name).
Spec = collections.namedtuple("Spec", ["name", "key_dtype", "value_dtype", "value_shape",
                                       "mutable", "reserved", "buckets"], defaults=((),))


def table_attr(name, key_dtype, value_dtype, value_shape=(), mutable=False, reserved=(),
               buckets=()):
    """The `table` attribute of the ops: (name, key dtype, value dtype, value shape,
    mutable, reserved keys, buckets); reserved holds DenseHashTable's ((empty_key,
    "empty_key"), (deleted_key, "deleted_key")), string keys as str, and buckets its
    (initial_num_buckets, max_load_factor)."""
    return (name, key_dtype, value_dtype, tuple(value_shape), bool(mutable),
            tuple(reserved), tuple(buckets))


def with_spec(fn):
    """fn (an infer rule or kernel) called with its `table` attribute as a Spec."""
    def call(*args, table, **attrs):
        return fn(*args, table=Spec(*table), **attrs)
    call.__name__ = call.__qualname__ = fn.__name__
    return call


def _state_key(spec):
    return ("lookup_table", spec.name)


def _entries(rt, table, keys=None, flat=()):
    """The table's dict in this session (a static one must be initialized). A
    DenseHashTable's keys (array `keys`, as a list `flat`) must be 1-D and must not be
    its reserved keys."""
    if table.reserved and keys is not None and keys.ndim != 1:
        raise errors.ExecutionError(
            f"Expected key shape [{keys.shape[0] if keys.ndim else ''}] got "
            f"[{','.join(str(d) for d in keys.shape)}]")
    for key, what in table.reserved if flat else ():
        if _key_bytes(key) in flat:
            raise errors.ExecutionError(f"Using the {what} as a table key is not allowed")
    state = rt.session._op_state.get(_state_key(table))
    if state is None:
        if not table.mutable:
            raise errors.FailedPreconditionError(
                f"Table not initialized.\n  {errors.describe_node(rt.node)} reads table "
                f"'{table.name}' before its initializer ran in this session: run "
                "gc.tables_initializer() first")
        state = DenseBuckets(table) if table.buckets else {}
        rt.session._op_state[_state_key(table)] = state
    return state


def fill_static(rt, table, keys, values):
    """Initializes a static table from 1-D keys and values; a no-op if it already is
    (TF 2's kernels ignore later initializer runs)."""
    if rt.session._op_state.get(_state_key(table)) is not None:
        return ()
    new = {}
    for k, v in zip(keys.tolist(), values.tolist()):
        old = new.setdefault(k, v)
        if old != v:
            raise errors.FailedPreconditionError(
                f"HashTable has different value for same key. Key {_show(k)} has "
                f"{_show(old)} and trying to add value {_show(v)}\n  "
                f"{errors.describe_node(rt.node)}")
    rt.session._op_state[_state_key(table)] = {k: np.asarray(v, table.value_dtype.np)
                                   for k, v in new.items()}
    return ()


def _check_table_dtype(t, want, what, i, table):
    if t.dtype is not want:
        raise InferError(f"Dtype of argument `{what}` must be {want.name}, received: "
                         f"{t.dtype.name} (table '{table.name}' is {table.key_dtype.name}"
                         f" -> {table.value_dtype.name}): {{{i}}}", "dtype")


def _infer_init(ctx, keys, values, *, table):
    _check_table_dtype(keys, table.key_dtype, "keys", 0, table)
    _check_table_dtype(values, table.value_dtype, "values", 1, table)
    for i, t in enumerate((keys, values)):
        if t.shape.rank not in (None, 1):
            raise InferError(f"Shape must be rank 1 but is rank {t.shape.rank}: {{{i}}}")
    if keys.shape.rank == 1 and values.shape.rank == 1 and \
            not ctx.compatible(keys.shape._dims[0], values.shape._dims[0]):
        raise InferError(f"Dimensions must be equal, but are {keys.shape._dims[0]} and "
                         f"{values.shape._dims[0]}: {{0}} and {{1}}")
    return []


def _init_kernel(rt, keys, values, *, table):
    if keys.shape != values.shape:
        raise errors.ExecutionError(f"keys and values must have the same size, got "
                                    f"{keys.shape} and {values.shape}")
    if keys.size == 0:
        raise errors.ExecutionError("keys and values cannot be empty tensors.")
    return fill_static(rt, table, keys, values)


INITIALIZE_TABLE = register(OpDef(
    "InitializeTableV2", with_spec(_infer_init), with_spec(_init_kernel),
    uses_state=True, stateful=True,
    differentiable=False, api="lookup.KeyValueTensorInitializer",
    signature="KeyValueTensorInitializer(keys, values).initialize(table)",
    shape_rule="keys (n,), values (n,) -> no outputs", dtypes="the table's",
    doc="Fills a static table from 1-D keys and values (once per session)."))


def _infer_find(ctx, keys, default, *, table):
    _check_table_dtype(keys, table.key_dtype, "keys", 0, table)
    _check_table_dtype(default, table.value_dtype, "default_value", 1, table)
    vshape = table.value_shape
    d = default.shape._dims
    rank = keys.shape.rank
    if d is not None and len(d) not in (0, len(vshape)) and \
            (rank is None or len(d) != rank + len(vshape)):
        raise InferError(f"default_value {{1}} must have shape {TensorShape(vshape)} "
                         f"(or the keys' shape {keys.shape} + that)")
    if keys.shape._dims is None:
        return TensorShape(None), table.value_dtype
    return TensorShape(tuple(keys.shape._dims) + vshape), table.value_dtype


def _find_kernel(rt, keys, default, *, table):
    vshape, dt = table.value_shape, table.value_dtype.np
    flat = keys.reshape(-1).tolist()
    d = _entries(rt, table, keys=keys, flat=flat)
    got = [d.get(k) for k in flat]
    hit = np.fromiter((g is not None for g in got), bool, len(flat))
    out = np.empty((len(flat),) + vshape, dt)
    if default.shape == vshape or default.ndim == 0:
        out[...] = default
    else:
        out[...] = np.broadcast_to(default, keys.shape + vshape).reshape(out.shape)
    if hit.any():
        out[hit] = np.stack([g for g in got if g is not None]).astype(dt, copy=False)
    return out.reshape(keys.shape + vshape)


LOOKUP_FIND = register(OpDef(
    "LookupTableFindV2", with_spec(_infer_find), with_spec(_find_kernel),
    uses_state=True, stateful=True,
    differentiable=False, api="lookup.StaticHashTable.lookup",
    signature="table.lookup(keys, name=None)",
    shape_rule="keys.shape + value_shape", dtypes="keys: the table's key dtype",
    doc="Each key's value in the table, default_value where it is missing."))


def _size_kernel(rt, *, table):
    return np.asarray(len(_entries(rt, table)), np.int64)


LOOKUP_SIZE = register(OpDef(
    "LookupTableSizeV2", lambda ctx, *, table: ((), dtypes.int64), with_spec(_size_kernel),
    uses_state=True, stateful=True, differentiable=False, api="lookup.StaticHashTable.size",
    signature="table.size(name=None)", shape_rule="() int64", dtypes="int64",
    doc="The number of entries in a table."))


def _value_size(table):
    return int(np.prod(table.value_shape, dtype=np.int64))


def _infer_export(ctx, *, table):
    if table.buckets:                   # TF's bucket arrays
        return [((None, 1), table.key_dtype), ((None, _value_size(table)), table.value_dtype)]
    return [((None,), table.key_dtype), ((None,) + table.value_shape, table.value_dtype)]


def _export_kernel(rt, *, table):
    d = _entries(rt, table)
    if table.buckets:
        return d.export()
    keys = np.empty(len(d), table.key_dtype.np)
    keys[:] = list(d)
    values = np.empty((len(d),) + table.value_shape, table.value_dtype.np)
    if d:
        values[...] = np.stack(list(d.values()))
    return keys, values


LOOKUP_EXPORT = register(OpDef(
    "LookupTableExportV2", with_spec(_infer_export), with_spec(_export_kernel),
    uses_state=True, stateful=True,
    differentiable=False, api="lookup.StaticHashTable.export",
    signature="table.export(name=None)", shape_rule="-> (n,), (n,) + value_shape",
    dtypes="the table's key and value dtypes",
    doc="All keys and values of a table (graphc: in insertion order); of a "
        "DenseHashTable, TF's bucket arrays ([buckets, 1] keys, empty_key in free buckets, "
        "deleted_key in removed ones; [buckets, value size] values)."))


def _infer_insert(ctx, keys, values, *, table):
    _check_table_dtype(keys, table.key_dtype, "keys", 0, table)
    _check_table_dtype(values, table.value_dtype, "values", 1, table)
    k, v = keys.shape._dims, values.shape._dims
    if k is not None and v is not None:
        want = tuple(k) + table.value_shape
        if len(v) != len(want) or not all(ctx.compatible(a, b) for a, b in zip(v, want)):
            raise InferError(f"Expected shape {TensorShape(want)} for value, got "
                             f"{values.shape}: {{0}} and {{1}}")
    return []


def _insert_kernel(rt, keys, values, *, table):
    want = keys.shape + table.value_shape
    if values.shape != want:
        raise errors.ExecutionError(f"Expected shape {list(want)} for value, got "
                                    f"{list(values.shape)}")
    flat = keys.reshape(-1).tolist()
    d = _entries(rt, table, keys=keys, flat=flat)
    rows = values.reshape((keys.size,) + table.value_shape)
    if table.buckets:
        d.insert(flat, rows)
        return ()
    for k, v in zip(flat, rows):
        d[k] = np.array(v, copy=True)
    return ()


LOOKUP_INSERT = register(OpDef(
    "LookupTableInsertV2", with_spec(_infer_insert), with_spec(_insert_kernel),
    uses_state=True, stateful=True,
    differentiable=False, api="lookup.experimental.MutableHashTable.insert",
    signature="table.insert(keys, values, name=None)",
    shape_rule="keys K, values K + value_shape -> no outputs", dtypes="the table's",
    doc="Sets the values of keys in a mutable table."))


def _infer_import(ctx, keys, values, *, table):
    if not table.buckets:
        return _infer_insert(ctx, keys, values, table=table)
    _check_table_dtype(keys, table.key_dtype, "keys", 0, table)
    _check_table_dtype(values, table.value_dtype, "values", 1, table)
    k, v = keys.shape._dims, values.shape._dims
    if k is not None and (len(k) != 2 or not ctx.compatible(k[1], 1)):
        raise InferError(f"A DenseHashTable imports TF's bucket arrays: keys of shape "
                         f"[buckets, 1], got {keys.shape}: {{0}}")
    if k is not None and v is not None:
        want = (k[0], _value_size(table))
        if len(v) != 2 or not all(ctx.compatible(a, b) for a, b in zip(v, want)):
            raise InferError(f"Expected shape {TensorShape(want)} for value, got "
                             f"{values.shape}: {{0}} and {{1}}")
    return []


def _import_kernel(rt, keys, values, *, table):
    if not table.buckets:
        _entries(rt, table).clear()
        return _insert_kernel(rt, keys, values, table=table)
    want = keys.shape[:-1] + (_value_size(table),)
    if keys.ndim != 2 or keys.shape[1] != 1 or values.shape != want:
        raise errors.InvalidArgumentError(
            f"Expected keys [buckets, 1] and values {list(want)} (TF's bucket arrays of "
            f"a DenseHashTable), got {list(keys.shape)} and {list(values.shape)}")
    _entries(rt, table).assign(keys, values)
    return ()


LOOKUP_IMPORT = register(OpDef(
    "LookupTableImportV2", with_spec(_infer_import), with_spec(_import_kernel),
    uses_state=True, stateful=True, differentiable=False,
    api="lookup.experimental.MutableHashTable (a restore of its checkpointed entries)",
    signature="(TF's LookupTableImportV2 of a mutable table)",
    shape_rule="keys K, values K + value_shape -> no outputs", dtypes="the table's",
    doc="Replaces all entries of a mutable table by keys and values (what TF 2's "
        "checkpoint restore of a MutableHashTable runs); a DenseHashTable takes TF's "
        "bucket arrays as they are, its entries the buckets holding neither empty_key "
        "nor deleted_key."))


def _infer_remove(ctx, keys, *, table):
    _check_table_dtype(keys, table.key_dtype, "keys", 0, table)
    return []


def _remove_kernel(rt, keys, *, table):
    flat = keys.reshape(-1).tolist()
    d = _entries(rt, table, keys=keys, flat=flat)
    if table.buckets:
        d.remove(flat)
        return ()
    for k in flat:
        d.pop(k, None)
    return ()


LOOKUP_REMOVE = register(OpDef(
    "LookupTableRemoveV2", with_spec(_infer_remove), with_spec(_remove_kernel),
    uses_state=True, stateful=True,
    differentiable=False, api="lookup.experimental.MutableHashTable.remove",
    signature="table.remove(keys, name=None)", shape_rule="keys of any shape -> no outputs",
    dtypes="the table's key dtype", doc="Removes keys (missing ones ignored) from a "
    "mutable table."))


def _handle_kernel(*, table):
    return np.array(table.name.encode("utf-8"), dtype=object)


TABLE_HANDLE = register(OpDef(
    "TableHandle", lambda ctx, *, table: ((), dtypes.string), with_spec(_handle_kernel),
    stateful=True, differentiable=False, api="lookup.StaticHashTable.resource_handle",
    signature="table.resource_handle", shape_rule="() string",
    dtypes="string", doc="A table's handle (TF's HashTableV2 and MutableHashTableV2 "
    "nodes): graphc's ops name their table in an attr, so the handle is only the table's "
    "name; TF GraphDef import and export map it to TF's resource handle."))


def table_op(op, inputs, table, name):
    """Builds one of the ops above on `table` (the node; tensors via .outputs)."""
    return apply(op, tuple(inputs), name=name, table=table)


def tables_initializer(name="init_all_tables"):
    """One op that runs every table initializer of the graph (TF1: the
    "table_initializer" collection), a no-op if there is none.

        table = gc.lookup.StaticHashTable(gc.lookup.KeyValueTensorInitializer(
            ["a", "b"], [0, 1]), -1)
        sess.run(gc.tables_initializer())
    """
    inits = get_default_graph().get_collection(TABLE_INITIALIZERS)
    return group(*inits, name=name) if inits else no_op(name=name)


initialize_all_tables = tables_initializer
