"""TF's tf.math.special namespace (gc.math.special): the Bessel functions I, J, K, Y of
orders 0 and 1 (and the exponentially scaled I and K), Dawson's integral, the exponential
integral, the Fresnel integrals and Spence's function. The I functions are gc.bessel_i0...

    y = gc.math.special.bessel_j0(x)           # d/dx = -bessel_j1(x), as in TF
"""
from .ops.special import bessel_i0, bessel_i0e, bessel_i1, bessel_i1e  # noqa: F401
from .ops.special_more import *  # noqa: F401,F403
from .ops.special_more import __all__ as _more

__all__ = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e"] + list(_more)
