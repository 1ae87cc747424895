"""gc.contrib.data (TF 1.15's tf.contrib.data) and gc.contrib.util: values checked
against plain Python/numpy."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import data, util


def _all(ds):
    nxt = ds.make_one_shot_iterator().get_next()
    out = []
    with gc.Session() as sess:
        try:
            while True:
                out.append(sess.run(nxt))
        except gc.errors.OutOfRangeError:
            pass
    return out


def _windows(n, size, shift, stride):
    """Plain-Python sliding windows (only the full ones)."""
    out, k = [], 0
    while k * shift < n:
        idx = [k * shift + j * stride for j in range(size)]
        if idx[-1] < n:
            out.append(idx)
        k += 1
    return out


@pytest.mark.parametrize("size,shift,stride", [(3, 1, 1), (3, 2, 1), (3, 1, 2), (2, 3, 1)])
def test_sliding_window_batch_matches_python(size, shift, stride):
    ds = gc.data.Dataset.range(7).apply(
        data.sliding_window_batch(size, window_shift=shift, window_stride=stride))
    got = [list(w) for w in _all(ds)]
    assert got == _windows(7, size, shift, stride)


def test_sliding_window_batch_stride_alias_and_tuples():
    ds = gc.data.Dataset.from_tensor_slices((np.arange(6), np.arange(6) * 10))
    got = _all(ds.apply(data.sliding_window_batch(2, stride=3)))
    assert [(list(a), list(b)) for a, b in got] == [([0, 1], [0, 10]), ([3, 4], [30, 40])]
    with pytest.raises(ValueError, match="both `stride` and `window_shift`"):
        data.sliding_window_batch(2, stride=1, window_shift=1)


def test_batch_and_drop_remainder_static_batch():
    ds = gc.data.Dataset.range(7).apply(data.batch_and_drop_remainder(3))
    assert ds.output_shapes.as_list() == [3]
    assert [list(b) for b in _all(ds)] == [[0, 1, 2], [3, 4, 5]]


def test_padded_batch_and_drop_remainder():
    ds = gc.data.Dataset.range(1, 6).map(lambda n: gc.fill([n], n))
    ds = ds.apply(data.padded_batch_and_drop_remainder(2, [5]))
    got = _all(ds)
    assert len(got) == 2 and ds.output_shapes.as_list() == [2, 5]
    np.testing.assert_array_equal(got[1], [[3, 3, 3, 0, 0], [4, 4, 4, 4, 0]])


def test_assert_element_shape_merges_and_checks():
    gen = gc.data.Dataset.from_generator(lambda: iter([np.zeros((2, 3))]), gc.float32,
                                         gc.TensorShape([None, None]))
    ok = gen.apply(data.assert_element_shape(gc.TensorShape([None, 3])))
    assert ok.output_shapes.as_list() == [None, 3]
    np.testing.assert_array_equal(_all(ok)[0], np.zeros((2, 3)))
    bad = gen.apply(data.assert_element_shape(gc.TensorShape([None, 4])))
    with pytest.raises(Exception, match="not compatible"):
        _all(bad)
    pair = gc.data.Dataset.from_tensors((np.zeros(3), np.zeros(2)))
    with pytest.raises(ValueError):
        pair.apply(data.assert_element_shape(([3], [3])))
    assert [s.as_list() for s in
            pair.apply(data.assert_element_shape(([3], [None]))).output_shapes] == [[3], [2]]


def test_reduce_dataset_skips_finalize_like_tf115():
    r = data.Reducer(lambda key: np.int64(0), lambda s, x: s + x, lambda s: s * 100)
    with gc.Session() as sess:
        assert sess.run(data.reduce_dataset(gc.data.Dataset.range(5), r)) == 10
    with pytest.raises(TypeError, match="tf.data.Dataset"):
        data.reduce_dataset([1, 2], r)


def test_reexports_and_lmdb():
    assert data.map_and_batch is gc.data.experimental.map_and_batch
    assert data.Counter is gc.data.experimental.Counter
    with pytest.raises(NotImplementedError):
        data.LMDBDataset(["x.mdb"])
    ds = gc.data.Dataset.range(3).apply(
        data.sloppy_interleave(lambda x: gc.data.Dataset.from_tensors(x).repeat(2), 2))
    assert sorted(_all(ds)) == [0, 0, 1, 1, 2, 2]
    for name in data.__all__:
        assert hasattr(data, name), name


def test_util_ops_and_values():
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float32, [2], name="x")
        gc.nn.relu(x * 2.0)
        assert util.constant_value(gc.shape(gc.zeros([2, 3]))).tolist() == [2, 3]
        assert util.constant_value(x) is None
    gd = g.as_graph_def()
    used = ["Const", "Fill", "Mul", "Placeholder", "Relu", "Shape"]
    assert util.ops_used_by_graph_def(gd) == [op for op in used if op in
                                              {n["op"] for n in gd["nodes"]}]
    assert {"Mul", "Placeholder", "Relu", "Shape"} <= set(util.ops_used_by_graph_def(gd))
    assert [op.name for op in util.stripped_op_list_for_graph(gd).op] == \
        util.ops_used_by_graph_def(gd)
    proto = util.make_tensor_proto(np.arange(6).reshape(2, 3), gc.int32)
    np.testing.assert_array_equal(util.make_ndarray(proto), np.arange(6).reshape(2, 3))
    with pytest.raises(TypeError):
        util.ops_used_by_graph_def("not a graph")
