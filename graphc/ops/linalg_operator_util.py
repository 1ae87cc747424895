"""Shape helpers shared by graphc/ops/linalg_operator_blocks.py and
linalg_operator_struct.py: static dims where known, int32 shape tensors where not, and
broadcasting of batch dims (the leading dims before the last `keep`)."""
from ..shapes import TensorShape
from .array import reshape, shape as shape_
from .broadcast import broadcast_to
from .cast import cast
from .core import convert_to_tensor
from .join import concat
from .math_extra import broadcast_dynamic_shape, broadcast_static_shape
from .matrix import matrix_transpose
from .complex_ops import conj


def known(*dims):
    """Whether every dim is a Python int."""
    return all(isinstance(d, int) for d in dims)


def dim(x, axis):
    """Dim `axis` of tensor x: a Python int where static, else an int32 scalar tensor."""
    d = x.shape._dims[axis] if x.shape.rank is not None else None
    return d if isinstance(d, int) else shape_(x)[axis]


def op_dim(op, axis):
    """Dim `axis` (-1 domain, -2 range) of a LinearOperator, static or from shape_tensor."""
    d = op.shape._dims[axis] if op.shape.rank is not None else None
    return d if isinstance(d, int) else op.shape_tensor()[axis]


def as_shape(parts):
    """A shape from parts, each a list of dims (ints or scalar tensors) or a 1-D int32
    tensor: a Python list where all is static, else an int32 tensor."""
    flat = []
    for p in parts:
        if isinstance(p, (list, tuple)) and known(*p):
            flat.extend(p)
        else:
            flat = None
            break
    if flat is not None:
        return flat
    pieces = []
    for p in parts:
        if isinstance(p, (list, tuple)):
            if not p:
                continue
            p = concat([reshape(cast(convert_to_tensor(d), "int32"), [1]) for d in p], 0)
        pieces.append(p)
    return concat(pieces, 0)


def lead(x, keep):
    """x's leading (batch) dims, before its last `keep`: a list or an int32 tensor."""
    if x.shape.rank is not None and known(*x.shape._dims[:x.shape.rank - keep]):
        return list(x.shape._dims[:x.shape.rank - keep])
    return shape_(x)[:-keep] if keep else shape_(x)


def tail(x, keep):
    """x's last `keep` dims: a list of ints / scalar tensors."""
    return [dim(x, -keep + i) for i in range(keep)]


def broadcast_batch(tensors, keeps):
    """tensors with their leading dims (all but the last keeps[i]) broadcast together."""
    static = TensorShape(())
    for t, k in zip(tensors, keeps):
        s = t.shape
        static = broadcast_static_shape(static, TensorShape(None) if s.rank is None
                                        else TensorShape(s._dims[:s.rank - k]))
    if static.rank is not None and known(*static._dims):
        target = list(static._dims)
        return [t if list(t.shape._dims[:t.shape.rank - k]) == target
                else broadcast_to(t, as_shape([target, tail(t, k)]))
                for t, k in zip(tensors, keeps)]
    batch = None
    for t, k in zip(tensors, keeps):
        b = lead(t, k)
        b = convert_to_tensor(b, dtype="int32") if isinstance(b, list) else b
        batch = b if batch is None else broadcast_dynamic_shape(batch, b)
    return [broadcast_to(t, as_shape([batch, tail(t, k)])) for t, k in zip(tensors, keeps)]


def adjoint_arg(x, adjoint_arg_, dtype):
    """x, or its conjugate transpose, converted to dtype."""
    x = convert_to_tensor(x, dtype=dtype)
    if not adjoint_arg_:
        return x
    return matrix_transpose(conj(x) if dtype.is_complex else x)
