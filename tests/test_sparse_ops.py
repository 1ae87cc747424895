"""The rest of TF1's sparse API (sparse_ops.py, sparse_math.py, sparse_misc.py): values
against numpy, ordering of entries, static shapes, gradients by finite differences,
and errors (at build time for constants, at run time for fed values)."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp
from helpers import run

IDX = np.array([[2, 0], [0, 3], [1, 1], [0, 1]], np.int64)     # not in row-major order
VALS = np.array([1.5, -2.0, 3.0, 4.0])
SHAPE = np.array([3, 5], np.int64)
ORDER = np.lexsort((IDX[:, 1], IDX[:, 0]))


def sp(idx=IDX, vals=VALS, shape=SHAPE):
    return gc.SparseTensor(idx, vals, shape)


def dense_of(idx, vals, shape):
    out = np.zeros(tuple(shape), np.asarray(vals).dtype)
    for i, v in zip(idx, vals):
        out[tuple(i)] += v
    return out


def check_value(got, idx, vals, shape):
    np.testing.assert_array_equal(got.indices, idx)
    np.testing.assert_allclose(got.values, vals)
    np.testing.assert_array_equal(got.dense_shape, shape)


def test_sparse_to_dense_forms_and_default():
    np.testing.assert_array_equal(run(gc.sparse_to_dense([[0, 1], [1, 0]], [2, 2], [5., 6.])),
                                  [[0, 5], [6, 0]])
    np.testing.assert_array_equal(run(gc.sparse_to_dense(3, [5], 7.)), [0, 0, 0, 7, 0])
    got = run(gc.sparse_to_dense([1, 3], [5], [7, 8], -1))
    np.testing.assert_array_equal(got, [-1, 7, -1, 8, -1])
    assert got.dtype == np.int32
    np.testing.assert_array_equal(run(gc.sparse_to_dense([[0, 1], [1, 1]], [2, 2], True)),
                                  [[False, True], [False, True]])
    unordered = gc.sparse_to_dense([[1, 0], [0, 1]], [2, 2], [1., 2.], validate_indices=False)
    np.testing.assert_array_equal(run(unordered), [[0, 2], [1, 0]])


@pytest.mark.parametrize("idx, what", [([[1, 0], [0, 1]], "out of order"),
                                       ([[0, 1], [0, 1]], "repeated"),
                                       ([[0, 1], [0, 2]], "out of bounds")])
def test_sparse_to_dense_validates_when_built_and_when_run(idx, what):
    with pytest.raises(gc.errors.ShapeError, match=what):
        gc.sparse_to_dense(idx, [2, 2], [1., 2.])
    ph = gc.placeholder(gc.int64, [None, 2])
    y = gc.sparse_to_dense(ph, [2, 2], [1., 2.])
    with pytest.raises(gc.errors.GraphcError, match=what):
        run(y, {ph: np.array(idx)})


def test_sparse_to_dense_gradient_wrt_values_and_default():
    check_vjp(lambda v, d: gc.sparse_to_dense([[0, 1], [1, 0], [2, 2]], [3, 4], v, d),
              [np.array([1., 2., 3.]), np.array(0.5)])


def test_concat_orders_entries_and_expands():
    b = gc.SparseTensor([[0, 0], [1, 4]], np.array([5., 6.]), [3, 6])
    got = gc.sparse_concat(1, [sp(), b])
    assert got.shape.as_list() == [3, 11]
    idx = np.concatenate([IDX, [[0, 5], [1, 9]]])
    order = np.lexsort((idx[:, 1], idx[:, 0]))
    check_value(run(got), idx[order], np.concatenate([VALS, [5., 6.]])[order], [3, 11])
    grown = gc.sparse.concat(0, [sp(), gc.SparseTensor([[0, 0]], np.array([1.]), [2, 6])],
                             expand_nonconcat_dim=True)
    assert run(grown).dense_shape.tolist() == [5, 6]
    with pytest.raises(gc.errors.ShapeError, match="differ"):
        gc.sparse_concat(0, [sp(), gc.SparseTensor([[0, 0]], np.array([1.]), [2, 6])])
    check_vjp(lambda v, w: gc.sparse.to_dense(gc.sparse_concat(0, [sp(vals=v), sp(vals=w)])),
              [VALS, VALS * 2])


def test_slice_and_split_keep_input_order():
    got = gc.sparse_slice(sp(), [0, 1], [2, 10])
    keep = np.all((IDX >= [0, 1]) & (IDX < [2, 5]), 1)
    check_value(run(got), IDX[keep] - [0, 1], VALS[keep], [2, 4])
    pieces = gc.sparse_split(sp_input=sp(), num_split=2, axis=1)
    assert [p.shape.as_list() for p in pieces] == [[3, 3], [3, 2]]
    a, b = run(pieces)
    check_value(a, IDX[IDX[:, 1] < 3], VALS[IDX[:, 1] < 3], [3, 3])
    check_value(b, IDX[IDX[:, 1] >= 3] - [0, 3], VALS[IDX[:, 1] >= 3], [3, 2])
    with pytest.raises(ValueError, match="keyword"):
        gc.sparse_split(sp(), 2, 1)
    check_vjp(lambda v: gc.sparse.to_dense(gc.sparse.slice(sp(vals=v), [1, 0], [2, 4]),
                                           validate_indices=False), [VALS])   # unordered


def test_reshape_static_and_fed_shapes():
    got = gc.sparse_reshape(sp(), [5, -1])
    assert got.shape.as_list() == [5, 3]
    flat = np.ravel_multi_index(IDX.T, SHAPE)
    check_value(run(got), np.stack(np.unravel_index(flat, (5, 3)), 1), VALS, [5, 3])
    with pytest.raises(gc.errors.ShapeError, match="cannot reshape"):
        gc.sparse_reshape(sp(), [4, -1])
    new = gc.placeholder(gc.int64, [None])
    fed = gc.sparse.reshape(sp(), new)
    with pytest.raises(gc.errors.GraphcError, match="at most one"):
        run(fed, {new: [-1, -1]})
    assert run(fed, {new: [15]}).indices[:, 0].tolist() == flat.tolist()
    check_vjp(lambda v: gc.sparse.to_dense(gc.sparse.reshape(sp(vals=v), [5, 3]),
                                           validate_indices=False), [VALS])   # unordered


def test_transpose_reset_shape_expand_dims():
    got = gc.sparse_transpose(sp())
    assert got.shape.as_list() == [5, 3]
    t = IDX[:, ::-1]
    order = np.lexsort((t[:, 1], t[:, 0]))
    check_value(run(got), t[order], VALS[order], [5, 3])
    s3 = gc.SparseTensor([[0, 1, 2]], [1.], [2, 3, 4])
    assert run(gc.sparse.transpose(s3, [2, 0, 1])).indices.tolist() == [[2, 0, 1]]
    assert run(gc.sparse_reset_shape(sp())).dense_shape.tolist() == [3, 4]
    assert run(gc.sparse.reset_shape(sp(), [4, 6])).dense_shape.tolist() == [4, 6]
    with pytest.raises(ValueError, match=">="):
        gc.sparse_reset_shape(sp(), [2, 5])
    grown = gc.sparse.expand_dims(sp(), 1)
    assert grown.shape.as_list() == [3, 1, 5]
    assert run(grown).indices.tolist() == [[i, 0, j] for i, j in IDX]


def test_fill_empty_rows_values_indicator_and_gradients():
    s = gc.SparseTensor([[2, 0], [0, 3], [0, 1]], [1., 2., 3.], [5, 5])
    out, empty = gc.sparse_fill_empty_rows(s, -1.)
    got, e = run([out, empty])
    check_value(got, [[0, 3], [0, 1], [1, 0], [2, 0], [3, 0], [4, 0]],
                [2., 3., -1., 1., -1., -1.], [5, 5])
    assert e.tolist() == [False, True, False, True, True]
    check_vjp(lambda v, d: gc.sparse.to_dense(gc.sparse.fill_empty_rows(
        gc.SparseTensor([[2, 0], [0, 3]], v, [4, 5]), d)[0]), [np.array([1., 2.]), np.array(3.)])


def test_to_indicator_and_merge():
    ids = gc.SparseTensor([[0, 0], [0, 1], [1, 0]], [2, 0, 2], [2, 3])
    ind = gc.sparse_to_indicator(ids, 4)
    assert ind.shape.as_list() == [2, 4] and ind.dtype == gc.bool
    np.testing.assert_array_equal(run(ind), [[1, 0, 1, 0], [0, 0, 1, 0]])
    w = gc.SparseTensor([[0, 0], [0, 1], [1, 0]], [.5, .6, .7], [2, 3])
    check_value(run(gc.sparse_merge(ids, w, 4)), [[0, 0], [0, 2], [1, 2]], [.6, .5, .7], [2, 4])


def test_add_sparse_sparse_threshold_and_gradient():
    a = gc.SparseTensor([[0, 1], [0, 3], [1, 1]], [1., -2., 3.], [2, 5])
    b = gc.SparseTensor([[0, 3], [1, 0], [1, 1]], [2., -4., -3.], [2, 5])
    check_value(run(gc.sparse_add(a, b)), [[0, 1], [0, 3], [1, 0], [1, 1]], [1, 0, -4, 0], [2, 5])
    check_value(run(gc.sparse.add(a, b, threshold=1.0)), [[0, 1], [1, 0]], [1, -4], [2, 5])
    check_vjp(lambda u, v: gc.sparse.to_dense(gc.sparse_add(
        gc.SparseTensor([[0, 1], [1, 1]], u, [2, 3]), gc.SparseTensor([[1, 1]], v, [2, 3]))),
        [np.array([1., 2.]), np.array([5.])])


def test_maximum_minimum_treat_missing_as_zero():
    a = gc.SparseTensor([[0, 1], [0, 3], [1, 1]], [1., -2., 3.], [2, 5])
    b = gc.SparseTensor([[0, 3], [1, 0], [1, 1]], [2., -4., -3.], [2, 5])
    want = [[0, 1], [0, 3], [1, 0], [1, 1]]
    check_value(run(gc.sparse_maximum(a, b)), want, [1, 2, 0, 3], [2, 5])
    check_value(run(gc.sparse.minimum(a, b)), want, [0, -2, -4, -3], [2, 5])
    with pytest.raises(gc.errors.ShapeError, match="differ"):
        gc.sparse_maximum(a, gc.SparseTensor([[0, 0]], [1.], [3, 5]))


def test_reductions():
    a = dense_of(IDX, VALS, SHAPE)
    present = dense_of(IDX, np.ones(4), SHAPE) > 0
    masked = np.where(present, a, -np.inf)
    want = np.where(present.any(1), masked.max(1), 0)
    np.testing.assert_allclose(run(gc.sparse_reduce_max(sp(), 1)), want)
    assert run(gc.sparse.reduce_max(sp())) == VALS.max()
    assert run(gc.sparse.reduce_max(sp(), [0, 1], keepdims=True)).shape == (1, 1)
    got = run(gc.sparse_reduce_sum_sparse(sp(), 1, keepdims=True))
    check_value(got, [[0, 0], [1, 0], [2, 0]], a.sum(1), [3, 1])
    got = run(gc.sparse_reduce_max_sparse(sp(), 0))
    cols = np.unique(IDX[:, 1])
    check_value(got, cols[:, None], masked.max(0)[cols], [5])
    got = run(gc.sparse.reduce_sum_sparse(sp()))
    assert got.indices.shape == (1, 0) and got.values.tolist() == [VALS.sum()]
    check_vjp(lambda v: gc.sparse.to_dense(gc.sparse_reduce_sum_sparse(sp(vals=v), 0)), [VALS])


def test_softmax_per_row_in_input_order_and_gradient():
    s = gc.SparseTensor([[0, 3], [0, 1], [1, 1]], [1., 2., 3.], [2, 5])
    e = np.exp([1., 2.])
    np.testing.assert_allclose(run(gc.sparse_softmax(s)).values, list(e / e.sum()) + [1.])
    check_vjp(lambda v: gc.sparse.softmax(sp(vals=v)).values, [VALS])


@pytest.mark.parametrize("fn, how", [(gc.sparse_segment_sum, "sum"),
                                     (gc.sparse_segment_mean, "mean"),
                                     (gc.sparse_segment_sqrt_n, "sqrt_n")])
def test_segment_reductions(fn, how):
    x = np.arange(12.).reshape(4, 3)
    idx, seg = [0, 2, 1, 3], [0, 0, 2, 2]

    def ref(n):
        out = np.zeros((n, 3))
        for k in range(n):
            rows = [x[i] for i, s in zip(idx, seg) if s == k]
            if rows:
                div = {"sum": 1, "mean": len(rows), "sqrt_n": np.sqrt(len(rows))}[how]
                out[k] = np.sum(rows, 0) / div
        return out
    np.testing.assert_allclose(run(fn(x, idx, seg)), ref(3))
    np.testing.assert_allclose(run(fn(x, idx, seg, num_segments=5)), ref(5))
    check_vjp(lambda d: fn(d, idx, seg), [x])
    ids = gc.placeholder(gc.int32, [None])
    with pytest.raises(gc.errors.GraphcError, match="sorted|increasing"):
        run(fn(x, idx, ids, num_segments=4), {ids: [1, 0, 2, 2]})


def test_segment_mean_needs_floats():
    with pytest.raises(gc.errors.DTypeError, match="float"):
        gc.sparse_segment_mean(np.arange(6).reshape(3, 2), [0, 1], [0, 0])


def test_eye_from_dense_matmul_convert():
    check_value(run(gc.sparse.eye(2, 3)), [[0, 0], [1, 1]], [1., 1.], [2, 3])
    d = np.array([[0, 1.5], [2., 0]])
    got = gc.sparse.from_dense(d)
    check_value(run(got), [[0, 1], [1, 0]], [1.5, 2.], [2, 2])
    check_vjp(lambda x: gc.sparse.from_dense(x).values, [d + 3.0])   # no zero crosses
    m = gc.sparse_matmul(np.ones((2, 3)), np.ones((2, 3)), transpose_b=True, a_is_sparse=True)
    assert m.dtype == gc.float32
    np.testing.assert_allclose(run(m), np.full((2, 2), 3.))
    with pytest.raises(gc.errors.DTypeError, match="float32"):
        gc.sparse_matmul(gc.constant(np.ones((2, 2))), np.ones((2, 2)))
    s = sp()
    assert gc.convert_to_tensor_or_sparse_tensor(s) is s
    assert isinstance(gc.convert_to_tensor_or_sparse_tensor(
        gc.SparseTensorValue(IDX, VALS, SHAPE)), gc.SparseTensor)
    assert gc.convert_to_tensor_or_sparse_tensor([1, 2], gc.int64).dtype == gc.int64
    with pytest.raises(ValueError, match="dtype"):
        gc.convert_to_tensor_or_sparse_tensor(s, gc.float32)


def test_fed_sparse_placeholder_through_several_ops():
    p = gc.sparse_placeholder(gc.float64, shape=[None, 4])
    y = gc.sparse.reduce_sum(gc.sparse.softmax(gc.sparse.reorder(p)), 1)
    got = run(y, {p: gc.SparseTensorValue([[1, 3], [0, 0], [1, 1]], [1., 2., 3.], [3, 4])})
    np.testing.assert_allclose(got, [1., 1., 0.])
