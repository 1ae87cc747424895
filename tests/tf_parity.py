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


@pytest.fixture
def needs_eager():
    """Skip where TF runs in graph mode: test_tf_parity_lookup.py and
    test_tf_parity_train_extras.py turn eager execution off when they are imported, so
    a test that needs TF's eager mode runs only in a process without them (run its file
    alone)."""
    if not tf.executing_eagerly():
        pytest.skip("needs TF's eager mode, off in this process: run this file alone")


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


def _build(m, fn, arrays, placeholders):
    """(graph, inputs, flat outputs, feed) of fn on module m, in a new graph."""
    g = m.Graph()
    with g.as_default():
        if placeholders:
            xs = [m.placeholder(a.dtype, a.shape) for a in arrays]
            feed = dict(zip(xs, arrays))
        else:
            xs = [m.constant(a) for a in arrays]
            feed = {}
        return g, xs, _flat(fn(m, *xs)), feed


def _values(m, g, fetches, feed):
    with m.Session(graph=g) as sess:
        if any(True for _ in g.get_collection(m.GraphKeys.GLOBAL_VARIABLES)):
            sess.run(m.global_variables_initializer())
        return sess.run(fetches, feed)


def _run(m, fn, arrays, grad, seed, placeholders):
    """(outputs, gradients) of fn on module m; gradients are None where unconnected. The
    cotangents take the outputs' run-time shapes (a first run), so outputs of unknown
    static shape (boolean_mask, unique, ...) are differentiated too; the gradients are
    built in a second graph, before it runs (TF's cond_v2 cannot grow a graph that ran)."""
    g, xs, outs, feed = _build(m, fn, arrays, placeholders)
    outs_v = _values(m, g, list(outs), feed)
    floats = [i for i, o in enumerate(outs) if o.dtype.is_floating]
    wrt = [i for i, a in enumerate(arrays) if _is_float(a)]
    if not (grad and floats and wrt):
        return outs_v, []
    g, xs, outs, feed = _build(m, fn, arrays, placeholders)
    with g.as_default():
        rng = np.random.default_rng(seed)
        cts = [m.constant(rng.standard_normal(np.shape(outs_v[i])).astype(
            outs[i].dtype.as_numpy_dtype)) for i in floats]
        grads = m.gradients([outs[i] for i in floats], [xs[i] for i in wrt], grad_ys=cts)
        # a gather's params get an IndexedSlices in both: compare them dense
        grads = [None if d is None else m.convert_to_tensor(d) for d in grads]
    vals = _values(m, g, list(outs) + [d for d in grads if d is not None], feed)
    rest = iter(vals[len(outs):])
    return vals[:len(outs)], [None if d is None else next(rest) for d in grads]


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


@pytest.fixture
def no_cf_intermediates():
    """TF's default for control flow v2 in a graph: If/While do not output every
    intermediate (keras_parity.py turns that on for the whole process; graphs built
    under it hold OptionalFromValue / TensorListPushBack accumulators)."""
    from tensorflow.python.ops import control_flow_util_v2 as cfu
    saved = cfu._EXPERIMENTAL_OUTPUT_ALL_INTERMEDIATES_OVERRIDE
    cfu._EXPERIMENTAL_OUTPUT_ALL_INTERMEDIATES_OVERRIDE = None
    yield
    cfu._EXPERIMENTAL_OUTPUT_ALL_INTERMEDIATES_OVERRIDE = saved


def close_values(want, got, rtol=1e-6, atol=1e-9):
    """got equals want element by element: shapes, floats to rtol/atol, the rest exactly
    (ints compared in want's dtype)."""
    for w, v in zip(want, got):
        w, v = np.asarray(w), np.asarray(v)
        assert v.shape == w.shape
        if w.dtype.kind in "fc":
            np.testing.assert_allclose(v, w, rtol=rtol, atol=atol)
        else:
            np.testing.assert_array_equal(v.astype(w.dtype), w)


def tf_graph_of(gd):
    """A new TF graph holding gc.GraphDef gd (graphc's export), imported unprefixed."""
    g = tf.Graph()
    with g.as_default():
        v1.import_graph_def(v1.GraphDef.FromString(gd.SerializeToString()), name="")
    return g


@pytest.fixture
def control_flow_v1():
    """TF's control flow v1 (Switch/Merge, Enter/Exit) while a test runs."""
    v1.disable_control_flow_v2()
    yield
    v1.enable_control_flow_v2()


def frozen_tf_graph(build, feeds):
    """build() -> (placeholders, outputs) in a TF graph: TF's outputs on each feed, and
    the GraphDef (its variables frozen) as graphc's gc.GraphDef.
    Returns (graph_def, output names, placeholder names, TF's outputs per feed)."""
    from graphc.io.tf_graphdef import GraphDef
    g = tf.Graph()
    with g.as_default(), v1.Session() as sess:
        xs, outs = build()
        sess.run(v1.global_variables_initializer())
        wants = [sess.run(outs, dict(zip(xs, fd))) for fd in feeds]
        gd = g.as_graph_def()
        if v1.global_variables():
            gd = v1.graph_util.convert_variables_to_constants(
                sess, gd, [t.op.name for t in outs])
    return (GraphDef.FromString(gd.SerializeToString()), [t.name for t in outs],
            [x.name for x in xs], wants)
