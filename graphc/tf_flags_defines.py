"""tf.flags' DEFINE_* functions (absl.flags semantics). Each registers a Flag in
`flag_values` (default: the global FLAGS) under the calling module and returns a
FlagHolder.

    STEPS = tf.flags.DEFINE_integer("steps", 100, "training steps", lower_bound=1)
    tf.flags.DEFINE_multi_string("tag", [], "tags")      # --tag=a --tag=b
"""
import functools
import logging

from .tf_flags_core import (ArgumentParser, ArgumentSerializer, CsvListSerializer,
                            EnumParser, FloatParser, IllegalFlagValueError, IntegerParser,
                            ListParser, ListSerializer, UnrecognizedFlagError,
                            WhitespaceSeparatedListParser)
from .tf_flags_flag import (BooleanFlag, EnumClassFlag, EnumFlag, Flag, FlagHolder,
                            MultiEnumClassFlag, MultiFlag)
from .tf_flags_validators import _bounds_validator, mark_flag_as_required
from .tf_flags_values import FLAGS, calling_module


# ------------------------------------------------------------------------------------
# DEFINE_*

def DEFINE_flag(flag, flag_values=FLAGS, module_name=None, required=False):
    """Register a Flag object (under its name and short name) and return a FlagHolder.

        tf.flags.DEFINE_flag(tf.flags.BooleanFlag("fast", False, "go fast"))
    """
    fv = flag_values
    fv[flag.name] = flag
    fv.register_flag_by_module(module_name or calling_module(), flag)
    if required:
        mark_flag_as_required(flag.name, fv)
    return FlagHolder(fv, flag, ensure_non_none_value=required)


def DEFINE(parser, name, default, help, flag_values=FLAGS, serializer=None,
           module_name=None, required=False, **args):
    """A flag with any parser/serializer.

        tf.flags.DEFINE(tf.flags.IntegerParser(), "n", "3", "a count")
    """
    flag = Flag(parser, serializer, name, default, help, **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


_RENAMED = {"flag_name": "name", "default_value": "default", "docstring": "help"}


def _old_arg_names(function):
    """TF1's define functions also accept flag_name/default_value/docstring."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        old = [k for k in _RENAMED if k in kwargs]
        for k in old:
            kwargs[_RENAMED[k]] = kwargs.pop(k)
        if old:
            logging.warning("Use of the keyword argument names (flag_name, default_value, "
                            "docstring) is deprecated, please use (name, default, help) "
                            "instead.")
        return function(*args, **kwargs)
    return wrapper


@_old_arg_names
def DEFINE_string(name, default, help, flag_values=FLAGS, required=False, **args):
    """A string flag: --name=value or --name value.

        tf.flags.DEFINE_string("data_dir", "/tmp/data", "where the data is")
    """
    return DEFINE(ArgumentParser(), name, default, help, flag_values, ArgumentSerializer(),
                  required=required, **args)


@_old_arg_names
def DEFINE_boolean(name, default, help, flag_values=FLAGS, module_name=None,
                   required=False, **args):
    """A bool flag: --name, --noname, or --name=true/false/t/f/1/0."""
    return DEFINE_flag(BooleanFlag(name, default, help, **args), flag_values, module_name,
                       required)


DEFINE_bool = DEFINE_boolean


@_old_arg_names
def DEFINE_float(name, default, help, lower_bound=None, upper_bound=None,
                 flag_values=FLAGS, required=False, **args):
    """A float flag with optional bounds."""
    parser = FloatParser(lower_bound, upper_bound)
    holder = DEFINE(parser, name, default, help, flag_values, ArgumentSerializer(),
                    required=required, **args)
    _bounds_validator(parser, name, flag_values)
    return holder


@_old_arg_names
def DEFINE_integer(name, default, help, lower_bound=None, upper_bound=None,
                   flag_values=FLAGS, required=False, **args):
    """An int flag ('0x10' and '0o17' parse as hex and octal) with optional bounds."""
    parser = IntegerParser(lower_bound, upper_bound)
    holder = DEFINE(parser, name, default, help, flag_values, ArgumentSerializer(),
                    required=required, **args)
    _bounds_validator(parser, name, flag_values)
    return holder


def DEFINE_enum(name, default, enum_values, help, flag_values=FLAGS, module_name=None,
                required=False, **args):
    """A string flag whose value must be one of `enum_values`."""
    return DEFINE_flag(EnumFlag(name, default, help, enum_values, **args), flag_values,
                       module_name, required)


def DEFINE_enum_class(name, default, enum_class, help, flag_values=FLAGS,
                      module_name=None, case_sensitive=False, required=False, **args):
    """A flag holding a member of an Enum class, given by name on the command line.

        class Mode(enum.Enum): TRAIN = 1; EVAL = 2
        tf.flags.DEFINE_enum_class("mode", Mode.TRAIN, Mode, "run mode")  # --mode=eval
    """
    flag = EnumClassFlag(name, default, help, enum_class, case_sensitive=case_sensitive,
                         **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


def DEFINE_list(name, default, help, flag_values=FLAGS, required=False, **args):
    """A comma-separated list of strings (CSV quoting): --name=a,b gives ['a', 'b']."""
    return DEFINE(ListParser(), name, default, help, flag_values, CsvListSerializer(","),
                  required=required, **args)


def DEFINE_spaceseplist(name, default, help, comma_compat=False, flag_values=FLAGS,
                        required=False, **args):
    """A whitespace-separated list of strings (commas too with `comma_compat`)."""
    return DEFINE(WhitespaceSeparatedListParser(comma_compat=comma_compat), name, default,
                  help, flag_values, ListSerializer(" "), required=required, **args)


def DEFINE_multi(parser, serializer, name, default, help, flag_values=FLAGS,
                 module_name=None, required=False, **args):
    """A repeatable flag (--name=a --name=b gives [a, b]) with any parser."""
    flag = MultiFlag(parser, serializer, name, default, help, **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


def DEFINE_multi_string(name, default, help, flag_values=FLAGS, required=False, **args):
    """A repeatable string flag.

        tf.flags.DEFINE_multi_string("tag", [], "tags")   # --tag=a --tag=b
    """
    return DEFINE_multi(ArgumentParser(), ArgumentSerializer(), name, default, help,
                        flag_values, required=required, **args)


def DEFINE_multi_integer(name, default, help, lower_bound=None, upper_bound=None,
                         flag_values=FLAGS, required=False, **args):
    """A repeatable int flag with optional bounds."""
    return DEFINE_multi(IntegerParser(lower_bound, upper_bound), ArgumentSerializer(),
                        name, default, help, flag_values, required=required, **args)


def DEFINE_multi_float(name, default, help, lower_bound=None, upper_bound=None,
                       flag_values=FLAGS, required=False, **args):
    """A repeatable float flag with optional bounds."""
    return DEFINE_multi(FloatParser(lower_bound, upper_bound), ArgumentSerializer(),
                        name, default, help, flag_values, required=required, **args)


def DEFINE_multi_enum(name, default, enum_values, help, flag_values=FLAGS,
                      case_sensitive=True, required=False, **args):
    """A repeatable flag whose values must be in `enum_values`."""
    parser = EnumParser(enum_values, case_sensitive)
    help = f"<{'|'.join(parser.enum_values)}>: {help}"
    return DEFINE_multi(parser, ArgumentSerializer(), name, default, help, flag_values,
                        required=required, **args)


def DEFINE_multi_enum_class(name, default, enum_class, help, flag_values=FLAGS,
                            module_name=None, case_sensitive=False, required=False,
                            **args):
    """A repeatable flag whose values are members of an Enum class."""
    flag = MultiEnumClassFlag(name, default, help, enum_class,
                              case_sensitive=case_sensitive, **args)
    return DEFINE_flag(flag, flag_values, module_name, required)


class _FlagAlias(Flag):
    """Another name for a flag: reads and writes go to the original."""

    def __init__(self, original, name):
        self._original, self._ready = original, False
        super().__init__(original.parser, original.serializer, name, original.default,
                         f"Alias for --{original.name}.", boolean=original.boolean)
        self._ready = True

    def parse(self, argument):
        using_default = self._original.using_default_value
        self._original.parse(argument)
        self._original.using_default_value = using_default
        self.present += 1
        self.using_default_value = False

    def unparse(self):
        self.present = 0                          # the original resets the value

    def _parse_from_default(self, value):
        return value

    @property
    def value(self):
        return self._original.value

    @value.setter
    def value(self, value):
        if self._ready:
            self._original.value = value


def DEFINE_alias(name, original_name, flag_values=FLAGS, module_name=None):
    """`name` becomes another name for the flag `original_name`.

        tf.flags.DEFINE_alias("lr", "learning_rate")
    """
    if original_name not in flag_values:
        raise UnrecognizedFlagError(original_name)
    alias = _FlagAlias(flag_values[original_name], name)
    return DEFINE_flag(alias, flag_values, module_name)


def set_default(flag_holder, value):
    """Change the default of a flag (and its value while argv has not set it)."""
    flag_holder._flagvalues.set_default(flag_holder.name, value)


def override_value(flag_holder, value):
    """Set a flag's value (already of the flag's type), running its validators."""
    fv = flag_holder._flagvalues
    flag = fv[flag_holder.name]
    parsed = flag._parse(value)
    if parsed != value:
        raise IllegalFlagValueError(f"flag {flag_holder.name}: parsed value {parsed!r} not "
                                    f"equal to original {value!r}")
    setattr(fv, flag_holder.name, value)
