"""parse_sequence_example: a batch of serialized tf.train.SequenceExamples -> (context,
feature lists, lengths), TF's tf.io.parse_sequence_example. Each example's sequences are
parsed as parse_single_sequence_example parses them (parsing_sequence.py); the batch
pads a FixedLenSequenceFeature with zeros (or b"") to the longest example and reports
each example's length, and stacks a VarLenFeature into a SparseTensor [batch, steps, n].

    context, lists, lengths = gc.io.parse_sequence_example(records,
        sequence_features={"tok": gc.FixedLenSequenceFeature([], gc.int64)})
"""
import numpy as np

from .. import dtypes
from ..io.events import LEN, _fields
from .core import convert_to_tensor
from .parsing_example import (_NP, _map_entries, _out_types, _parse_batch, check_serialized,
                              one_or_tuple, results, specs_of)
from .parsing_sequence import _sequence_specs, _steps
from .registry import OpDef, apply, register

__all__ = ["parse_sequence_example"]


def _infer(ctx, serialized, *, context, sequence):
    lead = check_serialized(serialized, False)
    out = _out_types(context, lead)
    for kind, _, dt, shape, _, _ in sequence:
        if kind == "seq":                   # values, then each example's length
            out += [(lead + (None,) + shape, dtypes.as_dtype(dt)), (lead, dtypes.int64)]
        else:
            out += [((None, 3), dtypes.int64), ((None,), dtypes.as_dtype(dt)),
                    ((3,), dtypes.int64)]
    return out


def _lists(record, keys):
    """{key: serialized FeatureList} of one SequenceExample."""
    lists = b"".join(v for f, w, v, _ in _fields(bytes(record)) if f == 2 and w == LEN)
    return _map_entries(lists, keys)


def _kernel(serialized, *, context, sequence):
    records = np.asarray(serialized, object).reshape(-1)
    out = list(_parse_batch(records, context)) if context else []
    found = [_lists(r, {spec[1] for spec in sequence}) for r in records]
    for spec in sequence:
        parts = []
        for lists in found:
            raw = lists.get(spec[1])
            steps = None if raw is None else \
                [v for f, w, v, _ in _fields(raw) if f == 1 and w == LEN]
            parts.append(_steps(spec, steps))
        kind, _, dtype, shape = spec[:4]
        if kind == "seq":
            lengths = np.array([len(p[0]) for p in parts], np.int64)
            values = np.zeros((len(parts), int(lengths.max(initial=0))) + shape, _NP[dtype])
            if dtype == "string":
                values = np.full(values.shape, b"", object)
            for b, (v,) in enumerate(parts):
                values[b, :len(v)] = v
            out += [values, lengths]
        else:
            indices = [np.hstack([np.full((len(ind), 1), b, np.int64), ind])
                       for b, (ind, _, _) in enumerate(parts)]
            out += [np.concatenate(indices or [np.zeros((0, 3), np.int64)]).reshape(-1, 3),
                    np.concatenate([v for _, v, _ in parts] or [np.zeros(0, _NP[dtype])]),
                    np.array([len(parts)] + [max((int(s[k]) for _, _, s in parts), default=0)
                                             for k in (0, 1)], np.int64)]
    return one_or_tuple(out)


PARSE_SEQUENCE_BATCH = register(OpDef(
    "ParseSequenceExample", _infer, _kernel, differentiable=False,
    api="io.parse_sequence_example",
    signature="io.parse_sequence_example(serialized, context_features=None, "
    "sequence_features=None, example_names=None, name=None)",
    shape_rule="(B,) -> context [B, ...]; sequences [B, T, ...] and lengths [B]",
    dtypes="string -> float32, int64, string",
    doc="Decodes a batch of serialized tf.train.SequenceExamples: their contexts, their "
        "sequences padded to the longest, and the lengths."))


def parse_sequence_example(serialized, context_features=None, sequence_features=None,
                           example_names=None, name=None):
    """(context, feature_lists, lengths) dicts of a batch of serialized SequenceExamples
    (TF's tf.io.parse_sequence_example): context as parse_example gives it; a
    FixedLenSequenceFeature as [batch, longest, ...] padded with zeros, with its lengths
    [batch]; a VarLenFeature as a SparseTensor [batch, steps, values].

        ctx, seq, lens = gc.io.parse_sequence_example(
            records, sequence_features={"tok": gc.FixedLenSequenceFeature([], gc.int64)})
    """
    if not context_features and not sequence_features:
        raise ValueError("parse_sequence_example: context_features and sequence_features "
                         "are both empty")
    context = specs_of(context_features, "parse_sequence_example") \
        if context_features else ()
    if any(s[0] not in ("dense", "var") for s in context):
        raise ValueError("parse_sequence_example: context_features take FixedLenFeature "
                         "or VarLenFeature")
    sequence = _sequence_specs(sequence_features)
    for kind, key, _, _, default, _ in sequence:
        if kind == "seq" and default is not None:
            raise ValueError(f"Value feature_list.dense_defaults[{key}] must be None")
    serialized = convert_to_tensor(serialized, dtype=dtypes.string)
    node = apply(PARSE_SEQUENCE_BATCH, (serialized,), name=name or "ParseSequenceExample",
                 context=context, sequence=sequence)
    out = results(node, context)
    lists, lengths, i = {}, {}, len(_out_types(context, (None,)))
    from ..sparse import SparseTensor
    for kind, key, *_ in sequence:
        if kind == "seq":
            lists[key], lengths[key] = node.outputs[i], node.outputs[i + 1]
            i += 2
        else:
            lists[key] = SparseTensor(*node.outputs[i:i + 3])
            i += 3
    return out, lists, lengths
