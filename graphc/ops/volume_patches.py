"""TF1's tf.extract_volume_patches: the kp x kr x kc patches of a 5-D NDHWC input, each
flattened into the last dim in [planes, rows, cols, depth] order, with conv3d's window
geometry (conv.py: TF's SAME/VALID rule, no dilation).

Ops: ExtractVolumePatches and its adjoint ExtractVolumePatchesGrad (graphc's: the patches'
values summed back where they came from, TF's gradient), each linear and the other's vjp.
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .conv import _Geometry, _spatial, shape_of
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["extract_volume_patches"]

_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int8, dtypes.int16,
           dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.uint16, dtypes.uint32,
           dtypes.uint64)


def _geometry(dims, ksizes, strides, padding):
    return _Geometry(dims[1:4], ksizes, strides, (1, 1, 1), padding)


def _out(n, k, s, padding):
    """One output dim: TF's rule, an empty output where a VALID window does not fit."""
    return max(_spatial(n, k, s, 1, padding)[0], 0)


def _patches_kernel(x, *, ksizes, strides, padding):
    geo = _geometry(x.shape, ksizes, strides, padding)
    n, c = x.shape[0], x.shape[4]
    shape = (n,) + tuple(_out(d, k, s, padding) for d, k, s in
                         zip(x.shape[1:4], ksizes, strides)) + (int(np.prod(ksizes)) * c,)
    if 0 in shape[1:4]:
        return np.zeros(shape, x.dtype)
    win = geo.windows(x)                                 # (N, OP, OR, OC, C, kp, kr, kc)
    return np.ascontiguousarray(win.transpose(0, 1, 2, 3, 5, 6, 7, 4)).reshape(shape)


def _patches_grad_kernel(sizes, g, *, ksizes, strides, padding):
    """Each patch value added back at its input position (padding dropped)."""
    dims = tuple(int(d) for d in sizes)
    if 0 in g.shape[1:4]:
        return np.zeros(dims, g.dtype)
    geo = _geometry(dims, ksizes, strides, padding)
    if g.dtype == np.float16:      # summed in float32, rounded once (as TF's sparse matmul)
        return _patches_grad_kernel(sizes, g.astype(np.float32), ksizes=ksizes,
                                    strides=strides, padding=padding).astype(np.float16)
    cols = g.reshape(g.shape[:4] + tuple(ksizes) + (dims[4],)).transpose(0, 1, 2, 3, 7, 4, 5, 6)
    return geo.col2im(cols)


def _check_dtype(ctx, i):
    d = ctx.inputs[i].dtype
    if d not in _DTYPES:
        raise InferError(f"{{{i}}} has dtype {d.name}; extract_volume_patches takes real "
                         "numbers", "dtype")
    return d


def _patch_dims(ctx, dims, ksizes, strides, padding):
    out = [dims[0]]
    for n, k, s in zip(dims[1:4], ksizes, strides):
        n = ctx.resolve(n)
        out.append(None if n is None else _out(n, k, s, padding))
    c = ctx.resolve(dims[4])
    return out + [None if c is None else c * int(np.prod(ksizes))]


def _rank5(ctx, t, i, what):
    if t.shape.rank not in (None, 5):
        raise InferError(f"{{{i}}} ({what}) must have rank 5 (NDHWC), not shape {t.shape}")
    return list(t.shape._dims) if t.shape.rank == 5 else [None] * 5


def _infer_patches(ctx, x, **attrs):
    dtype = _check_dtype(ctx, 0)
    return tuple(_patch_dims(ctx, _rank5(ctx, x, 0, "the input"), **attrs)), dtype


def _infer_patches_grad(ctx, sizes, g, **attrs):
    if not sizes.dtype.is_integer:
        raise InferError("the input shape {0} must be an int tensor", "dtype")
    dims = ctx.shape_value(sizes)._dims
    if dims is not None and len(dims) != 5:
        raise InferError(f"the input shape {{0}} must have 5 elements, not {len(dims)}")
    dims = list(dims) if dims is not None else [None] * 5
    dtype = _check_dtype(ctx, 1)
    want = _patch_dims(ctx, dims, **attrs)
    for k, (a, b) in enumerate(zip(_rank5(ctx, g, 1, "the patches' gradient"), want)):
        ctx.merge_dims(a, b, f"the gradient {{{{1}}}} has {{a}} at dim {k} but the patches "
                             "have {b}")
    return tuple(dims), dtype


def _patches(x, attrs):
    return apply1(EXTRACT_VOLUME_PATCHES, (x,), **attrs)


def _patches_grad(sizes, g, attrs):
    return apply1(EXTRACT_VOLUME_PATCHES_GRAD, (sizes, g), **attrs)


EXTRACT_VOLUME_PATCHES = register(OpDef(
    "ExtractVolumePatches", _infer_patches, _patches_kernel,
    vjp=lambda node, gs: [_patches_grad(shape_of(node.inputs[0]), gs[0], node.attrs)],
    jvp=lambda node, ts: _patches(ts[0], node.attrs),
    api="extract_volume_patches",
    signature="extract_volume_patches(input, ksizes, strides, padding, name=None)",
    shape_rule="(N, P, R, C, D) -> (N, OP, OR, OC, kp * kr * kc * D); TF SAME/VALID",
    dtypes="real numbers",
    doc="The kp x kr x kc patches of a volume, flattened in [planes, rows, cols, depth] "
        "order."))
EXTRACT_VOLUME_PATCHES_GRAD = register(OpDef(
    "ExtractVolumePatchesGrad", _infer_patches_grad, _patches_grad_kernel,
    vjp=lambda node, gs: [None, _patches(gs[0], node.attrs)],
    jvp=lambda node, ts: None if ts[1] is None else _patches_grad(node.inputs[0], ts[1],
                                                                  node.attrs),
    api="ExtractVolumePatchesGrad",
    signature="graphc only: (input_shape, grad, ksizes, strides, padding)",
    shape_rule="input_shape", dtypes="real numbers",
    doc="The gradient of extract_volume_patches: each patch value summed back at the input "
        "position it came from."))


def _five(v, what):
    """(p, r, c) from TF's 5-list [1, p, r, c, 1]."""
    v = [int(d) for d in v]
    if len(v) != 5:
        raise ValueError(f"extract_volume_patches: {what} must be a list of 5 ints "
                         f"[1, planes, rows, cols, 1], not {v}")
    if v[0] != 1 or v[4] != 1:
        raise ValueError(f"extract_volume_patches: {what} {v}: only planes, rows and cols "
                         "are supported, the batch and depth entries must be 1")
    if min(v) < 1:
        raise ValueError(f"extract_volume_patches: {what} must be > 0, not {v}")
    return tuple(v[1:4])


def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """The kp x kr x kc patches of a 5-D input [batch, planes, rows, cols, depth] (TF1),
    each flattened into the last dim in [planes, rows, cols, depth] order:

        p = gc.extract_volume_patches(x, [1, 2, 2, 2, 1], [1, 1, 2, 2, 1], "VALID")
    x (N, P, R, C, D) gives p (N, OP, OR, OC, 8 * D), with conv3d's SAME/VALID windows."""
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"extract_volume_patches: padding must be 'SAME' or 'VALID', not "
                         f"{padding!r}")
    attrs = dict(ksizes=_five(ksizes, "ksizes"), strides=_five(strides, "strides"),
                 padding=padding)
    return apply1(EXTRACT_VOLUME_PATCHES, (convert_to_tensor(input),), name=name, **attrs)
