"""gc.keras.datasets.fashion_mnist: 70,000 28x28 grayscale images of 10 kinds of clothes
(tf.keras.datasets.fashion_mnist)."""
import gzip
import os

import numpy as np

from ..utils_data import get_file
from ._util import ORIGIN, prepare_cache_dir

__all__ = ["load_data"]

_FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]


def _read(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_data(cache_dir=None):
    """((x_train, y_train), (x_test, y_test)): uint8 arrays (60000, 28, 28), (60000,),
    (10000, 28, 28), (10000,) from the four gzipped IDX files, downloaded into
    cache_dir/datasets/fashion-mnist on first use.

        (x_train, y_train), _ = gc.keras.datasets.fashion_mnist.load_data()
    """
    cache_dir = prepare_cache_dir(cache_dir)
    paths = [get_file(fname, origin=ORIGIN + fname, cache_dir=cache_dir,
                      cache_subdir=os.path.join("datasets", "fashion-mnist"))
             for fname in _FILES]
    y_train = _read(paths[0], 8)
    x_train = _read(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read(paths[2], 8)
    x_test = _read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
