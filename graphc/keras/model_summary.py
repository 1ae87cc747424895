"""Model.summary's table, line for line as TF 1.15's tf.keras prints it (its
keras/utils/layer_utils.print_summary), trailing spaces included.

    model.summary(print_fn=lines.append)        # or line_length=80, positions=[.5, .8, 1.]

A Sequential, a subclassed model, or a functional model that is a plain chain (one layer
call per depth, each on at most one tensor, no layer called twice) gets three columns in
65 characters; any other functional model a fourth, "Connected to" (each input tensor as
layer_name[node_index][tensor_index], one per row), in 98. `positions` are the columns'
right ends, as fractions of the line when the last is <= 1.
"""
import numpy as np

import graphc as gc
from . import backend as K
from .engine import InputLayer
from .models import _node_tensors

__all__ = ["print_summary"]


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Print `model`'s layers (name and class, output shape, parameter count; for a
    non-chain functional model also their inbound tensors) and its parameter totals,
    one line per `print_fn` call (default print)."""
    print_fn = print_fn or print
    by_depth = _nodes_by_depth(model) if _is_functional(model) else None
    if by_depth is None or _is_chain(by_depth):
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [.33, .55, .67, 1.]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def row(fields):
        print_fn(_row(fields, positions))

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    row(header)
    print_fn("=" * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        shape = _output_shape(layer) if model._graph_network else "multiple"
        fields = [f"{layer.name} ({type(layer).__name__})", shape, layer.count_params()]
        if len(header) == 3:
            row(fields)
        else:
            links = _connections(layer, by_depth)
            row(fields + [links[0] if links else ""])
            for link in links[1:]:
                row(["", "", "", link])
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    collected = getattr(model, "_collected_trainable", None)
    if collected is not None and len(collected) != len(model.trainable_weights):
        gc.get_logger().warning("Discrepancy between trainable weights and collected "
                                "trainable weights, did you set `model.trainable` "
                                "without calling `model.compile` after ?")
    trainable = _count(model.trainable_weights if collected is None else collected)
    non_trainable = _count(model.non_trainable_weights)
    print_fn(f"Total params: {trainable + non_trainable:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {non_trainable:,}")
    print_fn("_" * line_length)


def _row(fields, positions):
    """The fields, each cut or padded to end at its position; each after the first
    starts over the last character of the one before (TF: a space there)."""
    line = ""
    for i, field in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line = (line + str(field))[:positions[i]]
        line += " " * (positions[i] - len(line))
    return line


def _is_functional(model):
    """TF 1.15 draws a Sequential (by its class name) and a subclassed model as chains
    without looking at their calls (a subclassed model's layers' shapes as 'multiple')."""
    return type(model).__name__ != "Sequential" and bool(model._graph_network)


def _source_node(tensor):
    entry = K._state().history.get(id(tensor))
    return None if entry is None else entry[1]._inbound_nodes[entry[2]]


def _nodes_by_depth(model):
    """{depth: [layer calls]} of a functional model, its input layers' calls included:
    an output's call has depth 0, a call one more than the deepest call using its
    outputs, and all calls of one layer the depth of its deepest (TF's
    _map_graph_network)."""
    order = []
    for t in model.inputs:
        node = _source_node(t)
        if node is not None and all(node is not n for n in order):
            order.append(node)
    order += model._nodes                                   # producers first
    node_depth, layer_depth = {}, {}
    for node in reversed(order):                            # consumers first
        depth = max(node_depth.get(id(node), 0), layer_depth.get(id(node.layer), 0))
        node_depth[id(node)] = layer_depth[id(node.layer)] = depth
        for t in _node_tensors(node):
            parent = _source_node(t)
            if parent is not None:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    by_depth = {}
    for node in order:
        by_depth.setdefault(node_depth[id(node)], []).append(node)
    return by_depth


def _is_chain(by_depth):
    """One call per depth, each on at most one tensor, and no layer called twice."""
    if any(len(nodes) > 1 or len(_node_tensors(nodes[0])) > 1
           for nodes in by_depth.values()):
        return False
    layers = [id(nodes[0].layer) for nodes in by_depth.values()]
    return len(set(layers)) == len(layers)


def _connections(layer, by_depth):
    """'name[node_index][tensor_index]' of each input tensor of the layer's calls in
    the model."""
    relevant = {id(n) for nodes in by_depth.values() for n in nodes}
    history = K._state().history
    links = []
    for node in layer._inbound_nodes:
        if id(node) not in relevant:
            continue
        for t in _node_tensors(node):
            _, source, node_index, tensor_index = history[id(t)]
            links.append(f"{source.name}[{node_index}][{tensor_index}]")
    return links


def _output_shape(layer):
    """TF 1.15's Layer.output_shape: the output shape(s) of the layer's calls on Keras
    tensors (a list for an InputLayer or several outputs), or 'multiple' where there are
    none or they differ."""
    history = K._state().history
    shapes = []
    for node in layer._inbound_nodes:
        if all(id(t) in history for t in node.inputs):
            outs = [K.int_shape(t) for t in node.outputs]
            one = len(outs) == 1 and not isinstance(layer, InputLayer)
            shapes.append(outs[0] if one else outs)
    if not shapes or any(str(s) != str(shapes[0]) for s in shapes):
        return "multiple"
    return shapes[0]


def _count(weights):
    """The number of scalars in the distinct weights."""
    unique = {id(w): w for w in weights}.values()
    return int(sum(np.prod(w.shape.as_list()) for w in unique))
