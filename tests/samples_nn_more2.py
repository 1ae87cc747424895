"""Samples for ops/nn_more.py's op (MaxPoolWithArgmax); see samples.py. The reference is a
naive loop over output pixels and window taps with TF's padding rule
(samples_nn.tf_padding), independent of the sliding-window kernels."""
import numpy as np

import graphc as gc
from samples import Sample, normal
from samples_nn import tf_padding


def _argmax_pool_ref(k, s, padding, batch_index=False, dtype=np.int64):
    """(values, argmax): the first max of each window, scanning rows then columns, and
    its flat index (y * W + x) * C + c (+ b * H * W * C with batch_index)."""
    def ref(x):
        n, h, w, c = x.shape
        (oh, top), (ow, left) = (tf_padding(d, kk, ss, padding)
                                 for d, kk, ss in zip((h, w), k, s))
        values = np.zeros((n, oh, ow, c), x.dtype)
        argmax = np.zeros((n, oh, ow, c), dtype)
        for b in range(n):
            for i in range(oh):
                for j in range(ow):
                    for ch in range(c):
                        best, at = -np.inf, None
                        for a in range(k[0]):
                            for bb in range(k[1]):
                                y, xx = i * s[0] - top + a, j * s[1] - left + bb
                                if 0 <= y < h and 0 <= xx < w and x[b, y, xx, ch] > best:
                                    best, at = x[b, y, xx, ch], (y * w + xx) * c + ch
                        values[b, i, j, ch] = best
                        argmax[b, i, j, ch] = at + (b * h * w * c if batch_index else 0)
        return values, argmax
    return ref


def _ties(r, s):
    """Small integers: windows with repeated maxima (the first one wins)."""
    return r.integers(-2, 3, size=s).astype(np.float64)


SAMPLES = [
    Sample("MaxPoolWithArgmax",
           lambda x: list(gc.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")),
           lambda r: [normal(r, (2, 5, 7, 3))], _argmax_pool_ref((2, 2), (2, 2), "VALID"),
           grad=False, id="values and argmax, VALID"),
    Sample("MaxPoolWithArgmax",
           lambda x: list(gc.nn.max_pool_with_argmax(x, [1, 3, 2, 1], [1, 2, 1, 1], "SAME",
                                                     include_batch_in_index=True,
                                                     Targmax=gc.int32)),
           lambda r: [normal(r, (3, 5, 4, 2))],
           _argmax_pool_ref((3, 2), (2, 1), "SAME", True, np.int32), grad=False,
           id="SAME, batch in index, int32"),
    Sample("MaxPoolWithArgmax",
           lambda x: list(gc.nn.max_pool_with_argmax(x, [1, 3, 3, 1], [1, 1, 1, 1], "SAME")),
           lambda r: [_ties(r, (2, 4, 5, 2))], _argmax_pool_ref((3, 3), (1, 1), "SAME"),
           grad=False, id="ties"),
    Sample("MaxPoolWithArgmax",
           lambda x: gc.nn.max_pool_with_argmax(x, [1, 2, 3, 1], [1, 1, 2, 1], "VALID")[0],
           lambda r: [normal(r, (2, 4, 7, 3))],
           lambda x: _argmax_pool_ref((2, 3), (1, 2), "VALID")(x)[0], id="values, overlapping"),
    Sample("MaxPoolWithArgmax",
           lambda x: gc.nn.max_pool_with_argmax(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")[0],
           lambda r: [normal(r, (2, 6, 5, 3))],
           lambda x: _argmax_pool_ref((3, 3), (2, 2), "SAME")(x)[0], id="values, SAME"),
]
