"""tf.contrib.rnn.PhasedLSTMCell (TF 1.15): an LSTM whose updates open and close with a
learned periodic time gate.

    cell = gc.contrib.rnn.PhasedLSTMCell(16)
    outputs, state = gc.nn.dynamic_rnn(cell, (times, x), dtype=gc.float32)
"""
import math

from .. import errors
from ..initializers import constant_initializer
from ..ops import elementwise as E
from ..ops.broadcast import where
from ..ops.core import stop_gradient
from ..ops.join import split
from ..ops.random import random_uniform
from ..ops.rnn_cell_base import LSTMStateTuple, RNNCell
from ..ops.rnn_cells import _check_step, _input_depth, _units
from .rnn_cells_more import _apply, _linear_vars

__all__ = ["PhasedLSTMCell"]


class PhasedLSTMCell(RNNCell):
    """The Phased LSTM (TF 1.15): inputs are (time (batch, 1), features (batch, depth));
    an LSTM step (gates 'mask_gates', 'new_input', 'output_gate', peepholes on c when
    use_peepholes) whose update is opened by a per-unit periodic gate k of the time:
    phi = ((time - phase) mod period) / period; k = 2 phi / ratio_on while phi <
    ratio_on / 2, 2 - 2 phi / ratio_on while phi < ratio_on, else leak * phi;
    c' = k c~ + (1 - k) c, h' = k h~ + (1 - k) h. The mod passes the time's gradient.

        cell = gc.contrib.rnn.PhasedLSTMCell(16)
        outputs, state = gc.nn.dynamic_rnn(cell, (times, x), dtype=gc.float32)

    Variables also 'period' (exp of uniform(log min, log max)), 'phase' (uniform(0,
    period)) and 'ratio_on' (trainable_ratio_on).
    """

    def __init__(self, num_units, use_peepholes=False, leak=0.001, ratio_on=0.1,
                 trainable_ratio_on=True, period_init_min=1.0, period_init_max=1000.0,
                 reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = _units(num_units)
        self._use_peepholes, self._leak, self._ratio_on = use_peepholes, leak, ratio_on
        self._trainable_ratio_on = trainable_ratio_on
        self._period_init = (period_init_min, period_init_max)

    state_size = property(lambda self: LSTMStateTuple(self._num_units, self._num_units))
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        if not isinstance(inputs_shape, (tuple, list)) or len(inputs_shape) != 2:
            raise ValueError("PhasedLSTMCell: inputs must be a pair (time, features)")
        depth, n = _input_depth(self, inputs_shape[1]), self._num_units
        peep = n if self._use_peepholes else 0
        self._mask = _linear_vars(self, "mask_gates", depth + n + peep, 2 * n)
        self._new_input = _linear_vars(self, "new_input", depth + n, n)
        self._out_gate = _linear_vars(self, "output_gate", depth + n + peep, n)
        lo, hi = (math.log(v) for v in self._period_init)
        self._period = self.add_variable("period", [n], initializer=lambda shape, dtype=None,
                                         **_: E.exp(random_uniform(shape, lo, hi, dtype)))
        period = self._period
        self._phase = self.add_variable(
            "phase", [n], initializer=lambda shape, dtype=None, **_:
            random_uniform(shape, 0.0, 1.0, dtype) * period.initial_value)
        self._ratio = self.add_variable("ratio_on", [n],
                                        initializer=constant_initializer(self._ratio_on),
                                        trainable=self._trainable_ratio_on)
        self.built = True

    def call(self, inputs, state):
        time, x = inputs
        _check_step(self, x, state)
        c_prev, h_prev = state
        extra = [c_prev] if self._use_peepholes else []
        input_gate, forget_gate = split(E.sigmoid(_apply([x, h_prev] + extra, *self._mask)),
                                        2, axis=1)
        new_c = c_prev * forget_gate + input_gate * E.tanh(_apply([x, h_prev],
                                                                  *self._new_input))
        extra = [new_c] if self._use_peepholes else []
        new_h = E.tanh(new_c) * E.sigmoid(_apply([x, h_prev] + extra, *self._out_gate))
        if time.dtype is not x.dtype:
            raise errors.DTypeError(f"PhasedLSTMCell: time is {time.dtype.name} but the "
                                    f"features are {x.dtype.name}; use gc.cast\n  "
                                    + errors.describe_tensor(time, "time"))
        shifted = time - self._phase
        # mod that passes x's gradient: stop_gradient(mod(x, p) - x) + x
        cycle = (stop_gradient(E.floormod(shifted, self._period) - shifted) + shifted) \
            / self._period
        ratio = self._ratio
        k_up = 2 * cycle / ratio
        k = where(cycle < ratio, 2 - k_up, self._leak * cycle)
        k = where(cycle < 0.5 * ratio, k_up, k)
        new_c = k * new_c + (1 - k) * c_prev
        new_h = k * new_h + (1 - k) * h_prev
        return new_h, LSTMStateTuple(new_c, new_h)
