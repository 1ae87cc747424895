"""map_fn over RaggedTensor and SparseTensor elements, and with ragged or sparse results
(TF's map_fn given a tf.RaggedTensorSpec or tf.SparseTensorSpec fn_output_signature).

    rt = gc.map_fn(gc.range, gc.constant([3, 5, 0]),
                   fn_output_signature=gc.RaggedTensorSpec([None], gc.int32))
    # [[0, 1, 2], [0, 1, 2, 3, 4], []]

fn gets one row of each RaggedTensor element (a Tensor, or a RaggedTensor one ragged dim
less) and of each SparseTensor element (a SparseTensor one dim less). TF boxes each
composite into a variant per call and unboxes the stack. graphc's Loop gives instead,
per call, the parts of each composite result (a ragged one's flat_values, a sparse one's
indices...), whose lengths change between calls: the Loop stacks those as Ragged object
arrays (loop_op's `ragged`), and one MapFnResults node joins them all:

    MapFnResults(stacks; kinds, shapes, frozen)   per stack, by its kind: "as_is" (a
        dense result as the Loop stacked it), "concat" (the calls' parts joined along
        dim 0), "max" (the largest over the calls: a SparseTensor's dense_shape); of
        static shape `shapes[k]`, the fn_output_signature's as in TF (an as_is stack's
        own when None)
    MapFnSplit(g, stack)   g cut into the calls' parts (concat's vjp): a Ragged stack
    MapFnCut(values, bounds)   values cut at bounds into the calls' parts, stacked (a
        Ragged stack when they differ): a RaggedTensor element's rows (concat: its vjp)

All the float parts of a map_fn go through its one MapFnResults node, so that when any
result gets a gradient every part does (zeros where the loss does not read it): the
Loop's vjp slices one cotangent per call from each. A SparseTensor's values are
`frozen`: TF's DeserializeSparse, which map_fn unboxes them with, has no gradient, so
differentiating them raises GradientError (TF: LookupError).
"""
import numpy as np

from .. import dtypes, errors, nest
from ..graph import get_default_graph
from ..shapes import InferError, TensorShape
from ..type_spec import TensorSpec, TypeSpec
from ..type_spec_more import RaggedTensorSpec, SparseTensorSpec, type_spec_from_value
from .control import draw_outputs
from .core import convert_to_tensor
from .loop_op import LOOP, STATELESS_LOOP, Ragged, _draw_like, _stack, effects
from .registry import OpDef, apply, register

__all__ = ["map_composite", "needs_composite", "dense_results", "map_results", "map_split",
           "map_cut"]


def is_composite(x):
    """A RaggedTensor or SparseTensor (a SparseTensorValue is a namedtuple of arrays to
    map_fn, as to TF's nest)."""
    from ..ragged_tensor import RaggedTensor
    from ..sparse_tensor import SparseTensor
    return isinstance(x, (RaggedTensor, SparseTensor))


def needs_composite(elems, signature):
    """Whether map_fn over elems with this fn_output_signature is map_composite's: a
    composite element, or a signature naming more than dtypes and TensorSpecs."""
    return any(is_composite(x) for x in nest.flatten(elems)) or any(
        isinstance(d, TypeSpec) and not isinstance(d, TensorSpec)
        for d in nest.flatten(signature))


# ---- the ops -------------------------------------------------------------------------------
def _parts(stack):
    """The calls' parts of a Loop's stack: a Ragged one holds them; a dense one is them."""
    return list(stack) if isinstance(stack, Ragged) else [stack[i] for i in range(len(stack))]


def _dims(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _join(stack, shape):
    """The calls' parts joined along dim 0 (TF's RaggedTensorFromVariant checks)."""
    if len(stack) == 0:     # no call: the spec's shape, unknown dims 0 (TF's is (0,))
        inner = () if shape is None else tuple(d if isinstance(d, int) else 0
                                                for d in shape[1:])
        return np.zeros((0,) + inner, stack.dtype)
    if not isinstance(stack, Ragged):
        return stack.reshape((-1,) + stack.shape[2:])
    parts = [np.asarray(p) for p in stack]
    for i, p in enumerate(parts[1:], 1):
        if p.shape[1:] != parts[0].shape[1:]:
            raise ValueError(
                f"All flat_values must have compatible shapes.  Shape at index 0: "
                f"{_dims(parts[0].shape[1:])}.  Shape at index {i}: {_dims(p.shape[1:])}."
                "  If you are using tf.map_fn, then you may need to specify an explicit "
                "fn_output_signature with appropriate ragged_rank, and/or convert output "
                "tensors to RaggedTensors.")
    return np.concatenate(parts)


def _largest(stack):
    """The elementwise max of the calls' dense_shapes (TF's DeserializeSparse)."""
    if len(stack) == 0:
        raise ValueError("Serialized sparse should have at least 1 serialized tensor, but "
                         "has a zero dimension [0,3]")
    parts = _parts(stack)
    for i, p in enumerate(parts[1:], 1):
        if len(p) != len(parts[0]):
            raise ValueError(f"Inconsistent shape across SparseTensors: rank prior to "
                             f"SparseTensor[{i}] was: {len(parts[0])} but rank of "
                             f"SparseTensor[{i}] is: {len(p)}")
    return np.max(np.stack(parts), axis=0)


def _as_is(stack):
    if isinstance(stack, Ragged):       # (loop_op's _stack refuses these without `ragged`)
        shapes = sorted({np.shape(p) for p in stack}, key=len)
        raise ValueError(
            f"the values a call gives change shape between calls ("
            f"{', '.join(str(s) for s in shapes)}), so they cannot be stacked: a map_fn "
            "function must give one shape in every call (or give a RaggedTensorSpec "
            "fn_output_signature)")
    return stack


def _infer_results(ctx, *stacks, kinds, shapes, frozen):
    out = []
    for k, (t, kind, shape) in enumerate(zip(stacks, kinds, shapes)):
        if kind == "max" and not t.dtype.is_integer:
            raise InferError(f"{{{k}}} must be an int dense_shape stack, not {t.dtype.name}",
                             "dtype")
        if kind == "as_is" and shape is None:
            out.append((t.shape, t.dtype))
        else:                           # the signature's static shape (TF's), maybe less
            out.append((TensorShape(shape), t.dtype))   # than graphc infers
    return out if len(out) != 1 else out[0]


def _results_kernel(*stacks, kinds, shapes, frozen):
    # a sparse result's dense_shapes first: TF checks their ranks before anything else
    order = sorted(range(len(stacks)), key=lambda k: kinds[k] != "max")
    out = [None] * len(stacks)
    for k in order:
        s, kind = stacks[k], kinds[k]
        out[k] = _as_is(s) if kind == "as_is" else _largest(s) if kind == "max" else \
            _join(s, shapes[k])
    return tuple(out) if len(out) != 1 else out[0]


def _results_vjp(node, gs):
    """as_is: g; concat: g cut into the calls' parts (zeros cut so when g is None: the
    Loop's vjp needs every part's); max: none; frozen: GradientError (TF has none)."""
    from .creation import zeros_like
    a = node.attrs
    out = []
    for x, y, g, kind, frozen in zip(node.inputs, node.outputs, gs, a["kinds"], a["frozen"]):
        if frozen and g is not None:
            raise errors.GradientError(
                f"No gradient defined for {errors.describe_node(node)}: the values of a "
                "SparseTensor that map_fn takes apart or builds have none, as in TF (its "
                "DeserializeSparse op has none); stop the gradient there (gc.stop_gradient)")
        if kind == "as_is":
            out.append(None if frozen else g)
        elif kind == "max" or not x.dtype.is_floating:
            out.append(None)
        else:
            out.append(map_split(zeros_like(y) if g is None else g, x))
    return out


def _results_jvp(node, ts):
    a = node.attrs
    out = []
    for t, kind, shape, frozen in zip(ts, a["kinds"], a["shapes"], a["frozen"]):
        if t is None or frozen or kind == "max":
            out.append(None)
        else:
            out.append(t if kind == "as_is" else map_results([t], ["concat"], [shape])[0])
    return out if len(out) != 1 else out[0]


MAP_FN_RESULTS = register(OpDef(
    "MapFnResults", _infer_results, _results_kernel, vjp=_results_vjp, jvp=_results_jvp,
    api="map_fn", signature="(map_fn's per-call results, stacked by its Loop, joined)",
    shape_rule="as_is: the stack's; concat: (calls' rows...,) + the signature's inner "
               "dims; max: (rank,)", dtypes="any",
    doc="Joins what map_fn's Loop stacked: dense results as they are, the parts of "
        "ragged and sparse results (which change length between calls) along dim 0, and "
        "sparse results' dense_shapes by their max."))


def map_results(stacks, kinds, shapes, frozen=None):
    """MapFnResults of the stacks (see the module docstring): its outputs, in order."""
    frozen = tuple(frozen or (False,) * len(stacks))
    node = apply(MAP_FN_RESULTS, tuple(stacks), name="MapFnResults", kinds=tuple(kinds),
                 shapes=tuple(None if s is None else tuple(s) for s in shapes),
                 frozen=frozen)
    return list(node.outputs)


def _infer_split(ctx, g, like):
    if g.dtype is not like.dtype:
        raise InferError(f"{{0}} is {g.dtype.name} but the stack {{1}} is {like.dtype.name}",
                         "dtype")
    return like.shape, like.dtype


def _split_kernel(g, like):
    if not isinstance(like, Ragged):
        return g.reshape(like.shape)
    out = np.empty(len(like), object)
    at = 0
    for i, p in enumerate(like):
        n = len(p)
        out[i] = g[at:at + n]
        at += n
    return out.view(Ragged)


def map_split(g, like):
    """MapFnSplit: g (the calls' parts joined) cut into parts shaped as like's."""
    return apply(MAP_FN_SPLIT, (g, like), name="MapFnSplit").outputs[0]


MAP_FN_SPLIT = register(OpDef(
    "MapFnSplit", _infer_split, _split_kernel,
    vjp=lambda node, gs: [map_results([gs[0]], ["concat"], [node.inputs[0].shape._dims])[0], None],
    jvp=lambda node, ts: None if ts[0] is None else map_split(ts[0], node.inputs[1]),
    api="map_fn", signature="(the gradient of map_fn's joined ragged or sparse parts)",
    shape_rule="(rows, ...), stack (calls, ...) -> the stack's", dtypes="any",
    doc="Cuts a gradient of the parts MapFnResults joined back into the calls' parts "
        "(a Ragged stack: one array per call), for the gradient of map_fn's Loop."))


def _infer_cut(ctx, values, bounds):
    if not bounds.dtype.is_integer:
        raise InferError(f"bounds {{1}} must be int, not {bounds.dtype.name}", "dtype")
    if bounds.shape.rank not in (None, 1):
        raise InferError(f"bounds {{1}} must be 1-D, not of shape {bounds.shape}")
    if values.shape.rank == 0:
        raise InferError("{0} must have a dim 0 to cut")
    n = bounds.shape._dims[0] if bounds.shape.rank else None
    inner = values.shape._dims
    return TensorShape(None if inner is None else
                       (n - 1 if isinstance(n, int) else None, None) + tuple(inner[1:])), \
        values.dtype


def _cut_kernel(values, bounds):
    parts = [values[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
    if not parts:
        return np.zeros((0, 0) + values.shape[1:], values.dtype)
    return _stack(parts, ragged=True)       # as the Loop stacks: Ragged if lengths differ


def map_cut(values, bounds):
    """MapFnCut: values[bounds[i]:bounds[i + 1]] for each i, stacked for map_fn's Loop
    to slice (a Ragged stack, one array per call, when their lengths differ): the rows
    of a RaggedTensor element."""
    return apply(MAP_FN_CUT, (values, bounds), name="MapFnCut").outputs[0]


MAP_FN_CUT = register(OpDef(
    "MapFnCut", _infer_cut, _cut_kernel,
    vjp=lambda node, gs: [map_results([gs[0]], ["concat"], [node.inputs[0].shape._dims])[0],
                          None],
    jvp=lambda node, ts: None if ts[0] is None else map_cut(ts[0], node.inputs[1]),
    api="map_fn", signature="(a RaggedTensor element's values, where its rows start)",
    shape_rule="(n, ...), bounds (calls + 1,) -> (calls, None, ...)", dtypes="any",
    doc="Cuts the values of a RaggedTensor that map_fn loops over into its rows, "
        "stacked (a Ragged stack when their lengths differ), as TF boxes each row into a "
        "variant; its gradient joins the calls' gradients again."))


# ---- map_fn ----------------------------------------------------------------------------------
def _ragged_loop(inputs, body, n_sliced, like, back_prop):
    """loop_op.make_loop for a map_fn (no carry, no condition) whose per-call outputs may
    change shape between calls: they are stacked as Ragged object arrays (the Loop's
    `ragged` attr, which make_loop does not take)."""
    fg, ins, outs = body
    draws = draw_outputs(outs, set(ins))
    body = (fg, ins, tuple(outs) + tuple(draws))
    op = LOOP if effects(body) else STATELESS_LOOP
    with get_default_graph().control_dependencies(list(dict.fromkeys(fg.outer_control))):
        return apply(op, tuple(inputs), name="Loop", body=body, cond=None, n_carry=0,
                     n_sliced=n_sliced, n_ys=len(outs) + len(draws), reverse=False,
                     has_max=False, n_draws=len(draws), ragged=True,
                     like=_draw_like(like, 0, len(outs), len(draws)),
                     **({} if back_prop else {"back_prop": False}))


def _most_general(e):
    """TF's result spec for an element when there is no fn_output_signature: a row of
    its type, of any shape."""
    if isinstance(e, SparseTensorSpec):
        return SparseTensorSpec(None, e.dtype)._unbatch()
    if isinstance(e, RaggedTensorSpec):
        return RaggedTensorSpec(None, e.dtype, e.ragged_rank, e.row_splits_dtype)._unbatch()
    return TensorSpec(None, e.dtype)


def _result_spec(d):
    """A fn_output_signature leaf as a spec (a dtype: a TensorSpec of any shape)."""
    if isinstance(d, (TensorSpec, SparseTensorSpec, RaggedTensorSpec)):
        return d
    if isinstance(d, TypeSpec):
        raise TypeError(f"map_fn can not generate {d!r} outputs")
    return TensorSpec(None, dtypes.as_dtype(d))


def _rows(e):
    """([the tensors the Loop slices], row(their slices) -> the element fn gets) for one
    leaf of elems: a tensor's rows; a RaggedTensor's rows cut apart (_ragged_rows); a
    SparseTensor's row indices."""
    from ..ragged_tensor import RaggedTensor
    from ..sparse_tensor import SparseTensor
    if isinstance(e, RaggedTensor):
        return _ragged_rows(e)
    if isinstance(e, SparseTensor):
        return _sparse_rows(e)
    t = convert_to_tensor(e)
    if t.shape.rank == 0:
        raise errors.ShapeError(f"map_fn: elems must have a dim 0 to loop over, but "
                                f"{errors.describe_tensor(t, t.name)} is a scalar")
    return [t], lambda parts: parts[0]


def _ragged_rows(rt):
    """RaggedTensor rt cut into its rows before the Loop, as TF boxes each row into a
    variant: its flat_values cut at where each row's values start (MapFnCut) and, for
    each inner ragged dim, its row lengths cut so; row(parts) rebuilds a row from one
    call's parts. The gradient joins the calls' parts again (MapFnResults' concat): a
    dense one of flat_values, as TF's."""
    from ..ragged_tensor import RaggedTensor
    from ..ragged_util import splits_of_lengths
    from .gather import gather
    levels = [rt]
    while isinstance(levels[-1].values, RaggedTensor):
        levels.append(levels[-1].values)
    bounds, lengths = levels[0].row_splits, []
    for level in levels[1:]:        # bounds: where each row starts in this level's rows
        splits = level.row_splits
        lengths.append(map_cut(splits[1:] - splits[:-1], bounds))
        bounds = gather(splits, bounds)
    cut = [map_cut(rt.flat_values, bounds)] + lengths

    def row(parts):
        values = parts[0]
        for level, n in reversed(list(zip(levels[1:], parts[1:]))):
            values = RaggedTensor(values, splits_of_lengths(n), internal=True)
            values._uniform = level._uniform
        return values
    return cut, row


def _sparse_rows(sp):
    """[SparseTensor sp's row indices] and row([i]): the SparseTensor of row i (TF's
    SerializeManySparse first checks the indices: in range, ordered, distinct)."""
    from ..ragged_util import splits_of_lengths
    from ..sparse_plan import VALIDATE
    from ..sparse_tensor import SparseTensor
    from .creation import ones_like, range as range_
    from .gather import unsorted_segment_sum
    from .registry import apply1
    if sp.rank == 0:
        raise errors.ShapeError("map_fn: elems must have a dim 0 to loop over, but a "
                                "SparseTensor of rank 0 has none")
    indices = apply1(VALIDATE, (sp.indices, sp.dense_shape), name="validate_indices")
    values = map_results([sp.values], ["as_is"], [None], frozen=[True])[0]
    n = sp.shape._dims[0] if sp.shape.rank else None
    n = n if isinstance(n, int) else sp.dense_shape[0]
    splits = splits_of_lengths(unsorted_segment_sum(ones_like(indices[:, 0]),
                                                    indices[:, 0], n))
    inner = sp.shape[1:]

    def row(parts):
        lo, hi = splits[parts[0]], splits[parts[0] + 1]
        out = SparseTensor(indices[lo:hi, 1:], values[lo:hi],
                           _spec_dense_shape(sp.dense_shape[1:], inner))
        out._static_shape = inner
        return out
    return [range_(n, dtype=dtypes.int64, name="rows")], row


def _spec_dense_shape(dense_shape, shape):
    """dense_shape with the dims static `shape` knows made constants (TF's
    SparseTensorSpec._from_compatible_tensor_list: the spec's shape restored)."""
    from .join import stack
    dims = shape._dims
    if dims is None or not any(isinstance(d, int) for d in dims):
        return dense_shape
    if all(isinstance(d, int) for d in dims):
        return convert_to_tensor(np.array(dims, np.int64), name="shape")
    return stack([convert_to_tensor(np.int64(d)) if isinstance(d, int) else dense_shape[k]
                  for k, d in enumerate(dims)])


def _calls(first, sliced):
    """The number of calls as TF knows it statically: from elems' first leaf only (a
    SparseTensor's never: TF boxes it into an (unknown, 3) variant)."""
    from ..sparse_tensor import SparseTensor
    if isinstance(first, SparseTensor):
        return None
    d = sliced.shape._dims
    return d[0] if d is not None and isinstance(d[0], int) else None


def _stacked(n, stack):
    """A dense result's static shape as TF's: n calls of the Loop's per-call shape."""
    d = stack.shape._dims
    return None if d is None else (n,) + tuple(d[1:])


def dense_results(value):
    """value, fn's result where map_fn expects tensors: a RaggedTensor or SparseTensor in
    it is TF's TypeError (the signature must say RaggedTensorSpec / SparseTensorSpec)."""
    for v in nest.flatten(value):
        if is_composite(v):
            raise TypeError(f"Failed to convert elements of {v!r} to Tensor: map_fn's "
                            "fn_output_signature says a Tensor (give a RaggedTensorSpec "
                            "or SparseTensorSpec)")
    return value


def _mismatch(spec, v):
    try:
        got = repr(type_spec_from_value(v))
    except (TypeError, ValueError):
        got = type(v).__name__
    return ValueError(f"Error in map_fn:\n  Expected `fn` to return a:\n    {spec!r}\n  But "
                      f"it returned a:\n    {got}\n    (value={v!r})\n  To fix, update the "
                      "`fn_output_signature` (or `dtype`) argument to `map_fn`.")


def _encode(v, spec):
    """[(per-call tensor, kind, frozen)]: what the Loop stacks of fn's result v."""
    from .array import shape
    if isinstance(spec, TensorSpec):
        dense_results(v)
        t = convert_to_tensor(v)
        if t.dtype is not spec.dtype:
            raise errors.DTypeError(f"map_fn: dtype says {spec.dtype.name} but fn returns "
                                    f"{t.dtype.name}\n  {errors.describe_tensor(t, t.name)}")
        return [(t, "as_is", False)]
    if not spec.is_compatible_with(v):
        raise _mismatch(spec, v)
    if isinstance(spec, SparseTensorSpec):
        count = shape(v.indices, out_type=dtypes.int64)[0]
        return [(v.indices, "concat", False), (v.values, "concat", True),
                (v.dense_shape, "max", False), (count, "as_is", False)]
    if spec.ragged_rank == 0:
        t = convert_to_tensor(v)
        if t.shape.rank == 0:
            raise ValueError(f"map_fn: a ragged result (RaggedTensorSpec of ragged_rank 0) "
                             f"must be at least rank 1 (a row), but fn returns a scalar\n  "
                             f"{errors.describe_tensor(t, t.name)}")
        return [(t, "concat", False),
                (shape(t, out_type=spec.row_splits_dtype)[0], "as_is", False)]
    return ([(v.flat_values, "concat", False), (v.nrows(), "as_is", False)] +
            [(s[1:] - s[:-1], "concat", False) for s in v.nested_row_splits])


def _join_shapes(spec, n):
    """The static shapes of the joined parts _encode lists for spec: TF's, the
    signature's alone (spec._batch(n)'s components), None for a dense result's."""
    if isinstance(spec, TensorSpec):
        return [None]                   # (_stacked's)
    batched = spec._batch(n)
    rank = spec.shape.rank
    if isinstance(spec, SparseTensorSpec):
        return [(None, rank), (None,), (rank,), (n,)]
    flat, outer = (c.shape._dims for c in batched._component_specs[:2])
    calls = outer[0] - 1 if isinstance(outer[0], int) else None
    return [flat, (calls,)] + [(None,)] * spec.ragged_rank


def _decode(spec, parts, n):
    """The result of spec from its joined parts (n: the calls, if statically known)."""
    from ..ragged_util import rowids_of, splits_of_lengths
    from ..sparse_tensor import SparseTensor
    from .array import expand_dims, reshape, shape
    from .join import concat
    if isinstance(spec, TensorSpec):
        return parts[0]
    batched = spec._batch(n)
    if isinstance(spec, SparseTensorSpec):
        indices, values, largest, counts = parts
        rows = rowids_of(splits_of_lengths(counts))
        calls = reshape(shape(counts, out_type=dtypes.int64)[0], [1])
        sp = SparseTensor(concat([expand_dims(rows, 1), indices], 1), values,
                          _spec_dense_shape(concat([calls, largest], 0), batched.shape))
        sp._static_shape = batched.shape      # TF's: the signature's alone
        return sp
    values, outer, lengths = parts[0], parts[1], parts[2:]
    return batched._from_components([values] + [splits_of_lengths(t)
                                                 for t in [outer] + lengths])


def map_composite(fn, elems, signature, back_prop, name):
    """map_fn (ops/functional.py) where elems or fn_output_signature hold a RaggedTensor
    or a SparseTensor: fn sees their rows, and builds ragged or sparse results."""
    from .functional import _build
    graph = get_default_graph()
    leaves = nest.flatten(elems)
    if not leaves:
        raise ValueError("map_fn: elems is empty")
    if signature is None:
        like = elems
        specs = [_most_general(type_spec_from_value(e) if is_composite(e) else
                               TensorSpec(None, convert_to_tensor(e).dtype)) for e in leaves]
    else:
        like = signature
        specs = [_result_spec(d) for d in nest.flatten(signature)]
    with graph.name_scope(name or "map_fn") as scope:
        cuts, rows = zip(*[_rows(e) for e in leaves])
        sliced = [t for cut in cuts for t in cut]
        encoded = []

        def body(args):
            args = iter(args)
            value = fn(nest.pack_sequence_as(elems, [r([next(args) for _ in cut])
                                                     for r, cut in zip(rows, cuts)]))
            nest.assert_same_structure(like, value)     # TF's: the signature's (or
            #                                             elems') structure
            encoded[:] = [_encode(v, s) for v, s in zip(nest.flatten(value), specs)]
            return [t for parts in encoded for t, _, _ in parts]

        def make(inputs, loop_body, cond, n_carry, n_sliced, n_ys, reverse, has_max,
                 back_prop=True, like=None):
            like = tuple((0, True) if p[1] == "concat" else None    # no call: an empty
                         for parts in encoded for p in parts)       # join, any shape
            return _ragged_loop(inputs, loop_body, n_sliced, like, back_prop)

        _, stacks = _build("map_fn", body, [], False, sliced,
                           (list, [None] * len(sliced)), False, scope,
                           lambda out_s, outs: ([], outs, []), back_prop, make=make)
        n = _calls(leaves[0], sliced[0])
        flat = [p for parts in encoded for p in parts]
        shapes = [s for spec in specs for s in _join_shapes(spec, n)]
        shapes = [_stacked(n, t) if kind == "as_is" and s is None else s
                  for s, t, (_, kind, _) in zip(shapes, stacks, flat)]
        joined = iter(map_results(stacks, [k for _, k, _ in flat], shapes,
                                  [f for _, _, f in flat]))
        results = [_decode(spec, [next(joined) for _ in parts], n)
                   for spec, parts in zip(specs, encoded)]
    return nest.pack_sequence_as(like, results)
