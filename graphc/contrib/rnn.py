"""gc.contrib.rnn (tf.contrib.rnn): TF 1.x's cell names and static RNN functions, the
same objects as gc.nn.rnn_cell's and gc.nn's."""
from .. import nn as _nn
from ..nn import rnn_cell as _cells

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
