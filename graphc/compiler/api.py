"""gc.compile: the compiler's public entry point."""
from .pipeline import Options as CompilerOptions

__all__ = ["compile", "CompilerOptions"]


def compile(fetches, feed_list=None, optimize=True, unsafe_math=False, session=None,
            **options):
    """The Executable computing `fetches` from the feeds of `feed_list`.

        exe = gc.compile(loss, feed_list=[x, y])
        exe.report()                      # what each pass did, planned peak bytes
        value = exe(x_batch, y_batch)     # feeds positionally, like make_callable

    Runs in `session` (default: the default session, else a new one on the fetches'
    graph: fine for graphs without variables). `optimize=False` runs the graph as built;
    `unsafe_math=True` allows rewrites that change inf/NaN results (x*0 -> 0).
    """
    from ..graph import Node, Tensor, get_default_graph
    from ..session import Session, get_default_session
    if session is None:
        session = get_default_session()
        graph = _graph_of(fetches) or get_default_graph()
        if session is None or session.graph is not graph:
            session = Session(graph=graph)
    del Node, Tensor
    return session.compile(fetches, feed_list, optimize=optimize, unsafe_math=unsafe_math,
                           **options)


def _graph_of(fetches):
    from ..graph import Node, Tensor
    stack = [fetches]
    while stack:
        f = stack.pop()
        if isinstance(f, (Tensor, Node)):
            return f.graph
        if isinstance(f, dict):
            stack.extend(f.values())
        elif isinstance(f, (list, tuple)):
            stack.extend(f)
    return None
