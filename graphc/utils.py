"""TF1's utility namespaces that are not graph ops: tf.logging, tf.gfile, tf.app, tf.flags.

    import graphc.compat.v1 as tf
    tf.logging.set_verbosity(tf.logging.INFO)
    tf.flags.DEFINE_integer("steps", 100, "training steps")
    with tf.gfile.GFile("/tmp/out.txt", "w") as f:
        f.write("steps: %d\\n" % tf.flags.FLAGS.steps)

Each namespace is a plain module object built from the functions below (`logging`,
`gfile`, `app`, `flags`); the functions keep TF1's names and signatures.
"""
import contextlib
import glob as _glob
import io
import logging as _pylog
import os
import shutil
import sys
import types

from . import errors


def _namespace(name, doc, members):
    """A module object named graphc.<name> holding `members` (names of this module)."""
    mod = types.ModuleType(f"graphc.{name}", doc)
    g = globals()
    for m in members:
        setattr(mod, m, g[m])
    mod.__all__ = list(members)
    return mod


# ------------------------------------------------------------------------------------
# tf.logging: Python's logging, logger "graphc"

DEBUG = _pylog.DEBUG
INFO = _pylog.INFO
WARN = _pylog.WARN
WARNING = _pylog.WARNING
ERROR = _pylog.ERROR
FATAL = _pylog.FATAL

_logger = _pylog.getLogger("graphc")
_log_counts = {}       # (filename, lineno) of a log_every_n/log_first_n call -> calls


def get_logger():
    """The "graphc" logger (TF1: tf.get_logger). As TF does, it gets a stderr handler
    on first use only when the root logger has none, so an app's own logging setup
    is respected and nothing is printed twice."""
    if not _logger.handlers and not _pylog.getLogger().handlers:
        handler = _pylog.StreamHandler(sys.stderr)
        handler.setFormatter(_pylog.Formatter(_pylog.BASIC_FORMAT))
        _logger.addHandler(handler)
    return _logger


def set_verbosity(v):
    """Log messages at level `v` (DEBUG, INFO, ...; or its name) and above."""
    get_logger().setLevel(v)


def get_verbosity():
    """The level below which messages are dropped."""
    return get_logger().getEffectiveLevel()


def log(level, msg, *args, **kwargs):
    """Log `msg % args` at `level`.

        tf.logging.log(tf.logging.INFO, "step %d loss %.3f", step, loss)
    """
    kwargs.setdefault("stacklevel", 2)    # the record names the caller's line
    get_logger().log(level, msg, *args, **kwargs)


def vlog(level, msg, *args, **kwargs):
    """TF1's verbose log: the same as log()."""
    kwargs.setdefault("stacklevel", 2)
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    kwargs.setdefault("stacklevel", 2)
    get_logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    kwargs.setdefault("stacklevel", 2)
    get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    kwargs.setdefault("stacklevel", 2)
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    kwargs.setdefault("stacklevel", 2)
    get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    """Log at FATAL (CRITICAL) level; as in TF1 this does not exit."""
    kwargs.setdefault("stacklevel", 2)
    get_logger().critical(msg, *args, **kwargs)


def log_if(level, msg, condition, *args):
    """Log `msg % args` at `level` if `condition` holds."""
    if condition:
        get_logger().log(level, msg, *args, stacklevel=2)


def _next_count():
    """How many times the caller's caller has run this line before (0 the first time)."""
    f = sys._getframe(2)
    key = (f.f_code.co_filename, f.f_lineno)
    n = _log_counts.get(key, -1) + 1
    _log_counts[key] = n
    return n


def log_every_n(level, msg, n, *args):
    """Log at the 1st, (n+1)th, (2n+1)th, ... call from the same line.

        for step in range(1000):
            tf.logging.log_every_n(tf.logging.INFO, "step %d", 100, step)
    """
    if _next_count() % n == 0:
        get_logger().log(level, msg, *args, stacklevel=2)


def log_first_n(level, msg, n, *args):
    """Log only at the first `n` calls from the same line."""
    if _next_count() < n:
        get_logger().log(level, msg, *args, stacklevel=2)


def flush():
    """Flush the logger's handlers."""
    for h in get_logger().handlers:
        h.flush()


logging = _namespace("logging", "TF1's tf.logging on Python's logging (logger 'graphc').", [
    "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "set_verbosity",
    "get_verbosity", "log", "vlog", "debug", "info", "warn", "warning", "error", "fatal",
    "log_if", "log_every_n", "log_first_n", "flush"])


# ------------------------------------------------------------------------------------
# tf.gfile: local files on os/shutil/glob, with TF1's errors

_MODES = ("r", "w", "a", "r+", "w+", "a+", "rb", "wb", "ab", "r+b", "w+b", "a+b", "rb+",
          "wb+", "ab+")


def _path(p):
    p = os.fspath(p)
    return p.decode() if isinstance(p, bytes) else p


@contextlib.contextmanager
def _file_errors(path):
    """Re-raise the OSErrors that TF1 names with graphc's error of that name: a missing
    path is errors.NotFoundError, a directory where a file must be (or the reverse)
    errors.FailedPreconditionError. Others (FileExistsError: TF1's AlreadyExistsError,
    PermissionError) stay the builtin OSError."""
    try:
        yield
    except FileNotFoundError as e:
        raise errors.NotFoundError(f"{path}; No such file or directory") from e
    except (IsADirectoryError, NotADirectoryError) as e:
        raise errors.FailedPreconditionError(f"{path}; {e.strerror}") from e


class GFile:
    """A local file (TF1: tf.gfile.GFile / Open). It opens on first use; text modes
    read and write UTF-8 without newline translation; write() takes str or bytes.

        with tf.gfile.GFile("/tmp/a.txt", "w") as f:
            f.write("hello\\n")
        lines = tf.gfile.GFile("/tmp/a.txt").readlines()     # ['hello\\n']
    """

    def __init__(self, name, mode="r"):
        if mode not in _MODES:
            raise ValueError(f"GFile mode {mode!r} is not 'r', 'w', 'a', 'r+', 'w+' or "
                             "'a+' (optionally with 'b')")
        self.name = _path(name)
        self.mode = mode
        self._binary = "b" in mode
        self._f = None

    def _file(self, reading):
        if reading and not ("r" in self.mode or "+" in self.mode):
            raise io.UnsupportedOperation(f"{self.name}: file isn't open for reading")
        if not reading and self.mode[0] == "r" and "+" not in self.mode:
            raise io.UnsupportedOperation(f"{self.name}: file isn't open for writing")
        if self._f is None:
            raw = self.mode.replace("b", "").replace("+", "") + "+" * ("+" in self.mode)
            with _file_errors(self.name):
                self._f = open(self.name, raw + "b")
        return self._f

    def _out(self, data):
        return data if self._binary else data.decode("utf-8")

    def read(self, n=-1):
        """Up to `n` bytes (all if n < 0), as str in a text mode."""
        return self._out(self._file(True).read(n))

    def readline(self):
        line = self._file(True).readline()
        return self._out(line.replace(b"\r", b""))     # TF1's line reader drops '\r'

    def readlines(self):
        return list(self)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def write(self, file_content):
        f = self._file(False)           # TF1 opens (creates) the file before the check
        if not isinstance(file_content, (str, bytes)):
            raise TypeError(f"Expected binary or unicode string, got {file_content!r}")
        if isinstance(file_content, str):
            file_content = file_content.encode("utf-8")
        f.write(file_content)

    def tell(self):
        return 0 if self._f is None else self._f.tell()

    def seek(self, offset=None, whence=0, position=None):
        """Move to `offset` (or TF1's deprecated `position`) relative to `whence`."""
        if position is not None:
            offset = position
        self._file(True).seek(offset, whence)

    def seekable(self):
        return True

    def size(self):
        with _file_errors(self.name):
            return os.stat(self.name).st_size

    def flush(self):
        if self._f is not None:
            self._f.flush()

    def close(self):
        if self._f is not None:
            self._f.close()
            self._f = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


Open = GFile
FastGFile = GFile


def Exists(filename):
    """True if `filename` exists (file or directory)."""
    return os.path.exists(_path(filename))


def IsDirectory(dirname):
    return os.path.isdir(_path(dirname))


def MkDir(dirname):
    """Make one directory; its parent must exist. An existing directory is fine."""
    dirname = _path(dirname)
    if os.path.isdir(dirname):
        return
    with _file_errors(dirname):
        os.mkdir(dirname)


def MakeDirs(dirname):
    """Make a directory and its missing parents; an existing directory is fine."""
    dirname = _path(dirname)
    with _file_errors(dirname):
        if os.path.exists(dirname) and not os.path.isdir(dirname):
            raise NotADirectoryError(20, "Not a directory", dirname)
        os.makedirs(dirname, exist_ok=True)


def Remove(filename):
    """Delete a file (not a directory: that is FailedPreconditionError)."""
    filename = _path(filename)
    with _file_errors(filename):
        if os.path.isdir(filename):
            raise IsADirectoryError(21, "Is a directory", filename)
        os.remove(filename)


def DeleteRecursively(dirname):
    """Delete a directory and everything under it (or a single file)."""
    dirname = _path(dirname)
    with _file_errors(dirname):
        if os.path.isdir(dirname) and not os.path.islink(dirname):
            shutil.rmtree(dirname)
        else:
            os.remove(dirname)


def _check_target(newpath, overwrite):
    if not overwrite and os.path.exists(newpath):
        raise FileExistsError(17, "file already exists", newpath)


def Rename(oldname, newname, overwrite=False):
    """Move `oldname` to `newname`; FileExistsError if that exists and not `overwrite`."""
    oldname, newname = _path(oldname), _path(newname)
    with _file_errors(oldname):
        os.stat(oldname)
        _check_target(newname, overwrite)
        os.replace(oldname, newname)


def Copy(oldpath, newpath, overwrite=False):
    """Copy a file; FileExistsError if `newpath` exists and not `overwrite`."""
    oldpath, newpath = _path(oldpath), _path(newpath)
    with _file_errors(oldpath):
        os.stat(oldpath)
        _check_target(newpath, overwrite)
        shutil.copyfile(oldpath, newpath)


def Glob(filename):
    """The paths matching a pattern (or any of a list of patterns), sorted. As in TF1
    a pattern without a directory gives paths under './'."""
    patterns = [filename] if isinstance(filename, (str, bytes, os.PathLike)) else filename
    found = []
    for pattern in map(_path, patterns):
        matches = sorted(_glob.glob(pattern))
        if not os.path.dirname(pattern):
            matches = [os.path.join(".", m) for m in matches]
        found.extend(matches)
    return found


def ListDirectory(dirname):
    """The names in a directory (sorted; without '.' and '..')."""
    dirname = _path(dirname)
    if not os.path.isdir(dirname):
        raise errors.NotFoundError(f"Could not find directory {dirname}")
    return sorted(os.listdir(dirname))


class FileStatistics:
    """What Stat returns: length in bytes, mtime_nsec, is_directory (TF1's fields)."""
    __slots__ = ("length", "mtime_nsec", "is_directory")

    def __init__(self, length, mtime_nsec, is_directory):
        self.length = length
        self.mtime_nsec = mtime_nsec
        self.is_directory = is_directory

    def __repr__(self):
        return (f"FileStatistics(length={self.length}, mtime_nsec={self.mtime_nsec}, "
                f"is_directory={self.is_directory})")


def Stat(filename):
    """FileStatistics of a path."""
    filename = _path(filename)
    with _file_errors(filename):
        st = os.stat(filename)
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(filename))


def Walk(top, in_order=True):
    """Yield (dirname, subdir names, file names) for `top` and every directory under it:
    parents first if `in_order`, else children first. A missing `top` yields nothing.

        for dirname, subdirs, files in tf.gfile.Walk("/tmp/logs"):
            ...
    """
    top = _path(top)
    stack = [(top, None)]     # (dirname, None): list it; (dirname, entry): yield entry
    while stack:
        dirname, entry = stack.pop()
        if entry is not None:
            yield entry
            continue
        try:
            names = ListDirectory(dirname)
        except errors.NotFoundError:
            continue
        subdirs = [n for n in names if os.path.isdir(os.path.join(dirname, n))]
        entry = (dirname, subdirs, [n for n in names if n not in subdirs])
        if in_order:
            yield entry
        else:
            stack.append((dirname, entry))      # after its subdirs (popped first)
        stack.extend((os.path.join(dirname, d), None) for d in reversed(subdirs))

gfile = _namespace("gfile", "TF1's tf.gfile for local files, on os/shutil/glob.", [
    "GFile", "Open", "FastGFile", "Exists", "IsDirectory", "MkDir", "MakeDirs", "Remove",
    "DeleteRecursively", "Rename", "Copy", "Glob", "ListDirectory", "Stat", "Walk"])


# ------------------------------------------------------------------------------------
# tf.flags (= tf.app.flags): absl-style command-line flags

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
    "UnrecognizedFlagError", "IllegalFlagValueError", "DuplicateFlagError"])


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


app = _namespace("app", "TF1's tf.app: run() and flags.", ["run", "flags"])
