"""gc.nn.rnn_cell and the recurrent drivers (dynamic_rnn, static_rnn, the bidirectional
ones) against numpy references written from TF1's formulas; variable names; gradients
through the loop over time; dropout in the loop; a small training run; errors."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_jvp, check_vjp

rnn_cell = gc.nn.rnn_cell


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def cat(*xs):
    return np.concatenate(xs, axis=1)


# ---- numpy references (TF1 1.15's rnn_cell_impl formulas) -----------------------------------
def np_basic_rnn(w, x, h):
    out = np.tanh(cat(x, h) @ w["kernel"] + w["bias"])
    return out, out


def np_gru(w, x, h):
    r, u = np.split(sigmoid(cat(x, h) @ w["gates/kernel"] + w["gates/bias"]), 2, axis=1)
    c = np.tanh(cat(x, r * h) @ w["candidate/kernel"] + w["candidate/bias"])
    new_h = u * h + (1 - u) * c
    return new_h, new_h


def np_basic_lstm(w, x, state, forget_bias=1.0):
    c, h = state
    i, j, f, o = np.split(cat(x, h) @ w["kernel"] + w["bias"], 4, axis=1)
    new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
    new_h = np.tanh(new_c) * sigmoid(o)
    return new_h, (new_c, new_h)


def np_lstm(w, x, state, forget_bias=1.0, cell_clip=None, proj_clip=None):
    c, m = state
    i, j, f, o = np.split(cat(x, m) @ w["kernel"] + w["bias"], 4, axis=1)
    peep = "w_f_diag" in w
    if peep:
        c = (sigmoid(f + forget_bias + w["w_f_diag"] * c) * c
             + sigmoid(i + w["w_i_diag"] * c) * np.tanh(j))
    else:
        c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
    if cell_clip is not None:
        c = np.clip(c, -cell_clip, cell_clip)
    m = sigmoid(o + w["w_o_diag"] * c) * np.tanh(c) if peep else sigmoid(o) * np.tanh(c)
    if "projection/kernel" in w:
        m = m @ w["projection/kernel"]
        if proj_clip is not None:
            m = np.clip(m, -proj_clip, proj_clip)
    return m, (c, m)


def np_run(step, w, xs, state, lengths=None):
    """A numpy loop over time (xs: batch, time, depth) with TF1's sequence_length rule."""
    outs = []
    for t in range(xs.shape[1]):
        out, new = step(w, xs[:, t], state)
        if lengths is not None:
            valid = (t < np.asarray(lengths))[:, None]
            out = np.where(valid, out, 0.0)
            new = tuple(np.where(valid, a, b) for a, b in zip(new, state)) \
                if isinstance(new, tuple) else np.where(valid, new, state)
        outs.append(out)
        state = new
    return np.stack(outs, axis=1), state


def weights_of(sess, cell):
    """{name inside the cell's scope: value} of the cell's variables."""
    prefix = cell.scope_name + "/"
    return {v.op.name[len(prefix):]: val
            for v, val in zip(cell.variables, sess.run(cell.variables))}


def randomize(sess, cell, rng):
    """Set every variable of the cell to random values (biases too)."""
    for v in cell.variables:
        v.load(rng.standard_normal(v.shape.as_list()) * 0.5, sess)


CELLS = {
    "basic_rnn": (lambda: rnn_cell.BasicRNNCell(5), np_basic_rnn, False),
    "gru": (lambda: rnn_cell.GRUCell(5), np_gru, False),
    "basic_lstm": (lambda: rnn_cell.BasicLSTMCell(5, forget_bias=0.5), lambda w, x, s:
                   np_basic_lstm(w, x, s, forget_bias=0.5), True),
    "lstm": (lambda: rnn_cell.LSTMCell(5), np_lstm, True),
    "lstm_peep_proj_clip": (
        lambda: rnn_cell.LSTMCell(5, use_peepholes=True, num_proj=2, cell_clip=0.3,
                                  proj_clip=0.2),
        lambda w, x, s: np_lstm(w, x, s, cell_clip=0.3, proj_clip=0.2), True),
}


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_one_step_matches_numpy(kind):
    make, ref, is_lstm = CELLS[kind]
    rng = np.random.default_rng(0)
    with gc.Graph().as_default():
        cell = make()
        x = gc.placeholder(gc.float64, (None, 3), name="x")
        sizes = cell.state_size
        if is_lstm:
            c = gc.placeholder(gc.float64, (None, sizes.c))
            h = gc.placeholder(gc.float64, (None, sizes.h))
            state = rnn_cell.LSTMStateTuple(c, h)
            feeds = [c, h]
        else:
            state = gc.placeholder(gc.float64, (None, sizes))
            feeds = [state]
        out, new_state = cell(x, state)
        assert out.shape.as_list() == [None, cell.output_size]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            randomize(sess, cell, rng)
            w = weights_of(sess, cell)
            xv = rng.standard_normal((4, 3))
            sv = [rng.standard_normal((4, f.shape.as_list()[1])) for f in feeds]
            got = sess.run([out, new_state], dict(zip([x] + feeds, [xv] + sv)))
    want_out, want_state = ref(w, xv, tuple(sv) if is_lstm else sv[0])
    np.testing.assert_allclose(got[0], want_out, rtol=1e-12, atol=1e-12)
    if is_lstm:
        assert isinstance(got[1], rnn_cell.LSTMStateTuple)
        for g, wv in zip(got[1], want_state):
            np.testing.assert_allclose(g, wv, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_allclose(got[1], want_state, rtol=1e-12, atol=1e-12)


def _names(variables):
    return {v.op.name: tuple(v.shape.as_list()) for v in variables}


def test_variable_names_and_shapes_are_tf1s():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (None, 7, 3))
        gc.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(4), x, dtype=gc.float32)
        gc.nn.dynamic_rnn(rnn_cell.GRUCell(4), x, dtype=gc.float32, scope="gru")
        gc.nn.dynamic_rnn(rnn_cell.BasicRNNCell(4), x, dtype=gc.float32, scope="basic")
        gc.nn.dynamic_rnn(rnn_cell.LSTMCell(4, use_peepholes=True, num_proj=2), x,
                          dtype=gc.float32, scope="full")
        multi = rnn_cell.MultiRNNCell([rnn_cell.DropoutWrapper(rnn_cell.BasicLSTMCell(6)),
                                       rnn_cell.GRUCell(2)])
        gc.nn.dynamic_rnn(multi, x, dtype=gc.float32, scope="deep")
        gc.nn.bidirectional_dynamic_rnn(rnn_cell.GRUCell(2), rnn_cell.GRUCell(3), x,
                                        dtype=gc.float32)
        assert _names(gc.global_variables()) == {
            "rnn/basic_lstm_cell/kernel": (7, 16), "rnn/basic_lstm_cell/bias": (16,),
            "gru/gru_cell/gates/kernel": (7, 8), "gru/gru_cell/gates/bias": (8,),
            "gru/gru_cell/candidate/kernel": (7, 4), "gru/gru_cell/candidate/bias": (4,),
            "basic/basic_rnn_cell/kernel": (7, 4), "basic/basic_rnn_cell/bias": (4,),
            "full/lstm_cell/kernel": (5, 16), "full/lstm_cell/bias": (16,),
            "full/lstm_cell/w_f_diag": (4,), "full/lstm_cell/w_i_diag": (4,),
            "full/lstm_cell/w_o_diag": (4,), "full/lstm_cell/projection/kernel": (4, 2),
            "deep/multi_rnn_cell/cell_0/basic_lstm_cell/kernel": (9, 24),
            "deep/multi_rnn_cell/cell_0/basic_lstm_cell/bias": (24,),
            "deep/multi_rnn_cell/cell_1/gru_cell/gates/kernel": (8, 4),
            "deep/multi_rnn_cell/cell_1/gru_cell/gates/bias": (4,),
            "deep/multi_rnn_cell/cell_1/gru_cell/candidate/kernel": (8, 2),
            "deep/multi_rnn_cell/cell_1/gru_cell/candidate/bias": (2,),
            "bidirectional_rnn/fw/gru_cell/gates/kernel": (5, 4),
            "bidirectional_rnn/fw/gru_cell/gates/bias": (4,),
            "bidirectional_rnn/fw/gru_cell/candidate/kernel": (5, 2),
            "bidirectional_rnn/fw/gru_cell/candidate/bias": (2,),
            "bidirectional_rnn/bw/gru_cell/gates/kernel": (6, 6),
            "bidirectional_rnn/bw/gru_cell/gates/bias": (6,),
            "bidirectional_rnn/bw/gru_cell/candidate/kernel": (6, 3),
            "bidirectional_rnn/bw/gru_cell/candidate/bias": (3,)}
        assert len(multi.trainable_variables) == 6


def test_gru_gate_bias_starts_at_one_and_cells_share_on_reuse():
    with gc.Graph().as_default():
        cell = rnn_cell.GRUCell(3)
        x = gc.placeholder(gc.float32, (2, 4))
        h = cell.zero_state(2, gc.float32)
        y1, _ = cell(x, h)
        y2, _ = cell(x * 2.0, h)                            # same variables
        assert len(gc.global_variables()) == 4
        other = rnn_cell.GRUCell(3)
        other(x, h)                                         # a new cell: gru_cell_1
        assert "gru_cell_1/gates/bias" in _names(gc.global_variables())
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            assert np.all(sess.run(cell.variables[1]) == 1.0)       # gates/bias
            assert np.all(sess.run(cell.variables[3]) == 0.0)       # candidate/bias
        shared = rnn_cell.GRUCell(3, name="gru_cell", reuse=True)
        shared(x, h)                                        # reuse by name: no new variable
        assert len(shared.variables) == 4 and all(
            a is b for a, b in zip(shared.variables, cell.variables))
        # TF1: a second dynamic_rnn with a new cell in the same scope clashes
        z = gc.placeholder(gc.float32, (2, 3, 4))
        gc.nn.dynamic_rnn(rnn_cell.GRUCell(3), z, dtype=gc.float32)
        with pytest.raises(gc.errors.GraphError, match="rnn/gru_cell/gates/kernel already"):
            gc.nn.dynamic_rnn(rnn_cell.GRUCell(3), z, dtype=gc.float32)


def _run_both(make, ref, is_lstm, lengths=None, time_major=False):
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((3, 6, 2))
    with gc.Graph().as_default():
        cell = make()
        shape = (6, None, 2) if time_major else (None, 6, 2)
        x = gc.placeholder(gc.float64, shape, name="x")
        seq = None if lengths is None else gc.constant(lengths)
        out_d, state_d = gc.nn.dynamic_rnn(cell, x, sequence_length=seq, dtype=gc.float64,
                                           time_major=time_major)
        steps = gc.unstack(x, axis=0 if time_major else 1)
        out_s, state_s = gc.nn.static_rnn(cell, steps, sequence_length=seq, dtype=gc.float64)
        feed = {x: xs.transpose(1, 0, 2) if time_major else xs}
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            randomize(sess, cell, rng)
            w = weights_of(sess, cell)
            od, sd, os_, ss = sess.run([out_d, state_d, out_s, state_s], feed)
    if time_major:
        od = od.transpose(1, 0, 2)
    s0 = (np.zeros((3, 5)), np.zeros((3, cell.output_size))) if is_lstm else np.zeros((3, 5))
    want_out, want_state = np_run(ref, w, xs, s0, lengths)
    np.testing.assert_allclose(od, want_out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.stack(os_, axis=1), want_out, rtol=1e-12, atol=1e-12)
    for got in (sd, ss):
        for g, w_ in zip(*[s if is_lstm else [s] for s in (got, want_state)]):
            np.testing.assert_allclose(g, w_, rtol=1e-12, atol=1e-12)
    return od, sd, want_out, xs


@pytest.mark.parametrize("kind", ["gru", "basic_lstm", "lstm_peep_proj_clip"])
def test_dynamic_and_static_rnn_match_a_numpy_loop(kind):
    _run_both(*CELLS[kind])


@pytest.mark.parametrize("time_major", [False, True])
def test_sequence_length_zeros_outputs_and_freezes_the_state(time_major):
    lengths = [4, 0, 6]
    od, sd, want, xs = _run_both(*CELLS["basic_lstm"], lengths=lengths,
                                 time_major=time_major)
    assert np.all(od[0, 4:] == 0) and np.all(od[1] == 0) and np.all(od[2] != 0)
    assert np.all(sd.c[1] == 0) and np.all(sd.h[1] == 0)        # length 0: the initial state
    np.testing.assert_allclose(sd.h[0], od[0, 3], rtol=1e-12)   # h at the last valid step


def test_multi_rnn_cell_and_concatenated_states():
    rng = np.random.default_rng(2)
    with gc.Graph().as_default():
        gc.set_random_seed(2)                   # the same weights every run
        cells = [rnn_cell.BasicLSTMCell(3, state_is_tuple=False), rnn_cell.BasicRNNCell(2)]
        cell = rnn_cell.MultiRNNCell(cells, state_is_tuple=False)
        assert cell.state_size == 8 and cell.output_size == 2
        x = gc.placeholder(gc.float64, (None, 4, 2))
        out, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float64)
        xv = rng.standard_normal((5, 4, 2))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            w0, w1 = weights_of(sess, cells[0]), weights_of(sess, cells[1])
            o, s = sess.run([out, state], {x: xv})
    s0, s1 = (np.zeros((5, 3)), np.zeros((5, 3))), np.zeros((5, 2))
    outs = []
    for t in range(4):
        h, s0 = np_basic_lstm(w0, xv[:, t], s0)
        h, s1 = np_basic_rnn(w1, h, s1)
        outs.append(h)
    # atol too: with random weights an output can be ~0, where rtol alone is flaky
    np.testing.assert_allclose(o, np.stack(outs, 1), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(s, cat(s0[0], s0[1], s1), rtol=1e-12, atol=1e-14)


def test_bidirectional_matches_numpy_with_reverse_sequence_semantics():
    rng = np.random.default_rng(3)
    lengths = np.array([5, 2, 0, 3])
    xs = rng.standard_normal((4, 5, 3))
    with gc.Graph().as_default():
        fw, bw = rnn_cell.GRUCell(2), rnn_cell.BasicRNNCell(3)
        x = gc.placeholder(gc.float64, (None, None, 3))
        (of, ob), (sf, sb) = gc.nn.bidirectional_dynamic_rnn(fw, bw, x, sequence_length=lengths,
                                                            dtype=gc.float64)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            randomize(sess, fw, rng)
            randomize(sess, bw, rng)
            wf, wb = weights_of(sess, fw), weights_of(sess, bw)
            got = sess.run([of, ob, sf, sb], {x: xs})
    rev = np.zeros_like(xs)
    for b, n in enumerate(lengths):
        rev[b, :n] = xs[b, :n][::-1]
        rev[b, n:] = xs[b, n:]
    want_f, want_sf = np_run(np_gru, wf, xs, np.zeros((4, 2)), lengths)
    tmp, want_sb = np_run(np_basic_rnn, wb, rev, np.zeros((4, 3)), lengths)
    want_b = np.zeros_like(tmp)
    for b, n in enumerate(lengths):
        want_b[b, :n] = tmp[b, :n][::-1]
    for g, w in zip(got, [want_f, want_b, want_sf, want_sb]):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


def test_static_bidirectional_rnn_concatenates_both_directions():
    rng = np.random.default_rng(4)
    with gc.Graph().as_default():
        xs = [gc.constant(rng.standard_normal((2, 3))) for _ in range(4)]
        fw, bw = rnn_cell.BasicRNNCell(2), rnn_cell.BasicRNNCell(2)
        outs, sf, sb = gc.nn.static_bidirectional_rnn(fw, bw, xs, dtype=gc.float64,
                                                      sequence_length=[4, 2])
        x = gc.stack(xs, axis=1)
        (of, ob), (df, db) = gc.nn.bidirectional_dynamic_rnn(
            fw, bw, x, sequence_length=[4, 2], dtype=gc.float64, scope="bidirectional_rnn")
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            a, b, c = sess.run([gc.stack(outs, 1), gc.concat([of, ob], -1), [sf, sb, df, db]])
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(c[0], c[2], rtol=1e-12)
    np.testing.assert_allclose(c[1], c[3], rtol=1e-12)


# ---- gradients ------------------------------------------------------------------------------
def _weights_getter(weights):
    """A custom getter serving the tensors in `weights` (by name inside the cell's scope)
    as the cell's variables: check_vjp feeds placeholders, it initializes nothing."""
    def getter(getter, name, *args, **kwargs):
        return weights[name.split("/", 3)[-1]]
    return getter


@pytest.mark.parametrize("time_major", [False, True])
def test_gradients_through_dynamic_rnn_match_finite_differences(time_major):
    rng = np.random.default_rng(5)

    def fn(x, c0, h0, kernel, bias):
        with gc.variable_scope("w", custom_getter=_weights_getter(
                {"kernel": kernel, "bias": bias})):
            out, state = gc.nn.dynamic_rnn(
                rnn_cell.BasicLSTMCell(3), x, sequence_length=[3, 1],
                initial_state=rnn_cell.LSTMStateTuple(c0, h0), time_major=time_major)
        return [out, state.c, state.h]
    x = rng.standard_normal((3, 2, 2) if time_major else (2, 3, 2))
    check_vjp(fn, [x, rng.standard_normal((2, 3)), rng.standard_normal((2, 3)),
                   rng.standard_normal((5, 12)) * 0.5, rng.standard_normal(12) * 0.5])


def test_forward_mode_through_dynamic_rnn():
    rng = np.random.default_rng(10)

    def fn(x, kernel, bias):
        with gc.variable_scope("w", custom_getter=_weights_getter(
                {"kernel": kernel, "bias": bias})):
            out, state = gc.nn.dynamic_rnn(rnn_cell.BasicRNNCell(3), x, dtype=gc.float64,
                                           sequence_length=[1, 3])
        return [out, state]
    check_jvp(fn, [rng.standard_normal((2, 3, 2)), rng.standard_normal((5, 3)) * 0.5,
                   rng.standard_normal(3) * 0.5])


def test_second_derivatives_through_dynamic_rnn():
    rng = np.random.default_rng(6)

    def fn(x, kernel, bias):
        with gc.variable_scope("w", custom_getter=_weights_getter(
                {"gates/kernel": kernel[:, :4], "gates/bias": bias[:4],
                 "candidate/kernel": kernel[:, 4:], "candidate/bias": bias[4:]})):
            out, _ = gc.nn.dynamic_rnn(rnn_cell.GRUCell(2), x, dtype=gc.float64,
                                       sequence_length=[2, 3])
        loss = gc.reduce_sum(out * out)
        return gc.gradients(loss, [x, kernel])
    check_vjp(fn, [rng.standard_normal((2, 3, 2)), rng.standard_normal((4, 6)) * 0.5,
                   rng.standard_normal(6) * 0.5])


# ---- dropout --------------------------------------------------------------------------------
def test_dropout_in_dynamic_rnn_trains_and_matches_an_unwrapped_cell_at_keep_one():
    rng = np.random.default_rng(7)
    with gc.Graph().as_default():
        keep = gc.placeholder_with_default(gc.constant(1.0, gc.float64), [])
        inner = rnn_cell.BasicLSTMCell(4)
        cell = rnn_cell.DropoutWrapper(inner, input_keep_prob=keep, output_keep_prob=keep,
                                       state_keep_prob=keep, seed=3)
        x = gc.placeholder(gc.float64, (None, 5, 3))
        out, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float64)
        plain, _ = gc.nn.dynamic_rnn(inner, x, dtype=gc.float64, scope="rnn")
        loop = [n for n in gc.get_default_graph().get_operations() if "Loop" in n.type]
        assert {n.type for n in loop} == {"StatelessLoop"}    # noise drawn outside the loop
        dx, dk = gc.gradients(gc.reduce_sum(out * out), [x, inner.variables[0]])
        xv = rng.standard_normal((2, 5, 3))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            a, b = sess.run([out, plain], {x: xv})
            np.testing.assert_allclose(a, b, rtol=1e-12)
            o, s, g = sess.run([out, state, dx], {x: xv, keep: 0.5})
            assert np.any(o == 0) and np.all(np.isfinite(g))
            # each step draws its own mask: the zero pattern changes along time
            zeros = o == 0
            assert any(np.any(zeros[:, t] != zeros[:, 0]) for t in range(1, 5))
            assert np.all(s.c != 0)                      # the memory c is never dropped


def test_dropout_masks_agree_with_the_gradient_and_variational_masks_repeat():
    rng = np.random.default_rng(8)
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, (3, 4, 2))
        ident = rnn_cell.ResidualWrapper(rnn_cell.BasicRNNCell(2, activation=lambda v: v * 0.0))
        cell = rnn_cell.DropoutWrapper(ident, input_keep_prob=0.5, seed=1)
        out, _ = gc.nn.dynamic_rnn(cell, x, dtype=gc.float64)      # out = dropout(x)
        dx, = gc.gradients(gc.reduce_sum(out * 3.0), [x])
        var = rnn_cell.DropoutWrapper(rnn_cell.ResidualWrapper(
            rnn_cell.BasicRNNCell(2, activation=lambda v: v * 0.0, name="zero")),
            input_keep_prob=0.5, variational_recurrent=True, input_size=2,
            dtype=gc.float64, seed=2)
        out_v, _ = gc.nn.dynamic_rnn(var, x, dtype=gc.float64, scope="v")
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            xv = rng.uniform(1, 2, (3, 4, 2))
            o, g, ov = sess.run([out, dx, out_v], {x: xv})
    kept = o != 0
    np.testing.assert_allclose(o[kept], 2 * xv[kept])
    np.testing.assert_allclose(g, np.where(kept, 6.0, 0.0))          # the same mask
    kept_v = ov != 0
    assert np.all(kept_v == kept_v[:1, :1])          # one mask for every step and row


# ---- training -------------------------------------------------------------------------------
def test_an_lstm_learns_to_sum_its_inputs():
    rng = np.random.default_rng(9)
    with gc.Graph().as_default():
        gc.set_random_seed(1)
        x = gc.placeholder(gc.float32, (None, 6, 1))
        y = gc.placeholder(gc.float32, (None, 1))
        _, state = gc.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(8), x, dtype=gc.float32)
        pred = gc.layers.dense(state.h, 1)
        loss = gc.losses.mean_squared_error(y, pred)
        train = gc.train.AdamOptimizer(0.05).minimize(loss)
        xs = rng.uniform(-1, 1, (64, 6, 1)).astype(np.float32)
        ys = xs.sum(axis=1) / 3
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            before = sess.run(loss, {x: xs, y: ys})
            for _ in range(80):
                sess.run(train, {x: xs, y: ys})
            after = sess.run(loss, {x: xs, y: ys})
    assert after < 0.1 * before, (before, after)


# ---- errors ---------------------------------------------------------------------------------
def test_errors_name_the_tensor_and_where_it_was_made():
    with gc.Graph().as_default():
        cell = rnn_cell.GRUCell(3)
        flat = gc.placeholder(gc.float32, (None, 5), name="flat_inputs")
        with pytest.raises(gc.errors.ShapeError, match=r"rank >= 3(.|\n)*'flat_inputs'"
                                                       r"(.|\n)*test_rnn.py:\d+"):
            gc.nn.dynamic_rnn(cell, flat, dtype=gc.float32)
        x = gc.placeholder(gc.float32, (None, 5, 2), name="x32")
        with pytest.raises(gc.errors.DTypeError, match=r"state is float64 but the inputs are "
                                                       r"float32(.|\n)*'x32'(.|\n)*test_rnn"):
            gc.nn.dynamic_rnn(cell, x, dtype=gc.float64)
        h0 = gc.placeholder(gc.float32, (None, 4), name="h0")
        with pytest.raises(gc.errors.ShapeError, match=r"\(batch, 3\)(.|\n)*'h0'"):
            gc.nn.dynamic_rnn(cell, x, initial_state=h0)
        with pytest.raises(ValueError, match="you must give a dtype"):
            gc.nn.dynamic_rnn(cell, x)
        deep = gc.placeholder(gc.float32, (None, 5, None), name="no_depth")
        with pytest.raises(gc.errors.ShapeError, match="depth of inputs(.|\n)*'no_depth'"):
            gc.nn.dynamic_rnn(cell, deep, dtype=gc.float32)
        with pytest.raises(gc.errors.ShapeError, match="3 entries for a batch of 2"):
            gc.nn.dynamic_rnn(cell, gc.zeros([2, 5, 2]), sequence_length=[1, 2, 3],
                              dtype=gc.float32)
        lengths = gc.placeholder(gc.int32, (None,), name="lengths")
        out, _ = gc.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=gc.float32)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            with pytest.raises(gc.errors.ExecutionError, match="sequence_length must have "
                                                               "batch_size entries"):
                sess.run(out, {x: np.ones((2, 5, 2)), lengths: [1, 2, 3]})
        with pytest.raises(gc.errors.DTypeError, match="has float32 variables but its inputs "
                                                       "are float64"):
            cell(gc.zeros([2, 2], gc.float64), gc.zeros([2, 3], gc.float64))
        with pytest.raises(gc.errors.ShapeError, match="built for inputs of depth 2"):
            cell(gc.zeros([2, 4]), gc.zeros([2, 3]))
        with pytest.raises(gc.errors.ShapeError, match="same shape"):
            rnn_cell.ResidualWrapper(rnn_cell.GRUCell(3))(gc.zeros([2, 2]), gc.zeros([2, 3]))
        with pytest.raises(TypeError, match="is not an RNNCell"):
            gc.nn.dynamic_rnn(object(), x, dtype=gc.float32)


def test_a_cell_making_variables_in_call_works_under_dynamic_rnn():
    """TF1: a cell may call get_variable in call; under dynamic_rnn that happens while the
    loop body is traced, and the variable goes to the outer graph, as static_rnn's."""
    class LazyCell(rnn_cell.RNNCell):
        state_size = output_size = 2

        def call(self, inputs, state):
            w = gc.get_variable("w", [inputs.shape[1] + 2, 2])
            h = gc.tanh(gc.matmul(gc.concat([inputs, state], 1), w))
            return h, h

    class BuiltCell(LazyCell):
        def build(self, inputs_shape):
            self.w = self.add_variable("w", [inputs_shape[-1] + 2, 2])

        def call(self, inputs, state):
            h = gc.tanh(gc.matmul(gc.concat([inputs, state], 1), self.w))
            return h, h

    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (None, 4, 3))
        outs, _ = gc.nn.static_rnn(LazyCell(), gc.unstack(x, axis=1), dtype=gc.float32)
        assert [v.op.name for v in gc.global_variables()] == ["rnn/lazy_cell/w"]
        lazy, _ = gc.nn.dynamic_rnn(LazyCell(), x, dtype=gc.float32, scope="lazy")
        out, _ = gc.nn.dynamic_rnn(BuiltCell(), x, dtype=gc.float32, scope="built")
        names = [v.op.name for v in gc.global_variables()]
        assert names == ["rnn/lazy_cell/w", "lazy/lazy_cell/w", "built/built_cell/w"]
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            w_static, w_lazy = sess.run(gc.global_variables()[:2])
            gc.global_variables()[1].load(w_static, sess)
            xv = np.random.default_rng(0).standard_normal((2, 4, 3))
            np.testing.assert_allclose(sess.run(lazy, {x: xv}),
                                       np.stack(sess.run(outs, {x: xv}), 1), rtol=1e-6)
            assert sess.run(out, {x: np.ones((2, 4, 3))}).shape == (2, 4, 2)


def test_a_custom_cell_may_take_integer_inputs_and_dtype_yields_to_initial_state():
    """TF1: dynamic_rnn leaves dtype checks to the cells (its own cells refuse integer
    inputs; tf.contrib.crf's backtracking cell takes int32), and ignores `dtype` when
    an initial_state is given."""
    class Count(gc.nn.rnn_cell.RNNCell):
        state_size = property(lambda self: 1)
        output_size = property(lambda self: 1)

        def call(self, inputs, state):
            new = state + inputs
            return new, new

    with gc.Graph().as_default():
        x = gc.constant(np.arange(6, dtype=np.int32).reshape(2, 3, 1))
        outputs, state = gc.nn.dynamic_rnn(Count(), x, initial_state=gc.zeros((2, 1),
                                                                              gc.int32),
                                           dtype=gc.float32)
        with gc.Session() as sess:
            out, last = sess.run([outputs, state])
        np.testing.assert_array_equal(out[:, :, 0], [[0, 1, 3], [3, 7, 12]])
        np.testing.assert_array_equal(last, [[3], [12]])
        with pytest.raises((ValueError, TypeError), match="only supports floating point"):
            gc.nn.dynamic_rnn(gc.nn.rnn_cell.GRUCell(2), x, dtype=gc.int32)


def test_static_rnn_takes_rank_one_ids_for_an_embedding_wrapper():
    """TF1's static_rnn takes rank-1 steps (ids of unknown batch) as they are."""
    with gc.Graph().as_default():
        cell = gc.contrib.rnn.EmbeddingWrapper(gc.nn.rnn_cell.GRUCell(3), 7, 4)
        ids = [gc.placeholder(gc.int32, (None,)) for _ in range(3)]
        outputs, _ = gc.nn.static_rnn(cell, ids, dtype=gc.float32)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            out = sess.run(outputs[-1], {i: [1, 2] for i in ids})
        assert out.shape == (2, 3)
