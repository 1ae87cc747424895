"""gc.keras.datasets.cifar100: 60,000 32x32 colour images of 100 fine / 20 coarse classes
(tf.keras.datasets.cifar100)."""
import os

import numpy as np

from .. import backend as K
from ..utils_data import get_file
from ._util import prepare_cache_dir
from .cifar import load_batch

__all__ = ["load_data"]


def load_data(label_mode="fine", cache_dir=None):
    """((x_train, y_train), (x_test, y_test)): uint8 images (50000, 32, 32, 3) and
    (10000, 32, 32, 3) (channels first under that image_data_format), labels (N, 1) of
    label_mode "fine" (0-99) or "coarse" (0-19), from cifar-100-python.tar.gz unpacked
    into cache_dir/datasets/cifar-100-python.

        (x_train, y_train), _ = gc.keras.datasets.cifar100.load_data("coarse")
    """
    if label_mode not in ["fine", "coarse"]:
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: '
                         f'label_mode={label_mode}.')
    path = get_file("cifar-100-python",
                    origin="https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
                    untar=True,
                    file_hash="85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
                    cache_dir=prepare_cache_dir(cache_dir))
    x_train, y_train = load_batch(os.path.join(path, "train"), label_mode + "_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_mode + "_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if K.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
