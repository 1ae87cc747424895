"""More of Keras' recurrent layers (graph mode, tf_keras): StackedRNNCells (what
RNN([cell, cell]) runs), AbstractRNNCell (a base for custom cells), and
(layers_conv_lstm.py, re-exported) ConvLSTM1D/2D/3D.

    cells = [gc.keras.layers.LSTMCell(8), gc.keras.layers.GRUCell(4)]
    out = gc.keras.layers.RNN(cells, return_sequences=True)(x)     # (batch, T, 4)
"""
import graphc as gc
from .engine import Layer, _flat
from .layers_conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D  # noqa: F401

__all__ = ["StackedRNNCells", "AbstractRNNCell", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]


def _nested_sizes(size):
    return list(size) if isinstance(size, (list, tuple)) else [size]


def _takes_training(cell):
    import inspect
    return "training" in inspect.signature(cell.call).parameters


class StackedRNNCells(Layer):
    """Cells run one after the other as one cell: each step feeds cell k's output to
    cell k + 1; state_size is the tuple of the cells' state sizes, the states are
    their states in order (flat), output_size the last cell's.

        stack = gc.keras.layers.StackedRNNCells([gc.keras.layers.LSTMCell(8),
                                                 gc.keras.layers.LSTMCell(4)])
        out = gc.keras.layers.RNN(stack)(x)          # 'rnn/stacked_rnn_cells/lstm_cell/..'
    """

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(f"All cells must have a `call` method and a "
                                 f"`state_size` attribute. Received cells: {cells}")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self):
        return tuple(c.state_size for c in self.cells)

    @property
    def output_size(self):
        last = self.cells[-1]
        size = getattr(last, "output_size", None)
        return size if size is not None else _nested_sizes(last.state_size)[0]

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Each cell's zero states (its own get_initial_state when it has one), as a
        tuple with one entry per cell."""
        if inputs is not None:
            batch_size, dtype = gc.shape(inputs)[0], inputs.dtype
        states = []
        for cell in self.cells:
            if hasattr(cell, "get_initial_state"):
                states.append(cell.get_initial_state(inputs, batch_size, dtype))
            else:
                zeros = [gc.zeros(gc.stack([batch_size, int(n)]), dtype)
                         for n in _nested_sizes(cell.state_size)]
                states.append(zeros if len(zeros) > 1 else zeros[0])
        return tuple(states)

    def build(self, input_shape):
        dims = list(gc.TensorShape(input_shape).as_list())
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                with gc.name_scope(cell.name):
                    cell.build(gc.TensorShape(dims))
                cell.built = True
            size = getattr(cell, "output_size", None)
            dims[-1] = int(size if size is not None
                           else _nested_sizes(cell.state_size)[0])
        self.built = True

    def call(self, inputs, states, training=None):
        """One step: (last cell's output, the new states, nested like state_size)."""
        flat = list(gc.nest.flatten(states))
        new_states = []
        for cell in self.cells:
            n = len(gc.nest.flatten(cell.state_size))
            own, flat = flat[:n], flat[n:]
            kwargs = {"training": training} if _takes_training(cell) else {}
            inputs, new = cell.call(inputs, own, **kwargs)
            new = _flat(new)
            new_states.append(new if isinstance(cell.state_size, (list, tuple))
                              else new[0])
        return inputs, tuple(new_states)

    # ---- RNN dropout: one mask per sequence for each cell (RNN.call's protocol) ----
    @property
    def dropout(self):
        return max([getattr(c, "dropout", 0) or 0 for c in self.cells] + [0])

    @property
    def recurrent_dropout(self):
        return max([getattr(c, "recurrent_dropout", 0) or 0 for c in self.cells] + [0])

    def _make_masks(self, x0, training):
        """Each cell's dropout masks for a sequence whose first step is x0."""
        x = x0
        for cell in self.cells:
            if hasattr(cell, "_make_masks"):
                cell._make_masks(x, training)
            size = int(getattr(cell, "output_size", None)
                       or _nested_sizes(cell.state_size)[0])
            x = gc.zeros(gc.stack([gc.shape(x0)[0], size]), x0.dtype)

    def _clear(self, value):
        if value is None:
            for cell in self.cells:
                if hasattr(cell, "_make_masks"):
                    cell._dp_masks = cell._rec_masks = None

    _dp_masks = property(lambda self: None, _clear)
    _rec_masks = property(lambda self: None, _clear)

    # ---- config (the cells' weights and losses: engine_track's tracking) ------------
    def _config(self):
        return {"cells": [{"class_name": type(c).__name__, "config": c.get_config()}
                          for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .saving_config import layer_from_config
        config = dict(config)
        cells = [layer_from_config(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


class AbstractRNNCell(Layer):
    """A base for custom cells: define state_size, output_size and
    call(inputs, states) -> (output, new_states); get_initial_state gives zeros.

        class MinimalCell(gc.keras.layers.AbstractRNNCell):
            def __init__(self, units, **kw):
                super().__init__(**kw)
                self.units = units
            state_size = property(lambda self: self.units)
            output_size = property(lambda self: self.units)
            def build(self, input_shape):
                self.kernel = self.add_weight("kernel", (input_shape[-1], self.units))
            def call(self, inputs, states):
                h = gc.matmul(inputs, self.kernel) + states[0]
                return h, [h]
    """

    def call(self, inputs, states):
        raise NotImplementedError("Abstract method")

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Zeros (batch_size, n) for each state size n (one tensor for one state)."""
        if inputs is not None:
            batch_size, dtype = gc.shape(inputs)[0], inputs.dtype
        zeros = [gc.zeros(gc.stack([batch_size, int(n)]), dtype or gc.float32)
                 for n in _nested_sizes(self.state_size)]
        return zeros if isinstance(self.state_size, (list, tuple)) else zeros[0]
