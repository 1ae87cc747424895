"""graphc vs TensorFlow 1 (tf.compat.v1) on the math family: elementwise ops, Python
operators, casts, comparisons and logic, reductions, arg/cumulative/segment ops,
counting, sorting, clipping and the tf.math extras. Values, dtypes, shapes and
gradients are compared by tests/tf_parity.py."""
import numpy as np
import pytest
from tf_parity import _flat, check, rand, v1

import graphc as gc

f32, f64, i32, i64 = np.float32, np.float64, np.int32, np.int64


def case(fn, *arrays, **kw):
    return fn, arrays, kw


def grad_of(f):
    """The gradient of sum(f(x, ...)^2) w.r.t. every input: the harness differentiates it
    again, comparing second derivatives."""
    def fn(m, *xs):
        return m.gradients(m.reduce_sum(m.square(f(m, *xs))), list(xs))
    return fn


def fixed(m, t, shape):
    """t with the static shape `shape` (the sorted segment ops' row count is unknown when
    the ids are fed; the harness needs static shapes to draw cotangents)."""
    return m.reshape(t, shape)


X = rand(3, 4, seed=1)
Y = rand(3, 4, seed=2)
X3 = rand(2, 3, 4, seed=3)
POS = rand(3, 4, seed=4, low=0.5, high=3.0)
UNIT = rand(3, 4, seed=6, low=-0.9, high=0.9)
X32 = rand(3, 4, seed=7, dtype=f32)
Y32 = rand(3, 4, seed=8, dtype=f32)
INT = np.array([[7, -7, 5, -5], [0, 3, -1, 9], [2, -2, 6, -8]], i32)
INT_Y = np.array([[2, 2, -3, -3], [4, -4, 3, 2], [5, 5, -5, 3]], i32)
HALVES = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -0.4, 0.6], f64)
TIES = np.array([[1., 3., 3., 2.], [5., 5., 5., 0.], [-1., -2., -1., -2.]])
B1 = np.array([[True, False, True, False], [False, False, True, True]])
B2 = np.array([[True, True, False, False], [True, False, True, False]])
SPECIAL = np.array([0.0, -1.0, np.inf, -np.inf, np.nan, 2.5], f64)

CASES = {
    # ---- binary arithmetic ----
    "add": case(lambda m, x, y: m.add(x, y), X, Y),
    "add_bcast_row": case(lambda m, x, y: m.add(x, y), X3, rand(4, seed=9)),
    "add_bcast_col": case(lambda m, x, y: m.add(x, y), X3, rand(3, 1, seed=10)),
    "add_scalar": case(lambda m, x: m.add(x, 2.5), X),
    "add_int": case(lambda m, x, y: m.add(x, y), INT, INT_Y),
    "add_f32": case(lambda m, x, y: m.add(x, y), X32, Y32),
    "add_f16": case(lambda m, x, y: m.add(x, y), X.astype(np.float16),
                    Y.astype(np.float16), rtol=1e-3, atol=1e-3),
    "add_empty": case(lambda m, x, y: m.add(x, y), np.zeros((0, 4)), rand(4, seed=11)),
    "subtract_bcast": case(lambda m, x, y: m.subtract(x, y), rand(3, 1, seed=12), Y),
    "multiply_bcast": case(lambda m, x, y: m.multiply(x, y), X3, rand(3, 1, seed=13)),
    "multiply_int": case(lambda m, x, y: m.multiply(x, y), INT, INT_Y),
    "divide": case(lambda m, x, y: m.divide(x, y), X, POS),
    "divide_int": case(lambda m, x, y: m.divide(x, y), INT, INT_Y),
    "truediv_int": case(lambda m, x, y: m.truediv(x, y), INT, INT_Y),
    "truediv_bcast": case(lambda m, x, y: m.truediv(x, y), X3, rand(4, seed=14, low=1.0)),
    "realdiv": case(lambda m, x, y: m.realdiv(x, y), X32, Y32 + 3, rtol=1e-5),
    "div_float": case(lambda m, x, y: m.div(x, y), X, POS),
    "div_int": case(lambda m, x, y: m.div(x, y), INT, INT_Y),
    "floordiv_int": case(lambda m, x, y: m.floordiv(x, y), INT, INT_Y),
    "floordiv_float": case(lambda m, x, y: m.floordiv(x, y),
                           np.array([7.5, -7.5, 3.0, -3.0, 0.0]),
                           np.array([2.0, 2.0, -2.0, -2.0, 3.0])),
    "floor_div": case(lambda m, x, y: m.floor_div(x, y), INT, INT_Y),
    "floormod_int": case(lambda m, x, y: m.floormod(x, y), INT, INT_Y),
    "mod_int64": case(lambda m, x, y: m.mod(x, y), INT.astype(i64), INT_Y.astype(i64)),
    "mod_float": case(lambda m, x, y: m.mod(x, y), X * 3, rand(3, 4, seed=15, low=0.5) *
                      np.array([1, -1, 1, -1])),
    "pow_pos": case(lambda m, x, y: m.pow(x, y), POS, Y),
    "pow_neg_base_int_exp": case(lambda m, x, y: m.pow(x, y), X,
                                 np.array([[2.0, 3.0, 1.0, 0.0]] * 3)),
    "pow_scalar_exp": case(lambda m, x: m.pow(x, 3.0), X),
    "pow_int": case(lambda m, x, y: m.pow(x, y), INT, np.abs(INT_Y)),
    "maximum": case(lambda m, x, y: m.maximum(x, y), X, Y),
    "maximum_ties": case(lambda m, x, y: m.maximum(x, y), TIES, np.full((3, 4), 3.0)),
    "minimum_ties": case(lambda m, x, y: m.minimum(x, y), TIES, np.full((3, 4), 3.0)),
    "minimum_bcast": case(lambda m, x, y: m.minimum(x, y), X3, rand(4, seed=16)),
    "maximum_int": case(lambda m, x, y: m.maximum(x, y), INT, INT_Y),
    "squared_difference": case(lambda m, x, y: m.squared_difference(x, y), X3,
                               rand(3, 1, seed=17)),
    "squared_difference_int": case(lambda m, x, y: m.squared_difference(x, y), INT, INT_Y),
    "scalar_mul": case(lambda m, x: m.scalar_mul(2.5, x), X),
    "atan2": case(lambda m, y, x: m.atan2(y, x), X, Y),
    "xlogy": case(lambda m, x, y: m.math.xlogy(x, y),
                  np.array([0.0, 1.5, -2.0, 0.0, 3.0]), np.array([0.0, 2.0, 0.5, 3.0, 1.0])),
    "xdivy": case(lambda m, x, y: m.math.xdivy(x, y),
                  np.array([0.0, 1.5, -2.0, 0.0, 3.0]), np.array([0.0, 2.0, 0.5, 3.0, 1.0])),
    "divide_no_nan": case(lambda m, x, y: m.math.divide_no_nan(x, y),
                          np.array([1.0, 2.0, -3.0, 0.0]), np.array([0.0, 4.0, 2.0, 0.0])),
    "div_no_nan": case(lambda m, x, y: m.div_no_nan(x, y), X, Y * (np.abs(Y) > 0.5)),
    "reciprocal_no_nan": case(lambda m, x: m.math.reciprocal_no_nan(x),
                              np.array([0.0, 2.0, -0.5, 4.0])),
    # ---- unary math ----
    "negative": case(lambda m, x: m.negative(x), X),
    "negative_int": case(lambda m, x: m.negative(x), INT),
    "abs": case(lambda m, x: m.abs(x), X),
    "abs_int": case(lambda m, x: m.abs(x), INT),
    "sign": case(lambda m, x: m.sign(x), np.array([-2.0, 0.0, 3.0, -0.5])),
    "sign_int": case(lambda m, x: m.sign(x), INT),
    "square": case(lambda m, x: m.square(x), X),
    "square_int": case(lambda m, x: m.square(x), INT),
    "sqrt": case(lambda m, x: m.sqrt(x), POS),
    "rsqrt": case(lambda m, x: m.rsqrt(x), POS),
    "reciprocal": case(lambda m, x: m.reciprocal(x), POS),
    "exp": case(lambda m, x: m.exp(x), X),
    "exp_f32": case(lambda m, x: m.exp(x), X32, rtol=1e-5),
    "expm1": case(lambda m, x: m.expm1(x), X * 1e-3),
    "log": case(lambda m, x: m.log(x), POS),
    "log1p": case(lambda m, x: m.log1p(x), UNIT),
    "sin": case(lambda m, x: m.sin(x), X),
    "cos": case(lambda m, x: m.cos(x), X),
    "tan": case(lambda m, x: m.tan(x), UNIT),
    "asin": case(lambda m, x: m.asin(x), UNIT),
    "acos": case(lambda m, x: m.acos(x), UNIT),
    "atan": case(lambda m, x: m.atan(x), X),
    "sinh": case(lambda m, x: m.sinh(x), X),
    "cosh": case(lambda m, x: m.cosh(x), X),
    "tanh": case(lambda m, x: m.tanh(x), X),
    "asinh": case(lambda m, x: m.asinh(x), X),
    "acosh": case(lambda m, x: m.acosh(x), POS + 1.0),
    "atanh": case(lambda m, x: m.atanh(x), UNIT),
    "sigmoid": case(lambda m, x: m.sigmoid(x), X),
    "sigmoid_large": case(lambda m, x: m.sigmoid(x),
                          np.array([-100.0, -30.0, 0.0, 30.0, 100.0], f32), rtol=1e-5),
    "log_sigmoid_large": case(lambda m, x: m.math.log_sigmoid(x),
                              np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])),
    "softplus_math": case(lambda m, x: m.math.softplus(x), np.array([-50.0, -1.0, 0.0, 2.0,
                                                                    50.0])),
    "softsign_math": case(lambda m, x: m.math.softsign(x), X),
    "erf": case(lambda m, x: m.erf(x), X),
    "erfc": case(lambda m, x: m.math.erfc(x), X),
    "erfinv": case(lambda m, x: m.math.erfinv(x), UNIT),
    "lgamma": case(lambda m, x: m.lgamma(x), np.array([0.3, 1.0, 2.5, 7.0, -0.5, -2.3])),
    "digamma": case(lambda m, x: m.digamma(x), np.array([0.3, 1.0, 2.5, 7.0, -0.5, -2.3]),
                    rtol=1e-5),
    "polygamma": case(lambda m, a, x: m.math.polygamma(a, x),
                      np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.5, 1.5, 2.0, 4.0]),
                      rtol=1e-5),
    "lbeta": case(lambda m, x: m.lbeta(x), POS),
    "floor": case(lambda m, x: m.floor(x), HALVES),
    "ceil": case(lambda m, x: m.ceil(x), HALVES),
    "round_half_even": case(lambda m, x: m.round(x), HALVES),
    "round_int": case(lambda m, x: m.round(x), INT),
    "rint": case(lambda m, x: m.math.rint(x), HALVES),
    "is_nan": case(lambda m, x: m.is_nan(x), SPECIAL),
    "is_inf": case(lambda m, x: m.is_inf(x), SPECIAL),
    "is_finite": case(lambda m, x: m.is_finite(x), SPECIAL),
    "polyval": case(lambda m, a, b, c, x: m.math.polyval([a, b, c], x),
                    np.array(1.5), np.array(-2.0), np.array(0.5), X),
    "polyval_consts": case(lambda m, x: m.math.polyval([2.0, 0.0, -1.0, 3.0], x), X32,
                           rtol=1e-5),
    # ---- comparisons and logic ----
    "equal": case(lambda m, x, y: m.equal(x, y), TIES, np.full((3, 4), 3.0)),
    "not_equal_int": case(lambda m, x, y: m.not_equal(x, y), INT, INT_Y),
    "less_bcast": case(lambda m, x, y: m.less(x, y), X3, rand(4, seed=18)),
    "less_equal": case(lambda m, x, y: m.less_equal(x, y), TIES, np.full((3, 4), 3.0)),
    "greater_int": case(lambda m, x, y: m.greater(x, y), INT, INT_Y),
    "greater_equal": case(lambda m, x, y: m.greater_equal(x, y), TIES, np.full((3, 4), 3.0)),
    "equal_bool": case(lambda m, x, y: m.equal(x, y), B1, B2),
    "logical_and": case(lambda m, x, y: m.logical_and(x, y), B1, B2),
    "logical_or": case(lambda m, x, y: m.logical_or(x, y), B1, B2),
    "logical_xor": case(lambda m, x, y: m.logical_xor(x, y), B1, B2),
    "logical_not": case(lambda m, x: m.logical_not(x), B1),
    "logical_and_bcast": case(lambda m, x, y: m.logical_and(x, y), B1, B2[0]),
    # ---- cast ----
    "cast_f2i_trunc": case(lambda m, x: m.cast(x, m.int32), HALVES * 1.3),
    "cast_f2i64": case(lambda m, x: m.cast(x, m.int64), X * 10),
    "cast_f2bool": case(lambda m, x: m.cast(x, m.bool), np.array([0.0, -0.0, 0.1, -3.0])),
    "cast_bool2f": case(lambda m, x: m.cast(x, m.float32), B1),
    "cast_i2f": case(lambda m, x: m.cast(x, m.float64), INT),
    "cast_f64_f32": case(lambda m, x: m.cast(x, m.float32), X, rtol=1e-6),
    "cast_f32_f64": case(lambda m, x: m.cast(x, m.float64), X32),
    "cast_f2i_grad": case(lambda m, x: m.cast(x, m.int32) + 0 * m.cast(x, m.int32), X),
    "to_float": case(lambda m, x: m.to_float(x), INT),
    "to_double": case(lambda m, x: m.to_double(x), X32),
    "to_int32": case(lambda m, x: m.to_int32(x), X * 5),
    "to_int64": case(lambda m, x: m.to_int64(x), X * 5),
    # ---- n-ary ----
    "add_n": case(lambda m, a, b, c: m.add_n([a, b, c]), X, Y, POS),
    "add_n_one": case(lambda m, a: m.add_n([a]), X),
    "add_n_int": case(lambda m, a, b: m.add_n([a, b]), INT, INT_Y),
    "accumulate_n": case(lambda m, a, b, c: m.accumulate_n([a, b, c]), X, Y, POS),
    # ---- clipping ----
    "clip_by_value_scalars": case(lambda m, x: m.clip_by_value(x, -0.5, 1.0),
                                  np.array([-2.0, -0.5, 0.0, 1.0, 1.5])),
    "clip_by_value_tensors": case(lambda m, x, lo, hi: m.clip_by_value(x, lo, hi),
                                  np.array([-2.0, -0.5, 0.0, 1.0, 1.5]), np.array(-0.5),
                                  np.array(1.0)),
    "clip_by_value_bcast": case(lambda m, x, lo, hi: m.clip_by_value(x, lo, hi),
                                X, rand(4, seed=19, low=-1, high=0), rand(4, seed=20, low=0,
                                                                          high=1)),
    "clip_by_value_int": case(lambda m, x: m.clip_by_value(x, -2, 5), INT),
    "clip_by_norm": case(lambda m, x: m.clip_by_norm(x, 1.5), X),
    "clip_by_norm_noop": case(lambda m, x: m.clip_by_norm(x, 100.0), X),
    "clip_by_norm_axes": case(lambda m, x: m.clip_by_norm(x, 1.0, axes=[1]), X),
    "clip_by_norm_zero": case(lambda m, x: m.clip_by_norm(x, 1.0), np.zeros((2, 3))),
    "clip_by_norm_tensor": case(lambda m, x, c: m.clip_by_norm(x, c), X3, np.array(2.0)),
    "clip_by_global_norm": case(lambda m, a, b: m.clip_by_global_norm([a, b], 2.0), X,
                                rand(5, seed=21)),
    "clip_by_global_norm_use": case(
        lambda m, a, b, n: m.clip_by_global_norm([a, b], 2.0, use_norm=n), X,
        rand(5, seed=21), np.array(4.0)),
    "clip_by_global_norm_none": case(
        lambda m, a, b: m.clip_by_global_norm([a, None, b], 1.0)[0][0], X, Y),
    "global_norm": case(lambda m, a, b: m.global_norm([a, b]), X, rand(5, seed=22)),
    # ---- Python operators ----
    "op_add": case(lambda m, x, y: x + y, X, Y),
    "op_radd": case(lambda m, x: 1.5 + x, X),
    "op_sub": case(lambda m, x, y: x - y, X, rand(4, seed=23)),
    "op_rsub": case(lambda m, x: 2.0 - x, X),
    "op_mul": case(lambda m, x, y: x * y, X, Y),
    "op_rmul_int": case(lambda m, x: 3 * x, INT),
    "op_div": case(lambda m, x, y: x / y, X, POS),
    "op_rdiv": case(lambda m, x: 1.0 / x, POS),
    "op_div_int": case(lambda m, x, y: x / y, INT, INT_Y),
    "op_div_int64": case(lambda m, x, y: x / y, INT.astype(i64), INT_Y.astype(i64)),
    "op_rdiv_int": case(lambda m, x: 3 / x, INT_Y),
    "op_div_int_scalar": case(lambda m, x: x / 2, INT),
    "op_floordiv_int": case(lambda m, x, y: x // y, INT, INT_Y),
    "op_floordiv_float": case(lambda m, x, y: x // y, X * 3, POS),
    "op_rfloordiv": case(lambda m, x: 7 // x, INT_Y),
    "op_mod_int": case(lambda m, x, y: x % y, INT, INT_Y),
    "op_mod_float": case(lambda m, x: x % 0.7, X),
    "op_rmod": case(lambda m, x: 5.0 % x, POS),
    "op_pow": case(lambda m, x: x ** 2, X),
    "op_pow_tensor": case(lambda m, x, y: x ** y, POS, Y),
    "op_rpow": case(lambda m, x: 2.0 ** x, X),
    "op_pow_int": case(lambda m, x: x ** 2, INT),
    "op_matmul": case(lambda m, x, w: x @ w, X, rand(4, 5, seed=24)),
    "op_neg": case(lambda m, x: -x, X),
    "op_neg_int": case(lambda m, x: -x, INT),
    "op_abs": case(lambda m, x: abs(x), X),
    "op_lt": case(lambda m, x, y: x < y, X, Y),
    "op_le_scalar": case(lambda m, x: x <= 1.0, TIES),
    "op_gt_int": case(lambda m, x, y: x > y, INT, INT_Y),
    "op_ge": case(lambda m, x, y: x >= y, TIES, np.full((3, 4), 3.0)),
    "op_and": case(lambda m, x, y: x & y, B1, B2),
    "op_or": case(lambda m, x, y: x | y, B1, B2),
    "op_xor": case(lambda m, x, y: x ^ y, B1, B2),
    "op_invert": case(lambda m, x: ~x, B1),
    "op_chain": case(lambda m, x, y: (x * 2 - y) / (1.0 + y * y) + x ** 3, X, Y),
    # ---- reductions ----
    "sum_all": case(lambda m, x: m.reduce_sum(x), X3),
    "sum_axis0": case(lambda m, x: m.reduce_sum(x, 0), X3),
    "sum_axis_neg": case(lambda m, x: m.reduce_sum(x, axis=-1), X3),
    "sum_axis_list": case(lambda m, x: m.reduce_sum(x, axis=[0, 2]), X3),
    "sum_axis_neg_list": case(lambda m, x: m.reduce_sum(x, axis=[-1, 0]), X3),
    "sum_axis_tuple_kd": case(lambda m, x: m.reduce_sum(x, axis=(1,), keepdims=True), X3),
    "sum_all_kd": case(lambda m, x: m.reduce_sum(x, keepdims=True), X3),
    "sum_keep_dims": case(lambda m, x: m.reduce_sum(x, 1, keep_dims=True), X3),
    "sum_reduction_indices": case(lambda m, x: m.reduce_sum(x, reduction_indices=[2]), X3),
    "sum_axis_empty_list": case(lambda m, x: m.reduce_sum(x, axis=[]), X3),
    "sum_int": case(lambda m, x: m.reduce_sum(x, 1), INT),
    "sum_empty": case(lambda m, x: m.reduce_sum(x, 0), np.zeros((0, 3))),
    "sum_f32": case(lambda m, x: m.reduce_sum(x, 1), X32, rtol=1e-5),
    "mean_all": case(lambda m, x: m.reduce_mean(x), X3),
    "mean_axis_list_kd": case(lambda m, x: m.reduce_mean(x, [0, -1], keepdims=True), X3),
    "mean_axis1": case(lambda m, x: m.reduce_mean(x, 1), X3),
    "mean_int_trunc": case(lambda m, x: m.reduce_mean(x, 1), INT),
    "mean_int_all": case(lambda m, x: m.reduce_mean(x), INT),
    "mean_reduction_indices": case(lambda m, x: m.reduce_mean(
        x, reduction_indices=1, keep_dims=True), X),
    "max_all": case(lambda m, x: m.reduce_max(x), X3),
    "max_axis": case(lambda m, x: m.reduce_max(x, axis=-1), X3),
    "max_ties": case(lambda m, x: m.reduce_max(x, axis=1), TIES),
    "max_ties_all": case(lambda m, x: m.reduce_max(x), TIES),
    "max_int_kd": case(lambda m, x: m.reduce_max(x, 0, keepdims=True), INT),
    "max_empty": case(lambda m, x: m.reduce_max(x, 0), np.zeros((0, 3)), grad=False),
    "min_axis_list": case(lambda m, x: m.reduce_min(x, [1, 2]), X3),
    "min_ties": case(lambda m, x: m.reduce_min(x, 0), TIES),
    "min_int": case(lambda m, x: m.reduce_min(x, -1), INT),
    "prod_axis": case(lambda m, x: m.reduce_prod(x, 1), X3),
    "prod_all": case(lambda m, x: m.reduce_prod(x), X),
    "prod_zeros": case(lambda m, x: m.reduce_prod(x, axis=1),
                       np.array([[1.5, 0.0, 2.0, -1.0], [0.0, 3.0, 0.0, 2.0],
                                 [1.0, 2.0, 3.0, 4.0]])),
    "prod_kd_neg": case(lambda m, x: m.reduce_prod(x, -2, keepdims=True), X3),
    "prod_int": case(lambda m, x: m.reduce_prod(x, 0), INT),
    "prod_empty": case(lambda m, x: m.reduce_prod(x, 0), np.zeros((0, 3))),
    "all_axis": case(lambda m, x: m.reduce_all(x, 1), B1),
    "all_all": case(lambda m, x: m.reduce_all(x), B1),
    "any_axis_kd": case(lambda m, x: m.reduce_any(x, 0, keepdims=True), B1),
    "any_neg": case(lambda m, x: m.reduce_any(x, axis=-1), B2),
    "logsumexp_all": case(lambda m, x: m.reduce_logsumexp(x), X3),
    "logsumexp_axis": case(lambda m, x: m.reduce_logsumexp(x, axis=1), X3),
    "logsumexp_kd": case(lambda m, x: m.reduce_logsumexp(x, [0, 2], keepdims=True), X3),
    "logsumexp_keep_dims": case(lambda m, x: m.reduce_logsumexp(x, 1, keep_dims=True), X),
    "logsumexp_large": case(lambda m, x: m.reduce_logsumexp(x, -1),
                            np.array([[1000.0, 999.0, 1000.0], [-1000.0, -1001.0, -999.0]])),
    "logsumexp_neg_inf": case(lambda m, x: m.reduce_logsumexp(x, 1),
                              np.array([[-np.inf, -np.inf], [0.0, -np.inf]]), grad=False),
    "logsumexp_masked": case(lambda m, x: m.reduce_logsumexp(x, 1),
                             np.array([[0.0, -np.inf, 1.0], [2.0, 3.0, -np.inf]])),
    "std_all": case(lambda m, x: m.math.reduce_std(x), X3),
    "std_axis_kd": case(lambda m, x: m.math.reduce_std(x, axis=1, keepdims=True), X3),
    "variance_axis": case(lambda m, x: m.math.reduce_variance(x, axis=[0, -1]), X3),
    "variance_f32": case(lambda m, x: m.math.reduce_variance(x, 0), X32, rtol=1e-5),
    "euclidean_norm": case(lambda m, x: m.math.reduce_euclidean_norm(x, 1), X3),
    "euclidean_norm_all_kd": case(lambda m, x: m.math.reduce_euclidean_norm(
        x, keepdims=True), X),
    "euclidean_norm_int": case(lambda m, x: m.math.reduce_euclidean_norm(x, 1),
                               np.array([[3, 4], [5, 12], [1, 1]], i32)),
    "count_nonzero": case(lambda m, x: m.count_nonzero(x), TIES - 3.0),
    "count_nonzero_axis": case(lambda m, x: m.count_nonzero(x, axis=1, keepdims=True),
                               TIES - 3.0),
    "count_nonzero_dtype": case(lambda m, x: m.count_nonzero(x, 0, dtype=m.int32), INT),
    "count_nonzero_bool": case(lambda m, x: m.count_nonzero(x, -1), B1),
    "count_nonzero_input_kw": case(lambda m, x: m.count_nonzero(input=x, axis=1), INT),
    "count_nonzero_ri": case(lambda m, x: m.count_nonzero(
        x, reduction_indices=[0], keep_dims=True), INT),
    # ---- argmax/argmin ----
    "argmax_axis1": case(lambda m, x: m.argmax(x, 1), X3),
    "argmax_axis0_default": case(lambda m, x: m.argmax(x), X),
    "argmax_neg": case(lambda m, x: m.argmax(x, axis=-1), X3),
    "argmax_ties": case(lambda m, x: m.argmax(x, 1), TIES),
    "argmax_int32_out": case(lambda m, x: m.argmax(x, 1, output_type=m.int32), TIES),
    "argmax_dimension": case(lambda m, x: m.argmax(x, dimension=0), INT),
    "argmin_ties": case(lambda m, x: m.argmin(x, 0), TIES),
    "argmin_int": case(lambda m, x: m.argmin(x, -1, output_type=m.int64), INT),
    "argmin_math": case(lambda m, x: m.math.argmin(x, 2), X3),
    # ---- cumulative ----
    "cumsum": case(lambda m, x: m.cumsum(x), X3),
    "cumsum_axis1": case(lambda m, x: m.cumsum(x, 1), X3),
    "cumsum_neg_excl": case(lambda m, x: m.cumsum(x, -1, exclusive=True), X3),
    "cumsum_rev": case(lambda m, x: m.cumsum(x, axis=1, reverse=True), X),
    "cumsum_excl_rev": case(lambda m, x: m.cumsum(x, 0, exclusive=True, reverse=True), X),
    "cumsum_int": case(lambda m, x: m.cumsum(x, 1), INT),
    "cumprod": case(lambda m, x: m.cumprod(x, 1), POS),
    "cumprod_excl": case(lambda m, x: m.cumprod(x, -1, exclusive=True), POS),
    "cumprod_rev_excl": case(lambda m, x: m.cumprod(x, 0, exclusive=True, reverse=True),
                             POS),
    "cumprod_int": case(lambda m, x: m.cumprod(x, 0), INT),
    "cumulative_logsumexp": case(lambda m, x: m.math.cumulative_logsumexp(x, 1), X3),
    "cumulative_logsumexp_rev": case(lambda m, x: m.math.cumulative_logsumexp(
        x, axis=-1, reverse=True), X),
    "cumulative_logsumexp_large": case(lambda m, x: m.math.cumulative_logsumexp(x),
                                       np.array([1000.0, -1000.0, 999.0, 1001.0])),
    # ---- segments ----
    "segment_sum": case(lambda m, d, i: fixed(m, m.segment_sum(d, i), [4, 3]),
                        rand(5, 3, seed=30),
                        np.array([0, 0, 1, 3, 3], i32)),
    "segment_sum_int": case(lambda m, d, i: fixed(m, m.segment_sum(d, i), [3, 4]), INT,
                            np.array([0, 2, 2], i64)),
    "segment_mean": case(lambda m, d, i: fixed(m, m.segment_mean(d, i), [4, 3]),
                         rand(5, 3, seed=30),
                         np.array([0, 0, 1, 3, 3], i32)),
    "segment_mean_int": case(lambda m, d, i: fixed(m, m.segment_mean(d, i), [2, 2]),
                             np.array([[7, -7], [2, -2], [5, 5]], i32),
                             np.array([0, 0, 1], i32)),
    "segment_max": case(lambda m, d, i: fixed(m, m.segment_max(d, i), [3, 2]),
                        np.array([[1., 3.], [3., 2.], [0., 5.], [2., 5.]]),
                        np.array([0, 0, 2, 2], i32)),
    "segment_min": case(lambda m, d, i: fixed(m, m.segment_min(d, i), [3, 2]),
                        np.array([[1., 3.], [1., 2.], [0., 5.], [2., 5.]]),
                        np.array([0, 0, 2, 2], i32)),
    "segment_prod": case(lambda m, d, i: fixed(m, m.segment_prod(d, i), [4, 2]),
                         np.array([[1.5, 3.], [0., 2.], [2., 5.], [2., -1.]]),
                         np.array([0, 0, 1, 3], i32)),
    "segment_3d": case(lambda m, d, i: fixed(m, m.segment_sum(d, i), [2, 3, 2]),
                       X3.reshape(4, 3, 2),
                       np.array([0, 1, 1, 1], i32)),
    "unsorted_segment_sum": case(lambda m, d, i: m.unsorted_segment_sum(d, i, 4),
                                 rand(5, 3, seed=31), np.array([3, 0, -1, 3, 1], i32)),
    "unsorted_segment_sum_2d_ids": case(
        lambda m, d, i: m.unsorted_segment_sum(d, i, 3), X3.reshape(2, 3, 4),
        np.array([[0, 2, 0], [1, -1, 2]], i32)),
    "unsorted_segment_max": case(lambda m, d, i: m.unsorted_segment_max(d, i, 4),
                                 np.array([[1., 3.], [3., 2.], [0., 5.], [3., 5.], [9., 9.]]),
                                 np.array([1, 1, 0, 1, -1], i32)),
    "unsorted_segment_min_int": case(lambda m, d, i: m.unsorted_segment_min(d, i, 3),
                                     INT, np.array([2, 0, 2], i32)),
    "unsorted_segment_min": case(lambda m, d, i: m.unsorted_segment_min(d, i, 3),
                                 np.array([[1., 3.], [1., 2.], [0., 5.]]),
                                 np.array([2, 2, 0], i32)),
    "unsorted_segment_prod": case(lambda m, d, i: m.unsorted_segment_prod(d, i, 4),
                                  np.array([[1.5, 3.], [0., 2.], [2., 5.], [2., -1.]]),
                                  np.array([2, 2, 0, -1], i32)),
    "unsorted_segment_mean": case(lambda m, d, i: m.unsorted_segment_mean(d, i, 4),
                                  rand(5, 3, seed=32), np.array([3, 0, -1, 3, 3], i32)),
    "unsorted_segment_mean_int": case(lambda m, d, i: m.unsorted_segment_mean(d, i, 3),
                                      INT, np.array([2, 0, 2], i32)),
    "unsorted_segment_sqrt_n": case(lambda m, d, i: m.unsorted_segment_sqrt_n(d, i, 4),
                                    rand(5, 3, seed=33), np.array([3, 0, -1, 3, 3], i32)),
    # ---- counting ----
    "bincount": case(lambda m, a: m.bincount(a), np.array([1, 1, 2, 5, 2, 4], i32)),
    "bincount_minlength": case(lambda m, a: m.bincount(a, minlength=8),
                               np.array([1, 1, 2, 5], i32)),
    "bincount_maxlength": case(lambda m, a: m.bincount(a, maxlength=3),
                               np.array([1, 1, 2, 5], i32)),
    "bincount_dtype": case(lambda m, a: m.bincount(a, dtype=m.float32),
                           np.array([1, 1, 2, 5], i32)),
    "bincount_2d": case(lambda m, a: m.bincount(a), np.array([[0, 3], [3, 1]], i32)),
    "bincount_empty": case(lambda m, a: m.bincount(a), np.zeros((0,), i32)),
    "bincount_weights": case(lambda m, a, w: m.bincount(a, weights=w),
                             np.array([1, 1, 2, 5], i32), np.array([0.5, 1.5, 2.0, -1.0]),
                             grad=False),     # TF1's Bincount has no gradient
    # ---- top_k, sort ----
    "top_k": case(lambda m, x: m.nn.top_k(x, 2), X3),
    "top_k_ties": case(lambda m, x: m.nn.top_k(x, 3), TIES),
    "top_k_full": case(lambda m, x: m.math.top_k(x, k=4, sorted=True), TIES),
    "top_k_int": case(lambda m, x: m.nn.top_k(x, 2), INT),
    "top_k_default": case(lambda m, x: m.nn.top_k(x), X),
    "sort": case(lambda m, x: m.sort(x), X3),
    "sort_axis0_desc": case(lambda m, x: m.sort(x, axis=0, direction="DESCENDING"), X3),
    "sort_ties": case(lambda m, x: m.sort(x, axis=-1), TIES),
    "sort_int": case(lambda m, x: m.sort(x, direction="DESCENDING"), INT),
    "argsort": case(lambda m, x: m.argsort(x), TIES),
    "argsort_desc": case(lambda m, x: m.argsort(x, direction="DESCENDING"), TIES),
    "argsort_axis0_stable": case(lambda m, x: m.argsort(x, axis=0, stable=True), TIES),
    "argsort_int": case(lambda m, x: m.argsort(x, axis=1), INT),
    "in_top_k": case(lambda m, p, t: m.nn.in_top_k(p, t, 2),
                     np.array([[0.1, 0.5, 0.4, 0.0], [0.3, 0.3, 0.3, 0.1],
                               [0.9, 0.0, 0.05, 0.05]], f32), np.array([2, 1, 3], i32)),
    "in_top_k_math": case(lambda m, p, t: m.math.in_top_k(p, t, 1),
                          np.array([[0.1, 0.5, 0.4, 0.0], [0.3, 0.3, 0.3, 0.1]], f32),
                          np.array([1, 2], i32)),
    # ---- misc composites ----
    "confusion_matrix": case(lambda m, l, p: m.confusion_matrix(l, p),
                             np.array([0, 1, 2, 1, 3], i32), np.array([0, 2, 2, 1, 0], i32)),
    "confusion_matrix_n": case(lambda m, l, p: m.math.confusion_matrix(l, p, num_classes=5),
                               np.array([0, 1, 2, 1], i32), np.array([0, 2, 2, 1], i32)),
    "confusion_matrix_weights": case(
        lambda m, l, p, w: m.confusion_matrix(l, p, 4, m.float64, weights=w),
        np.array([0, 1, 2, 1], i32), np.array([0, 2, 2, 1], i32),
        np.array([0.5, 1.0, 2.0, 1.5]), grad=False),
    "is_non_decreasing": case(lambda m, x: m.is_non_decreasing(x),
                              np.array([[1, 2], [2, 5]], i32)),
    "is_non_decreasing_false": case(lambda m, x: m.math.is_non_decreasing(x),
                                    np.array([1.0, 3.0, 2.0])),
    "is_strictly_increasing": case(lambda m, x: m.is_strictly_increasing(x),
                                   np.array([1.0, 2.0, 2.0])),
    "is_strictly_increasing_true": case(lambda m, x: m.math.is_strictly_increasing(x),
                                        np.array([1, 2, 4], i64)),
    # ---- more edge cases ----
    "floordiv_float_inexact": case(lambda m, x, y: m.floordiv(x, y),
                                   np.array([1.0, 1.0, -1.0, 0.3, 2.0]),
                                   np.array([0.1, 0.2, 0.1, 0.1, 0.0])),
    "op_floordiv_f32_inexact": case(lambda m, x, y: x // y, np.array([1.0, 0.3, -1.0], f32),
                                    np.array([0.1, 0.1, 0.1], f32)),
    "mod_float_inexact": case(lambda m, x, y: m.floormod(x, y), np.array([1.0, -1.0, 0.3]),
                              np.array([0.1, 0.1, -0.1])),
    "pow_zero_base": case(lambda m, x, y: m.pow(x, y), np.array([0.0, 0.0, 2.0, 0.0]),
                          np.array([2.0, 3.0, 0.0, 1.0])),
    "maximum_nan": case(lambda m, x, y: m.maximum(x, y), np.array([np.nan, 1.0, np.nan]),
                        np.array([1.0, np.nan, np.nan]), grad=False),
    "minimum_nan": case(lambda m, x, y: m.minimum(x, y), np.array([np.nan, 1.0, np.nan]),
                        np.array([1.0, np.nan, np.nan]), grad=False),
    "lgamma_poles": case(lambda m, x: m.lgamma(x), np.array([0.0, -1.0, -2.0, 1.0, 2.0]),
                         grad=False),
    "digamma_poles": case(lambda m, x: m.digamma(x), np.array([0.0, -1.0, -3.0]),
                          grad=False),
    "erfinv_edges": case(lambda m, x: m.math.erfinv(x), np.array([-1.0, 1.0, 1.5, 0.0]),
                         grad=False),
    "xlogy_neg_y": case(lambda m, x, y: m.math.xlogy(x, y), np.array([0.0, 1.0]),
                        np.array([-1.0, -1.0]), grad=False),
    "sigmoid_f16": case(lambda m, x: m.sigmoid(x), X.astype(np.float16), rtol=2e-3,
                        atol=2e-3),
    "exp_f16": case(lambda m, x: m.exp(x), X.astype(np.float16), rtol=2e-3, atol=2e-3),
    "sum_f16": case(lambda m, x: m.reduce_sum(x, 1), rand(3, 200, seed=40, dtype=np.float16),
                    rtol=1e-2, atol=1e-1),
    "mean_f16": case(lambda m, x: m.reduce_mean(x, 1), rand(3, 200, seed=40,
                                                            dtype=np.float16),
                     rtol=1e-2, atol=1e-2),
    "mean_f32_long": case(lambda m, x: m.reduce_mean(x), rand(1000, 7, seed=41, dtype=f32),
                          rtol=1e-4, atol=1e-6),
    "cast_f2f16": case(lambda m, x: m.cast(x, m.float16), X, rtol=1e-3, atol=1e-3),
    "cast_bool2i": case(lambda m, x: m.cast(x, m.int32), B1),
    "cast_i2bool": case(lambda m, x: m.cast(x, m.bool), INT),
    "cast_i64_i32": case(lambda m, x: m.cast(x, m.int32), INT.astype(i64)),
    "round_f32": case(lambda m, x: m.round(x), HALVES.astype(f32)),
    "argmax_f16": case(lambda m, x: m.argmax(x, 0), TIES.astype(np.float16)),
    "sum_axis_const": case(lambda m, x: m.reduce_sum(x, m.constant([0, 2])), X3),
    "sum_axis_np": case(lambda m, x: m.reduce_sum(x, np.int64(1)), X3),
    "max_axis_np_array": case(lambda m, x: m.reduce_max(x, np.array([1, 2])), X3),
    "argmax_axis_const": case(lambda m, x: m.argmax(x, m.constant(1)), X3),
    "cumsum_axis_const": case(lambda m, x: m.cumsum(x, m.constant(1)), X3),
    "top_k_k_const": case(lambda m, x: m.nn.top_k(x, m.constant(2)), X3),
    "top_k_zero": case(lambda m, x: m.nn.top_k(x, 0), X),
    "logsumexp_none_kd": case(lambda m, x: m.reduce_logsumexp(x, keepdims=True), X3),
    "variance_none_kd": case(lambda m, x: m.math.reduce_variance(x, keepdims=True), X3),
    "std_neg_axis": case(lambda m, x: m.math.reduce_std(x, -1), X3),
    "euclidean_norm_neg_list": case(lambda m, x: m.math.reduce_euclidean_norm(x, [-1, 0]),
                                    X3),
    "prod_all_zero": case(lambda m, x: m.reduce_prod(x), np.array([[1.5, 0.0, 2.0],
                                                                   [3.0, 1.0, -1.0]])),
    "prod_two_zeros_all": case(lambda m, x: m.reduce_prod(x), np.array([[1.5, 0.0],
                                                                        [0.0, 2.0]])),
    "clip_by_norm_neg_axes": case(lambda m, x: m.clip_by_norm(x, 1.0, axes=[-1]), X3),
    "clip_by_norm_f32": case(lambda m, x: m.clip_by_norm(x, 1.0), X32, rtol=1e-5),
    "clip_by_global_norm_inf": case(lambda m, a, b: m.clip_by_global_norm([a, b], 1.0),
                                    np.array([1.0, np.inf]), np.array([2.0]), grad=False),
    "clip_by_global_norm_f32": case(lambda m, a, b: m.clip_by_global_norm([a, b], 1.0),
                                    X32, Y32, rtol=1e-5),
    "clip_by_value_f32_scalar": case(lambda m, x: m.clip_by_value(x, -0.5, 0.5), X32),
    "op_mul_f32_npscalar": case(lambda m, x: x * np.float32(2.5), X32),
    "op_rpow_int": case(lambda m, x: 2 ** x, np.abs(INT)),
    "op_matmul_f32": case(lambda m, x, w: x @ w, X32, rand(4, 2, seed=42, dtype=f32),
                          rtol=1e-5),
    "op_truediv_f32_int": case(lambda m, x: x / 2, X32),
    "op_neg_f32": case(lambda m, x: -x, X32),
    "segment_sum_empty": case(lambda m, d, i: fixed(m, m.segment_sum(d, i), [0, 3]),
                              np.zeros((0, 3)), np.zeros((0,), i32)),
    "segment_sum_i64_ids_f32": case(lambda m, d, i: fixed(m, m.segment_sum(d, i), [2, 4]),
                                    X32, np.array([0, 0, 1], i64), rtol=1e-5),
    "unsorted_segment_sum_num_i64": case(
        lambda m, d, i: m.unsorted_segment_sum(d, i, m.constant(3, m.int64)), X,
        np.array([2, 0, 2], i64)),
    "unsorted_segment_max_int_empty": case(lambda m, d, i: m.unsorted_segment_max(d, i, 3),
                                           INT, np.array([2, 0, 2], i32)),
    "unsorted_segment_prod_int": case(lambda m, d, i: m.unsorted_segment_prod(d, i, 3),
                                      INT, np.array([2, 0, 2], i32)),
    "unsorted_segment_mean_2d_ids": case(
        lambda m, d, i: m.unsorted_segment_mean(d, i, 3), X3.reshape(2, 3, 4),
        np.array([[0, 2, 0], [1, -1, 2]], i32)),
    "bincount_min_max": case(lambda m, a: m.bincount(a, minlength=2, maxlength=4),
                             np.array([1, 1, 2, 5, 3], i32)),
    "bincount_i64": case(lambda m, a: m.bincount(a), np.array([1, 1, 2, 5], i64)),
    "in_top_k_i64": case(lambda m, p, t: m.nn.in_top_k(p, t, 2),
                         np.array([[0.1, 0.5, 0.4, 0.0], [0.3, 0.3, 0.3, 0.1]], f32),
                         np.array([3, 2], i64)),
    "in_top_k_k_tensor": case(lambda m, p, t: m.nn.in_top_k(p, t, m.constant(2)),
                              np.array([[0.1, 0.5, 0.4, 0.0], [0.3, 0.3, 0.3, 0.1]], f32),
                              np.array([2, 3], i32)),
    "confusion_matrix_i64": case(lambda m, l, p: m.confusion_matrix(l, p, num_classes=4),
                                 np.array([0, 1, 3], i64), np.array([1, 1, 3], i64)),
    "confusion_matrix_dtype": case(lambda m, l, p: m.confusion_matrix(l, p, 3, m.float32),
                                   np.array([0, 1, 2], i32), np.array([1, 1, 2], i32)),
    "lbeta_1d": case(lambda m, x: m.lbeta(x), np.array([0.5, 1.5, 3.0])),
    "lbeta_last1": case(lambda m, x: m.math.lbeta(x), rand(3, 1, seed=43, low=0.5, high=2)),
    "lbeta_empty": case(lambda m, x: m.math.lbeta(x), np.zeros((2, 0)), grad=False),
    "cumulative_logsumexp_excl": case(lambda m, x: m.math.cumulative_logsumexp(
        x, axis=1, exclusive=True), X, grad=False),
    "sort_axis1_3d": case(lambda m, x: m.sort(x, axis=1), X3),
    "argsort_3d_axis0_desc": case(lambda m, x: m.argsort(x, 0, "DESCENDING"), X3),
    "sort_f32_desc": case(lambda m, x: m.sort(x, direction="DESCENDING"), X32),
    "add_n_bcast_same": case(lambda m, a, b: m.add_n([a, b]), X32, Y32),
    "scalar_mul_tensor": case(lambda m, s, x: m.scalar_mul(s, x), np.array(2.0), X),
    "squared_difference_f32": case(lambda m, x, y: m.math.squared_difference(x, y), X32,
                                   Y32, rtol=1e-5),
    "atan2_f32_bcast": case(lambda m, y, x: m.math.atan2(y, x), X32,
                            rand(4, seed=44, dtype=f32), rtol=1e-5),
    "is_nan_f32": case(lambda m, x: m.math.is_nan(x), SPECIAL.astype(f32)),
    "sign_nan": case(lambda m, x: m.sign(x), SPECIAL, grad=False),
    "log_zero_neg": case(lambda m, x: m.log(x), np.array([0.0, -1.0, 1.0]), grad=False),
    "sqrt_neg": case(lambda m, x: m.sqrt(x), np.array([0.0, -1.0, 4.0]), grad=False),
    "reciprocal_zero": case(lambda m, x: m.reciprocal(x), np.array([0.0, -0.0, 2.0]),
                            grad=False),
    # ---- second derivatives ----
    "grad2_tanh": case(grad_of(lambda m, x: m.tanh(x)), X),
    "grad2_sigmoid": case(grad_of(lambda m, x: m.sigmoid(x)), X),
    "grad2_exp_log": case(grad_of(lambda m, x: m.exp(x) + m.log(x)), POS),
    "grad2_sqrt_rsqrt": case(grad_of(lambda m, x: m.sqrt(x) * m.rsqrt(x + 1.0)), POS),
    "grad2_reciprocal": case(grad_of(lambda m, x: m.reciprocal(x)), POS),
    "grad2_pow": case(grad_of(lambda m, x, y: m.pow(x, y)), POS, Y),
    "grad2_divide": case(grad_of(lambda m, x, y: x / y), X, POS),
    "grad2_maximum": case(grad_of(lambda m, x, y: m.maximum(x, y) * x), X, Y),
    "grad2_trig": case(grad_of(lambda m, x: m.sin(x) * m.cos(x) + m.tan(x) + m.atan(x)), UNIT),
    "grad2_inv_trig": case(grad_of(lambda m, x: m.asin(x) + m.acos(x) * m.atanh(x)), UNIT),
    "grad2_hyperbolic": case(grad_of(lambda m, x: m.sinh(x) + m.cosh(x) * m.asinh(x)), X),
    "grad2_acosh": case(grad_of(lambda m, x: m.acosh(x)), POS + 1.0),
    "grad2_atan2": case(grad_of(lambda m, y, x: m.atan2(y, x)), X, Y),
    "grad2_erf_erfc": case(grad_of(lambda m, x: m.erf(x) * m.math.erfc(x)), X),
    "grad2_erfinv": case(grad_of(lambda m, x: m.math.erfinv(x)), UNIT),
    "grad2_lgamma_digamma": case(grad_of(lambda m, x: m.lgamma(x) + m.digamma(x)), POS,
                                 rtol=1e-5),
    "grad2_expm1_log1p": case(grad_of(lambda m, x: m.expm1(x) * m.log1p(x)), POS),
    "grad2_abs_square": case(grad_of(lambda m, x: m.abs(x) * m.square(x)), X),
    "grad2_squared_difference": case(grad_of(lambda m, x, y: m.squared_difference(x, y)),
                                     X, Y),
    "grad2_xlogy_xdivy": case(grad_of(lambda m, x, y: m.math.xlogy(x, y) + m.math.xdivy(
        x, y)), np.array([0.0, 1.5, 2.0]), np.array([1.0, 2.0, 0.5])),
    "grad2_div_no_nan": case(grad_of(lambda m, x, y: m.div_no_nan(x, y)),
                             np.array([1.0, 2.0, -3.0]), np.array([0.0, 4.0, 2.0])),
    "grad2_mod": case(grad_of(lambda m, x, y: m.mod(x, y) * x), X * 3, POS),
    "grad2_reduce_max": case(grad_of(lambda m, x: m.reduce_max(x, 1) * m.reduce_sum(x, 1)),
                             X),
    "grad2_reduce_prod": case(grad_of(lambda m, x: m.reduce_prod(x, 0)), X),
    "grad2_reduce_mean": case(grad_of(lambda m, x: m.reduce_mean(x * x, [0, 2])), X3),
    "grad2_logsumexp": case(grad_of(lambda m, x: m.reduce_logsumexp(x, 1)), X),
    "grad2_std": case(grad_of(lambda m, x: m.math.reduce_std(x, 0)), X),
    "grad2_euclidean_norm": case(grad_of(lambda m, x: m.math.reduce_euclidean_norm(x, 1)), X),
    "grad2_cumsum_cumprod": case(grad_of(lambda m, x: m.cumsum(x, 1) * m.cumprod(
        x, 1, exclusive=True)), POS),
    "grad2_cumulative_logsumexp": case(grad_of(lambda m, x: m.math.cumulative_logsumexp(
        x, 1)), X),
    "grad2_top_k": case(grad_of(lambda m, x: m.nn.top_k(x * x, 2).values), X3),
    "grad2_sort": case(grad_of(lambda m, x: m.sort(x * x, axis=0)), X3),
    "grad2_segment_max": case(grad_of(lambda m, x: m.unsorted_segment_max(
        x * x, np.array([1, 0, 1], i32), 2)), X),
    "grad2_segment_mean_prod": case(grad_of(lambda m, x: m.segment_mean(
        x * x, np.array([0, 0, 1], i32)) + m.segment_prod(x, np.array([0, 0, 1], i32))), X),
    "grad2_clip_by_norm": case(grad_of(lambda m, x: m.clip_by_norm(x, 1.0)), X),
    "grad2_clip_by_global_norm": case(grad_of(lambda m, a, b: m.clip_by_global_norm(
        [a, b], 1.0)[0][0]), X, Y),
    "grad2_softplus_log_sigmoid": case(grad_of(lambda m, x: m.math.softplus(x) *
                                               m.math.log_sigmoid(x)), X),
    "grad2_polyval": case(grad_of(lambda m, x: m.math.polyval([x, 2.0 * x, x * x], x)), X),
    "grad2_lbeta": case(grad_of(lambda m, x: m.lbeta(x)), POS, rtol=1e-5),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, arrays, kw = CASES[name]
    check(fn, *arrays, **kw)


def _static_shapes(m, fn, arrays):
    with m.Graph().as_default():
        xs = [m.placeholder(a.dtype, a.shape) for a in arrays]
        return [o.shape.as_list() if o.shape.rank is not None else None
                for o in _flat(fn(m, *xs))]


def test_static_shapes_known_where_tf_knows_them():
    """Every dim TF1 knows when it builds the graph, graphc knows too (and agrees)."""
    for name, (fn, arrays, _) in sorted(CASES.items()):
        arrays = [np.asarray(a) for a in arrays]
        ours, theirs = _static_shapes(gc, fn, arrays), _static_shapes(v1, fn, arrays)
        assert len(ours) == len(theirs), name
        for a, b in zip(ours, theirs):
            if b is not None:
                assert a is not None and len(a) == len(b), (name, a, b)
                assert all(y is None or x == y for x, y in zip(a, b)), (name, a, b)


@pytest.mark.parametrize("op", ["floordiv", "floormod", "div"])
def test_integer_division_by_zero_fails(op):
    """TF1 fails the run on an integer division by zero; so does graphc."""
    for m in (gc, v1):
        with m.Graph().as_default():
            x = m.placeholder(m.int32, [3])
            out = getattr(m, op)(x, m.constant([1, 0, 2]))
            with m.Session() as sess, pytest.raises(Exception, match="division by zero"):
                sess.run(out, {x: np.array([4, 5, 6], i32)})


REJECTED = {
    "sort_axis_out_of_range": lambda m, x: m.sort(x, axis=1),
    "argsort_axis_out_of_range": lambda m, x: m.argsort(x, axis=-2),
    "argmax_axis_and_dimension": lambda m, x: m.argmax(x, 0, dimension=0),
    "reduce_sum_axis_and_reduction_indices": lambda m, x: m.reduce_sum(
        x, 0, reduction_indices=0),
    "count_nonzero_input_twice": lambda m, x: m.count_nonzero(x, input=x),
    "top_k_k_too_large": lambda m, x: m.nn.top_k(x, 4),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_both_reject_when_building(name):
    """Arguments TF1 rejects while building the graph, graphc rejects too."""
    for m in (gc, v1):
        with m.Graph().as_default():
            x = m.placeholder(m.float32, [3])
            with pytest.raises((ValueError, TypeError)):
                REJECTED[name](m, x)
