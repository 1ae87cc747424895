"""The options of gc.profiler.profile (TF1's tf.compat.v1.profiler.ProfileOptionBuilder):
plain dicts with TF's keys, built from presets and chained setters.

    opts = (gc.profiler.ProfileOptionBuilder(
                gc.profiler.ProfileOptionBuilder.float_operation())
            .with_max_depth(3).with_node_names(hide_name_regexes=[".*grad.*"]).build())

`Options.parse` turns a dict into what the views read (TF's C++ tfprof Options, with its
defaults for missing keys) and `Options.text` is the block TF prints above a report.
"""
import copy
import sys

__all__ = ["ProfileOptionBuilder", "Options", "ORDER_BY", "SHOWN"]

ORDER_BY = ("name", "bytes", "peak_bytes", "residual_bytes", "output_bytes", "micros",
            "accelerator_micros", "cpu_micros", "params", "float_ops", "occurrence")
SHOWN = ("bytes", "micros", "params", "float_ops", "tensor_value", "device", "op_types",
         "occurrence", "input_shapes", "accelerator_micros", "cpu_micros", "peak_bytes",
         "residual_bytes", "output_bytes")
_OUTPUTS = ("file", "none", "pprof", "stdout", "timeline")


def _preset(**changes):
    opts = {"max_depth": 10000, "min_bytes": 0, "min_micros": 0, "min_params": 0,
            "min_float_ops": 0, "min_occurrence": 0, "order_by": "name",
            "account_type_regexes": [".*"], "start_name_regexes": [".*"],
            "trim_name_regexes": [], "show_name_regexes": [".*"],
            "hide_name_regexes": [], "account_displayed_op_only": True,
            "select": ["micros"], "step": -1, "output": "stdout"}
    opts.update(changes)
    return opts


class ProfileOptionBuilder:
    """Builds the options dict of gc.profiler.profile (TF1's ProfileOptionBuilder): start
    from a preset (or TF's defaults), chain setters, then build().

        opts = (gc.profiler.ProfileOptionBuilder()
                .select(["float_ops", "params"]).order_by("float_ops")
                .with_max_depth(4).build())
        gc.profiler.profile(gc.get_default_graph(), options=opts)
    """

    def __init__(self, options=None):
        self._options = copy.deepcopy(options) if options is not None else _preset(
            max_depth=100, account_displayed_op_only=False)

    @staticmethod
    def trainable_variables_parameter():
        """Options that count the trainable variables' elements (use with "scope").

            p = gc.profiler.profile(options=gc.profiler.ProfileOptionBuilder
                                    .trainable_variables_parameter())
            p.total_parameters
        """
        return _preset(account_type_regexes=["_trainable_variables"], select=["params"])

    @staticmethod
    def float_operation():
        """Options that count the FLOPs of the ops that have a FLOP rule.

            f = gc.profiler.profile(options=gc.profiler.ProfileOptionBuilder
                                    .float_operation())
            f.total_float_ops
        """
        return _preset(min_float_ops=1, order_by="float_ops", select=["float_ops"])

    @staticmethod
    def time_and_memory(min_micros=1, min_bytes=1, min_accelerator_micros=0,
                        min_cpu_micros=0, min_peak_bytes=0, min_residual_bytes=0,
                        min_output_bytes=0):
        """Options that show each op's run time and memory (needs a traced run's
        RunMetadata: profile(run_meta=...)). graphc's bytes are the static sizes of
        each run node's outputs.

            opts = gc.profiler.ProfileOptionBuilder.time_and_memory(min_bytes=0)
        """
        return {"max_depth": 10000, "min_bytes": min_bytes,
                "min_peak_bytes": min_peak_bytes, "min_residual_bytes": min_residual_bytes,
                "min_output_bytes": min_output_bytes, "min_micros": min_micros,
                "min_accelerator_micros": min_accelerator_micros,
                "min_cpu_micros": min_cpu_micros, "min_params": 0, "min_float_ops": 0,
                "min_occurrence": 0, "order_by": "micros", "account_type_regexes": [".*"],
                "start_name_regexes": [".*"], "trim_name_regexes": [],
                "show_name_regexes": [".*"], "hide_name_regexes": [],
                "account_displayed_op_only": True, "select": ["micros", "bytes"],
                "step": -1, "output": "stdout"}

    def build(self):
        """The options dict (a copy)."""
        return copy.deepcopy(self._options)

    def _set(self, **changes):
        self._options.update(changes)
        return self

    def with_max_depth(self, max_depth):
        """Show nodes at most max_depth deep (scope: name depth; op: list length)."""
        return self._set(max_depth=max_depth)

    def with_min_memory(self, min_bytes=0, min_peak_bytes=0, min_residual_bytes=0,
                        min_output_bytes=0):
        """Show only nodes with at least these bytes (totals of their subtree)."""
        return self._set(min_bytes=min_bytes, min_peak_bytes=min_peak_bytes,
                         min_residual_bytes=min_residual_bytes,
                         min_output_bytes=min_output_bytes)

    def with_min_execution_time(self, min_micros=0, min_accelerator_micros=0,
                                min_cpu_micros=0):
        """Show only nodes that ran at least this long (totals of their subtree)."""
        return self._set(min_micros=min_micros,
                         min_accelerator_micros=min_accelerator_micros,
                         min_cpu_micros=min_cpu_micros)

    def with_min_parameters(self, min_params):
        """Show only nodes holding at least min_params parameters themselves."""
        return self._set(min_params=min_params)

    def with_min_occurrence(self, min_occurrence):
        """Show only nodes that ran at least min_occurrence times."""
        return self._set(min_occurrence=min_occurrence)

    def with_min_float_operations(self, min_float_ops):
        """Show only nodes doing at least min_float_ops FLOPs themselves."""
        return self._set(min_float_ops=min_float_ops)

    def with_accounted_types(self, account_type_regexes):
        """Count only nodes one of whose types (op type, device, op_log types such as
        "_trainable_variables") fully matches one of these regexes."""
        return self._set(account_type_regexes=copy.copy(account_type_regexes))

    def with_node_names(self, start_name_regexes=None, show_name_regexes=None,
                        hide_name_regexes=None, trim_name_regexes=None):
        """Select nodes by name (full matches): start the display at nodes matching
        start_name_regexes, show those matching show_ and not hide_name_regexes, and
        look no deeper below those matching trim_name_regexes."""
        for key, value in (("start_name_regexes", start_name_regexes),
                           ("show_name_regexes", show_name_regexes),
                           ("hide_name_regexes", hide_name_regexes),
                           ("trim_name_regexes", trim_name_regexes)):
            if value is not None:
                self._options[key] = copy.copy(value)
        return self

    def account_displayed_op_only(self, is_true):
        """Totals sum only the displayed nodes (True) or every accounted one (False)."""
        return self._set(account_displayed_op_only=is_true)

    def with_empty_output(self):
        """Print nothing; profile() still returns the result."""
        return self._set(output="none")

    def with_stdout_output(self):
        """Print the report to stdout (the default)."""
        return self._set(output="stdout")

    def with_file_output(self, outfile):
        """Write the report to `outfile` instead of stdout."""
        return self._set(output=f"file:outfile={outfile}")

    def with_timeline_output(self, timeline_file):
        """A timeline file (TF); graphc's profile() refuses it (NotImplementedError):
        use RunMetadata.chrome_trace() for a trace of a run."""
        return self._set(output=f"timeline:outfile={timeline_file}")

    def with_pprof_output(self, pprof_file):
        """A pprof file: TF writes it for the "code" view only, which graphc lacks."""
        return self._set(output=f"pprof:outfile={pprof_file}")

    def order_by(self, attribute):
        """Sort siblings by this attribute, largest first ("name": by name)."""
        return self._set(order_by=attribute)

    def select(self, attributes):
        """The attributes each line shows: params, float_ops, micros, bytes,
        peak_bytes, residual_bytes, output_bytes, accelerator_micros, cpu_micros,
        occurrence, device, op_types, input_shapes."""
        return self._set(select=copy.copy(attributes))

    def with_step(self, step):
        """Which Profiler.add_step step to show (-1: the average of all steps)."""
        return self._set(step=step)


class Options:
    """A parsed options dict: the fields TF's tfprof reads, with its defaults."""
    _INTS = ("max_depth", "min_bytes", "min_peak_bytes", "min_residual_bytes",
             "min_output_bytes", "min_micros", "min_accelerator_micros", "min_cpu_micros",
             "min_params", "min_float_ops", "min_occurrence", "step")
    _LISTS = ("account_type_regexes", "start_name_regexes", "trim_name_regexes",
              "show_name_regexes", "hide_name_regexes")

    @classmethod
    def parse(cls, options):
        """Options from a dict, or None after writing TF's complaint about a bad
        "output" to stderr (TF then returns an empty result)."""
        self = cls()
        for key in cls._INTS:
            setattr(self, key, int(options.get(key, 10 if key == "max_depth" else
                                               -1 if key == "step" else 0)))
        self.order_by = options.get("order_by", "name")
        for key in cls._LISTS:
            setattr(self, key, list(options.get(key, [])))
        self.account_displayed_op_only = bool(options.get("account_displayed_op_only",
                                                          False))
        self.select = sorted(set(options.get("select", [])))
        parsed = _parse_output(options.get("output", "stdout"))
        if parsed is None:
            return None
        self.output, self.output_options = parsed
        return self

    def text(self):
        """The "Options" block TF prints above a report."""
        rows = [(f"-{k}", getattr(self, k)) for k in self._INTS]
        rows.append(("-order_by", self.order_by))
        rows += [(f"-{k}", ",".join(getattr(self, k))) for k in self._LISTS]
        rows.append(("-account_displayed_op_only",
                     "true" if self.account_displayed_op_only else "false"))
        rows.append(("-select", ",".join(self.select)))
        kv = ",".join(f"{k}={v}" for k, v in sorted(self.output_options.items()))
        rows.append(("-output", f"{self.output}:{kv}"))
        return "".join(f"{k:<28}{v}\n" for k, v in rows)


def _parse_output(text):
    """(type, {key: value}) of an "output" option such as "file:outfile=x"."""
    if not text:
        return "stdout", {}
    kind, sep, rest = text.partition(":")
    if kind not in _OUTPUTS:
        return _bad(f"E.g. Unknown output type: {kind}, Valid types: "
                    f"{','.join(_OUTPUTS)}\n")
    values = {}
    for item in filter(None, rest.split(",")) if sep else ():
        parts = [p for p in item.split("=") if p]
        if len(parts) < 2:
            return _bad("Visualize format: -output timeline:key=value,key=value,...")
        if kind in ("stdout", "none") or parts[0] != "outfile":
            return _bad(f"Unrecognized options {parts[0]} for output_type: {kind}\n")
        values[parts[0]] = "=".join(parts[1:])
    if kind in ("file", "timeline", "pprof") and "outfile" not in values:
        return _bad(f"Missing required output_options for {kind}\n"
                    f"E.g. -output {kind}:outfile=...\n")
    return kind, values


def _bad(message):
    sys.stderr.write(f"INVALID_ARGUMENT: {message}\n")
    return None
