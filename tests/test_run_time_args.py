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


@pytest.mark.parametrize("pad_end", [False, True])
def test_signal_frame_and_overlap_and_add_with_run_time_sizes(pad_end):
    """frame_length/frame_step fed at run time give what the same ints give at build
    time (those match TF1, test_tf_parity_signal.py), several sizes per graph."""
    x = gc.placeholder(gc.float64, [None, None])
    length, step = gc.placeholder(gc.int32, []), gc.placeholder(gc.int64, [])
    framed = gc.signal.frame(x, length, step, pad_end=pad_end, pad_value=-1.0)
    along0 = gc.signal.frame(x, length, 2, axis=0, pad_end=pad_end)
    added = gc.signal.overlap_and_add(framed, step)
    assert framed.shape.as_list() == [None, None, None]
    with gc.Session() as s:
        for shp, n, k in [((2, 10), 4, 3), ((3, 7), 3, 1), ((1, 5), 6, 2), ((4, 9), 2, 5)]:
            xv = RNG.standard_normal(shp)
            got = s.run([framed, along0, added], {x: xv, length: n, step: k})
            want_f = gc.signal.frame(xv, n, k, pad_end=pad_end, pad_value=-1.0)
            want = s.run([want_f, gc.signal.frame(xv, n, 2, axis=0, pad_end=pad_end),
                          gc.signal.overlap_and_add(want_f, k)])
            for g, w in zip(got, want):
                np.testing.assert_allclose(g, w, rtol=1e-12)


def test_run_time_frame_and_overlap_and_add_gradients():
    from graphc.testing import check_vjp
    n = lambda v: gc.placeholder_with_default(np.int32(v), [])    # noqa: E731
    check_vjp(lambda x: gc.signal.frame(x, n(4), n(3), pad_end=True), [RNG.randn(2, 9)])
    check_vjp(lambda f: gc.signal.overlap_and_add(f, n(2)), [RNG.randn(2, 3, 5)])


def test_stft_and_inverse_stft_with_sizes_from_a_sample_rate():
    """`stft(x, sr * 25 // 1000, sr * 10 // 1000)` with sr a tensor (read from a wav
    file): TF1's run-time fft_length 2 ** ceil(log2(frame_length)), the inverse window."""
    x = gc.placeholder(gc.float32, [None, None])
    sr = gc.placeholder(gc.int32, [])
    length, step = sr * 25 // 1000, sr * 10 // 1000
    st = gc.signal.stft(x, length, step)
    inv = gc.signal.inverse_stft(st, length, step,
                                 window_fn=gc.signal.inverse_stft_window_fn(step))
    short = gc.signal.inverse_stft(st, length, step, fft_length=gc.constant(16))
    (g,) = gc.gradients(gc.reduce_sum(gc.abs(st)), x)
    with gc.Session() as s:
        for n, rate in [(400, 1000), (100, 800)]:
            xv = RNG.standard_normal((2, n)).astype(np.float32)
            got = s.run([st, inv, short, g], {x: xv, sr: rate})
            L, S = rate * 25 // 1000, rate * 10 // 1000
            static = gc.signal.stft(x, L, S)
            want = s.run([static, gc.signal.inverse_stft(
                static, L, S, window_fn=gc.signal.inverse_stft_window_fn(S)),
                gc.signal.inverse_stft(static, L, S, fft_length=16),
                gc.gradients(gc.reduce_sum(gc.abs(static)), x)[0]], {x: xv})
            assert got[0].shape == (2, (n - L) // S + 1, 17)      # fft_length 32 for 25, 20
            for a, b in zip(got, want):
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("blank", [0, -1, 2])
def test_ctc_loss_v2_with_a_run_time_number_of_classes(blank):
    """logits [?, ?, ?]: the blank's place is computed when run (TF 2.21's values)."""
    logits = gc.placeholder(gc.float32, [None, None, None])
    known = gc.placeholder(gc.float32, [None, None, 4])
    labels = gc.sparse_placeholder(gc.int32)
    seq = gc.placeholder(gc.int32, [None])
    xv = np.random.RandomState(0).standard_normal((5, 1, 4)).astype(np.float32)
    feed = {logits: xv, known: xv, seq: [5],
            labels: gc.SparseTensorValue([[0, 0], [0, 1]], [1, 2], [1, 2])}
    dense = gc.placeholder(gc.int32, [None, None])
    lengths = gc.placeholder(gc.int32, [None])
    feed.update({dense: [[1, 2]], lengths: [2]})
    got = [gc.nn.ctc_loss_v2(labels, x, None, seq, blank_index=blank) for x in (logits, known)]
    if blank != 2:
        got += [gc.nn.ctc_loss_v2(dense, x, lengths, seq, blank_index=blank)
                for x in (logits, known)]
    (g,) = gc.gradients(got[0], logits)
    with gc.Session() as s:
        values = s.run(got + [g], feed)
    want = {0: 3.8970175, -1: 5.3633647, 2: 6.945869}[blank]
    for v in values[:-1]:
        np.testing.assert_allclose(v, [want], rtol=1e-5)
    assert values[-1].shape == (5, 1, 4) and np.isfinite(values[-1]).all()


@pytest.mark.parametrize("strides, rates, padding", [
    ([1, 1, 1, 1], [1, 2, 2, 1], "SAME"), ([1, 2, 1, 1], [1, 1, 1, 1], "VALID"),
    ([1, 2, 2, 1], [1, 1, 2, 1], "SAME")])
def test_dilation2d_and_erosion2d_of_images_of_any_size(strides, rates, padding):
    """The input's height and width may be fed (TF1): the same values and gradients as
    a graph built for the size (whose values match TF, test_tf_parity_nn*.py)."""
    k = np.array([[[0., 1.], [0.5, 0.]], [[0., 0.], [1., -1.]]])
    x = gc.placeholder(gc.float64, [None, None, None, 2])

    def both(t):
        y = gc.nn.dilation2d(t, k, strides, rates, padding)
        e = gc.nn.erosion2d(t, k, strides, rates, padding)
        return [y, e, gc.gradients(gc.reduce_sum(y * y) + gc.reduce_sum(e), t)[0]]
    fed = both(x)
    assert fed[0].shape.as_list() == [None, None, None, 2]
    with gc.Session() as s:
        for shp in [(1, 3, 4, 2), (2, 5, 6, 2), (1, 7, 5, 2)]:
            xv = RNG.randint(0, 7, shp).astype(np.float64)
            got = s.run(fed, {x: xv})
            want = s.run(both(gc.constant(xv)))
            for a, b in zip(got, want):
                np.testing.assert_array_equal(a, b)
