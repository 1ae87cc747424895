"""Candidate samplers, compute_accidental_hits and the sampled losses (gc.nn), against
numpy implementations of TF1's formulas (range_sampler.cc, nn_impl.py)."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp
from helpers import draw_twice, run

FLT_MAX = np.finfo(np.float32).max


def log_uniform_p(c, range_max):
    c = np.asarray(c, np.float64)
    return np.log((c + 2.0) / (c + 1.0)) / np.log(range_max + 1.0)


def expected_count(p, num_sampled, num_tries):
    if num_tries == num_sampled:
        return p * num_sampled
    return -np.expm1(num_tries * np.log1p(-p))


def sample_runs(build, n_runs):
    g = gc.Graph()
    with g.as_default():
        outs = build()
        with gc.Session(graph=g) as sess:
            return [sess.run(list(outs)) for _ in range(n_runs)]


# ---- samplers ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["log_uniform", "uniform", "unigram"])
def test_sampler_frequencies_not_unique(kind):
    rm, n = 12, 40000
    labels = np.array([[0], [5], [11]], np.int64)
    unigrams = np.arange(1, rm + 1, dtype=np.float64)[::-1]
    if kind == "log_uniform":
        p = log_uniform_p(np.arange(rm), rm)
        build = lambda: gc.nn.log_uniform_candidate_sampler(labels, 1, n, False, rm, seed=1)
    elif kind == "uniform":
        p = np.full(rm, 1.0 / rm)
        build = lambda: gc.nn.uniform_candidate_sampler(labels, 1, n, False, rm, seed=1)
    else:
        w = unigrams ** 0.5
        p = w / w.sum()
        build = lambda: gc.nn.fixed_unigram_candidate_sampler(
            labels, 1, n, False, rm, distortion=0.5, unigrams=unigrams, seed=1)
    assert abs(p.sum() - 1) < 1e-12
    (s, te, se), = sample_runs(build, 1)
    assert s.dtype == np.int64 and s.shape == (n,)
    assert te.dtype == se.dtype == np.float32 and te.shape == (3, 1)
    freq = np.bincount(s, minlength=rm) / n
    assert freq.shape == (rm,)
    # binomial standard deviation is at most sqrt(0.25 / n) = 0.0025
    np.testing.assert_allclose(freq, p, atol=0.012)
    np.testing.assert_allclose(te, p[labels] * n, rtol=1e-5)
    np.testing.assert_allclose(se, p[s] * n, rtol=1e-5)


def test_fixed_unigram_reserved_ids_never_drawn():
    labels = np.zeros((1, 1), np.int64)
    (s, te, se), = sample_runs(lambda: gc.nn.fixed_unigram_candidate_sampler(
        labels, 1, 2000, False, 5, num_reserved_ids=2, unigrams=[1, 0, 3], seed=4), 1)
    assert set(np.unique(s).tolist()) == {2, 4}
    assert te[0, 0] == 0
    np.testing.assert_allclose(se, np.where(s == 2, 0.25, 0.75) * 2000, rtol=1e-5)


@pytest.mark.parametrize("sampler,prob", [
    (gc.nn.log_uniform_candidate_sampler, lambda c: log_uniform_p(c, 20)),
    (gc.nn.uniform_candidate_sampler, lambda c: np.full(np.shape(c), 1 / 20))])
def test_unique_sampler_counts_and_first_draw(sampler, prob):
    rm, n = 20, 8
    labels = np.array([[3, 0], [19, 7]], np.int64)
    runs = sample_runs(lambda: sampler(labels, 2, n, True, rm, seed=7), 3000)
    firsts = []
    for s, te, se in runs:
        assert len(set(s.tolist())) == n and s.min() >= 0 and s.max() < rm
        # recover the number of tries from one count; every count must agree with it
        p0 = prob(s[0])
        tries = n if np.isclose(se[0], p0 * n, rtol=1e-6) else \
            int(round(np.log1p(-se[0]) / np.log1p(-p0)))
        assert tries >= n
        np.testing.assert_allclose(se, expected_count(prob(s), n, tries), rtol=2e-5)
        np.testing.assert_allclose(te, expected_count(prob(labels), n, tries), rtol=2e-5)
        firsts.append(s[0])
    # the first draw is never rejected: it follows P exactly
    freq = np.bincount(firsts, minlength=rm) / len(firsts)
    np.testing.assert_allclose(freq, prob(np.arange(rm)), atol=0.03)


def test_unique_takes_all_classes():
    (s, te, se), = sample_runs(lambda: gc.nn.log_uniform_candidate_sampler(
        [[1]], 1, 6, True, 6, seed=2), 1)
    assert sorted(s.tolist()) == list(range(6))
    assert np.all(se > 0) and np.all(se <= 1)


def test_sampler_seeds_repeat():
    def build():
        gc.set_random_seed(5)
        return gc.nn.log_uniform_candidate_sampler([[2], [3]], 1, 10, True, 50)[0]
    (a1, a2), (b1, b2) = draw_twice(build)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)

    def op_seed():
        return gc.nn.uniform_candidate_sampler([[2]], 1, 10, False, 1000, seed=9)[0]
    (c1, _), (d1, _) = draw_twice(op_seed)
    np.testing.assert_array_equal(c1, d1)


def test_sampler_errors():
    with pytest.raises(ValueError, match="num_sampled"):
        gc.nn.log_uniform_candidate_sampler([[1]], 1, 5, True, 4)
    with pytest.raises(ValueError, match="range_max"):
        gc.nn.fixed_unigram_candidate_sampler([[1]], 1, 2, True, 4, unigrams=[1, 2, 3])
    with pytest.raises(ValueError, match="num_true"):
        gc.nn.uniform_candidate_sampler([[1, 2]], 1, 2, True, 4)


# ---- compute_accidental_hits ------------------------------------------------------------------
def hits_ref(true_classes, sampled):
    pos = {c: j for j, c in enumerate(sampled.tolist())}
    hits = [(i, pos[c]) for i, row in enumerate(true_classes.tolist()) for c in row
            if c in pos]
    return [h[0] for h in hits], [h[1] for h in hits]


def test_accidental_hits():
    t = np.array([[1, 4], [2, 2], [7, 0]], np.int64)
    s = np.array([4, 2, 9, 0, 4], np.int64)
    idx, ids, w = run(list(gc.nn.compute_accidental_hits(t, s, 2)))
    ri, rids = hits_ref(t, s)
    assert idx.dtype == np.int32 and ids.dtype == np.int64 and w.dtype == np.float32
    assert idx.tolist() == ri == [0, 1, 1, 2]
    assert ids.tolist() == rids == [4, 1, 1, 3]       # 4 sampled twice: its last position
    assert np.all(w == -FLT_MAX)
    idx, ids, w = run(list(gc.nn.compute_accidental_hits([[5]], [1, 2], 1)))
    assert idx.size == ids.size == w.size == 0


# ---- sampled losses ----------------------------------------------------------------------------
def np_sampled_logits(w, b, labels, x, sampled_values, num_true, remove_hits):
    s, te, se = sampled_values
    te, se = te.astype(np.float64), se.astype(np.float64)
    true_logits = np.einsum("bd,btd->bt", x, w[labels]) + b[labels] - np.log(te)
    sampled_logits = x @ w[s].T + b[s]
    if remove_hits:
        ri, rids = hits_ref(labels, s)
        sampled_logits[ri, rids] += -FLT_MAX
    sampled_logits = sampled_logits - np.log(se)
    logits = np.concatenate([true_logits, sampled_logits], 1)
    targets = np.concatenate([np.full(true_logits.shape, 1.0 / num_true),
                              np.zeros(sampled_logits.shape)], 1)
    return logits, targets


def np_nce(*args):
    x, z = np_sampled_logits(*args)
    return (np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))).sum(1)


def np_sampled_softmax(*args):
    x, z = np_sampled_logits(*args)
    m = x.max(1, keepdims=True)
    logp = x - m - np.log(np.exp(x - m).sum(1, keepdims=True))
    return -(z * logp).sum(1)


def problem(num_true, rng, classes=11, dim=3, batch=4, num_sampled=5):
    w = rng.standard_normal((classes, dim))
    b = rng.standard_normal(classes)
    x = rng.standard_normal((batch, dim))
    labels = np.stack([rng.choice(classes, num_true, replace=False) for _ in range(batch)])
    s = np.array([labels[0, 0], 3, labels[1, -1], 8, 10][:num_sampled], np.int64)
    te = rng.uniform(0.2, 0.9, labels.shape).astype(np.float32)
    se = rng.uniform(0.2, 0.9, num_sampled).astype(np.float32)
    return w, b, labels.astype(np.int64), x, (s, te, se)


@pytest.mark.parametrize("num_true", [1, 2])
@pytest.mark.parametrize("remove", [False, True])
@pytest.mark.parametrize("loss,ref", [(gc.nn.nce_loss, np_nce),
                                      (gc.nn.sampled_softmax_loss, np_sampled_softmax)])
def test_loss_values(loss, ref, remove, num_true):
    w, b, labels, x, sv = problem(num_true, np.random.default_rng(num_true))
    got = run(loss(w, b, labels, x, 5, 11, num_true=num_true, sampled_values=sv,
                   remove_accidental_hits=remove))
    want = ref(w, b, labels, x, sv, num_true, remove)
    assert got.shape == (4,)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    if remove:     # the hits change the loss (rows 0 and 1 have one)
        other = ref(w, b, labels, x, sv, num_true, False)
        assert not np.allclose(want[:2], other[:2])


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_loss_partitioned_weights(strategy):
    w, b, labels, x, sv = problem(2, np.random.default_rng(3))
    ids = np.arange(11)
    if strategy == "mod":
        shards = [w[ids % 3 == k] for k in range(3)]
    else:
        shards = [w[:4], w[4:8], w[8:]]
    got = run(gc.nn.sampled_softmax_loss(shards, b, labels, x, 5, 11, num_true=2,
                                         sampled_values=sv, partition_strategy=strategy))
    np.testing.assert_allclose(got, np_sampled_softmax(w, b, labels, x, sv, 2, True),
                               rtol=1e-10)


@pytest.mark.parametrize("loss", [gc.nn.nce_loss, gc.nn.sampled_softmax_loss])
@pytest.mark.parametrize("remove", [False, True])
def test_loss_gradients(loss, remove):
    w, b, labels, x, sv = problem(2, np.random.default_rng(8))

    def f(w, b, x):
        return loss(w, b, labels, x, 5, 11, num_true=2, sampled_values=sv,
                    remove_accidental_hits=remove)
    check_vjp(f, [w, b, x])
    check_vjp(lambda w0, w1, b, x: loss([w0, w1], b, labels, x, 5, 11, num_true=2,
                                        sampled_values=sv), [w[::2], w[1::2], b, x])


def test_sampled_softmax_approaches_full_softmax():
    rng = np.random.default_rng(0)
    classes, dim, batch = 10, 4, 6
    w, b = rng.standard_normal((classes, dim)), rng.standard_normal(classes)
    x = rng.standard_normal((batch, dim))
    labels = rng.integers(0, classes, (batch, 1))
    z = x @ w.T + b
    full = (np.log(np.exp(z).sum(1)) - z[np.arange(batch), labels[:, 0]]).mean()
    g = gc.Graph()
    with g.as_default():
        gc.set_random_seed(1)
        loss = gc.reduce_mean(gc.nn.sampled_softmax_loss(w, b, labels, x, classes - 1,
                                                         classes))
        few = gc.reduce_mean(gc.nn.sampled_softmax_loss(w, b, labels, x, 2, classes))
        with gc.Session(graph=g) as sess:
            vals = np.array([sess.run([loss, few]) for _ in range(200)])
    assert abs(vals[:, 0].mean() - full) < 0.1 * full
    # with 2 samples the estimate is far off: the comparison above can fail
    assert abs(vals[:, 1].mean() - full) > abs(vals[:, 0].mean() - full)


@pytest.mark.parametrize("loss", [gc.nn.nce_loss, gc.nn.sampled_softmax_loss])
def test_word2vec_training_lowers_loss(loss):
    vocab, dim, batch = 40, 8, 32
    rng = np.random.default_rng(0)
    g = gc.Graph()
    with g.as_default():
        gc.set_random_seed(3)
        centre = gc.placeholder(gc.int64, [batch])
        context = gc.placeholder(gc.int64, [batch, 1])
        emb = gc.Variable(gc.random_uniform([vocab, dim], -1.0, 1.0))
        w = [gc.Variable(gc.truncated_normal([vocab // 2, dim], stddev=0.3))
             for _ in range(2)]
        b = gc.Variable(gc.zeros([vocab]))
        h = gc.nn.embedding_lookup(emb, centre)
        cost = gc.reduce_mean(loss(w, b, context, h, 8, vocab))
        step = gc.train.GradientDescentOptimizer(0.5).minimize(cost)
        with gc.Session(graph=g) as sess:
            sess.run(gc.global_variables_initializer())
            costs = []
            for _ in range(300):
                c = rng.integers(0, vocab, batch)
                feed = {centre: c, context: ((c * 7 + 3) % vocab)[:, None]}
                costs.append(sess.run([cost, step], feed)[0])
    first, last = np.mean(costs[:20]), np.mean(costs[-20:])
    assert last < 0.5 * first, (first, last)
