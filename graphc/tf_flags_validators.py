"""tf.flags' validators and key flags (absl.flags semantics): register_validator and
its decorator forms, the mark_* helpers, and declare_key_flag / adopt_module_key_flags /
disclaim_key_flags, which choose the flags a module's help shows.

    tf.flags.mark_flag_as_required("data_dir")
    @tf.flags.validator("steps", message="steps must be even")
    def _even(v): return v % 2 == 0
"""
import itertools
import sys
import types
import warnings

from . import tf_flags_help
from .tf_flags_core import Error, ValidationError
from .tf_flags_flag import FlagHolder
from .tf_flags_values import FLAGS, calling_module

_insertion = itertools.count()


# ------------------------------------------------------------------------------------
# validators

class _Validator:
    """A checker over one flag's value (or a {name: value} dict for several)."""

    def __init__(self, flag_names, checker, message, multi):
        self.flag_names = list(flag_names)
        self.checker = checker
        self.message = message
        self.multi = multi
        self.insertion_index = next(_insertion)

    def verify(self, fv):
        """Raise ValidationError unless the checker accepts the current values."""
        if self.multi:
            arg = {n: fv[n].value for n in self.flag_names}
        else:
            arg = fv[self.flag_names[0]].value
        if not self.checker(arg):
            raise ValidationError(self.message)

    def describe(self, fv):
        if self.multi:
            return "flags " + ", ".join(f"{n}={fv[n].value}" for n in self.flag_names)
        return f"flag --{self.flag_names[0]}={fv[self.flag_names[0]].value}"


def _resolve(flag_name, flag_values):
    """(name, FlagValues) for a name or a FlagHolder."""
    if isinstance(flag_name, FlagHolder):
        return flag_name.name, flag_name._flagvalues
    return flag_name, flag_values


def _add_validator(fv, validator):
    for name in validator.flag_names:
        fv[name].validators.append(validator)


def register_validator(flag_name, checker, message="Flag validation failed",
                       flag_values=FLAGS):
    """Check a flag whenever it is parsed or assigned: checker(value) returns False
    (then ValidationError(message)) or raises ValidationError itself.

        tf.flags.register_validator("lr", lambda v: v > 0, message="lr must be > 0")
    """
    name, fv = _resolve(flag_name, flag_values)
    _add_validator(fv, _Validator([name], checker, message, multi=False))


def validator(flag_name, message="Flag validation failed", flag_values=FLAGS):
    """register_validator as a decorator (returns the function unchanged).

        @tf.flags.validator("steps", message="steps must be even")
        def _even(v): return v % 2 == 0
    """
    def decorate(function):
        register_validator(flag_name, function, message=message, flag_values=flag_values)
        return function
    return decorate


def register_multi_flags_validator(flag_names, multi_flags_checker,
                                   message="Flags validation failed", flag_values=FLAGS):
    """Check several flags together: the checker gets {name: value}.

        tf.flags.register_multi_flags_validator(
            ["lo", "hi"], lambda d: d["lo"] <= d["hi"], message="lo > hi")
    """
    names, fvs = zip(*[_resolve(n, flag_values) for n in flag_names])
    _add_validator(fvs[0], _Validator(names, multi_flags_checker, message, multi=True))


def multi_flags_validator(flag_names, message="Flag validation failed",
                          flag_values=FLAGS):
    """register_multi_flags_validator as a decorator."""
    def decorate(function):
        register_multi_flags_validator(flag_names, function, message=message,
                                       flag_values=flag_values)
        return function
    return decorate


def mark_flag_as_required(flag_name, flag_values=FLAGS):
    """Parsing fails unless the flag ends up other than None.

        tf.flags.mark_flag_as_required("data_dir")
    """
    name, fv = _resolve(flag_name, flag_values)
    if fv[name].default is not None:
        warnings.warn(f"Flag --{name} has a non-None default value; therefore, "
                      "mark_flag_as_required will pass even if flag is not specified in "
                      "the command line!", stacklevel=2)
    register_validator(name, lambda value: value is not None,
                       message=f"Flag --{name} must have a value other than None.",
                       flag_values=fv)


def mark_flags_as_required(flag_names, flag_values=FLAGS):
    """mark_flag_as_required for each name."""
    for name in flag_names:
        mark_flag_as_required(name, flag_values)


def mark_flags_as_mutual_exclusive(flag_names, required=False, flag_values=FLAGS):
    """At most one (exactly one with `required`) of the flags may be other than None."""
    pairs = [_resolve(n, flag_values) for n in flag_names]
    names = [n for n, _ in pairs]
    for n, fv in pairs:
        if fv[n].default is not None:
            warnings.warn(f"Flag --{n} has a non-None default value. That does not make "
                          "sense with mark_flags_as_mutual_exclusive, which checks whether "
                          "the listed flags have a value other than None.", stacklevel=2)

    def check(values):
        count = sum(v is not None for v in values.values())
        if count > 1 or (required and count == 0):
            raise ValidationError(
                f"{'Exactly' if required else 'At most'} one of ({', '.join(names)}) must "
                "have a value other than None.")
        return True
    register_multi_flags_validator(names, check, flag_values=pairs[0][1])


def mark_bool_flags_as_mutual_exclusive(flag_names, required=False, flag_values=FLAGS):
    """At most one (exactly one with `required`) of the bool flags may be True."""
    pairs = [_resolve(n, flag_values) for n in flag_names]
    names = [n for n, _ in pairs]
    for n, fv in pairs:
        if not fv[n].boolean:
            raise ValidationError(f"Flag --{n} is not Boolean, which is required for flags "
                                  "used in mark_bool_flags_as_mutual_exclusive.")

    def check(values):
        count = sum(bool(v) for v in values.values())
        if count > 1 or (required and count == 0):
            raise ValidationError(
                f"{'Exactly' if required else 'At most'} one of ({', '.join(names)}) must "
                "be True.")
        return True
    register_multi_flags_validator(names, check, flag_values=pairs[0][1])


def _bounds_validator(parser, name, flag_values):
    """Assignments outside an int/float flag's bounds fail as argv values do."""
    if parser.lower_bound is None and parser.upper_bound is None:
        return

    def check(value):
        if value is not None and parser.is_outside_bounds(value):
            raise ValidationError(f"{value} is not {parser.syntactic_help}")
        return True
    register_validator(name, check, flag_values=flag_values)


# ------------------------------------------------------------------------------------
# key flags (the flags a module's --help shows)

def declare_key_flag(flag_name, flag_values=FLAGS):
    """Show flag `flag_name` in the calling module's help (module_help)."""
    name, fv = _resolve(flag_name, flag_values)
    if name in tf_flags_help.SPECIAL_FLAGS:
        fv.register_key_flag_for_module(calling_module(), tf_flags_help.SPECIAL_FLAGS[name])
        return
    if name not in fv:
        raise ValueError(f"Flag --{name} is undefined. To set a flag as a key flag first "
                         "define it in Python.")
    fv.register_key_flag_for_module(calling_module(), fv[name])


def adopt_module_key_flags(module, flag_values=FLAGS):
    """Make every key flag of `module` a key flag of the calling module."""
    if not isinstance(module, types.ModuleType):
        raise Error(f"Expected a module object, not {module!r}.")
    caller = calling_module()
    if module.__name__ in ("graphc.flags", __name__):
        for flag in tf_flags_help.SPECIAL_FLAGS.values():
            flag_values.register_key_flag_for_module(caller, flag)
        return
    for flag in flag_values.get_key_flags_for_module(module.__name__):
        flag_values.register_key_flag_for_module(caller, flag)


def disclaim_key_flags():
    """Flags the calling module defines or declares key count for its own caller (for
    modules that only wrap the flags API)."""
    tf_flags_help.DISCLAIMED.add(sys._getframe(1).f_globals.get("__name__"))
