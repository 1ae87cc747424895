"""transpose's perm, concat's and expand_dims' axis and one_hot's depth may be tensors
computed at run time, as in TF1 (`tf.one_hot(labels, tf.shape(logits)[1])`, the
`_transpose_batch_time` idiom on inputs of unknown rank)."""
import numpy as np
import pytest

import graphc as gc

RNG = np.random.RandomState(0)


def _run(fetches, feed):
    with gc.Session() as s:
        return s.run(fetches, feed)


def test_transpose_by_a_run_time_perm_and_its_gradient():
    x = gc.placeholder(gc.float64, None)                 # rank unknown
    perm = gc.concat([[1, 0], gc.range(2, gc.rank(x))], 0)
    y = gc.transpose(x, perm)
    w = gc.placeholder(gc.float64, None)
    (g,) = gc.gradients(gc.reduce_sum(y * w), x)
    xv, wv = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((3, 2, 4))
    got, grad = _run([y, g], {x: xv, w: wv})
    np.testing.assert_array_equal(got, xv.transpose(1, 0, 2))
    np.testing.assert_array_equal(grad, wv.transpose(1, 0, 2))
    p = gc.placeholder(gc.int32, [3])
    z = gc.transpose(gc.placeholder_with_default(xv, [None, None, None]), p)
    assert z.shape.as_list() == [None, None, None]
    np.testing.assert_array_equal(_run(z, {p: [2, 0, 1]}), xv.transpose(2, 0, 1))
    with pytest.raises(gc.errors.InvalidArgumentError, match="not a permutation"):
        _run(z, {p: [0, 0, 1]})


def test_one_hot_with_a_run_time_depth():
    labels = gc.placeholder(gc.int32, [None])
    logits = gc.placeholder(gc.float32, [None, None])
    y = gc.one_hot(labels, gc.shape(logits)[1], on_value=5.0, off_value=-1.0)
    t = gc.one_hot(labels, gc.shape(logits)[1], axis=0)
    feed = {labels: [0, 2, -1, 7], logits: np.zeros((4, 3), np.float32)}
    got, tr = _run([y, t], feed)
    want = np.array([[5, -1, -1], [-1, -1, 5], [-1, -1, -1], [-1, -1, -1]], np.float32)
    np.testing.assert_array_equal(got, want)              # out-of-range ids: all off
    np.testing.assert_array_equal(tr, (want == 5).T.astype(np.float32))
    assert y.shape.as_list() == [4, None] or y.shape.as_list() == [None, None]


def test_expand_dims_and_concat_along_a_run_time_axis():
    x = gc.placeholder(gc.float64, None)
    e = gc.expand_dims(x, gc.rank(x))
    c = gc.concat([x, 2 * x], gc.rank(x) - 1)
    n = gc.placeholder(gc.int32, [])
    neg = gc.concat([x, x], n)
    (gx,) = gc.gradients(gc.reduce_sum(c * gc.reshape(gc.range(12.0, dtype=gc.float64),
                                                      gc.shape(c))), x)
    xv = RNG.standard_normal((2, 3))
    got_e, got_c, got_n, grad = _run([e, c, neg, gx], {x: xv, n: -2})
    np.testing.assert_array_equal(got_e, xv[:, :, None])
    np.testing.assert_array_equal(got_c, np.concatenate([xv, 2 * xv], 1))
    np.testing.assert_array_equal(got_n, np.concatenate([xv, xv], 0))
    w = np.arange(12.0).reshape(2, 6)
    np.testing.assert_array_equal(grad, w[:, :3] + 2 * w[:, 3:])
    a = gc.placeholder(gc.int32, [])
    with pytest.raises(gc.errors.InvalidArgumentError, match="out of range"):
        _run(gc.expand_dims(x, a), {x: xv, a: 4})
    np.testing.assert_array_equal(_run(gc.expand_dims(x, a), {x: xv, a: -1}),
                                  xv[:, :, None])
