"""Writes the tf_keras model configs (and one HDF5 model) whose layers were called with
tensors as keyword arguments, which tests/test_keras_saving_kwargs.py loads in graphc.

Run once with TensorFlow 2.x and tf_keras (legacy Keras 2), in graph mode:
    TF_USE_LEGACY_KERAS=1 python tests/data/keras_tf_kwargs/make_fixtures.py
Models (each a functional model on Inputs, weights drawn from a seeded generator):
    lstm_mask    LSTM(2)(x, mask=m), m a bool Input
    att_mask     Attention(use_scale=True)([q, v], mask=[qm, vm])
    gru_state    GRU(3)(x, initial_state=h) (tf_keras writes h as a second input)
    bidi_state   Bidirectional(LSTM(2))(x, initial_state=[4 Inputs]) (tf_keras writes
                 the states as inputs and constants=None)
    count        CategoryEncoding(5, "count")(ids, count_weights=w)
    mha          MultiHeadAttention(2, 3)(q, v, key=k, attention_mask=am) and a second
                 one (q, v, use_causal_mask=True, return_attention_scores=True)
    mha_h5       MultiHeadAttention(2, 2, use_bias=False)(q, v, key=k, attention_mask=am)
    mha_masked   Masking -> MultiHeadAttention(2, 2)(x, x): the Keras mask of
                 query and value, then LayerNormalization
Files:
    <name>.json  model.to_json() (not mha_h5's)
    mha.h5.gz    the mha_h5 model, model.save (no optimizer), gzipped (20 KB -> 2 KB)
    values.npz   per model: "<name>:weights" its get_weights() raveled and joined (not
                 mha_h5's: they are in mha.h5), "<name>:in<i>" the fed
                 inputs, "<name>:out<i>" what predict gave.
"""
import gzip
import json
import os

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
v1.disable_v2_behavior()
K = tf.keras
L = K.layers
HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(7)


def _normal(*shape):
    return RNG.normal(size=shape).astype(np.float32)


def lstm_mask():
    x, m = K.Input((None, 4), name="x"), K.Input((None,), dtype="bool", name="m")
    out = L.LSTM(2, name="lstm")(x, mask=m)
    return K.Model([x, m], out), [_normal(2, 3, 4), np.array([[1, 1, 0], [1, 0, 0]], bool)]


def att_mask():
    q, v = K.Input((None, 3), name="q"), K.Input((None, 3), name="v")
    qm, vm = (K.Input((None,), dtype="bool", name=n) for n in ("qm", "vm"))
    out = L.Attention(use_scale=True, name="att")([q, v], mask=[qm, vm])
    feeds = [_normal(2, 2, 3), _normal(2, 4, 3), np.array([[1, 0], [1, 1]], bool),
             np.array([[1, 1, 0, 0], [1, 1, 1, 0]], bool)]
    return K.Model([q, v, qm, vm], out), feeds


def gru_state():
    x, h = K.Input((None, 4), name="x"), K.Input((3,), name="h")
    out = L.GRU(3, name="gru")(x, initial_state=h)
    return K.Model([x, h], out), [_normal(2, 3, 4), _normal(2, 3)]


def bidi_state():
    x = K.Input((None, 4), name="x")
    states = [K.Input((2,), name=f"s{i}") for i in range(4)]
    out = L.Bidirectional(L.LSTM(2), name="bidi")(x, initial_state=states)
    return K.Model([x] + states, out), [_normal(2, 3, 4)] + [_normal(2, 2) for _ in range(4)]


def count():
    ids, w = K.Input((3,), dtype="int32", name="ids"), K.Input((3,), name="w")
    out = L.CategoryEncoding(5, output_mode="count", name="enc")(ids, count_weights=w)
    return K.Model([ids, w], out), [np.array([[0, 1, 1], [4, 2, 0]], np.int32),
                                    _normal(2, 3)]


def mha():
    q, v, k = (K.Input((None, 4), name=n) for n in ("q", "v", "k"))
    am = K.Input((None, None), dtype="bool", name="am")
    a = L.MultiHeadAttention(2, 3, name="mha")(q, v, key=k, attention_mask=am)
    b, scores = L.MultiHeadAttention(2, 2, name="mha_causal")(
        q, v, use_causal_mask=True, return_attention_scores=True)
    am_value = np.ones((2, 3, 3), bool)
    am_value[0, :, 2] = False
    am_value[1, 1, :2] = False
    return K.Model([q, v, k, am], [L.Add(name="add")([a, b]), scores]), \
        [_normal(2, 3, 4), _normal(2, 3, 4), _normal(2, 3, 4), am_value]


def mha_h5():
    q, v, k = (K.Input((None, 4), name=n) for n in ("q", "v", "k"))
    am = K.Input((None, None), dtype="bool", name="am")
    out = L.MultiHeadAttention(2, 2, use_bias=False, name="mha")(q, v, key=k,
                                                                attention_mask=am)
    am_value = np.ones((2, 3, 3), bool)
    am_value[0, :, 1] = False
    return K.Model([q, v, k, am], out), [_normal(2, 3, 4), _normal(2, 3, 4),
                                         _normal(2, 3, 4), am_value]


def mha_masked():
    x = K.Input((None, 4), name="x")
    h = L.Masking(name="masking")(x)
    a = L.MultiHeadAttention(2, 2, name="self_att")(h, h)
    out = L.LayerNormalization(name="ln")(L.Add(name="res")([h, a]))
    feed = _normal(2, 4, 4)
    feed[0, 3] = 0.0
    feed[1, 1:] = 0.0
    return K.Model(x, out), [feed]


def main():
    values = {}
    for make in (lstm_mask, att_mask, gru_state, bidi_state, count, mha, mha_h5,
                 mha_masked):
        name = make.__name__
        model, feeds = make()
        model.set_weights([_normal(*w.shape) * 0.5 for w in model.get_weights()])
        outs = model.predict(feeds)
        outs = outs if isinstance(outs, list) else [outs]
        if name != "mha_h5":
            with open(os.path.join(HERE, f"{name}.json"), "w") as f:
                json.dump(json.loads(model.to_json()), f, separators=(",", ":"))
        if name == "mha_h5":
            path = os.path.join(HERE, "mha.h5")
            model.save(path)                    # the weights are in it
            with open(path, "rb") as f, gzip.open(path + ".gz", "wb", 9) as g:
                g.write(f.read())
            os.remove(path)
        else:
            values[f"{name}:weights"] = np.concatenate(
                [np.zeros(0, np.float32)] + [w.ravel() for w in model.get_weights()])
        for i, a in enumerate(feeds):
            values[f"{name}:in{i}"] = a
        for i, a in enumerate(outs):
            values[f"{name}:out{i}"] = a
    np.savez_compressed(os.path.join(HERE, "values.npz"), **values)


if __name__ == "__main__":
    main()
