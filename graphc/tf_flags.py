"""TF1's tf.flags (= tf.app.flags): absl-style command-line flags; and tf.app.

    import graphc.compat.v1 as tf
    tf.flags.DEFINE_integer("steps", 100, "training steps")
    print(tf.flags.FLAGS.steps)

`flags` and `app` are plain module objects (namespaces._namespace). tf.flags is
absl.flags; graphc implements it itself, in data-flow order: tf_flags_core.py
(exceptions, parsers, serializers), tf_flags_flag.py (Flag classes, FlagHolder),
tf_flags_values.py (FlagValues: argv parsing, validation; the global FLAGS),
tf_flags_validators.py (validators, key flags), tf_flags_defines.py (DEFINE_*) and
tf_flags_help.py (help text). See docs/flags.md.
"""
import sys

from .namespaces import _namespace
from .tf_flags_core import (  # noqa: F401 (re-exported)
    ArgumentParser, ArgumentSerializer, BaseListParser, BooleanParser,
    CantOpenFlagFileError, CsvListSerializer, DuplicateFlagError,
    EnumClassListSerializer, EnumClassParser, EnumClassSerializer, EnumParser, Error,
    FlagNameConflictsWithMethodError, FloatParser, IllegalFlagValueError, IntegerParser,
    ListParser, ListSerializer, UnparsedFlagAccessError, UnrecognizedFlagError,
    ValidationError, WhitespaceSeparatedListParser)
from .tf_flags_flag import (  # noqa: F401 (re-exported)
    BooleanFlag, EnumClassFlag, EnumFlag, Flag, FlagHolder, MultiEnumClassFlag,
    MultiFlag)
from .tf_flags_values import FLAGS, FlagValues  # noqa: F401
from .tf_flags_validators import (  # noqa: F401 (re-exported)
    adopt_module_key_flags, declare_key_flag, disclaim_key_flags,
    mark_bool_flags_as_mutual_exclusive, mark_flag_as_required,
    mark_flags_as_mutual_exclusive, mark_flags_as_required, multi_flags_validator,
    register_multi_flags_validator, register_validator, validator)
from .tf_flags_defines import (  # noqa: F401 (re-exported)
    DEFINE, DEFINE_alias, DEFINE_bool, DEFINE_boolean, DEFINE_enum, DEFINE_enum_class,
    DEFINE_flag, DEFINE_float, DEFINE_integer, DEFINE_list, DEFINE_multi,
    DEFINE_multi_enum, DEFINE_multi_enum_class, DEFINE_multi_float,
    DEFINE_multi_integer, DEFINE_multi_string, DEFINE_spaceseplist, DEFINE_string,
    override_value, set_default)
from .tf_flags_help import (  # noqa: F401 (re-exported)
    doc_to_help, flag_dict_to_args, get_help_width, text_wrap)

_FLAG_NAMES = """ArgumentParser ArgumentSerializer BaseListParser BooleanFlag BooleanParser
CantOpenFlagFileError CsvListSerializer DEFINE DEFINE_alias DEFINE_bool
DEFINE_boolean DEFINE_enum DEFINE_enum_class DEFINE_flag DEFINE_float DEFINE_integer
DEFINE_list DEFINE_multi DEFINE_multi_enum DEFINE_multi_enum_class
DEFINE_multi_float DEFINE_multi_integer DEFINE_multi_string DEFINE_spaceseplist
DEFINE_string DuplicateFlagError EnumClassFlag EnumClassListSerializer
EnumClassParser EnumClassSerializer EnumFlag EnumParser Error FLAGS Flag FlagHolder
FlagNameConflictsWithMethodError FlagValues FloatParser IllegalFlagValueError
IntegerParser ListParser ListSerializer MultiEnumClassFlag MultiFlag
UnparsedFlagAccessError UnrecognizedFlagError ValidationError
WhitespaceSeparatedListParser adopt_module_key_flags declare_key_flag
disclaim_key_flags doc_to_help flag_dict_to_args get_help_width
mark_bool_flags_as_mutual_exclusive mark_flag_as_required
mark_flags_as_mutual_exclusive mark_flags_as_required multi_flags_validator
override_value register_multi_flags_validator register_validator set_default
text_wrap validator""".split()

flags = _namespace("flags", "TF1's tf.flags (= tf.app.flags): absl.flags.", _FLAG_NAMES,
                   globals())


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
