"""Variables made in a strategy's scope (TF's MirroredVariable semantics).

graphc keeps ONE Variable for all replicas: every replica reads the same value, so the
value, name ('v:0'), initializer and checkpoint are those of a plain variable. In a
replica function, an update of a MirroredStrategy variable is merged across replicas
by its `aggregation` (SUM, MEAN or ONLY_FIRST_REPLICA) and applied once.

    with strategy.scope():
        v = gc.Variable(0.0, aggregation=gc.VariableAggregation.MEAN)
    strategy.run(lambda: v.assign_add(1.0))          # +1, once (the mean of 1 and 1)
"""
from .. import errors
from ..graph import get_default_graph
from ..ops.state import Variable
from ..ops.variable_creator import VariableAggregation, VariableSynchronization
from . import context

__all__ = ["MirroredVariable"]


def _registry(graph):
    reg = getattr(graph, "_distribute_vars", None)
    if reg is None:
        reg = graph._distribute_vars = {}
    return reg


def device_of(x):
    """The device string of a tensor, variable or op ('' if none)."""
    node = getattr(x, "node", x)
    return getattr(node, "device", "") or ""


def strategy_of(v):
    """The strategy whose scope made `v`, or None."""
    node = getattr(v, "node", None)
    if node is None:
        return None
    return _registry(node.graph).get(node)


class MirroredVariable(Variable):
    """A MirroredStrategy variable: a gc.Variable whose updates in a replica function
    are merged across replicas (by `aggregation`) and applied once."""
    __slots__ = ()

    def _assign(self, value, mode, name, read_value=True):
        ctx = context.get_replica_context()
        strategy = strategy_of(self)
        if ctx is None or ctx.strategy is not strategy or strategy.num_replicas_in_sync == 1:
            return Variable._assign(self, value, mode, name, read_value)
        agg = self.aggregation
        if agg is VariableAggregation.NONE:
            raise ValueError(
                f"You must specify an aggregation method to update a MirroredVariable in "
                f"Replica Context ({mode} on {errors.describe_tensor(self)}). You can do "
                "so by passing an explicit value for argument `aggregation` to "
                "tf.Variable(..), e.g. `tf.Variable(..., aggregation=tf.VariableAggregation"
                ".SUM)`; or update it in cross-replica context (merge_call).")
        from ..ops.core import convert_to_tensor
        from .values import DistributedValues, ReduceOp
        value = convert_to_tensor(value, dtype=self.dtype)

        def merge(strategy, value):
            if agg is VariableAggregation.ONLY_FIRST_REPLICA:
                first = value.values[0] if isinstance(value, DistributedValues) else value
            else:
                first = strategy.extended.reduce_to(
                    ReduceOp.from_variable_aggregation(agg), value, self)
            return Variable._assign(self, first, mode, name, read_value)
        return ctx.merge_call(merge, args=(value,))

    @property
    def device(self):
        """The device of the variable (the strategy's first device)."""
        return self.node.device

    def __repr__(self):
        return (f"<gc.distribute.MirroredVariable '{self.node.name}:0' shape={self.shape} "
                f"dtype={self.dtype.name}>")


def creator_for(strategy):
    """The variable creator a strategy's scope installs: places the variable on the
    strategy's first device (or the colocate_vars_with variable's), records the
    strategy, and in replica functions hands replicas after the first the variables
    replica 0 made, in the order it made them."""
    mirrored = getattr(strategy, "_mirrored", False)

    def creator(next_creator, **kwargs):
        ctx = context.get_replica_context()
        runner = getattr(ctx, "_runner", None) if ctx is not None else None
        if runner is not None:
            made = runner.made
            mine = made.setdefault(ctx._replica_id, [])
            if ctx._replica_id > 0:
                first = made.get(0, [])
                if len(mine) >= len(first):
                    raise ValueError(
                        f"replica {ctx._replica_id} creates variable {kwargs.get('name')!r}"
                        f" that replica 0 did not create: every replica must create the "
                        "same variables in the same order")
                v = first[len(mine)]
                mine.append(v)
                return v
        graph = get_default_graph()
        device = strategy.extended._variable_device()
        if device:
            with graph.device(device):
                v = next_creator(**kwargs)
        else:
            v = next_creator(**kwargs)
        if isinstance(v, Variable) and getattr(v, "node", None) is not None:
            _registry(v.node.graph)[v.node] = strategy
            if mirrored and type(v) is Variable:
                v.__class__ = MirroredVariable
            if mirrored and v.synchronization is VariableSynchronization.AUTO:
                v.synchronization = VariableSynchronization.ON_WRITE
        if runner is not None:
            mine.append(v)
        return v
    return creator
