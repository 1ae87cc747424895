"""Parity with TensorFlow for Example protos, parse ops, TFRecord files and file
datasets: files written by TF are read by graphc and the reverse, and every feature kind
parses to the same values. Skips without TF."""
import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
import graphc as gc  # noqa: E402

v1 = tf.compat.v1


def strings(values):
    out = np.empty(len(values), object)
    out[:] = values
    return out


def make_example(m, i):
    """An Example with every list kind, built through library m's proto classes."""
    T = m.train
    feat = {"x": T.Feature(float_list=T.FloatList(value=[i + 0.1, -i, 3.4028235e38])),
            "y": T.Feature(int64_list=T.Int64List(value=list(range(-1, i)))),
            "s": T.Feature(bytes_list=T.BytesList(value=[b"r%d\x00\xff" % i] * (i % 3))),
            "ix": T.Feature(int64_list=T.Int64List(value=[(3 * i) % 7, i % 7][:1 + i % 2])),
            "val": T.Feature(float_list=T.FloatList(value=[0.5 * i, 2.0][:1 + i % 2])),
            "q": T.Feature(int64_list=T.Int64List(value=[i] * (2 * (i % 3))))}
    if i % 2:
        feat["d"] = T.Feature(int64_list=T.Int64List(value=[i, -i]))
    return T.Example(features=T.Features(feature=feat))


def features(m):
    return {"x": m.io.FixedLenFeature([3], m.float32),
            "y": m.io.VarLenFeature(m.int64),
            "s": m.io.VarLenFeature(m.string),
            "d": m.io.FixedLenFeature([2], m.int64, default_value=[7, 8]),
            "q": m.io.FixedLenSequenceFeature([2], m.int64, allow_missing=True,
                                              default_value=-1),
            "sp": m.io.SparseFeature("ix", "val", m.float32, 7)}


def assert_same(a, b):
    if hasattr(a, "indices"):
        for p, q in zip(a, b):
            assert_same(p, q)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, a.shape, b.dtype, b.shape)
    np.testing.assert_array_equal(a, b)


def run_both(build, feeds):
    """build(m, *placeholders) in graphc and TF; feeds are (dtype name, shape, value)."""
    outs = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            phs = [m.placeholder(getattr(m, d), s) for d, s, _ in feeds]
            out = build(m, *phs)
            with m.Session() as sess:
                outs.append(sess.run(out, dict(zip(phs, [v for _, _, v in feeds]))))
    return outs


def test_proto_bytes_and_text_match():
    for i in range(4):
        a, b = make_example(tf, i), make_example(gc, i)
        assert a.SerializeToString(deterministic=True) == b.SerializeToString()
        assert gc.train.Example.FromString(a.SerializeToString()) == b
        assert tf.train.Example.FromString(b.SerializeToString()) == a
        one = {"x": a.features.feature["x"]}
        ta = tf.train.Features(feature=one)
        tb = gc.train.Features(feature={"x": b.features.feature["x"]})
        assert str(ta) == str(tb)
    seq = [m.train.SequenceExample(
        context=m.train.Features(feature={"c": m.train.Feature(
            bytes_list=m.train.BytesList(value=[b"\n\"q"]))}),
        feature_lists=m.train.FeatureLists(feature_list={"s": m.train.FeatureList(feature=[
            m.train.Feature(float_list=m.train.FloatList(value=[1e-7, float("nan")])),
            m.train.Feature()])})) for m in (tf, gc)]
    assert seq[0].SerializeToString() == seq[1].SerializeToString()
    assert str(seq[0]) == str(seq[1])


def test_parse_example_every_kind():
    recs = strings([make_example(tf, i).SerializeToString() for i in range(5)])
    got, want = run_both(lambda m, s: m.io.parse_example(s, features(m)),
                         [("string", [None], recs)])
    assert sorted(got) == sorted(want)
    for k in want:
        assert_same(got[k], want[k])


def test_parse_single_example_and_static_shapes():
    rec = make_example(tf, 2).SerializeToString()
    outs = []
    for m in (gc, v1):
        with m.Graph().as_default():
            p = m.placeholder(m.string, [])
            out = m.parse_single_example(p, features(m))
            shapes = {k: (v.indices.shape.as_list(), v.dense_shape.shape.as_list())
                      if hasattr(v, "indices") else v.shape.as_list() for k, v in out.items()}
            with m.Session() as s:
                outs.append((shapes, s.run(out, {p: rec})))
    assert outs[0][0] == outs[1][0]
    for k in outs[1][1]:
        assert_same(outs[0][1][k], outs[1][1][k])


@pytest.mark.parametrize("spec,rec", [
    (lambda m: {"z": m.io.FixedLenFeature([1], m.int64)}, {"x": [1.0]}),
    (lambda m: {"x": m.io.FixedLenFeature([2], m.float32)}, {"x": [1.0]}),
    (lambda m: {"x": m.io.FixedLenFeature([1], m.int64)}, {"x": [1.0]}),
])
def test_both_reject_bad_records(spec, rec):
    data = tf.train.Example(features=tf.train.Features(feature={
        k: tf.train.Feature(float_list=tf.train.FloatList(value=v))
        for k, v in rec.items()})).SerializeToString()
    for m, err in ((gc, gc.errors.ExecutionError), (v1, tf.errors.InvalidArgumentError)):
        with m.Graph().as_default():
            p = m.placeholder(m.string, [None])
            out = m.io.parse_example(p, spec(m))
            with m.Session() as s, pytest.raises(err) as e:
                s.run(out, {p: strings([data])})
            key = next(iter(spec(m)))
            assert key in str(e.value)


def test_parse_single_sequence_example():
    rec = tf.train.SequenceExample(
        context=tf.train.Features(feature={"c": tf.train.Feature(
            int64_list=tf.train.Int64List(value=[3]))}),
        feature_lists=tf.train.FeatureLists(feature_list={
            "s": tf.train.FeatureList(feature=[tf.train.Feature(
                int64_list=tf.train.Int64List(value=[t, t + 1])) for t in range(3)]),
            "v": tf.train.FeatureList(feature=[
                tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"a"] * t))
                for t in range(4)])})).SerializeToString()

    def build(m, p):
        return m.io.parse_single_sequence_example(
            p, {"c": m.io.FixedLenFeature([], m.int64), "e": m.io.VarLenFeature(m.float32)},
            {"s": m.io.FixedLenSequenceFeature([2], m.int64),
             "v": m.io.VarLenFeature(m.string),
             "m": m.io.FixedLenSequenceFeature([], m.float32, allow_missing=True)})
    got, want = run_both(build, [("string", [], rec)])
    for g, w in zip(got, want):
        for k in w:
            assert_same(g[k], w[k])


@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
def test_tfrecord_files_both_ways(tmp_path, compression):
    records = [make_example(tf, i).SerializeToString() for i in range(6)]
    tf_path, gc_path = str(tmp_path / "tf.tfr"), str(tmp_path / "gc.tfr")
    with tf.io.TFRecordWriter(tf_path, compression) as w:
        for r in records:
            w.write(r)
    with gc.python_io.TFRecordWriter(gc_path, compression) as w:
        for r in records:
            w.write(r)
    assert open(tf_path, "rb").read() == open(gc_path, "rb").read()
    assert list(v1.python_io.tf_record_iterator(gc_path, compression)) == records
    assert list(gc.python_io.tf_record_iterator(tf_path, compression)) == records

    def build(m, path):
        ds = m.data.TFRecordDataset(path, compression_type=compression)
        spec = {k: v for k, v in features(m).items() if k != "q"}   # ragged: not batchable
        ds = ds.map(lambda r: m.io.parse_single_example(r, spec)).batch(4)
        return ds.make_one_shot_iterator().get_next() if m is gc else \
            v1.data.make_one_shot_iterator(ds).get_next()
    for path in (tf_path, gc_path):
        outs = []
        for m in (gc, v1):
            with m.Graph().as_default():
                nxt = build(m, path)
                with m.Session() as s:
                    outs.append([s.run(nxt), s.run(nxt)])
        for g, w in zip(*outs):
            for k in w:
                assert_same(g[k], w[k])


def test_interleave_text_and_fixed_length(tmp_path):
    paths = []
    for n, name in ((3, "a"), (1, "b"), (2, "c")):
        p = str(tmp_path / f"{name}.tfr")
        with tf.io.TFRecordWriter(p) as w:
            for k in range(n):
                w.write(f"{name}{k}".encode())
        paths.append(p)
    (tmp_path / "t.txt").write_bytes(b"a,1\r\nb,2\n\nc,3")
    (tmp_path / "f.bin").write_bytes(b"HH" + bytes(range(12)) + b"F")

    def build(m):
        a = m.data.TFRecordDataset(paths, num_parallel_reads=2)
        b = m.data.TextLineDataset(str(tmp_path / "t.txt"))
        c = m.data.FixedLengthRecordDataset(str(tmp_path / "f.bin"), 4, header_bytes=2,
                                            footer_bytes=1)
        return [m.data.make_one_shot_iterator(d).get_next() for d in (a, b, c)]
    outs = []
    for m in (gc, v1):
        with m.Graph().as_default():
            nxt = build(m)
            with m.Session() as s:
                outs.append([[s.run(n) for _ in range(k)] for n, k in zip(nxt, (6, 4, 3))])
    assert outs[0] == outs[1]


def test_decode_raw_csv_and_tensor_protos():
    raw = strings([np.arange(3, dtype=">i4").tobytes(), np.arange(3, 6, dtype=">i4").tobytes()])
    got, want = run_both(lambda m, s: m.io.decode_raw(s, m.int32, little_endian=False),
                         [("string", [None], raw)])
    assert_same(got, want)
    lines = strings([b'1,2.5,"x,""y"""', b"3,,", b"-4,1e3,NA"])
    got, want = run_both(lambda m, s: m.io.decode_csv(s, [[0], [1.5], ["none"]],
                                                      na_value="NA"),
                         [("string", [None], lines)])
    for g, w in zip(got, want):
        assert_same(g, w)
    for dtype, value in (("float32", np.array([[1.5, -2.0]], np.float32)),
                         ("int64", np.arange(6).reshape(2, 3)), ("bool", np.array(True)),
                         ("uint8", np.array([1, 2], np.uint8)),
                         ("float16", np.array([1.0, 2.0], np.float16)),
                         ("float64", np.zeros((2, 0))), ("string", strings([b"a", b"bc"]))):
        got, want = run_both(lambda m, x: m.io.serialize_tensor(x),
                             [(dtype, value.shape, value)])
        assert got == want, dtype
        got, want = run_both(lambda m, s, d=dtype: m.io.parse_tensor(s, getattr(m, d)),
                             [("string", [], want)])
        assert_same(got, want)


def test_decode_compressed_and_files(tmp_path):
    import zlib
    data = strings([zlib.compress(b"abc"), zlib.compress(b"xy" * 9)])
    got, want = run_both(lambda m, s: m.io.decode_compressed(s, "ZLIB"),
                         [("string", [None], data)])
    assert_same(got, want)
    for name in ("b.txt", "a.txt", "c.bin"):
        (tmp_path / name).write_bytes(name.encode())
    got, want = run_both(lambda m, p: [m.io.matching_files(p), m.io.read_file(
        m.io.matching_files(p)[0])], [("string", [], str(tmp_path / "*.txt"))])
    assert_same(got[0], want[0]) and got[1] == want[1]
