"""gc.keras attention, EinsumDense, preprocessing layers and DenseFeatures against
tf_keras (legacy Keras 2) in graph mode: same weights, same outputs, one fit step;
adapt() against tf_keras' eager adapt (TF1 graph mode has none)."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import tf

from keras_parity import run_both, tfk
from tf_keras.src.feature_column.dense_features import DenseFeatures as V1DenseFeatures

RNG = np.random.default_rng(0)
Q = RNG.standard_normal((2, 4, 6)).astype(np.float32)
V = RNG.standard_normal((2, 3, 6)).astype(np.float32)
KEY = RNG.standard_normal((2, 3, 6)).astype(np.float32)
Q[0, 3] = 0.0                     # a masked query step (Masking)
V[1, 2] = 0.0                     # a masked value step


def _close(a, b, rtol=1e-5, atol=1e-5):
    a = a if isinstance(a, (list, tuple)) else [a]
    b = b if isinstance(b, (list, tuple)) else [b]
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


def _sgd(k):
    return k.optimizers.SGD(0.1) if k is gc.keras else tfk.optimizers.legacy.SGD(0.1)


def _fit_both(build, x, y, steps=2):
    def run(m):
        m.compile(_sgd(gc.keras if isinstance(m, gc.keras.Model) else tfk), "mse")
        for _ in range(steps):
            m.train_on_batch(x, y)
        return m.get_weights() + [m.predict(x)]
    return run_both(build, run)


@pytest.mark.parametrize("kw", [{}, {"use_scale": True}, {"score_mode": "concat"},
                                {"score_mode": "concat", "use_scale": True}])
@pytest.mark.parametrize("masked", [False, True])
def test_attention(kw, masked):
    def build(k):
        q, v = k.Input((4, 6)), k.Input((3, 6))
        qq = k.layers.Masking()(q) if masked else q
        vv = k.layers.Masking()(v) if masked else v
        out, scores = k.layers.Attention(**kw)([qq, vv], return_attention_scores=True)
        return k.Model([q, v], [out, scores])
    a, b = run_both(build, lambda m: m.predict([Q, V]))
    _close(a, b)


def test_attention_key_causal_and_fit():
    def build(k):
        q, v, key = k.Input((4, 6)), k.Input((3, 6)), k.Input((3, 6))
        out = k.layers.Attention(use_scale=True)([q, v, key], use_causal_mask=True)
        return k.Model([q, v, key], k.layers.Dense(2)(out))
    a, b = _fit_both(build, [Q, V, KEY], np.ones((2, 4, 2), np.float32))
    _close(a, b, rtol=1e-4)


@pytest.mark.parametrize("use_scale", [True, False])
def test_additive_attention(use_scale):
    def build(k):
        q, v, key = k.Input((4, 6)), k.Input((3, 6)), k.Input((3, 6))
        vv = k.layers.Masking()(v)
        out = k.layers.AdditiveAttention(use_scale=use_scale)([q, vv, key])
        return k.Model([q, v, key], out)
    a, b = run_both(build, lambda m: m.predict([Q, V, KEY]))
    _close(a, b)
    if use_scale:
        a, b = _fit_both(build, [Q, V, KEY], np.ones((2, 4, 6), np.float32))
        _close(a, b, rtol=1e-4)


@pytest.mark.parametrize("kw", [
    {"num_heads": 2, "key_dim": 3},
    {"num_heads": 3, "key_dim": 2, "value_dim": 4, "output_shape": 5},
    {"num_heads": 2, "key_dim": 2, "use_bias": False, "output_shape": (2, 3)}])
def test_multi_head_attention(kw):
    def build(k):
        q, v, key = k.Input((4, 6)), k.Input((3, 6)), k.Input((3, 6))
        layer = k.layers.MultiHeadAttention(**kw)
        out, scores = layer(q, v, key, return_attention_scores=True)
        return k.Model([q, v, key], [out, scores])
    a, b = run_both(build, lambda m: m.predict([Q, V, KEY]) + [
        [w.name for w in m.weights], [w.shape.as_list() for w in m.weights]])
    _close(a[:2], b[:2])
    assert a[2:] == b[2:]


def test_multi_head_attention_masks():
    amask = np.array([[[1, 1, 0]] * 4, [[1, 0, 1]] * 4], bool)

    def build(k):
        q, v, am = k.Input((4, 6)), k.Input((3, 6)), k.Input((4, 3), dtype="bool")
        qq, vv = k.layers.Masking()(q), k.layers.Masking()(v)
        layer = k.layers.MultiHeadAttention(2, 3)
        o1 = layer(qq, vv, attention_mask=am)
        o2 = layer(q, q, use_causal_mask=True)
        return k.Model([q, v, am], [o1, o2])
    a, b = run_both(build, lambda m: m.predict([Q, V, amask]))
    _close(a, b)


def test_multi_head_attention_axes_and_fit():
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)

    def build(k):
        inp = k.Input((3, 4, 5))
        out = k.layers.MultiHeadAttention(2, 3, attention_axes=(1, 2))(inp, inp)
        return k.Model(inp, k.layers.Reshape((60,))(out))     # 2-D: fit's loss
    a, b = _fit_both(build, x, np.zeros((2, 60), np.float32))
    _close(a, b, rtol=1e-4)


@pytest.mark.parametrize("eq,shape,bias", [
    ("abc,cd->abd", (None, 7), "d"), ("...b,bc->...c", 7, "c"),
    ("abc,cde->abde", (None, 2, 3), "de"), ("ab...,bc->ac...", (5, None), None),
    ("abc,cd->abd", (4, 7), "bd")])
def test_einsum_dense(eq, shape, bias):
    def build(k):
        inp = k.Input((4, 6))
        layer = k.layers.EinsumDense(eq, shape, bias_axes=bias, activation="tanh")
        return k.Model(inp, layer(inp))
    out = run_both(build, lambda m: [m.predict(Q), m.output.shape.as_list(),
                                     [w.shape.as_list() for w in m.weights]])
    _close(out[0][0], out[1][0])
    assert out[0][1:] == out[1][1:]


def test_einsum_dense_fit():
    def build(k):
        inp = k.Input((4, 6))
        return k.Model(inp, k.layers.EinsumDense("abc,cd->abd", (None, 2),
                                                 bias_axes="d")(inp))
    a, b = _fit_both(build, Q, np.ones((2, 4, 2), np.float32))
    _close(a, b, rtol=1e-4)


IMG = RNG.uniform(0, 255, (2, 7, 9, 3)).astype(np.float32)


@pytest.mark.parametrize("layer", [
    lambda k: k.layers.Rescaling(1 / 127.5, offset=-1),
    lambda k: k.layers.Resizing(4, 5),
    lambda k: k.layers.Resizing(10, 6, interpolation="nearest"),
    lambda k: k.layers.Resizing(5, 12, interpolation="bicubic"),
    lambda k: k.layers.Resizing(3, 4, interpolation="area"),
    lambda k: k.layers.Resizing(4, 4, crop_to_aspect_ratio=True),
    lambda k: k.layers.Resizing(3, 8, crop_to_aspect_ratio=True, interpolation="nearest"),
    lambda k: k.layers.CenterCrop(4, 5),
    lambda k: k.layers.CenterCrop(6, 12),
    lambda k: k.layers.Normalization(mean=100.0, variance=900.0),
    lambda k: k.layers.Normalization(axis=None, mean=2.0, variance=3.0, invert=True),
    lambda k: k.layers.Normalization(axis=(1, 3), mean=np.arange(21.0).reshape(7, 3),
                                     variance=np.arange(1.0, 22.0).reshape(7, 3))])
def test_image_and_normalization_layers(layer):
    def build(k):
        inp = k.Input((7, 9, 3))
        return k.Model(inp, layer(k)(inp))
    out = run_both(build, lambda m: [m.predict(IMG), m.output.shape.as_list(),
                                     m.layers[-1].get_config()])
    _close(out[0][0], out[1][0], rtol=1e-4, atol=1e-3)
    assert out[0][1] == out[1][1]
    ga, tb = out[0][2], out[1][2]
    assert sorted(ga) == sorted(tb)


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization(mode):
    x = np.array([[-1.5, 0.0, 0.3], [1.0, 2.5, np.nan]], np.float32)
    if mode == "one_hot":
        x = x[:, :1]

    def build(k):
        inp = k.Input(x.shape[1:])
        return k.Model(inp, k.layers.Discretization([0.0, 0.5, 1.0], output_mode=mode)(inp))
    a, b = run_both(build, lambda m: [m.predict(x), str(m.output.dtype.name)])
    _close(a[0], b[0])
    assert a[1] == b[1]


@pytest.fixture
def eager_adapt():
    """tf_keras' adapt runs a tf.function, which keras_parity's
    output_all_intermediates(True) breaks: off for the test, then back on."""
    from tensorflow.python.eager import context
    tf.compat.v1.experimental.output_all_intermediates(False)
    try:
        with context.eager_mode():      # whatever an earlier test left as TF's mode
            yield
    finally:
        tf.compat.v1.experimental.output_all_intermediates(True)


def test_discretization_adapt(eager_adapt):
    data = RNG.standard_normal((500,)).astype(np.float32) * 3
    for kw in [{"num_bins": 4}, {"num_bins": 7, "epsilon": 0.05}]:
        tl = tfk.layers.Discretization(**kw)
        tl.adapt(data)
        with gc.Graph().as_default():
            gl = gc.keras.layers.Discretization(**kw)
            gl.adapt(data)
        np.testing.assert_allclose(gl.bin_boundaries, tl.bin_boundaries, rtol=1e-6)
    tl = tfk.layers.Discretization(num_bins=3)
    tl.adapt(tf.data.Dataset.from_tensor_slices(data).batch(50))
    with gc.Graph().as_default():
        gl = gc.keras.layers.Discretization(num_bins=3)
        gl.adapt(gc.data.Dataset.from_tensor_slices(data).batch(50))
    np.testing.assert_allclose(gl.bin_boundaries, tl.bin_boundaries, rtol=1e-6)


@pytest.mark.parametrize("axis", [-1, None, (1, 2)])
def test_normalization_adapt(axis, eager_adapt):
    data = RNG.standard_normal((70, 3, 2)).astype(np.float32) * 4 + 1
    tl = tfk.layers.Normalization(axis=axis)
    tl.adapt(data)
    with gc.Graph().as_default():
        gl = gc.keras.layers.Normalization(axis=axis)
        gl.adapt(data)
        got = gl.get_weights()
        y = gc.keras.backend.get_session().run(gl(gc.constant(data[:5])))
    for g, t in zip(got, tl.get_weights()):
        np.testing.assert_allclose(g, t, rtol=1e-5, atol=1e-6)
    assert [w.name for w in gl.weights] == ["normalization/mean:0",
                                            "normalization/variance:0",
                                            "normalization/count:0"]
    np.testing.assert_allclose(y, tl(data[:5]).numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kw", [{"num_bins": 5}, {"num_bins": 4, "mask_value": "b"},
                                {"num_bins": 6, "salt": 7},
                                {"num_bins": 5, "salt": [11, 13], "mask_value": ""},
                                {"num_bins": 4, "output_mode": "multi_hot"},
                                {"num_bins": 4, "output_mode": "count"}])
def test_hashing_strings(kw):
    x = np.array([["a", "b", "hello"], ["", "b", "world"]], object)

    def build(k):
        inp = k.Input((3,), dtype="string")
        return k.Model(inp, k.layers.Hashing(**kw)(inp))
    a, b = run_both(build, lambda m: m.predict(x))
    _close(a, b)


def test_hashing_ints():
    x = np.array([[1, 22, -3, 0]], np.int64)

    def build(k):
        inp = k.Input((4,), dtype="int64")
        return k.Model(inp, [k.layers.Hashing(7)(inp), k.layers.Hashing(7, mask_value=0)(inp),
                             k.layers.Hashing(9, salt=3)(inp)])
    a, b = run_both(build, lambda m: m.predict(x))
    _close(a, b)


@pytest.mark.parametrize("mode,shape", [("one_hot", (1,)), ("one_hot", ()),
                                        ("multi_hot", (3,)), ("count", (3,))])
def test_category_encoding(mode, shape):
    x = np.array([[1, 3, 3], [0, 2, 3]], np.int32)[:, :shape[0] if shape else 1]
    x = x.reshape((2,) + shape)

    def build(k):
        inp = k.Input(shape, dtype="int32")
        return k.Model(inp, k.layers.CategoryEncoding(5, output_mode=mode)(inp))
    a, b = run_both(build, lambda m: [m.predict(x), m.output.shape.as_list()])
    _close(a[0], b[0])
    assert a[1] == b[1]


def test_category_encoding_count_weights():
    x = np.array([[1, 3, 3], [0, 2, 3]], np.int32)
    w = np.array([[0.5, 1.0, 2.0], [1.0, 1.5, 3.0]], np.float32)

    def build(k):
        inp, wi = k.Input((3,), dtype="int32"), k.Input((3,))
        out = k.layers.CategoryEncoding(4, output_mode="count")(inp, count_weights=wi)
        return k.Model([inp, wi], out)
    a, b = run_both(build, lambda m: m.predict([x, w]))
    _close(a, b)


def test_dense_features():
    price = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
    cat = np.array([[1], [3], [0]], np.int64)

    def build(k):
        fc = (gc.feature_column if k is gc.keras else tf.compat.v1.feature_column)
        cat_col = fc.categorical_column_with_identity("cat", 5)
        cols = [fc.numeric_column("price", shape=(2,)), fc.embedding_column(cat_col, 3),
                fc.indicator_column(cat_col)]
        layer = (k.layers.DenseFeatures(cols) if k is gc.keras
                 else V1DenseFeatures(cols))
        p, c = k.Input((2,), name="price"), k.Input((1,), dtype="int64", name="cat")
        out = k.layers.Dense(2)(layer({"price": p, "cat": c}))
        return k.Model([p, c], out)

    def run(m):
        m.compile(_sgd(gc.keras if isinstance(m, gc.keras.Model) else tfk), "mse")
        m.train_on_batch([price, cat], np.ones((3, 2), np.float32))
        return [w.name for w in m.weights], m.get_weights() + [m.predict([price, cat])]
    a, b = run_both(build, run)
    assert a[0] == b[0]
    _close(a[1], b[1], rtol=1e-4)


@pytest.mark.parametrize("make", [
    lambda k: k.layers.Attention(use_scale=True, dropout=0.1),
    lambda k: k.layers.AdditiveAttention(use_scale=False),
    lambda k: k.layers.EinsumDense("ab,bc->ac", 4, bias_axes="c"),
    lambda k: k.layers.Hashing(3, salt=1), lambda k: k.layers.Discretization(num_bins=3),
    lambda k: k.layers.CategoryEncoding(3, "count"), lambda k: k.layers.CenterCrop(2, 3),
    lambda k: k.layers.Normalization(axis=(1, 2))])
def test_config_keys(make):
    with gc.Graph().as_default():
        g = make(gc.keras).get_config()
    with tf.Graph().as_default():
        t = make(tfk).get_config()
    assert sorted(g) == sorted(t)
    for key in t:
        if key not in ("name",) and not isinstance(t[key], dict):
            assert g[key] == (list(t[key]) if isinstance(t[key], (list, tuple))
                              and isinstance(g[key], list) else t[key]), key
