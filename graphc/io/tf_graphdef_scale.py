"""TF GraphDef import and export of ScaleAndTranslate and ScaleAndTranslateGrad (TF 2's
tf.image.resize with antialias=True or the lanczos / gaussian / mitchellcubic methods,
and its gradient): graphc's ops are TF's, input for input and attr for attr.

OPS (tf_graphdef_ops.py's form) is merged into the import table by
tf_graphdef_import.py, after tf_graphdef_import_more5.py's older refusal of the op;
EXPORTS (graphc op type -> fn(ex, node)) into the export table by
tf_graphdef_export.py. This module imports neither of them, so either may load it.
"""
from ..ops.image_scale import SCALE_AND_TRANSLATE_GRAD, scale_and_translate
from ..ops.registry import apply1
from .tf_graphdef_ops import table_op

__all__ = ["OPS", "EXPORTS"]

OPS = {}

_op = table_op(OPS)


def _attrs(n):
    return {"kernel_type": str(n.attr("kernel_type", "lanczos3")),
            "antialias": bool(n.attr("antialias", True))}


@_op("ScaleAndTranslate", "T =int32 =float32 =float32", "=float32")
def _scale_and_translate(n, images, size, scale, translation):
    return scale_and_translate(images, size, scale, translation, name=n.name, **_attrs(n))


@_op("ScaleAndTranslateGrad", "T T =float32 =float32", "T")
def _scale_and_translate_grad(n, grads, original_image, scale, translation):
    return apply1(SCALE_AND_TRANSLATE_GRAD, (grads, original_image, scale, translation),
                  name=n.name, **_attrs(n))


def _export(ex, n):
    """The op as it is; T is input 0's dtype in both (images; float32 grads)."""
    ex.emit(n, n.type, n.inputs, T=n.inputs[0].dtype, kernel_type=n.attrs["kernel_type"],
            antialias=bool(n.attrs["antialias"]))


EXPORTS = {"ScaleAndTranslate": _export, "ScaleAndTranslateGrad": _export}
