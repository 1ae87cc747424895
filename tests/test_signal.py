"""gc.signal: framing, windows, the mel matrix, DCTs, MFCCs and STFTs against numpy
references written from the definitions; edge cases and build-time errors."""
import math

import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp
from samples_signal import frame_ref, overlap_add_ref


def run(t, feed=None):
    with gc.Session() as sess:
        return sess.run(t, feed)


# ---- frame / overlap_and_add ---------------------------------------------------------------
@pytest.mark.parametrize("length,step,pad_end", [(4, 3, False), (4, 3, True), (12, 3, False),
                                                 (12, 3, True), (4, 5, True), (3, 1, True)])
def test_frame_values_and_static_shape(length, step, pad_end):
    x = np.arange(20.0).reshape(2, 10)
    t = gc.signal.frame(x, length, step, pad_end=pad_end, pad_value=-1.0)
    want = frame_ref(length, step, pad_end=pad_end)(x, -1.0)
    assert t.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(t), want)


def test_frame_examples_and_edges():
    np.testing.assert_array_equal(run(gc.signal.frame(gc.range(10), 4, 3)),
                                  [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]])
    assert run(gc.signal.frame(np.zeros(10), 12, 3)).shape == (0, 12)
    assert run(gc.signal.frame(np.zeros(10), 0, 1)).shape == (11, 0)      # as TF1
    assert run(gc.signal.frame(np.zeros((0, 3)), 2, 1, axis=0, pad_end=True)).shape == \
        (0, 2, 3)
    x = np.arange(24.0).reshape(2, 3, 4)
    t = gc.signal.frame(x, 2, 1, axis=-3)
    assert t.shape.as_list() == [1, 2, 3, 4]
    np.testing.assert_array_equal(run(t), x[None])
    t = gc.signal.frame(gc.constant(x, gc.float32), gc.constant(2), gc.constant(1), axis=1)
    assert t.dtype is gc.float32 and t.shape.as_list() == [2, 2, 2, 4]


def test_frame_unknown_shapes():
    p = gc.placeholder(gc.float64, [None, 10])
    assert gc.signal.frame(p, 4, 3, pad_end=True).shape.as_list() == [None, 4, 4]
    assert gc.signal.frame(p, 4, 3, axis=0).shape.as_list() == [None, 4, 10]
    q = gc.placeholder(gc.float64)
    t = gc.signal.frame(q, 3, 2, pad_end=True)
    assert t.shape.rank is None
    x = np.arange(14.0).reshape(2, 7)
    np.testing.assert_array_equal(run(t, {q: x}), frame_ref(3, 2, pad_end=True)(x))


def test_frame_errors():
    with pytest.raises(ValueError, match="frame_step must be positive"):
        gc.signal.frame(np.zeros(5), 2, 0)
    with pytest.raises(ValueError, match="frame_length must be non-negative"):
        gc.signal.frame(np.zeros(5), -1, 1)
    with pytest.raises(gc.errors.ShapeError, match="rank at least 1"):
        gc.signal.frame(3.0, 2, 1)
    with pytest.raises(gc.errors.ShapeError, match="out of range"):
        gc.signal.frame(np.zeros((2, 3)), 2, 1, axis=2)
    with pytest.raises(gc.errors.DTypeError):
        gc.signal.frame(np.zeros(5), 2, 1, pad_value=gc.constant(1, gc.int32))
    # run-time sizes (tests/test_run_time_args.py): a scalar int, an axis it can place
    with pytest.raises(TypeError, match="frame_length must be a scalar int"):
        gc.signal.frame(np.zeros(5), gc.placeholder(gc.float32, []), 1)
    with pytest.raises(ValueError, match="negative axis needs a signal of known rank"):
        gc.signal.frame(gc.placeholder(gc.float32), gc.placeholder(gc.int32, []), 1)


def test_overlap_and_add_values():
    f = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(run(gc.signal.overlap_and_add(f, 2)),
                                  [0, 1, 6, 8, 14, 16, 10, 11])
    np.testing.assert_array_equal(run(gc.signal.overlap_and_add(gc.ones([3, 4]), 2)),
                                  [1, 1, 2, 2, 2, 2, 1, 1])
    for step in (1, 3, 4, 7):
        g = np.random.default_rng(step).standard_normal((2, 5, 4))
        t = gc.signal.overlap_and_add(g, step)
        assert t.shape.as_list() == [2, 4 * step + 4]
        np.testing.assert_allclose(run(t), overlap_add_ref(step)(g))
    assert run(gc.signal.overlap_and_add(np.zeros((0, 4)), 2)).shape == (2,)    # as TF1
    p = gc.placeholder(gc.float32, [2, None, 5])
    assert gc.signal.overlap_and_add(p, 2).shape.as_list() == [2, None]


def test_overlap_and_add_errors():
    with pytest.raises(gc.errors.ShapeError, match="rank at least 2"):
        gc.signal.overlap_and_add(np.zeros(4), 1)
    with pytest.raises(ValueError, match="frame_step must be positive"):
        gc.signal.overlap_and_add(np.zeros((2, 4)), 0)
    with pytest.raises(TypeError, match="numeric"):
        gc.signal.overlap_and_add(gc.constant([[True]]), 1)


def test_frame_and_overlap_add_gradients():
    rng = np.random.default_rng(0)
    check_vjp(lambda x: gc.signal.overlap_and_add(gc.signal.frame(x, 5, 2, pad_end=True), 3),
              [rng.standard_normal((2, 9))])
    check_vjp(lambda x: gc.signal.frame(x, 3, 2, axis=0), [rng.standard_normal((8, 2))],
              dynamic=True)
    x = gc.placeholder(gc.float64, [None, 7])
    g, = gc.gradients(gc.signal.frame(x, 3, 2, pad_end=True), x)
    np.testing.assert_array_equal(run(g, {x: np.ones((2, 7))}), [[1, 1, 2, 1, 2, 1, 2]] * 2)


# ---- windows -------------------------------------------------------------------------------
def test_raised_cosine_windows():
    for n in range(2, 9):
        np.testing.assert_allclose(run(gc.signal.hann_window(n, periodic=False,
                                                             dtype=gc.float64)), np.hanning(n),
                                   atol=1e-15)
        np.testing.assert_allclose(run(gc.signal.hamming_window(n, periodic=False,
                                                                dtype=gc.float64)),
                                   np.hamming(n), atol=1e-15)
        # TF1: periodic only changes even lengths (odd ones stay symmetric)
        want = np.hanning(n + 1)[:-1] if n % 2 == 0 else np.hanning(n)
        np.testing.assert_allclose(run(gc.signal.hann_window(n, dtype=gc.float64)), want,
                                   atol=1e-15)
    np.testing.assert_array_equal(run(gc.signal.hann_window(1)), [1.0])
    assert run(gc.signal.hann_window(0)).shape == (0,)
    w = gc.signal.hamming_window(4)
    assert w.dtype is gc.float32 and w.shape.as_list() == [4]


def test_windows_with_fed_length():
    n, p = gc.placeholder(gc.int32, []), gc.placeholder(gc.bool, [])
    w = gc.signal.hann_window(n, periodic=p)
    assert w.shape.as_list() == [None]
    np.testing.assert_allclose(run(w, {n: 4, p: False}), [0, 0.75, 0.75, 0], atol=1e-7)
    np.testing.assert_array_equal(run(w, {n: 1, p: True}), [1.0])
    np.testing.assert_allclose(run(gc.signal.kaiser_window(n, 3.0), {n: 7}),
                               np.kaiser(7, 3.0), rtol=1e-6)
    np.testing.assert_array_equal(run(gc.signal.kaiser_window(n), {n: 1}), [1.0])


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_kaiser_and_derived_windows(n):
    for beta in (0.5, 4.0, 12.0):
        np.testing.assert_allclose(run(gc.signal.kaiser_window(n, beta, dtype=gc.float64)),
                                   np.kaiser(n, beta), rtol=1e-12)
        kbd = run(gc.signal.kaiser_bessel_derived_window(n, beta, dtype=gc.float64))
        half = n // 2
        assert kbd.shape == (2 * half,)
        k = np.cumsum(np.kaiser(half + 1, beta))
        np.testing.assert_allclose(kbd[:half], np.sqrt(k[:-1] / k[-1]), rtol=1e-12)
        # Princen-Bradley: w[i]^2 + w[i + half]^2 = 1
        np.testing.assert_allclose(kbd[:half] ** 2 + kbd[half:] ** 2, 1.0, rtol=1e-12)


def test_vorbis_window():
    for n in (1, 4, 7, 10):
        k = np.arange(n)
        want = np.sin(np.pi / 2 * np.sin(np.pi * (k + 0.5) / n) ** 2)
        np.testing.assert_allclose(run(gc.signal.vorbis_window(n, dtype=gc.float64)), want,
                                   atol=1e-15)


def test_kaiser_beta_gradient():
    check_vjp(lambda b: gc.signal.kaiser_window(6, beta=b, dtype=gc.float64),
              [np.float64(3.0)])
    check_vjp(lambda b: gc.signal.kaiser_bessel_derived_window(6, beta=b, dtype=gc.float64),
              [np.float64(5.0)])


def test_window_errors():
    with pytest.raises(ValueError, match="floating point"):
        gc.signal.hann_window(4, dtype=gc.int32)
    with pytest.raises(ValueError, match="scalar"):
        gc.signal.vorbis_window(np.array([4]))
    with pytest.raises(TypeError, match="int"):
        gc.signal.kaiser_window(gc.constant(4.0))


# ---- mel matrix ----------------------------------------------------------------------------
def _mel_ref(bins, spec, rate, lo, hi):
    """Triangles on HTK's mel scale, one frequency at a time."""
    mel = lambda f: 1127.0 * math.log(1.0 + f / 700.0)  # noqa: E731
    edges = [mel(lo) + i * (mel(hi) - mel(lo)) / (bins + 1) for i in range(bins + 2)]
    out = np.zeros((max(spec, 1), bins))
    for i in range(1, spec):
        m = mel(i * (rate / 2) / (spec - 1))
        for j in range(bins):
            left, center, right = edges[j:j + 3]
            out[i, j] = max(0.0, min((m - left) / (center - left),
                                     (right - m) / (right - center)))
    return out


@pytest.mark.parametrize("args", [(20, 129, 8000, 125.0, 3800.0), (8, 33, 22050, 0.0, 11025.0),
                                  (40, 257, 16000, 20.0, 8000.0), (3, 1, 8000, 0.0, 100.0)])
def test_linear_to_mel_weight_matrix(args):
    t = gc.signal.linear_to_mel_weight_matrix(*args, dtype=gc.float64)
    np.testing.assert_allclose(run(t), _mel_ref(*args), atol=1e-12)
    assert gc.signal.linear_to_mel_weight_matrix(*args).dtype is gc.float32


def test_linear_to_mel_weight_matrix_errors():
    mel = gc.signal.linear_to_mel_weight_matrix
    for kw, msg in [(dict(num_mel_bins=0), "num_mel_bins must be positive"),
                    (dict(lower_edge_hertz=-1.0), "non-negative"),
                    (dict(lower_edge_hertz=3800.0), ">= upper_edge_hertz"),
                    (dict(sample_rate=0), "sample_rate must be positive"),
                    (dict(upper_edge_hertz=4001.0), "Nyquist"),
                    (dict(dtype=gc.int32), "floating point")]:
        with pytest.raises(ValueError, match=msg):
            mel(**kw)
    assert mel(sample_rate=gc.constant(16000.0), upper_edge_hertz=7000.0).shape.as_list() \
        == [129, 20]
    with pytest.raises(TypeError, match="known when the graph is built"):
        mel(sample_rate=gc.placeholder(gc.float32, []))


# ---- dct / idct / mfcc ---------------------------------------------------------------------
def _dct_ref(x, type, norm=None):
    """The DCT sums, term by term (scipy.fft.dct's definitions)."""
    n = x.shape[-1]
    y = np.zeros_like(x)
    for k in range(n):
        for m in range(n):
            if type == 1:
                c = 1.0 if m in (0, n - 1) else 2.0
                y[..., k] += c * x[..., m] * math.cos(math.pi * k * m / (n - 1))
            elif type == 2:
                y[..., k] += 2 * x[..., m] * math.cos(math.pi * k * (2 * m + 1) / (2 * n))
            elif type == 3:
                c = (1 / math.sqrt(n) if m == 0 else math.sqrt(2 / n)) if norm else \
                    (1.0 if m == 0 else 2.0)
                y[..., k] += c * x[..., m] * math.cos(math.pi * m * (2 * k + 1) / (2 * n))
            else:
                y[..., k] += 2 * x[..., m] * math.cos(
                    math.pi * (2 * m + 1) * (2 * k + 1) / (4 * n))
    if norm and type == 2:
        y = y / math.sqrt(2 * n)
        y[..., 0] /= math.sqrt(2)
    if norm and type == 4:
        y = y / math.sqrt(2 * n)
    return y


@pytest.mark.parametrize("type_,norm", [(1, None), (2, None), (2, "ortho"), (3, None),
                                        (3, "ortho"), (4, None), (4, "ortho")])
def test_dct_definitions_and_inverses(type_, norm):
    x = np.random.default_rng(type_).standard_normal((2, 3, 6))
    y = gc.signal.dct(x, type=type_, norm=norm)
    assert y.shape.as_list() == [2, 3, 6] and y.dtype is gc.float64
    np.testing.assert_allclose(run(y), _dct_ref(x, type_, norm), atol=1e-12)
    back = run(gc.signal.idct(y, type=type_, norm=norm))
    scale = 1.0 if norm else (2 * (6 - 1) if type_ == 1 else 2 * 6)
    np.testing.assert_allclose(back, scale * x, atol=1e-11)


def test_dct_n_and_unknown_shapes():
    x = np.random.default_rng(0).standard_normal((3, 5))
    np.testing.assert_allclose(run(gc.signal.dct(x, n=3)), _dct_ref(x[:, :3], 2), atol=1e-12)
    padded = np.concatenate([x, np.zeros((3, 3))], 1)
    np.testing.assert_allclose(run(gc.signal.dct(x, n=8, type=4)), _dct_ref(padded, 4),
                               atol=1e-12)
    for shape in ([None, None], None):
        p = gc.placeholder(gc.float64, shape)
        for n in (None, 3, 8):
            want = _dct_ref(x if n is None else (x[:, :3] if n == 3 else padded), 3, "ortho")
            np.testing.assert_allclose(run(gc.signal.dct(p, type=3, n=n, norm="ortho"),
                                           {p: x}), want, atol=1e-12)
    np.testing.assert_allclose(run(gc.signal.dct([1.0, 2.0, 3.0])), [12, -2 * math.sqrt(3), 0],
                               atol=1e-12)


def test_dct_gradients():
    x = np.random.default_rng(1).standard_normal((2, 5))
    for type_ in (1, 2, 3, 4):
        check_vjp(lambda t: gc.signal.dct(t, type=type_), [x])
    check_vjp(lambda t: gc.signal.idct(t, type=2, norm="ortho", n=7), [x], dynamic=True)
    check_vjp(gc.signal.mfccs_from_log_mel_spectrograms, [x], dynamic=True)


def test_dct_errors():
    x = np.zeros((2, 4))
    cases = [(dict(type=5), ValueError, "Types I, II, III and IV"),
             (dict(type=1, norm="ortho"), ValueError, "not supported for the Type-I"),
             (dict(n=0), ValueError, "positive integer"),
             (dict(axis=0), NotImplementedError, "axis must be -1"),
             (dict(norm="forward"), ValueError, "Unknown normalization")]
    for kw, err, msg in cases:
        with pytest.raises(err, match=msg):
            gc.signal.dct(x, **kw)
    with pytest.raises(ValueError, match="greater than one"):
        gc.signal.dct(np.ones((2, 1)), type=1)
    with pytest.raises(TypeError, match="float"):
        gc.signal.dct(np.ones((2, 3), np.int32))
    with pytest.raises(ValueError, match="rank at least 1"):
        gc.signal.idct(1.0)
    with pytest.raises(ValueError, match="rank at least 1"):
        gc.signal.mfccs_from_log_mel_spectrograms(1.0)


def test_mfccs():
    x = np.random.default_rng(2).standard_normal((3, 4, 10)).astype(np.float32)
    t = gc.signal.mfccs_from_log_mel_spectrograms(x)
    assert t.dtype is gc.float32 and t.shape.as_list() == [3, 4, 10]
    np.testing.assert_allclose(run(t), _dct_ref(x.astype(np.float64), 2) / math.sqrt(20),
                               rtol=1e-4, atol=1e-5)
    p = gc.placeholder(gc.float32, [None, None])
    t = gc.signal.mfccs_from_log_mel_spectrograms(p)
    np.testing.assert_allclose(run(t, {p: x[0]}), run(gc.signal.mfccs_from_log_mel_spectrograms(
        x[0])), rtol=1e-6)


# ---- stft ----------------------------------------------------------------------------------
def test_stft_values_and_round_trip():
    x = np.random.default_rng(3).standard_normal((2, 50))
    s = gc.signal.stft(x, 16, 4)
    assert s.dtype is gc.complex128 and s.shape.as_list() == [2, 9, 9]
    frames = frame_ref(16, 4)(x) * np.hanning(17)[:-1]
    np.testing.assert_allclose(run(s), np.fft.rfft(frames, 16), atol=1e-12)
    s2 = gc.signal.stft(x.astype(np.float32), 10, 3, fft_length=8, window_fn=None,
                        pad_end=True)
    assert s2.dtype is gc.complex64 and s2.shape.as_list() == [2, 17, 5]
    y = gc.signal.inverse_stft(s, 16, 4, window_fn=gc.signal.inverse_stft_window_fn(4))
    assert y.shape.as_list() == [2, 48]
    got = run(y)
    np.testing.assert_allclose(got[:, 12:36], x[:, 12:36], atol=1e-12)   # full overlap
    assert gc.signal.inverse_stft(s, 12, 4, fft_length=8).shape.as_list() == [2, 44]


def test_inverse_stft_window_fn():
    w = run(gc.signal.inverse_stft_window_fn(3)(10, dtype=gc.float64))
    h = np.hanning(11)[:-1]
    denom = np.array([np.sum(h[t % 3::3] ** 2) for t in range(10)])
    np.testing.assert_allclose(w, h / denom, atol=1e-15)


def test_stft_errors():
    with pytest.raises(TypeError, match="float32 or float64"):
        gc.signal.stft(np.ones(8, np.int32), 4, 2)
    with pytest.raises(TypeError, match="complex"):
        gc.signal.inverse_stft(np.ones((3, 5)), 4, 2)
    with pytest.raises(ValueError, match="frame_step must be positive"):
        gc.signal.inverse_stft_window_fn(0)


def test_namespace():
    for name in gc.signal.__all__:
        assert callable(getattr(gc.signal, name)), name
    assert {"stft", "rfft", "irfft3d", "dct", "frame"} <= set(gc.signal.__all__)
