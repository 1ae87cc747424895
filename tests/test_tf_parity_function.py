"""gc.function against TF's tf.function called in graph mode."""
import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc

X = np.arange(6, dtype=np.float32).reshape(2, 3)


def _build(m, fn_api):
    spec = fn_api.TensorSpec([None, 3], m.float32)

    @fn_api.function(input_signature=[spec, fn_api.TensorSpec([], m.float32)])
    def affine(x, k):
        return {"out": m.reduce_sum(m.tanh(x) * k, axis=1), "shape": m.shape(x)}

    class Layer:
        w = None

        @fn_api.function
        def __call__(self, x):
            if self.w is None:
                self.w = m.Variable(np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2))
            return m.matmul(x, self.w)

    x = m.placeholder(m.float32, [None, 3])
    layer = Layer()
    a = affine(x, 2.0)
    h = layer(x)
    h2 = layer(h @ m.ones((2, 3)))
    loss = m.reduce_sum(a["out"]) + m.reduce_sum(h2)
    grads = m.gradients(loss, [x, layer.w])
    return x, [a["out"], a["shape"], h, h2] + grads


def _values(m, fn_api):
    with m.Graph().as_default():
        x, fetches = _build(m, fn_api)
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            return s.run(fetches, {x: X})


def test_values_and_gradients_match():
    ours, theirs = _values(gc, gc), _values(v1, tf)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def _errors(m, fn_api):
    got = []
    with m.Graph().as_default():
        f = fn_api.function(lambda x: x * 2.0,
                            input_signature=[fn_api.TensorSpec([None, 3], m.float32)])
        for bad in ([m.placeholder(m.int32, [None, 3])], [m.placeholder(m.float32, [2, 4])],
                    [m.placeholder(m.float32, [None, 3])] * 2):
            with pytest.raises(TypeError) as info:
                f(*bad)
            got.append(str(info.value).split("`")[1])

        @fn_api.function
        def fresh(a):
            return a * m.Variable(1.0)

        with pytest.raises(ValueError) as info:     # even the first call: traced twice
            fresh(m.constant(1.0))
        got.append("only supports singleton tf.Variables created on the first call"
                   in str(info.value))
    return got


def test_signature_and_variable_errors_match():
    ours, theirs = _errors(gc, gc), _errors(v1, tf)
    assert ours == theirs
