"""gc.keras.datasets: load_data parses small files written in tf.keras' formats (get_file
is patched to hand them over, as nothing may be downloaded here), with tf.keras'
arguments, file names, URLs, hashes, dtypes, shapes and word-index encoding."""
import gzip
import json
import os
import pickle

import numpy as np
import pytest

import graphc as gc
import graphc.keras.datasets as ds


def _serve(monkeypatch, module, files):
    """Patch module.get_file to return files[fname] and record its arguments."""
    calls = []

    def fake(fname, origin=None, untar=False, file_hash=None, cache_dir=None,
             cache_subdir="datasets", **kw):
        calls.append(dict(fname=fname, origin=origin, untar=untar, file_hash=file_hash,
                          cache_dir=cache_dir, cache_subdir=cache_subdir))
        return files[fname]
    monkeypatch.setattr(module, "get_file", fake)
    return calls


def test_mnist(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = dict(x_train=rng.integers(0, 255, (5, 28, 28), dtype=np.uint8),
                  y_train=np.arange(5, dtype=np.uint8),
                  x_test=rng.integers(0, 255, (2, 28, 28), dtype=np.uint8),
                  y_test=np.arange(2, dtype=np.uint8))
    np.savez(tmp_path / "mnist.npz", **arrays)
    calls = _serve(monkeypatch, ds.mnist, {"mnist.npz": str(tmp_path / "mnist.npz")})
    (x, y), (xt, yt) = ds.mnist.load_data(cache_dir=str(tmp_path / "cache"))
    np.testing.assert_array_equal(x, arrays["x_train"])
    assert x.dtype == np.uint8 and yt.tolist() == [0, 1] and xt.shape == (2, 28, 28)
    assert calls == [dict(fname="mnist.npz", origin="https://storage.googleapis.com/"
                          "tensorflow/tf-keras-datasets/mnist.npz", untar=False,
                          file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468"
                          "fc17b673d1", cache_dir=str(tmp_path / "cache"),
                          cache_subdir="datasets")]
    assert os.path.isdir(tmp_path / "cache")            # load_data creates cache_dir


def test_fashion_mnist(tmp_path, monkeypatch):
    files = {}
    for name, n in (("train", 3), ("t10k", 2)):
        labels = np.arange(n, dtype=np.uint8)
        images = np.full((n, 28, 28), 7, dtype=np.uint8)
        for kind, header, body in (("labels-idx1", 8, labels), ("images-idx3", 16, images)):
            fname = f"{name}-{kind}-ubyte.gz"
            with gzip.open(tmp_path / fname, "wb") as f:
                f.write(b"\x01" * header + body.tobytes())
            files[fname] = str(tmp_path / fname)
    calls = _serve(monkeypatch, ds.fashion_mnist, files)
    (x, y), (xt, yt) = ds.fashion_mnist.load_data()
    assert x.shape == (3, 28, 28) and (x == 7).all() and y.tolist() == [0, 1, 2]
    assert xt.shape == (2, 28, 28) and yt.dtype == np.uint8
    assert [c["fname"] for c in calls] == ["train-labels-idx1-ubyte.gz",
                                           "train-images-idx3-ubyte.gz",
                                           "t10k-labels-idx1-ubyte.gz",
                                           "t10k-images-idx3-ubyte.gz"]
    assert calls[0]["cache_subdir"] == os.path.join("datasets", "fashion-mnist")


def _cifar_batch(path, data, **labels):
    d = {b"data": data}
    d.update({k.encode(): v for k, v in labels.items()})
    with open(path, "wb") as f:
        pickle.dump(d, f)


def test_cifar100_and_load_batch(tmp_path, monkeypatch):
    root = tmp_path / "cifar-100-python"
    root.mkdir()
    data = np.arange(2 * 3072, dtype=np.uint32).astype(np.uint8).reshape(2, 3072)
    _cifar_batch(root / "train", data, fine_labels=[5, 99], coarse_labels=[1, 19])
    _cifar_batch(root / "test", data[:1], fine_labels=[3], coarse_labels=[0])
    calls = _serve(monkeypatch, ds.cifar100, {"cifar-100-python": str(root)})
    (x, y), (xt, yt) = ds.cifar100.load_data()
    assert x.shape == (2, 32, 32, 3) and y.tolist() == [[5], [99]] and yt.shape == (1, 1)
    # the file holds channel planes: pixel (0, 1) of channel 2 is byte 2 * 1024 + 1
    assert x[0, 0, 1, 2] == (2 * 1024 + 1) % 256
    assert ds.cifar100.load_data("coarse")[0][1].tolist() == [[1], [19]]
    assert calls[0]["untar"] and calls[0]["origin"].endswith("cifar-100-python.tar.gz")
    with pytest.raises(ValueError, match="label_mode"):
        ds.cifar100.load_data("medium")
    gc.keras.backend.set_image_data_format("channels_first")
    try:
        assert ds.cifar100.load_data()[0][0].shape == (2, 3, 32, 32)
    finally:
        gc.keras.backend.set_image_data_format("channels_last")


def test_cifar10(tmp_path, monkeypatch):
    root = tmp_path / "cifar-10-batches-py"
    root.mkdir()
    # load_data reads five 10000-image training batches; small ones are stood in for
    # by patching load_batch, whose parsing test_cifar100_and_load_batch covers
    seen = []

    def load_batch(fpath, label_key="labels"):
        seen.append(os.path.basename(fpath))
        n = 10000 if "data_batch" in fpath else 3
        return np.full((n, 3, 32, 32), len(seen), np.uint8), [len(seen)] * n
    monkeypatch.setattr(ds.cifar10, "load_batch", load_batch)
    _serve(monkeypatch, ds.cifar10, {"cifar-10-batches-py": str(root)})
    (x, y), (xt, yt) = ds.cifar10.load_data()
    assert seen == [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    assert x.shape == (50000, 32, 32, 3) and y.shape == (50000, 1) and y.dtype == np.uint8
    assert x[10000, 0, 0, 0] == 2 and y[49999, 0] == 5
    assert xt.shape == (3, 32, 32, 3) and yt.dtype == np.uint8 and yt[0, 0] == 6


def test_boston_housing(tmp_path, monkeypatch):
    x = np.arange(10 * 13, dtype=np.float64).reshape(10, 13)
    np.savez(tmp_path / "b.npz", x=x, y=np.arange(10.0))
    _serve(monkeypatch, ds.boston_housing, {"boston_housing.npz": str(tmp_path / "b.npz")})
    (xtr, ytr), (xte, yte) = ds.boston_housing.load_data(test_split=0.3, seed=1)
    order = np.arange(10)
    np.random.RandomState(1).shuffle(order)
    assert ytr.tolist() == order[:7].tolist() and yte.tolist() == order[7:].tolist()
    np.testing.assert_array_equal(xtr, x[order[:7]])
    with pytest.raises(AssertionError):
        ds.boston_housing.load_data(test_split=1.0)


@pytest.fixture
def word_files(tmp_path):
    train = np.array([[1, 2, 3], [4, 5], [6, 7, 8, 9]], dtype=object)
    test = np.array([[2, 2], [10, 1, 1, 1, 1]], dtype=object)
    np.savez(tmp_path / "imdb.npz", x_train=train, y_train=np.array([0, 1, 0]),
             x_test=test, y_test=np.array([1, 1]))
    np.savez(tmp_path / "reuters.npz", x=np.concatenate([train, test]),
             y=np.array([3, 1, 4, 1, 5]))
    with open(tmp_path / "index.json", "w") as f:
        json.dump({"good": 1, "bad": 2}, f)
    return {"imdb.npz": str(tmp_path / "imdb.npz"),
            "reuters.npz": str(tmp_path / "reuters.npz"),
            "imdb_word_index.json": str(tmp_path / "index.json"),
            "reuters_word_index.json": str(tmp_path / "index.json")}


def _by_label(x, y):
    return sorted((int(lab), list(seq)) for seq, lab in zip(x, y))


def test_imdb(monkeypatch, word_files):
    calls = _serve(monkeypatch, ds.imdb, word_files)
    (x, y), (xt, yt) = ds.imdb.load_data(seed=0)
    assert x.dtype == object and len(x) == 3 and len(xt) == 2
    # start_char 1, indices + 3; num_words None -> the largest index (13) becomes oov 2
    assert _by_label(x, y) == [(0, [1, 4, 5, 6]), (0, [1, 9, 10, 11, 12]), (1, [1, 7, 8])]
    assert _by_label(xt, yt) == [(1, [1, 2, 4, 4, 4, 4]), (1, [1, 5, 5])]
    (x, _), _ = ds.imdb.load_data(num_words=9, skip_top=5, maxlen=5, start_char=None,
                                  index_from=2, oov_char=None)
    # maxlen keeps sequences shorter than 5; indices outside [5, 9) are dropped
    assert sorted(list(s) for s in x) == [[5], [6, 7], [8]]
    assert ds.imdb.get_word_index() == {"good": 1, "bad": 2}
    assert calls[-1]["file_hash"] == "bfafd718b763782e994055a2d397834f"
    with pytest.raises(ValueError, match="no sequence was kept"):
        ds.imdb.load_data(maxlen=2)
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        ds.imdb.load_data(bogus=1)
    with pytest.warns(UserWarning, match="nb_words"):
        ds.imdb.load_data(nb_words=5)


def test_reuters(monkeypatch, word_files):
    _serve(monkeypatch, ds.reuters, word_files)
    (x, y), (xt, yt) = ds.reuters.load_data(test_split=0.4, num_words=100, index_from=0)
    assert len(x) == 3 and len(xt) == 2 and y.dtype == yt.dtype
    pairs = _by_label(np.concatenate([x, xt]), np.concatenate([y, yt]))
    assert pairs == [(1, [1, 2, 2]), (1, [1, 4, 5]), (3, [1, 1, 2, 3]),
                     (4, [1, 6, 7, 8, 9]), (5, [1, 10, 1, 1, 1, 1])]
    assert ds.reuters.get_word_index() == {"good": 1, "bad": 2}
    names = ds.reuters.get_label_names()
    assert len(names) == 46 and names[0] == "cocoa" and names[-1] == "lead"
