"""Mixed-precision follow-ups: stateful RNNs and ConvLSTMs under 'mixed_float16' (float32
state variables, read as float16, new states cast back when assigned), preprocessing
layers computing in the compute dtype, and gc.data.get_output_classes of a ragged
component."""
import numpy as np
import pytest

import graphc as gc
import graphc.keras.mixed_precision as mp

K = gc.keras
L = gc.keras.layers
RNG = np.random.default_rng(7)


@pytest.fixture(autouse=True)
def _reset():
    yield
    mp.set_global_policy(None)


def _session():
    sess = K.backend.get_session()
    sess.run(gc.global_variables_initializer())
    return sess


# ---- stateful recurrent layers -------------------------------------------------------------
STATEFUL = {
    "lstm": (lambda: L.LSTM(3, stateful=True, return_state=True), (2, 4, 5)),
    "simple_rnn": (lambda: L.SimpleRNN(3, stateful=True, return_state=True), (2, 4, 5)),
    "gru": (lambda: L.GRU(3, stateful=True, return_state=True), (2, 4, 5)),
    "rnn_gru_cell": (lambda: L.RNN(L.GRUCell(3), stateful=True, return_state=True),
                     (2, 4, 5)),
    "unrolled": (lambda: L.LSTM(3, stateful=True, return_state=True, unroll=True),
                 (2, 4, 5)),
    "conv_lstm2d": (lambda: L.ConvLSTM2D(2, 3, padding="same", stateful=True,
                                         return_state=True), (2, 3, 4, 4, 1)),
    "conv_lstm1d_cf": (lambda: L.ConvLSTM1D(2, 3, data_format="channels_first",
                                            stateful=True, return_state=True),
                       (2, 3, 1, 5)),
}


@pytest.mark.parametrize("name", sorted(STATEFUL))
def test_stateful_under_mixed_float16(name):
    make, shape = STATEFUL[name]
    mp.set_global_policy("mixed_float16")
    x = RNG.standard_normal(shape).astype(np.float32)
    with gc.Graph().as_default():
        layer = make()
        inp = gc.placeholder(gc.float32, shape)
        out = layer(inp)
        assert [t.dtype for t in out] == [gc.float16] * len(out)
        assert [v.dtype for v in layer.states] == [gc.float32] * len(layer.states)
        assert {w.dtype for w in layer.weights} == {gc.float32}
        sess = _session()
        first = sess.run(out + layer.updates, {inp: x})[:len(out)]
        stored = sess.run(layer.states)
        for want, got in zip(first[1:], stored):        # float16 -> float32 is exact
            np.testing.assert_array_equal(got, want.astype(np.float32))
        second = sess.run(out[0], {inp: x})             # starts from the stored states
        assert not np.array_equal(second, first[0])     # (a float16 ulp may be all)
        layer.reset_states()
        assert all(not np.any(s) for s in sess.run(layer.states))
        again = sess.run(out[0], {inp: x})
        np.testing.assert_array_equal(again, first[0])


def test_stateful_float32_reads_the_variable_itself():
    with gc.Graph().as_default():
        layer = L.SimpleRNN(2, stateful=True)
        y = layer(gc.placeholder(gc.float32, (3, 4, 2)))
        assert y.dtype == gc.float32 and layer.states[0].dtype == gc.float32
        (read,) = layer._read_states()
        assert read.op.type != "Cast"


def test_stateful_float64_layer_keeps_float64_states():
    with gc.Graph().as_default():
        layer = L.LSTM(2, stateful=True, dtype="float64")
        y = layer(gc.placeholder(gc.float64, (3, 4, 2)))
        assert y.dtype == gc.float64
        assert [v.dtype for v in layer.states] == [gc.float64] * 2


def test_stateful_mixed_model_trains():
    mp.set_global_policy("mixed_float16")
    with gc.Graph().as_default():
        m = K.Sequential([L.LSTM(4, stateful=True, batch_input_shape=(2, 3, 2)),
                          L.Dense(1, dtype="float32")])
        m.compile("sgd", "mse")
        x = RNG.standard_normal((4, 3, 2)).astype(np.float32)
        y = RNG.standard_normal((4, 1)).astype(np.float32)
        hist = m.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
        assert np.all(np.isfinite(hist.history["loss"]))
        states = K.backend.batch_get_value(m.layers[0].states)
        assert all(s.dtype == np.float32 and np.any(s) for s in states)


# ---- preprocessing layers --------------------------------------------------------------------
PRE = {
    "rescaling": (lambda: L.Rescaling(0.5, 1.0), gc.float32, (2, 3)),
    "rescaling_int": (lambda: L.Rescaling(0.25), gc.int64, (2, 3)),
    "resizing": (lambda: L.Resizing(3, 2), gc.float32, (1, 4, 4, 2)),
    "resizing_crop": (lambda: L.Resizing(3, 2, crop_to_aspect_ratio=True), gc.float32,
                      (1, 4, 4, 2)),
    "center_crop": (lambda: L.CenterCrop(2, 2), gc.float32, (1, 4, 4, 2)),
    "center_crop_up": (lambda: L.CenterCrop(5, 6), gc.float32, (4, 4, 2)),
    "normalization": (lambda: L.Normalization(mean=1.0, variance=4.0), gc.float32, (2, 3)),
    "normalization_invert": (lambda: L.Normalization(mean=[1., 2., 3.], variance=2.0,
                                                     invert=True), gc.float32, (2, 3)),
}


def _pre_values(name, policy):
    make, dtype, shape = PRE[name]
    mp.set_global_policy(policy)
    rng = np.random.default_rng(3)              # the same inputs under each policy
    x = (rng.integers(0, 9, shape) if dtype.is_integer
         else rng.standard_normal(shape)).astype(dtype.np)
    with gc.Graph().as_default():
        layer = make()
        inp = gc.placeholder(dtype, shape)
        y = layer(inp)
        return y.dtype, _session().run(y, {inp: x})


@pytest.mark.parametrize("name", sorted(PRE))
def test_preprocessing_outputs_the_compute_dtype(name):
    dtype16, got = _pre_values(name, "mixed_float16")
    dtype32, want = _pre_values(name, None)
    assert (dtype16, dtype32) == (gc.float16, gc.float32)
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.astype(np.float32), want, rtol=2e-3, atol=2e-3)


def test_preprocessing_float64_policy():
    mp.set_global_policy("float64")
    with gc.Graph().as_default():
        inp = gc.placeholder(gc.float32, (1, 4, 4, 1))
        assert L.Rescaling(2.0)(inp).dtype == gc.float64
        assert L.Resizing(2, 2)(inp).dtype == gc.float64
        assert L.Normalization(mean=0.0, variance=1.0)(inp).dtype == gc.float64


def test_adapted_normalization_under_mixed_float16():
    mp.set_global_policy("mixed_float16")
    data = RNG.standard_normal((20, 3)).astype(np.float32) * 3 + 2
    with gc.Graph().as_default():
        norm = L.Normalization(axis=-1)
        norm.adapt(data)
        assert [w.dtype for w in norm.weights] == [gc.float16, gc.float16, gc.int64]
        inp = gc.placeholder(gc.float32, (None, 3))
        y = norm(inp)
        assert y.dtype == gc.float16
        out = K.backend.get_session().run(y, {inp: data}).astype(np.float32)
        d16 = data.astype(np.float16).astype(np.float64)
        want = (d16 - d16.mean(0)) / d16.std(0)
        np.testing.assert_allclose(out, want, atol=1e-2)
        mean = K.backend.get_value(norm.adapt_mean)
        np.testing.assert_array_equal(mean, d16.mean(0).astype(np.float16))


def test_int_output_preprocessing_keeps_its_dtype_under_mixed():
    mp.set_global_policy("mixed_float16")
    with gc.Graph().as_default():
        ids = gc.placeholder(gc.int64, (2, 3))
        assert L.Hashing(5)(ids).dtype == gc.int64
        assert L.CategoryEncoding(4)(ids).dtype == gc.float32
        x = gc.placeholder(gc.float32, (2, 3))
        assert L.Discretization(bin_boundaries=[0.0, 1.0])(x).dtype == gc.int64


# ---- gc.data.get_output_classes -------------------------------------------------------------
def test_output_classes_of_a_ragged_component():
    with gc.Graph().as_default():
        rt = gc.ragged.constant([[1, 2], [3]])
        sp = gc.SparseTensor([[0, 1]], [4], [1, 2])
        ds = gc.data.Dataset.from_tensors({"a": rt, "b": gc.constant(1), "s": sp})
        classes = gc.data.get_output_classes(ds)
        assert classes["a"] == gc.RaggedTensorSpec([2, None], gc.int32, 1, gc.int64)
        assert classes["b"] is gc.Tensor and classes["s"] is gc.SparseTensor
        it = gc.data.make_one_shot_iterator(ds)
        assert gc.data.get_output_classes(it) == classes
        pair = gc.data.get_output_classes(gc.data.Dataset.from_tensors((rt, 1)))
        assert isinstance(pair, tuple) and pair[1] is gc.Tensor
        assert isinstance(pair[0], gc.RaggedTensorSpec)
        assert gc.data.get_output_classes(gc.data.Dataset.range(3)) is gc.Tensor


def test_stateful_reset_to_given_states_under_mixed_float16():
    mp.set_global_policy("mixed_float16")
    with gc.Graph().as_default():
        layer = L.LSTM(2, stateful=True)
        inp = gc.placeholder(gc.float32, (3, 4, 2))
        y = layer(inp)
        sess = _session()
        layer.reset_states([np.full((3, 2), 0.5), np.ones((3, 2))])
        h, c = K.backend.batch_get_value(layer.states)
        assert h.dtype == np.float32 and np.all(h == 0.5) and np.all(c == 1.0)
        zeros = np.zeros((3, 4, 2), np.float32)
        out = sess.run(y, {inp: zeros})
        layer.reset_states()
        assert not np.array_equal(out, sess.run(y, {inp: zeros}))


def test_weights_in_list_and_dict_attributes_are_cast_inside_call():
    """Under 'mixed_float16' a layer's list and dict attributes hold float16 reads of its
    autocast weights during call (tf_keras' AutoCastVariable), and the variables
    themselves afterwards."""
    class Multi(gc.keras.layers.Layer):
        def build(self, shape):
            self.ws = [self.add_weight(f"w{i}", (int(shape[-1]), 2)) for i in range(2)]
            self.bs = {"a": self.add_weight("ba", (2,), initializer="ones")}

        def call(self, x):
            assert self.ws[0].dtype == gc.float16 and self.bs["a"].dtype == gc.float16
            return gc.matmul(x, self.ws[0]) + gc.matmul(x, self.ws[1]) + self.bs["a"]

    with gc.Graph().as_default():
        gc.keras.mixed_precision.set_global_policy("mixed_float16")
        try:
            layer = Multi()
            y = layer(gc.keras.Input((3,)))
        finally:
            gc.keras.mixed_precision.set_global_policy("float32")
        assert y.dtype == gc.float16
        assert all(isinstance(w, gc.Variable) and w.dtype == gc.float32 for w in layer.ws)
        assert isinstance(layer.bs["a"], gc.Variable)
