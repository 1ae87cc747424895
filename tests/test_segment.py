"""Behaviour of where(condition), unique, the segment reductions, dynamic_partition and
dynamic_stitch beyond the registry-wide checks: TF1's documented examples, empty
segments, ties, zeros, repeated indices, static shapes, build- and run-time errors, and
second derivatives."""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ExecutionError, ShapeError
from graphc.testing import check_vjp
from helpers import raises, run


def grad(y, x, feed=None):
    return run(gc.gradients(gc.reduce_sum(y), [x])[0], feed)


# ---- where(condition) ----------------------------------------------------------------------
def test_where_gives_int64_coordinates_in_row_major_order():
    c = gc.constant([[True, False], [True, True]])
    w = gc.where(c)
    assert w.dtype is gc.int64 and w.shape == (3, 2)
    assert run(w).tolist() == [[0, 0], [1, 0], [1, 1]]
    assert run(gc.where([0.0, 2.0, -1.0])).tolist() == [[1], [2]]   # nonzero is true
    assert run(gc.where(True)).shape == (1, 0)


def test_where_static_shapes_and_gather_nd():
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    assert gc.where(x > 0).shape.as_list() == [None, 2]
    assert gc.where(gc.placeholder(gc.bool)).shape == (None, None)
    v = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, 6.0]], np.float32)
    got = run(gc.gather_nd(x, gc.where(x > 0)), {x: v})      # TF1's boolean_mask idiom
    assert got.tolist() == [1.0, 3.0, 5.0, 6.0]


def test_where_errors_and_no_gradient():
    x = gc.placeholder(gc.float64, (3,), name="x")
    with pytest.raises(ValueError, match="both"):
        gc.where(x > 0, x)
    assert gc.gradients(gc.reduce_sum(gc.cast(gc.where(x), gc.float64)), [x]) == [None]


# ---- unique, unique_with_counts -------------------------------------------------------------
def test_unique_keeps_the_order_of_first_occurrence():
    y, idx = gc.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])          # TF1's example
    assert run(y).tolist() == [1, 2, 4, 7, 8]
    assert run(idx).tolist() == [0, 0, 1, 2, 2, 2, 3, 4, 4]
    u = gc.unique_with_counts([4.0, 1.0, 4.0, 3.0], out_idx=gc.int64)
    y, idx, count = run(u)
    assert y.tolist() == [4.0, 1.0, 3.0] and idx.tolist() == [0, 1, 0, 2]
    assert count.tolist() == [2, 1, 1] and idx.dtype == count.dtype == np.int64
    assert u.y.shape == (3,) and u.idx.shape == (4,)           # a constant input: known


def test_unique_nan_bool_and_static_shapes():
    y, idx = run(gc.unique([np.nan, 1.0, np.nan, 1.0]))
    assert len(y) == 3 and np.isnan(y[[0, 2]]).all() and idx.tolist() == [0, 1, 2, 1]
    assert run(gc.unique([True, False, True])[0]).tolist() == [True, False]
    x = gc.placeholder(gc.int32, (5,))
    y, idx = gc.unique(x)
    assert y.shape.as_list() == [None] and idx.shape == (5,)


def test_unique_errors():
    m = gc.placeholder(gc.int32, (2, 3), name="m")
    raises(ShapeError, lambda: gc.unique(m), "must be 1-D", "'m'")
    with pytest.raises(TypeError, match="out_idx"):
        gc.unique([1, 2], out_idx=gc.float32)
    u = gc.placeholder(gc.int32, name="u")                      # unknown rank
    with pytest.raises(ExecutionError, match="1-D"):
        run(gc.unique(u).y, {u: [[1, 2]]})


# ---- segment reductions ---------------------------------------------------------------------
C = [[1, 2, 3, 4], [4, 3, 2, 1], [5, 6, 7, 8]]


def test_tf1_examples():
    ids = [0, 0, 1]
    assert run(gc.segment_sum(C, ids)).tolist() == [[5, 5, 5, 5], [5, 6, 7, 8]]
    assert run(gc.segment_max(C, ids)).tolist() == [[4, 3, 3, 4], [5, 6, 7, 8]]
    assert run(gc.segment_min(C, ids)).tolist() == [[1, 2, 2, 1], [5, 6, 7, 8]]
    assert run(gc.segment_prod(C, ids)).tolist() == [[4, 6, 6, 4], [5, 6, 7, 8]]
    assert run(gc.segment_mean(np.float32(C), ids)).tolist() == [[2.5] * 4, [5, 6, 7, 8]]
    c = [[1, 2, 3, 4], [5, 6, 7, 8], [4, 3, 2, 1]]          # the unsorted ops' example
    assert run(gc.unsorted_segment_max(c, [0, 1, 0], 2)).tolist() == [[4, 3, 3, 4],
                                                                      [5, 6, 7, 8]]


def test_empty_segments_as_tf1():
    x = np.float32([1.0, -2.0])
    ids = [0, 2]                                   # segment 1 is empty
    for fn, empty in [(gc.segment_sum, 0), (gc.segment_mean, 0), (gc.segment_max, 0),
                      (gc.segment_min, 0), (gc.segment_prod, 1)]:
        assert run(fn(x, ids))[1] == empty, fn.__name__
    lo, hi = np.finfo(np.float32).min, np.finfo(np.float32).max     # finite, not inf
    assert run(gc.unsorted_segment_max(x, [0, 2], 3))[1] == lo
    assert run(gc.unsorted_segment_min(x, [0, 2], 3))[1] == hi
    assert run(gc.unsorted_segment_min([3, 1], [0, 2], 3))[1] == np.iinfo(np.int32).max
    assert run(gc.unsorted_segment_prod(x, [0, 2], 3))[1] == 1
    assert run(gc.unsorted_segment_mean(x, [0, 2], 3))[1] == 0
    assert run(gc.unsorted_segment_sqrt_n(x, [0, 2], 3))[1] == 0


def test_negative_ids_are_dropped_by_unsorted_ops():
    x = np.array([1.0, 8.0, 2.0, 9.0])
    ids = [1, -1, 1, -7]
    assert run(gc.unsorted_segment_max(x, ids, 2))[1] == 2.0
    assert run(gc.unsorted_segment_prod(x, ids, 2)).tolist() == [1.0, 2.0]
    assert run(gc.unsorted_segment_mean(x, ids, 2)).tolist() == [0.0, 1.5]
    assert run(gc.unsorted_segment_sqrt_n(x, ids, 2))[1] == pytest.approx(3 / np.sqrt(2))
    xs = gc.constant(x)
    for fn in (gc.unsorted_segment_max, gc.unsorted_segment_min, gc.unsorted_segment_prod,
               gc.unsorted_segment_mean, gc.unsorted_segment_sqrt_n):
        g = grad(fn(xs, ids, 2), xs)
        assert g[1] == 0 and g[3] == 0, fn.__name__


def test_integer_means_as_tf1():
    # the sorted op divides in the integer dtype (toward zero); the unsorted composite
    # divides as TF1's `/` does, in float64
    got = run(gc.segment_mean([1, 4, -5, -2], [0, 0, 1, 1]))
    assert got.dtype == np.int32 and got.tolist() == [2, -3]
    got = run(gc.unsorted_segment_mean([1, 4, -5], [0, 0, 1], 2))
    assert got.dtype == np.float64 and got.tolist() == [2.5, -5.0]


def test_static_shapes():
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    assert gc.segment_sum(x, [0, 0, 3]).shape == (4, 3)
    assert gc.segment_max(x, gc.placeholder(gc.int32, (None,))).shape.as_list() == [None, 3]
    assert gc.unsorted_segment_min(gc.placeholder(gc.float32, (2, 4, 3)),
                                   gc.placeholder(gc.int64, (2, 4)), 5).shape == (5, 3)
    assert gc.unsorted_segment_mean(x, gc.placeholder(gc.int32, (None,)), 6).shape == (6, 3)


def test_build_time_errors_name_the_operands():
    x = gc.placeholder(gc.float32, (3, 2), name="x")
    raises(ShapeError, lambda: gc.segment_sum(x, [0, 2, 1]), "must be sorted")
    raises(ShapeError, lambda: gc.segment_max(x, [-1, 0, 0]), ">= 0")
    raises(ShapeError, lambda: gc.segment_min(x, [0, 1]), "2 ids", "3 rows", "'x'")
    raises(ShapeError, lambda: gc.segment_mean(x, [[0, 0, 1]]), "must be a vector")
    raises(DTypeError, lambda: gc.segment_prod(x, [0.0, 1.0, 1.0]), "integer")
    raises(DTypeError, lambda: gc.segment_sum([True], [0]), "numeric")
    raises(ShapeError, lambda: gc.unsorted_segment_max(x, [0, 1], 2), "prefix")
    raises(DTypeError, lambda: gc.unsorted_segment_sqrt_n([1, 2], [0, 1], 2), "floating")


def test_run_time_errors_name_the_node():
    x = gc.placeholder(gc.float32, (3,), name="x")
    ids = gc.placeholder(gc.int32, (3,), name="ids")
    s = gc.segment_sum(x, ids, name="seg")
    feed = {x: [1.0, 2.0, 3.0]}
    with pytest.raises(ExecutionError, match=r"not increasing: segment_ids\[2\] = 0") as e:
        run(s, {**feed, ids: [0, 1, 0]})
    assert "seg" in str(e.value)
    with pytest.raises(ExecutionError, match=">= 0"):
        run(s, {**feed, ids: [-1, 0, 0]})
    with pytest.raises(ExecutionError, match=r"segment_ids\[1\] = 3 is out of range \[0, 3\)"):
        run(gc.unsorted_segment_max(x, ids, 3), {**feed, ids: [0, 3, 1]})


def test_max_and_min_share_the_gradient_among_ties():
    x = gc.constant([1.0, 3.0, 3.0, 2.0])
    assert grad(gc.segment_max(x, [0, 0, 0, 1]), x).tolist() == [0, 0.5, 0.5, 1]
    assert grad(gc.unsorted_segment_min(x, [1, 0, 1, 0], 2), x).tolist() == [1, 0, 0, 1]
    y = gc.constant([2.0, 2.0, 2.0], gc.float64)
    assert grad(gc.unsorted_segment_max(y, [0, 0, 0], 1), y).tolist() == [1 / 3] * 3


def test_mean_gradient_divides_by_the_count():
    x = gc.constant([1.0, 2.0, 3.0, 4.0], gc.float64)
    assert grad(gc.segment_mean(x, [0, 0, 0, 2]), x).tolist() == [1 / 3] * 3 + [1]


def test_prod_gradient_with_zeros():
    x = gc.constant([2.0, 0.0, 3.0, 0.0, 0.0, 5.0, 4.0])
    ids = [0, 0, 0, 1, 1, 2, 2]
    want = [0, 6, 0, 0, 0, 4, 5]             # one zero: the others' product; two: 0
    assert grad(gc.segment_prod(x, ids), x).tolist() == want
    assert grad(gc.unsorted_segment_prod(x, ids, 3), x).tolist() == want


@pytest.mark.parametrize("fn", [
    lambda x: gc.segment_prod(x, [0, 0, 1, 1, 1]),
    lambda x: gc.unsorted_segment_prod(x, [1, 0, 1, -1, 1], 2),
    lambda x: gc.segment_mean(x * x, [0, 0, 0, 1, 1]),
    lambda x: gc.unsorted_segment_max(x * x, [0, 1, 0, 1, 1], 2),
], ids=["segment_prod", "unsorted_segment_prod", "segment_mean", "unsorted_segment_max"])
def test_second_derivatives(fn):
    def gradient(x):
        y = fn(x)
        return gc.gradients(gc.reduce_sum(y * y), [x])[0]
    check_vjp(gradient, [np.array([0.7, -1.3, 0.9, 1.1, -0.6])])


# ---- dynamic_partition, dynamic_stitch -----------------------------------------------------
def test_partition_and_stitch_tf1_examples():
    parts = gc.dynamic_partition([10, 20, 30, 40, 50], [0, 0, 1, 1, 0], 2)
    assert [p.tolist() for p in run(parts)] == [[10, 20, 50], [30, 40]]
    a, b = run(gc.dynamic_partition([10, 20], 1, 2))      # scalar partitions
    assert a.shape == (0, 2) and b.tolist() == [[10, 20]]
    merged = gc.dynamic_stitch(
        [6, [4, 1], [[5, 2], [0, 3]]],
        [[61, 62], [[41, 42], [11, 12]], [[[51, 52], [21, 22]], [[1, 2], [31, 32]]]])
    assert merged.shape == (7, 2)
    assert run(merged).tolist() == [[1, 2], [11, 12], [21, 22], [31, 32], [41, 42],
                                    [51, 52], [61, 62]]


def test_partition_then_stitch_applies_a_function_to_some_elements():
    x = gc.constant([0.1, -1.0, 5.2, 4.3, -1.0, 7.4])     # TF1's documented idiom
    mask = gc.cast(gc.not_equal(x, -1.0), gc.int32)
    data = gc.dynamic_partition(x, mask, 2)
    where_from = gc.dynamic_partition(gc.range(gc.shape(x)[0]), mask, 2)
    y = gc.dynamic_stitch(where_from, [data[0], data[1] + 1.0])
    np.testing.assert_allclose(run(y), [1.1, -1.0, 6.2, 5.3, -1.0, 8.4])
    np.testing.assert_allclose(grad(y * y, x), 2 * np.array([1.1, -1.0, 6.2, 5.3, -1.0, 8.4]))


def test_stitch_later_slice_wins_and_gets_the_gradient():
    a, b = gc.constant([1.0, 2.0]), gc.constant([[3.0], [4.0]])
    y = gc.dynamic_stitch([[0, 1], [[1], [3]]], [a, b])
    assert run(y).tolist() == [1.0, 3.0, 0.0, 4.0]                   # row 2: no index
    ga, gb = run(gc.gradients(gc.reduce_sum(y * [1.0, 2.0, 3.0, 4.0]), [a, b]))
    assert ga.tolist() == [1.0, 0.0] and gb.tolist() == [[2.0], [4.0]]


def test_partition_gradient_of_an_unused_piece_is_zero():
    x = gc.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    p = gc.dynamic_partition(x, [1, 0, 1], 2)
    assert grad(p[1] * 3.0, x).tolist() == [[3, 3], [0, 0], [3, 3]]


def test_partition_and_stitch_static_shapes():
    x = gc.placeholder(gc.float32, (None, 4, 2))
    p = gc.placeholder(gc.int32, (None, 4))
    assert [t.shape.as_list() for t in gc.dynamic_partition(x, p, 2)] == [[None, 2]] * 2
    i = gc.placeholder(gc.int32, (None,))
    assert gc.dynamic_stitch([i, [0, 5]], [gc.placeholder(gc.float32, (None, 3)),
                                           np.zeros((2, 3), np.float32)]).shape.as_list() \
        == [None, 3]
    assert gc.dynamic_stitch([[0, 5]], [np.zeros((2, 3))]).shape == (6, 3)


def test_partition_and_stitch_errors():
    x = gc.placeholder(gc.float32, (3, 2), name="x")
    raises(ShapeError, lambda: gc.dynamic_partition(x, [0, 2, 1], 2), "holds 2")
    raises(ShapeError, lambda: gc.dynamic_partition(x, [0, 1], 2), "prefix")
    raises(DTypeError, lambda: gc.dynamic_partition(x, [0.0, 1.0, 1.0], 2), "integer")
    with pytest.raises(ValueError, match="num_partitions"):
        gc.dynamic_partition(x, [0, 0, 0], 0)
    p = gc.placeholder(gc.int32, (3,), name="p")
    with pytest.raises(ExecutionError, match=r"partitions\[1\] = 5 is not in \[0, 2\)"):
        run(gc.dynamic_partition(x, p, 2), {x: np.zeros((3, 2)), p: [0, 5, 1]})
    raises(DTypeError, lambda: gc.dynamic_stitch([[0], [1]], [x[:1], [[1, 2]]]), "dtypes")
    raises(ShapeError, lambda: gc.dynamic_stitch([[0], [1]], [x[:1], np.zeros((1, 3),
                                                                        np.float32)]),
           "slices")
    raises(ShapeError, lambda: gc.dynamic_stitch([[-1]], [x[:1]]), ">= 0")
    with pytest.raises(ValueError, match="as many"):
        gc.dynamic_stitch([[0]], [x, x])
    i = gc.placeholder(gc.int32, (1,), name="i")
    with pytest.raises(ExecutionError, match=">= 0"):
        run(gc.dynamic_stitch([i], [x[:1]]), {i: [-2], x: np.zeros((3, 2))})


def test_stitch_second_derivative_with_run_time_repeats():
    a = gc.placeholder(gc.float64, (4,), name="a")
    idx = gc.placeholder(gc.int32, (4,), name="idx")
    y = gc.dynamic_stitch([idx, [1, 2]], [a * a, gc.constant([5.0, 6.0], gc.float64)])
    g1 = gc.gradients(gc.reduce_sum(y * y), [a])[0]
    d2 = gc.gradients(gc.reduce_sum(g1), [a])[0]
    got = run([y, d2], {a: [1.0, 2.0, 3.0, 4.0], idx: [0, 1, 3, 0]})
    # a[0] and a[3] land on row 0 (a[3], later, wins), a[1] on row 1 (where the later
    # 5.0 wins), a[2] on row 3: sum(y^2) = a3^4 + a2^4 + 61, so d2 = 12 a^2 for a2, a3
    assert got[0].tolist() == [16.0, 5.0, 6.0, 9.0]
    assert got[1].tolist() == [0.0, 0.0, 12 * 9.0, 12 * 16.0]


def test_64_bit_integer_means_wrap_then_truncate_as_tf():
    """TF sums 64-bit ints in their dtype (wrapping) and divides toward zero (hunt 21):
    uint64 stays unsigned, INT64_MIN keeps its sign."""
    m = 2**64 - 1
    u = gc.constant(np.array([2**63 + 4, 2, m, m, 1], np.uint64))
    i = gc.constant(np.array([2**63 - 1, 1, -7, 2], np.int64))
    got = run([gc.reduce_mean(u[:2]), gc.reduce_mean(u[2:]), gc.reduce_mean(i[:2]),
               gc.reduce_mean(i[2:]), gc.segment_mean(u, [0, 0, 1, 1, 1]),
               gc.segment_mean(i, [0, 0, 1, 1])])
    assert got[0] == 4611686018427387907 and got[1] == 6148914691236517205
    assert got[2] == -4611686018427387904 and got[3] == -2
    assert got[4].tolist() == [4611686018427387907, 6148914691236517205]
    assert got[5].tolist() == [-4611686018427387904, -2]
    assert run(gc.reduce_mean(gc.constant([[1, 2], [3, -4]], gc.int8), 1)).tolist() == [1, 0]
