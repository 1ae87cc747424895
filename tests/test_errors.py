"""Build-time errors are raised at the user's line and name every operand."""
import inspect
import os

import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ShapeError

HERE = os.path.basename(__file__)


def _next_line():
    """The line number after the caller's line (where the offending call is)."""
    return inspect.currentframe().f_back.f_lineno + 1


def _assert_at(err, line, *parts):
    msg = str(err.value)
    assert f"{HERE}:{line}" in msg, msg
    for p in parts:
        assert p in msg, msg


def test_matmul_inner_dims_message_matches_design():
    x = gc.placeholder(gc.float32, (None, 128), name="x")
    W1 = gc.Variable(gc.zeros((64, 256)), name="W1")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        gc.matmul(x, W1)
    _assert_at(e, line, "matmul: inner dimensions differ: x has 128 (dim 1) but W1 has 64 "
               "(dim 0)", "x: placeholder 'x'  shape (?, 128) float32, created at",
               "W1: variable 'W1'  shape (64, 256) float32")
    assert isinstance(e.value, ValueError)


def test_broadcast_clash_names_dims():
    a = gc.placeholder(gc.float32, (4, 3), name="a")
    b = gc.placeholder(gc.float32, (4, 5), name="b")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        a + b
    _assert_at(e, line, "a has 3 but b has 5 at dim -1")


def test_dtype_mismatch_is_a_type_error():
    a = gc.placeholder(gc.float32, (3,), name="a")
    b = gc.placeholder(gc.float64, (3,), name="b")
    with pytest.raises(DTypeError) as e:
        line = _next_line()
        gc.multiply(a, b)
    _assert_at(e, line, "a is float32 but b is float64", "gc.cast")
    assert isinstance(e.value, TypeError)
    i = gc.placeholder(gc.int32, (3,), name="i")
    with pytest.raises(DTypeError) as e:
        line = _next_line()
        i + 1.5
    _assert_at(e, line, "1.5", "int32")
    assert (i + 2).dtype is gc.int32 and (a * 2).dtype is gc.float32


def test_float_op_on_ints():
    i = gc.placeholder(gc.int32, (3,), name="i")
    with pytest.raises(DTypeError) as e:
        line = _next_line()
        gc.exp(i)
    _assert_at(e, line, "i has dtype int32", "float")


def test_reshape_impossible_size():
    x = gc.placeholder(gc.float32, (4, 6), name="x")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        gc.reshape(x, (5, 5))
    _assert_at(e, line, "24", "25", "x: placeholder 'x'")


def test_concat_and_stack_mismatch():
    a = gc.placeholder(gc.float32, (2, 3), name="a")
    b = gc.placeholder(gc.float32, (2, 4), name="b")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        gc.concat([a, b], axis=0)
    _assert_at(e, line, "a: placeholder 'a'", "b: placeholder 'b'")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        gc.stack([a, b])
    _assert_at(e, line, "a: placeholder 'a'", "b: placeholder 'b'")


def test_bad_axis_and_perm():
    x = gc.placeholder(gc.float32, (2, 3), name="x")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        gc.reduce_sum(x, axis=2)
    _assert_at(e, line, "axis 2 is out of range", "rank 2")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        gc.transpose(x, perm=(0, 0))
    _assert_at(e, line, "perm")


def test_conv2d_channel_mismatch():
    img = gc.placeholder(gc.float32, (None, 8, 8, 3), name="images")
    k = gc.Variable(gc.zeros((3, 3, 4, 16)), name="kernel")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        gc.nn.conv2d(img, k, strides=[1, 1, 1, 1], padding="SAME")
    _assert_at(e, line, "images", "kernel", "3", "4")


def test_named_dim_bound_to_two_sizes():
    x = gc.placeholder(gc.float32, ("batch", 3), name="x")
    y = gc.placeholder(gc.float32, (32, 3), name="y")
    x + y                                   # binds batch = 32
    z = gc.placeholder(gc.float32, ("batch", 3), name="z")
    w = gc.placeholder(gc.float32, (64, 3), name="w")
    with pytest.raises(ShapeError) as e:
        line = _next_line()
        z + w
    _assert_at(e, line, "'batch' (bound to 32 at", "64")
    with gc.Session() as s, pytest.raises(gc.errors.FeedError, match="named dim 'batch'"):
        s.run(x * 2.0, {x: np.zeros((16, 3))})


def test_named_dims_propagate():
    x = gc.placeholder(gc.float32, ("batch", 784), name="x")
    W = gc.Variable(gc.zeros((784, 10)), name="W")
    assert (x @ W).shape.as_list() == ["batch", 10]


def test_error_messages_are_built_lazily_and_cheap_to_catch():
    a = gc.placeholder(gc.float32, (4, 3), name="a")
    for _ in range(100):
        with pytest.raises(ShapeError):
            a + gc.placeholder(gc.float32, (2,))
