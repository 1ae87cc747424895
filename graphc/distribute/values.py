"""Values of tf.distribute: ReduceOp, per-replica and mirrored values, InputContext.

    per = strategy.run(lambda: gc.constant(1.0))    # PerReplica with one tensor a replica
    strategy.experimental_local_results(per)       # (t0, t1)
    strategy.reduce(gc.distribute.ReduceOp.SUM, per, axis=None)
"""
import enum

from .. import nest
from ..ops.variable_creator import VariableAggregation

__all__ = ["ReduceOp", "InputContext", "InputReplicationMode", "DistributedValues",
           "PerReplica", "Mirrored"]


class ReduceOp(enum.Enum):
    """How values from replicas combine (TF's tf.distribute.ReduceOp): SUM or MEAN.

        gc.distribute.ReduceOp("SUM") is gc.distribute.ReduceOp.SUM   # True
    """
    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation):
        """The ReduceOp of a VariableAggregation (SUM -> SUM, MEAN -> MEAN)."""
        found = {VariableAggregation.SUM: ReduceOp.SUM,
                 VariableAggregation.MEAN: ReduceOp.MEAN}.get(aggregation)
        if found is None:
            raise ValueError(f"Could not convert from `tf.VariableAggregation` "
                             f"{aggregation} to `tf.distribute.ReduceOp` type")
        return found


def as_reduce_op(op):
    """A ReduceOp from a ReduceOp, "SUM"/"MEAN" (TF accepts the upper-case strings) or a
    VariableAggregation; ValueError otherwise."""
    if isinstance(op, ReduceOp):
        return op
    if isinstance(op, VariableAggregation):
        return ReduceOp.from_variable_aggregation(op)
    return ReduceOp(op)


class InputReplicationMode(enum.Enum):
    """How input functions map to replicas (TF): one pipeline per worker or per replica."""
    PER_WORKER = "PER_WORKER"
    PER_REPLICA = "PER_REPLICA"


class InputContext:
    """What an input function knows about its place in the strategy (TF's InputContext).

        ctx = gc.distribute.InputContext(num_replicas_in_sync=2)
        ctx.get_per_replica_batch_size(64)      # 32
    """

    def __init__(self, num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=1):
        self._num_input_pipelines = num_input_pipelines
        self._input_pipeline_id = input_pipeline_id
        self._num_replicas_in_sync = num_replicas_in_sync

    num_input_pipelines = property(lambda self: self._num_input_pipelines)
    input_pipeline_id = property(lambda self: self._input_pipeline_id)
    num_replicas_in_sync = property(lambda self: self._num_replicas_in_sync)

    def get_per_replica_batch_size(self, global_batch_size):
        """global_batch_size / num_replicas_in_sync; ValueError if it does not divide."""
        if global_batch_size % self._num_replicas_in_sync != 0:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible "
                             f"by `num_replicas_in_sync` {self._num_replicas_in_sync} ")
        return global_batch_size // self._num_replicas_in_sync

    def __str__(self):
        return (f"tf.distribute.InputContext(input pipeline id {self._input_pipeline_id}, "
                f"total: {self._num_input_pipelines})")


class DistributedValues:
    """One value per replica (TF's DistributedValues); `.values` holds them in replica
    order. Not a tensor: fetch strategy.experimental_local_results(v) instead."""

    def __init__(self, values):
        self._values = tuple(values)

    @property
    def values(self):
        return self._values

    def _primary(self):
        return self._values[0]

    def __repr__(self):
        body = ",\n".join(f"  {i}: {v!r}" for i, v in enumerate(self._values))
        return f"{type(self).__name__}:{{\n{body}\n}}"

    def __bool__(self):
        raise TypeError(f"{type(self).__name__} holds one value per replica and has no "
                        "truth value; reduce it with strategy.reduce(...) first")


class PerReplica(DistributedValues):
    """Values that differ between replicas (what strategy.run returns)."""


class Mirrored(DistributedValues):
    """Values that are equal on every replica (what an all-reduce gives)."""


def regroup(per_replica_results):
    """One structure from the N replicas' structures: each leaf a PerReplica, or the leaf
    itself where every replica returned the same object (a variable, an op)."""
    first = per_replica_results[0]
    flats = [nest.flatten(r) for r in per_replica_results]
    for i, flat in enumerate(flats[1:], 1):
        if len(flat) != len(flats[0]):
            raise ValueError(f"replica {i} returned a structure with {len(flat)} values, "
                             f"replica 0 one with {len(flats[0])}: each replica must return "
                             "the same structure")
    leaves = []
    for column in zip(*flats):
        same = all(c is column[0] for c in column)
        leaves.append(column[0] if same else PerReplica(column))
    return nest.pack_sequence_as(first, leaves)


def select_replica(replica_id, structure):
    """structure with each DistributedValues leaf replaced by its value on `replica_id`."""
    flat = [x.values[replica_id] if isinstance(x, DistributedValues) else x
            for x in nest.flatten(structure)]
    return nest.pack_sequence_as(structure, flat)


def local_results(value):
    """The tuple of per-replica values of `value` (a 1-tuple for a plain value)."""
    if isinstance(value, DistributedValues):
        return value.values
    return (value,)
