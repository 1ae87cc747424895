"""gc.matmul / gc.linalg.matmul on RaggedTensors (graphc/ragged_matmul.py): each batch's
product against numpy, the result's ragged structure, TF's errors, and gradients
against finite differences."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp

RNG = np.random.default_rng(7)


def _run(x, feed=None):
    with gc.Session() as sess:
        return sess.run(x, feed)


def _mats(*shapes):
    return [RNG.standard_normal(s).round(2) for s in shapes]


def _ragged(mats, ragged_rank):
    return gc.ragged.constant([m.tolist() for m in mats], ragged_rank=ragged_rank,
                              dtype=gc.float64)


def _op(m, transpose):
    return m.T if transpose else m


CASES = [   # (a's matrices, its ragged_rank or None if dense, b's, its, flags, out rr)
    (((2, 3), (1, 3)), 1, ((3, 4), (3, 4)), None, {}, 1),
    (((2, 3), (0, 3), (1, 3)), 1, ((4, 3),) * 3, None, dict(transpose_b=True), 1),
    (((2, 3), (2, 3)), 1, ((2, 4), (2, 4)), None, dict(transpose_a=True), 1),
    (((3, 2), (3, 2)), None, ((2, 4), (2, 4)), 1, {}, None),
    (((3, 2), (3, 2)), None, ((4, 2), (1, 2)), 1, dict(transpose_b=True), 2),
    (((2, 2), (3, 2)), 2, ((2, 3), (2, 1)), 2, {}, 2),
    (((2, 3), (1, 2)), 2, ((2, 4), (1, 4)), 1, dict(adjoint_a=True), 1),
    (((2, 2), (3, 2)), 2, ((4, 2), (3, 2)), 1, dict(transpose_b=True), 2),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_batch_of_matrices_matches_numpy(case):
    sa, ra, sb, rb, kw, out_rr = CASES[case]
    ma, mb = _mats(*sa), _mats(*sb)
    with gc.Graph().as_default():
        a = _ragged(ma, ra) if ra else gc.constant(np.stack(ma))
        b = _ragged(mb, rb) if rb else gc.constant(np.stack(mb))
        out = gc.matmul(a, b, **kw)
        got = _run(out).to_list()
    assert out.ragged_rank == (out_rr or 1) and out.dtype is gc.float64
    ta = kw.get("transpose_a") or kw.get("adjoint_a")
    tb = kw.get("transpose_b") or kw.get("adjoint_b")
    want = [_op(x, ta) @ _op(y, tb) for x, y in zip(ma, mb)]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.reshape(g, w.shape), w, atol=1e-12)


def test_brief_example_and_linalg_name():
    with gc.Graph().as_default():
        a = gc.ragged.constant([[[1., 2.], [3., 4.]], [[5., 6.]]], ragged_rank=1)
        outs = [gc.matmul(a, gc.ones([2, 2, 3])), gc.linalg.matmul(a, gc.ones([2, 2, 3]))]
        for out in outs:
            assert isinstance(out, gc.RaggedTensor) and out.shape.as_list() == [2, None, 3]
            assert _run(out).to_list() == [[[3.] * 3, [7.] * 3], [[11.] * 3]]


def test_row_splits_dtype_and_int_values():
    with gc.Graph().as_default():
        a = gc.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1,
                               row_splits_dtype=gc.int32)
        out = gc.matmul(gc.ones([2, 3, 2], gc.int32), a, transpose_b=True)
        assert out.row_splits.dtype is gc.int32 and out.dtype is gc.int32
        assert out.ragged_rank == 2 and out.shape.as_list() == [2, 3, None]
        assert _run(out).to_list() == [[[3, 7]] * 3, [[11]] * 3]


def test_complex_adjoint_conjugates():
    a = np.array([[1 + 1j, 2], [3, 4j], [5, 6 - 1j]])
    b = np.array([[[1, 2j], [1j, 1]], [[2, 1], [0, 1 - 1j]]])
    with gc.Graph().as_default():
        rt = gc.RaggedTensor.from_row_lengths(gc.constant(a), [2, 1])
        got = _run(gc.matmul(rt, gc.constant(b), adjoint_b=True)).to_list()
    want = [a[:2] @ b[0].conj().T, a[2:] @ b[1].conj().T]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w)


def test_rank2_gives_a_dense_tensor():
    a = RNG.standard_normal((3, 2))
    with gc.Graph().as_default():
        rt = gc.ragged.constant(a.tolist(), dtype=gc.float64)
        out = gc.matmul(rt, rt, transpose_a=True)
        assert isinstance(out, gc.Tensor) and out.shape.as_list() == [2, 2]
        np.testing.assert_allclose(_run(out), a.T @ a)


def test_rank4_multiplies_the_values_under_the_outer_splits():
    x = RNG.standard_normal((5, 2, 3))
    y = RNG.standard_normal((5, 3, 2))
    with gc.Graph().as_default():
        a = gc.RaggedTensor.from_row_lengths(gc.constant(x), [2, 3])
        b = gc.RaggedTensor.from_row_lengths(gc.constant(y), [2, 3])
        out = gc.matmul(a, b)
        got = _run(out)
    assert out.shape.as_list() == [2, None, 2, 2]
    np.testing.assert_allclose(got.flat_values, x @ y)
    assert got.row_splits.tolist() == [0, 2, 5]


def test_build_errors_are_tfs():
    with gc.Graph().as_default():
        a = gc.ragged.constant([[1., 2.], [3., 4.]])
        with pytest.raises(ValueError, match="must have the same dtype"):
            gc.matmul(a, gc.ones([2, 2], gc.float64))
        with pytest.raises(ValueError, match="must have the same rank"):
            gc.matmul(a, gc.ones([2, 2, 2]))
        with pytest.raises(ValueError, match="Only one of transpose_a and adjoint_a"):
            gc.matmul(a, a, transpose_a=True, adjoint_a=True)
        r3 = gc.ragged.constant([[[1., 2.]], [[3., 4.]]], ragged_rank=1)
        with pytest.raises(ValueError, match="Batch dimensions"):
            gc.matmul(r3, gc.ones([3, 2, 2]))
        with pytest.raises(ValueError, match="Matrix size-incompatible"):
            gc.matmul(r3, gc.ones([2, 3, 2]))


@pytest.mark.parametrize("lengths, inner, text", [
    ([2, 1, 2], None, "may not be ragged"),              # rank 2, rows of 2, 1 and 2
    ([2, 2], [2, 1, 2, 2], "may not be ragged"),         # rank 3, batch 0 is ragged
    ([1, 2], [2, 3, 3], "Matrix size-incompatible"),     # batch 1 has 3 columns
])
def test_run_time_errors(lengths, inner, text):
    with gc.Graph().as_default():
        n = sum(inner) if inner else sum(lengths)
        x = gc.placeholder(gc.float32, [None])
        rt = x
        for ls in ([inner] if inner else []) + [lengths]:
            rt = gc.RaggedTensor.from_row_lengths(rt, gc.placeholder_with_default(
                np.array(ls, np.int64), [None]))
        out = gc.matmul(rt, gc.ones([2, 4]) if inner is None else gc.ones([2, 2, 4]))
        with pytest.raises(gc.errors.InvalidArgumentError, match=text):
            _run(out, {x: np.ones(n, np.float32)})


def test_gradients_ragged_times_dense():
    """The folded path (rows of a times their batch's b), both operands' values."""
    def fn(values, b):
        rt = gc.RaggedTensor.from_row_lengths(values, [2, 0, 3])
        return gc.matmul(rt, b, transpose_b=True).flat_values
    check_vjp(fn, [RNG.standard_normal((5, 3)), RNG.standard_normal((3, 4, 3))])


def test_gradients_padded_paths():
    """The padded path: a ragged in rows and columns, b ragged in rows (transposed)."""
    def fn(av, bv):
        a = gc.RaggedTensor.from_nested_row_lengths(av, [[2, 1], [3, 3, 3]])
        b = gc.RaggedTensor.from_row_lengths(bv, [4, 1])
        return gc.matmul(a, b, transpose_b=True).flat_values
    check_vjp(fn, [RNG.standard_normal(9), RNG.standard_normal((5, 3))])
