"""Variable's TF1 keywords, variable creators and constraints, against TF."""
import numpy as np
import pytest
from tf_parity import v1

import graphc as gc


def _train(m, make_opt):
    with m.Graph().as_default():
        k = m.Variable(np.array([1.0, -2.0, 0.3], np.float32),
                       constraint=lambda x: m.clip_by_value(x, 0.0, 1.0))
        w = m.get_variable("w", initializer=np.array([3.0, -4.0], np.float32),
                           constraint=lambda x: x / m.maximum(m.norm(x), 1.0))
        loss = m.reduce_sum(k * np.float32([1.0, -1.0, 2.0])) + m.reduce_sum(w * w)
        step = make_opt(m).minimize(loss)
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            out = []
            for _ in range(3):
                s.run(step)
                out.append(s.run([k, w]))
    return out


OPTIMIZERS = {"sgd": lambda m: m.train.GradientDescentOptimizer(0.1),
              "adam": lambda m: m.train.AdamOptimizer(0.1),
              "momentum": lambda m: m.train.MomentumOptimizer(0.1, 0.9)}


@pytest.mark.parametrize("opt", sorted(OPTIMIZERS))
def test_constraint_after_update(opt):
    ours, theirs = _train(gc, OPTIMIZERS[opt]), _train(v1, OPTIMIZERS[opt])
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-7)


def _creators(m):
    seen = []

    def freeze(next_creator, **kw):
        seen.append(("freeze", kw["name"], kw["trainable"]))
        kw["trainable"] = False
        return next_creator(**kw)

    def log(next_creator, **kw):
        seen.append(("log", kw["name"], sorted(k for k, v in kw.items() if v is not None)))
        return next_creator(**kw)

    with m.Graph().as_default():
        with m.variable_creator_scope(freeze):
            with m.variable_creator_scope(log):
                m.Variable(1.0, name="a")
                with m.variable_scope("s"):
                    m.get_variable("b", [2])
        m.Variable(2.0, name="c")
        names = sorted(v.name for v in m.trainable_variables())
        ro = m.Variable(0.0, name="ro", synchronization=m.VariableSynchronization.ON_READ,
                        aggregation=m.VariableAggregation.SUM)
        return seen, names, ro.trainable, ro.aggregation.name, ro.synchronization.name


def test_variable_creators_and_enums():
    ours, theirs = _creators(gc), _creators(v1)
    assert ours[1:] == theirs[1:]
    # the same creators ran in the same order, for the same names
    assert [(a, b) for a, b, _ in ours[0]] == [(a, b) for a, b, _ in theirs[0]]


def test_on_read_trainable_defaults():
    got = []
    for m in (gc, v1):
        with m.Graph().as_default():
            sync = m.VariableSynchronization.ON_READ
            got.append((m.Variable(0.0, trainable=True, synchronization=sync).trainable,
                        m.get_variable("w", [], synchronization=sync).trainable,
                        m.get_variable("u", [], trainable=True,
                                       synchronization=sync).trainable))
    assert got[0] == got[1]
