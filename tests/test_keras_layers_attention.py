"""gc.keras attention layers, EinsumDense, preprocessing layers and DenseFeatures:
values against numpy, shapes, weights, masks, adapt, configs and errors."""
import numpy as np
import pytest

import graphc as gc

k = gc.keras
L = gc.keras.layers
RNG = np.random.default_rng(1)
Q = RNG.standard_normal((2, 4, 6)).astype(np.float32)
V = RNG.standard_normal((2, 3, 6)).astype(np.float32)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _run(fetches, feed=None):
    return k.backend.get_session().run(fetches, feed)


def test_attention_values_masks_and_causal():
    with gc.Graph().as_default():
        q, v = gc.constant(Q), gc.constant(V)
        qm = gc.constant(np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool))
        vm = gc.constant(np.array([[1, 1, 0], [1, 1, 1]], bool))
        layer = L.Attention()
        out, scores = layer([q, v], mask=[qm, vm], return_attention_scores=True)
        causal = layer([q, v], use_causal_mask=True)
        got, s, c = _run([out, scores, causal])
    logits = Q @ V.transpose(0, 2, 1)
    logits[0, :, 2] -= 1e9
    want_s = _softmax(logits)
    want = want_s @ V
    want[0, 3] = 0.0
    np.testing.assert_allclose(s, want_s, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    logits = Q @ V.transpose(0, 2, 1) - 1e9 * (np.arange(3)[None] > np.arange(4)[:, None])
    np.testing.assert_allclose(c, _softmax(logits) @ V, rtol=1e-5, atol=1e-6)
    assert layer.get_config()["dropout"] == 0.0 and layer.weights == []


def test_attention_weights_output_mask_and_errors():
    with gc.Graph().as_default():
        q, v = k.Input((4, 6)), k.Input((3, 6))
        qq = L.Masking()(q)
        att = L.Attention(use_scale=True, score_mode="concat")
        out = att([qq, v])
        assert [w.name for w in att.weights] == ["attention/scale:0",
                                                 "attention/concat_score_weight:0"]
        assert k.backend.get_mask(out) is k.backend.get_mask(qq)
        assert out.shape.as_list() == [None, 4, 6]
        add = L.AdditiveAttention()
        add([q, v])
        assert add.weights[0].shape.as_list() == [6]
        with pytest.raises(ValueError, match="must be called on a list"):
            L.Attention()(q)
        with pytest.raises(ValueError, match="length 2 or 3"):
            L.Attention()([q])
        with pytest.raises(ValueError, match="score_mode"):
            L.Attention(score_mode="add")


def test_attention_dropout_only_in_training():
    with gc.Graph().as_default():
        q, v = gc.constant(Q), gc.constant(V)
        att = L.Attention(dropout=0.5)
        out, scores = att([q, v], return_attention_scores=True)
        a = _run(out)
        b = _run(out, {k.backend.learning_phase(): True})
    np.testing.assert_allclose(a, _softmax(Q @ V.transpose(0, 2, 1)) @ V, rtol=1e-5,
                               atol=1e-6)
    assert not np.allclose(a, b)


def test_multi_head_attention_against_numpy():
    with gc.Graph().as_default():
        q, v = k.Input((4, 6)), k.Input((3, 6))
        mha = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5)
        out, scores = mha(q, v, return_attention_scores=True)
        assert [w.name for w in mha.weights] == [
            f"multi_head_attention/{p}/{n}:0"
            for p in ("query", "key", "value", "attention_output")
            for n in ("kernel", "bias")]
        assert out.shape.as_list() == [None, 4, 6]
        assert scores.shape.as_list() == [None, 2, 4, 3]
        weights = [RNG.standard_normal(w.shape.as_list()).astype(np.float32)
                   for w in mha.weights]
        mha.set_weights(weights)
        got, s = _run([out, scores], {q: Q, v: V})
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    qp = np.einsum("btc,cnh->btnh", Q, wq) + bq
    kp = np.einsum("bsc,cnh->bsnh", V, wk) + bk
    vp = np.einsum("bsc,cnh->bsnh", V, wv) + bv
    sc = _softmax(np.einsum("bsnh,btnh->bnts", kp, qp / np.sqrt(3.0)))
    ctx = np.einsum("bnts,bsnh->btnh", sc, vp)
    np.testing.assert_allclose(s, sc, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got, np.einsum("btnh,nhc->btc", ctx, wo) + bo, rtol=1e-4,
                               atol=1e-4)


def test_multi_head_attention_model_replay_and_config():
    with gc.Graph().as_default():
        q, v = k.Input((4, 6)), k.Input((3, 6))
        am = k.Input((4, 3), dtype="bool")
        mha = L.MultiHeadAttention(2, 3, output_shape=(2, 5))
        out = mha(q, v, attention_mask=am)
        assert out.shape.as_list() == [None, 4, 2, 5]
        model = k.Model([q, v, am], out)
        q2, v2, am2 = k.Input((4, 6)), k.Input((3, 6)), k.Input((4, 3), dtype="bool")
        again = model([q2, v2, am2])
        mask = np.ones((2, 4, 3), bool)
        mask[:, :, 0] = False
        a, b = _run([out, again], {q: Q, v: V, am: mask, q2: Q, v2: V, am2: mask})
        np.testing.assert_allclose(a, b, rtol=1e-6)
        assert len(mha.weights) == 8
        config = mha.get_config()
        assert config["query_shape"] == [None, 4, 6] and config["attention_axes"] == (1,)
        clone = L.MultiHeadAttention.from_config(config)
        assert clone._num_heads == 2 and clone._output_shape == (2, 5)
        assert mha.compute_output_shape((None, 4, 6), (None, 3, 6)).as_list() == \
            [None, 4, 2, 5]
        with pytest.raises(TypeError, match="missing argument 'value'"):
            mha(q)


def test_einsum_dense_shapes_and_errors():
    with gc.Graph().as_default():
        x = k.Input((4, 6))
        layer = L.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="e")
        y = layer(x)
        assert y.shape.as_list() == [None, 4, 2, 3]
        assert [w.shape.as_list() for w in layer.weights] == [[6, 2, 3], [3]]
        left = L.EinsumDense("...b,bc->...c", 5, bias_axes="c")
        assert left(x).shape.as_list() == [None, 4, 5]
        right = L.EinsumDense("ab...,bc->ac...", (5, None), bias_axes="c")
        right(x)
        assert right.weights[1].shape.as_list() == [5, 1]
        with pytest.raises(ValueError, match="Invalid einsum equation"):
            L.EinsumDense("ab->b", 3)(x)
        with pytest.raises(ValueError, match="Bias dimension 'z'"):
            L.EinsumDense("abc,cd->abd", (None, 3), bias_axes="z")(x)
        with pytest.raises(ValueError, match="do not match at shared dimension"):
            L.EinsumDense("abc,cd->abd", (5, 3))(x)
        config = layer.get_config()
        assert config["output_shape"] == [None, 2, 3] and config["bias_axes"] == "e"


def test_image_layers():
    img = np.arange(2 * 6 * 8 * 1, dtype=np.float32).reshape(2, 6, 8, 1)
    with gc.Graph().as_default():
        x = k.Input((6, 8, 1))
        outs = [L.Rescaling(0.5, offset=1.0)(x), L.CenterCrop(2, 4)(x),
                L.Resizing(3, 4, interpolation="nearest")(x),
                L.Resizing(3, 3, crop_to_aspect_ratio=True, interpolation="nearest")(x),
                L.CenterCrop(8, 8)(x)]
        got = _run(outs, {x: img})
        assert outs[1].shape.as_list() == [None, 2, 4, 1]
        assert outs[2].shape.as_list() == [None, 3, 4, 1]
        with pytest.raises(NotImplementedError, match="not recognized.*: lanczos\\."):
            L.Resizing(2, 2, interpolation="lanczos")
    np.testing.assert_allclose(got[0], img * 0.5 + 1)
    np.testing.assert_allclose(got[1], img[:, 2:4, 2:6])
    np.testing.assert_allclose(got[2], img[:, [1, 3, 5]][:, :, [1, 3, 5, 7]])
    np.testing.assert_allclose(got[3], img[:, [1, 3, 5]][:, :, [2, 4, 6]])   # 6x6 crop
    assert got[4].shape == (2, 8, 8, 1)


def test_normalization_constants_adapt_and_dataset():
    data = RNG.standard_normal((50, 3)).astype(np.float32) * 2 + 5
    with gc.Graph().as_default():
        fixed = L.Normalization(mean=[1.0, 2.0, 3.0], variance=4.0)
        x = gc.constant(data[:4])
        np.testing.assert_allclose(_run(fixed(x)), (data[:4] - [1, 2, 3]) / 2, rtol=1e-5)
        assert fixed.weights == []
        norm = L.Normalization()
        norm.adapt(data)
        mean, var, count = norm.get_weights()
        np.testing.assert_allclose(mean, data.mean(0), rtol=1e-5)
        np.testing.assert_allclose(var, data.var(0), rtol=1e-4)
        assert count == 50 and norm.is_adapted
        y = _run(norm(x))
        np.testing.assert_allclose(y, (data[:4] - mean) / np.sqrt(var), rtol=1e-4)
        inv = L.Normalization(mean=2.0, variance=9.0, invert=True)
        np.testing.assert_allclose(_run(inv(x)), data[:4] * 3 + 2, rtol=1e-5)
        ds = L.Normalization(axis=None)
        ds.adapt(gc.data.Dataset.from_tensor_slices(data).batch(16))
        np.testing.assert_allclose(ds.get_weights()[0], data.mean(), rtol=1e-5)
        with pytest.raises(ValueError, match="Cannot `adapt`"):
            fixed.adapt(data)
        with pytest.raises(ValueError, match="both `mean` and `variance`"):
            L.Normalization(mean=1.0)


def test_discretization_values_and_adapt():
    x = np.array([[-1.0, 0.0, 0.4], [0.5, 2.0, 9.0]], np.float32)
    with gc.Graph().as_default():
        layer = L.Discretization(bin_boundaries=[0.0, 0.5, 1.0])
        out = layer(gc.constant(x))
        assert out.dtype == gc.int64
        hot = L.Discretization([0.0], output_mode="count")(gc.constant(x))
        got, h = _run([out, hot])
        np.testing.assert_array_equal(got, [[0, 1, 1], [2, 3, 3]])
        np.testing.assert_array_equal(h, [[1, 2], [0, 3]])
        q = L.Discretization(num_bins=4)
        q.adapt(np.arange(1000, dtype=np.float32))
        np.testing.assert_allclose(q.bin_boundaries, [250, 500, 750], atol=15)
        with pytest.raises(ValueError, match="Both `num_bins` and `bin_boundaries`"):
            L.Discretization([0.0], num_bins=2)
        with pytest.raises(ValueError, match="Cannot adapt"):
            layer.adapt(x)


def test_hashing_and_category_encoding():
    with gc.Graph().as_default():
        words = gc.constant(np.array([["a", "b"], ["", "a"]], object))
        h = L.Hashing(5)(words)
        masked = L.Hashing(5, mask_value="")(words)
        ints = L.Hashing(3, salt=[1, 2])(gc.constant(np.array([[1, 2]], np.int64)))
        hv, mv, iv = _run([h, masked, ints])
        assert h.dtype == gc.int64 and hv[0, 0] == hv[1, 1]
        assert mv[1, 0] == 0 and (mv[[0, 0, 1], [0, 1, 1]] > 0).all()
        assert ((0 <= iv) & (iv < 3)).all()
        ids = gc.constant(np.array([[0, 2, 2], [1, 1, 3]], np.int32))
        multi = L.CategoryEncoding(4)(ids)
        count = L.CategoryEncoding(4, "count")(ids)
        one = L.CategoryEncoding(4, "one_hot")(gc.constant(np.array([3, 0], np.int32)))
        m, c, o = _run([multi, count, one])
        np.testing.assert_array_equal(m, [[1, 0, 1, 0], [0, 1, 0, 1]])
        np.testing.assert_array_equal(c, [[1, 0, 2, 0], [0, 2, 0, 1]])
        np.testing.assert_array_equal(o, [[0, 0, 0, 1], [1, 0, 0, 0]])
        bad = L.CategoryEncoding(2)(ids)
        with pytest.raises(gc.errors.InvalidArgumentError, match="num_tokens=2"):
            _run(bad)
        with pytest.raises(ValueError, match="maximum supported output rank is 2"):
            L.CategoryEncoding(4)(gc.zeros([2, 2, 2], gc.int32))
        with pytest.raises(ValueError, match="num_bins"):
            L.Hashing(0)
        with pytest.raises(NotImplementedError, match="sparse=True"):
            L.CategoryEncoding(3, sparse=True)


def test_dense_features_weights_shared():
    fc = gc.feature_column
    with gc.Graph().as_default():
        cat = fc.categorical_column_with_identity("cat", 4)
        layer = L.DenseFeatures([fc.numeric_column("price"), fc.embedding_column(cat, 2),
                                 fc.indicator_column(cat)])
        p, c = k.Input((1,), name="price"), k.Input((1,), dtype="int64", name="cat")
        out = layer({"price": p, "cat": c})
        assert out.shape.as_list() == [None, 7]
        assert [w.name for w in layer.weights] == \
            ["dense_features/cat_embedding/embedding_weights:0"]
        model = k.Model([p, c], out)
        again = model([p, c])
        assert len(layer.weights) == 1
        a, b = _run([out, again], {p: [[2.0]], c: [[3]]})
        np.testing.assert_allclose(a, b)
        np.testing.assert_allclose(a[0, 2:], [0, 0, 0, 1, 2.0])    # indicator, price
        with pytest.raises(ValueError, match="expected a dictionary"):
            layer(p)
        with pytest.raises(ValueError, match="DenseColumn"):
            L.DenseFeatures([cat])
