"""gc.contrib.losses.metric_learning against brute-force numpy written here."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import losses
from graphc.testing import check_vjp

ML = losses.metric_learning
RNG = np.random.default_rng(1)
X = RNG.normal(size=(7, 3))
Y = np.array([0, 0, 1, 1, 2, 1, 2])


def _run(t):
    with gc.Session() as s:
        return s.run(t)


def _dist(x):
    return np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))


def _triplet(y, x, margin):
    d = _dist(x) ** 2
    total, count = 0.0, 0
    for a in range(len(y)):
        for p in range(len(y)):
            if a == p or y[a] != y[p]:
                continue
            negs = [d[a, n] for n in range(len(y)) if y[n] != y[a]]
            semi = [v for v in negs if v > d[a, p]]
            neg = min(semi) if semi else max(negs)
            total += max(margin + d[a, p] - neg, 0.0)
            count += 1
    return total / count


def _lifted(y, x, margin):
    d = _dist(x)
    total, count = 0.0, 0
    for i in range(len(y)):
        for j in range(len(y)):
            if i == j or y[i] != y[j]:
                continue
            s = sum(np.exp(margin - d[i, k]) for k in range(len(y)) if y[k] != y[i])
            s += sum(np.exp(margin - d[j, k]) for k in range(len(y)) if y[k] != y[j])
            total += max(np.log(s) + d[i, j], 0.0) ** 2
            count += 1
    return total / (2 * count)


def _xent(target, logits):
    z = logits - logits.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    return -(target * logp).sum(1).mean()


def _npairs(adj, a, p, lam):
    reg = 0.25 * lam * ((a ** 2).sum(1).mean() + (p ** 2).sum(1).mean())
    return reg + _xent(adj / adj.sum(1, keepdims=True), a @ p.T)


def test_namespace_is_contribs():
    assert set(ML.__all__) <= set(dir(losses.metric_learning))
    assert gc.contrib.losses.metric_learning is ML


def test_pairwise_distance_and_masked_extrema():
    x = X.astype(np.float32)
    x[3] = x[0]                                             # an exact zero distance
    mask = RNG.uniform(size=(7, 7)) > 0.5
    mask[2] = False                                         # empty row: contrib's fallback
    with gc.Graph().as_default():
        d, d2, mx, mn = _run([ML.pairwise_distance(x), ML.pairwise_distance(x, squared=True),
                              ML.masked_maximum(x @ x.T, mask), ML.masked_minimum(x @ x.T, mask)])
    np.testing.assert_allclose(d, _dist(x), atol=2e-3)
    np.testing.assert_allclose(d2, _dist(x) ** 2, atol=1e-4)
    assert d[0, 3] == 0 and np.all(np.diag(d) == 0)
    s = x @ x.T
    want_max = np.where(mask.any(1), np.where(mask, s, -np.inf).max(1), s.min(1))
    want_min = np.where(mask.any(1), np.where(mask, s, np.inf).min(1), s.max(1))
    np.testing.assert_allclose(mx[:, 0], want_max, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(mn[:, 0], want_min, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("margin", [0.5, 1.0, 4.0])
def test_triplet_semihard_and_lifted_match_brute_force(margin):
    with gc.Graph().as_default():
        t, l = _run([ML.triplet_semihard_loss(Y, X, margin),
                     ML.lifted_struct_loss(Y, X, margin)])
    np.testing.assert_allclose(t, _triplet(Y, X, margin), rtol=1e-9)
    np.testing.assert_allclose(l, _lifted(Y, X, margin), rtol=1e-9)


def test_contrastive_and_npairs():
    a, p = X[:4], RNG.normal(size=(4, 3))
    y = np.array([1, 0, 1, 0])
    lab = np.array([3, 1, 3, 2])
    with gc.Graph().as_default():
        sps = [gc.SparseTensor([[0, k] for k in ks], [1.0] * len(ks), [1, 4])
               for ks in ([0, 1], [1], [2, 3], [3])]
        c, n, m = _run([ML.contrastive_loss(y, a, p, margin=1.5),
                        ML.npairs_loss(lab, a, p, reg_lambda=0.1),
                        ML.npairs_loss_multilabel(sps, a, p, reg_lambda=0.1)])
    d = np.sqrt(((a - p) ** 2).sum(1))
    np.testing.assert_allclose(c, np.mean(y * d ** 2 + (1 - y) * np.maximum(1.5 - d, 0) ** 2))
    np.testing.assert_allclose(n, _npairs((lab[:, None] == lab[None]).astype(float), a, p, 0.1))
    hot = np.zeros((4, 4))
    for i, ks in enumerate(([0, 1], [1], [2, 3], [3])):
        hot[i, ks] = 1
    np.testing.assert_allclose(m, _npairs(hot @ hot.T, a, p, 0.1), rtol=1e-6)


def test_float32_default_and_errors():
    with gc.Graph().as_default():
        t = ML.triplet_semihard_loss(Y, X.astype(np.float32))
        assert t.dtype == gc.float32 and t.shape.rank == 0
        with pytest.raises(ValueError, match="rank 1"):
            ML.triplet_semihard_loss(Y.reshape(7, 1), X)
        with pytest.raises(TypeError, match="SparseTensors"):
            ML.npairs_loss_multilabel([Y], X, X)
        with pytest.raises(TypeError, match="floating"):
            ML.pairwise_distance(Y.reshape(7, 1))


@pytest.mark.parametrize("fn", [
    lambda x: ML.pairwise_distance(x),
    lambda x: ML.triplet_semihard_loss(Y, x, 1.0),
    lambda x: ML.lifted_struct_loss(Y, x, 1.0),
    lambda x: ML.npairs_loss(Y[:3], x[:3], x[3:6]),
    lambda x: ML.contrastive_loss(Y[:3] % 2, x[:3], x[3:6], 3.0),
])
def test_gradients_match_finite_differences(fn):
    check_vjp(fn, [X], rtol=1e-5, atol=1e-7)
