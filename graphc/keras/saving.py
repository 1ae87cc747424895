"""Whole-model saving of gc.keras: model.save / models.load_model in graphc's own
format (one .npz archive: the model's config and compile arguments as JSON, the
weights, the optimizer's variables), and model.to_json / models.model_from_json.

    model.save(path)                                  # after compile (and fit)
    again = gc.keras.models.load_model(path)          # compiled, same weights and
                                                      # optimizer state
Paths ending in .h5, .hdf5 or .keras (or save_format="h5") give HDF5 files in tf_keras'
layout instead (saving_h5.py; needs the optional h5py: `pip install graphc[h5]`).
save_weights / load_weights (the methods of Model) come here too.
"""
import json
import os

import numpy as np

from . import backend as K
from . import optimizers
from .utils import deserialize_keras_object, serialize_keras_object
from .utils_registry import (custom_object_scope, get_custom_objects, get_registered_name,
                             get_registered_object, register_keras_serializable)

__all__ = ["save_model", "load_model", "model_to_json", "model_from_json",
           "model_from_config", "custom_object_scope", "get_custom_objects",
           "get_registered_name", "get_registered_object", "register_keras_serializable",
           "serialize_keras_object", "deserialize_keras_object"]

_KEY = "graphc_keras_model"
_VERSION = "2.2.4-tf"


def _model_config(model):
    return {"class_name": type(model).__name__, "config": model.get_config()}


def model_to_json(model, **kwargs):
    """JSON of {"class_name", "config", "keras_version", "backend"} (Keras' form)."""
    return json.dumps(dict(_model_config(model), keras_version=_VERSION,
                           backend="graphc"), default=_json_default, **kwargs)


def _json_default(value):
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"Not JSON serializable: {value!r}")


def model_from_config(config, custom_objects=None):
    """A new model from {"class_name": "Model"/"Sequential"/custom, "config": ...}.

        clone = gc.keras.models.model_from_config({"class_name": "Sequential",
                                                   "config": seq.get_config()})
    """
    from .saving_config import layer_from_config
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Maybe "
                        "you meant to use `Sequential.from_config(config)`?")
    return layer_from_config(config, custom_objects)


def model_from_json(json_string, custom_objects=None):
    """The model of model.to_json() (new layers and weights).

        clone = gc.keras.models.model_from_json(model.to_json())
    """
    from .saving_h5_state import from_keras_model_config     # tf_keras' JSON too
    return model_from_config(from_keras_model_config(json.loads(json_string)),
                             custom_objects)


def _name_of(fn):
    if isinstance(fn, str) or fn is None:
        return fn
    if isinstance(fn, (list, tuple)):
        return [_name_of(f) for f in fn]
    if isinstance(fn, dict):
        return {k: _name_of(v) for k, v in fn.items()}
    return getattr(fn, "__name__", type(fn).__name__)


def _training_config(model):
    if model._compile_args is None or not hasattr(model.optimizer, "get_config"):
        return None
    loss, metrics, loss_weights, sw_mode, weighted = model._compile_args
    opt = model.optimizer
    opt_config = dict(opt.get_config(), learning_rate=float(K.get_value(opt.lr)))
    return {"optimizer_config": {"class_name": type(opt).__name__, "config": opt_config},
            "loss": _name_of(loss), "metrics": _name_of(metrics),
            "weighted_metrics": _name_of(weighted), "loss_weights": loss_weights,
            "sample_weight_mode": sw_mode}


_H5_EXTENSIONS = (".h5", ".hdf5", ".keras")


def _check_format(filepath, save_format, what="save_model()"):
    """"h5" for HDF5 (save_format "h5"/"hdf5", an .h5/.hdf5/.keras path or an open
    h5py.File: h5py must import), else "npz" (graphc's own format)."""
    from .saving_h5 import import_h5py
    ext = os.path.splitext(str(filepath))[1].lower()
    h5 = save_format in ("h5", "hdf5") or type(filepath).__module__.startswith("h5py") \
        or (save_format is None and ext in _H5_EXTENSIONS)
    if h5:
        import_h5py(what)
        return "h5"
    if save_format not in (None, "graphc", "npz"):
        raise NotImplementedError(f"save: format {save_format!r} is not supported "
                                  f"(graphc writes its own .npz format, or HDF5: "
                                  f"save_format='h5')")
    return "npz"


def save_model(model, filepath, overwrite=True, include_optimizer=True,
               save_format=None):
    """Write `model` (architecture, weights, compile arguments, optimizer state) to
    one graphc file.

        gc.keras.models.save_model(model, "model.gck")
    """
    if _check_format(filepath, save_format) == "h5":
        from .saving_h5 import save_model_h5
        return save_model_h5(model, filepath, overwrite, include_optimizer)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(filepath)
    folder = os.path.dirname(os.fspath(filepath))
    if folder:                  # tf_keras makes the checkpoint's directory ("ckpts/model")
        os.makedirs(folder, exist_ok=True)
    weights = model.weights
    meta = {"model_config": _model_config(model), "keras_version": _VERSION,
            "backend": "graphc", "weight_names": [w.name for w in weights],
            "training_config": _training_config(model) if include_optimizer else None}
    arrays = {f"w{i:05d}": v for i, v in enumerate(K.batch_get_value(weights))}
    if meta["training_config"] is not None and model._train_op is not None:
        opt_vars = _optimizer_state(model.optimizer)
        meta["optimizer_weight_names"] = [v.name for v in opt_vars]
        arrays.update({f"o{i:05d}": v
                       for i, v in enumerate(K.batch_get_value(opt_vars))})
    arrays[_KEY] = np.array(json.dumps(meta, default=_json_default))
    with open(filepath, "wb") as f:
        np.savez(f, **arrays)


def _optimizer_state(optimizer):
    """The optimizer's variables (slots, beta powers...) and, last, a Keras optimizer's
    `iterations` (its decay and learning-rate schedules count on it)."""
    out = list(optimizer.variables())
    it = getattr(optimizer, "iterations", None)
    if isinstance(optimizer, optimizers._KerasHypers) and \
            all(v is not it for v in out):
        out.append(it)
    return out


def _lookup(name, custom_objects):
    """Saved loss/metric names: custom ones from custom_objects, the others stay
    names for compile to resolve."""
    if isinstance(name, (list, tuple)):
        return [_lookup(n, custom_objects) for n in name]
    if isinstance(name, dict):
        return {k: _lookup(v, custom_objects) for k, v in name.items()}
    if custom_objects and isinstance(name, str) and name in custom_objects:
        return custom_objects[name]
    return name


def load_model(filepath, custom_objects=None, compile=True):
    """The model of model.save: rebuilt from its config in the default graph, with
    its weights; compiled again (same optimizer, its state restored) when it was
    saved compiled with a Keras optimizer and `compile` is True.

        model = gc.keras.models.load_model("model.gck", custom_objects={"f": f})
    """
    from .saving_h5 import is_hdf5, load_model_h5
    if is_hdf5(filepath) or _check_format(filepath, None, "load_model()") == "h5":
        return load_model_h5(filepath, custom_objects, compile)
    with np.load(filepath, allow_pickle=False) as data:
        if _KEY not in data.files:
            raise ValueError(f"{filepath} is not a model file of gc.keras (save_weights "
                             f"files load with model.load_weights)")
        meta = json.loads(str(data[_KEY]))
        weights = [data[f"w{i:05d}"] for i in range(len(meta["weight_names"]))]
        n_opt = len(meta.get("optimizer_weight_names", []))
        opt_weights = [data[f"o{i:05d}"] for i in range(n_opt)]
    model = model_from_config(meta["model_config"], custom_objects)
    model.set_weights(weights)
    tc = meta["training_config"]
    if not compile or tc is None:
        return model
    opt_cfg = tc["optimizer_config"]
    optimizer = optimizers.deserialize(opt_cfg)
    model.compile(optimizer, loss=_lookup(tc["loss"], custom_objects),
                  metrics=_lookup(tc["metrics"], custom_objects),
                  loss_weights=tc["loss_weights"],
                  sample_weight_mode=tc["sample_weight_mode"],
                  weighted_metrics=_lookup(tc["weighted_metrics"], custom_objects))
    if opt_weights:
        model._training_op()
        opt_vars = _optimizer_state(optimizer)
        if len(opt_vars) == len(opt_weights) + 1 and opt_vars[-1] is \
                getattr(optimizer, "iterations", None):
            opt_vars = opt_vars[:-1]            # a file written before iterations were kept
        if len(opt_vars) != len(opt_weights):
            raise ValueError(f"load_model: the optimizer has {len(opt_vars)} variables, "
                             f"the file {len(opt_weights)}")
        K.batch_set_value(list(zip(opt_vars, opt_weights)))
    return model


def save_weights(model, filepath, overwrite=True, save_format=None):
    """model.save_weights: HDF5 in tf_keras' layout for .h5/.hdf5/.keras paths (or
    save_format="h5"), else graphc's .npz file (weight names and values, in order).

        model.save_weights("weights.h5")
    """
    if _check_format(filepath, save_format, "save_weights()") == "h5":
        from .saving_h5 import save_weights_h5
        return save_weights_h5(model, filepath, overwrite)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(filepath)
    folder = os.path.dirname(os.fspath(filepath))
    if folder:                  # tf_keras makes the checkpoint's directory ("ckpts/model")
        os.makedirs(folder, exist_ok=True)
    weights = model.weights
    arrays = {f"w{i:05d}": v for i, v in enumerate(K.batch_get_value(weights))}
    arrays["names"] = np.array([w.name for w in weights])
    with open(filepath, "wb") as f:
        np.savez(f, **arrays)


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    """model.load_weights: an HDF5 file (tf_keras' or graphc's) by layer order or
    by layer name (skip_mismatch: warn and skip layers that do not fit), or a .npz
    file of save_weights in order or by weight name.

        model.load_weights("weights.h5", by_name=True, skip_mismatch=True)
    """
    from .saving_h5 import is_hdf5, load_weights_h5
    if skip_mismatch and not by_name:
        raise ValueError("When calling model.load_weights, skip_mismatch can only be "
                         "set to True when by_name is True.")
    if is_hdf5(filepath) or _check_format(filepath, None, "load_weights()") == "h5":
        return load_weights_h5(model, filepath, by_name, skip_mismatch)
    with np.load(filepath, allow_pickle=False) as data:
        names = [str(n) for n in data["names"]]
        values = [data[f"w{i:05d}"] for i in range(len(names))]
    weights = model.weights
    if by_name:
        found = dict(zip(names, values))
        pairs = [(w, found[w.name]) for w in weights if w.name in found]
    else:
        if len(values) != len(weights):
            raise ValueError(f"You are trying to load a weight file containing "
                             f"{len(values)} weights into a model with "
                             f"{len(weights)} weights.")
        pairs = list(zip(weights, values))
    for w, v in pairs:
        if tuple(w.shape.as_list()) != v.shape:
            raise ValueError(f"Shape mismatch loading {w.name}: the model has "
                             f"{tuple(w.shape.as_list())}, the file {v.shape}")
    K.batch_set_value(pairs)
    return WeightsLoaded(len(names) - len(pairs), filepath)


class WeightsLoaded:
    """What load_weights of a non-HDF5 file returns (tf_keras: a checkpoint's load
    status): the values are set already; assert_consumed fails if some saved weights
    found no model weight (by_name)."""

    def __init__(self, unused, path):
        self._unused, self._path = unused, path

    def assert_consumed(self):
        if self._unused:
            raise AssertionError(f"{self._unused} weights of {self._path} were not "
                                 "loaded into any weight of the model")
        return self

    def expect_partial(self):
        return self

    assert_existing_objects_matched = assert_nontrivial_match = expect_partial

    def run_restore_ops(self, session=None):
        return None

    initialize_or_restore = run_restore_ops
