"""Lookup tables in TF GraphDefs (the vocabulary tables of serving graphs): TF's table
nodes (HashTableV2, MutableHashTableV2, MutableHashTableOfTensorsV2,
MutableDenseHashTableV2) make a resource handle that each table op takes as input 0;
graphc's table ops name their table in an attr (ops/lookup_ops.py). So a table node
becomes a graphc TableHandle holding the table, and each op taking its handle builds
graphc's op on that table:

    HashTableV2                        -> TableHandle (a static table)
    MutableDenseHashTableV2            -> TableHandle (a DenseHashTable: its empty_key
                                          and deleted_key inputs must be constants)
    InitializeTableV2, LookupTableImportV2 (of a static table)   -> InitializeTableV2
    LookupTableImportV2 of a mutable table  -> LookupTableImportV2 (its entries replaced)
                                          (a DenseHashTable's: TF's bucket arrays)
    InitializeTableFromTextFileV2      -> InitializeTableFromTextFileV2
    LookupTableFindV2 / SizeV2 / ExportV2 / InsertV2 / RemoveV2  -> the same ops

A table's name (graphc keeps its contents per Session under it) is TF's shared_name,
or the node's name where that is empty, so the nodes TF shares one table between (two
tables of one vocabulary file) share one in graphc too. The export side is
tf_graphdef_export_lookup.py.
"""
import numpy as np

from ..ops import lookup_ops as L
from ..ops.lookup_text import INITIALIZE_TABLE_FROM_TEXT_FILE
from ..ops.registry import apply, apply1, constant_value
from .tf_graphdef_ops import table_op, through_identities

__all__ = ["OPS", "TABLE_NODES"]

OPS = {}
_op = table_op(OPS)

# TF's table node for graphc's mutable tables by value rank (a value shape attr or not)
TABLE_NODES = {"HashTableV2": False, "MutableHashTableV2": True,
               "MutableHashTableOfTensorsV2": True}


def _table_name(n):
    """The table's name: TF's shared_name, else the node's."""
    if n.attr("container", ""):
        raise n.fail(f"container={n.attr('container')!r}: tables shared between sessions "
                     "are not supported (graphc keeps a table in its Session)")
    n.attr("use_node_name_sharing", False)      # an empty shared_name: the node's name
    return n.attr("shared_name", "") or n.full


@_op(" ".join(TABLE_NODES), "", "?")
def _table(n):
    name = _table_name(n)
    shape = n.attr("value_shape", ()) if n.op == "MutableHashTableOfTensorsV2" else ()
    if shape is None or None in shape:
        raise n.fail(f"value_shape {shape} is not fully known: graphc's tables need it")
    table = L.table_attr(name, n.attr("key_dtype"), n.attr("value_dtype"), shape,
                         mutable=TABLE_NODES[n.op])
    return apply1(L.TABLE_HANDLE, (), name=n.name, table=table)


@_op("MutableDenseHashTableV2", "key_dtype key_dtype", "?")
def _dense_table(n, empty_key, deleted_key):
    """A DenseHashTable: graphc's table attr holds its empty and deleted keys, so they
    must be constants (TF's own Python passes constants)."""
    name = _table_name(n)
    reserved = []
    for what, t in (("empty_key", empty_key), ("deleted_key", deleted_key)):
        value = constant_value(t)
        if value is None or np.ndim(value):
            why = "not a constant" if value is None else f"of shape {np.shape(value)}"
            raise n.fail(f"its {what} ({t.name}) is {why}: graphc's DenseHashTable needs "
                         "a constant scalar key")
        key = np.asarray(value).item()
        reserved.append((key.decode("utf-8", "surrogateescape")
                         if isinstance(key, bytes) else key, what))
    if reserved[0][0] == reserved[1][0]:
        raise n.fail("Empty and deleted keys cannot be equal")
    shape = n.attr("value_shape", ())
    if shape is None or None in shape or len(shape) > 1:
        raise n.fail(f"value_shape {shape}: graphc's DenseHashTable needs a known scalar "
                     "or vector value shape (TF's kernel: a scalar or a vector)")
    buckets, load = n.attr("initial_num_buckets", 131072), n.attr("max_load_factor", 0.8)
    if buckets < 4 or buckets & (buckets - 1) or not 0 < load < 1:
        raise n.fail(f"initial_num_buckets {buckets} (a power of 2, at least 4) or "
                     f"max_load_factor {load} (between 0 and 1) is one TF's kernel refuses")
    table = L.table_attr(name, n.attr("key_dtype"), n.attr("value_dtype"), shape,
                         mutable=True, reserved=reserved, buckets=(buckets, load))
    return apply1(L.TABLE_HANDLE, (), name=n.name, table=table)


def table_at(n, handle):
    """The table attr of the handle input of node n."""
    node = through_identities(handle)
    if node.op is not L.TABLE_HANDLE:
        raise n.fail(f"input 0 ({handle.name}) is not a table's handle (a HashTableV2, "
                     "MutableHashTableV2 or MutableDenseHashTableV2 node, through "
                     "Identities): graphc cannot tell which table it is")
    return node.attrs["table"]


def _init(n, handle, keys, values):
    """A static table's initialization; a mutable one's LookupTableImportV2 (TF 2's
    restore of its checkpointed entries) replaces its contents."""
    table = table_at(n, handle)
    if L.Spec(*table).mutable:
        if n.op != "LookupTableImportV2":
            raise n.fail("InitializeTableV2 of a mutable table (TF initializes static "
                         "tables only)")
        return L.table_op(L.LOOKUP_IMPORT, (keys, values), table, n.name)
    return L.table_op(L.INITIALIZE_TABLE, (keys, values), table, n.name)


OPS["InitializeTableV2"] = (("?", "Tkey", "Tval"), (), _init)
OPS["LookupTableImportV2"] = (("?", "Tin", "Tout"), (), _init)


@_op("InitializeTableFromTextFileV2", "? =string", "")
def _init_text(n, handle, filename):
    return apply(INITIALIZE_TABLE_FROM_TEXT_FILE, (filename,), name=n.name,
                 table=table_at(n, handle), key_index=n.attr("key_index"),
                 value_index=n.attr("value_index"), vocab_size=n.attr("vocab_size", -1),
                 delimiter=n.attr("delimiter", "\t"), offset=n.attr("offset", 0))


@_op("LookupTableFindV2", "? Tin Tout", "Tout")
def _find(n, handle, keys, default):
    return L.table_op(L.LOOKUP_FIND, (keys, default), table_at(n, handle), n.name).outputs[0]


@_op("LookupTableSizeV2", "?", "=int64")
def _size(n, handle):
    return L.table_op(L.LOOKUP_SIZE, (), table_at(n, handle), n.name).outputs[0]


@_op("LookupTableExportV2", "?", "Tkeys Tvalues")
def _export(n, handle):
    return list(L.table_op(L.LOOKUP_EXPORT, (), table_at(n, handle), n.name).outputs)


@_op("LookupTableInsertV2", "? Tin Tout", "")
def _insert(n, handle, keys, values):
    return L.table_op(L.LOOKUP_INSERT, (keys, values), table_at(n, handle), n.name)


@_op("LookupTableRemoveV2", "? Tin", "")
def _remove(n, handle, keys):
    return L.table_op(L.LOOKUP_REMOVE, (keys,), table_at(n, handle), n.name)
