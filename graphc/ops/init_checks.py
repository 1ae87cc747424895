"""The initialization checks of TF1: is_variable_initialized,
report_uninitialized_variables (a gc.string tensor of names) and
assert_variables_initialized. Moved from state_scatter.py unchanged.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import get_default_graph
from .registry import OpDef, apply, apply1, register
from .state import Variable, global_variables

__all__ = ["is_variable_initialized", "report_uninitialized_variables",
           "assert_variables_initialized"]


# ---- initialization checks ----------------------------------------------------------------
def _var_nodes(var_list, api):
    if var_list is None:
        var_list = global_variables() + get_default_graph().get_collection("local_variables")
    nodes = []
    for v in var_list:
        if not isinstance(v, Variable):
            raise TypeError(f"{api}: expected gc.Variables, got {type(v).__name__} {v!r}")
        nodes.append(v.node)
    return tuple(nodes)


IS_VARIABLE_INITIALIZED = register(OpDef(
    "IsVariableInitialized", lambda ctx, *, var: ((), dtypes.bool_),
    lambda rt, *, var: np.asarray(var in rt.session._variables), stateful=True,
    uses_state=True, differentiable=False, api="is_variable_initialized",
    signature="is_variable_initialized(variable)", shape_rule="scalar", dtypes="-> bool",
    doc="Whether the variable has a value in this Session."))


def is_variable_initialized(variable):
    """A bool scalar: has `variable` a value in the Session running it?"""
    node = _var_nodes([variable], "is_variable_initialized")[0]
    with node.graph.as_default():
        return apply1(IS_VARIABLE_INITIALIZED, (), name="IsVariableInitialized", var=node)


def _report_kernel(rt, *, variables):
    store = rt.session._variables
    return np.array([n.name.encode() for n in variables if n not in store], dtype=object)


REPORT_UNINITIALIZED = register(OpDef(
    "ReportUninitializedVariables", lambda ctx, *, variables: ((None,), dtypes.string),
    _report_kernel, stateful=True, uses_state=True, differentiable=False,
    api="report_uninitialized_variables",
    signature="report_uninitialized_variables(var_list=None)", shape_rule="(n,)",
    dtypes="-> string (a numpy object array of bytes)",
    doc="The names of the variables without a value in this Session."))


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """The names (bytes, TF1's op names) of the variables of var_list (default: global
    and local variables) not initialized in the Session running it: a gc.string tensor,
    which runs to a numpy object array of bytes, as TF1's Session gives."""
    nodes = _var_nodes(var_list, "report_uninitialized_variables")
    with (nodes[0].graph if nodes else get_default_graph()).as_default():
        return apply1(REPORT_UNINITIALIZED, (), name=name, variables=nodes)


def _assert_kernel(rt, *, variables):
    missing = [n for n in variables if n not in rt.session._variables]
    if missing:
        raise errors.UninitializedVariableError(
            "assert_variables_initialized: uninitialized: " + ", ".join(
                f"'{n.name}' (created at {errors.format_site(n.site)})" for n in missing))
    return ()


ASSERT_INITIALIZED = register(OpDef(
    "AssertVariablesInitialized", lambda ctx, *, variables: [], _assert_kernel, stateful=True,
    uses_state=True, differentiable=False, api="assert_variables_initialized",
    signature="assert_variables_initialized(var_list=None)", shape_rule="no outputs",
    dtypes="-", doc="Fails (UninitializedVariableError) unless every variable has a value."))


def assert_variables_initialized(var_list=None):
    """An op that fails at run time, naming them, if any of var_list (default: global and
    local variables) is not initialized; None when there are no variables (TF1)."""
    nodes = _var_nodes(var_list, "assert_variables_initialized")
    if not nodes:
        return None
    with nodes[0].graph.as_default():
        return apply(ASSERT_INITIALIZED, (), name="assert_variables_initialized",
                     variables=nodes)
