"""Session 8's small TF1 names against TensorFlow (skipped without it)."""
import numpy as np
import pytest

from tf_parity import check, tf, v1

import graphc as gc


def test_bitcast_and_required_paddings():
    check(lambda m, x: [m.bitcast(x, m.int32), m.bitcast(x, m.uint8)],
          np.array([[1.5, -2.0], [3.0, 0.25]], np.float64), grad=False)
    check(lambda m, x: m.bitcast(x, m.float64), np.arange(8, dtype=np.int32).reshape(4, 2),
          grad=False)
    check(lambda m: list(m.required_space_to_batch_paddings([5, 7, 9], [2, 3, 4],
                                                            [[1, 0], [0, 1], [2, 2]])),
          grad=False, placeholders=False)


def _count_up_to(m):
    g = m.Graph()
    with g.as_default():
        v = m.Variable(np.int32(3), name="v")
        c = m.count_up_to(v, 5)
        out = []
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            out += [s.run(c), s.run(c)]
            with pytest.raises(m.errors.OutOfRangeError):
                s.run(c)
            out.append(s.run(v))
    return out


def test_count_up_to():
    assert _count_up_to(gc) == _count_up_to(v1) == [3, 4, 5]


def _serialized(m):
    g = m.Graph()
    with g.as_default():
        sp = m.SparseTensor([[0, 1], [0, 3], [2, 0], [2, 2]], [1., 2., 3., 4.], [3, 4])
        st = m.SparseTensor([[0, 0], [1, 1]], np.array([b"a", b"bc"], object), [2, 2])
        many = m.serialize_many_sparse(sp)
        back = m.deserialize_many_sparse(many, m.float32, rank=2)
        with m.Session() as s:
            a, b, c, d = s.run([m.serialize_sparse(sp), many, back, m.serialize_sparse(st)])
    return a, b, c, d


def test_sparse_serialization_is_byte_identical():
    ga, gb, gback, gd = _serialized(gc)
    ta, tb, tback, td = _serialized(v1)
    assert list(ga) == list(ta) and list(gd) == list(td)
    assert [list(r) for r in gb] == [list(r) for r in tb]
    for x, y in zip(gback, tback):
        np.testing.assert_array_equal(x, y)


def test_deserialize_tf_strings_of_different_inner_shapes():
    """Rows serialized separately with different dense shapes: the result's inner
    shape is their max, as TF's."""
    def build(m):
        g = m.Graph()
        with g.as_default():
            a = m.serialize_sparse(m.SparseTensor([[0, 1]], [1.], [2, 3]))
            b = m.serialize_sparse(m.SparseTensor([[4, 0], [4, 2]], [2., 3.], [5, 3]))
            d = m.deserialize_many_sparse(m.stack([a, b]), m.float32)
            with m.Session() as s:
                return s.run(d)
    for x, y in zip(build(gc), build(v1)):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("value,dtype,shape", [
    ([[1, 2], [3, 4]], None, None), (1.5, None, None), (7, None, [2, 3]),
    (np.arange(5, dtype=np.float64), None, None), ([b"x", b"yz"], None, None),
    ([1, 2], "float32", None), (np.array([1, 2], np.uint32), None, None),
    (np.array([[True, False]]), None, None)])
def test_make_tensor_proto_values(value, dtype, shape):
    g = gc.make_tensor_proto(value, dtype, shape)
    t = tf.make_tensor_proto(value, dtype, shape)
    a, b = gc.make_ndarray(g), tf.make_ndarray(t)
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)
    # TF's own reader takes graphc's bytes
    t2 = type(t)()
    t2.ParseFromString(g.SerializeToString())
    np.testing.assert_array_equal(tf.make_ndarray(t2), b)


@pytest.mark.parametrize("value", [
    np.array(-1, np.int32), np.array([-5, 7, -2 ** 31], np.int32),
    np.array([-2 ** 63, 3], np.int64), np.array([-3, 4], np.int8),
    np.full((2, 3), -7, np.int16), np.array([1 + 2j, -3.5j], np.complex64),
    np.array([1 + 2j], np.complex128), np.array(3 + 4j, np.complex64),
    np.array(-2.5, np.float16), np.array([7, 1], np.uint64)])
@pytest.mark.parametrize("form", ["array", "list"])
def test_graphc_reads_tf_tensor_protos(value, form):
    """TF writes small protos value by value (*_val fields: negative ints as 64-bit
    two's complement varints, complex as float pairs); graphc reads TF's bytes."""
    raw = value if form == "array" else (value.tolist() if value.ndim else value.item())
    t = tf.make_tensor_proto(raw, dtype=value.dtype, shape=value.shape)
    got = gc.make_ndarray(type(gc.make_tensor_proto(0)).FromString(t.SerializeToString()))
    assert got.dtype == value.dtype and got.shape == value.shape
    np.testing.assert_array_equal(got, value)


def test_batch_scatter_update():
    def run(m):
        g = m.Graph()
        with g.as_default():
            v = m.Variable(np.zeros((2, 3, 5), np.float32))
            ids = np.array([[[1, 3], [0, 4], [2, 2]], [[4, 0], [1, 1], [3, 2]]], np.int32)
            upd = np.arange(12, dtype=np.float32).reshape(2, 3, 2) + 1
            op = m.batch_scatter_update(v, ids[:, :, :1], upd[:, :, :1])
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                return s.run(op)
    np.testing.assert_array_equal(run(gc), run(v1))


@pytest.mark.parametrize("spec,ok", [
    ([((10, 3), ("N", "Q")), ((10, 7), ("N", "D")), ((3,), ("Q",)), ((), ())], True),
    ([((10, 3), ("N", "D")), ((10, 7), ("N", "D"))], False),
    ([((2, 5, 3), ("*", 3))], True), ([((2, 5, 3), (..., 4))], False),
    ([((2, 5, 3), (2, ".", None))], True), ([((), ("N",)), ((1,), ("N",))], True),
    ([((4,), ())], False), ([((4, 3), (4, 3, 1))], False)])
def test_assert_shapes_static_verdicts(spec, ok):
    for m in (gc, v1):
        with m.Graph().as_default():
            pairs = [(m.zeros(s), sh) for s, sh in spec]
            if ok:
                m.debugging.assert_shapes(pairs)
            else:
                with pytest.raises(ValueError):
                    m.debugging.assert_shapes(pairs)


@pytest.mark.parametrize("axis,oov,old_size", [(0, 0, -1), (0, 2, 3), (1, 1, -1)])
def test_warm_start_with_vocab_info(tmp_path, axis, oov, old_size):
    old_words, new_words = ["a", "b", "c", "d"], ["d", "x", "a", "c", "y"]
    (tmp_path / "old.txt").write_text("\n".join(old_words) + "\n")
    (tmp_path / "new.txt").write_text("\n".join(new_words) + "\n")
    old = np.arange(12, dtype=np.float32).reshape(4, 3) + 1
    old_value = old if axis == 0 else old.T
    new_shape = [5 + oov, 3] if axis == 0 else [3, 5 + oov]

    def run(m):
        d = tmp_path / m.__name__.replace(".", "_")
        d.mkdir()
        with m.Graph().as_default():
            m.get_variable("emb", initializer=old_value)
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                prefix = m.train.Saver().save(s, str(d / "model"))
        with m.Graph().as_default():
            v = m.get_variable("emb", new_shape,
                               initializer=m.constant_initializer(-1.0))
            info = m.train.VocabInfo(str(tmp_path / "new.txt"), 5, oov,
                                     str(tmp_path / "old.txt"), old_vocab_size=old_size,
                                     backup_initializer=m.ones_initializer() if oov else None,
                                     axis=axis)
            m.train.warm_start(prefix, ["emb"], var_name_to_vocab_info={"emb": info})
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                return s.run(v)
    np.testing.assert_array_equal(run(gc), run(v1))


def test_sparse_cross_casts_int32_features():
    def run(m):
        with m.Graph().as_default():
            ids = m.SparseTensor([[0, 0], [1, 0]], m.constant([1, 2], m.int32), [2, 1])
            dense = m.constant([[3], [4]], m.int32)
            words = m.constant([["a"], ["b"]])
            out = [m.sparse.cross_hashed([ids, words], 10),
                   m.sparse.cross_hashed([dense, words], 10), m.sparse.cross([ids, dense])]
            with m.Session() as s:
                return [v.values for v in s.run(out)]
    for a, b in zip(run(gc), run(v1)):
        np.testing.assert_array_equal(a, b)


def test_sigmoid_cross_entropy_gradient_at_zero_logits():
    """At x = 0 the gradient is sigmoid(0) - z (relu and abs would give 0 there)."""
    logits = np.array([[0.0, 0.0], [0.0, 3.0], [-2.0, 0.0]])
    labels = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.25]])
    check(lambda m, x, z: m.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
          logits, labels)
    check(lambda m, x, z: m.losses.sigmoid_cross_entropy(z, x), logits, labels)


def _devices(m):
    with m.Graph().as_default():
        a = m.constant(1.0, name="a")
        with m.device("/cpu:0"):
            b = a + 1.0
            with m.device(lambda node: "/gpu:0" if node.type == "Mul" else "/cpu:1"):
                c = b * 2.0
                d = c - 1.0
            with m.device(None):
                e = d + 0.0
            with m.device("/job:w/task:2"):
                h = e + 1.0
                with m.device(m.DeviceSpec(device_type="GPU", device_index=1)):
                    i = h + 1.0
        with m.colocate_with(b):
            f = e * 3.0
            with m.colocate_with(None, ignore_existing=True):
                j = e * 2.0
        with m.device("/job:ps"), m.colocate_with(b):
            k = e * 3.0
        with m.device(m.train.replica_device_setter(ps_tasks=2)), m.device("/cpu:1"):
            v = m.Variable(1.0)
        return [t.op.device for t in (a, b, c, d, e, f, h, i, j, k, v)]


def test_device_scopes_merge_as_tf1():
    assert _devices(gc) == _devices(v1)
    spec = gc.DeviceSpec.from_string("/job:ps/replica:1/gpu:2")
    assert spec.to_string() == tf.DeviceSpec.from_string("/job:ps/replica:1/gpu:2").to_string()


def test_make_callable_with_a_sparse_feed():
    def run(m):
        with m.Graph().as_default():
            sp = m.sparse_placeholder(m.float32, [None, 3])
            y = m.sparse_reduce_sum(sp, axis=1)
            value = m.SparseTensorValue([[0, 1], [2, 2]], np.array([1., 2.], np.float32),
                                        [3, 3])
            with m.Session() as s:
                return s.make_callable(y, [sp])(value)
    np.testing.assert_array_equal(run(gc), run(v1))


@pytest.mark.parametrize("n,seed", [(1, 0), (2, 1), (3, 2), (4, 3)])
def test_expm_of_complex_matrices(n, seed):
    rng = np.random.default_rng(seed)
    re, im = rng.standard_normal((2, n, n)) * 0.7

    def fn(m, a, b):
        e = m.linalg.expm(m.complex(a, b))
        return [m.real(e), m.imag(e)]
    check(fn, re, im, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("seed,data", [([1, 2], 7), (np.array([5, -3], np.int64), 11),
                                       (np.array([0, 0], np.int32), np.int32(-4))])
def test_random_fold_in_and_split(seed, data):
    def build(m):
        return [m.random.fold_in(seed, data), m.random.split(seed), m.random.split(seed, 4)]
    for a, b in zip(_run_graph(gc, build), _run_graph(v1, build)):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def _run_graph(m, build):
    with m.Graph().as_default():
        out = build(m)
        with m.Session() as s:
            return s.run(out)


def _sequence_example(toks, tags, n):
    T = gc.train
    lists = {"tok": T.FeatureList(feature=[T.Feature(float_list=T.FloatList(value=t))
                                           for t in toks]),
             "tags": T.FeatureList(feature=[T.Feature(bytes_list=T.BytesList(value=t))
                                            for t in tags]),
             "word": T.FeatureList(feature=[T.Feature(bytes_list=T.BytesList(value=[w]))
                                            for w in [b"x", b"yz"][:len(toks) % 3]])}
    context = T.Features(feature={"n": T.Feature(int64_list=T.Int64List(value=[n]))})
    return T.SequenceExample(context=context, feature_lists=T.FeatureLists(
        feature_list=lists)).SerializeToString()


@pytest.mark.parametrize("seed", range(3))
def test_parse_sequence_example_batch(seed):
    rng = np.random.default_rng(seed)
    recs = []
    for _ in range(int(rng.integers(1, 5))):
        k = int(rng.integers(0, 4))
        recs.append(_sequence_example(
            rng.standard_normal((k, 2)).round(2).tolist(),
            [[bytes([97 + j]) for j in range(int(rng.integers(0, 3)))]
             for _ in range(int(rng.integers(0, 3)))], k))

    def build(m):
        c, f, n = m.io.parse_sequence_example(
            recs, context_features={"n": m.FixedLenFeature([], m.int64)},
            sequence_features={
                "tok": m.FixedLenSequenceFeature([2], m.float32, allow_missing=True),
                "word": m.FixedLenSequenceFeature([], m.string, allow_missing=True),
                "tags": m.VarLenFeature(m.string)})
        return [c["n"], f["tok"], n["tok"], f["word"], n["word"], f["tags"].indices,
                f["tags"].values, f["tags"].dense_shape]
    for a, b in zip(_run_graph(gc, build), _run_graph(v1, build)):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
