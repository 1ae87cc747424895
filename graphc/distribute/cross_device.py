"""Cross-device reductions (TF's tf.distribute.CrossDeviceOps and its named kinds).

graphc runs every op on the CPU with numpy, so NCCL, hierarchical copy and reduction to
one device all compute the same thing: an add_n of the replicas' values (divided by
their number for MEAN), placed on the destination device.

    ops = gc.distribute.ReductionToOneDevice()
    total = ops.reduce(gc.distribute.ReduceOp.SUM, per_replica, destinations="/cpu:0")
"""
from .. import errors
from ..graph import Tensor, get_default_graph
from .values import DistributedValues, Mirrored, ReduceOp, local_results

__all__ = ["CrossDeviceOps", "ReductionToOneDevice", "NcclAllReduce",
           "HierarchicalCopyAllReduce"]


def reduce_values(reduce_op, values, num_replicas, device=None, name=None,
                  accumulation_fn=None):
    """One tensor: the SUM (or MEAN over num_replicas) of `values`, on `device`, added by
    accumulation_fn (default add_n)."""
    from ..ops.core import convert_to_tensor, identity
    from ..ops.broadcast import add_n
    graph = get_default_graph()
    with graph.device(device) if device else _nothing():
        values = [convert_to_tensor(v) for v in values]
        total = identity(values[0], name=name) if len(values) == 1 else \
            (accumulation_fn or add_n)(values)
        if reduce_op is ReduceOp.MEAN and num_replicas > 1:
            total = total / float(num_replicas) if total.dtype.is_floating else \
                total // num_replicas
        return total


def reduce_non_distributed(reduce_op, value, num_replicas):
    """TF's rule for reducing a value that is the same on every replica: MEAN (or one
    replica) gives it back; SUM over several replicas is refused."""
    if reduce_op is ReduceOp.MEAN or num_replicas == 1:
        return value
    what = errors.describe_tensor(value) if isinstance(value, Tensor) else repr(value)
    raise ValueError(f"A non-DistributedValues value {what} cannot be reduced with the "
                     f"given reduce op {reduce_op}.")


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _destination_devices(destinations):
    """The device strings of `destinations` (a string, a variable, a DistributedValues or
    a list of strings)."""
    if destinations is None:
        return [None]
    if isinstance(destinations, str):
        return [destinations]
    if isinstance(destinations, DistributedValues):
        return [_device(v) for v in destinations.values]
    if isinstance(destinations, (list, tuple)):
        return list(destinations)
    return [_device(destinations)]


def _device(x):
    return getattr(getattr(x, "node", x), "device", "") or None


class CrossDeviceOps:
    """Reductions and broadcasts across devices (TF's base class). Every subclass reduces
    with add_n on the CPU in graphc."""

    def __init__(self):
        pass

    def reduce(self, reduce_op, per_replica_value, destinations, options=None):
        """A Mirrored value on `destinations`: per_replica_value's parts reduced."""
        if not isinstance(reduce_op, ReduceOp):
            raise ValueError("`reduce_op` must be Reduce.SUM or Reduce.MEAN.")
        parts = local_results(per_replica_value)
        if not isinstance(per_replica_value, DistributedValues):
            parts = (reduce_non_distributed(reduce_op, per_replica_value, 1),)
        devices = _destination_devices(destinations)
        total = reduce_values(reduce_op, parts, len(parts), devices[0],
                              accumulation_fn=getattr(self, "accumulation_fn", None))
        return Mirrored([total] * len(devices))

    def batch_reduce(self, reduce_op, value_destination_pairs, options=None):
        """[reduce(reduce_op, value, destinations) for each pair]."""
        return [self.reduce(reduce_op, v, d, options) for v, d in value_destination_pairs]

    def broadcast(self, tensor, destinations):
        """`tensor` as a Mirrored value on each destination device."""
        return Mirrored([tensor] * len(_destination_devices(destinations)))


class ReductionToOneDevice(CrossDeviceOps):
    """Copy to one device, reduce there, copy back (TF): the parts are added by
    accumulation_fn (default add_n); reduce_to_device is kept (one CPU here)."""

    def __init__(self, reduce_to_device=None, accumulation_fn=None):
        super().__init__()
        self.reduce_to_device = reduce_to_device
        self.accumulation_fn = accumulation_fn


class NcclAllReduce(CrossDeviceOps):
    """NCCL all-reduce in TF; an add_n on the CPU in graphc. num_packs must be >= 0."""

    def __init__(self, num_packs=1):
        if num_packs < 0:
            raise ValueError(f"NCCL all-reduce requires num_packs >= 0, but "
                             f"{num_packs} is specified.")
        super().__init__()
        self.num_packs = num_packs


class HierarchicalCopyAllReduce(CrossDeviceOps):
    """Hierarchical copy all-reduce in TF (for DGX-1); an add_n on the CPU in graphc."""

    def __init__(self, num_packs=1):
        if num_packs < 0:
            raise ValueError(f"HierarchicalCopy requires num_packs >= 0, but "
                             f"{num_packs} is specified.")
        super().__init__()
        self.num_packs = num_packs

