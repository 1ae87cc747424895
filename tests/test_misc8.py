"""Session 8's small TF1 names: count_up_to, bitcast, timestamp, py_function,
make_tensor_proto/make_ndarray, uint32/uint64, assert_shapes, SparseTensor
serialization, batch_scatter_update, required_space_to_batch_paddings,
uniform_unit_scaling_initializer and the tf.manip / tf.io aliases."""
import numpy as np
import pytest

import graphc as gc


def run(*fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(list(fetches), feed)


def test_count_up_to_counts_then_stops_with_out_of_range():
    g = gc.Graph()
    with g.as_default():
        v = gc.Variable(np.int64(5), name="v")
        c = gc.count_up_to(v, 7)
        assert v.count_up_to(7).op.type == "CountUpTo"
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            assert [s.run(c), s.run(c)] == [5, 6]
            with pytest.raises(gc.errors.OutOfRangeError, match="Reached limit of 7"):
                s.run(c)
            assert s.run(v) == 7
        assert c.dtype is gc.int64 and c.shape.rank == 0


def test_count_up_to_refuses_non_variables_and_floats():
    with pytest.raises(TypeError, match="must be a Variable"):
        gc.count_up_to(gc.constant(1), 3)
    with pytest.raises(gc.errors.DTypeError, match="int32 or int64"):
        gc.count_up_to(gc.Variable(1.0, name="f"), 3)


def test_bitcast_values_and_shapes():
    x = gc.constant([1.0, -2.0], gc.float64)
    wide = gc.bitcast(x, gc.int32)
    back = gc.bitcast(wide, gc.float64)
    assert wide.shape.as_list() == [2, 2] and back.shape.as_list() == [2]
    w, b, f = run(wide, back, gc.bitcast(gc.constant(1.0), gc.int32))
    np.testing.assert_array_equal(w, np.array([1.0, -2.0]).view(np.int32).reshape(2, 2))
    np.testing.assert_array_equal(b, [1.0, -2.0])
    assert f == 1065353216


def test_bitcast_to_wider_needs_the_ratio_as_last_dim():
    x = gc.placeholder(gc.int32, [3, 3], name="x")
    with pytest.raises(gc.errors.ShapeError, match="last dimension of 2") as e:
        gc.bitcast(x, gc.float64)
    assert "test_misc8.py" in str(e.value)


def test_timestamp_is_stateful_and_float64():
    t = gc.timestamp()
    assert t.dtype is gc.float64
    with gc.Session() as s:
        a = s.run(t)
        b = s.run(t)
    assert 1.5e9 < a <= b


def test_py_function_gets_values_with_numpy_method():
    x = gc.placeholder(gc.float32, [None], name="x")
    y, n = gc.py_function(lambda v: (v.numpy() * 2, np.int32(v.numpy().size)), [x],
                          [gc.float32, gc.int32])
    got = run(y, n, feed={x: np.array([1, 2, 3], np.float32)})
    np.testing.assert_array_equal(got[0], [2, 4, 6])
    assert got[1] == 3


@pytest.mark.parametrize("value,dtype", [([[1, 2], [3, 4]], None), (1.5, None),
                                         (np.arange(6, dtype=np.uint64), None),
                                         ([b"a", b"bc"], gc.string), (2, gc.float64)])
def test_make_tensor_proto_round_trips(value, dtype):
    proto = gc.make_tensor_proto(value, dtype)
    back = gc.make_ndarray(proto)
    want = np.asarray(value)
    assert back.shape == want.shape
    np.testing.assert_array_equal(back, want)
    assert gc.make_tensor_proto(value, dtype).SerializeToString() == proto.SerializeToString()


def test_make_tensor_proto_python_types_take_tf_dtypes_and_broadcast_scalars():
    assert gc.make_ndarray(gc.make_tensor_proto(1.0)).dtype == np.float32
    assert gc.make_ndarray(gc.make_tensor_proto(3)).dtype == np.int32
    np.testing.assert_array_equal(gc.make_ndarray(gc.make_tensor_proto(7, shape=[2, 2])),
                                  np.full((2, 2), 7))
    with pytest.raises(TypeError, match="expected shape"):
        gc.make_tensor_proto([1, 2, 3], shape=[2])


def test_uint32_uint64_arithmetic_feed_and_serialization():
    x = gc.placeholder(gc.uint32, [2], name="x")
    big = gc.constant(np.array([2 ** 63], np.uint64))
    y = x * 3
    s = gc.parse_tensor(gc.serialize_tensor(big), gc.uint64)
    got = run(y, big + big, s, feed={x: np.array([1, 2 ** 31], np.uint32)})
    np.testing.assert_array_equal(got[0], np.array([3, 2 ** 31 * 3], np.uint64).astype(np.uint32))
    assert got[1][0] == 0                   # wraps, as TF's
    assert got[2][0] == 2 ** 63 and got[2].dtype == np.uint64
    assert gc.as_dtype("uint64") is gc.uint64 and gc.half is gc.float16 and gc.double is gc.float64


def test_newaxis_and_dimension_value():
    x = gc.zeros([2, 3])
    assert x[:, gc.newaxis].shape.as_list() == [2, 1, 3]
    assert gc.dimension_value(x.shape[1]) == 3 and gc.dimension_value(None) is None
    assert gc.dimension_value(gc.Dimension(None)) is None


def test_uniform_unit_scaling_bounds():
    init = gc.uniform_unit_scaling_initializer(factor=2.0, seed=3)
    v = run(init([400, 50]))[0]
    m = 2.0 * np.sqrt(3.0 / 400)
    assert v.dtype == np.float32 and np.abs(v).max() <= m and np.abs(v).max() > 0.9 * m
    assert gc.initializers.uniform_unit_scaling is gc.uniform_unit_scaling_initializer


def test_batch_scatter_update_updates_per_batch_row():
    v = gc.Variable(np.zeros((2, 2, 4), np.float32))
    ids = [[[1, 3], [0, 2]], [[2, 2], [3, 0]]]
    upd = np.arange(8, dtype=np.float32).reshape(2, 2, 2) + 1
    out = run(gc.batch_scatter_update(v, ids, upd))[0]
    want = np.zeros((2, 2, 4), np.float32)
    for i in range(2):
        for j in range(2):
            for k in range(2):
                want[i, j, ids[i][j][k]] = upd[i, j, k]
    np.testing.assert_array_equal(out, want)


def test_required_space_to_batch_paddings():
    p, c = gc.required_space_to_batch_paddings([5, 7], [2, 3], [[1, 0], [0, 1]])
    p2, c2 = gc.required_space_to_batch_paddings([4, 6], [2, 3])
    got = run(p, c, p2, c2)
    np.testing.assert_array_equal(got[0], [[1, 0], [0, 2]])
    np.testing.assert_array_equal(got[1], [[0, 0], [0, 1]])
    np.testing.assert_array_equal(got[2], [[0, 0], [0, 0]])
    np.testing.assert_array_equal(got[3], [[0, 0], [0, 0]])


def test_assert_shapes_static_pass_and_fail_name_both_tensors():
    x, y = gc.zeros([10, 3], name="x"), gc.ones([10, 7], name="y")
    p = gc.Variable([1., 2., 3.], name="p")
    op = gc.debugging.assert_shapes([(x, ("N", "Q")), (y, ("N", "D")), (p, ("Q",)),
                                     (1.0, ())])
    assert op.type == "NoOp"
    with pytest.raises(ValueError, match="y:0 dimension 1 must have size 3") as e:
        gc.debugging.assert_shapes({x: ("N", "D"), y: ("N", "D")})
    assert "'x'" in str(e.value) and "'y'" in str(e.value) and "test_misc8.py" in str(e.value)
    with pytest.raises(ValueError, match="rank 3"):
        gc.debugging.assert_shapes([(x, (1, 2, 3))])
    gc.debugging.assert_shapes([(gc.zeros([2, 5, 3]), ("*", 3)), (x, (..., "."))])


def test_assert_shapes_checks_unknown_dims_when_run():
    a = gc.placeholder(gc.float32, [None, 3], name="a")
    b = gc.placeholder(gc.float32, None, name="b")
    op = gc.debugging.assert_shapes([(a, ("N", 3)), (b, ("N",))])
    with gc.Session() as s:
        s.run(op, {a: np.zeros((4, 3)), b: np.zeros(4)})
        with pytest.raises(gc.errors.InvalidArgumentError, match="must have size"):
            s.run(op, {a: np.zeros((4, 3)), b: np.zeros(5)})
        with pytest.raises(gc.errors.InvalidArgumentError, match="must have rank 1"):
            s.run(op, {a: np.zeros((4, 3)), b: np.zeros((4, 1))})


def test_serialize_many_sparse_round_trip_and_errors():
    sp = gc.SparseTensor([[0, 1], [0, 3], [2, 0]], [1., 2., 3.], [3, 4])
    s = gc.serialize_many_sparse(sp)
    assert s.shape.as_list() == [3, 3] and s.dtype is gc.string
    back = gc.deserialize_many_sparse(s, gc.float32, rank=2)
    one = gc.serialize_sparse(sp)
    got, raw = run(back, one)
    np.testing.assert_array_equal(got.indices, [[0, 1], [0, 3], [2, 0]])
    np.testing.assert_array_equal(got.values, [1., 2., 3.])
    np.testing.assert_array_equal(got.dense_shape, [3, 4])
    assert raw.shape == (3,)
    with pytest.raises(TypeError, match="strings only"):
        gc.serialize_sparse(sp, out_type=gc.int32)
    bad = gc.deserialize_many_sparse(s, gc.float32, rank=3)
    with pytest.raises(gc.errors.InvalidArgumentError, match="expected rank 3"):
        run(bad)


def test_namespace_aliases_are_the_same_objects():
    assert gc.manip.roll is gc.roll and gc.manip.reverse is gc.reverse
    assert gc.io.serialize_many_sparse is gc.serialize_many_sparse
    assert gc.io.decode_png is gc.image.decode_png
    assert gc.io.gfile.GFile is gc.gfile.GFile and gc.io.gfile.join("a", "b") == "a/b"
    assert gc.io.match_filenames_once is gc.train.match_filenames_once
    assert gc.dtypes.double is gc.float64 and gc.dtypes.bool is gc.bool
    assert gc.dtypes.cast is gc.cast and gc.dtypes.saturate_cast is gc.saturate_cast
    assert gc.dtypes.as_string is gc.as_string and gc.dtypes.complex is gc.complex
    assert gc.graph_util.import_graph_def is gc.import_graph_def
    assert gc.nn.approx_max_k is gc.math.approx_max_k
    assert gc.sparse.SparseConditionalAccumulator is gc.SparseConditionalAccumulator


def test_checkpoint_utilities(tmp_path):
    v = gc.Variable([1.0, 2.0], name="v")
    saver = gc.train.Saver()
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        a = saver.save(s, str(tmp_path / "m"), global_step=1)
        b = saver.save(s, str(tmp_path / "m"), global_step=2)
    missing = str(tmp_path / "m-9")
    times = gc.train.get_checkpoint_mtimes([a, missing, b])
    assert len(times) == 2 and all(t > 1.5e9 for t in times)
    state = gc.train.generate_checkpoint_state_proto(str(tmp_path), b, [a])
    assert state.model_checkpoint_path == "m-2"
    assert state.all_model_checkpoint_paths == ["m-1", "m-2"]
    gc.train.remove_checkpoint(a)
    assert not gc.train.checkpoint_exists(a) and not (tmp_path / "m-1.meta").exists()
    assert gc.train.checkpoint_exists(b)
    assert v.dtype is gc.float32


def test_assert_global_step():
    gc.train.assert_global_step(gc.train.get_or_create_global_step())
    with pytest.raises(TypeError, match="integer scalar"):
        gc.train.assert_global_step(gc.Variable(0.0))
    with pytest.raises(TypeError, match="integer scalar"):
        gc.train.assert_global_step(gc.Variable([1, 2]))


def _vocab_checkpoint(tmp_path):
    (tmp_path / "old.txt").write_text("a\nb\nc\nd\n")
    (tmp_path / "new.txt").write_text("d\nx\na\nc\ny\n")
    with gc.Graph().as_default():
        gc.get_variable("emb", initializer=np.arange(8, dtype=np.float32).reshape(4, 2) + 1)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            return gc.train.Saver().save(s, str(tmp_path / "model"))


def test_warm_start_remaps_rows_by_vocabulary(tmp_path):
    prefix = _vocab_checkpoint(tmp_path)
    with gc.Graph().as_default():
        v = gc.get_variable("emb", [6, 2], initializer=gc.constant_initializer(-1.0))
        info = gc.train.VocabInfo(str(tmp_path / "new.txt"), 5, 1, str(tmp_path / "old.txt"),
                                  old_vocab_size=3,
                                  backup_initializer=gc.constant_initializer(0.5))
        gc.train.warm_start(prefix, ["emb"], var_name_to_vocab_info={"emb": info})
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            got = s.run(v)
    # d is beyond old_vocab_size=3, x and y are new, the last row is the OOV bucket
    np.testing.assert_array_equal(got, [[.5, .5], [.5, .5], [1, 2], [5, 6], [.5, .5],
                                        [.5, .5]])


def test_warm_start_vocab_size_mismatch_is_an_error(tmp_path):
    prefix = _vocab_checkpoint(tmp_path)
    with gc.Graph().as_default():
        gc.get_variable("emb", [4, 2])
        info = gc.train.VocabInfo(str(tmp_path / "new.txt"), 5, 0, str(tmp_path / "old.txt"))
        with pytest.raises(ValueError, match="5 words"):
            gc.train.warm_start(prefix, ["emb"], var_name_to_vocab_info={"emb": info})


def test_make_callable_takes_composites_whole():
    sp = gc.sparse_placeholder(gc.float32, [None, 3])
    x = gc.placeholder(gc.float32, [])
    y = gc.sparse_reduce_sum(sp) * x
    value = gc.SparseTensorValue([[0, 1], [2, 2]], np.array([1., 2.], np.float32), [3, 3])
    with gc.Session() as s:
        fn = s.make_callable(y, [sp, x])
        assert fn(value, np.float32(2.0)) == 6.0
        assert fn(([[1, 0]], np.array([5.], np.float32), [2, 3]), np.float32(1.0)) == 5.0
        with pytest.raises(gc.errors.FeedError, match="takes 2 feed"):
            fn(value)


def test_session_log_events_round_trip(tmp_path):
    log = gc.SessionLog(status=gc.SessionLog.CHECKPOINT, checkpoint_path="ckpt/m-3")
    assert gc.SessionLog.FromString(log.SerializeToString()) == log
    writer = gc.summary.FileWriter(str(tmp_path))
    writer.add_session_log(gc.SessionLog(status=gc.SessionLog.START), 0)
    writer.add_session_log(log, 3)
    writer.close()
    path = next(tmp_path.iterdir())
    got = [e for e in gc.train.summary_iterator(str(path)) if e.WhichOneof("what") ==
           "session_log"]
    assert [(e.step, e.session_log.status, e.session_log.checkpoint_path) for e in got] == \
        [(0, 1, ""), (3, 3, "ckpt/m-3")]
    with pytest.raises(TypeError, match="SessionLog"):
        writer.add_session_log("START")


def test_random_fold_in_and_split_give_new_seeds():
    with gc.Session() as s:
        f, sp = s.run([gc.random.fold_in([1, 2], 7), gc.random.split([1, 2], 3)])
    assert f.tolist() == [1105988140, 7]            # TF's value for this seed
    assert sp.shape == (3, 2) and sp[0].tolist() == [1105988140, 1738052849]
    assert len({tuple(r) for r in sp}) == 3


def test_parse_sequence_example_pads_and_reports_lengths():
    T = gc.train

    def record(toks):
        return T.SequenceExample(feature_lists=T.FeatureLists(feature_list={
            "tok": T.FeatureList(feature=[T.Feature(int64_list=T.Int64List(value=[t]))
                                          for t in toks])})).SerializeToString()
    s = gc.placeholder(gc.string, [None])
    _, lists, lengths = gc.io.parse_sequence_example(
        s, sequence_features={"tok": gc.FixedLenSequenceFeature([], gc.int64)})
    assert lists["tok"].shape.as_list() == [None, None] and lengths["tok"].dtype is gc.int64
    got = run(lists["tok"], lengths["tok"], feed={s: [record([3, 4]), record([5])]})
    np.testing.assert_array_equal(got[0], [[3, 4], [5, 0]])
    np.testing.assert_array_equal(got[1], [2, 1])
    with pytest.raises(gc.errors.ExecutionError, match="is required"):
        run(lists["tok"], feed={s: [gc.train.SequenceExample().SerializeToString()]})
    with pytest.raises(ValueError, match="must be None"):
        gc.io.parse_sequence_example(s, sequence_features={
            "tok": gc.FixedLenSequenceFeature([], gc.int64, default_value=0)})


def test_io_gfile_takes_tf2_argument_names(tmp_path):
    """tf.io.gfile's names and arguments (path, src/dst, pattern, topdown, onerror)."""
    g = gc.io.gfile
    g.makedirs(path=str(tmp_path / "a" / "b"))
    with g.GFile(str(tmp_path / "a" / "f.txt"), "w") as f:
        f.write("hi")
    g.copy(src=str(tmp_path / "a" / "f.txt"), dst=str(tmp_path / "g.txt"))
    g.rename(src=str(tmp_path / "g.txt"), dst=str(tmp_path / "h.txt"), overwrite=True)
    assert g.exists(path=str(tmp_path / "h.txt")) and g.isdir(path=str(tmp_path / "a"))
    assert g.glob(pattern=str(tmp_path / "*.txt")) == [str(tmp_path / "h.txt")]
    assert sorted(g.listdir(path=str(tmp_path / "a"))) == ["b", "f.txt"]
    assert g.stat(path=str(tmp_path / "h.txt")).length == 2
    walked = list(g.walk(top=str(tmp_path), topdown=False))
    assert walked[-1] == (str(tmp_path), ["a"], ["h.txt"])
    errors_seen = []
    assert list(g.walk(str(tmp_path / "missing"), onerror=errors_seen.append)) == []
    assert isinstance(errors_seen[0], gc.errors.NotFoundError)
    g.remove(path=str(tmp_path / "h.txt"))
    g.rmtree(path=str(tmp_path / "a"))
    assert g.listdir(str(tmp_path)) == [] and g.join("a", "b", "c") == "a/b/c"


def test_cross_entropies_take_labels_and_logits_positionally():
    """tf.compat.v1 (TF 2) dropped TF 1's _sentinel: labels, logits may be positional."""
    z = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
    x = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    with gc.Session() as s:
        by_position = s.run([gc.nn.softmax_cross_entropy_with_logits_v2(z, x),
                             gc.nn.softmax_cross_entropy_with_logits(z, x),
                             gc.nn.sigmoid_cross_entropy_with_logits(z, x),
                             gc.nn.sparse_softmax_cross_entropy_with_logits([1, 0], x)])
        by_name = s.run([gc.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x),
                         gc.nn.softmax_cross_entropy_with_logits(labels=z, logits=x),
                         gc.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
                         gc.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 0],
                                                                        logits=x)])
    for a, b in zip(by_position, by_name):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="both labels and logits"):
        gc.nn.softmax_cross_entropy_with_logits_v2(logits=x)
