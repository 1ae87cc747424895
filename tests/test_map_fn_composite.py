"""map_fn over RaggedTensor / SparseTensor elements and with ragged or sparse results
(ops/map_fn_composite.py), and gc.function with SparseTensorSpec / RaggedTensorSpec
signatures. Expected values and static shapes are TF 2.21's (tf.compat.v1 graph mode);
tests/test_tf_parity_map_fn_composite.py checks them against TF itself."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp

V = np.array([1., 2., 3., 4., 5., 6.])
LENGTHS = [2, 0, 4]


def _shape(t):
    s = t.shape
    return None if s.rank is None else s.as_list()


def _parts(v):
    if hasattr(v, "nested_row_splits"):
        return [np.asarray(v.flat_values).tolist()] + [np.asarray(s).tolist()
                                                       for s in v.nested_row_splits]
    return [np.asarray(v.indices).tolist(), np.asarray(v.values).tolist(),
            np.asarray(v.dense_shape).tolist()]


def _run(fetches, feed=None):
    with gc.Session() as s:
        return s.run(fetches, feed)


# ---- ragged results --------------------------------------------------------------------------
def test_ragged_rows_of_dense_elems():
    e = gc.constant([3, 5, 0, 2])
    r = gc.map_fn(gc.range, e, fn_output_signature=gc.RaggedTensorSpec([None], gc.int32))
    assert isinstance(r, gc.RaggedTensor) and r.ragged_rank == 1
    assert (_shape(r), _shape(r.flat_values), _shape(r.row_splits)) == ([4, None], [None], [5])
    assert r.row_splits.dtype is gc.int64
    got = _run(r)
    assert got.to_list() == [[0, 1, 2], [0, 1, 2, 3, 4], [], [0, 1]]
    r32 = gc.map_fn(gc.range, e, fn_output_signature=gc.RaggedTensorSpec(
        [None], gc.int32, row_splits_dtype=gc.int32))
    assert r32.row_splits.dtype is gc.int32
    np.testing.assert_array_equal(_run(r32.row_splits), [0, 3, 8, 8, 10])


def test_ragged_rows_static_shapes_are_the_signatures():
    """TF's: [n] + the spec's shape, flat_values [None] + its inner dims, even where fn
    says more (a spec's wrong uniform row length goes unchecked, as in TF)."""
    ep = gc.placeholder(gc.int32, [None])
    fill = lambda x: gc.fill(gc.stack([x, 3]), 1.0)          # noqa: E731
    r3 = gc.map_fn(fill, ep, fn_output_signature=gc.RaggedTensorSpec(
        [None, 3], gc.float32, ragged_rank=0))
    r4 = gc.map_fn(fill, ep, fn_output_signature=gc.RaggedTensorSpec(
        [None, None], gc.float32, ragged_rank=0))
    r5 = gc.map_fn(fill, ep, fn_output_signature=gc.RaggedTensorSpec(
        None, gc.float32, ragged_rank=0))
    said = gc.map_fn(gc.range, gc.constant([3, 5, 0, 2]),
                     fn_output_signature=gc.RaggedTensorSpec([2], gc.int32))
    assert [(_shape(r), _shape(r.flat_values)) for r in (r3, r4, r5, said)] == [
        ([None, None, 3], [None, 3]), ([None, None, None], [None, None]), (None, None),
        ([4, 2], [None])]
    got = _run([r3, r5, said], {ep: [1, 2]})
    assert got[0].to_list() == [[[1.] * 3], [[1.] * 3] * 2]
    assert got[1].to_list() == got[0].to_list()
    assert got[2].to_list() == [[0, 1, 2], [0, 1, 2, 3, 4], [], [0, 1]]


def test_fn_giving_ragged_tensors():
    e = gc.constant([3, 2, 0, 2])
    rr = gc.map_fn(lambda x: gc.RaggedTensor.from_row_lengths(
        gc.range(x * 2), gc.fill(gc.stack([x]), gc.constant(2, gc.int64))), e,
        fn_output_signature=gc.RaggedTensorSpec([None, None], gc.int32, ragged_rank=1))
    assert rr.ragged_rank == 2 and _shape(rr) == [4, None, None]
    assert [_shape(s) for s in rr.nested_row_splits] == [[5], [None]]
    assert _run(rr).to_list() == [[[0, 1], [2, 3], [4, 5]], [[0, 1], [2, 3]], [],
                                  [[0, 1], [2, 3]]]


def test_dtype_is_the_signature_too():
    """TF's dtype= takes the same specs (TF 2.21 has no tf.RaggedTensorType to give)."""
    r = gc.map_fn(lambda k: gc.fill(gc.stack([k]), "ab"), gc.constant([2, 0, 1]),
                  dtype=gc.RaggedTensorSpec([None], gc.string))
    assert _run(r).to_list() == [[b"ab", b"ab"], [], [b"ab"]]


def test_no_rows():
    r = gc.map_fn(gc.range, gc.zeros([0], gc.int32),
                  fn_output_signature=gc.RaggedTensorSpec([None], gc.int32))
    got = _run(r)
    assert got.to_list() == [] and np.asarray(got.flat_values).shape == (0,)


# ---- RaggedTensor elements -------------------------------------------------------------------
def _ragged():
    v = gc.placeholder(gc.float32, [None])
    lengths = gc.placeholder(gc.int64, [None])
    return v, lengths, gc.RaggedTensor.from_row_lengths(v, lengths)


def test_ragged_elems():
    v, lengths, rt = _ragged()
    squares = gc.map_fn(lambda r: r * r, rt)         # no signature: a RaggedTensor again
    sums = gc.map_fn(gc.reduce_sum, rt, fn_output_signature=gc.float32)
    mixed = gc.map_fn(lambda a: a[0] * a[1], (rt, gc.constant([1., 2., 3.])),
                      fn_output_signature=gc.RaggedTensorSpec([None], gc.float32))
    assert _shape(squares) is None and _shape(squares.row_splits) == [None]
    assert _shape(mixed) == [None, None]     # TF: the first element's row count only
    got = _run([squares, sums, mixed], {v: V, lengths: LENGTHS})
    assert got[0].to_list() == [[1., 4.], [], [9., 16., 25., 36.]]
    np.testing.assert_array_equal(got[1], [3, 0, 18])
    assert got[2].to_list() == [[1., 2.], [], [9., 12., 15., 18.]]


def test_ragged_rank_2_elems():
    rt = gc.RaggedTensor.from_nested_row_lengths(
        gc.constant([1., 2., 3., 4., 5., 6.]), [gc.constant([2, 1], gc.int64),
                                                gc.constant([1, 2, 3], gc.int64)])
    same = gc.map_fn(lambda r: r, rt)
    sums = gc.map_fn(lambda r: gc.reduce_sum(r.flat_values), rt,
                     fn_output_signature=gc.float32)
    assert same.ragged_rank == 2 and _shape(same) is None
    got = _run([same, sums])
    assert got[0].to_list() == [[[1.], [2., 3.]], [[4., 5., 6.]]]
    np.testing.assert_array_equal(got[1], [6, 15])


# ---- gradients (finite differences) ----------------------------------------------------------
def _rows_of(x, lengths, power):
    """fn giving row i: lengths[i] copies of x[i] ** power (rows of different lengths)."""
    n = gc.constant(lengths)
    r = gc.map_fn(lambda a: gc.fill(gc.stack([a[1]]), a[0] ** power), (x, n),
                  fn_output_signature=gc.RaggedTensorSpec([None], x.dtype))
    return r.flat_values


def test_gradient_of_ragged_results():
    check_vjp(lambda x: _rows_of(x, [2, 0, 3], 3), [np.array([1., -2., 0.5])])
    # a value of TF's: d/dx sum(rows ** 2) with rows [x0] * 3 * x0 ... is [12, 96]
    x = gc.placeholder(gc.float32, [2])
    r = gc.map_fn(lambda a: gc.fill([3], a) * a, x,
                  fn_output_signature=gc.RaggedTensorSpec([None], gc.float32))
    g = gc.gradients(gc.reduce_sum(r.flat_values ** 2), x)[0]
    np.testing.assert_allclose(_run(g, {x: [1., 2.]}), [12., 96.])


def test_gradient_of_ragged_elems():
    def fn(v):
        rt = gc.RaggedTensor.from_row_lengths(v, gc.constant([2, 0, 4], gc.int64))
        return [gc.map_fn(lambda r: gc.sin(r) * r, rt).flat_values,
                gc.map_fn(lambda r: gc.reduce_sum(r * r), rt, fn_output_signature=v.dtype)]
    check_vjp(fn, [V])
    v, lengths, rt = _ragged()
    q = gc.map_fn(lambda row: row * row, rt)
    g = gc.gradients(gc.reduce_sum(q.flat_values * gc.range(6.)), v)[0]
    np.testing.assert_allclose(_run(gc.convert_to_tensor(g), {v: V, lengths: LENGTHS}),
                               [0., 4., 12., 24., 40., 60.])        # TF 2.21's


@pytest.mark.parametrize("which", [0, 1])
def test_gradient_through_one_result(which):
    """The loss reads one of the results: the other, ragged or dense, gets zeros."""
    def fn(x):
        n = gc.constant([2, 0, 3])
        d, r = gc.map_fn(lambda a: (a[0] ** 3, gc.fill(gc.stack([a[1]]), a[0]) * a[0]),
                         (x, n), fn_output_signature=(x.dtype, gc.RaggedTensorSpec(
                             [None], x.dtype)))
        return [d, r.flat_values][which]
    check_vjp(fn, [np.array([1., -2., 0.5])])


def test_back_prop_false():
    x = gc.placeholder(gc.float32, [2])
    r = gc.map_fn(lambda a: gc.fill([2], a) * a, x, back_prop=False,
                  fn_output_signature=gc.RaggedTensorSpec([None], gc.float32))
    assert gc.gradients(gc.reduce_sum(r.flat_values), x) == [None]


# ---- SparseTensor elements and results -------------------------------------------------------
def test_sparse_elems():
    sp = gc.sparse_placeholder(gc.float32, [None, 5])
    seen = []

    def rows(s):
        seen.append((_shape(s), _shape(s.indices), _shape(s.dense_shape)))
        return s
    sums = gc.map_fn(gc.sparse.reduce_sum, sp, fn_output_signature=gc.float32)
    same = gc.map_fn(rows, sp)
    dense = gc.map_fn(lambda s: gc.sparse.to_dense(s, validate_indices=False), sp,
                      fn_output_signature=gc.float32)
    assert seen == [([5], [None, 1], [1])]
    assert _shape(same) is None and _shape(same.indices) == [None, None]
    assert _shape(dense) == [None, 5]      # the row's dense_shape: the spec's constant
    feed = {sp: gc.SparseTensorValue([[0, 2], [1, 1], [1, 3], [3, 0]], [1., 2., 3., 4.],
                                     [4, 5])}
    got = _run([sums, same, dense], feed)
    np.testing.assert_array_equal(got[0], [1, 5, 0, 4])
    assert _parts(got[1]) == [[[0, 2], [1, 1], [1, 3], [3, 0]], [1., 2., 3., 4.], [4, 5]]
    np.testing.assert_array_equal(got[2], [[0, 0, 1, 0, 0], [0, 2, 0, 3, 0], [0] * 5,
                                           [4, 0, 0, 0, 0]])


def test_sparse_elems_need_ordered_indices():
    """TF's SerializeManySparse checks them when run; graphc, when they are constants,
    when the map_fn is built."""
    with pytest.raises(gc.errors.ShapeError, match=r"indices\[2\] = \[2,0\] is out of order"):
        gc.map_fn(gc.sparse.reduce_sum, gc.SparseTensor([[0, 0], [2, 1], [2, 0]],
                                                        [2., 3., 4.], [4, 5]),
                  fn_output_signature=gc.float32)
    sp = gc.sparse_placeholder(gc.float32, [None, 5])
    sums = gc.map_fn(gc.sparse.reduce_sum, sp, fn_output_signature=gc.float32)
    with pytest.raises(gc.errors.InvalidArgumentError, match="out of order"):
        _run(sums, {sp: gc.SparseTensorValue([[0, 0], [2, 1], [2, 0]], [2., 3., 4.],
                                             [4, 5])})


def test_sparse_results():
    eye = gc.map_fn(lambda n: gc.sparse.eye(n), gc.constant([2, 3]),
                    fn_output_signature=gc.SparseTensorSpec([None, None], gc.float32))
    x = gc.placeholder(gc.float32, [None])
    pairs = gc.map_fn(lambda a: gc.SparseTensor([[1, 0], [0, 1]], gc.stack([a * a, 1.]),
                                                gc.stack([gc.cast(a, gc.int64) + 1, 2])),
                      x, fn_output_signature=gc.SparseTensorSpec([None, 2], gc.float32))
    assert (_shape(eye), _shape(eye.indices), _shape(eye.dense_shape)) == (
        [2, None, None], [None, 3], [3])
    assert _shape(pairs) == [None, None, 2]
    got = _run([eye, pairs], {x: [1., 2.]})
    assert _parts(got[0]) == [[[0, 0, 0], [0, 1, 1], [1, 0, 0], [1, 1, 1], [1, 2, 2]],
                              [1.] * 5, [2, 3, 3]]
    # each call's indices in its own order; dense_shape the largest of the calls'
    assert _parts(got[1]) == [[[0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1]],
                              [1., 1., 4., 1.], [2, 3, 2]]


@pytest.mark.parametrize("case", ["empty", "ranks"])
def test_sparse_result_run_errors(case):
    if case == "empty":
        out = gc.map_fn(lambda x: gc.sparse.eye(x), gc.zeros([0], gc.int32),
                        fn_output_signature=gc.SparseTensorSpec([None, None], gc.float32))
        text = "Serialized sparse should have at least 1 serialized tensor"
    else:
        out = gc.map_fn(lambda x: gc.SparseTensor(gc.zeros(gc.stack([1, x]), gc.int64),
                                                  [1.], gc.fill(gc.stack([x]),
                                                                gc.constant(3, gc.int64))),
                        gc.constant([1, 2]), fn_output_signature=gc.SparseTensorSpec(
                            None, gc.float32))
        text = (r"rank prior to SparseTensor\[1\] was: 1 but rank of SparseTensor\[1\] "
                "is: 2")
    with pytest.raises(gc.errors.InvalidArgumentError, match=text):
        _run(out)


def test_sparse_values_have_no_gradient():
    x = gc.placeholder(gc.float32, [2])
    sums = gc.map_fn(gc.sparse.reduce_sum, gc.SparseTensor([[0, 0], [2, 1]], x, [3, 2]),
                     fn_output_signature=gc.float32)
    made = gc.map_fn(lambda a: gc.SparseTensor([[0]], gc.reshape(a, [1]), [1]), x,
                     fn_output_signature=gc.SparseTensorSpec([1], gc.float32))
    for out in (sums, made.values):
        with pytest.raises(gc.errors.GradientError, match="No gradient defined"):
            gc.gradients(gc.reduce_sum(out), x)
    # a sparse result the loss does not read is no obstacle
    both = gc.map_fn(lambda a: (a * a, gc.SparseTensor([[0]], gc.reshape(a, [1]), [2])), x,
                     fn_output_signature=(gc.float32, gc.SparseTensorSpec([2], gc.float32)))
    g = gc.gradients(gc.reduce_sum(both[0]), x)[0]
    np.testing.assert_allclose(_run(g, {x: [1., 3.]}), [2., 6.])


# ---- nested structures -----------------------------------------------------------------------
def test_nested_dense_ragged_and_sparse():
    v, lengths, rt = _ragged()
    x = gc.placeholder(gc.float32, [3, 2])
    sp = gc.SparseTensor([[0, 1], [2, 0], [2, 3]], [1., 2., 3.], [3, 4])

    def fn(e):
        d, r, s = e["d"], e["r"], e["s"]
        return {"a": gc.reduce_sum(d) + gc.reduce_sum(r),
                "b": (r * d[0], s), "c": gc.sparse.reduce_sum(s) * d[1]}
    sig = {"a": gc.float32, "b": (gc.RaggedTensorSpec([None], gc.float32),
                                  gc.SparseTensorSpec([4], gc.float32)), "c": gc.float32}
    out = gc.map_fn(fn, {"d": x, "r": rt, "s": sp}, fn_output_signature=sig)
    assert sorted(out) == ["a", "b", "c"] and isinstance(out["b"], tuple)
    assert _shape(out["b"][1]) == [3, 4] and _shape(out["a"]) == [3]
    got = _run(out, {v: V, lengths: LENGTHS, x: np.arange(6.).reshape(3, 2)})
    np.testing.assert_array_equal(got["a"], [4, 5, 27])
    assert got["b"][0].to_list() == [[0., 0.], [], [12., 16., 20., 24.]]
    assert _parts(got["b"][1]) == [[[0, 1], [2, 0], [2, 3]], [1., 2., 3.], [3, 4]]
    np.testing.assert_array_equal(got["c"], [1, 0, 25])


# ---- errors ------------------------------------------------------------------------------------
def test_build_errors():
    e = gc.constant([1, 2])
    with pytest.raises(ValueError, match="Error in map_fn:\n  Expected `fn` to return a:\n"
                                         "    RaggedTensorSpec"):
        gc.map_fn(gc.range, e, fn_output_signature=gc.RaggedTensorSpec([None], gc.float32))
    with pytest.raises(ValueError, match="To fix, update the `fn_output_signature`"):
        gc.map_fn(gc.range, e, fn_output_signature=gc.SparseTensorSpec([None], gc.int32))
    with pytest.raises(TypeError, match="map_fn can not generate IndexedSlicesSpec"):
        gc.map_fn(lambda x: x, e, fn_output_signature=gc.IndexedSlicesSpec())
    with pytest.raises((TypeError, ValueError), match="same nested structure"):
        gc.map_fn(gc.range, e, fn_output_signature=(gc.int32, gc.RaggedTensorSpec(
            [None], gc.int32)))
    with pytest.raises(TypeError, match="Failed to convert elements"):
        gc.map_fn(lambda x: gc.RaggedTensor.from_row_lengths(gc.range(x), gc.stack([x])), e,
                  fn_output_signature=gc.int32)
    rt = gc.RaggedTensor.from_row_lengths([1., 2.], [1, 1])
    with pytest.raises(ValueError, match="at least rank 1"):
        gc.map_fn(gc.reduce_sum, rt)         # no signature: a ragged row, not a scalar


def test_rows_of_different_inner_dims_fail_at_run_time():
    out = gc.map_fn(lambda x: gc.fill(gc.stack([x, x]), 1.0), gc.constant([1, 2]),
                    fn_output_signature=gc.RaggedTensorSpec([None, None], gc.float32,
                                                            ragged_rank=0))
    with pytest.raises(gc.errors.InvalidArgumentError,
                       match=r"Shape at index 0: \[1\].  Shape at index 1: \[2\]"):
        _run(out)


def test_dense_results_that_change_shape_fail_at_run_time():
    with pytest.raises(gc.errors.InvalidArgumentError, match="change shape between calls"):
        _run(gc.map_fn(lambda x: (gc.range(x), gc.range(x)), gc.constant([1, 2]),
                       fn_output_signature=(gc.int32, gc.RaggedTensorSpec([None],
                                                                          gc.int32)))[0])


# ---- the specs' composite protocol -----------------------------------------------------------
def test_spec_parts():
    flat = gc.RaggedTensorSpec([None], gc.int32)                  # ragged_rank 0
    assert flat.is_compatible_with(gc.placeholder(gc.int32, [None]))
    assert not flat.is_compatible_with(gc.placeholder(gc.int32, [None, 2]))
    assert not flat.is_compatible_with(gc.placeholder(gc.float32, [None]))
    b = flat._batch(4)
    assert (b.shape.as_list(), b.ragged_rank) == ([4, None], 1)
    assert b._unbatch() == flat
    assert [(c.shape.as_list(), c.dtype) for c in b._component_specs] == [
        ([None], gc.int32), ([5], gc.int64)]
    sp = gc.SparseTensorSpec([None, 5], gc.float32)
    assert [c.shape.as_list() for c in sp._component_specs] == [[None, 2], [None], [2]]
    assert sp._batch(3).shape.as_list() == [3, None, 5] and sp._unbatch().shape == [5]
    rt = b._from_components([gc.placeholder(gc.int32, [None]),
                             gc.placeholder(gc.int64, [None])])
    assert isinstance(rt, gc.RaggedTensor) and rt.row_splits.shape.as_list() == [5]


# ---- gc.function with composite signatures -------------------------------------------------
def _signature():
    return [gc.SparseTensorSpec([None, 5], gc.float32),
            gc.RaggedTensorSpec([None, None], gc.float32)]


def test_function_with_sparse_and_ragged_signature():
    seen = []

    @gc.function(input_signature=_signature())
    def f(sp, rt):
        seen.append((type(sp).__name__, _shape(sp), _shape(sp.indices), type(rt).__name__,
                     _shape(rt), _shape(rt.flat_values)))
        return gc.reduce_sum(sp.values * 3.), rt * 2.0, sp
    sp = gc.sparse_placeholder(gc.float32, [None, 5])
    v, lengths, rt = _ragged()
    total, doubled, same = f(sp, rt)
    assert seen == [("SparseTensor", [None, 5], [None, 2], "RaggedTensor", [None, None],
                     [None])]
    g = gc.gradients(gc.reduce_sum(doubled.flat_values ** 2), v)[0]
    feed = {sp: gc.SparseTensorValue([[0, 1], [2, 3]], [1., 2.], [3, 5]), v: V,
            lengths: LENGTHS}
    got = _run([total, doubled, same, gc.convert_to_tensor(g)], feed)
    assert got[0] == 9.0 and got[1].to_list() == [[2., 4.], [], [6., 8., 10., 12.]]
    assert _parts(got[2]) == [[[0, 1], [2, 3]], [1., 2.], [3, 5]]
    np.testing.assert_allclose(got[3], 8 * V)
    # a SparseTensorValue argument is made a SparseTensor; TF checks no dense shape
    f(gc.SparseTensorValue([[0, 1]], [1.], [3, 5]), rt)
    f(gc.SparseTensor([[0, 1]], [1.], [3, 4]), rt)


def _binding_error(f, *args):
    with pytest.raises(TypeError) as info:
        f(*args)
    return str(info.value).split("`")[1].split("\n")[0]


def test_function_binding_errors():
    f = gc.function(lambda sp, rt: rt, input_signature=_signature())
    sp = gc.SparseTensor([[0, 1]], [1.], [3, 5])
    rt = gc.RaggedTensor.from_row_lengths(gc.constant([1., 2., 3.]),
                                          gc.constant([2, 0, 1], gc.int64))
    assert _binding_error(f, gc.SparseTensor([[0, 1]], [1], [3, 5]), rt) == (
        "Can not cast TensorSpec(shape=(1,), dtype=tf.int32, name=None) to "
        "TensorSpec(shape=(None,), dtype=tf.float32, name=None)")
    rt32 = gc.RaggedTensor.from_row_lengths(gc.constant([1., 2., 3.]),
                                            gc.constant([2, 0, 1], gc.int32))
    assert _binding_error(f, sp, rt32) == (
        "Can not cast TensorSpec(shape=(4,), dtype=tf.int32, name=None) to "
        "TensorSpec(shape=(None,), dtype=tf.int64, name=None)")
    assert _binding_error(f, gc.zeros([3, 5]), rt) == \
        "'Tensor' object has no attribute 'indices'"
    assert _binding_error(f, sp, gc.zeros([3, 2])) == \
        "The two structures don't have the same nested structure."


def test_concrete_function_of_composite_specs():
    f = gc.function(lambda sp, rt: (gc.reduce_sum(sp.values), rt * 2.0, sp),
                    input_signature=_signature())
    cf = f.get_concrete_function()
    assert [t.name.rsplit("/", 1)[-1] for t in cf.inputs] == [
        "sp:0", "sp_1:0", "sp_2:0", "rt:0", "rt_1:0"]
    assert cf.structured_input_signature == (tuple(_signature()), {})
    assert len(cf.outputs) == 6
    assert [[s.as_list() for s in x] if isinstance(x, list) else x.as_list()
            for x in cf.output_shapes] == [[], [[None], [None]], [[None, 2], [None], [2]]]
    assert cf.output_dtypes == (gc.float32, [gc.float32, gc.int64],
                                [gc.int64, gc.float32, gc.int64])
    out = cf(gc.SparseTensor([[0, 1], [2, 4]], [1., 2.], [3, 5]),
             gc.RaggedTensor.from_row_splits([1., 2., 3.], gc.constant([0, 1, 3], gc.int64)))
    got = _run(out)
    assert got[0] == 3.0 and got[1].to_list() == [[2.], [4., 6.]]
    # without an input_signature: the arguments' specs
    g = gc.function(lambda sp: gc.sparse.reduce_sum(sp))
    cg = g.get_concrete_function(gc.SparseTensorSpec([2, 3], gc.float32))
    assert [t.name.rsplit("/", 1)[-1] for t in cg.inputs] == ["sp:0", "sp_1:0", "sp_2:0"]
    ch = g.get_concrete_function(gc.SparseTensor([[0, 1]], [1.], [2, 3]))
    assert ch.structured_input_signature[0][0] == gc.SparseTensorSpec([2, 3], gc.float32)


def test_function_effects_run_with_composite_results():
    counter = gc.Variable(0.)

    @gc.function
    def f(x):
        gc.assign_add(counter, 1.)
        return (gc.SparseTensor([[0]], gc.reshape(x, [1]), [2]),
                gc.RaggedTensor.from_row_lengths(gc.stack([x, x]), [2]))
    x = gc.placeholder(gc.float32, [])
    sp, rt = f(x)
    with gc.Session() as s:
        s.run(counter.initializer)
        s.run(sp, {x: 2.})
        s.run(rt, {x: 3.})
        assert s.run(counter) == 2.0


def test_jvp_through_ragged_results():
    """The loop built for forward mode keeps the map_fn's ragged rows."""
    v = gc.placeholder(gc.float64, [None])
    lengths = gc.placeholder(gc.int64, [None])
    rt = gc.RaggedTensor.from_row_lengths(v, lengths)
    out = gc.map_fn(lambda r: r * r, rt,
                    fn_output_signature=gc.RaggedTensorSpec([None], gc.float64))
    t = gc.placeholder(gc.float64, [None])
    jv, = gc.jvp(out.flat_values, [v], [t])
    x = np.arange(1.0, 7.0)
    with gc.Session() as sess:
        got = sess.run(jv, {v: x, lengths: [2, 0, 4], t: np.ones(6)})
    np.testing.assert_allclose(got, 2 * x)
