"""gc.keras.preprocessing: Tokenizer and the text functions, the sequence utilities,
ImageDataGenerator and the numpy image transforms (expected values worked out by hand or
taken from scipy.ndimage / tf_keras runs; tests/test_tf_parity_keras_preprocessing.py
compares with tf_keras directly)."""
import hashlib
import json
import random

import numpy as np
import pytest

import graphc as gc
import graphc.keras.preprocessing  # noqa: F401 (until gc.keras imports it itself)
from graphc.keras.preprocessing import sequence, text


# ---- text ----

def test_text_to_word_sequence():
    assert text.text_to_word_sequence("This is a sample sentence.") == \
        ["this", "is", "a", "sample", "sentence"]
    assert text.text_to_word_sequence("Don't STOP--now", lower=False) == \
        ["Don't", "STOP", "now"]
    assert text.text_to_word_sequence("a1b1c", filters="", split="1") == ["a", "b", "c"]


def test_hashing_trick_and_one_hot():
    words = ["the", "cat", "the"]
    expected = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 9 + 1 for w in words]
    assert text.hashing_trick("The cat, the", 10, hash_function="md5") == expected
    assert text.hashing_trick("ab abc", 5, hash_function=len) == [3, 4]
    assert text.hashing_trick("A-B", 5, len, analyzer=lambda s: s.split("-")) == [2, 2]
    out = text.one_hot("the cat sat on the mat", 7)
    assert len(out) == 6 and all(1 <= i < 7 for i in out) and out[0] == out[4]


def test_tokenizer_index_order_and_sequences():
    tok = text.Tokenizer()
    tok.fit_on_texts(["b a", "a c c", "d"])
    # counts a 2, c 2, b 1, d 1: ties keep first-seen order
    assert tok.word_index == {"a": 1, "c": 2, "b": 3, "d": 4}
    assert tok.index_word == {1: "a", 2: "c", 3: "b", 4: "d"}
    assert tok.word_docs == {"b": 1, "a": 2, "c": 1, "d": 1}
    assert dict(tok.index_docs) == {3: 1, 1: 2, 2: 1, 4: 1}
    assert tok.document_count == 3
    assert tok.texts_to_sequences(["d c x a"]) == [[4, 2, 1]]
    assert tok.sequences_to_texts([[4, 2, 9, 1]]) == ["d c a"]
    small = text.Tokenizer(num_words=3, oov_token="?")
    small.fit_on_texts(["b a", "a c c", "d"])
    assert small.word_index == {"?": 1, "a": 2, "c": 3, "b": 4, "d": 5}
    assert small.texts_to_sequences(["a c zz"]) == [[2, 1, 1]]
    assert small.sequences_to_texts([[2, 3, 77]]) == ["a ? ?"]
    assert list(small.texts_to_sequences_generator([["A", "b"]])) == [[2, 1]]


def test_tokenizer_char_level_and_token_lists():
    tok = text.Tokenizer(char_level=True)
    tok.fit_on_texts(["abA"])
    assert tok.word_index == {"a": 1, "b": 2}
    tok2 = text.Tokenizer(lower=False)
    tok2.fit_on_texts([["X", "y", "X"]])
    assert tok2.word_counts == {"X": 2, "y": 1}


def test_tokenizer_matrix_modes():
    tok = text.Tokenizer()
    tok.fit_on_texts(["a a b", "b c"])        # a: 1, b: 2, c: 3 (a, b both count 2)
    seqs = [[1, 1, 2], [], [3, 9]]
    np.testing.assert_array_equal(tok.sequences_to_matrix(seqs, "binary"),
                                  [[0, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 1]])
    np.testing.assert_array_equal(tok.sequences_to_matrix(seqs, "count"),
                                  [[0, 2, 1, 0], [0, 0, 0, 0], [0, 0, 0, 1]])
    np.testing.assert_allclose(tok.sequences_to_matrix(seqs, "freq"),
                               [[0, 2 / 3, 1 / 3, 0], [0, 0, 0, 0], [0, 0, 0, 0.5]])
    tfidf = tok.sequences_to_matrix(seqs, "tfidf")
    # (1 + log c) * log(1 + docs / (1 + docs containing the word))
    assert tfidf[0, 1] == pytest.approx((1 + np.log(2)) * np.log(1 + 2 / 2))
    assert tfidf[0, 2] == pytest.approx(np.log(1 + 2 / 3))
    assert tfidf.dtype == np.float64 and tfidf.shape == (3, 4)
    assert tok.texts_to_matrix(["c c"], mode="count").tolist() == [[0, 0, 0, 2]]
    with pytest.raises(ValueError, match="Unknown vectorization mode"):
        tok.sequences_to_matrix([[1]], mode="bogus")


def test_tokenizer_fit_on_sequences_and_errors():
    tok = text.Tokenizer(num_words=4)
    tok.fit_on_sequences([[1, 1, 2], [2]])
    assert tok.document_count == 2 and dict(tok.index_docs) == {1: 1, 2: 2}
    assert tok.sequences_to_matrix([[1]], "tfidf")[0, 1] == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match="Specify a dimension"):
        text.Tokenizer().texts_to_matrix(["a"])
    with pytest.raises(ValueError, match="Fit the Tokenizer"):
        text.Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        text.Tokenizer(bogus=1)
    with pytest.warns(UserWarning, match="nb_words"):
        assert text.Tokenizer(nb_words=7).num_words == 7


def test_tokenizer_json_round_trip():
    tok = text.Tokenizer(num_words=10, oov_token="<unk>", document_count=5)
    tok.fit_on_texts(["hello world", "hello there"])
    cfg = tok.get_config()
    assert cfg["document_count"] == 7 and json.loads(cfg["word_index"])["hello"] == 2
    assert set(cfg) == {"num_words", "filters", "lower", "split", "char_level", "oov_token",
                        "document_count", "word_counts", "word_docs", "index_docs",
                        "index_word", "word_index"}
    blob = tok.to_json()
    assert json.loads(blob)["class_name"] == "Tokenizer"
    back = text.tokenizer_from_json(blob)
    assert back.word_index == tok.word_index and back.index_word == tok.index_word
    assert back.index_docs == dict(tok.index_docs) and back.num_words == 10
    assert back.texts_to_sequences(["hello you"]) == [[2, 1]]


# ---- sequence ----

def test_timeseries_generator_example():
    data = np.array([[i] for i in range(50)])
    gen = sequence.TimeseriesGenerator(data, data, length=10, sampling_rate=2, batch_size=2)
    assert len(gen) == 20
    x, y = gen[0]
    np.testing.assert_array_equal(x, [[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]])
    np.testing.assert_array_equal(y, [[10], [11]])
    rev = sequence.TimeseriesGenerator(data, data, length=3, stride=4, start_index=5,
                                       end_index=20, batch_size=3, reverse=True)
    assert len(rev) == 2 and rev.start_index == 8
    x, y = rev[0]
    np.testing.assert_array_equal(x[:, :, 0], [[7, 6, 5], [11, 10, 9], [15, 14, 13]])
    np.testing.assert_array_equal(y[:, 0], [8, 12, 16])
    np.testing.assert_array_equal(rev[1][0][:, :, 0], [[19, 18, 17]])
    last = sequence.TimeseriesGenerator(np.arange(10), np.arange(10), length=3,
                                        batch_size=4)
    assert len(last) == 2 and last[1][1].tolist() == [7, 8, 9]
    assert isinstance(last, gc.keras.utils.Sequence)


def test_timeseries_generator_errors_and_config():
    with pytest.raises(ValueError, match="same length"):
        sequence.TimeseriesGenerator(np.zeros(5), np.zeros(4), length=2)
    with pytest.raises(ValueError, match="is disallowed"):
        sequence.TimeseriesGenerator(np.zeros(5), np.zeros(5), length=5)
    gen = sequence.TimeseriesGenerator(np.arange(6), np.arange(6), length=2, batch_size=3)
    cfg = gen.get_config()
    assert json.loads(cfg["data"]) == [0, 1, 2, 3, 4, 5] and cfg["start_index"] == 2
    assert json.loads(gen.to_json())["class_name"] == "TimeseriesGenerator"
    bad = sequence.TimeseriesGenerator([object()] * 4, [0] * 4, length=1)
    with pytest.raises(TypeError, match="Data not JSON Serializable"):
        bad.get_config()


def test_timeseries_generator_trains_with_fit():
    series = np.sin(np.arange(60) / 5.0).astype(np.float32)
    gen = sequence.TimeseriesGenerator(series[:, None], series, length=4, batch_size=8)
    with gc.Graph().as_default():
        model = gc.keras.Sequential([gc.keras.layers.Flatten(input_shape=(4, 1)),
                                     gc.keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        hist = model.fit(gen, epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2


def test_pad_sequences_is_utils_one():
    assert sequence.pad_sequences is gc.keras.utils.pad_sequences
    np.testing.assert_array_equal(sequence.pad_sequences([[1, 2], [3]], maxlen=3),
                                  [[0, 1, 2], [0, 0, 3]])


def test_skipgrams():
    couples, labels = sequence.skipgrams([1, 2, 3], 4, window_size=1, shuffle=False,
                                         negative_samples=0)
    assert couples == [[1, 2], [2, 1], [2, 3], [3, 2]] and labels == [1, 1, 1, 1]
    random.seed(0)
    couples, labels = sequence.skipgrams([0, 1, 2, 0, 3], 5, window_size=2, seed=4,
                                         categorical=True)
    assert len(couples) == 2 * labels.count([0, 1]) and len(labels) == len(couples)
    positives = {tuple(c) for c, lab in zip(couples, labels) if lab == [0, 1]}
    assert positives == {(1, 2), (2, 1), (2, 3), (3, 2)}
    assert all(1 <= c[1] < 5 for c, lab in zip(couples, labels) if lab == [1, 0])
    kept, _ = sequence.skipgrams([1, 2, 3], 4, sampling_table=np.zeros(4), shuffle=False)
    assert kept == []


def test_make_sampling_table():
    table = sequence.make_sampling_table(6, sampling_factor=1e-5)
    rank = np.array([1, 1, 2, 3, 4, 5], dtype=np.float64)
    f = 1e-5 * (rank * (np.log(rank) + 0.577) + 0.5 - 1 / (12 * rank))
    np.testing.assert_allclose(table, np.minimum(1.0, np.sqrt(f)))
    assert sequence.make_sampling_table(3, sampling_factor=10.0).tolist() == [1, 1, 1]
