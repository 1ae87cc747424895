"""gc.contrib.training (TF 1.15's tf.contrib.training): HParams, parse_values and the
HParamDef message, plus the training helpers TF 1.15 exported there (create_train_op,
gradient clipping and summaries, checkpoints_iterator).

    hparams = gc.contrib.training.HParams(learning_rate=0.1, layers=[64, 32], act="relu")
    hparams.parse("learning_rate=0.3,layers=[128,64]")
    hparams.learning_rate                       # 0.3
    hparams.to_json(sort_keys=True)

An HParams holds typed name=value pairs as attributes: the type of each is fixed by its
first value (a list's by its first element). parse() reads TF's grammar
"a=1,b=[1,2],c=hi"; set_hparam, override_from_dict and parse_json check each new value
against that type with TF's rules (an int may become a float; bool and number never mix;
nothing becomes a string). Private helpers live at module level, not on the class:
every attribute of an HParams is a name a hyperparameter cannot take.
"""
import json
import numbers
import re
from types import SimpleNamespace

import numpy as np

from ..train.coordinator import checkpoints_iterator, wait_for_new_checkpoint
from .framework_training import (add_gradients_summaries, clip_gradient_norms,
                                 clip_gradient_norms_fn, create_train_op,
                                 multiply_gradients)

__all__ = ["HParams", "HParamDef", "parse_values", "add_gradients_summaries",
           "clip_gradient_norms", "clip_gradient_norms_fn", "create_train_op",
           "multiply_gradients", "checkpoints_iterator", "wait_for_new_checkpoint"]

# one clause of parse(): name, optional [index], '=', then one token or a [list]
_CLAUSE = re.compile(r"""
    (?P<name>[a-zA-Z][\w.]*)           # "lr", "layer.size"
    (\[\s*(?P<index>\d+)\s*\])?        # optional "[1]"
    \s*=\s*
    (   (?P<val>[^,\[]*)               # one token: "0.3", "relu"
      | \[(?P<vals>[^\]]*)\]           # a list: "[1,2,3]"
    )
    ($|,\s*)""", re.VERBOSE)


def _parse_fail(name, var_type, value, values):
    raise ValueError(f"Could not parse hparam '{name}' of type '{var_type.__name__}' "
                     f"with value '{value}' in {values}")


def _reuse_fail(name, values):
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _scalar_clause(name, parse, var_type, m, values, out):
    """out[name] = the parsed token, or out[name][index] = it for "name[index]=token"."""
    try:
        value = parse(m["val"])
    except ValueError:
        _parse_fail(name, var_type, m["val"], values)
    if not m["index"]:
        if name in out:
            _reuse_fail(name, values)
        out[name] = value
        return
    if name in out and not isinstance(out[name], dict):
        _reuse_fail(name, values)
    slots = out.setdefault(name, {})
    index = int(m["index"])
    if index in slots:
        _reuse_fail(f"{name}[{index}]", values)
    slots[index] = value


def _list_clause(name, parse, var_type, m, values, out):
    """out[name] = the parsed tokens of "name=[a,b c]" (commas or spaces separate)."""
    if m["index"] is not None:
        raise ValueError("Assignment of a list to a list index.")
    if name in out:
        _reuse_fail(name, values)
    try:
        out[name] = [parse(e) for e in re.split("[ ,]", m["vals"]) if e]
    except ValueError:
        _parse_fail(name, var_type, m["vals"], values)


def _bool_parser(name, values):
    def parse(token):
        if token in ("true", "True"):
            return True
        if token in ("false", "False"):
            return False
        try:
            return bool(int(token))
        except ValueError:
            _parse_fail(name, bool, token, values)
    return parse


def parse_values(values, type_map, ignore_unknown=False):
    """{name: value} from "name=value" clauses separated by commas (TF 1.15).

        parse_values("lr=0.3,layers=[64,32],w[1]=2", {"lr": float, "layers": int, "w": int})
        # {'lr': 0.3, 'layers': [64, 32], 'w': {1: 2}}

    A value is one token parsed by its type in `type_map` (bool takes true/True/false/
    False or an integer), or a [list] of them; "name[i]=token" gives {i: value}. A name
    assigned twice, a name not in type_map (unless ignore_unknown) and a token its type
    refuses raise ValueError with TF's messages.
    """
    out = {}
    pos = 0
    while pos < len(values):
        m = _CLAUSE.match(values, pos)
        if not m:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = m.end()
        m = m.groupdict()
        name = m["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        var_type = type_map[name]
        parse = _bool_parser(name, values) if var_type == bool else var_type
        if m["val"] is not None:
            _scalar_clause(name, parse, var_type, m, values, out)
        elif m["vals"] is not None:
            _list_clause(name, parse, var_type, m, values, out)
        else:
            _parse_fail(name, var_type, "", values)
    return out


def _cast(name, param_type, value):
    """value as param_type where TF allows it: int -> float yes; float -> int, number <->
    bool and anything -> str no (ValueError). A None-typed hparam takes anything."""
    if type(value) == param_type:  # noqa: E721 (isinstance(True, int) is too weak)
        return value
    if issubclass(param_type, type(None)):
        return value
    fail = (f"Could not cast hparam '{name}' of type '{param_type}' from value "
            f"{value!r}")
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail)
    return param_type(value)


class HParams:
    """Hyperparameters as typed attributes (TF 1.15: tf.contrib.training.HParams).

        hp = HParams(learning_rate=0.1, num_hidden_units=100, activations=["relu", "tanh"])
        hp.parse("learning_rate=0.3,activations=[relu,relu]")
        hp.set_hparam("num_hidden_units", 200)
        hp.values()     # {'learning_rate': 0.3, 'num_hidden_units': 200, ...}

    hparam_def: an HParamDef (from to_proto) to build from instead of keyword arguments;
    model_structure: any object, kept for get_model_structure().
    """

    _HAS_DYNAMIC_ATTRIBUTES = True

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        # name -> (type, is_list): a list's type is that of its first element
        self._hparam_types = {}
        self._model_structure = model_structure
        if hparam_def:
            _init_from_proto(self, hparam_def)
            if kwargs:
                raise ValueError("hparam_def and initialization values are mutually "
                                 "exclusive")
        else:
            for name, value in kwargs.items():
                self.add_hparam(name, value)

    def add_hparam(self, name, value):
        """Add hyperparameter `name` with `value` (its type is fixed from now on).

            hp.add_hparam("dropout", 0.5)
        """
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        """Set existing hyperparameter `name` to `value`, cast to its type if TF allows
        (KeyError if there is no such hparam, ValueError on a type mismatch).

            hp.set_hparam("learning_rate", 1)     # 1.0: an int may become a float
        """
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast(name, param_type, value))

    def del_hparam(self, name):
        """Remove hyperparameter `name`; nothing happens if there is none."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Override hyperparameters from "name=value,..." (see parse_values); returns self.

            hp.parse("learning_rate=0.3,activations=[relu,tanh]")
        """
        type_map = {name: t for name, (t, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict):
        """set_hparam for each name: value of `values_dict`; returns self."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_from_map(self, values_map):
        """Deprecated in TF: use override_from_dict."""
        return self.override_from_dict(values_dict=values_map)

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        """The hyperparameters as a JSON object (json.dumps's options).

            hp.to_json(sort_keys=True)    # '{"activations": ["relu", "tanh"], ...}'
        """
        return json.dumps(self.values(), indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def parse_json(self, values_json):
        """Override hyperparameters from a JSON object of name: value; returns self."""
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        """{name: value} of every hyperparameter, in the order they were added."""
        return {n: getattr(self, n) for n in self._hparam_types}

    def get(self, key, default=None):
        """The value of `key`, or `default` when there is no such hparam; a default
        that the hparam's type would refuse raises ValueError (TF)."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_list = self._hparam_types[key]
            type_str = f"list<{param_type}>" if is_list else str(param_type)
            fail = (f"Hparam '{key}' of type '{type_str}' is incompatible with "
                    f"default={default}")
            if is_list != isinstance(default, list):
                raise ValueError(fail)
            try:
                for value in (default if is_list else [default]):
                    _cast(key, param_type, value)
            except ValueError as e:
                raise ValueError(f"{fail}. {e}") from None
        return getattr(self, key)

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return ",".join(f"{k}={v}" for k, v in self.values().items())

    def __repr__(self):
        return f"{type(self).__name__}({sorted(self.values().items())})"

    def to_proto(self, export_scope=None):
        """The hyperparameters as an HParamDef message (floats stored as float32, as
        TF's proto field is)."""
        hparam_def = HParamDef()
        for name, (param_type, is_list) in self._hparam_types.items():
            kind = _kind_name(param_type, is_list)
            value = getattr(self, name)
            convert = _TO_FIELD[kind.split("_")[0]]
            if is_list:
                getattr(hparam_def.hparam[name], kind).value.extend(convert(v) for v in value)
            else:
                setattr(hparam_def.hparam[name], kind, convert(value))
        return hparam_def

    @staticmethod
    def from_proto(hparam_def, import_scope=None):
        """HParams(hparam_def=hparam_def)."""
        return HParams(hparam_def=hparam_def)


def _kind_name(param_type, is_list):
    """The HParamDef field that holds a value of param_type: 'float_value', ..."""
    if issubclass(param_type, bool):        # before int: bool is an int
        typename = "bool"
    elif issubclass(param_type, int):
        typename = "int64"
    elif issubclass(param_type, (str, bytes)):
        typename = "bytes"
    elif issubclass(param_type, float):
        typename = "float"
    else:
        raise ValueError(f"Unsupported parameter type: {param_type}")
    return typename + ("_list" if is_list else "_value")


def _as_bytes(v):
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


_TO_FIELD = {"bool": bool, "int64": int, "bytes": _as_bytes,
             "float": lambda v: float(np.float32(v))}


def _init_from_proto(hparams, hparam_def):
    """Add each hparam of an HParamDef (bytes come back as str, int64 as int)."""
    if not isinstance(hparam_def, HParamDef):
        raise AssertionError(f"hparam_def must be an HParamDef, got "
                             f"{type(hparam_def).__name__}")
    for name, value in hparam_def.hparam.items():
        kind = value.WhichOneof("kind")
        got = getattr(value, kind)
        back = {"int64": int, "bytes": lambda b: b.decode("utf-8")}.get(
            kind.split("_")[0], lambda v: v)
        if kind.endswith("_value"):
            hparams.add_hparam(name, back(got))
        else:
            hparams.add_hparam(name, [back(v) for v in got.value])


class _HParamType:
    """One hparam of an HParamDef: exactly one of its oneof 'kind' fields is set."""

    _KINDS = ("int64_value", "float_value", "bytes_value", "bool_value",
              "int64_list", "float_list", "bytes_list", "bool_list")

    def __init__(self):
        self._kind = None
        self._value = None

    def WhichOneof(self, group):  # noqa: N802 (protobuf's name)
        """The name of the field set in the oneof 'kind', or None."""
        if group != "kind":
            raise ValueError(f'Protocol message has no "{group}" field.')
        return self._kind

    def __getattr__(self, name):
        if name not in _HParamType._KINDS:
            raise AttributeError(name)
        if name == self._kind:
            return self._value
        if name.endswith("_list"):      # touching a list field selects it (protobuf)
            self._kind, self._value = name, SimpleNamespace(value=[])
            return self._value
        return {"int64": 0, "float": 0.0, "bytes": b"", "bool": False}[name.split("_")[0]]

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        elif name in _HParamType._KINDS and name.endswith("_value"):
            self._kind, self._value = name, value
        else:
            raise AttributeError(f"Assignment not allowed to field \"{name}\" in protocol "
                                 "message object.")

    def __eq__(self, other):
        return (isinstance(other, _HParamType) and self._kind == other._kind
                and self._value == other._value)


class _HParamMap(dict):
    """map<string, HParamType>: reading a missing key adds an empty entry (protobuf)."""

    def __missing__(self, key):
        self[key] = _HParamType()
        return self[key]


class HParamDef:
    """TF's hparam_pb2.HParamDef, enough for HParams.to_proto/from_proto: `hparam`
    maps each name to an entry whose WhichOneof("kind") names its field
    (int64_value, float_value, bytes_value, bool_value or the *_list ones, whose
    `.value` is a list). No binary serialization.

        hp2 = HParams(hparam_def=hp.to_proto())
    """

    HParamType = _HParamType

    def __init__(self):
        self.hparam = _HParamMap()

    def __eq__(self, other):
        return isinstance(other, HParamDef) and dict(self.hparam) == dict(other.hparam)

    def __repr__(self):
        return f"HParamDef(hparam={sorted(self.hparam)})"
