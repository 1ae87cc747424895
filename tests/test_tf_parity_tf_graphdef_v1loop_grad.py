"""Parity of gc.import_graph_def on TF graphs holding TF's gradients of TF1 while loops
(control flow v1: tf.gradients through tf.while_loop or dynamic_rnn builds a backward
loop popping stacks the forward loop pushed). graphc lifts the backward loop: its
Exits become graphc's gradients of the imported forward loop
(graphc/io/tf_graphdef_v1grad.py). Each case builds the graph in TF, runs it on feeds
of several batch sizes and lengths (0 steps included), and compares with graphc after
import from the GraphDef."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")      # tf.compat.v1.nn.rnn_cell

import graphc as gc                                     # noqa: E402
import tf_fixtures                                      # noqa: E402
from tf_parity import control_flow_v1, frozen_tf_graph, tf, v1  # noqa: E402,F401

rng = np.random.default_rng(0)


pytestmark = pytest.mark.usefixtures("control_flow_v1")


def f32(*shape):
    return rng.uniform(-1.0, 1.0, shape).astype(np.float32)


def ph(dtype, shape, name):
    return v1.placeholder(dtype, shape, name=name)


def via_graphdef(build, feeds, rtol=1e-4, atol=1e-5):
    """build() -> (placeholders, outputs) in TF; run on each feed in TF and in graphc."""
    gd, names, inputs, wants = frozen_tf_graph(build, feeds)
    assert {"StackPushV2", "StackPopV2", "Exit"} <= {nd.op for nd in gd.node}
    tf_fixtures.check_import(gd, names, inputs, feeds, wants, rtol, atol)
    return gd


def test_while_loop_gradients_of_captures_and_initial_state():
    """w reaches the loss through the initial state and the body (TF adds the outside
    path itself: the lifted gradient is the input slot's)."""
    def build():
        x = ph(tf.float32, [None, 3], "x")
        w = v1.get_variable("w", initializer=f32(2, 2))
        u = v1.get_variable("u", initializer=f32(3, 2))
        h0 = tf.tanh(tf.reshape(tf.reduce_sum(x), [1, 1]) * tf.ones([1, 2]) @ w)

        def body(i, h, acc):
            h = tf.tanh(h @ w + tf.reshape(x[i], [1, 3]) @ u)
            return i + 1, h, acc + tf.reduce_sum(h)
        _, h, acc = tf.while_loop(lambda i, h, acc: i < tf.shape(x)[0], body,
                                  [tf.constant(0), h0, tf.constant(0.0)])
        loss = tf.reduce_sum(h * h) + 0.5 * acc
        return [x], [loss] + tf.gradients(loss, [w, u, x, h0])
    via_graphdef(build, [(f32(n, 3),) for n in (4, 1, 0, 6)])


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_dynamic_rnn_gradients(cell):
    def build():
        x, sl = ph(tf.float32, [None, None, 3], "x"), ph(tf.int32, [None], "sl")
        v1.set_random_seed(1)
        make = {"rnn": v1.nn.rnn_cell.BasicRNNCell, "gru": v1.nn.rnn_cell.GRUCell,
                "lstm": v1.nn.rnn_cell.LSTMCell}[cell]
        out, state = v1.nn.dynamic_rnn(make(4), x, sequence_length=sl, dtype=tf.float32)
        last = state.h if cell == "lstm" else state
        loss = tf.reduce_sum(out * out) + tf.reduce_sum(tf.sin(last))
        return [x, sl], [loss] + tf.gradients(loss, v1.trainable_variables() + [x])
    via_graphdef(build, [(f32(2, 5, 3), np.array([5, 3], np.int32)),
                         (f32(3, 1, 3), np.array([1, 0, 1], np.int32)),
                         (f32(1, 7, 3), np.array([6], np.int32))])


def test_cond_inside_the_loop_body():
    def build():
        x = ph(tf.float32, [None, 2], "x")
        w = v1.get_variable("w", initializer=f32(2, 2))

        def body(i, h):
            h = tf.cond(tf.equal(i % 2, 0), lambda: tf.tanh(h @ w) + x[i],
                        lambda: h * tf.reduce_sum(w) - x[i])
            return i + 1, h
        _, h = tf.while_loop(lambda i, h: i < tf.shape(x)[0], body,
                             [tf.constant(0), tf.ones([2])[None, :]])
        loss = tf.reduce_sum(tf.square(h))
        return [x], [loss] + tf.gradients(loss, [w, x])
    via_graphdef(build, [(f32(n, 2),) for n in (3, 0, 4)])


def trained(build, feeds, steps=3, rtol=1e-4, atol=1e-6):
    """build() -> (placeholders, loss, train op) in a TF1 training graph (variables not
    frozen): `steps` training steps per feed in TF and in graphc (after import of the
    GraphDef, from TF's initial values); the losses and the final variables compared."""
    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(2)
        xs, loss, train = build()
        init = v1.global_variables_initializer()
        gd = g.as_graph_def()
        variables = v1.global_variables()
        with v1.Session() as sess:
            sess.run(init)
            values = sess.run(variables)
            want = [sess.run([loss, train], dict(zip(xs, fd)))[0]
                    for fd in feeds for _ in range(steps)]
            want_vars = sess.run(variables)
        assigns = [(v.initializer.name, v.initializer.inputs[1].name) for v in variables]
    with gc.Graph().as_default() as graph:
        gc.import_graph_def(gc.GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            for (assign, initial), value in zip(assigns, values):   # TF's initial values
                sess.run(assign, {initial: value})
            got = [sess.run([loss.name, train.name],
                            dict(zip([t.name for t in xs], fd)))[0]
                   for fd in feeds for _ in range(steps)]
            got_vars = [sess.run(graph.get_operation_by_name(v.op.name).outputs[0])
                        for v in variables]
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
    for v, a, b in zip(variables, got_vars, want_vars):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=v.name)
    return gd


def test_train_dynamic_rnn_with_adam():
    """A TF1 training graph (AdamOptimizer.minimize on a dynamic_rnn loss, variables
    not frozen): 3 steps per feed in TF and in graphc from the same initial values."""
    def build():
        x, sl = ph(tf.float32, [None, None, 3], "x"), ph(tf.int32, [None], "sl")
        y = ph(tf.float32, [None, 2], "y")
        init = v1.random_uniform_initializer(-0.5, 0.5)   # (a RandomUniform op)
        cell = v1.nn.rnn_cell.GRUCell(5, kernel_initializer=init)
        out, state = v1.nn.dynamic_rnn(cell, x, sequence_length=sl, dtype=tf.float32)
        logits = v1.layers.dense(state, 2, kernel_initializer=init)
        loss = tf.reduce_mean(tf.square(logits - y)) + 0.01 * tf.reduce_mean(out)
        return [x, sl, y], loss, v1.train.AdamOptimizer(0.05).minimize(loss)
    gd = trained(build, [(f32(2, 4, 3), np.array([4, 2], np.int32), f32(2, 2)),
                         (f32(3, 6, 3), np.array([6, 1, 3], np.int32), f32(3, 2)),
                         (f32(1, 2, 3), np.array([2], np.int32), f32(1, 2))])
    ops = {nd.op for nd in gd.node}
    assert "StackPushV2" in ops and ops & {"ApplyAdam", "ResourceApplyAdam"}


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_minimize_through_a_loop_from_a_learned_initial_state(cell):
    """dynamic_rnn(initial_state=...) from a dense layer, trained with minimize (its
    default GATE_OP puts tuple/control_dependency Identities between the gradient
    loop's Switch and its Exit)."""
    def build():
        x, c = ph(tf.float32, [None, None, 3], "x"), ph(tf.float32, [None, 2], "c")
        y = ph(tf.float32, [None, 2], "y")
        if cell == "gru":
            rnn = v1.nn.rnn_cell.GRUCell(4)
            h0 = v1.layers.dense(c, 4, activation=tf.tanh)
        else:
            rnn = v1.nn.rnn_cell.LSTMCell(4)
            h0 = v1.nn.rnn_cell.LSTMStateTuple(v1.layers.dense(c, 4),
                                               v1.layers.dense(c, 4, activation=tf.tanh))
        _, state = v1.nn.dynamic_rnn(rnn, x, initial_state=h0, dtype=tf.float32)
        last = state.h if cell == "lstm" else state
        loss = tf.reduce_mean(tf.square(v1.layers.dense(last, 2) - y))
        return [x, c, y], loss, v1.train.AdamOptimizer(0.05).minimize(loss)
    trained(build, [(f32(2, 4, 3), f32(2, 2), f32(2, 2)), (f32(3, 1, 3), f32(3, 2), f32(3, 2)),
                    (f32(1, 5, 3), f32(1, 2), f32(1, 2))])


def test_gated_gradient_of_a_loop_initial_value():
    def build():
        x = ph(tf.float32, [None], "x")
        w = v1.get_variable("w", initializer=np.float32(1.5))
        _, h = tf.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, tf.tanh(h) * w),
                             [0, x * w])
        loss = tf.reduce_sum(h * h)
        return [x], [loss] + tf.gradients(loss, [w, x], gate_gradients=True)
    via_graphdef(build, [(f32(n),) for n in (3, 1, 0)])


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_dynamic_rnn_final_state_only(cell):
    """The outputs unused (a classifier on the final state): TF's cotangent of the
    output TensorArray's flow is its scalar zeros_like(flow)."""
    def build():
        x = ph(tf.float32, [None, None, 3], "x")
        make = {"rnn": v1.nn.rnn_cell.BasicRNNCell, "lstm": v1.nn.rnn_cell.LSTMCell}[cell]
        _, state = v1.nn.dynamic_rnn(make(4), x, dtype=tf.float32)
        last = state.h if cell == "lstm" else state
        loss = tf.reduce_sum(tf.square(last))
        return [x], [loss] + tf.gradients(loss, v1.trainable_variables() + [x])
    via_graphdef(build, [(f32(2, 5, 3),), (f32(3, 1, 3),), (f32(1, 7, 3),)])


def test_train_on_the_final_state_only():
    def build():
        x, y = ph(tf.float32, [None, None, 3], "x"), ph(tf.float32, [None, 2], "y")
        _, state = v1.nn.dynamic_rnn(v1.nn.rnn_cell.LSTMCell(4), x, dtype=tf.float32)
        loss = tf.reduce_mean(tf.square(v1.layers.dense(state.h, 2) - y))
        return [x, y], loss, v1.train.GradientDescentOptimizer(0.5).minimize(loss)
    trained(build, [(f32(2, 5, 3), f32(2, 2)), (f32(3, 1, 3), f32(3, 2))])


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_resource_variables_read_inside_the_loop_train(optimizer):
    """Resource variables read in the loop body (what Keras recurrent layers do): TF's
    gradient w.r.t. the handle entering the loop is the gradient w.r.t. the values
    read there."""
    def build():
        x, y = ph(tf.float32, [None, None, 2], "x"), ph(tf.float32, [None, 2], "y")
        w = v1.get_variable("w", initializer=f32(2, 2), use_resource=True)
        u = v1.get_variable("u", initializer=f32(2, 2), use_resource=True)
        b = v1.get_variable("b", initializer=f32(2), use_resource=True)

        def body(t, h):
            h = tf.tanh(h @ w + x[:, t] @ u.read_value() + b)
            return t + 1, h
        h0 = tf.tanh(x[:, 0] @ u)          # u also reaches the loop through h0
        _, h = tf.while_loop(lambda t, h: t < tf.shape(x)[1], body, [0, h0])
        loss = tf.reduce_mean(tf.square(h - y)) + 0.1 * tf.reduce_sum(w)
        opt = v1.train.GradientDescentOptimizer(0.3) if optimizer == "sgd" else \
            v1.train.AdamOptimizer(0.05)
        return [x, y], loss, opt.minimize(loss)
    trained(build, [(f32(2, 3, 2), f32(2, 2)), (f32(3, 1, 2), f32(3, 2)),
                    (f32(1, 4, 2), f32(1, 2))])


def test_nested_loops_gradient():
    def build():
        x = ph(tf.float32, [None, 2], "x")
        w = v1.get_variable("w", initializer=f32(2, 2) * 0.5)

        def outer(i, h):
            _, h = tf.while_loop(lambda j, h: j < i, lambda j, h: (j + 1, tf.tanh(h @ w)),
                                 [0, h])
            return i + 1, h + x[i]
        _, h = tf.while_loop(lambda i, h: i < tf.shape(x)[0], outer,
                             [0, tf.ones([1, 2])])
        loss = tf.reduce_sum(h * h)
        return [x], [loss] + tf.gradients(loss, [w, x])
    via_graphdef(build, [(f32(n, 2),) for n in (3, 0, 1)])


def test_embedding_lookup_inside_the_loop_gradient():
    """TF accumulates the gradient of a table looked up in the loop as IndexedSlices
    (three accumulators: indices, values, dense_shape)."""
    def build():
        tok = ph(tf.int32, [None, None], "tok")
        w = v1.get_variable("w", initializer=np.float32(1.5))
        emb = tf.constant(f32(6, 2))
        table = emb * w

        def body(t, h):
            return t + 1, tf.tanh(h + tf.nn.embedding_lookup(table, tok[:, t]) +
                                  tf.gather(emb, tok[:, t]))
        _, h = tf.while_loop(lambda t, h: t < tf.shape(tok)[1], body,
                             [0, tf.zeros([tf.shape(tok)[0], 2])])
        loss = tf.reduce_sum(h * h)
        g_emb, g_w = tf.gradients(loss, [emb, w])
        return [tok], [loss, tf.convert_to_tensor(g_emb), g_w]
    via_graphdef(build, [(np.array([[1, 2, 1], [3, 0, 5]], np.int32),),
                         (np.array([[4]], np.int32),)])      # (0 steps: TF fails)


@pytest.mark.parametrize("optimizer", ["momentum", "adagrad"])
def test_train_an_embedding_looked_up_inside_the_loop(optimizer):
    """A decoder-like loop embedding its own tokens: sparse optimizer updates of the
    rows TF's IndexedSlices gradient names."""
    def build():
        tok, y = ph(tf.int32, [None, None], "tok"), ph(tf.float32, [None, 3], "y")
        emb = v1.get_variable("emb", initializer=f32(7, 3))
        w = v1.get_variable("w", initializer=f32(3, 3))

        def body(t, h):
            return t + 1, tf.tanh(h @ w + tf.nn.embedding_lookup(emb, tok[:, t]))
        _, h = tf.while_loop(lambda t, h: t < tf.shape(tok)[1], body,
                             [0, tf.zeros([tf.shape(tok)[0], 3])])
        loss = tf.reduce_mean(tf.square(h - y))
        opt = v1.train.MomentumOptimizer(0.5, 0.9) if optimizer == "momentum" else \
            v1.train.AdagradOptimizer(0.5)
        return [tok, y], loss, opt.minimize(loss)
    trained(build, [(np.array([[1, 2, 1], [3, 0, 5]], np.int32), f32(2, 3)),
                    (np.array([[4, 4, 6, 1]], np.int32), f32(1, 3))])



def test_adversarial_training_through_a_loop():
    """FGSM adversarial training: the second gradients (minimize's) reaches the first
    one's backward loop (through stop_gradient) and adds a counter (f_count) to it."""
    def build():
        x, y = ph(tf.float32, [None, 2], "x"), ph(tf.float32, [None, 2], "y")
        w = v1.get_variable("w", initializer=f32(2, 2))

        def f(inp):
            _, h = tf.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, tf.tanh(h @ w)),
                                 [0, inp])
            return tf.reduce_mean(tf.square(h - y))
        gx = tf.gradients(f(x), x)[0]
        x_adv = x + 0.1 * tf.sign(tf.stop_gradient(gx))
        loss = f(x) + f(x_adv)
        return [x, y], loss, v1.train.GradientDescentOptimizer(0.5).minimize(loss)
    trained(build, [(f32(3, 2), f32(3, 2)), (f32(1, 2), f32(1, 2))])


def test_gated_gradient_through_a_cond_reading_a_loop_output():
    """minimize-style gating (tuple/group_deps) in the gradient of a cond whose branch
    reads a loop's output: the gradient cond's nodes fall in two stages."""
    def build():
        x, flag = ph(tf.float32, [None, None], "x"), ph(tf.bool, [], "flag")
        w = v1.get_variable("w", initializer=np.float32(1.5))
        fold = tf.foldl(lambda a, t: tf.tanh(a * 0.5 + t), x * w,
                        initializer=tf.zeros_like(x[0]))
        err = tf.reduce_mean(tf.square(x * w - 1.0))
        loss = tf.cond(flag, lambda: err + 0.1 * tf.reduce_mean(fold), lambda: err * 2.0)
        return [x, flag], [loss] + tf.gradients(loss, [w, x], gate_gradients=True)
    via_graphdef(build, [(f32(3, 2), True), (f32(3, 2), False), (f32(1, 4), True)])


@pytest.mark.parametrize("gate", [False, True])
def test_gradient_of_a_loop_inside_a_cond_branch(gate):
    """The forward loop is built in the cond's branch; its lifted gradient, in the
    gradient cond's branch, builds it again there from its inputs."""
    def build():
        x, flag = ph(tf.float32, [None, 2], "x"), ph(tf.bool, [], "flag")
        w = tf.constant(f32(2, 2))        # (a frozen variable's VariableShape fails)

        def looped():
            _, h = tf.while_loop(lambda i, h: i < tf.shape(x)[0],
                                 lambda i, h: (i + 1, tf.tanh(h @ w) + x[i]),
                                 [0, tf.tanh(x[:1] @ w)])
            return tf.reduce_sum(h * h)
        loss = tf.cond(flag, looped, lambda: tf.reduce_sum(x @ w))
        return [x, flag], [loss] + tf.gradients(loss, [w, x], gate_gradients=gate)
    via_graphdef(build, [(f32(3, 2), True), (f32(3, 2), False), (f32(1, 2), True)])


def test_train_a_loop_run_only_under_a_cond():
    def build():
        x, y = ph(tf.float32, [None, None, 2], "x"), ph(tf.float32, [None, 2], "y")
        flag = ph(tf.bool, [], "flag")
        w = v1.get_variable("w", initializer=f32(2, 2))
        u = v1.get_variable("u", initializer=f32(2, 2))

        def looped():
            _, h = tf.while_loop(lambda t, h: t < tf.shape(x)[1],
                                 lambda t, h: (t + 1, tf.tanh(h @ w + x[:, t] @ u)),
                                 [0, tf.zeros_like(x[:, 0])])
            return h
        h = tf.cond(flag, looped, lambda: tf.tanh(x[:, 0] @ u))
        loss = tf.reduce_mean(tf.square(h - y))
        return [x, y, flag], loss, v1.train.GradientDescentOptimizer(0.5).minimize(loss)
    trained(build, [(f32(2, 3, 2), f32(2, 2), True), (f32(3, 2, 2), f32(3, 2), False),
                    (f32(1, 4, 2), f32(1, 2), True)])
