"""Samples for TF's V2 checkpoint ops (graphc/ops/checkpoint_ops.py): a tensor saved and
restored in one run (the restore waits for the save), shards merged, shard names.
String results are compared through their FarmHash bucket."""
import atexit
import os
import shutil
import tempfile

import numpy as np

import graphc as gc
from graphc.ops.strings_hash import fingerprint64
from samples import Sample, shape

B = 2 ** 40
_DIR = tempfile.mkdtemp(prefix="graphc_checkpoint_samples_")
atexit.register(shutil.rmtree, _DIR, True)      # (pytest's own runs: inside its tmp dir)
R = gc.raw_ops


def _save_restore(x, y):
    prefix = gc.constant(os.path.join(_DIR, "ckpt"))
    save = R.SaveV2(prefix=prefix, tensor_names=["x", "y"], shape_and_slices=["", ""],
                    tensors=[x, y])
    with gc.control_dependencies([save]):
        return list(R.RestoreV2(prefix=prefix, tensor_names=["y", "x"],
                                shape_and_slices=["", ""], dtypes=[y.dtype, x.dtype]))


def _merge(x, y):
    base = os.path.join(_DIR, "sharded")
    shards = [R.ShardedFilename(basename=base, shard=i, num_shards=2) for i in range(2)]
    saves = [R.SaveV2(prefix=p, tensor_names=[k], shape_and_slices=[""], tensors=[t])
             for p, k, t in zip(shards, ["x", "y"], [x, y])]
    with gc.control_dependencies(saves):
        merge = R.MergeV2Checkpoints(checkpoint_prefixes=gc.stack(shards),
                                     destination_prefix=base)
    with gc.control_dependencies([merge]):
        return list(R.RestoreV2(prefix=base, tensor_names=["x", "y"],
                                shape_and_slices=["", ""], dtypes=[x.dtype, y.dtype]))


def _name(n):
    return gc.string_to_hash_bucket_fast(
        R.ShardedFilename(basename="model", shard=n, num_shards=12), B)


def _two(rng):
    return [rng.standard_normal(shape(rng)),
            rng.integers(-5, 5, size=shape(rng)).astype(np.int32)]


SAMPLES = [
    Sample("SaveV2", _save_restore, _two, lambda x, y: [y, x], grad=False),
    Sample("RestoreV2", _save_restore, _two, lambda x, y: [y, x], grad=False),
    Sample("MergeV2Checkpoints", _merge, _two, lambda x, y: [x, y], grad=False),
    Sample("ShardedFilename", _name, lambda rng: [np.int32(rng.integers(0, 12))],
           lambda n: np.int64(fingerprint64(f"model-{int(n):05d}-of-00012".encode()) % B),
           grad=False),
]
