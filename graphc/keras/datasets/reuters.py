"""gc.keras.datasets.reuters: 11,228 newswires as word-index sequences, labelled by 46
topics (tf.keras.datasets.reuters)."""
import json
import warnings

import numpy as np

from ..utils_data import get_file
from ._util import ORIGIN, encode_words, limit_words, prepare_cache_dir, remove_long_seq

__all__ = ["load_data", "get_word_index", "get_label_names"]


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3, cache_dir=None, **kwargs):
    """((x_train, y_train), (x_test, y_test)): object arrays of word-index lists and
    topic labels; all wires shuffled by np.random.RandomState(seed), encoded as in
    imdb.load_data (index_from, start_char, maxlen, skip_top, num_words, oov_char), the
    last test_split of them the test set.

        (x_train, y_train), _ = gc.keras.datasets.reuters.load_data(num_words=10000)
    """
    if "nb_words" in kwargs:
        warnings.warn("The `nb_words` argument in `load_data` has been renamed "
                      "`num_words`.")
        num_words = kwargs.pop("nb_words")
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {str(kwargs)}")
    path = get_file(path, origin=ORIGIN + "reuters.npz",
                    file_hash="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
                    cache_dir=prepare_cache_dir(cache_dir))
    with np.load(path, allow_pickle=True) as f:
        xs, labels = f["x"], f["y"]
    indices = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(indices)
    xs, labels = xs[indices], labels[indices]
    xs = encode_words(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    xs = limit_words(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return ((np.array(xs[:idx], dtype="object"), np.array(labels[:idx])),
            (np.array(xs[idx:], dtype="object"), np.array(labels[idx:])))


def get_word_index(path="reuters_word_index.json"):
    """The dict word -> index of the reuters data (before index_from is added).

        index = gc.keras.datasets.reuters.get_word_index()
    """
    path = get_file(path, origin=ORIGIN + "reuters_word_index.json",
                    file_hash="4d44cc38712099c9e383dc6e5f11a921")
    with open(path) as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, in label order ('cocoa' is 0)."""
    return ("cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
            "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton",
            "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
            "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock",
            "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc",
            "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")
