"""The import table of TF's math and array ops (tf_graphdef_nn.py has nn and image):
OPS[op type] = (input types, output types, build). A type is a type attr ("T"), "N*T"
(N inputs of type T), "*T" (a list(type) attr), "=int32" (fixed) or "?" (any);
tf_graphdef_import.py checks the inputs against them before build(node, *inputs) runs
and the outputs after. build reads every attr the op has (node.attr) and honours it or
refuses the node (node.fail); it passes node.name to the graphc op that makes output 0.
"""
import numpy as np

import graphc as gc

__all__ = ["OPS"]

OPS = {}


def through_identities(t):
    """The node tensor t comes from, seen through Identity nodes (TF passes resource
    handles on through them)."""
    node = t.node
    while node.type == "Identity" and node.inputs:
        node = node.inputs[0].node
    return node


def ref_variable(n, ref, why="graphc updates variables only"):
    """The VariableV2 node a TF1 ref input (input 0 of `n`) names; else n's error."""
    if ref.node.type != "VariableV2":
        raise n.fail(f"input 0 ({ref.name}) is a {ref.node.type}, not a VariableV2"
                     + (f": {why}" if why else ""))
    return ref.node


def table_op(table):
    """The decorator of an import table: @op("Name", "T T", "T") puts (input types,
    output types, build) into table under each name."""
    def op(names, ins, outs):
        def register(build):
            for name in names.split():
                table[name] = (tuple(ins.split()), tuple(outs.split()), build)
            return build
        return register
    return op


_op = table_op(OPS)


# ---- sources ---------------------------------------------------------------------------
@_op("Const", "", "dtype")
def _const(n):
    value = n.attr("value")
    return gc.constant(value, dtype=n.attr("dtype"), name=n.name)


@_op("Placeholder", "", "dtype")
def _placeholder(n):
    return gc.placeholder(n.attr("dtype"), shape=n.attr("shape", None), name=n.name)


@_op("PlaceholderWithDefault", "dtype", "dtype")
def _placeholder_with_default(n, x):
    return gc.placeholder_with_default(x, n.attr("shape"), name=n.name)


@_op("NoOp", "", "")
def _no_op(n):
    return gc.no_op(name=n.name)


for _name, _fn in (("Identity", gc.identity), ("Snapshot", gc.identity),
                   ("StopGradient", gc.stop_gradient)):
    OPS[_name] = (("T",), ("T",), lambda n, x, f=_fn: f(x, name=n.name))


@_op("IdentityN", "*T", "*T")
def _identity_n(n, *xs):
    return gc.identity_n(list(xs), name=n.name)


# ---- elementwise -----------------------------------------------------------------------
_UNARY = {"Neg": gc.negative, "Tanh": gc.tanh, "Sigmoid": gc.sigmoid, "Exp": gc.exp,
          "Log": gc.log, "Sqrt": gc.sqrt, "Rsqrt": gc.rsqrt, "Square": gc.square,
          "Abs": gc.abs, "Floor": gc.floor, "Ceil": gc.ceil, "Round": gc.round,
          "Rint": gc.math.rint, "Sign": gc.sign, "Sin": gc.sin, "Cos": gc.cos,
          "Reciprocal": gc.reciprocal, "Log1p": gc.log1p, "Expm1": gc.expm1,
          "Erf": gc.math.erf, "Relu": gc.nn.relu, "Relu6": gc.nn.relu6, "Elu": gc.nn.elu,
          "Selu": gc.nn.selu, "Softplus": gc.nn.softplus, "Softsign": gc.nn.softsign,
          "L2Loss": gc.nn.l2_loss}
_BINARY = {"Add": gc.add, "AddV2": gc.add, "Sub": gc.subtract, "Mul": gc.multiply,
           "RealDiv": gc.realdiv, "Maximum": gc.maximum, "Minimum": gc.minimum,
           "Pow": gc.pow, "SquaredDifference": gc.squared_difference,
           "FloorDiv": gc.floordiv, "FloorMod": gc.floormod, "DivNoNan": gc.div_no_nan}
_COMPARE = {"Less": gc.less, "LessEqual": gc.less_equal, "Greater": gc.greater,
            "GreaterEqual": gc.greater_equal}
_LOGICAL = {"LogicalAnd": gc.logical_and, "LogicalOr": gc.logical_or}

for _name, _fn in _UNARY.items():
    OPS[_name] = (("T",), ("T",), lambda n, x, f=_fn: f(x, name=n.name))
for _name, _fn in _BINARY.items():
    OPS[_name] = (("T", "T"), ("T",), lambda n, x, y, f=_fn: f(x, y, name=n.name))
for _name, _fn in _COMPARE.items():
    OPS[_name] = (("T", "T"), ("=bool",), lambda n, x, y, f=_fn: f(x, y, name=n.name))
for _name, _fn in _LOGICAL.items():
    OPS[_name] = (("=bool", "=bool"), ("=bool",), lambda n, x, y, f=_fn: f(x, y, name=n.name))
OPS["LogicalNot"] = (("=bool",), ("=bool",), lambda n, x: gc.logical_not(x, name=n.name))
for _name in ("IsNan", "IsFinite"):
    OPS[_name] = (("T",), ("=bool",), lambda n, x, f=getattr(gc, "is_nan" if _name == "IsNan"
                                                              else "is_finite"):
                  f(x, name=n.name))


def _equality(fn):
    def build(n, x, y):
        if not n.attr("incompatible_shape_error", True):
            # TF then gives a scalar for shapes that do not broadcast; graphc only
            # imports the node where the shapes are known to broadcast
            try:
                np.broadcast_shapes(tuple(x.shape.as_list()), tuple(y.shape.as_list()))
            except (ValueError, TypeError):
                raise n.fail("incompatible_shape_error=false needs input shapes that are "
                             "known to broadcast") from None
        return fn(x, y, name=n.name)
    return build


OPS["Equal"] = (("T", "T"), ("=bool",), _equality(gc.equal))
OPS["NotEqual"] = (("T", "T"), ("=bool",), _equality(gc.not_equal))


@_op("LeakyRelu", "T", "T")
def _leaky_relu(n, x):
    return gc.nn.leaky_relu(x, alpha=n.attr("alpha", 0.2), name=n.name)


@_op("AddN", "N*T", "T")
def _add_n(n, *xs):
    return gc.add_n(list(xs), name=n.name)


@_op("Cast", "SrcT", "DstT")
def _cast(n, x):
    src, dst = n.attr("SrcT"), n.attr("DstT")
    if n.attr("Truncate", False) and src.is_floating and dst.is_floating and \
            dst.size < src.size:
        raise n.fail("Truncate=true (truncating float rounding) is not supported")
    return gc.cast(x, dst, name=n.name)


@_op("Select", "=bool T T", "T")
def _select(n, c, x, y):
    return gc.where(c, x, y, name=n.name)


@_op("SelectV2", "=bool T T", "T")
def _select_v2(n, c, x, y):
    return gc.where_v2(c, x, y, name=n.name)


@_op("Where", "T", "=int64")
def _where(n, c):
    if c.dtype != gc.bool:
        c = gc.not_equal(c, gc.zeros([], c.dtype), name=n.sub("NotZero"))
    return gc.where(c, name=n.name)


# ---- matmul and reductions -------------------------------------------------------------
@_op("MatMul", "T T", "T")
def _matmul(n, a, b):
    n.attr("grad_a", False), n.attr("grad_b", False)        # hints for the TF runtime
    return gc.matmul(a, b, transpose_a=n.attr("transpose_a", False),
                     transpose_b=n.attr("transpose_b", False), name=n.name)


def _batch_matmul(n, a, b):
    n.attr("grad_x", False), n.attr("grad_y", False)        # hints for the TF runtime
    return gc.matmul(a, b, adjoint_a=n.attr("adj_x", False),
                     adjoint_b=n.attr("adj_y", False), name=n.name)


OPS["BatchMatMul"] = (("T", "T"), ("T",), _batch_matmul)
OPS["BatchMatMulV2"] = (("T", "T"), ("T",), _batch_matmul)


@_op("BatchMatMulV3", "Ta Tb", "Tout")
def _batch_matmul_v3(n, a, b):
    if not n.attr("Ta") == n.attr("Tb") == n.attr("Tout"):
        raise n.fail("mixed Ta/Tb/Tout dtypes are not supported")
    return _batch_matmul(n, a, b)


def _reduce(fn):
    def build(n, x, axis):
        return fn(x, axis=axis, keepdims=n.attr("keep_dims", False), name=n.name)
    return build


for _name, _fn in (("Mean", gc.reduce_mean), ("Sum", gc.reduce_sum),
                   ("Max", gc.reduce_max), ("Min", gc.reduce_min),
                   ("Prod", gc.reduce_prod)):
    OPS[_name] = (("T", "Tidx"), ("T",), _reduce(_fn))
for _name in ("All", "Any"):
    OPS[_name] = (("=bool", "Tidx"), ("=bool",),
                  _reduce(gc.reduce_all if _name == "All" else gc.reduce_any))


def _arg(fn):
    def build(n, x, axis):
        return fn(x, axis=int(n.static(axis, "dimension")),
                  output_type=n.attr("output_type", gc.int64), name=n.name)
    return build


OPS["ArgMax"] = (("T", "Tidx"), ("output_type",), _arg(gc.argmax))
OPS["ArgMin"] = (("T", "Tidx"), ("output_type",), _arg(gc.argmin))


# ---- shapes ----------------------------------------------------------------------------
@_op("Reshape", "T Tshape", "T")
def _reshape(n, x, shape):
    return gc.reshape(x, shape, name=n.name)


@_op("Squeeze", "T", "T")
def _squeeze(n, x):
    dims = n.attr("squeeze_dims", [])
    return gc.squeeze(x, axis=list(dims) or None, name=n.name)


@_op("ExpandDims", "T Tdim", "T")
def _expand_dims(n, x, axis):
    return gc.expand_dims(x, int(n.static(axis, "dim")), name=n.name)


@_op("Transpose", "T Tperm", "T")
def _transpose(n, x, perm):          # perm may be computed at run time
    return gc.transpose(x, perm, name=n.name)


@_op("Shape", "T", "out_type")
def _shape(n, x):
    return gc.shape(x, out_type=n.attr("out_type", gc.int32), name=n.name)


@_op("Size", "T", "out_type")
def _size(n, x):
    return gc.size(x, out_type=n.attr("out_type", gc.int32), name=n.name)


@_op("Rank", "T", "=int32")
def _rank(n, x):
    return gc.rank(x, name=n.name)


@_op("Fill", "index_type T", "T")
def _fill(n, dims, value):
    return gc.fill(dims, value, name=n.name)


@_op("ZerosLike", "T", "T")
def _zeros_like(n, x):
    return gc.zeros_like(x, name=n.name)


@_op("OnesLike", "T", "T")
def _ones_like(n, x):
    return gc.ones_like(x, name=n.name)


@_op("Range", "Tidx Tidx Tidx", "Tidx")
def _range(n, start, limit, delta):
    return gc.range(start, limit, delta, dtype=n.attr("Tidx"), name=n.name)


# ---- joining and slicing ---------------------------------------------------------------
@_op("ConcatV2", "N*T Tidx", "T")
def _concat_v2(n, *args):
    *xs, axis = args
    return gc.concat(list(xs), int(n.static(axis, "axis")), name=n.name)


@_op("Concat", "=int32 N*T", "T")
def _concat(n, axis, *xs):
    return gc.concat(list(xs), int(n.static(axis, "concat_dim")), name=n.name)


@_op("Pack", "N*T", "T")
def _pack(n, *xs):
    return gc.stack(list(xs), axis=n.attr("axis", 0), name=n.name)


@_op("Unpack", "T", "num*T")
def _unpack(n, x):
    return gc.unstack(x, num=n.attr("num"), axis=n.attr("axis", 0), name=n.name)


@_op("Split", "=int32 T", "num_split*T")
def _split(n, axis, x):
    return gc.split(x, n.attr("num_split"), axis=int(n.static(axis, "split_dim")),
                    name=n.name)


@_op("SplitV", "T Tlen =int32", "num_split*T")
def _split_v(n, x, sizes, axis):
    from ..ops.tensor_utils import get_static_value
    axis, num = int(n.static(axis, "split_dim")), n.attr("num_split")
    known = get_static_value(sizes)
    if known is None:                   # sizes computed at run time (a gradient's)
        return gc.split(x, sizes, num=num, axis=axis, name=n.name)
    sizes = [int(s) for s in known]
    if len(sizes) != num:
        raise n.fail(f"size_splits has {len(sizes)} entries, num_split is {num}")
    return gc.split(x, sizes, axis=axis, name=n.name)


@_op("Slice", "T Index Index", "T")
def _slice(n, x, begin, size):
    return gc.slice(x, begin, size, name=n.name)


@_op("StridedSlice", "T Index Index Index", "T")
def _strided_slice(n, x, begin, end, strides):
    masks = {k: n.attr(k, 0) for k in ("begin_mask", "end_mask", "ellipsis_mask",
                                        "new_axis_mask", "shrink_axis_mask")}
    return gc.strided_slice(x, begin, end, strides, name=n.name, **masks)


@_op("Tile", "T Tmultiples", "T")
def _tile(n, x, multiples):
    return gc.tile(x, multiples, name=n.name)


@_op("GatherV2", "Tparams Tindices Taxis", "Tparams")
def _gather_v2(n, params, indices, axis):
    return gc.gather(params, indices, axis=int(n.static(axis, "axis")),
                     batch_dims=n.attr("batch_dims", 0), name=n.name)


@_op("Gather", "Tparams Tindices", "Tparams")
def _gather(n, params, indices):
    n.attr("validate_indices", True)        # graphc always validates indices
    return gc.gather(params, indices, name=n.name)


def _pad(n, x, paddings, value=0, mode="CONSTANT"):
    return gc.pad(x, paddings, mode=mode, constant_values=value, name=n.name)


OPS["Pad"] = (("T", "Tpaddings"), ("T",), _pad)
OPS["PadV2"] = (("T", "Tpaddings", "T"), ("T",), _pad)


@_op("MirrorPad", "T Tpaddings", "T")
def _mirror_pad(n, x, paddings):
    mode = n.attr("mode")
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise n.fail(f"mode {mode!r} is not REFLECT or SYMMETRIC")
    return _pad(n, x, paddings, mode=mode)


@_op("OneHot", "TI =int32 T T", "T")
def _one_hot(n, indices, depth, on, off):
    return gc.one_hot(indices, depth, on_value=on, off_value=off,
                      axis=n.attr("axis", -1), dtype=n.attr("T"), name=n.name)
