"""Samples for the seqfc family (see samples.py): ParseExample with a RaggedFeature of
two row partitions (the feature columns add no op). No gradients: parsing has none."""
import numpy as np

import graphc as gc
from samples import Sample

T = gc.train
RF = gc.io.RaggedFeature
_REF = {}


def _inputs(rng):
    """Records of random sentences: values v, tokens per word w, words per sentence s."""
    recs, ref = [], []
    for _ in range(int(rng.integers(1, 5))):
        words = [int(n) for n in rng.integers(0, 3, size=int(rng.integers(0, 4)))]
        sents = [int(n) for n in rng.multinomial(len(words), [0.5, 0.5])] if words else []
        v = rng.integers(-9, 9, size=sum(words)).tolist()
        feat = {k: T.Feature(int64_list=T.Int64List(value=x))
                for k, x in (("v", v), ("w", words), ("s", sents))}
        recs.append(T.Example(features=T.Features(feature=feat)).SerializeToString())
        ref.append((v, words, sents))
    arr = np.empty(len(recs), object)
    arr[:] = recs
    _REF[id(arr)] = ref
    return [arr]


def _build(s):
    rt = gc.io.parse_example(s, {"x": RF(gc.int64, "v", [RF.RowLengths("s"),
                                                         RF.RowLengths("w")])})["x"]
    return [rt.flat_values] + list(rt.nested_row_splits)


def _ref(recs):
    ref = _REF[id(recs)]
    outer = np.cumsum([0] + [len(s) for _, _, s in ref])
    mid = np.cumsum([0] + [n for _, _, s in ref for n in s])
    inner = np.cumsum([0] + [n for _, w, _ in ref for n in w])
    flat = np.array([x for v, _, _ in ref for x in v], np.int64)
    return [flat, outer.astype(np.int32), mid.astype(np.int32), inner.astype(np.int32)]


SAMPLES = [Sample("ParseExample", _build, _inputs, _ref, grad=False, id="ragged")]
