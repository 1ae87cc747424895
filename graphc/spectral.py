"""TF1's tf.spectral namespace: the FFT ops of graphc/ops/fft.py under their tf.spectral
names (the same functions as gc.fft, gc.rfft2d, ... and gc.signal.fft ...)."""
from .ops.fft import (fft, fft2d, fft3d, ifft, ifft2d, ifft3d, irfft, irfft2d,  # noqa: F401
                      irfft3d, rfft, rfft2d, rfft3d)
from .ops.signal_dct import dct, idct  # noqa: F401  (the same functions as gc.signal's)

__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft", "irfft", "rfft2d",
           "irfft2d", "rfft3d", "irfft3d", "dct", "idct"]
