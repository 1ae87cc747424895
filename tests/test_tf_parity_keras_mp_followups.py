"""Mixed-precision follow-ups against tf_keras (TF1 graph mode): stateful RNNs under
'mixed_float16' (float32 states read as float16), preprocessing layers' output dtypes
and values under the policy, and tf.compat.v1.data.get_output_classes of a ragged
component."""
import os

import numpy as np
import pytest

import graphc as gc
from keras_parity import run_both, tfk
from tf_parity import tf, v1

RNG = np.random.default_rng(13)
SEED = 4


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


STATEFUL = {
    "lstm": lambda k: k.layers.LSTM(3, stateful=True, return_sequences=True,
                                    recurrent_activation="sigmoid"),
    "simple_rnn": lambda k: k.layers.SimpleRNN(3, stateful=True),
    "gru_cell": lambda k: k.layers.RNN(k.layers.GRUCell(3, recurrent_activation="sigmoid",
                                                        reset_after=True),
                                       stateful=True),
}


@pytest.mark.parametrize("name", sorted(STATEFUL))
def test_stateful_rnn_under_mixed_float16(name):
    x = RNG.standard_normal((4, 5, 2)).astype(np.float32)

    def build(k):
        inp = k.Input(batch_shape=(2, 5, 2))
        return k.Model(inp, STATEFUL[name](k)(inp))

    def run(m):
        k = gc.keras if isinstance(m, gc.keras.Model) else tfk
        layer = m.layers[-1]
        first = m.predict(x, batch_size=2)
        states = k.backend.batch_get_value(layer.states)
        second = m.predict(x, batch_size=2)
        layer.reset_states()
        zeroed = k.backend.batch_get_value(layer.states)
        return (m.outputs[0].dtype.name, [v.dtype.name for v in layer.states],
                first, second, states, zeroed)
    got, want = run_both(_with_policy("mixed_float16", build), run)
    assert got[:2] == want[:2]
    assert got[1] == ["float32"] * len(got[1]) and got[0] == "float16"
    for g, w in zip(got[2:], want[2:]):
        for a, b in zip(g if isinstance(g, list) else [g], w if isinstance(w, list) else [w]):
            assert a.dtype == b.dtype
            np.testing.assert_allclose(a.astype(np.float32), b.astype(np.float32),
                                       rtol=1e-2, atol=1e-2)


def test_stateful_conv_lstm_under_mixed_float16_runs_where_tf_keras_raises():
    """tf_keras' ConvRNN casts state reads but not the new states when assigning, so a
    stateful ConvLSTM under 'mixed_float16' raises there; graphc casts both ways."""
    def build(k):
        inp = k.Input(batch_shape=(2, 3, 4, 4, 1))
        return k.Model(inp, k.layers.ConvLSTM2D(2, 3, padding="same", stateful=True)(inp))
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="float32 for Tensor with dtype float16"):
            _with_policy("mixed_float16", build)(tfk)
    with gc.Graph().as_default():
        m = _with_policy("mixed_float16", build)(gc.keras)
        assert m.outputs[0].dtype == gc.float16
        assert [v.dtype for v in m.layers[-1].states] == [gc.float32] * 2


PRE = {
    "rescaling": (lambda k: k.layers.Rescaling(0.5, 1.0), (3, 4)),
    "resizing": (lambda k: k.layers.Resizing(3, 2), (4, 4, 2)),
    "resizing_nearest": (lambda k: k.layers.Resizing(3, 5, interpolation="nearest"),
                         (4, 4, 2)),
    "resizing_crop": (lambda k: k.layers.Resizing(3, 2, crop_to_aspect_ratio=True),
                      (4, 4, 2)),
    "center_crop": (lambda k: k.layers.CenterCrop(2, 3), (4, 4, 2)),
    "center_crop_up": (lambda k: k.layers.CenterCrop(5, 6), (4, 4, 2)),
    "normalization": (lambda k: k.layers.Normalization(mean=1.0, variance=4.0), (3, 4)),
    "normalization_invert": (lambda k: k.layers.Normalization(
        mean=[1., 2., 3., 4.], variance=2.0, invert=True), (3, 4)),
    "discretization": (lambda k: k.layers.Discretization(bin_boundaries=[0.0, 1.0]), (3,)),
}


@pytest.mark.parametrize("policy", ["mixed_float16", "float64"])
@pytest.mark.parametrize("name", sorted(PRE))
def test_preprocessing_layer_dtypes_and_values(name, policy):
    make, shape = PRE[name]
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((2,) + shape) * 3).astype(np.float32)

    def build(k):
        inp = k.Input(shape)
        return k.Model(inp, make(k)(inp))

    def run(m):
        layer = m.layers[-1]
        return (m.outputs[0].dtype.name, layer.dtype, layer.compute_dtype, m.predict(x))
    got, want = run_both(_with_policy(policy, build), run)
    assert got[:3] == want[:3]
    assert got[3].dtype == want[3].dtype
    np.testing.assert_allclose(got[3].astype(np.float64), want[3].astype(np.float64),
                               rtol=2e-3, atol=2e-3)


_ADAPT_IN_EAGER_TF = """
import sys, numpy as np, tf_keras as tfk
data = np.load(sys.argv[1])
tfk.mixed_precision.set_global_policy("mixed_float16")
norm = tfk.layers.Normalization(axis=-1)
norm.adapt(data)
mean, var, count = norm.get_weights()
np.savez(sys.argv[2], mean=mean, var=var, count=count, out=norm(data).numpy(),
         dtypes=np.array([w.dtype.name for w in norm.weights]))
"""


def test_adapted_normalization_under_mixed_float16(tmp_path):
    """tf_keras adapts only eagerly (this process runs TF1 graph mode): its layer
    adapts and runs in a fresh eager TF process."""
    import subprocess
    import sys
    data = (RNG.standard_normal((20, 3)) * 3 + 2).astype(np.float32)
    np.save(tmp_path / "data.npy", data)
    subprocess.run([sys.executable, "-c", _ADAPT_IN_EAGER_TF, str(tmp_path / "data.npy"),
                    str(tmp_path / "want.npz")], check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    want = np.load(tmp_path / "want.npz")
    gc.keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        with gc.Graph().as_default():
            norm = gc.keras.layers.Normalization(axis=-1)
            norm.adapt(data)
            y = norm(gc.constant(data))
            dtypes = [w.dtype.name for w in norm.weights]
            mean, var, count = norm.get_weights()
            out = gc.keras.backend.get_value(y)
    finally:
        gc.keras.mixed_precision.set_global_policy(None)
    assert dtypes == list(want["dtypes"]) == ["float16", "float16", "int64"]
    for a, b in ((mean, want["mean"]), (var, want["var"]), (count, want["count"])):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-3)
    assert out.dtype == want["out"].dtype == np.float16
    np.testing.assert_allclose(out.astype(np.float32), want["out"].astype(np.float32),
                               atol=1e-2)


def test_output_classes_of_ragged_components():
    def classes(m, rt):
        ds = m.data.Dataset.from_tensors({"a": rt, "b": m.constant(1)})
        pair = m.data.Dataset.from_tensors((rt, m.constant([1.0])))
        return (m.data.get_output_classes(ds),
                m.data.get_output_classes(m.data.make_one_shot_iterator(pair)))
    with tf.Graph().as_default():
        want = classes(v1, tf.ragged.constant([[1, 2], [3]]))
    with gc.Graph().as_default():
        got = classes(gc, gc.ragged.constant([[1, 2], [3]]))
    assert repr(got[0]["a"]) == repr(want[0]["a"])
    assert repr(got[1][0]) == repr(want[1][0])
    assert got[0]["b"] is gc.Tensor and want[0]["b"] is tf.Tensor
    assert got[1][1] is gc.Tensor and want[1][1] is tf.Tensor


def test_weights_held_in_lists_and_dicts_are_read_in_the_compute_dtype():
    """tf_keras' AutoCastVariables: weights a layer keeps in a list or a dict are read
    as float16 inside call under 'mixed_float16', as attributes are."""
    def make(k):
        ops = gc if k is gc.keras else tf

        class Multi(k.layers.Layer):
            def build(self, shape):
                self.ws = [self.add_weight(f"w{i}", (int(shape[-1]), 2)) for i in range(2)]
                self.bs = {"a": self.add_weight("ba", (2,), initializer="ones")}

            def call(self, x):
                return ops.matmul(x, self.ws[0]) + ops.matmul(x, self.ws[1]) + self.bs["a"]

        x = k.Input((3,))
        return k.Model(x, Multi()(x))

    xs = RNG.standard_normal((4, 3)).astype(np.float32)
    (g_dtype, g), (t_dtype, t) = run_both(
        _with_policy("mixed_float16", make),
        lambda m: (m.output.dtype.name, m.predict(xs)))
    assert g_dtype == t_dtype == "float16"
    np.testing.assert_allclose(g, t, rtol=2e-3, atol=2e-3)
