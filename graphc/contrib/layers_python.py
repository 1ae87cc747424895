"""The module path of TF 1.15's tensorflow.contrib.layers.python.layers, which TF1 code
imports slim's layers from (DeepFM, MAML, BERT-NER forks, ...):

    from graphc.contrib.layers.python.layers import batch_norm, initializers, utils
    from graphc.contrib.layers.python.layers import layers as layers_lib
    from graphc.contrib.layers.python import layers as tf_layers
    from graphc.contrib.layers.python.layers.regularizers import l2_regularizer

graphc.contrib.layers is a module (layers.py), not a package, so `register()` puts
module objects in sys.modules under TF's dotted names, as Python's import system allows.
Each holds gc.contrib.layers's own functions (nothing is copied or wrapped); `utils` is
layers_utils.py. The package `python.layers` holds every name of gc.contrib.layers, as
TF's __init__ star-imports its submodules.
"""
import sys
import types

from . import layers as _layers, layers_utils

__all__ = ["register"]

# TF 1.15's submodules of contrib/layers/python/layers and the names each exports
_SUBMODULES = {
    "layers": [
        "avg_pool2d", "avg_pool3d", "batch_norm", "bias_add", "conv1d", "conv2d", "conv3d",
        "conv2d_in_plane", "conv2d_transpose", "conv3d_transpose", "convolution",
        "convolution1d", "convolution2d", "convolution2d_in_plane",
        "convolution2d_transpose", "convolution3d", "convolution3d_transpose",
        "dense_to_sparse", "dropout", "elu", "flatten", "fully_connected", "GDN", "gdn",
        "images_to_sequence", "layer_norm", "linear", "pool", "max_pool2d", "max_pool3d",
        "one_hot_encoding", "relu", "relu6", "repeat", "scale_gradient", "separable_conv2d",
        "separable_convolution2d", "sequence_to_images", "softmax", "spatial_softmax",
        "stack", "unit_norm", "legacy_fully_connected", "legacy_linear", "legacy_relu",
        "maxout"],
    "initializers": ["xavier_initializer", "xavier_initializer_conv2d",
                     "variance_scaling_initializer"],
    "regularizers": ["l1_regularizer", "l2_regularizer", "l1_l2_regularizer",
                     "sum_regularizer", "apply_regularization"],
    "normalization": ["group_norm", "instance_norm"],
    "optimizers": ["optimize_loss", "OPTIMIZER_CLS_NAMES", "OPTIMIZER_SUMMARIES",
                   "adaptive_clipping_fn"],
    "summaries": ["summarize_tensor", "summarize_activation", "summarize_tensors",
                  "summarize_collection", "summarize_variables", "summarize_weights",
                  "summarize_biases", "summarize_activations"],
    "embedding_ops": ["safe_embedding_lookup_sparse", "embedding_lookup_unique"],
    "encoders": ["bow_encoder", "embed_sequence"],
    "rev_block_lib": ["RevBlock", "rev_block", "recompute_grad"],
}

_ROOT = "graphc.contrib.layers"


def _module(name, names, doc, package=False):
    """A module `name` holding gc.contrib.layers's `names` (a package: __path__ = [])."""
    mod = types.ModuleType(name, doc)
    for n in names:
        setattr(mod, n, getattr(_layers, n))
    mod.__all__ = list(names)
    if package:
        mod.__path__ = []       # importing a missing submodule: ModuleNotFoundError
    sys.modules[name] = mod
    return mod


def register():
    """Put graphc.contrib.layers.python and .python.layers (with its submodules) in
    sys.modules and on gc.contrib.layers (`layers.python`). Idempotent."""
    if _ROOT + ".python" in sys.modules:
        return sys.modules[_ROOT + ".python"]
    every = sorted(set(_layers.__all__).union(*_SUBMODULES.values()))
    package = _module(_ROOT + ".python.layers", every, "tensorflow.contrib.layers.python."
                      "layers: every layer function of gc.contrib.layers.", package=True)
    for sub, names in _SUBMODULES.items():
        setattr(package, sub, _module("%s.python.layers.%s" % (_ROOT, sub), names,
                                      "tensorflow.contrib.layers.python.layers.%s" % sub))
    sys.modules[_ROOT + ".python.layers.utils"] = layers_utils
    package.utils = layers_utils
    python = _module(_ROOT + ".python", [], "tensorflow.contrib.layers.python",
                     package=True)
    python.layers = package
    _layers.python = python
    return python
