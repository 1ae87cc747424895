"""The Program linter: topological order, single assignment, and every OpDef.infer
re-run on the records (rewritten ones included) agrees with their output types."""
from .. import dtypes
from ..ops.registry import InferContext
from ..shapes import InferError, as_shape


class VerifyError(AssertionError):
    """A pass produced an invalid Program (a compiler bug, never a user error)."""


def _compatible(a, b):
    if a._dims is None or b._dims is None:
        return True
    if len(a._dims) != len(b._dims):
        return False
    return all(x is None or y is None or not isinstance(x, int) or not isinstance(y, int)
               or x == y for x, y in zip(a._dims, b._dims))


def verify(program, where="program", infer=True):
    """Raise VerifyError naming `where` (e.g. the pass just run) if `program` is invalid."""
    def fail(msg, node=None):
        at = f" at {node.type} '{node.name}'" if node is not None else ""
        raise VerifyError(f"after {where}: {msg}{at}")

    defined = set(program.feeds)
    seen = set()
    for node in program.nodes:
        if node in seen:
            fail("a record appears twice", node)
        seen.add(node)
        for t in node.inputs:
            if t not in defined:
                fail(f"input {t.name} is used before it is defined (not topological)", node)
        for c in node.control_inputs:
            if c not in seen:
                fail(f"control input '{c.name}' does not run before", node)
        for t in node.outputs:
            if t in defined:
                fail(f"{t.name} is assigned twice", node)
            defined.add(t)
        if infer:
            _check_types(node, fail)
    for t in program.fetches:
        if t not in defined:
            fail(f"fetch {t.name} is not computed")
    for n in program.targets:
        if n not in seen:
            fail(f"target '{n.name}' is not run")


def _check_types(node, fail):
    ctx = InferContext(node.graph, node.inputs)
    try:
        out = node.op.infer(ctx, *node.inputs, **node.attrs)
    except InferError as e:
        fail(f"infer raises: {e.msg}", node)
    out = out if isinstance(out, list) else [out]
    if len(out) != len(node.outputs):
        fail(f"infer gives {len(out)} outputs, the record has {len(node.outputs)}", node)
    for (s, d), t in zip(out, node.outputs):
        if dtypes.as_dtype(d) is not t.dtype:
            fail(f"dtype {t.dtype.name} but infer says {dtypes.as_dtype(d).name}", node)
        if not _compatible(as_shape(s), t.shape):
            fail(f"shape {t.shape} but infer says {as_shape(s)}", node)
