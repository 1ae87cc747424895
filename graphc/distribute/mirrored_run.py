"""Building a function once per replica, with merge_call (TF's mirrored_run).

Each replica's function runs in its own thread, as in TF, but only one thread builds at
a time: replica 0 runs until it returns or calls merge_call, then replica 1, and so on.
When every replica waits in merge_call, merge_fn runs once, in cross-replica context, on
the arguments regrouped into PerReplica values; then each replica resumes with its part
of the result. graphc keeps name scopes, control dependencies, device scopes and
variable scopes on the Graph (not per thread, as TF does), so a thread saves that state
when it pauses and restores it when it resumes.
"""
import copy
import threading

from .. import graph as graph_module
from ..graph import get_default_graph
from . import context
from .values import regroup, select_replica

_STATE = ("_scope", "_control", "_devices", "_colocate", "_role", "_origin",
          "_grad_override", "_variable_creators", "_distribute_stack")


def snapshot():
    """The building state of the default graph (and the default-graph stack)."""
    graph = get_default_graph()
    saved = {}
    for name in _STATE:
        value = getattr(graph, name, None)
        saved[name] = list(value) if isinstance(value, list) else \
            dict(value) if isinstance(value, dict) else value
    store = graph.var_store
    return graph, list(graph_module._default_stack), saved, \
        (store, store.current if store is not None else None)


def restore(state):
    """Make `state` (from snapshot) the building state again."""
    graph, default_stack, saved, (store, current) = state
    graph_module._default_stack[:] = default_stack
    for name, value in saved.items():
        now = getattr(graph, name, None)
        # in place: context managers hold on to these lists (variable_creator_scope)
        if isinstance(value, list) and isinstance(now, list):
            now[:] = value
        elif isinstance(value, dict) and isinstance(now, dict):
            now.clear()
            now.update(value)
        else:
            setattr(graph, name, list(value) if isinstance(value, list) else
                    dict(value) if isinstance(value, dict) else value)
    if store is not None:
        store.current = current


class _Replica(threading.Thread):
    """One replica's function, built in this thread when the run lets it."""

    def __init__(self, run, replica_id, fn, args, kwargs):
        super().__init__(name=f"graphc-replica-{replica_id}", daemon=True)
        self.run_ = run
        self.replica_id = replica_id
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.go = threading.Event()
        self.paused = threading.Event()
        self.done = False
        self.result = self.error = None
        self.merge_fn = self.merge_args = self.merge_kwargs = self.merge_result = None
        self.saved = None

    def run(self):
        self.go.wait()
        self.go.clear()
        try:
            restore(self.run_.base)
            strategy = self.run_.strategy
            ctx = context.ReplicaContext(strategy, self.replica_id, runner=self.run_)
            with self.run_.replica_scope(self.replica_id, ctx):
                self.result = self.fn(*self.args, **self.kwargs)
        except BaseException as e:      # handed to the building thread, raised there
            self.error = e
        finally:
            self.done = True
            self.paused.set()

    def pause_for_merge(self, merge_fn, args, kwargs):
        """Called in this thread by merge_call: wait for the merged result."""
        self.merge_fn, self.merge_args, self.merge_kwargs = merge_fn, args, kwargs
        self.saved = snapshot()
        self.paused.set()
        self.go.wait()
        self.go.clear()
        restore(self.saved)
        if self.error is not None:      # another replica failed: unwind this one
            raise _Abort()
        return self.merge_result

    def resume(self):
        """Let this thread build until it pauses again or ends."""
        self.paused.clear()
        if not self.is_alive() and not self.done:
            self.start()
        self.go.set()
        self.paused.wait()


class _Abort(Exception):
    """Unwinds a paused replica after another replica raised."""


class MirroredRun:
    """fn built once per replica of `strategy`; results regrouped into PerReplica."""

    def __init__(self, strategy, replica_scope):
        self.strategy = strategy
        self.replica_scope = replica_scope      # (replica_id, ctx) -> context manager
        self.base = None
        self.threads = []
        self.made = {}                          # replica id -> variables it made

    def call(self, fn, args, kwargs):
        n = self.strategy.num_replicas_in_sync
        self.base = snapshot()
        self.threads = [_Replica(self, i, fn, select_replica(i, args),
                                 select_replica(i, kwargs), ) for i in range(n)]
        try:
            for t in self.threads:
                t.resume()
                self._raise_failed()
            while not all(t.done for t in self.threads):
                self._merge_round()
        finally:
            restore(self.base)
            self._abort_paused()
        return regroup([t.result for t in self.threads])

    def _raise_failed(self):
        for t in self.threads:
            if t.error is not None and not isinstance(t.error, _Abort):
                raise t.error

    def _merge_round(self):
        waiting = [t for t in self.threads if not t.done]
        if len(waiting) != len(self.threads):
            first = waiting[0]
            raise RuntimeError(
                f"Some replicas made a different number of replica_context().merge_call() "
                f"calls: replica {first.replica_id} waits in merge_call(), while replica "
                f"{next(t for t in self.threads if t.done).replica_id} has returned")
        first = waiting[0]
        restore(self.base)
        args = regroup([t.merge_args for t in waiting]) if first.merge_args else ()
        kwargs = regroup([t.merge_kwargs for t in waiting]) if first.merge_kwargs else {}
        with context.enter(self.strategy, None):
            result = first.merge_fn(self.strategy, *args, **kwargs)
        for t in waiting:
            t.merge_result = select_replica(t.replica_id, result)
            t.resume()
            self._raise_failed()

    def merge(self, replica_id, merge_fn, args, kwargs):
        return self.threads[replica_id].pause_for_merge(merge_fn, args, kwargs)

    def _abort_paused(self):
        for t in self.threads:
            if t.is_alive() and not t.done:
                t.error = _Abort()
                t.go.set()
                t.join(timeout=5)
        restore(self.base)


def copy_scope_for_reuse(scope):
    """A copy of a variable scope with reuse=True (replicas after the first)."""
    new = copy.copy(scope)
    new._reuse = True
    return new
