"""The TensorArray ops (ops/tensor_array.py has the TensorArray object and the design):
TensorArrayNew, Scatter (write, scatter), Pop (the write's gradient), Gather (read,
gather) and Stack, and the buffers they make: a Buffer knows which elements the user's
writes have set (a second write to one raises, as in TF1), an Owned one a Loop writes in
place.
"""
import numpy as np

from ..shapes import InferError, TensorShape
from .array import SHAPE, shape as shape_of
from .registry import OpDef, apply, apply1, register

__all__ = []


# ---- buffers -----------------------------------------------------------------------------
class Buffer(np.ndarray):
    """A TensorArray buffer that knows which of its elements the user's writes have set:
    `written`, a bool per element (None where not known: a buffer fed, or made from a
    flow), so that a second write to one raises, as in TF1. Views and copies share it.
    Arithmetic on a buffer gives plain arrays, so it never spreads to values computed
    from one."""
    written = None

    def __array_finalize__(self, obj):
        self.written = getattr(obj, "written", None)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [x.view(np.ndarray) if isinstance(x, Buffer) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, Buffer) else o
                                  for o in kwargs["out"])
        return getattr(ufunc, method)(*plain, **kwargs)


class Owned(Buffer):
    """A TensorArray buffer that a Loop carries and owns (ops/loop_op.py): the writes in
    its body update it (and its `written`) in place, and each call gets back the buffer
    the last one wrote (never a copy), so a loop of T writes copies it once, not T times.
    A loop owns only buffers that nothing else can see (in_place_carries)."""


class Unwritten(Buffer):
    """A TensorArray's first buffer, before any write: reading it is an error where its
    elements have no size yet (TF: "has not yet been written to"), unlike a written
    buffer of empty elements (a batch of 0 through dynamic_rnn)."""


def written_of(buf):
    """Which elements of buf the user's writes have set, or None where not known."""
    w = getattr(buf, "written", None)
    return w if w is not None and len(w) == len(buf) else None


def owned_copy(buf):
    """A copy of buf that a Loop owns (writes in place), its `written` copied too."""
    out = np.array(buf).view(Owned)
    w = written_of(buf)
    out.written = None if w is None else w.copy()
    return out


def writes_buffer(t):
    """t is a TensorArray write's result (or its gradient's cleared buffer): the buffer
    its record writes in place when it is Owned."""
    return t is not None and (t.node.op is TENSOR_ARRAY_SCATTER or
                              t.node.op is TENSOR_ARRAY_POP and t.index == 0)


def in_place_carries(fg, ins, outs, n_carry):
    """The carries a Loop whose body is (fg, ins, outs) may own (write in place): those
    whose buffer goes from the body's input to its output k through a chain of writes
    and nothing else. A value of the chain is read by its one write (as the buffer),
    and besides by copying readers (read, stack, shape) only, which run before that
    write because it depends on them (a read after it would see the write); no value
    of the chain but the last is a body output (a stacked carry, as the one a
    derivative's trajectory stacks, would change after the call gave it)."""
    from .control import _needed
    nodes = _needed([t for t in outs if t is not None], {t for t in ins if t is not None})
    users = {}
    for n in nodes:
        for slot, t in enumerate(n.inputs):
            users.setdefault(t, []).append((n, slot))
    n_out = {}
    for t in outs:
        n_out[t] = n_out.get(t, 0) + 1
    return [k for k in range(n_carry)
            if writes_buffer(outs[k]) and _one_chain(ins[k], outs[k], users, n_out, nodes)]


def _one_chain(t, last, users, n_out, nodes):
    """Whether the buffer t becomes `last` through writes that no one else sees."""
    while t is not last:
        uses = users.get(t, [])
        writes = [n for n, slot in uses if slot == 0 and writes_buffer(n.outputs[0])]
        if len(writes) != 1 or n_out.get(t):
            return False
        write = writes[0]
        before = _ancestors(write, nodes)
        if any(n is write and slot != 0 or n is not write and (
                n.op not in _COPY_OUT or n not in before) for n, slot in uses):
            return False
        t = write.outputs[0]
    return n_out.get(t) == 1 and all(n.op in _COPY_OUT for n, _ in users.get(t, []))


def _ancestors(node, nodes):
    """The records among `nodes` that `node` depends on."""
    seen, stack = set(), [node]
    while stack:
        n = stack.pop()
        for m in [t.node for t in n.inputs] + list(n.control_inputs):
            if m in nodes and m not in seen:
                seen.add(m)
                stack.append(m)
    return seen


# ---- the ops -------------------------------------------------------------------------------
def _index(ctx, i):
    if not ctx.inputs[i].dtype.is_integer or ctx.inputs[i].shape.rank not in (0, 1, None):
        raise InferError(f"the index {{{i}}} must be an int scalar or vector")


def _infer_new(ctx, size, *, dtype, element_shape, dynamic):
    _index(ctx, 0)
    n = None if dynamic else ctx.constant_value(size)
    elem = TensorShape(element_shape)
    if elem._dims is None:
        return TensorShape(None), dtype
    return TensorShape((None if n is None else int(n),) + elem._dims), dtype


def _new_kernel(rt, size, *, dtype, element_shape, dynamic):
    if size < 0:
        raise ValueError(f"a TensorArray cannot have negative size {size}")
    elem = (0,) if element_shape is None else tuple(0 if d is None else d
                                                    for d in element_shape)
    out = np.zeros((int(size),) + elem, dtype.np).view(Unwritten)
    out.written = np.zeros(int(size), bool)
    return out


# uses_state: a new array each run, never a folded constant (which would forget `written`)
TENSOR_ARRAY_NEW = register(OpDef(
    "TensorArrayNew", _infer_new, _new_kernel, differentiable=False, uses_state=True,
    api="TensorArray", signature="TensorArray(dtype, size=None, dynamic_size=None, "
    "element_shape=None, ...)", shape_rule="(size,) + element_shape", dtypes="any",
    doc="A TensorArray's first buffer: zeros, or no elements until the first write."))


def _elem_dims(ctx, buf, value, scalar):
    """The element shape a write of {2} into {0} gives, merged with what {0} knows."""
    v = value.shape._dims
    vals = None if v is None else (v if scalar else v[1:])
    b = buf.shape._dims
    if b is None or vals is None:
        return vals if b is None else b[1:]
    if len(b) - 1 != len(vals):
        raise InferError(f"{{2}} has elements of shape {TensorShape(vals)}, but the "
                         f"TensorArray {{0}} holds elements of shape {TensorShape(b[1:])}")
    return tuple(ctx.merge_dims(x, y, "{{2}} has elements of shape "
                                f"{TensorShape(vals)}, but the TensorArray {{{{0}}}} holds "
                                f"elements of shape {TensorShape(b[1:])}")
                 for x, y in zip(b[1:], vals))


def _infer_scatter(ctx, buf, index, value, *, dynamic, add, array=None):
    _index(ctx, 1)
    if ctx.inputs[2].dtype is not buf.dtype:
        raise InferError(f"{{2}} is {value.dtype.name}, but the TensorArray {{0}} holds "
                         f"{buf.dtype.name}", "dtype")
    scalar = index.shape.rank == 0
    if index.shape.rank == 1 and value.shape.rank is not None:
        if value.shape.rank == 0:
            raise InferError("{2} must have one row per index of {1}, not be a scalar")
        ctx.merge_dims(index.shape._dims[0], value.shape._dims[0],
                       "{{1}} has {a} indices but {{2}} has {b} rows")
    elem = _elem_dims(ctx, buf, value, scalar)
    if elem is None:
        return TensorShape(None), buf.dtype
    n = None if dynamic or buf.shape._dims is None else buf.shape._dims[0]
    return TensorShape((n,) + tuple(elem)), buf.dtype


def _rows(buf, index, what):
    """index as rows of buf, or an error naming the array's size."""
    i = np.asarray(index)
    if i.size and (i.min() < 0 or i.max() >= len(buf)):
        raise IndexError(f"{what} index {i.tolist()} is out of range for a TensorArray "
                         f"of size {len(buf)}")
    return i


def _scatter_kernel(buf, index, value, *, dynamic, add, array=None):
    i = np.asarray(index)
    n = len(buf)
    if dynamic and i.size and i.max() >= n:
        n = int(i.max()) + 1
    elem = np.shape(value) if i.ndim == 0 else np.shape(value)[1:]
    owned = isinstance(buf, Owned)
    if buf.size == 0 and buf.shape[1:] != elem:     # no element written yet: make them
        out = np.zeros((n,) + elem, buf.dtype)
    elif n > len(buf):
        out = np.zeros((n,) + buf.shape[1:], buf.dtype)
        out[:len(buf)] = buf
    else:
        out = buf if owned else np.array(buf)       # a loop's own buffer: in place
    if out.shape[1:] != elem:
        raise ValueError(f"writing elements of shape {elem} into a TensorArray of "
                         f"elements of shape {out.shape[1:]}")
    i = _rows(out, i, "write")
    written = None if array is None else _mark(buf, n, i, array, in_place=out is buf)
    if add:
        np.add.at(out, i, value)
    else:
        out[i] = value
    if out is not buf:
        out = out.view(Owned if owned else Buffer)
    if written is not None:
        out.written = written
    return out


def _mark(buf, n, rows, array, in_place):
    """buf's written elements, grown to n, with `rows` set (in place when the buffer is
    written in place); TF1's error where one of them is already written, or repeated.
    None while buf's are not known."""
    old = written_of(buf)
    if old is None:
        return None
    new = old if in_place and len(old) == n else np.zeros(n, bool)
    if new is not old:
        new[:len(old)] = old
    if rows.ndim == 0:                  # write: one element (the common case, kept fast)
        k = int(rows)
        if new[k]:
            raise _written_twice(array, k)
        new[k] = True
        return new
    flat = rows.reshape(-1)
    again = new[flat]
    if len(flat) > 1:                   # a row given twice: its second write fails
        repeat = np.ones(len(flat), bool)
        repeat[np.unique(flat, return_index=True)[1]] = False
        again |= repeat
    if again.any():
        raise _written_twice(array, flat[again.argmax()])
    new[flat] = True
    return new


def _written_twice(array, k):
    return ValueError(f"TensorArray {array}: Could not write to TensorArray index {k} "
                      "because it has already been written to.")


def _scatter_vjp(node, gs):
    """g_buf: g with rows i cleared (kept, for add); g_value: rows i of g. Pop takes the
    rows before it clears them, in one kernel: a loop's own cotangent buffer is cleared
    in place, and no reader could see it cleared."""
    buf, index, value = node.inputs
    g = gs[0]
    if node.attrs["add"]:
        g_buf, g_value = g, gather(g, index)
    else:
        g_buf, g_value = pop(g, index)
    if node.attrs["dynamic"]:       # the array may have grown: the rows it had
        from .creation import range as range_
        g_buf = gather(g_buf, range_(shape_of(buf)[0]))
    return [g_buf, None, g_value]


def _scatter_jvp(node, ts):
    buf, index, value = node.inputs
    t_buf = ts[0] if ts[0] is not None else _zeros(buf)
    t_val = ts[2] if ts[2] is not None else _zeros(value)
    return scatter(t_buf, index, t_val, node.attrs["dynamic"], node.attrs["add"])


def _zeros(t):
    from .creation import zeros, zeros_like
    return zeros(t.shape, t.dtype) if t.shape.is_fully_defined() else zeros_like(t)


TENSOR_ARRAY_SCATTER = register(OpDef(
    "TensorArrayScatter", _infer_scatter, _scatter_kernel, vjp=_scatter_vjp,
    jvp=_scatter_jvp, api="TensorArray.write / scatter",
    signature="ta.write(index, value) / ta.scatter(indices, value)",
    shape_rule="(size,) + element_shape", dtypes="any",
    doc="A copy of the buffer with rows `index` set to (or, add=True, added to) value."))


def _infer_pop(ctx, buf, index):
    shape, dtype = _infer_gather(ctx, buf, index)
    return [(buf.shape, buf.dtype), (shape, dtype)]


def _pop_kernel(buf, index):
    rows = np.array(buf[_rows(buf, index, "read")], dtype=buf.dtype)
    out = buf if isinstance(buf, Owned) else np.array(buf)
    out[np.asarray(index)] = 0
    return out, rows


def _pop_vjp(node, gs):
    """(c_buf, c_rows) -> c_buf with rows i cleared, then c_rows added there."""
    buf, index = node.inputs
    c_buf = gs[0] if gs[0] is not None else _zeros(buf)
    cleared = scatter(c_buf, index, _zeros(node.outputs[1]), False, False)
    return [cleared if gs[1] is None else scatter(cleared, index, gs[1], False, True), None]


TENSOR_ARRAY_POP = register(OpDef(
    "TensorArrayPop", _infer_pop, _pop_kernel, vjp=_pop_vjp,
    jvp=lambda node, ts: [None, None] if ts[0] is None else list(pop(ts[0], node.inputs[1])),
    api="TensorArray.write's gradient", signature="(buffer, index)",
    shape_rule="buffer, rows `index` of it", dtypes="any",
    doc="(the buffer with rows `index` cleared, those rows): the cotangents of a write, "
        "the rows taken before they are cleared."))


def _infer_gather(ctx, buf, index):
    _index(ctx, 1)
    b = buf.shape._dims
    if b is None:
        return TensorShape(None), buf.dtype
    lead = () if index.shape.rank == 0 else \
        (index.shape._dims[0] if index.shape._dims is not None else None,)
    return TensorShape(lead + tuple(b[1:])), buf.dtype


def _gather_kernel(buf, index):
    if isinstance(buf, Unwritten) and buf.size == 0 and len(buf):
        raise ValueError("reading a TensorArray that nothing has been written to")
    rows = buf[_rows(buf, index, "read")]
    if isinstance(buf, Owned):                                  # later writes: not seen
        return np.array(rows, dtype=buf.dtype)
    return np.asarray(rows, dtype=buf.dtype)                    # one string: an array


TENSOR_ARRAY_GATHER = register(OpDef(
    "TensorArrayGather", _infer_gather, _gather_kernel,
    vjp=lambda node, gs: [scatter(_zeros(node.inputs[0]), node.inputs[1], gs[0], False, True),
                          None],
    jvp=lambda node, ts: None if ts[0] is None else gather(ts[0], node.inputs[1]),
    api="TensorArray.read / gather", signature="ta.read(index) / ta.gather(indices)",
    shape_rule="element_shape / (len(indices),) + element_shape", dtypes="any",
    doc="Rows `index` of the buffer (an error for an index out of range)."))


def _stack_kernel(buf, *, known):
    if isinstance(buf, Unwritten) and buf.size == 0 and len(buf) and not known:
        raise ValueError(f"stacking a TensorArray of size {len(buf)} that nothing has "
                         "been written to, whose element shape is not known")
    if isinstance(buf, (Owned, Unwritten)):
        return np.array(buf)                # later writes (or zeros): a copy
    return buf.view(np.ndarray) if isinstance(buf, Buffer) else buf


TENSOR_ARRAY_STACK = register(OpDef(
    "TensorArrayStack", lambda ctx, buf, *, known: (buf.shape, buf.dtype), _stack_kernel,
    vjp=lambda node, gs: [gs[0]], jvp=lambda node, ts: ts[0],
    api="TensorArray.stack", signature="ta.stack()", shape_rule="(size,) + element_shape",
    dtypes="any", doc="All the elements, stacked along a new first dim."))


_COPY_OUT = (TENSOR_ARRAY_GATHER, TENSOR_ARRAY_STACK, SHAPE)   # their results alias no buffer


def scatter(buf, index, value, dynamic, add, array=None):
    """Rows `index` of buf set to (add: added to) value. `array`: the TensorArray's name,
    for the user's writes, which fail on an element already written (TF1); None for the
    writes that derivatives make (TF1's gradient arrays add up repeated writes)."""
    return apply1(TENSOR_ARRAY_SCATTER, (buf, index, value), dynamic=dynamic, add=add,
                  **({} if array is None else {"array": array}))


def gather(buf, index):
    return apply1(TENSOR_ARRAY_GATHER, (buf, index))


def pop(buf, index):
    return apply(TENSOR_ARRAY_POP, (buf, index)).outputs
