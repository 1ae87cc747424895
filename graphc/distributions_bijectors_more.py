"""TF 1.15's SoftmaxCentered, Permute, CholeskyOuterProduct and Kumaraswamy bijectors
(tf.contrib.distributions.bijectors), each a few graphc ops.

    SoftmaxCentered().forward([a, b]) == softmax([a, b, 0])        # R^k -> simplex in R^(k+1)
    Permute([2, 0, 1]).forward(x) == gather(x, [2, 0, 1], axis=-1)
    CholeskyOuterProduct().forward(L) == L @ L^T                   # lower L, positive diagonal
"""
import numpy as np

from . import errors
from .distributions_bijectors import Bijector

__all__ = ["SoftmaxCentered", "Permute", "CholeskyOuterProduct", "Kumaraswamy"]


def _gc():
    import graphc
    return graphc


def _last_dim(shape):
    """The last dim of a TensorShape as an int, None where unknown."""
    dim = shape._dims[-1] if shape.ndims else None
    return dim if isinstance(dim, int) else None


class SoftmaxCentered(Bijector):
    """Y = softmax([X, 0]): the last coordinate of the simplex is implied, so the map is
    a bijection from R^k onto the open k-simplex (event shape [k] -> [k + 1])."""

    def __init__(self, validate_args=False, name="softmax_centered"):
        super().__init__(forward_min_event_ndims=1, validate_args=validate_args,
                         name=name)

    def _forward_event_shape(self, input_shape):
        if _last_dim(input_shape) is None:
            return input_shape
        return input_shape[:-1].concatenate([_last_dim(input_shape) + 1])

    def _forward_event_shape_tensor(self, input_shape):
        gc = _gc()
        return gc.concat([input_shape[:-1], input_shape[-1:] + 1], 0)

    def _inverse_event_shape(self, output_shape):
        if _last_dim(output_shape) is None:
            return output_shape
        return output_shape[:-1].concatenate([_last_dim(output_shape) - 1])

    def _inverse_event_shape_tensor(self, output_shape):
        gc = _gc()
        return gc.concat([output_shape[:-1], output_shape[-1:] - 1], 0)

    def _forward(self, x):
        gc = _gc()
        rank = x.shape.ndims
        if rank is not None:
            y = gc.pad(x, [[0, 0]] * (rank - 1) + [[0, 1]])
        else:
            y = gc.concat([x, gc.zeros_like(x[..., :1])], -1)
        return gc.nn.softmax(y)

    def _inverse(self, y):
        # x_i = log(y_i) - log(y_last)
        gc = _gc()
        return gc.log(y[..., :-1]) - gc.log(y[..., -1:])

    def _inverse_log_det_jacobian(self, y):
        # det dX/dY (on the first k coordinates of Y) = 1 / prod(Y), all k + 1 of them
        gc = _gc()
        return -gc.reduce_sum(gc.log(y), -1)

    def _forward_log_det_jacobian(self, x):
        # sum(log y) with log y_i = x_i - n, log y_last = -n, n = softplus(logsumexp(x))
        gc = _gc()
        n = gc.nn.softplus(gc.reduce_logsumexp(x, axis=-1, keepdims=True))
        return gc.squeeze(gc.reduce_sum(x - n, -1, keepdims=True) - n, -1)


class Permute(Bijector):
    """Y = X with the entries of axis `axis` (negative: counted from the right)
    reordered: Y[..., i] = X[..., permutation[i]]."""

    def __init__(self, permutation, axis=-1, validate_args=False, name=None):
        gc = _gc()
        api = "Permute"
        with gc.name_scope(name or "permute", values=[permutation, axis]):
            axis = gc.convert_to_tensor(axis, name="axis")
            if not axis.dtype.is_integer:
                raise TypeError("axis.dtype (%s) should be `int`-like." % axis.dtype.name)
            permutation = gc.convert_to_tensor(permutation, name="permutation")
            if not permutation.dtype.is_integer:
                raise TypeError("permutation.dtype (%s) should be `int`-like."
                                % permutation.dtype.name)
            p = gc.get_static_value(permutation)
            if p is not None:
                if set(p.tolist()) != set(range(p.size)):
                    raise ValueError("Permutation over `d` must contain exactly one of "
                                     "each of `{0, 1, ..., d}`.%s" % errors.called_at(api))
            elif validate_args:
                sorted_p = gc.nn.top_k(-permutation, k=gc.size(permutation))[0]
                with gc.control_dependencies([gc.assert_equal(
                        -sorted_p, gc.range(gc.size(permutation), dtype=permutation.dtype),
                        message="Permutation over `d` must contain exactly one of each "
                                "of `{0, 1, ..., d}`.")]):
                    permutation = gc.identity(permutation)
            axis_ = gc.get_static_value(axis)
            if axis_ is None:
                raise NotImplementedError("`axis` must be known prior to graph execution.")
            if axis_ >= 0:
                raise NotImplementedError("`axis` must be relative the rightmost dimension, "
                                          "i.e., negative.")
        self._permutation = permutation
        self._axis = axis
        self._axis_value = int(axis_)
        super().__init__(forward_min_event_ndims=int(-axis_), is_constant_jacobian=True,
                         validate_args=validate_args, name=name or "permute")

    @property
    def permutation(self):
        return self._permutation

    @property
    def axis(self):
        return self._axis

    def _gather(self, t, indices):
        gc = _gc()
        rank = t.shape.ndims
        axis = rank + self._axis_value if rank is not None else gc.rank(t) + self._axis
        return gc.gather(t, indices, axis=axis)

    def _forward(self, x):
        return self._gather(x, self._permutation)

    def _inverse(self, y):
        return self._gather(y, _gc().invert_permutation(self._permutation))

    def _inverse_log_det_jacobian(self, y):
        return _gc().constant(0.0, dtype=y.dtype.base_dtype)

    def _forward_log_det_jacobian(self, x):
        return _gc().constant(0.0, dtype=x.dtype.base_dtype)


class CholeskyOuterProduct(Bijector):
    """Y = X X^T for a lower-triangular X with positive diagonal (a Cholesky factor);
    the inverse is cholesky(Y). log|det dY/dX| (on the lower triangles) =
    p log 2 + sum_i (p - i) log X_ii, i = 0..p-1."""

    def __init__(self, validate_args=False, name="cholesky_outer_product"):
        super().__init__(forward_min_event_ndims=2, validate_args=validate_args,
                         name=name)

    def _checked_factor(self, x):
        gc = _gc()
        if not self.validate_args:
            return x
        checks = [gc.assert_positive(gc.matrix_diag_part(x),
                                     message="diagonal part must be positive"),
                  gc.assert_equal(gc.matrix_band_part(x, -1, 0), x,
                                  message="x is not a lower triangular matrix")]
        with gc.control_dependencies(checks):
            return gc.identity(x)

    def _forward(self, x):
        x = self._checked_factor(x)
        return _gc().matmul(x, x, adjoint_b=True)

    def _inverse(self, y):
        return _gc().cholesky(y)

    def _forward_log_det_jacobian(self, x):
        gc = _gc()
        x = self._checked_factor(x)
        diag = gc.matrix_diag_part(x)
        p_static = _last_dim(x.shape)
        if p_static is not None:
            exponents = gc.constant(np.arange(p_static, 0, -1), dtype=x.dtype)
            p = float(p_static)
        else:
            p_int = gc.shape(x)[-1]
            p = gc.cast(p_int, x.dtype)
            exponents = gc.cast(gc.range(p_int, 0, -1), x.dtype)
        return p * np.log(2.0) + gc.reduce_sum(gc.log(diag) * exponents, -1)



class Kumaraswamy(Bijector):
    """Y = (1 - (1 - X)^(1 / b))^(1 / a) on [0, 1], a = concentration1, b =
    concentration0: the Kumaraswamy quantile (its inverse is the cdf
    1 - (1 - Y^a)^b), so Uniform(0, 1) through it is Kumaraswamy(a, b)."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False,
                 name="kumaraswamy"):
        gc = _gc()
        with gc.name_scope(name):
            with gc.name_scope("init", values=[concentration1, concentration0]):
                a = gc.convert_to_tensor(concentration1, name="concentration1")
                b = gc.convert_to_tensor(concentration0, name="concentration0")
                if validate_args:
                    with gc.control_dependencies([gc.assert_positive(a),
                                                  gc.assert_positive(b)]):
                        a, b = gc.identity(a), gc.identity(b)
        self._concentration1, self._concentration0 = a, b
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args,
                         name=name)

    @property
    def concentration1(self):
        return self._concentration1

    @property
    def concentration0(self):
        return self._concentration0

    def _unit(self, t):
        """t behind the run-time check 0 <= t <= 1 when validate_args."""
        gc = _gc()
        if not self.validate_args:
            return t
        with gc.control_dependencies([
                gc.assert_non_negative(t, message="sample must be non-negative"),
                gc.assert_less_equal(t, gc.ones([], t.dtype),
                                     message="sample must be no larger than `1`.")]):
            return gc.identity(t)

    def _forward(self, x):
        gc = _gc()
        x = self._unit(x)
        return gc.exp(gc.log1p(-gc.exp(gc.log1p(-x) / self._concentration0))
                      / self._concentration1)

    def _inverse(self, y):
        gc = _gc()
        y = self._unit(y)
        return -gc.expm1(self._concentration0 * gc.log1p(-gc.pow(y, self._concentration1)))

    def _inverse_log_det_jacobian(self, y):
        # dx/dy = a b y^(a-1) (1 - y^a)^(b-1)
        gc = _gc()
        y = self._unit(y)
        a, b = self._concentration1, self._concentration0
        return (gc.log(a) + gc.log(b) + (a - 1.0) * gc.log(y)
                + (b - 1.0) * gc.log1p(-gc.pow(y, a)))
