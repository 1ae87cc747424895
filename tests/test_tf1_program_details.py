"""Details found by running TF1 programs against TF: string SparseTensors made dense,
repeated message fields with add(), ParseFromString."""
import numpy as np

import graphc as gc


def test_a_string_sparse_tensor_made_dense():
    sp = gc.SparseTensor([[0, 0], [1, 1]], ["a", "b"], [2, 3])
    with gc.Session() as sess:
        out = sess.run(gc.sparse_tensor_to_dense(sp, default_value=""))
        filled = sess.run(gc.sparse.to_dense(sp, default_value="?"))
    assert out.tolist() == [[b"a", b"", b""], [b"", b"b", b""]]
    assert filled.tolist() == [[b"a", b"?", b"?"], [b"?", b"b", b"?"]]


def test_repeated_message_fields_add_and_parse():
    s = gc.Summary()
    v = s.value.add(tag="eval/acc", simple_value=0.5)
    assert v.tag == "eval/acc" and len(s.value) == 1
    again = gc.Summary()
    again.ParseFromString(s.SerializeToString())
    assert again.value[0].tag == "eval/acc" and again.value[0].simple_value == 0.5
    event = gc.Event(step=3, summary=s)
    parsed = gc.Event()
    parsed.ParseFromString(event.SerializeToString())
    assert parsed.step == 3 and parsed.summary.value[0].tag == "eval/acc"
    seq = gc.train.SequenceExample()
    seq.feature_lists.feature_list["x"].feature.add(
        float_list=gc.train.FloatList(value=[1.0, 2.0]))
    back = gc.train.SequenceExample.FromString(seq.SerializeToString())
    assert list(back.feature_lists.feature_list["x"].feature[0].float_list.value) == [1, 2]
    assert np.float32(back.feature_lists.feature_list["x"].feature[0].float_list.value[1]) == 2


def test_crops_and_pads_keep_the_static_shape_tf1_sets():
    x = gc.placeholder(gc.float32, [None, None, 3])             # e.g. decode_png's output
    assert gc.image.resize_image_with_crop_or_pad(x, 6, 6).shape.as_list() == [6, 6, 3]
    assert gc.image.pad_to_bounding_box(x, 1, 1, 8, 9).shape.as_list() == [8, 9, 3]
    assert gc.image.crop_to_bounding_box(x, 0, 0, 2, 3).shape.as_list() == [2, 3, 3]
    assert gc.image.central_crop(x, 0.5).shape.as_list() == [None, None, 3]
    batch = gc.placeholder(gc.float32, [None, None, None, 3])
    out = gc.image.resize_image_with_crop_or_pad(batch, 4, 5)
    assert out.shape.as_list() == [None, 4, 5, 3]
    with gc.Session() as sess:
        v = sess.run(out, {batch: np.ones((2, 3, 7, 3), np.float32)})
    assert v.shape == (2, 4, 5, 3) and v[:, 3].sum() == 0 and v[:, :3].min() == 1  # TF1: pad below


def test_gradients_of_an_embedding_table_are_its_rows():
    # the PTB tutorial's step: clip_by_global_norm(tf.gradients(...)) then Momentum
    emb = gc.Variable(np.ones((4, 2), np.float32))
    ids = gc.placeholder(gc.int32, [None])
    loss = gc.reduce_sum(gc.nn.embedding_lookup(emb, ids) ** 2)
    g = gc.gradients(loss, [emb])
    assert isinstance(g[0], gc.IndexedSlices)
    grads, norm = gc.clip_by_global_norm(g, 100.0)
    train = gc.train.MomentumOptimizer(0.1, 0.9).apply_gradients(zip(grads, [emb]))
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        norms = [sess.run([norm, train], {ids: b})[0] for b in ([0, 1], [2, 2], [0])]
        np.testing.assert_allclose(norms, [4.0, 4.0, 2.2627418], rtol=1e-6)     # TF's
        np.testing.assert_allclose(sess.run(emb)[:, 0], [0.46, 0.8, 0.6, 1.0], rtol=1e-5)


def test_make_callable_with_accept_options_takes_options_and_run_metadata():
    x = gc.placeholder(gc.float32, [])
    y = x * 2.0
    with gc.Session() as sess:
        f = sess.make_callable(y, [x], accept_options=True)
        meta = gc.RunMetadata()
        assert f(3.0) == 6.0
        assert f(4.0, options=gc.RunOptions(trace_level=gc.RunOptions.FULL_TRACE),
                 run_metadata=meta) == 8.0
        assert meta.step_stats.dev_stats                  # the traced run's stats


def test_sparse_tensor_eval():
    sp = gc.SparseTensor([[0, 1]], [5.0], [2, 2])
    with gc.Session().as_default():
        value = sp.eval()
    assert value.indices.tolist() == [[0, 1]] and value.values.tolist() == [5.0]


def test_tensor_array_split_into_equal_pieces():
    value = np.arange(12, dtype=np.float32).reshape(6, 2)
    ta = gc.TensorArray(gc.float32, size=3).split(gc.constant(value), [2, 2, 2])
    with gc.Session() as sess:
        piece, whole = sess.run([ta.read(1), ta.concat()])
    np.testing.assert_array_equal(piece, value[2:4])
    np.testing.assert_array_equal(whole, value)
    with np.testing.assert_raises(NotImplementedError):
        gc.TensorArray(gc.float32, size=2).split(gc.zeros([5, 2]), [2, 3])
    with np.testing.assert_raises(gc.errors.ShapeError):
        gc.TensorArray(gc.float32, size=2).split(gc.zeros([5, 2]), [2, 2])
