"""gc.keras model configs as tf_keras writes them: a nested model built on inputs of its
own counts its calls from 1."""
import numpy as np

import graphc as gc

keras = gc.keras


def _nested_twice():
    base = keras.Sequential([keras.layers.Dense(3, input_shape=(4,), name="b1")], name="base")
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    y = keras.layers.Add(name="add")([base(a), base(b)])
    return keras.Model([a, b], y)


def test_nested_model_calls_are_counted_from_one_in_the_config():
    with gc.Graph().as_default():
        config = _nested_twice().get_config()
    add = [e for e in config["layers"] if e["name"] == "add"][0]
    assert add["inbound_nodes"] == [[["base", 1, 0, {}], ["base", 2, 0, {}]]]


def _numbered(config, first):
    """config with the nested model's calls numbered from `first`."""
    add = [e for e in config["layers"] if e["name"] == "add"][0]
    add["inbound_nodes"] = [[["base", first, 0, {}], ["base", first + 1, 0, {}]]]
    return config


def test_tf_keras_nested_config_rebuilds_and_old_graphc_configs_still_load():
    xs = [np.ones((2, 4), "float32"), np.full((2, 4), 2.0, "float32")]
    with gc.Graph().as_default():
        model = _nested_twice()
        expected = model.predict(xs)
        for first in (1, 0):                    # tf_keras' numbering, graphc's older one
            clone = keras.Model.from_config(_numbered(model.get_config(), first))
            clone.set_weights(model.get_weights())
            np.testing.assert_allclose(clone.predict(xs), expected)

