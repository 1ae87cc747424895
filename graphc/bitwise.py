"""TF1's tf.bitwise namespace (graphc/ops/bitwise_ops.py)."""
from .ops.bitwise_ops import (bitwise_and, bitwise_or, bitwise_xor, invert, left_shift,
                              right_shift)

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift",
           "right_shift"]
