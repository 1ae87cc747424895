"""Samples for RaggedFillEmptyRows(Grad) (graphc/ragged_fill.py), GenerateBoundingBoxProposals
(graphc/image_proposals.py) and CriticalSectionExecute (graphc/critical_section.py). The
references are plain loops, written apart from the kernels; tests/test_names10.py reuses
them."""
import math

import numpy as np

import graphc as gc
from samples import Sample


# ---- ragged fill -----------------------------------------------------------------------
def fill_ref(rowids, values, nrows, default):
    """(output_value_rowids, output_values, empty_row_indicator, reverse_index_map)."""
    out_rows, out_values, reverse = [], [], [0] * len(rowids)
    for r in range(int(nrows)):
        members = [i for i, x in enumerate(rowids) if x == r]
        if not members:
            out_rows.append(r)
            out_values.append(default)
        for i in members:
            reverse[i] = len(out_values)
            out_rows.append(r)
            out_values.append(values[i])
    empty = [not any(x == r for x in rowids) for r in range(int(nrows))]
    return (np.array(out_rows, np.int64), np.array(out_values, np.asarray(values).dtype),
            np.array(empty, bool), np.array(reverse, np.int64))


def fill_grad_ref(reverse, grad_values):
    d_values = np.array([grad_values[i] for i in reverse], grad_values.dtype)
    rest = [g for j, g in enumerate(grad_values) if j not in set(int(i) for i in reverse)]
    return d_values, np.asarray(sum(rest, grad_values.dtype.type(0)), grad_values.dtype)


def _fill_inputs(rng):
    nrows = int(rng.integers(1, 7))
    n = int(rng.integers(1, 8))
    return [rng.integers(0, nrows, size=n).astype(np.int64), rng.standard_normal(n),
            np.int64(nrows), np.float64(rng.standard_normal())]


def _fill(rowids, values, nrows, default):
    return list(gc.ragged_fill_empty_rows(rowids, values, nrows, default))


def _fill_grad_inputs(rng):
    m = int(rng.integers(1, 8))
    n = int(rng.integers(0, m + 1))
    return [rng.integers(0, m, size=n).astype(np.int64), rng.standard_normal(m)]


# ---- proposals ---------------------------------------------------------------------------
def proposals_ref(scores, deltas, info, anchors, nms_threshold, pre_nms_topn, min_size,
                  post_nms_topn):
    """TF's GenerateBoundingBoxProposals, one box at a time (float32 arithmetic)."""
    f = np.float32
    n, h, w, a = scores.shape
    rois = np.zeros((n, post_nms_topn, 4), f)
    probs = np.zeros((n, post_nms_topn), f)
    clip = f(math.log(1000.0 / 16.0))
    for b in range(n):
        flat = [(f(scores[b, y, x, k]), (y * w + x) * a + k)
                for y in range(h) for x in range(w) for k in range(a)]
        flat.sort(key=lambda e: -e[0])                # stable: lower index first on ties
        boxes = []
        for s, idx in flat[:pre_nms_topn]:
            y, rest = divmod(idx, w * a)
            x, k = divmod(rest, a)
            ay1, ax1, ay2, ax2 = anchors[y, x, 4 * k:4 * k + 4]
            dy, dx, dh, dw = deltas[b, y, x, 4 * k:4 * k + 4]
            box = []
            for lo, hi, d, ds, limit in ((ax1, ax2, dx, dw, info[b, 1]),
                                         (ay1, ay2, dy, dh, info[b, 0])):
                size = f(hi - lo)
                center = f(f(lo + f(0.5) * size) + f(size * d))
                new = f(size * np.exp(min(f(ds), clip)))
                box += [min(max(f(center - f(0.5) * new), f(0)), limit),
                        min(max(f(center + f(0.5) * new), f(0)), limit)]
            x1, x2, y1, y2 = box
            if min(f(x2 - x1), f(y2 - y1)) >= f(f(min_size) * info[b, 2]):
                boxes.append((s, (x1, y1, x2, y2)))
        kept = []
        for s, bx in boxes:
            if len(kept) == post_nms_topn:
                break
            if not any(_over(k, bx, f(nms_threshold)) for _, k in kept):
                kept.append((s, bx))
        for i, (s, (x1, y1, x2, y2)) in enumerate(kept):
            rois[b, i] = (y1, x1, y2, x2)
            probs[b, i] = s
    return rois, probs


def _over(p, q, thr):
    area_p = (p[2] - p[0]) * (p[3] - p[1])
    area_q = (q[2] - q[0]) * (q[3] - q[1])
    if area_p == 0 or area_q == 0:
        return False
    inter = max(min(p[2], q[2]) - max(p[0], q[0]), 0) * \
        max(min(p[3], q[3]) - max(p[1], q[1]), 0)
    return inter > (area_p + area_q - inter) * thr


def proposal_inputs(rng, n=None, h=None, w=None, a=None):
    n, h, w, a = [int(rng.integers(1, 4)) if v is None else v for v in (n, h, w, a)]
    scores = rng.random((n, h, w, a)).astype(np.float32)
    scores[rng.random(scores.shape) < 0.2] = 0.5           # ties
    deltas = (rng.standard_normal((n, h, w, 4 * a)) * 0.3).astype(np.float32)
    corner = rng.random((h, w, a, 2)) * 20
    size = rng.random((h, w, a, 2)) * 12 + 1
    anchors = np.concatenate([corner, corner + size], -1).reshape(h, w, 4 * a)
    info = np.stack([rng.uniform(10, 30, n), rng.uniform(10, 30, n),
                     rng.uniform(0.5, 1.5, n), np.zeros(n), np.zeros(n)], 1)
    return [scores, deltas, info.astype(np.float32), anchors.astype(np.float32)]


_PROPOSAL_ATTRS = dict(nms_threshold=0.5, pre_nms_topn=7, min_size=2.0, post_nms_topn=5)


def _proposals(s, d, i, a):
    return list(gc.image.generate_bounding_box_proposals(s, d, i, a, **_PROPOSAL_ATTRS))


def _proposals_ref(s, d, i, a):
    return list(proposals_ref(s, d, i, a, **_PROPOSAL_ATTRS))


# ---- critical section --------------------------------------------------------------------
def _section(x, y):
    cs = gc.CriticalSection()
    return list(cs.execute(lambda: (x * y + 1.0, gc.reduce_sum(gc.sin(x)))))


def _section_inputs(rng):
    s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    return [rng.standard_normal(s), rng.standard_normal(s)]


SAMPLES = [
    Sample("RaggedFillEmptyRows", _fill, _fill_inputs, fill_ref, wrt=(1, 3)),
    Sample("RaggedFillEmptyRowsGrad", lambda r, g: list(gc.ragged_fill_empty_rows_grad(r, g)),
           _fill_grad_inputs, lambda r, g: list(fill_grad_ref(r, g)), grad=False,
           rtol=1e-12, atol=1e-12),
    Sample("GenerateBoundingBoxProposals", _proposals, proposal_inputs, _proposals_ref,
           grad=False, rtol=1e-6, atol=1e-5),
    Sample("CriticalSectionExecute", _section, _section_inputs,
           lambda x, y: [x * y + 1.0, np.sum(np.sin(x))]),
]
