"""Keras fit / evaluate / predict on datasets against tf_keras in TF1 graph mode: the
history (with validation on a dataset and callbacks), evaluate and predict."""
import numpy as np

import graphc as gc
from keras_parity import run_both, tf, tfk

RNG = np.random.RandomState(0)
X = RNG.standard_normal((64, 6)).astype(np.float32)
Y = (X[:, :3].sum(1) > 0).astype(np.float32)[:, None]


def _build(keras):
    inp = keras.Input((6,))
    h = keras.layers.Dense(8, activation="relu")(inp)
    h = keras.layers.BatchNormalization()(h)
    return keras.Model(inp, keras.layers.Dense(1, activation="sigmoid")(h))


def _run(model):
    is_gc = isinstance(model, gc.keras.Model)
    lib, keras = (gc, gc.keras) if is_gc else (tf.compat.v1, tfk)
    opt = keras.optimizers.Adam(0.01) if is_gc else tfk.optimizers.legacy.Adam(0.01)
    model.compile(opt, "binary_crossentropy", metrics=[keras.metrics.AUC(name="auc")])
    ds = lib.data.Dataset.from_tensor_slices((X, Y)).batch(16)
    val = lib.data.Dataset.from_tensor_slices((X[:32], Y[:32])).batch(16)
    cbs = [keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0,
                                             min_delta=10.0)]
    h1 = model.fit(ds.repeat(), steps_per_epoch=4, epochs=3, validation_data=val,
                   callbacks=cbs, verbose=0).history
    h2 = model.fit(ds, epochs=2, validation_data=val, validation_steps=1,
                   verbose=0).history
    return ({k: np.array(v, np.float64) for k, v in h1.items()},
            {k: np.array(v, np.float64) for k, v in h2.items()},
            np.array(model.evaluate(ds, verbose=0)), model.predict(ds),
            model.predict(lib.data.Dataset.from_tensor_slices(X).batch(5)))


def test_fit_evaluate_predict_on_datasets_match_tf_keras():
    mine, theirs = run_both(_build, _run)
    for a, b in zip(mine[:2], theirs[:2]):
        assert sorted(a) == sorted(b)
        for k in a:
            np.testing.assert_allclose(a[k], b[k], rtol=2e-4, atol=2e-5, err_msg=k)
    for a, b in zip(mine[2:], theirs[2:]):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)
