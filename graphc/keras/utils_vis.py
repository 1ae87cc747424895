"""Model diagrams of gc.keras.utils: model_to_dot gives the model's layer graph in
Graphviz's DOT language (graphc writes the DOT text itself: no pydot), plot_model
renders it with Graphviz's `dot` program; and get_source_inputs.

    print(gc.keras.utils.model_to_dot(model, show_shapes=True).to_string())
    gc.keras.utils.plot_model(model, to_file="model.png")     # needs `dot` on PATH
"""
import os
import shutil
import subprocess

from . import backend as K

__all__ = ["model_to_dot", "plot_model", "get_source_inputs"]

_NO_DOT = ("You must install pydot (`pip install pydot`) and install graphviz (see "
           "instructions at https://graphviz.gitlab.io/download/) for `plot_model` to "
           "work.")


class Dot:
    """A DOT graph: to_string() is its text; create(prog, format) renders it with
    Graphviz (bytes); write(path, format=...) saves text ('raw', 'dot') or a render."""

    def __init__(self, text):
        self._text = text

    def to_string(self):
        return self._text

    def create(self, prog="dot", format="png"):
        exe = shutil.which(prog)
        if exe is None:
            raise ImportError(_NO_DOT)
        return subprocess.run([exe, f"-T{format}"], input=self._text.encode("utf-8"),
                              capture_output=True, check=True).stdout

    def write(self, path, format="raw"):
        data = self._text.encode("utf-8") if format in ("raw", "dot") else \
            self.create(format=format)
        with open(path, "wb") as f:
            f.write(data)


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shape_text(shapes):
    shapes = [tuple(s.as_list()) if hasattr(s, "as_list") else s for s in shapes]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=96, subgraph=False,
                 layer_range=None, show_layer_activations=False, show_trainable=False):
    """The model's layers as DOT nodes (label: name: class, with shapes / dtypes /
    activations / trainable when asked) and the calls between them as edges.

        dot = gc.keras.utils.model_to_dot(model, show_shapes=True, rankdir="LR")
    """
    if expand_nested or subgraph or layer_range is not None:
        raise NotImplementedError("model_to_dot: expand_nested, subgraph and layer_range "
                                  "are not supported")
    history = K._state(model.outputs[0].graph).history if model.outputs else {}
    lines = ["digraph G {", f"graph [rankdir={rankdir}, concentrate=true, dpi={dpi}];",
             "node [shape=record];"]
    layers = list(model.layers)
    ids = {id(layer): str(id(layer)) for layer in layers}
    for layer in layers:
        name = type(layer).__name__
        label = f"{layer.name}: {name}" if show_layer_names else name
        activation = getattr(layer, "activation", None)
        if show_layer_activations and activation is not None:
            label += f"|{getattr(activation, '__name__', activation)}"
        if show_dtype:
            out = layer._inbound_nodes[0].outputs if layer._inbound_nodes else []
            label += f"|{out[0].dtype.name if out else '?'}"
        if show_shapes:
            node = layer._inbound_nodes[0] if layer._inbound_nodes else None
            ins = [t.shape for t in node.inputs] if node and node.inputs else None
            outs = [t.shape for t in node.outputs] if node else None
            label += (f"|{{input:|output:}}|{{{{{_shape_text(ins) if ins else 'multiple'}}}|"
                      f"{{{_shape_text(outs) if outs else 'multiple'}}}}}")
        if show_trainable:
            label += f"|Trainable: {'Y' if layer.trainable else 'N'}"
        lines.append(f"{ids[id(layer)]} [label={_quote(label)}];")
    for layer in layers:
        for node in layer._inbound_nodes:
            for t in node.inputs:
                entry = history.get(id(t))
                if entry is not None and id(entry[1]) in ids:
                    lines.append(f"{ids[id(entry[1])]} -> {ids[id(layer)]};")
    lines.append("}")
    return Dot("\n".join(dict.fromkeys(lines)) + "\n")


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=96,
               layer_range=None, show_layer_activations=False, show_trainable=False):
    """Render model_to_dot(model) to `to_file` (its extension is the format; '.dot'
    writes the text) with Graphviz's `dot`; ImportError without it.

        gc.keras.utils.plot_model(model, "model.png", show_shapes=True)
    """
    _, ext = os.path.splitext(to_file)
    ext = ext[1:] if ext else "png"
    if ext != "dot" and shutil.which("dot") is None:
        raise ImportError(_NO_DOT)
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi, layer_range=layer_range,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable)
    dot.write(to_file, format="raw" if ext == "dot" else ext)
    return dot


def get_source_inputs(tensor, layer=None, node_index=None):
    """The Input tensors that `tensor` is computed from (a walk of the layers' calls).

        gc.keras.utils.get_source_inputs(model.outputs[0])     # [the Input tensor]
    """
    history = K._state(tensor.graph).history
    found, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        entry = history.get(id(t))
        if entry is None:
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        node = entry[1]._inbound_nodes[entry[2]]
        if not node.inputs:
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        stack.extend(reversed(node.inputs))
    return found
