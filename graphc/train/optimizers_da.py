"""TF1's tf.train.AdagradDAOptimizer: Adagrad dual averaging (Duchi et al. 2011), the
update of TF1's ApplyAdagradDA / SparseApplyAdagradDA kernels (training_ops.cc).

Unlike the other optimizers it does not step from the old value of the variable: the
new value is computed from the two accumulators and the step number alone. `_update`
holds the formula once, for whole variables (WHOLE) and for the rows a sparse gradient
names (Rows), as in optimizers.py.
"""
import numpy as np

from ..graph import Tensor
from ..ops import core, elementwise as el
from ..ops.state import Variable
from .optimizer import WHOLE, Optimizer, Rows, cast_to

__all__ = ["AdagradDAOptimizer"]


def _as_tf1_float(value):
    """A Python number as TF1 passes it to the kernel: made a float32 tensor first, then
    cast to the variable's dtype (so 0.1 is float32's 0.1 even for a float64 variable)."""
    if isinstance(value, (Tensor, Variable)) or callable(value):
        return value
    return float(np.float32(value))


class AdagradDAOptimizer(Optimizer):
    """TF1 tf.train.AdagradDAOptimizer. With T = global_step + 1 (read before the step):

        g  += grad                 (slot "gradient_accumulator", starts at 0)
        gg += grad^2               (slot "gradient_squared_accumulator", starts at
                                    initial_gradient_squared_accumulator_value)
        var = -sign(g) * lr * max(|g| - l1*T, 0) / (l2*T*lr + sqrt(gg))    (l1 > 0)
        var = -lr * g / (l2*T*lr + sqrt(gg))                               (l1 == 0)

    Both slots are named '<var>/AdagradDA' and '<var>/AdagradDA_1'.

        step = gc.train.get_or_create_global_step()
        opt = gc.train.AdagradDAOptimizer(0.1, step, l1_regularization_strength=0.01)
        train_op = opt.minimize(loss, global_step=step)
    """

    def __init__(self, learning_rate, global_step,
                 initial_gradient_squared_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="AdagradDA"):
        if initial_gradient_squared_accumulator_value <= 0.0:
            raise ValueError("initial_gradient_squared_accumulator_value must be positive: "
                             f"{initial_gradient_squared_accumulator_value}")
        if not isinstance(global_step, (Tensor, Variable)):
            raise TypeError(f"AdagradDAOptimizer: global_step must be a tensor or Variable "
                            f"(the step counter), got {type(global_step).__name__} "
                            f"{global_step!r}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_gradient_squared_accumulator_value = \
            initial_gradient_squared_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._global_step = global_step

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "gradient_accumulator", self._name)
            self._make_slot(v, "gradient_squared_accumulator", self._name,
                            self._initial_gradient_squared_accumulator_value)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        return self._update(grad.values, var, Rows(grad.indices))

    def _step(self, dtype):
        """T = global_step + 1 in `dtype`, read once per apply_gradients (TF1's
        _global_step_on_worker)."""
        key = ("global_step_on_worker", dtype)
        if key not in self._hypers:
            self._hypers[key] = cast_to(core.identity(self._global_step) + 1, dtype)
        return self._hypers[key]

    def _update(self, grad, var, at):
        g_acc = self.get_slot(var, "gradient_accumulator")
        gg_acc = self.get_slot(var, "gradient_squared_accumulator")
        dt = var.dtype
        lr = self._hyper("learning_rate", _as_tf1_float(self._learning_rate), dt)
        l1_value = self._l1_regularization_strength
        l1 = self._hyper("l1_regularization_strength", _as_tf1_float(l1_value), dt)
        l2 = self._hyper("l2_regularization_strength",
                         _as_tf1_float(self._l2_regularization_strength), dt)
        t = self._step(dt)
        g_op, g = at.write(g_acc, at.read(g_acc) + grad)
        gg_op, gg = at.write(gg_acc, at.read(gg_acc) + el.square(grad))
        denom = el.sqrt(gg) + l2 * t * lr
        plain = -lr * g / denom
        shrunk = -el.sign(g) * lr * el.maximum(el.abs(g) - l1 * t, 0.0) / denom
        if isinstance(l1_value, Tensor):
            new = el.select(el.greater(l1, 0.0), shrunk, plain)
        else:
            new = shrunk if l1_value > 0 else plain
        var_op, _ = at.write(var, new)
        return core.group(g_op, gg_op, var_op)
