"""Parity of gc.contrib.rnn's block cells with the kernels TF 2.21 still has as raw ops
(LSTMBlockCell, GRUBlockCell, BlockLSTM): values and gradients. TF 2 has no tf.contrib;
the reference composes the raw ops the way TF 1.15's contrib/rnn does (lstm_ops.py,
gru_ops.py): the gradients of LSTMBlockCell and GRUBlockCell are TF 1.15's registered
gradient functions (the *Grad kernels plus matmuls), BlockLSTM's is TF's own, and the
fused cell's masking and final-state gather are LSTMBlockWrapper.call's."""
import numpy as np
import pytest

from tf_parity import tf, v1

import graphc as gc

B, D, N, T = 3, 4, 5, 6


def _rng(seed):
    return np.random.default_rng(seed)


def _tf_run(build):
    g = tf.Graph()
    with g.as_default(), v1.Session(graph=g) as sess:
        return sess.run(build())


def _gc_cell_run(make_cell, weights, x, state, cts, state_is_tuple=True):
    """(output, new state, gradients wrt x, state leaves and the cell's variables)."""
    gc.reset_default_graph()
    xp = gc.placeholder(gc.float32, x.shape)
    sp = [gc.placeholder(gc.float32, s.shape) for s in state]
    cell = make_cell()
    st = gc.nn.rnn_cell.LSTMStateTuple(*sp) if state_is_tuple else sp[0]
    out, new = cell(xp, st)
    leaves = list(new) if state_is_tuple else [new]
    loss = sum(gc.reduce_sum(t * c) for t, c in zip(leaves, cts))
    names = [v.name.split("/", 1)[1][:-2] for v in cell.variables]
    grads = gc.gradients(loss, [xp] + sp + cell.variables)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for v, n in zip(cell.variables, names):
            v.load(weights[n], sess)
        feed = {xp: x, **dict(zip(sp, state))}
        vals, gs = sess.run([leaves, grads], feed)
    return vals, dict(zip(["x"] + [f"s{i}" for i in range(len(sp))] + names, gs))


def _lstm_weights(seed, peep):
    r = _rng(seed)
    w = {"kernel": r.normal(0, .4, (D + N, 4 * N)).astype(np.float32),
         "bias": r.normal(0, .4, 4 * N).astype(np.float32)}
    for k in ("w_i_diag", "w_f_diag", "w_o_diag"):
        w[k] = (r.normal(0, .4, N) if peep else np.zeros(N)).astype(np.float32)
    return w


@pytest.mark.parametrize("peep,clip,fb", [(False, None, 1.0), (True, None, 0.5),
                                          (True, 0.4, 1.0)])
def test_lstm_block_cell_matches_the_kernel(peep, clip, fb):
    r = _rng(1)
    w = _lstm_weights(2, peep)
    x = r.normal(size=(B, D)).astype(np.float32)
    c0, h0 = (r.normal(size=(B, N)).astype(np.float32) for _ in range(2))
    cts = [r.normal(size=(B, N)).astype(np.float32) for _ in range(2)]

    def ref():
        outs = tf.raw_ops.LSTMBlockCell(
            x=x, cs_prev=c0, h_prev=h0, w=w["kernel"], wci=w["w_i_diag"],
            wcf=w["w_f_diag"], wco=w["w_o_diag"], b=w["bias"], forget_bias=fb,
            cell_clip=clip if clip is not None else -1.0, use_peephole=peep)
        i, cs, f, o, ci, co, h = outs
        cs_prev_g, dicfo, wci_g, wcf_g, wco_g = tf.raw_ops.LSTMBlockCellGrad(
            x=x, cs_prev=c0, h_prev=h0, w=w["kernel"], wci=w["w_i_diag"],
            wcf=w["w_f_diag"], wco=w["w_o_diag"], b=w["bias"], i=i, cs=cs, f=f, o=o, ci=ci,
            co=co, cs_grad=cts[0], h_grad=cts[1], use_peephole=peep)
        xh_g = tf.matmul(dicfo, w["kernel"], transpose_b=True)
        grads = {"x": xh_g[:, :D], "s0": cs_prev_g, "s1": xh_g[:, D:],
                 "kernel": tf.matmul(tf.concat([x, h0], 1), dicfo, transpose_a=True),
                 "bias": tf.reduce_sum(dicfo, 0)}
        if peep:
            grads.update(w_i_diag=wci_g, w_f_diag=wcf_g, w_o_diag=wco_g)
        return [cs, h], grads

    want, want_g = _tf_run(ref)
    got, got_g = _gc_cell_run(
        lambda: gc.contrib.rnn.LSTMBlockCell(N, forget_bias=fb, cell_clip=clip,
                                             use_peephole=peep), w, x, [c0, h0], cts)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert set(got_g) == set(want_g)
    for k in want_g:
        np.testing.assert_allclose(got_g[k], want_g[k], rtol=1e-4, atol=1e-5, err_msg=k)


def test_gru_block_cell_matches_the_kernel():
    r = _rng(3)
    w = {"w_ru": r.normal(0, .4, (D + N, 2 * N)), "b_ru": r.normal(0, .4, 2 * N),
         "w_c": r.normal(0, .4, (D + N, N)), "b_c": r.normal(0, .4, N)}
    w = {k: v.astype(np.float32) for k, v in w.items()}
    x = r.normal(size=(B, D)).astype(np.float32)
    h0 = r.normal(size=(B, N)).astype(np.float32)
    ct = r.normal(size=(B, N)).astype(np.float32)

    def ref():
        rr, u, c, h = tf.raw_ops.GRUBlockCell(x=x, h_prev=h0, w_ru=w["w_ru"], w_c=w["w_c"],
                                             b_ru=w["b_ru"], b_c=w["b_c"])
        d_x, d_h_prev, d_c_bar, d_ru = tf.raw_ops.GRUBlockCellGrad(
            x=x, h_prev=h0, w_ru=w["w_ru"], w_c=w["w_c"], b_ru=w["b_ru"], b_c=w["b_c"],
            r=rr, u=u, c=c, d_h=ct)
        return [h], {
            "x": d_x, "s0": d_h_prev,
            "w_ru": tf.matmul(tf.concat([x, h0], 1), d_ru, transpose_a=True),
            "b_ru": tf.reduce_sum(d_ru, 0),
            "w_c": tf.matmul(tf.concat([x, h0 * rr], 1), d_c_bar, transpose_a=True),
            "b_c": tf.reduce_sum(d_c_bar, 0)}

    want, want_g = _tf_run(ref)
    got, got_g = _gc_cell_run(lambda: gc.contrib.rnn.GRUBlockCell(N), w, x, [h0], [ct],
                              state_is_tuple=False)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-5)
    for k in want_g:
        np.testing.assert_allclose(got_g[k], want_g[k], rtol=1e-4, atol=1e-5, err_msg=k)


def test_gru_block_cell_v2_is_the_same_math_with_gru_cell_names():
    gc.reset_default_graph()
    x = gc.placeholder(gc.float32, (B, D))
    cell = gc.contrib.rnn.GRUBlockCellV2(N)
    cell(x, gc.zeros((B, N)))
    assert [v.name for v in cell.variables] == [
        "gru_cell/gates/kernel:0", "gru_cell/gates/bias:0", "gru_cell/candidate/kernel:0",
        "gru_cell/candidate/bias:0"]


@pytest.mark.parametrize("peep,seq,clip", [(False, None, None), (True, [6, 2, 4], None),
                                           (True, [3, 0, 5], 0.3)])
def test_lstm_block_fused_cell_matches_block_lstm(peep, seq, clip):
    r = _rng(5)
    w = _lstm_weights(6, peep)
    x = r.normal(size=(T, B, D)).astype(np.float32)
    c0, h0 = (r.normal(size=(B, N)).astype(np.float32) for _ in range(2))
    cts = [r.normal(size=s).astype(np.float32) for s in [(T, B, N), (B, N), (B, N)]]

    def ref():
        xs, cs0, hs0 = (tf.constant(a) for a in (x, c0, h0))
        wv = {k: tf.constant(v) for k, v in w.items()}
        max_len = np.int64(T if seq is None else max(seq))
        _, cs, _, _, _, _, h = tf.raw_ops.BlockLSTM(
            seq_len_max=max_len, x=xs, cs_prev=cs0, h_prev=hs0, w=wv["kernel"],
            wci=wv["w_i_diag"], wcf=wv["w_f_diag"], wco=wv["w_o_diag"], b=wv["bias"],
            forget_bias=1.0, cell_clip=-1.0 if clip is None else clip, use_peephole=peep)
        if seq is None:
            outs, fc, fh = h, cs[-1], h[-1]
        else:
            lengths = tf.constant(seq, tf.int32)
            mask = tf.transpose(tf.sequence_mask(lengths, T, dtype=tf.float32), [1, 0])
            outs = h * mask[:, :, None]
            idx = tf.stack([lengths, tf.range(B)], axis=1)
            fc = tf.gather_nd(tf.concat([cs0[None], cs], 0), idx)
            fh = tf.gather_nd(tf.concat([hs0[None], outs], 0), idx)
        loss = sum(tf.reduce_sum(t * c) for t, c in zip([outs, fc, fh], cts))
        wrt = [xs, cs0, hs0, wv["kernel"], wv["bias"]]
        if peep:
            wrt += [wv["w_i_diag"], wv["w_f_diag"], wv["w_o_diag"]]
        return [outs, fc, fh], tf.gradients(loss, wrt)

    want, want_g = _tf_run(ref)
    gc.reset_default_graph()
    xp = gc.placeholder(gc.float32, x.shape)
    c0p, h0p = gc.placeholder(gc.float32, (B, N)), gc.placeholder(gc.float32, (B, N))
    cell = gc.contrib.rnn.LSTMBlockFusedCell(N, use_peephole=peep, cell_clip=clip)
    outs, (fc, fh) = cell(xp, initial_state=(c0p, h0p), sequence_length=seq)
    loss = sum(gc.reduce_sum(t * c) for t, c in zip([outs, fc, fh], cts))
    grads = gc.gradients(loss, [xp, c0p, h0p] + cell.variables)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for v in cell.variables:
            v.load(w[v.name.split("/")[-1][:-2]], sess)
        got, got_g = sess.run([[outs, fc, fh], grads], {xp: x, c0p: c0, h0p: h0})
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    for i, (a, b) in enumerate(zip(got_g, want_g)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4, err_msg=str(i))
