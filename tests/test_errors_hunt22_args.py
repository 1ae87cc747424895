"""Bad int arguments, as session 22's errors hunt found them (A1, A7, B4, E5, C1): each error
has TF1's class (TypeError for a non-int size, axis, perm or depth; ValueError for a
negative dim or a scalar size list) and names the op and this file's line. No TF needed.
"""
import inspect

import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ExecutionError, ShapeError
from helpers import raises, run

HERE = "test_errors_hunt22_args.py"


def check_error(cls, build, *fragments):
    """helpers.raises; the message."""
    return str(raises(cls, build, *fragments))


def x23():
    return gc.constant(np.arange(6.0).reshape(2, 3), name="x")


# ---- A1: fractional values for int arguments are a TypeError, never truncated ---------------
def test_fractional_int_arguments_raise_a_dtype_error_naming_op_and_argument():
    x = x23()
    t = gc.constant(3)
    f = gc.constant(3.0)
    cases = [
        (lambda: gc.slice(x, [0, 1.5], [1, 1]), "slice: begin", "[0, 1.5]"),
        (lambda: gc.slice(x, [0, 0], [1, 1.9]), "slice: size", "[1, 1.9]"),
        (lambda: gc.reshape(x, [3.0, 2.0]), "reshape: shape", "[3.0, 2.0]"),
        (lambda: gc.reshape(x, 6.0), "reshape: shape", "6.0"),
        (lambda: gc.reshape(x, [t, 2.0]), "reshape: shape", "floats"),
        (lambda: gc.reshape(x, [f, 2]), "reshape: shape", "float32 tensor"),
        (lambda: gc.reshape(x, [None, 3]), "reshape: shape", "[None, 3]"),
        (lambda: gc.pad(x, [[0.5, 0], [0, 0]]), "pad: paddings", "0.5"),
        (lambda: gc.fill([1.5], 3.0), "fill: dims", "[1.5]"),
        (lambda: gc.broadcast_to(x, [2.0, 3.0]), "broadcast_to: shape", "[2.0, 3.0]"),
        (lambda: gc.scatter_nd([[0]], [1.0], [3.5]), "scatter_nd: shape", "[3.5]"),
        (lambda: gc.split(x, [1.5, 1.5], axis=1), "split: num_or_size_splits", "[1.5, 1.5]"),
        (lambda: gc.random_normal([2.5]), "random_normal: shape", "[2.5]"),
        (lambda: gc.reshape(x, np.array([3.0, 1.5])), "reshape: shape", "never truncates"),
    ]
    for build, head, shown in cases:
        msg = check_error(DTypeError, build, head, shown, "must be ints")
        assert isinstance(DTypeError(msg), TypeError)          # TF1: TypeError


def test_tile_with_fractional_multiples_is_refused_at_the_users_line():
    # tile_reverse.py does not pass its name to _shape_tensor yet: no "tile:" to check
    x = x23()
    check_error(TypeError, lambda: gc.tile(x, [1, 1.7]), "[1, 1.7]", "must be ints")


def test_int_arguments_tf1_accepts_still_work():
    x = x23()
    d = gc.placeholder(gc.float32, [2, 3]).shape[1]                  # a TF1 Dimension
    assert run(gc.reshape(x, [d, 2])).shape == (3, 2)
    assert run(gc.reshape(x, np.array([3.0, 2.0]))).shape == (3, 2)  # numpy floats, exact
    assert run(gc.reshape(x, np.array([3, 2], np.int64))).shape == (3, 2)
    assert run(gc.reshape(x, [True, 6])).shape == (1, 6)             # bools are ints (TF1)
    assert run(gc.fill([], 3.0)) == 3.0
    assert run(gc.tile(x, np.array([1, 2], np.uint8))).shape == (2, 6)
    np.testing.assert_array_equal(run(gc.slice(x, [0, 1], [1, 2])), [[1.0, 2.0]])
    np.testing.assert_array_equal(run(gc.pad(gc.ones([1]), [[1, 0]])), [0.0, 1.0])
    assert run(gc.broadcast_to(gc.ones([3]), [2, 3])).shape == (2, 3)
    np.testing.assert_array_equal(run(gc.scatter_nd([[1]], [5.0], [3])), [0.0, 5.0, 0.0])


def test_a_size_beyond_int32_becomes_int64_not_an_overflow():
    x = x23()
    check_error(ShapeError, lambda: gc.reshape(x, [2**40, 1]), "reshape", "1099511627776")
    y = gc.reshape(gc.placeholder(gc.float32, [None]), [2**31, -1])
    assert y.op.inputs[1].dtype is gc.int64 and y.shape._dims == (2**31, None)


def test_a_partially_known_tensorshape_is_a_value_error():
    x = x23()
    check_error(ShapeError, lambda: gc.reshape(x, gc.TensorShape([None, 3])), "reshape",
                "partially known")


# ---- A7: negative dims --------------------------------------------------------------------
def test_placeholder_and_tensorshape_refuse_negative_dims():
    # TF1's ValueError; the message names the dim (core.placeholder adds no op or line yet)
    with pytest.raises(ValueError, match="-3"):
        gc.placeholder(gc.float32, [2, -3])
    with pytest.raises(ValueError, match="-3"):
        gc.placeholder(gc.float32, (2, -3))
    with pytest.raises(ValueError, match="-2"):
        gc.TensorShape((4, -2))
    assert gc.TensorShape((2, 0, 3))._dims == (2, 0, 3)


# ---- B4: a float axis, perm or depth is a TypeError ---------------------------------------
def test_non_int_axis_perm_depth_raise_dtype_errors():
    x = x23()
    cases = [
        (lambda: gc.transpose(x, [1.0, 0.0]), "transpose: perm"),
        (lambda: gc.transpose(x, gc.constant([1.0, 0.0])), "transpose: perm"),
        (lambda: gc.reduce_sum(x, axis=gc.constant(1.0)), "reduce_sum: axis"),
        (lambda: gc.expand_dims(x, 1.0), "expand_dims: axis"),
        (lambda: gc.one_hot([0, 1], 3.5), "one_hot: depth"),
        (lambda: gc.one_hot([0, 1], gc.constant(3.0)), "one_hot: depth"),
        (lambda: gc.concat([x, x], 1.0), "concat: axis"),
        (lambda: gc.reverse(x, [0.7]), "reverse: axis"),
        (lambda: gc.gather(x, [0], axis=1.0), "gather: axis"),
        (lambda: gc.split(x, [1, 2], axis=1.0), "split: axis"),
    ]
    for build, head in cases:
        check_error(DTypeError, build, head)


def test_bad_int_values_keep_their_value_error():
    x = x23()
    check_error(ShapeError, lambda: gc.transpose(x, [0, 0]), "transpose: perm",
                "not a permutation")
    check_error(ShapeError, lambda: gc.one_hot([0, 1], -1), "one_hot: depth must be >= 0")
    check_error(ShapeError, lambda: gc.reduce_sum(x, axis=5), "reduce_sum: axis 5",
                "out of range")


# ---- E5: split(x, 2.0) ----------------------------------------------------------------------
def test_split_by_a_scalar_that_is_not_an_int_says_rank_0():
    v = gc.ones([4])
    check_error(ShapeError, lambda: gc.split(v, 2.0), "split: Rank-0", "2.0")
    check_error(ShapeError, lambda: gc.split(v, gc.constant(2)), "split: Rank-0")
    check_error(ShapeError, lambda: gc.split(v, np.float32(2)), "split: Rank-0")
    assert [p.shape._dims for p in gc.split(v, 2)] == [(2,), (2,)]
    assert [p.shape._dims for p in gc.split(v, np.int64(2))] == [(2,), (2,)]
    assert [p.shape._dims for p in gc.split(v, [1, 3])] == [(1,), (3,)]


# ---- C1: constant out-of-range gather indices and segment ids -------------------------------
def test_constant_negative_gather_index_is_a_build_error():
    x = x23()
    check_error(ShapeError, lambda: gc.gather(x, [-1]), "gather: indices", "hold -1",
                "[0, 2)", "does not count from the end")
    check_error(ShapeError, lambda: gc.gather(x, [0, -2], axis=1), "gather", "hold -2",
                "[0, 3)")
    check_error(ShapeError, lambda: gc.gather(gc.placeholder(gc.float32), [-1]), "gather",
                "hold -1")


def test_run_time_negative_gather_index_names_the_node():
    x = x23()
    i = gc.placeholder(gc.int32, [None])
    y = gc.gather(x, i)
    line = inspect.currentframe().f_lineno - 1
    with pytest.raises(ExecutionError) as e:
        run(y, {i: [-1]})
    msg = str(e.value)
    assert "indices[0] = -1 is not in [0, 2)" in msg and f"{HERE}:{line}" in msg, msg
    assert "GatherV2" in msg


def test_constant_out_of_range_segment_ids_are_build_errors():
    d = gc.constant([1.0, 2.0, 3.0])
    check_error(ShapeError, lambda: gc.unsorted_segment_sum(d, [0, 1, 5], 3),
                "unsorted_segment_sum: segment_ids", "hold 5", "[0, 3)")
    check_error(ShapeError, lambda: gc.unsorted_segment_sum(d, [0, 1, 2], 2),
                "unsorted_segment_sum", "hold 2", "[0, 2)")
    check_error(ShapeError, lambda: gc.unsorted_segment_max(d, [0, 1, 5], 3),
                "unsorted_segment_max", "hold 5")
    check_error(ShapeError, lambda: gc.unsorted_segment_prod(d, [0, 1, 2], 2),
                "unsorted_segment_prod", "hold 2")
    check_error(ShapeError, lambda: gc.unsorted_segment_mean(d, [0, 1, 5], 3),
                "unsorted_segment", "hold 5")
    check_error(ShapeError, lambda: gc.unsorted_segment_sum(d, [0, 1, 2], -1),
                "num_segments", ">= 0")
    # a negative id drops its data (TF1), at build and at run time
    np.testing.assert_array_equal(run(gc.unsorted_segment_sum(d, [0, -1, 1], 2)), [1.0, 3.0])


@pytest.mark.parametrize("api", ["unsorted_segment_sum", "unsorted_segment_max",
                                 "unsorted_segment_min", "unsorted_segment_prod",
                                 "unsorted_segment_mean", "unsorted_segment_sqrt_n"])
def test_run_time_out_of_range_segment_ids_get_a_graphc_message(api):
    d = gc.constant([1.0, 2.0, 3.0])
    ids = gc.placeholder(gc.int32, [None])
    n = gc.placeholder(gc.int32, [])
    y = getattr(gc, api)(d, ids, n)
    line = inspect.currentframe().f_lineno - 1
    for fed_ids, fed_n, want in [([0, 1, 5], 3, "segment_ids[2] = 5 is out of range [0, 3)"),
                                 ([0, 1, 2], 2, "segment_ids[2] = 2 is out of range [0, 2)")]:
        with pytest.raises(ExecutionError) as e:
            run(y, {ids: fed_ids, n: fed_n})
        msg = str(e.value)
        assert want in msg and f"{HERE}:{line}" in msg, msg
        assert "IndexError" not in msg and "out of bounds for axis" not in msg, msg


def test_expand_dims_takes_a_one_element_axis_list_as_tf():
    """BERT's modeling.py: tf.expand_dims(x, axis=[-1])."""
    x = gc.placeholder(gc.float32, [None, 3])
    assert gc.expand_dims(x, axis=[-1]).shape.as_list() == [None, 3, 1]
    assert gc.expand_dims(x, gc.constant([1])).shape.as_list() == [None, 1, 3]
    assert gc.expand_dims(x, np.array([0])).shape.as_list() == [1, None, 3]
    check_error(ShapeError, lambda: gc.expand_dims(x, [1, 2]), "single value", "[1, 2]")
