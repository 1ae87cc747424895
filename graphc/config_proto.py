"""TF1's session configuration messages: ConfigProto, GPUOptions, GraphOptions,
OptimizerOptions and Grappler's RewriterConfig, with protobuf's behaviour (unknown
fields and wrong types refused with protobuf's messages, sub-messages made on first
touch, HasField, CopyFrom, ==, text format from str()).

    config = gc.ConfigProto(gpu_options=gc.GPUOptions(allow_growth=True))
    config.graph_options.rewrite_options.constant_folding = \\
        config.graph_options.rewrite_options.OFF
    sess = gc.Session(config=config)

What a Session does with them is in Session.__init__ (session.py): the thread count,
the optimizer switches mapped onto graphc's passes (`optimizer_changes`),
log_device_placement and operation_timeout_in_ms. GPU, cluster and RPC settings are
kept and shown but change nothing: graphc runs on one CPU.
"""
import math

from .io.proto import RepeatedMessages as _Repeated

__all__ = ["ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions",
           "RewriterConfig", "ThreadPoolOptionProto", "optimizer_changes"]

# field kinds: a Python default names the scalar kind; ("enum", {name: number}); a
# message class (made on first read); MAP (map<string, int32>); list: repeated scalars
# of the kind of its element; (_Repeated, cls): repeated messages
MAP = "map"


def _check(cls, name, kind, value):
    """`value` as field `name` of kind `kind` stores it, or protobuf's TypeError."""
    if isinstance(kind, bool):
        if isinstance(value, (bool, int)) and not isinstance(value, float):
            return bool(value)
    elif isinstance(kind, int) or (isinstance(kind, tuple) and kind[0] == "enum"):
        if isinstance(value, int):
            return int(value)
    elif isinstance(kind, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif isinstance(kind, str):
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if isinstance(value, str):
            return value
    if isinstance(kind, (float, str)):
        want = "int, float" if isinstance(kind, float) else "bytes, str"
        raise TypeError(f"{value!r} has type {type(value).__name__}, but expected one "
                        f"of: {want} (field {cls}.{name})")
    raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")



class _Message:
    """A protobuf-like message; subclasses list FIELDS (name -> kind) in field order."""
    FIELDS = {}

    def __init__(self, **fields):
        object.__setattr__(self, "_values", {})
        for name, value in fields.items():
            if name not in self.FIELDS:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{name}" '
                                 f"field.")
            kind = self.FIELDS[name]
            if isinstance(kind, type) and issubclass(kind, _Message):
                if not isinstance(value, kind):
                    raise TypeError(f"Parameter to initialize message field {name} must "
                                    f"be a {kind.__name__}, not {type(value).__name__}")
                getattr(self, name).CopyFrom(value)
            elif kind == MAP or isinstance(kind, (list, _Repeated)) or \
                    (isinstance(kind, tuple) and kind[0] is _Repeated):
                container = getattr(self, name)
                container.update(value) if kind == MAP else container.extend(value)
            else:
                setattr(self, name, value)

    def __getattr__(self, name):
        kind = type(self).FIELDS.get(name)
        if kind is None:
            raise AttributeError(f'Protocol message {type(self).__name__} has no "{name}" '
                                 f"field.")
        values = self._values
        if name not in values:
            if isinstance(kind, type) and issubclass(kind, _Message):
                values[name] = kind()
            elif kind == MAP:
                values[name] = {}
            elif isinstance(kind, list):
                values[name] = []
            elif isinstance(kind, tuple) and kind[0] is _Repeated:
                values[name] = _Repeated(kind[1])
            else:
                return kind[1].get("DEFAULT", 0) if isinstance(kind, tuple) else kind
        return values[name]

    def __setattr__(self, name, value):
        kind = type(self).FIELDS.get(name)
        if kind is None:
            raise AttributeError(f'Protocol message {type(self).__name__} has no "{name}" '
                                 f"field.")
        if not isinstance(kind, (bool, int, float, str, tuple)) or kind == MAP or \
                (isinstance(kind, tuple) and kind[0] is _Repeated):
            raise AttributeError(f'Assignment not allowed to {"message" if isinstance(kind, type) else "repeated"} '
                                 f'field "{name}" in protocol message object.')
        self._values[name] = _check(type(self).__name__, name, kind, value)

    def _set_fields(self):
        """(name, value) of each field that is set (non-default), in field order."""
        out = []
        for name, kind in self.FIELDS.items():
            value = self._values.get(name)
            if value is None:
                continue
            if isinstance(value, _Message):
                if value._set_fields():
                    out.append((name, value))
            elif isinstance(value, (dict, list)):
                if value:
                    out.append((name, value))
            elif value != (kind[1].get("DEFAULT", 0) if isinstance(kind, tuple) else kind):
                out.append((name, value))
        return out

    def HasField(self, name):
        """Whether message field `name` holds anything (protobuf's HasField)."""
        kind = self.FIELDS.get(name)
        if not (isinstance(kind, type) and issubclass(kind, _Message)):
            raise ValueError(f'Protocol message {type(self).__name__} has no singular '
                             f'"{name}" field.' if kind is None else
                             f'Field {type(self).__name__}.{name} does not have presence.')
        return name in self._values and bool(self._values[name]._set_fields())

    def ClearField(self, name):
        self._values.pop(name, None)

    def Clear(self):
        self._values.clear()

    def CopyFrom(self, other):
        if type(other) is not type(self):
            raise TypeError(f"Parameter to CopyFrom() must be instance of same class: "
                            f"expected {type(self).__name__} got {type(other).__name__}.")
        if other is not self:
            self.Clear()
            self.MergeFrom(other)

    def MergeFrom(self, other):
        """protobuf's merge: set scalars overwrite, messages merge, repeated append."""
        for name, value in other._set_fields():
            if isinstance(value, _Message):
                getattr(self, name).MergeFrom(value)
            elif isinstance(value, dict):
                getattr(self, name).update(value)
            elif isinstance(value, list):
                mine = getattr(self, name)
                for v in value:
                    if isinstance(v, _Message):
                        mine.add().CopyFrom(v)
                    else:
                        mine.append(v)
            else:
                self._values[name] = value

    def __eq__(self, other):
        return type(self) is type(other) and self._set_fields() == other._set_fields()

    __hash__ = None

    def __str__(self):
        return "".join(_text(self, ""))

    def __repr__(self):
        return str(self)


class _MapOf:
    """The kind of a typed map field: keys of `key` kind, values of `value` kind (a
    scalar default or a message class)."""

    def __init__(self, key, value):
        self.key, self.value = key, value


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "'": "\\'",
            "\\": "\\\\"}


def _scalar_text(kind, value):
    """A scalar as protobuf's text format writes it (enums by name, strings C-escaped:
    control characters in octal, non-ASCII kept)."""
    if isinstance(kind, tuple):
        return next((n for n, v in kind[1].items() if v == value and n != "DEFAULT"),
                    str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if math.isfinite(value) else ("nan" if value != value else
                                                         "-inf" if value < 0 else "inf")
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
            elif " " <= ch < "\x7f" or ch > "\x7f":     # UTF-8 kept, as TF prints it
                out.append(ch)
            else:
                out.append(f"\\{ord(ch):03o}")
        return '"' + "".join(out) + '"'
    return str(value)


def _text(msg, indent):
    """Lines of protobuf's text format for `msg` (set fields only, in field order)."""
    for name, value in msg._set_fields():
        kind = msg.FIELDS[name]
        if isinstance(value, _Message):
            yield f"{indent}{name} {{\n"
            yield from _text(value, indent + "  ")
            yield f"{indent}}}\n"
        elif isinstance(value, dict):
            typed = isinstance(kind, _MapOf)
            for k, v in value.items():      # insertion order, as TF's maps print
                yield (f"{indent}{name} {{\n{indent}  key: "
                       f"{_scalar_text(kind.key if typed else '', k)}\n")
                if isinstance(v, _Message):
                    yield f"{indent}  value {{\n"
                    yield from _text(v, indent + "    ")
                    yield f"{indent}  }}\n"
                else:
                    yield f"{indent}  value: {_scalar_text(kind.value if typed else 0, v)}\n"
                yield f"{indent}}}\n"
        elif isinstance(value, list):
            for v in value:
                if isinstance(v, _Message):
                    yield f"{indent}{name} {{\n"
                    yield from _text(v, indent + "  ")
                    yield f"{indent}}}\n"
                else:
                    yield f"{indent}{name}: {_scalar_text(kind[0], v)}\n"
        else:
            yield f"{indent}{name}: {_scalar_text(kind, value)}\n"


class OptimizerOptions(_Message):
    """TF1's OptimizerOptions (the classic graph optimizer's switches). opt_level L0
    turns off common subexpression elimination and constant folding (graphc's cse and
    fold), unless do_* asks for them."""
    L1, L0 = 0, -1
    DEFAULT, OFF, ON_1, ON_2 = 0, -1, 1, 2
    FIELDS = {"do_common_subexpression_elimination": False, "do_constant_folding": False,
              "opt_level": ("enum", {"L1": 0, "L0": -1}), "do_function_inlining": False,
              "global_jit_level": ("enum", {"DEFAULT": 0, "OFF": -1, "ON_1": 1, "ON_2": 2}),
              "max_folded_constant_in_bytes": 0, "cpu_global_jit": False}


class RewriterConfig(_Message):
    """Grappler's RewriterConfig (config.graph_options.rewrite_options). Its toggles
    name graphc's passes where Grappler has the same one: constant_folding -> fold,
    arithmetic_optimization -> simplify and stability, common_subgraph_elimination ->
    cse, remapping -> fuse, disable_model_pruning -> no prune/dce,
    disable_meta_optimizer -> no passes at all."""
    DEFAULT, ON, OFF, AGGRESSIVE, EXPERIMENTAL_MLIR, EXPERIMENTAL_BOTH = 0, 1, 2, 3, 4, 5
    DEFAULT_NUM_ITERS, ONE, TWO = 0, 1, 2
    (DEFAULT_MEM_OPT, NO_MEM_OPT, MANUAL, HEURISTICS, SWAPPING_HEURISTICS,
     RECOMPUTATION_HEURISTICS, SCHEDULING_HEURISTICS) = 0, 1, 2, 3, 4, 5, 6
    NO_CONVERSION_ON_CPU, NCHW_TO_NHWC, NHWC_TO_NCHW = 0, 1, 2
    _TOGGLE = ("enum", {"DEFAULT": 0, "ON": 1, "OFF": 2, "AGGRESSIVE": 3,
                        "EXPERIMENTAL_MLIR": 4, "EXPERIMENTAL_BOTH": 5})
    FIELDS = {"layout_optimizer": _TOGGLE, "disable_model_pruning": False,
              "constant_folding": _TOGGLE,
              "memory_optimization": ("enum", {"DEFAULT_MEM_OPT": 0, "NO_MEM_OPT": 1,
                                               "MANUAL": 2, "HEURISTICS": 3,
                                               "SWAPPING_HEURISTICS": 4,
                                               "RECOMPUTATION_HEURISTICS": 5,
                                               "SCHEDULING_HEURISTICS": 6}),
              "memory_optimizer_target_node_name_scope": "",
              "arithmetic_optimization": _TOGGLE, "dependency_optimization": _TOGGLE,
              "loop_optimization": _TOGGLE, "function_optimization": _TOGGLE,
              "debug_stripper": _TOGGLE,
              "meta_optimizer_iterations": ("enum", {"DEFAULT_NUM_ITERS": 0, "ONE": 1,
                                                     "TWO": 2}),
              "shape_optimization": _TOGGLE, "remapping": _TOGGLE,
              "scoped_allocator_optimization": _TOGGLE, "min_graph_nodes": 0,
              "pin_to_host_optimization": _TOGGLE, "disable_meta_optimizer": False,
              "meta_optimizer_timeout_ms": 0, "fail_on_optimizer_errors": False,
              "implementation_selector": _TOGGLE, "auto_mixed_precision": _TOGGLE,
              "common_subgraph_elimination": _TOGGLE, "optimizers": [""]}


class GraphOptions(_Message):
    """TF1's GraphOptions: optimizer_options and rewrite_options are what graphc reads."""
    FIELDS = {"enable_recv_scheduling": False, "optimizer_options": OptimizerOptions,
              "build_cost_model": 0, "infer_shapes": False, "place_pruned_graph": False,
              "enable_bfloat16_sendrecv": False, "timeline_step": 0,
              "build_cost_model_after": 0, "rewrite_options": RewriterConfig}


class _VirtualDevices(_Message):
    FIELDS = {"memory_limit_mb": [0.0], "priority": [0], "device_ordinal": [0]}


class _GPUExperimental(_Message):
    VirtualDevices = _VirtualDevices
    FIELDS = {"virtual_devices": (_Repeated, _VirtualDevices), "use_unified_memory": False,
              "num_dev_to_dev_copy_streams": 0, "collective_ring_order": "",
              "timestamped_allocator": False, "kernel_tracker_max_interval": 0,
              "kernel_tracker_max_bytes": 0, "kernel_tracker_max_pending": 0,
              "internal_fragmentation_fraction": 0.0, "use_cuda_malloc_async": False,
              "disallow_retry_on_allocation_failure": False}


class GPUOptions(_Message):
    """TF1's GPUOptions. Kept and shown; graphc has no GPU, so nothing reads them."""
    Experimental = _GPUExperimental
    FIELDS = {"per_process_gpu_memory_fraction": 0.0, "allocator_type": "",
              "deferred_deletion_bytes": 0, "allow_growth": False,
              "visible_device_list": "", "polling_active_delay_usecs": 0,
              "polling_inactive_delay_msecs": 0, "force_gpu_compatible": False,
              "experimental": _GPUExperimental}


class ThreadPoolOptionProto(_Message):
    FIELDS = {"num_threads": 0, "global_name": ""}


class _ConfigExperimental(_Message):
    FIELDS = {"collective_group_leader": "", "executor_type": "", "recv_buf_max_chunk": 0,
              "use_numa_affinity": False,
              "collective_deterministic_sequential_execution": False,
              "collective_nccl": False,
              "share_session_state_in_clusterspec_propagation": False,
              "disable_thread_spinning": False, "share_cluster_devices_in_session": False,
              "optimize_for_static_graph": False, "enable_mlir_bridge": False,
              "enable_mlir_graph_optimization": False,
              "disable_output_partition_graphs": False, "xla_fusion_autotuner_thresh": 0,
              "use_tfrt": False, "disable_functional_ops_lowering": False,
              "xla_prefer_single_graph_cluster": False}


class ConfigProto(_Message):
    """TF1's session configuration. What graphc reads: intra_op_parallelism_threads (> 0:
    the threads that run a fused elementwise group), graph_options (optimizer switches
    mapped onto graphc's passes), log_device_placement (each compiled op's device is
    logged to stderr) and operation_timeout_in_ms (the default deadline of a run's
    blocking ops). The rest is kept for TF1 code: graphc runs on one CPU.

        sess = gc.Session(config=gc.ConfigProto(intra_op_parallelism_threads=1))
    """
    Experimental = _ConfigExperimental
    FIELDS = {"device_count": MAP, "intra_op_parallelism_threads": 0,
              "placement_period": 0, "device_filters": [""],
              "inter_op_parallelism_threads": 0, "gpu_options": GPUOptions,
              "allow_soft_placement": False, "log_device_placement": False,
              "use_per_session_threads": False, "graph_options": GraphOptions,
              "operation_timeout_in_ms": 0,
              "session_inter_op_thread_pool": (_Repeated, ThreadPoolOptionProto),
              "isolate_session_state": False, "experimental": _ConfigExperimental,
              "share_cluster_devices_in_session": False}


_REWRITE_PASSES = {"constant_folding": ("fold",),
                   "arithmetic_optimization": ("simplify", "stability"),
                   "common_subgraph_elimination": ("cse",), "remapping": ("fuse",)}


def optimizer_changes(options):
    """The CompilerOptions changes Grappler-style switches ask for: `options` maps a
    RewriterConfig field name to its value (False or RewriterConfig.OFF for a toggle
    turned off) or "do_constant_folding"/"do_common_subexpression_elimination"."""
    if options.get("disable_meta_optimizer"):
        return {"optimize": False}
    off = {p for key, passes in _REWRITE_PASSES.items()
           if options.get(key) is False or options.get(key) == RewriterConfig.OFF
           for p in passes}
    if options.get("disable_model_pruning"):
        off |= {"prune", "dce"}
    if not off:
        return {}
    from .compiler.pipeline import PASSES
    return {"passes": tuple(name for name, _ in PASSES if name not in off)}


def config_changes(config):
    """The CompilerOptions changes a ConfigProto asks for."""
    changes = {}
    if getattr(config, "intra_op_parallelism_threads", 0):
        changes["threads"] = config.intra_op_parallelism_threads
    if not isinstance(config, ConfigProto):
        return changes
    graph = config._values.get("graph_options")
    if graph is None:
        return changes
    rewrite = dict(graph.rewrite_options._set_fields())
    opt = graph.optimizer_options
    if opt.opt_level == OptimizerOptions.L0:
        if not opt.do_constant_folding:
            rewrite.setdefault("constant_folding", RewriterConfig.OFF)
        if not opt.do_common_subexpression_elimination:
            rewrite.setdefault("common_subgraph_elimination", RewriterConfig.OFF)
    changes.update(optimizer_changes(rewrite))
    return changes
