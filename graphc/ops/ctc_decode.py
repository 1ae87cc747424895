"""TF1's CTC decoders as ops: CTCGreedyDecoder (best path) and CTCBeamSearchDecoder
(prefix beam search). Each returns its decoded paths as the three parts of int64
SparseTensors [batch, max_decoded_length] and float log probabilities; neither has a
gradient (TF1 neither).

The beam search keeps, per example, a trie of label prefixes. Each prefix carries two
log probabilities (ending in a blank, ending in its last label) for the previous and the
current frame, and is "active" while in the beam. One frame (inputs log-softmaxed):
every active prefix is extended by a blank or by its own last label (the label part
adds the parent's mass when the parent is active: the parent's blank part if the last
two labels are equal, else its total), every inactive child of an active prefix is a
candidate with only the label part, and the beam_width best by total probability stay
(existing prefixes win ties against new children). A prefix that leaves the beam
forgets its mass; re-entering, it starts again from its parent; evicted in a frame and
not re-entering as a child, it grows no children in that frame (TF's decoder resets its
previous-frame probabilities then).
"""
import heapq

import numpy as np

from .. import dtypes
from ..shapes import InferError
from .registry import OpDef, register


def _infer_decoder_inputs(ctx, x, seq_len):
    ctx.require(0, "float")
    if seq_len.dtype is not dtypes.int32:
        raise InferError(f"{{1}} must be int32, not {seq_len.dtype.name}", "dtype")
    dims = x.shape._dims
    if dims is not None and len(dims) != 3:
        raise InferError("{0} must be 3-D [max_time, batch, num_classes], not of shape "
                         f"{x.shape}")
    if seq_len.shape.rank not in (1, None):
        raise InferError(f"{{1}} must be 1-D [batch], not of shape {seq_len.shape}")
    b = dims[1] if dims is not None else None
    if seq_len.shape.rank == 1:
        b = ctx.merge_dims(b, seq_len.shape._dims[0], "{{0}} has batch size {a} (dim 1) but "
                           "{{1}} has {b} lengths")
    return b


def _sparse_types(n):
    """(indices, values, dense_shape) types of n decoded SparseTensors."""
    out = []
    for _ in range(n):
        out += [((None, 2), dtypes.int64), ((None,), dtypes.int64), ((2,), dtypes.int64)]
    return out


def _check_lengths(api, seq_len, t_max):
    seq_len = np.asarray(seq_len)
    for b, n in enumerate(seq_len):
        if not 0 <= n <= t_max:
            raise ValueError(f"{api}: sequence_length({b}) = {n} must be in [0, {t_max}] "
                             "(max_time)")
    return seq_len


def _to_sparse(paths, batch):
    """(indices, values, dense_shape) of one decoded path per example."""
    lens = np.array([len(p) for p in paths], np.int64)
    width = int(lens.max(initial=0))
    rows = np.repeat(np.arange(batch, dtype=np.int64), lens)
    cols = np.concatenate([np.arange(n, dtype=np.int64) for n in lens]) if batch else \
        np.zeros(0, np.int64)
    values = np.concatenate([np.asarray(p, np.int64) for p in paths]) if batch else \
        np.zeros(0, np.int64)
    return (np.stack([rows, cols], axis=1).reshape(-1, 2), values.astype(np.int64),
            np.array([batch, width], np.int64))


# ---- greedy (best path) ----------------------------------------------------------------
def _infer_greedy(ctx, x, seq_len, *, merge_repeated, blank_index):
    b = _infer_decoder_inputs(ctx, x, seq_len)
    return _sparse_types(1) + [((b, 1), x.dtype)]


def _greedy_kernel(x, seq_len, *, merge_repeated, blank_index):
    t_max, batch, c = x.shape
    seq_len = _check_lengths("ctc_greedy_decoder", seq_len, t_max)
    blank = blank_index % c if c else 0
    best = np.argmax(x, axis=2) if c else np.zeros((t_max, batch), int)   # ties: first
    live = np.arange(t_max)[:, None] < seq_len[None]
    top = np.where(live, x.max(axis=2) if c else 0, 0).sum(axis=0, dtype=x.dtype)
    prev = np.vstack([np.full((1, batch), -1), best[:-1]])
    emit = live & (best != blank)
    if merge_repeated:
        emit &= best != prev
    paths = [best[emit[:, b], b] for b in range(batch)]
    return _to_sparse(paths, batch) + ((-top).reshape(batch, 1).astype(x.dtype),)


CTC_GREEDY_DECODER = register(OpDef(
    "CTCGreedyDecoder", _infer_greedy, _greedy_kernel, differentiable=False,
    api="nn.ctc_greedy_decoder",
    signature="nn.ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True, "
              "blank_index=None)",
    shape_rule="(T, B, C), (B,) -> SparseTensor parts [N, 2], [N], [2]; (B, 1)",
    dtypes="float logits, int32 lengths -> int64 paths, same-float neg_sum_logits",
    doc="Best path decoding: the argmax class per frame, repeats merged, blanks dropped."))


# ---- prefix beam search ----------------------------------------------------------------
def _infer_beam(ctx, x, seq_len, *, beam_width, top_paths, merge_repeated):
    b = _infer_decoder_inputs(ctx, x, seq_len)
    return _sparse_types(top_paths) + [((b, top_paths), x.dtype)]


def _lse(a, b):
    """log(exp(a) + exp(b)) in a's float type, exact where either is -inf."""
    hi, lo = np.maximum(a, b), np.minimum(a, b)
    with np.errstate(invalid="ignore"):
        out = hi + np.log1p(np.exp(lo - hi))
    return np.where(np.isneginf(lo), hi, out)


class _Trie:
    """The prefixes of one example: parent, last label and (blank, label, total) log
    probabilities, previous (old) and current (new), in growing arrays."""

    def __init__(self, dtype):
        self.parent, self.label = [-1], [-1]
        self.old = np.full((1, 3), -np.inf, dtype)
        self.new = np.array([[0.0, -np.inf, 0.0]], dtype)     # the empty prefix
        self.child = {}

    def add(self, parent, label, probs):
        key = (parent, label)
        k = self.child.get(key)
        if k is None:
            k = len(self.parent)
            self.child[key] = k
            self.parent.append(parent)
            self.label.append(label)
            if k >= len(self.new):
                grow = np.full((len(self.new), 3), -np.inf, self.new.dtype)
                self.new, self.old = np.vstack([self.new, grow]), np.vstack([self.old, grow])
        self.new[k] = probs
        return k

    def labels(self, k, merge_repeated):
        out = []
        while self.parent[k] >= 0:
            out.append(self.label[k])
            k = self.parent[k]
        out.reverse()
        if merge_repeated:
            out = [v for i, v in enumerate(out) if i == 0 or v != out[i - 1]]
        return out


def _beam_step(trie, beam, lp, beam_width, blank):
    """The beam (best first) after one frame of log probabilities lp [C]."""
    ninf = lp.dtype.type(-np.inf)
    trie.old[beam] = trie.new[beam]
    old = trie.old[beam]
    par = np.array([trie.parent[k] for k in beam])
    lab = np.array([trie.label[k] for k in beam])
    in_beam = np.zeros(len(trie.parent), bool)
    in_beam[beam] = True
    has_par = par >= 0
    p = np.where(has_par, par, 0)
    from_par = np.where(lab == np.array(trie.label)[p], trie.old[p, 0], trie.old[p, 2])
    from_par = np.where(has_par & in_beam[p], from_par, ninf)
    label = np.where(has_par, _lse(old[:, 1], from_par) + lp[np.where(has_par, lab, 0)],
                     old[:, 1])
    blank_p = old[:, 2] + lp[blank]
    total = _lse(blank_p, label)
    trie.new[beam] = np.stack([blank_p, label, total], axis=1)
    heap = [(total[i], i, k) for i, k in enumerate(beam)]
    heapq.heapify(heap)
    pushed = len(heap)
    n_lab = lp.shape[0] - 1
    # the children of each prefix, in the beam's order and label order: a candidate
    # enters if it beats the worst of the beam (which it evicts) once the beam is full;
    # a prefix evicted earlier in this frame may come back as its parent's child, and
    # if it does not, it also forgets its previous frame (TF: no children of it follow)
    members = set(beam)
    in_beam_kids = {}
    for k in beam:
        if trie.parent[k] in members:
            in_beam_kids.setdefault(trie.parent[k], []).append(trie.label[k])
    dropped = set()
    for i, k in enumerate(beam):
        full = len(heap) >= beam_width
        if k in dropped or not (old[i, 2] > ninf and (not full or old[i, 2] > heap[0][0])):
            continue
        kids = lp[:n_lab] + np.where(np.arange(n_lab) == lab[i], old[i, 0], old[i, 2])
        labels = set(np.flatnonzero(kids > (heap[0][0] if full else ninf)).tolist())
        for c in sorted(labels.union(in_beam_kids.get(k, ()))):
            v, ck = kids[c], trie.child.get((k, c))
            if ck is not None and trie.new[ck, 2] > ninf:
                continue                                    # in the beam already
            if not v > (heap[0][0] if len(heap) >= beam_width else ninf):
                if ck is not None and ck in members:        # evicted, not back: gone
                    dropped.add(ck)
                continue
            if len(heap) >= beam_width:
                trie.new[heapq.heappop(heap)[2]] = ninf     # evicted: forgets its mass
            ck = trie.add(k, c, (ninf, v, v))
            heapq.heappush(heap, (v, pushed, ck))
            pushed += 1
    return [k for _, _, k in sorted(heap, key=lambda e: (-e[0], e[1]))]


def _beam_kernel(x, seq_len, *, beam_width, top_paths, merge_repeated):
    t_max, batch, c = x.shape
    seq_len = _check_lengths("ctc_beam_search_decoder", seq_len, t_max)
    paths = [[] for _ in range(top_paths)]
    log_probs = np.zeros((batch, top_paths), x.dtype)
    shift = x.max(axis=2, keepdims=True)
    lp = x - (shift + np.log(np.exp(x - shift).sum(axis=2, keepdims=True, dtype=x.dtype)))
    for b in range(batch):
        trie, beam = _Trie(x.dtype), [0]
        for t in range(seq_len[b]):
            beam = _beam_step(trie, beam, lp[t, b], beam_width, c - 1)
        if len(beam) < top_paths:
            raise ValueError(f"ctc_beam_search_decoder: fewer prefixes in the beam "
                             f"({len(beam)}, example {b}) than the top_paths requested "
                             f"({top_paths})")
        best = sorted(beam, key=lambda k: -trie.new[k, 2])[:top_paths]
        for i, k in enumerate(best):
            paths[i].append(trie.labels(k, merge_repeated))
            log_probs[b, i] = trie.new[k, 2]
    out = ()
    for i in range(top_paths):
        out += _to_sparse(paths[i], batch)
    return out + (log_probs,)


CTC_BEAM_SEARCH_DECODER = register(OpDef(
    "CTCBeamSearchDecoder", _infer_beam, _beam_kernel, differentiable=False,
    api="nn.ctc_beam_search_decoder",
    signature="nn.ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, "
              "top_paths=1, merge_repeated=True)",
    shape_rule="(T, B, C), (B,) -> top_paths x SparseTensor parts; (B, top_paths)",
    dtypes="float logits, int32 lengths -> int64 paths, same-float log probabilities",
    doc="Prefix beam search: the top_paths most likely label sequences and their log "
        "probabilities."))
