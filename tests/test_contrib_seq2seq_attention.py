"""gc.contrib.seq2seq, group 2: attention mechanisms, AttentionWrapper and monotonic
attention, checked against their formulas in plain numpy and finite differences."""
import numpy as np
import pytest

import graphc as gc

s2s = gc.contrib.seq2seq
B, S, D, H = 2, 5, 3, 4
LENGTHS = [5, 3]


def _softmax(z):
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def _masked(mem, lengths):
    return mem * (np.arange(mem.shape[1])[None, :] < np.asarray(lengths)[:, None])[..., None]


def _mask_score(score, lengths):
    keep = np.arange(score.shape[1])[None, :] < np.asarray(lengths)[:, None]
    return np.where(keep, score, -np.inf)


def _values(sess):
    return {v.name[:-2]: sess.run(v) for v in gc.global_variables()}


def _np_bahdanau(q, mem, w, prefix, normalize):
    keys = mem @ w["memory_layer/kernel"]
    pq = q @ w[prefix + "query_layer/kernel"]
    v = w[prefix + "attention_v"]
    if normalize:
        v = w[prefix + "attention_g"] * v / np.sqrt((v * v).sum())
        return (v * np.tanh(keys + pq[:, None] + w[prefix + "attention_b"])).sum(-1)
    return (v * np.tanh(keys + pq[:, None])).sum(-1)


@pytest.mark.parametrize("normalize", [False, True])
def test_bahdanau_attention_scores(normalize):
    rng = np.random.RandomState(0)
    mem = rng.randn(B, S, D).astype(np.float32)
    q = rng.randn(B, 6).astype(np.float32)
    att = s2s.BahdanauAttention(H, mem, LENGTHS, normalize=normalize)
    assert att.alignments_size == S and att.batch_size == B and att.state_size == S
    align, state = att(gc.constant(q), att.initial_state(B, gc.float32))
    assert align is state
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        got, keys, values = sess.run([align, att.keys, att.values])
        w = _values(sess)
    assert sorted(w) == sorted(["memory_layer/kernel", "bahdanau_attention/query_layer/kernel",
                                "bahdanau_attention/attention_v"] +
                               (["bahdanau_attention/attention_g",
                                 "bahdanau_attention/attention_b"] if normalize else []))
    mm = _masked(mem, LENGTHS)
    np.testing.assert_allclose(values, mm, rtol=1e-6)
    np.testing.assert_allclose(keys, mm @ w["memory_layer/kernel"], rtol=1e-5, atol=1e-6)
    score = _np_bahdanau(q, mm, w, "bahdanau_attention/", normalize)
    np.testing.assert_allclose(got, _softmax(_mask_score(score, LENGTHS)), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("scale", [False, True])
def test_luong_attention_scores(scale):
    rng = np.random.RandomState(1)
    mem = rng.randn(B, S, D).astype(np.float32)
    q = rng.randn(B, H).astype(np.float32)
    att = s2s.LuongAttention(H, mem, LENGTHS, scale=scale, probability_fn=s2s.hardmax)
    align, _ = att(q, None)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        if scale:
            sess.run(gc.assign(gc.global_variables()[-1], 0.5))
        got = sess.run(align)
        w = _values(sess)
    score = np.einsum("bd,bsd->bs", q, _masked(mem, LENGTHS) @ w["memory_layer/kernel"])
    if scale:
        score = score * w["luong_attention/attention_g"]
    masked = _mask_score(score, LENGTHS)
    np.testing.assert_array_equal(got, np.eye(S)[masked.argmax(-1)])
    with pytest.raises(ValueError, match="Incompatible or unknown inner dimensions"):
        att(gc.zeros((B, H + 1)), None)


def _np_wrapper_step(x, state, mem, w, cell_prefix, layer, output_attention=True):
    """One AttentionWrapper(BasicRNNCell, BahdanauAttention) step in numpy."""
    h_prev, att_prev = state
    cell_in = np.concatenate([x, att_prev], -1)
    h = np.tanh(np.concatenate([cell_in, h_prev], -1) @ w[cell_prefix + "basic_rnn_cell/kernel"]
                + w[cell_prefix + "basic_rnn_cell/bias"])
    score = _np_bahdanau(h, mem, w, cell_prefix + "bahdanau_attention/", False)
    align = _softmax(_mask_score(score, LENGTHS))
    context = np.einsum("bs,bsd->bd", align, mem)
    attention = np.concatenate([h, context], -1) @ w[cell_prefix + "attention_layer/kernel"] \
        if layer else context
    return (attention if output_attention else h), (h, attention), align


@pytest.mark.parametrize("layer, output_attention", [(True, True), (False, False)])
def test_attention_wrapper_in_dynamic_decode(layer, output_attention):
    rng = np.random.RandomState(2)
    mem = rng.randn(B, S, D).astype(np.float32)
    xv = rng.randn(B, 3, D).astype(np.float32)
    att = s2s.BahdanauAttention(H, mem, LENGTHS)
    cell = s2s.AttentionWrapper(gc.nn.rnn_cell.BasicRNNCell(H), att,
                                attention_layer_size=3 if layer else None,
                                alignment_history=True, output_attention=output_attention)
    assert cell.output_size == ((3 if layer else D) if output_attention else H)
    dec = s2s.BasicDecoder(cell, s2s.TrainingHelper(xv, [3, 3]), cell.zero_state(B, gc.float32))
    out, state, _ = s2s.dynamic_decode(dec)
    assert isinstance(state, s2s.AttentionWrapperState)
    history = state.alignment_history.stack()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        got, hist, st = sess.run([out.rnn_output, history,
                                  state._replace(alignment_history=())])
        w = _values(sess)
    mm = _masked(mem, LENGTHS)
    s = (np.zeros((B, H)), np.zeros((B, 3 if layer else D)))
    outs, aligns = [], []
    for t in range(3):
        o, s, a = _np_wrapper_step(xv[:, t], s, mm, w, "decoder/attention_wrapper/", layer,
                                   output_attention)
        outs.append(o)
        aligns.append(a)
    np.testing.assert_allclose(got, np.stack(outs, 1), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(hist, np.stack(aligns), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st.alignments, aligns[-1], rtol=1e-5, atol=1e-6)
    assert st.time == 3


def test_gradients_through_attention_decode():
    rng = np.random.RandomState(3)
    memv, xv = rng.randn(B, S, D), rng.randn(B, 2, D)
    mem = gc.placeholder(gc.float64, (B, S, D))
    x = gc.placeholder(gc.float64, (B, 2, D))
    att = s2s.LuongAttention(H, mem, LENGTHS, scale=True, dtype=gc.float64)
    cell = s2s.AttentionWrapper(gc.nn.rnn_cell.BasicRNNCell(H, dtype=gc.float64), att,
                                attention_layer_size=H, alignment_history=True)
    dec = s2s.BasicDecoder(cell, s2s.TrainingHelper(x, [2, 1]),
                           cell.zero_state(B, gc.float64))
    out, state, _ = s2s.dynamic_decode(dec, impute_finished=True)
    y = gc.reduce_sum(gc.sin(out.rnn_output)) + gc.reduce_sum(state.attention ** 2) + \
        gc.reduce_sum(state.alignment_history.stack() * 0.3)
    with gc.Session():
        gc.global_variables_initializer().run()
        e_mem = gc.test.compute_gradient_error(mem, (B, S, D), y, (), x_init_value=memv,
                                               delta=1e-5, extra_feed_dict={x: xv})
        e_x = gc.test.compute_gradient_error(x, (B, 2, D), y, (), x_init_value=xv,
                                             delta=1e-5, extra_feed_dict={mem: memv})
    assert e_mem < 1e-6 and e_x < 1e-6, (e_mem, e_x)


def test_wrapper_state_clone_multi_and_errors():
    rng = np.random.RandomState(4)
    mem = rng.randn(B, S, D).astype(np.float32)
    a1 = s2s.LuongAttention(H, mem)
    a2 = s2s.BahdanauAttention(H, mem, LENGTHS)
    inner = gc.nn.rnn_cell.BasicLSTMCell(H)
    seen = []

    def cell_input_fn(inputs, attention):
        seen.append(attention.shape.as_list())
        return inputs
    cell = s2s.AttentionWrapper(inner, [a1, a2], attention_layer_size=[2, 3],
                                cell_input_fn=cell_input_fn)
    zero = cell.zero_state(B, gc.float32)
    assert cell.state_size.alignments == (S, S) and cell.output_size == 5
    start = gc.nn.rnn_cell.LSTMStateTuple(gc.ones((B, H)), gc.ones((B, H)))
    state = zero.clone(cell_state=start)
    assert state.cell_state.c.shape.as_list() == [B, H]
    out, new = cell(gc.constant(rng.randn(B, D).astype(np.float32)), state)
    assert seen == [[B, 5]] and out.shape.as_list() == [B, 5]
    assert len(new.alignments) == 2 and new.alignment_history == ((), ())
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        o, n = sess.run([out, new])
    np.testing.assert_allclose(n.alignments[1][1, 3:], 0.0)
    assert o.shape == (B, 5)
    with pytest.raises(TypeError, match="must be an AttentionMechanism"):
        s2s.AttentionWrapper(inner, object())
    with pytest.raises(TypeError, match="contain only instances of AttentionMechanism"):
        s2s.AttentionWrapper(inner, [a1, 3])
    with pytest.raises(ValueError, match="Only one of attention_layer_size and"):
        s2s.AttentionWrapper(inner, a1, attention_layer_size=2,
                             attention_layer=gc.layers.Dense(2))
    with pytest.raises(ValueError, match="exactly one integer per attention_mechanism"):
        s2s.AttentionWrapper(inner, [a1, a2], attention_layer_size=2)
    with pytest.raises(TypeError, match="cell_input_fn must be callable"):
        s2s.AttentionWrapper(inner, a1, cell_input_fn=3)
    with pytest.raises(ValueError, match="Non-matching batch sizes"):
        s2s.AttentionWrapper(inner, a1).zero_state(B * 3, gc.float32)
    with pytest.raises(TypeError, match="Expected state to be instance of"):
        cell(gc.zeros((B, D)), start)
    with pytest.raises(ValueError, match="fully defined inner dims"):
        s2s.LuongAttention(D, gc.placeholder(gc.float32, (B, S, None)))
    with pytest.raises(ValueError, match="does not fit"):
        zero.clone(attention=gc.zeros((B, 7)))


# ---- monotonic attention ---------------------------------------------------------------
def _np_monotonic(p, prev):
    """attention_j = p_j * q_j, q_j = (1 - p_{j-1}) q_{j-1} + prev_j (Raffel et al.)."""
    q = np.zeros_like(p)
    for j in range(p.shape[1]):
        q[:, j] = prev[:, j] + ((1 - p[:, j - 1]) * q[:, j - 1] if j else 0.0)
    return p * q


def test_monotonic_attention_modes_and_safe_cumprod():
    rng = np.random.RandomState(5)
    p = rng.uniform(0.05, 0.95, (B, S))
    prev = _softmax(rng.randn(B, S))
    want = _np_monotonic(p, prev)
    rec = s2s.monotonic_attention(gc.constant(p), gc.constant(prev), "recursive")
    par = s2s.monotonic_attention(p, prev, "parallel")
    hard_p = np.array([[0, 1, 0, 1, 1], [1, 0, 0, 0, 1]], np.float64)
    hard_prev = np.eye(S)[[1, 2]]
    hard = s2s.monotonic_attention(hard_p, hard_prev, "hard")
    cp = s2s.safe_cumprod(gc.constant(p), axis=1, exclusive=True)
    with gc.Session() as sess:
        r, pa, h, c = sess.run([rec, par, hard, cp])
    np.testing.assert_allclose(r, want, rtol=1e-10)
    np.testing.assert_allclose(pa, want, rtol=1e-6)
    np.testing.assert_array_equal(h, [[0, 1, 0, 0, 0], [0, 0, 0, 0, 1]])
    np.testing.assert_allclose(c, np.concatenate([np.ones((B, 1)), np.cumprod(p, 1)[:, :-1]],
                                                 1), rtol=1e-10)
    with pytest.raises(ValueError, match="mode must be"):
        s2s.monotonic_attention(p, prev, "soft")
    with gc.Session():
        for mode in ("recursive", "parallel"):
            x = gc.placeholder(gc.float64, (B, S))
            y = s2s.monotonic_attention(gc.sigmoid(x), prev, mode)
            err = gc.test.compute_gradient_error(x, (B, S), y, (B, S),
                                                 x_init_value=rng.randn(B, S), delta=1e-5)
            assert err < 1e-6


@pytest.mark.parametrize("kind", ["bahdanau", "luong"])
def test_monotonic_mechanisms(kind):
    rng = np.random.RandomState(6)
    mem = rng.randn(B, S, D).astype(np.float64)
    q = rng.randn(B, H)
    if kind == "bahdanau":
        att = s2s.BahdanauMonotonicAttention(H, mem, LENGTHS, score_bias_init=0.5,
                                             mode="recursive", dtype=gc.float64)
    else:
        att = s2s.LuongMonotonicAttention(H, mem, LENGTHS, scale=True, score_bias_init=0.5,
                                          mode="recursive", dtype=gc.float64)
    init = att.initial_alignments(B, gc.float64)
    align, _ = att(gc.constant(q), init)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        a0, got = sess.run([init, align])
        w = _values(sess)
    np.testing.assert_array_equal(a0, np.eye(S)[[0, 0]])
    mm = _masked(mem, LENGTHS)
    prefix = kind + "_monotonic_attention/"
    if kind == "bahdanau":
        score = _np_bahdanau(q, mm, w, prefix, False)
    else:
        score = np.einsum("bd,bsd->bs", q, mm @ w["memory_layer/kernel"]) * \
            w[prefix + "attention_g"]
    score = _mask_score(score + w[prefix + "attention_score_bias"], LENGTHS)
    assert w[prefix + "attention_score_bias"] == 0.5
    np.testing.assert_allclose(got, _np_monotonic(1 / (1 + np.exp(-score)), a0), rtol=1e-8)


def test_attention_wrapper_runs_in_dynamic_rnn():
    """Its scalar int32 `time` state passes through dynamic_rnn's steps (TF1); outputs
    past a sequence's length are zeros and every variable gets a gradient."""
    rng = np.random.default_rng(5)
    with gc.Graph().as_default():
        s2s = gc.contrib.seq2seq
        memory = gc.constant(rng.random((2, 5, 4)).astype(np.float32))
        cell = s2s.AttentionWrapper(gc.nn.rnn_cell.GRUCell(4),
                                    s2s.BahdanauAttention(3, memory),
                                    attention_layer_size=3)
        x = gc.constant(rng.random((2, 6, 2)).astype(np.float32))
        out, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32, sequence_length=[6, 3])
        grads = gc.gradients(gc.reduce_sum(out), gc.trainable_variables())
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            o, t, g = sess.run([out, state.time, grads])
        assert o.shape == (2, 6, 3) and t == 6
        assert not o[1, 3:].any() and o[1, :3].any()
        assert len(g) == len(gc.trainable_variables()) and all(np.isfinite(v).all() for v in g)
