"""TF1's candidate samplers and sampled losses (word2vec-style training), as gc.nn.*:
log_uniform_candidate_sampler, uniform_candidate_sampler, fixed_unigram_candidate_sampler,
compute_accidental_hits, nce_loss, sampled_softmax_loss.

A sampler draws num_sampled classes from a fixed distribution P over [0, range_max)
(TF's range samplers): log-uniform (Zipfian) P(c) = (log(c + 2) - log(c + 1)) /
log(range_max + 1), uniform P(c) = 1 / range_max, or fixed unigram P(c) ~ w_c^distortion.
It also returns the expected count of each true and sampled class in the draw:
    unique=False: p * num_sampled
    unique=True:  -expm1(num_tries * log1p(-p)), num_tries the draws the rejection
                  sampling took (p * num_sampled when no draw was rejected, as TF does)
The samplers are random ops seeded like graphc/ops/random.py (graph seed, op seed).

The losses are composites of existing ops (_compute_sampled_logits below), so their
gradients with respect to weights, biases and inputs need no rules of their own.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..shapes import InferError
from . import array as A
from . import elementwise as E
from . import reduce as R
from .core import convert_to_tensor, stop_gradient
from .join import concat
from .linalg import matmul
from .nn import sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits_v2
from .nn_extra import embedding_lookup
from .random import _graph_of, get_seed
from .registry import OpDef, apply, register
from .scatter import scatter_nd
from .slice_pad import slice as slice_

__all__ = ["log_uniform_candidate_sampler", "uniform_candidate_sampler",
           "fixed_unigram_candidate_sampler", "compute_accidental_hits", "nce_loss",
           "sampled_softmax_loss"]

FLT_MAX = float(np.finfo(np.float32).max)


# ---- the distributions: (draw(gen, n) -> int64 classes, prob(classes) -> float64) -------
def _log_uniform(range_max, **_):
    log_range = np.log1p(range_max)

    def draw(gen, n):
        # TF: int64(exp(u * log(range_max + 1))) - 1, mod range_max against round-off
        return (np.exp(gen.random(n) * log_range).astype(np.int64) - 1) % range_max

    def prob(c):
        c = c.astype(np.float64)
        return np.log((c + 2.0) / (c + 1.0)) / log_range
    return draw, prob


def _uniform(range_max, **_):
    def draw(gen, n):
        return gen.integers(0, range_max, size=n, dtype=np.int64)
    return draw, lambda c: np.full(c.shape, 1.0 / range_max)


def _fixed_unigram(range_max, unigrams, distortion, num_reserved_ids):
    w = np.concatenate([np.zeros(num_reserved_ids),
                        np.power(np.asarray(unigrams, np.float64), distortion)])
    cdf = np.cumsum(w)
    total = cdf[-1]

    def draw(gen, n):
        # zero-weight classes (reserved ids) own an empty interval: never drawn
        return np.minimum(np.searchsorted(cdf, gen.random(n) * total, "right"),
                          range_max - 1).astype(np.int64)

    def prob(c):
        inside = (c >= 0) & (c < len(w))
        return np.where(inside, w[np.clip(c, 0, len(w) - 1)] / total, 0.0)
    return draw, prob


def _draw_unique(gen, draw, n):
    """n distinct classes by rejection (TF's order: keep each value not seen before) and
    the number of draws that took."""
    picked, used, tries = [], set(), 0
    while len(picked) < n:
        block = draw(gen, max(64, 2 * (n - len(picked))))
        first = np.zeros(len(block), bool)
        first[np.unique(block, return_index=True)[1]] = True
        new = np.flatnonzero(first & ~np.isin(block, list(used)))
        need = n - len(picked)
        if len(new) >= need:
            new = new[:need]
            tries += int(new[-1]) + 1
        else:
            tries += len(block)
        picked.extend(block[new].tolist())
        used.update(block[new].tolist())
    return np.array(picked, np.int64), tries


def _expected_count(p, num_sampled, num_tries):
    """TF's ExpectedCountHelper: p * n, or 1 - (1 - p)^tries after rejections."""
    if num_tries == num_sampled:
        return (p * num_sampled).astype(np.float32)
    return (-np.expm1(num_tries * np.log1p(-p))).astype(np.float32)


def _check_range(true_classes, num_true, range_max):
    """TF's run-time checks: true_classes is [batch, num_true], each class in
    [0, range_max)."""
    if true_classes.ndim != 2:
        raise errors.InvalidArgumentError("true_classes must be a matrix")
    if true_classes.shape[1] != num_true:
        # TF's message names the columns found 'expected' and num_true 'was'
        raise errors.InvalidArgumentError(
            f"true_classes must have num_true columns, expected: {true_classes.shape[1]} "
            f"was: {num_true}")
    bad = (true_classes < 0) | (true_classes >= range_max)
    if bad.any():
        raise errors.InvalidArgumentError(
            f"`true_candidate` out of range [0, {range_max}), received "
            f"{int(true_classes[bad][0])}")


def _sampler_kernel(make):
    def kernel(rt, true_classes, *, num_true, num_sampled, unique, range_max, seed, **dist):
        _check_range(true_classes, num_true, range_max)
        draw, prob = make(range_max, **dist)
        gen = rt.rng()
        if unique:
            sampled, tries = _draw_unique(gen, draw, num_sampled)
        else:
            sampled, tries = draw(gen, num_sampled), num_sampled
        return (sampled, _expected_count(prob(true_classes), num_sampled, tries),
                _expected_count(prob(sampled), num_sampled, tries))
    return kernel


def _infer_sampler(ctx, true_classes, *, num_true, num_sampled, unique, range_max, seed,
                   **dist):
    if true_classes.dtype != dtypes.int64:
        raise InferError(f"true_classes {{0}} must be int64, not {true_classes.dtype.name}",
                         "dtype")
    dims = true_classes.shape._dims
    if dims is not None and (len(dims) != 2 or dims[1] not in (num_true, None)):
        raise InferError(f"true_classes {{0}} must be [batch_size, num_true={num_true}]")
    batch = None if dims is None else dims[0]
    return [((num_sampled,), dtypes.int64), ((batch, num_true), dtypes.float32),
            ((num_sampled,), dtypes.float32)]


def _sampler_op(name, api, make, doc, extra=""):
    return register(OpDef(
        name, _infer_sampler, _sampler_kernel(make), api=api, random=True, uses_state=True,
        differentiable=False,
        signature=f"{api}(true_classes, num_true, num_sampled, unique, range_max, "
                  f"{extra}seed=None, name=None)",
        shape_rule="[batch, num_true] -> [num_sampled], [batch, num_true], [num_sampled]",
        dtypes="int64 -> int64, float32, float32", doc=doc))


LOG_UNIFORM_SAMPLER = _sampler_op(
    "LogUniformCandidateSampler", "log_uniform_candidate_sampler", _log_uniform,
    "Classes drawn from the log-uniform (Zipfian) distribution, with expected counts.")
UNIFORM_SAMPLER = _sampler_op(
    "UniformCandidateSampler", "uniform_candidate_sampler", _uniform,
    "Classes drawn uniformly from [0, range_max), with expected counts.")
FIXED_UNIGRAM_SAMPLER = _sampler_op(
    "FixedUnigramCandidateSampler", "fixed_unigram_candidate_sampler", _fixed_unigram,
    "Classes drawn with probability ~ unigrams^distortion, with expected counts.",
    extra="distortion=1.0, num_reserved_ids=0, unigrams=(), ")


def _sample(op, api, true_classes, num_true, num_sampled, unique, range_max, seed, name,
            **dist):
    num_true, num_sampled, range_max = int(num_true), int(num_sampled), int(range_max)
    if range_max < 1 or num_sampled < 0 or num_true < 1:
        raise ValueError(f"{api}: need range_max >= 1, num_sampled >= 0 and num_true >= 1, "
                         f"got {range_max}, {num_sampled}, {num_true}")
    if unique and num_sampled > range_max:
        raise ValueError(f"{api}: unique=True needs num_sampled ({num_sampled}) <= "
                         f"range_max ({range_max})")
    true_classes = convert_to_tensor(true_classes, dtype=dtypes.int64)
    node = apply(op, (true_classes,), name=name or api, num_true=num_true,
                 num_sampled=num_sampled, unique=bool(unique), range_max=range_max,
                 seed=get_seed(_graph_of(true_classes), seed), **dist)
    return tuple(node.outputs)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """(sampled_candidates, true_expected_count, sampled_expected_count) for classes drawn
    with P(c) = log((c + 2) / (c + 1)) / log(range_max + 1) (frequent words first):
    `s, te, se = gc.nn.log_uniform_candidate_sampler(labels, 1, 64, True, 10000)`."""
    return _sample(LOG_UNIFORM_SAMPLER, "log_uniform_candidate_sampler", true_classes,
                   num_true, num_sampled, unique, range_max, seed, name)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None):
    """As log_uniform_candidate_sampler, with P(c) = 1 / range_max."""
    return _sample(UNIFORM_SAMPLER, "uniform_candidate_sampler", true_classes, num_true,
                   num_sampled, unique, range_max, seed, name)


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                    vocab_file="", distortion=1.0, num_reserved_ids=0,
                                    num_shards=1, shard=0, unigrams=(), seed=None,
                                    name=None):
    """As log_uniform_candidate_sampler, with P(c) ~ w_c^distortion where w is
    num_reserved_ids zeros followed by unigrams (counts or probabilities):
    `gc.nn.fixed_unigram_candidate_sampler(labels, 1, 5, True, 3, unigrams=[5, 1, 1])`.
    vocab_file and sharding (num_shards > 1) are not supported."""
    api = "fixed_unigram_candidate_sampler"
    if vocab_file or int(num_shards) != 1 or int(shard) != 0:
        raise NotImplementedError(f"{api}: vocab_file and num_shards > 1 are not supported;"
                                  " pass unigrams=")
    unigrams = tuple(float(u) for u in unigrams)
    if num_reserved_ids + len(unigrams) != int(range_max):
        raise ValueError(f"{api}: range_max ({range_max}) must equal num_reserved_ids "
                         f"({num_reserved_ids}) + len(unigrams) ({len(unigrams)})")
    if any(u < 0 for u in unigrams) or not sum(unigrams) > 0:
        raise ValueError(f"{api}: unigrams must be >= 0 with a positive sum")
    return _sample(FIXED_UNIGRAM_SAMPLER, api, true_classes, num_true, num_sampled, unique,
                   range_max, seed, name, unigrams=unigrams, distortion=float(distortion),
                   num_reserved_ids=int(num_reserved_ids))


# ---- compute_accidental_hits --------------------------------------------------------------
def _infer_hits(ctx, true_classes, sampled, *, num_true):
    for i, t in ((0, true_classes), (1, sampled)):
        if t.dtype != dtypes.int64:
            raise InferError(f"{{{i}}} must be int64, not {t.dtype.name}", "dtype")
    dims = true_classes.shape._dims
    if dims is not None and (len(dims) != 2 or dims[1] not in (num_true, None)):
        raise InferError(f"true_classes {{0}} must be [batch_size, num_true={num_true}]")
    if sampled.shape.rank not in (1, None):
        raise InferError("sampled_candidates {1} must be 1-D")
    return [((None,), dtypes.int32), ((None,), dtypes.int64), ((None,), dtypes.float32)]


def _hits_kernel(true_classes, sampled, *, num_true):
    """Every (row i, column j) where true class true_classes[i, k] is sampled[j]; a class
    sampled twice is found at its last position (TF's map from class to position)."""
    if true_classes.ndim != 2 or true_classes.shape[1] != num_true:
        raise errors.InvalidArgumentError("true_candidates must be a batch_size * num_true "
                                          "matrix")
    if sampled.ndim != 1:
        raise errors.InvalidArgumentError("sampled_candidates must be a vector, which is "
                                          "typically an output from CandidateSampler")
    pos = {int(c): j for j, c in enumerate(sampled)}
    hits = [(i, pos[int(c)]) for i, row in enumerate(true_classes) for c in row
            if int(c) in pos]
    rows, ids = (np.array(h, np.int64).reshape(-1) for h in zip(*hits)) if hits else \
        (np.zeros(0, np.int64), np.zeros(0, np.int64))
    return rows.astype(np.int32), ids, np.full(len(ids), -FLT_MAX, np.float32)


ACCIDENTAL_HITS = register(OpDef(
    "ComputeAccidentalHits", _infer_hits, _hits_kernel, api="compute_accidental_hits",
    differentiable=False,
    signature="compute_accidental_hits(true_classes, sampled_candidates, num_true, "
              "seed=None, name=None)",
    shape_rule="[batch, num_true], [num_sampled] -> [hits], [hits], [hits]",
    dtypes="int64, int64 -> int32, int64, float32",
    doc="Positions where a sampled class is one of the row's true classes."))


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None,
                            name=None):
    """(indices, ids, weights): for each true class of row indices[k] found among the
    sampled candidates at position ids[k], weights[k] = -FLT_MAX (added to that sampled
    logit, it removes the hit from a sampled loss). seed is accepted and unused (TF)."""
    true_classes = convert_to_tensor(true_classes, dtype=dtypes.int64)
    sampled = convert_to_tensor(sampled_candidates, dtype=dtypes.int64)
    node = apply(ACCIDENTAL_HITS, (true_classes, sampled), name=name or "compute_accidental_hits",
                 num_true=int(num_true))
    return tuple(node.outputs)


# ---- sampled losses -------------------------------------------------------------------------
def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                            num_true=1, sampled_values=None, subtract_log_q=True,
                            remove_accidental_hits=False, partition_strategy="mod",
                            name=None, seed=None):
    """(logits, labels), both [batch, num_true + num_sampled]: the true classes' logits
    then the sampled ones', each x . w_c + b_c - log(expected count of c) (TF1 nn_impl).
    Accidental hits (a sampled class that is a true class of the row) get -FLT_MAX."""
    from ..partitioned import PartitionedVariable
    weights = list(weights) if isinstance(weights, (list, tuple, PartitionedVariable)) \
        else [weights]              # a PartitionedVariable: its parts are the shards (TF1)
    with name_scope(name, "compute_sampled_logits", weights + [biases, inputs, labels]):
        labels = convert_to_tensor(labels)
        if labels.dtype != dtypes.int64:
            labels = E.cast(labels, dtypes.int64)
        inputs = convert_to_tensor(inputs)
        labels_flat = A.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                labels, num_true, num_sampled, True, num_classes, seed=seed)
        sampled, true_expected, sampled_expected = (
            stop_gradient(convert_to_tensor(s)) for s in sampled_values)
        sampled = E.cast(sampled, dtypes.int64)
        # one lookup of labels and sampled together, then slices, as TF: a table's
        # IndexedSlices gradient then has TF's rows, in TF's order
        all_ids = concat([labels_flat, sampled], 0)
        n_true = A.shape(labels_flat)[:1]
        all_w = _as(embedding_lookup(weights, all_ids, partition_strategy), inputs)
        true_w = slice_(all_w, [0, 0], concat([n_true, [-1]], 0))
        sampled_w = slice_(all_w, concat([n_true, [0]], 0), [-1, -1])
        all_b = _as(embedding_lookup(biases, all_ids, partition_strategy), inputs)
        true_b = slice_(all_b, [0], n_true)
        sampled_b = slice_(all_b, n_true, [-1])
        dim = A.shape(true_w)[1:2]
        true_w = A.reshape(true_w, concat([[-1, num_true], dim], 0))
        true_logits = R.reduce_sum(A.expand_dims(inputs, 1) * true_w, axis=2)
        true_logits = true_logits + A.reshape(true_b, [-1, num_true])
        sampled_logits = matmul(inputs, sampled_w, transpose_b=True) + sampled_b
        if remove_accidental_hits:
            rows, ids, hit_w = compute_accidental_hits(labels, sampled, num_true=num_true)
            at = A.stack([E.cast(rows, dtypes.int64), ids], axis=1)
            count = scatter_nd(at, E.cast(A.ones_like(hit_w), inputs.dtype),
                               E.cast(A.shape(sampled_logits), dtypes.int64))
            # a hit found twice (a row repeating a class) is still masked once, as TF's
            # sparse_to_dense sets rather than adds
            hit = E.cast(E.greater(count, 0), inputs.dtype)
            sampled_logits = sampled_logits + hit * -FLT_MAX
        if subtract_log_q:
            true_logits = true_logits - E.log(_as(true_expected, inputs))
            sampled_logits = sampled_logits - E.log(_as(sampled_expected, inputs))
        out_logits = concat([true_logits, sampled_logits], 1)
        out_labels = concat([A.ones_like(true_logits) / num_true,
                             A.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def _as(t, like):
    return t if t.dtype == like.dtype else E.cast(t, like.dtype)


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """Noise-contrastive estimation loss per example ([batch]): logistic losses of the
    true classes (label 1/num_true) and of num_sampled log-uniform noise classes
    (label 0), summed. weights [num_classes, dim] (or a list of shards), biases
    [num_classes], labels int [batch, num_true], inputs [batch, dim]:
    `loss = gc.reduce_mean(gc.nn.nce_loss(w, b, labels, emb, 64, vocab_size))`."""
    logits, labels = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true=num_true,
        sampled_values=sampled_values, subtract_log_q=True,
        remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name)
    losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                               name="sampled_losses")
    return R.reduce_sum(losses, axis=1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                         num_true=1, sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """Softmax cross-entropy per example ([batch]) over the true classes (label
    1/num_true each) and num_sampled sampled classes, logits corrected by -log Q: an
    estimate of the full softmax loss for training, arguments as nce_loss:
    `loss = gc.reduce_mean(gc.nn.sampled_softmax_loss(w, b, labels, h, 64, vocab_size))`."""
    logits, labels = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true=num_true,
        sampled_values=sampled_values, subtract_log_q=True,
        remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name, seed=seed)
    labels = stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
