"""TF1 tf.saved_model.main_op: the usual main op of a SavedModel."""
from ..graph import get_default_graph
from ..ops.core import group
from ..ops.state import global_variables_initializer, local_variables_initializer

__all__ = ["main_op"]


def main_op():
    """An op that initializes the default graph's global and local variables and lookup
    tables (TF1), to pass as main_op; loader.load runs it after restoring the
    variables, so the global variables start again from their initializers (TF1's
    main_op_with_restore keeps them).

        b.add_meta_graph_and_variables(sess, ["serve"], main_op=gc.saved_model.main_op())
    """
    inits = [global_variables_initializer(), local_variables_initializer()]
    inits += get_default_graph().get_collection("table_initializer")
    return group(*inits)
