"""tf.ragged.cross / cross_hashed / stack_dynamic_partitions and Dataset.ragged_batch /
dense_to_ragged_batch (RaggedTensor dataset elements) against TF (tf.compat.v1 graph
mode): values, row_splits, dtypes, static shapes, element_specs and gradients."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc


def _ragged(m):
    return gc.ragged if m is gc else tf.ragged


def _value(v):
    """(flat values, nested row_splits, splits dtype, dtype) of a fetched value."""
    if hasattr(v, "to_list"):
        splits = v.nested_row_splits
        return (np.asarray(v.flat_values).tolist(), [s.tolist() for s in splits],
                str(splits[0].dtype), str(np.asarray(v.flat_values).dtype))
    a = np.asarray(v)
    return (a.tolist(), [], None, str(a.dtype))


def _static(x):
    """The static shapes of a result's parts (a RaggedTensor: its row_splits too)."""
    if hasattr(x, "flat_values"):
        return [x.shape.as_list(), x.row_splits.shape.as_list()]
    return [x.shape.as_list()]


def _both(fn):
    """[(result, fetched value)] of fn(m, ragged module) for graphc, then TF."""
    res = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            out = fn(m, _ragged(m))
            with m.Session(graph=g) as sess:
                res.append((out, sess.run(out)))
    return res


def _same(fn):
    (got, got_v), (want, want_v) = _both(fn)
    assert _value(got_v) == _value(want_v)
    assert _static(got) == _static(want)


def _inputs(m):
    rt = _ragged(m).constant([["a", "b"], [], ["c"]])
    st = m.SparseTensor([[0, 0], [2, 0], [2, 1]], m.constant([1, 2, 3], m.int64), [3, 4])
    dense = m.constant([["x"], ["y"], ["z"]])
    ints = m.constant([[7, 8], [9, 10], [11, 12]], m.int32)
    return rt, st, dense, ints


CROSS = {
    "ragged_sparse_dense": lambda m, R: R.cross(list(_inputs(m)[:3])),
    "order_kept": lambda m, R: R.cross([_inputs(m)[2], _inputs(m)[0]]),
    "int32_dense": lambda m, R: R.cross([_inputs(m)[3], _inputs(m)[0]]),
    "one_input": lambda m, R: R.cross([_inputs(m)[2]]),
    "product_order": lambda m, R: R.cross([R.constant([["a", "b"]]),
                                           R.constant([["x", "y", "z"]])]),
    "int_ragged": lambda m, R: R.cross([R.constant([[1, 2]], dtype=m.int64),
                                        m.constant([["a", "b"]])]),
    "unsorted_sparse": lambda m, R: R.cross([
        m.SparseTensor([[0, 1], [0, 0]], ["q", "r"], [1, 5]), m.constant([["a"]])]),
    "empty_cols": lambda m, R: R.cross([m.zeros([2, 0], m.string),
                                        m.constant([["a"], ["b"]])]),
    "no_rows": lambda m, R: R.cross([m.zeros([0, 1], m.string)]),
    "splits_int32": lambda m, R: R.cross([
        R.constant([["a", "b"], [], ["c"]], row_splits_dtype=m.int32), _inputs(m)[2]]),
    "hashed_buckets": lambda m, R: R.cross_hashed(list(_inputs(m)[:3]), num_buckets=100),
    "hashed_default": lambda m, R: R.cross_hashed([_inputs(m)[0], _inputs(m)[2]]),
    "hashed_key": lambda m, R: R.cross_hashed([_inputs(m)[3], _inputs(m)[0]],
                                              hash_key=7),
    "hashed_ints": lambda m, R: R.cross_hashed([_inputs(m)[3], _inputs(m)[1]],
                                               num_buckets=1000),
}


@pytest.mark.parametrize("name", sorted(CROSS))
def test_cross(name):
    _same(CROSS[name])


def test_cross_no_inputs():
    (got, got_v), (want, want_v) = _both(lambda m, R: R.cross([]))
    assert got_v.to_list() == want_v.to_list() == []
    assert got.dtype == gc.string and got.row_splits.dtype == gc.int64


@pytest.mark.parametrize("bad", ["float", "rank3", "rank1"])
def test_cross_build_errors(bad):
    for m in (gc, v1):
        with m.Graph().as_default():
            R = _ragged(m)
            a = R.constant([["a"]])
            x = {"float": R.constant([[1.]]), "rank3": R.constant([[["x"]]]),
                 "rank1": m.constant(["a"])}[bad]
            with pytest.raises(ValueError):
                R.cross([a, x])


PARTS = np.array([3, 0, 2, 0, 3], np.int32)
SDP = {
    "strings": lambda m, R: R.stack_dynamic_partitions(
        m.constant(["a", "b", "c", "d", "e"]), m.constant(PARTS), 4),
    "more_partitions": lambda m, R: R.stack_dynamic_partitions(
        m.constant(["a", "b", "c", "d", "e"]), m.constant(PARTS), 5),
    "tensor_num": lambda m, R: R.stack_dynamic_partitions(
        m.constant(["a", "b", "c", "d", "e"]), m.constant(PARTS), m.constant(4)),
    "rows_int64": lambda m, R: R.stack_dynamic_partitions(
        m.reshape(m.range(12.), [4, 3]), m.constant([1, 0, 1, 1], m.int64), 2),
    "partitions_2d": lambda m, R: R.stack_dynamic_partitions(
        m.reshape(m.range(6.), [2, 3]), m.constant([[1, 0, 1], [0, 0, 2]]), 3),
    "ragged_data": lambda m, R: R.stack_dynamic_partitions(
        R.constant([[1., 2.], [], [3.]]), m.constant([1, 0, 1]), 2),
    "ragged_both": lambda m, R: R.stack_dynamic_partitions(
        R.constant([[1., 2.], [], [3.]]), R.constant([[1, 0], [], [1]]), 2),
    "scalar_partition": lambda m, R: R.stack_dynamic_partitions(
        m.constant(["a", "b"]), m.constant(1), 2),
    "ragged_int32_splits": lambda m, R: R.stack_dynamic_partitions(
        R.constant([[1., 2.], [], [3.]], row_splits_dtype=m.int32),
        m.constant([1, 0, 1], m.int64), 2),
}


@pytest.mark.parametrize("name", sorted(SDP))
def test_stack_dynamic_partitions(name):
    (got, got_v), (want, want_v) = _both(SDP[name])
    assert _value(got_v) == _value(want_v)
    assert got.shape.as_list() == want.shape.as_list()
    assert got.row_splits.shape.as_list() == want.row_splits.shape.as_list()


@pytest.mark.parametrize("parts", [[3, 0, 2, 0, -1], [3, 0, 2, 0, 4]])
def test_stack_dynamic_partitions_runtime_errors(parts):
    for m, err in ((gc, gc.errors.OpError), (v1, tf.errors.InvalidArgumentError)):
        with m.Graph().as_default():
            p = m.placeholder(m.int32, [None])
            out = _ragged(m).stack_dynamic_partitions(m.constant([1., 2., 3., 4., 5.]), p, 4)
            with m.Session() as sess, pytest.raises(err):
                sess.run(out, {p: np.array(parts, np.int32)})


def test_stack_dynamic_partitions_gradients():
    check(lambda m, x: _ragged(m).stack_dynamic_partitions(
        x, m.constant([1, 0, 1, 2]), 3).flat_values, rand(4, 2))
    check(lambda m, x: _ragged(m).stack_dynamic_partitions(
        m.RaggedTensor.from_row_splits(x, [0, 2, 2, 5]), m.constant([1, 0, 1]),
        2).flat_values * 2., rand(5))


# ---- datasets of RaggedTensors ---------------------------------------------------------
def _ds(m, name):
    D = m.data.Dataset
    vec = lambda x: m.fill(m.reshape(x, [1]), x)                       # noqa: E731
    return {
        "vectors": lambda: D.range(6).map(vec).ragged_batch(4),
        "matrices": lambda: D.range(5).map(lambda x: m.fill(m.stack([x, x]), x))
        .ragged_batch(2),
        "uniform_outer": lambda: D.range(5).map(
            lambda x: m.fill(m.stack([m.constant(3, m.int64), x]), x)).ragged_batch(2),
        "uniform_inner": lambda: D.range(5).map(
            lambda x: m.fill(m.stack([x, m.constant(3, m.int64)]), x)).ragged_batch(2),
        "known_shape": lambda: D.range(5).map(lambda x: m.fill([2, 3], x)).ragged_batch(2),
        "scalars": lambda: D.range(5).ragged_batch(2),
        "tuple_drop_int32": lambda: D.range(5).map(
            lambda x: (m.fill(m.stack([x, 2]), x), x, {"s": m.fill([2], m.as_string(x))}))
        .ragged_batch(2, drop_remainder=True, row_splits_dtype=m.int32),
        "strings_int32": lambda: D.range(1, 4).map(lambda x: m.fill(
            m.reshape(x, [1]), m.as_string(x))).ragged_batch(2, row_splits_dtype=m.int32),
        "ragged_elements": lambda: D.range(1, 4).map(lambda x: m.RaggedTensor.from_row_lengths(
            m.range(x * (x + 1) // 2), m.range(1, x + 1))).ragged_batch(2),
        "batch_of_ragged": lambda: D.range(1, 4).map(lambda x: m.RaggedTensor.from_row_lengths(
            m.range(x * (x + 1) // 2), m.range(1, x + 1))).batch(2),
        "twice": lambda: D.range(6).map(vec).ragged_batch(2).ragged_batch(2),
        "map_ragged": lambda: D.range(6).map(vec).ragged_batch(3).map(lambda r: r * 2),
        "map_row_lengths": lambda: D.range(6).map(vec).ragged_batch(3)
        .map(lambda r: r.row_lengths()),
        "apply": lambda: D.range(6).map(vec).apply(
            m.data.experimental.dense_to_ragged_batch(4)),
        "from_tensors": lambda: D.from_tensors(_ragged(m).constant([[1, 2], [3]])).repeat(2),
        "zip_filter": lambda: D.zip((D.range(5).map(vec).ragged_batch(2), D.range(3)))
        .filter(lambda r, i: i > 0),
    }[name]()


DATASETS = ["vectors", "matrices", "uniform_outer", "uniform_inner", "known_shape",
            "scalars", "tuple_drop_int32", "strings_int32", "ragged_elements",
            "batch_of_ragged", "twice", "map_ragged", "map_row_lengths", "apply",
            "from_tensors", "zip_filter"]


def _elements(m, name):
    g = m.Graph()
    with g.as_default():
        ds = _ds(m, name)
        spec = ds.element_spec
        nxt = (m.data.make_one_shot_iterator(ds) if m is v1 else
               ds.make_one_shot_iterator()).get_next()
        out, err = [], (gc.errors.OutOfRangeError, tf.errors.OutOfRangeError)
        with m.Session(graph=g) as sess:
            while True:
                try:
                    out.append(sess.run(nxt))
                except err:
                    return spec, nxt, out


def _flat(x):
    if isinstance(x, dict):
        return [v for k in sorted(x) for v in _flat(x[k])]
    if isinstance(x, (tuple, list)):
        return [v for y in x for v in _flat(y)]
    return [x]


@pytest.mark.parametrize("name", DATASETS)
def test_ragged_datasets(name):
    (gspec, gnext, got), (tspec, tnext, want) = _elements(gc, name), _elements(v1, name)
    assert repr(gspec) == repr(tspec)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert [_value(x) for x in _flat(a)] == [_value(x) for x in _flat(b)]
    assert [hasattr(t, "flat_values") for t in _flat(gnext)] == \
        [hasattr(t, "flat_values") for t in _flat(tnext)]
