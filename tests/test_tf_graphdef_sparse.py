"""TF's sparse ops in GraphDefs (what tf.sparse.*, embedding_lookup_sparse and feature
columns build) import as graphc's gc.sparse functions; built here through gc.raw_ops
(which builds each op as the importer does) with TF 2.21's values for the same calls.
test_tf_parity_tf_graphdef_sparse.py imports TF-built graphs. No TensorFlow needed."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_import import UnsupportedOpError

R = gc.raw_ops
# TF 2.21's values of the cases below
TF = {'add': [[[0, 0], [0, 2], [1, 1], [2, 1], [2, 4]], [6.0, 3.0, -1.0, 4.0, 3.0], [3, 5]],
      'concat': [[[0, 0], [0, 2], [0, 5], [1, 6], [2, 1], [2, 4], [2, 9]],
                 [1.0, 3.0, 5.0, -1.0, 4.0, 1.0, 2.0], [3, 10]],
      'cwise': [0.5, 1.5, 0.5, 0.125],
      'fill': [[[0, 0], [0, 2], [1, 0], [2, 1], [2, 4]], [1.0, 3.0, -1.0, 4.0, 1.0],
               [False, True, False], [0, 1, 3, 4]],
      'matmul': [[4.0, 4.0, 4.0], [0.0, 0.0, 0.0], [5.0, 5.0, 5.0]],
      'max': [[[0, 0], [0, 2], [1, 1], [2, 1], [2, 4]], [5.0, 3.0, 0.0, 4.0, 2.0]],
      'reorder': [[[0, 0], [0, 2], [2, 1]], [2.0, -1.0, 5.0]],
      'reshape': [[[0, 0], [0, 2], [3, 2], [4, 2]], [5, 3]],
      'rmax_sp': [[[0], [1], [2], [4]], [1.0, 4.0, 3.0, 1.0], [5]],
      'rsum': [[4.0], [0.0], [5.0]],
      'seg_mean': [[3.0, 4.0], [0.0, 0.0], [12.0, 13.0]],
      'seg_sqrtn': [[4.242640495300293, 5.656854152679443], [0.0, 0.0], [6.0, 7.0], [0.0, 0.0]],
      'slice': [[[0, 1], [2, 0]], [3.0, 4.0], [3, 3]],
      'softmax': [0.11920291185379028, 0.8807970285415649, 0.9525741338729858,
                  0.04742587357759476],
      'to_dense': [[1.0, 7.0, 3.0, 7.0, 7.0], [7.0, 7.0, 7.0, 7.0, 7.0],
                   [7.0, 4.0, 7.0, 7.0, 1.0]]}


def _cases():
    I = gc.constant([[0, 0], [0, 2], [2, 1], [2, 4]], gc.int64)       # noqa: E741
    V, S = gc.constant([1., 3., 4., 1.]), gc.constant([3, 5], gc.int64)
    I2, V2 = gc.constant([[0, 0], [1, 1], [2, 4]], gc.int64), gc.constant([5., -1., 2.])
    emb = gc.constant(np.arange(20, dtype=np.float32).reshape(10, 2))
    return {
        "to_dense": R.SparseToDense(sparse_indices=I, output_shape=S, sparse_values=V,
                                    default_value=gc.constant(7.)),
        "matmul": R.SparseTensorDenseMatMul(a_indices=I, a_values=V, a_shape=S,
                                            b=gc.ones([3, 5]), adjoint_b=True),
        "add": list(R.SparseAdd(a_indices=I, a_values=V, a_shape=S, b_indices=I2,
                                b_values=V2, b_shape=S, thresh=gc.constant(2.5))),
        "concat": list(R.SparseConcat(indices=[I, I2], values=[V, V2], shapes=[S, S],
                                      concat_dim=1)),
        "fill": list(R.SparseFillEmptyRows(indices=I, values=V, dense_shape=S,
                                           default_value=gc.constant(-1.))),
        "rsum": R.SparseReduceSum(input_indices=I, input_values=V, input_shape=S,
                                  reduction_axes=[1], keep_dims=True),
        "rmax_sp": list(R.SparseReduceMaxSparse(input_indices=I, input_values=V,
                                                input_shape=S, reduction_axes=[0])),
        "reorder": list(R.SparseReorder(
            input_indices=gc.constant([[2, 1], [0, 2], [0, 0]], gc.int64), input_values=V2,
            input_shape=S)),
        "reshape": list(R.SparseReshape(input_indices=I, input_shape=S,
                                        new_shape=gc.constant([5, -1], gc.int64))),
        "slice": list(R.SparseSlice(indices=I, values=V, shape=S,
                                    start=gc.constant([0, 1], gc.int64),
                                    size=gc.constant([3, 3], gc.int64))),
        "softmax": R.SparseSoftmax(sp_indices=I, sp_values=V, sp_shape=S),
        "max": list(R.SparseSparseMaximum(a_indices=I, a_values=V, a_shape=S, b_indices=I2,
                                          b_values=V2, b_shape=S)),
        "cwise": R.SparseDenseCwiseDiv(sp_indices=I, sp_values=V, sp_shape=S,
                                       dense=gc.constant([[2.], [4.], [8.]])),
        "seg_mean": R.SparseSegmentMean(data=emb, indices=[0, 3, 3, 9],
                                        segment_ids=[0, 0, 2, 2]),
        "seg_sqrtn": R.SparseSegmentSqrtNWithNumSegments(
            data=emb, indices=[0, 3, 3], segment_ids=[0, 0, 2], num_segments=4),
    }


def test_sparse_raw_ops_give_tf_values():
    out = _cases()
    with gc.Session() as sess:
        got = sess.run(out)
    for k, want in TF.items():
        g = got[k] if isinstance(got[k], list) else [got[k]]
        w = want if isinstance(out[k], list) else [want]
        for a, b in zip(g, w):
            np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                                       rtol=1e-6, err_msg=k)


def test_embedding_lookup_sparse_gradient_through_imported_ops():
    """SparseSegmentSqrtN imported with sparse_gradient=True (what TF 2's
    embedding_lookup_sparse builds): graphc's gradient is TF's IndexedSlices."""
    emb = gc.Variable(np.arange(20, dtype=np.float32).reshape(10, 2))
    y = R.SparseSegmentSqrtN(data=emb, indices=[0, 3, 3], segment_ids=[0, 0, 2],
                             sparse_gradient=True)
    g, = gc.gradients(gc.reduce_sum(y * y), [emb])
    assert isinstance(g, gc.IndexedSlices)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        dense = sess.run(gc.convert_to_tensor(g))
    yv = np.array(TF["seg_sqrtn"][:3])
    want = np.zeros((10, 2))
    want[0] += 2 * yv[0] / np.sqrt(2)
    want[3] += 2 * yv[0] / np.sqrt(2) + 2 * yv[2]
    np.testing.assert_allclose(dense, want, rtol=1e-5)


def test_sparse_reshape_exports_as_tf_op_and_reductions_need_constant_axes():
    sp = gc.sparse.reshape(gc.SparseTensor([[0, 1], [2, 3]], [1.0, 2.0], [3, 4]), [4, -1])
    gd = gc.io.export_tf_graph_def(gc.get_default_graph())
    assert "SparseReshape" in {nd.op for nd in gd.node}
    with gc.Session() as sess:
        want = sess.run([sp.indices, sp.dense_shape])
    with gc.Graph().as_default() as g:
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            got = sess.run([sp.indices.name, sp.dense_shape.name])
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    with gc.Graph().as_default():
        axes = gc.placeholder(gc.int32, [1])
        with pytest.raises(UnsupportedOpError, match="reduction_axes.*must be known"):
            R.SparseReduceSum(input_indices=[[0, 0]], input_values=[1.0],
                              input_shape=[2, 2], reduction_axes=axes)
