"""Samples for graphc.ops.control (see samples.py): cond on random predicates."""
import numpy as np

import graphc as gc
from samples import Sample, normal, shape


def _pxw(r):
    s = shape(r)
    return [np.array(r.random() < 0.5), normal(r, s), normal(r, s)]


def _two_outputs(p, x, w):
    return gc.cond(p, lambda: (gc.tanh(x) * w, gc.reduce_sum(x * x)),
                   lambda: (x - w, gc.reduce_sum(w)))


def _random_inside(p, x):
    # the branch draws (If, not StatelessIf); the draw is a hidden output of the If,
    # fed to the gradient's branch; 0 * draw keeps the value checkable
    return gc.cond(p, lambda: x * 2.0 + 0.0 * gc.random_uniform(gc.shape(x), dtype=gc.float64),
                   lambda: x + 1.0)


SAMPLES = [
    Sample("StatelessIf", lambda p, x, w: gc.cond(p, lambda: gc.tanh(x) * w,
                                                  lambda: x * x - w),
           _pxw, lambda p, x, w: np.tanh(x) * w if p else x * x - w),
    Sample("StatelessIf", _two_outputs, _pxw,
           lambda p, x, w: (np.tanh(x) * w, np.sum(x * x)) if p else (x - w, np.sum(w)),
           id="tuple"),
    Sample("StatelessIf", lambda p, x: gc.cond(p, lambda: x, lambda: gc.exp(x)),
           lambda r: _pxw(r)[:2], lambda p, x: x if p else np.exp(x), id="passthrough"),
    Sample("If", _random_inside, lambda r: _pxw(r)[:2],
           lambda p, x: x * 2.0 if p else x + 1.0),
]


def _loop(x, w):
    return gc.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, gc.tanh(y) * w), [0, x])[1]


def _loop_ref(x, w):
    for _ in range(3):
        x = np.tanh(x) * w
    return x


def _xw(r):
    s = shape(r)
    return [normal(r, s), normal(r, s)]


SAMPLES += [
    Sample("StatelessLoop", _loop, _xw, _loop_ref, id="while_loop"),
    Sample("StatelessLoop", lambda x, w: gc.while_loop(
        lambda y: gc.reduce_sum(y * y) < 1e6, lambda y: y * w, [x],
        maximum_iterations=2), _xw, lambda x, w: x * w * w, id="while_loop-maximum_iterations"),
]


def _xs_w(r):
    s = shape(r, rank=int(r.integers(1, 3)))
    return [normal(r, s), normal(r, s[1:])]


def _scan_ref(x, w):
    a, out = x[0], [x[0]]
    for row in x[1:]:
        a = np.tanh(a * w) + row
        out.append(a)
    return np.stack(out)


SAMPLES += [
    Sample("StatelessLoop", lambda x, w: gc.map_fn(lambda r: gc.tanh(r * w), x), _xs_w,
           lambda x, w: np.tanh(x * w), id="map_fn"),
    Sample("StatelessLoop", lambda x, w: gc.scan(lambda a, r: gc.tanh(a * w) + r, x), _xs_w,
           _scan_ref, id="scan"),
    Sample("StatelessLoop", lambda x, w: gc.foldr(
        lambda a, r: a * 0.5 + gc.reduce_sum(r * w), x,
        initializer=gc.constant(1.0, gc.float64)), _xs_w,
        lambda x, w: _foldr_ref(x, w), id="foldr"),
]


def _foldr_ref(x, w):
    a = 1.0
    for row in x[::-1]:
        a = a * 0.5 + np.sum(row * w)
    return np.float64(a)


def _scan_drawing(x, w):
    # draws in the function (a Loop, not a StatelessLoop): 0 * draw keeps the value
    # checkable; the gradient's replay is fed the forward's draws
    return gc.scan(lambda a, r: gc.tanh(a * w) + r + 0.0 * gc.random_uniform(
        gc.shape(r), dtype=gc.float64), x)


SAMPLES += [
    Sample("Loop", _scan_drawing, _xs_w, _scan_ref, id="scan-with-draws"),
]


def _poly(x):
    return x * x - 3.0 * x


def _split_signs(x):
    return np.maximum(x, 0.0), np.minimum(x, 0.0).astype(np.float32)


# py_func: a numpy function as a node (no gradient; a refined shape is checked at run time)
SAMPLES += [
    Sample("PyFunc", lambda x: gc.py_func(_poly, [x], gc.float64),
           lambda r: [normal(r, (2, 3))], _poly, grad=False, tags=("python",)),
    Sample("PyFuncStateless", lambda x: gc.py_func(_split_signs, [x], [gc.float64, gc.float32],
                                                   stateful=False),
           lambda r: [normal(r, (3, 2))], _split_signs, grad=False, id="two-outputs",
           tags=("python",)),
]

from graphc.ops.loop_op import CONCAT_CALLS  # noqa: E402
from graphc.ops.registry import apply1  # noqa: E402

SAMPLES.append(Sample("ConcatCalls", lambda x, like: apply1(CONCAT_CALLS, (x, like)),
                      lambda r: [normal(r, (3, 2, 4)), normal(r, (5, 4))],
                      lambda x, like: x.reshape(6, 4), wrt=(0,)))
