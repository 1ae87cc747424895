"""Sources and plumbing: constant, placeholder, identity, stop_gradient, no_op, group,
and the conversion of Python values to tensors."""
import operator

import numpy as np

from .. import dtypes, errors
from ..graph import Node, Tensor, get_default_graph
from ..shapes import Dimension, InferError, TensorShape, as_shape
from .registry import OpDef, apply, apply1, register

__all__ = ["constant", "placeholder", "placeholder_with_default", "identity",
           "stop_gradient", "no_op", "group", "convert_to_tensor", "tuple_",
           "register_tensor_conversion_function"]


class ConstValue:
    """A numpy array as a hashable attribute (read-only; equal when bitwise equal)."""
    __slots__ = ("array", "_hash")

    def __init__(self, array, fresh=False):
        if not fresh:                     # never freeze or share the caller's array
            array = np.array(array, copy=True)
        array.setflags(write=False)
        self.array = array
        self._hash = None

    def _content(self):
        # object (string) arrays: their bytes are pointers, so compare the elements
        a = self.array
        return tuple(a.ravel().tolist()) if a.dtype.kind == "O" else a.tobytes()

    def __hash__(self):
        if self._hash is None:
            self._hash = hash((self.array.shape, self.array.dtype.str, self._content()))
        return self._hash

    def __eq__(self, other):
        return (isinstance(other, ConstValue) and self.array.shape == other.array.shape
                and self.array.dtype == other.array.dtype
                and self._content() == other._content())

    def __repr__(self):
        return np.array2string(self.array, threshold=6, edgeitems=2)


def _no_kernel(*_, **__):
    raise RuntimeError("this op has no kernel: its value must be fed")


CONST = register(OpDef(
    "Const", lambda ctx, *, value, dtype: (value.array.shape, dtype),
    lambda *, value, dtype: value.array,
    static=lambda node: node.attrs["value"].array, differentiable=False,
    api="constant", signature="constant(value, dtype=None, shape=None, name='Const')",
    shape_rule="shape of value (or `shape`)", dtypes="any",
    doc="A constant tensor."))

PLACEHOLDER = register(OpDef(
    "Placeholder", lambda ctx, *, shape, dtype: (shape, dtype), _no_kernel,
    api="placeholder", signature="placeholder(dtype, shape=None, name=None)",
    shape_rule="`shape` (None dims unknown, str dims named)", dtypes="any",
    doc="A value fed at run time."))


def _infer_with_default(ctx, x, *, shape, dtype):
    if shape._dims is not None and x.shape._dims is not None:
        if len(shape._dims) != len(x.shape._dims) or not all(
                ctx.compatible(a, b) for a, b in zip(shape._dims, x.shape._dims)):
            raise InferError(f"the default {{0}} has shape {x.shape}, not compatible "
                             f"with the placeholder shape {shape}")
    return shape, x.dtype


PLACEHOLDER_WITH_DEFAULT = register(OpDef(
    "PlaceholderWithDefault", _infer_with_default, lambda x, *, shape, dtype: x,
    vjp=lambda node, gs: [gs[0]], jvp=lambda node, ts: ts[0],
    static=lambda node: None,       # fed or not is a run-time matter: no build-time value
    api="placeholder_with_default",
    signature="placeholder_with_default(input, shape, name=None)",
    shape_rule="`shape`", dtypes="any", doc="`input` unless fed."))

IDENTITY = register(OpDef(
    "Identity", lambda ctx, x: (x.shape, x.dtype), lambda x: x,
    vjp=lambda node, gs: [gs[0]], jvp=lambda node, ts: ts[0],
    api="identity", signature="identity(input, name=None)", shape_rule="same as input",
    dtypes="any", doc="Returns the input."))

STOP_GRADIENT = register(OpDef(
    "StopGradient", lambda ctx, x: (x.shape, x.dtype), lambda x: x,
    differentiable=False, api="stop_gradient", signature="stop_gradient(input, name=None)",
    shape_rule="same as input", dtypes="any",
    doc="Returns the input; gradients do not flow through it."))

NO_OP = register(OpDef(
    "NoOp", lambda ctx: [], lambda: (), stateful=True, differentiable=False,
    api="no_op", signature="no_op(name=None)", shape_rule="no outputs", dtypes="-",
    doc="Does nothing; useful with control dependencies."))


def _py_dtype(value, what="constant"):
    """TF1 default dtypes for Python values: float -> float32, int -> int32."""
    if isinstance(value, (np.ndarray, np.generic)):
        return dtypes.from_value(np.asarray(value))
    if isinstance(value, (bytes, str)):
        return dtypes.string
    arr = as_array(value, what)
    if arr.dtype.kind in "SUO" and arr.size and _is_text(arr.flat[0]):
        return dtypes.string
    if arr.dtype.kind == "f":
        return dtypes.float32
    if arr.dtype.kind in "iu":
        info = np.iinfo(np.int32)
        if arr.size and (arr.min() < info.min or arr.max() > info.max):
            return dtypes.int64
        return dtypes.int32
    if arr.dtype.kind == "b":
        return dtypes.bool_
    if arr.dtype.kind == "c":          # TF1: Python complex -> complex128
        return dtypes.complex128
    raise TypeError(f"cannot make a graphc constant from {type(value).__name__} "
                    f"(numpy dtype {arr.dtype})")


def _is_text(v):
    return isinstance(v, (bytes, str))


def _to_bytes(v):
    return v.encode("utf-8") if isinstance(v, str) else v


_encode = np.frompyfunc(_to_bytes, 1, 1)


def string_array(value, what):
    """An object array of bytes from bytes/str (str UTF-8 encoded, as TF1 does), nested
    lists of them, or numpy S/U/O arrays; DTypeError for anything else (TF1 too refuses
    to turn numbers into strings)."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "S":
        return value.astype(object)
    try:
        arr = np.array(value, dtype=object)
    except ValueError as e:
        raise errors.DTypeError(f"{what}: cannot make a string array: {e}") from None
    bad = [v for v in arr.flat if not _is_text(v)]
    spot = ragged_spot(value) if bad and _is_seq(bad[0]) else None
    if spot is not None:                # (numpy made an array of the unequal lists)
        raise ragged_error(what, spot)
    if bad:
        raise errors.DTypeError(f"{what}: cannot convert {type(bad[0]).__name__} values "
                                f"such as {bad[0]!r} to string (only bytes and str)")
    if arr.ndim == 0:
        return np.array(_to_bytes(arr[()]), dtype=object)
    return _encode(arr).astype(object, copy=False)


def ragged_spot(value):
    """Where nested lists are ragged: "value[1] has 1 element(s) where value[0] has 2",
    or None."""
    level = [((), value)]
    while level:
        seqs = [(p, v) for p, v in level if _is_seq(v)]
        if not seqs:
            return None
        (p0, v0), plain = seqs[0], [p for p, v in level if not _is_seq(v)]
        if plain:
            return f"{_at(plain[0])} is a scalar where {_at(p0)} is a list"
        other = [(p, v) for p, v in seqs if len(v) != len(v0)]
        if other:
            return (f"{_at(other[0][0])} has {len(other[0][1])} element(s) where {_at(p0)} "
                    f"has {len(v0)}")
        level = [(p + (k,), x) for p, v in seqs for k, x in enumerate(v)]
    return None


def _is_seq(v):
    return isinstance(v, (list, tuple)) or isinstance(v, np.ndarray) and v.ndim > 0


def _at(path):
    return "value" + "".join(f"[{k}]" for k in path)


def as_array(value, what, dtype=None):
    """np.asarray(value, dtype); ragged nested lists raise a ShapeError that names `what`
    (the constant or feed), where the lists differ and the user's line, not numpy's text."""
    try:
        return np.asarray(value, dtype)
    except ValueError:
        spot = ragged_spot(value) if isinstance(value, (list, tuple)) else None
        if spot is None:
            raise
    raise ragged_error(what, spot)


def ragged_error(what, spot):
    return errors.ShapeError(
        f"{what}: the nested lists are ragged ({spot}); a tensor needs lists of equal "
        f"length at each level (TF1: \"inhomogeneous shape\")\n  at "
        f"{errors.format_site(errors.user_site())}")


def to_array(value, dtype, what):
    """np array of `value` in `dtype`, refusing lossy or cross-kind conversions."""
    if dtype.np.kind == "O":
        if type(value) is np.ndarray and value.dtype.kind == "O" and all(
                type(v) is bytes for v in value.flat):
            return value
        return string_array(value, what)
    arr = as_array(value, what)
    if arr.dtype == dtype.np:
        return arr
    src = arr.dtype
    if src.kind not in "biufc":
        raise errors.DTypeError(f"{what}: cannot convert {src} values to {dtype.name}")
    if arr.size == 0:           # no value to lose ([] is float64 to numpy, any dtype to TF1)
        return arr.astype(dtype.np)
    # real values become complex (TF1 too); complex ones never silently lose their
    # imaginary part: gc.real or gc.cast say so
    if (src.kind == "b") != dtype.is_bool or src.kind == "c" and not dtype.is_complex:
        raise errors.DTypeError(f"{what}: cannot convert {src} values to {dtype.name}")
    out = arr.astype(dtype.np)
    integral = dtype.is_integer or dtype.is_quantized     # quantized: stored as ints
    if src.kind == "f" and integral:
        if not np.array_equal(out, arr):
            raise errors.DTypeError(f"{what}: {src} values such as "
                                    f"{arr.flat[np.argmax(out != arr)].item()!r} cannot be "
                                    f"converted to {dtype.name} without loss")
    elif src.kind in "iu" and integral and not np.array_equal(out, arr):
        bad = arr.flat[np.argmax(out != arr) if arr.ndim else 0].item()
        info = np.iinfo(out.dtype)
        raise errors.DTypeError(f"{what}: values such as {bad!r} overflow {dtype.name} "
                                f"(range {info.min} to {info.max})")
    return out


def constant(value, dtype=None, shape=None, name="Const"):
    """A constant tensor. `gc.constant([[1., 2.]])` is float32 of shape (1, 2).

    A scalar `value` with `shape` fills that shape; otherwise `value` is reshaped to it.
    """
    dtype = dtypes.as_dtype(dtype) if dtype is not None else \
        _py_dtype(value, f"constant '{name}'")
    if type(value) is float and dtype.is_floating or type(value) is int and dtype.is_integer:
        try:                                    # fast path: a Python scalar that fits
            arr = np.array(value, dtype.np)
        except OverflowError:                   # numpy 2: an int out of an int dtype's range
            arr = None
        if dtype.is_integer and (arr is None or arr != value):
            raise errors.DTypeError(f"constant '{name}': {value} overflows {dtype.name}"
                                    + errors.called_at("constant"))
        if shape is None:
            return apply1(CONST, (), name=name, value=ConstValue(arr, fresh=True),
                          dtype=dtype)
    else:
        try:
            arr = to_array(value, dtype, f"constant '{name}'")
        except errors.DTypeError as e:
            raise type(e)(str(e) + errors.called_at("constant")) from None
    if shape is not None:
        if not as_shape(shape).is_fully_defined():
            raise TypeError(f"constant '{name}': the shape {as_shape(shape)} has an unknown "
                            "dimension: its size is known only at run time (build the "
                            "shape from gc.shape(x)[i])" + errors.called_at("constant"))
        shape = tuple(as_shape(shape)._dims)
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=dtype.np)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        elif 0 < arr.size < int(np.prod(shape)):     # TF1: the last value fills the rest
            flat = arr.reshape(-1)
            arr = np.concatenate([flat, np.full(int(np.prod(shape)) - flat.size, flat[-1],
                                                dtype.np)]).reshape(shape)
        else:
            raise errors.ShapeError(
                f"constant: a value of {arr.size} elements (shape {arr.shape}) cannot have "
                f"shape {shape}" + errors.called_at("constant"))
    return apply1(CONST, (), name=name, value=ConstValue(arr), dtype=dtype)


def placeholder(dtype, shape=None, name=None):
    """A tensor whose value is fed to Session.run. Dims: int, None (any), or a name;
    as in TF1, -1 is no unknown dim (use None): `gc.placeholder(gc.float32, [None, 3])`."""
    like = None if shape is None else as_shape_like(shape)
    for d in like or ():
        _check_placeholder_dim(d, like, name)
    return apply1(PLACEHOLDER, (), name=name or "Placeholder",
                  shape=TensorShape(like), dtype=dtypes.as_dtype(dtype))


def _check_placeholder_dim(d, dims, name, api="placeholder"):
    """TF1's error for a bad dim of a placeholder's shape, at the user's line: a negative
    one (-1 too) is a ShapeError (TF1's ValueError "Dimension -1 must be >= 0"), a float
    or bool one a DTypeError (TF1's TypeError)."""
    if d is None or isinstance(d, (str, Dimension)):
        return
    try:
        i = None if isinstance(d, (bool, np.bool_)) else operator.index(d)
    except TypeError:
        i = None
    if i is not None and i >= 0:
        return
    cls, why = (errors.ShapeError, "must be >= 0 (None for an unknown dim)") if i is not None \
        else (errors.DTypeError, "must be an int, None or a name")
    raise cls(f"{api} '{name or 'Placeholder'}': dim {d!r} of shape {list(dims)} {why}"
              + errors.called_at(api))


def as_shape_like(shape):
    if isinstance(shape, TensorShape):
        return shape._dims
    if isinstance(shape, (int, str)):
        return (shape,)
    return tuple(shape)


def placeholder_with_default(input, shape, name=None):
    """`input`, unless a value is fed for the result."""
    x = convert_to_tensor(input)
    like = None if shape is None else as_shape_like(shape)
    for d in like or ():
        _check_placeholder_dim(d, like, name or "PlaceholderWithDefault",
                               "placeholder_with_default")
    return apply1(PLACEHOLDER_WITH_DEFAULT, (x,), name=name or "PlaceholderWithDefault",
                  shape=as_shape(shape), dtype=x.dtype)


def as_sparse(x):
    """x if it is a SparseTensor, else None: TF1's ops that take one (abs, square, sqrt,
    identity... on its values; shape, size, rank, zeros_like of its dense shape)."""
    if isinstance(x, Tensor) or not hasattr(x, "dense_shape"):
        return None
    from ..sparse_tensor import SparseTensor
    return x if isinstance(x, SparseTensor) else None


def on_values(fn, sp, name):
    """The SparseTensor of fn applied to sp's values (its indices and shape kept)."""
    from ..sparse_tensor import SparseTensor
    out = SparseTensor(sp.indices, fn(sp.values, name=name), sp.dense_shape)
    out._static_shape = sp._static_shape
    return out


def identity(input, name=None):
    sp = as_sparse(input)
    if sp is not None:
        return on_values(identity, sp, name)
    return apply1(IDENTITY, (convert_to_tensor(input),), name=name)


def stop_gradient(input, name=None):
    """Returns `input`; gradients treat it as a constant."""
    sp = as_sparse(input)
    if sp is not None:
        return on_values(stop_gradient, sp, name)
    return apply1(STOP_GRADIENT, (convert_to_tensor(input),), name=name)


def no_op(name=None):
    return apply(NO_OP, (), name=name)


def group(*inputs, name=None):
    """A NoOp that runs after all `inputs`: ops or tensors, in any nesting of lists,
    tuples and dicts (an IndexedSlices or SparseTensor stands for its parts), as TF1."""
    from ..nest import flatten
    flat = []
    for x in flatten(list(inputs)):
        if hasattr(x, "_as_parts") and not isinstance(x, Tensor):
            flat.extend(p for p in x._as_parts() if p is not None)
        elif isinstance(x, (Node, Tensor)):
            flat.append(x)
        else:
            raise TypeError(f"'inputs' should be zero or more (nested) Tensors. Received "
                            f"'{x}' with type '{type(x)}'.")
    graph = flat[0].graph if flat else get_default_graph()
    with graph.control_dependencies(flat):
        return apply(NO_OP, (), name=name or "group_deps")


def tuple_(tensors, name=None, control_inputs=None):
    """TF1 tf.tuple: each tensor (an IndexedSlices, SparseTensor or op too), available
    only after all of them are computed; a None stays None (gradients of unused
    variables)."""
    given = [t for t in tensors if t is not None]
    if not given:
        raise ValueError("Must have at least one Tensor: []")
    deps = given + list(control_inputs or ())
    graph = given[0].graph if hasattr(given[0], "graph") else given[0].values.graph
    with graph.name_scope(name or "tuple"):
        g = group(*deps)
        out = []
        with graph.control_dependencies([g]):
            for t in tensors:
                if t is None or isinstance(t, Tensor):
                    out.append(t if t is None else identity(t, name="control_dependency"))
                elif isinstance(t, Node):
                    out.append(group(t))
                elif hasattr(t, "_as_parts"):       # IndexedSlices, SparseTensor
                    out.append(_gated_values(t))
                else:
                    raise TypeError(f"tuple: expected Tensors or ops, got {t!r}")
        return out


def _gated_values(x):
    """An IndexedSlices or SparseTensor whose values pass an identity (its indices and
    dense shape as they are), made under the caller's control dependencies."""
    if as_sparse(x) is not None:
        return identity(x, name="control_dependency")
    return type(x)(identity(x.values, name="control_dependency"), x.indices, x.dense_shape)


def convert_to_tensor(value, dtype=None, name=None, dtype_hint=None, preferred_dtype=None):
    """A Tensor from a Tensor (checked against `dtype`) or a Python/numpy value;
    preferred_dtype is TF1's name for dtype_hint."""
    if isinstance(value, Tensor):
        if dtype is not None and dtypes.as_dtype(dtype) is not value.dtype:
            raise errors.DTypeValueError(          # TF1: a ValueError
                f"convert_to_tensor: expected {dtypes.as_dtype(dtype).name} but got\n  "
                + errors.describe_tensor(value, value.name))
        return value
    if isinstance(value, Node):
        raise TypeError(f"{value!r} is an operation, not a tensor: use its outputs")
    for _, base, fn in _CONVERSIONS:
        if isinstance(value, base):
            return fn(value, dtype=dtype, name=name, as_ref=False)
    first = _first_tensor(value) if isinstance(value, (list, tuple)) else None
    if first is not None:       # TF1 packs a list holding tensors (numbers take its dtype)
        return _pack(value, first.dtype if dtype is None else dtype, name)
    dtype_hint = preferred_dtype if dtype_hint is None else dtype_hint
    if dtype is None and dtype_hint is not None:
        try:
            return constant(value, dtype=dtype_hint, name=name or "Const")
        except errors.DTypeError:
            pass
    return constant(value, dtype=dtype, name=name or "Const")


_PLAIN = (int, float, complex, bool, str, bytes, list, tuple, np.ndarray, np.generic)


def convert_arg(value, dtype, what):
    """convert_to_tensor(value, dtype) for an argument of an op, `what` ("the value for
    variable 'v' (int32, ...)"): a Python or numpy value that does not convert raises a
    DTypeError that names `what` and the user's line, not the constant it would become."""
    if isinstance(value, _PLAIN) and not (isinstance(value, (list, tuple))
                                          and _first_tensor(value) is not None):
        try:
            value = to_array(value, dtype, what)
        except errors.DTypeError as e:
            raise type(e)(f"{e}\n  at {errors.format_site(errors.user_site())}") from None
    return convert_to_tensor(value, dtype=dtype)


_CONVERSIONS = []     # (priority, base_type, conversion_func), lowest priority first


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Make convert_to_tensor (and so every op) accept instances of base_type (TF1):
    conversion_func(value, dtype=None, name=None, as_ref=False) returns a Tensor.

        gc.register_tensor_conversion_function(Meters, lambda v, dtype=None, name=None,
                                               as_ref=False: gc.constant(v.value))
    """
    if not callable(conversion_func):
        raise TypeError(f"conversion_func must be callable, not {conversion_func!r}")
    bases = base_type if isinstance(base_type, tuple) else (base_type,)
    if not all(isinstance(b, type) for b in bases) or any(
            issubclass(b, (Tensor, np.ndarray, np.generic, str, bytes, int, float, bool))
            for b in bases):
        raise TypeError(f"base_type must be a class (or tuple of classes) other than "
                        f"Tensor, numpy and Python value types, not {base_type!r}")
    _CONVERSIONS.append((priority, base_type, conversion_func))
    _CONVERSIONS.sort(key=lambda c: c[0])


def _first_tensor(value):
    """The first Tensor in a (nested) list or tuple, in reading order, or None."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Tensor):
            return v
        if isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
    return None


def _pack(value, dtype, name):
    """A list mixing tensors and numbers, stacked into one tensor of dtype as TF1 packs
    it: `gc.reduce_mean([loss_a, loss_b, 0.5])`."""
    from .array import stack
    return stack([convert_to_tensor(v, dtype=dtype) for v in value], axis=0,
                 name=name or "packed")
