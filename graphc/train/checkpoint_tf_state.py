"""The two TF checkpoint texts that are not tensors: the directory's "checkpoint" state
file as TF writes it (a CheckpointState text proto), and the TrackableObjectGraph proto
of an object checkpoint, turned into the dict graphc's object checkpoints keep."""
import codecs
import re

from ..io.wire import _fields

__all__ = []


def object_graph_json(raw):
    """TF's serialized TrackableObjectGraph as the dict graphc's object checkpoints keep:
    {"nodes": [{"children": [...], "attributes": [...], "slot_variables": [...]}]}."""
    def message(buf, names):
        out = {}
        for field, _, value, _ in _fields(buf):
            if field in names:
                key, kind = names[field]
                out[key] = value.decode("utf-8") if kind == "s" else value
        return out
    nodes = []
    for field, _, node_buf, _ in _fields(raw):
        if field != 1:
            continue
        node = {"children": []}
        for f, _, value, _ in _fields(node_buf):
            if f == 1:
                node["children"].append(message(value, {1: ("node_id", "i"),
                                                        2: ("local_name", "s")}))
            elif f == 2:
                node.setdefault("attributes", []).append(message(
                    value, {1: ("name", "s"), 2: ("full_name", "s"),
                            3: ("checkpoint_key", "s")}))
            elif f == 3:
                node.setdefault("slot_variables", []).append(message(
                    value, {1: ("original_variable_node_id", "i"), 2: ("slot_name", "s"),
                            3: ("slot_variable_node_id", "i")}))
        for child in node["children"]:
            child.setdefault("node_id", 0)
        for slot in node.get("slot_variables", ()):
            slot.setdefault("original_variable_node_id", 0)
            slot.setdefault("slot_variable_node_id", 0)
        nodes.append(node)
    return {"nodes": nodes}


_STATE_LINE = re.compile(r'\s*(\w+)\s*:\s*"((?:[^"\\]|\\.)*)"\s*$')


def parse_state_text(text):
    """A "checkpoint" state file as TF writes it (a CheckpointState text proto) ->
    {"model_checkpoint_path": path, "all_model_checkpoint_paths": [paths]}."""
    out = {"all_model_checkpoint_paths": []}
    for line in text.splitlines():
        if not line.strip() or re.match(r"\s*\w+\s*:\s*[-0-9.e+]+\s*$", line):
            continue                    # timestamps
        m = _STATE_LINE.match(line)
        if m is None:
            raise ValueError(f"cannot parse line {line!r}")
        value = codecs.escape_decode(m.group(2).encode("utf-8"))[0].decode("utf-8")
        if m.group(1) == "model_checkpoint_path":
            out["model_checkpoint_path"] = value
        elif m.group(1) == "all_model_checkpoint_paths":
            out["all_model_checkpoint_paths"].append(value)
    if "model_checkpoint_path" not in out:
        raise KeyError("model_checkpoint_path")
    if not out["all_model_checkpoint_paths"]:
        del out["all_model_checkpoint_paths"]
    return out
