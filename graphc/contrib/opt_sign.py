"""AddSign and PowerSign (Bello et al., "Neural Optimizer Search with Reinforcement
Learning", ICML 2017; TF 1.15's tf.contrib.opt) and their sign-decay schedules.

Both keep a moving average m of the gradient and scale the gradient up where its sign
agrees with m's, down where it does not (the ApplyAddSign / ApplyPowerSign kernels):

    m = m * beta + grad * (1 - beta)
    AddSign:   var -= lr * (alpha + sign_decay * sign(grad) * sign(m)) * grad
    PowerSign: var -= lr * exp(log(base) * sign_decay * sign(grad) * sign(m)) * grad

sign_decay is 1, or sign_decay_fn(global_step) where global_step is the one passed to
minimize / apply_gradients:

    decay = gc.contrib.opt.get_cosine_decay_fn(1000)
    opt = gc.contrib.opt.PowerSignOptimizer(0.1, sign_decay_fn=decay)
    train_op = opt.minimize(loss, global_step=gc.train.get_or_create_global_step())
"""
import math

from ..ops import core, elementwise as el
from ..ops.broadcast import where
from ..ops.gather import gather
from ..ops.state_scatter import scatter_sub
from ..train.optimizer import Optimizer

__all__ = ["AddSignOptimizer", "PowerSignOptimizer", "get_linear_decay_fn",
           "get_cosine_decay_fn", "get_restart_decay_fn"]


class _SignOptimizer(Optimizer):
    """What AddSign and PowerSign share: slot "m", the sign decay, the sparse step."""

    def __init__(self, learning_rate, beta, sign_decay_fn, use_locking, name):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta = beta
        self._sign_decay_fn = sign_decay_fn
        self._sign_decay_t = 1.0

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Optimizer.apply_gradients; sign_decay_fn(global_step) is built first."""
        if self._sign_decay_fn is not None:
            self._sign_decay_t = core.convert_to_tensor(
                self._sign_decay_fn(global_step), name="sign_decay")
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "m", self._name)

    def _multiplier(self, sign_gm, dt):
        raise NotImplementedError

    def _step(self, grad, m_sign, var):
        """lr * multiplier(sign(grad) * sign(m)) * grad."""
        dt = var.dtype
        lr = self._hyper("learning_rate", self._lr, dt)
        return lr * self._multiplier(el.sign(grad) * m_sign, dt) * grad

    def _apply_dense(self, grad, var):
        m = self.get_slot(var, "m")
        beta = self._hyper("beta", self._beta, var.dtype)
        m_t = m.assign(m * beta + grad * (1.0 - beta))
        return core.group(m_t, var.assign_sub(self._step(grad, el.sign(m_t), var)))

    def _apply_sparse(self, grad, var):
        """Every row of m decays (the rows grad names get their share, as TF 1.15's
        dense add of an IndexedSlices); only grad's rows of var move."""
        m = self.get_slot(var, "m")
        beta = self._hyper("beta", self._beta, var.dtype)
        m_t = m.assign(m * beta + core.convert_to_tensor(grad) * (1.0 - beta))
        step = self._step(grad.values, gather(el.sign(m_t), grad.indices), var)
        return core.group(scatter_sub(var, grad.indices, step), m_t)


class AddSignOptimizer(_SignOptimizer):
    """var -= lr * (alpha + sign_decay * sign(grad) * sign(m)) * grad (TF 1.15:
    tf.contrib.opt.AddSignOptimizer); m = m * beta + grad * (1 - beta), slot "m".

        opt = gc.contrib.opt.AddSignOptimizer(learning_rate=0.1, alpha=1.0, beta=0.9)
    """

    def __init__(self, learning_rate=0.1, alpha=1.0, beta=0.9, sign_decay_fn=None,
                 use_locking=False, name="AddSignOptimizer"):
        super().__init__(learning_rate, beta, sign_decay_fn, use_locking, name)
        self._alpha = alpha

    def _multiplier(self, sign_gm, dt):
        alpha = self._hyper("alpha", self._alpha, dt)
        return alpha + self._hyper("sign_decay", self._sign_decay_t, dt) * sign_gm


class PowerSignOptimizer(_SignOptimizer):
    """var -= lr * base^(sign_decay * sign(grad) * sign(m)) * grad (TF 1.15:
    tf.contrib.opt.PowerSignOptimizer), computed as exp(log(base) * ...);
    m = m * beta + grad * (1 - beta), slot "m".

        opt = gc.contrib.opt.PowerSignOptimizer(learning_rate=0.1, base=math.e)
    """

    def __init__(self, learning_rate=0.1, base=math.e, beta=0.9, sign_decay_fn=None,
                 use_locking=False, name="PowerSignOptimizer"):
        super().__init__(learning_rate, beta, sign_decay_fn, use_locking, name)
        self._logbase = math.log(base)

    def _multiplier(self, sign_gm, dt):
        logbase = self._hyper("logbase", self._logbase, dt)
        return el.exp(logbase * self._hyper("sign_decay", self._sign_decay_t, dt) * sign_gm)


def _need_step(global_step, what):
    if global_step is None:
        raise ValueError(f"global_step is required for {what}.")


def get_linear_decay_fn(decay_steps):
    """fn(global_step) = max(0, (decay_steps - min(global_step, decay_steps)) /
    decay_steps), a float32 tensor (TF 1.15 sign_decay).

        decay = get_linear_decay_fn(1000)(gc.train.get_or_create_global_step())
    """
    def linear_decay_fn(global_step):
        _need_step(global_step, "linear_decay")
        step = el.minimum(global_step, decay_steps)
        remaining = el.to_int32(decay_steps) - el.to_int32(step)
        return el.maximum(0.0, el.to_float(remaining) / el.to_float(decay_steps))
    return linear_decay_fn


def get_cosine_decay_fn(decay_steps, num_periods=0.5, zero_after=None):
    """fn(global_step) = 0.5 * (1 + cos(pi * 2 * num_periods * min(step, decay_steps) /
    decay_steps)); 0 once that fraction 2*num_periods*step/decay_steps reaches
    2 * zero_after (TF 1.15 sign_decay).

        decay = get_cosine_decay_fn(1000, num_periods=2)(global_step)
    """
    def cosine_decay_fn(global_step):
        _need_step(global_step, "cosine_decay")
        step = el.minimum(global_step, decay_steps)
        fraction = 2.0 * num_periods * (el.to_float(step) / el.to_float(decay_steps))
        decayed = 0.5 * (1.0 + el.cos(core.constant(math.pi) * fraction))
        if zero_after is not None:
            decayed = where(el.greater_equal(fraction, 2 * zero_after), 0.0, decayed)
        return decayed
    return cosine_decay_fn


def get_restart_decay_fn(decay_steps, num_periods=1, zero_after=None):
    """fn(global_step) = 0.5 * (1 + cos(pi * ((num_periods * step) mod decay_steps) /
    decay_steps)), step = min(global_step, decay_steps) (SGDR's warm restarts,
    simplified; TF 1.15 sign_decay); 0 once num_periods * step / decay_steps reaches
    zero_after.

        decay = get_restart_decay_fn(1000, num_periods=2)(global_step)
    """
    def restart_decay_fn(global_step):
        _need_step(global_step, "cosine_decay")     # TF's message names cosine_decay
        step = el.minimum(global_step, decay_steps)
        num = el.mod(num_periods * el.to_float(step), decay_steps)
        fraction = num / el.to_float(decay_steps)
        decayed = 0.5 * (1.0 + el.cos(core.constant(math.pi) * fraction))
        if zero_after is not None:
            tmp = el.to_float(num_periods * step) / el.to_float(decay_steps)
            decayed = where(el.greater_equal(tmp, zero_after), 0.0, decayed)
        return decayed
    return restart_decay_fn
