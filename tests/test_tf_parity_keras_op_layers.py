"""Plain ops on Keras tensors against tf_keras (graph mode): the same functional
models written with graphc's and TF's ops give the same layers (TensorFlowOpLayers
named tf_op_layer_<op name>, in the same order), output shapes and, with the same
weights, the same predictions. Skips without TensorFlow and tf_keras."""
import numpy as np
import pytest

import graphc as gc
from keras_parity import run_both, tf


def _split(keras, ops):
    a, b = keras.Input((4,)), keras.Input((4,))
    c = ops.concat([a, b * 2.0], axis=1)
    s1, s2 = ops.split(c, 2, axis=1)
    return keras.Model([a, b], [s1 + s2, ops.reduce_sum(c, axis=1, keepdims=True)])


def _mlp(keras, ops):
    x = keras.Input((3,))
    h = keras.layers.Dense(5)(ops.nn.relu(x) * 2.0)
    return keras.Model(x, keras.layers.Dense(2)(ops.tanh(h)[:, :3] + x))


def _shared(keras, ops):
    x = keras.Input((6,))
    d = keras.layers.Dense(6)
    y = d(x) - x
    z = d(y) * ops.sigmoid(x)
    return keras.Model(x, [z, ops.reshape(y, [-1, 2, 3])])


def _conv(keras, ops):
    x = keras.Input((8, 8, 3))
    h = keras.layers.Conv2D(4, 3, padding="same")(x)
    h = ops.nn.max_pool2d(ops.nn.relu(h), 2, 2, "VALID") if hasattr(ops.nn, "max_pool2d") \
        else ops.nn.max_pool(ops.nn.relu(h), [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    h = ops.reduce_mean(h, axis=[1, 2]) + ops.reduce_max(x, axis=[1, 2, 3])[:, None]
    return keras.Model(x, keras.layers.Dense(2, activation="softmax")(h))


def _variable_constant(keras, ops):
    x = keras.Input((3,))
    scale = ops.constant(np.array([1.0, -2.0, 0.5], np.float32))
    return keras.Model(x, keras.layers.Dense(3)(x * scale) / ops.exp(ops.constant(1.0)))


@pytest.mark.parametrize("make", [_split, _mlp, _shared, _conv, _variable_constant],
                         ids=lambda f: f.__name__.strip("_"))
def test_models_with_plain_ops_match_tf_keras(make):
    def build(keras):
        return make(keras, gc if keras is gc.keras else tf)

    def run(model):
        rng = np.random.default_rng(1)
        xs = [rng.standard_normal((3, *i.shape.as_list()[1:])).astype(np.float32)
              for i in model.inputs]
        out = model.predict(xs if len(xs) > 1 else xs[0])
        return ([(la.name, type(la).__name__) for la in model.layers],
                model.output_shape, out if isinstance(out, list) else [out])

    (gl, gs, gy), (tl, ts, ty) = run_both(build, run)
    assert gl == tl
    assert gs == ts
    for g, t in zip(gy, ty):
        np.testing.assert_allclose(g, t, rtol=1e-5, atol=1e-6)
