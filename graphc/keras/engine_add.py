"""add_loss and add_metric of graph-mode tf_keras: on a layer (in `call`, or a callable
loss), and on a functional Model, where the tensor becomes part of the network: the ops
computing it become TensorFlowOpLayers and an AddLoss / AddMetric layer takes it, so
that the model's layers, configs and clones keep it.

    inputs = gc.keras.Input((4,))
    h = gc.keras.layers.Dense(3)(inputs)
    model = gc.keras.Model(inputs, gc.keras.layers.Dense(1)(h))
    model.add_loss(0.01 * gc.reduce_mean(gc.square(h)))
    model.add_metric(gc.reduce_mean(h), name="h_mean", aggregation="mean")
    model.compile("sgd", "mse")       # fit's history: loss, h_mean
"""
import graphc as gc
from . import engine
from .engine import Layer, _flat

__all__ = ["AddLoss", "AddMetric", "add_loss", "add_metric", "model_add"]


class AddLoss(Layer):
    """Adds its input to the losses and returns it (tf_keras' AddLoss)."""

    def __init__(self, unconditional, **kwargs):
        kwargs["autocast"] = False
        super().__init__(**kwargs)
        self.unconditional = unconditional

    def call(self, inputs):
        self.add_loss(inputs)
        return inputs

    def _config(self):
        return {"unconditional": self.unconditional}


class AddMetric(Layer):
    """Adds its input as a metric named `metric_name` and returns it (tf_keras'
    AddMetric)."""

    def __init__(self, aggregation=None, metric_name=None, **kwargs):
        super().__init__(**kwargs)
        self.aggregation, self.metric_name = aggregation, metric_name

    def call(self, inputs):
        self.add_metric(inputs, aggregation=self.aggregation, name=self.metric_name)
        return inputs

    def _config(self):
        return {"aggregation": self.aggregation, "metric_name": self.metric_name}


def add_loss(layer, losses):
    """Layer.add_loss: tensors (or numbers) kept in `layer._losses`; zero-argument
    callables kept and called by `layer.losses` (TF1: regularization on variables)."""
    for loss in _flat(losses):
        if loss is None:
            continue
        if callable(loss) and not isinstance(loss, gc.Tensor):
            layer._callable_losses.append(loss)
        else:
            if not isinstance(loss, gc.Tensor):
                loss = gc.convert_to_tensor(loss, dtype=gc.keras.backend.floatx())
            layer._losses.append(loss)


def add_metric(layer, value, aggregation=None, name=None):
    """Layer.add_metric: `value` reported by fit/evaluate under `name`: with
    aggregation="mean" the mean of all its elements over the epoch's batches; without,
    it must be the result of a gc.keras.metrics.Metric (the metric's own running
    result)."""
    layer._added_metrics.append(metric_entry(value, aggregation, name))


def metric_entry(value, aggregation=None, name=None):
    """(name, value, the Metric that made value or None), or TF's error for an
    add_metric that cannot be reported."""
    if aggregation is not None and aggregation != "mean":
        raise ValueError(f"We currently support only `mean` sample-wise metric "
                         f"aggregation. You provided aggregation=`{aggregation}`")
    made = gc.keras.backend._state().metric_results.get(id(value))
    metric = made[1] if made is not None else None
    if name is None and metric is None:
        raise ValueError("Please provide a name for your metric like "
                         "`self.add_metric(tf.reduce_sum(inputs), "
                         "name='mean_activation', aggregation='mean')`")
    if not isinstance(value, gc.Tensor):
        raise ValueError(f"Expected a symbolic Tensor for the metric value, received: "
                         f"{value}")
    if aggregation is None and metric is None:
        raise ValueError(
            "We do not support adding an aggregated metric result tensor that is not "
            "the output of a `tf.keras.metrics.Metric` metric instance. Without having "
            "access to the metric instance we cannot reset the state of a metric after "
            "every epoch during training. You can create a `tf.keras.metrics.Metric` "
            "instance and pass the result here or pass an un-aggregated result with "
            "`aggregation` parameter set as `mean`. For example: "
            "`self.add_metric(tf.reduce_sum(inputs), name='mean_activation', "
            "aggregation='mean')` ")
    return name or metric.name, value, metric


def model_add(model, kind, value, **kwargs):
    """A functional model's add_loss / add_metric of a tensor: the ops between the
    model's inputs and `value` become layers, then an AddLoss / AddMetric layer takes
    it; the new layers and calls join the model (after its own, as tf_keras'
    _insert_layers)."""
    from .engine_op_layer import create_keras_history
    from .models import _keras_order, _network_nodes
    if kind == "loss":
        if not isinstance(value, gc.Tensor):
            value = gc.convert_to_tensor(value, dtype=gc.keras.backend.floatx())
        layer = AddLoss(unconditional=False, dtype=value.dtype.name)
    else:
        layer = AddMetric(kwargs["aggregation"], kwargs["name"], dtype=value.dtype.name)
    create_keras_history([value])
    nodes, met = _network_nodes(model.inputs, [value])
    layer(value)
    nodes.append(layer._inbound_nodes[-1])
    known = {id(n) for n in model._nodes}
    new_nodes = [n for n in nodes if id(n) not in known]
    new_layers = []
    for node in new_nodes:
        if all(node.layer is not la for la in model._layers + new_layers):
            new_layers.append(node.layer)
    model._nodes.extend(new_nodes)
    model._layers.extend(_keras_order(new_layers, new_nodes, met + [layer]))


def in_functional_construction(model):
    """Whether add_loss/add_metric on `model` extends its network (a functional model,
    outside any layer's call)."""
    from .models import Model, Sequential
    return isinstance(model, Model) and bool(model.inputs) and not engine._IN_CALL[0] \
        and type(model).call in (Model.call, Sequential.call)    # not a subclassed model
