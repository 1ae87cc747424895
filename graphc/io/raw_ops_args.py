"""gc.raw_ops' arguments: inputs converted to tensors and attrs to AttrValues, as TF's
op_def_library does for tf.raw_ops (its checks, in its order, with its messages).

An input of a type attr takes the dtype the attr already has (from an earlier input);
the first input of an attr sets it, a Python value taking the attr's default dtype
where it has one (Sum's axis=0 is int32, Range's start=0.5 float32). A Python value
given a dtype must fit it as in TF: no floats into an integer dtype, no ints into
bool, no strings into numbers. Attr values are checked by kind (TF's "Expected int for
argument 'k' not 'a'."), against their allowed values and minimum, then encoded.
"""
import numbers

import numpy as np

from .. import dtypes
from ..graph import Tensor
from ..ops.core import convert_to_tensor
from ..shapes import TensorShape
from .summary_protos import Dim, TensorProto, TensorShapeProto
from .tf_graphdef import AttrValue
from .tf_graphdef_attr import ListValue
from .tf_graphdef_import import tf_datatype

__all__ = ["convert_inputs", "convert_attrs", "attr_value"]

# what a Python scalar may be to go into a dtype of each kind (TF's _Filter* rules)
_FITS = {"int": numbers.Integral, "float": numbers.Real, "complex": numbers.Complex,
         "bool": (bool, np.bool_), "string": (str, bytes)}
_OPAQUE = ("resource", "variant")       # handles: graphc passes the tensor they stand for
_NOT_CONVERTIBLE = "<NOT CONVERTIBLE TO TENSOR>"


def _kind(dtype):
    if dtype.name in ("bool", "string"):
        return dtype.name
    if dtype.is_complex:
        return "complex"
    return "float" if dtype.is_floating else "int"


def _python_misfit(value, dtype):
    """The first scalar of a Python value (nested lists) that dtype cannot hold, or None;
    None too where the value holds tensors or arrays (converted by graphc's rules)."""
    want = _FITS[_kind(dtype)]
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
        elif isinstance(v, (Tensor, np.ndarray)):
            continue
        elif not isinstance(v, want) or (dtype.name != "bool" and isinstance(v, np.bool_)):
            return v
    return None


def _is_python(value):
    """A Python scalar or nested lists of them (no tensors, no numpy arrays)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif not isinstance(v, (bool, int, float, complex, str, bytes)):
            return False
    return True


def _with_dtype(value, dtype, name):
    """value as a tensor of dtype (TypeError where it does not fit, as in TF)."""
    if isinstance(value, Tensor):
        return value
    if _is_python(value):
        bad = _python_misfit(value, dtype)
        if bad is not None:
            raise TypeError(f"Expected {dtype.name}, but got {bad} of type "
                            f"'{type(bad).__name__}'.")
        if dtype.name != "string" and not dtype.is_quantized:
            try:
                value = np.array(value, dtype=dtype.as_numpy_dtype)
            except OverflowError as err:
                raise TypeError(f"Expected {dtype.name}, but got {value}: {err}") from None
    return convert_to_tensor(value, dtype=dtype, name=name)


def _free(value, hint, name):
    """value as a tensor of the dtype it has, or of hint where a Python value fits it."""
    if isinstance(value, Tensor):
        return value
    if hint is not None and _is_python(value) and _python_misfit(value, hint) is None:
        try:
            return _with_dtype(value, hint, name)
        except (TypeError, ValueError):
            pass
    return convert_to_tensor(value, name=name)


def _none_check(value, arg):
    if value is None:
        raise ValueError(f"Tried to convert '{arg.tf_name}' to a tensor and failed. "
                         "Error: None values not supported.")


def _allowed(sig, attr_name, dtype, param):
    allowed = sig.attrs[attr_name].allowed
    if allowed is not None and dtype.name not in allowed:
        raise TypeError(f"Value passed to parameter '{param}' has DataType {dtype.name} not "
                        f"in list of allowed values: {', '.join(allowed)}")


class _Inferred:
    """The type and number attrs set by the inputs so far, and which input set each."""

    def __init__(self):
        self.values, self.by = {}, {}

    def set(self, key, value, arg):
        self.values[key], self.by[key] = value, arg.tf_name


def _one(sig, arg, value, inferred):
    _none_check(value, arg)
    if arg.ref:
        if not (isinstance(value, Tensor) and value.node.type == "VariableV2"):
            raise TypeError(f"'{sig.op}' Op requires that input '{arg.tf_name}' be a "
                            "mutable tensor (e.g.: a tf.Variable)")
    if arg.fixed in _OPAQUE:
        if not isinstance(value, Tensor):
            raise TypeError(f"Input '{arg.tf_name}' of '{sig.op}' Op takes a {arg.fixed} "
                            f"handle (a graphc tensor standing for one), not {value!r}")
        return value
    want = dtypes.as_dtype(arg.fixed) if arg.fixed else inferred.values.get(arg.type)
    if want is None:        # the first input of its type attr: it sets the attr
        default = sig.attrs[arg.type].default
        t = _free(value, dtypes.as_dtype(default) if default else None, arg.tf_name)
        _allowed(sig, arg.type, t.dtype, arg.tf_name)
        inferred.set(arg.type, t.dtype, arg)
        return t
    try:
        t = _with_dtype(value, want, arg.tf_name)
    except (TypeError, ValueError) as err:
        raise TypeError(f"Expected {want.name} passed to parameter '{arg.tf_name}' of op "
                        f"'{sig.op}', got {value!r} of type '{type(value).__name__}' "
                        f"instead. Error: {err}") from None
    if t.dtype != want:
        of = "expected type of" if arg.fixed else "type"
        tail = "" if arg.fixed else f" of argument '{inferred.by[arg.type]}'"
        raise TypeError(f"Input '{arg.tf_name}' of '{sig.op}' Op has type {t.dtype.name} "
                        f"that does not match {of} {want.name}{tail}.")
    return t


def _observed(values):
    names = []
    for v in values:
        try:
            names.append(_free(v, None, None).dtype.name if v is not None else None)
        except (TypeError, ValueError):
            names.append(None)
    return [n or _NOT_CONVERTIBLE for n in names]


def _list_error(sig, arg, values, tail):
    observed = _observed(values)
    prefix = (f"Tensors in list passed to '{arg.tf_name}' of '{sig.op}' Op have types "
              f"[{', '.join(observed)}]")
    if _NOT_CONVERTIBLE in observed:
        return TypeError(f"{prefix} that are invalid. Tensors: {list(values)!r}")
    return TypeError(f"{prefix} {tail}")


def _check_list(sig, arg, values, name):
    """The list an input of a number attr or list(type) attr takes (TF's checks)."""
    if not isinstance(values, (list, tuple)):
        who = sig.pyname if arg.count else sig.op
        key = arg.name if arg.count else arg.tf_name
        raise TypeError(f"Expected list for '{key}' argument to '{who}' Op, not {values!r}.")
    minimum = sig.attrs[name].minimum
    if minimum is not None and len(values) < minimum:
        if arg.count:
            raise ValueError(f"List argument '{arg.tf_name}' to '{sig.op}' Op with length "
                             f"{len(values)} shorter than minimum length {minimum}.")
        raise ValueError(f"Attr '{name}' of '{sig.op}' Op passed list of length "
                         f"{len(values)} less than minimum {minimum}.")


def _counted(sig, arg, values, inferred):
    """An input of N tensors of one dtype (a number attr)."""
    _check_list(sig, arg, values, arg.count)
    if arg.count in inferred.values and inferred.values[arg.count] != len(values):
        raise ValueError(f"List argument '{arg.tf_name}' to '{sig.op}' Op with length "
                         f"{len(values)} must match length {inferred.values[arg.count]} "
                         f"of argument '{inferred.by[arg.count]}'.")
    names = [f"{arg.tf_name}_{i}" for i in range(len(values))]
    want = dtypes.as_dtype(arg.fixed) if arg.fixed else inferred.values.get(arg.type)
    earlier = want is not None and not arg.fixed
    if want is None:
        want = next((v.dtype for v in values if isinstance(v, Tensor)), None)
    hint = None
    if want is None and sig.attrs[arg.type].default:
        hint = dtypes.as_dtype(sig.attrs[arg.type].default)
    try:
        if want is not None:
            ts = [_with_dtype(v, want, n) for v, n in zip(values, names)]
        else:
            ts = [_free(v, hint, n) for v, n in zip(values, names)]
        if len({t.dtype for t in ts}) > 1 or (want is not None and ts[0].dtype != want):
            raise TypeError("mixed")
    except (TypeError, ValueError):
        tail = (f"that do not match expected type {want.name}." if arg.fixed else
                f"that do not match type {want.name} inferred from earlier arguments."
                if earlier else "that don't all match.")
        raise _list_error(sig, arg, values, tail) from None
    inferred.set(arg.count, len(values), arg)
    if not arg.fixed and ts:
        _allowed(sig, arg.type, ts[0].dtype, arg.tf_name)
        inferred.set(arg.type, ts[0].dtype, arg)
    return ts


def _typed_list(sig, arg, values, inferred):
    """An input of tensors of any dtypes (a list(type) attr)."""
    _check_list(sig, arg, values, arg.type)
    ts = []
    for i, v in enumerate(values):
        try:
            if v is None:
                raise ValueError("None values not supported.")
            ts.append(_free(v, None, f"{arg.tf_name}_{i}"))
        except (TypeError, ValueError):
            raise _list_error(sig, arg, values, "") from None
    for t in ts:
        _allowed(sig, arg.type, t.dtype, arg.tf_name)
    inferred.set(arg.type, [t.dtype for t in ts], arg)
    return ts


def convert_inputs(sig, kwargs):
    """The inputs as (tensors per input arg, the attrs they set: name -> value)."""
    inferred = _Inferred()
    groups = []
    for arg in sig.inputs:
        value = kwargs[arg.name]
        if arg.count:
            groups.append(_counted(sig, arg, value, inferred))
        elif arg.listed:
            groups.append(_typed_list(sig, arg, value, inferred))
        else:
            groups.append([_one(sig, arg, value, inferred)])
    return groups, inferred.values


# ---- attrs -----------------------------------------------------------------------------
def _as_int(v, name):
    if isinstance(v, (str, bytes)):
        raise TypeError(f"Expected int for argument '{name}' not {v!r}.")
    try:
        return int(v)
    except (TypeError, ValueError):
        raise TypeError(f"Expected int for argument '{name}' not {v!r}.") from None


def _as_float(v, name):
    if not isinstance(v, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"Expected float for argument '{name}' not {v!r}.")
    return float(v)


def _as_bool(v, name):
    if not isinstance(v, bool):
        raise TypeError(f"Expected bool for argument '{name}' not {v!r}.")
    return v


def _as_string(v, name):
    if not isinstance(v, (str, bytes)):
        raise TypeError(f"Expected string for argument '{name}' not {v!r}.")
    return v.decode("utf-8") if isinstance(v, bytes) else v


def _as_type(v, name):
    try:
        if v is None:
            raise TypeError(v)
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            from .tf_graphdef_import import tf_dtype
            return tf_dtype(v, name)
        return dtypes.as_dtype(v)
    except Exception:
        raise TypeError(f"Expected DataType for argument '{name}' not {v!r}.") from None


def _as_shape(v, name):
    if isinstance(v, TensorShapeProto):
        return None if v.unknown_rank else [d.size if d.size >= 0 else None for d in v.dim]
    try:
        dims = TensorShape(v)._dims
    except (TypeError, ValueError) as err:
        raise TypeError(f"Error converting shape to a TensorShape: {err}.") from None
    return None if dims is None else [d if isinstance(d, int) else None for d in dims]


def _as_tensor(v, name):
    if isinstance(v, TensorProto):
        return v
    if hasattr(v, "SerializeToString") and type(v).__name__ == "TensorProto":
        return TensorProto.FromString(v.SerializeToString())        # TF's own proto
    raise TypeError(f"Don't know how to convert {v!r} to a TensorProto for argument "
                    f"'{name}'.")


_SCALAR = {"int": _as_int, "float": _as_float, "bool": _as_bool, "string": _as_string,
           "type": _as_type, "shape": _as_shape, "tensor": _as_tensor}


def _checked(sig, attr, v):
    """One value of attr (or of its list) after its kind's check: allowed, minimum."""
    kind = attr.kind.removeprefix("list(").removesuffix(")")
    v = _SCALAR[kind](v, attr.tf_name)
    if kind == "type":
        _allowed(sig, attr.tf_name, v, attr.tf_name)
    elif kind == "string" and attr.allowed is not None and v not in attr.allowed:
        shown = ", ".join(f'"{a}"' for a in attr.allowed)
        raise ValueError(f"Attr '{attr.tf_name}' of '{sig.op}' Op passed string '{v}' not "
                         f"in: {shown}.")
    elif kind == "int" and attr.kind == "int" and attr.minimum is not None \
            and v < attr.minimum:
        raise ValueError(f"Attr '{attr.tf_name}' of '{sig.op}' Op passed {v} less than "
                         f"minimum {attr.minimum}.")
    return v


def convert_attrs(sig, kwargs, inferred):
    """Every attr's value (the given one, or its default): TF attr name -> value."""
    out = {}
    for attr in sig.attrs.values():
        if attr.tf_name in inferred:
            out[attr.tf_name] = inferred[attr.tf_name]
            continue
        v = kwargs.get(attr.name)
        if v is None and attr.has_default:      # TF's wrappers: None means the default
            v = attr.default
        if not attr.kind.startswith("list("):
            out[attr.tf_name] = _checked(sig, attr, v)
            continue
        if not isinstance(v, (list, tuple)):
            raise TypeError(f"Expected list for '{attr.name}' argument to '{sig.pyname}' "
                            f"Op, not {v!r}.")
        if attr.minimum is not None and len(v) < attr.minimum:
            raise ValueError(f"Attr '{attr.tf_name}' of '{sig.op}' Op passed list of "
                             f"length {len(v)} less than minimum {attr.minimum}.")
        out[attr.tf_name] = [_checked(sig, attr, x) for x in v]
    return out


def _datatype(dtype, op, name):
    try:
        return tf_datatype(dtype)
    except StopIteration:
        raise TypeError(f"raw_ops.{op}: attr '{name}' is {dtype.name}, a dtype graphc's "
                        "GraphDef importer does not take") from None


def _shape_proto(dims):
    if dims is None:
        return TensorShapeProto(unknown_rank=True)
    return TensorShapeProto([Dim(-1 if d is None else d) for d in dims])


def attr_value(sig, name, kind, v):
    """v (a checked value of an attr of this kind) as an AttrValue."""
    if kind.startswith("list("):
        item = kind[5:-1]
        if item == "type":
            return AttrValue(list=ListValue(type=[_datatype(d, sig.op, name) for d in v]))
        if item == "shape":
            return AttrValue(list=ListValue(shape=[_shape_proto(d) for d in v]))
        field = {"string": "s", "int": "i", "float": "f", "bool": "b"}[item]
        return AttrValue(list=ListValue(**{field: v}))
    if kind == "type":
        return AttrValue(type=_datatype(v, sig.op, name))
    if kind == "shape":
        return AttrValue(shape=_shape_proto(v))
    if kind == "tensor":
        return AttrValue(tensor=v)
    return AttrValue(**{{"string": "s", "int": "i", "float": "f", "bool": "b"}[kind]: v})
