"""Static shapes. A dim is an int, None (unknown) or a str (a named dim: the same name
means the same size everywhere in a graph). A shape of unknown rank has dims None."""
import operator

from .dimension import (Dimension, _dims_compatible, _merge_dim,  # noqa: F401
                        as_dimension, dim_str)
from .errors import ShapeError


class InferError(Exception):
    """Raised by an OpDef's infer rule. `msg` may name operands as {0}, {1}, ...; the
    builder formats them and raises a ShapeError or DTypeError at the user's line."""

    def __init__(self, msg, kind="shape"):
        super().__init__(msg)
        self.msg = msg
        self.kind = kind


def _norm_dim(d):
    if isinstance(d, Dimension):
        return d.value
    if d is None or isinstance(d, str) or type(d) is int and d >= 0:
        return d
    try:
        i = operator.index(d)
    except TypeError:
        i = -1
    if isinstance(d, bool) or i < 0:
        raise ValueError(f"bad dimension {d!r}: use a non-negative int, None or a name")
    return i


# TF's TensorShape switch: by default (TF1's shapes) shape[i] and iteration give
# Dimension objects, so TF1 code's `shape[i].value` works; after
# compat.v1.enable_v2_tensorshape() they give ints or None (TF2's). `shape.dims` is a
# list of Dimensions under both, as in TF; graphc's own code reads the raw tuple
# `shape._dims` (ints, None or names).
_v2 = [False]


class TensorShape:
    """A partially known shape (TF1: tf.TensorShape)."""
    __slots__ = ("_dims", "_n")    # immutable; _n caches num_elements() (-1: not yet)

    def __init__(self, dims):
        if dims is not None:
            if isinstance(dims, TensorShape):
                dims = dims._dims
            elif isinstance(dims, (int, str)):
                dims = (dims,)
            elif isinstance(dims, Dimension):
                dims = (dims.value,)
            elif not (type(dims) is tuple and all(type(d) is int and d >= 0 for d in dims)):
                dims = tuple(_norm_dim(d) for d in dims)
        self._dims = dims
        self._n = -1

    @property
    def dims(self):
        """The dims as a list of Dimensions, None for an unknown rank (TF's)."""
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    @property
    def rank(self):
        return None if self._dims is None else len(self._dims)

    ndims = rank

    def as_list(self):
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape")
        return list(self._dims)

    def is_fully_defined(self):
        return self.num_elements() is not None

    def num_elements(self):
        """The element count, or None if any dim is not a known int."""
        if self._n == -1:
            n = None
            if self._dims is not None and all(type(d) is int for d in self._dims):
                n = 1
                for d in self._dims:
                    n *= d
            self._n = n
        return self._n

    def __len__(self):
        if self._dims is None:
            raise ValueError("len() of a TensorShape of unknown rank")
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError("cannot iterate a TensorShape of unknown rank")
        return iter(self._dims) if _v2[0] else map(Dimension, self._dims)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return TensorShape(None if self._dims is None else self._dims[i])
        d = None if self._dims is None else self._dims[i]
        return d if _v2[0] else Dimension(d)

    def __eq__(self, other):
        if isinstance(other, TensorShape):
            return self._dims == other._dims
        if isinstance(other, (list, tuple)):
            return self._dims is not None and list(self._dims) == list(other)
        return NotImplemented

    def __hash__(self):
        return hash(self._dims)

    def __repr__(self):
        if self._dims is None:
            return "<unknown>"
        inner = ", ".join(dim_str(d) for d in self._dims)
        return f"({inner},)" if len(self._dims) == 1 else f"({inner})"

    def get_shape(self):
        return self

    # TF1's compatibility API. A named dim's size is unknown until run time, so it is
    # compatible with any dim; merging keeps the more specific dim (int over name over
    # None; of two names, this shape's).

    def is_compatible_with(self, other):
        """True if one fully known shape could be both (TF1).

            TensorShape((2, None)).is_compatible_with((2, 5))     # True
            TensorShape((2, None)).is_compatible_with((2, 5, 1))  # False
        """
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        return len(self._dims) == len(other._dims) and all(
            _dims_compatible(a, b) for a, b in zip(self._dims, other._dims))

    def assert_is_compatible_with(self, other):
        """Raise ShapeError (a ValueError) unless `is_compatible_with(other)`."""
        if not self.is_compatible_with(other):
            raise ShapeError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def merge_with(self, other):
        """The most specific shape that is both this one and `other` (TF1); ShapeError
        if they are not compatible.

            TensorShape((2, None)).merge_with((None, 3))          # (2, 3)
        """
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ShapeError(f"Shapes {self} and {other} are not compatible")
        return TensorShape(tuple(_merge_dim(a, b) for a, b in zip(self._dims, other._dims)))

    def most_specific_compatible_shape(self, other):
        """The most specific shape that both this one and `other` fit (TF1): unknown
        rank if the ranks differ, None where the dims differ.

            TensorShape((2, 3)).most_specific_compatible_shape((2, 4))   # (2, ?)
        """
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return UNKNOWN
        return TensorShape(tuple(a if a == b else None for a, b in zip(self._dims, other._dims)))

    def concatenate(self, other):
        """This shape's dims followed by `other`'s; unknown if either rank is (TF1).

            TensorShape((2,)).concatenate((3, None))              # (2, 3, ?)
        """
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return UNKNOWN
        return TensorShape(self._dims + other._dims)

    def __add__(self, other):
        return self.concatenate(other)

    def __radd__(self, other):
        return as_shape(other).concatenate(self)

    def assert_has_rank(self, rank):
        """Raise ShapeError if the rank is known and is not `rank`."""
        if self._dims is not None and len(self._dims) != rank:
            raise ShapeError(f"Shape {self} must have rank {rank}")

    def assert_same_rank(self, other):
        """Raise ShapeError if both ranks are known and differ."""
        other = as_shape(other)
        if self._dims is not None and other._dims is not None and len(self._dims) != len(
                other._dims):
            raise ShapeError(f"Shapes {self} and {other} must have the same rank")

    def assert_is_fully_defined(self):
        """Raise ShapeError unless every dim is a known int."""
        if not self.is_fully_defined():
            raise ShapeError(f"Shape {self} is not fully defined")

    def with_rank(self, rank):
        """This shape merged with an unknown shape of rank `rank` (TF1).

            TensorShape(None).with_rank(2)                         # (?, ?)
        """
        try:
            return self.merge_with(TensorShape((None,) * max(rank, 0)))
        except ShapeError:
            raise ShapeError(f"Shape {self} must have rank {rank}") from None

    def with_rank_at_least(self, rank):
        """This shape; ShapeError if its rank is known and less than `rank`."""
        if self._dims is not None and len(self._dims) < rank:
            raise ShapeError(f"Shape {self} must have rank at least {rank}")
        return self

    def with_rank_at_most(self, rank):
        """This shape; ShapeError if its rank is known and more than `rank`."""
        if self._dims is not None and len(self._dims) > rank:
            raise ShapeError(f"Shape {self} must have rank at most {rank}")
        return self


def dimension_at_index(shape, index):
    """Dim `index` of `shape` as a Dimension; Dimension(None) if the rank is unknown
    (TF1: tf.dimension_at_index).

        dimension_at_index(TensorShape((2, None)), 0)     # Dimension(2)
    """
    shape = as_shape(shape)
    if shape._dims is None:
        return Dimension(None)
    return Dimension(shape._dims[index])


UNKNOWN = TensorShape(None)


def as_shape(s):
    return s if isinstance(s, TensorShape) else TensorShape(s)


def fits(shape, want):
    """`shape` is `want` or more specific: same rank, and equal where `want` has an int
    (a loop variable's shape invariant, a py_func's declared result shape)."""
    if want._dims is None:
        return True
    return shape._dims is not None and len(shape._dims) == len(want._dims) and all(
        not isinstance(w, int) or w == d for d, w in zip(shape._dims, want._dims))


def surely_differ(a, b):
    """Two TensorShapes that cannot be equal: other ranks, or a known dim that differs."""
    if a._dims is None or b._dims is None:
        return False
    return len(a._dims) != len(b._dims) or any(
        isinstance(p, int) and isinstance(q, int) and p != q for p, q in zip(a._dims, b._dims))


def is_known(d):
    return isinstance(d, int)


class DimBindings:
    """The sizes that named dims of one graph have been bound to, with where."""
    __slots__ = ("sizes",)

    def __init__(self):
        self.sizes = {}  # name -> (size, site)

    def resolve(self, d):
        """The int a dim is known to be, else None."""
        if isinstance(d, int):
            return d
        if isinstance(d, str) and d in self.sizes:
            return self.sizes[d][0]
        return None
