"""Model architecture as Keras configs: Model.get_config (layers with their inbound
nodes, input and output layers), Sequential's, and the rebuilding of a model from them
(Model.from_config, models.model_from_config / model_from_json).

    config = model.get_config()
    clone = gc.keras.Model.from_config(config)        # new layers, new weights
"""
import base64
import collections
import inspect
import marshal
import types

from . import backend as K
from .engine import InputLayer, _flat

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


def _json_kwargs(node):
    kwargs = {k: v for k, v in node.kwargs.items() if k != "mask"}
    for k, v in kwargs.items():
        if not isinstance(v, (bool, int, float, str, type(None))):
            raise NotImplementedError(f"get_config: layer {node.layer.name} was called "
                                      f"with {k}={v!r}, which a config cannot hold")
    return kwargs


def functional_config(model):
    """The config of a functional model: each layer with its calls ('inbound_nodes':
    [layer name, node index, tensor index, kwargs] per input), inputs and outputs."""
    history = K._state(model.inputs[0].graph).history if model.inputs else {}
    refs, per_layer = {}, collections.OrderedDict()
    for t in model.inputs:
        refs[id(t)] = [history[id(t)][1].name, 0, 0]
    for node in model._nodes:
        calls = per_layer.setdefault(id(node.layer), [])
        for i, out in enumerate(node.outputs):
            refs[id(out)] = [node.layer.name, len(calls), i]
        calls.append(node)
    layers = []
    for layer in model._layers:
        inbound = [[refs[id(t)] + [_json_kwargs(node)] for t in node.inputs]
                   for node in per_layer.get(id(layer), [])]
        layers.append({"class_name": type(layer).__name__, "config": layer.get_config(),
                       "name": layer.name, "inbound_nodes": inbound})
    return {"name": model.name, "layers": layers,
            "input_layers": [refs[id(t)] for t in model.inputs],
            "output_layers": [refs[id(t)] for t in model.outputs]}


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild the layers of a functional config and call them in an order that has
    each call's inputs ready (a work list, no recursion)."""
    layers, queues = {}, collections.OrderedDict()
    tensors = {}
    for entry in config["layers"]:
        layer = layer_from_config(entry, custom_objects)
        layers[entry["name"]] = layer
        if isinstance(layer, InputLayer):
            tensors[(entry["name"], 0, 0)] = layer._inbound_nodes[0].outputs[0]
        else:
            queues[entry["name"]] = collections.deque(entry["inbound_nodes"])
    done = {name: 0 for name in queues}
    progress = True
    while progress and any(queues.values()):
        progress = False
        for name, queue in queues.items():
            while queue and all((r[0], r[1], r[2]) in tensors for r in queue[0]):
                refs = queue.popleft()
                args = [tensors[(r[0], r[1], r[2])] for r in refs]
                kwargs = refs[0][3] if refs and len(refs[0]) > 3 else {}
                outs = layers[name](args if len(args) > 1 else args[0], **kwargs)
                for i, t in enumerate(_flat(outs)):
                    tensors[(name, done[name], i)] = t
                done[name] += 1
                progress = True
    stuck = [n for n, q in queues.items() if q]
    if stuck:
        raise ValueError(f"Cannot rebuild the model from its config: the inputs of "
                         f"layer(s) {stuck} are never produced")
    inputs = [tensors[tuple(r[:3])] for r in config["input_layers"]]
    outputs = [tensors[tuple(r[:3])] for r in config["output_layers"]]
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
