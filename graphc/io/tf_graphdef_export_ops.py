"""The export table (tf_graphdef_export.py): for each graphc op type, the TF NodeDef(s)
TF's Python API builds for it. fn(ex, node) calls ex.emit for the node's last NodeDef
(it takes the node's name) after any inner ones (ex.emit(..., name=...), ex.const).
An attr TF does not have a counterpart for is refused with ex.fail, never dropped.
"""
import numpy as np

from .. import dtypes
from .tf_graphdef_export import Shape, export, in_dtype as _T, seeds

__all__ = []

_i32 = dtypes.int32



# ---- sources and state -------------------------------------------------------------------
@export("Const")
def _const(ex, n):
    value = n.attrs["value"]
    value = np.asarray(getattr(value, "array", value), dtype=n.outputs[0].dtype.np)
    ex.emit(n, "Const", (), value=value, dtype=n.outputs[0].dtype)


@export("Placeholder")
def _placeholder(ex, n):
    ex.emit(n, "Placeholder", (), dtype=n.attrs["dtype"], shape=Shape(n.outputs[0].shape))


@export("PlaceholderWithDefault")
def _placeholder_with_default(ex, n):
    ex.emit(n, "PlaceholderWithDefault", n.inputs, dtype=n.outputs[0].dtype,
            shape=Shape(n.outputs[0].shape))


@export("VariableV2")
def _variable(ex, n):
    ex.emit(n, "VariableV2", (), shape=Shape(n.outputs[0].shape), dtype=n.outputs[0].dtype,
            container="", shared_name="")


_ASSIGN = {"set": "Assign", "add": "AssignAdd", "sub": "AssignSub"}


@export("Assign")
def _assign(ex, n):
    """Assign, AssignAdd or AssignSub. TF reads a variable when each reader runs, so
    an update could race the reads of the same step: the readers graphc runs before
    the update (those not waiting for it; compiler/program.py's _split_state_reads)
    become its control inputs (Exporter.reads_before), so TF gives graphc's values:
    sess.run([v.assign(2.), v * 10]) reads v first, as a metric is read before its
    update op and a train op's backprop reads the old weights."""
    mode = n.attrs.get("mode", "set")
    if mode not in _ASSIGN:
        raise ex.fail(n, f"assign mode {mode!r} has no TF op")
    extra = {"validate_shape": True} if mode == "set" else {}
    _update(ex, n, _ASSIGN[mode], n.inputs, use_locking=mode == "set", **extra)


def _update(ex, n, op, inputs, **attrs):
    """Emit TF1 ref op `op` updating graphc node n's variable (input 0), after the
    readers graphc runs before n (see _assign)."""
    var = n.attrs["var"]
    ex.emit(n, op, (var.name, *inputs), control=ex.reads_before(n, var),
            T=var.outputs[0].dtype, **attrs)


@export("ScatterUpdate", "ScatterAdd", "ScatterSub", "ScatterMul", "ScatterDiv",
        "ScatterMax", "ScatterMin", "ScatterNdUpdate", "ScatterNdAdd", "ScatterNdSub")
def _scatter(ex, n):
    """TF1's scatter ops on a ref variable (graphc's op types are TF's names)."""
    _update(ex, n, n.type, n.inputs, Tindices=_T(n), use_locking=True)


@export("IdentityN")
def _identity_n(ex, n):
    ex.emit(n, "IdentityN", n.inputs, T=[t.dtype for t in n.inputs])


@export("Assert")
def _assert(ex, n):
    """TF's Assert takes its message strings as tensors among the data."""
    cond, tensors = n.inputs[0], iter(n.inputs[1:])
    data = [next(tensors) if part is None else
            ex.const(n, "data", np.array(part.encode("utf-8"), dtype=object), dtypes.string)
            for part in n.attrs["parts"]]
    types = [dtypes.string if isinstance(d, str) else d.dtype for d in data]
    ex.emit(n, "Assert", [cond] + data, T=types, summarize=int(n.attrs.get("summarize", 3)))


@export("NoOp")
def _no_op(ex, n):
    ex.emit(n, "NoOp", ())


@export("RandomUniform", "RandomStandardNormal", "TruncatedNormal")
def _random(ex, n):
    seed, seed2 = seeds(n)
    ex.emit(n, n.type, n.inputs, dtype=n.outputs[0].dtype, T=_T(n), seed=seed, seed2=seed2)


# ---- elementwise --------------------------------------------------------------------------
@export("Identity", "StopGradient", "Neg", "Tanh", "Sigmoid", "Exp", "Log", "Sqrt", "Rsqrt",
        "Square", "Abs", "Floor", "Ceil", "Round", "Rint", "Sign", "Sin", "Cos", "Tan",
        "Reciprocal", "Log1p", "Expm1", "Erf", "Relu", "Relu6", "Elu", "Selu", "Softplus",
        "Softsign", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "Pow",
        "SquaredDifference", "FloorDiv", "FloorMod", "DivNoNan", "Less", "LessEqual",
        "Greater", "GreaterEqual", "IsNan", "IsFinite", "Asin", "Acos", "Atan", "Sinh",
        "Cosh", "Asinh", "Acosh", "Atanh", "Atan2", "Lgamma", "Digamma", "Erfc",
        "TruncateDiv", "TruncateMod")
def _elementwise(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n))


@export("ReadCapturedVariable")
def _read_captured(ex, n):
    """A variable read in a branch or loop body: TF's functions get the variable as an
    argument, so the read is an Identity of it."""
    ex.emit(n, "Identity", n.inputs, T=_T(n))


@export("Add")
def _add(ex, n):
    ex.emit(n, "AddV2", n.inputs, T=_T(n))


@export("Equal", "NotEqual")
def _equality(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), incompatible_shape_error=True)


@export("LogicalAnd", "LogicalOr", "LogicalNot")
def _logical(ex, n):
    ex.emit(n, n.type, n.inputs)


@export("LeakyRelu")
def _leaky_relu(ex, n):
    ex.emit(n, "LeakyRelu", n.inputs, T=_T(n), alpha=float(n.attrs["alpha"]))


@export("AddN")
def _add_n(ex, n):
    ex.emit(n, "AddN", n.inputs, N=len(n.inputs), T=_T(n))


@export("Select")
def _select(ex, n):
    """rule "broadcast" (where_v2) and "rows" (a vector condition where() reshaped to
    broadcast) are TF's SelectV2; TF1's where with its operands as given is TF's Select."""
    ex.emit(n, "Select" if n.attrs.get("rule") == "same" else "SelectV2", n.inputs,
            T=_T(n, 1))


# ---- reductions ---------------------------------------------------------------------------
def _axes(ex, n, x, axis, name="reduction_indices"):
    """A Const of the reduced axes (all of x's, for axis None)."""
    if axis is None:
        if x.shape._dims is None:
            rank = ex.emit(n, "Rank", (x,), name="Rank", T=x.dtype)
            return ex.emit(n, "Range", (ex.const(n, "range/start", 0), rank,
                                        ex.const(n, "range/delta", 1)),
                           name=name, Tidx=_i32)
        axis = range(len(x.shape._dims))
    axis = [axis] if np.ndim(axis) == 0 else list(axis)
    return ex.const(n, name, axis)


@export("Sum", "Mean", "Max", "Min", "Prod", "Any", "All")
def _reduce(ex, n):
    x = n.inputs[0]
    axes = _axes(ex, n, x, n.attrs.get("axis"))
    t = {} if n.type in ("Any", "All") else {"T": x.dtype}
    ex.emit(n, n.type, (x, axes), keep_dims=bool(n.attrs.get("keepdims", False)),
            Tidx=_i32, **t)


@export("DynamicSum", "DynamicMean", "DynamicMax", "DynamicMin", "DynamicProd",
        "DynamicAny", "DynamicAll")
def _reduce_dynamic(ex, n):         # axes computed at run time: TF's own form
    x, axes = n.inputs
    op = n.type[len("Dynamic"):]
    t = {} if op in ("Any", "All") else {"T": x.dtype}
    ex.emit(n, op, (x, axes), keep_dims=bool(n.attrs["keepdims"]), Tidx=axes.dtype, **t)


@export("ArgMax", "ArgMin")
def _arg(ex, n):
    x = n.inputs[0]
    ex.emit(n, n.type, (x, ex.const(n, "dimension", n.attrs["axis"])), T=x.dtype, Tidx=_i32,
            output_type=n.outputs[0].dtype)


# ---- array ops ----------------------------------------------------------------------------
@export("Shape", "Size")
def _shape(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), out_type=n.outputs[0].dtype)


@export("Rank")
def _rank(ex, n):
    ex.emit(n, "Rank", n.inputs, T=_T(n))


# the type attr of input 1 (a shape, multiples, begin/size) beside input 0's T
_SECOND = {"Reshape": "Tshape", "Tile": "Tmultiples", "Slice": "Index", "BroadcastTo": "Tidx"}


@export(*_SECOND)
def _with_index_input(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), **{_SECOND[n.type]: _T(n, 1)})


@export("Fill")
def _fill(ex, n):
    ex.emit(n, "Fill", n.inputs, T=_T(n, 1), index_type=_T(n))


@export("Range")
def _range(ex, n):
    ex.emit(n, "Range", n.inputs, Tidx=n.outputs[0].dtype)


@export("ExpandDims")
def _expand_dims(ex, n):
    x = n.inputs[0]
    ex.emit(n, "ExpandDims", (x, ex.const(n, "dim", n.attrs["axis"])), T=x.dtype, Tdim=_i32)


@export("Squeeze")
def _squeeze(ex, n):
    axis = n.attrs.get("axis")
    axis = [] if axis is None else [axis] if np.ndim(axis) == 0 else list(axis)
    ex.emit(n, "Squeeze", n.inputs, T=_T(n), squeeze_dims=axis)


@export("Transpose")
def _transpose(ex, n):
    x = n.inputs[0]
    perm = n.attrs.get("perm")
    if perm is None:
        if x.shape._dims is None:
            raise ex.fail(n, "a transpose of unknown rank without perm")
        perm = range(len(x.shape._dims) - 1, -1, -1)
    ex.emit(n, "Transpose", (x, ex.const(n, "perm", list(perm))), T=x.dtype, Tperm=_i32)


@export("DynamicTranspose")
def _transpose_dynamic(ex, n):
    ex.emit(n, "Transpose", n.inputs, T=n.inputs[0].dtype, Tperm=n.inputs[1].dtype)


@export("ConcatV2")
def _concat(ex, n):
    xs = list(n.inputs)
    ex.emit(n, "ConcatV2", xs + [ex.const(n, "axis", n.attrs["axis"])], N=len(xs),
            T=xs[0].dtype, Tidx=_i32)


@export("Pack")
def _pack(ex, n):
    ex.emit(n, "Pack", n.inputs, N=len(n.inputs), T=_T(n), axis=int(n.attrs["axis"]))


@export("Unpack")
def _unpack(ex, n):
    ex.emit(n, "Unpack", n.inputs, num=len(n.outputs), T=_T(n), axis=int(n.attrs["axis"]))


@export("Split")
def _split(ex, n):
    x, axis = n.inputs[0], ex.const(n, "split_dim", n.attrs["axis"])
    if len(n.inputs) == 1:
        ex.emit(n, "Split", (axis, x), num_split=len(n.outputs), T=x.dtype)
    else:
        ex.emit(n, "SplitV", (x, n.inputs[1], axis), num_split=len(n.outputs), T=x.dtype,
                Tlen=_T(n, 1))


@export("GatherV2")
def _gather(ex, n):
    params, indices = n.inputs[:2]
    extra = n.inputs[2:]
    if extra:
        raise ex.fail(n, "a gather with a tensor axis")
    ex.emit(n, "GatherV2", (params, indices, ex.const(n, "axis", n.attrs.get("axis", 0))),
            Tparams=params.dtype, Tindices=indices.dtype, Taxis=_i32,
            batch_dims=int(n.attrs.get("batch_dims", 0)))


@export("GatherNd")
def _gather_nd(ex, n):
    ex.emit(n, "GatherNd", n.inputs, Tparams=_T(n), Tindices=_T(n, 1))


@export("SumTo")
def _sum_to(ex, n):
    """graphc's SumTo(g, shape) (a cotangent summed back to an input's shape) as TF's
    gradient pattern: Reshape(Sum(g, BroadcastGradientArgs(shape, Shape(g))[0]), shape)."""
    g, shape = n.inputs
    gshape = ex.emit(n, "Shape", (g,), name="Shape", T=g.dtype, out_type=shape.dtype)
    args = ex.emit(n, "BroadcastGradientArgs", (shape, gshape), name="BroadcastGradientArgs",
                   T=shape.dtype)
    total = ex.emit(n, "Sum", (g, args), name="Sum", T=g.dtype, Tidx=shape.dtype,
                    keep_dims=False)
    ex.emit(n, "Reshape", (total, shape), T=g.dtype, Tshape=shape.dtype)


@export("Where")
def _where(ex, n):
    ex.emit(n, "Where", n.inputs, T=_T(n))


@export("OneHot")
def _one_hot(ex, n):
    indices, on, off = n.inputs
    ex.emit(n, "OneHot", (indices, ex.const(n, "depth", n.attrs["depth"]), on, off),
            axis=int(n.attrs.get("axis", -1)), T=on.dtype, TI=indices.dtype)


@export("Pad")
def _pad(ex, n):
    x, paddings = n.inputs[:2]
    mode = n.attrs.get("mode", "CONSTANT").upper()
    if mode != "CONSTANT":
        ex.emit(n, "MirrorPad", (x, paddings), T=x.dtype, Tpaddings=paddings.dtype, mode=mode)
    else:
        ex.emit(n, "PadV2", n.inputs[:3], T=x.dtype, Tpaddings=paddings.dtype)


@export("StridedSlice")
def _strided_slice(ex, n):
    x = n.inputs[0]
    vectors, index, masks = _slice_spec(ex, n, n.inputs[1:])
    ex.emit(n, "StridedSlice", [x] + vectors, T=x.dtype, Index=index, **masks)


@export("StridedSliceGrad")
def _strided_slice_grad(ex, n):
    dy, shape = n.inputs[:2]
    vectors, index, masks = _slice_spec(ex, n, n.inputs[2:])
    if shape.dtype != index:
        raise ex.fail(n, f"a {shape.dtype.name} shape with {index.name} indices")
    ex.emit(n, "StridedSliceGrad", [shape] + vectors + [dy], T=dy.dtype, Index=index,
            **masks)


@export("StridedSliceAssign")
def _strided_slice_assign(ex, n):
    """v[key].assign(value): TF1's ref StridedSliceAssign, ordered as Assign is."""
    value = n.inputs[0]
    vectors, index, masks = _slice_spec(ex, n, n.inputs[1:])
    _update(ex, n, "StridedSliceAssign", vectors + [value], Index=index, **masks)


def _slice_spec(ex, n, idx):
    """graphc's slice spec (n.attrs["spec"], tensor bounds idx) as TF's begin, end and
    strides tensors, their dtype, and the five masks."""
    begin, end, strides = [], [], []
    masks = dict(begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                 shrink_axis_mask=0)

    def bound(b):
        return idx[b[1] - 1] if isinstance(b, tuple) else b

    for j, (tag, *args) in enumerate(n.attrs["spec"]):
        bit = 1 << j
        if tag == "slice":
            lo, hi, step = (bound(b) for b in args)
            begin.append(0 if lo is None else lo)
            end.append(0 if hi is None else hi)
            strides.append(1 if step is None else step)
            masks["begin_mask"] |= bit if lo is None else 0
            masks["end_mask"] |= bit if hi is None else 0
        elif tag in ("int", "tensor"):
            i = args[0] if tag == "int" else idx[args[0] - 1]
            begin.append(i)
            end.append(i + 1 if tag == "int" else
                       ex.emit(n, "AddV2", (i, ex.const(n, "one", 1, i.dtype)), name="add",
                               T=i.dtype))
            strides.append(1)
            masks["shrink_axis_mask"] |= bit
        else:
            begin.append(0), end.append(0), strides.append(1)
            masks["ellipsis_mask" if tag == "..." else "new_axis_mask"] |= bit
    index = idx[0].dtype if idx else _i32
    if any(t.dtype != index for t in idx):
        raise ex.fail(n, "slice bounds of mixed int dtypes")
    vectors = [_vector(ex, n, name, v, index)
               for name, v in (("begin", begin), ("end", end), ("strides", strides))]
    return vectors, index, masks


def _vector(ex, n, name, items, dtype):
    """A 1-D int tensor of items (ints, tensors or input names): a Const if all are
    ints, else a Pack of scalars."""
    if all(isinstance(v, (int, np.integer)) for v in items):
        return ex.const(n, name, items, dtype)
    parts = [ex.const(n, f"{name}/{k}", v, dtype) if isinstance(v, (int, np.integer)) else v
             for k, v in enumerate(items)]
    return ex.emit(n, "Pack", parts, name=name, N=len(parts), T=dtype, axis=0)


# ---- scans, segments, linear algebra, complex ----------------------------------------------
@export("Cumsum", "Cumprod")
def _scan(ex, n):
    x = n.inputs[0]
    ex.emit(n, n.type, (x, ex.const(n, "axis", n.attrs["axis"])), T=x.dtype, Tidx=_i32,
            exclusive=bool(n.attrs["exclusive"]), reverse=bool(n.attrs["reverse"]))


@export("ReverseV2")
def _reverse(ex, n):
    x, axis = n.inputs[0], n.attrs["axis"]
    axis = [axis] if np.ndim(axis) == 0 else list(axis)
    ex.emit(n, "ReverseV2", (x, ex.const(n, "axis", axis)), T=x.dtype, Tidx=_i32)


@export("SegmentSum", "SegmentMean", "SegmentMax", "SegmentMin", "SegmentProd")
def _segment(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), Tindices=_T(n, 1))


@export("UnsortedSegmentSum", "UnsortedSegmentMax", "UnsortedSegmentMin",
        "UnsortedSegmentProd")
def _unsorted_segment(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), Tindices=_T(n, 1), Tnumsegments=_T(n, 2))


@export("ScatterNd")
def _scatter_nd(ex, n):
    indices, updates, shape = n.inputs
    if shape.dtype != indices.dtype:        # TF's takes the shape in the indices' dtype
        shape = ex.emit(n, "Cast", (shape,), name="Cast", SrcT=shape.dtype,
                        DstT=indices.dtype, Truncate=False)
    ex.emit(n, "ScatterNd", (indices, updates, shape), T=updates.dtype,
            Tindices=indices.dtype)


@export("SparseValidateIndices")
def _sparse_validate_indices(ex, n):
    """graphc's check of sparse indices (range, row-major order, repeats) before it
    scatters them: TF has no such op, and its own check lives in SparseToDense, which
    would make the dense array; the export passes the indices through unchecked."""
    ex.emit(n, "Identity", n.inputs[:1], T=_T(n))


@export("Einsum")
def _einsum(ex, n):
    """TF's Einsum takes one or two operands (more are contracted left to right) and
    sums no ellipsis dims away (their letters are spelled out instead)."""
    eq, xs = n.attrs["equation"].replace(" ", ""), list(n.inputs)
    if "..." in eq and (len(xs) > 2 or "..." not in eq.partition("->")[2]):
        eq = _spell_ellipsis(ex, n, eq)
    if len(xs) <= 2:
        ex.emit(n, "Einsum", xs, equation=eq, N=len(xs), T=_T(n))
        return
    subs, _, out = eq.partition("->")
    subs = subs.split(",")
    if "->" not in eq:            # implicit output: the letters used once, sorted
        letters = "".join(subs)
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    cur, sub = xs[0], subs[0]
    for k in range(1, len(xs)):
        rest = set("".join(subs[k + 1:]) + out)
        keep = out if k == len(xs) - 1 else \
            "".join(dict.fromkeys(c for c in sub + subs[k] if c in rest))
        step = f"{sub},{subs[k]}->{keep}"
        name = None if k == len(xs) - 1 else "Einsum"
        cur = ex.emit(n, "Einsum", (cur, xs[k]), name=name, equation=step, N=2, T=_T(n))
        sub = keep


@export("Betainc")
def _betainc(ex, n):
    """graphc's Betainc broadcasts; TF's takes equal shapes (or scalars)."""
    out = n.outputs[0].shape
    ins = list(n.inputs)
    if any(t.shape._dims != out._dims and t.shape._dims != [] for t in ins):
        if not out.is_fully_defined():
            raise ex.fail(n, "inputs of different shapes that broadcast to an unknown shape")
        shape = ex.const(n, "shape", out._dims)
        ins = [t if t.shape._dims in (out._dims, []) else
               ex.emit(n, "BroadcastTo", (t, shape), name="BroadcastTo", T=t.dtype, Tidx=_i32)
               for t in ins]
    ex.emit(n, "Betainc", ins, T=_T(n))


def _spell_ellipsis(ex, n, eq):
    """eq with each '...' replaced by letters of its own (aligned from the right, as
    the broadcast dims are); the dims a letter names must agree."""
    subs, arrow, out = eq.partition("->")
    subs = subs.split(",")
    ranks = [len(t.shape._dims) if t.shape._dims is not None else None for t in n.inputs]
    if None in ranks:
        raise ex.fail(n, f"an ellipsis in '{eq}' over operands of unknown rank")
    free = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in eq]
    widths = [r - (len(sub) - 3) if "..." in sub else 0 for sub, r in zip(subs, ranks)]
    letters = free[:max(widths)]
    sizes = {}
    for t, sub, w in zip(n.inputs, subs, widths):
        if w:
            for c, d in zip(letters[len(letters) - w:], t.shape._dims[sub.index("..."):]):
                if d is not None and sizes.setdefault(c, d) != d:
                    raise ex.fail(n, f"'{eq}' broadcasts ellipsis dims {sizes[c]} and {d}")
    spelled = [sub.replace("...", "".join(letters[len(letters) - w:])) if w else sub
               for sub, w in zip(subs, widths)]
    if not arrow:
        raise ex.fail(n, f"an implicit output with an ellipsis ('{eq}')")
    return ",".join(spelled) + "->" + out.replace("...", "".join(letters))


@export("InvertPermutation", "MatrixDiag", "MatrixDiagPart", "MatrixSetDiag", "Conj",
        "Polygamma", "Zeta", "Igamma", "Igammac", "IgammaGradA")
def _t_only(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n))


@export("MatrixInverse", "MatrixDeterminant", "Cholesky", "MatrixSquareRoot",
        "MatrixSolve", "MatrixTriangularSolve")
def _linalg(ex, n):
    extra = {k: bool(n.attrs[k]) for k in ("adjoint", "lower") if k in n.attrs}
    if n.type in ("MatrixInverse", "MatrixSolve"):
        extra.setdefault("adjoint", False)
    ex.emit(n, n.type, n.inputs, T=_T(n), **extra)


@export("MatrixBandPart")
def _band_part(ex, n):
    x, i64 = n.inputs[0], dtypes.int64
    ex.emit(n, "MatrixBandPart", (x, ex.const(n, "num_lower", n.attrs["num_lower"], i64),
                                  ex.const(n, "num_upper", n.attrs["num_upper"], i64)),
            T=x.dtype, Tindex=i64)


@export("Complex", "Real", "Imag", "ComplexAbs", "Angle")
def _complex(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), Tout=n.outputs[0].dtype)


@export("LogicalXor")
def _logical_xor(ex, n):      # TF has no op: (x or y) and not (x and y), as tf.math does
    x, y = n.inputs
    either = ex.emit(n, "LogicalOr", (x, y), name="LogicalOr")
    both = ex.emit(n, "LogicalAnd", (x, y), name="LogicalAnd")
    ex.emit(n, "LogicalAnd", (either, ex.emit(n, "LogicalNot", (both,), name="LogicalNot")))


@export("Bincount")
def _bincount(ex, n):
    arr, size = n.inputs[:2]
    weights = n.inputs[2] if len(n.inputs) > 2 else ex.const(n, "weights", [],
                                                              n.outputs[0].dtype)
    ex.emit(n, "Bincount", (arr, size, weights), T=n.outputs[0].dtype)


from . import tf_graphdef_export_nn  # noqa: E402,F401 (the nn and image ops)
