"""The text of the profiler's reports (TF's C++ tfprof: tfprof_utils, TFShow::FormatNode,
TFOp::FormatNode, the "Doc" block): numbers as 1.23k, times as 12us / 1.50ms, bytes
as 80B / 1.20KB, one line per displayed node, and the legend above them.

    fmt_number(28800)       # "28.80k"
    fmt_time(1500)          # "1.50ms"
"""
__all__ = ["fmt_number", "fmt_time", "fmt_memory", "format_node", "format_multi",
           "legend", "query_doc"]

_CMD_DOC = {
    "scope": "scope: The nodes in the model graph are organized by their names, which "
             "is hierarchical like filesystem.",
    "code": "code: When python trace is available, the nodes are python lines and their "
            "are organized by the python call stack.",
    "op": "op: The nodes are operation kernel type, such as MatMul, Conv2D. Graph nodes "
          "belonging to the same type are aggregated together."}
_CMD_DOC["graph"] = _CMD_DOC["scope"]          # as TF prints it
_ACC = ("accelerator execution time: Time spent executing on the accelerator. This is "
        "normally measured by the actual hardware library.")
_CPU = ("cpu execution time: The time from the start to the end of the operation. It's "
        "the sum of actual cpu run time plus the time that it spends waiting if part of "
        "computation is launched asynchronously.")
_SELECT_DOC = {
    "bytes": "requested bytes: The memory requested by the operation, accumulatively.",
    "micros": "total execution time: Sum of accelerator execution time and cpu execution"
              f" time.\n{_CPU}\n{_ACC}",
    "params": "param: Number of parameters (in the Variable).",
    "float_ops": "flops: Number of float operations. Note: Please read the "
                 "implementation for the math behind it.",
    "tensor_value": "tensor_value: Not supported now.",
    "device": "device: which device is placed on.",
    "op_types": "op_types: The attributes of the operation, includes the Kernel name "
                "device placed on and user-defined strings.",
    "occurrence": "occurrence: The number of times it occurs",
    "input_shapes": "input shape: The shape of input tensors",
    "accelerator_micros": _ACC, "cpu_micros": _CPU,
    "peak_bytes": "peak bytes: The peak amount of memory that the operation is holding "
                  "at some point.",
    "residual_bytes": "residual bytes: The memory not de-allocated after the operation "
                      "finishes.",
    "output_bytes": "output bytes: The memory that is output from the operation (not "
                    "necessarilty allocated by the operation)"}
_MEMORY = (("bytes", "requested_bytes", "requested bytes"),
           ("peak_bytes", "peak_bytes", "peak bytes"),
           ("residual_bytes", "residual_bytes", "residual bytes"),
           ("output_bytes", "output_bytes", "output bytes"))
_TIMES = (("exec_micros", "total execution time"),
          ("accelerator_exec_micros", "accelerator execution time"),
          ("cpu_exec_micros", "cpu execution time"))


def fmt_number(n):
    for limit, unit in ((1e9, "b"), (1e6, "m"), (1e3, "k")):
        if n >= limit:
            return f"{n / limit:.2f}{unit}"
    return str(n)


def fmt_time(us):
    if us < 1000:
        return f"{us}us"
    return f"{us / 1000:.2f}ms" if us < 1000000 else f"{us / 1000000:.2f}sec"


def fmt_memory(b):
    if b < 1000:
        return f"{b}B"
    return f"{b / 1000:.2f}KB" if b < 1000000 else f"{b / 1000000:.2f}MB"


def _own_total(node, key, fmt):
    """"own/total" of an accounted node, "--/total" of another."""
    own = fmt(node.s[key]) if node.account else "--"
    return f"{own}/{fmt(node.t[key])}"


def _shapes_text(shapes):
    return "|".join(f"{i}:{'x'.join(map(str, v))}" if v else f"{i}:unknown"
                    for i, v in sorted(shapes.items()))


def format_node(node, opts):
    """One line of the scope or graph view, as TF's TFShow::FormatNode."""
    sel, info = set(opts.select), []
    if "params" in sel:
        if node.node.shape:
            info.append("x".join(map(str, node.node.shape)))
        info.append(_own_total(node, "parameters", fmt_number) + " params")
    if "float_ops" in sel:
        info.append(_own_total(node, "float_ops", fmt_number) + " flops")
    for name, key, _ in _MEMORY:
        if name in sel:
            info.append(_own_total(node, key, fmt_memory))
    for key in _time_keys(sel):
        info.append(_own_total(node, key, fmt_time))
    if "device" in sel and node.node.device:
        info.append(node.node.device)
    if "op_types" in sel:
        info.append("|".join(sorted(node.node.op_types)))
    if "occurrence" in sel:
        runs = _own_total(node, "run_count", fmt_number)
        defined = ("1/" if node.account else "--/") + fmt_number(node.t["definition_count"])
        info.append(f"{runs}|{defined}")
    if "input_shapes" in sel:
        info.append(_shapes_text(node.node.input_shapes()))
    return f"{node.name} ({', '.join(info)})"


def _time_keys(sel):
    if "micros" in sel:
        return [k for k, _ in _TIMES]
    return [k for k, _ in _TIMES[1:] if k.replace("_exec", "") in sel]


def legend(opts, multi=False):
    sel, names = set(opts.select), []
    front = [("params", "# parameters"), ("float_ops", "# float_ops")]
    if not multi:
        names += [label for key, label in front if key in sel]
    names += [label for key, _, label in _MEMORY if key in sel]
    names += [label for k, label in _TIMES if k in _time_keys(sel)]
    if multi:
        names += [label for key, label in front if key in sel]
    names += [label for key, label in (("device", "assigned devices"),
                                       ("op_types", "op types")) if key in sel]
    if "occurrence" in sel:
        names.append("op occurrence (run|defined)" if multi else "op count (run|defined)")
    if "input_shapes" in sel:
        names.append("input shapes")
    return f"node name | {' | '.join(names)}\n"


def query_doc(cmd, opts):
    helps = [_SELECT_DOC.get(s, f"Unknown select: {s}") for s in opts.select]
    return f"\nDoc:\n{_CMD_DOC.get(cmd, 'Unknown command: ' + cmd)}\n" + \
        "\n".join(helps) + "\n\n"


def _pct(part, whole):
    return 100.0 * part / whole if whole else float("inf") if part else float("nan")


def format_multi(node, root, opts):
    """One line of the op view, as TF's TFOp::FormatNode."""
    sel, attrs, t, s, rt = set(opts.select), [], node.t, node.s, root.t

    def pct(text, key, self_key=None):
        accu = own = 0.0
        if s[key] if self_key else t[key]:
            accu, own = _pct(t[key], rt[key]), _pct(s[key], rt[key])
        return f"{f'{text} ({accu:.2f}%, {own:.2f}%)':>30}"
    for name, key, _ in _MEMORY:
        if name in sel:
            attrs.append(pct(fmt_memory(s[key]), key, self_key=True))
    for key in _time_keys(sel):
        attrs.append(pct(fmt_time(s[key]), key))
    if "params" in sel:
        attrs.append(pct(f"{fmt_number(s['parameters'])} params", "parameters"))
    if "float_ops" in sel:
        attrs.append(pct(f"{fmt_number(s['float_ops'])} float_ops", "float_ops"))
    if "device" in sel:
        attrs.append("|".join(sorted(node.devices)))
    if "op_types" in sel:
        attrs.append("|".join(sorted(node.node.op_types)))
    if "occurrence" in sel:
        runs = sum(g.s["run_count"] for g in node.graph_nodes)
        attrs.append(f"{f'{runs}|{len(node.graph_nodes)}':>10}")
    line = f"{node.name:<25}{', '.join(attrs)}\n"
    if "input_shapes" in sel:
        shapes = _input_types(node.graph_nodes)
        if shapes:
            line = f"{line}\n{shapes}\n\n"
    return line


def _input_types(graph_nodes):
    counts = {}
    for g in graph_nodes:
        shapes = g.node.input_shapes()
        key = "input_type: " + ",\t".join(
            f"{i}:{'x'.join(map(str, v))}" if v else f"{i}:unknown"
            for i, v in sorted(shapes.items()))
        c = counts.setdefault(key, [0, 0, 0])
        c[0], c[1], c[2] = c[0] + 1, c[1] + g.s["run_count"], c[2] + g.s["exec_micros"]
    rows = sorted(sorted(counts.items()), key=lambda kv: -kv[1][1])
    return "\n".join(f"{k}\t(run*{r}|defined*{d})\texec_time: {fmt_time(us)}"
                     for k, (d, r, us) in rows)
