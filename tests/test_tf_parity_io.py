"""graphc's file formats, sparse tensors and gc.data behave as TF1's (tf.compat.v1 graph
mode): event files and TFRecords each library reads from the other, sparse ops' values and
gradients, and the element sequences, dtypes and shapes of datasets."""
import numpy as np
import pytest

import graphc as gc
from graphc.io import tfrecord
from tf_parity import check, rand, tf, v1


# ---- event files ------------------------------------------------------------------------
def _histo_fields(h):
    return (h.min, h.max, h.num, h.sum, h.sum_squares, list(h.bucket_limit), list(h.bucket))


def _tf_events(path):
    """(step, what, payload) of each event TF's reader finds in path."""
    out = []
    for e in v1.train.summary_iterator(path):
        what = e.WhichOneof("what")
        if what == "summary":
            vals = []
            for v in e.summary.value:
                kind = v.WhichOneof("value")
                vals.append((v.tag, kind, v.simple_value if kind == "simple_value"
                             else _histo_fields(v.histo)))
            out.append((e.step, what, vals))
        else:
            out.append((e.step, what, e.file_version if what == "file_version" else None))
    return out


def _summaries(m):
    """Scalars and histograms (name scope, family, int and float64 inputs, a repeated
    and an invalid name) of a placeholder x, merged: (x, merged)."""
    x = m.placeholder(m.float32, (None, 3), name="x")
    with m.name_scope("train"):
        m.summary.scalar("loss", m.reduce_mean(x))
        m.summary.scalar("loss", m.reduce_max(x))           # tag loss_1
    m.summary.histogram("x", x)
    m.summary.histogram("w", x * 2.0, family="fam")
    m.summary.scalar("n/size", m.size(x), family="fam")           # an int scalar
    m.summary.histogram("ints", m.cast(x, m.int32))
    m.summary.histogram("f64", m.cast(x, m.float64) * 1e30)
    m.summary.scalar("bad name!", m.cast(m.reduce_sum(x), m.float64))
    merged = m.summary.merge_all()
    return x, merged


def _write(m, logdir, data):
    """The path of an event file of m's FileWriter: _summaries at steps 0, 10, 20, then
    the graph at step 7."""
    with m.Graph().as_default() as g:
        x, merged = _summaries(m)
        writer = m.summary.FileWriter(logdir)
        with m.Session() as sess:
            for step in range(3):
                writer.add_summary(sess.run(merged, {x: data * (step + 1)}),
                                   global_step=np.int64(step * 10))
        writer.add_graph(g, global_step=7)
        writer.close()
    import glob
    paths = glob.glob(f"{logdir}/events.out.tfevents.*")
    assert len(paths) == 1
    return paths[0]


@pytest.mark.parametrize("data", [
    np.array([[0.5, -1.0, 3.0], [2.0, 0.0, -7.5]], np.float32),
    np.array([[1e-13, -1e-13, 1e19]], np.float32),
    np.array([[4.0, 4.0, 4.0]], np.float32),
    np.zeros((0, 3), np.float32)], ids=["mixed", "tiny_huge", "ties", "empty"])
def test_event_file_read_by_tf(tmp_path, data):
    """graphc's events, read by TF's reader, equal those of TF's own FileWriter."""
    got = _tf_events(_write(gc, str(tmp_path / "gc"), data))
    want = _tf_events(_write(v1, str(tmp_path / "tf"), data))
    # TF1 also writes a meta_graph_def event after the graph (graphc does not: documented)
    want = [e for e in want if e[1] != "meta_graph_def"]
    assert [e[:2] for e in got] == [e[:2] for e in want]
    assert got[0] == (0, "file_version", "brain.Event:2") == want[0]
    for a, b in zip(got, want):
        if a[1] == "summary":
            assert [v[:2] for v in a[2]] == [v[:2] for v in b[2]]
            for (_, kind, va), (_, _, vb) in zip(a[2], b[2]):
                np.testing.assert_allclose(np.asarray(va, dtype=object).tolist()
                                           if kind == "simple_value" else va[:5],
                                           vb if kind == "simple_value" else vb[:5],
                                           rtol=1e-6)
                if kind != "simple_value":
                    assert va[5] == vb[5] and va[6] == vb[6]


def test_tf_event_file_read_by_graphc(tmp_path):
    data = np.array([[0.5, -1.0, 3.0], [2.0, 0.0, -7.5]], np.float32)
    path = _write(v1, str(tmp_path / "tf"), data)
    got = list(gc.summary.summary_iterator(path))
    want = list(v1.train.summary_iterator(path))
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert (a.step, a.wall_time, a.WhichOneof("what")) == \
            (b.step, b.wall_time, b.WhichOneof("what"))
        if b.WhichOneof("what") == "summary":
            assert len(a.summary.value) == len(b.summary.value)
            for va, vb in zip(a.summary.value, b.summary.value):
                assert va.tag == vb.tag and va.WhichOneof("value") == vb.WhichOneof("value")
                if vb.WhichOneof("value") == "simple_value":
                    assert va.simple_value == vb.simple_value
                else:
                    assert _histo_fields(va.histo) == _histo_fields(vb.histo)
        # re-serialized, graphc's Event is TF's bytes (unknown fields kept raw)
        assert a.SerializeToString() == b.SerializeToString()


def test_event_bytes_parse_in_tf():
    """Events built by graphc parse with TF's protobuf classes to the same fields."""
    from tensorflow.core.util import event_pb2
    h = gc.summary.Summary(value=[
        gc.summary.Summary.Value(tag="a/b", simple_value=-0.0),
        gc.summary.Summary.Value(tag="h", histo=gc.io.events.histogram_proto([1.0, -2.0]))])
    e = gc.summary.Event(wall_time=12.5, step=-3, summary=h)
    t = event_pb2.Event.FromString(e.SerializeToString())
    assert (t.wall_time, t.step) == (12.5, -3)
    assert [v.tag for v in t.summary.value] == ["a/b", "h"]
    assert t.summary.value[0].WhichOneof("value") == "simple_value"
    assert t.summary.value[1].histo.num == 2 and t.summary.value[1].histo.min == -2.0
    assert t.SerializeToString() == e.SerializeToString()


# ---- TFRecord -------------------------------------------------------------------------
RECORDS = [b"", b"a", b"hello world", bytes(range(256)) * 5, b"\x00" * 1000]


def test_tfrecord_graphc_written_read_by_tf(tmp_path):
    path = str(tmp_path / "gc.tfrecord")
    with open(path, "wb") as f:
        for r in RECORDS:
            f.write(tfrecord.encode_record(r))
    assert list(v1.io.tf_record_iterator(path)) == RECORDS
    with tf.Graph().as_default():
        nxt = v1.data.make_one_shot_iterator(tf.data.TFRecordDataset(path)).get_next()
        got = []
        with v1.Session() as sess:
            while True:
                try:
                    got.append(sess.run(nxt))
                except tf.errors.OutOfRangeError:
                    break
    assert got == RECORDS


def test_tfrecord_tf_written_read_by_graphc(tmp_path):
    path = str(tmp_path / "tf.tfrecord")
    with tf.io.TFRecordWriter(path) as w:
        for r in RECORDS:
            w.write(r)
    with open(path, "rb") as f:
        raw = f.read()
    assert raw == b"".join(tfrecord.encode_record(r) for r in RECORDS)   # CRCs too
    with open(path, "rb") as f:
        assert list(tfrecord.read_records(f)) == RECORDS


def test_tfrecord_corruption_both_fail(tmp_path):
    path = str(tmp_path / "bad.tfrecord")
    raw = bytearray(tfrecord.encode_record(b"payload!"))
    raw[14] ^= 1
    with open(path, "wb") as f:
        f.write(bytes(raw))
    with pytest.raises(tf.errors.DataLossError):
        list(v1.io.tf_record_iterator(path))
    with open(path, "rb") as f, pytest.raises(tfrecord.DataLossError):
        list(tfrecord.read_records(f))


# ---- sparse -----------------------------------------------------------------------------
IDX = np.array([[0, 1], [1, 3], [2, 0], [2, 2]], np.int64)            # dense (3, 4)
IDX_UNORDERED = np.array([[2, 2], [0, 1], [2, 0], [1, 3]], np.int64)
IDX3 = np.array([[0, 1, 0], [1, 0, 2], [1, 2, 1], [0, 0, 3]], np.int64)  # dense (2, 3, 4)


def _sp(m, idx, vals, shape):
    return m.SparseTensor(idx, vals, shape)


SPARSE = {
    "to_dense": (lambda m, v: m.sparse.to_dense(_sp(m, IDX, v, [3, 4])), rand(4)),
    "to_dense_f32": (lambda m, v: m.sparse_tensor_to_dense(_sp(m, IDX, v, [3, 4])),
                     rand(4, dtype=np.float32)),
    "to_dense_default": (lambda m, v: m.sparse.to_dense(_sp(m, IDX, v, [3, 4]),
                                                        default_value=-1.5), rand(4)),
    "to_dense_int": (lambda m, v: m.sparse.to_dense(_sp(m, IDX, v, [3, 4]),
                                                    default_value=7),
                     np.array([1, -2, 3, 4], np.int32)),
    "to_dense_rank3": (lambda m, v: m.sparse.to_dense(m.sparse.reorder(
        _sp(m, IDX3, v, [2, 3, 4]))), rand(4)),
    "to_dense_int64": (lambda m, v: m.sparse.to_dense(_sp(m, IDX, v, [3, 4])),
                       np.array([1, -2, 3, 4], np.int64)),
    "reduce_sum_int": (lambda m, v: m.sparse.reduce_sum(_sp(m, IDX, v, [3, 4]), axis=-2),
                       np.array([1, -2, 3, 4], np.int32)),
    "add_dense_int": (lambda m, v, d: m.sparse.add(_sp(m, IDX, v, [3, 4]), d),
                      np.array([1, -2, 3, 4], np.int32), np.arange(12, dtype=np.int32)
                      .reshape(3, 4)),
    "matmul_adj_a_f32": (lambda m, v, b: m.sparse.sparse_dense_matmul(
        _sp(m, IDX, v, [3, 4]), b, adjoint_a=True), rand(4, dtype=np.float32),
        rand(3, 5, dtype=np.float32)),
    "to_dense_empty": (lambda m, v: m.sparse.to_dense(
        _sp(m, np.zeros((0, 2), np.int64), v, [3, 4])), rand(0)),
    "matmul": (lambda m, v, b: m.sparse.sparse_dense_matmul(_sp(m, IDX, v, [3, 4]), b),
               rand(4), rand(4, 5)),
    "matmul_f32": (lambda m, v, b: m.sparse_tensor_dense_matmul(_sp(m, IDX, v, [3, 4]), b),
                   rand(4, dtype=np.float32), rand(4, 5, dtype=np.float32)),
    "matmul_adj_a": (lambda m, v, b: m.sparse.sparse_dense_matmul(
        _sp(m, IDX, v, [3, 4]), b, adjoint_a=True), rand(4), rand(3, 2)),
    "matmul_adj_b": (lambda m, v, b: m.sparse.sparse_dense_matmul(
        _sp(m, IDX, v, [3, 4]), b, adjoint_b=True), rand(4), rand(5, 4)),
    "matmul_adj_ab": (lambda m, v, b: m.sparse.sparse_dense_matmul(
        _sp(m, IDX, v, [3, 4]), b, adjoint_a=True, adjoint_b=True), rand(4), rand(2, 3)),
    "reduce_sum_all": (lambda m, v: m.sparse.reduce_sum(_sp(m, IDX, v, [3, 4])), rand(4)),
    "reduce_sum_0": (lambda m, v: m.sparse.reduce_sum(_sp(m, IDX, v, [3, 4]), axis=0),
                     rand(4)),
    "reduce_sum_1_kd": (lambda m, v: m.sparse.reduce_sum(_sp(m, IDX, v, [3, 4]), axis=1,
                                                         keepdims=True), rand(4)),
    "reduce_sum_neg": (lambda m, v: m.sparse.reduce_sum(_sp(m, IDX3, v, [2, 3, 4]),
                                                        axis=-1), rand(4)),
    "reduce_sum_list": (lambda m, v: m.sparse.reduce_sum(_sp(m, IDX3, v, [2, 3, 4]),
                                                         axis=[0, 2]), rand(4)),
    "reduce_sum_all_kd": (lambda m, v: m.sparse.reduce_sum(_sp(m, IDX3, v, [2, 3, 4]),
                                                           keepdims=True), rand(4)),
    "reduce_sum_v1name": (lambda m, v: m.sparse_reduce_sum(_sp(m, IDX, v, [3, 4]), 1),
                          rand(4)),
    "add_dense": (lambda m, v, d: m.sparse.add(_sp(m, IDX, v, [3, 4]), d), rand(4),
                  rand(3, 4)),
    "add_dense_first": (lambda m, v, d: m.sparse.add(d, _sp(m, IDX, v, [3, 4])), rand(4),
                        rand(3, 4)),
    "reorder": (lambda m, v: (lambda s: (s.indices, s.values))(
        m.sparse.reorder(_sp(m, IDX_UNORDERED, v, [3, 4]))), rand(4)),
    "reorder_rank3": (lambda m, v: (lambda s: (s.indices, s.values))(
        m.sparse.reorder(_sp(m, IDX3, v, [2, 3, 4]))), rand(4)),
    "retain": (lambda m, v: (lambda s: (s.indices, s.values, s.dense_shape))(
        m.sparse.retain(_sp(m, IDX, v, [3, 4]), [True, False, False, True])), rand(4)),
    "retain_dense": (lambda m, v: m.sparse.to_dense(
        m.sparse.retain(_sp(m, IDX, v, [3, 4]), np.array([False, True, True, False]))),
        rand(4)),
}

EMB_IDS = np.array([[0, 0], [0, 1], [0, 2], [2, 0], [3, 0], [3, 1]], np.int64)
EMB_IDS_FULL = np.array([[0, 0], [0, 1], [1, 0], [2, 0], [3, 0], [3, 1]], np.int64)
EMB_VALS = np.array([1, 3, 1, 0, 4, 2], np.int64)
for _comb in ("sum", "mean", "sqrtn"):
    SPARSE[f"embedding_{_comb}"] = (
        lambda m, p, c=_comb: m.nn.embedding_lookup_sparse(
            p, _sp(m, EMB_IDS, EMB_VALS, [4, 3]), None, combiner=c), rand(5, 3))
    # weighted: no empty row in between (graphc gives TF 1.x's 0/0 = NaN there, TF 2's
    # compat.v1 div_no_nan gives 0; see test_embedding_weighted_empty_row)
    SPARSE[f"embedding_{_comb}_weighted"] = (
        lambda m, p, w, c=_comb: m.nn.embedding_lookup_sparse(
            p, _sp(m, EMB_IDS_FULL, EMB_VALS, [4, 3]), _sp(m, EMB_IDS_FULL, w, [4, 3]),
            combiner=c), rand(5, 3), rand(6, low=0.5, high=2.0))
SPARSE["embedding_default_combiner"] = (
    lambda m, p: m.nn.embedding_lookup_sparse(p, _sp(m, EMB_IDS, EMB_VALS, [4, 3]), None),
    rand(5, 2, 3))


@pytest.mark.parametrize("name", sorted(SPARSE))
def test_sparse(name):
    fn, *args = SPARSE[name]
    check(fn, *args)


@pytest.mark.parametrize("combiner", ["mean", "sqrtn"])
def test_embedding_weighted_empty_row(combiner):
    """An empty row between weighted rows: TF 1.x divides 0/0 (NaN), and graphc keeps
    that (tests/test_sparse.py asserts it); TF 2's compat.v1 uses div_no_nan (0). The
    other rows agree."""
    got, want = [], []
    for m, out in ((gc, got), (v1, want)):
        with m.Graph().as_default():
            y = m.nn.embedding_lookup_sparse(
                m.constant(rand(5, 3)), _sp(m, EMB_IDS, EMB_VALS, [4, 3]),
                _sp(m, EMB_IDS, rand(6, low=0.5, high=2.0), [4, 3]), combiner=combiner)
            with m.Session() as sess:
                out.append(sess.run(y))
    np.testing.assert_allclose(got[0][[0, 2, 3]], want[0][[0, 2, 3]])
    assert np.isnan(got[0][1]).all() and not want[0][1].any()


def _run_sparse_placeholder(m, value):
    with m.Graph().as_default():
        sp = m.sparse_placeholder(m.float64, shape=[None, 4])
        b = m.constant(rand(4, 2))
        outs = [m.sparse.to_dense(sp), m.sparse.reduce_sum(sp, 0),
                m.sparse.sparse_dense_matmul(sp, b), sp]
        with m.Session() as sess:
            return sess.run(outs, {sp: m.SparseTensorValue(*value)})


def test_sparse_placeholder_fed():
    value = (IDX, rand(4), np.array([3, 4], np.int64))
    got = _run_sparse_placeholder(gc, value)
    want = _run_sparse_placeholder(v1, value)
    for a, b in zip(got[:3], want[:3]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b)
    assert type(got[3]).__name__ == type(want[3]).__name__ == "SparseTensorValue"
    for a, b in zip(got[3], want[3]):
        np.testing.assert_array_equal(a, b)
        assert np.asarray(a).dtype == np.asarray(b).dtype


def test_sparse_static_shape():
    for shape in ([3, 4], [None, 4]):
        got, want = [], []
        for m, out in ((gc, got), (v1, want)):
            with m.Graph().as_default():
                sp = m.sparse_placeholder(m.float32, shape=shape)
                out.append(sp.get_shape().as_list())
                out.append(m.sparse.to_dense(sp).shape.as_list())
                # reduce_sum of a placeholder: TF's static shape is unknown, graphc's known
                c = m.SparseTensor(IDX, np.ones(4, np.float32), [3, 4])
                out.append(c.get_shape().as_list())
                out.append(m.sparse.to_dense(c).shape.as_list())
                out.append(m.sparse.reduce_sum(c, 0).shape.as_list())
                out.append(m.sparse.reduce_sum(c, -1, keepdims=True).shape.as_list())
        assert got == want


# ---- gc.data ----------------------------------------------------------------------------
XS = np.arange(10, dtype=np.float32)
YS = (np.arange(10) % 3).astype(np.int32)
M = np.arange(24, dtype=np.float64).reshape(6, 4)

DATA = {
    "slices": lambda d: d.Dataset.from_tensor_slices(XS),
    "slices_tuple": lambda d: d.Dataset.from_tensor_slices((XS, YS)),
    "slices_dict": lambda d: d.Dataset.from_tensor_slices({"a": M, "b": YS[:6]}),
    "slices_matrix": lambda d: d.Dataset.from_tensor_slices(M),
    "from_tensors": lambda d: d.Dataset.from_tensors((M, YS)),
    "range1": lambda d: d.Dataset.range(5),
    "range3": lambda d: d.Dataset.range(2, 11, 3),
    "range_neg": lambda d: d.Dataset.range(5, 0, -2),
    "range_empty": lambda d: d.Dataset.range(0),
    "batch": lambda d: d.Dataset.from_tensor_slices(XS).batch(3),
    "batch_drop": lambda d: d.Dataset.from_tensor_slices((XS, YS)).batch(3,
                                                                         drop_remainder=True),
    "batch_dict": lambda d: d.Dataset.from_tensor_slices({"a": M, "b": YS[:6]}).batch(4),
    "batch_batch": lambda d: d.Dataset.range(12).batch(2).batch(2),
    "repeat": lambda d: d.Dataset.range(3).repeat(2),
    "repeat_batch": lambda d: d.Dataset.range(3).repeat(3).batch(4),
    "batch_repeat": lambda d: d.Dataset.range(3).batch(2).repeat(2),
    "map": lambda d: d.Dataset.from_tensor_slices(XS).map(lambda x: x * 2.0 + 1.0),
    "map_tuple": lambda d: d.Dataset.from_tensor_slices((XS, YS)).map(
        lambda x, y: (x + 1.0, y * 2)),
    "map_to_dict": lambda d: d.Dataset.from_tensor_slices((XS, YS)).map(
        lambda x, y: {"x": x, "y": y}),
    "map_dict": lambda d: d.Dataset.from_tensor_slices({"a": M, "b": YS[:6]}).map(
        lambda e: e["a"] * 2.0),
    "map_range": lambda d: d.Dataset.range(4).map(lambda i: (i, i * i)),
    "filter": lambda d: d.Dataset.range(10).filter(lambda i: i % 3 > 0),
    "filter_tuple": lambda d: d.Dataset.from_tensor_slices((XS, YS)).filter(
        lambda x, y: y > 0),
    "take": lambda d: d.Dataset.range(10).take(4),
    "take_more": lambda d: d.Dataset.range(3).take(10),
    "take_all": lambda d: d.Dataset.range(3).take(-1),
    "skip": lambda d: d.Dataset.range(10).skip(7),
    "skip_more": lambda d: d.Dataset.range(3).skip(5),
    "take_skip_repeat": lambda d: d.Dataset.range(10).skip(2).take(3).repeat(2),
    "concatenate": lambda d: d.Dataset.range(3).concatenate(d.Dataset.range(10, 12)),
    "zip": lambda d: d.Dataset.zip((d.Dataset.range(5), d.Dataset.from_tensor_slices(XS))),
    "zip_nested": lambda d: d.Dataset.zip((d.Dataset.range(3),
                                           d.Dataset.from_tensor_slices((XS, YS)))),
    "from_tensors_batch": lambda d: d.Dataset.from_tensors(M).repeat(3).batch(2),
    "map_shape": lambda d: d.Dataset.from_tensor_slices(M).map(lambda r: r[1:] * r[0]),
    "map_batched": lambda d: d.Dataset.from_tensor_slices(M).batch(4).map(
        lambda r: (r, r[:, 0])),
    "range_map_cast": lambda d: d.Dataset.range(5).map(
        lambda i: (gc if d is gc.data else v1).cast(i, (gc if d is gc.data else v1).float32)),
    "filter_batched": lambda d: d.Dataset.range(9).batch(2).filter(lambda b: b[0] > 2),
    "concat_batched": lambda d: d.Dataset.range(5).batch(2).concatenate(
        d.Dataset.range(3).batch(3)),
    "zip_dict": lambda d: d.Dataset.zip({"a": d.Dataset.range(3), "b": d.Dataset.range(5)}),
    "slices_scalar_dim": lambda d: d.Dataset.from_tensor_slices(np.zeros((3, 0), np.int32)),
    "prefetch": lambda d: d.Dataset.range(4).prefetch(2),
    "pipeline": lambda d: d.Dataset.from_tensor_slices((XS, YS)).map(
        lambda x, y: (x * 2.0, y)).filter(lambda x, y: m_equal(d, y, 0)).batch(2),
}


def m_equal(d, y, k):
    return (gc if d is gc.data else v1).equal(y, k)


def _shapes(s):
    """Nested output_shapes as lists (None for unknown dims)."""
    if isinstance(s, dict):
        return {k: _shapes(v) for k, v in s.items()}
    if isinstance(s, (tuple, list)):
        return tuple(_shapes(v) for v in s)
    return s.as_list() if s.rank is not None else None


def _types(s):
    if isinstance(s, dict):
        return {k: _types(v) for k, v in s.items()}
    if isinstance(s, (tuple, list)):
        return tuple(_types(v) for v in s)
    return s.name


def _elements(m, make, init_feed=None, initializable=False, limit=100):
    """(types, shapes, elements) of the dataset make(m.data) on module m."""
    with m.Graph().as_default():
        ds, feed = make(m)
        if m is gc:
            types, shapes = ds.output_types, ds.output_shapes
        else:
            types, shapes = v1.data.get_output_types(ds), v1.data.get_output_shapes(ds)
        it = (m.data.make_initializable_iterator(ds) if initializable
              else m.data.make_one_shot_iterator(ds))
        nxt = it.get_next()
        out = []
        with m.Session() as sess:
            for _ in range(2 if initializable else 1):
                if initializable:
                    sess.run(it.initializer, feed)
                while len(out) < limit:
                    try:
                        out.append(sess.run(nxt))
                    except m.errors.OutOfRangeError:
                        break
                with pytest.raises(m.errors.OutOfRangeError):     # and stays at the end
                    sess.run(nxt)
        return _types(types), _shapes(shapes), out


def _same_elements(a, b):
    if isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b)
        for k in a:
            _same_elements(a[k], b[k])
    elif isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _same_elements(x, y)
    else:
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, (a, b)
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(DATA))
def test_data(name):
    make = lambda m: (DATA[name](m.data), None)      # noqa: E731
    got, want = _elements(gc, make), _elements(v1, make)
    assert got[0] == want[0], "output_types"
    assert got[1] == want[1], "output_shapes"
    assert len(got[2]) == len(want[2])
    _same_elements(got[2], want[2])


def test_data_initializable_placeholder():
    xs = rand(7, 3, dtype=np.float32)
    ys = np.arange(7, dtype=np.int64)

    def make(m):
        f = m.placeholder(m.float32, (None, 3))
        lab = m.placeholder(m.int64, (None,))
        ds = m.data.Dataset.from_tensor_slices((f, lab)).map(lambda a, b: (a * 2.0, b)).batch(3)
        return ds, {f: xs, lab: ys}
    got = _elements(gc, make, initializable=True)
    want = _elements(v1, make, initializable=True)
    assert got[:2] == want[:2]
    _same_elements(got[2], want[2])


@pytest.mark.parametrize("reshuffle", [True, False])
def test_data_shuffle_multiset(reshuffle):
    """shuffle: each epoch holds the same multiset of elements as TF's."""
    make = lambda m: (m.data.Dataset.range(12).shuffle(5, seed=3,        # noqa: E731
                                                        reshuffle_each_iteration=reshuffle)
                      .repeat(3), None)
    got, want = _elements(gc, make), _elements(v1, make)
    assert got[:2] == want[:2]
    for e in range(3):
        assert sorted(got[2][12 * e:12 * e + 12]) == sorted(want[2][12 * e:12 * e + 12])


@pytest.mark.parametrize("m", [gc, v1], ids=["graphc", "tf"])
def test_data_errors(m):
    """Before its initializer runs, get_next fails with FailedPreconditionError; a one-shot
    iterator refuses a dataset built from a placeholder (both at build time)."""
    with m.Graph().as_default():
        f = m.placeholder(m.float32, (None,))
        it = m.data.make_initializable_iterator(m.data.Dataset.from_tensor_slices(f))
        nxt = it.get_next()
        with m.Session() as sess, pytest.raises(m.errors.FailedPreconditionError):
            sess.run(nxt)
        with pytest.raises(ValueError):
            m.data.make_one_shot_iterator(m.data.Dataset.from_tensor_slices(f))


@pytest.mark.parametrize("m", [gc, v1], ids=["graphc", "tf"])
def test_data_reinitialize(m):
    """Running the initializer again restarts the pipeline, with the new feed."""
    with m.Graph().as_default():
        f = m.placeholder(m.int64, (None,))
        it = m.data.make_initializable_iterator(m.data.Dataset.from_tensor_slices(f).batch(2))
        nxt = it.get_next()
        with m.Session() as sess:
            sess.run(it.initializer, {f: np.arange(3)})
            assert sess.run(nxt).tolist() == [0, 1]
            sess.run(it.initializer, {f: np.arange(10, 15)})
            assert [sess.run(nxt).tolist() for _ in range(3)] == [[10, 11], [12, 13], [14]]


def _run_error(m):
    """The class of a failing op's run-time error: graphc has no InvalidArgumentError
    (errors.py), its kernels' failures are ExecutionErrors."""
    return gc.errors.ExecutionError if m is gc else v1.errors.InvalidArgumentError


@pytest.mark.parametrize("m", [gc, v1], ids=["graphc", "tf"])
def test_histogram_nan_fails_at_run(m):
    with m.Graph().as_default():
        x = m.placeholder(m.float32, (None,))
        h = m.summary.histogram("h", x)
        with m.Session() as sess:
            sess.run(h, {x: np.ones(2, np.float32)})
            with pytest.raises(_run_error(m)):
                sess.run(h, {x: np.array([1.0, np.nan], np.float32)})


@pytest.mark.parametrize("m", [gc, v1], ids=["graphc", "tf"])
def test_merge_duplicate_tag_fails_at_run(m):
    with m.Graph().as_default():
        a = m.summary.scalar("s", m.constant(1.0))
        merged = m.summary.merge([a, a])
        with m.Session() as sess, pytest.raises(_run_error(m)):
            sess.run(merged)


def test_sparse_placeholder_unknown_rank():
    value = (IDX3, rand(4), np.array([2, 3, 4], np.int64))
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            sp = m.sparse_placeholder(m.float64)
            y = m.sparse.to_dense(m.sparse.reorder(sp))
            with m.Session() as sess:
                out.append(sess.run(y, {sp: m.SparseTensorValue(*value)}))
    np.testing.assert_array_equal(out[0], out[1])
