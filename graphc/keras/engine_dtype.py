"""The dtype side of gc.keras' Layer (engine.py): each layer's dtype policy
(keras.mixed_precision.Policy), the autocast of its floating inputs to the policy's
compute dtype, the reads of its variables in that dtype inside `call` (tf_keras'
AutoCastVariable, which in graph mode is a cast of the variable's value), and TF1's V1
dtype behaviour (a layer without a dtype takes its first input's dtype).

    gc.keras.mixed_precision.set_global_policy("mixed_float16")
    d = gc.keras.layers.Dense(3)        # d.dtype 'float32', d.compute_dtype 'float16'
    y = d(x)                            # x cast to float16, kernel read as float16

How a variable is read in the compute dtype: while a layer's `call` runs, each of its
attributes (and its sublayers' attributes) that holds a variable made by `add_weight`
under a mixed policy holds a cast of that variable instead; the attribute gets the
variable back when `call` returns. A sublayer called through `__call__` re-casts from
the variable to its own compute dtype, as TF's enable_auto_cast_variables scope does.
"""
import contextlib

import graphc as gc
from . import mixed_precision as mp

__all__ = ["enable_v2_dtype_behavior", "disable_v2_dtype_behavior"]

_V2 = {"enabled": True}
_READS = {}         # id(cast read) -> (read, variable), while a call that made it runs


def enable_v2_dtype_behavior():
    """TF 2's layer dtypes (tf.compat.v1.keras.layers.enable_v2_dtype_behavior(), the
    default): a layer without a dtype takes the global policy (Keras' floatx unless
    set_global_policy set one) and casts its floating inputs to its compute dtype.

        gc.keras.layers.enable_v2_dtype_behavior()
        gc.keras.layers.Flatten().dtype                      # 'float32'
    """
    _V2["enabled"] = True


def disable_v2_dtype_behavior():
    """TF 1.x's layer dtypes (tf.compat.v1.keras.layers.disable_v2_dtype_behavior(); also
    set by gc.compat.v1.disable_v2_behavior(), as in TF): a layer made without a dtype
    takes the dtype of its first input when first called (a Dense on float64 inputs
    builds float64 variables; an Embedding keeps floatx) and does not cast its inputs;
    set_global_policy then raises ValueError, as in TF.

        gc.keras.layers.disable_v2_dtype_behavior()
        gc.keras.layers.Dense(3)(x64).dtype                  # float64
    """
    _V2["enabled"] = False


def v2_dtype_behavior_enabled():
    """Whether layers follow TF 2's dtype behaviour (see enable_v2_dtype_behavior)."""
    return _V2["enabled"]


def policy_of(dtype):
    """The Policy of a layer's `dtype` argument: a Policy, its config dict, a policy or
    dtype name, a DType; None: the global policy ('_infer' under V1 behaviour)."""
    if isinstance(dtype, mp.Policy):
        policy = dtype
    elif isinstance(dtype, dict):
        policy = mp.Policy.from_config(dtype.get("config", dtype))
    elif isinstance(dtype, str) and dtype in ("mixed_float16", "mixed_bfloat16", "_infer"):
        policy = mp.Policy(dtype)
    elif dtype is not None:
        policy = mp.Policy(gc.as_dtype(dtype).name)
    else:
        policy = mp.global_policy()
    mp._check_supported(policy)
    return policy


def serialize_policy(policy):
    """get_config's 'dtype': a dtype name, None for '_infer', else the policy's Keras
    config (tf_keras' policy.serialize)."""
    if policy.name == "_infer":
        return None
    if policy.compute_dtype == policy.variable_dtype == policy.name:
        return policy.name
    return {"module": "keras.mixed_precision", "class_name": "Policy",
            "config": policy.get_config(), "registered_name": None}


def infer_policy(layer, flat_inputs):
    """A layer whose policy is '_infer' takes its first input's dtype (on first call)."""
    if layer._dtype_policy.compute_dtype is None and flat_inputs:
        dtype = getattr(flat_inputs[0], "dtype", None)
        if dtype is not None:
            layer._dtype_policy = mp.Policy(gc.as_dtype(dtype).name)


def weight_dtype_seen(layer, dtype):
    """add_weight under '_infer': the policy becomes the new variable's dtype."""
    if layer._dtype_policy.variable_dtype is None:
        layer._dtype_policy = mp.Policy(dtype.name)


def is_autocast_weight(layer, dtype, autocast):
    """Whether add_weight's variable is read in the compute dtype inside call."""
    policy = layer._dtype_policy
    return bool(autocast) and dtype.is_floating and \
        policy.compute_dtype != policy.variable_dtype


def cast_inputs(layer, inputs):
    """Floating tensors among `inputs` (a tensor or a list) cast to the layer's compute
    dtype, when the layer autocasts (tf_keras' _maybe_cast_inputs)."""
    dtype = layer._dtype_policy.compute_dtype
    if not (layer._autocast and dtype and gc.as_dtype(dtype).is_floating) \
            or _is_network(layer):
        return inputs
    dtype = gc.as_dtype(dtype)

    def cast(x):
        if isinstance(x, gc.Tensor) and x.dtype.is_floating and x.dtype != dtype:
            return gc.cast(x, dtype)
        return x
    if isinstance(inputs, dict):
        return {k: cast(x) for k, x in inputs.items()}
    if isinstance(inputs, (list, tuple)):
        return type(inputs)(cast(x) for x in inputs)
    return cast(inputs)


def _is_network(layer):
    """A functional or Sequential model: its layers cast, not the model (TF)."""
    return bool(layer.__dict__.get("_nodes"))


def _sublayers(value):
    """The layers held by one attribute value (a layer or a list/tuple of them)."""
    from .engine import Layer
    if isinstance(value, Layer):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, Layer)]
    return []


@contextlib.contextmanager
def autocast_variables(layer):
    """While `call` runs: each autocast variable held by an attribute of the layer or
    of its sublayers is replaced by its read in the layer's compute dtype."""
    dtype = layer._dtype_policy.compute_dtype
    dtype = None if dtype is None else gc.as_dtype(dtype)
    swaps, stack, seen = [], [layer], {id(layer)}
    try:
        while stack:
            owner = stack.pop()
            marked = {id(v) for v in owner.__dict__.get("_autocast_weights", ())}
            for attr, value in list(owner.__dict__.items()):
                var = _READS[id(value)][1] if id(value) in _READS else value
                if marked and id(var) in marked:
                    swaps.append((owner, attr, value))
                    owner.__dict__[attr] = _read(var, dtype)
                elif marked and attr not in _OWN_LISTS and \
                        _holds(value, marked):       # a list, tuple or dict of weights
                    swaps.append((owner, attr, value))
                    owner.__dict__[attr] = _map(value, lambda v: _read(v, dtype)
                                                if id(v) in marked else v)
                elif not _is_network(owner):
                    for sub in _sublayers(value):
                        if id(sub) not in seen:
                            seen.add(id(sub))
                            stack.append(sub)
        yield
    finally:
        for owner, attr, value in reversed(swaps):
            read = owner.__dict__[attr]
            owner.__dict__[attr] = value
            if read is not value:
                _READS.pop(id(read), None)


# the layer's own bookkeeping lists, which must keep the variables themselves
_OWN_LISTS = frozenset({"_trainable_weights", "_non_trainable_weights",
                        "_autocast_weights", "_updates", "_losses"})


def _holds(value, marked):
    """Whether a list, tuple or dict attribute holds one of the autocast variables."""
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, (list, tuple)):
        return False
    return any(id(v) in marked for v in value)


def _map(value, fn):
    """A copy of a list, tuple or dict with fn applied to its items (values)."""
    if isinstance(value, dict):
        return type(value)((k, fn(v)) for k, v in value.items())
    return type(value)(fn(v) for v in value)


def _read(var, dtype):
    """The variable read in `dtype` (itself when no cast is needed)."""
    if dtype is None or not dtype.is_floating or var.dtype == dtype:
        return var
    read = gc.cast(var, dtype)
    _READS[id(read)] = (read, var)
    return read

