"""assert_shapes (TF's tf.debugging.assert_shapes): shapes and the size relations
between tensors, checked at build time where the shapes are known (a ShapeError naming
both tensors and where each was made) and by run-time asserts where they are not.

    gc.debugging.assert_shapes([(x, ("N", "Q")), (y, ("N", "D")), (b, ("D",))])
"""
from .. import errors
from ..graph import control_dependencies, name_scope
from . import array as A
from . import elementwise as E
from .asserts import Assert
from .core import convert_to_tensor, no_op
from .creation import fill
from .join import concat

__all__ = ["assert_shapes"]

def _spec(spec):
    """(dims the spec constrains, whether outer dims may be added), TF's rules: a
    leading '*' or ... lets the tensor have more outer dims; a scalar tensor and an
    empty spec both count as one dimension of size 1."""
    spec = list(spec)
    prefix = bool(spec) and (spec[0] is Ellipsis or spec[0] == "*")
    if prefix:
        spec = spec[1:]
    return (spec or [1]), prefix


def _size(entry):
    if isinstance(entry, int):
        return entry
    if isinstance(entry, str) and entry.lstrip("-").isdigit():
        return int(entry)
    return None


def _fail(message, text, *tensors):
    lines = [f"{message + '  ' if message else ''}{text}"]
    lines += [f"  {errors.describe_tensor(t, t.name)}" for t in tensors]
    raise errors.ShapeError("\n".join(lines) + errors.called_at("assert_shapes"))


def _sizes(t):
    """t's dim sizes as a run-time vector, a scalar counting as shape [1] (TF's
    _dimension_sizes): [1] when t turns out to be rank 0, shape(t) otherwise."""
    pad = E.subtract(1, E.minimum(A.rank(t), 1))
    return concat([fill(A.reshape(pad, [1]), 1), A.shape(t)], 0)


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Checks that each (tensor, spec) of `shapes` (a list of pairs or a dict) fits: a
    spec entry is an int (that size), None or '.' (any size), or a symbol (any hashable:
    every dim labelled with it has one size). Known shapes are checked now; the rest
    by asserts that fail when run, the size checks only after the rank checks pass.
    Dims are named as TF names them: counted from the outermost dim, or from the
    innermost (negative) after a leading '*'. Returns the op to make other ops wait on.

        with gc.control_dependencies([gc.debugging.assert_shapes([(x, ("N", 3))])]):
            y = gc.identity(x)
    """
    message = message or ""
    pairs = list(shapes.items() if isinstance(shapes, dict) else shapes)
    with name_scope(name, "assert_shapes", [t for t, _ in pairs]):
        specs = []        # (tensor, dims, prefix)
        rank_checks = []
        for t, spec in pairs:
            t = convert_to_tensor(t, name="x")
            dims, prefix = _spec(spec)
            specs.append((t, dims, prefix))
            rank = t.shape.rank
            if rank is not None:
                have = max(rank, 1)
                if have < len(dims) or (have != len(dims) and not prefix):
                    _fail(message, f"Specified by tensor {t.name} dimension rank "
                          f"{'at least ' if prefix else ''}{len(dims)}; got shape "
                          f"{t.shape}", t)
            else:
                rank_checks.append(Assert((E.greater_equal if prefix else E.equal)(
                    E.maximum(A.rank(t), 1), len(dims)),
                    data or [message, f"Tensor {t.name} must have rank "
                             f"{'at least ' if prefix else ''}{len(dims)}. Received shape: ",
                             A.shape(t)], summarize=summarize))
        bound = {}        # symbol -> (size: int or tensor, tensor, dim as shown)
        checks = []
        with control_dependencies(rank_checks):     # no dim is read before its rank holds
            for t, dims, prefix in specs:
                rank = t.shape.rank
                sizes = None
                for i, entry in enumerate(dims):
                    at = i - len(dims)              # counted from the innermost dim
                    shown = at if prefix else i     # as TF numbers it in messages
                    if entry is None or entry == ".":
                        continue
                    if rank == 0:
                        size = 1
                    elif rank is not None and isinstance(t.shape._dims[rank + at], int):
                        size = t.shape._dims[rank + at]
                    else:
                        if sizes is None:
                            sizes = A.shape(t) if rank is not None else _sizes(t)
                        size = sizes[at]
                    want = _size(entry)
                    if want is not None:
                        how, by = "Specified explicitly", ()
                    elif entry in bound:
                        want, t0, shown0 = bound[entry]
                        how, by = f"Specified by tensor {t0.name} dimension {shown0}", (t0,)
                    else:
                        bound[entry] = (size, t, shown)
                        continue
                    if isinstance(size, int) and isinstance(want, int):
                        if size != want:
                            _fail(message, f"{how}. Tensor {t.name} dimension {shown} "
                                  f"must have size {want}. Received size {size}, shape "
                                  f"{t.shape}", t, *by)
                        continue
                    checks.append(Assert(E.equal(size, want), data or [
                        message, how, f"Tensor {t.name} dimension", shown, "must have size",
                        want, "Received shape: ", A.shape(t)], summarize=summarize))
        checks = rank_checks + checks
        if not checks:
            return no_op(name="static_checks_determined_all_ok")
        with control_dependencies(checks):
            return no_op(name="assert_shapes")
