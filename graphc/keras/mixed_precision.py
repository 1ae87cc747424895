"""gc.keras.mixed_precision (tf_keras' keras.mixed_precision, graph mode): Policy,
global_policy, set_global_policy and LossScaleOptimizer.

    opt = gc.keras.mixed_precision.LossScaleOptimizer(gc.keras.optimizers.Adam(1e-3))
    train_op = opt.minimize(loss)      # loss * scale; gradients / scale; a step with an
                                       # inf or nan gradient is skipped, the scale halved

LossScaleOptimizer is a gc.train.Optimizer (so Model.compile takes it). A dynamic loss
scale starts at 2**15, doubles after `dynamic_growth_steps` (2000) finite steps in a
row, and halves (not below 1) at a step with a non-finite gradient; that step leaves the
variables and the optimizer's slots as they were, and counts in `iterations`, as in TF.

Layers follow their policy (graphc/keras/engine_dtype.py): under 'mixed_float16' they
cast floating inputs to float16 and read their float32 variables as float16 in `call`
(see docs/config-and-mixed-precision.md). graphc has no bfloat16, so 'mixed_bfloat16'
is a Policy but no layer or global policy takes it.
"""
import numpy as np

import graphc as gc
from .. import dtypes
from ..indexed_slices import IndexedSlices
from ..train.loss_scale import all_finite
from ..train.optimizer import Optimizer
from . import backend as K
from .optimizers import keras_minimize

__all__ = ["Policy", "global_policy", "set_global_policy", "LossScaleOptimizer"]

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_STATE = {"policy": None}


class Policy:
    """A dtype policy (tf.keras.mixed_precision.Policy(name)): the dtype of a layer's
    computations and of its variables. 'mixed_float16' computes in float16 with float32
    variables ('mixed_bfloat16' likewise); a dtype name ('float32') uses it for both;
    '_infer' takes the dtype of the first input.

        p = gc.keras.mixed_precision.Policy("mixed_float16")
        p.compute_dtype, p.variable_dtype               # ('float16', 'float32')
    """

    def __init__(self, name):
        if isinstance(name, dtypes.DType):
            raise TypeError(f"'name' must be a string, not a DType. Instead, pass "
                            f"DType.name. Received: name={name.name}")
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, but got: {name}")
        self._name = name
        if name in _MIXED:
            self._compute, self._variable = _MIXED[name], "float32"
        elif name == "_infer":
            self._compute = self._variable = None
        else:
            try:
                dtype = dtypes.as_dtype(name).name
            except (TypeError, ValueError, KeyError):
                raise ValueError(f"Cannot convert value {name} to a mixed precision "
                                 f"Policy. Valid policies include 'mixed_float16', "
                                 f"'mixed_bfloat16', and the name of any dtype such as "
                                 f"'float32'.") from None
            self._compute = self._variable = dtype

    name = property(lambda self: self._name, doc="The policy's name ('mixed_float16').")
    compute_dtype = property(lambda self: self._compute,
                             doc="The dtype of the layer's computations (a string).")
    variable_dtype = property(lambda self: self._variable,
                              doc="The dtype of the layer's variables (a string).")

    def __repr__(self):
        return f'<Policy "{self._name}">'

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The policy of get_config's {'name': ...}."""
        return cls(**{k: v for k, v in config.items() if k == "name"})


def global_policy():
    """The policy layers get when built without a dtype: set_global_policy's, else the
    policy of Keras' floatx ('float32'), or '_infer' under V1 dtype behaviour
    (gc.keras.layers.disable_v2_dtype_behavior), as TF.

        gc.keras.mixed_precision.global_policy()            # <Policy "float32">
    """
    from .engine_dtype import v2_dtype_behavior_enabled
    if _STATE["policy"] is None:
        return Policy(K.floatx() if v2_dtype_behavior_enabled() else "_infer")
    return _STATE["policy"]


def set_global_policy(policy):
    """Sets the global policy (a Policy or its name; None: back to floatx's), the
    default of layers made afterwards. As TF, only floating-point policies (or '_infer')
    are taken, and only under V2 dtype behaviour (the default).

        gc.keras.mixed_precision.set_global_policy("mixed_float16")
        gc.keras.layers.Dense(3).compute_dtype              # 'float16'
    """
    from .engine_dtype import v2_dtype_behavior_enabled
    if not v2_dtype_behavior_enabled():
        raise ValueError("The global policy can only be set in TensorFlow 2 or if V2 "
                         "dtype behavior has been set. To enable V2 dtype behavior, call "
                         "\"tf.compat.v1.keras.layers.enable_v2_dtype_behavior()\"")
    if policy is None:
        _STATE["policy"] = None
        return
    if not isinstance(policy, Policy):
        policy = Policy(policy)
    _check_supported(policy)
    if policy.compute_dtype is not None and not dtypes.as_dtype(
            policy.compute_dtype).is_floating:
        raise ValueError(f"set_global_policy can only be used to set the global policy to "
                         f"floating-point policies, such as \"float32\" and "
                         f"\"mixed_float16\", but got policy: {policy.name}")
    _STATE["policy"] = policy


def _check_supported(policy):
    """graphc has no bfloat16: a layer cannot compute in it."""
    if policy.compute_dtype == "bfloat16":
        raise NotImplementedError(
            f"Policy {policy.name!r}: graphc has no bfloat16 dtype, so layers cannot "
            f"compute in it; use 'mixed_float16'")


# ---- loss scaling --------------------------------------------------------------------------
class LossScaleOptimizer(Optimizer):
    """An optimizer that scales the loss up before differentiating and the gradients
    down after (tf.keras.mixed_precision.LossScaleOptimizer(inner_optimizer,
    dynamic=True, initial_scale=None, dynamic_growth_steps=None)).

        opt = gc.keras.mixed_precision.LossScaleOptimizer(gc.keras.optimizers.SGD(0.1))
        train_op = opt.minimize(loss)
        scaled = opt.get_scaled_loss(loss)                      # loss * loss_scale

    dynamic: the scale is a variable 'current_loss_scale' (initial 2**15) with a counter
    'good_steps'; else initial_scale is the fixed scale. Attributes it does not have
    (lr, iterations, ...) are the inner optimizer's.
    """

    def __init__(self, inner_optimizer, dynamic=True, initial_scale=None,
                 dynamic_growth_steps=None):
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(f"\"inner_optimizer\" must be an instance of "
                            f"`tf.keras.optimizers.Optimizer` or `tf.keras.optimizers."
                            f"experimental.Optimizer`, but got: {inner_optimizer}.")
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise TypeError(f"LossScaleOptimizer cannot wrap another LossScaleOptimizer, "
                            f"but got: {inner_optimizer}")
        if not isinstance(dynamic, bool):
            raise TypeError(f"\"dynamic\" argument to LossScaleOptimizer.__init__ must be "
                            f"a bool, but got: {dynamic!r}")
        if dynamic:
            initial_scale = 2.0 ** 15 if initial_scale is None else float(initial_scale)
            dynamic_growth_steps = (2000 if dynamic_growth_steps is None
                                    else int(dynamic_growth_steps))
        else:
            if initial_scale is None:
                raise ValueError("\"initial_scale\" must be specified if \"dynamic\" is "
                                 "False")
            if dynamic_growth_steps is not None:
                raise ValueError(f"\"dynamic_growth_steps\" must be None if \"dynamic\" is "
                                 f"False, but got: {dynamic_growth_steps}")
            initial_scale = float(initial_scale)
        super().__init__(False, "LossScaleOptimizer")
        self._optimizer = inner_optimizer
        self._dynamic, self._initial_scale = dynamic, initial_scale
        self._growth_steps = dynamic_growth_steps
        self._scale_vars = {}         # graph -> (current_loss_scale, good_steps)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.__dict__["_optimizer"], name)

    inner_optimizer = property(lambda self: self._optimizer,
                               doc="The optimizer whose steps this one scales.")
    dynamic = property(lambda self: self._dynamic)
    initial_scale = property(lambda self: self._initial_scale)
    dynamic_growth_steps = property(lambda self: self._growth_steps)

    def _state(self):
        """(current_loss_scale, good_steps) of the default graph, made on first use."""
        graph = gc.get_default_graph()
        if graph not in self._scale_vars:
            with graph.name_scope(""), graph.control_dependencies(None):
                self._scale_vars[graph] = (
                    gc.Variable(np.float32(self._initial_scale), trainable=False,
                                name="current_loss_scale"),
                    gc.Variable(np.int64(0), trainable=False, name="good_steps"))
        return self._scale_vars[graph]

    @property
    def loss_scale(self):
        """The current loss scale, a float32 scalar tensor."""
        if not self._dynamic:
            return gc.constant(np.float32(self._initial_scale), name="loss_scale")
        return self._state()[0].read_value()

    @property
    def dynamic_counter(self):
        """The variable counting finite steps since the scale last changed (None if
        not dynamic)."""
        return self._state()[1] if self._dynamic else None

    def get_scaled_loss(self, loss):
        """loss * loss_scale (a callable loss: a callable returning that)."""
        if callable(loss) and not isinstance(loss, gc.Tensor):
            return lambda: self.get_scaled_loss(loss())
        loss = gc.convert_to_tensor(loss)
        return loss * gc.cast(self.loss_scale, loss.dtype)

    def get_unscaled_gradients(self, grads):
        """Each gradient / loss_scale (None stays None; IndexedSlices keep indices)."""
        scale = self.loss_scale
        inverse = gc.reciprocal(scale)
        out = []
        for g in grads:
            if g is None:
                out.append(None)
            elif isinstance(g, IndexedSlices):
                out.append(IndexedSlices(g.values * gc.cast(inverse, g.values.dtype),
                                         g.indices, g.dense_shape))
            else:
                g = gc.convert_to_tensor(g)
                out.append(g * gc.cast(inverse, g.dtype))
        return out

    def minimize(self, loss, var_list=None, grad_loss=None, name=None, tape=None,
                 **tf1_keywords):
        """Keras' minimize(loss, var_list, grad_loss=None, name=None, tape=None) of the
        scaled loss (see gc.keras.optimizers.SGD.minimize)."""
        return keras_minimize(super(), loss, var_list, grad_loss, name, tf1_keywords)

    def compute_gradients(self, loss, var_list=None, gate_gradients=Optimizer.GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """The inner optimizer's gradients of the scaled loss, unscaled."""
        if callable(loss) and not isinstance(loss, gc.Tensor):
            loss = loss()
        pairs = self._optimizer.compute_gradients(
            self.get_scaled_loss(loss), var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        grads = self.get_unscaled_gradients([g for g, _ in pairs])
        return list(zip(grads, [v for _, v in pairs]))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The inner optimizer's step; with a dynamic scale, the scale's update too, and
        a step with a non-finite gradient leaves variables and slots as they were."""
        pairs = [(g, v) for g, v in tuple(grads_and_vars)]
        if not self._dynamic:
            return self._optimizer.apply_gradients(pairs, global_step=global_step,
                                                   name=name)
        return self._guarded_step(pairs, global_step, name)

    def _guarded_step(self, pairs, global_step, name):
        """The inner step on finite gradients (a non-finite one: zeros), then each
        variable and slot set back to its value before the step unless all gradients
        are finite; the scale and its counter updated as TF's dynamic loss scale."""
        graph = next(v for _, v in pairs).graph
        with graph.as_default():
            scale, counter = self._state()
            live = [(g, v) for g, v in pairs if g is not None]
            if not live:
                raise ValueError("No gradients provided for any variable: "
                                 + ", ".join(v.node.name for _, v in pairs))
            with gc.name_scope("loss_scale"):
                finite = all_finite([g for g, _ in live], name="is_finite")
                safe = [(_zero_unless(finite, g), v) for g, v in live]
            self._optimizer._create_slots([v for _, v in live])
            # the variables and their slots go back; non-slot accumulators (Adam's beta
            # powers) advance, as TF's `iterations` does on a skipped step
            inner = self._optimizer
            state = [v for _, v in live] + [
                inner.get_slot(v, n) for _, v in live for n in inner.get_slot_names()
                if inner.get_slot(v, n) is not None]
            with gc.name_scope("snapshot"):
                before = [gc.identity(v) for v in state]
            with graph.control_dependencies(before):
                step = self._optimizer.apply_gradients(safe, global_step=global_step,
                                                       name=name)
            with graph.control_dependencies([step]), gc.name_scope("keep_if_finite"):
                kept = [v.assign(gc.where_v2(finite, gc.identity(v), old))
                        for v, old in zip(state, before)]
            with graph.control_dependencies(kept), gc.name_scope("update_loss_scale"):
                grow = (counter + 1) >= self._growth_steps
                doubled = scale * 2.0
                up = gc.where_v2(grow & gc.is_finite(doubled), doubled, scale)
                down = gc.maximum(scale / 2.0, 1.0)
                new_counter = gc.where_v2(finite & gc.logical_not(grow), counter + 1,
                                          gc.zeros_like(counter))
                updates = [counter.assign(new_counter),
                           scale.assign(gc.where_v2(finite, up, down))]
            return gc.group(step, *kept, *updates, name=(name or self._name))

    def get_slot(self, var, name):
        return self._optimizer.get_slot(var, name)

    def get_slot_names(self):
        return self._optimizer.get_slot_names()

    def variables(self):
        """The inner optimizer's variables and the loss scale's."""
        graph = gc.get_default_graph()
        own = list(self._scale_vars.get(graph, ()))
        return self._optimizer.variables() + own

    def get_config(self):
        from . import optimizers
        return {"inner_optimizer": optimizers.serialize(self._optimizer),
                "dynamic": self._dynamic, "initial_scale": self._initial_scale,
                "dynamic_growth_steps": self._growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The optimizer of get_config (the inner one deserialized)."""
        from . import optimizers
        config = dict(config)
        inner = config.pop("inner_optimizer")
        if isinstance(inner, dict):
            inner = optimizers.deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config)


def _zero_unless(finite, g):
    """g where all gradients are finite, else zeros (the inner step is undone anyway)."""
    if isinstance(g, IndexedSlices):
        return IndexedSlices(gc.where_v2(finite, g.values, gc.zeros_like(g.values)),
                             g.indices, g.dense_shape)
    return gc.where_v2(finite, g, gc.zeros_like(g))


def wrap_for_policy(model, optimizer):
    """Model.compile's optimizer under a 'mixed_float16' model policy: wrapped in a
    LossScaleOptimizer unless it is one (tf_keras' Model._set_optimizer)."""
    policy = getattr(model, "dtype_policy", None)
    if policy is None or policy.name != "mixed_float16" or isinstance(
            optimizer, LossScaleOptimizer):
        return optimizer
    if isinstance(optimizer, (list, tuple)):
        raise ValueError(f"When the \"mixed_float16\" dtype policy is used, you can only "
                         f"pass a single optimizer. Using policy {policy} and got "
                         f"optimizers: {optimizer}")
    return LossScaleOptimizer(optimizer)
