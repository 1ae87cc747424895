"""tf.train.batch, shuffle_batch, batch_join, shuffle_batch_join and their maybe_ forms:
a queue filled by a QueueRunner's threads, and a dequeue_many (or dequeue_up_to with
allow_smaller_final_batch) of batch_size elements. The structure given (a list or a
dict of tensors) comes back batched; a one-tensor list gives a tensor (TF1 does so).
A SparseTensor goes through the queue serialized (serialize_sparse, or with
enqueue_many serialize_many_sparse: a (3,) string element each) and comes back as one
SparseTensor of the batch (deserialize_many_sparse), each dim the batch's largest, as
TF1's batchers return it.

    images, labels = gc.train.batch([image, label], batch_size=32)
"""
import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..ops import array, core, creation, elementwise as el
from ..ops.partition import dynamic_partition
from ..ops.registry import constant_value
from ..shapes import TensorShape
from ..sparse_serialize import (deserialize_many_sparse, serialize_many_sparse,
                                serialize_sparse)
from ..sparse_tensor import SparseTensor, SparseTensorValue
from . import queue_runner

__all__ = ["batch", "maybe_batch", "batch_join", "maybe_batch_join", "shuffle_batch",
           "maybe_shuffle_batch", "shuffle_batch_join", "maybe_shuffle_batch_join"]


def fraction_summary(tag, queue, capacity, min_after_dequeue=None):
    """TF1's queue-fullness summary: size / capacity, or for a shuffling queue the
    fraction of capacity - min_after_dequeue above min_after_dequeue."""
    from ..summary import scalar
    size = queue.size()
    if min_after_dequeue is None:
        full = el.cast(size, dtypes.float32) * (1. / capacity)
    else:
        full = el.cast(el.maximum(0, size - min_after_dequeue), dtypes.float32) * (
            1. / (capacity - min_after_dequeue))
    scalar(tag, full)


def _as_tensor_list(tensors):
    if isinstance(tensors, dict):
        return [tensors[k] for k in sorted(tensors, key=str)]
    return tensors


def _as_tensor_list_list(tensors_list):
    if not tensors_list:
        raise ValueError("Expected at least one set of tensors")
    if isinstance(tensors_list[0], dict):
        keys = set(tensors_list[0].keys())
        if any(set(t.keys()) != keys for t in tensors_list[1:]):
            raise ValueError("All dictionaries in tensors_list must have the same keys")
        return [_as_tensor_list(t) for t in tensors_list]
    return tensors_list


def _as_original_type(original, tensor_list):
    if isinstance(original, dict):
        if len(original) == 1:
            tensor_list = [tensor_list]
        return {k: tensor_list[i] for i, k in enumerate(sorted(original, key=str))}
    return tensor_list


def _validate(tensor_list, what="batch()"):
    if not isinstance(tensor_list, (list, tuple)):
        raise TypeError(f"{what} takes a list or dict of tensors, not "
                        f"{type(tensor_list).__name__} (TF1 cannot iterate a tensor)")
    tensor_list = [SparseTensor(*t) if isinstance(t, SparseTensorValue) else
                   t if isinstance(t, SparseTensor) else core.convert_to_tensor(t)
                   for t in tensor_list]
    if not tensor_list:
        raise ValueError(f"Expected at least one tensor in {what}.")
    return tensor_list


class _SparseInfo:
    """What a queue component that holds serialized SparseTensors needs to be
    deserialized: the values' dtype and the rank of one element (None: unknown)."""

    def __init__(self, dtype, rank):
        self.dtype, self.rank = dtype, rank

    def fits(self, other):
        """Whether `other` (an element of another batch_join list) is alike."""
        return isinstance(other, _SparseInfo) and self.dtype == other.dtype and (
            self.rank is None or other.rank is None or self.rank == other.rank)


def _store_sparse(tensor_list, enqueue_many):
    """tensor_list with each SparseTensor serialized (TF1's _store_sparse_tensors):
    (the list to enqueue, per entry a _SparseInfo or None for a dense tensor)."""
    stored, infos = [], []
    for t in tensor_list:
        if not isinstance(t, SparseTensor):
            stored.append(t)
            infos.append(None)
            continue
        rank = t.rank
        if enqueue_many:
            stored.append(serialize_many_sparse(t))
            rank = None if rank is None else rank - 1
        else:
            stored.append(serialize_sparse(t))
        infos.append(_SparseInfo(t.dtype, rank))
    return stored, infos


def _store_sparse_join(lists, enqueue_many):
    """_store_sparse of each list of batch_join; their SparseTensors must match."""
    stored, infos = zip(*[_store_sparse(tl, enqueue_many) for tl in lists])
    for tl, other in zip(lists[1:], infos[1:]):
        if any((a is None) != (b is None) or (a is not None and not a.fits(b))
               for a, b in zip(infos[0], other)):
            raise ValueError(f"Inconsistent SparseTensors list: {lists[0]} vs. {tl}")
    return list(stored), infos[0]


def _restore_sparse(dequeued, infos):
    """The dequeued batch with each serialized component a SparseTensor again."""
    return [t if info is None else deserialize_many_sparse(
        t, info.dtype, rank=None if info.rank is None else info.rank + 1)
        for t, info in zip(dequeued, infos)]


def _validate_keep_input(keep_input, enqueue_many):
    keep_input = core.convert_to_tensor(keep_input)
    rank = keep_input.shape.rank
    if rank is None:
        raise ValueError("`keep_input` dimensions must be known at graph construction.")
    if not enqueue_many and rank == 1:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if rank > 1:
        raise ValueError("`keep_input` must be 0 or 1 dimensions.")
    return keep_input


def _dtypes(tensor_list_list):
    types = [t.dtype for t in tensor_list_list[0]]
    for other in tensor_list_list[1:]:
        if [t.dtype for t in other] != types:
            raise TypeError("Expected types to be consistent: %s vs. %s." % (
                ", ".join(x.name for x in types), ", ".join(t.dtype.name for t in other)))
    return types


def _shapes(tensor_list_list, shapes, enqueue_many):
    if shapes is not None:
        return shapes
    out = []
    for i in range(len(tensor_list_list[0])):
        merged = None
        for tl in tensor_list_list:
            s = tl[i].shape
            if s.rank is None:
                raise ValueError(f"Cannot infer Tensor's rank: {tl[i]!r}")
            if enqueue_many:
                s = TensorShape(s.with_rank_at_least(1)._dims[1:])
            merged = s if merged is None else merged.merge_with(s)
        out.append(merged)
    return out


def _keep(tensor_list, keep_input, enqueue_many):
    """The elements to enqueue (as a batch) when keep_input is not a constant True:
    rows of a vector keep_input, or all or nothing for a scalar one."""
    if keep_input.shape.rank == 0:
        if enqueue_many:
            n = array.shape(tensor_list[0])[:1]
            keep_input = creation.fill(n, keep_input)
        else:
            tensor_list = [array.expand_dims(t, 0) for t in tensor_list]
            keep_input = array.reshape(keep_input, [1])
    which = el.cast(keep_input, dtypes.int32)
    return [dynamic_partition(t, which, num_partitions=2)[1] for t in tensor_list]


def _enqueue_ops(queue, tensor_list_list, enqueue_many, keep_input):
    ops = []
    always = constant_value(keep_input)
    for tl in tensor_list_list:
        if always is not None and bool(np.all(always)):
            ops.append((queue.enqueue_many if enqueue_many else queue.enqueue)(tl))
        elif always is not None and keep_input.shape.rank == 0:
            ops.append(core.no_op())
        else:
            ops.append(queue.enqueue_many(_keep(tl, keep_input, enqueue_many)))
    return ops


def _batch_impl(kind, tensors_list, batch_size, keep_input, *, threads=1, capacity=32,
                enqueue_many=False, shapes=None, dynamic_pad=False,
                allow_smaller_final_batch=False, shared_name=None, name=None,
                min_after_dequeue=None, seed=None, join=False):
    """The shared body of the eight functions."""
    from ..queues import FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue
    lists = _as_tensor_list_list(tensors_list) if join else [_as_tensor_list(tensors_list)]
    flat = [t for tl in lists for t in (tl if isinstance(tl, (list, tuple)) else [tl])]
    with name_scope(name, kind, flat + [keep_input]) as scope:
        if min_after_dequeue is not None and capacity <= min_after_dequeue:
            raise ValueError("capacity %d must be bigger than min_after_dequeue %d." % (
                capacity, min_after_dequeue))
        lists = [_validate(tl, "batch_join()" if join else "batch()") for tl in lists]
        keep_input = _validate_keep_input(keep_input, enqueue_many)
        lists, infos = _store_sparse_join(lists, enqueue_many)
        types = _dtypes(lists)
        shapes = _shapes(lists, shapes, enqueue_many)
        if shapes is not None:          # a serialized SparseTensor's element is (3,)
            shapes = [s if info is None else TensorShape([3])
                      for s, info in zip(shapes, infos)]
        if min_after_dequeue is not None:
            queue = RandomShuffleQueue(capacity=capacity, min_after_dequeue=min_after_dequeue,
                                       seed=seed, dtypes=types, shapes=shapes,
                                       shared_name=shared_name)
        else:
            queue = (PaddingFIFOQueue if dynamic_pad else FIFOQueue)(
                capacity=capacity, dtypes=types, shapes=shapes, shared_name=shared_name)
        ops = _enqueue_ops(queue, lists, enqueue_many, keep_input)
        queue_runner.add_queue_runner(queue_runner.QueueRunner(queue, ops * threads))
        if min_after_dequeue is None:
            fraction_summary("fraction_of_%d_full" % capacity, queue, capacity)
        else:
            fraction_summary("fraction_over_%d_of_%d_full" % (
                min_after_dequeue, capacity - min_after_dequeue), queue, capacity,
                min_after_dequeue)
        if allow_smaller_final_batch:
            out = queue.dequeue_up_to(batch_size, name=scope)
        else:
            out = queue.dequeue_many(batch_size, name=scope)
        if any(infos):
            out = _restore_sparse(out if isinstance(out, list) else [out], infos)
            out = out[0] if len(out) == 1 else out
        return _as_original_type(tensors_list[0] if join else tensors_list, out)


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches of batch_size of `tensors` (a list or dict), in order with num_threads=1
    (TF1 tf.train.batch). dynamic_pad pads None dims to each batch's largest.

        xs, ys = gc.train.batch([x, y], batch_size=32)"""
    return _batch_impl("batch", tensors, batch_size, True, threads=num_threads,
                       capacity=capacity, enqueue_many=enqueue_many, shapes=shapes,
                       dynamic_pad=dynamic_pad,
                       allow_smaller_final_batch=allow_smaller_final_batch,
                       shared_name=shared_name, name=name)


def maybe_batch(tensors, keep_input, batch_size, num_threads=1, capacity=32,
                enqueue_many=False, shapes=None, dynamic_pad=False,
                allow_smaller_final_batch=False, shared_name=None, name=None):
    """batch() of the elements for which keep_input (a bool scalar, or with
    enqueue_many a vector) is true.

        xs = gc.train.maybe_batch([x], x > 0, batch_size=8)"""
    return _batch_impl("batch", tensors, batch_size, keep_input, threads=num_threads,
                       capacity=capacity, enqueue_many=enqueue_many, shapes=shapes,
                       dynamic_pad=dynamic_pad,
                       allow_smaller_final_batch=allow_smaller_final_batch,
                       shared_name=shared_name, name=name)


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None,
               dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None,
               name=None):
    """batch() fed by one thread per element of tensors_list (lists or dicts alike).

        xs = gc.train.batch_join([[x_from_a], [x_from_b]], batch_size=16)"""
    return _batch_impl("batch_join", tensors_list, batch_size, True, capacity=capacity,
                       enqueue_many=enqueue_many, shapes=shapes, dynamic_pad=dynamic_pad,
                       allow_smaller_final_batch=allow_smaller_final_batch,
                       shared_name=shared_name, name=name, join=True)


def maybe_batch_join(tensors_list, keep_input, batch_size, capacity=32, enqueue_many=False,
                     shapes=None, dynamic_pad=False, allow_smaller_final_batch=False,
                     shared_name=None, name=None):
    """batch_join() of the elements for which keep_input is true."""
    return _batch_impl("batch_join", tensors_list, batch_size, keep_input,
                       capacity=capacity, enqueue_many=enqueue_many, shapes=shapes,
                       dynamic_pad=dynamic_pad,
                       allow_smaller_final_batch=allow_smaller_final_batch,
                       shared_name=shared_name, name=name, join=True)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1,
                  seed=None, enqueue_many=False, shapes=None,
                  allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches drawn at random from a RandomShuffleQueue holding at least
    min_after_dequeue elements until its input ends (TF1 tf.train.shuffle_batch).

        xs = gc.train.shuffle_batch([x], 32, capacity=1000, min_after_dequeue=500)"""
    return _batch_impl("shuffle_batch", tensors, batch_size, True, threads=num_threads,
                       capacity=capacity, enqueue_many=enqueue_many, shapes=shapes,
                       allow_smaller_final_batch=allow_smaller_final_batch,
                       shared_name=shared_name, name=name,
                       min_after_dequeue=min_after_dequeue, seed=seed)


def maybe_shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, keep_input,
                        num_threads=1, seed=None, enqueue_many=False, shapes=None,
                        allow_smaller_final_batch=False, shared_name=None, name=None):
    """shuffle_batch() of the elements for which keep_input is true."""
    return _batch_impl("shuffle_batch", tensors, batch_size, keep_input,
                       threads=num_threads, capacity=capacity, enqueue_many=enqueue_many,
                       shapes=shapes, allow_smaller_final_batch=allow_smaller_final_batch,
                       shared_name=shared_name, name=name,
                       min_after_dequeue=min_after_dequeue, seed=seed)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None,
                       enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                       shared_name=None, name=None):
    """shuffle_batch() fed by one thread per element of tensors_list."""
    return _batch_impl("shuffle_batch_join", tensors_list, batch_size, True,
                       capacity=capacity, enqueue_many=enqueue_many, shapes=shapes,
                       allow_smaller_final_batch=allow_smaller_final_batch,
                       shared_name=shared_name, name=name,
                       min_after_dequeue=min_after_dequeue, seed=seed, join=True)


def maybe_shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue,
                             keep_input, seed=None, enqueue_many=False, shapes=None,
                             allow_smaller_final_batch=False, shared_name=None, name=None):
    """shuffle_batch_join() of the elements for which keep_input is true."""
    return _batch_impl("shuffle_batch_join", tensors_list, batch_size, keep_input,
                       capacity=capacity, enqueue_many=enqueue_many, shapes=shapes,
                       allow_smaller_final_batch=allow_smaller_final_batch,
                       shared_name=shared_name, name=name,
                       min_after_dequeue=min_after_dequeue, seed=seed, join=True)
