"""TF1's tf.sets namespace: set operations on the last dimension (ops/sets.py)."""
from .ops.sets import set_difference, set_intersection, set_size, set_union

difference, intersection, size, union = set_difference, set_intersection, set_size, set_union

__all__ = ["difference", "intersection", "size", "union", "set_difference",
           "set_intersection", "set_size", "set_union"]
