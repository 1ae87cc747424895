"""TF 1.15's Independent, Deterministic, VectorDeterministic, Kumaraswamy, Poisson,
Geometric and NegativeBinomial (gc.contrib.distributions), against scipy, closed forms
and seeded Monte Carlo."""
import numpy as np
import pytest
import scipy.integrate as si
import scipy.special as sp
import scipy.stats as st

import graphc as gc
from graphc.testing import check_vjp

ds = gc.contrib.distributions


def _run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


def test_independent():
    mu = np.array([[0.0, 1.0, -1.0], [0.5, 0.2, 0.3]])
    sigma = np.array([[1.0, 2.0, 0.5], [1.5, 0.7, 1.1]])
    base = ds.Normal(loc=mu, scale=sigma)
    d = ds.Independent(base)                        # None: all batch dims but the first
    assert d.name == "IndependentNormal/" and d.reinterpreted_batch_ndims == 1
    assert d.batch_shape.as_list() == [2] and d.event_shape.as_list() == [3]
    assert d.reparameterization_type == gc.distributions.FULLY_REPARAMETERIZED
    both = ds.Independent(base, reinterpreted_batch_ndims=2)
    assert both.batch_shape.as_list() == [] and both.event_shape.as_list() == [2, 3]
    other = ds.Independent(ds.Normal(loc=mu * 0.0, scale=np.ones_like(sigma)), 1)
    x = np.array([[0.1, 0.4, -0.3], [1.0, 0.0, 2.0]])
    s = d.sample(5, seed=1)
    assert s.shape.as_list() == [5, 2, 3]
    lp, lp2, ent, kl, mean, bst, est = _run([
        d.log_prob(x), both.log_prob(x), d.entropy(), gc.distributions.kl_divergence(d, other),
        d.mean(), d.batch_shape_tensor(), d.event_shape_tensor()])
    ref = st.norm(mu, sigma)
    np.testing.assert_allclose(lp, ref.logpdf(x).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(lp2, ref.logpdf(x).sum(), rtol=1e-12)
    np.testing.assert_allclose(ent, ref.entropy().sum(-1), rtol=1e-12)
    kl_ref = (np.log(1 / sigma) + (sigma ** 2 + mu ** 2) / 2 - 0.5).sum(-1)
    np.testing.assert_allclose(kl, kl_ref, rtol=1e-12)
    np.testing.assert_allclose(mean, mu)
    assert bst.tolist() == [2] and est.tolist() == [3]
    with pytest.raises(ValueError, match="cannot exceed"):
        ds.Independent(base, reinterpreted_batch_ndims=3)


def test_deterministic():
    d = ds.Deterministic(loc=[[0.0, 1.0], [2.0, 3.0]], atol=0.05)
    v = ds.VectorDeterministic(loc=[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], rtol=0.01)
    assert v.batch_shape.as_list() == [3] and v.event_shape.as_list() == [2]
    s = d.sample(3, seed=1)
    p, cdf, lp, vp, sv, var, ent = _run([
        d.prob([[0.0, 1.1], [1.99, 3.0]]), d.cdf([[-0.1, 0.96], [2.5, 2.9]]),
        d.log_prob([[0.0, 1.1], [1.99, 3.0]]),
        v.prob([[0.0, 1.0], [1.9, 3.0], [4.03, 5.04]]), s, d.variance(), d.entropy()])
    np.testing.assert_array_equal(p, [[1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(cdf, [[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(lp, [[0.0, -np.inf], [0.0, 0.0]])
    np.testing.assert_array_equal(vp, [1.0, 0.0, 1.0])
    assert sv.shape == (3, 2, 2) and (sv == [[0.0, 1.0], [2.0, 3.0]]).all()
    assert (var == 0).all() and (ent == 0).all()


def test_kumaraswamy():
    a, b = np.array([2.0, 0.7, 3.0]), np.array([5.0, 1.5, 0.8])
    d = ds.Kumaraswamy(concentration1=a, concentration0=b)
    assert d.batch_shape.as_list() == [3] and d.event_shape.as_list() == []
    assert d.reparameterization_type == gc.distributions.FULLY_REPARAMETERIZED
    x = np.array([0.2, 0.5, 0.9])
    s = d.sample(20000, seed=3)
    lp, cdf, mean, var, ent, mode, sv = _run([d.log_prob(x), d.cdf(x), d.mean(),
                                              d.variance(), d.entropy(), d.mode(), s])
    pdf = lambda t, i: a[i] * b[i] * t ** (a[i] - 1) * (1 - t ** a[i]) ** (b[i] - 1)
    np.testing.assert_allclose(lp, np.log(pdf(x, slice(None))), rtol=1e-10)
    np.testing.assert_allclose(cdf, 1 - (1 - x ** a) ** b, rtol=1e-10)
    m1 = b * sp.beta(1 + 1 / a, b)
    np.testing.assert_allclose(mean, m1, rtol=1e-10)
    np.testing.assert_allclose(var, b * sp.beta(1 + 2 / a, b) - m1 ** 2, rtol=1e-9)
    num_ent = [si.quad(lambda t: -pdf(t, i) * np.log(pdf(t, i)), 0, 1)[0] for i in range(3)]
    np.testing.assert_allclose(ent, num_ent, rtol=1e-6)
    np.testing.assert_allclose(mode[0], ((a[0] - 1) / (a[0] * b[0] - 1)) ** (1 / a[0]))
    assert np.isnan(mode[1:]).all()
    np.testing.assert_allclose(sv.mean(0), m1, atol=0.01)
    check_vjp(lambda c1, c0: ds.Kumaraswamy(c1, c0).log_prob(x), [a, b])
    # reparameterized: y = (1 - (1 - u)^(1/b))^(1/a), so dy/da = -y log(y) / a
    c1 = gc.constant(a)
    y = ds.Kumaraswamy(c1, b).sample(4, seed=5)
    yv, g = _run([y, gc.gradients(gc.reduce_sum(y), [c1])[0]])
    np.testing.assert_allclose(g, np.sum(-yv * np.log(yv) / a, 0), rtol=1e-10)


def test_poisson_geometric_negative_binomial():
    rate = np.array([0.7, 4.0])
    pois = ds.Poisson(rate=rate)
    pois_log = ds.Poisson(log_rate=np.log(rate))
    geo = ds.Geometric(probs=np.array([0.3, 0.8]))
    nb = ds.NegativeBinomial(total_count=np.array([3.0, 5.5]), probs=np.array([0.4, 0.7]))
    k = np.array([[0.0, 2.0], [3.0, 5.0]])
    out = _run([pois.log_prob(k), pois_log.log_prob(k), pois.cdf(k), pois.mode(),
                geo.log_prob(k), geo.cdf(k), geo.entropy(), geo.mean(), geo.variance(),
                nb.log_prob(k), nb.cdf(k), nb.mean(), nb.variance(), nb.mode(),
                pois.sample(20000, seed=1), geo.sample(20000, seed=2),
                nb.sample(20000, seed=3)])
    np.testing.assert_allclose(out[0], st.poisson(rate).logpmf(k), rtol=1e-10)
    np.testing.assert_allclose(out[1], st.poisson(rate).logpmf(k), rtol=1e-10)
    np.testing.assert_allclose(out[2], st.poisson(rate).cdf(k), rtol=1e-9)
    np.testing.assert_array_equal(out[3], [0.0, 4.0])
    ref_geo = st.geom([0.3, 0.8], loc=-1)          # failures before the first success
    np.testing.assert_allclose(out[4], ref_geo.logpmf(k), rtol=1e-10)
    np.testing.assert_allclose(out[5], ref_geo.cdf(k), rtol=1e-10)
    np.testing.assert_allclose(out[6], ref_geo.entropy(), rtol=1e-10)
    np.testing.assert_allclose(out[7:9], [ref_geo.mean(), ref_geo.var()], rtol=1e-10)
    # TF's NegativeBinomial counts successes (probs) before total_count failures:
    # scipy's nbinom(n, p) counts failures before n successes, so p = 1 - probs
    ref_nb = st.nbinom([3.0, 5.5], [0.6, 0.3])
    np.testing.assert_allclose(out[9], ref_nb.logpmf(k), rtol=1e-10)
    np.testing.assert_allclose(out[10], ref_nb.cdf(k), rtol=1e-8)
    np.testing.assert_allclose(out[11:13], [ref_nb.mean(), ref_nb.var()], rtol=1e-10)
    np.testing.assert_array_equal(out[13], np.floor([2.0 * 0.4 / 0.6, 4.5 * 0.7 / 0.3]))
    for draws, ref in zip(out[14:], [st.poisson(rate), ref_geo, ref_nb]):
        assert draws.shape == (20000, 2) and (draws == np.floor(draws)).all()
        np.testing.assert_allclose(draws.mean(0), ref.mean(), rtol=0.04)
        np.testing.assert_allclose(draws.var(0), ref.var(), rtol=0.08)
    check_vjp(lambda r: ds.Poisson(rate=r).log_prob(k), [rate])
    check_vjp(lambda n, l: ds.NegativeBinomial(n, logits=l).log_prob(k),
              [np.array([3.0, 5.5]), np.array([-0.4, 0.8])])
    with pytest.raises(ValueError, match="exactly one"):
        ds.Poisson()
