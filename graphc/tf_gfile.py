"""TF1's tf.gfile: local files on os/shutil/glob, with TF1's errors.

    import graphc.compat.v1 as tf
    with tf.gfile.GFile("/tmp/out.txt", "w") as f:
        f.write("steps: 100\\n")

`gfile` is a plain module object built from the functions below
(namespaces._namespace); the functions keep TF1's names and signatures.
"""
import contextlib
import glob as _glob
import io
import os
import shutil

from . import errors
from .namespaces import _namespace
from .tf1_misc9 import get_registered_schemes  # noqa: F401 (in both namespaces)


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
    "DeleteRecursively", "Rename", "Copy", "Glob", "ListDirectory", "Stat", "Walk",
    "get_registered_schemes"], globals())

# tf.io.gfile: the same functions under TF 2's snake_case names and argument names
def exists(path):
    """Whether path exists (tf.io.gfile.exists)."""
    return Exists(path)


def isdir(path):
    """Whether path is a directory (tf.io.gfile.isdir)."""
    return IsDirectory(path)


def mkdir(path):
    """Make directory path; its parent must exist (tf.io.gfile.mkdir)."""
    return MkDir(path)


def makedirs(path):
    """Make directory path and its missing parents (tf.io.gfile.makedirs)."""
    return MakeDirs(path)


def remove(path):
    """Delete file path (tf.io.gfile.remove)."""
    return Remove(path)


def rmtree(path):
    """Delete directory path and everything under it (tf.io.gfile.rmtree)."""
    return DeleteRecursively(path)


def rename(src, dst, overwrite=False):
    """Rename or move src to dst (tf.io.gfile.rename)."""
    return Rename(src, dst, overwrite)


def copy(src, dst, overwrite=False):
    """Copy file src to dst (tf.io.gfile.copy)."""
    return Copy(src, dst, overwrite)


def glob(pattern):
    """The paths matching pattern (tf.io.gfile.glob)."""
    return Glob(pattern)


def listdir(path):
    """The entries of directory path (tf.io.gfile.listdir)."""
    return ListDirectory(path)


def stat(path):
    """path's FileStatistics (tf.io.gfile.stat)."""
    return Stat(path)


def walk(top, topdown=True, onerror=None):
    """(dirname, subdirs, files) for top and each directory under it, parents first if
    topdown (tf.io.gfile.walk). A missing top calls onerror(NotFoundError), if given,
    and yields nothing."""
    if onerror is not None and not IsDirectory(top):
        try:
            ListDirectory(top)
        except errors.NotFoundError as e:
            onerror(e)
            return
    yield from Walk(top, topdown)


def join(path, *paths):
    """path and paths joined with '/' (tf.io.gfile.join; os.path.join's rules)."""
    return os.path.join(path, *paths)


io_gfile = _namespace("io.gfile", "tf.io.gfile: tf.gfile's functions, snake_case.", [
    "GFile", "copy", "exists", "glob", "isdir", "join", "listdir", "makedirs", "mkdir",
    "remove", "rename", "rmtree", "stat", "walk", "get_registered_schemes"], globals())
