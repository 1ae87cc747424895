"""Lookup tables in TF GraphDefs (the vocabulary tables of serving graphs): TF's table
nodes (HashTableV2, MutableHashTableV2, MutableHashTableOfTensorsV2) make a resource
handle that each table op takes as input 0; graphc's table ops name their table in an
attr (ops/lookup_ops.py). So a table node becomes a graphc TableHandle holding the
table, and each op taking its handle builds graphc's op on that table:

    HashTableV2                        -> TableHandle (a static table)
    InitializeTableV2, LookupTableImportV2 (of a static table)   -> InitializeTableV2
    LookupTableImportV2 of a mutable table  -> LookupTableImportV2 (its entries replaced)
    InitializeTableFromTextFileV2      -> InitializeTableFromTextFileV2
    LookupTableFindV2 / SizeV2 / ExportV2 / InsertV2 / RemoveV2  -> the same ops

A table's name (graphc keeps its contents per Session under it) is TF's shared_name,
or the node's name where that is empty, so the nodes TF shares one table between (two
tables of one vocabulary file) share one in graphc too. The export side is
tf_graphdef_export_lookup.py.
"""
from ..ops import lookup_ops as L
from ..ops.lookup_text import INITIALIZE_TABLE_FROM_TEXT_FILE
from ..ops.registry import apply, apply1
from .tf_graphdef_ops import table_op, through_identities

__all__ = ["OPS", "TABLE_NODES"]

OPS = {}
_op = table_op(OPS)

# TF's table node for graphc's mutable tables by value rank (a value shape attr or not)
TABLE_NODES = {"HashTableV2": False, "MutableHashTableV2": True,
               "MutableHashTableOfTensorsV2": True}


@_op(" ".join(TABLE_NODES), "", "?")
def _table(n):
    if n.attr("container", ""):
        raise n.fail(f"container={n.attr('container')!r}: tables shared between sessions "
                     "are not supported (graphc keeps a table in its Session)")
    n.attr("use_node_name_sharing", False)      # an empty shared_name: the node's name
    name = n.attr("shared_name", "") or n.full
    shape = n.attr("value_shape", ()) if n.op == "MutableHashTableOfTensorsV2" else ()
    if shape is None or None in shape:
        raise n.fail(f"value_shape {shape} is not fully known: graphc's tables need it")
    table = L.table_attr(name, n.attr("key_dtype"), n.attr("value_dtype"), shape,
                         mutable=TABLE_NODES[n.op])
    return apply1(L.TABLE_HANDLE, (), name=n.name, table=table)


def table_at(n, handle):
    """The table attr of the handle input of node n."""
    node = through_identities(handle)
    if node.op is not L.TABLE_HANDLE:
        raise n.fail(f"input 0 ({handle.name}) is not a table's handle (a HashTableV2 or "
                     "MutableHashTableV2 node, through Identities): graphc cannot tell "
                     "which table it is")
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
