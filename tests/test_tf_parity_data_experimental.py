"""TF parity of gc.data.experimental: the same pipelines built in graphc and in
tf.compat.v1 graph mode give the same elements, static shapes, dtypes, and error classes
and messages (CSV readers, TFRecordWriter, SqlDataset, Optional, the transformations,
Example parsing and the tables)."""
import sqlite3

import numpy as np
import pytest

import graphc as gc
from tf_parity import tf, v1

pytestmark = pytest.mark.skipif(tf is None, reason="needs TensorFlow")


def _exp(m):
    # TF2's CsvDataset (it has exclude_cols); the rest is tf.compat.v1's
    return gc.data.experimental if m is gc else v1.data.experimental


def _flat(x):
    """Leaves of an element: dicts by sorted key, SparseTensorValues as three arrays."""
    if isinstance(x, dict):
        return [v for k in sorted(x) for v in _flat(x[k])]
    if isinstance(x, tuple) and hasattr(x, "dense_shape"):
        return [np.asarray(x.indices), np.asarray(x.values), np.asarray(x.dense_shape)]
    if isinstance(x, (tuple, list)):
        return [v for e in x for v in _flat(e)]
    return [np.asarray(x)]


def _spec(m, t):
    if isinstance(t, dict):
        return {k: _spec(m, v) for k, v in t.items()}
    if isinstance(t, (tuple, list)):
        return tuple(_spec(m, v) for v in t)
    if hasattr(t, "dense_shape"):
        return ("sparse", t.values.dtype.name)
    return (t.shape.as_list() if t.shape.rank is not None else None, t.dtype.name)


def _message(m, e):
    text = e.message if m is v1 else str(e)
    lines = [ln for ln in text.split("\n") if ln.strip() and not ln.startswith("\t")
             and "File " not in ln and not ln.startswith(("Graph execution", "Detected at",
                                                           "Node:", "  in ", "  created"))]
    return lines[-1].strip() if m is v1 else lines[0].strip()


def _kind(m, e):
    for name in ("OutOfRangeError", "FailedPreconditionError", "NotFoundError",
                 "UnknownError", "InvalidArgumentError"):
        if isinstance(e, getattr(m.errors, name)):
            return name
    return type(e).__name__


def run(m, build, limit=50):
    """(element specs, elements, (end error class, message)) of build(m)'s dataset."""
    with m.Graph().as_default():
        ds = build(m)
        it = m.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        spec, got, end = _spec(m, nxt), [], None
        with m.Session() as sess:
            try:
                sess.run(it.initializer)
                for _ in range(limit):
                    got.append(_flat(sess.run(nxt)))
            except Exception as e:      # noqa: BLE001  (the end, or a pipeline error)
                end = (_kind(m, e), None if _kind(m, e) == "OutOfRangeError"
                       else _message(m, e))
    return spec, got, end


def assert_same(build, limit=50):
    (gs, g, ge), (ts, t, te) = run(gc, build, limit), run(v1, build, limit)
    assert gs == ts and ge == te, ((gs, ge), (ts, te))
    assert len(g) == len(t), (g, t)
    for a, b in zip(g, t):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
            if x.dtype.kind == "f":
                np.testing.assert_array_equal(x, y)
            else:
                assert x.tolist() == y.tolist(), (x, y)


def build_error(build):
    """(class name, message) of the error build(m) raises when the graph is built."""
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            with pytest.raises(Exception) as info:
                build(m)
            out.append((type(info.value).__name__, str(info.value)))
    return out


# ---- CsvDataset ---------------------------------------------------------------------------
CSV_CASES = [
    ('x,y,z,s\n1,2.5,,"he,llo"\n3,,7,"a""b"\n-4,1e3,8,plain\n',
     lambda m: [m.int32, [0.0], [-1], [""]], {"header": True}),
    ("1,2.5,,x\n", lambda m: [m.int32, m.float32, m.int64, m.string], {}),
    ('1,"a"b\n2,c\n', lambda m: [[0], [""]], {}),
    ('1,"a"b"\n', lambda m: [[0], [""]], {}),
    ('1,a"b\n', lambda m: [[0], [""]], {}),
    ('1,"a\nb"\n2,c\n', lambda m: [[0], [""]], {}),
    ("1,x\n\n2,y\n", lambda m: [[0], [""]], {}),
    ("a\n\nb\n", lambda m: [["d"]], {}),
    ("+5,x\n 5 ,y\n", lambda m: [[0], [""]], {}),
    ("5 x,x\n", lambda m: [[0], [""]], {}),
    ("3000000000,x\n", lambda m: [[0], [""]], {}),
    ("3000000000,9223372036854775808\n", lambda m: [m.int64, m.int64], {}),
    ("nan,inf,1e40,1e-50,0x1p3, 1.5 \n", lambda m: [[0.0]] * 6, {}),
    ("1e40,1_0\n", lambda m: [m.float64, [0.0]], {}),
    ('"5",x\n', lambda m: [[0], [""]], {"use_quote_delim": False}),
    ('1,"x""y"\n', lambda m: [[0], [""]], {"use_quote_delim": False}),
    ("1,x,\n", lambda m: [[0], [""]], {}),
    ("1,x,\n", lambda m: [[0], [""], ["d"]], {}),
    ('1,""\nNA,NA\n', lambda m: [[0], ["d"]], {"na_value": "NA"}),
    ("1,x\r\n2,y\r3,z", lambda m: [[0], [""]], {}),
    ("1\rx\n", lambda m: [[0], [""]], {}),
    ("1\tx\n", lambda m: [[0], [""]], {"field_delim": "\t"}),
    ("1,x,y\n", lambda m: [[0], [""]], {"select_cols": [0, 2]}),
    ("1,x,y\n", lambda m: [[0], [""]], {"select_cols": [0, 3]}),
    ("1,x,,z\n", lambda m: [[0], m.string], {"select_cols": [0, 2]}),
    ("1,x,y,z\n", lambda m: [[0], [""]], {"exclude_cols": [1, 2]}),
    ("1,x,y\n", lambda m: [[0], [""]], {"exclude_cols": [1]}),
    ("", lambda m: [[0]], {}),
    ("a,b\n", lambda m: [[0], [0]], {"header": True}),
]


@pytest.mark.parametrize("text,defaults,kw", CSV_CASES)
def test_csv_dataset(tmp_path, text, defaults, kw):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())

    def build(m):
        cls = gc.data.experimental.CsvDataset if m is gc else tf.data.experimental.CsvDataset
        return cls(str(path), defaults(m), **kw)
    assert_same(build)


# ---- make_csv_dataset ----------------------------------------------------------------------
@pytest.fixture
def csv_files(tmp_path):
    (tmp_path / "m1.csv").write_text("a,b,c,d,e\n1,2.5,x,3000000000,1e40\n2,,y,4,\n")
    (tmp_path / "m2.csv").write_text("a,b,c,d,e\n3,4,z,5,1\n")
    return tmp_path


@pytest.mark.parametrize("kw", [
    {"num_epochs": 1},
    {"num_epochs": 2, "label_name": "c"},
    {"num_epochs": 1, "select_columns": [3, 0], "label_name": "a"},
    {"num_epochs": 1, "select_columns": ["d", "b"], "column_defaults": [0.0, 0]},
    {"column_defaults": [0, 0.0, "", 0, 0.0], "ignore_errors": True, "num_epochs": 1},
    {"column_names": ["p", "q", "r", "s", "t"], "num_epochs": 1},
    {"column_names": ["p", "q", "r", "s", "t"], "header": False,
     "column_defaults": ["", "", "", "", ""], "num_epochs": 1},
    {"num_epochs": None, "num_rows_for_inference": 0},
    {"num_epochs": 1, "num_parallel_reads": 2},
])
def test_make_csv_dataset(csv_files, kw):
    files = [str(csv_files / "m2.csv"), str(csv_files / "m1.csv")]
    assert_same(lambda m: _exp(m).make_csv_dataset(files, 2, shuffle=False, **kw), limit=6)


@pytest.mark.parametrize("value", [
    "1", "-2147483649", "2147483647", "9223372036854775808", "1e40", "1e400", "nan", "inf",
    "-inf", " 5", "1_000", "0x10", "True", "1.5", "3.4028235e38", "3.5e38", "", "NA", "+7",
    "1e5", ".5", "5.", "infinity", "1e-50"])
def test_make_csv_dataset_type_inference(tmp_path, value):
    (tmp_path / "i.csv").write_text("a,b\n%s,1\n" % (f'"{value}"' if " " in value else value))
    specs = []
    for m in (gc, v1):
        with m.Graph().as_default():
            ds = _exp(m).make_csv_dataset(str(tmp_path / "i.csv"), 1, na_value="NA")
            specs.append(_spec(m, m.data.make_one_shot_iterator(ds).get_next()))
    assert specs[0] == specs[1]


@pytest.mark.parametrize("text,kw", [
    ("a,b\n1,2\n3\n", {}),
    ("a,b\n1,2\n3,4\n5\n", {"num_rows_for_inference": 2}),
    ("1,2\n3\n", {"header": False, "column_names": ["a", "b"]}),
    ("a,a\n1,2\n", {}),
    ("a,b\n1,2\n", {"header": False}),
    ("a,b\n1,2\n", {"label_name": "z"}),
    ("a,b\n1,2\n", {"select_columns": ["q"]}),
    ("a,b\n1,2\n", {"select_columns": [9]}),
    ("a,b\n1,2\n", {"select_columns": ["a"], "column_defaults": [0, 0]}),
])
def test_make_csv_dataset_errors(tmp_path, text, kw):
    (tmp_path / "e.csv").write_text(text)
    (g, gm), (t, tm) = build_error(lambda m: _exp(m).make_csv_dataset(
        str(tmp_path / "e.csv"), 1, **kw))
    assert g == t == "ValueError" and gm == tm


# ---- TFRecordWriter, SqlDataset ---------------------------------------------------------------
def test_tfrecord_writer_bytes(tmp_path):
    out = {}
    for m in (gc, v1):
        path = str(tmp_path / f"{m.__name__}.tfrecord")
        with m.Graph().as_default():
            records = m.data.Dataset.from_tensor_slices(
                np.array([b"ab", b"", b"c" * 300], object)).map(lambda s: s + "!")
            op = _exp(m).TFRecordWriter(path).write(records)
            with m.Session() as sess:
                sess.run(op)
                sess.run(op)
        with open(path, "rb") as f:
            out[m] = f.read()
    assert out[gc] == out[v1]


def test_tfrecord_writer_errors(tmp_path):
    for build in (lambda m: _exp(m).TFRecordWriter("x").write(m.data.Dataset.range(3)),
                  lambda m: _exp(m).TFRecordWriter("x").write(
                      m.data.Dataset.from_tensors(np.array([b"a", b"b"], object)))):
        (g, gm), (t, tm) = build_error(build)
        assert g == t == "TypeError"
        assert gm.split(" but got")[0] == tm.split(" but got")[0]


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "db.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("create table t (a integer, b text, c real, d integer, e blob)")
    conn.executemany("insert into t values (?,?,?,?,?)",
                     [(1, "x", 1.5, 0, b"\x00\x01"), (2, "12abc", 2.5, 1, None),
                      (300, None, None, None, b"z"), (-4, " 7", 1e20, 5, None)])
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("query,types", [
    ("select a, b, c, d from t", ("int32", "string", "float64", "bool")),
    ("select a, b from t", ("int64", "string")),
    ("select a, d from t", ("int8", "int16")),
    ("select a, c from t", ("uint8", "uint16")),
    ("select b, c, e from t", ("int32", "int64", "string")),
    ("select a, c, d from t", ("string", "string", "string")),
    ("select b, e from t", ("float64", "bool")),
    ("select a from t where a > 1000", ("int32",)),
    ("select a, b from t", ("int32",)),
    ("select zz from t", ("int32",)),
])
def test_sql_dataset(db, query, types):
    assert_same(lambda m: _exp(m).SqlDataset("sqlite", db, query,
                                             tuple(m.as_dtype(t) for t in types)))


def test_sql_dataset_bad_driver(db):
    assert_same(lambda m: _exp(m).SqlDataset("mysql", db, "select a from t", m.int32))


# ---- Optional ----------------------------------------------------------------------------------
def test_get_next_as_optional():
    runs = []
    for m in (gc, v1):
        with m.Graph().as_default():
            ds = m.data.Dataset.from_tensor_slices(
                (np.arange(3), np.arange(6.0).reshape(3, 2))).batch(2)
            it = m.data.make_initializable_iterator(ds)
            opt = _exp(m).get_next_as_optional(it)
            has, value = opt.has_value(), opt.get_value()
            empty = _exp(m).Optional.empty(m.TensorSpec([None, 2], m.float32))
            full = _exp(m).Optional.from_value({"a": m.constant(1.0), "b": (m.constant([1]),)})
            out = [str(opt.element_spec), str(full.element_spec), str(empty.element_spec),
                   _spec(m, value), _spec(m, empty.get_value())]
            with m.Session() as sess:
                sess.run(it.initializer)
                out.append([bool(sess.run(has)) for _ in range(3)])
                sess.run(it.initializer)
                h, v = sess.run([has, value])
                out.append((bool(h), _flat(v)[0].tolist(), _flat(v)[1].tolist()))
                out.append(_flat(sess.run(value))[1].tolist())
                for t in (value, empty.get_value()):
                    with pytest.raises(m.errors.InvalidArgumentError) as info:
                        sess.run(t)
                    out.append(_message(m, info.value))
                out.append([x.tolist() for x in _flat(sess.run(full.get_value()))])
                out.append(bool(sess.run(empty.has_value())))
        runs.append(out)
    assert runs[0] == runs[1]


# ---- transformations ------------------------------------------------------------------------
def _reducer(m):
    return _exp(m).Reducer(lambda k: (k, np.int64(0)), lambda s, x: (s[0], s[1] + x),
                           lambda k, s: {"k": k, "s": s * 10})


TRANSFORM_CASES = {
    "map_and_batch": lambda m: m.data.Dataset.range(7).apply(
        _exp(m).map_and_batch(lambda x: (x, -x), 3)),
    "map_and_batch_drop": lambda m: m.data.Dataset.range(7).apply(
        _exp(m).map_and_batch(lambda x: x * 2, 3, drop_remainder=True)),
    "parallel_interleave": lambda m: m.data.Dataset.range(1, 7).apply(
        _exp(m).parallel_interleave(lambda x: m.data.Dataset.range(x * 10, x * 10 + x),
                                    cycle_length=2, block_length=3)),
    "shuffle_and_repeat": lambda m: m.data.Dataset.range(3).apply(
        _exp(m).shuffle_and_repeat(1, count=2)),
    "group_by_reducer": lambda m: m.data.Dataset.range(10).apply(
        _exp(m).group_by_reducer(lambda x: x % 3, _reducer(m))),
    "assert_cardinality_ok": lambda m: m.data.Dataset.range(3).apply(
        _exp(m).assert_cardinality(3)),
    "assert_cardinality_few": lambda m: m.data.Dataset.range(3).apply(
        _exp(m).assert_cardinality(5)),
    "assert_cardinality_one": lambda m: m.data.Dataset.range(2).apply(
        _exp(m).assert_cardinality(1)),
    "assert_cardinality_inf": lambda m: m.data.Dataset.range(1).apply(
        _exp(m).assert_cardinality(-1)),
    "from_list": lambda m: _exp(m).from_list([(1, "a"), (2, "b")]),
    "from_list_shapes": lambda m: _exp(m).from_list([{"x": [1, 2]}, {"x": [3]}]),
    "pad_to_cardinality": lambda m: m.data.Dataset.from_tensor_slices(
        {"a": np.array([1, 2], np.int32), "b": np.ones((2, 2), np.float32),
         "s": np.array([b"x", b"y"], object)}).apply(_exp(m).pad_to_cardinality(4)),
    "pad_to_cardinality_key": lambda m: m.data.Dataset.from_tensor_slices(
        {"a": np.array([1, 2], np.int32)}).apply(_exp(m).pad_to_cardinality(3, "a")),
    "copy_to_device": lambda m: m.data.Dataset.range(3).apply(
        _exp(m).copy_to_device("/cpu:0")),
    "prefetch_to_device": lambda m: m.data.Dataset.range(3).apply(
        _exp(m).prefetch_to_device("/cpu:0")),
}


@pytest.mark.parametrize("name", sorted(TRANSFORM_CASES))
def test_transformations(name):
    assert_same(TRANSFORM_CASES[name])


def test_transformation_build_errors():
    for build in (lambda m: _exp(m).from_list([]),
                  lambda m: _exp(m).map_and_batch(lambda x: x, 2, 1, num_parallel_calls=1),
                  lambda m: m.data.Dataset.range(2).apply(_exp(m).pad_to_cardinality(3))):
        (g, gm), (t, tm) = build_error(build)
        assert g == t and gm == tm
    (g, gm), (t, tm) = build_error(lambda m: m.data.Dataset.range(3).apply(
        _exp(m).group_by_reducer(lambda x: x > 1, _reducer(m))))
    assert g == t == "ValueError" and gm.split("types=")[0] == tm.split("types=")[0]


# ---- Examples and tables -------------------------------------------------------------------
def _example(m, x, y):
    f = m.train.Feature
    return m.train.Example(features=m.train.Features(feature={
        "x": f(int64_list=m.train.Int64List(value=[x])),
        "y": f(float_list=m.train.FloatList(value=y))})).SerializeToString()


@pytest.mark.parametrize("kw", [{"label_key": "x", "num_epochs": 1},
                                {"num_epochs": 2, "drop_final_batch": True},
                                {"num_epochs": None}])
def test_make_batched_features_dataset(tmp_path, kw):
    for k in range(2):
        with gc.python_io.TFRecordWriter(str(tmp_path / f"e{k}.tfrecord")) as w:
            for j in range(3):
                w.write(_example(gc, 10 * k + j, [0.5] * j))

    def build(m):
        features = {"x": m.io.FixedLenFeature([], m.int64),
                    "y": m.io.VarLenFeature(m.float32)}
        return _exp(m).make_batched_features_dataset(str(tmp_path / "e*.tfrecord"), 2,
                                                     features, shuffle=False, **kw)
    assert_same(build, limit=5)


def test_parse_example_dataset(tmp_path):
    path = str(tmp_path / "p.tfrecord")
    with gc.python_io.TFRecordWriter(path) as w:
        for j in range(3):
            w.write(_example(gc, j, [1.5] * j))

    def build(m):
        features = {"x": m.io.FixedLenFeature([], m.int64),
                    "y": m.io.FixedLenSequenceFeature([], m.float32, allow_missing=True)}
        return m.data.TFRecordDataset(path).batch(2).apply(
            _exp(m).parse_example_dataset(features))
    assert_same(build)


def test_tables_from_datasets():
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            pairs = m.data.Dataset.from_tensor_slices(
                (np.array([b"a", b"b", b"c"], object), np.array([10, 20, 30], np.int64)))
            words = m.data.Dataset.from_tensor_slices(np.array([b"x", b"y", b"z"], object))
            ints = m.data.Dataset.from_tensor_slices(np.array([5, 7], np.int64))
            E = _exp(m)
            q = m.constant(["a", "c", "q", "zz"])
            lookups = [
                E.table_from_dataset(pairs, default_value=np.int64(-5)).lookup(q),
                E.table_from_dataset(pairs, num_oov_buckets=3,
                                     default_value=np.int64(-5)).lookup(q),
                E.index_table_from_dataset(words, vocab_size=2).lookup(
                    m.constant(["x", "y", "z"])),
                E.index_table_from_dataset(words, num_oov_buckets=2).lookup(q),
                E.index_table_from_dataset(ints, key_dtype=m.int64, num_oov_buckets=1).lookup(
                    m.constant([7, 5, 9], m.int64))]
            with m.Session() as sess:
                sess.run(v1.tables_initializer() if m is v1 else gc.tables_initializer())
                out.append([x.tolist() for x in sess.run(lookups)])
    assert out[0] == out[1]


# ---- the wrappers of Dataset methods ----------------------------------------------------------
METHOD_CASES = {
    "enumerate_dataset": lambda m: m.data.Dataset.range(3).apply(
        _exp(m).enumerate_dataset(5)),
    "unique": lambda m: m.data.Dataset.from_tensor_slices(
        np.array([1, 2, 1, 3, 2], np.int64)).apply(_exp(m).unique()),
    "scan": lambda m: m.data.Dataset.range(4).apply(
        _exp(m).scan(np.int64(0), lambda s, x: (s + x, s * 10))),
    "take_while": lambda m: m.data.Dataset.range(6).apply(
        _exp(m).take_while(lambda x: x < 3)),
    "ignore_errors": lambda m: m.data.Dataset.from_tensor_slices(
        np.array([1.0, 0.0, 2.0])).map(lambda x: m.debugging.check_numerics(1.0 / x, "inf"))
    .apply(_exp(m).ignore_errors()),
    "group_by_window": lambda m: m.data.Dataset.range(7).apply(
        _exp(m).group_by_window(lambda x: x % 2, lambda k, w: w.batch(2), window_size=2)),
    "bucket_by_sequence_length": lambda m: m.data.Dataset.from_tensor_slices(
        np.array([1, 2, 3, 1], np.int64)).map(lambda x: m.fill([x], x)).apply(
        _exp(m).bucket_by_sequence_length(lambda x: m.shape(x)[0], [2], [2, 2])),
    "choose_from_datasets": lambda m: _exp(m).choose_from_datasets(
        [m.data.Dataset.range(2), m.data.Dataset.range(10, 12)],
        m.data.Dataset.from_tensor_slices(np.array([0, 1, 0, 0, 1], np.int64))),
    "Counter": lambda m: _exp(m).Counter(2, 3, m.int32).take(3),
    "dense_to_sparse_batch": lambda m: m.data.Dataset.from_tensor_slices(
        np.array([[1, 2], [3, 4], [5, 6]], np.int64)).apply(
        _exp(m).dense_to_sparse_batch(2, [3])),
}


@pytest.mark.parametrize("name", sorted(METHOD_CASES))
def test_method_wrappers(name):
    assert_same(METHOD_CASES[name])


def test_cardinality_and_get_single_element():
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            D = m.data.Dataset
            t = [_exp(m).cardinality(D.range(5)), _exp(m).cardinality(D.range(5).repeat()),
                 _exp(m).cardinality(D.range(5).filter(lambda x: x > 1)),
                 _exp(m).get_single_element(D.from_tensors((np.int64(7), np.float32(1))))]
            with m.Session() as sess:
                out.append(_flat(sess.run(t)))
    assert [x.tolist() for x in out[0]] == [x.tolist() for x in out[1]]
