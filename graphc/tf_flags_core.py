"""tf.flags' building blocks (absl.flags semantics): the exceptions, argument parsers
(str or Python value -> value, raising ValueError/TypeError) and serializers (value ->
str). The Flag classes are in tf_flags_flag.py.

    p = tf.flags.IntegerParser(lower_bound=0)
    p.parse("0x10")                     # 16
    p.syntactic_help                    # 'a non-negative integer'
"""
import csv
import enum
import io


class Error(Exception):
    """The base class of flag errors (absl.flags.Error)."""


class CantOpenFlagFileError(Error):
    """A --flagfile could not be read."""


class DuplicateFlagError(Error):
    """A flag name was defined twice."""


class IllegalFlagValueError(Error):
    """A flag's value does not parse, or a validator rejects it."""


class UnrecognizedFlagError(Error):
    """argv names a flag that is not defined: UnrecognizedFlagError(flagname, flagvalue,
    suggestions) says "Unknown command line flag 'x'" and any near names."""

    def __init__(self, flagname, flagvalue="", suggestions=()):
        self.flagname = flagname
        self.flagvalue = flagvalue
        tip = f". Did you mean: {', '.join(suggestions)} ?" if suggestions else ""
        super().__init__(f"Unknown command line flag '{flagname}'{tip}")


class UnparsedFlagAccessError(Error):
    """A flag was read before argv was parsed."""


class ValidationError(Error):
    """A validator rejected a flag value (raise it from a checker to set the message)."""


class FlagNameConflictsWithMethodError(Error):
    """A flag name shadows a FlagValues method."""


# ------------------------------------------------------------------------------------
# parsers: str (or a Python value) -> value; raise ValueError/TypeError when it is bad

class ArgumentParser:
    """Parses a flag's string value (the base parser keeps strings as they are)."""

    syntactic_help = ""

    def parse(self, argument):
        if not isinstance(argument, str):
            raise TypeError(f'flag value must be a string, found "{type(argument)}"')
        return argument

    def flag_type(self):
        return "string"


class ArgumentSerializer:
    """value -> the string that parses back to it."""

    def serialize(self, value):
        return str(value)


class ListSerializer(ArgumentSerializer):
    """A list joined with `list_sep`."""

    def __init__(self, list_sep):
        self.list_sep = list_sep

    def serialize(self, value):
        return self.list_sep.join(str(x) for x in value)


class CsvListSerializer(ListSerializer):
    """A list written as one CSV record (items holding the separator are quoted)."""

    def serialize(self, value):
        buf = io.StringIO()
        csv.writer(buf, delimiter=self.list_sep, lineterminator="").writerow(
            [str(x) for x in value])
        return buf.getvalue()


class EnumClassSerializer(ArgumentSerializer):
    """An Enum member as its name (lower-cased for case-insensitive flags)."""

    def __init__(self, lowercase):
        self._lowercase = lowercase

    def serialize(self, value):
        name = str(value.name)
        return name.lower() if self._lowercase else name


class EnumClassListSerializer(ListSerializer):
    """A list of Enum members as their names joined with `list_sep`."""

    def __init__(self, list_sep, **kwargs):
        super().__init__(list_sep)
        self._member = EnumClassSerializer(**kwargs)

    def serialize(self, value):
        if isinstance(value, list):
            return self.list_sep.join(self._member.serialize(x) for x in value)
        return self._member.serialize(value)


class BooleanParser(ArgumentParser):
    """'true'/'t'/'1' and 'false'/'f'/'0' (any case), or a bool / 0 / 1."""

    def parse(self, argument):
        if isinstance(argument, str):
            low = argument.lower()
            if low in ("true", "t", "1"):
                return True
            if low in ("false", "f", "0"):
                return False
            raise ValueError("Non-boolean argument to boolean flag", argument)
        if isinstance(argument, int) and argument in (0, 1):
            return bool(argument)
        if isinstance(argument, int):
            raise ValueError("Non-boolean argument to boolean flag", argument)
        raise TypeError("Non-boolean argument to boolean flag", argument)

    def flag_type(self):
        return "bool"


class _NumericParser(ArgumentParser):
    """Bounds checking shared by IntegerParser and FloatParser."""

    def __init__(self, lower_bound=None, upper_bound=None):
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.syntactic_help = self._help(lower_bound, upper_bound)

    def is_outside_bounds(self, val):
        return ((self.lower_bound is not None and val < self.lower_bound) or
                (self.upper_bound is not None and val > self.upper_bound))

    def parse(self, argument):
        val = self.convert(argument)
        if self.is_outside_bounds(val):
            raise ValueError(f"{val} is not {self.syntactic_help}")
        return val

    def _help(self, lo, hi):
        kind, an = self._kind
        if lo is not None and hi is not None:
            return f"{an} in the range [{lo}, {hi}]"
        if lo == 0:
            return f"a non-negative {kind}"
        if hi == 0:
            return f"a non-positive {kind}"
        if lo is not None:
            return f"a positive {kind}" if lo == 1 and kind == "integer" else f"{kind} >= {lo}"
        if hi is not None:
            return f"a negative {kind}" if hi == -1 and kind == "integer" else f"{kind} <= {hi}"
        return an


class IntegerParser(_NumericParser):
    """Decimal, '0x..' hex and '0o..' octal ints, with optional bounds."""

    _kind = ("integer", "an integer")

    def convert(self, argument):
        if isinstance(argument, int) and not isinstance(argument, bool):
            return argument
        if isinstance(argument, str):
            base = 10
            if len(argument) > 2 and argument[0] == "0":
                base = {"o": 8, "x": 16, "X": 16}.get(argument[1], 10)
            return int(argument, base)
        raise TypeError(f"Expect argument to be a string or int, found {type(argument)}")

    def flag_type(self):
        return "int"


class FloatParser(_NumericParser):
    """Floats, with optional bounds."""

    _kind = ("number", "a number")

    def convert(self, argument):
        if isinstance(argument, (int, float)) and not isinstance(argument, bool):
            return float(argument)
        if isinstance(argument, str):
            return float(argument)
        raise TypeError(f"Expect argument to be a string, int, or float, found "
                        f"{type(argument)}")

    def flag_type(self):
        return "float"


class EnumParser(ArgumentParser):
    """One of `enum_values` (matched ignoring case unless `case_sensitive`; the value
    returned is the listed spelling)."""

    def __init__(self, enum_values, case_sensitive=True):
        if not enum_values:
            raise ValueError(f'enum_values cannot be empty, found "{enum_values}"')
        self.enum_values = list(enum_values)
        self.case_sensitive = case_sensitive

    def parse(self, argument):
        if self.case_sensitive:
            if argument in self.enum_values:
                return argument
        else:
            for v in self.enum_values:
                if v.upper() == argument.upper():
                    return v
        raise ValueError(f"value should be one of <{'|'.join(self.enum_values)}>")

    def flag_type(self):
        return "string enum"


class EnumClassParser(ArgumentParser):
    """A member of `enum_class`, given as itself or by name."""

    def __init__(self, enum_class, case_sensitive=True):
        if not (isinstance(enum_class, type) and issubclass(enum_class, enum.Enum)):
            raise TypeError(f"{enum_class} is not a subclass of Enum.")
        if not enum_class.__members__:
            raise ValueError(f'enum_class cannot be empty, but "{enum_class}" is empty.')
        if not case_sensitive:
            low = [n.lower() for n in enum_class.__members__]
            if len(set(low)) != len(low):
                dups = {n for n in low if low.count(n) > 1}
                raise ValueError(f"Duplicate enum values for {dups} using "
                                 "case_sensitive=False")
        self.enum_class = enum_class
        self._case_sensitive = case_sensitive

    @property
    def member_names(self):
        names = list(self.enum_class.__members__)
        return names if self._case_sensitive else [n.lower() for n in names]

    def parse(self, argument):
        if isinstance(argument, self.enum_class):
            return argument
        if not isinstance(argument, str):
            raise ValueError(f"{argument} is not an enum member or a name of a member in "
                             f"{self.enum_class}")
        for name, member in self.enum_class.__members__.items():
            if name == argument or (not self._case_sensitive and
                                    name.lower() == argument.lower()):
                return member
        raise ValueError(f"value should be one of <{'|'.join(self.member_names)}>")

    def flag_type(self):
        return "enum class"


class BaseListParser(ArgumentParser):
    """Splits on `token` and strips each item ('' gives [])."""

    def __init__(self, token=None, name=None):
        self._token = token
        self._name = name
        self.syntactic_help = f"a {name} separated list"

    def parse(self, argument):
        if isinstance(argument, list):
            return argument
        if not argument:
            return []
        return [s.strip() for s in argument.split(self._token)]

    def flag_type(self):
        return f"{self._name} separated list of strings"


class ListParser(BaseListParser):
    """A comma-separated list read as one CSV record ('a,"b,c"' gives ['a', 'b,c'])."""

    def __init__(self):
        super().__init__(",", "comma")

    def parse(self, argument):
        if isinstance(argument, list):
            return argument
        if not argument:
            return []
        try:
            return [s.strip() for s in next(csv.reader([argument], strict=True))]
        except csv.Error as e:
            raise ValueError(f"Unable to parse the value {argument!r} as a "
                             f"{self.flag_type()}: {e}") from None


class WhitespaceSeparatedListParser(BaseListParser):
    """A whitespace-separated list (commas too with `comma_compat`)."""

    def __init__(self, comma_compat=False):
        self._comma_compat = comma_compat
        super().__init__(None, "whitespace or comma" if comma_compat else "whitespace")

    def parse(self, argument):
        if isinstance(argument, list):
            return argument
        if not argument:
            return []
        if self._comma_compat:
            argument = argument.replace(",", " ")
        return argument.split()
