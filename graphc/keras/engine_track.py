"""Attribute tracking of Keras layers (tf_keras' automatic tracking): a layer assigned to
an attribute of another layer or a subclassed model (also inside lists, tuples and
dicts, appended later or not) is its child, and the parent's weights, updates and
losses include the children's; a variable assigned to an attribute joins the layer's
own weights.

    class Block(gc.keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = [gc.keras.layers.Dense(4), gc.keras.layers.Dense(2)]
        def call(self, x):
            return self.dense[1](self.dense[0](x))
    # after a call: Block().weights == the two Dense layers' kernels and biases

Children are found when asked for, by scanning the attributes in the order they were
first set (dict values by sorted key, as tf_keras' DictWrapper), so nothing needs
wrapping. Metrics held as attributes are not children (their variables are made per
graph on first use).
"""
import graphc as gc

# attributes of graphc's own bookkeeping, never scanned for children
_UNTRACKED = frozenset({"_inbound_nodes", "_layers", "_stack", "_sublayers",
                        "_init_args", "_by_graph", "states", "_states",
                        "_state_vars", "_collected_trainable",
                        "_compile_args"})     # a loss weight may be a K.variable (annealing)


def _values(value):
    """The leaves of nested lists / tuples / dicts in `value`, in tracking order."""
    out, stack = [], [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            try:
                keys = sorted(v)
            except TypeError:
                keys = list(v)
            stack.extend(v[k] for k in reversed(keys))
        else:
            out.append(v)
    return out


def _trackable(v, layer_class):
    return isinstance(v, gc.Variable) or (isinstance(v, layer_class)
                                          and not getattr(v, "_is_metric", False))


def on_setattr(layer, name, value, layer_class):
    """Before `layer.name = value`: a layer or variable assigned before Layer.__init__
    ran is an error (tf_keras'); a variable joins the layer's own weights."""
    if name in _UNTRACKED or not isinstance(value, (layer_class, gc.Variable, list,
                                                    tuple, dict)):
        return
    leaves = [v for v in _values(value) if _trackable(v, layer_class)]
    if not leaves:
        return
    if "_trainable_weights" not in layer.__dict__:
        kind = "Model" if hasattr(type(layer), "fit") else "Layer"
        raise RuntimeError(f"It looks like you are subclassing `{kind}` and you forgot "
                           f"to call `super().__init__()`. Always start with this line.")
    for v in leaves:
        if isinstance(v, gc.Variable):
            own = layer._trainable_weights if v.trainable else layer._non_trainable_weights
            if all(v is not w for w in layer._trainable_weights
                   + layer._non_trainable_weights):
                own.append(v)


def children(layer, layer_class):
    """The layers held by `layer`'s attributes, each once, in tracking order."""
    out, seen = [], {id(layer)}
    for name, value in list(layer.__dict__.items()):
        if name in _UNTRACKED or not isinstance(value, (layer_class, list, tuple, dict)):
            continue
        for v in _values(value):
            if isinstance(v, layer_class) and not getattr(v, "_is_metric", False) \
                    and id(v) not in seen:
                seen.add(id(v))
                out.append(v)
    return out


def dedup(items):
    """`items` without repeats (by identity), first occurrences kept."""
    seen, out = set(), []
    for x in items:
        if id(x) not in seen:
            seen.add(id(x))
            out.append(x)
    return out


def gather(layer, attr, layer_class):
    """`attr` (a list property) of each child, concatenated."""
    return [x for child in children(layer, layer_class) for x in getattr(child, attr)]
