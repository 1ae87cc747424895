"""gc.keras.optimizers' Adadelta, Adamax, Ftrl and Nadam: tf_keras' legacy "v2"
optimizers (tf.compat.v1.keras.optimizers) with their names, defaults and updates. As
in optimizers.py, `iterations` counts the steps (t = iterations + 1 in the formulas),
and learning_rate may be a float or a schedule.

    opt = gc.keras.optimizers.Nadam(learning_rate=0.002)
    model.compile(opt, "mse")
"""
import numpy as np

import graphc as gc
from ..train.optimizer import WHOLE, Optimizer, Rows
from ..train.optimizers_extra import FtrlOptimizer
from .optimizers import _KerasHypers

__all__ = ["Adadelta", "Adamax", "Ftrl", "Nadam"]


def _step(opt, dtype, offset=1):
    """iterations + offset in `dtype` (read before this step's increment)."""
    return gc.cast(opt.iterations + offset, dtype)


class Adadelta(_KerasHypers, Optimizer):
    """Keras Adadelta: lr 0.001, rho 0.95, epsilon 1e-7;
    accum_grad = rho * accum_grad + (1 - rho) * g^2;
    delta = sqrt(accum_var + eps) / sqrt(accum_grad + eps) * g; var -= lr * delta;
    accum_var = rho * accum_var + (1 - rho) * delta^2.

        gc.keras.optimizers.Adadelta(learning_rate=1.0)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="Adadelta",
                 **kwargs):
        Optimizer.__init__(self, False, name)
        self._init_lr(learning_rate, kwargs, 0.001, kwargs.pop("decay", 0.0))
        self._rho, self._epsilon = rho, epsilon
        self._config = {"rho": rho, "epsilon": epsilon}

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum_grad", f"{self._name}/accum_grad")
            self._zeros_slot(v, "accum_var", f"{self._name}/accum_var")

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        """Only the rows grad names change (TF's SparseApplyAdadelta)."""
        return self._update(grad.values, var, Rows(grad.indices))

    def _update(self, grad, var, at):
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        rho, eps = gc.cast(self._rho, dt), gc.cast(self._epsilon, dt)
        acc_g, acc_v = self.get_slot(var, "accum_grad"), self.get_slot(var, "accum_var")
        acc_g_op, acc_g_t = at.write(acc_g, at.read(acc_g) * rho + gc.square(grad) * (1.0 - rho))
        acc_v_old = gc.identity(at.read(acc_v))
        delta = gc.sqrt(acc_v_old + eps) * gc.rsqrt(acc_g_t + eps) * grad
        var_t = at.sub(var, delta * lr)
        acc_v_op, _ = at.write(acc_v, acc_v_old * rho + gc.square(delta) * (1.0 - rho))
        return gc.group(acc_g_op, var_t, acc_v_op)


class Adamax(_KerasHypers, Optimizer):
    """Keras Adamax (Adam with the infinity norm): lr 0.001, beta_1 0.9, beta_2 0.999,
    epsilon 1e-7; m = beta_1 * m + (1 - beta_1) * g; v = max(beta_2 * v, |g|);
    var -= lr / (1 - beta_1^t) * m / (v + epsilon).

        gc.keras.optimizers.Adamax(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Adamax", **kwargs):
        Optimizer.__init__(self, False, name)
        self._init_lr(learning_rate, kwargs, 0.001, kwargs.pop("decay", 0.0))
        self._beta_1, self._beta_2, self._epsilon = beta_1, beta_2, epsilon
        self._config = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "m", f"{self._name}/m")
            self._zeros_slot(v, "v", f"{self._name}/v")

    def _coefficients(self, var):
        """(beta_1, beta_2, epsilon, lr / (1 - beta_1^t)) in var's dtype."""
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        b1, b2 = gc.cast(self._beta_1, dt), gc.cast(self._beta_2, dt)
        b1_power = gc.pow(b1, self._hyper("local_step", lambda: _step(self, dt), dt))
        return b1, b2, gc.cast(self._epsilon, dt), lr / (1.0 - b1_power)

    def _apply_dense(self, grad, var):
        b1, b2, eps, scaled_lr = self._coefficients(var)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = m.assign(m + (grad - m) * (1.0 - b1))
        v_t = v.assign(gc.maximum(b2 * v, gc.abs(grad)))
        var_t = var.assign_sub(scaled_lr * (m_t / (v_t + eps)))
        return gc.group(m_t, v_t, var_t)

    def _apply_sparse(self, grad, var):
        """tf_keras' sparse Adamax: only the rows i that grad names change, in m, v and
        var: m[i] = m[i] * beta_1 + g * (1 - beta_1); v[i] = max(v[i] * beta_2, |g|)."""
        b1, b2, eps, scaled_lr = self._coefficients(var)
        i, g = grad.indices, grad.values
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_rows = gc.gather(m, i) * b1 + g * (1.0 - b1)
        v_rows = gc.maximum(gc.gather(v, i) * b2, gc.abs(g))
        m_t, v_t = gc.scatter_update(m, i, m_rows), gc.scatter_update(v, i, v_rows)
        var_t = gc.scatter_add(var, i, -scaled_lr * (m_rows / (v_rows + eps)))
        return gc.group(m_t, v_t, var_t)


class Ftrl(_KerasHypers, FtrlOptimizer):
    """Keras Ftrl: lr 0.001, learning_rate_power -0.5, accumulator from 0.1, l1, l2,
    l2_shrinkage and `beta` (added to l2 as beta / (2 * lr)); the update of
    gc.train.FtrlOptimizer.

        gc.keras.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, name="Ftrl",
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **kwargs):
        FtrlOptimizer.__init__(
            self, 0.001, learning_rate_power=learning_rate_power,
            initial_accumulator_value=initial_accumulator_value,
            l1_regularization_strength=l1_regularization_strength,
            l2_regularization_strength=l2_regularization_strength, name=name,
            accum_name=f"{name}/accumulator", linear_name=f"{name}/linear",
            l2_shrinkage_regularization_strength=l2_shrinkage_regularization_strength)
        self._init_lr(learning_rate, kwargs, 0.001, kwargs.pop("decay", 0.0))
        self._beta = beta
        if beta:
            l2 = l2_regularization_strength
            self._l2 = lambda: l2 + beta / (2.0 * self._decayed_lr())
        self._config = {"initial_accumulator_value": initial_accumulator_value,
                        "learning_rate_power": learning_rate_power,
                        "l1_regularization_strength": l1_regularization_strength,
                        "l2_regularization_strength": l2_regularization_strength,
                        "beta": beta, "l2_shrinkage_regularization_strength":
                            l2_shrinkage_regularization_strength}


class Nadam(_KerasHypers, Optimizer):
    """Keras Nadam (Adam with Nesterov momentum): lr 0.001, beta_1 0.9, beta_2 0.999,
    epsilon 1e-7, the momentum schedule's decay 0.004 (`decay`/`schedule_decay`):
    u_t = beta_1 * (1 - 0.5 * 0.96^(decay * t)); the non-slot 'momentum_cache' holds
    prod(u_1..u_t); m, v as Adam's; var -= lr * ((1 - u_t) * g / (1 - cache_t)
    + u_{t+1} * m / (1 - cache_t * u_{t+1})) / (sqrt(v / (1 - beta_2^t)) + eps).

        gc.keras.optimizers.Nadam(learning_rate=0.002)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Nadam", **kwargs):
        Optimizer.__init__(self, False, name)
        decay = kwargs.pop("schedule_decay", kwargs.pop("decay", 0.004))
        self._init_lr(learning_rate, kwargs, 0.001)
        self._decay = float(decay)      # the momentum schedule's, not the learning rate's
        self._beta_1, self._beta_2, self._epsilon = beta_1, beta_2, epsilon
        self._config = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        self._cache_next = None

    def _decayed_lr(self):
        """Nadam uses its learning rate (or schedule) without the `decay` division."""
        if self._schedule is None:
            return self.lr
        return gc.cast(self._schedule(gc.cast(self.iterations, gc.float32)), gc.float32)

    def _create_slots(self, var_list):
        first = min(var_list, key=lambda v: v.node.name)
        with gc.name_scope(""):         # in the first variable's dtype, as tf_keras
            self._non_slot(f"{self._name}/momentum_cache",
                           np.ones((), var_list[0].dtype.np), first)
        for v in var_list:
            self._zeros_slot(v, "m", f"{self._name}/m")
            self._zeros_slot(v, "v", f"{self._name}/v")

    def _schedule_terms(self, var):
        """(u_t, u_{t+1}, cache_t, cache_{t+1}, 1 - beta_2^t) in var's dtype."""
        dt = var.dtype
        cache = self._get_non_slot(f"{self._name}/momentum_cache", var.graph)

        def terms():
            t, t_next = _step(self, dt, 1), _step(self, dt, 2)
            b1, b2 = gc.cast(self._beta_1, dt), gc.cast(self._beta_2, dt)
            base, decay = gc.cast(0.96, dt), self._decay    # decay: a Python float, as TF
            u_t = b1 * (1.0 - 0.5 * gc.pow(base, decay * t))
            u_next = b1 * (1.0 - 0.5 * gc.pow(base, decay * t_next))
            cache_t = gc.cast(gc.identity(cache), dt) * u_t
            if dt is cache.dtype:
                self._cache_next = cache_t
            return gc.stack([u_t, u_next, cache_t, cache_t * u_next, 1.0 - gc.pow(b2, t)])
        return gc.unstack(self._hyper("nadam_terms", terms, dt))

    def _apply_dense(self, grad, var):
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        b1, b2 = gc.cast(self._beta_1, dt), gc.cast(self._beta_2, dt)
        eps = gc.cast(self._epsilon, dt)
        u_t, u_next, cache_t, cache_next, v_denom = self._schedule_terms(var)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        g_prime = grad / (1.0 - cache_t)
        m_t = m.assign(b1 * m + (1.0 - b1) * grad)
        m_prime = m_t / (1.0 - cache_next)
        v_t = v.assign(b2 * v + (1.0 - b2) * gc.square(grad))
        m_bar = (1.0 - u_t) * g_prime + u_next * m_prime
        var_t = var.assign_sub(lr * m_bar / (gc.sqrt(v_t / v_denom) + eps))
        return gc.group(m_t, v_t, var_t)

    def _apply_sparse(self, grad, var):
        """tf_keras' sparse Nadam: every row of m and v decays, the rows i that grad
        names get their share (m = m * beta_1, then m[i] += g * (1 - beta_1); v
        likewise with g^2), and only var's rows i move."""
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        b1, b2 = gc.cast(self._beta_1, dt), gc.cast(self._beta_2, dt)
        eps = gc.cast(self._epsilon, dt)
        u_t, u_next, cache_t, cache_next, v_denom = self._schedule_terms(var)
        i, g = grad.indices, grad.values
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        g_prime = g / (1.0 - cache_t)
        with gc.control_dependencies([m.assign(m * b1)]):
            m_t = gc.scatter_add(m, i, g * (1.0 - b1))
        m_bar = (1.0 - u_t) * g_prime + u_next * (gc.gather(m_t, i) / (1.0 - cache_next))
        with gc.control_dependencies([v.assign(v * b2)]):
            v_t = gc.scatter_add(v, i, (g * g) * (1.0 - b2))
        v_prime = gc.gather(v_t, i) / v_denom
        var_t = gc.scatter_add(var, i, -lr * m_bar / (gc.sqrt(v_prime) + eps))
        return gc.group(m_t, v_t, var_t)

    def _finish(self, update_ops, name):
        graph = update_ops[0].graph
        cache = self._get_non_slot(f"{self._name}/momentum_cache", graph)
        if self._cache_next is not None:
            with graph.control_dependencies(update_ops):
                update_ops = list(update_ops) + [cache.assign(self._cache_next).node]
            self._cache_next = None
        return super()._finish(update_ops, name)

    def get_config(self):
        config = super().get_config()
        config["decay"] = self._decay
        return config
