"""gc.keras fit / evaluate / *_on_batch / predict check the user's arrays before any
batch runs, with tf_keras' (v1 engine) ValueErrors and texts: number of arrays, input
shapes, sample counts, targets that fit the loss (no TensorFlow needed;
tests/test_tf_parity_keras_fit_errors.py compares with tf_keras)."""
import re

import numpy as np
import pytest

import graphc as gc
from graphc.errors import ExecutionError

keras = gc.keras
X = np.ones((8, 3), np.float32)


@pytest.fixture(autouse=True)
def _graph():
    with gc.Graph().as_default():
        yield


def _seq(loss="mse", units=4, input_shape=(3,), activation=None):
    m = keras.Sequential([keras.layers.Dense(units, input_shape=input_shape,
                                             activation=activation, name="out")])
    m.compile("sgd", loss)
    return m


def _two_in_two_out(loss="mse"):
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    h = keras.layers.concatenate([a, b])
    m = keras.Model([a, b], [keras.layers.Dense(4, name="o1")(h),
                             keras.layers.Dense(1, name="o2")(h)])
    m.compile("sgd", loss)
    return m


def _same_shape(target, output, loss):
    return re.escape(f"A target array with shape {target} was passed for an output of "
                     f"shape {output} while using as loss `{loss}`. This loss expects "
                     f"targets to have the same shape as the output.")


@pytest.mark.parametrize("call", [
    lambda m, y: m.fit(X, y, verbose=0),
    lambda m, y: m.evaluate(X, y, verbose=0),
    lambda m, y: m.train_on_batch(X, y),
    lambda m, y: m.test_on_batch(X, y),
    lambda m, y: m.fit(X, np.ones((8, 4)), validation_data=(X, y), verbose=0),
], ids=["fit", "evaluate", "train_on_batch", "test_on_batch", "validation_data"])
def test_a_target_of_another_shape_fails_before_running(call):
    m = _seq()
    with pytest.raises(ValueError, match=_same_shape((8, 5), (None, 4),
                                                     "mean_squared_error")):
        call(m, np.ones((8, 5)))


@pytest.mark.parametrize("loss, name, activation", [
    ("mse", "mean_squared_error", None),
    ("mean_squared_error", "mean_squared_error", None),
    (keras.losses.mean_squared_error, "mean_squared_error", None),
    (keras.losses.MeanSquaredError(), "mean_squared_error", None),
    ("binary_crossentropy", "binary_crossentropy", "sigmoid"),
    (keras.losses.BinaryCrossentropy(), "binary_crossentropy", "sigmoid"),
    ("categorical_crossentropy", "categorical_crossentropy", "softmax"),
    (keras.losses.CategoricalCrossentropy(name="myloss"), "myloss", "softmax"),
])
def test_the_losses_that_check_the_target_shape(loss, name, activation):
    m = _seq(loss, activation=activation)
    with pytest.raises(ValueError, match=_same_shape((8, 5), (None, 4), name)):
        m.fit(X, np.ones((8, 5)), verbose=0)


def test_other_losses_do_not_check_and_fail_when_run():
    m = _seq("mae")           # tf_keras checks mse, binary and categorical crossentropy
    with pytest.raises(ExecutionError, match="could not be broadcast"):
        m.fit(X, np.ones((8, 5)), verbose=0)


def test_a_rank_1_target_gets_a_last_axis_of_1_first():
    with pytest.raises(ValueError, match=_same_shape((8, 1), (None, 4),
                                                     "mean_squared_error")):
        _seq().fit(X, np.ones(8), verbose=0)
    _seq(units=1).fit(X, np.ones(8), verbose=0)
    _seq(units=1).fit(X, [0.0, 1.0] * 4, verbose=0)     # a list of numbers: one array
    with pytest.raises(ValueError, match=_same_shape((8, 5, 1), (None, 4),
                                                     "mean_squared_error")):
        _seq().fit(X, np.ones((8, 5, 1)), verbose=0)


@pytest.mark.parametrize("loss", ["categorical_crossentropy",
                                  keras.losses.CategoricalCrossentropy()])
@pytest.mark.parametrize("y", [np.ones(8), np.ones((8, 1))], ids=["rank1", "rank2"])
def test_categorical_crossentropy_of_integer_classes_suggests_the_sparse_loss(loss, y):
    for units in (4, 1):
        m = _seq(loss, units=units, activation="softmax")
        with pytest.raises(ValueError) as e:
            m.fit(X, y, verbose=0)
        msg = str(e.value)
        assert msg.startswith("You are passing a target array of shape (8, 1) while using "
                              "as loss `categorical_crossentropy`. `categorical_crossentropy`"
                              " expects targets to be binary matrices (1s and 0s) of shape "
                              "(samples, classes).")
        assert "y_binary = to_categorical(y_int)" in msg
        assert msg.endswith("Alternatively, you can use the loss function "
                            "`sparse_categorical_crossentropy` instead, which does expect "
                            "integer targets.")


def test_sparse_targets_are_not_checked_and_any_trailing_ones_are_fed():
    for y in (np.arange(8) % 4, (np.arange(8) % 4)[:, None],
              (np.arange(8) % 4)[:, None, None]):
        m = _seq("sparse_categorical_crossentropy", activation="softmax")
        m.fit(X, y, verbose=0)
        assert np.isfinite(m.evaluate(X, y, verbose=0))
    m = _seq("sparse_categorical_crossentropy", activation="softmax")
    with pytest.raises(ExecutionError, match="labels of shape"):
        m.fit(X, np.ones((8, 4)), verbose=0)        # one-hot rows: TF fails when run


def test_sample_counts():
    with pytest.raises(ValueError, match=re.escape(
            "Input arrays should have the same number of samples as target arrays. "
            "Found 8 input samples and 7 target samples.")):
        _seq().fit(X, np.ones((7, 4)), verbose=0)
    m = _two_in_two_out()
    with pytest.raises(ValueError, match=re.escape(
            "All input arrays (x) should have the same number of samples. Got array "
            "shapes: [(8, 3), (7, 2)]")):
        m.fit([X, np.ones((7, 2))], [np.ones((8, 4)), np.ones((8, 1))], verbose=0)
    with pytest.raises(ValueError, match=re.escape(
            "All target arrays (y) should have the same number of samples. Got array "
            "shapes: [(8, 4), (7, 1)]")):
        m.fit([X, np.ones((8, 2))], [np.ones((8, 4)), np.ones((7, 1))], verbose=0)
    with pytest.raises(ValueError, match=re.escape(
            "Found a sample_weight array with shape (7,) for an input with shape (8, 4). "
            "sample_weight cannot be broadcast.")):
        _seq().fit(X, np.ones((8, 4)), sample_weight=np.ones(7), verbose=0)


def test_a_multi_output_model_checks_each_target():
    m = _two_in_two_out()
    with pytest.raises(ValueError, match=_same_shape((8, 3), (None, 1),
                                                     "mean_squared_error")):
        m.fit([X, np.ones((8, 2))], [np.ones((8, 4)), np.ones((8, 3))], verbose=0)
    with pytest.raises(TypeError, match=re.escape(
            "The model has multiple outputs, so `sample_weight` should be either a list "
            "or a dict.")):
        m.fit([X, np.ones((8, 2))], [np.ones((8, 4)), np.ones((8, 1))],
              sample_weight=np.ones(8), verbose=0)


def test_the_number_of_arrays():
    with pytest.raises(ValueError, match=re.escape(
            "Error when checking model target: the list of Numpy arrays that you are "
            "passing to your model is not the size the model expected. Expected to see 1 "
            "array(s), for inputs ['out'] but instead got the following list of 2 arrays: "
            "[array(")):
        _seq().fit(X, [np.ones((8, 4)), np.ones((8, 4))], verbose=0)
    m = _two_in_two_out()
    with pytest.raises(ValueError, match=re.escape(
            "Expected to see 2 array(s), for inputs ['o1', 'o2'] but instead got the "
            "following list of 1 arrays")):
        m.fit([X, np.ones((8, 2))], [np.ones((8, 4))], verbose=0)
    with pytest.raises(ValueError, match=re.escape(
            "Error when checking model input: the list of Numpy arrays that you are "
            "passing to your model is not the size the model expected. Expected to see 2 "
            "array(s), for inputs ['a', 'b'] but instead got the following list of 1 "
            "arrays")):
        m.predict([X])
    with pytest.raises(ValueError, match=re.escape(
            "Error when checking model target: you are passing a list as input to your "
            "model, but the model expects a list of 2 Numpy arrays instead.")):
        m.fit([X, np.ones((8, 2))], [], verbose=0)
    with pytest.raises(ValueError, match="Expected an array data type but received an "
                                         "integer: 3"):
        m.fit([X, np.ones((8, 2))], [np.ones((8, 4)), 3], verbose=0)
    # tf_keras keeps the first arrays of a longer list of inputs, dropping the rest
    # silently; graphc refuses them
    with pytest.raises(ValueError, match=re.escape(
            "Expected to see 1 array(s), for inputs ['out_input'] but instead got the "
            "following list of 2 arrays")):
        _seq().predict([X, np.ones((8, 5))])


def test_dict_targets_by_output_name():
    m = _two_in_two_out()
    with pytest.raises(ValueError, match=re.escape(
            "No data provided for \"o2\". Need data for each key in: ['o1', 'o2']")):
        m.fit([X, np.ones((8, 2))], {"o1": np.ones((8, 4))}, verbose=0)
    # tf_keras ignores the keys that name no output
    m.fit([X, np.ones((8, 2))], {"o2": np.ones((8, 1)), "o1": np.ones((8, 4)),
                                 "zz": np.ones((8, 1))}, verbose=0)


@pytest.mark.parametrize("call", [
    lambda m, x: m.fit(x, np.ones((8, 4)), verbose=0),
    lambda m, x: m.predict(x),
    lambda m, x: m.evaluate(x, np.ones((8, 4)), verbose=0),
], ids=["fit", "predict", "evaluate"])
def test_inputs_of_another_shape(call):
    for x, msg in [
            (np.ones((8, 4)), "expected out_input to have shape (3,) but got array with "
                              "shape (4,)"),
            (np.ones((8, 3, 1)), "expected out_input to have 2 dimensions, but got array "
                                 "with shape (8, 3, 1)"),
            (np.ones(8), "expected out_input to have shape (3,) but got array with "
                         "shape (1,)")]:
        with pytest.raises(ValueError, match=re.escape("Error when checking input: " + msg)):
            call(_seq(), x)
    assert _seq(input_shape=(1,)).predict(np.ones(8)).shape == (8, 4)   # (8,) -> (8, 1)


def test_generator_batches_are_checked():
    def batches():
        while True:
            yield X, np.ones((8, 5))
    with pytest.raises(ValueError, match=_same_shape((8, 5), (None, 4),
                                                     "mean_squared_error")):
        _seq().fit_generator(batches(), steps_per_epoch=2, verbose=0)


def test_targets_given_as_tensors_take_no_data():
    m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    m.compile("sgd", "mse", target_tensors=[gc.constant(np.ones((8, 1), np.float32))])
    m.fit(X, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="Error when checking model target: expected no "
                                         "data, but got:"):
        m.fit(X, np.ones((8, 1)), verbose=0)


def test_a_subclassed_model_is_not_checked():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(4)

        def call(self, x):
            return self.dense(x)
    m = Net()
    m.compile("sgd", "mse")
    m.fit(X, np.ones((8, 1)), verbose=0)        # tf_keras: broadcast, as TF trains it
    with pytest.raises(ExecutionError, match="could not be broadcast"):
        m.fit(X, np.ones((8, 5)), verbose=0)


def test_single_output_sample_weights_as_a_list():
    m = _seq()
    w = [1.0, 0.0] * 4
    assert m.evaluate(X, np.zeros((8, 4)), sample_weight=w, verbose=0) == \
        pytest.approx(m.evaluate(X, np.zeros((8, 4)), sample_weight=np.array(w),
                                 verbose=0))
