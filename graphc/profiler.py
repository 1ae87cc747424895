"""gc.profiler (TF1's tf.compat.v1.profiler): FLOP and parameter counts of a graph, and
the run time of a traced run, organized by name scope, by graph structure or by op type.

    flops = gc.profiler.profile(graph, options=gc.profiler.ProfileOptionBuilder
                                .float_operation())
    print(flops.total_float_ops)
    params = gc.profiler.profile(graph, options=gc.profiler.ProfileOptionBuilder
                                 .trainable_variables_parameter())
    print(params.total_parameters)

FLOPs follow TF's per-op rules (profiler_flops.py); parameters are the element counts
of the trainable variables; the views, totals and text report follow TF's tfprof
(profiler_report.py). See docs/profiler.md, with what differs from TF.
"""
import json
import os
import sys

from . import errors
from .graph import get_default_graph
from .profiler_flops import merge_default_with_oplog
from .profiler_options import Options, ProfileOptionBuilder
from .profiler_protos import AdviceProto, GraphNodeProto, MultiGraphNodeProto, OpLogProto
from .profiler_report import show
from .profiler_stats import Stats
from .profiler_text import fmt_time

__all__ = ["profile", "advise", "write_op_log", "Profiler", "ProfileOptionBuilder",
           "AdviceProto", "GraphNodeProto", "MultiGraphNodeProto", "OpLogProto"]

_DEFAULT_PROFILE_OPTIONS = 0
_DEFAULT_ADVISE_OPTIONS = 0
ALL_ADVICE = {"ExpensiveOperationChecker": {}, "AcceleratorUtilizationChecker": {},
              "JobChecker": {}, "OperationChecker": {}}
_CODE_VIEW = ("the 'code' view (TF's Python call-stack view) is not supported by graphc's "
              "profiler: graphc records one creation site per node, not a call stack; use "
              "cmd='scope', 'graph' or 'op'")


def profile(graph=None, run_meta=None, op_log=None, cmd="scope",
            options=_DEFAULT_PROFILE_OPTIONS):
    """Profile `graph` (default: the default graph) and print a report (TF1's
    tf.compat.v1.profiler.profile). cmd "scope" and "graph" return a GraphNodeProto
    (name "_TFProfRoot", total_float_ops, total_parameters, children...), "op" a
    MultiGraphNodeProto. `run_meta`, the RunMetadata of a traced Session.run, adds run
    times; `op_log` (an OpLogProto) adds op types or FLOP counts. The default options
    count the trainable variables' parameters.

        x = gc.placeholder(gc.float32, (8, 3))
        w = gc.Variable(gc.ones((3, 5)), name="w")
        y = gc.matmul(x, w)
        opts = gc.profiler.ProfileOptionBuilder.float_operation()
        gc.profiler.profile(options=opts).total_float_ops       # 2 * 8 * 5 * 3 = 240
    """
    graph = get_default_graph() if graph is None else graph
    if isinstance(options, int) and options == _DEFAULT_PROFILE_OPTIONS:
        options = ProfileOptionBuilder.trainable_variables_parameter()
    op_log = merge_default_with_oplog(graph, op_log, run_meta, add_trace=False)
    if cmd == "code":
        raise NotImplementedError(f"profile(cmd='code'): {_CODE_VIEW}")
    if cmd not in ("scope", "graph", "op"):
        raise errors.InvalidArgumentError(None, None, f"unknown cmd: {cmd}\n")
    return _run(Stats(graph, run_meta, op_log), cmd, options)


def _run(stats, cmd, options):
    opts = Options.parse(options)
    if opts is None:
        return MultiGraphNodeProto() if cmd == "op" else GraphNodeProto()
    if opts.output == "timeline":
        raise NotImplementedError(
            "ProfileOptionBuilder.with_timeline_output: graphc's profiler writes no "
            "timeline; RunMetadata.chrome_trace() gives a Chrome trace of a traced run")
    return show(stats, cmd, opts)


def advise(graph=None, run_meta=None, options=_DEFAULT_ADVISE_OPTIONS):
    """Run the advisor's checkers on `graph` (TF1's tf.compat.v1.profiler.advise) and
    print their reports; returns an AdviceProto (checkers: name -> reports).
    ExpensiveOperationChecker needs `run_meta` (a traced run); OperationChecker flags
    unfused batch norms. graphc runs on the CPU: AcceleratorUtilizationChecker never
    reports.

        advice = gc.profiler.advise(run_meta=run_meta)
        advice.checkers["ExpensiveOperationChecker"].reports
    """
    graph = get_default_graph() if graph is None else graph
    if isinstance(options, int) and options == _DEFAULT_ADVISE_OPTIONS:
        options = dict(ALL_ADVICE)
    op_log = merge_default_with_oplog(graph, None, run_meta, add_trace=False)
    return _advise(Stats(graph, run_meta, op_log), options)


def _advise(stats, options):
    ret, options = AdviceProto(), options or {}
    checkers = (("ExpensiveOperationChecker", _expensive_operations),
                ("AcceleratorUtilizationChecker", lambda stats: []),
                ("OperationChecker", _operation_checks))
    for name, check in checkers:
        if name in options:
            ret.checkers[name].reports.extend(check(stats))
    for name, checker in ret.checkers.items():
        sys.stdout.write(f"\n{name}:\n" + "".join(f"{r}\n" for r in checker.reports))
    sys.stdout.flush()
    return ret


def _operation_checks(stats):
    """TF's OperationChecker: batch norms that are not fused."""
    nodes = stats.nodes.values()
    if any("BatchNorm" in n.name for n in nodes) and \
            not any("FusedBatchNorm" in n.op_types for n in nodes):
        return ["Maybe use faster FusedBatchNorm instead of BatchNorm"]
    return []


def _quiet(**changes):
    opts = dict(max_depth=100, min_micros=0, order_by="micros", account_type_regexes=[".*"],
                start_name_regexes=[".*"], show_name_regexes=[".*"],
                account_displayed_op_only=False, select=["micros"], output="none")
    opts.update(changes)
    return Options.parse(opts)


def _expensive_operations(stats):
    """TF's ExpensiveOperationChecker: the op types and the top-level scopes that took
    the most time (graphc has no code view to add the slowest Python lines)."""
    reports = []
    if not stats.steps:
        sys.stderr.write("Missing RunMetadata info. Skip ExpensiveOperationChecker\n")
        sys.stderr.write("Missing run_meta for ExpensiveOperationChecker\n")
    else:
        root = show(stats, "op", _quiet(max_depth=3, min_micros=1,
                                        select=["micros", "occurrence"]))
        node, lines = root, []
        while node.children and len(lines) < 3:
            node = node.children[0]
            share = 100.0 * node.exec_micros / (root.total_exec_micros + 1e-10)
            lines.append(f"top {len(lines) + 1} operation type: {node.name}, cpu: "
                         f"{fmt_time(node.cpu_exec_micros)}, accelerator: "
                         f"{fmt_time(node.accelerator_exec_micros)}, total: "
                         f"{fmt_time(node.exec_micros)} ({share:.2f}%)")
        if lines:
            reports.append("\n".join(lines))
    root = show(stats, "scope", _quiet(min_micros=100))
    lines = [f"top {i + 1} graph node: {n.name}, cpu: {fmt_time(n.cpu_exec_micros)}, "
             f"accelerator: {fmt_time(n.accelerator_exec_micros)}, total: "
             f"{fmt_time(n.exec_micros)}" for i, n in enumerate(root.children[:3])]
    if lines:
        reports.append("\n".join(lines))
    return reports


class Profiler:
    """A profile kept across steps (TF1's tf.compat.v1.profiler.Profiler): add the
    RunMetadata of traced runs with add_step, then show any view, at one step or the
    average of all.

        profiler = gc.profiler.Profiler(sess.graph)
        run_meta = gc.RunMetadata()
        sess.run(train_op, options=gc.RunOptions(trace_level=gc.RunOptions.FULL_TRACE),
                 run_metadata=run_meta)
        profiler.add_step(0, run_meta)
        profiler.profile_operations(gc.profiler.ProfileOptionBuilder.time_and_memory())
    """

    def __init__(self, graph=None, op_log=None):
        self._graph = get_default_graph() if graph is None else graph
        self._coverage = 0.0
        op_log = merge_default_with_oplog(self._graph, op_log=op_log, add_trace=False)
        self._stats = Stats(self._graph, None, op_log)

    def add_step(self, step, run_meta):
        """Add the run statistics of `run_meta` as step `step` (nodes added to the
        graph since are profiled too)."""
        op_log = merge_default_with_oplog(self._graph, run_meta=run_meta, add_trace=False)
        self._stats.add_graph(self._graph)
        self._stats.add_run_meta(step, run_meta)
        self._stats.add_op_log(op_log)
        self._coverage = self._stats.run_coverage()

    def profile_python(self, options):
        """TF's Python call-stack ("code") view: not supported by graphc."""
        raise NotImplementedError(f"Profiler.profile_python: {_CODE_VIEW}")

    def profile_operations(self, options):
        """The op view (one entry per op type): a MultiGraphNodeProto."""
        return _run(self._stats, "op", options)

    def profile_name_scope(self, options):
        """The scope view (nodes nested by name): a GraphNodeProto."""
        return _run(self._stats, "scope", options)

    def profile_graph(self, options):
        """The graph view (a node's children are its inputs): a GraphNodeProto."""
        return _run(self._stats, "graph", options)

    def advise(self, options):
        """Run the advisor's checkers (see gc.profiler.advise) on the steps added."""
        return _advise(self._stats, options)

    def serialize_to_string(self):
        """TF's ProfileProto bytes: not supported by graphc."""
        raise NotImplementedError("Profiler.serialize_to_string: graphc writes no "
                                  "ProfileProto (TF's tfprof file format)")


def write_op_log(graph, log_dir, op_log=None, run_meta=None, add_trace=True):
    """Write the op log profile() would use (each node's FLOPs, the trainable
    variables' type, with add_trace the creation sites) to `log_dir`/tfprof_log.
    graphc writes JSON, not TF's binary OpLogProto.

        gc.profiler.write_op_log(gc.get_default_graph(), "/tmp/prof")
    """
    graph = get_default_graph() if graph is None else graph
    log = merge_default_with_oplog(graph, op_log, run_meta, add_trace)
    entries = []
    for e in log.log_entries:
        entry = {"name": e.name, "float_ops": e.float_ops, "types": list(e.types)}
        if e.code_def.traces:
            entry["code_def"] = {"traces": [dict(t._set_fields())
                                            for t in e.code_def.traces]}
        entries.append(entry)
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(log_dir, "tfprof_log"), "w") as f:
        json.dump({"log_entries": entries,
                   "id_to_string": {str(k): v for k, v in log.id_to_string.items()}}, f)
