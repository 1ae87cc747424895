"""gc.layers' separable_conv1d/2d, conv3d_transpose (functions and classes) and InputSpec
against TF1's tf.layers (TF's bundled legacy copies); gc.keras' clone_model,
layers.serialize/deserialize, LinearModel and WideDeepModel against tf_keras in graph
mode. channels_first convolutions are left out: TF's CPU kernels refuse them."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc

from tensorflow.python.keras.legacy_tf_layers import base as tf_base  # noqa: E402
from tensorflow.python.keras.legacy_tf_layers import convolutional as tf_conv  # noqa: E402


GCL = gc.layers


def _layers(m):
    return GCL if m is gc else tf_conv


def _pattern(shape, dtype=np.float64, scale=0.5, phase=0.7):
    n = int(np.prod(shape))
    return (scale * np.sin(np.arange(1, n + 1) * phase)).reshape(shape).astype(dtype)


def _init(m, phase=0.7):
    def init(shape, dtype=None, partition_info=None):
        dt = np.float32 if dtype is None else dtype.as_numpy_dtype
        return m.constant(_pattern(tuple(int(d) for d in shape), dt, phase=phase),
                          dtype=dtype)
    return init


def _sep(cls, *args, act=None, **kw):
    def make(m):
        return getattr(_layers(m), cls)(*args, depthwise_initializer=_init(m),
                                        pointwise_initializer=_init(m, 1.3),
                                        bias_initializer=_init(m, 0.4),
                                        activation=act and getattr(m.nn, act), **kw)
    return make


def _tconv(*args, act=None, **kw):
    def make(m):
        return _layers(m).Conv3DTranspose(*args, kernel_initializer=_init(m),
                                          bias_initializer=_init(m, 0.4),
                                          activation=act and getattr(m.nn, act), **kw)
    return make


CASES = [
    ("sep1d", _sep("SeparableConv1D", 4, 3, act="relu"), (2, 9, 3)),
    ("sep1d_dm2_same", _sep("SeparableConv1D", 3, 2, padding="same", depth_multiplier=2),
     (2, 7, 3)),
    ("sep1d_causal_dilated", _sep("SeparableConv1D", 2, 3, padding="causal",
                                  dilation_rate=2), (2, 9, 2)),
    ("sep1d_strided", _sep("SeparableConv1D", 2, 3, strides=2), (2, 9, 3)),
    ("sep1d_causal_strided", _sep("SeparableConv1D", 2, 2, strides=2, padding="causal"),
     (1, 8, 3)),
    ("sep2d", _sep("SeparableConv2D", 3, (2, 3), act="tanh"), (2, 5, 6, 2)),
    ("sep2d_same_strided", _sep("SeparableConv2D", 4, 3, strides=2, padding="same",
                                depth_multiplier=3), (2, 7, 5, 2)),
    ("sep2d_dilated", _sep("SeparableConv2D", 2, 2, dilation_rate=(2, 1), use_bias=False),
     (1, 6, 5, 3)),
    ("conv3dt_valid", _tconv(3, (2, 3, 2), strides=(1, 2, 3)), (2, 3, 2, 4, 2)),
    ("conv3dt_same", _tconv(2, 3, strides=2, padding="same", act="relu"), (1, 2, 3, 2, 3)),
    ("conv3dt_k1", _tconv(2, 1, strides=(3, 1, 2)), (1, 2, 2, 3, 2)),
]
IDS = [c[0] for c in CASES]


def _twice(make):
    def fn(m, x):
        layer = make(m)
        return layer(x), layer.apply(2.0 * x - 1.0)
    return fn


def _dtype(name):
    """float32 for 3-D transposed convolutions (TF's CPU kernel has no float64)."""
    return np.float32 if name.startswith("conv3dt") else np.float64


@pytest.mark.parametrize("name, make, shape", CASES, ids=IDS)
def test_outputs_and_input_gradients(name, make, shape):
    dtype = _dtype(name)
    tol = 1e-4 if dtype == np.float32 else 1e-6
    check(_twice(make), rand(*shape, dtype=dtype, seed=len(name)), rtol=tol, atol=tol)


def _describe(m, make, x):
    g = m.Graph()
    with g.as_default():
        layer = make(m)
        xt = m.constant(x)
        outs = [layer(xt), layer(xt * 0.5)]
        loss = m.add_n([m.reduce_sum(o * m.constant(_pattern(o.shape.as_list(), x.dtype)))
                        for o in outs])
        vars_ = layer.trainable_variables
        grads = m.gradients(loss, vars_)
        info = dict(variables=[(v.name, tuple(v.shape.as_list())) for v in layer.variables],
                    trainable=[v.name for v in vars_], spec=repr(layer.input_spec),
                    shapes=[o.shape.as_list() for o in outs])
        with m.Session(graph=g) as sess:
            sess.run(m.global_variables_initializer())
            values = sess.run(outs + grads)
    return info, values


@pytest.mark.parametrize("name, make, shape", CASES, ids=IDS)
def test_variables_and_variable_gradients(name, make, shape):
    dtype = _dtype(name)
    tol = 1e-4 if dtype == np.float32 else 1e-6
    x = rand(*shape, dtype=dtype, seed=1)
    got_info, got = _describe(gc, make, x)
    want_info, want = _describe(v1, make, x)
    assert got_info == want_info
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _functional(m, x):
    L = _layers(m)
    a = L.separable_conv2d(x, 3, 2, depthwise_initializer=_init(m),
                           pointwise_initializer=_init(m, 1.1), name="sep")
    b = L.separable_conv2d(x * 2.0, 3, 2, name="sep", reuse=True)
    c = L.separable_conv1d(m.reduce_mean(x, 1), 2, 2, depthwise_initializer=_init(m),
                           pointwise_initializer=_init(m, 0.3), padding="same")
    d = L.conv3d_transpose(m.expand_dims(x, 1), 2, 2, strides=(1, 2, 1),
                           kernel_initializer=_init(m))
    return a, b, c, d


def test_functional_layers_share_and_name_like_tf():
    check(_functional, rand(2, 4, 5, 3, dtype=np.float32, seed=3), rtol=1e-4, atol=1e-4)

    def names(m):
        g = m.Graph()
        with g.as_default():
            x = m.placeholder(np.float32, (2, 4, 5, 3))
            _functional(m, x)
            _layers(m).separable_conv2d(x, 2, 1)
            return [(v.name, v.shape.as_list()) for v in m.global_variables()]
    assert names(gc) == names(v1)


def test_dynamic_shapes_match():
    def shapes(m):
        g = m.Graph()
        with g.as_default():
            L = _layers(m)
            x5 = m.placeholder(np.float32, (None, None, 4, None, 3))
            x3 = m.placeholder(np.float32, (None, None, 3))
            return [t.shape.as_list() for t in (
                L.conv3d_transpose(x5, 2, 3, strides=2),
                L.conv3d_transpose(x5, 2, 3, strides=(1, 2, 3), padding="same"),
                L.separable_conv1d(x3, 2, 3, padding="causal"),
                L.separable_conv2d(m.placeholder(np.float32, (None, 7, None, 2)), 4, 3,
                                   strides=2))]
    assert shapes(gc) == shapes(v1)


SPECS = [dict(), dict(shape=(None, 3), dtype="float32"), dict(ndim=4, axes={-1: 3}),
         dict(min_ndim=2, max_ndim=3), dict(axes={"1": 2}), dict(ndim=3, axes={2: None})]


@pytest.mark.parametrize("kw", SPECS)
def test_input_spec_like_tf(kw):
    a, b = GCL.InputSpec(**kw), tf_base.InputSpec(**kw)
    assert repr(a) == repr(b)
    assert a.get_config() == b.get_config()
    assert repr(GCL.InputSpec.from_config(a.get_config())) == repr(b)


@pytest.mark.parametrize("kw", [dict(ndim=2, axes={5: 3}), dict(max_ndim=2, axes={3: 1}),
                                dict(axes={"a": 1})])
def test_input_spec_errors_like_tf(kw):
    with pytest.raises((ValueError, TypeError)) as want:
        tf_base.InputSpec(**kw)
    with pytest.raises(want.type) as got:
        GCL.InputSpec(**kw)
    assert str(got.value) == str(want.value)


def test_input_spec_checks_like_tf():
    from tensorflow.python.keras.engine import input_spec as tf_spec
    from graphc.layers_conv_more import assert_input_compatibility
    cases = [dict(ndim=2), dict(max_ndim=2), dict(min_ndim=4), dict(axes={-1: 4}),
             dict(axes={1: 7}), dict(shape=(2, None, 4)), dict(shape=(None, 7, 3)),
             dict(ndim=3, axes={-1: 3})]
    gx = gc.placeholder(gc.float32, (2, 7, 3))
    with tf.Graph().as_default():
        tx = v1.placeholder(tf.float32, (2, 7, 3))
        for kw in cases:
            try:
                tf_spec.assert_input_compatibility(tf_base.InputSpec(**kw), tx, "lay")
                want = None
            except ValueError as e:
                want = str(e)
            try:
                assert_input_compatibility(GCL.InputSpec(**kw), gx, "lay")
                got = None
            except ValueError as e:
                got = str(e)
            assert got == want, kw


# ---- gc.keras: clone_model, layers.serialize / deserialize, premade models --------------
from keras_parity import run_both, tfk  # noqa: E402
from graphc.keras.layers_serialize_more2 import deserialize as gc_deserialize  # noqa: E402
from graphc.keras.layers_serialize_more2 import serialize as gc_serialize  # noqa: E402
from graphc.keras.models_clone import clone_model as gc_clone_model  # noqa: E402

X = rand(6, 4, dtype=np.float32, seed=5)
X3 = rand(6, 3, dtype=np.float32, seed=6)
Y = rand(6, 1, dtype=np.float32, seed=7)


def _clone(lib, model, **kw):
    return gc_clone_model(model, **kw) if lib is gc.keras else \
        tfk.models.clone_model(model, **kw)


def _lib(model):
    return gc.keras if isinstance(model, gc.keras.Model) else tfk


def _two_in(k):
    a, b = k.Input((4,), name="a"), k.Input((3,), name="b")
    shared = k.layers.Dense(3, name="shared", activation="tanh")
    h = k.layers.concatenate([shared(a), k.layers.Dense(3)(b)])
    out = k.layers.Dense(2, name="head")(k.layers.Dropout(0.5)(h))
    return k.Model([a, b], out, name="two_in")


def _sequential(k):
    return k.Sequential([k.layers.Dense(5, activation="relu", input_shape=(4,)),
                         k.layers.Dense(2)], name="seq")


def _describe_clone(m, **kw):
    lib = _lib(m)
    c = _clone(lib, m, **kw)
    feed = [X, X3] if len(m.inputs) == 2 else [X]
    c.set_weights(m.get_weights())
    ins = c.inputs
    sess = (lib.backend.get_session() if lib is gc.keras else
            tf.compat.v1.keras.backend.get_session())
    out = sess.run(c.outputs[0], dict(zip(ins, feed)))
    want = sess.run(m.outputs[0], dict(zip(m.inputs, feed)))
    assert type(c).__name__ in ("Model", "Sequential", "Functional")
    return dict(name=c.name, layers=[la.name for la in c.layers],
                weights=[w.name for w in c.weights], inputs=[t.name for t in c.inputs],
                new_weights=all(w is not v for w in c.weights for v in m.weights),
                same_values=bool(np.allclose(out, want, atol=1e-6)))


@pytest.mark.parametrize("build", [_two_in, _sequential])
def test_clone_model_like_tf_keras(build):
    from tf_keras.src import backend as tfk_backend

    def run(m):
        if _lib(m) is tfk:
            tf.compat.v1.keras.backend.get_session = tfk_backend.get_session
        return _describe_clone(m)
    got, want = run_both(build, run)
    assert got == want


def _one_in(k):
    x = k.Input((4,), name="x")
    return k.Model(x, k.layers.Dense(2, name="out")(k.layers.Dense(3)(x)), name="one")


@pytest.mark.parametrize("build", [_one_in, _sequential])
def test_clone_model_on_input_tensors_like_tf_keras(build):
    def run(m):
        lib = _lib(m)
        mod = gc if lib is gc.keras else v1
        t = mod.placeholder(np.float32, (None, 4), name="given")
        c = _clone(lib, m, input_tensors=[t])
        shared = _clone(lib, m, clone_function=lambda layer: layer)
        return ([la.name for la in c.layers], [x.name for x in c.inputs],
                [x.name for x in shared.inputs],
                [w is v for w, v in zip(shared.weights, m.weights)])
    got, want = run_both(build, run)
    assert got == want


def test_layers_serialize_like_tf_keras():
    got = gc_serialize(gc.keras.layers.Dense(3, activation="relu", name="d"))
    want = tfk.layers.serialize(tfk.layers.Dense(3, activation="relu", name="d"),
                                use_legacy_format=True)
    assert got["class_name"] == want["class_name"]
    assert set(got["config"]) == set(want["config"])
    for key in ("name", "units", "activation", "use_bias", "trainable", "dtype"):
        assert got["config"][key] == want["config"][key]
    layer = gc_deserialize(got)
    assert type(layer) is gc.keras.layers.Dense and layer.name == "d" and layer.units == 3


def _fit_premade(k, kind):
    g = gc.Graph() if k is gc.keras else tf.Graph()
    with g.as_default():
        sess = None if k is gc.keras else v1.Session(graph=g)
        if sess is not None:
            from tf_keras.src import backend as tfk_backend
            tfk_backend.set_session(sess)
        if kind == "linear":
            model = k.experimental.LinearModel(units=1, activation="sigmoid")
            model.compile("sgd", "mse")
            x = X
        else:
            dnn = k.Sequential([
                k.layers.Dense(3, activation="tanh",
                               kernel_initializer=k.initializers.Constant(0.2)),
                k.layers.Dense(1, kernel_initializer=k.initializers.Constant(-0.3))])
            model = k.experimental.WideDeepModel(
                k.experimental.LinearModel(kernel_initializer="ones"), dnn)
            adam = (k.optimizers.Adam(0.05) if k is gc.keras
                    else k.optimizers.legacy.Adam(0.05))   # tf_keras' graph-mode Adam
            model.compile(["sgd", adam] if kind == "wide_deep_pair"
                          else "sgd", "mse")
            x = [X, X3]
        hist = model.fit(x, Y, batch_size=3, epochs=3, shuffle=False, verbose=0)
        out = dict(loss=hist.history["loss"], weights=model.get_weights(),
                   names=[w.name for w in model.weights],
                   layers=[la.name for la in model.layers], pred=model.predict(x))
        if sess is not None:
            sess.close()
        return out


@pytest.mark.parametrize("kind", ["linear", "wide_deep", "wide_deep_pair"])
def test_premade_models_train_like_tf_keras(kind):
    got, want = _fit_premade(gc.keras, kind), _fit_premade(tfk, kind)
    np.testing.assert_allclose(got["loss"], want["loss"], rtol=1e-5, atol=1e-6)
    for a, b in zip(got["weights"], want["weights"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got["pred"], want["pred"], rtol=1e-5, atol=1e-6)
    # the DNN's weights in the Sequential's scope ('wide_deep_model/sequential/dense/...')
    assert want["names"] == got["names"]
    assert got["layers"] == want["layers"]
