"""TF1's tf.flags (= tf.app.flags): absl-style command-line flags; and tf.app.

    import graphc.compat.v1 as tf
    tf.flags.DEFINE_integer("steps", 100, "training steps")
    print(tf.flags.FLAGS.steps)

`flags` and `app` are plain module objects built from the functions below
(namespaces._namespace); the functions keep TF1's names and signatures.
"""
import sys

from .namespaces import _namespace


class Error(ValueError):
    """A flag problem (absl.flags.Error)."""


class UnrecognizedFlagError(Error):
    """argv names a flag that is not defined."""


class IllegalFlagValueError(Error):
    """A flag's value does not parse, or is out of its range or enum."""


class DuplicateFlagError(Error):
    """A flag name was defined twice."""


def _parse_bool(s):
    if isinstance(s, str):
        if s.lower() in ("true", "t", "1"):
            return True
        if s.lower() in ("false", "f", "0"):
            return False
        raise ValueError("Non-boolean argument to boolean flag", s)
    return bool(s)


def _parse_int(s):
    if isinstance(s, str):
        base = 10
        if len(s) > 2 and s[0] == "0":
            base = {"o": 8, "x": 16, "X": 16}.get(s[1], 10)
        return int(s, base)
    return int(s)


def _parse_list(s):
    if isinstance(s, str):
        return s.split(",") if s else []
    return list(s)


class Flag:
    """One defined flag: name, value, default, help, and whether argv set it."""

    def __init__(self, name, default, help, parse, check=None):
        self.name = name
        self.help = help
        self.parse = parse            # str -> value; raises ValueError
        self.check = check            # value -> error text or None
        self.boolean = parse is _parse_bool
        self.present = 0
        self.default = None if default is None else self.convert(default)
        self.value = self.default

    def convert(self, text):
        """Parse `text` (or a Python value), raising IllegalFlagValueError."""
        try:
            value = self.parse(text)
            bad = self.check(value) if self.check and value is not None else None
        except (TypeError, ValueError) as e:
            bad = str(e)
        if bad:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {bad}")
        return value

    def __repr__(self):
        return f"Flag(--{self.name}={self.value!r})"


class FlagValues:
    """A set of flags (absl's FlagValues). Reading an attribute before argv has been
    parsed parses sys.argv first, as TF1's tf.flags.FLAGS does.

        FLAGS = tf.flags.FLAGS
        tf.flags.DEFINE_float("lr", 0.01, "learning rate")
        FLAGS(["prog", "--lr=0.1"])        # returns ['prog'] (the unparsed args)
        FLAGS.lr                            # 0.1
    """

    def __init__(self):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        flag = self._flags.get(name)
        if flag is None:
            raise AttributeError(name)
        if not self._parsed:
            self(sys.argv)
        return flag.value

    def __setattr__(self, name, value):
        if name not in self._flags:
            raise UnrecognizedFlagError(f"Unknown command line flag '{name}'")
        self._flags[name].value = value

    def __delattr__(self, name):
        if name not in self._flags:
            raise AttributeError(name)
        del self._flags[name]

    def __contains__(self, name):
        return name in self._flags

    def __getitem__(self, name):
        return self._flags[name]

    def __iter__(self):
        return iter(list(self._flags))

    def __len__(self):
        return len(self._flags)

    def __dir__(self):
        return sorted(self._flags)

    def define(self, flag):
        if flag.name in self._flags:
            raise DuplicateFlagError(f"The flag '{flag.name}' is defined twice")
        self._flags[flag.name] = flag
        return flag

    def is_parsed(self):
        return self._parsed

    def mark_as_parsed(self):
        object.__setattr__(self, "_parsed", True)

    def unparse_flags(self):
        """Reset every flag to its default and mark argv as not parsed."""
        for flag in self._flags.values():
            flag.value, flag.present = flag.default, 0
        object.__setattr__(self, "_parsed", False)

    def flag_values_dict(self):
        return {name: flag.value for name, flag in self._flags.items()}

    def __call__(self, argv, known_only=False):
        """Set flags from `argv` (argv[0] is the program); return argv[0] and the
        arguments that are not flags. An undefined flag raises UnrecognizedFlagError,
        or with `known_only` is returned with the rest. '--' ends the flags."""
        if isinstance(argv, (str, bytes)):
            raise TypeError("argv should be a tuple/list of strings, not bytes or string.")
        if not argv:
            raise ValueError("argv cannot be an empty list, and must contain the "
                             "program name as the first element.")
        rest = [argv[0]]
        args = list(argv[1:])
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                rest.extend(args[i - 1 if known_only else i:])
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            name, eq, value = arg[2 if arg.startswith("--") else 1:].partition("=")
            flag = self._flags.get(name)
            if not name:
                rest.append(arg)
                continue
            if flag is None and name.startswith("no") and name[2:] in self._flags \
                    and self._flags[name[2:]].boolean:
                if eq:
                    raise ValueError(f"{arg} does not take an argument")
                flag, value = self._flags[name[2:]], "false"
            elif flag is None:
                if not known_only:
                    raise UnrecognizedFlagError(f"Unknown command line flag '{name}'")
                rest.append(arg)
                continue
            elif not eq:
                if flag.boolean:
                    value = "true"
                elif i < len(args):
                    value, i = args[i], i + 1
                else:
                    raise Error(f"Missing value for flag {arg}")
            flag.value = flag.convert(value)
            flag.present += 1
        self.mark_as_parsed()
        return rest


FLAGS = FlagValues()


def _define(name, default, help, parse, flag_values, check=None):
    return flag_values.define(Flag(name, default, help, parse, check))


def _bounds(lower_bound, upper_bound):
    def check(v):
        if lower_bound is not None and v < lower_bound:
            return f"{v} is not >= {lower_bound}"
        if upper_bound is not None and v > upper_bound:
            return f"{v} is not <= {upper_bound}"
        return None
    return check


def DEFINE_string(name, default, help=None, flag_values=FLAGS):
    """A string flag: --name=value or --name value.

        tf.flags.DEFINE_string("data_dir", "/tmp/data", "where the data is")
    """
    return _define(name, default, help, str, flag_values)


def DEFINE_integer(name, default, help=None, lower_bound=None, upper_bound=None,
                   flag_values=FLAGS):
    """An int flag ('0x10' and '0o17' parse as hex and octal)."""
    return _define(name, default, help, _parse_int, flag_values,
                   _bounds(lower_bound, upper_bound))


def DEFINE_float(name, default, help=None, lower_bound=None, upper_bound=None,
                 flag_values=FLAGS):
    return _define(name, default, help, float, flag_values,
                   _bounds(lower_bound, upper_bound))


def DEFINE_boolean(name, default, help=None, flag_values=FLAGS):
    """A bool flag: --name, --noname, or --name=true/false/t/f/1/0."""
    return _define(name, default, help, _parse_bool, flag_values)


DEFINE_bool = DEFINE_boolean


def DEFINE_enum(name, default, enum_values, help=None, flag_values=FLAGS):
    """A string flag whose value must be one of `enum_values`."""
    if not enum_values:
        raise ValueError(f"enum_values of flag --{name} must not be empty")

    def check(v):
        return None if v in enum_values else f"value should be one of <{'|'.join(enum_values)}>"
    return _define(name, default, help, str, flag_values, check)


def DEFINE_list(name, default, help=None, flag_values=FLAGS):
    """A comma-separated list of strings: --name=a,b,c gives ['a', 'b', 'c']."""
    return _define(name, default, help, _parse_list, flag_values)


flags = _namespace("flags", "TF1's tf.flags (= tf.app.flags): absl-style flags.", [
    "FLAGS", "FlagValues", "Flag", "DEFINE_string", "DEFINE_integer", "DEFINE_float",
    "DEFINE_boolean", "DEFINE_bool", "DEFINE_enum", "DEFINE_list", "Error",
    "UnrecognizedFlagError", "IllegalFlagValueError", "DuplicateFlagError"], globals())


# ------------------------------------------------------------------------------------
# tf.app

def run(main=None, argv=None):
    """Parse the defined flags from `argv` (default sys.argv), then exit with
    main(remaining argv) (TF1: tf.app.run). Undefined flags are left in the argv that
    main gets; a bad flag value raises IllegalFlagValueError, as TF1's run does.

        def main(argv):
            print(FLAGS.steps, argv[1:])
        if __name__ == "__main__":
            tf.app.run()
    """
    main = main or sys.modules["__main__"].main
    sys.exit(main(FLAGS(sys.argv if argv is None else argv, known_only=True)))


app = _namespace("app", "TF1's tf.app: run() and flags.", ["run", "flags"], globals())
