"""tf.flags / tf.app.flags (graphc/tf_flags*.py) without absl: definitions, argv
parsing, validators, FlagHolder, help and key flags, app.run, and docs/flags.md."""
import enum
import inspect
import os
import re
import sys
import types
import warnings

import pytest

import graphc as gc
from graphc import tf_flags
from graphc.tf_flags import app, flags as F


class Color(enum.Enum):
    RED = 1
    GREEN = 2


@pytest.fixture
def fv():
    fv = F.FlagValues()
    F.DEFINE_string("name", "dflt", "a name", flag_values=fv, short_name="s")
    F.DEFINE_integer("n", 3, "count", lower_bound=0, flag_values=fv)
    F.DEFINE_float("lr", 0.1, "rate", flag_values=fv)
    F.DEFINE_bool("verbose", False, "talk", flag_values=fv)
    F.DEFINE_enum_class("color", "red", Color, "c", flag_values=fv)
    F.DEFINE_list("items", "x,y", "items", flag_values=fv)
    F.DEFINE_spaceseplist("words", "a b", "words", flag_values=fv)
    F.DEFINE_multi_string("tag", None, "tags", flag_values=fv)
    F.DEFINE_multi_integer("mi", [1, 2], "ints", upper_bound=5, flag_values=fv)
    F.DEFINE_multi_float("mf", 0.5, "floats", flag_values=fv)
    F.DEFINE_multi_enum("me", ["a"], ["a", "b"], "enums", flag_values=fv)
    F.DEFINE_multi_enum_class("mc", Color.GREEN, Color, "colors", flag_values=fv)
    F.DEFINE_alias("nn", "n", flag_values=fv)
    return fv


def test_public_names_and_signatures():
    assert gc.flags is F and gc.app.flags is F and F.FLAGS is tf_flags.FLAGS
    for name in F.__all__:
        assert getattr(F, name) is getattr(tf_flags, name)
    assert "DEFINE_multi_enum_class" in F.__all__ and "FlagHolder" in F.__all__
    assert list(inspect.signature(F.DEFINE_string).parameters) == [
        "name", "default", "help", "flag_values", "required", "args"]
    assert list(inspect.signature(F.DEFINE_enum_class).parameters)[:7] == [
        "name", "default", "enum_class", "help", "flag_values", "module_name",
        "case_sensitive"]
    assert issubclass(F.IllegalFlagValueError, F.Error) and not issubclass(F.Error,
                                                                           ValueError)


def test_parse_every_kind(fv):
    rest = fv(["p", "-s", "bob", "--nn", "0x10", "pos1", "--lr=1e-3", "--verbose",
               "--color=GREEN", "--items=a,\"b,c\"", "--words= q  r ", "--tag=a",
               "--tag", "b", "--mi=3", "--mi=4", "--me=b", "--mc=red", "pos2"])
    assert rest == ["p", "pos1", "pos2"]
    assert (fv.name, fv.s, fv.n, fv.nn, fv.lr, fv.verbose, fv.color) == (
        "bob", "bob", 16, 16, 0.001, True, Color.GREEN)
    assert (fv.items, fv.words, fv.tag, fv.mi, fv.mf, fv.me, fv.mc) == (
        ["a", "b,c"], ["q", "r"], ["a", "b"], [3, 4], [0.5], ["b"], [Color.RED])
    assert fv["tag"].present == 2 and fv["mf"].present == 0
    assert fv["tag"].serialize() == "--tag=a\n--tag=b"
    assert fv["items"].serialize() == '--items=a,"b,c"'
    assert fv["color"].serialize() == "--color=green"
    assert fv["verbose"].serialize() == "--verbose"
    assert fv["n"].using_default_value and not fv["nn"].using_default_value


def test_parse_errors_and_messages(fv):
    cases = [
        (["p", "--n=-1"], F.IllegalFlagValueError,
         "flag --n=-1: -1 is not a non-negative integer"),
        (["p", "--mi=6"], F.IllegalFlagValueError, "flag --mi=6: 6 is not integer <= 5"),
        (["p", "--color=blue"], F.IllegalFlagValueError, "value should be one of <red|green>"),
        (["p", "--me=c"], F.IllegalFlagValueError, "flag --me=c: value should be one of <a|b>"),
        (["p", "--items=a,\"b"], F.IllegalFlagValueError, "Unable to parse the value"),
        (["p", "--nmae=x"], F.UnrecognizedFlagError,
         "Unknown command line flag 'nmae'. Did you mean: name ?"),
        (["p", "--n"], F.Error, "Missing value for flag --n"),
        (["p", "--noverbose=1"], ValueError, "--noverbose=1 does not take an argument"),
        (["p", "--verbose=yes"], F.IllegalFlagValueError, "Non-boolean argument"),
    ]
    for argv, cls, msg in cases:
        with pytest.raises(cls, match=re.escape(msg)):
            fv(argv)
    with pytest.raises(F.UnrecognizedFlagError) as e:
        fv(["p", "--zz=1"])
    assert (e.value.flagname, e.value.flagvalue) == ("zz", "--zz=1")


def test_known_only_undefok_and_gnu_getopt(fv):
    assert fv(["p", "--unknown", "v", "--n=4", "--", "--x"], known_only=True) == [
        "p", "--unknown", "v", "--", "--x"]
    assert fv(["p", "--undefok=foo,bar", "--foo=3", "--nobar", "--n=5"]) == ["p"]
    assert fv.n == 5
    fv.set_gnu_getopt(False)
    assert fv(["p", "--n=6", "pos", "--n=7"]) == ["p", "pos", "--n=7"] and fv.n == 6


def test_flagfile(fv, tmp_path):
    inner = tmp_path / "inner.cfg"
    inner.write_text("--n=7\n# comment\n// comment\n--verbose\n")
    outer = tmp_path / "outer.cfg"
    outer.write_text(f"--name=fromfile\n--flagfile={inner}\n--tag=t1\n")
    assert fv(["p", f"--flagfile={outer}", "pos", "--n=9"]) == ["p", "pos"]
    assert (fv.name, fv.n, fv.verbose, fv.tag) == ("fromfile", 9, True, ["t1"])
    with pytest.raises(F.CantOpenFlagFileError, match="Unable to open flagfile"):
        fv(["p", f"--flagfile={tmp_path / 'missing'}"])
    saved = tmp_path / "saved.cfg"
    fv.append_flags_into_file(str(saved))
    text = saved.read_text()
    assert "--n=9\n" in text and "--tag=t1\n" in text and "--verbose\n" in text


def test_unparsed_access_and_global_flags(fv, monkeypatch):
    with pytest.raises(F.UnparsedFlagAccessError,
                       match=r"Trying to access flag --n before flags were parsed\."):
        fv.n
    h = F.DEFINE_integer("extra", 1, "h", flag_values=fv)
    with pytest.raises(F.UnparsedFlagAccessError):
        h.value
    fv.mark_as_parsed()
    assert fv.n == 3 and h.value == 1
    # the global FLAGS (TF1's wrapper) parses sys.argv on first read instead
    g = type(F.FLAGS)()
    F.DEFINE_integer("steps", 1, "h", flag_values=g)
    monkeypatch.setattr(sys, "argv", ["prog", "--steps=7"])
    assert g.steps == 7 and g.is_parsed() and isinstance(F.FLAGS, F.FlagValues)


def test_assignment_defaults_and_unparse(fv):
    fv(["p", "--n=4"])
    fv.n = 9
    assert fv.n == 9 and fv["n"].present == 1
    with pytest.raises(F.IllegalFlagValueError, match="flag --n=-2: -2 is not a "):
        fv.n = -2
    assert fv.n == 9                          # undone
    with pytest.raises(F.UnrecognizedFlagError, match="'zz'"):
        fv.zz = 1
    fv.set_default("lr", 0.5)
    assert fv.lr == 0.5 and fv["lr"].default == 0.5
    fv.set_default("n", 11)                   # argv set n: its value stays
    assert fv.n == 9 and fv["n"].default == 11
    assert fv.get_flag_value("tag", ["x"]) == ["x"] and fv.get_flag_value("n", 0) == 9
    F.override_value(F.FlagHolder(fv, fv["lr"]), 0.25)
    assert fv.lr == 0.25
    with pytest.raises(F.IllegalFlagValueError, match="parsed value 5 not equal"):
        F.override_value(F.FlagHolder(fv, fv["n"]), "5")
    fv.unparse_flags()
    assert not fv.is_parsed() and fv["n"].value == 11 and fv["n"].present == 0
    del fv.s
    assert "s" not in fv and "name" in fv and len(fv) == 13


def test_flagholder():
    fv = F.FlagValues()
    h = F.DEFINE_string("r", None, "h", flag_values=fv, required=True)
    assert (h.name, h.default, h.present) == ("r", None, False)
    with pytest.raises(TypeError, match="did you mean to use 'FlagHolder.value'"):
        bool(h)
    with pytest.raises(TypeError, match="for ==: 'FlagHolder' and 'str'"):
        h == "x"
    with pytest.raises(F.IllegalFlagValueError,
                       match="Flag --r must have a value other than None"):
        fv(["p"])
    fv(["p", "--r=x"])
    assert h.value == "x" and h.present and h.serialize() == "--r=x"
    fv["r"].value = None
    with pytest.raises(F.IllegalFlagValueError, match="Unexpected None value for flag r"):
        h.value


def test_validators():
    fv = F.FlagValues()
    for n in ("a", "b"):
        F.DEFINE_integer(n, None, "h", flag_values=fv)
    F.DEFINE_integer("c", 5, "h", flag_values=fv)
    F.DEFINE_bool("p1", False, "h", flag_values=fv)
    F.DEFINE_bool("p2", False, "h", flag_values=fv)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        F.mark_flags_as_required(["a", "c"], flag_values=fv)
    assert [str(x.message) for x in w] == [
        "Flag --c has a non-None default value; therefore, mark_flag_as_required will "
        "pass even if flag is not specified in the command line!"]
    F.register_validator("c", lambda v: v < 10, message="c too big", flag_values=fv)

    @F.validator("c", flag_values=fv)
    def _not7(v):
        if v == 7:
            raise F.ValidationError("seven!")
        return True
    F.mark_flags_as_mutual_exclusive(["a", "b"], flag_values=fv)
    F.mark_bool_flags_as_mutual_exclusive(["p1", "p2"], required=True, flag_values=fv)
    with pytest.raises(F.IllegalFlagValueError) as e:
        fv(["p", "--c=12", "--b=1"])
    assert str(e.value) == (
        "flag --a=None: Flag --a must have a value other than None.\n"
        "flag --c=12: c too big\n"
        "flags p1=False, p2=False: Exactly one of (p1, p2) must be True.")
    fv.unparse_flags()                        # --b=1 would stay set otherwise
    with pytest.raises(F.IllegalFlagValueError, match="^flag --c=7: seven!$"):
        fv(["p", "--a=1", "--c=7", "--p1"])
    fv.unparse_flags()
    assert fv(["p", "--a=1", "--p2"]) == ["p"]
    with pytest.raises(F.IllegalFlagValueError,
                       match=r"flags a=1, b=2: At most one of \(a, b\) must have a value"):
        fv.b = 2
    with pytest.raises(F.ValidationError, match="Flag --a is not Boolean"):
        F.mark_bool_flags_as_mutual_exclusive(["a", "p1"], flag_values=fv)
    with pytest.raises(KeyError):
        F.register_validator("zz", bool, flag_values=fv)


def test_definition_errors():
    fv = F.FlagValues()
    F.DEFINE_string("name", "x", "first help", flag_values=fv)
    with pytest.raises(F.DuplicateFlagError, match=(
            f"The flag 'name' is defined twice. First from {__name__}, second from "
            f"{__name__}. Description from first occurrence: first help")):
        F.DEFINE_string("name", "y", "h", flag_values=fv)
    with pytest.raises(F.FlagNameConflictsWithMethodError, match="get_flag_value"):
        F.DEFINE_integer("get_flag_value", 1, "h", flag_values=fv)
    with pytest.raises(F.Error, match="Flag name cannot be empty"):
        F.DEFINE_integer("", 1, "h", flag_values=fv)
    with pytest.raises(F.IllegalFlagValueError, match="flag --s=3: flag value must be"):
        F.DEFINE_string("s", 3, "h", flag_values=fv)
    with pytest.raises(ValueError, match=r'enum_values cannot be empty, found "\[\]"'):
        F.DEFINE_enum("e", "a", [], "h", flag_values=fv)
    with pytest.raises(TypeError, match="is not a subclass of Enum"):
        F.DEFINE_enum_class("ec", None, int, "h", flag_values=fv)
    with pytest.raises(F.UnrecognizedFlagError, match="'nope'"):
        F.DEFINE_alias("al", "nope", flag_values=fv)


def test_old_argument_names(caplog):
    fv = F.FlagValues()
    h = F.DEFINE_float(flag_name="x", default_value=1, docstring="d", flag_values=fv)
    assert (h.name, h.default, fv["x"].help) == ("x", 1.0, "d")
    assert "deprecated" in caplog.text


def test_text_helpers(monkeypatch):
    assert F.text_wrap("a b c d", 4, indent=" ") == " a b\n c d"
    assert F.text_wrap("one two\n\nthree", 20, "  ", "* ") == "* one two\n\n  three"
    with pytest.raises(ValueError, match="Length of indent exceeds length"):
        F.text_wrap("x", 3, "   ")
    assert F.doc_to_help("  A\n    b\n    c.\n\n      d\n") == "A b c.\n\n  d"
    assert list(F.flag_dict_to_args({"a": 1, "b": True, "c": False, "d": None,
                                     "e": [1, 2], "g": [3, 4]}, multi_flags={"g"})) == [
        "--a=1", "--b", "--noc", "--d", "--e=1,2", "--g=3", "--g=4"]
    monkeypatch.setenv("COLUMNS", "55")
    assert F.get_help_width() == 55
    monkeypatch.setenv("COLUMNS", "wide")
    assert F.get_help_width() == 80          # not a terminal under pytest


def test_help_text(fv, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    F.DEFINE_string("long", "v", "A long help string that wraps because it is longer than "
                    "the width.", flag_values=fv)
    text = fv.module_help(__name__)
    assert text.startswith(f"\n{__name__}:\n  --color: <red|green>: c\n    (default: 'red')")
    assert "  --long: A long help string that wraps because it is longer\n    than the " \
           "width.\n    (default: 'v')" in text
    assert "  -s,--name: a name\n" in text and "  --[no]verbose: talk\n" in text
    assert "  --mi: ints;\n    repeat this option to specify a list of values\n" \
           "    (default: '[1, 2]')\n    (integer <= 5)" in text
    full = str(fv)
    assert full.startswith(text) and "\nabsl.flags:\n  --flagfile: Insert flag" in full
    assert "absl.flags" not in fv.get_help(include_special_flags=False)
    assert fv.find_module_defining_flag("n") == __name__
    assert fv.flags_into_string().startswith("--color=red\n--items=x,y\n--long=v\n")


def _module(name, code, **names):
    mod = types.ModuleType(name)
    mod.__dict__.update(F=F, **names)
    sys.modules[name] = mod
    try:
        exec(code, mod.__dict__)
    finally:
        del sys.modules[name]
    return mod


def test_key_flags():
    fv = F.FlagValues()
    lib = _module("keylib9", "h = F.DEFINE_integer('lib_n', 1, 'n', flag_values=FV)\n"
                  "F.DEFINE_bool('lib_b', True, 'b', flag_values=FV)\n", FV=fv)
    F.declare_key_flag(lib.h, flag_values=fv)
    F.declare_key_flag("flagfile", flag_values=fv)
    with pytest.raises(ValueError, match="Flag --nope is undefined"):
        F.declare_key_flag("nope", flag_values=fv)
    with pytest.raises(F.Error, match="Expected a module object, not 'keylib9'"):
        F.adopt_module_key_flags("keylib9", flag_values=fv)
    assert [f.name for f in fv.get_key_flags_for_module(__name__)] == ["lib_n", "flagfile"]
    _module("adopter9", "F.adopt_module_key_flags(LIB, flag_values=FV)\n", FV=fv, LIB=lib)
    assert [f.name for f in fv.get_key_flags_for_module("adopter9")] == ["lib_n", "lib_b"]
    # a wrapper module that disclaims: its definitions count for its caller
    wrap = _module("wrapper9", "F.disclaim_key_flags()\n"
                   "def define(fv):\n    F.DEFINE_string('w', 'x', 'h', flag_values=fv)\n")
    wrap.define(fv)
    assert fv.find_module_defining_flag("w") == __name__


def test_app_run_reads_sys_argv(monkeypatch):
    g = type(F.FLAGS)()
    monkeypatch.setattr(tf_flags, "FLAGS", g)
    F.DEFINE_multi_integer("k", [], "h", flag_values=g)
    monkeypatch.setattr(sys, "argv", ["prog", "--k=1", "--other", "--k", "2", "pos"])
    seen = []
    with pytest.raises(SystemExit) as e:
        app.run(lambda argv: seen.append((argv, g.k)))
    assert e.value.code is None and seen == [(["prog", "--other", "pos"], [1, 2])]


def test_docs_flags_md_runs(tmp_path, monkeypatch, capsys):
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "docs", "flags.md")
    with open(path, encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert len(blocks) == 3
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"flags.md[{i}]", "exec"), namespace)
    out = capsys.readouterr().out
    assert "--steps=32" in out and "lo must be <= hi" in out and "--tags=a,b" in out
