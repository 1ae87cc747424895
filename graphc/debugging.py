"""TF1's tf.debugging namespace: thin re-exports."""
from .ops.asserts import *  # noqa: F401,F403
from .ops.assert_shapes import assert_shapes  # noqa: F401
from .ops.debug import check_numerics, verify_tensor_all_finite  # noqa: F401
from .ops.elementwise import is_finite, is_inf, is_nan  # noqa: F401
from .ops.math_composite import is_non_decreasing, is_strictly_increasing  # noqa: F401
from .ops.tensor_utils import (assert_integer, assert_proper_iterable,  # noqa: F401
                               assert_rank_in, assert_same_float_dtype, assert_scalar,
                               is_numeric_tensor)


def assert_all_finite(t, msg, name=None, x=None, message=None):
    """t, with a check that fails when run if t holds an inf or NaN (TF's
    tf.debugging.assert_all_finite, the verify_tensor_all_finite of TF1)."""
    return verify_tensor_all_finite(t, msg, name=name, x=x, message=message)
