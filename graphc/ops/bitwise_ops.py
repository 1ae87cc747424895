"""TF1's tf.bitwise ops on the integer dtypes (int8..int64, uint8, uint16), with numpy
broadcasting and no gradients.

Shifts follow TF: the amount y is clamped to [0, bits - 1] (a negative amount shifts by
0, one of the bit width or more by bits - 1); left_shift wraps around in the dtype;
right_shift of a signed value is arithmetic (it copies the sign bit).
"""
import numpy as np

from .core import convert_to_tensor
from .elementwise import _infer_binary, _infer_unary, operands
from .registry import OpDef, apply1, register

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift",
           "right_shift"]


def _clamped(x, y):
    """The shift amount y clamped to [0, bits - 1] of x's dtype, as x's dtype."""
    return np.clip(y, 0, x.dtype.itemsize * 8 - 1).astype(x.dtype)


def _left_shift_kernel(x, y):
    # shift the unsigned view: a signed left shift that overflows then wraps around
    u = np.dtype(f"u{x.dtype.itemsize}")
    z = np.left_shift(np.asarray(x).astype(u), _clamped(x, y).astype(u))
    return np.asarray(z).astype(x.dtype)


def _right_shift_kernel(x, y):
    return np.asarray(np.right_shift(x, _clamped(x, y)), dtype=x.dtype)


def _typed(fn):
    def kernel(*arrays):
        return np.asarray(fn(*arrays), dtype=arrays[0].dtype)
    return kernel


def _binary_op(name, api, kernel, doc, commutative):
    op = register(OpDef(
        name, _infer_binary("int"), kernel, api=api, elementwise=True,
        commutative=commutative, differentiable=False,
        signature=f"bitwise.{api}(x, y, name=None)", shape_rule="numpy broadcast of x and y",
        dtypes="int (x, y same)", doc=doc))

    def fn(x, y, name=None):
        x, y = operands(x, y, api)
        return apply1(op, (x, y), name=name)
    return op, fn


BITWISE_AND, _and = _binary_op("BitwiseAnd", "bitwise_and", _typed(np.bitwise_and),
                               "x & y, bit by bit.", True)
BITWISE_OR, _or = _binary_op("BitwiseOr", "bitwise_or", _typed(np.bitwise_or),
                             "x | y, bit by bit.", True)
BITWISE_XOR, _xor = _binary_op("BitwiseXor", "bitwise_xor", _typed(np.bitwise_xor),
                               "x ^ y, bit by bit.", True)
LEFT_SHIFT, _lshift = _binary_op(
    "LeftShift", "left_shift", _left_shift_kernel,
    "x << y, wrapping around in x's dtype; y is clamped to [0, bits - 1].", False)
RIGHT_SHIFT, _rshift = _binary_op(
    "RightShift", "right_shift", _right_shift_kernel,
    "x >> y (arithmetic for signed x); y is clamped to [0, bits - 1].", False)
INVERT = register(OpDef(
    "Invert", _infer_unary("int"), _typed(np.invert), api="invert", elementwise=True,
    differentiable=False, signature="bitwise.invert(x, name=None)", shape_rule="same as x",
    dtypes="int", doc="~x, every bit flipped."))


def bitwise_and(x, y, name=None):
    """Elementwise x & y of two integer tensors of one dtype (broadcasting):

        gc.bitwise.bitwise_and(gc.constant([12, 10]), 6)   # [4, 2]
    """
    return _and(x, y, name=name)


def bitwise_or(x, y, name=None):
    """Elementwise x | y: gc.bitwise.bitwise_or(gc.constant([12, 10]), 6)  # [14, 14]"""
    return _or(x, y, name=name)


def bitwise_xor(x, y, name=None):
    """Elementwise x ^ y: gc.bitwise.bitwise_xor(gc.constant([12, 10]), 6)  # [10, 12]"""
    return _xor(x, y, name=name)


def invert(x, name=None):
    """Elementwise ~x: gc.bitwise.invert(gc.constant([0, 5], gc.uint8))  # [255, 250]"""
    return apply1(INVERT, (convert_to_tensor(x),), name=name)


def left_shift(x, y, name=None):
    """Elementwise x << y, wrapping in x's dtype; TF clamps y to [0, bits - 1]:

        gc.bitwise.left_shift(gc.constant([1, 1], gc.int8), [3, 9])   # [8, -128]
    """
    return _lshift(x, y, name=name)


def right_shift(x, y, name=None):
    """Elementwise x >> y, arithmetic for signed x; y is clamped to [0, bits - 1]:

        gc.bitwise.right_shift(gc.constant([-16, 16]), [2, 40])   # [-4, 0]
    """
    return _rshift(x, y, name=name)
