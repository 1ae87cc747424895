"""Quantized dtypes, quantize/dequantize/quantized_concat and gc.nn's quantized kernels
(no TensorFlow needed: expected values were taken from TF 2.21's CPU kernels)."""
import pickle

import numpy as np
import pytest

import graphc as gc
from graphc import dtypes
from graphc.errors import DTypeError, ExecutionError, ShapeError

X = np.float32([-3.0, -1.0, -0.5, 0.0, 0.3, 0.5, 1.0, 2.5, 7.0])


def run(*fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(list(fetches), feed)


def q(values, name):
    npdt = getattr(gc, name).np
    return gc.cast(gc.constant(np.array(values, npdt)), getattr(gc, name))


# -- dtypes ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,npdt", [("qint8", np.int8), ("quint8", np.uint8),
                                       ("qint16", np.int16), ("quint16", np.uint16),
                                       ("qint32", np.int32)])
def test_quantized_dtype_objects(name, npdt):
    d = getattr(gc, name)
    assert gc.as_dtype(name) is d and gc.dtypes.as_dtype(name) is d
    assert d in gc.dtypes.QUANTIZED_DTYPES and d.is_quantized
    assert not (d.is_integer or d.is_floating or d.is_numeric or d.is_differentiable)
    assert not d.is_unsigned and d.size == np.dtype(npdt).itemsize
    assert d.as_numpy_dtype is npdt and d.base_dtype is d and d.real_dtype is d
    assert repr(d) == f"gc.{name}" and str(d) == name
    assert pickle.loads(pickle.dumps(d)) is d
    # numpy's ints stay the plain int dtypes
    plain = gc.as_dtype(npdt)
    assert plain is not d and not plain.is_quantized and plain.is_integer
    assert gc.as_dtype(d.np) is d
    assert getattr(gc.quantization, name) is d


def test_plain_int_dtypes_unchanged():
    assert gc.as_dtype(np.uint8) is gc.uint8 and gc.as_dtype("int8") is gc.int8
    assert not any(d.is_quantized for d in dtypes.ALL)
    assert gc.uint8.is_unsigned and not gc.int8.is_unsigned
    assert len(gc.dtypes.QUANTIZED_DTYPES) == 5


def test_fetch_and_feed_plain_numpy_ints():
    p = gc.placeholder(gc.quint8, [2])
    y = gc.reshape(gc.identity(p), [2, 1])
    a, b = run(p, y, feed={p: np.array([3, 250], np.uint8)})
    assert a.dtype == np.uint8 and a.tolist() == [3, 250]
    assert b.shape == (2, 1) and b.dtype == np.uint8
    (c,) = run(p, feed={p: [1, 2]})
    assert c.dtype == np.uint8


def test_arithmetic_refuses_quantized():
    x = q([1, 2], "qint8")
    for fn in (lambda: x + x, lambda: gc.reduce_sum(x), lambda: gc.maximum(x, x),
               lambda: gc.nn.relu(x), lambda: -x):
        with pytest.raises(DTypeError, match="qint8"):
            fn()


def test_shape_ops_and_cast_accept_quantized():
    x = q([[1, -2, 3]], "qint8")
    t, c, f = run(gc.transpose(x), gc.concat([x, x], 0), gc.cast(x, gc.float32))
    assert t.tolist() == [[1], [-2], [3]] and c.shape == (2, 3) and c.dtype == np.int8
    assert f.dtype == np.float32 and f.tolist() == [[1.0, -2.0, 3.0]]
    (e,) = run(gc.equal(x, x))
    assert e.all()


# -- quantize ----------------------------------------------------------------------------

QUANTIZE_CASES = [   # (T, mode, lo, hi, output, output_min, output_max) from TF 2.21
    ("qint8", "MIN_COMBINED", -1, 2, [-128, -128, -86, -43, -18, -1, 42, 127, 127], -1, 2),
    ("qint8", "MIN_FIRST", -1, 2, [-128, -128, -86, -43, -17, 0, 42, 127, 127], -1, 2),
    ("qint8", "SCALED", -1, 2, [-128, -64, -32, 0, 19, 32, 64, 127, 127], -2.015748, 2),
    ("qint8", "SCALED", 0.5, 3, [-127, -42, -21, 0, 13, 21, 42, 106, 127], -3.023622, 3),
    ("qint8", "MIN_COMBINED", 0, 0, [-128, -128, -128, -128, 127, 127, 127, 127, 127], 0,
     0.01),
    ("quint8", "MIN_COMBINED", -2, -1, [0, 128, 191, 255, 255, 255, 255, 255, 255], -2, 0),
    ("quint8", "SCALED", -1, 1, [0, 0, 0, 0, 77, 128, 255, 255, 255], 0, 1),
    ("qint32", "MIN_COMBINED", -1, 1, [-2 ** 31, -2 ** 31, -1073741824, 0, 644244992,
                                       1073741824, -2 ** 31, -2 ** 31, -2 ** 31], -1, 1),
    ("qint32", "MIN_FIRST", -1, 2, [-2 ** 31, -2 ** 31, -1431655680, -715827840, -286331072,
                                    64, 715827968, 2147483520, 2147483520], -1, 2),
]


@pytest.mark.parametrize("case", QUANTIZE_CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
def test_quantize_values(case):
    name, mode, lo, hi, want, wmin, wmax = case
    r = gc.quantize(X, lo, hi, getattr(gc, name), mode=mode)
    assert r.output.dtype is getattr(gc, name) and r.output_min.dtype is gc.float32
    out, mn, mx = run(*r)
    assert out.dtype == getattr(gc, name).np and out.tolist() == want
    np.testing.assert_allclose([mn, mx], np.float32([wmin, wmax]), rtol=1e-6)


def test_quantize_namedtuple_and_aliases():
    r = gc.quantize_v2(X, -1.0, 2.0, gc.qint8)
    assert r._fields == ("output", "output_min", "output_max")
    assert gc.quantization.quantize is gc.quantize
    a, b = run(r.output, gc.quantization.quantize(X, -1.0, 2.0, gc.qint8).output)
    assert a.tolist() == b.tolist()


def test_quantize_options():
    def out(**kw):
        return run(*gc.quantize(X, -1.0, 2.0, gc.qint8, **kw))
    o, mn, _ = out(mode="SCALED", narrow_range=True)
    assert o.tolist()[:2] == [-127, -64] and mn == -2.0
    o, _, mx = run(*gc.quantize(X, 0.0, 0.001, gc.qint8, ensure_minimum_range=0.5))
    assert mx == 0.5 and o.tolist()[4] == 25
    o, _, _ = out(mode="SCALED", round_mode="HALF_TO_EVEN")
    assert o.tolist() == [-128, -64, -32, 0, 19, 32, 64, 127, 127]


def test_quantize_nan_inf_like_tf():
    o, = run(gc.quantize(np.float32([np.nan, np.inf, -np.inf]), -1.0, 2.0, gc.qint8).output)
    assert o.tolist() == [0, 127, -128]


def test_quantize_per_channel():
    x = X.reshape(3, 3)
    r = gc.quantize(x, [-1.0, 0.0, -5.0], [1.0, 3.0, -1.0], gc.qint8, mode="SCALED", axis=1)
    assert r.output_min.shape.as_list() == [3]
    o, mn, mx = run(*r)
    assert o.tolist() == [[-128, -42, -13], [0, 13, 13], [127, 106, 127]]
    np.testing.assert_allclose(mn, np.float32([-1.007874, -3.023622, -5.0]), rtol=1e-6)
    np.testing.assert_array_equal(mx, np.float32([1.0, 3.0, 4.9609375]))
    o2, = run(gc.quantize(x, [-1.0, 0.0, -5.0], [1.0, 3.0, -1.0], gc.qint8, mode="SCALED",
                          axis=-1).output)          # axis=-1 is per channel, as in TF
    assert o2.tolist() == o.tolist()


def test_quantize_errors():
    with pytest.raises(DTypeError, match="quantized dtype"):
        gc.quantize(X, -1.0, 2.0, gc.int8)
    with pytest.raises(DTypeError, match="float32"):
        gc.quantize(X.astype(np.float64), -1.0, 2.0, gc.qint8)
    with pytest.raises(ShapeError, match="mode must be"):
        gc.quantize(X, -1.0, 2.0, gc.qint8, mode="FOO")
    with pytest.raises(ShapeError, match="HALF_TO_EVEN"):
        gc.quantize(X, -1.0, 2.0, gc.qint8, round_mode="HALF_TO_EVEN")
    with pytest.raises(ShapeError, match="MIN_FIRST"):
        gc.quantize(X.reshape(3, 3), [0.0] * 3, [1.0] * 3, gc.qint8, mode="MIN_FIRST", axis=0)
    with pytest.raises(ShapeError, match="scalar"):
        gc.quantize(X, [-1.0], 2.0, gc.qint8)
    with pytest.raises(ShapeError, match="vector"):
        gc.quantize(X.reshape(3, 3), -1.0, 2.0, gc.qint8, axis=1)
    with pytest.raises(ShapeError, match="entries"):
        gc.quantize(X.reshape(3, 3), [0.0] * 4, [1.0] * 4, gc.qint8, axis=1)
    with pytest.raises(ValueError, match="known rank"):
        gc.quantize(gc.placeholder(gc.float32), [0.0], [1.0], gc.qint8, axis=-1)
    r = gc.quantize(X, 2.0, 1.0, gc.qint8)
    with pytest.raises(ExecutionError, match="input_max_range must be larger"):
        run(r.output)


# -- dequantize --------------------------------------------------------------------------

DEQUANTIZE_CASES = [   # (T, mode, lo, hi, input, output) from TF 2.21
    ("qint8", "MIN_COMBINED", -1, 2, [-128, -1, 0, 1, 64, 127],
     [-1.0, 0.49411762, 0.5058824, 0.51764715, 1.2588236, 2.0]),
    ("qint8", "MIN_FIRST", -1, 2, [-128, -1, 0, 1, 64, 127],
     [-1.0, 0.49411768, 0.5058824, 0.5176471, 1.2588236, 2.0]),
    ("qint8", "SCALED", 2, 1, [-128, -1, 0, 1, 64, 127],
     [-1.007874, -0.00787402, 0.0, 0.00787402, 0.503937, 1.0]),
    ("quint8", "SCALED", -2, -1, [0, 1, 127, 128, 255],
     [-0.0, -0.00392157, -0.49803925, -0.5019608, -1.0]),
    ("qint32", "SCALED", -1, 2, [-2 ** 31, -5, 0, 7, 2 ** 31 - 1],
     [-2.0, -4.656613e-09, 0.0, 6.519258e-09, -2.0]),
    ("qint16", "MIN_COMBINED", -1, 2, [-32768, 0, 5, 32767],
     [-1.0, 0.5000229, 0.50025177, 2.0]),
]


@pytest.mark.parametrize("case", DEQUANTIZE_CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_dequantize_values(case):
    name, mode, lo, hi, vals, want = case
    y = gc.dequantize(q(vals, name), lo, hi, mode=mode)
    assert y.dtype is gc.float32
    out, = run(y)
    np.testing.assert_allclose(out, np.float32(want), rtol=1e-6, atol=0)   # printed digits


def test_dequantize_per_channel_and_errors():
    m = q([[-128, 0, 127], [5, -5, 100]], "qint8")
    out, = run(gc.dequantize(m, [-1.0, 0.5, -3.0], [2.0, 3.0, -1.0], mode="SCALED", axis=1))
    np.testing.assert_allclose(out[0], np.float32([-2.015748, 0.0, 2.9765625]), rtol=1e-6)
    with pytest.raises(DTypeError, match="quantized"):
        gc.dequantize(gc.constant(np.int8([1])), -1.0, 2.0)
    with pytest.raises(DTypeError, match="float32"):
        gc.dequantize(m, -1.0, 2.0, dtype=gc.float64)
    with pytest.raises(ShapeError, match="MIN_FIRST"):
        gc.dequantize(m, [0.0] * 3, [1.0] * 3, mode="MIN_FIRST", axis=1)


def test_no_gradient_through_quantized_ops():
    a = gc.constant(-1.0)
    r = gc.quantize(X, a, 2.0, gc.qint8)
    y = gc.dequantize(r.output, a, 2.0)
    assert gc.gradients(y, a) == [None]


def test_round_trip_within_one_step():
    x = np.linspace(-1, 2, 50).astype(np.float32)
    for mode in ("MIN_COMBINED", "MIN_FIRST", "SCALED"):
        r = gc.quantize(x, -1.0, 2.0, gc.quint16, mode=mode)
        back, = run(gc.dequantize(r.output, r.output_min, r.output_max, mode=mode))
        assert np.max(np.abs(back - np.clip(x, 0 if mode == "SCALED" else -1, 2))) < 1e-4


# -- quantized_concat --------------------------------------------------------------------

def test_quantized_concat():
    a = q([[163, 123, 98], [52, 59, 8]], "quint8")
    b = q([[10, 200, 255]], "quint8")
    r = gc.quantized_concat(0, [a, b], [-1.0, 0.5], [2.0, 3.0])
    assert r.output.shape.as_list() == [3, 3]
    out, mn, mx = run(*r)
    assert (mn, mx) == (-1.0, 3.0)
    same = gc.quantized_concat(1, [a, a], [-1.0, -1.0], [2.0, 2.0])
    o2, = run(same.output)
    assert o2[:, :3].tolist() == o2[:, 3:].tolist() == [[163, 123, 98], [52, 59, 8]]
    a32 = q([[5, -5]], "qint32")
    _, mn, mx = run(*gc.quantized_concat(0, [a32, a32], [-1.0, 0.5], [2.0, 3.0]))
    assert (mn, mx) == (-3.0, 3.0)            # signed: symmetric about zero


def test_quantized_concat_errors():
    a = q([1, 2], "quint8")
    with pytest.raises(ValueError, match="at least 2"):
        gc.quantized_concat(0, [a], [0.0], [1.0])
    with pytest.raises(ValueError, match="input_mins"):
        gc.quantized_concat(0, [a, a], [0.0], [1.0, 1.0])
    with pytest.raises(DTypeError, match="quint8 or qint32"):
        gc.quantized_concat(0, [q([1], "qint8")] * 2, [0.0] * 2, [1.0] * 2)
    with pytest.raises(DTypeError, match="differ"):
        gc.quantized_concat(0, [a, q([1], "qint32")], [0.0] * 2, [1.0] * 2)


# -- gc.nn -------------------------------------------------------------------------------

POOL_X = np.array([[208, 0, 219, 8, 186, 44], [220, 138, 76, 108, 7, 31],
                   [171, 165, 157, 98, 255, 251], [175, 166, 176, 99, 34, 184]], np.uint8)


def test_quantized_pools():
    x = q(POOL_X.reshape(1, 4, 6, 1), "quint8")
    avg = gc.nn.quantized_avg_pool(x, -1.0, 2.0, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    mx = gc.nn.quantized_max_pool(x, -1.0, 2.0, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    assert avg.output.shape.as_list() == [1, 2, 3, 1]
    a, lo, hi, m = run(avg.output, avg.min_output, avg.max_output, mx.output)
    # TF's kernel divides int32 sums in C++: 141.5 -> 141, 102.75 -> 102 (TF 2.21 too)
    assert a[0, :, :, 0].tolist() == [[141, 102, 67], [169, 132, 181]]
    assert m[0, :, :, 0].tolist() == [[220, 219, 186], [175, 176, 255]]
    assert (lo, hi) == (-1.0, 2.0)
    s, = run(gc.nn.quantized_avg_pool(x, -1.0, 2.0, [1, 3, 3, 1], [1, 2, 2, 1], "SAME").output)
    assert s.shape == (1, 2, 3, 1)


def test_quantized_avg_pool_truncates_toward_zero():
    """qint8 means -1.5, -2.5, -0.5, -4.5 give -1, -2, 0, -4 (TF 2.21's kernel)."""
    x = q(np.int8([-1, -2, -2, -3, -1, 0, -5, -4]).reshape(1, 1, 8, 1), "qint8")
    out = gc.nn.quantized_avg_pool(x, -1.0, 2.0, [1, 1, 2, 1], [1, 1, 2, 1], "VALID")
    assert run(out.output)[0].ravel().tolist() == [-1, -2, 0, -4]


def test_quantized_pool_errors():
    x = q(POOL_X.reshape(1, 4, 6, 1), "quint8")
    with pytest.raises(DTypeError, match="quint8"):
        gc.nn.quantized_max_pool(gc.cast(x, gc.qint32), -1.0, 2.0, [1, 2, 2, 1], [1, 1, 1, 1],
                                 "VALID")
    with pytest.raises(ShapeError, match="batch and depth"):
        gc.nn.quantized_avg_pool(x, -1.0, 2.0, [2, 2, 2, 1], [1, 1, 1, 1], "VALID")
    with pytest.raises(ShapeError, match="padding"):
        gc.nn.quantized_avg_pool(x, -1.0, 2.0, [1, 2, 2, 1], [1, 1, 1, 1], "FULL")


def test_quantized_relu_x():
    x = q([0, 10, 85, 100, 200, 255], "quint8")
    r = gc.nn.quantized_relu_x(x, 6.0, -1.0, 9.0)
    assert r._fields == ("activations", "min_activations", "max_activations")
    o, lo, hi = run(*r)
    assert o.tolist() == [26, 26, 85, 100, 179, 179] and (lo, hi) == (-1.0, 9.0)
    o32, = run(gc.nn.quantized_relu_x(q([-2 ** 31, 0, 2 ** 30], "qint32"), 6.0, -1.0, 9.0,
                                      out_type=gc.qint32).activations)
    assert o32.tolist() == [-1717986918, 0, 858993459]
    with pytest.raises(DTypeError, match="quint8 -> quint8"):
        gc.nn.quantized_relu_x(x, 6.0, -1.0, 9.0, out_type=gc.qint32)


def test_quantized_conv2d():
    rng = np.random.default_rng(0)
    xv, fv = rng.integers(0, 256, (1, 4, 5, 2)), rng.integers(0, 256, (2, 3, 2, 3))
    r = gc.nn.quantized_conv2d(q(xv, "quint8"), q(fv, "quint8"), -1.0, 2.0, -0.5, 0.7,
                               [1, 1, 1, 1], "VALID")
    assert r.output.dtype is gc.qint32 and r.output.shape.as_list() == [1, 3, 3, 3]
    o, lo, hi = run(*r)
    assert o[0, 0, 0].tolist() == [15425, 3576, 7724]           # TF 2.21
    np.testing.assert_allclose([lo, hi], [-118891.836, 118891.836], rtol=1e-7)
    x, f = q(xv, "quint8"), q(fv, "quint8")
    with pytest.raises(ShapeError, match="dilations"):
        gc.nn.quantized_conv2d(x, f, -1.0, 2.0, -0.5, 0.7, [1, 1, 1, 1], "SAME",
                               dilations=[1, 2, 2, 1])
    with pytest.raises(ShapeError, match="equal row and column"):
        gc.nn.quantized_conv2d(x, f, -1.0, 2.0, -0.5, 0.7, [1, 1, 2, 1], "SAME")
    with pytest.raises(DTypeError, match="quint8"):
        gc.nn.quantized_conv2d(gc.cast(x, gc.qint8), f, -1.0, 2.0, -0.5, 0.7, [1, 1, 1, 1],
                               "SAME")
    with pytest.raises(ShapeError, match="channels"):
        gc.nn.quantized_conv2d(x, q(fv[:, :, :1], "quint8"), -1.0, 2.0, -0.5, 0.7,
                               [1, 1, 1, 1], "SAME")


def test_quantized_constants_refuse_overflow_and_fractions():
    with pytest.raises(gc.errors.DTypeError, match="overflow qint8"):
        gc.constant([300], gc.qint8)
    with pytest.raises(gc.errors.DTypeError, match="without loss"):
        gc.constant([1.5], gc.quint8)
