"""The export table's control flow (see tf_graphdef_export_ops.py): graphc's If and Loop
nodes as TF 2's functional control flow, their branches, bodies and conditions
FunctionDefs of the GraphDef's library (tf_graphdef_export_fn.py writes them).

    If / StatelessIf       -> If / StatelessIf(pred, args...): then_branch, else_branch
    Loop / StatelessLoop   -> While / StatelessWhile, laid out as tf.while_loop builds it:
        [loop_counter, maximum_iterations, carry..., per-call TensorLists...,
         sums..., sliced TensorLists..., captured...]

An If's captured tensors are its args (Tin); a branch that does not read one gets an
unused input arg. A Loop's counter and limit lead its loop vars, as while_v2's do: a
while loop's condition becomes `counter < maximum_iterations and cond(...)` (limit -1 and
the user's condition alone without maximum_iterations); a loop over elements (map_fn,
scan, the backward loop of a gradient) runs `counter < n`, n the length of its first
sliced input, reads each call's elements from TensorLists (TensorListFromTensor,
TensorListGetItem at the counter, or n - 1 - counter in reverse) and stacks each call's
outputs into TensorLists (TensorListReserve + TensorListSetItem; EmptyTensorList +
TensorListPushBack in a while loop, whose length is not known up front), stacked after
the loop. Summed outputs (the gradients of captured tensors) are loop vars from zeros.
The While's outputs are passed through an IdentityN that carries the node's name, so
"loop:k" stays graphc's output k.
"""
import numpy as np

from .. import dtypes
from .tf_graphdef_export import export
from .tf_graphdef_export_fn import (VARIANT, FunctionBuilder, func_attr,
                                    refuse_unsupported, shapes_attr, type_list)
from ..shapes import TensorShape

__all__ = []

_i32 = dtypes.int32


# ---- If ----------------------------------------------------------------------------------
@export("If", "StatelessIf")
def _if(ex, n):
    refuse_unsupported(ex, n)
    a = n.attrs
    pred, args = n.inputs[0], n.inputs[1:]
    names = []
    for role, fg, ins, outs in zip(("then_branch", "else_branch"), a["branches"], a["ins"],
                                   a["outs"]):
        fx = FunctionBuilder(ex, n, fg, role)
        for j, (x, ph) in enumerate(zip(args, ins)):
            fx.arg(x.dtype, ph.node.name.rpartition("/")[2] if ph is not None
                   else f"unused_{j}", bind=ph)
        fx.export(outs)
        refs = [fx.ref(t) if t is not None else _zeros(fx, o)
                for t, o in zip(outs, n.outputs)]
        names.append(fx.finish(refs, [o.dtype for o in n.outputs]))
    ex.emit(n, n.type, (pred,) + tuple(args), Tcond=pred.dtype,
            Tin=type_list([x.dtype for x in args]), Tout=type_list([o.dtype for o in n.outputs]),
            then_branch=func_attr(names[0]), else_branch=func_attr(names[1]),
            output_shapes=shapes_attr([o.shape for o in n.outputs]),
            _lower_using_switch_merge=True)


def _zeros(fx, t):
    """An output a branch does not make (the other branch's random draws, never read):
    zeros, an unknown dim of size 0."""
    dims = t.shape._dims
    shape = (0,) if dims is None else tuple(d if isinstance(d, int) else 0 for d in dims)
    return fx.const("unused", np.zeros(shape, t.dtype.np), t.dtype)


# ---- Loop --------------------------------------------------------------------------------
def _element_shape(shape):
    """A TensorList's element_shape input: the dims (-1 unknown), or -1 for an unknown
    rank."""
    if shape._dims is None:
        return -1
    return [-1 if d is None else d for d in shape._dims]


def _tail(shape):
    """The shape of an element of a tensor of `shape` (its dim 0 dropped)."""
    return TensorShape(None) if shape._dims is None else TensorShape(shape._dims[1:])


@export("Loop", "StatelessLoop")
def _loop(ex, n):
    refuse_unsupported(ex, n)
    a = n.attrs
    nc, ns, ny, reverse, has_max = (a["n_carry"], a["n_sliced"], a["n_ys"], a["reverse"],
                                    a["has_max"])
    fg, ins, outs = a["body"]
    cond = a["cond"]
    inputs = list(n.inputs)
    carry, sliced = inputs[:nc], inputs[nc:nc + ns]
    rest = inputs[nc + ns:len(inputs) - has_max]
    oy, oz = outs[nc:nc + ny], outs[nc + ny:]
    zs_out = n.outputs[nc + ny:]
    if cond is None and not ns:
        raise ex.fail(n, "a loop over elements without sliced inputs")
    if cond is not None and reverse and ny:
        raise ex.fail(n, "a while loop stacking its per-call outputs in reverse (the "
                         "number of calls is not known when the first one runs)")

    # ---- outside the loop: counter, limit, lists, sums ----
    if cond is None:                # n = len(sliced[0]): the number of calls
        shape = ex.emit(n, "Shape", (sliced[0],), name="Shape", T=sliced[0].dtype,
                        out_type=_i32)
        limit = ex.emit(n, "StridedSlice", (shape, ex.const(n, "begin", [0]),
                                            ex.const(n, "end", [1]),
                                            ex.const(n, "strides", [1])),
                        name="strided_slice", T=_i32, Index=_i32, begin_mask=0, end_mask=0,
                        ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=1)
        count_t = _i32
    elif has_max:
        limit, count_t = inputs[-1], inputs[-1].dtype
    else:
        limit, count_t = ex.const(n, "maximum_iterations", -1), _i32
    counter = ex.const(n, "loop_counter", 0, count_t)
    lists = []
    for k, y in enumerate(oy):
        es = ex.const(n, "element_shape", _element_shape(y.shape))
        if cond is None:
            lists.append(ex.emit(n, "TensorListReserve", (es, limit), name="TensorListReserve",
                                 element_dtype=y.dtype, shape_type=_i32))
        else:
            lists.append(ex.emit(n, "EmptyTensorList", (es, ex.const(n, "max_num_elements",
                                                                      -1)),
                                 name="EmptyTensorList", element_dtype=y.dtype,
                                 shape_type=_i32))
    sums = []
    for z in zs_out:
        known = z.shape.is_fully_defined()
        sums.append(ex.const(n, "zeros", np.zeros(z.shape._dims if known else ()), z.dtype))
    elems = [ex.emit(n, "TensorListFromTensor", (s, ex.const(n, "element_shape",
                                                            _element_shape(_tail(s.shape)))),
                     name="TensorListFromTensor", element_dtype=s.dtype, shape_type=_i32)
             for s in sliced]
    loop_vars = [counter, limit] + carry + lists + sums + elems + rest
    types = ([count_t, count_t] + [t.dtype for t in carry] + [VARIANT] * ny
             + [z.dtype for z in zs_out] + [VARIANT] * ns + [t.dtype for t in rest])
    shapes = ([TensorShape(())] * 2 + [o.shape for o in n.outputs[:nc]]
              + [TensorShape(())] * ny
              + [z.shape if z.shape.is_fully_defined() else TensorShape(None) for z in zs_out]
              + [TensorShape(())] * ns + [t.shape for t in rest])
    hints = (["loop_counter", "maximum_iterations"] + [f"carry_{k}" for k in range(nc)]
             + [f"stacked_{k}" for k in range(ny)] + [f"sum_{k}" for k in range(len(oz))]
             + [f"elements_{k}" for k in range(ns)] + [f"captured_{k}" for k in range(len(rest))])

    # ---- the body: one call ----
    fx = FunctionBuilder(ex, n, fg, "body")
    args = [fx.arg(d, h, bind=ph) for d, h, ph in zip(
        types, hints, [None, None] + list(ins[:nc]) + [None] * (ny + len(oz) + ns)
        + list(ins[nc + ns:]))]
    i_arg, limit_arg = args[:2]
    list_args = args[2 + nc:2 + nc + ny]
    sum_args = args[2 + nc + ny:2 + nc + ny + len(oz)]
    elem_args = args[2 + nc + ny + len(oz):2 + nc + ny + len(oz) + ns]
    index = _index(fx, i_arg, limit_arg, count_t, reverse and cond is None) \
        if ns or ny and cond is None else None
    for ph, e, s in zip(ins[nc:nc + ns], elem_args, sliced):
        fx.bind(ph, _get_item(fx, e, index, ph, s))
    fx.export(outs)
    one = fx.const("add/y", 1, count_t)
    rets = [fx.emit("AddV2", (i_arg, one), "add", T=count_t), limit_arg]
    rets += [fx.ref(t) for t in outs[:nc]]
    for lst, y in zip(list_args, oy):
        if cond is None:
            rets.append(fx.emit("TensorListSetItem", (lst, index, fx.ref(y)),
                                "TensorListSetItem", element_dtype=y.dtype))
        else:
            rets.append(fx.emit("TensorListPushBack", (lst, fx.ref(y)), "TensorListPushBack",
                                element_dtype=y.dtype))
    rets += [fx.emit("AddV2", (s, fx.ref(z)), "sum", T=z.dtype) for s, z in zip(sum_args, oz)]
    rets += args[2 + nc + ny + len(oz):]
    body = fx.finish(rets, types, hints)

    # ---- the condition ----
    cfg = cond[0] if cond is not None else fg
    cx = FunctionBuilder(ex, n, cfg, "cond")
    c_ins = cond[1] if cond is not None else (None,) * len(ins)
    cargs = [cx.arg(d, h, bind=ph) for d, h, ph in zip(
        types, hints, [None, None] + list(c_ins[:nc]) + [None] * (ny + len(oz) + ns)
        + list(c_ins[nc + ns:]))]
    if cond is not None and any(t is not None for t in c_ins[nc:nc + ns]):
        cindex = _index(cx, cargs[0], cargs[1], count_t, False)
        for ph, e, s in zip(c_ins[nc:nc + ns], cargs[2 + nc + ny + len(oz):], sliced):
            if ph is not None:
                cx.bind(ph, _get_item(cx, e, cindex, ph, s))
    pred = None
    if cond is not None:
        cx.export(cond[2])
        pred = cx.ref(cond[2][0])
    if cond is None or has_max:
        below = cx.emit("Less", cargs[:2], "Less", T=count_t)
        pred = below if pred is None else cx.emit("LogicalAnd", (below, pred), "LogicalAnd")
    cname = cx.finish([pred], [dtypes.bool], ["pred"])

    # ---- the While, its stacked lists, and the node's outputs ----
    op = "While" if n.type == "Loop" else "StatelessWhile"
    w = ex.emit(n, op, loop_vars, name="while", T=type_list(types), cond=func_attr(cname),
                body=func_attr(body), output_shapes=shapes_attr(shapes),
                parallel_iterations=10, _lower_using_switch_merge=True,
                _num_original_outputs=len(loop_vars))
    results = [f"{w}:{2 + k}" for k in range(nc)]
    for k, y in enumerate(oy):
        es = ex.const(n, "element_shape", _element_shape(y.shape))
        results.append(ex.emit(n, "TensorListStack", (f"{w}:{2 + nc + k}", es),
                               name="TensorListStack", element_dtype=y.dtype,
                               num_elements=-1))
    results += [f"{w}:{2 + nc + ny + k}" for k in range(len(oz))]
    ex.emit(n, "IdentityN", results, T=[o.dtype for o in n.outputs])


def _index(fx, i, limit, count_t, reverse):
    """The element a call reads and writes: the counter (n - 1 - it in reverse), int32
    as TensorLists take it."""
    if reverse:
        last = fx.emit("Sub", (limit, fx.const("one", 1, count_t)), "sub", T=count_t)
        i = fx.emit("Sub", (last, i), "index", T=count_t)
    if count_t != _i32:
        i = fx.emit("Cast", (i,), "Cast", SrcT=count_t, DstT=_i32, Truncate=False)
    return i


def _get_item(fx, lst, index, ph, s):
    """The element of sliced input s (its TensorList `lst`) a call reads."""
    es = fx.const("element_shape", _element_shape(ph.shape), _i32)
    return fx.emit("TensorListGetItem", (lst, index, es), "TensorListGetItem",
                   element_dtype=s.dtype)

