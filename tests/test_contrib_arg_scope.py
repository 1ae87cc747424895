"""gc.contrib.framework.arg_scope (tf-slim's): default keyword arguments for decorated
functions inside a block, nesting, re-entering a saved scope, and TF's errors; and
gc.contrib.rnn's TF 1.x names."""
import pytest

import graphc as gc
from graphc.contrib import framework


@framework.add_arg_scope
def layer(x, units=1, activation=None, name=None):
    return x, units, activation, name


def plain(x, units=1):
    return x, units


def test_scope_gives_defaults_explicit_arguments_win():
    assert layer(0) == (0, 1, None, None)
    with framework.arg_scope([layer], units=4, activation="relu") as sc:
        assert layer(0) == (0, 4, "relu", None)
        assert layer(0, units=2) == (0, 2, "relu", None)
        assert sc == framework.current_arg_scope()
    assert layer(0) == (0, 1, None, None)


def test_scopes_nest_and_a_saved_scope_comes_back():
    with framework.arg_scope([layer], units=4):
        with framework.arg_scope([layer], activation="tanh") as inner:
            assert layer(0) == (0, 4, "tanh", None)
            with framework.arg_scope([layer], units=8):
                assert layer(0)[1] == 8
        assert layer(0) == (0, 4, None, None)
    with framework.arg_scope(inner):
        assert layer(0) == (0, 4, "tanh", None)
    assert framework.current_arg_scope() == {}


def test_errors_and_introspection():
    with pytest.raises(ValueError, match="is not decorated with @add_arg_scope"):
        with framework.arg_scope([plain], units=2):
            pass
    with pytest.raises(TypeError, match="must either be a list/tuple or reused scope"):
        with framework.arg_scope(layer, units=2):
            pass
    with pytest.raises(ValueError, match="kwargs must be empty"):
        with framework.arg_scope({}, units=2):
            pass
    assert framework.has_arg_scope(layer) and not framework.has_arg_scope(plain)
    assert framework.arg_scoped_arguments(layer) == ("units", "activation", "name")
    assert layer.__name__ == "layer"
    assert gc.contrib.slim.arg_scope is gc.contrib.layers.arg_scope is framework.arg_scope


def test_contrib_rnn_names_are_the_nn_cells():
    assert gc.contrib.rnn.LSTMCell is gc.nn.rnn_cell.LSTMCell
    assert gc.contrib.rnn.static_rnn is gc.nn.static_rnn
    assert gc.contrib.rnn.LSTMStateTuple is gc.nn.rnn_cell.LSTMStateTuple
