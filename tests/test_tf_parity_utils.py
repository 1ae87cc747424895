"""graphc's TensorShape/Dimension API, tf.logging, tf.gfile and tf.flags against
TensorFlow's tf.compat.v1 (skipped where TensorFlow is not installed)."""
import logging as pylog
import operator

import pytest

from graphc import tf_flags, tf_gfile
from graphc.tf_logging import logging as gc_logging
from graphc.shapes import Dimension, TensorShape, dimension_at_index

tf = pytest.importorskip("tensorflow")
v1 = tf.compat.v1


def _outcome(fn):
    """fn()'s result, or the name of the exception class it raised (TF's and graphc's
    names for the same failure mapped to one)."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        name = type(e).__name__
        return "!" + {"ShapeError": "ValueError", "AlreadyExistsError": "FileExistsError",
                      "InvalidArgumentError": "ValueError",
                      "PermissionDeniedError": "UnsupportedOperation"}.get(name, name)


# ------------------------------------------------------------------------------------
# TensorShape and Dimension

def _shape_value(s):
    if isinstance(s, (TensorShape, v1.TensorShape)):
        return None if s.rank is None else [None if d is None else int(d) for d in
                                            (s.as_list())]
    return s


SHAPES = [None, (), (2,), (2, 3), (2, None), (None, 3), (None, None), (3, 3), (2, 3, 4),
          (0, None)]

SHAPE_METHODS = [
    ("merge_with", lambda a, b: a.merge_with(b)),
    ("is_compatible_with", lambda a, b: a.is_compatible_with(b)),
    ("most_specific_compatible_shape", lambda a, b: a.most_specific_compatible_shape(b)),
    ("concatenate", lambda a, b: a.concatenate(b)),
    ("add", lambda a, b: a + b),
    ("assert_is_compatible_with", lambda a, b: a.assert_is_compatible_with(b)),
    ("assert_same_rank", lambda a, b: a.assert_same_rank(b)),
]


@pytest.mark.parametrize("name, fn", SHAPE_METHODS, ids=[m[0] for m in SHAPE_METHODS])
def test_tensor_shape_binary_methods(name, fn):
    for a in SHAPES:
        for b in SHAPES:
            for other in (lambda s, b=b: s(b), lambda s, b=b: b):    # shape or raw dims
                want = _outcome(lambda: _shape_value(fn(v1.TensorShape(a),
                                                        other(v1.TensorShape))))
                got = _outcome(lambda: _shape_value(fn(TensorShape(a), other(TensorShape))))
                assert got == want, (name, a, b)


RANK_METHODS = [
    ("with_rank", lambda s, r: s.with_rank(r)),
    ("with_rank_at_least", lambda s, r: s.with_rank_at_least(r)),
    ("with_rank_at_most", lambda s, r: s.with_rank_at_most(r)),
    ("assert_has_rank", lambda s, r: s.assert_has_rank(r)),
]


@pytest.mark.parametrize("name, fn", RANK_METHODS, ids=[m[0] for m in RANK_METHODS])
def test_tensor_shape_rank_methods(name, fn):
    for a in SHAPES:
        for r in (0, 1, 2, 3):
            want = _outcome(lambda: _shape_value(fn(v1.TensorShape(a), r)))
            got = _outcome(lambda: _shape_value(fn(TensorShape(a), r)))
            assert got == want, (name, a, r)


def test_tensor_shape_unary_queries():
    for a in SHAPES:
        t, g = v1.TensorShape(a), TensorShape(a)
        assert g.ndims == t.ndims and g.rank == t.rank
        assert g.is_fully_defined() == t.is_fully_defined()
        assert g.num_elements() == t.num_elements()
        assert _outcome(g.assert_is_fully_defined) == _outcome(t.assert_is_fully_defined)
        for i in (0, 1, -1, 5):
            want = _outcome(lambda: tf.compat.dimension_value(
                v1.dimension_at_index(t, i)))
            assert _outcome(lambda: dimension_at_index(g, i).value) == want, (a, i)


DIMS = [0, 2, 3, 7, None]
DIM_OPS = [
    ("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
    ("floordiv", operator.floordiv), ("mod", operator.mod), ("eq", operator.eq),
    ("ne", operator.ne), ("lt", operator.lt), ("le", operator.le), ("gt", operator.gt),
    ("ge", operator.ge), ("truediv", operator.truediv),
    ("merge_with", lambda a, b: a.merge_with(b)),
    ("is_compatible_with", lambda a, b: a.is_compatible_with(b)),
    ("assert_is_compatible_with", lambda a, b: a.assert_is_compatible_with(b)),
]


def _dim_value(d):
    return d.value if isinstance(d, (Dimension, v1.Dimension)) else d


@pytest.mark.parametrize("name, op", DIM_OPS, ids=[o[0] for o in DIM_OPS])
def test_dimension_ops(name, op):
    for a in DIMS:
        for b in DIMS:
            for raw in (False, True):            # the other operand plain or a Dimension
                want = _outcome(lambda: _dim_value(op(v1.Dimension(a),
                                                      b if raw else v1.Dimension(b))))
                got = _outcome(lambda: _dim_value(op(Dimension(a),
                                                     b if raw else Dimension(b))))
                assert got == want, (name, a, b, raw)
                if raw and b is not None and name in ("add", "sub", "mul", "floordiv",
                                                      "mod", "eq", "lt", "truediv"):
                    want = _outcome(lambda: _dim_value(op(b, v1.Dimension(a))))
                    got = _outcome(lambda: _dim_value(op(b, Dimension(a))))
                    assert got == want, ("reflected", name, b, a)


def test_dimension_construction_and_conversions():
    for v in (0, 3, None, -1, 1.5, "3"):
        want = _outcome(lambda: v1.Dimension(v).value)
        got = _outcome(lambda: Dimension(v).value)
        if v == "3":    # graphc: a str is a named dim
            assert want == "!TypeError" and got == "3"
            continue
        assert got == want, v
    for v in (0, 3, None):
        assert bool(Dimension(v)) == bool(v1.Dimension(v))
        assert str(Dimension(v)) == str(v1.Dimension(v))
        assert repr(Dimension(v)) == repr(v1.Dimension(v))
        assert _outcome(lambda: int(Dimension(v))) == _outcome(lambda: int(v1.Dimension(v)))
        assert _outcome(lambda: hash(Dimension(v))) == _outcome(
            lambda: hash(v1.Dimension(v)))
    assert TensorShape([Dimension(None), Dimension(3)]) == TensorShape((None, 3))
    assert _shape_value(v1.TensorShape([v1.Dimension(None), v1.Dimension(3)])) == [None, 3]


# ------------------------------------------------------------------------------------
# logging

@pytest.fixture
def both_logs(caplog):
    loggers = [pylog.getLogger("graphc"), pylog.getLogger("tensorflow")]
    old = [lg.level for lg in loggers]
    for lg in loggers:
        caplog.set_level(pylog.DEBUG, logger=lg.name)
    yield caplog
    for lg, level in zip(loggers, old):
        lg.setLevel(level)


def _messages(caplog, name):
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == name]


def test_logging_matches_tf(both_logs):
    from tensorflow.python.platform import tf_logging
    assert [getattr(gc_logging, c) for c in ("DEBUG", "INFO", "WARN", "ERROR", "FATAL")
            ] == [getattr(v1.logging, c) for c in ("DEBUG", "INFO", "WARN", "ERROR",
                                                   "FATAL")]
    for L in (v1.logging, gc_logging):
        L.set_verbosity(L.INFO)
        assert L.get_verbosity() == L.INFO
        L.debug("hidden %d", 1)
        L.info("x=%d y=%s", 3, "a")
        L.warn("warn %s", 1)
        L.warning("warning %r", "q")
        L.error("err %.2f", 1.5)
        L.fatal("fatal msg")
        L.log(L.INFO, "log %d", 5)
        L.vlog(L.ERROR, "vlog %d", 6)
        L.log_if(L.INFO, "if %d", True, 1)
        L.log_if(L.INFO, "if %d", False, 2)
        L.set_verbosity(L.DEBUG)
        L.debug("shown %s", "now")
        # TF keys these counters by a frame inside its own wrapper, so every call site
        # shares one counter; graphc counts per call site. One site each compares.
        tf_logging._log_counter_per_token.clear()
        for i in range(7):
            L.log_every_n(L.INFO, "every %d", 3, i)
        tf_logging._log_counter_per_token.clear()
        for i in range(5):
            L.log_first_n(L.INFO, "first %d", 2, i)
    want = _messages(both_logs, "tensorflow")
    assert len(want) == 14
    assert _messages(both_logs, "graphc") == want


# ------------------------------------------------------------------------------------
# gfile: one script of operations, run in two fresh directories

def _gfile_script(G, cwd):
    """Outcomes of a sequence of gfile calls, with listings sorted (both libraries list
    a directory in an unspecified order)."""
    out = []

    def do(fn):
        out.append(_outcome(fn))

    def write(path, data, mode="w"):
        with G.GFile(path, mode) as f:
            f.write(data)

    do(lambda: G.GFile("missing").read())
    do(lambda: G.GFile("x", "x"))
    do(lambda: write("a.txt", "hello\r\nworld\n"))
    do(lambda: write("a.txt", b"bytes\n", "a"))
    do(lambda: G.GFile("a.txt").read())
    do(lambda: G.GFile("a.txt", "rb").read())
    do(lambda: G.GFile("a.txt").readlines())
    do(lambda: G.GFile("a.txt", "rb").readlines())
    do(lambda: list(G.Open("a.txt")))
    do(lambda: G.GFile("a.txt").read(3))
    do(lambda: G.FastGFile("a.txt", "rb").read())
    f = G.GFile("a.txt")
    do(lambda: (f.read(2), f.tell(), f.size(), f.mode, f.seekable()))
    do(lambda: (f.seek(1), f.read(3), f.readline()))
    f.close()
    do(lambda: G.GFile("w.txt", "w").read())
    do(lambda: write("nodir/a.txt", "x"))
    do(lambda: write("bad.txt", 3))
    with G.GFile("empty", "w"):
        pass
    do(lambda: G.Exists("empty"))
    do(lambda: G.Remove("missing"))
    do(lambda: G.Stat("missing"))
    do(lambda: G.ListDirectory("missing"))
    do(lambda: G.ListDirectory("a.txt"))
    do(lambda: G.DeleteRecursively("missing"))
    do(lambda: G.MkDir("d"))
    do(lambda: G.MkDir("d"))
    do(lambda: G.MkDir("x/y"))
    do(lambda: G.MakeDirs("x/y/z"))
    do(lambda: G.MakeDirs("x/y/z"))
    do(lambda: G.MakeDirs("a.txt"))
    do(lambda: G.Copy("a.txt", "b.txt"))
    do(lambda: G.Copy("a.txt", "b.txt"))
    do(lambda: G.Copy("a.txt", "b.txt", overwrite=True))
    do(lambda: G.Copy("missing", "c.txt"))
    do(lambda: G.Rename("b.txt", "c.txt"))
    do(lambda: G.Rename("a.txt", "c.txt"))
    do(lambda: G.Rename("a.txt", "c.txt", True))
    do(lambda: G.Rename("missing", "q"))
    do(lambda: G.Exists("a.txt"))
    do(lambda: G.Stat("c.txt").length)
    do(lambda: G.Stat("c.txt").is_directory)
    do(lambda: G.Stat("d").is_directory)
    do(lambda: G.Remove("d"))
    do(lambda: G.GFile("d").read())
    do(lambda: sorted(G.ListDirectory(".")))
    do(lambda: G.ListDirectory("x/"))
    do(lambda: sorted(G.Glob("*.txt")))
    do(lambda: G.Glob("nomatch*"))
    do(lambda: sorted(G.Glob(["*.txt", "e*"])))
    do(lambda: G.Glob("x/*"))
    do(lambda: G.Glob(str(cwd / "x" / "*")))
    for top in (".", "x", "x/", "missing"):
        for in_order in (True, False):
            walked = list(G.Walk(top, in_order=in_order))
            do(lambda: sorted((d, sorted(s), sorted(f)) for d, s, f in walked))
            dirs = [w[0] for w in walked]        # parents before (or after) children
            do(lambda: all((dirs.index(d) > dirs.index(p)) == in_order
                           for d in dirs for p in dirs if d.startswith(p + "/")))
    do(lambda: G.IsDirectory("x"))
    do(lambda: G.IsDirectory("missing"))
    do(lambda: G.IsDirectory("c.txt"))
    do(lambda: G.DeleteRecursively("c.txt"))
    do(lambda: G.Exists("c.txt"))
    do(lambda: G.DeleteRecursively("x"))
    do(lambda: G.Exists("x"))
    do(lambda: write("u.txt", "h\u00e9\nline2"))
    do(lambda: G.GFile("u.txt").read())
    do(lambda: G.GFile("u.txt").read(2))
    do(lambda: list(G.GFile("u.txt")))
    return out


def test_gfile_matches_tf(tmp_path, monkeypatch):
    (tmp_path / "tf").mkdir()
    (tmp_path / "gc").mkdir()
    monkeypatch.chdir(tmp_path / "tf")
    want = _gfile_script(v1.gfile, tmp_path / "tf")
    monkeypatch.chdir(tmp_path / "gc")
    got = _gfile_script(tf_gfile.gfile, tmp_path / "gc")
    want = [w.replace(str(tmp_path / "tf"), "<cwd>") if isinstance(w, str) else w
            for w in want]
    got = [g.replace(str(tmp_path / "gc"), "<cwd>") if isinstance(g, str) else g
           for g in got]
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        if isinstance(w, list) and w and isinstance(w[0], str):
            w = [s.replace(str(tmp_path / "tf"), "<cwd>") for s in w]
            g = [s.replace(str(tmp_path / "gc"), "<cwd>") for s in g]
        assert g == w, i


# ------------------------------------------------------------------------------------
# flags

def _define_all(F, D, fv):
    F.DEFINE_string("name", "dflt", "h", flag_values=fv)
    F.DEFINE_integer("n", 3, "h", lower_bound=0, flag_values=fv)
    F.DEFINE_float("lr", 0.1, "h", flag_values=fv)
    F.DEFINE_boolean("verbose", False, "h", flag_values=fv)
    F.DEFINE_bool("b2", True, "h", flag_values=fv)
    F.DEFINE_enum("mode", "a", ["a", "b"], "h", flag_values=fv)
    F.DEFINE_list("items", "x,y", "h", flag_values=fv)
    F.DEFINE_integer("maybe", None, "h", flag_values=fv)


ARGVS = [
    (["prog"], False),
    (["prog", "--name=bob", "-n", "0x10", "--lr", "1e-3", "--verbose", "--nob2", "pos1",
      "--mode=b", "--items=p,q,", "pos2"], False),
    (["prog", "--verbose=false", "--b2=1", "-verbose"], False),
    (["prog", "--verbose=TRUE", "--lr", "-3", "--n", "0o17"], False),
    (["prog", "--", "--n=5", "x"], False),
    (["prog", "--", "--n=5", "x"], True),
    (["prog", "--items="], False),
    (["prog", "--items", "a"], False),
    (["prog", "-", "--verbose", "true", "--maybe=4"], False),
    (["prog", "--unknown=3"], False),
    (["prog", "--unknown", "v", "--n=4", "pos"], True),
    (["prog", "--n=abc"], False),
    (["prog", "--n=-1"], False),
    (["prog", "--mode=c"], False),
    (["prog", "--verbose=yes"], False),
    (["prog", "--n"], False),
    (["prog", "--noverbose=1"], False),
    (["prog", "--nolr"], False),
    (["prog", "--VERBOSE"], False),
    (["prog", "--=3"], False),
    (["prog", "-3"], False),
    ([], False),
    ("prog", False),
]


@pytest.mark.parametrize("argv, known_only", ARGVS)
def test_flags_parse_matches_absl(argv, known_only):
    results = []
    for F in (v1.flags, tf_flags.flags):
        fv = F.FlagValues()
        _define_all(F, None, fv)
        rest = _outcome(lambda: fv(argv, known_only=known_only))
        values = _outcome(fv.flag_values_dict) if isinstance(rest, list) else None
        results.append((rest, values))
    assert results[1] == results[0]


def test_flags_definition_errors_match_absl():
    for F in (v1.flags, tf_flags.flags):
        fv = F.FlagValues()
        F.DEFINE_string("name", "x", "h", flag_values=fv)
        got = [_outcome(lambda: F.DEFINE_string("name", "y", "h", flag_values=fv)),
               _outcome(lambda: F.DEFINE_integer("bad", "abc", "h", flag_values=fv)),
               _outcome(lambda: F.DEFINE_enum("e", "z", ["a"], "h", flag_values=fv)),
               _outcome(lambda: F.DEFINE_list("l", "a,b", "h", flag_values=fv).default),
               _outcome(lambda: F.DEFINE_integer("i", "0x10", "h", flag_values=fv).default)]
        if F is v1.flags:
            want = got
    assert got == want


def test_app_run_matches_tf(monkeypatch):
    name = "steps_parity_utils"
    v1.flags.DEFINE_integer(name, 5, "h")        # TF's run parses its global FLAGS
    monkeypatch.setattr(tf_flags, "FLAGS", tf_flags.FlagValues())   # graphc's: a fresh one
    tf_flags.flags.DEFINE_integer(name, 5, "h", flag_values=tf_flags.FLAGS)
    results = []
    try:
        for lib in (v1, tf_flags):
            seen = []

            def main(argv, lib=lib, seen=seen):
                seen.append((argv, getattr(lib.flags.FLAGS if lib is v1 else tf_flags.FLAGS,
                                           name)))
                return 3

            with pytest.raises(SystemExit) as e:
                lib.app.run(main, ["prog", f"--{name}=7", "--unknown", "v", "pos"])
            bad = _outcome(lambda: lib.app.run(main, ["prog", f"--{name}=abc"]))
            results.append((e.value.code, seen, bad))
    finally:
        delattr(v1.flags.FLAGS, name)
    assert results[1] == results[0]
    assert results[0][1] == [(["prog", "--unknown", "v", "pos"], 7)]
