"""Partitioned variables in checkpoints (TF1's slices): a Saver saves the parts of one
partitioned variable as ONE array under its full name, and restores each part from its
slice of that array, whatever partitioning wrote it.

A Saver's var_list maps checkpoint keys to Variables; a part's key is its slice key,
"<full name> <TF1 slice spec>" (e.g. "emb 10 4 4,3:0,4"): op names hold no spaces, so
the key cannot be a plain variable's, and an exported Saver (graphc.io.serialize keeps
the keys) still knows its slices after import_meta_graph.
"""
import numpy as np

from . import errors
from .partitioned import PartitionedVariable, SaveSliceInfo, slice_info

__all__ = []


def slice_key(full_name, info):
    return f"{full_name} {info.spec}"


def parse_key(key):
    """(full name, SaveSliceInfo) of a slice key, or None for a plain name."""
    name, _, spec = key.partition(" ")
    if not spec or not name:
        return None
    words = spec.split(" ")
    try:
        full = [int(w) for w in words[:-1]]
        pairs = [tuple(int(x) for x in p.split(",")) for p in words[-1].split(":")]
    except ValueError:
        return None
    if len(pairs) != len(full) or any(len(p) != 2 for p in pairs):
        return None
    return name, SaveSliceInfo(name, full, [o for o, _ in pairs], [n for _, n in pairs])


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


def saved_values(var_list, read):
    """{name in the file: array}: plain variables' values, and each partitioned
    variable assembled from its parts' values (read(variable) gives one)."""
    values, wholes, covered = {}, {}, {}
    for key, v in var_list.items():
        parsed = parse_key(key)
        if parsed is None:
            values[key] = read(v)
            continue
        name, info = parsed
        value = read(v)
        whole = wholes.get(name)
        if whole is None:
            whole = wholes[name] = np.zeros(info.full_shape, value.dtype)
            covered[name] = np.zeros(info.full_shape, bool)
        whole[info.slices()] = value
        covered[name][info.slices()] = True
    for name, mask in covered.items():
        if not mask.all():
            raise errors.GraphcError(
                f"Saver.save: var_list holds only some parts of partitioned variable "
                f"'{name}' (shape {list(mask.shape)}); graphc saves a partitioned variable "
                "whole, so list all its parts (or the PartitionedVariable)")
        values[name] = wholes[name]
    return values


def restored_value(key, arr, path):
    """The value a variable of checkpoint key `key` takes from the file's array `arr`:
    arr itself, or the part's slice of it."""
    parsed = parse_key(key)
    if parsed is None:
        return arr
    name, info = parsed
    if list(arr.shape) != info.full_shape:
        raise errors.ShapeError(
            f"restore: partitioned variable '{name}' of full shape {info.full_shape} "
            f"cannot take '{name}' of checkpoint '{path}', which has shape "
            f"{list(arr.shape)}")
    return arr[info.slices()]
