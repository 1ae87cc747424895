"""gc.contrib.rnn's own cells, wrappers and functions (TF 1.15 tf.contrib.rnn) against
numpy written here from TF 1.15's formulas: variable names and shapes, one or two steps,
a run under gc.nn.dynamic_rnn, and a finite-difference check of one step's gradients."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp

rnn = gc.contrib.rnn
LSTMStateTuple = gc.nn.rnn_cell.LSTMStateTuple
B, D, N = 2, 3, 4


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def cat(*xs):
    return np.concatenate(xs, axis=1)


def relu(x):
    return np.maximum(x, 0)


def layer_norm(x, gamma, beta, eps=1e-12):
    m, v = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * gamma + beta


# ---- the harness: a cell's variables served from arrays by a custom getter -----------------
def _getter(weights):
    """Serve weights[name inside the cell's scope] for each variable: the names are
    'w/<cell scope>/...' or, in dynamic_rnn, 'w/rnn/<cell scope>/...'."""
    def getter(getter, name, *args, **kwargs):
        parts = name.split("/")
        start = 3 if parts[1] == "rnn" else 2
        return weights["/".join(parts[start:])]
    return getter


def _as_state(like, leaves):
    return gc.nest.pack_sequence_as(like, list(leaves))


def var_shapes(make_cell, x_shape=(B, D), dtype=gc.float64, call=None):
    """{name: shape} of the variables the cell makes on its first call, in order."""
    with gc.Graph().as_default():
        cell = make_cell()
        x = gc.placeholder(dtype, x_shape)
        if call is None:
            cell(x, cell.zero_state(x_shape[0], dtype))
        else:
            call(cell, x)
        return {v.name[:-2]: tuple(v.shape.as_list()) for v in gc.global_variables()}


def random_weights(shapes, seed=0, scale=0.5):
    rng = np.random.default_rng(seed)
    return {k.split("/", 1)[1]: rng.standard_normal(s) * scale for k, s in shapes.items()}


def run_steps(make_cell, weights, xs, state, dynamic=False):
    """[(output, state)] of the cell over the steps xs (a list of arrays), or, dynamic,
    (outputs, final state) of gc.nn.dynamic_rnn over them."""
    with gc.Graph().as_default():
        ws = {k: gc.constant(v) for k, v in weights.items()}
        flat = [gc.constant(s) for s in gc.nest.flatten(state)]
        st = _as_state(state, flat)
        with gc.variable_scope("w", custom_getter=_getter(ws)):
            cell = make_cell()
            if dynamic:
                out = gc.nn.dynamic_rnn(cell, gc.constant(np.stack(xs, 1)), initial_state=st)
            else:
                out = []
                for x in xs:
                    o, st = cell(gc.constant(x), st)
                    out.append((o, st))
        with gc.Session() as sess:
            return sess.run(out)


def check_cell(make_cell, np_step, state, names, depth=D, steps=2, seed=0, grad=True):
    """Names and shapes, `steps` steps and dynamic_rnn against np_step(w, x, state), and
    one step's gradients against finite differences."""
    shapes = var_shapes(make_cell, (B, depth))
    assert {k.split("/", 1)[1]: v for k, v in shapes.items()} == names
    w = random_weights(shapes, seed)
    rng = np.random.default_rng(seed + 1)
    xs = [rng.standard_normal((B, depth)) for _ in range(steps)]
    got = run_steps(make_cell, w, xs, state)
    want, s = [], state
    for x in xs:
        o, s = np_step(w, x, s)
        want.append((o, s))
    for (go, gs), (wo, ws) in zip(got, want):
        np.testing.assert_allclose(go, wo, rtol=1e-10, atol=1e-12)
        for a, b in zip(gc.nest.flatten(gs), gc.nest.flatten(ws)):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    outs, final = run_steps(make_cell, w, xs, state, dynamic=True)
    np.testing.assert_allclose(outs, np.stack([o for o, _ in want], 1), rtol=1e-10,
                               atol=1e-12)
    for a, b in zip(gc.nest.flatten(final), gc.nest.flatten(want[-1][1])):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    if grad:
        check_step_gradients(make_cell, w, xs[0], state)


def check_step_gradients(make_cell, weights, x, state):
    names = sorted(weights)
    leaves = gc.nest.flatten(state)

    def fn(x, *rest):
        st = _as_state(state, rest[:len(leaves)])
        ws = dict(zip(names, rest[len(leaves):]))
        with gc.variable_scope("w", custom_getter=_getter(ws)):
            out, new = make_cell()(x, st)
        return [out] + gc.nest.flatten(new)
    check_vjp(fn, [x] + list(leaves) + [weights[k] for k in names], rtol=1e-5, atol=1e-6)


def zeros_lstm(n=N, m=None, seed=3):
    rng = np.random.default_rng(seed)
    return LSTMStateTuple(rng.standard_normal((B, n)), rng.standard_normal((B, m or n)))


def zeros_vec(n=N, seed=3):
    return np.random.default_rng(seed).standard_normal((B, n))


# ---- group 1: the block cells ---------------------------------------------------------------
def np_lstm_block(w, x, state, fb=1.0, clip=None, peep=False):
    c, h = state
    i, ci, f, o = np.split(cat(x, h) @ w["kernel"] + w["bias"], 4, axis=1)
    if peep:
        i, f = sigmoid(i + w["w_i_diag"] * c), sigmoid(f + fb + w["w_f_diag"] * c)
    else:
        i, f = sigmoid(i), sigmoid(f + fb)
    cs = np.tanh(ci) * i + c * f
    if clip:
        cs = np.clip(cs, -clip, clip)
    o = sigmoid(o + w["w_o_diag"] * cs) if peep else sigmoid(o)
    h = np.tanh(cs) * o
    return h, LSTMStateTuple(cs, h)


def np_gru_block(w, x, h, names=("w_ru", "b_ru", "w_c", "b_c")):
    w_ru, b_ru, w_c, b_c = (w[n] for n in names)
    r, u = np.split(sigmoid(cat(x, h) @ w_ru + b_ru), 2, axis=1)
    c = np.tanh(cat(x, r * h) @ w_c + b_c)
    h = (1 - u) * c + u * h
    return h, h


LSTM_NAMES = {"kernel": (D + N, 4 * N), "bias": (4 * N,)}
PEEP_NAMES = dict(LSTM_NAMES, w_i_diag=(N,), w_f_diag=(N,), w_o_diag=(N,))


def test_lstm_block_cell():
    check_cell(lambda: rnn.LSTMBlockCell(N, forget_bias=0.5), lambda w, x, s: np_lstm_block(
        w, x, s, fb=0.5), zeros_lstm(), LSTM_NAMES)


def test_lstm_block_cell_peepholes_and_clip():
    check_cell(lambda: rnn.LSTMBlockCell(N, use_peephole=True), lambda w, x, s: np_lstm_block(
        w, x, s, peep=True), zeros_lstm(), PEEP_NAMES)
    # the clip's forward values; its gradient is the identity (TF's kernel), no FD check
    check_cell(lambda: rnn.LSTMBlockCell(N, use_peephole=True, cell_clip=0.2),
               lambda w, x, s: np_lstm_block(w, x, s, clip=0.2, peep=True), zeros_lstm(),
               PEEP_NAMES, grad=False)


def test_lstm_block_cell_names_scopes_and_errors():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (None, D))
        a, b = rnn.LSTMBlockCell(N), rnn.LSTMBlockCell(N)
        s = a.zero_state(2, gc.float32)
        a(x, s), b(x, s)
        assert [v.name for v in a.variables + b.variables] == [
            "lstm_cell/kernel:0", "lstm_cell/bias:0", "lstm_cell_1/kernel:0",
            "lstm_cell_1/bias:0"]
        with pytest.raises(ValueError, match="tuple with length 2"):
            a(x, s[0])


def test_gru_block_cells():
    names = {"w_ru": (D + N, 2 * N), "b_ru": (2 * N,), "w_c": (D + N, N), "b_c": (N,)}
    check_cell(lambda: rnn.GRUBlockCell(N), np_gru_block, zeros_vec(), names)
    v2 = ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")
    check_cell(lambda: rnn.GRUBlockCellV2(cell_size=N),
               lambda w, x, h: np_gru_block(w, x, h, v2), zeros_vec(),
               dict(zip(v2, names.values())))
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size"):
        rnn.GRUBlockCell(N, cell_size=N)


def test_gru_block_bias_initializers_are_tf_1_15s():
    with gc.Graph().as_default():
        cell = rnn.GRUBlockCell(N)
        cell(gc.zeros((B, D)), gc.zeros((B, N)))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            b_ru, b_c = sess.run([cell.variables[1], cell.variables[3]])
    assert (b_ru == 1).all() and (b_c == 0).all()


def _fused_ref(w, x, c0, h0, seq, peep=False):
    """outputs (masked), final (c, h) of the LSTM over time-major x."""
    outs, c, h, finals = [], c0, h0, []
    cs_all, hs_all = [c0], [h0]
    for t in range(x.shape[0]):
        h, (c, _) = np_lstm_block(w, x[t], (c, h), peep=peep)
        cs_all.append(c)
        hs_all.append(h)
        outs.append(h)
    outs = np.stack(outs)
    if seq is None:
        return outs, (cs_all[-1], hs_all[-1])
    mask = (np.arange(x.shape[0])[:, None] < np.asarray(seq)[None]).astype(x.dtype)
    outs = outs * mask[..., None]
    hs_all = [h0] + list(outs)
    finals = (np.stack([cs_all[s][b] for b, s in enumerate(seq)]),
              np.stack([hs_all[s][b] for b, s in enumerate(seq)]))
    return outs, finals


@pytest.mark.parametrize("seq,peep", [(None, False), ([3, 1], True), ([0, 2], False)])
def test_lstm_block_fused_cell(seq, peep):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, B, D))
    c0, h0 = zeros_lstm()
    shapes = var_shapes(lambda: rnn.LSTMBlockFusedCell(N, use_peephole=peep), (3, B, D),
                        call=lambda c, x: c(x, dtype=gc.float64))
    assert set(shapes) == {"lstm_fused_cell/" + k for k in
                           (PEEP_NAMES if peep else LSTM_NAMES)}
    w = random_weights(shapes, 5)
    with gc.Graph().as_default():
        ws = {k: gc.constant(v) for k, v in w.items()}
        with gc.variable_scope("w", custom_getter=_getter(ws)):
            cell = rnn.LSTMBlockFusedCell(N, use_peephole=peep)
            outs, (c, h) = cell(gc.constant(x), initial_state=(c0, h0), sequence_length=seq)
            listed, _ = cell([gc.constant(a) for a in x], initial_state=(c0, h0))
        with gc.Session() as sess:
            got, gl = sess.run([[outs, c, h], listed])
    want_o, (want_c, want_h) = _fused_ref(w, x, c0, h0, seq, peep)
    for a, b in zip(got, [want_o, want_c, want_h]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert isinstance(gl, list) and len(gl) == 3
    np.testing.assert_allclose(gl, _fused_ref(w, x, c0, h0, None, peep)[0], rtol=1e-10)


def test_lstm_block_fused_cell_gradients_and_errors():
    rng = np.random.default_rng(6)
    w = random_weights({"c/kernel": (D + N, 4 * N), "c/bias": (4 * N,)}, 7)

    def fn(x, c0, h0, kernel, bias):
        with gc.variable_scope("w", custom_getter=_getter({"kernel": kernel, "bias": bias})):
            outs, (c, h) = rnn.LSTMBlockFusedCell(N)(x, initial_state=(c0, h0),
                                                     sequence_length=[2, 3])
        return [outs, c, h]
    check_vjp(fn, [rng.standard_normal((3, B, D)), *zeros_lstm(), w["kernel"], w["bias"]],
              rtol=1e-5, atol=1e-6)
    with gc.Graph().as_default():
        cell = rnn.LSTMBlockFusedCell(N)
        with pytest.raises(ValueError, match="Either initial_state or dtype"):
            cell(gc.zeros((3, B, D)))
        with pytest.raises(gc.errors.ShapeError, match="time, batch, depth"):
            cell(gc.zeros((B, D)), dtype=gc.float32)


def test_fused_rnn_cell_adaptor_and_time_reversed():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, B, D))
    with gc.Graph().as_default():
        xt = gc.constant(x)
        cell = gc.nn.rnn_cell.BasicRNNCell(N)
        dyn = rnn.FusedRNNCellAdaptor(cell, use_dynamic_rnn=True)
        o_dyn, s_dyn = dyn(xt, dtype=gc.float64, scope="rnn")
        o_st, s_st = rnn.FusedRNNCellAdaptor(cell)(xt, dtype=gc.float64, scope="rnn")
        o_list, _ = rnn.FusedRNNCellAdaptor(cell)(gc.unstack(xt), dtype=gc.float64,
                                                  scope="rnn")
        rev = rnn.TimeReversedFusedRNN(dyn)
        o_rev, s_rev = rev(xt, dtype=gc.float64, scope="rnn")
        o_rs, _ = rev(xt, dtype=gc.float64, sequence_length=[2, 3], scope="rnn")
        o_ref, s_ref = gc.nn.dynamic_rnn(cell, gc.reverse(xt, [0]), dtype=gc.float64,
                                         time_major=True, scope="rnn")
        o_ref2, _ = gc.nn.dynamic_rnn(cell, gc.reverse_sequence(xt, [2, 3], 0, 1),
                                      dtype=gc.float64, time_major=True,
                                      sequence_length=[2, 3], scope="rnn")
        assert len(gc.global_variables()) == 2
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            r = sess.run(dict(dyn=o_dyn, st=o_st, ss=[s_dyn, s_st], lst=o_list, rev=o_rev,
                              ref=gc.reverse(o_ref, [0]), rs=o_rs,
                              ref2=gc.reverse_sequence(o_ref2, [2, 3], 0, 1),
                              srev=[s_rev, s_ref]))
    np.testing.assert_allclose(r["dyn"], r["st"], rtol=1e-12)
    np.testing.assert_allclose(r["ss"][0], r["ss"][1], rtol=1e-12)
    np.testing.assert_allclose(np.stack(r["lst"]), r["st"], rtol=1e-12)
    np.testing.assert_allclose(r["rev"], r["ref"], rtol=1e-12)
    np.testing.assert_allclose(r["srev"][0], r["srev"][1], rtol=1e-12)
    np.testing.assert_allclose(r["rs"], r["ref2"], rtol=1e-12)
    with pytest.raises(TypeError):
        rnn.FusedRNNCell()


# ---- group 2: more cells ---------------------------------------------------------------------
def np_ln_lstm(w, x, state, fb=1.0):
    c, h = state
    i, j, f, o = np.split(cat(x, h) @ w["kernel"], 4, axis=1)
    i, j, f, o = (layer_norm(t, w[s + "/gamma"], w[s + "/beta"]) for t, s in
                  zip((i, j, f, o), ("input", "transform", "forget", "output")))
    new_c = layer_norm(c * sigmoid(f + fb) + sigmoid(i) * np.tanh(j), w["state/gamma"],
                       w["state/beta"])
    new_h = np.tanh(new_c) * sigmoid(o)
    return new_h, LSTMStateTuple(new_c, new_h)


def _ln_names(scopes, n=N):
    return {f"{s}/{v}": (n,) for s in scopes for v in ("gamma", "beta")}


def test_layer_norm_basic_lstm_cell():
    names = dict({"kernel": (D + N, 4 * N)},
                 **_ln_names(("input", "transform", "forget", "output", "state")))
    check_cell(lambda: rnn.LayerNormBasicLSTMCell(N), np_ln_lstm, zeros_lstm(), names)
    plain = {"kernel": (D + N, 4 * N), "bias": (4 * N,)}
    check_cell(lambda: rnn.LayerNormBasicLSTMCell(N, layer_norm=False), _np_basic_lstm,
               zeros_lstm(), plain)


def _np_basic_lstm(w, x, state, fb=1.0):
    c, h = state
    i, j, f, o = np.split(cat(x, h) @ w["kernel"] + w["bias"], 4, axis=1)
    new_c = c * sigmoid(f + fb) + sigmoid(i) * np.tanh(j)
    new_h = np.tanh(new_c) * sigmoid(o)
    return new_h, LSTMStateTuple(new_c, new_h)


def test_layer_norm_lstm_recurrent_dropout_in_dynamic_rnn():
    with gc.Graph().as_default():
        x = gc.constant(np.random.default_rng(0).standard_normal((B, 5, D)))
        cell = rnn.LayerNormBasicLSTMCell(N, dropout_keep_prob=0.5, dropout_prob_seed=3)
        out, _ = gc.nn.dynamic_rnn(cell, x, dtype=gc.float64)
        g = gc.gradients(gc.reduce_sum(out), cell.variables[0])[0]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            o, gv = sess.run([out, g])
    assert o.shape == (B, 5, N) and np.isfinite(gv).all()


def np_cifg(w, x, state, peep=False, proj=False):
    c, m = state
    j, f, o = np.split(cat(x, m) @ w["W_0"] + w["B"], 3, axis=1)
    f = sigmoid(f + 1.0 + (w["W_F_diag"] * c if peep else 0))
    c = f * c + (1 - f) * np.tanh(j)
    m = sigmoid(o + (w["W_O_diag"] * c if peep else 0)) * np.tanh(c)
    if proj:
        m = m @ w["W_P_0"]
    return m, LSTMStateTuple(c, m)


def test_coupled_input_forget_gate_lstm_cell():
    check_cell(lambda: rnn.CoupledInputForgetGateLSTMCell(N, use_peepholes=True, num_proj=3),
               lambda w, x, s: np_cifg(w, x, s, True, True), zeros_lstm(N, 3),
               {"W_0": (D + 3, 3 * N), "B": (3 * N,), "W_F_diag": (N,), "W_O_diag": (N,),
                "W_P_0": (N, 3)})
    shapes = var_shapes(lambda: rnn.CoupledInputForgetGateLSTMCell(N, num_unit_shards=2,
                                                                   layer_norm=True))
    assert shapes["coupled_input_forget_gate_lstm_cell/W_0"] == (4, 3 * N)
    assert shapes["coupled_input_forget_gate_lstm_cell/W_1"] == (3, 3 * N)
    assert "coupled_input_forget_gate_lstm_cell/state/gamma" in shapes


def np_nas(w, x, state, proj=False, bias=False):
    c, m = state
    a = np.split(x @ w["kernel"], 8, axis=1)
    b = np.split(m @ w["recurrent_kernel"] + (w["bias"] if bias else 0), 8, axis=1)
    l1 = [sigmoid(a[0] + b[0]), relu(a[1] + b[1]), sigmoid(a[2] + b[2]), relu(a[3] * b[3]),
          np.tanh(a[4] + b[4]), sigmoid(a[5] + b[5]), np.tanh(a[6] + b[6]),
          sigmoid(a[7] + b[7])]
    l2 = [np.tanh(l1[0] * l1[1]), np.tanh(l1[2] + l1[3]), np.tanh(l1[4] * l1[5]),
          sigmoid(l1[6] + l1[7])]
    new_c = np.tanh(l2[0] + c) * l2[1]
    new_m = np.tanh(new_c * np.tanh(l2[2] + l2[3]))
    if proj:
        new_m = new_m @ w["projection_weights"]
    return new_m, LSTMStateTuple(new_c, new_m)


def test_nas_cell():
    check_cell(lambda: rnn.NASCell(N, num_proj=3, use_bias=True),
               lambda w, x, s: np_nas(w, x, s, True, True), zeros_lstm(N, 3),
               {"recurrent_kernel": (3, 8 * N), "kernel": (D, 8 * N), "bias": (8 * N,),
                "projection_weights": (N, 3)})


def test_ugrnn_and_intersection_cells():
    def np_ugrnn(w, x, h):
        g, c = np.split(cat(x, h) @ w["kernel"] + w["bias"], 2, axis=1)
        g = sigmoid(g + 1.0)
        h = g * h + (1 - g) * np.tanh(c)
        return h, h
    check_cell(lambda: rnn.UGRNNCell(N), np_ugrnn, zeros_vec(),
               {"kernel": (D + N, 2 * N), "bias": (2 * N,)})

    def np_plus(w, x, h):
        x = x @ w["in_projection/kernel"] + w["in_projection/bias"]
        gh, hh, gy, y = np.split(cat(x, h) @ w["kernel"] + w["bias"], 4, axis=1)
        gh, gy = sigmoid(gh + 1.0), sigmoid(gy + 1.0)
        return gy * x + (1 - gy) * relu(y), gh * h + (1 - gh) * np.tanh(hh)
    check_cell(lambda: rnn.IntersectionRNNCell(N, num_in_proj=N), np_plus, zeros_vec(),
               {"in_projection/kernel": (D, N), "in_projection/bias": (N,),
                "kernel": (2 * N, 4 * N), "bias": (4 * N,)})
    with pytest.raises(ValueError, match="input size == output size"):
        var_shapes(lambda: rnn.IntersectionRNNCell(N))


def test_glstm_cell():
    def np_glstm(w, x, state):
        c, m = state
        parts = [np.split(cat(xg, mg) @ w[f"group{k}/kernel"], 4, axis=1) for k, (xg, mg) in
                 enumerate(zip(np.split(x, 2, 1), np.split(m, 2, 1)))]
        i, j, f, o = (np.concatenate([p[q] for p in parts], 1) + w[f"bias_{s}"]
                      for q, s in enumerate("ijfo"))
        c = sigmoid(f + 1.0) * c + sigmoid(i) * np.tanh(j)
        m = (sigmoid(o) * np.tanh(c)) @ w["projection/kernel"]
        return m, LSTMStateTuple(c, m)
    names = {"group0/kernel": (2 + 3, 4 * 2), "group1/kernel": (2 + 3, 4 * 2),
             "bias_i": (N,), "bias_j": (N,), "bias_f": (N,), "bias_o": (N,),
             "projection/kernel": (N, 6)}
    check_cell(lambda: rnn.GLSTMCell(N, num_proj=6, number_of_groups=2), np_glstm,
               zeros_lstm(N, 6), names, depth=4)
    with pytest.raises(ValueError, match="divisible"):
        rnn.GLSTMCell(5, number_of_groups=2)


def test_ind_rnn_indy_gru_indy_lstm_and_sru():
    def np_ind(w, x, h):
        out = np.tanh(x @ w["kernel_w"] + h * w["kernel_u"] + w["bias"])
        return out, out
    check_cell(lambda: rnn.IndRNNCell(N), np_ind, zeros_vec(),
               {"kernel_w": (D, N), "kernel_u": (1, N), "bias": (N,)})

    def np_indy_gru(w, x, h):
        g = x @ w["gates/kernel_w"] + np.tile(h, [1, 2]) * w["gates/kernel_u"] + w["gates/bias"]
        r, u = np.split(sigmoid(g), 2, axis=1)
        c = np.tanh(x @ w["candidate/kernel"] + r * h * w["candidate/kernel_u"]
                    + w["candidate/bias"])
        h = u * h + (1 - u) * c
        return h, h
    check_cell(lambda: rnn.IndyGRUCell(N), np_indy_gru, zeros_vec(),
               {"gates/kernel_w": (D, 2 * N), "gates/kernel_u": (1, 2 * N),
                "gates/bias": (2 * N,), "candidate/kernel": (D, N),
                "candidate/kernel_u": (1, N), "candidate/bias": (N,)})

    def np_indy_lstm(w, x, state):
        c, h = state
        g = x @ w["kernel_w"] + np.tile(h, [1, 4]) * w["kernel_u"] + w["bias"]
        i, j, f, o = np.split(g, 4, axis=1)
        c = c * sigmoid(f + 1.0) + sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * sigmoid(o)
        return h, LSTMStateTuple(c, h)
    check_cell(lambda: rnn.IndyLSTMCell(N), np_indy_lstm, zeros_lstm(),
               {"kernel_w": (D, 4 * N), "kernel_u": (1, 4 * N), "bias": (4 * N,)})

    def np_sru(w, x, c):
        xb, f, r, xt = np.split(x @ w["kernel"], 4, axis=1)
        f, r = np.split(sigmoid(cat(f, r) + w["bias"]), 2, axis=1)
        c = f * c + (1 - f) * xb
        return r * np.tanh(c) + (1 - r) * xt, c
    check_cell(lambda: rnn.SRUCell(N), np_sru, zeros_vec(),
               {"kernel": (D, 4 * N), "bias": (2 * N,)})


def test_phased_lstm_cell():
    def np_phased(w, inputs, state, leak=0.001):
        t, x = inputs
        c, h = state
        ig, fg = np.split(sigmoid(cat(x, h) @ w["mask_gates/kernel"] + w["mask_gates/bias"]),
                          2, axis=1)
        nc = c * fg + ig * np.tanh(cat(x, h) @ w["new_input/kernel"] + w["new_input/bias"])
        nh = np.tanh(nc) * sigmoid(cat(x, h) @ w["output_gate/kernel"]
                                   + w["output_gate/bias"])
        phi = np.mod(t - w["phase"], w["period"]) / w["period"]
        ratio = w["ratio_on"]
        k = np.where(phi < ratio, 2 - 2 * phi / ratio, leak * phi)
        k = np.where(phi < 0.5 * ratio, 2 * phi / ratio, k)
        nc, nh = k * nc + (1 - k) * c, k * nh + (1 - k) * h
        return nh, LSTMStateTuple(nc, nh)
    make = lambda: rnn.PhasedLSTMCell(N)  # noqa: E731
    with gc.Graph().as_default():
        cell = make()
        cell((gc.zeros((B, 1), gc.float64), gc.zeros((B, D), gc.float64)),
             cell.zero_state(B, gc.float64))
        shapes = {v.name[:-2]: tuple(v.shape.as_list()) for v in gc.global_variables()}
    assert shapes == {"phased_lstm_cell/" + k: v for k, v in {
        "mask_gates/kernel": (D + N, 2 * N), "mask_gates/bias": (2 * N,),
        "new_input/kernel": (D + N, N), "new_input/bias": (N,),
        "output_gate/kernel": (D + N, N), "output_gate/bias": (N,), "period": (N,),
        "phase": (N,), "ratio_on": (N,)}.items()}
    w = random_weights(shapes, 9)
    w["period"], w["phase"], w["ratio_on"] = np.array([2., 3., 5., 7.]), \
        np.array([.1, .5, 1., 2.]), np.array([.3, .5, .8, .7])
    rng = np.random.default_rng(10)
    xs = [(np.array([[1.37], [2.83]]) + k, rng.standard_normal((B, D))) for k in range(2)]
    state = zeros_lstm()
    with gc.Graph().as_default():
        ws = {k: gc.constant(v) for k, v in w.items()}
        with gc.variable_scope("w", custom_getter=_getter(ws)):
            cell, st, got = make(), LSTMStateTuple(*map(gc.constant, state)), []
            for t, x in xs:
                o, st = cell((gc.constant(t), gc.constant(x)), st)
                got.append((o, st))
            outs, _ = gc.nn.dynamic_rnn(cell, (gc.constant(np.stack([t for t, _ in xs], 1)),
                                               gc.constant(np.stack([x for _, x in xs], 1))),
                                        initial_state=LSTMStateTuple(*map(gc.constant, state)))
        with gc.Session() as sess:
            got, outs = sess.run([got, outs])
    s = state
    for (go, gs), inp in zip(got, xs):
        o, s = np_phased(w, inp, s)
        np.testing.assert_allclose(go, o, rtol=1e-10)
        np.testing.assert_allclose(gs.c, s.c, rtol=1e-10)
    np.testing.assert_allclose(outs[:, 1], o, rtol=1e-10)
    # TF's mod passes only its first operand's gradient: no FD check on the period
    names = sorted(w)
    wrt = [i for i, k in enumerate(["t", "x", "c", "h"] + names) if k != "period"]
    check_vjp(lambda t, x, c, h, *ws: _phased_fn(make, names, t, x, c, h, ws),
              [xs[0][0], xs[0][1], *state] + [w[k] for k in names], wrt=wrt, rtol=1e-5,
              atol=1e-6)


def _phased_fn(make, names, t, x, c, h, ws):
    with gc.variable_scope("w", custom_getter=_getter(dict(zip(names, ws)))):
        o, s = make()((t, x), LSTMStateTuple(c, h))
    return [o, s.c, s.h]


# ---- group 2: wrappers and functions ---------------------------------------------------------
def test_output_and_input_projection_wrappers():
    def np_out(w, x, s):
        o, s = _np_basic_rnn(w, x, s, "basic_rnn_cell/")
        return o @ w["kernel"] + w["bias"], s
    check_cell(lambda: rnn.OutputProjectionWrapper(gc.nn.rnn_cell.BasicRNNCell(N), 3),
               np_out, zeros_vec(), {"basic_rnn_cell/kernel": (D + N, N),
                                     "basic_rnn_cell/bias": (N,), "kernel": (N, 3),
                                     "bias": (3,)})

    def np_in(w, x, s):
        return _np_basic_rnn(w, x @ w["kernel"] + w["bias"], s, "basic_rnn_cell/")
    check_cell(lambda: rnn.InputProjectionWrapper(gc.nn.rnn_cell.BasicRNNCell(N), 5),
               np_in, zeros_vec(), {"kernel": (D, 5), "bias": (5,),
                                    "basic_rnn_cell/kernel": (5 + N, N),
                                    "basic_rnn_cell/bias": (N,)})


def _np_basic_rnn(w, x, h, p=""):
    out = np.tanh(cat(x, h) @ w[p + "kernel"] + w[p + "bias"])
    return out, out


def test_embedding_wrapper():
    with gc.Graph().as_default():
        ids = gc.constant([[1], [3]])
        cell = rnn.EmbeddingWrapper(gc.nn.rnn_cell.BasicRNNCell(N), 5, 3)
        out, _ = cell(ids, gc.zeros((B, N), gc.float64))
        xs = gc.cast(gc.constant([[[1], [0]], [[3], [4]]]), gc.float64)
        outs, _ = gc.nn.dynamic_rnn(cell, xs, dtype=gc.float64)
        names = [v.name for v in cell.variables]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            o, os_, (emb, k, b) = sess.run([out, outs, cell.variables])
    assert names == ["embedding_wrapper/embedding:0",
                     "embedding_wrapper/basic_rnn_cell/kernel:0",
                     "embedding_wrapper/basic_rnn_cell/bias:0"]
    np.testing.assert_allclose(o, np.tanh(cat(emb[[1, 3]], np.zeros((B, N))) @ k + b))
    np.testing.assert_allclose(os_[:, 0], o)
    assert np.abs(emb).max() <= np.sqrt(3)
    with pytest.raises(ValueError, match="must be > 0"):
        rnn.EmbeddingWrapper(gc.nn.rnn_cell.BasicRNNCell(N), 0, 3)


def test_highway_wrapper():
    def np_hw(w, x, s):
        o, s = _np_basic_rnn(w, x, s, "basic_rnn_cell/")
        carry = sigmoid(x @ w["carry_w"] + w["carry_b"])
        return x * carry + o * (1 - carry), s
    make = lambda: rnn.HighwayWrapper(gc.nn.rnn_cell.BasicRNNCell(N))  # noqa: E731
    # no scope of its own: served as 'w/<name>' under the harness's getter
    with gc.Graph().as_default():
        x = gc.zeros((B, N), gc.float64)
        with gc.variable_scope("w"):
            make()(x, gc.zeros((B, N), gc.float64))
        assert [v.name for v in gc.global_variables()] == [
            "w/basic_rnn_cell/kernel:0", "w/basic_rnn_cell/bias:0", "w/carry_w:0",
            "w/carry_b:0"]
    rng = np.random.default_rng(12)
    w = {"basic_rnn_cell/kernel": rng.standard_normal((2 * N, N)),
         "basic_rnn_cell/bias": rng.standard_normal(N), "carry_w": rng.standard_normal((N, N)),
         "carry_b": rng.standard_normal(N)}
    x, h = rng.standard_normal((B, N)), zeros_vec()
    with gc.Graph().as_default():
        ws = {k: gc.constant(v) for k, v in w.items()}
        with gc.variable_scope("w", custom_getter=lambda getter, name, *a, **k:
                               ws[name.split("/", 1)[1]]):
            out, _ = make()(gc.constant(x), gc.constant(h))
        with gc.Session() as sess:
            np.testing.assert_allclose(sess.run(out), np_hw(w, x, h)[0], rtol=1e-12)
    with gc.Graph().as_default():
        out, _ = gc.nn.dynamic_rnn(make(), gc.zeros((B, 3, N), gc.float64), dtype=gc.float64)
        assert {v.name for v in gc.global_variables()} >= {"rnn/carry_w:0", "rnn/carry_b:0"}


def test_attention_cell_wrapper():
    L, A = 3, N

    def np_attn(w, x, state):
        (h0,), attns, attn_states = (state[0],), state[1], state[2]
        hs = attn_states.reshape(B, L, A)
        x2 = cat(x, attns) @ w["kernel"] + w["bias"]
        o, h = _np_basic_rnn(w, x2, h0, "basic_rnn_cell/")
        feats = hs @ w["attention/attn_w"][0, 0]
        y = (h @ w["attention/kernel"] + w["attention/bias"])[:, None]
        s = (w["attention/attn_v"] * np.tanh(feats + y)).sum(2)
        a = np.exp(s - s.max(1, keepdims=True))
        a /= a.sum(1, keepdims=True)
        new_attns = (a[:, :, None] * hs).sum(1)
        out = cat(o, new_attns) @ w["attn_output_projection/kernel"] + \
            w["attn_output_projection/bias"]
        new_states = np.concatenate([hs[:, 1:], out[:, None]], 1).reshape(B, L * A)
        return out, (h, new_attns, new_states)
    names = {"kernel": (D + A, D), "bias": (D,), "basic_rnn_cell/kernel": (D + N, N),
             "basic_rnn_cell/bias": (N,), "attention/attn_w": (1, 1, A, A),
             "attention/attn_v": (A,), "attention/kernel": (N, A), "attention/bias": (A,),
             "attn_output_projection/kernel": (N + A, A), "attn_output_projection/bias": (A,)}
    rng = np.random.default_rng(13)
    state = (zeros_vec(), rng.standard_normal((B, A)), rng.standard_normal((B, L * A)))
    check_cell(lambda: rnn.AttentionCellWrapper(gc.nn.rnn_cell.BasicRNNCell(N), L),
               np_attn, state, names)


def test_stack_bidirectional_rnns_and_helpers():
    rng = np.random.default_rng(14)
    x = rng.standard_normal((B, 3, D))
    with gc.Graph().as_default():
        cells = lambda: [gc.nn.rnn_cell.GRUCell(N), gc.nn.rnn_cell.GRUCell(2)]  # noqa: E731
        out, s_fw, s_bw = rnn.stack_bidirectional_dynamic_rnn(
            cells(), cells(), gc.constant(x), dtype=gc.float64, sequence_length=[3, 2])
        outs, t_fw, t_bw = rnn.stack_bidirectional_rnn(
            cells(), cells(), gc.unstack(gc.constant(x), axis=1), dtype=gc.float64,
            sequence_length=[3, 2], scope="static")
        names = [v.name for v in gc.global_variables()]
        assert out.shape.as_list() == [B, 3, 4] and len(s_fw) == 2 and len(t_bw) == 2
        assert "stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/gru_cell/gates/kernel:0" \
            in names and "static/cell_0/fw/gru_cell/candidate/bias:0" in names
        assert names[names.index("stack_bidirectional_rnn/cell_1/bidirectional_rnn/fw/"
                                 "gru_cell/gates/kernel:0")] and gc.global_variables()[
            names.index("stack_bidirectional_rnn/cell_1/bidirectional_rnn/fw/gru_cell/gates/"
                        "kernel:0")].shape.as_list() == [2 * N + 2, 4]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            o, os_ = sess.run([out, outs])
        assert o.shape == (B, 3, 4) and len(os_) == 3 and os_[0].shape == (B, 4)
        assert not o[1, 2].any()
        with pytest.raises(ValueError, match="same depth"):
            rnn.stack_bidirectional_dynamic_rnn(cells(), cells()[:1], gc.constant(x),
                                                dtype=gc.float64)
        assert rnn.best_effort_input_batch_size([gc.zeros((5, 3, 2))]) == 3
        p = gc.placeholder(gc.float32, (5, None, 2))
        assert isinstance(rnn.best_effort_input_batch_size([p]), gc.Tensor)
        assert rnn.transpose_batch_time(gc.zeros((2, 5, 3))).shape.as_list() == [5, 2, 3]
        assert rnn.transpose_batch_time(gc.zeros((2,))).shape.as_list() == [2]


def test_embedding_wrapper_takes_int_ids_under_dynamic_rnn():
    """Integer ids go through dynamic_rnn (which leaves dtypes to the cells); the
    embedding takes the state's dtype, as TF 1.15's."""
    with gc.Graph().as_default():
        cell = gc.contrib.rnn.EmbeddingWrapper(gc.nn.rnn_cell.GRUCell(3), 7, 4)
        ids = np.array([[[1], [6], [0]], [[2], [2], [5]]], np.int32)
        out, _ = gc.nn.dynamic_rnn(cell, gc.constant(ids), dtype=gc.float64)
        emb = [v for v in gc.global_variables() if v.name.endswith("embedding:0")][0]
        assert emb.dtype == gc.float64 and emb.shape.as_list() == [7, 4]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            assert sess.run(out).shape == (2, 3, 3)
