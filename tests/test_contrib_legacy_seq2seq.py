"""gc.contrib.legacy_seq2seq (TF 1.15's tf.contrib.legacy_seq2seq): decoders, models and
losses checked against plain numpy written here with the session's weights, TF 1.15's
variable names, feed_previous (bool and tensor), model_with_buckets, a copy task that
learns, and finite differences."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import legacy_seq2seq as ls

B, T, D, H, V = 3, 4, 2, 5, 6


def _rnn_np(W, b, xs, h):
    """BasicRNNCell unrolled: h = tanh([x, h] @ W + b)."""
    outs = []
    for x in xs:
        h = np.tanh(np.concatenate([x, h], 1) @ W + b)
        outs.append(h)
    return outs, h


def _xent(logits, t):
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -logp[np.arange(len(t)), t]


def _vars(sess, prefix=""):
    return {v.name[len(prefix):-2]: sess.run(v) for v in gc.global_variables()
            if v.name.startswith(prefix)}


def test_rnn_decoder_and_basic_rnn_seq2seq_match_numpy():
    rng = np.random.RandomState(0)
    enc = [gc.constant(rng.randn(B, D).astype(np.float32)) for _ in range(3)]
    dec = [gc.constant(rng.randn(B, D).astype(np.float32)) for _ in range(T)]
    outputs, state = ls.basic_rnn_seq2seq(enc, dec, gc.nn.rnn_cell.BasicRNNCell(H))
    assert len(outputs) == T and outputs[0].shape.as_list() == [B, H]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        w = _vars(sess, "basic_rnn_seq2seq/")
        assert sorted(w) == ["rnn/basic_rnn_cell/bias", "rnn/basic_rnn_cell/kernel",
                             "rnn_decoder/basic_rnn_cell/bias",
                             "rnn_decoder/basic_rnn_cell/kernel"]
        got, got_state = sess.run([outputs, state])
        e, d = sess.run(enc), sess.run(dec)
    _, h = _rnn_np(w["rnn/basic_rnn_cell/kernel"], w["rnn/basic_rnn_cell/bias"], e,
                   np.zeros((B, H), np.float32))
    want, want_state = _rnn_np(w["rnn_decoder/basic_rnn_cell/kernel"],
                               w["rnn_decoder/basic_rnn_cell/bias"], d, h)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state, want_state, rtol=1e-5, atol=1e-6)


def test_rnn_decoder_loop_function_feeds_previous_output():
    x0 = gc.constant(np.ones((B, H), np.float32))
    h0 = gc.zeros((B, H))
    outputs, _ = ls.rnn_decoder([x0, x0 * 7.0, x0 * 9.0], h0, gc.nn.rnn_cell.BasicRNNCell(H),
                                loop_function=lambda prev, i: prev * 0.5)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        w = _vars(sess, "rnn_decoder/basic_rnn_cell/")
        got = sess.run(outputs)
    h, x, want = np.zeros((B, H)), np.ones((B, H)), []
    for _ in range(3):
        h = np.tanh(np.concatenate([x, h], 1) @ w["kernel"] + w["bias"])
        want.append(h)
        x = h * 0.5
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_tied_rnn_seq2seq_shares_one_cell():
    rng = np.random.RandomState(1)
    xs = [gc.constant(rng.randn(B, H).astype(np.float32)) for _ in range(3)]
    outputs, _ = ls.tied_rnn_seq2seq(xs, xs[:2], gc.nn.rnn_cell.BasicRNNCell(H))
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        w = _vars(sess)
        got = sess.run(outputs)
        x = sess.run(xs)
    p = "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/basic_rnn_cell/"
    assert sorted(w) == [p + "bias", p + "kernel"]
    _, h = _rnn_np(w[p + "kernel"], w[p + "bias"], x, np.zeros((B, H)))
    np.testing.assert_allclose(got, _rnn_np(w[p + "kernel"], w[p + "bias"], x[:2], h)[0],
                               rtol=1e-5, atol=1e-6)


def test_losses_match_numpy():
    rng = np.random.RandomState(2)
    logits = [rng.randn(B, V).astype(np.float32) for _ in range(T)]
    targets = [rng.randint(0, V, B).astype(np.int32) for _ in range(T)]
    weights = [rng.rand(B).astype(np.float32) for _ in range(T)]
    weights[1][:] = 0.0
    lt, tt, wt = ([gc.constant(a) for a in arrs] for arrs in (logits, targets, weights))
    per_ex = ls.sequence_loss_by_example(lt, tt, wt)
    per_ex_sum = ls.sequence_loss_by_example(lt, tt, wt, average_across_timesteps=False)
    loss = ls.sequence_loss(lt, tt, wt)
    loss_sum = ls.sequence_loss(lt, tt, wt, average_across_timesteps=False,
                                average_across_batch=False)
    custom = ls.sequence_loss(lt, tt, wt, softmax_loss_function=lambda labels, logits:
                              gc.reduce_sum(logits, 1) * 0.0 + 1.0)
    assert per_ex.name.startswith("sequence_loss_by_example")
    with gc.Session() as sess:
        got = sess.run([per_ex, per_ex_sum, loss, loss_sum, custom])
    ce = sum(_xent(lg.astype(np.float64), t) * w for lg, t, w in zip(logits, targets, weights))
    total = sum(weights) + 1e-12
    np.testing.assert_allclose(got[0], ce / total, rtol=1e-5)
    np.testing.assert_allclose(got[1], ce, rtol=1e-5)
    np.testing.assert_allclose(got[2], np.sum(ce / total) / B, rtol=1e-5)
    np.testing.assert_allclose(got[3], np.sum(ce), rtol=1e-5)
    np.testing.assert_allclose(got[4], np.sum(sum(weights) / total) / B, rtol=1e-5)
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets"):
        ls.sequence_loss_by_example(lt, tt[:2], wt)


def test_attention_decoder_one_step_matches_formula():
    rng = np.random.RandomState(3)
    L, A = 3, 4
    x = gc.constant(rng.randn(B, D).astype(np.float32))
    h0 = gc.constant(rng.randn(B, H).astype(np.float32))
    att = gc.constant(rng.randn(B, L, A).astype(np.float32))
    outputs, state = ls.attention_decoder([x], h0, att, gc.nn.rnn_cell.BasicRNNCell(H),
                                          output_size=7, initial_state_attention=True)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        w = _vars(sess, "attention_decoder/")
        got, got_state = sess.run([outputs[0], state])
        xv, hv, av = sess.run([x, h0, att])
    assert set(w) == {"AttnOutputProjection/bias", "AttnOutputProjection/kernel",
                      "AttnV_0", "AttnW_0", "Attention_0/bias", "Attention_0/kernel",
                      "basic_rnn_cell/bias", "basic_rnn_cell/kernel", "bias", "kernel"}

    def attention(q):
        feats = av @ w["AttnW_0"][0, 0]                             # (B, L, A)
        y = q @ w["Attention_0/kernel"] + w["Attention_0/bias"]     # (B, A)
        s = (w["AttnV_0"] * np.tanh(feats + y[:, None, :])).sum(-1)
        a = np.exp(s - s.max(1, keepdims=True))
        a /= a.sum(1, keepdims=True)
        return (a[:, :, None] * av).sum(1)
    attn0 = attention(hv)
    inp = np.concatenate([xv, attn0], 1) @ w["kernel"] + w["bias"]
    h1 = np.tanh(np.concatenate([inp, hv], 1) @ w["basic_rnn_cell/kernel"]
                 + w["basic_rnn_cell/bias"])
    out = np.concatenate([h1, attention(h1)], 1) @ w["AttnOutputProjection/kernel"] \
        + w["AttnOutputProjection/bias"]
    np.testing.assert_allclose(got_state, h1, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got, out, rtol=1e-5, atol=1e-5)


def test_attention_decoder_errors_and_gradient():
    att = gc.placeholder(gc.float32, [B, 3, None])
    with pytest.raises(ValueError, match="Shape\\[2\\] of attention_states"):
        ls.attention_decoder([gc.zeros((B, D))], gc.zeros((B, H)), att,
                             gc.nn.rnn_cell.BasicRNNCell(H))
    with pytest.raises(ValueError, match="at least 1 input"):
        ls.attention_decoder([], gc.zeros((B, H)), gc.zeros((B, 3, 4)),
                             gc.nn.rnn_cell.BasicRNNCell(H))
    with pytest.raises(ValueError, match="less than 1 heads"):
        ls.attention_decoder([gc.zeros((B, D))], gc.zeros((B, H)), gc.zeros((B, 3, 4)),
                             gc.nn.rnn_cell.BasicRNNCell(H), num_heads=0)
    rng = np.random.RandomState(4)
    a0 = rng.randn(2, 3, 4)
    a = gc.constant(a0)
    xs = [gc.constant(rng.randn(2, D)) for _ in range(2)]
    cell = gc.nn.rnn_cell.BasicRNNCell(H, dtype=gc.float64)
    outputs, _ = ls.attention_decoder(xs, gc.zeros((2, H), gc.float64), a, cell, num_heads=2,
                                      dtype=gc.float64)
    with gc.Session():
        gc.global_variables_initializer().run()
        err = gc.test.compute_gradient_error(a, [2, 3, 4], outputs[1], [2, H], x_init_value=a0)
    assert err < 1e-6


def test_embedding_rnn_seq2seq_feed_previous_feeds_argmax_embeddings():
    enc = [gc.placeholder(gc.int32, [None]) for _ in range(2)]
    dec = [gc.placeholder(gc.int32, [None]) for _ in range(3)]
    outs_fp, _ = ls.embedding_rnn_seq2seq(enc, dec, gc.nn.rnn_cell.BasicRNNCell(H), V, V, 3,
                                          feed_previous=True)
    names = sorted(v.name for v in gc.global_variables())
    p = "embedding_rnn_seq2seq/"
    assert names == [p + n + ":0" for n in [
        "embedding_rnn_decoder/embedding",
        "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/basic_rnn_cell/bias",
        "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/basic_rnn_cell/kernel",
        "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/bias",
        "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/kernel",
        "rnn/embedding_wrapper/basic_rnn_cell/bias",
        "rnn/embedding_wrapper/basic_rnn_cell/kernel",
        "rnn/embedding_wrapper/embedding"]]
    rng = np.random.RandomState(5)
    feed = {t: rng.randint(0, V, B) for t in enc + dec}
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        w = _vars(sess, p)
        got = sess.run(outs_fp, feed)
    _, h = _rnn_np(w["rnn/embedding_wrapper/basic_rnn_cell/kernel"],
                   w["rnn/embedding_wrapper/basic_rnn_cell/bias"],
                   [w["rnn/embedding_wrapper/embedding"][feed[e]] for e in enc], np.zeros((B, H)))
    q = "embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
    emb, x = w["embedding_rnn_decoder/embedding"], None
    x = emb[feed[dec[0]]]                     # only the "GO" input is used
    for t in range(3):
        h = _rnn_np(w[q + "basic_rnn_cell/kernel"], w[q + "basic_rnn_cell/bias"], [x], h)[1]
        logits = h @ w[q + "kernel"] + w[q + "bias"]
        np.testing.assert_allclose(got[t], logits, rtol=1e-5, atol=1e-5)
        x = emb[logits.argmax(1)]


@pytest.mark.parametrize("model", ["rnn", "attention", "tied"])
def test_feed_previous_tensor_selects_decoder(model):
    enc = [gc.placeholder(gc.int32, [None]) for _ in range(2)]
    dec = [gc.placeholder(gc.int32, [None]) for _ in range(3)]
    fp = gc.placeholder(gc.bool, [])

    def build(feed_previous):
        cell = gc.nn.rnn_cell.LSTMCell(H)
        with gc.variable_scope("m", reuse=gc.AUTO_REUSE):
            if model == "rnn":
                return ls.embedding_rnn_seq2seq(enc, dec, cell, V, V, 3,
                                                feed_previous=feed_previous)
            if model == "tied":
                return ls.embedding_tied_rnn_seq2seq(enc, dec, cell, V, 3,
                                                     feed_previous=feed_previous)
            return ls.embedding_attention_seq2seq(enc, dec, cell, V, V, 3,
                                                  feed_previous=feed_previous)
    outs, state = build(fp)
    n_vars = len(gc.global_variables())
    assert isinstance(state, gc.nn.rnn_cell.LSTMStateTuple)
    outs_t, _ = build(True)
    outs_f, _ = build(False)
    assert len(gc.global_variables()) == n_vars          # one set of variables
    feed = {t: np.arange(B) % V for t in enc + dec}
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for flag, ref in [(True, outs_t), (False, outs_f)]:
            np.testing.assert_allclose(sess.run(outs, {**feed, fp: flag}),
                                       sess.run(ref, feed), rtol=1e-5, atol=1e-6)


def test_output_projection_checks_and_loop():
    enc = [gc.constant(np.arange(B) % V) for _ in range(2)]
    dec = [gc.constant(np.arange(B) % V) for _ in range(2)]
    with pytest.raises(ValueError):
        ls.embedding_rnn_seq2seq(enc, dec, gc.nn.rnn_cell.GRUCell(H), V, V, 3,
                                 output_projection=(gc.zeros((H, V + 1)), gc.zeros((V,))))
    proj = (gc.constant(np.eye(H, V, dtype=np.float32)), gc.zeros((V,)))
    outs, _ = ls.embedding_attention_seq2seq(enc, dec, gc.nn.rnn_cell.GRUCell(H), V, V, 3,
                                             output_projection=proj, feed_previous=True,
                                             scope="p")
    assert outs[0].shape.as_list() == [B, H]      # the cell's output, projected by the user


def test_model_with_buckets_outputs_and_losses():
    enc = [gc.placeholder(gc.int32, [None]) for _ in range(4)]
    dec = [gc.placeholder(gc.int32, [None]) for _ in range(3)]
    tg = [gc.placeholder(gc.int32, [None]) for _ in range(3)]
    wt = [gc.placeholder(gc.float32, [None]) for _ in range(3)]
    def seq2seq(x, y):       # a new cell for each bucket, as TF 1.15 requires
        return ls.embedding_rnn_seq2seq(x, y, gc.nn.rnn_cell.GRUCell(H), V, V, 3)
    buckets = [(2, 2), (4, 3)]
    outputs, losses = ls.model_with_buckets(enc, dec, tg, wt, buckets, seq2seq)
    with gc.variable_scope(gc.get_variable_scope(), reuse=True):
        _, per_ex = ls.model_with_buckets(enc, dec, tg, wt, buckets, seq2seq,
                                          per_example_loss=True, name="pe")
    assert [len(o) for o in outputs] == [2, 3] and losses[0].shape.rank == 0
    assert per_ex[1].shape.as_list() == [None]
    assert len(gc.global_variables()) == 12       # all buckets share one model
    rng = np.random.RandomState(6)
    feed = {t: rng.randint(0, V, B) for t in enc + dec + tg}
    feed.update({w: rng.rand(B).astype(np.float32) for w in wt})
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        outs, ls_, pe = sess.run([outputs, losses, per_ex], feed)
    for j, (i, o) in enumerate(buckets):
        ce = sum(_xent(outs[j][t], feed[tg[t]]) * feed[wt[t]] for t in range(o))
        ce = ce / (sum(feed[wt[t]] for t in range(o)) + 1e-12)
        np.testing.assert_allclose(pe[j], ce, rtol=1e-5)
        np.testing.assert_allclose(ls_[j], ce.sum() / B, rtol=1e-5)
    # The short bucket runs the same model on a prefix of the inputs.
    assert not np.allclose(outs[0][0], outs[1][0])      # different encoder lengths
    with pytest.raises(ValueError, match="encoder_inputs"):
        ls.model_with_buckets(enc[:3], dec, tg, wt, buckets, seq2seq)
    cell = gc.nn.rnn_cell.GRUCell(H)
    with pytest.raises(TypeError, match="was already used"), \
            gc.variable_scope(gc.get_variable_scope(), reuse=True):
        ls.model_with_buckets(enc, dec, tg, wt, buckets, lambda x, y:
                              ls.embedding_rnn_seq2seq(x, y, cell, V, V, 3), name="used")


def test_one2many_rnn_seq2seq():
    enc = [gc.constant(np.arange(B) % V) for _ in range(2)]
    dec = {"a": [gc.constant(np.arange(B) % 4)] * 2, "b": [gc.constant(np.arange(B) % 5)] * 3}
    cells = {"a": gc.nn.rnn_cell.GRUCell(H), "b": gc.nn.rnn_cell.GRUCell(H)}
    outs, states = ls.one2many_rnn_seq2seq(enc, dec, gc.nn.rnn_cell.GRUCell(H), cells, V,
                                           {"a": 4, "b": 5}, 3)
    assert [o.shape.as_list() for o in outs["a"]] == [[B, 4]] * 2
    assert [o.shape.as_list() for o in outs["b"]] == [[B, 5]] * 3
    names = {v.name for v in gc.global_variables()}
    assert "one2many_rnn_seq2seq/one2many_decoder_b/embedding_rnn_decoder/embedding:0" in names
    with pytest.raises(TypeError, match="enc_cell is not an RNNCell"):
        ls.one2many_rnn_seq2seq(enc, dec, object(), cells, V, {"a": 4, "b": 5}, 3)
    with pytest.raises(ValueError, match="keys of dec_cells_dict"):
        ls.one2many_rnn_seq2seq(enc, dec, gc.nn.rnn_cell.GRUCell(H), {"a": cells["a"]}, V,
                                {"a": 4}, 3)


def test_copy_task_loss_goes_down():
    n, vocab = 3, 5
    enc = [gc.placeholder(gc.int32, [None]) for _ in range(n)]
    dec = [gc.placeholder(gc.int32, [None]) for _ in range(n + 1)]
    tgt = dec[1:] + [gc.placeholder(gc.int32, [None])]
    wts = [gc.ones_like(gc.cast(t, gc.float32)) for t in tgt]
    outs, _ = ls.embedding_attention_seq2seq(enc, dec, gc.nn.rnn_cell.GRUCell(16), vocab,
                                             vocab, 8)
    loss = ls.sequence_loss(outs, tgt, wts)
    train = gc.train.AdamOptimizer(0.05).minimize(loss)
    rng = np.random.RandomState(7)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        losses = []
        for _ in range(60):
            seq = rng.randint(1, vocab, (n, 16))
            feed = {e: s for e, s in zip(enc, seq)}
            feed.update({d: s for d, s in zip(dec, [np.zeros(16, int)] + list(seq))})
            feed[tgt[-1]] = np.zeros(16, int)
            losses.append(sess.run([train, loss], feed)[1])
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])
