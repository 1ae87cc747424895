"""gc.contrib.crf (TF 1.15's tf.contrib.crf) against brute-force enumeration of every tag
sequence: scores, log-normalizers, likelihoods and Viterbi decoding for random lengths
(0 and 1 included), max_seq_len 1 static and at run time, finite-difference gradients, a
small training run, a 2,000-step sequence under a low recursion limit, and errors."""
import itertools
import sys

import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp

crf = gc.contrib.crf
O = 3                                    # tags


# ---- brute force ----------------------------------------------------------------------------
def bf_score(x, tags, length, trans):
    """sum_t x[t, y_t] + sum_{0<t<L} trans[y_{t-1}, y_t]."""
    return (sum(x[t, tags[t]] for t in range(length))
            + sum(trans[tags[t - 1], tags[t]] for t in range(1, length)))


def bf_all(x, length, trans, allowed=None):
    """[(score, sequence)] over every tag sequence of `length` (allowed: (T, O) bool)."""
    out = []
    for seq in itertools.product(range(x.shape[1]), repeat=length):
        if allowed is None or all(allowed[t, y] for t, y in enumerate(seq)):
            out.append((bf_score(x, seq, length, trans), seq))
    return out


def bf_log_norm(x, length, trans, allowed=None):
    if length == 0:
        return 0.0
    scores = np.array([s for s, _ in bf_all(x, length, trans, allowed)])
    m = scores.max()
    return m + np.log(np.exp(scores - m).sum())


def bf_best(x, length, trans):
    return max(bf_all(x, length, trans))


def case(seed, batch=5, steps=4, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, steps, O)).astype(dtype)
    tags = rng.integers(0, O, size=(batch, steps)).astype(np.int32)
    lengths = rng.integers(0, steps + 1, size=batch).astype(np.int32)
    lengths[:min(batch, 2)] = [0, 1][:min(batch, 2)]
    trans = rng.normal(size=(O, O)).astype(dtype)
    return x, tags, lengths, trans


def run(build, x, tags, lengths, trans, dynamic=False):
    """build(x, tags, lengths, trans) on placeholders (time dim unknown if dynamic)."""
    with gc.Graph().as_default():
        b, t = (None, None) if dynamic else x.shape[:2]
        xp = gc.placeholder(gc.as_dtype(x.dtype), (b, t, O))
        tp = gc.placeholder(gc.as_dtype(tags.dtype), (b, t))
        lp = gc.placeholder(gc.as_dtype(lengths.dtype), (b,))
        trp = gc.placeholder(gc.as_dtype(trans.dtype), (O, O))
        out = build(xp, tp, lp, trp)
        with gc.Session() as sess:
            return sess.run(out, {xp: x, tp: tags, lp: lengths, trp: trans})


# ---- values against brute force ------------------------------------------------------------
@pytest.mark.parametrize("steps, dynamic", [(4, False), (4, True), (1, False), (1, True),
                                            (2, True)])
def test_scores_and_log_norm_match_brute_force(steps, dynamic):
    x, tags, lengths, trans = case(steps + 10 * dynamic, steps=steps)
    lengths = np.minimum(lengths, steps)
    got = run(lambda x, y, n, tr: [
        crf.crf_sequence_score(x, y, n, tr), crf.crf_log_norm(x, n, tr),
        crf.crf_log_likelihood(x, y, n, tr)[0], crf.crf_unary_score(y, n, x),
        crf.crf_binary_score(y, n, tr)], x, tags, lengths, trans, dynamic)
    for b, n in enumerate(lengths):
        score = bf_score(x[b], tags[b], n, trans)
        log_z = bf_log_norm(x[b], n, trans)
        np.testing.assert_allclose(got[0][b], score, atol=1e-12)
        np.testing.assert_allclose(got[1][b], log_z, atol=1e-12)
        np.testing.assert_allclose(got[2][b], score - log_z, atol=1e-12)
        np.testing.assert_allclose(got[3][b], bf_score(x[b], tags[b], n, 0 * trans))
        np.testing.assert_allclose(got[4][b], got[0][b] - got[3][b], atol=1e-12)
    assert got[0].shape == got[1].shape == (len(lengths),)


def test_int64_tags_and_lengths_float32_inputs():
    x, tags, lengths, trans = case(3, dtype=np.float32)
    got = run(lambda x, y, n, tr: crf.crf_log_likelihood(x, y, n, tr)[0],
              x, tags.astype(np.int64), lengths.astype(np.int64), trans)
    assert got.dtype == np.float32
    want = [bf_score(x[b], tags[b], n, trans) - bf_log_norm(x[b], n, trans)
            for b, n in enumerate(lengths)]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("steps, dynamic", [(3, False), (3, True), (1, False), (1, True)])
def test_multitag_score_matches_brute_force(steps, dynamic):
    x, tags, lengths, trans = case(20 + steps, steps=steps)
    rng = np.random.default_rng(steps)
    allowed = rng.random(x.shape) < 0.6
    allowed[np.arange(x.shape[0])[:, None], np.arange(steps), tags] = True
    with gc.Graph().as_default():
        b, t = (None, None) if dynamic else x.shape[:2]
        xp, bp = gc.placeholder(gc.float64, (b, t, O)), gc.placeholder(gc.bool, (b, t, O))
        lp = gc.placeholder(gc.int32, (b,))
        out = crf.crf_multitag_sequence_score(xp, bp, lp, trans)
        one_hot = crf.crf_multitag_sequence_score(xp, gc.one_hot(tags, O) > 0.5,
                                                  lp, trans)
        with gc.Session() as sess:
            got, got_1h = sess.run([out, one_hot], {xp: x, bp: allowed, lp: lengths})
    for b, n in enumerate(lengths):
        if n == 0 and steps == 1:       # TF 1.15's max_seq_len-1 shortcut ignores lengths
            want = bf_log_norm(x[b], 1, trans, allowed[b])
        else:
            want = bf_log_norm(x[b], n, trans, allowed[b])
        np.testing.assert_allclose(got[b], want, atol=1e-12)
        if n or steps > 1:
            np.testing.assert_allclose(got_1h[b], bf_score(x[b], tags[b], n, trans),
                                       atol=1e-12)


@pytest.mark.parametrize("steps, dynamic", [(5, False), (5, True), (1, False), (1, True)])
def test_crf_decode_matches_brute_force_argmax(steps, dynamic):
    x, tags, lengths, trans = case(30 + steps, batch=6, steps=steps)
    got_tags, got_best = run(lambda x, y, n, tr: crf.crf_decode(x, tr, n),
                             x, tags, lengths, trans, dynamic)
    assert got_tags.dtype == np.int32 and got_tags.shape == (6, steps)
    for b, n in enumerate(lengths):
        if n == 0 or steps == 1:        # TF 1.15: the argmax of step 0 (and its score)
            assert got_tags[b, 0] == np.argmax(x[b, 0])
            np.testing.assert_allclose(got_best[b], x[b, 0].max())
            assert not got_tags[b, 1:].any()
            continue
        best, seq = bf_best(x[b], n, trans)
        assert tuple(got_tags[b, :n]) == seq
        assert not got_tags[b, n:].any()
        np.testing.assert_allclose(got_best[b], best, atol=1e-12)


def test_viterbi_decode_matches_brute_force_argmax():
    rng = np.random.default_rng(7)
    for n in (1, 2, 5):
        score, trans = rng.normal(size=(n, 4)), rng.normal(size=(4, 4))
        tags, best = crf.viterbi_decode(score, trans)
        want_best, want = max((bf_score(score, s, n, trans), s)
                              for s in itertools.product(range(4), repeat=n))
        assert isinstance(tags, list) and tuple(int(t) for t in tags) == want
        np.testing.assert_allclose(best, want_best)


# ---- gradients ------------------------------------------------------------------------------
@pytest.mark.parametrize("steps", [4, 1])
def test_log_likelihood_gradients_match_finite_differences(steps):
    x, tags, lengths, trans = case(40 + steps, batch=4, steps=steps)
    lengths = np.minimum(lengths, steps)
    check_vjp(lambda x, tr: crf.crf_log_likelihood(x, tags, lengths, tr)[0], [x, trans])


def test_gradients_through_runtime_max_seq_len_switch():
    x, tags, lengths, trans = case(50, batch=4, steps=3)
    for t in (3, 1):
        with gc.Graph().as_default() as g, gc.Session(graph=g):
            xp = gc.placeholder(gc.float64, (None, None, O))
            yp, lp = gc.placeholder(gc.int32, (None, None)), gc.placeholder(gc.int32, (None,))
            trp = gc.placeholder(gc.float64, (O, O))
            ll, _ = crf.crf_log_likelihood(xp, yp, lp, trp)
            loss = gc.reduce_sum(ll * np.arange(1.0, 5.0))
            feed = {yp: tags[:, :t], lp: np.minimum(lengths, t)}
            err_x = gc.test.compute_gradient_error(
                xp, (4, t, O), loss, (), x_init_value=x[:, :t], delta=1e-6,
                extra_feed_dict={**feed, trp: trans})
            err_tr = gc.test.compute_gradient_error(
                trp, (O, O), loss, (), x_init_value=trans, delta=1e-6,
                extra_feed_dict={**feed, xp: x[:, :t]})
            assert max(err_x, err_tr) < 1e-7, (t, err_x, err_tr)


# ---- training and long sequences ------------------------------------------------------------
def test_tiny_ner_training_loss_goes_down():
    rng = np.random.default_rng(0)
    vocab, batch, steps = 12, 8, 6
    words = rng.integers(0, vocab, size=(batch, steps)).astype(np.int32)
    gold = (words % O).astype(np.int32)             # each word has one tag
    lengths = rng.integers(2, steps + 1, size=batch).astype(np.int32)
    with gc.Graph().as_default():
        gc.set_random_seed(1)
        w, n = gc.placeholder(gc.int32, (None, None)), gc.placeholder(gc.int32, (None,))
        y = gc.placeholder(gc.int32, (None, None))
        emb = gc.get_variable("emb", [vocab, O])
        unary = gc.nn.embedding_lookup(emb, w)
        with gc.variable_scope("crf"):
            ll, trans = crf.crf_log_likelihood(unary, y, n)
        assert trans.name == "crf/transitions:0" and trans.shape.as_list() == [O, O]
        loss = gc.reduce_mean(-ll)
        step = gc.train.AdamOptimizer(0.1).minimize(loss)
        decoded, _ = crf.crf_decode(unary, trans, n)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            feed = {w: words, y: gold, n: lengths}
            first = sess.run(loss, feed)
            for _ in range(60):
                sess.run(step, feed)
            last, tags = sess.run([loss, decoded], feed)
    assert last < 0.2 * first
    mask = np.arange(steps) < lengths[:, None]
    assert np.array_equal(tags[mask], gold[mask]) and not tags[~mask].any()


def test_long_sequence_needs_no_recursion():
    rng = np.random.default_rng(1)
    steps = 2000
    x, trans = rng.normal(size=(2, steps, O)), rng.normal(size=(O, O))
    tags = rng.integers(0, O, size=(2, steps)).astype(np.int32)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(300)
    try:
        with gc.Graph().as_default():
            xp = gc.placeholder(gc.float64, (None, None, O))
            ll, tr = crf.crf_log_likelihood(xp, tags, [steps, steps - 5], trans)
            grads = gc.gradients(gc.reduce_sum(ll), [xp])
            decoded, best = crf.crf_decode(xp, tr, [steps, steps - 5])
            with gc.Session() as sess:
                ll_v, g_v, d_v, b_v = sess.run([ll, grads[0], decoded, best], {xp: x})
    finally:
        sys.setrecursionlimit(limit)
    assert np.isfinite(ll_v).all() and (ll_v < 0).all() and g_v.shape == x.shape
    assert not g_v[1, steps - 5:].any()
    want, want_best = crf.viterbi_decode(x[0], trans)
    assert np.array_equal(d_v[0], want)
    np.testing.assert_allclose(b_v[0], want_best)
    assert not d_v[1, steps - 5:].any()


# ---- cells ---------------------------------------------------------------------------------
def test_cells_one_step():
    rng = np.random.default_rng(2)
    x, state, trans = rng.normal(size=(2, O)), rng.normal(size=(2, O)), rng.normal(size=(O, O))
    with gc.Graph().as_default():
        fwd = crf.CrfForwardRnnCell(gc.constant(trans))
        dec = crf.CrfDecodeForwardRnnCell(gc.constant(trans))
        back = crf.CrfDecodeBackwardRnnCell(O)
        assert (fwd.state_size, fwd.output_size, back.state_size, back.output_size) == (O, O,
                                                                                      1, 1)
        alphas, alphas2 = fwd(gc.constant(x), gc.constant(state))
        bp, new_state = dec(gc.constant(x), gc.constant(state))
        prev, prev2 = back(bp, gc.constant([[2], [0]]))
        assert bp.dtype == gc.int32 and prev.shape.as_list() == [2, 1]
        _, rnn_alphas = gc.nn.dynamic_rnn(fwd, gc.constant(x[:, None]),
                                          initial_state=gc.constant(state))
        with gc.Session() as sess:
            a, a2, b, s, p, r = sess.run([alphas, alphas2, bp, new_state, prev, rnn_alphas])
    v = state[:, :, None] + trans
    np.testing.assert_allclose(a, x + np.log(np.exp(v).sum(1)))
    np.testing.assert_allclose(a2, a)
    np.testing.assert_allclose(r, a)
    np.testing.assert_array_equal(b, v.argmax(1))
    np.testing.assert_allclose(s, x + v.max(1))
    np.testing.assert_array_equal(p[:, 0], [b[0, 2], b[1, 0]])


def test_crf_forward():
    x, _, lengths, trans = case(60)
    with gc.Graph().as_default():
        alphas = crf.crf_forward(x[:, 1:], x[:, 0], trans, np.maximum(lengths - 1, 0))
        log_z = gc.reduce_logsumexp(alphas, [1])
        with gc.Session() as sess:
            got = sess.run(log_z)
    for b, n in enumerate(lengths):
        np.testing.assert_allclose(got[b], bf_log_norm(x[b], max(n, 1), trans), atol=1e-12)


# ---- errors --------------------------------------------------------------------------------
def test_errors_name_the_tensor():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (None, O), name="unary")
        with pytest.raises(gc.errors.ShapeError, match="rank 3.*\n.*'unary'"):
            crf.crf_log_norm(x, [1], np.eye(O, dtype=np.float32))
        x = gc.placeholder(gc.float32, (None, None, None), name="no_tags")
        with pytest.raises(gc.errors.ShapeError, match="number of tags.*\n.*'no_tags'"):
            crf.crf_log_likelihood(x, [[0]], [1])
        x = gc.placeholder(gc.float32, (None, None, O))
        tags = gc.placeholder(gc.float32, (None, None), name="float_tags")
        with pytest.raises(TypeError, match="int32 or int64.*\n.*'float_tags'"):
            crf.crf_sequence_score(x, tags, [1], np.eye(O, dtype=np.float32))
        with pytest.raises(TypeError, match="tag_bitmap must be bool"):
            crf.crf_multitag_sequence_score(x, gc.zeros_like(x), [1],
                                            np.eye(O, dtype=np.float32))
