"""tf.distributions parity: values and gradients (w.r.t. the parameters and the values)
of log_prob/prob/cdf/entropy/mean/mode/stddev/variance/kl on random parameters, sample
shapes and dtypes, sample moments against TF's own mean/variance, static shapes, names,
errors and run-time assertions."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc


def pos(*shape, seed=None, low=0.5, high=3.0):
    return rand(*shape, seed=seed, low=low, high=high)


def unit(*shape, seed=None):
    return rand(*shape, seed=seed, low=0.05, high=0.95)


def _scalar_methods(d, x):
    return [d.log_prob(x), d.prob(x), d.cdf(x), d.log_cdf(x), d.survival_function(x),
            d.log_survival_function(x), d.entropy(), d.mean(), d.mode(), d.stddev(),
            d.variance()]


def _stats(d, x):
    return [d.log_prob(x), d.prob(x), d.entropy(), d.mean(), d.stddev(), d.variance()]


CASES = {
    "normal": (lambda m, loc, scale, x, p: _scalar_methods(
        m.distributions.Normal(loc, scale), x) + [m.distributions.Normal(loc, scale)
                                                 .quantile(p)],
        rand(3, 1), pos(4), rand(3, 4, seed=1), unit(3, 4)),
    "normal_f32": (lambda m, loc, scale, x: _scalar_methods(
        m.distributions.Normal(loc, scale), x),
        rand(4, dtype=np.float32), pos(4).astype(np.float32), rand(2, 4, dtype=np.float32)),
    "normal_tails": (lambda m, x: [m.distributions.Normal(0.0 * x, 1.0 + 0.0 * x).log_cdf(x),
                                   m.distributions.Normal(0.0 * x, 1.0 + 0.0 * x)
                                   .log_survival_function(x)],
                     np.array([-40.0, -21.0, -19.0, -9.0, -3.0, 0.0, 3.0, 7.0, 9.0, 30.0])),
    "laplace": (lambda m, loc, scale, x: _scalar_methods(
        m.distributions.Laplace(loc, scale), x), rand(3, 1), pos(4), rand(3, 4, seed=2)),
    "uniform": (lambda m, lo, hi, x: [m.distributions.Uniform(lo, hi).prob(x),
                                     m.distributions.Uniform(lo, hi).log_prob(x),
                                     m.distributions.Uniform(lo, hi).cdf(x),
                                     m.distributions.Uniform(lo, hi).entropy(),
                                     m.distributions.Uniform(lo, hi).mean(),
                                     m.distributions.Uniform(lo, hi).stddev(),
                                     m.distributions.Uniform(lo, hi).variance()],
                rand(4, low=-2, high=-1), pos(4), np.array([[-3.0, -1.5, 0.3, 5.0]] * 2)),
    "student_t": (lambda m, df, loc, scale, x: _stats(
        m.distributions.StudentT(df, loc, scale), x) + [
        m.distributions.StudentT(df, loc, scale).mode()],
        pos(4, low=2.5, high=6.0).astype(np.float32), rand(3, 1).astype(np.float32),
        pos(4).astype(np.float32), rand(3, 4, seed=3).astype(np.float32)),
    "student_t_cdf": (lambda m, loc, scale, x: [
        m.distributions.StudentT(np.array([1.5, 3.0, 7.0]), loc, scale).cdf(x)],
        rand(3), pos(3), rand(3, seed=4)),
    "student_t_stats": (lambda m, df: [m.distributions.StudentT(df, 0.0 * df, 1.0 + 0 * df)
                                       .variance(),
                                       m.distributions.StudentT(df, 0.0 * df, 1.0 + 0 * df)
                                       .mean()],
                        np.array([0.5, 1.5, 2.5, 4.0], np.float32)),
    "gamma": (lambda m, a, r, x: _stats(m.distributions.Gamma(a, r), x) + [
        m.distributions.Gamma(a, r).cdf(x), m.distributions.Gamma(a, r).mode()],
        pos(3, 1, low=0.5, high=4.0), pos(4), pos(3, 4, seed=5)),
    "exponential": (lambda m, r, x: [m.distributions.Exponential(r).log_prob(x),
                                    m.distributions.Exponential(r).cdf(x),
                                    m.distributions.Exponential(r).log_survival_function(x),
                                    m.distributions.Exponential(r).entropy(),
                                    m.distributions.Exponential(r).mean(),
                                    m.distributions.Exponential(r).variance(),
                                    m.distributions.Exponential(r).mode()],
                    pos(4), pos(3, 4, seed=6)),
    "beta": (lambda m, a, b, x: _stats(m.distributions.Beta(a, b), x) + [
        m.distributions.Beta(a, b).mode()],
        pos(3, 1, low=0.5, high=4.0), pos(4, low=0.5, high=4.0), unit(3, 4, seed=7)),
    "beta_cdf": (lambda m, x: [m.distributions.Beta(np.array([0.5, 2.0, 3.0]),
                                                    np.array([1.5, 2.5, 0.7])).cdf(x)],
                 unit(3, seed=8)),
    "dirichlet": (lambda m, c, x: [m.distributions.Dirichlet(c).log_prob(x),
                                   m.distributions.Dirichlet(c).prob(x),
                                   m.distributions.Dirichlet(c).entropy(),
                                   m.distributions.Dirichlet(c).mean(),
                                   m.distributions.Dirichlet(c).variance(),
                                   m.distributions.Dirichlet(c).stddev(),
                                   m.distributions.Dirichlet(c).covariance()],
                  pos(2, 4, low=0.6, high=4.0),
                  np.random.default_rng(9).dirichlet(np.ones(4), size=2)),
    "dirichlet_mode": (lambda m, c: [m.distributions.Dirichlet(c).mode()],
                       np.array([1.5, 2.0, 4.0])),
    "bernoulli_logits": (lambda m, z, k: [m.distributions.Bernoulli(logits=z).log_prob(k),
                                          m.distributions.Bernoulli(logits=z).prob(k),
                                          m.distributions.Bernoulli(logits=z).entropy(),
                                          m.distributions.Bernoulli(logits=z).mean(),
                                          m.distributions.Bernoulli(logits=z).variance(),
                                          m.distributions.Bernoulli(logits=z).mode()],
                         rand(4), rand(3, 4, low=0, high=2, dtype=np.int32)),
    "bernoulli_probs": (lambda m, p, k: [m.distributions.Bernoulli(probs=p).log_prob(k),
                                         m.distributions.Bernoulli(probs=p).entropy(),
                                         m.distributions.Bernoulli(probs=p).logits,
                                         m.distributions.Bernoulli(probs=p).stddev()],
                        unit(4), rand(4, low=0, high=2, dtype=np.int32)),
    "categorical": (lambda m, z, k: [m.distributions.Categorical(logits=z).log_prob(k),
                                     m.distributions.Categorical(logits=z).prob(k),
                                     m.distributions.Categorical(logits=z).cdf(k),
                                     m.distributions.Categorical(logits=z).entropy(),
                                     m.distributions.Categorical(logits=z).mode(),
                                     m.distributions.Categorical(logits=z).probs],
                    rand(3, 5), rand(2, 3, low=0, high=5, dtype=np.int32)),
    "categorical_cdf": (lambda m, z, k: [m.distributions.Categorical(logits=z).cdf(k)],
                        rand(3, 5), np.array([[-1, 0, 5], [2, 6, 4]], np.int32)),
    "categorical_probs": (lambda m, p, k: [
        m.distributions.Categorical(probs=p).log_prob(k),
        m.distributions.Categorical(probs=p).entropy(),
        m.distributions.Categorical(probs=p, dtype=m.int64).mode()],
        np.random.default_rng(10).dirichlet(np.ones(4), size=3),
        np.array([0, 3, 1], np.int32)),
    "multinomial": (lambda m, n, z, x: [
        m.distributions.Multinomial(n, logits=z).log_prob(x),
        m.distributions.Multinomial(n, logits=z).mean(),
        m.distributions.Multinomial(n, logits=z).variance(),
        m.distributions.Multinomial(n, logits=z).covariance()],
        np.array([5.0, 5.0]), rand(2, 3), np.array([[1.0, 2.0, 2.0], [0.0, 5.0, 0.0]])),
    "multinomial_probs": (lambda m, p, x: [
        m.distributions.Multinomial(4.0, probs=p).log_prob(x),
        m.distributions.Multinomial(4.0, probs=p).stddev()],
        np.array([0.2, 0.3, 0.5], np.float32),
        np.array([[1.0, 1.0, 2.0], [4.0, 0.0, 0.0]], np.float32)),
    "dirichlet_multinomial": (lambda m, n, c, x: [
        m.distributions.DirichletMultinomial(n, c).log_prob(x),
        m.distributions.DirichletMultinomial(n, c).prob(x),
        m.distributions.DirichletMultinomial(n, c).mean(),
        m.distributions.DirichletMultinomial(n, c).variance(),
        m.distributions.DirichletMultinomial(n, c).covariance()],
        np.array(6.0), pos(2, 3), np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]])),
    "kl_normal": (lambda m, a, b, c, d: [
        m.distributions.kl_divergence(m.distributions.Normal(a, b),
                                      m.distributions.Normal(c, d)),
        m.distributions.Normal(a, b).cross_entropy(m.distributions.Normal(c, d))],
        rand(3), pos(3), rand(3, seed=11), pos(3, seed=12)),
    "kl_gamma": (lambda m, a, b, c, d: [
        m.distributions.Gamma(a, b).kl_divergence(m.distributions.Gamma(c, d))],
        pos(3), pos(3, seed=13), pos(3, seed=14), pos(3, seed=15)),
    "kl_exponential": (lambda m, a, b: [
        m.distributions.Exponential(a).kl_divergence(m.distributions.Exponential(b))],
        pos(3), pos(3, seed=16)),
    "kl_beta": (lambda m, a, b, c, d: [
        m.distributions.Beta(a, b).kl_divergence(m.distributions.Beta(c, d)),
        m.distributions.Beta(a, b).cross_entropy(m.distributions.Beta(c, d))],
        pos(3), pos(3, seed=17), pos(3, seed=18), pos(3, seed=19)),
    "kl_dirichlet": (lambda m, a, b: [
        m.distributions.Dirichlet(a).kl_divergence(m.distributions.Dirichlet(b))],
        pos(2, 4), pos(2, 4, seed=20)),
    "kl_bernoulli": (lambda m, a, b: [
        m.distributions.Bernoulli(logits=a).kl_divergence(m.distributions.Bernoulli(logits=b))],
        rand(4), rand(4, seed=21)),
    "kl_categorical": (lambda m, a, b: [
        m.distributions.Categorical(logits=a).kl_divergence(
            m.distributions.Categorical(logits=b))],
        rand(3, 4), rand(3, 4, seed=22)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients(name):
    fn, *args = CASES[name]
    tol = 1e-5 if args[0].dtype == np.float32 else 1e-7
    check(fn, *args, rtol=tol, atol=tol)


SAMPLES = {
    "normal": lambda m, a, b: m.distributions.Normal(a, b),
    "laplace": lambda m, a, b: m.distributions.Laplace(a, b),
    "uniform": lambda m, a, b: m.distributions.Uniform(a - 4.0, a + b),
    "student_t": lambda m, a, b: m.distributions.StudentT(b + 3.0, a, b),
    "gamma": lambda m, a, b: m.distributions.Gamma(b, b + 1.0),
    "exponential": lambda m, a, b: m.distributions.Exponential(b),
    "beta": lambda m, a, b: m.distributions.Beta(b, b + 0.5),
    "dirichlet": lambda m, a, b: m.distributions.Dirichlet(b[None, :] + a[:, None] ** 2),
    "bernoulli": lambda m, a, b: m.distributions.Bernoulli(logits=a),
    "bernoulli_f32": lambda m, a, b: m.distributions.Bernoulli(logits=a,
                                                               dtype=m.float32),
    "categorical": lambda m, a, b: m.distributions.Categorical(logits=a[:, None] * b),
    "categorical_i64": lambda m, a, b: m.distributions.Categorical(logits=a[:, None] * b,
                                                                   dtype=m.int64),
    "multinomial": lambda m, a, b: m.distributions.Multinomial(7.0, logits=a[:, None] * b),
    "dirichlet_multinomial": lambda m, a, b: m.distributions.DirichletMultinomial(
        6.0, b[None, :] + a[:, None] ** 2),
}


@pytest.mark.parametrize("shape", [(), 5, (2, 3)])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_shapes_and_dtypes(name, shape):
    make = SAMPLES[name]
    a, b = rand(3).astype(np.float32), pos(3).astype(np.float32)
    check(lambda m, a, b: [make(m, a, b).sample(shape, seed=7)], a, b, grad=False,
          values=False)


MOMENTS = ["normal", "laplace", "uniform", "student_t", "gamma", "exponential", "beta",
           "dirichlet", "bernoulli", "multinomial", "dirichlet_multinomial"]


@pytest.mark.parametrize("name", MOMENTS)
def test_sample_moments_match_tf_statistics(name):
    """graphc's sample mean and variance (20000 draws, fixed seed) lie within 5 standard
    errors of TF's mean() and variance()."""
    make = SAMPLES[name]
    a, b = rand(3).astype(np.float32), pos(3).astype(np.float32)
    n = 20000
    g = gc.Graph()
    with g.as_default():
        d = make(gc, gc.constant(a), gc.constant(b))
        x = gc.cast(d.sample(n, seed=42), gc.float64)
        with gc.Session() as sess:
            draws = sess.run(x)
    tg = tf.Graph()
    with tg.as_default():
        d = make(v1, v1.constant(a), v1.constant(b))
        with v1.Session() as sess:
            mean, var = sess.run([d.mean(), d.variance()])
    mean, var = np.asarray(mean, np.float64), np.asarray(var, np.float64)
    got_mean, got_var = draws.mean(0), draws.var(0)
    np.testing.assert_array_less(np.abs(got_mean - mean), 5 * np.sqrt(var / n) + 1e-12)
    fourth = ((draws - mean) ** 4).mean(0)
    se_var = np.sqrt(np.maximum(fourth - var ** 2, 0) / n)
    np.testing.assert_array_less(np.abs(got_var - var), 5 * se_var + 1e-12)


def _both(fn):
    """fn(m) run on a fresh graph of each library."""
    out = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            out.append(fn(m))
    return out


def _mode_shape(d):
    try:
        return d.mode().shape.as_list()
    except NotImplementedError:
        return None


def test_static_properties():
    def props(m):
        D = m.distributions
        ds = [D.Normal([0.0, 1.0], 1.0), D.Dirichlet([[1.0, 2.0, 3.0]]),
              D.Categorical(logits=[[0.0, 1.0, 2.0]]), D.Multinomial(5.0, probs=[0.5, 0.5]),
              D.Exponential(2.0), D.Bernoulli(probs=0.3, dtype=m.int64),
              D.Uniform(), D.StudentT(3.0, 0.0, [1.0, 2.0])]
        return [(str(d), repr(d), d.name, repr(d.reparameterization_type),
                 d.batch_shape.as_list(), d.event_shape.as_list(), d.dtype.name,
                 sorted(d.parameters), d.allow_nan_stats, d.validate_args,
                 d.sample(2).shape.as_list(), _mode_shape(d)) for d in ds]
    got, want = _both(props)
    assert got == want


def test_param_static_shapes():
    names = ["Normal", "Laplace", "StudentT", "Gamma", "Exponential", "Beta", "Uniform",
             "Bernoulli"]
    got, want = _both(lambda m: [
        {k: v.as_list() for k, v in getattr(m.distributions, n)
         .param_static_shapes([2, 3]).items()} for n in names])
    assert got == want


def test_not_implemented_messages():
    def msgs(m):
        out = []
        for d, meth in [(m.distributions.Laplace(0.0, 1.0), "quantile"),
                        (m.distributions.Dirichlet([1.0, 2.0]), "cdf"),
                        (m.distributions.Categorical(logits=[1.0, 2.0]), "mean"),
                        (m.distributions.Multinomial(2.0, probs=[.5, .5]), "entropy")]:
            try:
                getattr(d, meth)(0.5) if meth in ("quantile", "cdf") else getattr(d, meth)()
            except NotImplementedError as e:
                out.append(str(e).split(":")[0])
        return out
    got, want = _both(msgs)
    assert got == want and len(got) == 4


FEEDS = {"beta_mode": (2.0, 0.5), "student_mean": (2.0, 0.5), "student_var": (1.5, 0.9),
         "gamma_sample": (2.0, -1.0),
         "normal_scale": (2.0, -1.0), "multinomial_sum": (2.0, 1.0), "kl_nan": (2.0, np.nan)}


@pytest.mark.parametrize("case", sorted(FEEDS))
def test_runtime_assertions_fail_in_both(case):
    good, bad = FEEDS[case]

    def build(m):
        D = m.distributions
        p = m.placeholder(m.float32, [])
        t = {"beta_mode": lambda: D.Beta(p, 2.0, allow_nan_stats=False).mode(),
             "student_mean": lambda: D.StudentT(p, 0.0, 1.0, allow_nan_stats=False).mean(),
             "student_var": lambda: D.StudentT(p, 0.0, 1.0,
                                               allow_nan_stats=False).variance(),
             "gamma_sample": lambda: D.Gamma(2.0, 1.0, validate_args=True).log_prob(p),
             "normal_scale": lambda: D.Normal(0.0, p, validate_args=True).mean(),
             "multinomial_sum": lambda: D.Multinomial(
                 4.0, probs=[0.5, 0.5], validate_args=True).log_prob(m.stack([p, p])),
             "kl_nan": lambda: D.kl_divergence(D.Normal(0.0, p), D.Normal(0.0, 1.0),
                                               allow_nan_stats=False)}[case]()
        with m.Session() as sess:
            value = float(sess.run(t, {p: good}))
            try:
                sess.run(t, {p: bad})
            except Exception:            # noqa: BLE001 (each library's own error type)
                return round(value, 5), "failed"
        return round(value, 5), "ran"
    got, want = _both(build)
    assert want[1] == "failed" and got == want


# --- user subclasses and TF1's hooks ------------------------------------------------------

def _diag_gaussian(m):
    """A baselines-style subclass: only the *_tensor shapes and _sample_n."""
    D = m.distributions

    class DiagGaussian(D.Distribution):
        def __init__(self, mean):
            self._m = m.convert_to_tensor(mean)
            super().__init__(dtype=m.float32, reparameterization_type=D.FULLY_REPARAMETERIZED,
                             validate_args=False, allow_nan_stats=True,
                             graph_parents=[self._m], name="DiagGaussian")

        def _batch_shape_tensor(self):
            return m.shape(self._m)[:-1]

        def _event_shape_tensor(self):
            return m.shape(self._m)[-1:]

        def _sample_n(self, n, seed=None):
            return self._m + m.zeros(m.concat([[n], m.shape(self._m)], 0))
    return DiagGaussian


def test_subclass_shape_defaults_are_unknown():
    """Base-class _batch_shape/_event_shape are unknown (TF1), so the *_tensor hooks run."""
    def build(m):
        x = m.placeholder(m.float32, [None, 2])
        d = _diag_gaussian(m)(x)
        s = d.sample(3)
        fetch = [d.event_shape_tensor(), d.is_scalar_event(), d.batch_shape_tensor(),
                 d.is_scalar_batch(), s]
        with m.Session() as sess:
            vals = sess.run(fetch, {x: [[1.0, 2.0]]})
        return (str(d.batch_shape), str(d.event_shape), str(d), repr(d), s.shape.as_list(),
                [np.asarray(v).tolist() for v in vals])
    got, want = _both(build)
    assert got == want


def test_subclass_without_shape_tensors_raises():
    def build(m):
        D = m.distributions
        d = D.Distribution(m.float32, D.NOT_REPARAMETERIZED, False, True, name="Bare")
        out = []
        for f in (d.batch_shape_tensor, d.event_shape_tensor):
            try:
                f()
            except NotImplementedError as e:
                out.append(str(e))
        return out
    got, want = _both(build)
    assert got == want and len(got) == 2


def _logistic(m):
    """A subclass with only _log_cdf (the stable -softplus(-z))."""
    D = m.distributions

    class Logistic(D.Distribution):
        def __init__(self, loc, scale):
            self._loc, self._scale = m.convert_to_tensor(loc), m.convert_to_tensor(scale)
            super().__init__(dtype=self._loc.dtype,
                             reparameterization_type=D.FULLY_REPARAMETERIZED,
                             validate_args=False, allow_nan_stats=True,
                             graph_parents=[self._loc, self._scale], name="Logistic")

        def _log_cdf(self, x):
            return -m.nn.softplus(-(x - self._loc) / self._scale)
    return Logistic


def test_survival_functions_fall_back_to_public_cdf():
    check(lambda m, loc, scale, x: [_logistic(m)(loc, scale).survival_function(x),
                                    _logistic(m)(loc, scale).log_survival_function(x),
                                    _logistic(m)(loc, scale).cdf(x),
                                    _logistic(m)(loc, scale).log_cdf(x)],
          rand(3), pos(3), rand(3, seed=30))


def _hooked(m):
    """Subclasses of built-in distributions overriding TF1's hooks."""
    D = m.distributions

    class HalfNormal(D.Normal):
        def _log_normalization(self):
            return super()._log_normalization() - np.log(2.0)

    class Tempered(D.Gamma):
        def _log_unnormalized_prob(self, x):
            return 0.5 * super()._log_unnormalized_prob(x)

    class Shifted(D.Laplace):
        def _log_normalization(self):
            return super()._log_normalization() + 1.0

    class HalfT(D.StudentT):
        def _log_normalization(self):
            return super()._log_normalization() - np.log(2.0)

    class TemperedExp(D.Exponential):
        def _log_unnormalized_prob(self, x):
            return 2.0 * super()._log_unnormalized_prob(x)

    class BetaN(D.Beta):      # TF1's entropy and Beta-Beta KL use _log_normalization
        def _log_normalization(self):
            return 2.0 * super()._log_normalization()

    class DirN(D.Dirichlet):
        def _log_normalization(self):
            return super()._log_normalization() + 0.25

    class MultU(D.Multinomial):
        def _log_unnormalized_prob(self, counts):
            return 0.5 * super()._log_unnormalized_prob(counts)

    class ZeroKL(D.Categorical):
        def _kl_divergence(self, other):
            return m.zeros_like(self.entropy())

    class SelfCE(D.Normal):
        def _cross_entropy(self, other):
            return self.entropy()
    return (HalfNormal, Tempered, Shifted, HalfT, TemperedExp, BetaN, DirN, MultU, ZeroKL,
            SelfCE)


def test_subclass_hooks_are_used():
    def fn(m, a, b, x, u):
        (HalfNormal, Tempered, Shifted, HalfT, TemperedExp, BetaN, DirN, MultU, ZeroKL,
         SelfCE) = _hooked(m)
        D = m.distributions
        c = m.stack([a, b, a + b], -1)
        return [HalfNormal(a, b).log_prob(x), Tempered(b, a + 1.0).log_prob(b),
                Shifted(a, b).prob(x), HalfT(b + 2.0, a, b).log_prob(x),
                TemperedExp(b).log_prob(b), BetaN(a + 1.0, b).log_prob(u),
                BetaN(a + 1.0, b).entropy(), BetaN(a + 1.0, b).kl_divergence(D.Beta(b, b)),
                DirN(c).log_prob(m.nn.softmax(c)),
                MultU(m.cast(3.0, a.dtype), logits=c).log_prob(
                    m.constant([[1.0, 1.0, 1.0]] * 3, a.dtype)),
                ZeroKL(logits=c).kl_divergence(D.Categorical(logits=-c)),
                SelfCE(a, b).cross_entropy(D.Normal(0.0, 1.0))]
    check(fn, pos(3, seed=31), pos(3, seed=32), rand(3, seed=33), unit(3, seed=34))


# --- parameters, StudentT variance, quantile ends, numpy values ---------------------------

def test_gradients_with_respect_to_parameters_are_the_distributions():
    """TF1 keeps identity(loc, name="loc") etc.: a loss that also uses the caller's
    tensor gets, w.r.t. d.loc, only the path through the distribution."""
    def fn(m, x):
        D = m.distributions
        mu, s = 2.0 * x, m.exp(x)
        ds = [D.Normal(mu, s), D.Laplace(mu, s), D.StudentT(s + 2.0, mu, s),
              D.Gamma(s, s), D.Exponential(s), D.Uniform(mu - 5.0, mu + 5.0)]
        params = [[d.loc, d.scale] for d in ds[:2]] + [
            [ds[2].df, ds[2].loc, ds[2].scale], [ds[3].concentration, ds[3].rate],
            [ds[4].rate], [ds[5].low, ds[5].high]]
        out = []
        for d, ps in zip(ds, params):
            loss = m.reduce_sum(d.log_prob(1.5)) + m.reduce_sum(m.square(mu) + s)
            out += m.gradients(loss, ps)
        return out
    check(fn, pos(4, seed=35), grad=False)


def test_parameter_names():
    got, want = _both(lambda m: [
        t.name for t in (m.distributions.Normal(0.0, 1.0).loc,
                         m.distributions.Laplace(0.0, 1.0).scale,
                         m.distributions.StudentT(3.0, 0.0, 1.0).df,
                         m.distributions.Uniform(0.0, 1.0).high,
                         m.distributions.Gamma(1.0, 2.0).concentration,
                         m.distributions.Normal(m.constant([1.0]), 2.0,
                                                validate_args=True).loc)])
    assert got == want


def test_student_t_variance_infinite_without_nan_stats():
    check(lambda m, df: [m.distributions.StudentT(df, 0.0, 1.0, allow_nan_stats=False)
                         .variance(),
                         m.distributions.StudentT(df, 0.0, 1.0, allow_nan_stats=False)
                         .stddev(),
                         m.distributions.StudentT(1.5, 0.0, 1.0, allow_nan_stats=False)
                         .variance()],
          np.array([1.5, 2.0, 3.0, 6.0], np.float32), rtol=1e-6)


def test_normal_quantile_ends():
    """TF1's ndtri: +-inf at and beyond p = 0, 1, with zero gradient there (so a saturated
    sigmoid in front stays finite)."""
    p = np.array([-0.5, 0.0, 1e-30, 1e-8, 0.1, 0.5, 0.9, 0.99999, 1 - 6e-8, 1.0, 1.5, np.nan],
                 np.float32)
    check(lambda m, loc, p: [m.distributions.Normal(loc, 2.0).quantile(p)],
          np.zeros(12, np.float32), p, rtol=1e-5, atol=1e-5)
    check(lambda m, z: [m.distributions.Normal(0.0, 1.0).quantile(m.sigmoid(z))],
          np.array([-200.0, -3.0, 0.0, 3.0, 200.0], np.float32), rtol=1e-5, atol=1e-5)


def test_numpy_values_take_the_distribution_dtype():
    """TF1 converts a numpy value with numpy's astype to the distribution's dtype;
    graphc does where no value changes (TF1 also truncates soft labels given to an
    int32 Bernoulli: graphc keeps them, see the next test)."""
    y, y32 = np.array([0.0, 1.0, 1.0]), np.float32([0.0, 0.0, 1.0])
    check(lambda m, z: [
        m.distributions.Bernoulli(logits=z).log_prob(y),
        m.distributions.Bernoulli(logits=z).log_prob([0.2, 0.7, 1.0]),
        m.distributions.Bernoulli(logits=z).log_prob(y32),
        m.distributions.Bernoulli(logits=z, dtype=m.float32).log_prob(y),
        m.distributions.Normal(z, 1.0).log_prob(y),
        m.distributions.Categorical(logits=m.stack([z, -z], -1)).log_prob(y)],
        rand(3, dtype=np.float32, seed=36))


def test_soft_labels_in_a_numpy_array_are_not_truncated():
    """TF1 truncates np.array([0.2, 0.7]) to the int32 labels [0, 0] (its eager mode
    calls that a bug); graphc never truncates silently: the soft labels, as a list of
    them gives in both."""
    soft = [0.2, 0.7, 1.0]
    with gc.Graph().as_default(), gc.Session() as s:
        d = gc.distributions.Bernoulli(logits=0.3)
        got, want = s.run([d.log_prob(np.array(soft)), d.log_prob(soft)])
    np.testing.assert_allclose(got, want)
    with tf.Graph().as_default(), v1.Session() as s:
        d = v1.distributions.Bernoulli(logits=0.3)
        tf_list, tf_np = s.run([d.log_prob(soft), d.log_prob(np.array(soft))])
    np.testing.assert_allclose(want, tf_list, rtol=1e-6)
    assert tf_np[0] == tf_np[1]                     # TF's truncated labels
