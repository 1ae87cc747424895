"""More of the import table (tf_graphdef_ops.py's form: OPS[op type] = (input types,
output types, build)): what a training graph holds, so graphc -> TF GraphDef -> graphc
and TF1 training graphs import whole. Variables and their updates (VariableV2, Assign,
AssignAdd, AssignSub), the random initializers, and the gradient ops (ReluGrad,
MaxPoolGrad, Conv2DBackpropFilter, StridedSliceGrad, BroadcastGradientArgs, the fused
cross-entropies ...). The math, array and linear-algebra ops are in
tf_graphdef_import_more2.py.

As in TF1's import_graph_def, an imported VariableV2 is a plain tensor of the graph
(not a gc.Variable, in no collection): run its imported Assign to initialize it.
"""
import numpy as np

import graphc as gc

from ..ops import activations
from ..ops.array_extra import _index_list
from ..ops.image_ops import RESIZE_BILINEAR_GRAD, RESIZE_NEAREST_GRAD
from ..ops.indexing import STRIDED_SLICE_GRAD, _parse_key
from ..ops.nn_softmax import SOFTMAX_XENT, SPARSE_SOFTMAX_XENT
from ..ops.random import RANDOM_NORMAL, RANDOM_UNIFORM, TRUNCATED_NORMAL
from ..ops.registry import apply, apply1, shape_value
from ..ops.slice_pad import MIRROR_PAD_GRAD
from ..ops.state import ASSIGN, SLICE_ASSIGN, VARIABLE
from ..shapes import TensorShape
from .tf_graphdef_import_more2 import OPS as _MORE2
from .tf_graphdef_nn import _conv_attrs, _layout, _padding
from .tf_graphdef_ops import ref_variable, table_op

__all__ = ["OPS"]

OPS = {}


_op = table_op(OPS)


# ---- variables and their updates ---------------------------------------------------------
@_op("VariableV2", "", "dtype")
def _variable(n):
    for key in ("container", "shared_name"):
        if n.attr(key, ""):
            raise n.fail(f"{key}={n.attr(key)!r}: variables shared between sessions are "
                         "not supported (graphc keeps a variable in its Session)")
    return apply1(VARIABLE, (), name=n.name, shape=TensorShape(n.attr("shape")),
                  dtype=n.attr("dtype"))


def _assign(mode):
    def build(n, ref, value):
        n.attr("use_locking", False)            # graphc runs one update at a time
        ref_variable(n, ref)
        if mode == "set" and not n.attr("validate_shape", True) and \
                ref.shape._dims is not None:
            raise n.fail(f"validate_shape=false on variable '{ref.node.name}' of static "
                         f"shape {ref.shape}: graphc keeps a variable's shape (make it "
                         "with an unknown shape)")
        return apply1(ASSIGN, (value,), name=n.name, var=ref.node, mode=mode)
    return build


OPS["Assign"] = (("T", "T"), ("T",), _assign("set"))
OPS["AssignAdd"] = (("T", "T"), ("T",), _assign("add"))
OPS["AssignSub"] = (("T", "T"), ("T",), _assign("sub"))


@_op("ApplyGradientDescent", "T T T", "T")
def _apply_gradient_descent(n, ref, alpha, delta):
    """TF1's GradientDescentOptimizer update: var -= alpha * delta."""
    step = gc.multiply(alpha, delta, name=n.sub("mul"))
    return _assign("sub")(n, ref, step)


def _random(op):
    def build(n, shape):
        seed, seed2 = n.attr("seed", 0), n.attr("seed2", 0)
        # TF: both 0 draws fresh entropy; graphc's seed attr is the pair (seed, seed2)
        pair = None if seed == seed2 == 0 else (int(seed), int(seed2))
        return apply1(op, (shape,), name=n.name, dtype=n.attr("dtype"), seed=pair)
    return build


for _name, _rop in (("RandomUniform", RANDOM_UNIFORM), ("RandomStandardNormal", RANDOM_NORMAL),
                    ("TruncatedNormal", TRUNCATED_NORMAL)):
    OPS[_name] = (("T",), ("dtype",), _random(_rop))


# ---- gradient ops -----------------------------------------------------------------------
@_op("BroadcastGradientArgs", "T T", "T T")
def _broadcast_gradient_args(n, s0, s1):
    """TF's rule: no reductions for equal shapes; else, the shapes padded with leading
    ones to one length, r_k holds the dims where padded s_k is 1 (the shapes must
    broadcast). Each r_k is a constant where what is known of the shapes decides it
    (graphc's Sum takes static axes), else computed when the graph runs."""
    t = n.attr("T")
    a, b = shape_value(s0)._dims, shape_value(s1)._dims
    statics = [None, None]
    if a is not None and b is not None:
        k = max(len(a), len(b))
        pa, pb = [1] * (k - len(a)) + list(a), [1] * (k - len(b)) + list(b)
        if all(x is not None and y is not None and x != y and 1 not in (x, y)
               for x, y in zip(pa, pb)):
            raise n.fail(f"Incompatible shapes: {list(a)} vs. {list(b)}", ValueError)
        known = None not in a and None not in b
        unequal = len(a) != len(b) or any(x is not None and y is not None and x != y
                                          for x, y in zip(a, b))
        for j, p in enumerate((pa, pb)):
            if 1 not in p and None not in p:
                statics[j] = []                 # nothing to reduce, equal or not
            elif None not in p and (unequal or known):
                statics[j] = [i for i in range(k) if p[i] == 1] if unequal else []
    dynamic = None
    if None in statics:
        dynamic = _dynamic_reductions(n, s0, s1, t)
    elif a != b and (None in a or None in b):
        # still check at run time that the shapes broadcast (TF's error)
        with gc.control_dependencies([gc.broadcast_dynamic_shape(s0, s1).op]):
            statics = [gc.identity(gc.constant(np.array(r, t.np), t)) for r in statics]
    outs = [gc.constant(np.array(r, t.np), t) if isinstance(r, list) else
            r if r is not None else dynamic[j] for j, r in enumerate(statics)]
    return outs                 # _wrap names them (an IdentityN named as the node)


def _dynamic_reductions(n, s0, s1, t):
    """BroadcastGradientArgs' rule on shapes known when the graph runs."""
    out = gc.broadcast_dynamic_shape(s0, s1)        # TF's error for incompatible shapes
    len0, len1 = gc.size(s0, out_type=t), gc.size(s1, out_type=t)
    k = gc.maximum(len0, len1)
    p0, p1 = (gc.concat([gc.ones(gc.reshape(k - size, [1]), t), s], 0, name=n.sub("padded"))
              for s, size in ((s0, len0), (s1, len1)))
    # equal lengths: the padded shapes are the shapes
    equal = gc.logical_and(gc.equal(len0, len1), gc.reduce_all(gc.equal(p0, p1)))
    rs = []
    with gc.control_dependencies([out.op]):
        for p in (p0, p1):
            mask = gc.logical_and(gc.equal(p, gc.ones([], t)), gc.logical_not(equal))
            rs.append(gc.cast(gc.reshape(gc.where(mask), [-1]), t))
    return rs


@_op("ReluGrad", "T T", "T")
def _relu_grad(n, g, features):        # TF: features are Relu's input or its output
    return activations.relu_grad(g, features, name=n.name)


@_op("Relu6Grad", "T T", "T")
def _relu6_grad(n, g, features):
    return activations.relu6_grad(g, features, name=n.name)


@_op("LeakyReluGrad", "T T", "T")
def _leaky_relu_grad(n, g, features):
    return activations.leaky_relu_grad(g, features, alpha=n.attr("alpha", 0.2), name=n.name)


def _window(n):
    """(ksize, strides, padding, data_format) of a pooling gradient."""
    fmt = _layout(n)
    padding = n.attr("padding")
    if padding == "EXPLICIT" or n.attr("explicit_paddings", []):
        raise n.fail("EXPLICIT padding is not supported for pooling gradients")
    return n.attr("ksize"), n.attr("strides"), padding, fmt


@_op("MaxPoolGrad", "T T T", "T")
def _max_pool_grad(n, x, y, g):
    return gc.nn.max_pool_grad(x, y, g, *_window(n), name=n.name)


@_op("MaxPoolGradGrad", "T T T", "T")
def _max_pool_grad_grad(n, x, y, g):
    return gc.nn.max_pool_grad_grad(x, y, g, *_window(n), name=n.name)


@_op("AvgPoolGrad", "=int32 T", "T")
def _avg_pool_grad(n, sizes, g):
    return gc.nn.avg_pool_grad(sizes, g, *_window(n), name=n.name)


@_op("Conv2DBackpropFilter", "T =int32 T", "T")
def _conv2d_backprop_filter(n, x, sizes, g):
    fmt, strides, dilations = _conv_attrs(n)
    x, padding = _padding(n, x, fmt)        # EXPLICIT: the input padded, then VALID
    return gc.nn.conv2d_backprop_filter(x, sizes, g, strides, padding, data_format=fmt,
                                        dilations=dilations, name=n.name)


@_op("DepthwiseConv2dNativeBackpropFilter", "T =int32 T", "T")
def _depthwise_backprop_filter(n, x, sizes, g):
    fmt, strides, dilations = _conv_attrs(n)
    x, padding = _padding(n, x, fmt)
    return gc.nn.depthwise_conv2d_native_backprop_filter(
        x, sizes, g, strides, padding, data_format=fmt, dilations=dilations, name=n.name)


@_op("DepthwiseConv2dNativeBackpropInput", "=int32 T T", "T")
def _depthwise_backprop_input(n, sizes, w, g):
    fmt, strides, dilations = _conv_attrs(n)
    padding = n.attr("padding")
    if padding == "EXPLICIT" or n.attr("explicit_paddings", []):
        raise n.fail("EXPLICIT padding is not supported for "
                     "DepthwiseConv2dNativeBackpropInput")
    return gc.nn.depthwise_conv2d_native_backprop_input(
        sizes, w, g, strides, padding, data_format=fmt, dilations=dilations, name=n.name)


def _slice_key(n, begin, end, strides):
    """The Python key of a TF StridedSlice-like node of constant begin, end, strides and
    its five masks (for graphc's slice spec)."""
    m = {k: n.attr(k, 0) for k in ("begin_mask", "end_mask", "ellipsis_mask",
                                    "new_axis_mask", "shrink_axis_mask")}
    b, e = _index_list(begin, "begin"), _index_list(end, "end")
    s = _index_list(strides, "strides")
    if not len(b) == len(e) == len(s):
        raise n.fail(f"begin, end and strides have lengths {len(b)}, {len(e)}, {len(s)}",
                     ValueError)
    key = []
    for i in range(len(b)):
        bit = 1 << i
        if m["ellipsis_mask"] & bit:
            key.append(Ellipsis)
        elif m["new_axis_mask"] & bit:
            key.append(None)
        elif m["shrink_axis_mask"] & bit:
            key.append(b[i])
        else:
            key.append(slice(None if m["begin_mask"] & bit else b[i],
                             None if m["end_mask"] & bit else e[i], s[i]))
    return tuple(key)


@_op("StridedSliceGrad", "Index Index Index Index T", "T")
def _strided_slice_grad(n, shape, begin, end, strides, dy):
    """Zeros of `shape` with dy written where StridedSlice (same masks) reads."""
    spec, idx = _parse_key(_slice_key(n, begin, end, strides))
    return apply1(STRIDED_SLICE_GRAD, (dy, shape, *idx), name=n.name, spec=spec)


@_op("StridedSliceAssign", "T Index Index Index T", "T")
def _strided_slice_assign(n, ref, begin, end, strides, value):
    """TF1's v[key].assign(value) on a ref variable: graphc's slice assign of it."""
    var = ref_variable(n, ref)
    spec, idx = _parse_key(_slice_key(n, begin, end, strides))
    return apply1(SLICE_ASSIGN, (value, *idx), name=n.name, var=var, spec=spec)


def _resize_attrs(n):
    return {"align_corners": n.attr("align_corners", False),
            "half_pixel_centers": n.attr("half_pixel_centers", False)}


@_op("ResizeBilinearGrad", "=float32 T", "T")
def _resize_bilinear_grad(n, grads, image):
    if image.dtype != grads.dtype:          # TF's grads are float32, T the image's
        grads = gc.cast(grads, image.dtype, name=n.sub("Cast"))
    return apply1(RESIZE_BILINEAR_GRAD, (grads, image), name=n.name, **_resize_attrs(n))


@_op("ResizeNearestNeighborGrad", "T =int32", "T")
def _resize_nearest_grad(n, grads, size):
    return apply1(RESIZE_NEAREST_GRAD, (grads, size), name=n.name, **_resize_attrs(n))


@_op("MirrorPadGrad", "T Tpaddings", "T")
def _mirror_pad_grad(n, g, paddings):
    mode = n.attr("mode")
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise n.fail(f"mode {mode!r} is not REFLECT or SYMMETRIC")
    return apply1(MIRROR_PAD_GRAD, (g, paddings), name=n.name, mode=mode)


@_op("SoftmaxCrossEntropyWithLogits", "T T", "T T")
def _xent(n, logits, labels):
    """(loss, backprop = softmax(logits) - labels): graphc's op, as TF's."""
    for t, what in ((logits, "features"), (labels, "labels")):
        if t.shape.rank not in (2, None):
            raise n.fail(f"{what} ({t.name}) must be 2-D, not of shape {t.shape}", ValueError)
    return list(apply(SOFTMAX_XENT, (labels, logits), name=n.name, axis=-1).outputs)


@_op("SparseSoftmaxCrossEntropyWithLogits", "T Tlabels", "T T")
def _sparse_xent(n, logits, labels):
    if logits.shape.rank not in (2, None) or labels.shape.rank not in (1, None):
        raise n.fail(f"features must be 2-D and labels 1-D, not {logits.shape} and "
                     f"{labels.shape}", ValueError)
    return list(apply(SPARSE_SOFTMAX_XENT, (labels, logits), name=n.name).outputs)


OPS.update(_MORE2)
