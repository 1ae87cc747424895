"""gc.keras under dtype policies against tf_keras (TF1 graph mode) under the same ones:
output and variable dtypes, values within float16 tolerance, a few fit steps with a
LossScaleOptimizer, get_config's 'dtype', and V1 dtype behaviour."""
import numpy as np
import pytest

import graphc as gc
from keras_parity import run_both, tfk
from tf_parity import tf

from tf_keras.src.engine import base_layer_utils as tfk_layer_utils  # noqa: E402

RNG = np.random.default_rng(11)
SEED = 3            # graphc's initial weights (copied into tf_keras' model)


def _lib(model):
    return gc.keras if isinstance(model, gc.keras.Model) else tfk


def _with_policy(policy, make):
    """make(k) with k's global policy set to `policy` (reset afterwards)."""
    def build(k):
        if k is gc.keras:
            gc.set_random_seed(SEED)
        k.mixed_precision.set_global_policy(policy)
        try:
            return make(k)
        finally:
            k.mixed_precision.set_global_policy(None)
    return build


LAYERS = {
    "dense": (lambda k: k.layers.Dense(5, activation="tanh"), (6, 4)),
    "conv2d": (lambda k: k.layers.Conv2D(3, 2, padding="same"), (2, 5, 4, 2)),
    "batchnorm": (lambda k: k.layers.BatchNormalization(), (6, 4)),
    "layernorm": (lambda k: k.layers.LayerNormalization(), (6, 4)),
    "lstm": (lambda k: k.layers.LSTM(3, return_sequences=True,
                                     recurrent_activation="sigmoid"), (2, 5, 3)),
    "lstm_cell": (lambda k: k.layers.RNN(k.layers.LSTMCell(
        3, recurrent_activation="sigmoid")), (2, 5, 3)),
    "simple_rnn": (lambda k: k.layers.SimpleRNN(3), (2, 5, 3)),
    "softmax32": (lambda k: k.layers.Dense(3, activation="softmax", dtype="float32"),
                  (6, 4)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_under_mixed_float16(name):
    make, shape = LAYERS[name]
    x = RNG.standard_normal(shape).astype(np.float32)

    def build(k):
        inp = k.Input(shape[1:])
        h = k.layers.Dense(shape[-1], use_bias=False)(inp)      # a float16 input
        return k.Model(inp, make(k)(h))

    def run(m):
        layer = m.layers[-1]
        return (m.outputs[0].dtype.name, layer.dtype, layer.compute_dtype,
                sorted({w.dtype.name for w in layer.weights}), m.predict(x))
    got, want = run_both(_with_policy("mixed_float16", build), run)
    assert got[:4] == want[:4]
    assert got[4].dtype == want[4].dtype
    np.testing.assert_allclose(got[4].astype(np.float32), want[4].astype(np.float32),
                               rtol=1e-2, atol=1e-2)


def test_embedding_under_mixed_float16():
    ids = RNG.integers(0, 7, (3, 4))

    def build(k):
        inp = k.Input((4,), dtype="int32")
        return k.Model(inp, k.layers.Embedding(7, 3)(inp))

    def run(m):
        return m.outputs[0].dtype.name, m.layers[-1].embeddings.dtype.name, m.predict(ids)
    got, want = run_both(_with_policy("mixed_float16", build), run)
    assert got[:2] == want[:2] == ("float16", "float32")
    np.testing.assert_array_equal(got[2], want[2])


@pytest.mark.parametrize("head", ["float16", "softmax32"])
def test_fit_with_loss_scaling(head):
    xs = RNG.standard_normal((16, 4)).astype(np.float32)
    ys = (RNG.standard_normal((16, 2)).astype(np.float32) if head == "float16"
          else RNG.integers(0, 2, 16))

    def make(k):
        layers = [k.layers.Dense(8, activation="relu", input_shape=(4,)),
                  k.layers.BatchNormalization(), k.layers.Dense(2)]
        if head == "softmax32":
            layers.append(k.layers.Activation("softmax", dtype="float32"))
        return k.Sequential(layers)

    def run(m):
        k = _lib(m)
        sgd = k.optimizers.SGD(0.05) if k is gc.keras else k.optimizers.legacy.SGD(0.05)
        # float16 head: the scale comes down from 2**15 through skipped steps; the
        # float32 head starts low and grows (a step near float16's overflow could go
        # either way with float16 rounding differences)
        scale = 2.0 ** 15 if head == "float16" else 2.0 ** 8
        opt = k.mixed_precision.LossScaleOptimizer(sgd, initial_scale=scale,
                                                   dynamic_growth_steps=3)
        m.compile(opt, "mse" if head == "float16" else "sparse_categorical_crossentropy")
        hist = m.fit(xs, ys, batch_size=4, epochs=2, shuffle=False, verbose=0)
        scale = k.backend.get_value(opt.loss_scale)
        return (hist.history["loss"], m.get_weights(), float(scale),
                m.outputs[0].dtype.name, m.predict(xs[:5]))
    got, want = run_both(_with_policy("mixed_float16", make), run)
    assert got[2] == want[2]
    assert got[3] == want[3]
    np.testing.assert_allclose(got[0], want[0], rtol=5e-3)
    for a, b in zip(got[1], want[1]):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-2, atol=1e-3)
    assert got[4].dtype == want[4].dtype
    np.testing.assert_allclose(got[4].astype(np.float32), want[4].astype(np.float32),
                               rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("dtype", [None, "mixed_float16", "float64"])
def test_config_dtype(dtype):
    def build(k):
        inp = k.Input((3,))
        policy = None if dtype is None else k.mixed_precision.Policy(dtype)
        return k.Model(inp, k.layers.Dense(2, dtype=policy)(inp))

    def run(m):
        layer = m.layers[-1]
        config = layer.get_config()["dtype"]
        again = type(layer).from_config(layer.get_config())
        return config, layer.dtype, layer.compute_dtype, again.dtype_policy.name
    got, want = run_both(build, run)
    assert got == want


def test_v1_dtype_behavior():
    x = RNG.standard_normal((2, 4))
    results = []
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        off = (gc.keras.layers.disable_v2_dtype_behavior if lib is gc.keras
               else tfk_layer_utils.disable_v2_dtype_behavior)
        on = (gc.keras.layers.enable_v2_dtype_behavior if lib is gc.keras
              else tfk_layer_utils.enable_v2_dtype_behavior)
        with g.as_default():
            off()
            try:
                d = lib.layers.Dense(3)
                before = (d.dtype, d.compute_dtype, d.get_config()["dtype"],
                          str(lib.mixed_precision.global_policy()))
                y = d(gc.constant(x) if lib is gc.keras else tf.constant(x))
                half = lib.layers.Dense(2)(gc.ones((1, 2), gc.float16) if lib is gc.keras
                                           else tf.ones((1, 2), tf.float16))
                with pytest.raises(ValueError, match="enable_v2_dtype_behavior"):
                    lib.mixed_precision.set_global_policy("mixed_float16")
                results.append((before, y.dtype.name, d.kernel.dtype.name, d.dtype,
                                d.get_config()["dtype"], half.dtype.name,
                                lib.Input((3,)).dtype.name))
            finally:
                on()
    assert results[0] == results[1]
    assert results[0][1] == "float64"
