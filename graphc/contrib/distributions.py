"""gc.contrib.distributions (TF 1.15's tf.contrib.distributions): every class of
gc.distributions (Normal, Categorical, Bernoulli, ... and kl_divergence, RegisterKL),
the multivariate normals MultivariateNormalDiag, MultivariateNormalTriL,
MultivariateNormalFullCovariance, MultivariateNormalDiagWithSoftplusScale and
MultivariateNormalLinearOperator (distributions_mvn.py), and the softplus-parameterized
NormalWithSoftplusScale, LaplaceWithSoftplusScale and BernoulliWithSigmoidProbs;
the bijectors (gc.contrib.distributions.bijectors: distributions_bijectors_ns.py),
TransformedDistribution, Mixture and MixtureSameFamily; Logistic, OneHotCategorical and
the Gumbel-softmax relaxations ExpRelaxedOneHotCategorical, RelaxedOneHotCategorical and
RelaxedBernoulli (distributions_relaxed.py); Independent, Deterministic,
VectorDeterministic, Kumaraswamy, Poisson, Geometric and NegativeBinomial
(distributions_contrib_more*.py).

    from graphc.contrib.distributions import Normal, kl_divergence
    pi = gc.contrib.distributions.MultivariateNormalDiag(loc=mu, scale_diag=sigma)
    log_normal = gc.contrib.distributions.TransformedDistribution(
        distribution=Normal(0., 1.), bijector=gc.contrib.distributions.bijectors.Exp())

The rest of TF 1.15's contrib.distributions (Wishart, VectorDiffeomixture, ...) is not
here.
"""
import sys

from .. import distributions_bijectors_ns as bijectors
from .. import dtypes
from ..distributions import *  # noqa: F401,F403
from ..distributions import Bernoulli, Laplace, Normal, __all__ as _core_all
from ..distributions_mvn import *  # noqa: F401,F403
from ..distributions_mvn import __all__ as _mvn_all
from ..distributions_contrib_more import (Deterministic, Independent,  # noqa: F401
                                          Kumaraswamy, VectorDeterministic)
from ..distributions_contrib_more_counts import (Geometric,  # noqa: F401
                                                 NegativeBinomial, Poisson)
from ..distributions_mixture import Mixture, MixtureSameFamily
from ..distributions_relaxed import (ExpRelaxedOneHotCategorical, Logistic,  # noqa: F401
                                     OneHotCategorical, RelaxedBernoulli,
                                     RelaxedOneHotCategorical)
from ..distributions_transformed import TransformedDistribution

__all__ = _core_all + _mvn_all + ["NormalWithSoftplusScale", "LaplaceWithSoftplusScale",
                                  "BernoulliWithSigmoidProbs", "bijectors",
                                  "TransformedDistribution", "Mixture", "MixtureSameFamily",
                                  "Logistic", "OneHotCategorical", "ExpRelaxedOneHotCategorical",
                                  "RelaxedOneHotCategorical", "RelaxedBernoulli", "Independent",
                                  "Deterministic", "VectorDeterministic", "Kumaraswamy",
                                  "Poisson", "Geometric", "NegativeBinomial"]

# `import graphc.contrib.distributions.bijectors` works, as TF1's module path does
sys.modules.setdefault(__name__ + ".bijectors", bijectors)


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
