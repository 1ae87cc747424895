"""One dim of a static shape (graphc/shapes.py re-exports these): Dimension (TF1's
tf.Dimension), as_dimension, dim_str, and the two rules for a pair of dims that
TensorShape shares: whether one size could be both, and which one is more specific."""
import operator

import numpy as np

from .errors import ShapeError


def dim_str(d):
    return "?" if d is None else str(d)


def _dims_compatible(a, b):
    """Two dims one size could have: equal ints, or either unknown or named."""
    return not (type(a) is int and type(b) is int and a != b)


def _merge_dim(a, b):
    """The more specific of two compatible dims: int over name over None."""
    if a is None or (isinstance(b, int) and not isinstance(a, int)):
        return b
    return a


def _as_dim_value(v):
    """A Dimension's value: a non-negative int, None or a name (TF1's errors)."""
    if isinstance(v, Dimension):
        return v.value
    if v is None or isinstance(v, str):
        return v
    try:
        if isinstance(v, bool):
            raise TypeError
        i = operator.index(v)
    except TypeError:
        raise TypeError(f"Dimension value must be an integer, None or a name, "
                        f"got {v!r} of type {type(v).__name__}") from None
    if i < 0:
        raise ValueError(f"Dimension {i} must be >= 0")
    return i


class Dimension:
    """One dim of a TensorShape (TF1: tf.Dimension): `value` is an int, None (unknown) or
    a name. Comparisons give None when they cannot be decided statically; arithmetic
    on an unknown or named dim gives Dimension(None).

        Dimension(3) + 2            # Dimension(5)
        Dimension(3) == None        # None: unknown
        Dimension(None).merge_with(4)   # Dimension(4)
    """
    __slots__ = ("value",)
    __hash__ = None   # TF1: == may answer None, so a Dimension is not a dict key

    def __init__(self, value):
        self.value = _as_dim_value(value)

    def __repr__(self):
        return f"Dimension({self.value!r})"

    def __str__(self):
        return dim_str(self.value)

    def __int__(self):
        if type(self.value) is not int:
            raise TypeError(f"int() of a dimension that is not a known int: {self!r}")
        return self.value

    __index__ = __int__

    def __array__(self, dtype=None, copy=None):
        """numpy sees the value, so a known Dimension works as a size inside a list
        (gc.zeros([d, 2]), gc.reshape(x, [-1, d])); an unknown one is a TypeError, as
        in TF."""
        if type(self.value) is not int:
            raise TypeError(f"cannot use the unknown dimension {self!r} as a size: its "
                            "value is known only at run time (use gc.shape(x)[i])")
        return np.asarray(self.value, dtype=dtype)

    def __bool__(self):
        return bool(self.value)

    def is_compatible_with(self, other):
        """True if one size could be both (an unknown or named dim fits any)."""
        return _dims_compatible(self.value, as_dimension(other).value)

    def assert_is_compatible_with(self, other):
        """Raise ShapeError (a ValueError) unless `is_compatible_with(other)`."""
        if not self.is_compatible_with(other):
            raise ShapeError(f"Dimensions {self} and {as_dimension(other)} are not "
                             "compatible")

    def merge_with(self, other):
        """The more specific of two compatible dims; ShapeError if they differ."""
        other = as_dimension(other)
        self.assert_is_compatible_with(other)
        return Dimension(_merge_dim(self.value, other.value))

    def _cmp(self, other, op):
        """op on the two values if both are known ints, else None (undecided)."""
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        a, b = self.value, other.value
        if type(a) is int and type(b) is int:
            return op(a, b)
        if op is operator.eq and a is not None and a == b:
            return True   # the same name is the same size
        if op is operator.ne and a is not None and a == b:
            return False
        return None

    def __eq__(self, other):
        return self._cmp(other, operator.eq)

    def __ne__(self, other):
        return self._cmp(other, operator.ne)

    def __lt__(self, other):
        return self._cmp(other, operator.lt)

    def __le__(self, other):
        return self._cmp(other, operator.le)

    def __gt__(self, other):
        return self._cmp(other, operator.gt)

    def __ge__(self, other):
        return self._cmp(other, operator.ge)

    def _arith(self, other, op, reverse=False):
        """Dimension(op(a, b)) if both are known ints, else Dimension(None)."""
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        a, b = (other.value, self.value) if reverse else (self.value, other.value)
        if type(a) is int and type(b) is int:
            return Dimension(op(a, b))
        return Dimension(None)

    def __add__(self, other):
        return self._arith(other, operator.add)

    def __radd__(self, other):
        return self._arith(other, operator.add, reverse=True)

    def __sub__(self, other):
        return self._arith(other, operator.sub)

    def __rsub__(self, other):
        return self._arith(other, operator.sub, reverse=True)

    def __mul__(self, other):
        return self._arith(other, operator.mul)

    def __rmul__(self, other):
        return self._arith(other, operator.mul, reverse=True)

    def __floordiv__(self, other):
        return self._arith(other, operator.floordiv)

    def __rfloordiv__(self, other):
        return self._arith(other, operator.floordiv, reverse=True)

    def __mod__(self, other):
        return self._arith(other, operator.mod)

    def __rmod__(self, other):
        return self._arith(other, operator.mod, reverse=True)

    def __truediv__(self, other):
        raise TypeError("unsupported operand type(s) for /: 'Dimension' and "
                        f"'{type(other).__name__}', please use // instead")

    def __rtruediv__(self, other):
        raise TypeError(f"unsupported operand type(s) for /: '{type(other).__name__}' "
                        "and 'Dimension', please use // instead")


def as_dimension(value):
    """`value` as a Dimension (TF1's tensor_shape.as_dimension)."""
    return value if isinstance(value, Dimension) else Dimension(value)
