"""Second derivatives through map_fn over RaggedTensor rows (ops/map_fn_composite.py):
the rows are cut apart before the Loop (MapFnCut), so the gradient of flat_values is a
dense Tensor (TF 2.21's, which cannot differentiate it again: RaggedTensorToVariantGradient
has no gradient), and differentiating it again checks against finite differences."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.map_fn_composite import map_cut
from graphc.testing import check_infer, check_vjp

V = np.array([1., 2., 3., .5, -1., 2.])


def _grad(loss_of, v):
    """d loss / d v, a Tensor (the first derivative, differentiated again by check_vjp)."""
    g = gc.gradients(loss_of(v), v)[0]
    assert isinstance(g, gc.Tensor)         # TF's: a Tensor, not IndexedSlices
    return g


def _ragged_rows(v):                        # rows of lengths 2, 0, 4
    rt = gc.RaggedTensor.from_row_splits(v, gc.constant([0, 2, 2, 6], gc.int64))
    r = gc.map_fn(lambda row: row * row + 1.0, rt,
                  fn_output_signature=gc.RaggedTensorSpec([None], v.dtype))
    return gc.reduce_sum(r.flat_values ** 3)


def _ragged_rank_2(v):                      # rows [[v0], [v1, v2]], [], [[v3, v4, v5]]
    rt = gc.RaggedTensor.from_nested_row_lengths(
        v, [gc.constant([2, 0, 1], gc.int64), gc.constant([1, 2, 3], gc.int64)])
    r = gc.map_fn(lambda row: row * row, rt, fn_output_signature=gc.RaggedTensorSpec(
        [None, None], v.dtype, ragged_rank=1))
    return gc.reduce_sum(r.flat_values ** 3)


def _dense_results(v):
    rt = gc.RaggedTensor.from_row_lengths(v, gc.constant([2, 0, 4], gc.int64))
    d = gc.map_fn(lambda row: gc.reduce_sum(row ** 3), rt, fn_output_signature=v.dtype)
    return gc.reduce_sum(d * d)


def test_first_derivative_is_tfs_dense_tensor():
    v = gc.placeholder(gc.float64, [None])
    with gc.Session() as s:
        got = s.run([_grad(f, v) for f in (_ragged_rows, _ragged_rank_2, _dense_results)],
                    {v: V})
    np.testing.assert_allclose(got[0], [24, 300, 1800, 4.6875, -24, 300])      # TF 2.21's
    np.testing.assert_allclose(got[1], [6, 192, 1458, .1875, -6, 192])
    np.testing.assert_allclose(got[2], [54, 216, 1842.75, 51.1875, 204.75, 819])


@pytest.mark.parametrize("loss", [_ragged_rows, _ragged_rank_2, _dense_results])
def test_second_derivative_matches_finite_differences(loss):
    check_vjp(lambda v: _grad(loss, v), [V])


def test_second_derivative_of_rows_of_one_length_and_of_none():
    """Rows of one length: the Loop stacks them dense; no rows: no call at all."""
    v = gc.placeholder(gc.float64, [None])
    lengths = gc.placeholder(gc.int64, [None])
    rt = gc.RaggedTensor.from_row_lengths(v, lengths)
    r = gc.map_fn(lambda row: row * row, rt,
                  fn_output_signature=gc.RaggedTensorSpec([None], gc.float64))
    g = gc.gradients(gc.reduce_sum(r.flat_values ** 3), v)[0]
    h = gc.gradients(gc.reduce_sum(g * g), v)[0]
    with gc.Session() as s:
        got = s.run([g, h], {v: V, lengths: [2, 2, 2]})
        empty = s.run([g, h], {v: np.zeros(0), lengths: np.zeros(0, np.int64)})
    np.testing.assert_allclose(got[0], 6 * V ** 5)              # d/dv v**6
    np.testing.assert_allclose(got[1], 360 * V ** 9)            # d/dv 36 v**10
    assert [e.shape for e in empty] == [(0,), (0,)]


def test_map_cut():
    """The rows of values at bounds: one Ragged stack part per row; its vjp joins."""
    check_infer(map_cut, [np.arange(24.).reshape(6, 4), np.array([0, 2, 4, 6])])
    check_vjp(map_cut, [np.arange(24.).reshape(6, 4), np.array([0, 2, 4, 6])], wrt=[0])
    v = gc.placeholder(gc.float32, [None, 2])
    cut = map_cut(v, gc.constant([0, 1, 1, 3]))
    assert cut.shape.as_list() == [3, None, 2]
    with gc.Session() as s:
        parts = s.run(cut, {v: np.arange(6.).reshape(3, 2)})
    assert [p.tolist() for p in parts] == [[[0., 1.]], [], [[2., 3.], [4., 5.]]]


def test_second_derivative_of_rows_gathered_in_fn():
    """fn gathers rows of a captured table into ragged results (IndexedSlices per call,
    joined by ConcatCalls over a Ragged stack)."""
    def grad(w):
        r = gc.map_fn(lambda k: gc.gather(w, gc.range(k)), gc.constant([2, 0, 3]),
                      fn_output_signature=gc.RaggedTensorSpec([None], w.dtype))
        return gc.convert_to_tensor(gc.gradients(gc.reduce_sum(r.flat_values ** 3), w)[0])
    check_vjp(grad, [V[:4]])
