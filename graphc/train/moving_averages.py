"""ExponentialMovingAverage (TF1 1.15 tf.train.ExponentialMovingAverage).

Shadow variables follow each variable (or tensor) they average:

    shadow -= (1 - decay) * (shadow - value)     (= decay * shadow + (1 - decay) * value)

A Variable's shadow starts at the variable's initialized_value() (its current value when
it has one, e.g. restored weights, else its initial value); a tensor's starts at zero
and, with zero_debias=True, is corrected for that start as Adam corrects its moments.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..ops import core, elementwise as el
from ..ops.graphkeys import GraphKeys
from ..ops.scope import get_variable_scope
from ..ops.state import Variable, global_variables, trainable_variables

__all__ = ["ExponentialMovingAverage", "assign_moving_average"]


class ExponentialMovingAverage:
    """Moving averages of variables, kept in shadow variables (TF1).

        ema = gc.train.ExponentialMovingAverage(decay=0.999)
        with gc.control_dependencies([train_op]):
            train_op = ema.apply([W, b])        # one step, then the averages follow
        W_avg = ema.average(W)                  # the Variable 'W/ExponentialMovingAverage'

    With num_updates (typically the global step) the decay used is
    min(decay, (1 + num_updates) / (10 + num_updates)), so early averages move faster.
    zero_debias=True debiases the averages of tensors (not Variables), as TF1 does.
    A Python decay is a constant of each variable's dtype (TF1 makes it float32 first).
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}     # Variable or Tensor -> its shadow Variable

    @property
    def name(self):
        """The name of this ExponentialMovingAverage (it names the shadow variables)."""
        return self._name

    def apply(self, var_list=None):
        """The op that moves the average of each of `var_list` (default: the trainable
        variables) one step towards its current value; makes the shadow variables on
        the first call for each. Build it before gc.global_variables_initializer().

            maintain_averages = ema.apply([W, b])
        """
        var_list = trainable_variables() if var_list is None else list(var_list)
        for var in var_list:
            _check_averaged(var)
        # as in TF1, a tensor's average is debiased only by the apply() that makes it
        debiased = set()
        for var in var_list:
            if var not in self._averages:
                if isinstance(var, Variable):
                    avg = _shadow(var, self._name, var.initialized_value())
                    var.graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                else:
                    avg = _shadow(var, self._name, np.zeros(var.shape._dims, var.dtype.np))
                    if self._zero_debias:
                        debiased.add(avg)
                self._averages[var] = avg
        from .optimizer import _building_in     # apply() in a cond branch: updates there
        graph = _building_in(var_list[0].graph) if var_list else get_default_graph()
        with graph.as_default(), graph.name_scope(self._name) as scope:
            rates = {}          # dtype -> 1 - decay, as TF1's assign_moving_average gets it
            updates = []
            for var in var_list:
                avg = self._averages[var]
                with graph.name_scope("AssignMovingAvg") as update_scope:
                    if var.dtype not in rates:
                        rates[var.dtype] = self._one_minus_decay(var.dtype)
                    rate = rates[var.dtype]
                    if avg in debiased:
                        updates.append(_zero_debias(avg, var, rate, update_scope))
                    else:
                        updates.append(avg.assign_sub((avg - var) * rate, name=update_scope))
            return core.group(*updates, name=scope)

    def _one_minus_decay(self, dtype):
        """1 - decay, decay lowered to (1 + n) / (10 + n) with num_updates n: in float32
        (TF1's), then cast to `dtype` (float16's 0.9999 would round to 1 first)."""
        decay = _as(self._decay, dtypes.float32, "decay")
        if self._num_updates is not None:
            n = _as(self._num_updates, dtypes.float32, "num_updates")
            decay = el.minimum(decay, (1.0 + n) / (10.0 + n))
        rate = 1.0 - decay
        return rate if dtype is dtypes.float32 else el.cast(rate, dtype)

    def average(self, var):
        """The shadow Variable of `var`, or None if apply() has not been given it.

            W_avg = ema.average(W)
        """
        return self._averages.get(var)

    def average_name(self, var):
        """The name of `var`'s shadow variable ('W/ExponentialMovingAverage'), also
        before apply(): what a Saver maps to `var` to load the average into it.

            saver = gc.train.Saver({ema.average_name(W): W})
        """
        if var in self._averages:
            return self._averages[var].node.name
        graph = var.graph
        with graph.name_scope(""):
            return graph.unique_name(f"{var.node.name}/{self._name}", mark_as_used=False)

    def variables_to_restore(self, moving_avg_variables=None):
        """{checkpoint name: Variable} that restores each of `moving_avg_variables`
        (default: the trainable variables and the "moving_average_variables"
        collection) from its average, and every other global variable from itself.

            saver = gc.train.Saver(ema.variables_to_restore())
            saver.restore(sess, path)           # the model now holds the averages
        """
        graph = get_default_graph()
        if moving_avg_variables is None:
            moving_avg_variables = (trainable_variables()
                                    + graph.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES))
        averaged = list(dict.fromkeys(moving_avg_variables))
        name_map = {self.average_name(v): v for v in averaged}
        names = {v.node.name for v in averaged}
        for v in dict.fromkeys(global_variables()):
            if v.node.name not in names and v.node.name not in name_map:
                name_map[v.node.name] = v
        return name_map


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """The op that moves `variable` one step towards `value`:
    variable -= (variable - value) * (1 - decay), debiased for a zero start with
    zero_debias (TF1's tensorflow/python/training/moving_averages.py, which custom
    batch norm and sonnet's VectorQuantizerEMA import).

        from graphc.train import moving_averages
        update = moving_averages.assign_moving_average(moving_mean, mean, 0.99)
    """
    graph = variable.graph
    with graph.as_default(), graph.name_scope(name or "AssignMovingAvg") as scope:
        rate = 1.0 - decay if isinstance(decay, Tensor) else \
            core.constant(1.0 - decay, dtype=dtypes.float32, name="decay")  # (TF1's order)
        if rate.dtype is not variable.dtype.base_dtype:
            rate = el.cast(rate, variable.dtype.base_dtype)
        value = core.convert_to_tensor(value, dtype=variable.dtype.base_dtype)
        if zero_debias:
            return _zero_debias(variable, value, rate, scope)
        return variable.assign_sub((variable - value) * rate, name=scope)


def _check_averaged(var):
    if not isinstance(var, Tensor):
        raise TypeError(f"ExponentialMovingAverage.apply: var_list takes Variables and "
                        f"Tensors, got {type(var).__name__} {var!r}")
    if not var.dtype.is_floating:
        raise errors.DTypeError(f"ExponentialMovingAverage.apply: the variables must be "
                                f"half, float, or double\n  "
                                f"{errors.describe_tensor(var, var.name)}")
    if not isinstance(var, Variable) and not var.shape.is_fully_defined():
        raise errors.ShapeError(f"ExponentialMovingAverage.apply: the average of a tensor "
                                f"starts at zeros of its shape, which must be fully "
                                f"known\n  {errors.describe_tensor(var, var.name)}")


def _shadow(var, name, initial_value):
    """A non-trainable Variable '<scope>/<var>/<name>' (<scope>: the current variable
    scope, as TF's slot_creator names it) made outside any dependency."""
    graph = var.graph
    scope = get_variable_scope().name
    prefix = scope + "/" if scope else ""
    with graph.as_default(), graph.name_scope(""), graph.control_dependencies(None):
        return Variable(initial_value, trainable=False,
                        name=f"{prefix}{var.node.name}/{name}", dtype=var.dtype)


def _as(value, dtype, name):
    if isinstance(value, Tensor):
        return value if value.dtype is dtype else el.cast(value, dtype, name=name)
    return core.constant(value, dtype=dtype, name=name)


def _zero_debias(avg, value, rate, name):
    """TF1's _zero_debias: a biased average and a step count beside `avg`, which gets
    biased / (1 - (1 - rate)^step); `rate` is 1 - decay."""
    graph = avg.graph
    zeros = np.zeros(avg.shape._dims, avg.dtype.np)
    with graph.name_scope(""), graph.control_dependencies(None):
        biased = Variable(zeros, trainable=False, name=f"{avg.node.name}/biased")
        local_step = Variable(np.zeros((), avg.dtype.np), trainable=False,
                              name=f"{avg.node.name}/local_step")
    update_biased = biased.assign_sub((biased - value) * rate)
    update_local_step = local_step.assign_add(1.0)
    bias_factor = 1.0 - el.pow(1.0 - rate, update_local_step)
    return avg.assign(update_biased / bias_factor, name=name)
