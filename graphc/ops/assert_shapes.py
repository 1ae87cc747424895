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
    lines.append(f"  in assert_shapes called at {errors.format_site(errors.user_site())}")
    raise errors.ShapeError("\n".join(lines))


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Checks that each (tensor, spec) of `shapes` (a list of pairs or a dict) fits: a
    spec entry is an int (that size), None or '.' (any size), or a symbol (any hashable:
    every dim labelled with it has one size). Known shapes are checked now; the rest
    by asserts that fail when run. Returns the op to make other ops wait on.

        with gc.control_dependencies([gc.debugging.assert_shapes([(x, ("N", 3))])]):
            y = gc.identity(x)
    """
    message = message or ""
    pairs = list(shapes.items() if isinstance(shapes, dict) else shapes)
    with name_scope(name, "assert_shapes", [t for t, _ in pairs]):
        bound = {}        # symbol -> (size or None, the (tensor, dim) that first had it)
        checks = []
        for t, spec in pairs:
            t = convert_to_tensor(t, name="x")
            dims, prefix = _spec(spec)
            rank = t.shape.rank
            if rank is not None:
                have = max(rank, 1)
                if have < len(dims) or (have != len(dims) and not prefix):
                    _fail(message, f"Specified by tensor {t.name} dimension rank "
                          f"{'at least ' if prefix else ''}{len(dims)}; got shape "
                          f"{t.shape}", t)
            else:
                checks.append(Assert((E.greater_equal if prefix else E.equal)(
                    E.maximum(A.rank(t), 1), len(dims)),
                    data or [message, f"Tensor {t.name} must have rank "
                             f"{'at least ' if prefix else ''}{len(dims)}. Received shape: ",
                             A.shape(t)], summarize=summarize))
            shape = None if rank == 0 else A.shape(t)
            for i, entry in enumerate(dims):
                at = i - len(dims)              # counted from the innermost dim
                static = None
                if rank is not None and rank > 0:
                    static = t.shape.dims[rank + at]
                    static = static if isinstance(static, int) else None
                elif rank == 0:
                    static = 1
                if entry is None or entry == ".":
                    continue
                want = _size(entry)
                if want is None:                # a symbol
                    if entry not in bound:
                        bound[entry] = (static, (t, at))
                        continue
                    want, (t0, at0) = bound[entry]
                    if want is None and static is not None:
                        bound[entry] = (static, (t, at))
                    if want is not None and static is not None and want != static:
                        _fail(message, f"Specified by tensor {t0.name} dimension {at0}. "
                              f"Tensor {t.name} dimension {at} must have size {want}. "
                              f"Received size {static}, shape {t.shape}", t, t0)
                    if want is None or static is None:
                        other = (want if want is not None else
                                 (A.shape(t0)[at0] if t0.shape.rank != 0 else 1))
                        mine = shape[at] if shape is not None else 1
                        checks.append(Assert(E.equal(mine, other), data or [
                            message, f"Tensor {t.name} dimension {at} must have the size "
                                     f"of {t0.name} dimension {at0}. Received shape: ",
                            A.shape(t)], summarize=summarize))
                    continue
                if static is not None:
                    if static != want:
                        _fail(message, f"Tensor {t.name} dimension {at} must have size "
                              f"{want}. Received size {static}, shape {t.shape}", t)
                    continue
                checks.append(Assert(E.equal(shape[at], want), data or [
                    message, f"Tensor {t.name} dimension {at} must have size {want}. "
                             "Received shape: ", A.shape(t)], summarize=summarize))
        if not checks:
            return no_op(name="static_checks_determined_all_ok")
        with control_dependencies(checks):
            return no_op(name="assert_shapes")
