"""Effects reached only through control edges and identities, and variables read in cond
branches that are not taken: the optimizing compiler keeps TF1's meaning (each case runs
optimized and not)."""
import numpy as np
import pytest

import graphc as gc


@pytest.fixture(params=[True, False], ids=["optimized", "unoptimized"])
def optimize(request):
    return request.param


def _after(optimize, build, feeds=None):
    """v's value after running what build(v) returns (an op or a list of ops)."""
    with gc.Graph().as_default():
        v = gc.Variable(5.0, name="v")
        target = build(v)
        with gc.Session(optimize=optimize) as s:
            s.run(v.initializer)
            s.run(target, feeds)
            return s.run(v)


def test_control_dependency_on_identity_of_an_assign(optimize):
    def build(v):
        m = gc.identity(gc.assign_sub(v, 1.0))
        with gc.control_dependencies([m]):
            return gc.no_op()
    assert _after(optimize, build) == 4.0


def test_running_the_op_of_an_identity_of_an_assign(optimize):
    assert _after(optimize, lambda v: gc.identity(gc.assign_add(v, 2.0)).op) == 7.0
    assert _after(optimize, lambda v: gc.identity(gc.identity(v.assign(1.0))).op) == 1.0


def test_control_dependency_on_identity_of_a_stateful_cond(optimize):
    """TF1's batch norm update ops on a training placeholder: a cond whose true branch
    assigns, reached through an Identity (an imported Merge) by a control edge."""
    def build(v):
        p = gc.placeholder(gc.bool, [], name="p")
        c = gc.cond(p, lambda: gc.assign_sub(v, 1.0), lambda: gc.identity(v))
        with gc.control_dependencies([gc.identity(c)]):
            return gc.no_op()
    assert _after(optimize, build, {"p:0": True}) == 4.0
    assert _after(optimize, build, {"p:0": False}) == 5.0


def test_untaken_branch_does_not_read_an_uninitialized_variable(optimize):
    """TF1's initialized_value() and ExponentialMovingAverage: cond(is_initialized(v),
    read v, initial value) runs before v has a value."""
    with gc.Graph().as_default():
        v = gc.Variable(3.0, name="v")
        w = gc.Variable(1.0, name="w")
        c = gc.cond(gc.is_variable_initialized(v), lambda: gc.identity(v) * w,
                    lambda: gc.constant(7.0))
        with gc.Session(optimize=optimize) as s:
            s.run(w.initializer)
            assert s.run(c) == 7.0
            s.run(v.initializer)
            assert s.run(c) == 3.0
    with gc.Graph().as_default():                   # a branch taken still says so
        v = gc.Variable(3.0, name="v")
        c = gc.cond(gc.constant(True), lambda: gc.identity(v), lambda: gc.constant(7.0))
        with gc.Session(optimize=optimize) as s:
            with pytest.raises(gc.errors.FailedPreconditionError, match="'v'.*before it is "
                                                                         "initialized"):
                s.run(c)


def test_gradient_through_a_live_read_in_a_branch(optimize):
    with gc.Graph().as_default():
        v = gc.Variable(3.0, name="v")
        p = gc.placeholder(gc.bool, [])
        y = gc.cond(p, lambda: v * v, lambda: gc.constant(0.0))
        (g,) = gc.gradients(y, [v])
        with gc.Session(optimize=optimize) as s:
            s.run(v.initializer)
            np.testing.assert_allclose(s.run([y, g], {p: True}), [9.0, 6.0])
            np.testing.assert_allclose(s.run([y, g], {p: False}), [0.0, 0.0])
