"""gc.contrib.signal (TF 1.15's tf.contrib.signal): gc.signal's functions under their
contrib names, and `frames`, the old name of `frame`.

    spec = gc.contrib.signal.stft(audio, frame_length=256, frame_step=128)
"""
from ..signal import (frame, hamming_window, hann_window, inverse_stft,  # noqa: F401
                      inverse_stft_window_fn, linear_to_mel_weight_matrix,
                      mfccs_from_log_mel_spectrograms, overlap_and_add, stft)

frames = frame      # TF 1.15 keeps the old name

__all__ = ["frame", "frames", "hamming_window", "hann_window", "inverse_stft",
           "inverse_stft_window_fn", "linear_to_mel_weight_matrix",
           "mfccs_from_log_mel_spectrograms", "overlap_and_add", "stft"]
