"""TF1 tf.saved_model.utils: TensorInfo records (the protos a SignatureDef maps keys to)
and the conversions between them and tensors.

    info = gc.saved_model.utils.build_tensor_info(x)    # info.name == "x:0"
    x = gc.saved_model.utils.get_tensor_from_tensor_info(info, graph)

A TensorInfo holds what TF1's proto holds: the tensor's name, its dtype as TF1's
DataType number (DT_FLOAT = 1, ...) and its static shape (`tensor_shape.dim[i].size`, -1
for an unknown dim; `tensor_shape.unknown_rank`), or, for a SparseTensor, the names of
its three parts in `coo_sparse`.
"""
from .. import dtypes
from ..graph import Tensor, get_default_graph

__all__ = ["build_tensor_info", "get_tensor_from_tensor_info"]

# TF1's DataType enum (types.proto) for graphc's dtypes
DT_ENUM = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
           "string": 7, "complex64": 8, "int64": 9, "bool": 10, "uint16": 17,
           "complex128": 18, "float16": 19}
DT_NAME = {v: k for k, v in DT_ENUM.items()}
_DT_PROTO = {1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16",
             6: "DT_INT8", 7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL",
             17: "DT_UINT16", 18: "DT_COMPLEX128", 19: "DT_HALF"}


def dtype_from_enum(number):
    """The graphc DType of TF1's DataType number `number` (1 -> gc.float32)."""
    if number not in DT_NAME:
        raise ValueError(f"DataType {number!r} has no graphc dtype (graphc has "
                         f"{', '.join(f'{k}={v}' for k, v in DT_ENUM.items())})")
    return dtypes.as_dtype(DT_NAME[number])


class _Record:
    """A proto-like record: fields by attribute, equality by value, a readable repr."""
    __slots__ = ()

    def _fields(self):
        return tuple(getattr(self, f) for f in self.__slots__)

    def __eq__(self, other):
        return type(other) is type(self) and other._fields() == self._fields()

    __hash__ = None                 # mutable, as protos are

    def __repr__(self):
        body = ", ".join(f"{f}={getattr(self, f)!r}" for f in self.__slots__)
        return f"{type(self).__name__}({body})"


class Dim(_Record):
    """One dimension of a TensorShapeProto: size (-1 unknown) and name."""
    __slots__ = ("size", "name")

    def __init__(self, size=-1, name=""):
        self.size, self.name = int(size), name


class TensorShapeProto(_Record):
    """A static shape as TF1's proto: `dim` (a list of Dim) and `unknown_rank`."""
    __slots__ = ("dim", "unknown_rank")

    def __init__(self, dim=(), unknown_rank=False):
        self.dim, self.unknown_rank = list(dim), bool(unknown_rank)

    @classmethod
    def from_shape(cls, shape):
        if shape._dims is None:
            return cls(unknown_rank=True)
        # a named dim (a str) is unknown to TF1: size -1, its name kept
        return cls([Dim(d, "") if isinstance(d, int) else
                    Dim(-1, d if isinstance(d, str) else "") for d in shape._dims])

    def as_list(self):
        """The dims as a list (None for unknown), or None for an unknown rank."""
        if self.unknown_rank:
            return None
        return [None if d.size < 0 else d.size for d in self.dim]


class CooSparse(_Record):
    """The parts of a SparseTensor a TensorInfo names (TF1's CooSparse)."""
    __slots__ = ("values_tensor_name", "indices_tensor_name", "dense_shape_tensor_name")

    def __init__(self, values_tensor_name="", indices_tensor_name="",
                 dense_shape_tensor_name=""):
        self.values_tensor_name = values_tensor_name
        self.indices_tensor_name = indices_tensor_name
        self.dense_shape_tensor_name = dense_shape_tensor_name


class TensorInfo(_Record):
    """What a signature says of one tensor (TF1's TensorInfo proto): name (empty for a
    SparseTensor, whose parts coo_sparse names), dtype (TF1's DataType number) and
    tensor_shape."""
    __slots__ = ("name", "dtype", "tensor_shape", "coo_sparse")

    def __init__(self, name="", dtype=0, tensor_shape=None, coo_sparse=None):
        self.name, self.dtype = name, dtype
        self.tensor_shape = TensorShapeProto() if tensor_shape is None else tensor_shape
        self.coo_sparse = coo_sparse

    def HasField(self, field):
        """TF1's proto method: whether `field` is set ("coo_sparse", "name")."""
        value = getattr(self, field)
        return bool(value) if not isinstance(value, _Record) else value is not None

    def to_json(self):
        d = {"name": self.name, "dtype": self.dtype,
             "shape": None if self.tensor_shape.unknown_rank else
             [[x.size, x.name] for x in self.tensor_shape.dim]}
        if self.coo_sparse is not None:
            c = self.coo_sparse
            d["coo_sparse"] = [c.values_tensor_name, c.indices_tensor_name,
                               c.dense_shape_tensor_name]
        return d

    @classmethod
    def from_json(cls, d):
        shape = TensorShapeProto(unknown_rank=True) if d["shape"] is None else \
            TensorShapeProto([Dim(s, n) for s, n in d["shape"]])
        coo = CooSparse(*d["coo_sparse"]) if "coo_sparse" in d else None
        return cls(d["name"], d["dtype"], shape, coo)

    def __str__(self):
        lines = [f'name: "{self.name}"'] if self.name else []
        if self.coo_sparse is not None:
            c = self.coo_sparse
            lines.append(f'coo_sparse {{ values: "{c.values_tensor_name}" indices: '
                         f'"{c.indices_tensor_name}" dense_shape: '
                         f'"{c.dense_shape_tensor_name}" }}')
        lines.append(f"dtype: {_DT_PROTO.get(self.dtype, self.dtype)}")
        dims = self.tensor_shape.as_list()
        lines.append("tensor_shape { unknown_rank: true }" if dims is None else
                     "tensor_shape { " + " ".join(f"dim {{ size: {-1 if d is None else d} }}"
                                                  for d in dims) + " }")
        return "\n".join(lines)


def _is_sparse(x):
    return hasattr(x, "indices") and hasattr(x, "values") and hasattr(x, "dense_shape") \
        and not isinstance(x, Tensor)


def build_tensor_info(tensor):
    """The TensorInfo of a tensor or SparseTensor (TF1:
    tf.saved_model.utils.build_tensor_info).

        info = gc.saved_model.utils.build_tensor_info(x)
        info.name, info.dtype, info.tensor_shape.dim[1].size     # "x:0", 1, 3
    """
    if _is_sparse(tensor):
        shape = tensor.get_shape() if hasattr(tensor, "get_shape") else tensor.shape
        coo = CooSparse(tensor.values.name, tensor.indices.name, tensor.dense_shape.name)
        return TensorInfo("", _enum(tensor.values.dtype, tensor),
                          TensorShapeProto.from_shape(shape), coo)
    if not isinstance(tensor, Tensor):
        raise TypeError(f"build_tensor_info: expected a gc.Tensor or gc.SparseTensor, got "
                        f"{type(tensor).__name__} {tensor!r}")
    return TensorInfo(tensor.name, _enum(tensor.dtype, tensor),
                      TensorShapeProto.from_shape(tensor.shape))


def _enum(dtype, tensor):
    if dtype.name not in DT_ENUM:
        raise TypeError(f"build_tensor_info: {tensor!r} has dtype {dtype.name}, which "
                        "TF1's TensorInfo has no DataType for")
    return DT_ENUM[dtype.name]


def _scoped(name, import_scope):
    return f"{import_scope}/{name}" if import_scope else name


def get_tensor_from_tensor_info(tensor_info, graph=None, import_scope=None):
    """The tensor (or SparseTensor) of `graph` (default: the default graph) that
    `tensor_info` names, under `import_scope` if the graph was loaded under one (TF1).

        meta = gc.saved_model.loader.load(sess, ["serve"], "export")
        sig = meta.signature_def["serving_default"]
        x = gc.saved_model.utils.get_tensor_from_tensor_info(sig.inputs["x"], sess.graph)

    Raises what graph.get_tensor_by_name raises when the graph has no such tensor.
    """
    graph = get_default_graph() if graph is None else graph
    if not isinstance(tensor_info, TensorInfo):
        raise TypeError(f"get_tensor_from_tensor_info: expected a TensorInfo, got "
                        f"{type(tensor_info).__name__}")
    if tensor_info.coo_sparse is not None:
        from ..sparse import SparseTensor
        c = tensor_info.coo_sparse
        parts = [graph.get_tensor_by_name(_scoped(n, import_scope)) for n in
                 (c.indices_tensor_name, c.values_tensor_name, c.dense_shape_tensor_name)]
        return SparseTensor(*parts)
    if not tensor_info.name:
        raise ValueError(f"get_tensor_from_tensor_info: invalid TensorInfo, it names no "
                         f"tensor: {tensor_info!r}")
    return graph.get_tensor_by_name(_scoped(tensor_info.name, import_scope))
