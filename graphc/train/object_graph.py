"""The object graph of tf.train.Checkpoint: which objects a checkpoint holds, under which
names, and the checkpoint key of each variable.

A trackable is a Variable, an Optimizer, a gc.keras Layer or Model, a gc.Module, a
Checkpoint, or a list, tuple or dict that holds one. Its children, each under a local
name, are (TF's rules, found by duck typing so that no other module needs a hook):

    Variable            none; its value is the attribute VARIABLE_VALUE
    Optimizer           its non-slot variables ("beta1_power"), the Keras learning rate
                        ("learning_rate"); slot variables are listed apart
    Layer               its weights by their add_weight names ("kernel"); a Sequential
                        or functional Model also its layers as "layer_with_weights-<k>"
                        (counting layers with weights) and "layer-<i>"; then trackable
                        attributes ("dense1", "optimizer")
    Module, Checkpoint  trackable attributes, in assignment order (Checkpoint: the
                        keyword arguments, sorted, then "save_counter")
    list/tuple, dict    "0", "1", ... / the keys

A breadth-first walk from the root numbers the objects; the first path that reaches an
object names it. A variable's key is its path joined by "/" (each name escaped: "." ->
"..", "/" -> ".S") + "/.ATTRIBUTES/VARIABLE_VALUE"; an optimizer's slot for variable v
is "<v's path>/.OPTIMIZER_SLOT/<optimizer's path>/<slot name>/.ATTRIBUTES/VARIABLE_VALUE".
"""
import collections
import json

from ..ops.state import Variable

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"

# attributes of gc.keras layers and models that are the engine's bookkeeping, not
# dependencies (tf.keras does not track them either)
_LAYER_INTERNALS = frozenset((
    "_trainable_weights", "_non_trainable_weights", "_updates", "_losses",
    "_inbound_nodes", "_initial_weights", "_layers", "_nodes", "_stack", "_input_layer",
    "inputs", "outputs", "targets", "total_loss", "_metric_tensors", "_train_op",
    "_compile_args", "history"))


def _is_optimizer(obj):
    from .optimizer import Optimizer
    return isinstance(obj, Optimizer)


def _is_layer(obj):
    """A Keras layer, or a tf.layers one (TF1's are Keras layers)."""
    from ..keras.engine import Layer
    from ..layers_base import Layer as TF1Layer
    return isinstance(obj, (Layer, TF1Layer))


def _is_attribute_holder(obj):
    """A gc.Module or Checkpoint: its trackable attributes are its children."""
    from ..module import Module
    from .object_checkpoint import Checkpoint
    return isinstance(obj, (Module, Checkpoint))


def is_trackable(obj):
    """Whether `obj` is a trackable object itself (containers are not)."""
    return (isinstance(obj, Variable) or _is_optimizer(obj) or _is_layer(obj)
            or _is_attribute_holder(obj))


def read_object_graph(path):
    """The object graph (TF's proto fields, JSON: nodes with children and attributes)
    that gc.train.Checkpoint stored in the checkpoint data file at path."""
    from .checkpoint import _read
    raw = _read(path, [OBJECT_GRAPH_KEY])[OBJECT_GRAPH_KEY][()]
    return json.loads(raw.decode("utf-8"))


def holds_trackable(value):
    """Whether `value` is trackable or a list/tuple/dict that holds a trackable."""
    stack = [value]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif is_trackable(x):
            return True
    return False


def _attribute_children(obj, skip=()):
    return [(k, v) for k, v in vars(obj).items() if k not in skip and holds_trackable(v)]


def _layer_children(layer):
    out = [(w.node.name.rsplit("/", 1)[-1], w)
           for w in layer._trainable_weights + layer._non_trainable_weights]
    if _is_graph_network(layer):
        with_weights = 0
        for i, sub in enumerate(layer.layers):
            if sub._trainable_weights or sub._non_trainable_weights or sub.weights:
                out.append((f"layer_with_weights-{with_weights}", sub))
                with_weights += 1
            out.append((f"layer-{i}", sub))
    return out + _attribute_children(layer, _LAYER_INTERNALS)


def _is_graph_network(layer):
    from ..keras.models import Model, Sequential
    return isinstance(layer, Sequential) or (isinstance(layer, Model)
                                             and getattr(layer, "_graph_network", False))


def _optimizer_children(opt, graph):
    out = sorted((name, v) for (g, name), v in opt._non_slots.items() if g is graph)
    lr = getattr(opt, "_lr_vars", {}).get(graph)
    return out + ([("learning_rate", lr)] if lr is not None else [])


def children(obj, graph):
    """[(local name, child)] of a trackable or container, in TF's order."""
    if isinstance(obj, Variable):
        return []
    if isinstance(obj, (list, tuple)):
        return [(str(i), x) for i, x in enumerate(obj) if holds_trackable(x)]
    if isinstance(obj, dict):
        out = []
        for k, x in obj.items():
            if holds_trackable(x):
                if not isinstance(k, str):
                    raise TypeError(
                        f"Checkpoint: a dict holds the trackable {x!r} under the key {k!r}, "
                        "which is not a string; checkpoints name dict entries by string keys")
                out.append((k, x))
        return out
    if _is_optimizer(obj):
        return _optimizer_children(obj, graph)
    if _is_layer(obj):
        return _layer_children(obj)
    if hasattr(obj, "_checkpoint_children"):
        return obj._checkpoint_children()
    return _attribute_children(obj)


def escape(local_name):
    """A local name as one path component of a checkpoint key (TF's escaping)."""
    return local_name.replace(".", "..").replace("/", ".S")


def slot_items(opt, graph):
    """[(slot name, variable, slot variable)] of an optimizer in `graph`."""
    return [(name, v, s) for name in sorted(opt._slots)
            for v, s in opt._slots[name].items() if s.graph is graph]


class ObjectGraph:
    """The objects reachable from a root, numbered breadth-first.

    objects[i] is node i's object, paths[i] its tuple of local names from the root,
    edges[i] its [(local name, node id)], slots[i] (optimizers) its
    [(original variable's id, slot name, slot's id)]."""

    def __init__(self, root, graph):
        self.objects, self.paths, self.edges = [root], [()], [[]]
        self.slots = collections.defaultdict(list)
        self._ids = {id(root): 0}
        queue = collections.deque([0])
        while queue:
            i = queue.popleft()
            for name, child in children(self.objects[i], graph):
                j = self._ids.get(id(child))
                if j is None:
                    j = self._add(child, self.paths[i] + (name,))
                    queue.append(j)
                self.edges[i].append((name, j))
        for i in range(len(self.objects)):
            if _is_optimizer(self.objects[i]):
                for slot_name, v, s in slot_items(self.objects[i], graph):
                    if id(v) in self._ids:
                        j = self._ids.get(id(s))
                        if j is None:
                            j = self._add(s, None)
                        self.slots[i].append((self._ids[id(v)], slot_name, j))

    def _add(self, obj, path):
        self._ids[id(obj)] = len(self.objects)
        self.objects.append(obj)
        self.paths.append(path)
        self.edges.append([])
        return len(self.objects) - 1

    def keys(self):
        """{node id: checkpoint key} of every variable."""
        out = {}
        for i, obj in enumerate(self.objects):
            if isinstance(obj, Variable) and self.paths[i] is not None:
                out[i] = "/".join(escape(n) for n in self.paths[i]) + VALUE_SUFFIX
        for opt, entries in self.slots.items():
            for v, slot_name, s in entries:
                if s not in out:
                    out[s] = ("/".join(escape(n) for n in self.paths[v]) + "/.OPTIMIZER_SLOT/"
                              + "/".join(escape(n) for n in self.paths[opt]) + "/"
                              + escape(slot_name) + VALUE_SUFFIX)
        return out

    def variables(self):
        return [obj for obj in self.objects if isinstance(obj, Variable)]

    def proto(self):
        """The object graph as TF's proto fields (JSON-ready): nodes with children,
        attributes and slot_variables."""
        keys = self.keys()
        nodes = []
        for i, obj in enumerate(self.objects):
            node = {"children": [{"node_id": j, "local_name": n} for n, j in self.edges[i]]}
            if i in keys:
                node["attributes"] = [{"name": "VARIABLE_VALUE", "full_name": obj.node.name,
                                       "checkpoint_key": keys[i]}]
            if self.slots.get(i):
                node["slot_variables"] = [
                    {"original_variable_node_id": v, "slot_name": n, "slot_variable_node_id": s}
                    for v, n, s in self.slots[i]]
            nodes.append(node)
        return {"nodes": nodes}

    def describe(self, i):
        """A node's path for messages: "(root).model.layer_with_weights-0.kernel"."""
        if self.paths[i] is None:
            for opt, entries in self.slots.items():
                for v, n, s in entries:
                    if s == i:
                        return f"{self.describe(v)}'s slot '{n}' of {self.describe(opt)}"
        return ".".join(("(root)",) + self.paths[i])
