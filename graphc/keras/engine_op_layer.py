"""Plain ops on Keras tensors, made layers (graph-mode tf_keras' automatic op wrapping).

When an op that is not a layer is applied to Keras tensors (`x + 3.0`, `gc.concat`,
`gc.nn.relu` on the output of `gc.keras.Input`), the result has no Keras history, and a
Model could not replay it on new inputs. As tf_keras does in graph mode, a Model's
constructor (and a layer called on such a tensor) wraps every such op, back to the
tensors that have a history, in a weightless TensorFlowOpLayer named
"tf_op_layer_<op name>". An input of the op that does not come from a keras.Input is
a constant of the layer: its value now (a variable's value is read once, as TF does).

    inputs = gc.keras.Input(shape=(3,))
    outputs = gc.keras.layers.Dense(2)(gc.nn.relu(inputs) * 2.0)
    model = gc.keras.Model(inputs, outputs)
    [la.name for la in model.layers]  # ['input_1', 'tf_op_layer_Relu', 'tf_op_layer_mul', 'dense']
"""
import numpy as np

import graphc as gc
from .. import errors
from ..ops.registry import REGISTRY, apply, constant_value
from . import backend as K
from .engine import Layer, _flat

__all__ = ["TensorFlowOpLayer", "create_keras_history", "uses_keras_history"]

PREFIX = "tf_op_layer_"


class TensorFlowOpLayer(Layer):
    """One op as a layer: calling it builds the same op (type and attributes) on the
    new inputs, with `constants` (input index -> value) at their places.

        layer = TensorFlowOpLayer(node_def, name="add", constants={1: 3.0})
    `node_def`: the op (a gc.Operation) or its JSON dict {"name", "op", "attr",
    "input_dtypes"} (what get_config holds). The layer's name is "tf_op_layer_" + name.
    """

    def __init__(self, node_def, name, constants=None, trainable=True, dtype=None):
        super().__init__(name=PREFIX + name, trainable=trainable, dtype=dtype,
                         autocast=False)
        if isinstance(node_def, gc.Operation):
            self._op, self._attrs = node_def.op, dict(node_def.attrs)
            self.node_def = _node_def(node_def)
        else:
            op = REGISTRY.get(node_def.get("op"))
            if op is None:
                raise ValueError(f"TensorFlowOpLayer {name!r}: unknown op "
                                 f"{node_def.get('op')!r} in node_def {node_def!r}")
            self._op, self.node_def = op, dict(node_def)
            self._attrs = {k: _decode(v) for k, v in (node_def.get("attr") or {}).items()}
        self.constants = {int(i): c for i, c in (constants or {}).items()}
        self.built = True

    def call(self, inputs):
        args = _flat(inputs)
        dtypes = self.node_def.get("input_dtypes")
        for index in sorted(self.constants):
            value = self.constants[index]
            if dtypes and not isinstance(value, np.ndarray):    # a list from a config
                value = np.asarray(value, gc.as_dtype(dtypes[index]).np)
            args.insert(index, gc.constant(value))
        name = self.node_def["name"].rsplit("/", 1)[-1]
        outputs = apply(self._op, args, name=name, **self._attrs).outputs
        return outputs[0] if len(outputs) == 1 else list(outputs)

    def get_config(self):
        if self.node_def.get("attr") is None:
            raise NotImplementedError(
                f"get_config: layer {self.name} wraps op {self.node_def['name']} "
                f"({self._op.name}), whose attributes a config cannot hold (a function "
                "or a tensor); build it in a Lambda layer instead")
        config = super().get_config()
        config.update(name=self.name[len(PREFIX):], node_def=self.node_def,
                      constants={i: np.asarray(c).tolist()
                                 for i, c in self.constants.items()})
        return config


def _node_def(node):
    """{"name", "op", "attr", "input_dtypes"} of `node`, its attributes in graphc's
    JSON codec ("attr": None when one cannot be written, a branch function say), and
    its inputs' dtypes (which a constant's value in a config, a list, has lost)."""
    from ..io.serialize import SerializationError, _Writer
    writer = _Writer(node.graph)
    try:
        attr = {k: writer.encode(v, node.graph) for k, v in node.attrs.items()}
    except (SerializationError, ValueError, TypeError):
        attr = None
    if attr is not None and not all(_plain(v) for v in attr.values()):
        attr = None                             # refers to a tensor or a function
    return {"name": node.name, "op": node.op.name, "attr": attr,
            "input_dtypes": [t.dtype.name for t in node.inputs]}


def _plain(encoded):
    """Whether an encoded attr is a value alone (no tensor, op, graph, iterator)."""
    stack = [encoded]
    while stack:
        tag, payload = stack.pop()
        if tag in ("tuple", "list"):
            stack.extend(payload)
        elif tag in ("tensor", "op", "graph", "iterator", "saver"):
            return False
    return True


def _decode(encoded):
    from ..io.serialize import _decode as decode

    def ref(tag, payload):
        raise ValueError(f"a TensorFlowOpLayer config cannot refer to a {tag} ({payload})")
    return decode(encoded, ref)


# ---- finding the ops to wrap (iterative: no recursion over the graph's depth) ---------
def uses_keras_history(tensors):
    """Whether any of `tensors` has a Keras history or is computed from one that has."""
    return any(_uses(t, {}) for t in _flat(tensors) if isinstance(t, gc.Tensor))


def _uses(t, memo):
    """Whether `t` is (or comes from) a tensor with a Keras history. memo: node id ->
    bool for this walk; nodes found not to are remembered per graph (state.checked)."""
    st = K._state()
    history, checked = st.history, st.checked
    if id(t) in history:
        return True
    stack = [(t.node, False)]
    while stack:
        node, expanded = stack.pop()
        if node.id in memo:
            continue
        if expanded:
            memo[node.id] = any(id(i) in history or memo[i.node.id] for i in node.inputs)
            if not memo[node.id]:
                checked.add(node.id)
            continue
        if node.id in checked:
            memo[node.id] = False
            continue
        stack.append((node, True))
        stack.extend((i.node, False) for i in node.inputs
                     if id(i) not in history and i.node.id not in memo)
    return memo[t.node.id]


def create_keras_history(tensors):
    """Wrap the ops between `tensors` and the tensors with a Keras history in
    TensorFlowOpLayers (producers first) and return the new layers."""
    history = K._state().history
    memo, created, done = {}, [], set()
    stack = [(t.node, False) for t in _flat(tensors)
             if isinstance(t, gc.Tensor) and id(t) not in history and _uses(t, memo)]
    while stack:
        node, expanded = stack.pop()
        if node.id in done:
            continue
        if not expanded:
            stack.append((node, True))
            stack.extend((i.node, False) for i in node.inputs
                         if id(i) not in history and _uses(i, memo))
            continue
        done.add(node.id)
        layer_inputs, constants = [], {}
        for index, t in enumerate(node.inputs):
            if _uses(t, memo):
                layer_inputs.append(t)
            else:
                constants[index] = _constant(t, node)
        layer = TensorFlowOpLayer(node, name=node.name, constants=constants)
        layer._record(layer_inputs, list(node.outputs), {})
        created.append(layer)
    return created


def _constant(t, node):
    """The value of input `t` of `node`, which does not come from a keras.Input."""
    value = constant_value(t)
    if value is not None:
        return np.asarray(value, t.dtype.np)
    fail = None
    with t.graph.as_default():
        try:
            return np.asarray(K.get_session().run(t))
        except errors.GraphcError as e:
            fail = e
    raise ValueError(
        f"Cannot wrap {errors.describe_node(node)} in a TensorFlowOpLayer: its input "
        f"{t.name} does not come from a keras.Input, so it must be a constant, but "
        f"computing it failed:\n{fail}\nMake it a model input (gc.keras.Input(tensor=...)) "
        "or apply the op in a Lambda layer.") from None
