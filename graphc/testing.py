"""Public test harnesses: check an op's (or any function's) vjp, jvp and shape inference.

    from graphc.testing import check_vjp
    check_vjp(lambda x, y: gc.tanh(x) * y, [np.random.randn(3, 4), np.random.randn(4)])

Each builds the function on float64 placeholders in a fresh Graph, runs it, and compares
against central finite differences along random directions (JAX's check_vjp idea).
"""
import numpy as np

from . import dtypes
from .graph import Graph, Tensor
from .ops.core import placeholder
from .session import Session


def _build(fn, inputs, dynamic):
    g = Graph()
    with g.as_default():
        phs = []
        for i, a in enumerate(inputs):
            a = np.asarray(a)
            shape = (None,) * a.ndim if dynamic else a.shape
            phs.append(placeholder(dtypes.from_value(a), shape, name=f"in{i}"))
        out = fn(*phs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    return g, phs, outs


def _floats(inputs, wrt):
    idx = range(len(inputs)) if wrt is None else wrt
    return [i for i in idx if np.asarray(inputs[i]).dtype.kind == "f"]


def _eval(sess, outs, phs, values):
    return sess.run(outs, feed_dict=dict(zip(phs, values)))


def check_infer(fn, inputs, dynamic=False):
    """Static shape and dtype of every output equal what the kernels produce."""
    g, phs, outs = _build(fn, inputs, dynamic)
    with Session(graph=g) as sess:
        vals = _eval(sess, outs, phs, [np.asarray(a) for a in inputs])
    for t, v in zip(outs, vals):
        v = np.asarray(v)
        assert v.dtype == t.dtype.np, f"{t.name}: static dtype {t.dtype.name}, run {v.dtype}"
        dims = t.shape.dims
        if dims is None:
            continue
        assert len(dims) == v.ndim, f"{t.name}: static shape {t.shape}, run shape {v.shape}"
        for d, n in zip(dims, v.shape):
            assert not isinstance(d, int) or d == n, \
                f"{t.name}: static shape {t.shape}, run shape {v.shape}"
    return vals


def check_vjp(fn, inputs, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0, dynamic=False):
    """gradients() of fn agrees with central differences: <J^T w, v> ~ d/de <w, f(x+ev)>.

    `wrt` lists the input positions to differentiate (default: all float inputs).
    """
    from .autodiff.reverse import gradients
    rng = np.random.default_rng(seed)
    inputs = [np.asarray(a) for a in inputs]
    g, phs, outs = _build(fn, inputs, dynamic)
    idx = _floats(inputs, wrt)
    with g.as_default():
        base = None
        with Session(graph=g) as sess:
            base = _eval(sess, outs, phs, inputs)
            ws = [rng.standard_normal(np.shape(b)) for b in base]
            w_t = [placeholder(o.dtype, np.shape(b), name=f"w{k}")
                   for k, (o, b) in enumerate(zip(outs, base))]
            diff = [o for o in outs if o.dtype.is_floating]
            dw = [w for o, w in zip(outs, w_t) if o.dtype.is_floating]
            grads = gradients(diff, [phs[i] for i in idx], grad_ys=dw)
            fetch = [gr for gr in grads if gr is not None]
            feed = dict(zip(phs, inputs))
            feed.update({w: wv for w, wv in zip(w_t, ws)})
            got = sess.run(fetch, feed) if fetch else []
            it = iter(got)
            vals = [next(it) if gr is not None else np.zeros(inputs[i].shape)
                    for gr, i in zip(grads, idx)]
            vs = [rng.standard_normal(inputs[i].shape) for i in idx]
            lhs = sum(float(np.sum(gv * v)) for gv, v in zip(vals, vs))

            def f(e):
                xs = list(inputs)
                for i, v in zip(idx, vs):
                    xs[i] = inputs[i] + e * v
                outs_v = _eval(sess, outs, phs, xs)
                return sum(float(np.sum(np.asarray(o, np.float64) * w))
                           for o, w, t in zip(outs_v, ws, outs) if t.dtype.is_floating)
            rhs = (f(eps) - f(-eps)) / (2 * eps)
    assert abs(lhs - rhs) <= atol + rtol * max(1.0, abs(lhs), abs(rhs)), \
        f"vjp check failed: <J^T w, v> = {lhs!r} but finite differences give {rhs!r}"
    for gr, gv, i in zip(grads, vals, idx):
        if gr is not None:
            assert np.shape(gv) == inputs[i].shape, \
                f"gradient for input {i} has shape {np.shape(gv)}, input {inputs[i].shape}"
    return lhs, rhs


def numeric_jacobian(f, x, eps=1e-6):
    """Central-difference Jacobian of a numpy function f at x: shape f(x).shape + x.shape."""
    x = np.asarray(x, np.float64)
    y0 = np.asarray(f(x))
    jac = np.zeros(y0.shape + x.shape)
    for k in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[k] = eps
        jac[(Ellipsis,) + k] = (np.asarray(f(x + d)) - np.asarray(f(x - d))) / (2 * eps)
    return jac
