"""Parity of raw_ops with tf.raw_ops: the same keyword arguments given to both, on
placeholders fed with the same arrays (tf_parity.check): same values, dtypes, shapes
and gradients; plus TF's argument errors, signatures and return types."""
import inspect

import numpy as np
import pytest

import graphc as gc
from graphc.io.raw_ops import raw_ops
from tf_parity import check, rand, tf, v1

F = rand(3, 4, dtype=np.float32, seed=1)
F2 = rand(3, 4, dtype=np.float32, seed=2)
POS = np.abs(F) + 0.5
UNIT = np.clip(F / 2.5, -0.9, 0.9).astype(np.float32)
I = np.array([[7, -7, 9], [-3, 4, 1]], np.int32)
J = np.array([[2, 3, -4], [5, 1, 3]], np.int32)
IMG = rand(2, 6, 5, 3, dtype=np.float32, seed=3)
SPD = (lambda a: a @ a.T + 3 * np.eye(3, dtype=np.float32))(rand(3, 3, dtype=np.float32))
CPLX = (F + 1j * F2).astype(np.complex64)
B = F > 0
B2 = F2 > 0


def raw(m):
    return raw_ops if m is gc else tf.raw_ops


# ---- elementwise ops: (op, input array, keyword) ----------------------------------------
UNARY = [("Abs", F), ("Acos", UNIT), ("Acosh", POS + 1), ("Asin", UNIT), ("Asinh", F),
         ("Atan", F), ("Atanh", UNIT), ("BesselI0e", F), ("BesselI1e", F), ("BesselJ0", F),
         ("BesselJ1", F), ("BesselK0", POS), ("BesselK0e", POS), ("BesselK1", POS),
         ("BesselK1e", POS), ("BesselY0", POS), ("BesselY1", POS), ("Ceil", F), ("Cos", F),
         ("Cosh", F), ("Dawsn", F), ("Digamma", POS), ("Erf", F), ("Erfc", F),
         ("Erfinv", UNIT), ("Exp", F), ("Expint", POS), ("Expm1", F), ("Floor", F),
         ("FresnelCos", F), ("FresnelSin", F), ("Lgamma", POS), ("Log", POS),
         ("Log1p", POS), ("Ndtri", (UNIT + 1) / 2), ("Neg", F), ("Reciprocal", POS),
         ("Rint", F), ("Round", F), ("Rsqrt", POS), ("Sigmoid", F), ("Sign", F),
         ("Sin", F), ("Sinh", F), ("Spence", POS), ("Sqrt", POS), ("Square", F),
         ("Tan", UNIT), ("Tanh", F), ("IsFinite", F), ("IsInf", F), ("IsNan", F),
         ("OnesLike", F), ("ZerosLike", F), ("Identity", F), ("Snapshot", F),
         ("StopGradient", F), ("Rank", F), ("Invert", I)]
FEATURES = ["Elu", "Relu", "Relu6", "Selu", "Softplus", "Softsign", "LeakyRelu"]
BINARY = [("Add", F, F2), ("AddV2", F, F2), ("Sub", F, F2), ("Mul", F, F2),
          ("RealDiv", F, POS), ("Maximum", F, F2), ("Minimum", F, F2), ("Pow", POS, F2),
          ("SquaredDifference", F, F2), ("FloorDiv", F, POS), ("FloorMod", F, POS),
          ("DivNoNan", F, F2), ("MulNoNan", F, F2), ("TruncateDiv", I, J),
          ("TruncateMod", I, J), ("BitwiseAnd", I, J), ("BitwiseOr", I, J),
          ("BitwiseXor", I, J), ("LeftShift", I, np.abs(J)), ("RightShift", I, np.abs(J)),
          ("Less", F, F2), ("LessEqual", F, F2), ("Greater", F, F2),
          ("GreaterEqual", F, F2), ("Equal", I, J), ("NotEqual", I, J),
          ("LogicalAnd", B, B2), ("LogicalOr", B, B2)]
NO_TF_GRAD = {"BesselK0", "BesselK0e", "BesselK1", "BesselK1e", "BesselY0", "BesselY1",
              "BesselJ0", "BesselJ1", "Dawsn", "Expint", "FresnelCos", "FresnelSin",
              "Spence", "Erfinv", "Ndtri", "Rint", "Round", "Sign", "Ceil", "Floor",
              "FloorDiv", "FloorMod", "NextAfter", "IgammaGradA", "Polygamma", "Zeta",
              "Betainc"}


def _elementwise():
    for op, x in UNARY:
        key = "input" if op in ("Identity", "Snapshot", "StopGradient", "Rank") else "x"
        yield op, (lambda key: lambda x: {key: x})(key), [x]
    for op in FEATURES:
        yield op, lambda x: {"features": x}, [F]
    for op, x, y in BINARY:
        yield op, lambda x, y: {"x": x, "y": y}, [x, y]
    yield "Atan2", lambda y, x: {"y": y, "x": x}, [F, F2]
    yield "NextAfter", lambda a, b: {"x1": a, "x2": b}, [F, F2]
    yield "Igamma", lambda a, x: {"a": a, "x": x}, [POS, POS + 0.3]
    yield "Igammac", lambda a, x: {"a": a, "x": x}, [POS, POS + 0.3]
    yield "IgammaGradA", lambda a, x: {"a": a, "x": x}, [POS, POS + 0.3]
    yield "Polygamma", lambda x: {"a": np.float32([[1.0], [2.0], [0.0]]), "x": x}, [POS]
    yield "Zeta", lambda x, q: {"x": x, "q": q}, [POS + 1.0, POS]
    yield "Betainc", lambda a, x: {"a": a, "b": a + 0.5, "x": x / 4}, [POS, POS]
    yield "LogicalNot", lambda b: {"x": b}, [B]
    yield "Softmax", lambda x: {"logits": x}, [F]
    yield "LogSoftmax", lambda x: {"logits": x}, [F]


SPECS = list(_elementwise()) + [
    ("AddN", lambda a, b: {"inputs": [a, b, a]}, [F, F2]),
    ("All", lambda b: {"input": b, "axis": 1}, [B]),
    ("Any", lambda b: {"input": b, "axis": [0, 1], "keep_dims": True}, [B]),
    ("Sum", lambda x: {"input": x, "axis": 1, "keep_dims": True}, [F]),
    ("Mean", lambda x: {"input": x, "axis": [0]}, [F]),
    ("Max", lambda x: {"input": x, "axis": np.int64(1)}, [F]),
    ("Min", lambda x: {"input": x, "axis": -1}, [F]),
    ("Prod", lambda x: {"input": x, "axis": 0}, [F]),
    ("ArgMax", lambda x: {"input": x, "dimension": 1}, [F]),
    ("ArgMin", lambda x: {"input": x, "dimension": 0, "output_type": "int32"}, [F]),
    ("Angle", lambda z: {"input": z}, [CPLX]),
    ("Real", lambda z: {"input": z}, [CPLX]),
    ("Imag", lambda z: {"input": z}, [CPLX]),
    ("Conj", lambda z: {"input": z}, [CPLX]),
    ("ComplexAbs", lambda z: {"x": z}, [CPLX]),
    ("Complex", lambda a, b: {"real": a, "imag": b}, [F, F2]),
    ("Cast", lambda x: {"x": x, "DstT": gc.float64 if isinstance(x, gc.Tensor) else
                        tf.float64}, [F]),
    ("Cast", lambda x: {"x": x, "DstT": "int32", "Truncate": True}, [F]),
    ("BatchMatMul", lambda a, b: {"x": a, "y": b, "adj_y": True},
     [rand(2, 3, 4, dtype=np.float32), rand(2, 5, 4, dtype=np.float32)]),
    ("BatchMatMulV2", lambda a, b: {"x": a, "y": b, "adj_x": True},
     [rand(2, 4, 3, dtype=np.float32), rand(1, 4, 5, dtype=np.float32)]),
    ("BatchMatMulV3", lambda a, b: {"x": a, "y": b, "Tout": "float32"},
     [rand(2, 3, 4, dtype=np.float32), rand(2, 4, 5, dtype=np.float32)]),
    ("MatMul", lambda a, b: {"a": a, "b": b, "transpose_b": True}, [F, F2]),
    ("MatMul", lambda a, b: {"a": a, "b": b, "transpose_a": True}, [F, F2]),
    ("BiasAdd", lambda x, b: {"value": x, "bias": b}, [F, F2[0]]),
    ("BiasAdd", lambda x, b: {"value": x, "bias": b, "data_format": "NCHW"},
     [IMG, rand(6, dtype=np.float32)]),
    ("BroadcastTo", lambda x: {"input": x, "shape": [2, 3, 4]}, [F]),
    ("BroadcastArgs", lambda: {"s0": [3, 1], "s1": [2, 1, 4]}, []),
    ("ConcatV2", lambda a, b: {"values": [a, b], "axis": 1}, [F, F2]),
    ("Concat", lambda a, b: {"concat_dim": 0, "values": (a, b)}, [F, F2]),
    ("Pack", lambda a, b: {"values": [a, b], "axis": -1}, [F, F2]),
    ("Unpack", lambda x: {"value": x, "num": 4, "axis": 1}, [F]),
    ("Split", lambda x: {"axis": 1, "value": x, "num_split": 2}, [F]),
    ("SplitV", lambda x: {"value": x, "size_splits": [1, 3], "axis": 1, "num_split": 2},
     [F]),
    ("IdentityN", lambda a, b: {"input": [a, b]}, [F, I]),
    ("ExpandDims", lambda x: {"input": x, "axis": -1}, [F]),
    ("Squeeze", lambda x: {"input": x, "axis": [1]}, [F[:, :1]]),
    ("Squeeze", lambda x: {"input": x}, [F[:1, :, None]]),
    ("Reshape", lambda x: {"tensor": x, "shape": [2, -1]}, [F]),
    ("Transpose", lambda x: {"x": x, "perm": [1, 0]}, [F]),
    ("Tile", lambda x: {"input": x, "multiples": [2, 1]}, [F]),
    ("ReverseV2", lambda x: {"tensor": x, "axis": [0, 1]}, [F]),
    ("Roll", lambda x: {"input": x, "shift": [1, -1], "axis": [0, 1]}, [F]),
    ("Slice", lambda x: {"input": x, "begin": [1, 0], "size": [2, -1]}, [F]),
    ("StridedSlice", lambda x: {"input": x, "begin": [0, 3], "end": [3, 0],
                                "strides": [2, -1], "end_mask": 1}, [F]),
    ("StridedSliceGrad", lambda dy: {"shape": [3, 4], "begin": [1, 0], "end": [3, 4],
                                     "strides": [1, 2], "dy": dy}, [F[:2, :2]]),
    ("Pad", lambda x: {"input": x, "paddings": [[1, 0], [0, 2]]}, [F]),
    ("PadV2", lambda x: {"input": x, "paddings": [[1, 1], [0, 0]],
                         "constant_values": 2.5}, [F]),
    ("MirrorPad", lambda x: {"input": x, "paddings": [[1, 1], [2, 0]],
                             "mode": "REFLECT"}, [F]),
    ("MirrorPadGrad", lambda x: {"input": x, "paddings": [[0, 1], [1, 1]],
                                 "mode": "SYMMETRIC"}, [F]),
    ("Fill", lambda: {"dims": [2, 3], "value": 1.5}, []),
    ("Range", lambda: {"start": 1, "limit": 10, "delta": 3}, []),
    ("Range", lambda: {"start": 0.5, "limit": 2, "delta": 0.5}, []),
    ("LinSpace", lambda: {"start": 0.0, "stop": 1.0, "num": 5}, []),
    ("OneHot", lambda: {"indices": [0, 2, -1], "depth": 3, "on_value": 1.0,
                        "off_value": 0.0}, []),
    ("OneHot", lambda: {"indices": [[0, 2]], "depth": 4, "on_value": 5,
                        "off_value": -1, "axis": 0}, []),
    ("Shape", lambda x: {"input": x}, [F]),
    ("Shape", lambda x: {"input": x, "out_type": "int64"}, [F]),
    ("Size", lambda x: {"input": x}, [F]),
    ("Gather", lambda x: {"params": x, "indices": [2, 0]}, [F]),
    ("GatherV2", lambda x: {"params": x, "indices": [[3, 1]], "axis": 1}, [F]),
    ("GatherNd", lambda x: {"params": x, "indices": [[0, 1], [2, 3]]}, [F]),
    ("ScatterNd", lambda u: {"indices": [[1], [3]], "updates": u, "shape": [5, 4]},
     [F[:2]]),
    ("InvertPermutation", lambda: {"x": [2, 0, 1]}, []),
    ("Select", lambda c, a, b: {"condition": c, "x": a, "y": b}, [B, F, F2]),
    ("SelectV2", lambda c, a, b: {"condition": c, "t": a, "e": b}, [B[:1], F, F2]),
    ("Where", lambda c: {"condition": c}, [B]),
    ("Unique", lambda: {"x": [3, 1, 3, 2]}, []),
    ("Unique", lambda: {"x": [3., 1., 3.], "out_idx": "int64"}, []),
    ("TopKV2", lambda x: {"input": x, "k": 2}, [F]),
    ("InTopKV2", lambda p: {"predictions": p, "targets": [1, 0, 3], "k": 2}, [F]),
    ("Cumsum", lambda x: {"x": x, "axis": 1, "exclusive": True}, [F]),
    ("Cumprod", lambda x: {"x": x, "axis": 0, "reverse": True}, [F]),
    ("SegmentSum", lambda x: {"data": x, "segment_ids": [0, 0, 2]}, [F]),
    ("SegmentMean", lambda x: {"data": x, "segment_ids": [0, 1, 1]}, [F]),
    ("SegmentMax", lambda x: {"data": x, "segment_ids": [0, 1, 1]}, [F]),
    ("SegmentMin", lambda x: {"data": x, "segment_ids": [0, 0, 1]}, [F]),
    ("SegmentProd", lambda x: {"data": x, "segment_ids": [0, 1, 1]}, [F]),
    ("UnsortedSegmentSum", lambda x: {"data": x, "segment_ids": [2, 0, 2],
                                      "num_segments": 3}, [F]),
    ("UnsortedSegmentMax", lambda x: {"data": x, "segment_ids": [1, 0, 1],
                                      "num_segments": 2}, [F]),
    ("UnsortedSegmentMin", lambda x: {"data": x, "segment_ids": [1, 0, 1],
                                      "num_segments": 2}, [F]),
    ("UnsortedSegmentProd", lambda x: {"data": x, "segment_ids": [1, 0, 1],
                                       "num_segments": 3}, [F]),
    ("Bincount", lambda w: {"arr": [1, 1, 3, 4], "size": 5, "weights": w},
     [rand(4, dtype=np.float32)]),
    ("Einsum", lambda a, b: {"inputs": [a, b], "equation": "ij,kj->ik"}, [F, F2]),
    ("MatrixBandPart", lambda x: {"input": x, "num_lower": 1, "num_upper": 0}, [F]),
    ("MatrixDeterminant", lambda a: {"input": a}, [SPD]),
    ("MatrixDiag", lambda d: {"diagonal": d}, [F]),
    ("MatrixDiagPart", lambda x: {"input": x}, [F]),
    ("MatrixSetDiag", lambda x, d: {"input": x, "diagonal": d}, [F, F2[0, :3]]),
    ("MatrixInverse", lambda a: {"input": a, "adjoint": True}, [SPD]),
    ("MatrixSolve", lambda a, b: {"matrix": a, "rhs": b}, [SPD, F[:, :2]]),
    ("MatrixTriangularSolve", lambda a, b: {"matrix": a, "rhs": b, "lower": False},
     [SPD, F[:, :2]]),
    ("MatrixSquareRoot", lambda a: {"input": a}, [SPD]),
    ("Cholesky", lambda a: {"input": a}, [SPD]),
    ("Conv2D", lambda x, k: {"input": x, "filter": k, "strides": [1, 2, 1, 1],
                             "padding": "SAME"}, [IMG, rand(2, 3, 3, 4, dtype=np.float32)]),
    ("Conv2D", lambda x, k: {"input": x, "filter": k, "strides": (1, 1, 1, 1),
                             "padding": b"VALID", "dilations": [1, 2, 1, 1]},
     [IMG, rand(2, 2, 3, 2, dtype=np.float32)]),
    ("Conv2DBackpropInput", lambda k, g: {"input_sizes": [2, 6, 5, 3], "filter": k,
                                          "out_backprop": g, "strides": [1, 1, 1, 1],
                                          "padding": "SAME"},
     [rand(3, 3, 3, 4, dtype=np.float32), rand(2, 6, 5, 4, dtype=np.float32)]),
    ("Conv2DBackpropFilter", lambda x, g: {"input": x, "filter_sizes": [3, 3, 3, 4],
                                           "out_backprop": g, "strides": [1, 1, 1, 1],
                                           "padding": "SAME"},
     [IMG, rand(2, 6, 5, 4, dtype=np.float32)]),
    ("DepthwiseConv2dNative", lambda x, k: {"input": x, "filter": k,
                                            "strides": [1, 1, 1, 1], "padding": "SAME"},
     [IMG, rand(2, 2, 3, 2, dtype=np.float32)]),
    ("AvgPool", lambda x: {"value": x, "ksize": [1, 2, 2, 1], "strides": [1, 2, 1, 1],
                           "padding": "SAME"}, [IMG]),
    ("MaxPool", lambda x: {"input": x, "ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1],
                           "padding": "VALID"}, [IMG]),
    ("MaxPoolV2", lambda x: {"input": x, "ksize": [1, 2, 2, 1], "strides": [1, 1, 2, 1],
                             "padding": "SAME"}, [IMG]),
    ("AvgPoolGrad", lambda g: {"orig_input_shape": [2, 6, 5, 3], "grad": g,
                               "ksize": [1, 2, 2, 1], "strides": [1, 2, 1, 1],
                               "padding": "SAME"}, [rand(2, 3, 5, 3, dtype=np.float32)]),
    ("LRN", lambda x: {"input": x, "depth_radius": 2, "bias": 1.0, "alpha": 0.5,
                       "beta": 0.75}, [IMG]),
    ("SpaceToDepth", lambda x: {"input": x, "block_size": 2}, [IMG[:, :4, :4]]),
    ("DepthToSpace", lambda x: {"input": x, "block_size": 2},
     [rand(1, 2, 3, 8, dtype=np.float32)]),
    ("ResizeBilinear", lambda x: {"images": x, "size": [4, 7], "half_pixel_centers": True},
     [IMG]),
    ("ResizeNearestNeighbor", lambda x: {"images": x, "size": [3, 8],
                                         "align_corners": True}, [IMG]),
    ("ReluGrad", lambda g, x: {"gradients": g, "features": x}, [F, F2]),
    ("Relu6Grad", lambda g, x: {"gradients": g, "features": 4 * x}, [F, F2]),
    ("LeakyReluGrad", lambda g, x: {"gradients": g, "features": x, "alpha": 0.3}, [F, F2]),
    # labels a constant: TF's gradient leaves out the backprop output's labels term
    ("SoftmaxCrossEntropyWithLogits", lambda x: {"features": x,
                                                 "labels": POS / POS.sum(1, keepdims=True)},
     [F]),
    ("SparseSoftmaxCrossEntropyWithLogits", lambda x: {"features": x,
                                                       "labels": [2, 0, 1]}, [F]),
    ("FusedBatchNormV3", lambda x, s, o: {"x": x, "scale": s, "offset": o,
                                          "mean": [0.5, 0.0, -1.0], "variance": [1., 2., 3.],
                                          "is_training": False, "epsilon": 0.01},
     [IMG, rand(3, dtype=np.float32), rand(3, dtype=np.float32)]),
    ("FusedBatchNorm", lambda x, s, o, m, v: {"x": x, "scale": s, "offset": o, "mean": m,
                                              "variance": v, "is_training": False},
     [IMG, rand(3, dtype=np.float32), rand(3, dtype=np.float32),
      rand(3, dtype=np.float32), rand(3, dtype=np.float32, low=0.5)]),
    ("PlaceholderWithDefault", lambda x: {"input": x, "shape": [None, 4]}, [F]),
    ("CheckNumerics", lambda x: {"tensor": x, "message": "bad"}, [F]),
    ("GuaranteeConst", lambda x: {"input": x}, [F]),
    ("BroadcastGradientArgs", lambda: {"s0": [4, 1, 3], "s1": [2, 1]}, []),
]
NO_GRAD = NO_TF_GRAD | {"Snapshot", "ArgMax", "ArgMin", "Bincount", "InTopKV2", "StridedSliceGrad",
                        "SegmentProd", "UnsortedSegmentProd", "GuaranteeConst",
                        "MatrixSquareRoot", "Einsum", "MirrorPadGrad", "AvgPoolGrad",
                        "Conv2DBackpropFilter", "Conv2DBackpropInput", "LRN",
                        "FusedBatchNormV3", "FusedBatchNorm", "CheckNumerics",
                        "BroadcastTo", "Angle"}
TOL = {"MatrixSquareRoot": 1e-4, "MatrixInverse": 1e-5, "MatrixSolve": 1e-5,
       "MatrixTriangularSolve": 1e-5, "Cholesky": 1e-5, "MatrixDeterminant": 1e-5,
       "Conv2D": 1e-5, "Conv2DBackpropInput": 1e-5, "Conv2DBackpropFilter": 1e-5,
       "DepthwiseConv2dNative": 1e-5, "LRN": 1e-5, "FusedBatchNormV3": 1e-4,
       "FusedBatchNorm": 1e-5, "Igamma": 1e-5, "Igammac": 1e-5, "IgammaGradA": 1e-4,
       "Betainc": 1e-5, "Zeta": 1e-5, "Polygamma": 1e-5, "Expint": 1e-5, "Spence": 1e-5,
       "Erfinv": 1e-5, "Ndtri": 1e-5, "Einsum": 1e-5, "BatchMatMul": 1e-5,
       "BatchMatMulV2": 1e-5, "BatchMatMulV3": 1e-5, "MatMul": 1e-5, "Lgamma": 1e-5,
       "Digamma": 1e-5}
IDS = [f"{op}-{i}" for i, (op, _, _) in enumerate(SPECS)]


# outputs whose values TF leaves to the kernel: a fused batch norm's reserve spaces (TF
# documents reserve_space_1 as the population mean in inference, graphc's value; oneDNN
# builds of TF 2.21 put other statistics there), so only y, mean and variance compare
_COMPARED = {"FusedBatchNorm": 3, "FusedBatchNormV2": 3, "FusedBatchNormV3": 3}


def _fn(op, kw):
    def fn(m, *xs):
        out = getattr(raw(m), op)(**kw(*xs))
        return tuple(out)[:_COMPARED[op]] if op in _COMPARED else out
    return fn


@pytest.mark.parametrize("i", range(len(SPECS)), ids=IDS)
def test_same_kwargs_same_results(i):
    op, kw, arrays = SPECS[i]
    tol = TOL.get(op, 1e-6)
    check(_fn(op, kw), *arrays, grad=op not in NO_GRAD, rtol=tol, atol=tol)


def test_many_op_types_covered():
    covered = {op for op, _, _ in SPECS}
    assert len(covered) >= 200, len(covered)
    assert covered <= set(dir(raw_ops))


# ---- signatures, argument errors, return types -------------------------------------------
@pytest.mark.parametrize("op", sorted(dir(raw_ops)))
def test_signature_is_tfs(op):
    """Every op: the same keywords, order and defaults (dtypes by name), same name."""
    ours, theirs = getattr(raw_ops, op), getattr(tf.raw_ops, op)
    assert ours.__name__ == theirs.__name__
    a = inspect.signature(ours).parameters.values()
    b = inspect.signature(theirs).parameters.values()
    shown = [(p.name, _default(p.default)) for p in a]
    want = [(p.name, _default(p.default)) for p in b]
    assert shown == want


def _default(d):
    """A default as compared: a dtype by name, a TensorProto (graphc's or TF's) by
    its values."""
    if type(d).__name__ == "TensorProto":
        from tensorflow.core.framework.tensor_pb2 import TensorProto
        return tf.make_ndarray(TensorProto.FromString(d.SerializeToString())).tolist()
    return getattr(d, "name", d)


def _errors(call):
    """The (type, message) each library raises for call(R)."""
    out = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            with pytest.raises((TypeError, ValueError)) as info:
                call(raw(m), m)
            out.append((info.type if info.type in (TypeError, ValueError) else
                        next(c for c in info.type.__mro__ if c in (TypeError, ValueError)),
                        str(info.value)))
    return out


ERRORS = {
    "positional": lambda R, m: R.Add(1.0, 2),
    "missing": lambda R, m: R.Conv2D(input=np.zeros((1, 2, 2, 1), np.float32)),
    "unexpected": lambda R, m: R.MatMul(a=[[1.]], b=[[2.]], transpose_c=True),
    "float_into_int": lambda R, m: R.Add(x=1, y=2.0),
    "list_float_into_int": lambda R, m: R.Add(x=1, y=[1, 2.0]),
    "bool_from_int": lambda R, m: R.LogicalAnd(x=True, y=1),
    "str_into_float": lambda R, m: R.Add(x=1.0, y="a"),
    "type_mismatch": lambda R, m: R.Add(x=m.constant(1.0), y=m.constant(2)),
    "fixed_mismatch": lambda R, m: R.Split(axis=m.constant(0, m.int64), value=[1., 2.],
                                           num_split=2),
    "not_allowed": lambda R, m: R.Sqrt(x=[1, 2]),
    "not_allowed_attr": lambda R, m: R.Shape(input=[1.], out_type="float32"),
    "tidx_float": lambda R, m: R.Sum(input=[1.], axis=[0.]),
    "list_mixed": lambda R, m: R.AddN(inputs=[1.0, 2]),
    "list_mixed_tensors": lambda R, m: R.AddN(inputs=[m.constant(2.0), m.constant(1)]),
    "list_empty": lambda R, m: R.AddN(inputs=[]),
    "list_not_list": lambda R, m: R.AddN(inputs=1.0),
    "typelist_not_list": lambda R, m: R.IdentityN(input=1),
    "typelist_none": lambda R, m: R.IdentityN(input=[None]),
    "none_input": lambda R, m: R.Relu(features=None),
    "string_attr": lambda R, m: R.Conv2D(input=np.zeros((1, 2, 2, 1), np.float32),
                                         filter=np.zeros((1, 1, 1, 1), np.float32),
                                         strides=[1, 1, 1, 1], padding=3),
    "string_not_allowed": lambda R, m: R.Conv2D(
        input=np.zeros((1, 2, 2, 1), np.float32), filter=np.zeros((1, 1, 1, 1), np.float32),
        strides=[1, 1, 1, 1], padding="BAD"),
    "list_attr_not_list": lambda R, m: R.Conv2D(
        input=np.zeros((1, 2, 2, 1), np.float32), filter=np.zeros((1, 1, 1, 1), np.float32),
        strides=1, padding="SAME"),
    "int_minimum": lambda R, m: R.Split(axis=0, value=[1., 2.], num_split=0),
    "int_from_str": lambda R, m: R.Split(axis=0, value=[1., 2.], num_split="2"),
    "float_from_str": lambda R, m: R.LeakyRelu(features=[1.], alpha="a"),
    "bool_from_int_attr": lambda R, m: R.MatMul(a=[[1.]], b=[[2.]], transpose_b=1),
    "bad_dtype": lambda R, m: R.Cast(x=[1], DstT="foo"),
    "dtype_none": lambda R, m: R.Placeholder(dtype=None),
    "const_not_proto": lambda R, m: R.Const(value=1, dtype=m.int32),
    "ref_not_variable": lambda R, m: R.Assign(ref=m.constant(1.), value=2.),
    "name_not_string": lambda R, m: R.Add(x=1., y=2., name=3),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_argument_errors_are_tfs(case):
    ours, theirs = _errors(ERRORS[case])
    assert ours[0] is theirs[0], (ours, theirs)
    if case not in ("typelist_none",):
        assert ours[1] == theirs[1]


def test_return_types_are_tfs():
    for m in (gc, v1):
        with m.Graph().as_default():
            R = raw(m)
            u = R.Unique(x=[1, 2, 1])
            assert type(u).__name__ == "Unique" and u._fields == ("y", "idx")
            t = R.TopKV2(input=[1., 3., 2.], k=2)
            assert t._fields == ("values", "indices")
            assert isinstance(R.Split(axis=0, value=[1., 2.], num_split=2), list)
            assert isinstance(R.IdentityN(input=[1.0]), list)
            assert R.NoOp().type == "NoOp"
            a = R.Add(x=1.0, y=2)
            assert a.dtype == m.float32 and a.op.name == "Add"
            assert R.Add(x=1.0, y=2.0, name="s").op.name == "s"
            assert R.Add(x=1.0, y=2.0, name="s").op.name == "s_1"
            assert R.Add(x=1.0, y=2.0).op.name == "Add_1"
            assert R.Range(start=0., limit=2, delta=1).dtype == m.float32


def test_variables_and_assign():
    """A TF1 ref variable updated by raw ops, in both libraries."""
    got = []
    for m in (gc, v1):
        with m.Graph().as_default():
            R = raw(m)
            v = m.Variable([1.0, 2.0], use_resource=False) if m is v1 else gc.Variable(
                [1.0, 2.0])
            a = R.AssignAdd(ref=v, value=[0.5, 0.5])
            b = R.ApplyGradientDescent(var=v, alpha=0.1, delta=[1.0, 1.0])
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                got.append([s.run(a), s.run(b)])
    np.testing.assert_allclose(got[0], got[1])


def test_resource_variable_ops():
    """VarHandleOp, AssignVariableOp, ReadVariableOp and an optimizer update."""
    got = []
    for m in (gc, v1):
        with m.Graph().as_default():
            R = raw(m)
            h = R.VarHandleOp(dtype=m.float32, shape=[2], shared_name="h", name="h")
            init = R.AssignVariableOp(resource=h, value=[1.0, 4.0])
            step = R.ResourceApplyGradientDescent(var=h, alpha=0.5, delta=[2.0, 2.0])
            read = R.ReadVariableOp(resource=h, dtype=m.float32)
            with m.Session() as s:
                s.run(init)
                s.run(step)
                got.append(s.run(read))
    np.testing.assert_allclose(got[0], got[1])


# ---- gradient ops, stateful ops, handles: the rest of the table ---------------------------
POOL = {"ksize": [1, 2, 2, 1], "strides": [1, 2, 1, 1], "padding": "SAME"}
MORE = [
    ("MaxPoolGrad", lambda x, g: {"orig_input": x, "orig_output": raw_ops.MaxPool(
        input=x, **POOL) if isinstance(x, gc.Tensor) else tf.raw_ops.MaxPool(input=x, **POOL),
        "grad": g, **POOL}, [IMG, rand(2, 3, 5, 3, dtype=np.float32)]),
    ("DepthwiseConv2dNativeBackpropInput", lambda k, g: {
        "input_sizes": [2, 6, 5, 3], "filter": k, "out_backprop": g,
        "strides": [1, 1, 1, 1], "padding": "SAME"},
     [rand(2, 2, 3, 2, dtype=np.float32), rand(2, 6, 5, 6, dtype=np.float32)]),
    ("DepthwiseConv2dNativeBackpropFilter", lambda x, g: {
        "input": x, "filter_sizes": [2, 2, 3, 2], "out_backprop": g,
        "strides": [1, 1, 1, 1], "padding": "SAME"}, [IMG, rand(2, 6, 5, 6, dtype=np.float32)]),
    ("ResizeBilinearGrad", lambda g, x: {"grads": g, "original_image": x,
                                         "half_pixel_centers": True},
     [rand(2, 4, 7, 3, dtype=np.float32), IMG]),
    ("ResizeNearestNeighborGrad", lambda g: {"grads": g, "size": [6, 5]},
     [rand(2, 4, 7, 3, dtype=np.float32)]),
    # mean and variance fed: TF's grappler folds a constant inference batch norm into
    # an Add and then cannot fetch its other outputs
    ("FusedBatchNormV2", lambda x, mean, var: {
        "x": x, "scale": [1., 2., 3.], "offset": [0., 1., 0.], "mean": mean, "variance": var,
        "is_training": False, "data_format": "NHWC"},
     [IMG, np.float32([0., 0.5, 1.]), np.float32([1., 1., 2.])]),
]


@pytest.mark.parametrize("i", range(len(MORE)), ids=[op for op, _, _ in MORE])
def test_gradient_ops(i):
    op, kw, arrays = MORE[i]
    check(_fn(op, kw), *arrays, grad=False, rtol=1e-5, atol=1e-5)


def _both(build):
    """build(R, m) -> a list of fetch lists run one after another: each library's
    results."""
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            steps = build(raw(m), m)
            with m.Session() as s:
                out.append([s.run(step) for step in steps])
    return out


def _assert_same(a, b):
    for x, y in zip(a, b):
        if isinstance(x, (list, tuple)):
            _assert_same(x, y)
        else:
            x, y = np.asarray(x), np.asarray(y)
            assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def _resource_updates(R, m):
    def var(name, value):
        h = R.VarHandleOp(dtype=m.float32, shape=[3], shared_name=name, name=name)
        return h, R.AssignVariableOp(resource=h, value=value)
    hs, inits = zip(*[var(f"v{i}", [1.0 + i, 2.0, -1.0]) for i in range(5)])
    v, a, b, c, d = hs
    lr, g, idx = 0.1, [0.5, -1.0, 2.0], [2, 0]
    updates = [
        R.ResourceApplyAdam(var=v, m=a, v=b, beta1_power=0.9, beta2_power=0.99, lr=lr,
                            beta1=0.9, beta2=0.99, epsilon=1e-7, grad=g),
        R.ResourceApplyAdaMax(var=v, m=a, v=b, beta1_power=0.9, lr=lr, beta1=0.9,
                              beta2=0.99, epsilon=1e-7, grad=g),
        R.ResourceApplyAdagrad(var=v, accum=b, lr=lr, grad=g),
        R.ResourceApplyAdagradV2(var=v, accum=b, lr=lr, epsilon=0.1, grad=g),
        R.ResourceApplyAdadelta(var=v, accum=b, accum_update=c, lr=1.0, rho=0.9,
                                epsilon=1e-6, grad=g),
        R.ResourceApplyRMSProp(var=v, ms=b, mom=c, lr=lr, rho=0.9, momentum=0.5,
                               epsilon=1e-6, grad=g),
        R.ResourceApplyCenteredRMSProp(var=v, mg=a, ms=b, mom=c, lr=lr, rho=0.9,
                                       momentum=0.5, epsilon=1e-6, grad=g),
        R.ResourceApplyMomentum(var=v, accum=c, lr=lr, grad=g, momentum=0.9,
                                use_nesterov=True),
        R.ResourceApplyKerasMomentum(var=v, accum=c, lr=lr, grad=g, momentum=0.9),
        R.ResourceApplyGradientDescent(var=v, alpha=lr, delta=g),
        R.ResourceSparseApplyAdagrad(var=v, accum=b, lr=lr, grad=[[1.0], [2.0]][0] * 2,
                                     indices=idx),
        R.ResourceSparseApplyAdagradV2(var=v, accum=b, lr=lr, epsilon=0.1,
                                       grad=[1.0, 2.0], indices=idx),
        R.ResourceSparseApplyAdadelta(var=v, accum=b, accum_update=c, lr=1.0, rho=0.9,
                                      epsilon=1e-6, grad=[1.0, 2.0], indices=idx),
        R.ResourceSparseApplyRMSProp(var=v, ms=b, mom=c, lr=lr, rho=0.9, momentum=0.5,
                                     epsilon=1e-6, grad=[1.0, 2.0], indices=idx),
        R.ResourceSparseApplyCenteredRMSProp(var=v, mg=a, ms=b, mom=c, lr=lr, rho=0.9,
                                             momentum=0.5, epsilon=1e-6, grad=[1.0, 2.0],
                                             indices=idx),
        R.ResourceSparseApplyMomentum(var=v, accum=c, lr=lr, grad=[1.0, 2.0], indices=idx,
                                      momentum=0.9),
        R.ResourceSparseApplyKerasMomentum(var=v, accum=c, lr=lr, grad=[1.0, 2.0],
                                           indices=idx, momentum=0.9, use_nesterov=True),
        R.ResourceScatterAdd(resource=d, indices=idx, updates=[1.0, 2.0]),
        R.ResourceScatterSub(resource=d, indices=[1], updates=[0.5]),
        R.ResourceScatterMul(resource=d, indices=idx, updates=[3.0, 2.0]),
        R.ResourceScatterDiv(resource=d, indices=[0], updates=[4.0]),
        R.ResourceScatterMax(resource=d, indices=idx, updates=[0.0, 9.0]),
        R.ResourceScatterMin(resource=d, indices=[1], updates=[-3.0]),
        R.ResourceScatterUpdate(resource=d, indices=[2], updates=[7.0]),
        R.ResourceScatterNdAdd(ref=d, indices=[[0]], updates=[1.5]),
        R.ResourceScatterNdSub(ref=d, indices=[[1], [2]], updates=[1.0, 1.0]),
        R.ResourceScatterNdUpdate(ref=d, indices=[[2]], updates=[5.0]),
        R.AssignAddVariableOp(resource=c, value=[1.0, 1.0, 1.0]),
        R.AssignSubVariableOp(resource=c, value=[0.5, 0.5, 0.5]),
    ]
    reads = [R.ReadVariableOp(resource=h, dtype=m.float32) for h in hs] + [
        R.ResourceGather(resource=d, indices=[2, 0], dtype=m.float32),
        R.ResourceGatherNd(resource=d, indices=[[1]], dtype=m.float32),
        R.VariableShape(input=v), R.VarIsInitializedOp(resource=v)]
    return [list(inits)] + [[u] for u in updates] + [reads]


def test_resource_variables_and_optimizer_updates():
    ours, theirs = _both(_resource_updates)
    _assert_same(ours[-1], theirs[-1])


def _ref_variables(R, m):
    v = R.VariableV2(shape=[2], dtype=m.float32, name="w")
    init = R.Assign(ref=v, value=[1.0, 2.0])
    steps = [R.AssignAdd(ref=v, value=[1.0, 1.0]), R.AssignSub(ref=v, value=[0.5, 0.0]),
             R.ApplyGradientDescent(var=v, alpha=0.5, delta=[1.0, 2.0])]
    return [init] + steps + [R.Identity(input=v)]


def test_ref_variables():
    ours, theirs = _both(_ref_variables)
    _assert_same(ours, theirs)


def _tensor_arrays(R, m):
    ta = R.TensorArrayV3(size=3, dtype=m.float32, element_shape=[2], clear_after_read=False)
    flow = R.TensorArrayWriteV3(handle=ta.handle, index=0, value=[1.0, 2.0],
                                flow_in=ta.flow)
    flow = R.TensorArrayScatterV3(handle=ta.handle, indices=[1, 2],
                                  value=[[3.0, 4.0], [5.0, 6.0]], flow_in=flow)
    read = R.TensorArrayReadV3(handle=ta.handle, index=1, flow_in=flow, dtype=m.float32)
    gather = R.TensorArrayGatherV3(handle=ta.handle, indices=[2, 0], flow_in=flow,
                                   dtype=m.float32, element_shape=[2])
    concat = R.TensorArrayConcatV3(handle=ta.handle, flow_in=flow, dtype=m.float32)
    size = R.TensorArraySizeV3(handle=ta.handle, flow_in=flow)
    return [[read, gather, concat.value, concat.lengths, size]]


def test_tensor_array_ops():
    ours, theirs = _both(_tensor_arrays)
    _assert_same(ours, theirs)


def _tensor_lists(R, m):
    t = np.arange(6, dtype=np.float32).reshape(3, 2)
    lst = R.TensorListFromTensor(tensor=t, element_shape=[2])
    lst = R.TensorListPushBack(input_handle=lst, tensor=[7.0, 8.0])
    lst = R.TensorListSetItem(input_handle=lst, index=0, item=[9.0, 9.0])
    popped = R.TensorListPopBack(input_handle=lst, element_shape=[2],
                                 element_dtype=m.float32)
    res = R.TensorListReserve(element_shape=[2], num_elements=2, element_dtype=m.float32)
    res = R.TensorListScatterIntoExistingList(input_handle=res, tensor=t[:2],
                                              indices=[1, 0])
    sc = R.TensorListScatterV2(tensor=t, indices=[2, 0, 1], element_shape=[2],
                               num_elements=3)
    return [[R.TensorListStack(input_handle=lst, element_shape=[2], element_dtype=m.float32),
             R.TensorListLength(input_handle=lst),
             R.TensorListGetItem(input_handle=lst, index=1, element_shape=[2],
                                 element_dtype=m.float32),
             R.TensorListGather(input_handle=lst, indices=[3, 0], element_shape=[2],
                                element_dtype=m.float32),
             popped.tensor, R.TensorListLength(input_handle=popped.output_handle),
             R.TensorListStack(input_handle=res, element_shape=[2], element_dtype=m.float32),
             R.TensorListStack(input_handle=sc, element_shape=[2], element_dtype=m.float32),
             R.TensorListElementShape(input_handle=lst, shape_type=m.int32)]]


def test_tensor_list_ops():
    ours, theirs = _both(_tensor_lists)
    _assert_same(ours, theirs)


def _misc_stateful(R, m):
    opt = R.OptionalFromValue(components=[m.constant([1.0, 2.0]), m.constant(3)])
    none = R.OptionalNone()
    p = R.Placeholder(dtype=m.float32, shape=[2])
    assert p.shape.as_list() == [2] and p.dtype == m.float32
    c = R.Const(value=(gc if m is gc else tf).make_tensor_proto(np.float32([1.5, 2.5])),
                dtype=m.float32)
    with m.control_dependencies([R.Assert(condition=True, data=[c, "ok"])]):
        ok = R.Identity(input=c)
    return [[R.OptionalHasValue(optional=opt), R.OptionalHasValue(optional=none),
             ok, R.NoOp()]]


def test_optional_const_assert_ops():
    ours, theirs = _both(_misc_stateful)
    assert ours[0][-1] is None and theirs[0][-1] is None
    _assert_same(ours[0][:-1], theirs[0][:-1])


@pytest.mark.parametrize("op", ["RandomUniform", "RandomStandardNormal", "TruncatedNormal"])
def test_random_ops_shapes_and_dtypes(op):
    check(lambda m: getattr(raw(m), op)(shape=[3, 2], dtype=m.float64, seed=1, seed2=2),
          grad=False, values=False)
