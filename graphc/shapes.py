"""Static shapes. A dim is an int, None (unknown) or a str (a named dim: the same name
means the same size everywhere in a graph). A shape of unknown rank has dims None."""
import operator



class InferError(Exception):
    """Raised by an OpDef's infer rule. `msg` may name operands as {0}, {1}, ...; the
    builder formats them and raises a ShapeError or DTypeError at the user's line."""

    def __init__(self, msg, kind="shape"):
        super().__init__(msg)
        self.msg = msg
        self.kind = kind


def dim_str(d):
    return "?" if d is None else str(d)


def _norm_dim(d):
    if d is None or isinstance(d, str) or type(d) is int and d >= 0:
        return d
    try:
        i = operator.index(d)
    except TypeError:
        i = -1
    if isinstance(d, bool) or i < 0:
        raise ValueError(f"bad dimension {d!r}: use a non-negative int, None or a name")
    return i


class TensorShape:
    """A partially known shape (TF1: tf.TensorShape)."""
    __slots__ = ("dims", "_n")    # immutable; _n caches num_elements() (-1: not yet)

    def __init__(self, dims):
        if dims is not None:
            if isinstance(dims, TensorShape):
                dims = dims.dims
            elif isinstance(dims, (int, str)):
                dims = (dims,)
            elif not (type(dims) is tuple and all(type(d) is int for d in dims)):
                dims = tuple(_norm_dim(d) for d in dims)
        self.dims = dims
        self._n = -1

    @property
    def rank(self):
        return None if self.dims is None else len(self.dims)

    ndims = rank

    def as_list(self):
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape")
        return list(self.dims)

    def is_fully_defined(self):
        return self.num_elements() is not None

    def num_elements(self):
        """The element count, or None if any dim is not a known int."""
        if self._n == -1:
            n = None
            if self.dims is not None and all(type(d) is int for d in self.dims):
                n = 1
                for d in self.dims:
                    n *= d
            self._n = n
        return self._n

    def __len__(self):
        if self.dims is None:
            raise ValueError("len() of a TensorShape of unknown rank")
        return len(self.dims)

    def __iter__(self):
        if self.dims is None:
            raise ValueError("cannot iterate a TensorShape of unknown rank")
        return iter(self.dims)

    def __getitem__(self, i):
        if self.dims is None:
            return TensorShape(None) if isinstance(i, slice) else None
        if isinstance(i, slice):
            return TensorShape(self.dims[i])
        return self.dims[i]

    def __eq__(self, other):
        if isinstance(other, TensorShape):
            return self.dims == other.dims
        if isinstance(other, (list, tuple)):
            return self.dims is not None and list(self.dims) == list(other)
        return NotImplemented

    def __hash__(self):
        return hash(self.dims)

    def __repr__(self):
        if self.dims is None:
            return "<unknown>"
        inner = ", ".join(dim_str(d) for d in self.dims)
        return f"({inner},)" if len(self.dims) == 1 else f"({inner})"

    def get_shape(self):
        return self


UNKNOWN = TensorShape(None)


def as_shape(s):
    return s if isinstance(s, TensorShape) else TensorShape(s)


def fits(shape, want):
    """`shape` is `want` or more specific: same rank, and equal where `want` has an int
    (a loop variable's shape invariant, a py_func's declared result shape)."""
    if want.dims is None:
        return True
    return shape.dims is not None and len(shape.dims) == len(want.dims) and all(
        not isinstance(w, int) or w == d for d, w in zip(shape.dims, want.dims))


def surely_differ(a, b):
    """Two TensorShapes that cannot be equal: other ranks, or a known dim that differs."""
    if a.dims is None or b.dims is None:
        return False
    return len(a.dims) != len(b.dims) or any(
        isinstance(p, int) and isinstance(q, int) and p != q for p, q in zip(a.dims, b.dims))


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
