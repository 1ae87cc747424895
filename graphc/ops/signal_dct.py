"""tf.signal's discrete cosine transforms and MFCCs (composites, no ops of their own).

dct(x) is x @ B along the last axis, B the N x N cosine basis of the DCT type, built with
graphc ops in float64 from N (a constant when N is static, computed at run time when it
is not) and cast to x's dtype. A matmul is exact and its derivatives come for free: the
vjp is g @ B^T. TF1 uses an FFT of length 2N; the values agree to rounding.

Unnormalized bases (scipy's and TF1's conventions), y_k = sum_m x_m B[m, k]:
  I:   B[m, k] = c_m cos(pi m k / (N - 1)),      c_0 = c_{N-1} = 1, else 2
  II:  B[m, k] = 2 cos(pi k (2m + 1) / (2N))
  III: B[m, k] = c_m cos(pi m (2k + 1) / (2N)),  c_0 = 1, else 2
  IV:  B[m, k] = 2 cos(pi (2m + 1)(2k + 1) / (4N))
"""
import math

from .. import dtypes
from .array import as_int, reshape, shape, shape_of, static_value
from .core import constant, convert_to_tensor
from .creation import range as range_
from .creation import zeros
from .elementwise import cast, cos, equal, multiply, rsqrt, sqrt
from .join import concat
from .linalg import matmul

__all__ = ["dct", "idct", "mfccs_from_log_mel_spectrograms"]

_INVERSE = {1: 1, 2: 3, 3: 2, 4: 4}


def _indicator(t, value):
    """1.0 where t == value, else 0.0 (float64)."""
    return cast(equal(t, value), dtypes.float64)


def _basis(n, type, norm):
    """The N x N float64 basis B of the DCT (see the module docstring); n an int or a
    scalar int32 tensor."""
    nf = cast(n, dtypes.float64)
    pos = cast(range_(n), dtypes.float64)
    m, k = reshape(pos, [-1, 1]), reshape(pos, [1, -1])
    ortho = norm == "ortho"
    if type == 1:
        c = 2.0 - _indicator(m, 0.0) - _indicator(m, nf - 1.0)
        return c * cos(math.pi * m * k / (nf - 1.0))
    if type == 2:
        b = 2.0 * cos(math.pi * k * (2.0 * m + 1.0) / (2.0 * nf))
        if ortho:       # column 0 by sqrt(1 / 4N), the others by sqrt(1 / 2N)
            b = b * (rsqrt(2.0 * nf) * (1.0 - (1.0 - math.sqrt(0.5)) * _indicator(k, 0.0)))
        return b
    if type == 3:
        if ortho:       # row 0 by 1 / sqrt(N), the others by sqrt(2 / N)
            c = sqrt(2.0 / nf) * (1.0 - (1.0 - math.sqrt(0.5)) * _indicator(m, 0.0))
        else:
            c = 2.0 - _indicator(m, 0.0)
        return c * cos(math.pi * m * (2.0 * k + 1.0) / (2.0 * nf))
    b = 2.0 * cos(math.pi * (2.0 * m + 1.0) * (2.0 * k + 1.0) / (4.0 * nf))
    return b * rsqrt(2.0 * nf) if ortho else b


def _resize_last(x, n):
    """x truncated or zero-padded to n samples along the last axis."""
    d = x.shape._dims[-1] if x.shape._dims is not None else None
    if isinstance(d, int):
        if d >= n:
            return x[..., :n]
        tail = zeros(shape_of(x)[:-1] + [n - d], x.dtype)
        return concat([x, tail], -1)
    tail = zeros(concat([shape(x)[:-1], [n]], 0), x.dtype)
    return concat([x, tail], -1)[..., :n]


def _check(x, type, n, axis, norm, api):
    if type not in (1, 2, 3, 4):
        raise ValueError(f"{api}: Types I, II, III and IV (I)DCT are supported, got {type!r}")
    if type == 1 and norm == "ortho":
        raise ValueError(f"{api}: Normalization is not supported for the Type-I DCT.")
    if n is not None and (not isinstance(n, int) or n < 1):
        raise ValueError(f"{api}: n should be a positive integer or None, got {n!r}")
    if axis != -1:
        raise NotImplementedError(f"{api}: axis must be -1. Got: {axis}")
    if norm not in (None, "ortho"):
        raise ValueError(f"{api}: Unknown normalization. Expected None or 'ortho', "
                         f"got: {norm!r}")
    if not x.dtype.is_floating:
        raise TypeError(f"{api}: input must be a float tensor, got {x.dtype.name}")
    if x.shape.rank == 0:
        raise ValueError(f"{api}: input must have rank at least 1, got a scalar")


def _dct(input, type, n, axis, norm, name, api):
    x = convert_to_tensor(input)
    n = None if n is None else as_int(static_value(n, f"{api}: n"))
    axis = as_int(static_value(axis, f"{api}: axis"))
    _check(x, type, n, axis, norm, api)
    if n is not None:
        x = _resize_last(x, n)
    d = x.shape._dims[-1] if x.shape._dims is not None else None
    size = d if isinstance(d, int) else shape(x)[-1]
    if type == 1 and isinstance(size, int) and size <= 1:
        raise ValueError(f"{api}: Type-I DCT requires the dimension to be greater than one.")
    basis = cast(_basis(size, type, norm), x.dtype)
    y = matmul(reshape(x, [-1, size]), basis)
    return reshape(y, shape_of(x), name=name)


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):
    """The DCT (types I-IV) of the last axis, unnormalized or norm="ortho" (TF1
    tf.signal.dct; scipy.fft.dct's conventions).

        gc.signal.dct([1.0, 2.0, 3.0])                  # [12, -3.464, 0]
        gc.signal.dct(x, type=3, n=8, norm="ortho")     # x cut or zero-padded to 8
    """
    return _dct(input, type, n, axis, norm, name, "signal.dct")


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):
    """The inverse DCT as TF1 defines it (tf.signal.idct): the DCT of the inverse type
    (I <-> I, II <-> III, IV <-> IV). With norm="ortho" it inverts dct exactly; without,
    idct(dct(x)) is 2N x (2(N-1) x for type I).

        gc.signal.idct(gc.signal.dct(x, norm="ortho"), norm="ortho")   # x
    """
    if type not in _INVERSE:
        raise ValueError(f"signal.idct: Types I, II, III and IV (I)DCT are supported, "
                         f"got {type!r}")
    return _dct(input, _INVERSE[type], n, axis, norm, name, "signal.idct")


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """MFCCs of log-mel spectrograms [..., num_mel_bins]: dct type II over the mel bins
    times 1 / sqrt(2 num_mel_bins) (TF1 tf.signal.mfccs_from_log_mel_spectrograms; keep
    the first 13 or so).

        mfccs = gc.signal.mfccs_from_log_mel_spectrograms(gc.log(mel + 1e-6))[..., :13]
    """
    api = "signal.mfccs_from_log_mel_spectrograms"
    x = convert_to_tensor(log_mel_spectrograms)
    if x.shape.rank == 0:
        raise ValueError(f"{api}: log_mel_spectrograms must have rank at least 1, got a "
                         "scalar")
    y = _dct(x, 2, None, -1, None, None, api)
    d = x.shape._dims[-1] if x.shape._dims is not None else None
    if isinstance(d, int):
        scale = constant(1.0 / math.sqrt(2.0 * d), y.dtype)
    else:
        scale = rsqrt(2.0 * cast(shape(x)[-1], y.dtype))
    return multiply(y, scale, name=name)
