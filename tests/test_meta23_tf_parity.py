"""TensorFlow 2.21 reads graphc's export of partitioned variables (test_meta23_sliced_saver's
model): tf.compat.v1.train.import_meta_graph + restore gives graphc's outputs, sharded or
not; TF's own sharded save splits W's slices across shards and graphc restores it; the
sharded Saver's shards are TF1's. And export_scope's nodes and unbound inputs are TF1's."""
import os

import numpy as np

import graphc as gc
from test_meta23_sliced_saver import XS, partitioned_model
from tf_parity import tf, v1

TWO_CPUS = v1.ConfigProto(device_count={"CPU": 2})


def test_tf_restores_graphc_partitioned_checkpoint(tmp_path):
    for sharded in (False, True):
        d = str(tmp_path / str(sharded))
        prefix, want = partitioned_model(d, sharded)
        with tf.Graph().as_default(), v1.Session(config=TWO_CPUS) as s:
            saver = v1.train.import_meta_graph(prefix + ".meta")
            assert saver.saver_def.sharded == sharded
            saver.restore(s, prefix)
            np.testing.assert_allclose(s.run("y:0", {"x:0": XS}), want, rtol=1e-5, atol=1e-6)
            parts = [v._get_save_slice_info() for v in v1.global_variables()
                     if v.name.startswith("W/")]
            assert [p.spec for p in parts] == ["5 3 0,2:0,3", "5 3 2,2:0,3", "5 3 4,1:0,3"]
            tf_prefix = saver.save(s, os.path.join(d, "by_tf"))
        if sharded:                 # one shard per device: W's slices in both
            assert sorted(f for f in os.listdir(d) if f.startswith("by_tf.data")) == [
                "by_tf.data-00000-of-00002", "by_tf.data-00001-of-00002"]
        with gc.Graph().as_default(), gc.Session() as s:
            gsaver = gc.train.import_meta_graph(prefix + ".meta")
            gsaver.restore(s, tf_prefix)
            np.testing.assert_array_equal(s.run("y:0", {"x:0": XS}), want)


def _tf_sharded_model():
    g = tf.Graph()
    with g.as_default():
        v1.placeholder(tf.float32, [None, 5], name="x")
        with g.device(lambda op: "/cpu:1" if op.type == "VariableV2" and "part_1" in op.name
                      else ""):
            v1.get_variable("W", [5, 3], partitioner=v1.fixed_size_partitioner(3),
                            use_resource=False)
        v1.get_variable("b", [3], use_resource=False)
        saver = v1.train.Saver(sharded=True)
        return v1.train.export_meta_graph(saver_def=saver.as_saver_def()).graph_def


def test_sharded_saver_nodes_are_tf1s(tmp_path):
    """The same shards, slices and devices as TF1's Saver(sharded=True) builds."""
    def shards(nodes):
        out = []
        for name, nd in sorted(nodes.items()):
            if nd.op == "SaveV2" or nd.op == "RestoreV2":
                specs = [nodes[f"{name}/{k}"].attr["value"].tensor.string_val
                         for k in ("tensor_names", "shape_and_slices")]
                out.append((name, [[bytes(s) for s in v] for v in specs],
                            tf.DeviceSpec.from_string(nd.device).to_string()))
        return out
    want = shards({nd.name: nd for nd in _tf_sharded_model().node})
    prefix, _ = partitioned_model(str(tmp_path), sharded=True)
    with open(prefix + ".meta", "rb") as f:
        meta = v1.MetaGraphDef.FromString(f.read())
    got = shards({nd.name: nd for nd in meta.graph_def.node})
    assert got == want
    names = {nd.name for nd in meta.graph_def.node if nd.name.startswith("save/")}
    tf_names = {nd.name for nd in _tf_sharded_model().node if nd.name.startswith("save/")}
    assert names == tf_names


def test_export_scope_nodes_and_unbound_inputs_are_tf1s(tmp_path):
    def build(m):
        outside = m.placeholder(m.float32, [2], name="outside")
        c = m.constant([1.0, 2.0], name="c")
        with m.variable_scope("net"):
            w = m.get_variable("w", [2], initializer=m.ones_initializer(), use_resource=False)
            y = m.identity(w * 3.0 + c, name="y")
            m.add(w, outside, name="z")
        m.add_to_collection("outs", y)
        m.add_to_collection("outs", c)
    with tf.Graph().as_default():
        build(v1)
        tf_meta = v1.train.export_meta_graph(export_scope="net")
    tf_nodes = {nd.name: list(nd.input) for nd in tf_meta.graph_def.node}
    with gc.Graph().as_default():
        build(gc)
        meta = gc.train.export_meta_graph(export_scope="net")
    nodes = {e["name"]: e["inputs"] for e in meta["graph_def"]["nodes"]}
    assert set(nodes) == set(tf_nodes) - {"w/read"}     # (graphc reads w itself)
    assert nodes["z"] == ["w:0", "$unbound_inputs_outside:0"]
    assert tf_nodes["z"] == ["w/read", "$unbound_inputs_outside"]
    assert [v for _, v in meta["graph_def"]["collections"]["unbound_inputs"]] == [
        s.decode() for s in tf_meta.collection_def["unbound_inputs"].bytes_list.value]
    assert [v for _, v in meta["graph_def"]["collections"]["outs"]] == [
        "y:0"] == list(tf_meta.collection_def["outs"].node_list.value)
