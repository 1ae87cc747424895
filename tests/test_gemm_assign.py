"""The simplify rule that runs an SGD update W -= lr * (x^T g) as one BLAS gemm into W's
buffer (GemmAssign): it fires where numpy's BLAS gives a gemm (ops/blas.py), and
optimized runs equal unoptimized ones, for each transpose, for assign_add and
assign_sub, for float32 and float64, and when W's old value is an operand of the update
itself."""
import itertools

import numpy as np
import pytest

import graphc as gc
from graphc.ops import blas

pytestmark = pytest.mark.skipif(blas.gemm(np.float32) is None,
                                reason="no CBLAS gemm found in numpy's BLAS library")
RULE = "assign_sub(v, scaled_matmul(a, b, c)) -> gemm_assign(v; a, b, c)"


def _run(build, steps, optimize):
    """(the variable after `steps` updates, whether GemmAssign ran in the plan)."""
    graph = gc.Graph()
    with graph.as_default():
        update, var, feeds = build()
        sess = gc.Session(graph=graph, optimize=optimize)
        sess.run(gc.global_variables_initializer())
        for _ in range(steps):
            sess.run(update, feeds)
        fired = RULE in sess.compile(update, feed_list=list(feeds)).report(quiet=True)
        return sess.run(var), fired


@pytest.mark.parametrize("ta, tb, mode, dtype", [
    (ta, tb, mode, dtype) for ta, tb in itertools.product([False, True], repeat=2)
    for mode in ("sub", "add") for dtype in (np.float32, np.float64)])
def test_update_equals_the_unoptimized_run(ta, tb, mode, dtype):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((5, 4)).astype(dtype)
    a0 = rng.standard_normal((3, 5) if ta else (5, 3)).astype(dtype)
    b0 = rng.standard_normal((4, 3) if tb else (3, 4)).astype(dtype)

    def build():
        w = gc.Variable(w0)
        a, b = gc.placeholder(dtype, a0.shape), gc.placeholder(dtype, b0.shape)
        delta = gc.matmul(a, b, transpose_a=ta, transpose_b=tb) * gc.constant(dtype(0.25))
        update = w.assign_sub(delta) if mode == "sub" else w.assign_add(delta)
        return update, w, {a: a0, b: b0}
    got, fired = _run(build, 3, True)
    want, _ = _run(build, 3, False)
    assert fired
    op_a = a0.T if ta else a0
    op_b = b0.T if tb else b0
    sign = -1 if mode == "sub" else 1
    np.testing.assert_allclose(got, w0 + 3 * sign * 0.25 * (op_a @ op_b), rtol=1e-5)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_sgd_minimize_fires_and_matches():
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((16, 8)).astype(np.float32)
    yv = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 16)]
    w1 = (rng.standard_normal((8, 6)) * 0.3).astype(np.float32)
    w2 = (rng.standard_normal((6, 3)) * 0.3).astype(np.float32)
    x = {}

    def build():
        x["x"] = gc.placeholder(gc.float32, (None, 8))
        x["y"] = gc.placeholder(gc.float32, (None, 3))
        v1, v2 = gc.Variable(w1), gc.Variable(w2)
        logits = gc.matmul(gc.nn.relu(gc.matmul(x["x"], v1)), v2)
        loss = gc.reduce_mean(gc.nn.softmax_cross_entropy_with_logits(labels=x["y"],
                                                                      logits=logits))
        train = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
        return train, [v1, v2]

    results = {}
    for optimize in (True, False):
        graph = gc.Graph()
        with graph.as_default():
            train, vs = build()
            sess = gc.Session(graph=graph, optimize=optimize)
            sess.run(gc.global_variables_initializer())
            step = sess.make_callable(train, [x["x"], x["y"]])
            for _ in range(5):
                step(xv, yv)
            results[optimize] = sess.run(vs)
            if optimize:
                report = sess.compile(train, feed_list=[x["x"], x["y"]]).report(quiet=True)
    assert RULE in report
    for a, b in zip(results[True], results[False]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_variable_read_inside_its_own_update():
    """W -= 0.1 * (W^T @ W): the gemm may not write W while reading it."""
    w0 = np.arange(9, dtype=np.float64).reshape(3, 3) / 10

    def build():
        w = gc.Variable(w0)
        return w.assign_sub(gc.matmul(w, w, transpose_a=True) * 0.1), w, {}
    got, fired = _run(build, 2, True)
    assert fired
    want, _ = _run(build, 2, False)
    w = w0.copy()
    for _ in range(2):
        w = w - 0.1 * (w.T @ w)
    np.testing.assert_allclose(got, w, rtol=1e-12)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_fetched_old_value_is_not_overwritten():
    """A value of W fetched earlier stays what it was (the kernel updates in place only
    where nothing else holds the old array)."""
    w0 = np.ones((2, 2), np.float32)
    graph = gc.Graph()
    with graph.as_default():
        w = gc.Variable(w0)
        upd = w.assign_sub(gc.matmul(gc.constant(np.eye(2, dtype=np.float32)),
                                     gc.constant(w0)) * 0.5)
        sess = gc.Session(graph=graph)
        sess.run(gc.global_variables_initializer())
        before = sess.run(w)
        after = sess.run(upd)
        np.testing.assert_array_equal(before, w0)
        np.testing.assert_array_equal(after, w0 * 0.5)
        np.testing.assert_array_equal(sess.run(w), w0 * 0.5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_blas_gemm_on_views(dtype):
    """ops/blas.gemm takes operands in any layout (a Fortran-ordered a, a strided b) and
    updates a C-ordered c in place, as c + alpha op(a) op(b)."""
    rng = np.random.default_rng(2)
    a = np.asfortranarray(rng.standard_normal((6, 4)).astype(dtype))
    b = rng.standard_normal((4, 10)).astype(dtype)[:, ::2]
    c = rng.standard_normal((6, 5)).astype(dtype)
    want = 0.5 * c + 2.0 * (a @ b)
    buf = c.ctypes.data
    blas.gemm(dtype)(2.0, a, b, False, False, 0.5, c)
    assert c.ctypes.data == buf
    np.testing.assert_allclose(c, want, rtol=1e-5)
    assert blas.gemm(np.int32) is None and blas.gemm(np.complex64) is None
