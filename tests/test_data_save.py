"""tf.data save / load / snapshot (graphc/data/exp_save.py, exp_save_format.py)."""
import collections
import os

import numpy as np
import pytest

import graphc as gc
from graphc.data.exp_save_format import (decode_metadata, decode_spec, encode_spec,
                                         snappy_block, unsnappy)


def _all(ds, sess=None):
    nx = ds.make_one_shot_iterator().get_next()
    out = []
    with gc.Session() as s:
        try:
            while True:
                out.append(s.run(nx))
        except gc.errors.OutOfRangeError:
            return out


def _save(ds, path, **kw):
    op = ds.save(str(path), **kw)
    with gc.Session() as s:
        assert s.run(op) is None
    return op


def _nested():
    return gc.data.Dataset.from_tensor_slices({
        "a": np.arange(3, dtype=np.int32),
        "b": (np.array([b"x", b"yy", b""]), np.arange(6, dtype=np.float16).reshape(3, 2)),
        "c": np.array([[1 + 2j], [3j], [4]], np.complex64),
        "d": np.array([True, False, True]), "e": np.arange(3, dtype=np.uint8)})


def _same(a, b):
    if isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, tuple):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("compression", [None, "GZIP", "SNAPPY"])
def test_save_then_load_round_trips_nested_elements(tmp_path, compression):
    ds = _nested()
    _save(ds, tmp_path, compression=compression)
    back = gc.data.Dataset.load(str(tmp_path), compression=compression)
    assert back.element_spec == ds.element_spec
    for x, y in zip(_all(back), _all(ds), strict=True):
        _same(x, y)


def test_save_writes_the_spec_now_and_the_elements_when_run(tmp_path):
    op = gc.data.Dataset.range(5).save(str(tmp_path))
    assert isinstance(op, gc.Operation)
    assert os.listdir(tmp_path) == ["dataset_spec.pb"]
    with gc.Session() as s:
        s.run(op)
    meta = decode_metadata((tmp_path / "snapshot.metadata").read_bytes())
    assert meta["finalized"] and meta["num_elements"] == 5 and meta["dtypes"] == [9]
    assert os.listdir(tmp_path / meta["run_id"]) == ["00000000.shard"]
    loaded = gc.data.experimental.load(str(tmp_path))
    assert _all(loaded) == list(range(5))
    with gc.Session() as s:
        assert s.run(gc.data.experimental.cardinality(loaded)) == 5


def test_save_reads_feeds_and_captured_values_each_run(tmp_path):
    n = gc.placeholder(gc.int64, [])
    op = gc.data.experimental.save(gc.data.Dataset.range(n).map(lambda x: x * 10),
                                   str(tmp_path))
    with gc.Session() as s:
        s.run(op, feed_dict={n: 3})
        assert _all(gc.data.Dataset.load(str(tmp_path))) == [0, 10, 20]
        s.run(op, feed_dict={n: 2})
    assert _all(gc.data.Dataset.load(str(tmp_path))) == [0, 10]


def test_shard_func_picks_shard_files_and_reader_func_orders_them(tmp_path):
    _save(gc.data.Dataset.range(10), tmp_path, shard_func=lambda x: x % 3)
    meta = decode_metadata((tmp_path / "snapshot.metadata").read_bytes())
    assert sorted(os.listdir(tmp_path / meta["run_id"])) == [
        "00000000.shard", "00000001.shard", "00000002.shard"]
    flat = gc.data.Dataset.load(str(tmp_path), reader_func=lambda d: d.flat_map(lambda x: x))
    assert _all(flat) == [0, 3, 6, 9, 1, 4, 7, 2, 5, 8]
    two = gc.data.Dataset.load(str(tmp_path),
                               reader_func=lambda d: d.interleave(lambda x: x, cycle_length=2))
    assert _all(two) == [0, 1, 3, 4, 6, 7, 9, 2, 5, 8]       # TF's interleave order
    picked = gc.data.Dataset.load(str(tmp_path),
                                  reader_func=lambda d: d.skip(1).flat_map(lambda x: x))
    assert _all(picked) == [1, 4, 7, 2, 5, 8]


def test_shard_func_must_return_an_int64_scalar(tmp_path):
    ds = gc.data.Dataset.range(3)
    with pytest.raises(TypeError, match="shard_func"):
        ds.save(str(tmp_path / "a"), shard_func=lambda x: "s")
    op = ds.save(str(tmp_path / "b"), shard_func=lambda x: gc.cast(x, gc.int32))
    with gc.Session() as s, pytest.raises(gc.errors.InvalidArgumentError,
                                          match="scalar int64"):
        s.run(op)
    assert not (tmp_path / "b" / "snapshot.metadata").exists()


def test_load_errors_as_tf(tmp_path):
    with pytest.raises(gc.errors.NotFoundError, match="element_spec file not found"):
        gc.data.Dataset.load(str(tmp_path / "none"))
    missing = gc.data.Dataset.load(str(tmp_path / "none"),
                                   element_spec=gc.TensorSpec([], gc.int64))
    with pytest.raises(gc.errors.NotFoundError, match="Could not find metadata file"):
        _all(missing)
    _save(gc.data.Dataset.range(3), tmp_path / "r")
    wrong = gc.data.Dataset.load(str(tmp_path / "r"), element_spec=gc.TensorSpec([], gc.int32))
    with pytest.raises(gc.errors.InvalidArgumentError,
                       match="Data type mismatch at component 0: expected int32 but got int64"):
        _all(wrong)
    wrong = gc.data.Dataset.load(str(tmp_path / "r"), element_spec=gc.TensorSpec([2], gc.int64))
    with pytest.raises(gc.errors.InvalidArgumentError, match="Incompatible shapes"):
        _all(wrong)
    with pytest.raises(gc.errors.DataLossError):
        _all(gc.data.Dataset.load(str(tmp_path / "r"), compression="GZIP"))
    with pytest.raises(TypeError, match="Expected binary or unicode string"):
        gc.data.Dataset.range(3).save(5)


def test_unsupported_components_are_refused(tmp_path):
    sp = gc.data.Dataset.from_tensors(gc.SparseTensor([[0]], [1.0], [3]))
    with pytest.raises(TypeError, match="SparseTensor"):
        sp.save(str(tmp_path))


def test_spec_codec_keeps_unknown_dims_and_namedtuples():
    Point = collections.namedtuple("Point", ["x", "y"])
    structure = (Point, [None, (dict, {"k": None})])
    types, shapes = [gc.float32, gc.string], [gc.TensorShape([None, 2]), gc.TensorShape(None)]
    s, t, sh = decode_spec(encode_spec(structure, types, shapes), "spec")
    assert s[0].__name__ == "Point" and s[0]._fields == ("x", "y")
    assert s[1][1] == (dict, {"k": None}) and t == types
    assert [x.as_list() if x.rank is not None else None for x in sh] == [[None, 2], None]


def test_snappy_blocks():
    data = bytes(range(256)) * 300
    assert unsnappy(snappy_block(data), "t") == data
    # a literal "ab" then a 1-byte-offset copy of 6 bytes from 2 back (overlapping)
    assert unsnappy(bytes([8, 1 << 2]) + b"ab" + bytes([(6 - 4) << 2 | 1, 2]), "t") == \
        b"abababab"
    with pytest.raises(gc.errors.DataLossError):
        unsnappy(bytes([8, 1 << 2]) + b"ab" + bytes([(6 - 4) << 2 | 1, 9]), "t")


# A save written by TF 2.21's tf.data.experimental.save(..., compression="SNAPPY") of
# {"a": int32, "b": (string, float32[2])}: its snappy blocks hold back-references.
_TF_SPEC = ("aa032e0a0c0a016112078a0204120018030a1e0a01621219a203160a078a020412001807"
            "0a0b8a02081204120208021801")
_TF_META = ("121336323738363232303733333033373635373730188ec2b2d4d3a8980320022a030307"
            "013003c03e01")
_TF_SHARD = ("00000095fc01040a00090124aea3bf3a0803120022040110100f14137b0801094c000000ff"
             "86240f080712002202017848faae7112011550000000241f6425080112041202080222080000"
             "803f01040cc7df7a774654002001000000947e64300901391800000037f9713905541c0302"
             "7979f981ecbdce55002002000000d142164207015218000000bbd79f1105551401007f4e6f6b"
             "865300")


def test_loads_a_save_written_by_tf(tmp_path):
    (tmp_path / "dataset_spec.pb").write_bytes(bytes.fromhex(_TF_SPEC))
    (tmp_path / "snapshot.metadata").write_bytes(bytes.fromhex(_TF_META))
    shard = tmp_path / "6278622073303765770" / "00000000.shard"
    shard.mkdir(parents=True)
    (shard / "00000000.snapshot").write_bytes(bytes.fromhex(_TF_SHARD))
    ds = gc.data.Dataset.load(str(tmp_path), compression="SNAPPY")
    assert ds.element_spec == {"a": gc.TensorSpec([], gc.int32),
                               "b": (gc.TensorSpec([], gc.string),
                                     gc.TensorSpec([2], gc.float32))}
    got = _all(ds)
    assert [g["a"] for g in got] == [0, 1, 2]
    assert [g["b"][0] for g in got] == [b"x", b"yy", b""]
    np.testing.assert_array_equal(got[2]["b"][1], np.ones(2, np.float32))
    assert encode_spec(ds._structure, ds._types, ds._shapes) == bytes.fromhex(_TF_SPEC)


def _counting(calls, n=4):
    def count(x):
        calls.append(int(x))
        return x
    return gc.data.Dataset.range(n).map(lambda x: gc.py_func(count, [x], gc.int64))


def test_snapshot_writes_on_the_first_full_pass_and_reads_after(tmp_path):
    calls = []
    ds = _counting(calls).snapshot(str(tmp_path))
    it = ds.make_initializable_iterator()
    nx = it.get_next()
    with gc.Session() as s:
        s.run(it.initializer)
        assert [s.run(nx) for _ in range(2)] == [0, 1]     # a partial pass
        for _ in range(2):
            s.run(it.initializer)
            out = []
            with pytest.raises(gc.errors.OutOfRangeError):
                while True:
                    out.append(s.run(nx))
            assert out == [0, 1, 2, 3]
    assert calls == [0, 1, 2, 0, 1, 2, 3]       # one read ahead; the partial pass not kept
    (fp,) = os.listdir(tmp_path)
    assert len([d for d in os.listdir(tmp_path / fp) if d.isdigit()]) == 1
    again = []                                  # another pipeline (or process) reads it
    assert _all(_counting(again).apply(gc.data.experimental.snapshot(str(tmp_path)))) == \
        [0, 1, 2, 3]
    assert again == []
    assert _all(gc.data.Dataset.load(str(tmp_path / fp))) == [0, 1, 2, 3]


def test_snapshot_commits_once_the_last_element_is_read(tmp_path):
    calls = []
    ds = _counting(calls, 3).snapshot(str(tmp_path))
    it = ds.make_initializable_iterator()
    nx = it.get_next()
    with gc.Session() as s:
        for _ in range(2):                      # no end of sequence asked for
            s.run(it.initializer)
            assert [s.run(nx) for _ in range(3)] == [0, 1, 2]
    assert calls == [0, 1, 2]


def test_snapshot_of_an_empty_dataset_and_a_failing_pass(tmp_path):
    assert _all(gc.data.Dataset.range(0).snapshot(str(tmp_path / "e"))) == []
    (fp,) = os.listdir(tmp_path / "e")
    assert (tmp_path / "e" / fp / "snapshot.metadata").exists()
    def fail_on_2(x):
        if x == 2:
            raise ValueError("no 2")
        return x
    bad = gc.data.Dataset.range(3).map(lambda x: gc.py_func(fail_on_2, [x], gc.int64))
    with pytest.raises(gc.errors.OpError, match="no 2"):
        _all(bad.snapshot(str(tmp_path / "f")))
    (fp,) = os.listdir(tmp_path / "f")
    assert os.listdir(tmp_path / "f" / fp) == ["dataset_spec.pb"]


def test_snapshot_with_shard_func_and_compression(tmp_path):
    ds = gc.data.Dataset.range(6).snapshot(str(tmp_path), compression="GZIP",
                                            shard_func=lambda x: x % 2,
                                            reader_func=lambda d: d.flat_map(lambda x: x))
    assert _all(ds) == [0, 1, 2, 3, 4, 5]       # the writing pass: the input's order
    assert _all(ds) == [0, 2, 4, 1, 3, 5]       # reading: reader_func's order
    with pytest.raises(TypeError, match="shard_func"):
        gc.data.Dataset.range(3).snapshot(str(tmp_path), shard_func=lambda x: 1.5)
