"""tf.nn.rnn_cell.DeviceWrapper (TF1): a cell whose ops (and variables, made on its
first call) are placed on a device. graphc runs every op on the CPU (soft placement),
so the device string is recorded on the ops, as TF1 records it, and changes nothing else.

    cell = gc.nn.rnn_cell.DeviceWrapper(gc.nn.rnn_cell.GRUCell(64), "/cpu:0")
"""
from ..graph import device as device_scope
from ..graph import name_scope
from .rnn_cell_base import RNNCell
from .rnn_wrappers import (_init_wrapper, _wrapped_prebuild, _wrapped_register_noise,
                           _wrapped_sub_cells)

__all__ = ["DeviceWrapper"]


class DeviceWrapper(RNNCell):
    """The wrapped cell, its step and zero state built under `gc.device(device)` (TF1).

        cell = gc.nn.rnn_cell.DeviceWrapper(gc.nn.rnn_cell.BasicLSTMCell(8), "/cpu:0")
        outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)

    It opens no variable scope of its own: the wrapped cell's variables keep their names.
    """

    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)
    _sub_cells = _wrapped_sub_cells
    _prebuild = _wrapped_prebuild
    _register_noise = _wrapped_register_noise

    def __init__(self, cell, device, **kwargs):
        if kwargs:
            raise TypeError(f"DeviceWrapper: unexpected keyword argument "
                            f"{sorted(kwargs)[0]!r}")
        _init_wrapper(self, cell)
        self._device = device

    def zero_state(self, batch_size, dtype):
        """The wrapped cell's zero state, made on the device ('DeviceWrapperZeroState')."""
        with name_scope(type(self).__name__ + "ZeroState"), device_scope(self._device):
            return self._cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        """(output, new_state) of the wrapped cell's step, built on the device."""
        with device_scope(self._device):
            return self._cell(inputs, state, scope=scope)
