"""tf.signal's window functions and the mel filterbank (composites, no ops of their own).

The windows are built from graphc ops in float64 and cast to `dtype` at the end, so a
window_length known at build time folds into a constant of static shape, and one fed at
run time still works (TF1 accepts a scalar int tensor). kaiser_window differentiates in
beta through bessel_i0e. linear_to_mel_weight_matrix is a constant computed in numpy.
"""
import math

import numpy as np

from .. import dtypes
from ..graph import Tensor
from .array import static_value
from .core import constant, convert_to_tensor
from .creation import ones_like
from .elementwise import cast, cos, equal, exp, maximum, sin, sqrt
from .join import concat
from .creation import range as range_
from .special import bessel_i0e
from .scan import cumsum

__all__ = ["hann_window", "hamming_window", "kaiser_window",
           "kaiser_bessel_derived_window", "vorbis_window", "linear_to_mel_weight_matrix"]


def _float_dtype(dtype, api):
    d = dtypes.as_dtype(dtype)
    if not d.is_floating:
        raise ValueError(f"{api}: dtype must be a floating point type, got {d.name}")
    return d


def _length(window_length, api):
    """window_length as a scalar int32 tensor (TF1 converts it so)."""
    n = window_length if isinstance(window_length, Tensor) else \
        convert_to_tensor(window_length, dtype=dtypes.int32)
    if n.shape.rank not in (None, 0):
        raise ValueError(f"{api}: window_length must be a scalar, got shape {n.shape}")
    if not n.dtype.is_integer:
        raise TypeError(f"{api}: window_length must be an int, got {n.dtype.name}")
    return cast(n, dtypes.int32) if n.dtype is not dtypes.int32 else n


def _positions(n):
    """range(n) as float64."""
    return cast(range_(n), dtypes.float64)


def _raised_cosine(window_length, periodic, a, b, dtype, name, api):
    """a - b cos(2 pi k / N) for k < L, where N = L - 1, plus 1 when periodic and L is
    even (TF1's rule: a periodic window of odd length is the symmetric one); L = 1 -> [1]."""
    dtype = _float_dtype(dtype, api)
    n = _length(window_length, api)
    p = periodic if isinstance(periodic, Tensor) else constant(bool(periodic))
    even = 1 - n % 2
    denom = cast(n + cast(p, dtypes.int32) * even - 1, dtypes.float64)
    w = a - b * cos((2.0 * math.pi) * _positions(n) / maximum(denom, 1.0))
    w = _where_length_one(n, w)
    return cast(w, dtype, name=name)


def _where_length_one(n, w):
    """[1] for a window of length 1 (TF1), w otherwise."""
    from .broadcast import where
    return where(equal(n, 1), ones_like(w), w)


def hann_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """The Hann window 0.5 - 0.5 cos(2 pi k / N) (TF1 tf.signal.hann_window).

        gc.signal.hann_window(4)                  # [0, 0.5, 1, 0.5]
        gc.signal.hann_window(4, periodic=False)  # [0, 0.75, 0.75, 0]
    """
    return _raised_cosine(window_length, periodic, 0.5, 0.5, dtype, name,
                          "signal.hann_window")


def hamming_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """The Hamming window 0.54 - 0.46 cos(2 pi k / N) (TF1 tf.signal.hamming_window).

        gc.signal.hamming_window(4, dtype=gc.float64)   # [0.08, 0.54, 1, 0.54]
    """
    return _raised_cosine(window_length, periodic, 0.54, 0.46, dtype, name,
                          "signal.hamming_window")


def _kaiser64(n, beta):
    """The Kaiser window I0(beta sqrt(1 - r^2)) / I0(beta), r = (k - h) / h, h = (n-1)/2,
    in float64, written with i0e: i0e(z) / i0e(beta) * exp(z - beta)."""
    beta = beta if isinstance(beta, Tensor) else constant(float(beta), dtypes.float64)
    beta = cast(beta, dtypes.float64) if beta.dtype is not dtypes.float64 else beta
    half = cast(n - 1, dtypes.float64) / 2.0
    r = (_positions(n) - half) / maximum(half, 0.5)    # n = 1: r = 0, the window is [1]
    z = beta * sqrt(maximum(1.0 - r * r, 0.0))
    return bessel_i0e(z) / bessel_i0e(beta) * exp(z - beta)


def kaiser_window(window_length, beta=12.0, dtype=dtypes.float32, name=None):
    """The Kaiser window of shape parameter beta (TF1 tf.signal.kaiser_window).

        gc.signal.kaiser_window(5, beta=12.0)   # [5.3e-05, 0.216, 1, 0.216, 5.3e-05]
    """
    api = "signal.kaiser_window"
    dtype = _float_dtype(dtype, api)
    return cast(_kaiser64(_length(window_length, api), beta), dtype, name=name)


def kaiser_bessel_derived_window(window_length, beta=12.0, dtype=dtypes.float32, name=None):
    """The Kaiser-Bessel-derived window (TF1 tf.signal.kaiser_bessel_derived_window):
    sqrt of the running sum of a Kaiser window of length L // 2 + 1 over its total,
    mirrored; its length is 2 * (L // 2).

        gc.signal.kaiser_bessel_derived_window(6)   # [0.0071, 0.707, 1, 1, 0.707, 0.0071]
    """
    api = "signal.kaiser_bessel_derived_window"
    dtype = _float_dtype(dtype, api)
    n = _length(window_length, api)
    total = cumsum(_kaiser64(n // 2 + 1, beta))
    half = sqrt(total[:-1] / total[-1])
    return cast(concat([half, half[::-1]], 0), dtype, name=name)


def vorbis_window(window_length, dtype=dtypes.float32, name=None):
    """The Vorbis power-complementary window sin(pi/2 sin^2(pi (k + 0.5) / L)) (TF1
    tf.signal.vorbis_window).

        gc.signal.vorbis_window(4)   # [0.228, 0.974, 0.974, 0.228]
    """
    api = "signal.vorbis_window"
    dtype = _float_dtype(dtype, api)
    n = _length(window_length, api)
    s = sin(math.pi * (_positions(n) + 0.5) / cast(n, dtypes.float64))
    return cast(sin((math.pi / 2.0) * s * s), dtype, name=name)


# ---- mel filterbank ------------------------------------------------------------------------
def _hertz_to_mel(hz):
    """HTK's mel scale, as TF1: 1127 ln(1 + f / 700)."""
    return 1127.0 * np.log(1.0 + hz / 700.0)


def _static_number(value, api, what):
    v = static_value(value, f"{api}: {what}")
    v = np.asarray(v)
    if v.ndim != 0 or v.dtype.kind not in "iuf":
        raise TypeError(f"{api}: {what} must be a number, got {value!r}")
    return v.item()


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=dtypes.float32, name=None):
    """A [num_spectrogram_bins, num_mel_bins] matrix of triangular mel filters: a linear
    magnitude spectrogram @ it is a mel spectrogram (TF1
    tf.signal.linear_to_mel_weight_matrix; HTK mel scale, the DC bin gets no weight).

        w = gc.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 8000.0)
        mel = gc.tensordot(magnitudes, w, 1)        # [..., 257] -> [..., 40]
    """
    api = "signal.linear_to_mel_weight_matrix"
    bins = int(_static_number(num_mel_bins, api, "num_mel_bins"))
    spec = int(_static_number(num_spectrogram_bins, api, "num_spectrogram_bins"))
    rate = _static_number(sample_rate, api, "sample_rate")
    lower = _static_number(lower_edge_hertz, api, "lower_edge_hertz")
    upper = _static_number(upper_edge_hertz, api, "upper_edge_hertz")
    if bins <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {bins}")
    if lower < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lower}")
    if lower >= upper:
        raise ValueError(f"lower_edge_hertz {lower} >= upper_edge_hertz {upper}")
    if rate <= 0.0:
        raise ValueError(f"sample_rate must be positive. Got: {rate}")
    if upper > rate / 2:
        raise ValueError("upper_edge_hertz must not be larger than the Nyquist frequency "
                         f"(sample_rate / 2). Got {upper} for sample_rate: {rate}")
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Got: {dtype.name}")
    hz = np.linspace(0.0, rate / 2.0, max(spec, 0))[1:]          # the DC bin is left out
    mel = _hertz_to_mel(hz)[:, None]
    edges = np.linspace(_hertz_to_mel(lower), _hertz_to_mel(upper), bins + 2)
    left, center, right = edges[:-2], edges[1:-1], edges[2:]
    rising = (mel - left) / (center - left)
    falling = (right - mel) / (right - center)
    w = np.maximum(0.0, np.minimum(rising, falling))
    w = np.concatenate([np.zeros((1, bins)), w], axis=0)
    return constant(w.astype(dtype.np), name=name or "linear_to_mel_weight_matrix")
