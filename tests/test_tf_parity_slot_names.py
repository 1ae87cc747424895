"""Parity with TF for the names of optimizer variables made inside scopes: a slot is
'<variable scope>/<var>/<slot>' and a non-slot variable (Adam's beta1_power) is in the
current name scope, as TF1's slot_creator and Optimizer make them, so TF checkpoints
of models that call minimize inside a scope restore into graphc."""
import pytest
from tf_parity import v1

import graphc as gc

OPTIMIZERS = {
    "adam": lambda m: m.train.AdamOptimizer(0.1),
    "momentum": lambda m: m.train.MomentumOptimizer(0.1, 0.9),
    "rmsprop": lambda m: m.train.RMSPropOptimizer(0.1, momentum=0.5),
    "adagrad": lambda m: m.train.AdagradOptimizer(0.1),
    "ftrl": lambda m: m.train.FtrlOptimizer(0.1),
    "adadelta": lambda m: m.train.AdadeltaOptimizer(0.1),
}


def _names(m, make):
    g = m.Graph()
    with g.as_default():
        w = m.get_variable("w", [2], initializer=m.ones_initializer())
        with m.variable_scope("s"):
            u = m.get_variable("u", [2], initializer=m.ones_initializer())
            make(m).minimize(m.reduce_sum(w * u))
        with m.name_scope("train"):
            make(m).minimize(m.reduce_sum(w * w))
        with m.variable_scope("outer"), m.variable_scope("inner"):
            make(m).minimize(m.reduce_sum(w * w))
        return sorted(v.op.name for v in m.global_variables())


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_variable_names_in_scopes_match_tf(name):
    assert _names(gc, OPTIMIZERS[name]) == _names(v1, OPTIMIZERS[name])
