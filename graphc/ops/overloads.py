"""Python operators on Tensor (x + y, x @ W, x[1:, None], ...), TF1 style."""
from ..graph import Tensor


_PLAIN = (Tensor, int, float)     # no hasattr (a raised AttributeError) for the usual operands


def _binary(fn, name):
    def op(self, other):
        if not isinstance(other, _PLAIN) and hasattr(other, "_as_parts") and \
                hasattr(type(other), f"__r{name}__"):
            return NotImplemented       # a composite (RaggedTensor) that knows `dense op it`
        return fn(self, other, name=name)

    def rop(self, other):
        return fn(other, self, name=name)
    return op, rop


def install():
    from . import elementwise as e
    from . import array, linalg

    for name, fn in [("add", e.add), ("sub", e.subtract), ("mul", e.multiply),
                     ("truediv", e.divide), ("floordiv", e.floordiv), ("mod", e.mod),
                     ("pow", e.pow), ("matmul", linalg.matmul), ("and", e.logical_and),
                     ("or", e.logical_or), ("xor", e.logical_xor)]:
        op, rop = _binary(fn, name)          # x + y is named "add" (TF1's operator names)
        setattr(Tensor, f"__{name}__", op)
        setattr(Tensor, f"__r{name}__", rop)
    Tensor.__lt__ = lambda self, other: e.less(self, other)
    Tensor.__le__ = lambda self, other: e.less_equal(self, other)
    Tensor.__gt__ = lambda self, other: e.greater(self, other)
    Tensor.__ge__ = lambda self, other: e.greater_equal(self, other)
    Tensor.__neg__ = lambda self: e.negative(self)
    Tensor.__pos__ = lambda self: self
    Tensor.__abs__ = lambda self: e.abs(self)
    Tensor.__invert__ = lambda self: e.logical_not(self)
    Tensor.__getitem__ = lambda self, key: array.strided_slice_(self, key)
