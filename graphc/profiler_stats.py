"""What the profiler knows about each node (TF's tfprof TFStats and TFGraphNode): its op
type and extra types, its "shape" attr (a variable's parameters), its inputs' static
shapes, its FLOPs (from the op log) and, per profiled step, its run time from a traced
run's RunMetadata.

graphc's RunMetadata records each kernel call's start and duration on the CPU, nothing
about memory: the bytes of a run node are the static size of its outputs (requested =
peak = residual = output bytes, as TF reports for an op whose outputs outlive it; 0
where a shape is not fully known).
"""
import re
import sys

from .graph import Node

__all__ = ["Stats", "ShowNode", "SELF", "TOTAL", "MULTI"]

SELF = ("run_count", "exec_micros", "accelerator_exec_micros", "cpu_exec_micros",
        "requested_bytes", "peak_bytes", "residual_bytes", "output_bytes", "parameters",
        "float_ops")
TOTAL = ("definition_count",) + SELF            # summed as total_<x> over a subtree
MULTI = SELF[1:]                                # the op view sums no counts
SCOPE_PARENT, GRAPH_PARENT, ROOT = "_kTFScopeParent", "_TFGraphParent", "_TFProfRoot"
_CPU_OR_GPU = re.compile(r".*/(device:gpu|gpu|device:cpu|cpu):\d+")


def shape_vec(shape):
    """TF's shape vector: [] unknown rank, [1] a scalar, -1 an unknown dim."""
    dims = getattr(shape, "_dims", shape)
    if dims is None:
        return []
    if len(dims) == 0:
        return [1]
    return [d if type(d) is int else -1 for d in dims]


class _Exec:
    """One step's runs of a node (TF's ExecStep)."""
    __slots__ = ("run_count", "cpu", "accelerator", "memory")

    def __init__(self):
        self.run_count, self.cpu, self.accelerator, self.memory = 0, [], [], []

    def add_time(self, dev, stat):
        start = getattr(stat, "all_start_micros", 0)
        if start <= 0:
            return
        took = getattr(stat, "op_end_rel_micros", 0) or 1   # TF rounds 0 up to 1
        if "stream:all" in dev:
            self.accelerator.append((start, took))
        elif _CPU_OR_GPU.fullmatch(dev):
            self.cpu.append((start, took))
            self.run_count += 1

    def add_memory(self, stat, nbytes):
        if getattr(stat, "all_start_micros", 0) <= 0:
            sys.stderr.write(f"{stat.node_name} has no start time, skipping\n")
            return
        self.memory.append(dict.fromkeys(("requested_bytes", "peak_bytes", "residual_bytes",
                                          "output_bytes"), nbytes))

    def value(self, key):
        if key == "run_count":
            return self.run_count
        if key == "cpu_exec_micros":
            return sum(t for _, t in self.cpu)
        if key == "accelerator_exec_micros":
            return sum(t for _, t in self.accelerator)
        if key == "exec_micros":
            return self.value("cpu_exec_micros") + self.value("accelerator_exec_micros")
        return sum(m[key] for m in self.memory)


class GNode:
    """One graph node (or a node only the RunMetadata names), TF's TFGraphNode."""
    __slots__ = ("name", "op", "op_types", "shape", "inputs", "src_output",
                 "output_shapes", "float_ops", "execs", "device", "out_bytes", "nodes")

    def __init__(self, name, op, nodes, node=None):
        self.name, self.op, self.nodes = name, op, nodes
        self.op_types, self.execs, self.device = {op}, {}, ""
        self.shape, self.inputs, self.src_output, self.output_shapes = [], [], {}, {}
        self.float_ops, self.out_bytes = 0, 0
        if node is not None:
            self._read(node)

    def _read(self, node):
        shape = node.attrs.get("shape")
        if isinstance(shape, (tuple, list)) or hasattr(shape, "_dims"):
            self.shape = shape_vec(shape)
        # TF's Assign reads the variable as input 0; graphc keeps it as an attr
        sources = [(v.name, 0) for v in node.attrs.values() if isinstance(v, Node)]
        sources += [(t.node.name, t.index) for t in node.inputs]
        sources += [(c.name, 0) for c in node.control_inputs]
        for name, index in sources:
            self.inputs.append(name)
            self.src_output[name] = index
        for i, t in enumerate(node.outputs):
            self.output_shapes[i] = shape_vec(t.shape)
            n, size = t.shape.num_elements(), getattr(t.dtype, "size", 0) or 0
            self.out_bytes += n * size if n is not None else 0

    def _steps(self, step):
        if step >= 0:
            return [self.execs[step]] if step in self.execs else []
        return list(self.execs.values())

    def stat(self, key, step):
        """A run statistic at `step` (-1: the integer mean over the node's steps)."""
        execs = self._steps(step)
        if not execs:
            return 0
        total = sum(e.value(key) for e in execs)
        return total if step >= 0 else total // len(execs)

    def parameters(self):
        if not self.shape or any(d < 0 for d in self.shape):
            return 0
        n = 1
        for d in self.shape:
            n *= d
        return n

    def float_ops_at(self, step):
        return self.float_ops if not self.execs else \
            self.float_ops * self.stat("run_count", step)

    def input_shapes(self):
        """{input index: shape vector} ([] where unknown)."""
        out = {}
        for i, name in enumerate(self.inputs):
            src = self.nodes.get(name)
            out[i] = list(src.output_shapes.get(self.src_output[name], [])) \
                if src is not None else []
        return out


class Stats:
    """The profile of one graph (TF's TFStats): GNodes by name, the steps added, and
    which nodes a RunMetadata covered."""

    def __init__(self, graph=None, run_meta=None, op_log=None):
        self.nodes, self.steps, self.covered, self.has_traces = {}, set(), set(), False
        if graph is not None:
            self.add_graph(graph)
        if run_meta is not None and _has_step_stats(run_meta):
            self.add_run_meta(0, run_meta)
        self.add_op_log(op_log)

    def add_graph(self, graph):
        for node in graph.get_operations():
            if node.name not in self.nodes:
                self.nodes[node.name] = GNode(node.name, node.type, self.nodes, node)

    def add_run_meta(self, step, run_meta):
        if not _has_step_stats(run_meta):
            sys.stderr.write(f"Invalid RunMetadata for step {step}\n")
            return
        self.steps.add(step)
        for dev_stat in run_meta.step_stats.dev_stats:
            for stat in dev_stat.node_stats:
                name = stat.node_name.split(":")[0]
                node = self.nodes.get(name)
                if node is None:
                    if name in ("RecvTensor", "_SOURCE") or "MEMCPY" in name:
                        continue
                    node = self.nodes[name] = GNode(name, name, self.nodes)
                else:
                    self.covered.add(name)
                _add_step_stat(node, step, dev_stat.device, stat)

    def add_op_log(self, op_log):
        for entry in op_log.log_entries if op_log is not None else ():
            node = self.nodes.get(entry.name)
            if node is None:
                continue
            node.op_types.update(entry.types)
            if entry.float_ops:
                node.float_ops = entry.float_ops
            if entry.HasField("code_def"):
                self.has_traces = True

    def run_coverage(self):
        return len(self.covered) / (len(self.nodes) + 1e-10)


def _has_step_stats(run_meta):
    step_stats = getattr(run_meta, "step_stats", None)
    return bool(step_stats is not None and step_stats.dev_stats)


def _add_step_stat(node, step, device, stat):
    dev = device.lower()
    if _CPU_OR_GPU.fullmatch(dev):
        if node.device and node.device != dev:
            return
        if not node.device:
            node.device = dev
            node.op_types.add(dev)
    exec_ = node.execs.setdefault(step, _Exec())
    exec_.add_time(dev, stat)
    if dev == node.device:
        exec_.add_memory(stat, node.out_bytes)


class ShowNode:
    """A node as one view shows it (TF's ShowNode / ShowMultiNode): `s` its own stats
    at the step shown, `t` the totals over what it accounts for, its children in the
    view's tree and the ones it displays."""
    __slots__ = ("node", "name", "account", "s", "t", "children", "show_children",
                 "formatted", "keys", "graph_nodes", "devices")

    def __init__(self, node, keys=TOTAL):
        self.node, self.name, self.keys = node, node.name, keys
        self.account, self.formatted, self.devices = False, "", set()
        self.children, self.show_children, self.graph_nodes = [], [], []
        self.t = dict.fromkeys(keys, 0)
        self.reinit(-1)

    def reinit(self, step):
        n = self.node
        self.s = {k: n.stat(k, step) for k in SELF[:-2]} if n.execs else \
            dict.fromkeys(SELF[:-2], 0)
        self.s["parameters"], self.s["float_ops"] = n.parameters(), n.float_ops_at(step)

    def reset_total(self):
        self.formatted = ""
        self.t = dict.fromkeys(self.keys, 0)

    def add_self(self):
        t, s = self.t, self.s
        for k in self.keys:
            t[k] += 1 if k == "definition_count" else s[k]

    def aggregate(self, other):
        t, o = self.t, other.t
        for k in self.keys:
            t[k] += o[k]


def parent_node(name, op, nodes=None):
    """A scope (or view root) node that no graph node stands for."""
    return GNode(name, op, nodes if nodes is not None else {})
