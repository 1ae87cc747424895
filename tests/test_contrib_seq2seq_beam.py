"""gc.contrib.seq2seq, group 3: gather_tree against a numpy backtrace, and
BeamSearchDecoder against a brute-force search over every sequence of a tiny
vocabulary (a beam as wide as the search space keeps every candidate)."""
import itertools

import numpy as np
import pytest

import graphc as gc

s2s = gc.contrib.seq2seq


def _np_gather_tree(step_ids, parents, lengths, end):
    t_max, batch, beams = step_ids.shape
    out = np.full_like(step_ids, end)
    for b in range(batch):
        n = min(lengths[b], t_max)
        for k in range(beams):
            beam, seq = k, []
            for t in reversed(range(n)):
                seq.append(step_ids[t, b, beam])
                beam = parents[t, b, beam]
            seq = seq[::-1]
            if end in seq:
                seq = seq[:seq.index(end) + 1] + [end] * (n - seq.index(end) - 1)
            out[:n, b, k] = seq
    return out


def test_gather_tree_matches_numpy_backtrace():
    rng = np.random.RandomState(0)
    step_ids = rng.randint(0, 5, (6, 3, 4)).astype(np.int32)
    parents = rng.randint(0, 4, (6, 3, 4)).astype(np.int32)
    lengths = np.array([6, 3, 0], np.int32)
    got = s2s.gather_tree(step_ids, parents, lengths, 4)
    assert got.shape.as_list() == [6, 3, 4] and got.dtype == gc.int32
    with gc.Session() as sess:
        np.testing.assert_array_equal(sess.run(got), _np_gather_tree(step_ids, parents,
                                                                     lengths, 4))
        bad = s2s.gather_tree(step_ids, np.full_like(parents, 7), lengths, 4)
        with pytest.raises(gc.errors.ExecutionError, match="outside"):
            sess.run(bad)
    with pytest.raises(gc.errors.DTypeError):
        s2s.gather_tree(step_ids.astype(np.float32), parents, lengths, 4)


B, V, H, END = 2, 3, 4, 2


def _np_log_probs(seq, h, x, emb, w):
    """log p(seq) under the numpy copy of the decoder, and its length (to its first END)."""
    total, n = 0.0, 0
    for tok in seq:
        if n and seq[n - 1] == END:
            break
        h = np.tanh(np.concatenate([x, h]) @ w["k"] + w["b"])
        logits = h @ w["dk"] + w["db"]
        z = logits - logits.max()
        total += (z - np.log(np.exp(z).sum()))[tok]
        x, n = emb[tok], n + 1
    return total, n


@pytest.mark.parametrize("penalty", [0.0, 0.7])
def test_beam_search_matches_brute_force(penalty):
    steps, k = 2, V ** 2
    rng = np.random.RandomState(1)
    emb = rng.randn(V, H).astype(np.float32)
    h0 = rng.randn(B, H).astype(np.float32)
    cell = gc.nn.rnn_cell.BasicRNNCell(H)
    dec = s2s.BeamSearchDecoder(cell, emb, [0, 1], END, s2s.tile_batch(gc.constant(h0), k), k,
                                output_layer=gc.layers.Dense(V), length_penalty_weight=penalty)
    assert dec.output_size.scores.as_list() == [k]
    out, state, lengths = s2s.dynamic_decode(dec, maximum_iterations=steps)
    assert isinstance(out, s2s.FinalBeamSearchDecoderOutput)
    assert isinstance(state, s2s.BeamSearchDecoderState)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        ids, scores, beam_lengths = sess.run([out.predicted_ids,
                                              out.beam_search_decoder_output.scores,
                                              state.lengths])
        values = {v.name: sess.run(v) for v in gc.global_variables()}
    w = {"k": values["decoder/basic_rnn_cell/kernel:0"],
         "b": values["decoder/basic_rnn_cell/bias:0"],
         "dk": values["decoder/dense/kernel:0"], "db": values["decoder/dense/bias:0"]}
    assert ids.shape == (B, steps, k)
    for b, start in enumerate([0, 1]):
        found = {}
        for seq in itertools.product(range(V), repeat=steps):
            seq = list(seq)
            if END in seq[:-1]:
                first = seq.index(END)
                if seq[first:] != [END] * (steps - first):
                    continue
            lp, n = _np_log_probs(seq, h0[b], emb[start], emb, w)
            # TF's length for the score: choosing END adds no length on the step it is
            # chosen (a beam that finished earlier was counted with its END)
            scored = n - 1 if seq[steps - 1] == END and n == steps else n
            found[tuple(seq)] = (lp / ((5.0 + scored) / 6.0) ** penalty, n)
        best = sorted(found, key=lambda s: -found[s][0])
        n_valid = len(best)
        np.testing.assert_allclose(scores[b, -1, :n_valid], [found[s][0] for s in best],
                                   rtol=1e-4, atol=1e-5)
        assert [tuple(ids[b, :, j]) for j in range(n_valid)] == best
        assert list(beam_lengths[b, :n_valid]) == [found[s][1] for s in best]


def test_beam_search_with_attention_and_coverage():
    b, k, s, v, h = 2, 3, 6, 5, 4
    rng = np.random.RandomState(2)
    memory = s2s.tile_batch(gc.constant(rng.randn(b, s, h).astype(np.float32)), k)
    attention = s2s.BahdanauAttention(h, memory, s2s.tile_batch(gc.constant([6, 4]), k))
    cell = s2s.AttentionWrapper(gc.nn.rnn_cell.BasicRNNCell(h), attention,
                                alignment_history=True)
    dec = s2s.BeamSearchDecoder(cell, rng.randn(v, h).astype(np.float32), [0, 0], 1,
                                cell.zero_state(b * k, gc.float32), k,
                                output_layer=gc.layers.Dense(v), length_penalty_weight=0.5,
                                coverage_penalty_weight=0.2)
    out, state, _ = s2s.dynamic_decode(dec, maximum_iterations=4)
    history = state.cell_state.alignment_history        # reordered, stacked
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        ids, hist, lengths = sess.run([out.predicted_ids, history, state.lengths])
    assert ids.shape[0] == b and ids.shape[2] == k and ids.min() >= 0 and ids.max() < v
    assert hist.shape == (ids.shape[1], b * k, s)
    np.testing.assert_allclose(hist.reshape(-1, b, k, s)[..., 4:][:, 1], 0.0)
    assert (lengths <= 4).all()
    with pytest.raises(ValueError, match="coverage_penalty_weight must be 0.0"):
        d = s2s.BeamSearchDecoder(gc.nn.rnn_cell.BasicRNNCell(h), np.eye(v, h), [0], 1,
                                  gc.zeros((k, h)), k, coverage_penalty_weight=0.5)
        d.initialize()
    with pytest.raises(ValueError, match="start_tokens must be a vector"):
        s2s.BeamSearchDecoder(cell, np.eye(v, h), 0, 1, None, k)
    with pytest.raises(gc.errors.ShapeError, match="cannot reshape"):
        s2s.BeamSearchDecoder(gc.nn.rnn_cell.BasicRNNCell(h), np.eye(v, h), [0, 0], 1,
                              gc.zeros((5, h)), k)
