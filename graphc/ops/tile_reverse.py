"""tile and reverse (TF's Tile and ReverseV2), re-exported by array.py."""
import builtins

import numpy as np

from ..shapes import InferError
from .array import (_reduce_sum, _shape_tensor, int_tuple, reshape, run_time, shape,
                    transpose)
from .core import convert_to_tensor
from .registry import OpDef, apply1, constant_value, register

__all__ = ["tile", "reverse", "reverse_v2"]

def _infer_tile(ctx, x, multiples):
    if not multiples.dtype.is_integer:
        raise InferError("multiples {1} must be an integer tensor", "dtype")
    v = ctx.constant_value(multiples)
    if v is not None:
        if v.ndim != 1 or (v < 0).any():
            raise InferError(f"multiples must be a 1-D list of ints >= 0, got {v.tolist()}")
        mult = [int(m) for m in v]
    else:
        mult = ctx.shape_value(multiples)._dims
    dims = x.shape._dims
    if dims is None or mult is None:
        n = len(mult) if mult is not None else None if dims is None else len(dims)
        return (None if n is None else (None,) * n), x.dtype
    if len(mult) != len(dims):
        raise InferError(f"multiples has {len(mult)} entries but {{0}} has rank {len(dims)}")
    out = []
    for d, m in zip(dims, mult):
        n, m = ctx.resolve(d), ctx.resolve(m)
        out.append(d if m == 1 else n * m if n is not None and m is not None else
                   m if n == 1 else None)
    return tuple(out), x.dtype


def _tile_kernel(x, multiples):
    if len(multiples) != x.ndim:
        raise ValueError(f"tile: {len(multiples)} multiples for an array of rank {x.ndim}")
    return np.tile(x, tuple(int(m) for m in multiples))


def _tile_vjp(node, gs):
    """g summed over the copies: g reshaped to (m0, d0, m1, d1, ...), summed over the m's."""
    x, multiples = node.inputs
    r = x.shape.rank if x.shape.rank is not None else multiples.shape[0]
    m = constant_value(multiples)
    if m is not None and x.shape.is_fully_defined():
        split_shape = [n for pair in zip(m.tolist(), x.shape._dims) for n in pair]
    else:
        from .join import stack
        pairs = stack([multiples, shape(x, out_type=multiples.dtype)])
        split_shape = reshape(transpose(pairs), [-1])
    g = reshape(gs[0], split_shape)
    if not isinstance(r, int):          # rank known at run time: the axes 0, 2, ... too
        from .creation import range as range_
        from .elementwise import multiply
        from .array import size
        return [_reduce_sum(g, range_(0, multiply(size(multiples), 2), 2)), None]
    return [_reduce_sum(g, list(builtins.range(0, 2 * r, 2))), None]


TILE = register(OpDef(
    "Tile", _infer_tile, _tile_kernel, vjp=_tile_vjp,
    jvp=lambda node, ts: None if ts[0] is None else tile(ts[0], node.inputs[1]),
    api="tile", signature="tile(input, multiples, name=None)",
    shape_rule="out[i] = input[i] * multiples[i]", dtypes="any; multiples int",
    doc="Repeats input multiples[i] times along each dim i."))


def tile(input, multiples, name=None):
    """input repeated along each dim: (2, 3) tiled by [2, 1] gives (4, 3)."""
    return apply1(TILE, (convert_to_tensor(input), _shape_tensor(multiples, "tile", "multiples")),
                  name=name)


def _infer_reverse(ctx, x, *, axis):
    if x.shape._dims is not None:
        seen = set()
        for a in axis:
            k = ctx.axis(a, x.shape.rank)
            if k in seen:
                raise InferError(f"axis {a} is repeated in {list(axis)}")
            seen.add(k)
    return x.shape, x.dtype


REVERSE = register(OpDef(
    "ReverseV2", _infer_reverse, lambda x, *, axis: np.flip(x, axis),
    vjp=lambda node, gs: [reverse(gs[0], node.attrs["axis"])],
    jvp=lambda node, ts: None if ts[0] is None else reverse(ts[0], node.attrs["axis"]),
    api="reverse", signature="reverse(tensor, axis, name=None)", shape_rule="same as tensor",
    dtypes="any", doc="Reverses the order of elements along the given axes."))


def reverse(tensor, axis, name=None):
    """tensor with the order of elements along each of `axis` reversed (axes may be
    tensors computed at run time: each is moved first and reversed there)."""
    x = convert_to_tensor(tensor)
    if run_time(axis) is not None:
        from .dynamic_axis import along
        axes = run_time(axis)
        if axes.shape.ndims == 0:
            axes = axes[None]
        n = axes.shape.num_elements()
        if n is None:
            raise TypeError(f"reverse: axis '{axes.name}' is computed at run time and its "
                            "length must be known when the graph is built")
        if n > 1:                           # TF: "axis 0 specified more than once"
            x = _distinct_axes(x, axes, n)
        for i in range(n):
            x = along(x, axes[i], lambda m: apply1(REVERSE, (m,), axis=(0,)),
                      name=name if i == n - 1 else None)
        return x
    return apply1(REVERSE, (x,), name=name, axis=int_tuple(axis, "reverse: axis"))


def _distinct_axes(x, axes, n):
    """x, once the run-time `axes` (n of them) are checked to name n different dims."""
    from ..graph import control_dependencies
    from .asserts import Assert
    from .core import identity
    from .dynamic_axis import _at
    from .elementwise import cast, equal
    norm = _at(x, axes)[0]
    pairs = _reduce_sum(cast(equal(norm[:, None], norm[None, :]), axes.dtype), None)
    ok = equal(pairs, n)
    with control_dependencies([Assert(ok, ["reverse: an axis is given more than once:",
                                           axes])]):
        return identity(x)


reverse_v2 = reverse
