"""Sequence feature columns and tf.io.RaggedFeature against TensorFlow.

TF 2.21 has no SequenceFeatures layer (it went with Keras 2), so the TF side runs what
TF 1.15's tf.keras.experimental.SequenceFeatures did: each column's
get_sequence_dense_tensor, in order of name, reshaped to [batch, T, n] and
concatenated, with the lengths of the first. Tables are set by constant initializers;
values, lengths, dtypes and gradients w.r.t. the tables and float features are compared.
"""
import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc

from tensorflow.python.feature_column import feature_column_v2 as fc2  # noqa: E402


class _State(fc2.StateManager):
    """Variables by v1.get_variable in '<scope>/<column>/', resources in a dict."""

    def __init__(self):
        self._vars, self._res = {}, {}

    def create_variable(self, feature_column, name, shape, dtype=None, trainable=True,
                        use_resource=True, initializer=None):
        with v1.variable_scope("sequence_features"), v1.variable_scope(feature_column.name):
            var = v1.get_variable(name, shape, dtype, initializer=initializer,
                                  trainable=trainable)
        self._vars[(feature_column, name)] = var
        return var

    def get_variable(self, feature_column, name):
        return self._vars[(feature_column, name)]

    def add_resource(self, feature_column, name, resource):
        self._res[(feature_column, name)] = resource

    def has_resource(self, feature_column, name):
        return (feature_column, name) in self._res

    def get_resource(self, feature_column, name):
        return self._res[(feature_column, name)]


def _tf_layer(columns, features):
    cache, state = fc2.FeatureTransformationCache(features), _State()
    outs, lengths = [], []
    for c in sorted(columns, key=lambda c: c.name):
        c.create_state(state)
        dense, n = c.get_sequence_dense_tensor(cache, state)
        s = tf.shape(dense)
        outs.append(tf.reshape(dense, [s[0], s[1], c.variable_shape.num_elements()]))
        lengths.append(n)
    return tf.concat(outs, -1), lengths


def _features(m, feats):
    """{key: SparseTensor (("sparse", indices, values, shape)) or constant}; float
    sparse values are placeholders (to differentiate)."""
    out, phs, feed = {}, [], {}
    for k in sorted(feats):
        x = feats[k]
        if isinstance(x, tuple):
            values = np.asarray(x[2])
            if values.dtype.kind == "f":
                v = m.placeholder(values.dtype, values.shape)
                phs.append(v)
                feed[v] = values
            else:
                v = m.constant(values)
            out[k] = m.SparseTensor(np.array(x[1], np.int64).reshape(-1, len(x[3])), v,
                                    np.array(x[3], np.int64))
        else:
            out[k] = m.constant(x)
    return out, phs, feed


def _run(m, make_columns, feats):
    g = m.Graph()
    with g.as_default():
        cols = make_columns(m.feature_column)
        features, phs, feed = _features(m, feats)
        if m is v1:
            x, lengths = _tf_layer(cols, features)
        else:
            x, n = gc.feature_column.SequenceFeatures(cols)(features)
            lengths = [n]
        tables = m.global_variables()
        loss = m.reduce_sum(x * x)
        wrt = tables + phs
        grads = m.gradients(loss, wrt) if wrt else []
        connected = [m.convert_to_tensor(d) for d in grads if d is not None]
        with m.Session() as s:
            s.run([m.global_variables_initializer(), m.tables_initializer()])
            res = s.run([x] + lengths + connected, feed)
        names = [(v.name, d is None) for v, d in zip(wrt, grads)]
        return res[0], res[1:1 + len(lengths)], res[1 + len(lengths):], names


def _compare(make_columns, feats):
    x_g, n_g, d_g, names_g = _run(gc, make_columns, feats)
    x_t, n_t, d_t, names_t = _run(v1, make_columns, feats)
    assert names_g == names_t
    assert x_g.dtype == x_t.dtype and x_g.shape == x_t.shape
    np.testing.assert_allclose(x_g, x_t, rtol=1e-5, atol=1e-6)
    for n in n_t:                           # TF's columns agree with each other ...
        np.testing.assert_array_equal(n, n_t[0])
    assert n_g[0].dtype == n_t[0].dtype     # ... and with graphc's one length
    np.testing.assert_array_equal(n_g[0], n_t[0])
    assert len(d_g) == len(d_t)
    for a, b in zip(d_g, d_t):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


TABLE = np.random.default_rng(1).standard_normal((6, 3)).astype(np.float32)
# rows of ids: [1, 3], [] (an empty row inside), [2, 5, 4], [] (trailing)
IDS = ("sparse", [[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]], np.int64([1, 3, 2, 5, 4]), [4, 3])
NUMS = ("sparse", [[0, 0], [0, 1], [0, 2], [0, 3], [2, 0], [2, 1], [2, 2], [2, 3], [2, 4],
                   [2, 5]], np.arange(10, dtype=np.float32) / 3, [4, 6])


def _embedding(fc, cat, dim=3, combiner="mean", table=TABLE):
    return fc.embedding_column(cat, dim, combiner=combiner,
                               initializer=v1.constant_initializer(table)
                               if fc is v1.feature_column else gc.constant_initializer(table))


@pytest.mark.parametrize("case", ["numeric_embedding_indicator", "numeric_only",
                                  "sum_combiner"])
def test_identity_and_numeric(case):
    def cols(fc):
        w = fc.sequence_categorical_column_with_identity("w", 6)
        r = fc.sequence_numeric_column("r", shape=(2,), default_value=-0.5)
        if case == "numeric_only":
            return [r]
        if case == "sum_combiner":
            return [_embedding(fc, w, combiner="sum")]
        return [r, _embedding(fc, w), fc.indicator_column(w)]
    _compare(cols, {"w": IDS, "r": NUMS})


def test_strings_dense_input_and_vocabularies(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\nc\nd\n")
    words = np.array([["a", "c", ""], ["zz", "", ""], ["", "", ""]])

    def cols(fc):
        lst = fc.sequence_categorical_column_with_vocabulary_list("l", ["a", "b", "c"],
                                                                  num_oov_buckets=2)
        fil = fc.sequence_categorical_column_with_vocabulary_file("f", str(vocab),
                                                                  default_value=0)
        hsh = fc.sequence_categorical_column_with_hash_bucket("h", 7)
        return [fc.indicator_column(lst), _embedding(fc, fil, 2, "sqrtn", TABLE[:4, :2]),
                fc.indicator_column(hsh), _embedding(fc, lst, 2, "sum", TABLE[:5, :2])]
    _compare(cols, {"l": words, "f": words, "h": words})


def test_three_d_ids_and_numeric():
    ids = ("sparse", [[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 1]], np.int64([0, 4, 2, 1]),
           [2, 2, 2])
    nums = ("sparse", [[0, 0, 0], [0, 1, 1], [1, 0, 0]], np.float32([1.5, -2, 3]), [2, 2, 2])

    def cols(fc):
        w = fc.sequence_categorical_column_with_identity("w", 6)
        return [_embedding(fc, w, combiner="sum"), fc.indicator_column(w),
                fc.sequence_numeric_column("r", shape=(2,))]
    _compare(cols, {"w": ids, "r": nums})


def test_int_numeric_keeps_its_dtype():
    nums = ("sparse", [[0, 0], [1, 0], [1, 1]], np.int64([4, 5, 6]), [2, 2])

    def cols(fc):
        dtype = gc.int64 if fc is gc.feature_column else tf.int64
        return [fc.sequence_numeric_column("r", dtype=dtype, default_value=7)]
    _compare(cols, {"r": nums})


def test_input_layer_refuses_sequence_columns():
    for m in (gc, v1):
        with m.Graph().as_default():
            fc = m.feature_column
            w = fc.sequence_categorical_column_with_identity("w", 3)
            feats, _, _ = _features(m, {"w": IDS})
            for col in (fc.embedding_column(w, 2), fc.indicator_column(w)):
                with pytest.raises(ValueError, match="must not be of type "
                                                     "_SequenceCategoricalColumn"):
                    fc.input_layer(feats, [col])
                # TF's v1 make_parse_example_spec refuses the v2-only sequence_numeric_column
            make = fc.make_parse_example_spec if m is gc else fc2.make_parse_example_spec_v2
            spec = make([
                fc.sequence_numeric_column("r"),
                fc.sequence_categorical_column_with_identity("w", 3)])
            assert {k: (type(v).__name__, v.dtype.name) for k, v in spec.items()} == \
                {"r": ("VarLenFeature", "float32"), "w": ("VarLenFeature", "int64")}


# ---- RaggedFeature -----------------------------------------------------------------------
def _example(**features):
    f = {}
    for k, v in features.items():
        if isinstance(v[0], float):
            f[k] = tf.train.Feature(float_list=tf.train.FloatList(value=v))
        elif isinstance(v[0], bytes):
            f[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=v))
        else:
            f[k] = tf.train.Feature(int64_list=tf.train.Int64List(value=v))
    return tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString()


A = _example(v=[1, 2, 3, 4, 5, 6], s=[0, 2, 6], l=[2, 4], r=[0, 0, 2, 2, 2, 2], st=[0, 2],
             lim=[2, 6], f=[1.5, 2.5], w=[b"a", b"bc"], l3=[1, 1])
B = _example(v=[7, 8], s=[0, 1, 2], l=[1, 1], r=[1, 1], st=[0, 1], lim=[1, 2], l3=[2, 0])
C = _example(q=[1], f=[0.5, 1.5, 2.5, 3.5])


def _spec(m, kind):
    RF = m.io.RaggedFeature
    i64 = m.int64
    return {
        "plain": RF(i64, "v"),
        "own_key": RF(m.float32),
        "strings": RF(m.string, "w", row_splits_dtype=i64),
        "splits": RF(i64, "v", [RF.RowSplits("s")]),
        "lengths": RF(i64, "v", [RF.RowLengths("l")], row_splits_dtype=i64),
        "starts": RF(i64, "v", [RF.RowStarts("st")]),
        "limits": RF(i64, "v", [RF.RowLimits("lim")]),
        "rowids": RF(i64, "v", [RF.ValueRowIds("r")]),
        "uniform": RF(i64, "v", [RF.UniformRowLength(2)]),
        "uniform_uniform": RF(i64, "v", [RF.UniformRowLength(2), RF.UniformRowLength(1)]),
        "u_l_u": RF(i64, "v", [RF.UniformRowLength(1), RF.RowLengths("l"),
                               RF.UniformRowLength(1)]),
        "nested": RF(i64, "v", [RF.RowLengths("l3"), RF.RowSplits("s")], validate=True),
        "float_uniform": RF(m.float32, "f", [RF.UniformRowLength(2)], row_splits_dtype=i64),
    }[kind]


def _parse(m, kind, records, single):
    with m.Graph().as_default():
        s = m.placeholder(m.string, [] if single else [None])
        parse = m.io.parse_single_example if single else m.io.parse_example
        out = parse(s, {"f": _spec(m, kind), "extra": m.io.VarLenFeature(m.int64)}
                    if kind == "own_key" else {"x": _spec(m, kind)})
        out = out["f" if kind == "own_key" else "x"]
        with m.Session() as sess:
            value = sess.run(out, {s: records[0] if single else records})
        ragged = hasattr(out, "ragged_rank")
        return dict(ragged=ragged, shape=out.shape.as_list(), dtype=out.dtype.name,
                    rank=out.ragged_rank if ragged else None,
                    splits=[t.dtype.name for t in out.nested_row_splits] if ragged else [],
                    value=value.to_list() if ragged else value.tolist())


_CASES = {"plain": [A, B, C], "own_key": [A, C, B], "strings": [A, B], "splits": [A, B, C],
          "lengths": [A, B], "starts": [A, B], "limits": [A, B, C], "rowids": [A, B, C],
          "uniform": [A, B, C], "uniform_uniform": [A, B], "u_l_u": [A, B],
          "nested": [A, B], "float_uniform": [C, A]}


@pytest.mark.parametrize("kind", sorted(_CASES))
@pytest.mark.parametrize("single", [False, True])
def test_ragged_feature(kind, single):
    records = _CASES[kind]
    assert _parse(gc, kind, records, single) == _parse(v1, kind, records, single)


def test_ragged_feature_empty_batch():
    recs = np.zeros(0, object)
    assert _parse(gc, "splits", recs, False) == _parse(v1, "splits", recs, False)


@pytest.mark.parametrize("spec, records", [
    (lambda m, RF: RF(m.int64, "v", [RF.RowLengths("s")], validate=True), [A]),
    (lambda m, RF: RF(m.int64, "v", [RF.RowSplits("l")], validate=True), [A, B]),
    (lambda m, RF: RF(m.int64, "v", [RF.UniformRowLength(4)], validate=True), [A]),
    (lambda m, RF: RF(m.int64, "v", [RF.RowSplits("f")]), [A]),
    (lambda m, RF: RF(m.float32, "v"), [A])])
def test_ragged_feature_bad_records(spec, records):
    for m in (gc, v1):
        with m.Graph().as_default():
            s = m.placeholder(m.string, [None])
            out = m.io.parse_example(s, {"x": spec(m, m.io.RaggedFeature)})["x"]
            with m.Session() as sess:
                with pytest.raises(m.errors.InvalidArgumentError):
                    sess.run(out, {s: records})


def test_ragged_feature_constructor_errors():
    for m in (gc, v1):
        RF = m.io.RaggedFeature
        with pytest.raises(ValueError):
            RF(m.int32)
        with pytest.raises(ValueError):
            RF(m.int64, row_splits_dtype=m.int16)
        with pytest.raises(ValueError):
            RF(m.int64, 3)
        with pytest.raises(TypeError):
            RF(m.int64, "v", [3])
        f = RF(m.int64, partitions=[RF.RowSplits("a"), RF.UniformRowLength(2)])
        assert (f.value_key, f.validate, f.row_splits_dtype.name) == (None, False, "int32")
        assert [type(p).__name__ for p in f.partitions] == ["RowSplits", "UniformRowLength"]
