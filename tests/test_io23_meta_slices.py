"""A TF .meta's partitioned variables come back as parts of their full variable (each
VariableDef's save_slice_info_def), so a NEW gc.train.Saver built after
import_meta_graph saves slices of "W", as TF1's does, not W/part_k; and the SaverDef's
other fields (max_to_keep, sharded, keep_checkpoint_every_n_hours, version) are read
and used as TF's imported Saver uses them. TensorFlow's side: test_io23_tf_parity.py."""
import os

import numpy as np
import pytest

import graphc as gc
from graphc.io.serialize import SerializationError
from graphc.io.tf_meta_graph import import_parsed
from graphc.saved_model.tf_saved_model import _meta_graph
from test_meta23_sliced_saver import XS, partitioned_model


def _full_w(sess, parts):
    return np.concatenate([sess.run(p) for p in parts], axis=0)


@pytest.mark.parametrize("scope", [None, "imp"])
def test_new_saver_after_import_saves_slices_of_the_full_name(tmp_path, scope):
    d = str(tmp_path)
    prefix, want = partitioned_model(d)
    pre = f"{scope}/" if scope else ""
    with gc.Graph().as_default(), gc.Session() as s:
        saver = gc.train.import_meta_graph(prefix + ".meta", import_scope=scope)
        saver.restore(s, prefix)
        # TF1: the collections hold the parts (one object in each), each with its slice
        gv = gc.get_collection(gc.GraphKeys.GLOBAL_VARIABLES)
        assert [v.name for v in gv] == [pre + n for n in
                                        ("W/part_0:0", "W/part_1:0", "W/part_2:0", "b:0")]
        assert all(a is b for a, b in zip(gv, gc.trainable_variables()))
        infos = [v._get_save_slice_info() for v in gv[:3]]
        assert [(i.full_name, i.spec) for i in infos] == [
            (pre + "W", "5 3 0,2:0,3"), (pre + "W", "5 3 2,2:0,3"), (pre + "W", "5 3 4,1:0,3")]
        assert getattr(gv[3], "_save_slice_info", None) is None
        w = _full_w(s, gv[:3])
        new = gc.train.Saver(write_version=gc.train.SaverDef.V2)
        again = new.save(s, os.path.join(d, "again"), write_meta_graph=False)
        np.testing.assert_array_equal(s.run(pre + "y:0", {pre + "x:0": XS}), want)
    reader = gc.train.load_checkpoint(again)
    assert reader.get_variable_to_shape_map() == {pre + "W": [5, 3], pre + "b": [3]}
    np.testing.assert_array_equal(reader.get_tensor(pre + "W"), w)
    # the slices restore into another partitioning of W
    with gc.Graph().as_default(), gc.Session() as s:
        with gc.variable_scope(scope or ""):
            W = gc.get_variable("W", [5, 3], partitioner=gc.fixed_size_partitioner(2))
        gc.train.Saver([W]).restore(s, again)
        np.testing.assert_array_equal(_full_w(s, list(W)), w)


def test_a_slice_that_does_not_fit_its_variable_is_refused(tmp_path):
    prefix, _ = partitioned_model(str(tmp_path))
    with open(prefix + ".meta", "rb") as f:
        m = _meta_graph(f.read())
    var_defs = m["collections"]["variables"]
    # W/part_1's save_slice_info_def: var_shape [2, 3] -> [3, 3] (same length in bytes)
    k = next(i for i, b in enumerate(var_defs) if b"W/part_1" in bytes(b))
    assert bytes(var_defs[k]).count(b"\x20\x02\x20\x03") == 1
    var_defs[k] = bytes(var_defs[k]).replace(b"\x20\x02\x20\x03", b"\x20\x03\x20\x03")
    with gc.Graph().as_default():
        with pytest.raises(SerializationError, match="'W/part_1'.*var_shape \\[3, 3\\]"):
            import_parsed(m)


def test_saver_def_fields_are_read_and_max_to_keep_applies(tmp_path):
    d = str(tmp_path)
    prefix, _ = partitioned_model(os.path.join(d, "m"), sharded=True)
    with gc.Graph().as_default(), gc.Session() as s:
        saver = gc.train.import_meta_graph(prefix + ".meta")
        sd = saver.saver_def
        assert (sd.sharded, sd.max_to_keep, sd.keep_checkpoint_every_n_hours, sd.version) \
            == (True, 5, 10000.0, gc.train.SaverDef.V2)
        sd["max_to_keep"] = 2               # as if TF's Saver(max_to_keep=2) wrote it
        saver.restore(s, prefix)
        paths = [saver.save(s, os.path.join(d, "run"), global_step=i) for i in range(3)]
        assert saver.last_checkpoints == paths[1:]
        assert not gc.train.checkpoint_exists(paths[0])
        assert gc.train.latest_checkpoint(d) == paths[2]
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            saver.restore(s, os.path.join(d, "nothing"))


def test_absent_saver_def_fields_are_proto3_defaults(tmp_path):
    """A SaverDef without max_to_keep (0): TF keeps every checkpoint, records none."""
    from graphc.io.wire import _bytes
    sd = _meta_graph(_bytes(3, _bytes(1, b"save/Const:0") + _bytes(3, b"save/restore_all")))[
        "saver_def"]
    assert (sd.max_to_keep, sd.sharded, sd.keep_checkpoint_every_n_hours, sd.version) == (
        0, False, 0.0, 0)
    assert sd.restore_op_name == "save/restore_all"
