"""gc.contrib.opt against TF 2.21's kernels composed as TF 1.15's tf.contrib.opt composed
them (tf.contrib is gone): ResourceApplyAddSign / PowerSign, ResourceApplyAdam with
use_nesterov (Nadam), a decay assign before ResourceApplyAdam / Momentum (AdamW,
MomentumW), ResourceApplyMomentum with the LARS rate, ResourceSparseApplyMomentum (LARS's
sparse fallback), the sign decays, and v1.train.ExponentialMovingAverage after a step
(MovingAverageOptimizer).

Each step feeds the same gradient to both: graphc minimizes sum(W * G), whose gradient
is G; TF's update op reads G from a placeholder.
"""
import math

import numpy as np
import pytest
from tf_parity import tf

import graphc as gc
from graphc.contrib import opt

v1 = tf.compat.v1
STEPS = 4
RNG = np.random.default_rng(7)
W0 = RNG.standard_normal((3, 4)).astype(np.float32)
GRADS = [RNG.standard_normal((3, 4)).astype(np.float32) for _ in range(STEPS)]


def gc_run(make_opt, grads=GRADS, w0=W0, slots=(), rows=None):
    """W after each step of make_opt() in graphc (and its slots at the end); `rows`:
    the gradient reaches W through gather(W, rows), so it is an IndexedSlices."""
    g = gc.Graph()
    with g.as_default():
        W = gc.Variable(w0, name="W")
        G = gc.placeholder(gc.float32, grads[0].shape)
        x = W if rows is None else gc.gather(W, rows)
        gs = gc.train.get_or_create_global_step()
        o = make_opt()
        train = o.minimize(gc.reduce_sum(x * G), global_step=gs)
        inner = getattr(o, "_optimizer", o)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            out = []
            for grad in grads:
                sess.run(train, {G: grad})
                out.append(sess.run(W))
            return out, [sess.run(inner.get_slot(W, s)) for s in slots], o, sess.run(
                o._ema.average(W)) if hasattr(o, "_ema") else None


def tf_run(build, grads=GRADS, w0=W0, n_slots=1, g_shape=None):
    """W after each step of build(W, slots, g, gs) -> update op, in TF (resource
    variables); global_step is incremented after each update."""
    g = tf.Graph()
    with g.as_default():
        W = v1.Variable(w0, name="W", use_resource=True)
        slots = [v1.Variable(np.zeros_like(w0), use_resource=True) for _ in range(n_slots)]
        gs = v1.Variable(0, dtype=tf.int64, use_resource=True)
        G = v1.placeholder(tf.float32, g_shape or grads[0].shape)
        update = build(W, slots, G, gs)
        with tf.control_dependencies([update]):
            step = gs.assign_add(1)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            out = []
            for grad in grads:
                sess.run(step, {G: grad})
                out.append(sess.run(W))
            return out, [sess.run(s) for s in slots]


def close(a, b, rtol=1e-5, atol=1e-6):
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


@pytest.mark.parametrize("decay", [None, "linear", "cosine", "restart"])
def test_addsign_matches_resource_apply_add_sign(decay):
    fns = {None: None, "linear": lambda m: m.get_linear_decay_fn(3),
           "cosine": lambda m: m.get_cosine_decay_fn(3, num_periods=1, zero_after=0.4),
           "restart": lambda m: m.get_restart_decay_fn(3, num_periods=2)}

    def build(W, slots, G, gs):
        sd = 1.0 if decay is None else fns[decay](_TFSignDecay)(gs)
        return tf.raw_ops.ResourceApplyAddSign(
            var=W.handle, m=slots[0].handle, lr=0.1, alpha=1.5,
            sign_decay=tf.cast(sd, tf.float32), beta=0.8, grad=G)
    want, (m_want,) = tf_run(build)
    sd_fn = None if decay is None else fns[decay](opt)
    got, (m_got,), _, _ = gc_run(lambda: opt.AddSignOptimizer(
        0.1, alpha=1.5, beta=0.8, sign_decay_fn=sd_fn), slots=["m"])
    close(got, want)
    close([m_got], [m_want])


def test_powersign_matches_resource_apply_power_sign():
    def build(W, slots, G, gs):
        sd = _TFSignDecay.get_cosine_decay_fn(4)(gs)
        return tf.raw_ops.ResourceApplyPowerSign(
            var=W.handle, m=slots[0].handle, lr=0.05, logbase=math.log(2.0),
            sign_decay=sd, beta=0.9, grad=G)
    want, (m_want,) = tf_run(build)
    got, (m_got,), _, _ = gc_run(lambda: opt.PowerSignOptimizer(
        0.05, base=2.0, sign_decay_fn=opt.get_cosine_decay_fn(4)), slots=["m"])
    close(got, want)
    close([m_got], [m_want])


def _tf_adam(W, slots, G, nesterov, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, deps=()):
    """ResourceApplyAdam with beta powers kept in two more variables (TF1's Adam)."""
    b1p = v1.Variable(b1, dtype=tf.float32, use_resource=True)
    b2p = v1.Variable(b2, dtype=tf.float32, use_resource=True)
    with tf.control_dependencies(list(deps)):
        apply = tf.raw_ops.ResourceApplyAdam(
            var=W.handle, m=slots[0].handle, v=slots[1].handle,
            beta1_power=b1p.read_value(), beta2_power=b2p.read_value(), lr=lr,
            beta1=b1, beta2=b2, epsilon=eps, grad=G, use_nesterov=nesterov)
    with tf.control_dependencies([apply]):
        return tf.group(b1p.assign(b1p * b1), b2p.assign(b2p * b2))


def test_nadam_matches_resource_apply_adam_nesterov():
    want, slots_want = tf_run(lambda W, s, G, gs: _tf_adam(W, s, G, True), n_slots=2)
    got, slots_got, o, _ = gc_run(lambda: opt.NadamOptimizer(0.1), slots=["m", "v"])
    close(got, want)
    close(slots_got, slots_want)
    assert o.get_name() == "Adam"


def test_adamw_matches_decay_then_resource_apply_adam():
    def build(W, slots, G, gs):
        decay = W.assign_sub(0.05 * W.read_value())
        return _tf_adam(W, slots, G, False, deps=[decay])
    want, slots_want = tf_run(build, n_slots=2)
    got, slots_got, _, _ = gc_run(lambda: opt.AdamWOptimizer(0.05, learning_rate=0.1),
                                  slots=["m", "v"])
    close(got, want)
    close(slots_got, slots_want)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentumw_matches_decay_then_resource_apply_momentum(nesterov):
    def build(W, slots, G, gs):
        decay = W.assign_sub(0.05 * W.read_value())
        with tf.control_dependencies([decay]):
            return tf.raw_ops.ResourceApplyMomentum(
                var=W.handle, accum=slots[0].handle, lr=0.1, grad=G, momentum=0.9,
                use_nesterov=nesterov)
    want, (acc_want,) = tf_run(build)
    got, (acc_got,), _, _ = gc_run(lambda: opt.MomentumWOptimizer(
        0.05, 0.1, 0.9, use_nesterov=nesterov), slots=["momentum"])
    close(got, want)
    close([acc_got], [acc_want])


@pytest.mark.parametrize("nesterov", [False, True])
def test_lars_matches_resource_apply_momentum_with_trust_ratio(nesterov):
    def build(W, slots, G, gs):
        w_norm, g_norm = tf.norm(W.read_value(), ord=2), tf.norm(G, ord=2)
        ratio = v1.where(tf.greater(w_norm, 0), v1.where(
            tf.greater(g_norm, 0), 0.01 * w_norm / (g_norm + 0.001 * w_norm + 1e-6), 1.0),
            1.0)
        return tf.raw_ops.ResourceApplyMomentum(
            var=W.handle, accum=slots[0].handle, lr=0.5 * ratio, grad=G, momentum=0.9,
            use_nesterov=nesterov)
    want, (acc_want,) = tf_run(build)
    got, (acc_got,), _, _ = gc_run(lambda: opt.LARSOptimizer(
        0.5, momentum=0.9, weight_decay=0.001, eeta=0.01, epsilon=1e-6,
        use_nesterov=nesterov), slots=["momentum"])
    close(got, want)
    close([acc_got], [acc_want])


def test_lars_sparse_matches_resource_sparse_apply_momentum():
    rows = np.array([2, 0])
    grads = [g[:2] for g in GRADS]

    def build(W, slots, G, gs):
        return tf.raw_ops.ResourceSparseApplyMomentum(
            var=W.handle, accum=slots[0].handle, lr=0.5, grad=G, indices=rows,
            momentum=0.9)
    want, (acc_want,) = tf_run(build, grads=grads)
    got, (acc_got,), _, _ = gc_run(lambda: opt.LARSOptimizer(0.5), grads=grads,
                                   slots=["momentum"], rows=rows)
    close(got, want)
    close([acc_got], [acc_want])


def test_moving_average_optimizer_matches_ema_after_step():
    # TF 1.15: the wrapped optimizer's op increments global_step; the averages follow it
    # (so with num_updates=global_step they see the incremented step)
    g = tf.Graph()
    with g.as_default():
        W = v1.Variable(W0, use_resource=True)
        gs = v1.Variable(0, dtype=tf.int64, use_resource=True)
        G = v1.placeholder(tf.float32, W0.shape)
        step = tf.raw_ops.ResourceApplyGradientDescent(var=W.handle, alpha=0.1, delta=G)
        with tf.control_dependencies([step]):
            inc = gs.assign_add(1)
        ema = v1.train.ExponentialMovingAverage(0.7, num_updates=gs)
        with tf.control_dependencies([inc]):
            ma = ema.apply([W])
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            for grad in GRADS:
                sess.run(ma, {G: grad})
            want_w, want_avg = sess.run([W, ema.average(W)])
    gstep = []

    def make():
        gstep.append(gc.train.get_or_create_global_step())
        return opt.MovingAverageOptimizer(gc.train.GradientDescentOptimizer(0.1), 0.7,
                                          num_updates=gstep[0])
    got, _, _, got_avg = gc_run(make)
    close([got[-1], got_avg], [want_w, want_avg])


class _TFSignDecay:
    """TF 1.15's sign_decay.py, composed of the TF ops it used."""

    @staticmethod
    def get_linear_decay_fn(decay_steps):
        def fn(global_step):
            global_step = tf.minimum(global_step, decay_steps)
            remaining = tf.cast(decay_steps, tf.int32) - tf.cast(global_step, tf.int32)
            return tf.maximum(0.0, tf.cast(remaining, tf.float32) / float(decay_steps))
        return fn

    @staticmethod
    def get_cosine_decay_fn(decay_steps, num_periods=0.5, zero_after=None):
        def fn(global_step):
            global_step = tf.minimum(global_step, decay_steps)
            fraction = 2.0 * num_periods * (tf.cast(global_step, tf.float32)
                                            / float(decay_steps))
            decayed = 0.5 * (1.0 + tf.cos(tf.constant(math.pi) * fraction))
            if zero_after is not None:
                decayed = v1.where(tf.greater_equal(fraction, 2 * zero_after),
                                   0.0, decayed)
            return decayed
        return fn

    @staticmethod
    def get_restart_decay_fn(decay_steps, num_periods=1, zero_after=None):
        def fn(global_step):
            global_step = tf.minimum(global_step, decay_steps)
            num = tf.math.floormod(num_periods * tf.cast(global_step, tf.float32),
                                   decay_steps)
            decayed = 0.5 * (1.0 + tf.cos(tf.constant(math.pi) * num / float(decay_steps)))
            if zero_after is not None:
                tmp = tf.cast(num_periods * global_step, tf.float32) / float(decay_steps)
                decayed = v1.where(tf.greater_equal(tmp, zero_after), 0.0, decayed)
            return decayed
        return fn


@pytest.mark.parametrize("name,args", [
    ("get_linear_decay_fn", (5,)), ("get_cosine_decay_fn", (5,)),
    ("get_cosine_decay_fn", (6, 2.0, 0.75)), ("get_restart_decay_fn", (4, 1)),
    ("get_restart_decay_fn", (6, 3, 1))])
def test_sign_decay_functions_match_tf_composition(name, args):
    steps = np.arange(0, 9, dtype=np.int64)
    with tf.Graph().as_default(), v1.Session() as sess:
        s = v1.placeholder(tf.int64, [])
        t = getattr(_TFSignDecay, name)(*args)(s)
        want = [sess.run(t, {s: i}) for i in steps]
    with gc.Graph().as_default(), gc.Session() as sess:
        s = gc.placeholder(gc.int64, [])
        t = getattr(opt, name)(*args)(s)
        assert t.dtype == gc.float32
        got = [sess.run(t, {s: i}) for i in steps]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
