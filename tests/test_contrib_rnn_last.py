"""The last tf.contrib.rnn cells (TF 1.15): BidirectionalGridLSTMCell,
LayerNormBasicGRUCell, LayerNormLSTMCell, WeightNormLSTMCell, MinimalRNNCell and CFNCell,
against numpy written here from TF 1.15's formulas: variable names and shapes, two steps,
a run under gc.nn.dynamic_rnn and a finite-difference check of one step's gradients
(the harnesses come from the sibling contrib rnn tests)."""
import numpy as np
import pytest

import graphc as gc
from test_contrib_rnn_conv import check_flat_cell
from test_contrib_rnn_more import B, D, N, LSTMStateTuple, cat, check_cell, layer_norm, \
    sigmoid, zeros_lstm, zeros_vec

rnn = gc.contrib.rnn


# ---- LayerNormBasicGRUCell ------------------------------------------------------------------
GRU_SCOPES = ("update_gate", "reset_gate", "candidate_linear_x", "candidate_linear_h")


def np_ln_gru(w, x, h, ln=True):
    def part(v, s):
        y = v @ w[f"{s}/kernel"]
        return layer_norm(y, w[f"{s}/gamma"], w[f"{s}/beta"]) if ln else y + w[f"{s}/bias"]
    z = sigmoid(part(cat(x, h), "update_gate"))
    r = sigmoid(part(cat(x, h), "reset_gate"))
    cand = np.tanh(part(x, "candidate_linear_x") + r * part(h, "candidate_linear_h"))
    new = (1 - z) * h + z * cand
    return new, new


def gru_names(ln):
    rows = {"update_gate": D + N, "reset_gate": D + N, "candidate_linear_x": D,
            "candidate_linear_h": N}
    names = {f"{s}/{v}": (N,) for s in GRU_SCOPES for v in ("gamma", "beta")} if ln else {}
    names.update({f"{s}/kernel": (rows[s], N) for s in GRU_SCOPES})
    if not ln:
        names.update({f"{s}/bias": (N,) for s in GRU_SCOPES})
    return names


@pytest.mark.parametrize("ln", [True, False])
def test_layer_norm_basic_gru_cell(ln):
    check_cell(lambda: rnn.LayerNormBasicGRUCell(N, layer_norm=ln),
               lambda w, x, h: np_ln_gru(w, x, h, ln), zeros_vec(), gru_names(ln))


def test_layer_norm_basic_gru_cell_variable_order_and_initializers():
    with gc.Graph().as_default():
        cell = rnn.LayerNormBasicGRUCell(N, norm_gain=2.0, norm_shift=0.5)
        cell(gc.zeros([B, D]), gc.zeros([B, N]))
        names = [v.name for v in cell.variables]
        assert names[0] == "layer_norm_basic_gru_cell/update_gate/gamma:0"
        assert names[-1] == "layer_norm_basic_gru_cell/candidate_linear_h/kernel:0"
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            g, b = sess.run(cell.variables[:2])
    np.testing.assert_array_equal(g, 2.0)
    np.testing.assert_array_equal(b, 0.5)


# ---- LayerNormLSTMCell ----------------------------------------------------------------------
def np_ln_lstm(w, x, state, ln=False, peep=False, proj=None, cell_clip=None, proj_clip=None,
               fb=1.0):
    c, m = state

    def norm(v, s):
        return layer_norm(v, w[f"{s}/gamma"], w[f"{s}/beta"]) if ln else v
    y = cat(x, m) @ w["kernel"] + (0 if ln else w["bias"])
    i, j, f, o = (norm(g, s) for g, s in
                  zip(np.split(y, 4, 1), ("input", "transform", "forget", "output")))
    pf, pi, po = (w[f"w_{g}_diag"] if peep else 0 for g in "fio")
    new_c = norm(sigmoid(f + fb + pf * c) * c + sigmoid(i + pi * c) * np.tanh(j), "state")
    if cell_clip is not None:
        new_c = np.clip(new_c, -cell_clip, cell_clip)
    new_m = sigmoid(o + po * new_c) * np.tanh(new_c)
    if proj:
        new_m = new_m @ w["projection/kernel"]
        if proj_clip is not None:
            new_m = np.clip(new_m, -proj_clip, proj_clip)
    return new_m, LSTMStateTuple(new_c, new_m)


def test_layer_norm_lstm_cell_plain():
    check_cell(lambda: rnn.LayerNormLSTMCell(N), np_ln_lstm, zeros_lstm(),
               {"kernel": (D + N, 4 * N), "bias": (4 * N,)})


def test_layer_norm_lstm_cell_layer_norm_peepholes_projection_clips():
    p = 3
    names = {"kernel": (D + p, 4 * N), "bias": (4 * N,)}
    names.update({f"{s}/{v}": (N,) for s in ("input", "transform", "forget", "output")
                  for v in ("gamma", "beta")})
    names.update({f"w_{g}_diag": (N,) for g in "fio"})
    names.update({"state/gamma": (N,), "state/beta": (N,), "projection/kernel": (N, p)})
    check_cell(lambda: rnn.LayerNormLSTMCell(N, use_peepholes=True, layer_norm=True,
                                             num_proj=p, cell_clip=1.5, proj_clip=0.7,
                                             forget_bias=0.5),
               lambda w, x, s: np_ln_lstm(w, x, s, True, True, p, 1.5, 0.7, 0.5),
               zeros_lstm(N, p), names)


def test_layer_norm_lstm_cell_variable_order_and_sizes():
    with gc.Graph().as_default():
        cell = rnn.LayerNormLSTMCell(N, use_peepholes=True, layer_norm=True, num_proj=3)
        assert cell.state_size == LSTMStateTuple(N, 3) and cell.output_size == 3
        cell(gc.zeros([B, D]), cell.zero_state(B, gc.float32))
        got = [v.name.split("/", 1)[1][:-2] for v in cell.variables]
    assert got == ["kernel", "bias", "input/gamma", "input/beta", "transform/gamma",
                   "transform/beta", "forget/gamma", "forget/beta", "output/gamma",
                   "output/beta", "w_f_diag", "w_i_diag", "w_o_diag", "state/gamma",
                   "state/beta", "projection/kernel"]


# ---- WeightNormLSTMCell ---------------------------------------------------------------------
def l2n(k):
    return k / np.sqrt(np.maximum((k ** 2).sum(0, keepdims=True), 1e-12))


def np_wn_lstm(w, x, state, norm=True, peep=False, proj=None, cell_clip=None):
    c, m = state
    p, d = "wn_lstm_cell/", x.shape[1]
    k = w[p + "kernel"]
    if norm:
        k = np.concatenate([l2n(k[:d]) * w[p + "norm_0"], l2n(k[d:]) * w[p + "norm_1"]], 0)
    i, j, f, o = np.split(cat(x, m) @ k + w[p + "bias"], 4, 1)
    pf, pi, po = (w[f"{p}w_{g}_diag"] if peep else 0 for g in "fio")
    new_c = c * sigmoid(f + 1 + pf * c) + sigmoid(i + pi * c) * np.tanh(j)
    if cell_clip is not None:
        new_c = np.clip(new_c, -cell_clip, cell_clip)
    new_m = sigmoid(o + po * new_c) * np.tanh(new_c)
    if proj:
        pk = w[p + "projection/kernel"]
        new_m = new_m @ (l2n(pk) * w[p + "projection/norm_0"] if norm else pk)
    return new_m, LSTMStateTuple(new_c, new_m)


def test_weight_norm_lstm_cell():
    p = "wn_lstm_cell/"
    check_cell(lambda: rnn.WeightNormLSTMCell(N), np_wn_lstm, zeros_lstm(),
               {p + "kernel": (D + N, 4 * N), p + "norm_0": (4 * N,), p + "norm_1": (4 * N,),
                p + "bias": (4 * N,)})


def test_weight_norm_lstm_cell_peepholes_projection_and_no_norm():
    p, q = "wn_lstm_cell/", 3
    names = {p + "kernel": (D + q, 4 * N), p + "norm_0": (4 * N,), p + "norm_1": (4 * N,),
             p + "bias": (4 * N,), p + "w_f_diag": (N,), p + "w_i_diag": (N,),
             p + "w_o_diag": (N,), p + "projection/kernel": (N, q),
             p + "projection/norm_0": (q,)}
    check_cell(lambda: rnn.WeightNormLSTMCell(N, use_peepholes=True, num_proj=q,
                                              cell_clip=1.5),
               lambda w, x, s: np_wn_lstm(w, x, s, True, True, q, 1.5), zeros_lstm(N, q),
               names)
    check_cell(lambda: rnn.WeightNormLSTMCell(N, norm=False),
               lambda w, x, s: np_wn_lstm(w, x, s, norm=False), zeros_lstm(),
               {p + "kernel": (D + N, 4 * N), p + "bias": (4 * N,)}, grad=False)


def test_weight_norm_lstm_cell_scope_is_tf_1_15s():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (B, 2, D))
        cell = rnn.WeightNormLSTMCell(N)
        gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)
        assert cell.variables[0].name == "rnn/wn_lstm_cell/wn_lstm_cell/kernel:0"
        other = rnn.WeightNormLSTMCell(N)
        other(x[:, 0], other.zero_state(B, gc.float32), scope="s")
        assert other.variables[0].name == "s/wn_lstm_cell/wn_lstm_cell/kernel:0"


# ---- MinimalRNNCell and CFNCell -------------------------------------------------------------
def np_minimal(w, x, h):
    d = x.shape[1]
    ff = np.tanh(x @ w["kernel"][:d])
    u = sigmoid(cat(ff, h) @ w["kernel"][d:] + w["bias"])
    new = u * h + (1 - u) * ff
    return new, new


def np_cfn(w, x, h):
    n = h.shape[1]
    theta, eta = np.split(sigmoid(h @ w["recurrent_kernel"] + x @ w["kernel"][:, :2 * n]
                                  + w["bias"]), 2, 1)
    new = theta * np.tanh(h) + (1 - eta) * np.tanh(x @ w["kernel"][:, 2 * n:])
    return new, new


def test_minimal_rnn_cell():
    check_cell(lambda: rnn.MinimalRNNCell(N), np_minimal, zeros_vec(),
               {"kernel": (D + 2 * N, N), "bias": (N,)})


def test_cfn_cell():
    check_cell(lambda: rnn.CFNCell(N), np_cfn, zeros_vec(),
               {"kernel": (D, 3 * N), "recurrent_kernel": (N, 2 * N), "bias": (2 * N,)})


def test_minimal_and_cfn_initializers_activation_and_errors():
    with gc.Graph().as_default():
        cells = [rnn.MinimalRNNCell(N), rnn.CFNCell(N, activation="relu",
                                                   bias_initializer="zeros")]
        for c in cells:
            c(gc.ones([B, D]), gc.zeros([B, N]))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            b_min, b_cfn = sess.run([cells[0].bias, cells[1].bias])
    np.testing.assert_array_equal(b_min, 1.0)           # TF 1.15's default: 'ones'
    np.testing.assert_array_equal(b_cfn, 0.0)
    with pytest.raises(ValueError, match="Unknown initializer"):
        rnn.CFNCell(N, kernel_initializer="nope")
    with pytest.raises(TypeError):
        rnn.MinimalRNNCell(N, bogus=1)


# ---- BidirectionalGridLSTMCell --------------------------------------------------------------
def np_grid_pass(w, x, state, prefix, starts, n, fs, peep):
    """One direction: starts[b] lists block b's slice columns in processing order."""
    outs, new = [], {}
    for b, cols in enumerate(starts):
        c_freq = m_freq = np.zeros((x.shape[0], n))
        for k, col in enumerate(cols):
            key = f"{prefix}_state_f{k:02d}_b{b:02d}"
            c_time, m_time = state[key + "_c"], state[key + "_m"]
            inp = cat(x[:, col:col + fs], m_time, m_freq)
            cs, os_ = {}, {}
            for d, t in (("freq", "f"), ("time", "t")):
                i, j, f, o = np.split(inp @ w[f"{prefix}/W_{t}_{b}_0"] + w[f"{prefix}/B_{t}_{b}"],
                                      4, 1)
                if peep:
                    pw = {g: w[f"{prefix}/W_{g}_diag_{d}f_{b}"] * c_freq
                          + w[f"{prefix}/W_{g}_diag_{d}t_{b}"] * c_time for g in "IF"}
                    i, f = i + pw["I"], f + pw["F"]
                prev = c_freq if d == "freq" else c_time
                cs[d] = sigmoid(f + 1.0) * prev + sigmoid(i) * np.tanh(j)
                os_[d] = o
            ms = {}
            for d in ("freq", "time"):
                o = os_[d]
                if peep:
                    o = o + w[f"{prefix}/W_O_diag_{d}f_{b}"] * cs["freq"] \
                        + w[f"{prefix}/W_O_diag_{d}t_{b}"] * cs["time"]
                ms[d] = sigmoid(o) * np.tanh(cs[d])
            c_freq, m_freq = cs["freq"], ms["freq"]
            new[key + "_c"], new[key + "_m"] = cs["time"], ms["time"]
            outs += [ms["time"], ms["freq"]]
    return outs, new


def bidi_step(n, fs, skip, blocks, offset=0, peep=False):
    """blocks: [(start column, slice count)]."""
    keys = [f"{p}_state_f{k:02d}_b{b:02d}_{cm}" for p in ("fwd", "bwd")
            for b, (_, c) in enumerate(blocks) for k in range(c) for cm in "cm"]
    fwd = [[lo + k * skip for k in range(c)] for lo, c in blocks]

    def step(w, x, s):
        s = dict(zip(keys, s))
        xb = np.pad(x, [(0, 0), (max(-offset, 0), max(offset, 0))])
        bwd = [[col + max(offset, 0) for col in cols][::-1] for cols in fwd]
        o1, n1 = np_grid_pass(w, x, s, "fwd", fwd, n, fs, peep)
        o2, n2 = np_grid_pass(w, xb, s, "bwd", bwd, n, fs, peep)
        new = dict(n1, **n2)
        return np.concatenate(o1 + o2, 1), [new[k] for k in keys]
    return step


def bidi_names(n, fs, nblocks, peep):
    names = {}
    for p in ("fwd", "bwd"):
        for b in range(nblocks):
            for t in "ft":
                names[f"{p}/W_{t}_{b}_0"] = (fs + 2 * n, 4 * n)
                names[f"{p}/B_{t}_{b}"] = (4 * n,)
            if peep:
                names.update({f"{p}/W_{g}_diag_{d}{s}_{b}": (n,) for g in "FIO"
                              for d in ("freq", "time") for s in "ft"})
    return names


def bidi_state(n, slices, seed=3):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((B, n)) for _ in range(4 * slices)]


@pytest.mark.parametrize("offset", [0, 1, -1])
def test_bidirectional_grid_lstm_cell(offset):
    n, fs = 2, 2
    check_flat_cell(lambda: rnn.BidirectionalGridLSTMCell(
                        n, feature_size=fs, frequency_skip=1, num_frequency_blocks=[3],
                        backward_slice_offset=offset),
                    4, bidi_names(n, fs, 1, False), bidi_step(n, fs, 1, [(0, 3)], offset),
                    bidi_state(n, 3))


def test_bidirectional_grid_lstm_cell_peepholes_and_blocks():
    n, fs = 2, 2
    check_flat_cell(lambda: rnn.BidirectionalGridLSTMCell(
                        n, use_peepholes=True, feature_size=fs, frequency_skip=1,
                        num_frequency_blocks=[2, 1], start_freqindex_list=[0, 3],
                        end_freqindex_list=[3, 5]),
                    5, bidi_names(n, fs, 2, True),
                    bidi_step(n, fs, 1, [(0, 2), (3, 1)], peep=True), bidi_state(n, 3))


def test_bidirectional_grid_lstm_cell_sizes_and_errors():
    cell = rnn.BidirectionalGridLSTMCell(3, feature_size=2, frequency_skip=1,
                                         num_frequency_blocks=[2])
    assert type(cell.state_size).__name__ == "BidirectionalGridLSTMStateTuple"
    assert cell.state_size._fields == (
        "fwd_state_f00_b00_c", "fwd_state_f00_b00_m", "fwd_state_f01_b00_c",
        "fwd_state_f01_b00_m", "bwd_state_f00_b00_c", "bwd_state_f00_b00_m",
        "bwd_state_f01_b00_c", "bwd_state_f01_b00_m")
    assert cell.output_size == 2 * 2 * 3 * 2            # slices, (m_time, m_freq), n, fwd/bwd
    with gc.Graph().as_default():
        out, state = cell(gc.ones([B, 3]), cell.zero_state(B, gc.float32))
        assert out.shape.as_list() == [B, 24] and type(state) is cell.state_tuple_type
        with pytest.raises(ValueError, match="Invalid num_frequency_blocks"):
            bad = rnn.BidirectionalGridLSTMCell(3, feature_size=2, frequency_skip=1,
                                                num_frequency_blocks=[4])
            bad(gc.ones([B, 3]), bad.zero_state(B, gc.float32))
    with pytest.raises(ValueError, match="num_frequency_blocks"):
        rnn.BidirectionalGridLSTMCell(3)


# ---- NTMCell --------------------------------------------------------------------------------
def softmax(v):
    e = np.exp(v - v.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def softplus(v):
    return np.log1p(np.exp(v))


def np_ntm(w, x, st, mvd, reads_n, writes_n, sr=1, clip=20.0):
    """One NTM step with a BasicRNNCell controller, from the NTM paper's equations."""
    h, reads, ws, M, t = st
    heads_n, b = reads_n + writes_n, x.shape[0]
    if t == 0:
        reads = [np.tile(np.tanh(w[f"initial_read_vector_{i}"]), (b, 1)) for i in range(reads_n)]
        ws = [np.tile(softmax(w[f"initial_address_weights_{i}"]), (b, 1))
              for i in range(heads_n)]
        M = np.tile(w["memory"][None], (b, 1, 1))
    h2 = np.tanh(cat(x, *reads, h) @ w["basic_rnn_cell/kernel"] + w["basic_rnn_cell/bias"])
    params = np.clip(h2 @ w["parameters_kernel"] + w["parameters_bias"], -clip, clip)
    per = mvd + 2 * sr + 4
    heads = np.split(params[:, :per * heads_n], heads_n, 1)
    erase_add = np.split(params[:, per * heads_n:], 2 * writes_n, 1)
    new_ws = []
    for hp, prev_w in zip(heads, ws):
        k, beta, g = np.tanh(hp[:, :mvd]), softplus(hp[:, mvd]), sigmoid(hp[:, mvd + 1])
        s, gamma = softmax(hp[:, mvd + 2:mvd + 3 + 2 * sr]), softplus(hp[:, -1]) + 1
        cos = np.einsum("bmd,bd->bm", M, k) / (
            np.linalg.norm(M, axis=2) * np.linalg.norm(k, axis=1)[:, None] + 1e-8)
        wg = g[:, None] * softmax(beta[:, None] * cos) + (1 - g[:, None]) * prev_w
        # shift by +d weighs s[d] (d = 0..sr), by -e weighs s[2 sr + 1 - e] (e = 1..sr)
        shifted = sum(s[:, d, None] * np.roll(wg, d, 1) for d in range(sr + 1))
        shifted = shifted + sum(s[:, 2 * sr + 1 - e, None] * np.roll(wg, -e, 1)
                                for e in range(1, sr + 1))
        sharp = shifted ** gamma[:, None]
        new_ws.append(sharp / sharp.sum(1, keepdims=True))
    new_reads = [np.einsum("bm,bmd->bd", wr, M) for wr in new_ws[:reads_n]]
    for i, ww in enumerate(new_ws[reads_n:]):
        erase, add = sigmoid(erase_add[2 * i]), np.tanh(erase_add[2 * i + 1])
        M = M * (1 - ww[:, :, None] * erase[:, None]) + ww[:, :, None] * add[:, None]
    out = np.clip(cat(h2, *new_reads) @ w["output_kernel"] + w["output_bias"], -clip, clip)
    return out, rnn.NTMControllerState(h2, new_reads, new_ws, M, t + 1)


def ntm_state(n, ms, mvd, reads_n, heads_n, t, seed=5):
    rng = np.random.default_rng(seed)
    ws = [rng.random((B, ms)) + 0.1 for _ in range(heads_n)]
    return rnn.NTMControllerState(
        rng.standard_normal((B, n)), [rng.standard_normal((B, mvd)) for _ in range(reads_n)],
        [v / v.sum(1, keepdims=True) for v in ws], rng.standard_normal((B, ms, mvd)),
        np.int32(t))


@pytest.mark.parametrize("t", [0, 1])
def test_ntm_cell(t):
    n, ms, mvd, out = 3, 5, 2, 2
    per = mvd + 2 + 4
    names = {"parameters_kernel": (n, per * 3 + 2 * mvd), "parameters_bias": (per * 3 + 2 * mvd,),
             "output_kernel": (n + 2 * mvd, out), "output_bias": (out,),
             "initial_read_vector_0": (1, mvd), "initial_read_vector_1": (1, mvd),
             "initial_address_weights_0": (1, ms), "initial_address_weights_1": (1, ms),
             "initial_address_weights_2": (1, ms), "memory": (ms, mvd),
             "basic_rnn_cell/kernel": (D + 2 * mvd + n, n), "basic_rnn_cell/bias": (n,)}
    check_cell(lambda: rnn.NTMCell(gc.nn.rnn_cell.BasicRNNCell(n), ms, mvd, 2, 1,
                                   output_dim=out, dtype=gc.float64),
               lambda w, x, s: np_ntm(w, x, s, mvd, 2, 1), ntm_state(n, ms, mvd, 2, 3, t),
               names, grad=t == 1)


def test_ntm_cell_sizes_zero_state_and_initializers():
    with gc.Graph().as_default():
        ntm = rnn.NTMCell(gc.nn.rnn_cell.GRUCell(4), memory_size=6, memory_vector_dim=3,
                          read_head_num=1, write_head_num=2, shift_range=2)
        size = ntm.state_size
        assert size.read_vector_list == [3] and size.w_list == [6, 6, 6]
        assert ntm.output_size is None
        x = gc.placeholder(gc.float32, (B, 4, 5))
        outs, state = gc.nn.dynamic_rnn(ntm, x, dtype=gc.float32)
        assert ntm.output_size == 5 and outs.shape.as_list() == [B, 4, 5]
        assert state.M.shape.as_list() == [B, 6, 3]
        assert ntm.variables[-1].name.startswith("rnn/ntm_cell/gru_cell/")
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            memory = [v for v in ntm.variables if v.name == "rnn/ntm_cell/memory:0"]
            o, t, mem = sess.run([outs, state.time, memory[0]],
                                 {x: np.ones((B, 4, 5), np.float32)})
    assert t == 4 and np.isfinite(o).all()
    np.testing.assert_allclose(mem, 1e-6)
    with pytest.raises(TypeError, match="RNNCell"):
        rnn.NTMCell("cell", 6, 3, 1, 1)
