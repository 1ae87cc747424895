"""The export side of tf_graphdef_lookup.py: graphc's table ops as TF's, each reading
its table's handle. A table's handle node is the graph's TableHandle of that table
(one the importer made, or table.resource_handle) or, where the graph has none, a
node written here at the table's first use, named as the table. Its shared_name is the
table's name, so the ops of one graphc table meet one TF table in a Session.
DenseHashTable is refused (TF exports its bucket array, graphc its entries)."""
from ..ops.lookup_ops import Spec
from ..shapes import TensorShape
from .tf_graphdef import NodeDef
from .tf_graphdef_export import Shape, attr_value, export, in_dtype

__all__ = []


def _table_node(ex, n, spec, name=None):
    """Emit the TF table node of Spec `spec`: graphc node n's own (a TableHandle), or,
    with `name`, one named so for the ops of n's table."""
    if spec.reserved:
        raise ex.fail(n, f"table '{spec.name}' is a DenseHashTable, which graphc does not "
                         "export (TF's MutableDenseHashTableV2 exports its bucket array)")
    attrs = dict(container="", shared_name=spec.name, use_node_name_sharing=False,
                 key_dtype=spec.key_dtype, value_dtype=spec.value_dtype)
    op = "HashTableV2"
    if spec.mutable:
        op = "MutableHashTableOfTensorsV2" if spec.value_shape else "MutableHashTableV2"
        if spec.value_shape:
            attrs["value_shape"] = Shape(TensorShape(spec.value_shape))
    if name is None:
        ex.emit(n, op, (), **attrs)
        return
    ex.gd.node.append(NodeDef(name=name, op=op, device=n.device,
                              attr={k: attr_value(v) for k, v in sorted(attrs.items())}))


@export("TableHandle")
def _export_handle(ex, n):
    _table_node(ex, n, Spec(*n.attrs["table"]))


def _handle(ex, n):
    """The name of the handle node of n's table, written at its first use (in a function
    body, its own: TF's table nodes of one shared_name are one table)."""
    handles = ex.__dict__.setdefault("table_handles", {})
    graph = getattr(ex, "_graph", None)         # (None: a function body's exporter)
    if not handles and graph is not None:
        handles.update((m.attrs["table"][0], m.name) for m in graph.nodes
                       if m.type == "TableHandle")
    spec = Spec(*n.attrs["table"])
    if spec.name not in handles:
        handles[spec.name] = ex.unique(spec.name)
        _table_node(ex, n, spec, handles[spec.name])
    return handles[spec.name]


@export("InitializeTableV2")
def _export_init(ex, n):
    keys, values = n.inputs
    ex.emit(n, "InitializeTableV2", (_handle(ex, n), keys, values), Tkey=keys.dtype,
            Tval=values.dtype)


@export("InitializeTableFromTextFileV2")
def _export_init_text(ex, n):
    a = n.attrs
    ex.emit(n, "InitializeTableFromTextFileV2", (_handle(ex, n), n.inputs[0]),
            key_index=a["key_index"], value_index=a["value_index"],
            vocab_size=a["vocab_size"], delimiter=a["delimiter"], offset=a["offset"])


@export("LookupTableFindV2", "LookupTableInsertV2", "LookupTableImportV2")
def _export_find(ex, n):
    ex.emit(n, n.type, (_handle(ex, n), *n.inputs), Tin=in_dtype(n, 0),
            Tout=in_dtype(n, 1))


@export("LookupTableSizeV2")
def _export_size(ex, n):
    ex.emit(n, "LookupTableSizeV2", (_handle(ex, n),))


@export("LookupTableExportV2")
def _export_export(ex, n):
    keys, values = n.outputs
    ex.emit(n, "LookupTableExportV2", (_handle(ex, n),), Tkeys=keys.dtype,
            Tvalues=values.dtype)


@export("LookupTableRemoveV2")
def _export_remove(ex, n):
    ex.emit(n, "LookupTableRemoveV2", (_handle(ex, n), n.inputs[0]), Tin=in_dtype(n, 0))
