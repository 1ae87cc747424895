"""gc.contrib.opt: the single-machine optimizers of TF 1.15's tf.contrib.opt, built on
gc.train.Optimizer (docs/contrib-training-opt.md).

    opt = gc.contrib.opt.AdamWOptimizer(weight_decay=1e-4, learning_rate=1e-3)
    train_op = opt.minimize(loss)

- AdamWOptimizer, MomentumWOptimizer, DecoupledWeightDecayExtension,
  extend_with_decoupled_weight_decay: decoupled weight decay (opt_weight_decay.py)
- LazyAdamOptimizer, NadamOptimizer: Adam variants (opt_adam.py)
- AddSignOptimizer, PowerSignOptimizer and the sign decays get_linear_decay_fn,
  get_cosine_decay_fn, get_restart_decay_fn (opt_sign.py)
- LARSOptimizer, MovingAverageOptimizer (opt_misc.py)
- ExternalOptimizerInterface, ScipyOptimizerInterface: scipy.optimize.minimize driving
  a Session (opt_external.py; scipy is optional)
"""
from .opt_adam import LazyAdamOptimizer, NadamOptimizer
from .opt_external import ExternalOptimizerInterface, ScipyOptimizerInterface
from .opt_misc import LARSOptimizer, MovingAverageOptimizer
from .opt_sign import (AddSignOptimizer, PowerSignOptimizer, get_cosine_decay_fn,
                       get_linear_decay_fn, get_restart_decay_fn)
from .opt_weight_decay import (AdamWOptimizer, DecoupledWeightDecayExtension,
                               MomentumWOptimizer, extend_with_decoupled_weight_decay)

__all__ = ["AdamWOptimizer", "MomentumWOptimizer", "DecoupledWeightDecayExtension",
           "extend_with_decoupled_weight_decay", "LazyAdamOptimizer", "NadamOptimizer",
           "AddSignOptimizer", "PowerSignOptimizer", "get_linear_decay_fn",
           "get_cosine_decay_fn", "get_restart_decay_fn", "LARSOptimizer",
           "MovingAverageOptimizer", "ExternalOptimizerInterface",
           "ScipyOptimizerInterface"]
