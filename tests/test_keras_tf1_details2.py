"""gc.keras details where TF1 programs met graphc's differences (bug hunt 19): TF 1.x's
layer dtypes after disable_v2_behavior, sparse targets without the class axis, nested
model outputs, and the weight names of a Sequential first called inside a call. The
expected values come from runs of tf_keras (TF 2.21, legacy Keras) under
tf.compat.v1.disable_v2_behavior()."""
import numpy as np
import pytest

import graphc as gc

K = gc.keras
L = gc.keras.layers


@pytest.fixture(autouse=True)
def _v2_dtypes_after():
    yield
    L.enable_v2_dtype_behavior()


def _names(model):
    return [w.name for w in model.weights]


# ---- TF 1.x's layer dtypes ------------------------------------------------------------------
def test_disable_v2_behavior_gives_tf1_layer_dtypes():
    gc.compat.v1.disable_v2_behavior()
    try:
        x = gc.placeholder(gc.float64, [None, 3])
        d = L.Dense(2, kernel_initializer=K.initializers.Constant(0.1 + 1e-9))
        y = d(x)
        assert y.dtype == gc.float64 and d.kernel.dtype.base_dtype == gc.float64
        assert d.get_config()["dtype"] == "float64"
        z = y + x[:, :2]                        # no cast: both float64
        sess = K.backend.get_session()
        sess.run(gc.global_variables_initializer())
        got = sess.run(z, {x: np.ones((1, 3))})[0, 0]
        np.testing.assert_allclose(got, 1.300000003, rtol=1e-13)       # TF's
    finally:
        gc.enable_v2_tensorshape()


def test_v1_dtypes_switch_as_in_tf():
    gc.compat.v1.disable_v2_behavior()
    x = gc.placeholder(gc.float64, [None, 3])
    assert L.Dense(2)(x).dtype == gc.float64 and L.Flatten()(x).dtype == gc.float64
    assert L.Dense(2).dtype is None and L.Dense(2).get_config()["dtype"] is None
    e = L.Embedding(5, 2)               # its ids' dtype is not its own: floatx
    assert e.dtype == "float32" and e(gc.placeholder(gc.int64, [None, 2])).dtype == gc.float32
    with pytest.raises(ValueError, match="enable_v2_dtype_behavior"):
        K.mixed_precision.set_global_policy("mixed_float16")
    gc.compat.v1.keras.layers.enable_v2_dtype_behavior()
    d = L.Dense(2)
    assert d(x).dtype == gc.float32 and d.dtype == "float32"    # TF2's: inputs cast
    assert L.Dense(2).get_config()["dtype"] == "float32"
    gc.compat.v1.keras.layers.disable_v2_dtype_behavior()
    assert L.Dense(2)(x).dtype == gc.float64
    with pytest.raises(NotImplementedError, match="enable_v2_dtype_behavior"):
        gc.compat.v1.enable_v2_behavior()       # refused (eager): switches nothing
    assert L.Dense(2)(x).dtype == gc.float64


def test_v1_float64_model_fits_and_predicts_in_float64():
    gc.compat.v1.disable_v2_behavior()
    i = K.Input((3,), dtype="float64")
    h = L.Dense(4, activation="tanh", kernel_initializer=K.initializers.Constant(0.1 + 1e-9),
                kernel_regularizer="l2")(i)
    h = L.BatchNormalization()(h)
    o = L.Dense(1, kernel_initializer=K.initializers.Constant(-0.2))(h)
    m = K.Model(i, o)
    m.compile(K.optimizers.SGD(0.1), "mse", metrics=["mae"])
    x = np.linspace(0, 1, 12).reshape(4, 3)
    y = np.array([[1.0], [2.0], [3.0], [4.0]])
    assert {w.dtype.base_dtype for w in m.weights} == {gc.float64}
    hist = m.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0,
                 sample_weight=np.array([1.0, 2.0, 1.0, 1.0]))
    # TF's values; float32 arithmetic would differ from them by ~1e-7
    np.testing.assert_allclose(hist.history["loss"], [8.168999186117897, 2.5697947652503434],
                               rtol=1e-9)
    loss, mae = m.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(loss, 1.4983757634477166, rtol=1e-9)
    np.testing.assert_allclose(mae, 1.0162734, rtol=1e-6)      # a float32 metric in TF too
    pred = m.predict(x)
    assert pred.dtype == np.float64
    np.testing.assert_allclose(pred[0, 0], 1.8142647703847008, rtol=1e-9)


def test_float64_input_model_predicts_in_float64():
    gc.compat.v1.disable_v2_behavior()
    i = K.Input((3,), dtype="float64")
    d = L.Dense(1, kernel_initializer="ones")
    m = K.Model(i, d(i))
    assert m.output.dtype == gc.float64 and d.kernel.dtype.base_dtype == gc.float64
    got = m.predict(np.array([[1.0, 1e-9, 0.0]]))
    assert got.dtype == np.float64 and got[0, 0] == 1.000000001      # TF's


# ---- sparse targets without the class axis ------------------------------------------------
IDS = np.array([[1, 2, 3, 0, 4], [4, 3, 2, 1, 0], [0, 1, 1, 2, 3]])
Y = np.array([[0, 1, 2, 0, 1], [2, 2, 1, 0, 0], [1, 0, 2, 2, 1]])
WEIGHTS = [np.arange(20).reshape(5, 4) / 20.0 - 0.5, np.arange(12).reshape(4, 3) / 10.0 - 0.4,
           np.zeros(3)]


def _tagger(loss, steps=None, metrics=None, **kwargs):
    i = K.Input((steps,), dtype="int32")
    o = L.Dense(3, activation="softmax")(L.Embedding(5, 4)(i))
    m = K.Model(i, o)
    m.compile(K.optimizers.SGD(0.5), loss, metrics=metrics, **kwargs)
    m.set_weights(WEIGHTS)
    return m


@pytest.mark.parametrize("steps", [None, 5])
@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "object"])
def test_sparse_targets_may_leave_out_the_class_axis(loss, steps):
    loss = K.losses.SparseCategoricalCrossentropy() if loss == "object" else loss
    m = _tagger(loss, steps)
    assert m.targets[0].shape.as_list() == [None, None, None]    # as TF's
    hist = m.fit(IDS, Y, batch_size=2, epochs=2, shuffle=False, verbose=0,
                 validation_data=(IDS, Y))
    np.testing.assert_allclose(hist.history["loss"], [1.05372, 1.0326], atol=2e-6)
    np.testing.assert_allclose(hist.history["val_loss"], [1.027575, 1.005874], atol=2e-6)
    np.testing.assert_allclose(m.evaluate(IDS, Y, verbose=0), 1.005874, atol=2e-6)
    np.testing.assert_allclose(m.train_on_batch(IDS, Y), 1.005874, atol=2e-6)
    np.testing.assert_allclose(m.get_weights()[1][0], [-0.518785, -0.251581, -0.129634],
                               atol=2e-6)


def test_sparse_targets_weights_and_metrics():
    m = _tagger("sparse_categorical_crossentropy")
    np.testing.assert_allclose(m.evaluate(IDS, Y, sample_weight=np.array([1.0, 0.0, 2.0]),
                                          verbose=0), 1.081599, atol=2e-6)
    m = _tagger("sparse_categorical_crossentropy", metrics=["acc"])
    np.testing.assert_allclose(m.evaluate(IDS, Y[..., None], verbose=0), [1.049252, 0.533333],
                               atol=2e-6)
    # TF's accuracy fails at run time on (batch, time) targets (it squeezes a static
    # axis of size 1 that the fed array lacks); graphc gives the (batch, time, 1) result
    np.testing.assert_allclose(m.evaluate(IDS, Y, verbose=0), [1.049252, 0.533333], atol=2e-6)
    m = _tagger("sparse_categorical_crossentropy", sample_weight_mode="temporal")
    with pytest.raises(ValueError, match="Timestep-wise sample weighting"):    # as TF
        m.evaluate(IDS, Y, sample_weight=np.ones((3, 5)), verbose=0)
    got = m.evaluate(IDS, Y[..., None], sample_weight=np.array([[1, 1, 0, 0, 2]] * 3),
                     verbose=0)
    np.testing.assert_allclose(got, 0.833664, atol=2e-6)


def test_other_losses_keep_the_targets_rank():
    i = K.Input((5,), dtype="int32")
    m = K.Model(i, L.Dense(3)(L.Embedding(5, 4)(i)))
    m.compile("sgd", "mse")
    with pytest.raises(gc.errors.FeedError, match="rank 2 but needs rank 3"):
        m.evaluate(IDS, Y.astype(np.float32), verbose=0)


# ---- nested outputs ---------------------------------------------------------------------------
X_ATT = np.arange(40.0).reshape(2, 4, 5) / 40


def _attention():
    i = K.Input((4, 5), name="inp")
    a, s = L.MultiHeadAttention(2, 2, name="mha", kernel_initializer="ones")(
        i, i, return_attention_scores=True)
    o = L.Dense(1, name="o", kernel_initializer="ones")(L.Flatten(name="fl")(a))
    return i, a, s, o


def test_nested_list_outputs_are_flattened_for_predict():
    i, a, s, o = _attention()
    m = K.Model(i, [[a, s], o])
    assert [t.shape.as_list() for t in m.outputs] == [[None, 4, 5], [None, 2, 4, 4],
                                                       [None, 1]]
    assert m.output == [[a, s], o] and m.output_names == ["mha", "mha_1", "o"]
    assert m.output_shape == [[(None, 4, 5), (None, 2, 4, 4)], (None, 1)]
    got = m.predict(X_ATT)
    assert [r.shape for r in got] == [(2, 4, 5), (2, 2, 4, 4), (2, 1)]
    np.testing.assert_allclose(got[2][0, 0], 139.82174682617188, rtol=1e-6)     # TF's
    (a2, s2), o2 = m(gc.placeholder(gc.float32, [None, 4, 5]))   # the structure given
    assert s2.shape.as_list() == [None, 2, 4, 4] and o2.shape.as_list() == [None, 1]
    feat = K.Model(m.inputs, [la.output for la in m.layers[1:]])     # [[a, s], flat, o]
    assert feat.output_names == ["mha", "mha_1", "fl", "o"]
    assert [r.shape for r in feat.predict(X_ATT)] == [(2, 4, 5), (2, 2, 4, 4), (2, 20),
                                                      (2, 1)]


def test_dict_outputs():
    i, a, s, o = _attention()
    m = K.Model(i, {"out": o, "att": a})
    assert [t.shape.as_list() for t in m.outputs] == [[None, 4, 5], [None, 1]]   # by key
    assert m.output_names == ["mha", "o"] and isinstance(m.output, dict)
    assert [r.shape for r in m.predict(X_ATT)] == [(2, 4, 5), (2, 1)]
    called = m(gc.placeholder(gc.float32, [None, 4, 5]))
    assert sorted(called) == ["att", "out"] and called["out"].shape.as_list() == [None, 1]
    m.compile("sgd", {"o": "mse", "mha": "mse"})
    assert m.metrics_names == ["loss", "mha_loss", "o_loss"]
    want = [77006.21, 193.80197, 76812.41]                                     # TF's
    np.testing.assert_allclose(m.evaluate(X_ATT, {"o": np.ones((2, 1)),
                                                  "mha": np.zeros((2, 4, 5))}, verbose=0),
                               want, rtol=1e-5)
    np.testing.assert_allclose(m.evaluate(X_ATT, [np.zeros((2, 4, 5)), np.ones((2, 1))],
                                          verbose=0), want, rtol=1e-5)
    one = K.Model(i, {"out": o})
    assert one.predict(X_ATT).shape == (2, 1) and isinstance(one.output, dict)
    assert isinstance(K.Model(i, (o, a)).output, tuple)
    single = K.Model(i, [[o]])
    assert single.output is o and single.predict(X_ATT).shape == (2, 1)


def test_lstm_states_in_a_feature_extractor_and_a_nested_model_as_a_layer():
    i = K.Input((3, 2), name="x")
    seq, h, c = L.LSTM(2, return_sequences=True, return_state=True, name="lstm",
                       kernel_initializer="ones", recurrent_initializer="ones")(i)
    o = L.Dense(1, name="o", kernel_initializer="ones")(L.Flatten(name="fl")(seq))
    m = K.Model(i, o)
    feat = K.Model(m.inputs, [la.output for la in m.layers[1:]])
    assert feat.output_names == ["lstm", "lstm_1", "lstm_2", "fl", "o"]
    assert feat.output_shape == [[(None, 3, 2), (None, 2), (None, 2)], (None, 6), (None, 1)]
    x = np.arange(12.0).reshape(2, 3, 2) / 12
    got = feat.predict(x)
    assert [r.shape for r in got] == [(2, 3, 2), (2, 2), (2, 2), (2, 6), (2, 1)]
    np.testing.assert_allclose([got[2][1, 1], got[-1][1, 0]],
                               [2.473468542098999, 4.386629581451416], rtol=1e-6)   # TF's
    n = K.Model(i, [[seq, [h, c]], {"b": o, "a": h}])
    assert n.output_names == ["lstm", "lstm_1", "lstm_2", "lstm_3", "o"]
    assert n.output_shape == [[(None, 3, 2), [(None, 2), (None, 2)]],
                              {"b": (None, 1), "a": (None, 2)}]
    j = K.Input((3, 2))
    res = n(j)
    outer = K.Model(j, [res[0][1][0], res[1]["b"]])
    got = outer.predict(x)
    assert [r.shape for r in got] == [(2, 2), (2, 1)]
    np.testing.assert_allclose(got[1][0, 0], 1.356442928314209, rtol=1e-6)      # TF's
    n.compile("sgd", ["mse"] * 5)
    assert n.metrics_names == ["loss", "lstm_loss", "lstm_1_loss", "lstm_2_loss",
                               "lstm_3_loss", "o_loss"]


# ---- weight names of a Sequential first called inside a call ------------------------------------
def _calling_a_sequential(base, name):
    """A subclass of base (a Model or a Layer) whose call runs a Sequential."""
    def __init__(self, **kw):
        base.__init__(self, **kw)
        self.ffn = K.Sequential([L.Dense(3), L.Dense(2)])
    return type(name, (base,), {"__init__": __init__, "call": lambda self, x: self.ffn(x)})


def test_sequential_in_a_call_is_named_under_its_own_name():
    M, Blk = _calling_a_sequential(K.Model, "M"), _calling_a_sequential(L.Layer, "Blk")
    m = M()
    m(gc.placeholder(gc.float32, [None, 4]))
    assert _names(m) == ["m/sequential/dense/kernel:0", "m/sequential/dense/bias:0",
                         "m/sequential/dense_1/kernel:0", "m/sequential/dense_1/bias:0"]
    m = M()
    m.compile("sgd", "mse")
    m.fit(np.ones((2, 4)), np.ones((2, 2)), verbose=0)
    assert _names(m) == ["m_1/sequential_1/dense_2/kernel:0", "m_1/sequential_1/dense_2/bias:0",
                         "m_1/sequential_1/dense_3/kernel:0", "m_1/sequential_1/dense_3/bias:0"]
    b = Blk()
    b(gc.placeholder(gc.float32, [None, 4]))
    assert _names(b) == ["blk/sequential_2/dense_4/kernel:0", "blk/sequential_2/dense_4/bias:0",
                         "blk/sequential_2/dense_5/kernel:0", "blk/sequential_2/dense_5/bias:0"]


def test_sequential_names_in_premade_functional_and_nested_models():
    X, X3, Y1 = np.ones((4, 2)), np.ones((4, 3)), np.ones((4, 1))
    dnn = K.Sequential([L.Dense(3), L.Dense(1)])
    wd = K.experimental.WideDeepModel(K.experimental.LinearModel(), dnn)
    wd.compile("sgd", "mse")
    wd.fit([X, X3], Y1, verbose=0)
    assert _names(wd) == [
        "wide_deep_model/linear_model/kernel:0", "wide_deep_model/linear_model/bias:0",
        "wide_deep_model/sequential/dense/kernel:0", "wide_deep_model/sequential/dense/bias:0",
        "wide_deep_model/sequential/dense_1/kernel:0",
        "wide_deep_model/sequential/dense_1/bias:0"]
    i = K.Input((3,))
    m = K.Model(i, K.Sequential([L.Dense(2)])(i))
    m(K.Input((3,)))                                        # a second call: no new weights
    assert _names(m) == ["sequential_1/dense_3/kernel:0", "sequential_1/dense_3/bias:0"]

    class WithShape(K.Model):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.ffn = K.Sequential([L.Dense(3, input_shape=(4,)), L.Dense(2)])

        def call(self, x):
            return self.ffn(x)

    m = WithShape()
    m(gc.placeholder(gc.float32, [None, 4]))                # built at once: no scope
    assert _names(m) == ["dense_4/kernel:0", "dense_4/bias:0", "dense_5/kernel:0",
                         "dense_5/bias:0"]
    s = K.Sequential([K.Sequential([L.Dense(2)]), L.Dense(1)])
    s.compile("sgd", "mse")
    s.fit(X, Y1, verbose=0)
    assert _names(s) == ["sequential_4/sequential_3/dense_6/kernel:0",
                         "sequential_4/sequential_3/dense_6/bias:0",
                         "sequential_4/dense_7/kernel:0", "sequential_4/dense_7/bias:0"]

    class Blk(L.Layer):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.ffn = K.Sequential([L.Dense(3), L.Dense(2)])

        def call(self, x):
            return self.ffn(x)

    i = K.Input((4,))
    m = K.Model(i, Blk(name="blk")(i))
    assert _names(m) == ["blk/sequential_5/dense_8/kernel:0", "blk/sequential_5/dense_8/bias:0",
                         "blk/sequential_5/dense_9/kernel:0", "blk/sequential_5/dense_9/bias:0"]


def test_nested_outputs_survive_get_config_and_json_as_tf_keras():
    """tf_keras writes output_layers in the outputs' structure ([[a, b], c], a dict)
    and rebuilds it; a single output stays [ref] (TF 2.21's configs)."""
    K = gc.keras
    i = K.Input((3,), name="i")
    a = K.layers.Dense(2, name="a", kernel_initializer="ones")(i)
    b = K.layers.Dense(1, name="b", kernel_initializer="ones")(a)
    c = K.layers.Dense(1, name="c", kernel_initializer="ones")(a)
    for outs, written in (([[a, b], c], [[["a", 0, 0], ["b", 0, 0]], ["c", 0, 0]]),
                          ({"x": a, "y": b}, {"x": ["a", 0, 0], "y": ["b", 0, 0]}),
                          (a, [["a", 0, 0]])):
        model = K.Model(i, outs)
        assert model.get_config()["output_layers"] == written
        for copy in (K.Model.from_config(model.get_config()),
                     K.models.model_from_json(model.to_json())):
            assert type(copy.output) is type(model.output)
            got = gc.nest.flatten(copy.predict(np.ones((1, 3))))
            assert [np.asarray(v).tolist() for v in got][0] == [[3.0, 3.0]]
