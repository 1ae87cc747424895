"""gc.contrib.seq2seq, group 1: sequence_loss, BasicDecoder, dynamic_decode, the helpers,
tile_batch and hardmax, checked against plain numpy written here (an unrolled decode with
the session's weights) and finite differences."""
import numpy as np
import pytest

import graphc as gc

s2s = gc.contrib.seq2seq
B, T, D, H, V = 3, 4, 2, 5, 6


def _softmax_xent(logits, targets):
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -np.take_along_axis(logp, targets[..., None], -1)[..., 0]


# ---- sequence_loss -----------------------------------------------------------------------
@pytest.mark.parametrize("at, ab, st, sb", [
    (True, True, False, False), (False, False, True, True), (True, False, False, False),
    (False, True, False, False), (False, False, True, False), (False, False, False, True),
    (False, False, False, False), (True, False, False, True), (False, True, True, False)])
def test_sequence_loss_flags(at, ab, st, sb):
    rng = np.random.RandomState(0)
    logits = rng.randn(B, T, V).astype(np.float32)
    targets = rng.randint(0, V, (B, T)).astype(np.int32)
    weights = (rng.rand(B, T) > 0.3).astype(np.float32) * rng.rand(B, T).astype(np.float32)
    weights[0] = 0.0
    loss = s2s.sequence_loss(gc.constant(logits), gc.constant(targets), gc.constant(weights),
                             average_across_timesteps=at, average_across_batch=ab,
                             sum_over_timesteps=st, sum_over_batch=sb)
    with gc.Session() as sess:
        got = sess.run(loss)
    ce = _softmax_xent(logits.astype(np.float64), targets) * weights
    nz = (weights != 0).astype(np.float64)

    def div(a, b):
        return np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))
    if at and ab:
        want = div(ce.sum(), weights.sum())
    elif st and sb:
        want = div(ce.sum(), nz.sum())
    elif at or ab:
        ax = 0 if ab else 1
        want = div(ce.sum(ax), weights.sum(ax))
    elif st or sb:
        ax = 0 if sb else 1
        want = div(ce.sum(ax), nz.sum(ax))
    else:
        want = ce
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_sequence_loss_errors_and_custom_loss():
    logits, targets = gc.zeros((2, 3, 4)), gc.zeros((2, 3), gc.int32)
    w = gc.ones((2, 3))
    with pytest.raises(ValueError, match="Logits must be"):
        s2s.sequence_loss(gc.zeros((2, 3)), targets, w)
    with pytest.raises(ValueError, match="Targets must be"):
        s2s.sequence_loss(logits, gc.zeros((2,), gc.int32), w)
    with pytest.raises(ValueError, match="Weights must be"):
        s2s.sequence_loss(logits, targets, gc.ones((2, 3, 1)))
    with pytest.raises(ValueError, match="average_across_timesteps and sum_over_timesteps"):
        s2s.sequence_loss(logits, targets, w, sum_over_timesteps=True)
    with pytest.raises(ValueError, match="average_across_batch and sum_over_batch"):
        s2s.sequence_loss(logits, targets, w, sum_over_batch=True)
    seen = {}

    def custom(labels, logits):
        seen["shapes"] = (labels.shape.as_list(), logits.shape.as_list())
        return gc.reduce_sum(logits, -1) + 1.0
    loss = s2s.sequence_loss(logits, targets, w, softmax_loss_function=custom)
    with gc.Session() as sess:
        assert sess.run(loss) == pytest.approx(1.0)
    assert seen["shapes"][1][1] is None or seen["shapes"][1][1] == 4


# ---- a numpy decode --------------------------------------------------------------------------
def _rnn_weights(sess):
    values = {v.name: sess.run(v) for v in gc.global_variables()}
    k = [a for n, a in values.items() if n.endswith("basic_rnn_cell/kernel:0")][0]
    b = [a for n, a in values.items() if n.endswith("basic_rnn_cell/bias:0")][0]
    dk = [a for n, a in values.items() if "dense" in n and n.endswith("kernel:0")]
    db = [a for n, a in values.items() if "dense" in n and n.endswith("bias:0")]
    return k, b, (dk[0], db[0]) if dk else None


def _np_step(x, h, k, b, dense):
    h = np.tanh(np.concatenate([x, h], -1) @ k + b)
    return (h @ dense[0] + dense[1] if dense else h), h


def _np_training_decode(x, lengths, k, b, dense, impute):
    """(outputs (B, steps, V), ids, final state, lengths) of a TrainingHelper decode."""
    steps = max(lengths)
    h = np.zeros((x.shape[0], k.shape[1]))
    finished = np.asarray(lengths) == 0
    outs, seq = [], np.zeros(len(lengths), np.int64)
    for t in range(steps):
        inp = x[:, t] if t < x.shape[1] else np.zeros_like(x[:, 0])
        out, new_h = _np_step(inp, h, k, b, dense)
        seq = np.where(finished, seq, t + 1)
        if impute:
            out = np.where(finished[:, None], 0.0, out)
            new_h = np.where(finished[:, None], h, new_h)
        outs.append(out)
        h = new_h
        finished = finished | (t + 1 >= np.asarray(lengths))
    outs = np.stack(outs, 1)
    return outs, outs.argmax(-1), h, seq


def _training_decoder(x, lengths, output_layer=True, **kw):
    cell = gc.nn.rnn_cell.BasicRNNCell(H)
    helper = s2s.TrainingHelper(x, lengths)
    layer = gc.layers.Dense(V) if output_layer is True else output_layer
    dec = s2s.BasicDecoder(cell, helper, cell.zero_state(B, gc.float32), output_layer=layer)
    return dec, s2s.dynamic_decode(dec, **kw)


@pytest.mark.parametrize("impute", [False, True])
def test_training_decode_matches_numpy(impute):
    rng = np.random.RandomState(1)
    xv = rng.randn(B, T, D).astype(np.float32)
    lengths = [4, 2, 3]
    x = gc.placeholder(gc.float32, (None, None, D))
    L = gc.placeholder(gc.int32, (None,))
    dec, (out, state, lens) = _training_decoder(x, L, impute_finished=impute)
    assert isinstance(out, s2s.BasicDecoderOutput)
    assert [v.name for v in gc.global_variables()] == [
        "decoder/basic_rnn_cell/kernel:0", "decoder/basic_rnn_cell/bias:0",
        "decoder/dense/kernel:0", "decoder/dense/bias:0"]
    assert dec.output_size.rnn_output.as_list() == [V]
    assert dec.output_dtype == s2s.BasicDecoderOutput(gc.float32, gc.int32)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        got, st, ln = sess.run([out, state, lens], {x: xv, L: lengths})
        k, b, dense = _rnn_weights(sess)
    want, ids, h, seq = _np_training_decode(xv, lengths, k, b, dense, impute)
    np.testing.assert_allclose(got.rnn_output, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got.sample_id, ids)
    np.testing.assert_array_equal(ln, seq)
    if impute:      # the state at each entry's end
        np.testing.assert_allclose(st, h, rtol=1e-5, atol=1e-6)


def test_time_major_and_maximum_iterations():
    rng = np.random.RandomState(2)
    xv = rng.randn(B, T, D).astype(np.float32)
    x = gc.constant(xv)
    _, (out, _, lens) = _training_decoder(x, [4, 4, 4], output_layer=None,
                                          output_time_major=True, maximum_iterations=2)
    assert out.rnn_output.shape.as_list() == [None, B, H]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        o, ln = sess.run([out.rnn_output, lens])
        k, b, _ = _rnn_weights(sess)
    want, _, _, _ = _np_training_decode(xv, [2, 2, 2], k, b, None, False)
    np.testing.assert_allclose(o, want.transpose(1, 0, 2), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ln, [2, 2, 2])


def test_gradients_through_training_decode():
    rng = np.random.RandomState(3)
    xv = rng.randn(2, 3, D)
    x = gc.placeholder(gc.float64, (2, 3, D))
    cell = gc.nn.rnn_cell.BasicRNNCell(3, dtype=gc.float64)
    h0 = gc.placeholder(gc.float64, (2, 3))
    dec = s2s.BasicDecoder(cell, s2s.TrainingHelper(x, [3, 2]), h0)
    out, state, _ = s2s.dynamic_decode(dec, impute_finished=True)
    y = gc.reduce_sum(gc.sin(out.rnn_output)) + gc.reduce_sum(state * state)
    with gc.Session():
        gc.global_variables_initializer().run()
        hv = rng.randn(2, 3)
        err_x = gc.test.compute_gradient_error(x, (2, 3, D), y, (), x_init_value=xv,
                                               delta=1e-5, extra_feed_dict={h0: hv})
        err_h = gc.test.compute_gradient_error(h0, (2, 3), y, (), x_init_value=hv,
                                               delta=1e-5, extra_feed_dict={x: xv})
    assert err_x < 1e-6 and err_h < 1e-6


def test_training_loss_goes_down():
    rng = np.random.RandomState(4)
    emb = gc.Variable(rng.randn(V, D).astype(np.float32) * 0.5, name="emb")
    targets = rng.randint(0, V, (B, T)).astype(np.int32)
    inputs = gc.nn.embedding_lookup(emb, np.concatenate([np.zeros((B, 1), np.int32),
                                                         targets[:, :-1]], 1))
    lengths = np.array([4, 3, 4], np.int32)
    cell = gc.nn.rnn_cell.GRUCell(8)
    dec = s2s.BasicDecoder(cell, s2s.TrainingHelper(inputs, lengths),
                           cell.zero_state(B, gc.float32), gc.keras.layers.Dense(V))
    out, _, _ = s2s.dynamic_decode(dec)
    mask = gc.sequence_mask(lengths, T, dtype=gc.float32)
    loss = s2s.sequence_loss(out.rnn_output, targets, mask)
    train = gc.train.AdamOptimizer(0.05).minimize(loss)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        first = sess.run(loss)
        for _ in range(30):
            sess.run(train)
        assert sess.run(loss) < 0.5 * first


# ---- inference helpers -------------------------------------------------------------------
def _np_greedy(emb, start, end, k, b, dense, max_iter):
    x = emb[start]
    h = np.zeros((len(start), k.shape[1]))
    finished = np.zeros(len(start), bool)
    seq, outs, ids = np.zeros(len(start), np.int64), [], []
    for t in range(max_iter):
        if finished.all():
            break
        out, h = _np_step(x, h, k, b, dense)
        i = out.argmax(-1)
        seq = np.where(finished, seq, t + 1)
        outs.append(out)
        ids.append(i)
        finished = finished | (i == end)
        x = emb[start] if finished.all() else emb[i]
    return np.stack(outs, 1), np.stack(ids, 1), seq


@pytest.mark.parametrize("end", [0, 3, 5])
def test_greedy_embedding_decode(end):
    rng = np.random.RandomState(5)
    emb = rng.randn(V, D).astype(np.float32) * 2
    start = np.array([1, 2, 3], np.int32)
    cell = gc.nn.rnn_cell.BasicRNNCell(H)
    helper = s2s.GreedyEmbeddingHelper(gc.constant(emb), gc.constant(start), end)
    dec = s2s.BasicDecoder(cell, helper, cell.zero_state(B, gc.float32),
                           output_layer=gc.layers.Dense(V))
    out, _, lens = s2s.dynamic_decode(dec, maximum_iterations=7)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        got, ln = sess.run([out, lens])
        k, b, dense = _rnn_weights(sess)
    outs, ids, seq = _np_greedy(emb, start, end, k, b, dense, 7)
    np.testing.assert_allclose(got.rnn_output, outs, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got.sample_id, ids)
    np.testing.assert_array_equal(ln, seq)


def test_sample_embedding_helper():
    cell = gc.nn.rnn_cell.BasicRNNCell(H)
    emb = np.random.RandomState(6).randn(V, D).astype(np.float32)
    helper = s2s.SampleEmbeddingHelper(emb, [1, 2, 3], V + 1, softmax_temperature=0.5,
                                       seed=3)
    dec = s2s.BasicDecoder(cell, helper, cell.zero_state(B, gc.float32),
                           output_layer=gc.layers.Dense(V))
    out, _, lens = s2s.dynamic_decode(dec, maximum_iterations=5)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        ids, ln = sess.run([out.sample_id, lens])
    assert ids.shape == (B, 5) and ids.min() >= 0 and ids.max() < V
    np.testing.assert_array_equal(ln, [5, 5, 5])
    with pytest.raises(ValueError, match="start_tokens must be a vector"):
        s2s.GreedyEmbeddingHelper(emb, 1, 2)
    with pytest.raises(ValueError, match="end_token must be a scalar"):
        s2s.GreedyEmbeddingHelper(emb, [1], [2])


def test_inference_and_custom_helpers():
    start = np.full((B, 2), 0.5, np.float32)
    cell = gc.nn.rnn_cell.BasicRNNCell(2)
    helper = s2s.InferenceHelper(sample_fn=lambda o: o, sample_shape=[2],
                                 sample_dtype=gc.float32, start_inputs=start,
                                 end_fn=lambda ids: ids[:, 0] > 0.9)
    dec = s2s.BasicDecoder(cell, helper, cell.zero_state(B, gc.float32))
    assert dec.output_size.sample_id.as_list() == [2]
    out, _, lens = s2s.dynamic_decode(dec, maximum_iterations=4)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        got, ln = sess.run([out, lens])
        k, b, _ = _rnn_weights(sess)
    x, h, finished, outs = start, np.zeros((B, 2)), np.zeros(B, bool), []
    for t in range(4):
        o, h = _np_step(x, h, k, b, None)
        outs.append(o)
        finished = finished | (o[:, 0] > 0.9)
        x = o
    np.testing.assert_allclose(got.rnn_output, np.stack(outs, 1)[:, :got.rnn_output.shape[1]],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got.sample_id, got.rnn_output)

    custom = s2s.CustomHelper(lambda: (gc.constant([False, False]), gc.ones((2, 3))),
                              lambda time, outputs, state: gc.argmax(outputs, -1,
                                                                     output_type=gc.int32),
                              lambda time, outputs, state, sample_ids: (
                                  gc.fill([2], time >= 2), gc.ones((2, 3)), state))
    with pytest.raises(ValueError, match="batch_size accessed before initialize"):
        custom.batch_size
    cell = gc.nn.rnn_cell.BasicRNNCell(4)
    out, _, lens = s2s.dynamic_decode(s2s.BasicDecoder(cell, custom, cell.zero_state(2,
                                                                                gc.float32)))
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        assert sess.run(out.rnn_output).shape == (2, 3, 4)
        np.testing.assert_array_equal(sess.run(lens), [3, 3])


# ---- scheduled sampling ------------------------------------------------------------------
def _np_replay(xv, fed_at, k, b, dense, steps):
    """Outputs of a decode whose inputs at t+1 are fed_at(t, out, default)."""
    h, x, outs = np.zeros((xv.shape[0], k.shape[1])), xv[:, 0], []
    for t in range(steps):
        o, h = _np_step(x, h, k, b, dense)
        outs.append(o)
        if t + 1 < steps:
            x = fed_at(t, o, xv[:, t + 1])
    return np.stack(outs, 1)


@pytest.mark.parametrize("p", [0.0, 1.0, 0.5])
def test_scheduled_embedding_training_helper(p):
    rng = np.random.RandomState(7)
    xv = rng.randn(B, T, D).astype(np.float32)
    emb = rng.randn(V, D).astype(np.float32)
    cell = gc.nn.rnn_cell.BasicRNNCell(H)
    helper = s2s.ScheduledEmbeddingTrainingHelper(xv, [T] * B, emb, p, seed=1)
    dec = s2s.BasicDecoder(cell, helper, cell.zero_state(B, gc.float32), gc.layers.Dense(V))
    out, _, _ = s2s.dynamic_decode(dec)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        got = sess.run(out)
        k, b, dense = _rnn_weights(sess)
    ids = got.sample_id
    if p == 0.0:
        assert (ids == -1).all()
    if p == 1.0:
        assert (ids >= 0).all()
    want = _np_replay(xv, lambda t, o, x: np.where(ids[:, t:t + 1] > -1,
                                                   emb[np.maximum(ids[:, t], 0)], x),
                      k, b, dense, T)
    np.testing.assert_allclose(got.rnn_output, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_scheduled_output_training_helper(p):
    rng = np.random.RandomState(8)
    xv = rng.randn(B, T, H).astype(np.float32)
    aux = rng.randn(B, T, 1).astype(np.float32)
    cell = gc.nn.rnn_cell.BasicRNNCell(H)
    helper = s2s.ScheduledOutputTrainingHelper(xv[..., :H - 1], [T] * B, p,
                                               auxiliary_inputs=aux,
                                               next_inputs_fn=lambda o: o[:, :H - 1] * 2.0)
    dec = s2s.BasicDecoder(cell, helper, cell.zero_state(B, gc.float32))
    out, _, _ = s2s.dynamic_decode(dec)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        got = sess.run(out)
        k, b, _ = _rnn_weights(sess)
    assert got.sample_id.dtype == bool and got.sample_id.all() == (p == 1.0)
    full = np.concatenate([xv[..., :H - 1], aux], -1)
    want = _np_replay(full, lambda t, o, x: np.concatenate([o[:, :H - 1] * 2, aux[:, t + 1]],
                                                           -1) if p else x, k, b, None, T)
    np.testing.assert_allclose(got.rnn_output, want, rtol=1e-5, atol=1e-5)


# ---- tile_batch, hardmax, errors -----------------------------------------------------------
def test_tile_batch_and_hardmax():
    t = np.arange(6).reshape(2, 3)
    x = gc.placeholder(gc.int64, (None, 3))
    tiled = s2s.tile_batch({"a": x, "b": gc.constant([1.0, 2.0])}, 3)
    assert tiled["a"].shape.as_list() == [None, 3] and tiled["b"].shape.as_list() == [6]
    h = s2s.hardmax(gc.constant([[1.0, 3.0, 2.0], [5.0, 0.0, 1.0]]))
    with gc.Session() as sess:
        got = sess.run(tiled, {x: t})
        np.testing.assert_array_equal(got["a"], np.repeat(t, 3, 0))
        np.testing.assert_array_equal(got["b"], [1, 1, 1, 2, 2, 2])
        np.testing.assert_array_equal(sess.run(h), [[0, 1, 0], [1, 0, 0]])
    with pytest.raises(ValueError, match="statically known rank"):
        s2s.tile_batch(gc.constant(1.0), 2)


def test_decoder_errors():
    cell = gc.nn.rnn_cell.BasicRNNCell(2)
    helper = s2s.TrainingHelper(gc.zeros((2, 3, 2)), [3, 3])
    with pytest.raises(TypeError, match="Expected decoder to be type Decoder"):
        s2s.dynamic_decode(object())
    with pytest.raises(TypeError, match="helper must be a Helper"):
        s2s.BasicDecoder(cell, object(), cell.zero_state(2, gc.float32))
    with pytest.raises(TypeError, match="output_layer must be a Layer"):
        s2s.BasicDecoder(cell, helper, cell.zero_state(2, gc.float32), output_layer=len)
    with pytest.raises(TypeError, match="is not an RNNCell"):
        s2s.BasicDecoder(object(), helper, None)
    dec = s2s.BasicDecoder(cell, helper, cell.zero_state(2, gc.float32))
    with pytest.raises(ValueError, match="maximum_iterations must be a scalar"):
        s2s.dynamic_decode(dec, maximum_iterations=[3])
    with pytest.raises(ValueError, match="sequence_length to be a vector"):
        s2s.TrainingHelper(gc.zeros((2, 3, 2)), 3)
    with pytest.raises(ValueError, match="scalar or a vector"):
        s2s.ScheduledOutputTrainingHelper(gc.zeros((2, 3, 2)), [3, 3], [[0.5]])
