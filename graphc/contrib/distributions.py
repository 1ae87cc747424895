"""gc.contrib.distributions (TF 1.15's tf.contrib.distributions): every class of
gc.distributions (Normal, Categorical, Bernoulli, ... and kl_divergence, RegisterKL),
the multivariate normals MultivariateNormalDiag, MultivariateNormalTriL,
MultivariateNormalFullCovariance, MultivariateNormalDiagWithSoftplusScale and
MultivariateNormalLinearOperator (distributions_mvn.py), and the softplus-parameterized
NormalWithSoftplusScale, LaplaceWithSoftplusScale and BernoulliWithSigmoidProbs.

    from graphc.contrib.distributions import Normal, kl_divergence
    pi = gc.contrib.distributions.MultivariateNormalDiag(loc=mu, scale_diag=sigma)

The rest of TF 1.15's contrib.distributions (bijectors, TransformedDistribution,
Mixture, RelaxedOneHotCategorical, Wishart, ...) is not here.
"""
from .. import dtypes
from ..distributions import *  # noqa: F401,F403
from ..distributions import Bernoulli, Laplace, Normal, __all__ as _core_all
from ..distributions_mvn import *  # noqa: F401,F403
from ..distributions_mvn import __all__ as _mvn_all

__all__ = _core_all + _mvn_all + ["NormalWithSoftplusScale", "LaplaceWithSoftplusScale",
                                  "BernoulliWithSigmoidProbs"]


def _gc():
    import graphc
    return graphc


class NormalWithSoftplusScale(Normal):
    """Normal with scale = softplus(scale) (TF 1.15)."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="NormalWithSoftplusScale"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[scale]) as name:
            super().__init__(loc=loc, scale=gc.nn.softplus(scale, name="softplus_scale"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self._parameters = parameters


class LaplaceWithSoftplusScale(Laplace):
    """Laplace with scale = softplus(scale) (TF 1.15)."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="LaplaceWithSoftplusScale"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[loc, scale]) as name:
            super().__init__(loc=loc, scale=gc.nn.softplus(scale, name="softplus_scale"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self._parameters = parameters


class BernoulliWithSigmoidProbs(Bernoulli):
    """Bernoulli with probs = sigmoid(logits) (TF 1.15)."""

    def __init__(self, logits=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="BernoulliWithSigmoidProbs"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name) as name:
            super().__init__(probs=gc.nn.sigmoid(logits, name="sigmoid_probs"),
                             dtype=dtype,
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self._parameters = parameters
