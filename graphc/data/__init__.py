"""gc.data: TF1's tf.data input pipelines (Dataset, Iterator), see docs/data.md."""
from .dataset import Dataset
from . import readers
from .readers import *  # noqa: F401,F403
from .iterator import Iterator, make_initializable_iterator, make_one_shot_iterator

__all__ = ["Dataset", "Iterator", "make_one_shot_iterator", "make_initializable_iterator"]
__all__ += readers.__all__
