"""The export side of a TF1 Saver's nodes (ops/checkpoint_ops.py): TF's own ops."""
from .tf_graphdef_export import export

__all__ = []


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
