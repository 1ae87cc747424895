"""gc.feature_column details checked against TF 2.21 (compat.v1): linear_model under a
partitioner, categorical features of unknown rank, a sparse_placeholder without shape, and
linear_model's op names. Expected values are TF's output on the same programs."""
import numpy as np
import pytest

import graphc as gc

fc = gc.feature_column


def _load_arange(sess, variables, scale=1.0, offset=None):
    for i, v in enumerate(variables):
        shape = v.get_shape().as_list()
        base = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) * scale
        v.load(base + (i if offset is None else offset), sess)


def test_linear_model_partitioner_puts_parts_in_collections():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4])
        with gc.variable_scope("m", partitioner=gc.fixed_size_partitioner(2)):
            fc.linear_model({"x": x}, [fc.numeric_column("x", shape=[4])])
        names = ["m/linear_model/x/weights/part_0", "m/linear_model/x/weights/part_1",
                 "m/linear_model/bias_weights/part_0"]
        assert [v.op.name for v in gc.global_variables()] == names
        assert [v.op.name for v in gc.model_variables()] == names
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            assert len(sess.run(gc.report_uninitialized_variables())) == 0


def test_linear_model_partitioner_values_and_cols_to_vars():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4])
        s = gc.placeholder(gc.string, [None, None])
        c2v = {}
        with gc.variable_scope("m", partitioner=gc.fixed_size_partitioner(2)):
            lin = fc.linear_model(
                {"x": x, "s": s},
                [fc.numeric_column("x", shape=[4]),
                 fc.categorical_column_with_vocabulary_list("s", ["a", "b", "c"])],
                units=2, cols_to_vars=c2v)
        got = sorted((k if isinstance(k, str) else k.name, [v.name for v in vs])
                     for k, vs in c2v.items())
        # TF1 keeps only the bias layer's variables[0]: the first part
        assert got == [("bias", ["m/linear_model/bias_weights/part_0:0"]),
                       ("s", ["m/linear_model/s/weights/part_0:0",
                              "m/linear_model/s/weights/part_1:0"]),
                       ("x", ["m/linear_model/x/weights/part_0:0",
                              "m/linear_model/x/weights/part_1:0"])]
        expected = ["m/linear_model/s/weights/part_0:0", "m/linear_model/s/weights/part_1:0",
                    "m/linear_model/x/weights/part_0:0", "m/linear_model/x/weights/part_1:0",
                    "m/linear_model/bias_weights/part_0:0",
                    "m/linear_model/bias_weights/part_1:0"]
        assert [v.name for v in gc.global_variables()] == expected
        assert [v.name for v in gc.model_variables()] == expected
        with gc.Session() as sess:
            sess.run([gc.global_variables_initializer(), gc.tables_initializer()])
            _load_arange(sess, gc.global_variables(), scale=0.5)
            out = sess.run(lin, {x: np.arange(8, dtype=np.float32).reshape(2, 4),
                                 s: [["a", "c"], ["b", ""]]})
        np.testing.assert_allclose(out, [[26.0, 31.0], [74.0, 86.5]], rtol=1e-6)


def test_input_layer_and_linear_model_partitioner_collections_hold_variables():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4])
        s = gc.placeholder(gc.string, [None, 1])
        with gc.variable_scope("m", partitioner=gc.fixed_size_partitioner(2)):
            fc.linear_model({"x": x}, [fc.numeric_column("x", shape=[4])])
            fc.input_layer({"s": s}, [fc.embedding_column(
                fc.categorical_column_with_hash_bucket("s", 6), 2)])
        want = ["m/linear_model/x/weights/part_0:0", "m/linear_model/x/weights/part_1:0",
                "m/linear_model/bias_weights/part_0:0",
                "m/input_layer/s_embedding/embedding_weights/part_0:0",
                "m/input_layer/s_embedding/embedding_weights/part_1:0"]
        for key in (gc.GraphKeys.GLOBAL_VARIABLES, gc.GraphKeys.TRAINABLE_VARIABLES,
                    gc.GraphKeys.MODEL_VARIABLES):
            assert [v.name for v in gc.get_collection(key)] == want


def test_unknown_rank_dense_categorical_embedding_and_linear_model():
    with gc.Graph().as_default():
        s = gc.placeholder(gc.string, None)
        i = gc.placeholder(gc.int64, None)
        sc = fc.categorical_column_with_vocabulary_list("s", ["a", "b", "c"],
                                                        num_oov_buckets=1)
        ic = fc.categorical_column_with_identity("i", 5)
        hc = fc.categorical_column_with_hash_bucket("h", 7)
        net = fc.input_layer({"s": s, "i": i, "h": s}, [
            fc.embedding_column(sc, 2, combiner="sum", initializer=gc.constant_initializer(
                np.arange(8.).reshape(4, 2))),
            fc.embedding_column(ic, 2, initializer=gc.constant_initializer(
                np.arange(10.).reshape(5, 2))),
            fc.embedding_column(hc, 1, combiner="sqrtn", initializer=gc.constant_initializer(
                np.arange(7.).reshape(7, 1)))])
        lin = fc.linear_model({"s": s, "i": i}, [sc, ic], sparse_combiner="mean")
        with gc.Session() as sess:
            sess.run([gc.global_variables_initializer(), gc.tables_initializer()])
            _load_arange(sess, [v for v in gc.global_variables() if "linear_model" in v.name],
                         offset=1)
            n1, l1 = sess.run([net, lin], {s: ["a", "q", ""], i: [1, 4, -1]})
            n2, l2 = sess.run([net, lin], {s: [["a", "b"], ["c", ""]],
                                           i: [[1, 2], [-1, -1]]})
    np.testing.assert_allclose(n1, [[5, 2, 3, 0, 1], [1, 8, 9, 6, 7], [0, 0, 0, 0, 0]])
    np.testing.assert_allclose(l1.ravel(), [4, 10, 1])
    np.testing.assert_allclose(n2, [[4.949747562408447, 3, 4, 2, 4], [5, 0, 0, 4, 5]],
                               rtol=1e-6)
    np.testing.assert_allclose(l2.ravel(), [5, 4])


def test_unknown_rank_py_func_output_through_embedding():
    with gc.Graph().as_default():
        s = gc.placeholder(gc.string, None)
        low = gc.py_func(lambda x: np.vectorize(lambda w: w.lower(), otypes=[object])(x),
                         [s], gc.string)
        col = fc.categorical_column_with_vocabulary_list("s", ["a", "b", "c"])
        net = fc.input_layer({"s": low}, [fc.embedding_column(
            col, 2, initializer=gc.ones_initializer())])
        with gc.Session() as sess:
            sess.run([gc.global_variables_initializer(), gc.tables_initializer()])
            out = sess.run(net, {s: np.array([["A", "b"], ["C", "z"]], object)})
    np.testing.assert_allclose(out, [[1, 1], [1, 1]])


def test_sparse_placeholder_without_shape_indicator():
    with gc.Graph().as_default():
        q = gc.sparse_placeholder(gc.string)
        net = fc.input_layer({"q": q}, [fc.indicator_column(
            fc.categorical_column_with_hash_bucket("q", 4))])
        with gc.Session() as sess:
            out = sess.run(net, {q: gc.SparseTensorValue([[0, 0], [0, 1], [2, 0]],
                                                         ["a", "b", "c"], [3, 2])})
    np.testing.assert_allclose(out, [[0, 0, 1, 1], [0, 0, 0, 0], [1, 0, 0, 0]])


def test_sparse_placeholder_without_shape_rank_1_and_2_and_rank_0_error():
    with gc.Graph().as_default():
        q = gc.sparse_placeholder(gc.string)
        ids = gc.sparse_placeholder(gc.int64)
        feats = {"q": q, "ids": ids}
        qc = fc.categorical_column_with_hash_bucket("q", 8)
        ic = fc.categorical_column_with_identity("ids", 4)
        net = fc.input_layer(feats, [
            fc.embedding_column(qc, 2, initializer=gc.constant_initializer(
                np.arange(16.).reshape(8, 2))),
            fc.indicator_column(ic)])
        lin = fc.linear_model(feats, [qc, ic])
        with gc.Session() as sess:
            sess.run([gc.global_variables_initializer(), gc.tables_initializer()])
            _load_arange(sess, [v for v in gc.trainable_variables()
                                if "linear_model" in v.name], offset=1)
            n1, l1 = sess.run([net, lin], {
                q: gc.SparseTensorValue([[0], [2]], ["a", "c"], [3]),
                ids: gc.SparseTensorValue([[1], [2]], [1, 3], [3])})
            n2, l2 = sess.run([net, lin], {
                q: gc.SparseTensorValue([[0, 0], [0, 1], [2, 0]], ["a", "b", "c"], [3, 2]),
                ids: gc.SparseTensorValue([[0, 0], [1, 0], [1, 2]], [1, 3, 3], [3, 3])})
            empty = {q: gc.SparseTensorValue(np.zeros((0, 0), np.int64),
                                             np.array([], object), np.zeros(0, np.int64)),
                     ids: gc.SparseTensorValue(np.zeros((0, 0), np.int64),
                                               np.array([], np.int64), np.zeros(0, np.int64))}
            with pytest.raises(gc.errors.InvalidArgumentError,
                               match="Feature cannot have rank 0"):
                sess.run(net, empty)
    np.testing.assert_allclose(n1, [[0, 0, 0, 0, 6, 7], [0, 1, 0, 0, 0, 0],
                                    [0, 0, 0, 1, 0, 1]])
    np.testing.assert_allclose(l1.ravel(), [5, 3, 6])
    np.testing.assert_allclose(n2, [[0, 1, 0, 0, 9, 10], [0, 0, 0, 2, 0, 0],
                                    [0, 0, 0, 0, 0, 1]])
    np.testing.assert_allclose(l2.ravel(), [14, 9, 2])


def test_linear_model_op_names():
    with gc.Graph().as_default():
        a = gc.placeholder(gc.float32, [None, 1], name="a")
        s = gc.placeholder(gc.string, [None, 1], name="s")
        feats = {"a": a, "s": s}
        sc = fc.categorical_column_with_vocabulary_list("s", ["x", "y"])
        lin = fc.linear_model(feats, [sc, fc.numeric_column("a")], units=2)
        with gc.variable_scope("tower"):
            lin2 = fc.linear_model(feats, [sc])
        assert lin.name == "linear_model_1/linear_model/weighted_sum:0"
        assert lin2.name == "tower/linear_model_1/linear_model/weighted_sum:0"
        assert sorted(v.name for v in gc.global_variables()) == [
            "linear_model/a/weights:0", "linear_model/bias_weights:0",
            "linear_model/s/weights:0", "tower/linear_model/bias_weights:0",
            "tower/linear_model/s/weights:0"]
        inits = sorted(op.name for op in gc.get_collection(gc.GraphKeys.TABLE_INITIALIZERS))
        assert all(n.startswith(("linear_model_1/linear_model/s/",
                                 "tower/linear_model_1/linear_model/s/")) for n in inits)
