"""TF1's tf.logging, tf.gfile, tf.flags and tf.app (graphc/tf_logging.py, tf_gfile.py,
tf_flags.py), without TensorFlow."""
import io
import logging as pylog
import sys

import pytest

from graphc import errors, tf_flags
from graphc.tf_flags import app, flags
from graphc.tf_gfile import gfile
from graphc.tf_logging import logging as tflog


# ------------------------------------------------------------------------------------
# logging

@pytest.fixture
def log_records(caplog):
    """Messages the "graphc" logger emits, at DEBUG and up; verbosity restored after."""
    logger = pylog.getLogger("graphc")
    old = logger.level
    caplog.set_level(pylog.DEBUG, logger="graphc")
    yield caplog
    logger.setLevel(old)


def test_logging_constants_are_tf1s():
    assert (tflog.DEBUG, tflog.INFO, tflog.WARN, tflog.WARNING, tflog.ERROR,
            tflog.FATAL) == (10, 20, 30, 30, 40, 50)


def test_logging_levels_and_percent_args(log_records):
    tflog.set_verbosity(tflog.INFO)
    assert tflog.get_verbosity() == tflog.INFO
    tflog.debug("hidden %d", 1)
    tflog.info("x=%d y=%s", 3, "a")
    tflog.warn("warn %s", 1)
    tflog.warning("warning")
    tflog.error("err")
    tflog.fatal("fatal msg")                     # logs; does not exit
    tflog.log(tflog.INFO, "log %d", 5)
    tflog.vlog(tflog.WARN, "vlog %d", 6)
    got = [(r.levelno, r.getMessage()) for r in log_records.records]
    assert got == [(20, "x=3 y=a"), (30, "warn 1"), (30, "warning"), (40, "err"),
                   (50, "fatal msg"), (20, "log 5"), (30, "vlog 6")]
    assert all(r.name == "graphc" for r in log_records.records)
    assert {r.filename for r in log_records.records} == {"test_utils.py"}
    tflog.set_verbosity(tflog.DEBUG)
    tflog.debug("shown")
    assert log_records.records[-1].getMessage() == "shown"


def test_log_every_n_and_first_n_count_per_line(log_records):
    tflog.set_verbosity(tflog.INFO)
    for i in range(7):
        tflog.log_every_n(tflog.INFO, "every %d", 3, i)
    for i in range(5):
        tflog.log_first_n(tflog.INFO, "first %d", 2, i)
    for i in range(3):
        tflog.log_first_n(tflog.INFO, "other %d", 1, i)    # its own counter
    tflog.log_if(tflog.INFO, "if %d", True, 1)
    tflog.log_if(tflog.INFO, "if %d", False, 2)
    assert [r.getMessage() for r in log_records.records] == [
        "every 0", "every 3", "every 6", "first 0", "first 1", "other 0", "if 1"]
    assert {r.filename for r in log_records.records} == {"test_utils.py"}


# ------------------------------------------------------------------------------------
# gfile

def test_gfile_write_read_modes(tmp_path):
    p = tmp_path / "a.txt"
    with gfile.GFile(p, "w") as f:
        f.write("hello\r\nworld\n")
        f.write(b"bytes\n")
    assert gfile.GFile(p).read() == "hello\r\nworld\nbytes\n"
    assert gfile.GFile(str(p), "rb").read() == b"hello\r\nworld\nbytes\n"
    assert gfile.GFile(p).readlines() == ["hello\n", "world\n", "bytes\n"]  # TF1 drops \r
    assert list(gfile.Open(p)) == ["hello\n", "world\n", "bytes\n"]
    assert gfile.GFile(p, "rb").readline() == b"hello\n"
    f = gfile.GFile(p)
    assert (f.read(2), f.tell(), f.size(), f.mode, f.seekable()) == ("he", 2, 19, "r", True)
    f.seek(1)
    assert f.read(2) == "el"
    f.close()
    with gfile.GFile(p, "a") as f:
        f.write("more")
    assert gfile.FastGFile(p, "rb").read().endswith(b"bytes\nmore")
    with gfile.GFile(p, "w") as f:
        f.write("fresh")
    assert gfile.GFile(p).read() == "fresh"


def test_gfile_text_is_utf8_and_lazy(tmp_path):
    p = tmp_path / "u.txt"
    with gfile.GFile(p, "w") as f:
        f.write("h\u00e9\nline2")
    assert gfile.GFile(p).read() == "h\u00e9\nline2"
    assert gfile.GFile(p, "rb").read(3) == b"h\xc3\xa9"
    with gfile.GFile(tmp_path / "never", "w"):
        pass                                     # opened on first write: no file
    assert not gfile.Exists(tmp_path / "never")
    assert gfile.GFile(tmp_path / "missing").name.endswith("missing")   # no error yet


def test_gfile_errors(tmp_path):
    with pytest.raises(errors.NotFoundError, match="No such file"):
        gfile.GFile(tmp_path / "missing").read()
    with pytest.raises(errors.NotFoundError):
        gfile.GFile(tmp_path / "nodir" / "a.txt", "w").write("x")
    with pytest.raises(errors.FailedPreconditionError, match="directory"):
        gfile.GFile(tmp_path).read()
    with pytest.raises(ValueError, match="mode"):
        gfile.GFile(tmp_path / "x", "x")
    with pytest.raises(io.UnsupportedOperation):
        gfile.GFile(tmp_path / "w", "w").read()
    with pytest.raises(TypeError, match="Expected binary or unicode"):
        gfile.GFile(tmp_path / "w", "w").write(3)


def test_gfile_directories(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    gfile.MkDir("d")
    gfile.MkDir("d")                             # exists: fine, as in TF
    with pytest.raises(errors.NotFoundError):
        gfile.MkDir("x/y")
    gfile.MakeDirs("x/y/z")
    gfile.MakeDirs("x/y/z")
    with gfile.GFile("f.txt", "w") as f:
        f.write("abc")
    with pytest.raises(errors.FailedPreconditionError):
        gfile.MakeDirs("f.txt")
    assert gfile.IsDirectory("x") and not gfile.IsDirectory("f.txt")
    assert not gfile.IsDirectory("missing") and not gfile.Exists("missing")
    assert gfile.ListDirectory(".") == ["d", "f.txt", "x"]
    assert gfile.ListDirectory("x/") == ["y"]
    for bad in ("missing", "f.txt"):
        with pytest.raises(errors.NotFoundError, match="Could not find directory"):
            gfile.ListDirectory(bad)
    st = gfile.Stat("f.txt")
    assert (st.length, st.is_directory) == (3, False) and st.mtime_nsec > 0
    assert gfile.Stat("d").is_directory
    with pytest.raises(errors.NotFoundError):
        gfile.Stat("missing")
    assert list(gfile.Walk("x")) == [("x", ["y"], []), ("x/y", ["z"], []),
                                     ("x/y/z", [], [])]
    assert list(gfile.Walk("x", in_order=False)) == [("x/y/z", [], []), ("x/y", ["z"], []),
                                                     ("x", ["y"], [])]
    assert [w[0] for w in gfile.Walk(".")] == [".", "./d", "./x", "./x/y", "./x/y/z"]
    assert list(gfile.Walk("missing")) == []
    with pytest.raises(errors.FailedPreconditionError):
        gfile.Remove("d")
    gfile.DeleteRecursively("x")
    assert not gfile.Exists("x")
    with pytest.raises(errors.NotFoundError):
        gfile.DeleteRecursively("x")


def test_gfile_copy_rename_remove_glob(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with gfile.GFile("a.txt", "w") as f:
        f.write("A")
    gfile.Copy("a.txt", "b.txt")
    with pytest.raises(FileExistsError):         # TF1: AlreadyExistsError
        gfile.Copy("a.txt", "b.txt")
    gfile.Copy("a.txt", "b.txt", overwrite=True)
    with pytest.raises(errors.NotFoundError):
        gfile.Copy("missing", "c.txt")
    gfile.Rename("b.txt", "c.txt")
    assert not gfile.Exists("b.txt") and gfile.GFile("c.txt").read() == "A"
    with pytest.raises(FileExistsError):
        gfile.Rename("a.txt", "c.txt")
    gfile.Rename("a.txt", "c.txt", overwrite=True)
    with pytest.raises(errors.NotFoundError):
        gfile.Rename("missing", "q")
    with gfile.GFile("e.log", "w") as f:
        f.write("e")
    gfile.MkDir("sub")
    gfile.Copy("c.txt", "sub/s.txt")
    assert gfile.Glob("*.txt") == ["./c.txt"]
    assert gfile.Glob(["*.txt", "e*"]) == ["./c.txt", "./e.log"]
    assert gfile.Glob("sub/*") == ["sub/s.txt"]
    assert gfile.Glob("nomatch*") == []
    assert gfile.Glob(str(tmp_path / "*.log")) == [str(tmp_path / "e.log")]
    gfile.Remove("c.txt")
    with pytest.raises(errors.NotFoundError):
        gfile.Remove("c.txt")
    gfile.DeleteRecursively("e.log")             # a file: deleted, as in TF
    assert gfile.ListDirectory(".") == ["sub"]


# ------------------------------------------------------------------------------------
# flags and app

@pytest.fixture
def fv():
    F = type(flags.FLAGS)()         # TF's global kind: parses sys.argv on first read
    flags.DEFINE_string("name", "dflt", "h", flag_values=F)
    flags.DEFINE_integer("n", 3, "h", lower_bound=0, flag_values=F)
    flags.DEFINE_float("lr", 0.1, "h", flag_values=F)
    flags.DEFINE_boolean("verbose", False, "h", flag_values=F)
    flags.DEFINE_bool("b2", True, "h", flag_values=F)
    flags.DEFINE_enum("mode", "a", ["a", "b"], "h", flag_values=F)
    flags.DEFINE_list("items", "x,y", "h", flag_values=F)
    return F


def test_flags_parse(fv):
    rest = fv(["prog", "--name=bob", "-n", "0x10", "--lr", "1e-3", "--verbose", "--nob2",
               "pos1", "--mode=b", "--items=p,q,", "pos2"])
    assert rest == ["prog", "pos1", "pos2"]
    assert (fv.name, fv.n, fv.lr, fv.verbose, fv.b2, fv.mode, fv.items) == (
        "bob", 16, 0.001, True, False, "b", ["p", "q", ""])
    assert fv.is_parsed() and fv["n"].present == 1 and fv["n"].default == 3
    assert fv(["prog", "--verbose=false", "--b2=1", "-verbose"]) == ["prog"]
    assert (fv.verbose, fv.b2) == (True, True)
    assert fv(["prog", "--verbose=TRUE", "--lr", "-3"]) == ["prog"] and fv.lr == -3.0
    assert fv(["prog", "--", "--n=5", "x"]) == ["prog", "--n=5", "x"]
    assert fv(["prog", "--items="]) == ["prog"] and fv.items == []
    assert fv(["prog", "-", "--verbose", "true"]) == ["prog", "-", "true"]
    assert fv.flag_values_dict()["name"] == "bob" and "lr" in fv and "zz" not in fv


def test_flags_errors(fv):
    with pytest.raises(flags.UnrecognizedFlagError, match="'unknown'"):
        fv(["prog", "--unknown=3"])
    with pytest.raises(flags.IllegalFlagValueError, match="--n=abc"):
        fv(["prog", "--n=abc"])
    with pytest.raises(flags.IllegalFlagValueError, match="is not a non-negative integer"):
        fv(["prog", "--n=-1"])
    with pytest.raises(flags.IllegalFlagValueError, match="one of <a|b>"):
        fv(["prog", "--mode=c"])
    with pytest.raises(flags.IllegalFlagValueError, match="Non-boolean"):
        fv(["prog", "--verbose=yes"])
    with pytest.raises(flags.Error, match="Missing value"):
        fv(["prog", "--n"])
    with pytest.raises(ValueError, match="does not take an argument"):
        fv(["prog", "--noverbose=1"])
    with pytest.raises(flags.UnrecognizedFlagError):
        fv(["prog", "--nolr"])                   # --no only for booleans
    with pytest.raises(ValueError, match="program name"):
        fv([])
    with pytest.raises(TypeError):
        fv("prog --n=3")
    with pytest.raises(flags.DuplicateFlagError):
        flags.DEFINE_string("name", "x", "h", flag_values=fv)
    with pytest.raises(flags.IllegalFlagValueError):
        flags.DEFINE_integer("bad", "abc", "h", flag_values=fv)
    with pytest.raises(flags.IllegalFlagValueError):
        flags.DEFINE_enum("e2", "z", ["a"], "h", flag_values=fv)
    with pytest.raises(AttributeError):
        fv.missing
    with pytest.raises(flags.UnrecognizedFlagError):
        fv.missing = 3


def test_flags_known_only_set_and_unparse(fv):
    assert fv(["prog", "--unknown", "v", "--n=4", "--", "--x"], known_only=True) == [
        "prog", "--unknown", "v", "--", "--x"]
    assert fv.n == 4
    fv.n = 9                                     # assignment is not parsed (absl)
    assert fv.n == 9
    fv.unparse_flags()
    assert not fv.is_parsed() and fv["n"].value == 3
    del fv.n
    assert "n" not in fv


def test_flags_parse_sys_argv_on_first_read(fv, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["prog", "--n=7"])
    assert not fv.is_parsed()
    assert fv.n == 7 and fv.is_parsed()
    monkeypatch.setattr(sys, "argv", ["prog", "--n=8"])
    assert fv.n == 7                             # parsed once


def test_flags_parse_sys_argv_unknown_flag_raises(fv, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["prog", "--bogus"])
    with pytest.raises(flags.UnrecognizedFlagError):
        fv.n


def test_app_run(monkeypatch):
    F = flags.FlagValues()
    monkeypatch.setattr(tf_flags, "FLAGS", F)      # run() parses the global FLAGS
    flags.DEFINE_integer("steps", 5, "h", flag_values=F)
    seen = []

    def main(argv):
        seen.append((argv, F.steps))
        return 3

    with pytest.raises(SystemExit) as e:
        app.run(main, ["prog", "--steps=7", "--unknown", "v", "pos"])
    assert e.value.code == 3
    assert seen == [(["prog", "--unknown", "v", "pos"], 7)]
    monkeypatch.setattr(sys, "argv", ["prog", "--steps=2"])
    with pytest.raises(SystemExit) as e:
        app.run(main)
    assert e.value.code == 3 and seen[-1] == (["prog"], 2)
    with pytest.raises(flags.IllegalFlagValueError):
        app.run(main, ["prog", "--steps=abc"])
    assert app.flags is flags


def test_global_flags_object():
    assert isinstance(flags.FLAGS, flags.FlagValues)
    assert flags.DEFINE_bool is flags.DEFINE_boolean
