"""fuse: loop fusion with tiling for chains of elementwise records over large arrays.

Unfused, each elementwise op streams its whole input and output through memory; on
arrays larger than the cache a chain of ten ops is bound by memory traffic, not
arithmetic. A fused group runs its records chunk by chunk instead: each chunk of the
inputs goes through every record while it is in cache (each record writing into a
chunk-sized scratch buffer, in place where its input dies), and only the last record
writes to memory, straight into the output.

A group is a root record and the records feeding it whose outputs nobody else uses (no
other record, no fetch). Members are pure elementwise records with `kernel_out`, one
output, no control inputs, the root's static shape, and inputs that have the root's
static shape, one element, the root's last dims (a bias, perhaps with leading 1s: each
chunk is then whole rows of the output, and the bias broadcasts over them) or its
leading dims and 1 (a column, as the mean and scale of a layer norm: each chunk is
whole rows, with their values). Groups whose static size is known to be under two chunks (chunk = options.fuse_chunk_bytes / the widest itemsize)
are left alone: the plan's generated code dispatches small kernels faster. A group of
one is made only when its static size is known (and so at least two chunks): it gains
nothing from cache, but its chunks run on all threads (numpy's own loops use one).

At run time the Fused kernel checks what static shapes cannot promise (every input has
the output's shape, one element, its last dims or its leading dims and 1; all are
C-contiguous) and runs the
chunks, in parallel spans on `threads` threads; an array under a chunk is one chunk.
Otherwise, and for arrays under SMALL_ELEMENTS (or a chunk), it runs the members one
after another on whole arrays, as unfused.
"""
import contextvars
import functools
import math
import os
import threading

import numpy as np

from ... import errors
from ...ops.registry import InferContext, OpDef
from ..executable import explain
from .. import program as P
from . import Changes

FUSE_CHUNK_BYTES = 1 << 20      # 1 MiB per chunk buffer: a few stay in a 2 MiB L2 cache
SMALL_ELEMENTS = 1 << 17        # below: the chunk loop's set-up costs more than it saves
_POOL = {}                      # the worker threads of fused kernels, made on first use
_POOL_LOCK = threading.Lock()


def _pool(workers):
    """A thread pool with at least `workers` threads, shared by all fused kernels (as
    BLAS shares its threads; numpy releases the GIL inside its loops, so chunks run in
    parallel). A forked child gets a pool of its own: the parent's threads are not in it."""
    with _POOL_LOCK:
        pid = os.getpid()
        if _POOL.get("pid") != pid or _POOL["workers"] < workers:
            old = _POOL.get("pool") if _POOL.get("pid") == pid else None
            if old is not None:
                old.shutdown(wait=False)
            from concurrent.futures import ThreadPoolExecutor   # (on first use)
            _POOL.update(pid=pid, workers=workers,
                         pool=ThreadPoolExecutor(workers, "graphc-fused"))
        return _POOL["pool"]


class Body:
    """The members of one group as a straight-line program over a value list that starts
    with the group's inputs: step j computes value len(inputs) + j from `args` (indices
    into that list) and writes into scratch buffer `dst` (-1: the output chunk)."""
    __slots__ = ("members", "steps", "whole", "fast", "scratch", "chunk", "small", "dtype",
                 "threads")

    def __init__(self, members, inputs, chunk, threads=1):
        index = {t: k for k, t in enumerate(inputs)}
        for j, m in enumerate(members):
            index[m.outputs[0]] = len(inputs) + j
        last = {}
        for j, m in enumerate(members):
            for t in m.inputs:
                last[index[t]] = j
        self.members = tuple(members)
        self.dtype = members[-1].outputs[0].dtype.np
        self.chunk = chunk
        self.small = min(chunk, SMALL_ELEMENTS)     # below: whole arrays, one call each
        self.threads = max(1, threads)
        self.scratch = []               # dtype of each scratch buffer
        holder = {}                     # value index -> scratch buffer it lives in
        free = []                       # scratch buffers whose value died
        steps, whole = [], []
        for j, m in enumerate(members):
            args = tuple(index[t] for t in m.inputs)
            dt = m.outputs[0].dtype.np
            dst = -1
            if j < len(members) - 1:
                dst = next((holder[a] for a in args if a in holder and last[a] == j
                            and self.scratch[holder[a]] == dt), None)
                if dst is None:
                    dst = next((b for b in free if self.scratch[b] == dt), None)
                    if dst is None:
                        dst = len(self.scratch)
                        self.scratch.append(dt)
                    else:
                        free.remove(dst)
                holder[len(inputs) + j] = dst
            for a in set(args):
                b = holder.get(a)
                if last[a] == j and b is not None and b != dst:
                    free.append(b)
            attrs = dict(m.attrs) if m.attrs else {}
            steps.append((functools.partial(m.op.kernel_out, **attrs), args, dst))
            whole.append((functools.partial(m.op.kernel, **attrs), args))
        self.steps = tuple(steps)
        self.whole = tuple(whole)
        self.fast = self._generate(len(inputs))

    def _generate(self, n_inputs):
        """run_whole as one generated function, one line per member: for small arrays
        (the chunk loop's set-up would cost more than the kernels) and for inputs that
        need broadcasting."""
        ns = {}
        ins = [f"v{k}" for k in range(n_inputs)]
        lines = [f"def whole({', '.join(ins)}, out=None):"]
        last = len(self.whole) - 1
        for j, (fn, args) in enumerate(self.whole):
            ns[f"k{j}"] = fn
            call = ", ".join(f"v{a}" for a in args)
            if j < last:
                lines.append(f"    v{n_inputs + j} = k{j}({call})")
        ns["o"] = self.steps[last][0]
        lines.append(f"    return k{last}({call}) if out is None else o({call}, out=out)")
        exec(compile("\n".join(lines), "<graphc fused group>", "exec"), ns)
        return ns["whole"]

    def run(self, inputs, out=None):
        if max(a.size for a in inputs) < self.small:
            return self.run_small(inputs, out)
        shape = max((a.shape for a in inputs), key=math.prod)
        n = math.prod(shape)
        # each input is cut into chunks of whole rows (the output's shape, or a column:
        # the output's leading dims and 1, one value per row), or is the same for every
        # chunk: one element, or a row of the output's last dims (a bias) repeated along
        # the rows; anything else (broadcasting along other dims) runs whole arrays
        width, column = 1, False
        for a in inputs:
            if a.shape == shape or a.size == 1:
                continue
            core = _core(a.shape)
            if 0 < len(core) < len(shape) and core == shape[-len(core):] and width in (1, a.size):
                width = a.size
            elif a.ndim == len(shape) >= 2 and a.shape[-1] == 1 and a.shape[:-1] == shape[:-1]:
                column = True
            else:
                return self.run_small(inputs, out)
        if column:                      # rows are the last dim: a bias may span only it
            if width not in (1, shape[-1]):
                return self.run_small(inputs, out)
            width = shape[-1]
        flat = []
        for a in inputs:
            if not a.flags.c_contiguous:
                return self.run_small(inputs, out)
            if a.shape == shape:
                flat.append((a.reshape(-1, width) if width > 1 else a.reshape(-1), True))
            elif a.size == 1:
                flat.append((a.reshape(()), False))
            elif len(_core(a.shape)) == len(shape):     # a column: one value per row
                flat.append((a.reshape(-1, 1), True))
            else:
                flat.append((a.reshape(width), False))
        # the output chunk can hold the chain's first scratch buffer unless it may share
        # memory with an input (an in-place write the memory plan chose)
        if out is None:
            out, share = np.empty(shape, self.dtype), True
        else:
            if not out.flags.c_contiguous:
                return self.run_small(inputs, out)
            share = not any(np.may_share_memory(out, a) for a in inputs)
        o = out.reshape(-1, width) if width > 1 else out.reshape(-1)
        rows = len(o)
        c = max(1, min(self.chunk, n) // width)
        chunks = -(-rows // c)
        parts = min(self.threads, chunks)
        share = share and bool(self.scratch) and self.scratch[0] == self.dtype
        if parts == 1:
            self.run_span(flat, o, 0, rows, c, share)
            return out
        # contiguous spans of whole chunks, one per thread; this thread runs the first
        cuts = [chunks * i // parts * c for i in range(parts)] + [rows]
        pool = _pool(parts - 1)
        # each worker runs in a copy of this thread's context: numpy's errstate with it
        rest = [pool.submit(contextvars.copy_context().run, self.run_span, flat, o, lo, hi,
                            c, share) for lo, hi in zip(cuts[1:-1], cuts[2:])]
        try:
            self.run_span(flat, o, cuts[0], cuts[1], c, share)
        finally:
            for f in rest:
                f.result()
        return out

    def run_span(self, flat, o, lo, hi, c, share):
        """Rows [lo, hi) of the output (elements, when o is 1-D), in chunks of c rows;
        with `share`, scratch buffer 0 is the output chunk itself."""
        bufs = [np.empty((c,) + o.shape[1:], dt) for dt in self.scratch[share:]]
        steps = self.steps
        for s in range(lo, hi, c):
            e = min(s + c, hi)
            vals = [a[s:e] if cut else a for a, cut in flat]
            oc = o[s:e]
            sc = bufs if e - s == c else [b[:e - s] for b in bufs]
            if share:
                sc = [oc] + sc
            for j, (fn, args, dst) in enumerate(steps):
                try:
                    vals.append(fn(*[vals[a] for a in args], out=oc if dst < 0 else sc[dst]))
                except Exception as exc:
                    self.fail(j, [vals[a] for a in args], exc, " (on a chunk)")

    def run_small(self, inputs, out=None):
        try:
            return self.fast(*inputs, out=out)
        except Exception:
            return self.run_whole(inputs, out)      # again, member by member: it names
                                                    # the record that fails

    def run_whole(self, inputs, out=None):
        vals = list(inputs)
        last = len(self.whole) - 1
        for j, (fn, args) in enumerate(self.whole):
            try:
                if j == last and out is not None:
                    return self.steps[j][0](*[vals[a] for a in args], out=out)
                vals.append(fn(*[vals[a] for a in args]))
            except Exception as exc:
                self.fail(j, [vals[a] for a in args], exc)
        return vals[-1]

    def fail(self, j, values, exc, where=""):
        """Re-raise `exc` of member j as the ExecutionError naming that member."""
        msg = explain(self.members[j], values, exc)
        raise errors.ExecutionError(f"{msg}\n  (in a group of {len(self.members)} "
                                    f"elementwise records the compiler fused{where})") from exc

    def __repr__(self):
        return f"<{len(self.members)} records: {', '.join(m.type for m in self.members)}>"


def _infer(ctx, *inputs, body):
    """The root's type; each member's infer re-run on its own inputs' types."""
    for m in body.members:
        out = m.op.infer(InferContext(m.graph, m.inputs), *m.inputs, **m.attrs)
    return out


FUSED = OpDef("Fused", _infer, lambda *xs, body: body.run(xs), elementwise=True,
              kernel_out=lambda *xs, out, body: body.run(xs, out),
              differentiable=False, doc="elementwise records run chunk by chunk")


def default_threads():
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _fusible(node):
    op = node.op
    return (op.elementwise and op.kernel_out is not None and op.pure and not op.uses_state
            and not op.ref and len(node.outputs) == 1 and not node.control_inputs)


def _conforms(t, dims):
    """t has the root's shape, one element, the root's last dims (a bias, repeated along
    the rows, all known), or its leading dims and 1 (a column, repeated along each row).
    (The kernel checks again at run time, where unknown dims are known.)"""
    d = t.shape._dims
    if d == dims or t.shape.num_elements() == 1:
        return True
    if d is None or len(d) > len(dims):
        return False
    core = _core(d)
    if 0 < len(core) < len(dims):
        return t.shape.is_fully_defined() and tuple(dims[-len(core):]) == tuple(core)
    return len(d) == len(dims) >= 2 and d[-1] == 1 != dims[-1] and d[:-1] == dims[:-1]


def _core(dims):
    """dims without their leading 1s (a (1, 40) row is a bias of 40)."""
    k = 0
    while k < len(dims) and dims[k] == 1:
        k += 1
    return dims[k:]


def _root(node, chunk_bytes):
    """node may end a group: its size not known to be under two chunks, fusible, and
    its inputs conform."""
    if len(node.outputs) != 1:
        return False
    out = node.outputs[0]
    n = out.shape.num_elements()
    if n is not None and n < 2 * max(1, chunk_bytes // out.dtype.np.itemsize):
        return False
    dims = out.shape._dims
    return (dims is not None and _fusible(node)
            and all(_conforms(t, dims) for t in node.inputs))


def fuse(program, options=None):
    chunk_bytes = getattr(options, "fuse_chunk_bytes", FUSE_CHUNK_BYTES)
    threads = getattr(options, "threads", None) or default_threads()
    ch = Changes("fuse", len(program.nodes))
    roots = [n for n in reversed(program.nodes) if _root(n, chunk_bytes)]
    if not roots:
        return program, ch
    uses = program.consumers()
    outside = set(program.fetches) | set(program.feeds)     # values members cannot make
    ordered = set(program.targets)          # records others wait for: they stay records
    for n in program.nodes:
        ordered.update(n.control_inputs)
    pos = {n: i for i, n in enumerate(program.nodes)}
    taken = set()
    groups = {}                                 # root -> members in program order
    for root in roots:
        if root in taken:
            continue
        dims = root.outputs[0].shape._dims
        members = {root}
        inside = {}                             # Tensor -> uses by members
        work = [root]
        while work:
            m = work.pop()
            for t in m.inputs:
                inside[t] = inside.get(t, 0) + 1
                p = t.node
                if (p in members or p in taken or p not in pos or t in outside or p in ordered
                        or inside[t] != uses.get(t) or not _fusible(p)
                        or t.shape._dims != dims
                        or not all(_conforms(x, dims) for x in p.inputs)):
                    continue
                members.add(p)
                work.append(p)
        if len(members) > 1 or root.outputs[0].shape.num_elements() is not None:
            taken.update(members)
            groups[root] = sorted(members, key=pos.get)
    if not groups:
        return program, ch
    rw = P.Rewriter()
    for node in program.nodes:
        if node in taken and node not in groups:
            continue
        members = groups.get(node)
        if members is None:
            rw.keep(node)
            continue
        made = {m.outputs[0] for m in members}
        inputs = list(dict.fromkeys(t for m in members for t in m.inputs if t not in made))
        chunk = max(1, chunk_bytes // max(m.outputs[0].dtype.np.itemsize for m in members))
        body = Body(members, inputs, chunk, threads)
        out = node.outputs[0]
        new = P.make_node(FUSED, [rw.value(t) for t in inputs], {"body": body},
                          [(out.shape, out.dtype)], node)
        rw.replace(node, new)
        rw.nodes.append(new)
        ch.add("fused groups", repr(body))
        ch.add("records fused", n=len(members))
    program = rw.program(program)
    ch.after = len(program.nodes)
    return program, ch
