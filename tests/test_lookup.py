"""gc.lookup tables, gc.tables_initializer and the SparseCross feature crosses."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.strings_hash import fingerprint64
from graphc.sparse_cross import cross, cross_hashed, fingerprint_cat64

L = gc.lookup


def _kv(keys, values, default=-1, **kw):
    return L.StaticHashTable(L.KeyValueTensorInitializer(keys, values), default, **kw)


def test_static_table_lookup_size_export():
    g = gc.Graph()
    with g.as_default():
        t = _kv(["a", "b", "c"], [1, 2, 3])
        out = t.lookup(gc.constant([["a", "z"], ["c", "b"]]))
        assert out.shape == (2, 2) and out.dtype is gc.int32
        assert (t.name, t.key_dtype, t.value_dtype) == ("hash_table", gc.string, gc.int32)
        assert t.init is t.initializer
        assert gc.get_collection(gc.GraphKeys.TABLE_INITIALIZERS) == [t.initializer]
        keys, values = t.export()
        with gc.Session() as sess:
            sess.run(gc.tables_initializer())
            np.testing.assert_array_equal(sess.run(out), [[1, -1], [3, 2]])
            assert sess.run(t.size()) == 3 and sess.run(t.size()).dtype == np.int64
            k, v = sess.run([keys, values])
            assert k.tolist() == [b"a", b"b", b"c"] and v.tolist() == [1, 2, 3]


def test_hash_table_is_tf1s_name():
    with gc.Graph().as_default():
        t = L.HashTable(L.KeyValueTensorInitializer(["a"], [4]), -1, shared_name="s")
        assert isinstance(t, L.StaticHashTable)
        with gc.Session() as sess:
            sess.run(gc.initialize_all_tables())
            assert sess.run(t.lookup(gc.constant(["a", "b"]))).tolist() == [4, -1]


def test_uninitialized_table_fails_and_sessions_are_separate():
    with gc.Graph().as_default():
        t = _kv([1, 5], [0.5, 1.5], -1.0)
        out = t.lookup(gc.constant([1, 2], gc.int32))
        with gc.Session() as sess:
            with pytest.raises(gc.errors.FailedPreconditionError, match="Table not init"):
                sess.run(out)
            sess.run(t.initializer)
            np.testing.assert_array_equal(sess.run(out), np.float32([0.5, -1]))
        with gc.Session() as sess:          # a new session has its own, empty table
            with pytest.raises(gc.errors.FailedPreconditionError):
                sess.run(t.size())


def test_reinitializing_is_a_no_op_and_duplicates():
    with gc.Graph().as_default():
        k = gc.placeholder(gc.string, [None])
        t = L.StaticHashTable(L.KeyValueTensorInitializer(k, gc.constant([1, 2], gc.int64)),
                              gc.constant(-1, gc.int64))
        with gc.Session() as sess:
            sess.run(t.initializer, {k: ["a", "b"]})
            sess.run(t.initializer, {k: ["a", "c"]})      # TF: ignored once initialized
            assert sess.run(t.export()[0]).tolist() == [b"a", b"b"]
        dup = _kv(["a", "a"], [1, 2])
        same = _kv(["a", "a"], [1, 1])
        empty = L.StaticHashTable(L.KeyValueTensorInitializer(
            gc.constant([], gc.string), gc.constant([], gc.int64)), gc.constant(-1, gc.int64))
        with gc.Session() as sess:
            with pytest.raises(gc.errors.FailedPreconditionError,
                               match="Key a has 1 and trying to add value 2"):
                sess.run(dup.initializer)
            sess.run(same.initializer)
            assert sess.run(same.size()) == 1
            with pytest.raises(gc.errors.InvalidArgumentError, match="cannot be empty"):
                sess.run(empty.initializer)


def test_build_time_errors():
    with gc.Graph().as_default():
        t = L.StaticHashTable(L.KeyValueTensorInitializer(
            gc.constant([1, 5], gc.int64), [0.5, 1.5]), -1.0)
        with pytest.raises(TypeError, match="keys.*must be int64.*int32"):
            t.lookup(gc.constant([1], gc.int32))
        with pytest.raises(ValueError, match=r"Shapes \(2,\) and \(\) are not compatible"):
            _kv(["a"], [0.5], [-1.0, 2.0])
        with pytest.raises(gc.errors.ShapeError, match="Dimensions must be equal"):
            _kv([1, 5, 6], [0.5, 1.5], -1.0)
        with pytest.raises(gc.errors.ShapeError, match="rank 1"):
            _kv([[1, 5]], [[0.5, 1.5]], -1.0)
        with pytest.raises(TypeError, match="string, int32 or int64"):
            L.KeyValueTensorInitializer([1.5], [1])


def test_sparse_keys_and_tables_initializer_without_tables():
    with gc.Graph().as_default():
        init = gc.tables_initializer()
        assert init.type == "NoOp" and init.name == "init_all_tables"
        assert gc.initialize_all_tables is gc.tables_initializer
        t = _kv(gc.constant([1, 5], gc.int64), [0.5, 1.5], -1.0)
        sp = gc.SparseTensor([[0, 0], [1, 2]], gc.constant([1, 7], gc.int64), [2, 3])
        out = t.lookup(sp)
        assert isinstance(out, gc.SparseTensor)
        with gc.Session() as sess:
            sess.run([init, gc.tables_initializer()])
            v = sess.run(out)
            assert v.values.tolist() == [0.5, -1.0] and v.dense_shape.tolist() == [2, 3]


def test_graph_keys():
    K = gc.GraphKeys
    assert (K.TABLE_INITIALIZERS, K.INIT_OP, K.READY_OP, K.READY_FOR_LOCAL_INIT_OP,
            K.LOCAL_INIT_OP, K.SUMMARY_OP, K.SAVERS) == (
        "table_initializer", "init_op", "ready_op", "ready_for_local_init_op",
        "local_init_op", "summary_op", "savers")


@pytest.fixture
def vocab(tmp_path):
    p = tmp_path / "v.txt"
    p.write_bytes(b"emerson\t10\nlake\t20\r\npalmer\t30\n")
    return str(p)


def _export(init, default):
    t = L.StaticHashTable(init, default)
    with gc.Session() as sess:
        sess.run(t.initializer)
        k, v = sess.run(t.export())
    return dict(zip(k.tolist(), v.tolist()))


def test_text_file_initializer(vocab):
    W, N = L.TextFileIndex.WHOLE_LINE, L.TextFileIndex.LINE_NUMBER
    assert (W, N) == (-2, -1)
    with gc.Graph().as_default():
        assert _export(L.TextFileInitializer(vocab, gc.string, 0, gc.int64, 1), -1) == {
            b"emerson": 10, b"lake": 20, b"palmer": 30}
        assert _export(L.TextFileInitializer(vocab, gc.string, W, gc.int64, N), -1) == {
            b"emerson\t10": 0, b"lake\t20": 1, b"palmer\t30": 2}
        assert _export(L.TextFileInitializer(vocab, gc.int64, N, gc.string, 0,
                                             value_index_offset=5), "U") == {
            5: b"emerson", 6: b"lake", 7: b"palmer"}
        assert _export(L.TextFileInitializer(vocab, gc.int64, 1, gc.string, 0,
                                             vocab_size=2), "U") == {10: b"emerson",
                                                                     20: b"lake"}
        assert _export(L.TextFileInitializer(vocab, gc.string, 1, gc.float32, 1,
                                             delimiter="\t"), -1.0) == {
            b"10": 10.0, b"20": 20.0, b"30": 30.0}


@pytest.mark.parametrize("args, kw, err, msg", [
    ((gc.string, 0, gc.int64, 1), dict(vocab_size=5), gc.errors.InvalidArgumentError,
     "Invalid vocab_size in .*: expected 5 but got 3"),
    ((gc.int64, 0, gc.int64, 1), {}, gc.errors.InvalidArgumentError,
     "Field emerson in line 0 is not a valid int64."),
    ((gc.string, 0, gc.int64, 2), {}, gc.errors.InvalidArgumentError,
     r"Invalid number of columns in .* line 0 \(emerson\t10\) : expected at least 3 got 2"),
])
def test_text_file_run_time_errors(vocab, args, kw, err, msg):
    with gc.Graph().as_default():
        t = L.StaticHashTable(L.TextFileInitializer(vocab, *args, **kw), -1)
        with gc.Session() as sess, pytest.raises(err, match=msg):
            sess.run(t.initializer)


def test_text_file_missing_and_empty_line(tmp_path):
    p = tmp_path / "sp.txt"
    p.write_bytes(b"a b\nc d\n\ne f\n")
    with gc.Graph().as_default():
        bad = L.StaticHashTable(L.TextFileInitializer(str(p), gc.string, 1, gc.string, 0,
                                                      delimiter=" "), "U")
        gone = L.StaticHashTable(L.TextFileInitializer(str(tmp_path / "nope.txt"),
                                                       gc.string, 0, gc.int64, 1), -1)
        with gc.Session() as sess:
            with pytest.raises(gc.errors.InvalidArgumentError,
                               match="empty line found at position 9."):
                sess.run(bad.initializer)
            with pytest.raises(gc.errors.NotFoundError, match="nope.txt"):
                sess.run(gone.initializer)


def test_text_file_constructor_errors(vocab):
    with pytest.raises(ValueError, match="`key_dtype` must be int64 if `key_index` is -1"):
        L.TextFileInitializer(vocab, gc.string, -1, gc.int64, 1)
    with pytest.raises(ValueError, match="`key_index` should be >= -2, received: -5."):
        L.TextFileInitializer(vocab, gc.string, -5, gc.int64, 1)
    with pytest.raises(ValueError, match="`vocab_size` should be > 0, received: 0"):
        L.TextFileInitializer(vocab, gc.string, 0, gc.int64, 1, vocab_size=0)


def _bucket(key, n, vocab):
    return vocab + fingerprint64(key) % n


def test_static_vocabulary_table():
    words = [b"emerson", b"lake", b"and", b"palmer", b"", b"king", b"a" * 40]
    with gc.Graph().as_default():
        vt = L.StaticVocabularyTable(L.KeyValueTensorInitializer(
            ["emerson", "lake", "palmer"], gc.constant([0, 1, 2], gc.int64)), 3)
        vi = L.StaticVocabularyTable(L.KeyValueTensorInitializer(
            gc.constant([10, 20], gc.int64), gc.constant([0, 1], gc.int64)), 5,
            lookup_key_dtype=gc.int32)
        assert (vt.key_dtype, vt.value_dtype, vi.key_dtype) == (gc.string, gc.int64,
                                                                gc.int32)
        ov = vt.lookup(gc.constant(words))
        oi = vi.lookup(gc.constant([10, 20, 30, -4], gc.int32))
        with gc.Session() as sess:
            sess.run(gc.tables_initializer())
            known = {b"emerson": 0, b"lake": 1, b"palmer": 2}
            assert sess.run(ov).tolist() == [known.get(w, _bucket(w, 3, 3)) for w in words]
            assert sess.run(oi).tolist() == [0, 1, _bucket(b"30", 5, 2),
                                             _bucket(b"-4", 5, 2)]
            assert sess.run([vt.size(), vi.size()]) == [6, 7]
    with pytest.raises(ValueError, match="must be > 0; use StaticHashTable"):
        L.StaticVocabularyTable(L.KeyValueTensorInitializer(
            ["a"], gc.constant([0], gc.int64)), 0)
    with pytest.raises(TypeError, match="expected int64 but got int32"):
        L.StaticVocabularyTable(L.KeyValueTensorInitializer(["a"], [0]), 2)


def test_id_table_with_hash_buckets():
    with gc.Graph().as_default():
        only = L.IdTableWithHashBuckets(None, 7)
        both = L.IdTableWithHashBuckets(_kv(["x"], gc.constant([0], gc.int64),
                                            gc.constant(-1, gc.int64)), 2)
        keys = gc.constant(["x", "yy"])
        with gc.Session() as sess:
            sess.run(gc.tables_initializer())
            assert sess.run(only.lookup(keys)).tolist() == [fingerprint64(b"x") % 7,
                                                            fingerprint64(b"yy") % 7]
            assert sess.run(both.lookup(keys)).tolist() == [0, _bucket(b"yy", 2, 1)]
            assert sess.run([only.size(), both.size()]) == [7, 3]


def test_mutable_hash_table():
    M = L.experimental.MutableHashTable
    with gc.Graph().as_default():
        m = M(gc.string, gc.int64, -1)
        ins = m.insert(gc.constant(["a", "b", "c"]), gc.constant([1, 2, 3], gc.int64))
        rem = m.remove(gc.constant(["b", "zz"]))
        lk = m.lookup(gc.constant([["a", "b"], ["c", "d"]]))
        lk2 = m.lookup(gc.constant(["a", "q"]),
                       dynamic_default_values=gc.constant([5, 6], gc.int64))
        mv = M(gc.int64, gc.float32, [0., -1.])
        insv = mv.insert(gc.constant([3, 4], gc.int64), gc.constant([[1, 2], [3, 4]],
                                                                    gc.float32))
        lkv = mv.lookup(gc.constant([[3, 9, 4]], gc.int64))
        assert lkv.shape == (1, 3, 2)
        with pytest.raises(gc.errors.ShapeError, match=r"Expected shape \(2, 2\) for value"):
            mv.insert(gc.constant([1, 2], gc.int64), gc.constant([[1, 2, 3]] * 2, gc.float32))
        with pytest.raises(TypeError):
            m.insert(gc.constant([1, 2]), gc.constant([1, 2], gc.int64))
        vals = gc.placeholder(gc.int64, None)
        late = m.insert(gc.constant(["a", "b"]), vals)
        with gc.Session() as sess:
            assert sess.run(lk).tolist() == [[-1, -1], [-1, -1]]    # empty, not an error
            assert sess.run(m.size()) == 0
            sess.run(ins)
            sess.run(rem)
            assert sess.run(lk).tolist() == [[1, -1], [3, -1]]
            assert sess.run(lk2).tolist() == [1, 6]
            k, v = sess.run(m.export())
            assert dict(zip(k.tolist(), v.tolist())) == {b"a": 1, b"c": 3}
            with pytest.raises(gc.errors.InvalidArgumentError,
                               match=r"Expected shape \[2\] for value, got \[1\]"):
                sess.run(late, {vals: [1]})
            sess.run(insv)
            np.testing.assert_array_equal(sess.run(lkv), [[[1, 2], [0, -1], [3, 4]]])
            assert sess.run(mv.size()) == 2


def test_sparse_cross_strings_and_hashed():
    with gc.Graph().as_default():
        a = gc.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a1", "b1", "b2"], [2, 2])
        b = gc.constant([["x", "y"], ["z", "w"]])
        c = gc.SparseTensor([[0, 0], [1, 0]], gc.constant([7, 8], gc.int64), [2, 1])
        cr = cross([a, b, c])
        ch = cross_hashed([a, b, c], num_buckets=100, hash_key=7)
        ch0 = cross_hashed([b])
        with gc.Session() as sess:
            v = sess.run(cr)
            assert v.values.tolist() == [b"a1_X_7_X_x", b"a1_X_7_X_y", b"b1_X_8_X_z",
                                         b"b1_X_8_X_w", b"b2_X_8_X_z", b"b2_X_8_X_w"]
            assert v.indices.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [1, 3]]
            assert v.dense_shape.tolist() == [2, 4]
            h = sess.run(ch)
            assert h.values.tolist() == [25, 16, 3, 92, 37, 25]       # TF's values
            h0 = sess.run(ch0)
            assert h0.values.tolist() == [
                fingerprint_cat64(0xDECAFCAFFE, fingerprint64(w)) % (2**63 - 1)
                for w in (b"x", b"y", b"z", b"w")]


def test_sparse_cross_matches_tf_hash_and_errors():
    with gc.Graph().as_default():
        one = cross_hashed([gc.constant([["a"]])])
        num = cross_hashed([gc.constant([[5]], gc.int64)])
        empty_row = cross([gc.SparseTensor([[1, 0]], ["q"], [2, 1]),
                           gc.constant([["a"], ["b"]])])
        bad = cross([gc.constant([["a"]]), gc.SparseTensor([[0, 0]], ["q"], [2, 1])])
        with gc.Session() as sess:
            assert sess.run(one.values).tolist() == [3550520439517529108]     # TF's value
            assert sess.run(num.values).tolist() == [2865384663748552660]
            e = sess.run(empty_row)
            assert e.values.tolist() == [b"q_X_b"] and e.indices.tolist() == [[1, 0]]
            assert e.dense_shape.tolist() == [2, 1]
            with pytest.raises(gc.errors.InvalidArgumentError,
                               match="Expected batch size 2 got 1 at dense tensor 0"):
                sess.run(bad)
        with pytest.raises(gc.errors.DTypeError, match="int64 or string"):
            cross([gc.constant([[1.5]])])       # int32 is cast to int64, as TF does
        with pytest.raises(TypeError, match="SparseTensors or Tensors"):
            cross([[["a"]]])


def test_index_table_helpers(vocab):
    with gc.Graph().as_default():
        a = L.index_table_from_tensor(["a", "b", "c"], num_oov_buckets=2)
        b = L.index_table_from_tensor(gc.constant([5, 7], gc.int64), default_value=-3,
                                      dtype=gc.int64)
        c = L.index_to_string_table_from_tensor(["a", "b"])
        d = L.index_table_from_file(vocab, key_column_index=0, value_column_index=1,
                                    num_oov_buckets=1)
        e = L.index_to_string_table_from_file(vocab, vocab_size=2)
        with gc.Session() as sess:
            sess.run(gc.tables_initializer())
            assert sess.run(a.lookup(gc.constant(["c", "zz"]))).tolist() == [
                2, _bucket(b"zz", 2, 3)]
            assert sess.run(b.lookup(gc.constant([7, 1], gc.int64))).tolist() == [1, -3]
            assert sess.run(c.lookup(gc.constant([1, 4], gc.int64))).tolist() == [b"b",
                                                                                  b"UNK"]
            assert sess.run(d.lookup(gc.constant(["lake", "x"]))).tolist() == [
                20, _bucket(b"x", 1, 3)]
            assert sess.run(e.lookup(gc.constant([1, 2], gc.int64))).tolist() == [
                b"lake\t20", b"UNK"]
    with pytest.raises(ValueError, match="must be specified and must not be empty"):
        L.index_table_from_file("")
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        L.index_table_from_tensor(["a"], num_oov_buckets=-1)
    with pytest.raises(ValueError, match="Invalid `dtype`"):
        L.index_table_from_tensor(["a"], dtype=gc.int64)


def test_hasher_specs():
    with gc.Graph().as_default():
        keys = gc.constant(["x", "yy"])
        strong = L.IdTableWithHashBuckets(None, 9, L.StrongHashSpec([3, 4])).lookup(keys)
        legacy = L.IdTableWithHashBuckets(None, 9, L.HasherSpec("legacy", None)).lookup(keys)
        with gc.Session() as sess:
            np.testing.assert_array_equal(
                sess.run(strong), sess.run(gc.string_to_hash_bucket_strong(keys, 9, [3, 4])))
            np.testing.assert_array_equal(sess.run(legacy),
                                          sess.run(gc.string_to_hash_bucket(keys, 9)))
    with pytest.raises(ValueError, match="hasher_spec"):
        L.IdTableWithHashBuckets(None, 3, L.HasherSpec("md5", None))
    with pytest.raises(ValueError, match="size 2"):
        L.StrongHashSpec([1])


def test_dense_hash_table():
    D = L.experimental.DenseHashTable
    with gc.Graph().as_default():
        d = D(gc.int64, gc.int64, -1, empty_key=0, deleted_key=-1)
        assert d.name == "MutableDenseHashTable"
        ins = d.insert(gc.constant([5, 6, 7], gc.int64), gc.constant([1, 2, 3], gc.int64))
        rem = d.remove(gc.constant([6], gc.int64))
        with gc.Session() as sess:
            sess.run(ins)
            sess.run(rem)
            assert sess.run(d.lookup(gc.constant([5, 6, 7], gc.int64))).tolist() == [1, -1, 3]
            assert sess.run(d.size()) == 2
            for keys, msg in (([0], "empty_key"), ([-1], "deleted_key")):
                with pytest.raises(gc.errors.InvalidArgumentError,
                                   match=f"Using the {msg} as a table key is not allowed"):
                    sess.run(d.lookup(gc.constant(keys, gc.int64)))
            with pytest.raises(gc.errors.InvalidArgumentError,
                               match=r"Expected key shape \[1\] got \[1,2\]"):
                sess.run(d.lookup(gc.constant([[5, 7]], gc.int64)))
    with pytest.raises(ValueError, match="cannot be equal"):
        D(gc.int64, gc.int64, -1, empty_key=0, deleted_key=0)


def test_monitored_session_with_table_initializers_in_local_init_op():
    with gc.Graph().as_default():
        t = _kv(["a", "b"], [1, 2])
        out = t.lookup(gc.constant(["b"]))
        scaffold = gc.train.Scaffold(local_init_op=gc.group(
            gc.local_variables_initializer(), gc.tables_initializer()))
        with gc.train.MonitoredSession(gc.train.ChiefSessionCreator(scaffold)) as sess:
            assert sess.run(out).tolist() == [2]


def test_tables_survive_a_meta_graph_round_trip(tmp_path):
    with gc.Graph().as_default():
        t = L.StaticVocabularyTable(L.KeyValueTensorInitializer(
            ["a", "b"], gc.constant([0, 1], gc.int64)), 2)
        ids = t.lookup(gc.constant(["b", "zz"]), name="ids")
        m = L.experimental.MutableHashTable(gc.string, gc.int64, -1)
        m.insert(gc.constant(["q"]), gc.constant([9], gc.int64), name="put")
        m.lookup(gc.constant(["q", "a"]), name="get")
        gc.train.export_meta_graph(str(tmp_path / "m.meta"))
        with gc.Session() as sess:
            sess.run(gc.tables_initializer())
            want = sess.run(ids)
    with gc.Graph().as_default() as g:
        gc.train.import_meta_graph(str(tmp_path / "m.meta"))
        assert len(gc.get_collection(gc.GraphKeys.TABLE_INITIALIZERS)) == 1
        with gc.Session() as sess:
            sess.run(gc.tables_initializer())
            np.testing.assert_array_equal(sess.run(ids.name), want)
            sess.run(g.get_operation_by_name("put/LookupTableInsertV2"))
            assert sess.run("get/LookupTableFindV2:0").tolist() == [9, -1]


def test_monitored_session_initializes_tables(tmp_path):
    """TF1's default Scaffold runs the table initializers with the local ones."""
    table = gc.lookup.StaticHashTable(
        gc.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2], value_dtype=gc.int64), -1)
    ids = table.lookup(gc.constant(["b", "z"]))
    gc.train.get_or_create_global_step()
    with gc.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path)) as sess:
        assert list(sess.run(ids)) == [2, -1]
    assert gc.initializers.tables_initializer is gc.tables_initializer
