"""Checkpoint readers and checkpoint-initialized variables (TF1: tf.train.
NewCheckpointReader, load_checkpoint, init_from_checkpoint, warm_start), on the files
of graphc/train/checkpoint.py.

    reader = gc.train.load_checkpoint("ckpt")
    reader.get_variable_to_shape_map()          # {"dense/W": [3, 2], ...}
    gc.train.init_from_checkpoint("ckpt", {"old_scope/": "new_scope/"})
"""
import collections
import re

import numpy as np

from .. import dtypes, errors
from ..graph import get_default_graph
from ..ops.state import Variable
from ..partitioned_ckpt import SliceDTypeError, SliceShapeError
from ..shapes import TensorShape, surely_differ
from .checkpoint import _checkpoint_file, _headers, _prefix, _read, DATA_SUFFIX

# CheckpointReader itself is not public in TF1's tf.train either
__all__ = ["NewCheckpointReader", "load_checkpoint", "init_from_checkpoint", "warm_start",
           "VocabInfo"]


class CheckpointReader:
    """Reads one checkpoint's variables (TF1's CheckpointReader).

        reader = gc.train.NewCheckpointReader("ckpt/model-10")
        reader.has_tensor("dense/W")            # True
        W = reader.get_tensor("dense/W")        # a numpy array
    """

    def __init__(self, path):
        self._path = path
        try:
            self._headers = _headers(path)
        except errors.NotFoundError:
            raise errors.NotFoundError(
                "Unsuccessful TensorSliceReader constructor: Failed to find any matching "
                f"files for {_prefix(path)}") from None

    def has_tensor(self, tensor_str):
        """Whether the checkpoint holds `tensor_str` (a name without ":0")."""
        return tensor_str in self._headers

    def get_tensor(self, tensor_str):
        """The value of `tensor_str`, a numpy array (a numpy scalar for shape ())."""
        if tensor_str not in self._headers:
            raise errors.NotFoundError(f"Key {tensor_str} not found in checkpoint")
        arr = _read(self._path, [tensor_str], raw_object_graph=True)[tensor_str]
        return arr[()] if arr.ndim == 0 else arr

    def get_variable_to_shape_map(self):
        """{name: shape as a list of ints}."""
        return {n: list(s) for n, (s, _) in self._headers.items()}

    def get_variable_to_dtype_map(self):
        """{name: graphc DType}."""
        return {n: dtypes.as_dtype(d) for n, (_, d) in self._headers.items()}

    def debug_string(self):
        """b"name (DT_FLOAT) [2,3]\\n..." for each variable, sorted by name (TF1)."""
        from ..saved_model.utils import _DT_PROTO, DT_ENUM
        lines = [f"{n} ({_DT_PROTO.get(DT_ENUM.get(dtypes.as_dtype(d).name), d)}) "
                 f"[{','.join(str(x) for x in s)}]\n"
                 for n, (s, d) in sorted(self._headers.items())]
        return "".join(lines).encode("utf-8")


def NewCheckpointReader(filepattern):  # noqa: N802  (TF1's name)
    """A CheckpointReader of checkpoint prefix `filepattern` (TF1).

        reader = gc.train.NewCheckpointReader("ckpt/model-10")
    """
    return CheckpointReader(_prefix(filepattern) + DATA_SUFFIX)


def load_checkpoint(ckpt_dir_or_file):
    """A CheckpointReader of a checkpoint prefix, or of a directory's latest (TF1).

        reader = gc.train.load_checkpoint("ckpt")
    """
    return CheckpointReader(_checkpoint_file(ckpt_dir_or_file))


# ---- init_from_checkpoint ---------------------------------------------------------------
def init_from_checkpoint(ckpt_dir_or_file, assignment_map):
    """Make variables' initializers set them from a checkpoint (TF1 rules); run
    global_variables_initializer after it.

        gc.train.init_from_checkpoint("ckpt", {
            "old/": "new/",                 # every get_variable variable under new/
            "old/W": "new/kernel",          # one variable, by its get_variable name
            "b": bias_variable,             # a Variable object
            "/": "scope/"})                 # scope/x from the checkpoint's x, ...

    assignment_map: a dict or a list of (checkpoint name or scope, current name, scope
    or Variable) pairs. Names are looked up among the get_variable variables, as TF1
    does ("/" means the root); a partitioned variable (its name, its parts as a list, or
    the PartitionedVariable) takes its parts' slices of the checkpoint's value. The value
    is read now (TF1 reads it when the initializer runs) and kept in the graph as a
    constant.
    """
    path = _checkpoint_file(ckpt_dir_or_file)
    reader = CheckpointReader(path)
    shapes = reader.get_variable_to_shape_map()
    graph = get_default_graph()
    store = graph.var_store.vars if graph.var_store is not None else {}
    items = assignment_map.items() if isinstance(assignment_map, dict) else assignment_map
    for ckpt_name, current in sorted(items, key=lambda kv: kv[0]):
        var = _current_variable(current, store)
        if var is not None:
            if ckpt_name not in shapes:
                raise ValueError(f"Tensor {ckpt_name} is not found in {ckpt_dir_or_file} "
                                 f"checkpoint {shapes}")
            if isinstance(var, list):
                _set_parts_initializers(var, reader, ckpt_name, shapes[ckpt_name])
                continue
            if surely_differ(var.shape, TensorShape(tuple(shapes[ckpt_name]))):
                raise ValueError(
                    f"Shape of variable {var.name} ({tuple(var.shape._dims)}) doesn't match "
                    f"with shape of tensor {ckpt_name} ({shapes[ckpt_name]}) from "
                    "checkpoint reader.")
            _set_initializer(var, reader, ckpt_name)
            continue
        scope = current[:current.rindex("/")] if "/" in current else ""
        if not ckpt_name.endswith("/"):
            raise ValueError(f"Assignment map with scope only name {scope} should map to "
                             f"scope only {ckpt_name}. Should be 'scope/': 'other_scope/'.")
        # a part 'x/part_3' stands for its partitioned variable 'x'
        names = {n[:n.index("/part_")] if "/part_" in n else n for n in store
                 if not scope or n.startswith(scope + "/")}
        for var_name in sorted(names):
            # the variable's name below `scope` ("/" keeps the separator), then the
            # checkpoint scope before it ("/" adds nothing)
            tail = var_name[len(scope):]
            if current != "/":
                tail = tail[1:]
            full = tail if ckpt_name == "/" else ckpt_name + tail
            full = full[:-1] if full.endswith("/") else full
            if full not in shapes:
                raise ValueError(f"Tensor {full} ({var_name[len(scope) + 1:]} in "
                                 f"{ckpt_name}) is not found in {ckpt_dir_or_file} "
                                 "checkpoint")
            var = store[var_name] if var_name in store else _parts(var_name, store)
            if isinstance(var, list):
                _set_parts_initializers(var, reader, full, shapes[full])
            else:
                _set_initializer(var, reader, full)


def _current_variable(current, store):
    """The Variable, or the list of parts of a partitioned variable, that `current` (a
    Variable, parts, a PartitionedVariable or a get_variable name) names, or None."""
    from ..partitioned import PartitionedVariable
    if isinstance(current, Variable):
        return current
    if isinstance(current, (list, tuple, PartitionedVariable)) and \
            all(isinstance(v, Variable) for v in current):
        return list(current)
    return store[current] if current in store else _parts(current, store)


def _parts(name, store):
    """The parts 'name/part_0', 'name/part_1', ... of the store, or None (TF1)."""
    parts = []
    while f"{name}/part_{len(parts)}" in store:
        parts.append(store[f"{name}/part_{len(parts)}"])
    return parts or None


def _set_parts_initializers(parts, reader, name, shape):
    """Each part's initializer := its slice of the checkpoint's value of `name`."""
    from ..partitioned import slice_info
    infos = [slice_info(v) for v in parts]
    if any(i is None for i in infos) or len({i.full_name for i in infos}) != 1:
        raise ValueError(f"Slices must all be from the same tensor: "
                         f"{[v.name for v in parts]} (checkpoint tensor {name})")
    if list(shape) != infos[0].full_shape:
        # TF1 raises InvalidArgumentError when the initializer runs; graphc reads now
        raise SliceShapeError(f"Shape of partitioned variable {infos[0].full_name} "
                              f"({infos[0].full_shape}) doesn't match with shape of tensor "
                              f"{name} ({list(shape)}) from checkpoint reader (TF: shape "
                              "in shape_and_slice spec does not match the shape stored in "
                              "checkpoint).")
    for v, info in zip(parts, infos):
        _set_initializer(v, reader, name, part=info)


def _set_initializer(var, reader, name, vocab=None, part=None):
    """var.initializer := assign(var, the checkpoint's value of `name`), its rows (or
    columns) remapped by `vocab`, a VocabInfo, when given; only the slice `part` (a
    SaveSliceInfo) of it for a part of a partitioned variable."""
    from ..ops.core import constant
    from ..ops.state import ASSIGN
    from ..ops.registry import apply
    value = reader.get_tensor(name)
    if part is not None:
        value = np.asarray(value)[part.slices()]
    if dtypes.as_dtype(value.dtype) is not var.dtype:
        # a part: TF1's InvalidArgumentError (RestoreV2's) too
        raise (errors.DTypeError if part is None else SliceDTypeError)(
            f"init_from_checkpoint: variable '{var.node.name}' is {var.dtype.name} but "
            f"'{name}' of checkpoint '{reader._path}' is {value.dtype}; TF1 refuses "
            "this too (when the initializer runs)")
    g = var.graph
    with g.as_default(), g.control_dependencies(None), \
            g.name_scope(var.node.name + "/checkpoint_initializer/"):
        init = (constant(value, dtype=var.dtype, name="value") if vocab is None
                else _remapped(var, value, vocab))
        var.initial_value = init
        var.initializer = apply(ASSIGN, (init,), name="Assign", var=var.node, mode="set")


# ---- warm_start -----------------------------------------------------------------------
VocabInfo = collections.namedtuple(
    "VocabInfo", ["new_vocab", "new_vocab_size", "num_oov_buckets", "old_vocab",
                  "old_vocab_size", "backup_initializer", "axis"])
VocabInfo.__new__.__defaults__ = (-1, None, 0)
VocabInfo.__doc__ = """How warm_start remaps a vocabulary-indexed variable (TF1): entry i
along `axis` of the new variable takes the old entry of the same word of new_vocab in
old_vocab (vocabulary files, one word a line; the first old_vocab_size words, all when
-1); new words and the num_oov_buckets entries after them take backup_initializer's
values (zeros by default)."""


def _words(path, size):
    with open(path, "rb") as f:
        words = f.read().decode("utf-8").splitlines()
    return words if size is None or size < 0 else words[:size]


def _remapped(var, old, vocab):
    """The variable's new value: old entries moved to their words' new positions."""
    from ..initializers import zeros_initializer
    from ..ops.broadcast import where
    from ..ops.core import constant
    shape, axis = tuple(var.shape.as_list()), vocab.axis
    if None in shape or len(shape) not in (1, 2) or axis not in (0, 1) or axis >= len(shape):
        raise ValueError(f"warm_start: variable '{var.node.name}' of shape {var.shape} "
                         f"cannot be remapped along axis {axis} (rank 1 or 2, known shape)")
    new_words = _words(vocab.new_vocab, vocab.new_vocab_size)
    if len(new_words) + vocab.num_oov_buckets != shape[axis]:
        raise ValueError(f"warm_start: variable '{var.node.name}' has {shape[axis]} entries "
                         f"along axis {axis}, but VocabInfo gives {len(new_words)} words + "
                         f"{vocab.num_oov_buckets} OOV buckets")
    where_old = {w: i for i, w in reversed(list(enumerate(
        _words(vocab.old_vocab, vocab.old_vocab_size))))}
    moved = np.moveaxis(np.zeros(shape, old.dtype), axis, 0)
    mask = np.zeros(moved.shape, bool)
    src = np.moveaxis(old, axis, 0)
    for i, w in enumerate(new_words):
        j = where_old.get(w)
        if j is not None:
            moved[i], mask[i] = src[j], True
    backup = (vocab.backup_initializer or zeros_initializer())(shape, dtype=var.dtype)
    return where(constant(np.moveaxis(mask, 0, axis), name="found"),
                 constant(np.moveaxis(moved, 0, axis), dtype=var.dtype, name="value"),
                 backup)

def warm_start(ckpt_to_initialize_from, vars_to_warm_start=".*",
               var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
    """Initialize trainable variables from a checkpoint (TF1's warm_start); run
    global_variables_initializer after it.

        gc.train.warm_start("ckpt", vars_to_warm_start="dense/.*",
                            var_name_to_prev_var_name={"dense/W": "old_dense/W"})

    vars_to_warm_start: a regular expression matched (re.match) against the trainable
    variables' names, or a list of names, regular expressions or Variables (then any
    global variable may match), or None for none. var_name_to_vocab_info maps a
    variable's name to a VocabInfo that remaps its rows (or columns) by vocabulary.
    """
    vocabs = dict(var_name_to_vocab_info or {})
    for name, info in vocabs.items():
        if not isinstance(info, VocabInfo):
            raise TypeError(f"warm_start: var_name_to_vocab_info['{name}'] must be a "
                            f"gc.train.VocabInfo, not {type(info).__name__}")
    renames = dict(var_name_to_prev_var_name or {})
    path = _checkpoint_file(ckpt_to_initialize_from)
    reader = CheckpointReader(path)
    chosen = _vars_to_warm_start(vars_to_warm_start)
    shapes = reader.get_variable_to_shape_map()
    used = set()
    for name, group in _grouped(chosen).items():
        prev = renames.get(name, name)
        used.add(name)
        if prev not in shapes:
            raise ValueError(f"warm_start: variable '{name}' has no value '{prev}' in "
                             f"checkpoint {ckpt_to_initialize_from}")
        if len(group) > 1:          # the parts of a partitioned variable
            if name in vocabs:
                raise NotImplementedError(f"warm_start: graphc cannot remap the vocabulary "
                                          f"of partitioned variable '{name}'")
            _set_parts_initializers(group, reader, prev, shapes[prev])
            continue
        var = group[0]
        if name not in vocabs and surely_differ(var.shape, TensorShape(tuple(shapes[prev]))):
            raise ValueError(f"warm_start: variable '{name}' of shape {var.shape} cannot "
                             f"take '{prev}' of shape {shapes[prev]}")
        _set_initializer(var, reader, prev, vocabs.get(name))
    unused = sorted(set(renames) - used)
    if unused:
        raise ValueError("You provided the following variables in "
                         "var_name_to_prev_var_name that were not used: "
                         f"{unused}.  Perhaps you misspelled them?  Here is the list of "
                         f"viable variable names: {sorted(_grouped(chosen))}")


def _grouped(variables):
    """{name: [variables]}: a part of a partitioned variable goes under the full name."""
    from ..partitioned import slice_info
    out = {}
    for v in variables:
        info = slice_info(v)
        out.setdefault(info.full_name if info else v.node.name, []).append(v)
    return out


def _vars_to_warm_start(spec):
    graph = get_default_graph()
    if spec is None:
        return []
    if isinstance(spec, str):
        return [v for v in graph.get_collection("trainable_variables")
                if re.match(spec, v.node.name)]
    out = []
    for item in spec:
        found = [item] if isinstance(item, Variable) else [
            v for v in graph.get_collection("variables") if re.match(item, v.node.name)]
        out += [v for v in found if all(v is not o for o in out)]
    return out
