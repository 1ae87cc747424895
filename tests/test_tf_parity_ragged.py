"""graphc's RaggedTensor against TF's (tf.compat.v1 graph mode): values, static shapes,
dtypes and gradients with respect to flat_values."""
import types

import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc


def _ops(m):
    """The ragged functions by module: graphc's gc.ragged.*, TF's dispatching names."""
    if m is gc:
        R = gc.ragged
        return types.SimpleNamespace(
            rt=gc.RaggedTensor, const=R.constant, sum=R.reduce_sum, mean=R.reduce_mean,
            max=R.reduce_max, min=R.reduce_min, prod=R.reduce_prod, all=R.reduce_all,
            any=R.reduce_any, gather=R.gather, concat=R.concat, stack=R.stack,
            expand_dims=R.expand_dims, mask=R.boolean_mask, range=R.range,
            map=R.map_flat_values, ids=R.row_splits_to_segment_ids,
            splits=R.segment_ids_to_row_splits, exp=gc.exp)
    return types.SimpleNamespace(
        rt=v1.RaggedTensor, const=v1.ragged.constant, sum=tf.reduce_sum,
        mean=tf.reduce_mean, max=tf.reduce_max, min=tf.reduce_min, prod=tf.reduce_prod,
        all=tf.reduce_all, any=tf.reduce_any, gather=tf.gather, concat=tf.concat,
        stack=tf.ragged.stack, expand_dims=tf.expand_dims, mask=tf.ragged.boolean_mask,
        range=tf.ragged.range, map=tf.ragged.map_flat_values,
        ids=tf.ragged.row_splits_to_segment_ids, splits=tf.ragged.segment_ids_to_row_splits,
        exp=tf.exp)


A = [[1., 2.], [], [3., 4., 5.]]
B = [[[1, 2], [3]], [[4]], []]
V = [[[1., 2.], [3., 4.]], [[5., 6.]], []]

STRUCT = {
    "from_row_splits": lambda m, o: o.rt.from_row_splits([1., 2., 3.], [0, 2, 2, 3]),
    "from_row_lengths": lambda m, o: o.rt.from_row_lengths([1, 2, 3], [2, 0, 1]),
    "from_value_rowids": lambda m, o: o.rt.from_value_rowids([1, 2, 3], [0, 0, 2], 4),
    "from_value_rowids_default": lambda m, o: o.rt.from_value_rowids([1, 2, 3], [0, 0, 2]),
    "from_row_starts": lambda m, o: o.rt.from_row_starts([1, 2, 3], [0, 2, 2]),
    "from_row_limits": lambda m, o: o.rt.from_row_limits([1, 2, 3], [2, 2, 3]),
    "nested_splits": lambda m, o: o.rt.from_nested_row_splits([1, 2, 3, 4],
                                                              [[0, 2, 3], [0, 1, 1, 4]]),
    "nested_lengths": lambda m, o: o.rt.from_nested_row_lengths([1, 2, 3, 4],
                                                                [[2, 1], [1, 0, 3]]),
    "from_tensor": lambda m, o: o.rt.from_tensor([[1, 2, 0], [0, 0, 0], [3, 0, 4]]),
    "from_tensor_padding": lambda m, o: o.rt.from_tensor([[1, 2, 0], [0, 0, 0], [3, 0, 4]],
                                                         padding=0),
    "from_tensor_lengths": lambda m, o: o.rt.from_tensor([[1, 2, 0], [0, 0, 0]],
                                                         lengths=[1, 3]),
    "from_tensor_padding_3d": lambda m, o: o.rt.from_tensor(
        np.array([[[1, 1], [0, 0]], [[0, 0], [0, 0]]]), padding=[0, 0]),
    "from_tensor_rr2": lambda m, o: o.rt.from_tensor(np.arange(24).reshape(2, 3, 4),
                                                     ragged_rank=2),
    "from_sparse": lambda m, o: o.rt.from_sparse(m.SparseTensor([[0, 0], [0, 1], [2, 0]],
                                                                [1., 2., 3.], [4, 5])),
    "constant": lambda m, o: o.const(A),
    "constant_3d": lambda m, o: o.const(B),
    "constant_inner": lambda m, o: o.const(V, ragged_rank=1),
    "constant_int64": lambda m, o: o.const([[1], []], dtype=m.int64),
    "constant_empty": lambda m, o: o.const([[], []]),
    "to_tensor": lambda m, o: o.const(A).to_tensor(),
    "to_tensor_default": lambda m, o: o.const(A).to_tensor(default_value=-1.),
    "to_tensor_shape": lambda m, o: o.const(A).to_tensor(shape=[2, 4]),
    "to_tensor_3d": lambda m, o: o.const(B).to_tensor(),
    "to_tensor_inner": lambda m, o: o.const(V, ragged_rank=1).to_tensor(),
    "to_sparse": lambda m, o: [o.const(B).to_sparse().indices, o.const(B).to_sparse().values,
     o.const(B).to_sparse().dense_shape],
    "to_sparse_inner": lambda m, o: [o.const(V, ragged_rank=1).to_sparse().indices,
                                     o.const(V, ragged_rank=1).to_sparse().dense_shape],
    "row_lengths": lambda m, o: o.const(B).row_lengths(),
    "row_lengths_2": lambda m, o: o.const(B).row_lengths(axis=2),
    "nested_row_lengths": lambda m, o: list(o.const(B).nested_row_lengths()),
    "value_rowids": lambda m, o: o.const(A).value_rowids(),
    "nrows": lambda m, o: o.const(A).nrows(),
    "row_starts_limits": lambda m, o: [o.const(A).row_starts(), o.const(A).row_limits()],
    "bounding_shape": lambda m, o: o.const(B).bounding_shape(),
    "bounding_shape_inner": lambda m, o: o.const(V, ragged_rank=1).bounding_shape(),
    "with_splits_dtype": lambda m, o: o.const(A).with_row_splits_dtype(m.int32),
    "with_flat_values": lambda m, o: o.const(B).with_flat_values([9, 8, 7, 6]),
    "getitem_row": lambda m, o: o.const(A)[2],
    "getitem_neg_row": lambda m, o: o.const(B)[-3],
    "getitem_slice": lambda m, o: o.const(A)[1:],
    "getitem_step": lambda m, o: o.const(A)[::2],
    "getitem_col_slice": lambda m, o: o.const(A)[:, 1:],
    "getitem_col_slice2": lambda m, o: o.const(A)[:, -2:],
    "getitem_col_step": lambda m, o: o.const(A)[:, ::2],
    "getitem_3d": lambda m, o: o.const(B)[:, :, :1],
    "getitem_inner": lambda m, o: o.const(V, ragged_rank=1)[:, :, 1],
    "getitem_ellipsis": lambda m, o: o.const(V, ragged_rank=1)[..., 0],
    "add_scalar": lambda m, o: o.const(A) + 1.,
    "rsub": lambda m, o: 1. - o.const(A),
    "mul_same": lambda m, o: o.const(A) * o.const(A),
    "div_dense_col": lambda m, o: o.const(A) / m.constant([[1.], [2.], [4.]]),
    "add_dense_inner": lambda m, o: o.const(V, ragged_rank=1) + m.constant([10., 20.]),
    "add_dense_3d": lambda m, o: o.const(V, ragged_rank=1) + m.constant(
        [[[1., 2.]], [[3., 4.]], [[5., 6.]]]),
    "compare": lambda m, o: o.const(A) > 2.,
    "neg_abs": lambda m, o: [-o.const(A), abs(o.const(A) - 3.)],
    "floordiv_mod": lambda m, o: [o.const(B) // 2, o.const(B) % 3],
    "pow": lambda m, o: o.const(A) ** 2.,
    "logical": lambda m, o: [(o.const(A) > 1.) & (o.const(A) < 4.), ~(o.const(A) > 1.)],
    "sum_1": lambda m, o: o.sum(o.const(A), axis=1),
    "sum_0": lambda m, o: o.sum(o.const(A), axis=0),
    "sum_none": lambda m, o: o.sum(o.const(A)),
    "sum_3d_0": lambda m, o: o.sum(o.const(B), axis=0),
    "sum_3d_1": lambda m, o: o.sum(o.const(B), axis=1),
    "sum_3d_2": lambda m, o: o.sum(o.const(B), axis=2),
    "sum_3d_12": lambda m, o: o.sum(o.const(B), axis=[1, 2]),
    "sum_3d_neg": lambda m, o: o.sum(o.const(B), axis=-1),
    "sum_inner": lambda m, o: o.sum(o.const(V, ragged_rank=1), axis=2),
    "sum_keepdims": lambda m, o: o.sum(o.const(A), axis=1, keepdims=True),
    "mean_1": lambda m, o: o.mean(o.const(A), axis=1),
    "mean_int": lambda m, o: o.mean(o.const(B), axis=2),
    "max_min_1": lambda m, o: [o.max(o.const(A), axis=1), o.min(o.const(A), axis=1)],
    "prod_0": lambda m, o: o.prod(o.const(A), axis=0),
    "all_any": lambda m, o: [o.all(o.const(A) > 1., axis=1), o.any(o.const(A) > 4., axis=1)],
    "gather": lambda m, o: o.gather(o.const(B), [2, 0, 0]),
    "gather_2d": lambda m, o: o.gather(o.const(A), [[2, 0], [1, 1]]),
    "gather_scalar": lambda m, o: o.gather(o.const(A), 2),
    "concat_0": lambda m, o: o.concat([o.const(A), o.const([[7.]])], 0),
    "concat_1": lambda m, o: o.concat([o.const(A), o.const([[7.], [8.], []])], 1),
    "concat_3d_1": lambda m, o: o.concat([o.const(B), o.const(B)], 1),
    "stack_0": lambda m, o: o.stack([o.const(A), o.const([[7.]])], 0),
    "stack_1": lambda m, o: o.stack([o.const(A), o.const([[7.], [8.], []])], 1),
    "stack_dense": lambda m, o: o.stack([m.constant([1, 2]), m.constant([3])]),
    "expand_0": lambda m, o: o.expand_dims(o.const(A), 0),
    "expand_1": lambda m, o: o.expand_dims(o.const(A), 1),
    "expand_2": lambda m, o: o.expand_dims(o.const(A), 2),
    "mask_ragged": lambda m, o: o.mask(o.const(A), o.const(A) > 1.5),
    "mask_dense2": lambda m, o: o.mask([[1, 2], [3, 4]], [[True, False], [True, True]]),
    "mask_rows": lambda m, o: o.mask(o.const(B), [True, False, True]),
    "mask_3d": lambda m, o: o.mask(o.const(B), o.const([[True, False], [True], []])),
    "range": lambda m, o: o.range([0, 5, 2], [3, 7, 2]),
    "range_scalar": lambda m, o: o.range(4),
    "range_deltas": lambda m, o: o.range([5, 0], [0, 5], [-2, 2]),
    "range_float": lambda m, o: o.range(0., [1., 2.], 0.3),
    "range_int64": lambda m, o: o.range(m.constant([1, 2], m.int64), 4),
    "segment_ids": lambda m, o: o.ids([0, 2, 2, 3]),
    "segment_ids_int32": lambda m, o: o.ids(m.constant([0, 2, 3], m.int32)),
    "row_splits_of_ids": lambda m, o: o.splits([0, 0, 2]),
    "row_splits_of_ids_n": lambda m, o: o.splits(m.constant([0, 0, 2]), 5),
    "map_flat_values": lambda m, o: o.map(o.exp, o.const(A)),
    "map_two": lambda m, o: o.map(m.add, o.const(A), o.const(A)),
}


def _value(v):
    """(kind, flat values, nested row_splits, dtype, shape) of a fetched value."""
    if hasattr(v, "to_list"):
        return ("ragged", np.asarray(v.flat_values),
                [s.tolist() for s in v.nested_row_splits], str(v.dtype), v.shape)
    a = np.asarray(v)
    return ("dense", a, [], str(a.dtype), a.shape)


def _static(x):
    if isinstance(x, (list, tuple)):
        return [_static(y) for y in x]
    dims = x.shape.dims if x.shape.rank is not None else None
    return None if dims is None else [d if isinstance(d, int) or d is None else
                                      getattr(d, "value", d) for d in dims]


def _both(fn):
    res = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            out = fn(m, _ops(m))
            with m.Session(graph=g) as sess:
                val = sess.run(out)
        res.append((out, val))
    return res


@pytest.mark.parametrize("name", sorted(STRUCT))
def test_structure(name):
    (got, got_v), (want, want_v) = _both(STRUCT[name])
    gl = got_v if isinstance(got_v, list) else [got_v]
    wl = want_v if isinstance(want_v, list) else [want_v]
    for a, b in zip(gl, wl):
        va, vb = _value(a), _value(b)
        assert va[0] == vb[0] and va[2:] == vb[2:], (va, vb)
        assert va[1].shape == vb[1].shape, (va, vb)
        np.testing.assert_allclose(va[1].astype(float), vb[1].astype(float), rtol=1e-6)
    _same_static(_static(got if isinstance(got, list) else [got]),
                 _static(want if isinstance(want, list) else [want]))


def _same_static(a, b):
    """Equal static shapes, where graphc may know a dim TF leaves unknown."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if x is None or y is None or not isinstance(x, list):
            assert (x is None) == (y is None) or y is None, (a, b)
            if isinstance(x, list) and isinstance(y, list):
                _same_static(x, y)
            continue
        assert len(x) == len(y), (a, b)
        assert all(q is None or p == q for p, q in zip(x, y)), (a, b)


# ---- gradients w.r.t. flat_values (the harness: placeholders fed the same arrays) ---------
SPLITS = np.array([0, 2, 2, 5, 6], np.int64)
X = rand(6)
X2 = rand(6, 3)


def _r(m, x, s):
    return _ops(m).rt.from_row_splits(x, s)


GRAD = {
    "sum_1": (lambda m, x, s: _ops(m).sum(_r(m, x, s), axis=1), X, SPLITS),
    "sum_0": (lambda m, x, s: _ops(m).sum(_r(m, x, s), axis=0), X, SPLITS),
    "mean_1": (lambda m, x, s: _ops(m).mean(_r(m, x, s) * 1., axis=1)[:2], X, SPLITS),
    "max_1": (lambda m, x, s: _ops(m).max(_r(m, x, s), axis=1), X, SPLITS),
    "min_0": (lambda m, x, s: _ops(m).min(_r(m, x, s), axis=0), X, SPLITS),
    "prod_1": (lambda m, x, s: _ops(m).prod(_r(m, x, s), axis=1), X, SPLITS),
    "sum_inner": (lambda m, x, s: _ops(m).sum(_r(m, x, s), axis=[1, 2]), X2, SPLITS),
    "to_tensor": (lambda m, x, s: _r(m, x, s).to_tensor(), X, SPLITS),
    "to_tensor_default": (lambda m, x, s: _r(m, x, s).to_tensor(default_value=2.), X, SPLITS),
    "to_tensor_shape": (lambda m, x, s: _r(m, x, s).to_tensor(shape=[3, 2]), X, SPLITS),
    "to_tensor_inner": (lambda m, x, s: _r(m, x, s).to_tensor(), X2, SPLITS),
    "from_tensor_padding": (lambda m, x: m.RaggedTensor.from_tensor(
        x, padding=0.).flat_values * 2., np.array([[1., 2., 0.], [0., 0., 0.], [3., 0., 4.]])),
    "from_tensor_lengths": (lambda m, x: m.RaggedTensor.from_tensor(
        x, lengths=[1, 0, 3]).to_tensor(), rand(3, 4)),
    "ops": (lambda m, x, s: (_r(m, x, s) * _r(m, x, s) + 2. * _r(m, x, s)).flat_values,
            X, SPLITS),
    "dense_bcast": (lambda m, x, s, d: (_r(m, x, s) * d).to_tensor(), X, SPLITS, rand(4, 1)),
    "dense_inner": (lambda m, x, s, d: (_r(m, x, s) - d).flat_values, X2, SPLITS, rand(3)),
    "getitem": (lambda m, x, s: [_r(m, x, s)[2], _r(m, x, s)[:, 1:].flat_values,
                                 _r(m, x, s)[2:][1]], X, SPLITS),
    "gather": (lambda m, x, s: _ops(m).gather(_r(m, x, s), [3, 0, 2]).to_tensor(), X, SPLITS),
    "concat_1": (lambda m, x, s: _ops(m).concat([_r(m, x, s), _r(m, x, s) * 3.], 1)
                 .to_tensor(), X, SPLITS),
    "stack_0": (lambda m, x, s: _ops(m).stack([_r(m, x, s), _r(m, x, s)[1:]], 0)
                .flat_values, X, SPLITS),
    "mask": (lambda m, x, s: _ops(m).mask(_r(m, x, s), _r(m, x, s) > 0.).to_tensor(),
             X, SPLITS),
    "map_flat_values": (lambda m, x, s: _ops(m).map(m.tanh, _r(m, x, s)).to_tensor(),
                        X, SPLITS),
}


@pytest.mark.parametrize("name", sorted(GRAD))
def test_gradients(name):
    fn, *args = GRAD[name]
    check(fn, *args)


def test_placeholder_feed():
    """A fed ragged placeholder, reduced (TF1 feeds a RaggedTensorValue)."""
    got = []
    for m, R in ((gc, gc.ragged), (v1, v1.ragged)):
        g = m.Graph()
        with g.as_default():
            rt = R.placeholder(m.float32, 1, [])
            y = (rt * 2.).to_tensor()
            val = R.constant_value([[1., 2.], [], [3.]], dtype=np.float32)
            with m.Session(graph=g) as sess:
                got.append((sess.run(y, {rt: val}), rt.shape.as_list()))
    np.testing.assert_array_equal(got[0][0], got[1][0])
    assert got[0][1] == got[1][1]


def test_strings_split_from_sparse():
    """tf.strings.split(..., result_type='RaggedTensor') is from_sparse of graphc's
    SparseTensor result."""
    words = [b"a bb c", b"", b"dd e"]
    g = gc.Graph()
    with g.as_default():
        rt = gc.RaggedTensor.from_sparse(gc.strings.split(words))
        with gc.Session() as sess:
            got = sess.run(rt).to_list()
    with tf.Graph().as_default():
        with v1.Session() as sess:
            want = sess.run(v1.strings.split(words, result_type="RaggedTensor")).to_list()
    assert got == want


def test_validate_errors_match():
    """Bad row_splits fail at run time in both (validate=True)."""
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            s = m.placeholder(m.int64, [None])
            rt = m.RaggedTensor.from_row_splits(m.constant([1., 2.]), s)
            with m.Session(graph=g) as sess:
                with pytest.raises(Exception, match="(?i)splits|assert"):
                    sess.run(rt.to_tensor(), {s: np.array([0, 3])})
