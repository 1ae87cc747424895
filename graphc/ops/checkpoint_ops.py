"""TF's V2 checkpoint ops, as graph nodes: what a TF1 graph's Saver holds (save/SaveV2,
save/RestoreV2, and for a sharded Saver ShardedFilename and MergeV2Checkpoints), so
such graphs import and their `save/restore_all` and `save/control_dependency` run in
graphc, reading and writing TF's tensor bundles (graphc/train/checkpoint_tf*.py).
graphc's own Saver does not build these nodes (it saves from Python).

    SaveV2(prefix, tensor_names, shape_and_slices, *tensors)   writes prefix's bundle
    RestoreV2(prefix, tensor_names, shape_and_slices) -> dtypes  reads those tensors
    MergeV2Checkpoints(prefixes, destination)     one bundle from several (sharded)
    ShardedFilename(basename, shard, num_shards) -> "basename-00000-of-00002"

A non-empty shape_and_slices entry (a partitioned variable's part: TF1's slice spec
"10 4 4,3:0,4") saves or restores that slice of the tensor of its name
(graphc/partitioned_ckpt.py).
"""
import os

import numpy as np

from .. import dtypes, errors
from ..partitioned_ckpt import sliced_values, spec_slice
from ..shapes import InferError, TensorShape
from .registry import OpDef, register

__all__ = []


def _strings(v):
    return [s.decode("utf-8") if isinstance(s, bytes) else str(s)
            for s in np.asarray(v, object).reshape(-1).tolist()]


def _check_strings(ctx, *ks):
    for k in ks:
        if ctx.inputs[k].dtype is not dtypes.string:
            raise InferError(f"{{{k}}} must be a string tensor", "dtype")


# ---- SaveV2 --------------------------------------------------------------------------------
def _infer_save(ctx, prefix, names, slices, *tensors):
    _check_strings(ctx, 0, 1, 2)
    return []


def _request(op, prefix, names, slices, n, what):
    """(checkpoint path, tensor names, slice specs) of a save or restore of n tensors
    (`what`)."""
    names, slices = _strings(names), _strings(slices)
    if len(names) != n or len(slices) != n:
        raise errors.InvalidArgumentError(
            f"{op}: {n} {what} for {len(names)} names and {len(slices)} shape_and_slices")
    return _strings(prefix)[0], names, slices


def _save_kernel(prefix, names, slices, *tensors):
    from ..train.checkpoint import _write_atomic
    from ..train.checkpoint_tf_write import write_bundle
    path, names, slices = _request("SaveV2", prefix, names, slices, len(tensors), "tensors")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    write_bundle(path, sliced_values(names, slices, tensors), _write_atomic)
    return ()


SAVE_V2 = register(OpDef(
    "SaveV2", _infer_save, _save_kernel, stateful=True, differentiable=False,
    api="raw_ops.SaveV2",
    signature="raw_ops.SaveV2(prefix, tensor_names, shape_and_slices, tensors, name=None)",
    shape_rule="prefix (), names (n,), slices (n,), n tensors -> no outputs",
    dtypes="strings; tensors any",
    doc="Writes the tensors as TF's V2 checkpoint `prefix` (a Saver's save op)."))


# ---- RestoreV2 -----------------------------------------------------------------------------
def _infer_restore(ctx, prefix, names, slices, *, dtypes):
    _check_strings(ctx, 0, 1, 2)
    return [(TensorShape(None), d) for d in dtypes]


def _restore_kernel(prefix, names, slices, *, dtypes):
    from ..train.checkpoint_tf import Bundle
    path, names, slices = _request("RestoreV2", prefix, names, slices, len(dtypes), "dtypes")
    bundle = Bundle(path)
    missing = [n for n in names if n not in bundle.entries]
    if missing:
        raise errors.NotFoundError(f"Key {missing[0]} not found in checkpoint {path}")
    values = bundle.read(names)
    out = []
    for n, spec, d in zip(names, slices, dtypes):
        v = np.asarray(values[n])
        if v.dtype != np.dtype(d.np):
            raise errors.InvalidArgumentError(
                f"tensor_name = {n}; expected dtype {d.name} does not equal original "
                f"dtype {v.dtype}")
        out.append(spec_slice(n, spec, v))
    return out[0] if len(out) == 1 else tuple(out)


RESTORE_V2 = register(OpDef(
    "RestoreV2", _infer_restore, _restore_kernel, stateful=True, differentiable=False,
    api="raw_ops.RestoreV2",
    signature="raw_ops.RestoreV2(prefix, tensor_names, shape_and_slices, dtypes, name=None)",
    shape_rule="prefix (), names (n,), slices (n,) -> n tensors of the checkpoint's shapes",
    dtypes="strings -> dtypes",
    doc="Reads tensors from TF's V2 checkpoint `prefix` (a Saver's restore op)."))


# ---- sharded savers ------------------------------------------------------------------------
def _merge_kernel(prefixes, destination, *, delete_old_dirs, allow_missing_files):
    from ..partitioned_ckpt import merged_values
    from ..train.checkpoint import _write_atomic
    from ..train.checkpoint_tf import Bundle
    from ..train.checkpoint_tf_write import bundle_files, write_bundle
    shards = [p for p in _strings(prefixes)
              if not allow_missing_files or os.path.exists(p + ".index")]
    values = merged_values([Bundle(p) for p in shards])     # (a variable's slices too)
    for p in shards:
        for f in bundle_files(p):
            os.remove(f)
        if delete_old_dirs:
            try:
                os.rmdir(os.path.dirname(os.path.abspath(p)))
            except OSError:
                pass                        # (not empty: TF leaves it too)
    write_bundle(_strings(destination)[0], values, _write_atomic)
    return ()


MERGE_V2_CHECKPOINTS = register(OpDef(
    "MergeV2Checkpoints", lambda ctx, p, d, **a: [], _merge_kernel, stateful=True,
    differentiable=False, api="raw_ops.MergeV2Checkpoints",
    signature="raw_ops.MergeV2Checkpoints(checkpoint_prefixes, destination_prefix, "
              "delete_old_dirs=True, allow_missing_files=False, name=None)",
    shape_rule="prefixes (k,), destination () -> no outputs", dtypes="strings",
    doc="Merges the shards a sharded Saver wrote into one checkpoint (deleting them)."))


def _sharded_kernel(basename, shard, num_shards):
    name = f"{_strings(basename)[0]}-{int(shard):05d}-of-{int(num_shards):05d}"
    return np.array(name.encode("utf-8"), object)


SHARDED_FILENAME = register(OpDef(
    "ShardedFilename", lambda ctx, b, s, n: ((), dtypes.string), _sharded_kernel,
    differentiable=False, api="raw_ops.ShardedFilename",
    signature="raw_ops.ShardedFilename(basename, shard, num_shards, name=None)",
    shape_rule="() () () -> ()", dtypes="string, int32, int32 -> string",
    doc="The name of shard `shard` of `num_shards`: basename-00000-of-00002."))
