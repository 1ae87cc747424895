"""gc.CriticalSection (tf.CriticalSection in TF1 graph mode): the ops of a function run
while a lock is held, so concurrent Session.run calls never run them at the same time.

    cs = gc.CriticalSection(name="counter")
    v = gc.get_variable("v", initializer=0.0)
    bump = cs.execute(lambda: v.assign_add(1.0))   # read-modify-write under the lock

`execute` traces fn into a graph of its own (as gc.cond traces a branch: tensors from
outside are captured and computed before the lock is taken) and adds one stateful
CriticalSectionExecute node. Its kernel takes the section's lock, runs fn's compiled
graph and releases the lock in a `finally`: a failing run releases it, and since
the whole section is one node, no compiler pass (pruning, CSE, scheduling) can split,
merge or reorder the lock and the ops it guards. The lock lives in the Session (keyed by
the section's shared_name, as TF's MutexV2 resource): two sections with the same
shared_name share it. Session.close wakes threads waiting for it (CancelledError).

Gradients flow through execute (recomputing fn under the lock; fn's effects, such as
an assign, cannot be differentiated through, as in gc.cond).
"""
import collections
import threading

from . import errors
from .graph import Node, Tensor, get_default_graph
from .ops.control import (FuncGraph, _flatten, _needed, _unflatten, compiled,
                          vjp_builder)
from .ops.core import constant, convert_to_tensor, identity, no_op, placeholder
from .ops.registry import OpDef, apply, register

__all__ = ["CriticalSection"]


_ExecutionSignature = collections.namedtuple(
    "_ExecutionSignature", ["op", "handle", "resources", "exclusive_resource_access"])


class _SectionLock:
    """A section's lock in one Session: held by one thread at a time; the holder taking
    it again is an error (it would wait for itself), close() fails the waiters."""

    def __init__(self):
        self._cv = threading.Condition()
        self._owner = None
        self._closed = False

    def acquire(self, shared_name):
        me = threading.get_ident()
        with self._cv:
            if self._owner == me:
                raise errors.FailedPreconditionError(
                    f"CriticalSection '{shared_name}' is already held by this thread "
                    "(a nested execute of the same section would deadlock)")
            while self._owner is not None and not self._closed:
                self._cv.wait()
            if self._closed:
                raise errors.CancelledError(f"the Session was closed while waiting for "
                                            f"CriticalSection '{shared_name}'")
            self._owner = me

    def release(self):
        with self._cv:
            self._owner = None
            self._cv.notify()

    def close(self):
        with self._cv:
            self._closed = True
            self._cv.notify_all()


def _lock_of(session, shared_name):
    key = ("critical_section", shared_name)
    lock = session._op_state.get(key)
    if lock is None:
        new = _SectionLock()
        lock = session._op_state.setdefault(key, new)   # one winner between threads
        if lock is new:
            session._on_close.append(new.close)
    return lock


def _infer_execute(ctx, *args, body, ins, outs, shared_name):
    return [(t.shape, t.dtype) for t in outs]


def _execute_kernel(rt, *args, body, ins, outs, shared_name):
    lock = _lock_of(rt.session, shared_name)
    lock.acquire(shared_name)
    try:
        values = compiled(rt.session, body, ins, outs)(args)
    finally:
        lock.release()
    return values[0] if len(values) == 1 else tuple(values)


def _derived(node, which, extra, build, name):
    """Another execute of node's section whose graph recomputes fn's outputs `which` and
    adds build(ins, outs) -> (new placeholders fed `extra`, results). fn's effects
    (an assign, a random draw) would run a second time: a GradientError."""
    a = node.attrs
    outs, ins = a["outs"], a["ins"]
    effects = sorted((n for n in _needed([outs[i] for i in which], set(ins))
                      if n.op.stateful or n.op.random), key=lambda n: n.id)
    if effects:
        raise errors.GradientError(
            f"differentiating {errors.describe_node(node)} recomputes its function, where "
            f"{errors.describe_node(effects[0])} would run a second time: stop the "
            "gradient through it, or compute the differentiated part outside execute")
    with a["body"].as_default():
        new, results = build(ins, outs)
        done = constant(True)
    return apply(EXECUTE, tuple(node.inputs) + tuple(extra), name=name, body=a["body"],
                 ins=tuple(ins) + tuple(new), outs=tuple(results) + (done,),
                 shared_name=a["shared_name"])


def _execute_vjp(node, gs):
    """The cotangents of the captured inputs: an execute of the same section running
    fn's vjp (fn recomputed)."""
    outs = node.attrs["outs"]
    wrt = [i for i, x in enumerate(node.inputs) if x.dtype.is_floating]
    which = [i for i in range(len(outs) - 1)
             if gs[i] is not None and outs[i].dtype.is_floating]
    if not wrt or not which:
        return [None] * len(node.inputs)
    grad = _derived(node, which, [gs[i] for i in which], vjp_builder(which, wrt),
                    "critical_section_grad")
    result = [None] * len(node.inputs)
    for j, i in enumerate(wrt):
        result[i] = grad.outputs[j]
    return result


def _execute_jvp(node, ts):
    """The tangents of fn's outputs: an execute of the same section running fn's jvp."""
    outs = node.attrs["outs"]
    along = [i for i, x in enumerate(node.inputs) if ts[i] is not None and
             x.dtype.is_floating]
    which = [i for i in range(len(outs) - 1) if outs[i].dtype.is_floating]
    if not along or not which:
        return [None] * len(node.outputs)
    from .autodiff.forward import jvp

    def build(ins, outs):
        tans = [placeholder(ins[i].dtype, ins[i].shape, name="tangent") for i in along]
        return tans, jvp([outs[i] for i in which], [ins[i] for i in along], tans)
    tangent = _derived(node, which, [ts[i] for i in along], build, "critical_section_jvp")
    result = [None] * len(node.outputs)
    for j, i in enumerate(which):
        result[i] = tangent.outputs[j]
    return result


EXECUTE = register(OpDef(
    "CriticalSectionExecute", _infer_execute, _execute_kernel, vjp=_execute_vjp, jvp=_execute_jvp,
    stateful=True, uses_state=True, api="CriticalSection.execute",
    signature="CriticalSection.execute(fn, exclusive_resource_access=True, name=None)",
    shape_rule="fn's outputs (and a bool that says it ran)",
    dtypes="any",
    doc="Runs a function's graph while holding a Session-held lock (TF's MutexLock "
        "around fn), released even when fn fails."))


def _executions(graph):
    """The executions built in `graph` (or the graph around it) so far (TF keeps them in
    the collection "critical_section_executions"; graphc keeps them off the collections,
    which must serialize to JSON)."""
    while isinstance(graph, FuncGraph):
        graph = graph.outer
    found = getattr(graph, "_critical_section_executions", None)
    if found is None:
        found = graph._critical_section_executions = []
    return found


def _origin(t):
    """The tensor of the outermost graph a captured tensor stands for."""
    while isinstance(t.graph, FuncGraph):
        outer = next((o for o, i in t.graph.captures.items() if i is t), None)
        if outer is None:
            break
        t = outer
    return t


class CriticalSection:
    """tf.CriticalSection: `execute(fn)` runs the ops fn builds while holding this
    section's lock, so concurrent Session.run calls never run them at the same time.

        cs = gc.CriticalSection(name="cs")
        v = gc.get_variable("v", initializer=0.0)
        total = cs.execute(lambda: v.assign_add(1.0))

    shared_name (default: the section's name scope) identifies the lock in a Session.
    critical_section_def / import_scope (restoring from a MetaGraph proto) are not
    supported.
    """

    def __init__(self, name=None, shared_name=None, critical_section_def=None,
                 import_scope=None):
        if critical_section_def is not None:
            raise ValueError("Argument `critical_section_def` is not supported.")
        graph = get_default_graph()
        with graph.name_scope(name or "CriticalSection") as scope:   # made unique
            self._name = scope.rstrip("/")
        self._shared_name = scope if shared_name is None else shared_name
        self._graph = graph

    @property
    def name(self):
        return self._name

    @property
    def _signature(self):
        return ("", self._shared_name, None)

    def __repr__(self):
        return f"<gc.CriticalSection '{self._name}' shared_name={self._shared_name!r}>"

    def execute(self, fn, exclusive_resource_access=True, name=None):
        """fn() run under the lock: its result's structure (tensors, lists, tuples,
        dicts, namedtuples; an op in it becomes a no_op run after the section).

            v_new = cs.execute(lambda: v.assign_add(1.0))
        """
        graph = get_default_graph()
        self._check_not_nested(graph)
        with graph.name_scope(name or "critical_section_execute") as scope:
            body = FuncGraph(graph, scope)
            body._critical_section = self._shared_name
            with body.as_default():
                structure, outs, done = self._trace(body, fn)
            resources = list({id(v): v for v in (_origin(t) for t in body.captures)
                              if v.node.op.ref}.values())
            self._check_resources(graph, resources, exclusive_resource_access)
            args = list(body.captures)
            ins = tuple(body.captures[t] for t in args)
            with graph.control_dependencies(list(dict.fromkeys(body.outer_control))):
                node = apply(EXECUTE, args, name="CriticalSectionExecute", body=body,
                             ins=ins, outs=tuple(t for t in outs if t is not None) + (done,),
                             shared_name=self._shared_name)
            _executions(graph).append(_ExecutionSignature(
                node, self._shared_name, resources, bool(exclusive_resource_access)))
            results = iter(node.outputs[:-1])
            leaves = []
            for t in outs:
                if t is None:                   # an op: a no_op run after the section
                    with graph.control_dependencies([node]):
                        t = no_op(name="group_deps")
                else:
                    t = next(results)
                leaves.append(t)
        return _unflatten(structure, iter(leaves))

    def _trace(self, body, fn):
        """(structure, fn's leaves as body tensors (None for an op), the 'ran' bool)."""
        value = fn()
        leaves = []
        structure = _flatten(value, leaves)
        outs, ops = [], []
        for v in leaves:
            if isinstance(v, Node):
                ops.append(v)
                outs.append(None)
            elif isinstance(v, Tensor):
                outs.append(identity(body.capture(v)) if v.graph is not body else v)
            elif v is None:
                raise ValueError("Tried to convert 'input' to a tensor and failed. Error: "
                                 "None values not supported.")
            else:
                outs.append(convert_to_tensor(v))
        with body.control_dependencies(ops):
            done = identity(constant(True), name="done")
        return structure, outs, done

    def _check_not_nested(self, graph):
        g = graph
        while isinstance(g, FuncGraph):
            if getattr(g, "_critical_section", None) == self._shared_name:
                raise ValueError(f"Attempting to lock a CriticalSection (signature="
                                 f"{self._signature}) in which we are already running. "
                                 "This is illegal and may cause deadlocks.")
            g = g.outer

    def _check_resources(self, graph, resources, exclusive):
        if not resources:
            return
        for sig in _executions(graph):
            if sig.handle == self._shared_name:
                continue
            if not (exclusive or sig.exclusive_resource_access):
                continue
            shared = [r for r in resources if any(r is s for s in sig.resources)]
            if shared:
                raise ValueError(
                    f"This execution would access resources: "
                    f"[{', '.join(repr(r.name) for r in shared)}]. Either this lock "
                    f"(CriticalSection: {self._shared_name!r}) or lock "
                    f"'{sig.op.name}' (CriticalSection: {sig.handle!r}) requested "
                    "exclusive resource access of this resource. Did you mean to call "
                    "execute with keyword argument exclusive_resource_access=False?")
