"""Decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization";
TF 1.15's tf.contrib.opt weight_decay_optimizers): before the base optimizer's step,

    var -= weight_decay * var           (only the looked-up rows for a sparse gradient)

The decay is not scaled by the learning rate: schedule it yourself alongside the rate.

    opt = gc.contrib.opt.AdamWOptimizer(weight_decay=1e-4, learning_rate=1e-3)
    train_op = opt.minimize(loss)
"""
from ..graph import get_default_graph
from ..ops import core
from ..ops.gather import gather
from ..ops.state_scatter import scatter_add
from .. import tf_logging as logging
from ..train.optimizer import Optimizer
from ..train.optimizers import AdamOptimizer, MomentumOptimizer

__all__ = ["DecoupledWeightDecayExtension", "extend_with_decoupled_weight_decay",
           "AdamWOptimizer", "MomentumWOptimizer"]


class DecoupledWeightDecayExtension:
    """Adds decoupled weight decay to an optimizer class; it must come first among the
    bases (TF 1.15):

        class SGDW(DecoupledWeightDecayExtension, gc.train.GradientDescentOptimizer):
            pass
        opt = SGDW(weight_decay=1e-4, learning_rate=0.1)

    The decay runs before the base update, so it suits optimizers whose step does not
    read the variable. `apply_gradients(..., decay_var_list=[...])` decays only those
    variables (an empty or missing list: all of them). As in TF 1.15, minimize's
    decay_var_list has no effect: minimize calls apply_gradients, which resets it.
    """

    def __init__(self, weight_decay, **kwargs):
        self._decay_var_list = None     # set by minimize / apply_gradients
        self._weight_decay = weight_decay
        super().__init__(**kwargs)

    def minimize(self, loss, global_step=None, var_list=None,
                 gate_gradients=Optimizer.GATE_OP, aggregation_method=None,
                 colocate_gradients_with_ops=False, name=None, grad_loss=None,
                 decay_var_list=None):
        """Optimizer.minimize; decay_var_list is accepted but, as in TF 1.15, lost
        (every variable decays): pass it to apply_gradients instead."""
        if decay_var_list:
            logging.warning("%s.minimize: decay_var_list is ignored, as in TF 1.15 "
                            "(apply_gradients resets it); every variable decays. Pass "
                            "it to apply_gradients instead.", type(self).__name__)
        self._decay_var_list = set(decay_var_list) if decay_var_list else False
        return super().minimize(
            loss, global_step=global_step, var_list=var_list,
            gate_gradients=gate_gradients, aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, name=name,
            grad_loss=grad_loss)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None,
                        decay_var_list=None):
        """Optimizer.apply_gradients, decaying only `decay_var_list` if given.

            opt.apply_gradients(opt.compute_gradients(loss), decay_var_list=[W])
        """
        self._decay_var_list = set(decay_var_list) if decay_var_list else False
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _decays(self, var):
        return not self._decay_var_list or var in self._decay_var_list

    def _decay_weights_op(self, var):
        """var -= weight_decay * var (a no_op for a variable not in decay_var_list)."""
        if not self._decays(var):
            return core.no_op()
        wd = self._hyper("weight_decay", self._weight_decay, var.dtype)
        return var.assign_sub(wd * var).node

    def _decay_weights_sparse_op(self, var, indices):
        """var[indices] -= weight_decay * var[indices]."""
        if not self._decays(var):
            return core.no_op()
        wd = self._hyper("weight_decay", self._weight_decay, var.dtype)
        return scatter_add(var, indices, -wd * gather(var, indices)).node

    def _apply_dense(self, grad, var):
        with get_default_graph().control_dependencies([self._decay_weights_op(var)]):
            return super()._apply_dense(grad, var)

    def _apply_sparse(self, grad, var):
        decay = self._decay_weights_sparse_op(var, grad.indices)
        with get_default_graph().control_dependencies([decay]):
            return super()._apply_sparse(grad, var)


def extend_with_decoupled_weight_decay(base_optimizer):
    """A subclass of `base_optimizer` with decoupled weight decay: its constructor
    takes weight_decay first, then base_optimizer's arguments by keyword (TF 1.15:
    positional ones raise TypeError).

        MyAdamW = extend_with_decoupled_weight_decay(gc.train.AdamOptimizer)
        opt = MyAdamW(weight_decay=0.001, learning_rate=0.001)
    """

    class OptimizerWithDecoupledWeightDecay(DecoupledWeightDecayExtension, base_optimizer):
        """base_optimizer's step plus decoupled weight decay (var -= weight_decay * var
        first)."""

        def __init__(self, weight_decay, *args, **kwargs):
            super().__init__(weight_decay, *args, **kwargs)

    return OptimizerWithDecoupledWeightDecay


class MomentumWOptimizer(DecoupledWeightDecayExtension, MomentumOptimizer):
    """Momentum with decoupled weight decay, "SGDW" (TF 1.15: tf.contrib.opt):

        var -= weight_decay * var
        accum = accum * momentum + grad; var -= lr * accum

        opt = gc.contrib.opt.MomentumWOptimizer(1e-4, learning_rate=0.1, momentum=0.9)
    """

    def __init__(self, weight_decay, learning_rate, momentum, use_locking=False,
                 name="MomentumW", use_nesterov=False):
        super().__init__(weight_decay, learning_rate=learning_rate, momentum=momentum,
                         use_locking=use_locking, name=name, use_nesterov=use_nesterov)


class AdamWOptimizer(DecoupledWeightDecayExtension, AdamOptimizer):
    """Adam with decoupled weight decay (TF 1.15: tf.contrib.opt.AdamWOptimizer):

        var -= weight_decay * var, then Adam's step (slots '<var>/AdamW', '<var>/AdamW_1')

        opt = gc.contrib.opt.AdamWOptimizer(weight_decay=1e-4, learning_rate=1e-3)
    """

    def __init__(self, weight_decay, learning_rate=0.001, beta1=0.9, beta2=0.999,
                 epsilon=1e-8, use_locking=False, name="AdamW"):
        super().__init__(weight_decay, learning_rate=learning_rate, beta1=beta1,
                         beta2=beta2, epsilon=epsilon, use_locking=use_locking, name=name)
