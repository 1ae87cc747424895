"""The import table's fourth batch (tf_graphdef_ops.py's form): the TF ops that
tf_graphdef_export_more3.py writes, read back into graphc's ops of the same meaning, so
graphc -> TF GraphDef -> graphc round-trips and TF1 graphs using them import: CTC loss and
decoders, EditDistance, non-max suppression, sets (SetSize and the Dense/Sparse set
operations), serialized tensors and SparseTensors, WAV audio, QuantizeV2 / Dequantize,
a Generator's V2 draws (Philox, TF's bits), fractional pooling (TF's sequences for fixed
seeds), files and Timestamp, CountUpTo, images (boxes, glimpses, projective transforms,
distorted boxes), CumulativeLogsumexp and MatrixExponential.

Seeded random ops (SampleDistortedBoundingBoxV2, ExtractGlimpse's noise) keep TF's seeds
but not TF's streams (RandomPoissonV2 imports in tf_graphdef_import_more6.py, seeded
alike). Refused, each with its reason: ThreeFry draws,
ExtractGlimpse's "zero" noise, fill modes other than CONSTANT, variant-serialized
SparseTensors, ragged / dense-only shapes graphc cannot hold.
"""
import graphc as gc

from .. import dtypes
from ..ops.registry import REGISTRY, apply, apply1
from .tf_graphdef_ops import OPS as _BASE_OPS, ref_variable, table_op

__all__ = ["OPS"]

OPS = {}

_op = table_op(OPS)


def _build(n, op, inputs, **attrs):
    """graphc's op `op` on inputs under the node's name: its outputs as a list."""
    return list(apply(REGISTRY[op], tuple(inputs), name=n.name, **attrs).outputs)


def _seed_pair(n):
    """TF's (seed, seed2) as graphc's seed attr: both 0 is TF's "random" (None)."""
    seed, seed2 = int(n.attr("seed", 0)), int(n.attr("seed2", 0))
    return None if seed == seed2 == 0 else (seed, seed2)


# ---- CTC and edit distance --------------------------------------------------------------
@_op("CTCLoss", "T =int64 =int32 =int32", "T T")
def _ctc_loss(n, x, idx, vals, seq_len):
    """TF's CTCLoss is tf.compat.v1.nn.ctc_loss (strict: labels checked as v1 does)."""
    return _build(n, "CTCLoss", (x, idx, vals, seq_len),
                  preprocess_collapse_repeated=bool(n.attr("preprocess_collapse_repeated",
                                                           False)),
                  ctc_merge_repeated=bool(n.attr("ctc_merge_repeated", True)),
                  ignore_longer_outputs_than_inputs=bool(
                      n.attr("ignore_longer_outputs_than_inputs", False)),
                  strict=True, with_grad=True)


@_op("CTCGreedyDecoder", "T =int32", "=int64 =int64 =int64 T")
def _ctc_greedy(n, x, seq_len):
    return _build(n, "CTCGreedyDecoder", (x, seq_len),
                  merge_repeated=bool(n.attr("merge_repeated", False)),
                  blank_index=int(n.attr("blank_index", -1)))


@_op("CTCBeamSearchDecoder", "T =int32",
     "top_paths*=int64 top_paths*=int64 top_paths*=int64 T")
def _ctc_beam(n, x, seq_len):
    """graphc's outputs are (indices, values, shape) per path; TF's all indices, then all
    values, then all shapes, then the log probabilities."""
    p = int(n.attr("top_paths"))
    beam = int(n.attr("beam_width"))
    if not 1 <= p <= beam:
        raise n.fail(f"top_paths {p} must be in [1, beam_width {beam}]")
    outs = _build(n, "CTCBeamSearchDecoder", (x, seq_len), beam_width=beam, top_paths=p,
                  merge_repeated=bool(n.attr("merge_repeated", True)))
    return [outs[3 * i + j] for j in range(3) for i in range(p)] + [outs[-1]]


@_op("EditDistance", "=int64 T =int64 =int64 T =int64", "=float32")
def _edit_distance(n, *parts):
    return _build(n, "EditDistance", parts, normalize=bool(n.attr("normalize", True)))


# ---- scans, matrices --------------------------------------------------------------------
@_op("CumulativeLogsumexp", "T Tidx", "T")
def _cumulative_logsumexp(n, x, axis):
    return _build(n, "CumulativeLogsumexp", (x,), axis=int(n.static(axis, "axis")),
                  exclusive=bool(n.attr("exclusive", False)),
                  reverse=bool(n.attr("reverse", False)))


@_op("MatrixExponential", "T", "T")
def _matrix_exponential(n, x):
    return _build(n, "MatrixExponential", (x,))


# ---- non-max suppression ----------------------------------------------------------------
@_op("NonMaxSuppressionV5", "T T =int32 T T T", "=int32 T =int32")
def _nms_v5(n, *ins):
    return _build(n, "NonMaxSuppressionV5", ins,
                  pad_to_max_output_size=bool(n.attr("pad_to_max_output_size", False)))


@_op("NonMaxSuppressionWithOverlaps", "=float32 =float32 =int32 =float32 =float32", "=int32")
def _nms_overlaps(n, *ins):
    return _build(n, "NonMaxSuppressionWithOverlaps", ins)


@_op("CombinedNonMaxSuppression", "=float32 =float32 =int32 =int32 =float32 =float32",
     "=float32 =float32 =float32 =int32")
def _combined_nms(n, *ins):
    return _build(n, "CombinedNonMaxSuppression", ins,
                  pad_per_class=bool(n.attr("pad_per_class", False)),
                  clip_boxes=bool(n.attr("clip_boxes", True)))


# ---- sets -------------------------------------------------------------------------------
@_op("SetSize", "=int64 T =int64", "=int32")
def _set_size(n, *parts):
    return _build(n, "SetSize", parts, validate_indices=bool(n.attr("validate_indices", True)))


def _set_operation(a_sparse, b_sparse):
    def build(n, *ins):
        op = n.attr("set_operation")
        if op not in ("a-b", "b-a", "intersection", "union"):
            raise n.fail(f"set_operation {op!r} is not a-b, b-a, intersection or union")
        return _build(n, "SetOperation", ins, set_operation=op, a_sparse=a_sparse,
                      b_sparse=b_sparse,
                      validate_indices=bool(n.attr("validate_indices", True)))
    return build


OPS["DenseToDenseSetOperation"] = (("T", "T"), ("=int64", "T", "=int64"),
                                   _set_operation(False, False))
OPS["DenseToSparseSetOperation"] = (("T", "=int64", "T", "=int64"), ("=int64", "T", "=int64"),
                                    _set_operation(False, True))
OPS["SparseToSparseSetOperation"] = (("=int64", "T", "=int64", "=int64", "T", "=int64"),
                                     ("=int64", "T", "=int64"), _set_operation(True, True))


# ---- serialized tensors and SparseTensors -----------------------------------------------
@_op("SerializeTensor", "T", "=string")
def _serialize_tensor(n, x):
    return _build(n, "SerializeTensor", (x,))


@_op("ParseTensor", "=string", "out_type")
def _parse_tensor(n, s):
    return _build(n, "ParseTensor", (s,), out_type=n.attr("out_type"))


def _serialize_sparse(many):
    def build(n, *parts):
        out = n.attr("out_type", dtypes.string)
        if out != dtypes.string:
            raise n.fail(f"out_type {out}: graphc serializes SparseTensors to strings only "
                         "(not DT_VARIANT)")
        return _build(n, "SerializeSparse", parts, many=many)
    return build


OPS["SerializeSparse"] = (("=int64", "T", "=int64"), ("out_type",), _serialize_sparse(False))
OPS["SerializeManySparse"] = (("=int64", "T", "=int64"), ("out_type",),
                              _serialize_sparse(True))


@_op("DeserializeManySparse", "=string", "=int64 dtype =int64")
def _deserialize_many_sparse(n, s):
    """TF's rank is known at run time only (graphc's rank attr None)."""
    return _build(n, "DeserializeManySparse", (s,), dtype=n.attr("dtype"), rank=None)


# ---- audio ------------------------------------------------------------------------------
@_op("DecodeWav", "=string", "=float32 =int32")
def _decode_wav(n, contents):
    return _build(n, "DecodeWav", (contents,),
                  desired_channels=int(n.attr("desired_channels", -1)),
                  desired_samples=int(n.attr("desired_samples", -1)))


@_op("EncodeWav", "=float32 =int32", "=string")
def _encode_wav(n, audio, rate):
    return _build(n, "EncodeWav", (audio, rate))


# ---- files, time, JSON ------------------------------------------------------------------
OPS["ReadFile"] = (("=string",), ("=string",), lambda n, f: _build(n, "ReadFile", (f,)))
OPS["WriteFile"] = (("=string", "=string"), (),
                    lambda n, f, c: apply(REGISTRY["WriteFile"], (f, c), name=n.name))
OPS["MatchingFiles"] = (("=string",), ("=string",),
                        lambda n, p: _build(n, "MatchingFiles", (p,)))
OPS["Timestamp"] = ((), ("=float64",), lambda n: _build(n, "Timestamp", ()))
OPS["DecodeJSONExample"] = (("=string",), ("=string",),
                            lambda n, j: _build(n, "DecodeJSONExample", (j,)))


# ---- variables --------------------------------------------------------------------------
@_op("CountUpTo", "T", "T")
def _count_up_to(n, ref):
    """TF1's count_up_to on a ref VariableV2."""
    var = ref_variable(n, ref, "graphc counts in variables only")
    return apply1(REGISTRY["CountUpTo"], (), name=n.name, var=var,
                  limit=int(n.attr("limit")))


# ---- quantization -----------------------------------------------------------------------
_QUANTIZED = {11: dtypes.qint8, 12: dtypes.quint8, 13: dtypes.qint32, 15: dtypes.qint16,
              16: dtypes.quint16}


def _quantized_t(n):
    """The node's quantized T attr (the common dtype table has no quantized types)."""
    n.used.add("T")
    if "T" not in n.nd.attr:
        raise n.fail("has no attr 'T'")
    t = _QUANTIZED.get(n.nd.attr["T"].type)
    if t is None:
        raise n.fail(f"T is DataType {n.nd.attr['T'].type}, not a quantized type graphc has "
                     "(qint8, quint8, qint16, quint16, qint32)")
    return t


_BASE_CAST = _BASE_OPS["Cast"][2]


def _cast(n, x):
    """Cast, quantized dtypes included (graphc's Cast converts to and from them, TF's
    too); other casts are tf_graphdef_ops.py's, with its type checks."""
    from .tf_graphdef_import import _check_types
    quantized = {k: _QUANTIZED.get(n.nd.attr[k].type) for k in ("SrcT", "DstT")
                 if k in n.nd.attr and n.nd.attr[k].WhichOneof("value") == "type"}
    if not any(quantized.values()):
        _check_types(n, ("SrcT",), [x], "input")
        out = _BASE_CAST(n, x)
        _check_types(n, ("DstT",), [out], "output")
        return out
    n.used.update(("SrcT", "DstT"))
    src = quantized.get("SrcT") or n.decode("SrcT", n.nd.attr["SrcT"])
    dst = quantized.get("DstT") or n.decode("DstT", n.nd.attr["DstT"])
    if x.dtype != src:
        raise n.fail(f"input 0 ({x.name}) is {x.dtype.name}, but SrcT is {src.name}")
    n.attr("Truncate", False)                   # integers: no float rounding to truncate
    return gc.cast(x, dst, name=n.name)


OPS["Cast"] = (("?",), ("?",), _cast)


@_op("QuantizeV2", "=float32 =float32 =float32", "? =float32 =float32")
def _quantize_v2(n, x, lo, hi):
    return _build(n, "QuantizeV2", (x, lo, hi), T=_quantized_t(n),
                  mode=n.attr("mode", "MIN_COMBINED"),
                  round_mode=n.attr("round_mode", "HALF_AWAY_FROM_ZERO"),
                  narrow_range=bool(n.attr("narrow_range", False)),
                  axis=int(n.attr("axis", -1)),
                  ensure_minimum_range=float(n.attr("ensure_minimum_range", 0.01)))


@_op("Dequantize", "? =float32 =float32", "dtype")
def _dequantize(n, x, lo, hi):
    t = _quantized_t(n)
    if x.dtype != t:
        raise n.fail(f"input 0 ({x.name}) is {x.dtype.name}, but T is {t.name}")
    return _build(n, "Dequantize", (x, lo, hi), mode=n.attr("mode", "MIN_COMBINED"),
                  narrow_range=bool(n.attr("narrow_range", False)),
                  axis=int(n.attr("axis", -1)), dtype=n.attr("dtype", dtypes.float32))


# ---- a Generator's draws: graphc's Philox streams are TF's -------------------------------
_PHILOX, _AUTO = 1, 3


def _alg(n, alg):
    a = int(n.static(alg, "alg"))
    if a not in (_PHILOX, _AUTO):
        raise n.fail(f"algorithm {a}: graphc draws Philox (1, or 3: auto-select, Philox on "
                     "CPU); TF's ThreeFry stream differs")
    return a


def _stateless_v2(n, shape, key, counter, alg):
    return _build(n, n.op, (shape, key, counter), dtype=n.attr("dtype"), alg=_alg(n, alg))


for _name in ("StatelessRandomUniformV2", "StatelessRandomNormalV2",
              "StatelessTruncatedNormalV2", "StatelessRandomUniformFullIntV2"):
    OPS[_name] = (("Tshape", "=uint64", "=uint64", "=int32"), ("dtype",), _stateless_v2)


@_op("StatelessRandomUniformIntV2", "Tshape =uint64 =uint64 =int32 dtype dtype", "dtype")
def _stateless_int_v2(n, shape, key, counter, alg, lo, hi):
    return _build(n, n.op, (shape, key, counter, lo, hi), dtype=n.attr("dtype"),
                  alg=_alg(n, alg))


# ---- images -----------------------------------------------------------------------------
@_op("DrawBoundingBoxesV2", "T =float32 =float32", "T")
def _draw_boxes(n, images, boxes, colors):
    return _build(n, "DrawBoundingBoxesV2", (images, boxes, colors))


@_op("ExtractGlimpse", "=float32 =int32 =float32", "=float32")
def _extract_glimpse(n, images, size, offsets):
    """TF1's ExtractGlimpse: uniform_noise, else `noise` ("uniform" or "gaussian"); the
    noise outside the image is random (not TF's draws)."""
    uniform, noise = bool(n.attr("uniform_noise", True)), n.attr("noise", "uniform")
    if uniform and noise not in ("", "uniform"):
        raise n.fail(f"uniform_noise and noise={noise!r} together (TF raises)")
    noise = "uniform" if uniform else noise
    if noise not in ("uniform", "gaussian"):
        raise n.fail(f"noise {noise!r}: graphc fills outside the image with uniform or "
                     "gaussian noise only")
    return _build(n, "ExtractGlimpse", (images, size, offsets), seed=None,
                  centered=bool(n.attr("centered", True)),
                  normalized=bool(n.attr("normalized", True)),
                  uniform_noise=noise == "uniform")


@_op("ImageProjectiveTransformV2", "dtype =float32 =int32", "dtype")
def _projective_transform(n, images, transforms, shape):
    fill = n.attr("fill_mode", "CONSTANT")
    if fill != "CONSTANT":
        raise n.fail(f"fill_mode {fill!r}: graphc's transform fills with zeros (CONSTANT) "
                     "only")
    interp = n.attr("interpolation")
    if interp not in ("NEAREST", "BILINEAR"):
        raise n.fail(f"interpolation {interp!r} is not NEAREST or BILINEAR")
    return _build(n, "ImageProjectiveTransformV2", (images, transforms, shape),
                  interpolation=interp)


@_op("SampleDistortedBoundingBoxV2", "T =float32 =float32", "T T =float32")
def _sample_distorted_box(n, size, boxes, covered):
    """Seeded as TF's (seed, seed2); graphc's draws are not TF's stream."""
    return _build(n, "SampleDistortedBoundingBoxV2", (size, boxes, covered),
                  seed=_seed_pair(n),
                  aspect_ratio_range=tuple(float(v) for v in n.attr("aspect_ratio_range",
                                                                    [0.75, 1.33])),
                  area_range=tuple(float(v) for v in n.attr("area_range", [0.05, 1.0])),
                  max_attempts=int(n.attr("max_attempts", 100)),
                  use_image_if_no_bounding_boxes=bool(
                      n.attr("use_image_if_no_bounding_boxes", False)))


# ---- fractional pooling: TF's pooling sequences for TF's seeds --------------------------
def _fractional_pool(n, x):
    ratio = tuple(float(r) for r in n.attr("pooling_ratio"))
    return _build(n, n.op, (x,), pooling_ratio=ratio,
                  pseudo_random=bool(n.attr("pseudo_random", False)),
                  overlapping=bool(n.attr("overlapping", False)),
                  deterministic=bool(n.attr("deterministic", False)),
                  seeds=(int(n.attr("seed", 0)), int(n.attr("seed2", 0))))


OPS["FractionalMaxPool"] = (("T",), ("T", "=int64", "=int64"), _fractional_pool)
OPS["FractionalAvgPool"] = (("T",), ("T", "=int64", "=int64"), _fractional_pool)


@_op("FractionalMaxPoolGrad", "T T T =int64 =int64", "T")
def _fractional_max_pool_grad(n, *ins):
    return _build(n, n.op, ins, overlapping=bool(n.attr("overlapping", False)))


@_op("FractionalAvgPoolGrad", "=int64 T =int64 =int64", "T")
def _fractional_avg_pool_grad(n, *ins):
    return _build(n, n.op, ins, overlapping=bool(n.attr("overlapping", False)))
