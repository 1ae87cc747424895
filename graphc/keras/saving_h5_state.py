"""What saving_h5.py translates between graphc and tf_keras: the model config's class
names, the training config (compile arguments) and the optimizer's state.

tf_keras' legacy optimizers keep [iter, extras..., slots...] in `optimizer.weights`:
the slots kind by kind, each over model.trainable_weights (Ftrl: weight by weight).
graphc's Keras optimizers keep the same slots (TF1's slot variables; SGD's momentum
slot is Keras' velocity), and Adam holds TF1's beta1_power = beta_1^(iter+1) (and
beta_2's) besides.
"""
import warnings

import numpy as np

from . import backend as K
from . import optimizers

__all__ = ["to_keras_model_config", "from_keras_model_config", "training_config",
           "compile_arguments", "keras_optimizer_weights", "set_keras_optimizer_weights"]

_FUNCTIONAL = "Functional"      # tf_keras' class name of a functional model


def _walk_configs(config, rename):
    """A copy of a nested config with each {"class_name": ...} dict's class name
    passed through rename(class_name, config) (an explicit stack, no recursion)."""
    root = {"v": config}
    stack = [(root, "v")]
    while stack:
        parent, key = stack.pop()
        value = parent[key]
        if isinstance(value, dict):
            value = dict(value)
            if isinstance(value.get("config"), dict):
                value["config"] = dict(value["config"])
            if isinstance(value.get("class_name"), str):
                value["class_name"] = rename(value["class_name"], value.get("config"))
            stack.extend((value, k) for k in value)
        elif isinstance(value, list):
            value = list(value)
            stack.extend((value, i) for i in range(len(value)))
        parent[key] = value
    return root["v"]


def _is_functional(config):
    return isinstance(config, dict) and "input_layers" in config and "layers" in config


def to_keras_model_config(model):
    """{"class_name", "config"} of `model` as tf_keras writes it: functional models
    (also nested ones) are "Functional"."""
    config = {"class_name": type(model).__name__, "config": model.get_config()}
    return _walk_configs(config, lambda name, cfg: _FUNCTIONAL
                         if name == "Model" and _is_functional(cfg) else name)


# tf_keras config keys graphc's layers do not take, with the only values they can have
_NEUTRAL = {"InputLayer": {"ragged": False, "optional": False}}


def _drop_neutral(name, config):
    """Pop tf_keras-only keys that hold their neutral value (others cannot load);
    BatchNormalization's axis list of one axis (tf_keras' form) becomes that axis."""
    if name == "BatchNormalization" and isinstance(config, dict) \
            and isinstance(config.get("axis"), list):
        if len(config["axis"]) != 1:
            raise NotImplementedError(f"load_model: layer {config.get('name')} "
                                      f"(BatchNormalization) normalizes over axes "
                                      f"{config['axis']}; graphc's takes one axis")
        config["axis"] = config["axis"][0]
    for key, neutral in _NEUTRAL.get(name, {}).items():
        if isinstance(config, dict) and key in config:
            value = config.pop(key)
            if value != neutral:
                raise NotImplementedError(f"load_model: layer {config.get('name')} "
                                          f"({name}) has {key}={value!r}, which graphc "
                                          f"does not support")
    return "Model" if name == _FUNCTIONAL else name


def from_keras_model_config(config):
    """tf_keras' model config as graphc reads it: "Functional" is graphc's Model,
    InputLayer's ragged/optional (False) are dropped, BatchNormalization's axis [a]
    is a."""
    return _walk_configs(config, _drop_neutral)


def _serialize(value):
    """Losses and metrics as tf_keras saves them: names for functions and strings,
    {"class_name", "config"} for objects."""
    from .utils import serialize_keras_object
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [_serialize(v) for v in value]
    if isinstance(value, dict):
        return {k: _serialize(v) for k, v in value.items()}
    if hasattr(value, "get_config"):
        return serialize_keras_object(value)
    return getattr(value, "__name__", type(value).__name__)


def training_config(model):
    """The compile arguments as tf_keras' training_config (None when not compiled or
    the optimizer is not a Keras optimizer)."""
    if model._compile_args is None or not hasattr(model.optimizer, "get_config"):
        return None
    loss, metrics, loss_weights, sw_mode, weighted = model._compile_args
    opt = model.optimizer
    opt_config = dict(opt.get_config())
    if getattr(opt, "_schedule", None) is None:
        opt_config["learning_rate"] = float(K.get_value(opt.lr))
    return {"loss": _serialize(loss), "metrics": _serialize(metrics),
            "loss_weights": loss_weights, "sample_weight_mode": sw_mode,
            "weighted_metrics": _serialize(weighted),
            "optimizer_config": {"class_name": type(opt).__name__, "config": opt_config}}


def _deserialize(value, custom_objects, module):
    """Saved losses/metrics back: config dicts become objects, custom names the
    custom objects, the other names stay names for compile to resolve."""
    if isinstance(value, (list, tuple)):
        return [_deserialize(v, custom_objects, module) for v in value]
    if isinstance(value, dict) and "class_name" in value:
        return module.deserialize(value, custom_objects=custom_objects)
    if isinstance(value, dict):
        return {k: _deserialize(v, custom_objects, module) for k, v in value.items()}
    if custom_objects and isinstance(value, str) and value in custom_objects:
        return custom_objects[value]
    return value


def compile_arguments(config, custom_objects=None):
    """(optimizer, compile kwargs) of a training_config (graphc's or tf_keras')."""
    from . import losses, metrics
    opt_config = dict(config["optimizer_config"])
    opt_config["config"] = {k: v for k, v in opt_config.get("config", {}).items()
                            if k not in ("is_legacy_optimizer", "jit_compile")}
    optimizer = optimizers.deserialize(opt_config, custom_objects)
    return optimizer, {
        "loss": _deserialize(config.get("loss"), custom_objects, losses),
        "metrics": _deserialize(config.get("metrics"), custom_objects, metrics),
        "loss_weights": config.get("loss_weights"),
        "sample_weight_mode": config.get("sample_weight_mode"),
        "weighted_metrics": _deserialize(config.get("weighted_metrics"),
                                         custom_objects, metrics)}


def _layout(opt):
    """(extra non-slot names, [(keras slot, graphc slot)], weight-major) of tf_keras'
    legacy optimizer `opt` mirrors, or None for other optimizers."""
    name = type(opt).__name__
    if type(opt) is not getattr(optimizers, name, None):
        return None
    slots = {"SGD": ["momentum"] if getattr(opt, "_momentum", 0) else [],
             "Adam": ["m", "v"] + (["vhat"] if getattr(opt, "amsgrad", False) else []),
             "RMSprop": ["rms"] + (["momentum"] if getattr(opt, "_momentum", 0) else [])
             + (["mg"] if getattr(opt, "centered", False) else []),
             "Adagrad": ["accumulator"], "Adadelta": ["accum_grad", "accum_var"],
             "Adamax": ["m", "v"], "Nadam": ["m", "v"],
             "Ftrl": ["accumulator", "linear"]}[name]
    own = {"accumulator": "accum"} if name == "Ftrl" else {}
    extras = ["momentum_cache"] if name == "Nadam" else []
    return extras, [(s, own.get(s, s)) for s in slots], name == "Ftrl"


def _slot_order(model, pairs, weight_major):
    weights = model.trainable_weights
    if weight_major:
        return [(w, k, g) for w in weights for k, g in pairs]
    return [(w, k, g) for k, g in pairs for w in weights]


def _state_variables(model):
    """[(file name, graphc variable or special, convert)] in tf_keras' order, or
    None when the optimizer (or its slots) cannot be written as tf_keras does."""
    opt = model.optimizer
    layout = _layout(opt)
    if layout is None or model._train_op is None:
        return None
    extras, pairs, weight_major = layout
    prefix = f"training/{opt._name}"
    graph = opt.iterations.graph
    out = [(f"{prefix}/iter:0", opt.iterations)]
    for extra in extras:
        out.append((f"{prefix}/{extra}:0",
                    opt._get_non_slot(f"{opt._name}/{extra}", graph)))
    for w, keras_slot, own_slot in _slot_order(model, pairs, weight_major):
        base = w.name[:-2] if w.name.endswith(":0") else w.name
        out.append((f"{prefix}/{base}/{keras_slot}:0", opt.get_slot(w, own_slot)))
    if any(v is None for _, v in out):
        return None
    return out


def keras_optimizer_weights(model):
    """[(name, value)] of the optimizer's state as tf_keras' legacy optimizer holds it
    (empty when the model never built its training step or the optimizer is not one
    of gc.keras.optimizers')."""
    found = _state_variables(model)
    if found is None:
        return []
    values = K.batch_get_value([v for _, v in found])
    return [(n, np.asarray(v)) for (n, _), v in zip(found, values)]


def _fresh(reason):
    warnings.warn(f"Error in loading the saved optimizer state ({reason}). As a result, "
                  f"your model is starting with a freshly initialized optimizer.")


def set_keras_optimizer_weights(model, values):
    """Load tf_keras' optimizer weights (keras_optimizer_weights' order) into the
    compiled model's optimizer; a mismatch warns (as tf_keras) and leaves it fresh."""
    model._training_op()
    found = _state_variables(model)
    if found is None:
        return _fresh(f"{type(model.optimizer).__name__} has no tf_keras layout")
    if len(found) != len(values):
        return _fresh(f"the optimizer has {len(found)} weights, the file "
                      f"{len(values)}")
    for (name, var), value in zip(found, values):
        if K.int_shape(var) != np.shape(value):
            return _fresh(f"{name} has shape {K.int_shape(var)}, the file "
                          f"{np.shape(value)}")
    opt = model.optimizer
    pairs = [(var, value) for (_, var), value in zip(found, values)]
    if type(opt).__name__ == "Adam":            # TF1's beta powers: beta^(iter + 1)
        t = int(np.asarray(values[0])) + 1
        b1, b2 = opt._get_beta_accumulators(opt.iterations.graph)
        pairs += [(b1, np.float32(opt._config["beta_1"]) ** t),
                  (b2, np.float32(opt._config["beta_2"]) ** t)]
    K.batch_set_value(pairs)
