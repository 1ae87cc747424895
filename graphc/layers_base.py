"""tf.layers.Layer (TF1), the base class of graphc/layers_classes.py's layer objects:
the variable scope captured on the first call, variables built there and shared by later
calls, the variables, updates and losses its calls made; re-exported by
layers_classes.py (gc.layers.Layer)."""
import inspect

import numpy as np

from . import dtypes, errors
from .graph import Tensor
from .ops.core import convert_to_tensor
from .ops.graphkeys import GraphKeys, get_collection_ref
from .ops.rnn_cell_base import _to_snake_case
from .ops.scope import variable_scope
from .layers_utils import layer_variable

__all__ = ["Layer"]


class LayerWeights:
    """The weight lists of both layer bases (tf.layers' Layer below, gc.keras' Layer in
    keras/engine.py): `_trainable_weights` and `_non_trainable_weights` in the order the
    layer made or got them (a layer with trainable=False lists all as non-trainable),
    `_updates` and `_losses` its calls added. As in TF1, each `*_variables` name returns
    its `*_weights` property, so a subclass overriding one (a Model) changes both."""

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    variables = property(lambda self: self.weights)
    trainable_variables = property(lambda self: self.trainable_weights)
    non_trainable_variables = property(lambda self: self.non_trainable_weights)

    @property
    def updates(self):
        return list(self._updates)

    @property
    def losses(self):
        return list(self._losses)


class Layer(LayerWeights):
    """A TF1 layer object (tf.layers.Layer): `outputs = layer(inputs)` builds its
    variables on the first call, in its own variable scope, and shares them on later calls.

        class Scale(gc.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight("w", [input_shape[-1]])
            def call(self, inputs):
                return inputs * self.w

    `variables` (= `weights`), `trainable_variables`, `non_trainable_variables`: what its
    calls made or got, in order; `updates`: the ops its calls added to UPDATE_OPS (batch
    normalization's moving averages); `losses`: the regularization losses they added.
    The subclasses call a function of gc.layers from `call` with `name=self._current_scope`.
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword arguments "
                            f"{sorted(kwargs)}")
        self.trainable = trainable
        self._name = name
        self._base_name = name or _to_snake_case(type(self).__name__)
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._scope = None          # the VariableScope captured on the first call
        self._current_scope = None  # that scope, entered, while a call runs
        self._trainable_weights, self._non_trainable_weights = [], []
        self._updates, self._losses = [], []
        self.built = False

    @property
    def name(self):
        if self._name is not None or self._scope is None:
            return self._base_name
        return self._scope.name.split("/")[-1]

    @property
    def scope_name(self):
        if self._scope is None:
            raise ValueError(f"No name available for layer scope because the layer "
                             f"{self.name!r} has not been used yet: the scope name is "
                             f"determined the first time the layer is called")
        return self._scope.name

    @property
    def dtype(self):
        return self._dtype

    def build(self, input_shape):
        """Make the layer's variables with `self.add_weight` (the first call runs it in
        the layer's scope, with the inputs' shape); the built-in layers make theirs in
        `call`, through the functional layer."""
        self.built = True

    def call(self, inputs, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs)")

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None):
        """get_variable(name) in the layer's scope, from `build` or `call`; dtype
        defaults to the layer's.

            self.kernel = self.add_weight("kernel", [input_shape[-1], self.units])
        """
        if self._current_scope is None:
            raise errors.GraphError(f"{type(self).__name__}.add_weight({name!r}): call it "
                                    f"from build or call, while the layer is called")
        return layer_variable(name, shape, dtype or self._dtype, initializer, regularizer,
                              trainable=self.trainable if trainable is None else trainable,
                              constraint=constraint)

    add_variable = add_weight

    def add_loss(self, losses, inputs=None):
        """Add loss tensors to the layer's losses and REGULARIZATION_LOSSES (TF1)."""
        self._add_to(GraphKeys.REGULARIZATION_LOSSES, self._losses, losses)

    def add_update(self, updates, inputs=None):
        """Add update ops to the layer's updates and UPDATE_OPS (TF1)."""
        self._add_to(GraphKeys.UPDATE_OPS, self._updates, updates)

    def _add_to(self, key, own, items):
        items = list(items) if isinstance(items, (list, tuple)) else [items]
        get_collection_ref(key).extend(items)
        if self._current_scope is None:     # in a call, __call__ takes them from `key`
            own.extend(items)

    def count_params(self):
        """The number of scalars in the layer's weights (built layers only, as TF1)."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the "
                             "layer isn't built.")
        return sum(int(np.prod(w.shape.as_list())) for w in self.weights)

    def compute_output_shape(self, input_shape):
        """The output's shape for inputs of `input_shape`: the layer called on a
        placeholder in a scratch branch graph (variables made there go to the graph,
        as TF's layers build in compute_output_shape)."""
        from .graph import get_default_graph
        from .ops.control import FuncGraph
        from .ops.core import placeholder
        graph = get_default_graph()
        scratch = FuncGraph(graph, "compute_output_shape/")
        n_updates, n_losses = len(self._updates), len(self._losses)
        kept = {k: len(graph.get_collection_ref(k))
                for k in (GraphKeys.UPDATE_OPS, GraphKeys.REGULARIZATION_LOSSES)}
        with scratch.as_default():
            out = self(placeholder(self._dtype or dtypes.float32, input_shape))
        del self._updates[n_updates:], self._losses[n_losses:]
        for k, n in kept.items():               # nothing of the scratch graph stays
            del graph.get_collection_ref(k)[n:]
        return out.shape if isinstance(out, Tensor) else [t.shape for t in out]

    def get_config(self):
        """The layer's constructor arguments as a dict (TF1's layers are Keras layers, so
        this is the Keras layer's config: activations by name, initializers, regularizers
        and constraints serialized, sizes as tuples), with name, trainable and dtype. A
        subclass taking other constructor arguments must override it (as in Keras)."""
        base = {"name": self.name, "trainable": self.trainable,
                "dtype": None if self._dtype is None else self._dtype.name}
        args = _init_args(type(self))
        twin = _keras_twin(type(self))
        if twin is None:
            if args:
                raise NotImplementedError(
                    f"Layer {type(self).__name__} has arguments {args} in `__init__` and "
                    f"therefore must override `get_config()`")
            return base
        kw = getattr(self, "_kw", None) or {k: getattr(self, k) for k in args}
        takes, defaults = (inspect.signature(c).parameters for c in (twin, type(self)))
        for k in [k for k in kw if k not in takes]:
            if kw[k] is not defaults[k].default and kw[k] != defaults[k].default:
                raise NotImplementedError(f"{type(self).__name__}.get_config: {k}="
                                          f"{kw[k]!r} has no Keras counterpart")
            del kw[k]       # a TF1-only argument left at its default (Keras leaves it out)
        config = twin(**kw, name=base["name"], trainable=self.trainable).get_config()
        return {**config, "dtype": base["dtype"]}

    @classmethod
    def from_config(cls, config):
        """The layer get_config described (serialized objects are deserialized)."""
        from .keras import activations, constraints, initializers, regularizers
        config, args = dict(config), _init_args(cls)
        twin = _keras_twin(cls)
        keras_args = inspect.signature(twin).parameters if twin else {}
        for key, value in list(config.items()):
            getter = (activations.get if key == "activation" else
                      next((g for end, g in (("_initializer", initializers.get),
                                             ("_regularizer", regularizers.get),
                                             ("_constraint", constraints.get))
                            if key.endswith(end)), None))
            if getter is not None and value is not None:
                config[key] = getter(value)
            if key not in args and key not in ("name", "trainable", "dtype"):
                default = keras_args.get(key)
                if default is not None and default.default == value:
                    del config[key]         # a Keras argument TF1's layer does not take
        return cls(**config)

    def apply(self, inputs, *args, **kwargs):
        """The same as calling the layer."""
        return self(inputs, *args, **kwargs)

    def __call__(self, inputs, *args, **kwargs):
        """The layer on `inputs`: builds it on the first call, then shares its variables.

            h = layer(x)            # extra arguments go to call: layer(x, training=True)
        """
        inputs = self._checked_input(inputs)
        if self._scope is None:     # TF1 Layer._set_scope: a unique default name
            with variable_scope(None, default_name=self._base_name) as captured:
                pass
            self._scope = captured
        updates = get_collection_ref(GraphKeys.UPDATE_OPS)
        losses = get_collection_ref(GraphKeys.REGULARIZATION_LOSSES)
        n_updates, n_losses = len(updates), len(losses)
        with variable_scope(self._scope, reuse=True if self.built else None,
                            custom_getter=self._track, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            try:
                if not self.built:
                    if isinstance(inputs, Tensor):
                        self.build(inputs.shape)
                    self.built = True
                outputs = self.call(inputs, *args, **kwargs)
            finally:
                self._current_scope = None
        self._updates += updates[n_updates:]
        self._losses += losses[n_losses:]
        return outputs

    def _checked_input(self, inputs):
        """inputs as a tensor of the layer's dtype (the first call sets it when not given)."""
        if isinstance(inputs, (list, tuple)) and any(isinstance(v, Tensor) for v in inputs):
            return inputs               # a custom layer on several tensors
        x = convert_to_tensor(inputs, dtype=None if isinstance(inputs, Tensor) else self._dtype)
        if self._dtype is None:
            self._dtype = x.dtype
        elif x.dtype is not self._dtype:
            raise errors.DTypeError(f"{type(self).__name__} '{self.name}' has dtype "
                                    f"{self._dtype.name}, its inputs {x.dtype.name}\n  "
                                    + errors.describe_tensor(x, "inputs"))
        return x

    def _track(self, getter, *args, **kwargs):
        """A custom getter recording each variable the layer gets, as `layer.<name>` too
        (layer.kernel, layer.moving_mean)."""
        v = getter(*args, **kwargs)
        known = self._trainable_weights + self._non_trainable_weights
        if all(v is not w for w in known):
            (self._trainable_weights if kwargs.get("trainable", True)
             else self._non_trainable_weights).append(v)
            short = v.op.name.split("/")[-1]
            if not hasattr(type(self), short):
                setattr(self, short, v)
        return v

    def __repr__(self):
        where = f" '{self._scope.name}'" if self._scope is not None else ""
        return f"<gc.layers.{type(self).__name__}{where}>"


def _init_args(cls):
    """The names of cls's own constructor arguments (not name, trainable, dtype)."""
    params = inspect.signature(cls.__init__).parameters
    return [k for k, p in params.items() if k not in ("self", "name", "trainable", "dtype")
            and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]


def _keras_twin(cls):
    """The Keras layer class a built-in tf.layers class is in TF1 (None for others)."""
    from . import layers_classes, layers_conv_more
    if cls.__module__ not in (layers_classes.__name__, layers_conv_more.__name__):
        return None
    from .keras import layers
    return getattr(layers, cls.__name__, None)


def _config(local_vars):
    """A constructor's arguments but self, name, trainable, dtype and **kwargs."""
    return {k: v for k, v in local_vars.items()
            if k not in ("self", "__class__", "name", "trainable", "dtype", "kwargs")}

