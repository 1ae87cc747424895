"""gc.keras.utils: to_categorical, normalize and Sequence.

    gc.keras.utils.to_categorical([0, 2], 3)     # [[1, 0, 0], [0, 0, 1]] float32
"""
import numpy as np

__all__ = ["to_categorical", "normalize", "Sequence"]


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows of integer labels (a trailing dim of 1 is dropped), num_classes
    max(y) + 1 by default."""
    y = np.array(y, dtype="int")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.ravel()
    if num_classes is None:
        num_classes = int(np.max(y)) + 1
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """x divided by its `order`-norm along `axis` (zero norms left as 1)."""
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


class Sequence:
    """A dataset of batches for fit_generator / fit (tf.keras.utils.Sequence): define
    `__len__` (batches per epoch) and `__getitem__(i)` -> (x, y) or (x, y, weights);
    `on_epoch_end` runs after each epoch.

        class Batches(gc.keras.utils.Sequence):
            def __len__(self): return 10
            def __getitem__(self, i): return xs[i * 32:(i + 1) * 32], ys[i * 32:(i + 1) * 32]
    """

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]
