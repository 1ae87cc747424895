"""The ordered passes: lower, then prune -> fold -> simplify -> stability -> CSE ->
prune -> schedule, then the memory plan. Each pass is verified (when asked) and
reported."""
import time

from .passes.cse import cse
from .passes.fold import FOLD_MAX_BYTES, fold
from .passes.memory import plan_memory
from .passes.prune import prune
from .passes.schedule import schedule
from .passes.simplify import simplify, stabilize
from .program import lower
from .verify import verify

PASSES = (("prune", prune), ("fold", fold), ("simplify", simplify),
          ("stability", stabilize), ("cse", cse), ("dce", prune), ("schedule", schedule))


class Options:
    """Compiler options.

    optimize: run the passes (False: the graph as built, frees after last use only).
    unsafe_math: allow rules that change inf/NaN results (x*0 -> 0, x-x -> 0).
    verify: lint the Program after every pass (tests turn it on).
    fold_max_bytes: the largest constant folding may make.
    inplace: let elementwise kernels write into dead buffers.
    passes: names of the passes to run (default: all, in order).
    """
    __slots__ = ("optimize", "unsafe_math", "verify", "fold_max_bytes", "inplace",
                 "passes")

    def __init__(self, optimize=True, unsafe_math=False, verify=False,
                 fold_max_bytes=FOLD_MAX_BYTES, inplace=True, passes=None):
        self.optimize = optimize
        self.unsafe_math = unsafe_math
        self.verify = verify
        self.fold_max_bytes = fold_max_bytes
        self.inplace = inplace
        self.passes = passes

    def key(self):
        return (self.optimize, self.unsafe_math, self.verify, self.fold_max_bytes,
                self.inplace, self.passes)


def as_options(options=None, **kw):
    if options is None:
        return Options(**kw)
    if isinstance(options, Options):
        return options
    if isinstance(options, bool):
        return Options(optimize=options, **kw)
    if isinstance(options, dict):
        return Options(**options)
    raise TypeError(f"compiler options must be an Options, a dict or a bool, "
                    f"not {type(options).__name__}")


def compile_program(fetches, targets, feeds, options):
    """(Program, Plan, [Changes], records lowered) for one (fetches, targets, feeds)."""
    t0 = time.perf_counter()
    program = lower(fetches, targets, feeds)
    lowered = len(program.nodes)
    log = []
    if options.verify:
        verify(program, "lower")
    if options.optimize:
        for name, fn in PASSES:
            if options.passes is not None and name not in options.passes:
                continue
            t = time.perf_counter()
            program, ch = fn(program, options)
            ch.name = name
            ch.extra["seconds"] = time.perf_counter() - t
            log.append(ch)
            if options.verify:
                verify(program, name)
    plan, ch = plan_memory(program, options, inplace=options.optimize and options.inplace)
    ch.extra["seconds"] = time.perf_counter() - t0
    log.append(ch)
    return program, plan, log, lowered
