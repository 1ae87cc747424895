"""gc.keras.preprocessing and gc.keras.datasets against tf_keras: Tokenizer and the text
functions, the sequence utilities, ImageDataGenerator and the numpy image transforms
(tf_keras resamples with scipy.ndimage), and load_data parsing the same small files in
tf_keras' formats. Skipped without TensorFlow / tf_keras (CI has neither)."""
import gzip
import importlib
import json
import pickle
import random

import numpy as np
import pytest

import graphc as gc
import graphc.keras.datasets  # noqa: F401 (until gc.keras imports them itself)
import graphc.keras.preprocessing  # noqa: F401
from keras_parity import tfk

pytest.importorskip("scipy")
GP, TP = gc.keras.preprocessing, tfk.preprocessing

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "cat and dog, dog and cat",
         "a b c d e f g", "", "Zebra zebra ZEBRA"]


def _tok_state(t):
    return (dict(t.word_counts), dict(t.word_docs), dict(t.index_docs), t.word_index,
            t.index_word, t.document_count)


@pytest.mark.parametrize("kw", [{}, {"num_words": 5}, {"oov_token": "<unk>"},
                                {"num_words": 4, "oov_token": "<unk>"},
                                {"char_level": True}, {"lower": False, "split": "a"},
                                {"oov_token": "cat"}])
def test_tokenizer(kw):
    tokens = [["Cat", "dog"], ["x"]]
    g, t = GP.text.Tokenizer(**kw), TP.text.Tokenizer(**kw)
    for tok in (g, t):
        tok.fit_on_texts(TEXTS)
        tok.fit_on_texts(tokens)
        tok.fit_on_sequences([[1, 2, 2], [3]])
    assert _tok_state(g) == _tok_state(t)
    probe = TEXTS + ["unknown words here cat", ["dog", "NEW"]]
    assert g.texts_to_sequences(probe) == t.texts_to_sequences(probe)
    seqs = [[1, 2, 3, 99], [], [4, 4, 0, 7]]
    assert g.sequences_to_texts(seqs) == t.sequences_to_texts(seqs)
    for mode in ("binary", "count", "tfidf", "freq"):
        a, b = g.texts_to_matrix(probe, mode=mode), t.texts_to_matrix(probe, mode=mode)
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert g.get_config() == t.get_config()
    assert g.to_json(indent=1) == t.to_json(indent=1)
    g2 = GP.text.tokenizer_from_json(t.to_json())
    t2 = TP.text.tokenizer_from_json(g.to_json())
    assert _tok_state(g2) == _tok_state(t2)
    assert g2.texts_to_sequences(probe) == t2.texts_to_sequences(probe)


def test_tokenizer_errors():
    for lib in (GP, TP):
        with pytest.raises(ValueError, match="Specify a dimension"):
            lib.text.Tokenizer().sequences_to_matrix([[1]])
        with pytest.raises(ValueError, match="tfidf"):
            lib.text.Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")
        with pytest.raises(TypeError, match="Unrecognized keyword"):
            lib.text.Tokenizer(foo=1)


def test_text_functions():
    for text in TEXTS + ["tabs\tand\nnewlines--here", "  spaced   out  "]:
        for kw in ({}, {"lower": False}, {"filters": "a"}, {"split": "e"}):
            assert GP.text.text_to_word_sequence(text, **kw) == \
                TP.text.text_to_word_sequence(text, **kw)
        assert GP.text.one_hot(text, 20) == TP.text.one_hot(text, 20)
        assert GP.text.hashing_trick(text, 7, "md5") == TP.text.hashing_trick(text, 7, "md5")
        assert GP.text.hashing_trick(text, 9, len, analyzer=str.split) == \
            TP.text.hashing_trick(text, 9, len, analyzer=str.split)


@pytest.mark.parametrize("kw", [{}, {"maxlen": 2}, {"padding": "post", "truncating": "post"},
                                {"dtype": "float32", "value": -1.5}])
def test_pad_sequences(kw):
    seqs = [[1, 2, 3], [4], [], [5, 6]]
    a, b = GP.sequence.pad_sequences(seqs, **kw), TP.sequence.pad_sequences(seqs, **kw)
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kw", [dict(length=10, sampling_rate=2, batch_size=2),
                                dict(length=3, stride=2, start_index=4, end_index=30,
                                     batch_size=5, reverse=True),
                                dict(length=5, shuffle=True, batch_size=7)])
def test_timeseries_generator(kw):
    data = np.arange(100).reshape(50, 2)
    targets = np.arange(50) * 10
    g = GP.sequence.TimeseriesGenerator(data, targets, **kw)
    t = TP.sequence.TimeseriesGenerator(data, targets, **kw)
    assert len(g) == len(t)
    for i in range(len(g)):
        np.random.seed(i)
        a = g[i]
        np.random.seed(i)
        b = t[i]
        for u, v in zip(a, b):
            assert u.shape == v.shape and u.dtype == v.dtype
            np.testing.assert_array_equal(u, v)
    assert g.get_config() == t.get_config()
    assert g.to_json() == t.to_json()


@pytest.mark.parametrize("kw", [{}, {"window_size": 1, "shuffle": False},
                                {"negative_samples": 0.5, "categorical": True, "seed": 3},
                                {"sampling_table": "table"}])
def test_skipgrams(kw):
    seq = [1, 5, 0, 2, 7, 7, 3, 9]
    kw = dict(kw)
    if kw.get("sampling_table") == "table":
        kw["sampling_table"] = GP.sequence.make_sampling_table(10, sampling_factor=0.1)
    random.seed(11)
    a = GP.sequence.skipgrams(seq, 10, **kw)
    random.seed(11)
    b = TP.sequence.skipgrams(seq, 10, **kw)
    assert a == b


def test_make_sampling_table():
    for size, f in ((1, 1e-5), (50, 1e-5), (20, 0.3)):
        a, b = GP.sequence.make_sampling_table(size, f), TP.sequence.make_sampling_table(
            size, f)
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def _affine_cases():
    rng = np.random.default_rng(0)
    for i in range(40):
        mode = ["constant", "nearest", "reflect", "wrap", "mirror"][i % 5]
        axes = [(1, 2, 0), (0, 1, 2), (2, 1, 0), (1, 0, 2)][i % 4]
        kw = dict(theta=float(rng.uniform(-90, 90)) * (i % 3 != 0),
                  tx=float(rng.uniform(-4, 4)) * (i % 2), ty=float(rng.uniform(-4, 4)),
                  shear=float(rng.uniform(-30, 30)) * (i % 4 == 1),
                  zx=float(rng.uniform(0.6, 1.5)), zy=float(rng.uniform(0.6, 1.5)) * (i % 3 != 2)
                  or 1, row_axis=axes[0], col_axis=axes[1], channel_axis=axes[2],
                  fill_mode=mode, cval=float(rng.uniform(-1, 1)), order=(i // 5) % 2)
        shape = [0, 0, 0]
        shape[axes[0]], shape[axes[1]], shape[axes[2]] = 7, 9, 3
        yield rng.normal(size=shape).astype(np.float32), kw


@pytest.mark.parametrize("case", list(_affine_cases()))
def test_apply_affine_transform(case):
    x, kw = case
    a = GP.image.apply_affine_transform(x.copy(), **kw)
    b = TP.image.apply_affine_transform(x.copy(), **kw)
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_random_functions():
    x = np.random.default_rng(1).normal(size=(3, 8, 6)).astype(np.float32)
    calls = [("random_rotation", (x, 40), {"fill_mode": "reflect"}),
             ("random_shift", (x, 0.2, 0.3), {"fill_mode": "wrap"}),
             ("random_shear", (x, 20), {"fill_mode": "constant", "cval": 0.5}),
             ("random_zoom", (x, (0.7, 1.3)), {"interpolation_order": 0}),
             ("random_channel_shift", (x, 0.5), {})]
    for name, args, kw in calls:
        np.random.seed(5)
        a = getattr(GP.image, name)(*args, **kw)
        np.random.seed(5)
        b = getattr(TP.image, name)(*args, **kw)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5, err_msg=name)


GEN_CONFIGS = [
    dict(rotation_range=30, width_shift_range=0.2, height_shift_range=3, shear_range=10,
         zoom_range=0.3, channel_shift_range=0.2, horizontal_flip=True, vertical_flip=True,
         fill_mode="reflect", rescale=0.5),
    dict(featurewise_center=True, featurewise_std_normalization=True,
         samplewise_center=True, samplewise_std_normalization=True,
         width_shift_range=[1, 2], fill_mode="constant", cval=0.3),
    dict(zca_whitening=True, zca_epsilon=1e-3, zoom_range=[0.8, 1.0], fill_mode="wrap"),
    dict(rotation_range=10, data_format="channels_first", height_shift_range=0.1,
         featurewise_center=True, interpolation_order=0, validation_split=0.25),
]


@pytest.mark.parametrize("cfg", GEN_CONFIGS)
def test_image_data_generator(cfg):
    first = cfg.get("data_format") == "channels_first"
    shape = (12, 3, 6, 5) if first else (12, 6, 5, 3)
    x = np.random.default_rng(2).uniform(0, 1, size=shape).astype(np.float32)
    y = np.arange(12) % 3
    outs = []
    for lib in (GP, TP):
        gen = lib.image.ImageDataGenerator(**cfg)
        gen.fit(x, augment=True, rounds=2, seed=4)
        stats = [gen.mean, gen.std, gen.zca_whitening_matrix]
        it = gen.flow(x, y, batch_size=5, seed=7, sample_weight=np.arange(12.0))
        batches = [next(it) for _ in range(4)] + [it[1]]
        if cfg.get("validation_split"):
            batches.append(next(gen.flow(x, y, batch_size=3, seed=2, subset="validation")))
        params = gen.get_random_transform(x.shape[1:], seed=3)
        outs.append((stats, batches, params, gen.random_transform(x[0], seed=9),
                     gen.standardize(x[:2].copy())))
    for a, b in zip(outs[0][0], outs[1][0]):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    for ba, bb in zip(outs[0][1], outs[1][1]):
        for u, v in zip(ba, bb):
            assert u.dtype == v.dtype
            np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-4)
    assert outs[0][2] == outs[1][2]
    for k in (3, 4):
        np.testing.assert_allclose(outs[0][k], outs[1][k], rtol=1e-4, atol=1e-4)


def test_flow_extras_and_errors():
    x = np.random.default_rng(3).uniform(size=(6, 4, 4, 1)).astype(np.float32)
    extra = np.arange(6) * 2.0
    for lib in (GP, TP):
        with pytest.raises(ValueError, match="should have rank 4"):
            lib.image.ImageDataGenerator().flow(np.zeros((3, 4, 4)))
        with pytest.raises(ValueError, match="same length"):
            lib.image.ImageDataGenerator().flow(x, np.arange(5))
    a = GP.image.ImageDataGenerator().flow((x, [extra, extra]), shuffle=False, batch_size=4)
    b = TP.image.ImageDataGenerator().flow((x, [extra, extra]), shuffle=False, batch_size=4)
    for u, v in zip(a[1], b[1]):
        np.testing.assert_array_equal(u, v)


def test_brightness_with_pil():
    pytest.importorskip("PIL")
    rng = np.random.default_rng(4)
    for shape, scale, low, high in (((5, 6, 3), True, 0, 1), ((5, 6, 1), False, 0, 255),
                                    ((4, 4, 4), False, -3, 300), ((3, 7, 3), False, 0, 200)):
        x = rng.uniform(low, high, size=shape).astype(np.float32)
        for f in (0.3, 1.0, 1.7):
            a = GP.image.apply_brightness_shift(x, f, scale)
            b = TP.image.apply_brightness_shift(x, f, scale)
            assert a.dtype == b.dtype
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-4)


# ---- datasets: the same small files in tf_keras' formats, get_file patched in both ----

def _patch(monkeypatch, module, files):
    """get_file of gc.keras.datasets.<module> and tf_keras' one return files[fname]."""
    def fake(fname, origin=None, untar=False, file_hash=None, cache_dir=None, **kw):
        calls.append((fname, origin, untar, file_hash, kw.get("cache_subdir")))
        return files[fname]
    calls = []
    for mod in (getattr(gc.keras.datasets, module),
                importlib.import_module(f"tf_keras.src.datasets.{module}")):
        monkeypatch.setattr(mod, "get_file", fake)
    return calls


def _both(module, *args, **kwargs):
    ours = getattr(gc.keras.datasets, module).load_data(*args, **kwargs)
    theirs = getattr(tfk.datasets, module).load_data(*args, **kwargs)
    return ours, theirs


def _same(a, b):
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            _same(u, v)
        return
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype == object:
        assert [list(r) for r in a] == [list(r) for r in b]
    else:
        np.testing.assert_array_equal(a, b)


def test_mnist_and_boston(tmp_path, monkeypatch):
    rng = np.random.default_rng(5)
    np.savez(tmp_path / "m.npz", x_train=rng.integers(0, 255, (7, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 9, 7, dtype=np.uint8),
             x_test=rng.integers(0, 255, (3, 28, 28), dtype=np.uint8),
             y_test=rng.integers(0, 9, 3, dtype=np.uint8))
    np.savez(tmp_path / "b.npz", x=rng.normal(size=(21, 13)), y=rng.normal(size=21))
    calls = _patch(monkeypatch, "mnist", {"mnist.npz": str(tmp_path / "m.npz")})
    _same(*_both("mnist"))
    assert calls[0] == calls[1]
    calls = _patch(monkeypatch, "boston_housing", {"boston_housing.npz": str(tmp_path / "b.npz")})
    _same(*_both("boston_housing"))
    _same(*_both("boston_housing", test_split=0.3, seed=2))
    assert calls[0] == calls[1]


def test_fashion_mnist(tmp_path, monkeypatch):
    rng = np.random.default_rng(6)
    files = {}
    for name, n in (("train", 5), ("t10k", 2)):
        labels = rng.integers(0, 9, n, dtype=np.uint8)
        images = rng.integers(0, 255, (n, 28, 28), dtype=np.uint8)
        for kind, header, body in (("labels-idx1", 8, labels), ("images-idx3", 16, images)):
            fname = f"{name}-{kind}-ubyte.gz"
            with gzip.open(tmp_path / fname, "wb") as f:
                f.write(bytes(header) + body.tobytes())
            files[fname] = str(tmp_path / fname)
    calls = _patch(monkeypatch, "fashion_mnist", files)
    _same(*_both("fashion_mnist"))
    assert calls[:4] == calls[4:]


def _cifar_file(path, n, keys, rng):
    d = {b"data": rng.integers(0, 255, (n, 3072), dtype=np.uint8)}
    for k in keys:
        d[k.encode()] = [int(v) for v in rng.integers(0, 99, n)]
    with open(path, "wb") as f:
        pickle.dump(d, f)


def test_cifar(tmp_path, monkeypatch):
    rng = np.random.default_rng(7)
    c10 = tmp_path / "cifar-10-batches-py"
    c10.mkdir()
    # cifar10's load_data expects 10000 images per batch file
    for i in range(1, 6):
        _cifar_file(c10 / f"data_batch_{i}", 10000, ["labels"], rng)
    _cifar_file(c10 / "test_batch", 4, ["labels"], rng)
    c100 = tmp_path / "cifar-100-python"
    c100.mkdir()
    for name, n in (("train", 6), ("test", 3)):
        _cifar_file(c100 / name, n, ["fine_labels", "coarse_labels"], rng)
    _patch(monkeypatch, "cifar10", {"cifar-10-batches-py": str(c10)})
    _same(*_both("cifar10"))
    _patch(monkeypatch, "cifar100", {"cifar-100-python": str(c100)})
    _same(*_both("cifar100"))
    _same(*_both("cifar100", "coarse"))


def _word_data(rng, n):
    return np.array([list(rng.integers(1, 30, rng.integers(1, 12))) for _ in range(n)],
                    dtype=object)


@pytest.mark.parametrize("kw", [{}, {"num_words": 15, "skip_top": 3}, {"maxlen": 8},
                                {"start_char": None, "oov_char": None, "index_from": 1},
                                {"seed": 3, "num_words": 10, "oov_char": 9}])
def test_imdb_reuters(tmp_path, monkeypatch, kw):
    rng = np.random.default_rng(8)
    np.savez(tmp_path / "imdb.npz", x_train=_word_data(rng, 9), y_train=rng.integers(0, 2, 9),
             x_test=_word_data(rng, 6), y_test=rng.integers(0, 2, 6))
    np.savez(tmp_path / "reuters.npz", x=_word_data(rng, 13), y=rng.integers(0, 46, 13))
    with open(tmp_path / "wi.json", "w") as f:
        json.dump({"the": 1, "movie": 2}, f)
    _patch(monkeypatch, "imdb", {"imdb.npz": str(tmp_path / "imdb.npz"),
                                 "imdb_word_index.json": str(tmp_path / "wi.json")})
    _same(*_both("imdb", **kw))
    assert gc.keras.datasets.imdb.get_word_index() == tfk.datasets.imdb.get_word_index()
    _patch(monkeypatch, "reuters", {"reuters.npz": str(tmp_path / "reuters.npz"),
                                    "reuters_word_index.json": str(tmp_path / "wi.json")})
    _same(*_both("reuters", **kw))
    _same(*_both("reuters", test_split=0.5, **kw))
    assert gc.keras.datasets.reuters.get_word_index() == tfk.datasets.reuters.get_word_index()
    assert gc.keras.datasets.reuters.get_label_names() == \
        tfk.datasets.reuters.get_label_names()


def test_dataset_origins(monkeypatch, tmp_path):
    """The file names, URLs, hashes and cache folders passed to get_file."""
    seen = {}
    for module in ("mnist", "boston_housing", "imdb", "reuters", "cifar10", "cifar100",
                   "fashion_mnist"):
        for which, mod in (("gc", getattr(gc.keras.datasets, module)),
                           ("tf", importlib.import_module(f"tf_keras.src.datasets.{module}"))):
            def fake(fname, origin=None, untar=False, file_hash=None, cache_dir=None,
                     cache_subdir="datasets", _key=(module, which), **kw):
                seen.setdefault(_key, []).append((fname, origin, untar, file_hash,
                                                  cache_dir, cache_subdir))
                raise StopIteration
            monkeypatch.setattr(mod, "get_file", fake)
            with pytest.raises(StopIteration):
                mod.load_data(cache_dir=str(tmp_path / "c"))
        assert seen[(module, "gc")] == seen[(module, "tf")], module


def test_brightness_generator_and_pil_utils(tmp_path):
    pytest.importorskip("PIL")
    x = np.random.default_rng(9).uniform(0, 255, size=(4, 5, 6, 3)).astype(np.float32)
    outs = []
    for lib in (GP, TP):
        gen = lib.image.ImageDataGenerator(brightness_range=(0.5, 1.5), rotation_range=5)
        batch = next(gen.flow(x, batch_size=4, seed=1))
        img = lib.image.array_to_img(x[0])
        lib.image.save_img(str(tmp_path / f"{lib is GP}.png"), x[1])
        loaded = lib.image.load_img(str(tmp_path / f"{lib is GP}.png"), target_size=(3, 4),
                                    interpolation="bilinear", keep_aspect_ratio=True)
        gray = lib.image.load_img(str(tmp_path / f"{lib is GP}.png"), color_mode="grayscale")
        outs.append([batch, lib.image.img_to_array(img), lib.image.img_to_array(loaded),
                     lib.image.img_to_array(gray, data_format="channels_first")])
    for a, b in zip(*outs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-3)
