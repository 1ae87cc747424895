"""The graphc error tree and the one formatter for "where was this created".

Every error names the node or tensor at fault and the user line that created it.
Messages are built only when an error is raised.
"""
import os
import sys

_PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class GraphcError(Exception):
    """Base class of every error graphc raises on purpose."""


class ShapeError(GraphcError, ValueError):
    """Shapes that cannot work together (raised when the bad node is built)."""


class DTypeError(GraphcError, TypeError):
    """Dtypes that cannot work together; graphc never promotes silently."""


class FeedError(GraphcError, ValueError):
    """A feed or fetch given to Session.run that does not fit the graph."""


class UninitializedVariableError(GraphcError):
    """A variable was read in a Session before it was initialized."""


class ExecutionError(GraphcError):
    """A kernel failed at run time; the original exception is chained."""


# TF1's name for the run-time failures TF1 code catches most (bad shapes or values that
# only show when the graph runs): graphc raises ExecutionError for all of them.
InvalidArgumentError = ExecutionError


class OutOfRangeError(GraphcError):
    """An iterator has no more elements (TF1's name): the end of a tf.data pipeline."""


class FailedPreconditionError(GraphcError):
    """Something was used before the step that must come first (TF1's name): get_next
    of an iterator whose initializer has not run in this session."""


class GradientError(GraphcError, ValueError):
    """A gradient (or jvp) could not be built."""


class GraphError(GraphcError, ValueError):
    """Misuse of a Graph: finalized graph, mixed graphs, bad names."""


class NotFoundError(GraphcError, KeyError):
    """A name that is not in the graph."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def user_site():
    """(filename, lineno) of the innermost stack frame outside the graphc package."""
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_PKG_DIR):
        f = f.f_back
    if f is None:
        return ("<unknown>", 0)
    return (f.f_code.co_filename, f.f_lineno)


def format_site(site):
    """'path/file.py:12', relative to the working directory when inside it."""
    filename, lineno = site
    try:
        rel = os.path.relpath(filename)
        if not rel.startswith(".."):
            filename = rel
    except ValueError:
        pass
    return f"{filename}:{lineno}"


def describe_node(node):
    """"MatMul 'dense/MatMul' created at model.py:12" """
    return f"{node.type} '{node.name}' created at {format_site(node.site)}"


def describe_tensor(t, label=None):
    """One line about a tensor: its label, producer, shape, dtype and creation site."""
    node = t.node
    kind = {"Placeholder": "placeholder", "VariableV2": "variable",
            "Const": "constant"}.get(node.type, node.type)
    name = node.name if len(node.outputs) == 1 else t.name
    head = f"{label}: " if label else ""
    return (f"{head}{kind} '{name}'  shape {t.shape} {t.dtype.name}, "
            f"created at {format_site(node.site)}")
