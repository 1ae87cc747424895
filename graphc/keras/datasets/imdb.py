"""gc.keras.datasets.imdb: 50,000 movie reviews as word-index sequences, labelled by
sentiment (tf.keras.datasets.imdb)."""
import json
import warnings

import numpy as np

from ..utils_data import get_file
from ._util import ORIGIN, encode_words, limit_words, prepare_cache_dir, remove_long_seq

__all__ = ["load_data", "get_word_index"]


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, cache_dir=None, **kwargs):
    """((x_train, y_train), (x_test, y_test)): object arrays of word-index lists and
    their 0/1 labels. Each split is shuffled by np.random.RandomState(seed); indices
    become index + index_from with start_char in front; with maxlen only sequences
    shorter than maxlen stay; indices outside [skip_top, num_words) become oov_char
    (or are dropped when it is None).

        (x_train, y_train), _ = gc.keras.datasets.imdb.load_data(num_words=10000)
    """
    if "nb_words" in kwargs:
        warnings.warn("The `nb_words` argument in `load_data` has been renamed "
                      "`num_words`.")
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {str(kwargs)}.")
    path = get_file(path, origin=ORIGIN + "imdb.npz",
                    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
                    cache_dir=prepare_cache_dir(cache_dir))
    with np.load(path, allow_pickle=True) as f:
        x_train, labels_train = f["x_train"], f["y_train"]
        x_test, labels_test = f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train, labels_train = x_train[indices], labels_train[indices]
    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test, labels_test = x_test[indices], labels_test[indices]
    x_train = encode_words(x_train, start_char, index_from)
    x_test = encode_words(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than "
                             f"maxlen={str(maxlen)}, no sequence was kept. Increase maxlen.")
    xs = limit_words(list(x_train) + list(x_test), num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(x_train)
    return ((np.array(xs[:idx], dtype="object"), labels[:idx]),
            (np.array(xs[idx:], dtype="object"), labels[idx:]))


def get_word_index(path="imdb_word_index.json"):
    """The dict word -> index of the imdb data (before index_from is added), from
    imdb_word_index.json downloaded into ~/.keras/datasets.

        index = gc.keras.datasets.imdb.get_word_index()
    """
    path = get_file(path, origin=ORIGIN + "imdb_word_index.json",
                    file_hash="bfafd718b763782e994055a2d397834f")
    with open(path) as f:
        return json.load(f)
