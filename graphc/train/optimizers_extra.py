"""More TF1 optimizers: Adadelta, Ftrl and the two proximal (FOBOS) ones. As in
optimizers.py, each `_apply_dense` transcribes its TF1 CPU kernel (training_ops.cc:
ApplyAdadelta, ApplyFtrl/ApplyFtrlV2, ApplyProximalGradientDescent,
ApplyProximalAdagrad) term by term; docs/optimizers.md lists the formulas. A sparse
gradient updates only its rows (their Sparse* kernels): `_update(grad, var, at)` holds
each formula once, for whole variables and for rows (optimizers.py).
"""
from ..graph import Tensor
from ..ops import core, elementwise as el
from .optimizer import WHOLE, Optimizer, Rows

__all__ = ["AdadeltaOptimizer", "FtrlOptimizer", "ProximalGradientDescentOptimizer",
           "ProximalAdagradOptimizer"]


class AdadeltaOptimizer(Optimizer):
    """TF1 tf.train.AdadeltaOptimizer (Zeiler 2012; use learning_rate=1.0 for the paper):

        accum        = accum * rho + grad^2 * (1 - rho)
        update       = sqrt(accum_update + epsilon) * rsqrt(accum + epsilon) * grad
        var         -= update * lr
        accum_update = accum_update * rho + update^2 * (1 - rho)

    Slots "accum" and "accum_update" (zeros), named '<var>/Adadelta', '<var>/Adadelta_1'.

        train_op = gc.train.AdadeltaOptimizer(1.0, rho=0.95).minimize(loss)
    """
    _TF1_TENSORS = (("_lr_t", "_lr", "lr"), ("_rho_t", "_rho", "rho"),
                     ("_epsilon_t", "_epsilon", "epsilon"))


    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        return self._update(grad.values, var, Rows(grad.indices))

    def _update(self, grad, var, at):
        accum, accum_update = self.get_slot(var, "accum"), self.get_slot(var, "accum_update")
        dt = var.dtype
        lr = self._hyper("lr", self._lr, dt)
        rho = self._hyper("rho", self._rho, dt)
        eps = self._hyper("epsilon", self._epsilon, dt)
        one_minus_rho = 1.0 - rho
        accum_op, accum_t = at.write(accum, at.read(accum) * rho
                                     + el.square(grad) * one_minus_rho)
        accum_update_old = at.read(accum_update)
        update = el.sqrt(accum_update_old + eps) * el.rsqrt(accum_t + eps) * grad
        var_t = at.sub(var, update * lr)
        accum_update_op, _ = at.write(accum_update, accum_update_old * rho
                                      + el.square(update) * one_minus_rho)
        return core.group(accum_op, var_t, accum_update_op)


def _check_at_least_zero(**values):
    for name, value in values.items():
        if not isinstance(value, Tensor) and value < 0.0:
            raise ValueError(f"{name} {value} needs to be positive or zero")


def _shrink(prox, threshold, scale, l1, l1_t):
    """TF1's proximal step: sign(prox) * max(|prox| - threshold, 0) / scale where l1 > 0,
    prox / scale otherwise (decided now for a Python l1, per run for a tensor l1_t)."""
    if isinstance(l1, Tensor):
        shrunk = el.sign(prox) * el.maximum(el.abs(prox) - threshold, 0.0) / scale
        return el.select(el.greater(l1_t, 0.0), shrunk, prox / scale)
    if l1 > 0:
        return el.sign(prox) * el.maximum(el.abs(prox) - threshold, 0.0) / scale
    return prox / scale


class ProximalGradientDescentOptimizer(Optimizer):
    """TF1 tf.train.ProximalGradientDescentOptimizer (FOBOS with a fixed rate):

        prox = var - grad * lr
        var  = sign(prox) * max(|prox| - lr * l1, 0) / (1 + l2 * lr)     (l1 > 0)
        var  = prox / (1 + l2 * lr)                                      (l1 = 0)

    No slots.

        opt = gc.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.01)
    """

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE).node

    def _apply_sparse(self, grad, var):
        return self._update(grad.values, var, Rows(grad.indices)).node

    def _update(self, grad, var, at):
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        l1 = self._hyper("l1_regularization_strength", self._l1, dt)
        l2 = self._hyper("l2_regularization_strength", self._l2, dt)
        prox = at.read(var) - grad * lr
        new = _shrink(prox, lr * l1, 1.0 + l2 * lr, self._l1, l1)
        return at.write(var, new)[0]


class ProximalAdagradOptimizer(Optimizer):
    """TF1 tf.train.ProximalAdagradOptimizer (FOBOS with Adagrad's rate):

        accum += grad^2
        lr_t   = lr * rsqrt(accum)
        prox   = var - grad * lr_t
        var    = sign(prox) * max(|prox| - lr_t * l1, 0) / (1 + l2 * lr_t)   (l1 > 0)
        var    = prox / (1 + l2 * lr_t)                                      (l1 = 0)

    Slot "accumulator", named '<var>/ProximalAdagrad', starts at
    initial_accumulator_value (must be > 0).

        opt = gc.train.ProximalAdagradOptimizer(0.1, l2_regularization_strength=0.001)
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength

    def _create_slots(self, var_list):
        for v in var_list:
            self._make_slot(v, "accumulator", self._name, self._initial_accumulator_value)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        return self._update(grad.values, var, Rows(grad.indices))

    def _update(self, grad, var, at):
        accum = self.get_slot(var, "accumulator")
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        l1 = self._hyper("l1_regularization_strength", self._l1, dt)
        l2 = self._hyper("l2_regularization_strength", self._l2, dt)
        accum_op, accum_t = at.write(accum, at.read(accum) + el.square(grad))
        lr_t = lr * el.rsqrt(accum_t)
        prox = at.read(var) - grad * lr_t
        new = _shrink(prox, lr_t * l1, 1.0 + l2 * lr_t, self._l1, l1)
        return core.group(accum_op, at.write(var, new)[0])


class FtrlOptimizer(Optimizer):
    """TF1 tf.train.FtrlOptimizer (FTRL-Proximal, McMahan et al. 2013). With p =
    -learning_rate_power (sqrt when p = 0.5, as TF1 special-cases it):

        g'      = grad + 2 * l2_shrinkage * var       (only when l2_shrinkage > 0: FtrlV2)
        new     = accum + grad * grad
        linear += g' - (new^p - accum^p) / lr * var
        var     = (l1 * sign(linear) - linear) / (new^p / lr + 2 * l2)  if |linear| > l1
                  else 0
        accum   = new

    Slots "accum" (starts at initial_accumulator_value) and "linear" (zeros), named
    '<var>/<accum_name or name>' and '<var>/<linear_name or name>': 'W/Ftrl', 'W/Ftrl_1'.

        opt = gc.train.FtrlOptimizer(0.1, l1_regularization_strength=0.001)
    """

    def __init__(self, learning_rate, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False, name="Ftrl",
                 accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0):
        super().__init__(use_locking, name)
        _check_at_least_zero(initial_accumulator_value=initial_accumulator_value,
                             l1_regularization_strength=l1_regularization_strength,
                             l2_regularization_strength=l2_regularization_strength,
                             l2_shrinkage_regularization_strength=(
                                 l2_shrinkage_regularization_strength))
        if not isinstance(learning_rate_power, Tensor) and learning_rate_power > 0.0:
            raise ValueError(f"learning_rate_power {learning_rate_power} needs to be "
                             "negative or zero")
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength
        self._l2_shrinkage = l2_shrinkage_regularization_strength
        self._accum_name = accum_name
        self._linear_name = linear_name

    def _create_slots(self, var_list):
        for v in var_list:
            self._make_slot(v, "accum", self._accum_name or self._name,
                            self._initial_accumulator_value)
            self._zeros_slot(v, "linear", self._linear_name or self._name)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        return self._update(grad.values, var, Rows(grad.indices))

    def _update(self, grad, var, at):
        accum, linear = self.get_slot(var, "accum"), self.get_slot(var, "linear")
        var_old, accum_old = at.read(var), at.read(accum)
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        l1 = self._hyper("l1_regularization_strength", self._l1, dt)
        l2 = self._hyper("l2_regularization_strength", self._l2, dt)
        lr_power = self._hyper("learning_rate_power", self._learning_rate_power, dt)
        if isinstance(self._l2_shrinkage, Tensor) or self._l2_shrinkage > 0.0:   # FtrlV2
            l2_shrinkage = self._hyper("l2_shrinkage_regularization_strength",
                                       self._l2_shrinkage, dt)
            grad_shrunk = grad + 2.0 * l2_shrinkage * var_old
        else:
            grad_shrunk = grad
        new_accum = accum_old + grad * grad

        def sigma(a):               # a^(-lr_power), sqrt for TF1's lr_power = -0.5 case
            if isinstance(self._learning_rate_power, Tensor):
                return el.select(el.equal(lr_power, -0.5), el.sqrt(a), el.pow(a, -lr_power))
            if self._learning_rate_power == -0.5:
                return el.sqrt(a)
            return el.pow(a, -lr_power)

        linear_op, linear_t = at.write(linear, at.read(linear) + (
            grad_shrunk - (sigma(new_accum) - sigma(accum_old)) / lr * var_old))
        x = l1 * el.sign(linear_t) - linear_t
        y = sigma(new_accum) / lr + 2.0 * l2
        var_op, _ = at.write(var, el.select(el.greater(el.abs(linear_t), l1), x / y,
                                            core.constant(0, dtype=dt)))
        accum_op, _ = at.write(accum, new_accum)
        return core.group(linear_op, var_op, accum_op)
