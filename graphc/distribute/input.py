"""Distributed input: datasets and iterators that give each replica its part.

experimental_distribute_dataset splits each global batch as TF rebatches it: n elements
over N replicas, the first n % N replicas one element more (5 -> [3, 2], a final 3 ->
[2, 1]). distribute_datasets_from_function's dataset gives per-replica batches, taken by
the replicas in turn.

    dist = strategy.experimental_distribute_dataset(dataset.batch(8))
    it = dist.make_initializable_iterator()
    per_replica_batch = it.get_next()              # PerReplica: 4 rows for each replica
    sess.run(it.initializer)
"""
from .. import errors, nest
from ..graph import get_default_graph
from .values import InputContext, PerReplica

__all__ = ["DistributedDataset", "DistributedDatasetsFromFunction", "DistributedIterator"]


def _split(t, replica_id, num_replicas):
    """Replica `replica_id`'s rows of the global batch `t` (TF's rebatch split)."""
    import graphc as gc             # the public ops (this module loads before they exist)
    if t.shape.rank == 0:
        raise ValueError(f"experimental_distribute_dataset: the dataset's elements must be "
                         f"batches to split among {num_replicas} replicas, but "
                         f"{errors.describe_tensor(t)} is a scalar: call .batch() on it")
    n = gc.shape(t, out_type=gc.int32)[0]
    base, extra = gc.floordiv(n, num_replicas), gc.floormod(n, num_replicas)
    start = replica_id * base + gc.minimum(extra, replica_id)
    size = base + gc.minimum(gc.floordiv(extra, replica_id + 1), 1)
    rest = (t.shape.rank or 1) - 1
    begin = gc.concat([[start], gc.zeros([rest], dtype=gc.int32)], axis=0)
    sizes = gc.concat([[size], -gc.ones([rest], dtype=gc.int32)], axis=0)
    return gc.slice(t, begin, sizes)


class DistributedIterator:
    """get_next() gives a PerReplica for each leaf of the element (the element itself
    with one replica). TF1's DistributedIterator: initializer, initialize()."""

    def __init__(self, strategy, iterators, split):
        self._strategy = strategy
        self._iterators = iterators     # one graphc Iterator
        self._split = split

    @property
    def initializer(self):
        return self._iterators[0].initializer

    def initialize(self):
        """[the initializer op] (TF1 returns a list of ops)."""
        return [self.initializer]

    element_spec = property(lambda self: self._iterators[0].element_spec)
    output_types = property(lambda self: self._iterators[0].output_types)
    output_shapes = property(lambda self: self._iterators[0].output_shapes)
    output_classes = property(lambda self: self._iterators[0].output_classes)

    def get_next(self, name=None):
        """The next element, one part per replica (each replica on its device)."""
        graph = get_default_graph()
        devices = self._strategy.extended.worker_devices or (None,)
        n = len(devices)
        it = self._iterators[0]
        if self._split:
            element = it.get_next(name=name)
            if n == 1:
                return element
            parts = []
            for i, device in enumerate(devices):
                with graph.device(device):
                    parts.append(nest.map_structure(lambda t: _split(t, i, n), element))
        else:
            parts, previous = [], []
            for i, device in enumerate(devices):
                with graph.device(device), graph.control_dependencies(previous):
                    parts.append(it.get_next(name=name))
                previous = [t.node for t in nest.flatten(parts[-1])]
            if n == 1:
                return parts[0]
        flats = [nest.flatten(p) for p in parts]
        return nest.pack_sequence_as(parts[0], [PerReplica(c) for c in zip(*flats)])

    def __iter__(self):
        raise TypeError("a distributed iterator is not a Python iterable in graph mode: "
                        "call get_next() once and run it in a loop")


class DistributedDataset:
    """A dataset split among a strategy's replicas (experimental_distribute_dataset)."""

    def __init__(self, strategy, dataset):
        self._strategy = strategy
        self._dataset = dataset

    element_spec = property(lambda self: self._dataset.element_spec)

    def make_one_shot_iterator(self):
        return DistributedIterator(self._strategy, [self._dataset.make_one_shot_iterator()],
                                   split=True)

    def make_initializable_iterator(self):
        return DistributedIterator(self._strategy,
                                   [self._dataset.make_initializable_iterator()], split=True)

    def __iter__(self):
        raise TypeError("iterating a distributed dataset needs eager execution: in graph "
                        "mode use make_one_shot_iterator() or make_initializable_iterator()")


class DistributedDatasetsFromFunction(DistributedDataset):
    """dataset_fn(InputContext)'s dataset, whose elements go to the replicas in turn."""

    def __init__(self, strategy, dataset_fn):
        ctx = InputContext(1, 0, strategy.num_replicas_in_sync)
        super().__init__(strategy, dataset_fn(ctx))

    def make_one_shot_iterator(self):
        return DistributedIterator(self._strategy, [self._dataset.make_one_shot_iterator()],
                                   split=False)

    def make_initializable_iterator(self):
        return DistributedIterator(self._strategy,
                                   [self._dataset.make_initializable_iterator()],
                                   split=False)
