"""Keras' layer wrappers: Bidirectional (an RNN run forwards and backwards, merged) and
TimeDistributed (a layer applied to every time step), graph-mode tf.keras of TF 1.x.

    seq = gc.keras.layers.Bidirectional(gc.keras.layers.LSTM(8, return_sequences=True))(x)
    out = gc.keras.layers.TimeDistributed(gc.keras.layers.Dense(2))(seq)
"""
import graphc as gc
from .engine import Layer, _flat, _takes

__all__ = ["Wrapper", "Bidirectional", "TimeDistributed"]

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Wrapper(Layer):
    """A layer around another layer: its weights, updates and losses are the inner
    layer's (tf.keras.layers.Wrapper)."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `{type(self).__name__}` layer with a "
                             f"`Layer` instance. You passed: {layer}")
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs \
                and layer._batch_input_shape is not None:
            kwargs["batch_input_shape"] = layer._batch_input_shape
        super().__init__(**kwargs)
        self.layer = layer

    def _inner(self):
        return [self.layer]

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for la in self._inner() for w in la.trainable_weights]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return [w for la in self._inner() for w in la.weights]
        return [w for la in self._inner() for w in la.non_trainable_weights]

    @property
    def updates(self):
        return self._updates + [u for la in self._inner() for u in la.updates]

    @property
    def losses(self):
        return self._losses + [x for la in self._inner() for x in la.losses]

    @property
    def stateful(self):
        return any(getattr(la, "stateful", False) for la in self._inner())

    def reset_states(self):
        for la in self._inner():
            la.reset_states()

    def _config(self):
        return {"layer": {"class_name": type(self.layer).__name__,
                          "config": self.layer.get_config()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .saving_config import layer_from_config
        config = dict(config)
        config["layer"] = layer_from_config(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = layer_from_config(config["backward_layer"],
                                                         custom_objects)
        return cls(**config)


class TimeDistributed(Wrapper):
    """`layer` on every step of (batch, time, ...) inputs: the steps are folded into the
    batch, so one set of weights ('time_distributed/kernel:0') serves all of them.

        gc.keras.layers.TimeDistributed(gc.keras.layers.Dense(8))(seq)   # (b, t, 8)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        dims = input_shape.as_list() if input_shape.ndims is not None else None
        if dims is None or len(dims) < 3:
            raise ValueError(f"`TimeDistributed` Layer should be passed an `input_shape ` "
                             f"with at least 3 dimensions, received: {input_shape}")
        if not self.layer.built:
            self.layer.build(gc.TensorShape([None] + dims[2:]))
            self.layer.built = True
        self.built = True

    def call(self, inputs, training=None, mask=None):
        dims = inputs.shape.as_list()
        shape = gc.shape(inputs)
        kwargs = {}
        if _takes(self.layer.call, "training"):
            kwargs["training"] = training
        if mask is not None and _takes(self.layer.call, "mask"):
            kwargs["mask"] = _fold(mask)
        out = self.layer(_fold(inputs), **kwargs)     # __call__: activity regularizer
        y = gc.reshape(out, gc.concat([shape[:2], gc.shape(out)[1:]], 0))
        y.set_shape(dims[:2] + out.shape.as_list()[1:])
        return y

    def compute_output_shape(self, input_shape):
        """The inner layer's output shape for one step, with the time axis put back."""
        dims = gc.TensorShape(input_shape).as_list()
        inner = gc.TensorShape(self.layer.compute_output_shape(
            gc.TensorShape([dims[0]] + dims[2:]))).as_list()
        return gc.TensorShape(inner[:1] + [dims[1]] + inner[1:])

    def compute_mask(self, inputs, mask=None):
        """The inner layer's mask of the folded steps, unfolded to (batch, time, ...);
        when it has none, the input mask reduced by `any` to (batch, time) (tf_keras).
        """
        out = self.layer.compute_mask(_fold(inputs), None if mask is None else _fold(mask))
        if out is None:
            if mask is None or mask.shape.ndims is None:
                return mask
            for _ in range(2, mask.shape.ndims):
                mask = gc.reduce_any(mask, axis=-1)
            return mask
        y = gc.reshape(out, gc.concat([gc.shape(inputs)[:2], gc.shape(out)[1:]], 0))
        y.set_shape(inputs.shape.as_list()[:2] + out.shape.as_list()[1:])
        return y


def _fold(x):
    """(batch, time, ...) -> (batch * time, ...): the steps folded into the batch."""
    y = gc.reshape(x, gc.concat([[-1], gc.shape(x)[2:]], 0))
    y.set_shape([None] + x.shape.as_list()[2:])
    return y


class Bidirectional(Wrapper):
    """An RNN run forwards and (a copy, go_backwards flipped, or `backward_layer`
    itself) backwards over the inputs, the two outputs merged by `merge_mode`:
    "concat" (default), "sum", "mul", "ave" or None (a list of both). Weights
    'bidirectional/forward_lstm/kernel:0' and 'bidirectional/backward_lstm/kernel:0'.
    With return_state the outputs are [merged, *forward_states, *backward_states].

        out = gc.keras.layers.Bidirectional(gc.keras.layers.GRU(8), merge_mode="sum")(x)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        if merge_mode not in _MERGE_MODES:
            raise ValueError('Invalid merge mode. Merge mode should be one of '
                             '{"sum", "mul", "ave", "concat", None}')
        super().__init__(layer, **kwargs)
        self.merge_mode = merge_mode
        self._backward_given = backward_layer is not None
        self.forward_layer = self._recreate(layer, "forward_")
        if backward_layer is None:
            self.backward_layer = self._recreate(layer, "backward_", flip=True)
        else:
            if backward_layer.go_backwards == layer.go_backwards:
                raise ValueError("Forward layer and backward layer should have different "
                                 "`go_backwards` value.")
            self.backward_layer = backward_layer      # the layer given, renamed (tf_keras)
            if not backward_layer.name.startswith("backward_"):
                backward_layer.name = "backward_" + backward_layer.name
        # reversed outputs must be zero (not repeated) at masked steps to line up
        for inner in (self.forward_layer, self.backward_layer):
            inner.zero_output_for_mask = inner.return_sequences
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    @staticmethod
    def _recreate(layer, prefix, flip=False):
        config = dict(layer.get_config())
        if not layer.name.startswith(prefix):
            config["name"] = prefix + layer.name
        config.pop("batch_input_shape", None)
        if flip:
            config["go_backwards"] = not config["go_backwards"]
        from .saving_config import layer_from_config
        return layer_from_config({"class_name": type(layer).__name__, "config": config})

    def _inner(self):
        return [self.forward_layer, self.backward_layer]

    @property
    def _n_states(self):
        return len(self.forward_layer._state_sizes)

    def call(self, inputs, training=None, mask=None, initial_state=None):
        if isinstance(inputs, list):
            initial_state = initial_state or inputs[1:] or None
            inputs = inputs[0]
        if isinstance(mask, list):
            mask = mask[0]
        fw_state = bw_state = None
        if initial_state is not None:
            states = _flat(initial_state)
            if len(states) % 2:
                raise ValueError(f"When passing `initial_state` to a Bidirectional RNN, "
                                 f"the state should be a list containing the states of "
                                 f"the underlying RNNs. Found: {initial_state}")
            half = len(states) // 2
            fw_state, bw_state = states[:half], states[half:]
        kw = {"training": training}
        if mask is not None:
            kw["mask"] = mask
        y = self.forward_layer(inputs, initial_state=fw_state, **kw)
        y_rev = self.backward_layer(inputs, initial_state=bw_state, **kw)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = gc.reverse(y_rev, [1])
        if self.merge_mode == "concat":
            out = [gc.concat([y, y_rev], axis=-1)]
        elif self.merge_mode == "sum":
            out = [y + y_rev]
        elif self.merge_mode == "ave":
            out = [(y + y_rev) / 2]
        elif self.merge_mode == "mul":
            out = [y * y_rev]
        else:
            out = [y, y_rev]
        out += states
        return out if len(out) > 1 else out[0]

    def compute_output_shape(self, input_shape):
        """The forward layer's shapes, the last axis doubled by "concat", the output
        twice with merge_mode=None, both layers' states with return_state."""
        out = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            out, states = out[0], list(out[1:])
        if self.merge_mode == "concat":
            dims = out.as_list()
            out = gc.TensorShape(dims[:-1] + [None if dims[-1] is None else 2 * dims[-1]])
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            return outs + states + states
        return outs if len(outs) > 1 else outs[0]

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        out = mask if self.return_sequences else None
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            outs += [None] * (2 * self._n_states)
        return outs if len(outs) > 1 else outs[0]

    def _config(self):
        config = dict(super()._config(), merge_mode=self.merge_mode)
        if self._backward_given:
            config["backward_layer"] = {"class_name": type(self.backward_layer).__name__,
                                        "config": self.backward_layer.get_config()}
        return config
