"""The ordered passes: lower (and specialize, for feeds of known run-time shapes), then
prune -> fold -> simplify -> stability -> CSE -> narrow -> prune -> fuse -> schedule, then the
memory plan. Each pass is verified (when asked) and reported."""
import contextlib
import gc
import time

from .passes import Changes
from .passes.cse import cse
from .passes.fold import FOLD_MAX_BYTES, fold
from .passes.fuse import FUSE_CHUNK_BYTES, fuse
from .passes.memory import plan_memory
from .passes.narrow import narrow
from .passes.prune import prune
from .passes.schedule import schedule
from .passes.simplify import simplify, stabilize
from .passes.specialize import specialize
from .program import lower
from .verify import verify

PASSES = (("prune", prune), ("fold", fold), ("simplify", simplify),
          ("stability", stabilize), ("cse", cse), ("narrow", narrow), ("dce", prune),
          ("fuse", fuse), ("schedule", schedule))


class Options:
    """Compiler options.

    optimize: run the passes (False: the graph as built, frees after last use only).
    unsafe_math: allow rules that change inf/NaN results (x*0 -> 0, x-x -> 0).
    verify: lint the Program after every pass (tests turn it on).
    fold_max_bytes: the largest constant folding may make.
    inplace: let elementwise kernels write into dead buffers.
    fuse_chunk_bytes: the chunk size of fused elementwise groups (only arrays of at
        least two chunks are fused).
    threads: how many threads run the chunks of a fused group (TF1's
        intra_op_parallelism_threads; default: the CPUs this process may use).
    passes: names of the passes to run (default: all, in order).
    specialize: when feeds have unknown dims, Session.run and make_callable compile a
        plan for the feed shapes each run has (up to MAX_SPECIALIZED of them; after
        that, one general plan; passes/specialize.py). gc.compile and Session.compile
        do not: the plan their report shows is the one that runs.
    check_numerics: every float output of every step is checked for inf and NaN when it
        is made; the first one raises InvalidArgumentError naming the op, where it was
        created and its inputs (no fusion then, so each op is checked on its own). None:
        what gc.debugging.enable_check_numerics() last set (off unless called).
    """
    __slots__ = ("optimize", "unsafe_math", "verify", "fold_max_bytes", "inplace",
                 "fuse_chunk_bytes", "threads", "passes", "specialize", "check_numerics")

    def __init__(self, optimize=True, unsafe_math=False, verify=False,
                 fold_max_bytes=FOLD_MAX_BYTES, inplace=True,
                 fuse_chunk_bytes=FUSE_CHUNK_BYTES, threads=None, passes=None,
                 specialize=True, check_numerics=None):
        self.optimize = optimize
        self.unsafe_math = unsafe_math
        self.verify = verify
        self.fold_max_bytes = fold_max_bytes
        self.inplace = inplace
        self.fuse_chunk_bytes = fuse_chunk_bytes
        self.threads = threads
        self.passes = passes
        self.specialize = specialize
        self.check_numerics = check_numerics

    def replace(self, **changes):
        """A copy with some options changed."""
        opts = {k: getattr(self, k) for k in self.__slots__}
        opts.update(changes)
        return Options(**opts)

    def key(self):
        return (self.optimize, self.unsafe_math, self.verify, self.fold_max_bytes,
                self.inplace, self.fuse_chunk_bytes, self.threads,
                self.passes, self.specialize, self.checks_numerics())

    def checks_numerics(self):
        """check_numerics, or gc.debugging's switch where it is None."""
        if self.check_numerics is None:
            return CHECK_NUMERICS[0]
        return bool(self.check_numerics)


CHECK_NUMERICS = [False]    # gc.debugging.enable_check_numerics's switch (TF's is global)


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


@contextlib.contextmanager
def no_cyclic_gc():
    """Python's cyclic collector paused: a compile makes objects by the hundred thousand
    and keeps them, and each full collection would scan the whole graph (half the compile
    time of a 100k-node chain). Nothing it makes is garbage in a cycle for long; a
    collection after the compile finds what there is."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def compile_program(fetches, targets, feeds, options, shapes=None):
    """(Program, Plan, [Changes], records lowered) for one (fetches, targets, feeds);
    with `shapes` (one per feed), for feeds of those run-time shapes."""
    t0 = time.perf_counter()
    program = lower(fetches, targets, feeds)
    lower_seconds = time.perf_counter() - t0
    lowered = len(program.nodes)
    log = []
    if options.verify:
        verify(program, "lower")
    if shapes is not None:
        program, ch = specialize(program, shapes)
        log.append(ch)
        if options.verify:
            verify(program, "specialize")
    if options.optimize:
        pruned = None                       # the Program the last prune returned
        for name, fn in PASSES:
            if options.passes is not None and name not in options.passes:
                continue
            if fn is fuse and options.checks_numerics():
                continue                    # each op's outputs are checked on their own
            t = time.perf_counter()
            if fn is prune and program is pruned:   # nothing changed since: nothing to do
                ch = Changes(name, len(program.nodes))
            else:
                program, ch = fn(program, options)
            if fn is prune:
                pruned = program
            ch.name = name
            ch.extra["seconds"] = time.perf_counter() - t
            log.append(ch)
            if options.verify:
                verify(program, name)
    t = time.perf_counter()
    plan, ch = plan_memory(program, options, inplace=options.optimize and options.inplace)
    ch.extra["seconds"] = time.perf_counter() - t
    ch.extra["lower seconds"] = lower_seconds
    log.append(ch)
    return program, plan, log, lowered
