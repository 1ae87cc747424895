"""Functional models whose layers were called with tensors as keyword arguments (mask=,
initial_state=, count_weights=, MultiHeadAttention's value=, key=, attention_mask=):
their configs hold the tensors as tf_keras does ([layer name, node index, tensor index]
inside the call's kwargs), so h5, to_json and get_config copies predict as the model,
and tf_keras' files (tests/data/keras_tf_kwargs, written by its make_fixtures.py with
TF 2.21) load and predict as in TF. The HDF5 parts skip where h5py is not installed."""
import gzip
import json
import os

import numpy as np
import pytest

import graphc as gc

keras = gc.keras
L = keras.layers
DATA = os.path.join(os.path.dirname(__file__), "data", "keras_tf_kwargs")
RNG = np.random.default_rng(3)


def _normal(*shape):
    return RNG.normal(size=shape).astype(np.float32)


def _outputs(model, feeds):
    out = model.predict(feeds)
    return out if isinstance(out, list) else [out]


def _copies(model, tmp_path):
    """(how, copy) for each way a model is saved and rebuilt: h5 (weights in the
    file), to_json / model_from_json and get_config / Model.from_config (weights
    set)."""
    out = []
    if _has_h5py():
        path = str(tmp_path / "m.h5")
        model.save(path)
        with pytest.warns(UserWarning, match="No training configuration"):
            out.append(("h5", keras.models.load_model(path)))
    rebuilt = [("json", keras.models.model_from_json(model.to_json())),
               ("config", keras.Model.from_config(model.get_config()))]
    for how, copy in rebuilt:
        copy.set_weights(model.get_weights())
        out.append((how, copy))
    return out


def _has_h5py():
    try:
        import h5py  # noqa: F401
    except ImportError:
        return False
    return True


def _assert_copies_predict_alike(model, feeds, tmp_path):
    want = _outputs(model, feeds)
    for how, copy in _copies(model, tmp_path):
        got = _outputs(copy, feeds)
        assert len(got) == len(want), how
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=how)
    return want


def _inbound(model, name):
    return [entry["inbound_nodes"] for entry in model.get_config()["layers"]
            if entry["name"] == name][0]


# ---- graphc round trips ---------------------------------------------------------------
def test_lstm_mask_input_survives_save_json_and_config(tmp_path):
    x, m = keras.Input((None, 4), name="x"), keras.Input((None,), dtype="bool", name="m")
    out = L.LSTM(2, name="lstm")(x, mask=m)
    model = keras.Model([x, m], out)
    feeds = [_normal(2, 3, 4), np.array([[1, 1, 0], [1, 0, 0]], bool)]
    want = _assert_copies_predict_alike(model, feeds, tmp_path)
    unmasked = model.predict([feeds[0], np.ones((2, 3), bool)])
    assert not np.allclose(want[0], unmasked)       # the mask matters to the output
    assert _inbound(model, "lstm") == [[["x", 0, 0, {"mask": ["m", 0, 0]}]]]


def test_attention_mask_list_and_computed_mask(tmp_path):
    q, v = keras.Input((None, 3), name="q"), keras.Input((None, 3), name="v")
    qm, vm = keras.Input((None,), dtype="bool"), keras.Input((None,), dtype="bool")
    a = L.Attention(name="att")([q, v], mask=[qm, gc.logical_not(vm)])
    model = keras.Model([q, v, qm, vm], a)
    feeds = [_normal(2, 2, 3), _normal(2, 4, 3), np.array([[1, 0], [1, 1]], bool),
             np.array([[0, 0, 1, 1], [0, 1, 1, 1]], bool)]
    _assert_copies_predict_alike(model, feeds, tmp_path)
    mask = _inbound(model, "att")[0][0][3]["mask"]
    assert mask[0] == [qm.name.split(":")[0], 0, 0]
    assert mask[1][0] != vm.name.split(":")[0]     # the logical_not's op layer


def test_gru_initial_state_and_count_weights(tmp_path):
    x, h = keras.Input((None, 4)), keras.Input((3,))
    gru = L.GRU(3, name="gru")(x, initial_state=h)
    ids, w = keras.Input((3,), dtype="int32"), keras.Input((3,))
    enc = L.CategoryEncoding(5, output_mode="count", name="enc")(ids, count_weights=w)
    model = keras.Model([x, h, ids, w], [gru, enc])
    feeds = [_normal(2, 3, 4), _normal(2, 3), np.array([[0, 1, 1], [4, 2, 0]], np.int32),
             _normal(2, 3)]
    want = _assert_copies_predict_alike(model, feeds, tmp_path)
    np.testing.assert_allclose(want[1][0, 1], feeds[3][0, 1] + feeds[3][0, 2], rtol=1e-6)
    assert "initial_state" in _inbound(model, "gru")[0][0][3]
    assert "count_weights" in _inbound(model, "enc")[0][0][3]


def test_bidirectional_initial_state_list(tmp_path):
    x = keras.Input((None, 4))
    states = [keras.Input((2,)) for _ in range(4)]
    out = L.Bidirectional(L.LSTM(2), name="bidi")(x, initial_state=states)
    model = keras.Model([x] + states, out)
    _assert_copies_predict_alike(model, [_normal(2, 3, 4)] + [_normal(2, 2)
                                                              for _ in range(4)], tmp_path)
    assert [r[0] for r in _inbound(model, "bidi")[0][0][3]["initial_state"]] == \
        [s.name.split(":")[0] for s in states]


def test_shared_layer_masks_name_their_node(tmp_path):
    """A layer called twice: each call's mask is its own, and a reference names the
    node of the call that made it."""
    x = keras.Input((None, 4))
    m1, m2 = keras.Input((None,), dtype="bool"), keras.Input((None,), dtype="bool")
    lstm = L.LSTM(3, return_sequences=True, name="lstm")
    first, second = lstm(x, mask=m1), lstm(x, mask=m2)
    top = L.LSTM(2, name="top")(first, mask=m2)
    model = keras.Model([x, m1, m2], [top, second])
    mk = np.array([[1, 1, 0], [1, 0, 0]], bool)
    _assert_copies_predict_alike(model, [_normal(2, 3, 4), mk, ~mk], tmp_path)
    assert len(_inbound(model, "lstm")) == 2
    assert _inbound(model, "top")[0][0][:3] == ["lstm", 0, 0]


def test_mha_writes_value_key_and_attention_mask_as_keywords(tmp_path):
    q, v, k = (keras.Input((None, 4), name=n) for n in ("q", "v", "k"))
    am = keras.Input((None, None), dtype="bool", name="am")
    a = L.MultiHeadAttention(2, 3, name="mha")(q, v, key=k, attention_mask=am)
    b, scores = L.MultiHeadAttention(2, 2, name="causal")(
        q, v, use_causal_mask=True, return_attention_scores=True)
    c = L.MultiHeadAttention(2, 2, name="no_key")(q, v, attention_mask=am)
    model = keras.Model([q, v, k, am], [L.Add()([a, b, c]), scores])
    am_value = np.ones((2, 3, 3), bool)
    am_value[0, :, 2] = False
    _assert_copies_predict_alike(model, [_normal(2, 3, 4) for _ in range(3)] + [am_value],
                                 tmp_path)
    assert _inbound(model, "mha") == [[["q", 0, 0, {"value": ["v", 0, 0], "key": ["k", 0, 0],
                                                    "attention_mask": ["am", 0, 0]}]]]
    assert _inbound(model, "causal") == [[["q", 0, 0, {
        "value": ["v", 0, 0], "use_causal_mask": True, "return_attention_scores": True}]]]
    # key defaults to value: left out, as tf_keras writes it
    assert _inbound(model, "no_key") == [[["q", 0, 0, {"value": ["v", 0, 0],
                                                       "attention_mask": ["am", 0, 0]}]]]


def test_mha_self_attention_with_keras_masks(tmp_path):
    x = keras.Input((None, 4))
    h = L.Masking()(x)
    a = L.MultiHeadAttention(2, 2, name="self_att")(h, h)
    model = keras.Model(x, L.LayerNormalization()(L.Add()([h, a])))
    feed = _normal(2, 4, 4)
    feed[0, 3] = 0.0
    feed[1, 1:] = 0.0
    _assert_copies_predict_alike(model, [feed], tmp_path)
    node = _inbound(model, "self_att")[0]
    assert len(node) == 1 and node[0][3]["value"] == node[0][:3]


def test_graphc_configs_of_before_still_load():
    """Configs graphc wrote before tensors went into kwargs: MultiHeadAttention's
    arguments as one input list ([query, value, key, attention_mask])."""
    q, v = keras.Input((None, 4), name="q"), keras.Input((None, 4), name="v")
    am = keras.Input((None, None), dtype="bool", name="am")
    model = keras.Model([q, v, am], L.MultiHeadAttention(2, 2, name="mha")(
        q, v, attention_mask=am))
    config = json.loads(model.to_json())["config"]
    mha = [e for e in config["layers"] if e["name"] == "mha"][0]
    mha["inbound_nodes"] = [[["q", 0, 0, {}], ["v", 0, 0, {}], ["v", 0, 0, {}],
                             ["am", 0, 0, {}]]]
    old = keras.Model.from_config(config)
    old.set_weights(model.get_weights())
    am_value = np.ones((2, 3, 3), bool)
    am_value[:, :, 0] = False
    feeds = [_normal(2, 3, 4), _normal(2, 3, 4), am_value]
    np.testing.assert_allclose(old.predict(feeds), model.predict(feeds), rtol=1e-6)


def test_a_tensor_of_no_keras_layer_cannot_be_saved():
    x = keras.Input((None, 4))
    out = L.LSTM(2, name="lstm")(x, training=keras.backend.learning_phase())
    model = keras.Model(x, out)
    with pytest.raises(NotImplementedError, match="lstm was called with training="):
        model.get_config()


# ---- tf_keras' files ------------------------------------------------------------------
FIXTURES = ["lstm_mask", "att_mask", "gru_state", "bidi_state", "count", "mha",
            "mha_masked"]
# tf_keras appends an RNN's initial_state to its inputs; graphc writes it as a keyword,
# which tf_keras reads too
STATES_AS_INPUTS = ("GRU", "Bidirectional")


def _tf_values(name):
    d = np.load(os.path.join(DATA, "values.npz"))
    feeds = [d[f"{name}:in{i}"] for i in range(8) if f"{name}:in{i}" in d]
    outs = [d[f"{name}:out{i}"] for i in range(2) if f"{name}:out{i}" in d]
    return d.get(f"{name}:weights"), feeds, outs


def _split(flat, model):
    sizes = [int(np.prod(w.shape)) for w in model.get_weights()]
    assert sum(sizes) == flat.size
    parts = np.split(flat, np.cumsum(sizes)[:-1]) if sizes else []
    return [p.reshape(w.shape) for p, w in zip(parts, model.get_weights())]


@pytest.mark.parametrize("name", FIXTURES)
def test_tf_configs_load_and_predict_as_in_tf(name):
    with open(os.path.join(DATA, f"{name}.json")) as f:
        text = f.read()
    model = keras.models.model_from_json(text)
    flat, feeds, want = _tf_values(name)
    model.set_weights(_split(flat, model))
    got = _outputs(model, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
    # graphc writes tf_keras' node data back
    tf_layers = json.loads(text)["config"]["layers"]
    ours = {e["name"]: e["inbound_nodes"] for e in model.get_config()["layers"]}
    for entry in tf_layers:
        if entry["class_name"] not in STATES_AS_INPUTS:
            assert ours[entry["name"]] == entry["inbound_nodes"], entry["name"]


def test_tf_mha_h5_loads_and_predicts_as_in_tf(tmp_path):
    pytest.importorskip("h5py")
    path = tmp_path / "mha.h5"
    with gzip.open(os.path.join(DATA, "mha.h5.gz"), "rb") as f:
        path.write_bytes(f.read())
    with pytest.warns(UserWarning, match="No training configuration"):
        model = keras.models.load_model(str(path))
    _, feeds, want = _tf_values("mha_h5")
    np.testing.assert_allclose(model.predict(feeds), want[0], rtol=1e-5, atol=1e-5)
    assert _inbound(model, "mha") == [[["q", 0, 0, {
        "value": ["v", 0, 0], "key": ["k", 0, 0], "attention_mask": ["am", 0, 0]}]]]


def test_positional_call_arguments_are_kept_by_name_as_tf_keras():
    """tf_keras' Node.serialize names the call's other positional arguments: Dropout
    called as (x, True) is written {"training": true} (TF 2.21's config)."""
    i = gc.keras.Input((4,), name="i")
    d = gc.keras.layers.Dropout(0.5, name="drop")(i, True)
    model = gc.keras.Model(i, gc.keras.layers.Dense(1, name="o")(d))
    assert model.get_config()["layers"][1]["inbound_nodes"] == [[["i", 0, 0,
                                                                  {"training": True}]]]
    again = gc.keras.models.model_from_json(model.to_json())
    assert again.get_config()["layers"][1]["inbound_nodes"] == [[["i", 0, 0,
                                                                  {"training": True}]]]
