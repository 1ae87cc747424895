"""gc.keras.datasets.boston_housing: 506 houses, 13 features, prices in k$
(tf.keras.datasets.boston_housing)."""
import numpy as np

from ..utils_data import get_file
from ._util import ORIGIN, prepare_cache_dir

__all__ = ["load_data"]


def load_data(path="boston_housing.npz", test_split=0.2, seed=113, cache_dir=None):
    """((x_train, y_train), (x_test, y_test)): the rows of boston_housing.npz shuffled by
    np.random.RandomState(seed), the last test_split of them the test set.

        (x_train, y_train), (x_test, y_test) = gc.keras.datasets.boston_housing.load_data()
    """
    assert 0 <= test_split < 1
    path = get_file(path, origin=ORIGIN + "boston_housing.npz",
                    file_hash="f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
                    cache_dir=prepare_cache_dir(cache_dir))
    with np.load(path, allow_pickle=True) as f:
        x, y = f["x"], f["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
