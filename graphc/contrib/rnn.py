"""gc.contrib.rnn (tf.contrib.rnn, TF 1.15): gc.nn.rnn_cell's cells and the static RNN
functions (the same objects), plus contrib's own cells, wrappers and functions from the
graphc/contrib/rnn_*.py modules. See docs/contrib-rnn.md.

    cell = gc.contrib.rnn.LSTMBlockCell(32)
    outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)
"""
from .. import nn as _nn
from ..nn import rnn_cell as _cells
from . import rnn_block as _block
from . import rnn_cells_indy as _indy
from . import rnn_cells_last as _last
from . import rnn_ntm as _ntm
from . import rnn_cells_more as _more
from . import rnn_cells_phased as _phased
from . import rnn_conv as _conv
from . import rnn_grid as _grid
from . import rnn_funcs as _funcs
from . import rnn_wrappers as _wrappers

__all__ = []
for _name in dir(_cells):
    if _name.endswith(("Cell", "Wrapper", "Tuple")) and not _name.startswith("_"):
        globals()[_name] = getattr(_cells, _name)
        __all__.append(_name)
for _name in ("static_rnn", "static_bidirectional_rnn", "stack_bidirectional_rnn",
              "stack_bidirectional_dynamic_rnn"):
    if hasattr(_nn, _name):
        globals()[_name] = getattr(_nn, _name)
        __all__.append(_name)
for _module in (_block, _more, _phased, _indy, _last, _ntm, _conv, _grid, _wrappers,
                _funcs):
    for _name in _module.__all__:
        globals()[_name] = getattr(_module, _name)
        if _name not in __all__:
            __all__.append(_name)
