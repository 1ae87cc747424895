"""constant folding: evaluate, once at compile time, every pure record whose inputs are
all constants, and every shape computation (Shape, Size, Rank) that static shapes
answer. A size cap (like Grappler's) keeps huge constants out of the plan; random,
stateful and state-reading records are never folded."""
import numpy as np

from ...dtypes import as_dtype
from ...ops.core import CONST
from ...ops.registry import InferContext
from ...shapes import InferError, as_shape
from .. import program as P
from . import Changes

FOLD_MAX_BYTES = 1 << 20


def _refine(node):
    """`node` with output shapes made exact by re-running infer (inputs may now be
    constants); the node itself when infer knows nothing more."""
    try:
        out = node.op.infer(InferContext(node.graph, node.inputs), *node.inputs, **node.attrs)
    except InferError:
        return node
    out = out if isinstance(out, list) else [out]
    types, better = [], False
    for (s, d), t in zip(out, node.outputs):
        s = as_shape(s)
        if (s._dims is not None and as_dtype(d) is t.dtype and
                (t.shape._dims is None or len(s._dims) == len(t.shape._dims)) and
                _known(s) > _known(t.shape)):
            types.append((_merge(s, t.shape), t.dtype))
            better = True
        else:
            types.append((t.shape, t.dtype))
    if not better:
        return node
    return P.make_node(node.op, node.inputs, node.attrs, types, node, node.control_inputs)


def _known(s):
    return -1 if s._dims is None else sum(isinstance(d, int) for d in s._dims)


def _merge(new, old):
    if old._dims is None:
        return new
    return as_shape(tuple(a if isinstance(a, int) else b for a, b in zip(new._dims, old._dims)))


def _nbytes(t):
    n = t.shape.num_elements()
    return None if n is None else n * t.dtype.size


def fold(program, options=None):
    max_bytes = getattr(options, "fold_max_bytes", FOLD_MAX_BYTES)
    ch = Changes("fold", len(program.nodes))
    rw = P.Rewriter()
    consts = set()              # Tensors known to be constants (outputs of Const records)
    for node in program.nodes:
        op = node.op
        if op is CONST:
            if not node.control_inputs:     # else its value must wait for its controls
                consts.update(node.outputs)
            rw.keep(node)
            continue
        new = rw.rewired(node)
        if not (op.pure and not op.uses_state and node.outputs) or node.control_inputs:
            _keep(rw, node, new)
            continue
        if new is not node:
            new = _refine(new)
        values = None
        if op.static is not None and not any(t.node.control_inputs for t in new.inputs):
            v = op.static(new)
            if v is not None:
                values = v if isinstance(v, tuple) else (v,)
                what = "shape computations folded"
        if values is None and new.inputs and consts.issuperset(new.inputs):
            sizes = [_nbytes(t) for t in new.outputs]
            if all(s is not None and s <= max_bytes for s in sizes):
                values = _evaluate(new)
                what = "constants folded"
            elif any(s is not None and s > max_bytes for s in sizes):
                ch.add("not folded (over the size cap)", new.name)
        if values is None or not _fits(values, new.outputs, max_bytes):
            _keep(rw, node, new)
            continue
        outs = []
        for v, t in zip(values, new.outputs):
            c = P.make_const(v, t.dtype, node)
            rw.nodes.append(c)
            consts.add(c.outputs[0])
            outs.append(c.outputs[0])
        rw.replace(node, outs)
        ch.add(what, node.name)
    program = rw.program(program)
    ch.after = len(program.nodes)
    return program, ch


def _keep(rw, node, new):
    if new is not node:
        rw.replace(node, new)
    rw.nodes.append(new)


def _evaluate(node):
    args = [P.const_array(t) for t in node.inputs]
    try:
        with np.errstate(all="ignore"):
            out = node.op.kernel(*args, **node.attrs)
    except Exception:                       # let it fail at run time, with its node named
        return None
    return out if isinstance(out, tuple) else (out,)


def _fits(values, outputs, max_bytes):
    """The values have the static dtypes and shapes and stay under the cap."""
    if len(values) != len(outputs):
        return False
    for v, t in zip(values, outputs):
        v = np.asarray(v)
        if v.nbytes > max_bytes or v.dtype != t.dtype.np:
            return False
        dims = t.shape._dims
        if dims is not None and (len(dims) != v.ndim or any(
                isinstance(d, int) and d != n for d, n in zip(dims, v.shape))):
            return False
    return True
