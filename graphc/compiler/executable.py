"""Executable: a flat plan of kernel calls over value slots, built once, run many times.

Running it does no graph work: no name lookups, no shape inference, only kernel calls.
Plans up to CODEGEN_MAX steps become one generated Python function (each value a
local variable, each step one line: the cheapest dispatch CPython offers); longer ones
run in a loop over a list of steps. Each slot is cleared right after its last use.
"""
import functools
import sys

import numpy as np

from .. import errors
from ..ops.random import fresh_entropy
from .program import PNode, src_of

CODEGEN_MAX = 4000


class Runtime:
    """What a stateful kernel sees: the session whose state it reads, its node (the
    user's, which keys its state) and the record that runs (a compiler's copy may have
    other inputs and outputs: a narrowed Loop)."""
    __slots__ = ("session", "node", "record")

    def __init__(self, session, node, record=None):
        self.session = session
        self.node = node
        self.record = node if record is None else record

    def rng(self):
        """This node's random generator in this session (made on first use)."""
        rngs = self.session._rngs
        gen = rngs.get(self.node)
        if gen is None:
            seed = self.node.attrs.get("seed")
            gen = np.random.default_rng(fresh_entropy() if seed is None else list(seed))
            rngs[self.node] = gen
        return gen


def _feeding(run, session, fed):
    """run, telling the variable reads of loop bodies and cond branches (ReadCapturedVariable)
    that the variables `fed` are fed in this run: they read the fed value, as TF1's do."""
    local = session._fed_variables

    def fed_run(*feeds):
        old = getattr(local, "vars", None)
        local.vars = fed if old is None else old | fed
        try:
            return run(*feeds)
        finally:
            local.vars = old
    return fed_run


def _lenient_reads(plan):
    """The steps of variables read only to be captured by cond branches that read them
    live (ReadCapturedVariable, when the branch runs): those pass None for a variable
    not initialized yet, so a branch not taken does not need it (TF1's Switch keeps the
    read in the branch: initialized_value(), ExponentialMovingAverage)."""
    users = {}
    for st in plan.steps:
        for j, slot in enumerate(st.ins):
            users.setdefault(slot, []).append((st.node, j))
    fetched = set(plan.fetch_slots)
    return [i for i, st in enumerate(plan.steps)
            if st.node.op.name == "VariableV2" and st.outs not in fetched
            and (uses := users.get(st.outs))
            and all(_live_capture(node, j) for node, j in uses)]


def _live_capture(node, j):
    """Whether input j of plan node `node` is a cond's capture that each branch reads
    only through ReadCapturedVariable."""
    if node.op.name not in ("If", "StatelessIf") or j == 0 or \
            j > len(node.inputs) - 1 - node.attrs["n_saved"]:
        return False
    for fg, ins in zip(node.attrs["branches"], node.attrs["ins"]):
        ph = ins[j - 1]
        if ph is not None and any(t.node is ph.node and n.op.name != "ReadCapturedVariable"
                                  for n in fg.nodes for t in n.inputs):
            return False
    return True


def _read_if_initialized(step, session):
    node = src_of(step.node)
    return lambda **attrs: session._variables.get(node)


def _kernel(step, session, out=False):
    """The step's kernel with its attrs bound (`kernel_out` when it writes into a
    buffer: step.into, or `out`)."""
    node = step.node
    op = node.op
    if step.into is not None or out:
        fn = op.kernel_out
    else:
        fn = op.kernel
    if op.uses_state:
        fn = functools.partial(fn, Runtime(session, src_of(node), node))
    if node.attrs:
        fn = functools.partial(fn, **node.attrs)
    return fn


def _numerics_checked(kernel, step):
    """kernel, raising InvalidArgumentError when a float output it makes holds an inf or
    NaN (Options.check_numerics)."""
    single = isinstance(step.outs, int) or step.into is not None

    def run(*args, **kw):
        r = kernel(*args, **kw)
        for k, v in enumerate((r,) if single else (r or ())):
            kind = getattr(getattr(v, "dtype", None), "kind", "")    # arrays, scalars
            if kind in ("f", "c") and not np.isfinite(v).all():
                raise errors.InvalidArgumentError(_numerics_message(step.node, k, v, args),
                                                  op=src_of(step.node))
        return r
    return run


def _numerics_message(node, k, v, args):
    src, v = src_of(node), np.asarray(v)
    n_nan = int(np.isnan(v).sum())
    lines = [f"check_numerics: output {k} of {errors.describe_node(src)} holds "
             f"{n_nan} NaN and {int(v.size - n_nan - np.isfinite(v).sum())} inf among "
             f"{v.size} values ({v.dtype}, shape {v.shape})"]
    for i, a in enumerate(args):
        a = np.asarray(a)
        bad = "" if a.dtype.kind not in "fc" or np.isfinite(a).all() else \
            " (holds inf/NaN itself)"
        lines.append(f"  input {i}: {a.dtype} {a.shape}{bad}")
    return "\n".join(lines)


def _taker(spares, free=None):
    """take(slot): the array the last run returned for `slot`, if nothing but the
    executable holds it any more (no result, view or copy of the caller's), else None.
    `free` is the reference count that means so, measured once (below) on this very
    code, so that an interpreter counting references differently cannot fool it."""
    pop, refs = spares.pop, sys.getrefcount

    def take(slot):
        r = pop(slot, None)
        if free is None:
            return refs(r)
        # r here and getrefcount's argument, nothing else: no result, no view's base
        return r if r is not None and refs(r) == free and r.flags.writeable else None
    return take


_FREE = _taker({0: np.empty(1)})(0)


class Executable:
    """A compiled Program bound to a session's state. Call `run(feed_values)` with the
    feed values in program.feeds order; it returns the fetch values in order."""

    def __init__(self, program, plan, session, log=(), options=None, lowered=None):
        self.program = program
        self.plan = plan
        self.session = session
        self.log = list(log)
        self.options = options
        self.lowered = lowered
        self.nodes = [st.node for st in plan.steps]
        self.feed_slots = plan.feed_slots
        self.fetch_slots = plan.fetch_slots
        self.n_slots = plan.n_slots
        self.out_index = None
        self._kernels = [_kernel(st, session) for st in plan.steps]
        for i in _lenient_reads(plan):
            self._kernels[i] = _read_if_initialized(plan.steps[i], session)
        self._checked = options is not None and options.checks_numerics()
        if self._checked:
            self._kernels = [_numerics_checked(k, st) for k, st in zip(self._kernels,
                                                                        plan.steps)]
        self._spares = {}               # slot -> the array the last run returned there
        self._take = _taker(self._spares, _FREE)
        if len(plan.steps) <= CODEGEN_MAX:
            self.run = self._generate()
        else:
            self._steps = [(k, st.ins, st.outs, st.into, st.frees,
                            self._recycler(st) if st.recycle else None)
                           for k, st in zip(self._kernels, plan.steps)]
            self._recycled = [st.outs for st in plan.steps if st.recycle]
            self.run = self._interpret
        fed = frozenset(n for n in (src_of(t.node) for t in program.feeds)
                        if n.op.name == "VariableV2")
        if fed:
            self.run = _feeding(self.run, session, fed)

    # ---- the two ways to run -----------------------------------------------------------
    def traced_run(self, *feed_values):
        """One run with every kernel call timed: (outputs, [(node, start ns, end ns)])."""
        from ..run_metadata import timed
        records = []
        return self._generate(timed(records), keep=False)(*feed_values), records

    def _generate(self, wrap=None, keep=True):
        """The plan as one generated Python function; wrap(kernel, node), if given,
        replaces each kernel (tracing); keep: this is the executable's own run."""
        plan = self.plan
        wrap = wrap or (lambda k, node: k)
        ns = {"_GraphcError": errors.GraphcError, "_fail": self._fail_generated,
              "_take": self._take, "_spares": self._spares, "_locate": self._locate}
        recycled = []
        for s, value in plan.consts:
            ns[f"v{s}"] = value
        lines = [f"def run({', '.join(f'v{s}' for s in plan.feed_slots)}):"]
        lines.append("    try:")
        self._first_line = len(lines) + 1
        for i, (k, st) in enumerate(zip(self._kernels, plan.steps)):
            ns[f"k{i}"] = wrap(k, st.node)
            args = ", ".join(f"v{s}" for s in st.ins)
            if st.into is not None:
                call = f"k{i}({args}{', ' if args else ''}out=v{st.into})"
                line = call if st.outs == st.into else f"v{st.outs} = {call}"
            elif st.recycle:
                ns[f"o{i}"] = wrap(self._recycler(st), st.node)
                line = (f"_r = _take({st.outs}); v{st.outs} = k{i}({args}) if _r is None "
                        f"else o{i}({args}{', ' if args else ''}out=_r)")
                recycled.append(st.outs)
            elif isinstance(st.outs, int):
                line = f"v{st.outs} = k{i}({args})"
            elif st.outs:
                line = f"{', '.join(f'v{s}' for s in st.outs)}, = k{i}({args})"
            else:
                line = f"k{i}({args})"
            if st.frees:
                line += "; " + "; ".join(f"v{s} = None" for s in st.frees)
            lines.append("        " + line)
        lines.append("        pass")
        lines += [f"        _spares[{s}] = v{s}" for s in recycled]
        lines.append("    except _GraphcError as _e:")
        lines.append("        _locate(_e)")
        lines.append("        raise")
        lines.append("    except Exception as _e:")
        lines.append("        _fail(_e, locals())")
        outs = ", ".join(f"v{s}" for s in plan.fetch_slots)
        lines.append(f"    return ({outs}{',' if len(plan.fetch_slots) == 1 else ''})")
        src = "\n".join(lines)
        code = compile(src, "<graphc plan>", "exec")
        exec(code, ns)
        if keep:
            self.source = src
        return ns["run"]

    def _recycler(self, st):
        """The step's kernel that writes into a recycled buffer (`out=`)."""
        k = _kernel(st, self.session, True)
        return _numerics_checked(k, st) if self._checked else k

    def _step_of(self, e):
        """The index of the generated run's step that raised e."""
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != "<graphc plan>":
            tb = tb.tb_next
        line = tb.tb_lineno if tb is not None else self._first_line
        return max(0, min(line - self._first_line, len(self.plan.steps) - 1))

    def _locate(self, e, i=None):
        """A run-time error a kernel raised without naming its node (an OpError of TF1's
        classes: InvalidArgumentError...) gets the node and where it was created."""
        if not isinstance(e, errors.OpError) or e._op is not None:
            return
        node = self.plan.steps[self._step_of(e) if i is None else i].node
        e._op = node
        if f"'{node.name}'" not in str(e._message):    # unless the message names it
            e._message = (f"{e._message}\n  in {node.type} '{node.name}', created at "
                          f"{errors.format_site(node.site)}")
            e.args = (e._message,)

    def _fail_generated(self, e, local_vars):
        i = self._step_of(e)
        st = self.plan.steps[i]
        ns = self.run.__globals__

        def value(s):
            return local_vars.get(f"v{s}", ns.get(f"v{s}"))
        raise errors.ExecutionError(self._explain(i, [value(s) for s in st.ins], e),
                                    op=st.node) from e

    def _interpret(self, *feed_values):
        vals = [None] * self.n_slots
        for s, v in self.plan.consts:
            vals[s] = v
        for s, v in zip(self.feed_slots, feed_values):
            vals[s] = v
        i = 0
        get = vals.__getitem__
        try:
            for i, (kernel, ins, out, into, frees, recycle) in enumerate(self._steps):
                if into is not None:
                    r = kernel(*map(get, ins), out=vals[into])
                elif recycle is not None and (spare := self._take(out)) is not None:
                    r = recycle(*map(get, ins), out=spare)
                else:
                    r = kernel(*map(get, ins))
                if type(out) is int:
                    vals[out] = r
                elif out:
                    for s, v in zip(out, r):
                        vals[s] = v
                for s in frees:
                    vals[s] = None
        except errors.GraphcError as e:
            self._locate(e, i)
            raise
        except Exception as e:
            st = self.plan.steps[i]
            raise errors.ExecutionError(
                self._explain(i, [vals[s] for s in st.ins], e), op=st.node) from e
        for s in self._recycled:
            self._spares[s] = vals[s]
        return [vals[s] for s in self.fetch_slots]

    def _explain(self, i, values, e):
        return explain(self.plan.steps[i].node, values, e)

    # ---- what the compiler did ---------------------------------------------------------
    @property
    def peak_bytes(self):
        return self.plan.peak_bytes

    def report(self, file=None, quiet=False):
        """Per pass: node count before/after and what changed; then the planned peak
        bytes. Printed (to `file`, default stdout) unless quiet; also returned."""
        text = format_report(self)
        if not quiet:
            print(text, file=file)
        return text

    def __call__(self, *feeds):
        """Run with the feeds of feed_list, positionally (as make_callable's function)."""
        call = getattr(self, "call", None)
        if call is None:
            raise errors.GraphcError("this Executable was not made by gc.compile or "
                                     "Session.compile; use exe.run(*feed_arrays)")
        return call(*feeds)

    def __repr__(self):
        return (f"<gc.Executable: {len(self.plan.steps)} steps, {len(self.feed_slots)} "
                f"feeds, {len(self.fetch_slots)} fetches, planned peak "
                f"{_fmt_bytes(self.plan.peak_bytes)}>")


def explain(node, values, e):
    """The message of an ExecutionError: `node` failed with `e` on input `values`."""
    lines = [f"{node.type} '{node.name}' failed at run time: {type(e).__name__}: {e}",
             f"  created at {errors.format_site(node.site)}"]
    src = src_of(node)
    if type(node) is PNode and src.op is not node.op:
        lines.append(f"  (the compiler rewrote {errors.describe_node(src)} into a "
                     f"{node.type}; Session(optimize=False) runs it as built)")
    if node.origin is not None:
        lines.append(f"  ({node.role} of {errors.describe_node(node.origin)})")
    for t, v in zip(node.inputs, values):
        got = f"{np.shape(v)} {np.asarray(v).dtype}" if v is not None else "freed"
        t = _as_built(t)
        lines.append(f"  input {errors.describe_tensor(t, t.name)}; at run time {got}")
    return "\n".join(lines)


def _as_built(t):
    """The user's tensor that a compiler copy of its record stands for (same op: a copy
    with other inputs, or with shapes made exact for this run's feeds), else t."""
    node = t.node
    if type(node) is PNode and node.src.op is node.op and t.index < len(node.src.outputs):
        return node.src.outputs[t.index]
    return t


def _fmt_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def format_report(exe):
    opts = exe.options
    head = (f"graphc compile report: {len(exe.fetch_slots)} fetch(es), "
            f"{len(exe.feed_slots)} feed(s), optimize={getattr(opts, 'optimize', True)}"
            f", unsafe_math={getattr(opts, 'unsafe_math', False)}")
    lines = [head, f"  {'pass':<10} {'nodes':>15}  changes"]
    if exe.lowered is not None:
        lines.append(f"  {'lower':<10} {exe.lowered:>15}  the records the fetches need")
    for ch in exe.log:
        if ch.name == "memory":
            continue
        counts = f"{ch.before} -> {ch.after}"
        lines.append(f"  {ch.name:<10} {counts:>15}  {ch.summary()}")
        for what, ex in ch.examples.items():
            if what in ch.counts and ex:
                lines.append(f"  {'':<10} {'':>15}    {what}: e.g. "
                             + ", ".join(repr(e) for e in ex))
    mem = next((c for c in exe.log if c.name == "memory"), None)
    if mem is not None:
        lines.append(f"  {'memory':<10} {len(exe.plan.steps):>9} steps  {mem.summary()}")
    lines.append(f"  planned peak bytes: {exe.plan.peak_bytes} "
                 f"({_fmt_bytes(exe.plan.peak_bytes)}; intermediates of static size)")
    return "\n".join(lines)
