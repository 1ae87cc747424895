"""Checkpoint files (TF1 tf.train's checkpoint functions): variable values in a .npz,
never a pickle, and a directory's "checkpoint" state file. TF's own checkpoints (an
.index table and .data shards, graphc/train/checkpoint_tf.py) are read as well: every
reader below takes either, told apart by the files.

A checkpoint is a path prefix such as "ckpt/model-1000". Its values live in
"ckpt/model-1000.npz": a zip of one .npy array per variable, keyed by the variable's
name ("dense/W"), the layout np.savez writes. Its graph, when asked for, lives in
"ckpt/model-1000.meta" (graphc.io.serialize). The directory's "checkpoint" file (TF's
CheckpointState text proto) names the latest checkpoint and those kept, relative to the
directory.

Every file is written to a temporary name and renamed into place, so a crash never
leaves half a checkpoint. Reading parses .npy headers and raw data only: nothing is
unpickled (allow_pickle=False), so an array of Python objects is refused.
"""
import collections
import difflib
import json
import os
import uuid
import warnings
import zipfile

import numpy as np

from .. import errors
from . import checkpoint_tf, checkpoint_tf_state

__all__ = ["CheckpointState", "latest_checkpoint", "get_checkpoint_state",
           "update_checkpoint_state", "checkpoint_exists", "list_variables",
           "load_variable", "remove_checkpoint", "get_checkpoint_mtimes",
           "generate_checkpoint_state_proto"]

DATA_SUFFIX = ".npz"
STATE_FILENAME = "checkpoint"


def _closest(name, headers):
    near = difflib.get_close_matches(name, list(headers), n=3, cutoff=0.5)
    return ", ".join(repr(n) for n in near) if near else "(nothing close)"


def _listing(headers, limit=20):
    items = [f"'{n}' {tuple(s)} {d}" for n, (s, d) in sorted(headers.items())]
    more = f", ... ({len(items) - limit} more)" if len(items) > limit else ""
    return (", ".join(items[:limit]) + more) if items else "nothing"


# ---- files ----------------------------------------------------------------------------
def _prefix(path):
    path = os.fspath(path)
    return path[:-len(DATA_SUFFIX)] if path.endswith(DATA_SUFFIX) else path


def _write_atomic(path, write):
    """Call write(file) on a temporary file next to `path`, then rename it to `path`."""
    directory, base = os.path.split(os.path.abspath(path))
    tmp = os.path.join(directory, f".{base}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _write_npz(f, arrays):
    # np.savez's layout, written directly: np.savez(file, **arrays) would take a
    # variable named "file" or "allow_pickle" for its own parameter.
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(arr), allow_pickle=False)


def _tf_bundle(path):
    """TF's checkpoint (a Bundle) when `path`'s prefix has no .npz but a TF .index
    (told by its LevelDB magic), else None. A TF V1 checkpoint is refused."""
    if os.path.isfile(path):
        return None
    prefix = _prefix(path)
    if checkpoint_tf.is_tf_checkpoint(prefix):
        return checkpoint_tf.Bundle(prefix)
    index = prefix + checkpoint_tf.INDEX_SUFFIX
    if os.path.isfile(index):
        raise errors.DataLossError(f"'{index}' is not a TF checkpoint index (no LevelDB "
                                   "table magic at its end: truncated or another file)")
    if os.path.isfile(prefix) and _table_file(prefix):
        raise errors.UnimplementedError(
            f"'{prefix}' is a TF V1 checkpoint (one table file, no .index); graphc reads "
            "TF's V2 checkpoints only: convert it with TF (restore it, save with "
            "write_version=tf.train.SaverDef.V2)")
    return None


def _table_file(path):
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() < checkpoint_tf.FOOTER_SIZE:
            return False
        f.seek(-8, os.SEEK_END)
        return int.from_bytes(f.read(8), "little") == checkpoint_tf.TABLE_MAGIC


def _headers(path):
    """{name: (shape, dtype)} of the checkpoint file `path` (the .npz path of a prefix),
    from the .npy headers, or from TF's .index when the prefix is TF's checkpoint."""
    bundle = _tf_bundle(path)
    if bundle is not None:
        return bundle.headers()
    if not os.path.isfile(path):
        prefix = _prefix(path)
        hint = (f" ('{prefix}' is a directory: pass gc.train.latest_checkpoint"
                f"('{prefix}'))" if os.path.isdir(prefix) else "")
        raise errors.NotFoundError(f"no checkpoint '{prefix}': looked for the file "
                                   f"'{path}' (and TF's '{prefix}.index'), which does not "
                                   f"exist{hint}")
    out = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if member.endswith(".npy"):
                    with zf.open(member) as f:
                        version = np.lib.format.read_magic(f)
                        read = {(1, 0): np.lib.format.read_array_header_1_0,
                                (2, 0): np.lib.format.read_array_header_2_0}.get(version)
                        if read is None:
                            raise ValueError(f"unsupported .npy version {version}")
                        shape, _, dtype = read(f)
                    out[member[:-4]] = (shape, dtype)
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise errors.GraphcError(f"'{path}' is not a graphc checkpoint (a zip of .npy "
                                 f"arrays, as np.savez writes): {e}") from e
    for name, (_, dtype) in out.items():
        if dtype.hasobject:
            raise errors.DTypeError(
                f"checkpoint '{path}' holds '{name}' as an array of Python objects "
                f"({dtype}); graphc reads numeric arrays only and never unpickles "
                "(allow_pickle=False)")
    return out


def _read(path, names, raw_object_graph=False):
    """{name: ndarray} for `names` of checkpoint file `path`, never unpickling. From a
    TF checkpoint, the object graph (a TrackableObjectGraph proto) comes as graphc's
    JSON bytes unless raw_object_graph."""
    bundle = _tf_bundle(path)
    if bundle is not None:
        out = bundle.read(names)
        if checkpoint_tf.OBJECT_GRAPH_KEY in out and not raw_object_graph:
            proto = out[checkpoint_tf.OBJECT_GRAPH_KEY][()]
            text = json.dumps(checkpoint_tf_state.object_graph_json(proto), separators=(",", ":"))
            out[checkpoint_tf.OBJECT_GRAPH_KEY] = np.array(text.encode("utf-8"))
        return out
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in names:
            with zf.open(name + ".npy") as f:
                out[name] = np.lib.format.read_array(f, allow_pickle=False)
    return out


def _checkpoint_file(ckpt_dir_or_file):
    """The .npz of a checkpoint prefix, or of the latest checkpoint of a directory."""
    if os.path.isdir(ckpt_dir_or_file):
        prefix = latest_checkpoint(ckpt_dir_or_file)
        if prefix is None:
            raise ValueError(f"Couldn't find '{STATE_FILENAME}' file or checkpoints in "
                             f"given directory {ckpt_dir_or_file}")
        return prefix + DATA_SUFFIX
    return _prefix(ckpt_dir_or_file) + DATA_SUFFIX


# ---- the state file and the module functions -------------------------------------------
CheckpointState = collections.namedtuple(
    "CheckpointState", ["model_checkpoint_path", "all_model_checkpoint_paths"])
CheckpointState.__doc__ = """What a directory's "checkpoint" file says (TF1's proto)."""


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                    all_model_checkpoint_paths=None):
    """The CheckpointState update_checkpoint_state writes: the kept paths with the
    latest last, relative to save_dir.

        gc.train.generate_checkpoint_state_proto("ckpt", "ckpt/model-7")
    """
    paths = [p for p in all_model_checkpoint_paths or () if p != model_checkpoint_path]
    paths.append(model_checkpoint_path)
    rel = [os.path.relpath(os.path.abspath(p), os.path.abspath(save_dir)) for p in paths]
    return CheckpointState(rel[-1], rel)


def update_checkpoint_state(save_dir, model_checkpoint_path,
                            all_model_checkpoint_paths=None, latest_filename=None):
    """Write save_dir's state file: the latest checkpoint and those kept (the latest
    last), as paths relative to save_dir, in TF's CheckpointState text format.

        gc.train.update_checkpoint_state("ckpt", "ckpt/model-7")
    """
    state = generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                            all_model_checkpoint_paths)
    from ..io.tf_graphdef_text import quote
    text = f"model_checkpoint_path: {quote(state.model_checkpoint_path)}\n" + "".join(
        f"all_model_checkpoint_paths: {quote(p)}\n" for p in state.all_model_checkpoint_paths)
    _write_atomic(os.path.join(save_dir, latest_filename or STATE_FILENAME),
                  lambda f: f.write(text.encode("utf-8")))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState of `checkpoint_dir` (paths joined to it), or None.

        state = gc.train.get_checkpoint_state("ckpt")
        state.model_checkpoint_path         # "ckpt/model-7"

    A state file that cannot be parsed gives a warning and None, as in TF1.
    """
    path = os.path.join(checkpoint_dir, latest_filename or STATE_FILENAME)
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # the text proto TF and graphc write ('model_checkpoint_path: "..."'), or the
        # JSON graphc wrote before
        data = json.loads(text) if text.lstrip().startswith("{") else \
            checkpoint_tf_state.parse_state_text(text)
        latest = data["model_checkpoint_path"]
        every = data.get("all_model_checkpoint_paths", [latest])
    except (ValueError, KeyError, TypeError) as e:
        warnings.warn(f"{path} is not a checkpoint state file ({e}); ignoring it")
        return None

    def full(p):
        return p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
    return CheckpointState(full(latest), [full(p) for p in every])


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the latest checkpoint in `checkpoint_dir`, or None if none exists.

        saver.restore(sess, gc.train.latest_checkpoint("ckpt"))
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not checkpoint_exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


def checkpoint_exists(checkpoint_prefix):
    """Whether a checkpoint's data file exists (takes the prefix or the .npz path):
    graphc's .npz or TF's .index.

        gc.train.checkpoint_exists("ckpt/model-7")      # True after saving it
    """
    return _data_path(checkpoint_prefix) is not None


def _data_path(checkpoint_prefix):
    """The file that says a checkpoint exists: its .npz, or TF's .index; or None."""
    prefix = _prefix(checkpoint_prefix)
    for path in (prefix + DATA_SUFFIX, prefix + checkpoint_tf.INDEX_SUFFIX):
        if os.path.isfile(path):
            return path
    return None


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of a checkpoint (or a directory's latest), sorted by name.

        gc.train.list_variables("ckpt")     # [("b", [2]), ("W", [3, 2]), ...]
    """
    headers = _headers(_checkpoint_file(ckpt_dir_or_file))
    return [(name, list(shape)) for name, (shape, _) in sorted(headers.items())]


def load_variable(ckpt_dir_or_file, name):
    """The value of variable `name` ("dense/W" or "dense/W:0") in a checkpoint.

        W = gc.train.load_variable("ckpt", "dense/W")      # a numpy array
    """
    name = name[:-2] if name.endswith(":0") else name
    path = _checkpoint_file(ckpt_dir_or_file)
    headers = _headers(path)
    if name not in headers:
        raise errors.NotFoundError(
            f"checkpoint '{_prefix(path)}' ({path}) has no variable '{name}'; closest: "
            f"{_closest(name, headers)}; it holds: {_listing(headers)}")
    return _read(path, [name], raw_object_graph=True)[name]


def get_checkpoint_mtimes(checkpoint_prefixes):
    """The modification times (seconds since the epoch) of the checkpoints that exist
    among `checkpoint_prefixes`, in order; the others are skipped (TF1)."""
    out = []
    for prefix in checkpoint_prefixes:
        path = _data_path(prefix)
        if path is not None:
            out.append(os.path.getmtime(path))
    return out


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=None,
                      meta_graph_suffix="meta"):
    """Delete a checkpoint's files: its values (graphc's .npz or TF's .index and .data
    files) and, if written, its graph (TF1)."""
    from .checkpoint_tf_write import bundle_files
    prefix = _prefix(checkpoint_prefix)
    for path in [prefix + DATA_SUFFIX, prefix + "." + meta_graph_suffix] + \
            bundle_files(prefix):
        if os.path.exists(path):
            os.remove(path)
