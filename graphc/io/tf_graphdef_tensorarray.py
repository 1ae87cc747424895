"""TF's TensorArrays (control flow v1: TensorArrayV3 ..., a resource handle and a float
`flow` scalar) and TensorLists (control flow v2: DT_VARIANT tensors) in an imported
GraphDef, as graphc's TensorArray buffers (ops/tensor_array.py): a TensorArray here is
a value, one dense tensor of shape (size,) + element_shape, and a write returns the
updated copy. So

    TensorArrayV3(size) -> (handle, flow)       both the new buffer
    TensorArrayWriteV3(handle, i, v, flow)      -> the buffer `flow` with row i set to v
    TensorArrayReadV3(handle, i, flow)          -> row i of the buffer `flow`
    TensorListReserve(shape, n)                 -> a new buffer (the variant is the buffer)
    TensorListSetItem(list, i, v)               -> the buffer with row i set to v

Each op reads the buffer from its flow input (TF1) or its list input (TF2), so the buffer
travels through Enter/Merge/Switch/Exit (tf_graphdef_v1flow.py) or a While's loop
variables and function args (tf_graphdef_function.py) like any tensor; a TF1 handle
is only looked at for the array's dynamic_size. DT_RESOURCE and DT_VARIANT type attrs
let any tensor pass the importer's type checks (tf_graphdef_import.OpaqueType).
"""
import graphc as gc

from .. import dtypes
from ..ops.registry import apply1
from ..ops.tensor_array_ops import TENSOR_ARRAY_NEW, TENSOR_ARRAY_STACK, gather, scatter
from ..shapes import TensorShape
from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}

_op = table_op(OPS)


# ---- helpers ---------------------------------------------------------------------------
def _new(n, size, dtype, element_shape, dynamic, name=None):
    """A new buffer: size elements of element_shape (dims None or unknown rank: made whole
    by the first write)."""
    return apply1(TENSOR_ARRAY_NEW, (gc.convert_to_tensor(size, dtypes.int32),),
                  name=name, dtype=dtype, dynamic=bool(dynamic),
                  element_shape=None if element_shape is None else tuple(element_shape))


def _source(t):
    """The TensorArrayNew node a TF1 handle comes from, through Identities and the
    captures of cond branches and loop bodies; None when it cannot be followed."""
    seen = set()
    while id(t) not in seen:
        seen.add(id(t))
        node = t.node
        if node.op is TENSOR_ARRAY_NEW:
            return node
        if node.type == "Identity" and node.inputs:
            t = node.inputs[0]
            continue
        outer = next((o for o, i in getattr(t.graph, "captures", {}).items() if i is t),
                     None)
        if outer is None:
            return None
        t = outer
    return None


def _elem_shape(n, key):
    """Attr `key` (a shape) as element-shape dims: None for an unknown rank."""
    dims = n.attr(key, None)
    return None if dims is None else list(dims)


def _refine(t, lead, elem):
    """t with static shape lead + elem where those are known."""
    if elem is not None and t.shape.rank in (None, len(lead) + len(elem)):
        t.set_shape(TensorShape(tuple(lead) + tuple(elem)))
    return t


def _shape_input(n, t, what):
    """An element_shape input (TF2) as dims: -1 (scalar) is an unknown rank, -1 entries
    unknown dims; a value known only when run gives an unknown shape."""
    from ..ops.tensor_utils import get_static_value
    v = get_static_value(t)
    if v is None or (v.ndim == 0 and v == -1):
        return None
    if v.ndim != 1:
        raise n.fail(f"{what} ({t.name}) must be a vector (or -1), not of shape {v.shape}")
    return [None if d < 0 else int(d) for d in v]


def _known(buf):
    """The buffer's element shape is known statically (so its rows are real even before
    a write)."""
    return buf.shape._dims is not None and all(d is not None for d in buf.shape._dims[1:])


def _stack(buf, name):
    return apply1(TENSOR_ARRAY_STACK, (buf,), name=name, known=_known(buf))


def _size(buf, name):
    """The buffer's length, after the buffer is computed (TF runs the writes that its
    flow or list input depends on, even when the size is known statically)."""
    with gc.control_dependencies([buf]):
        return gc.identity(gc.shape(buf, out_type=dtypes.int32)[0], name=name)


# ---- control flow v1: TensorArrayV3 and its ops ----------------------------------------
@_op("TensorArrayV3", "=int32", "? ?")
def _tensor_array(n, size):
    """(handle, flow): both the new buffer. clear_after_read is accepted either way
    (graphc's reads never clear: TF raises on a second read, graphc returns the element),
    identical_element_shapes too (graphc's elements always have one shape)."""
    n.attr("clear_after_read", True)
    n.attr("identical_element_shapes", False)
    n.attr("tensor_array_name", "")
    buf = _new(n, size, n.attr("dtype"), _elem_shape(n, "element_shape"),
               n.attr("dynamic_size", False), name=n.name)
    return [buf, buf]


@_op("TensorArrayWriteV3 TensorArrayScatterV3", "? =int32 T ?", "?")
def _write(n, handle, indices, value, flow):
    """flow with rows `indices` (a scalar for a write) set to value: the user's writes, so
    one to an element already written fails when run, as gc.TensorArray's do (TF's
    InvalidArgumentError "Could not write to TensorArray index ...")."""
    node = _source(handle)
    if node is None:
        raise n.fail(f"its TensorArray handle ({handle.name}) does not come from a "
                     "TensorArrayV3 node that graphc can follow (through Identity, Enter "
                     "and Switch)")
    return scatter(flow, indices, value, node.attrs["dynamic"], False, array=node.name)


@_op("TensorArrayReadV3", "? =int32 ?", "dtype")
def _read(n, handle, index, flow):
    del handle
    return gather(flow, index)


@_op("TensorArrayGatherV3", "? =int32 ?", "dtype")
def _gather(n, handle, indices, flow):
    del handle
    lead = indices.shape._dims[:1] if indices.shape._dims is not None else (None,)
    return _refine(gather(flow, indices), lead, _elem_shape(n, "element_shape"))


@_op("TensorArraySizeV3", "? ?", "=int32")
def _size_v3(n, handle, flow):
    del handle
    return _size(flow, n.name)


@_op("TensorArrayCloseV3", "?", "")
def _close(n, handle):
    """Nothing to release: graphc's buffer is an ordinary value."""
    del handle
    return gc.no_op(name=n.name)


def _joined(n, buf, rest):
    """The elements joined along their first dim, and their lengths (graphc's elements
    all have one shape, so the lengths are all the elements' first dim)."""
    s = _stack(buf, None)
    if s.shape.rank is not None and s.shape.rank < 2:
        raise n.fail(f"the elements must have a rank of at least 1 (the buffer {buf.name}"
                     f" is of shape {buf.shape})")
    shape = gc.shape(s, out_type=dtypes.int64)
    value = gc.reshape(s, gc.concat([[-1], shape[2:]], 0), name=n.name)
    if rest is not None:
        _refine(value, (None,), rest)
    return [value, gc.fill(shape[:1], shape[1], name="lengths")]


@_op("TensorArrayConcatV3", "? ?", "dtype =int64")
def _concat(n, handle, flow):
    del handle
    return _joined(n, flow, _elem_shape(n, "element_shape_except0"))


# ---- control flow v2: TensorLists ------------------------------------------------------
@_op("TensorListReserve", "shape_type =int32", "?")
def _reserve(n, element_shape, num_elements):
    return _new(n, num_elements, n.attr("element_dtype"),
                _shape_input(n, element_shape, "element_shape"), False, name=n.name)


@_op("EmptyTensorList", "shape_type =int32", "?")
def _empty(n, element_shape, max_num_elements):
    """A list of no elements that SetItem with resize (or a scatter) grows; graphc does
    not bound its size by max_num_elements."""
    del max_num_elements
    return _new(n, 0, n.attr("element_dtype"),
                _shape_input(n, element_shape, "element_shape"), True, name=n.name)


@_op("TensorListFromTensor", "element_dtype shape_type", "?")
def _from_tensor(n, tensor, element_shape):
    """The tensor is the buffer (its rows the elements)."""
    if tensor.shape.rank == 0:
        raise n.fail(f"tensor {tensor.name} is a scalar; a list needs a rank of 1 or more")
    elem = _shape_input(n, element_shape, "element_shape")
    if elem is not None and tensor.shape._dims is not None:
        if not TensorShape(tensor.shape._dims[1:]).is_compatible_with(TensorShape(elem)):
            raise n.fail(f"tensor {tensor.name} has elements of shape "
                         f"{TensorShape(tensor.shape._dims[1:])}, not {TensorShape(elem)}")
    return gc.identity(tensor, name=n.name)


@_op("TensorListSetItem", "? =int32 element_dtype", "?")
def _set_item(n, handle, index, item):
    return scatter(handle, index, item, n.attr("resize_if_index_out_of_bounds", False),
                   False)


@_op("TensorListPushBack", "? element_dtype", "?")
def _push_back(n, handle, item):
    """The list with item appended: a write at its length, growing the buffer (TF's
    gradient accumulators in a forward While are such lists)."""
    return scatter(handle, _size(handle, None), item, True, False)


@_op("TensorListPopBack", "? =int32", "? element_dtype")
def _pop_back(n, handle, element_shape):
    """(the list without its last element, that element)."""
    last = _size(handle, None) - 1
    item = _refine(gather(handle, last), (), _shape_input(n, element_shape,
                                                           "element_shape"))
    return [handle[:-1], item]


@_op("TensorListGetItem", "? =int32 Tshape", "element_dtype")
def _get_item(n, handle, index, element_shape):
    return _refine(gather(handle, index), (),
                   _shape_input(n, element_shape, "element_shape"))


@_op("TensorListGather", "? =int32 =int32", "element_dtype")
def _list_gather(n, handle, indices, element_shape):
    lead = indices.shape._dims[:1] if indices.shape._dims is not None else (None,)
    return _refine(gather(handle, indices), lead,
                   _shape_input(n, element_shape, "element_shape"))


@_op("TensorListStack", "? =int32", "element_dtype")
def _list_stack(n, handle, element_shape):
    """All the elements; num_elements (when not -1) must be the list's length."""
    want = n.attr("num_elements", -1)
    size = handle.shape._dims[0] if handle.shape._dims else None
    if want != -1 and size is not None and size != want:
        raise n.fail(f"num_elements={want}, but the list {handle.name} has {size} elements")
    elem = _shape_input(n, element_shape, "element_shape")
    if elem is not None and None not in elem and (handle.shape.rank is None or
                                                   handle.shape.rank != len(elem) + 1):
        # a list never written to (a loop of 0 iterations) holds no element shape:
        # its stack gets the one TF's element_shape input gives, (0,) + elem
        out = _stack(handle, n.sub("stack"))
        out = gc.reshape(out, gc.concat([gc.shape(out)[:1], gc.constant(elem, gc.int32)],
                                        0), name=n.name)
    else:
        out = _stack(handle, n.name)
    return _refine(out, (size if want == -1 else want,), elem)


@_op("TensorListScatterIntoExistingList", "? element_dtype =int32", "?")
def _scatter_into(n, handle, tensor, indices):
    return scatter(handle, indices, tensor, True, False)


@_op("TensorListScatterV2", "element_dtype =int32 shape_type =int32", "?")
def _list_scatter_v2(n, tensor, indices, element_shape, num_elements):
    """A list of max(num_elements, max(indices) + 1) elements, rows `indices` set."""
    buf = _new(n, gc.maximum(num_elements, 0), n.attr("element_dtype"),
               _shape_input(n, element_shape, "element_shape"), True)
    return scatter(buf, indices, tensor, True, False)


@_op("TensorListScatter", "element_dtype =int32 shape_type", "?")
def _list_scatter(n, tensor, indices, element_shape):
    buf = _new(n, 0, n.attr("element_dtype"),
               _shape_input(n, element_shape, "element_shape"), True)
    return scatter(buf, indices, tensor, True, False)


@_op("TensorListConcatV2", "? shape_type =int64", "element_dtype =int64")
def _list_concat_v2(n, handle, element_shape, leading_dims):
    """(the elements joined along their first dim, their lengths); leading_dims (for an
    empty list) is not needed: graphc's empty buffer has the elements' shape."""
    del leading_dims
    elem = _shape_input(n, element_shape, "element_shape")
    return _joined(n, handle, None if elem is None else elem[1:])


@_op("TensorListConcat", "?", "element_dtype =int64")
def _list_concat(n, handle):
    elem = _elem_shape(n, "element_shape")
    return _joined(n, handle, None if elem is None else elem[1:])


@_op("TensorListLength", "?", "=int32")
def _length(n, handle):
    return _size(handle, n.name)


@_op("TensorListElementShape", "?", "shape_type")
def _element_shape(n, handle):
    """The elements' shape: static where the buffer knows it, else the buffer's."""
    d = n.attr("shape_type")
    if _known(handle):
        return gc.constant(list(handle.shape._dims[1:]), d, name=n.name)
    return gc.shape(handle, out_type=d)[1:]


# ---- what dynamic_rnn's graphs hold besides ------------------------------------------------
@_op("Assert", "=bool *T", "")
def _assert(n, condition, *data):
    """gc.Assert: fails when run unless condition holds (dynamic_rnn checks the shape
    of sequence_length with one)."""
    from ..ops.asserts import ASSERT
    from ..ops.registry import apply
    return apply(ASSERT, (condition, *data), name=n.name,
                 summarize=n.attr("summarize", 3), parts=(None,) * len(data))


# ---- TF1 flows through control flow ----------------------------------------------------
_FLOW_OUT = {"TensorArrayWriteV3", "TensorArrayScatterV3", "TensorArraySplitV3"}
_PASS = {"Enter", "Merge", "Switch", "Exit", "NextIteration", "Identity"}


def ta_flows(nds, ins, order):
    """The names of the control-flow nodes (Enter, Merge, Switch, Exit, NextIteration,
    Identity) of a TF1 GraphDef that carry a TensorArray's flow: TF types it float,
    graphc carries the buffer of the array's dtype there (tf_graphdef_v1flow.py lets it
    pass). nds: name -> NodeDef, ins: name -> [(src, index)], order: each node after
    its inputs but a loop's NextIteration."""
    flows, pending = set(), []

    def is_flow(src, i):
        op = nds[src].op
        return (op == "TensorArrayV3" and i == 1) or op in _FLOW_OUT or src in flows
    for name in order:
        nd = nds[name]
        if nd.op not in _PASS:
            continue
        data = [(s, i) for s, i in ins[name] if i is not None][:1 if nd.op != "Merge" else 2]
        if any(is_flow(s, i) for s, i in data if s in nds):
            flows.add(name)
        elif nd.op == "Merge":
            pending.append(name)    # a loop's Merge: its Enter is seen first, but check
    for name in pending:            # its NextIteration too (a flow made in the body)
        if any(is_flow(s, i) for s, i in ins[name] if i is not None and s in nds):
            flows.add(name)
    return flows


# ---- Optionals: a cond's intermediates, kept for its gradient ---------------------------
# TF 2 rewrites a cond it differentiates to also return each branch's intermediates, as
# Optionals (the value in the branch that ran, none in the other). An imported Optional
# is whether it holds a value; its value (OptionalGetValue, read by the gradient cond)
# is not imported, so a graph that reads one is refused by name, never given a wrong
# value. Frozen inference graphs of trained models hold only the forward cond.
@_op("OptionalFromValue", "*Toutput_types", "?")
def _optional_from_value(n, *components):
    return gc.constant(True, name=n.name)


@_op("OptionalNone", "", "?")
def _optional_none(n):
    return gc.constant(False, name=n.name)


@_op("OptionalHasValue", "?", "=bool")
def _optional_has_value(n, optional):
    return gc.identity(optional, name=n.name)


@_op("OptionalGetValue", "?", "*output_types")
def _optional_get_value(n, optional):
    n.attr("output_types")
    n.attr("output_shapes", None)
    raise n.fail("the value of a TF Optional (a cond's intermediate, kept for its "
                 "gradient) is not imported: import the forward graph only (freeze it "
                 "for the outputs you need)")
