"""gc.estimator.experimental (TF1's tf.estimator.experimental): the early-stopping
hooks.

    hook = gc.estimator.experimental.stop_if_no_decrease_hook(est, "loss", 1000)
"""
from .early_stopping import (make_early_stopping_hook, stop_if_higher_hook,
                             stop_if_lower_hook, stop_if_no_decrease_hook,
                             stop_if_no_increase_hook)

__all__ = ["make_early_stopping_hook", "stop_if_higher_hook", "stop_if_lower_hook",
           "stop_if_no_decrease_hook", "stop_if_no_increase_hook"]
