"""The CTCLoss op (TF1's): per-example CTC negative log-likelihood of a label sequence
given unnormalized logits [max_time, batch, num_classes], and its gradient with respect
to the logits, both from one forward-backward pass in log space.

Design: like TF1's op it has two outputs, (loss, gradient). The gradient falls out of
the same alpha/beta recursion, so the vjp only scales the saved output
(d loss_b / d logits[t, b, :] = softmax - posterior occupation) and a training step
runs the recursion once. When nothing reads the gradient (inference, evaluation), the
compiler's narrow pass rebuilds the node with `with_grad=False` and only the forward
(alpha) recursion runs. As in TF1, the gradient output itself has no derivative.

The blank is class num_classes - 1. Labels come as TF1's sparse pair (indices [N, 2]
int64 in row-major order, values [N] int32); `strict=False` gives ctc_loss_v2's dense
semantics (empty labels allowed, impossible alignments give inf, no length errors).
"""
import numpy as np

from .. import dtypes, errors
from . import array as A
from . import reduce as R
from .asserts import Assert
from .core import identity
from .registry import OpDef, apply1, register
from ..graph import control_dependencies
from ..shapes import InferError


def _infer_ctc_loss(ctx, x, idx, vals, seq_len, *, with_grad, **_):
    ctx.require(0, "float")
    for i, want in ((1, dtypes.int64), (2, dtypes.int32), (3, dtypes.int32)):
        if ctx.inputs[i].dtype is not want:
            raise InferError(f"{{{i}}} must be {want.name}, not {ctx.inputs[i].dtype.name}",
                             "dtype")
    dims = x.shape._dims
    if dims is not None and len(dims) != 3:
        raise InferError("{0} must be 3-D [max_time, batch, num_classes], not of shape "
                         f"{x.shape}")
    for i, rank in ((1, 2), (2, 1), (3, 1)):
        r = ctx.inputs[i].shape.rank
        if r is not None and r != rank:
            raise InferError(f"{{{i}}} must be {rank}-D, not of shape "
                             f"{ctx.inputs[i].shape}")
    if idx.shape.rank == 2:
        ctx.merge_dims(idx.shape._dims[1], 2, "{{1}} must be [N, 2] (batch, time), its "
                       "last dim is {a}")
        ctx.merge_dims(idx.shape._dims[0], vals.shape._dims[0] if vals.shape.rank else None,
                       "{{1}} has {a} index pairs but {{2}} has {b} values")
    t, b, c = dims if dims is not None else (None, None, None)
    if seq_len.shape.rank == 1:
        b = ctx.merge_dims(b, seq_len.shape._dims[0], "{{0}} has batch size {a} (dim 1) but "
                           "{{3}} has {b} lengths")
    loss = ((b,), x.dtype)
    return [loss, ((t, b, c), x.dtype)] if with_grad else [loss]


def _fail(msg):
    raise ValueError(f"ctc_loss: {msg}")


def _label_rows(idx, vals, batch, strict):
    """The label rows [B, Lmax] (padding -1), their raw lengths; checks TF1's sparse
    layout (row-major order, no repeats, batch index in range)."""
    idx = np.asarray(idx).reshape(-1, 2)
    n = idx.shape[0]
    if n:
        bad = np.flatnonzero((idx[:, 0] < 0) | (idx[:, 0] >= batch) | (idx[:, 1] < 0))
        if bad.size:
            k = bad[0]
            _fail(f"label SparseTensor is not valid: indices[{k}] = {idx[k].tolist()} is "
                  f"out of bounds for batch size {batch}")
        step = np.diff(idx[:, 0]) * (idx[:, 1].max() + 2) + np.diff(idx[:, 1])
        bad = np.flatnonzero(step <= 0)
        if bad.size:
            k = bad[0] + 1
            why = "is repeated" if step[bad[0]] == 0 else "is out of order (sort with " \
                "gc.sparse.reorder)"
            _fail(f"label SparseTensor is not valid: indices[{k}] = {idx[k].tolist()} {why}")
    counts = np.bincount(idx[:, 0], minlength=batch) if n else np.zeros(batch, np.int64)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pos = np.arange(n) - np.repeat(start, counts)
    rows = np.full((batch, max(int(counts.max(initial=0)), 1)), -1, np.int64)
    rows[idx[:, 0], pos] = vals
    return rows, counts


def _prepare(rows, counts, seq_len, num_classes, t_max, *, strict, collapse, ignore_longer):
    """Labels as [B, L] (padding -1) with lengths, and the examples to skip (loss 0)."""
    blank = num_classes - 1
    batch = rows.shape[0]
    if strict:
        for b in range(batch):
            if not 0 <= seq_len[b] <= t_max:
                _fail(f"sequence_length({b}) = {seq_len[b]} must be in [0, {t_max}] "
                      "(max_time)")
            row = rows[b, :counts[b]]
            if counts[b] == 0:
                _fail(f"labels length is zero in batch {b}")
            if (row < 0).any():
                _fail(f"all labels must be nonnegative integers, batch: {b} labels: "
                      f"{row.tolist()}")
            null = np.flatnonzero(row >= blank)
            if null.size and (row[null[0]:] < blank).any():
                _fail(f"saw a non-null label (index >= num_classes - 1 = {blank}) "
                      f"following a null label, batch: {b} labels: {row.tolist()}")
        skip = counts > seq_len
        if skip.any() and not ignore_longer:
            b = int(np.flatnonzero(skip)[0])
            _fail(f"not enough time for target transition sequence (required: "
                  f"{counts[b]}, available: {seq_len[b]}) in batch {b}; "
                  "ignore_longer_outputs_than_inputs=True gives those examples loss 0")
        # TF1: a label >= num_classes - 1 ends the sequence
        lens = np.where((rows >= blank) | (rows < 0), np.arange(rows.shape[1]),
                        rows.shape[1]).min(axis=1)
        lens = np.minimum(lens, counts)
    else:
        seq_len = np.clip(seq_len, 0, t_max)
        lens = counts
        bad = (rows[:, :] >= blank) & (np.arange(rows.shape[1]) < counts[:, None])
        bad |= (rows < 0) & (np.arange(rows.shape[1]) < counts[:, None])
        if bad.any():
            b = int(np.flatnonzero(bad.any(axis=1))[0])
            _fail(f"labels of batch {b} must be classes other than the blank, in "
                  f"[0, {num_classes}): got {rows[b, :counts[b]].tolist()}")
        skip = np.zeros(batch, bool)
    labels = np.where(np.arange(rows.shape[1]) < lens[:, None], rows, -1)
    if collapse:
        keep = np.ones_like(labels, bool)
        keep[:, 1:] = labels[:, 1:] != labels[:, :-1]
        keep &= labels >= 0
        lens = keep.sum(axis=1)
        order = np.argsort(~keep, axis=1, kind="stable")
        labels = np.where(np.arange(labels.shape[1]) < lens[:, None],
                          np.take_along_axis(labels, order, 1), -1)
    return labels, lens, seq_len, skip


def _lse(*xs):
    """log(sum(exp(x))) of same-shaped arrays, -inf where all are -inf."""
    m = np.maximum.reduce(xs)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return m + np.log(sum(np.exp(x - m) for x in xs))


def _back(a, k):
    """a[..., s - k] (-inf for s < k): the state k steps back."""
    out = np.full_like(a, -np.inf)
    out[..., k:] = a[..., :a.shape[-1] - k]
    return out


def _ahead(a, k):
    """a[..., s + k] (-inf past the end): the state k steps ahead."""
    out = np.full_like(a, -np.inf)
    out[..., :a.shape[-1] - k] = a[..., k:]
    return out


def ctc_forward_backward(logits, labels, lens, seq_len, merge_repeated, with_grad):
    """(log p [B], occupation [T, B, C] or None) of the extended label sequences
    l' = (blank, l1, blank, ..., lL, blank), vectorized over [batch, 2 Lmax + 1]."""
    t_max, batch, c = logits.shape
    blank = c - 1
    x = logits.astype(np.float64)
    lp = x - x.max(axis=2, keepdims=True)
    lp = lp - np.log(np.exp(lp).sum(axis=2, keepdims=True))
    n_s = 2 * labels.shape[1] + 1
    ext = np.full((batch, n_s), blank, np.int64)
    ext[:, 1::2] = np.where(labels >= 0, labels, blank)
    s = np.arange(n_s)
    valid = s < (2 * lens + 1)[:, None]
    stay = np.ones((batch, n_s), bool) if merge_repeated else (s % 2 == 0)[None].repeat(batch, 0)
    skip = (s % 2 == 1) & (s >= 2)
    if merge_repeated:
        skip = skip & (ext != np.roll(ext, 2, axis=1))
    else:
        skip = np.broadcast_to(skip, (batch, n_s))
    emit = np.take_along_axis(lp, np.broadcast_to(ext[None], (t_max, batch, n_s)), axis=2)
    emit = np.where(valid[None], emit, -np.inf)
    ninf = np.full((batch, n_s), -np.inf)
    alpha = np.empty((t_max, batch, n_s))
    a = ninf.copy()
    a[:, :2] = emit[0, :, :2] if t_max else 0.0
    a[~valid] = -np.inf
    for t in range(t_max):
        if t:
            step = _lse(np.where(stay, a, -np.inf), _back(a, 1),
                        np.where(skip, _back(a, 2), -np.inf)) + emit[t]
            a = np.where((t < seq_len)[:, None], step, a)
        alpha[t] = a
    last = np.clip(seq_len - 1, 0, None)
    a_end = alpha[last, np.arange(batch)] if t_max else ninf
    end = (s == 2 * lens[:, None]) | (s == 2 * lens[:, None] - 1)
    log_p = np.logaddexp.reduce(np.where(end, a_end, -np.inf), axis=1)
    log_p = np.where(seq_len == 0, np.where(lens == 0, 0.0, -np.inf), log_p)
    if not with_grad:
        return log_p, None
    beta_end = np.where(end, 0.0, -np.inf)
    occ = np.zeros((t_max, batch, c))
    b = beta_end
    onehot = (ext[:, :, None] == np.arange(c)).astype(np.float64)        # [B, S, C]
    ok = np.isfinite(log_p)
    for t in range(t_max - 1, -1, -1):
        if t < t_max - 1:
            nxt = b + emit[t + 1]
            step = _lse(np.where(stay, nxt, -np.inf), _ahead(nxt, 1),
                        _ahead(np.where(skip, nxt, -np.inf), 2))
            b = np.where((t >= seq_len - 1)[:, None], beta_end, step)
        with np.errstate(invalid="ignore", over="ignore"):
            post = np.exp(alpha[t] + b - np.where(ok, log_p, 0.0)[:, None])
        post = np.where(ok[:, None] & valid, post, 0.0)
        occ[t] = np.einsum("bs,bsc->bc", post, onehot)
    soft = np.exp(lp)
    grad = np.where((np.arange(t_max)[:, None] < seq_len[None])[..., None], soft - occ, 0.0)
    return log_p, grad


def _ctc_loss_kernel(x, idx, vals, seq_len, *, preprocess_collapse_repeated, ctc_merge_repeated,
                     ignore_longer_outputs_than_inputs, strict, with_grad):
    t_max, batch, c = x.shape
    if c < 1:
        _fail("num_classes must be at least 1 (the blank)")
    rows, counts = _label_rows(idx, vals, batch, strict)
    labels, lens, seq_len, skip = _prepare(
        rows, counts, np.asarray(seq_len, np.int64), c, t_max, strict=strict,
        collapse=preprocess_collapse_repeated, ignore_longer=ignore_longer_outputs_than_inputs)
    log_p, grad = ctc_forward_backward(x, labels, lens, seq_len, ctc_merge_repeated, with_grad)
    loss = np.where(skip, 0.0, -log_p).astype(x.dtype)
    if not with_grad:
        return loss
    grad = np.where(skip[None, :, None], 0.0, grad).astype(x.dtype)
    return loss, grad


def _ctc_loss_vjp(node, gs):
    """d/dlogits = g[b] * (softmax - occupation), the saved second output."""
    if gs[1] is not None:
        raise errors.GradientError(
            "ctc_loss: no gradient through the gradient output of CTCLoss: there is no "
            f"second derivative of ctc_loss (as in TF1) ({errors.describe_node(node)})")
    if gs[0] is None:
        return [None] * 4
    g = A.expand_dims(A.expand_dims(gs[0], 0), 2)
    return [g * node.outputs[1], None, None, None]


def _ctc_loss_jvp(node, ts):
    """dloss[b] = sum over t, c of gradient[t, b, c] * dlogits[t, b, c]; the gradient
    output has no derivative (reading its tangent fails at run time)."""
    if ts[0] is None:
        return None
    grad = node.outputs[1]
    check = Assert(False, ["ctc_loss has no second derivative (TF1 neither): the tangent "
                           "of its gradient output is not available"])
    with control_dependencies([check]):
        no_tangent = identity(grad)
    return [R.reduce_sum(grad * ts[0], axis=[0, 2]), no_tangent]


def _ctc_loss_narrow(node, used):
    """Only the loss is read: the forward recursion alone (no beta, no gradient)."""
    if used[1] or not node.attrs["with_grad"]:
        return None
    return list(node.inputs), dict(node.attrs, with_grad=False), [0]


CTC_LOSS = register(OpDef(
    "CTCLoss", _infer_ctc_loss, _ctc_loss_kernel, vjp=_ctc_loss_vjp, jvp=_ctc_loss_jvp,
    narrow=_ctc_loss_narrow, api="nn.ctc_loss",
    signature="nn.ctc_loss(labels, inputs, sequence_length, preprocess_collapse_repeated="
              "False, ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False, "
              "time_major=True, logits=None)",
    shape_rule="(T, B, C), labels [N, 2] + [N], (B,) -> (B,) loss, (T, B, C) gradient",
    dtypes="float logits; int64 indices, int32 values and lengths",
    doc="CTC negative log-likelihood per example (blank = C - 1) and its gradient."))


def ctc_loss_op(x, idx, vals, seq_len, *, collapse, merge, ignore_longer, strict, name=None):
    """The loss output of a CTCLoss node."""
    return apply1(CTC_LOSS, (x, idx, vals, seq_len), name=name,
                  preprocess_collapse_repeated=bool(collapse), ctc_merge_repeated=bool(merge),
                  ignore_longer_outputs_than_inputs=bool(ignore_longer), strict=bool(strict),
                  with_grad=True)
