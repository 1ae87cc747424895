"""The check_numerics compiler option and gc.debugging.enable_check_numerics."""
import numpy as np
import pytest

import graphc as gc
from graphc.compiler.pipeline import Options


def _checked_session(**kw):
    return gc.Session(optimize=Options(check_numerics=True, **kw))


def test_first_nan_names_the_op_and_where_it_was_created():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [3], name="x")
        y = gc.log(x, name="the_log")
        z = y * 2.0
        with _checked_session() as s:
            np.testing.assert_allclose(s.run(z, {x: [1, 2, 3]}), 2 * np.log([1, 2, 3]))
            with pytest.raises(gc.errors.InvalidArgumentError) as info:
                with np.errstate(all="ignore"):
                    s.run(z, {x: [1.0, 0.0, -1.0]})
    msg = str(info.value)
    assert "the_log" in msg and "1 NaN and 1 inf" in msg and "test_check_numerics.py" in msg
    assert info.value.op is y.op


def test_unchecked_session_gives_the_nan():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2])
        with gc.Session() as s, np.errstate(all="ignore"):
            assert np.isnan(s.run(gc.sqrt(x), {x: [-1.0, 4.0]})[0])


def test_stability_rewrites_still_run_so_log_softmax_passes():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2])
        y = gc.log(gc.nn.softmax(x))
        feed = {x: [1000.0, 0.0]}
        with _checked_session() as s:
            np.testing.assert_allclose(s.run(y, feed), [0.0, -1000.0])
        with gc.Session(optimize=Options(optimize=False, check_numerics=True)) as s:
            with pytest.raises(gc.errors.InvalidArgumentError, match="Log"), \
                    np.errstate(all="ignore"):
                s.run(y, feed)


def test_large_arrays_are_checked_op_by_op_not_fused():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [1 << 20])
        y = gc.exp(x * 2.0 + 1.0, name="big_exp") - 3.0
        v = np.zeros(1 << 20, np.float32)
        v[-1] = 100.0
        with _checked_session() as s:
            with pytest.raises(gc.errors.InvalidArgumentError, match="big_exp"), \
                    np.errstate(all="ignore"):
                s.run(y, {x: v})


def test_long_plans_run_by_the_interpreter_are_checked():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, [])
        y = x
        for _ in range(4500):
            y = gc.sin(y) + 1.0
        z = gc.math.reciprocal(y - y, name="recip")
        with gc.Session(optimize=Options(optimize=False, check_numerics=True)) as s:
            with pytest.raises(gc.errors.InvalidArgumentError, match="recip"), \
                    np.errstate(all="ignore"):
                s.run(z, {x: 0.5})


def test_enable_and_disable_set_the_default():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [1])
        y = gc.math.reciprocal(x)
        gc.debugging.enable_check_numerics()
        try:
            with gc.Session() as s, np.errstate(all="ignore"):
                with pytest.raises(gc.errors.InvalidArgumentError, match="Reciprocal"):
                    s.run(y, {x: [0.0]})
            with gc.Session(optimize=Options(check_numerics=False)) as s, \
                    np.errstate(all="ignore"):
                assert np.isinf(s.run(y, {x: [0.0]})[0])
        finally:
            gc.debugging.disable_check_numerics()
        with gc.Session() as s, np.errstate(all="ignore"):
            assert np.isinf(s.run(y, {x: [0.0]})[0])
