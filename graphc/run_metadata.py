"""TF1's RunOptions and RunMetadata: `sess.run(..., options=RunOptions(trace_level=
FULL_TRACE), run_metadata=meta)` times every kernel of that run and records it in
`meta.step_stats`, with TF1's field names (dev_stats[0].node_stats[i].node_name,
all_start_micros, all_end_rel_micros, timeline_label); `meta.chrome_trace()` gives the
JSON that chrome://tracing and Perfetto open (TF1's timeline.Timeline does the same).

`RunOptions(timeout_in_ms=...)` (or ConfigProto's operation_timeout_in_ms) gives the run
a deadline: a blocking op (a queue's enqueue/dequeue, an accumulator's take) still
waiting then fails with DeadlineExceededError, as in TF1."""
import json
import threading
import time

from . import errors
from .io.wire import LEN, VARINT, Message, _bytes, _int, _parse, _string, _utf8

_RUN = threading.local()        # .deadline: time.monotonic() by which this run must end


class RunOptions:
    """Options for one Session.run (TF1): trace_level and timeout_in_ms (the deadline
    of the run's blocking ops; 0: the Session's operation_timeout_in_ms, or none)."""
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3
    __slots__ = ("trace_level", "timeout_in_ms", "output_partition_graphs")

    def __init__(self, trace_level=0, timeout_in_ms=0, output_partition_graphs=False):
        self.trace_level = trace_level
        self.timeout_in_ms = timeout_in_ms
        self.output_partition_graphs = output_partition_graphs


# ---- the messages, in TF's wire format (step_stats.proto, config.proto) ------------------
_INT = ((VARINT,), int)


class NodeExecStats:
    """One kernel call of a traced run (microseconds, as TF1's NodeExecStats)."""
    __slots__ = ("node_name", "timeline_label", "all_start_micros", "op_start_rel_micros",
                 "op_end_rel_micros", "all_end_rel_micros")

    def __init__(self, node_name="", op_type="", start_us=0, duration_us=0):
        self.node_name = node_name
        self.timeline_label = f"{node_name} = {op_type}()" if op_type else ""
        self.all_start_micros = start_us
        self.op_start_rel_micros = 0
        self.op_end_rel_micros = self.all_end_rel_micros = duration_us

    def SerializeToString(self):
        return (_string(1, self.node_name) + _int(2, self.all_start_micros)
                + _int(3, self.op_start_rel_micros) + _int(4, self.op_end_rel_micros)
                + _int(5, self.all_end_rel_micros) + _string(8, self.timeline_label))

    @classmethod
    def FromString(cls, data):
        m = cls()
        _parse(m, data, {1: ("node_name", (LEN,), _utf8), 2: ("all_start_micros",) + _INT,
                         3: ("op_start_rel_micros",) + _INT,
                         4: ("op_end_rel_micros",) + _INT, 5: ("all_end_rel_micros",) + _INT,
                         8: ("timeline_label", (LEN,), _utf8)})
        return m


class DeviceStepStats:
    __slots__ = ("device", "node_stats")

    def __init__(self, device="", node_stats=()):
        self.device, self.node_stats = device, list(node_stats)

    def SerializeToString(self):
        return _string(1, self.device) + b"".join(
            _bytes(2, s.SerializeToString()) for s in self.node_stats)

    @classmethod
    def FromString(cls, data):
        m = cls()
        _parse(m, data, {1: ("device", (LEN,), _utf8),
                         2: ("node_stats", (LEN,), lambda b: [NodeExecStats.FromString(b)])})
        return m


class StepStats:
    __slots__ = ("dev_stats",)

    def __init__(self, dev_stats=()):
        self.dev_stats = list(dev_stats)

    def SerializeToString(self):
        return b"".join(_bytes(1, d.SerializeToString()) for d in self.dev_stats)

    @classmethod
    def FromString(cls, data):
        m = cls()
        _parse(m, data, {1: ("dev_stats", (LEN,), lambda b: [DeviceStepStats.FromString(b)])})
        return m


class RunMetadata(Message):
    """What a traced Session.run records (TF1): step_stats, one DeviceStepStats for the
    CPU with a NodeExecStats per kernel call, in the order they ran."""

    def __init__(self):
        self.step_stats = StepStats()

    def _record(self, records):
        """records: (node, start ns, end ns) per kernel call (Executable.traced_run)."""
        stats = [NodeExecStats(node.name, node.type, start // 1000,
                               max(1, (end - start) // 1000)) for node, start, end in records]
        self.step_stats = StepStats([DeviceStepStats("/job:localhost/replica:0/task:0/"
                                                     "device:CPU:0", stats)])

    def HasField(self, name):
        """Whether a traced run set `name` (protobuf's; only step_stats can be set)."""
        if name not in ("step_stats", "cost_graph", "function_graphs", "session_metadata"):
            raise ValueError(f'Protocol message RunMetadata has no "{name}" field.')
        return name == "step_stats" and bool(self.step_stats.dev_stats)

    def SerializeToString(self):
        """TF's RunMetadata bytes (its step_stats; FileWriter.add_run_metadata)."""
        return _bytes(1, self.step_stats.SerializeToString())

    def ParseFromString(self, data):
        self.step_stats = StepStats()
        _parse(self, data, {1: ("step_stats", (LEN,), StepStats.FromString)})
        return len(data)

    def chrome_trace(self):
        """The run as Chrome trace-event JSON (one complete event per kernel call)."""
        events = [{"name": s.timeline_label.split(" = ")[1][:-2], "ph": "X", "pid": 0,
                   "tid": 0, "ts": s.all_start_micros, "dur": s.all_end_rel_micros,
                   "args": {"name": s.node_name}}
                  for d in self.step_stats.dev_stats for s in d.node_stats]
        return json.dumps({"traceEvents": events})


def timed(records):
    """A wrapper that makes a kernel append (node, start ns, end ns) to records."""
    clock = time.perf_counter_ns

    def wrap(kernel, node):
        def run(*args, **kw):
            start = clock()
            out = kernel(*args, **kw)
            records.append((node, start, clock()))
            return out
        return run
    return wrap


def run_with_deadline(timeout_ms, fn, *args):
    """fn(*args) with blocking ops failing after `timeout_ms` milliseconds."""
    old = getattr(_RUN, "deadline", None)
    _RUN.deadline = time.monotonic() + timeout_ms / 1000
    try:
        return fn(*args)
    finally:
        _RUN.deadline = old


def wait(cond):
    """cond.wait() (the caller holds `cond`), up to the running Session.run's deadline:
    past it, DeadlineExceededError as TF1's."""
    deadline = getattr(_RUN, "deadline", None)
    if deadline is None:
        cond.wait()
        return
    left = deadline - time.monotonic()
    if left <= 0 or (not cond.wait(left) and time.monotonic() >= deadline):
        raise errors.DeadlineExceededError("Timed out waiting for notification")
