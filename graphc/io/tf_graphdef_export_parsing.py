"""The export side of tf_graphdef_parsing.py: graphc's ParseExample as TF 2's
ParseExampleV2 (for parse_example and parse_single_example alike, as TF 2 builds them),
its sequence parses as ParseSequenceExampleV2,
its keys and dense defaults as Consts; where graphc's per-feature output order is not
TF's by-kind order, an IdentityN named as the node puts TF's outputs back in graphc's
order, so "node:k" is the same tensor in both. SparseFeature and RaggedFeatures with
partitions are refused (TF builds them from several ops). DecodeRaw and DecodeCSV map
one to one."""
import numpy as np

from .. import dtypes
from ..shapes import TensorShape
from .tf_graphdef_export import Shape, export
from .tf_graphdef_parsing import tf_order

__all__ = []


def _strings(values):
    arr = np.empty(len(values), object)
    arr[:] = [v.encode("utf-8") for v in values]
    return arr


def _default(spec):
    """TF's dense_defaults entry of a dense or sequence spec."""
    kind, _, dtype, shape, default, _ = spec
    np_type = dtypes.as_dtype(dtype).np
    if kind == "seq":
        return np.asarray(default[0] if default else (b"" if dtype == "string" else 0),
                          np_type)
    if default is None:
        return np.zeros((0,), np_type)
    arr = np.empty(len(default), np_type)
    arr[:] = list(default)
    return arr.reshape(shape)


@export("ParseExample")
def _export_parse(ex, n):
    specs = n.attrs["specs"]
    for spec in specs:
        if spec[0] == "sparse" or (spec[0] == "ragged" and (spec[3] or spec[5][1]
                                                             or spec[5][0] != spec[1])):
            raise ex.fail(n, f"feature '{spec[1]}' is a SparseFeature or a RaggedFeature "
                             "with partitions or another value_key: TF's parse_example "
                             "builds those from several ops, which graphc does not export")
    # graphc's outputs of each feature, by kind in TF's order
    starts, i = {}, 0
    for spec in specs:
        starts[spec[1]] = i
        i += {"var": 3, "ragged": 2}.get(spec[0], 1)
    sparse = [s for s in specs if s[0] == "var"]
    dense = [s for s in specs if s[0] in ("dense", "seq")]
    ragged = [s for s in specs if s[0] == "ragged"]
    ours = [n.outputs[starts[s[1]] + j] for s in sparse for j in range(3)] + \
        [n.outputs[starts[s[1]]] for s in dense] + \
        [n.outputs[starts[s[1]] + j] for s in ragged for j in range(2)]
    theirs = tf_order(ours, len(sparse), len(dense), len(ragged))
    const = {k: ex.const(n, f"{k}", _strings([s[1] for s in group]), dtypes.string)
             for k, group in (("sparse_keys", sparse), ("dense_keys", dense),
                              ("ragged_keys", ragged))}
    names = ex.const(n, "names", _strings([]), dtypes.string)
    defaults = [ex.const(n, f"default_{s[1]}", _default(s), dtypes.as_dtype(s[2]))
                for s in dense]
    attrs = dict(
        num_sparse=len(sparse), sparse_types=[dtypes.as_dtype(s[2]) for s in sparse],
        Tdense=[dtypes.as_dtype(s[2]) for s in dense],
        dense_shapes=[Shape(TensorShape(((None,) if s[0] == "seq" else ()) + s[3]))
                      for s in dense],
        ragged_value_types=[dtypes.as_dtype(s[2]) for s in ragged],
        ragged_split_types=[dtypes.as_dtype(s[5][2]) for s in ragged])
    inputs = (n.inputs[0], names, const["sparse_keys"], const["dense_keys"],
              const["ragged_keys"], *defaults)
    if theirs == list(n.outputs):
        ex.emit(n, "ParseExampleV2", inputs, **attrs)
        return
    op = ex.emit(n, "ParseExampleV2", inputs, name="ParseExampleV2", **attrs)
    where = {id(t): k for k, t in enumerate(theirs)}
    ex.emit(n, "IdentityN", [f"{op}:{where[id(t)]}" for t in n.outputs],
            T=[t.dtype for t in n.outputs])


@export("ParseSingleSequenceExample", "ParseSequenceExample")
def _export_parse_sequence(ex, n):
    """graphc's sequence parse nodes as TF's ParseSequenceExampleV2 (what both
    parse_single_sequence_example and parse_sequence_example build), an IdentityN
    putting TF's by-kind outputs in graphc's per-feature order."""
    context, sequence = n.attrs["context"], n.attrs["sequence"]
    single = n.type == "ParseSingleSequenceExample"
    for spec in sequence:
        if spec[0] == "seq" and spec[4] is not None:
            raise ex.fail(n, f"feature list '{spec[1]}' has a default value: TF's "
                             "ParseSequenceExampleV2 takes none")
    csp = [s for s in context if s[0] == "var"]
    cde = [s for s in context if s[0] != "var"]
    fsp = [s for s in sequence if s[0] == "var"]
    fde = [s for s in sequence if s[0] != "var"]
    # TF's output index of each of graphc's outputs, in graphc's order
    tf_index, counts = [], {}
    offsets = {"csp": 0, "cde": 3 * len(csp), "fsp": 3 * len(csp) + len(cde)}
    offsets["fde"] = offsets["fsp"] + 3 * len(fsp)
    offsets["len"] = offsets["fde"] + len(fde)
    for group, specs, n_of in (("c", context, len(csp)), ("f", sequence, len(fsp))):
        for spec in specs:
            if spec[0] == "var":
                k = counts[group + "sp"] = counts.get(group + "sp", -1) + 1
                tf_index += [offsets[group + "sp"] + j * n_of + k for j in range(3)]
            else:
                k = counts[group + "de"] = counts.get(group + "de", -1) + 1
                tf_index.append(offsets[group + "de"] + k)
                if group == "f" and not single:
                    tf_index.append(offsets["len"] + k)

    def keys(name, specs):
        return ex.const(n, name, _strings([s[1] for s in specs]), dtypes.string)
    inputs = [n.inputs[0], ex.const(n, "debug_name", _strings([]), dtypes.string),
              keys("context_sparse_keys", csp), keys("context_dense_keys", cde),
              keys("context_ragged_keys", []), keys("feature_list_sparse_keys", fsp),
              keys("feature_list_dense_keys", fde), keys("feature_list_ragged_keys", []),
              ex.const(n, "feature_list_dense_missing_assumed_empty",
                       np.array([bool(s[5]) for s in fde], bool), dtypes.bool_)]
    inputs += [ex.const(n, f"context_default_{s[1]}", _default(s), dtypes.as_dtype(s[2]))
               for s in cde]
    none = []                                   # (no ragged features)

    def types(specs):
        return [dtypes.as_dtype(s[2]) for s in specs]
    op = ex.emit(n, "ParseSequenceExampleV2", inputs, name="ParseSequenceExampleV2",
                 Ncontext_sparse=len(csp), Tcontext_dense=types(cde),
                 Nfeature_list_sparse=len(fsp), Nfeature_list_dense=len(fde),
                 context_sparse_types=types(csp), context_ragged_value_types=none,
                 context_ragged_split_types=none,
                 context_dense_shapes=[Shape(TensorShape(s[3])) for s in cde],
                 feature_list_dense_types=types(fde),
                 feature_list_dense_shapes=[Shape(TensorShape(s[3])) for s in fde],
                 feature_list_sparse_types=types(fsp), feature_list_ragged_value_types=none,
                 feature_list_ragged_split_types=none)
    ex.emit(n, "IdentityN", [f"{op}:{k}" for k in tf_index], T=[t.dtype for t in n.outputs])


@export("DecodeRaw")
def _export_decode_raw(ex, n):
    ex.emit(n, "DecodeRaw", n.inputs, out_type=n.attrs["out_type"],
            little_endian=n.attrs["little_endian"])


@export("DecodeCSV")
def _export_decode_csv(ex, n):
    a = n.attrs
    defaults = [ex.const(n, f"record_default_{k}",
                         np.asarray([] if v is None else [v], dt.np), dt)
                for k, (dt, v) in enumerate(a["defaults"])]
    ex.emit(n, "DecodeCSV", (n.inputs[0], *defaults), OUT_TYPE=[dt for dt, _ in a["defaults"]],
            field_delim=a["delim"], use_quote_delim=a["quotes"], na_value=a["na_value"],
            select_cols=list(a["select_cols"] or []))
