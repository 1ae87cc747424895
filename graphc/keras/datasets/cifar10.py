"""gc.keras.datasets.cifar10: 60,000 32x32 colour images of 10 classes
(tf.keras.datasets.cifar10)."""
import os

import numpy as np

from .. import backend as K
from ..utils_data import get_file
from ._util import prepare_cache_dir
from .cifar import load_batch

__all__ = ["load_data"]


def load_data(cache_dir=None):
    """((x_train, y_train), (x_test, y_test)): uint8 images (50000, 32, 32, 3) and
    (10000, 32, 32, 3) ((N, 3, 32, 32) under image_data_format() == 'channels_first'),
    labels (N, 1), from cifar-10-python.tar.gz, downloaded and unpacked into
    cache_dir/datasets/cifar-10-batches-py on first use.

        (x_train, y_train), (x_test, y_test) = gc.keras.datasets.cifar10.load_data()
    """
    path = get_file("cifar-10-batches-py",
                    origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                    untar=True,
                    file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
                    cache_dir=prepare_cache_dir(cache_dir))
    x_train = np.empty((50000, 3, 32, 32), dtype="uint8")
    y_train = np.empty((50000,), dtype="uint8")
    for i in range(1, 6):
        rows = slice((i - 1) * 10000, i * 10000)
        x_train[rows], y_train[rows] = load_batch(os.path.join(path, f"data_batch_{i}"))
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if K.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))
