"""TF parity of tf.data save / load / snapshot: a dataset saved by graphc loads in TF
2.21 (tf.compat.v1 graph mode) and one saved by TF loads in graphc, with the same
element_spec and elements; shard files, reader order, errors and snapshot reuse as TF."""
import os

import numpy as np
import pytest

from tf_parity import tf

import graphc as gc

v1 = tf.compat.v1


def _source():
    n = 3
    return {"ints": (np.arange(n, dtype=np.int8), np.arange(n, dtype=np.int16) - 5,
                     np.arange(n, dtype=np.int32) * 7, np.arange(n, dtype=np.int64) << 40),
            "u": (np.arange(n, dtype=np.uint8), np.arange(n, dtype=np.uint16) + 300),
            "f": (np.linspace(0, 1, 2 * n).astype(np.float16).reshape(n, 2),
                  np.linspace(-1, 1, 4 * n).astype(np.float32).reshape(n, 2, 2),
                  np.array([np.pi, -0.0, 1e300])),
            "b": np.array([True, False, True]),
            "c": (np.array([1 + 2j, -3j, 4], np.complex64), np.array([1j, 2, 3], np.complex128)),
            "s": np.array([[b"a", b""], [b"\x00\xff", b"longer string"], [b"x", b"y"]])}


def _elements(m, ds):
    it = m.data.make_initializable_iterator(ds)
    nx = it.get_next()
    out = []
    with m.Session() as s:
        s.run(it.initializer)
        try:
            while True:
                out.append(s.run(nx))
        except m.errors.OutOfRangeError:
            return out


def _spec(m, spec):
    return m.nest.map_structure(lambda s: (s.shape.as_list(), s.dtype.name), spec)


def _same(a, b):
    fa, fb = tf.nest.flatten(a), tf.nest.flatten(b)
    assert len(fa) == len(fb)
    for x, y in zip(fa, fb):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x, y)


def _save(m, ds, path, **kw):
    op = ds.save(path, **kw)
    with m.Session() as s:
        s.run(op)


@pytest.mark.parametrize("writer", ["graphc", "tf"])
@pytest.mark.parametrize("compression", [None, "GZIP", "SNAPPY"])
def test_a_save_loads_in_the_other(tmp_path, writer, compression):
    w, r = (gc, v1) if writer == "graphc" else (v1, gc)
    path = str(tmp_path / "saved")
    with w.Graph().as_default():
        ds = w.data.Dataset.from_tensor_slices(_source())
        want_spec = _spec(w, ds.element_spec)
        want = _elements(w, ds)
        _save(w, ds, path, compression=compression)
    with r.Graph().as_default():
        back = r.data.Dataset.load(path, compression=compression)
        assert _spec(r, back.element_spec) == want_spec
        got = _elements(r, back)
    assert len(got) == len(want) == 3
    for x, y in zip(got, want):
        _same(x, y)


def test_the_spec_file_is_tfs(tmp_path):
    for m, name in ((gc, "g"), (v1, "t")):
        with m.Graph().as_default():
            m.data.Dataset.from_tensor_slices(_source()).save(str(tmp_path / name))
    from tensorflow.core.protobuf import struct_pb2
    specs = [struct_pb2.StructuredValue.FromString((tmp_path / n / "dataset_spec.pb")
                                                   .read_bytes()) for n in "gt"]
    assert specs[0] == specs[1]             # equal messages (TF's map order varies)


def test_save_is_an_operation_that_writes_when_run(tmp_path):
    for m in (gc, v1):
        path = str(tmp_path / m.__name__)
        with m.Graph().as_default():
            op = m.data.Dataset.range(4).save(path)
            assert isinstance(op, m.Operation)
            assert os.listdir(path) == ["dataset_spec.pb"]
            with m.Session() as s:
                assert s.run(op) is None
            names = sorted(os.listdir(path))
            assert names[1:] == ["dataset_spec.pb", "snapshot.metadata"] and names[0].isdigit()


def test_shard_files_and_reader_order(tmp_path):
    layouts, orders = [], []
    for m, name in ((gc, "g"), (v1, "t")):
        path = str(tmp_path / name)
        with m.Graph().as_default():
            _save(m, m.data.Dataset.range(10), path, shard_func=lambda x: x % 3)
        run = [d for d in os.listdir(path) if d.isdigit()][0]
        layouts.append(sorted(os.listdir(os.path.join(path, run))))
        for r in (gc, v1):                      # each reads both saves
            with r.Graph().as_default():
                flat = r.data.Dataset.load(path, reader_func=lambda d: d.flat_map(lambda x: x))
                two = r.data.Dataset.load(
                    path, reader_func=lambda d: d.interleave(lambda x: x, cycle_length=2))
                orders.append((_elements(r, flat), _elements(r, two)))
    assert layouts[0] == layouts[1] == ["00000000.shard", "00000001.shard", "00000002.shard"]
    assert all(o == orders[0] for o in orders)
    assert orders[0][0] == [0, 3, 6, 9, 1, 4, 7, 2, 5, 8]


def _error(fn):
    try:
        fn()
    except Exception as e:              # noqa: BLE001  (the class is compared)
        for name in ("NotFoundError", "InvalidArgumentError", "DataLossError"):
            if isinstance(e, getattr(tf.errors if "tensorflow" in type(e).__module__
                                     else gc.errors, name)):
                return name
        return type(e).__name__
    return None


def test_errors_match(tmp_path):
    saved = str(tmp_path / "r")
    with v1.Graph().as_default():
        _save(v1, v1.data.Dataset.range(3), saved)
    got = []
    for m in (gc, v1):
        with m.Graph().as_default():
            got.append((
                _error(lambda: m.data.Dataset.load(str(tmp_path / "none"))),
                _error(lambda: _elements(m, m.data.Dataset.load(
                    str(tmp_path / "none"), element_spec=m.TensorSpec([], m.int64)))),
                _error(lambda: _elements(m, m.data.Dataset.load(
                    saved, element_spec=m.TensorSpec([], m.int32)))),
                _error(lambda: _elements(m, m.data.Dataset.load(saved, compression="GZIP"))),
                _error(lambda: _save(m, m.data.Dataset.range(3), str(tmp_path / "x"),
                                     shard_func=lambda x: m.cast(x, m.int32)))))
    assert got[0] == got[1] == ("NotFoundError", "NotFoundError", "InvalidArgumentError",
                                "DataLossError", "InvalidArgumentError")


def test_snapshot_reads_after_a_full_pass(tmp_path):
    results = []
    for m in (gc, v1):
        calls = []

        def count(x):
            calls.append(int(x))
            return x
        with m.Graph().as_default():
            ds = m.data.Dataset.range(5).map(lambda x: m.py_func(count, [x], m.int64))
            ds = ds.snapshot(str(tmp_path / m.__name__))
            passes = [_elements(m, ds)]
            n_after_write = len(calls)
            passes += [_elements(m, ds), _elements(m, ds)]
        results.append((passes, n_after_write, len(calls)))
    assert results[0] == results[1] == ([[0, 1, 2, 3, 4]] * 3, 5, 5)


def test_snapshot_commits_when_the_last_element_is_read(tmp_path):
    results = []
    for m in (gc, v1):
        calls = []

        def count(x):
            calls.append(int(x))
            return x
        with m.Graph().as_default():
            ds = m.data.Dataset.range(3).map(lambda x: m.py_func(count, [x], m.int64))
            it = m.data.make_initializable_iterator(ds.snapshot(str(tmp_path / m.__name__)))
            nx = it.get_next()
            got = []
            with m.Session() as s:
                for _ in range(3):              # three elements, no end of sequence asked
                    s.run(it.initializer)
                    got.append([int(s.run(nx)) for _ in range(3)])
        results.append((got, calls))
    assert results[0] == results[1] == ([[0, 1, 2]] * 3, [0, 1, 2])
