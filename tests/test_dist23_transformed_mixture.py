"""TF 1.15's TransformedDistribution, Mixture and MixtureSameFamily
(gc.contrib.distributions), against scipy and closed forms."""
import numpy as np
import pytest
import scipy.stats as st

import graphc as gc

ds = gc.contrib.distributions
tfb = ds.bijectors


def _run(fetches):
    with gc.Session() as sess:
        return sess.run(fetches)


def test_log_normal_as_transformed_normal():
    mu, sigma = np.array([0.5, -0.3]), np.array([1.2, 0.7])
    d = ds.TransformedDistribution(distribution=ds.Normal(loc=mu, scale=sigma),
                                   bijector=tfb.Exp())
    assert d.name == "expNormal/"
    assert d.batch_shape.as_list() == [2] and d.event_shape.as_list() == []
    ref = st.lognorm(s=sigma, scale=np.exp(mu))
    y = np.array([[0.7, 2.0], [1.5, 0.2]])
    s = d.sample([3, 4], seed=1)
    assert s.shape.as_list() == [3, 4, 2]
    lp, p, cdf, q, sv, lps = _run([d.log_prob(y), d.prob(y), d.cdf(y), d.quantile(0.3),
                                   s, d.log_prob(s)])
    np.testing.assert_allclose(lp, ref.logpdf(y), rtol=1e-12)
    np.testing.assert_allclose(p, ref.pdf(y), rtol=1e-12)
    np.testing.assert_allclose(cdf, ref.cdf(y), rtol=1e-10)
    np.testing.assert_allclose(q, ref.ppf(0.3), rtol=1e-6)
    assert (sv > 0).all()
    np.testing.assert_allclose(lps, ref.logpdf(sv), rtol=1e-10)
    with pytest.raises(NotImplementedError, match="entropy"):
        d.entropy()


def test_transformed_log_prob_gradients():
    y = np.array([0.7, 2.0, 1.3])

    def log_prob(mu, sigma, c):
        base = ds.Normal(loc=mu, scale=sigma)
        return ds.TransformedDistribution(
            base, tfb.Chain([tfb.Softplus(hinge_softness=c), tfb.AffineScalar(scale=2.0 *
                                                                             c)])).log_prob(y)
    gc.testing.check_vjp(log_prob, [np.array([0.1, -0.2, 0.3]), np.array(1.3), np.array(0.8)])


def test_event_shape_override_is_an_mvn():
    mean = np.array([[-1.0, 0.0], [0.0, 1.0]])
    chol = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [2.0, 2.0]]])
    d = ds.TransformedDistribution(
        distribution=ds.Normal(loc=np.float64(0.0), scale=np.float64(1.0)),
        bijector=tfb.Affine(shift=mean, scale_tril=chol), batch_shape=[2], event_shape=[2])
    mvn = ds.MultivariateNormalTriL(loc=mean, scale_tril=chol)
    assert d.batch_shape.as_list() == [2] and d.event_shape.as_list() == [2]
    x = np.array([[[0.3, -0.5], [1.0, 2.0]], [[0.0, 0.1], [-1.0, 0.5]], [[2., 1.], [0., 0.]]])
    s = d.sample(5, seed=2)
    assert s.shape.as_list() == [5, 2, 2]
    lp, lp_mvn, h, h_mvn, _ = _run([d.log_prob(x), mvn.log_prob(x), d.entropy(),
                                    mvn.entropy(), s])
    np.testing.assert_allclose(lp, lp_mvn, rtol=1e-12)
    np.testing.assert_allclose(h, h_mvn, rtol=1e-12)
    with pytest.raises(ValueError, match="base distribution not scalar"):
        ds.TransformedDistribution(ds.MultivariateNormalDiag(loc=mean), tfb.Identity(),
                                   event_shape=[2])


def test_event_override_of_a_batch_rotates_the_draws():
    loc = np.array([0.0, 10.0, 20.0])
    d = ds.TransformedDistribution(ds.Normal(loc=loc, scale=np.ones(3)), tfb.Identity(),
                                   event_shape=[2])
    assert d.batch_shape.as_list() == [3] and d.event_shape.as_list() == [2]
    x = np.arange(12.0).reshape(2, 3, 2)
    s = d.sample(4, seed=0)
    assert s.shape.as_list() == [4, 3, 2]
    lp, sv = _run([d.log_prob(x), s])
    np.testing.assert_allclose(lp, st.norm.logpdf(x, loc[:, None]).sum(-1), rtol=1e-12)
    assert np.all(np.abs(sv - loc[:, None]) < 6)       # batch member b draws near loc[b]


def test_mixture_matches_closed_forms():
    probs = np.array([0.3, 0.7])
    locs, scales = [-1.0, 2.0], [1.0, 0.5]
    mix = ds.Mixture(cat=ds.Categorical(probs=probs),
                     components=[ds.Normal(np.float64(m), np.float64(s))
                                 for m, s in zip(locs, scales)])
    x = np.array([-2.0, 0.0, 1.5, 3.0])
    pdf = sum(p * st.norm.pdf(x, m, s) for p, m, s in zip(probs, locs, scales))
    cdf = sum(p * st.norm.cdf(x, m, s) for p, m, s in zip(probs, locs, scales))
    mean = probs @ locs
    var = probs @ (np.square(scales) + np.square(locs)) - mean ** 2
    s = mix.sample(4000, seed=3)
    assert s.shape.as_list() == [4000]
    got = _run([mix.log_prob(x), mix.prob(x), mix.cdf(x), mix.mean(), mix.variance(),
                mix.entropy_lower_bound(), s])
    np.testing.assert_allclose(got[0], np.log(pdf), rtol=1e-12)
    np.testing.assert_allclose(got[1], pdf, rtol=1e-12)
    np.testing.assert_allclose(got[2], cdf, rtol=1e-10)
    np.testing.assert_allclose(got[3], mean, rtol=1e-12)
    np.testing.assert_allclose(got[4], var, rtol=1e-12)
    np.testing.assert_allclose(got[5], probs @ st.norm(locs, scales).entropy(), rtol=1e-12)
    assert abs(got[6].mean() - mean) < 0.1 and abs(got[6].var() - var) < 0.3
    with pytest.raises(ValueError, match=r"cat.num_classes != len\(components\): 2 vs. 3"):
        ds.Mixture(ds.Categorical(probs=probs), [ds.Normal(0.0, 1.0)] * 3)
    with pytest.raises(TypeError, match="cat must be a Categorical"):
        ds.Mixture(ds.Normal(0.0, 1.0), [ds.Normal(0.0, 1.0)])


def test_mixture_same_family_scalar_and_vector_events():
    probs = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])          # batch 2, k = 3
    locs = np.array([[-1.0, 0.0, 2.0], [1.0, 3.0, -2.0]])
    scales = np.array([[1.0, 0.5, 2.0], [0.3, 1.0, 1.5]])
    gmm = ds.MixtureSameFamily(ds.Categorical(probs=probs), ds.Normal(locs, scales))
    assert gmm.batch_shape.as_list() == [2] and gmm.event_shape.as_list() == []
    x = np.array([[0.5, -1.0], [2.0, 1.0], [0.0, 0.0]])           # (3, 2)
    pdf = (probs * st.norm.pdf(x[..., None], locs, scales)).sum(-1)
    mean = (probs * locs).sum(-1)
    var = (probs * (scales ** 2 + locs ** 2)).sum(-1) - mean ** 2
    # a scalar-batch mixture over 2-vectors (MultivariateNormalDiag components)
    mvn_locs = np.array([[0.0, 1.0], [2.0, -1.0]])
    mvn_scales = np.array([[1.0, 2.0], [0.5, 0.5]])
    w = np.array([0.25, 0.75])
    vec = ds.MixtureSameFamily(ds.Categorical(probs=w),
                               ds.MultivariateNormalDiag(mvn_locs, mvn_scales))
    assert vec.batch_shape.as_list() == [] and vec.event_shape.as_list() == [2]
    v = np.array([[0.5, 0.5], [2.0, -1.0]])
    vpdf = sum(wk * st.multivariate_normal.pdf(v, m, np.diag(s ** 2))
               for wk, m, s in zip(w, mvn_locs, mvn_scales))
    vmean = w @ mvn_locs
    z = mvn_locs - vmean
    vcov = sum(wk * (np.diag(s ** 2) + np.outer(zk, zk))
               for wk, s, zk in zip(w, mvn_scales, z))
    s1, s2 = gmm.sample(7, seed=4), vec.sample([2, 3], seed=5)
    assert s1.shape.as_list() == [7, 2] and s2.shape.as_list() == [2, 3, 2]
    got = _run([gmm.log_prob(x), gmm.mean(), gmm.variance(), vec.log_prob(v), vec.mean(),
                vec.covariance(), vec.variance(), s1, s2])
    np.testing.assert_allclose(got[0], np.log(pdf), rtol=1e-12)
    np.testing.assert_allclose(got[1], mean, rtol=1e-12)
    np.testing.assert_allclose(got[2], var, rtol=1e-12)
    np.testing.assert_allclose(got[3], np.log(vpdf), rtol=1e-12)
    np.testing.assert_allclose(got[4], vmean, rtol=1e-12)
    np.testing.assert_allclose(got[5], vcov, rtol=1e-12)
    np.testing.assert_allclose(got[6], np.diag(vcov), rtol=1e-12)
    with pytest.raises(ValueError, match="does not equal"):
        ds.MixtureSameFamily(ds.Categorical(probs=[0.5, 0.5]), ds.Normal(locs, scales))
