"""gc.matmul on RaggedTensors (graphc/ragged_matmul.py) against TF's ragged dispatch of
tf.matmul (tf.compat.v1 graph mode): operands fed through placeholders; values, ragged
structure (ragged_rank, row_splits dtypes), dtype, static shape, gradients w.r.t. every
float operand's values, and TF's errors."""
import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc

R = np.random.default_rng(24)


def _vals(*shape):
    return R.standard_normal(shape).astype(np.float32)


# operand specs: ("dense", array) | ("r1", values, row_lengths[, splits dtype])
#                | ("r2", flat values, outer row_lengths, inner row_lengths)
def d(*shape):
    return ("dense", _vals(*shape))


def r1(lengths, *inner, dt="int64"):
    return ("r1", _vals(sum(lengths), *inner), lengths, dt)


def r2(outer, inner):
    return ("r2", _vals(sum(inner)), outer, inner)


CASES = {   # name: (a, b, matmul keyword arguments)
    "r1_dense": (r1([2, 1], 2), d(2, 2, 3), {}),
    "r1_dense_tb": (r1([2, 0, 3], 2), d(3, 4, 2), dict(transpose_b=True)),
    "r1_dense_adjb": (r1([1, 3], 3), d(2, 2, 3), dict(adjoint_b=True)),
    "r1_int32_dense": (r1([2, 1], 2, dt="int32"), d(2, 2, 3), {}),
    "r1_dense_ta": (r1([2, 2], 3), d(2, 2, 4), dict(transpose_a=True)),
    "r1_dense_adja": (r1([2, 2], 3), d(2, 2, 4), dict(adjoint_a=True)),
    "dense_r1": (d(2, 3, 2), r1([2, 2], 4), {}),
    "dense_r1_tb": (d(2, 3, 2), r1([2, 1], 2), dict(transpose_b=True)),
    "dense_r1_ta_int32": (d(2, 2, 3), r1([2, 2], 4, dt="int32"), dict(transpose_a=True)),
    "r1_r1": (r1([2, 1], 2), r1([2, 2], 3), {}),
    "r1_r1_ta": (r1([2, 3], 2), r1([2, 3], 4), dict(transpose_a=True)),
    "r1_r1_tb": (r1([2, 1], 2), r1([2, 3], 2), dict(transpose_b=True)),
    "r2_dense": (r2([2, 3], [2] * 5), d(2, 2, 4), {}),
    "r2_dense_ta": (r2([2, 2], [3, 3, 1, 1]), d(2, 2, 4), dict(transpose_a=True)),
    "dense_r2": (d(2, 3, 2), r2([2, 2], [3, 3, 1, 1]), {}),
    "r2_r2": (r2([2, 3], [2] * 5), r2([2, 2], [3, 3, 1, 1]), {}),
    "r2_r2_tb": (r2([2, 3], [2] * 5), r2([2, 3], [2] * 5), dict(transpose_b=True)),
    "r2_r2_ta": (r2([2, 3], [2] * 5), r2([2, 3], [3, 3, 1, 1, 1]), dict(transpose_a=True)),
    "r2_r1_tb": (r2([2, 3], [2] * 5), r1([4, 3], 2), dict(transpose_b=True)),
    "r1_r2": (r1([1, 2], 2), r2([2, 2], [3, 3, 1, 1]), {}),
    "2d_r_dense": (r1([2, 2, 2]), d(2, 3), {}),
    "2d_dense_r": (d(3, 3), r1([2, 2, 2]), {}),
    "2d_r_r_ta": (r1([2, 2, 2]), r1([3, 3, 3]), dict(transpose_a=True)),
    "2d_r_r_tb": (r1([2, 2, 2]), r1([2, 2]), dict(transpose_b=True)),
    "4d_r1_dense": (r1([3, 3], 2, 2), d(2, 3, 2, 3), {}),
    "4d_r1_r1": (r1([2, 3], 2, 2), r1([2, 3], 2, 4), {}),
    "4d_dense_r1": (d(2, 3, 1, 2), r1([3, 3], 2, 2), dict(transpose_b=True)),
}


def _operand(m, spec, feed):
    kind, vals = spec[0], spec[1]
    x = m.placeholder(m.float32, [None] + list(vals.shape[1:]))
    feed[x] = vals
    if kind == "dense":
        return x, x
    lens = []
    for ls in spec[2:4] if kind == "r2" else spec[2:3]:
        dt = m.int32 if kind == "r1" and spec[3] == "int32" else m.int64
        p = m.placeholder(dt, [None])
        feed[p] = np.array(ls, dt.as_numpy_dtype if m is v1 else dt.np)
        lens.append(p)
    rt = x
    for p in reversed(lens):
        rt = m.RaggedTensor.from_row_lengths(rt, p)
    return rt, x


def _structure(out):
    if hasattr(out, "row_splits"):
        return ("ragged", out.ragged_rank, [s.dtype.name for s in out.nested_row_splits],
                out.dtype.name)
    return ("dense", out.dtype.name)


def _run(m, name):
    a_spec, b_spec, kw = CASES[name]
    with m.Graph().as_default():
        feed = {}
        a, xa = _operand(m, a_spec, feed)
        b, xb = _operand(m, b_spec, feed)
        out = m.matmul(a, b, **kw)
        flat = out.flat_values if hasattr(out, "flat_values") else out
        grads = [m.convert_to_tensor(g) for g in
                 m.gradients(m.reduce_sum(flat * flat), [xa, xb])]
        shape = out.shape.as_list()
        with m.Session() as sess:
            got, ga, gb = sess.run([out, grads[0], grads[1]], feed)
    value = got.to_list() if hasattr(got, "to_list") else got.tolist()
    return _structure(out), shape, value, ga, gb


def _close(g, t):
    if isinstance(t, list):
        assert isinstance(g, list) and len(g) == len(t), (g, t)
        for x, y in zip(g, t):
            _close(x, y)
    else:
        np.testing.assert_allclose(g, t, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(CASES))
def test_ragged_matmul_matches_tf(name):
    want = _run(v1, name)
    got = _run(gc, name)
    assert got[0] == want[0]
    # static shapes: graphc may know a dim TF leaves unknown, never the reverse
    assert len(got[1]) == len(want[1]) and all(
        t is None or g == t for g, t in zip(got[1], want[1])), (got[1], want[1])
    _close(got[2], want[2])
    for g, t in zip(got[3:], want[3:]):
        np.testing.assert_allclose(g, t, rtol=1e-4, atol=1e-4)


def test_int_and_complex_values_match_tf():
    for dtype in ("int32", "complex128"):
        outs = []
        for m in (gc, v1):
            with m.Graph().as_default():
                dt = getattr(m, dtype)
                a = m.cast(m.RaggedTensor.from_row_lengths(
                    m.reshape(m.range(6.), [3, 2]), m.constant([2, 1], m.int64)), dt)
                b = m.cast(m.reshape(m.range(8.), [2, 2, 2]), dt)
                if dtype == "complex128":
                    b = b * m.constant(1 - 2j, dt)
                out = m.matmul(a, b, adjoint_b=True)
                with m.Session() as sess:
                    outs.append((out.dtype.name, sess.run(out).to_list()))
        assert outs[0] == outs[1]


def _raises(build, feed_fn=None):
    """The exception classes' names TF and graphc raise (building, or running)."""
    names = []
    for m in (gc, v1):
        with m.Graph().as_default():
            try:
                out, feed = build(m)
                with m.Session() as sess:
                    sess.run(out, feed)
                names.append(None)
            except Exception as e:      # noqa: BLE001 (the class is the point)
                names.append((type(e), str(e)))
    return names


def _fed(m, vals, *lengths):
    feed = {}
    x = m.placeholder(m.float32, [None] + list(np.shape(vals)[1:]))
    feed[x] = np.array(vals, np.float32)
    rt = x
    ps = []
    for ls in lengths:
        p = m.placeholder(m.int64, [None])
        feed[p] = np.array(ls, np.int64)
        ps.append(p)
    for p in reversed(ps):
        rt = m.RaggedTensor.from_row_lengths(rt, p)
    return rt, feed


@pytest.mark.parametrize("case", ["dtype", "rank", "transpose_adjoint_a",
                                  "transpose_adjoint_b"])
def test_build_errors_match_tf(case):
    def build(m):
        a = m.ragged.constant([[1., 2.], [3., 4.]])
        if case == "dtype":
            return m.matmul(a, m.ones([2, 2], m.float64)), {}
        if case == "rank":
            return m.matmul(a, m.ones([2, 2, 2])), {}
        if case == "transpose_adjoint_a":
            return m.matmul(a, m.ones([2, 2]), transpose_a=True, adjoint_a=True), {}
        return m.matmul(a, m.ones([2, 2]), transpose_b=True, adjoint_b=True), {}
    (g_cls, g_msg), (t_cls, t_msg) = _raises(build)
    assert issubclass(g_cls, ValueError) and issubclass(t_cls, ValueError)
    assert t_msg.rstrip(".") in g_msg


RUN_ERRORS = {
    "2d_not_uniform": lambda m: _fed(m, [1., 2., 3., 4., 5.], [2, 1, 2]),
    "3d_not_uniform": lambda m: _fed(m, [1., 2., 3., 4., 5., 6., 7., 8., 9.],
                                     [2, 3], [2, 2, 1, 2, 2]),
    "3d_inner_mismatch": lambda m: _fed(m, list(range(10)), [2, 3], [2] * 5),
    "4d_batch_mismatch": lambda m: _fed(m, np.ones([5, 2, 2]), [2, 3]),
}


@pytest.mark.parametrize("case", sorted(RUN_ERRORS))
def test_run_time_errors_match_tf(case):
    def build(m):
        a, feed = RUN_ERRORS[case](m)
        if case.startswith("2d"):
            return m.matmul(a, m.ones([2, 3])), feed
        if case == "3d_not_uniform":
            return m.matmul(a, m.ones([2, 2, 4])), feed
        if case == "3d_inner_mismatch":
            return m.matmul(a, m.ones([2, 3, 4])), feed
        d = m.placeholder(m.float32, [None, None, 2, 2])
        feed[d] = np.ones([2, 3, 2, 2], np.float32)
        return m.matmul(a, d), feed
    (g_cls, g_msg), (t_cls, t_msg) = _raises(build)
    assert issubclass(g_cls, gc.errors.InvalidArgumentError), g_msg
    assert issubclass(t_cls, tf.errors.InvalidArgumentError), t_msg
    for text in ("may not be ragged", "Batch dimensions", "Matrix size-incompatible"):
        if text in t_msg:
            assert text in g_msg
