"""TF 1.15's Logistic, OneHotCategorical, ExpRelaxedOneHotCategorical,
RelaxedOneHotCategorical and RelaxedBernoulli (gc.contrib.distributions), against scipy,
closed forms (the Concrete density of Maddison et al.) and seeded Monte Carlo."""
import math

import numpy as np
import pytest
import scipy.integrate as si
import scipy.stats as st

import graphc as gc

ds = gc.contrib.distributions


def _run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


def _check_sample_grad(make, params, seed=0, eps=1e-6):
    """Reparameterized samples: gradients of <w, sample> agree with central differences
    taken with the same noise (a fresh session replays a seeded op's draws)."""
    rng = np.random.default_rng(seed)
    g = gc.Graph()
    with g.as_default():
        phs = [gc.placeholder(gc.float64, np.shape(p)) for p in params]
        y = make(*phs)
        loss = gc.reduce_sum(y * rng.standard_normal(y.shape.as_list()))
        grads = gc.gradients(loss, phs)

        def run(fetch, values):
            with gc.Session(graph=g) as sess:
                return sess.run(fetch, dict(zip(phs, values)))
        got = run(grads, params)
        for i, p in enumerate(params):
            v = rng.standard_normal(np.shape(p))
            up = [q + eps * v if j == i else q for j, q in enumerate(params)]
            down = [q - eps * v if j == i else q for j, q in enumerate(params)]
            fd = (run(loss, up) - run(loss, down)) / (2 * eps)
            np.testing.assert_allclose(np.sum(got[i] * v), fd, rtol=1e-5, atol=1e-7)


def test_logistic_matches_scipy():
    loc, scale = np.array([0.5, -1.0]), np.array([1.5, 0.3])
    d = ds.Logistic(loc=loc, scale=scale)
    ref = st.logistic(loc=loc, scale=scale)
    x = np.array([[0.2, -0.8], [3.0, -2.0]])
    s = d.sample(20000, seed=3)
    assert s.shape.as_list() == [20000, 2] and d.reparameterization_type == \
        gc.distributions.FULLY_REPARAMETERIZED
    out = _run([d.log_prob(x), d.cdf(x), d.log_cdf(x), d.survival_function(x),
                d.log_survival_function(x), d.entropy(), d.mean(), d.stddev(), d.mode(), s])
    np.testing.assert_allclose(out[0], ref.logpdf(x), rtol=1e-12)
    np.testing.assert_allclose(out[1], ref.cdf(x), rtol=1e-12)
    np.testing.assert_allclose(out[2], ref.logcdf(x), rtol=1e-12)
    np.testing.assert_allclose(out[3], ref.sf(x), rtol=1e-12)
    np.testing.assert_allclose(out[4], ref.logsf(x), rtol=1e-12)
    np.testing.assert_allclose(out[5], ref.entropy(), rtol=1e-12)
    np.testing.assert_allclose(out[6:9], [loc, ref.std(), loc], rtol=1e-12)
    np.testing.assert_allclose(out[9].mean(0), loc, atol=0.05)
    np.testing.assert_allclose(out[9].std(0), ref.std(), rtol=0.03)
    gc.testing.check_vjp(lambda m, c: ds.Logistic(m, c).log_prob(x),
                         [loc, scale])


def test_one_hot_categorical():
    probs = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    d = ds.OneHotCategorical(probs=probs)
    assert d.batch_shape.as_list() == [2] and d.event_shape.as_list() == [3]
    s = d.sample(4000, seed=1)
    assert s.dtype == gc.int32 and s.shape.as_list() == [4000, 2, 3]
    x = np.array([[0, 0, 1], [1, 0, 0]], np.int32)
    other = ds.OneHotCategorical(logits=np.log([[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]))
    sv, lp, lps, ent, cov, mode, kl = _run([
        s, d.log_prob(x), d.log_prob(x[:, None, :]), d.entropy(), d.covariance(), d.mode(),
        gc.distributions.kl_divergence(d, other)])
    assert set(np.unique(sv)) == {0, 1} and (sv.sum(-1) == 1).all()
    np.testing.assert_allclose(sv.mean(0), probs, atol=0.025)
    np.testing.assert_allclose(lp, np.log([0.3, 0.6]), rtol=1e-6)
    assert lps.shape == (2, 2)
    np.testing.assert_allclose(ent, st.entropy(probs.T), rtol=1e-6)
    np.testing.assert_allclose(cov[0], np.diag(probs[0]) - np.outer(probs[0], probs[0]),
                               atol=1e-7)
    np.testing.assert_array_equal(mode, [[0, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(kl, np.sum(probs * np.log(probs / np.exp(
        np.log([[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]))), -1), rtol=1e-5)


def _concrete_logpdf(x, probs, lam):
    """Maddison et al.'s Concrete density on the simplex (k - 1 free coordinates)."""
    k = probs.shape[-1]
    return (math.lgamma(k) + (k - 1) * np.log(lam)
            + np.sum(np.log(probs) - (lam + 1) * np.log(x), -1)
            - k * np.log(np.sum(probs * x ** -lam, -1)))


def test_relaxed_one_hot_categorical_density_and_samples():
    probs = np.array([0.1, 0.6, 0.3])
    lam = 0.7
    d = ds.RelaxedOneHotCategorical(lam, probs=probs)
    e = d.distribution
    assert isinstance(e, ds.ExpRelaxedOneHotCategorical)
    assert d.reparameterization_type == gc.distributions.FULLY_REPARAMETERIZED
    assert d.event_shape.as_list() == [3] and d.dtype == gc.float64
    x = np.array([[0.2, 0.5, 0.3], [0.05, 0.05, 0.9]])
    s = d.sample(6000, seed=2)
    es = e.sample([2, 5], seed=4)
    lp, sv, lps, esv, lpe = _run([d.log_prob(x), s, d.log_prob(s[:3]), es, e.log_prob(es)])
    np.testing.assert_allclose(lp, _concrete_logpdf(x, probs, lam), rtol=1e-10)
    np.testing.assert_allclose(lps, _concrete_logpdf(sv[:3], probs, lam), rtol=1e-8)
    np.testing.assert_allclose(sv.sum(-1), 1.0, rtol=1e-12)
    # Gumbel-max: the largest coordinate is Categorical(probs) at any temperature
    freq = np.bincount(sv.argmax(-1), minlength=3) / len(sv)
    np.testing.assert_allclose(freq, probs, atol=0.02)
    assert esv.shape == (2, 5, 3)
    np.testing.assert_allclose(np.logaddexp.reduce(esv, -1), 0.0, atol=1e-12)
    # the ExpConcrete density is the Concrete one times prod(x) (Exp's Jacobian)
    np.testing.assert_allclose(
        lpe, _concrete_logpdf(np.exp(esv), probs, lam) + esv.sum(-1), rtol=1e-8)


def test_relaxed_bernoulli_is_two_class_concrete():
    logits, lam = np.array([-0.4, 1.3]), np.array(0.6)
    d = ds.RelaxedBernoulli(lam, logits=logits)
    assert d.batch_shape.as_list() == [2] and d.event_shape.as_list() == []
    two = ds.RelaxedOneHotCategorical(lam, logits=np.stack([logits, 0 * logits], -1))
    y = np.array([0.15, 0.8])
    s = d.sample(8000, seed=5)
    lp, lp2, cdf, sv, t, p = _run([d.log_prob(y), two.log_prob(np.stack([y, 1 - y], -1)),
                                   d.cdf(y), s, d.temperature, d.probs])
    np.testing.assert_allclose(lp, lp2, rtol=1e-10)
    # P[Y <= y] = sigmoid(lam * logit(y) - logits)
    ref_cdf = 1 / (1 + np.exp(-(lam * np.log(y / (1 - y)) - logits)))
    np.testing.assert_allclose(cdf, ref_cdf, rtol=1e-10)
    np.testing.assert_allclose((sv <= y).mean(0), ref_cdf, atol=0.02)
    assert t == lam
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-logits)))
    # the density integrates to 1 (in u = logit(y), where it has no endpoint poles)
    u = np.linspace(-30.0, 30.0, 6001)
    y = 1 / (1 + np.exp(-u))
    dens, = _run([d.prob(np.stack([y, y], -1))])
    np.testing.assert_allclose(si.simpson(dens * (y * (1 - y))[:, None], x=u, axis=0),
                               [1.0, 1.0], rtol=1e-6)


def test_relaxed_gradients():
    x = np.array([[0.2, 0.5, 0.3], [0.1, 0.3, 0.6]])
    gc.testing.check_vjp(
        lambda l, t: ds.RelaxedOneHotCategorical(t, logits=l).log_prob(x),
        [np.array([0.3, -0.2, 1.0]), np.array(0.8)])
    gc.testing.check_vjp(
        lambda l, t: ds.RelaxedBernoulli(t, logits=l).log_prob(np.array([0.3, 0.9])),
        [np.array([0.3, -1.2]), np.array(0.5)])
    _check_sample_grad(lambda l, t: ds.RelaxedOneHotCategorical(t, logits=l).sample(
        4, seed=7), [np.array([0.3, -0.2, 1.0]), np.array(0.8)])
    _check_sample_grad(lambda l, t: ds.RelaxedBernoulli(t, logits=l).sample(3, seed=8),
                       [np.array([0.3, -1.2]), np.array(0.5)])


def test_relaxed_dtype_and_validation():
    d = ds.ExpRelaxedOneHotCategorical(0.5, logits=np.float32([1.0, 2.0]))
    assert d.temperature.dtype == gc.float32 and d.dtype == gc.float32
    v = ds.ExpRelaxedOneHotCategorical(0.5, logits=[1.0, 2.0], validate_args=True)
    good, = _run([v.log_prob(np.log(np.float32([0.3, 0.7])))])
    assert np.isfinite(good)
    with pytest.raises(gc.errors.InvalidArgumentError, match="x <= 0"):
        v.log_prob(np.float32([0.1, -0.2]))     # known now: refused at build time, as TF's
