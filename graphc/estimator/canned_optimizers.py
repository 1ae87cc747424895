"""How the canned estimators read their optimizer arguments (TF1's canned/optimizers.py):
a name, an Optimizer, or a callable returning one.

    get_optimizer_instance("Adagrad", learning_rate=0.05)   # AdagradOptimizer(0.05)
"""
from ..train import (AdagradOptimizer, AdamOptimizer, FtrlOptimizer,
                     GradientDescentOptimizer, Optimizer, RMSPropOptimizer)

__all__ = []

OPTIMIZER_CLS_NAMES = {"Adagrad": AdagradOptimizer, "Adam": AdamOptimizer,
                       "Ftrl": FtrlOptimizer, "RMSProp": RMSPropOptimizer,
                       "SGD": GradientDescentOptimizer}


def get_optimizer_instance(opt, learning_rate=None):
    """An Optimizer from opt: a name in OPTIMIZER_CLS_NAMES (made with learning_rate),
    an Optimizer, or a callable returning one (TF1's messages).

        get_optimizer_instance(lambda: gc.train.AdamOptimizer(0.01))
    """
    if isinstance(opt, str):
        if opt in OPTIMIZER_CLS_NAMES:
            if not learning_rate:
                raise ValueError("learning_rate must be specified when opt is string.")
            return OPTIMIZER_CLS_NAMES[opt](learning_rate=learning_rate)
        raise ValueError(f"Unsupported optimizer name: {opt}. Supported names are: "
                         f"{tuple(sorted(OPTIMIZER_CLS_NAMES))}")
    if callable(opt):
        opt = opt()
    if not isinstance(opt, Optimizer):
        raise ValueError(f"The given object is not an Optimizer instance. Given: {opt}")
    return opt
