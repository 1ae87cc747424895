"""gc.distribute (tf.compat.v1.distribute): strategies on one machine's CPU devices.

    strategy = gc.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        w = gc.Variable(1.0)
        per_replica = strategy.run(lambda: w * 2.0)
        total = strategy.reduce(gc.distribute.ReduceOp.SUM, per_replica, axis=None)

Modules: values (ReduceOp, PerReplica, InputContext), context (get_strategy, ...,
ReplicaContext), cross_device (CrossDeviceOps), mirrored_run (building a function once
per replica, merge_call), variables (variables made in a scope), strategy (Strategy,
OneDeviceStrategy, MirroredStrategy), input (distributed datasets and iterators).
See docs/distribute.md.
"""
from .context import (ReplicaContext, experimental_set_strategy, get_cross_replica_context,
                      get_loss_reduction, get_replica_context, get_strategy, has_strategy,
                      in_cross_replica_context)
from .cross_device import (CrossDeviceOps, HierarchicalCopyAllReduce, NcclAllReduce,
                           ReductionToOneDevice)
from .strategy import MirroredStrategy, OneDeviceStrategy, Strategy, StrategyExtended
from .values import InputContext, InputReplicationMode, ReduceOp
from .variables import MirroredVariable  # noqa: F401
from . import experimental  # noqa: F401

__all__ = ["CrossDeviceOps", "HierarchicalCopyAllReduce", "InputContext",
           "InputReplicationMode", "MirroredStrategy", "NcclAllReduce", "OneDeviceStrategy",
           "ReduceOp", "ReductionToOneDevice", "ReplicaContext", "Strategy",
           "StrategyExtended", "experimental_set_strategy", "get_cross_replica_context",
           "get_loss_reduction", "get_replica_context", "get_strategy", "has_strategy",
           "in_cross_replica_context"]
