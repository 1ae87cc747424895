"""TF1's tf.signal: framing, windows, STFTs, FFTs, the mel filterbank, MFCCs, DCTs.

    frames = gc.signal.frame(audio, 400, 160, pad_end=True)          # [..., frames, 400]
    frames = frames * gc.signal.hann_window(400)
    mfccs = gc.signal.mfccs_from_log_mel_spectrograms(log_mel)[..., :13]

See docs/signal.md for what differs from TF1 and what is missing.
"""
from .ops.fft import (fft, fft2d, fft3d, ifft, ifft2d, ifft3d, irfft, irfft2d, irfft3d, rfft,
                      rfft2d, rfft3d)
from .ops.signal_dct import dct, idct, mfccs_from_log_mel_spectrograms
from .ops.signal_frame import frame, overlap_and_add
from .ops.signal_stft import inverse_stft, inverse_stft_window_fn, stft
from .ops.signal_windows import (hamming_window, hann_window, kaiser_bessel_derived_window,
                                 kaiser_window, linear_to_mel_weight_matrix, vorbis_window)

from .ops.signal_extra import *  # noqa: F401,F403,E402
from .ops.signal_extra import __all__ as _extra

__all__ = list(_extra) + [
           "frame", "overlap_and_add", "hann_window", "hamming_window", "kaiser_window",
           "kaiser_bessel_derived_window", "vorbis_window", "linear_to_mel_weight_matrix",
           "mfccs_from_log_mel_spectrograms", "dct", "idct", "stft", "inverse_stft",
           "inverse_stft_window_fn", "fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d",
           "rfft", "irfft", "rfft2d", "irfft2d", "rfft3d", "irfft3d"]
