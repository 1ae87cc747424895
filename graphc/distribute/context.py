"""Where graph building stands with respect to strategies (TF's distribution context):
outside any scope (the default strategy and its one-replica ReplicaContext), in a
strategy's cross-replica scope, or inside one replica's function.

    gc.distribute.in_cross_replica_context()        # False
    with strategy.scope():
        gc.distribute.in_cross_replica_context()    # True
        gc.distribute.get_strategy() is strategy    # True

The state is a stack kept on each graph (TF keeps it per graph too): entries are
(strategy, replica context or None for cross-replica).
"""
import contextlib

from ..graph import get_default_graph

__all__ = ["get_strategy", "has_strategy", "in_cross_replica_context",
           "get_replica_context", "get_cross_replica_context", "experimental_set_strategy",
           "get_loss_reduction", "ReplicaContext"]


def _stack(graph=None):
    graph = get_default_graph() if graph is None else graph
    stack = getattr(graph, "_distribute_stack", None)
    if stack is None:
        stack = graph._distribute_stack = []
    return stack


@contextlib.contextmanager
def enter(strategy, replica_context=None):
    """Push (strategy, replica_context) on the default graph's stack for the block."""
    stack = _stack()
    stack.append((strategy, replica_context))
    try:
        yield
    finally:
        # the replica threads restore the stack by value: pop our own entry, wherever
        _stack().pop()


def _top():
    stack = _stack()
    return stack[-1] if stack else None


def get_strategy():
    """The current Strategy: the one whose scope or replica function we are in, or the
    default strategy (one replica, no devices).

        with strategy.scope():
            assert gc.distribute.get_strategy() is strategy
    """
    top = _top()
    return default_strategy() if top is None else top[0]


def has_strategy():
    """True inside a non-default strategy's scope or replica function."""
    return get_strategy() is not default_strategy()


def in_cross_replica_context():
    """True in a strategy's scope (outside its replica functions)."""
    top = _top()
    return top is not None and top[1] is None


def get_replica_context():
    """The ReplicaContext of the replica function being built; None in a cross-replica
    scope; the default strategy's one-replica context outside any strategy.

        gc.distribute.get_replica_context().num_replicas_in_sync   # 1
    """
    top = _top()
    if top is None:
        return default_strategy()._default_replica_context
    return top[1]


def get_cross_replica_context():
    """The strategy in a cross-replica context (the default strategy outside any scope);
    None inside a replica function."""
    top = _top()
    if top is None:
        return default_strategy()
    return top[0] if top[1] is None else None


def experimental_set_strategy(strategy):
    """Enter `strategy`'s scope for the rest of the default graph's life (None leaves
    the one set before). TF raises the same RuntimeError inside a `with scope()`.

        gc.distribute.experimental_set_strategy(strategy)
    """
    graph = get_default_graph()
    old = getattr(graph, "_distribute_global", None)
    if old is not None:
        old.__exit__(None, None, None)
        graph._distribute_global = None
    if _stack():
        raise RuntimeError("Must not be called inside a `tf.distribute.Strategy` scope.")
    if strategy is not None:
        scope = strategy.scope()
        scope.__enter__()
        graph._distribute_global = scope


def get_loss_reduction():
    """The ReduceOp a v1 optimizer uses to scale the loss: SUM outside an Estimator
    (graphc's Estimator does not replicate, so always SUM)."""
    from .values import ReduceOp
    return ReduceOp.SUM


class ReplicaContext:
    """What a replica function sees of its strategy (TF's tf.distribute.ReplicaContext).

        def step():
            ctx = gc.distribute.get_replica_context()
            return ctx.all_reduce("SUM", gc.constant(1.0))   # num_replicas_in_sync
        strategy.run(step)
    """

    def __init__(self, strategy, replica_id_in_sync_group, runner=None):
        self._strategy = strategy
        self._replica_id = replica_id_in_sync_group
        self._runner = runner           # the MirroredRun that pauses this replica
        self._id_tensor = None

    @property
    def strategy(self):
        return self._strategy

    @property
    def num_replicas_in_sync(self):
        return self._strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self):
        """This replica's index: an int32 constant tensor in a strategy's replica
        function (as TF builds it), the int 0 in the default context."""
        if self._strategy is default_strategy():
            return 0
        if self._id_tensor is None:
            from ..ops.core import constant
            self._id_tensor = constant(self._replica_id, name="replica_id_in_sync_group")
        return self._id_tensor

    @property
    def devices(self):
        return (self._strategy.extended.worker_devices[self._replica_id],) \
            if self._strategy is not default_strategy() else ()

    def merge_call(self, merge_fn, args=(), kwargs=None):
        """merge_fn(strategy, *args, **kwargs) once, in cross-replica context, with each
        argument regrouped into a PerReplica over the replicas; every replica gets the
        result (its own part of a PerReplica result)."""
        kwargs = kwargs or {}
        if self._runner is not None:
            return self._runner.merge(self._replica_id, merge_fn, args, kwargs)
        with enter(self._strategy, None):
            return merge_fn(self._strategy, *args, **kwargs)

    def all_reduce(self, reduce_op, value, options=None):
        """`value` (a nest of tensors) reduced across the replicas; each replica gets the
        result. Gradients flow back to every replica's input."""
        from .. import nest
        from ..ops.core import identity
        from .values import as_reduce_op
        op = as_reduce_op(reduce_op)

        def merge(strategy, v):
            return strategy.extended.batch_reduce_to(
                op, [(x, None) for x in nest.flatten(v)])
        reduced = self.merge_call(merge, args=(value,))
        return nest.pack_sequence_as(value, [identity(r) for r in reduced])

    def __repr__(self):
        return (f"<gc.distribute.ReplicaContext replica {self._replica_id} of "
                f"{self.num_replicas_in_sync}>")


def default_strategy():
    """The process's default strategy (made on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        from .strategy import _DefaultStrategy
        _DEFAULT = _DefaultStrategy()
    return _DEFAULT


_DEFAULT = None
