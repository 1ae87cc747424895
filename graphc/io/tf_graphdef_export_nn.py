"""The export table's nn and image ops (see tf_graphdef_export_ops.py): matmuls,
softmax, convolutions, pooling, resizing, top_k and the fused cross-entropies."""
import numpy as np

from .. import dtypes
from .tf_graphdef_export import export, rank_of as _rank

__all__ = []



@export("MatMul")
def _matmul(ex, n):
    a, b = n.inputs
    ta, tb = bool(n.attrs.get("transpose_a")), bool(n.attrs.get("transpose_b"))
    if _rank(a) == 2 and _rank(b) == 2:
        ex.emit(n, "MatMul", (a, b), T=a.dtype, transpose_a=ta, transpose_b=tb)
    elif a.dtype.is_complex and (ta or tb):
        raise ex.fail(n, "a batched complex matmul with transpose (TF's adj_x conjugates)")
    else:           # graphc's MatMul batches like BatchMatMulV2 (adj_x: a transpose
        ex.emit(n, "BatchMatMulV2", (a, b), T=a.dtype, adj_x=ta, adj_y=tb)  # for reals)


@export("ReluGrad", "Relu6Grad", "LeakyReluGrad")
def _relu_grad(ex, n):          # graphc's (g, features) are TF's (gradients, features)
    ex.emit(n, n.op.name, n.inputs, T=n.outputs[0].dtype,
            **({"alpha": n.attrs["alpha"]} if "alpha" in n.attrs else {}))


@export("BiasAdd")
def _bias_add(ex, n):
    ex.emit(n, "BiasAdd", n.inputs, T=n.inputs[0].dtype,
            data_format="NCHW" if n.attrs.get("data_format", "NHWC") == "NCHW" else "NHWC")


@export("L2Loss")
def _l2_loss(ex, n):
    ex.emit(n, "L2Loss", n.inputs, T=n.inputs[0].dtype)


@export("Softmax", "LogSoftmax")
def _softmax(ex, n):
    """TF's Softmax works on the last axis: another axis is swapped there and back, as
    tf.nn.softmax(axis=k) does."""
    x = n.inputs[0]
    rank, axis = _rank(x), n.attrs.get("axis", -1)
    if axis == -1 or (rank is not None and axis == rank - 1):
        ex.emit(n, n.type, (x,), T=x.dtype)
        return
    if rank is None:
        raise ex.fail(n, f"axis {axis} of a tensor of unknown rank")
    axis %= rank
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    inner = ex.emit(n, "Transpose", (x, ex.const(n, "perm", perm)), name="transpose",
                    T=x.dtype, Tperm=dtypes.int32)
    inner = ex.emit(n, n.type, (inner,), name=n.type, T=x.dtype)
    ex.emit(n, "Transpose", (inner, ex.const(n, "perm_back", perm)), T=x.dtype,
            Tperm=dtypes.int32)


def _four(pair, data_format):
    """graphc's (h, w) strides / dilations / ksize as TF's four-element list."""
    h, w = pair
    return [1, 1, h, w] if data_format == "NCHW" else [1, h, w, 1]


def _window(ex, n):
    fmt, padding = n.attrs.get("data_format", "NHWC"), n.attrs["padding"]
    if not isinstance(padding, str):
        raise ex.fail(n, f"explicit padding {padding!r}")
    return fmt, padding


@export("Conv2D", "DepthwiseConv2dNative", "Conv2DBackpropInput", "Conv2DBackpropFilter",
        "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter")
def _conv(ex, n):
    fmt, padding = _window(ex, n)
    extra = {} if n.type.startswith("Depthwise") else {"use_cudnn_on_gpu": True}
    ex.emit(n, n.type, n.inputs, T=n.outputs[0].dtype,
            strides=_four(n.attrs["strides"], fmt), padding=padding, data_format=fmt,
            dilations=_four(n.attrs.get("dilations", (1, 1)), fmt), explicit_paddings=[],
            **extra)


@export("MaxPool", "AvgPool", "MaxPoolGrad", "AvgPoolGrad", "MaxPoolGradGrad")
def _pool(ex, n):
    fmt, padding = _window(ex, n)
    ex.emit(n, n.type, n.inputs, T=n.outputs[0].dtype, ksize=_four(n.attrs["ksize"], fmt),
            strides=_four(n.attrs["strides"], fmt), padding=padding, data_format=fmt)


@export("ResizeBilinear", "ResizeNearestNeighbor", "ResizeBilinearGrad",
        "ResizeNearestNeighborGrad")
def _resize(ex, n):
    ins, t = list(n.inputs), n.inputs[0].dtype
    if n.type == "ResizeBilinear" and n.outputs[0].dtype != dtypes.float32:
        raise ex.fail(n, f"TF's ResizeBilinear gives float32, not "
                         f"{n.outputs[0].dtype.name} (gc.image.resize_bilinear's)")
    if n.type == "ResizeBilinearGrad":      # TF's takes float32 grads, T the image's
        t = ins[1].dtype
        if ins[0].dtype != dtypes.float32:
            ins[0] = ex.emit(n, "Cast", ins[:1], name="Cast", SrcT=ins[0].dtype,
                             DstT=dtypes.float32, Truncate=False)
    ex.emit(n, n.type, ins, T=t,
            align_corners=bool(n.attrs.get("align_corners", False)),
            half_pixel_centers=bool(n.attrs.get("half_pixel_centers", False)))


@export("MirrorPadGrad")
def _mirror_pad_grad(ex, n):
    ex.emit(n, "MirrorPadGrad", n.inputs, T=n.inputs[0].dtype, Tpaddings=n.inputs[1].dtype,
            mode=n.attrs["mode"])


@export("InTopKV2")
def _in_top_k(ex, n):
    ex.emit(n, "InTopKV2", n.inputs, T=n.inputs[1].dtype)


@export("LRN")
def _lrn(ex, n):
    if n.inputs[0].dtype not in (dtypes.float32, dtypes.float16):
        raise ex.fail(n, f"TF's LRN takes float16/float32, not {n.inputs[0].dtype.name}")
    ex.emit(n, "LRN", n.inputs, T=n.inputs[0].dtype, depth_radius=int(n.attrs["depth_radius"]),
            **{k: float(n.attrs[k]) for k in ("bias", "alpha", "beta")})


@export("SpaceToDepth", "DepthToSpace")
def _space_to_depth(ex, n):
    ex.emit(n, n.type, n.inputs, T=n.inputs[0].dtype, block_size=int(n.attrs["block_size"]),
            data_format=n.attrs.get("data_format", "NHWC"))


@export("TopKV2")
def _top_k(ex, n):
    x, k = n.inputs
    ex.emit(n, "TopKV2", (x, k), T=x.dtype, sorted=bool(n.attrs.get("sorted", True)),
            Tk=k.dtype, index_type=n.outputs[1].dtype)


@export("SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits")
def _xent(ex, n):
    """TF's ops take [batch, classes] logits (and [batch] labels): other shapes are
    flattened around the op (another class axis moved last first) and the two outputs
    (loss, backprop) shaped back, ending in an IdentityN that carries the node's name
    so "name:0" and "name:1" stay the loss and the backprop (graphc's, as TF's: softmax
    - labels)."""
    labels, logits = n.inputs
    sparse = n.type.startswith("Sparse")
    rank, axis = _rank(logits), n.attrs.get("axis", -1)
    ft, lt, i32 = logits.dtype, labels.dtype, dtypes.int32
    attrs = {"T": ft, **({"Tlabels": lt} if sparse else {})}
    if rank is not None and rank >= 1:
        axis %= rank
    if rank == 2 and axis == 1:
        ex.emit(n, n.type, (logits, labels), **attrs)
        return
    classes = None if rank is None else logits.shape._dims[axis]
    if classes is None:
        raise ex.fail(n, "logits of unknown rank or class count (TF's op is 2-D)")
    perm = [k for k in range(rank) if k != axis] + [axis]   # the class axis moved last
    if axis != rank - 1:
        logits, labels = (ex.emit(n, "Transpose", (t, ex.const(n, "perm", perm)),
                                  name="transpose", T=t.dtype, Tperm=i32)
                          for t in (logits, labels))
    x_shape = ex.emit(n, "Shape", (logits,), name="Shape", T=ft, out_type=i32)
    if rank != 2:
        logits = ex.emit(n, "Reshape", (logits, ex.const(n, "flat_shape", [-1, classes])),
                         name="Reshape", T=ft, Tshape=i32)
        labels = ex.emit(n, "Reshape", (labels, ex.const(n, "flat_labels", [-1] if sparse
                                                         else [-1, classes])),
                         name="Reshape", T=lt, Tshape=i32)
    op = ex.emit(n, n.type, (logits, labels), name=n.type, **attrs)
    loss, back = op, op + ":1"
    if rank != 2:
        batch = ex.emit(n, "Slice", (x_shape, ex.const(n, "begin", [0]),
                                     ex.const(n, "size", [rank - 1])),
                        name="Slice", T=i32, Index=i32)
        loss = ex.emit(n, "Reshape", (loss, batch), name="loss", T=ft, Tshape=i32)
        back = ex.emit(n, "Reshape", (back, x_shape), name="backprop", T=ft, Tshape=i32)
    if axis != rank - 1:
        back = ex.emit(n, "Transpose", (back, ex.const(n, "perm", np.argsort(perm))),
                       name="backprop", T=ft, Tperm=i32)
    ex.emit(n, "IdentityN", (loss, back), T=[ft, ft])


from . import tf_graphdef_export_more  # noqa: E402,F401 (more ops: strings, fft, 3-D ...)
