"""The TF 1.15 tf.contrib.layers / tf.contrib.framework names tf_slim lacks
(layers_more.py, framework_more.py): values against numpy, gradients against finite
differences."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import framework, layers

RNG = np.random.RandomState(0)


def _np_spatial_softmax(f, temperature=1.0):
    b, h, w, c = f.shape
    px, py = np.meshgrid(np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
    a = f.transpose(0, 3, 1, 2).reshape(-1, h * w) / temperature
    a = np.exp(a - a.max(1, keepdims=True))
    a /= a.sum(1, keepdims=True)
    xy = np.stack([(a * px.ravel()).sum(1), (a * py.ravel()).sum(1)], 1)
    return xy.reshape(b, 2 * c)


def _run(fetches):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(fetches)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_spatial_softmax_matches_numpy(data_format):
    with gc.Graph().as_default():
        f = RNG.randn(2, 3, 4, 5).astype(np.float32)          # distinct dims
        x = f if data_format == "NHWC" else f.transpose(0, 3, 1, 2)
        out = layers.spatial_softmax(gc.constant(x), temperature=0.5,
                                     data_format=data_format)
        assert out.shape.as_list() == [2, 10]
        assert [v.name for v in gc.global_variables()] == ["temperature:0"]
        np.testing.assert_allclose(_run(out), _np_spatial_softmax(f, 0.5), atol=1e-5)


def test_spatial_softmax_gradient():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [1, 3, 2, 2])      # float32 only, as TF's
        y = layers.spatial_softmax(x, trainable=False)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            with sess.as_default():
                x0 = RNG.randn(1, 3, 2, 2).astype(np.float32)
                err = gc.test.compute_gradient_error(x, [1, 3, 2, 2], y, [1, 4],
                                                     x_init_value=x0, delta=1e-2)
    assert err < 2e-3


def test_embed_sequence_and_bow_encoder():
    with gc.Graph().as_default():
        ids = np.array([[1, 2, -1], [3, -1, -1], [-1, -1, -1]])
        emb = layers.embed_sequence(gc.constant([[1, 2], [3, 0]]), vocab_size=5, embed_dim=4)
        bow = layers.bow_encoder(gc.constant(ids), 5, 4)
        dense = layers.bow_encoder(gc.constant([[1, 2], [3, 0]]), 5, 4,
                                   sparse_lookup=False, scope="dense")
        names = [v.name for v in gc.global_variables()]
        assert names == ["EmbedSequence/embeddings:0", "bow_encoder/embeddings:0",
                         "dense/embeddings:0"]
        e, b, d, we, wb, wd = _run([emb, bow, dense] + gc.global_variables())
    np.testing.assert_allclose(e, we[[[1, 2], [3, 0]]])
    np.testing.assert_allclose(b, [wb[[1, 2]].mean(0), wb[3], wb[0]], rtol=1e-6)
    np.testing.assert_allclose(d, wd[[[1, 2], [3, 0]]].mean(1), rtol=1e-6)
    with pytest.raises(ValueError, match="vocab size"):
        layers.embed_sequence(gc.constant([1]))


def test_images_to_sequence_round_trip():
    with gc.Graph().as_default():
        f = RNG.randn(2, 3, 4, 5).astype(np.float32)
        seq = layers.images_to_sequence(gc.constant(f))
        back = layers.sequence_to_images(seq, 3)
        first = layers.sequence_to_images(seq, 3, output_data_format="channels_first")
        s, b, c = _run([seq, back, first])
    np.testing.assert_array_equal(s, f.transpose(2, 0, 1, 3).reshape(4, 6, 5))
    np.testing.assert_array_equal(b, f)
    np.testing.assert_array_equal(c, f.transpose(0, 3, 1, 2))


def test_legacy_fully_connected_rank3():
    with gc.Graph().as_default():
        x = RNG.randn(2, 3, 4).astype(np.float32)
        y = layers.legacy_relu(gc.constant(x), 6)
        assert y.shape.as_list() == [2, 3, 6]
        assert [v.name for v in gc.global_variables()] == ["fully_connected/weights:0",
                                                           "fully_connected/bias:0"]
        assert y in gc.get_collection(gc.GraphKeys.ACTIVATIONS)
        out, w, b = _run([y] + gc.global_variables())
    np.testing.assert_allclose(out, np.maximum(x @ w + b, 0), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="rank of x"):
        layers.legacy_linear(gc.constant([1.0]), 2)


def test_scale_gradient_and_dense_to_sparse():
    with gc.Graph().as_default():
        x = gc.constant([1.0, 2.0])
        y = layers.scale_gradient(x * 3.0, 0.1)
        g, = gc.gradients(gc.reduce_sum(y * y), x)
        sp = layers.dense_to_sparse(gc.constant([[1, 0], [0, 3]]))
        yv, gv, spv = _run([y, g, sp])
    np.testing.assert_allclose(yv, [3.0, 6.0])
    np.testing.assert_allclose(gv, 0.1 * 3.0 * 2 * np.array([3.0, 6.0]), rtol=1e-6)
    np.testing.assert_array_equal(spv.indices, [[0, 0], [1, 1]])
    np.testing.assert_array_equal(spv.values, [1, 3])


def test_framework_more():
    with gc.Graph().as_default() as g:
        p = gc.placeholder(gc.float32, [None, None], name="p")
        gc.placeholder_with_default(1.0, [], name="d")
        assert framework.get_placeholders(g) == [p]
        y = framework.with_shape([None, 3], p)
        assert y.shape.as_list() == [None, 3]
        with pytest.raises(ValueError):
            framework.with_shape([2], gc.zeros([3]))
        with pytest.raises(ValueError, match="integer"):
            framework.assert_scalar_int(gc.constant(1.0))
        total = framework.reduce_sum_n([gc.ones([2, 2]), gc.ones([3])])
        srt = framework.sort(gc.constant([3, 1, 2]), direction="DESCENDING")
        v = gc.Variable([1.0, 2.0])
        zero = framework.zero_initializer(v)
        with gc.name_scope("outer"):
            assert framework.get_name_scope() == "outer"
        with gc.Session() as sess:
            assert sess.run(total) == 7.0
            assert sess.run(srt).tolist() == [3, 2, 1]
            assert sess.run(y, {p: np.zeros((2, 3))}).shape == (2, 3)
            with pytest.raises(Exception):
                sess.run(y, {p: np.zeros((2, 4))})
            sess.run(v.initializer)
            sess.run(zero)
            assert sess.run(v).tolist() == [0.0, 0.0]
    assert framework.nest is gc.nest
    assert framework.strip_name_scope("loc:@outer/w", "outer/") == "loc:@w"
    assert framework.strip_name_scope("a/outer/w", "outer") == "a/outer/w"
    assert framework.prepend_name_scope("^w", "imported") == "^imported/w"
    with pytest.raises(ValueError, match="No tensors"):
        framework.reduce_sum_n([])
    with pytest.raises(TypeError):
        framework.get_placeholders("graph")
