"""Helpers that gc.contrib.layers' functions share (graphc/contrib/layers*.py): slim's
model variables, the outputs collections with their aliases, the variable scope of one
layer call, and argument checks that name the layer."""
import numpy as np

from .. import errors
from ..graph import Tensor, get_default_graph
from ..ops.core import convert_to_tensor
from ..ops.graphkeys import GraphKeys, add_to_collections
from ..ops.scope import variable_scope
from ..ops.varstore import get_variable

__all__ = ["collect_named_outputs", "append_tensor_alias", "get_tensor_aliases",
           "convert_collection_to_dict"]


def _model_variable(name, shape, dtype, initializer=None, regularizer=None, trainable=True,
                    collections=None):
    """What tf_slim's variables.model_variable does: gc.get_variable with `collections`
    plus GLOBAL_VARIABLES and MODEL_VARIABLES (trainable ones also go to TRAINABLE)."""
    names = list(collections or []) + [GraphKeys.GLOBAL_VARIABLES,
                                       GraphKeys.MODEL_VARIABLES]
    names = list(dict.fromkeys(names))
    return get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                        regularizer=regularizer, trainable=trainable, collections=names)


def _variable_collections(variables_collections, name):
    """The collections for variable `name`: a dict's entry, else the list itself."""
    if isinstance(variables_collections, dict):
        return variables_collections.get(name)
    return variables_collections


def _add_to_variable_collections(variable, variables_collections, name):
    """Add `variable` (a layer's weights or biases) to its variables_collections once."""
    graph = variable.graph if hasattr(variable, "graph") else get_default_graph()
    for key in _variable_collections(variables_collections, name) or []:
        if not any(v is variable for v in graph.get_collection(key)):
            graph.add_to_collection(key, variable)


def _aliases(graph):
    """The graph's {tensor: [alias, ...]} (graphc's tensors take no new attributes)."""
    table = getattr(graph, "_contrib_tensor_aliases", None)
    if table is None:
        table = {}
        graph._contrib_tensor_aliases = table
    return table


def append_tensor_alias(tensor, alias):
    """Add `alias` (a trailing '/' dropped) to the aliases of `tensor`; returns tensor.

        gc.contrib.layers.append_tensor_alias(logits, "net/logits")
    """
    alias = alias[:-1] if alias.endswith("/") else alias
    _aliases(tensor.graph).setdefault(tensor, []).append(alias)
    return tensor


def get_tensor_aliases(tensor):
    """The aliases given to `tensor` by the outputs_collections of slim layers, else
    [tensor.name] (tf_slim's utils.get_tensor_aliases).

        net = slim.conv2d(x, 8, 3, outputs_collections="end_points", scope="conv1")
        gc.contrib.layers.get_tensor_aliases(net)      # ['conv1']
    """
    found = _aliases(tensor.graph).get(tensor)
    return list(found) if found else [tensor.name]


def collect_named_outputs(collections, alias, outputs):
    """Add `outputs` to `collections` (a name or list; None: none) with the alias
    `alias`; returns outputs (tf_slim's utils.collect_named_outputs).

        net = gc.contrib.layers.collect_named_outputs("end_points", "net/fc", net)
    """
    if collections:
        append_tensor_alias(outputs, alias)
        add_to_collections(collections, outputs)
    return outputs


def convert_collection_to_dict(collection, clear_collection=False):
    """{alias: tensor} of the tensors in `collection` (tf_slim's utils function).

        end_points = gc.contrib.layers.convert_collection_to_dict("end_points")
    """
    graph = get_default_graph()
    out = {}
    for tensor in graph.get_collection(collection):
        for alias in get_tensor_aliases(tensor):
            out[alias] = tensor
    if clear_collection:
        del graph.get_collection_ref(collection)[:]
    return out


def _check_format(data_format, allowed, layer):
    if data_format not in allowed:
        raise ValueError(f"{layer}: data_format has to be either "
                         f"{' or '.join(a for a in allowed if a)}, not {data_format!r}")


def _input(inputs, layer, float_only=True):
    """inputs as a tensor, a float one unless float_only is False."""
    x = convert_to_tensor(inputs)
    if float_only and not x.dtype.is_floating:
        raise errors.DTypeError(f"{layer}: inputs must be a floating point tensor\n  "
                                + errors.describe_tensor(x, "inputs"))
    return x


def _rank_of(x, layer, allowed=None):
    """x's static rank (checked against `allowed` when given)."""
    rank = x.shape.rank
    if rank is None:
        raise errors.ShapeError(f"{layer}: inputs has undefined rank\n  "
                                + errors.describe_tensor(x, "inputs"))
    if allowed is not None and rank not in allowed:
        raise errors.ShapeError(f"{layer}: inputs must have rank "
                                f"{' or '.join(map(str, allowed))}, not {rank}\n  "
                                + errors.describe_tensor(x, "inputs"))
    return rank


def _dim(x, axis, layer, what="channels"):
    """The static size of x's dim `axis`; an error naming the layer if unknown."""
    d = x.graph.dims.resolve(x.shape._dims[axis])
    if d is None:
        raise errors.ShapeError(f"{layer}: the {what} dimension of inputs must be known\n  "
                                + errors.describe_tensor(x, "inputs"))
    return int(d)


def _ints(v, n, what, layer):
    """An int or a list of n ints as a list of n positive ints (slim's
    two_element_tuple / n_positive_integers)."""
    vals = [v] * n if isinstance(v, (int, np.integer)) else list(v) \
        if isinstance(v, (list, tuple)) else None
    if vals is None or len(vals) != n or not all(
            isinstance(i, (int, np.integer)) and not isinstance(i, bool) and i > 0
            for i in vals):
        raise ValueError(f"{layer}: {what} must be an int or a list of {n} positive "
                         f"ints, not {v!r}")
    return [int(i) for i in vals]


def _layer_scope(scope, default, reuse=None, custom_getter=None):
    """variable_scope(scope, default_name=default, reuse=reuse) of one layer call."""
    return variable_scope(scope, default_name=default, reuse=reuse,
                          custom_getter=custom_getter)


def _is_tensor(x):
    return isinstance(x, Tensor)
