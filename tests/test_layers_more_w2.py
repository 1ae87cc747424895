"""gc.layers' separable_conv1d/2d, conv3d_transpose, their classes and InputSpec;
gc.keras' clone_model, layers.serialize/deserialize, LinearModel, WideDeepModel and
backend.manual_variable_initialization (numpy references; no TensorFlow)."""
import numpy as np
import pytest

import graphc as gc
from graphc import layers_conv_more as L
from graphc.keras.layers_serialize_more2 import deserialize, serialize
from graphc.keras.models_clone import clone_model


def _run(outs, feed=None):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(outs, feed)


def _ref_separable_2d(x, dw, pw, b):
    """valid, stride 1: depthwise then 1x1, in numpy (NHWC)."""
    kh, kw, c, m = dw.shape
    n, h, w, _ = x.shape
    oh, ow = h - kh + 1, w - kw + 1
    depth = np.zeros((n, oh, ow, c * m))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i:i + kh, j:j + kw, :]                      # n, kh, kw, c
            depth[:, i, j, :] = np.einsum("nhwc,hwcm->ncm", patch, dw).reshape(n, -1)
    return depth @ pw.reshape(c * m, -1) + b


def test_separable_conv2d_values_and_variables():
    with gc.Graph().as_default():
        rng = np.random.default_rng(0)
        x = rng.standard_normal((2, 5, 6, 3))
        y = L.separable_conv2d(gc.constant(x), 4, (2, 3), depth_multiplier=2,
                               bias_initializer=gc.constant_initializer(0.5))
        names = [(v.op.name, v.shape.as_list()) for v in gc.global_variables()]
        assert names == [("separable_conv2d/depthwise_kernel", [2, 3, 3, 2]),
                         ("separable_conv2d/pointwise_kernel", [1, 1, 6, 4]),
                         ("separable_conv2d/bias", [4])]
        got, dw, pw, b = _run([y] + gc.global_variables())
        np.testing.assert_allclose(got, _ref_separable_2d(x, dw, pw, b), atol=1e-10)
        assert y.shape.as_list() == [2, 4, 4, 4]


def test_conv1d_causal_left_pads_the_time_axis():
    """tf.layers.conv1d / Conv1D take padding='causal' as Keras' Conv1D (TF 2.21 gives
    [3, 15, 36, 63, ...] for this input and ones)."""
    with gc.Graph().as_default():
        x = np.arange(24.0).reshape(1, 8, 3)
        y = gc.layers.conv1d(gc.constant(x), 2, 3, padding="causal", dilation_rate=2,
                             kernel_initializer=gc.ones_initializer())
        z = gc.layers.Conv1D(1, 3, padding="causal", use_bias=False,
                             kernel_initializer=gc.ones_initializer())(gc.constant(x))
        got, k = _run([y, z])
        xp = np.concatenate([np.zeros((1, 4, 3)), x], axis=1)
        ref = np.stack([xp[:, t:t + 5:2].sum(axis=(1, 2)) for t in range(8)], axis=1)
        np.testing.assert_allclose(got[..., 0], ref)
        assert k[0, :3, 0].tolist() == [3.0, 15.0, 36.0] and y.shape.as_list() == [1, 8, 2]
        with pytest.raises(ValueError, match="not 'causal'|Causal padding is only"):
            gc.layers.conv2d(gc.constant(np.ones((1, 4, 4, 1))), 1, 2, padding="causal")
        with pytest.raises(ValueError, match="Causal padding is only supported"):
            gc.layers.conv3d(gc.constant(np.ones((1, 4, 4, 4, 1))), 1, 2, padding="causal")


def test_separable_conv1d_matches_2d_on_height_one_and_causal():
    with gc.Graph().as_default():
        x = np.random.default_rng(1).standard_normal((2, 7, 3))
        y = L.separable_conv1d(gc.constant(x), 2, 3, padding="causal", dilation_rate=2,
                               name="s1")
        dw, pw, b = gc.global_variables()
        assert dw.shape.as_list() == [3, 3, 1] and pw.shape.as_list() == [1, 3, 2]
        got, dwv, pwv, bv = _run([y, dw, pw, b])
        xp = np.concatenate([np.zeros((2, 4, 3)), x], axis=1)        # left pad 2 * (3-1)
        ref = np.zeros((2, 7, 3))
        for t in range(7):
            ref[:, t] = sum(xp[:, t + 2 * i] * dwv[i, :, 0] for i in range(3))
        np.testing.assert_allclose(got, ref @ pwv[0] + bv, atol=1e-10)


def test_conv3d_transpose_shapes_and_dynamic_dims():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (None, 2, None, 3, 2))
        y = L.conv3d_transpose(x, 4, (2, 3, 1), strides=(2, 2, 3))
        assert y.shape.as_list() == [None, 4, None, 9, 4]
        z = L.conv3d_transpose(x, 1, 3, strides=2, padding="same", use_bias=False)
        v = np.ones((1, 2, 5, 3, 2), np.float32)
        a, b = _run([y, z], {x: v})
        assert a.shape == (1, 4, 11, 9, 4) and b.shape == (1, 4, 10, 6, 1)
        kernel = [w for w in gc.global_variables() if w.op.name == "conv3d_transpose/kernel"]
        assert kernel[0].shape.as_list() == [2, 3, 1, 4, 2]


def test_classes_share_variables_and_check_input_spec():
    with gc.Graph().as_default():
        layer = L.SeparableConv2D(3, 2, name="sep")
        assert repr(layer.input_spec) == "InputSpec(min_ndim=4)"
        x = gc.placeholder(gc.float32, (None, 5, 5, 2))
        layer(x)
        layer.apply(x * 2.0)
        assert [v.op.name for v in layer.variables] == [
            "sep/depthwise_kernel", "sep/pointwise_kernel", "sep/bias"]
        assert repr(layer.input_spec) == "InputSpec(ndim=4, axes={-1: 2})"
        with pytest.raises(ValueError, match="expected axis -1 of input shape to have "
                                             "value 2"):
            layer(gc.placeholder(gc.float32, (None, 5, 5, 3)))
        with pytest.raises(ValueError, match="expected min_ndim=3, found ndim=2"):
            L.SeparableConv1D(2, 2)(gc.placeholder(gc.float32, (3, 4)))
        t = L.Conv3DTranspose(2, 2, name="up")
        t(gc.placeholder(gc.float32, (1, 2, 2, 2, 3)))
        assert t.kernel.shape.as_list() == [2, 2, 2, 2, 3]
        assert L.SeparableConvolution2D is L.SeparableConv2D
        assert L.Convolution3DTranspose is L.Conv3DTranspose


def test_argument_errors():
    with gc.Graph().as_default():
        x4 = gc.placeholder(gc.float32, (1, 5, 5, 2))
        with pytest.raises(ValueError, match="Causal padding is only supported"):
            L.separable_conv2d(x4, 2, 2, padding="causal")
        with pytest.raises(ValueError, match="depth_multiplier must be a positive int"):
            L.separable_conv2d(x4, 2, 2, depth_multiplier=0)
        with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
            L.separable_conv2d(gc.placeholder(gc.float32, (1, 5, 2)), 2, 2)
        with pytest.raises(TypeError, match="non-floating point"):
            L.conv3d_transpose(gc.placeholder(gc.int32, (1, 2, 2, 2, 1)), 2, 2)
        with pytest.raises(ValueError, match="channel dimension"):
            L.conv3d_transpose(gc.placeholder(gc.float32, (1, 2, 2, 2, None)), 2, 2)


def test_input_spec():
    spec = L.InputSpec(shape=(None, 3), dtype="float32")
    assert spec.ndim == 2 and spec.shape == (None, 3)
    assert repr(spec) == "InputSpec(dtype=float32, shape=(None, 3), ndim=2)"
    assert L.InputSpec(axes={"1": 2}).axes == {1: 2}
    with pytest.raises(TypeError, match="keys in axes must be integers"):
        L.InputSpec(axes={"a": 1})
    with pytest.raises(ValueError, match="Axis 5 is greater than the maximum allowed "
                                         "value: 1"):
        L.InputSpec(ndim=2, axes={5: 3})
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (2, 7, 3))
        L.assert_input_compatibility(L.InputSpec(ndim=3, axes={1: 7}), x, "lay")
        L.assert_input_compatibility(L.InputSpec(ndim=5), gc.placeholder(gc.float32), "l")
        with pytest.raises(ValueError, match="expected dtype=float64"):
            L.assert_input_compatibility(L.InputSpec(dtype="float64"), x, "lay")
        with pytest.raises(ValueError, match="expects 1 input"):
            L.assert_input_compatibility([L.InputSpec()], [x, x], "lay")
        with pytest.raises(ValueError, match=r"expected shape=\(2, None, 4\)"):
            L.assert_input_compatibility(L.InputSpec(shape=(2, None, 4)), x, "lay")


# ---- gc.keras ---------------------------------------------------------------------------
def test_clone_model_functional_and_sequential():
    k = gc.keras
    with gc.Graph().as_default():
        a = k.Input((3,), name="a")
        shared = k.layers.Dense(2, name="sh")
        out = k.layers.add([shared(a), shared(a)])
        model = k.Model(a, out, name="m")
        c = clone_model(model)
        assert c.name == "m" and [la.name for la in c.layers] == ["a", "sh", "add"]
        assert len(c.weights) == 2 and all(w is not v for w in c.weights
                                            for v in model.weights)
        c.set_weights(model.get_weights())
        x = np.ones((2, 3), np.float32)
        sess = k.backend.get_session()
        np.testing.assert_allclose(sess.run(c.output, {c.input: x}),
                                   sess.run(model.output, {model.input: x}))
        seq = k.Sequential([k.layers.Dense(2, input_shape=(3,))], name="s")
        cs = clone_model(seq)
        assert isinstance(cs, k.Sequential) and cs.name == "s"
        assert k.backend.int_shape(cs.input) == (None, 3)
        with pytest.raises(ValueError, match="clone_function"):
            clone_model(model, clone_function=3)
        with pytest.raises(ValueError, match="`Model` instance"):
            clone_model(k.layers.Dense(2))
        with pytest.raises(ValueError, match="list of 1 tensors"):
            clone_model(model, input_tensors=[a, a])
        with pytest.raises(ValueError, match="other than an InputLayer"):
            clone_model(seq, input_tensors=model.output)


def test_serialize_deserialize_with_custom_objects():
    k = gc.keras

    class Scale(k.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

        def _config(self):
            return {"factor": self.factor}

    def cube(x):
        return x * x * x

    with gc.Graph().as_default():
        config = serialize(Scale(3.0, name="sc"))
        assert config["class_name"] == "Scale" and config["config"]["factor"] == 3.0
        with pytest.raises(ValueError, match="Unknown layer: Scale"):
            deserialize(config)
        layer = deserialize(config, custom_objects={"Scale": Scale})
        assert isinstance(layer, Scale) and layer.factor == 3.0 and layer.name == "sc"
        dense = deserialize(serialize(k.layers.Dense(2, activation=cube)),
                            custom_objects={"cube": cube})
        assert dense.activation is cube
        with k.utils.custom_object_scope({"Scale": Scale}):
            assert isinstance(deserialize(config), Scale)
        seq = deserialize(serialize(k.Sequential([k.layers.Dense(2, input_shape=(3,))])))
        assert isinstance(seq, k.Sequential) and len(seq.layers) == 1


def test_linear_model_fits_least_squares():
    k = gc.keras
    with gc.Graph().as_default():
        rng = np.random.default_rng(0)
        x = rng.standard_normal((64, 3)).astype(np.float32)
        y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
        model = k.experimental.LinearModel()
        model.compile(k.optimizers.SGD(0.1), "mse")
        hist = model.fit(x, y, batch_size=16, epochs=30, verbose=0)
        assert hist.history["loss"][-1] < 1e-3 < hist.history["loss"][0]
        kernel, bias = model.get_weights()
        np.testing.assert_allclose(kernel[:, 0], [1.0, -2.0, 0.5], atol=0.02)
        np.testing.assert_allclose(bias, [0.3], atol=0.02)
        assert [w.op.name for w in model.weights] == ["linear_model/kernel",
                                                      "linear_model/bias"]
        again = k.experimental.LinearModel.from_config(model.get_config())
        assert again.units == 1 and again.name == "linear_model"
        d = k.experimental.LinearModel(units=2, use_bias=False)
        out = d({"b": gc.ones((4, 2)), "a": gc.ones((4, 3))})
        assert out.shape.as_list() == [4, 2]
        assert [la.name for la in d.layers] == ["a", "b"] and len(d.weights) == 2


def test_wide_deep_model_uses_each_optimizer():
    k = gc.keras
    with gc.Graph().as_default():
        x = np.random.default_rng(1).standard_normal((8, 2)).astype(np.float32)
        y = np.ones((8, 1), np.float32)
        linear = k.experimental.LinearModel()
        dnn = k.Sequential([k.layers.Dense(1, kernel_initializer="ones")])
        model = k.experimental.WideDeepModel(linear, dnn, activation="linear")
        model.compile([k.optimizers.SGD(0.0), k.optimizers.SGD(0.1)], "mse")
        model.fit([x, x], y, batch_size=8, epochs=2, verbose=0)
        lin_w = linear.get_weights()          # lr 0: the linear model never moves
        assert all(not np.any(w) for w in lin_w)
        assert not np.allclose(dnn.get_weights()[0], 1.0)
        pred = model.predict([x, x])
        np.testing.assert_allclose(pred, x @ dnn.get_weights()[0] + dnn.get_weights()[1],
                                   atol=1e-6)
        assert [la.name for la in model.layers] == [linear.name, dnn.name]
        cfg = model.get_config()
        assert cfg["linear_model"]["class_name"] == "LinearModel"
        assert isinstance(k.experimental.WideDeepModel.from_config(cfg).dnn_model,
                          k.Sequential)
        with pytest.raises(ValueError, match="list of 2"):
            model.compile(["sgd"] * 3, "mse")
    assert k.experimental.CosineDecay is k.optimizers.schedules.CosineDecay
    assert k.experimental.CosineDecayRestarts is k.optimizers.schedules.CosineDecayRestarts


def test_manual_variable_initialization():
    K = gc.keras.backend
    with gc.Graph().as_default():
        v = gc.Variable(np.float32(3.0), name="v")
        K.manual_variable_initialization(True)
        try:
            sess = K.get_session()
            assert not sess.run(gc.is_variable_initialized(v))
            sess.run(gc.global_variables_initializer())
            assert K.get_value(v) == 3.0
        finally:
            K.manual_variable_initialization(False)
    with gc.Graph().as_default():
        w = gc.Variable(np.float32(4.0))
        assert K.get_value(w) == 4.0
