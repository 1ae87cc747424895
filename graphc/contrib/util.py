"""gc.contrib.util (TF 1.15's tf.contrib.util): TensorProto conversion, static values
and the op lists of a GraphDef.

    from graphc.contrib import util
    util.constant_value(gc.constant([1, 2]) + 1)                 # array([2, 3])
    util.ops_used_by_graph_def(gc.get_default_graph().as_graph_def())
"""
import collections

from ..ops.tensor_utils import get_static_value
from ..tf1_misc import make_ndarray, make_tensor_proto  # noqa: F401 (TF re-exports)

__all__ = ["constant_value", "make_ndarray", "make_tensor_proto", "ops_used_by_graph_def",
           "stripped_op_list_for_graph"]


def constant_value(tensor, partial=False):
    """The numpy value of `tensor` when it is known while building the graph, else
    None (tf.contrib.util.constant_value; gc.get_static_value).

        util.constant_value(gc.shape(gc.zeros([2, 3])))           # array([2, 3])
    """
    return get_static_value(tensor, partial=partial)


def _op_names(graph_def):
    """The op type of every node of a graphc graph_def dict or a TF GraphDef message,
    and of the nodes of its function library."""
    if isinstance(graph_def, dict) and "nodes" in graph_def:
        return [node["op"] for node in graph_def["nodes"]], set()
    if hasattr(graph_def, "node"):
        ops = [node.op for node in graph_def.node]
        functions = set()
        library = getattr(graph_def, "library", None)
        for fn in getattr(library, "function", None) or []:
            functions.add(fn.signature.name)
            ops.extend(node.op for node in fn.node_def)
        return ops, functions
    raise TypeError(f"ops_used_by_graph_def: graph_def must be a graph_def dict "
                    f"(graph.as_graph_def()) or a GraphDef, not {type(graph_def).__name__}")


def ops_used_by_graph_def(graph_def):
    """The names of the op types the graph_def's nodes (and its library functions'
    nodes) use, library functions themselves left out; sorted (TF's order is a set's).

        util.ops_used_by_graph_def(gc.get_default_graph().as_graph_def())
        # ['Const', 'Mul', 'Placeholder']
    """
    ops, functions = _op_names(graph_def)
    return sorted(op for op in set(ops) if op not in functions)


OpDefSummary = collections.namedtuple("OpDefSummary", ["name"])
OpList = collections.namedtuple("OpList", ["op"])


def stripped_op_list_for_graph(graph_def):
    """An OpList of the ops the graph_def uses, sorted by name (tf.contrib.util.
    stripped_op_list_for_graph). graphc has no OpDef protos: each entry holds only
    the op's `name`.

        [op.name for op in util.stripped_op_list_for_graph(gd).op]
    """
    return OpList(op=[OpDefSummary(name) for name in ops_used_by_graph_def(graph_def)])
