"""Idioms of real TF1 scripts (session 20's hunt over GitHub code) that graphc refused or
shaped less precisely than TF 2.21: the static shapes below are TF's."""
import numpy as np
import pytest

import graphc as gc


def test_shape_elements_known_statically_make_static_shapes():
    """tf.shape(x)[i] is known where x's dim i is (TF's shape inference), so sizes
    computed from it give static shapes (Kyubyong/transformer's tf.range(T))."""
    x = gc.placeholder(gc.float32, [None, 5, 16])
    n, t, s = gc.shape(x)[0], gc.shape(x)[1], gc.shape(x)
    cases = {"range": (gc.range(t), [5]),
             "tile": (gc.tile(gc.expand_dims(gc.range(t), 0), [n, 1]), [None, 5]),
             "eye": (gc.eye(t), [5, 5]), "one_hot": (gc.one_hot([1, 2], t), [2, 5]),
             "sequence_mask": (gc.sequence_mask([1, 2], t), [2, 5]),
             "slice": (x[:, :t - 1], [None, 4, 16]),
             "tf.slice": (gc.slice(x, [0, 0, 0], [-1, t - 1, -1]), [None, 4, 16]),
             "pad": (gc.pad(x, [[0, 0], [0, t], [1, 1]]), [None, 10, 18]),
             "gather": (gc.gather(x, gc.range(t), axis=1), [None, 5, 16]),
             "reshape": (gc.reshape(x, [-1, s[1] * s[2]]), [None, 80])}
    for name, (y, want) in cases.items():
        assert y.shape.as_list() == want, name
    dense = gc.layers.dense(gc.reshape(x, [-1, s[1] * s[2]]), 3)
    assert dense.shape.as_list() == [None, 3]
    unknown = gc.placeholder(gc.float32, [None, None])
    assert gc.range(gc.shape(unknown)[1]).shape.as_list() == [None]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        out = sess.run([cases["slice"][0], cases["tile"][0], dense],
                       {x: np.ones((2, 5, 16), np.float32)})
    assert out[0].shape == (2, 4, 16) and out[1].shape == (2, 5) and out[2].shape == (2, 3)


def test_concat_of_one_tensor_is_that_tensor():
    """tf.concat(lstm_output, axis=1) with one tensor, not a list (Udacity char-RNN)."""
    x = gc.placeholder(gc.float32, [None, 5, 3])
    y = gc.concat(x, axis=1)
    assert y.shape.as_list() == [None, 5, 3]
    with gc.Session() as sess:
        v = np.arange(30, dtype=np.float32).reshape(2, 5, 3)
        np.testing.assert_array_equal(sess.run(y, {x: v}), v)


@pytest.mark.parametrize("kind", ["output", "input", "state"])
def test_dropout_wrapper_with_an_unshaped_keep_prob_placeholder(kind):
    """keep_prob = tf.placeholder(tf.float32) (no shape) in a DropoutWrapper inside
    dynamic_rnn, the most common TF1 RNN idiom."""
    x = gc.placeholder(gc.float32, [2, 5, 4])
    keep = gc.placeholder(gc.float32)
    cells = [gc.nn.rnn_cell.DropoutWrapper(gc.nn.rnn_cell.BasicLSTMCell(3),
                                           **{f"{kind}_keep_prob": keep})
             for _ in range(2)]
    out, _ = gc.nn.dynamic_rnn(gc.nn.rnn_cell.MultiRNNCell(cells), x, dtype=gc.float32)
    assert out.shape.as_list() == [2, 5, 3]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        assert sess.run(out, {x: np.ones((2, 5, 4)), keep: 1.0}).shape == (2, 5, 3)
