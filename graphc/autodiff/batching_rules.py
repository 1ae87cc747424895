"""The batching rules of vmap (graphc/autodiff/batching.py): helpers for writing them,
the generic rules (broadcast, slice by slice, unbatched, all inputs batched), and the
rules of the ops that move axes or take shapes, put into those ops' OpDefs (OpDef.batch)
at the bottom of this module. batching.py re-exports the helpers and generic rules that
other ops' rules use."""
import numpy as np

from .. import dtypes
from ..ops import (array, conv, core, creation, einsum, elementwise, indexing, join, linalg,
                   nn, nn_softmax, pool, reduce)
from ..ops import random as random_ops
from ..ops.gather import gather
from ..ops.registry import apply, constant_value


# ---- helpers for rules ---------------------------------------------------------------------
def batch_size(args, batched):
    """The static size n of the batch dim (None if only known at run time)."""
    for a, b in zip(args, batched):
        if b and a.shape._dims is not None:
            d = a.shape._dims[0]
            if isinstance(d, int):
                return d
    return None


def _batch_dim_tensor(args, batched):
    """The batch size as a 1-element int32 tensor: [n]."""
    n = batch_size(args, batched)
    if n is not None:
        return core.constant([n], dtype=dtypes.int32)
    a = next(a for a, b in zip(args, batched) if b)
    return array.reshape(array.shape(a)[0], [1])


def expand_to(a, rank):
    """Batched `a` with unit dims inserted after the batch dim up to rank+1 dims, so
    that it broadcasts like an unbatched value of `rank` dims: (n, 4) -> (n, 1, 4)."""
    for _ in range(rank + 1 - a.shape.rank):
        a = array.expand_dims(a, 1)
    return a


def broadcast_batch(t, args, batched):
    """Unbatched t repeated along a new leading batch dim: shape (n,) + t.shape."""
    t = array.expand_dims(t, 0)
    n = batch_size(args, batched)
    if n is not None and t.shape.is_fully_defined():
        return elementwise.broadcast_to(t, [n] + list(t.shape._dims[1:]))
    return elementwise.broadcast_to(t, array.concat(
        [_batch_dim_tensor(args, batched), array.shape(t, out_type=dtypes.int32)[1:]], 0))


def all_batched(args, batched):
    """Every arg with the batch dim (unbatched ones are repeated n times)."""
    return [a if b else broadcast_batch(a, args, batched) for a, b in zip(args, batched)]


def _rebuild(node, args, **changed):
    attrs = dict(node.attrs)
    attrs.update(changed)
    return list(apply(node.op, args, name=node.name.rsplit("/", 1)[-1], **attrs).outputs)


def _norm_axis(axis, rank):
    return int(axis) % rank if rank else int(axis)


# ---- generic rules -------------------------------------------------------------------------
def batch_broadcasting(node, args, batched):
    """Ops that broadcast their operands (elementwise ops, matmul's batch dims): give
    each batched operand unit dims up to the output rank, then apply the op as it is."""
    rank = node.outputs[0].shape.rank
    if rank is None or any(b and a.shape.rank is None for a, b in zip(args, batched)):
        return batch_by_slices(node, args, batched)
    args = [expand_to(a, rank) if b else a for a, b in zip(args, batched)]
    return _rebuild(node, args)


def batch_by_slices(node, args, batched):
    """Any op: apply it to each slice of the batch and stack the results (n copies); a
    loop over the elements where n is known only at run time, or where the op is random
    (n copies would share its seed, so draw the same numbers)."""
    n = batch_size(args, batched)
    if n is None or node.op.random:
        return batch_by_loop(node, args, batched)
    slices = [array.unstack(a, num=n) if b else None for a, b in zip(args, batched)]
    per_out = [[] for _ in node.outputs]
    for k in range(n):
        args_k = [s[k] if s is not None else a for a, s in zip(args, slices)]
        for lst, out in zip(per_out, _rebuild(node, args_k)):
            lst.append(out)
    return [array.stack(lst, 0) for lst in per_out]


def batch_by_loop(node, args, batched, like=None):
    """Any op: run it on each element in a map_fn loop and stack the results (TF's
    fallback_to_while_loop); the batch size may be known only at run time. With no
    batched operand (a random op drawn once per element), `like` gives the batch size."""
    from ..ops.functional import map_fn
    elems = [a for a, b in zip(args, batched) if b]
    if not elems:
        elems = [creation.range(array.shape(like, out_type=dtypes.int32)[0])]

    def one(element):
        it = iter(element)
        return _rebuild(node, [next(it) if b else a for a, b in zip(args, batched)])
    return list(map_fn(one, elems, name=node.name.rsplit("/", 1)[-1] + "_loop"))


def batch_fresh(node, args, like):
    """A random op of vectorized_map's fn with no batched operand: drawn once per
    element, not shared. An op whose operand 0 is the output shape draws [n] + shape at
    once; any other runs in a loop. `like` is a batched tensor (n, ...)."""
    if node.op in SHAPED_RANDOM:
        return _rebuild(node, [_with_batch(args[0], [like], [True])] + list(args[1:]))
    return batch_by_loop(node, args, [False] * len(args), like)


def batch_unbatched(node, args, batched):
    """Ops whose outputs depend only on the shapes of their inputs (shape, size, rank):
    the batched and the unbatched values give the same result."""
    return list(node.outputs)


def batch_all_inputs(node, args, batched):
    """Ops that need every operand batched alike (add_n): repeat the unbatched ones."""
    return _rebuild(node, all_batched(args, batched))


# ---- rules for ops that move axes or take shapes -------------------------------------------
def _static_shape_arg(t):
    v = constant_value(t)
    return None if v is None else [int(d) for d in np.reshape(v, -1)]


def _with_batch(shape_t, args, batched):
    """The shape tensor [n] + shape_t (same int dtype as shape_t)."""
    s = _static_shape_arg(shape_t)
    n = batch_size(args, batched)
    if s is not None and n is not None:
        return core.constant([n] + s, dtype=shape_t.dtype)
    lead = elementwise.cast(_batch_dim_tensor(args, batched), shape_t.dtype)
    return array.concat([lead, shape_t], 0)


def _batch_reshape(node, args, batched):
    """reshape(x, s) -> reshape(x_b, [n] + s)."""
    if batched[1]:
        return batch_by_slices(node, args, batched)
    return _rebuild(node, [args[0], _with_batch(args[1], args, batched)])


def _batch_broadcast_to(node, args, batched):
    """broadcast_to(x, s) -> broadcast_to(x_b with unit dims, [n] + s)."""
    if batched[1]:
        return batch_by_slices(node, args, batched)
    rank = node.outputs[0].shape.rank
    if rank is None or args[0].shape.rank is None:
        x = _unit_dims_at_run_time(args[0], array.size(args[1]) if rank is None else rank)
    else:
        x = expand_to(args[0], rank)
    return _rebuild(node, [x, _with_batch(args[1], args, batched)])


def _unit_dims_at_run_time(a, rank):
    """expand_to for a rank known only when run (of `a` or of `rank`, an int or an int32
    scalar): (n,) + shape -> (n, 1.., shape) of rank+1 dims, by a reshape."""
    s = array.shape(a, out_type=dtypes.int32)
    pad = elementwise.maximum(rank - (array.size(s) - 1), 0)
    ones = creation.fill(array.reshape(pad, [1]), core.constant(1, dtype=dtypes.int32))
    return array.reshape(a, array.concat([s[:1], ones, s[1:]], 0))


def _batch_sum_to(node, args, batched):
    """sum_to(g, s) -> reshape(sum_to(g_b, [n, 1.., s]), [n] + s): the unit dims keep
    the batch dim from being summed as a leading broadcast dim."""
    g, shape_t = args
    s = _static_shape_arg(shape_t)
    n = batch_size(args, batched)
    if batched[1] or s is None or n is None or g.shape.rank is None:
        return batch_by_slices(node, args, batched)
    lead = g.shape.rank - 1 - len(s)
    summed = elementwise.sum_to(g, [n] + [1] * lead + s)
    return [array.reshape(summed, [n] + s) if lead else summed]


def _batch_fill(node, args, batched):
    """fill(dims, v) with batched v (n,): broadcast v_b to [n] + dims."""
    if batched[0]:
        return batch_by_slices(node, args, batched)
    rank = node.outputs[0].shape.rank
    if rank is None:
        return batch_by_slices(node, args, batched)
    v = expand_to(args[1], rank)
    return [elementwise.broadcast_to(v, _with_batch(args[0], args, batched))]


def _batch_transpose(node, args, batched):
    perm = node.attrs["perm"]
    rank = args[0].shape.rank
    if rank is None:
        return batch_by_slices(node, args, batched)
    if perm is None:
        perm = tuple(reversed(range(rank - 1)))
    return _rebuild(node, args, perm=(0,) + tuple(int(p) + 1 for p in perm))


def _batch_squeeze(node, args, batched):
    axis, x = node.attrs["axis"], node.inputs[0]
    if x.shape.rank is None:
        return batch_by_slices(node, args, batched)
    if axis is None:            # all unit dims: spell them out, so n == 1 stays
        if not all(isinstance(d, int) for d in x.shape._dims):
            return batch_by_slices(node, args, batched)
        axis = [k for k, d in enumerate(x.shape._dims) if d == 1]
    return _rebuild(node, args, axis=tuple(_norm_axis(a, x.shape.rank) + 1 for a in axis))


def _axis_rule(rank_of="input"):
    """Ops with one `axis` attr and every data operand batched: shift axis by one."""
    def rule(node, args, batched):
        rank = (node.outputs[0] if rank_of == "output" else node.inputs[0]).shape.rank
        if rank is None:
            return batch_by_slices(node, args, batched)
        return _rebuild(node, all_batched(args, batched),
                        axis=_norm_axis(node.attrs["axis"], rank) + 1)
    return rule


def _batch_split(node, args, batched):
    """split(x, *sizes, axis): only x can be batched (sizes are shapes)."""
    rank = node.inputs[0].shape.rank
    if rank is None or any(batched[1:]):
        return batch_by_slices(node, args, batched)
    return _rebuild(node, args, axis=_norm_axis(node.attrs["axis"], rank) + 1)


def _batch_tile(node, args, batched):
    """tile(x, m) -> tile(x_b, [1] + m)."""
    if batched[1]:
        return batch_by_slices(node, args, batched)
    m = args[1]
    one = core.constant([1], dtype=m.dtype)
    return _rebuild(node, [args[0], array.concat([one, m], 0)])


def _batch_reverse(node, args, batched):
    rank = node.inputs[0].shape.rank
    if rank is None:
        return batch_by_slices(node, args, batched)
    return _rebuild(node, args, axis=tuple(_norm_axis(a, rank) + 1 for a in node.attrs["axis"]))


def _batch_reduce(node, args, batched):
    """reduce(x, axis) -> reduce(x_b, axis + 1); axis None means every unbatched dim."""
    rank = node.inputs[0].shape.rank
    if rank is None:
        return batch_by_slices(node, args, batched)
    axis = node.attrs["axis"]
    axis = range(rank) if axis is None else axis
    return _rebuild(node, args, axis=tuple(_norm_axis(a, rank) + 1 for a in axis))


def _batch_identity(node, args, batched):
    return _rebuild(node, args)


def _prepend(t, value):
    """[value] + t for a 1-D int tensor t (a begin, size or multiples list)."""
    v = _static_shape_arg(t)
    if v is not None:
        return core.constant([value] + v, dtype=t.dtype)
    return array.concat([core.constant([value], dtype=t.dtype), t], 0)


def _batch_slice(node, args, batched):
    """slice(x, begin, size) -> slice(x_b, [0] + begin, [-1] + size)."""
    if any(batched[1:]):
        return batch_by_slices(node, args, batched)
    x, begin, size = args
    return _rebuild(node, [x, _prepend(begin, 0), _prepend(size, -1)])


def _batch_pad(node, args, batched):
    """pad(x, p, c) -> pad(x_b, [[0, 0]] + p, c)."""
    if any(batched[1:]):
        return batch_by_slices(node, args, batched)
    x, p, c = args
    v = constant_value(p)
    if v is not None:
        p = core.constant(np.concatenate([np.zeros((1, 2), v.dtype), v]), dtype=p.dtype)
    else:
        p = array.concat([core.constant([[0, 0]], dtype=p.dtype), p], 0)
    return _rebuild(node, [x, p, c])


def _batch_gather(node, args, batched):
    """gather(params_b, indices, axis) -> gather(params_b, indices, axis + 1)."""
    rank = node.inputs[0].shape.rank
    if batched[1]:
        return _batch_gather_rows(node, args, batched)
    if rank is None:
        return batch_by_slices(node, args, batched)
    return _rebuild(node, args, axis=_norm_axis(node.attrs["axis"], rank) + 1)


def _batch_gather_rows(node, args, batched):
    """Batched indices: gather(params, idx_b, a) puts the batch dim at a, so move it to
    the front; both batched: gather(params_b, idx_b, a + 1, batch_dims=1)."""
    rank, ri = node.inputs[0].shape.rank, node.inputs[1].shape.rank
    if rank is None or ri is None:
        return batch_by_slices(node, args, batched)
    a = _norm_axis(node.attrs["axis"], rank)
    if batched[0]:
        return [gather(args[0], args[1], axis=a + 1, batch_dims=1)]
    y = _rebuild(node, args)[0]
    if a == 0:
        return [y]
    out_rank = rank + ri      # P[:a] + (n,) + I + P[a+1:]
    return [array.transpose(y, [a] + [k for k in range(out_rank) if k != a])]


def _batch_one_hot(node, args, batched):
    """one_hot(idx_b, depth, axis) -> one_hot(idx_b, depth, axis + 1): axis counts in
    the output; on and off values stay scalars."""
    rank = node.outputs[0].shape.rank
    if any(batched[1:]) or rank is None:
        return batch_by_slices(node, args, batched)
    return _rebuild(node, args, axis=_norm_axis(node.attrs["axis"], rank) + 1)


def _batch_bias_add(node, args, batched):
    """NHWC: value_b + bias broadcasts as it is; a batched bias is added elementwise."""
    rank = node.outputs[0].shape.rank
    if node.attrs["data_format"] != "NHWC" or rank is None:
        return batch_by_slices(node, args, batched)
    value, bias = args
    if not batched[1]:
        return _rebuild(node, args)
    value = expand_to(value, rank) if batched[0] else value
    return [elementwise.add(value, expand_to(bias, rank))]


def _batch_einsum(node, args, batched):
    """A new index letter for the batch dim, on each batched operand and the output."""
    lhs, rhs = node.attrs["equation"].split("->")
    used = set(node.attrs["equation"])
    letter = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
                  if c not in used)
    ins = [letter + s if b else s for s, b in zip(lhs.split(","), batched)]
    return _rebuild(node, args, equation=",".join(ins) + "->" + letter + rhs)


def _batch_tensordot(node, args, batched):
    """a_b with b unbatched: a's free dims come first, so the batch dim stays in front."""
    axes, ra = node.attrs["axes"], node.inputs[0].shape.rank
    if batched[1] or ra is None:
        return batch_by_slices(node, args, batched)
    if isinstance(axes, int):
        return _rebuild(node, args)            # the last `axes` dims of a: unmoved
    xa, xb = axes
    return _rebuild(node, args, axes=(tuple(_norm_axis(k, ra) + 1 for k in xa), tuple(xb)))


_FULL = ("slice", None, None, None)


def _batch_strided_slice(node, args, batched):
    """x_b[:, key]: a full slice in front of the key (index tensors stay unbatched)."""
    if any(batched[1:]):
        return batch_by_slices(node, args, batched)
    return _rebuild(node, args, spec=(_FULL,) + tuple(node.attrs["spec"]))


def _batch_strided_slice_grad(node, args, batched):
    """The transpose of x[key] on g_b: shape [n] + shape, key [:, key]."""
    if any(batched[1:]):
        return batch_by_slices(node, args, batched)
    g, shape_t, *idx = args
    return _rebuild(node, [g, _with_batch(shape_t, args, batched)] + idx,
                    spec=(_FULL,) + tuple(node.attrs["spec"]))


def _batch_into_leading_dim(node, args, batched):
    """Ops whose first dim is a batch of independent items (conv2d, pooling) with only
    the input batched: fold the vmap batch into that dim, (n, N, ...) -> (n * N, ...)."""
    x, out = args[0], node.outputs[0].shape
    if any(batched[1:]) or x.shape.rank is None or out.rank is None:
        return batch_by_slices(node, args, batched)
    inner, rest = x.shape._dims[2:], out._dims[1:]
    n = batch_size(args, batched)
    if n is None or not all(isinstance(d, int) for d in tuple(inner) + tuple(rest)):
        return batch_by_slices(node, args, batched)
    y = _rebuild(node, [array.reshape(x, [-1] + list(inner))] + list(args[1:]))[0]
    return [array.reshape(y, [n, -1] + list(rest))]


# The rules above go into their ops' records (OpDef.batch), where vmap reads them: it never
# looks at an op's name. An op whose OpDef already has a rule keeps it.
for _op, _rule in [
        (linalg.MATMUL, batch_broadcasting), (elementwise.ADD_N, batch_all_inputs),
        (elementwise.SUM_TO, _batch_sum_to), (elementwise.BROADCAST_TO, _batch_broadcast_to),
        (array.SHAPE, batch_unbatched), (array.SIZE, batch_unbatched),
        (array.RANK, batch_unbatched), (array.FILL, _batch_fill),
        (core.IDENTITY, _batch_identity), (array.RESHAPE, _batch_reshape),
        (array.TRANSPOSE, _batch_transpose), (array.EXPAND_DIMS, _axis_rule("output")),
        (array.SQUEEZE, _batch_squeeze), (join.CONCAT, _axis_rule("input")),
        (join.PACK, _axis_rule("output")), (join.UNPACK, _axis_rule("input")),
        (join.SPLIT, _batch_split), (array.TILE, _batch_tile),
        (array.REVERSE, _batch_reverse),
        (reduce.SUM, _batch_reduce), (reduce.MEAN, _batch_reduce), (reduce.MAX, _batch_reduce),
        (reduce.MIN, _batch_reduce), (reduce.PROD, _batch_reduce),
        (indexing.SLICE, _batch_slice), (indexing.STRIDED_SLICE, _batch_strided_slice),
        (indexing.STRIDED_SLICE_GRAD, _batch_strided_slice_grad), (indexing.PAD, _batch_pad),
        (indexing.GATHER, _batch_gather), (einsum.EINSUM, _batch_einsum),
        (linalg.TENSORDOT, _batch_tensordot), (nn.BIAS_ADD, _batch_bias_add),
        (nn.SOFTMAX, _axis_rule("input")), (nn.LOG_SOFTMAX, _axis_rule("input")),
        (nn.SOFTMAX_XENT, _axis_rule("input")), (conv.CONV2D, _batch_into_leading_dim),
        (pool.MAX_POOL, _batch_into_leading_dim), (pool.AVG_POOL, _batch_into_leading_dim),
        (core.STOP_GRADIENT, _batch_identity), (reduce.ARGMAX, _axis_rule("input")),
        (reduce.ARGMIN, _axis_rule("input")), (creation.ONE_HOT, _batch_one_hot),
        (nn_softmax.SPARSE_SOFTMAX_XENT, batch_all_inputs)]:
    if _op.batch is None:
        _op.batch = _rule

# random ops whose operand 0 is the shape of their output (batch_fresh draws [n] + shape)
SHAPED_RANDOM = frozenset([random_ops.RANDOM_NORMAL, random_ops.RANDOM_UNIFORM,
                           random_ops.TRUNCATED_NORMAL, random_ops.RANDOM_UNIFORM_INT])
