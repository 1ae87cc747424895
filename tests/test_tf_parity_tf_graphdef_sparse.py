"""Parity of gc.import_graph_def on TF graphs built with tf.sparse.*,
embedding_lookup_sparse and TF's raw sparse ops, fed through sparse placeholders: the
same values, shapes and dtypes as TF's run."""
import numpy as np

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from tf_parity import tf, v1


def _build():
    sp = v1.sparse_placeholder(tf.int64, [None, None], name="ids")
    w = v1.sparse_placeholder(tf.float32, name="w")
    emb = tf.constant(np.arange(20, dtype=np.float32).reshape(10, 2))
    f = tf.cast(sp, tf.float32)
    R = tf.raw_ops
    o = {"els_mean": tf.nn.embedding_lookup_sparse(emb, sp, None, combiner="mean"),
         "els_sqrtn": tf.nn.embedding_lookup_sparse(emb, sp, w, combiner="sqrtn"),
         "dense": tf.sparse.to_dense(sp, default_value=-1),
         "sdm": tf.sparse.sparse_dense_matmul(f, tf.ones([5, 3])),
         "reorder": tf.sparse.reorder(sp), "fill": tf.sparse.fill_empty_rows(sp, 0),
         "reshape": tf.sparse.reshape(sp, [-1]), "add": tf.sparse.add(f, w),
         "dense_add": tf.sparse.add(f, tf.ones([3, 5])),
         "concat": tf.sparse.concat(1, [sp, sp]),
         "retain": tf.sparse.retain(sp, tf.greater(sp.values, 2)),
         "slice": tf.sparse.slice(sp, [0, 0], [1, 2]),
         "sum": tf.sparse.reduce_sum(f, axis=1), "max": tf.sparse.reduce_max(f, axis=1),
         "sum_sparse": v1.sparse.reduce_sum_sparse(f, axis=1),
         "softmax": tf.sparse.softmax(w), "transpose": tf.sparse.transpose(sp),
         "maximum": tf.sparse.maximum(w, w * -1.0),
         "minimum": tf.sparse.minimum(w, tf.sparse.SparseTensor(w.indices, -w.values,
                                                                w.dense_shape)),
         "s2d": v1.sparse_to_dense([[0, 1], [1, 0]], [2, 2], [3, 4]),
         "seg_sum": tf.sparse.segment_sum(emb, [0, 3, 3], [0, 0, 2]),
         "seg_sqrtn": tf.sparse.segment_sqrt_n(emb, [0, 3, 3], [0, 0, 2], num_segments=4),
         "cwise": R.SparseDenseCwiseMul(sp_indices=w.indices, sp_values=w.values,
                                        sp_shape=w.dense_shape,
                                        dense=tf.constant([2.0, 3.0, 4.0, 5.0, 6.0]))}
    return sp, w, [t for v in o.values() for t in tf.nest.flatten(v, expand_composites=True)]


def test_tf_sparse_graph_imports():
    g = tf.Graph()
    with g.as_default():
        sp, w, flat = _build()
        feeds = [{sp: v1.SparseTensorValue([[0, 0], [0, 2], [2, 1], [2, 4]],
                                          np.array([1, 3, 4, 1], np.int64), [3, 5]),
                  w: v1.SparseTensorValue([[0, 0], [0, 2], [2, 1], [2, 3]],
                                          np.array([0.5, 2.0, -1.0, 4.0], np.float32),
                                          [3, 5])},
                 {sp: v1.SparseTensorValue([[1, 4]], np.array([9], np.int64), [3, 5]),
                  w: v1.SparseTensorValue([[1, 4]], np.array([2.0], np.float32), [3, 5])}]
        with v1.Session() as sess:
            want = [sess.run(flat, f) for f in feeds]
        gd = GraphDef.FromString(g.as_graph_def().SerializeToString())
    with gc.Graph().as_default():
        gc.import_graph_def(gd, name="")
        with gc.Session() as sess:
            for f, w_run in zip(feeds, want):
                fd = {}
                for ph, val in f.items():
                    fd[ph.indices.name] = np.array(val.indices, np.int64)
                    fd[ph.values.name] = val.values
                    fd[ph.dense_shape.name] = np.array(val.dense_shape, np.int64)
                got = sess.run([t.name for t in flat], fd)
                for t, a, b in zip(flat, got, w_run):
                    a, b = np.asarray(a), np.asarray(b)
                    assert (a.shape, a.dtype) == (b.shape, b.dtype), t.name
                    np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=t.name)
