"""TF1's tf.nn.raw_rnn: an RNN whose every step is steered by a user function, loop_fn.

    def loop_fn(time, cell_output, cell_state, loop_state):
        if cell_output is None:                      # time == 0: the set-up call
            state = cell.zero_state(batch, gc.float32)
        else:
            state = cell_state
        finished = time >= lengths
        return finished, inputs_ta.read(gc.minimum(time, n - 1)), state, cell_output, None
    emit_ta, final_state, _ = gc.nn.raw_rnn(cell, loop_fn)
    outputs = emit_ta.stack()                        # (steps, batch, output_size)

It is one Loop node (ops/loop_op.py) in while mode: the carry is (time, finished,
input, state, loop_state), the condition "not all finished", and each call's emit is
a stacked output of the Loop, wrapped afterwards into the TensorArray TF1 returns (a
TensorArray grown inside the loop would change shape between calls, which the Loop's
derivatives cannot stack). Rows already finished emit zeros and keep their state
(TF1's where-based copy-through), so gradients flow as in TF1.
"""
from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..shapes import TensorShape, fits
from .array import shape as shape_of
from .control import FuncGraph, _flatten, _shown, _unflatten
from .core import constant, convert_to_tensor, placeholder
from .broadcast import where
from .creation import zeros
from .elementwise import logical_not, logical_or
from .join import concat
from .loop_op import make_loop
from .reduce import reduce_all
from .rnn_cell_base import flatten, pack_as, size_dims
from .rnn_wrappers import assert_like_rnncell
from .scope import variable_scope
from .tensor_array import TensorArray

__all__ = ["raw_rnn"]

_API = "raw_rnn"


def _call_loop_fn(loop_fn, time, cell_output, cell_state, loop_state):
    """loop_fn's five results, checked to be five."""
    result = loop_fn(time, cell_output, cell_state, loop_state)
    if not isinstance(result, (tuple, list)) or len(result) != 5:
        raise ValueError(f"{_API}: loop_fn must return a tuple (finished, next_input, "
                         f"next_cell_state, emit_output, next_loop_state), not {result!r}")
    return result


def _leaves(structure, what):
    """(structure, tensors) of a nested value, every leaf made a tensor."""
    leaves = []
    s = _flatten(structure, leaves)
    if any(v is None for v in leaves):
        raise ValueError(f"{_API}: {what} has a None in it: {structure!r}")
    return s, [convert_to_tensor(v) for v in leaves]


def _same(what, want, got):
    """A ValueError unless got has the structure of want (TF1's assert_same_structure)."""
    if _plain(want) != _plain(got):
        raise ValueError(f"{_API}: {what} must have the structure {_shown(want)}, "
                         f"not {_shown(got)}")


def _plain(structure):
    """A structure with list and tuple (and namedtuples) not told apart."""
    if structure is None:
        return None
    kind, parts = structure
    if kind is dict:
        return {k: _plain(s) for k, s in parts.items()}
    if not isinstance(kind, type):          # a TensorArray
        return "TensorArray"
    return [_plain(s) for s in parts]


def _batch_size(flat_input):
    """The batch size (dim 0 of the inputs): an int when static, else a scalar tensor."""
    static = None
    for x in flat_input:
        if x.shape.rank == 0:
            raise errors.ShapeError(f"{_API}: next_input must be (a structure of) tensors "
                                    f"of rank >= 1, [batch, ...]\n  "
                                    + errors.describe_tensor(x, "next_input"))
        d = x.shape._dims[0] if x.shape._dims is not None else None
        d = get_default_graph().dims.resolve(d) if d is not None else None
        if isinstance(d, int):
            if static is not None and static != d:
                raise errors.ShapeError(f"{_API}: Dimensions {static} and {d} are not "
                                        f"compatible: the inputs differ in batch size\n  "
                                        + "\n  ".join(errors.describe_tensor(t, "next_input")
                                                      for t in flat_input))
            static = d
    return static, static if static is not None else shape_of(flat_input[0])[0]


def _emit_spec(cell, emit_structure, flat_state):
    """(structure, [(size, static dims, dtype)]) of the emits: emit_structure's (its
    tensors' shapes without the batch dim) or cell.output_size with the state's dtype."""
    if emit_structure is not None:
        s, flat = _leaves(emit_structure, "emit_output (the first call's)")
        spec = []
        for e in flat:
            dims = e.shape._dims
            known = dims is not None and all(isinstance(d, int) for d in dims)
            spec.append((list(dims) if known else shape_of(e),
                         dims if dims is not None else None, e.dtype))
        return s, spec
    s = _flatten(cell.output_size, [])
    dtype = flat_state[0].dtype
    spec = []
    for size in flatten(cell.output_size):
        dims = size_dims(size)
        spec.append((dims, tuple(dims), dtype))
    return s, spec


def _zeros(batch, size, dtype):
    """zeros((batch,) + size)."""
    if isinstance(batch, int) and isinstance(size, list) and all(
            isinstance(d, int) for d in size):
        return zeros([batch] + size, dtype=dtype)
    b = convert_to_tensor(batch, dtype=dtypes.int32)
    s = convert_to_tensor(size, dtype=dtypes.int32)
    return zeros(concat([b[None], s], 0), dtype=dtype)


def _copy_through(finished, current, candidate):
    """current where the row had finished before the step, else candidate (TF1)."""
    if candidate.shape.rank == 0:
        return candidate
    return where(finished, current, candidate)


def _check_carry(what, init, got):
    for i, (t, o) in enumerate(zip(init, got)):
        if o.dtype is not t.dtype:
            raise errors.DTypeError(f"{_API}: loop_fn returned {what} of dtype {o.dtype.name} "
                                    f"for one of {t.dtype.name} (part {i})\n  "
                                    + errors.describe_tensor(t, what) + "\n  "
                                    + errors.describe_tensor(o, what))
        if not fits(o.shape, t.shape):
            raise errors.ShapeError(f"{_API}: loop_fn returned {what} of shape {o.shape} "
                                    f"for one of shape {t.shape} (part {i}); the shape "
                                    f"must stay the same from step to step\n  "
                                    + errors.describe_tensor(t, what) + "\n  "
                                    + errors.describe_tensor(o, what))


def _trace_body(graph, scope, cell, loop_fn, init, parts, zero_emit, emit_s, emit_dtypes):
    """The loop's body graph: one cell step, then loop_fn. Returns (fg, args, outs)."""
    n_in, n_state, n_loop, has_loop_state = parts
    in_s, state_s, loop_s = init["structures"]
    fg = FuncGraph(graph, scope + "body/")
    with fg.as_default():
        args = [placeholder(t.dtype, t.shape, name="loop_var") for t in init["carry"]]
        time, finished = args[0], args[1]
        inp = _unflatten(in_s, iter(args[2:2 + n_in]))
        state = _unflatten(state_s, iter(args[2 + n_in:2 + n_in + n_state]))
        loop_state = _unflatten(loop_s, iter(args[2 + n_in + n_state:]))
        output, cell_state = cell(inp, state)
        o_s, _ = _leaves(output, "the cell's output")
        _same("the cell's output", _flatten(cell.output_size, []), o_s)
        _same("the cell's new state", state_s, _leaves(cell_state, "the cell's state")[0])
        next_time = time + 1
        (next_finished, next_input, next_state, emit, next_loop_state) = _call_loop_fn(
            loop_fn, next_time, output, cell_state, loop_state)
        ni_s, next_in = _leaves(next_input, "next_input")
        _same("next_input", in_s, ni_s)
        ns_s, next_st = _leaves(next_state, "next_cell_state")
        _same("next_cell_state", state_s, ns_s)
        em_s, emits = _leaves(emit, "emit_output")
        _same("emit_output", emit_s, em_s)
        for e, dt in zip(emits, emit_dtypes):
            if e.dtype is not dt:
                raise errors.DTypeError(f"{_API}: emit_output is {e.dtype.name} where the "
                                        f"emit structure says {dt.name}\n  "
                                        + errors.describe_tensor(e, "emit_output"))
        if not has_loop_state or next_loop_state is None:
            next_ls = args[2 + n_in + n_state:]
        else:
            nl_s, next_ls = _leaves(next_loop_state, "next_loop_state")
            _same("next_loop_state", loop_s, nl_s)
        next_finished = convert_to_tensor(next_finished)
        outs = ([next_time, logical_or(finished, next_finished)] + next_in
                + [_copy_through(finished, s, n) for s, n in zip(args[2 + n_in:], next_st)]
                + list(next_ls)
                + [_copy_through(finished, fg.capture(z), e)
                   for z, e in zip(zero_emit, emits)])
        outs = [fg.capture(v) if isinstance(v, Tensor) else convert_to_tensor(v)
                for v in outs]
    n_carry = len(init["carry"])
    _check_carry("finished", init["carry"][1:2], outs[1:2])
    _check_carry("next_input", init["carry"][2:2 + n_in], outs[2:2 + n_in])
    _check_carry("next_cell_state", init["carry"][2 + n_in:2 + n_in + n_state],
                 outs[2 + n_in:2 + n_in + n_state])
    _check_carry("next_loop_state", init["carry"][2 + n_in + n_state:], outs[2 + n_in +
                                                                           n_state:n_carry])
    return fg, args, outs


def _trace_cond(graph, scope, carry):
    """The loop's condition graph: not all rows finished."""
    fg = FuncGraph(graph, scope + "cond/")
    with fg.as_default():
        args = [placeholder(t.dtype, t.shape, name="loop_var") for t in carry]
        out = logical_not(reduce_all(args[1]))
    return fg, args, [out]


def raw_rnn(cell, loop_fn, parallel_iterations=None, swap_memory=False, scope=None):
    """(emit_ta, final_state, final_loop_state): `cell` stepped while loop_fn says some
    row is not finished (TF1 tf.nn.raw_rnn).

        emit_ta, state, _ = gc.nn.raw_rnn(cell, loop_fn)
        outputs = emit_ta.stack()          # (steps, batch) + the emit's shape

    loop_fn(time, cell_output, cell_state, loop_state) returns (finished, next_input,
    next_cell_state, emit_output, next_loop_state). It is called first with time=0 and
    None for the rest, and must return the initial state, the first input, and as
    emit_output None (emits shaped like cell.output_size, the state's dtype) or a
    structure of tensors without the batch dim giving the emits' shapes and dtypes;
    loop_state None or any structure (TensorArrays too). Then after every step it gets
    time + 1, the cell's output and new state and the loop state (an int32 0 when it
    was None). Rows finished before a step emit zeros and keep their state. emit_ta
    has the structure of the emits; final_loop_state is None when loop_state was None.
    Variables go under scope (default 'rnn'). parallel_iterations and swap_memory have
    no effect in graphc.
    """
    assert_like_rnncell("cell", cell)
    if not callable(loop_fn):
        raise TypeError("loop_fn must be a callable")
    graph = get_default_graph()
    with variable_scope(scope or "rnn"):
        time = constant(0, dtype=dtypes.int32)
        finished, next_input, initial_state, emit_structure, init_loop_state = \
            _call_loop_fn(loop_fn, time, None, None, None)
        if initial_state is None:
            raise ValueError(f"{_API}: loop_fn must return the initial cell state as "
                             "next_cell_state when called with time=0")
        finished = convert_to_tensor(finished)
        if not finished.dtype.is_bool or finished.shape.rank not in (0, 1, None):
            raise errors.DTypeError(f"{_API}: finished must be a bool scalar or (batch,) "
                                    "vector\n  " + errors.describe_tensor(finished, "finished"))
        in_s, flat_input = _leaves(next_input, "next_input")
        if not flat_input:
            raise ValueError(f"{_API}: next_input must not be empty")
        static_batch, batch = _batch_size(flat_input)
        state_s, flat_state = _leaves(initial_state, "the initial state")
        has_loop_state = init_loop_state is not None
        loop_s, flat_loop = _leaves(init_loop_state if has_loop_state else
                                    constant(0, dtype=dtypes.int32), "loop_state")
        emit_s, spec = _emit_spec(cell, emit_structure, flat_state)
        zero_emit = [_zeros(batch, size, dt) for size, _, dt in spec]
        if hasattr(cell, "_prebuild"):
            cell._prebuild(pack_as(next_input, [TensorShape(x.shape._dims)
                                                for x in flat_input]), flat_state[0].dtype)
        carry = [time, finished] + flat_input + flat_state + flat_loop
        init = {"carry": carry, "structures": (in_s, state_s, loop_s)}
        parts = (len(flat_input), len(flat_state), len(flat_loop), has_loop_state)
        with graph.name_scope("while") as name:
            bfg, b_args, b_outs = _trace_body(graph, name, cell, loop_fn, init, parts,
                                              zero_emit, emit_s, [s[2] for s in spec])
            cfg, c_args, c_outs = _trace_cond(graph, name, carry)
            captured = list(dict.fromkeys(list(cfg.captures) + list(bfg.captures)))
            c_ins = tuple(c_args) + tuple(cfg.capture(t) for t in captured)
            b_ins = tuple(b_args) + tuple(bfg.capture(t) for t in captured)
            node = make_loop(carry + captured, (bfg, b_ins, tuple(b_outs)),
                             (cfg, c_ins, tuple(c_outs)), len(carry), 0, len(spec), False,
                             False)
        outs = node.outputs
        n_in, n_state = len(flat_input), len(flat_state)
        final_state = _unflatten(state_s, iter(outs[2 + n_in:2 + n_in + n_state]))
        final_loop = (_unflatten(loop_s, iter(outs[2 + n_in + n_state:len(carry)]))
                      if has_loop_state else None)
        tas = []
        for (size, dims, dt), stacked in zip(spec, outs[len(carry):len(carry) + len(spec)]):
            elem = None if dims is None else TensorShape((static_batch,) + tuple(dims))
            tas.append(TensorArray(dt, size=0, dynamic_size=True, element_shape=elem)
                       .unstack(stacked))
        return _unflatten(emit_s, iter(tas)), final_state, final_loop
