"""gc.data.experimental (docs/data-experimental.md): CSV readers, TFRecordWriter,
SqlDataset, Optional, the Dataset.apply transformations and the table builders."""
import gzip
import sqlite3

import numpy as np
import pytest

import graphc as gc

E = gc.data.experimental
Dataset = gc.data.Dataset


def drain(ds, feed=None, limit=100):
    """The elements of ds until OutOfRangeError; an error is returned, not raised."""
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    out = []
    with gc.Session() as sess:
        sess.run(it.initializer, feed)
        for _ in range(limit):
            try:
                out.append(sess.run(nxt))
            except gc.errors.OutOfRangeError:
                return out
            except gc.errors.OpError as e:
                out.append(e)
                return out
    raise AssertionError("no end of sequence")


def error_of(out):
    assert isinstance(out[-1], Exception), out
    return type(out[-1]), str(out[-1]).split("\n")[0]


@pytest.fixture
def csv_file(tmp_path):
    def write(text, name="t.csv"):
        p = tmp_path / name
        p.write_bytes(text.encode())
        return str(p)
    return write


# ---- constants ----------------------------------------------------------------------------
def test_constants_match_gc_data():
    assert (E.AUTOTUNE, E.INFINITE_CARDINALITY, E.UNKNOWN_CARDINALITY) == (-1, -1, -2)
    assert E.AUTOTUNE == gc.data.AUTOTUNE


# ---- CsvDataset -----------------------------------------------------------------------------
def test_csv_dataset_values_defaults_and_quotes(csv_file):
    path = csv_file('x,y,z,s\n1,2.5,,"he,llo"\n3,,7,"a""b"\n-4,1e3,8,plain\n')
    ds = E.CsvDataset(path, [gc.int32, [0.0], [-1], [""]], header=True)
    assert ds.element_spec == tuple(gc.TensorSpec([], t) for t in
                                    (gc.int32, gc.float32, gc.int32, gc.string))
    out = drain(ds)
    assert [tuple(np.asarray(v).item() for v in r) for r in out] == [
        (1, 2.5, -1, b"he,llo"), (3, 0.0, 7, b'a"b'), (-4, 1000.0, 8, b"plain")]
    assert out[0][0].dtype == np.int32 and out[0][1].dtype == np.float32


def test_csv_dataset_required_field_missing(csv_file):
    path = csv_file("1,\n")
    assert error_of(drain(E.CsvDataset(path, [gc.int32, gc.float32]))) == (
        gc.errors.InvalidArgumentError, "Field 1 is required but missing in record!")


@pytest.mark.parametrize("text,message", [
    ('1,"a"b\n', "Reached end of file without closing quoted field in record"),
    ('1,"a"b"\n', "Quote inside a string has to be escaped by another quote"),
    ('1,a"b\n', "Unquoted fields cannot have quotes inside"),
    ("1,x,\n", "Expect 2 fields but have more in record"),
    ("1\n", "Expect 2 fields but have 1 in record"),
    ("1.5,x\n", "Field 0 in record is not a valid int32: 1.5"),
    ("3000000000,x\n", "Field 0 in record is not a valid int32: 3000000000"),
])
def test_csv_dataset_record_errors(csv_file, text, message):
    out = drain(E.CsvDataset(csv_file(text), [[0], [""]]))
    assert error_of(out) == (gc.errors.InvalidArgumentError, message)


def test_csv_dataset_line_ends_blank_lines_and_quoted_newlines(csv_file):
    out = drain(E.CsvDataset(csv_file('1," x\n"\r\n+2,y\r 3 ,z'), [[0], [""]]))
    assert [(int(a), b) for a, b in out] == [(1, b" x\n"), (2, b"y"), (3, b"z")]
    out = drain(E.CsvDataset(csv_file("a\n\nb\n"), [["d"]]))
    assert [r[0] for r in out] == [b"a", b"d", b"b"]
    out = drain(E.CsvDataset(csv_file("1,x\n\n2,y\n"), [[0], [""]]))
    assert error_of(out)[1] == "Expect 2 fields but have 1 in record"


def test_csv_dataset_floats(csv_file):
    out = drain(E.CsvDataset(csv_file("1e40,1e40,nan,0x1p3\n"),
                             [[0.0], gc.float64, [0.0], [0.0]]))
    a, b, c, d = out[0]
    assert np.isinf(a) and b == 1e40 and np.isnan(c) and d == 8.0
    assert error_of(drain(E.CsvDataset(csv_file("1_0\n"), [[0.0]])))[1] == (
        "Field 0 in record is not a valid float: 1_0")


def test_csv_dataset_select_exclude_na_delim(csv_file):
    path = csv_file("1;x;NA;z\n")
    sel = E.CsvDataset(path, [[0], ["d"]], field_delim=";", select_cols=[0, 2], na_value="NA")
    assert [(int(a), b) for a, b in drain(sel)] == [(1, b"d")]
    exc = E.CsvDataset(path, [[0], [""]], field_delim=";", exclude_cols=[1, 2])
    assert [(int(a), b) for a, b in drain(exc)] == [(1, b"z")]
    short = E.CsvDataset(path, [[0], [""], [""]], field_delim=";", select_cols=[0, 3, 4])
    assert error_of(drain(short))[1] == "Expect 3 fields but have 2 in record"
    raw = E.CsvDataset(csv_file('"1",x""y\n'), [[""], [""]], use_quote_delim=False)
    assert drain(raw)[0] == (b'"1"', b'x""y')


def test_csv_dataset_gzip_files_and_filename_tensor(tmp_path):
    for k in range(2):
        with gzip.open(tmp_path / f"p{k}.csv.gz", "wb") as f:
            f.write(f"{k},a\n{k + 10},b\n".encode())
    names = gc.placeholder(gc.string, [None])
    ds = E.CsvDataset(names, [[0], [""]], compression_type="GZIP")
    feed = {names: [str(tmp_path / "p0.csv.gz"), str(tmp_path / "p1.csv.gz")]}
    assert [int(r[0]) for r in drain(ds, feed)] == [0, 10, 1, 11]


def test_csv_dataset_argument_errors(csv_file):
    path = csv_file("1\n")
    with pytest.raises(ValueError, match="field_delim should be only 1 char"):
        E.CsvDataset(path, [[0]], field_delim=",,")
    with pytest.raises(ValueError, match="select_cols should match output size"):
        E.CsvDataset(path, [[0], [0]], select_cols=[0])
    with pytest.raises(ValueError, match="strictly increasing"):
        E.CsvDataset(path, [[0], [0]], select_cols=[1, 0])
    with pytest.raises(ValueError, match="non-negative"):
        E.CsvDataset(path, [[0]], exclude_cols=[-1])
    with pytest.raises(ValueError, match="Either select_cols or exclude_cols"):
        E.CsvDataset(path, [[0]], select_cols=[0], exclude_cols=[1])
    with pytest.raises(ValueError, match="buffer_size should be positive"):
        E.CsvDataset(path, [[0]], buffer_size=0)
    with pytest.raises(TypeError, match="DataType bool not in list"):
        E.CsvDataset(path, [[True]])
    with pytest.raises(ValueError, match="length-0 or length-1"):
        E.CsvDataset(path, [[1, 2]])
    with pytest.raises(ValueError, match="compression_type"):
        E.CsvDataset(path, [[0]], compression_type="BAD")
    assert isinstance(drain(E.CsvDataset(path + ".missing", [[0]]))[-1], gc.errors.NotFoundError)


# ---- make_csv_dataset ------------------------------------------------------------------------
def test_make_csv_dataset_infers_names_and_types(csv_file):
    path = csv_file("a,b,c,d,e\n1,2.5,x,3000000000,1e40\n2,,y,4,\n")
    ds = E.make_csv_dataset(path, 2, shuffle=False, num_epochs=1)
    spec = ds.element_spec
    assert {k: s.dtype for k, s in spec.items()} == {
        "a": gc.int32, "b": gc.float32, "c": gc.string, "d": gc.int64, "e": gc.float64}
    assert all(s.shape.as_list() == [None] for s in spec.values())
    (batch,) = drain(ds)
    assert batch["b"].tolist() == [2.5, 0.0] and batch["c"].tolist() == [b"x", b"y"]
    assert batch["d"].tolist() == [3000000000, 4] and batch["e"].tolist() == [1e40, 0.0]


@pytest.mark.parametrize("value,dtype", [
    ("-2147483649", gc.int64), ("9223372036854775808", gc.float32), ("3.5e38", gc.float64),
    ("1e400", gc.string), ("nan", gc.string), ("-inf", gc.float32), ("1_000", gc.int32),
    ("0x10", gc.string), ("NA", gc.int32)])
def test_make_csv_dataset_type_inference(csv_file, value, dtype):
    path = csv_file(f"a,b\n1,x\n{value},y\n")
    ds = E.make_csv_dataset(path, 1, na_value="NA")
    assert ds.element_spec["a"].dtype is dtype


def test_make_csv_dataset_label_select_epochs_and_order(csv_file):
    csv_file("a,b,c\n1,x,0.5\n2,y,1.5\n", "m1.csv")
    p2 = csv_file("a,b,c\n3,z,2.5\n", "m2.csv")
    pattern = p2.replace("m2.csv", "m*.csv")
    ds = E.make_csv_dataset(pattern, 2, label_name="b", num_epochs=2, shuffle=False)
    out = drain(ds)
    assert [f["a"].tolist() for f, _ in out] == [[1, 2], [3, 1], [2, 3]]
    assert out[0][1].tolist() == [b"x", b"y"] and set(out[0][0]) == {"a", "c"}
    ds = E.make_csv_dataset([p2, pattern.replace("m*", "m1")], 5, select_columns=["c", 0],
                            label_name="a", num_epochs=1, shuffle=False)
    ((features, label),) = drain(ds)
    assert label.tolist() == [1, 2, 3] and features["c"].tolist() == [0.5, 1.5, 2.5]
    forever = E.make_csv_dataset(pattern, 2, shuffle=True, shuffle_seed=3)
    assert forever.element_spec["a"].shape.as_list() == [2]


def test_make_csv_dataset_defaults_and_ignore_errors(csv_file):
    path = csv_file("a,b\n3000000000,x\n2,y\n")
    ds = E.make_csv_dataset(path, 1, column_defaults=[0, ""], shuffle=False, num_epochs=1,
                            ignore_errors=True)
    assert [(f["a"].tolist(), f["b"].tolist()) for f in drain(ds)] == [([2], [b"y"])]
    strict = E.make_csv_dataset(path, 1, column_defaults=[gc.int64, gc.string],
                                shuffle=False, num_epochs=1)
    assert drain(strict)[0]["a"].tolist() == [3000000000]


def test_make_csv_dataset_errors(csv_file):
    path = csv_file("a,b\n1,2\n3\n")
    with pytest.raises(ValueError, match="CSV row 3 has 1 number of fields. Expected: 2"):
        E.make_csv_dataset(path, 1)
    good = csv_file("a,a\n1,2\n", "g.csv")
    with pytest.raises(ValueError, match="duplicate column names: {'a'}"):
        E.make_csv_dataset(good, 1)
    with pytest.raises(ValueError, match="Neither is provided"):
        E.make_csv_dataset(good, 1, header=False)
    with pytest.raises(ValueError, match="No files match"):
        E.make_csv_dataset(good + ".none*", 1)
    with pytest.raises(ValueError, match="must be one of the columns"):
        E.make_csv_dataset(good, 1, column_names=["p", "q"], label_name="z")
    with pytest.raises(ValueError, match="should be > 0  and <= 2"):
        E.make_csv_dataset(good, 1, column_names=["p", "q"], select_columns=[5])
    with pytest.raises(ValueError, match="must have the same length"):
        E.make_csv_dataset(good, 1, column_names=["p", "q"], select_columns=["p"],
                           column_defaults=[0, 0])


# ---- TFRecordWriter and SqlDataset -------------------------------------------------------------
def test_tfrecord_writer_writes_each_run(tmp_path):
    path = gc.placeholder(gc.string, [])
    records = Dataset.from_tensor_slices(np.array([b"ab", b"c"], object)).map(lambda s: s + "!")
    op = E.TFRecordWriter(path, compression_type="GZIP").write(records)
    target = str(tmp_path / "w.tfrecord.gz")
    with gc.Session() as sess:
        assert sess.run(op, {path: target}) is None
        sess.run(op, {path: target})
    assert list(gc.python_io.tf_record_iterator(target, "GZIP")) == [b"ab!", b"c!"]
    got = drain(gc.data.TFRecordDataset(target, compression_type="GZIP"))
    assert got == [b"ab!", b"c!"]


def test_tfrecord_writer_errors(tmp_path):
    w = E.TFRecordWriter(str(tmp_path / "x.tfrecord"))
    with pytest.raises(TypeError, match="scalar `tf.string` elements"):
        w.write(Dataset.range(3))
    with pytest.raises(TypeError, match=r"shapes \(2,\)"):
        w.write(Dataset.from_tensors(np.array([b"a", b"b"], object)))
    op = E.TFRecordWriter(str(tmp_path / "no" / "x")).write(Dataset.from_tensors(b"a"))
    with gc.Session() as sess, pytest.raises(gc.errors.NotFoundError, match="No such file"):
        sess.run(op)


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "db.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("create table t (a integer, b text, c real, d integer)")
    conn.executemany("insert into t values (?,?,?,?)",
                     [(1, "x", 1.5, 0), (2, "y", 2.5, 1), (3, None, None, None)])
    conn.commit()
    conn.close()
    return path


def test_sql_dataset_rows_and_conversions(db):
    ds = E.SqlDataset("sqlite", db, "select a, b, c, d from t",
                      (gc.int32, gc.string, gc.float64, gc.bool))
    assert [s.dtype for s in ds.element_spec] == [gc.int32, gc.string, gc.float64, gc.bool]
    assert [tuple(np.asarray(v).item() for v in r) for r in drain(ds)] == [
        (1, b"x", 1.5, False), (2, b"y", 2.5, True), (3, b"", 0.0, False)]
    text = E.SqlDataset("sqlite", db, "select b, c, a from t", (gc.int16, gc.int8, gc.string))
    assert [tuple(np.asarray(v).item() for v in r) for r in drain(text)] == [
        (0, 1, b"1"), (0, 2, b"2"), (0, 0, b"3")]
    one = E.SqlDataset("sqlite", db, "select a from t", gc.int64)
    assert one.element_spec == gc.TensorSpec([], gc.int64) and drain(one) == [1, 2, 3]


def test_sql_dataset_errors(db):
    out = drain(E.SqlDataset("sqlite", db, "select a, b from t", (gc.int32,)))
    assert error_of(out) == (gc.errors.InvalidArgumentError, "The number of columns in query "
                             "(2) must match the number of elements in output_types (1).")
    out = drain(E.SqlDataset("sqlite", db, "select zz from t", (gc.int32,)))
    assert error_of(out) == (gc.errors.UnknownError,
                             "Prepare() failed: [1] no such column: zz: select zz from t")
    it = E.SqlDataset("mysql", db, "select a from t", (gc.int32,)).make_initializable_iterator()
    with gc.Session() as sess, pytest.raises(gc.errors.InvalidArgumentError, match="mysql"):
        sess.run(it.initializer)
    with pytest.raises(TypeError, match="float32"):
        E.SqlDataset("sqlite", db, "select c from t", (gc.float32,))


# ---- Optional ---------------------------------------------------------------------------------
def test_get_next_as_optional_shares_one_element_per_run():
    ds = Dataset.from_tensor_slices((np.arange(2), np.array([[1.0, 2], [3, 4]]))).batch(1)
    it = ds.make_initializable_iterator()
    opt = E.get_next_as_optional(it)
    assert opt.element_spec == it.element_spec
    assert opt._type_spec == gc.OptionalSpec(it.element_spec)
    has, value = opt.has_value(), opt.get_value()
    assert value[1].shape.as_list() == [None, 2]
    with gc.Session() as sess:
        sess.run(it.initializer)
        assert [sess.run(has) for _ in range(3)] == [True, True, False]
        sess.run(it.initializer)
        h, (a, b) = sess.run([has, value])
        assert h and a.tolist() == [0] and b.tolist() == [[1.0, 2.0]]
        assert sess.run(value)[0].tolist() == [1]
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match="The given optional does not have a value."):
            sess.run(value)


def test_optional_from_value_and_empty():
    opt = E.Optional.from_value({"a": gc.constant(1.0), "b": (gc.constant([1, 2]),)})
    assert opt.element_spec == {"a": gc.TensorSpec([], gc.float32),
                                "b": (gc.TensorSpec([2], gc.int32),)}
    empty = E.Optional.empty(gc.TensorSpec([None, 2], gc.float32))
    assert empty.get_value().shape.as_list() == [None, 2]
    with gc.Session() as sess:
        h, v = sess.run([opt.has_value(), opt.get_value()])
        assert h and v["a"] == 1.0 and v["b"][0].tolist() == [1, 2]
        assert not sess.run(empty.has_value())
        with pytest.raises(gc.errors.InvalidArgumentError, match="does not have a value"):
            sess.run(empty.get_value())
    with pytest.raises(ValueError):
        E.Optional.from_value(None)


def test_get_next_as_optional_one_shot_and_cond():
    it = Dataset.range(2).make_one_shot_iterator()
    opt = E.get_next_as_optional(it)
    x = gc.cond(opt.has_value(), opt.get_value, lambda: gc.constant(-1, gc.int64))
    with gc.Session() as sess:
        assert [sess.run(x) for _ in range(3)] == [0, 1, -1]


# ---- transformations -------------------------------------------------------------------------
def test_map_and_batch_parallel_interleave_shuffle_and_repeat():
    ds = Dataset.range(7).apply(E.map_and_batch(lambda x: (x, -x), 3, drop_remainder=True))
    assert ds.element_spec[0].shape.as_list() == [3]
    assert [b.tolist() for b, _ in drain(ds)] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="allows only one of"):
        E.map_and_batch(lambda x: x, 3, num_parallel_batches=2, num_parallel_calls=2)
    pi = Dataset.range(1, 6).apply(E.parallel_interleave(
        lambda x: Dataset.from_tensors(x).repeat(x), cycle_length=3))
    assert drain(pi) == [1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 4, 5, 5, 5]
    sr = drain(Dataset.range(5).apply(E.shuffle_and_repeat(5, count=2, seed=7)))
    assert sorted(sr[:5]) == sorted(sr[5:]) == [0, 1, 2, 3, 4]


def test_assert_cardinality():
    assert drain(Dataset.range(3).apply(E.assert_cardinality(3))) == [0, 1, 2]
    few = drain(Dataset.range(3).apply(E.assert_cardinality(5)))
    assert error_of(few) == (gc.errors.FailedPreconditionError, "Input dataset was expected "
                             "to contain 5 elements but contained only 3 elements.")
    many = drain(Dataset.range(6).apply(E.assert_cardinality(2)))
    assert many[:2] == [0, 1] and error_of(many)[1] == (
        "Input dataset was expected to contain 2 elements but contained at least 3 elements.")
    inf = drain(Dataset.range(1).apply(E.assert_cardinality(E.INFINITE_CARDINALITY)))
    assert error_of(inf)[1] == ("Input dataset was expected to contain an infinite number of "
                                "elements but contained only 1 element.")


def test_from_list():
    ds = E.from_list([(1, "a"), (2, "b")])
    assert ds.element_spec == (gc.TensorSpec([], gc.int32), gc.TensorSpec([], gc.string))
    assert drain(ds) == [(1, b"a"), (2, b"b")]
    ragged = E.from_list([[1, 2], [3]])
    assert ragged.element_spec.shape.as_list() == [None]
    assert [a.tolist() for a in drain(ragged)] == [[1, 2], [3]]
    with pytest.raises(ValueError, match="should not be empty"):
        E.from_list([])
    with pytest.raises(ValueError, match="same nested structure"):
        E.from_list([1, (1, 2)])
    with pytest.raises(TypeError, match="dtype"):
        E.from_list([1, 1.5])


def test_group_by_reducer():
    r = E.Reducer(lambda k: (k, np.int64(0)), lambda s, x: (s[0], s[1] + x),
                  lambda k, s: {"k": k, "s": s * 10})
    ds = Dataset.range(10).apply(E.group_by_reducer(lambda x: x % 3, r))
    assert [(d["k"], d["s"]) for d in drain(ds)] == [(0, 180), (1, 120), (2, 150)]
    grow = E.Reducer(lambda k: gc.zeros([0], gc.int64),
                     lambda s, x: gc.concat([s, [x]], 0), lambda s: s)
    ds = Dataset.range(6).apply(E.group_by_reducer(lambda x: x % 2, grow))
    assert ds.element_spec.shape.as_list() == [None]
    assert [a.tolist() for a in drain(ds)] == [[0, 2, 4], [1, 3, 5]]
    with pytest.raises(ValueError, match="scalar tf.int64"):
        Dataset.range(3).apply(E.group_by_reducer(lambda x: x > 1, grow))


def test_pad_to_cardinality():
    base = Dataset.from_tensor_slices({"a": np.array([1, 2], np.int32),
                                       "s": np.array([b"x", b"y"], object)})
    out = drain(base.apply(E.pad_to_cardinality(3)))
    assert [(d["a"], d["s"], d["valid"]) for d in out] == [
        (1, b"x", True), (2, b"y", True), (0, b"", False)]
    out = drain(base.apply(E.pad_to_cardinality(3, mask_key="a")))
    assert [d["a"] for d in out] == [True, True, False]
    assert isinstance(drain(base.apply(E.pad_to_cardinality(1)))[-1],
                      gc.errors.InvalidArgumentError)
    with pytest.raises(ValueError, match="to be a dictionary"):
        Dataset.range(2).apply(E.pad_to_cardinality(3))


def test_devices_and_debug_mode():
    ds = Dataset.range(2)
    assert ds.apply(E.copy_to_device("/cpu:0")) is ds
    assert ds.apply(E.prefetch_to_device("/device:CPU:0", 2)) is ds
    with pytest.raises(ValueError, match="no device"):
        E.prefetch_to_device("/gpu:0")
    assert E.enable_debug_mode() is None


# ---- Examples and tables ----------------------------------------------------------------------
def _example(x, y):
    f = gc.train.Feature
    return gc.train.Example(features=gc.train.Features(feature={
        "x": f(int64_list=gc.train.Int64List(value=[x])),
        "y": f(float_list=gc.train.FloatList(value=y))})).SerializeToString()


def test_parse_example_dataset_and_batched_features(tmp_path):
    path = str(tmp_path / "ex.tfrecord")
    with gc.python_io.TFRecordWriter(path) as w:
        for k in range(3):
            w.write(_example(k, [0.5] * k))
    features = {"x": gc.io.FixedLenFeature([], gc.int64), "y": gc.io.VarLenFeature(gc.float32)}
    ds = E.make_batched_features_dataset(path, 2, features, label_key="x", shuffle=False,
                                         num_epochs=1)
    spec, label_spec = ds.element_spec
    assert isinstance(spec["y"], gc.SparseTensorSpec) and label_spec.shape.as_list() == [None]
    (f0, l0), (f1, l1) = drain(ds)
    assert l0.tolist() == [0, 1] and l1.tolist() == [2]
    assert f0["y"].indices.tolist() == [[1, 0]] and f1["y"].dense_shape.tolist() == [1, 2]
    parsed = gc.data.TFRecordDataset(path).batch(3).apply(E.parse_example_dataset(features))
    assert drain(parsed)[0]["x"].tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match="vectors of strings"):
        gc.data.TFRecordDataset(path).apply(E.parse_example_dataset(features))
    with pytest.raises(ValueError, match="label_key"):
        E.make_batched_features_dataset(path, 2, features, label_key="z")


def test_table_from_dataset_and_index_table():
    ds = Dataset.from_tensor_slices((np.array([b"a", b"b", b"c"], object),
                                     np.array([10, 20, 30], np.int64)))
    table = E.table_from_dataset(ds, default_value=np.int64(-5))
    hashed = E.table_from_dataset(ds, num_oov_buckets=2, default_value=np.int64(-5))
    index = E.index_table_from_dataset(
        Dataset.from_tensor_slices(np.array([b"x", b"y", b"z"], object)), vocab_size=2)
    ints = E.index_table_from_dataset(Dataset.from_tensor_slices(np.array([5, 7], np.int64)),
                                      key_dtype=gc.int64)
    q = gc.constant(["a", "c", "q"])
    with gc.Session() as sess:
        sess.run(gc.tables_initializer())
        got = sess.run([table.lookup(q), hashed.lookup(q),
                        index.lookup(gc.constant(["x", "y", "z"])),
                        ints.lookup(gc.constant([7, 5, 9], gc.int64))])
    assert got[0].tolist() == [10, 30, -5] and got[1][:2].tolist() == [10, 30]
    assert 3 <= got[1][2] < 5
    assert got[2].tolist() == [0, 1, -1] and got[3].tolist() == [1, 0, -1]
    with pytest.raises(ValueError, match="exactly 2 components"):
        E.table_from_dataset(Dataset.range(3), default_value=0)
    with pytest.raises(ValueError, match="vocab_size"):
        E.index_table_from_dataset(Dataset.range(3), vocab_size=0, key_dtype=gc.int64)


# ---- the wrappers of Dataset methods --------------------------------------------------------
@pytest.mark.filterwarnings("ignore:divide by zero")
def test_method_wrappers():
    assert drain(Dataset.range(2).apply(E.enumerate_dataset(5))) == [(5, 0), (6, 1)]
    dup = Dataset.from_tensor_slices(np.array([1, 2, 1, 3], np.int64))
    assert drain(dup.apply(E.unique())) == [1, 2, 3]
    sums = Dataset.range(4).apply(E.scan(np.int64(0), lambda s, x: (s + x, s + x)))
    assert drain(sums) == [0, 1, 3, 6]
    assert drain(Dataset.range(6).apply(E.take_while(lambda x: x < 3))) == [0, 1, 2]
    bad = Dataset.from_tensor_slices(np.array([1.0, 0.0, 2.0])).map(
        lambda x: gc.check_numerics(1.0 / x, "inf"))
    assert drain(bad.apply(E.ignore_errors())) == [1.0, 0.5]
    windows = Dataset.range(6).apply(E.group_by_window(lambda x: x % 2,
                                                       lambda k, w: w.batch(2), 2))
    assert [w.tolist() for w in drain(windows)] == [[0, 2], [1, 3], [4], [5]]
    choice = Dataset.from_tensor_slices(np.array([0, 1, 0, 0, 1], np.int64))
    chosen = E.choose_from_datasets([Dataset.range(2), Dataset.range(10, 12)], choice)
    assert drain(chosen) == [0, 10, 1, 11]
    assert E.Counter(2, 3, gc.int32).element_spec == gc.TensorSpec([], gc.int32)
    assert E.RandomDataset(seed=1).element_spec == gc.TensorSpec([], gc.int64)
    sparse = Dataset.from_tensor_slices(np.array([[1, 2], [3, 4]], np.int64)).apply(
        E.dense_to_sparse_batch(2, [3]))
    assert drain(sparse)[0].dense_shape.tolist() == [2, 3]
    n = E.cardinality(Dataset.range(5))
    one = E.get_single_element(Dataset.from_tensors(np.int64(7)))
    with gc.Session() as sess:
        assert sess.run([n, one]) == [5, 7]
