"""More TF1 array ops: roll, lin_space, space_to_depth and depth_to_space (each the
other's vjp), IdentityN, and the composites meshgrid, shape_n, where_v2 and
strided_slice (TF1's masks translated into a key for x[key]'s StridedSlice op).
math_extra.py and counting.py hold the functions on values added with them (broadcast
shapes, div_no_nan...; setdiff1d, bincount, searchsorted...).
"""
import builtins

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, name_scope
from ..shapes import InferError
from .array import _not_ints, _shape_tensor, int_array, reshape, shape, size, static_value
from .core import constant, convert_to_tensor
from .broadcast import select
from .elementwise import broadcast_to, operands, where
from .indexing import STRIDED_SLICE, _int_index, _parse_key, scalar_dim
from .reduce import reduce_sum
from .registry import OpDef, apply, apply1, constant_value, register

__all__ = ["roll", "meshgrid", "linspace", "lin_space", "space_to_depth", "depth_to_space",
           "identity_n", "shape_n", "where_v2", "strided_slice"]


def _int_tensor(v):
    """An int tensor from a tensor, an int or a list of ints (int32 unless given)."""
    return v if isinstance(v, Tensor) else convert_to_tensor(v, dtype_hint=dtypes.int32)


def _entries(ctx, t):
    """The number of entries of a scalar or 1-D tensor, if known."""
    r = t.shape.rank
    return 1 if r == 0 else ctx.resolve(t.shape._dims[0]) if r == 1 else None


# ---- roll ---------------------------------------------------------------------------------
def _infer_roll(ctx, x, shift, axis):
    for i, t, what in ((1, shift, "shift"), (2, axis, "axis")):
        _int_index(ctx, i, t, what)
        if t.shape.rank not in (0, 1, None):
            raise InferError(f"{what} {{{i}}} must be a scalar or 1-D, not of shape {t.shape}")
    ns, na = _entries(ctx, shift), _entries(ctx, axis)
    if ns is not None and na is not None and ns != na:
        raise InferError(f"shift {{1}} and axis {{2}} must have as many entries, not {ns} "
                         f"and {na}")
    a, r = ctx.constant_value(axis), x.shape.rank
    if a is not None and r is not None:
        for v in np.reshape(a, -1).tolist():
            ctx.axis(v, r)
    return x.shape, x.dtype


def _roll_kernel(x, shift, axis):
    shift, axis = np.reshape(shift, -1).tolist(), np.reshape(axis, -1).tolist()
    if len(shift) != len(axis):
        raise ValueError(f"roll: shift {shift} and axis {axis} must have as many entries")
    return np.roll(x, shift, axis) if axis else x.copy()   # repeated axes add their shifts


def _batch_roll(node, args, batched):
    """vmap with only the input batched: each non-negative axis moves one further in."""
    a = constant_value(node.inputs[2])
    if batched[1] or batched[2] or a is None:
        from ..autodiff.batching import batch_by_slices
        return batch_by_slices(node, args, batched)
    moved = np.where(a < 0, a, a + 1).astype(a.dtype)
    return [apply1(ROLL, (args[0], args[1], constant(moved)))]


ROLL = register(OpDef(
    "Roll", _infer_roll, _roll_kernel,
    vjp=lambda node, gs: [roll(gs[0], -node.inputs[1], node.inputs[2]), None, None],
    jvp=lambda node, ts: None if ts[0] is None else roll(ts[0], *node.inputs[1:]),
    batch=_batch_roll, api="roll", signature="roll(input, shift, axis, name=None)",
    shape_rule="same as input", dtypes="any; shift, axis int (scalars or 1-D, as many)",
    doc="Elements shifted by shift[i] along axis[i], wrapping around (shifts along a "
        "repeated axis add up); the vjp rolls by -shift."))


def roll(input, shift, axis, name=None):  # noqa: A002 (TF1 names)
    """input shifted along axis by shift, wrapping around; shift and axis may be lists:

        gc.roll([0, 1, 2, 3, 4], 2, 0)                 # [3, 4, 0, 1, 2]
        gc.roll(x, shift=[1, -2], axis=[0, 1])
    """
    return apply1(ROLL, (convert_to_tensor(input), _int_tensor(shift), _int_tensor(axis)),
                  name=name)


# ---- lin_space ----------------------------------------------------------------------------
def _infer_linspace(ctx, start, stop, num):
    ctx.same_dtype(0, 1)
    ctx.require(0, "float")
    _int_index(ctx, 2, num, "num")
    for i, (t, what) in enumerate(((start, "start"), (stop, "stop"), (num, "num"))):
        if t.shape.rank not in (0, None):
            raise InferError(f"{what} {{{i}}} must be a scalar, not of shape {t.shape}")
    n = ctx.constant_value(num)
    if n is not None and n <= 0:
        raise InferError(f"num {{2}} must be > 0, got {int(n)}")
    return (scalar_dim(num),), start.dtype


def _linspace_kernel(start, stop, num):
    n, t = int(num), start.dtype.type
    if n <= 0:
        raise ValueError(f"lin_space: num must be > 0, got {n}")
    if n == 1:
        return np.full(1, start, start.dtype)
    step = (stop - start) / t(n - 1)                 # TF1's kernel, in the input's dtype
    out = start + step * np.arange(n, dtype=start.dtype)
    out[-1] = stop
    return out


def _linspace_vjp(node, gs):
    """out_i = start (1 - w_i) + stop w_i with w = lin_space(0, 1, num): g_stop = sum(g w),
    g_start = sum(g) - g_stop."""
    start, _, num = node.inputs
    w = lin_space(constant(0, start.dtype), constant(1, start.dtype), num)
    g_stop = reduce_sum(gs[0] * w)
    return [reduce_sum(gs[0]) - g_stop, g_stop, None]


def _linspace_jvp(node, ts):
    """The op is linear in (start, stop): lin_space of the tangents."""
    if ts[0] is None and ts[1] is None:
        return None
    zero = constant(0, node.inputs[0].dtype)
    return lin_space(zero if ts[0] is None else ts[0], zero if ts[1] is None else ts[1],
                     node.inputs[2])


LIN_SPACE = register(OpDef(
    "LinSpace", _infer_linspace, _linspace_kernel, vjp=_linspace_vjp, jvp=_linspace_jvp,
    api="lin_space", signature="lin_space(start, stop, num, name=None)",
    shape_rule="(num,)", dtypes="float (start, stop same); num int",
    doc="num evenly spaced values from start to stop, both included (the last is stop "
        "exactly; num == 1 gives [start])."))


def lin_space(start, stop, num, name=None):
    """num evenly spaced values from start to stop inclusive (floats; TF1's tf.linspace):

        gc.linspace(10.0, 12.0, 3)      # [10., 11., 12.]
    """
    start, stop = operands(start, stop, "lin_space")
    return apply1(LIN_SPACE, (start, stop, _int_tensor(num)), name=name)


linspace = lin_space


# ---- space_to_depth, depth_to_space ---------------------------------------------------------
def _split_dim(ctx, d, k, what):
    """d // k, checking that k divides d when d is known."""
    n = ctx.resolve(d)
    if n is not None and n % k:
        raise InferError(f"the {what} of {{0}}, {n}, is not a multiple of {k}")
    return None if n is None else n // k


def _infer_depth(to_depth):
    def infer(ctx, x, *, block_size, data_format):
        b = block_size
        if not isinstance(b, int) or isinstance(b, bool) or b < 2:
            raise InferError(f"block_size must be an int >= 2, got {b!r}")
        dims = x.shape._dims
        if dims is None:
            return None, x.dtype
        if len(dims) != 4:
            raise InferError(f"{{0}} must have rank 4 ({data_format}), not {len(dims)}")
        nhwc = data_format == "NHWC"
        n, h, w, c = dims if nhwc else (dims[0], dims[2], dims[3], dims[1])
        if to_depth:
            h = _split_dim(ctx, h, b, f"height (block_size {b})")
            w = _split_dim(ctx, w, b, f"width (block_size {b})")
            c = None if ctx.resolve(c) is None else ctx.resolve(c) * b * b
        else:
            c = _split_dim(ctx, c, b * b, f"depth (block_size^2 = {b * b})")
            h, w = (None if ctx.resolve(d) is None else ctx.resolve(d) * b for d in (h, w))
        return ((n, h, w, c) if nhwc else (n, c, h, w)), x.dtype
    return infer


def _nhwc(x, data_format, api):
    """(n, h, w, c) of a 4-D array in data_format."""
    if x.ndim != 4:
        raise ValueError(f"{api}: the input must have rank 4, not {x.ndim}")
    return x.shape if data_format == "NHWC" else np.take(x.shape, [0, 2, 3, 1]).tolist()


def _s2d_kernel(x, *, block_size, data_format):
    b = block_size
    n, h, w, c = _nhwc(x, data_format, "space_to_depth")
    if h % b or w % b:
        raise ValueError(f"space_to_depth: height {h} and width {w} must be multiples of "
                         f"block_size {b}")
    if data_format == "NHWC":       # depth index (row in block, column in block, channel)
        y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
        return y.reshape(n, h // b, w // b, b * b * c)
    y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(n, b * b * c, h // b, w // b)


def _d2s_kernel(x, *, block_size, data_format):
    b = block_size
    n, h, w, cc = _nhwc(x, data_format, "depth_to_space")
    if cc % (b * b):
        raise ValueError(f"depth_to_space: depth {cc} must be a multiple of block_size^2 "
                         f"= {b * b}")
    c = cc // (b * b)
    if data_format == "NHWC":
        y = x.reshape(n, h, w, b, b, c).transpose(0, 1, 3, 2, 4, 5)
        return y.reshape(n, h * b, w * b, c)
    y = x.reshape(n, b, b, c, h, w).transpose(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c, h * b, w * b)


def _depth_vjp(node, gs):
    """g moved back by the other op of the pair, with the same attrs."""
    other = DEPTH_TO_SPACE if node.op is SPACE_TO_DEPTH else SPACE_TO_DEPTH
    return [apply1(other, (gs[0],), **node.attrs)]


def _depth_op(name, api, to_depth, kernel, doc):
    return register(OpDef(
        name, _infer_depth(to_depth), kernel, vjp=_depth_vjp,
        jvp=lambda node, ts: None if ts[0] is None else apply1(node.op, (ts[0],),
                                                               **node.attrs),
        api=api, signature=f"{api}(input, block_size, name=None, data_format='NHWC')",
        shape_rule=("(n, h, w, c) -> (n, h/b, w/b, c*b*b)" if to_depth else
                    "(n, h, w, c) -> (n, h*b, w*b, c/(b*b))") + " (NCHW: likewise)",
        dtypes="any", doc=doc))


SPACE_TO_DEPTH = _depth_op(
    "SpaceToDepth", "space_to_depth", True, _s2d_kernel,
    "Moves each block_size x block_size block of pixels into the depth (channels); "
    "the vjp is depth_to_space.")
DEPTH_TO_SPACE = _depth_op(
    "DepthToSpace", "depth_to_space", False, _d2s_kernel,
    "Spreads the depth (channels) of each pixel over a block_size x block_size block; "
    "the vjp is space_to_depth.")


def _depth(op, input, block_size, name, data_format):  # noqa: A002
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"{op.api}: data_format must be 'NHWC' or 'NCHW', not "
                         f"{data_format!r}")
    b = static_value(block_size, f"{op.api}: block_size")
    b = int(b) if isinstance(b, (int, np.integer, np.ndarray)) and np.ndim(b) == 0 else b
    return apply1(op, (convert_to_tensor(input),), name=name, block_size=b,
                  data_format=data_format)


def space_to_depth(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """Each block_size x block_size block of pixels moved into the channels:
    (1, 4, 6, 3) -> (1, 2, 3, 12) for block_size 2 (depth index (row, column, channel)
    within the block). `gc.space_to_depth(x, 2)`."""
    return _depth(SPACE_TO_DEPTH, input, block_size, name, data_format)


def depth_to_space(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """The inverse of space_to_depth: (1, 2, 3, 12) -> (1, 4, 6, 3) for block_size 2."""
    return _depth(DEPTH_TO_SPACE, input, block_size, name, data_format)


# ---- composites ---------------------------------------------------------------------------
def meshgrid(*args, **kwargs):
    """N-D coordinate grids from N vectors (TF1/numpy meshgrid; inputs are flattened).
    indexing="xy" (default) swaps the first two output dims, "ij" keeps them:

        X, Y = gc.meshgrid([1, 2, 3], [4, 5])        # both of shape (2, 3)
    """
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError(f"'{next(iter(kwargs))}' is an invalid keyword argument for this "
                        "function")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"indexing parameter must be either 'xy' or 'ij', not {indexing!r}")
    with name_scope(name, "meshgrid"):
        xs = [convert_to_tensor(a) for a in args]
        for x in xs[1:]:
            if x.dtype is not xs[0].dtype:
                raise errors.DTypeError(
                    "meshgrid: all inputs must have one dtype:\n  "
                    f"{errors.describe_tensor(xs[0], xs[0].name)}\n  "
                    f"{errors.describe_tensor(x, x.name)}" + errors.called_at("meshgrid"))
        n = len(xs)
        sizes = [x.shape.num_elements() if x.shape.is_fully_defined() else size(x)
                 for x in xs]
        where_ = list(builtins.range(n))        # the output dim each input runs along
        if indexing == "xy" and n > 1:
            where_[0], where_[1] = 1, 0
            sizes[0], sizes[1] = sizes[1], sizes[0]
        out_shape = _shape_tensor(sizes)
        return [broadcast_to(reshape(x, [-1 if k == where_[i] else 1 for k in range(n)]),
                             out_shape) for i, x in enumerate(xs)]


IDENTITY_N = register(OpDef(
    "IdentityN", lambda ctx, *xs: [(x.shape, x.dtype) for x in xs],
    lambda *xs: xs if len(xs) > 1 else xs[0],
    vjp=lambda node, gs: list(gs), jvp=lambda node, ts: list(ts), api="identity_n",
    signature="identity_n(input, name=None)", shape_rule="each output as its input",
    dtypes="any", doc="Returns its inputs: one op with an output per input."))


def identity_n(input, name=None):  # noqa: A002 (TF1 names)
    """The tensors of input, passed through one op (TF1: one IdentityN node, so
    "name:1" is its second output): `a, b = gc.identity_n([a, b])`."""
    xs = [convert_to_tensor(x) for x in input]
    if not xs:
        raise ValueError("identity_n: input must hold at least one tensor")
    return list(apply(IDENTITY_N, xs, name=name or "IdentityN").outputs)


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002 (TF1 names)
    """The shapes of the tensors in input, a list of 1-D out_type tensors."""
    with name_scope(name, "ShapeN"):
        return [shape(x, out_type=out_type) for x in input]


def where_v2(condition, x=None, y=None, name=None):
    """x where condition, else y, with numpy broadcasting of all three (gc.where
    picks rows for a vector condition, as TF1 does); with condition alone, the
    coordinates of its true elements.

        gc.where_v2([True, False], [[1, 2], [3, 4]], 0)      # [[1, 0], [3, 0]]
    """
    if x is None and y is None:
        return where(condition, name=name)
    if x is None or y is None:
        raise ValueError("where_v2: x and y must both be given or both be None")
    return select(condition, x, y, name=name)


def _index_list(v, what):
    """begin/end/strides as a list of ints and scalar int tensors (known length). A float
    (even 0.0) or a float tensor is a DTypeError (TF1's TypeError): never truncated."""
    if isinstance(v, Tensor):
        _int_dtype(v, v, what)
        c = constant_value(v)
        if c is not None:
            return [int(e) for e in np.reshape(c, -1)]
        n = v.shape._dims[0] if v.shape.rank == 1 else None
        if not isinstance(n, int):
            raise TypeError(f"strided_slice: {what} '{v.name}' must have a length known "
                            "when the graph is built")
        return [v[k] for k in builtins.range(n)]
    if not isinstance(v, (list, tuple)):
        return int_array(v, "strided_slice", what).reshape(-1).tolist()
    out = []
    for e in v:
        if isinstance(e, Tensor):
            _int_dtype(e, v, what)
            c = constant_value(e)
            out.append(e if c is None else int(c))
        else:
            out.append(int(int_array(e, "strided_slice", what)))
    return out


def _int_dtype(t, value, what):
    if not t.dtype.is_integer:
        raise _not_ints("strided_slice", what, value, f"a {t.dtype.name} tensor '{t.name}'")


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0,
                  ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0, var=None,
                  name=None):
    """TF1's strided_slice: x[begin[0]:end[0]:strides[0], ...] where bit i of the masks
    says entry i is ... (ellipsis_mask), a new axis (new_axis_mask), the single index
    begin[i] (shrink_axis_mask), or has no begin/end (begin_mask/end_mask):

        gc.strided_slice(x, [1, 0], [3, 0], [1, 2], end_mask=2)     # x[1:3, ::2]
    It builds the op of x[key]; ints, scalar int tensors (shrink) and constants work.
    """
    if var is not None:
        raise NotImplementedError("strided_slice: var (sliced assignment) is not supported")
    b, e = _index_list(begin, "begin"), _index_list(end, "end")
    s = [1] * len(b) if strides is None else _index_list(strides, "strides")
    if not len(b) == len(e) == len(s):
        raise ValueError(f"strided_slice: begin, end and strides must have one length, "
                         f"got {len(b)}, {len(e)} and {len(s)}")
    key = []
    for i in builtins.range(len(b)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b[i])
        else:
            key.append(builtins.slice(None if begin_mask & bit else b[i],
                                      None if end_mask & bit else e[i], s[i]))
    spec, idx = _parse_key(tuple(key))
    return apply1(STRIDED_SLICE, (convert_to_tensor(input_), *idx),
                  name=name or "strided_slice", spec=spec)
