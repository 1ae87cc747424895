"""Shape ops and shape-changing ops: shape, size, rank, reshape, transpose, expand_dims,
squeeze; tile and reverse live in tile_reverse.py. The ops that make tensors from a shape
or values (fill, zeros, ones, *_like, one_hot, range) live in creation.py; those that
take parts of tensors and put them together in indexing.py (x[key], slice/pad, gather)
and join.py (concat/split, stack/unstack). All are re-exported here.
"""
import builtins
import math

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import Dimension, InferError, TensorShape
from .core import constant, convert_to_tensor, identity
from .registry import OpDef, apply1, constant_value, register

__all__ = ["shape", "size", "rank", "reshape", "transpose", "expand_dims", "squeeze", "tile",
           "reverse", "reverse_v2"]


def _static_shape(node):
    x = node.inputs[0]
    dims = x.shape._dims
    if dims is None:
        return None
    resolved = [x.graph.dims.resolve(d) for d in dims]
    if any(d is None for d in resolved):
        return None
    return np.array(resolved, dtype=node.attrs["out_type"].np)


def _infer_shape(ctx, x, *, out_type):
    return (x.shape.rank,), out_type


SHAPE = register(OpDef(
    "Shape", _infer_shape, lambda x, *, out_type: np.array(np.shape(x), out_type.np),
    static=_static_shape, partial=lambda node: node.inputs[0].shape,
    differentiable=False, api="shape",
    signature="shape(input, out_type=int32, name=None)", shape_rule="(rank of input,)",
    dtypes="any -> int32/int64", doc="The run-time shape of input."))


def _sparse_shape(input, out_type):
    """A SparseTensor's dense shape in out_type (TF1's shape/size/rank take one), or None."""
    from .core import as_sparse
    sp = as_sparse(input)
    if sp is None:
        return None
    from .cast import cast
    return cast(sp.dense_shape, out_type)


def shape(input, name=None, out_type=dtypes.int32):
    dense = _sparse_shape(input, out_type)
    if dense is not None:
        return identity(dense, name=name)
    return apply1(SHAPE, (convert_to_tensor(input),), name=name,
                  out_type=dtypes.as_dtype(out_type))


def _static_size(node):
    v = _static_shape(node)
    return None if v is None else np.array(np.prod(v), node.attrs["out_type"].np)


SIZE = register(OpDef(
    "Size", lambda ctx, x, *, out_type: ((), out_type),
    lambda x, *, out_type: np.array(np.size(x), out_type.np),
    static=_static_size, differentiable=False, api="size",
    signature="size(input, out_type=int32, name=None)", shape_rule="()",
    dtypes="any -> int32/int64", doc="Number of elements of input."))


def size(input, name=None, out_type=dtypes.int32):
    dense = _sparse_shape(input, out_type)
    if dense is not None:
        from .reduce import reduce_prod
        return reduce_prod(dense, name=name)
    return apply1(SIZE, (convert_to_tensor(input),), name=name,
                  out_type=dtypes.as_dtype(out_type))


def _static_rank(node):
    r = node.inputs[0].shape.rank
    return None if r is None else np.array(r, np.int32)


RANK = register(OpDef(
    "Rank", lambda ctx, x: ((), dtypes.int32), lambda x: np.array(np.ndim(x), np.int32),
    static=_static_rank, differentiable=False, api="rank", signature="rank(input, name=None)",
    shape_rule="()", dtypes="any -> int32", doc="Number of dimensions of input."))


def rank(input, name=None):
    dense = _sparse_shape(input, dtypes.int32)
    if dense is not None:
        return size(dense, name=name)
    return apply1(RANK, (convert_to_tensor(input),), name=name)


def _shape_tensor(s, api=None, what="shape", name="Const"):
    """A 1-D int tensor from a shape given as a tensor, list, tuple or TensorShape: the
    one checked conversion of an int argument (sizes, begin, multiples...) of op `api`.
    Non-int values raise a DTypeError (see int_array)."""
    if isinstance(s, Tensor):
        return s
    if isinstance(s, TensorShape):
        if not s.is_fully_defined():
            raise errors.ShapeError(f"{api or 'a shape'}: cannot convert the partially "
                                    f"known shape {s} to a tensor (TF1 neither)" +
                                    _called_at(api))
        s = s.as_list()
    if isinstance(s, (list, tuple)) and any(isinstance(d, Tensor) for d in s):
        for d in s:
            if isinstance(d, Tensor) and not d.dtype.is_integer:
                raise _not_ints(api, what, s, f"a {d.dtype.name} tensor '{d.name}'")
        dtype = dtypes.int64 if any(isinstance(d, Tensor) and d.dtype is dtypes.int64
                                    for d in s) else dtypes.int32
        return stack([d if isinstance(d, Tensor) else
                      convert_to_tensor(int_array(d, api, what), dtype=dtype) for d in s])
    arr = int_array(s, api, what).reshape(-1)
    return constant(arr, dtype=dtypes.as_dtype(arr.dtype), name=name)


_KINDS = {"f": "floats", "c": "complex numbers", "U": "strings", "S": "strings",
          "O": "objects", "M": "dates", "m": "time deltas", "V": "records"}


def int_array(value, api=None, what="shape"):
    """value (an int, nested lists of ints, known TF1 Dimensions, a numpy int array) as
    a numpy int32 array, int64 when a value needs it. Python floats (even 2.0), strings
    or None raise a DTypeError, as TF1's TypeError "DataType float32 not in list of
    allowed values: int32, int64"; a numpy float array passes only if no value changes
    (TF1 truncates it: graphc never does). Bools count as ints, as in TF1."""
    try:
        arr = np.asarray(value)
    except ValueError:
        raise errors.ShapeError(f"{api + ': ' if api else ''}{what} {value!r} is ragged: "
                                "it needs one length per level" + _called_at(api)) from None
    kind = arr.dtype.kind
    if kind == "f" and isinstance(value, (np.ndarray, np.generic)) and \
            np.all(np.isfinite(arr) & (arr == np.trunc(arr)) & (abs(arr) < 2.0**63)):
        arr, kind = arr.astype(np.int64), "i"
    if kind not in "biu":
        if arr.size:
            raise _not_ints(api, what, value, _KINDS.get(kind, arr.dtype.name))
        return arr.astype(np.int32)             # [] (numpy's float64): no sizes
    if kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
        raise _not_ints(api, what, value, "uint64 values beyond int64")
    if arr.size and kind != "b" and (arr.min() < -2**31 or arr.max() >= 2**31):
        return arr.astype(np.int64)
    return arr.astype(np.int32)


def _called_at(api):
    """errors.called_at(api), or only the user's line when no API is named."""
    return errors.called_at(api) if api else f"\n  at {errors.format_site(errors.user_site())}"


def _not_ints(api, what, value, got):
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    fractional = " (graphc never truncates them)" if got.startswith("float") else ""
    return errors.DTypeError(f"{api + ': ' if api else ''}{what} must be ints (a list of "
                             f"ints or an int32/int64 tensor), not {got}{fractional}: got "
                             f"{shown}" + _called_at(api))


def _computed(shape):
    """Whether a shape is (or holds) a tensor: its value is known only at run time."""
    return isinstance(shape, Tensor) or isinstance(shape, (list, tuple)) and any(
        isinstance(d, Tensor) for d in shape)


# ---- helpers shared by the array, indexing and reduction ops ---------------------------
def shape_of(x):
    """x's shape as a list of ints when static, else the tensor shape(x). vjps use it so
    that a graph with static shapes keeps them in its gradient."""
    return list(x.shape._dims) if x.shape.is_fully_defined() else shape(x)


def static_value(value, what):
    """value itself, or the build-time value of a tensor (TF1 allows tensors for axis,
    perm, depth...; graphc needs them known when the graph is built)."""
    if isinstance(value, Tensor):
        v = constant_value(value)
        if v is None:
            raise TypeError(f"{what} must be known when the graph is built, but "
                            f"'{value.name}' is only computed at run time")
        return v
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return [static_value(v, what) for v in value]      # [tf.constant(1)] (TF1)
    return value


def as_int(v):
    """int(v) for Python and numpy ints and known TF1 Dimensions; anything else is left
    for infer to reject."""
    if isinstance(v, np.ndarray) and v.ndim == 0 or isinstance(v, Dimension):
        v = v.item() if isinstance(v, np.ndarray) else v.value
    return int(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else v


def run_time(value):
    """value when it is a tensor known only at run time (TF1 takes such tensors for an
    axis, perm or depth; graphc then builds the op from others); else None."""
    if isinstance(value, (list, tuple)) and any(run_time(v) is not None for v in value):
        from .core import convert_to_tensor
        return convert_to_tensor(value)         # [tf.rank(x) - 1]: packed (TF1)
    return value if isinstance(value, Tensor) and constant_value(value) is None else None


def int_tuple(value, what):
    """None, or a tuple of ints from an int, a list/tuple or a constant tensor."""
    value = static_value(value, what)
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return tuple(as_int(v) for v in value)
    return (as_int(value),)


def _reduce_sum(x, axis):
    from .reduce import reduce_sum
    return reduce_sum(x, axis=axis)


# ---- reshape ------------------------------------------------------------------------------
def _reshape_target(ctx, x, shape):
    """What is known of the target shape, one entry per dim: an int (-1: inferred), a
    named dim, None (computed at run time), or ("x", i) for shape(x)[i] of x itself."""
    v = ctx.constant_value(shape)
    if v is not None:
        return [int(d) for d in v]
    if shape.node.op is PACK and shape.shape.rank == 1:      # [shape(x)[0], -1] and such
        from .indexing import dim_of, scalar_dim
        target = []
        for e in shape.node.inputs:
            c, src = constant_value(e), dim_of(e)
            target.append(int(c) if c is not None else ("x", src[1]) if src is not None
                          and src[0] is x and ("x", src[1]) not in target else scalar_dim(e))
        return target
    dims = ctx.shape_value(shape)._dims
    return None if dims is None else list(dims)


def _infer_reshape(ctx, x, shape):
    if not shape.dtype.is_integer:
        raise InferError(f"the shape {{1}} must be an integer tensor, not {shape.dtype.name}",
                         "dtype")
    if shape.shape.rank not in (None, 1):
        raise InferError(f"the shape {{1}} must be 1-D, not of shape {shape.shape}")
    target = _reshape_target(ctx, x, shape)
    if target is None:
        return None, x.dtype
    shown = "[" + ", ".join("?" if d is None else f"shape({{0}})[{d[1]}]"
                            if isinstance(d, tuple) else str(d) for d in target) + "]"
    ints = [d for d in target if isinstance(d, int)]
    if any(d < -1 for d in ints) or ints.count(-1) > 1:
        raise InferError(f"bad target shape {shown}: sizes must be >= 0, and at most one "
                         "may be -1 (inferred)")
    if x.shape._dims is None:
        return tuple(None if isinstance(d, tuple) or d == -1 else d for d in target), x.dtype
    # shape(x)[i] in the target stands for x's dim i: both sides drop it
    same = {d[1] % len(x.shape._dims) for d in target if isinstance(d, tuple)}
    out = [x.shape._dims[d[1]] if isinstance(d, tuple) else d for d in target]
    rest = [k for k, d in enumerate(target) if not isinstance(d, tuple)]
    in_dims = [ctx.resolve(d) for k, d in enumerate(x.shape._dims) if k not in same]
    unknown_in = [d for k, d in enumerate(x.shape._dims) if k not in same and
                  ctx.resolve(d) is None]
    open_ = [k for k in rest if out[k] == -1 or ctx.resolve(out[k]) is None]
    n_in = math.prod(r for r in in_dims if r is not None)
    n_out = math.prod(ctx.resolve(out[k]) for k in rest if k not in open_)
    count = f"{n_in} elements" if not unknown_in else f"a multiple of {n_in} elements"
    what = f"cannot reshape {{0}} of shape {x.shape} ({count}) to shape {shown}"
    if not unknown_in and not open_ and n_in != n_out:
        raise InferError(f"{what} ({n_out} elements)")
    if not unknown_in and len(open_) == 1:
        k = open_[0]
        if n_out == 0 and n_in == 0:
            pass                       # a run-time size or -1 (TF's rule) times 0: unknown
        elif n_out == 0 or n_in % n_out:
            raise InferError(f"{what}: {n_in} is not a multiple of {n_out}, the product "
                             "of the other dims")
        elif out[k] in (-1, None):
            out[k] = n_in // n_out
    elif len(unknown_in) == 1 and len(open_) == 1 and n_in == n_out > 0 and \
            out[open_[0]] in (-1, None):
        out[open_[0]] = unknown_in[0]              # (?, 4) -> (-1, 4): the same ?
    elif unknown_in and not open_ and n_in > 0 and n_out % n_in:
        raise InferError(f"{what}: {n_out} elements is not a multiple of the {n_in} "
                         "known ones")
    return tuple(None if d == -1 else d for d in out), x.dtype


def _reshape_kernel(x, shape):
    sizes = [int(d) for d in shape]
    if x.size == 0 and -1 in sizes and 0 in sizes:
        # TF's rule (numpy refuses): with a 0 in the target, -1 is the product of the
        # nonzero input dims over that of the nonzero target dims: (0, 3) -> [0, -1] is
        # (0, 3), (0,) -> [0, -1] is (0, 1)
        known = math.prod(d for d in sizes if d > 0)
        sizes[sizes.index(-1)] = math.prod(d for d in x.shape if d > 0) // known
    return np.reshape(x, sizes)


RESHAPE = register(OpDef(
    "Reshape", _infer_reshape, _reshape_kernel,
    vjp=lambda node, gs: [reshape(gs[0], shape_of(node.inputs[0])), None],
    jvp=lambda node, ts: None if ts[0] is None else reshape(ts[0], node.inputs[1]),
    api="reshape", signature="reshape(tensor, shape, name=None)",
    shape_rule="`shape` (one -1 is inferred); same number of elements", dtypes="any",
    doc="The same elements in a new shape (row-major order)."))


def reshape(tensor, shape, name=None):
    """tensor's elements in a new shape; one dim may be -1 (inferred from the size).

        gc.reshape(x, [-1, 784])        # x of shape (?, 28, 28) -> (?, 784)
    """
    return apply1(RESHAPE, (convert_to_tensor(tensor), _shape_tensor(shape, "reshape")),
                  name=name)


# ---- transpose, expand_dims, squeeze ------------------------------------------------------
def _infer_transpose(ctx, x, *, perm):
    dims = x.shape._dims
    if perm is None:
        return (None if dims is None else tuple(reversed(dims))), x.dtype
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in perm):
        raise InferError(f"perm {list(perm)} must hold ints", "dtype")     # TF: TypeError
    if sorted(perm) != list(builtins.range(len(perm))):
        raise InferError(f"perm {list(perm)} is not a permutation of 0..{len(perm) - 1}")
    if dims is not None and len(perm) != len(dims):
        raise InferError(f"perm {list(perm)} has {len(perm)} entries but {{0}} has rank "
                         f"{len(dims)}")
    if dims is None:                    # the rank perm implies (TF's shape function)
        return (None,) * len(perm), x.dtype
    return tuple(dims[p] for p in perm), x.dtype


def _inverse(perm):
    return None if perm is None else tuple(int(i) for i in np.argsort(perm))


TRANSPOSE = register(OpDef(
    "Transpose", _infer_transpose, lambda x, *, perm: np.transpose(x, perm),
    vjp=lambda node, gs: [transpose(gs[0], _inverse(node.attrs["perm"]))],
    jvp=lambda node, ts: None if ts[0] is None else transpose(ts[0], node.attrs["perm"]),
    api="transpose", signature="transpose(a, perm=None, name='transpose')",
    shape_rule="dims permuted: out[i] = a[perm[i]] (default: reversed)", dtypes="any",
    doc="Permutes the dims; the vjp transposes by the inverse permutation."))


def _infer_transpose_dynamic(ctx, x, perm):
    ctx.require(1, "int")
    n = perm.shape._dims[0] if perm.shape._dims is not None and \
        len(perm.shape._dims) == 1 else None
    rank = x.shape.ndims if x.shape.ndims is not None else n
    if x.shape.ndims is not None and n is not None and n != rank:
        raise InferError(f"perm {{1}} has {n} entries but {{0}} has rank {rank}")
    return (None if rank is None else (None,) * rank), x.dtype


def _transpose_dynamic_kernel(x, perm):
    if perm.ndim != 1 or sorted(perm.tolist()) != list(builtins.range(x.ndim)):
        from ..errors import ExecutionError
        raise ExecutionError(f"transpose: perm {perm.tolist()} is not a permutation of "
                             f"the {x.ndim} dims of an input of shape {x.shape}")
    return np.transpose(x, perm)


TRANSPOSE_DYNAMIC = register(OpDef(
    "DynamicTranspose", _infer_transpose_dynamic, _transpose_dynamic_kernel,
    vjp=lambda node, gs: [_transpose_dynamic(gs[0], _invert(node.inputs[1])), None],
    jvp=lambda node, ts: None if ts[0] is None else _transpose_dynamic(ts[0],
                                                                         node.inputs[1]),
    api="transpose", signature="transpose(a, perm, name='transpose')  # perm a run-time tensor",
    shape_rule="a's rank; dims unknown until run time", dtypes="any; perm int32, int64",
    doc="Transpose by a perm computed at run time (TF1's Transpose takes a tensor)."))


def _invert(perm):
    from .array_more import invert_permutation
    return invert_permutation(perm)


def _transpose_dynamic(a, perm, name=None):
    return apply1(TRANSPOSE_DYNAMIC, (a, perm), name=name)


def transpose(a, perm=None, name="transpose", conjugate=False):
    """a with its dims permuted: `gc.transpose(x, [0, 2, 1])`; default reverses them.
    conjugate=True also conjugates complex a (TF1's conjugate transpose). perm may be a
    tensor computed at run time."""
    a = convert_to_tensor(a)
    if conjugate and a.dtype.is_complex:
        from .complex_ops import conj
        a = conj(a)
    if run_time(perm) is not None:
        return _transpose_dynamic(a, run_time(perm), name=name)
    return apply1(TRANSPOSE, (a,), name=name, perm=int_tuple(perm, "transpose: perm"))


def _infer_expand_dims(ctx, x, *, axis):
    if x.shape._dims is None:
        return None, x.dtype
    dims = list(x.shape._dims)
    dims.insert(ctx.axis(axis, len(dims), extra=1), 1)
    return tuple(dims), x.dtype


EXPAND_DIMS = register(OpDef(
    "ExpandDims", _infer_expand_dims, lambda x, *, axis: np.expand_dims(x, axis),
    vjp=lambda node, gs: [reshape(gs[0], shape_of(node.inputs[0]))],
    jvp=lambda node, ts: None if ts[0] is None else expand_dims(ts[0], node.attrs["axis"]),
    api="expand_dims", signature="expand_dims(input, axis, name=None)",
    shape_rule="a dim of size 1 inserted at axis (-rank-1 <= axis <= rank)", dtypes="any",
    doc="Inserts a dim of size 1."))


def expand_dims(input, axis=None, name=None, dim=None):
    """input with a new dim of size 1 at axis: (3, 4) -> (3, 1, 4) for axis=1."""
    axis = dim if axis is None else axis
    if axis is None:
        raise TypeError("expand_dims: axis is required")
    if run_time(axis) is not None:          # a reshape to shape[:axis] + [1] + shape[axis:]
        return _expand_dims_dynamic(convert_to_tensor(input), axis, name)
    value = static_value(axis, "expand_dims: axis")
    if np.ndim(value):                      # TF takes a one-element list or tensor
        if np.size(value) != 1:             # (BERT's expand_dims(x, axis=[-1]))
            raise errors.ShapeError(f"expand_dims: 'dim' input must be a tensor with a "
                                    f"single value, got {np.asarray(value).tolist()}"
                                    + errors.called_at("expand_dims"))
        value = np.asarray(value).reshape(())[()]
    return apply1(EXPAND_DIMS, (convert_to_tensor(input),), name=name, axis=as_int(value))


def _expand_dims_dynamic(x, axis, name):
    from .broadcast import select
    from .elementwise import add, less
    from .join import concat
    dims = shape(x, out_type=axis.dtype)
    r = shape(dims, out_type=axis.dtype)[0]
    at = select(less(axis, 0), add(add(axis, r), 1), axis)
    from ..graph import control_dependencies
    from .asserts import Assert
    from .elementwise import logical_and, less_equal
    ok = logical_and(less_equal(0, at), less_equal(at, r))
    one = constant(np.ones(1, axis.dtype.np))
    with control_dependencies([Assert(ok, ["expand_dims: axis", axis, "is out of range "
                                           "for an input of rank", r])]):
        out = reshape(x, concat([dims[:at], one, dims[at:]], 0), name=name)
    if x.shape.ndims is not None:
        out.set_shape([None] * (x.shape.ndims + 1))
    return out


def _infer_squeeze(ctx, x, *, axis):
    dims = x.shape._dims
    if dims is None:
        return None, x.dtype
    if axis is None:
        if any(ctx.resolve(d) is None for d in dims):
            return None, x.dtype                   # which dims are 1 is known at run time
        return tuple(d for d in dims if ctx.resolve(d) != 1), x.dtype
    drop = set()
    for a in axis:
        k = ctx.axis(a, len(dims))
        n = ctx.resolve(dims[k])
        if n is not None and n != 1:
            raise InferError(f"cannot squeeze dim {k} of {{0}}: its size is "
                             f"{ctx.dim_str(dims[k])}, not 1")
        drop.add(k)
    return tuple(d for k, d in enumerate(dims) if k not in drop), x.dtype


SQUEEZE = register(OpDef(
    "Squeeze", _infer_squeeze, lambda x, *, axis: np.squeeze(x, axis),
    vjp=lambda node, gs: [reshape(gs[0], shape_of(node.inputs[0]))],
    jvp=lambda node, ts: None if ts[0] is None else squeeze(ts[0], node.attrs["axis"]),
    api="squeeze", signature="squeeze(input, axis=None, name=None)",
    shape_rule="dims of size 1 removed (those in axis, or all)", dtypes="any",
    doc="Removes dims of size 1."))


def squeeze(input, axis=None, name=None, squeeze_dims=None):
    """input without its dims of size 1 (only those in `axis` if given)."""
    axis = squeeze_dims if axis is None else axis
    return apply1(SQUEEZE, (convert_to_tensor(input),), name=name,
                  axis=int_tuple(axis, "squeeze: axis"))


from .tile_reverse import *  # noqa: E402,F401,F403
from .tile_reverse import REVERSE, TILE  # noqa: E402,F401
from .creation import *  # noqa: E402,F401,F403  (creation, join and indexing use the ops above)
from .creation import FILL, ONE_HOT, RANGE, __all__ as _creation_all  # noqa: E402,F401
from .join import *  # noqa: E402,F401,F403
from .join import PACK, __all__ as _join_all  # noqa: E402,F401
from .indexing import *  # noqa: E402,F401,F403
from .indexing import __all__ as _indexing_all, strided_slice_  # noqa: E402,F401

__all__ += _creation_all + _join_all + _indexing_all
