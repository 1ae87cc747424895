"""Samples for the signal ops (ops/signal_frame.py: Frame and OverlapAndAdd, in their
public forms and in the forms with a `like` operand that their vjps build); see
samples.py. The references are naive loops over frames and samples, independent of the
strided kernels."""
import numpy as np

import graphc as gc
from graphc.ops.registry import apply1
from graphc.ops.signal_frame import FRAME, OVERLAP_AND_ADD
from samples import Sample, normal


def frame_ref(length, step, axis=-1, pad_end=False, count=None):
    """frames[..., f, j, ...] = x[..., f * step + j, ...], pad_value past the end."""
    def ref(x, pad_value=0.0):
        a = axis % x.ndim
        y = np.moveaxis(x, a, -1)
        d = y.shape[-1]
        n = count
        if n is None:
            n = -(-d // step) if pad_end else max(0, (d - length + step) // step)
        out = np.full(y.shape[:-1] + (n, length), pad_value, x.dtype)
        for f in range(n):
            for j in range(length):
                if f * step + j < d:
                    out[..., f, j] = y[..., f * step + j]
        return np.moveaxis(out, (-2, -1), (a, a + 1))
    return ref


def overlap_add_ref(step, axis=-2, out_len=None):
    """signal[..., t, ...] = sum of frames[..., f, j, ...] over f * step + j = t."""
    def ref(frames, *like):
        a = axis % frames.ndim
        y = np.moveaxis(frames, (a, a + 1), (-2, -1))
        n, length = y.shape[-2:]
        size = like[0].shape[a] if like else max(0, (n - 1) * step + length)
        out = np.zeros(y.shape[:-2] + (size,), frames.dtype)
        for f in range(n):
            for j in range(length):
                if f * step + j < size:
                    out[..., f * step + j] += y[..., f, j]
        return np.moveaxis(out, -1, a)
    return ref


def _zero(x):
    return gc.zeros([], x.dtype)


def _frame_like(step, axis):
    def build(x, like):
        return apply1(FRAME, (x, _zero(x), like), frame_length=None, frame_step=step,
                      axis=axis, pad_end=False)
    return build


def _frame_like_ref(step, axis):
    def ref(x, like):
        a = axis % x.ndim
        return frame_ref(like.shape[a + 1], step, axis, count=like.shape[a])(x)
    return ref


def _overlap_add_like(step, axis):
    return lambda f, like: apply1(OVERLAP_AND_ADD, (f, like), frame_step=step, axis=axis)


SAMPLES = [
    Sample("Frame", lambda x: gc.signal.frame(x, 3, 2),
           lambda r: [normal(r, (2, 9))], frame_ref(3, 2), id="last axis"),
    Sample("Frame", lambda x: gc.signal.frame(x, 4, 3, axis=1),
           lambda r: [normal(r, (2, 11, 3))], frame_ref(4, 3, axis=1), id="middle axis"),
    Sample("Frame", lambda x: gc.signal.frame(x, 2, 5, axis=0),
           lambda r: [normal(r, (13, 3))], frame_ref(2, 5, axis=0), id="gaps (step > length)"),
    Sample("Frame", lambda x, p: gc.signal.frame(x, 5, 2, pad_end=True, pad_value=p),
           lambda r: [normal(r, (3, 8)), np.float64(r.standard_normal())],
           frame_ref(5, 2, pad_end=True), wrt=(0,), id="pad_end, fed pad_value"),
    Sample("Frame", lambda x: gc.signal.frame(x, 6, 2, pad_end=True, axis=-2),
           lambda r: [normal(r, (5, 2))], frame_ref(6, 2, axis=-2, pad_end=True),
           id="pad_end, frame longer than the signal"),
    Sample("Frame", lambda x: gc.signal.frame(x, 3, 1),
           lambda r: [r.integers(-5, 5, size=(2, 6)).astype(np.int32)], frame_ref(3, 1),
           grad=False, id="int32"),
    Sample("Frame", _frame_like(2, -1),
           lambda r: [normal(r, (3, 9)), normal(r, (3, 4, 3))],
           _frame_like_ref(2, -1), wrt=(0,), id="sizes from like (a vjp's form)"),
    Sample("Frame", _frame_like(3, 0),
           lambda r: [normal(r, (7, 2)), normal(r, (3, 4, 2))],
           _frame_like_ref(3, 0), wrt=(0,), id="like, frames past the end read 0"),
    Sample("OverlapAndAdd", lambda f: gc.signal.overlap_and_add(f, 2),
           lambda r: [normal(r, (2, 4, 5))], overlap_add_ref(2), id="step < length"),
    Sample("OverlapAndAdd", lambda f: gc.signal.overlap_and_add(f, 4),
           lambda r: [normal(r, (5, 3))], overlap_add_ref(4), id="step > length (gaps)"),
    Sample("OverlapAndAdd", lambda f: gc.signal.overlap_and_add(f, 1),
           lambda r: [r.integers(-5, 5, size=(3, 4)).astype(np.int32)], overlap_add_ref(1),
           grad=False, id="int32"),
    Sample("OverlapAndAdd", _overlap_add_like(2, 1),
           lambda r: [normal(r, (2, 4, 3, 3)), normal(r, (2, 8, 3))],
           overlap_add_ref(2, axis=1), wrt=(0,), id="into like's length, cut"),
    Sample("OverlapAndAdd", _overlap_add_like(3, -2),
           lambda r: [normal(r, (2, 4)), normal(r, (9,))],
           overlap_add_ref(3, axis=-2), wrt=(0,), id="into like's length, zero tail"),
]
