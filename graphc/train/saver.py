"""Checkpoints (TF1 tf.train.Saver): variable values in a .npz, never a pickle.

A checkpoint is a path prefix such as "ckpt/model-1000". Its values live in
"ckpt/model-1000.npz": a zip of one .npy array per variable, keyed by the variable's
name ("dense/W"), the layout np.savez writes. Its graph, when asked for, lives in
"ckpt/model-1000.meta" (graphc.io.serialize). The directory's "checkpoint" file (JSON)
names the latest checkpoint and those kept, relative to the directory.

Every file is written to a temporary name and renamed into place, so a crash never
leaves half a checkpoint. Reading parses .npy headers and raw data only: nothing is
unpickled (allow_pickle=False), so an array of Python objects is refused.
"""
import collections
import difflib
import json
import os
import time
import uuid
import warnings
import zipfile

import numpy as np

from .. import errors
from ..graph import Tensor, get_default_graph
from ..ops.state import Variable, _stored, global_variables
from ..shapes import TensorShape, surely_differ

__all__ = ["Saver", "CheckpointState", "latest_checkpoint", "get_checkpoint_state",
           "update_checkpoint_state", "checkpoint_exists", "list_variables",
           "load_variable"]

DATA_SUFFIX = ".npz"
STATE_FILENAME = "checkpoint"


class Saver:
    """Saves variables to checkpoints and restores them (TF1: tf.train.Saver).

        saver = gc.train.Saver(max_to_keep=3)
        prefix = saver.save(sess, "ckpt/model", global_step=step)   # "ckpt/model-100"
        ...                                     # later, in a graph built the same way:
        saver.restore(sess, gc.train.latest_checkpoint("ckpt"))

    var_list: None (every global variable of the default graph), a list of Variables
    (saved under their names, e.g. "dense/W") or a dict {checkpoint name: Variable}.
    max_to_keep None or 0 keeps every file; the "checkpoint" file then names only the
    latest. reshape=True restores a value of another shape but the same size. sharded,
    restore_sequentially, write_version, save_relative_paths (paths are always relative)
    and filename are accepted for TF1 compatibility and change nothing.
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None,
                 restore_sequentially=False, saver_def=None, builder=None,
                 defer_build=False, allow_empty=False, write_version=2,
                 pad_step_number=False, save_relative_paths=False, filename=None):
        if saver_def is not None or builder is not None:
            raise NotImplementedError("graphc's Saver builds no save/restore ops: "
                                      "saver_def and builder are not supported")
        self._var_list = var_list   # as given; after build(): {checkpoint name: Variable}
        self._built = False
        self._reshape = reshape
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._next_keep_time = time.time() + keep_checkpoint_every_n_hours * 3600
        self._name = name or "save"
        self._allow_empty = allow_empty
        self._pad_step_number = pad_step_number
        self._last = []             # [(prefix, time saved)], oldest first
        self._graph = None
        if not defer_build:
            self.build()

    def build(self):
        """Resolve var_list (needed only after Saver(..., defer_build=True))."""
        if self._built:
            return
        var_list = global_variables() if self._var_list is None else self._var_list
        named = _named(var_list)
        if not named and not self._allow_empty:
            raise ValueError("No variables to save: var_list is empty (the default graph "
                             "has no variables yet?); Saver(allow_empty=True) makes a "
                             "Saver that saves nothing")
        self._var_list, self._built = named, True
        self._graph = (next(iter(self._var_list.values())).graph if self._var_list
                       else get_default_graph())

    @property
    def last_checkpoints(self):
        """The prefixes of the checkpoints kept, oldest first."""
        return [p for p, _ in self._last]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Replace the list of kept checkpoints: [(prefix, time saved)], oldest first."""
        self._last = [(p, t) for p, t in last_checkpoints_with_time]

    def recover_last_checkpoints(self, checkpoint_paths):
        """Adopt the checkpoints of an earlier run that still exist (e.g. a state's
        all_model_checkpoint_paths), so that max_to_keep goes on counting them."""
        now = time.time()
        self._last = [(p, now) for p in checkpoint_paths if checkpoint_exists(p)]

    # ---- save ---------------------------------------------------------------------
    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Write the variables' values in `sess`; returns the checkpoint prefix.

            saver.save(sess, "ckpt/model")                  # -> "ckpt/model"
            saver.save(sess, "ckpt/model", global_step=7)   # -> "ckpt/model-7"

        global_step: an int, or a tensor (e.g. the global step Variable) read from sess.
        write_meta_graph writes the graph to prefix + "." + meta_graph_suffix with
        graphc.io.serialize.export_meta_graph. write_state records the checkpoint in
        the directory's `latest_filename` ("checkpoint") and deletes the files of those
        that fall off max_to_keep.
        """
        self._check(sess, "save")
        if not self._var_list:
            return None
        if global_step is not None:
            step = int(sess.run(global_step)) if isinstance(global_step, Tensor) \
                else int(global_step)
            prefix = f"{save_path}-{step:08d}" if self._pad_step_number \
                else f"{save_path}-{step}"
        else:
            prefix = os.fspath(save_path)
        latest_filename = latest_filename or STATE_FILENAME
        if os.path.dirname(latest_filename):
            raise ValueError(f"latest_filename '{latest_filename}' must be a file name, "
                             "without a directory")
        directory = os.path.dirname(os.path.abspath(prefix))
        if not os.path.isdir(directory):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        # read every value first: an uninitialized variable writes nothing
        values = {name: _stored(sess, v.node) for name, v in self._var_list.items()}
        _write_atomic(prefix + DATA_SUFFIX, lambda f: _write_npz(f, values))
        if write_meta_graph:
            from ..io import serialize      # lazily: io may import train, not vice versa
            serialize.export_meta_graph(prefix + "." + meta_graph_suffix,
                                        graph=self._graph, saver=self)
        if write_state:
            dropped = self._record(prefix)
            update_checkpoint_state(directory, prefix, self.last_checkpoints,
                                    latest_filename)
            for old in dropped:
                for path in (old + DATA_SUFFIX, old + "." + meta_graph_suffix):
                    if os.path.exists(path):
                        os.remove(path)
        return prefix

    def _record(self, prefix):
        """Add `prefix` to the kept checkpoints; the prefixes whose files must go."""
        self._last = [(p, t) for p, t in self._last if p != prefix]
        self._last.append((prefix, time.time()))
        if not self._max_to_keep:
            self._last = self._last[-1:]    # TF1: keep every file, name only the latest
            return []
        dropped = []
        while len(self._last) > self._max_to_keep:
            old, saved = self._last.pop(0)
            if self._keep_hours and saved >= self._next_keep_time:
                self._next_keep_time += self._keep_hours * 3600     # kept for good
            else:
                dropped.append(old)
        return dropped

    # ---- restore ------------------------------------------------------------------
    def restore(self, sess, save_path):
        """Set the variables in `sess` to the values of checkpoint `save_path`.

            saver.restore(sess, gc.train.latest_checkpoint("ckpt"))

        All or nothing: every variable is checked (present, same dtype, same shape)
        before any is set. Variables need no initializer run first.
        """
        self._check(sess, "restore")
        if not self._var_list:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = _prefix(save_path)
        path = prefix + DATA_SUFFIX
        headers = _headers(path)
        missing = [name for name in self._var_list if name not in headers]
        if missing:
            lines = [f"  '{n}': {_describe(self._var_list[n])}; closest in the "
                     f"checkpoint: {_closest(n, headers)}" for n in missing]
            raise errors.NotFoundError(
                f"restore: checkpoint '{prefix}' ({path}) has no value for "
                f"{len(missing)} variable(s):\n" + "\n".join(lines) +
                f"\n  the checkpoint holds: {_listing(headers)}")
        wanted = _read(path, list(self._var_list))
        new = {v.node: _fit(wanted[name], name, v, path, self._reshape)
               for name, v in self._var_list.items()}
        sess._variables.update(new)

    def _check(self, sess, what):
        if not self._built:
            raise RuntimeError(f"build() should be called before {what} if defer_build "
                               "is True")
        if getattr(sess, "_closed", False):
            raise errors.GraphcError("attempted to use a closed Session")
        if self._var_list and sess.graph is not self._graph:
            raise errors.GraphError(
                f"Saver.{what}: the Session runs another graph than the one this Saver's "
                "variables belong to; build the Saver in the Session's graph (after "
                "rebuilding the model there)")


def _named(var_list):
    """{checkpoint name: Variable} from a list or dict; names must be unique."""
    items = list(var_list.items()) if isinstance(var_list, dict) else \
        [(getattr(getattr(v, "node", None), "name", None), v) for v in var_list]
    out = {}
    for name, v in items:
        if not isinstance(v, Variable):
            raise TypeError(f"Saver: var_list holds {type(v).__name__} {v!r}; it takes "
                            "gc.Variables only")
        if not isinstance(name, str) or not name:
            raise TypeError(f"Saver: checkpoint name {name!r} for {_describe(v)} is not "
                            "a non-empty string")
        if name in out:
            if out[name] is v:
                raise ValueError(f"Saver: {_describe(v)} appears twice in var_list")
            raise ValueError(f"Saver: two variables have the checkpoint name '{name}': "
                             f"{_describe(out[name])} and {_describe(v)}")
        out[name] = v
    if len({v.graph for v in out.values()}) > 1:
        raise errors.GraphError("Saver: var_list mixes variables of different graphs: "
                                + ", ".join(_describe(v) for v in out.values()))
    return out


def _describe(v):
    return (f"variable '{v.node.name}' (shape {v.shape}, {v.dtype.name}, created at "
            f"{errors.format_site(v.node.site)})")


def _closest(name, headers):
    near = difflib.get_close_matches(name, list(headers), n=3, cutoff=0.5)
    return ", ".join(repr(n) for n in near) if near else "(nothing close)"


def _listing(headers, limit=20):
    items = [f"'{n}' {tuple(s)} {d}" for n, (s, d) in sorted(headers.items())]
    more = f", ... ({len(items) - limit} more)" if len(items) > limit else ""
    return (", ".join(items[:limit]) + more) if items else "nothing"


def _fit(arr, name, v, path, reshape):
    """arr as the stored value of variable v: same dtype, and a shape v accepts."""
    if arr.dtype != v.dtype.np:
        raise errors.DTypeError(
            f"restore: {_describe(v)} cannot take '{name}' of checkpoint '{path}', which "
            f"is {arr.dtype.name} of shape {arr.shape}: graphc never casts on restore "
            f"(TF1 refuses too); build the variable with dtype={arr.dtype.name} or "
            "convert the checkpoint")
    dims = v.shape.dims and tuple(v.graph.dims.resolve(d) for d in v.shape.dims)
    if surely_differ(TensorShape(dims), TensorShape(arr.shape)):
        size = TensorShape(dims).num_elements()
        if reshape and size == arr.size:
            arr = arr.reshape(dims)
        else:
            hint = ("; Saver(reshape=True) restores a value of the same size into it"
                    if size == arr.size else "")
            raise errors.ShapeError(
                f"restore: {_describe(v)} cannot take '{name}' of checkpoint '{path}', "
                f"which has shape {arr.shape}{hint}")
    out = np.array(arr, dtype=v.dtype.np, copy=True, order="C")
    out.setflags(write=False)       # what Variable.load and assign store
    return out


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


def _headers(path):
    """{name: (shape, dtype)} of the checkpoint file `path`, from the .npy headers."""
    if not os.path.isfile(path):
        prefix = _prefix(path)
        hint = (f" ('{prefix}' is a directory: pass gc.train.latest_checkpoint"
                f"('{prefix}'))" if os.path.isdir(prefix) else "")
        raise errors.NotFoundError(f"no checkpoint '{prefix}': looked for the file "
                                   f"'{path}', which does not exist{hint}")
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


def _read(path, names):
    """{name: ndarray} for `names` of checkpoint file `path`, never unpickling."""
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


def update_checkpoint_state(save_dir, model_checkpoint_path,
                            all_model_checkpoint_paths=None, latest_filename=None):
    """Write save_dir's state file: the latest checkpoint and those kept (the latest
    last), as paths relative to save_dir.

        gc.train.update_checkpoint_state("ckpt", "ckpt/model-7")
    """
    paths = [p for p in all_model_checkpoint_paths or () if p != model_checkpoint_path]
    paths.append(model_checkpoint_path)
    rel = [os.path.relpath(os.path.abspath(p), os.path.abspath(save_dir)) for p in paths]
    text = json.dumps({"model_checkpoint_path": rel[-1],
                       "all_model_checkpoint_paths": rel}, indent=1) + "\n"
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
            data = json.load(f)
        latest = data["model_checkpoint_path"]
        every = data.get("all_model_checkpoint_paths", [latest])
    except (ValueError, KeyError, TypeError) as e:
        warnings.warn(f"{path} is not a graphc checkpoint state file ({e}); ignoring it")
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
    """Whether a checkpoint's data file exists (takes the prefix or the .npz path).

        gc.train.checkpoint_exists("ckpt/model-7")      # True after saving it
    """
    return os.path.isfile(_prefix(checkpoint_prefix) + DATA_SUFFIX)


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
    return _read(path, [name])[name]
