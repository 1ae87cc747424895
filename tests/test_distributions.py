"""gc.distributions (TF1's tf.distributions): values against closed forms, sample
moments and reparameterized gradients (fixed seeds, tolerances of several standard
errors), shapes, name scopes, the KL registry, validate_args / allow_nan_stats."""
import math

import numpy as np
import pytest

import graphc as gc

D = gc.distributions


def run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


@pytest.fixture(autouse=True)
def graph():
    with gc.Graph().as_default() as g:
        yield g


def test_normal_values_against_closed_forms():
    loc, scale = np.array([0.0, 1.0, -2.0]), np.array([1.0, 0.5, 3.0])
    x = np.array([0.3, 1.2, 4.0])
    d = D.Normal(loc, scale)
    lp, cdf, ent, q = run([d.log_prob(x), d.cdf(x), d.entropy(), d.quantile(0.975)])
    z = (x - loc) / scale
    np.testing.assert_allclose(lp, -0.5 * z ** 2 - np.log(scale) - 0.5 * np.log(2 * np.pi))
    np.testing.assert_allclose(cdf, [0.5 * (1 + math.erf(v / math.sqrt(2))) for v in z])
    np.testing.assert_allclose(ent, 0.5 * np.log(2 * np.pi * np.e * scale ** 2))
    np.testing.assert_allclose(q, loc + scale * 1.959963984540054, rtol=1e-9)


def test_log_cdf_is_finite_far_in_the_tails():
    x = np.array([-60.0, -25.0, -19.0, 0.0, 9.0, 40.0])
    lc = run(D.Normal(0.0 * x, 1.0 + 0.0 * x).log_cdf(x))
    assert np.all(np.isfinite(lc))
    # log Phi(x) ~ -x^2/2 - log(-x) - log(2 pi)/2 far below
    np.testing.assert_allclose(lc[0], -1800 - np.log(60) - 0.5 * np.log(2 * np.pi),
                               rtol=1e-6)
    np.testing.assert_allclose(lc[-1], 0.0, atol=1e-300)


def test_gamma_beta_dirichlet_closed_forms():
    g = D.Gamma(concentration=3.0, rate=2.0)
    b = D.Beta(2.0, 3.0)
    di = D.Dirichlet([1.0, 1.0, 1.0])
    out = run([g.log_prob(1.5), g.mean(), g.variance(), g.mode(), b.prob(0.25), b.mean(),
               di.log_prob([0.2, 0.3, 0.5]), di.entropy()])
    np.testing.assert_allclose(out[0], np.log(2 ** 3 * 1.5 ** 2 * np.exp(-3.0) / 2), rtol=1e-6)
    np.testing.assert_allclose(out[1:4], [1.5, 0.75, 1.0], rtol=1e-6)
    np.testing.assert_allclose(out[4], 12 * 0.25 * 0.75 ** 2, rtol=1e-6)
    np.testing.assert_allclose(out[5], 0.4, rtol=1e-6)
    np.testing.assert_allclose(out[6:], [np.log(2.0), -np.log(2.0)], rtol=1e-6)


def test_discrete_values():
    c = D.Categorical(probs=[0.2, 0.3, 0.5])
    bern = D.Bernoulli(logits=[0.0, 2.0])
    m = D.Multinomial(total_count=3.0, probs=[0.2, 0.3, 0.5])
    out = run([c.prob([0, 1, 2]), c.cdf([0, 1, 2, 3]), c.mode(), bern.prob([[1], [0]]),
               m.prob([1.0, 1.0, 1.0]), c.entropy()])
    np.testing.assert_allclose(out[0], [0.2, 0.3, 0.5], rtol=1e-6)
    np.testing.assert_allclose(out[1], [0.0, 0.2, 0.5, 1.0], rtol=1e-6)  # TF1: P[X < k]
    assert out[2] == 2 and out[2].dtype == np.int32
    s = 1 / (1 + np.exp(-2.0))
    np.testing.assert_allclose(out[3], [[0.5, s], [0.5, 1 - s]], rtol=1e-6)
    np.testing.assert_allclose(out[4], 6 * 0.2 * 0.3 * 0.5, rtol=1e-6)
    np.testing.assert_allclose(out[5], -np.sum(np.log([.2, .3, .5]) * [.2, .3, .5]), rtol=1e-6)


CASES = {
    "normal": (lambda: D.Normal([0.0, 3.0], [1.0, 0.5]), [0.0, 3.0], [1.0, 0.25]),
    "laplace": (lambda: D.Laplace(1.0, [1.0, 2.0]), [1.0, 1.0], [2.0, 8.0]),
    "uniform": (lambda: D.Uniform([0.0, -1.0], [1.0, 3.0]), [0.5, 1.0], [1 / 12, 16 / 12]),
    "student_t": (lambda: D.StudentT(5.0, [0.0, 2.0], 1.0), [0.0, 2.0], [5 / 3, 5 / 3]),
    "gamma": (lambda: D.Gamma([0.5, 4.0], 2.0), [0.25, 2.0], [0.125, 1.0]),
    "exponential": (lambda: D.Exponential([1.0, 4.0]), [1.0, 0.25], [1.0, 1 / 16]),
    "beta": (lambda: D.Beta([2.0, 0.5], [3.0, 0.5]), [0.4, 0.5], [0.04, 0.125]),
    "bernoulli": (lambda: D.Bernoulli(probs=[0.1, 0.7]), [0.1, 0.7], [0.09, 0.21]),
    "categorical": (lambda: D.Categorical(probs=[0.2, 0.3, 0.5]), [1.3], [0.61]),
    "dirichlet": (lambda: D.Dirichlet([1.0, 2.0, 3.0]), [1 / 6, 1 / 3, 1 / 2],
                  [5 / 252, 8 / 252, 9 / 252]),
    "multinomial": (lambda: D.Multinomial([2.0, 10.0], probs=[0.5, 0.5]),
                    [[1.0, 1.0], [5.0, 5.0]], [[0.5, 0.5], [2.5, 2.5]]),
    "dirichlet_multinomial": (lambda: D.DirichletMultinomial(4.0, [1.0, 1.0]), [2.0, 2.0],
                              [2.0, 2.0]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sample_moments(name):
    """Sample mean and variance of 40000 draws within 5 standard errors of the truth."""
    make, mean, var = CASES[name]
    n = 40000
    draws = run(gc.cast(make().sample(n, seed=3), gc.float64))
    mean, var = np.asarray(mean, np.float64), np.asarray(var, np.float64)
    np.testing.assert_array_less(np.abs(draws.mean(0) - mean), 5 * np.sqrt(var / n))
    fourth = ((draws - mean) ** 4).mean(0)
    np.testing.assert_array_less(np.abs(draws.var(0) - var),
                                 5 * np.sqrt((fourth - var ** 2) / n) + 1e-12)


def test_multinomial_counts_sum_to_total_count():
    d = D.Multinomial(total_count=[3.0, 7.0], logits=[0.0, 1.0, -1.0])
    x = run(d.sample(50, seed=1))
    assert x.shape == (50, 2, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x.sum(-1), np.broadcast_to([3.0, 7.0], (50, 2)))
    y = run(D.DirichletMultinomial([2.0, 5.0], [1.0, 2.0, 3.0]).sample(4, seed=2))
    np.testing.assert_array_equal(y.sum(-1), np.broadcast_to([2.0, 5.0], (4, 2)))


def test_reparameterized_sample_gradients():
    loc, scale = gc.constant([0.5, 1.0]), gc.constant([2.0, 3.0])
    alpha = gc.constant([0.7, 3.0])
    x = D.Normal(loc, scale).sample(1000, seed=1)
    g = D.Gamma(alpha, 2.0).sample(20000, seed=2)
    dloc, dalpha = run([gc.gradients(gc.reduce_mean(x, 0), loc)[0],
                        gc.gradients(gc.reduce_mean(g, 0), alpha)[0]])
    np.testing.assert_allclose(dloc, [1.0, 1.0], rtol=1e-5)
    np.testing.assert_allclose(dalpha, [0.5, 0.5], rtol=0.05)   # d E[x]/d alpha = 1/rate
    assert D.Normal(0.0, 1.0).reparameterization_type is D.FULLY_REPARAMETERIZED
    assert D.Categorical(logits=[0.0]).reparameterization_type == D.NOT_REPARAMETERIZED
    assert repr(D.FULLY_REPARAMETERIZED) == "<Reparameterization Type: FULLY_REPARAMETERIZED>"


def test_log_prob_gradient_is_the_score():
    loc = gc.constant(0.5)
    lp = D.Normal(loc, 2.0).log_prob(1.5)
    np.testing.assert_allclose(run(gc.gradients(lp, loc)[0]), 0.25)


def test_sample_shapes_static_and_dynamic():
    d = D.Normal(gc.zeros([4, 1]), gc.ones([3]))
    assert d.batch_shape.as_list() == [4, 3]
    assert d.sample().shape.as_list() == [4, 3]
    assert d.sample([2, 5], seed=1).shape.as_list() == [2, 5, 4, 3]
    n = gc.placeholder(gc.int32, [2])
    s = d.sample(n, seed=1)
    assert s.shape.as_list() == [None, None, 4, 3]
    assert run(s, {n: [3, 2]}).shape == (3, 2, 4, 3)
    loc = gc.placeholder(gc.float32, [None])
    dyn = D.Normal(loc, 1.0)
    assert dyn.batch_shape.as_list() == [None]
    assert list(run(dyn.batch_shape_tensor(), {loc: np.zeros(5, np.float32)})) == [5]
    assert list(run(D.Dirichlet(gc.ones([2, 3])).event_shape_tensor())) == [3]
    assert run(D.Normal(0.0, 1.0).is_scalar_batch())


def test_names_parameters_and_copy():
    d = D.Normal(loc=1.0, scale=2.0)
    assert d.name == "Normal/" and D.Normal(0.0, 1.0).name == "Normal_1/"
    assert d.log_prob(0.0).name.startswith("Normal/log_prob/")
    assert d.parameters == {"loc": 1.0, "scale": 2.0, "validate_args": False,
                            "allow_nan_stats": True, "name": "Normal"}
    e = d.copy(scale=5.0)
    assert isinstance(e, D.Normal) and run(e.stddev()) == 5.0
    assert str(d) == ('tfp.distributions.Normal("Normal/", batch_shape=(), event_shape=(), '
                      'dtype=float32)')
    assert D.Normal.param_static_shapes([2, 3])["scale"].as_list() == [2, 3]


def test_constructor_errors():
    with pytest.raises(ValueError, match="probs or logits"):
        D.Bernoulli(logits=0.0, probs=0.5)
    with pytest.raises(ValueError, match="probs or logits"):
        D.Categorical()
    with pytest.raises(ValueError, match="floating point"):
        D.Normal(0, 1)
    with pytest.raises(ValueError, match="float64"):
        D.Normal(np.float64(0.0), 1.0)
    with pytest.raises(NotImplementedError, match="quantile is not implemented: Laplace"):
        D.Laplace(0.0, 1.0).quantile(0.5)
    with pytest.raises(NotImplementedError, match="mean is not implemented: Categorical"):
        D.Categorical(logits=[0.0, 1.0]).mean()


def test_kl_registry():
    class MyNormal(D.Normal):
        pass

    a, b = MyNormal(0.0, 1.0), D.Normal(1.0, 2.0)
    want = math.log(2.0) + (1 + 1) / 8 - 0.5
    np.testing.assert_allclose(run(D.kl_divergence(a, b)), want, rtol=1e-6)   # via MRO
    np.testing.assert_allclose(run(a.cross_entropy(b)),
                               want + 0.5 * math.log(2 * math.pi * math.e), rtol=1e-6)
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Gamma(1.0, 1.0))

    @D.RegisterKL(MyNormal, D.Gamma)
    def _kl(x, y, name=None):
        return gc.constant(7.0)

    assert run(D.kl_divergence(a, D.Gamma(1.0, 1.0))) == 7.0
    with pytest.raises(ValueError, match="already been registered"):
        D.RegisterKL(MyNormal, D.Gamma)(_kl)
    with pytest.raises(TypeError, match="callable"):
        D.RegisterKL(D.Gamma, MyNormal)(3)


def test_allow_nan_stats_and_validate_args():
    p = gc.placeholder(gc.float32, [])
    assert np.isnan(run(D.Beta(0.5, 2.0).mode()))
    assert np.isnan(run(D.Exponential(2.0).mode()))          # as TF1 (Gamma's mode)
    mode = D.Beta(p, 2.0, allow_nan_stats=False).mode()
    assert run(mode, {p: 2.0}) == pytest.approx(0.5)
    with pytest.raises(Exception, match="concentration1 <= 1"):
        run(mode, {p: 0.5})
    var = D.StudentT(p, 0.0, 1.0).variance()
    v = run(var, {p: 1.5}), run(var, {p: 0.5}), run(var, {p: 4.0})
    assert v[0] == np.inf and np.isnan(v[1]) and v[2] == pytest.approx(2.0)
    scale = D.Normal(0.0, p, validate_args=True).stddev()
    with pytest.raises(Exception, match="x > 0"):
        run(scale, {p: -1.0})
    lp = D.Multinomial(3.0, probs=[0.5, 0.5], validate_args=True).log_prob(gc.stack([p, p]))
    with pytest.raises(Exception, match="total_count"):
        run(lp, {p: 1.0})
    with pytest.raises(Exception, match="fractional"):
        run(lp, {p: 1.5})
    kl = D.kl_divergence(D.Normal(0.0, p), D.Normal(0.0, 1.0), allow_nan_stats=False)
    with pytest.raises(Exception, match="NaN"):
        run(kl, {p: np.nan})


def test_bernoulli_validate_args_checks_events():
    p = gc.placeholder(gc.float32, [2])
    lp = D.Bernoulli(probs=0.3, validate_args=True).log_prob(p)
    np.testing.assert_allclose(run(lp, {p: [0.0, 1.0]}), np.log([0.7, 0.3]), rtol=1e-6)
    with pytest.raises(Exception, match="bool-equivalent"):
        run(lp, {p: [0.5, 2.0]})


def test_subclass_defaults_and_hooks():
    """TF1's base class: unknown static shapes by default (the *_tensor hooks run),
    survival functions through the public cdf, and the _log_normalization /
    _kl_divergence hooks of the built-in classes."""
    class Diag(D.Distribution):
        def __init__(self, mean):
            self._m = mean
            super().__init__(gc.float32, D.FULLY_REPARAMETERIZED, False, True,
                             graph_parents=[mean], name="Diag")

        def _batch_shape_tensor(self):
            return gc.shape(self._m)[:-1]

        def _event_shape_tensor(self):
            return gc.shape(self._m)[-1:]

        def _sample_n(self, n, seed=None):
            return self._m + gc.zeros(gc.concat([[n], gc.shape(self._m)], 0))

        def _log_cdf(self, x):
            return -gc.nn.softplus(-x)

    m = gc.placeholder(gc.float32, [None, 2])
    d = Diag(m)
    assert d.batch_shape.ndims is None and d.event_shape.ndims is None
    feed = {m: [[1.0, 2.0]]}
    ev, scalar, batch, s = run([d.event_shape_tensor(), d.is_scalar_event(),
                                d.batch_shape_tensor(), d.sample(3)], feed)
    assert list(ev) == [2] and not scalar and list(batch) == [1] and s.shape == (3, 1, 2)
    sf, lsf = run([d.survival_function(0.5), d.log_survival_function(0.5)])
    assert sf == pytest.approx(1 - 1 / (1 + math.exp(-0.5)))
    assert lsf == pytest.approx(math.log(sf))

    class HalfNormal(D.Normal):
        def _log_normalization(self):
            return super()._log_normalization() - math.log(2.0)

    class ZeroKL(D.Categorical):
        def _kl_divergence(self, other):
            return gc.zeros_like(self.entropy())

    lp = run(HalfNormal(0.0, 1.0).log_prob(0.0))
    assert lp == pytest.approx(math.log(2.0) - 0.5 * math.log(2 * math.pi))
    assert run(ZeroKL(logits=[0.0, 1.0]).kl_divergence(D.Categorical(logits=[1.0, 0.0]))) == 0


def test_parameters_are_identities_and_quantile_ends():
    """d.loc is TF1's identity(loc): gradients w.r.t. it skip the caller's other uses.
    Normal.quantile is +-inf at p = 0, 1 with zero gradient there."""
    x = gc.placeholder(gc.float32, [None])
    mu = 2.0 * x
    pi = D.Normal(loc=mu, scale=1.0)
    assert pi.loc.name == "Normal/loc:0"
    loss = -gc.reduce_sum(pi.log_prob(1.0)) + 0.5 * gc.reduce_sum(gc.square(mu))
    np.testing.assert_allclose(run(gc.gradients(loss, pi.loc)[0], {x: [1.0, 3.0]}), [1, 5])
    p = gc.constant([0.0, 0.5, 1.0])
    q = D.Normal(0.0, 2.0).quantile(p)
    qv, g = run([q, gc.gradients(gc.reduce_sum(q), p)[0]])
    np.testing.assert_allclose(qv, [-np.inf, 0.0, np.inf])
    np.testing.assert_allclose(g, [0.0, 2.0 * math.sqrt(2 * math.pi), 0.0], rtol=1e-6)
    var = D.StudentT([1.5, 3.0], 0.0, 1.0, allow_nan_stats=False).variance()
    np.testing.assert_allclose(run(var), [np.inf, 3.0])
