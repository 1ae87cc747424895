"""map_fn, scan, foldl, foldr, case and switch_case: TF1's functional ops.

    squares = gc.map_fn(lambda x: x * x, elems)                 # elems: (n, ...)
    sums = gc.scan(lambda acc, x: acc + x, elems)                # running sums
    total = gc.foldl(lambda acc, x: acc + x, elems, initializer=0.0)

All but case and switch_case are one Loop node (ops/loop_op.py) over a function graph
traced from fn; case and switch_case are chains of conds.
"""
from .. import errors
from ..graph import Tensor, get_default_graph
from ..shapes import TensorShape, fits
from .control import FuncGraph, _flatten, _unflatten, cond
from .core import convert_to_tensor, placeholder, stop_gradient
from .loop_op import make_loop
from .map_fn_composite import dense_results, map_composite, needs_composite

__all__ = ["map_fn", "scan", "foldl", "foldr", "case", "switch_case"]


# ---- the TF1 functions -----------------------------------------------------------------------
def _elems(elems, what):
    """(structure, tensors) of `elems`, each to be sliced along dim 0."""
    leaves = []
    structure = _flatten(elems, leaves)
    tensors = [convert_to_tensor(e) for e in leaves]
    if not tensors:
        raise ValueError(f"{what}: elems is empty")
    for t in tensors:
        if t.shape.rank == 0:
            raise errors.ShapeError(f"{what}: elems must have a dim 0 to loop over, but "
                                    f"{errors.describe_tensor(t, t.name)} is a scalar")
    return structure, tensors


def _slice_type(t):
    return (t.dtype, TensorShape(None if t.shape._dims is None else t.shape._dims[1:]))


def _build(what, fn, carry, carry_s, sliced, sliced_s, reverse, name, n_ys_of=None,
           back_prop=True, like=None, make=make_loop):
    """Trace fn(carry..., element...) and build the Loop (with `make`, make_loop's
    signature). fn returns the new carry (when there is one) and/or the per-element
    outputs, as n_ys_of(result) says."""
    graph = get_default_graph()
    with graph.name_scope(name or what) as scope:
        fg = FuncGraph(graph, scope + "fn/")
        fg.live_variables = True            # a read after an assign in fn sees it
        with fg.as_default():
            c_ph = [placeholder(t.dtype, t.shape, name="carry") for t in carry]
            s_ph = [placeholder(*_slice_type(t), name="elem") for t in sliced]
            args = []
            if carry_s is not False:
                args.append(_unflatten(carry_s, iter(c_ph)))
            if sliced_s is not False:
                args.append(_unflatten(sliced_s, iter(s_ph)))
            value = fn(*args)
            leaves = []
            out_s = _flatten(value, leaves)
            outs = [fg.capture(v) if isinstance(v, Tensor) else convert_to_tensor(v)
                    for v in leaves]
        new_carry, ys, zs = n_ys_of(out_s, outs)
        for i, (t, o) in enumerate(zip(carry, new_carry)):
            if o.dtype is not t.dtype or not fits(o.shape, t.shape):
                raise ValueError(f"{what}: fn must return the accumulator's structure, dtypes "
                                 f"and shapes; part {i} is {o.dtype.name} {o.shape} for "
                                 f"{t.dtype.name} {t.shape}\n  {errors.describe_tensor(o, o.name)}")
        captured = list(fg.captures)
        ins = tuple(c_ph) + tuple(s_ph) + tuple(fg.capture_placeholder(t) for t in captured)
        body_outs = tuple(new_carry) + tuple(ys) + tuple(zs)
        node = make(tuple(carry) + tuple(sliced) + tuple(captured),
                    (fg, ins, body_outs), None, len(carry), len(sliced), len(ys), reverse,
                    False, back_prop=back_prop, like=like)
    return out_s, node.outputs[:len(carry) + len(ys)]


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
           swap_memory=False, infer_shape=True, name=None, fn_output_signature=None):
    """fn applied to each element of `elems` along dim 0, results stacked (TF1 tf.map_fn).

        gc.map_fn(lambda row: gc.reduce_sum(row * row), x)       # x (n, d) -> (n,)

    elems may be a structure (tuple, list, dict) of tensors of the same length; fn gets
    the same structure of elements and may return any structure of tensors. `dtype`, when
    given, must match what fn returns (TF1 needs it; graphc infers it and checks);
    fn_output_signature is TF 2's name for it (dtypes or TensorSpecs).

    As in TF, elems may hold RaggedTensors (fn gets each row: a Tensor, or a RaggedTensor
    one ragged dim less) and SparseTensors (fn gets each row: a SparseTensor one dim
    less), and a RaggedTensorSpec or SparseTensorSpec signature makes ragged or sparse
    results (ops/map_fn_composite.py):

        gc.map_fn(gc.range, gc.constant([3, 0, 2]),
                  fn_output_signature=gc.RaggedTensorSpec([None], gc.int32))
        # [[0, 1, 2], [], [0, 1]]
    """
    if fn_output_signature is not None:
        if dtype is not None:
            raise ValueError("map_fn: give dtype or fn_output_signature, not both")
        dtype = fn_output_signature
    if not callable(fn):
        raise TypeError(f"The provided function {getattr(fn, '__name__', fn)} is not "
                        "callable.fn must be callable.")
    if needs_composite(elems, dtype):
        return map_composite(fn, elems, dtype, back_prop, name)
    structure, sliced = _elems(elems, "map_fn")

    def parts(out_s, outs):
        return [], outs, []
    out_s, outs = _build("map_fn", lambda *a: dense_results(fn(*a)), [], False, sliced,
                         structure, False, name, parts, back_prop)
    if dtype is not None:
        want = []
        _flatten(dtype, want)
        want = [getattr(d, "dtype", d) for d in want]        # a TensorSpec's dtype
        got = [t.dtype.name for t in outs]
        from ..dtypes import as_dtype
        if [as_dtype(d).name for d in want] != got:
            raise errors.DTypeError(f"map_fn: dtype says {[as_dtype(d).name for d in want]} "
                                    f"but fn returns {got}")
    return _unflatten(out_s, iter(outs))


def _first(elems, what, reverse, initializer):
    """(carry structure, carry tensors, elems structure, sliced tensors, first element
    split off) for scan/fold: without an initializer the first element starts."""
    structure, sliced = _elems(elems, what)
    if initializer is not None:
        leaves = []
        carry_s = _flatten(initializer, leaves)
        return carry_s, [convert_to_tensor(v) for v in leaves], structure, sliced, None
    first = [t[-1] if reverse else t[0] for t in sliced]
    rest = [t[:-1] if reverse else t[1:] for t in sliced]
    return structure, first, structure, rest, first


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """The accumulator after each element: a = fn(a, x) along dim 0 (TF1 tf.scan).

        gc.scan(lambda a, x: a + x, gc.constant([1., 2., 3.]))     # [1., 3., 6.]

    Without `initializer` the first element (the last with reverse=True) starts the
    accumulator and is the first (last) result, as in TF1.
    """
    carry_s, carry, structure, sliced, first = _first(elems, "scan", reverse, initializer)

    def parts(out_s, outs):
        return outs, outs, []
    out_s, outs = _build("scan", fn, carry, carry_s, sliced, structure, reverse, name, parts,
                         back_prop, like=(None,) * len(carry) + tuple(   # each result: a
                             (k, True) for k in range(len(carry))))    # carry's shape
    stacked = outs[len(carry):]
    if first is not None:
        from .join import concat
        pieces = [[f[None] if back_prop else stop_gradient(f[None])] for f in first]
        stacked = [concat([s] + p if reverse else p + [s], 0) for s, p in zip(stacked, pieces)]
    return _unflatten(carry_s, iter(stacked))


def _fold(what, fn, elems, initializer, reverse, name, back_prop):
    carry_s, carry, structure, sliced, _ = _first(elems, what, reverse, initializer)

    def parts(out_s, outs):
        return outs, [], []
    _, outs = _build(what, fn, carry, carry_s, sliced, structure, reverse, name, parts,
                     back_prop)
    return _unflatten(carry_s, iter(outs[:len(carry)]))


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """fn(...fn(fn(initializer, x0), x1)..., xn-1) (TF1 tf.foldl).

        gc.foldl(lambda a, x: a * x, gc.constant([1., 2., 3.]))     # 6.0
    """
    return _fold("foldl", fn, elems, initializer, False, name, back_prop)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """foldl from the last element to the first (TF1 tf.foldr)."""
    return _fold("foldr", fn, elems, initializer, True, name, back_prop)


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The result of the first fn whose pred is true, else default() (TF1 tf.case).

        gc.case([(x < 0., lambda: -x), (x > 10., lambda: x / 10.)], default=lambda: x)

    A chain of conds: only the chosen function runs. Without a default the last pair's
    fn is it, and it fails when run (InvalidArgumentError) if its pred is false too:
    no condition held, as TF1. exclusive=True checks, when run, that at most one pred
    holds.
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else \
        list(pred_fn_pairs)
    if not pairs:
        raise ValueError("case: pred_fn_pairs is empty")
    for p, f in pairs:
        if not callable(f):
            raise TypeError(f"case: {f!r} is not callable; each pair is (pred, fn)")
    checks = [_exclusive_check(pairs)] if exclusive else []
    if default is None:
        pairs, default = pairs[:-1], _asserted_default(pairs)
    graph = get_default_graph()
    with graph.name_scope(name), graph.control_dependencies(checks):
        result = default
        for p, f in reversed(pairs):
            result = (lambda p, f, rest: lambda: cond(p, f, rest, strict=strict))(p, f, result)
        return result()


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """branch_fns[branch_index](), or default() when the index is out of range (TF1
    tf.switch_case; without a default the last branch is it).

        y = gc.switch_case(i, [lambda: x * 2., lambda: gc.exp(x)], default=lambda: -x)

    branch_fns is a list of callables, or a dict (or list of pairs) from the ints
    0..n-1 to callables. branch_index is an int32 scalar. A chain of conds, like case.
    """
    pairs = sorted(branch_fns.items()) if isinstance(branch_fns, dict) else \
        list(branch_fns)
    if not pairs:
        raise ValueError("switch_case: branch_fns is empty")
    if all(callable(f) for f in pairs):
        pairs = list(enumerate(pairs))
    else:
        pairs = sorted(pairs, key=lambda kf: kf[0])
    keys = [k for k, _ in pairs]
    if keys != list(range(len(pairs))):
        raise ValueError(f"switch_case: the branch keys must be 0..{len(pairs) - 1}, "
                         f"got {keys}")
    for _, f in pairs:
        if not callable(f):
            raise TypeError(f"switch_case: {f!r} is not callable")
    from .elementwise import equal
    graph = get_default_graph()
    with graph.name_scope(name):
        index = convert_to_tensor(branch_index)
        if index.dtype.name != "int32" or index.shape.rank not in (None, 0):
            raise errors.DTypeError(f"switch_case: branch_index must be an int32 scalar\n"
                                    f"  {errors.describe_tensor(index, 'branch_index')}")
        if default is None:
            pairs, default = pairs[:-1], pairs[-1][1]
        return case([(equal(index, k), f) for k, f in pairs], default=default,
                    name="case")


def _asserted_default(pairs):
    """The last pair's fn as case's default, asserting its pred (TF1: with no default,
    no true pred is an error, not the last fn's value)."""
    from .asserts import Assert
    from .core import identity
    from .join import stack
    pred, fn = pairs[-1]
    preds = [convert_to_tensor(p) for p, _ in pairs]

    def default():
        check = Assert(pred, ["Input error: None of conditions evaluated as True:",
                              stack(preds, name="preds_c")])
        leaves = []
        structure = _flatten(fn(), leaves)
        with get_default_graph().control_dependencies([check]):
            leaves = [identity(t) if isinstance(t, Tensor) else t for t in leaves]
        return _unflatten(structure, iter(leaves))
    return default


def _exclusive_check(pairs):
    """An Assert that at most one of the pairs' predicates holds (TF1's exclusive case)."""
    from .asserts import Assert
    from .elementwise import cast, less_equal
    from .join import stack
    from .reduce import reduce_sum
    preds = stack([convert_to_tensor(p) for p, _ in pairs])
    count = reduce_sum(cast(preds, "int32"))
    return Assert(less_equal(count, 1), ["Input error: exclusive=True: more than 1 "
                                         "conditions evaluated as True:", preds])
