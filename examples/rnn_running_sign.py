"""A recurrent net in TF1 style: variable scopes, a scan over time, dropout switched by a
placeholder_with_default, tf.losses, gradient clipping, Adam, and a checkpoint.

The task: a sequence of +1/-1 steps; at each step, say whether the running sum is
positive. A plain tanh RNN learns it in a few hundred steps.

    python examples/rnn_running_sign.py
"""
import os
import tempfile

import numpy as np

import graphc as gc

T, BATCH, HIDDEN = 10, 64, 24


def batch(rng):
    steps = rng.choice([-1.0, 1.0], size=(BATCH, T))
    return steps[..., None], (np.cumsum(steps, axis=1) > 0).astype(np.int32)


def build():
    x = gc.placeholder(gc.float64, (None, T, 1), name="x")              # batch, time, 1
    y = gc.placeholder(gc.int32, (None, T), name="y")
    training = gc.placeholder_with_default(False, [], name="training")
    with gc.variable_scope("rnn", initializer=gc.glorot_uniform_initializer(seed=1)):
        W = gc.get_variable("W", (1, HIDDEN), gc.float64)
        U = gc.get_variable("U", (HIDDEN, HIDDEN), gc.float64)
        b = gc.get_variable("b", (HIDDEN,), gc.float64, initializer=gc.zeros_initializer())
    h0 = gc.zeros_like(gc.matmul(x[:, 0, :], W))                        # (batch, hidden)
    xs = gc.transpose(x, (1, 0, 2))                                     # time first
    hs = gc.scan(lambda h, xt: gc.tanh(gc.matmul(xt, W) + gc.matmul(h, U) + b), xs,
                 initializer=h0)                                        # (time, batch, hidden)
    hs = gc.layers.dropout(hs, rate=0.1, training=training, seed=2)
    with gc.variable_scope("readout"):
        logits = gc.layers.dense(hs, 2, kernel_initializer=gc.glorot_uniform_initializer(seed=3))
    logits = gc.transpose(logits, (1, 0, 2))                            # batch first again
    loss = gc.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    accuracy = gc.reduce_mean(gc.cast(gc.equal(gc.cast(gc.argmax(logits, -1), gc.int32), y),
                                      gc.float64))
    opt = gc.train.AdamOptimizer(0.02)
    grads, variables = zip(*opt.compute_gradients(loss))
    clipped, norm = gc.clip_by_global_norm(list(grads), 5.0)
    train = opt.apply_gradients(zip(clipped, variables),
                                global_step=gc.train.get_or_create_global_step())
    return dict(x=x, y=y, training=training, loss=loss, accuracy=accuracy, train=train,
                norm=norm)


def main(steps=300, verbose=True, seed=0):
    rng = np.random.default_rng(seed)
    with gc.Graph().as_default():
        m = build()
        saver = gc.train.Saver()
        history = []
        with gc.Session() as sess, tempfile.TemporaryDirectory() as tmp:
            sess.run(gc.global_variables_initializer())
            step = sess.make_callable([m["train"], m["loss"]], [m["x"], m["y"], m["training"]])
            for i in range(steps):
                xb, yb = batch(rng)
                history.append(step(xb, yb, True)[1])
                if verbose and i % 50 == 0:
                    print(f"step {i:4d}  loss {history[-1]:.4f}")
            path = saver.save(sess, os.path.join(tmp, "rnn"), global_step=steps)
            xt, yt = batch(np.random.default_rng(seed + 1))
            acc = sess.run(m["accuracy"], {m["x"]: xt, m["y"]: yt})     # dropout off
            with gc.Session() as fresh:                                 # restore and agree
                saver.restore(fresh, path)
                restored = fresh.run(m["accuracy"], {m["x"]: xt, m["y"]: yt})
    if verbose:
        print(f"test accuracy {acc:.3f} (restored from {os.path.basename(path)}: "
              f"{restored:.3f})")
    return {"loss_history": history, "accuracy": acc, "restored_accuracy": restored}


if __name__ == "__main__":
    main()
