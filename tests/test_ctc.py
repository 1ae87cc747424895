"""CTC loss, decoders and edit_distance without TensorFlow: values against brute force,
TF1's rules (errors, ignore_longer, null labels, zero gradient past the sequence), the
narrowed loss-only node, the missing second derivative, build-time errors."""
import numpy as np
import pytest

import graphc as gc
from samples_ctc import _log_softmax, _prefix_log_probs


def _labels(rows, width=None):
    idx = [[b, i] for b, r in enumerate(rows) for i in range(len(r))]
    vals = [v for r in rows for v in r]
    return gc.SparseTensor(np.array(idx, np.int64).reshape(-1, 2), np.array(vals, np.int32),
                           [len(rows), width or max(len(r) for r in rows)])


def _run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


@pytest.fixture(autouse=True)
def _graph():
    with gc.Graph().as_default():
        yield


X = np.random.default_rng(0).standard_normal((5, 2, 4))


def _brute(x, rows, seq, merge=True):
    lp = _log_softmax(x)
    return np.array([-_prefix_log_probs(lp[:seq[b], b], merge).get(tuple(r), -np.inf)
                     for b, r in enumerate(rows)])


@pytest.mark.parametrize("rows", [[[1, 2], [0]], [[1, 1], [2, 0, 2]], [[0, 0, 0], [1]]])
@pytest.mark.parametrize("merge", [True, False])
def test_loss_matches_brute_force(rows, merge):
    seq = [5, 4]
    loss = gc.nn.ctc_loss(_labels(rows), gc.constant(X), seq, ctc_merge_repeated=merge)
    np.testing.assert_allclose(_run(loss), _brute(X, rows, seq, merge), rtol=1e-10)


def test_gradient_is_softmax_minus_occupation_and_zero_past_the_sequence():
    x = gc.constant(X)
    loss = gc.nn.ctc_loss(_labels([[1, 2], [0]]), x, [5, 3])
    g = _run(gc.gradients(loss, x)[0])
    assert np.all(g[3:, 1] == 0)
    # each frame's gradient sums to 0 (softmax and occupation both sum to 1)
    np.testing.assert_allclose(g[:, 0].sum(axis=1), 0, atol=1e-12)


def test_batch_major_and_logits_alias():
    a = gc.nn.ctc_loss(_labels([[1], [2]]), gc.constant(X), [5, 5])
    b = gc.nn.ctc_loss(_labels([[1], [2]]), logits=gc.constant(X.transpose(1, 0, 2)),
                       sequence_length=[5, 5], time_major=False)
    np.testing.assert_allclose(*_run([a, b]))
    with pytest.raises(ValueError, match="not both"):
        gc.nn.ctc_loss(_labels([[1]]), X, [5], logits=X)


def test_impossible_alignment_is_inf_with_softmax_gradient():
    x = gc.constant(X)
    loss = gc.nn.ctc_loss(_labels([[1, 1, 1], [0]]), x, [4, 4])    # needs 5 frames
    value, g = _run([loss, gc.gradients(loss, x)[0]])
    assert np.isinf(value[0]) and np.isfinite(value[1])
    np.testing.assert_allclose(g[:4, 0], np.exp(_log_softmax(X[:4, 0])))


def test_longer_labels_fail_or_give_zero():
    x = gc.constant(X)
    rows = [[0, 1, 0, 1, 0], [1]]
    with pytest.raises(gc.errors.InvalidArgumentError, match="not enough time"):
        _run(gc.nn.ctc_loss(_labels(rows), x, [4, 4]))
    loss = gc.nn.ctc_loss(_labels(rows), x, [4, 4], ignore_longer_outputs_than_inputs=True)
    value, g = _run([loss, gc.gradients(loss, x)[0]])
    assert value[0] == 0 and np.all(g[:, 0] == 0) and value[1] > 0


@pytest.mark.parametrize("rows,seq,match", [
    ([[-1], [0]], [5, 5], "nonnegative"), ([[3, 1], [0]], [5, 5], "following a null"),
    ([[1], [0]], [6, 5], "sequence_length"), ([[1]], [5, 5], "length is zero")])
def test_run_time_label_errors(rows, seq, match):
    labels = _labels(rows, 2) if len(rows) == 2 else gc.SparseTensor(
        np.array([[0, 0]], np.int64), np.array([1], np.int32), [2, 1])
    with pytest.raises(gc.errors.InvalidArgumentError, match=match):
        _run(gc.nn.ctc_loss(labels, gc.constant(X), seq))


def test_unsorted_or_repeated_indices_fail():
    for idx in ([[1, 0], [0, 0]], [[0, 0], [0, 0]]):
        sp = gc.SparseTensor(np.array(idx, np.int64), np.array([1, 2], np.int32), [2, 2])
        with pytest.raises(gc.errors.InvalidArgumentError, match="not valid"):
            _run(gc.nn.ctc_loss(sp, gc.constant(X), [5, 5]))


def test_null_label_ends_the_sequence_and_collapse():
    a = gc.nn.ctc_loss(_labels([[1, 3, 3], [2]]), gc.constant(X), [5, 5])
    b = gc.nn.ctc_loss(_labels([[1], [2]]), gc.constant(X), [5, 5])
    c = gc.nn.ctc_loss(_labels([[1, 1, 1], [2, 2]]), gc.constant(X), [5, 5],
                       preprocess_collapse_repeated=True)
    va, vb, vc = _run([a, b, c])
    np.testing.assert_allclose(va, vb)
    np.testing.assert_allclose(vc, vb)


def test_build_time_errors():
    with pytest.raises(TypeError, match="SparseTensor"):
        gc.nn.ctc_loss([[1]], X, [5, 5])
    sp64 = gc.SparseTensor([[0, 0]], np.array([1], np.int64), [1, 1])
    with pytest.raises(gc.errors.DTypeError, match="int32"):
        gc.nn.ctc_loss(sp64, X, [5, 5])
    with pytest.raises(gc.errors.ShapeError, match="batch size 2"):
        gc.nn.ctc_loss(_labels([[1]]), gc.constant(X), [5, 5, 5])
    with pytest.raises(gc.errors.ShapeError, match="3-D"):
        gc.nn.ctc_loss(_labels([[1]]), gc.constant(X[0]), [5])
    with pytest.raises(ValueError, match="top_paths"):
        gc.nn.ctc_beam_search_decoder(X, [5, 5], beam_width=2, top_paths=3)


def test_loss_only_runs_the_forward_recursion():
    x = gc.placeholder(gc.float64, (5, 2, 4))
    loss = gc.nn.ctc_loss(_labels([[1, 2], [0]]), x, [5, 4])
    exe = gc.compile(loss, feed_list=[x])
    assert "narrowed" in str(exe.report())
    np.testing.assert_allclose(exe(X), _brute(X, [[1, 2], [0]], [5, 4]), rtol=1e-10)


def test_no_second_derivative():
    x = gc.placeholder(gc.float64, (5, 2, 4))
    loss = gc.nn.ctc_loss(_labels([[1, 2], [0]]), x, [5, 4])
    g = gc.gradients(loss, x)[0]
    with pytest.raises(gc.errors.GradientError, match="second derivative"):
        gc.gradients(gc.reduce_sum(g * g), x)
    t, = gc.jvp([g], [x], [np.ones((5, 2, 4))])
    with pytest.raises(gc.errors.InvalidArgumentError, match="second derivative"):
        _run(t, {x: X})


def test_jvp_of_the_loss():
    x = gc.placeholder(gc.float64, (5, 2, 4))
    loss = gc.nn.ctc_loss(_labels([[1, 2], [0]]), x, [5, 4])
    v = np.random.default_rng(1).standard_normal(X.shape)
    t, = gc.jvp([loss], [x], [v])
    eps = 1e-6
    fd = (_brute(X + eps * v, [[1, 2], [0]], [5, 4]) -
          _brute(X - eps * v, [[1, 2], [0]], [5, 4])) / (2 * eps)
    np.testing.assert_allclose(_run(t, {x: X}), fd, rtol=1e-5)


def test_ctc_loss_v2_dense_equals_sparse_and_allows_empty_labels():
    dense = gc.nn.ctc_loss_v2([[1, 2, 0], [0, 1, 1]], gc.constant(X), [2, 1], [5, 4],
                              blank_index=-1)
    sparse = gc.nn.ctc_loss(_labels([[1, 2], [0]]), gc.constant(X), [5, 4])
    blank0 = gc.nn.ctc_loss_v2([[2, 3], [1, 0]], gc.constant(X), [2, 0], [5, 4])
    d, s, b0 = _run([dense, sparse, blank0])
    np.testing.assert_allclose(d, s)
    lp = _log_softmax(X)
    np.testing.assert_allclose(b0[1], -lp[:4, 1, 0].sum())                # all blank
    with pytest.raises(ValueError, match="blank_index"):
        gc.nn.ctc_loss_v2(_labels([[1]]), X[:, :1], None, [5])


def test_greedy_decoder():
    x = np.full((4, 1, 3), -5.0)
    for t, k in enumerate([0, 0, 2, 0]):
        x[t, 0, k] = 1.0
    (d,), neg = gc.nn.ctc_greedy_decoder(gc.constant(x), [4])
    (d2,), _ = gc.nn.ctc_greedy_decoder(gc.constant(x), [4], merge_repeated=False)
    dv, nv, d2v = _run([d, neg, d2])
    assert dv.values.tolist() == [0, 0] and d2v.values.tolist() == [0, 0, 0]
    assert dv.dense_shape.tolist() == [1, 2] and nv.tolist() == [[-4.0]]


def test_beam_search_merge_repeated_and_log_probs():
    x = np.log(np.array([[[0.1, 0.6, 0.3]], [[0.1, 0.2, 0.7]], [[0.2, 0.6, 0.2]]]))
    d, lp = gc.nn.ctc_beam_search_decoder(gc.constant(x), [3], top_paths=2)
    d2, _ = gc.nn.ctc_beam_search_decoder_v2(gc.constant(x), [3], top_paths=2)
    best, lpv, best2 = _run([d[0], lp, d2[0]])
    probs = _prefix_log_probs(x[:, 0], merge=True)
    want = sorted(probs.items(), key=lambda kv: -kv[1])
    assert best2.values.tolist() == list(want[0][0])
    np.testing.assert_allclose(lpv[0], [want[0][1], want[1][1]], rtol=1e-10)
    assert best.values.tolist() == [v for i, v in enumerate(want[0][0])
                                    if i == 0 or v != want[0][0][i - 1]]


def test_collapse_repeated_and_unique_labels():
    c, n = gc.nn.collapse_repeated(np.array([[1, 1, 2, 2, 3], [4, 4, 4, 0, 0]], np.int32),
                                   np.array([4, 3], np.int32))
    u, i = gc.nn.ctc_unique_labels(np.array([[3, 1, 3, 2, 0]], np.int32))
    cv, nv, uv, iv = _run([c, n, u, i])
    assert cv.tolist() == [[1, 2], [4, 0]] and nv.tolist() == [2, 1]
    assert uv.tolist() == [[3, 1, 2, 0, 0]] and iv.tolist() == [[0, 1, 0, 2, 3]]
    assert uv.dtype == np.int64 and iv.dtype == np.int32


def test_edit_distance_rules_and_static_shape():
    h = gc.SparseTensor([[0, 0], [0, 1], [2, 0]], [1, 2, 5], [3, 2])
    t = gc.SparseTensor([[0, 0], [1, 0]], [1, 4], [2, 1])
    d = gc.edit_distance(h, t)
    assert d.shape.as_list() == [3] and d.dtype is gc.float32
    unnormalized = gc.edit_distance(h, t, normalize=False)
    dv, uv = _run([d, unnormalized])
    assert dv.tolist() == [1.0, 1.0, np.inf] and uv.tolist() == [1.0, 1.0, 1.0]
    empty = gc.SparseTensor(np.zeros((0, 2), np.int64), np.zeros(0, np.int32), [2, 1])
    assert _run(gc.edit_distance(empty, empty)).tolist() == [0.0, 0.0]


def test_edit_distance_unordered_indices_are_reordered_and_errors():
    h = gc.SparseTensor([[0, 1], [0, 0]], [1, 2], [1, 2])
    t = gc.SparseTensor([[0, 0], [0, 1]], [2, 1], [1, 2])
    assert _run(gc.edit_distance(h, t)).tolist() == [0.0]
    with pytest.raises(gc.errors.DTypeError):
        gc.edit_distance(h, gc.SparseTensor([[0, 0]], [1.0], [1, 1]))
    with pytest.raises(gc.errors.ShapeError, match="ranks"):
        gc.edit_distance(h, gc.SparseTensor([[0, 0, 0]], [1], [1, 1, 1]))
    with pytest.raises(TypeError, match="SparseTensor"):
        gc.edit_distance([[1]], t)
    bad = gc.SparseTensor([[0, 3]], [1], [1, 2])
    with pytest.raises(gc.errors.InvalidArgumentError, match="out of bounds"):
        _run(gc.edit_distance(bad, t))


def test_beam_search_forgets_a_prefix_evicted_and_not_readmitted():
    """TF's decoder resets a prefix's previous frame when, evicted from the beam, it
    fails to come back as its parent's child: it then grows no children that frame.
    Values from TF 2.21 (beam 4 differs from plain top-k pruning here)."""
    x = np.random.RandomState(1).randn(6, 2, 5).astype(np.float32)
    decoded, logp = gc.nn.ctc_beam_search_decoder(gc.constant(x), gc.constant([6, 5]),
                                                  beam_width=4, top_paths=2)
    with gc.Session() as s:
        lp, first = s.run([logp, decoded[0].values])
    np.testing.assert_allclose(lp, [[-3.3098328, -3.5350933], [-2.08445, -2.927555]],
                               rtol=1e-5)
    assert first.tolist() == [0, 1, 3, 1, 3, 2]
