"""gc.ragged.cross / cross_hashed / stack_dynamic_partitions, and datasets whose elements
are RaggedTensors (Dataset.ragged_batch, dense_to_ragged_batch, batch, map, iterators).
Expected values were read from TensorFlow 2.21 (tf.compat.v1 graph mode)."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors

R = gc.ragged
D = gc.data.Dataset


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


def run(*fetches, feed=None):
    with gc.Session() as sess:
        out = sess.run(list(fetches), feed)
    return [o.to_list() if hasattr(o, "to_list") else o for o in out]


def _inputs():
    rt = R.constant([["a", "b"], [], ["c"]])
    st = gc.SparseTensor([[0, 0], [2, 0], [2, 1]], gc.constant([1, 2, 3], gc.int64), [3, 4])
    return rt, st, gc.constant([["x"], ["y"], ["z"]])


# ---- cross --------------------------------------------------------------------------------
def test_cross_keeps_input_order():
    rt, st, d = _inputs()
    c = R.cross([st, rt, d])
    assert isinstance(c, gc.RaggedTensor) and c.dtype == gc.string
    assert c.row_splits.shape.as_list() == [4] and c.row_splits.dtype == gc.int64
    assert run(c, R.cross([d, rt])) == [
        [[b"1_X_a_X_x", b"1_X_b_X_x"], [], [b"2_X_c_X_z", b"3_X_c_X_z"]],
        [[b"x_X_a", b"x_X_b"], [], [b"z_X_c"]]]


def test_cross_last_input_varies_fastest_and_ints():
    c = R.cross([R.constant([["a", "b"]]), R.constant([["x", "y"]])])
    i = R.cross([gc.constant([[1, 2]], gc.int8), gc.constant([["a"]])])
    assert run(c, i) == [[[b"a_X_x", b"a_X_y", b"b_X_x", b"b_X_y"]],
                         [[b"1_X_a", b"2_X_a"]]]


def test_cross_dense_keeps_empty_strings_and_zero_width():
    c = R.cross([gc.constant([[""], ["b"]]), gc.constant([[0], [1]], gc.int64)])
    e = R.cross([gc.zeros([2, 0], gc.string), gc.constant([["a"], ["b"]])])
    assert run(c, e) == [[[b"_X_0"], [b"b_X_1"]], [[], []]]


def test_cross_hashed_matches_tf():
    rt, st, d = _inputs()
    h = R.cross_hashed([st, rt, d], num_buckets=100)
    h0 = R.cross_hashed([rt, d])
    assert h.dtype == gc.int64
    assert run(h, h0) == [[[80, 58], [], [77, 5]],
                          [[1484974617627318892, 3552177129620670004], [],
                           [5890530401397985473]]]


def test_cross_row_splits_dtype_and_empty():
    rt32 = R.constant([["a"], ["b", "c"]], row_splits_dtype=gc.int32)
    c = R.cross([rt32, gc.constant([["x"], ["y"]])])
    e = R.cross([])
    assert c.row_splits.dtype == gc.int32 and e.row_splits.dtype == gc.int64
    assert run(c, e) == [[[b"a_X_x"], [b"b_X_y", b"c_X_y"]], []]


def test_cross_build_errors():
    a = R.constant([["a"]])
    with pytest.raises(TypeError, match="Inputs must be a list"):
        R.cross(a)
    with pytest.raises(ValueError, match=r"Unexpected dtype for inputs\[1\]"):
        R.cross([a, R.constant([[1.]])])
    with pytest.raises(ValueError, match="rank=2"):
        R.cross([a, R.constant([[["x"]]])])
    with pytest.raises(ValueError, match="rank=2"):
        R.cross([gc.constant(["a"])])
    with pytest.raises(ValueError, match="same batch dimension"):
        R.cross([a, gc.constant([["x"], ["y"]])])
    with pytest.raises(errors.DTypeError, match="mismatched row_splits"):
        R.cross([a, R.constant([["x"]], row_splits_dtype=gc.int32)])
    with pytest.raises(ValueError, match="num_buckets"):
        R.cross_hashed([a], num_buckets=-1)


def test_cross_batch_mismatch_at_run_time():
    p = gc.placeholder(gc.string, [None, 1])
    c = R.cross([R.constant([["a"]]), p])
    with pytest.raises(errors.OpError, match="batch size"):
        run(c, feed={p: np.array([[b"x"], [b"y"]], object)})


# ---- stack_dynamic_partitions -----------------------------------------------------------
def test_stack_dynamic_partitions_dense():
    data = gc.constant(["a", "b", "c", "d", "e"])
    out = R.stack_dynamic_partitions(data, [3, 0, 2, 0, 3], 4)
    assert out.row_splits.dtype == gc.int32 and out.row_splits.shape.as_list() == [5]
    assert out.shape.as_list() == [4, None]
    two = R.stack_dynamic_partitions(gc.reshape(gc.range(6.), [2, 3]),
                                     gc.constant([[1, 0, 1], [0, 0, 2]], gc.int64), 3)
    assert two.row_splits.dtype == gc.int64
    assert run(out, two) == [[[b"b", b"d"], [], [b"c"], [b"a", b"e"]],
                             [[1., 3., 4.], [0., 2.], [5.]]]


def test_stack_dynamic_partitions_rows_scalar_and_ragged():
    rows = R.stack_dynamic_partitions(gc.reshape(gc.range(6.), [3, 2]), [1, 0, 1], 2)
    scalar = R.stack_dynamic_partitions(gc.constant(["a", "b"]), gc.constant(1), 2)
    rt = R.constant([[1., 2.], [], [3.]], row_splits_dtype=gc.int32)
    by_row = R.stack_dynamic_partitions(rt, gc.constant([1, 0, 1], gc.int64), 2)
    by_value = R.stack_dynamic_partitions(R.constant([[1., 2.], [], [3.]]),
                                          R.constant([[1, 0], [], [1]]), 2)
    assert by_row.row_splits.dtype == gc.int32 and by_row.ragged_rank == 2
    assert run(rows, scalar, by_row, by_value) == [
        [[[2., 3.]], [[0., 1.], [4., 5.]]], [[], [[b"a", b"b"]]],
        [[[]], [[1., 2.], [3.]]], [[2.], [1., 3.]]]


def test_stack_dynamic_partitions_fed_and_gradient():
    p = gc.placeholder(gc.int32, [None])
    n = gc.placeholder(gc.int32, [])
    x = gc.constant([1., 2., 3., 4.])
    out = R.stack_dynamic_partitions(x, p, n)
    g, = gc.gradients(gc.reduce_sum(out.flat_values * gc.constant([1., 2., 3., 4.])), [x])
    got = run(out, gc.convert_to_tensor(g), feed={p: [2, 0, 2, 1], n: 3})
    assert got[0] == [[2.], [4.], [1., 3.]]
    np.testing.assert_allclose(got[1], [3., 1., 4., 2.])


def test_stack_dynamic_partitions_errors():
    x = gc.constant([1., 2., 3.])
    with pytest.raises(ValueError, match="non-negative"):
        R.stack_dynamic_partitions(x, [0, -1, 0], 2)
    with pytest.raises(ValueError, match="less than num_partitions"):
        R.stack_dynamic_partitions(x, [0, 2, 0], 2)
    with pytest.raises(ValueError, match="nrows >= 0"):
        R.stack_dynamic_partitions(x, [0, 0, 0], -1)
    with pytest.raises(ValueError, match="int32 or int64"):
        R.stack_dynamic_partitions(x, [0., 1., 0.], 2)
    with pytest.raises(ValueError, match="incompatible"):
        R.stack_dynamic_partitions(x, [0, 1], 2)
    p = gc.placeholder(gc.int32, [None])
    out = R.stack_dynamic_partitions(x, p, 2)
    for bad, msg in (([0, 2, 1], "less than num_partitions"), ([0, -1, 1], "non-negative")):
        with pytest.raises(errors.OpError, match=msg):
            run(out, feed={p: bad})
    rp = R.placeholder(gc.int32, 1)
    out = R.stack_dynamic_partitions(R.constant([[1., 2.], [3.]]), rp, 2)
    with pytest.raises(errors.OpError, match="different row_splits"):
        run(out, feed={rp: gc.RaggedTensorValue(np.array([0, 1, 0], np.int32),
                                                np.array([0, 1, 3]))})


# ---- datasets of RaggedTensors ------------------------------------------------------------
def _all(ds):
    nxt = ds.make_one_shot_iterator().get_next()
    out = []
    with gc.Session() as sess:
        while True:
            try:
                v = sess.run(nxt)
            except errors.OutOfRangeError:
                return nxt, out
            out.append(v.to_list() if hasattr(v, "to_list") else v)


def test_ragged_batch_of_vectors():
    ds = D.range(6).map(lambda x: gc.range(x)).ragged_batch(4)
    spec = ds.element_spec
    assert isinstance(spec, gc.RaggedTensorSpec)
    assert (spec.shape.as_list(), spec.dtype, spec.ragged_rank, spec.row_splits_dtype) == \
        ([None, None], gc.int64, 1, gc.int64)
    assert ds.output_types == gc.int64 and ds.output_shapes.as_list() == [None, None]
    nxt, got = _all(ds)
    assert isinstance(nxt, gc.RaggedTensor)
    assert got == [[[], [0], [0, 1], [0, 1, 2]], [[0, 1, 2, 3], [0, 1, 2, 3, 4]]]


def test_ragged_batch_which_dims_become_ragged():
    def three():
        return gc.constant(3, gc.int64)
    cases = {
        "NN": (lambda x: gc.fill(gc.stack([x, x]), x), [None, None, None], 2),
        "3N": (lambda x: gc.fill(gc.stack([three(), x]), x), [None, 3, None], 2),
        "N3": (lambda x: gc.fill(gc.stack([x, three()]), x), [None, None, 3], 1),
    }
    for name, (fn, shape, rank) in cases.items():
        spec = D.range(5).map(fn).ragged_batch(2).element_spec
        assert (spec.shape.as_list(), spec.ragged_rank) == (shape, rank), name
    assert D.range(5).map(lambda x: gc.fill([2, 3], x)).ragged_batch(2).element_spec == \
        gc.TensorSpec([None, 2, 3], gc.int64)
    assert D.range(5).ragged_batch(2).element_spec == gc.TensorSpec([None], gc.int64)
    _, got = _all(D.range(5).map(lambda x: gc.fill(gc.stack([three(), x]), x)).ragged_batch(2)
                  .skip(1))
    assert got[0] == [[[2, 2], [2, 2], [2, 2]], [[3, 3, 3], [3, 3, 3], [3, 3, 3]]]


def test_ragged_batch_structure_drop_remainder_int32():
    ds = D.range(5).map(lambda x: (gc.fill(gc.stack([x, 2]), x), x,
                                   {"s": gc.fill([2], gc.as_string(x))}))
    ds = ds.ragged_batch(2, drop_remainder=True, row_splits_dtype=gc.int32)
    spec = ds.element_spec
    assert repr(spec[0]) == \
        "RaggedTensorSpec(TensorShape([2, None, 2]), tf.int64, 1, tf.int32)"
    assert spec[1] == gc.TensorSpec([2], gc.int64)
    nxt, got = _all(ds)
    assert nxt[0].row_splits.shape.as_list() == [3]
    assert len(got) == 2 and got[1][0].row_splits.tolist() == [0, 2, 5]
    assert got[1][2]["s"].tolist() == [[b"2", b"2"], [b"3", b"3"]]


def test_batch_and_ragged_batch_of_ragged_elements():
    rr = D.range(1, 4).map(lambda x: gc.RaggedTensor.from_row_lengths(
        gc.range(x * (x + 1) // 2), gc.range(1, x + 1)))
    for ds in (rr.batch(2), rr.ragged_batch(2, row_splits_dtype=gc.int32)):
        spec = ds.element_spec
        assert (spec.ragged_rank, spec.row_splits_dtype) == (2, gc.int64)
        assert _all(ds)[1] == [[[[0]], [[0], [1, 2]]], [[[0], [1, 2], [3, 4, 5]]]]


def test_ragged_elements_through_transformations():
    vec = D.range(6).map(lambda x: gc.fill(gc.reshape(x, [1]), x)).ragged_batch(3)
    _, doubled = _all(vec.map(lambda r: r * 2))
    _, lengths = _all(vec.map(lambda r: r.row_lengths()))
    assert doubled == [[[], [2], [4, 4]], [[6, 6, 6], [8, 8, 8, 8], [10] * 5]]
    assert [v.tolist() for v in lengths] == [[0, 1, 2], [3, 4, 5]]
    z = D.zip((D.from_tensors(R.constant([[1, 2], [3]])).repeat(3), D.range(3)))
    _, got = _all(z.filter(lambda r, i: i > 0).take(1))
    assert got[0][0].to_list() == [[1, 2], [3]] and got[0][1] == 1
    _, twice = _all(vec.ragged_batch(2))
    assert twice == [[[[], [1], [2, 2]], [[3, 3, 3], [4, 4, 4, 4], [5] * 5]]]
    assert list(vec.take(1).as_numpy_iterator())[0].to_list() == [[], [1], [2, 2]]


def test_dense_to_ragged_batch():
    ds = D.range(4).map(lambda x: gc.range(x)).apply(
        gc.data.experimental.dense_to_ragged_batch(3, drop_remainder=True))
    assert ds.element_spec.shape.as_list() == [3, None]
    assert _all(ds)[1] == [[[], [0], [0, 1]]]


def test_ragged_batch_fed_batch_size_and_errors():
    size = gc.placeholder(gc.int64, [])
    ds = D.range(5).map(lambda x: gc.range(x)).ragged_batch(size)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with gc.Session() as sess:
        sess.run(it.initializer, {size: 3})
        assert sess.run(nxt).to_list() == [[], [0], [0, 1]]
        with pytest.raises(errors.InvalidArgumentError, match="greater than zero"):
            sess.run(it.initializer, {size: 0})
    rr = D.range(3).map(lambda x: gc.range(x)).ragged_batch(2)
    with pytest.raises(ValueError, match="batch_size"):
        D.range(3).ragged_batch(0)
    with pytest.raises(ValueError, match="row_splits_dtype"):
        D.range(3).ragged_batch(2, row_splits_dtype=gc.float32)
    with pytest.raises(TypeError, match="padded_batch"):
        rr.padded_batch(2)
    with pytest.raises(TypeError, match="unbatch"):
        rr.unbatch()


def test_a_pipeline_with_a_ragged_component_is_refused_by_graph_export_by_name():
    g = gc.Graph()
    with g.as_default():
        ds = gc.data.Dataset.from_tensors(gc.ragged.constant([[1, 2], [3]]))
        ds.make_one_shot_iterator().get_next()
        with pytest.raises(gc.io.serialize.SerializationError,
                           match="a RaggedTensor component"):
            g.as_graph_def()


def test_from_tensor_slices_of_a_ragged_tensor_is_refused_by_name():
    with pytest.raises(TypeError, match="slicing a RaggedTensor is not supported"):
        gc.data.Dataset.from_tensor_slices(gc.ragged.constant([[1, 2], [3]]))
