"""gc.keras.datasets.mnist: 70,000 28x28 grayscale digits (tf.keras.datasets.mnist)."""
import numpy as np

from ..utils_data import get_file
from ._util import ORIGIN, prepare_cache_dir

__all__ = ["load_data"]


def load_data(path="mnist.npz", cache_dir=None):
    """((x_train, y_train), (x_test, y_test)): uint8 arrays (60000, 28, 28), (60000,),
    (10000, 28, 28), (10000,) read from mnist.npz, downloaded into
    cache_dir/datasets (~/.keras/datasets) on first use.

        (x_train, y_train), (x_test, y_test) = gc.keras.datasets.mnist.load_data()
    """
    path = get_file(path, origin=ORIGIN + "mnist.npz",
                    file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
                    cache_dir=prepare_cache_dir(cache_dir))
    with np.load(path, allow_pickle=True) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
