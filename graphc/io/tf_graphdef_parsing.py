"""TF GraphDef import of the parsing ops of serving input graphs: ParseExampleV2 (what
tf.io.parse_example and parse_single_example make in TF 2), ParseExample and
ParseSingleExample (TF 1's), DecodeRaw and DecodeCSV. The export side is
tf_graphdef_export_parsing.py.

graphc's ParseExample node holds one spec per feature (ops/parsing_example.py) and
gives each feature's outputs together (a VarLenFeature's indices, values, shape); TF's
lists its outputs by kind: every sparse feature's indices, then their values, their
shapes, the dense values, the ragged values and the ragged row_splits. The keys and
the dense defaults must be constants (graphc reads them when it builds the node); a
dense default of no elements makes the feature required, as in TF. A dense shape whose
first dim is -1 is a FixedLenSequenceFeature (allow_missing), its default the padding.
example_names (`names`) only name records in TF's error messages and are not used.
"""
import numpy as np

import graphc as gc

from .. import dtypes
from ..ops.parsing_example import PARSE_EXAMPLE
from ..ops.parsing_misc import DECODE_CSV
from ..ops.registry import apply
from .tf_graphdef_ops import table_op

__all__ = ["OPS", "tf_order"]

OPS = {}
_op = table_op(OPS)


def _keys(n, tensors, what):
    """The feature keys held by constant string tensors (each a vector or a scalar)."""
    out = []
    for t in tensors:
        out += [k.decode("utf-8") if isinstance(k, bytes) else str(k)
                for k in np.asarray(n.static(t, what), object).ravel().tolist()]
    return out


def _dense_spec(n, key, dtype, dims, default):
    """graphc's spec of a dense feature of TF dense_shape dims (None: -1) and default."""
    dims = list(dims) if dims is not None else None
    seq = bool(dims) and dims[0] is None
    if dims is None or None in dims[1 if seq else 0:]:
        raise n.fail(f"dense feature '{key}' has shape {dims}: graphc needs a fully known "
                     "shape (a first dim of -1 for a FixedLenSequenceFeature)")
    value = np.asarray(n.static(default, f"dense_defaults for '{key}'"))
    shape = tuple(dims[1:] if seq else dims)
    if value.size == 0:
        value = None if not seq else np.zeros((), dtype.np)
    if value is not None:
        want = 1 if seq else int(np.prod(shape, dtype=np.int64))
        if value.size != want:
            raise n.fail(f"dense_defaults for '{key}' has {value.size} elements, the "
                         f"feature {want}")
        value = tuple(value.ravel().tolist())
    return ("seq" if seq else "dense", key, dtype.name, shape, value, None)


def _parse(n, serialized, sparse, dense, ragged):
    """Build graphc's node from TF's lists: sparse [(key, dtype)], dense [(key, dtype,
    dims, default tensor)], ragged [(key, value dtype, splits dtype)]; returns the outputs
    in TF's order."""
    specs = ([("var", k, dt.name, (), None, None) for k, dt in sparse]
             + [_dense_spec(n, *d) for d in dense]
             + [("ragged", k, dt.name, (), None, (k, (), sdt.name)) for k, dt, sdt in ragged])
    keys = [s[1] for s in specs]
    if len(set(keys)) != len(keys):
        raise n.fail(f"a feature key is listed twice: {keys}")
    node = apply(PARSE_EXAMPLE, (serialized,), name=n.name, specs=tuple(specs),
                 single=serialized.shape.rank == 0)
    return tf_order(node.outputs, len(sparse), len(dense), len(ragged))


def tf_order(outs, n_sparse, n_dense, n_ragged):
    """graphc's per-feature outputs (sparse features first, 3 each; dense, 1 each; ragged,
    values and row_splits) in TF's order by kind."""
    outs = list(outs)
    sp, rest = outs[:3 * n_sparse], outs[3 * n_sparse:]
    dense, rag = rest[:n_dense], rest[n_dense:]
    return sp[0::3] + sp[1::3] + sp[2::3] + dense + rag[0::2] + rag[1::2]


def _types(n, key):
    return list(n.attr(key, []))


@_op("ParseExampleV2", "=string =string =string =string =string *Tdense",
     "num_sparse*=int64 *sparse_types num_sparse*=int64 *Tdense *ragged_value_types "
     "*ragged_split_types")
def _parse_v2(n, serialized, names, sparse_keys, dense_keys, ragged_keys, *defaults):
    sparse_types, tdense = _types(n, "sparse_types"), _types(n, "Tdense")
    n.attr("num_sparse", len(sparse_types))
    rtypes, stypes = _types(n, "ragged_value_types"), _types(n, "ragged_split_types")
    skeys = _keys(n, [sparse_keys], "sparse_keys")
    dkeys = _keys(n, [dense_keys], "dense_keys")
    rkeys = _keys(n, [ragged_keys], "ragged_keys")
    shapes = n.attr("dense_shapes", [])
    if not (len(skeys) == len(sparse_types) and len(dkeys) == len(tdense) == len(shapes)
            == len(defaults) and len(rkeys) == len(rtypes) == len(stypes)):
        raise n.fail("its keys, types and dense_shapes disagree in number")
    return _parse(n, serialized, list(zip(skeys, sparse_types)),
                  list(zip(dkeys, tdense, shapes, defaults)),
                  list(zip(rkeys, rtypes, stypes)))


def _v1_split(inputs, counts):
    out, i = [], 0
    for c in counts:
        out.append(list(inputs[i:i + c]))
        i += c
    return out


@_op("ParseExample", "=string =string Nsparse*=string Ndense*=string *Tdense",
     "Nsparse*=int64 *sparse_types Nsparse*=int64 *Tdense")
def _parse_v1(n, serialized, names, *rest):
    ns, nd = n.attr("Nsparse"), n.attr("Ndense")
    skeys, dkeys, defaults = _v1_split(rest, (ns, nd, nd))
    sparse_types, tdense = _types(n, "sparse_types"), _types(n, "Tdense")
    shapes = n.attr("dense_shapes", [])
    return _parse(n, serialized, list(zip(_keys(n, skeys, "sparse_keys"), sparse_types)),
                  list(zip(_keys(n, dkeys, "dense_keys"), tdense, shapes, defaults)), [])


@_op("ParseSingleExample", "=string *Tdense",
     "num_sparse*=int64 *sparse_types num_sparse*=int64 *Tdense")
def _parse_single(n, serialized, *defaults):
    n.attr("num_sparse")
    skeys, dkeys = list(n.attr("sparse_keys", [])), list(n.attr("dense_keys", []))
    return _parse(n, serialized, list(zip(skeys, _types(n, "sparse_types"))),
                  list(zip(dkeys, _types(n, "Tdense"), n.attr("dense_shapes", []),
                           defaults)), [])


@_op("DecodeRaw", "=string", "out_type")
def _decode_raw(n, x):
    return gc.decode_raw(x, n.attr("out_type"), little_endian=n.attr("little_endian", True),
                         name=n.name)


@_op("DecodeCSV", "=string *OUT_TYPE", "*OUT_TYPE")
def _decode_csv(n, records, *record_defaults):
    defaults = []
    for k, (t, dt) in enumerate(zip(record_defaults, n.attr("OUT_TYPE"))):
        value = np.asarray(n.static(t, f"record_defaults[{k}]"))
        if value.size > 1:
            raise n.fail(f"record_defaults[{k}] has {value.size} values (one or none)")
        v = value.ravel()[0] if value.size else None
        defaults.append((dt, None if v is None else
                         bytes(v) if dt is dtypes.string else v.item()))
    cols = n.attr("select_cols", [])
    node = apply(DECODE_CSV, (records,), name=n.name, defaults=tuple(defaults),
                 delim=n.attr("field_delim", ","), quotes=n.attr("use_quote_delim", True),
                 na_value=n.attr("na_value", ""), select_cols=tuple(cols) if cols else None)
    return list(node.outputs)


@_op("ParseSequenceExampleV2",
     "=string =string =string =string =string =string =string =string =bool "
     "*Tcontext_dense",
     "Ncontext_sparse*=int64 *context_sparse_types Ncontext_sparse*=int64 *Tcontext_dense "
     "*context_ragged_value_types *context_ragged_split_types "
     "Nfeature_list_sparse*=int64 *feature_list_sparse_types Nfeature_list_sparse*=int64 "
     "*feature_list_dense_types Nfeature_list_dense*=int64 "
     "*feature_list_ragged_value_types *feature_list_ragged_split_types "
     "*feature_list_ragged_split_types")
def _parse_sequence_v2(n, serialized, names, c_sparse, c_dense, c_ragged, f_sparse, f_dense,
                       f_ragged, missing_empty, *defaults):
    """tf.io.parse_sequence_example (a batch) and parse_single_sequence_example (a
    scalar): graphc's ParseSequenceExample / ParseSingleSequenceExample node, its
    outputs put in TF's order by kind. Ragged features are refused."""
    for what, keys in (("context_ragged_keys", c_ragged), ("feature_list_ragged_keys",
                                                            f_ragged)):
        if _keys(n, [keys], what):
            raise n.fail(f"{what}: ragged features of SequenceExamples are not supported "
                         "by graphc")
    empty = np.asarray(n.static(missing_empty, "feature_list_dense_missing_assumed_empty"),
                       bool).ravel().tolist()
    fdk = _keys(n, [f_dense], "feature_list_dense_keys")
    return _sequence(n, serialized, _keys(n, [c_sparse], "context_sparse_keys"),
                     _keys(n, [c_dense], "context_dense_keys"),
                     _keys(n, [f_sparse], "feature_list_sparse_keys"), fdk,
                     empty or [False] * len(fdk), defaults, lengths=True)


def _sequence(n, serialized, csk, cdk, fsk, fdk, empty, defaults, lengths):
    """graphc's sequence parse of TF's feature lists (keys, the attrs' types and shapes,
    missing-assumed-empty flags of the dense feature lists), its outputs in TF's order
    by kind; `lengths`: with the dense feature lists' lengths (not TF1's single op)."""
    from ..ops.parsing_sequence import PARSE_SEQUENCE
    from ..ops.parsing_sequence_batch import PARSE_SEQUENCE_BATCH
    for k in ("Ncontext_sparse", "Ncontext_dense", "Nfeature_list_sparse",
              "Nfeature_list_dense"):
        n.attr(k, 0)
    cst, cdt = _types(n, "context_sparse_types"), _types(n, "Tcontext_dense")
    fst, fdt = _types(n, "feature_list_sparse_types"), _types(n, "feature_list_dense_types")
    cshapes = n.attr("context_dense_shapes", [])
    fshapes = n.attr("feature_list_dense_shapes", [])
    if not (len(csk) == len(cst) and len(cdk) == len(cdt) == len(cshapes) == len(defaults)
            and len(fsk) == len(fst) and len(fdk) == len(fdt) == len(fshapes) == len(empty)):
        raise n.fail("its keys, types and shapes disagree in number")
    context = tuple([("var", k, dt.name, (), None, None) for k, dt in zip(csk, cst)]
                    + [_dense_spec(n, *d) for d in zip(cdk, cdt, cshapes, defaults)])
    sequence = []
    for k, dt, dims, allow in zip(fdk, fdt, fshapes, empty):
        if dims is None or None in dims:
            raise n.fail(f"feature list '{k}' has shape {dims}: graphc needs it known")
        sequence.append(("seq", k, dt.name, tuple(dims), None, bool(allow)))
    sequence = tuple([("var", k, dt.name, (), None, None) for k, dt in zip(fsk, fst)]
                     + sequence)
    single = serialized.shape.rank == 0
    node = apply(PARSE_SEQUENCE if single else PARSE_SEQUENCE_BATCH, (serialized,),
                 name=n.name, context=context, sequence=sequence)
    outs = list(node.outputs)
    n_context = 3 * len(csk) + len(cdk)
    head = tf_order(outs[:n_context], len(csk), len(cdk), 0)
    seq = outs[n_context:]
    sp, rest = seq[:3 * len(fsk)], seq[3 * len(fsk):]
    if single:                  # one example: its length is its values' first dim
        values = rest
        lens = [gc.cast(gc.shape(v, out_type=gc.int64)[0], gc.int64,
                        name=n.sub(f"length_{i}")) for i, v in enumerate(values)]
    else:
        values, lens = rest[0::2], rest[1::2]
    return head + sp[0::3] + sp[1::3] + sp[2::3] + values + (lens if lengths else [])


def _attr_keys(n, key):
    return [k.decode("utf-8") if isinstance(k, bytes) else str(k) for k in n.attr(key, [])]


@_op("ParseSingleSequenceExample",
     "=string =string Ncontext_sparse*=string Ncontext_dense*=string "
     "Nfeature_list_sparse*=string Nfeature_list_dense*=string *Tcontext_dense =string",
     "Ncontext_sparse*=int64 *context_sparse_types Ncontext_sparse*=int64 *Tcontext_dense "
     "Nfeature_list_sparse*=int64 *feature_list_sparse_types Nfeature_list_sparse*=int64 "
     "*feature_list_dense_types")
def _parse_single_sequence_v1(n, serialized, missing_empty, *rest):
    """TF 1's parse_single_sequence_example op: keys as scalar inputs, the dense feature
    lists that may be missing named by a string vector."""
    counts = [n.attr(k, 0) for k in ("Ncontext_sparse", "Ncontext_dense",
                                     "Nfeature_list_sparse", "Nfeature_list_dense")]
    csk, cdk, fsk, fdk, defaults = _v1_split(rest, counts + [counts[1]])
    fdk = _keys(n, fdk, "feature_list_dense_keys")
    allowed = set(_keys(n, [missing_empty], "feature_list_dense_missing_assumed_empty"))
    return _sequence(n, serialized, _keys(n, csk, "context_sparse_keys"),
                     _keys(n, cdk, "context_dense_keys"),
                     _keys(n, fsk, "feature_list_sparse_keys"), fdk,
                     [k in allowed for k in fdk], defaults, lengths=False)


@_op("ParseSequenceExample", "=string =string *Tcontext_dense",
     "Ncontext_sparse*=int64 *context_sparse_types Ncontext_sparse*=int64 *Tcontext_dense "
     "Nfeature_list_sparse*=int64 *feature_list_sparse_types Nfeature_list_sparse*=int64 "
     "*feature_list_dense_types Nfeature_list_dense*=int64")
def _parse_sequence_v1(n, serialized, names, *defaults):
    """TF 1's parse_sequence_example op (a batch): keys and flags as attrs."""
    fdk = _attr_keys(n, "feature_list_dense_keys")
    allowed = set(_attr_keys(n, "feature_list_dense_missing_assumed_empty"))
    return _sequence(n, serialized, _attr_keys(n, "context_sparse_keys"),
                     _attr_keys(n, "context_dense_keys"),
                     _attr_keys(n, "feature_list_sparse_keys"), fdk,
                     [k in allowed for k in fdk], defaults, lengths=True)
