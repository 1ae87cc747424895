"""The FFT ops of TF1 (tf.spectral, tf.signal): fft/ifft over the innermost 1, 2 or 3
dims of a complex tensor, and rfft/irfft between real signals and half spectra.

rfft crops or zero-pads the innermost dims of its input to fft_length and keeps the
n//2 + 1 non-negative frequencies of the last one; irfft crops or zero-pads its input to
fft_length[:-1] + [fft_length[-1]//2 + 1] and returns a real signal of fft_length,
taking the imaginary parts of the zero (and, for even n, the Nyquist) frequency as 0.

Gradients use TF's complex convention (elementwise.conj_of). FFT is linear with a
symmetric matrix F, so vjp(fft)(g) = conj(F) g = N ifft(g). rfft is F followed by
dropping the negative frequencies: vjp(rfft)(g) = real(N ifft(g padded with zeros)) =
N irfft(g w) with w = 1 at frequency 0 (and Nyquist) and 1/2 elsewhere, since irfft
counts each kept frequency twice; vjp(irfft)(g) = rfft(g) c / N with c = 1/w.
"""
import numpy as np

from .. import dtypes, errors
from ..shapes import InferError
from .core import constant, convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft", "irfft", "rfft2d",
           "irfft2d", "rfft3d", "irfft3d"]

_COMPLEX_OF = {"float32": dtypes.complex64, "float64": dtypes.complex128}


def _check_rank(ctx, x, k):
    r = x.shape.rank
    if r is not None and r < k:
        raise InferError(f"{{0}} has rank {r} but this FFT transforms its {k} innermost "
                         f"dims (shape {x.shape}); it needs rank >= {k}")


def _axes(k):
    return tuple(range(-k, 0))


# ---- complex to complex -----------------------------------------------------------------
def _infer_cfft(k):
    def infer(ctx, x):
        ctx.require(0, "complex")
        _check_rank(ctx, x, k)
        return x.shape, x.dtype
    return infer


def _cfft_kernel(k, inverse):
    fn = np.fft.ifftn if inverse else np.fft.fftn

    def kernel(x):
        if x.size == 0:
            return np.zeros(x.shape, x.dtype)
        return fn(x, axes=_axes(k)).astype(x.dtype, copy=False)
    return kernel


def _inner_size(t, k, dtype):
    """The number of elements N of t's k innermost dims: a Python float when static,
    else a scalar tensor of dtype."""
    dims = t.shape._dims
    if dims is not None and all(isinstance(d, int) for d in dims[len(dims) - k:]):
        return float(np.prod(dims[len(dims) - k:]))
    from .array import shape
    from .elementwise import cast
    from .reduce import reduce_prod
    return cast(reduce_prod(shape(t)[-k:]), dtype)


_CFFT = {}      # (k, inverse) -> public function


def _cfft_vjp(k, inverse):
    def vjp(node, gs):
        """fft: g -> N ifft(g); ifft: g -> fft(g) / N."""
        g = gs[0]
        n = _inner_size(node.inputs[0], k, g.dtype)
        back = _CFFT[(k, not inverse)](g)
        return [back / n if inverse else back * n]
    return vjp


def _cfft(k, inverse):
    name = ("IFFT" if inverse else "FFT") + ("" if k == 1 else f"{k}D")
    api = name.lower()
    op = register(OpDef(
        name, _infer_cfft(k), _cfft_kernel(k, inverse), vjp=_cfft_vjp(k, inverse),
        jvp=lambda node, ts: None if ts[0] is None else _CFFT[(k, inverse)](ts[0]),
        api=api, signature=f"{api}(input, name=None)", shape_rule="same as input",
        dtypes="complex64, complex128",
        doc=f"The {'inverse ' if inverse else ''}discrete Fourier transform over the "
            f"{k} innermost dims."))

    def fn(input, name=None):  # noqa: A002 (TF1 name)
        return apply1(op, (convert_to_tensor(input),), name=name or name_)
    name_ = name
    fn.__name__ = fn.__qualname__ = api
    fn.__doc__ = (f"The {'inverse ' if inverse else ''}{k}-D discrete Fourier transform "
                  f"over the {k} innermost dims of a complex tensor (TF1's tf.{api}).\n\n"
                  f"        gc.{api}(gc.complex(re, im))")
    _CFFT[(k, inverse)] = fn
    return op, fn


FFT, fft = _cfft(1, False)
IFFT, ifft = _cfft(1, True)
FFT2D, fft2d = _cfft(2, False)
IFFT2D, ifft2d = _cfft(2, True)
FFT3D, fft3d = _cfft(3, False)
IFFT3D, ifft3d = _cfft(3, True)


# ---- real to half spectrum and back ----------------------------------------------------------
def _lengths(ctx, x, fft_length, k):
    """What is known of fft_length at build time: a tuple of k ints or Nones."""
    if fft_length.dtype not in (dtypes.int32, dtypes.int64):
        raise InferError(f"fft_length {{1}} must be int32, not {fft_length.dtype.name}",
                         "dtype")
    if fft_length.shape._dims is not None and fft_length.shape._dims != (k,) and \
            fft_length.shape._dims != (None,):
        raise InferError(f"fft_length {{1}} must have shape ({k},), not {fft_length.shape}")
    known = ctx.shape_value(fft_length)._dims
    n = tuple(known) if known is not None and len(known) == k else (None,) * k
    for d in n:
        if isinstance(d, int) and d < 0:
            raise InferError(f"fft_length must not be negative, got {list(n)}")
    return n


def _infer_rfft(k):
    def infer(ctx, x, fft_length):
        ctx.require(0, "float")
        if x.dtype.name not in _COMPLEX_OF:
            raise InferError(f"{{0}} has dtype {x.dtype.name}; rfft needs float32 or "
                             "float64", "dtype")
        _check_rank(ctx, x, k)
        n = _lengths(ctx, x, fft_length, k)
        out = _COMPLEX_OF[x.dtype.name]
        if x.shape._dims is None:
            return None, out
        last = n[-1] // 2 + 1 if isinstance(n[-1], int) else None
        return tuple(x.shape._dims[:-k]) + n[:-1] + (last,), out
    return infer


def _infer_irfft(k):
    def infer(ctx, y, fft_length):
        ctx.require(0, "complex")
        _check_rank(ctx, y, k)
        n = _lengths(ctx, y, fft_length, k)
        if y.shape._dims is None:
            return None, y.dtype.real_dtype
        return tuple(y.shape._dims[:-k]) + n, y.dtype.real_dtype
    return infer


def _rfft_kernel(k):
    def kernel(x, fft_length):
        s = tuple(int(n) for n in fft_length)
        out = _COMPLEX_OF[x.dtype.name].np
        shape = x.shape[:x.ndim - k] + s[:-1] + (s[-1] // 2 + 1,)
        if 0 in shape or 0 in x.shape[x.ndim - k:]:
            return np.zeros(shape, out)         # nothing to transform (numpy refuses)
        return np.fft.rfftn(x, s=s, axes=_axes(k)).astype(out, copy=False)
    return kernel


def _irfft_kernel(k):
    def kernel(y, fft_length):
        s = tuple(int(n) for n in fft_length)
        out = y.real.dtype
        shape = y.shape[:y.ndim - k] + s
        if 0 in shape or 0 in y.shape[y.ndim - k:]:
            return np.zeros(shape, out)
        return np.fft.irfftn(y, s=s, axes=_axes(k)).astype(out, copy=False)
    return kernel


def _half_weights(fft_length, dtype):
    """w over the n//2 + 1 kept frequencies of n = fft_length[-1]: 1 at frequency 0 and
    at n/2 (n even), 1/2 elsewhere."""
    from .registry import constant_value
    v = constant_value(fft_length)
    if v is not None:
        n = int(np.reshape(v, -1)[-1])
        w = np.full(n // 2 + 1, 0.5)
        w[0] = 1.0
        if n % 2 == 0:
            w[-1] = 1.0
        return constant(w.astype(dtype.np), dtype=dtype)
    from .creation import range as range_
    from .elementwise import cast, equal, logical_or, select
    from .creation import ones_like
    n = fft_length[-1]
    idx = range_(n // 2 + 1)
    full = logical_or(equal(idx, 0), equal(2 * idx, n))
    ones = cast(ones_like(idx), dtype)
    return select(full, ones, ones * 0.5)


def _fit(t, target, k):
    """t with its k innermost dims cropped or zero-padded to the sizes in target."""
    from .array import shape
    from .creation import zeros
    from .elementwise import minimum
    from .indexing import pad, slice as slice_
    from .join import concat, stack
    from .registry import shape_value
    r = t.shape.rank
    want = shape_value(target)._dims
    have = t.shape._dims
    if have is not None and want is not None and tuple(have[r - k:]) == tuple(want) and \
            all(isinstance(d, int) for d in want):
        return t
    if r is None:
        raise errors.GradientError("the gradient of an rfft/irfft needs inputs of known "
                                   "rank")
    target = convert_to_tensor(target)
    if target.dtype is not dtypes.int32:
        from .elementwise import cast
        target = cast(target, dtypes.int32)
    keep = minimum(shape(t)[r - k:], target)
    lead = constant([-1] * (r - k), dtype=dtypes.int32)
    t = slice_(t, zeros([r], dtypes.int32), concat([lead, keep], 0))
    before = zeros([r], dtypes.int32)
    after = concat([zeros([r - k], dtypes.int32), target - keep], 0)
    return pad(t, stack([before, after], axis=1))


_RFFT = {}      # (k, inverse) -> function(x, fft_length tensor)


def _rfft_vjp(k):
    def vjp(node, gs):
        """g -> N irfft(g w, fft_length), fitted to x's innermost dims."""
        x, fft_length = node.inputs
        g = gs[0]
        from .array import shape
        from .elementwise import cast
        from .reduce import reduce_prod
        size = cast(reduce_prod(fft_length), x.dtype)
        v = _RFFT[(k, True)](g * _complex_weights(fft_length, g.dtype), fft_length) * size
        return [_fit(v, shape(x)[-k:] if not _static_inner(x, k) else
                     constant(list(x.shape._dims[-k:]), dtype=dtypes.int32), k), None]
    return vjp


def _irfft_vjp(k):
    def vjp(node, gs):
        """g -> rfft(g, fft_length) c / N (c = 1/w), fitted to y's innermost dims."""
        y, fft_length = node.inputs
        g = gs[0]
        from .array import shape
        from .elementwise import cast
        from .reduce import reduce_prod
        size = cast(reduce_prod(fft_length), y.dtype)
        c = _complex_weights(fft_length, y.dtype)
        v = _RFFT[(k, False)](g, fft_length) / (c * size)
        return [_fit(v, shape(y)[-k:] if not _static_inner(y, k) else
                     constant(list(y.shape._dims[-k:]), dtype=dtypes.int32), k), None]
    return vjp


def _static_inner(t, k):
    dims = t.shape._dims
    return dims is not None and all(isinstance(d, int) for d in dims[len(dims) - k:])


def _complex_weights(fft_length, dtype):
    from .complex_ops import complex as complex_
    from .creation import zeros_like
    w = _half_weights(fft_length, dtype.real_dtype)
    return complex_(w, zeros_like(w))


def _real_fft(k, inverse):
    name = ("IRFFT" if inverse else "RFFT") + ("" if k == 1 else f"{k}D")
    api = name.lower()
    op = register(OpDef(
        name, (_infer_irfft if inverse else _infer_rfft)(k),
        (_irfft_kernel if inverse else _rfft_kernel)(k),
        vjp=(_irfft_vjp if inverse else _rfft_vjp)(k),
        jvp=lambda node, ts: None if ts[0] is None else _RFFT[(k, inverse)](
            ts[0], node.inputs[1]),
        api=api, signature=f"{api}(input_tensor, fft_length=None, name=None)",
        shape_rule=("input[:-k] + fft_length" if inverse else
                    "input[:-k] + fft_length[:-1] + [fft_length[-1]//2 + 1]"),
        dtypes=("complex64 -> float32, complex128 -> float64" if inverse else
                "float32 -> complex64, float64 -> complex128; fft_length int32"),
        doc=(f"The real signal of a {k}-D half spectrum (inverse of rfft)." if inverse else
             f"The {k}-D FFT of a real signal: the non-negative frequencies of the last "
             "dim.")))

    def raw(x, fft_length, name=None):
        return apply1(op, (x, fft_length), name=name or name_)

    def fn(input_tensor, fft_length=None, name=None):
        x = convert_to_tensor(input_tensor)
        if fft_length is None:
            fft_length = _default_length(x, k, inverse)
        else:
            fft_length = convert_to_tensor(fft_length, dtype=dtypes.int32)
        return raw(x, fft_length, name=name)
    name_ = name
    _RFFT[(k, inverse)] = raw
    fn.__name__ = fn.__qualname__ = api
    fn.__doc__ = (
        f"The real signal whose {k}-D half spectrum is input_tensor (TF1's tf.{api}); "
        "fft_length (int32, the output's innermost dims) defaults to input.shape[-k:-1] "
        "+ [2 * (input.shape[-1] - 1)].\n\n        gc.irfft(gc.rfft(x))"
        if inverse else
        f"The {k}-D FFT of a real signal over its {k} innermost dims (TF1's tf.{api}): the "
        "last dim keeps fft_length[-1] // 2 + 1 frequencies. fft_length (int32) crops or "
        "zero-pads the input and defaults to its innermost dims.\n\n"
        "        gc.rfft(x)                  # x (..., n) float32 -> (..., n//2+1) complex64")
    return op, fn


def _default_length(x, k, inverse):
    """input.shape[-k:] for rfft; the same with the last dim 2 (m - 1) for irfft, as a
    constant when the dims are static, else computed from shape(input)."""
    dims = x.shape._dims
    if dims is not None and len(dims) >= k and _static_inner(x, k):
        n = list(dims[len(dims) - k:])
        if inverse:
            n[-1] = 2 * (n[-1] - 1)
        return constant(n, dtype=dtypes.int32)
    from .array import shape
    from .join import concat
    s = shape(x)[-k:]
    if not inverse:
        return s
    return concat([s[:-1], 2 * (s[-1:] - 1)], 0)


RFFT, rfft = _real_fft(1, False)
IRFFT, irfft = _real_fft(1, True)
RFFT2D, rfft2d = _real_fft(2, False)
IRFFT2D, irfft2d = _real_fft(2, True)
RFFT3D, rfft3d = _real_fft(3, False)
IRFFT3D, irfft3d = _real_fft(3, True)
