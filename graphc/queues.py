"""TF1's queues (FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue; also
gc.queue.*). A queue is a handle node; its contents live in each Session (two Sessions
on one graph have two queues), and runs on several threads share them: a dequeue on an
empty queue waits for another thread's enqueue, as in TF1.

    q = gc.FIFOQueue(capacity=10, dtypes=[gc.float32], shapes=[[2]])
    enqueue = q.enqueue_many([[[1., 2.], [3., 4.]]])
    pair = q.dequeue_many(2)
    with gc.Session() as sess:
        sess.run(enqueue)
        sess.run(pair)          # [[1., 2.], [3., 4.]]
"""
import functools

from . import dtypes as _dtypes
from .graph import get_default_graph, name_scope
from .ops import queue_ops as Q
from .ops.core import convert_to_tensor
from .ops.random import get_seed
from .ops.registry import apply, apply1
from .shapes import TensorShape, as_shape

__all__ = ["QueueBase", "FIFOQueue", "PaddingFIFOQueue", "RandomShuffleQueue",
           "PriorityQueue"]


def _as_type_list(types):
    types = list(types) if isinstance(types, (list, tuple)) else [types]
    return [_dtypes.as_dtype(d) for d in types]


def _as_shape_list(shapes, partial=False):
    """TF1's _as_shape_list: a list of TensorShapes (or None)."""
    if partial and (not isinstance(shapes, (list, tuple)) or not shapes or any(
            s is None or isinstance(s, int) for s in shapes)):
        raise ValueError("When providing partial shapes, a list of shapes must be provided.")
    if shapes is None:
        return None
    if isinstance(shapes, TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError("Shapes must be a TensorShape or a list or tuple of TensorShapes, "
                        f"got {type(shapes)} instead.")
    if all(s is None or isinstance(s, int) for s in shapes):
        shapes = [shapes]                   # one shape given as a list of dims
    shapes = [as_shape(s) for s in shapes]
    if not partial and any(not s.is_fully_defined() for s in shapes):
        raise ValueError(f"All shapes must be fully defined: {_list_str(shapes)}")
    if any(s._dims is None for s in shapes):
        raise ValueError(f"All shapes must have a defined rank: {_list_str(shapes)}")
    return shapes


def _list_str(shapes):
    return "[" + ", ".join(f"TensorShape({list(s._dims)})" for s in shapes) + "]"


def _as_name_list(names, types):
    if names is None:
        return None
    names = list(names) if isinstance(names, (list, tuple)) else [names]
    if len(names) != len(types):
        raise ValueError("List of names must have the same length as the list of dtypes, "
                         f"received len(names)={len(names)},len(dtypes)={len(types)}")
    return names


def _check_lengths(types, shapes):
    if shapes is not None and len(shapes) != len(types):
        raise ValueError("Queue shapes must have the same length as dtypes, received "
                         f"len(shapes)={len(shapes)}, len(dtypes)={len(types)}")


def _shape_attr(s):
    return None if s._dims is None else tuple(s._dims)


class QueueBase:
    """The queue operations (TF1 tf.QueueBase); made by its subclasses, or by
    QueueBase(dtypes, shapes, names, queue_ref) on a handle (from_list does so)."""

    def __init__(self, dtypes, shapes, names, queue_ref):
        self._dtypes = list(dtypes)
        if shapes is not None:
            if len(shapes) != len(self._dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes, "
                                 f"received len(shapes)={len(shapes)}, "
                                 f"len(dtypes)={len(self._dtypes)}")
            self._shapes = [as_shape(s) for s in shapes]
        else:
            self._shapes = [TensorShape(None) for _ in self._dtypes]
        if names is not None and len(names) != len(self._dtypes):
            raise ValueError("Queue names must have the same length as dtypes,received "
                             f"len(names)={len(names)},len {len(self._dtypes)}")
        self._names = list(names) if names is not None else None
        self._queue_ref = queue_ref
        self._name = queue_ref.node.name.split("/")[-1]

    @staticmethod
    def from_list(index, queues):
        """The queue queues[index] (index an int32 scalar tensor, chosen at run time).

            q = gc.QueueBase.from_list(which, [q0, q1]); x = q.dequeue()"""
        if not queues or not isinstance(queues, list) or not all(
                isinstance(x, QueueBase) for x in queues):
            raise TypeError("A list of queues expected")
        types = queues[0].dtypes
        if not all(types == q.dtypes for q in queues[1:]):
            raise TypeError("Queues do not have matching component dtypes.")
        names = queues[0].names
        if not all(names == q.names for q in queues[1:]):
            raise TypeError("Queues do not have matching component names.")
        shapes = [functools.reduce(lambda a, b: a.most_specific_compatible_shape(b), s)
                  for s in zip(*[q.shapes for q in queues])]
        from .ops.array import stack
        from .ops.gather import gather
        refs = stack([q.queue_ref for q in queues])
        return QueueBase(types, shapes, names, gather(refs, index))

    @property
    def queue_ref(self):
        """The queue's handle: a string scalar tensor (TF1: a resource)."""
        return self._queue_ref

    @property
    def name(self):
        """The name of the queue's handle node."""
        return self._queue_ref.node.name

    @property
    def dtypes(self):
        return self._dtypes

    @property
    def shapes(self):
        return self._shapes

    @property
    def names(self):
        return self._names

    def _check_enqueue_dtypes(self, vals):
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError("Keys in dictionary to enqueue do not match names of "
                                 f"Queue.  Dictionary: {sorted(vals.keys())},Queue: "
                                 f"{sorted(self._names)}")
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        if len(vals) != len(self._dtypes):
            raise ValueError(f"queue '{self.name}' has {len(self._dtypes)} components "
                             f"but {len(vals)} values were given to enqueue")
        return [convert_to_tensor(v, dtype=d, name=f"component_{i}")
                for i, (v, d) in enumerate(zip(vals, self._dtypes))]

    @staticmethod
    def _scope_vals(vals):
        if isinstance(vals, (list, tuple)):
            return list(vals)
        if isinstance(vals, dict):
            return list(vals.values())
        return [vals]

    def enqueue(self, vals, name=None):
        """The op adding one element (a tensor, list/tuple or dict of them); a run waits
        while the queue is full and fails with CancelledError once it is closed."""
        with name_scope(name, f"{self._name}_enqueue", self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            for v, s in zip(vals, self._shapes):
                v.shape.assert_is_compatible_with(s)
            return apply(Q.ENQUEUE, [self._queue_ref] + vals, name=scope,
                         component_types=tuple(self._dtypes))

    def enqueue_many(self, vals, name=None):
        """The op adding the slices along dim 0 of each component, in order."""
        with name_scope(name, f"{self._name}_EnqueueMany", self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            batch = None
            for v, s in zip(vals, self._shapes):
                v.shape.with_rank_at_least(1)
                d = v.shape._dims[0] if v.shape._dims else None
                if isinstance(d, int):
                    if batch is not None and batch != d:
                        from .errors import ShapeError
                        raise ShapeError(f"Dimensions {batch} and {d} are not compatible")
                    batch = d
                if v.shape._dims is not None:
                    TensorShape(v.shape._dims[1:]).assert_is_compatible_with(s)
            return apply(Q.ENQUEUE_MANY, [self._queue_ref] + vals, name=scope,
                         component_types=tuple(self._dtypes), many=True)

    def _result(self, tensors):
        if self._names:
            return {n: tensors[i] for i, n in enumerate(self._names)}
        return tensors[0] if len(tensors) == 1 else list(tensors)

    def _dequeue(self, inputs, name, **attrs):
        op = Q.DEQUEUE if not attrs else (Q.DEQUEUE_UP_TO if attrs["up_to"] else
                                          Q.DEQUEUE_MANY)
        node = apply(op, inputs, name=name, component_types=tuple(self._dtypes),
                     shapes=tuple(_shape_attr(s) for s in self._shapes), **attrs)
        return self._result(node.outputs)

    def dequeue(self, name=None):
        """One element (a tensor, list or dict as enqueued); a run waits while the queue
        is empty and fails with OutOfRangeError once it is closed and empty."""
        return self._dequeue([self._queue_ref], name or f"{self._name}_Dequeue")

    def dequeue_many(self, n, name=None):
        """n elements stacked along a new dim 0 (TF1); OutOfRangeError when the queue is
        closed with fewer than n left."""
        n = convert_to_tensor(n, dtype=_dtypes.int32)
        return self._dequeue([self._queue_ref, n], name or f"{self._name}_DequeueMany",
                             many=True, up_to=False)

    def dequeue_up_to(self, n, name=None):
        """dequeue_many, but a closed queue with 1..n-1 elements left gives those."""
        n = convert_to_tensor(n, dtype=_dtypes.int32)
        return self._dequeue([self._queue_ref, n], name or f"{self._name}_DequeueUpTo",
                             many=True, up_to=True)

    def close(self, cancel_pending_enqueues=False, name=None):
        """The op closing the queue (with cancel_pending_enqueues, waiting enqueues fail)."""
        return apply(Q.CLOSE, [self._queue_ref], name=name or f"{self._name}_Close",
                     cancel_pending_enqueues=bool(cancel_pending_enqueues))

    def is_closed(self, name=None):
        """A bool scalar: whether the queue is closed."""
        return apply1(Q.IS_CLOSED, [self._queue_ref], name=name or f"{self._name}_Is_Closed")

    def size(self, name=None):
        """An int32 scalar: the number of elements in the queue."""
        return apply1(Q.SIZE, [self._queue_ref], name=name or f"{self._name}_Size")


def _handle(op, name, types, shapes, capacity, shared_name, **attrs):
    shape_attr = None if shapes is None else tuple(_shape_attr(s) for s in shapes)
    with get_default_graph().control_dependencies(None):    # TF1's init_scope
        return apply1(op, (), name=name, component_types=tuple(types), shapes=shape_attr,
                      capacity=int(capacity), shared_name=shared_name or "", **attrs)


class FIFOQueue(QueueBase):
    """A first-in first-out queue (TF1 tf.FIFOQueue). Without shapes, elements may differ
    in shape but dequeue_many is refused at run time.

        q = gc.FIFOQueue(3, gc.int32, shapes=[[]])
        sess.run(q.enqueue_many([[1, 2, 3]])); sess.run(q.dequeue())   # 1
    """

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        types = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, types)
        _check_lengths(types, shapes)
        ref = _handle(Q.FIFO_QUEUE, name, types, shapes, capacity, shared_name)
        super().__init__(types, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose shapes may have None dims; dequeue_many pads each batch with
    zeros (b"" for strings) to its largest element (TF1 tf.PaddingFIFOQueue).

        q = gc.PaddingFIFOQueue(5, gc.int32, shapes=[[None]])
    """

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        types = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, partial=True)
        names = _as_name_list(names, types)
        if len(types) != len(shapes):
            raise ValueError("Shapes must be provided for all components, but received "
                             f"{len(types)} dtypes and {len(shapes)} shapes.")
        ref = _handle(Q.PADDING_FIFO_QUEUE, name, types, shapes, capacity, shared_name)
        super().__init__(types, shapes, names, ref)


class RandomShuffleQueue(QueueBase):
    """A queue dequeuing its elements in random order, keeping at least
    min_after_dequeue of them until it is closed (TF1 tf.RandomShuffleQueue). The order
    is graphc's own (numpy's generator, seeded by seed and the graph seed).

        q = gc.RandomShuffleQueue(100, 10, gc.float32, shapes=[[]], seed=1)
    """

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None,
                 seed=None, shared_name=None, name="random_shuffle_queue"):
        types = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, types)
        _check_lengths(types, shapes)
        seeds = get_seed(get_default_graph(), seed)
        ref = _handle(Q.RANDOM_SHUFFLE_QUEUE, name, types, shapes, capacity, shared_name,
                      min_after_dequeue=int(min_after_dequeue),
                      seed=None if seeds is None else tuple(seeds))
        super().__init__(types, shapes, names, ref)


class PriorityQueue(QueueBase):
    """A queue dequeuing the element of smallest priority first: each element starts
    with an int64 scalar priority, then the components of `types` (TF1
    tf.PriorityQueue; equal priorities leave in the order they came).

        q = gc.PriorityQueue(10, [gc.string], shapes=[[]])
        q.enqueue((3, "c")); q.dequeue()    # [priority, value]
    """

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        types = _as_type_list(types)
        shapes = _as_shape_list(shapes)
        if shapes is None:
            raise TypeError("Expected list for 'shapes' argument to 'priority_queue_v2' "
                            "Op, not None.")
        _check_lengths(types, shapes)
        all_types = [_dtypes.int64] + types
        all_shapes = [TensorShape(())] + shapes
        ref = _handle(Q.PRIORITY_QUEUE, name, all_types, all_shapes, capacity, shared_name)
        super().__init__(all_types, all_shapes, names, ref)
