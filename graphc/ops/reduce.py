"""Reductions: reduce_sum/mean/max/min/prod/all/any, argmax/argmin, and the composites
reduce_logsumexp and count_nonzero.

`axis` is None (all dims), an int or a list of ints (negative count from the end); it is
stored as a tuple attribute. An axis tensor known only when the graph runs (TF1 allows
one) makes the op's Dynamic twin (DynamicSum ...), which takes it as a second input.
The differentiable reductions state dy/dx once, as a tensor of x's shape (d); then
vjp = broadcast(g) * d and jvp = reduce_sum(t * d).
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .array import (as_int, expand_dims, int_tuple, ones_like, rank, reshape, shape,
                    run_time, shape_of, size, static_value, zeros_like)
from .array import range as range_
from .core import constant, convert_to_tensor, stop_gradient
from .elementwise import (add, broadcast_to, cast, divide, equal, exp, is_finite, log,
                          conj_of, logical_and, mod, not_equal, times, select)
from ..graph import Tensor
from .registry import OpDef, apply1, constant_value, register

__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
           "reduce_all", "reduce_any", "reduce_logsumexp", "argmax", "argmin",
           "count_nonzero"]


def _reduced_axes(ctx, x, axis):
    """The set of normalized axes of x that `axis` reduces, or None if x's rank is unknown."""
    r = x.shape.rank
    if r is None:
        return None
    if axis is None:
        return set(range(r))
    axes = set()
    for a in axis:
        k = ctx.axis(a, r)
        if k in axes:
            raise InferError(f"axis {a} is repeated in {list(axis)}")
        axes.add(k)
    return axes


def _infer_reduce(kind, out_dtype=None):
    def infer(ctx, x, *, axis, keepdims):
        ctx.require(0, kind)
        axes = _reduced_axes(ctx, x, axis)
        dtype = out_dtype or x.dtype
        if axes is None:                        # rank unknown
            return (() if axis is None and not keepdims else None), dtype
        if keepdims:
            return tuple(1 if k in axes else d for k, d in enumerate(x.shape._dims)), dtype
        return tuple(d for k, d in enumerate(x.shape._dims) if k not in axes), dtype
    return infer


def _infer_dynamic(kind, out_dtype=None):
    def infer(ctx, x, axis, *, keepdims):
        ctx.require(0, kind)
        ctx.require(1, "int")
        if axis.shape.rank is not None and axis.shape.rank > 1:
            raise InferError("axis {1} must be a scalar or a vector")
        r, k = x.shape.rank, axis.shape.num_elements()
        dtype = out_dtype or x.dtype
        if r is None or (k is None and not keepdims):
            return None, dtype
        return (None,) * (r if keepdims else max(r - k, 0)), dtype
    return infer


def _dynamic_kernel(name):
    fn = _KERNELS[name]

    def kernel(x, axis, *, keepdims):
        r, axes = x.ndim, np.asarray(axis).reshape(-1).tolist()
        bad = [a for a in axes if not -r <= a < r]
        if bad:
            raise ValueError(f"Invalid reduction dimension {bad[0]} for input with {r} "
                             "dimensions.")
        axes = tuple(a % r for a in axes)
        if len(set(axes)) != len(axes):
            raise ValueError(f"Invalid reduction arguments: axes {list(axis)} repeat a "
                             "dimension")
        return np.asarray(fn(x, axes, keepdims), dtype=x.dtype)
    return kernel


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if dtype.kind == "f" else np.iinfo(dtype).max


def trunc_div(s, n):
    """s / n rounded toward zero (C++ integer division), for integer s and counts n >= 1:
    in s's dtype for 64-bit s (uint64 stays unsigned, INT64_MIN keeps its sign), else
    in int64."""
    wide = s.dtype if s.dtype.itemsize == 8 else np.dtype(np.int64)
    s, n = np.asarray(s).astype(wide), np.asarray(n).astype(wide)
    q = s // n
    if wide.kind == "i":            # floor -> toward zero for negative inexact quotients
        q = q + ((s % n != 0) & (s < 0)).astype(wide)
    return q


def _int_mean(x, axis, keepdims):
    """TF1 integer mean: the sum divided by the count, rounded toward zero. The sum is
    exact for 8-32 bit ints; 64-bit ones add up in their own dtype and wrap, as TF's."""
    acc = x.dtype if x.dtype.itemsize == 8 else np.int64
    s = np.asarray(np.sum(x, axis=axis, keepdims=keepdims, dtype=acc))
    n = max(np.size(x) // max(np.size(s), 1), 1)
    return trunc_div(s, n)


def _acc(dtype):
    """The accumulator of a sum: float32 for float16 (which stalls at 2048 + 1, or at
    256 + 0.125...), else the dtype itself."""
    return np.float32 if dtype == np.float16 else dtype


_KERNELS = {
    "Sum": lambda x, a, k: np.sum(x, axis=a, keepdims=k, dtype=_acc(x.dtype)),
    "Mean": lambda x, a, k: _int_mean(x, a, k) if x.dtype.kind in "iu" else
    np.mean(x, axis=a, keepdims=k, dtype=_acc(x.dtype)),
    "Max": lambda x, a, k: np.max(x, axis=a, keepdims=k, initial=_lowest(x.dtype)),
    "Min": lambda x, a, k: np.min(x, axis=a, keepdims=k, initial=_highest(x.dtype)),
    "Prod": lambda x, a, k: np.prod(x, axis=a, keepdims=k, dtype=x.dtype),
    "All": lambda x, a, k: np.all(x, axis=a, keepdims=k),
    "Any": lambda x, a, k: np.any(x, axis=a, keepdims=k),
}


def _kernel(name):
    fn = _KERNELS[name]

    def kernel(x, *, axis, keepdims):
        return np.asarray(fn(x, axis, keepdims), dtype=x.dtype)
    return kernel


# ---- derivatives --------------------------------------------------------------------------
def _keepdims_form(y, x, axis, keepdims):
    """y (a reduction of x) with the reduced dims put back as 1s, so it broadcasts to x."""
    if keepdims or axis is None:
        return y                      # a scalar (or all-ones shape) broadcasts as it is
    r = x.shape.rank
    if r is not None and not isinstance(axis, Tensor):
        for a in sorted(a % r for a in axis):
            y = expand_dims(y, a)
        return y
    # rank or axes known only at run time: reshape to shape(x), the reduced dims set to 1
    s, n = shape(x), rank(x)
    axes = reshape(cast(axis, dtypes.int32), [-1]) if isinstance(axis, Tensor) else \
        constant(list(axis), dtype=dtypes.int32)
    axes = mod(axes, n)
    reduced = reduce_any(equal(expand_dims(range_(n), 1), axes), axis=1)
    return reshape(y, select(reduced, ones_like(s), s))


def _broadcast_back(g, x, attrs):
    return broadcast_to(_keepdims_form(g, x, **attrs), shape_of(x))


def _axis_attrs(node):
    """{axis, keepdims} of a reduction node: axis a tuple/None, or the Dynamic op's
    axis tensor."""
    axis = node.inputs[1] if len(node.inputs) > 1 else node.attrs["axis"]
    return {"axis": axis, "keepdims": node.attrs["keepdims"]}


def _rules(partial):
    """vjp and jvp of a reduction from d = dy/dx (x's shape, or 1): g*d and sum(t*d)."""
    def vjp(node, gs):
        x, y, attrs = node.inputs[0], node.outputs[0], _axis_attrs(node)
        d = conj_of(partial(x, y, attrs))             # complex: g * conj(d), as TF
        return [times(_broadcast_back(gs[0], x, attrs), d)] + [None] * (len(node.inputs) - 1)

    def jvp(node, ts):
        if ts[0] is None:
            return None
        x, y, attrs = node.inputs[0], node.outputs[0], _axis_attrs(node)
        return reduce_sum(times(ts[0], partial(x, y, attrs)), **attrs)
    return vjp, jvp


def _mean_partial(x, y, attrs):
    """d mean / d x_i = 1/n, n = size(x) / size(y) (the number of reduced elements)."""
    nx, ny = x.shape.num_elements(), y.shape.num_elements()
    if nx is not None and ny is not None:
        return ny / nx if nx else 0.0
    return divide(cast(_size(y), x.dtype), cast(_size(x), x.dtype))


def _size(t):
    return size(t, out_type=dtypes.int64)


def _extreme_partial(x, y, attrs):
    """d max / d x_i = 1/count where x_i attains the max (ties share it, as TF1), else 0."""
    mask = cast(equal(x, _keepdims_form(y, x, **attrs)), x.dtype)
    return mask / reduce_sum(mask, axis=attrs["axis"], keepdims=True)


def _prod_partial(x, y, attrs):
    """d prod / d x_i = the product of the others, never divided out (TF1's _ProdGrad):
    the reduced axes go in front (a transpose), flattened to one, and the partial is the
    exclusive cumprod from the left times the one from the right. So zeros, inf, NaN and
    a product that under- or overflows give TF1's values ([1e-30, 1e-30, 1e30]: [1, 1,
    0]). The axes and x's rank may be known only at run time. Complex x (which cumprod
    does not take) keeps the older rule _prod_partial_divide."""
    if x.dtype.is_complex:
        return _prod_partial_divide(x, y, attrs)
    from .counting import setdiff1d
    from .gather import gather
    from .join import concat, stack
    from .scan import cumprod
    from .array import transpose
    from .array_more import invert_permutation
    axis, r = attrs["axis"], x.shape.rank
    if r is not None and not isinstance(axis, Tensor):
        red = sorted(set(range(r)) if axis is None else {a % r for a in axis}) if r else []
        other = [i for i in range(r) if i not in red]
        perm = red + other
        inv = [int(i) for i in np.argsort(perm)]
        red, other = (constant(v, dtypes.int32, shape=[len(v)]) for v in (red, other))
    else:
        rk = rank(x)
        if axis is None:
            red = range_(rk)
        else:
            a = axis if isinstance(axis, Tensor) else constant(list(axis), dtypes.int32)
            red = mod(reshape(cast(a, dtypes.int32), [-1]), rk)
        other = setdiff1d(range_(rk), red)[0]
        perm = concat([red, other], 0)
        inv = invert_permutation(perm)
    xs = shape(x)
    same = isinstance(perm, list) and perm == list(range(r))
    moved = x if same else transpose(x, perm)
    flat = reshape(moved, stack([reduce_prod(gather(xs, red)),
                                 reduce_prod(gather(xs, other))]))
    d = cumprod(flat, 0, exclusive=True) * cumprod(flat, 0, exclusive=True, reverse=True)
    d = reshape(d, shape(moved))
    return d if moved is x else transpose(d, inv)


def _prod_partial_divide(x, y, attrs):
    """The product of the others for complex x: with p the product of the nonzero x and
    z the number of zeros, p / x_i if z = 0; p at the zero if z = 1; else 0."""
    axis = attrs["axis"]
    zero = equal(x, 0)
    safe = select(zero, ones_like(x), x)
    p = reduce_prod(safe, axis=axis, keepdims=True)
    z = reduce_sum(cast(zero, x.dtype), axis=axis, keepdims=True)
    return select(equal(z, 0), p / safe,
                 select(logical_and(zero, equal(z, 1)), p, zeros_like(x)))


def _reduction(name, api, kind, partial=None, doc="", out_dtype=None):
    vjp, jvp = _rules(partial) if partial else (None, None)
    op = register(OpDef(
        name, _infer_reduce(kind, out_dtype), _kernel(name), vjp=vjp, jvp=jvp,
        differentiable=partial is not None, api=api,
        signature=f"{api}(input_tensor, axis=None, keepdims=False, name=None)",
        shape_rule="x without the reduced axes (kept as 1 with keepdims)", dtypes=kind,
        doc=doc))
    dynamic = register(OpDef(
        "Dynamic" + name, _infer_dynamic(kind, out_dtype), _dynamic_kernel(name), vjp=vjp,
        jvp=jvp, differentiable=partial is not None, api=api,
        signature=f"{api}(input_tensor, axis=<a tensor computed at run time>, "
                  "keepdims=False, name=None)",
        shape_rule="x without the reduced axes (kept as 1 with keepdims); the dims are "
                   "known when the graph runs", dtypes=kind,
        doc=doc + " (axes computed when the graph runs)"))

    def fn(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
           keep_dims=None):
        x = convert_to_tensor(input_tensor)
        given = run_time(reduction_indices if axis is None else axis)
        if given is not None:                               # run-time axes
            if axis is not None and reduction_indices is not None:
                raise ValueError(f"{api}: pass axis or reduction_indices, not both")
            _, keepdims = _reduction_args(api, None, keepdims, None, keep_dims)
            return apply1(dynamic, (x, given), name=name or op.name, keepdims=keepdims)
        axis, keepdims = _reduction_args(api, axis, keepdims, reduction_indices, keep_dims)
        return apply1(op, (x,), name=name, axis=axis, keepdims=keepdims)
    fn.__name__ = fn.__qualname__ = api
    fn.__doc__ = f"{doc}\n\n    gc.{api}(x, axis=1) reduces (3, 4) to (3,); " \
                 "axis=None reduces every dim."
    return op, fn


def _reduction_args(api, axis, keepdims, reduction_indices, keep_dims):
    """(axis tuple or None, keepdims bool), accepting TF1's old argument names."""
    if reduction_indices is not None:
        if axis is not None:
            raise ValueError(f"{api}: pass axis or reduction_indices, not both")
        axis = reduction_indices
    if keep_dims is not None:
        if keepdims is not None:
            raise ValueError(f"{api}: pass keepdims or keep_dims, not both")
        keepdims = keep_dims
    return int_tuple(axis, f"{api}: axis"), bool(keepdims)


SUM, reduce_sum = _reduction("Sum", "reduce_sum", "numeric or complex", lambda x, y, a: 1,
                             "Sum over the given axes (integer sums keep their dtype).")
MEAN, reduce_mean = _reduction("Mean", "reduce_mean", "numeric or complex", _mean_partial,
                               "Mean over the given axes (integers: rounded toward 0).")
MAX, reduce_max = _reduction("Max", "reduce_max", "numeric", _extreme_partial,
                             "Maximum over the given axes; ties share the gradient.")
MIN, reduce_min = _reduction("Min", "reduce_min", "numeric", _extreme_partial,
                             "Minimum over the given axes; ties share the gradient.")
PROD, reduce_prod = _reduction("Prod", "reduce_prod", "numeric or complex", _prod_partial,
                               "Product over the given axes.")
ALL, reduce_all = _reduction("All", "reduce_all", "bool", doc="Logical and over the axes.")
ANY, reduce_any = _reduction("Any", "reduce_any", "bool", doc="Logical or over the axes.")


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None,
                     reduction_indices=None, keep_dims=None):
    """log(sum(exp(x))) over the axes, computed as m + log(sum(exp(x - m))) with m the
    (gradient-stopped) max, so large x do not overflow."""
    axis, keepdims = _reduction_args("reduce_logsumexp", axis, keepdims, reduction_indices,
                                     keep_dims)
    x = convert_to_tensor(input_tensor)

    def finite_max(keep):              # all -inf: m = 0 avoids -inf - -inf = nan
        m = stop_gradient(reduce_max(x, axis=axis, keepdims=keep))
        return select(is_finite(m), m, zeros_like(m))
    s = reduce_sum(exp(x - finite_max(True)), axis=axis, keepdims=keepdims)
    return add(log(s), finite_max(keepdims), name=name or "reduce_logsumexp")


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002 (TF1)
    """The number of nonzero (true) elements over the axes, as `dtype` (int64).
    `input` is TF1's old name for input_tensor."""
    if (input_tensor is None) == (input is None):
        raise ValueError("count_nonzero: pass input_tensor or input, exactly one of them")
    x = convert_to_tensor(input_tensor if input is None else input)
    nonzero = not_equal(x, np.zeros((), x.dtype.np))
    return reduce_sum(cast(nonzero, dtype), axis=axis, keepdims=keepdims, name=name,
                      reduction_indices=reduction_indices, keep_dims=keep_dims)


# ---- argmax, argmin -------------------------------------------------------------------------
def _infer_arg(ctx, x, *, axis, output_type):
    ctx.require(0, "numeric")
    if not output_type.is_integer:
        raise InferError(f"output_type must be int32 or int64, not {output_type.name}",
                         "dtype")
    if x.shape._dims is None:
        return None, output_type
    k = ctx.axis(axis, x.shape.rank)
    return tuple(d for i, d in enumerate(x.shape._dims) if i != k), output_type


def _arg_op(name, api, fn, doc):
    op = register(OpDef(
        name, _infer_arg,
        lambda x, *, axis, output_type: np.asarray(fn(x, axis=axis), output_type.np),
        differentiable=False, api=api,
        signature=f"{api}(input, axis=None, name=None, output_type=int64)",
        shape_rule="input without axis", dtypes="numeric -> int64/int32", doc=doc))

    def public(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
        if axis is not None and dimension is not None:
            raise ValueError(f"{api}: pass axis or dimension (its old name), not both")
        axis = dimension if axis is None else axis
        x = convert_to_tensor(input)
        if axis is not None and run_time(axis) is not None:     # moved last (TF1 takes
            from .dynamic_axis import to_back                     # a run-time axis)
            return apply1(op, (to_back(x, run_time(axis))[0],), name=name, axis=-1,
                          output_type=dtypes.as_dtype(output_type))
        return apply1(op, (x,), name=name,
                      axis=0 if axis is None else as_int(static_value(axis, f"{api}: axis")),
                      output_type=dtypes.as_dtype(output_type))
    public.__name__ = public.__qualname__ = api
    public.__doc__ = f"{doc} `gc.{api}(logits, 1)` gives one index per row."
    return op, public


def _skipping_nan(fn, fill):
    """fn (np.argmax / np.argmin) passing over NaNs, as TF's kernels do."""
    def arg(x, axis):
        if x.dtype.kind == "f" and np.isnan(x).any():
            x = np.where(np.isnan(x), fill, x)
        return fn(x, axis=axis)
    return arg


ARGMAX, argmax = _arg_op("ArgMax", "argmax", _skipping_nan(np.argmax, -np.inf),
                         "The index of the largest value along axis (the first at ties; "
                         "NaNs skipped).")
ARGMIN, argmin = _arg_op("ArgMin", "argmin", _skipping_nan(np.argmin, np.inf),
                         "The index of the smallest value along axis (the first at ties; "
                         "NaNs skipped).")
