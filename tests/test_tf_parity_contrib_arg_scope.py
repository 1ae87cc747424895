"""Parity with tf_slim for arg_scope (tests/test_contrib_arg_scope.py has the behaviour
tests): the same script of scopes gives the same calls, scopes and errors."""
import pytest
from tf_parity import tf  # noqa: F401 (skips the file without TensorFlow)

import graphc as gc

slim = pytest.importorskip("tf_slim")


def _script(fw):
    def f(x, units=1, activation=None):
        return x, units, activation
    g = fw.add_arg_scope(f)
    out = [g(0)]
    with fw.arg_scope([g], units=4) as outer:
        out.append(g(0))
        with fw.arg_scope([g], activation="tanh") as inner:
            out += [g(0), g(0, units=2)]
        out.append(g(0))
    with fw.arg_scope(inner):
        out.append(g(0))
    out += [len(outer), list(inner.values()), fw.has_arg_scope(g), fw.has_arg_scope(f),
            tuple(fw.arg_scoped_arguments(g)), fw.current_arg_scope()]
    for bad in ([f], f, {}):
        try:
            with fw.arg_scope(bad, units=2):
                pass
        except (TypeError, ValueError) as e:
            out.append(type(e).__name__)
    return out


def test_arg_scope_matches_tf_slim():
    assert _script(gc.contrib.framework) == _script(slim)
