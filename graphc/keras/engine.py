"""The Keras Layer of graph-mode tf.keras (TF 1.x): a named object (`dense`,
`dense_1`, ... per graph) that builds its weights on the first call, in a name scope of
its name ('dense/kernel:0'), shares them on later calls, and records each call (a node
of the functional graph) so that gc.keras.Model can replay it on new inputs.

    d = gc.keras.layers.Dense(3)
    y1, y2 = d(x1), d(x2)           # one kernel 'dense/kernel:0'; ops 'dense/...',
                                    # then 'dense_1/...'
"""
import inspect
import re

import numpy as np

import graphc as gc
from ..layers_base import LayerWeights
from . import backend as K
from . import constraints as constraints_mod
from . import engine_dtype, engine_track
from . import initializers
from . import regularizers as regularizers_mod

__all__ = ["Layer", "InputLayer", "Input", "InputSpec"]


def _snake(name):
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


_IN_CALL = [0]       # depth of Layer.call: ops inside a call are that layer's, not layers


def _flat(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _masks(x):
    """The Keras mask of a tensor, or a list of them for a list (tf_keras' input_mask)."""
    if isinstance(x, (list, tuple)):
        return [K.get_mask(t) for t in x]
    return K.get_mask(x)


def _own_outputs(outputs, inputs):
    """outputs, an input handed back as it is made an identity of it (as tf_keras): the
    layer's output must be its own, or the Model would lose the layers before it."""
    def own(t):
        return gc.identity(t) if any(t is x for x in inputs) else t
    return gc.nest.map_structure(own, outputs)


def _takes(fn, arg):
    """Whether callable `fn` has a parameter `arg` (or **kwargs)."""
    import inspect
    params = inspect.signature(fn).parameters
    return arg in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


class InputSpec:
    """What a layer accepts (kept for compatibility: dtype, shape, ndim, min_ndim, axes)."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype, self.shape, self.ndim = dtype, shape, ndim
        self.max_ndim, self.min_ndim, self.axes = max_ndim, min_ndim, axes or {}


class _Node:
    """One call of a layer: its input and output tensors and keyword arguments."""

    def __init__(self, layer, inputs, outputs, kwargs):
        self.layer, self.inputs, self.outputs, self.kwargs = layer, inputs, outputs, kwargs


class Layer(LayerWeights):
    """The base of Keras layers (tf.keras.layers.Layer, TF 1.x graph mode).

        class Scale(gc.keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight("w", shape=(int(input_shape[-1]),),
                                         initializer="ones")
            def call(self, inputs):
                return inputs * self.w

    `weights` = `trainable_weights` + `non_trainable_weights`; `get_weights()` and
    `set_weights(values)` read and load them in the Keras session; `updates` are the
    moving-average assignments a call made (BatchNormalization), which fit runs.

    `dtype` is a dtype name or a gc.keras.mixed_precision.Policy (default: the global
    policy): `layer.dtype` is the variables' dtype, `layer.compute_dtype` the dtype of
    the computations; floating inputs are cast to it and, under 'mixed_float16', the
    float32 variables are read as float16 inside `call` (engine_dtype.py).
    """

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 batch_input_shape=None, batch_size=None, input_dim=None, weights=None,
                 activity_regularizer=None, autocast=None, **kwargs):
        if kwargs:
            raise TypeError(f"Keyword argument not understood: {sorted(kwargs)[0]!r}")
        self.trainable = trainable
        self.name = name or K.unique_name(_snake(type(self).__name__))
        if dtype is None and autocast is False and \
                not engine_dtype.v2_dtype_behavior_enabled():
            dtype = K.floatx()  # V1: a layer whose inputs are not values of its dtype (an
            #                     Embedding's ids) does not take theirs (tf_keras)
        self._dtype_policy = engine_dtype.policy_of(dtype)
        self._autocast = (engine_dtype.v2_dtype_behavior_enabled() if autocast is None
                          else bool(autocast))
        self._autocast_weights = []
        if input_shape is None and input_dim is not None:
            input_shape = (input_dim,)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (batch_size,) + tuple(input_shape)
        self._batch_input_shape = (None if batch_input_shape is None
                                   else tuple(batch_input_shape))
        self._initial_weights = weights
        self.activity_regularizer = regularizers_mod.get(activity_regularizer)
        self._trainable_weights, self._non_trainable_weights = [], []
        self._updates, self._losses = [], []
        self._callable_losses, self._added_metrics = [], []
        self._inbound_nodes = []
        self.built = False
        self.supports_masking = False

    # ---- tracking (engine_track.py) ----------------------------------------------------
    def __setattr__(self, name, value):
        engine_track.on_setattr(self, name, value, Layer)
        object.__setattr__(self, name, value)

    def _children(self):
        """The layers this layer's attributes hold (tf_keras' tracked sublayers)."""
        return engine_track.children(self, Layer)

    @property
    def trainable_weights(self):
        """The layer's own trainable weights, then its children's (tf_keras' order)."""
        if not self.trainable:
            return []
        return engine_track.dedup(self._trainable_weights + engine_track.gather(
            self, "trainable_weights", Layer))

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return engine_track.dedup(self._non_trainable_weights + engine_track.gather(
                self, "non_trainable_weights", Layer))
        return engine_track.dedup(self._trainable_weights + self._non_trainable_weights
                                  + engine_track.gather(self, "weights", Layer))

    @property
    def updates(self):
        """The layer's updates and its sublayers'; none of a frozen layer that is not
        stateful (tf_keras: a BatchNormalization with trainable=False keeps its moving
        statistics)."""
        if not self.trainable and not getattr(self, "stateful", False):
            return []
        return engine_track.dedup(self._updates + engine_track.gather(self, "updates",
                                                                      Layer))

    # ---- dtypes (engine_dtype.py) ------------------------------------------------------
    @property
    def dtype(self):
        """The dtype of the layer's variables (the policy's variable_dtype; None while an
        '_infer' policy waits for the first input)."""
        return self._dtype_policy.variable_dtype

    @dtype.setter
    def dtype(self, value):
        self._dtype_policy = engine_dtype.policy_of("_infer" if value is None else value)

    variable_dtype = property(lambda self: self._dtype_policy.variable_dtype)
    dtype_policy = property(lambda self: self._dtype_policy,
                            doc="The layer's gc.keras.mixed_precision.Policy.")
    compute_dtype = property(lambda self: self._dtype_policy.compute_dtype,
                             doc="The dtype of the layer's computations ('float16' "
                                 "under 'mixed_float16').")
    _compute_dtype = compute_dtype

    # ---- weights -----------------------------------------------------------------------
    def add_weight(self, name, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None, **kwargs):
        """A variable '<layer>/<name>:0' of this layer (call it from build); initializer
        by name or object, glorot_uniform for floats by default (Keras). A constraint (a
        function of the variable) runs after each optimizer update. Under a mixed policy
        a floating variable is read in the compute dtype inside `call` unless
        autocast=False (TF's `experimental_autocast`).

            self.kernel = self.add_weight("kernel", (3, 4), initializer="glorot_uniform")
        """
        autocast = kwargs.pop("autocast", kwargs.pop("experimental_autocast", True))
        dtype = gc.as_dtype(dtype or self.dtype or K.floatx())
        engine_dtype.weight_dtype_seen(self, dtype)
        init = initializers.get(initializer)
        if init is None:
            init = (initializers.GlorotUniform() if dtype.is_floating
                    else initializers.Zeros())
        shape = [int(d) for d in (shape or ())]
        regularizer = regularizers_mod.get(regularizer)
        constraint = constraints_mod.get(constraint)
        var = gc.Variable(lambda: init(shape, dtype=dtype), name=name, dtype=dtype,
                          trainable=trainable, constraint=constraint)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(var)
        if engine_dtype.is_autocast_weight(self, dtype, autocast):
            self.__dict__.setdefault("_autocast_weights", []).append(var)
        if regularizer is not None:
            with gc.name_scope(f"{name}/Regularizer"):
                self._losses.append(regularizer(var))
        return var

    def get_weights(self):
        """The weights' values (numpy arrays) in the Keras session."""
        return K.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Load numpy arrays into the weights, in the order of `weights`."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on layer \"{self.name}\" "
                             f"with a weight list of length {len(weights)}, but the layer "
                             f"was expecting {len(params)} weights.")
        for p, w in zip(params, weights):
            if tuple(p.shape.as_list()) != np.shape(w):
                raise ValueError(f"Layer weight shape {tuple(p.shape.as_list())} not "
                                 f"compatible with provided weight shape {np.shape(w)}")
        K.batch_set_value(list(zip(params, weights)))

    def count_params(self):
        return int(sum(np.prod(w.shape.as_list()) for w in self.weights))

    def add_update(self, updates, inputs=None):
        self._updates += _flat(updates)

    def add_loss(self, losses, inputs=None):
        """Add loss tensors (or zero-argument callables giving one) to `losses`; on a
        functional model, the tensor's ops join the network (engine_add.py)."""
        from . import engine_add
        if engine_add.in_functional_construction(self):
            for loss in _flat(losses):
                if loss is None:
                    continue
                if callable(loss) and not isinstance(loss, gc.Tensor):
                    engine_add.add_loss(self, loss)
                else:
                    engine_add.model_add(self, "loss", loss)
            return
        engine_add.add_loss(self, losses)

    def add_metric(self, value, aggregation=None, name=None):
        """Report `value` in fit/evaluate under `name`: aggregation="mean" for a
        tensor (its mean over the epoch), None for a gc.keras.metrics.Metric's result.

            self.add_metric(gc.reduce_mean(h), name="h_mean", aggregation="mean")
        """
        from . import engine_add
        if engine_add.in_functional_construction(self):
            if engine_add.metric_entry(value, aggregation, name)[2] is not None:
                raise ValueError("Using the result of calling a `Metric` object when "
                                 "calling `add_metric` on a Functional Model is not "
                                 "supported. Please pass the Tensor to monitor directly.")
            engine_add.model_add(self, "metric", value, aggregation=aggregation,
                                 name=name)
            return
        engine_add.add_metric(self, value, aggregation, name)

    def get_updates_for(self, inputs):
        """The updates that depend on `inputs` (a tensor or list), or with None those
        that depend on no input (tf_keras)."""
        return _depending(self.updates, inputs)

    def get_losses_for(self, inputs):
        """The losses that depend on `inputs`, or with None those that depend on no
        input (regularizers of weights, tf_keras)."""
        return _depending(self.losses, inputs)

    @property
    def losses(self):
        """The losses added by the layer's calls, its regularizers and add_loss, with
        the callable ones called now."""
        return engine_track.dedup(self._own_losses()
                                  + engine_track.gather(self, "losses", Layer))

    def _own_losses(self):
        called = [f() for f in self._callable_losses]
        return list(self._losses) + [t for t in called if t is not None]

    # ---- calling -----------------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    _same_shape = False         # the layers whose output has the input's shape say so

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`: a layer that changes shapes defines it
        (TF1 graph mode's base raises NotImplementedError, as this one does rather
        than guess the input shape)."""
        if self._same_shape or type(self).call is Layer.call:
            return input_shape
        raise NotImplementedError(
            f"Please implement the compute_output_shape method on your layer "
            f"({type(self).__name__}): graphc, like TF1 in graph mode, cannot know the "
            "shape its call gives without it")

    def __call__(self, inputs, *args, **kwargs):
        """The layer on `inputs` (a tensor or a list): builds the weights on the first
        call, under the name scope of the layer's name, and records the call. The
        inputs' Keras masks go to `call(mask=...)` when it takes one, and the outputs
        get `compute_mask`'s masks (TF1: `_keras_mask`; see backend.get_mask). `call`
        gets the inputs cast to the compute dtype and the variables read in it."""
        graph = gc.get_default_graph()
        keys = sorted(inputs) if isinstance(inputs, dict) else None   # dict: by sorted key
        flat = [self._as_tensor(x) for x in ([inputs[k] for k in keys] if keys
                                             else _flat(inputs))]
        history = K._state().history
        if not _IN_CALL[0]:
            given = flat + [t for v in (*args, *kwargs.values()) for t in _flat(v)
                            if isinstance(t, gc.Tensor)]  # also initial_state=s * 0.5
            if any(id(x) not in history for x in given):
                from .engine_op_layer import create_keras_history
                create_keras_history(given)
        # TF1: outputs are Keras tensors only when every input is one (a layer on a raw
        # placeholder gives a plain tensor, which plain ops may then mix with others)
        keras_inputs = all(id(x) in history for x in flat)
        inputs = dict(zip(keys, flat)) if keys else \
            flat if isinstance(inputs, (list, tuple)) else flat[0]
        recorded = dict(kwargs)
        if args:        # tf_keras' Node.serialize: the other positional arguments by name
            recorded.update(zip(list(inspect.signature(self.call).parameters)[1:], args))
        masks = [K.get_mask(x) for x in flat]
        previous = dict(zip(keys, masks)) if keys else \
            masks if isinstance(inputs, list) else masks[0]
        if "mask" in kwargs:
            previous = kwargs["mask"]
        elif any(m is not None for m in masks) and _takes(self.call, "mask"):
            kwargs["mask"] = previous
        with graph.name_scope(self.name):
            if not self.built:
                engine_dtype.infer_policy(self, flat)
                shapes = [x.shape for x in flat]
                shapes = dict(zip(keys, shapes)) if keys else \
                    shapes if isinstance(inputs, list) else shapes[0]
                if not getattr(type(self).build, "_is_default", False):
                    self.build(shapes)
                self.built = True
                if self._initial_weights is not None:
                    self.set_weights(self._initial_weights)
            cast = engine_dtype.cast_inputs(self, inputs)
            _IN_CALL[0] += 1
            try:
                with engine_dtype.autocast_variables(self):
                    outputs = _own_outputs(self.call(cast, *args, **kwargs), flat)
            finally:
                _IN_CALL[0] -= 1
            if self.activity_regularizer is not None:
                with gc.name_scope("ActivityRegularizer"):
                    for out in gc.nest.flatten(outputs):
                        reg = self.activity_regularizer(out)
                        n = gc.cast(gc.shape(out)[0], reg.dtype)
                        self._losses.append(reg / n)
            self._set_output_masks(inputs, outputs, previous)
        self._record(flat, gc.nest.flatten(outputs), recorded, keras_inputs)
        return outputs

    def _set_output_masks(self, inputs, outputs, previous):
        """TF1: masks come from compute_mask only when the layer supports masking or
        overrides compute_mask; otherwise they are dropped."""
        flat_out = gc.nest.flatten(outputs)
        if not (self.supports_masking or type(self).compute_mask is not Layer.compute_mask):
            return
        out_masks = self.compute_mask(inputs, previous)
        out_masks = [None] * len(flat_out) if out_masks is None else _flat(out_masks)
        for out, m in zip(flat_out, out_masks):
            if isinstance(out, gc.Tensor):
                K._set_mask(out, m)

    def compute_mask(self, inputs, mask=None):
        """The output mask: the input mask when the layer supports masking, else None
        (a TypeError when given a mask it cannot take), as TF1 Keras.

            gc.keras.layers.Dense(3).compute_mask(x, m)      # m (Dense keeps masks)
        """
        if not self.supports_masking:
            if any(m is not None for m in _flat(mask)):
                raise TypeError(f"Layer {self.name} does not support masking, but was "
                                f"passed an input_mask: {mask}")
            return None
        return mask

    def _as_tensor(self, x):
        if isinstance(x, gc.Tensor):
            return x
        return gc.convert_to_tensor(x, dtype=self.dtype or K.floatx())

    def _record(self, inputs, outputs, kwargs, keras_inputs=True):
        """An inbound node for this call; its outputs get a Keras history when its inputs
        all have one."""
        st = K._state()
        history = st.history
        index = len(self._inbound_nodes)
        self._inbound_nodes.append(_Node(self, inputs, outputs, kwargs))
        if not keras_inputs:
            return
        if any(t.node.id in st.checked for t in outputs if isinstance(t, gc.Tensor)):
            st.checked.clear()          # an old tensor gets a history: its users now use it
        for i, t in enumerate(outputs):
            history[id(t)] = (t, self, index, i)

    def _training(self, training):
        """`training` as given, else Keras' learning phase."""
        return K.learning_phase() if training is None else training

    # ---- introspection -----------------------------------------------------------------
    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no {what} to return.")
        values = getattr(self._inbound_nodes[0], attr)
        return values[0] if len(values) == 1 else values

    def _node_at(self, index, what):
        """The inputs or outputs of call `index` (tf_keras' get_*_at errors)."""
        if not self._inbound_nodes:
            raise RuntimeError(f"The layer {self.name} has never been called and thus has "
                               f"no defined {what}.")
        if not len(self._inbound_nodes) > index:
            raise ValueError(f"Asked to get {what} at node {index}, but the layer has only "
                             f"{len(self._inbound_nodes)} inbound nodes.")
        node = self._inbound_nodes[index]
        values = node.inputs if what.startswith("input") else node.outputs
        if what.endswith("shape"):
            values = [K.int_shape(t) for t in values]
        return values[0] if len(values) == 1 else list(values)

    def get_input_at(self, node_index):
        """The input tensor(s) of the layer's call number `node_index`."""
        return self._node_at(node_index, "input")

    def get_output_at(self, node_index):
        """The output tensor(s) of the layer's call number `node_index`."""
        return self._node_at(node_index, "output")

    def get_input_shape_at(self, node_index):
        return self._node_at(node_index, "input shape")

    def get_output_shape_at(self, node_index):
        return self._node_at(node_index, "output shape")

    def get_input_mask_at(self, node_index):
        """The Keras mask(s) of the inputs of call `node_index` (None where unmasked)."""
        return _masks(self.get_input_at(node_index))

    def get_output_mask_at(self, node_index):
        """The Keras mask(s) of the outputs of call `node_index` (None where unmasked)."""
        return _masks(self.get_output_at(node_index))

    @property
    def input_mask(self):
        return _masks(self.input)

    @property
    def output_mask(self):
        """The output's Keras mask (a list for several outputs), e.g. Embedding(...,
        mask_zero=True)'s not_equal(ids, 0); None where the output has none."""
        return _masks(self.output)

    @property
    def input(self):
        return self._node_attr("inputs", "input")

    @property
    def output(self):
        return self._node_attr("outputs", "output")

    @property
    def input_shape(self):
        ins = _flat(self.input)
        shapes = [K.int_shape(x) for x in ins]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        """The output's shape, or a list of shapes (a model's: in its outputs' structure)."""
        return gc.nest.map_structure(K.int_shape, self.output)

    def get_config(self):
        """The constructor arguments (name, trainable, dtype and the layer's own)."""
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": engine_dtype.serialize_policy(self._dtype_policy)}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        config.update(self._config())
        config.update(self._penalty_config())
        return config

    def _penalty_config(self):
        """The `*_regularizer` / `*_constraint` arguments (serialized), Keras' keys."""
        import inspect
        params = []
        for cls in type(self).__mro__:
            init = cls.__dict__.get("__init__")
            if init is not None and cls is not Layer:
                params += [k for k in inspect.signature(init).parameters if k not in params]
        config = {}
        for key in params:
            if key.endswith("_regularizer"):
                config[key] = regularizers_mod.serialize(
                    regularizers_mod.get(getattr(self, key, None)))
            elif key.endswith("_constraint"):
                config[key] = constraints_mod.serialize(
                    constraints_mod.get(getattr(self, key, None)))
        return config

    def _config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<gc.keras.layers.{type(self).__name__} '{self.name}'>"


class InputLayer(Layer):
    """The layer of a model's input: a placeholder 'input_1', ... (or a given tensor).

        layer = gc.keras.layers.InputLayer(input_shape=(784,))
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=False, name=None, batch_input_shape=None, **kwargs):
        if sparse:
            raise NotImplementedError("InputLayer(sparse=True) is not supported")
        name = name or K.unique_name("input", zero_based=False)
        super().__init__(name=name, dtype=dtype, input_shape=input_shape,
                         batch_size=batch_size, batch_input_shape=batch_input_shape,
                         **kwargs)
        if input_tensor is None:
            if self._batch_input_shape is None:
                raise ValueError("An InputLayer needs input_shape, batch_input_shape or "
                                 "input_tensor")
            input_tensor = gc.placeholder(gc.as_dtype(dtype or K.floatx()),
                                          self._batch_input_shape, name=self.name)
        else:
            self._batch_input_shape = K.int_shape(input_tensor)
        self.dtype = input_tensor.dtype.name
        self.built = True
        self.is_placeholder = input_tensor.op.type == "Placeholder"
        self._record([], [input_tensor], {})

    @property
    def output_shape(self):
        """[shape]: a list, as Keras' InputLayer (its call's outputs are a list)."""
        return [K.int_shape(self.output)]

    input_shape = output_shape      # an InputLayer's input is its output (Keras' too)

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape, "dtype": self.dtype,
                "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, tensor=None,
          batch_shape=None, **kwargs):
    """A symbolic model input: a placeholder of shape (batch_size,) + shape.

        inputs = gc.keras.Input(shape=(784,))       # 'input_1:0', (?, 784)
    """
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    if shape is None and batch_shape is None and tensor is None:
        raise ValueError("Please provide to Input either a `shape` or a `tensor` argument.")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=sparse, input_tensor=tensor, batch_input_shape=batch_shape)
    return layer._inbound_nodes[0].outputs[0]


def _depending(items, inputs):
    """The items (tensors or ops) computed from any of `inputs`; with inputs None, those
    computed from no placeholder at all."""
    from ..ops.core import PLACEHOLDER
    wanted = None if inputs is None else {getattr(t, "node", t) for t in (
        inputs if isinstance(inputs, (list, tuple)) else [inputs])}
    out = []
    for item in items:
        start = getattr(item, "node", item)
        seen, stack, hit = set(), [start], False
        while stack and not hit:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            hit = n in wanted if wanted is not None else n.op is PLACEHOLDER
            stack.extend(t.node for t in n.inputs)
            stack.extend(n.control_inputs)
        if hit == (wanted is not None):
            out.append(item)
    return out
