"""Runs the same TF1-style code on graphc and on TensorFlow's tf.compat.v1 graph mode and
compares values and gradients. The parity tests (tests/test_tf_parity_*.py) use it; they
are skipped where TensorFlow is not installed (the `bench` extra brings it).

A case is a function of the module: `lambda m, x, y: m.matmul(x, y, transpose_b=True)`
runs once with `m = graphc` and once with `m = tf.compat.v1`, on placeholders fed with
the same arrays. Gradients are taken of every float output, weighted by a random
cotangent, with respect to every float input, by each library's own `gradients`.
"""
import numpy as np
import pytest

import graphc as gc

tf = pytest.importorskip("tensorflow")
v1 = tf.compat.v1

FLOATS = (np.float16, np.float32, np.float64)


def _flat(out):
    """The tensors of a (nested) list/tuple/dict result, in order."""
    stack, flat = [out], []
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            stack.extend(x[k] for k in reversed(sorted(x)))
        elif isinstance(x, (list, tuple)):
            stack.extend(reversed(x))
        else:
            flat.append(x)
    return flat


def _is_float(a):
    return np.asarray(a).dtype.type in FLOATS


def _run(m, fn, arrays, grad, seed, placeholders):
    """(outputs, gradients) of fn on module m; gradients are None where unconnected. The
    cotangents take the outputs' run-time shapes, so outputs of unknown static shape
    (boolean_mask, unique, ...) are differentiated too."""
    g = m.Graph()
    with g.as_default():
        if placeholders:
            xs = [m.placeholder(a.dtype, a.shape) for a in arrays]
            feed = dict(zip(xs, arrays))
        else:
            xs = [m.constant(a) for a in arrays]
            feed = {}
        outs = _flat(fn(m, *xs))
        with m.Session(graph=g) as sess:
            if any(True for _ in m.global_variables()):
                sess.run(m.global_variables_initializer())
            outs_v = sess.run(list(outs), feed)
            grads = []
            fouts = [(o, v) for o, v in zip(outs, outs_v) if o.dtype.is_floating]
            wrt = [x for x, a in zip(xs, arrays) if _is_float(a)]
            if grad and fouts and wrt:
                rng = np.random.default_rng(seed)
                cts = [m.constant(rng.standard_normal(np.shape(v)).astype(
                    o.dtype.as_numpy_dtype)) for o, v in fouts]
                grads = m.gradients([o for o, _ in fouts], wrt, grad_ys=cts)
                if m is v1:
                    grads = [None if d is None else tf.convert_to_tensor(d) for d in grads]
            rest = iter(sess.run([d for d in grads if d is not None], feed))
    return outs_v, [None if d is None else next(rest) for d in grads]


def check(fn, *arrays, grad=True, rtol=1e-6, atol=1e-6, seed=0, placeholders=True,
          values=True):
    """fn gives the same outputs (value, dtype, shape) and the same gradients on graphc
    and TensorFlow. values=False compares only dtypes and shapes (random ops)."""
    arrays = [np.asarray(a) for a in arrays]
    got, got_g = _run(gc, fn, arrays, grad, seed, placeholders)
    want, want_g = _run(v1, fn, arrays, grad, seed, placeholders)
    assert len(got) == len(want), (len(got), len(want))
    for i, (a, b) in enumerate(zip(got, want)):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype, f"output {i}: dtype {a.dtype} != TF's {b.dtype}"
        assert a.shape == b.shape, f"output {i}: shape {a.shape} != TF's {b.shape}"
        if values:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol,
                                       err_msg=f"output {i}")
    assert len(got_g) == len(want_g)
    for i, (a, b) in enumerate(zip(got_g, want_g)):
        if b is None or a is None:
            # TF gives None for unconnected inputs; graphc may give None or zeros there
            other = a if b is None else b
            assert other is None or not np.any(other), f"gradient {i}: {a} vs TF's {b}"
            continue
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, f"gradient {i}: shape {a.shape} != TF's {b.shape}"
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"gradient {i}")


def rand(*shape, dtype=np.float64, seed=None, low=-2.0, high=2.0):
    """A random array of the given shape and dtype (ints in [low, high))."""
    rng = np.random.default_rng(seed if seed is not None else hash(shape) % 2**32)
    if np.issubdtype(dtype, np.integer):
        return rng.integers(int(low), int(high), size=shape).astype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    return rng.uniform(low, high, size=shape).astype(dtype)
