"""Parity of gc.contrib.crf with TF 1.15's tf.contrib.crf. TF 2 has no tf.contrib, so the
reference here composes TF 2.21's tf.compat.v1 ops the way TF 1.15's contrib/crf does
(gather on flattened inputs, sequence_mask, dynamic_rnn over cells that add transitions
and logsumexp or max/argmax, reverse_sequence for the backtracking, the max_seq_len == 1
shortcut): values, dtypes, shapes and gradients, on float32 as TF 1.15 supports."""
import numpy as np
import pytest

from tf_parity import check, tf, v1

import graphc as gc

crf = gc.contrib.crf
O = 4


# ---- the reference: TF 1.15's contrib composition on TF 2.21 ops --------------------------
class _Cell:
    """A cell for v1.nn.dynamic_rnn (TF 2.21 has no Keras-2 RNNCell): step(inputs, state)."""

    def __init__(self, size, step):
        self.state_size = self.output_size = size
        self._step = step

    def zero_state(self, batch, dtype):
        return tf.zeros([batch, self.state_size], dtype)

    def __call__(self, inputs, state, scope=None):
        return self._step(inputs, state)


def _static_t(x):
    return tf.compat.dimension_value(x.shape[1])


def _smart(x, single, multi):
    t = _static_t(x)
    if t is not None:
        return single() if t == 1 else multi()
    return v1.cond(tf.equal(tf.shape(x)[1], 1), single, multi)


def _masked(values, lengths):
    return v1.where(tf.less_equal(lengths, 0), tf.zeros_like(values), values)


def ref_unary(tags, lengths, x):
    b, t, o = tf.unstack(tf.shape(x))
    offsets = tf.expand_dims(tf.range(b) * t * o, 1) + tf.expand_dims(tf.range(t) * o, 0)
    if tags.dtype == tf.int64:
        offsets = tf.cast(offsets, tf.int64)
    picked = tf.reshape(tf.gather(tf.reshape(x, [-1]), tf.reshape(offsets + tags, [-1])),
                        [b, t])
    return tf.reduce_sum(picked * tf.sequence_mask(lengths, tf.shape(tags)[1], tf.float32), 1)


def ref_binary(tags, lengths, trans):
    n = tf.shape(tags)[1] - 1
    start, end = tf.slice(tags, [0, 0], [-1, n]), tf.slice(tags, [0, 1], [-1, n])
    picked = tf.gather(tf.reshape(trans, [-1]), start * trans.shape[0] + end)
    mask = tf.sequence_mask(lengths, tf.shape(tags)[1], tf.float32)[:, 1:]
    return tf.reduce_sum(picked * mask, 1)


def ref_score(x, tags, lengths, trans):
    def single():
        rows = tf.reshape(tf.range(tf.shape(x, out_type=tags.dtype)[0], dtype=tags.dtype),
                          [-1, 1])
        s = tf.gather_nd(tf.squeeze(x, [1]), tf.concat([rows, tags], 1))
        return _masked(s, lengths)
    return _smart(x, single,
                  lambda: ref_unary(tags, lengths, x) + ref_binary(tags, lengths, trans))


def ref_log_norm(x, lengths, trans):
    first = tf.squeeze(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [1])

    def step(inputs, state):
        new = inputs + tf.reduce_logsumexp(tf.expand_dims(state, 2) + trans[None], [1])
        return new, new

    def multi():
        _, alphas = v1.nn.dynamic_rnn(_Cell(O, step), tf.slice(x, [0, 1, 0], [-1, -1, -1]),
                                      sequence_length=tf.maximum(0, lengths - 1),
                                      initial_state=first, dtype=tf.float32)
        return _masked(tf.reduce_logsumexp(alphas, [1]), lengths)
    return _smart(x, lambda: _masked(tf.reduce_logsumexp(first, [1]), lengths), multi)


def ref_multitag(x, bitmap, lengths, trans):
    filtered = v1.where(bitmap, x, tf.fill(tf.shape(x), float("-inf")))
    return _smart(x, lambda: tf.reduce_logsumexp(filtered, [1, 2]),
                  lambda: ref_log_norm(filtered, lengths, trans))


def ref_decode(x, trans, lengths):
    def single():
        sq = tf.squeeze(x, [1])
        return tf.cast(tf.expand_dims(tf.argmax(sq, 1), 1), tf.int32), tf.reduce_max(sq, 1)

    def fwd(inputs, state):
        v = tf.expand_dims(state, 2) + trans[None]
        return tf.cast(tf.argmax(v, 1), tf.int32), inputs + tf.reduce_max(v, [1])

    def bwd(inputs, state):
        rows = tf.range(tf.shape(inputs)[0])
        new = tf.expand_dims(tf.gather_nd(inputs, tf.stack([rows, state[:, 0]], 1)), -1)
        return new, new

    def multi():
        less = tf.maximum(0, lengths - 1)
        first = tf.squeeze(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [1])
        bps, last = v1.nn.dynamic_rnn(_Cell(O, fwd), tf.slice(x, [0, 1, 0], [-1, -1, -1]),
                                      sequence_length=less, initial_state=first,
                                      dtype=tf.int32)
        bps = tf.reverse_sequence(bps, less, seq_axis=1)
        start = tf.expand_dims(tf.cast(tf.argmax(last, 1), tf.int32), -1)
        tags, _ = v1.nn.dynamic_rnn(_Cell(1, bwd), bps, sequence_length=less,
                                    initial_state=start, dtype=tf.int32)
        tags = tf.concat([start, tf.squeeze(tags, [2])], 1)
        return tf.reverse_sequence(tags, lengths, seq_axis=1), tf.reduce_max(last, 1)
    return _smart(x, single, multi)


# ---- cases ---------------------------------------------------------------------------------
def data(steps, seed, batch=5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, steps, O)).astype(np.float32)
    tags = rng.integers(0, O, size=(batch, steps)).astype(np.int32)
    lengths = rng.integers(0, steps + 1, size=batch).astype(np.int32)
    lengths[:2] = [0, min(1, steps)]
    trans = rng.normal(size=(O, O)).astype(np.float32)
    return x, tags, lengths, trans


def _likelihood(m, x, y, n, tr):
    if m is gc:
        return crf.crf_sequence_score(x, y, n, tr), crf.crf_log_norm(x, n, tr), \
            crf.crf_log_likelihood(x, y, n, tr)[0]
    score, log_z = ref_score(x, y, n, tr), ref_log_norm(x, n, tr)
    return score, log_z, score - log_z


@pytest.mark.parametrize("steps", [1, 2, 5])
def test_scores_log_norm_likelihood_and_gradients(steps):
    check(_likelihood, *data(steps, steps), rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("steps", [1, 5])
def test_unary_and_binary_scores(steps):
    def fn(m, x, y, n, tr):
        if m is gc:
            return crf.crf_unary_score(y, n, x), crf.crf_binary_score(y, n, tr)
        return ref_unary(y, n, x), ref_binary(y, n, tr)
    check(fn, *data(steps, 10 + steps), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("steps", [1, 4])
def test_multitag_score(steps):
    x, tags, lengths, trans = data(steps, 20 + steps)
    bitmap = np.random.default_rng(steps).random(x.shape) < 0.6
    bitmap[np.arange(5)[:, None], np.arange(steps), tags] = True

    def fn(m, x, b, n, tr):
        f = crf.crf_multitag_sequence_score if m is gc else ref_multitag
        return f(x, b, n, tr)
    check(fn, x, bitmap, lengths, trans, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("steps", [1, 2, 6])
def test_decode(steps):
    x, _, lengths, trans = data(steps, 30 + steps, batch=6)

    def fn(m, x, n, tr):
        return crf.crf_decode(x, tr, n) if m is gc else ref_decode(x, tr, n)
    check(fn, x, lengths, trans, grad=False, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("steps", [1, 3])
def test_unknown_max_seq_len(steps):
    """Placeholders of unknown batch and time: TF 1.15 switches with a cond at run time."""
    x, tags, lengths, trans = data(steps, 40 + steps)
    outs = []
    for m in (gc, v1):
        with m.Graph().as_default():
            xp = m.placeholder(m.float32, (None, None, O))
            yp, lp = m.placeholder(m.int32, (None, None)), m.placeholder(m.int32, (None,))
            trp = m.constant(trans)
            vals = list(_likelihood(m, xp, yp, lp, trp))
            vals += list(crf.crf_decode(xp, trp, lp) if m is gc else ref_decode(xp, trp, lp))
            vals += m.gradients(vals[2], [xp, trp])
            with m.Session() as sess:
                outs.append(sess.run(vals, {xp: x, yp: tags, lp: lengths}))
    for a, b in zip(*outs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5)


def test_viterbi_decode_and_transitions_variable():
    x, _, _, trans = data(6, 50)
    tags, best = crf.viterbi_decode(x[0], trans)
    with tf.Graph().as_default(), v1.Session() as sess:
        want_tags, want_best = sess.run(ref_decode(tf.constant(x[:1]), tf.constant(trans),
                                                   tf.constant([6])))
    assert [int(t) for t in tags] == list(want_tags[0])
    np.testing.assert_allclose(best, want_best[0], rtol=1e-6)
    with gc.Graph().as_default(), gc.variable_scope("tagger"):
        _, var = crf.crf_log_likelihood(gc.placeholder(gc.float32, (None, None, O)),
                                        gc.placeholder(gc.int32, (None, None)),
                                        gc.placeholder(gc.int32, (None,)))
    with tf.Graph().as_default(), v1.variable_scope("tagger"):
        want = v1.get_variable("transitions", [O, O])
    assert (var.name, var.shape.as_list(), var.dtype.name) == (
        want.name, want.shape.as_list(), want.dtype.name)
