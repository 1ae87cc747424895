"""graphc's tf.flags (graphc/tf_flags*.py) against absl.flags, which TF1's tf.flags is:
each case runs the same code with both libraries and compares values, returned argv,
exception classes and messages, warnings and help text."""
import enum
import sys
import types
import warnings

import pytest

absl_flags = pytest.importorskip("absl.flags")

from graphc.tf_flags import flags as gc_flags  # noqa: E402

LIBS = (absl_flags, gc_flags)


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    blue = 3


def _outcome(fn):
    """fn()'s result, or '!<exception class>: <message>'."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        return f"!{type(e).__name__}: {e}"


def _same(run):
    """run(F) for absl.flags and graphc's flags; assert equal results."""
    want, got = (run(F) for F in LIBS)
    if isinstance(want, (list, tuple)) and isinstance(got, (list, tuple)):
        for i, (w, g) in enumerate(zip(want, got)):
            assert g == w, i
    assert got == want
    return want


def _define_all(F, fv):
    F.DEFINE_string("name", "dflt", "a name", flag_values=fv, short_name="s")
    F.DEFINE_integer("n", 3, "count", lower_bound=0, flag_values=fv)
    F.DEFINE_integer("k", None, "k", lower_bound=2, upper_bound=9, flag_values=fv)
    F.DEFINE_float("lr", 0.1, "rate", upper_bound=1, flag_values=fv)
    F.DEFINE_boolean("verbose", False, "talk", flag_values=fv)
    F.DEFINE_enum("mode", "a", ["a", "B"], "mode", flag_values=fv)
    F.DEFINE_enum("cmode", "a", ["a", "B"], "mode", case_sensitive=False, flag_values=fv)
    F.DEFINE_enum_class("color", "red", Color, "c", flag_values=fv)
    F.DEFINE_enum_class("ccolor", Color.RED, Color, "c", case_sensitive=True, flag_values=fv)
    F.DEFINE_list("items", "x,y", "items", flag_values=fv)
    F.DEFINE_spaceseplist("words", "a b", "words", flag_values=fv)
    F.DEFINE_spaceseplist("cwords", "a,b c", "words", comma_compat=True, flag_values=fv)
    F.DEFINE_multi_string("tag", None, "tags", flag_values=fv)
    F.DEFINE_multi_integer("mi", [1, 2], "ints", upper_bound=5, flag_values=fv)
    F.DEFINE_multi_float("mf", 0.5, "floats", flag_values=fv)
    F.DEFINE_multi_enum("me", ["a"], ["a", "b"], "enums", flag_values=fv)
    F.DEFINE_multi_enum_class("mc", Color.GREEN, Color, "colors", flag_values=fv)
    F.DEFINE_alias("nn", "n", flag_values=fv)
    F.DEFINE(F.IntegerParser(), "custom", "0x10", "custom", flag_values=fv,
             serializer=F.ArgumentSerializer())


ARGVS = [
    (["p"], False),
    (["p", "--name=bob", "-s", "al", "-n", "0x10", "--lr", "1e-3", "--verbose", "pos1",
      "--mode=B", "--items=p,\"q,r\",", "pos2"], False),
    (["p", "--cmode=b", "--color=GREEN", "--ccolor=blue", "--words= x  y ",
      "--cwords=a,b c"], False),
    (["p", "--tag=a", "--tag", "b", "--mi=3", "--mi=4", "--mf=2", "--me=b", "--me=a",
      "--mc=red", "--mc=BLUE"], False),
    (["p", "--nn=7", "--custom=0o17", "--k=5"], False),
    (["p", "--noverbose", "--verbose=t", "--verbose=0"], False),
    (["p", "--mi=6"], False), (["p", "--k=1"], False), (["p", "--lr=2"], False),
    (["p", "--mode=b"], False), (["p", "--color=purple"], False),
    (["p", "--ccolor=red"], False), (["p", "--me=c"], False), (["p", "--mc=x"], False),
    (["p", "--items=a,\"b"], False), (["p", "--n"], False), (["p", "--nov=1"], False),
    (["p", "--nolr"], False), (["p", "--nmae=3"], False), (["p", "--xyz=3", "--n=4"], False),
    (["p", "--unknown", "v", "--n=4", "pos", "--", "--n=5"], True),
    (["p", "--", "--n=5", "x"], False),
    (["p", "--undefok=foo,bar", "--foo=3", "--nobar", "--n=4"], False),
    (["p", "--undefok=foo", "--baz"], False),
    (["p", "--verbose=yes"], False), (["p", "--=3", "-", "-3"], False),
    ([], False), ("p", False),
]


@pytest.mark.parametrize("argv, known_only", ARGVS)
def test_parse_matches_absl(argv, known_only):
    def run(F):
        fv = F.FlagValues()
        _define_all(F, fv)
        rest = _outcome(lambda: fv(argv, known_only=known_only))
        names = sorted(set(fv._flags()))
        return (rest, fv.is_parsed(), fv.flag_values_dict(),
                [(n, fv[n].present, _outcome(fv[n].serialize), fv[n].using_default_value)
                 for n in names])
    _same(run)


def test_flag_objects_match_absl():
    def run(F):
        fv = F.FlagValues()
        _define_all(F, fv)
        return [(n, type(f).__name__, f.flag_type(), f.help, f.default, f.default_as_str,
                 f.boolean, f.short_name, f.parser.syntactic_help, type(f.parser).__name__)
                for n, f in sorted(fv._flags().items())]
    _same(run)


def test_definition_errors_match_absl():
    def run(F):
        fv = F.FlagValues()
        F.DEFINE_string("name", "x", "h", flag_values=fv)
        cases = [
            lambda: F.DEFINE_string("name", "y", "h", flag_values=fv),
            lambda: F.DEFINE_integer("bad", "abc", "h", flag_values=fv),
            lambda: F.DEFINE_integer("b2", 1.5, "h", flag_values=fv),
            lambda: F.DEFINE_string("b3", 3, "h", flag_values=fv),
            lambda: F.DEFINE_integer("b4", 1, "h", lower_bound=5, flag_values=fv),
            lambda: F.DEFINE_enum("e", "z", ["a"], "h", flag_values=fv),
            lambda: F.DEFINE_enum("e2", "a", [], "h", flag_values=fv),
            lambda: F.DEFINE_enum_class("ec", "x", Color, "h", flag_values=fv),
            lambda: F.DEFINE_enum_class("ec2", None, int, "h", flag_values=fv),
            lambda: F.DEFINE_multi_enum_class("mc", ["x"], Color, "h", flag_values=fv),
            lambda: F.DEFINE_integer("get_flag_value", 1, "h", flag_values=fv),
            lambda: F.DEFINE_integer("", 1, "h", flag_values=fv),
            lambda: F.DEFINE_integer("a b", 1, "h", flag_values=fv),
            lambda: F.DEFINE_integer(3, 1, "h", flag_values=fv),
            lambda: F.DEFINE_alias("al", "nope", flag_values=fv),
            lambda: F.DEFINE_bool("bb", "maybe", "h", flag_values=fv),
            lambda: F.DEFINE_multi_integer("m1", "1", "h", flag_values=fv).default,
            lambda: F.DEFINE_multi_string("m2", "", "h", flag_values=fv).default,
            lambda: F.DEFINE_list("l1", "", "h", flag_values=fv).default,
            lambda: F.DEFINE_list("l2", "a, b", "h", flag_values=fv).default,
            lambda: F.DEFINE_string("s2", "x", "h", flag_values=fv, short_name="name"),
            lambda: F.DEFINE_float("f1", 2, "h", flag_values=fv).default,
            lambda: F.DEFINE_string("nohelp", "x", None, flag_values=fv) and 0,
        ]
        return [_outcome(c) for c in cases] + [fv["nohelp"].help]
    _same(run)


def test_flagholder_matches_absl():
    def run(F):
        fv = F.FlagValues()
        h = F.DEFINE_integer("n", 3, "h", flag_values=fv)
        r = F.DEFINE_string("r", None, "h", flag_values=fv, required=True)
        out = [_outcome(lambda: h.value), _outcome(lambda: bool(h)),
               _outcome(lambda: h == 3), h.name, h.default, h.present, h.serialize()]
        out.append(_outcome(lambda: fv(["p", "--n=4"])))
        fv(["p", "--n=5", "--r=x"])
        out += [h.value, h.present, h.serialize(), r.value]
        out += [_outcome(lambda: setattr(fv, "r", None)), r.value]
        fv["r"].value = None
        out.append(_outcome(lambda: r.value))
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same(run)


def _validator_scenario(F):
    fv = F.FlagValues()
    out = []
    F.DEFINE_integer("a", None, "h", flag_values=fv)
    F.DEFINE_integer("b", None, "h", flag_values=fv)
    F.DEFINE_integer("c", 5, "h", lower_bound=0, flag_values=fv)
    F.DEFINE_string("x", None, "h", flag_values=fv)
    F.DEFINE_string("y", None, "h", flag_values=fv)
    F.DEFINE_bool("p1", False, "h", flag_values=fv)
    F.DEFINE_bool("p2", None, "h", flag_values=fv)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        F.mark_flag_as_required("a", flag_values=fv)
        F.mark_flag_as_required("c", flag_values=fv)
        F.mark_flags_as_mutual_exclusive(["x", "c"], flag_values=fv)
        out.append([str(x.message) for x in w])
    F.register_validator("c", lambda v: v < 10, message="c too big", flag_values=fv)

    def chk(v):
        if v == 7:
            raise F.ValidationError("seven!")
        return True
    F.register_validator("c", chk, flag_values=fv)
    F.register_multi_flags_validator(["a", "b"], lambda d: not (d["a"] == d["b"] == 2),
                                     message="not both 2", flag_values=fv)
    F.mark_flags_as_mutual_exclusive(["x", "y"], required=True, flag_values=fv)
    F.mark_bool_flags_as_mutual_exclusive(["p1", "p2"], flag_values=fv)

    @F.validator("b", message="b must be odd", flag_values=fv)
    def _odd(v):
        return v is None or v % 2 == 1

    @F.multi_flags_validator(["b", "y"], flag_values=fv)
    def _by(d):
        return d["b"] != 5
    out.append((_odd(3), _by({"b": 1})))
    for argv in (["p"], ["p", "--a=1", "--x=q"], ["p", "--a=1", "--c=12", "--y=r"],
                 ["p", "--a=1", "--c=7", "--x=q", "--y=r"], ["p", "--a=2", "--b=2"],
                 ["p", "--b=4", "--p1", "--p2"], ["p", "--b=5", "--a=1", "--x=1"],
                 ["p", "--a=1", "--x=1", "--c=-1"]):
        fv.unparse_flags()
        out.append((_outcome(lambda: fv(argv)), _outcome(fv.flag_values_dict)))
    fv.unparse_flags()
    out.append(_outcome(lambda: fv(["p", "--a=1", "--y=q"])))
    for name, value in (("a", None), ("c", 20), ("c", -1), ("c", 3), ("b", 2), ("a", 2),
                        ("zz", 1)):
        out.append((_outcome(lambda: setattr(fv, name, value)),
                    _outcome(fv.flag_values_dict)))
    out.append(_outcome(lambda: F.register_validator("zz", bool, flag_values=fv)))
    out.append(_outcome(lambda: F.mark_bool_flags_as_mutual_exclusive(["x", "p1"],
                                                                      flag_values=fv)))
    return out


def test_validators_match_absl():
    _same(_validator_scenario)


def test_bool_mutual_exclusive_required_matches_absl():
    def run(F):
        fv = F.FlagValues()
        F.DEFINE_bool("p1", None, "h", flag_values=fv)
        h2 = F.DEFINE_bool("p2", None, "h", flag_values=fv)
        F.mark_bool_flags_as_mutual_exclusive(["p1", h2], required=True, flag_values=fv)
        F.mark_flags_as_required([h2], flag_values=fv)
        return [_outcome(lambda: fv(a)) for a in (["p"], ["p", "--p1", "--p2"],
                                                   ["p", "--p2", "--nop1"])]
    _same(run)


def test_flag_values_methods_match_absl():
    def run(F):
        fv = F.FlagValues()
        h = F.DEFINE_integer("i", 3, "h", lower_bound=0, flag_values=fv)
        F.DEFINE_string("s", None, "h", flag_values=fv)
        out = [_outcome(lambda: fv.get_flag_value("i", 9)), _outcome(lambda: fv.i),
               _outcome(lambda: fv.zz), "i" in fv, "zz" in fv, len(fv), list(fv)]
        out.append(_outcome(lambda: fv.set_default("i", 8)))
        out.append((fv["i"].value, fv["i"].default, fv["i"].using_default_value))
        out += [_outcome(lambda: fv.set_default("i", "x")),
                _outcome(lambda: fv.set_default("i", -1)),
                _outcome(lambda: fv.set_default("q", 1))]
        fv.mark_as_parsed()
        out += [fv.is_parsed(), fv.i, fv.get_flag_value("s", "dflt")]
        fv(["p", "--i=2"])
        F.set_default(h, 11)
        out += [fv.i, fv["i"].default]
        out += [_outcome(lambda: F.override_value(h, "5")),
                _outcome(lambda: F.override_value(h, -5)),
                _outcome(lambda: F.override_value(h, 6)), fv.i]
        fv.unparse_flags()
        out += [fv.is_parsed(), fv["i"].value, fv["i"].present]
        other = F.FlagValues()
        F.DEFINE_bool("o", True, "h", flag_values=other, short_name="O")
        fv.append_flag_values(other)
        out += [sorted(fv), _outcome(lambda: fv.append_flag_values(other))]
        fv.remove_flag_values(other)
        out.append(sorted(fv))
        del fv.s
        out += [sorted(fv), _outcome(lambda: delattr(fv, "s"))]
        fv.set_gnu_getopt(False)
        out += [fv.is_gnu_getopt(), fv(["p", "--i=1", "pos", "--i=2"]), fv.i]
        return out
    _same(run)


def test_help_text_matches_absl(monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")

    def run(F):
        fv = F.FlagValues()
        _define_all(F, fv)
        F.DEFINE_string("long", "v", "A long help string that wraps around because it is "
                        "really long, much longer than the help width.", flag_values=fv)
        fv(["p", "--tag=a", "--tag=b", "--verbose"])
        return (str(fv), fv.get_help(prefix="> ", include_special_flags=False),
                fv.module_help(__name__), fv.module_help(sys.modules[__name__]),
                fv.main_module_help(), fv.flags_into_string(),
                fv.find_module_defining_flag("n"), fv.find_module_defining_flag("q", "d"),
                [f.name for f in fv.get_flags_for_module(__name__)],
                [f.name for f in fv.get_key_flags_for_module(__name__)])
    _same(run)


def _exec_module(name, code, F, fv, **names):
    mod = types.ModuleType(name)
    mod.F, mod.FV = F, fv
    mod.__dict__.update(names)
    sys.modules[name] = mod
    try:
        exec(code, mod.__dict__)
    finally:
        del sys.modules[name]
    return mod


def test_key_flags_match_absl():
    def run(F):
        fv = F.FlagValues()
        lib = _exec_module("keylib_mod", "h = F.DEFINE_integer('lib_n', 1, 'n', "
                           "flag_values=FV)\nF.DEFINE_bool('lib_b', True, 'b', "
                           "flag_values=FV)\n", F, fv)
        F.DEFINE_string("mine", "m", "mine", flag_values=fv)
        out = [_outcome(lambda: F.declare_key_flag("lib_b", flag_values=fv)),
               _outcome(lambda: F.declare_key_flag(lib.h, flag_values=fv)),
               _outcome(lambda: F.declare_key_flag("nope", flag_values=fv)),
               _outcome(lambda: F.declare_key_flag("flagfile", flag_values=fv)),
               _outcome(lambda: F.adopt_module_key_flags("keylib_mod", flag_values=fv))]
        out.append([f.name for f in fv.get_key_flags_for_module(__name__)])
        out.append(fv.module_help(__name__))
        _exec_module("adopter_mod", "F.adopt_module_key_flags(LIB, flag_values=FV)\n"
                     "F.adopt_module_key_flags(F, flag_values=FV)\n", F, fv, LIB=lib)
        out.append([f.name for f in fv.get_key_flags_for_module("adopter_mod")])
        out.append(sorted(fv.key_flags_by_module_dict()))
        out.append({k: [f.name for f in v] for k, v in fv.flags_by_module_dict().items()})
        return out
    _same(run)


def test_flagfile_matches_absl(tmp_path):
    inner = tmp_path / "inner.cfg"
    inner.write_text("--n=7\n# comment\n--verbose\n")
    outer = tmp_path / "outer.cfg"
    outer.write_text(f"// c\n--name=fromfile\n--flagfile={inner}\n  --tag=t1  \n")

    def run(F):
        out = []
        for argv in (["p", f"--flagfile={outer}", "pos", "--n=9"],
                     ["p", "--flagfile", str(inner), "--tag=t2"],
                     ["p", f"--flagfile={tmp_path / 'missing.cfg'}"]):
            fv = F.FlagValues()
            _define_all(F, fv)
            out.append((_outcome(lambda: fv(argv)), fv["n"].value, fv["name"].value,
                        fv["verbose"].value, fv["tag"].value))
        fv = F.FlagValues()
        _define_all(F, fv)
        fv(["p", "--tag=a", "--tag=b", "--items=a,b c", "--noverbose"])
        saved = tmp_path / f"saved_{F is gc_flags}.cfg"
        fv.append_flags_into_file(str(saved))
        fv2 = F.FlagValues()
        _define_all(F, fv2)
        out.append((saved.read_text(), _outcome(lambda: fv2(["p", f"--flagfile={saved}"])),
                    fv2.flag_values_dict() == fv.flag_values_dict()))
        return out
    _same(run)


TEXTS = ["hello world " * 12, "a b\n\n   c d   e\nf", "", "  lead\ttab and  spaces ",
         "averyveryverylongwordthatdoesnotfit here", "x-y-z a-b-c d-e-f " * 3]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("length, indent, first", [(40, "  ", "* "), (12, "", None),
                                                   (20, "    ", ""), (3, "    ", None),
                                                   (10, "", "           ")])
def test_text_wrap_matches_absl(text, length, indent, first):
    _same(lambda F: _outcome(lambda: F.text_wrap(text, length, indent, first)))


DOCS = ["  First line.\n\n    Second para\n    continues here.\n      indented\n  ",
        "one", "", "\n\n  a\n  b\n\n\n  c  \n", "Title\n  body one\n  body two\n"]


@pytest.mark.parametrize("doc", DOCS)
def test_doc_to_help_matches_absl(doc):
    _same(lambda F: F.doc_to_help(doc))


def test_flag_dict_to_args_and_help_width_match_absl(monkeypatch):
    d = {"a": 1, "b": True, "c": False, "d": None, "e": [1, 2], "f": "x y", "g": [3, 4],
         "h": (5,), "i": 1.5, "j": "", "k": [], "l": b"x"}
    _same(lambda F: (list(F.flag_dict_to_args(d)), list(F.flag_dict_to_args(d, {"g"}))))
    for cols in ("30", "45", "200", "x", ""):
        monkeypatch.setenv("COLUMNS", cols)
        _same(lambda F: F.get_help_width())
    monkeypatch.delenv("COLUMNS")
    _same(lambda F: F.get_help_width())


PARSE_CASES = [
    ("IntegerParser", (), ["7", " 7 ", "010", "0x1f", "-0x10", "0o17", "1.5", 1.5, 3, True,
                           None]),
    ("IntegerParser", (0, None), ["-1", "0"]), ("IntegerParser", (1, None), ["0"]),
    ("IntegerParser", (None, 0), ["1"]), ("IntegerParser", (None, -1), ["0"]),
    ("IntegerParser", (2, 7), ["8"]), ("IntegerParser", (5, None), ["4"]),
    ("IntegerParser", (None, 5), ["6"]),
    ("FloatParser", (), ["1e3", "x", 2, "inf", None]), ("FloatParser", (0, None), ["-1"]),
    ("FloatParser", (None, 0), ["1"]), ("FloatParser", (1, None), ["0"]),
    ("FloatParser", (1, 2), ["3"]), ("FloatParser", (None, 2.5), ["3"]),
    ("BooleanParser", (), ["TRUE", "t", "0", "F", "yes", 1, 0, 2, True, None]),
    ("ArgumentParser", (), ["s", 3]),
    ("EnumParser", (["A", "b"],), ["A", "a", "c"]),
    ("EnumParser", (["A", "b"], False), ["a", "B", "c"]),
    ("EnumClassParser", (Color,), ["RED", "red", Color.GREEN, 3, "blue"]),
    ("EnumClassParser", (Color, False), ["red", "BLUE", "x"]),
    ("ListParser", (), ["a,b", ' a , "b,c" ', "", 'a,"b', ["x"]]),
    ("WhitespaceSeparatedListParser", (), [" a  b\tc ", "a,b", ""]),
    ("WhitespaceSeparatedListParser", (True,), ["a,b c", ""]),
    ("BaseListParser", (";", "semi"), ["a; b;", ""]),
]


@pytest.mark.parametrize("cls, args, inputs", PARSE_CASES)
def test_parsers_match_absl(cls, args, inputs):
    def run(F):
        p = getattr(F, cls)(*args)
        return ([_outcome(lambda: p.parse(x)) for x in inputs], p.flag_type(),
                getattr(p, "syntactic_help", None))
    _same(run)


def test_parser_construction_and_serializers_match_absl():
    class Dup(enum.Enum):
        A = 1
        a = 2

    class Empty(enum.Enum):
        pass

    def run(F):
        return [
            _outcome(lambda: F.EnumParser([])),
            _outcome(lambda: F.EnumClassParser(int)),
            _outcome(lambda: F.EnumClassParser(Empty)),
            _outcome(lambda: F.EnumClassParser(Dup, case_sensitive=False)),
            F.EnumClassParser(Dup).parse("a"),
            F.ListSerializer(";").serialize([1, "a"]),
            F.CsvListSerializer(",").serialize(["a,b", "c", 'd"e', "f g"]),
            F.CsvListSerializer(";").serialize(["a;b"]),
            F.ArgumentSerializer().serialize(True),
            F.EnumClassSerializer(lowercase=True).serialize(Color.RED),
            F.EnumClassSerializer(lowercase=False).serialize(Color.RED),
            F.EnumClassListSerializer(",", lowercase=True).serialize([Color.RED, Color.blue]),
            _outcome(lambda: F.UnrecognizedFlagError("x", "v", ["y", "z"]).flagname),
            str(F.UnrecognizedFlagError("x", "v", ["y", "z"])),
            [issubclass(getattr(F, e), F.Error) for e in (
                "ValidationError", "IllegalFlagValueError", "UnrecognizedFlagError",
                "DuplicateFlagError", "UnparsedFlagAccessError", "CantOpenFlagFileError",
                "FlagNameConflictsWithMethodError")],
            issubclass(F.Error, ValueError),
        ]
    _same(run)


def test_flag_classes_match_absl():
    def run(F):
        fv = F.FlagValues()
        flags = [F.Flag(F.IntegerParser(), None, "i", "3", "an int", short_name="I"),
                 F.BooleanFlag("b", "true", "a bool"),
                 F.EnumFlag("e", "x", "an enum", ["x", "y"]),
                 F.EnumClassFlag("c", "green", "a color", Color),
                 F.MultiFlag(F.FloatParser(), F.ArgumentSerializer(), "m", ["1", 2],
                             "floats"),
                 F.MultiEnumClassFlag("mc", ["red", Color.blue], "colors", Color)]
        out = []
        for f in flags:
            F.DEFINE_flag(f, flag_values=fv)
        fv(["p", "-I", "4", "--nob", "--e=y", "--c=RED", "--m=3", "--mc=green"])
        for f in flags:
            out.append((f.name, f.value, f.default, f.present, _outcome(f.serialize),
                        f.flag_type(),
                        f.help, f.default_as_str, f == f, f.using_default_value))
            f.unparse()
            out.append((f.value, f.present))
        out.append(_outcome(lambda: F.Flag(F.IntegerParser(), None, "z", "q", "h")))
        once = F.Flag(F.ArgumentParser(), None, "o", "a", "h", allow_overwrite=False)
        F.DEFINE_flag(once, flag_values=fv)
        out.append(_outcome(lambda: fv(["p", "--o=1", "--o=2"])))
        return out
    _same(run)


def test_old_argument_names_and_global_flags_match_tf(monkeypatch):
    """TF1's tf.flags accepts flag_name/default_value/docstring and its FLAGS parses
    sys.argv on first read."""
    v1 = pytest.importorskip("tensorflow").compat.v1
    from graphc import tf_flags
    monkeypatch.setattr(sys, "argv", ["prog", "--parity_flags_n=4"])
    results = []
    for F in (v1.flags, gc_flags):
        fv = F.FlagValues()
        h = F.DEFINE_integer(flag_name="old", default_value=2, docstring="d",
                             flag_values=fv)
        results.append((h.name, h.default, fv["old"].help, _outcome(lambda: fv.old)))
    assert results[1] == results[0]
    v1.flags.DEFINE_integer("parity_flags_n", 1, "h")
    try:
        gfv = type(tf_flags.FLAGS)()
        gc_flags.DEFINE_integer("parity_flags_n", 1, "h", flag_values=gfv)
        assert gfv.parity_flags_n == v1.flags.FLAGS.parity_flags_n == 4
        assert isinstance(v1.flags.FLAGS, v1.flags.FlagValues)
        assert isinstance(gc_flags.FLAGS, gc_flags.FlagValues)
    finally:
        delattr(v1.flags.FLAGS, "parity_flags_n")
    assert sorted(n for n in dir(v1.flags) if not n.startswith("_") and
                  n != "tf_decorator") == sorted(gc_flags.__all__)
