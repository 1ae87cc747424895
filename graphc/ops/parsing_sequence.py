"""parse_single_sequence_example: a serialized tf.train.SequenceExample -> (context
features, sequence features), TF1's names and semantics.

    context, seq = gc.parse_single_sequence_example(record,
        context_features={"len": gc.FixedLenFeature([], gc.int64)},
        sequence_features={"tok": gc.FixedLenSequenceFeature([], gc.int64),
                           "tags": gc.VarLenFeature(gc.string)})

A SequenceExample's context is field 1, a Features message, as an Example's features
are: the context is parsed by parsing_example's code. Its feature_lists (field 2) map
names to lists of Features, one per time step.
"""
import numpy as np

from .. import dtypes
from ..io.events import LEN, _fields
from .core import convert_to_tensor
from .parsing_example import (_NP, _TYPE_NAME, FixedLenSequenceFeature,
                              VarLenFeature, _default, _dims, _KIND, _map_entries,
                              _out_types, _parse_batch, _shape_tuple, _spec_dtype, _typed,
                              _unbatch, check_serialized, one_or_tuple, results,
                              specs_of)
from .registry import OpDef, apply, register

__all__ = ["parse_single_sequence_example"]


def _sequence_specs(features):
    specs = []
    for key in sorted(features or {}):
        f = features[key]
        if isinstance(f, FixedLenSequenceFeature):
            dt = _spec_dtype(f.dtype, key)
            shape = _shape_tuple(f.shape, key, "FixedLenSequenceFeature")
            specs.append(("seq", key, dt, shape,
                          _default(f.default_value, dt, shape, key, scalar=True),
                          bool(f.allow_missing)))
        elif isinstance(f, VarLenFeature):
            specs.append(("var", key, _spec_dtype(f.dtype, key), (), None, None))
        else:
            raise ValueError(f"Unsupported {type(f).__name__} {f!r} for key '{key}' "
                             "(sequence_features take FixedLenSequenceFeature or "
                             "VarLenFeature)")
    return tuple(specs)


def _steps(spec, steps):
    """The outputs of one sequence feature from its time steps' serialized Features
    (None: the feature list is absent)."""
    kind, key, dtype, shape, _, allow_missing = spec
    if steps is None:
        if kind == "seq" and not allow_missing:
            raise ValueError(f"Name: <unknown>, Feature list '{key}' is required but could "
                             "not be found.  Did you mean to include it in "
                             "feature_list_dense_missing_assumed_empty or "
                             "feature_list_dense_defaults?")
        steps = []
    values = []
    for t, feature in enumerate(steps):
        v = _typed(f"{key}", dtype, feature, t)
        values.append(np.zeros(0, _NP[dtype]) if v is None else v)
    if kind == "seq":
        size = int(np.prod(shape, dtype=np.int64))
        for t, v in enumerate(values):
            if len(v) != size:
                raise ValueError(f"Name: <unknown>, Key: {key}, Index: {t}.  Number of "
                                 f"{_TYPE_NAME[_KIND[dtype]]} values != expected.  values "
                                 f"size: {len(v)} but output shape: {_dims(shape)}")
        out = np.empty((len(values),) + shape, _NP[dtype])
        for t, v in enumerate(values):
            out[t] = np.asarray(v, out.dtype).reshape(shape)
        return [out]
    lens = [len(v) for v in values]
    rows = np.repeat(np.arange(len(values), dtype=np.int64), lens)
    cols = np.concatenate([np.arange(n, dtype=np.int64) for n in lens] or
                          [np.zeros(0, np.int64)])
    flat = (np.concatenate(values).astype(_NP[dtype]) if values
            else np.zeros(0, _NP[dtype]))
    return [np.stack([rows, cols], 1), flat,
            np.array([len(values), max(lens, default=0)], np.int64)]


def _infer(ctx, serialized, *, context, sequence):
    check_serialized(serialized, True)
    return _out_types(context, ()) + _seq_types(sequence)


def _seq_types(sequence):
    out = []
    for kind, _, dt, shape, _, _ in sequence:
        if kind == "seq":
            out.append(((None,) + shape, dtypes.as_dtype(dt)))
        else:
            out += [((None, 2), dtypes.int64), ((None,), dtypes.as_dtype(dt)),
                    ((2,), dtypes.int64)]
    return out


def _kernel(serialized, *, context, sequence):
    record = np.asarray(serialized, object).reshape(1)
    out = _unbatch(_parse_batch(record, context), context) if context else []
    if not sequence:
        return one_or_tuple(out)
    lists = b""
    for field, wire, v, _ in _fields(bytes(record[0])):
        if field == 2 and wire == LEN:
            lists += v
    found = _map_entries(lists, {spec[1] for spec in sequence})
    for spec in sequence:
        if spec[1] in found:
            steps = [v for f, w, v, _ in _fields(found[spec[1]]) if f == 1 and w == LEN]
        else:
            steps = None
        out += _steps(spec, steps)
    return one_or_tuple(out)


PARSE_SEQUENCE = register(OpDef(
    "ParseSingleSequenceExample", _infer, _kernel, differentiable=False,
    api="parse_single_sequence_example",
    signature="parse_single_sequence_example(serialized, context_features=None, "
    "sequence_features=None, example_name=None, name=None)",
    shape_rule="scalar -> (context dict, sequence dict [T, ...])",
    dtypes="string -> float32, int64, string",
    doc="Decodes one serialized tf.train.SequenceExample: its context and sequences."))


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """(context, sequence) dicts of one serialized SequenceExample: context features as
    parse_single_example gives them; a FixedLenSequenceFeature is [T] + shape, a
    VarLenFeature a SparseTensor [T, longest].

        ctx, seq = gc.parse_single_sequence_example(
            record, sequence_features={"tok": gc.FixedLenSequenceFeature([], gc.int64)})
    """
    if not context_features and not sequence_features:
        raise ValueError("parse_single_sequence_example: context_features and "
                         "sequence_features are both empty")
    context = specs_of(context_features, "parse_single_sequence_example") \
        if context_features else ()
    if any(s[0] not in ("dense", "var") for s in context):
        raise ValueError("parse_single_sequence_example: context_features take "
                         "FixedLenFeature or VarLenFeature")
    sequence = _sequence_specs(sequence_features)
    serialized = convert_to_tensor(serialized, dtype=dtypes.string)
    node = apply(PARSE_SEQUENCE, (serialized,), name=name or "ParseSingleSequenceExample",
                 context=context, sequence=sequence)
    n_context = len(_out_types(context, ()))
    return results(node, context), results(node, sequence, n_context)

