"""Keras' EinsumDense (tf.keras.layers.EinsumDense): a dense layer whose contraction is
an einsum equation; MultiHeadAttention (layers_attention.py) builds its projections
from it.

    layer = gc.keras.layers.EinsumDense("abc,cd->abd", output_shape=(None, 64),
                                        bias_axes="d")      # (batch, T, C) -> (.., 64)
"""
import re

import graphc as gc
from . import activations, constraints, initializers, regularizers
from .engine import Layer

__all__ = ["EinsumDense"]


class EinsumDenseShapeError(ValueError):
    """An EinsumDense equation that does not fit its input shape or bias axes."""


def _analyze(equation, bias_axes, input_shape, output_shape):
    """(kernel shape, bias shape or None, full output shape) of EinsumDense."""
    eq = equation.replace("...", "0")
    for pattern, left in ((r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", False),
                          (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", True),
                          (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", False)):
        match = re.match(pattern, eq)
        if match:
            return _shapes(*match.groups(), bias_axes, input_shape, output_shape, left)
    raise EinsumDenseShapeError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        f"[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....")


def _shapes(in_spec, w_spec, out_spec, bias_axes, input_shape, output_shape, left):
    elided = len(input_shape) - len(in_spec)
    # The output: the batch dim, then the elided dims (left) or the given ones, then
    # the elided dims (right).
    out = [input_shape[0]] + list(output_shape)
    if elided > 0 and left:
        out = [input_shape[0]] + list(input_shape[1:elided]) + list(output_shape)
    elif elided > 0:
        out += list(input_shape[len(input_shape) - elided:])
    shift_in = elided - len(input_shape) if left else 0
    shift_out = elided if left else 0
    in_pos = {c: i + shift_in for i, c in enumerate(in_spec)}
    out_pos = {c: i + shift_out for i, c in enumerate(out_spec)}
    for c in in_spec:
        if c in out_pos:
            want = out[out_pos[c]]
            if want is not None and want != input_shape[in_pos[c]]:
                raise EinsumDenseShapeError(
                    f"Input shape and output shape do not match at shared dimension "
                    f"'{c}'. Input shape is {input_shape[in_pos[c]]}, and output shape "
                    f"is {want}.")
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise EinsumDenseShapeError(
                f"Dimension '{c}' was specified in the output '{out_spec}' but has no "
                f"corresponding dim in the input spec '{in_spec}' or weight spec "
                f"'{w_spec}'")
    kernel = []
    for c in w_spec:
        if c in in_pos:
            kernel.append(input_shape[in_pos[c]])
        elif c in out_pos:
            kernel.append(out[out_pos[c]])
        else:
            raise EinsumDenseShapeError(
                f"Weight dimension '{c}' did not have a match in either the input spec "
                f"'{in_spec}' or the output spec '{out_spec}'. For this layer, the "
                f"weight must be fully specified.")
    bias = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in out_spec:
                raise EinsumDenseShapeError(f"Bias dimension '{c}' was requested, but is "
                                            f"not part of the output spec '{out_spec}'")
        first = min(out_spec.find(c) for c in bias_axes)
        sizes = {c: out[i + (elided if left else 0)] for i, c in enumerate(out_spec)}
        bias = [sizes[c] if c in bias_axes else 1 for c in out_spec[first:]]
        if not left:
            bias += [1] * max(elided, 0)
    return kernel, bias, out


class EinsumDense(Layer):
    """activation(einsum(equation, inputs, kernel) + bias) (tf.keras.layers.EinsumDense
    in TF 2.x Keras). `output_shape` is the output's shape without the batch dim (None
    for dims taken from the input); `bias_axes` the output letters the bias spans.

        gc.keras.layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.equation = equation
        self.partial_output_shape = ([output_shape] if isinstance(output_shape, int)
                                     else list(output_shape))
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        dims = input_shape.as_list()
        kernel, bias, self.full_output_shape = _analyze(
            self.equation, self.bias_axes, dims, self.partial_output_shape)
        if None in kernel or (bias is not None and None in bias):
            raise EinsumDenseShapeError(
                f"EinsumDense {self.name}: the kernel {kernel} / bias {bias} of equation "
                f"'{self.equation}' need known dims; input shape {input_shape}")
        self.kernel = self.add_weight("kernel", kernel, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if bias is not None:
            self.bias = self.add_weight("bias", bias, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs):
        out = gc.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        return gc.TensorShape(self.full_output_shape)

    def _config(self):
        return {"output_shape": list(self.partial_output_shape), "equation": self.equation,
                "activation": activations.serialize(self.activation),
                "bias_axes": self.bias_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}
