"""The export table's third batch (see tf_graphdef_export_ops.py): boolean_mask and its
transpose as the ops tf.boolean_mask builds, variable checks and initialized_value (a TF1
cond), files, CTC, edit distance, non-max suppression, sets, serialized tensors, audio,
quantization, Generator draws, glimpses and projective transforms, fractional pooling,
and the matrix exponential (graphc's algorithm, its squarings a TF1 while loop).

Random ops seeded by attrs (RandomPoissonV2, SampleDistortedBoundingBoxV2) get TF's seed /
seed2 but do not draw TF's numbers; a Generator's V2 draws and fractional pooling's
deterministic sequences are TF's bits."""
import numpy as np

from .. import dtypes
from .tf_graphdef import AttrValue
from .tf_graphdef_export import export, in_dtype as _T, rank_of as _rank, seeds

__all__ = []

_i32, _i64 = dtypes.int32, dtypes.int64


# ---- boolean_mask: TF has no op; tf.boolean_mask's Reshape / Where / Squeeze / GatherV2 ----
def _shape_parts(ex, n, shape, axis, k, t):
    """concat(shape[:axis], [prod(shape[axis:axis+k])], shape[axis+k:]): the shape with
    the mask's k dims collapsed into one (shape: a 1-D tensor of dtype t)."""
    def piece(begin, size, label):
        return ex.emit(n, "Slice", (shape, ex.const(n, f"{label}/begin", [begin], t),
                                    ex.const(n, f"{label}/size", [size], t)),
                       name=label, T=t, Index=t)
    masked = ex.emit(n, "Prod", (piece(axis, k, "masked_dims"), ex.const(n, "prod_axis", [0])),
                     name="Prod", T=t, Tidx=_i32, keep_dims=True)
    return ex.emit(n, "ConcatV2", (piece(0, axis, "leading_dims"), masked,
                                   piece(axis + k, -1, "trailing_dims"),
                                   ex.const(n, "concat_axis", 0)),
                   name="concat", N=3, T=t, Tidx=_i32)


def _flat_mask(ex, n, mask):
    """The mask as a vector (tf.boolean_mask's reshape(mask, [-1])), and Where of it."""
    if _rank(mask) != 1:
        mask = ex.emit(n, "Reshape", (mask, ex.const(n, "mask_shape", [-1])),
                       name="Reshape_mask", T=dtypes.bool_, Tshape=_i32)
    return ex.emit(n, "Where", (mask,), name="Where", T=dtypes.bool_)


@export("BooleanMask")
def _boolean_mask(ex, n):
    """tf.boolean_mask: the mask's dims of tensor collapsed into one (a Reshape), the
    true positions of the flattened mask (Where, Squeeze) gathered along `axis`."""
    tensor, mask = n.inputs
    axis, k, t = int(n.attrs["axis"]), _rank(mask), tensor.dtype
    if k > 1:
        shape = ex.emit(n, "Shape", (tensor,), name="Shape", T=t, out_type=_i32)
        tensor = ex.emit(n, "Reshape", (tensor, _shape_parts(ex, n, shape, axis, k, _i32)),
                         name="Reshape", T=t, Tshape=_i32)
    where = _flat_mask(ex, n, mask)
    idx = ex.emit(n, "Squeeze", (where,), name="Squeeze", T=_i64, squeeze_dims=[1])
    ex.emit(n, "GatherV2", (tensor, idx, ex.const(n, "axis", axis)), Tparams=t,
            Tindices=_i64, Taxis=_i32, batch_dims=0)


@export("BooleanMaskGrad")
def _boolean_mask_grad(ex, n):
    """TF's gradient of tf.boolean_mask: g scattered (ScatterNd at the mask's true
    positions) into the shape with the mask's dims collapsed, the gathered axis moved to
    the front and back (GatherV2's gradient transposes so), then reshaped to `shape`."""
    g, mask, shape = n.inputs
    axis, k, t = int(n.attrs["axis"]), _rank(mask), g.dtype
    r = _rank(g)
    if r is None:
        raise ex.fail(n, "a gradient of unknown rank (its axis is moved by a Transpose)")
    if shape.dtype != _i64:
        shape = ex.emit(n, "Cast", (shape,), name="Cast", SrcT=shape.dtype, DstT=_i64,
                        Truncate=False)
    collapsed = shape if k == 1 else _shape_parts(ex, n, shape, axis, k, _i64)
    where = _flat_mask(ex, n, mask)
    last = {"name": None} if k == 1 else {"name": "scattered"}   # k > 1: a Reshape follows
    if axis == 0:
        out = ex.emit(n, "ScatterNd", (where, g, collapsed), T=t, Tindices=_i64,
                      bad_indices_policy="", **last)
    else:
        perm = [axis] + [d for d in range(r) if d != axis]
        inverse = [perm.index(d) for d in range(r)]
        moved = ex.emit(n, "Transpose", (g, ex.const(n, "perm", perm)), name="Transpose",
                        T=t, Tperm=_i32)
        front = ex.emit(n, "GatherV2", (collapsed, ex.const(n, "perm_gather", perm),
                                        ex.const(n, "gather_axis", 0)),
                        name="moved_shape", Tparams=_i64, Tindices=_i32, Taxis=_i32,
                        batch_dims=0)
        scattered = ex.emit(n, "ScatterNd", (where, moved, front), name="ScatterNd", T=t,
                            Tindices=_i64, bad_indices_policy="")
        out = ex.emit(n, "Transpose", (scattered, ex.const(n, "inverse_perm", inverse)),
                      T=t, Tperm=_i32, **last)
    if k > 1:
        ex.emit(n, "Reshape", (out, shape), T=t, Tshape=_i64)


# ---- variables --------------------------------------------------------------------------
@export("IsVariableInitialized")
def _is_variable_initialized(ex, n):
    var = n.attrs["var"]
    if var.type != "VariableV2":
        raise ex.fail(n, f"a {var.type} variable (TF's op reads a ref VariableV2)")
    ex.emit(n, "IsVariableInitialized", (var.name,), dtype=var.outputs[0].dtype)


@export("CountUpTo")
def _count_up_to(ex, n):
    var = n.attrs["var"]
    if var.type != "VariableV2":
        raise ex.fail(n, f"a {var.type} variable (TF's op updates a ref VariableV2)")
    ex.emit(n, "CountUpTo", (var.name,), control=ex.reads_before(n, var),
            T=var.outputs[0].dtype, limit=int(n.attrs["limit"]))


# ---- files, time ------------------------------------------------------------------------
@export("ReadFile", "WriteFile", "MatchingFiles", "Timestamp", "DecodeJSONExample")
def _plain(ex, n):
    ex.emit(n, n.type, n.inputs)


# ---- CTC and edit distance --------------------------------------------------------------
@export("EditDistance")
def _edit_distance(ex, n):
    ex.emit(n, "EditDistance", n.inputs, T=_T(n, 1), normalize=bool(n.attrs["normalize"]))


@export("CTCLoss")
def _ctc_loss(ex, n):
    """TF's CTCLoss has both outputs always (graphc's with_grad=False only skips work)."""
    a = n.attrs
    if not a["strict"]:
        raise ex.fail(n, "ctc_loss_v2's dense semantics (TF builds them from many ops, "
                         "ctc_loss_dense; TF's CTCLoss op is v1's)")
    ex.emit(n, "CTCLoss", n.inputs, T=_T(n),
            preprocess_collapse_repeated=bool(a["preprocess_collapse_repeated"]),
            ctc_merge_repeated=bool(a["ctc_merge_repeated"]),
            ignore_longer_outputs_than_inputs=bool(a["ignore_longer_outputs_than_inputs"]))


@export("CTCGreedyDecoder")
def _ctc_greedy(ex, n):
    ex.emit(n, "CTCGreedyDecoder", n.inputs, T=_T(n),
            merge_repeated=bool(n.attrs["merge_repeated"]),
            blank_index=int(n.attrs["blank_index"]))


@export("CTCBeamSearchDecoder")
def _ctc_beam(ex, n):
    """graphc's outputs are (indices, values, shape) per path, then the log
    probabilities; TF's op gives all paths' indices, then all values, then all shapes:
    an IdentityN under the node's name puts them in graphc's order."""
    a, p = n.attrs, int(n.attrs["top_paths"])
    op = ex.emit(n, "CTCBeamSearchDecoder", n.inputs, name="CTCBeamSearchDecoder", T=_T(n),
                 beam_width=int(a["beam_width"]), top_paths=p,
                 merge_repeated=bool(a["merge_repeated"]))
    order = [j * p + i for i in range(p) for j in range(3)] + [3 * p]
    ex.emit(n, "IdentityN", [f"{op}:{k}" if k else op for k in order],
            T=[t.dtype for t in n.outputs])


# ---- scans ------------------------------------------------------------------------------
@export("CumulativeLogsumexp")
def _cumulative_logsumexp(ex, n):
    ex.emit(n, "CumulativeLogsumexp", (n.inputs[0], ex.const(n, "axis", int(n.attrs["axis"]))),
            T=_T(n), Tidx=_i32, exclusive=bool(n.attrs["exclusive"]),
            reverse=bool(n.attrs["reverse"]))


# ---- non-max suppression ----------------------------------------------------------------
@export("NonMaxSuppressionV5")
def _nms_v5(ex, n):
    ex.emit(n, "NonMaxSuppressionV5", n.inputs, T=_T(n),
            pad_to_max_output_size=bool(n.attrs["pad_to_max_output_size"]))


@export("NonMaxSuppressionWithOverlaps")
def _nms_overlaps(ex, n):
    ex.emit(n, "NonMaxSuppressionWithOverlaps", n.inputs)


@export("CombinedNonMaxSuppression")
def _combined_nms(ex, n):
    ex.emit(n, "CombinedNonMaxSuppression", n.inputs,
            pad_per_class=bool(n.attrs["pad_per_class"]),
            clip_boxes=bool(n.attrs["clip_boxes"]))


# ---- sets -------------------------------------------------------------------------------
@export("SetSize")
def _set_size(ex, n):
    ex.emit(n, "SetSize", n.inputs, T=_T(n, 1),
            validate_indices=bool(n.attrs["validate_indices"]))


_FLIP = {"a-b": "b-a", "b-a": "a-b", "intersection": "intersection", "union": "union"}


@export("SetOperation")
def _set_operation(ex, n):
    """Dense-dense, dense-sparse and sparse-sparse are TF's three ops; sparse-dense is
    dense-sparse with the operands swapped (a-b becomes b-a), as tf.sets does."""
    a = n.attrs
    op, ins = a["set_operation"], list(n.inputs)
    if a["a_sparse"] and not a["b_sparse"]:
        ins, op = [ins[3], *ins[:3]], _FLIP[op]
    kind = {(False, False): "DenseToDense", (True, True): "SparseToSparse"}.get(
        (a["a_sparse"], a["b_sparse"]), "DenseToSparse")
    t = n.outputs[1].dtype
    ex.emit(n, f"{kind}SetOperation", ins, T=t, set_operation=op,
            validate_indices=bool(a["validate_indices"]))


# ---- serialized tensors -----------------------------------------------------------------
@export("SerializeTensor")
def _serialize_tensor(ex, n):
    ex.emit(n, "SerializeTensor", n.inputs, T=_T(n))


@export("ParseTensor")
def _parse_tensor(ex, n):
    ex.emit(n, "ParseTensor", n.inputs, out_type=n.outputs[0].dtype)


@export("SerializeSparse")
def _serialize_sparse(ex, n):
    op = "SerializeManySparse" if n.attrs["many"] else "SerializeSparse"
    ex.emit(n, op, n.inputs, T=_T(n, 1), out_type=dtypes.string)


@export("DeserializeManySparse")
def _deserialize_many_sparse(ex, n):
    ex.emit(n, "DeserializeManySparse", n.inputs, dtype=n.attrs["dtype"])


# ---- audio ------------------------------------------------------------------------------
@export("DecodeWav")
def _decode_wav(ex, n):
    ex.emit(n, "DecodeWav", n.inputs, desired_channels=int(n.attrs["desired_channels"]),
            desired_samples=int(n.attrs["desired_samples"]))


@export("EncodeWav")
def _encode_wav(ex, n):
    ex.emit(n, "EncodeWav", n.inputs)


# ---- quantization -----------------------------------------------------------------------
_QUANTIZED = {"qint8": 11, "quint8": 12, "qint32": 13, "qint16": 15, "quint16": 16}


def _qtype(dtype):
    """A quantized dtype as TF's DataType attr (the importer's dtype table has none)."""
    return AttrValue(type=_QUANTIZED[dtype.name])


def _any_type(dtype):
    return _qtype(dtype) if dtype.name in _QUANTIZED else dtype


@export("Cast")
def _cast(ex, n):
    """Cast, quantized dtypes included (TF's Cast converts to and from them)."""
    ex.emit(n, "Cast", n.inputs, SrcT=_any_type(_T(n)), DstT=_any_type(n.outputs[0].dtype),
            Truncate=False)


@export("QuantizeV2")
def _quantize_v2(ex, n):
    a = n.attrs
    ex.emit(n, "QuantizeV2", n.inputs, T=_qtype(a["T"]), mode=a["mode"], round_mode=a["round_mode"],
            narrow_range=bool(a["narrow_range"]), axis=int(a["axis"]),
            ensure_minimum_range=float(a["ensure_minimum_range"]))


@export("Dequantize")
def _dequantize(ex, n):
    a = n.attrs
    ex.emit(n, "Dequantize", n.inputs, T=_qtype(_T(n)), mode=a["mode"],
            narrow_range=bool(a["narrow_range"]), axis=int(a["axis"]), dtype=a["dtype"])


# ---- a Generator's draws: graphc's Philox streams are TF's ------------------------------
_PHILOX, _AUTO = 1, 3


def _alg(ex, n):
    alg = int(n.attrs["alg"])
    if alg not in (_PHILOX, _AUTO):
        raise ex.fail(n, f"algorithm {alg} (graphc draws Philox; TF's ThreeFry stream differs)")
    return ex.const(n, "alg", alg)


@export("StatelessRandomUniformV2", "StatelessRandomNormalV2", "StatelessTruncatedNormalV2",
        "StatelessRandomUniformFullIntV2")
def _stateless_v2(ex, n):
    ex.emit(n, n.type, (*n.inputs[:3], _alg(ex, n)), dtype=n.outputs[0].dtype, Tshape=_T(n))


@export("StatelessRandomUniformIntV2")
def _stateless_int_v2(ex, n):
    shape, key, counter, lo, hi = n.inputs
    ex.emit(n, n.type, (shape, key, counter, _alg(ex, n), lo, hi),
            dtype=n.outputs[0].dtype, Tshape=shape.dtype)


# ---- images -----------------------------------------------------------------------------
@export("DrawBoundingBoxesV2")
def _draw_boxes(ex, n):
    ex.emit(n, "DrawBoundingBoxesV2", n.inputs, T=_T(n))


@export("ExtractGlimpse")
def _extract_glimpse(ex, n):
    """TF's first ExtractGlimpse: its window corner is graphc's (ExtractGlimpseV2 rounds
    it otherwise). The noise outside the image is random in both, not the same draws."""
    a = n.attrs
    ex.emit(n, "ExtractGlimpse", n.inputs, centered=bool(a["centered"]),
            normalized=bool(a["normalized"]), uniform_noise=bool(a["uniform_noise"]),
            noise="uniform" if a["uniform_noise"] else "gaussian")


@export("ImageProjectiveTransformV2")
def _projective_transform(ex, n):
    ex.emit(n, "ImageProjectiveTransformV2", n.inputs, dtype=_T(n),
            interpolation=n.attrs["interpolation"], fill_mode="CONSTANT")


@export("SampleDistortedBoundingBoxV2")
def _sample_distorted_box(ex, n):
    """Seeded as TF's (seed, seed2); graphc's draws are not TF's stream."""
    a = n.attrs
    seed, seed2 = seeds(n)
    ex.emit(n, "SampleDistortedBoundingBoxV2", n.inputs, T=_T(n), seed=seed, seed2=seed2,
            aspect_ratio_range=[float(v) for v in a["aspect_ratio_range"]],
            area_range=[float(v) for v in a["area_range"]],
            max_attempts=int(a["max_attempts"]),
            use_image_if_no_bounding_boxes=bool(a["use_image_if_no_bounding_boxes"]))


# ---- fractional pooling: graphc draws the pooling sequences as TF does for its seeds ------
@export("FractionalMaxPool", "FractionalAvgPool")
def _fractional_pool(ex, n):
    a = n.attrs
    seed, seed2 = a["seeds"]
    ex.emit(n, n.type, n.inputs, T=_T(n), pooling_ratio=[float(r) for r in a["pooling_ratio"]],
            pseudo_random=bool(a["pseudo_random"]), overlapping=bool(a["overlapping"]),
            deterministic=bool(a["deterministic"]), seed=int(seed), seed2=int(seed2))


@export("FractionalMaxPoolGrad")
def _fractional_max_pool_grad(ex, n):
    ex.emit(n, n.type, n.inputs, T=_T(n), overlapping=bool(n.attrs["overlapping"]))


@export("FractionalAvgPoolGrad")
def _fractional_avg_pool_grad(ex, n):
    """TF's takes the input's shape as int64."""
    shape, *rest = n.inputs
    if shape.dtype != _i64:
        shape = ex.emit(n, "Cast", (shape,), name="Cast", SrcT=shape.dtype, DstT=_i64,
                        Truncate=False)
    ex.emit(n, n.type, (shape, *rest), T=_T(n, 1), overlapping=bool(n.attrs["overlapping"]))


# ---- random -----------------------------------------------------------------------------
@export("RandomPoissonV2")
def _random_poisson(ex, n):
    """Seeded as TF's (seed, seed2); graphc's draws are not TF's stream."""
    seed, seed2 = seeds(n)
    ex.emit(n, "RandomPoissonV2", n.inputs, seed=seed, seed2=seed2, S=_T(n), R=_T(n, 1),
            dtype=n.outputs[0].dtype)


def _outside_functions(ex, n, why):
    """Refuse TF1 control flow (Switch, Merge, Enter ...) in a FunctionDef's body."""
    if getattr(ex, "top", ex) is not ex:
        raise ex.fail(n, f"inside a cond branch or loop body (a TF function): {why}, "
                         "whose ops TF's functions cannot hold")


# ---- Variable.initialized_value: TF1's v1 cond on IsVariableInitialized -----------------
@export("InitializedValue")
def _initialized_value(ex, n):
    """cond(is_variable_initialized(v), v.read_value, lambda: initial) as TF1 builds it:
    the variable through a RefSwitch (read only where it is initialized), the initial
    value through a Switch, each branch an Identity, joined by a Merge."""
    var, (initial,) = n.attrs["var"], n.inputs
    _outside_functions(ex, n, "it is a TF1 cond")
    if var.type != "VariableV2":
        raise ex.fail(n, f"a {var.type} variable (TF1's cond reads a ref VariableV2)")
    t = var.outputs[0].dtype
    pred = ex.emit(n, "IsVariableInitialized", (var.name,), name="IsVariableInitialized",
                   dtype=t)
    ref = ex.emit(n, "RefSwitch", (var.name, pred), name="read/Switch", T=t)
    read = ex.emit(n, "Identity", (f"{ref}:1",), name="read", T=t)
    switch = ex.emit(n, "Switch", (initial, pred), name="initial/Switch", T=t)
    init = ex.emit(n, "Identity", (switch,), name="initial", T=t)
    ex.emit(n, "Merge", (init, read), N=2, T=t)


# ---- MatrixExponential: graphc's algorithm in TF ops, its squarings a TF1 while loop -------
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


class _Ops:
    """Emits the inner nodes of one graphc node n computing in dtype t (one line each)."""

    def __init__(self, ex, n, t):
        self.ex, self.n, self.t = ex, n, t

    def op(self, op, *ins, name=None, **attrs):
        return self.ex.emit(self.n, op, ins, name=name or op, **attrs)

    def c(self, value, dtype=None, control=None):
        name = self.ex.const(self.n, "Const", value, dtype or self.t)
        if control is not None:           # a constant inside a while frame: on its pivot
            self.ex.last.input.append("^" + control)
        return name

    def mm(self, a, b):
        return self.op("BatchMatMulV2", a, b, T=self.t, adj_x=False, adj_y=False)

    def add(self, a, b):
        return self.op("AddV2", a, b, T=self.t)

    def scale(self, k, a):
        return self.op("Mul", self.c(k), a, T=self.t)

    def poly(self, first, terms):
        """first + sum of k * m for (k, m) in terms, added left to right (numpy's order)."""
        for k, m in terms:
            first = self.add(first, self.scale(k, m))
        return first


@export("MatrixExponential")
def _matrix_exponential(ex, n):
    """graphc's kernel step by step, not TF's tf.linalg.expm (Pade orders 3-13 chosen by
    the norm, floor of the squarings, float32 kept): in float64 / complex128, Pade
    [13/13] of A / 2^s, s = max(0, ceil(log2(|A|_1 / theta13))) per matrix, solved
    (MatrixSolve) and squared max(s) times in a TF1 while loop (Enter, Merge, LoopCond,
    Switch, NextIteration, Exit) whose body squares the matrices with k < s."""
    (x,) = n.inputs
    t = x.dtype
    dims = x.shape._dims
    _outside_functions(ex, n, "its squarings are a TF1 while loop")
    if dims is None or dims[-1] is None:
        raise ex.fail(n, "matrices of unknown size (the Pade identity is a Const)")
    m = int(dims[-1])
    if m == 0:
        ex.emit(n, "Identity", (x,), T=t)
        return
    w = dtypes.complex128 if t.is_complex else dtypes.float64
    f64 = dtypes.float64
    o, fo = _Ops(ex, n, w), _Ops(ex, n, f64)
    xw = x if t == w else o.op("Cast", x, SrcT=t, DstT=w, Truncate=False)
    shape = o.op("Shape", xw, T=w, out_type=_i32)
    a = o.op("Reshape", xw, o.c([-1, m, m], _i32), T=w, Tshape=_i32)
    absa = (o.op("ComplexAbs", a, T=w, Tout=f64) if t.is_complex
            else o.op("Abs", a, T=w))
    col = fo.op("Sum", absa, fo.c(1, _i32), T=f64, Tidx=_i32, keep_dims=False)
    norm = fo.op("Max", col, fo.c(1, _i32), T=f64, Tidx=_i32, keep_dims=False)
    log2 = fo.op("RealDiv", fo.op("Log", fo.op("RealDiv", norm, fo.c(_THETA13), T=f64),
                                  T=f64), fo.c(0.6931471805599453), T=f64)
    s = fo.op("Maximum", fo.c(0.0), fo.op("Ceil", log2, T=f64), T=f64)
    s3 = fo.op("Reshape", s, fo.c([-1, 1, 1], _i32), T=f64, Tshape=_i32)
    div = fo.op("Pow", fo.c(2.0), s3, T=f64)
    if t.is_complex:
        div = o.op("Cast", div, SrcT=f64, DstT=w, Truncate=False)
    a = o.op("RealDiv", a, div, T=w)
    b, eye = _PADE13, o.c(np.eye(m))
    a2 = o.mm(a, a)
    a4 = o.mm(a2, a2)
    a6 = o.mm(a4, a2)
    inner = o.poly(o.scale(b[13], a6), [(b[11], a4), (b[9], a2)])
    u = o.mm(a, o.poly(o.mm(a6, inner), [(b[7], a6), (b[5], a4), (b[3], a2), (b[1], eye)]))
    inner = o.poly(o.scale(b[12], a6), [(b[10], a4), (b[8], a2)])
    v = o.poly(o.mm(a6, inner), [(b[6], a6), (b[4], a4), (b[2], a2), (b[0], eye)])
    r = o.op("MatrixSolve", o.op("Sub", v, u, T=w), o.add(v, u), T=w, adjoint=False)
    most = fo.op("Max", s, fo.c(0, _i32), T=f64, Tidx=_i32, keep_dims=False)
    r = _squarings(o, fo, r, s3, most)
    r = o.op("Reshape", r, shape, T=w, Tshape=_i32)
    if t == w:
        ex.emit(n, "Identity", (r,), T=t)
    else:
        ex.emit(n, "Cast", (r,), SrcT=w, DstT=t, Truncate=False)


def _squarings(o, fo, r, s3, most):
    """while i < most: r = where(i < s3, r @ r, r); i += 1 (a TF1 while loop)."""
    ex, n, w, f64 = o.ex, o.n, o.t, dtypes.float64
    frame = f"{n.name}/while/while_context"
    enter = {"frame_name": frame, "parallel_iterations": 10}
    i = fo.op("Enter", fo.c(0.0), name="while/Enter", T=f64, is_constant=False, **enter)
    rr = o.op("Enter", r, name="while/Enter", T=w, is_constant=False, **enter)
    most = fo.op("Enter", most, name="while/Enter", T=f64, is_constant=True, **enter)
    s3 = fo.op("Enter", s3, name="while/Enter", T=f64, is_constant=True, **enter)
    mi = fo.op("Merge", i, i, name="while/Merge", N=2, T=f64)
    merge_i = ex.last
    mr = o.op("Merge", rr, rr, name="while/Merge", N=2, T=w)
    merge_r = ex.last
    go = fo.op("LoopCond", fo.op("Less", mi, most, name="while/Less", T=f64),
               name="while/LoopCond")
    si = fo.op("Switch", mi, go, name="while/Switch", T=f64)
    sr = o.op("Switch", mr, go, name="while/Switch", T=w)
    bi = fo.op("Identity", f"{si}:1", name="while/Identity", T=f64)
    br = o.op("Identity", f"{sr}:1", name="while/Identity", T=w)
    sq = o.op("BatchMatMulV2", br, br, name="while/MatMul", T=w, adj_x=False, adj_y=False)
    keep = fo.op("Less", bi, s3, name="while/Less", T=f64)
    nr = o.op("SelectV2", keep, sq, br, name="while/SelectV2", T=w)
    ni = fo.op("AddV2", bi, fo.c(1.0, control=bi), name="while/add", T=f64)
    merge_i.input[1] = fo.op("NextIteration", ni, name="while/NextIteration", T=f64)
    merge_r.input[1] = o.op("NextIteration", nr, name="while/NextIteration", T=w)
    fo.op("Exit", si, name="while/Exit", T=f64)
    return o.op("Exit", sr, name="while/Exit", T=w)
