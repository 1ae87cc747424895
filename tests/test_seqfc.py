"""Sequence feature columns with SequenceFeatures, and gc.io.RaggedFeature in
parse_example / parse_single_example; values worked out by hand (TF parity is in
test_tf_parity_seqfc.py)."""
import numpy as np
import pytest

import graphc as gc

fc = gc.feature_column
RF = gc.io.RaggedFeature
T = gc.train


def _eval(fetches, feed=None):
    with gc.Session() as sess:
        sess.run([gc.global_variables_initializer(), gc.tables_initializer()])
        return sess.run(fetches, feed)


def _sparse(rows, dtype=np.int64):
    """A SparseTensor [batch, longest] of lists of values."""
    idx = [[b, j] for b, r in enumerate(rows) for j in range(len(r))]
    vals = np.array([v for r in rows for v in r], dtype)
    return gc.SparseTensor(np.array(idx, np.int64).reshape(-1, 2), vals,
                           [len(rows), max(map(len, rows))])


# ---- sequence columns ------------------------------------------------------------------
def test_sequence_numeric_and_lengths():
    with gc.Graph().as_default():
        r = fc.sequence_numeric_column("r", shape=(2,), default_value=-1.)
        assert (r.name, r.shape, r.dtype, r.default_value) == ("r", (2,), gc.float32, -1.)
        assert fc.make_parse_example_spec([r]) == {"r": gc.io.VarLenFeature(gc.float32)}
        feats = {"r": _sparse([[1., 2., 3., 4.], [5., 6.], []], np.float32)}
        x, n = fc.SequenceFeatures([r])(feats)
        assert x.dtype is gc.float32 and n.dtype is gc.int64
        x, n = _eval([x, n])
        np.testing.assert_array_equal(n, [2, 1, 0])
        np.testing.assert_array_equal(x, [[[1, 2], [3, 4]], [[5, 6], [-1, -1]],
                                          [[-1, -1], [-1, -1]]])


def test_sequence_numeric_rounds_up_and_normalizes():
    with gc.Graph().as_default():
        r = fc.sequence_numeric_column("r", shape=(2,), normalizer_fn=lambda sp: gc.SparseTensor(
            sp.indices, sp.values * 10., sp.dense_shape))
        sp = gc.SparseTensor([[0, 0], [0, 1], [0, 2], [1, 0]], np.float32([1, 2, 3, 4]),
                             [2, 4])
        dense, n = r._get_sequence_dense_tensor(gc.feature_column_base._LazyBuilder({"r": sp}))
        dense, n = _eval([dense, n])
        np.testing.assert_array_equal(n, [2, 1])           # ceil(3 / 2), ceil(1 / 2)
        np.testing.assert_array_equal(dense, [[[10, 20], [30, 0]], [[40, 0], [0, 0]]])


def test_embedding_and_indicator_over_sequence():
    with gc.Graph().as_default():
        w = fc.sequence_categorical_column_with_identity("w", 4)
        assert (w.name, w.num_buckets) == ("w", 4)
        table = np.arange(12., dtype=np.float32).reshape(4, 3)
        emb = fc.embedding_column(w, 3, initializer=gc.constant_initializer(table))
        ind = fc.indicator_column(w)
        layer = fc.SequenceFeatures([ind, emb])
        feats = {"w": _sparse([[1, 3], [2], []])}
        x, n = layer(feats)
        assert x.shape.as_list()[-1] == 7
        assert [v.name for v in layer.variables] == [
            "sequence_features/w_embedding/embedding_weights:0"]
        x, n = _eval([x, n])
        np.testing.assert_array_equal(n, [2, 1, 0])
        # columns by name: w_embedding (3) then w_indicator (4)
        np.testing.assert_array_equal(x[0], [[3, 4, 5, 0, 1, 0, 0], [9, 10, 11, 0, 0, 0, 1]])
        np.testing.assert_array_equal(x[1], [[6, 7, 8, 0, 0, 1, 0], [0] * 7])
        np.testing.assert_array_equal(x[2], np.zeros((2, 7)))


def test_three_d_ids_are_combined_per_step():
    with gc.Graph().as_default():
        w = fc.sequence_categorical_column_with_identity("w", 3)
        emb = fc.embedding_column(w, 2, combiner="sum",
                                  initializer=gc.constant_initializer([[1, 0], [0, 1], [5, 5]]))
        sp = gc.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]],
                             np.int64([0, 1, 2, 1]), [2, 2, 2])
        x, n = fc.SequenceFeatures([emb])({"w": sp})
        x, n = _eval([x, n])
        np.testing.assert_array_equal(n, [2, 1])
        np.testing.assert_array_equal(x, [[[1, 1], [5, 5]], [[0, 1], [0, 0]]])


def test_string_columns_and_dense_input(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\nc\n")
    with gc.Graph().as_default():
        cols = [fc.sequence_categorical_column_with_vocabulary_list("l", ["a", "b"],
                                                                    num_oov_buckets=1),
                fc.sequence_categorical_column_with_vocabulary_file("f", str(vocab)),
                fc.sequence_categorical_column_with_hash_bucket("h", 10)]
        assert [c.num_buckets for c in cols] == [3, 3, 10]
        words = gc.constant([["a", "c", ""], ["b", "", ""]])     # "" is missing
        x, n = fc.SequenceFeatures([fc.indicator_column(c) for c in cols])(
            {"l": words, "f": words, "h": words})
        x, n = _eval([x, n])
        np.testing.assert_array_equal(n, [2, 1])
        assert x.shape == (2, 3, 16)      # T: the dense feature's width
        # by name: f (a, b, c), h (10 buckets), l (a, b, oov)
        np.testing.assert_array_equal(x[0, :, :3], [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
        np.testing.assert_array_equal(x[0, :, 13:], [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
        np.testing.assert_array_equal(x[1, :, :3], [[0, 1, 0], [0, 0, 0], [0, 0, 0]])
        np.testing.assert_array_equal(x[1, :, 13:], [[0, 1, 0], [0, 0, 0], [0, 0, 0]])
        assert x[0, :, 3:13].sum() == 2 and x[1, :, 3:13].sum() == 1


def test_variables_are_shared_between_calls():
    with gc.Graph().as_default():
        w = fc.sequence_categorical_column_with_identity("w", 5)
        layer = fc.SequenceFeatures([fc.embedding_column(w, 2)], name="seq")
        a, _ = layer({"w": _sparse([[1]])})
        b, _ = layer({"w": _sparse([[1, 2]])})
        assert [v.name for v in gc.global_variables()] == ["seq/w_embedding/embedding_weights:0"]
        assert layer.trainable_weights == layer.weights and layer.non_trainable_weights == []
        a, b = _eval([a, b])
        np.testing.assert_allclose(a[0, 0], b[0, 0])
        frozen = fc.SequenceFeatures([fc.embedding_column(w, 2)], trainable=False)
        frozen({"w": _sparse([[1]])})
        assert frozen.name == "sequence_features" and frozen.trainable_weights == []
        assert len(frozen.weights) == 1 and not frozen.weights[0].trainable


def test_gradient_reaches_the_table():
    with gc.Graph().as_default():
        w = fc.sequence_categorical_column_with_identity("w", 3)
        x, _ = fc.SequenceFeatures([fc.embedding_column(w, 2, combiner="sum")])(
            {"w": _sparse([[0, 2, 2]])})
        table = gc.global_variables()[0]
        g = gc.convert_to_tensor(gc.gradients(gc.reduce_sum(x), table)[0])
        np.testing.assert_array_equal(_eval(g), [[1, 1], [0, 0], [2, 2]])


def test_lengths_must_agree():
    with gc.Graph().as_default():
        a = fc.sequence_numeric_column("a")
        b = fc.sequence_numeric_column("b")
        shape = gc.placeholder_with_default(np.array([1, 2], np.int64), [2])
        x, n = fc.SequenceFeatures([a, b])({
            "a": gc.SparseTensor([[0, 0], [0, 1]], [1., 2.], shape),
            "b": gc.SparseTensor([[0, 0]], [1.], shape)})
        with pytest.raises(gc.errors.InvalidArgumentError):
            _eval(n)


def test_errors():
    w = fc.sequence_categorical_column_with_identity("w", 3)
    plain = fc.categorical_column_with_identity("p", 3)
    with gc.Graph().as_default():
        feats = {"w": _sparse([[1]]), "p": _sparse([[1]])}
        with pytest.raises(ValueError, match="must not be of type _SequenceCategoricalColumn"):
            fc.input_layer(feats, [fc.embedding_column(w, 2)])
        with pytest.raises(ValueError, match="In indicator_column: w_indicator"):
            fc.input_layer(feats, [fc.indicator_column(w)])
        with pytest.raises(ValueError, match="must be of type SequenceCategoricalColumn"):
            fc.SequenceFeatures([fc.embedding_column(plain, 2)])(feats)
        with pytest.raises(ValueError, match="must be a _DenseColumn"):
            fc.input_layer(feats, [fc.sequence_numeric_column("w")])
        with pytest.raises(ValueError, match="We expected a dictionary"):
            fc.SequenceFeatures([fc.indicator_column(w)])([1])
        with pytest.raises(ValueError, match="must be a SparseTensor"):
            fc.SequenceFeatures([fc.sequence_numeric_column("x")])({"x": gc.constant([[1.]])})
        with pytest.raises(ValueError, match="Batch size"):
            fc.SequenceFeatures([fc.indicator_column(w), fc.sequence_numeric_column("x")])(
                {"w": gc.SparseTensor([[0, 0]], np.int64([1]), [1, 1]),
                 "x": gc.SparseTensor([[0, 0], [1, 0]], [1., 2.], [2, 1])})
    for bad in ([fc.numeric_column("n")], [plain], []):
        with pytest.raises(ValueError):
            fc.SequenceFeatures(bad)
    with pytest.raises(ValueError, match="Duplicate feature column"):
        fc.SequenceFeatures([fc.indicator_column(w), fc.indicator_column(w)])
    with pytest.raises(ValueError, match="convertible to float"):
        fc.sequence_numeric_column("n", dtype=gc.string)
    with pytest.raises(ValueError, match="greater than 0"):
        fc.sequence_numeric_column("n", shape=(0,))
    with pytest.raises(TypeError, match="normalizer_fn"):
        fc.sequence_numeric_column("n", normalizer_fn=3)
    with pytest.raises(ValueError, match="num_buckets 0 < 1"):
        fc.sequence_categorical_column_with_identity("w", 0)
    with pytest.raises(ValueError, match="hash_bucket_size must be at least 1"):
        fc.sequence_categorical_column_with_hash_bucket("w", 0)


# ---- RaggedFeature -----------------------------------------------------------------------
def _example(**features):
    feat = {}
    for k, v in features.items():
        if v and isinstance(v[0], bytes):
            feat[k] = T.Feature(bytes_list=T.BytesList(value=v))
        elif v and isinstance(v[0], float):
            feat[k] = T.Feature(float_list=T.FloatList(value=v))
        else:
            feat[k] = T.Feature(int64_list=T.Int64List(value=v))
    return T.Example(features=T.Features(feature=feat)).SerializeToString()


A = _example(v=[1, 2, 3, 4, 5, 6], s=[0, 2, 6], l=[2, 4], r=[0, 0, 2, 2, 2, 2], st=[0, 2],
             lim=[2, 6], w=[b"x", b"yz"])
B = _example(v=[7, 8], s=[0, 1, 2], l=[1, 1], r=[1, 1], st=[0, 1], lim=[1, 2])
C = _example(q=[1])


def _parse(spec, records, single=False):
    s = gc.placeholder(gc.string, [] if single else [None])
    f = gc.io.parse_single_example if single else gc.io.parse_example
    out = f(s, {"x": spec})["x"]
    with gc.Session() as sess:
        value = sess.run(out, {s: records[0] if single else np.array(records, object)})
    return out, value.to_list() if hasattr(value, "to_list") else value


def test_ragged_feature_fields_and_checks():
    f = RF(gc.int64)
    assert (f.dtype, f.value_key, f.partitions, f.row_splits_dtype, f.validate) == \
        (gc.int64, None, (), gc.int32, False)
    assert RF.RowSplits("s").key == "s" and RF.UniformRowLength(2).length == 2
    assert RF(gc.float32, "v", [RF.RowLengths("l")]).partitions == (RF.RowLengths("l"),)
    with pytest.raises(ValueError, match="must be int64, float32, or bytes"):
        RF(gc.int32)
    with pytest.raises(ValueError, match="row_splits_dtype"):
        RF(gc.int64, row_splits_dtype=gc.int16)
    with pytest.raises(ValueError, match="value_key"):
        RF(gc.int64, 3)
    with pytest.raises(TypeError, match="partition"):
        RF(gc.int64, "v", [3])
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="positive int length"):
            gc.io.parse_example(["x"], {"x": RF(gc.int64, partitions=[RF.UniformRowLength(0)])})
        with pytest.raises(ValueError, match="unsupported feature spec"):
            gc.io.parse_sequence_example(["x"], context_features={"x": RF(gc.int64)})


@pytest.mark.parametrize("partition, expect", [
    (RF.RowSplits("s"), [[[1, 2], [3, 4, 5, 6]], [[7], [8]], []]),
    (RF.RowLengths("l"), [[[1, 2], [3, 4, 5, 6]], [[7], [8]], []]),
    (RF.RowStarts("st"), [[[1, 2], [3, 4, 5, 6]], [[7], [8]], []]),
    (RF.RowLimits("lim"), [[[1, 2], [3, 4, 5, 6]], [[7], [8]], []]),
    (RF.ValueRowIds("r"), [[[1, 2], [], [3, 4, 5, 6]], [[], [7, 8]], []])])
def test_ragged_partitions(partition, expect):
    with gc.Graph().as_default():
        out, value = _parse(RF(gc.int64, "v", [partition]), [A, B, C])
        assert isinstance(out, gc.RaggedTensor) and out.ragged_rank == 2
        assert out.shape.as_list() == [None, None, None]
        assert [s.dtype for s in out.nested_row_splits] == [gc.int32, gc.int32]
        assert value == expect
        out, value = _parse(RF(gc.int64, "v", [partition], row_splits_dtype=gc.int64), [A],
                            single=True)
        assert out.ragged_rank == 1 and out.row_splits.dtype is gc.int64
        assert value == expect[0]


def test_ragged_plain_and_uniform():
    with gc.Graph().as_default():
        out, value = _parse(RF(gc.string, "w"), [A, B])
        assert out.dtype is gc.string and value == [[b"x", b"yz"], []]
        out, value = _parse(RF(gc.int64, "v"), [A], single=True)
        assert isinstance(out, gc.Tensor) and out.shape.as_list() == [None]
        np.testing.assert_array_equal(value, [1, 2, 3, 4, 5, 6])
        out, value = _parse(RF(gc.int64, "v", [RF.UniformRowLength(2)]), [A, B, C])
        assert out.ragged_rank == 1 and out.shape.as_list() == [None, None, 2]
        assert value == [[[1, 2], [3, 4], [5, 6]], [[7, 8]], []]
        out, value = _parse(RF(gc.int64, "v", [RF.UniformRowLength(2)]), [A], single=True)
        assert isinstance(out, gc.Tensor) and out.shape.as_list() == [None, 2]
        spec = RF(gc.int64, "v", [RF.UniformRowLength(1), RF.RowLengths("l"),
                                  RF.UniformRowLength(1)])
        out, value = _parse(spec, [A, B])
        assert out.shape.as_list() == [None, None, 1, None, 1] and out.ragged_rank == 3
        assert value == [[[[[1], [2]]], [[[3], [4], [5], [6]]]], [[[[7]]], [[[8]]]]]
        out, value = _parse(RF(gc.int64, "v", [RF.UniformRowLength(2), RF.RowSplits("s")]),
                            [A], single=True)
        assert out.shape.as_list() == [None, 2, None]
        assert value == [[[1, 2], [3, 4, 5, 6]]]


def test_ragged_with_other_features_and_known_batch():
    with gc.Graph().as_default():
        out = gc.io.parse_example(gc.constant(np.array([A, B], object)), {
            "x": RF(gc.int64, "v", [RF.RowLengths("l")]), "l": gc.io.VarLenFeature(gc.int64),
            "s": gc.io.FixedLenFeature([3], gc.int64)})
        assert out["x"].shape.as_list() == [2, None, None]
        x, l, s = _eval([out["x"], out["l"], out["s"]])
        assert x.to_list() == [[[1, 2], [3, 4, 5, 6]], [[7], [8]]]
        np.testing.assert_array_equal(l.values, [2, 4, 1, 1])
        np.testing.assert_array_equal(s, [[0, 2, 6], [0, 1, 2]])
        empty = gc.io.parse_example(gc.constant(np.zeros(0, object), dtype=gc.string),
                                    {"x": RF(gc.float32, "v", [RF.RowSplits("s")])})["x"]
        assert _eval(empty).to_list() == []


@pytest.mark.parametrize("spec, records, message", [
    (RF(gc.int64, "v", [RF.RowSplits("s")]), [A, _example(v=[9])], "does not give row_splits"),
    (RF(gc.int64, "v", [RF.RowLengths("s")]), [A], "must be >= 0 and sum"),
    (RF(gc.int64, "v", [RF.ValueRowIds("l")]), [A], "one sorted row id"),
    (RF(gc.int64, "v", [RF.UniformRowLength(4)]), [A], "rows of shape"),
    (RF(gc.int64, "v", [RF.UniformRowLength(4), RF.RowSplits("s")]), [B],
     "UniformRowLength 4 does not divide"),
    (RF(gc.int64, "v", [RF.RowSplits("f")]), [_example(v=[1], f=[0., 1.])],
     "Data types don't match"),
    (RF(gc.float32, "v"), [A], "Data types don't match")])
def test_ragged_bad_records(spec, records, message):
    with gc.Graph().as_default():
        with pytest.raises(gc.errors.InvalidArgumentError, match=message):
            _parse(spec, records)
