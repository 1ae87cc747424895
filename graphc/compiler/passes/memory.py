"""memory planning: value slots, frees after last use, buffer reuse and in-place writes.

Each value gets a slot; a slot is cleared right after the last use of its value. A
record whose OpDef has `kernel_out` (an elementwise numpy ufunc: it returns a new array,
and can write into `out=`) may instead write into
  - a dead input's buffer (in place), when that input has the output's shape and dtype
    at run time, or
  - a buffer of the same shape and dtype that died a few steps before (reuse).
Only buffers the plan owns are overwritten: arrays made by such kernels. Feeds, fetched
values, constants and variable values never are, within a run. A record without
`kernel_out` might return a view of an input (reshape, identity, broadcast_to...), so its
output is taken to alias its inputs' buffers: those stay unwritten while it lives.

Across runs, a buffer of static size (at least RECYCLE_MIN_BYTES) made by such a kernel
that ends up fetched is `recycle`d: the next run makes it in the array the previous run
returned, when the caller has let go of that array (no reference, view or earlier result
holds it; the executable checks the reference count). A fresh allocation that big costs
a page fault per 4 KiB on first touch: a 16-layer MLP's 64 MiB of weight gradients cost
~16k faults a step.
"""
import collections

from ...ops.registry import same_shape_as_output
from ...ops.core import CONST
from .. import program as P
from . import Changes
from .schedule import nbytes

INPLACE_MIN_ELEMENTS = 1024     # below this, out= costs more than a fresh allocation
RECYCLE_MIN_BYTES = 1 << 17     # below this, malloc reuses freed memory without faults
REUSE_WINDOW = 8                # a dead buffer waits at most this many steps for reuse
NEVER = float("inf")


class Step:
    """One kernel call: outs are slots (one int, or a tuple for several outputs);
    `into` is the slot whose buffer the kernel writes with out= (or None); `frees`
    the slots cleared after it; `recycle`: its (fetched) output may be written into
    the array the previous run returned."""
    __slots__ = ("node", "ins", "outs", "into", "frees", "recycle")

    def __init__(self, node, ins, outs, into=None):
        self.node = node
        self.ins = ins
        self.outs = outs
        self.into = into
        self.frees = ()
        self.recycle = False


class Plan:
    """The memory plan of one Program: steps in order, slots of feeds and fetches,
    constants preloaded into slots, and the planned peak of intermediate bytes."""
    __slots__ = ("steps", "feed_slots", "fetch_slots", "consts", "n_slots", "peak_bytes",
                 "inplace", "reused")


def _owned_output(node):
    """The record's output is a new array the plan may later overwrite."""
    if node.op.kernel_out is None or len(node.outputs) != 1:
        return False
    r = node.outputs[0].shape.rank
    return r is not None and r >= 1


def _same_runtime_shape(node, k):
    """Input k of an elementwise record surely has the output's shape and dtype."""
    return node.inputs[k].dtype is node.outputs[0].dtype and same_shape_as_output(node, k)


def plan_memory(program, options=None, inplace=True):
    """The Plan of `program` (its records already in execution order)."""
    ch = Changes("memory", len(program.nodes))
    nodes = program.nodes
    fetched = set(program.fetches)
    last = {}
    for i, n in enumerate(nodes):
        for t in n.inputs:
            last[t] = i
    for t in fetched:
        last[t] = NEVER

    slot = {}
    n_slots = 0
    for t in program.feeds:
        if t not in slot:
            slot[t] = n_slots
            n_slots += 1
    feed_slots = [slot[t] for t in program.feeds]
    fedset = set(program.feeds)

    buf = {}            # owned Tensor -> buffer id (its slot)
    roots = {}          # Tensor -> tuple of buffer ids it may alias
    buf_last = {}       # buffer id -> last step any alias of it is used
    buf_key = {}        # buffer id -> (shape dims, dtype) when fully known
    pool = {}           # (dims, dtype) -> [(died at, buffer id)]
    holder_last = {}    # slot -> last use of the last value it holds (made: if unused)
    died_at = {}        # buffer id -> step it died
    consts = []
    steps = []
    n_inplace = n_reused = 0

    for i, node in enumerate(nodes):
        op = node.op
        inputs = node.inputs
        outputs = node.outputs
        if op is CONST:
            t = outputs[0]
            slot[t] = n_slots
            consts.append((n_slots, P.const_array(t)))
            n_slots += 1
            steps.append(None)
            continue
        ins = tuple(map(slot.__getitem__, inputs))
        into = out_buf = None
        owns = _owned_output(node)
        owned = False
        if inplace and owns:
            n = outputs[0].shape.num_elements()
            owned = n is None or n >= INPLACE_MIN_ELEMENTS     # big enough to write into
        if owned:
            out = outputs[0]
            for k, x in enumerate(inputs):
                b = buf.get(x)
                if (b is not None and roots[x] == (b,) and buf_last[b] == i
                        and last.get(x) == i and _same_runtime_shape(node, k)):
                    into = out_buf = b
                    n_inplace += 1
                    break
            if into is None and out.shape.is_fully_defined():
                key = (out.shape._dims, out.dtype)
                cands = pool.get(key)
                while cands and cands[0][0] < i - REUSE_WINDOW:
                    cands.popleft()
                if cands:
                    _, b = cands.pop()
                    died_at.pop(b, None)
                    into = out_buf = b
                    n_reused += 1
        outs = []
        for t in outputs:
            if t in fedset:                 # fed, yet its record runs for another output
                holder_last[n_slots] = i
                outs.append(n_slots)
                n_slots += 1
                continue
            if out_buf is not None:
                s = out_buf
            else:
                s = n_slots
                n_slots += 1
            slot[t] = s
            outs.append(s)
            # a later value in this slot (an in-place write) is used later still
            holder_last[s] = last.get(t, i)
            if not inplace:
                continue                    # nothing is ever overwritten: nothing to track
            if owned:                       # (big enough to be written into or reused)
                buf[t] = s
                roots[t] = (s,)
                buf_last[s] = last.get(t, i)
                if t.shape.is_fully_defined():
                    buf_key[s] = (t.shape._dims, t.dtype)
            elif not owns:                  # a view, perhaps: it keeps its inputs' buffers
                r = set()
                for x in inputs:
                    rx = roots.get(x)
                    if rx:
                        r.update(rx)
                if not r:
                    continue
                roots[t] = tuple(r)
                lt = last.get(t, i)
                for b in r:
                    if lt > buf_last[b]:
                        buf_last[b] = lt
        steps.append(Step(node, ins, outs[0] if len(outs) == 1 else tuple(outs), into))
        if not inplace:
            continue
        # buffers whose every alias is now dead wait in the pool for a few steps
        for x in inputs:
            rx = roots.get(x)
            if not rx:
                continue
            for b in rx:
                if buf_last.get(b) == i and b not in died_at:
                    died_at[b] = i
                    key = buf_key.get(b)
                    if key is not None:
                        q = pool.get(key)
                        if q is None:
                            q = pool[key] = collections.deque()
                        q.append((i, b))

    # frees: each slot is cleared after the last use of the last value it holds
    keep = set(feed_slots) | {slot[t] for t in fetched}
    frees = {}
    for s, i in holder_last.items():
        if s in keep or i == NEVER:
            continue
        f = frees.get(i)
        if f is None:
            frees[i] = [s]
        else:
            f.append(s)
    if inplace:
        _mark_recycled(steps, {slot[t] for t in fetched if t not in fedset})
    real = []
    for i, st in enumerate(steps):
        if st is None:
            continue
        fr = frees.get(i)
        if fr:
            st.frees = tuple(fr)            # (constants, feeds and fetches never)
        real.append(st)

    plan = Plan()
    plan.steps = real
    plan.feed_slots = feed_slots
    plan.fetch_slots = [slot[t] for t in program.fetches]
    plan.consts = consts
    plan.n_slots = n_slots
    plan.inplace = n_inplace
    plan.reused = n_reused
    plan.peak_bytes = _peak(real, slot)
    if n_inplace:
        ch.add("in-place writes", n=n_inplace)
    if n_reused:
        ch.add("buffers reused", n=n_reused)
    ch.extra["peak bytes"] = plan.peak_bytes
    return plan, ch


def _mark_recycled(steps, fetch_slots):
    """Steps that make (not into= another) a buffer of static size that ends up fetched."""
    for st in steps:
        if (st is not None and st.into is None and st.outs in fetch_slots
                and _owned_output(st.node) and nbytes(st.node.outputs[0]) >= RECYCLE_MIN_BYTES):
            st.recycle = True


def _peak(steps, slot):
    """Peak bytes of live slots made by the plan's kernels (in-place writes and reuses
    allocate nothing)."""
    live = peak = 0
    size = {}
    for st in steps:
        if st.into is None and not st.node.op.ref:     # (not P.is_state_read)
            for t in st.node.outputs:
                n = t.shape.num_elements()
                if n:
                    s = slot[t]
                    b = n * t.dtype.size
                    live += b - size.get(s, 0)
                    size[s] = b
        if live > peak:
            peak = live
        for s in st.frees:
            live -= size.pop(s, 0)
    return peak
