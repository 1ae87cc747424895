"""The rest of tf.signal: fftshift/ifftshift, the MDCT and its inverse, and the N-D FFTs
fftnd/ifftnd/rfftnd/irfftnd over chosen axes.

fftshift rolls each chosen axis by n // 2 (ifftshift by -(n // 2)), so its gradient is
the opposite roll. mdct frames the signal with hop frame_length / 2, windows it, folds
each frame [a, b, c, d] (quarters) to [-rev(c) - d, a - rev(b)] and takes a DCT-IV;
inverse_mdct runs the DCT-IV again, unfolds [x, y] to [y, -rev(y), -rev(x), -x] (scaled
by 1 / (2 half_len) unless norm="ortho"), windows and overlap-adds. Both are compositions, so
their derivatives come from the ops they are made of.

The N-D FFTs are numpy's fftn/ifftn/rfftn/irfftn: fft_length crops or zero-pads each
transformed axis; axes default to every axis (the last len(fft_length) ones when only
fft_length is given); norm is "backward" (None), "ortho" or "forward". TF registers no
gradient for FFTND & co., so these are not differentiable either.
"""
import math

import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..shapes import InferError
from .array import reverse, shape
from .array_extra import roll
from .core import constant, convert_to_tensor
from .join import concat
from .registry import OpDef, apply1, constant_value, register
from .signal_dct import dct
from .signal_frame import frame, overlap_and_add
from .signal_windows import vorbis_window

__all__ = ["fftshift", "ifftshift", "mdct", "inverse_mdct", "fftnd", "ifftnd", "rfftnd",
           "irfftnd"]


# ---- fftshift / ifftshift -----------------------------------------------------------------
def _shift(x, axes, sign, api, name):
    with name_scope(name, api, [x]):
        x = convert_to_tensor(x)
        rank = x.shape.rank
        if axes is None:
            if rank is None:
                raise ValueError(f"signal.{api}: axes=None needs an input of known rank")
            axes = list(range(rank))
        elif isinstance(axes, (int, np.integer)):
            axes = [int(axes)]
        else:
            axes = [int(a) for a in axes]
        if rank is not None:
            for a in axes:
                if not -rank <= a < rank:
                    raise ValueError(f"signal.{api}: axis {a} is out of range for rank "
                                     f"{rank} (shape {x.shape})")
        if not axes:
            return roll(x, [0], [0]) if rank else x
        dims = x.shape._dims
        if dims is not None and all(isinstance(dims[a], int) for a in axes):
            shift = [sign * (dims[a] // 2) for a in axes]
        else:
            shift = (shape(x)[a] // 2 for a in axes)
            shift = concat([[s * sign] for s in shift], 0)
        return roll(x, shift, axes)


def fftshift(x, axes=None, name=None):
    """Moves the zero frequency to the centre: rolls each axis in axes (default all) by
    n // 2 (TF1 tf.signal.fftshift, numpy.fft.fftshift).

        gc.signal.fftshift([0., 1., 2., -2., -1.])        # [-2, -1, 0, 1, 2]
    """
    return _shift(x, axes, 1, "fftshift", name)


def ifftshift(x, axes=None, name=None):
    """The inverse of fftshift: rolls each axis in axes (default all) by -(n // 2).

        gc.signal.ifftshift([-2., -1., 0., 1., 2.])       # [0, 1, 2, -2, -1]
    """
    return _shift(x, axes, -1, "ifftshift", name)


# ---- MDCT --------------------------------------------------------------------------------
def _static_int(v, what, api):
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    c = constant_value(convert_to_tensor(v)) if v is not None else None
    if c is None or np.ndim(c) != 0:
        raise ValueError(f"signal.{api}: {what} must be a known scalar int, got {v!r}")
    return int(c)


def mdct(signals, frame_length, window_fn=vorbis_window, pad_end=False, norm=None,
         name=None):
    """The MDCT of frames of `signals` [..., samples] with hop frame_length / 2 (TF1
    tf.signal.mdct): [..., frames, frame_length / 2]. frame_length must be a multiple of
    4; window_fn(frame_length, dtype=) should be power-complementary (vorbis_window,
    kaiser_bessel_derived_window); window_fn=None scales by 1/sqrt(2) instead.

        m = gc.signal.mdct(audio, 256)                     # [..., frames, 128]
    """
    with name_scope(name, "mdct", [signals]):
        x = convert_to_tensor(signals)
        if not x.dtype.is_floating:
            raise TypeError(f"signal.mdct: signals must be a float tensor, got "
                            f"{x.dtype.name}")
        if x.shape.rank == 0:
            raise ValueError(f"signal.mdct: signals must have rank at least 1, got shape "
                             f"{x.shape}")
        n = _static_int(frame_length, "frame_length", "mdct")
        if n % 4 != 0:
            raise ValueError(f"signal.mdct: The frame length must be a multiple of 4, got "
                             f"{n}.")
        if norm not in (None, "ortho"):
            raise ValueError(f"signal.mdct: norm must be None or 'ortho', got {norm!r}")
        frames = frame(x, n, n // 2, pad_end=pad_end)
        if window_fn is not None:
            frames = frames * window_fn(n, dtype=frames.dtype)
        else:
            frames = frames * constant(1.0 / math.sqrt(2.0), frames.dtype)
        q = n // 4
        a, b, c, d = (frames[..., k * q:(k + 1) * q] for k in range(4))
        folded = concat([-reverse(c, [-1]) - d, a - reverse(b, [-1])], -1)
        return dct(folded, type=4, norm=norm)


def inverse_mdct(mdcts, window_fn=vorbis_window, norm=None, name=None):
    """The signal whose mdct (same window_fn and norm) is `mdcts` [..., frames, half_len]:
    DCT-IV, unfold to 2 half_len samples, window and overlap-add (TF1
    tf.signal.inverse_mdct). It inverts mdct exactly, apart from the first and last half
    frames, when the window is power-complementary.

        x = gc.signal.inverse_mdct(gc.signal.mdct(audio, 256))
    """
    with name_scope(name, "inverse_mdct", [mdcts]):
        y = convert_to_tensor(mdcts)
        if not y.dtype.is_floating:
            raise TypeError(f"signal.inverse_mdct: mdcts must be a float tensor, got "
                            f"{y.dtype.name}")
        if y.shape.rank is not None and y.shape.rank < 2:
            raise ValueError(f"signal.inverse_mdct: mdcts must have rank at least 2, got "
                             f"shape {y.shape}")
        if norm not in (None, "ortho"):
            raise ValueError(f"signal.inverse_mdct: norm must be None or 'ortho', got "
                             f"{norm!r}")
        half = y.shape._dims[-1] if y.shape._dims is not None else None
        if not isinstance(half, int):
            raise ValueError("signal.inverse_mdct: the last dim of mdcts (half the frame "
                             f"length) must be known, got shape {y.shape}")
        if half % 2 != 0:
            raise ValueError(f"signal.inverse_mdct: the last dim of mdcts must be even "
                             f"(a frame length multiple of 4), got {half}")
        z = dct(y, type=4, norm=norm)
        h = half // 2
        lo, hi = z[..., :h], z[..., h:]
        frames = concat([hi, -reverse(hi, [-1]), -reverse(lo, [-1]), -lo], -1)
        if norm is None:
            frames = frames * constant(0.5 / half, frames.dtype)   # DCT-IV twice: 2N
        if window_fn is not None:
            frames = frames * window_fn(2 * half, dtype=frames.dtype)
        else:
            frames = frames * constant(1.0 / math.sqrt(2.0), frames.dtype)
        return overlap_and_add(frames, half)


# ---- N-D FFTs --------------------------------------------------------------------------
_COMPLEX_OF = {"float32": dtypes.complex64, "float64": dtypes.complex128}
_KINDS = {  # op name -> (numpy function, input kind, real output)
    "FFTND": (np.fft.fftn, "complex"), "IFFTND": (np.fft.ifftn, "complex"),
    "RFFTND": (np.fft.rfftn, "float"), "IRFFTND": (np.fft.irfftn, "complex")}


def _default_lengths(name, dims, axes):
    """fft_length=None: the dims at axes (the last one 2 (m - 1) for IRFFTND); None where
    a dim is unknown."""
    n = [dims[a] for a in axes]
    if name == "IRFFTND" and axes and isinstance(n[-1], int):
        n[-1] = 2 * (n[-1] - 1)
    return n


def _nd_shape(name, dims, fft_length, axes):
    if fft_length is None:
        fft_length = _default_lengths(name, dims, axes)
    out = list(dims)
    for n, a in zip(fft_length, axes):
        out[a] = n
    if name == "RFFTND" and axes:
        last = fft_length[-1]
        out[axes[-1]] = last // 2 + 1 if isinstance(last, int) else None
    return tuple(out)


def _nd_infer(name):
    def infer(ctx, x, *, fft_length, axes, norm):
        kind = _KINDS[name][1]
        ctx.require(0, kind)
        if kind == "float" and x.dtype.name not in _COMPLEX_OF:
            raise InferError(f"{{0}} has dtype {x.dtype.name}; {name} needs float32 or "
                             "float64", "dtype")
        out = (_COMPLEX_OF[x.dtype.name] if name == "RFFTND" else
               x.dtype.real_dtype if name == "IRFFTND" else x.dtype)
        if x.shape._dims is None:
            return None, out
        r = len(x.shape._dims)
        if any(not -r <= a < r for a in axes):
            raise InferError(f"axes {list(axes)} are out of range for {{0}} of rank {r}")
        return _nd_shape(name, x.shape._dims, fft_length, [a % r for a in axes]), out
    return infer


def _nd_kernel(name):
    fn = _KINDS[name][0]

    def kernel(x, *, fft_length, axes, norm):
        out_dtype = (_COMPLEX_OF[x.dtype.name].np if name == "RFFTND" else
                     x.real.dtype if name == "IRFFTND" else x.dtype)
        axes_ = [a % x.ndim for a in axes]
        shape_ = _nd_shape(name, x.shape, fft_length, axes_)
        if not axes_:
            return x.astype(out_dtype)
        if 0 in shape_ or any(x.shape[a] == 0 for a in axes_):
            return np.zeros(shape_, out_dtype)      # nothing to transform (numpy refuses)
        s = list(fft_length) if fft_length is not None else \
            _default_lengths(name, x.shape, axes_)
        if min(s) < (1 if name == "IRFFTND" else 0):
            raise ValueError(f"{name}: fft_length must be positive, got {s}")
        y = fn(x, s=s, axes=axes_, norm=norm)
        return y.astype(out_dtype, copy=False)
    return kernel


def _nd_op(name):
    api = name.lower()
    rule = {"RFFTND": "dims at axes -> fft_length, last axis -> fft_length[-1] // 2 + 1"}
    return register(OpDef(
        name, _nd_infer(name), _nd_kernel(name), api=f"signal.{api}", differentiable=False,
        signature=f"signal.{api}(input_tensor, fft_length=None, axes=None, norm=None, "
                  "name=None)",
        shape_rule=rule.get(name, "dims at axes -> fft_length"),
        dtypes={"RFFTND": "float32 -> complex64, float64 -> complex128",
                "IRFFTND": "complex64 -> float32, complex128 -> float64"}.get(
                    name, "complex64, complex128"),
        doc=f"numpy's {api[:-1]}n over chosen axes (no gradient, as TF)."))


FFTND, IFFTND, RFFTND, IRFFTND = (_nd_op(n) for n in ("FFTND", "IFFTND", "RFFTND",
                                                      "IRFFTND"))


def _int_list(v, what, api):
    if v is None:
        return None
    c = constant_value(convert_to_tensor(v, dtype=dtypes.int32)) if not isinstance(
        v, (list, tuple, int, np.integer, np.ndarray)) else np.asarray(v)
    if c is None:
        raise ValueError(f"signal.{api}: {what} must be known when the graph is built "
                         f"(a list or a constant), got {v!r}")
    c = np.asarray(c)
    if c.ndim > 1 or not np.issubdtype(c.dtype, np.integer):
        raise ValueError(f"signal.{api}: {what} must be a 1-D list of ints, got {v!r}")
    return tuple(int(i) for i in np.reshape(c, -1))


def _nd(op, input_tensor, fft_length, axes, norm, name):
    api = op.name.lower()
    if op.name in ("FFTND", "IFFTND") and not hasattr(input_tensor, "dtype"):
        x = convert_to_tensor(input_tensor, dtype=dtypes.complex64)   # TF's preference
    else:
        x = convert_to_tensor(input_tensor)
    if norm is None:
        norm = "backward"
    if norm not in ("backward", "ortho", "forward"):
        raise ValueError(f"signal.{api}: norm must be 'backward', 'ortho' or 'forward', "
                         f"got {norm!r}")
    fft_length = _int_list(fft_length, "fft_length", api)
    axes = _int_list(axes, "axes", api)
    rank = x.shape.rank
    if axes is None:
        if rank is None:
            raise ValueError(f"signal.{api}: axes=None needs an input of known rank")
        axes = tuple(range(rank)) if fft_length is None else \
            tuple(range(-len(fft_length), 0))
    if rank is not None:
        if rank < len(axes):
            raise ValueError(f"signal.{api}: input of shape {x.shape} has rank {rank} < "
                             f"{len(axes)} transformed axes")
        if any(not -rank <= a < rank for a in axes):
            raise ValueError(f"signal.{api}: axes {list(axes)} are out of range for rank "
                             f"{rank}")
        if len({a % rank for a in axes}) != len(axes):
            raise ValueError(f"signal.{api}: axes {list(axes)} repeat an axis")
    if fft_length is not None and len(fft_length) != len(axes):
        raise ValueError(f"signal.{api}: fft_length {list(fft_length)} and axes "
                         f"{list(axes)} must have the same length")
    if fft_length is not None and any(n < (1 if op.name == "IRFFTND" else 0)
                                      for n in fft_length):
        raise ValueError(f"signal.{api}: fft_length must be positive, got "
                         f"{list(fft_length)}")
    return apply1(op, (x,), name=name or api, fft_length=fft_length, axes=axes, norm=norm)


def fftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The N-D FFT of a complex tensor over `axes` (default all), each axis cropped or
    zero-padded to fft_length (TF 2.x tf.signal.fftnd; numpy.fft.fftn).

        gc.signal.fftnd(x, fft_length=[8, 8], axes=[-2, -1], norm="ortho")
    """
    return _nd(FFTND, input_tensor, fft_length, axes, norm, name)


def ifftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The inverse N-D FFT (numpy.fft.ifftn): gc.signal.ifftnd(gc.signal.fftnd(x)) is x."""
    return _nd(IFFTND, input_tensor, fft_length, axes, norm, name)


def rfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The N-D FFT of a real tensor; the last of `axes` keeps fft_length[-1] // 2 + 1
    frequencies (numpy.fft.rfftn).

        gc.signal.rfftnd(img, axes=[0, 1])     # (h, w, c) float32 -> (h, w//2+1, c)
    """
    return _nd(RFFTND, input_tensor, fft_length, axes, norm, name)


def irfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The real signal of an N-D half spectrum (numpy.fft.irfftn); fft_length defaults to
    the dims at axes with the last one 2 (m - 1).

        gc.signal.irfftnd(gc.signal.rfftnd(x))
    """
    return _nd(IRFFTND, input_tensor, fft_length, axes, norm, name)


# ---- the top-level names (tf.compat.v1.fftnd ...) are TF's raw ops: input, fft_length and
# axes all given, no norm; rfftnd/irfftnd name the output dtype, which must be the one
# of the input's precision (TF has kernels for float32/complex64 and float64/complex128)
def _raw_dtype(y, want, attr, api):
    want = dtypes.as_dtype(want)
    if y.dtype != want:
        raise TypeError(f"{api}: {attr}={want.name} does not go with an input giving "
                        f"{y.dtype.name} (TF has no such kernel)")
    return y


def raw_fftnd(input, fft_length, axes, name=None):  # noqa: A002 (TF's argument name)
    """tf.compat.v1.fftnd (TF's raw op): gc.signal.fftnd(input, fft_length, axes)."""
    return fftnd(input, fft_length, axes, name=name)


def raw_ifftnd(input, fft_length, axes, name=None):  # noqa: A002
    """tf.compat.v1.ifftnd (TF's raw op): gc.signal.ifftnd(input, fft_length, axes)."""
    return ifftnd(input, fft_length, axes, name=name)


def raw_rfftnd(input, fft_length, axes, Tcomplex=dtypes.complex64, name=None):  # noqa: A002
    """tf.compat.v1.rfftnd (TF's raw op): gc.signal.rfftnd, giving dtype Tcomplex."""
    return _raw_dtype(rfftnd(input, fft_length, axes, name=name), Tcomplex, "Tcomplex",
                      "rfftnd")


def raw_irfftnd(input, fft_length, axes, Treal=dtypes.float32, name=None):  # noqa: A002
    """tf.compat.v1.irfftnd (TF's raw op): gc.signal.irfftnd, giving dtype Treal."""
    return _raw_dtype(irfftnd(input, fft_length, axes, name=name), Treal, "Treal",
                      "irfftnd")
