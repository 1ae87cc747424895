"""TF1's tf.debugging namespace: thin re-exports."""
from .ops.asserts import *  # noqa: F401,F403
from .ops.debug import check_numerics, verify_tensor_all_finite  # noqa: F401
from .ops.elementwise import is_finite, is_inf, is_nan  # noqa: F401
