"""Partitioned variables in TF's V2 checkpoints, both ways with TensorFlow: TF1's Saver
writes, graphc restores (Saver, init_from_checkpoint, the readers) and trains on as TF
does; graphc writes, TF restores and trains on; both restore across partitionings and
raise InvalidArgumentError on a mismatch; graphc's files are TF's byte for byte. The
model (partitioned variables of four partitioners, Adam and Momentum slots) is
tests/data/make_tf_partitioned_ckpt.py's."""
import numpy as np
import pytest

import graphc as gc
from tf_fixtures import data_module
from tf_parity import tf, v1

mk = data_module("make_tf_partitioned_ckpt")
# TF reads a string tensor's slices only as they were written ("Dtype string not
# supported" otherwise; graphc reads them any way): "words" keeps its partitioning here
OTHER = dict(mk.OTHER, words=mk.LAYOUT["words"][1])
UNPARTITIONED = {name: None for name in mk.LAYOUT if name != "words"}


def _run(m, partitioners=None, restore=None, init_from=None, save=None, steps_before=0):
    """Build mk.model in m (graphc or TF1), start from checkpoint `restore`
    (Saver.restore), from `init_from` (init_from_checkpoint of every variable) or the
    initializers, train steps_before steps, save to `save` (graphc: V2), train 3 more.
    Returns {"start", "saved", "end": {name: full value}, "losses", "prefix"}."""
    g = m.Graph()
    out = {}
    with g.as_default():
        (ids, y), train, loss, variables = mk.model(m, partitioners)
        saver = m.train.Saver(**({"write_version": gc.train.SaverDef.V2} if m is gc else {}))
        if init_from:
            m.train.init_from_checkpoint(init_from, {n: n for n in variables})
        fetch = {k: mk.whole(v) for k, v in variables.items()}
        feed = {ids: mk.IDS, y: mk.YS}
        with (gc.Session() if m is gc else v1.Session(graph=g)) as s:
            if restore:
                saver.restore(s, restore)
            else:
                s.run(m.global_variables_initializer())
            out["start"] = s.run(fetch)
            for _ in range(steps_before):
                s.run(train, feed)
            out["saved"] = s.run(fetch)
            out["prefix"] = save and saver.save(s, save, write_meta_graph=False)
            out["losses"] = [s.run([loss, train], feed)[0] for _ in range(3)]
            out["end"] = s.run(fetch)
    return out


def _same(got, want, exact=True):
    for name in want:
        a, b = np.asarray(got[name]), np.asarray(want[name])
        if exact or a.dtype.kind in "OS":
            assert a.dtype == b.dtype and np.array_equal(a, b), name
        else:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=name)


def _files(prefix):
    return [open(prefix + suffix, "rb").read()
            for suffix in (".index", ".data-00000-of-00001")]


@pytest.fixture(scope="module")
def tf_ckpt(tmp_path_factory):
    """TF's run: 3 steps, saved, 3 more."""
    return _run(v1, save=str(tmp_path_factory.mktemp("tf") / "model.ckpt"), steps_before=3)


def test_tf_writes_graphc_restores_and_trains_on(tf_ckpt):
    ours = _run(gc, restore=tf_ckpt["prefix"])
    _same(ours["start"], tf_ckpt["saved"])
    np.testing.assert_allclose(ours["losses"], tf_ckpt["losses"], rtol=1e-5)
    _same(ours["end"], tf_ckpt["end"], exact=False)
    _same(_run(gc, init_from=tf_ckpt["prefix"])["start"], tf_ckpt["saved"])


def test_readers_agree_with_tf(tf_ckpt):
    prefix = tf_ckpt["prefix"]
    listed = tf.train.list_variables(prefix)
    assert gc.train.list_variables(prefix) == [(n, list(s)) for n, s in listed]
    for name, _ in listed:
        if name != "words":             # TF: "Dtype string not supported" for its slices
            want = tf.train.load_variable(prefix, name)
            assert np.array_equal(gc.train.load_variable(prefix, name), want), name
    ours, tfs = gc.train.NewCheckpointReader(prefix), v1.train.NewCheckpointReader(prefix)
    assert ours.get_variable_to_shape_map() == tfs.get_variable_to_shape_map()
    assert {k: d.name for k, d in ours.get_variable_to_dtype_map().items()} == \
        {k: d.name for k, d in tfs.get_variable_to_dtype_map().items()}


def test_graphc_resaves_tf_files_byte_for_byte(tf_ckpt, tmp_path):
    ours = _run(gc, restore=tf_ckpt["prefix"], save=str(tmp_path / "again"))
    assert _files(ours["prefix"]) == _files(tf_ckpt["prefix"])


def test_graphc_writes_tf_restores_and_trains_on(tmp_path):
    ours = _run(gc, save=str(tmp_path / "gc.ckpt"), steps_before=3)
    theirs = _run(v1, restore=ours["prefix"], save=str(tmp_path / "tf_again"))
    _same(theirs["start"], ours["saved"])
    np.testing.assert_allclose(theirs["losses"], ours["losses"], rtol=1e-5)
    _same(theirs["end"], ours["end"], exact=False)
    for name, _ in tf.train.list_variables(ours["prefix"]):
        if name != "words":
            assert np.array_equal(tf.train.load_variable(ours["prefix"], name),
                                  gc.train.load_variable(ours["prefix"], name)), name
    # what TF's Saver writes of the same values is graphc's file, byte for byte
    assert _files(theirs["prefix"]) == _files(ours["prefix"])
    _same(_run(v1, init_from=ours["prefix"])["start"], ours["saved"])


@pytest.mark.parametrize("how", ["restore", "init_from"])
@pytest.mark.parametrize("layout", ["other", "unpartitioned"])
def test_restore_across_partitionings(tf_ckpt, tmp_path, how, layout):
    partitioners = OTHER if layout == "other" else UNPARTITIONED
    theirs = _run(v1, partitioners, **{how: tf_ckpt["prefix"]})
    ours = _run(gc, partitioners, **{how: tf_ckpt["prefix"]})
    _same(theirs["start"], tf_ckpt["saved"])
    _same(ours["start"], tf_ckpt["saved"])
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-5)
    _same(ours["end"], theirs["end"], exact=False)


def test_graphc_restores_string_slices_tf_cannot(tf_ckpt):
    """TF's RestoreV2 refuses a sliced string tensor into other slices; graphc
    reassembles it (the only place graphc does more than TF here)."""
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dtype string not supported"):
        _run(v1, UNPARTITIONED | {"words": None}, restore=tf_ckpt["prefix"])
    got = _run(gc, UNPARTITIONED | {"words": None}, restore=tf_ckpt["prefix"])
    _same(got["start"], tf_ckpt["saved"])


def _mismatch(m, how, prefix, shape, dtype, partitioner):
    g = m.Graph()
    with g.as_default():
        v = m.get_variable("x", shape, getattr(m, dtype), partitioner=partitioner(m))
        with (gc.Session() if m is gc else v1.Session(graph=g)) as s:
            if how == "init":
                m.train.init_from_checkpoint(prefix, {"w1": list(v)})
                s.run(m.global_variables_initializer())
            else:
                m.train.Saver({"w1": v}).restore(s, prefix)


@pytest.mark.parametrize("how", ["restore", "init"])
@pytest.mark.parametrize("shape,dtype,partitioner", [
    ([4, 5], "float32", lambda m: m.fixed_size_partitioner(2, axis=1)),
    ([24], "float32", lambda m: m.fixed_size_partitioner(2)),
    ([6, 4], "float32", lambda m: m.fixed_size_partitioner(3)),
    ([4, 6], "float64", lambda m: m.fixed_size_partitioner(2, axis=1)),
])
def test_mismatches_raise_invalid_argument(tf_ckpt, how, shape, dtype, partitioner):
    with pytest.raises(tf.errors.InvalidArgumentError, match="tensor_name = w1"):
        _mismatch(v1, how, tf_ckpt["prefix"], shape, dtype, partitioner)
    with pytest.raises(gc.errors.InvalidArgumentError, match="w1") as e:
        _mismatch(gc, how, tf_ckpt["prefix"], shape, dtype, partitioner)
    assert "x" in str(e.value)      # the variable (or its part)


def test_write_bundle_matches_tf_save_v2(tmp_path):
    """graphc's writer and TF's SaveV2 op make the same files: slices, strings, and an
    index of several blocks (over 256 KiB of keys)."""
    from graphc import partitioned_ckpt as pc
    from graphc.train.checkpoint import _write_atomic
    from graphc.train.checkpoint_tf_write import write_bundle
    rng = np.random.RandomState(0)
    names = [f"v{2 * i:05d}/" + "x" * int(rng.randint(1, 150)) + "\u00e9" * (i % 3)
             for i in range(2500)]
    tensors = [rng.randn(rng.randint(0, 3)).astype(np.float32) for _ in names]
    full = np.arange(24, dtype=np.float64).reshape(6, 4)
    names += ["zz", "zz", "zzs"]
    specs = [""] * (len(names) - 3) + ["6 4 0,4:0,4", "6 4 4,2:0,4", "2 0,2"]
    tensors += [full[:4], full[4:], np.array([b"a", b"\xff\x00"], object)]
    with tf.Graph().as_default():
        save = tf.raw_ops.SaveV2(prefix=str(tmp_path / "tf"), tensor_names=names,
                                 shape_and_slices=specs, tensors=tensors)
        with v1.Session() as s:
            s.run(save)
    write_bundle(str(tmp_path / "gc"), pc.sliced_values(names, specs, tensors),
                 _write_atomic)
    assert _files(str(tmp_path / "gc")) == _files(str(tmp_path / "tf"))


def test_tf_meta_graph_saver_restores_and_saves_slices(tmp_path):
    """TF's .meta imported: its save/RestoreV2 and save/SaveV2 nodes read and write the
    partitioned variables' slices (graphc/ops/checkpoint_ops.py)."""
    theirs = _run(v1, save=str(tmp_path / "tf.ckpt"), steps_before=3)
    with tf.Graph().as_default():
        mk.model(v1)
        v1.train.Saver().export_meta_graph(str(tmp_path / "tf.meta"))
    with gc.Graph().as_default() as g:
        saver = gc.train.import_meta_graph(str(tmp_path / "tf.meta"))
        with gc.Session() as s:
            saver.restore(s, theirs["prefix"])
            again = saver.save(s, str(tmp_path / "again"))
            feed = {"ids:0": mk.IDS, "y:0": mk.YS}
            train = g.get_operation_by_name("group_deps")
            losses = [s.run(["loss:0", train], feed)[0] for _ in range(3)]
    assert _files(again) == _files(theirs["prefix"])
    np.testing.assert_allclose(losses, theirs["losses"], rtol=1e-5)
