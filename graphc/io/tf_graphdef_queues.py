"""TF GraphDef import of TF1's queues (input pipelines built with tf.FIFOQueue,
tf.train.batch / shuffle_batch ...): the queue nodes (FIFOQueueV2, PaddingFIFOQueueV2,
RandomShuffleQueueV2, PriorityQueueV2) and the ops on their handle (enqueue, dequeue,
close, size) map one to one onto graphc's (ops/queue_ops.py), whose handle is a string
tensor too. A dequeue takes its component shapes from the queue node it reads (through
Identities). graphc's PriorityQueue lists the int64 priority among its component types,
TF's node leaves it out. Export: tf_graphdef_export_queues.py.
"""
from .. import dtypes
from ..ops import queue_ops as Q
from ..ops.registry import apply, apply1
from .tf_graphdef_ops import table_op, through_identities

__all__ = ["OPS", "QUEUES"]

OPS = {}
_op = table_op(OPS)
QUEUES = {"FIFOQueueV2": Q.FIFO_QUEUE, "PaddingFIFOQueueV2": Q.PADDING_FIFO_QUEUE,
          "RandomShuffleQueueV2": Q.RANDOM_SHUFFLE_QUEUE, "PriorityQueueV2": Q.PRIORITY_QUEUE}


def _shapes(n, count):
    shapes = n.attr("shapes", [])
    if not shapes:
        return None
    if len(shapes) != count:
        raise n.fail(f"has {len(shapes)} shapes for {count} component types")
    return tuple(None if s is None else tuple(s) for s in shapes)


@_op(" ".join(QUEUES), "", "?")
def _queue(n):
    if n.attr("container", ""):
        raise n.fail(f"container={n.attr('container')!r}: queues shared between sessions "
                     "are not supported (graphc keeps a queue in its Session)")
    types = tuple(n.attr("component_types", []))
    shapes = _shapes(n, len(types))
    extra = {}
    if n.op == "PriorityQueueV2":          # graphc's types hold the priority first
        types = (dtypes.int64,) + types
        shapes = None if shapes is None else ((),) + shapes
    if n.op == "RandomShuffleQueueV2":
        seed, seed2 = n.attr("seed", 0), n.attr("seed2", 0)
        extra = dict(min_after_dequeue=n.attr("min_after_dequeue", 0),
                     seed=None if seed == seed2 == 0 else (int(seed), int(seed2)))
    return apply1(QUEUES[n.op], (), name=n.name, component_types=types, shapes=shapes,
                  capacity=n.attr("capacity", -1), shared_name=n.attr("shared_name", ""),
                  **extra)


def queue_of(n, handle):
    """The graphc queue node input 0 (a handle) comes from, through Identities."""
    node = through_identities(handle)
    if node.op not in QUEUES.values():
        raise n.fail(f"input 0 ({handle.name}) is not a queue's handle (a FIFOQueueV2 ... "
                     "node, through Identities): graphc cannot tell which queue it is")
    return node


def _no_timeout(n):
    if n.attr("timeout_ms", -1) != -1:
        raise n.fail(f"timeout_ms={n.attr('timeout_ms')}: graphc's queue ops wait for the "
                     "Session's operation_timeout_in_ms only")


def _enqueue(op, many):
    def build(n, handle, *components):
        _no_timeout(n)
        queue_of(n, handle)
        attrs = dict(component_types=tuple(c.dtype for c in components))
        if many:
            attrs["many"] = True
        return apply(op, (handle, *components), name=n.name, **attrs)
    return build


OPS["QueueEnqueueV2"] = (("?", "*Tcomponents"), (), _enqueue(Q.ENQUEUE, False))
OPS["QueueEnqueueManyV2"] = (("?", "*Tcomponents"), (), _enqueue(Q.ENQUEUE_MANY, True))


def _dequeue(op, many, up_to):
    def build(n, handle, *count):
        _no_timeout(n)
        queue = queue_of(n, handle)
        types = tuple(n.attr("component_types"))
        if types != tuple(queue.attrs["component_types"]):
            raise n.fail(f"component_types {[t.name for t in types]} are not its queue's "
                         f"{[t.name for t in queue.attrs['component_types']]}")
        shapes = queue.attrs["shapes"] or (None,) * len(types)
        attrs = dict(many=True, up_to=up_to) if many else {}
        node = apply(op, (handle, *count), name=n.name, component_types=types,
                     shapes=shapes, **attrs)
        return list(node.outputs)
    return build


OPS["QueueDequeueV2"] = (("?",), ("*component_types",), _dequeue(Q.DEQUEUE, False, False))
OPS["QueueDequeueManyV2"] = (("?", "=int32"), ("*component_types",),
                             _dequeue(Q.DEQUEUE_MANY, True, False))
OPS["QueueDequeueUpToV2"] = (("?", "=int32"), ("*component_types",),
                             _dequeue(Q.DEQUEUE_UP_TO, True, True))


@_op("QueueCloseV2", "?", "")
def _close(n, handle):
    queue_of(n, handle)
    return apply(Q.CLOSE, (handle,), name=n.name,
                 cancel_pending_enqueues=n.attr("cancel_pending_enqueues", False))


@_op("QueueSizeV2", "?", "=int32")
def _size(n, handle):
    queue_of(n, handle)
    return apply1(Q.SIZE, (handle,), name=n.name)


@_op("QueueIsClosedV2", "?", "=bool")
def _is_closed(n, handle):
    queue_of(n, handle)
    return apply1(Q.IS_CLOSED, (handle,), name=n.name)
