"""tf.signal's short-time Fourier transform and its inverse (composites of frame, a
window, rfft/irfft and overlap_and_add; their derivatives are those ops')."""
import math

from .. import dtypes
from .array import rank, reshape, run_time, shape, tile
from .cast import cast
from .core import convert_to_tensor
from .creation import zeros
from .elementwise import ceil, log, maximum, pow as pow_
from .fft import irfft, rfft
from .indexing import pad
from .join import concat, stack
from .reduce import reduce_sum
from .signal_frame import _int32, _scalar_int, frame, overlap_and_add
from .signal_windows import hann_window

__all__ = ["stft", "inverse_stft", "inverse_stft_window_fn"]


def _size(value, api, what):
    """A Python int for a size known at build time, else the run-time scalar int32
    tensor (TF1 takes either: frame sizes computed from a decoded sample rate)."""
    if run_time(value) is None:
        return _scalar_int(value, api, what)
    return _int32(value, api, what)


def _fft_length(fft_length, frame_length, api):
    """fft_length, or the smallest power of 2 >= frame_length (TF1's default)."""
    if fft_length is not None:
        n = _size(fft_length, api, "fft_length")
        if isinstance(n, int) and n <= 0:
            raise ValueError(f"{api}: fft_length must be positive, got {n}")
        return n
    if isinstance(frame_length, int):
        return 1 if frame_length <= 1 else 1 << (frame_length - 1).bit_length()
    # TF1's run-time rule: 2 ** ceil(log2(frame_length)), in float32
    log2 = log(cast(frame_length, dtypes.float32)) / math.log(2.0)
    return cast(pow_(2.0, ceil(log2)), dtypes.int32)


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """The STFT of real signals [..., samples]: rfft of windowed frames, [..., frames,
    fft_length // 2 + 1] complex (TF1 tf.signal.stft; float32 -> complex64).

        s = gc.signal.stft(audio, frame_length=400, frame_step=160)   # fft_length 512
        magnitudes = gc.abs(s)
    """
    api = "signal.stft"
    x = convert_to_tensor(signals)
    if not x.dtype.is_floating or x.dtype is dtypes.float16:
        raise TypeError(f"{api}: signals must be float32 or float64, got {x.dtype.name}")
    if x.shape.rank == 0:
        raise ValueError(f"{api}: signals must have rank at least 1, got a scalar")
    length = _size(frame_length, api, "frame_length")
    n = _fft_length(fft_length, length, api)
    frames = frame(x, length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        frames = frames * window_fn(length, dtype=x.dtype)
    return rfft(frames, [n], name=name)


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    """Real signals from STFTs [..., frames, fft_length // 2 + 1]: irfft of each frame,
    cut (or zero-padded) to frame_length, windowed and overlap-added (TF1
    tf.signal.inverse_stft). Pass window_fn=inverse_stft_window_fn(frame_step) to invert
    stft's Hann window exactly.

        x2 = gc.signal.inverse_stft(s, 400, 160,
                                    window_fn=gc.signal.inverse_stft_window_fn(160))
    """
    api = "signal.inverse_stft"
    s = convert_to_tensor(stfts)
    if not s.dtype.is_complex:
        raise TypeError(f"{api}: stfts must be complex64 or complex128, got {s.dtype.name}")
    if s.shape.rank is not None and s.shape.rank < 2:
        raise ValueError(f"{api}: stfts must have rank at least 2 (frames, bins), got "
                         f"shape {s.shape}")
    length = _size(frame_length, api, "frame_length")
    n = _fft_length(fft_length, length, api)
    frames = irfft(s, [n])
    if isinstance(n, int) and isinstance(length, int):
        if n >= length:
            frames = frames[..., :length]
        else:                              # zero-pad each frame up to frame_length
            frames = frame(frames, length, length, pad_end=True, axis=-1)[..., 0, :]
    else:                                  # cut or zero-pad each frame to frame_length
        frames = frames[..., :length]
        short = maximum(length - shape(frames, out_type=dtypes.int32)[-1], 0)
        frames = pad(frames, concat([zeros(stack([rank(frames) - 1, 2]), dtypes.int32),
                                     [[0, short]]], 0))
    if window_fn is not None:
        frames = frames * window_fn(length, dtype=frames.dtype)
    return overlap_and_add(frames, frame_step, name=name)


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """A window_fn for inverse_stft that undoes stft's forward_window_fn: the forward
    window divided by the sum of its squares over the samples that overlap at each
    position (TF1 tf.signal.inverse_stft_window_fn).

        fn = gc.signal.inverse_stft_window_fn(160)
        fn(400, dtype=gc.float32)            # a [400] window
    """
    api = "signal.inverse_stft_window_fn"
    step = _size(frame_step, api, "frame_step")
    if isinstance(step, int) and step <= 0:
        raise ValueError(f"{api}: frame_step must be positive, got {step}")

    def window_fn(frame_length, dtype):
        length = _size(frame_length, api, "frame_length")
        w = forward_window_fn(length, dtype=dtype)
        overlaps = (length + step - 1) // step       # ints, or tensors at run time
        sq = pad(w * w, [[0, overlaps * step - length]])
        per_phase = reduce_sum(reshape(sq, [overlaps, step]), 0)  # sum over k = t mod step
        return w / tile(per_phase, [overlaps])[:length]
    return window_fn
