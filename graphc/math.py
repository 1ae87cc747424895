"""TF's tf.math namespace (TF 1.13+): graphc's functions under their tf.math names,
the same objects as gc.* (and gc.nn.* for the few tf.math shares with tf.nn).
Imported last by graphc/__init__.py, when every name below exists."""
import graphc as _gc

_NAMES = """
abs accumulate_n acos acosh add add_n angle argmax argmin asin asinh atan atan2 atanh
bessel_i0 bessel_i0e bessel_i1 bessel_i1e betainc bincount ceil confusion_matrix conj
cos cosh count_nonzero cumprod cumsum cumulative_logsumexp digamma divide equal erf erfc
erfinv exp expm1 floor floordiv floormod greater greater_equal igamma igammac imag
is_finite is_inf is_nan is_non_decreasing is_strictly_increasing lbeta less less_equal
lgamma log log1p log_sigmoid logical_and logical_not logical_or logical_xor maximum
minimum mod multiply multiply_no_nan negative nextafter not_equal polygamma polyval pow
real realdiv reciprocal reciprocal_no_nan reduce_all reduce_any reduce_euclidean_norm
reduce_logsumexp reduce_max reduce_mean reduce_min reduce_prod reduce_std reduce_sum
reduce_variance rint round rsqrt scalar_mul segment_max segment_mean segment_min
segment_prod segment_sum sigmoid sign sin sinh softplus softsign sqrt square
squared_difference subtract tan tanh truediv unsorted_segment_max unsorted_segment_mean
unsorted_segment_min unsorted_segment_prod unsorted_segment_sqrt_n unsorted_segment_sum
xdivy xlogy zeta
""".split()
_NN_NAMES = "in_top_k l2_normalize log_softmax softmax top_k".split()

globals().update({name: getattr(_gc, name) for name in _NAMES})
globals().update({name: getattr(_gc.nn, name) for name in _NN_NAMES})
divide_no_nan = _gc.div_no_nan
invert_permutation = _gc.invert_permutation
zero_fraction = _gc.nn.zero_fraction
from .ops.math_ndtri import (approx_max_k, approx_min_k, erfcinv, ndtri,  # noqa: E402
                             xlog1py)
from . import math_special as special  # noqa: E402
from .ops.sobol import sobol_sample  # noqa: E402

__all__ = _NAMES + _NN_NAMES + ["divide_no_nan", "invert_permutation", "zero_fraction",
                                "approx_max_k", "approx_min_k", "erfcinv", "ndtri",
                                "xlog1py", "special", "sobol_sample"]
