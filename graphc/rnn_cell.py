"""TF1's tf.nn.rnn_cell namespace (gc.nn.rnn_cell): thin re-exports.

    cell = gc.nn.rnn_cell.MultiRNNCell([gc.nn.rnn_cell.BasicLSTMCell(n) for n in (64, 32)])
"""
from .ops.rnn_cell_base import LSTMStateTuple, RNNCell  # noqa: F401
from .ops.rnn_cells import BasicLSTMCell, BasicRNNCell, GRUCell, LSTMCell  # noqa: F401
from .ops.rnn_wrappers import DropoutWrapper, MultiRNNCell, ResidualWrapper  # noqa: F401
from .ops.rnn_device import DeviceWrapper  # noqa: F401
