"""Samples for graphc.ops.reduce (see samples.py): every axis form (None, int, negative
int, tuple) with keepdims False and True."""
import numpy as np

import graphc as gc
from samples import Sample, normal, positive, shape

AXES = [None, 1, -1, (0, 2), [-3, -2], ()]


def _cube(gen=normal):
    return lambda r: [gen(r, shape(r, 3, lo=1))]


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _reductions(op, fn, ref, gen=normal, grad=True, **kw):
    out = []
    for axis in AXES:
        for keepdims in (False, True):
            out.append(Sample(
                op, lambda x, a=axis, k=keepdims: fn(x, axis=a, keepdims=k), _cube(gen),
                lambda x, a=axis, k=keepdims: ref(x, axis=_np_axis(a), keepdims=k),
                grad=grad, id=f"axis={axis} keepdims={keepdims}", **kw))
    return out


def _ints(r, s):
    return r.integers(-50, 50, size=s).astype(np.int32)


def _bools(r, s):
    return r.random(s) < 0.5


def _lse(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    return np.log(np.sum(np.exp(x - m), axis=axis, keepdims=keepdims)) + (
        m if keepdims else np.squeeze(m, axis=axis))


def _int_mean(x, axis, keepdims=False):
    return np.trunc(np.mean(x, axis=axis, keepdims=keepdims))


def _dynamic(op, fn, ref, gen=normal, grad=True):
    """The Dynamic twin: the axes fed as an int32 input (a tensor known at run time)."""
    def inputs(r, g=gen):
        return [g(r, shape(r, 3, lo=2)), np.array([0, -1], np.int32)]
    return [Sample("Dynamic" + op, lambda x, a, k=keepdims: fn(x, a, keepdims=k), inputs,
                   lambda x, a, k=keepdims: ref(x, axis=(0, -1), keepdims=k), grad=grad,
                   id=f"keepdims={keepdims}") for keepdims in (False, True)]


def _dynamic_bools(op, fn, ref):
    return [Sample("Dynamic" + op, lambda x, a: fn(x, a),
                   lambda r: [_bools(r, (2, 3, 4)), np.array(1, np.int64)],
                   lambda x, a: ref(x, axis=1), grad=False)]


DYNAMIC = (_dynamic("Sum", gc.reduce_sum, np.sum) + _dynamic("Mean", gc.reduce_mean, np.mean)
           + _dynamic("Max", gc.reduce_max, np.max) + _dynamic("Min", gc.reduce_min, np.min)
           + _dynamic("Prod", gc.reduce_prod, np.prod, gen=positive)
           + _dynamic_bools("All", gc.reduce_all, np.all)
           + _dynamic_bools("Any", gc.reduce_any, np.any))

SAMPLES = DYNAMIC + (
    _reductions("Sum", gc.reduce_sum, np.sum)
    + _reductions("Mean", gc.reduce_mean, np.mean)
    + _reductions("Max", gc.reduce_max, np.max)
    + _reductions("Min", gc.reduce_min, np.min)
    + _reductions("Prod", gc.reduce_prod, np.prod, gen=positive)
    + [
        Sample("Sum", lambda x: gc.reduce_sum(x, 0), lambda r: [_ints(r, (3, 4))],
               lambda x: x.sum(0), grad=False, id="int32 stays int32"),
        Sample("Sum", lambda x: gc.reduce_sum(x, reduction_indices=[1], keep_dims=True),
               _cube(), lambda x: x.sum(1, keepdims=True), id="TF1 argument names"),
        Sample("Mean", lambda x: gc.reduce_mean(x, 1), lambda r: [_ints(r, (3, 4))],
               lambda x: _int_mean(x, 1), grad=False, id="int32"),
        Sample("Max", lambda x: gc.reduce_max(x, 1), lambda r: [_ints(r, (3, 4))],
               lambda x: x.max(1), grad=False, id="int32"),
        Sample("Prod", lambda x: gc.reduce_prod(x, [0, 1]),
               lambda r: [r.integers(1, 4, (2, 3)).astype(np.int64)],
               lambda x: x.prod((0, 1)), grad=False, id="int64"),
        Sample("Max", lambda x: gc.reduce_logsumexp(x, 1), _cube(),
               lambda x: _lse(x, 1), id="logsumexp"),
        Sample("Max", lambda x: gc.reduce_logsumexp(x, keepdims=True), _cube(),
               lambda x: _lse(x, None, True), id="logsumexp keepdims"),
        Sample("Max", lambda x: gc.reduce_logsumexp(x * 1000.0, -1),
               lambda r: [normal(r, (2, 3))], lambda x: _lse(x * 1000.0, -1),
               grad_kw={"eps": 1e-8}, id="logsumexp large"),
        Sample("Sum", lambda x: gc.count_nonzero(x, 1), lambda r: [_ints(r, (3, 4)) % 3],
               lambda x: np.count_nonzero(x, 1), grad=False, id="count_nonzero"),
        Sample("All", lambda x: gc.reduce_all(x, 1), lambda r: [_bools(r, (3, 4))],
               lambda x: x.all(1), grad=False),
        Sample("All", lambda x: gc.reduce_all(x, keepdims=True), lambda r: [_bools(r, (2, 3))],
               lambda x: x.all(keepdims=True), grad=False, id="all axes"),
        Sample("Any", lambda x: gc.reduce_any(x, [0, -1]), lambda r: [_bools(r, (2, 3, 2))],
               lambda x: x.any((0, 2)), grad=False),
        Sample("ArgMax", lambda x: gc.argmax(x, 1), _cube(), lambda x: x.argmax(1),
               grad=False),
        Sample("ArgMax", lambda x: gc.argmax(x, -1, output_type=gc.int32), _cube(),
               lambda x: x.argmax(-1), grad=False, id="int32"),
        Sample("ArgMax", gc.argmax, lambda r: [_ints(r, (4, 3))], lambda x: x.argmax(0),
               grad=False, id="default axis 0"),
        Sample("ArgMin", lambda x: gc.argmin(x, 0), _cube(), lambda x: x.argmin(0),
               grad=False),
    ]
)
