"""TF parity (exact values) for quantized dtypes, quantize/dequantize, quantized_concat and
gc.nn's quantized kernels."""
import numpy as np
import pytest
from tf_parity import check, tf, v1

import graphc as gc

QT = ["qint8", "quint8", "qint16", "quint16", "qint32"]
NP = {"qint8": np.int8, "quint8": np.uint8, "qint16": np.int16, "quint16": np.uint16,
      "qint32": np.int32}
MODES = ["MIN_COMBINED", "MIN_FIRST", "SCALED"]
RANGES = [(-1.0, 2.0), (0.5, 3.0), (-2.0, -1.0), (0.0, 0.0), (-1.0, 1.0), (-0.37, 5.3)]


def toq(m, x, name):
    """x (numpy ints of the storage type) as the quantized dtype `name` in module m."""
    t = getattr(m, name)
    return tf.bitcast(x, t) if m is v1 else m.cast(x, t)


def exact(fn, *arrays, placeholders=True):
    check(fn, *arrays, grad=False, rtol=0, atol=0, placeholders=placeholders)


# TF built with oneDNN (the x86 default) runs a oneDNN kernel for QuantizeV2 of quint8
# MIN_FIRST and of q(u)int8 SCALED with HALF_TO_EVEN (and
# fails for the other T); graphc follows TF's reference
# kernel, which TF's constant folding runs: those cases compare with constant inputs.
# (Likewise qint32 SCALED Dequantize, which TF's oneDNN rewrite makes fail.)
def _onednn(T, mode, round_mode="HALF_AWAY_FROM_ZERO"):
    return (T == "quint8" and mode == "MIN_FIRST"
            or mode == "SCALED" and round_mode == "HALF_TO_EVEN")


def _floats(seed, n=40):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-4, 6, n).astype(np.float32)
    x[:8] = [-1.0, 0.0, 0.5, 2.0, 3.0, -2.0, 1.0 / 3, 0.3]
    return x


@pytest.mark.parametrize("T", QT)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("r", range(len(RANGES)))
def test_quantize(T, mode, r):
    lo, hi = RANGES[r]
    exact(lambda m, x: tuple(m.quantization.quantize(x, lo, hi, getattr(m, T), mode=mode)),
          _floats(r), placeholders=not _onednn(T, mode))


@pytest.mark.parametrize("T", QT)
@pytest.mark.parametrize("r", range(len(RANGES)))
def test_quantize_scaled_half_to_even(T, r):
    lo, hi = RANGES[r]
    exact(lambda m, x: tuple(m.quantize(x, lo, hi, getattr(m, T), mode="SCALED",
                                        round_mode="HALF_TO_EVEN")), _floats(r + 20),
          placeholders=not _onednn(T, "SCALED", "HALF_TO_EVEN"))


@pytest.mark.parametrize("kw", [dict(mode="SCALED", round_mode="HALF_TO_EVEN",
                                     narrow_range=True),
                                dict(mode="SCALED", narrow_range=True),
                                dict(mode="MIN_COMBINED", ensure_minimum_range=0.5),
                                dict(mode="SCALED", ensure_minimum_range=0.0),
                                dict(mode="MIN_FIRST", ensure_minimum_range=0.3)])
@pytest.mark.parametrize("rng", [(-1.0, 2.0), (0.0, 0.001)])
def test_quantize_options(kw, rng):
    exact(lambda m, x: tuple(m.quantize(x, rng[0], rng[1], m.qint8, **kw)), _floats(3),
          placeholders=kw.get("round_mode") != "HALF_TO_EVEN")


@pytest.mark.parametrize("mode", ["MIN_COMBINED", "SCALED"])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_quantize_per_channel(mode, axis):
    x = _floats(5, 24).reshape(2, 3, 4)
    n = x.shape[axis]
    lo, hi = np.linspace(-3, 0.5, n).astype(np.float32), np.linspace(-1, 4, n).astype(np.float32)
    exact(lambda m, x, a, b: tuple(m.quantize(x, a, b, m.qint8, mode=mode, axis=axis)),
          x, lo, hi)


def test_quantize_v2_placeholders_of_ranges():
    exact(lambda m, x, a, b: tuple(m.quantize_v2(x, a, b, m.qint8, mode="MIN_FIRST")),
          _floats(1), np.float32(-0.7), np.float32(1.9))


def _ints(T, seed, n=30):
    info = np.iinfo(NP[T])
    x = np.random.default_rng(seed).integers(info.min, int(info.max) + 1, n)
    x[:4] = [info.min, info.max, 0, 1]
    return x.astype(NP[T])


@pytest.mark.parametrize("T", QT)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("r", range(len(RANGES)))
def test_dequantize(T, mode, r):
    lo, hi = RANGES[r]
    exact(lambda m, q: m.quantization.dequantize(toq(m, q, T), lo, hi, mode=mode),
          _ints(T, r), placeholders=not (T == "qint32" and mode == "SCALED"))


@pytest.mark.parametrize("T", ["qint8", "quint8", "qint32"])
@pytest.mark.parametrize("mode", ["MIN_COMBINED", "SCALED"])
def test_dequantize_per_channel_and_narrow(T, mode):
    q = _ints(T, 7, 24).reshape(4, 6)
    lo = np.float32([-1, 0.5, -3, 0.0, -0.2, 2])
    hi = np.float32([2, 3, -1, 0.0, 0.9, 1])
    exact(lambda m, q, a, b: m.dequantize(toq(m, q, T), a, b, mode=mode, axis=1,
                                          narrow_range=True), q, lo, hi,
          placeholders=not (T == "qint32" and mode == "SCALED"))


@pytest.mark.parametrize("T", ["quint8", "qint32"])
@pytest.mark.parametrize("ranges", [((-1.0, 0.5), (2.0, 3.0)), ((1.0, 2.0), (2.0, 3.0)),
                                    ((-1.0, -1.0), (2.0, 2.0)), ((-4.0, 0.0), (1.0, 2.5))])
def test_quantized_concat(T, ranges):
    a, b = _ints(T, 1, 6).reshape(2, 3), _ints(T, 2, 9).reshape(3, 3)
    mins, maxes = ranges
    exact(lambda m, a, b: tuple(m.quantized_concat(0, [toq(m, a, T), toq(m, b, T)],
                                                   list(mins), list(maxes))), a, b)


def test_quantized_concat_axis1_three():
    a, b, c = (_ints("quint8", s, 8).reshape(2, 4) for s in (3, 4, 5))
    exact(lambda m, a, b, c: tuple(m.quantization.quantized_concat(
        1, [toq(m, a, "quint8"), toq(m, b, "quint8"), toq(m, c, "quint8")],
        [-1.0, 0.0, -0.5], [1.0, 2.0, 0.5])), a, b, c)


@pytest.mark.parametrize("T", ["quint8", "qint8"])
@pytest.mark.parametrize("pool", ["quantized_avg_pool", "quantized_max_pool"])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("win", [([1, 2, 3, 1], [1, 2, 2, 1]), ([1, 3, 3, 1], [1, 1, 1, 1])])
def test_pools(T, pool, padding, win):
    x = _ints(T, 9, 2 * 5 * 6 * 3).reshape(2, 5, 6, 3)
    exact(lambda m, x: tuple(getattr(m.nn, pool)(toq(m, x, T), -1.0, 2.0, win[0], win[1],
                                                 padding)), x, placeholders=False)


@pytest.mark.parametrize("T", ["quint8", "qint32"])
@pytest.mark.parametrize("r", [(-1.0, 9.0), (0.5, 2.0), (-3.0, 1.0)])
def test_relu_x_matches_tf_relu6_kernel(T, r):
    # TF 2.21 registers no CPU kernel for QuantizedReluX; its Relu6 kernel is relu_x(6)
    x = _ints(T, 11)
    want = v1.Graph()
    with want.as_default():
        out = tf.raw_ops.QuantizedRelu6(features=tf.bitcast(tf.constant(x), getattr(tf, T)),
                                        min_features=r[0], max_features=r[1],
                                        out_type=getattr(tf, T))
        with v1.Session() as s:
            want_v = s.run(tuple(out))
    with gc.Graph().as_default():
        got = gc.nn.quantized_relu_x(gc.cast(gc.constant(x), getattr(gc, T)), 6.0, r[0], r[1],
                                     out_type=getattr(gc, T))
        with gc.Session() as s:
            got_v = s.run(tuple(got))
    for a, b in zip(got_v, want_v):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("strides", [[1, 1, 1, 1], [1, 2, 2, 1], [1, 3, 3, 1]])
@pytest.mark.parametrize("ranges", [(-1.0, 2.0, -0.5, 0.7), (1.0, 2.0, 0.5, 0.7),
                                    (0.0, 6.0, -1.0, 1.0)])
def test_quantized_conv2d(padding, strides, ranges):
    x = _ints("quint8", 12, 2 * 5 * 7 * 2).reshape(2, 5, 7, 2)
    f = _ints("quint8", 13, 2 * 3 * 2 * 3).reshape(2, 3, 2, 3)
    exact(lambda m, x, f: tuple(m.nn.quantized_conv2d(
        toq(m, x, "quint8"), toq(m, f, "quint8"), *ranges, strides, padding)), x, f)


def test_static_shapes_and_dtypes_match():
    def build(m):
        x = m.placeholder(m.float32, [None, 3])
        q = m.quantize(x, [-1.0, 0.0, 1.0], [1.0, 2.0, 3.0], m.qint8, mode="SCALED", axis=1)
        d = m.dequantize(q.output, q.output_min, q.output_max, mode="SCALED", axis=1)
        return [(t.shape.as_list(), t.dtype.name) for t in (q.output, q.output_min, d)]
    with v1.Graph().as_default():
        want = build(v1)
    with gc.Graph().as_default():
        got = build(gc)
    assert got == want


def test_dtype_properties_match():
    for name in QT:
        a, b = getattr(gc, name), getattr(tf, name)
        assert (a.name, a.is_quantized, a.is_integer, a.is_floating, a.size, a.is_unsigned) \
            == (b.name, b.is_quantized, b.is_integer, b.is_floating, b.size, b.is_unsigned)
    assert {d.name for d in gc.dtypes.QUANTIZED_DTYPES} == \
        {d.name for d in tf.dtypes.QUANTIZED_DTYPES if not d.name.endswith("_ref")}


def test_cast_to_and_from_quantized():
    x = np.float32([1.7, -1.7, 2.5, -0.5, 126.9])
    exact(lambda m, x: [m.cast(x, m.qint8), m.cast(x, m.quint8),
                        m.cast(m.cast(x, m.qint8), m.float32),
                        m.cast(m.cast(x, m.int32), m.qint32)], x)
