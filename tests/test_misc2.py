"""nn.raw_rnn, LinearOperator batch broadcasting and complex adjoints, candidate sampler
range checks (no TensorFlow needed)."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.ops.raw_rnn import raw_rnn

L = gc.linalg
R = np.random.default_rng(0)


def run(*ts, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        out = s.run(list(ts), feed)
    return out if len(out) > 1 else out[0]


class Cell:
    """h' = tanh([x, h] @ w), output h'."""

    def __init__(self, w, units):
        self.w, self.units = w, units
        self.output_size = self.state_size = units

    def zero_state(self, batch, dtype):
        return gc.zeros((batch, self.units), dtype)

    def __call__(self, x, h):
        h = gc.tanh(gc.matmul(gc.concat([x, h], 1), self.w))
        return h, h


def _reference(x, w, seq):
    """numpy: per row, steps t < seq run the cell; later steps emit zeros."""
    steps, batch, _ = x.shape
    h = np.zeros((batch, w.shape[1]))
    outs = []
    n = max(max(seq), 0)
    for t in range(n):
        new = np.tanh(np.concatenate([x[min(t, steps - 1)], h], 1) @ w)
        live = (t < np.asarray(seq))[:, None]
        outs.append(np.where(live, new, 0.0))
        h = np.where(live, new, h)
    return np.array(outs), h


def _build(x, w, seq, units=3):
    steps, batch, depth = x.shape
    xt, wt = gc.constant(x), gc.constant(w)
    cell = Cell(wt, units)
    inputs = gc.TensorArray(gc.float64, size=steps).unstack(xt)

    def loop_fn(time, out, state, ls):
        state = cell.zero_state(batch, gc.float64) if out is None else state
        return (time >= seq, inputs.read(gc.minimum(time, steps - 1)), state, out, ls)
    ta, fs, ls = raw_rnn(cell, loop_fn)
    return ta, fs, ls, xt, wt


@pytest.mark.parametrize("seq", [[3, 1], [2, 2], [0, 3]])
def test_raw_rnn_matches_a_numpy_loop(seq):
    x, w = R.standard_normal((3, 2, 2)), R.standard_normal((5, 3)) * 0.5
    ta, fs, ls, _, _ = _build(x, w, np.array(seq, np.int32))
    assert ls is None and isinstance(ta, gc.TensorArray) and ta.dynamic_size
    assert ta.element_shape.as_list() == [2, 3]
    out, state = run(ta.stack(), fs)
    want_out, want_state = _reference(x, w, seq)
    np.testing.assert_allclose(out, want_out, atol=1e-12)
    np.testing.assert_allclose(state, want_state, atol=1e-12)


def test_raw_rnn_gradient_matches_finite_differences():
    x, w = R.standard_normal((3, 2, 2)), R.standard_normal((5, 3)) * 0.5
    seq = np.array([3, 2], np.int32)
    ta, fs, _, xt, wt = _build(x, w, seq)
    loss = gc.reduce_sum(gc.sin(ta.stack())) + gc.reduce_sum(fs * fs)
    gx, gw = run(*gc.gradients(loss, [xt, wt]))

    def f(x, w):
        o, h = _reference(x, w, seq)
        return np.sin(o).sum() + (h * h).sum()
    eps = 1e-6
    for arr, g, which in ((x, gx, 0), (w, gw, 1)):
        num = np.zeros_like(arr)
        for i in np.ndindex(arr.shape):
            d = np.zeros_like(arr)
            d[i] = eps
            args_p = (x + d, w) if which == 0 else (x, w + d)
            args_m = (x - d, w) if which == 0 else (x, w - d)
            num[i] = (f(*args_p) - f(*args_m)) / (2 * eps)
        np.testing.assert_allclose(g, num, atol=1e-6)


def test_raw_rnn_emit_structure_loop_state_and_graphc_cell():
    cell = gc.nn.rnn_cell.GRUCell(4)
    x = gc.constant(R.standard_normal((2, 3)).astype(np.float32))

    def loop_fn(time, out, state, ls):
        if out is None:
            return (gc.constant([False, False]), x, cell.zero_state(2, gc.float32),
                    {"h": gc.zeros([4]), "n": gc.zeros([], gc.int32)},
                    (gc.constant(0.0), gc.TensorArray(gc.float32, size=0, dynamic_size=True)))
        emit = {"h": out, "n": gc.fill([2], time)}
        return (gc.fill([2], time >= 3), x, state, emit,
                (ls[0] + 1.0, ls[1].write(time - 1, out[0, 0])))
    ta, fs, (count, extra) = raw_rnn(cell, loop_fn, scope="my_rnn")
    assert set(ta) == {"h", "n"} and ta["n"].dtype == gc.int32
    h, n, c, e, s = run(ta["h"].stack(), ta["n"].stack(), count, extra.stack(), fs)
    assert h.shape == (3, 2, 4) and n.tolist() == [[1, 1], [2, 2], [3, 3]]
    assert c == 3.0 and np.allclose(e, h[:, 0, 0]) and np.allclose(s, h[-1])
    assert any(v.name.startswith("my_rnn/gru_cell/") for v in gc.global_variables())


def test_raw_rnn_finished_from_the_start_runs_no_step():
    cell = Cell(gc.ones((3, 1), gc.float64), 1)

    def loop_fn(time, out, state, ls):
        st = cell.zero_state(2, gc.float64) if out is None else state
        return gc.constant([True, True]), gc.ones((2, 2), gc.float64), st, out, ls
    ta, fs, _ = raw_rnn(cell, loop_fn)
    out, state = run(ta.stack(), fs)
    assert out.shape == (0, 2, 1) and state.tolist() == [[0.0], [0.0]]


def _loop(first_state=True, later=None):
    def loop_fn(time, out, state, ls):
        if out is None:
            st = gc.zeros((2, 1)) if first_state else None
            return time >= 1, gc.ones((2, 2)), st, None, None
        return later(time, out, state)
    return loop_fn


def test_raw_rnn_errors():
    cell = Cell(gc.ones((3, 1)), 1)
    with pytest.raises(TypeError, match="loop_fn must be a callable"):
        raw_rnn(cell, 3)
    with pytest.raises(TypeError, match="is not an RNNCell"):
        raw_rnn(object(), _loop())
    with pytest.raises(ValueError, match="initial cell state"):
        raw_rnn(cell, _loop(first_state=False))
    with pytest.raises(ValueError, match="must return a tuple"):
        raw_rnn(cell, lambda *a: (1, 2))
    with pytest.raises(ValueError, match="next_cell_state must have the structure"):
        raw_rnn(cell, _loop(later=lambda t, o, s: (t >= 1, gc.ones((2, 2)), (s, s), o,
                                                   None)))
    with pytest.raises(errors.ShapeError, match="next_input of shape"):
        raw_rnn(cell, _loop(later=lambda t, o, s: (t >= 1, gc.ones((2, 3)), s, o, None)))
    with pytest.raises(errors.DTypeError, match="emit_output is float64"):
        raw_rnn(cell, _loop(later=lambda t, o, s: (t >= 1, gc.ones((2, 2)), s,
                                                   gc.cast(o, gc.float64), None)))

    def bad_batch(time, out, state, ls):
        return time >= 1, (gc.ones((2, 2)), gc.ones((3, 2))), gc.zeros((2, 1)), None, None
    with pytest.raises(errors.ShapeError, match="Dimensions 2 and 3 are not compatible"):
        raw_rnn(cell, bad_batch)


# ---- LinearOperator --------------------------------------------------------------------
def test_solve_broadcasts_batch_dims():
    a = R.standard_normal((2, 2)) + 3 * np.eye(2)
    b = R.standard_normal((3, 2, 4))
    for op, dense in ((L.LinearOperatorFullMatrix(a), a),
                      (L.LinearOperatorLowerTriangular(a), np.tril(a))):
        x, xa, v = run(op.solve(b), op.solve(b, adjoint=True), op.solvevec(b[..., 0]))
        np.testing.assert_allclose(x, np.linalg.solve(dense, b))
        np.testing.assert_allclose(xa, np.linalg.solve(dense.T, b))
        np.testing.assert_allclose(v, np.linalg.solve(dense, b[..., 0:1])[..., 0])
    batched = R.standard_normal((3, 1, 2, 2)) + 3 * np.eye(2)
    rhs = R.standard_normal((5, 2, 4))
    got = run(L.LinearOperatorFullMatrix(batched).solve(rhs))
    assert got.shape == (3, 5, 2, 4)
    np.testing.assert_allclose(got, np.linalg.solve(batched, rhs))
    inv = run(L.LinearOperatorFullMatrix(a).inverse().matmul(b))
    np.testing.assert_allclose(inv, np.linalg.solve(a, b))


def test_solve_broadcasts_unknown_batch_dims():
    a = gc.placeholder(gc.float64, (None, 2, 2))
    b = gc.placeholder(gc.float64, (2, 3))
    av, bv = R.standard_normal((4, 2, 2)) + 3 * np.eye(2), R.standard_normal((2, 3))
    got = run(L.LinearOperatorFullMatrix(a).solve(b), feed={a: av, b: bv})
    np.testing.assert_allclose(got, np.linalg.solve(av, bv))


def _c(*shape):
    return R.standard_normal(shape) + 1j * R.standard_normal(shape)


def test_complex_adjoint_is_the_conjugate_transpose():
    a, b = _c(2, 2) + 2 * np.eye(2), _c(2, 2)
    op = L.LinearOperatorFullMatrix(a)
    got = run(op.matmul(b, adjoint_arg=True), op.matmul(b, adjoint=True),
              op.adjoint().to_dense(), op.solve(b, adjoint=True, adjoint_arg=True),
              op.solve(b), op.adjoint().diag_part(), op.log_abs_determinant())
    ah, bh = a.conj().T, b.conj().T
    for g, w in zip(got, (a @ bh, ah @ b, ah, np.linalg.solve(ah, bh), np.linalg.solve(a, b),
                          np.diag(ah), np.log(abs(np.linalg.det(a))))):
        np.testing.assert_allclose(g, w, atol=1e-12)
    tri = L.LinearOperatorLowerTriangular(a)
    np.testing.assert_allclose(run(tri.solve(b, adjoint=True)),
                               np.linalg.solve(np.tril(a).conj().T, b), atol=1e-12)
    d = L.LinearOperatorDiag(a[0])
    assert d.is_self_adjoint is None
    np.testing.assert_allclose(run(d.adjoint().to_dense()), np.diag(a[0].conj()))
    np.testing.assert_allclose(run(d.solve(b, adjoint=True)), b / a[0].conj()[:, None])
    s = L.LinearOperatorScaledIdentity(2, a[0, 0])
    np.testing.assert_allclose(run(s.matmul(b, adjoint=True)), a[0, 0].conj() * b)
    np.testing.assert_allclose(run(L.LinearOperatorIdentity(2, dtype=gc.complex128)
                                   .matmul(b, adjoint_arg=True)), bh)


def test_complex_gradient_through_solve():
    a = gc.constant(_c(2, 2) + 2 * np.eye(2))
    b = gc.constant(_c(2, 1))
    x = L.LinearOperatorFullMatrix(a).solve(b)
    loss = gc.reduce_sum(gc.real(x * gc.conj(x)))
    g = run(gc.gradients(loss, [b])[0])
    assert g.shape == (2, 1) and np.iscomplexobj(g)


def test_operator_errors():
    with pytest.raises(TypeError, match="float or complex"):
        L.LinearOperatorFullMatrix(np.eye(2, dtype=np.int32))
    with pytest.raises(ValueError, match="always self adjoint"):
        L.LinearOperatorScaledIdentity(2, 1.0, is_self_adjoint=False)
    with pytest.raises(errors.ShapeError, match="Dimensions 2 and 4 are not compatible"):
        L.LinearOperatorFullMatrix(np.eye(2)).solve(np.ones((2, 4)), adjoint_arg=True)
    with pytest.raises(NotImplementedError, match="determinant"):
        L.LinearOperatorFullMatrix(_c(2, 2)).determinant()


# ---- candidate samplers ----------------------------------------------------------------
@pytest.mark.parametrize("sampler", [
    lambda t: gc.nn.uniform_candidate_sampler(t, 1, 2, False, 5),
    lambda t: gc.nn.log_uniform_candidate_sampler(t, 1, 2, True, 5),
    lambda t: gc.nn.fixed_unigram_candidate_sampler(t, 1, 2, True, 5, unigrams=[1] * 5),
])
def test_samplers_check_true_classes(sampler):
    t = gc.placeholder(gc.int64, None)
    out = sampler(t)
    assert run(out[0], feed={t: [[0], [4]]}).shape == (2,)
    for feed, msg in (([[5]], r"`true_candidate` out of range \[0, 5\), received 5"),
                      ([[2], [-3]], "received -3"), ([1, 2], "true_classes must be a matrix"),
                      ([[1, 2]], "num_true columns, expected: 2 was: 1")):
        with pytest.raises(errors.InvalidArgumentError, match=msg):
            run(out[0], feed={t: feed})


def test_accidental_hits_run_time_checks():
    t, s = gc.placeholder(gc.int64, None), gc.placeholder(gc.int64, None)
    hits = gc.nn.compute_accidental_hits(t, s, num_true=1)
    idx, ids, w = run(*hits, feed={t: [[1], [2]], s: [2, 1, 1]})
    assert idx.tolist() == [0, 1] and ids.tolist() == [2, 0] and (w < -1e38).all()
    with pytest.raises(errors.InvalidArgumentError, match="batch_size \\* num_true matrix"):
        run(hits[0], feed={t: [[1, 2]], s: [1]})
    with pytest.raises(errors.InvalidArgumentError, match="sampled_candidates must be a vector"):
        run(hits[0], feed={t: [[1]], s: [[1]]})
