"""Public test harnesses: check an op's (or any function's) vjp, jvp and shape inference.

    from graphc.testing import check_vjp
    check_vjp(lambda x, y: gc.tanh(x) * y, [np.random.randn(3, 4), np.random.randn(4)])

Each builds the function on float64 placeholders in a fresh Graph, runs it, and compares
against central finite differences along random directions (JAX's check_vjp idea).
Complex inputs and outputs are pairs of reals: directions are complex and inner products
are <a, b> = sum(real(conj(a) b)), which makes TF's complex gradients (dL/dre +
i dL/dim) the transposes that these checks expect.
check_jvp does the same for forward mode, and check_transpose checks that the jvp and
the vjp are transposes of each other: <w, J v> == <J^T w, v>.
"""
import numpy as np

from . import dtypes
from .graph import Graph
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
    return [i for i in idx if np.asarray(inputs[i]).dtype.kind in "fc"]


def _randn(rng, shape, dtype=None):
    """A standard normal array; complex (both parts normal) for a complex dtype."""
    if dtype is not None and np.dtype(dtype).kind == "c":
        return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return rng.standard_normal(shape)


def _wide(a):
    a = np.asarray(a)
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


def _dot(a, b):
    """The real inner product sum(real(conj(a) b)) (a plain dot for real arrays)."""
    return float(np.sum(np.real(np.conj(_wide(a)) * _wide(b))))


def _eval(sess, outs, phs, values):
    return sess.run(outs, feed_dict=dict(zip(phs, values)))


def check_infer(fn, inputs, dynamic=False):
    """Static shape and dtype of every output equal what the kernels produce."""
    g, phs, outs = _build(fn, inputs, dynamic)
    with Session(graph=g) as sess:
        vals = _eval(sess, outs, phs, [np.asarray(a) for a in inputs])
    for t, v in zip(outs, vals):
        v = np.asarray(v, dtype=object if isinstance(v, bytes) else None)
        assert v.dtype == t.dtype.np, f"{t.name}: static dtype {t.dtype.name}, run {v.dtype}"
        dims = t.shape._dims
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
            ws = [_randn(rng, np.shape(b), np.asarray(b).dtype) for b in base]
            w_t = [placeholder(o.dtype, np.shape(b), name=f"w{k}")
                   for k, (o, b) in enumerate(zip(outs, base))]
            diff = [o for o in outs if o.dtype.is_differentiable]
            dw = [w for o, w in zip(outs, w_t) if o.dtype.is_differentiable]
            grads = gradients(diff, [phs[i] for i in idx], grad_ys=dw, _dense=True)
            fetch = [gr for gr in grads if gr is not None]
            feed = dict(zip(phs, inputs))
            feed.update({w: wv for w, wv, o in zip(w_t, ws, outs) if o.dtype.is_differentiable})
            got = sess.run(fetch, feed) if fetch else []
            it = iter(got)
            vals = [next(it) if gr is not None else np.zeros(inputs[i].shape)
                    for gr, i in zip(grads, idx)]
            vs = [_randn(rng, inputs[i].shape, inputs[i].dtype) for i in idx]
            lhs = sum(_dot(gv, v) for gv, v in zip(vals, vs))

            def f(e):
                xs = list(inputs)
                for i, v in zip(idx, vs):
                    xs[i] = inputs[i] + e * v
                outs_v = _eval(sess, outs, phs, xs)
                return sum(_dot(w, o) for o, w, t in zip(outs_v, ws, outs)
                           if t.dtype.is_differentiable)
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


def _tangent_setup(fn, inputs, wrt, dynamic, rng):
    """The graph of fn, its float inputs to differentiate and random tangents for them."""
    inputs = [np.asarray(a) for a in inputs]
    g, phs, outs = _build(fn, inputs, dynamic)
    idx = _floats(inputs, wrt)
    vs = [_randn(rng, inputs[i].shape, inputs[i].dtype).astype(inputs[i].dtype)
          for i in idx]
    return inputs, g, phs, outs, idx, vs


def check_jvp(fn, inputs, wrt=None, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0, dynamic=False):
    """jvp() of fn agrees with central differences along a random direction v:
    J v ~ (f(x + e v) - f(x - e v)) / 2e, output by output, elementwise.

        check_jvp(lambda x, y: gc.tanh(x) * y, [np.random.randn(3, 4), np.random.randn(4)])

    `wrt` lists the input positions to move (default: all float inputs). Returns the
    list of (jvp, finite difference) pairs of the float outputs.
    """
    from .autodiff.forward import jvp
    rng = np.random.default_rng(seed)
    inputs, g, phs, outs, idx, vs = _tangent_setup(fn, inputs, wrt, dynamic, rng)
    diff = [o for o in outs if o.dtype.is_differentiable]
    with g.as_default(), Session(graph=g) as sess:
        v_t = [placeholder(phs[i].dtype, inputs[i].shape, name=f"v{i}") for i in idx]
        tangents = jvp(diff, [phs[i] for i in idx], v_t) if diff else []
        feed = dict(zip(phs, inputs))
        feed.update(zip(v_t, vs))
        got = sess.run(tangents, feed) if tangents else []

        def f(e):
            xs = list(inputs)
            for i, v in zip(idx, vs):
                xs[i] = inputs[i] + e * v
            return sess.run(diff, feed_dict=dict(zip(phs, xs))) if diff else []
        plus, minus = f(eps), f(-eps)
    pairs = []
    for t, j, p, m in zip(diff, got, plus, minus):
        want = (_wide(p) - _wide(m)) / (2 * eps)
        assert np.shape(j) == np.shape(p), \
            f"jvp of {t.name} has shape {np.shape(j)}, the output {np.shape(p)}"
        np.testing.assert_allclose(_wide(j), want, rtol=rtol, atol=atol,
                                   err_msg=f"jvp check failed for {t.name}: J v differs "
                                           "from finite differences")
        pairs.append((j, want))
    return pairs


def check_transpose(fn, inputs, wrt=None, rtol=1e-10, atol=1e-12, seed=0, dynamic=False):
    """The jvp and the vjp of fn are transposes of each other (JAX's check_vjp):
    <w, jvp(f, x, v)> == <vjp(f, x, w), v> for random v and w.

        check_transpose(lambda x, W: gc.tanh(x @ W), [np.random.randn(2, 3),
                                                      np.random.randn(3, 4)])

    Both sides come from one Session.run. Returns (lhs, rhs).
    """
    from .autodiff.forward import jvp
    from .autodiff.reverse import gradients
    rng = np.random.default_rng(seed)
    inputs, g, phs, outs, idx, vs = _tangent_setup(fn, inputs, wrt, dynamic, rng)
    diff = [o for o in outs if o.dtype.is_differentiable]
    if not diff or not idx:
        return 0.0, 0.0
    with g.as_default(), Session(graph=g) as sess:
        base = sess.run(diff, feed_dict=dict(zip(phs, inputs)))
        ws = [_randn(rng, np.shape(b), np.asarray(b).dtype).astype(np.asarray(b).dtype)
              for b in base]
        v_t = [placeholder(phs[i].dtype, inputs[i].shape, name=f"v{i}") for i in idx]
        w_t = [placeholder(o.dtype, np.shape(b), name=f"w{k}")
               for k, (o, b) in enumerate(zip(diff, base))]
        tangents = jvp(diff, [phs[i] for i in idx], v_t)
        grads = gradients(diff, [phs[i] for i in idx], grad_ys=w_t,
                          unconnected_gradients="zero", _dense=True)
        feed = dict(zip(phs, inputs))
        feed.update(zip(v_t, vs))
        feed.update(zip(w_t, ws))
        jv, jtw = sess.run([tangents, grads], feed)
    lhs = sum(_dot(w, t) for w, t in zip(ws, jv))
    rhs = sum(_dot(gr, v) for gr, v in zip(jtw, vs))
    scale = max(1.0, abs(lhs), abs(rhs))
    assert abs(lhs - rhs) <= atol + rtol * scale, \
        f"transpose check failed: <w, J v> = {lhs!r} but <J^T w, v> = {rhs!r}"
    return lhs, rhs
