"""gc.distributions: TF1's tf.distributions (tf.compat.v1.distributions).

Every distribution is a composite of graphc ops, so log_prob, entropy and
kl_divergence are differentiable through graphc's autodiff, and the samples of the
FULLY_REPARAMETERIZED ones (Normal, Laplace, Uniform, StudentT, Gamma, Exponential,
Beta, Dirichlet) are differentiable in the parameters:

    d = gc.distributions.Normal(loc=0., scale=1.)
    x = d.sample([2, 3], seed=1)                      # shape (2, 3), float32
    lp = d.log_prob(x)
    kl = gc.distributions.kl_divergence(d, gc.distributions.Normal(1., 2.))
"""
from .distributions_base import (FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED,  # noqa: F401
                                 Distribution, ReparameterizationType)
from .distributions_continuous import Laplace, Normal, StudentT, Uniform  # noqa: F401
from .distributions_discrete import (Bernoulli, Categorical,  # noqa: F401
                                     DirichletMultinomial, Multinomial)
from .distributions_gamma import Beta, Dirichlet, Exponential, Gamma  # noqa: F401
from .distributions_kl import RegisterKL, kl_divergence  # noqa: F401

__all__ = ["Distribution", "ReparameterizationType", "FULLY_REPARAMETERIZED",
           "NOT_REPARAMETERIZED", "kl_divergence", "RegisterKL", "Normal", "Laplace",
           "Uniform", "StudentT", "Gamma", "Exponential", "Beta", "Dirichlet", "Bernoulli",
           "Categorical", "Multinomial", "DirichletMultinomial"]
