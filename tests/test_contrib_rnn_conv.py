"""gc.contrib.rnn's convolutional LSTM cells (TF 1.15 tf.contrib.rnn.ConvLSTMCell and its
1-D, 2-D, 3-D forms) against numpy written here from TF 1.15's formulas: variable names
and shapes, two steps, a run under gc.nn.dynamic_rnn, and a finite-difference check of
one step's gradients."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp

rnn = gc.contrib.rnn
LSTMStateTuple = gc.nn.rnn_cell.LSTMStateTuple
B = 2


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_conv_same(x, k):
    """Stride-1 "SAME" cross-correlation: x (B, *spatial, C), k (*ks, C, O); the padding
    before each spatial dim is (ks - 1) // 2, as TF's."""
    nd = k.ndim - 2
    pads = [(0, 0)] + [((s - 1) // 2, s - 1 - (s - 1) // 2) for s in k.shape[:nd]] + [(0, 0)]
    xp = np.pad(x, pads)
    out = np.zeros(x.shape[:-1] + (k.shape[-1],))
    for tap in np.ndindex(*k.shape[:nd]):
        window = xp[(slice(None),) + tuple(slice(t, t + n) for t, n in
                                             zip(tap, x.shape[1:-1]))]
        out += window @ k[tap]
    return out


def np_conv_lstm(w, x, state, forget_bias=1.0, skip=False):
    c, h = state
    y = np_conv_same(np.concatenate([x, h], -1), w["kernel"])
    if "biases" in w:
        y = y + w["biases"]
    i, j, f, o = np.split(y, 4, axis=-1)
    new_c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
    out = np.tanh(new_c) * sigmoid(o)
    if skip:
        out = np.concatenate([out, x], -1)
    return out, LSTMStateTuple(new_c, out)


# ---- the harness (shared with test_contrib_rnn_more.py): weights served by a custom getter
from test_contrib_rnn_more import _getter, run_steps, var_shapes  # noqa: E402



def check_conv_cell(make_cell, x_shape, names, steps=2, **np_kwargs):
    shapes = var_shapes(make_cell, (B,) + x_shape)
    assert {k.split("/", 1)[1]: v for k, v in shapes.items()} == names
    rng = np.random.default_rng(0)
    w = {k.split("/", 1)[1]: rng.standard_normal(s) * 0.5 for k, s in shapes.items()}
    out_ch = names["kernel"][-1] // 4
    state = LSTMStateTuple(*(rng.standard_normal((B,) + x_shape[:-1] + (out_ch,))
                             for _ in range(2)))
    xs = [rng.standard_normal((B,) + x_shape) for _ in range(steps)]
    want, s = [], state
    for x in xs:
        o, s = np_conv_lstm(w, x, s, **np_kwargs)
        want.append((o, s))
    for (go, gs), (wo, ws) in zip(run_steps(make_cell, w, xs, state), want):
        np.testing.assert_allclose(go, wo, rtol=1e-10, atol=1e-12)
        for a, b in zip(gs, ws):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    if steps > 1:
        outs, final = run_steps(make_cell, w, xs, state, dynamic=True)
        np.testing.assert_allclose(outs, np.stack([o for o, _ in want], 1), rtol=1e-10,
                                   atol=1e-12)
        for a, b in zip(final, want[-1][1]):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    names_ = sorted(w)

    def fn(x, c, h, *ws):
        with gc.variable_scope("w", custom_getter=_getter(dict(zip(names_, ws)))):
            out, new = make_cell()(x, LSTMStateTuple(c, h))
        return [out, new.c, new.h]
    check_vjp(fn, [xs[0], *state] + [w[k] for k in names_], rtol=1e-5, atol=1e-6)


def test_numpy_reference_conv_matches_a_direct_sum():
    rng = np.random.default_rng(5)
    x, k = rng.standard_normal((1, 5, 2)), rng.standard_normal((4, 2, 3))   # even kernel
    want = np.zeros((1, 5, 3))
    for p in range(5):
        for t in range(4):
            q = p + t - 1                      # SAME: 1 before, 2 after
            if 0 <= q < 5:
                want[0, p] += x[0, q] @ k[t]
    np.testing.assert_allclose(np_conv_same(x, k), want)


def test_conv_1d_lstm_cell():
    check_conv_cell(lambda: rnn.Conv1DLSTMCell(input_shape=[5, 2], output_channels=3,
                                               kernel_shape=[3], forget_bias=0.5),
                    (5, 2), {"kernel": (3, 5, 12), "biases": (12,)}, forget_bias=0.5)


def test_conv_2d_lstm_cell_without_bias():
    check_conv_cell(lambda: rnn.Conv2DLSTMCell(input_shape=[4, 3, 2], output_channels=2,
                                               kernel_shape=[3, 2], use_bias=False),
                    (4, 3, 2), {"kernel": (3, 2, 4, 8)})


def test_conv_3d_lstm_cell():
    check_conv_cell(lambda: rnn.Conv3DLSTMCell(input_shape=[3, 2, 3, 1], output_channels=1,
                                               kernel_shape=[2, 3, 1]),
                    (3, 2, 3, 1), {"kernel": (2, 3, 1, 2, 4), "biases": (4,)})


def test_conv_lstm_cell_generic_and_skip_connection():
    check_conv_cell(lambda: rnn.ConvLSTMCell(1, [5, 2], 3, [3], skip_connection=True),
                    (5, 2), {"kernel": (3, 5, 12), "biases": (12,)}, steps=1, skip=True)


def test_conv_lstm_sizes_names_and_initializers():
    with gc.Graph().as_default():
        cell = rnn.Conv2DLSTMCell(input_shape=[4, 3, 2], output_channels=5,
                                  kernel_shape=[3, 3], skip_connection=True)
        assert cell.state_size == LSTMStateTuple(gc.TensorShape([4, 3, 5]),
                                                 gc.TensorShape([4, 3, 5]))
        assert cell.output_size.as_list() == [4, 3, 7]
        x = gc.placeholder(gc.float32, (None, 6, 4, 3, 2))
        plain = rnn.Conv2DLSTMCell(input_shape=[4, 3, 2], output_channels=5,
                                   kernel_shape=[3, 3])
        outs, (c, h) = gc.nn.dynamic_rnn(plain, x, dtype=gc.float32)
        assert outs.shape.as_list() == [None, 6, 4, 3, 5]
        assert c.shape.as_list() == [None, 4, 3, 5]
        assert [v.name for v in plain.variables] == ["rnn/conv_2d_lstm_cell/kernel:0",
                                                     "rnn/conv_2d_lstm_cell/biases:0"]
        other = rnn.ConvLSTMCell(2, [4, 3, 2], 5, [3, 3])
        other(x[:, 0], other.zero_state(2, gc.float32))
        assert other.variables[0].name == "conv_lstm_cell/kernel:0"
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            k, b = sess.run(plain.variables)
        assert not b.any() and 0 < np.abs(k).max() <= np.sqrt(6 / (9 * 7 + 9 * 20))


def test_conv_lstm_errors():
    with pytest.raises(ValueError, match="Invalid input_shape"):
        rnn.Conv2DLSTMCell(input_shape=[4, 2], output_channels=3, kernel_shape=[3, 3])
    with pytest.raises(ValueError, match="kernel_shape"):
        rnn.Conv1DLSTMCell(input_shape=[4, 2], output_channels=3, kernel_shape=[3, 3])
    with gc.Graph().as_default():
        cell = rnn.Conv1DLSTMCell(input_shape=[4, 2], output_channels=3, kernel_shape=[3])
        with pytest.raises(gc.errors.ShapeError, match="rank 3"):
            cell(gc.placeholder(gc.float32, (2, 4, 2, 1)), cell.zero_state(2, gc.float32))
        x = gc.placeholder(gc.float32, (2, 4, 2))
        with pytest.raises(gc.errors.DTypeError, match="state is float64"):
            cell(x, cell.zero_state(2, gc.float64))


# ---- TimeFreqLSTMCell and GridLSTMCell (graphc/contrib/rnn_grid.py) --------------------------
def np_time_freq(w, x, state, n, fs, skip=1, peep=False, clip=None):
    k_count = (x.shape[1] - fs) // skip + 1
    m_freq, outs, states = np.zeros((x.shape[0], n)), [], []
    for k in range(k_count):
        xk = x[:, k * skip:k * skip + fs]
        c_prev = state[:, 2 * k * n:(2 * k + 1) * n]
        m_prev = state[:, (2 * k + 1) * n:(2 * k + 2) * n]
        i, j, f, o = np.split(np.concatenate([xk, m_prev, m_freq], 1) @ w["W_0"] + w["B"], 4, 1)
        if peep:
            c = sigmoid(f + 1.0 + w["W_F_diag"] * c_prev) * c_prev \
                + sigmoid(i + w["W_I_diag"] * c_prev) * np.tanh(j)
        else:
            c = sigmoid(f + 1.0) * c_prev + sigmoid(i) * np.tanh(j)
        if clip is not None:
            c = np.clip(c, -clip, clip)
        m = sigmoid(o + w["W_O_diag"] * c if peep else o) * np.tanh(c)
        m_freq = m
        outs.append(m)
        states += [c, m]
    return np.concatenate(outs, 1), np.concatenate(states, 1)


def np_grid(w, x, state, n, fs, skip, blocks, share=False, couple=False, peep=False):
    """blocks: [(start column, slice count)]; state: {'f00_b00_c': array, ...}."""
    outs, new = [], {}
    for b, (lo, count) in enumerate(blocks):
        c_freq = m_freq = np.zeros((x.shape[0], n))
        for k in range(count):
            xk = x[:, lo + k * skip:lo + k * skip + fs]
            c_time, m_time = state[f"f{k:02d}_b{b:02d}_c"], state[f"f{k:02d}_b{b:02d}_m"]
            inp = np.concatenate([xk, m_time, m_freq], 1)
            res = {}
            for d in ("freq", "time"):
                key = "f" if d == "freq" or share else "t"
                dd = "freq" if share else d
                g = np.split(inp @ w[f"W_{key}_{b}_0"] + w[f"B_{key}_{b}"], 3 if couple else 4, 1)
                i, j, o = g[0], g[1], g[-1]
                pw = (lambda gate: w[f"W_{gate}_diag_{dd}f_{b}"] * c_freq
                      + w[f"W_{gate}_diag_{dd}t_{b}"] * c_time) if peep else (lambda gate: 0)
                i = sigmoid(i + pw("I"))
                f = 1 - i if couple else sigmoid(g[2] + 1.0 + pw("F"))
                prev = c_freq if d == "freq" else c_time
                res[d] = (f * prev + i * np.tanh(j), o, dd)
            cf, ct = res["freq"][0], res["time"][0]

            def out(d):
                c, o, dd = res[d]
                if peep:
                    o = o + w[f"W_O_diag_{dd}f_{b}"] * cf + w[f"W_O_diag_{dd}t_{b}"] * ct
                return sigmoid(o) * np.tanh(c)
            m_freq, m_t = out("freq"), out("time")
            c_freq = cf
            new[f"f{k:02d}_b{b:02d}_c"], new[f"f{k:02d}_b{b:02d}_m"] = ct, m_t
            outs += [m_t, m_freq]
    return np.concatenate(outs, 1), new


def check_flat_cell(make_cell, depth, names, np_step, state, steps=2, dynamic=True):
    """Like check_conv_cell for cells on (batch, depth) inputs whose state is a tensor or
    a namedtuple (np_step gets and returns the state as a list of arrays)."""
    shapes = var_shapes_flat(make_cell, depth, state)
    assert {k.split("/", 1)[1]: v for k, v in shapes.items()} == names
    rng = np.random.default_rng(1)
    w = {k.split("/", 1)[1]: rng.standard_normal(s) * 0.5 for k, s in shapes.items()}
    xs = [rng.standard_normal((B, depth)) for _ in range(steps)]
    want, s = [], state
    for x in xs:
        o, s = np_step(w, x, s)
        want.append((o, s))

    def make(st_leaves):
        cell = make_cell()
        if not isinstance(state, list):
            return cell, st_leaves[0]
        return cell, gc.nest.pack_sequence_as(cell.state_size, st_leaves)

    with gc.Graph().as_default():
        ws = {k: gc.constant(v) for k, v in w.items()}
        leaves = [gc.constant(a) for a in (state if isinstance(state, list) else [state])]
        got = []
        with gc.variable_scope("w", custom_getter=_getter(ws)):
            cell, st = make(leaves)
            for x in xs:
                o, st = cell(gc.constant(x), st)
                got.append((o, gc.nest.flatten(st)))
            if dynamic:
                cell2, st2 = make(leaves)
                dyn = gc.nn.dynamic_rnn(cell2, gc.constant(np.stack(xs, 1)), initial_state=st2)
        with gc.Session() as sess:
            got, dyn = sess.run((got, dyn if dynamic else ()))
    for (go, gs), (wo, ws_) in zip(got, want):
        np.testing.assert_allclose(go, wo, rtol=1e-10, atol=1e-12)
        for a, b in zip(gs, ws_ if isinstance(ws_, list) else [ws_]):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    if dynamic:
        np.testing.assert_allclose(dyn[0], np.stack([o for o, _ in want], 1), rtol=1e-10)
        last = want[-1][1]
        for a, b in zip(gc.nest.flatten(dyn[1]), last if isinstance(last, list) else [last]):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    names_ = sorted(w)
    n_leaves = len(state) if isinstance(state, list) else 1

    def fn(x, *rest):
        with gc.variable_scope("w", custom_getter=_getter(dict(zip(names_, rest[n_leaves:])))):
            cell, st = make(list(rest[:n_leaves]))
            out, new = cell(x, st)
        return [out] + gc.nest.flatten(new)
    check_vjp(fn, [xs[0]] + (state if isinstance(state, list) else [state])
              + [w[k] for k in names_], rtol=1e-5, atol=1e-6)


def var_shapes_flat(make_cell, depth, state):
    with gc.Graph().as_default():
        cell = make_cell()
        st = cell.zero_state(B, gc.float64) if isinstance(state, list) \
            else gc.constant(state)
        cell(gc.placeholder(gc.float64, (B, depth)), st)
        return {v.name[:-2]: tuple(v.shape.as_list()) for v in gc.global_variables()}


def grid_state_list(n, blocks, seed=3):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((B, n)) for _ in range(2 * sum(c for _, c in blocks))]


def grid_step(n, fs, skip, blocks, **kw):
    keys = [f"f{k:02d}_b{b:02d}_{cm}" for b, (_, c) in enumerate(blocks) for k in range(c)
            for cm in "cm"]

    def step(w, x, s):
        out, new = np_grid(w, x, dict(zip(keys, s)), n, fs, skip, blocks, **kw)
        return out, [new[k] for k in keys]
    return step


def test_time_freq_lstm_cell():
    n, fs, depth = 3, 2, 4                                   # 3 slices
    state = np.random.default_rng(4).standard_normal((B, 2 * n * 3))
    check_flat_cell(lambda: rnn.TimeFreqLSTMCell(n, feature_size=fs), depth,
                    {"W_0": (fs + 2 * n, 4 * n), "B": (4 * n,)},
                    lambda w, x, s: np_time_freq(w, x, s, n, fs), state, dynamic=False)
    check_flat_cell(lambda: rnn.TimeFreqLSTMCell(n, feature_size=2, frequency_skip=2,
                                                 use_peepholes=True), 5,
                    {"W_0": (8, 12), "B": (12,), "W_F_diag": (3,), "W_I_diag": (3,),
                     "W_O_diag": (3,)},
                    lambda w, x, s: np_time_freq(w, x, s, n, 2, 2, peep=True), state,
                    dynamic=False)
    # one slice: state_size (2 * num_units) is right, so dynamic_rnn runs it (as TF's)
    check_flat_cell(lambda: rnn.TimeFreqLSTMCell(n, feature_size=depth), depth,
                    {"W_0": (depth + 2 * n, 4 * n), "B": (4 * n,)},
                    lambda w, x, s: np_time_freq(w, x, s, n, depth), state[:, :2 * n])


def test_time_freq_lstm_cell_clip_and_sizes():
    cell = rnn.TimeFreqLSTMCell(5, feature_size=2)
    assert (cell.state_size, cell.output_size) == (10, 5)      # TF's, whatever the slices
    state = np.random.default_rng(2).standard_normal((B, 2 * 3 * 2))
    with gc.Graph().as_default():
        cell = rnn.TimeFreqLSTMCell(3, feature_size=3, cell_clip=0.1, num_unit_shards=2)
        x = np.random.default_rng(3).standard_normal((B, 4))
        m, s = cell(gc.constant(x), gc.constant(state))
        assert [v.name for v in cell.variables] == ["time_freq_lstm_cell/W_0:0",
                                                    "time_freq_lstm_cell/W_1:0",
                                                    "time_freq_lstm_cell/B:0"]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            w0, w1, b = sess.run(cell.variables)
            got_m, got_s = sess.run([m, s])
    want_m, want_s = np_time_freq({"W_0": np.concatenate([w0, w1]), "B": b}, x, state, 3, 3,
                                  clip=0.1)
    np.testing.assert_allclose(got_m, want_m, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_s, want_s, rtol=1e-5, atol=1e-6)
    assert np.abs(np.concatenate([got_s[:, 0:3], got_s[:, 6:9]])).max() <= 0.1 + 1e-7


def test_grid_lstm_cell():
    n, fs, blocks = 2, 2, [(0, 3)]
    names = {"W_f_0_0": (fs + 2 * n, 4 * n), "B_f_0": (4 * n,), "W_t_0_0": (fs + 2 * n, 4 * n),
             "B_t_0": (4 * n,)}
    check_flat_cell(lambda: rnn.GridLSTMCell(n, feature_size=fs, frequency_skip=1,
                                             num_frequency_blocks=[3]), 4, names,
                    grid_step(n, fs, 1, blocks), grid_state_list(n, blocks))


def test_grid_lstm_cell_peepholes_and_blocks():
    n, fs, blocks = 2, 2, [(0, 2), (3, 1)]
    diag = {f"W_{g}_diag_{d}{s}_{b}": (n,) for b in range(2) for d in ("freq", "time")
            for g in "FIO" for s in "ft"}
    names = dict({f"{v}_{x}_{b}{sh}": shp for b in range(2) for x in "ft"
                  for v, sh, shp in (("W", "_0", (fs + 2 * n, 4 * n)), ("B", "", (4 * n,)))},
                 **diag)
    check_flat_cell(lambda: rnn.GridLSTMCell(n, use_peepholes=True, feature_size=fs,
                                             frequency_skip=1, num_frequency_blocks=[2, 1],
                                             start_freqindex_list=[0, 3],
                                             end_freqindex_list=[3, 5]), 5, names,
                    grid_step(n, fs, 1, blocks, peep=True), grid_state_list(n, blocks))


def test_grid_lstm_cell_shared_and_coupled():
    n, fs, blocks = 2, 1, [(0, 3)]
    names = {"W_f_0_0": (fs + 2 * n, 3 * n), "B_f_0": (3 * n,),
             "W_I_diag_freqf_0": (n,), "W_I_diag_freqt_0": (n,),
             "W_O_diag_freqf_0": (n,), "W_O_diag_freqt_0": (n,)}
    check_flat_cell(lambda: rnn.GridLSTMCell(n, use_peepholes=True, feature_size=fs,
                                             share_time_frequency_weights=True,
                                             couple_input_forget_gates=True,
                                             frequency_skip=2, num_frequency_blocks=[3]), 5,
                    names, grid_step(n, fs, 2, blocks, share=True, couple=True, peep=True),
                    grid_state_list(n, blocks))


def test_grid_lstm_cell_state_types_and_errors():
    cell = rnn.GridLSTMCell(4, feature_size=2, frequency_skip=1, num_frequency_blocks=[2])
    assert cell.state_size._fields == ("state_f00_b00_c", "state_f00_b00_m",
                                       "state_f01_b00_c", "state_f01_b00_m")
    assert cell.state_size == (4,) * 4 and cell.output_size == 16
    assert type(cell.state_size) is cell.state_tuple_type
    flat = rnn.GridLSTMCell(4, feature_size=2, frequency_skip=1, num_frequency_blocks=[2],
                            state_is_tuple=False)
    assert (flat.state_size, flat.state_tuple_type) == (16, None)
    with pytest.raises(ValueError, match="Must specify num_frequency_blocks"):
        rnn.GridLSTMCell(4)
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (2, 4))
        with pytest.raises(ValueError, match="requires 2 but gets 3"):
            cell(x, cell.zero_state(2, gc.float32))
        out, st = flat(gc.placeholder(gc.float32, (2, 3)), flat.zero_state(2, gc.float32))
        assert out.shape.as_list() == [2, 16] and st.shape.as_list() == [2, 16]
