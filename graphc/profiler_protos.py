"""The messages of TF1's profiler (tensorflow/core/profiler/tfprof_output.proto and
tfprof_log.proto) as protobuf-like classes: GraphNodeProto (what the scope and graph
views return), MultiGraphNodeProto (the op view), AdviceProto (advise), OpLogProto
(extra op types and FLOP counts a user hands to profile()).

They behave like graphc's other imitated messages (config_proto._Message): unknown
fields and wrong types are refused with protobuf's messages, repeated fields have
add(), `str(proto)` is protobuf's text format (fields in field-number order, default
values left out), `==` compares the set fields.

    r = gc.profiler.profile(options=gc.profiler.ProfileOptionBuilder.float_operation())
    r.total_float_ops, [c.name for c in r.children]
"""
from .config_proto import _MapOf, _Message, _Repeated, _text

__all__ = ["GraphNodeProto", "MultiGraphNodeProto", "AdviceProto", "OpLogProto",
           "OpLogEntry", "CodeDef", "TensorShapeProto", "TFProfTensorProto"]


class _Map(dict):
    """A map field: reading a missing key inserts its default, as protobuf does."""

    def __init__(self, kind):
        super().__init__()
        self._kind = kind

    def __missing__(self, key):
        value = self._kind.value
        self[key] = value() if isinstance(value, type) else value
        return self[key]


class _ProfMessage(_Message):
    """_Message with map fields (`_MapOf` kinds) and text format for them."""

    def __init__(self, **fields):
        if not fields:
            object.__setattr__(self, "_values", {})
            return
        maps = {k: fields.pop(k) for k in list(fields)
                if isinstance(self.FIELDS.get(k), _MapOf)}
        super().__init__(**fields)
        for name, value in maps.items():
            getattr(self, name).update(value)

    def __getattr__(self, name):
        kind = type(self).FIELDS.get(name)
        if isinstance(kind, _MapOf):
            values = self._values
            if name not in values:
                values[name] = _Map(kind)
            return values[name]
        return super().__getattr__(name)

    def __str__(self):
        return "".join(_text(self, ""))


class _Dim(_ProfMessage):
    FIELDS = {"size": 0, "name": ""}


class TensorShapeProto(_ProfMessage):
    """tensorflow.TensorShapeProto: dim (each with .size, -1 unknown), unknown_rank."""
    Dim = _Dim
    FIELDS = {"dim": (_Repeated, _Dim), "unknown_rank": False}

    @classmethod
    def from_vec(cls, vec):
        """The shape of a tfprof shape vector ([]: unknown rank)."""
        p = cls()
        if not vec:
            p._values["unknown_rank"] = True
            return p
        dims = p.dim
        for d in vec:
            dim = _Dim()
            if d:
                dim._values["size"] = int(d)
            dims.append(dim)
        return p


class TFProfTensorProto(_ProfMessage):
    """A checkpointed tensor's value (select "tensor_value"; graphc never fills it)."""
    FIELDS = {"dtype": 0, "value_double": [0.0], "value_int64": [0], "value_str": [""]}


class GraphNodeProto(_ProfMessage):
    """One node of the scope or graph view (TF's tfprof GraphNodeProto): its own stats
    (float_ops, parameters, exec_micros, requested_bytes, ...), the totals over its
    displayed subtree (total_float_ops, total_parameters, ...) and its children."""


GraphNodeProto.FIELDS = {
    "name": "", "exec_micros": 0, "requested_bytes": 0, "parameters": 0,
    "total_exec_micros": 0, "total_requested_bytes": 0, "total_parameters": 0,
    "devices": [""], "shapes": (_Repeated, TensorShapeProto),
    "children": (_Repeated, GraphNodeProto), "float_ops": 0, "total_float_ops": 0,
    "tensor_value": TFProfTensorProto, "input_shapes": _MapOf(0, TensorShapeProto),
    "accelerator_exec_micros": 0, "cpu_exec_micros": 0,
    "total_accelerator_exec_micros": 0, "total_cpu_exec_micros": 0, "run_count": 0,
    "total_run_count": 0, "total_definition_count": 0, "peak_bytes": 0,
    "residual_bytes": 0, "output_bytes": 0, "total_peak_bytes": 0,
    "total_residual_bytes": 0, "total_output_bytes": 0}


class MultiGraphNodeProto(_ProfMessage):
    """One op type of the op view (TF's tfprof MultiGraphNodeProto): the summed stats of
    its graph nodes (graph_nodes), the totals from here down the list, and the next op
    type as its only child (the op view is a chain, largest first)."""


MultiGraphNodeProto.FIELDS = {
    "name": "", "exec_micros": 0, "requested_bytes": 0, "parameters": 0, "float_ops": 0,
    "total_exec_micros": 0, "total_requested_bytes": 0, "total_parameters": 0,
    "total_float_ops": 0, "graph_nodes": (_Repeated, GraphNodeProto),
    "children": (_Repeated, MultiGraphNodeProto), "accelerator_exec_micros": 0,
    "cpu_exec_micros": 0, "total_accelerator_exec_micros": 0, "total_cpu_exec_micros": 0,
    "peak_bytes": 0, "residual_bytes": 0, "output_bytes": 0, "total_peak_bytes": 0,
    "total_residual_bytes": 0, "total_output_bytes": 0}


class _Checker(_ProfMessage):
    FIELDS = {"reports": [""]}


class AdviceProto(_ProfMessage):
    """What advise() returns: checkers maps a checker's name to its reports."""
    Checker = _Checker
    FIELDS = {"checkers": _MapOf("", _Checker)}


class _Trace(_ProfMessage):
    FIELDS = {"lineno": 0, "func_start_line": 0, "file_id": 0, "function_id": 0,
              "line_id": 0}


class CodeDef(_ProfMessage):
    """The Python stack that built a node (ids into OpLogProto.id_to_string)."""
    Trace = _Trace
    FIELDS = {"traces": (_Repeated, _Trace)}


class OpLogEntry(_ProfMessage):
    """Extra facts about one node: float_ops (overrides the counted ones when > 0),
    types (extra 'op types' for with_accounted_types) and code_def."""
    FIELDS = {"name": "", "float_ops": 0, "types": [""], "code_def": CodeDef}


class OpLogProto(_ProfMessage):
    """What profile(op_log=...) and write_op_log take: one OpLogEntry per node.

        op_log = gc.profiler.OpLogProto()
        entry = op_log.log_entries.add(name="dense/MatMul")
        entry.types.append("my_type")       # then with_accounted_types(["my_type"])
    """
    FIELDS = {"log_entries": (_Repeated, OpLogEntry), "id_to_string": _MapOf(0, "")}
