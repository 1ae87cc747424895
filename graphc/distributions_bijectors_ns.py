"""gc.contrib.distributions.bijectors (TF 1.15's tf.contrib.distributions.bijectors):
the Bijector base class and the bijectors real TF1 code used most.

    tfb = gc.contrib.distributions.bijectors
    log_normal = gc.contrib.distributions.TransformedDistribution(
        distribution=gc.distributions.Normal(0., 1.), bijector=tfb.Exp())
"""
from .distributions_bijectors import Bijector  # noqa: F401
from .distributions_bijectors_affine import (Affine, AffineLinearOperator,  # noqa: F401
                                             AffineScalar)
from .distributions_bijectors_chain import Chain, Invert, Reshape  # noqa: F401
from .distributions_bijectors_flows import (MaskedAutoregressiveFlow, RealNVP,  # noqa: F401
                                            masked_autoregressive_default_template,
                                            masked_dense, real_nvp_default_template)
from .distributions_bijectors_more import (CholeskyOuterProduct,  # noqa: F401
                                           Kumaraswamy, Permute, SoftmaxCentered)
from .distributions_bijectors_simple import (Exp, Identity, Inline,  # noqa: F401
                                             PowerTransform, Sigmoid, Softplus, Square)

__all__ = ["Bijector", "Identity", "Exp", "PowerTransform", "Softplus", "Sigmoid",
           "Square", "Inline", "AffineScalar", "Affine", "AffineLinearOperator", "Chain",
           "Invert", "Reshape", "SoftmaxCentered", "Permute", "CholeskyOuterProduct",
           "Kumaraswamy", "MaskedAutoregressiveFlow", "masked_autoregressive_default_template",
           "masked_dense", "RealNVP", "real_nvp_default_template"]
