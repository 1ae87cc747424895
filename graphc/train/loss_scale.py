"""TF1's loss scaling for mixed precision (tf.compat.v1.mixed_precision, also
tf.train.experimental): LossScale objects, MixedPrecisionLossScaleOptimizer and
enable_mixed_precision_graph_rewrite.

    opt = gc.train.experimental.enable_mixed_precision_graph_rewrite(
        gc.train.AdamOptimizer(1e-3))              # dynamic loss scaling
    train_op = opt.minimize(loss)

The loss is multiplied by the loss scale before differentiating and each gradient
divided by it; a DynamicLossScale halves the scale and skips the step when a gradient is
not finite, and doubles it after `increment_period` finite steps.

TF's graph rewrite (Grappler's auto_mixed_precision) casts ops to float16 only on a GPU;
on a CPU-only machine TF leaves the graph as it is, and so does graphc, which always
runs on the CPU: enable_mixed_precision_graph_rewrite switches the option on (as TF,
gc.config.optimizer.get_experimental_options() shows it) and wraps the optimizer, and
graphc logs once that no float16 rewrite happens, as TF logs that it found no GPU.
"""
import logging

from ..graph import get_default_graph
from ..ops import control, core
from ..ops.cast import cast
from ..ops.elementwise import is_finite, maximum
from ..ops.join import stack
from ..ops.reduce import reduce_all
from ..ops.state import Variable
from .optimizer import Optimizer, checked_loss

__all__ = ["LossScale", "FixedLossScale", "DynamicLossScale",
           "MixedPrecisionLossScaleOptimizer", "enable_mixed_precision_graph_rewrite",
           "disable_mixed_precision_graph_rewrite"]

_LOG = logging.getLogger("graphc")
_STATE = {"rewrite": False}


class LossScale:
    """The base of loss scales: calling one gives the scale (a float32 scalar tensor);
    update(grads) gives (the op updating it, whether to apply the gradients)."""

    def __init__(self):
        self._weights = {}                  # (name, graph) -> Variable

    def __call__(self):
        raise NotImplementedError

    def update(self, grads):
        raise NotImplementedError

    def _add_weight(self, name, initial_value, dtype):
        graph = get_default_graph()
        if (name, graph) in self._weights:
            raise RuntimeError(f"Duplicate variables detected. {(name, graph)}")
        var = Variable(initial_value, name=name, dtype=dtype, trainable=False)
        self._weights[(name, graph)] = var
        return var

    def get_config(self):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class FixedLossScale(LossScale):
    """A constant loss scale (a Python number, at least 1); never skips a step.

        opt = gc.train.experimental.MixedPrecisionLossScaleOptimizer(
            gc.train.GradientDescentOptimizer(0.1), loss_scale=128)
    """

    def __init__(self, loss_scale_value):
        super().__init__()
        if isinstance(loss_scale_value, bool) or \
                not isinstance(loss_scale_value, (int, float)):
            raise ValueError("loss_scale_value must be a Python int or float.")
        if loss_scale_value < 1:
            raise ValueError("loss_scale_value must be at least 1.")
        self._loss_scale_value = float(loss_scale_value)

    def __call__(self):
        return core.constant(self._loss_scale_value)

    def update(self, grads):
        return core.no_op(), True

    def __repr__(self):
        return f"FixedLossScale({self._loss_scale_value})"

    def get_config(self):
        return {"loss_scale_value": self._loss_scale_value}


class DynamicLossScale(LossScale):
    """A loss scale that starts at `initial_loss_scale`, is multiplied by `multiplier`
    after `increment_period` steps in a row with finite gradients, and divided by it
    (not below 1) at a step with a non-finite gradient, which is skipped. Its state is
    two non-trainable variables, 'current_loss_scale' (float32) and 'good_steps'
    (int64).

        scale = gc.train.experimental.DynamicLossScale(initial_loss_scale=2 ** 10)
    """

    def __init__(self, initial_loss_scale=2 ** 15, increment_period=2000, multiplier=2.0):
        super().__init__()
        self._initial_loss_scale = float(initial_loss_scale)
        self._increment_period = int(increment_period)
        self._multiplier = float(multiplier)
        self._current_loss_scale = self._add_weight(
            "current_loss_scale", self._initial_loss_scale, "float32")
        self._num_good_steps = self._add_weight("good_steps", 0, "int64")

    initial_loss_scale = property(lambda self: self._initial_loss_scale)
    increment_period = property(lambda self: self._increment_period)
    multiplier = property(lambda self: self._multiplier)

    def __call__(self):
        return core.identity(self._current_loss_scale)

    def update(self, grads):
        """(op, is_finite): with finite grads, count the step and grow the scale every
        increment_period steps (keeping it if the product overflows); else shrink it
        and reset the count."""
        scale, good = self._current_loss_scale, self._num_good_steps
        finite = all_finite(grads)

        def grow():
            bigger = scale * self._multiplier
            keep = control.cond(is_finite(bigger),
                                lambda: scale.assign(bigger).node, core.no_op)
            return core.group(keep, good.assign(0))

        def when_finite():
            return control.cond(good + 1 >= self._increment_period, grow,
                                lambda: good.assign_add(1).node)

        def when_not_finite():
            return core.group(good.assign(0),
                                 scale.assign(maximum(scale / self._multiplier,
                                                               1.0)))
        return control.cond(finite, when_finite, when_not_finite), finite

    def __repr__(self):
        return (f"DynamicLossScale(initial_loss_scale={self._initial_loss_scale}, "
                f"increment_period={self._increment_period}, "
                f"multiplier={self._multiplier})")

    def get_config(self):
        return {"initial_loss_scale": self._initial_loss_scale,
                "increment_period": self._increment_period,
                "multiplier": self._multiplier}


def all_finite(grads, name=None):
    """Whether every gradient (an IndexedSlices' values) is finite: a bool scalar; None
    gradients are skipped (the Keras LossScaleOptimizer shares it)."""
    from ..indexed_slices import IndexedSlices
    checks = [reduce_all(is_finite(
        g.values if isinstance(g, IndexedSlices) else g)) for g in grads if g is not None]
    return reduce_all(stack(checks), name=name) if checks else core.constant(True)


def get(identifier):
    """A LossScale from a number (fixed), "dynamic", a LossScale or None."""
    if isinstance(identifier, (int, float)) and not isinstance(identifier, bool):
        return FixedLossScale(identifier)
    if isinstance(identifier, str) and identifier == "dynamic":
        return DynamicLossScale()
    if identifier is None or isinstance(identifier, LossScale):
        return identifier
    raise ValueError(f"Could not interpret loss scale identifier: {identifier}")


class MixedPrecisionLossScaleOptimizer(Optimizer):
    """`opt` with loss scaling: compute_gradients differentiates loss * scale and
    divides the gradients by scale; with a DynamicLossScale apply_gradients updates
    the scale and applies the gradients (and increments global_step) only when all
    are finite.

        opt = gc.train.experimental.MixedPrecisionLossScaleOptimizer(
            gc.train.AdamOptimizer(1e-3), "dynamic")
    """

    def __init__(self, opt, loss_scale):
        if not isinstance(opt, Optimizer):
            raise ValueError(f'"opt" must be an instance of Optimizer, but got: '
                             f'{type(opt)}')
        super().__init__(opt._use_locking, opt.get_name())
        self._optimizer = opt
        self._loss_scale = get(loss_scale)
        if self._loss_scale is None:
            raise ValueError("loss_scale cannot be None")

    def compute_gradients(self, loss, var_list=None, gate_gradients=Optimizer.GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """[(gradient, variable)] of loss * scale, each gradient divided by scale."""
        scale = self._loss_scale()
        loss = checked_loss(loss)
        pairs = self._optimizer.compute_gradients(
            loss * cast(scale, loss.dtype), var_list=var_list,
            gate_gradients=gate_gradients, aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        reciprocal = 1 / scale
        return [(None if g is None else _scale(g, reciprocal), v) for g, v in pairs]

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The wrapped optimizer's update, run only when the gradients are all finite
        (with a dynamic loss scale), grouped with the loss scale's update."""
        if not isinstance(self._loss_scale, DynamicLossScale):
            return self._optimizer.apply_gradients(grads_and_vars, global_step, name)
        pairs = list(grads_and_vars)
        name = name if name is not None else self.get_name()
        live = [v for g, v in pairs if g is not None]
        if live:                        # slots made outside the branch that uses them
            with live[0].graph.as_default():
                self._optimizer._create_slots(live)
        update, finite = self._loss_scale.update([g for g, _ in pairs])
        apply = control.cond(
            finite, lambda: self._optimizer.apply_gradients(pairs, global_step,
                                                            name + "-wrapped"),
            core.no_op)
        return core.group(apply, update, name=name)

    def get_slot(self, var, name):
        return self._optimizer.get_slot(var, name)

    def get_slot_names(self):
        return self._optimizer.get_slot_names()

    def variables(self):
        """The wrapped optimizer's variables, then the loss scale's."""
        graph = get_default_graph()
        return self._optimizer.variables() + [
            v for (_, g), v in self._loss_scale._weights.items() if g is graph]

    def _apply_dense(self, grad, var):
        raise RuntimeError("This function should never be called")


def _scale(g, factor):
    from ..indexed_slices import IndexedSlices
    if isinstance(g, IndexedSlices):
        return IndexedSlices(g.values * cast(factor, g.values.dtype), g.indices,
                             g.dense_shape)
    return g * cast(factor, g.dtype)


def enable_mixed_precision_graph_rewrite(opt, loss_scale="dynamic"):
    """`opt` wrapped in a MixedPrecisionLossScaleOptimizer, with the auto_mixed_precision
    graph option on (TF1). graphc runs on the CPU, where TF's rewrite to float16 does
    nothing; graphc does not rewrite either and says so once in its log.

        opt = gc.train.experimental.enable_mixed_precision_graph_rewrite(opt)
    """
    from ..keras.mixed_precision import global_policy
    if global_policy().name.startswith("mixed"):
        raise ValueError('The mixed precision graph rewrite cannot be enabled, because '
                         f'the global Keras dtype Policy is "{global_policy().name}". '
                         'Only one of the two kinds of mixed precision can be used at a '
                         'time.')
    if isinstance(opt, MixedPrecisionLossScaleOptimizer):
        raise ValueError('"opt" must not already be an instance of a '
                         'MixedPrecisionLossScaleOptimizer. You do not need to call '
                         'enable_mixed_precision_graph_rewrite() with such an optimizer.')
    if not isinstance(opt, Optimizer):
        raise ValueError(f'"opt" must be an instance of a tf.train.Optimizer, but got: '
                         f'{type(opt)}')
    opt = MixedPrecisionLossScaleOptimizer(opt, loss_scale)
    _set_rewrite(True)
    if not _STATE.get("logged"):
        _STATE["logged"] = True
        _LOG.warning("enable_mixed_precision_graph_rewrite: graphc runs on the CPU, where "
                     "(as in TF without a GPU) the float16 rewrite does not apply; loss "
                     "scaling does")
    return opt


def disable_mixed_precision_graph_rewrite():
    """Turn the auto_mixed_precision graph option off again (TF1)."""
    if not _STATE["rewrite"]:
        _LOG.warning("disable_mixed_precision_graph_rewrite() called when mixed "
                     "precision is already disabled.")
    _set_rewrite(False)


def _set_rewrite(on):
    from .. import config
    _STATE["rewrite"] = on
    config.optimizer.set_experimental_options({"auto_mixed_precision": on})


# the namespaces TF1 exports these from: tf.train.experimental and tf.mixed_precision
# (with its .experimental, which keeps the three LossScale classes)
from ..namespaces import _namespace  # noqa: E402

experimental = _namespace(
    "train.experimental", "tf.compat.v1.train.experimental: loss scaling.", __all__,
    globals())
mixed_precision = _namespace(
    "mixed_precision", "tf.compat.v1.mixed_precision: loss scaling.", __all__, globals())
mixed_precision.experimental = _namespace(
    "mixed_precision.experimental", "tf.compat.v1.mixed_precision.experimental.",
    ["LossScale", "FixedLossScale", "DynamicLossScale"], globals())
