"""tf.contrib.rnn's functions (TF 1.15 contrib/rnn/python/ops/rnn.py and the helpers it
exports): stack_bidirectional_rnn, stack_bidirectional_dynamic_rnn,
best_effort_input_batch_size and transpose_batch_time.

    outputs, states_fw, states_bw = gc.contrib.rnn.stack_bidirectional_dynamic_rnn(
        [gc.nn.rnn_cell.GRUCell(8)] * 1, [gc.nn.rnn_cell.GRUCell(8)], x, dtype=gc.float32)
"""
from .. import errors
from ..ops.array import shape, transpose
from ..ops.core import convert_to_tensor
from ..ops.join import concat
from ..ops.rnn import bidirectional_dynamic_rnn, static_bidirectional_rnn
from ..ops.scope import variable_scope

__all__ = ["stack_bidirectional_rnn", "stack_bidirectional_dynamic_rnn",
           "best_effort_input_batch_size", "transpose_batch_time"]


def _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for states in (initial_states_fw, initial_states_bw):
        if states is not None and (not isinstance(states, list) or
                                   len(states) != len(cells_fw)):
            raise ValueError("initial_states_fw must be a list of state tensors (one per "
                             "layer)." if states is initial_states_fw else
                             "initial_states_bw must be a list of state tensors (one per "
                             "layer).")


def _state(states, i):
    return None if states is None else states[i]


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                            initial_states_bw=None, dtype=None, sequence_length=None,
                            scope=None):
    """(outputs, states_fw, states_bw): layers of static_bidirectional_rnn, each on the
    previous layer's concatenated outputs (TF 1.15). Variables under
    'stack_bidirectional_rnn/cell_<i>/fw/...' and '.../bw/...'.

        outs, s_fw, s_bw = gc.contrib.rnn.stack_bidirectional_rnn(
            [gc.nn.rnn_cell.GRUCell(4)], [gc.nn.rnn_cell.GRUCell(4)], xs, dtype=gc.float32)
    """
    _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    if not inputs:
        raise ValueError("inputs must not be empty")
    states_fw, states_bw, prev = [], [], inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
            with variable_scope(f"cell_{i}") as cell_scope:
                prev, s_fw, s_bw = static_bidirectional_rnn(
                    fw, bw, prev, _state(initial_states_fw, i), _state(initial_states_bw, i),
                    sequence_length=sequence_length, dtype=dtype, scope=cell_scope)
            states_fw.append(s_fw)
            states_bw.append(s_bw)
    return prev, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                    initial_states_bw=None, dtype=None, sequence_length=None,
                                    parallel_iterations=None, time_major=False, scope=None,
                                    swap_memory=False):
    """(outputs, states_fw, states_bw): layers of bidirectional_dynamic_rnn, each on the
    previous layer's outputs concatenated along depth (TF 1.15). Variables under
    'stack_bidirectional_rnn/cell_<i>/bidirectional_rnn/fw/...'.

        out, s_fw, s_bw = gc.contrib.rnn.stack_bidirectional_dynamic_rnn(
            [gc.nn.rnn_cell.GRUCell(4)], [gc.nn.rnn_cell.GRUCell(4)], x, dtype=gc.float32)
    """
    _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw, prev = [], [], inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
            with variable_scope(f"cell_{i}"):
                outputs, (s_fw, s_bw) = bidirectional_dynamic_rnn(
                    fw, bw, prev, initial_state_fw=_state(initial_states_fw, i),
                    initial_state_bw=_state(initial_states_bw, i),
                    sequence_length=sequence_length, parallel_iterations=parallel_iterations,
                    dtype=dtype, swap_memory=swap_memory, time_major=time_major)
                prev = concat(list(outputs), 2)
            states_fw.append(s_fw)
            states_bw.append(s_bw)
    return prev, tuple(states_fw), tuple(states_bw)


def best_effort_input_batch_size(flat_input):
    """The batch size of time-major inputs (dim 1): an int when some input knows it
    statically, else a scalar tensor (TF 1.15).

        gc.contrib.rnn.best_effort_input_batch_size([gc.zeros((5, 3, 2))])   # 3
    """
    flat_input = [convert_to_tensor(x) for x in flat_input]
    for x in flat_input:
        if x.shape.rank is None:
            continue
        if x.shape.rank < 2:
            raise errors.ShapeError(f"Expected input tensor {x.name} to have rank at least 2"
                                    "\n  " + errors.describe_tensor(x, "input"))
        if isinstance(x.shape._dims[1], int):
            return x.shape._dims[1]
    return shape(flat_input[0])[1]


def transpose_batch_time(x):
    """x with its first two dims swapped, (batch, time, ...) <-> (time, batch, ...);
    a tensor of rank < 2 comes back unchanged (TF 1.15).

        gc.contrib.rnn.transpose_batch_time(gc.zeros((2, 5, 3))).shape      # (5, 2, 3)
    """
    x = convert_to_tensor(x)
    if x.shape.rank is not None and x.shape.rank < 2:
        return x
    if x.shape.rank is None:
        raise errors.ShapeError("transpose_batch_time needs the rank of x known\n  "
                                + errors.describe_tensor(x, "x"))
    return transpose(x, [1, 0] + list(range(2, x.shape.rank)))
