"""Adam variants of TF 1.15's tf.contrib.opt: LazyAdamOptimizer (sparse steps touch only
the looked-up rows) and NadamOptimizer (Adam with Nesterov momentum). Both keep Adam's
slots "m", "v" and its beta1_power/beta2_power, and take Adam's dense step where they
do not differ (graphc/train/optimizers.py).
"""
from ..ops import core, elementwise as el
from ..ops.gather import gather
from ..ops.state_scatter import scatter_add, scatter_sub, scatter_update
from ..train.optimizers import AdamOptimizer

__all__ = ["LazyAdamOptimizer", "NadamOptimizer"]


class LazyAdamOptimizer(AdamOptimizer):
    """Adam whose sparse step updates m, v and var only at the rows the gradient
    names (TF 1.15: tf.contrib.opt.LazyAdamOptimizer); dense steps are Adam's.

        m[i] = beta1 * m[i] + (1 - beta1) * g
        v[i] = beta2 * v[i] + (1 - beta2) * g^2
        var[i] -= lr_t * m[i] / (sqrt(v[i]) + epsilon)   lr_t = lr*sqrt(1-beta2^t)/(1-beta1^t)

        opt = gc.contrib.opt.LazyAdamOptimizer(1e-3)
        train_op = opt.minimize(loss)       # an embedding's untouched rows stay as they are
    """

    def _apply_sparse(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        i, g = grad.indices, grad.values
        b1, b2, eps, lr_t = self._coefficients(var)
        m_t = scatter_update(m, i, b1 * gather(m, i) + (1.0 - b1) * g)
        v_t = scatter_update(v, i, b2 * gather(v, i) + (1.0 - b2) * el.square(g))
        step = lr_t * gather(m_t, i) / (el.sqrt(gather(v_t, i)) + eps)
        return core.group(scatter_sub(var, i, step), m_t, v_t)


class NadamOptimizer(AdamOptimizer):
    """Adam with Nesterov momentum (Dozat 2015; TF 1.15: tf.contrib.opt.NadamOptimizer,
    whose default name is "Adam" as in TF):

        m = m + (grad - m) * (1 - beta1);  v = v + (grad^2 - v) * (1 - beta2)
        var -= lr_t * (grad * (1 - beta1) + beta1 * m) / (sqrt(v) + epsilon)

    A sparse gradient decays every row of m and v (as Adam's does) and moves only its
    rows of var.

        opt = gc.contrib.opt.NadamOptimizer(learning_rate=1e-3)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super().__init__(learning_rate=learning_rate, beta1=beta1, beta2=beta2,
                         epsilon=epsilon, use_locking=use_locking, name=name)

    def _apply_dense(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        b1, b2, eps, lr_t = self._coefficients(var)
        m_t = m.assign(m + (grad - m) * (1.0 - b1))
        v_t = v.assign(v + (el.square(grad) - v) * (1.0 - b2))
        m_bar = grad * (1.0 - b1) + b1 * m_t
        var_t = var.assign_sub((m_bar * lr_t) / (el.sqrt(v_t) + eps))
        return core.group(m_t, v_t, var_t)

    def _apply_sparse(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        i, g = grad.indices, grad.values
        b1, b2, eps, lr_t = self._coefficients(var)
        graph = var.graph
        m_scaled = g * (1.0 - b1)
        with graph.control_dependencies([m.assign(m * b1)]):
            m_t = scatter_add(m, i, m_scaled)
        m_bar = m_scaled + b1 * gather(m_t, i)
        v_scaled = (g * g) * (1.0 - b2)
        with graph.control_dependencies([v.assign(v * b2)]):
            v_t = scatter_add(v, i, v_scaled)
        step = -lr_t * m_bar / (el.sqrt(gather(v_t, i)) + eps)
        return core.group(scatter_add(var, i, step), m_bar, v_t)
