"""Samples for the parsing ops (see samples.py). Inputs are serialized protos, CSV lines
and raw bytes (gc.string object arrays, fed to string placeholders); the samples output
numbers so the registry's numeric comparison applies (string results are checked in
tests/test_parsing.py). No gradients: parsing has none (TF1 neither)."""
import os
import tempfile
import zlib

import numpy as np

import graphc as gc
from graphc.ops.parsing_misc import tensor_proto
from samples import Sample, normal, shape

T = gc.train


def _strings(values):
    out = np.empty(len(values), object)
    out[:] = values
    return out


def _examples(rng):
    """(serialized [B], x [B, 3] float32, ragged y lists)."""
    b = int(rng.integers(1, 5))
    x = rng.standard_normal((b, 3)).astype(np.float32)
    ys = [rng.integers(-9, 9, size=int(rng.integers(0, 4))).tolist() for _ in range(b)]
    recs = []
    for xi, yi in zip(x, ys):
        feat = {"x": T.Feature(float_list=T.FloatList(value=xi.tolist())),
                "y": T.Feature(int64_list=T.Int64List(value=yi))}
        recs.append(T.Example(features=T.Features(feature=feat)).SerializeToString())
    return _strings(recs), x, ys


def _sparse_ref(ys):
    idx = [[b, j] for b, y in enumerate(ys) for j in range(len(y))]
    return (np.array(idx, np.int64).reshape(-1, 2), np.array(sum(ys, []), np.int64),
            np.array([len(ys), max(map(len, ys))], np.int64))


_EX = {}


def _example_inputs(rng):
    recs, x, ys = _examples(rng)
    _EX[id(recs)] = (x, ys)
    return [recs]


def _parse(s):
    out = gc.parse_example(s, {"x": gc.FixedLenFeature([3], gc.float32),
                               "y": gc.VarLenFeature(gc.int64),
                               "z": gc.FixedLenFeature([2], gc.int64, default_value=[7, 8])})
    y = out["y"]
    return [out["x"], y.indices, y.values, y.dense_shape, out["z"]]


def _parse_ref(recs):
    x, ys = _EX[id(recs)]
    return [x, *_sparse_ref(ys), np.tile([7, 8], (len(ys), 1))]


def _sequence_inputs(rng):
    t = int(rng.integers(1, 4))
    steps = rng.integers(0, 50, size=(t, 2))
    ctx = T.Features(feature={"n": T.Feature(int64_list=T.Int64List(value=[t]))})
    lists = T.FeatureLists(feature_list={"s": T.FeatureList(feature=[
        T.Feature(int64_list=T.Int64List(value=row.tolist())) for row in steps])})
    rec = T.SequenceExample(context=ctx, feature_lists=lists).SerializeToString()
    return [np.array(rec, object)]


def _sequence(s):
    ctx, seq = gc.parse_single_sequence_example(
        s, {"n": gc.FixedLenFeature([], gc.int64)},
        {"s": gc.FixedLenSequenceFeature([2], gc.int64),
         "v": gc.VarLenFeature(gc.float32)})
    return [ctx["n"], seq["s"], seq["v"].dense_shape]


def _sequence_ref(rec):
    seq = T.SequenceExample.FromString(rec.item())
    rows = [f.int64_list.value for f in seq.feature_lists.feature_list["s"].feature]
    return [np.int64(len(rows)), np.array(rows, np.int64).reshape(-1, 2),
            np.array([0, 0], np.int64)]


def _raw_inputs(rng):
    x = normal(rng, shape(rng, 2), np.float32)
    return [_strings([row.tobytes() for row in x]).reshape(x.shape[0])]


def _raw_ref(s):
    return np.stack([np.frombuffer(b, np.float32) for b in s.ravel()])


def _csv_inputs(rng):
    n = int(rng.integers(1, 5))
    lines = [f"{int(rng.integers(-99, 99))},{rng.standard_normal():.4f}," for _ in range(n)]
    return [_strings([s.encode() for s in lines])]


def _csv_ref(lines):
    cols = [s.decode().split(",") for s in lines]
    return [np.array([int(c[0]) for c in cols], np.int32),
            np.array([float(c[1]) for c in cols], np.float32),
            np.full(len(cols), 2.5, np.float64)]


def _compressed_inputs(rng):
    x = normal(rng, shape(rng, 2), np.float32)
    return [_strings([zlib.compress(row.tobytes()) for row in x])]


_DIR = tempfile.mkdtemp(prefix="graphc_samples_parsing_")


def _file_inputs(rng):
    x = normal(rng, (int(rng.integers(1, 6)),), np.float32)
    path = os.path.join(_DIR, f"f{int(rng.integers(1 << 30))}.bin")
    with open(path, "wb") as f:
        f.write(x.tobytes())
    return [np.array(path.encode(), object)]


def _file_ref(path):
    with open(path.item(), "rb") as f:
        return np.frombuffer(f.read(), np.float32)


def _write_then_read(path, x):
    w = gc.write_file(path, gc.serialize_tensor(x))
    with gc.control_dependencies([w]):
        return gc.parse_tensor(gc.read_file(path), gc.float64)


def _glob_inputs(rng):
    return _file_inputs(rng)


SAMPLES = [
    Sample("ParseExample", _parse, _example_inputs, _parse_ref, grad=False),
    Sample("ParseExample", lambda s: [gc.parse_single_example(s[0], {
        "x": gc.FixedLenFeature([3], gc.float32)})["x"]], _example_inputs,
        lambda r: [_EX[id(r)][0][0]], grad=False, id="single"),
    Sample("ParseSingleSequenceExample", _sequence, _sequence_inputs, _sequence_ref,
           grad=False),
    Sample("DecodeRaw", lambda s: gc.decode_raw(s, gc.float32), _raw_inputs, _raw_ref,
           grad=False),
    Sample("DecodeCSV", lambda s: gc.decode_csv(s, [[0], [0.0], np.array([2.5])]),
           _csv_inputs, _csv_ref, grad=False),
    Sample("SerializeTensor", lambda x: gc.parse_tensor(gc.serialize_tensor(x), gc.float64),
           lambda r: [normal(r, shape(r))], lambda x: x, grad=False),
    Sample("ParseTensor", lambda s: gc.parse_tensor(s, gc.int32),
           lambda r: [np.array(tensor_proto(r.integers(-5, 5, size=shape(r)).astype(
               np.int32), gc.int32), object)],
           lambda s: _parse_int32(s), grad=False),
    Sample("DecodeCompressed", lambda s: gc.decode_raw(
        gc.decode_compressed(s, "ZLIB"), gc.float32), _compressed_inputs,
        lambda s: np.stack([np.frombuffer(zlib.decompress(b), np.float32) for b in s]),
        grad=False),
    Sample("ReadFile", lambda p: gc.decode_raw(gc.read_file(p), gc.float32), _file_inputs,
           _file_ref, grad=False),
    Sample("WriteFile", _write_then_read,
           lambda r: [np.array(os.path.join(_DIR, "w", f"{int(r.integers(1 << 30))}")
                               .encode(), object), normal(r, shape(r, 2))],
           lambda p, x: x, grad=False),
    Sample("MatchingFiles", lambda p: gc.shape(gc.matching_files(p)), _glob_inputs,
           lambda p: np.array([1], np.int32), grad=False),
]


def _parse_int32(s):
    from graphc.ops.parsing_misc import parse_tensor_proto
    return parse_tensor_proto(s.item(), gc.int32)
