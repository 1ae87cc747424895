"""gc.layers' layer objects (Dense, Conv2D, ...) against TF1's tf.layers classes (TF's
bundled legacy copies, tensorflow.python.keras.legacy_tf_layers): the same objects with
the same constant initializers, each called twice, give the same outputs, variable names
and shapes, updates, and gradients with respect to inputs and to the layer's variables.
channels_first is left out: TF's CPU kernels refuse NCHW convolutions and pooling.
TF's bundled copies have no BatchNormalization class (Keras 3 hides tf.layers), so its
reference here is TF1's class spelled with tf.nn and variable_scope (_TFBatchNorm).
"""
import types

import numpy as np
import pytest
from tf_parity import check, rand, v1

import graphc as gc

from tensorflow.python.keras.legacy_tf_layers import (convolutional,  # noqa: E402
                                                      core, pooling)


class _TFBatchNorm:
    """TF1's tf.layers.BatchNormalization (default initializers, fused=None) in tf.nn: the
    scope captured on the first call, variables shared after it, two update ops per call
    that may train; 4-D inputs on axis 1 or 3 update with the unbiased variance and use
    epsilon >= 1.001e-5, as TF1's fused kernel does."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True):
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        self._scope, self.updates, self.losses, self.built = None, [], [], False

    @property
    def name(self):
        return "batch_normalization"

    def __call__(self, x, training=False):
        if self._scope is None:
            with v1.variable_scope(None, default_name="batch_normalization") as scope:
                self._scope = scope
        ndim = x.shape.ndims
        ax = self.axis % ndim
        n = x.shape[ax]
        red = [a for a in range(ndim) if a != ax]
        bshape = [n if a == ax else 1 for a in range(ndim)]
        fused = ndim == 4 and ax in (1, 3)
        with v1.variable_scope(self._scope, reuse=True if self.built else None,
                               auxiliary_name_scope=False):
            get = v1.get_variable
            gamma = get("gamma", [n], x.dtype, v1.ones_initializer()) if self.scale else None
            beta = get("beta", [n], x.dtype, v1.zeros_initializer()) if self.center else None
            mm = get("moving_mean", [n], x.dtype, v1.zeros_initializer(), trainable=False)
            mv = get("moving_variance", [n], x.dtype, v1.ones_initializer(), trainable=False)
        self.variables = [v for v in (gamma, beta, mm, mv) if v is not None]
        self.trainable_variables = [v for v in (gamma, beta) if v is not None]
        self.non_trainable_variables = [mm, mv]
        self.built = True
        mean, var = v1.nn.moments(x, red) if training else (mm, mv)
        y = v1.nn.batch_normalization(
            x, v1.reshape(mean, bshape), v1.reshape(var, bshape),
            None if beta is None else v1.reshape(beta, bshape),
            None if gamma is None else v1.reshape(gamma, bshape),
            max(self.epsilon, 1.001e-5) if fused else self.epsilon)
        if training:
            count = np.prod([x.shape[a] for a in red])
            var_upd = var * (count / (count - 1.0)) if fused else var
            for v, stat in ((mm, mean), (mv, var_upd)):
                self.updates.append(v.assign_sub((v - stat) * (1 - self.momentum)))
                v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, self.updates[-1])
        return y

    apply = __call__


_TF = types.SimpleNamespace(BatchNormalization=_TFBatchNorm,
                            **{n: getattr(mod, n) for mod in (core, convolutional, pooling)
                               for n in dir(mod) if n[:1].isupper()})


def _layers(m):
    return gc.layers if m is gc else _TF


def _pattern(shape, dtype=np.float64, scale=0.5):
    """Distinct, deterministic values: a square weight hides no swapped axis."""
    n = int(np.prod(shape))
    return (scale * np.sin(np.arange(1, n + 1) * 0.7)).reshape(shape).astype(dtype)


def _init(m):
    def init(shape, dtype=None, partition_info=None):
        dt = np.float32 if dtype is None else dtype.as_numpy_dtype
        return m.constant(_pattern(tuple(int(d) for d in shape), dt), dtype=dtype)
    return init


def _dense(m):
    return _layers(m).Dense(3, activation=m.nn.tanh, kernel_initializer=_init(m),
                            bias_initializer=_init(m))


def _conv(cls, *args, act=None, **kw):
    """A factory of the layer class `cls` with pattern initializers; `act` names a
    function of m.nn to use as activation."""
    def make(m):
        return getattr(_layers(m), cls)(*args, kernel_initializer=_init(m),
                                        bias_initializer=_init(m),
                                        activation=act and getattr(m.nn, act), **kw)
    return make


def _plain(cls, *args, **kw):
    return lambda m: getattr(_layers(m), cls)(*args, **kw)


# (id, layer factory, input shape, call kwargs)
CASES = [
    ("dense", _dense, (4, 5), {}),
    ("dense_rank3", _dense, (2, 4, 5), {}),
    ("dense_nobias", lambda m: _layers(m).Dense(2, use_bias=False,
                                                kernel_initializer=_init(m)), (3, 4), {}),
    ("dense_regularized", lambda m: _layers(m).Dense(
        2, kernel_initializer=_init(m), kernel_regularizer=lambda w: 0.1 * m.reduce_sum(w * w),
        activity_regularizer=lambda o: m.reduce_sum(m.abs(o))), (3, 4), {}),
    ("conv2d_regularized", _conv("Conv2D", 2, 2, bias_regularizer=lambda b: 2.0 * b[0]),
     (2, 4, 3, 2), {}),
    ("conv1d", _conv("Conv1D", 4, 3, act="relu"), (2, 9, 3), {}),
    ("conv1d_same_dilated", _conv("Conv1D", 4, 3, padding="same", dilation_rate=2),
     (2, 9, 3), {}),
    ("conv1d_strided", _conv("Conv1D", 2, 2, strides=2), (2, 9, 3), {}),
    ("conv2d", _conv("Conv2D", 3, (2, 3), strides=(2, 1), padding="same"), (2, 6, 7, 2), {}),
    ("conv2d_dilated", _conv("Conv2D", 3, 2, dilation_rate=(2, 1)), (2, 6, 7, 2), {}),
    ("conv3d", _conv("Conv3D", 3, (2, 1, 2)), (2, 4, 3, 5, 2), {}),
    ("conv3d_same_strided", _conv("Conv3D", 2, 2, strides=2, padding="same"),
     (1, 5, 4, 3, 2), {}),
    ("conv2d_transpose_valid", _conv("Conv2DTranspose", 3, (2, 3), strides=2),
     (2, 3, 4, 2), {}),
    ("conv2d_transpose_same", _conv("Conv2DTranspose", 2, 3, strides=(2, 1), padding="same"),
     (2, 3, 4, 2), {}),
    ("conv2d_transpose_k1", _conv("Conv2DTranspose", 2, 1, strides=3), (1, 2, 3, 2), {}),
    ("max_pooling1d", _plain("MaxPooling1D", 2, 2), (2, 7, 3), {}),
    ("average_pooling1d_same", _plain("AveragePooling1D", 3, 2, padding="same"), (2, 7, 3), {}),
    ("max_pooling2d_same", _plain("MaxPooling2D", (2, 3), (2, 1), padding="same"),
     (2, 5, 7, 3), {}),
    ("average_pooling2d", _plain("AveragePooling2D", 2, 2), (2, 5, 7, 3), {}),
    ("max_pooling3d", _plain("MaxPooling3D", 2, (1, 2, 2)), (2, 3, 4, 5, 2), {}),
    ("average_pooling3d_same", _plain("AveragePooling3D", 2, 2, padding="same"),
     (2, 3, 4, 5, 2), {}),
    ("flatten", _plain("Flatten"), (2, 3, 4, 2), {}),
    ("dropout_eval", _plain("Dropout", 0.4), (3, 4), {"training": False}),
    ("bn_train", _plain("BatchNormalization", momentum=0.9), (6, 3), {"training": True}),
    ("bn_eval", _plain("BatchNormalization"), (6, 3), {"training": False}),
    ("bn_train_4d", _plain("BatchNormalization", momentum=0.8), (3, 2, 4, 3),
     {"training": True}),
    ("bn_axis1", _plain("BatchNormalization", axis=1, center=False), (4, 3, 2),
     {"training": True}),
]
IDS = [c[0] for c in CASES]


def _dtype(name):
    """float32 where TF's CPU kernels take no float64 (3-D pooling; batch norm follows
    the float32 models it is used in), else float64."""
    return np.float32 if name.startswith("bn") or "pooling3d" in name else np.float64


def _twice(make, kwargs):
    """A fn for check: one layer object called on x and on 2x - 1 (sharing variables)."""
    def fn(m, x):
        layer = make(m)
        return layer(x, **kwargs), layer.apply(2.0 * x - 1.0, **kwargs)
    return fn


@pytest.mark.parametrize("name, make, shape, kwargs", CASES, ids=IDS)
def test_outputs_and_input_gradients(name, make, shape, kwargs):
    dtype = _dtype(name)
    tol = 1e-4 if dtype == np.float32 else 1e-6
    check(_twice(make, kwargs), rand(*shape, dtype=dtype, seed=len(name)), rtol=tol, atol=tol)


def _describe(m, make, x, kwargs):
    """Variable names and shapes, update and loss counts, and the values of the outputs,
    the gradients w.r.t. the trainable variables, the regularization losses and, after
    running the updates, of every variable, for one layer object called twice."""
    g = m.Graph()
    with g.as_default():
        layer = make(m)
        xt = m.constant(x)
        outs = [layer(xt, **kwargs), layer(xt * 0.5, **kwargs)]
        loss = m.add_n([m.reduce_sum(o * m.constant(_pattern(o.shape.as_list(), x.dtype)))
                        for o in outs])
        vars_ = layer.trainable_variables
        grads = m.gradients(loss, vars_) if vars_ else []
        info = dict(
            variables=[(v.name, tuple(v.shape.as_list())) for v in layer.variables],
            trainable=[v.name for v in layer.trainable_variables],
            non_trainable=[v.name for v in layer.non_trainable_variables],
            updates=len(layer.updates), losses=len(layer.losses),
            collected=len(m.get_collection(m.GraphKeys.UPDATE_OPS)))
        with m.Session(graph=g) as sess:
            sess.run(m.global_variables_initializer())
            # Keras lists the activity losses first; the collection has graphc's order
            values = sess.run(outs + grads) + sorted(sess.run(layer.losses))
            for update in layer.updates:    # in order: several update one variable
                sess.run(update)
            values += sess.run(layer.variables)
    return info, values


@pytest.mark.parametrize("name, make, shape, kwargs", CASES, ids=IDS)
def test_variables_updates_and_variable_gradients(name, make, shape, kwargs):
    dtype = _dtype(name)
    tol = 1e-4 if dtype == np.float32 else 1e-6
    x = rand(*shape, dtype=dtype, seed=1)
    got_info, got = _describe(gc, make, x, kwargs)
    want_info, want = _describe(v1, make, x, kwargs)
    assert got_info == want_info
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _names(m):
    """Variable names of unnamed, named and repeated layer objects (TF's unnamed layers'
    own names count objects across graphs, so those are not compared)."""
    g = m.Graph()
    with g.as_default():
        L = _layers(m)
        x = m.placeholder(np.float32, (None, 4))
        a, b = L.Dense(3), L.Dense(2)
        b(a(x))
        c, d = L.Dense(2, name="head"), L.Dense(2, name="head")
        c(x), d(x)
        assert (c.name, d.name) == ("head", "head")
        with v1.variable_scope("block") if m is v1 else gc.variable_scope("block"):
            e = L.Dense(2)
            e(x)
        e(x)                    # called again outside: the same variables
        return ([v.name for v in m.global_variables()],
                [v.name for v in m.trainable_variables()])


def test_layer_and_variable_names():
    assert _names(gc) == _names(v1)
