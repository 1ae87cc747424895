"""TF1's tf.resource_loader: paths of data files that sit next to a script (TF1 finds
them in Bazel runfiles; graphc does what TF1 does outside Bazel).

    here = gc.resource_loader.get_data_files_path()          # the calling script's dir
    path = gc.resource_loader.get_path_to_datafile("vocab.txt")   # here/vocab.txt
"""
import inspect
import os
import sys

__all__ = ["get_data_files_path", "get_path_to_datafile", "get_root_dir_with_all_resources",
           "load_resource", "readahead_file_path"]


def _caller_dir(depth):
    """The directory of the file `depth` frames above the caller of this helper."""
    return os.path.dirname(inspect.getfile(sys._getframe(depth + 1)))


def get_data_files_path():
    """The directory of the script that calls it (TF1).

        gc.resource_loader.get_data_files_path()   # e.g. '/home/me/project'
    """
    return _caller_dir(1)


def get_path_to_datafile(path):
    """`path` joined to the calling script's directory (TF1 outside Bazel runfiles).

        gc.resource_loader.get_path_to_datafile("data/x.txt")
    """
    return os.path.join(_caller_dir(1), path)


def get_root_dir_with_all_resources():
    """The directory just under the nearest enclosing '*.runfiles' directory of this
    module, else this module's directory (graphc's package dir), as TF1 does with its
    own module's location."""
    start = os.path.dirname(os.path.abspath(__file__))
    below, d = None, start
    while True:
        if ".runfiles" in os.path.basename(d):
            return below or start
        up = os.path.dirname(d)
        if up == d:
            return start
        below, d = d, up


def load_resource(path):
    """The bytes of the file at `path`, relative to the graphc package directory (TF1:
    relative to tensorflow/python/platform, its module's directory); OSError if missing.

        gc.resource_loader.load_resource("resource_loader.py")[3:6]   # b'TF1'
    """
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), path), "rb") as f:
        return f.read()


def readahead_file_path(path, readahead="128M"):
    """`path` unchanged: read-ahead is not implemented (TF1 neither)."""
    return path
