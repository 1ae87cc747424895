"""RaggedTensor and gc.ragged: structure, values, fetch/feed, gradients and errors."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors

R = gc.ragged


def run(*fetches, feed=None):
    with gc.Session() as sess:
        out = sess.run(list(fetches), feed)
    return [o.to_list() if hasattr(o, "to_list") else o for o in out]


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


def test_factories_agree():
    v = [1., 2., 3.]
    rts = [gc.RaggedTensor.from_row_splits(v, [0, 2, 2, 3]),
           gc.RaggedTensor.from_row_lengths(v, [2, 0, 1]),
           gc.RaggedTensor.from_value_rowids(v, [0, 0, 2], nrows=3),
           gc.RaggedTensor.from_row_starts(v, [0, 2, 2]),
           gc.RaggedTensor.from_row_limits(v, [2, 2, 3])]
    assert all(rt.shape.as_list() == [3, None] for rt in rts)
    assert run(*rts) == [[[1., 2.], [], [3.]]] * 5
    assert run(rts[0].row_splits)[0].dtype == np.int64


def test_value_object():
    v = run(R.constant([[[1, 2], [3]], [[4]]]))[0]
    assert v == [[[1, 2], [3]], [[4]]]
    with gc.Session() as sess:
        val = sess.run(R.constant([[[1, 2], [3]], [[4]]]))
    assert isinstance(val, gc.RaggedTensorValue) and val.ragged_rank == 2
    assert val.shape == (2, None, None) and val.dtype == np.int32
    assert val.flat_values.tolist() == [1, 2, 3, 4]
    assert [s.tolist() for s in val.nested_row_splits] == [[0, 2, 3], [0, 2, 3, 4]]
    assert "RaggedTensorValue" in repr(val) and "[[[1, 2], [3]], [[4]]]" in str(val)


def test_constant_forms():
    assert R.constant([[1, 2], [3]]).dtype == gc.int32
    assert R.constant([[1., 2.], []]).dtype == gc.float32
    assert R.constant([[]]).shape.as_list() == [1, None]
    assert isinstance(R.constant([1, 2]), gc.Tensor)
    inner = R.constant([[[1, 2]], [[3, 4], [5, 6]]], ragged_rank=1)
    assert inner.shape.as_list() == [2, None, 2] and inner.ragged_rank == 1
    assert R.constant([[[1, 2]], []], inner_shape=(2,)).shape.as_list() == [2, None, 2]
    assert R.constant([[1], []], row_splits_dtype=gc.int32).row_splits.dtype == gc.int32
    with pytest.raises(ValueError, match="same nesting depth"):
        R.constant([[1, [2]]])
    v = R.constant_value([[1, 2], [3]])
    assert v.to_list() == [[1, 2], [3]] and v.values.dtype == np.int64


def test_properties():
    rt = R.constant([[[1, 2], [3]], [[4]], []])
    got = run(rt.nrows(), rt.row_lengths(), rt.row_lengths(axis=2), rt.value_rowids(),
              rt.bounding_shape(), rt.row_starts(), rt.row_limits(), rt.flat_values,
              *rt.nested_row_lengths())
    assert got[0] == 3 and got[1].tolist() == [2, 1, 0]
    assert got[2] == [[2, 1], [1], []]
    assert got[3].tolist() == [0, 0, 1] and got[4].tolist() == [3, 2, 2]
    assert got[5].tolist() == [0, 2, 3] and got[6].tolist() == [2, 3, 3]
    assert got[8].tolist() == [2, 1, 0] and got[9].tolist() == [2, 1, 1]
    assert rt.ragged_rank == 2 and rt.shape.as_list() == [3, None, None]
    assert rt.with_row_splits_dtype(gc.int32).row_splits.dtype == gc.int32
    assert run(rt.with_flat_values(gc.constant([5, 6, 7, 8])))[0] == [[[5, 6], [7]], [[8]], []]


def test_from_tensor_and_to_tensor():
    x = gc.constant([[1., 2., 0.], [0., 0., 0.], [3., 0., 4.]])
    pad = gc.RaggedTensor.from_tensor(x, padding=0.)
    lens = gc.RaggedTensor.from_tensor(x, lengths=[1, 0, 2])
    rr2 = gc.RaggedTensor.from_tensor(gc.zeros([2, 3, 4]), ragged_rank=2)
    assert rr2.shape.as_list() == [2, 3, 4]
    got = run(pad, lens, pad.to_tensor(), pad.to_tensor(default_value=9.),
              pad.to_tensor(shape=[2, 2]), rr2.to_tensor())
    assert got[0] == [[1., 2.], [], [3., 0., 4.]] and got[1] == [[1.], [], [3., 0.]]
    np.testing.assert_array_equal(got[2], [[1, 2, 0], [0, 0, 0], [3, 0, 4]])
    np.testing.assert_array_equal(got[3], [[1, 2, 9], [9, 9, 9], [3, 0, 4]])
    np.testing.assert_array_equal(got[4], [[1, 2], [0, 0]])
    assert got[5].shape == (2, 3, 4)
    with pytest.raises(ValueError, match="not both"):
        gc.RaggedTensor.from_tensor(x, lengths=[1, 1, 1], padding=0.)
    with pytest.raises(errors.ShapeError, match="ragged_rank=2"):
        gc.RaggedTensor.from_tensor(x, ragged_rank=2)


def test_sparse_round_trip():
    rt = R.constant([[1., 2.], [], [3.]])
    sp = rt.to_sparse()
    back = gc.RaggedTensor.from_sparse(sp)
    got = run(sp.indices, sp.dense_shape, back)
    assert got[0].tolist() == [[0, 0], [0, 1], [2, 0]] and got[1].tolist() == [3, 2]
    assert got[2] == [[1., 2.], [], [3.]]
    bad = gc.RaggedTensor.from_sparse(gc.SparseTensor([[0, 1]], [1.], [1, 2]))
    with pytest.raises(errors.OpError, match="right-ragged"):
        run(bad)


def test_getitem():
    rt = R.constant([[1, 2, 3], [], [4, 5]])
    got = run(rt[0], rt[-1], rt[1:], rt[::2], rt[:, 1:], rt[:, :-1], rt[:, ::2],
              rt[gc.constant(2)])
    assert got[0].tolist() == [1, 2, 3] and got[1].tolist() == [4, 5]
    assert got[2] == [[], [4, 5]] and got[3] == [[1, 2, 3], [4, 5]]
    assert got[4] == [[2, 3], [], [5]] and got[5] == [[1, 2], [], [4]]
    assert got[6] == [[1, 3], [], [4]] and got[7].tolist() == [4, 5]
    with pytest.raises(ValueError, match="inner ragged dimension"):
        rt[:, 0]
    with pytest.raises(errors.ShapeError, match="row index 5 is out of range(.|\n)*"
                       "test_ragged.py"):
        rt[5]
    i = gc.placeholder(gc.int32, [])
    with pytest.raises(errors.OpError, match="out of range"):
        run(rt[i], feed={i: 3})
    inner = R.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)
    assert run(inner[:, :, 1], inner[..., 0]) == [[[2, 4], [6]], [[1, 3], [5]]]


def test_operators_and_broadcast():
    rt = R.constant([[1., 2.], [], [3.]])
    got = run(rt + 1., 2. * rt, rt * rt, rt / gc.constant([[1.], [2.], [4.]]), -rt,
              rt > 1.5, rt - gc.constant(1.))
    assert got[0] == [[2., 3.], [], [4.]] and got[1] == [[2., 4.], [], [6.]]
    assert got[2] == [[1., 4.], [], [9.]] and got[3] == [[1., 2.], [], [0.75]]
    assert got[4] == [[-1., -2.], [], [-3.]] and got[5] == [[False, True], [], [True]]
    with pytest.raises(errors.ShapeError, match="ragged dim 1"):
        rt + gc.constant([[1., 2.], [3., 4.], [5., 6.]])
    other = R.constant([[1., 2.], [3.], []])
    with pytest.raises(errors.OpError, match="same row splits"):
        run(rt + other)


def test_reductions():
    rt = R.constant([[1., 2.], [], [3., 4., 5.]])
    got = run(R.reduce_sum(rt, axis=1), R.reduce_sum(rt, axis=0), R.reduce_mean(rt, 1),
              R.reduce_max(rt, 1), R.reduce_min(rt, 0), R.reduce_prod(rt, 1),
              R.reduce_sum(rt), R.reduce_all(rt > 1., 1), R.reduce_any(rt > 4., 1),
              R.reduce_sum(rt, axis=1, keepdims=True))
    assert got[0].tolist() == [3., 0., 12.] and got[1].tolist() == [4., 6., 5.]
    assert got[2][0] == 1.5 and np.isnan(got[2][1])
    assert got[3][1] == np.finfo(np.float32).min and got[4].tolist() == [1., 2., 5.]
    assert got[5].tolist() == [2., 1., 60.] and got[6] == 15.
    assert got[7].tolist() == [False, True, True] and got[8].tolist() == [False, False, True]
    assert got[9].shape == (3, 1)
    r3 = R.constant([[[1, 2], [3]], [[4]]])
    assert run(R.reduce_sum(r3, 0), R.reduce_sum(r3, 1), R.reduce_sum(r3, 2)) == \
        [[[5, 2], [3]], [[4, 2], [4]], [[3, 3], [4]]]
    assert run(R.reduce_sum(gc.constant([[1, 2]]), axis=1))[0].tolist() == [3]
    with pytest.raises(errors.ShapeError, match="out of range"):
        R.reduce_sum(rt, axis=2)


def test_gradients_reach_flat_values():
    x = gc.placeholder(gc.float64, [5])
    rt = gc.RaggedTensor.from_row_lengths(x, [2, 0, 3])
    y = gc.reduce_sum(R.reduce_max(rt, axis=1) * 2.) + gc.reduce_sum(
        rt.to_tensor(default_value=1.) ** 2) + gc.reduce_sum(R.gather(rt, [2, 2])[:, 1:].flat_values)
    g, = gc.gradients(y, [x])
    v = np.array([1., 3., 2., 5., 4.])
    got = run(g, feed={x: v})[0]
    want = np.array([0., 2., 0., 2., 0.]) + 2 * v + np.array([0., 0., 0., 2., 2.])
    np.testing.assert_allclose(got, want)


def test_placeholder_feed_and_callable():
    rt = R.placeholder(gc.float32, 2, [2])
    assert rt.shape.as_list() == [None, None, None, 2]
    val = R.constant_value([[[[1., 2.]], []], [[[3., 4.], [5., 6.]]]], ragged_rank=2,
                           dtype=gc.float32)
    y = R.reduce_sum(rt, axis=2)
    with gc.Session() as sess:
        out = sess.run(y, {rt: val})
        assert out.to_list() == [[[1., 2.], [0., 0.]], [[8., 10.]]]
        fn = sess.make_callable(rt.flat_values * 2., feed_list=[rt])
        np.testing.assert_array_equal(fn(val), val.flat_values * 2)    # whole, as TF
        with pytest.raises(errors.FeedError, match="RaggedTensorValue"):
            sess.run(y, {rt: [[1.]]})


def test_array_ops():
    a = R.constant([[1, 2], [], [3]])
    b = R.constant([[4], [5, 6], []])
    got = run(R.concat([a, b], 0), R.concat([a, b], 1), R.stack([a, b]), R.stack([a, b], 1),
              R.gather(a, [2, 0]), R.expand_dims(a, 0), R.expand_dims(a, 1),
              R.boolean_mask(a, a > 1), R.boolean_mask(a, [True, False, True]),
              R.boolean_mask([[1, 2], [3, 4]], [[True, False], [True, True]]),
              R.stack([gc.constant([1, 2]), gc.constant([3])]))
    assert got[0] == [[1, 2], [], [3], [4], [5, 6], []]
    assert got[1] == [[1, 2, 4], [5, 6], [3]]
    assert got[2] == [[[1, 2], [], [3]], [[4], [5, 6], []]]
    assert got[3] == [[[1, 2], [4]], [[], [5, 6]], [[3], []]]
    assert got[4] == [[3], [1, 2]] and got[5] == [[[1, 2], [], [3]]]
    assert got[6] == [[[1, 2]], [[]], [[3]]] and got[7] == [[2], [], [3]]
    assert got[8] == [[1, 2], [3]] and got[9] == [[1], [3, 4]] and got[10] == [[1, 2], [3]]
    assert R.expand_dims(a, 0).shape.as_list() == [1, 3, None]


def test_range_and_segment_ids():
    got = run(R.range([0, 5], [3, 7]), R.range(3), R.range([5, 0], [0, 5], [-2, 2]),
              R.range(0., 1., 0.5), R.row_splits_to_segment_ids([0, 2, 2, 3]),
              R.segment_ids_to_row_splits([0, 0, 2]),
              R.segment_ids_to_row_splits([0, 0, 2], num_segments=5))
    assert got[0] == [[0, 1, 2], [5, 6]] and got[1] == [[0, 1, 2]]
    assert got[2] == [[5, 3, 1], [0, 2, 4]] and got[3] == [[0., 0.5]]
    assert got[4].tolist() == [0, 0, 2] and got[5].tolist() == [0, 2, 2, 3]
    assert got[6].tolist() == [0, 2, 2, 3, 3, 3]
    assert R.range([1, 2], 4).dtype == gc.int32 and R.range(3.).dtype == gc.float32
    with pytest.raises(errors.OpError, match="delta != 0"):
        run(R.range(3, 5, 0))


def test_map_flat_values():
    rt = R.constant([[1., 2.], [3.]])
    assert run(R.map_flat_values(gc.multiply, rt, 2.), R.map_flat_values(gc.add, rt, rt)) \
        == [[[2., 4.], [6.]], [[2., 4.], [6.]]]
    assert run(R.map_flat_values(gc.ones_like, rt))[0] == [[1., 1.], [1.]]


def test_build_time_errors_name_the_tensors():
    with pytest.raises(errors.ShapeError, match=r"row_splits ends at 3 but values has 2 "
                       r"rows(.|\n)*row_splits: constant(.|\n)*test_ragged.py"):
        gc.RaggedTensor.from_row_splits([1., 2.], [0, 1, 3])
    with pytest.raises(errors.ShapeError, match="must start with 0"):
        gc.RaggedTensor.from_row_splits([1., 2.], [1, 2])
    with pytest.raises(errors.ShapeError, match="non-decreasing"):
        gc.RaggedTensor.from_row_splits([1., 2.], [0, 2, 1, 2])
    with pytest.raises(errors.DTypeError, match="int32 or int64"):
        gc.RaggedTensor.from_row_splits([1., 2.], gc.constant([0., 2.]))
    with pytest.raises(errors.ShapeError, match="1-D"):
        gc.RaggedTensor.from_row_splits([1., 2.], [[0, 2]])
    with pytest.raises(errors.ShapeError, match="rank >= 1"):
        gc.RaggedTensor.from_row_splits(1., [0, 1])
    inner = gc.RaggedTensor.from_row_splits([1., 2.], [0, 2])
    with pytest.raises(errors.DTypeError, match="dtype mismatch"):
        gc.RaggedTensor.from_row_splits(inner, gc.constant([0, 1], gc.int32))
    with pytest.raises(ValueError, match="private"):
        gc.RaggedTensor([1.], [0, 1])
    with pytest.raises(TypeError, match="Python bool"):
        bool(inner)


def test_run_time_validation():
    s = gc.placeholder(gc.int64, [None])
    rt = gc.RaggedTensor.from_row_splits(gc.constant([1., 2.]), s)
    unchecked = gc.RaggedTensor.from_row_splits(gc.constant([1., 2.]), s, validate=False)
    with pytest.raises(errors.OpError, match="end with the number of values"):
        run(rt, feed={s: np.array([0, 3])})
    with pytest.raises(errors.OpError, match="non-decreasing"):
        run(rt, feed={s: np.array([0, 2, 1, 2])})
    assert run(unchecked.row_splits, feed={s: np.array([0, 3])})[0].tolist() == [0, 3]
    ids = gc.placeholder(gc.int64, [None])
    bad = gc.RaggedTensor.from_value_rowids(gc.constant([1., 2.]), ids, nrows=2)
    with pytest.raises(errors.OpError, match="sorted"):
        run(bad, feed={ids: np.array([1, 0])})


def test_strings_from_sparse():
    rt = gc.RaggedTensor.from_sparse(gc.strings.split([b"a bb", b"", b"c"]))
    assert run(rt)[0] == [[b"a", b"bb"], [], [b"c"]]
