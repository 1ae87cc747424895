"""The export side of tf_graphdef_lookup.py: graphc's table ops as TF's, each reading
its table's handle. A table's handle node is the graph's TableHandle of that table
(one the importer made, or table.resource_handle) or, where the graph has none, a
node written here at the table's first use, named as the table. Its shared_name is the
table's name, so the ops of one graphc table meet one TF table in a Session.
A DenseHashTable is TF's MutableDenseHashTableV2, its empty_key and deleted_key Const
nodes beside it; graphc keeps its buckets as TF does (ops/lookup_dense.py DenseBuckets),
so the bucket arrays its LookupTableExportV2/ImportV2 (a Saver's) move are TF's."""
import numpy as np

from ..ops.lookup_ops import Spec
from ..shapes import TensorShape
from .tf_graphdef import NodeDef
from .tf_graphdef_export import Shape, attr_value, export, in_dtype

__all__ = []


def _table_node(ex, n, spec, name=None):
    """Emit the TF table node of Spec `spec`: graphc node n's own (a TableHandle), or,
    with `name`, one named so for the ops of n's table."""
    attrs = dict(container="", shared_name=spec.name, use_node_name_sharing=False,
                 key_dtype=spec.key_dtype, value_dtype=spec.value_dtype)
    op, inputs = "HashTableV2", []
    if spec.buckets:
        op = "MutableDenseHashTableV2"
        attrs.update(value_shape=Shape(TensorShape(spec.value_shape)),
                     initial_num_buckets=spec.buckets[0], max_load_factor=spec.buckets[1])
        inputs = [_key_const(ex, n, name or n.name, key, what, spec.key_dtype)
                  for key, what in spec.reserved]
    elif spec.mutable:
        op = "MutableHashTableOfTensorsV2" if spec.value_shape else "MutableHashTableV2"
        if spec.value_shape:
            attrs["value_shape"] = Shape(TensorShape(spec.value_shape))
    if name is None:
        ex.emit(n, op, inputs, **attrs)
        return
    ex.gd.node.append(NodeDef(name=name, op=op, input=inputs, device=n.device,
                              attr={k: attr_value(v) for k, v in sorted(attrs.items())}))


def _key_const(ex, n, table, key, what, dtype):
    """A Const node 'table/empty_key' (or deleted_key) of a DenseHashTable's key."""
    value = key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key
    name = ex.unique(f"{table}/{what}")
    ex.gd.node.append(NodeDef(name=name, op="Const", device=n.device, attr={
        "dtype": attr_value(dtype), "value": attr_value(np.asarray(value, dtype.np))}))
    return name


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
