"""gc.keras.datasets (tf.keras.datasets): load_data() of mnist, fashion_mnist, cifar10,
cifar100, imdb, reuters and boston_housing, downloaded once into ~/.keras/datasets by
gc.keras.utils.get_file (the same file names, URLs and hashes as tf.keras) and parsed
into the same numpy arrays.

    (x_train, y_train), (x_test, y_test) = gc.keras.datasets.mnist.load_data()
"""
from . import boston_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters

__all__ = ["boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
           "reuters"]
