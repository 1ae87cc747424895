"""Plain ops on Keras tensors become TensorFlowOpLayers (graph-mode tf_keras' automatic
op wrapping): names, values, replay on new inputs, configs, constants, errors, and no
recursion over a long chain. The layer orders are checked against tf_keras in
test_tf_parity_keras_op_layers.py."""
import json
import sys

import numpy as np
import pytest

import graphc as gc
from graphc import keras
from graphc.keras.engine_op_layer import (TensorFlowOpLayer, create_keras_history,
                                          uses_keras_history)

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_ops_between_layers_become_layers_and_compute_the_same():
    with gc.Graph().as_default():
        inputs = keras.Input(shape=(3,))
        h = keras.layers.Dense(4)(gc.nn.relu(inputs) * 2.0)
        out = gc.concat([h, inputs[:, :1]], axis=1)
        model = keras.Model(inputs, out)
        assert [la.name for la in model.layers] == [
            "input_1", "tf_op_layer_Relu", "tf_op_layer_mul", "dense",
            "tf_op_layer_strided_slice", "tf_op_layer_concat"]
        assert all(type(la).__name__ == "TensorFlowOpLayer" and la.weights == []
                   for la in model.layers if la.name.startswith("tf_op_layer"))
        x = _x(5, 3)
        w, b = model.get_layer("dense").get_weights()
        want = np.concatenate([np.maximum(x, 0) * 2 @ w + b, x[:, :1]], axis=1)
        np.testing.assert_allclose(model.predict(x), want, rtol=1e-5, atol=1e-6)
        # the model on a new tensor: every op made again on it
        other = gc.placeholder(gc.float32, (None, 3))
        y = model(other)
        sess = keras.backend.get_session()
        np.testing.assert_allclose(sess.run(y, {other: x}), want, rtol=1e-5, atol=1e-6)


def test_multi_output_ops_and_shared_layers_train():
    with gc.Graph().as_default():
        gc.set_random_seed(1)
        a, b = keras.Input((4,)), keras.Input((4,))
        left, right = gc.split(gc.concat([a, b * 2.0], axis=1), 2, axis=1)
        d = keras.layers.Dense(1)
        out = d(left + right) - d(a)
        model = keras.Model([a, b], out)
        split = model.get_layer("tf_op_layer_split")
        assert len(split.output) == 2
        model.compile("sgd", "mse")
        xa, xb = _x(32, 4), _x(32, 4)
        # out = d(a + 2b) - d(a) = 2b @ W: the target is reachable (W = 1), so SGD
        # drives the loss far below half, whatever the draws
        target = (2 * xb).sum(1, keepdims=True)
        first = model.evaluate([xa, xb], target, verbose=0)
        model.fit([xa, xb], target, epochs=20, verbose=0)
        assert model.evaluate([xa, xb], target, verbose=0) < first / 2


def test_config_json_and_clone_round_trip():
    with gc.Graph().as_default():
        inputs = keras.Input((2, 3))
        y = keras.layers.Dense(3)(inputs + np.array([1.0, 2.0, 3.0], np.float32))
        model = keras.Model(inputs, gc.reduce_mean(y, axis=1) * 0.5)
        layer = model.get_layer("tf_op_layer_add")
        config = layer.get_config()
        assert config["name"] == "add" and config["node_def"]["op"] == "Add"
        assert config["constants"] == {1: [1.0, 2.0, 3.0]}
        assert model.get_layer("tf_op_layer_Mean").get_config()["node_def"]["attr"]
        x = _x(4, 2, 3)
        for again in (keras.models.model_from_json(model.to_json()),
                      keras.models.clone_model(model),
                      keras.layers.deserialize(json.loads(json.dumps(
                          keras.layers.serialize(model))))):
            assert [la.name for la in again.layers] == [la.name for la in model.layers]
            again.set_weights(model.get_weights())
            np.testing.assert_allclose(again.predict(x), model.predict(x), rtol=1e-6)


def test_constant_dtypes_survive_the_config():
    """float64 and int64 constants keep their dtypes through JSON (TF's configs lose
    them: tf.constant of a list gives float32/int32)."""
    with gc.Graph().as_default():
        inputs = keras.Input((3,), dtype="float64")
        model = keras.Model(inputs, inputs * np.float64(3.0))
        again = keras.models.model_from_json(model.to_json())
        x = RNG.standard_normal((2, 3))
        np.testing.assert_array_equal(again.predict(x), x * 3.0)
        ints = keras.Input((3,), dtype="int64")
        model = keras.Model(ints, ints + np.int64(2 ** 40))
        again = keras.models.model_from_json(model.to_json())
        np.testing.assert_array_equal(again.predict(np.ones((1, 3), np.int64)),
                                      np.full((1, 3), 2 ** 40 + 1))


def test_inputs_not_from_keras_are_constants_read_once():
    """As tf_keras: a variable (or any tensor not from a keras.Input) is evaluated
    when the layer is made and kept as a constant."""
    with gc.Graph().as_default():
        v = gc.Variable(np.full((3,), 2.0, np.float32))
        inputs = keras.Input((3,))
        model = keras.Model(inputs, inputs * v + gc.exp(gc.constant(0.0)))
        layer = model.get_layer("tf_op_layer_mul")
        np.testing.assert_array_equal(layer.constants[1], [2.0, 2.0, 2.0])
        assert model.get_layer("tf_op_layer_add").constants[1] == 1.0
        keras.backend.get_session().run(v.assign([5.0, 5.0, 5.0]))
        again = model(keras.Input((3,)))
        out = keras.backend.get_session().run(again, {again.graph.get_tensor_by_name(
            "input_2:0"): np.ones((1, 3), np.float32)})
        np.testing.assert_array_equal(out, [[3.0, 3.0, 3.0]])


def test_a_placeholder_that_is_not_an_input_is_refused():
    with gc.Graph().as_default():
        p = gc.placeholder(gc.float32, (None, 3), name="scale")
        inputs = keras.Input((3,))
        with pytest.raises(ValueError, match=r"(?s)mul.*scale:0.*keras.Input"):
            keras.Model(inputs, inputs * p)


def test_ops_inside_a_layer_call_belong_to_the_layer():
    class Twice(keras.layers.Layer):
        def build(self, shape):
            self.inner = keras.layers.Dense(3)

        def call(self, inputs):
            return self.inner(inputs * 2.0) + 1.0

    with gc.Graph().as_default():
        inputs = keras.Input((3,))
        model = keras.Model(inputs, Twice()(inputs))
        assert [la.name for la in model.layers] == ["input_1", "twice"]


def test_layers_on_plain_graph_tensors_make_no_op_layers():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (None, 3))
        h = keras.layers.Dense(3)(gc.tanh(x) * 2.0)
        assert not uses_keras_history([x, h.op.inputs[0]])
        assert create_keras_history([gc.tanh(x) + 1.0]) == []
        assert [n.name for n in gc.get_default_graph().get_operations()
                if n.name.startswith("tf_op_layer")] == []


def test_a_function_attr_runs_but_has_no_config():
    with gc.Graph().as_default():
        inputs = keras.Input((3,))
        out = gc.cond(gc.constant(True), lambda: inputs * 2.0, lambda: inputs)
        model = keras.Model(inputs, out)
        x = _x(2, 3)
        np.testing.assert_allclose(model.predict(x), 2 * x)
        with pytest.raises(NotImplementedError, match="Lambda layer"):
            model.get_config()


def test_unknown_op_in_a_config():
    with pytest.raises(ValueError, match="unknown op 'NoSuchOp'"):
        TensorFlowOpLayer({"name": "x", "op": "NoSuchOp", "attr": {}}, name="x")


def test_a_long_chain_of_ops_does_not_recurse():
    n = 1000
    with gc.Graph().as_default():
        inputs = keras.Input((2,))
        y = inputs
        for _ in range(n):
            y = y + 1.0
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(200)
        try:
            model = keras.Model(inputs, y)
        finally:
            sys.setrecursionlimit(limit)
        assert len(model.layers) == n + 1
        np.testing.assert_allclose(model.predict(np.zeros((1, 2), np.float32)),
                                   [[n, n]])
