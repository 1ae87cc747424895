"""Example protos, parse ops, TFRecord files and file datasets (no TensorFlow needed;
tests/test_tf_parity_parsing.py compares with TF)."""
import gzip
import zlib

import numpy as np
import pytest

import graphc as gc
from graphc.io.tfrecord import DataLossError

T = gc.train


def strings(values):
    out = np.empty(len(values), object)
    out[:] = values
    return out


def example(**features):
    feat = {}
    for k, v in features.items():
        if v and isinstance(v[0], bytes):
            feat[k] = T.Feature(bytes_list=T.BytesList(value=v))
        elif v and isinstance(v[0], float):
            feat[k] = T.Feature(float_list=T.FloatList(value=v))
        else:
            feat[k] = T.Feature(int64_list=T.Int64List(value=v))
    return T.Example(features=T.Features(feature=feat)).SerializeToString()


def run(fetch, feed=None):
    with gc.Session() as s:
        return s.run(fetch, feed)


# ---- protos ----------------------------------------------------------------------------
def test_example_round_trip_and_access():
    data = example(x=[1.0, 0.1], y=[-1, 2**63 - 1], s=[b"a\x00", b""])
    ex = T.Example.FromString(data)
    assert ex.features.feature["x"].float_list.value == [1.0, float(np.float32(0.1))]
    assert ex.features.feature["y"].int64_list.value == [-1, 2**63 - 1]
    assert ex.features.feature["s"].bytes_list.value == [b"a\x00", b""]
    assert ex.features.feature["y"].WhichOneof("kind") == "int64_list"
    assert ex.SerializeToString() == data and ex == T.Example.FromString(data)
    other = T.Example()
    assert other.ParseFromString(data) == len(data) and other == ex


def test_known_bytes_and_lazy_fill():
    ex = T.Example()
    ex.features.feature["q"].int64_list.value.append(3)
    assert ex.SerializeToString() == b"\n\x0c\n\n\n\x01q\x12\x05\x1a\x03\n\x01\x03"
    assert T.Example(features=T.Features()).SerializeToString() == b"\n\x00"
    assert T.Example().SerializeToString() == b"" and repr(T.Example()) == ""
    f = T.Feature()
    assert f.WhichOneof("kind") is None and f.float_list.value == []
    assert f.WhichOneof("kind") is None


def test_type_checks_match_protobuf():
    with pytest.raises(TypeError, match="expected bytes, str found"):
        T.BytesList(value=["s"])
    with pytest.raises(TypeError):
        T.Int64List(value=[1.5])
    with pytest.raises(TypeError, match="boolean"):
        T.Int64List(value=[True])
    with pytest.raises(ValueError, match="out of range"):
        T.Int64List(value=[2**63])
    with pytest.raises(TypeError):
        T.FloatList(value=["1"])


def test_text_format():
    f = T.Feature(float_list=T.FloatList(value=[1.0, 0.1, float("inf"), -0.0, 3.4028235e38]))
    assert str(f) == ("float_list {\n  value: 1\n  value: 0.1\n  value: inf\n  value: -0\n"
                      "  value: 3.40282347e+38\n}\n")
    b = T.BytesList(value=[b"a\n\x01\xff'\""])
    assert repr(b) == 'value: "a\\n\\001\\377\\\'\\""\n'


def test_sequence_example_round_trip():
    seq = T.SequenceExample(
        context=T.Features(feature={"c": T.Feature(int64_list=T.Int64List(value=[1]))}),
        feature_lists=T.FeatureLists(feature_list={"s": T.FeatureList(feature=[
            T.Feature(int64_list=T.Int64List(value=[1, 2])),
            T.Feature(int64_list=T.Int64List(value=[3]))])}))
    data = seq.SerializeToString()
    assert data == (b"\n\x0c\n\n\n\x01c\x12\x05\x1a\x03\n\x01\x01\x12\x16\n\x14\n\x01s"
                    b"\x12\x0f\n\x06\x1a\x04\n\x02\x01\x02\n\x05\x1a\x03\n\x01\x03")
    assert T.SequenceExample.FromString(data) == seq


# ---- parse_example ---------------------------------------------------------------------
def test_parse_example_every_kind():
    s = gc.placeholder(gc.string, [None])
    out = gc.parse_example(s, {
        "x": gc.FixedLenFeature([3], gc.float32),
        "y": gc.VarLenFeature(gc.int64),
        "t": gc.VarLenFeature(gc.string),
        "d": gc.FixedLenFeature([2], gc.int64, default_value=[7, 8]),
        "q": gc.FixedLenSequenceFeature([2], gc.int64, allow_missing=True, default_value=-1),
        "sp": gc.SparseFeature("ix", "val", gc.float32, 5)})
    assert out["x"].shape.as_list() == [None, 3] and out["q"].shape.as_list() == [None, None, 2]
    recs = strings([example(x=[1.0, 2.0, 3.0], y=[1, 2], t=[b"a"], q=[1, 2, 3, 4],
                            ix=[3, 1], val=[1.0, 2.0]),
                    example(x=[4.0, 5.0, 6.0], t=[b"b", b"c"], d=[0, 1], ix=[0], val=[9.0])])
    got = run(out, {s: recs})
    np.testing.assert_array_equal(got["x"], [[1, 2, 3], [4, 5, 6]])
    assert got["x"].dtype == np.float32
    np.testing.assert_array_equal(got["y"].indices, [[0, 0], [0, 1]])
    np.testing.assert_array_equal(got["y"].dense_shape, [2, 2])
    assert list(got["t"].values) == [b"a", b"b", b"c"]
    np.testing.assert_array_equal(got["d"], [[7, 8], [0, 1]])
    np.testing.assert_array_equal(got["q"], [[[1, 2], [3, 4]], [[-1, -1], [-1, -1]]])
    np.testing.assert_array_equal(got["sp"].indices, [[0, 1], [0, 3], [1, 0]])
    np.testing.assert_array_equal(got["sp"].values, [2.0, 1.0, 9.0])
    np.testing.assert_array_equal(got["sp"].dense_shape, [2, 5])


@pytest.mark.parametrize("features,record,message", [
    ({"y": gc.FixedLenFeature([2], gc.int64)}, example(x=[1]),
     r"Feature: y \(data type: int64\) is required but could not be found \(record 1\)"),
    ({"x": gc.FixedLenFeature([2], gc.int64)}, example(x=[1]),
     "Key: x, Index: 1.  Number of int64 values != expected.  Values size: 1"),
    ({"z": gc.FixedLenFeature([1], gc.float32, default_value=[0.0])}, example(z=[1]),
     "Key: z, Index: 1.  Data types don't match. Data type: int64 but expected type: float"),
    ({"x": gc.FixedLenSequenceFeature([2], gc.int64, allow_missing=True)}, example(x=[1]),
     "Key: x, Index: 1.  Number of int64 values is not a multiple of stride length"),
])
def test_run_time_errors_name_key_record_and_node(features, record, message):
    s = gc.placeholder(gc.string, [None])
    out = gc.parse_example(s, features)
    good = example(x=[1, 2], y=[1, 2])
    with pytest.raises(gc.errors.ExecutionError, match=message) as e:
        run(out, {s: strings([good, record])})
    assert "ParseExample" in str(e.value) and "test_parsing.py" in str(e.value)


def test_build_time_errors():
    s = gc.placeholder(gc.string, [None])
    with pytest.raises(TypeError, match="int32 is not supported"):
        gc.parse_example(s, {"x": gc.FixedLenFeature([], gc.int32)})
    with pytest.raises(ValueError, match="allow_missing"):
        gc.parse_example(s, {"x": gc.FixedLenSequenceFeature([], gc.int64)})
    with pytest.raises(ValueError, match="default_value has 1 elements"):
        gc.parse_example(s, {"x": gc.FixedLenFeature([2], gc.int64, default_value=7)})
    with pytest.raises(ValueError, match="fully known shape"):
        gc.parse_example(s, {"x": gc.FixedLenFeature([None], gc.int64)})
    with pytest.raises(gc.errors.ShapeError, match="must be a scalar"):
        gc.parse_single_example(s, {"x": gc.FixedLenFeature([], gc.int64)})
    with pytest.raises(gc.errors.DTypeError, match="expected string"):
        gc.parse_example(gc.placeholder(gc.float32, [2]), {"x": gc.VarLenFeature(gc.int64)})


def test_parse_single_example_and_sequence_example():
    r = gc.placeholder(gc.string, [])
    out = gc.parse_single_example(r, {"x": gc.FixedLenFeature([3, 1], gc.float32),
                                      "y": gc.VarLenFeature(gc.int64)})
    assert out["y"].indices.shape.as_list() == [None, 1]
    got = run(out, {r: example(x=[1.0, 2.0, 3.0], y=[5, 6])})
    assert got["x"].shape == (3, 1)
    np.testing.assert_array_equal(got["y"].indices, [[0], [1]])
    np.testing.assert_array_equal(got["y"].dense_shape, [2])
    seq = T.SequenceExample(
        context=T.Features(feature={"c": T.Feature(int64_list=T.Int64List(value=[4]))}),
        feature_lists=T.FeatureLists(feature_list={
            "s": T.FeatureList(feature=[T.Feature(int64_list=T.Int64List(value=[1, 2])),
                                        T.Feature(int64_list=T.Int64List(value=[3, 4]))]),
            "v": T.FeatureList(feature=[T.Feature(float_list=T.FloatList(value=[1.0])),
                                        T.Feature(float_list=T.FloatList(value=[2., 3.])),
                                        T.Feature()])}))
    ctx, sq = gc.parse_single_sequence_example(
        r, {"c": gc.FixedLenFeature([], gc.int64)},
        {"s": gc.FixedLenSequenceFeature([2], gc.int64), "v": gc.VarLenFeature(gc.float32),
         "m": gc.FixedLenSequenceFeature([], gc.float32, allow_missing=True)})
    got = run((ctx, sq), {r: seq.SerializeToString()})
    assert got[0]["c"] == 4
    np.testing.assert_array_equal(got[1]["s"], [[1, 2], [3, 4]])
    np.testing.assert_array_equal(got[1]["v"].dense_shape, [3, 2])
    assert got[1]["m"].shape == (0,)
    _, missing = gc.parse_single_sequence_example(
        r, sequence_features={"m": gc.FixedLenSequenceFeature([], gc.float32)})
    with pytest.raises(gc.errors.ExecutionError, match="Feature list 'm' is required"):
        run(missing, {r: seq.SerializeToString()})


# ---- byte-level ops --------------------------------------------------------------------
def test_decode_raw():
    s = gc.placeholder(gc.string, [None])
    x = np.arange(6, dtype=np.int16).reshape(2, 3)
    got = run(gc.decode_raw(s, gc.int16), {s: strings([r.tobytes() for r in x])})
    np.testing.assert_array_equal(got, x)
    big = run(gc.decode_raw(s, gc.int16, little_endian=False),
              {s: strings([r.astype(">i2").tobytes() for r in x])})
    np.testing.assert_array_equal(big, x)
    with pytest.raises(gc.errors.ExecutionError, match="same size"):
        run(gc.decode_raw(s, gc.uint8), {s: strings([b"ab", b"c"])})
    with pytest.raises(gc.errors.ExecutionError, match="not a multiple of 4"):
        run(gc.decode_raw(s, gc.float32), {s: strings([b"abc"])})


def test_decode_csv():
    s = gc.placeholder(gc.string, [None])
    a, b, c = gc.decode_csv(s, [[0], [1.5], [b"none"]])
    assert (a.dtype, b.dtype, c.dtype) == (gc.int32, gc.float32, gc.string)
    got = run([a, b, c], {s: strings([b'1,2.5,"x,""y"""', b"3,,", b"-4,1e3,z"])})
    np.testing.assert_array_equal(got[0], [1, 3, -4])
    np.testing.assert_array_equal(got[1], [2.5, 1.5, 1000.0])
    assert list(got[2]) == [b'x,"y"', b"none", b"z"]
    sel = gc.decode_csv(s, [[0.0]], select_cols=[1], field_delim=";", na_value="NA")
    np.testing.assert_array_equal(run(sel, {s: strings([b"a;2", b"b;NA"])})[0], [2.0, 0.0])
    req = gc.decode_csv(s, [gc.constant([], gc.int64), [0]])
    with pytest.raises(gc.errors.ExecutionError, match="Field 0 is required"):
        run(req, {s: strings([b",1"])})
    with pytest.raises(gc.errors.ExecutionError, match="Expect 2 fields but have 3"):
        run(req, {s: strings([b"1,2,3"])})
    with pytest.raises(gc.errors.ExecutionError, match="not a valid int32"):
        run(req, {s: strings([b"1,x"])})
    with pytest.raises(ValueError, match="strictly increasing"):
        gc.decode_csv(s, [[0], [0]], select_cols=[1, 0])


def test_serialize_and_parse_tensor():
    x = gc.placeholder(gc.float32, [None, 2])
    ser = gc.serialize_tensor(x)
    got = run(ser, {x: [[1.0, 2.0]]})
    assert got == (b'\x08\x01\x12\x08\x12\x02\x08\x01\x12\x02\x08\x02"\x08'
                   b'\x00\x00\x80?\x00\x00\x00@')
    back = gc.parse_tensor(ser, gc.float32)
    assert back.shape.dims is None
    np.testing.assert_array_equal(run(back, {x: [[1.0, 2.0]]}), [[1.0, 2.0]])
    with pytest.raises(gc.errors.ExecutionError, match=r"Type mismatch.*\(float32\).*float64"):
        run(gc.parse_tensor(ser, gc.float64), {x: [[1.0, 2.0]]})
    s = gc.placeholder(gc.string, [2])
    got = run(gc.serialize_tensor(s), {s: strings([b"a", b"bc"])})
    assert got == b"\x08\x07\x12\x04\x12\x02\x08\x02B\x01aB\x02bc"
    assert list(run(gc.parse_tensor(got_t := gc.placeholder(gc.string, []), gc.string),
                    {got_t: got})) == [b"a", b"bc"]


def test_decode_compressed_and_files(tmp_path):
    s = gc.placeholder(gc.string, [None])
    data = strings([zlib.compress(b"abc"), zlib.compress(b"")])
    assert list(run(gc.decode_compressed(s, "ZLIB"), {s: data})) == [b"abc", b""]
    assert list(run(gc.decode_compressed(s, "GZIP"), {s: strings([gzip.compress(b"q")])})) \
        == [b"q"]
    assert list(run(gc.decode_compressed(s), {s: strings([b"raw"])})) == [b"raw"]
    with pytest.raises(ValueError, match="compression_type"):
        gc.decode_compressed(s, "BZ2")
    f, c = gc.placeholder(gc.string, []), gc.placeholder(gc.string, [])
    path = str(tmp_path / "sub" / "a.bin")
    run(gc.write_file(f, c), {f: path, c: b"hello"})
    assert run(gc.read_file(f), {f: path}) == b"hello"
    (tmp_path / "sub" / "b.bin").write_bytes(b"")
    got = run(gc.matching_files(f), {f: str(tmp_path / "sub" / "*.bin")})
    assert [p.decode() for p in got] == sorted([path, str(tmp_path / "sub" / "b.bin")])
    with pytest.raises(gc.errors.ExecutionError, match="ReadFile"):
        run(gc.read_file(f), {f: str(tmp_path / "missing")})


# ---- TFRecord files and datasets -------------------------------------------------------
@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_tfrecord_writer_and_iterator(tmp_path, compression):
    path = str(tmp_path / "r.tfrecord")
    opts = gc.python_io.TFRecordOptions(compression or None)
    with gc.python_io.TFRecordWriter(path, opts) as w:
        for i in range(5):
            w.write(bytes([i]) * i)
        w.flush()
    assert list(gc.python_io.tf_record_iterator(path, compression)) == \
        [bytes([i]) * i for i in range(5)]
    raw = open(path, "rb").read()
    if compression == "ZLIB":
        raw = zlib.decompress(raw)
    elif compression == "GZIP":
        assert raw[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"   # TF's header
        raw = gzip.decompress(raw)
    assert raw[:8] == (0).to_bytes(8, "little")


def test_tfrecord_options_and_corruption(tmp_path):
    O, C = gc.python_io.TFRecordOptions, gc.python_io.TFRecordCompressionType
    assert O.get_compression_type_string(None) == ""
    assert O.get_compression_type_string(O(C.ZLIB)) == "ZLIB"
    assert O.get_compression_type_string("GZIP") == "GZIP"
    with pytest.raises(ValueError, match="Not a valid compression_type"):
        O("BAD")
    path = tmp_path / "bad.tfrecord"
    with gc.python_io.TFRecordWriter(str(path)) as w:
        w.write(b"abcdef")
    data = bytearray(path.read_bytes())
    data[14] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(DataLossError, match="corrupted record data at offset 0"):
        list(gc.python_io.tf_record_iterator(str(path)))


def _write(path, records, compression=""):
    with gc.python_io.TFRecordWriter(str(path), compression) as w:
        for r in records:
            w.write(r)
    return str(path)


def test_tfrecord_dataset_map_batch_shuffle_repeat(tmp_path):
    recs = [example(x=[float(i)], y=list(range(i))) for i in range(6)]
    a = _write(tmp_path / "a.tfr", recs[:3], "GZIP")
    b = _write(tmp_path / "b.tfr", recs[3:], "GZIP")
    ds = gc.data.TFRecordDataset([a, b], compression_type="GZIP").map(
        lambda r: gc.parse_single_example(r, {"x": gc.FixedLenFeature([], gc.float32),
                                              "y": gc.VarLenFeature(gc.int64)}))
    nxt = ds.repeat(2).shuffle(4, seed=1).batch(4).make_one_shot_iterator().get_next()
    xs, ys = [], 0
    with gc.Session() as s:
        for _ in range(3):
            got = s.run(nxt)
            xs += got["x"].tolist()
            ys += len(got["y"].values)
            assert got["y"].dense_shape[0] == len(got["x"])
        with pytest.raises(gc.errors.OutOfRangeError):
            s.run(nxt)
    assert sorted(xs) == sorted(list(range(6)) * 2) and ys == 2 * sum(range(6))


def test_interleave_filename_tensor_and_missing_file(tmp_path):
    a = _write(tmp_path / "a.tfr", [b"a0", b"a1", b"a2"])
    b = _write(tmp_path / "b.tfr", [b"b0"])
    c = _write(tmp_path / "c.tfr", [b"c0", b"c1"])
    names = gc.placeholder(gc.string, [None])
    it = gc.data.TFRecordDataset(names, num_parallel_reads=2).make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as s:
        s.run(it.initializer, {names: strings([a, b, c])})
        got = [s.run(nxt) for _ in range(6)]
    assert got == [b"a0", b"b0", b"a1", b"a2", b"c0", b"c1"]     # TF's order
    nxt = gc.data.TFRecordDataset(str(tmp_path / "nope")).make_one_shot_iterator().get_next()
    with pytest.raises(gc.errors.NotFoundError, match="nope"):
        run(nxt)


def test_text_line_and_fixed_length_datasets(tmp_path):
    p = tmp_path / "t.txt"
    p.write_bytes(b"a,1\r\nb,2\n\nc,3")
    nxt = gc.data.TextLineDataset(str(p)).make_one_shot_iterator().get_next()
    with gc.Session() as s:
        assert [s.run(nxt) for _ in range(4)] == [b"a,1", b"b,2", b"", b"c,3"]
    q = tmp_path / "f.bin"
    q.write_bytes(b"HH" + np.arange(6, dtype=np.int16).tobytes() + b"F")
    ds = gc.data.FixedLengthRecordDataset(str(q), 4, header_bytes=2, footer_bytes=1)
    nxt = ds.map(lambda r: gc.decode_raw(r, gc.int16)).batch(3).make_one_shot_iterator().get_next()
    np.testing.assert_array_equal(run(nxt), [[0, 1], [2, 3], [4, 5]])
    bad = gc.data.FixedLengthRecordDataset(str(q), 5, header_bytes=2)
    with pytest.raises(gc.errors.DataLossError, match="not an exact multiple"):
        run(bad.make_one_shot_iterator().get_next())


def test_namespaces():
    assert gc.io.parse_example is gc.parse_example
    assert gc.io.TFRecordWriter is gc.python_io.TFRecordWriter
    assert gc.compat.v1.io.decode_csv is gc.decode_csv
    assert gc.compat.v1.train.Example is T.Example
    assert callable(gc.io.write_graph) and gc.io.events.Event


def test_compression_type_may_be_a_string_tensor(tmp_path):
    path = str(tmp_path / "a.txt.gz")
    with gzip.open(path, "wb") as f:
        f.write(b"l1\nl2\n")
    kind = gc.placeholder(gc.string, [])
    it = gc.data.make_initializable_iterator(
        gc.data.TextLineDataset([path], compression_type=kind))
    nxt = it.get_next()
    with gc.Session() as s:
        s.run(it.initializer, {kind: "GZIP"})
        assert [s.run(nxt), s.run(nxt)] == [b"l1", b"l2"]
        s.run(it.initializer, {kind: "BZIP"})
        with pytest.raises(gc.errors.InvalidArgumentError, match="compression_type"):
            s.run(nxt)
    with pytest.raises(gc.errors.DTypeError, match="compression_type"):
        gc.data.TFRecordDataset([path], compression_type=gc.constant(1))


def test_decode_csv_parses_numbers_and_quotes_as_tf():
    """TF 2.21 (the session-19 queues hunt): numbers as TF's parsers read them (no '_'
    separators, hex floats), no quote, CR or LF in an unquoted field, and an empty record
    has no field."""
    s = gc.placeholder(gc.string, [None])
    (i,), (f,) = gc.decode_csv(s, [[0]]), gc.decode_csv(s, [[0.0]])
    a, _ = gc.decode_csv(s, [[""], [""]])
    (raw,) = gc.decode_csv(s, [[""]], use_quote_delim=False)
    with gc.Session() as sess:
        for t, rec, want in [(f, "0x10", 16.0), (f, "-0X1A", -26.0), (i, " 12 ", 12),
                             (f, "1e3", 1000.0), (raw, 'a"b', b'a"b')]:
            assert sess.run(t, {s: [rec]}).tolist() == [want]
        for t, rec, msg in [(i, "1_0", "not a valid int32"), (f, "1_000.5", "float32"),
                            (i, "3.0", "int32"), (a, 'a"b,c', "Unquoted fields"),
                            (a, ' "q",c', "Unquoted fields"), (a, "a\rb,c", "CRLF"),
                            (raw, "", "Expect 1 fields but have 0")]:
            with pytest.raises(gc.errors.InvalidArgumentError, match=msg):
                sess.run(t, {s: [rec]})
