"""The export side of a TF1 Saver's nodes (ops/checkpoint_ops.py): TF's own ops, and
the Saver TF1 builds for a var_list (add_saver), which gc.io.export_tf_meta_graph and
the saved_model.pb add to the exported graph.

add_saver writes what tf.compat.v1.train.Saver (V2 format) writes: save/Const (the
prefix fed), save/SaveV2 with save/control_dependency, save/RestoreV2 with one
save/Assign per variable, save/restore_all. A partitioned variable's parts are saved
and restored as slices of its full name (shape_and_slices "5 3 0,3:0,3" ...,
graphc/partitioned_ckpt.py). sharded=True writes one SaveV2 and one RestoreV2 per
device of the variables, sorted by device, the shards merged by MergeV2Checkpoints into
the prefix (TF1's _AddShardedSaveOps): the parts of one partitioned variable on two
devices go to two shards as their slices, as in TF1.
"""
import numpy as np

from .. import dtypes
from ..device_spec import DeviceSpec
from ..partitioned import slice_info
from ..partitioned_ckpt import saver_entries
from .tf_graphdef import NodeDef
from .tf_graphdef_export import Shape, attr_value, export

__all__ = ["add_saver", "save_slice_info_fields"]


@export("SaveV2")
def _save_v2(ex, n):
    ex.emit(n, "SaveV2", n.inputs, dtypes=[t.dtype for t in n.inputs[3:]])


@export("RestoreV2")
def _restore_v2(ex, n):
    ex.emit(n, "RestoreV2", n.inputs, dtypes=list(n.attrs["dtypes"]))


@export("MergeV2Checkpoints")
def _merge_v2(ex, n):
    ex.emit(n, "MergeV2Checkpoints", n.inputs, delete_old_dirs=n.attrs["delete_old_dirs"],
            allow_missing_files=n.attrs["allow_missing_files"])


@export("ShardedFilename")
def _sharded_filename(ex, n):
    ex.emit(n, "ShardedFilename", n.inputs)


# ---- the Saver's nodes ---------------------------------------------------------------------
def _add_node(gd, name, op, inputs=(), device="", **attrs):
    nd = NodeDef(name=name, op=op, input=list(inputs), device=device)
    for key in sorted(attrs):
        nd.attr[key] = attr_value(attrs[key])
    gd.node.append(nd)
    return name


def _scope(gd, base="save"):
    """TF1's Saver name scope: "save", or "save_1" ... where that is taken."""
    taken = {nd.name.split("/")[0] for nd in gd.node}
    name, k = base, 0
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    return name


def _strings(values):
    return np.array([v.encode("utf-8") for v in values], object)


def _scalar():
    from ..shapes import TensorShape
    return Shape(TensorShape(()))


def _cpu0(device):
    """TF1's saveable_object_util.set_cpu0: the device's CPU:0 (where a shard's save
    ops run)."""
    return DeviceSpec.from_string(device).replace(device_type="CPU", device_index=0).to_string()


class _Saver:
    """The nodes of one Saver being added to gd under scope s; k numbers its nodes of
    one kind as TF1's name scopes do ("save/SaveV2", "save/SaveV2_1" ...)."""

    def __init__(self, gd, s):
        self.gd, self.s, self.count = gd, s, {}

    def name(self, base):
        k = self.count.get(base, 0)
        self.count[base] = k + 1
        return f"{self.s}/{base}" + (f"_{k}" if k else "")

    def save(self, filename, entries, device=""):
        """SaveV2 of entries [(tensor name, spec, Variable)] to `filename` and the
        Identity of filename after it; that Identity's name."""
        save = self.name("SaveV2")
        self.consts(save, entries, device)
        _add_node(self.gd, save, "SaveV2",
                  [filename, f"{save}/tensor_names", f"{save}/shape_and_slices"]
                  + [v.node.name for _, _, v in entries],
                  device=device, dtypes=[v.dtype.base_dtype for _, _, v in entries])
        return _add_node(self.gd, self.name("control_dependency"), "Identity",
                         [filename, f"^{save}"], device=device, T=dtypes.string,
                         _class=[f"loc:@{filename}"])

    def restore(self, prefix, entries, device=""):
        """RestoreV2 of entries from `prefix` and one Assign per variable; their names."""
        restore = self.name("RestoreV2")
        self.consts(restore, entries, device)
        _add_node(self.gd, restore, "RestoreV2",
                  [prefix, f"{restore}/tensor_names", f"{restore}/shape_and_slices"],
                  device=device, dtypes=[v.dtype.base_dtype for _, _, v in entries])
        return [_add_node(self.gd, self.name("Assign"), "Assign",
                          [v.node.name, restore + (f":{k}" if k else "")],
                          device=v.node.device, T=v.dtype.base_dtype, use_locking=True,
                          validate_shape=True, _class=[f"loc:@{v.node.name}"])
                for k, (_, _, v) in enumerate(entries)]

    def consts(self, op, entries, device):
        _add_node(self.gd, f"{op}/tensor_names", "Const", device=device,
                  dtype=dtypes.string, value=_strings([n for n, _, _ in entries]))
        _add_node(self.gd, f"{op}/shape_and_slices", "Const", device=device,
                  dtype=dtypes.string, value=_strings([spec for _, spec, _ in entries]))


def add_saver(gd, var_list, sharded=False):
    """Append to gd the save and restore nodes TF1's Saver (V2 format) builds for
    var_list ({checkpoint key: Variable}; a partitioned variable's parts under their
    slice keys); returns its SaverDef fields, as (name, field number, value)."""
    from ..saved_model.tf_saved_model_write import Enum, Float
    entries = saver_entries(var_list)
    sv = _Saver(gd, _scope(gd))
    s, string = sv.s, dtypes.string
    _add_node(gd, f"{s}/filename/input", "Const", dtype=string,
              value=np.array(b"model", object))
    _add_node(gd, f"{s}/filename", "PlaceholderWithDefault", [f"{s}/filename/input"],
              dtype=string, shape=_scalar())
    prefix = _add_node(gd, f"{s}/Const", "PlaceholderWithDefault", [f"{s}/filename"],
                       dtype=string, shape=_scalar())
    if not sharded:
        save_tensor = sv.save(prefix, entries)
        restores = sv.restore(prefix, entries)
    else:
        save_tensor, restores = _sharded(sv, prefix, entries)
    _group(gd, f"{s}/restore_all", restores)
    fields = [("filename_tensor_name", 1, f"{prefix}:0"),
              ("save_tensor_name", 2, f"{save_tensor}:0"),
              ("restore_op_name", 3, f"{s}/restore_all"),
              ("max_to_keep", 4, 5)]
    if sharded:
        fields.append(("sharded", 5, True))
    return fields + [("keep_checkpoint_every_n_hours", 6, Float(10000.0)),
                     ("version", 7, Enum(2, "V2"))]


def _group(gd, name, ops):
    """TF1's group(*ops, name=name): a NoOp after `ops`; where they lie on several
    devices, a NoOp per device (by device name) under name/ first, then name."""
    device = {nd.name: nd.device for nd in gd.node}
    by_device = {}
    for op in ops:
        by_device.setdefault(device[op], []).append("^" + op)
    if len(by_device) <= 1:
        return _add_node(gd, name, "NoOp", [d for deps in by_device.values() for d in deps],
                         device=next(iter(by_device), ""))
    firsts = [_add_node(gd, f"{name}/NoOp" + (f"_{k}" if k else ""), "NoOp", deps,
                        device=dev) for k, (dev, deps) in enumerate(sorted(by_device.items()))]
    return _add_node(gd, name, "NoOp", ["^" + n for n in firsts])


def _sharded(sv, prefix, entries):
    """TF1's sharded save and restore nodes: a shard per device of the variables (in
    the order of the device names), saved to a temporary prefix and merged into
    `prefix`; (the save tensor's node, the restore ops)."""
    gd, s, string = sv.gd, sv.s, dtypes.string
    by_device = {}
    for e in entries:
        by_device.setdefault(DeviceSpec.from_string(e[2].node.device).to_string(), []).append(e)
    shards = sorted(by_device.items())
    cpu = "/device:CPU:*"           # TF1: "_temp/part" (".part" on s3) names the shards
    _add_node(gd, f"{s}/StaticRegexFullMatch", "StaticRegexFullMatch", [prefix], device=cpu,
              pattern="^s3://.*")
    _add_node(gd, f"{s}/Const_1", "Const", device=cpu, dtype=string,
              value=np.array(b".part", object))
    _add_node(gd, f"{s}/Const_2", "Const", device=cpu, dtype=string,
              value=np.array(b"_temp/part", object))
    _add_node(gd, f"{s}/Select", "Select",
              [f"{s}/StaticRegexFullMatch", f"{s}/Const_1", f"{s}/Const_2"], device=cpu,
              T=string)
    tmp = _add_node(gd, f"{s}/StringJoin", "StringJoin", [prefix, f"{s}/Select"], device=cpu,
                    N=2, separator="")
    _add_node(gd, f"{s}/num_shards", "Const", dtype=dtypes.int32,
              value=np.array(len(shards), np.int32))
    names, saved = [], []
    for k, (device, group) in enumerate(shards):
        at = _cpu0(device)
        name = sv.name("ShardedFilename")
        _add_node(gd, f"{name}/shard", "Const", device=at, dtype=dtypes.int32,
                  value=np.array(k, np.int32))
        names.append(_add_node(gd, name, "ShardedFilename",
                               [tmp, f"{name}/shard", f"{s}/num_shards"], device=at))
        saved.append(sv.save(name, group, at))
    at = _cpu0(shards[0][0])
    after = ["^" + c for c in saved]
    _add_node(gd, f"{s}/MergeV2Checkpoints/checkpoint_prefixes", "Pack", names + after,
              device=at, N=len(names), T=string, axis=0)
    _add_node(gd, f"{s}/MergeV2Checkpoints", "MergeV2Checkpoints",
              [f"{s}/MergeV2Checkpoints/checkpoint_prefixes", prefix], device=at,
              delete_old_dirs=True, allow_missing_files=False)
    save_tensor = _add_node(gd, sv.name("Identity"), "Identity",
                            [prefix, f"^{s}/MergeV2Checkpoints"] + after, device=at, T=string)
    restores = []
    for device, group in shards:
        assigns = sv.restore(prefix, group, _cpu0(device))
        restores.append(_add_node(gd, sv.name("restore_shard"), "NoOp",
                                  ["^" + a for a in assigns], device=device))
    return save_tensor, restores


def save_slice_info_fields(v):
    """A VariableDef's save_slice_info_def (field 4) for a part of a partitioned
    variable (TF1 writes it, so TF's import gives the part its slice and a new Saver
    saves it as a slice of its full name); [] for a whole variable."""
    info = slice_info(v)
    if info is None:
        return []
    fields = [("full_name", 1, info.full_name)]
    fields += [(key, number, int(d)) for key, number, values in (
        ("full_shape", 2, info.full_shape), ("var_offset", 3, info.var_offset),
        ("var_shape", 4, info.var_shape)) for d in values]
    return [("save_slice_info_def", 4, fields)]
