"""The export side of tf_graphdef_queues.py: graphc's queue ops as TF's (the
PriorityQueue node without its int64 priority among the component types, as TF's)."""
from ..shapes import TensorShape
from .tf_graphdef_export import Shape, export
from .tf_graphdef_queues import QUEUES

__all__ = []


@export(*QUEUES)
def _queue(ex, n):
    a = n.attrs
    types, shapes = list(a["component_types"]), a["shapes"]
    if n.type == "PriorityQueueV2":
        types, shapes = types[1:], None if shapes is None else shapes[1:]
    attrs = dict(component_types=types, capacity=a["capacity"], container="",
                 shared_name=a["shared_name"],
                 shapes=[Shape(TensorShape(s)) for s in shapes or ()])
    if n.type == "RandomShuffleQueueV2":
        seed, seed2 = a["seed"] or (0, 0)
        attrs.update(min_after_dequeue=a["min_after_dequeue"], seed=seed, seed2=seed2)
    ex.emit(n, n.type, (), **attrs)


@export("QueueEnqueueV2", "QueueEnqueueManyV2")
def _enqueue(ex, n):
    ex.emit(n, n.type, n.inputs, Tcomponents=[t.dtype for t in n.inputs[1:]],
            timeout_ms=-1)


@export("QueueDequeueV2", "QueueDequeueManyV2", "QueueDequeueUpToV2")
def _dequeue(ex, n):
    ex.emit(n, n.type, n.inputs, component_types=list(n.attrs["component_types"]),
            timeout_ms=-1)


@export("QueueCloseV2")
def _close(ex, n):
    ex.emit(n, "QueueCloseV2", n.inputs,
            cancel_pending_enqueues=n.attrs["cancel_pending_enqueues"])


@export("QueueSizeV2", "QueueIsClosedV2")
def _size(ex, n):
    ex.emit(n, n.type, n.inputs)
