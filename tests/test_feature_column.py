"""gc.feature_column (TF1's tf.feature_column): columns, input_layer, linear_model and
make_parse_example_spec; values worked out by hand (TF parity is in
test_tf_parity_feature_column.py)."""
import numpy as np
import pytest

import graphc as gc

fc = gc.feature_column


def _eval(fetches, feed=None, init=True):
    with gc.Session() as sess:
        if init:
            sess.run([gc.global_variables_initializer(), gc.tables_initializer()])
        return sess.run(fetches, feed)


def _dense(column, features):
    return fc.input_layer(features, [column])


def test_numeric_column_values_shape_and_properties():
    with gc.Graph().as_default():
        n = fc.numeric_column("n", shape=(2, 2), normalizer_fn=lambda x: x * 2)
        assert (n.name, n.key, n.shape, n.dtype) == ("n", "n", (2, 2), gc.float32)
        assert n.variable_shape == gc.TensorShape([2, 2])
        k = fc.numeric_column("k", dtype=gc.int64)
        out = fc.input_layer({"n": gc.constant(np.arange(8.).reshape(2, 2, 2)),
                              "k": gc.constant([3, 4], dtype=gc.int64)}, [n, k])
        assert out.dtype is gc.float32 and out.shape == (2, 5)
        # sorted by name: k (rank 1 -> [batch, 1]) then n
        np.testing.assert_array_equal(_eval(out), [[3, 0, 2, 4, 6], [4, 8, 10, 12, 14]])


def test_numeric_rejects_sparse_and_bad_args():
    with gc.Graph().as_default():
        sp = gc.SparseTensor([[0, 0]], [1.], [1, 1])
        with pytest.raises(ValueError, match="SparseTensor is not supported. key: n"):
            _dense(fc.numeric_column("n"), {"n": sp})
        with pytest.raises(ValueError, match="Feature m is not in features dictionary"):
            _dense(fc.numeric_column("m"), {"n": sp})
    with pytest.raises(TypeError, match="shape dimensions must be integer"):
        fc.numeric_column("n", shape=(1.5,))
    with pytest.raises(ValueError, match="greater than 0"):
        fc.numeric_column("n", shape=0)
    with pytest.raises(ValueError, match="convertible to float"):
        fc.numeric_column("n", dtype=gc.string)
    with pytest.raises(ValueError, match="key must be a string"):
        fc.numeric_column(3)
    with pytest.raises(ValueError, match="shape of default_value"):
        fc.numeric_column("n", shape=2, default_value=[1., 2., 3.])
    with pytest.raises(TypeError, match="compatible with dtype"):
        fc.numeric_column("n", dtype=gc.int32, default_value=1.5)
    assert fc.numeric_column("n", shape=(2, 1), default_value=3).default_value == \
        ((3,), (3,))


def test_bucketized_dense_and_as_ids():
    with gc.Graph().as_default():
        b = fc.bucketized_column(fc.numeric_column("x", shape=2), [0., 1.])
        assert b.name == "x_bucketized" and b.num_buckets == 6
        assert b.variable_shape == gc.TensorShape([2, 3])
        x = gc.constant([[-1., 0.], [0.99, 5.]])
        out = _dense(b, {"x": x})
        np.testing.assert_array_equal(_eval(out), [[1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]])
        ind = _dense(fc.indicator_column(b), {"x": x})      # ids: bucket + 3 * position
        np.testing.assert_array_equal(_eval(ind), [[1, 0, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]])
    with pytest.raises(ValueError, match="sorted list"):
        fc.bucketized_column(fc.numeric_column("x"), [1., 1.])
    with pytest.raises(ValueError, match="numeric_column"):
        fc.bucketized_column("x", [1.])
    with pytest.raises(ValueError, match="one-dimensional"):
        fc.bucketized_column(fc.numeric_column("x", shape=(2, 2)), [1.])


def test_identity_indicator_missing_and_default():
    with gc.Graph().as_default():
        i = fc.categorical_column_with_identity("i", 4, default_value=3)
        assert (i.name, i.key, i.num_buckets) == ("i", "i", 4)
        out = _dense(fc.indicator_column(i), {"i": gc.constant([[1, 1], [-1, 9], [0, -1]])})
        # -1 is missing; 9 is out of range -> default 3; repeated ids count twice
        np.testing.assert_array_equal(_eval(out), [[0, 2, 0, 0], [0, 0, 0, 1],
                                                   [1, 0, 0, 0]])
        with pytest.raises(ValueError, match="not integer"):
            _dense(fc.indicator_column(i), {"i": gc.constant([["a"]])})
    with pytest.raises(ValueError, match=r"default_value 4 not in range \[0, 4\)"):
        fc.categorical_column_with_identity("i", 4, default_value=4)
    with pytest.raises(ValueError, match="num_buckets 0 < 1"):
        fc.categorical_column_with_identity("i", 0)


def test_vocabulary_list_oov_and_default():
    with gc.Graph().as_default():
        v = fc.categorical_column_with_vocabulary_list("s", ["a", "b"], num_oov_buckets=3)
        assert v.num_buckets == 5 and v.dtype is gc.string
        feats = {"s": gc.constant([["b", ""], ["zz", "a"]])}
        got = _eval(_dense(fc.indicator_column(v), feats))
        assert got[0].tolist() == [0, 1, 0, 0, 0]
        assert got[1][:2].tolist() == [1, 0] and got[1][2:].sum() == 1
        d = fc.categorical_column_with_vocabulary_list("s", ["a", "b"], default_value=0)
        np.testing.assert_array_equal(_eval(_dense(fc.indicator_column(d), feats)),
                                      [[0, 1], [2, 0]])
        ints = fc.categorical_column_with_vocabulary_list("k", [10, 20])
        assert ints.dtype is gc.int64
        out = _dense(fc.indicator_column(ints), {"k": gc.constant([[20, -1], [5, 10]])})
        np.testing.assert_array_equal(_eval(out), [[0, 1], [1, 0]])
        with pytest.raises(ValueError, match="must be compatible"):
            _dense(fc.indicator_column(ints), {"k": feats["s"]})
    with pytest.raises(ValueError, match="Duplicate keys"):
        fc.categorical_column_with_vocabulary_list("s", ["a", "a"])
    with pytest.raises(ValueError, match="must be non-empty"):
        fc.categorical_column_with_vocabulary_list("s", [])
    with pytest.raises(ValueError, match="both num_oov_buckets and default_value"):
        fc.categorical_column_with_vocabulary_list("s", ["a"], default_value=0,
                                                   num_oov_buckets=1)
    with pytest.raises(ValueError, match="do not match"):
        fc.categorical_column_with_vocabulary_list("s", ["a"], dtype=gc.int64)


def test_vocabulary_file(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("a\nb\nc\n")
    v = fc.categorical_column_with_vocabulary_file("s", str(path))
    assert (v.vocabulary_size, v.default_value, v.num_buckets) == (3, -1, 3)
    with gc.Graph().as_default():
        out = _dense(fc.indicator_column(v), {"s": gc.constant([["c", "q"], ["a", "a"]])})
        np.testing.assert_array_equal(_eval(out), [[0, 0, 1], [2, 0, 0]])
    with pytest.raises(ValueError, match="does not exist"):
        fc.categorical_column_with_vocabulary_file("s", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="Missing vocabulary_file"):
        fc.categorical_column_with_vocabulary_file("s", "")


def test_hash_bucket_ids_equal_tf():
    with gc.Graph().as_default():
        h = fc.categorical_column_with_hash_bucket("h", 13)
        ids = h._get_sparse_tensors(fc._LazyBuilder({"h": gc.constant(["a", "bb", "cc"])}))
        # TF1: tf.strings.to_hash_bucket_fast(["a", "bb", "cc"], 13) == [4, 10, 8]
        assert _eval(ids.id_tensor).values.tolist() == [4, 10, 8]
        k = fc.categorical_column_with_hash_bucket("k", 13, dtype=gc.int32)
        ids = k._get_sparse_tensors(fc._LazyBuilder({"k": gc.constant([[7, -1]])}))
        assert _eval(ids.id_tensor).values.tolist() == [11]        # hash of "7"
    with pytest.raises(ValueError, match="at least 1"):
        fc.categorical_column_with_hash_bucket("h", 0)
    with pytest.raises(ValueError, match="string or integer"):
        fc.categorical_column_with_hash_bucket("h", 3, dtype=gc.float32)


def test_crossed_column_names_and_ids():
    a = fc.categorical_column_with_vocabulary_list("a", ["x"])
    c = fc.crossed_column(["s", fc.crossed_column(["t", a], 5)], 17)
    assert c.name == "a_X_s_X_t" and c.num_buckets == 17
    assert sorted(c.parse_example_spec) == ["a", "s", "t"]
    with gc.Graph().as_default():
        c2 = fc.crossed_column(["s", "t"], 17)
        ids = c2._get_sparse_tensors(fc._LazyBuilder({
            "s": gc.constant([["a"], ["b"]]), "t": gc.constant([["x"], ["y"]])}))
        # TF1: sparse.cross_hashed([[a], [b]] x [[x], [y]], 17) == [12, 5]
        assert _eval(ids.id_tensor).values.tolist() == [12, 5]
    with pytest.raises(ValueError, match="not supported for crossing"):
        fc.crossed_column(["s", fc.categorical_column_with_hash_bucket("h", 3)], 5)
    with pytest.raises(ValueError, match="length > 1"):
        fc.crossed_column(["s"], 5)


def test_embedding_column_variable_init_and_combiners():
    with gc.Graph().as_default():
        i = fc.categorical_column_with_identity("i", 3)
        table = np.array([[1., 2.], [3., 4.], [5., 6.]], np.float32)
        cols = [fc.embedding_column(i, 2, combiner=c, initializer=gc.constant_initializer(
            table)) for c in ("mean",)]
        feats = {"i": gc.constant([[0, 2], [1, -1], [-1, -1]])}
        out = fc.input_layer(feats, cols)
        (v,) = gc.global_variables()
        assert v.name == "input_layer/i_embedding/embedding_weights:0" and v.shape == (3, 2)
        assert v in gc.trainable_variables() and v in gc.get_collection("model_variables")
        # mean of rows 0 and 2; row 1; an empty row gives zeros
        np.testing.assert_allclose(_eval(out), [[3, 4], [3, 4], [0, 0]])
        g = gc.gradients(out, v)[0]
        np.testing.assert_allclose(_eval(gc.convert_to_tensor(g)),
                                   [[.5, .5], [1, 1], [.5, .5]])
    with gc.Graph().as_default():
        e = fc.embedding_column(fc.categorical_column_with_identity("i", 1000), 16)
        fc.input_layer({"i": gc.constant([[1]])}, [e])
        w = _eval(gc.global_variables()[0])
        assert abs(w.std() - 0.25 * 0.88) < 0.02 and np.abs(w).max() <= 0.5   # truncated
    with pytest.raises(ValueError, match="Invalid dimension 0"):
        fc.embedding_column(i, 0)
    with pytest.raises(ValueError, match="both `ckpt_to_load_from`"):
        fc.embedding_column(i, 2, ckpt_to_load_from="x")
    with pytest.raises(ValueError, match="initializer must be callable"):
        fc.embedding_column(i, 2, initializer=1.0)


def test_embedding_from_checkpoint(tmp_path):
    table = np.arange(6., dtype=np.float32).reshape(3, 2)
    with gc.Graph().as_default():
        gc.Variable(table, name="old_table")
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            path = gc.train.Saver().save(sess, str(tmp_path / "model"))
    with gc.Graph().as_default():
        e = fc.embedding_column(fc.categorical_column_with_identity("i", 3), 2,
                                ckpt_to_load_from=path, tensor_name_in_ckpt="old_table")
        out = fc.input_layer({"i": gc.constant([[2], [0]])}, [e])
        np.testing.assert_allclose(_eval(out), [[4, 5], [0, 1]])


def test_shared_embeddings_one_table():
    with gc.Graph().as_default():
        a, b = (fc.categorical_column_with_identity(k, 3) for k in "ba")
        cols = fc.shared_embedding_columns([a, b], 2, initializer=gc.ones_initializer())
        assert [c.name for c in cols] == ["b_shared_embedding", "a_shared_embedding"]
        out = fc.input_layer({"a": gc.constant([[0]]), "b": gc.constant([[1]])}, cols)
        assert [v.name for v in gc.global_variables()] == \
            ["input_layer/a_b_shared_embedding/embedding_weights:0"]
        assert gc.get_collection("a_b_shared_embedding") == gc.global_variables()
        np.testing.assert_allclose(_eval(out), [[1, 1, 1, 1]])
    with pytest.raises(ValueError, match="same number of buckets"):
        fc.shared_embedding_columns([a, fc.categorical_column_with_identity("c", 4)], 2)
    with pytest.raises(ValueError, match="same type"):
        fc.shared_embedding_columns([a, fc.categorical_column_with_hash_bucket("c", 3)], 2)


def test_weighted_column_indicator_and_embedding():
    with gc.Graph().as_default():
        w = fc.weighted_categorical_column(fc.categorical_column_with_identity("i", 3), "w")
        assert w.name == "i_weighted_by_w" and w.num_buckets == 3
        feats = {"i": gc.constant([[0, 0], [2, 1]]), "w": gc.constant([[1., 2.], [.5, 4.]])}
        np.testing.assert_allclose(_eval(_dense(fc.indicator_column(w), feats)),
                                   [[3, 0, 0], [0, 4, .5]])
        e = fc.embedding_column(w, 1, combiner="sum", initializer=gc.constant_initializer(
            [[1.], [10.], [100.]]))
        np.testing.assert_allclose(_eval(_dense(e, feats)), [[3], [90]])
        with pytest.raises(ValueError, match="Bad dtype, expected float32"):
            _dense(e, {"i": feats["i"], "w": gc.constant([[1, 2], [3, 4]])})
    with pytest.raises(ValueError, match="not convertible to float"):
        fc.weighted_categorical_column(w, "x", dtype=gc.string)
    with pytest.raises(ValueError, match="already exists"):
        fc.weighted_categorical_column(fc.categorical_column_with_identity("i", 3),
                                       "i").parse_example_spec


def test_input_layer_errors():
    n, i = fc.numeric_column("n"), fc.categorical_column_with_identity("i", 3)
    with gc.Graph().as_default():
        feats = {"n": gc.constant([[1.]]), "i": gc.constant([[1]])}
        with pytest.raises(ValueError, match="must be a _DenseColumn"):
            fc.input_layer(feats, [i])
        with pytest.raises(ValueError, match="must not be empty"):
            fc.input_layer(feats, [])
        with pytest.raises(ValueError, match="found dict"):
            fc.input_layer(feats, {"n": n})
        with pytest.raises(ValueError, match="Duplicate feature column name"):
            fc.input_layer(feats, [n, fc.numeric_column("n", shape=2)])
        with pytest.raises(ValueError, match="Items of feature_columns must be"):
            fc.input_layer(feats, ["n"])
        with pytest.raises(ValueError, match=r"Batch size .* \(m, n\): \(2, 1\)"):
            fc.input_layer({"n": gc.constant([[1.]]), "m": gc.constant([[1.], [2.]])},
                           [n, fc.numeric_column("m")])
        with pytest.raises(ValueError, match="cannot have rank 0"):
            fc.input_layer({"n": gc.constant(1.)}, [n])


def test_input_layer_unknown_rank_and_trainable():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, None)
        e = fc.embedding_column(fc.categorical_column_with_identity("i", 3), 2)
        out = fc.input_layer({"n": x, "i": gc.constant([[1], [2]])},
                             [fc.numeric_column("n"), e], trainable=False,
                             weight_collections=["mine"])
        assert gc.trainable_variables() == []
        assert gc.get_collection("mine") == gc.global_variables()
        got = _eval(out, {x: np.array([5., 6.], np.float32)})
        assert got.shape == (2, 3) and got[:, 2].tolist() == [5., 6.]


def test_linear_model_values_names_and_cols_to_vars():
    with gc.Graph().as_default():
        n = fc.numeric_column("n", shape=2)
        v = fc.categorical_column_with_vocabulary_list("s", ["a", "b", "c"])
        feats = {"n": gc.constant([[1., 2.], [3., 4.]]),
                 "s": gc.constant([["a", "c"], ["", ""]])}
        c2v = {}
        out = fc.linear_model(feats, [v, n], units=2, sparse_combiner="mean",
                              cols_to_vars=c2v, weight_collections=["w"])
        names = [x.name for x in gc.global_variables()]
        assert names == ["linear_model/n/weights:0", "linear_model/s/weights:0",
                         "linear_model/bias_weights:0"]
        assert gc.get_collection("w") == gc.global_variables() == \
            gc.get_collection("model_variables")
        assert c2v[n][0].shape == (2, 2) and c2v[v][0].shape == (3, 2)
        assert c2v["bias"][0].name == "linear_model/bias_weights:0"
        assert out.shape == (2, 2) and out.dtype is gc.float32
        sets = [c2v[n][0].assign([[1., 0.], [0., 1.]]),
                c2v[v][0].assign([[10., 0.], [20., 0.], [30., 1.]]),
                c2v["bias"][0].assign([.5, .25])]
        with gc.Session() as sess:
            sess.run([gc.global_variables_initializer(), gc.tables_initializer()])
            np.testing.assert_array_equal(sess.run(out), np.zeros((2, 2)))
            sess.run(sets)
            # row 0: n @ W = [1, 2], mean of rows a, c = [20, .5]; row 1 has no ids
            np.testing.assert_allclose(sess.run(out), [[21.5, 2.75], [3.5, 4.25]])
        with pytest.raises(ValueError, match="combiner"):
            fc.linear_model(feats, [v], sparse_combiner="max")


def test_make_parse_example_spec_and_parsing():
    n = fc.numeric_column("n", shape=2, default_value=0.)
    spec = fc.make_parse_example_spec([n, fc.categorical_column_with_identity("i", 3)])
    assert spec == {"n": gc.io.FixedLenFeature((2,), gc.float32, (0., 0.)),
                    "i": gc.io.VarLenFeature(gc.int64)}
    with pytest.raises(ValueError, match="different parse_spec for key n"):
        fc.make_parse_example_spec([n, fc.numeric_column("n")])
    with pytest.raises(ValueError, match="_FeatureColumn instances"):
        fc.make_parse_example_spec(["n"])


def test_columns_are_hashable_values():
    a = fc.categorical_column_with_identity("i", 3)
    assert a == fc.categorical_column_with_identity("i", 3) and len({a, a}) == 1
    assert fc.embedding_column(a, 2).categorical_column is a
    assert repr(a) == "IdentityCategoricalColumn(key='i', number_buckets=3, default_value=None)"
