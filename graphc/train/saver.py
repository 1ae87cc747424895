"""Checkpoints (TF1 tf.train.Saver): save and restore variables' values.

The files (a .npz of the values, never unpickled; a "checkpoint" state file per
directory, TF's text format) are graphc/train/checkpoint.py's; with write_version=SaverDef.V2, TF's own
files (graphc/train/checkpoint_tf_write.py). Restore reads either format, told apart by
the files. The Saver chooses the prefixes, keeps max_to_keep of them and checks every
value against its variable before restoring.
"""
import os
import time

import numpy as np

from .. import errors
from .. import partitioned_ckpt as pc
from ..graph import Tensor, get_default_graph
from ..ops.state import Variable, _stored, global_variables
from ..shapes import TensorShape, surely_differ
from .checkpoint import (DATA_SUFFIX, STATE_FILENAME, _closest, _data_path, _headers,
                         _listing, _prefix, _read, _write_atomic, _write_npz,
                         checkpoint_exists, remove_checkpoint, update_checkpoint_state)
from .checkpoint_tf_write import bundle_files, write_bundle
from .object_graph import OBJECT_GRAPH_KEY, read_object_graph

__all__ = ["Saver", "SaverDef"]


class SaverDef(dict):
    """What a Saver saves and how (TF1's SaverDef proto): a dict, as a meta graph's JSON
    holds it (var_list {checkpoint name: variable's node name} and the Saver's
    settings), with TF's fields as attributes, and the checkpoint format versions:

        gc.train.Saver(write_version=gc.train.SaverDef.V2)     # TF's own files
        saver.saver_def.max_to_keep                             # 5

    filename_tensor_name, save_tensor_name and restore_op_name are the names TF's Saver
    gives its save and restore ops ("save/Const:0", "save/control_dependency:0",
    "save/restore_all"); graphc's Saver builds no such ops (Saver.save and
    Saver.restore do the work), so nothing in the graph has these names.
    """
    LEGACY = 0
    V1 = 1
    V2 = 2

    def _scoped(self, key, suffix):
        return self.get(key) or f"{self.get('name') or 'save'}/{suffix}"

    filename_tensor_name = property(lambda self: self._scoped("filename_tensor_name",
                                                              "Const:0"))
    save_tensor_name = property(lambda self: self._scoped("save_tensor_name",
                                                          "control_dependency:0"))
    restore_op_name = property(lambda self: self._scoped("restore_op_name", "restore_all"))
    max_to_keep = property(lambda self: self.get("max_to_keep", 5))
    sharded = property(lambda self: self.get("sharded", False))
    keep_checkpoint_every_n_hours = property(
        lambda self: self.get("keep_checkpoint_every_n_hours", 10000.0))
    # None: graphc's .npz files (not a TF format); SaverDef.V2: TF's
    version = property(lambda self: self.get("version"))


class Saver:
    """Saves variables to checkpoints and restores them (TF1: tf.train.Saver).

        saver = gc.train.Saver(max_to_keep=3)
        prefix = saver.save(sess, "ckpt/model", global_step=step)   # "ckpt/model-100"
        ...                                     # later, in a graph built the same way:
        saver.restore(sess, gc.train.latest_checkpoint("ckpt"))

    var_list: None (every global variable of the default graph), a list of Variables
    (saved under their names, e.g. "dense/W") or a dict {checkpoint name: Variable}.
    max_to_keep None or 0 keeps every file; the "checkpoint" file then names only the
    latest, and last_checkpoints is empty (TF1). reshape=True restores a value of another shape but the same size.
    write_version: None (graphc's .npz) or SaverDef.V2 (TF's .index and
    .data-00000-of-00001, which TF restores); restore reads both. sharded is kept in
    the saver_def (gc.io.export_tf_meta_graph writes TF1's sharded save ops for it; the
    files graphc writes are one shard, which TF reads alike); restore_sequentially,
    save_relative_paths (paths are always relative) and filename are accepted for TF1
    compatibility and change nothing.
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None,
                 restore_sequentially=False, saver_def=None, builder=None,
                 defer_build=False, allow_empty=False, write_version=None,
                 pad_step_number=False, save_relative_paths=False, filename=None):
        if saver_def is not None or builder is not None:
            raise NotImplementedError("graphc's Saver builds no save/restore ops: "
                                      "saver_def and builder are not supported (a "
                                      "saver_def: gc.train.Saver.from_proto(saver_def))")
        if write_version not in (None, SaverDef.V2):
            what = {SaverDef.V1: "SaverDef.V1 (TF's deprecated single-file format)",
                    SaverDef.LEGACY: "SaverDef.LEGACY"}.get(write_version,
                                                            repr(write_version))
            raise errors.UsageError(f"Saver: write_version {what} is not supported: pass "
                                    "None (graphc's .npz files) or gc.train.SaverDef.V2 "
                                    "(TF's V2 checkpoint files)")
        self._write_version = write_version
        self._var_list = var_list   # as given; after build(): {checkpoint name: Variable}
        self._built = False
        self._reshape = reshape
        self._sharded = bool(sharded)
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
        named = _named(pc.expand(var_list) if pc.has_slices(var_list) else var_list)
        if not named and not self._allow_empty:
            raise errors.UsageError("No variables to save: var_list is empty (the default "
                                    "graph has no variables yet?); Saver(allow_empty=True) "
                                    "makes a Saver that saves nothing")
        self._var_list, self._built = named, True
        self._graph = (next(iter(self._var_list.values())).graph if self._var_list
                       else get_default_graph())

    # ---- its definition (TF1's SaverDef) -----------------------------------------------
    def as_saver_def(self):
        """What this Saver saves and how, a SaverDef (a dict with TF1's SaverDef
        fields as attributes): var_list {checkpoint name: variable's node name} and the
        Saver's settings. A meta graph carries it; Saver.from_proto rebuilds the Saver
        from it.

            meta = gc.train.export_meta_graph(saver_def=saver.as_saver_def())
        """
        self.build()
        return SaverDef({"var_list": {k: v.node.name for k, v in self._var_list.items()},
                         "max_to_keep": self._max_to_keep,
                         "keep_checkpoint_every_n_hours": self._keep_hours,
                         "version": self._write_version, "name": self._name,
                         "pad_step_number": self._pad_step_number,
                         "reshape": self._reshape, "allow_empty": self._allow_empty,
                         "sharded": self._sharded})

    saver_def = property(as_saver_def)

    def to_proto(self, export_scope=None):
        """as_saver_def(), its variables' names relative to export_scope (what
        from_proto's import_scope undoes); None when one of them is outside it. TF1
        tests its save ops' names instead, which graphc's Saver does not have."""
        saver_def = self.as_saver_def()
        if export_scope is None:
            return saver_def
        scope = export_scope.rstrip("/") + "/"
        names = saver_def["var_list"]
        if not all(n.startswith(scope) for n in names.values()):
            return None
        saver_def["var_list"] = {k: n[len(scope):] for k, n in names.items()}
        return saver_def

    @staticmethod
    def from_proto(saver_def, import_scope=None):
        """The Saver a saver_def (as_saver_def, to_proto, a meta graph's) describes, over
        the variables of that name (under import_scope) in the default graph (TF1)."""
        graph = get_default_graph()
        scope = import_scope.rstrip("/") + "/" if import_scope else ""
        return saver_from_def(saver_def, lambda n: graph.get_tensor_by_name(f"{scope}{n}:0"))

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False,
                          clear_extraneous_savers=False, strip_default_attrs=False,
                          save_debug_info=False):
        """The Saver's graph as a meta graph carrying this Saver's saver_def, written to
        filename if given (TF1; the arguments are gc.train.export_meta_graph's).

            saver.export_meta_graph("ckpt/model.meta")
            saver = gc.train.import_meta_graph("ckpt/model.meta")  # the same var_list
        """
        from ..io import serialize      # lazily: io may import train, not vice versa
        return serialize.export_meta_graph(
            filename, saver_def=self.as_saver_def(), collection_list=collection_list,
            as_text=as_text, graph=self._graph, export_scope=export_scope,
            clear_devices=clear_devices, clear_extraneous_savers=clear_extraneous_savers,
            strip_default_attrs=strip_default_attrs, save_debug_info=save_debug_info)

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
            raise errors.UsageError(f"latest_filename '{latest_filename}' must be a file "
                                    "name, without a directory")
        directory = os.path.dirname(os.path.abspath(prefix))
        if not os.path.isdir(directory):
            # TF1 makes the one missing directory (its writer's), not more levels
            if not os.path.isdir(os.path.dirname(directory)):
                raise errors.UsageError(f"Parent directory of {save_path} doesn't exist, "
                                        "can't save.")
            os.makedirs(directory, exist_ok=True)
        # read every value first: an uninitialized variable writes nothing
        # (the parts of a partitioned variable as one value under its full name)
        values = pc.saved_values(self._var_list, lambda v: _stored(sess, v.node),
                                 sliced=self._write_version == SaverDef.V2)
        # one format per prefix: the other's files would be read instead (.npz first)
        if self._write_version == SaverDef.V2:
            if os.path.exists(prefix + DATA_SUFFIX):
                os.remove(prefix + DATA_SUFFIX)
            write_bundle(prefix, values, _write_atomic)
        else:
            for path in bundle_files(prefix):
                os.remove(path)
            _write_atomic(prefix + DATA_SUFFIX, lambda f: _write_npz(f, values))
        if write_meta_graph:
            from ..io.serialize import SerializationError
            try:
                self.export_meta_graph(prefix + "." + meta_graph_suffix,
                                       strip_default_attrs=strip_default_attrs,
                                       save_debug_info=save_debug_info)
            except SerializationError as e:
                # a graph JSON cannot hold (a py_func, a custom_gradient): the variables
                # are saved all the same, as TF1 would save them; say what is missing
                from ..tf_logging import warning
                warning("Saver.save: %s not written (the checkpoint's variables are): %s",
                        prefix + "." + meta_graph_suffix, e)
        if write_state:
            dropped = self._record(prefix)
            update_checkpoint_state(directory, prefix, self.last_checkpoints,
                                    latest_filename)
            for old in dropped:
                remove_checkpoint(old, meta_graph_suffix=meta_graph_suffix)
        return prefix

    def _record(self, prefix):
        """Add `prefix` to the kept checkpoints; the prefixes whose files must go."""
        self._last = [(p, t) for p, t in self._last if p != prefix]
        self._last.append((prefix, time.time()))
        if not self._max_to_keep:
            self._last = []                 # TF1: keep every file, record none of them
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
            raise errors.UsageError("Can't load save_path when it is None.")
        prefix = _prefix(save_path)
        try:
            headers = _headers(prefix + DATA_SUFFIX)
        except errors.NotFoundError as e:   # no such checkpoint: TF1's ValueError
            if _data_path(prefix) is None:
                raise errors.UsageError(f"The passed save_path is not a valid checkpoint: "
                                        f"{prefix}\n  {e}") from None
            raise
        path = _data_path(prefix) or prefix + DATA_SUFFIX     # for messages
        names = pc.checkpoint_names(self._var_list)     # a part: its full variable's
        missing = [key for key, name in names.items() if name not in headers]
        if missing and OBJECT_GRAPH_KEY in headers:     # a tf.train.Checkpoint's: TF1
            by_name = _object_graph_keys(prefix + DATA_SUFFIX)  # finds the variables'
            names = {k: by_name.get(n, n) for k, n in names.items()}    # keys by name
            missing = [key for key, name in names.items() if name not in headers]
        if missing:
            lines = [f"  '{names[n]}': {_describe(self._var_list[n])}; closest in the "
                     f"checkpoint: {_closest(names[n], headers)}" for n in missing]
            raise errors.NotFoundError(
                f"restore: checkpoint '{prefix}' ({path}) has no value for "
                f"{len(missing)} variable(s):\n" + "\n".join(lines) +
                f"\n  the checkpoint holds: {_listing(headers)}")
        wanted = _read(prefix + DATA_SUFFIX, sorted(set(names.values())))
        new = {v.node: _fit(pc.restored_value(key, wanted[names[key]], path, v), names[key], v,
                            path, self._reshape)
               for key, v in self._var_list.items()}
        sess._variables.update(new)

    def _check(self, sess, what):
        if not self._built:
            raise RuntimeError(f"build() should be called before {what} if defer_build "
                               "is True")
        if getattr(sess, "_closed", False):
            raise errors.ClosedSessionError()
        if self._var_list and sess.graph is not self._graph:
            raise errors.GraphError(
                f"Saver.{what}: the Session runs another graph than the one this Saver's "
                "variables belong to; build the Saver in the Session's graph (after "
                "rebuilding the model there)")


def _object_graph_keys(path):
    """{variable name: checkpoint key} of an object-based checkpoint's variables (the
    full names its object graph records)."""
    try:
        nodes = read_object_graph(path)["nodes"]
    except (UnicodeDecodeError, ValueError, KeyError):     # not graphc's (TF's proto)
        return {}
    return {a["full_name"]: a["checkpoint_key"] for node in nodes
            for a in node.get("attributes", ()) if a.get("full_name")}


def saver_from_def(saver_def, tensor):
    """The Saver of saver_def (Saver.as_saver_def), each variable `tensor(its name)`."""
    d = saver_def
    return Saver({k: tensor(n) for k, n in d["var_list"].items()},
                 reshape=d.get("reshape", False), sharded=d.get("sharded", False),
                 max_to_keep=d.get("max_to_keep", 5),
                 keep_checkpoint_every_n_hours=d.get("keep_checkpoint_every_n_hours", 10000.0),
                 name=d.get("name"), allow_empty=d.get("allow_empty", False),
                 write_version=d.get("version"),
                 pad_step_number=d.get("pad_step_number", False))


def _named(var_list):
    """{checkpoint name: Variable} from a list or dict; names must be unique."""
    items = list(var_list.items()) if isinstance(var_list, dict) else \
        [(getattr(getattr(v, "node", None), "name", None), v) for v in var_list]
    out = {}
    for name, v in items:
        if not isinstance(v, Variable):
            raise errors.UsageTypeError(f"Saver: var_list holds {type(v).__name__} {v!r}; "
                                        "it takes gc.Variables only")
        if not isinstance(name, str) or not name:
            raise errors.UsageTypeError(f"Saver: checkpoint name {name!r} for {_describe(v)} "
                                        "is not a non-empty string")
        if name in out:
            if out[name] is v:
                raise errors.UsageError(f"Saver: {_describe(v)} appears twice in var_list")
            raise errors.UsageError(f"Saver: two variables have the checkpoint name "
                                    f"'{name}': {_describe(out[name])} and {_describe(v)}")
        out[name] = v
    if len({id(v) for v in out.values()}) < len(out):
        twice = [n for n, v in out.items() if sum(u is v for u in out.values()) > 1]
        raise errors.UsageError(f"Saver: one variable is saved under two names {twice} "
                                "(TF1: the same saveable will be restored with two names)")
    if len({v.graph for v in out.values()}) > 1:
        raise errors.GraphError("Saver: var_list mixes variables of different graphs: "
                                + ", ".join(_describe(v) for v in out.values()))
    return out


def _describe(v):
    return (f"variable '{v.node.name}' (shape {v.shape}, {v.dtype.name}, created at "
            f"{errors.format_site(v.node.site)})")


def _fit(arr, name, v, path, reshape):
    """arr as the stored value of variable v: same dtype, and a shape v accepts."""
    if arr.dtype != v.dtype.np:
        raise errors.CheckpointDTypeError(
            f"restore: {_describe(v)} cannot take '{name}' of checkpoint '{path}', which "
            f"is {arr.dtype.name} of shape {arr.shape}: graphc never casts on restore "
            f"(TF1 refuses too); build the variable with dtype={arr.dtype.name} or "
            "convert the checkpoint")
    dims = v.shape._dims and tuple(v.graph.dims.resolve(d) for d in v.shape._dims)
    if surely_differ(TensorShape(dims), TensorShape(arr.shape)):
        size = TensorShape(dims).num_elements()
        if reshape and size == arr.size:
            arr = arr.reshape(dims)
        else:
            hint = ("; Saver(reshape=True) restores a value of the same size into it"
                    if size == arr.size else "")
            raise errors.CheckpointShapeError(
                f"restore: {_describe(v)} cannot take '{name}' of checkpoint '{path}', "
                f"which has shape {arr.shape}{hint}")
    out = np.array(arr, dtype=v.dtype.np, copy=True, order="C")
    out.setflags(write=False)       # what Variable.load and assign store
    return out
