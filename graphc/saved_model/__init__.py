"""TF1 tf.saved_model (tf.compat.v1.saved_model): export a model for serving and load it
back: TF1's files (saved_model.pb, TF's V2 checkpoint in variables/, assets/), which
TensorFlow loads too, with graphc's exact graph beside them (saved_model.json).

    gc.saved_model.simple_save(sess, "export/1", inputs={"x": x}, outputs={"y": y})
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = gc.saved_model.loader.load(sess, ["serve"], "export/1")

See docs/saved_model.md.
"""
from . import (builder, constants, loader, main_op, signature_constants,
               signature_def_utils, tag_constants, utils)
from .builder import Builder
from .constants import *  # noqa: F401,F403
from .loader import contains_saved_model, load, maybe_saved_model_directory
from .signature_constants import *  # noqa: F401,F403
from .signature_def_utils import (build_signature_def, classification_signature_def,
                                  is_valid_signature, predict_signature_def,
                                  regression_signature_def)
from .simple_save import simple_save
from .tag_constants import *  # noqa: F401,F403
from .utils import build_tensor_info, get_tensor_from_tensor_info

__all__ = ["builder", "constants", "loader", "main_op", "signature_constants",
           "signature_def_utils", "tag_constants", "utils", "Builder", "load",
           "contains_saved_model", "maybe_saved_model_directory", "build_signature_def",
           "classification_signature_def", "is_valid_signature", "predict_signature_def",
           "regression_signature_def", "simple_save", "build_tensor_info",
           "get_tensor_from_tensor_info"]
__all__ += constants.__all__ + signature_constants.__all__ + tag_constants.__all__
