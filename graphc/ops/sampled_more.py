"""The last two candidate samplers of TF1 (gc.random.* and gc.nn.*), built like those of
sampled.py:

all_candidate_sampler returns every class 0..num_sampled-1 in order (range_max is
num_sampled), each with expected count 1; it is for tests of sampled losses.

learned_unigram_candidate_sampler draws from P(c) = w_c / sum(w) over [0, range_max),
where each class starts with weight 1 and each run, after drawing, adds 1 to the weight
of every entry of true_classes (TF's LearnedUnigramSampler). The weights live in the
session, one set per sampler node (Session._op_state), and restart with a new session.
"""
import numpy as np

from .. import errors
from .registry import OpDef, register
from .sampled import _draw_unique, _expected_count, _infer_sampler, _sample

__all__ = ["all_candidate_sampler", "learned_unigram_candidate_sampler"]


def _check_range(true_classes, range_max):
    bad = (true_classes < 0) | (true_classes >= range_max)
    if bad.any():
        raise errors.InvalidArgumentError(
            f"`true_candidate` out of range [0, {range_max}), received "
            f"{int(true_classes[bad][0])}")


def _all_kernel(rt, true_classes, *, num_true, num_sampled, unique, range_max, seed):
    _check_range(true_classes, range_max)
    return (np.arange(num_sampled, dtype=np.int64),
            np.ones(true_classes.shape, np.float32), np.ones(num_sampled, np.float32))


def _learned_kernel(rt, true_classes, *, num_true, num_sampled, unique, range_max, seed):
    _check_range(true_classes, range_max)
    if unique and num_sampled > range_max:
        raise errors.InvalidArgumentError(
            f"Sampler's range is too small: num_sampled {num_sampled} > range_max "
            f"{range_max} with unique=True")
    key = ("learned_unigram", rt.node)
    weights = rt.session._op_state.get(key)
    if weights is None:
        weights = rt.session._op_state[key] = np.ones(range_max, np.float64)
    cdf = np.cumsum(weights)
    total = cdf[-1]

    def draw(gen, n):
        return np.minimum(np.searchsorted(cdf, gen.random(n) * total, "right"),
                          range_max - 1).astype(np.int64)

    gen = rt.rng()
    if unique:
        sampled, tries = _draw_unique(gen, draw, num_sampled)
    else:
        sampled, tries = draw(gen, num_sampled), num_sampled
    true_p, sampled_p = weights[true_classes] / total, weights[sampled] / total
    out = (sampled, _expected_count(true_p, num_sampled, tries),
           _expected_count(sampled_p, num_sampled, tries))
    np.add.at(weights, true_classes.reshape(-1), 1.0)     # learn after drawing (TF)
    return out


def _op(name, api, kernel, doc, args):
    return register(OpDef(
        name, _infer_sampler, kernel, api=api, random=True, uses_state=True,
        stateful=True, differentiable=False,
        signature=f"{api}(true_classes, num_true, num_sampled, unique, {args}seed=None, "
                  "name=None)",
        shape_rule="[batch, num_true] -> [num_sampled], [batch, num_true], [num_sampled]",
        dtypes="int64 -> int64, float32, float32", doc=doc))


ALL_SAMPLER = _op("AllCandidateSampler", "all_candidate_sampler", _all_kernel,
                  "Every class 0..num_sampled-1, each with expected count 1.", "")
LEARNED_UNIGRAM_SAMPLER = _op(
    "LearnedUnigramCandidateSampler", "learned_unigram_candidate_sampler", _learned_kernel,
    "Classes drawn with probability ~ counts of the true classes seen so far (plus 1).",
    "range_max, ")


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None,
                          name=None):
    """(sampled_candidates, true_expected_count, sampled_expected_count): all the classes
    [0, num_sampled) and expected counts of 1 (TF1 tf.random.all_candidate_sampler, for
    testing sampled losses).

        s, te, se = gc.random.all_candidate_sampler(labels, 1, 10, True)   # s = 0..9
    """
    return _sample(ALL_SAMPLER, "all_candidate_sampler", true_classes, num_true,
                   num_sampled, False, num_sampled, seed, name)


def learned_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique,
                                      range_max, seed=None, name=None):
    """As gc.nn.log_uniform_candidate_sampler, drawing from the unigram distribution
    learned from the true classes of earlier runs in this session: class c has weight 1
    + (times c was a true class), updated after each run's draw (TF1
    tf.random.learned_unigram_candidate_sampler).

        s, te, se = gc.nn.learned_unigram_candidate_sampler(labels, 1, 64, True, 10000)
    """
    return _sample(LEARNED_UNIGRAM_SAMPLER, "learned_unigram_candidate_sampler",
                   true_classes, num_true, num_sampled, unique, range_max, seed, name)
