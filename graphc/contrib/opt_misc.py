"""LARSOptimizer and MovingAverageOptimizer of TF 1.15's tf.contrib.opt."""
from ..ops import core, elementwise as el
from ..ops.broadcast import where
from ..ops.norm import norm
from ..ops.state import Variable, global_variables
from ..partitioned import PartitionedVariable, slice_info
from ..train.moving_averages import ExponentialMovingAverage
from ..train.optimizer import WHOLE, Optimizer, Rows
from ..train.optimizers import momentum_step
from ..train.saver import Saver

__all__ = ["LARSOptimizer", "MovingAverageOptimizer"]


class LARSOptimizer(Optimizer):
    """Layer-wise Adaptive Rate Scaling (You, Gitman & Ginsburg 2017; TF 1.15:
    tf.contrib.opt.LARSOptimizer): momentum with a learning rate scaled per variable by

        trust_ratio = eeta * |w| / (|g| + weight_decay * |w| + epsilon)
                      (1 where |w| or |g| is 0; |.| the 2-norm of the whole tensor)
        accum = accum * momentum + grad;  var -= lr * trust_ratio * accum

    A variable whose name contains a string of skip_list keeps lr; a sparse gradient
    takes plain momentum (no scaling), as in TF. weight_decay enters only the ratio.

        opt = gc.contrib.opt.LARSOptimizer(0.1, momentum=0.9, skip_list=["bias"])
    """

    def __init__(self, learning_rate, momentum=0.9, weight_decay=0.0001, eeta=0.001,
                 epsilon=0.0, name="LARSOptimizer", skip_list=None, use_nesterov=False):
        if momentum < 0.0:
            raise ValueError(f"momentum should be positive: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"weight_decay should be positive: {weight_decay}")
        super().__init__(use_locking=False, name=name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._weight_decay = weight_decay
        self._eeta = eeta
        self._epsilon = epsilon
        self._skip_list = skip_list
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def compute_lr(self, grad, var):
        """lr * trust_ratio for var (lr alone for a variable in skip_list)."""
        lr = self._hyper("learning_rate", self._learning_rate, var.dtype)
        if self._skip_list is not None and any(s in var.name for s in self._skip_list):
            return lr
        w_norm, g_norm = norm(var, ord=2), norm(grad, ord=2)
        ratio = self._eeta * w_norm / (g_norm + self._weight_decay * w_norm + self._epsilon)
        one = core.constant(1.0, dtype=var.dtype)
        trust_ratio = where(el.greater(w_norm, 0.0),
                            where(el.greater(g_norm, 0.0), ratio, one), one)
        return lr * trust_ratio

    def _apply_dense(self, grad, var):
        return self._momentum_step(grad, var, self.compute_lr(grad, var), WHOLE)

    def _apply_sparse(self, grad, var):
        lr = self._hyper("learning_rate", self._learning_rate, var.dtype)
        return self._momentum_step(grad.values, var, lr, Rows(grad.indices))

    def _momentum_step(self, grad, var, lr, at):
        """TF's ApplyMomentum / SparseApplyMomentum with learning rate `lr`."""
        return momentum_step(self, grad, var, lr, at)


class MovingAverageOptimizer(Optimizer):
    """Wraps an optimizer and keeps an exponential moving average of every variable it
    trains (TF 1.15: tf.contrib.opt.MovingAverageOptimizer); swapping_saver() saves the
    averages under the variables' names, so that a model restored from it evaluates
    with the averages.

        opt = gc.contrib.opt.MovingAverageOptimizer(
            gc.train.MomentumOptimizer(0.1, 0.9), average_decay=0.999)
        train_op = opt.minimize(loss)       # a step, then (sequential_update) the averages
        saver = opt.swapping_saver()        # after minimize; use it while training

    As in TF, only compute_gradients, apply_gradients, minimize and swapping_saver work
    (the wrapper has no slots of its own: ask the wrapped optimizer).
    """

    def __init__(self, opt, average_decay=0.9999, num_updates=None,
                 sequential_update=True):
        # no Optimizer.__init__, as in TF: the wrapped optimizer holds the state
        self._optimizer = opt
        self._ema = ExponentialMovingAverage(average_decay, num_updates=num_updates)
        self._swapped_variable_name_map = None
        self._sequential_update = sequential_update

    def compute_gradients(self, *args, **kwargs):
        return self._optimizer.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The wrapped optimizer's step, then (sequential_update) the moving averages of
        the variables that got a gradient; one op, 'train_with_avg'."""
        grads_and_vars = list(grads_and_vars)
        train_op = self._optimizer.apply_gradients(grads_and_vars,
                                                   global_step=global_step, name=name)
        var_list = [v for g, v in grads_and_vars if g is not None]
        self._swapped_variable_name_map = {}
        graph = train_op.graph
        with graph.as_default():
            if self._sequential_update:
                with graph.control_dependencies([train_op]):
                    ma_op = self._ema.apply(var_list)
            else:
                ma_op = self._ema.apply(var_list)
            for v in var_list:
                avg = self._ema.average(v)
                self._swapped_variable_name_map[v.op.name] = avg.op.name
                self._swapped_variable_name_map[avg.op.name] = v.op.name
            return core.group(train_op, ma_op, name="train_with_avg")

    def _find_swapped_variable(self, v_name_to_tensor, v_name, tensor):
        swapped = self._swapped_variable_name_map.get(v_name)
        if swapped is None:
            return tensor
        if swapped not in v_name_to_tensor:
            raise ValueError(f"Variable to swap {swapped} is not part of variables to "
                             "save. This breaks MovingAverageOptimizer.")
        return v_name_to_tensor[swapped]

    def swapping_saver(self, var_list=None, name="swapping_saver", **kwargs):
        """A gc.train.Saver that writes each averaged variable's average under the
        variable's name and the variable under its average's name. Call it after
        minimize / apply_gradients (RuntimeError before).

            saver = opt.swapping_saver()
            saver.save(sess, "ckpt/model")      # "W" holds W's moving average
        """
        if self._swapped_variable_name_map is None:
            raise RuntimeError("Must call apply_gradients or minimize before creating "
                               "the swapping_saver")
        if var_list is None:
            var_list = global_variables()
        if not isinstance(var_list, dict):
            var_list = _op_list_to_dict(var_list)
        v_name_to_tensor = {}
        for k, v in var_list.items():
            if isinstance(v, (list, PartitionedVariable)):
                v_name_to_tensor.update((p.op.name, p) for p in v)
            else:
                v_name_to_tensor[k] = v
        swapped = {}
        for k, v in var_list.items():
            if isinstance(v, list):
                swapped[k] = [self._find_swapped_variable(v_name_to_tensor, p.op.name, p)
                              for p in v]
            else:
                swapped[k] = self._find_swapped_variable(v_name_to_tensor, k, v)
        return Saver(swapped, name=name, **kwargs)


def _op_list_to_dict(var_list):
    """{checkpoint name: Variable, or the list of a partitioned variable's parts} of a
    list of variables (TF's saveable_object_util.op_list_to_dict)."""
    out = {}
    for v in var_list:
        if isinstance(v, PartitionedVariable):
            out[v.name.split(":")[0]] = list(v)
            continue
        if not isinstance(v, Variable):
            raise TypeError(f"swapping_saver: var_list holds {type(v).__name__} {v!r}; "
                            "it takes gc.Variables")
        info = slice_info(v)
        if info is not None:
            out.setdefault(info.full_name, []).append(v)
        elif v.op.name in out:
            raise ValueError(f"At least two variables have the same name: {v.op.name}")
        else:
            out[v.op.name] = v
    return out
