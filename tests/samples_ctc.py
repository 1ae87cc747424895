"""Samples for the CTC ops (CTCLoss, CTCGreedyDecoder, CTCBeamSearchDecoder) and
EditDistance; see samples.py. The references are brute force, independent of the
kernels: the CTC loss and the beam search's prefix probabilities sum the probability of
every frame-by-frame path (4^T of them), the edit distance is the textbook table."""
import itertools

import numpy as np

import graphc as gc
from samples import Sample

IDX = np.array([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]], np.int64)
VALS = np.array([1, 1, 2, 0, 2], np.int32)
ROWS = [[1, 1, 2], [0, 2]]


def _log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def _prefix_log_probs(lp, merge=True):
    """{label sequence: log p} over every path of the frames lp [T, C] (blank C - 1)."""
    c = lp.shape[1]
    out = {}
    for path in itertools.product(range(c), repeat=lp.shape[0]):
        labels, prev = [], None
        for p in path:
            if p != c - 1 and (p != prev or not merge):
                labels.append(p)
            prev = p
        key = tuple(labels)
        out[key] = np.logaddexp(out.get(key, -np.inf), sum(lp[t, p] for t, p in enumerate(path)))
    return out


def _ctc_ref(x, seq):
    lp = _log_softmax(x)
    return np.array([-_prefix_log_probs(lp[:seq[b], b]).get(tuple(r), -np.inf)
                     for b, r in enumerate(ROWS)])


def _greedy_ref(x, seq):
    paths, neg = [], []
    for b in range(x.shape[1]):
        best = x[:seq[b], b].argmax(axis=1)
        paths.append([int(k) for i, k in enumerate(best) if k != x.shape[2] - 1 and
                      (i == 0 or k != best[i - 1])])
        neg.append([-x[:seq[b], b].max(axis=1).sum()])
    return _sparse_ref(paths) + [np.array(neg)]


def _sparse_ref(paths):
    idx = [[b, i] for b, p in enumerate(paths) for i in range(len(p))]
    return [np.array(idx).reshape(-1, 2), np.array([v for p in paths for v in p]),
            np.array([len(paths), max(len(p) for p in paths)])]


def _beam_ref(x, seq):
    out, lps = [[], []], []
    for b in range(x.shape[1]):
        probs = _prefix_log_probs(_log_softmax(x[:seq[b], b]), merge=True)
        best = sorted(probs.items(), key=lambda kv: -kv[1])[:2]
        for i, (k, _) in enumerate(best):
            out[i].append(list(k))
        lps.append([v for _, v in best])
    return _sparse_ref(out[0]) + _sparse_ref(out[1]) + [np.array(lps)]


def _levenshtein(a, b):
    d = np.arange(len(b) + 1)
    for i, x in enumerate(a, 1):
        prev, d[0] = d.copy(), i
        for j, y in enumerate(b, 1):
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (x != y))
    return d[-1]


H_IDX = np.array([[0, 0, 0], [0, 0, 1], [0, 2, 0], [1, 1, 0], [1, 1, 1], [1, 1, 2]], np.int64)
T_IDX = np.array([[0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 1, 3]], np.int64)


def _ed_ref(hv, tv, normalize=True):
    out = np.zeros((2, 3))
    for g in np.ndindex(2, 3):
        h = [v for i, v in zip(H_IDX, hv) if tuple(i[:2]) == g]
        t = [v for i, v in zip(T_IDX, tv) if tuple(i[:2]) == g]
        d = _levenshtein(h, t)
        out[g] = d / len(t) if normalize and t else (np.inf if normalize and d else d)
    return out


def _ed_build(normalize):
    def build(hv, tv):
        return gc.edit_distance(gc.SparseTensor(H_IDX, hv, [2, 3, 3]),
                                gc.SparseTensor(T_IDX, tv, [2, 2, 4]), normalize=normalize)
    return build


def _sp(outs):
    decoded, last = outs
    return [t for sp in decoded for t in (sp.indices, sp.values, sp.dense_shape)] + [last]


SAMPLES = [
    Sample("CTCLoss", lambda x, s: gc.nn.ctc_loss(gc.SparseTensor(IDX, VALS, [2, 3]), x, s),
           lambda rng: [rng.standard_normal((6, 2, 4)), np.array([6, 5], np.int32)],
           _ctc_ref, rtol=1e-9, id="repeats"),
    Sample("CTCGreedyDecoder", lambda x, s: _sp(gc.nn.ctc_greedy_decoder(x, s)),
           lambda rng: [rng.standard_normal((7, 3, 4)), np.array([7, 0, 4], np.int32)],
           _greedy_ref, grad=False),
    Sample("CTCBeamSearchDecoder",
           lambda x, s: _sp(gc.nn.ctc_beam_search_decoder(x, s, beam_width=100, top_paths=2,
                                                          merge_repeated=False)),
           lambda rng: [rng.standard_normal((3, 2, 4)) * 2, np.array([3, 2], np.int32)],
           _beam_ref, grad=False, rtol=1e-9),
    Sample("EditDistance", _ed_build(True),
           lambda rng: [rng.integers(0, 2, 6), rng.integers(0, 2, 4)], _ed_ref, grad=False,
           id="normalized"),
    Sample("EditDistance", _ed_build(False),
           lambda rng: [rng.integers(0, 2, 6), rng.integers(0, 2, 4)],
           lambda h, t: _ed_ref(h, t, False), grad=False, id="counts"),
]
