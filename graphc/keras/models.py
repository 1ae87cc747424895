"""gc.keras.Model (functional: Model(inputs, outputs)) and gc.keras.Sequential, with
summary, weights and weight files (saving.py: .npz or HDF5); training is in training.py.

    inputs = gc.keras.Input(shape=(4,))
    outputs = gc.keras.layers.Dense(2, activation="softmax")(inputs)
    model = gc.keras.Model(inputs, outputs)
    y2 = model(other_inputs)                 # the same weights on new tensors
"""
import contextlib

import numpy as np

import graphc as gc
from . import backend as K
from . import engine, engine_track, models_sub, training
from .engine import InputLayer, Layer, _flat

__all__ = ["Model", "Sequential", "load_model", "save_model", "model_from_json",
           "model_from_config", "clone_model", "LinearModel", "WideDeepModel"]


def _node_tensors(node):
    """The tensors a layer call used: its inputs, then the Keras tensors among its keyword
    arguments (an RNN's initial_state or constants, an explicit mask); others, such as
    training=K.learning_phase(), are fixed arguments of the call (tf_keras' Node)."""
    history = K._state().history
    extra = [t for t in gc.nest.flatten(node.kwargs)
             if isinstance(t, gc.Tensor) and id(t) in history]
    return list(node.inputs) + extra


def _network_nodes(inputs, outputs):
    """The layer calls between `inputs` and `outputs`, each after the calls making its
    inputs (an iterative depth-first walk of the tensors' Keras history), and the
    layers in the order the walk first meets them."""
    history = K._state().history
    wanted = {id(t) for t in inputs}
    order, seen, done, met = [], set(), set(), []
    stack = [(t, False) for t in reversed(outputs)]
    while stack:
        t, expanded = stack.pop()
        entry = history.get(id(t))
        if id(t) in wanted:
            if entry is not None and all(entry[1] is not m for m in met):
                met.append(entry[1])            # a model input's layer, met here
            continue
        if entry is None:
            raise ValueError(f"Output tensors to a Model must be the output of a Keras "
                             f"Layer: {t.name} is not (or it does not come from the "
                             f"model's inputs)")
        node = entry[1]._inbound_nodes[entry[2]]
        if id(node) in done:
            continue
        if expanded:
            done.add(id(node))
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        if all(node.layer is not m for m in met):
            met.append(node.layer)
        if not node.inputs and not isinstance(node.layer, InputLayer):
            raise ValueError(f"Graph disconnected at layer {node.layer.name}")
        if isinstance(node.layer, InputLayer) and id(t) not in wanted:
            raise ValueError(f"Graph disconnected: cannot obtain value for tensor {t.name} "
                             f"at layer \"{node.layer.name}\". It is not among the Model's "
                             f"inputs.")
        stack.append((t, True))
        stack.extend((x, False) for x in reversed(_node_tensors(node)))
    return order, met


def _keras_order(layers, nodes, met):
    """`layers` in tf_keras' order: by decreasing depth from the outputs (a layer's
    depth is the largest of its calls' depths), ties in the order the walk from the
    outputs first met them (tf_keras' Functional). get_weights, set_weights and HDF5
    files follow this order. `nodes`: the calls, producers first."""
    history = K._state().history
    node_depth, layer_depth = {}, {}
    for node in reversed(nodes):                        # consumers before producers
        depth = max(node_depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        for t in _node_tensors(node):
            entry = history.get(id(t))
            if entry is not None:
                parent = id(entry[1]._inbound_nodes[entry[2]])
                node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for layer in layers:        # a model input's layer: the depth of its one call
        if id(layer) not in layer_depth and layer._inbound_nodes:
            layer_depth[id(layer)] = node_depth.get(id(layer._inbound_nodes[0]), 0)
    rank = {id(layer): i for i, layer in enumerate(met)}
    return sorted(layers, key=lambda la: (-layer_depth.get(id(la), 0),
                                          rank.get(id(la), -1)))


def _flat_inputs(x):
    """A model's input tensors: a dict's values by sorted key (tf_keras' nest.flatten),
    a list's, or x alone."""
    return [x[k] for k in sorted(x)] if isinstance(x, dict) else _flat(x)


class Model(training.TrainingMixin, Layer):
    """A functional Keras model: the layers between `inputs` and `outputs`.

        model = gc.keras.Model(inputs=inputs, outputs=outputs)
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])

    `outputs` may be nested (lists of lists, tuples, dicts: Model(x, {"att": a, "y": y})):
    `model.outputs` is their flat list (a dict's values by sorted key), which `predict`
    returns; `model.output` and calling the model give the structure as given.
    """

    _nested_outputs = None      # Model(inputs, outputs)'s outputs as given (functional)

    def __new__(cls, *args, **kwargs):
        model = super().__new__(cls)
        model.__dict__["_init_args"] = (args, kwargs)   # a subclass's get_config (models_sub)
        return model

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        Layer.__init__(self, name=name or K.unique_name(_model_base(type(self))), **kwargs)
        self._layers = []
        self.inputs, self.outputs = [], []
        self._nodes = []
        self._graph_network = False     # True once built from inputs and outputs
        self._strategy = gc.distribute.get_strategy() if gc.distribute.has_strategy() \
            else None                   # a subclassed model builds in its scope later
        training.TrainingMixin._init_training(self)
        if inputs is not None:
            if isinstance(outputs, list) and len(gc.nest.flatten(outputs)) == 1:
                outputs = gc.nest.flatten(outputs)[0]   # tf_keras: [[y]] is y
            self._init_graph(_flat_inputs(inputs), gc.nest.flatten(outputs))
            self._nested_outputs = outputs

    def _init_graph(self, inputs, outputs):
        history = K._state().history
        if not engine._IN_CALL[0] and any(id(t) not in history for t in outputs):
            from .engine_op_layer import create_keras_history
            create_keras_history(outputs)   # plain ops on Keras tensors become layers
        self.inputs, self.outputs = list(inputs), list(outputs)
        self._nodes, met = _network_nodes(self.inputs, self.outputs)
        layers = [history[id(t)][1] for t in self.inputs if id(t) in history]
        for node in self._nodes:
            if all(node.layer is not seen for seen in layers):
                layers.append(node.layer)
        self._layers = _keras_order(layers, self._nodes, met)
        self._graph_network = self.built = True

    @property
    def layers(self):
        """The model's layers: a functional model's in tf_keras' order, a subclassed
        model's in the order its attributes were set (engine_track.py)."""
        return list(self._layers) if self._layers else self._children()

    def get_layer(self, name=None, index=None):
        """The layer called `name` (or at `index`)."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}")

    @property
    def input(self):
        return self.inputs[0] if len(self.inputs) == 1 else self.inputs

    @property
    def output(self):
        """The output tensor, or the outputs in the structure given to Model(inputs,
        outputs) (a list, a nested list, a dict); `outputs` is always the flat list."""
        if self._nested_outputs is not None:
            return self._nested_outputs
        return self.outputs[0] if len(self.outputs) == 1 else self.outputs

    def _unique(self, attr, own=()):
        return engine_track.dedup([w for layer in self.layers for w in getattr(layer, attr)]
                                  + list(own))

    @property
    def trainable_weights(self):
        return self._unique("trainable_weights", self._trainable_weights) \
            if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return self._unique("non_trainable_weights", self._non_trainable_weights)
        return self._unique("weights", self._trainable_weights + self._non_trainable_weights)

    @property
    def weights(self):
        """Each layer's weights in turn, then the model's own (Keras' order for
        get/set_weights)."""
        own = self._trainable_weights + self._non_trainable_weights
        if not self.trainable:
            return self._unique("weights", own)
        return engine_track.dedup([w for layer in self.layers for w in
                                   layer.trainable_weights + layer.non_trainable_weights]
                                  + own)

    variables = weights

    @property
    def updates(self):
        return engine_track.dedup(self._unique("updates") + list(self._updates))

    @property
    def losses(self):
        return engine_track.dedup(self._unique("losses") + self._own_losses())

    def _all_added_metrics(self):
        """(name, tensor, Metric or None) of add_metric on the model and its layers."""
        out = list(self._added_metrics)
        for layer in self.layers:
            more = layer._all_added_metrics() if isinstance(layer, Model) \
                else layer._added_metrics
            out += [m for m in more if all(m[1] is not o[1] for o in out)]
        return out

    @property
    def stateful(self):
        return any(getattr(la, "stateful", False) for la in self.layers)

    @property
    def state_updates(self):
        """The state assignments of the stateful RNNs (run by predict and evaluate)."""
        return [u for la in self.layers if getattr(la, "stateful", False)
                for u in (la.state_updates if isinstance(la, Model) else la.updates)]

    def reset_states(self):
        """Zero the states of the model's stateful layers.

            model.reset_states()
        """
        for la in self.layers:
            if getattr(la, "stateful", False) and hasattr(la, "reset_states"):
                la.reset_states()

    def build(self, input_shape=None):
        """A subclassed model: `call` on placeholders of `input_shape` (batch dimension
        included), which makes the weights (models_sub.py)."""
        if not self._graph_network:
            models_sub.build(self, input_shape)

    build._is_default = True        # not called by __call__ (tf_keras' @default)

    def _build_from_data(self, x):
        models_sub.build_from_data(self, x)

    def __call__(self, inputs, *args, **kwargs):
        outputs = super().__call__(inputs, *args, **kwargs)
        if not (self._graph_network or self._layers or self.inputs):
            # tf_keras' v1: the inputs and (flat) outputs of the first call
            self.inputs, self.outputs = _flat(inputs), gc.nest.flatten(outputs)
        return outputs

    def call(self, inputs, training=None):
        """The model's layers on new tensors, sharing their weights."""
        new = _flat_inputs(inputs)
        if len(new) != len(self.inputs):
            raise ValueError(f"Model {self.name} expects {len(self.inputs)} inputs, "
                             f"got {len(new)}")
        values = {id(old): x for old, x in zip(self.inputs, new)}
        for node in self._nodes:
            args = [values[id(t)] for t in node.inputs]
            kwargs = gc.nest.map_structure(
                lambda v: values.get(id(v), v) if isinstance(v, gc.Tensor) else v,
                dict(node.kwargs))
            if training is not None and "training" in _call_args(node.layer):
                kwargs["training"] = training
            out = node.layer(args if len(args) > 1 else args[0], **kwargs)
            for t, o in zip(node.outputs, gc.nest.flatten(out)):
                values[id(t)] = o
        outs = [values[id(t)] for t in self.outputs]
        if self._nested_outputs is not None:        # the structure Model(...) was given
            return gc.nest.pack_sequence_as(self._nested_outputs, outs)
        return outs[0] if len(outs) == 1 else outs

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print the layers, their output shapes and parameter counts (and, for a
        functional model that is not a chain, their inputs) as TF 1.15's tf.keras does
        (model_summary.py); `print_fn` gets each line.

            model.summary(print_fn=lines.append)
        """
        if not self._graph_network and not self.built:
            raise ValueError(models_sub.NOT_BUILT)
        from .model_summary import print_summary
        print_summary(self, line_length, positions, print_fn)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        """Write the weights: HDF5 in tf_keras' layout for .h5/.hdf5/.keras paths (or
        save_format="h5"; needs h5py), else a graphc .npz file.

            model.save_weights("weights.h5")
        """
        from .saving import save_weights
        save_weights(self, filepath, overwrite, save_format)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False):
        """Load a weights file (HDF5: by layer order, or by layer name with by_name,
        skipping mismatching layers with a warning when skip_mismatch; .npz: in order
        or by weight name).

            model.load_weights("weights.h5", by_name=True)
        """
        from .saving import load_weights
        if not self._graph_network:
            models_sub.check_weights_exist(self)
        return load_weights(self, filepath, by_name, skip_mismatch)

    def get_config(self):
        """The architecture: layers, their calls, inputs and outputs (Keras' form); a
        subclassed model's: its constructor arguments (models_sub.get_config)."""
        if not self._graph_network and type(self) is not Model:
            return models_sub.get_config(self)
        from .saving_config import functional_config
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new model (new weights) from get_config's dict."""
        if "layers" not in config and cls is not Model:
            return cls(**config)           # a subclassed model's constructor arguments
        from .saving_config import functional_from_config
        return functional_from_config(cls, config, custom_objects)

    def to_json(self, **kwargs):
        """The architecture as JSON: {"class_name", "config", "keras_version",
        "backend"}; models.model_from_json rebuilds it.

            clone = gc.keras.models.model_from_json(model.to_json())
        """
        from .saving import model_to_json
        return model_to_json(self, **kwargs)

    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None):
        """Save architecture, weights, compile arguments and optimizer state in one
        graphc file (an .npz archive); models.load_model reads it back.

            model.save("model.gck")
            again = gc.keras.models.load_model("model.gck")
        """
        from .saving import save_model
        if not self._graph_network and not self._layers:
            models_sub.check_saveable(self, save_format == "h5" or str(filepath).endswith(
                (".h5", ".hdf5", ".keras")))
        save_model(self, filepath, overwrite, include_optimizer, save_format)

    def __repr__(self):
        return f"<gc.keras.{type(self).__name__} '{self.name}'>"


def _model_base(cls):
    from .engine import _snake
    return "model" if cls is Model else _snake(cls.__name__)


def _call_args(layer):
    import inspect
    return inspect.signature(layer.call).parameters


class Sequential(Model):
    """A linear stack of layers; the first layer's input_shape (or build, or the first
    data seen by fit/predict, or calling it) makes its input.

        model = gc.keras.Sequential([
            gc.keras.layers.Dense(64, activation="relu", input_shape=(784,)),
            gc.keras.layers.Dense(10, activation="softmax")])
    """

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._stack = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._stack)

    def add(self, layer):
        """Append a layer (an InputLayer, or a gc.keras.Input tensor, sets the input)."""
        made = K._state().history.get(id(layer)) if isinstance(layer, gc.Tensor) else None
        if made is not None and isinstance(made[1], InputLayer):
            layer = made[1]                 # Sequential([gc.keras.Input((3,)), ...])
        if not isinstance(layer, Layer):
            raise TypeError(f"The added layer must be an instance of class Layer. "
                            f"Found: {layer}")
        if isinstance(layer, InputLayer):
            self._input_layer = layer
            self._set_graph(layer._inbound_nodes[0].outputs[0])
            return
        self._stack.append(layer)
        if self.outputs:
            out = layer(self.outputs[0])
            self._init_graph(self.inputs, _flat(out))
            self._layers = self._with_input_layer()
        elif len(self._stack) == 1 and layer._batch_input_shape is not None:
            x = InputLayer(batch_input_shape=layer._batch_input_shape,
                           dtype=layer.dtype, name=layer.name + "_input")
            self._set_graph(x._inbound_nodes[0].outputs[0])

    def pop(self):
        """Remove the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        self._stack.pop()
        if self.inputs:
            self._set_graph(self.inputs[0])

    def _set_graph(self, x, scoped=False):
        """The model's graph from its input(s) x through the stack; `scoped`: built when
        first called or fed data, the layers' weights are made under the model's name
        (tf_keras: sequential/dense/kernel; with an input shape given: dense/kernel)."""
        inputs = x
        with gc.name_scope(self.name) if scoped else contextlib.nullcontext():
            for layer in self._stack:
                x = layer(x)
        self._init_graph(_flat_inputs(inputs), _flat(x))
        self._layers = self._with_input_layer()

    def predict_proba(self, x, batch_size=32, verbose=0):
        """predict, whose outputs should be probabilities (TF 1.15's Sequential)."""
        preds = self.predict(x, batch_size, verbose)
        if preds.min() < 0.0 or preds.max() > 1.0:
            gc.get_logger().warning("Network returning invalid probability values. The "
                                    "last layer might not normalize predictions into "
                                    "probabilities (like softmax or sigmoid would).")
        return preds

    def predict_classes(self, x, batch_size=32, verbose=0):
        """The class of each sample: argmax over the last axis, or (p > 0.5) for one
        output unit (TF 1.15's Sequential)."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def _with_input_layer(self):
        first = K._state().history[id(self.inputs[0])][1]
        return [first] + list(self._stack)

    def build(self, input_shape=None):
        """Make the model's input for `input_shape` (batch dim included)."""
        if self.inputs:
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        x = InputLayer(batch_input_shape=tuple(input_shape), name=None)
        self._set_graph(x._inbound_nodes[0].outputs[0])

    def _build_from_data(self, x):
        if isinstance(x, (list, tuple)):
            x = x[0]
        if not self.inputs:
            def input_for(a, name=None):
                a = np.asarray(a)
                layer = InputLayer(batch_input_shape=(None,) + a.shape[1:], name=name,
                                   dtype="float32" if a.dtype.kind == "f" else
                                   "string" if a.dtype.kind in "USO" else a.dtype.name)
                return layer._inbound_nodes[0].outputs[0]
            if isinstance(x, dict):     # a dict of features (DenseFeatures first)
                self._set_graph({k: input_for(v, k) for k, v in x.items()}, scoped=True)
            else:
                self._set_graph(input_for(x), scoped=True)

    def get_config(self):
        """{"name", "layers": [{"class_name", "config"}, ...]}; the first layer's
        config holds the input's batch_input_shape."""
        layers = []
        for i, la in enumerate(self._stack):
            config = la.get_config()
            if i == 0 and self.inputs and "batch_input_shape" not in config:
                config["batch_input_shape"] = K.int_shape(self.inputs[0])
            layers.append({"class_name": type(la).__name__, "config": config})
        return {"name": self.name, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .saving_config import layer_from_config
        layers = config["layers"] if isinstance(config, dict) else config
        model = cls(name=config.get("name") if isinstance(config, dict) else None)
        for entry in layers:
            model.add(layer_from_config(entry, custom_objects))
        return model

    def __call__(self, inputs, *args, **kwargs):
        if not self.inputs and isinstance(inputs, gc.Tensor) and inputs.shape.rank:
            # tf_keras: an input of the inferred shape of its own, then called as a layer
            # (it stays one layer of the calling model, which it can freeze or save)
            layer = InputLayer(batch_input_shape=[None] + inputs.shape.as_list()[1:],
                               dtype=inputs.dtype)
            # its layers' weights under its name, also within another layer's or model's
            # call (tf_keras: blk/sequential/dense/kernel)
            self._set_graph(layer._inbound_nodes[0].outputs[0], scoped=True)
        return super().__call__(inputs, *args, **kwargs)


from .saving import load_model, model_from_config, model_from_json, save_model  # noqa: E402
from .models_clone import clone_model  # noqa: E402,F401
from .linear_models import LinearModel, WideDeepModel  # noqa: E402,F401
