"""TF1's tf.debugging namespace: thin re-exports."""
from .ops.asserts import *  # noqa: F401,F403
from .ops.assert_shapes import assert_shapes  # noqa: F401
from .ops.debug import check_numerics, verify_tensor_all_finite  # noqa: F401
from .ops.elementwise import is_finite, is_inf, is_nan  # noqa: F401
from .ops.math_composite import is_non_decreasing, is_strictly_increasing  # noqa: F401
from .tf1_misc9 import (disable_traceback_filtering, enable_traceback_filtering,  # noqa: F401
                        get_log_device_placement, is_traceback_filtering_enabled,
                        set_log_device_placement)
from .ops.tensor_utils import (assert_integer, assert_proper_iterable,  # noqa: F401
                               assert_rank_in, assert_same_float_dtype, assert_scalar,
                               is_numeric_tensor)


def assert_all_finite(t, msg, name=None, x=None, message=None):
    """t, with a check that fails when run if t holds an inf or NaN (TF's
    tf.debugging.assert_all_finite, the verify_tensor_all_finite of TF1)."""
    return verify_tensor_all_finite(t, msg, name=name, x=x, message=message)


def enable_check_numerics(stack_height_limit=30, path_length_limit=50):
    """Checks every float output of every op for inf and NaN as it is computed (TF's
    tf.debugging.enable_check_numerics). The first one raises InvalidArgumentError naming
    the op, where it was created and its inputs:

        gc.debugging.enable_check_numerics()
        sess.run(gc.log(x), {x: [0.0]})     # InvalidArgumentError: ... Log 'Log' created at

    It sets the default of the compiler option check_numerics (a Session built with
    Options(check_numerics=False) is not checked), so it applies to the plans compiled
    after the call; TF instead instruments the ops built after it. The limits are TF's
    arguments and are not used: graphc's messages name the creation site in full.
    """
    from .compiler.pipeline import CHECK_NUMERICS
    CHECK_NUMERICS[0] = True


def disable_check_numerics():
    """Turns off what enable_check_numerics turned on (for plans compiled afterwards)."""
    from .compiler.pipeline import CHECK_NUMERICS
    CHECK_NUMERICS[0] = False
