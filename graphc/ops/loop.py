"""while_loop: a Loop node (ops/loop_op.py) whose condition and body are graphs of
their own.

    i, y = gc.while_loop(lambda i, y: i < 10, lambda i, y: (i + 1, gc.tanh(y @ W)),
                         [gc.constant(0), x])

The condition and the body are traced once into FuncGraphs (ops/control.py: outer
tensors they use are captured), compiled per session on the first run, and the Loop
kernel calls the body while the condition holds (at most `maximum_iterations` times).
Derivatives are those of any Loop: reverse mode replays the loop once to stack the
values each iteration received and walks back through them with the body's vjp;
forward mode carries tangents beside the values; both are Loops, so second derivatives
go through too.
"""
from .. import errors
from ..graph import Tensor, get_default_graph
from ..shapes import TensorShape, as_shape, fits
from .control import FuncGraph, RaggedSpec, SparseSpec, _flatten, _shown, _unflatten
from .core import convert_to_tensor, placeholder
from .loop_op import make_loop

__all__ = ["while_loop"]


# ---- tracing ---------------------------------------------------------------------------------
def _trace(graph, fn, scope, structure, types):
    """Call `fn` on placeholders for the loop variables in a new FuncGraph."""
    fg = FuncGraph(graph, scope)
    fg.live_variables = True
    with fg.as_default():
        args = [placeholder(d, s, name="loop_var") for s, d in types]
        value = fn(*_unflatten(structure, iter(args)))
        leaves = []
        shape = _flatten(value, leaves) if value is not None else None
        outs = [fg.capture(v) if isinstance(v, Tensor) else convert_to_tensor(v)
                for v in leaves]
    return fg, args, shape, outs


def _plain(structure):
    """The structure with list and tuple not told apart (TF1 accepts either)."""
    if structure is None:
        return None
    kind, parts = structure
    if kind is dict:
        return {k: _plain(s) for k, s in parts.items()}
    return [_plain(s) for s in parts]


def _flatten_up_to(structure, value):
    """Leaves of `value` at the places of `structure`'s leaves (shape_invariants)."""
    if structure is None:
        return [value]
    kind, parts = structure
    if hasattr(kind, "meta"):           # a TensorArray's flow: its shape is its own
        return [None]
    if isinstance(kind, SparseSpec):    # the dense shape: any number of values
        return _sparse_invariants(as_shape(value).rank)
    if isinstance(kind, RaggedSpec):    # the ragged shape: any number of values
        return _ragged_invariants(kind.ragged_rank, as_shape(value))
    items = parts.items() if kind is dict else enumerate(parts)
    return [leaf for k, s in items for leaf in _flatten_up_to(s, value[k])]


def _sparse_invariants(rank):
    """A SparseTensor loop variable's indices, values and dense_shape invariants: its
    number of values may change from iteration to iteration (TF1)."""
    return [TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])]


def _ragged_invariants(ragged_rank, shape):
    """A RaggedTensor loop variable's flat_values and row_splits invariants from its
    shape: any number of values and inner rows; a known number of rows stays (TF1)."""
    dims = shape._dims
    if dims is None:
        return [TensorShape(None)] + [TensorShape([None])] * ragged_rank
    n = dims[0] + 1 if isinstance(dims[0], int) else None
    return [TensorShape([None] + list(dims[ragged_rank + 1:])), TensorShape([n])] + \
        [TensorShape([None])] * (ragged_rank - 1)


def _default_invariants(structure, init):
    """Each loop variable's own shape, a SparseTensor's or RaggedTensor's relaxed to any
    number of values."""
    shapes = iter(t.shape for t in init)
    out = []

    def walk(st):                       # follows the user's nesting, not the graph
        if st is None:
            out.append(next(shapes))
            return
        kind, parts = st
        if isinstance(kind, SparseSpec):
            indices = next(shapes)
            next(shapes), next(shapes)
            out.extend(_sparse_invariants(indices._dims[1] if indices._dims else None))
            return
        if isinstance(kind, RaggedSpec):
            values = next(shapes)
            outer = next(shapes)
            for _ in range(kind.ragged_rank - 1):
                next(shapes)
            inner = values._dims[1:] if values._dims is not None else None
            rows = outer._dims[0] - 1 if outer._dims and isinstance(outer._dims[0], int) \
                else None
            shape = TensorShape(None if inner is None else
                                [rows] + [None] * kind.ragged_rank + list(inner))
            out.extend(_ragged_invariants(kind.ragged_rank, shape))
            return
        for part in (parts.values() if kind is dict else parts):
            walk(part)
    walk(structure)
    return out


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeat `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` (TF1 tf.while_loop).

        i, y = gc.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * 2.0), [0, x])

    loop_vars: a list or tuple (nested structures allowed) of tensors or values; body
    returns the same structure with the same dtypes, and shapes that fit each variable's
    shape (or its entry in `shape_invariants`, which may leave dims unknown).
    maximum_iterations bounds the number of iterations: a limit <= 0 runs none, a float
    limit m up to ceil(m) (TF1 counts iterations in the limit's dtype while the count is
    below it). With one tensor in all and return_same_structure=False the result is the
    first loop variable's structure itself (the tensor, TensorArray, dict or namedtuple
    holding it), as in TF1.
    Gradients, jvps and their second derivatives go through the loop, unless
    back_prop=False.
    """
    if not callable(cond) or not callable(body):
        raise errors.UsageTypeError(f"while_loop: cond and body must be callables"
                                    f"{errors.called_at('while_loop')}")
    seq = loop_vars if isinstance(loop_vars, (list, tuple)) else [loop_vars]
    leaves = []
    structure = _flatten(list(seq), leaves)
    if not leaves:
        raise errors.StructureError(f"while_loop: loop_vars is empty"
                                    f"{errors.called_at('while_loop')}")
    init = [convert_to_tensor(v) for v in leaves]
    invariants = _default_invariants(structure, init) if shape_invariants is None else [
        t.shape if s is None else as_shape(s) for t, s in zip(init, _flatten_up_to(
            structure, list(shape_invariants) if isinstance(loop_vars, (list, tuple))
            else [shape_invariants]))]
    for i, (t, s) in enumerate(zip(init, invariants)):
        if not fits(t.shape, s):
            raise errors.ShapeError(
                f"while_loop: loop variable {i} has shape {t.shape}, which does not fit its "
                f"shape invariant {s}\n  {errors.describe_tensor(t, t.name)}")
    types = [(s, t.dtype) for s, t in zip(invariants, init)]
    graph = get_default_graph()
    with graph.name_scope(name or "while") as scope:
        cfg, c_args, c_shape, c_outs = _trace(graph, cond, scope + "cond/", structure, types)
        if c_shape is not None and c_shape != (list, [None]) or len(c_outs) != 1:
            raise errors.StructureError(f"while_loop: cond must return one bool tensor, "
                                        f"not {_shown(c_shape)}{errors.called_at('while_loop')}")
        c = c_outs[0]
        if not c.dtype.is_bool or c.shape.rank not in (0, None):
            raise errors.DTypeError(f"while_loop: cond must return a bool scalar, not "
                                    f"{errors.describe_tensor(c, c.name)}")
        bfg, b_args, b_shape, b_outs = _trace(graph, body, scope + "body/", structure, types)
        if b_shape is not None and _plain(b_shape) != _plain(structure):
            raise errors.StructureError(
                f"while_loop: body must return the structure of loop_vars, "
                f"{_shown(structure)}; it returned {_shown(b_shape)}"
                f"{errors.called_at('while_loop')}")
        _check_body(init, invariants, b_outs)
        captured = list(dict.fromkeys(list(cfg.captures) + list(bfg.captures)))
        c_ins = tuple(c_args) + tuple(cfg.capture_placeholder(t) for t in captured)
        b_ins = tuple(b_args) + tuple(bfg.capture_placeholder(t) for t in captured)
        inputs = init + captured
        if maximum_iterations is not None:
            inputs.append(convert_to_tensor(maximum_iterations, name="maximum_iterations"))
        node = make_loop(inputs, (bfg, b_ins, tuple(b_outs)), (cfg, c_ins, tuple(c_outs)),
                         len(init), 0, 0, False, maximum_iterations is not None,
                         back_prop=back_prop)
    outs = node.outputs[:len(init)]
    result = _unflatten(structure, iter(outs))
    if not isinstance(loop_vars, (list, tuple)) or len(outs) == 1 and not return_same_structure:
        return result[0]    # TF1: one tensor in all gives loop_vars[0]'s structure back
    kind = type(loop_vars)
    return result if kind is list else kind(*result) if hasattr(kind, "_fields") else kind(result)


def _check_body(init, invariants, outs):
    if len(outs) != len(init):
        raise errors.StructureError(f"while_loop: body returned {len(outs)} tensors for "
                                    f"{len(init)} loop variables{errors.called_at('while_loop')}")
    for i, (t, s, o) in enumerate(zip(init, invariants, outs)):
        if o.dtype is not t.dtype:
            raise errors.DTypeError(
                f"while_loop: loop variable {i} is {t.dtype.name} but body returns "
                f"{o.dtype.name} for it\n  {errors.describe_tensor(t, t.name)}\n  "
                f"{errors.describe_tensor(o, o.name)}")
        if not fits(o.shape, s):
            raise errors.ShapeError(
                f"while_loop: loop variable {i} has shape {s} but body returns shape "
                f"{o.shape} for it; to let it vary, give a shape_invariants entry such as "
                f"TensorShape({tuple(None for _ in range(o.shape.rank or 0))})\n  "
                f"{errors.describe_tensor(t, t.name)}\n  {errors.describe_tensor(o, o.name)}")
