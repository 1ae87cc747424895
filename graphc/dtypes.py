"""dtype objects. graphc never promotes between dtypes; `cast` converts explicitly."""
import builtins

import numpy as np


class _QuantizedStorage:
    """The numpy storage of a quantized dtype: numpy takes it as its integer dtype
    (np.zeros(n, q), a.astype(q), a.dtype == q), but its kind is "q", so that ops asking
    for int, float or numeric inputs refuse quantized ones, as TF's type lists do."""
    __slots__ = ("dtype",)
    kind = "q"

    def __init__(self, np_dtype):
        self.dtype = np.dtype(np_dtype)

    def __getattr__(self, name):            # itemsize, type, char, name... of the ints
        return getattr(self.dtype, name)

    def __eq__(self, other):
        return self.dtype == other

    def __ne__(self, other):
        return self.dtype != other

    def __hash__(self):
        return hash(self.dtype)

    def __repr__(self):
        return repr(self.dtype)

    def __str__(self):
        return str(self.dtype)


class DType:
    """A tensor element type, wrapping a numpy dtype (TF1: tf.DType)."""
    __slots__ = ("name", "np")

    def __init__(self, name, np_dtype, quantized=False):
        self.name = name
        self.np = _QuantizedStorage(np_dtype) if quantized else np.dtype(np_dtype)

    @property
    def as_numpy_dtype(self):
        return self.np.type

    @property
    def is_floating(self):
        return self.np.kind == "f"

    @property
    def is_differentiable(self):
        """Gradients flow through tensors of this dtype: float and complex (graphc's
        name; TF tests both kinds where autodiff decides)."""
        return self.np.kind in "fc"

    @property
    def is_complex(self):
        return self.np.kind == "c"

    @property
    def real_dtype(self):
        """float32 for complex64, float64 for complex128, else the dtype itself."""
        if self.np.kind == "c":
            return float32 if self.np.itemsize == 8 else float64
        return self

    @property
    def is_quantized(self):
        """qint8, quint8, qint16, quint16, qint32 (stored as numpy ints; TF1: is_quantized)."""
        return self.np.kind == "q"

    @property
    def is_unsigned(self):
        """True for unsigned integer dtypes (quint* are not, as in TF1)."""
        return self.np.kind == "u"

    @property
    def is_integer(self):
        return self.np.kind in "iu"

    @property
    def is_bool(self):
        return self.np.kind == "b"

    @property
    def is_numeric(self):
        return self.np.kind in "iufc"

    @property
    def base_dtype(self):
        return self

    @property
    def size(self):
        return self.np.itemsize

    @property
    def min(self):
        """The smallest value of the dtype (TF1: `tf.fill(s, x.dtype.min)` masks)."""
        return self._info("min").min

    @property
    def max(self):
        """The largest value of the dtype."""
        return self._info("max").max

    def _info(self, what):
        if self.np.kind == "f":
            return np.finfo(self.np)
        if self.np.kind in "iuq":
            return np.iinfo(self.np.type)
        if self.np.kind == "b":
            return _BoolInfo
        raise TypeError(f"Cannot find {what} value of {self.name}.")

    @property
    def limits(self):
        """TF1's image value range of the dtype, its low end clipped to 0 (TF's property,
        whose clip_negative argument a property cannot take): (0, 1) for floats, (0,
        max) for ints."""
        return 0, 1 if self.np.kind == "f" else self.max

    @property
    def as_datatype_enum(self):
        """TF's DataType number (types.proto): float32 is 1."""
        from .io.tf_graphdef_import import tf_datatype
        return tf_datatype(self)

    def is_compatible_with(self, other):
        """Whether other (a DType or what as_dtype takes) is this dtype."""
        return self == other

    def __eq__(self, other):
        """A DType equals the numpy type, name or DType of the same dtype, as in TF1
        (`x.dtype == np.float32`, `x.dtype == "float32"`)."""
        if other is self:
            return True
        if other is None or isinstance(other, DType):
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = object.__hash__

    def __repr__(self):
        return f"gc.{self.name}"

    def __str__(self):
        return self.name

    def __reduce__(self):
        return (as_dtype, (self.name,))


class _BoolInfo:
    min, max = False, True


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
# TF1's other ints: uint8 images, int8/int16/uint16/uint32/uint64 data. Arithmetic wraps,
# as in TF1.
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
bool_ = DType("bool", np.bool_)
complex64 = DType("complex64", np.complex64)
complex128 = DType("complex128", np.complex128)
ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
       bool_, complex64, complex128)
# TF1's tf.string, as numpy object arrays of bytes (str is stored UTF-8 encoded, as TF
# does); numpy's fixed-width S/U arrays convert to it (see ops/core.py to_array).
string = DType("string", object)
# TF1's quantized dtypes: distinct from the ints they are stored as (as_dtype(np.int8) is
# int8), refused by arithmetic; fetched as plain numpy int arrays.
qint8 = DType("qint8", np.int8, quantized=True)
quint8 = DType("quint8", np.uint8, quantized=True)
qint16 = DType("qint16", np.int16, quantized=True)
quint16 = DType("quint16", np.uint16, quantized=True)
qint32 = DType("qint32", np.int32, quantized=True)
QUANTIZED_DTYPES = frozenset((qint8, quint8, qint16, quint16, qint32))
_BY_NP = {d.np: d for d in ALL + (string,)}
_BY_NAME = {d.name: d for d in ALL + (string,) + tuple(QUANTIZED_DTYPES)}
_BY_NAME.update(half=float16, float=float32, double=float64)


def as_dtype(type_value):
    """DType from a DType, name, numpy dtype/type or Python type (float -> float32)."""
    x = type_value
    if isinstance(x, DType):
        return x
    if x is builtins.float:
        return float32
    if x is builtins.int:
        return int32
    if x is builtins.bool:
        return bool_
    if x is builtins.complex:
        return complex128
    if isinstance(x, str) and x in _BY_NAME:
        return _BY_NAME[x]
    if isinstance(x, _QuantizedStorage):
        return _BY_NAME["q" + x.dtype.name]
    try:
        d = np.dtype(x)
    except TypeError:
        raise TypeError(f"cannot interpret {x!r} as a graphc dtype") from None
    if d in _BY_NP:
        return _BY_NP[d]
    if d.kind in "SU":             # bytes, str, np.bytes_, np.str_ -> string (TF1 does)
        return string
    raise TypeError(f"graphc has no dtype for numpy {d}; supported: "
                    + ", ".join(t.name for t in ALL))


def from_value(arr):
    """The graphc dtype of a numpy array, mapping other widths to the nearest supported."""
    d = arr.dtype
    if d in _BY_NP:
        return _BY_NP[d]
    if d.kind == "f":
        return float64
    if d.kind in "iu":
        return int64
    if d.kind == "c":
        return complex128
    if d.kind in "SU":
        return string
    raise TypeError(f"graphc cannot hold values of numpy dtype {d}")


_ALIASES = {"bool": "bool_", "double": "float64", "half": "float16"}


def __getattr__(name):
    """tf.dtypes' other names: bool, double and half, and the conversion functions
    (looked up on use: they are ops, which import this module)."""
    if name in _ALIASES:
        return globals()[_ALIASES[name]]
    if name in ("as_string", "cast", "complex", "saturate_cast"):
        import graphc
        return getattr(graphc, name)
    raise AttributeError(f"module 'graphc.dtypes' has no attribute '{name}'")
