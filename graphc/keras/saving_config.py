"""Model architecture as Keras configs: Model.get_config (layers with their inbound
nodes, input and output layers), Sequential's, and the rebuilding of a model from them
(Model.from_config, models.model_from_config / model_from_json). Tensors a layer got as
keyword arguments (mask=, initial_state=, MultiHeadAttention's value=) are held in the
call's kwargs as [layer name, node index, tensor index], as tf_keras writes them.

    config = model.get_config()
    clone = gc.keras.Model.from_config(config)        # new layers, new weights
"""
import base64
import collections
import inspect
import marshal
import types

import numpy as np

import graphc as gc
from . import backend as K
from .engine import InputLayer, _flat, _takes

__all__ = ["functional_config", "functional_from_config", "layer_from_config",
           "serialize_function", "deserialize_function"]


def serialize_function(fn):
    """A named function as its name; a lambda as its code (marshal, base64: readable
    only by the same Python version, as TF1 Keras' Lambda config), its default
    arguments, the values of its closure and its module's name."""
    if getattr(fn, "__name__", "<lambda>") != "<lambda>":
        return fn.__name__
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    out = {"function_type": "lambda", "code": code, "module": fn.__module__}
    if fn.__defaults__:
        out["defaults"] = list(fn.__defaults__)
    if fn.__closure__:
        out["closure"] = [c.cell_contents for c in fn.__closure__]
    return out


def deserialize_function(value, custom_objects=None):
    """The function of serialize_function: its globals are those of its module when
    that module is loaded (tf_keras: the program's `tf`, its module-level names), then
    custom_objects; named functions are looked up in custom_objects."""
    if isinstance(value, dict) and value.get("function_type") == "lambda":
        code = marshal.loads(base64.b64decode(value["code"]))
        import sys
        import graphc
        globs = {"gc": graphc, "graphc": graphc}
        module = sys.modules.get(value.get("module") or "")
        if module is not None:
            globs.update(vars(module))
        globs.update(custom_objects or {})
        defaults = value.get("defaults")
        closure = value.get("closure")
        return types.FunctionType(code, globs, None,
                                  tuple(defaults) if defaults else None,
                                  tuple(types.CellType(v) for v in closure)
                                  if closure else None)
    if custom_objects and value in custom_objects:
        return custom_objects[value]
    raise ValueError(f"Unknown function: {value}. Pass it in `custom_objects`.")


def _class_of(name, custom_objects):
    from . import engine_add, engine_op_layer, layers, models
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for module in (layers, models, engine_op_layer, engine_add):
        cls = getattr(module, name, None)
        if isinstance(cls, type):
            return cls
    raise ValueError(f"Unknown layer: {name}. Pass it in `custom_objects`.")


def _resolve(config, custom_objects):
    """Custom activations, and the initializers, regularizers and constraints a layer
    config holds as {"class_name", "config"} -> the objects (custom_objects, then
    CustomObjectScopes and registered objects, then Keras' own)."""
    from . import constraints, initializers, regularizers
    out = dict(config)
    for key, value in config.items():
        if key.endswith("activation") and isinstance(value, str) and custom_objects \
                and value in custom_objects:
            out[key] = custom_objects[value]
        elif isinstance(value, dict) and "class_name" in value:
            for suffix, module in (("_initializer", initializers),
                                   ("_regularizer", regularizers),
                                   ("_constraint", constraints)):
                if key.endswith(suffix):
                    out[key] = module.get(value, custom_objects)
    return out


def layer_from_config(config, custom_objects=None):
    """A new layer (or model) from {"class_name": ..., "config": ...}.

        layer_from_config({"class_name": "Dense", "config": {"units": 3}})
    """
    cls = _class_of(config["class_name"], custom_objects)
    cfg = _resolve(config["config"], custom_objects)
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        return cls.from_config(cfg, custom_objects=custom_objects)
    return cls.from_config(cfg)


def _map_nested(value, fn, is_leaf):
    """A copy of nested lists, tuples (as lists) and dicts with each leaf (a value that
    is no container, or one is_leaf accepts) replaced by fn(leaf); an explicit stack."""
    root = [value]
    stack = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        v = parent[key]
        if is_leaf(v) or not isinstance(v, (list, tuple, dict)):
            parent[key] = fn(v)
        elif isinstance(v, dict):
            parent[key] = dict(v)
            stack.extend((parent[key], k) for k in v)
        else:
            parent[key] = list(v)
            stack.extend((parent[key], i) for i in range(len(v)))
    return root[0]


def _is_ref(value):
    """Whether a config value is node data: [layer name, node index, tensor index]
    (and the call's kwargs), tf_keras' reference to a Keras tensor."""
    return (isinstance(value, list) and len(value) in (3, 4) and isinstance(value[0], str)
            and isinstance(value[1], int) and isinstance(value[2], int))


def _refs_in(value):
    """The (layer name, node index, tensor index) of each reference in nested `value`."""
    found, stack = [], [value]
    while stack:
        v = stack.pop()
        if _is_ref(v):
            found.append(tuple(v[:3]))
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    return found


def _json_argument(layer, key, value, refs):
    """A call argument as a config holds it (tf_keras' Node.serialize): Keras tensors
    of the model as references, arrays as lists, JSON scalars as they are."""
    def leaf(v):
        if isinstance(v, gc.Tensor) and id(v) in refs:
            return list(refs[id(v)])
        if isinstance(v, np.ndarray):
            return v.tolist()
        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, (bool, int, float, str, type(None))):
            return v
        what = "a tensor that is not a Keras tensor of the model" \
            if isinstance(v, gc.Tensor) else "a value that is not JSON"
        raise NotImplementedError(f"get_config: layer {layer.name} was called with "
                                  f"{key}={v!r}, {what}, which a config cannot hold")
    return _map_nested(value, leaf, lambda v: False)


def _call_arguments(node):
    """(first call argument's tensors, the other arguments by name) of a call. A layer
    that packs several call arguments into its input list (MultiHeadAttention's query,
    value, key, attention_mask) names them in `_packed_arguments`; `_packed_defaults`
    maps an argument to the one it defaults to (key -> value), left out when equal."""
    names = getattr(node.layer, "_packed_arguments", None)
    if not names:
        return list(node.inputs), dict(node.kwargs)
    packed = dict(zip(names[1:], node.inputs[1:]))
    for name, default in getattr(node.layer, "_packed_defaults", {}).items():
        if name in packed and default in packed and packed[name] is packed[default]:
            del packed[name]
    return list(node.inputs[:1]), {**packed, **node.kwargs}


def _node_data(node, refs):
    """One call as tf_keras' config holds it: [layer name, node index, tensor index,
    kwargs] per tensor of the first call argument, the other arguments in kwargs
    (tensors as [layer name, node index, tensor index])."""
    first, arguments = _call_arguments(node)
    kwargs = {k: _json_argument(node.layer, k, v, refs) for k, v in arguments.items()}
    return [refs[id(t)] + [kwargs] for t in first]


def _first_node_index(layer):
    """The config's index of a layer's first call: 1 for a model built on inputs of its
    own (tf_keras counts the node linking them to its outputs, which the config leaves
    out: _should_skip_first_node), else 0."""
    return int(bool(getattr(layer, "_graph_network", False)))


def functional_config(model):
    """The config of a functional model: each layer with its calls ('inbound_nodes':
    [layer name, node index, tensor index, kwargs] per input, tensors among the
    kwargs as [layer name, node index, tensor index], as tf_keras), inputs, outputs."""
    history = K._state(model.inputs[0].graph).history if model.inputs else {}
    refs, per_layer = {}, collections.OrderedDict()
    for t in model.inputs:
        refs[id(t)] = [history[id(t)][1].name, 0, 0]
    for node in model._nodes:
        calls = per_layer.setdefault(id(node.layer), [])
        first = _first_node_index(node.layer)
        for i, out in enumerate(node.outputs):
            refs[id(out)] = [node.layer.name, first + len(calls), i]
        calls.append(node)
    layers = []
    for layer in model._layers:
        inbound = [_node_data(node, refs) for node in per_layer.get(id(layer), [])]
        layers.append({"class_name": type(layer).__name__, "config": layer.get_config(),
                       "name": layer.name, "inbound_nodes": inbound})
    return {"name": model.name, "layers": layers,
            "input_layers": [refs[id(t)] for t in model.inputs],
            "output_layers": _outputs_config(model, refs)}


def _outputs_config(model, refs):
    """The outputs' references, in the structure Model(inputs, outputs) was given (a
    nested list or dict, as tf_keras writes it), else a flat list."""
    flat = [refs[id(t)] for t in model.outputs]
    nested = getattr(model, "_nested_outputs", None)
    if not isinstance(nested, (list, tuple, dict)):
        return flat
    return gc.nest.pack_sequence_as(nested, flat)


_CONSTANT = "_CONSTANT_VALUE"   # tf_keras' node data of a constant input: [_CONSTANT, -1, value]


def _node_ready(node_data, tensors):
    """Whether every tensor a call's node data names (inputs and kwargs) exists."""
    kwargs = node_data[0][3] if node_data and len(node_data[0]) > 3 else {}
    needed = [tuple(r[:3]) for r in node_data if r[0] != _CONSTANT] + _refs_in(kwargs)
    return all(r in tensors for r in needed)


def _call_node(layer, node_data, tensors):
    """Call `layer` as node data says: its first argument's tensors (one alone, several
    as a list) and the kwargs with their references resolved. A None the layer's call
    does not take is its default left out (tf_keras' Bidirectional writes
    constants=None, which graphc's does not take)."""
    args = [r[2] if r[0] == _CONSTANT else tensors[tuple(r[:3])] for r in node_data]
    kwargs = node_data[0][3] if len(node_data[0]) > 3 else {}
    kwargs = _map_nested(kwargs, lambda v: tensors[tuple(v[:3])] if _is_ref(v) else v,
                         _is_ref)
    kwargs = {k: v for k, v in kwargs.items() if v is not None or _takes(layer.call, k)}
    return layer(args if len(args) > 1 else args[0], **kwargs)


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild the layers of a functional config and call them in an order that has
    each call's inputs, and the tensors among its kwargs, ready (a work list, no
    recursion). Reads tf_keras' configs and graphc's older ones (MultiHeadAttention's
    arguments as one input list, no tensors among the kwargs)."""
    layers, queues = {}, collections.OrderedDict()
    tensors = {}
    for entry in config["layers"]:
        layer = layer_from_config(entry, custom_objects)
        layers[entry["name"]] = layer
        if isinstance(layer, InputLayer):
            tensors[(entry["name"], 0, 0)] = layer._inbound_nodes[0].outputs[0]
        else:
            queues[entry["name"]] = collections.deque(entry["inbound_nodes"])
    done = {name: _first_node_index(layers[name]) for name in queues}
    named = set(_refs_in([e["inbound_nodes"] for e in config["layers"]])
                + _refs_in(config["output_layers"]))
    for name in done:
        if done[name] and any(r[:2] == (name, 0) for r in named):
            done[name] = 0          # graphc's older configs counted such calls from 0
    progress = True
    while progress and any(queues.values()):
        progress = False
        for name, queue in queues.items():
            while queue and _node_ready(queue[0], tensors):
                outs = _call_node(layers[name], queue.popleft(), tensors)
                for i, t in enumerate(_flat(outs)):
                    tensors[(name, done[name], i)] = t
                done[name] += 1
                progress = True
    stuck = [n for n, q in queues.items() if q]
    if stuck:
        raise ValueError(f"Cannot rebuild the model from its config: the inputs of "
                         f"layer(s) {stuck} are never produced")
    inputs = [tensors[tuple(r[:3])] for r in config["input_layers"]]
    outputs = _map_nested(config["output_layers"], lambda r: tensors[tuple(r[:3])],
                          _is_ref)       # a flat list, or tf_keras' nested structure
    model = cls(inputs=inputs, outputs=outputs, name=config.get("name"))
    _connect_ancillary(model, [layers[e["name"]] for e in config["layers"]])
    return model


def _connect_ancillary(model, layers):
    """The calls the outputs do not need (add_loss's and add_metric's layers and the
    op layers before them) join the model after its own, in the config's order (as
    tf_keras' connect_ancillary_layers)."""
    known = {id(n) for n in model._nodes}
    extra = [la for la in layers if all(la is not m for m in model._layers)]
    for layer in extra:
        model._nodes.extend(n for n in layer._inbound_nodes if id(n) not in known)
    model._layers.extend(extra)
