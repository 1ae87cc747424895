"""TF1 tf.train: optimizers, the global step and learning-rate decay.

    opt = gc.train.AdamOptimizer(1e-3)
    train_op = opt.minimize(loss, global_step=gc.train.get_or_create_global_step())
"""
from .optimizer import Optimizer
from .optimizers import (AdagradOptimizer, AdamOptimizer, GradientDescentOptimizer,
                         MomentumOptimizer, RMSPropOptimizer)
from .step import (create_global_step, exponential_decay, get_global_step,
                   get_or_create_global_step, global_step)

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer",
           "AdagradOptimizer", "RMSPropOptimizer", "AdamOptimizer", "get_global_step",
           "create_global_step", "get_or_create_global_step", "global_step",
           "exponential_decay"]
