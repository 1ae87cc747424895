"""The queue ops (TF1's data_flow_ops): a queue's handle op (FIFOQueueV2, ...) makes the
queue in the Session on first use and outputs its handle, a string scalar (TF: a
resource); the other ops take the handle as their first input and find the queue's
contents in session._op_state (queue_state.py) under it.

    QueueEnqueueV2(handle, *components)        one element; waits while the queue is full
    QueueEnqueueManyV2(handle, *components)    the slices along dim 0
    QueueDequeueV2(handle) -> components       waits for an element
    QueueDequeueManyV2(handle, n), QueueDequeueUpToV2(handle, n) -> batched components
    QueueCloseV2(handle), QueueSizeV2(handle), QueueIsClosedV2(handle)
"""
import numpy as np

from .. import dtypes, errors
from ..shapes import InferError, TensorShape
from .queue_state import QueueState, new_name, state_of
from .registry import OpDef, register

__all__ = []

_KINDS = {"FIFOQueueV2": "FIFOQueue", "PaddingFIFOQueueV2": "PaddingFIFOQueue",
          "RandomShuffleQueueV2": "RandomShuffleQueue", "PriorityQueueV2": "PriorityQueue"}


def fail(rt, e):
    """e (an OpError) again, naming the node that ran (TF1 appends the node too)."""
    cls = type(e)
    raise cls(f"{e.message}\n\t [[node {rt.node.name} ({rt.node.type}, created at "
              f"{errors.format_site(rt.node.site)})]]", op=rt.node) from None


def handle_key(handle):
    h = handle.item() if isinstance(handle, np.ndarray) else handle
    return ("queue", h.decode() if isinstance(h, bytes) else h)


def queue_of(rt, handle):
    st = rt.session._op_state.get(handle_key(handle))
    if st is None:
        fail(rt, errors.NotFoundError(f"no queue with handle {handle_key(handle)[1]!r} "
                                      "in this Session"))
    return st


def _need_handle(h, i=0):
    if h.dtype is not dtypes.string or h.shape.rank not in (None, 0):
        raise InferError(f"a queue handle must be a scalar string tensor (a queue's "
                         f"queue_ref), not {{{i}}} of {h.dtype.name} {h.shape}", "dtype")


# ---- the handle ops ------------------------------------------------------------------
def _infer_handle(ctx, **attrs):
    return (), dtypes.string


def _handle_kernel(rt, *, component_types, shapes, capacity, min_after_dequeue=0,
                   seed=None, shared_name=""):
    handle = shared_name or rt.node.name
    kind = _KINDS[rt.node.type]

    def make():
        return QueueState(kind, shared_name or new_name(rt.node.name), capacity,
                          [d.np for d in component_types], shapes, min_after_dequeue,
                          None if seed is None else list(seed))
    state_of(rt, handle_key(handle), make)
    return np.array(handle.encode(), dtype=object)


def _handle_op(name, api, doc):
    return register(OpDef(
        name, _infer_handle, _handle_kernel, uses_state=True, stateful=True,
        differentiable=False, api=api, signature=f"{api}(capacity, dtypes, ...).queue_ref",
        shape_rule="() string (TF: a resource)", dtypes="string", doc=doc))


FIFO_QUEUE = _handle_op("FIFOQueueV2", "FIFOQueue", "A first-in first-out queue's handle.")
PADDING_FIFO_QUEUE = _handle_op("PaddingFIFOQueueV2", "PaddingFIFOQueue",
                                "A FIFO queue that pads dequeue_many batches; its handle.")
RANDOM_SHUFFLE_QUEUE = _handle_op("RandomShuffleQueueV2", "RandomShuffleQueue",
                                  "A queue dequeuing elements in random order; its handle.")
PRIORITY_QUEUE = _handle_op("PriorityQueueV2", "PriorityQueue",
                            "A queue dequeuing the smallest int64 priority first; its handle.")


# ---- enqueue ---------------------------------------------------------------------------
def _infer_enqueue(ctx, handle, *comps, component_types, many=False):
    _need_handle(handle)
    if len(comps) != len(component_types):
        raise InferError(f"the queue has {len(component_types)} components, but "
                         f"{len(comps)} values were given")
    for i, (t, d) in enumerate(zip(comps, component_types)):
        if t.dtype is not d:
            raise InferError(f"component {i}: {{{i + 1}}} is {t.dtype.name} but the queue "
                             f"holds {d.name}", "dtype")
        if many and t.shape.rank == 0:
            raise InferError(f"Shape {t.shape} must have rank at least 1: {{{i + 1}}} "
                             "(enqueue_many slices dim 0)")
    return []


def _shape_str(s):
    return "[" + ",".join("?" if d is None else str(d) for d in s) + "]"


def _check_element(st, arrays, offset=0):
    """Each component of one element (or of a batch, past `offset` leading dims) fits
    the queue's shapes."""
    if st.shapes is None:
        return
    for i, (a, want) in enumerate(zip(arrays, st.shapes)):
        got = a.shape[offset:]
        if want is None:
            continue
        if len(got) != len(want) or any(w is not None and w != g for w, g in zip(want, got)):
            lead = "".join(f"{n}," for n in a.shape[:offset])
            raise errors.ExecutionError(
                f"Shape mismatch in tuple component {i}. Expected [{lead}"
                f"{_shape_str(want)[1:]}, got {_shape_str(a.shape)}")


def _enqueue_kernel(rt, handle, *comps, component_types):
    st = queue_of(rt, handle)
    try:
        _check_element(st, comps)
        st.enqueue([tuple(np.array(c, copy=True) for c in comps)])
    except errors.OpError as e:
        fail(rt, e)
    return ()


def _enqueue_many_kernel(rt, handle, *comps, component_types, many):
    st = queue_of(rt, handle)
    try:
        n = comps[0].shape[0] if comps[0].ndim else 0
        for i, c in enumerate(comps):
            if c.ndim == 0 or c.shape[0] != n:
                raise errors.ExecutionError(
                    "All input tensors must have the same size in the 0th dimension. "
                    f"Component {i} has {c.shape[0] if c.ndim else 'no dim 0'}, and should "
                    f"have {n}")
        _check_element(st, comps, offset=1)
        if n:
            owned = [np.array(c, copy=True) for c in comps]
            st.enqueue([tuple(c[k, ...] for c in owned) for k in range(n)])  # 0-d arrays:
            #                                                 a string keeps its NULs
    except errors.OpError as e:
        fail(rt, e)
    return ()


ENQUEUE = register(OpDef(
    "QueueEnqueueV2", _infer_enqueue, _enqueue_kernel, uses_state=True, stateful=True,
    differentiable=False, api="QueueBase.enqueue", signature="queue.enqueue(vals, name=None)",
    shape_rule="handle, components -> no outputs", dtypes="the queue's",
    doc="Adds one element to a queue; waits while it is full."))
ENQUEUE_MANY = register(OpDef(
    "QueueEnqueueManyV2", _infer_enqueue, _enqueue_many_kernel, uses_state=True,
    stateful=True, differentiable=False, api="QueueBase.enqueue_many",
    signature="queue.enqueue_many(vals, name=None)",
    shape_rule="handle, components (n, ...) -> no outputs", dtypes="the queue's",
    doc="Adds the slices along dim 0 of the components to a queue, in order."))


# ---- dequeue ---------------------------------------------------------------------------
def _infer_dequeue(ctx, handle, *n, component_types, shapes, many=False, up_to=False):
    _need_handle(handle)
    if not many:
        return [(TensorShape(s), d) for s, d in zip(shapes, component_types)]
    count = n[0]
    if count.dtype is not dtypes.int32 or count.shape.rank not in (None, 0):
        raise InferError(f"n must be an int32 scalar, not {{1}} of {count.dtype.name} "
                         f"{count.shape}", "dtype")
    lead = None
    if not up_to:
        v = ctx.constant_value(count)
        lead = None if v is None or int(v) < 0 else int(v)   # < 0: refused when run
    return [(TensorShape(None) if s is None else TensorShape((lead,) + tuple(s)), d)
            for s, d in zip(shapes, component_types)]


def _dequeue_kernel(rt, handle, *, component_types, shapes):
    st = queue_of(rt, handle)
    try:
        elem = st.dequeue(1)[0]
    except errors.OpError as e:
        fail(rt, e)
    return elem if len(elem) > 1 else elem[0]


def _batch(st, elems, k):
    """Component k of elements stacked along a new dim 0 (padded with zeros / b"" up
    to the largest shape in a PaddingFIFOQueue)."""
    dt = st.np_dtypes[k]
    text = np.dtype(dt).kind == "O"
    parts = [e[k] for e in elems]
    if not parts:
        want = st.shapes[k]
        shape = (0,) + tuple(0 if d is None else d for d in want)
        return np.full(shape, b"", object) if text else np.zeros(shape, dt)
    if st.kind != "PaddingFIFOQueue":
        return np.stack(parts).astype(dt, copy=False)
    big = tuple(max(p.shape[j] for p in parts) for j in range(parts[0].ndim))
    out = np.full((len(parts),) + big, b"", object) if text else \
        np.zeros((len(parts),) + big, dt)
    for i, p in enumerate(parts):
        out[(i,) + tuple(slice(0, d) for d in p.shape)] = p
    return out


def _dequeue_many_kernel(rt, handle, n, *, component_types, shapes, many, up_to):
    st = queue_of(rt, handle)
    n = int(n)
    try:
        if n < 0:
            raise errors.ExecutionError(f"{'DequeueUpToOp' if up_to else 'DequeueManyOp'} "
                                        f"requested {n} < 0 elements")
        if st.kind != "PaddingFIFOQueue" and (st.shapes is None or any(
                s is None or None in s for s in st.shapes)):
            raise errors.ExecutionError(
                f"{st.kind}'s DequeueMany and DequeueUpTo require the components to have "
                "specified shapes.")
        elems = st.dequeue(n, up_to) if n else []
    except errors.OpError as e:
        fail(rt, e)
    out = tuple(_batch(st, elems, k) for k in range(len(component_types)))
    return out if len(out) > 1 else out[0]


DEQUEUE = register(OpDef(
    "QueueDequeueV2", _infer_dequeue, _dequeue_kernel, uses_state=True, stateful=True,
    differentiable=False, api="QueueBase.dequeue", signature="queue.dequeue(name=None)",
    shape_rule="handle -> the queue's component shapes", dtypes="the queue's",
    doc="Removes one element from a queue; waits while it is empty."))
DEQUEUE_MANY = register(OpDef(
    "QueueDequeueManyV2", _infer_dequeue, _dequeue_many_kernel, uses_state=True,
    stateful=True, differentiable=False, api="QueueBase.dequeue_many",
    signature="queue.dequeue_many(n, name=None)",
    shape_rule="handle, n -> (n, *component shape) each", dtypes="the queue's",
    doc="Removes n elements, stacked along a new dim 0 (OutOfRange once closed and short)."))
DEQUEUE_UP_TO = register(OpDef(
    "QueueDequeueUpToV2", _infer_dequeue, _dequeue_many_kernel, uses_state=True,
    stateful=True, differentiable=False, api="QueueBase.dequeue_up_to",
    signature="queue.dequeue_up_to(n, name=None)",
    shape_rule="handle, n -> (?, *component shape) each", dtypes="the queue's",
    doc="dequeue_many, except that a closed queue gives its last elements (1 to n)."))


# ---- close, size, is_closed ------------------------------------------------------------
def _infer_close(ctx, handle, *, cancel_pending_enqueues):
    _need_handle(handle)
    return []


def _close_kernel(rt, handle, *, cancel_pending_enqueues):
    queue_of(rt, handle).close(cancel_pending_enqueues)
    return ()


def _infer_scalar(dtype):
    def infer(ctx, handle):
        _need_handle(handle)
        return (), dtype
    return infer


CLOSE = register(OpDef(
    "QueueCloseV2", _infer_close, _close_kernel, uses_state=True, stateful=True,
    differentiable=False, api="QueueBase.close",
    signature="queue.close(cancel_pending_enqueues=False, name=None)",
    shape_rule="handle -> no outputs", dtypes="-",
    doc="Closes a queue: enqueues fail, dequeues drain it then fail with OutOfRange."))
SIZE = register(OpDef(
    "QueueSizeV2", _infer_scalar(dtypes.int32),
    lambda rt, handle: np.asarray(queue_of(rt, handle).size(), np.int32),
    uses_state=True, stateful=True, differentiable=False, api="QueueBase.size",
    signature="queue.size(name=None)", shape_rule="handle -> () int32", dtypes="int32",
    doc="The number of elements in a queue."))
IS_CLOSED = register(OpDef(
    "QueueIsClosedV2", _infer_scalar(dtypes.bool_),
    lambda rt, handle: np.asarray(queue_of(rt, handle).closed, np.bool_),
    uses_state=True, stateful=True, differentiable=False, api="QueueBase.is_closed",
    signature="queue.is_closed(name=None)", shape_rule="handle -> () bool", dtypes="bool",
    doc="Whether a queue is closed."))
