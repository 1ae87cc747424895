"""HDF5 model and weight files of gc.keras in tf_keras' legacy layout (TF1's default
format), so that files move both ways between graphc and tf_keras:

    file attrs      keras_version, backend, model_config (JSON), training_config (JSON)
    model_weights/  attrs layer_names, backend, keras_version; one group per layer with
                    attr weight_names and a dataset per weight ('dense/kernel:0');
                    top_level_model_weights (empty: graphc models own no weights)
    optimizer_weights/   attr weight_names and the optimizer's variables in tf_keras'
                    order (saving_h5_state.py translates graphc's optimizer state)

A save_weights file is the model_weights group at the file's root. h5py is an
optional dependency (`pip install graphc[h5]`).

    model.save("model.h5")
    again = gc.keras.models.load_model("model.h5")
"""
import json
import os
import warnings

import numpy as np

from . import backend as K
from .saving_h5_state import (from_keras_model_config, keras_optimizer_weights,
                              set_keras_optimizer_weights, to_keras_model_config,
                              training_config, compile_arguments)

__all__ = ["save_model_h5", "load_model_h5", "save_weights_h5", "load_weights_h5",
           "is_hdf5", "import_h5py"]

_LIMIT = 64512          # bytes an HDF5 object header holds: longer attributes are split
_MAGIC = b"\x89HDF\r\n\x1a\n"
KERAS_VERSION = "2.2.4-tf"
BACKEND = "tensorflow"  # the weights are in TF's layouts, so tf_keras converts none


def import_h5py(what):
    """h5py, or the ImportError tf_keras gives, naming graphc's extra."""
    try:
        import h5py
    except ImportError:
        h5py = None
    if h5py is None:
        raise ImportError(f"`{what}` using h5 format requires h5py. Could not import "
                          f"h5py. Install it with `pip install graphc[h5]` (or `pip "
                          f"install h5py`).")
    return h5py


def is_hdf5(filepath):
    """Whether `filepath` is an open h5py.File or a file that starts as HDF5 does."""
    if type(filepath).__module__.startswith("h5py"):
        return True
    try:
        with open(filepath, "rb") as f:
            return f.read(8) == _MAGIC
    except (OSError, TypeError):
        return False


class _Opened:
    """An h5py.File for a path (closed at exit) or the caller's open file (left open)."""

    def __init__(self, filepath, mode, what):
        self.h5py = import_h5py(what)
        self.given = isinstance(filepath, self.h5py.File)
        self.file = filepath if self.given else self.h5py.File(filepath, mode)

    def __enter__(self):
        return self.file

    def __exit__(self, *exc):
        if not self.given:
            self.file.close()


def _text(value):
    return value.decode("utf8") if hasattr(value, "decode") else str(value)


def save_attributes(group, name, data):
    """A list of strings as attribute `name`, split into name0, name1, ... when it
    would not fit one object header (as tf_keras does)."""
    data = [d.encode("utf8") if isinstance(d, str) else d for d in data]
    big = [d for d in data if len(d) > _LIMIT]
    if big:
        raise RuntimeError(f"The following attributes cannot be saved to HDF5 file "
                           f"because they are larger than {_LIMIT} bytes: {big}")
    array = np.asarray(data)
    chunks = 1
    while any(c.nbytes > _LIMIT for c in np.array_split(array, chunks)):
        chunks += 1
    if chunks == 1:
        group.attrs[name] = array
        return
    for i, part in enumerate(np.array_split(array, chunks)):
        group.attrs[f"{name}{i}"] = part


def load_attributes(group, name):
    """The list of save_attributes (whole or in chunks name0, name1, ...)."""
    if name in group.attrs:
        return [_text(n) for n in group.attrs[name]]
    out, i = [], 0
    while f"{name}{i}" in group.attrs:
        out.extend(_text(n) for n in group.attrs[f"{name}{i}"])
        i += 1
    return out


def _write_values(group, names, values):
    save_attributes(group, "weight_names", names)
    for name, value in zip(names, values):
        value = np.asarray(value)
        group.create_dataset(name, data=value, shape=value.shape, dtype=value.dtype)


def _read_values(group):
    return [np.asarray(group[n]) for n in load_attributes(group, "weight_names")]


def layer_weights(layer):
    """A layer's weights in the files' order: trainable, then non-trainable."""
    out = []
    for w in list(layer.trainable_weights) + list(layer.non_trainable_weights):
        if all(w is not v for v in out):
            out.append(w)
    return out


def save_weights_to_group(group, model):
    """model_weights: layer_names, one group per layer (in name order, as tf_keras)."""
    layers = model.layers
    save_attributes(group, "layer_names", [la.name for la in layers])
    group.attrs["backend"] = BACKEND.encode("utf8")
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    for layer in sorted(layers, key=lambda la: la.name):
        weights = layer_weights(layer)
        _write_values(group.create_group(layer.name), [w.name for w in weights],
                      K.batch_get_value(weights))
    _write_values(group.create_group("top_level_model_weights"), [], [])


def _check_overwrite(filepath, overwrite):
    if isinstance(filepath, (str, os.PathLike)) and not overwrite \
            and os.path.exists(filepath):
        raise FileExistsError(filepath)


def save_model_h5(model, filepath, overwrite=True, include_optimizer=True):
    """model.save(path) for .h5 paths: config, weights, compile arguments and the
    optimizer's state."""
    _check_overwrite(filepath, overwrite)
    if isinstance(filepath, (str, os.PathLike)):
        folder = os.path.dirname(os.fspath(filepath))
        if folder:
            os.makedirs(folder, exist_ok=True)
    with _Opened(filepath, "w", "save_model()") as f:
        config = to_keras_model_config(model)
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = BACKEND
        f.attrs["model_config"] = _dumps(config).encode("utf8")
        tc = training_config(model) if include_optimizer else None
        if tc is not None:
            f.attrs["training_config"] = _dumps(tc).encode("utf8")
        save_weights_to_group(f.create_group("model_weights"), model)
        if tc is not None:
            pairs = keras_optimizer_weights(model)
            if pairs:
                _write_values(f.create_group("optimizer_weights"),
                              [n for n, _ in pairs], [v for _, v in pairs])
        f.flush()


def _dumps(value):
    def default(v):
        if isinstance(v, (np.integer, np.floating, np.bool_)):
            return v.item()
        if isinstance(v, np.ndarray):
            return v.tolist()
        if isinstance(v, tuple):
            return list(v)
        raise TypeError(f"Not JSON serializable: {v!r}")
    return json.dumps(value, default=default)


def load_model_h5(filepath, custom_objects=None, compile=True):
    """models.load_model for HDF5 files (graphc's or tf_keras')."""
    from .saving import model_from_config
    with _Opened(filepath, "r", "load_model()") as f:
        raw = f.attrs.get("model_config")
        if raw is None:
            raise ValueError(f"No model config found in the file at {filepath}.")
        config = from_keras_model_config(json.loads(_text(raw)))
        model = model_from_config(config, custom_objects)
        load_weights_from_group(f["model_weights"], model)
        if not compile:
            return model
        raw = f.attrs.get("training_config")
        if raw is None:
            warnings.warn("No training configuration found in the save file, so the "
                          "model was *not* compiled. Compile it manually.")
            return model
        optimizer, kwargs = compile_arguments(json.loads(_text(raw)), custom_objects)
        model.compile(optimizer, **kwargs)
        if "optimizer_weights" in f:
            values = _read_values(f["optimizer_weights"])
            set_keras_optimizer_weights(model, values)
    return model


def save_weights_h5(model, filepath, overwrite=True):
    """model.save_weights(path) for .h5 paths: the model_weights layout at the root."""
    _check_overwrite(filepath, overwrite)
    with _Opened(filepath, "w", "save_weights()") as f:
        save_weights_to_group(f, model)
        f.flush()


def load_weights_h5(model, filepath, by_name=False, skip_mismatch=False):
    """model.load_weights(path) for HDF5 files: by layer order (layers with weights),
    or by layer name (by_name; skip_mismatch warns and skips mismatching layers)."""
    with _Opened(filepath, "r", "load_weights()") as f:
        if "layer_names" not in f.attrs and "model_weights" in f:
            f = f["model_weights"]
        if by_name:
            load_weights_by_name(f, model, skip_mismatch)
        else:
            load_weights_from_group(f, model)


def load_weights_from_group(f, model):
    """Topological loading: the i-th file layer with weights into the i-th model
    layer with weights (tf_keras' errors for count and shape mismatches)."""
    layers = [la for la in model.layers if layer_weights(la)]
    names = [n for n in load_attributes(f, "layer_names")
             if load_attributes(f[n], "weight_names")]
    if len(names) != len(layers):
        raise ValueError(f"Layer count mismatch when loading weights from file. Model "
                         f"expected {len(layers)} layers, found {len(names)} saved "
                         f"layers.")
    pairs = []
    for k, (name, layer) in enumerate(zip(names, layers)):
        weights, values = layer_weights(layer), _read_values(f[name])
        if len(values) != len(weights):
            raise ValueError(f"Weight count mismatch for layer #{k} (named {layer.name} "
                             f"in the current model, {name} in the save file). Layer "
                             f"expects {len(weights)} weight(s). Received {len(values)} "
                             f"saved weight(s)")
        for w, v in zip(weights, values):
            if K.int_shape(w) != v.shape:
                raise ValueError(f"Shape mismatch in layer #{k} (named {layer.name}) for "
                                 f"weight {w.name}. Weight expects shape "
                                 f"{K.int_shape(w)}. Received saved weight with shape "
                                 f"{v.shape}")
            pairs.append((w, v))
    _check_top_level(f, False)
    K.batch_set_value(pairs)


def _check_top_level(f, skip_mismatch):
    """graphc models own no weights of their own: saved ones cannot be loaded."""
    if "top_level_model_weights" not in f:
        return
    n = len(load_attributes(f["top_level_model_weights"], "weight_names"))
    if n == 0:
        return
    message = (f"Weight count mismatch for top-level weights when loading weights from "
               f"file. Model expects 0 top-level weight(s). Received {n} saved "
               f"top-level weight(s)")
    if not skip_mismatch:
        raise ValueError(message)
    warnings.warn("Skipping loading top-level weights for model due to mismatch in "
                  f"number of weights. Model expects 0 top-level weight(s). Received "
                  f"{n} saved top-level weight(s)")


def load_weights_by_name(f, model, skip_mismatch=False):
    """Name-based loading: each file layer into the model's layers of that name."""
    index = {}
    for layer in model.layers:
        index.setdefault(layer.name, []).append(layer)
    pairs = []
    for k, name in enumerate(load_attributes(f, "layer_names")):
        values = _read_values(f[name])
        for layer in index.get(name, []):
            weights = layer_weights(layer)
            if len(values) != len(weights):
                if skip_mismatch:
                    warnings.warn(f"Skipping loading of weights for layer #{k} (named "
                                  f"{layer.name}) due to mismatch in number of weights. "
                                  f"Layer expects {len(weights)} weight(s). Received "
                                  f"{len(values)} saved weight(s)")
                    continue
                raise ValueError(f"Weight count mismatch for layer #{k} (named "
                                 f"{layer.name}). Layer expects {len(weights)} "
                                 f"weight(s). Received {len(values)} saved weight(s)")
            for w, v in zip(weights, values):
                if K.int_shape(w) == v.shape:
                    pairs.append((w, v))
                elif skip_mismatch:
                    warnings.warn(f"Skipping loading weights for layer #{k} (named "
                                  f"{layer.name}) due to mismatch in shape for weight "
                                  f"{w.name}. Weight expects shape {K.int_shape(w)}. "
                                  f"Received saved weight with shape {v.shape}")
                else:
                    raise ValueError(f"Shape mismatch in layer #{k} (named {layer.name})"
                                     f" for weight {w.name}. Weight expects shape "
                                     f"{K.int_shape(w)}. Received saved weight with "
                                     f"shape {v.shape}")
    _check_top_level(f, skip_mismatch)
    K.batch_set_value(pairs)
