"""Strategies (TF1's tf.compat.v1.distribute.Strategy): the default strategy,
OneDeviceStrategy and MirroredStrategy, with N in-graph replicas on CPU devices.

    strategy = gc.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        w = gc.Variable(1.0)                        # one variable, mirrored
        per = strategy.run(lambda: w * 2.0)         # built once per replica
        total = strategy.reduce("SUM", per, axis=None)
"""
import contextlib

from .. import device_spec, nest
from ..graph import get_default_graph
from ..ops.variable_creator import variable_creator_scope
from . import context
from .cross_device import CrossDeviceOps, reduce_non_distributed, reduce_values
from .mirrored_run import MirroredRun, copy_scope_for_reuse
from .values import (DistributedValues, InputReplicationMode, ReduceOp,
                     as_reduce_op, local_results, select_replica)
from . import variables

__all__ = ["Strategy", "StrategyExtended", "OneDeviceStrategy", "MirroredStrategy"]


def canonical_device(name):
    """'/cpu:1' -> '/replica:0/task:0/device:CPU:1' (TF's local device names)."""
    fields = device_spec.parse(name)
    if "device_type" not in fields:
        raise ValueError(f"Unknown device: {name!r} names no device type")
    return device_spec.to_string({"replica": 0, "task": 0, **fields,
                                  "device_index": fields.get("device_index", 0)})


class StrategyExtended:
    """The strategy's lower-level API (TF1's StrategyExtended): devices, variable
    placement, updates and reductions in cross-replica context."""

    def __init__(self, container, devices, cross_device_ops=None):
        self._container_strategy = container
        self._devices = tuple(devices)
        self._cross_device_ops = cross_device_ops or CrossDeviceOps()
        self._colocate_device = None

    # ---- devices --------------------------------------------------------------------
    @property
    def worker_devices(self):
        return self._devices

    @property
    def parameter_devices(self):
        return self._devices

    experimental_require_static_shapes = property(lambda self: False)
    experimental_should_init = property(lambda self: True)
    should_checkpoint = property(lambda self: True)
    should_save_summary = property(lambda self: True)

    def non_slot_devices(self, var_list):
        return self._devices

    # ---- variables ------------------------------------------------------------------
    def _variable_device(self):
        if self._colocate_device is not None:
            return self._colocate_device
        return self._devices[0] if self._devices else None

    @contextlib.contextmanager
    def colocate_vars_with(self, colocate_with_variable):
        """Variables made in the block go where `colocate_with_variable` is."""
        saved = self._colocate_device
        self._colocate_device = variables.device_of(colocate_with_variable) or saved
        try:
            yield
        finally:
            self._colocate_device = saved

    def variable_created_in_scope(self, v):
        """True if `v` was made in this strategy's scope."""
        return variables.strategy_of(v) is self._container_strategy

    def read_var(self, v):
        """The value of `v` (a read of the one underlying variable)."""
        return v.read_value()

    def value_container(self, value):
        return value

    # ---- replicas -------------------------------------------------------------------
    def call_for_each_replica(self, fn, args=(), kwargs=None):
        """fn built once per replica, each under its ReplicaContext and device; the
        results regrouped (PerReplica where they differ; the plain value with one
        replica)."""
        strategy = self._container_strategy
        kwargs = kwargs or {}
        if strategy.num_replicas_in_sync == 1:
            ctx = context.ReplicaContext(strategy, 0)
            with self._replica_scope(0, ctx):
                return fn(*select_replica(0, args), **select_replica(0, kwargs))
        return MirroredRun(strategy, self._replica_scope).call(fn, args, kwargs)

    @contextlib.contextmanager
    def _replica_scope(self, replica_id, ctx):
        graph = get_default_graph()
        device = self._devices[replica_id] if self._devices else None
        with contextlib.ExitStack() as stack:
            stack.enter_context(context.enter(self._container_strategy, ctx))
            if device:
                stack.enter_context(graph.device(device))
            if replica_id > 0:
                # TF reuses "replica_i/" under the current scope (an absolute name)
                stack.enter_context(graph.name_scope(f"{graph._scope}replica_{replica_id}/"))
                store = graph.var_store
                if store is not None:
                    store.current = copy_scope_for_reuse(store.current)
            yield

    # ---- updates and reductions (cross-replica context) ------------------------------
    def update(self, var, fn, args=(), kwargs=None, group=True):
        """fn(var, *args, **kwargs) once, on var's device (every replica sees the one
        variable); mirrored arguments give their first replica's value."""
        kwargs = kwargs or {}
        graph = get_default_graph()
        device = variables.device_of(var)
        with graph.device(device) if device else contextlib.nullcontext():
            with context.enter(self._container_strategy, None):
                return fn(var, *select_replica(0, args), **select_replica(0, kwargs))

    def update_non_slot(self, colocate_with, fn, args=(), kwargs=None, group=True):
        """fn(*args, **kwargs) once (TF: on the non-slot devices)."""
        return fn(*select_replica(0, args), **(select_replica(0, kwargs or {})))

    def reduce_to(self, reduce_op, value, destinations, options=None):
        """`value` (PerReplica) reduced to one tensor on `destinations`' device."""
        op = as_reduce_op(reduce_op)
        n = self._container_strategy.num_replicas_in_sync
        if not isinstance(value, DistributedValues):
            return reduce_non_distributed(op, value, n)
        device = destinations if isinstance(destinations, str) else \
            variables.device_of(destinations) or None
        return self._reduce(op, value.values, n, device)

    def _reduce(self, op, values, n, device=None):
        """reduce_values with the cross-device ops' accumulation_fn (where it has one)."""
        return reduce_values(op, values, n, device, accumulation_fn=getattr(
            self._cross_device_ops, "accumulation_fn", None))

    def batch_reduce_to(self, reduce_op, value_destination_pairs, options=None):
        return [self.reduce_to(reduce_op, v, d) for v, d in value_destination_pairs]

    def broadcast_to(self, tensor, destinations):
        return tensor


class Strategy:
    """The TF1 strategy API (tf.compat.v1.distribute.Strategy). Use a subclass:
    MirroredStrategy or OneDeviceStrategy."""

    def __init__(self, extended):
        self._extended = extended

    @property
    def extended(self):
        return self._extended

    @property
    def num_replicas_in_sync(self):
        return max(1, len(self._extended.worker_devices))

    # ---- scope ----------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self):
        """Cross-replica context: variables made inside are this strategy's.

            with strategy.scope():
                v = gc.Variable(0.0)
        """
        current = context.get_strategy()
        if context.has_strategy() and current is not self:
            raise RuntimeError(f"Mixing different tf.distribute.Strategy objects: "
                               f"{current!r} is not {self!r}")
        if context.get_replica_context() is not None and context.has_strategy():
            with context.enter(self, context.get_replica_context()):
                yield self
            return
        with context.enter(self, None), \
                variable_creator_scope(variables.creator_for(self)):
            yield self

    # ---- running replica functions ----------------------------------------------------
    def run(self, fn, args=(), kwargs=None, options=None):
        """fn(*args, **kwargs) built once per replica (PerReplica args give each
        replica its part); PerReplica results, or the plain value with one replica.

            per = strategy.run(step, args=(iterator.get_next(),))
        """
        self._require_cross_replica("run")
        with self.scope():
            return self._extended.call_for_each_replica(fn, args, kwargs)

    experimental_run_v2 = run                   # TF 1.15's name

    def experimental_run(self, fn, input_iterator=None):
        """fn(inputs) per replica, inputs from input_iterator.get_next() (TF1)."""
        inputs = () if input_iterator is None else (input_iterator.get_next(),)
        return self.run(fn, args=inputs)

    def _require_cross_replica(self, what):
        ctx = context.get_replica_context()
        if ctx is not None and context.has_strategy():
            raise RuntimeError(f"Method {what}() requires being in cross-replica context, "
                               "use get_replica_context().merge_call()")

    # ---- results --------------------------------------------------------------------
    def reduce(self, reduce_op, value, axis=None):
        """`value` (a PerReplica) reduced across replicas, and over `axis` of each part
        (MEAN then divides by the total count along that axis), to one tensor.

            strategy.reduce(gc.distribute.ReduceOp.MEAN, per_replica_loss, axis=None)
        """
        from ..ops.array import shape as shape_of
        from ..ops.cast import cast
        from ..ops.reduce import reduce_sum
        self._require_cross_replica("reduce")
        op = as_reduce_op(reduce_op)
        n = self.num_replicas_in_sync
        if axis is None:
            if not isinstance(value, DistributedValues):
                return reduce_non_distributed(op, value, n)
            return self._extended._reduce(op, value.values, n,
                                          self._extended.worker_devices[0]
                                          if self._extended.worker_devices else None)
        parts = local_results(value)
        total = self._extended._reduce(ReduceOp.SUM, [reduce_sum(p, axis=axis)
                                                      for p in parts], n)
        if op is ReduceOp.SUM:
            return total
        count = reduce_values(ReduceOp.SUM, [shape_of(p)[axis] for p in parts], n)
        return total / cast(count, total.dtype)

    def experimental_local_results(self, value):
        """The tuple of per-replica parts of `value` (a 1-tuple for a plain value)."""
        return local_results(value)

    def unwrap(self, value):
        """experimental_local_results (TF1's older name)."""
        return local_results(value)

    def group(self, value, name=None):
        """One op that runs every per-replica part of `value`."""
        from ..ops.core import group
        parts = [p for leaf in nest.flatten(value) for p in local_results(leaf)]
        return group(*parts, name=name)

    # ---- input ----------------------------------------------------------------------
    def experimental_distribute_dataset(self, dataset, options=None):
        """A dataset whose iterators give each replica its slice of each global batch."""
        from .input import DistributedDataset
        return DistributedDataset(self, dataset)

    def make_dataset_iterator(self, dataset):
        """An iterator (run .initialize()) giving each replica its slice of a batch."""
        return self.experimental_distribute_dataset(dataset).make_initializable_iterator()

    def make_input_fn_iterator(self, input_fn,
                               replication_mode=InputReplicationMode.PER_WORKER):
        """An iterator over input_fn(InputContext)'s dataset, whose successive elements
        go to successive replicas (run .initialize())."""
        if replication_mode != InputReplicationMode.PER_WORKER:
            raise ValueError("Input replication mode not supported: "
                             f"{replication_mode!r}")
        return self.distribute_datasets_from_function(input_fn).make_initializable_iterator()

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        """dataset_fn(InputContext) gives per-replica batches; replicas take turns."""
        from .input import DistributedDatasetsFromFunction
        return DistributedDatasetsFromFunction(self, dataset_fn)

    experimental_distribute_datasets_from_function = distribute_datasets_from_function

    # ---- session setup (TF1) ----------------------------------------------------------
    def initialize(self):
        return []

    def finalize(self):
        return []

    def configure(self, session_config=None, cluster_spec=None, task_type=None,
                  task_id=None):
        return None

    def update_config_proto(self, config_proto):
        return config_proto

    def __repr__(self):
        return f"<gc.distribute.{type(self).__name__} {self.num_replicas_in_sync} replica(s)>"


class _DefaultStrategy(Strategy):
    """The strategy in effect outside every scope: one replica, no device."""

    def __init__(self):
        super().__init__(StrategyExtended(self, ()))
        self._default_replica_context = context.ReplicaContext(self, 0)

    @contextlib.contextmanager
    def scope(self):
        if context.has_strategy():
            raise RuntimeError(f"Mixing different tf.distribute.Strategy objects: "
                               f"{context.get_strategy()!r} is not {self!r}")
        with context.enter(self, None):
            yield self

    def run(self, fn, args=(), kwargs=None, options=None):
        with context.enter(self, self._default_replica_context):
            return fn(*args, **(kwargs or {}))

    experimental_run_v2 = run


class OneDeviceStrategy(Strategy):
    """Everything on one device (TF1's OneDeviceStrategy): one replica.

        strategy = gc.distribute.OneDeviceStrategy("/cpu:0")
    """

    def __init__(self, device):
        super().__init__(StrategyExtended(self, (canonical_device(device),)))


class MirroredStrategy(Strategy):
    """Synchronous in-graph replication over local devices (TF1's MirroredStrategy).
    devices=None: every logical CPU (gc.config.set_logical_device_configuration splits
    the CPU). cross_device_ops: any CrossDeviceOps (each reduces on the CPU here).

        strategy = gc.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        strategy.num_replicas_in_sync    # 2
    """

    def __init__(self, devices=None, cross_device_ops=None):
        if devices is None:
            from ..config import list_logical_devices
            devices = [d.name for d in list_logical_devices("CPU")]
        devices = [canonical_device(d) for d in devices]
        if not devices:
            raise ValueError("Must specify at least one device.")
        if len(set(devices)) != len(devices):
            raise ValueError(f"No duplicates allowed in `devices` argument: {devices}")
        if cross_device_ops is not None and not isinstance(cross_device_ops, CrossDeviceOps):
            raise ValueError(f"cross_device_ops must be a tf.distribute.CrossDeviceOps, "
                             f"not {cross_device_ops!r}")
        super().__init__(StrategyExtended(self, devices, cross_device_ops))
        self._mirrored = True
