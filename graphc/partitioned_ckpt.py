"""Partitioned variables in checkpoints (TF1's slices): a Saver saves the parts of one
partitioned variable under ONE name, its full variable's, and restores each part from
its slice of that tensor, whatever partitioning wrote it (TF reassembles the slices).
graphc's .npz holds the whole array; TF's V2 files (write_version=SaverDef.V2) hold the
slices as TF's Saver writes them (graphc/train/checkpoint_tf_write.py's Slices).

A Saver's var_list maps checkpoint keys to Variables; a part's key is its slice key,
"<full name> <TF1 slice spec>" (e.g. "emb 10 4 4,3:0,4"): op names hold no spaces, so
the key cannot be a plain variable's, and an exported Saver (graphc.io.serialize keeps
the keys) still knows its slices after import_meta_graph.
"""
import numpy as np

from . import errors
from .errors import (CheckpointDTypeError as SliceDTypeError,  # (also the names
                     CheckpointShapeError as SliceShapeError)  # checkpoint_reader uses)
from .partitioned import PartitionedVariable, SaveSliceInfo, slice_info

__all__ = []


def slice_key(full_name, info):
    return f"{full_name} {info.spec}"


def parse_key(key):
    """(full name, SaveSliceInfo) of a slice key, or None for a plain name."""
    name, _, spec = key.partition(" ")
    parsed = parse_spec(spec) if name else None
    if parsed is None:
        return None
    full, extents = parsed
    return name, SaveSliceInfo(name, full, [o for o, _ in extents], [n for _, n in extents])


def parse_spec(spec):
    """(full shape, [(start, length)]) of TF1's slice spec "10 4 4,3:0,4", or None when
    `spec` is not one; "-" stands for a whole axis ("10 4 4,3:-")."""
    words = spec.split(" ")
    axes = words[-1].split(":")
    try:
        full = [int(w) for w in words[:-1]]
        pairs = [(0, d) if a == "-" else tuple(int(x) for x in a.split(","))
                 for a, d in zip(axes, full)]
    except ValueError:
        return None
    if not full or len(axes) != len(full) or any(
            len(p) != 2 or p[0] < 0 or p[1] < 0 or p[0] + p[1] > d for p, d in zip(pairs, full)):
        return None
    return full, pairs


def has_slices(var_list):
    """Whether var_list names any part of a partitioned variable."""
    if isinstance(var_list, PartitionedVariable):
        return True
    items = var_list.values() if isinstance(var_list, dict) else var_list
    return any(isinstance(v, (PartitionedVariable, list, tuple)) or slice_info(v) is not None
               for v in items)


def expand(var_list):
    """var_list as {checkpoint key: Variable}: a PartitionedVariable, a part, or a list
    of parts (in a dict) stands for its slices of the full variable (TF1)."""
    if isinstance(var_list, PartitionedVariable):
        var_list = [var_list]
    if isinstance(var_list, dict):
        items = []
        for name, v in var_list.items():
            if isinstance(v, (PartitionedVariable, list, tuple)):
                if not isinstance(name, str) or not name or " " in name:
                    raise ValueError(f"Saver: the checkpoint name {name!r} of a "
                                     "partitioned variable must be a non-empty string "
                                     "without spaces")
                items += [(slice_key(name, _info(p)), p) for p in v]
            else:
                items.append((name, v))
    else:
        items = []
        for v in var_list:
            parts = list(v) if isinstance(v, PartitionedVariable) else [v]
            for p in parts:
                info = slice_info(p)
                name = getattr(getattr(p, "node", None), "name", None)
                items.append((slice_key(info.full_name, info) if info else name, p))
    out, kinds = {}, {}
    for key, v in items:
        if key in out and out[key] is v:
            raise ValueError(f"Saver: variable '{v.node.name}' appears twice in var_list")
        parsed = parse_key(key) if isinstance(key, str) else None
        name = parsed[0] if parsed else key
        if kinds.setdefault(name, parsed is not None) != (parsed is not None):
            raise ValueError(f"Mixing slices and non-slices with the same name: {name}")
        if key in out:
            raise ValueError(f"Saver: two variables have the checkpoint name '{key}': "
                             f"{out[key]!r} and {v!r}")
        out[key] = v
    return out


def _info(part):
    info = slice_info(part)
    if info is None:
        raise ValueError(f"Saver: {part!r} is listed as a slice, but it is not a part of a "
                         "partitioned variable")
    return info


def checkpoint_names(var_list):
    """{key: the name its value has in the file} (a slice's full name)."""
    out = {}
    for key in var_list:
        parsed = parse_key(key)
        out[key] = parsed[0] if parsed else key
    return out


def saved_values(var_list, read, sliced=False):
    """{name in the file: value}: plain variables' arrays (read(variable) gives one),
    and for each partitioned variable its parts' arrays assembled into one, or with
    `sliced` (TF's V2 files) a Slices of them, by offset (what TF's Saver writes)."""
    from .train.checkpoint_tf_write import Slices
    values, groups = {}, {}
    for key, v in var_list.items():
        parsed = parse_key(key)
        if parsed is None:
            values[key] = read(v)
        else:
            groups.setdefault(parsed[0], []).append((parsed[1], read(v), v))
    for name, parts in groups.items():
        parts.sort(key=lambda p: p[0].var_offset)
        whole = _assembled(name, parts)
        values[name] = whole if not sliced else Slices(
            list(whole.shape), [(list(zip(i.var_offset, i.var_shape)), a) for i, a, _ in parts])
    return values


def _assembled(name, parts):
    """The full value of partitioned variable `name` from its parts [(SaveSliceInfo,
    array, variable)], which must tile it exactly (graphc reads a variable whole)."""
    info0, first, v0 = parts[0]
    whole = np.zeros(info0.full_shape, first.dtype)
    covered = np.zeros(info0.full_shape, bool)
    for info, value, v in parts:
        if info.full_shape != info0.full_shape or value.dtype != first.dtype:
            raise ValueError(f"Saver: the parts of partitioned variable '{name}' are not "
                             f"slices of one tensor: '{v0.node.name}' is {first.dtype} of "
                             f"full shape {info0.full_shape} but '{v.node.name}' is "
                             f"{value.dtype} of full shape {info.full_shape}")
        if covered[info.slices()].any():
            raise ValueError(f"Saver: parts of partitioned variable '{name}' overlap: "
                             f"'{v.node.name}' (slice '{info.spec}') and an earlier one")
        whole[info.slices()] = value
        covered[info.slices()] = True
    if not covered.all():
        raise errors.GraphcError(
            f"Saver.save: var_list holds only some parts of partitioned variable "
            f"'{name}' (shape {list(covered.shape)}); graphc saves a partitioned variable "
            "whole, so list all its parts (or the PartitionedVariable)")
    return whole


def restored_value(key, arr, path, v):
    """The value variable v of checkpoint key `key` takes from the file's array `arr`:
    arr itself, or the part's slice of it (whatever slices the file holds). A slice of
    another full shape or dtype raises what TF's RestoreV2 does, InvalidArgumentError."""
    parsed = parse_key(key)
    if parsed is None:
        return arr
    name, info = parsed
    if list(arr.shape) != info.full_shape:
        raise SliceShapeError(
            f"restore: partitioned variable '{name}' of full shape {info.full_shape} "
            f"(part '{v.node.name}', slice '{info.spec}') cannot take '{name}' of "
            f"checkpoint '{path}', which has shape {list(arr.shape)} (TF: shape in "
            f"shape_and_slice spec does not match the shape stored in checkpoint)")
    if arr.dtype != v.dtype.np:
        raise SliceDTypeError(
            f"restore: partitioned variable '{name}' is {v.dtype.name} (part "
            f"'{v.node.name}') but '{name}' of checkpoint '{path}' is {arr.dtype}: graphc "
            "never casts on restore (TF: expected dtype does not equal original dtype)")
    return arr[info.slices()]


# ---- TF's SaveV2 / RestoreV2 slice specs (graphc/ops/checkpoint_ops.py) --------------------
def _spec(name, spec):
    parsed = parse_spec(spec)
    if parsed is None:
        raise errors.InvalidArgumentError(f"tensor_name = {name}; bad slice spec '{spec}' "
                                          "(TF1's \"<full shape> <start,length:...>\")")
    return parsed


def sliced_values(names, specs, tensors):
    """{name: array, or Slices of its slices}: what SaveV2 writes of `tensors`, each
    under its name, whole for an empty spec, else its slice spec's slice (TF1's
    "10 4 4,3:0,4"; the slices of one name are written in the order given)."""
    from .train.checkpoint_tf_write import Slices
    out = {}
    for name, spec, value in zip(names, specs, tensors):
        value = np.asarray(value)
        if not spec:
            out[name] = value
            continue
        full, extents = _spec(name, spec)
        if list(value.shape) != [n for _, n in extents]:
            raise errors.InvalidArgumentError(
                f"tensor_name = {name}; slice '{spec}' has shape "
                f"{[n for _, n in extents]} but its tensor has shape {list(value.shape)}")
        slices = out.setdefault(name, Slices(full, []))
        if not isinstance(slices, Slices) or slices.shape != full:
            raise errors.InvalidArgumentError(
                f"tensor_name = {name}; saved twice, as '{spec}' and as another shape")
        slices.parts.append((extents, value))
    return out


def spec_slice(name, spec, arr):
    """What RestoreV2 returns for `name` of spec `spec` from its checkpoint value arr:
    arr for an empty spec, else its slice (of any slicing the checkpoint has)."""
    if not spec:
        return arr
    full, extents = _spec(name, spec)
    if list(arr.shape) != full:
        raise errors.InvalidArgumentError(
            f"tensor_name = {name}; shape in shape_and_slice spec [{','.join(map(str, full))}]"
            f" does not match the shape stored in checkpoint: "
            f"[{','.join(map(str, arr.shape))}]")
    return arr[tuple(slice(s, s + n) for s, n in extents)]


def saver_entries(var_list):
    """[(tensor name, slice spec, Variable)] of a Saver's var_list ({checkpoint key:
    Variable}) in the order TF1's Saver saves them: by name, the slices of a partitioned
    variable by offset; the spec is "" for a whole variable, else TF1's slice spec."""
    out = []
    for key, v in var_list.items():
        parsed = parse_key(key)
        out.append((key, "", [], v) if parsed is None else
                   (parsed[0], parsed[1].spec, parsed[1].var_offset, v))
    out.sort(key=lambda e: (e[0], e[2]))
    return [(name, spec, v) for name, spec, _, v in out]


def merged_values(bundles):
    """{name: array, or Slices}: the tensors of TF checkpoints `bundles` (the shards of
    a sharded Saver, graphc/train/checkpoint_tf.py's Bundles) as one checkpoint's, what
    MergeV2Checkpoints writes. The slices of one partitioned variable may lie in several
    shards (its parts on several devices, TF1): they are gathered under its name."""
    from .train.checkpoint_tf import slice_key
    from .train.checkpoint_tf_write import Slices
    out = {}
    for b in bundles:
        for name, e in b.entries.items():
            have = out.get(name)
            if not e["slices"] or have is not None and not isinstance(have, Slices):
                if have is not None:
                    raise errors.InvalidArgumentError(
                        f"Duplicate tensor keyed by {name} encountered, when merging "
                        f"prefix: {b.prefix}")
                out[name] = b.read([name])[name]
                continue
            have = out.setdefault(name, Slices(list(e["shape"]), []))
            if have.shape != list(e["shape"]):
                raise errors.InvalidArgumentError(
                    f"tensor {name} has shape {have.shape} in one shard but "
                    f"{list(e['shape'])} in {b.prefix}, when merging")
            files = {}
            try:
                for extents in e["slices"]:
                    part = b.slices.get(slice_key(name, extents))
                    if part is None:
                        raise errors.DataLossError(f"TF checkpoint '{b.prefix}': slice "
                                                   f"{extents} of '{name}' has no entry")
                    shape = [d if n < 0 else n for (_, n), d in zip(extents, e["shape"])]
                    have.parts.append((extents, b._tensor(part, shape, files)))
            finally:
                for f in files.values():
                    f.close()
    return out
