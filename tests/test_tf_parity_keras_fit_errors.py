"""gc.keras fit / evaluate / *_on_batch / predict on arrays of the wrong number, shape
or size against tf_keras (v1 engine, TF1 graph mode): the same cases fail before
running with the same class and message, and the accepted ones run in both."""
import re

import numpy as np
import pytest

import graphc as gc
from keras_parity import tf, tfk, tfk_backend

X = np.ones((8, 3), np.float32)


def _seq(k, loss="mse", units=4, input_shape=(3,), activation=None):
    m = k.Sequential([k.layers.Dense(units, input_shape=input_shape,
                                     activation=activation, name="out")])
    m.compile("sgd", loss)
    return m


def _two(k, loss="mse"):
    a, b = k.Input((3,), name="a"), k.Input((2,), name="b")
    h = k.layers.concatenate([a, b])
    m = k.Model([a, b], [k.layers.Dense(4, name="o1")(h), k.layers.Dense(1, name="o2")(h)])
    m.compile("sgd", loss)
    return m


XB = [X, np.ones((8, 2))]
Y2 = [np.ones((8, 4)), np.ones((8, 1))]

CASES = {
    "fit_mse": lambda k: _seq(k).fit(X, np.ones((8, 5)), verbose=0),
    "evaluate_mse": lambda k: _seq(k).evaluate(X, np.ones((8, 2)), verbose=0),
    "train_on_batch": lambda k: _seq(k).train_on_batch(X, np.ones((8, 5))),
    "test_on_batch": lambda k: _seq(k).test_on_batch(X, np.ones((8, 5))),
    "validation_data": lambda k: _seq(k).fit(X, np.ones((8, 4)), verbose=0,
                                             validation_data=(X, np.ones((8, 5)))),
    "rank1_target": lambda k: _seq(k).fit(X, np.ones(8), verbose=0),
    "rank1_target_ok": lambda k: _seq(k, units=1).fit(X, np.ones(8), verbose=0),
    "rank3_target": lambda k: _seq(k).fit(X, np.ones((8, 5, 1)), verbose=0),
    "mse_object": lambda k: _seq(k, k.losses.MeanSquaredError()).fit(
        X, np.ones((8, 5)), verbose=0),
    "mse_function": lambda k: _seq(k, k.losses.mean_squared_error).fit(
        X, np.ones((8, 5)), verbose=0),
    "bce": lambda k: _seq(k, "binary_crossentropy", activation="sigmoid").fit(
        X, np.ones((8, 5)), verbose=0),
    "bce_object": lambda k: _seq(k, k.losses.BinaryCrossentropy(), activation="sigmoid")
    .fit(X, np.ones((8, 5)), verbose=0),
    "cce_shape": lambda k: _seq(k, "categorical_crossentropy", activation="softmax").fit(
        X, np.ones((8, 5)), verbose=0),
    "cce_named": lambda k: _seq(k, k.losses.CategoricalCrossentropy(name="myloss"),
                                activation="softmax").fit(X, np.ones((8, 5)), verbose=0),
    "cce_classes": lambda k: _seq(k, "categorical_crossentropy", activation="softmax").fit(
        X, np.ones((8, 1)), verbose=0),
    "cce_classes_rank1": lambda k: _seq(k, "categorical_crossentropy",
                                        activation="softmax").fit(X, np.ones(8), verbose=0),
    "cce_object_classes": lambda k: _seq(k, k.losses.CategoricalCrossentropy(),
                                         activation="softmax").fit(
        X, np.ones((8, 1)), verbose=0),
    "cce_one_unit": lambda k: _seq(k, "categorical_crossentropy", units=1,
                                   activation="softmax").fit(X, np.ones((8, 1)), verbose=0),
    "sparse_ok": lambda k: _seq(k, "sparse_categorical_crossentropy",
                                activation="softmax").fit(X, np.arange(8) % 4, verbose=0),
    "sparse_rank3_ok": lambda k: _seq(k, "sparse_categorical_crossentropy",
                                      activation="softmax").fit(
        X, (np.arange(8) % 4)[:, None, None], verbose=0),
    "samples": lambda k: _seq(k).fit(X, np.ones((7, 4)), verbose=0),
    "samples_weight": lambda k: _seq(k).fit(X, np.ones((8, 4)), sample_weight=np.ones(7),
                                            verbose=0),
    "samples_inputs": lambda k: _two(k).fit([X, np.ones((7, 2))], Y2, verbose=0),
    "samples_targets": lambda k: _two(k).fit(XB, [np.ones((8, 4)), np.ones((7, 1))],
                                             verbose=0),
    "second_output": lambda k: _two(k).fit(XB, [np.ones((8, 4)), np.ones((8, 3))],
                                           verbose=0),
    "weights_not_a_list": lambda k: _two(k).fit(XB, Y2, sample_weight=np.ones(8),
                                                verbose=0),
    "two_targets_for_one": lambda k: _seq(k).fit(X, [np.ones((8, 4))] * 2, verbose=0),
    "one_target_for_two": lambda k: _two(k).fit(XB, Y2[:1], verbose=0),
    "one_input_for_two": lambda k: _two(k).fit([X], Y2, verbose=0),
    "predict_one_input_for_two": lambda k: _two(k).predict([X]),
    "integer_target": lambda k: _two(k).fit(XB, [np.ones((8, 4)), 3], verbose=0),
    "dict_missing": lambda k: _two(k).fit(XB, {"o1": np.ones((8, 4))}, verbose=0),
    "dict_extra_ok": lambda k: _two(k).fit(XB, {"o1": Y2[0], "o2": Y2[1], "zz": Y2[1]},
                                           verbose=0),
    "input_shape": lambda k: _seq(k).fit(np.ones((8, 4)), np.ones((8, 4)), verbose=0),
    "input_rank": lambda k: _seq(k).fit(np.ones((8, 3, 1)), np.ones((8, 4)), verbose=0),
    "input_rank1": lambda k: _seq(k).fit(np.ones(8), np.ones((8, 4)), verbose=0),
    "input_rank1_ok": lambda k: _seq(k, input_shape=(1,)).predict(np.ones(8)),
    "predict_shape": lambda k: _seq(k).predict(np.ones((8, 4))),
    "predict_rank": lambda k: _seq(k).predict(np.ones((8, 3, 2))),
}


def _outcome(case, keras):
    try:
        case(keras)
    except (ValueError, TypeError) as e:
        return (TypeError if isinstance(e, TypeError) else ValueError), str(e)
    return "ok"


def _both(case):
    g = gc.Graph()
    with g.as_default():
        mine = _outcome(case, gc.keras)
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        tfk_backend.set_session(sess)
        theirs = _outcome(case, tfk)
    return mine, theirs


def _normal(msg):
    """The message without its arrays' printout and with Keras' import path as TF1's."""
    msg = msg.split("[array(")[0]
    return re.sub(r"from \S+ import to_categorical", "from keras.utils import "
                  "to_categorical", msg)


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_tf_keras(name):
    mine, theirs = _both(CASES[name])
    assert (mine == "ok") == (theirs == "ok") == name.endswith("_ok"), (mine, theirs)
    if theirs != "ok":
        assert mine[0] is theirs[0]
        assert _normal(mine[1]) == _normal(theirs[1])


def test_extra_input_arrays_are_refused_where_tf_keras_drops_them():
    # tf_keras zips the arrays with the model's inputs and drops the rest silently;
    # graphc promises that nothing is silently lost
    mine, theirs = _both(lambda k: _seq(k).predict([X, np.ones((8, 5))]))
    assert theirs == "ok" and mine[0] is ValueError and "Expected to see 1 array(s)" in mine[1]
