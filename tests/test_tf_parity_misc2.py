"""TF parity: nn.raw_rnn, LinearOperator broadcasting and complex adjoints, candidate
sampler range checks and compute_accidental_hits."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc
from graphc.ops.raw_rnn import raw_rnn as gc_raw_rnn


def _raw_rnn(m):
    return gc_raw_rnn if m is gc else v1.nn.raw_rnn


class Cell:
    """A tanh RNN cell on module m, its weights a tensor (no variables): output h, state
    (h, step count) when counting, else h."""

    def __init__(self, m, w, units, counting=False):
        self.m, self.w, self.units, self.counting = m, w, units, counting

    @property
    def output_size(self):
        return self.units

    @property
    def state_size(self):
        return (self.units, 1) if self.counting else self.units

    def zero_state(self, batch, dtype):
        h = self.m.zeros((batch, self.units), dtype)
        return (h, self.m.zeros((batch, 1), dtype)) if self.counting else h

    def __call__(self, x, state):
        h = state[0] if self.counting else state
        h = self.m.tanh(self.m.matmul(self.m.concat([x, h], 1), self.w))
        return h, ((h, state[1] + 1.0) if self.counting else h)


def _rnn_case(m, x, w, seq, counting=False, emit_structure=False, loop_state=False):
    steps, batch, depth = (int(d) for d in x.shape)
    units = int(w.shape[1])
    cell = Cell(m, w, units, counting)
    inputs = m.TensorArray(x.dtype, size=steps).unstack(x)

    def loop_fn(time, cell_output, cell_state, ls):
        if cell_output is None:
            state = cell.zero_state(batch, x.dtype)
            emit = ((m.zeros([2], x.dtype), m.zeros([units], x.dtype)) if emit_structure
                    else None)
            ls = m.zeros([], x.dtype) if loop_state else None
        else:
            state = cell_state
            emit = ((2.0 * cell_output[:, :2], cell_output) if emit_structure
                    else cell_output)
            if loop_state:
                ls = ls + m.reduce_sum(cell_output)
        finished = time >= seq
        nxt = m.cond(m.reduce_all(finished), lambda: m.zeros((batch, depth), x.dtype),
                     lambda: inputs.read(time))
        return finished, nxt, state, emit, ls

    emit_ta, final_state, final_ls = _raw_rnn(m)(cell, loop_fn)
    out = [t.stack() for t in emit_ta] if emit_structure else emit_ta.stack()
    return out, final_state, final_ls


@pytest.mark.parametrize("seq", [[4, 2, 0], [1, 1, 1], [3, 4, 2]])
def test_raw_rnn_values_and_gradients(seq):
    x, w = rand(4, 3, 2, seed=1), rand(7, 5, seed=2, low=-0.7, high=0.7)
    check(lambda m, x, w: _rnn_case(m, x, w, seq)[:2], x, w, rtol=1e-9, atol=1e-10)


def test_raw_rnn_nested_state_emit_structure_and_loop_state():
    x, w = rand(3, 2, 2, seed=3), rand(6, 4, seed=4, low=-0.7, high=0.7)
    seq = np.array([3, 1], np.int32)
    check(lambda m, x, w, s: _rnn_case(m, x, w, s, counting=True, emit_structure=True,
                                       loop_state=True), x, w, seq, rtol=1e-9, atol=1e-10)


def test_raw_rnn_float32_unknown_batch():
    x, w = rand(3, 2, 2, seed=5, dtype=np.float32), rand(5, 3, seed=6, dtype=np.float32)

    def fn(m, x, w):
        xs = m.placeholder_with_default(x, (3, None, 2))
        batch = m.shape(xs)[1]
        cell = Cell(m, w, 3)
        inputs = m.TensorArray(m.float32, size=3).unstack(xs)

        def loop_fn(time, out, state, ls):
            state = cell.zero_state(batch, m.float32) if out is None else state
            return (m.fill([batch], time >= 2), inputs.read(m.minimum(time, 2)), state,
                    out, ls)
        ta, fs, ls = _raw_rnn(m)(cell, loop_fn)
        assert ls is None
        return ta.stack(), fs
    check(fn, x, w, rtol=1e-5, atol=1e-6)


def test_raw_rnn_loop_state_none_is_an_int32_zero_and_structure():
    for m in (gc, v1):
        seen = []
        g = m.Graph()
        with g.as_default():
            cell = Cell(m, m.ones((3, 1)), 1)

            def loop_fn(time, out, state, ls):
                seen.append(ls)
                st = cell.zero_state(2, m.float32) if out is None else state
                return time >= 2, m.ones((2, 2)), st, None if out is None else out, ls
            ta, fs, ls = _raw_rnn(m)(cell, loop_fn)
            with m.Session() as s:
                got = s.run(ta.stack())
        assert seen[0] is None and seen[1].dtype.name == "int32" and ls is None
        assert got.shape == (2, 2, 1)
        assert tuple(ta.element_shape.as_list()) == (2, 1)


# ---- LinearOperator ------------------------------------------------------------------------
def _lin(m):
    return m.linalg


@pytest.mark.parametrize("case", [
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).solve(b),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).solve(b, adjoint=True),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).matmul(b),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).solvevec(b[..., 0]),
    lambda m, a, b: _lin(m).LinearOperatorLowerTriangular(a).solve(b, adjoint=True),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).inverse().matmul(b),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).adjoint().solve(b),
    lambda m, a, b: _lin(m).LinearOperatorComposition(
        [_lin(m).LinearOperatorFullMatrix(a), _lin(m).LinearOperatorFullMatrix(a)]).solve(b),
])
def test_linear_operator_broadcasts_batch_dims(case):
    a = rand(2, 2, seed=7) + 3 * np.eye(2)
    check(case, a, rand(3, 2, 4, seed=8), rtol=1e-9, atol=1e-10)
    check(case, rand(3, 1, 2, 2, seed=9) + 3 * np.eye(2), rand(5, 2, 4, seed=10),
          rtol=1e-9, atol=1e-10)


def _cplx(*shape, seed):
    return rand(*shape, seed=seed) + 1j * rand(*shape, seed=seed + 100)


@pytest.mark.parametrize("case", [
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).matmul(b, adjoint_arg=True),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).matmul(b, adjoint=True),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).adjoint().to_dense(),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).solve(b),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).solve(b, adjoint=True,
                                                               adjoint_arg=True),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).log_abs_determinant(),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).inverse().to_dense(),
    lambda m, a, b: _lin(m).LinearOperatorFullMatrix(a).adjoint().diag_part(),
    lambda m, a, b: _lin(m).LinearOperatorLowerTriangular(a).solve(b, adjoint=True),
    lambda m, a, b: _lin(m).LinearOperatorLowerTriangular(a).matmul(b, adjoint=True,
                                                                    adjoint_arg=True),
    lambda m, a, b: _lin(m).LinearOperatorLowerTriangular(a).log_abs_determinant(),
    lambda m, a, b: _lin(m).LinearOperatorLowerTriangular(a).adjoint().determinant(),
    lambda m, a, b: _lin(m).LinearOperatorDiag(a[0]).matmul(b, adjoint=True,
                                                            adjoint_arg=True),
    lambda m, a, b: _lin(m).LinearOperatorDiag(a[0]).solve(b, adjoint=True),
    lambda m, a, b: _lin(m).LinearOperatorDiag(a[0]).adjoint().to_dense(),
    lambda m, a, b: _lin(m).LinearOperatorDiag(a[0]).log_abs_determinant(),
    lambda m, a, b: _lin(m).LinearOperatorScaledIdentity(2, a[0, 0]).matmul(
        b, adjoint=True, adjoint_arg=True),
    lambda m, a, b: _lin(m).LinearOperatorScaledIdentity(2, a[0, 0]).solve(b, adjoint=True),
    lambda m, a, b: _lin(m).LinearOperatorScaledIdentity(2, a[0, 0]).adjoint().to_dense(),
    lambda m, a, b: _lin(m).LinearOperatorIdentity(2, dtype=a.dtype).matmul(
        b, adjoint_arg=True),
    lambda m, a, b: _lin(m).LinearOperatorComposition(
        [_lin(m).LinearOperatorFullMatrix(a), _lin(m).LinearOperatorDiag(a[1])]
    ).adjoint().to_dense(),
])
def test_linear_operator_complex_adjoints(case):
    check(case, _cplx(2, 2, seed=11) + 2 * np.eye(2), _cplx(2, 2, seed=12), grad=False,
          rtol=1e-9, atol=1e-10)


def test_linear_operator_complex_self_adjoint_flags():
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            d = _lin(m).LinearOperatorDiag(np.array([1j, 2.0]))
            s = _lin(m).LinearOperatorScaledIdentity(2, np.complex128(1j))
            r = _lin(m).LinearOperatorDiag(np.array([1.0, 2.0]))
            assert d.is_self_adjoint is None and s.is_self_adjoint is None
            assert r.is_self_adjoint is True
            with pytest.raises(ValueError, match="always self adjoint"):
                _lin(m).LinearOperatorDiag(np.array([1.0, 2.0]), is_self_adjoint=False)


def test_linear_operator_dimension_check():
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            op = _lin(m).LinearOperatorFullMatrix(np.eye(2))
            for call in (lambda: op.solve(np.ones((3, 2, 4)), adjoint_arg=True),
                         lambda: op.matmul(np.ones((3, 2))),
                         lambda: op.matvec(np.ones(3)),
                         lambda: _lin(m).LinearOperatorIdentity(2).solvevec(np.ones(3,
                                                                              np.float32))):
                with pytest.raises(ValueError, match="Dimensions 2 and . are not compatible"):
                    call()


# ---- candidate samplers and accidental hits ---------------------------------------------
def _sampler(m, name, t):
    kw = {"unigrams": [1.0, 2.0, 3.0, 4.0, 5.0]} if name == "fixed_unigram" else {}
    return getattr(m.nn, name + "_candidate_sampler")(t, 1, 3, True, 5, seed=1, **kw)


def _run_or_error(m, build, feed):
    g = m.Graph()
    with g.as_default():
        t = m.placeholder(m.int64, None)
        r = build(m, t)
        with m.Session() as s:
            try:
                return s.run(r, {t: np.array(feed, np.int64)})
            except Exception as e:      # noqa: BLE001 (both libraries' errors compared)
                if m is gc:
                    return type(e).__name__, str(e).splitlines()[0]
                # TF's message: "Graph execution error:", a traceback, then the op's text
                lines = [ln for ln in e.message.splitlines()
                         if ln.strip() and not ln.strip().startswith("[[")]
                return type(e).__name__, lines[-1]


@pytest.mark.parametrize("name", ["uniform", "log_uniform", "fixed_unigram"])
@pytest.mark.parametrize("feed", [[[5]], [[-1]], [[7], [2]], [[1, 2]], [1]])
def test_sampler_true_class_checks(name, feed):
    got = _run_or_error(gc, lambda m, t: _sampler(m, name, t), feed)
    want = _run_or_error(v1, lambda m, t: _sampler(m, name, t), feed)
    assert got[0] in ("ExecutionError", "InvalidArgumentError")
    assert want[0] == "InvalidArgumentError"
    assert got[1] == want[1]


@pytest.mark.parametrize("name", ["uniform", "log_uniform", "fixed_unigram"])
def test_sampler_in_range_runs(name):
    got = _run_or_error(gc, lambda m, t: _sampler(m, name, t), [[0], [4]])
    assert got[0].shape == (3,) and got[1].shape == (2, 1)


@pytest.mark.parametrize("true, sampled, num_true", [
    ([[1, 2], [3, 1]], [1, 5, 3, 1], 2), ([[0], [2]], [2, 2, 0], 1),
    ([[4, 4]], [4, 0, 4], 2), ([[7]], [1, 2], 1), ([[1, 2]], [], 2),
    (np.zeros((0, 2)), [1], 2), ([[-1, 3]], [-1, 3], 2),
])
def test_compute_accidental_hits(true, sampled, num_true):
    def fn(m, t, s):
        return m.nn.compute_accidental_hits(t, s, num_true=num_true)
    check(fn, np.array(true, np.int64).reshape(np.shape(true)), np.array(sampled, np.int64),
          grad=False, rtol=0, atol=0)


@pytest.mark.parametrize("true, sampled", [([[1, 2, 3]], [1, 2]), ([[1], [2]], [[1]]),
                                           ([1, 2], [1])])
def test_compute_accidental_hits_errors(true, sampled):
    def build(m, t):
        s = m.placeholder_with_default(np.array(sampled, np.int64), None)
        return m.nn.compute_accidental_hits(t, s, num_true=2 if len(np.shape(true)) == 2
                                            and np.shape(true)[1] == 3 else 1)
    got, want = _run_or_error(gc, build, true), _run_or_error(v1, build, true)
    assert want[0] == "InvalidArgumentError" and got[1] == want[1]
