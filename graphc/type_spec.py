"""TypeSpecs: descriptions of the type of a value (TF's tf.TypeSpec family).

    spec = gc.TensorSpec([None, 3], gc.float32, name="x")
    spec.is_compatible_with(gc.placeholder(gc.float32, [2, 3]))     # True
    gc.type_spec_from_value(gc.SparseTensor([[0, 0]], [1.0], [3, 4]))
    # SparseTensorSpec(TensorShape([3, 4]), tf.float32)

A spec is immutable and hashable. Its fields (`_fields()`) decide equality; compatibility
and the most specific compatible type compare them field by field: shapes by
TensorShape's rules, nested specs by their own, everything else by equality. Reprs are
TF's, so printed specs read as in TF (dtypes as `tf.float32`). Recursion here follows
the user's nesting of specs, never graph depth.
"""
from . import dtypes
from .shapes import TensorShape

__all__ = ["TypeSpec", "TensorSpec"]


def _shape(shape):
    """A TensorShape from anything TF's tf.TensorShape takes (a float dim: TypeError)."""
    if isinstance(shape, TensorShape):
        return shape
    if shape is None:
        return TensorShape(None)
    dims = [shape] if isinstance(shape, int) else list(shape)
    for d in dims:
        if d is not None and (isinstance(d, (bool, float, str)) or not hasattr(d, "__index__")
                              and not hasattr(d, "value")):
            raise TypeError(f"Dimension value must be integer or None or have an __index__ "
                            f"method, got value '{d}' with type '{type(d)}'")
    return TensorShape(tuple(dims))


def shape_repr(shape):
    """A shape as TF's TensorShape repr: TensorShape([2, None]), TensorShape(None)."""
    if shape._dims is None:
        return "TensorShape(None)"
    return "TensorShape([" + ", ".join(str(d) if isinstance(d, int) else "None"
                                       for d in shape._dims) + "])"


def _tuple_repr(shape):
    """A shape as TF's TensorSpec prints it: (2, None), <unknown>."""
    if shape._dims is None:
        return "<unknown>"
    dims = [str(d) if isinstance(d, int) else "None" for d in shape._dims]
    return f"({dims[0]},)" if len(dims) == 1 else "(" + ", ".join(dims) + ")"


def dtype_repr(d):
    return "None" if d is None else f"tf.{d.name}"


def _value_repr(v):
    if isinstance(v, TensorShape):
        return shape_repr(v)
    if isinstance(v, dtypes.DType):
        return dtype_repr(v)
    return repr(v)


def _dtype(d, what="dtype"):
    return None if d is None else dtypes.as_dtype(d)


def _subtype_shape(a, b):
    """True if every shape `a` holds is one `b` holds."""
    if b._dims is None:
        return True
    return a._dims is not None and len(a._dims) == len(b._dims) and all(
        y is None or x == y for x, y in zip(a._dims, b._dims))


# ---- fields compared across a nested structure of specs -------------------------------------
def _pairs(a, b):
    """The (a, b) leaf pairs of two structures, or None where they differ in structure."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return None
        out = []
        for k in _dict_order(a):
            sub = _pairs(a[k], b[k])
            if sub is None:
                return None
            out += sub
        return out
    if isinstance(a, (tuple, list)) and type(a) is type(b):
        if len(a) != len(b):
            return None
        out = []
        for x, y in zip(a, b):
            sub = _pairs(x, y)
            if sub is None:
                return None
            out += sub
        return out
    if isinstance(a, (tuple, list, dict)) or isinstance(b, (tuple, list, dict)):
        return None
    return [(a, b)]


def _rebuild(a, leaves):
    """Structure `a` with its leaves replaced by the next of `leaves` (_pairs' order)."""
    if isinstance(a, dict):
        out = {k: _rebuild(a[k], leaves) for k in _dict_order(a)}
        return {k: out[k] for k in a}
    if isinstance(a, (tuple, list)):
        items = [_rebuild(x, leaves) for x in a]
        return type(a)(*items) if hasattr(a, "_fields") else type(a)(items)
    return next(leaves)


def _dict_order(d):
    return sorted(d, key=repr)


def _field_compatible(x, y):
    if isinstance(x, TensorShape) and isinstance(y, TensorShape):
        return x.is_compatible_with(y)
    if isinstance(x, TypeSpec) and isinstance(y, TypeSpec):
        return x.is_compatible_with(y)
    return x == y


def _field_common(x, y):
    """The most specific field both fit, or raise _NoCommon."""
    if isinstance(x, TensorShape) and isinstance(y, TensorShape):
        return x.most_specific_compatible_shape(y)
    if isinstance(x, TypeSpec) and isinstance(y, TypeSpec):
        common = x.most_specific_common_supertype([y])
        if common is None:
            raise _NoCommon()
        return common
    if x != y:
        raise _NoCommon()
    return x


def _field_subtype(x, y):
    if isinstance(x, TensorShape) and isinstance(y, TensorShape):
        return _subtype_shape(x, y)
    if isinstance(x, TypeSpec) and isinstance(y, TypeSpec):
        return x.is_subtype_of(y)
    return x == y


class _NoCommon(Exception):
    """Two field values with no common supertype."""


class TypeSpec:
    """The type of a value (TF's tf.TypeSpec): the base of TensorSpec, SparseTensorSpec,
    RaggedTensorSpec, ... Subclasses list their fields in `_fields()` and rebuild from
    them with `_from_fields(*fields)`.

        gc.TensorSpec([2], gc.int32).is_compatible_with(gc.TensorSpec([None], gc.int32))
    """
    __slots__ = ()

    @property
    def value_type(self):
        """The Python type of the values this spec describes."""
        raise NotImplementedError(f"{type(self).__name__} must define value_type")

    def _fields(self):
        raise NotImplementedError(f"{type(self).__name__} must define _fields")

    @classmethod
    def _from_fields(cls, *fields):
        return cls(*fields)

    # ---- TF's TypeSpec API -------------------------------------------------------------
    def _as_spec(self, spec_or_value):
        if isinstance(spec_or_value, TypeSpec):
            return spec_or_value
        from .type_spec_more import type_spec_from_value
        try:
            return type_spec_from_value(spec_or_value)
        except (TypeError, ValueError):
            return None

    def is_compatible_with(self, spec_or_value):
        """True if some value could be of both this type and `spec_or_value`'s."""
        other = self._as_spec(spec_or_value)
        if other is None or type(other) is not type(self):
            return False
        pairs = _pairs(self._fields(), other._fields())
        return pairs is not None and all(_field_compatible(x, y) for x, y in pairs)

    def is_subtype_of(self, other):
        """True if every value of this type is one of `other`'s."""
        if type(other) is not type(self):
            return False
        pairs = _pairs(self._fields(), other._fields())
        return pairs is not None and all(_field_subtype(x, y) for x, y in pairs)

    def most_specific_common_supertype(self, others):
        """The most specific spec that this one and each of `others` are subtypes of;
        None if there is none."""
        out = self
        for other in others:
            if type(other) is not type(self):
                return None
            pairs = _pairs(out._fields(), other._fields())
            if pairs is None:
                return None
            try:
                merged = [_field_common(x, y) for x, y in pairs]
            except _NoCommon:
                return None
            out = type(self)._from_fields(*_rebuild(out._fields(), iter(merged)))
        return out

    def most_specific_compatible_type(self, other):
        """The most specific spec compatible with this one and `other` (TF1; deprecated
        in TF2 for most_specific_common_supertype); ValueError if there is none."""
        common = self.most_specific_common_supertype([other])
        if common is None:
            raise ValueError(f"No TypeSpec is compatible with both {self!r} and {other!r}")
        return common

    def __eq__(self, other):
        return type(other) is type(self) and self._fields() == other._fields()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((type(self).__name__, _hashable(self._fields())))

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(_value_repr(v) for v in self._fields())})"


def _hashable(v):
    if isinstance(v, dict):
        return tuple((k, _hashable(v[k])) for k in _dict_order(v))
    if isinstance(v, (tuple, list)):
        return tuple(_hashable(x) for x in v)
    return v


class TensorSpec(TypeSpec):
    """The type of a Tensor: shape, dtype and an optional name (TF's tf.TensorSpec).

        spec = gc.TensorSpec(shape=[None, 28, 28], dtype=gc.float32, name="images")
    """
    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self._shape, self._dtype, self._name = _shape(shape), dtypes.as_dtype(dtype), name

    shape = property(lambda self: self._shape, doc="The static shape (a TensorShape).")
    dtype = property(lambda self: self._dtype, doc="The dtype.")
    name = property(lambda self: self._name, doc="The name (a placeholder's), or None.")

    @property
    def value_type(self):
        from .graph import Tensor
        return Tensor

    def _fields(self):
        return (self._shape, self._dtype, self._name)

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The spec of `tensor` (named by `name`, else by its op's name)."""
        from .graph import Tensor
        if not isinstance(tensor, Tensor):
            raise ValueError(f"`tensor` should be a tf.Tensor, but got type {type(tensor)}.")
        return cls(tensor.shape, tensor.dtype, name or tensor.node.name)

    @classmethod
    def from_spec(cls, spec, name=None):
        """A TensorSpec with the shape and dtype of `spec` (named `name`, else spec's)."""
        return cls(spec.shape, spec.dtype, name or getattr(spec, "name", None))

    def is_compatible_with(self, spec_or_tensor):
        """True for a TensorSpec or Tensor of this dtype and a compatible shape (names
        do not count; a numpy array or Python number is not a Tensor: False, as TF)."""
        from .graph import Tensor
        if not isinstance(spec_or_tensor, (TensorSpec, Tensor)):
            return False
        return (spec_or_tensor.dtype is self._dtype
                and self._shape.is_compatible_with(spec_or_tensor.shape))

    def is_subtype_of(self, other):
        """True if other's shape holds this one's, dtypes equal and this spec is unnamed
        or named as other (TF's rule)."""
        return (type(other) is TensorSpec and self._dtype is other._dtype
                and _subtype_shape(self._shape, other._shape)
                and (self._name is None or self._name == other._name))

    def __hash__(self):                 # TF's: the name does not count
        return hash((self._shape, self._dtype))

    def __repr__(self):
        return (f"TensorSpec(shape={_tuple_repr(self._shape)}, dtype={dtype_repr(self._dtype)}"
                f", name={self._name!r})")


from .type_spec_more import *  # noqa: E402,F401,F403  (the composite specs)
from . import type_spec_more as _more  # noqa: E402

__all__ += _more.__all__
