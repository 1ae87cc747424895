"""The TF1 optimizers. Each update follows the TF1 kernel (training_ops.cc) term by
term, so float results match it up to rounding; docs/optimizers.md lists them.

`_update(grad, var, at)` holds an optimizer's formula once: `_apply_dense` runs it on
whole variables (at=WHOLE) and `_apply_sparse` on the rows a sparse gradient names
(at=Rows(indices)), as TF1's SparseApply* kernels do: the other rows, and their slots,
stay as they are.
"""
from ..graph import get_default_graph
from ..indexed_slices import IndexedSlices
from ..ops import core, elementwise as el
from ..ops.state_scatter import scatter_add
from .optimizer import WHOLE, Optimizer, Rows, cast_to

__all__ = ["GradientDescentOptimizer", "MomentumOptimizer", "AdagradOptimizer",
           "RMSPropOptimizer", "AdamOptimizer"]


class GradientDescentOptimizer(Optimizer):
    """var -= lr * grad (TF1: tf.train.GradientDescentOptimizer).

        train_op = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
    """
    _TF1_TENSORS = (("_learning_rate_tensor", "_learning_rate", "learning_rate"),)


    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _apply_dense(self, grad, var):
        lr = self._hyper("learning_rate", self._learning_rate, var.dtype)
        return var.assign_sub(grad * lr).node

    def _apply_sparse_duplicate_indices(self, grad, var):
        """var[i] -= lr * row for each row of grad; repeated rows subtract in turn (TF1)."""
        lr = self._hyper("learning_rate", self._learning_rate, var.dtype)
        return var.scatter_sub(IndexedSlices(grad.values * lr, grad.indices)).node


class MomentumOptimizer(Optimizer):
    """accum = accum * momentum + grad; var -= lr * accum (TF1: tf.train.MomentumOptimizer).

    With use_nesterov: var -= grad * lr + accum * momentum * lr (accum the new value).
    Slot "momentum", named '<var>/Momentum', starts at zeros.
    """
    _TF1_TENSORS = (("_learning_rate_tensor", "_learning_rate", "learning_rate"),
                     ("_momentum_tensor", "_momentum", "momentum"))


    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        return self._update(grad.values, var, Rows(grad.indices))

    def _update(self, grad, var, at):
        lr = self._hyper("learning_rate", self._learning_rate, var.dtype)
        return momentum_step(self, grad, var, lr, at)


def momentum_step(opt, grad, var, lr, at):
    """TF's ApplyMomentum (at=WHOLE) / SparseApplyMomentum (at=Rows) with rate `lr`, on
    opt's "momentum" slot and its _momentum and _use_nesterov (LARS shares it)."""
    accum = opt.get_slot(var, "momentum")
    mu = opt._hyper("momentum", opt._momentum, var.dtype)
    accum_op, accum_t = at.write(accum, at.read(accum) * mu + grad)
    if opt._use_nesterov:
        var_t = at.sub(var, grad * lr + accum_t * mu * lr)
    else:
        var_t = at.sub(var, accum_t * lr)
    return core.group(accum_op, var_t)


class AdagradOptimizer(Optimizer):
    """accum += grad^2; var -= grad * lr / sqrt(accum) (TF1: tf.train.AdagradOptimizer).

    Slot "accumulator", named '<var>/Adagrad', starts at initial_accumulator_value.
    """
    _TF1_TENSORS = (("_learning_rate_tensor", "_learning_rate", "learning_rate"),)


    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            self._make_slot(v, "accumulator", self._name, self._initial_accumulator_value)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        return self._update(grad.values, var, Rows(grad.indices))

    def _update(self, grad, var, at):
        accum = self.get_slot(var, "accumulator")
        lr = self._hyper("learning_rate", self._learning_rate, var.dtype)
        accum_op, accum_t = at.write(accum, at.read(accum) + el.square(grad))
        var_t = at.sub(var, grad * lr * el.rsqrt(accum_t))
        return core.group(accum_op, var_t)


class RMSPropOptimizer(Optimizer):
    """TF1 tf.train.RMSPropOptimizer:

        ms = ms + (grad^2 - ms) * (1 - decay)        (= decay*ms + (1-decay)*grad^2)
        mom = mom * momentum + lr * grad / sqrt(ms + epsilon)
        var -= mom

    centered=True also keeps mg = mg + (grad - mg) * (1 - decay) and divides by
    sqrt(ms - mg^2 + epsilon). Slots "rms" (starts at ONES, as in TF1), "momentum" and
    "mg" (zeros), named '<var>/RMSProp', '<var>/RMSProp_1', ...
    """
    _TF1_TENSORS = (("_learning_rate_tensor", "_learning_rate", "learning_rate"),
                     ("_decay_tensor", "_decay", "decay"),
                     ("_momentum_tensor", "_momentum", "momentum"),
                     ("_epsilon_tensor", "_epsilon", "epsilon"))


    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking=False, centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            self._make_slot(v, "rms", self._name, 1)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad, var):
        return self._update(grad, var, WHOLE)

    def _apply_sparse(self, grad, var):
        return self._update(grad.values, var, Rows(grad.indices))

    def _update(self, grad, var, at):
        ms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        dt = var.dtype
        lr = self._hyper("learning_rate", self._learning_rate, dt)
        rho = self._hyper("decay", self._decay, dt)
        mu = self._hyper("momentum", self._momentum, dt)
        eps = self._hyper("epsilon", self._epsilon, dt)
        one_minus_rho = 1.0 - rho
        ms_old = at.read(ms)
        ms_op, ms_t = at.write(ms, ms_old + (el.square(grad) - ms_old) * one_minus_rho)
        updates = [ms_op]
        if self._centered:
            mg = self.get_slot(var, "mg")
            mg_old = at.read(mg)
            mg_op, mg_t = at.write(mg, mg_old + (grad - mg_old) * one_minus_rho)
            updates.append(mg_op)
            denom = (ms_t - el.square(mg_t)) + eps
        else:
            denom = ms_t + eps
        mom_op, mom_t = at.write(mom, at.read(mom) * mu + (grad * lr) / el.sqrt(denom))
        var_t = at.sub(var, mom_t)
        return core.group(*updates, mom_op, var_t)


class AdamOptimizer(Optimizer):
    """TF1 tf.train.AdamOptimizer (epsilon is the paper's "epsilon hat"):

        lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
        m = m + (grad - m) * (1 - beta1)             (= beta1*m + (1-beta1)*grad)
        v = v + (grad^2 - v) * (1 - beta2)
        var -= m * lr_t / (sqrt(v) + epsilon)

    beta1^t and beta2^t live in the non-slot variables "beta1_power"/"beta2_power"
    (start at beta1/beta2, multiplied by beta1/beta2 after every step). Slots "m" and
    "v" (zeros), named '<var>/Adam' and '<var>/Adam_1'.
    """
    _TF1_TENSORS = (("_lr_t", "_lr", "learning_rate"), ("_beta1_t", "_beta1", "beta1"),
                     ("_beta2_t", "_beta2", "beta2"), ("_epsilon_t", "_epsilon", "epsilon"))


    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _get_beta_accumulators(self, graph=None):
        graph = graph or get_default_graph()
        return (self._get_non_slot("beta1_power", graph),
                self._get_non_slot("beta2_power", graph))

    def _create_slots(self, var_list):
        first = min(var_list, key=lambda v: v.node.name)
        self._non_slot("beta1_power", self._beta1, first)
        self._non_slot("beta2_power", self._beta2, first)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _coefficients(self, var):
        """(beta1, beta2, epsilon, lr_t) in var's dtype, lr_t the bias-corrected rate."""
        dt = var.dtype
        b1p, b2p = (cast_to(p, dt) for p in self._get_beta_accumulators(var.graph))
        lr = self._hyper("learning_rate", self._lr, dt)
        b1 = self._hyper("beta1", self._beta1, dt)
        b2 = self._hyper("beta2", self._beta2, dt)
        eps = self._hyper("epsilon", self._epsilon, dt)
        return b1, b2, eps, lr * el.sqrt(1.0 - b2p) / (1.0 - b1p)

    def _apply_dense(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        b1, b2, eps, lr_t = self._coefficients(var)
        m_t = m.assign(m + (grad - m) * (1.0 - b1))
        v_t = v.assign(v + (el.square(grad) - v) * (1.0 - b2))
        var_t = var.assign_sub((m_t * lr_t) / (el.sqrt(v_t) + eps))
        return core.group(m_t, v_t, var_t)

    def _apply_sparse(self, grad, var):
        """TF1's sparse Adam: every row of m and v decays, the rows grad names get their
        share of it, and every row of var moves:

            m = m * beta1, then m[i] += grad * (1 - beta1)     (v likewise with grad^2)
            var -= lr_t * m / (sqrt(v) + epsilon)
        """
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        i, g = grad.indices, grad.values
        b1, b2, eps, lr_t = self._coefficients(var)
        m_scaled = g * (1.0 - b1)
        with get_default_graph().control_dependencies([m.assign(m * b1)]):
            m_t = scatter_add(m, i, m_scaled)
        v_scaled = (g * g) * (1.0 - b2)
        with get_default_graph().control_dependencies([v.assign(v * b2)]):
            v_t = scatter_add(v, i, v_scaled)
        var_t = var.assign_sub(lr_t * m_t / (el.sqrt(v_t) + eps))
        return core.group(m_t, v_t, var_t)

    def _finish(self, update_ops, name):
        graph = update_ops[0].graph
        b1p, b2p = self._get_beta_accumulators(graph)
        with graph.control_dependencies(update_ops):
            b1 = self._hyper("beta1", self._beta1, b1p.dtype)
            b2 = self._hyper("beta2", self._beta2, b2p.dtype)
            update_b1 = b1p.assign(b1p * b1, name="update_beta1")
            update_b2 = b2p.assign(b2p * b2, name="update_beta2")
        return core.group(*update_ops, update_b1, update_b2, name=name)
