"""tf.flags' Flag classes and FlagHolder (absl.flags semantics): a Flag holds a parser,
a serializer, its default and value and how often argv set it; FlagHolder is what the
DEFINE_* functions return.

    holder = tf.flags.DEFINE_integer("steps", 10, "training steps")
    holder.value                        # FLAGS.steps, once argv is parsed
"""
from .tf_flags_core import (ArgumentSerializer, BooleanParser, EnumClassListSerializer,
                            EnumClassParser, EnumClassSerializer, EnumParser, Error,
                            IllegalFlagValueError)

class Flag:
    """One flag: its parser, serializer, name, default, help; `value`, `present` (how
    often argv set it) and `using_default_value`.

        f = tf.flags.Flag(tf.flags.IntegerParser(), None, "n", "3", "a count")
        f.value, f.default                  # (3, 3)
    """

    def __init__(self, parser, serializer, name, default, help_string, short_name=None,
                 boolean=False, allow_override=False, allow_override_cpp=False,
                 allow_hide_cpp=False, allow_overwrite=True, allow_using_method_names=False):
        self.name = name
        self.help = help_string if help_string else "(no help available)"
        self.short_name = short_name
        self.boolean = boolean
        self.present = 0
        self.parser = parser
        self.serializer = serializer
        self.allow_override = allow_override
        self.allow_override_cpp = allow_override_cpp
        self.allow_hide_cpp = allow_hide_cpp
        self.allow_overwrite = allow_overwrite
        self.allow_using_method_names = allow_using_method_names
        self.using_default_value = True
        self.validators = []
        self._value = None
        self._set_default(default)

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, value):
        self._value = value

    def __hash__(self):
        return hash(id(self))

    def __eq__(self, other):
        return self is other

    def __lt__(self, other):
        return isinstance(other, Flag) and id(self) < id(other)

    def _parse(self, argument):
        """argument -> value, with failures as IllegalFlagValueError naming the flag."""
        try:
            return self.parser.parse(argument)
        except (TypeError, ValueError) as e:
            raise IllegalFlagValueError(f"flag --{self.name}={argument}: {e}") from None

    def parse(self, argument):
        """Set the value from an argv string (counts towards `present`)."""
        if self.present and not self.allow_overwrite:
            raise IllegalFlagValueError(f"flag --{self.name}={argument}: already defined "
                                        f"as {self.value}")
        self.value = self._parse(argument)
        self.present += 1
        self.using_default_value = False

    def unparse(self):
        """Back to the default, as if argv never named the flag."""
        self.value = self.default
        self.using_default_value = True
        self.present = 0

    def _parse_from_default(self, value):
        return self._parse(value)

    def _set_default(self, value):
        self.default_unparsed = value
        self.default = None if value is None else self._parse_from_default(value)
        self.default_as_str = self._get_parsed_value_as_string(self.default)
        if self.using_default_value:
            self.value = self.default

    def _get_parsed_value_as_string(self, value):
        if value is None:
            return None
        if self.boolean:
            return repr("true" if value else "false")
        return repr(str(self.serializer.serialize(value) if self.serializer else value))

    def _serialize_value(self, value):
        if not self.serializer:
            raise Error(f"Serializer not present for flag {self.name}")
        return self.serializer.serialize(value)

    def serialize(self):
        """The argv text that reproduces the current value ('' when it is None)."""
        if self.value is None:
            return ""
        if self.boolean:
            return f"--{self.name}" if self.value else f"--no{self.name}"
        return f"--{self.name}={self._serialize_value(self.value)}"

    def flag_type(self):
        return self.parser.flag_type()

    def __repr__(self):
        return f"{type(self).__name__}(--{self.name}={self.value!r})"


class BooleanFlag(Flag):
    """A bool flag: --name, --noname, --name=true/false."""

    def __init__(self, name, default, help, short_name=None, **args):
        super().__init__(BooleanParser(), None, name, default, help, short_name, True, **args)


class EnumFlag(Flag):
    """A string flag restricted to `enum_values`."""

    def __init__(self, name, default, help, enum_values, short_name=None,
                 case_sensitive=True, **args):
        parser = EnumParser(enum_values, case_sensitive)
        super().__init__(parser, ArgumentSerializer(), name, default, help, short_name,
                         **args)
        self.help = f"<{'|'.join(parser.enum_values)}>: {self.help}"


class EnumClassFlag(Flag):
    """A flag whose value is a member of an Enum class."""

    def __init__(self, name, default, help, enum_class, short_name=None,
                 case_sensitive=False, **args):
        parser = EnumClassParser(enum_class, case_sensitive=case_sensitive)
        super().__init__(parser, EnumClassSerializer(lowercase=not case_sensitive), name,
                         default, help, short_name, **args)
        self.help = f"<{'|'.join(parser.member_names)}>: {self.help}"


class MultiFlag(Flag):
    """A flag that may be repeated; its value is the list of all values given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.help += ";\n    repeat this option to specify a list of values"

    def _parse(self, arguments):
        if isinstance(arguments, (list, tuple)) or (
                not isinstance(arguments, (str, bytes)) and hasattr(arguments, "__iter__")):
            arguments = list(arguments)
        else:
            arguments = [arguments]
        return [super(MultiFlag, self)._parse(a) for a in arguments]

    def parse(self, arguments):
        new = self._parse(arguments)
        self.value = (self.value + new) if self.present else new
        self.present += len(new)
        self.using_default_value = False

    def serialize(self):
        if not self.value:
            return ""
        return "\n".join(f"--{self.name}={self._serialize_value(v)}" for v in self.value)

    def flag_type(self):
        return "multi " + self.parser.flag_type()


class MultiEnumClassFlag(MultiFlag):
    """A repeatable flag whose values are members of an Enum class."""

    def __init__(self, name, default, help_string, enum_class, case_sensitive=False,
                 **args):
        parser = EnumClassParser(enum_class, case_sensitive=case_sensitive)
        serializer = EnumClassListSerializer(",", lowercase=not case_sensitive)
        super().__init__(parser, serializer, name, default, help_string, **args)
        self.help = f"<{'|'.join(parser.member_names)}>: {self.help}"


class FlagHolder:
    """What DEFINE_* returns: `.value` reads the flag through its FlagValues (so it
    needs parsed argv), `.name`, `.default`, `.present`. It is not the value itself:
    bool() and == raise TypeError.

        STEPS = tf.flags.DEFINE_integer("steps", 10, "training steps")
        STEPS.value                         # after argv is parsed
    """

    def __init__(self, flag_values, flag, ensure_non_none_value=False):
        self._flagvalues = flag_values
        self._name = flag.name
        self._ensure_non_none_value = ensure_non_none_value

    def _not_value(self, what):
        return TypeError(f"{what} (did you mean to use 'FlagHolder.value' instead?)")

    def __eq__(self, other):
        raise self._not_value(f"unsupported operand type(s) for ==: 'FlagHolder' and "
                              f"'{type(other).__name__}'")

    def __bool__(self):
        raise self._not_value("bool() not supported for instances of type 'FlagHolder'")

    __hash__ = object.__hash__
    __nonzero__ = __bool__

    @property
    def name(self):
        return self._name

    @property
    def value(self):
        val = getattr(self._flagvalues, self._name)
        if self._ensure_non_none_value and val is None:
            raise IllegalFlagValueError(f"Unexpected None value for flag {self._name}")
        return val

    @property
    def default(self):
        return self._flagvalues[self._name].default

    @property
    def present(self):
        return bool(self._flagvalues[self._name].present)

    def serialize(self):
        return self._flagvalues[self._name].serialize()

    def __repr__(self):
        return f"FlagHolder(--{self._name})"
