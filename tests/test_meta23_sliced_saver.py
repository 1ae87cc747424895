"""gc.io.export_tf_meta_graph of partitioned variables: TF1's sliced SaveV2/RestoreV2
(shape_and_slices "5 3 0,2:0,3" ...), a sharded Saver's shard per device (the slices of
one variable split across shards, merged by MergeV2Checkpoints), and graphc's import of
its own export restoring and saving. TensorFlow's side: test_meta23_tf_parity.py."""
import os

import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.saved_model.tf_saved_model import _meta_graph

XS = np.random.RandomState(0).randn(4, 5).astype(np.float32)


def _split_devices(op):
    """Part 1 of a partitioned variable on CPU:1, everything else unplaced."""
    return "/cpu:1" if op.type == "VariableV2" and "part_1" in op.name else ""


def partitioned_model(d, sharded=False):
    """y = x @ W + b, W in 3 parts (part 1 on another device), saved as a V2
    checkpoint with TF's .meta; (prefix, graphc's y on XS)."""
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 5], name="x")
        with gc.device(_split_devices):
            W = gc.get_variable("W", [5, 3], partitioner=gc.fixed_size_partitioner(3),
                                initializer=gc.random_normal_initializer(seed=1))
        b = gc.get_variable("b", [3], initializer=gc.random_normal_initializer(seed=2))
        y = gc.identity(gc.matmul(x, W) + b, name="y")
        saver = gc.train.Saver(write_version=gc.train.SaverDef.V2, sharded=sharded)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            prefix = saver.save(s, os.path.join(d, "model"), write_meta_graph=False)
            gc.io.export_tf_meta_graph(prefix + ".meta", saver=saver)
            return prefix, s.run(y, {x: XS})


def _nodes(meta_path):
    with open(meta_path, "rb") as f:
        m = _meta_graph(f.read())
    return {nd.name: nd for nd in m["graph_def"].node}, m


def _strings(nd):
    return [s.decode() for s in nd.attr["value"].tensor.string_val]


def test_sliced_save_and_restore_nodes(tmp_path):
    prefix, _ = partitioned_model(str(tmp_path))
    nodes, m = _nodes(prefix + ".meta")
    for op in ("SaveV2", "RestoreV2"):
        assert _strings(nodes[f"save/{op}/tensor_names"]) == ["W", "W", "W", "b"]
        assert _strings(nodes[f"save/{op}/shape_and_slices"]) == [
            "5 3 0,2:0,3", "5 3 2,2:0,3", "5 3 4,1:0,3", ""]
    assert list(nodes["save/SaveV2"].input[3:]) == ["W/part_0", "W/part_1", "W/part_2", "b"]
    assert list(nodes["save/Assign_2"].input) == ["W/part_2", "save/RestoreV2:2"]
    assert m["saver_def"]["save_tensor_name"] == "save/control_dependency:0"


@pytest.mark.parametrize("sharded", [False, True])
def test_graphc_reimports_its_export_restores_and_saves(tmp_path, sharded):
    prefix, want = partitioned_model(str(tmp_path), sharded)
    with gc.Graph().as_default(), gc.Session() as s:
        saver = gc.train.import_meta_graph(prefix + ".meta")
        saver.restore(s, prefix)
        np.testing.assert_array_equal(s.run("y:0", {"x:0": XS}), want)
        # its own save op (sharded: a shard per device, W's slices in two of them)
        again = saver.save(s, os.path.join(str(tmp_path), "again"))
        s.run(gc.global_variables_initializer())
        saver.restore(s, again)
        np.testing.assert_array_equal(s.run("y:0", {"x:0": XS}), want)
    reader = gc.train.load_checkpoint(again)
    assert reader.get_variable_to_shape_map() == {"W": [5, 3], "b": [3]}
    assert not os.path.exists(os.path.join(str(tmp_path), "again_temp"))


def test_sharded_saver_writes_a_shard_per_device(tmp_path):
    """TF1's _AddShardedSaveOps: devices sorted ("" first), W's part 1 alone on CPU:1."""
    prefix, _ = partitioned_model(str(tmp_path), sharded=True)
    nodes, m = _nodes(prefix + ".meta")
    assert m["saver_def"]["save_tensor_name"] == "save/Identity:0"
    shards = [(n, _strings(nodes[n + "/tensor_names"]), _strings(nodes[n + "/shape_and_slices"]),
               nodes[n].device) for n in ("save/SaveV2", "save/SaveV2_1")]
    assert shards == [("save/SaveV2", ["W", "W", "b"], ["5 3 0,2:0,3", "5 3 4,1:0,3", ""],
                       "/device:CPU:0"),
                      ("save/SaveV2_1", ["W"], ["5 3 2,2:0,3"], "/device:CPU:0")]
    assert "save/SaveV2_2" not in nodes
    assert gc.make_ndarray(nodes["save/num_shards"].attr["value"].tensor) == 2
    assert list(nodes["save/MergeV2Checkpoints"].input) == [
        "save/MergeV2Checkpoints/checkpoint_prefixes", "save/Const"]
    assert nodes["save/restore_shard_1"].device == "/device:CPU:1"
    # TF1's group() of ops on two devices: a NoOp per device first
    assert list(nodes["save/restore_all"].input) == ["^save/restore_all/NoOp",
                                                     "^save/restore_all/NoOp_1"]
    assert list(nodes["save/restore_all/NoOp_1"].input) == ["^save/restore_shard_1"]


def test_parts_carry_their_slice_in_the_variable_defs(tmp_path):
    """TF1 writes save_slice_info_def (VariableDef field 4) for each part."""
    from graphc.io.wire import _fields
    prefix, _ = partitioned_model(str(tmp_path))
    _, m = _nodes(prefix + ".meta")
    infos = {}
    for buf in m["collections"]["variables"]:
        fields = {f: v for f, _, v, _ in _fields(buf)}
        if 4 in fields:
            info = [(f, v) for f, _, v, _ in _fields(bytes(fields[4]))]
            infos[bytes(fields[1]).decode()] = info
    assert sorted(infos) == ["W/part_0:0", "W/part_1:0", "W/part_2:0"]
    assert infos["W/part_1:0"] == [(1, b"W"), (2, 5), (2, 3), (3, 2), (3, 0), (4, 2), (4, 3)]


def test_merging_shards_refuses_a_tensor_saved_twice(tmp_path):
    """MergeV2Checkpoints: a whole tensor in two shards is TF's InvalidArgumentError."""
    d = str(tmp_path)
    with gc.Graph().as_default(), gc.Session() as s:
        v = gc.constant([1.0, 2.0])
        paths = [os.path.join(d, f"s{k}") for k in range(2)]
        for p in paths:
            s.run(gc.raw_ops.SaveV2(prefix=p, tensor_names=["v"], shape_and_slices=[""],
                                    tensors=[v]))
        merge = gc.raw_ops.MergeV2Checkpoints(checkpoint_prefixes=paths,
                                              destination_prefix=os.path.join(d, "m"))
        with pytest.raises(errors.InvalidArgumentError, match="Duplicate tensor keyed by v"):
            s.run(merge)
