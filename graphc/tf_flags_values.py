"""tf.flags.FlagValues (absl.flags semantics): the registry of flags, argv parsing
(--flag=value, --flag value, --[no]bool, -- , --flagfile, --undefok), validation,
per-module bookkeeping and help text (rendered in tf_flags_help.py).

    fv = tf.flags.FlagValues()
    tf.flags.DEFINE_integer("n", 1, "count", flag_values=fv)
    fv(["prog", "--n=3", "file"])       # ['prog', 'file']
    fv.n                                # 3
"""
import difflib
import os
import sys

from . import tf_flags_help
from .tf_flags_core import (CantOpenFlagFileError, DuplicateFlagError, Error,
                            FlagNameConflictsWithMethodError, IllegalFlagValueError,
                            UnparsedFlagAccessError, UnrecognizedFlagError, ValidationError)


def calling_module():
    """The name of the module that called into tf.flags (the main script as its path);
    modules that called disclaim_key_flags() pass the call on to their caller."""
    f = sys._getframe(1)
    while f is not None:
        name = f.f_globals.get("__name__", "")
        if not name.startswith("graphc.tf_flags") and name not in tf_flags_help.DISCLAIMED:
            return sys.argv[0] if name == "__main__" else name
        f = f.f_back
    return sys.argv[0]


class FlagValues:
    """A set of flags (absl's FlagValues). Flags are read as attributes once argv is
    parsed (before that they raise UnparsedFlagAccessError; the global tf.flags.FLAGS
    parses sys.argv on first read instead, as TF1's does).

        fv = tf.flags.FlagValues()
        tf.flags.DEFINE_float("lr", 0.01, "learning rate", flag_values=fv)
        fv(["prog", "--lr=0.1"])            # ['prog'] (the unparsed args)
        fv.lr                               # 0.1
    """

    def __init__(self):
        for k, v in (("__flags", {}), ("__parsed", False), ("__gnu", True),
                     ("__by_module", {}), ("__key_by_module", {})):
            self.__dict__[k] = v

    # -- registry --------------------------------------------------------------------

    def _flags(self):
        """name (and short name) -> Flag."""
        return self.__dict__["__flags"]

    def __setitem__(self, name, flag):
        fl = self._flags()
        short = flag.short_name if name == flag.name else None
        if not isinstance(name, str):
            raise Error("Flag name must be a string")
        if not name:
            raise Error("Flag name cannot be empty")
        if " " in name:
            raise Error("Flag name cannot contain a space")
        if name in fl and not flag.allow_override and not fl[name].allow_override:
            raise self._duplicate(name)
        if short is not None and short in fl and not flag.allow_override and \
                not fl[short].allow_override:
            raise self._duplicate(short)
        if (name in dir(FlagValues) or name in ("_flags",)) and \
                not flag.allow_using_method_names:
            raise FlagNameConflictsWithMethodError(
                f'Cannot define a flag named "{name}". It conflicts with a method on '
                f'class "FlagValues". To allow defining it, use allow_using_method_names '
                f"and access the flag value with FLAGS['{name}'].value. FLAGS.{name} "
                "returns the method, not the flag value.")
        fl[name] = flag
        if short is not None:
            fl[short] = flag

    def _duplicate(self, name):
        first = self.find_module_defining_flag(name, "<unknown>")
        return DuplicateFlagError(
            f"The flag '{name}' is defined twice. First from {first}, second from "
            f"{calling_module()}. Description from first occurrence: "
            f"{self._flags()[name].help}")

    def __getitem__(self, name):
        return self._flags()[name]

    def __contains__(self, name):
        return name in self._flags()

    def __len__(self):
        return len(self._flags())

    def __iter__(self):
        return iter(list(self._flags()))

    def __dir__(self):
        return sorted(self._flags())

    def __getattr__(self, name):
        flag = self._flags().get(name)
        if flag is None:
            raise AttributeError(name)
        if not self.__dict__["__parsed"]:
            raise UnparsedFlagAccessError(
                f"Trying to access flag --{name} before flags were parsed.")
        return flag.value

    def __setattr__(self, name, value):
        """FLAGS.name = value: set the value (not parsed) and run its validators; a
        rejected value is undone and raises IllegalFlagValueError."""
        flag = self._flags().get(name)
        if flag is None:
            raise UnrecognizedFlagError(name, value)
        old = (flag.value, flag.using_default_value)
        flag.value, flag.using_default_value = value, False
        try:
            self._assert_validators(flag.validators)
        except IllegalFlagValueError:
            flag.value, flag.using_default_value = old
            raise
        return value

    def __delattr__(self, name):
        fl = self._flags()
        if name not in fl:
            raise AttributeError(name)
        flag = fl.pop(name)
        if flag not in fl.values():
            for d in (self.flags_by_module_dict(), self.key_flags_by_module_dict()):
                for flags in d.values():
                    while flag in flags:
                        flags.remove(flag)

    def append_flag_values(self, flag_values):
        """Define here every flag of another FlagValues."""
        for name, flag in flag_values._flags().items():
            if name == flag.name:
                self[name] = flag

    def remove_flag_values(self, flag_values):
        """Delete the flags named by another FlagValues (or an iterable of names)."""
        for name in list(flag_values):
            delattr(self, name)

    def register_flag_by_module(self, module_name, flag):
        self.flags_by_module_dict().setdefault(module_name, []).append(flag)

    def register_key_flag_for_module(self, module_name, flag):
        key = self.key_flags_by_module_dict().setdefault(module_name, [])
        if flag not in key:
            key.append(flag)

    def flags_by_module_dict(self):
        return self.__dict__["__by_module"]

    def key_flags_by_module_dict(self):
        return self.__dict__["__key_by_module"]

    def get_flags_for_module(self, module):
        """The flags defined by `module` (a name or a module object)."""
        name = module if isinstance(module, str) else module.__name__
        return list(self.flags_by_module_dict().get(name, []))

    def get_key_flags_for_module(self, module):
        """Flags `module` defined or declared key (shown by its --help)."""
        name = module if isinstance(module, str) else module.__name__
        out = self.get_flags_for_module(name)
        for flag in self.key_flags_by_module_dict().get(name, []):
            if flag not in out:
                out.append(flag)
        return out

    def find_module_defining_flag(self, flagname, default=None):
        flag = self._flags().get(flagname)
        if flag is None:
            return default
        for module, flags in self.flags_by_module_dict().items():
            if flag in flags:
                return module
        return default

    # -- parsing ---------------------------------------------------------------------

    def is_parsed(self):
        return self.__dict__["__parsed"]

    def mark_as_parsed(self):
        self.__dict__["__parsed"] = True

    def set_gnu_getopt(self, gnu_getopt=True):
        """With gnu_getopt (the default) flags may follow positional args; without it
        the first positional arg ends the flags."""
        self.__dict__["__gnu"] = gnu_getopt

    def is_gnu_getopt(self):
        return self.__dict__["__gnu"]

    def unparse_flags(self):
        """Reset every flag to its default and mark argv as not parsed."""
        for flag in set(self._flags().values()):
            flag.unparse()
        self.__dict__["__parsed"] = False

    def __call__(self, argv, known_only=False):
        """Set flags from `argv` (argv[0] is the program), validate them, and return
        argv[0] plus the arguments that are not flags. An undefined flag raises
        UnrecognizedFlagError, or with `known_only` is returned with the rest."""
        if isinstance(argv, (str, bytes)):
            raise TypeError("argv should be a tuple/list of strings, not bytes or string.")
        if not argv:
            raise ValueError("argv cannot be an empty list, and must contain the "
                             "program name as the first element.")
        args = self.read_flags_from_files(list(argv[1:]), force_gnu=False)
        unknown, rest = self._parse_args(args, known_only)
        for name, value in unknown:
            near = difflib.get_close_matches(name, [n for n in self._flags() if len(n) > 2],
                                             n=5, cutoff=0.75)
            raise UnrecognizedFlagError(name, value, near)
        self.mark_as_parsed()
        self.validate_all_flags()
        return [argv[0]] + rest

    def _parse_args(self, args, known_only):
        """Set the flags named in args; return (unknown (name, arg) pairs, rest)."""
        fl, unknown, rest, undefok = self._flags(), [], [], set()
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                rest.extend(args[i - 1 if known_only else i:])
                break
            if not arg.startswith("-") or arg == "-":
                if not self.is_gnu_getopt():
                    rest.extend(args[i - 1:])
                    break
                rest.append(arg)
                continue
            name, eq, value = arg[2 if arg.startswith("--") else 1:].partition("=")
            if not name:
                rest.append(arg)
                continue
            if name == "undefok":
                undefok.update(v.strip() for v in value.split(",") if v.strip())
                continue
            flag = fl.get(name)
            if flag is None and name.startswith("no") and getattr(fl.get(name[2:]),
                                                                  "boolean", False):
                if eq:
                    raise ValueError(f"{arg} does not take an argument")
                flag, value = fl[name[2:]], "false"
            elif flag is None:
                if known_only:
                    rest.append(arg)
                else:
                    unknown.append((name, arg))
                continue
            elif not eq:
                if flag.boolean:
                    value = "true"
                elif i < len(args):
                    value, i = args[i], i + 1
                else:
                    raise Error(f"Missing value for flag {arg}")
            flag.parse(value)
        unknown = [(n, a) for n, a in unknown
                   if n not in undefok and not (n.startswith("no") and n[2:] in undefok)]
        return unknown, rest

    def read_flags_from_files(self, argv, force_gnu=True):
        """argv with each --flagfile=PATH replaced by the flag lines of that file
        (nested flagfiles allowed; '#' and '//' lines are comments)."""
        out, stack = [], [(list(argv), ())]
        while stack:
            args, seen = stack.pop()
            while args:
                arg = args.pop(0)
                if arg == "--" or (not arg.startswith("-") and not force_gnu and
                                   not self.is_gnu_getopt()):
                    out.append(arg)
                    out.extend(args)
                    break
                path = None
                if arg in ("--flagfile", "-flagfile"):
                    if not args:
                        raise Error(f"Missing value for flag {arg}")
                    path = args.pop(0)
                elif arg.startswith(("--flagfile=", "-flagfile=")):
                    path = arg.split("=", 1)[1]
                if path is None:
                    out.append(arg)
                    continue
                path = os.path.expanduser(path.strip())
                if path in seen:
                    continue
                stack.append((args, seen))
                stack.append((self._flag_file_lines(path), seen + (path,)))
                break
        return out

    def _flag_file_lines(self, path):
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise CantOpenFlagFileError(f"ERROR:: Unable to open flagfile: {e}") from None
        return [s.strip() for s in lines if s.strip().startswith("-")]

    # -- validation and values -------------------------------------------------------

    def validate_all_flags(self):
        """Run every registered validator; IllegalFlagValueError lists the failures."""
        seen, validators = set(), []
        for flag in self._flags().values():
            for v in flag.validators:
                if id(v) not in seen:
                    seen.add(id(v))
                    validators.append(v)
        self._assert_validators(validators)

    def _assert_validators(self, validators):
        failed, messages = set(), []
        for v in sorted(validators, key=lambda v: v.insertion_index):
            if failed.intersection(v.flag_names):
                continue                          # one complaint per flag
            try:
                v.verify(self)
            except ValidationError as e:
                messages.append(f"{v.describe(self)}: {e}")
                failed.update(v.flag_names)
        if messages:
            raise IllegalFlagValueError("\n".join(messages))

    def set_default(self, name, value):
        """Change a flag's default (and its value while it has not been set)."""
        flag = self._flags().get(name)
        if flag is None:
            raise UnrecognizedFlagError(name, value)
        flag._set_default(value)
        self._assert_validators(flag.validators)

    def get_flag_value(self, name, default):
        """The flag's value, or `default` when that is None."""
        value = self.__getattr__(name)
        return default if value is None else value

    def flag_values_dict(self):
        """{name: value} for every flag (short names included)."""
        return {name: flag.value for name, flag in self._flags().items()}

    # -- text ------------------------------------------------------------------------

    def flags_into_string(self):
        """Every set flag as argv lines ('--name=value\\n'), grouped by module."""
        lines = []
        for module in sorted(self.flags_by_module_dict()):
            for flag in sorted(set(self.flags_by_module_dict()[module]),
                               key=lambda f: f.name):
                if flag.value is not None:
                    lines.append(flag.serialize() + "\n")
        return "".join(lines)

    def append_flags_into_file(self, filename):
        """Append flags_into_string() to `filename` (readable with --flagfile)."""
        with open(filename, "a") as f:
            f.write(self.flags_into_string())

    def get_help(self, prefix="", include_special_flags=True):
        """Help for all flags, grouped by defining module (the main module first)."""
        return tf_flags_help.get_help(self, prefix, include_special_flags)

    def module_help(self, module):
        """Help for the key flags of `module` (a name or a module object)."""
        return tf_flags_help.module_help(self, module)

    def main_module_help(self):
        return self.module_help(sys.argv[0])

    def __str__(self):
        return self.get_help()


class _AutoParseFlagValues(FlagValues):
    """The global tf.flags.FLAGS: reading a flag before argv is parsed parses
    sys.argv first (TF1's _FlagValuesWrapper)."""

    def __getattr__(self, name):
        if name in self._flags() and not self.is_parsed():
            self(sys.argv)
        return super().__getattr__(name)


FLAGS = _AutoParseFlagValues()
