"""TF1's top-level names among the newer linalg ops (star-imported into gc); the rest
are in gc.linalg (graphc/linalg.py)."""
from .linalg_funcs import matrix_square_root

__all__ = ["matrix_square_root"]
