"""TF1's recurrent drivers: dynamic_rnn, bidirectional_dynamic_rnn, static_rnn and
static_bidirectional_rnn.

    cell = gc.nn.rnn_cell.BasicLSTMCell(32)
    outputs, state = gc.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=gc.float32)

dynamic_rnn is one Loop node over time (the machinery of gc.scan): the state is its
carry, the inputs of each step (and the dropout noise of each step, drawn before the
loop) are sliced from the time-major inputs, and each step's output is stacked. The
cell's variables are made first, outside the loop (cell._prebuild, as its first call
would), so the loop's function only reads them; gradients and second derivatives go
through the Loop. With sequence_length, a step past a sequence's end gives zeros and
leaves its state as it was (TF1's where-based copy-through), so the final state is the
state at each sequence's last step.
"""
from .. import dtypes, errors
from ..graph import control_dependencies, get_default_graph
from ..shapes import TensorShape
from .array import expand_dims, reverse, shape, transpose
from .asserts import assert_equal
from .broadcast import select
from .control import _flatten, _unflatten
from .core import convert_to_tensor, identity
from .creation import zeros_like
from .elementwise import cast
from .functional import _build
from .join import concat, stack, unstack
from .mask import sequence_mask
from .reverse_sequence import reverse_sequence
from .rnn_cell_base import flatten, map_structure, pack_as, size_dims
from .rnn_wrappers import _StepNoise, assert_like_rnncell
from .scope import variable_scope

__all__ = ["dynamic_rnn", "bidirectional_dynamic_rnn", "static_rnn",
           "static_bidirectional_rnn"]


def _static(d):
    """A dim as an int when known (named dims bound to a size count), else None."""
    return get_default_graph().dims.resolve(d) if d is not None else None


def _check_inputs(api, inputs, min_rank):
    """The flat input tensors, each of rank >= min_rank with known depth dims."""
    flat = [convert_to_tensor(x) for x in flatten(inputs)]
    if not flat:
        raise ValueError(f"{api}: inputs must not be empty")
    for x in flat:
        if x.shape.rank is None or x.shape.rank < min_rank:
            layout = "[batch, time, depth] (time_major: [time, batch, depth])" \
                if min_rank == 3 else "[batch, depth]"
            raise errors.ShapeError(f"{api}: inputs must have rank >= {min_rank}, {layout}; "
                                    f"got rank {x.shape.rank}\n  "
                                    + errors.describe_tensor(x, "inputs"))
        if any(_static(d) is None for d in x.shape._dims[max(min_rank - 1, 1):]):
            raise errors.ShapeError(f"{api}: Input size (depth of inputs) must be accessible "
                                    f"via shape inference, but saw value None.\n  "
                                    + errors.describe_tensor(x, "inputs"))
        if x.dtype is not flat[0].dtype:
            raise errors.DTypeError(f"{api}: the inputs have different dtypes\n  "
                                    + errors.describe_tensor(flat[0], "inputs") + "\n  "
                                    + errors.describe_tensor(x, "inputs"))
    return flat


def _dim(flat, axis, what, api):
    """The size of dim `axis` shared by the flat inputs: an int if static, else a tensor."""
    known = [(x, _static(x.shape._dims[axis])) for x in flat]
    sizes = {n for _, n in known if n is not None}
    if len(sizes) > 1:
        raise errors.ShapeError(f"{api}: {what} is not the same for all the inputs\n  "
                                + "\n  ".join(errors.describe_tensor(x, "inputs")
                                              for x, _ in known))
    return sizes.pop() if sizes else shape(flat[0])[axis]


def _sequence_length(api, sequence_length, batch):
    """sequence_length as an int32 vector, checked against the batch size (at run time
    when either is unknown)."""
    if sequence_length is None:
        return None
    seq = convert_to_tensor(sequence_length)
    if seq.shape.rank not in (None, 1):
        raise errors.ShapeError(f"{api}: sequence_length must be a vector of length "
                                f"batch_size, but saw shape: {seq.shape}\n  "
                                + errors.describe_tensor(seq, "sequence_length"))
    if seq.dtype is not dtypes.int32:
        seq = cast(seq, dtypes.int32)
    n = _static(seq.shape._dims[0]) if seq.shape.rank == 1 else None
    if isinstance(batch, int) and n is not None:
        if n != batch:
            raise errors.ShapeError(f"{api}: sequence_length has {n} entries for a batch of "
                                    f"{batch}\n  "
                                    + errors.describe_tensor(seq, "sequence_length"))
        return identity(seq, name="sequence_length")
    check = assert_equal(shape(seq)[0], batch,
                         message=f"{api}: sequence_length must have batch_size entries")
    with control_dependencies([check]):
        return identity(seq, name="CheckSeqLen")


def _initial_state(api, cell, initial_state, batch, dtype, x):
    """initial_state (`dtype` is then ignored, as in TF1), or the cell's zero state of
    `dtype`, which must be the inputs' dtype when they are floating point. The cells
    check their own inputs and state (TF1's cells refuse integer inputs; a custom cell
    may take them, as tf.contrib.crf's do)."""
    if initial_state is not None:
        state = map_structure(convert_to_tensor, initial_state)
        _check_state_sizes(api, cell, state)
        return state
    if not dtype:
        raise ValueError(f"{api}: If there is no initial_state, you must give a dtype.")
    if hasattr(cell, "get_initial_state"):
        state = cell.get_initial_state(inputs=None, batch_size=batch, dtype=dtype)
    else:
        state = cell.zero_state(batch, dtype)
    _check_state_sizes(api, cell, state)
    for s in flatten(state):
        if s.dtype is not x.dtype and x.dtype.is_floating and s.dtype.is_floating:
            raise errors.DTypeError(
                f"{api}: the state is {s.dtype.name} but the inputs are {x.dtype.name}"
                f" (dtype={dtypes.as_dtype(dtype).name})"
                + "; graphc never converts: use gc.cast\n  "
                + errors.describe_tensor(s, "state") + "\n  "
                + errors.describe_tensor(x, "inputs"))
    return state


def _check_state_sizes(api, cell, state):
    """The state has as many tensors as cell.state_size; for graphc's own cells each is
    (batch,) + its entry of state_size, or a scalar (not batched, passed through each
    step: AttentionWrapperState.time). A user's cell's state keeps its own shapes, as in
    TF1's dynamic_rnn, whatever state_size says (a Neural Turing Machine's cell gives
    its memory flat there and as a matrix in zero_state)."""
    sizes, leaves = flatten(cell.state_size), flatten(state)
    if len(sizes) != len(leaves):
        raise ValueError(f"{api}: initial_state has {len(leaves)} tensors but the cell's "
                         f"state_size {cell.state_size!r} has {len(sizes)}")
    if not type(cell).__module__.startswith("graphc."):
        return
    for s, t in zip(sizes, leaves):
        want = size_dims(s)
        dims = t.shape._dims
        if dims == [] or dims == ():
            continue
        if dims is not None and (len(dims) != len(want) + 1 or any(
                isinstance(d, int) and isinstance(w, int) and d != w
                for d, w in zip(dims[1:], want))):
            raise errors.ShapeError(f"{api}: a state of the cell has shape (batch, "
                                    f"{', '.join(map(str, want))})\n  "
                                    + errors.describe_tensor(t, "initial_state"))


def _transpose_batch_time(x):
    """(B, T, ...) <-> (T, B, ...)."""
    return transpose(x, [1, 0] + list(range(2, x.shape.rank)))


def _copy_through(valid, new, old):
    """new where the step is valid, else old: valid is (batch,) bool (TF1's _rnn_step)."""
    if new.shape.rank == 0:
        return new
    if new.shape.rank is None:
        raise errors.ShapeError("sequence_length needs the rank of every output and state "
                                "of the cell known\n  " + errors.describe_tensor(new, new.name))
    mask = valid
    for _ in range(new.shape.rank - 1):
        mask = expand_dims(mask, -1)
    return select(mask, new, old)


def _step_shape(flat, inputs, batch):
    """The shape (structure) of one step's inputs, for the cell's build."""
    b = batch if isinstance(batch, int) else None
    return pack_as(inputs, [TensorShape([b] + list(x.shape._dims[2:])) for x in flat])


def _dynamic_loop(api, cell, inputs, flat, state, seq, steps, batch):
    """(outputs, final state) of the cell over time-major `flat` inputs: one Loop."""
    dtype = flat[0].dtype
    if not dtype.is_floating:           # integer ids (an EmbeddingWrapper): the state's
        dtype = next((s.dtype for s in flatten(state) if s.dtype.is_floating), dtype)
    if hasattr(cell, "_prebuild"):
        cell._prebuild(_step_shape(flat, inputs, batch), dtype)
    noise = _StepNoise()
    if hasattr(cell, "_register_noise"):
        cell._register_noise(noise, [_static(d) for d in flat[0].shape._dims[2:]])
    drawn = noise.draw(steps, batch, dtype)
    sliced = list(flat) + drawn
    if seq is not None:
        sliced.append(transpose(sequence_mask(seq, steps), [1, 0]))      # (T, B) bool
    n_in, n_noise = len(flat), len(drawn)
    n_state = len(flatten(state))

    def step(state, elems):
        x = pack_as(inputs, elems[:n_in])
        with noise.bound(elems[n_in:n_in + n_noise]):
            output, new_state = cell(x, state)
        if len(flatten(new_state)) != n_state:
            raise ValueError(f"{api}: the cell returned a state of {len(flatten(new_state))} "
                             f"tensors for a state of {n_state}: {new_state!r}")
        if seq is not None:
            valid = elems[-1]
            output = map_structure(lambda o: _copy_through(valid, o, zeros_like(o)), output)
            new_state = pack_as(new_state, [_copy_through(valid, n, o) for n, o in
                                            zip(flatten(new_state), flatten(state))])
        return new_state, output

    def parts(out_s, outs):
        return outs[:n_state], outs[n_state:], []
    leaves = []
    carry_s = _flatten(state, leaves)
    out_s, outs = _build(api, step, leaves, carry_s, sliced, _flatten(tuple(sliced), []),
                         False, "while", parts)
    final_state, outputs = _unflatten(out_s, iter(outs))
    return outputs, final_state


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """(outputs, final_state) of `cell` run over the time dim of `inputs` (TF1).

        cell = gc.nn.rnn_cell.GRUCell(16)
        x = gc.placeholder(gc.float32, (None, None, 8))          # batch, time, depth
        outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)   # (?, ?, 16)

    inputs: (batch, time, depth...) or, time_major, (time, batch, depth...): a tensor or a
    structure of them for the cell. outputs has the same layout, with the cell's
    output_size as depth. Without initial_state, `dtype` gives the zero state's dtype.
    sequence_length (batch,): steps at or past a sequence's length output zeros and keep
    its state, so final_state is each sequence's state at its last step. Variables go
    under scope (default 'rnn'), e.g. 'rnn/gru_cell/gates/kernel'. parallel_iterations
    and swap_memory have no effect in graphc.
    """
    assert_like_rnncell("cell", cell)
    api = "dynamic_rnn"
    with variable_scope(scope or "rnn"):
        given = _check_inputs(api, inputs, 3)
        flat = given if time_major else [_transpose_batch_time(x) for x in given]
        steps = _dim(flat, 0, "Time steps", api)
        batch = _dim(flat, 1, "Batch_size", api)
        seq = _sequence_length(api, sequence_length, batch)
        state = _initial_state(api, cell, initial_state, batch, dtype, given[0])
        outputs, final_state = _dynamic_loop(api, cell, inputs, flat, state, seq, steps, batch)
        if not time_major:
            outputs = map_structure(_transpose_batch_time, outputs)
        return outputs, final_state


def _reverse(x, lengths, seq_axis, batch_axis):
    if lengths is None:
        return reverse(x, [seq_axis])
    return reverse_sequence(x, lengths, seq_axis=seq_axis, batch_axis=batch_axis)


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """((output_fw, output_bw), (state_fw, state_bw)): cell_fw over the inputs and
    cell_bw over each sequence reversed (TF1).

        (fw, bw), _ = gc.nn.bidirectional_dynamic_rnn(gc.nn.rnn_cell.GRUCell(8),
                                                      gc.nn.rnn_cell.GRUCell(8), x,
                                                      sequence_length=lengths, dtype=gc.float32)
        both = gc.concat([fw, bw], -1)

    With sequence_length, the backward pass reads each sequence's first
    sequence_length[b] steps reversed (reverse_sequence) and its outputs are reversed
    back, so output_bw[b, t] lines up with input t. Variables go under
    'bidirectional_rnn/fw/' and 'bidirectional_rnn/bw/' (scope replaces
    'bidirectional_rnn').
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(
                cell_fw, inputs, sequence_length, initial_state_fw, dtype,
                parallel_iterations, swap_memory, time_major, scope=fw_scope)
        time_axis, batch_axis = (0, 1) if time_major else (1, 0)
        lengths = None if sequence_length is None else cast(
            convert_to_tensor(sequence_length), dtypes.int32)
        with variable_scope("bw") as bw_scope:
            inputs_reverse = map_structure(
                lambda x: _reverse(convert_to_tensor(x), lengths, time_axis, batch_axis),
                inputs)
            tmp, state_bw = dynamic_rnn(
                cell_bw, inputs_reverse, sequence_length, initial_state_bw, dtype,
                parallel_iterations, swap_memory, time_major, scope=bw_scope)
    output_bw = map_structure(lambda o: _reverse(o, lengths, time_axis, batch_axis), tmp)
    return (output_fw, output_bw), (state_fw, state_bw)


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None,
               scope=None):
    """(outputs, state): the cell applied to each tensor of the list `inputs`, unrolled
    into the graph (TF1).

        xs = [gc.placeholder(gc.float32, (None, 8)) for _ in range(5)]
        outputs, state = gc.nn.static_rnn(gc.nn.rnn_cell.BasicRNNCell(4), xs,
                                          dtype=gc.float32)          # 5 tensors (?, 4)

    sequence_length as in dynamic_rnn. Variables under scope (default 'rnn').
    """
    assert_like_rnncell("cell", cell)
    api = "static_rnn"
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("static_rnn: inputs must be a sequence (a list of the time steps)")
    if not inputs:
        raise ValueError("static_rnn: inputs must not be empty")
    # TF1: rank-1 steps (the ids an EmbeddingWrapper embeds) are taken as they are
    rank = 1 if convert_to_tensor(flatten(inputs[0])[0]).shape.rank == 1 else 2
    with variable_scope(scope or "rnn") as varscope:
        steps = [_check_inputs(api, x, rank) for x in inputs]
        batch = _dim([x for xs in steps for x in xs], 0, "Batch_size", api)
        state = _initial_state(api, cell, initial_state, batch, dtype, steps[0][0])
        seq = _sequence_length(api, sequence_length, batch)
        outputs = []
        for time, (x, flat) in enumerate(zip(inputs, steps)):
            if time > 0:
                varscope.reuse_variables()
            output, new_state = cell(pack_as(x, flat), state)
            if seq is not None:
                valid = time < seq
                output = map_structure(lambda o: _copy_through(valid, o, zeros_like(o)),
                                       output)
                new_state = pack_as(new_state, [_copy_through(valid, n, o) for n, o in
                                                zip(flatten(new_state), flatten(state))])
            state = new_state
            outputs.append(output)
        return outputs, state


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """(outputs, state_fw, state_bw): static_rnn forward and over the reversed sequences,
    each step's outputs concatenated along depth (TF1).

        outputs, s_fw, s_bw = gc.nn.static_bidirectional_rnn(fw, bw, xs, dtype=gc.float32)

    Variables under 'bidirectional_rnn/fw/' and 'bidirectional_rnn/bw/'.
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("static_bidirectional_rnn: inputs must be a non-empty list")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                             sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_list(inputs, sequence_length)
            tmp, state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw, dtype,
                                       sequence_length, scope=bw_scope)
    output_bw = _reverse_list(tmp, sequence_length)
    outputs = [map_structure(lambda f, b: concat([f, b], 1), fw, bw)
               for fw, bw in zip(output_fw, output_bw)]
    return outputs, state_fw, state_bw


def _reverse_list(seq, lengths):
    """A list of time steps with each sequence's first lengths[b] steps reversed."""
    if lengths is None:
        return list(reversed(seq))
    lengths = cast(convert_to_tensor(lengths), dtypes.int64)
    flat_steps = [flatten(x) for x in seq]
    columns = []
    for k in range(len(flat_steps[0])):
        s = stack([convert_to_tensor(step[k]) for step in flat_steps])      # (T, B, ...)
        columns.append(unstack(reverse_sequence(s, lengths, seq_axis=0, batch_axis=1)))
    return [pack_as(x, [col[t] for col in columns]) for t, x in enumerate(seq)]
