"""TensorFlow's checkpoint format (V2 tensor bundles): graphc reads TF-written files
(tests/data/tf_ckpt, made by tests/data/make_tf_ckpt.py), writes them with
Saver(write_version=SaverDef.V2), and checks every checksum; plus graphc.io.crc32c."""
import os
import shutil
import struct

import numpy as np
import pytest

import graphc as gc
from graphc.io import crc32c as fast, tfrecord
from graphc.train import checkpoint_tf, checkpoint_tf_write

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "tf_ckpt")
PREFIX = os.path.join(DATA, "model.ckpt-42")
# the values tests/data/make_tf_ckpt.py saved with TensorFlow
EXPECTED = {
    "dense/kernel": np.array([[0.5, -1.25, 2.0], [3.0, 4.75, -5.0]], np.float32),
    "counts": np.array([1, -2, 2 ** 40], np.int64),
    "words": np.array([b"ab", b"", b"\xff\x00z"], object),
    "part": np.arange(10, dtype=np.float32).reshape(5, 2) / 4,
    "global_step": np.int64(42),
}


def _reference_crc(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


# ---- crc32c ------------------------------------------------------------------------------
def test_crc32c_check_value():
    assert fast.crc32c(b"123456789") == 0xE3069283
    assert fast.crc32c(b"123456789" * 200) == _reference_crc(b"123456789" * 200)
    assert fast.crc32c(b"") == 0 and tfrecord.crc32c(b"") == 0


@pytest.mark.parametrize("n", [1, 3, 4, 5, 15, 16, 17, 31, 1023, 1024, 1025, 1028, 4099,
                               65536 + 7, (1 << 20) + 17])
def test_crc32c_matches_byte_loop(n):
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8).tobytes()
    want = tfrecord.crc32c(data[:1000]) if n > 5000 else _reference_crc(data)
    if n > 5000:        # the pure-Python reference is slow: check the head, then extend
        want = _reference_crc(data[:1000])
        assert tfrecord.crc32c(data[:1000]) == want
        head, tail = data[:n // 2], data[n // 2:]
        assert fast.crc32c(data) == fast.crc32c(tail, fast.crc32c(head))
        assert fast.crc32c(data) == fast.crc32c_combine(fast.crc32c(head),
                                                        fast.crc32c(tail), len(tail))
        return
    assert fast.crc32c(data) == want == tfrecord.crc32c(data)
    assert fast.crc32c(memoryview(data)) == want
    k = n // 3
    assert fast.crc32c(data[k:], fast.crc32c(data[:k])) == want
    assert fast.crc32c_combine(fast.crc32c(data[:k]), fast.crc32c(data[k:]), n - k) == want
    assert fast.unmask(fast.mask(want)) == want


def test_crc32c_long_against_short_path():
    data = np.random.default_rng(7).integers(0, 256, 300_001, dtype=np.uint8).tobytes()
    crc = 0
    for i in range(0, len(data), 999):          # 999 < 1024: the byte loop each time
        crc = fast.crc32c(data[i:i + 999], crc)
    assert fast.crc32c(data) == crc == tfrecord.crc32c(data)


# ---- reading TF's files -------------------------------------------------------------------
def test_read_tf_fixture_module_functions():
    assert gc.train.latest_checkpoint(DATA) == PREFIX       # TF's text "checkpoint" file
    state = gc.train.get_checkpoint_state(DATA)
    assert state.all_model_checkpoint_paths == [PREFIX]
    assert gc.train.checkpoint_exists(PREFIX)
    assert gc.train.list_variables(DATA) == [
        ("counts", [3]), ("dense/kernel", [2, 3]), ("global_step", []), ("part", [5, 2]),
        ("words", [3])]
    for name, want in EXPECTED.items():
        got = gc.train.load_variable(PREFIX, name)
        assert got.dtype == np.asarray(want).dtype and np.array_equal(got, want), name


def test_read_tf_fixture_reader():
    reader = gc.train.NewCheckpointReader(PREFIX)
    assert reader.get_variable_to_dtype_map() == {
        "counts": gc.int64, "dense/kernel": gc.float32, "global_step": gc.int64,
        "part": gc.float32, "words": gc.string}
    assert reader.get_tensor("global_step") == 42
    assert reader.get_tensor("words").tolist() == [b"ab", b"", b"\xff\x00z"]
    assert b"part (DT_FLOAT) [5,2]" in reader.debug_string()
    with pytest.raises(gc.errors.NotFoundError):
        reader.get_tensor("nope")


def _model():
    kernel = gc.get_variable("dense/kernel", shape=[2, 3])
    counts = gc.get_variable("counts", shape=[3], dtype=gc.int64)
    words = gc.Variable(np.array([b"", b"", b""], object), name="words")
    part = gc.get_variable("part", shape=[5, 2], partitioner=gc.fixed_size_partitioner(2))
    step = gc.train.get_or_create_global_step()
    return kernel, counts, words, part, step


def test_saver_restores_tf_checkpoint():
    with gc.Graph().as_default():
        kernel, counts, words, part, step = _model()
        saver = gc.train.Saver()
        with gc.Session() as sess:
            saver.restore(sess, gc.train.latest_checkpoint(DATA))
            k, c, w, p0, p1, s = sess.run([kernel, counts, words] + list(part) + [step])
    assert np.array_equal(k, EXPECTED["dense/kernel"]) and k.dtype == np.float32
    assert np.array_equal(c, EXPECTED["counts"])
    assert w.tolist() == EXPECTED["words"].tolist()
    assert np.array_equal(np.concatenate([p0, p1]), EXPECTED["part"]) and len(p0) == 3
    assert s == 42


def test_init_from_checkpoint_and_warm_start_read_tf():
    with gc.Graph().as_default():
        kernel = gc.get_variable("new/kernel", shape=[2, 3])
        part = gc.get_variable("p", shape=[5, 2], partitioner=gc.fixed_size_partitioner(2))
        gc.train.init_from_checkpoint(DATA, {"dense/kernel": "new/kernel", "part": "p"})
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            assert np.array_equal(sess.run(kernel), EXPECTED["dense/kernel"])
            assert np.array_equal(np.concatenate(sess.run(list(part))), EXPECTED["part"])
    with gc.Graph().as_default():
        kernel = gc.get_variable("dense/kernel", shape=[2, 3])
        gc.train.warm_start(PREFIX, vars_to_warm_start="dense/.*")
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            assert np.array_equal(sess.run(kernel), EXPECTED["dense/kernel"])


def test_object_checkpoint_written_by_tf():
    directory = os.path.join(DATA, "obj")
    assert ("_CHECKPOINTABLE_OBJECT_GRAPH", []) in gc.train.list_variables(directory)
    raw = gc.train.load_variable(directory, "_CHECKPOINTABLE_OBJECT_GRAPH")
    assert isinstance(raw[()], bytes) and not raw[()].startswith(b"{")     # TF's proto
    with gc.Graph().as_default():
        weights = gc.Variable(np.zeros(2, np.float32), name="w")
        bias = gc.Variable(np.float64(0), name="b")
        ckpt = gc.train.Checkpoint(weights=weights, bias=bias)
        with gc.Session() as sess:
            ckpt.restore(gc.train.latest_checkpoint(directory)) \
                .assert_consumed().run_restore_ops(sess)
            w, b, n = sess.run([weights, bias, ckpt.save_counter])
    assert w.tolist() == [1.5, -2.5] and b == 0.25 and n == 1


# ---- writing TF's files -------------------------------------------------------------------
ALL_DTYPES = {
    "f16": np.array([1.5, -0.0, np.inf], np.float16), "f32": np.float32(3.25),
    "f64": np.arange(6.0).reshape(2, 3), "i8": np.array([-128, 127], np.int8),
    "i16": np.array([-3], np.int16), "i32": np.array([[1, 2]], np.int32),
    "i64": np.array([-(2 ** 62)], np.int64), "u8": np.array([255, 0], np.uint8),
    "u16": np.array([65535], np.uint16), "u32": np.array([2 ** 32 - 1], np.uint32),
    "u64": np.array([2 ** 64 - 1], np.uint64), "b": np.array([True, False]),
    "c64": np.array([1 + 2j], np.complex64), "c128": np.array([[3 - 4j]], np.complex128),
    "s": np.array([[b"a", b""], [b"\x00\xff", "é".encode()]], object),
    "s0": np.array(b"scalar", object), "empty": np.zeros((0, 3), np.float32),
    "scope/deep/name": np.float64(-1.0),
}


def test_write_bundle_round_trip_every_dtype(tmp_path):
    prefix = str(tmp_path / "all")
    checkpoint_tf_write.write_bundle(prefix, ALL_DTYPES, gc.train.checkpoint._write_atomic)
    assert sorted(os.listdir(tmp_path)) == ["all.data-00000-of-00001", "all.index"]
    assert checkpoint_tf.is_tf_checkpoint(prefix)
    got = dict(gc.train.list_variables(prefix))
    assert got == {n: list(np.shape(v)) for n, v in ALL_DTYPES.items()}
    for name, want in ALL_DTYPES.items():
        value = gc.train.load_variable(prefix, name)
        assert value.dtype == np.asarray(want).dtype, name
        assert value.tolist() == np.asarray(want).tolist(), name


def test_write_many_entries_spans_blocks(tmp_path):
    values = {f"layer_{i:04d}/w": np.full((40,), i, np.int32) for i in range(3000)}
    prefix = str(tmp_path / "many")
    checkpoint_tf_write.write_bundle(prefix, values, gc.train.checkpoint._write_atomic)
    bundle = checkpoint_tf.Bundle(prefix)
    assert len(bundle.entries) == 3000
    got = bundle.read(["layer_0000/w", "layer_1777/w", "layer_2999/w"])
    assert got["layer_1777/w"].tolist() == [1777] * 40


def test_saver_v2_writes_tf_files_and_default_stays_npz(tmp_path):
    with gc.Graph().as_default():
        kernel, counts, words, part, step = _model()
        init = gc.global_variables_initializer()
        v2 = gc.train.Saver(write_version=gc.train.SaverDef.V2, max_to_keep=1)
        with gc.Session() as sess:
            sess.run(init)
            sess.run([words.assign(np.array([b"x", b"yy", b""], object)),
                      counts.assign([5, 6, 7])])
            first = v2.save(sess, str(tmp_path / "m"), global_step=1, write_meta_graph=False)
            assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m-1.data-00000-of-00001",
                                                    "m-1.index"]
            v2.save(sess, str(tmp_path / "m"), global_step=2, write_meta_graph=False)
            assert not gc.train.checkpoint_exists(first)        # max_to_keep=1
            assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m-2.data-00000-of-00001",
                                                    "m-2.index"]
            want = sess.run([kernel, counts, words] + list(part))
        with gc.Session() as sess:
            v2.restore(sess, gc.train.latest_checkpoint(str(tmp_path)))
            got = sess.run([kernel, counts, words] + list(part))
        for a, b in zip(got, want):
            assert a.tolist() == b.tolist()


def test_saver_npz_default_and_format_switch(tmp_path):
    with gc.Graph().as_default():
        w = gc.Variable(np.arange(3.0), name="w")
        with gc.Session() as sess:
            sess.run(w.initializer)
            prefix = str(tmp_path / "m")
            gc.train.Saver().save(sess, prefix, write_meta_graph=False)
            assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m.npz"]
            gc.train.Saver(write_version=2).save(sess, prefix, write_meta_graph=False)
            assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m.data-00000-of-00001",
                                                    "m.index"]
            gc.train.Saver().save(sess, prefix, write_meta_graph=False)
            assert sorted(os.listdir(tmp_path)) == ["checkpoint", "m.npz"]
            gc.train.Saver(write_version=2).save(sess, prefix, write_meta_graph=False)
            gc.train.remove_checkpoint(prefix)
            assert os.listdir(tmp_path) == ["checkpoint"]


def test_saver_refuses_v1_and_legacy():
    with gc.Graph().as_default():
        gc.Variable(1.0, name="w")
        for version in (gc.train.SaverDef.V1, gc.train.SaverDef.LEGACY):
            with pytest.raises(ValueError, match="write_version SaverDef.(V1|LEGACY)"):
                gc.train.Saver(write_version=version)
    assert (gc.train.SaverDef.LEGACY, gc.train.SaverDef.V1, gc.train.SaverDef.V2) == (0, 1, 2)


# ---- corruption and refusals --------------------------------------------------------------
def _copy(tmp_path):
    for name in ("model.ckpt-42.index", "model.ckpt-42.data-00000-of-00001"):
        shutil.copy(os.path.join(DATA, name), tmp_path / name)
    return str(tmp_path / "model.ckpt-42")


def _flip(path, offset):
    raw = bytearray(open(path, "rb").read())
    raw[offset] ^= 0x01
    open(path, "wb").write(bytes(raw))


@pytest.mark.parametrize("offset", [0, 20, 60, 107])
def test_flipped_byte_in_data_is_data_loss(tmp_path, offset):
    prefix = _copy(tmp_path)
    _flip(prefix + ".data-00000-of-00001", offset)
    with pytest.raises(gc.errors.DataLossError, match="data-00000-of-00001"):
        for name in EXPECTED:
            gc.train.load_variable(prefix, name)


@pytest.mark.parametrize("offset", [5, 40, 150, -60])
def test_flipped_byte_in_index_is_data_loss(tmp_path, offset):
    prefix = _copy(tmp_path)
    size = os.path.getsize(prefix + ".index")
    _flip(prefix + ".index", offset % size)
    with pytest.raises(gc.errors.DataLossError, match=r"model.ckpt-42\.index"):
        gc.train.list_variables(prefix)


def test_truncated_index_and_missing_data(tmp_path):
    prefix = _copy(tmp_path)
    os.remove(prefix + ".data-00000-of-00001")
    with pytest.raises(gc.errors.NotFoundError, match="data-00000-of-00001"):
        gc.train.load_variable(prefix, "counts")
    raw = open(prefix + ".index", "rb").read()
    open(prefix + ".index", "wb").write(raw[:-3])
    with pytest.raises(gc.errors.DataLossError, match="not a TF checkpoint index"):
        gc.train.list_variables(prefix)


def test_compressed_block_is_refused(tmp_path):
    prefix = str(tmp_path / "c")
    checkpoint_tf_write.write_bundle(prefix, {"w": np.ones(2)}, gc.train.checkpoint._write_atomic)
    raw = bytearray(open(prefix + ".index", "rb").read())
    assert [k for k, _ in checkpoint_tf.read_table(prefix + ".index")] == [b"", b"w"]
    # the data block starts at 0; its size is in the index block's one handle
    handle = checkpoint_tf._entries(_index_block(raw), "x")[0][1]
    _, block_size, _ = checkpoint_tf._handle(handle, 0, "x")
    raw[block_size] = 1                                          # "Snappy"
    crc = fast.mask(fast.crc32c(bytes(raw[:block_size + 1])))
    raw[block_size + 1:block_size + 5] = struct.pack("<I", crc)
    open(prefix + ".index", "wb").write(bytes(raw))
    with pytest.raises(gc.errors.UnimplementedError, match="Snappy-compressed"):
        gc.train.list_variables(prefix)


def _index_block(raw):
    footer = bytes(raw[-48:])
    _, _, pos = checkpoint_tf._handle(footer, 0, "x")
    offset, size, _ = checkpoint_tf._handle(footer, pos, "x")
    return bytes(raw[offset:offset + size])


def test_v1_checkpoint_and_non_table_index_are_refused(tmp_path):
    prefix = str(tmp_path / "old")
    # a V1 checkpoint is one table file at the prefix itself
    checkpoint_tf_write.write_bundle(str(tmp_path / "t"), {"w": np.ones(1)},
                                     gc.train.checkpoint._write_atomic)
    shutil.copy(str(tmp_path / "t.index"), prefix)
    with pytest.raises(gc.errors.UnimplementedError, match="V1 checkpoint"):
        gc.train.list_variables(prefix)
    open(str(tmp_path / "junk.index"), "wb").write(b"not a table")
    with pytest.raises(gc.errors.DataLossError, match="junk.index"):
        gc.train.load_variable(str(tmp_path / "junk"), "w")


def test_slice_key_encoding():
    # the keys TF wrote for the fixture's two parts of "part" (rows 0-2 and 3-4)
    bundle = checkpoint_tf.Bundle(PREFIX)
    keys = sorted(bundle.slices)
    assert keys == [checkpoint_tf.slice_key("part", [(0, 3), (0, 2)]),
                    checkpoint_tf.slice_key("part", [(3, 2), (0, 2)])]
    assert checkpoint_tf._signed_increasing(-1) == b"\x7f"
    assert checkpoint_tf._signed_increasing(64) == b"\xc0\x40"
    values = [-70000, -65, -64, -1, 0, 1, 63, 64, 8191, 8192, 10 ** 9]
    encoded = [checkpoint_tf._signed_increasing(v) for v in values]
    assert encoded == sorted(encoded)


def test_tf_state_file_with_timestamps(tmp_path):
    (tmp_path / "checkpoint").write_text(
        'model_checkpoint_path: "ckpt-2"\nall_model_checkpoint_paths: "ckpt-1"\n'
        'all_model_checkpoint_paths: "ckpt-2"\nall_model_checkpoint_timestamps: '
        '1700000000.5\nlast_preserved_timestamp: 1699999999.25\n')
    state = gc.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / "ckpt-2")
    assert state.all_model_checkpoint_paths == [str(tmp_path / "ckpt-1"),
                                                str(tmp_path / "ckpt-2")]
