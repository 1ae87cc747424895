"""tf.data pipelines in graph_defs: an iterator's handle (the attr of its MakeIterator and
IteratorGetNext nodes) as JSON and back, for graphc/io/serialize.py. Never pickle.

A handle is written as its datasets in an order where each comes after those it reads
(an index list, so a dataset read twice is written once), each with its class name, its
element structure, dtypes and static shapes, the tensors it is built from (references to
graph nodes), its map/filter functions (their FuncGraphs are the graph_def's
"functions", as cond branches are) and the plain values in its class's `_saved` list.
Only the dataset classes in `_kinds()` are written; any other (a Python generator, a
user subclass) is refused, naming the class and where the dataset was built.
"""
import collections

from .. import dtypes, errors
from ..shapes import TensorShape
from .dataset import Dataset
from .functions import _Function
from .iterator import _Handle
from .structure import Sparse

__all__ = []


class Unwritable(Exception):
    """Part of a pipeline JSON cannot hold; says which and where it was built."""


def _kinds():
    """The dataset classes a graph_def may hold, by class name."""
    from . import (batching, cache_file, functions, grouping, handles, nested, readers,
                   sampling, single, sources, stateful, transforms)
    classes = [sources._Slices, sources._Tensors, sources._Range, sources._Zip,
               sources._Concat, batching._Batch, transforms._Shuffle, transforms._Repeat,
               transforms._Islice, functions._Map, functions._Filter, readers.TFRecordDataset,
               readers.TextLineDataset, readers.FixedLengthRecordDataset,
               batching._PaddedBatch, batching._Unbatch, transforms._Shard,
               transforms._Cache, nested._Interleave, nested._Reduce, handles._Declared,
               cache_file._FileCache, stateful._Scan, stateful._TakeWhile, stateful._Unique,
               stateful._Random, stateful._Counter, stateful._IgnoreErrors, grouping._Rebatch,
               grouping._SparseBatch, sampling._Choose, sampling._Sample,
               sources._SparseSlices, single._Cardinality, single._Single]
    return {c.__name__: c for c in classes}


def _ordered(root):
    """The datasets `root` reads and itself, each after its parents (iterative)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        ds, ready = stack.pop()
        if ready:
            order.append(ds)
            continue
        if id(ds) in seen:
            continue
        seen.add(id(ds))
        stack.append((ds, True))
        reads = ds._parents + getattr(ds, "_inner", ())   # _inner: flat_map's dataset
        stack.extend((p, False) for p in reversed(reads) if id(p) not in seen)
    return order


def _structure(s):
    """A dataset element structure as JSON (recursion follows the user's nesting)."""
    if s is None:
        return None
    kind, parts = s
    if kind is dict:
        return ["dict", [[k, _structure(v)] for k, v in parts.items()]]
    if kind is Sparse:
        return ["sparse"]
    if kind is tuple:
        return ["tuple", [_structure(v) for v in parts]]
    if not isinstance(kind, type):          # a Ragged component (structure.py)
        raise Unwritable("a RaggedTensor component")
    if issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return ["namedtuple", kind.__name__, list(kind._fields), [_structure(v) for v in parts]]
    raise Unwritable(f"an element structure of kind {kind.__name__}")


def _unstructure(j, classes):
    """The structure back; `classes` keeps one namedtuple class per (name, fields)."""
    if j is None:
        return None
    tag = j[0]
    if tag == "sparse":
        return (Sparse, [None, None, None])
    if tag == "dict":
        return (dict, {k: _unstructure(v, classes) for k, v in j[1]})
    if tag == "tuple":
        return (tuple, [_unstructure(v, classes) for v in j[1]])
    key = (j[1], tuple(j[2]))
    if key not in classes:      # the class itself is Python code: rebuilt from its fields
        classes[key] = collections.namedtuple(j[1], j[2])
    return (classes[key], [_unstructure(v, classes) for v in j[3]])


def _function(fn, enc):
    return {"what": fn.what, "structure": _structure(fn.structure), "graph": enc(fn.fg),
            "ins": [enc(t) for t in fn.ins], "outs": [enc(t) for t in fn.outs],
            "captured": [enc(t) for t in fn.captured]}


def _unfunction(j, dec, classes):
    fn = _Function.__new__(_Function)
    fn.what, fn.structure = j["what"], _unstructure(j["structure"], classes)
    fn.fg = dec(j["graph"])
    fn.ins, fn.outs = tuple(dec(t) for t in j["ins"]), tuple(dec(t) for t in j["outs"])
    fn.captured = [dec(t) for t in j["captured"]]
    return fn


def encode_handle(h, enc):
    """An iterator's _Handle as a JSON-able dict; enc(value) -> [tag, payload] encodes
    tensors, graphs and plain values. Raises Unwritable for what cannot be written."""
    kinds = _kinds()
    order = _ordered(h.dataset)
    index = {id(ds): i for i, ds in enumerate(order)}
    datasets = []
    for ds in order:
        name = type(ds).__name__
        if kinds.get(name) is not type(ds):
            what = getattr(ds, "_unwritable", f"a {name}, which graphc cannot write")
            raise Unwritable(f"the tf.data pipeline of iterator '{h.name}' (made at "
                             f"{errors.format_site(h.site)}) holds {what}; that dataset "
                             f"was built at {errors.format_site(ds._site)}")
        try:
            structure = _structure(ds._structure)
        except Unwritable as e:
            raise Unwritable(f"{e}, in the dataset built at "
                             f"{errors.format_site(ds._site)}") from None
        datasets.append({
            "kind": name, "structure": structure, "types": [t.name for t in ds._types],
            "shapes": [None if s._dims is None else list(s._dims) for s in ds._shapes],
            "parents": [index[id(p)] for p in ds._parents],
            "inner": [index[id(p)] for p in getattr(ds, "_inner", ())],
            "tensors": [enc(t) for t in ds._tensors],
            "functions": [_function(fn, enc) for fn in ds._functions],
            "site": list(ds._site), "saved": {k: enc(getattr(ds, k)) for k in ds._saved}})
    return {"name": h.name, "site": list(h.site), "one_shot": h.one_shot,
            "init": [enc(t) for t in h.init_tensors], "live": [enc(t) for t in h.live],
            "datasets": datasets}


def decode_handle(j, dec):
    """A _Handle rebuilt from encode_handle's dict; dec([tag, payload]) decodes values
    (tensors and graphs as rebuilt by the importer)."""
    kinds, classes, built = _kinds(), {}, []
    for d in j["datasets"]:
        cls = kinds.get(d["kind"])
        if cls is None:
            raise ValueError(f"unknown dataset kind {d['kind']!r} in an iterator's pipeline")
        ds = cls.__new__(cls)
        Dataset.__init__(ds, _unstructure(d["structure"], classes),
                         [dtypes.as_dtype(t) for t in d["types"]],
                         [TensorShape(None if s is None else tuple(s)) for s in d["shapes"]],
                         parents=[built[i] for i in d["parents"]],
                         tensors=[dec(t) for t in d["tensors"]],
                         functions=[_unfunction(f, dec, classes) for f in d["functions"]])
        ds._site = tuple(d["site"])
        if d.get("inner"):
            ds._inner = tuple(built[i] for i in d["inner"])
        for k, v in d["saved"].items():
            setattr(ds, k, dec(v))
        built.append(ds)
    h = _Handle()
    h.dataset, h.name, h.site, h.one_shot = built[-1], j["name"], tuple(j["site"]), j["one_shot"]
    h.init_tensors, h.live = [dec(t) for t in j["init"]], [dec(t) for t in j["live"]]
    return h
