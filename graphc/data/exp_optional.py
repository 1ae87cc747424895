"""Optional values (tf.data.experimental.Optional, tf.experimental.Optional) and
get_next_as_optional: an iterator's next element, or no value at the end instead of an
OutOfRangeError.

    opt = gc.data.experimental.get_next_as_optional(iterator)
    x = gc.cond(opt.has_value(), opt.get_value, lambda: gc.zeros_like(...))

An Optional is a Python object over graph tensors: a scalar bool (has_value) and one
tensor per leaf of the value (zeros when there is none). get_next_as_optional is one
IteratorGetNextAsOptional node: has_value() and get_value() read the same element, so a
run fetching both advances the iterator once (as TF's variant-based Optional does).
OptionalGetValue raises TF's InvalidArgumentError when run on an empty optional.
"""
import numpy as np

from .. import dtypes, errors
from ..ops.control import _unflatten
from ..ops.core import constant, identity
from ..ops.registry import OpDef, apply, register
from ..shapes import TensorShape
from ..type_spec import TensorSpec
from ..type_spec_more import OptionalSpec
from .iterator import _infer_next, _next_kernel
from .specs import dense_shapes, element_spec
from .structure import flatten, to_tensors

__all__ = ["Optional", "get_next_as_optional"]


class _Leaves:
    """What specs.element_spec reads of a dataset: an element's structure and leaves."""

    def __init__(self, structure, types, shapes, tensors=None):
        self._structure, self._types, self._shapes = structure, types, shapes
        self._dense = dense_shapes(structure, shapes, tensors)
        self._nested = [False] * len(types)


def _infer_get_value(ctx, has, *values, shapes):
    if has.dtype is not dtypes.bool or has.shape.rank not in (0, None):
        from ..shapes import InferError
        raise InferError("has_value must be a scalar bool, not {0}", "dtype")
    return [(TensorShape(s), v.dtype) for s, v in zip(shapes, values)]


def _get_value_kernel(has, *values, shapes):
    if not bool(has):
        raise errors.InvalidArgumentError("The given optional does not have a value.")
    return values[0] if len(values) == 1 else tuple(values)


OPTIONAL_GET_VALUE = register(OpDef(
    "OptionalGetValue", _infer_get_value, _get_value_kernel, differentiable=False,
    api="data.experimental.Optional.get_value", signature="optional.get_value(name=None)",
    shape_rule="the optional's element shapes", dtypes="the optional's element dtypes",
    doc="An optional's value; InvalidArgumentError when it has none."))


class _Runtime:
    """What iterator.py's get_next kernel reads of its runtime: the session, the node."""
    __slots__ = ("session", "node")

    def __init__(self, session, node):
        self.session, self.node = session, node


class _Components:
    """The node of IteratorGetNextAsOptional seen as a get_next node (its outputs
    without the leading has_value), for iterator.py's kernel."""
    __slots__ = ("_node",)

    def __init__(self, node):
        self._node = node

    outputs = property(lambda self: self._node.outputs[1:])

    def __getattr__(self, name):
        return getattr(self._node, name)


def _infer_next_optional(ctx, *inputs, handle, from_string=False):
    out = _infer_next(ctx, *inputs, handle=handle, from_string=from_string)
    return [((), dtypes.bool)] + (out if isinstance(out, list) else [out])


def _next_optional_kernel(rt, *arrays, handle, from_string=False):
    """(True, the next element), or (False, zeros) at the end of the iterator."""
    try:
        out = _next_kernel(_Runtime(rt.session, _Components(rt.node)), *arrays,
                           handle=handle, from_string=from_string)
        out = out if isinstance(out, tuple) else (out,)
        return (np.asarray(True),) + out
    except errors.OutOfRangeError:
        return (np.asarray(False),) + tuple(
            np.zeros([0 if d is None else d for d in (t.shape._dims or ())], t.dtype.np)
            for t in rt.node.outputs[1:])


ITERATOR_GET_NEXT_AS_OPTIONAL = register(OpDef(
    "IteratorGetNextAsOptional", _infer_next_optional, _next_optional_kernel,
    uses_state=True, stateful=True, differentiable=False,
    api="data.experimental.get_next_as_optional",
    signature="get_next_as_optional(iterator)",
    shape_rule="() for has_value, then the dataset's output_shapes",
    dtypes="bool, then the dataset's output_types",
    doc="The next element of an iterator and whether there was one (no OutOfRangeError)."))


class Optional:
    """A value that may be absent (TF's tf.data.experimental.Optional): build one with
    Optional.from_value(value), Optional.empty(element_spec) or get_next_as_optional.

        opt = gc.data.experimental.Optional.from_value(gc.constant([1, 2]))
        opt.has_value(), opt.get_value()      # True, [1 2] when run
    """

    def __init__(self, has_value, structure, values, spec):
        self._has, self._structure, self._values = has_value, structure, list(values)
        self._spec = spec

    @staticmethod
    def from_value(value):
        """An optional holding `value` (tensors, arrays, or a tuple/dict of them)."""
        if value is None:
            raise ValueError("Optional.from_value: the value must hold at least one tensor, "
                             "got None")
        structure, tensors = to_tensors(value)
        leaves = _Leaves(structure, [t.dtype for t in tensors], [t.shape for t in tensors],
                         tensors)
        return Optional(constant(True, name="OptionalHasValue_from_value"), structure,
                        tensors, element_spec(leaves))

    @staticmethod
    def empty(element_spec):
        """An optional with no value, of `element_spec` (TensorSpecs in a structure)."""
        leaves = []
        structure = flatten(element_spec, leaves)
        if not all(isinstance(s, TensorSpec) for s in leaves):
            raise TypeError("Optional.empty: element_spec must be TensorSpecs in a structure "
                            f"of tuples and dicts, got {element_spec!r}")
        values = [constant(np.zeros([0 if d is None else d for d in (s.shape._dims or ())],
                                    s.dtype.np), name="OptionalNone") for s in leaves]
        opt = Optional(constant(False, name="OptionalNone"), structure, values, element_spec)
        opt._shapes = [s.shape for s in leaves]
        return opt

    @property
    def element_spec(self):
        """The type of the value: TypeSpecs in its structure."""
        return self._spec

    @property
    def _type_spec(self):
        return OptionalSpec(self._spec)

    def has_value(self, name=None):
        """A scalar bool tensor: whether this optional holds a value."""
        return identity(self._has, name=name or "OptionalHasValue")

    def get_value(self, name=None):
        """The value, as tensors in its structure; running it on an empty optional
        raises InvalidArgumentError."""
        shapes = getattr(self, "_shapes", None) or [v.shape for v in self._values]
        shapes = tuple(None if s._dims is None else tuple(s._dims) for s in shapes)
        if not self._values:
            raise ValueError("Optional.get_value: this optional's value has no tensors")
        node = apply(OPTIONAL_GET_VALUE, [self._has] + self._values,
                     name=name or "OptionalGetValue", shapes=shapes)
        return _unflatten(self._structure, iter(node.outputs))

    def __repr__(self):
        return f"<Optional element_spec={self._spec!r}>"


def get_next_as_optional(iterator):
    """An Optional holding the iterator's next element, or none at its end (TF's
    tf.data.experimental.get_next_as_optional; no OutOfRangeError).

        opt = gc.data.experimental.get_next_as_optional(it)
        more, x = opt.has_value(), opt.get_value()
    """
    h = iterator._handle
    if iterator._string is not None:
        node = apply(ITERATOR_GET_NEXT_AS_OPTIONAL, [iterator._string],
                     name="IteratorGetNextAsOptional", handle=h, from_string=True)
    else:
        inputs = (h.init_tensors if h.one_shot else []) + h.live
        node = apply(ITERATOR_GET_NEXT_AS_OPTIONAL, inputs,
                     name="IteratorGetNextAsOptional", handle=h)
    return Optional(node.outputs[0], h.dataset._structure, node.outputs[1:],
                    iterator.element_spec)
