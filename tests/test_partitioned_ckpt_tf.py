"""Partitioned variables in TF's V2 checkpoints, without TensorFlow: the fixture
tests/data/tf_partitioned_ckpt/ (TF1's Saver after 3 steps of a model of partitioned
variables with Adam and Momentum slots; tests/data/make_tf_partitioned_ckpt.py) is
restored, read, trained on and written back byte for byte; restores across
partitionings; graphc's own sliced V2 files; the slice helpers SaveV2/RestoreV2 use."""
import os

import numpy as np
import pytest

import graphc as gc
from graphc import partitioned_ckpt as pc
from graphc.train import checkpoint_tf, checkpoint_tf_write
from graphc.train.checkpoint import _write_atomic
from tf_fixtures import data_module

mk = data_module("make_tf_partitioned_ckpt")
TF = np.load(os.path.join(mk.TARGET, "expected.npz"))
V2 = gc.train.SaverDef.V2
UNPARTITIONED = {name: None for name in mk.LAYOUT}


def _value(x):
    """x comparable with the fixture's arrays (strings as bytes)."""
    x = np.asarray(x)
    return x.astype(bytes) if x.dtype == object else x


def _restored(partitioners=None, how="saver"):
    """{name: full value} of the model's variables after restoring the fixture into it
    (partitioned as `partitioners` says) by Saver.restore or init_from_checkpoint."""
    with gc.Graph().as_default():
        _, _, _, variables = mk.model(gc, partitioners)
        if how == "init":
            gc.train.init_from_checkpoint(mk.TARGET, {"/": "/"})
        with gc.Session() as s:
            if how == "init":
                s.run(gc.global_variables_initializer())
            else:
                gc.train.Saver().restore(s, mk.PREFIX)
            return s.run({k: mk.whole(v) for k, v in variables.items()})


def _files(prefix):
    return [open(prefix + suffix, "rb").read()
            for suffix in (".index", ".data-00000-of-00001")]


def test_fixture_is_tf_sliced():
    """TF wrote each partitioned variable as a full entry with its slices."""
    bundle = checkpoint_tf.Bundle(mk.PREFIX)
    assert bundle.entries["w1"]["slices"] == [[(0, 4), (0, 3)], [(0, 4), (3, 3)]]
    assert bundle.entries["w2/Momentum"]["slices"] == [
        [(0, 2), (0, 3)], [(2, 2), (0, 3)], [(4, 1), (0, 3)], [(5, 1), (0, 3)]]
    assert len(bundle.entries["emb/words/Adam_1"]["slices"]) == 3
    assert bundle.entries["global_step"]["slices"] == []
    assert len(bundle.slices) == 3 * 3 + 2 * 3 + 4 * 2 + 3 * 2 + 2


def test_restore_and_train_on_as_tf():
    with gc.Graph().as_default():
        (ids, y), train, loss, variables = mk.model(gc)
        with gc.Session() as s:
            gc.train.Saver().restore(s, mk.PREFIX)
            got = s.run({k: mk.whole(v) for k, v in variables.items()})
            losses = [s.run([loss, train], {ids: mk.IDS, y: mk.YS})[0] for _ in range(3)]
            after = s.run({k: mk.whole(v) for k, v in variables.items()})
            step = s.run(gc.train.get_global_step())
    for name, value in got.items():
        assert np.array_equal(_value(value), TF[f"saved/{name}"]), name
    np.testing.assert_allclose(losses, TF["losses"], rtol=1e-5)
    assert np.array_equal(_value(after.pop("words")), TF["after/words"])
    for name, value in after.items():
        np.testing.assert_allclose(value, TF[f"after/{name}"], rtol=1e-5, atol=1e-6)
    assert step == 6


def test_readers_reassemble_slices():
    names = sorted(k[len("saved/"):] for k in TF.files if k.startswith("saved/"))
    listed = gc.train.list_variables(mk.PREFIX)
    assert [n for n, _ in listed] == names
    assert dict(listed)["w2/Momentum"] == [6, 3] and dict(listed)["words"] == [5]
    reader = gc.train.NewCheckpointReader(mk.PREFIX)
    assert reader.get_variable_to_shape_map()["emb/words/Adam"] == [10, 4]
    assert reader.get_variable_to_dtype_map()["words"] is gc.string
    assert reader.has_tensor("w1") and not reader.has_tensor("w1/part_0")
    for name in names:
        want = TF[f"saved/{name}"]
        assert np.array_equal(_value(gc.train.load_variable(mk.PREFIX, name)), want), name
        assert np.array_equal(_value(reader.get_tensor(name)), want), name


def test_resave_is_byte_identical(tmp_path):
    """Restored, then saved with write_version V2: the very files TF's Saver wrote."""
    with gc.Graph().as_default():
        mk.model(gc)
        saver = gc.train.Saver(write_version=V2)
        with gc.Session() as s:
            saver.restore(s, mk.PREFIX)
            prefix = saver.save(s, str(tmp_path / "model.ckpt"), global_step=3,
                                write_meta_graph=False)
    assert _files(prefix) == _files(mk.PREFIX)


@pytest.mark.parametrize("how", ["saver", "init"])
@pytest.mark.parametrize("layout", ["other", "unpartitioned"])
def test_restore_into_other_partitionings(how, layout):
    got = _restored(mk.OTHER if layout == "other" else UNPARTITIONED, how)
    for name, value in got.items():
        assert np.array_equal(_value(value), TF[f"saved/{name}"]), name


@pytest.mark.parametrize("layout", ["other", "unpartitioned"])
def test_slots_restore_into_other_partitionings(tmp_path, layout):
    """The Adam and Momentum slots take their slices too: saved again (in the new
    partitioning's slices), every tensor is TF's."""
    with gc.Graph().as_default():
        mk.model(gc, mk.OTHER if layout == "other" else UNPARTITIONED)
        saver = gc.train.Saver(write_version=V2)
        with gc.Session() as s:
            saver.restore(s, mk.PREFIX)
            prefix = saver.save(s, str(tmp_path / "again"), write_meta_graph=False)
    listed = gc.train.list_variables(prefix)
    assert listed == gc.train.list_variables(mk.PREFIX)
    for name, _ in listed:
        assert np.array_equal(_value(gc.train.load_variable(prefix, name)),
                              TF[f"saved/{name}"]), name


@pytest.mark.parametrize("target", ["name", "list", "object"])
def test_init_from_checkpoint_forms(target):
    with gc.Graph().as_default():
        w2 = gc.get_variable("new_w2", [6, 3], partitioner=gc.fixed_size_partitioner(4))
        form = {"name": "new_w2", "list": list(w2), "object": w2}[target]
        gc.train.init_from_checkpoint(mk.PREFIX, {"w2/Momentum": form})
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            assert np.array_equal(s.run(w2.as_tensor()), TF["saved/w2/Momentum"])


def test_warm_start_into_other_partitioning():
    with gc.Graph().as_default():
        _, _, _, variables = mk.model(gc, mk.OTHER)
        gc.train.warm_start(mk.PREFIX, ["w2", "b"])
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            assert np.array_equal(s.run(mk.whole(variables["w2"])), TF["saved/w2"])
            assert np.array_equal(s.run(mk.whole(variables["b"])), TF["saved/b"])


def _restore_one(name, shape, dtype=gc.float32, partitioner=None):
    with gc.Graph().as_default():
        v = gc.get_variable("x", shape, dtype, partitioner=partitioner)
        with gc.Session() as s:
            gc.train.Saver({name: v}).restore(s, mk.PREFIX)


def test_mismatches_raise_tf_error_class():
    """TF's RestoreV2 raises InvalidArgumentError; graphc's is one, and a ShapeError or
    DTypeError naming the variable and its part."""
    p = gc.fixed_size_partitioner(2, axis=1)
    with pytest.raises(gc.errors.InvalidArgumentError,
                       match=r"'w1' of full shape \[4, 5\] \(part 'x/part_0'"):
        _restore_one("w1", [4, 5], partitioner=p)
    with pytest.raises(gc.errors.ShapeError, match=r"'w1' of full shape \[24\]"):
        _restore_one("w1", [24], partitioner=gc.fixed_size_partitioner(2))
    with pytest.raises(gc.errors.InvalidArgumentError, match="'w1' is float64 .*float32"):
        _restore_one("w1", [4, 6], gc.float64, partitioner=p)
    with pytest.raises(gc.errors.DTypeError, match="never casts"):
        _restore_one("w1", [4, 6], gc.float64, partitioner=p)
    with pytest.raises(gc.errors.ShapeError, match="cannot take 'w1'"):
        _restore_one("w1", [4, 5])                  # an unpartitioned variable
    with gc.Graph().as_default():
        v = gc.get_variable("x", [4, 5], partitioner=p)
        with pytest.raises(gc.errors.InvalidArgumentError,
                           match=r"partitioned variable x \(\[4, 5\]\).* tensor w1 "):
            gc.train.init_from_checkpoint(mk.PREFIX, {"w1": v})
        v = gc.get_variable("y", [4, 6], gc.float64, partitioner=p)
        with pytest.raises(gc.errors.InvalidArgumentError, match="'y/part_0' is float64"):
            gc.train.init_from_checkpoint(mk.PREFIX, {"w1": v})


# ---- graphc's own sliced V2 files ------------------------------------------------------
def _train_and_save(tmp_path, write_version):
    with gc.Graph().as_default():
        (ids, y), train, _, variables = mk.model(gc)
        saver = gc.train.Saver(write_version=write_version)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            for _ in range(3):
                s.run(train, {ids: mk.IDS, y: mk.YS})
            prefix = saver.save(s, str(tmp_path / "gc.ckpt"), global_step=3)
            return prefix, s.run({k: mk.whole(v) for k, v in variables.items()})


def test_graphc_writes_tf_layout(tmp_path):
    """The same entries as TF's fixture: full names with their slices, slice keys,
    dtypes, shapes and the data file's layout (its bytes differ by training's
    rounding only)."""
    prefix, _ = _train_and_save(tmp_path, V2)
    ours, tfs = checkpoint_tf.read_table(prefix + ".index"), checkpoint_tf.read_table(
        mk.PREFIX + ".index")
    assert [k for k, _ in ours] == [k for k, _ in tfs]
    for (key, a), (_, b) in zip(ours, tfs):
        if key:
            a, b = checkpoint_tf.parse_entry(a), checkpoint_tf.parse_entry(b)
            a.pop("crc32c"), b.pop("crc32c")
            assert a == b, key
    assert os.path.getsize(prefix + ".data-00000-of-00001") == \
        os.path.getsize(mk.PREFIX + ".data-00000-of-00001")


@pytest.mark.parametrize("layout", [None, "other", "unpartitioned"])
def test_graphc_reads_its_own_sliced_files(tmp_path, layout):
    prefix, want = _train_and_save(tmp_path, V2)
    partitioners = {None: None, "other": mk.OTHER, "unpartitioned": UNPARTITIONED}[layout]
    with gc.Graph().as_default():
        _, _, _, variables = mk.model(gc, partitioners)
        with gc.Session() as s:
            gc.train.Saver().restore(s, prefix)
            got = s.run({k: mk.whole(v) for k, v in variables.items()})
    for name in want:
        assert np.array_equal(_value(got[name]), _value(want[name])), name


def test_meta_graph_round_trip_with_sliced_v2(tmp_path):
    """graphc's .meta (train.export_meta_graph, JSON) keeps the slice keys: the imported
    Saver restores the V2 slices and saves the same files again."""
    prefix, want = _train_and_save(tmp_path, V2)
    with gc.Graph().as_default() as g:
        saver = gc.train.import_meta_graph(prefix + ".meta")
        with gc.Session() as s:
            saver.restore(s, prefix)
            parts = s.run([g.get_tensor_by_name(f"w2/part_{i}:0") for i in range(4)])
            again = saver.save(s, str(tmp_path / "again"), write_meta_graph=False)
    assert np.array_equal(np.concatenate(parts), want["w2"])
    assert _files(again) == _files(prefix)


def test_saving_only_some_parts_is_refused(tmp_path):
    with gc.Graph().as_default():
        _, _, _, variables = mk.model(gc)
        saver = gc.train.Saver(list(variables["w2"])[:3], write_version=V2)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            with pytest.raises(gc.errors.GraphcError, match="only some parts of .*'w2'"):
                saver.save(s, str(tmp_path / "m"))


# ---- the writer and the slice helpers ----------------------------------------------------
def test_write_bundle_slices_round_trip(tmp_path):
    full = np.arange(24, dtype=np.float64).reshape(4, 6)
    arrays = {"s": checkpoint_tf_write.Slices([4, 6], [([(0, 4), (0, 2)], full[:, :2]),
                                                       ([(0, 4), (2, 4)], full[:, 2:])]),
              "t": np.array([b"x", b"yz"], object)}
    prefix = str(tmp_path / "b")
    checkpoint_tf_write.write_bundle(prefix, arrays, _write_atomic)
    bundle = checkpoint_tf.Bundle(prefix)
    assert bundle.entries["s"]["slices"] == [[(0, 4), (0, 2)], [(0, 4), (2, 4)]]
    got = bundle.read(["s", "t"])
    assert np.array_equal(got["s"], full) and got["t"].tolist() == [b"x", b"yz"]


def test_one_part_is_written_whole(tmp_path):
    """A partitioned variable of one part (its slice is the whole) is a plain entry, as
    TF's BundleWriter::AddSlice writes a full slice."""
    with gc.Graph().as_default():
        v = gc.get_variable("one", [1, 4], partitioner=gc.fixed_size_partitioner(3))
        assert len(list(v)) == 1
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            prefix = gc.train.Saver(write_version=V2).save(s, str(tmp_path / "m"))
    assert [k for k, _ in checkpoint_tf.read_table(prefix + ".index")] == [b"", b"one"]
    assert checkpoint_tf.Bundle(prefix).entries["one"]["size"] == 16


def test_table_spans_blocks_with_short_index_keys(tmp_path):
    """Over 256 KiB of entries: several data blocks, each indexed under a short
    separator key (TF's TableBuilder); every entry reads back."""
    arrays = {f"v{2 * i:04d}/" + "x" * 200: np.float32(i) for i in range(1500)}
    prefix = str(tmp_path / "big")
    checkpoint_tf_write.write_bundle(prefix, arrays, _write_atomic)
    raw = open(prefix + ".index", "rb").read()
    footer = raw[-48:]
    _, _, pos = checkpoint_tf._handle(footer, 0, "x")
    offset, size, _ = checkpoint_tf._handle(footer, pos, "x")
    index = checkpoint_tf._entries(raw[offset:offset + size], "x")
    assert [k for k, _ in index] == [b"v2375", b"w"]   # v2374/x.. < v2375 < v2376/x..
    assert len(checkpoint_tf.read_table(prefix + ".index")) == 1501
    assert gc.train.load_variable(prefix, "v2998/" + "x" * 200) == 1499
    assert checkpoint_tf_write._separator(b"abcd", b"abzz") == b"abd"
    assert checkpoint_tf_write._separator(b"abc", b"abd") == b"abc"
    assert checkpoint_tf_write._successor(b"\xff\xffab") == b"\xff\xffb"


def test_slice_specs():
    assert pc.parse_spec("10 4 4,3:0,4") == ([10, 4], [(4, 3), (0, 4)])
    assert pc.parse_spec("10 4 4,3:-") == ([10, 4], [(4, 3), (0, 4)])
    for bad in ("", "10 4", "10 4 4,3", "10 4 8,3:-", "x 4 0,1:-", "10 4 1,2,3:-"):
        assert pc.parse_spec(bad) is None, bad
    full = np.arange(40.0).reshape(10, 4)
    assert np.array_equal(pc.spec_slice("e", "10 4 4,3:-", full), full[4:7])
    assert pc.spec_slice("e", "", full) is full
    with pytest.raises(gc.errors.InvalidArgumentError,
                       match=r"tensor_name = e; shape in shape_and_slice spec \[10,5\] does "
                             r"not match the shape stored in checkpoint: \[10,4\]"):
        pc.spec_slice("e", "10 5 0,1:-", full)
    values = pc.sliced_values(["e", "e", "c"], ["10 4 0,4:-", "10 4 4,6:-", ""],
                              [full[:4], full[4:], np.float32(1)])
    assert values["e"].shape == [10, 4] and values["c"] == 1
    assert [x for x, _ in values["e"].parts] == [[(0, 4), (0, 4)], [(4, 6), (0, 4)]]
    with pytest.raises(gc.errors.InvalidArgumentError, match="has shape"):
        pc.sliced_values(["e"], ["10 4 0,4:-"], [full[:3]])
