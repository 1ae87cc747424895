"""Parity of the importers of tf_graphdef_import_more4.py: each op built with
tf.compat.v1 / tf.raw_ops in TF, run there, its GraphDef imported with
gc.import_graph_def and run in graphc. Random ops: shapes, dtypes and ranges, except the
ones TF seeds deterministically (fractional pooling with deterministic=True, a
Generator's Philox V2 draws), whose values are TF's."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import close_values, tf, v1

raw = tf.raw_ops
rng = np.random.default_rng(0)


def _both(build, feeds=None):
    """TF's and graphc's values of the tensors build() makes (in a v1 graph)."""
    g = tf.Graph()
    with g.as_default():
        outs = build()
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        names = [t.name for t in outs]
        with v1.Session() as s:
            want = s.run(outs, feeds or {})
        gd = g.as_graph_def()
    with gc.Graph().as_default():
        got_t = gc.import_graph_def(gd, name="", return_elements=names)
        with gc.Session() as s:
            got = s.run(got_t, feeds or {})
    return want, got


_close = close_values


# ---- CTC and edit distance ------------------------------------------------------------------
IDX = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]], np.int64)
VALS = np.array([1, 2, 0, 0, 1], np.int32)


def test_ctc_loss_greedy_and_beam_search():
    x = rng.standard_normal((6, 2, 4)).astype(np.float32)
    lens = np.array([6, 5], np.int32)

    def build():
        loss, grad = raw.CTCLoss(inputs=x, labels_indices=IDX, labels_values=VALS,
                                 sequence_length=lens)
        gi, gv, gs, gp = raw.CTCGreedyDecoder(inputs=x, sequence_length=lens,
                                              merge_repeated=True, blank_index=0)
        bi, bv, bs, bp = raw.CTCBeamSearchDecoder(inputs=x, sequence_length=lens,
                                                  beam_width=6, top_paths=2)
        return [loss, grad, gi, gv, gs, gp, *bi, *bv, *bs, bp]
    _close(*_both(build), rtol=1e-5, atol=1e-6)


def test_edit_distance():
    def build():
        h = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [1, 0, 0], [1, 1, 0]], [1, 2, 3, 1],
                            [2, 2, 2])
        t = tf.SparseTensor([[0, 0, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]], [1, 3, 4, 2],
                            [2, 2, 3])
        return [v1.edit_distance(h, t), v1.edit_distance(h, t, normalize=False)]
    _close(*_both(build))


# ---- sets -------------------------------------------------------------------------------------
A = np.array([[1, 2, 3, 0], [4, 5, 5, 6]], np.int64)
B = np.array([[2, 7, 1], [6, 8, 9]], np.int64)


@pytest.mark.parametrize("kinds", ["dense-dense", "dense-sparse", "sparse-sparse"])
def test_set_operations_and_size(kinds):
    def build():
        a = tf.sparse.from_dense(A) if kinds.startswith("sparse") else tf.constant(A)
        b = tf.sparse.from_dense(B) if kinds.endswith("sparse") else tf.constant(B)
        outs = []
        for r in (tf.sets.intersection(a, b), tf.sets.union(a, b),
                  tf.sets.difference(a, b), tf.sets.difference(a, b, aminusb=False)):
            outs += [r.indices, r.values, r.dense_shape, tf.sets.size(r)]
        return outs
    _close(*_both(build))


# ---- non-max suppression ----------------------------------------------------------------------
def test_non_max_suppressions():
    boxes = rng.uniform(0, 1, (12, 4)).astype(np.float32)
    scores = rng.uniform(0, 1, 12).astype(np.float32)
    overlaps = rng.uniform(0, 1, (12, 12)).astype(np.float32)
    cboxes = rng.uniform(0, 1, (2, 7, 1, 4)).astype(np.float32)
    cscores = rng.uniform(0, 1, (2, 7, 3)).astype(np.float32)

    def build():
        v5 = raw.NonMaxSuppressionV5(boxes=boxes, scores=scores, max_output_size=5,
                                     iou_threshold=0.5, score_threshold=0.1,
                                     soft_nms_sigma=0.3, pad_to_max_output_size=True)
        ov = raw.NonMaxSuppressionWithOverlaps(overlaps=overlaps, scores=scores,
                                               max_output_size=6, overlap_threshold=0.6,
                                               score_threshold=0.2)
        comb = raw.CombinedNonMaxSuppression(boxes=cboxes, scores=cscores,
                                             max_output_size_per_class=3, max_total_size=5,
                                             iou_threshold=0.5, score_threshold=0.2)
        return [*v5, ov, *comb]
    _close(*_both(build), rtol=1e-6)


# ---- serialized tensors, SparseTensors, audio, JSON ---------------------------------------------
def test_serialized_tensors_sparse_and_wav():
    x = rng.standard_normal((3, 2)).astype(np.float32)
    audio = rng.uniform(-1, 1, (8, 2)).astype(np.float32)

    def build():
        st = tf.SparseTensor([[0, 1], [2, 0]], [1.5, -2.0], [3, 4])
        ser = raw.SerializeTensor(tensor=x)
        many = raw.SerializeManySparse(sparse_indices=st.indices, sparse_values=st.values,
                                       sparse_shape=st.dense_shape)
        one = raw.SerializeSparse(sparse_indices=st.indices, sparse_values=st.values,
                                  sparse_shape=st.dense_shape)
        back = raw.DeserializeManySparse(serialized_sparse=many, dtype=tf.float32)
        wav = raw.EncodeWav(audio=audio, sample_rate=16000)
        dec = raw.DecodeWav(contents=wav, desired_channels=1, desired_samples=10)
        return [raw.ParseTensor(serialized=ser, out_type=tf.float32), one, *back, wav, *dec]
    want, got = _both(build)
    _close(want[:1] + want[2:], got[:1] + got[2:], rtol=1e-6, atol=1e-6)
    assert want[1].shape == got[1].shape == (3,)


def test_decode_json_example():
    js = '{"features": {"feature": {"a": {"int64List": {"value": ["3", "4"]}}}}}'
    want, got = _both(lambda: raw.DecodeJSONExample(json_examples=[js]))
    np.testing.assert_array_equal(got[0], want[0])


# ---- quantization ----------------------------------------------------------------------------
@pytest.mark.parametrize("T,mode", [(tf.qint8, "MIN_COMBINED"), (tf.qint8, "SCALED"),
                                    (tf.quint16, "MIN_COMBINED"), (tf.qint16, "MIN_FIRST")])
def test_quantize_dequantize_and_cast(T, mode):
    x = rng.uniform(-2, 3, (3, 4)).astype(np.float32)

    def build():
        q, lo, hi = raw.QuantizeV2(input=x, min_range=-1.5, max_range=2.5, T=T, mode=mode)
        return [raw.Dequantize(input=q, min_range=lo, max_range=hi, mode=mode), lo, hi,
                tf.cast(q, tf.int32)]
    _close(*_both(build))


# ---- a Generator's draws and fractional pooling: TF's values ------------------------------------
def test_generator_v2_draws():
    def build():
        key, counter = tf.constant([7], tf.uint64), tf.constant([3, 0], tf.uint64)
        kw = dict(shape=[3, 5], key=key, counter=counter)
        return [raw.StatelessRandomUniformV2(alg=1, dtype=tf.float64, **kw),
                raw.StatelessRandomNormalV2(alg=3, dtype=tf.float32, **kw),
                raw.StatelessTruncatedNormalV2(alg=1, dtype=tf.float32, **kw),
                raw.StatelessRandomUniformFullIntV2(alg=1, dtype=tf.uint32, **kw),
                raw.StatelessRandomUniformIntV2(alg=1, minval=-4, maxval=9, **kw)]
    _close(*_both(build), rtol=1e-6)


@pytest.mark.parametrize("op", ["FractionalMaxPool", "FractionalAvgPool"])
def test_fractional_pool_deterministic_and_gradient(op):
    x = rng.standard_normal((2, 9, 8, 3))

    def build():
        xt = tf.constant(x)
        y, rows, cols = getattr(raw, op)(value=xt, pooling_ratio=[1.0, 1.5, 1.4, 1.0],
                                         pseudo_random=True, overlapping=op.endswith("Avg"),
                                         deterministic=True, seed=7, seed2=11)
        g, = tf.gradients(tf.reduce_sum(y * y), [xt])
        return [y, rows, cols, g]
    _close(*_both(build))


# ---- scans, matrices, images, counters --------------------------------------------------------
def test_cumulative_logsumexp():
    """(TF 2.21 cannot build MatrixExponential: removed at GraphDef version 27;
    tests/test_tf_graphdef_import_more4.py checks its import against scipy.)"""
    x = rng.standard_normal((3, 5))
    _close(*_both(lambda: tf.math.cumulative_logsumexp(x, axis=1, exclusive=True,
                                                       reverse=True)), rtol=1e-9)


def test_images():
    img = rng.uniform(0, 1, (2, 6, 7, 3)).astype(np.float32)
    boxes = np.float32([[[0.1, 0.2, 0.6, 0.8], [0.3, 0.1, 0.9, 0.5]]] * 2)
    colors = np.float32([[1, 0, 0, 1], [0, 1, 0, 1]])
    t = np.float32([[1, 0.2, -1, 0.1, 1, 0.5, 0, 0], [0.9, 0, 1, 0, 1.1, -0.5, 0.01, 0]])

    def build():
        return [raw.DrawBoundingBoxesV2(images=img, boxes=boxes, colors=colors),
                raw.ImageProjectiveTransformV2(images=img, transforms=t, output_shape=[5, 8],
                                               interpolation="BILINEAR"),
                raw.ImageProjectiveTransformV2(images=img, transforms=t, output_shape=[6, 7],
                                               interpolation="NEAREST")]
    _close(*_both(build), rtol=1e-5, atol=1e-6)


def test_extract_glimpse_inside_and_sample_box_ranges():
    img = rng.standard_normal((2, 6, 7, 2)).astype(np.float32)
    off = np.float32([[0.3, -0.8], [-0.55, 0.45]])

    def build():
        b, s, box = raw.SampleDistortedBoundingBoxV2(
            image_size=[40, 50, 3], bounding_boxes=[[[0.1, 0.2, 0.6, 0.7]]],
            min_object_covered=0.3, seed=3, seed2=4)
        return [v1.image.extract_glimpse(img, [3, 4], off), b, s, box]
    want, got = _both(build)
    inside = np.isin(want[0], img)
    assert inside.sum() > 0 and got[0].shape == want[0].shape
    np.testing.assert_array_equal(got[0][inside], want[0][inside])
    b, s, box = got[1:]
    assert b.dtype == np.int32 and (b >= 0).all() and (b + s <= [40, 50, 3]).all()
    assert box.shape == (1, 1, 4) and ((box >= 0) & (box <= 1)).all()


def test_count_up_to_and_timestamp():
    g = tf.Graph()
    with g.as_default():
        v = v1.Variable(np.int64(3), name="counter", use_resource=False)
        c = v1.count_up_to(v, 5)
        ts = raw.Timestamp()
        gd = g.as_graph_def()
    with gc.Graph().as_default() as g2:
        c2, t2 = gc.import_graph_def(gd, name="",
                                     return_elements=[c.name, ts.name])
        init = g2.get_operation_by_name("counter/Assign")
        with gc.Session() as s:
            s.run(init)
            assert [s.run(c2) for _ in range(2)] == [3, 4]
            with pytest.raises(gc.errors.OutOfRangeError):
                s.run(c2)
            assert s.run(t2) > 1.6e9


# ---- TF 2 Keras preprocessing's ops (tf_graphdef_misc_ops.py) ---------------------------
def test_dense_bincount():
    def build():
        v = v1.placeholder(tf.int32, [None], name="v")
        m = v1.placeholder(tf.int64, [None, None], name="m")
        w = v1.placeholder(tf.float32, [None, None], name="w")
        return [raw.DenseBincount(input=v, size=5, weights=tf.constant([], tf.int32)),
                raw.DenseBincount(input=v, size=4, weights=tf.constant([], tf.float32),
                                  binary_output=True),
                raw.DenseBincount(input=m, size=tf.constant(6, tf.int64), weights=w),
                raw.DenseBincount(input=m, size=tf.constant(3, tf.int64),
                                  weights=tf.constant([], tf.int64), binary_output=True)]
    feeds = {"v:0": [1, 1, 4, 0, 7, 4, 4], "m:0": [[0, 5, 5, 2], [1, 1, 9, 0]],
             "w:0": [[0.5, 1.0, 2.0, 4.0], [1.5, 1.5, 3.0, 0.25]]}
    _close(*_both(build, feeds))


def test_ragged_tensor_to_tensor():
    def build():
        values = v1.placeholder(tf.float32, [None], name="values")
        splits = v1.placeholder(tf.int64, [None], name="splits")
        rowids = v1.placeholder(tf.int64, [None], name="rowids")
        nrows = v1.placeholder(tf.int64, [], name="nrows")
        outer = v1.placeholder(tf.int64, [None], name="outer")
        return [raw.RaggedTensorToTensor(shape=tf.constant([-1, -1], tf.int64),
                                         values=values, default_value=tf.constant(-1.0),
                                         row_partition_tensors=[splits],
                                         row_partition_types=["ROW_SPLITS"]),
                raw.RaggedTensorToTensor(shape=tf.constant([-1, 2], tf.int64),
                                         values=values, default_value=tf.constant(9.0),
                                         row_partition_tensors=[nrows, rowids],
                                         row_partition_types=["FIRST_DIM_SIZE",
                                                              "VALUE_ROWIDS"]),
                raw.RaggedTensorToTensor(shape=tf.constant([-1, -1, 3], tf.int64),
                                         values=values, default_value=tf.constant(0.0),
                                         row_partition_tensors=[outer, splits],
                                         row_partition_types=["ROW_SPLITS", "ROW_SPLITS"])]
    feeds = {"values:0": [1.0, 2.0, 3.0, 4.0, 5.0], "splits:0": [0, 2, 2, 5],
             "rowids:0": [0, 0, 2, 2, 2], "nrows:0": 4, "outer:0": [0, 1, 3]}
    _close(*_both(build, feeds))
