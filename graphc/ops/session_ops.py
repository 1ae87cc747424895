"""Session handles (TF1's tf.get_session_handle and friends): keep a tensor's value in
the Session between run() calls and name it by a string handle.

    GetSessionHandle(data)        stores data's value, returns its handle "name;id;device"
    GetSessionTensor(handle)      the stored value (of the declared dtype)
    DeleteSessionTensor(handle)   forgets it

Each Session keeps its values in session._op_state[STORE]: handle -> (array, dtype),
so a handle is only known to the Session that made it, and close() forgets them all.
Session.run returns a TensorHandle for a GetSessionHandle output (graphc/session.py),
and a TensorHandle feeds as its handle string.

    h = sess.run(gc.get_session_handle(a * b))
    p, x = gc.get_session_tensor(h.handle, gc.float32)
    sess.run(x * 10, feed_dict={p: h})
"""
import numpy as np

from .. import device_spec, dtypes, errors
from ..graph import Tensor, get_default_graph
from ..shapes import InferError, TensorShape
from .core import placeholder
from .registry import OpDef, apply, apply1, register

__all__ = ["get_session_handle", "get_session_tensor", "delete_session_tensor"]

STORE = "session_tensors"       # session._op_state key: {"next": id, "values": {}, ...}
DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"     # where graphc keeps them
DEAD_HANDLES_THRESHOLD = 10     # dropped TensorHandles freed in batches (TF1's count)


def _store(session):
    s = session._op_state.get(STORE)
    if s is None:
        s = session._op_state[STORE] = {"next": 0, "values": {}, "dead": []}
    return s


def _handle_name(h):
    """The str of a fed handle (0-d array of bytes)."""
    if h.ndim != 0:
        raise errors.InvalidArgumentError(f"a session handle must be a scalar string, "
                                          f"got shape {list(h.shape)}")
    v = h[()]
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def _infer_handle_input(ctx, handle):
    if handle.dtype is not dtypes.string:
        raise InferError(f"the handle must be a string tensor, got {handle.dtype.name}: "
                         "{0}", "dtype")
    if handle.shape.rank not in (None, 0):
        raise InferError(f"Shape must be rank 0 but is rank {handle.shape.rank}: {{0}}")


def _get_handle_kernel(rt, data, *, T):
    s = _store(rt.session)
    handle = f"{rt.node.name};{s['next']};{DEVICE}"
    s["next"] += 1
    s["values"][handle] = (np.array(data, copy=True), T)
    return np.array(handle.encode(), dtype=object)


GET_SESSION_HANDLE = register(OpDef(
    "GetSessionHandle", lambda ctx, data, *, T: ((), dtypes.string), _get_handle_kernel,
    uses_state=True, stateful=True, differentiable=False, api="get_session_handle",
    signature="get_session_handle(data, name=None)", shape_rule="any -> () string",
    dtypes="any -> string",
    doc="Keeps data's value in the Session; its handle string."))


def _infer_get_tensor(ctx, handle, *, dtype):
    _infer_handle_input(ctx, handle)
    return TensorShape(None), dtype


def _get_tensor_kernel(rt, handle, *, dtype):
    name = _handle_name(handle)
    got = _store(rt.session)["values"].get(name)
    if got is None:
        raise errors.InvalidArgumentError(
            f"The tensor with handle '{name}' is not in the session store.\n  "
            f"{errors.describe_node(rt.node)}", op=rt.node)
    value, stored = got
    if stored is not dtype:
        raise errors.InternalError(
            f"Output 0 of type {stored.name} does not match declared output type "
            f"{dtype.name} for node {rt.node.name}\n  {errors.describe_node(rt.node)}",
            op=rt.node)
    return value.copy()


GET_SESSION_TENSOR = register(OpDef(
    "GetSessionTensor", _infer_get_tensor, _get_tensor_kernel,
    uses_state=True, stateful=True, differentiable=False, api="get_session_tensor",
    signature="get_session_tensor(handle, dtype, name=None)",
    shape_rule="() string -> unknown shape", dtypes="string -> dtype",
    doc="The value a Session keeps under a handle."))


def _infer_delete(ctx, handle):
    _infer_handle_input(ctx, handle)
    return []


def _delete_kernel(rt, handle):
    name = _handle_name(handle)
    if _store(rt.session)["values"].pop(name, None) is None:
        raise errors.InvalidArgumentError(
            f"Failed to delete a tensor with handle '{name}' in the session store.\n  "
            f"{errors.describe_node(rt.node)}", op=rt.node)
    return ()


DELETE_SESSION_TENSOR = register(OpDef(
    "DeleteSessionTensor", _infer_delete, _delete_kernel,
    uses_state=True, stateful=True, differentiable=False, api="delete_session_tensor",
    signature="delete_session_tensor(handle, name=None)",
    shape_rule="() string -> no outputs", dtypes="string",
    doc="Forgets the value a Session keeps under a handle."))


def _handle_device(handle):
    """The device part of a handle string, checked as TF1 does (ValueError if bad)."""
    text = handle.decode() if isinstance(handle, bytes) else str(handle)
    return device_spec.to_string(device_spec.parse(text.split(";")[-1]))


def get_session_handle(data, name=None):
    """A scalar string tensor: running it keeps `data`'s value in the Session and
    returns a TensorHandle to it (TF1 tf.compat.v1.get_session_handle).

        h = sess.run(gc.get_session_handle(c))     # a TensorHandle
        p, a = gc.get_session_tensor(h.handle, gc.float32)
        sess.run(a * 10, feed_dict={p: h.handle})
    """
    if not isinstance(data, Tensor):
        raise TypeError("`data` must be of type Tensor.")
    with data.graph.as_default():
        return apply1(GET_SESSION_HANDLE, (data,), name=name or "GetSessionHandle",
                      T=data.dtype)


def get_session_tensor(handle, dtype, name=None):
    """(holder, tensor): feed `holder` a handle (its string or the TensorHandle) and
    `tensor` is the value the Session keeps under it (TF1 get_session_tensor). `handle`
    only gives the device; a malformed one is a ValueError, as in TF1.

        p, a = gc.get_session_tensor(h.handle, gc.float32)
        sess.run(a, feed_dict={p: h})
    """
    with get_default_graph().device(_handle_device(handle)):
        holder = placeholder(dtypes.string)
        tensor = apply1(GET_SESSION_TENSOR, (holder,), name=name or "GetSessionTensor",
                        dtype=dtypes.as_dtype(dtype))
    return holder, tensor


def delete_session_tensor(handle, name=None):
    """(holder, deleter): running `deleter` with `holder` fed a handle forgets the
    value kept under it (TF1 delete_session_tensor).

        holder, deleter = gc.delete_session_tensor(h.handle)
        sess.run(deleter, feed_dict={holder: h.handle})
    """
    with get_default_graph().device(_handle_device(handle)):
        holder = placeholder(dtypes.string)
        deleter = apply(DELETE_SESSION_TENSOR, (holder,),
                        name=name or "DeleteSessionTensor")
    return holder, deleter


class TensorHandle:
    """A value kept in a Session, as Session.run returns it for a get_session_handle
    tensor (TF1's TensorHandle). Feeds as its handle string. Dropping it frees the
    value (in batches of ten, as TF1), unless get_raw_handle() was called.

        h = sess.run(gc.get_session_handle(c))
        h.eval()        # the value
        h.delete()      # forget it now
    """

    def __init__(self, handle, dtype, session):
        self._handle = handle.decode() if isinstance(handle, bytes) else str(handle)
        self._dtype = dtype
        self._session = session
        self._auto_gc_enabled = True

    @property
    def handle(self):
        """The handle string."""
        return self._handle

    def __str__(self):
        return self._handle

    def __array__(self, dtype=None, copy=None):
        return np.array(self._handle.encode(), dtype=object)

    def _check_live(self):
        if not self._auto_gc_enabled:
            raise TypeError(f"Persistent tensor {self._handle} may have already been "
                            "deleted.")
        if self._session._closed:
            raise errors.ClosedSessionError()

    def eval(self):
        """The value kept under this handle."""
        self._check_live()
        got = _store(self._session)["values"].get(self._handle)
        if got is None:
            raise errors.InvalidArgumentError(
                f"The tensor with handle '{self._handle}' is not in the session store.")
        return got[0].copy()

    def delete(self):
        """Forget the value now (TypeError if this handle was deleted or made raw)."""
        self._check_live()
        self._auto_gc_enabled = False
        if _store(self._session)["values"].pop(self._handle, None) is None:
            raise errors.InvalidArgumentError(
                f"Failed to delete a tensor with handle '{self._handle}' in the session "
                "store.")

    def get_raw_handle(self):
        """The handle string; the caller now manages the value's lifetime (dropping
        this object no longer frees it, eval() and delete() refuse)."""
        self._auto_gc_enabled = False
        return self._handle

    def __del__(self):
        session = getattr(self, "_session", None)
        if not getattr(self, "_auto_gc_enabled", False) or session._closed:
            return
        s = _store(session)
        s["dead"].append(self._handle)
        if len(s["dead"]) >= DEAD_HANDLES_THRESHOLD:
            for h in s["dead"]:
                s["values"].pop(h, None)
            s["dead"].clear()


class HandleFetch:
    """A session fetch (feeds._Fetch) whose GetSessionHandle outputs, at item positions
    `wrap`, come back as TensorHandles."""

    def __init__(self, fetch, wrap, session):
        self.fetch = fetch
        self.items = fetch.items
        self.template = ("handles", fetch.template)     # not an int: no 1-fetch shortcut
        self.wrap = [(i, fetch.items[i].node.inputs[0].dtype) for i in wrap]
        self.session = session

    def rebuild(self, values):
        values = list(values)
        for i, dtype in self.wrap:
            values[i] = TensorHandle(values[i], dtype, self.session)
        return self.fetch.rebuild(values)
